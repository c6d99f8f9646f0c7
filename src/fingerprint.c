/* fingerprint.c: finding shapes hashed; see fingerprint.h. FNV-1a over
 * the shape's words, each followed by a separator byte so that "ab"+"c"
 * and "a"+"bc" differ; the 64-bit hash folded to 32 bits. */
#include "stackblame/fingerprint.h"

#include <stdio.h>
#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static uint64_t mix(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return (h ^ 0x1f) * FNV_PRIME;
}

static uint64_t mix_str(uint64_t h, const sb_model *m, uint32_t id)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    return mix(h, s, n);
}

static uint64_t mix_u8(uint64_t h, uint8_t v)
{
    return mix(h, &v, 1);
}

static uint32_t fold(uint64_t h)
{
    return (uint32_t)(h ^ (h >> 32));
}

/* The function a goroutine shows (its lock site for a lock wait). */
static uint64_t mix_func(uint64_t h, const sb_model *m, const sb_classes *c, uint32_t gi)
{
    uint32_t f = sb_link_frame(m, c, gi);
    return f == SB_NONE ? mix(h, "", 0) : mix_str(h, m, sb_frame_get(m, f)->func);
}

/* How goroutine gi waits: its kind, and for a system call or an exec
 * which one (the stack's detail: "recvfrom", a binary name). */
static uint64_t mix_wait(uint64_t h, const sb_model *m, const sb_classes *c, uint32_t gi)
{
    h = mix_u8(h, c->g[gi].kind);
    return mix_str(h, m, c->stacks[m->goroutines[gi].stack].detail);
}

uint32_t sb_fp_chain(const sb_model *m, const sb_classes *c, const sb_chain *ch)
{
    uint64_t h = mix(FNV_OFFSET, "chain", 5);
    if (!ch->nlinks)
        return fold(h);
    h = mix_u8(h, c->g[ch->links[0]].kind);
    for (uint32_t k = 1; k < ch->nlinks; k++) {
        h = mix_func(h, m, c, ch->links[k]);
        h = mix_wait(h, m, c, ch->links[k]);
    }
    return fold(h);
}

uint32_t sb_fp_cycle(const sb_model *m, const sb_classes *c, const sb_cycle *cy)
{
    /* Each member's hash, combined by a sum and an xor: the same for any
     * starting member, and for any order. */
    uint64_t sum = 0, x = 0;
    for (uint32_t k = 0; k < cy->n; k++) {
        uint64_t h = mix_wait(mix_func(FNV_OFFSET, m, c, cy->members[k]), m, c, cy->members[k]);
        sum += h;
        x ^= h;
    }
    uint64_t h = mix(FNV_OFFSET, "cycle", 5);
    h = mix(h, &sum, sizeof(sum));
    return fold(mix(h, &x, sizeof(x)));
}

uint32_t sb_fp_stuck(const sb_model *m, const sb_stuck *s)
{
    uint64_t h = mix(FNV_OFFSET, "stuck", 5);
    h = mix_u8(mix_u8(h, s->rule), s->kind);
    if (s->frame != SB_NONE)
        h = mix_str(h, m, sb_frame_get(m, s->frame)->func);
    return fold(h);
}

/* The reason with what varies between runs blanked: digits (counts,
 * indexes, durations) and hex addresses become '#'. */
static uint64_t mix_reason(uint64_t h, const char *s, size_t n)
{
    char buf[256];
    size_t w = 0;
    for (size_t i = 0; i < n && w < sizeof(buf); i++) {
        bool hex = s[i] == '0' && i + 1 < n && s[i + 1] == 'x';
        if (hex || (s[i] >= '0' && s[i] <= '9')) {
            i += hex ? 2 : 0;
            while (i < n &&
                   ((s[i] >= '0' && s[i] <= '9') ||
                    (hex && ((s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))))
                i++;
            i--;
            buf[w++] = '#';
        } else {
            buf[w++] = s[i];
        }
    }
    return mix(h, buf, w);
}

uint32_t sb_fp_crash(const sb_model *m, const sb_crash *c)
{
    size_t n;
    const char *reason = sb_str(m, c->reason, &n);
    uint64_t h = mix_reason(mix(FNV_OFFSET, "crash", 5), reason, n);
    if (c->frame != SB_NONE)
        h = mix_str(h, m, sb_frame_get(m, c->frame)->func);
    return fold(h);
}

const char *sb_fp_text(uint32_t fp, char buf[SB_FP_TEXT])
{
    snprintf(buf, SB_FP_TEXT, "%08x", fp);
    return buf;
}
