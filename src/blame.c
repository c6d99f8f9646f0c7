/* blame.c: chains and cycles over the waits-for graph; see blame.h. Every
 * goroutine has at most one outgoing edge, so a walk with path marks
 * finds each goroutine's root and every cycle in linear time. The walk
 * runs twice: the first finds the cycles that only a rule of thumb
 * closes, and cuts them there (that rule never makes a deadlock). */
#include "stackblame/blame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcre2.h>

enum { WHITE, GREY, BLACK };

uint32_t sb_link_frame(const sb_model *m, const sb_classes *c, uint32_t gi)
{
    const sb_goroutine *g = &m->goroutines[gi];
    const sb_stack *st = sb_stack_get(m, g->stack);
    const sb_stack_class *sc = &c->stacks[g->stack];
    if (sc->site_frame != SB_NONE)
        return st->frames[sc->site_frame];
    for (uint32_t f = 0; f < st->nframes; f++)
        if (!c->frame_skip[st->frames[f]])
            return st->frames[f];
    return st->nframes ? st->frames[0] : SB_NONE;
}

/* The walk's state: per goroutine its next, root, depth and colour. */
typedef struct sb_walk {
    const sb_model *m;
    const sb_classes *c;
    const sb_graph *g;
    size_t n;
    uint32_t *next, *root, *depth, *path;
    uint8_t *color;
    bool *in_cycle;
} sb_walk;

static void init_next(sb_walk *w)
{
    for (size_t i = 0; i < w->n; i++)
        w->next[i] = sb_graph_next(w->g, (uint32_t)i);
}

/* An edge no deadlock may rest on: the rule of thumb; and in a cycle
 * that also waits for goroutines (a Stop for its worker), a holder known
 * only by type or by a sibling closure: "the worker waits on a lock that
 * Stop holds" and "the lock was leaked" look the same then. */
static bool weak_edge(const sb_walk *w, uint32_t i, bool mixed)
{
    uint32_t t = w->g->target_of[i];
    if (t == SB_NONE || w->g->targets[t].holder == SB_NONE)
        return true;
    uint8_t rule = w->g->targets[t].rule;
    return rule == SB_RULE_LOCK_LONGEST_WAITER ||
           (mixed && (rule == SB_RULE_LOCK_TYPE || rule == SB_RULE_LOCK_SIBLING));
}

/* One walk: roots and depths for all, and fn called on each cycle. */
static void walk(sb_walk *w, void (*fn)(sb_walk *, size_t at, size_t len, void *), void *arg)
{
    memset(w->color, WHITE, w->n);
    memset(w->in_cycle, 0, w->n * sizeof(bool));
    for (size_t s = 0; s < w->n; s++) {
        if (w->color[s] != WHITE)
            continue;
        size_t len = 0;
        uint32_t j = (uint32_t)s;
        while (j != SB_NONE && w->color[j] == WHITE) {
            w->color[j] = GREY;
            w->path[len++] = j;
            j = w->next[j];
        }
        size_t stop = len; /* path[0..stop) get their root from j */
        if (j != SB_NONE && w->color[j] == GREY) {
            /* A cycle: j .. path[len-1]. Every member is its own root. */
            size_t at = len;
            while (w->path[at - 1] != j)
                at--;
            at--;
            for (size_t k = at; k < len; k++) {
                w->root[w->path[k]] = j;
                w->depth[w->path[k]] = 0;
                w->in_cycle[w->path[k]] = true;
                w->color[w->path[k]] = BLACK;
            }
            fn(w, at, len, arg);
            stop = at;
        } else if (j == SB_NONE) {
            uint32_t last = w->path[len - 1];
            w->root[last] = last;
            w->depth[last] = 0;
            w->color[last] = BLACK;
            stop = len - 1;
        }
        for (size_t k = stop; k-- > 0;) {
            uint32_t x = w->path[k];
            w->root[x] = w->root[w->next[x]];
            w->depth[x] = w->depth[w->next[x]] + 1;
            w->color[x] = BLACK;
        }
    }
}

/* First walk: a cycle closed by a weak edge is cut there; arg counts the
 * cycles (none: no second walk). */
static void cut_weak(sb_walk *w, size_t at, size_t len, void *arg)
{
    ++*(size_t *)arg;
    bool mixed = false;
    for (size_t k = at; k < len; k++) {
        uint32_t t = w->g->target_of[w->path[k]];
        mixed = mixed || t == SB_NONE || !sb_wait_is_lock((enum sb_wait_kind)w->g->targets[t].kind);
    }
    for (size_t k = at; k < len; k++)
        if (weak_edge(w, w->path[k], mixed))
            w->next[w->path[k]] = SB_NONE;
}

/* A cycle found by the second walk: a deadlock, as strong as its
 * weakest edge. */
typedef struct sb_cycles {
    sb_blame *out;
    size_t cap;
} sb_cycles;

static void add_cycle(sb_walk *w, const uint32_t *members, uint32_t n, sb_cycles *cs)
{
    sb_blame *out = cs->out;
    out->cycles = sb_grow(out->cycles, &cs->cap, out->ncycles, sizeof(*out->cycles));
    sb_cycle *cy = &out->cycles[out->ncycles++];
    cy->dump = w->m->goroutines[members[0]].dump;
    cy->n = n;
    cy->members = sb_xmalloc(n * sizeof(uint32_t));
    memcpy(cy->members, members, n * sizeof(uint32_t));
    cy->conf = SB_CONF_HIGH;
    cy->rule = SB_RULE_NONE;
    for (uint32_t k = 0; k < n; k++) {
        const sb_target *t = &w->g->targets[w->g->target_of[members[k]]];
        if (cy->rule == SB_RULE_NONE || t->conf < cy->conf) {
            cy->conf = t->conf;
            cy->rule = t->rule;
        }
    }
}

static void record_cycle(sb_walk *w, size_t at, size_t len, void *arg)
{
    add_cycle(w, w->path + at, (uint32_t)(len - at), arg);
}

/* Rule self-deadlock, as a cycle of one: a goroutine that the graph names
 * as the holder of the lock it waits on. */
static void self_cycles(sb_walk *w, sb_cycles *cs)
{
    for (size_t i = 0; i < w->n; i++) {
        uint32_t t = w->g->target_of[i];
        if (t != SB_NONE && w->g->targets[t].holder == i &&
            w->g->targets[t].rule == SB_RULE_SELF_DEADLOCK) {
            uint32_t gi = (uint32_t)i;
            add_cycle(w, &gi, 1, cs);
        }
    }
}

/* What a chain's goroutines have in common: the way they wait into the
 * root (a human name, else their own function), and how many they are. */
typedef struct sb_group_key {
    uint32_t root, entry;
} sb_group_key;

typedef struct sb_entrygroup {
    uint32_t root, entry, rep;
    uint64_t count;
} sb_entrygroup;

/* The entry a waiting goroutine comes in by: its human name (PLEG
 * relist), the method it serves (a handler), else its own function, else
 * the function a link shows. */
static uint32_t entry_of(const sb_walk *w, uint32_t gi)
{
    const sb_goroutine *g = &w->m->goroutines[gi];
    const sb_stack_class *sc = &w->c->stacks[g->stack];
    if (sc->name)
        return sc->name;
    if (sc->serves)
        return sc->serves;
    const sb_stack *st = sb_stack_get(w->m, g->stack);
    if (sc->entry_frame != SB_NONE)
        return sb_frame_get(w->m, st->frames[sc->entry_frame])->func;
    uint32_t f = sb_link_frame(w->m, w->c, gi);
    return f == SB_NONE ? 0 : sb_frame_get(w->m, f)->func;
}

static bool deeper(const sb_walk *w, uint32_t a, uint32_t b)
{
    if (b == SB_NONE)
        return true;
    if (w->depth[a] != w->depth[b])
        return w->depth[a] > w->depth[b];
    const sb_goroutine *x = &w->m->goroutines[a], *y = &w->m->goroutines[b];
    if (x->wait_minutes != y->wait_minutes)
        return x->wait_minutes > y->wait_minutes;
    return x->id != y->id ? x->id < y->id : a < b;
}

/* The entry groups of every root: goroutines that nobody waits for (the
 * start of a way in), grouped by root and entry. */
static sb_entrygroup *entry_groups(const sb_walk *w, const bool *start, size_t *ngroups)
{
    bool *waited = sb_xcalloc(w->n ? w->n : 1, sizeof(bool));
    for (size_t i = 0; i < w->n; i++)
        if (w->next[i] != SB_NONE)
            waited[w->next[i]] = true;
    sb_arena arena;
    sb_arena_init(&arena);
    sb_intern keys;
    sb_intern_init(&keys, &arena);
    sb_entrygroup *v = NULL;
    size_t n = 0, cap = 0;
    /* per stack: its entry (entry_of reads only the stack), UINT32_MAX not yet */
    size_t nstacks = sb_intern_count(&w->m->stacks);
    uint32_t *entry = sb_xmalloc((nstacks ? nstacks : 1) * sizeof(uint32_t));
    memset(entry, 0xff, (nstacks ? nstacks : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < w->n; i++) {
        uint32_t r = w->root[i];
        if (r == i || w->in_cycle[r] || waited[i] || (start && !start[i]))
            continue;
        uint32_t *e = &entry[w->m->goroutines[i].stack];
        if (*e == UINT32_MAX)
            *e = entry_of(w, (uint32_t)i);
        sb_group_key k = {r, *e};
        size_t before = sb_intern_count(&keys);
        uint32_t id = sb_intern_put(&keys, &k, sizeof(k)) - 1;
        if (sb_intern_count(&keys) > before) {
            v = sb_grow(v, &cap, n, sizeof(*v));
            v[n++] = (sb_entrygroup){r, k.entry, SB_NONE, 0};
        }
        v[id].count += w->m->goroutines[i].count;
        if (deeper(w, (uint32_t)i, v[id].rep))
            v[id].rep = (uint32_t)i;
    }
    free(waited);
    free(entry);
    sb_intern_free(&keys);
    sb_arena_free(&arena);
    *ngroups = n;
    return v;
}

/* A chain's confidence: its weakest edge's, then rule progressing: a
 * root that runs may be done in a moment. */
static void chain_confidence(const sb_walk *w, sb_chain *ch)
{
    const sb_graph *g = w->g;
    ch->conf = SB_CONF_HIGH;
    ch->rule = SB_RULE_NONE;
    for (uint32_t k = 0; k + 1 < ch->nlinks; k++) {
        uint32_t t = g->target_of[ch->links[k]];
        uint8_t conf =
            t == SB_NONE || g->targets[t].holder == SB_NONE ? SB_CONF_LOW : g->targets[t].conf;
        if (ch->rule == SB_RULE_NONE || conf < ch->conf) {
            ch->conf = conf;
            ch->rule = t == SB_NONE ? SB_RULE_NONE : g->targets[t].rule;
        }
    }
    uint32_t r = ch->links[ch->nlinks - 1], t = g->target_of[r];
    if (ch->nlinks == 1 && t != SB_NONE) {
        ch->conf = g->targets[t].conf;
        ch->rule = g->targets[t].rule;
    }
    uint8_t k = w->c->g[r].kind;
    if ((k == SB_WAIT_RUNNING || k == SB_WAIT_RUNNABLE) && ch->conf > SB_CONF_LOW) {
        ch->conf = SB_CONF_LOW;
        ch->rule = SB_RULE_QUIET_PROGRESSING;
    }
    /* A root that waits on a lock itself, with no holder known (cut from
     * an excerpt, leaked, or only guessed by the rule of thumb), is no
     * culprit: the stuck findings name the lock; a self-deadlock is. */
    if (t != SB_NONE && sb_wait_is_lock((enum sb_wait_kind)g->targets[t].kind) &&
        g->targets[t].holder != r && ch->conf > SB_CONF_LOW) {
        ch->conf = SB_CONF_LOW;
        ch->rule = g->targets[t].rule;
    }
    const sb_dump *d = &w->m->dumps[w->m->goroutines[r].dump];
    int32_t longest = ch->max_wait > w->m->goroutines[r].wait_minutes
                          ? ch->max_wait
                          : w->m->goroutines[r].wait_minutes;
    ch->transient = longest < 1 && d->format == SB_FMT_TRACEBACK &&
                    !w->c->dumps[w->m->goroutines[r].dump].context;
}

static void add_chain(sb_walk *w, sb_blame *out, size_t *cap, uint32_t from, uint64_t entries,
                      uint32_t entry, const int32_t *maxwait)
{
    out->chains = sb_grow(out->chains, cap, out->nchains, sizeof(*out->chains));
    sb_chain *ch = &out->chains[out->nchains++];
    memset(ch, 0, sizeof(*ch));
    uint32_t r = w->root[from];
    ch->blocked = out->blocked[r];
    ch->max_wait = maxwait[r];
    ch->entries = entries;
    ch->entry = entry;
    ch->nlinks = w->depth[from] + 1;
    ch->links = sb_xmalloc(ch->nlinks * sizeof(uint32_t));
    uint32_t x = from;
    for (uint32_t k = 0; k < ch->nlinks; k++, x = w->next[x])
        ch->links[k] = x;
    const sb_stack_class *sc = &w->c->stacks[w->m->goroutines[from].stack];
    ch->critical = (sc->roles & SB_SR_CRITICAL) != 0;
    chain_confidence(w, ch);
}

static int cmp_chains(const void *pa, const void *pb)
{
    const sb_chain *a = pa, *b = pb;
    if (a->blocked != b->blocked)
        return a->blocked > b->blocked ? -1 : 1;
    if (a->critical != b->critical)
        return a->critical ? -1 : 1;
    if (a->conf != b->conf)
        return a->conf > b->conf ? -1 : 1;
    if (a->entries != b->entries)
        return a->entries > b->entries ? -1 : 1;
    if (a->max_wait != b->max_wait)
        return a->max_wait > b->max_wait ? -1 : 1;
    uint32_t ra = a->links[a->nlinks - 1], rb = b->links[b->nlinks - 1];
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return a->links[0] < b->links[0] ? -1 : a->links[0] > b->links[0];
}

/* Per root: goroutines blocked and the longest wait; then one chain per
 * entry group, and a chain of one for a root that waits on something not
 * in the input (a call out, a child not dumped) and has waited. A lock
 * nobody is known to hold is a stuck finding, not a chain. */
static void make_chains(sb_walk *w, const bool *start, sb_blame *out)
{
    int32_t *maxwait = sb_xmalloc((w->n ? w->n : 1) * sizeof(int32_t));
    for (size_t i = 0; i < w->n; i++)
        maxwait[i] = -1;
    for (size_t i = 0; i < w->n; i++) {
        uint32_t r = w->root[i];
        if (r == i || w->in_cycle[r])
            continue;
        uint32_t c = w->m->goroutines[i].count;
        out->blocked[r] = out->blocked[r] > UINT32_MAX - c ? UINT32_MAX : out->blocked[r] + c;
        if (w->m->goroutines[i].wait_minutes > maxwait[r])
            maxwait[r] = w->m->goroutines[i].wait_minutes;
    }
    size_t ngroups, cap = 0;
    sb_entrygroup *groups = entry_groups(w, start, &ngroups);
    for (size_t k = 0; k < ngroups; k++)
        add_chain(w, out, &cap, groups[k].rep, groups[k].count, groups[k].entry, maxwait);
    for (size_t r = 0; r < w->n; r++) {
        uint32_t t = w->g->target_of[r];
        if (w->root[r] == r && !w->in_cycle[r] && out->blocked[r] == 0 && t != SB_NONE &&
            w->g->targets[t].holder == SB_NONE &&
            !sb_wait_is_lock((enum sb_wait_kind)w->g->targets[t].kind) && (!start || start[r]) &&
            w->m->goroutines[r].wait_minutes >= 1)
            add_chain(w, out, &cap, (uint32_t)r, w->m->goroutines[r].count,
                      entry_of(w, (uint32_t)r), maxwait);
    }
    free(groups);
    free(maxwait);
    if (out->nchains > 1)
        qsort(out->chains, out->nchains, sizeof(*out->chains), cmp_chains);
}

void sb_blame_run(const sb_model *m, const sb_classes *c, const sb_graph *g, const bool *start,
                  sb_blame *out)
{
    memset(out, 0, sizeof(*out));
    size_t n = m->ngoroutines, alloc = n ? n : 1;
    sb_walk w = {m, c, g, n, NULL, NULL, NULL, NULL, NULL, NULL};
    w.next = sb_xmalloc(alloc * sizeof(uint32_t));
    w.root = sb_xmalloc(alloc * sizeof(uint32_t));
    w.depth = sb_xcalloc(alloc, sizeof(uint32_t));
    w.path = sb_xmalloc(alloc * sizeof(uint32_t));
    w.color = sb_xcalloc(alloc, 1);
    w.in_cycle = sb_xcalloc(alloc, sizeof(bool));
    init_next(&w);
    size_t ncycles = 0;
    walk(&w, cut_weak, &ncycles);
    sb_cycles cs = {out, 0};
    if (ncycles) /* else the first walk's roots and depths stand */
        walk(&w, record_cycle, &cs);
    self_cycles(&w, &cs);
    out->blocked = sb_xcalloc(alloc, sizeof(uint32_t));
    make_chains(&w, start, out);
    out->next = w.next;
    free(w.root);
    free(w.depth);
    free(w.path);
    free(w.color);
    free(w.in_cycle);
}

void sb_blame_free(sb_blame *b)
{
    for (size_t i = 0; i < b->nchains; i++)
        free(b->chains[i].links);
    for (size_t i = 0; i < b->ncycles; i++)
        free(b->cycles[i].members);
    free(b->chains);
    free(b->cycles);
    free(b->next);
    free(b->blocked);
    memset(b, 0, sizeof(*b));
}

static pcre2_code *compile(const char *regex, char *err, size_t errlen)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[200];
        pcre2_get_error_message(ec, msg, sizeof(msg));
        snprintf(err, errlen, "bad regex at offset %zu: %s", (size_t)off, (char *)msg);
    }
    return re;
}

bool sb_blame_check_regex(const char *regex, char *err, size_t errlen)
{
    pcre2_code *re = compile(regex, err, errlen);
    pcre2_code_free(re);
    return re != NULL;
}

bool *sb_blame_select(const sb_model *m, const char *regex, char *err, size_t errlen)
{
    pcre2_code *re = compile(regex, err, errlen);
    if (!re)
        return NULL;
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    size_t nstacks = sb_intern_count(&m->stacks);
    bool *stack_ok = sb_xcalloc(nstacks ? nstacks : 1, sizeof(bool));
    for (size_t s = 0; s < nstacks; s++) {
        const sb_stack *st = sb_stack_get(m, (uint32_t)s);
        for (uint32_t f = 0; f < st->nframes && !stack_ok[s]; f++) {
            size_t len;
            const char *fn = sb_str(m, sb_frame_get(m, st->frames[f])->func, &len);
            stack_ok[s] = pcre2_match(re, (PCRE2_SPTR)fn, len, 0, 0, md, NULL) >= 0;
        }
    }
    bool *sel = sb_xcalloc(m->ngoroutines ? m->ngoroutines : 1, sizeof(bool));
    for (size_t i = 0; i < m->ngoroutines; i++)
        sel[i] = stack_ok[m->goroutines[i].stack];
    free(stack_ok);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return sel;
}
