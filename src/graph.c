/* graph.c: builds the waits-for graph; see graph.h. Four passes, each
 * linear in goroutines plus frames: lock waiters -> suspected holders, RPC
 * clients -> handlers, WaitGroup/channel waiters -> goroutines they
 * created, exec waits -> the child process (dangling inside one dump). */
#include "stackblame/graph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP_K 64 /* per dump, the longest waiters kept for the rule of thumb */

/* A multimap from a small key blob to a list of (goroutine, frame). */
typedef struct sb_entry {
    uint32_t g, frame, next;
} sb_entry;

typedef struct sb_index {
    sb_arena arena;
    sb_intern keys;
    uint32_t *head; /* per key id: first entry, SB_NONE */
    size_t headcap;
    sb_entry *e;
    size_t ne, ecap;
} sb_index;

static void idx_init(sb_index *x)
{
    memset(x, 0, sizeof(*x));
    sb_arena_init(&x->arena);
    sb_intern_init(&x->keys, &x->arena);
}

static void idx_free(sb_index *x)
{
    sb_intern_free(&x->keys);
    sb_arena_free(&x->arena);
    free(x->head);
    free(x->e);
}

static void idx_add(sb_index *x, const void *key, size_t klen, uint32_t g, uint32_t frame)
{
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

static uint32_t idx_first(const sb_index *x, const void *key, size_t klen)
{
    uint32_t k = sb_intern_find(&x->keys, key, klen);
    return k == UINT32_MAX ? SB_NONE : x->head[k];
}

typedef struct sb_key {
    uint32_t dump, tag;
    uint64_t a, b;
} sb_key;

enum {
    K_LOCK_ADDR = 1,
    K_LOCK_SITE,
    K_TYPE_RECV,
    K_TYPE_ANY,
    K_SITE_FUNC,
    K_WRITER_RECV,
    K_WRITER_ANY,
    K_SERVES,
    K_PROTO,
    K_CREATOR,
    K_RPC_TARGET,
    K_EXEC_TARGET,
    K_DUMP_NAME
};

static sb_key key(uint32_t dump, uint32_t tag, uint64_t a, uint64_t b)
{
    sb_key k;
    memset(&k, 0, sizeof(k));
    k.dump = dump;
    k.tag = tag;
    k.a = a;
    k.b = b;
    return k;
}

typedef struct sb_gb {
    sb_model *m;
    const sb_classes *c;
    sb_graph *g;
    char buf[1024];
} sb_gb;

const char *sb_conf_name(enum sb_conf c)
{
    static const char *const names[] = {"none", "low", "medium", "high"};
    return (unsigned)c <= SB_CONF_HIGH ? names[c] : "none";
}

/* Appends one line of evidence to the target being built. */
static void ev(sb_gb *b, sb_target *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->buf, sizeof(b->buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(b->buf))
        n = sizeof(b->buf) - 1;
    sb_graph *g = b->g;
    if (t->nev == 0)
        t->ev_first = (uint32_t)g->nevidence;
    g->evidence = sb_grow(g->evidence, &g->evidence_cap, g->nevidence, sizeof(*g->evidence));
    g->evidence[g->nevidence++] = sb_intern_put(&b->m->strings, b->buf, (size_t)n);
    t->nev++;
}

static uint32_t new_target(sb_gb *b, uint8_t kind, uint32_t dump, const char *fmt, ...)
{
    sb_graph *g = b->g;
    g->targets = sb_grow(g->targets, &g->targets_cap, g->ntargets, sizeof(*g->targets));
    sb_target *t = &g->targets[g->ntargets];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    t->dump = dump;
    t->holder = SB_NONE;
    t->first_waiter = SB_NONE;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->buf, sizeof(b->buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(b->buf))
        n = sizeof(b->buf) - 1;
    t->what = sb_intern_put(&b->m->strings, b->buf, n > 0 ? (size_t)n : 0);
    return (uint32_t)g->ntargets++;
}

/* Short function name for evidence: "network.(*PluginManager).SetUpPod". */
static const char *fshort(const sb_model *m, uint32_t func, int *len)
{
    size_t n, sl;
    const char *full = sb_str(m, func, &n);
    const char *s = sb_func_short(full, n, &sl);
    *len = (int)(sl > 200 ? 200 : sl);
    return s;
}

static const char *sstr(const sb_model *m, uint32_t id, int *len)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    *len = (int)(n > 200 ? 200 : n);
    return s;
}

/* The ordering of the mission case: the longest waiter first, then one
 * locked to a thread, then the older (lower) id. `tier` goes before all. */
static bool ranks_above(const sb_model *m, uint32_t a, int tier_a, uint32_t b, int tier_b)
{
    if (b == SB_NONE)
        return true;
    if (tier_a != tier_b)
        return tier_a > tier_b;
    const sb_goroutine *x = &m->goroutines[a], *y = &m->goroutines[b];
    if (x->seen != y->seen) /* in a series: what stayed put beats what came and went */
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

/* Goroutines that never hold anything up: the runtime's own, the one
 * writing the dump, and those of a snapshot that a later one supersedes. */
/* How evidence names a goroutine: by id, or a debug=1 record, which has
 * none, by its input line. */
static const char *gname(const sb_model *m, uint32_t gi, char buf[64])
{
    const sb_goroutine *g = &m->goroutines[gi];
    if (m->dumps[g->dump].format == SB_FMT_DEBUG1)
        snprintf(buf, 64, "the record at line %llu (%u goroutine%s)",
                 (unsigned long long)g->line_no, g->count, g->count == 1 ? "" : "s");
    else
        snprintf(buf, 64, "goroutine %llu", (unsigned long long)g->id);
    return buf;
}

static bool excluded(const sb_gb *b, uint32_t gi)
{
    const sb_goroutine *g = &b->m->goroutines[gi];
    return b->c->g[gi].kind == SB_WAIT_RUNTIME || b->c->stacks[g->stack].dumper ||
           b->m->dumps[g->dump].superseded;
}

/* The receiver at frame f of the goroutine view v was made for, 0 when
 * it is no plain word. */
static uint64_t frame_recv(const sb_model *m, const sb_arg_view *v, uint32_t f)
{
    uint64_t w = 0;
    if (!sb_arg_word(m, sb_arg_view_get(v, m, f), &w))
        return 0;
    return w;
}

/* --- locks --------------------------------------------------------------- */

typedef struct sb_lock {
    uint32_t target;
    uint8_t kind;
    uint32_t dump, type, site_func;
    uint64_t addr, recv;
    uint32_t best;   /* oldest waiter */
    bool many_sites; /* waiters lock it in different functions */
    uint32_t nwaiters;
    int32_t min_wait, max_wait;
} sb_lock;

static void lock_pass(sb_gb *b, uint32_t *lock_of)
{
    char nb[64];
    sb_model *m = b->m;
    const sb_classes *c = b->c;
    sb_arena arena;
    sb_arena_init(&arena);
    sb_intern lockkeys, types, sites;
    sb_intern_init(&lockkeys, &arena);
    sb_intern_init(&types, &arena);
    sb_intern_init(&sites, &arena);
    sb_lock *locks = NULL;
    size_t nlocks = 0, lcap = 0;

    /* 1. Group waiters by lock identity: the address, else the site + receiver. */
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        lock_of[i] = SB_NONE;
        const sb_gclass *gc = &c->g[i];
        if (!sb_wait_is_lock(gc->kind) || m->dumps[m->goroutines[i].dump].superseded)
            continue;
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack_class *sc = &c->stacks[g->stack];
        const sb_stack *st = sb_stack_get(m, g->stack);
        uint32_t site_func =
            sc->site_frame != SB_NONE ? sb_frame_get(m, st->frames[sc->site_frame])->func : 0;
        sb_key k = gc->has_addr
                       ? key(g->dump, K_LOCK_ADDR, gc->addr, gc->kind == SB_WAIT_RWMUTEX_READ)
                       : key(g->dump, K_LOCK_SITE, site_func, gc->has_recv ? gc->recv : 0);
        size_t before = sb_intern_count(&lockkeys);
        uint32_t id = sb_intern_put(&lockkeys, &k, sizeof(k)) - 1;
        if (sb_intern_count(&lockkeys) > before) {
            locks = sb_grow(locks, &lcap, nlocks, sizeof(*locks));
            sb_lock *l = &locks[nlocks++];
            memset(l, 0, sizeof(*l));
            l->kind = gc->kind;
            l->dump = g->dump;
            l->type = sc->site_type;
            l->site_func = site_func;
            l->addr = gc->has_addr ? gc->addr : 0;
            l->best = SB_NONE;
            l->min_wait = l->max_wait = -1;
            if (sc->site_type)
                sb_intern_put(&types, &sc->site_type, sizeof(uint32_t));
            if (site_func)
                sb_intern_put(&sites, &site_func, sizeof(uint32_t));
        }
        sb_lock *l = &locks[id];
        if (site_func != l->site_func)
            l->many_sites = true;
        if (!l->recv && gc->has_recv)
            l->recv = gc->recv;
        if (l->kind == SB_WAIT_RWMUTEX_READ && gc->kind == SB_WAIT_RWMUTEX_WRITE)
            l->kind = gc->kind;
        l->nwaiters += g->count;
        if (g->wait_minutes >= 0 && (l->min_wait < 0 || g->wait_minutes < l->min_wait))
            l->min_wait = g->wait_minutes;
        if (g->wait_minutes > l->max_wait)
            l->max_wait = g->wait_minutes;
        if (ranks_above(m, i, 0, l->best, 0))
            l->best = i;
        lock_of[i] = id;
    }

    /* 2. Index goroutines that are inside a method of a lock's type, or inside
     * a lock site, past the Lock call (a waiter's own site frame is not). */
    sb_index inside;
    idx_init(&inside);
    /* What each distinct frame says (a method of a lock's type, a lock
     * site), looked up once and not once per goroutine showing it. */
    size_t nfids = nlocks ? sb_intern_count(&m->frames) : 0;
    uint32_t *fid_type = sb_xcalloc(nfids ? nfids : 1, sizeof(uint32_t)); /* 0: none */
    bool *fid_site = sb_xcalloc(nfids ? nfids : 1, sizeof(bool));
    for (uint32_t fid = 0; fid < nfids; fid++) {
        uint32_t func = sb_frame_get(m, fid)->func;
        if (c->frame_type[fid].len) { /* types are interned only for lock sites */
            size_t fl;
            const char *fn = sb_str(m, func, &fl);
            uint32_t t =
                sb_intern_find(&m->strings, fn + c->frame_type[fid].off, c->frame_type[fid].len);
            if (t != UINT32_MAX && t && sb_intern_find(&types, &t, sizeof(t)) != UINT32_MAX)
                fid_type[fid] = t;
        }
        fid_site[fid] = sb_intern_find(&sites, &func, sizeof(func)) != UINT32_MAX;
    }
    /* And where each stack has such frames: most goroutines share their
     * stack with many, and most stacks have none or few. */
    size_t nstacks = nlocks ? sb_intern_count(&m->stacks) : 0;
    /* Stack s has its frames' positions in spots[spot_at[s] .. spot_at[s + 1]). */
    uint32_t *spot_at = sb_xcalloc(nstacks + 1, sizeof(uint32_t));
    uint32_t *spots = NULL;
    size_t nspots = 0, spot_cap = 0;
    for (uint32_t sid = 0; sid < nstacks; sid++) {
        const sb_stack *st = sb_stack_get(m, sid);
        spot_at[sid] = (uint32_t)nspots;
        for (uint32_t f = 0; f < st->nframes; f++) {
            uint32_t fid = st->frames[f];
            if (fid < nfids && (fid_type[fid] || fid_site[fid])) {
                spots = sb_grow(spots, &spot_cap, nspots, sizeof(*spots));
                spots[nspots++] = f;
            }
        }
    }
    spot_at[nstacks] = (uint32_t)nspots;
    for (uint32_t i = 0; i < m->ngoroutines && nlocks; i++) {
        if (excluded(b, i))
            continue;
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack *st = sb_stack_get(m, g->stack);
        const sb_stack_class *sc = &c->stacks[g->stack];
        uint32_t skip_site = lock_of[i] != SB_NONE ? sc->site_frame : SB_NONE;
        uint32_t last_type = 0;
        uint32_t sid = g->stack < nstacks ? g->stack : 0;
        sb_arg_view v; /* made at the first receiver needed */
        bool have_v = false;
        for (uint32_t k = spot_at[sid]; k < spot_at[sid + 1]; k++) {
            uint32_t f = spots[k];
            if (f == skip_site)
                continue;
            uint32_t fid = st->frames[f];
            uint32_t t = fid < nfids ? fid_type[fid] : 0;
            if (t && t != last_type) {
                if (!have_v) {
                    sb_arg_view_init(&v, m, g);
                    have_v = true;
                }
                sb_key k1 = key(g->dump, K_TYPE_RECV, t, frame_recv(m, &v, f));
                sb_key k2 = key(g->dump, K_TYPE_ANY, t, 0);
                idx_add(&inside, &k1, sizeof(k1), i, f);
                idx_add(&inside, &k2, sizeof(k2), i, f);
                last_type = t;
            }
            if (fid < nfids && fid_site[fid]) {
                uint32_t func = sb_frame_get(m, fid)->func;
                sb_key k3 = key(g->dump, K_SITE_FUNC, func, 0);
                idx_add(&inside, &k3, sizeof(k3), i, f);
            }
        }
    }
    free(fid_type);
    free(fid_site);
    free(spot_at);
    free(spots);
    /* Pending writers, for readers that queue behind them. */
    sb_index writers;
    idx_init(&writers);
    for (uint32_t l = 0; l < nlocks; l++) {
        if (locks[l].kind != SB_WAIT_RWMUTEX_WRITE || !locks[l].type)
            continue;
        sb_key k1 = key(locks[l].dump, K_WRITER_RECV, locks[l].type, locks[l].recv);
        sb_key k2 = key(locks[l].dump, K_WRITER_ANY, locks[l].type, 0);
        idx_add(&writers, &k1, sizeof(k1), locks[l].best, l);
        idx_add(&writers, &k2, sizeof(k2), locks[l].best, l);
    }
    /* The longest waiters of each dump, for the rule of thumb. */
    uint32_t *top = sb_xmalloc((m->ndumps ? m->ndumps : 1) * TOP_K * sizeof(uint32_t));
    uint32_t *ntop = sb_xcalloc(m->ndumps ? m->ndumps : 1, sizeof(uint32_t));
    for (uint32_t i = 0; i < m->ngoroutines && nlocks; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        if (g->wait_minutes < 0 || excluded(b, i))
            continue;
        uint32_t *t = top + (size_t)g->dump * TOP_K;
        uint32_t *n = &ntop[g->dump];
        int tier = lock_of[i] != SB_NONE;
        if (*n == TOP_K && !ranks_above(m, i, tier, t[TOP_K - 1], lock_of[t[TOP_K - 1]] != SB_NONE))
            continue;
        uint32_t pos = *n < TOP_K ? (*n)++ : TOP_K - 1;
        while (pos > 0 && ranks_above(m, i, tier, t[pos - 1], lock_of[t[pos - 1]] != SB_NONE)) {
            t[pos] = t[pos - 1];
            pos--;
        }
        t[pos] = i;
    }

    /* 3. Each lock: its suspected holder. */
    for (uint32_t l = 0; l < nlocks; l++) {
        sb_lock *L = &locks[l];
        int tl = 0, sl = 0; /* the owner's type and the lock site, for the evidence */
        const char *ts = L->type ? sstr(m, L->type, &tl) : "";
        const char *ss = L->site_func ? fshort(m, L->site_func, &sl) : "";
        const char *kn = sb_wait_kind_name(L->kind);
        L->target =
            L->addr ? new_target(b, L->kind, L->dump, "%s 0x%llx", kn, (unsigned long long)L->addr)
                    : new_target(b, L->kind, L->dump, "%s at %.*s", kn, sl, ss);
        sb_target *T = &b->g->targets[L->target];
        T->waiters = L->nwaiters;
        T->first_waiter = L->best;
        if (L->addr)
            ev(b, T, "%u waiter%s on the same %s 0x%llx (lock site %.*s%s)", L->nwaiters,
               L->nwaiters == 1 ? "" : "s", kn, (unsigned long long)L->addr, sl, ss,
               L->many_sites ? " and others" : "");
        else
            ev(b, T, "%u waiter%s at the same lock site %.*s%s", L->nwaiters,
               L->nwaiters == 1 ? "" : "s", sl, ss, L->recv ? " and receiver" : "");

        /* Readers wait behind a writer that is waiting: RLock blocks then. */
        if (L->kind == SB_WAIT_RWMUTEX_READ && L->type) {
            sb_key kw = L->recv ? key(L->dump, K_WRITER_RECV, L->type, L->recv)
                                : key(L->dump, K_WRITER_ANY, L->type, 0);
            uint32_t e = idx_first(&writers, &kw, sizeof(kw));
            if (e != SB_NONE && writers.e[e].g != L->best) {
                uint32_t w = writers.e[e].g;
                T->holder = w;
                T->conf = L->recv ? SB_CONF_HIGH : SB_CONF_MEDIUM;
                ev(b, T,
                   "%s waits to write-lock a %.*s RWMutex; new readers queue behind a "
                   "pending writer",
                   gname(m, w, nb), tl, ts);
                continue;
            }
        }
        /* Structural candidates: inside a method of the owner's type (same
         * receiver where known), or inside the lock site, not waiting on it. */
        uint32_t best = SB_NONE, ncand = 0, best_frame = 0;
        int best_tier = 0;
        sb_key keys[3];
        int tiers[3], nk = 0;
        if (L->type && L->recv) {
            keys[nk] = key(L->dump, K_TYPE_RECV, L->type, L->recv), tiers[nk++] = 3;
            keys[nk] = key(L->dump, K_TYPE_RECV, L->type, 0), tiers[nk++] = 2;
        } else if (L->type) {
            keys[nk] = key(L->dump, K_TYPE_ANY, L->type, 0), tiers[nk++] = 2;
        }
        if (L->site_func)
            keys[nk] = key(L->dump, K_SITE_FUNC, L->site_func, 0), tiers[nk++] = 1;
        for (int k = 0; k < nk; k++) {
            for (uint32_t e = idx_first(&inside, &keys[k], sizeof(keys[k])); e != SB_NONE;
                 e = inside.e[e].next) {
                uint32_t cand = inside.e[e].g;
                if (lock_of[cand] == l)
                    continue;
                ncand++;
                /* A method itself beats a closure of it: the closure may run
                 * in a goroutine the lock holder started. */
                const sb_goroutine *cg = &m->goroutines[cand];
                size_t fl;
                const char *fn = sb_str(
                    m, sb_frame_get(m, sb_stack_get(m, cg->stack)->frames[inside.e[e].frame])->func,
                    &fl);
                int tier = tiers[k] * 2 + !sb_func_is_closure(fn, fl);
                if (ranks_above(m, cand, tier, best, best_tier)) {
                    best = cand;
                    best_tier = tier;
                    best_frame = inside.e[e].frame;
                }
            }
        }
        if (best != SB_NONE) {
            const sb_goroutine *h = &m->goroutines[best];
            int hl;
            const char *hs = fshort(
                m, sb_frame_get(m, sb_stack_get(m, h->stack)->frames[best_frame])->func, &hl);
            T->holder = best;
            T->conf = best_tier / 2 == 3 ? SB_CONF_HIGH : SB_CONF_MEDIUM;
            ev(b, T, "%s is inside %.*s, past its Lock call, not waiting on this lock",
               gname(m, best, nb), hl, hs);
            if (best_tier / 2 == 3)
                ev(b, T, "receiver 0x%llx matches the waiters'", (unsigned long long)L->recv);
            if (h->wait_minutes >= 0)
                ev(b, T, "waiting %d min, the longest of %u candidate%s", h->wait_minutes, ncand,
                   ncand == 1 ? "" : "s");
            if (h->flags & SB_G_LOCKED)
                ev(b, T, "locked to thread");
            continue;
        }
        /* The rule of thumb: the longest waiter outside this lock holds it. */
        const uint32_t *t = top + (size_t)L->dump * TOP_K;
        for (uint32_t k = 0; k < ntop[L->dump]; k++) {
            if (lock_of[t[k]] == l)
                continue;
            const sb_goroutine *h = &m->goroutines[t[k]];
            if (h->wait_minutes < L->max_wait)
                break; /* younger than the waiters: cannot have held it all along */
            T->holder = t[k];
            T->conf = SB_CONF_LOW;
            ev(b, T,
               "no goroutine is inside %s%.*s: by the rule of thumb the longest waiter "
               "outside this lock holds it",
               tl ? "a method of " : "", tl ? tl : sl, tl ? ts : ss);
            ev(b, T, "%s has waited %d min (waiters: up to %d min)", gname(m, t[k], nb),
               h->wait_minutes, L->max_wait);
            if (h->flags & SB_G_LOCKED)
                ev(b, T, "locked to thread");
            break;
        }
        if (T->holder == SB_NONE)
            ev(b, T,
               "no holder found in this dump: the lock may be leaked (locked on a path "
               "that never unlocks) or held by a goroutine not in the dump");
    }
    for (uint32_t i = 0; i < m->ngoroutines; i++)
        b->g->target_of[i] = lock_of[i] == SB_NONE ? SB_NONE : locks[lock_of[i]].target;
    free(top);
    free(ntop);
    idx_free(&inside);
    idx_free(&writers);
    free(locks);
    sb_intern_free(&lockkeys);
    sb_intern_free(&types);
    sb_intern_free(&sites);
    sb_arena_free(&arena);
}

/* --- RPC ------------------------------------------------------------------ */

/* A stuck call is most likely one of the handlers that are themselves
 * stuck, and most of those queue on a lock. */
static int handler_tier(const sb_gb *b, uint32_t h)
{
    uint8_t k = b->c->g[h].kind;
    return sb_wait_is_lock((enum sb_wait_kind)k) ? 2
                                                 : k != SB_WAIT_RUNNING && k != SB_WAIT_RUNNABLE;
}

/* The handler to blame among those indexed under key: busy ones (not
 * running) first, then by the usual order. Counts handlers and the dumps
 * they are in. */
static uint32_t best_handler(const sb_gb *b, const sb_index *servers, sb_key k, uint32_t client,
                             uint32_t *n, uint32_t *ndumps /* 0, 1, or 2 for "several" */)
{
    const sb_model *m = b->m;
    uint32_t best = SB_NONE, first_dump = SB_NONE;
    *n = *ndumps = 0;
    for (uint32_t s = idx_first(servers, &k, sizeof(k)); s != SB_NONE; s = servers->e[s].next) {
        uint32_t h = servers->e[s].g;
        if (h == client)
            continue;
        (*n)++;
        if (first_dump == SB_NONE) {
            first_dump = m->goroutines[h].dump;
            *ndumps = 1;
        } else if (m->goroutines[h].dump != first_dump) {
            *ndumps = 2; /* more than one: all the caller needs to know */
        }
        if (ranks_above(m, h, handler_tier(b, h), best,
                        best == SB_NONE ? 0 : handler_tier(b, best)))
            best = h;
    }
    return best;
}

static void rpc_pass(sb_gb *b)
{
    char nb[64];
    sb_model *m = b->m;
    const sb_classes *c = b->c;
    sb_index servers, targets;
    idx_init(&servers);
    idx_init(&targets);
    /* Handlers by (dump, method) and (dump, protocol), and the same across
     * all dumps: a call leaves one process and is served in another. */
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack_class *sc = &c->stacks[g->stack];
        if (!sc->serves || excluded(b, i))
            continue;
        sb_key ks[4] = {
            key(g->dump, K_SERVES, sc->serves, 0), key(g->dump, K_PROTO, sc->serves_proto, 0),
            key(SB_NONE, K_SERVES, sc->serves, 0), key(SB_NONE, K_PROTO, sc->serves_proto, 0)};
        for (int k = 0; k < 4; k++)
            idx_add(&servers, &ks[k], sizeof(ks[k]), i, 0);
    }
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        if (c->g[i].kind != SB_WAIT_RPC || b->g->target_of[i] != SB_NONE || excluded(b, i))
            continue;
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack_class *sc = &c->stacks[g->stack];
        bool by_method = sc->detail && sc->detail != sc->proto;
        sb_key tk = key(g->dump, K_RPC_TARGET, sc->detail, sc->proto);
        uint32_t e = idx_first(&targets, &tk, sizeof(tk));
        uint32_t ti;
        if (e != SB_NONE) {
            ti = targets.e[e].frame;
        } else {
            int dl, pl;
            const char *ds = sstr(m, sc->detail, &dl), *ps = sstr(m, sc->proto, &pl);
            ti = by_method ? new_target(b, SB_WAIT_RPC, g->dump, "RPC %.*s", dl, ds)
                           : new_target(b, SB_WAIT_RPC, g->dump, "%.*s call", pl, ps);
            idx_add(&targets, &tk, sizeof(tk), i, ti);
            sb_target *T = &b->g->targets[ti];
            uint32_t tag = by_method ? K_SERVES : K_PROTO;
            uint64_t what = by_method ? sc->detail : sc->proto;
            uint32_t n, ndumps;
            uint32_t best = best_handler(b, &servers, key(g->dump, tag, what, 0), i, &n, &ndumps);
            bool local = best != SB_NONE;
            if (!local)
                best = best_handler(b, &servers, key(SB_NONE, tag, what, 0), i, &n, &ndumps);
            if (best != SB_NONE) {
                const sb_goroutine *h = &m->goroutines[best];
                int ll;
                const char *ls = sstr(m, m->dumps[h->dump].label, &ll);
                T->holder = best;
                /* A method name pins the handler; a protocol alone pins it only
                 * when one process serves it. */
                T->conf = by_method ? (n == 1 ? SB_CONF_HIGH : SB_CONF_MEDIUM)
                                    : (!local && ndumps == 1 ? SB_CONF_MEDIUM : SB_CONF_LOW);
                if (by_method)
                    ev(b, T, "%s serves %.*s in %s%.*s (%u handler%s running)", gname(m, best, nb),
                       dl, ds, local ? "the same process" : "process ", local ? 0 : ll, ls, n,
                       n == 1 ? "" : "s");
                else
                    ev(b, T,
                       "the client's stack does not name the method; %s in %s%.*s "
                       "is the longest-stuck %.*s handler of %u%s",
                       gname(m, best, nb), local ? "the same process" : "process ", local ? 0 : ll,
                       ls, pl, ps, n,
                       !local && ndumps == 1 ? ", and the only process in the input serving it"
                                             : "");
            } else {
                T->conf = SB_CONF_MEDIUM;
                ev(b, T,
                   "no handler of this call in the input: the server is another process; "
                   "dump it to continue the chain");
            }
        }
        b->g->target_of[i] = ti;
        b->g->targets[ti].waiters += g->count;
        if (ranks_above(m, i, 0, b->g->targets[ti].first_waiter, 0))
            b->g->targets[ti].first_waiter = i;
    }
    idx_free(&servers);
    idx_free(&targets);
}

/* --- goroutines a waiter created, and child processes ---------------------- */

static void children_pass(sb_gb *b)
{
    char nb[64];
    sb_model *m = b->m;
    const sb_classes *c = b->c;
    sb_index creators;
    idx_init(&creators);
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        if (g->created_by == SB_NONE || excluded(b, i))
            continue;
        sb_key k = key(g->dump, K_CREATOR, sb_frame_get(m, g->created_by)->func, 0);
        idx_add(&creators, &k, sizeof(k), i, 0);
    }
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        uint8_t kind = c->g[i].kind;
        if (b->g->target_of[i] != SB_NONE || excluded(b, i))
            continue;
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack_class *sc = &c->stacks[g->stack];
        const sb_stack *st = sb_stack_get(m, g->stack);
        if (kind != SB_WAIT_WAITGROUP && kind != SB_WAIT_CHAN && kind != SB_WAIT_SELECT)
            continue;
        /* A channel wait is linked to a child only when the runtime printed
         * the parent id (Go 1.21+): by name alone, every idle loop that
         * started workers would look blocked by them. */
        bool need_parent = kind != SB_WAIT_WAITGROUP;
        if (sc->site_frame == SB_NONE)
            continue;
        uint32_t func = sb_frame_get(m, st->frames[sc->site_frame])->func;
        sb_key k = key(g->dump, K_CREATOR, func, 0);
        uint32_t best = SB_NONE, n = 0;
        bool by_parent = false;
        for (uint32_t e = idx_first(&creators, &k, sizeof(k)); e != SB_NONE;
             e = creators.e[e].next) {
            uint32_t ch = creators.e[e].g;
            const sb_goroutine *cg = &m->goroutines[ch];
            if (ch == i || (cg->parent && g->id && cg->parent != g->id) ||
                (need_parent && !cg->parent))
                continue;
            n++;
            int tier = c->g[ch].kind != SB_WAIT_RUNNABLE && c->g[ch].kind != SB_WAIT_RUNNING;
            if (ranks_above(m, ch, tier, best,
                            best == SB_NONE ? 0
                                            : c->g[best].kind != SB_WAIT_RUNNABLE &&
                                                  c->g[best].kind != SB_WAIT_RUNNING)) {
                best = ch;
                by_parent = cg->parent != 0;
            }
        }
        if (best == SB_NONE)
            continue; /* a channel wait with no child in sight: not an edge */
        int fl;
        const char *fs = fshort(m, func, &fl);
        uint32_t ti = new_target(b, kind, g->dump, "goroutines created by %.*s", fl, fs);
        sb_target *T = &b->g->targets[ti];
        T->holder = best;
        T->waiters = g->count;
        T->first_waiter = i;
        T->conf = by_parent                   ? SB_CONF_HIGH
                  : kind == SB_WAIT_WAITGROUP ? SB_CONF_MEDIUM
                                              : SB_CONF_LOW;
        ev(b, T, "waits (%s) inside %.*s, which started %u live goroutine%s",
           sb_wait_kind_name(kind), fl, fs, n, n == 1 ? "" : "s");
        if (by_parent)
            ev(b, T, "%s was created by this goroutine (created by ... in goroutine %llu)",
               gname(m, best, nb), (unsigned long long)g->id);
        else
            ev(b, T, "%s was created by %.*s", gname(m, best, nb), fl, fs);
        b->g->target_of[i] = ti;
    }
    idx_free(&creators);
}

/* The goroutine of a child dump that stands for the whole process: one that
 * carries the name the parent's exec had (the plugin's main); else a stuck
 * RPC handler, since a dump taken as the child by elimination is most often
 * the daemon the real child calls; busy goroutines first. */
static uint32_t child_goroutine(const sb_gb *b, uint32_t dump, uint32_t name)
{
    const sb_model *m = b->m;
    const sb_dump *d = &m->dumps[dump];
    uint32_t best = SB_NONE;
    int best_tier = 0;
    for (uint32_t i = d->first; i < d->first + d->ngoroutines; i++) {
        if (excluded(b, i))
            continue;
        uint8_t k = b->c->g[i].kind;
        const sb_stack_class *sc = &b->c->stacks[m->goroutines[i].stack];
        int tier = 4 * (name && sc->name == name) +
                   2 * (sc->serves && sb_wait_is_lock((enum sb_wait_kind)k)) +
                   (k != SB_WAIT_RUNNING && k != SB_WAIT_RUNNABLE && k != SB_WAIT_UNKNOWN);
        if (ranks_above(m, i, tier, best, best_tier)) {
            best = i;
            best_tier = tier;
        }
    }
    return best;
}

/* Exec waits: the child's dump when the input has it, matched by the name
 * the parent's exec frames carry (a CNI plugin execs, a CNI plugin's main
 * runs skel.PluginMain), else the only process dump no edge reaches yet. */
static void exec_pass(sb_gb *b)
{
    sb_model *m = b->m;
    const sb_classes *c = b->c;
    size_t nd = m->ndumps ? m->ndumps : 1;
    bool *connected = sb_xcalloc(nd, sizeof(bool));
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        uint32_t t = b->g->target_of[i];
        if (t == SB_NONE || b->g->targets[t].holder == SB_NONE)
            continue;
        uint32_t hd = m->goroutines[b->g->targets[t].holder].dump;
        if (hd != m->goroutines[i].dump)
            connected[hd] = connected[m->goroutines[i].dump] = true;
    }
    sb_index named, execs;
    idx_init(&named);
    idx_init(&execs);
    for (uint32_t d = 0; d < m->ndumps; d++) {
        const sb_dump *dp = &m->dumps[d];
        for (uint32_t i = dp->first; i < dp->first + dp->ngoroutines && !dp->superseded; i++) {
            uint32_t name = c->stacks[m->goroutines[i].stack].name;
            sb_key k = key(SB_NONE, K_DUMP_NAME, name, 0);
            uint32_t e = idx_first(&named, &k, sizeof(k));
            if (name && (e == SB_NONE || named.e[e].frame != d)) /* one entry per dump */
                idx_add(&named, &k, sizeof(k), i, d);
        }
    }
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        if (c->g[i].kind != SB_WAIT_EXEC || b->g->target_of[i] != SB_NONE || excluded(b, i))
            continue;
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack_class *sc = &c->stacks[g->stack];
        sb_key tk = key(g->dump, K_EXEC_TARGET, sc->detail, 0);
        uint32_t e = idx_first(&execs, &tk, sizeof(tk)), ti;
        if (e == SB_NONE) {
            int dl;
            const char *ds = sstr(m, sc->detail, &dl);
            ti = new_target(b, SB_WAIT_EXEC, g->dump, "child process: %.*s", dl, ds);
            idx_add(&execs, &tk, sizeof(tk), i, ti);
            sb_target *T = &b->g->targets[ti];
            ev(b, T, "waits in os.(*Process).Wait for a child process (%.*s) to exit", dl, ds);
            /* 1. a dump of another process carrying the same name */
            uint32_t child = SB_NONE;
            sb_key nk = key(SB_NONE, K_DUMP_NAME, sc->detail, 0);
            for (uint32_t x = idx_first(&named, &nk, sizeof(nk)); x != SB_NONE && sc->detail;
                 x = named.e[x].next) {
                uint32_t d = named.e[x].frame;
                if (d != g->dump && m->dumps[d].label != m->dumps[g->dump].label) {
                    child = d;
                    T->conf = SB_CONF_MEDIUM;
                }
            }
            if (child != SB_NONE) {
                int cl;
                const char *cs = sstr(m, m->dumps[child].label, &cl);
                ev(b, T, "process %.*s runs a %.*s too: its dump continues the chain", cl, cs, dl,
                   ds);
            } else {
                /* 2. the only process dump that nothing else explains */
                uint32_t only = SB_NONE, count = 0;
                for (uint32_t d = 0; d < m->ndumps; d++) {
                    if (d == g->dump || connected[d] || m->dumps[d].superseded ||
                        m->dumps[d].label == m->dumps[g->dump].label)
                        continue;
                    only = d;
                    count++;
                }
                if (count == 1) {
                    int cl;
                    const char *cs = sstr(m, m->dumps[only].label, &cl);
                    child = only;
                    T->conf = SB_CONF_LOW;
                    ev(b, T,
                       "the child's dump is not in the input; %.*s is the only other "
                       "process that no edge explains, taken as what the child waits on",
                       cl, cs);
                }
            }
            if (child != SB_NONE) {
                T->holder = child_goroutine(b, child, sc->detail);
                if (T->holder != SB_NONE)
                    connected[child] = connected[g->dump] = true;
            }
            if (T->holder == SB_NONE) {
                T->conf = SB_CONF_MEDIUM;
                ev(b, T,
                   "the child's own stacks continue the chain: dump that process (SIGQUIT) "
                   "and pass both dumps");
            }
        } else {
            ti = execs.e[e].frame;
        }
        b->g->target_of[i] = ti;
        b->g->targets[ti].waiters += g->count;
        if (ranks_above(m, i, 0, b->g->targets[ti].first_waiter, 0))
            b->g->targets[ti].first_waiter = i;
    }
    idx_free(&named);
    idx_free(&execs);
    free(connected);
}

/* Appends a line to a finished target: its evidence must stay contiguous,
 * so it moves to the end of the evidence array first. */
static void ev_late(sb_gb *b, sb_target *t, const char *line)
{
    sb_graph *g = b->g;
    uint32_t first = (uint32_t)g->nevidence;
    for (uint32_t k = 0; k < t->nev; k++) {
        g->evidence = sb_grow(g->evidence, &g->evidence_cap, g->nevidence, sizeof(*g->evidence));
        g->evidence[g->nevidence++] = g->evidence[t->ev_first + k];
    }
    uint32_t n = t->nev;
    t->nev = 0;
    ev(b, t, "%s", line);
    t->ev_first = first;
    t->nev = n + 1;
}

/* Snapshots: a holder that sat with the same stack in every snapshot of its
 * process is stuck, not passing by; say so and trust it more. */
static void unmoved_pass(sb_gb *b)
{
    for (size_t t = 0; t < b->g->ntargets; t++) {
        sb_target *T = &b->g->targets[t];
        if (T->holder == SB_NONE)
            continue;
        const sb_goroutine *h = &b->m->goroutines[T->holder];
        const sb_dump *d = &b->m->dumps[h->dump];
        if (d->series == SB_NONE || h->seen < d->snapshot + 1)
            continue;
        char line[160];
        char nb[64];
        snprintf(line, sizeof(line), "%s did not move: same stack in all %u snapshots",
                 gname(b->m, T->holder, nb), h->seen);
        ev_late(b, T, line);
        if (T->conf < SB_CONF_HIGH)
            T->conf++;
    }
}

void sb_graph_build(sb_model *m, const sb_classes *c, sb_graph *g)
{
    memset(g, 0, sizeof(*g));
    sb_gb b = {m, c, g, {0}};
    size_t n = m->ngoroutines ? m->ngoroutines : 1;
    g->target_of = sb_xmalloc(n * sizeof(uint32_t));
    uint32_t *lock_of = sb_xmalloc(n * sizeof(uint32_t));
    for (size_t i = 0; i < m->ngoroutines; i++)
        g->target_of[i] = SB_NONE;
    lock_pass(&b, lock_of);
    free(lock_of);
    rpc_pass(&b);
    exec_pass(&b);
    children_pass(&b);
    unmoved_pass(&b);
}

void sb_graph_free(sb_graph *g)
{
    free(g->target_of);
    free(g->targets);
    free(g->evidence);
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
