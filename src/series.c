/* series.c: snapshots of one process over time; see series.h. Linear: one
 * (dump, id) table over the dumps whose label repeats, one count table per
 * series. */
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

/* What a goroutine of an earlier dump tells a later one: where it was
 * created and what it was doing. */
typedef struct sb_id_val {
    uint32_t created_by, stack;
} sb_id_val;

typedef struct sb_sctx {
    sb_model *m;
    sb_series *out;
    sb_arena arena;
    sb_intern labels;   /* label string id -> dense index + 1 */
    uint32_t *count;    /* per label: its traceback dumps */
    uint32_t *label_of; /* per dump: its label's index, SB_NONE for a debug=1 profile */
    size_t ccap;
    sb_intern ids; /* (dump, id) of the dumps whose label repeats -> index + 1 */
    sb_id_val *vals;
    size_t vcap;
    uint32_t *chain;     /* per dump: the first dump of its chain, SB_NONE = none */
    bool diff;           /* --diff: one series of every traceback dump, labels aside */
    uint32_t **dumps_of; /* per series: its dumps in order */
} sb_sctx;

static uint32_t label_index(sb_sctx *x, uint32_t label)
{
    size_t before = sb_intern_count(&x->labels);
    uint32_t k = sb_intern_put(&x->labels, &label, sizeof(label)) - 1;
    if (sb_intern_count(&x->labels) > before) {
        x->count = sb_grow(x->count, &x->ccap, k, sizeof(*x->count));
        x->count[k] = 0;
    }
    return k;
}

/* Whether dump d is a traceback whose label another dump shares. */
static bool repeats(const sb_sctx *x, uint32_t d)
{
    return x->label_of[d] != SB_NONE && x->count[x->label_of[d]] > 1;
}

/* Step 1: how many traceback dumps each label has, then the ids of the
 * dumps whose label has more than one (a lone dump costs nothing). */
static void index_ids(sb_sctx *x)
{
    sb_model *m = x->m;
    x->label_of = sb_xmalloc((m->ndumps + 1) * sizeof(uint32_t));
    for (uint32_t d = 0; d < m->ndumps; d++) {
        x->label_of[d] = SB_NONE;
        if (m->dumps[d].format != SB_FMT_TRACEBACK)
            continue;
        uint32_t k = label_index(x, x->diff ? 0 : m->dumps[d].label); /* may move x->count */
        x->count[k]++;
        x->label_of[d] = k;
    }
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        if (!repeats(x, g->dump) || (g->flags & SB_G_ID_OVERFLOW))
            continue;
        sb_id_key key = {g->dump, 0, g->id};
        uint32_t v = sb_intern_put(&x->ids, &key, sizeof(key)) - 1;
        x->vals = sb_grow(x->vals, &x->vcap, v, sizeof(*x->vals));
        x->vals[v] = (sb_id_val){g->created_by, g->stack};
    }
}

static const sb_id_val *id_in(const sb_sctx *x, uint32_t dump, uint64_t id)
{
    sb_id_key key = {dump, 0, id};
    uint32_t v = sb_intern_find(&x->ids, &key, sizeof(key));
    return v == UINT32_MAX ? NULL : &x->vals[v - 1];
}

/* A fragment of dump a: dump b has no marker of its own (or breaks off),
 * holds fewer goroutines, and all of them are a's again: a repeated tail
 * or a partial second print, not a later state of the process. */
static bool is_fragment(const sb_sctx *x, uint32_t a, uint32_t b)
{
    const sb_model *m = x->m;
    const sb_dump *da = &m->dumps[a], *db = &m->dumps[b];
    bool cut =
        db->ngoroutines && (m->goroutines[db->first + db->ngoroutines - 1].flags & SB_G_TRUNCATED);
    if ((db->origin != SB_ORIGIN_PLAIN && !cut) || db->ngoroutines >= da->ngoroutines)
        return false;
    for (uint32_t i = db->first; i < db->first + db->ngoroutines; i++)
        if (!id_in(x, a, m->goroutines[i].id))
            return false;
    return true;
}

/* A later snapshot of dump a: dump b shares a goroutine id created at the
 * same site. Two processes under one name share none, or none made alike. */
static bool same_process(const sb_sctx *x, uint32_t a, uint32_t b)
{
    const sb_model *m = x->m;
    const sb_dump *db = &m->dumps[b];
    for (uint32_t i = db->first; i < db->first + db->ngoroutines; i++) {
        const sb_id_val *v = id_in(x, a, m->goroutines[i].id);
        if (v && v->created_by == m->goroutines[i].created_by)
            return true;
    }
    return false;
}

/* Fragment b of dump a: its goroutines with the same stack as in a are
 * analysed there only, so a repeated tail does not repeat a finding. */
static void mark_repeats(sb_sctx *x, uint32_t a, uint32_t b)
{
    sb_model *m = x->m;
    m->dumps[b].fragment_of = a;
    for (uint32_t i = m->dumps[b].first; i < m->dumps[b].first + m->dumps[b].ngoroutines; i++) {
        const sb_id_val *v = id_in(x, a, m->goroutines[i].id);
        if (v && v->stack == m->goroutines[i].stack)
            m->goroutines[i].flags |= SB_G_REPEAT;
    }
}

/* Step 2: per label, each dump joins the chain of the one before it when
 * it is a whole later snapshot of it; a fragment joins nothing and is
 * analysed beside the dump it repeats. */
static void link_chains(sb_sctx *x)
{
    sb_model *m = x->m;
    size_t nlabels = sb_intern_count(&x->labels);
    uint32_t *prev = sb_xmalloc((nlabels + 1) * sizeof(uint32_t));
    for (size_t k = 0; k <= nlabels; k++)
        prev[k] = SB_NONE;
    x->chain = sb_xmalloc((m->ndumps + 1) * sizeof(uint32_t));
    for (uint32_t d = 0; d < m->ndumps; d++) {
        x->chain[d] = SB_NONE;
        if (!repeats(x, d))
            continue;
        uint32_t k = x->label_of[d];
        uint32_t a = prev[k];
        if (a != SB_NONE && !x->diff && is_fragment(x, a, d)) {
            mark_repeats(x, a, d);
            continue;
        }
        x->chain[d] = a != SB_NONE && (x->diff || same_process(x, a, d)) ? x->chain[a] : d;
        prev[k] = d;
    }
    free(prev);
}

/* Step 3: chains of two dumps or more are series, numbered in input
 * order; with latest, all but the last snapshot are set aside. */
static void number_series(sb_sctx *x, bool latest)
{
    sb_model *m = x->m;
    sb_series *out = x->out;
    uint32_t *series_of = sb_xmalloc((m->ndumps + 1) * sizeof(uint32_t));
    uint32_t *length = sb_xcalloc(m->ndumps + 1, sizeof(uint32_t));
    for (uint32_t d = 0; d < m->ndumps; d++)
        if (x->chain[d] != SB_NONE)
            length[x->chain[d]]++;
    size_t scap = 0;
    for (uint32_t d = 0; d < m->ndumps; d++) {
        series_of[d] = SB_NONE;
        uint32_t c = x->chain[d];
        if (c == SB_NONE || length[c] < 2)
            continue;
        if (c == d) {
            series_of[d] = out->nseries;
            out->nsnapshots = sb_grow(out->nsnapshots, &scap, out->nseries, sizeof(uint32_t));
            out->nsnapshots[out->nseries++] = 0;
        }
        sb_dump *dp = &m->dumps[d];
        dp->series = series_of[c];
        dp->snapshot = out->nsnapshots[dp->series]++;
    }
    x->dumps_of = sb_xcalloc(out->nseries ? out->nseries : 1, sizeof(uint32_t *));
    for (uint32_t s = 0; s < out->nseries; s++)
        x->dumps_of[s] = sb_xmalloc(out->nsnapshots[s] * sizeof(uint32_t));
    for (uint32_t d = 0; d < m->ndumps; d++) {
        sb_dump *dp = &m->dumps[d];
        if (dp->series == SB_NONE)
            continue;
        x->dumps_of[dp->series][dp->snapshot] = d;
        dp->superseded = latest && dp->snapshot + 1 < out->nsnapshots[dp->series];
    }
    free(length);
    free(series_of);
}

static bool is_last_snapshot(const sb_sctx *x, const sb_dump *d)
{
    return d->series != SB_NONE && d->snapshot + 1 == x->out->nsnapshots[d->series];
}

/* Step 4: each goroutine of a series' last snapshot learns in how many
 * snapshots its id sat with the same stack. */
static void count_seen(sb_sctx *x)
{
    sb_model *m = x->m;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        sb_goroutine *g = &m->goroutines[i];
        const sb_dump *d = &m->dumps[g->dump];
        if (!is_last_snapshot(x, d))
            continue;
        g->seen = 1;
        for (uint32_t s = 0; s + 1 < x->out->nsnapshots[d->series]; s++) {
            const sb_id_val *v = id_in(x, x->dumps_of[d->series][s], g->id);
            if (v && v->stack == g->stack)
                g->seen++;
        }
    }
}

static void add_change(sb_series *out, uint32_t series, uint32_t stack, uint64_t first,
                       uint64_t last, uint32_t goroutine)
{
    out->changes = sb_grow(out->changes, &out->changes_cap, out->nchanges, sizeof(*out->changes));
    out->changes[out->nchanges++] = (sb_change){series, stack, first, last, goroutine};
}

static uint64_t change_size(const sb_change *c)
{
    return c->last > c->first ? c->last - c->first : c->first - c->last;
}

/* The largest change first; then by series and stack, for a stable order. */
static int by_change(const void *a, const void *b)
{
    const sb_change *x = a, *y = b;
    uint64_t dx = change_size(x), dy = change_size(y);
    if (dx != dy)
        return dx > dy ? -1 : 1;
    if (x->series != y->series)
        return x->series < y->series ? -1 : 1;
    return x->stack < y->stack ? -1 : x->stack > y->stack;
}

/* Step 5, leak suspects: per (series, stack), the count in each snapshot;
 * those that grew from each snapshot to the next and are in the last. */
static void find_leaks(sb_sctx *x)
{
    sb_model *m = x->m;
    sb_series *out = x->out;
    sb_intern sk;
    sb_intern_init(&sk, &x->arena);
    uint64_t **counts = NULL;
    uint32_t *member = NULL, *any = NULL;
    size_t kcap = 0, mcap = 0, acap = 0;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        const sb_dump *d = &m->dumps[g->dump];
        if (d->series == SB_NONE)
            continue;
        sb_stack_key key = {d->series, g->stack};
        size_t before = sb_intern_count(&sk);
        uint32_t k = sb_intern_put(&sk, &key, sizeof(key)) - 1;
        if (sb_intern_count(&sk) > before) {
            counts = sb_grow(counts, &kcap, k, sizeof(*counts));
            member = sb_grow(member, &mcap, k, sizeof(*member));
            any = sb_grow(any, &acap, k, sizeof(*any));
            counts[k] = sb_xcalloc(out->nsnapshots[d->series], sizeof(uint64_t));
            member[k] = SB_NONE;
            any[k] = i;
        }
        counts[k][d->snapshot] += g->count;
        if (is_last_snapshot(x, d) && member[k] == SB_NONE)
            member[k] = i;
    }
    size_t lkcap = 0;
    for (size_t k = 0; k + 1 < sb_intern_count(&sk); k++) {
        const sb_stack_key *key = sb_intern_data(&sk, (uint32_t)k + 1);
        uint32_t n = out->nsnapshots[key->series];
        if (counts[k][0] != counts[k][n - 1])
            add_change(out, key->series, key->stack, counts[k][0], counts[k][n - 1],
                       member[k] != SB_NONE ? member[k] : any[k]);
        bool growing = member[k] != SB_NONE;
        for (uint32_t s = 1; s < n && growing; s++)
            growing = counts[k][s] > counts[k][s - 1];
        if (!growing) {
            free(counts[k]);
            continue;
        }
        out->leaks = sb_grow(out->leaks, &lkcap, out->nleaks, sizeof(*out->leaks));
        out->leaks[out->nleaks++] = (sb_leak){key->series, x->dumps_of[key->series][n - 1],
                                              key->stack, member[k], counts[k]};
    }
    free(counts);
    free(member);
    free(any);
    sb_intern_free(&sk);
    if (out->nchanges > 1)
        qsort(out->changes, out->nchanges, sizeof(*out->changes), by_change);
}

void sb_series_build(sb_model *m, enum sb_series_mode mode, sb_series *out)
{
    memset(out, 0, sizeof(*out));
    for (uint32_t i = 0; i < m->ngoroutines; i++)
        m->goroutines[i].flags &= ~(uint32_t)SB_G_REPEAT;
    for (uint32_t d = 0; d < m->ndumps; d++) {
        m->dumps[d].series = m->dumps[d].fragment_of = SB_NONE;
        m->dumps[d].snapshot = 0;
        m->dumps[d].superseded = false;
    }
    if (mode == SB_SERIES_NONE)
        return;
    sb_sctx x = {.m = m, .out = out, .diff = mode == SB_SERIES_DIFF};
    sb_arena_init(&x.arena);
    sb_intern_init(&x.labels, &x.arena);
    sb_intern_init(&x.ids, &x.arena);
    index_ids(&x);
    link_chains(&x);
    number_series(&x, mode == SB_SERIES_LATEST);
    count_seen(&x);
    find_leaks(&x);
    for (uint32_t s = 0; s < out->nseries; s++)
        free(x.dumps_of[s]);
    free(x.dumps_of);
    free(x.chain);
    free(x.label_of);
    free(x.vals);
    free(x.count);
    sb_intern_free(&x.ids);
    sb_intern_free(&x.labels);
    sb_arena_free(&x.arena);
}

void sb_series_free(sb_series *s)
{
    for (size_t i = 0; i < s->nleaks; i++)
        free(s->leaks[i].counts);
    free(s->leaks);
    free(s->changes);
    free(s->nsnapshots);
    memset(s, 0, sizeof(*s));
}
