/* model.c: the dump model's storage and accessors; see model.h. */
#include "stackblame/model.h"

#include <stdlib.h>
#include <string.h>

void sb_model_init(sb_model *m)
{
    memset(m, 0, sizeof(*m));
    sb_arena_init(&m->arena);
    sb_intern_init(&m->strings, &m->arena);
    sb_intern_init(&m->frames, &m->arena);
    sb_intern_init(&m->stacks, &m->arena);
    sb_intern_init(&m->argvecs, &m->arena);
    sb_races_init(&m->races);
    /* Frame id 0 and stack id 0 are the empty blobs: keep their info valid. */
    m->stack_info = sb_grow(NULL, &m->stack_info_cap, 0, sizeof(*m->stack_info));
    memset(&m->stack_info[0], 0, sizeof(m->stack_info[0]));
}

void sb_model_free(sb_model *m)
{
    sb_intern_free(&m->strings);
    sb_intern_free(&m->frames);
    sb_intern_free(&m->stacks);
    sb_intern_free(&m->argvecs);
    free(m->stack_info);
    free(m->argnums);
    free(m->own);
    free(m->goroutines);
    free(m->dumps);
    free(m->inputs);
    sb_races_free(&m->races);
    sb_arena_free(&m->arena);
    memset(m, 0, sizeof(*m));
}

const char *sb_str(const sb_model *m, uint32_t id, size_t *len)
{
    if (len)
        *len = sb_intern_len(&m->strings, id);
    return sb_intern_data(&m->strings, id);
}

const sb_frame *sb_frame_get(const sb_model *m, uint32_t frame_id)
{
    static const sb_frame none = {0, 0, 0};
    if (frame_id == 0 || frame_id >= sb_intern_count(&m->frames))
        return &none;
    return sb_intern_data(&m->frames, frame_id);
}

const sb_stack *sb_stack_get(const sb_model *m, uint32_t stack_id)
{
    if (stack_id >= sb_intern_count(&m->stacks))
        return &m->stack_info[0];
    return &m->stack_info[stack_id];
}

uint32_t sb_arg_view_get(const sb_arg_view *v, const sb_model *m, uint32_t i)
{
    size_t lo = 0, hi = v->nmethods; /* methods ascend: the k with methods[k] == i */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->methods[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t own = lo < v->nmethods && v->methods[lo] == i ? sb_arg_view_own(v, m, lo) : 0;
    return own ? own : i < v->nwhole ? v->whole[i] : 0;
}

uint32_t sb_goroutine_arg(const sb_model *m, const sb_goroutine *g, uint32_t i)
{
    sb_arg_view v;
    sb_arg_view_init(&v, m, g);
    return sb_arg_view_get(&v, m, i);
}

static const char sb_hex_digits[] = "0123456789abcdef";

/* 1 + each byte's value as a lowercase hex digit, 0 for the others: one
 * load per digit, and no branch on which range it is in. Two range tests
 * give the same numbers, with branches that the random digits of
 * addresses mispredict. */
static const uint8_t sb_hex_digit1[256] = {
    ['0'] = 1, ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

size_t sb_arg_number_at(const char *s, size_t n, uint64_t *packed)
{
    if (n < 3 || s[0] != '0' || s[1] != 'x')
        return 0;
    /* One digit past 16 at most: enough to see a run too long. */
    size_t i = 2, lim = n < 19 ? n : 19;
    uint64_t v = 0;
    unsigned d;
    while (i < lim && (d = sb_hex_digit1[(unsigned char)s[i]]) != 0) {
        v = v << 4 | (d - 1);
        i++;
    }
    size_t ndig = i - 2;
    if (ndig == 0 || ndig > 16 || (s[2] == '0' && ndig > 1) || v >> 63)
        return 0; /* v >> 63: no room for the mark, kept as text */
    bool mark = i < n && s[i] == '?';
    *packed = v << 1 | mark;
    return i + mark;
}

bool sb_arg_number(const char *s, size_t n, uint64_t *packed)
{
    uint64_t v;
    if (n == 0 || sb_arg_number_at(s, n, &v) != n)
        return false;
    *packed = v;
    return true;
}

uint32_t sb_arg_add_number(sb_model *m, uint64_t packed)
{
    if (m->nargnums >= SB_ARG_NUM - 1)
        sb_oom(SIZE_MAX); /* 2^31 receivers: far past any memory here */
    m->argnums = sb_grow(m->argnums, &m->argnums_cap, m->nargnums, sizeof(*m->argnums));
    m->argnums[m->nargnums] = packed;
    return SB_ARG_NUM | (uint32_t)m->nargnums++;
}

char *sb_arg_number_text(const sb_model *m, uint32_t a, char *w)
{
    if ((a & ~SB_ARG_NUM) >= m->nargnums)
        return w;
    uint64_t packed = m->argnums[a & ~SB_ARG_NUM], v = packed >> 1;
    /* The digits, written from the last: as many as v needs, one for 0. */
    size_t ndig = v ? (size_t)(67 - __builtin_clzll(v)) / 4 : 1;
    w[0] = '0';
    w[1] = 'x';
    for (size_t i = ndig + 1; i >= 2; i--, v >>= 4)
        w[i] = sb_hex_digits[v & 15];
    size_t n = ndig + 2;
    if (packed & 1)
        w[n++] = '?';
    return w + n;
}

const char *sb_arg_text(const sb_model *m, uint32_t a, char buf[SB_ARG_TEXT_MAX], size_t *len)
{
    if (!(a & SB_ARG_NUM) || (a & ~SB_ARG_NUM) >= m->nargnums)
        return sb_str(m, a & SB_ARG_NUM ? 0 : a, len);
    char *end = sb_arg_number_text(m, a, buf);
    *end = '\0';
    *len = (size_t)(end - buf);
    return buf;
}

bool sb_arg_same_text(const sb_model *m, uint32_t a, uint32_t b)
{
    size_t al, bl;
    const char *x = sb_str(m, a, &al), *y = sb_str(m, b, &bl);
    return al == bl && memcmp(x, y, al) == 0;
}
