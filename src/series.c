/* series.c: snapshots of one process over time; see series.h. Linear: one
 * id -> stack table per earlier snapshot, one count table per series. */
#include "stackblame/series.h"

#include <stdlib.h>
#include <string.h>

typedef struct sb_id_key {
    uint32_t dump;
    uint32_t pad;
    uint64_t id;
} sb_id_key;

typedef struct sb_stack_key {
    uint32_t series, stack;
} sb_stack_key;

void sb_series_build(sb_model *m, sb_series *out)
{
    memset(out, 0, sizeof(*out));
    sb_arena arena;
    sb_arena_init(&arena);
    sb_intern labels; /* label string id -> series candidate index */
    sb_intern_init(&labels, &arena);
    uint32_t *count = NULL, *last = NULL;
    size_t ccap = 0, lcap = 0;
    for (uint32_t d = 0; d < m->ndumps; d++) {
        if (m->dumps[d].format != SB_FMT_TRACEBACK)
            continue;
        size_t before = sb_intern_count(&labels);
        uint32_t k = sb_intern_put(&labels, &m->dumps[d].label, sizeof(uint32_t)) - 1;
        if (sb_intern_count(&labels) > before) {
            count = sb_grow(count, &ccap, k, sizeof(*count));
            last = sb_grow(last, &lcap, k, sizeof(*last));
            count[k] = 0;
        }
        m->dumps[d].snapshot = count[k]++;
        last[k] = d;
    }
    /* Labels seen more than once are series; number them in input order. */
    uint32_t *series_of = sb_xmalloc((sb_intern_count(&labels) + 1) * sizeof(uint32_t));
    for (size_t k = 0; k + 1 < sb_intern_count(&labels); k++)
        series_of[k] = SB_NONE;
    size_t scap = 0;
    for (uint32_t d = 0; d < m->ndumps; d++) {
        sb_dump *dp = &m->dumps[d];
        if (dp->format != SB_FMT_TRACEBACK)
            continue;
        uint32_t k = sb_intern_find(&labels, &dp->label, sizeof(uint32_t)) - 1;
        if (count[k] < 2) {
            dp->snapshot = 0;
            continue;
        }
        if (series_of[k] == SB_NONE) {
            series_of[k] = out->nseries;
            out->nsnapshots = sb_grow(out->nsnapshots, &scap, out->nseries, sizeof(uint32_t));
            out->nsnapshots[out->nseries++] = count[k];
        }
        dp->series = series_of[k];
        dp->superseded = d != last[k];
    }
    /* seen: for the last snapshot, how many snapshots show id with this stack. */
    sb_intern ids; /* (dump, id) -> dense index into stack_of */
    sb_intern_init(&ids, &arena);
    uint32_t *stack_of = NULL;
    size_t socap = 0;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        if (!m->dumps[g->dump].superseded)
            continue;
        sb_id_key key = {g->dump, 0, g->id};
        uint32_t x = sb_intern_put(&ids, &key, sizeof(key));
        stack_of = sb_grow(stack_of, &socap, x, sizeof(*stack_of));
        stack_of[x] = g->stack;
    }
    /* Dumps of each series in order, to look a goroutine up in each. */
    uint32_t **dumps_of = sb_xcalloc(out->nseries ? out->nseries : 1, sizeof(uint32_t *));
    for (uint32_t s = 0; s < out->nseries; s++)
        dumps_of[s] = sb_xmalloc(out->nsnapshots[s] * sizeof(uint32_t));
    for (uint32_t d = 0; d < m->ndumps; d++)
        if (m->dumps[d].series != SB_NONE)
            dumps_of[m->dumps[d].series][m->dumps[d].snapshot] = d;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        sb_goroutine *g = &m->goroutines[i];
        const sb_dump *d = &m->dumps[g->dump];
        if (d->series == SB_NONE || d->superseded)
            continue;
        g->seen = 1;
        for (uint32_t s = 0; s + 1 < out->nsnapshots[d->series]; s++) {
            sb_id_key key = {dumps_of[d->series][s], 0, g->id};
            uint32_t x = sb_intern_find(&ids, &key, sizeof(key));
            if (x != UINT32_MAX && stack_of[x] == g->stack)
                g->seen++;
        }
    }
    /* Leak suspects: per (series, stack), the count in each snapshot. */
    sb_intern sk;
    sb_intern_init(&sk, &arena);
    uint64_t **counts = NULL;
    uint32_t *member = NULL;
    size_t kcap = 0, mcap = 0;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        const sb_dump *d = &m->dumps[g->dump];
        if (d->series == SB_NONE)
            continue;
        sb_stack_key key = {d->series, g->stack};
        size_t before = sb_intern_count(&sk);
        uint32_t x = sb_intern_put(&sk, &key, sizeof(key)) - 1;
        if (sb_intern_count(&sk) > before) {
            counts = sb_grow(counts, &kcap, x, sizeof(*counts));
            member = sb_grow(member, &mcap, x, sizeof(*member));
            counts[x] = sb_xcalloc(out->nsnapshots[d->series], sizeof(uint64_t));
            member[x] = SB_NONE;
        }
        counts[x][d->snapshot] += g->count;
        if (!d->superseded && member[x] == SB_NONE)
            member[x] = i;
    }
    size_t lkcap = 0;
    for (size_t x = 0; x + 1 < sb_intern_count(&sk); x++) {
        const sb_stack_key *key = sb_intern_data(&sk, (uint32_t)x + 1);
        uint32_t n = out->nsnapshots[key->series];
        bool growing = member[x] != SB_NONE;
        for (uint32_t s = 1; s < n && growing; s++)
            growing = counts[x][s] > counts[x][s - 1];
        if (!growing) {
            free(counts[x]);
            continue;
        }
        out->leaks = sb_grow(out->leaks, &lkcap, out->nleaks, sizeof(*out->leaks));
        sb_leak *l = &out->leaks[out->nleaks++];
        l->series = key->series;
        l->last_dump = dumps_of[key->series][n - 1];
        l->stack = key->stack;
        l->first_goroutine = member[x];
        l->counts = counts[x];
    }
    for (uint32_t s = 0; s < out->nseries; s++)
        free(dumps_of[s]);
    free(dumps_of);
    free(counts);
    free(member);
    free(stack_of);
    free(series_of);
    free(count);
    free(last);
    sb_intern_free(&sk);
    sb_intern_free(&ids);
    sb_intern_free(&labels);
    sb_arena_free(&arena);
}

void sb_series_free(sb_series *s)
{
    for (size_t i = 0; i < s->nleaks; i++)
        free(s->leaks[i].counts);
    free(s->leaks);
    free(s->nsnapshots);
    memset(s, 0, sizeof(*s));
}
