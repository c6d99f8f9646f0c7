/* graph_lock.c: lock waiters -> suspected holders. Waiters are grouped by
 * lock identity, then each lock's holder is sought by the lock rules in
 * the order of their strength: readers behind a pending writer, a
 * goroutine inside the lock's code (lock-receiver, lock-type, lock-site),
 * a waiter that holds the lock itself (self-deadlock), two locks whose
 * waiters hold each other's (lock-order inversion), and last the rule of
 * thumb (longest-waiter). A lock nobody can hold is leaked, or its holder
 * was cut from an excerpt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph_int.h"

#define TOP_K 64 /* per dump, the longest waiters kept for the rule of thumb */
/* Entries of one index key weighed for one lock, at most: thousands of
 * locks of one type or site must not each walk all the goroutines inside
 * it (the same receiver, looked at first, is a short list). */
#define MAX_INSIDE 256
/* Locks with one waiter and no holder that waited equally long, at most,
 * among which rule lock-order-inversion looks for a pair: more is a pile
 * of stuck waiters, not two goroutines crossing. */
#define MAX_INVERSION_GROUP 8

/* What is known of one lock: its waiters, and the holder found. */
typedef struct sb_lock {
    uint32_t target;
    uint8_t kind;
    bool drain;      /* a writer waits for readers to drain */
    bool many_sites; /* waiters lock it in different functions */
    uint32_t dump, type, site_func;
    uint32_t family; /* a closure site's parent function (string id), 0 = none */
    uint64_t addr, recv;
    uint32_t best; /* the oldest waiter */
    uint32_t nwaiters;
    int32_t max_wait;
    uint32_t holder;       /* found so far, SB_NONE */
    uint32_t sitefuncs[4]; /* the first functions it is taken in, for the evidence */
    uint32_t nsitefuncs;
} sb_lock;

/* Where a candidate was found: the rule and the frame it is inside. */
typedef struct sb_cand {
    uint32_t g, frame;
    enum sb_rule_id rule;
    int tier;
} sb_cand;

typedef struct sb_lockctx {
    sb_gb *b;
    sb_arena arena;
    sb_intern keys;     /* lock identity -> lock index + 1 */
    sb_intern types;    /* receiver types of lock sites */
    sb_intern sites;    /* lock site functions */
    sb_intern families; /* functions whose closures are lock sites */
    sb_lock *locks;
    size_t nlocks, cap;
    uint32_t *lock_of; /* per goroutine: its lock, SB_NONE */
    sb_index inside;   /* goroutines inside a lock's type (by receiver) or site */
    sb_index writers;  /* pending writers by (type, receiver) */
    sb_index sitesof;  /* (lock, function): the functions each lock is taken in */
    bool *fid_closure; /* per frame id: the function is a closure */
    uint32_t *top;     /* per dump, TOP_K longest waiters */
    uint32_t *ntop;
} sb_lockctx;

static const char *fshort(const sb_model *m, uint32_t func, int *len)
{
    size_t n, sl;
    const char *full = sb_str(m, func, &n);
    const char *s = sb_func_short(full, n, &sl);
    *len = (int)(sl > 200 ? 200 : sl);
    return s;
}

/* The function closure func is defined in (string id, when interned), 0
 * when func is no closure. */
static uint32_t closure_parent(const sb_model *m, uint32_t func)
{
    if (!func)
        return 0;
    size_t n;
    const char *s = sb_str(m, func, &n);
    size_t pl = sb_closure_parent_len(s, n);
    uint32_t id = pl ? sb_intern_find(&m->strings, s, pl) : UINT32_MAX;
    return id == UINT32_MAX ? 0 : id;
}

/* Step 1: group waiters by lock identity: the address, else the site and
 * receiver. */
static void group_waiters(sb_lockctx *x)
{
    sb_model *m = x->b->m;
    const sb_classes *c = x->b->c;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        x->lock_of[i] = SB_NONE;
        const sb_gclass *gc = &c->g[i];
        const sb_goroutine *g = &m->goroutines[i];
        if (!sb_wait_is_lock(gc->kind) || sb_goroutine_set_aside(m, g))
            continue;
        const sb_stack_class *sc = &c->stacks[g->stack];
        uint32_t site_func = sc->site_frame != SB_NONE ? sb_gb_func(x->b, i, sc->site_frame) : 0;
        sb_key k =
            gc->has_addr
                ? sb_key_make(g->dump, K_LOCK_ADDR, gc->addr, gc->kind == SB_WAIT_RWMUTEX_READ)
                : sb_key_make(g->dump, K_LOCK_SITE, site_func, gc->has_recv ? gc->recv : 0);
        size_t before = sb_intern_count(&x->keys);
        uint32_t id = sb_intern_put(&x->keys, &k, sizeof(k)) - 1;
        if (sb_intern_count(&x->keys) > before) {
            x->locks = sb_grow(x->locks, &x->cap, x->nlocks, sizeof(*x->locks));
            sb_lock *l = &x->locks[x->nlocks++];
            memset(l, 0, sizeof(*l));
            l->kind = gc->kind;
            l->dump = g->dump;
            l->type = sc->site_type;
            l->site_func = site_func;
            l->addr = gc->has_addr ? gc->addr : 0;
            l->best = l->holder = SB_NONE;
            l->family = closure_parent(m, site_func);
            if (l->family)
                sb_intern_put(&x->families, &l->family, sizeof(uint32_t));
            l->max_wait = -1;
            if (sc->site_type)
                sb_intern_put(&x->types, &sc->site_type, sizeof(uint32_t));
        }
        sb_lock *l = &x->locks[id];
        if (site_func && site_func != x->locks[id].site_func) {
            sb_intern_put(&x->sites, &site_func, sizeof(uint32_t));
            sb_key sk = sb_key_make(SB_NONE, K_SITE_FUNC, id, site_func);
            if (sb_idx_first(&x->sitesof, &sk, sizeof(sk)) == SB_NONE) {
                sb_idx_add(&x->sitesof, &sk, sizeof(sk), i, 0);
                sb_lock *lk = &x->locks[id];
                if (lk->nsitefuncs < 4)
                    lk->sitefuncs[lk->nsitefuncs++] = site_func;
            }
        } else if (site_func && x->locks[id].nsitefuncs == 0) {
            /* the lock's first site: its own waiter needs no index look-up */
            sb_intern_put(&x->sites, &site_func, sizeof(uint32_t));
            sb_key sk = sb_key_make(SB_NONE, K_SITE_FUNC, id, site_func);
            sb_idx_add(&x->sitesof, &sk, sizeof(sk), i, 0);
            x->locks[id].sitefuncs[x->locks[id].nsitefuncs++] = site_func;
        }
        if (site_func != l->site_func)
            l->many_sites = true;
        if (!l->recv && gc->has_recv)
            l->recv = gc->recv;
        if (l->kind == SB_WAIT_RWMUTEX_READ && gc->kind == SB_WAIT_RWMUTEX_WRITE)
            l->kind = gc->kind;
        if (gc->kind == SB_WAIT_RWMUTEX_WRITE && (sc->roles & SB_SR_DRAIN))
            l->drain = true;
        l->nwaiters += g->count;
        if (g->wait_minutes > l->max_wait)
            l->max_wait = g->wait_minutes;
        if (sb_gb_ranks_above(m, i, 0, l->best, 0))
            l->best = i;
        x->lock_of[i] = id;
    }
}

/* Step 2: index goroutines that are inside a method of a lock's type (by
 * receiver) or inside a lock site, past the Lock call (a waiter's own site
 * frame is not). What each distinct frame says is looked up once (of it,
 * x->fid_closure stays for the ranking: a method above its closure), and
 * each stack's frames of interest once: most goroutines share a stack. */
static void index_inside(sb_lockctx *x)
{
    sb_model *m = x->b->m;
    const sb_classes *c = x->b->c;
    size_t nfids = sb_intern_count(&m->frames), nstacks = sb_intern_count(&m->stacks);
    uint32_t *fid_type = sb_xcalloc(nfids ? nfids : 1, sizeof(uint32_t)); /* 0: none */
    bool *fid_site = sb_xcalloc(nfids ? nfids : 1, sizeof(bool));
    uint32_t *fid_family = sb_xcalloc(nfids ? nfids : 1, sizeof(uint32_t)); /* 0: none */
    x->fid_closure = sb_xcalloc(nfids ? nfids : 1, sizeof(bool));
    for (uint32_t fid = 0; fid < nfids; fid++) {
        uint32_t func = sb_frame_get(m, fid)->func;
        size_t fnl;
        const char *fnn = sb_str(m, func, &fnl);
        x->fid_closure[fid] = sb_func_is_closure(fnn, fnl);
        if (c->frame_type[fid].len) { /* types are interned only for lock sites */
            uint32_t t =
                sb_intern_find(&m->strings, fnn + c->frame_type[fid].off, c->frame_type[fid].len);
            if (t != UINT32_MAX && t && sb_intern_find(&x->types, &t, sizeof(t)) != UINT32_MAX)
                fid_type[fid] = t;
        }
        fid_site[fid] = sb_intern_find(&x->sites, &func, sizeof(func)) != UINT32_MAX;
        uint32_t fam = sb_intern_count(&x->families) > 1 ? closure_parent(m, func) : 0;
        if (fam && sb_intern_find(&x->families, &fam, sizeof(fam)) != UINT32_MAX)
            fid_family[fid] = fam;
    }
    /* Stack s has its frames of interest in spots[spot_at[s] .. spot_at[s + 1]). */
    uint32_t *spot_at = sb_xcalloc(nstacks + 1, sizeof(uint32_t));
    uint32_t *spots = NULL;
    size_t nspots = 0, spot_cap = 0;
    for (uint32_t sid = 0; sid < nstacks; sid++) {
        const sb_stack *st = sb_stack_get(m, sid);
        spot_at[sid] = (uint32_t)nspots;
        for (uint32_t f = 0; f < st->nframes; f++) {
            uint32_t fid = st->frames[f];
            if (fid_type[fid] || fid_site[fid] || fid_family[fid]) {
                spots = sb_grow(spots, &spot_cap, nspots, sizeof(*spots));
                spots[nspots++] = f;
            }
        }
    }
    spot_at[nstacks] = (uint32_t)nspots;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        if (sb_gb_excluded(x->b, i))
            continue;
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack *st = sb_stack_get(m, g->stack);
        /* A waiter's own lock site (and the method that called a closure
         * site in place) is where it waits, not where it holds. */
        const sb_stack_class *sc = &c->stacks[g->stack];
        uint32_t skip_to = x->lock_of[i] == SB_NONE || sc->site_frame == SB_NONE ? SB_NONE
                           : sc->owner_frame != SB_NONE                          ? sc->owner_frame
                                                                                 : sc->site_frame;
        uint32_t last_type = 0;
        sb_arg_view v; /* made at the first receiver needed */
        bool have_v = false;
        for (uint32_t k = spot_at[g->stack]; k < spot_at[g->stack + 1]; k++) {
            uint32_t f = spots[k];
            if (skip_to != SB_NONE && f <= skip_to)
                continue;
            uint32_t fid = st->frames[f];
            uint32_t t = fid_type[fid];
            if (t && t != last_type) {
                if (!have_v) {
                    sb_arg_view_init(&v, m, g);
                    have_v = true;
                }
                sb_key k1 = sb_key_make(g->dump, K_TYPE_RECV, t, sb_gb_frame_word(m, &v, f));
                sb_key k2 = sb_key_make(g->dump, K_TYPE_ANY, t, 0);
                sb_idx_add(&x->inside, &k1, sizeof(k1), i, f);
                sb_idx_add(&x->inside, &k2, sizeof(k2), i, f);
                last_type = t;
            }
            if (fid_site[fid]) {
                sb_key k3 = sb_key_make(g->dump, K_SITE_FUNC, sb_frame_get(m, fid)->func, 0);
                sb_idx_add(&x->inside, &k3, sizeof(k3), i, f);
            }
            if (fid_family[fid]) {
                sb_key k4 = sb_key_make(g->dump, K_CLOSURE_OF, fid_family[fid], 0);
                sb_idx_add(&x->inside, &k4, sizeof(k4), i, f);
            }
        }
    }
    free(fid_type);
    free(fid_site);
    free(fid_family);
    free(spot_at);
    free(spots);
}

/* Step 3: pending writers, for readers that queue behind them: writers
 * waiting for readers to drain. A writer still queued on the RWMutex's
 * inner mutex has not announced itself; readers wait for the one ahead. */
static void index_writers(sb_lockctx *x)
{
    for (uint32_t l = 0; l < x->nlocks; l++) {
        const sb_lock *L = &x->locks[l];
        if (L->kind != SB_WAIT_RWMUTEX_WRITE || !L->drain || !L->type)
            continue;
        sb_key k1 = sb_key_make(L->dump, K_WRITER_RECV, L->type, L->recv);
        sb_key k2 = sb_key_make(L->dump, K_WRITER_ANY, L->type, 0);
        sb_idx_add(&x->writers, &k1, sizeof(k1), L->best, l);
        sb_idx_add(&x->writers, &k2, sizeof(k2), L->best, l);
    }
}

/* Step 4: the longest waiters of each dump, for the rule of thumb. Only
 * goroutines whose wait can hold others up count. */
static void longest_waiters(sb_lockctx *x)
{
    sb_model *m = x->b->m;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        if (g->wait_minutes < 0 || sb_gb_excluded(x->b, i) || !sb_gb_stuck_shape(x->b, i))
            continue;
        uint32_t *t = x->top + (size_t)g->dump * TOP_K;
        uint32_t *n = &x->ntop[g->dump];
        if (*n == TOP_K && !sb_gb_ranks_above(m, i, 0, t[TOP_K - 1], 0))
            continue;
        uint32_t pos = *n < TOP_K ? (*n)++ : TOP_K - 1;
        while (pos > 0 && sb_gb_ranks_above(m, i, 0, t[pos - 1], 0)) {
            t[pos] = t[pos - 1];
            pos--;
        }
        t[pos] = i;
    }
}

/* The lock's target, named by its address or its site. */
static void make_target(sb_lockctx *x, uint32_t l)
{
    sb_gb *b = x->b;
    sb_lock *L = &x->locks[l];
    int sl = 0;
    const char *ss = L->site_func ? fshort(b->m, L->site_func, &sl) : "";
    const char *kn = sb_wait_kind_name((enum sb_wait_kind)L->kind);
    L->target = L->addr ? sb_gb_target(b, L->kind, L->dump, SB_RULE_NONE, "%s 0x%llx", kn,
                                       (unsigned long long)L->addr)
                        : sb_gb_target(b, L->kind, L->dump, SB_RULE_NONE, "%s at %.*s", kn, sl, ss);
    sb_target *T = &b->g->targets[L->target];
    T->waiters = L->nwaiters;
    T->first_waiter = L->best;
}

/* The waiters in words, after the rule's own sentence. */
static void waiters_evidence(sb_lockctx *x, uint32_t l)
{
    const sb_lock *L = &x->locks[l];
    int sl = 0;
    const char *ss = L->site_func ? fshort(x->b->m, L->site_func, &sl) : "";
    const char *kn = sb_wait_kind_name((enum sb_wait_kind)L->kind);
    if (L->addr)
        sb_gb_ev(x->b, L->target, "%u waiter%s on the same %s 0x%llx (lock site %.*s%s)",
                 L->nwaiters, L->nwaiters == 1 ? "" : "s", kn, (unsigned long long)L->addr, sl, ss,
                 L->many_sites ? " and others" : "");
    else
        sb_gb_ev(x->b, L->target, "%u waiter%s at the same lock site %.*s%s", L->nwaiters,
                 L->nwaiters == 1 ? "" : "s", sl, ss, L->recv ? " and receiver" : "");
}

/* The holder's wait in words: how long, locked to a thread. */
static void holder_evidence(sb_lockctx *x, uint32_t l, uint32_t ncand)
{
    const sb_goroutine *h = &x->b->m->goroutines[x->locks[l].holder];
    if (h->wait_minutes >= 0 && ncand == 1)
        sb_gb_ev(x->b, x->locks[l].target, "waiting %d min, the only candidate", h->wait_minutes);
    else if (h->wait_minutes >= 0 && ncand)
        sb_gb_ev(x->b, x->locks[l].target, "waiting %d min, the longest of %u candidates",
                 h->wait_minutes, ncand);
    if (h->flags & SB_G_LOCKED)
        sb_gb_ev(x->b, x->locks[l].target, "locked to thread");
}

/* Rule rlock-behind-writer (-type): readers wait behind a writer that is
 * waiting on the same RWMutex, since RLock blocks while a writer queues. */
static bool rule_rlock_behind_writer(sb_lockctx *x, uint32_t l)
{
    sb_lock *L = &x->locks[l];
    if (L->kind != SB_WAIT_RWMUTEX_READ || !L->type)
        return false;
    sb_key kw = L->recv ? sb_key_make(L->dump, K_WRITER_RECV, L->type, L->recv)
                        : sb_key_make(L->dump, K_WRITER_ANY, L->type, 0);
    uint32_t e = sb_idx_first(&x->writers, &kw, sizeof(kw));
    if (e == SB_NONE || x->writers.e[e].g == L->best)
        return false;
    L->holder = x->writers.e[e].g;
    sb_say v = sb_say_none();
    v.holder = L->holder;
    v.what = L->type;
    sb_gb_link(x->b, L->target, L->holder,
               L->recv ? SB_RULE_LOCK_WRITER_QUEUE : SB_RULE_LOCK_WRITER_QUEUE_TYPE, &v);
    waiters_evidence(x, l);
    return true;
}

/* Whether candidate g waits on a lock of the same owner as lock l (the
 * same address, or the same receiver where an address is not printed):
 * then it is a waiter like the others, not the holder, unless it holds a
 * read lock that a draining writer waits for (RLock re-entered). */
static bool waits_same_owner(const sb_lockctx *x, uint32_t g, uint32_t l)
{
    if (x->lock_of[g] == SB_NONE)
        return false;
    const sb_lock *L = &x->locks[l], *C = &x->locks[x->lock_of[g]];
    if (L->addr && C->addr)
        return L->addr == C->addr;
    return L->recv && L->recv == C->recv;
}

/* Whether a goroutine may hold a read lock that a draining writer waits
 * for: readers hold theirs briefly, so one that waits on a channel,
 * select, Cond or WaitGroup (for other goroutines) is not taken for one;
 * a reader queued on the same lock again is (RLock re-entered). */
static bool may_read_hold(const sb_lockctx *x, uint32_t g, uint32_t l)
{
    uint8_t k = x->b->c->g[g].kind;
    if (waits_same_owner(x, g, l))
        return k == SB_WAIT_RWMUTEX_READ;
    return k != SB_WAIT_CHAN && k != SB_WAIT_SELECT && k != SB_WAIT_COND && k != SB_WAIT_WAITGROUP;
}

/* Rules lock-receiver, lock-type and lock-site: goroutines inside a
 * method of the owner's type (same receiver where known) or inside the
 * lock site, not waiting on this lock, hold it. The same receiver ranks
 * first, a method itself above a closure of it (which may run in a
 * goroutine the holder started). A waiter of this lock inside such a
 * frame further out is kept apart in *self. With siblings, rule
 * lock-sibling: goroutines inside a sibling closure of the lock site,
 * weaker, so tried after the lock-order inversion. */
static bool rule_lock_inside(sb_lockctx *x, uint32_t l, sb_cand *self, bool siblings)
{
    sb_model *m = x->b->m;
    sb_lock *L = &x->locks[l];
    sb_key keys[4];
    enum sb_rule_id rules[4];
    int tiers[4], nk = 0;
    if (L->type && L->recv) {
        keys[nk] = sb_key_make(L->dump, K_TYPE_RECV, L->type, L->recv);
        rules[nk] = SB_RULE_LOCK_RECEIVER, tiers[nk++] = 3;
        keys[nk] = sb_key_make(L->dump, K_TYPE_RECV, L->type, 0);
        rules[nk] = SB_RULE_LOCK_TYPE, tiers[nk++] = 2;
    } else if (L->type) {
        keys[nk] = sb_key_make(L->dump, K_TYPE_ANY, L->type, 0);
        rules[nk] = SB_RULE_LOCK_TYPE, tiers[nk++] = 2;
    }
    if (L->site_func) {
        keys[nk] = sb_key_make(L->dump, K_SITE_FUNC, L->site_func, 0);
        rules[nk] = SB_RULE_LOCK_SITE, tiers[nk++] = 1;
    }
    if (L->family && siblings) {
        keys[nk] = sb_key_make(L->dump, K_CLOSURE_OF, L->family, 0);
        rules[nk] = SB_RULE_LOCK_SIBLING, tiers[nk++] = 1;
    }
    sb_cand best = {SB_NONE, 0, SB_RULE_NONE, 0};
    uint32_t ncand = 0, last = SB_NONE;
    /* A later key's tier is lower: once a candidate is found, none of a
     * later key can rank above it. */
    for (int k = 0; k < nk && (best.g == SB_NONE || best.tier < tiers[k] * 2 + 2); k++) {
        uint32_t seen = 0;
        for (uint32_t e = sb_idx_first(&x->inside, &keys[k], sizeof(keys[k]));
             e != SB_NONE && seen++ < MAX_INSIDE; e = x->inside.e[e].next) {
            uint32_t cand = x->inside.e[e].g, f = x->inside.e[e].frame;
            uint32_t fid = sb_stack_get(m, m->goroutines[cand].stack)->frames[f];
            int tier = tiers[k] * 2 + !x->fid_closure[fid];
            if (x->lock_of[cand] == l) {
                if (self->g == SB_NONE || tier > self->tier)
                    *self = (sb_cand){cand, f, rules[k], tier};
                continue;
            }
            if (L->drain ? !may_read_hold(x, cand, l) : waits_same_owner(x, cand, l))
                continue;
            ncand += cand != last; /* a goroutine's entries are together */
            last = cand;
            if (sb_gb_ranks_above(m, cand, tier, best.g, best.tier))
                best = (sb_cand){cand, f, rules[k], tier};
        }
    }
    if (best.g == SB_NONE)
        return false;
    L->holder = best.g;
    sb_say v = sb_say_none();
    v.holder = best.g;
    v.func = sb_gb_func(x->b, best.g, best.frame);
    v.func2 = L->site_func;
    v.addr = L->recv;
    v.has_addr = L->recv != 0;
    sb_gb_link(x->b, L->target, best.g, best.rule, &v);
    waiters_evidence(x, l);
    holder_evidence(x, l, ncand);
    return true;
}

/* Whether function func is where lock l is taken (a waiter waits there). */
static bool takes_lock(const sb_lockctx *x, uint32_t l, uint32_t func)
{
    sb_key k = sb_key_make(SB_NONE, K_SITE_FUNC, l, func);
    return sb_idx_first(&x->sitesof, &k, sizeof(k)) != SB_NONE;
}

/* Rule self-deadlock: a waiter that holds the lock itself. With nobody
 * else inside the lock's code, a waiter whose own stack is inside a
 * method on the same receiver further out than where it waits (Lock
 * twice; RLock under its own Lock; Lock while holding RLock), or inside
 * a function that takes this lock, holds it. The other waiters wait for
 * that one. */
static bool rule_self_deadlock(sb_lockctx *x, uint32_t l, const sb_cand *self)
{
    sb_lock *L = &x->locks[l];
    if (self->g == SB_NONE)
        return false;
    uint32_t func = sb_gb_func(x->b, self->g, self->frame);
    /* A writer waiting for readers holds a read lock only where it takes
     * one: the same object further out says nothing of a read lock. */
    if (!takes_lock(x, l, func) && (L->drain || self->rule != SB_RULE_LOCK_RECEIVER))
        return false;
    L->holder = self->g;
    sb_say v = sb_say_none();
    v.what = x->b->g->targets[L->target].what;
    v.func = func;
    v.addr = L->recv;
    v.has_addr = L->recv != 0;
    sb_gb_link(x->b, L->target, self->g, SB_RULE_SELF_DEADLOCK, &v);
    waiters_evidence(x, l);
    return true;
}

/* The package of a function (sb_func_package_len): its name's first
 * *len bytes. */
static const char *package_of(const sb_model *m, uint32_t func, size_t *len)
{
    size_t n;
    const char *s = sb_str(m, func, &n);
    *len = sb_func_package_len(s, n);
    return s;
}

/* Whether goroutine g runs code of the package of function func. */
static bool in_package(const sb_gb *b, uint32_t g, uint32_t func)
{
    size_t pl, ql;
    const char *p = package_of(b->m, func, &pl);
    const sb_stack *st = sb_stack_get(b->m, b->m->goroutines[g].stack);
    for (uint32_t f = 0; f < st->nframes; f++) {
        const char *q = package_of(b->m, sb_frame_get(b->m, st->frames[f])->func, &ql);
        if (ql == pl && memcmp(p, q, pl) == 0)
            return true;
    }
    return false;
}

/* Whether lock c's only waiter may hold lock a: another goroutine than
 * a's waiter, not waiting on a's owner, in code of the package of a's
 * site. */
static bool may_hold_for_inversion(const sb_lockctx *x, uint32_t a, uint32_t c)
{
    const sb_lock *A = &x->locks[a], *C = &x->locks[c];
    return C->best != A->best && !waits_same_owner(x, C->best, a) &&
           in_package(x->b, C->best, A->site_func);
}

/* A lock rule lock-order-inversion looks at: nobody inside it, one
 * waiter, waited (or the dump says every wait is for good). */
static bool inversion_candidate(const sb_lockctx *x, const sb_lock *L)
{
    return L->holder == SB_NONE && L->nwaiters == 1 && L->site_func &&
           (L->max_wait >= 1 || x->b->c->dumps[L->dump].context);
}

/* Candidate locks by (dump, wait), for rule lock-order-inversion. */
typedef struct sb_group_entry {
    uint64_t key;
    uint32_t lock;
} sb_group_entry;

static int cmp_group(const void *pa, const void *pb)
{
    const sb_group_entry *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->lock < b->lock ? -1 : a->lock > b->lock;
}

/* The only lock of group g[0..n) whose waiter may hold lock a, SB_NONE. */
static uint32_t only_partner(const sb_lockctx *x, const sb_group_entry *g, size_t n, uint32_t a)
{
    uint32_t match = SB_NONE;
    for (size_t k = 0; k < n; k++) {
        if (g[k].lock == a || !may_hold_for_inversion(x, a, g[k].lock))
            continue;
        if (match != SB_NONE)
            return SB_NONE;
        match = g[k].lock;
    }
    return match;
}

/* Links lock a to the waiter of lock b and b to a's, as rule
 * lock-order-inversion found them. */
static void link_inversion(sb_lockctx *x, uint32_t a, uint32_t b)
{
    const sb_model *m = x->b->m;
    uint32_t pair[2][2] = {{a, b}, {b, a}};
    for (int k = 0; k < 2; k++) {
        sb_lock *P = &x->locks[pair[k][0]], *Q = &x->locks[pair[k][1]];
        P->holder = Q->best;
        sb_say v = sb_say_none();
        v.holder = Q->best;
        sb_gb_link(x->b, P->target, Q->best, SB_RULE_LOCK_INVERSION, &v);
        waiters_evidence(x, pair[k][0]);
        if (m->goroutines[Q->best].wait_minutes >= 0)
            sb_gb_ev(x->b, P->target, "both have waited %d min",
                     m->goroutines[Q->best].wait_minutes);
    }
}

/* Rule lock-order-inversion: two locks of a dump that nobody is inside
 * of, each with one waiter, both waiting as long, in code of one
 * package, each the other's only partner: each waiter holds what the
 * other wants (AB-BA). Grouped by (dump, wait) first, so that the pairs
 * weighed are few. */
static void rule_lock_inversion(sb_lockctx *x)
{
    sb_group_entry *g = sb_xmalloc((x->nlocks ? x->nlocks : 1) * sizeof(*g));
    size_t n = 0;
    for (uint32_t l = 0; l < x->nlocks; l++)
        if (inversion_candidate(x, &x->locks[l]))
            g[n++] = (sb_group_entry){
                (uint64_t)x->locks[l].dump << 32 | (uint32_t)(x->locks[l].max_wait + 1), l};
    qsort(g, n, sizeof(*g), cmp_group);
    for (size_t at = 0, end; at < n; at = end) {
        for (end = at + 1; end < n && g[end].key == g[at].key; end++)
            ;
        if (end - at < 2 || end - at > MAX_INVERSION_GROUP)
            continue;
        for (size_t k = at; k < end; k++) {
            uint32_t a = g[k].lock, b = only_partner(x, g + at, end - at, a);
            if (b != SB_NONE && a < b && only_partner(x, g + at, end - at, b) == a)
                link_inversion(x, a, b);
        }
    }
    free(g);
}

/* Whether goroutine g waits on a lock whose holder is a waiter of lock l
 * (a reader queued behind l's writer): naming it l's holder would make a
 * cycle of two waits and no holder. */
static bool waits_behind(const sb_lockctx *x, uint32_t g, uint32_t l)
{
    uint32_t gl = x->lock_of[g];
    if (gl == SB_NONE || x->locks[gl].holder == SB_NONE)
        return false;
    return x->lock_of[x->locks[gl].holder] == l;
}

/* Rule longest-waiter, the rule of thumb: the longest waiter outside this
 * lock, blocked at least as long as its waiters, in code of the lock
 * site's package. */
static bool rule_longest_waiter(sb_lockctx *x, uint32_t l)
{
    sb_lock *L = &x->locks[l];
    const uint32_t *t = x->top + (size_t)L->dump * TOP_K;
    for (uint32_t k = 0; k < x->ntop[L->dump]; k++) {
        const sb_goroutine *h = &x->b->m->goroutines[t[k]];
        if (h->wait_minutes < L->max_wait)
            break; /* younger than the waiters: cannot have held it all along */
        if (x->lock_of[t[k]] == l || waits_same_owner(x, t[k], l) || waits_behind(x, t[k], l) ||
            !L->site_func || !in_package(x->b, t[k], L->site_func))
            continue;
        L->holder = t[k];
        sb_say v = sb_say_none();
        v.holder = t[k];
        v.minutes = h->wait_minutes;
        sb_gb_link(x->b, L->target, t[k], SB_RULE_LOCK_LONGEST_WAITER, &v);
        waiters_evidence(x, l);
        sb_gb_ev(x->b, L->target, "the waiters have waited up to %d min", L->max_wait);
        if (h->flags & SB_G_LOCKED)
            sb_gb_ev(x->b, L->target, "locked to thread");
        return true;
    }
    return false;
}

/* The functions lock l is taken in (where its waiters wait), short
 * names, at most three and "..." for more. */
static const char *site_list(const sb_lockctx *x, uint32_t l, char *buf, size_t len)
{
    const sb_lock *L = &x->locks[l];
    size_t w = 0;
    buf[0] = '\0';
    for (uint32_t k = 0; k < L->nsitefuncs && w < len; k++) {
        if (k == 3) {
            snprintf(buf + w, len - w, ", ...");
            break;
        }
        int fl;
        const char *fs = fshort(x->b->m, L->sitefuncs[k], &fl);
        w += (size_t)snprintf(buf + w, len - w, "%s%.*s", w ? ", " : "", fl, fs);
    }
    return buf;
}

/* No holder: in an excerpt the holder may have been cut (holder-not-in-
 * dump); in a whole dump nobody can hold it (leaked-lock, leaked-read-lock
 * when a writer waits for readers to drain). The stuck stage names it. */
static void no_holder(sb_lockctx *x, uint32_t l, const sb_cand *self)
{
    sb_lock *L = &x->locks[l];
    sb_target *T = &x->b->g->targets[L->target];
    enum sb_rule_id rule = !x->b->c->dumps[L->dump].whole ? SB_RULE_LOCK_NOT_IN_DUMP
                           : L->drain                     ? SB_RULE_LEAKED_READ_LOCK
                                                          : SB_RULE_LEAKED_LOCK;
    sb_say v = sb_say_none();
    v.what = T->what;
    char sites[256];
    v.text = site_list(x, l, sites, sizeof(sites));
    sb_gb_link(x->b, L->target, SB_NONE, rule, &v);
    waiters_evidence(x, l);
    if (self->g != SB_NONE) {
        char nb[64];
        sb_gb_ev(x->b, L->target,
                 "%s is itself inside a caller further out that may take this lock first",
                 sb_goroutine_name(x->b->m, self->g, nb));
    }
}

void sb_graph_locks(sb_gb *b)
{
    sb_model *m = b->m;
    sb_lockctx x;
    memset(&x, 0, sizeof(x));
    x.b = b;
    sb_arena_init(&x.arena);
    sb_intern_init(&x.keys, &x.arena);
    sb_intern_init(&x.types, &x.arena);
    sb_intern_init(&x.sites, &x.arena);
    sb_intern_init(&x.families, &x.arena);
    sb_idx_init(&x.inside);
    sb_idx_init(&x.writers);
    sb_idx_init(&x.sitesof);
    x.lock_of = sb_xmalloc((m->ngoroutines ? m->ngoroutines : 1) * sizeof(uint32_t));
    group_waiters(&x);
    if (x.nlocks) {
        index_inside(&x);
        index_writers(&x);
        x.top = sb_xmalloc((m->ndumps ? m->ndumps : 1) * TOP_K * sizeof(uint32_t));
        x.ntop = sb_xcalloc(m->ndumps ? m->ndumps : 1, sizeof(uint32_t));
        longest_waiters(&x);
    }
    sb_cand *selfs = sb_xmalloc((x.nlocks ? x.nlocks : 1) * sizeof(sb_cand));
    for (uint32_t l = 0; l < x.nlocks; l++) {
        make_target(&x, l);
        selfs[l] = (sb_cand){SB_NONE, 0, SB_RULE_NONE, 0};
        if (!rule_rlock_behind_writer(&x, l) && !rule_lock_inside(&x, l, &selfs[l], false))
            rule_self_deadlock(&x, l, &selfs[l]);
    }
    rule_lock_inversion(&x);
    for (uint32_t l = 0; l < x.nlocks; l++) {
        sb_cand ignored = {SB_NONE, 0, SB_RULE_NONE, 0};
        if (x.locks[l].holder == SB_NONE && x.locks[l].family &&
            rule_lock_inside(&x, l, &ignored, true))
            continue;
        if (x.locks[l].holder == SB_NONE && !rule_longest_waiter(&x, l))
            no_holder(&x, l, &selfs[l]);
    }
    for (uint32_t i = 0; i < m->ngoroutines; i++)
        b->g->target_of[i] = x.lock_of[i] == SB_NONE ? SB_NONE : x.locks[x.lock_of[i]].target;
    free(selfs);
    free(x.fid_closure);
    free(x.top);
    free(x.ntop);
    free(x.lock_of);
    free(x.locks);
    sb_idx_free(&x.inside);
    sb_idx_free(&x.writers);
    sb_idx_free(&x.sitesof);
    sb_intern_free(&x.keys);
    sb_intern_free(&x.types);
    sb_intern_free(&x.sites);
    sb_intern_free(&x.families);
    sb_arena_free(&x.arena);
}
