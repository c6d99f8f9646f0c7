/* graph.c: builds the waits-for graph; see graph.h. The rule families run
 * in turn, each linear in goroutines plus frames (an index entry list
 * shared by thousands of waiters is walked only so far: MAX_INSIDE,
 * MAX_CHILDREN, MAX_CARRIERS): locks -> suspected
 * holders (graph_lock.c), RPC clients -> handlers and exec waits -> child
 * processes (graph_call.c), goroutines waiting for other goroutines
 * (graph_wait.c); then holders that did not move across snapshots are
 * trusted more. This file holds what they share. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph_int.h"

/* --- the index -------------------------------------------------------- */

void sb_idx_init(sb_index *x)
{
    memset(x, 0, sizeof(*x));
    x->bits = sb_xcalloc(1, sizeof(*x->bits));
    sb_arena_init(&x->arena);
    sb_intern_init(&x->keys, &x->arena);
}

void sb_idx_free(sb_index *x)
{
    sb_intern_free(&x->keys);
    sb_arena_free(&x->arena);
    free(x->bits);
    free(x->head);
    free(x->e);
}

void sb_idx_add(sb_index *x, const void *key, size_t klen, uint32_t g, uint32_t frame)
{
    sb_keybits_add(x->bits, key, klen);
    size_t before = sb_intern_count(&x->keys);
    uint32_t k = sb_intern_put(&x->keys, key, klen);
    if (sb_intern_count(&x->keys) > before) {
        x->head = sb_grow(x->head, &x->headcap, k, sizeof(*x->head));
        x->head[k] = SB_NONE;
    }
    x->e = sb_grow(x->e, &x->ecap, x->ne, sizeof(*x->e));
    x->e[x->ne] = (sb_entry){g, frame, x->head[k]};
    x->head[k] = (uint32_t)x->ne++;
}

uint32_t sb_idx_first(const sb_index *x, const void *key, size_t klen)
{
    if (!sb_keybits_may(x->bits, key, klen))
        return SB_NONE;
    uint32_t k = sb_intern_find(&x->keys, key, klen);
    return k == UINT32_MAX ? SB_NONE : x->head[k];
}

void sb_keyset_init(sb_keyset *s)
{
    memset(s, 0, sizeof(*s));
    sb_arena_init(&s->arena);
    sb_intern_init(&s->keys, &s->arena);
}

void sb_keyset_free(sb_keyset *s)
{
    sb_intern_free(&s->keys);
    sb_arena_free(&s->arena);
}

void sb_keyset_put(sb_keyset *s, const void *key, size_t n)
{
    sb_intern_put(&s->keys, key, n);
    sb_keybits_add(&s->bits, key, n);
}

/* --- targets and evidence ------------------------------------------- */

static void add_evidence(sb_gb *b, sb_target *t, const char *s, size_t n)
{
    sb_graph *g = b->g;
    if (t->nev == 0)
        t->ev_first = (uint32_t)g->nevidence;
    g->evidence = sb_grow(g->evidence, &g->evidence_cap, g->nevidence, sizeof(*g->evidence));
    g->evidence[g->nevidence++] = sb_intern_put(&b->m->strings, s, n);
    t->nev++;
}

uint32_t sb_gb_target(sb_gb *b, uint8_t kind, uint32_t dump, enum sb_rule_id rule, const char *fmt,
                      ...)
{
    sb_graph *g = b->g;
    g->targets = sb_grow(g->targets, &g->targets_cap, g->ntargets, sizeof(*g->targets));
    sb_target *t = &g->targets[g->ntargets];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    t->dump = dump;
    t->holder = SB_NONE;
    t->first_waiter = SB_NONE;
    t->rule = (uint8_t)rule;
    t->conf = sb_infer(rule)->conf;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->buf, sizeof(b->buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(b->buf))
        n = sizeof(b->buf) - 1;
    t->what = sb_intern_put(&b->m->strings, b->buf, n > 0 ? (size_t)n : 0);
    return (uint32_t)g->ntargets++;
}

void sb_gb_link(sb_gb *b, uint32_t target, uint32_t holder, enum sb_rule_id rule, const sb_say *v)
{
    sb_target *t = &b->g->targets[target];
    t->holder = holder;
    t->rule = (uint8_t)rule;
    t->conf = sb_infer(rule)->conf;
    size_t n = sb_say_rule(b->m, rule, v, b->buf, sizeof(b->buf));
    add_evidence(b, t, b->buf, n);
}

void sb_gb_ev(sb_gb *b, uint32_t target, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->buf, sizeof(b->buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(b->buf))
        n = sizeof(b->buf) - 1;
    add_evidence(b, &b->g->targets[target], b->buf, (size_t)n);
}

void sb_gb_edge(sb_gb *b, uint32_t gi, uint32_t holder, enum sb_rule_id rule, const sb_say *v,
                const char *what)
{
    const sb_goroutine *g = &b->m->goroutines[gi];
    uint32_t t = sb_gb_target(b, b->c->g[gi].kind, g->dump, rule, "%s", what);
    sb_gb_link(b, t, holder, rule, v);
    b->g->targets[t].waiters = g->count;
    b->g->targets[t].first_waiter = gi;
    b->g->target_of[gi] = t;
}

/* --- what the rules share ---------------------------------------------- */

bool sb_gb_ranks_above(const sb_model *m, uint32_t a, int tier_a, uint32_t b, int tier_b)
{
    if (b == SB_NONE)
        return true;
    if (tier_a != tier_b)
        return tier_a > tier_b;
    const sb_goroutine *x = &m->goroutines[a], *y = &m->goroutines[b];
    if (x->seen != y->seen)
        return x->seen > y->seen;
    if (x->wait_minutes != y->wait_minutes)
        return x->wait_minutes > y->wait_minutes;
    bool lx = x->flags & SB_G_LOCKED, ly = y->flags & SB_G_LOCKED;
    if (lx != ly)
        return lx;
    if (x->id != y->id)
        return x->id < y->id;
    return a < b;
}

static uint8_t *excluded_goroutines(const sb_model *m, const sb_classes *c)
{
    uint8_t *ex = sb_xmalloc(m->ngoroutines ? m->ngoroutines : 1);
    for (size_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        ex[i] = c->g[i].kind == SB_WAIT_RUNTIME || c->stacks[g->stack].dumper ||
                sb_goroutine_set_aside(m, g);
    }
    return ex;
}

bool sb_gb_stuck_shape(const sb_gb *b, uint32_t gi)
{
    const sb_gclass *gc = &b->c->g[gi];
    return sb_wait_is_blocked((enum sb_wait_kind)gc->kind) && !gc->quiet;
}

uint32_t sb_gb_func(const sb_gb *b, uint32_t gi, uint32_t f)
{
    const sb_stack *st = sb_stack_get(b->m, b->m->goroutines[gi].stack);
    return f < st->nframes ? sb_frame_get(b->m, st->frames[f])->func : 0;
}

uint64_t sb_gb_frame_word(const sb_model *m, const sb_arg_view *v, uint32_t f)
{
    uint64_t w = 0;
    if (!sb_arg_word(m, sb_arg_view_get(v, m, f), &w))
        return 0;
    return w;
}

/* --- snapshots ---------------------------------------------------------- */

/* Appends a line to a finished target: its evidence must stay contiguous,
 * so it moves to the end of the evidence array first. */
static void ev_late(sb_gb *b, sb_target *t, const char *line, size_t n)
{
    sb_graph *g = b->g;
    uint32_t first = (uint32_t)g->nevidence;
    for (uint32_t k = 0; k < t->nev; k++) {
        g->evidence = sb_grow(g->evidence, &g->evidence_cap, g->nevidence, sizeof(*g->evidence));
        g->evidence[g->nevidence++] = g->evidence[t->ev_first + k];
    }
    uint32_t had = t->nev;
    t->nev = 0;
    add_evidence(b, t, line, n);
    t->ev_first = first;
    t->nev = had + 1;
}

/* Rule unmoved: a holder that sat with the same stack in every snapshot of
 * its process is stuck, not passing by; say so and trust it one level
 * more. */
static void rule_unmoved(sb_gb *b)
{
    for (size_t t = 0; t < b->g->ntargets; t++) {
        sb_target *T = &b->g->targets[t];
        if (T->holder == SB_NONE)
            continue;
        const sb_goroutine *h = &b->m->goroutines[T->holder];
        const sb_dump *d = &b->m->dumps[h->dump];
        if (d->series == SB_NONE || h->seen < d->snapshot + 1)
            continue;
        sb_say v = sb_say_none();
        v.holder = T->holder;
        v.n = h->seen;
        size_t n = sb_say_rule(b->m, SB_RULE_UNMOVED, &v, b->buf, sizeof(b->buf));
        ev_late(b, T, b->buf, n);
        if (T->conf < SB_CONF_HIGH && T->conf > SB_CONF_NONE)
            T->conf++;
    }
}

void sb_graph_build(sb_model *m, const sb_classes *c, sb_graph *g)
{
    memset(g, 0, sizeof(*g));
    sb_gb b = {m, c, g, excluded_goroutines(m, c), {0}};
    size_t n = m->ngoroutines ? m->ngoroutines : 1;
    g->target_of = sb_xmalloc(n * sizeof(uint32_t));
    for (size_t i = 0; i < m->ngoroutines; i++)
        g->target_of[i] = SB_NONE;
    sb_graph_locks(&b);
    sb_graph_rpc(&b);
    sb_graph_exec(&b);
    sb_graph_waits(&b);
    rule_unmoved(&b);
    free(b.excluded);
}

void sb_graph_free(sb_graph *g)
{
    free(g->target_of);
    free(g->targets);
    free(g->evidence);
    free(g->alone);
    memset(g, 0, sizeof(*g));
}

uint32_t sb_graph_next(const sb_graph *g, uint32_t gi)
{
    uint32_t t = g->target_of[gi];
    if (t == SB_NONE)
        return SB_NONE;
    uint32_t h = g->targets[t].holder;
    return h == gi ? SB_NONE : h;
}

const sb_alone *sb_graph_alone(const sb_graph *g, uint32_t gi)
{
    size_t lo = 0, hi = g->nalone; /* the list is in goroutine order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->alone[mid].g < gi)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->nalone && g->alone[lo].g == gi ? &g->alone[lo] : NULL;
}
