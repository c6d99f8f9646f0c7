/* group.c: grouping goroutines by (dump, stack, state); see group.h. */
#include "stackblame/group.h"

#include <stdlib.h>
#include <string.h>
#include "stackblame/intern.h"

typedef struct sb_group_key {
    uint32_t dump, stack, state;
} sb_group_key;

static int cmp_groups(const void *a, const void *b)
{
    const sb_group *x = a, *y = b;
    if (x->dump != y->dump)
        return x->dump < y->dump ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

void sb_groups_build(const sb_model *m, sb_groups *out)
{
    memset(out, 0, sizeof(*out));
    sb_arena arena;
    sb_arena_init(&arena);
    sb_intern keys; /* key -> dense group index, in order of first appearance */
    sb_intern_init(&keys, &arena);
    size_t cap = 0;
    uint32_t *last = NULL; /* per group: last member, to append in input order */
    size_t lastcap = 0;
    out->next = sb_xmalloc((m->ngoroutines ? m->ngoroutines : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        sb_group_key k = {g->dump, g->stack, g->state};
        uint32_t gi = sb_intern_put(&keys, &k, sizeof(k)) - 1; /* id 0 is the empty key */
        out->next[i] = SB_NONE;
        if (gi == out->n) {
            out->v = sb_grow(out->v, &cap, out->n, sizeof(*out->v));
            last = sb_grow(last, &lastcap, out->n, sizeof(*last));
            sb_group *n = &out->v[out->n++];
            memset(n, 0, sizeof(*n));
            n->dump = g->dump;
            n->stack = g->stack;
            n->state = g->state;
            n->first = (uint32_t)i;
            n->min_wait = n->max_wait = -1;
        } else {
            out->next[last[gi]] = (uint32_t)i;
        }
        last[gi] = (uint32_t)i;
        sb_group *grp = &out->v[gi];
        grp->count += g->count;
        grp->members++;
        if (g->wait_minutes >= 0) {
            if (grp->min_wait < 0 || g->wait_minutes < grp->min_wait)
                grp->min_wait = g->wait_minutes;
            if (g->wait_minutes > grp->max_wait)
                grp->max_wait = g->wait_minutes;
        }
        if (g->flags & SB_G_LOCKED)
            grp->locked++;
        if (g->flags & SB_G_TRUNCATED)
            grp->truncated++;
    }
    free(last);
    sb_intern_free(&keys);
    sb_arena_free(&arena);
    if (out->n)
        qsort(out->v, out->n, sizeof(*out->v), cmp_groups);
}

void sb_groups_free(sb_groups *g)
{
    free(g->v);
    free(g->next);
    memset(g, 0, sizeof(*g));
}
