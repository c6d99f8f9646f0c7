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
    free(m->goroutines);
    free(m->dumps);
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

/* The argument vector id as a pointer and a length. */
static const uint32_t *argvec(const sb_model *m, uint32_t id, size_t *n)
{
    *n = sb_intern_len(&m->argvecs, id) / sizeof(uint32_t);
    return sb_intern_data(&m->argvecs, id);
}

void sb_arg_view_init(sb_arg_view *v, const sb_model *m, const sb_goroutine *g)
{
    const sb_stack *st = sb_stack_get(m, g->stack);
    v->whole = argvec(m, st->rep_args, &v->nwhole);
    v->mine = argvec(m, g->args, &v->nmine);
    v->theirs = argvec(m, st->rep_own, &v->ntheirs);
}

/* A goroutine keeps the first argument of its method frames (receivers,
 * lock addresses); where that differs from its stack's first goroutine's,
 * it is what the goroutine shows, else the stack's whole argument list. */
uint32_t sb_arg_view_get(const sb_arg_view *v, const sb_model *m, uint32_t i)
{
    uint32_t whole = i < v->nwhole ? v->whole[i] : 0;
    if (i >= v->nmine || !v->mine[i])
        return whole;
    /* The same first argument as the stack's own goroutine: its whole
     * list is the one to show. That goroutine's own first arguments are
     * sb_args_first_text of rep_args, already cut. */
    uint32_t mine = v->mine[i], theirs = i < v->ntheirs ? v->theirs[i] : 0;
    if (theirs == mine)
        return whole;
    size_t tl, ml;
    const char *t = sb_str(m, theirs, &tl), *f = sb_str(m, mine, &ml);
    return tl == ml && memcmp(t, f, ml) == 0 ? whole : mine;
}

uint32_t sb_goroutine_arg(const sb_model *m, const sb_goroutine *g, uint32_t i)
{
    sb_arg_view v;
    sb_arg_view_init(&v, m, g);
    return sb_arg_view_get(&v, m, i);
}
