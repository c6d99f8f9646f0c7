/* graph_wait.c: goroutines that wait for other goroutines (a WaitGroup, a
 * channel, a select, a Cond): the test runner for its test, a Stop for the
 * workers of its object, a parent for the children it started, a
 * goroutine for the one sharing its object. The rules are tried in that
 * order for each waiter with no target yet; each prefers a candidate that
 * is itself blocked, and a parent whose children are only idle is a
 * supervisor, not an incident. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph_int.h"

/* Words below this are counts, flags and lengths, not objects. */
#define MIN_ADDRESS 0x10000ull
/* An address that more goroutines carry is shared too widely (a context,
 * a registry) to say which of them the waiter waits for. */
#define MAX_SHARERS 3
/* Carriers of one address looked at, at most: one carried by more has a
 * counterpart among them, and thousands of fellow waiters on one object
 * must not make each waiter's look linear in their number. */
#define MAX_CARRIERS 64
/* Children (or closures) of one creator weighed for one waiter, at most,
 * the latest in the dump first: thousands of waiters in one function must not each walk
 * all the goroutines it started. */
#define MAX_CHILDREN 256

/* What the carriers of an address are to a waiter depend on: the
 * address, and how the waiter waits (dump, site function, kind). */
typedef struct sb_carrier_key {
    uint64_t word;
    uint32_t dump, func;
    uint8_t kind, pad[7];
} sb_carrier_key;

typedef struct sb_waitctx {
    sb_gb *b;
    sb_index creators; /* (dump, created-by function) and (dump, parent id) -> goroutines */
    sb_index closures; /* (dump, function F) -> goroutines running a closure of F */
    sb_index words;    /* (dump, address) -> (goroutine, frame) carrying it */
    sb_arena arena;
    sb_keyset wanted;        /* the addresses the waiters ask about */
    sb_keybits wanted_words; /* the same by address alone: one multiply a frame */
    uint32_t *site_func;     /* per stack: the function at its site frame, 0, UINT32_MAX not
                              * looked up yet (the waiters' stacks are few) */
    uint32_t *waiters;       /* the goroutines is_waiter names before any rule runs */
    size_t nwaiters;
    uint32_t *syscalls; /* goroutines in a system call (index_syscalls), NULL not yet */
    size_t nsyscalls;
    sb_index tests;      /* live tests by parent id and by parent test (index_tests) */
    uint32_t *top_tests; /* per dump, the two first-ranked live tests without a parent id */
    bool tests_built;
    sb_intern carrier_keys;  /* (address, how one waits) -> carriers[id - 1] */
    sb_carrier_key last_key; /* the last looked up, at carriers[last_carrier] */
    uint32_t last_carrier;   /* UINT32_MAX none yet */
    struct sb_carriers *carriers;
    size_t carriers_cap;
    sb_keyset funcs;   /* the functions the waiters wait in, of which some frame is a closure */
    sb_keyset bases;   /* the functions some frame is a closure of */
    uint32_t *base_of; /* per frame id: that function, 0 none (while indexing) */
    sb_index typed;    /* (dump, type of a Stop-like waiter) -> goroutines in its methods */
    sb_keyset types;   /* the types of the Stop-like waiters */
    uint32_t *type_of; /* per frame id, add_typed's memo: UINT32_MAX not yet */
    sb_keyset family;  /* creator and parent keys the waiters ask about */
    uint32_t prev_creator, prev_type; /* creator_type of the last created-by frame */
} sb_waitctx;

/* How good a candidate is: blocked on something (2) beats running (1),
 * which beats idle in a healthy shape (0). */
static int cand_tier(const sb_gb *b, uint32_t g)
{
    if (sb_gb_stuck_shape(b, g))
        return 2;
    uint8_t k = b->c->g[g].kind;
    return k == SB_WAIT_RUNNING || k == SB_WAIT_RUNNABLE ? 1 : 0;
}

static void pick(const sb_gb *b, uint32_t cand, uint32_t *best, int *best_tier)
{
    int tier = cand_tier(b, cand);
    if (sb_gb_ranks_above(b->m, cand, tier, *best, *best_tier)) {
        *best = cand;
        *best_tier = tier;
    }
}

/* The waiters these rules serve: a WaitGroup, channel, select or Cond
 * wait with no target yet, not idle in a healthy shape (a worker waiting
 * for work is not held up by whoever will send it). */
static bool is_waiter(const sb_gb *b, uint32_t i)
{
    uint8_t k = b->c->g[i].kind;
    return (k == SB_WAIT_WAITGROUP || k == SB_WAIT_CHAN || k == SB_WAIT_SELECT ||
            k == SB_WAIT_COND) &&
           b->g->target_of[i] == SB_NONE && !sb_gb_excluded(b, i) && !b->c->g[i].quiet;
}

/* The function at the site frame of stack s, 0 none: memoised. */
static uint32_t site_func(const sb_waitctx *x, uint32_t s)
{
    if (x->site_func[s] == UINT32_MAX) {
        uint32_t f = x->b->c->stacks[s].site_frame;
        const sb_stack *st = sb_stack_get(x->b->m, s);
        x->site_func[s] = f < st->nframes ? sb_frame_get(x->b->m, st->frames[f])->func : 0;
    }
    return x->site_func[s];
}

/* Whether c waits the same way as gi (same kind, same function): a
 * fellow waiter, not the one that will end the wait. */
static bool co_waiter(const sb_waitctx *x, uint32_t gi, uint32_t c)
{
    const sb_gb *b = x->b;
    if (b->c->g[gi].kind != b->c->g[c].kind)
        return false;
    uint32_t sa = b->m->goroutines[gi].stack, sd = b->m->goroutines[c].stack;
    if (sa == sd)
        return true;
    uint32_t fa = site_func(x, sa);
    return fa && fa == site_func(x, sd);
}

/* Calls fn for every address printed plainly (no '?') in an argument
 * text: a "0x" that starts a word. memchr finds the 'x's: most of a
 * text is the digits of the words themselves. */
static void each_word(const char *s, size_t n, void (*fn)(void *, uint64_t), void *arg)
{
    const char *end = s + n;
    for (const char *x = s + 1; x < end && (x = memchr(x, 'x', (size_t)(end - x))); x++) {
        const char *w = x - 1;
        if (*w != '0' || (w > s && (w[-1] == 'x' || (w[-1] >= '0' && w[-1] <= '9'))))
            continue;
        uint64_t packed;
        size_t len = sb_arg_number_at(w, (size_t)(end - w), &packed);
        if (len == 0)
            continue;
        if (!(packed & 1) && packed >> 1 >= MIN_ADDRESS)
            fn(arg, packed >> 1);
        x = w + len - 1;
    }
}

typedef struct {
    uint64_t *out;
    size_t n, max;
} sb_wordlist;

static void list_word(void *arg, uint64_t w)
{
    sb_wordlist *l = arg;
    if (l->n < l->max)
        l->out[l->n++] = w;
}

/* The addresses frame f of goroutine gi carries as its own, at most max:
 * all of them for its stack's first goroutine, else a method's receiver. */
static size_t frame_words(const sb_gb *b, uint32_t gi, uint32_t f, uint64_t *out, size_t max)
{
    const sb_model *m = b->m;
    const sb_goroutine *g = &m->goroutines[gi];
    const sb_stack *st = sb_stack_get(m, g->stack);
    if (st->rep_g != gi) {
        size_t nmine;
        const uint32_t *mine = sb_own_refs(m, g->args, st->nmethods, &nmine);
        for (uint32_t k = 0; k < nmine && max; k++) {
            uint64_t w;
            if (st->methods[k] == f)
                return sb_arg_word(m, mine[k], &w) && w >= MIN_ADDRESS ? (out[0] = w, 1) : 0;
        }
        return 0;
    }
    /* the stack's whole texts are its first goroutine's own */
    sb_arg_view v;
    sb_arg_view_init(&v, m, g);
    char buf[SB_ARG_TEXT_MAX];
    size_t n;
    const char *t = sb_arg_text(m, f < v.nwhole ? v.whole[f] : 0, buf, &n);
    sb_wordlist l = {out, 0, max};
    each_word(t, n, list_word, &l);
    return l.n;
}

typedef struct {
    sb_waitctx *x;
    uint32_t g, frame, dump;
} sb_wordsink;

static void want_word(void *arg, uint64_t w)
{
    sb_wordsink *s = arg;
    sb_key k = sb_key_make(s->dump, K_WORD, w, 0);
    sb_keyset_put(&s->x->wanted, &k, sizeof(k));
    sb_keybits_add(&s->x->wanted_words, &w, sizeof(w));
}

static void add_word(void *arg, uint64_t w)
{
    sb_wordsink *s = arg;
    if (!sb_keybits_may(&s->x->wanted_words, &w, sizeof(w)))
        return;
    sb_key k = sb_key_make(s->dump, K_WORD, w, 0);
    if (sb_keyset_has(&s->x->wanted, &k, sizeof(k)))
        sb_idx_add(&s->x->words, &k, sizeof(k), s->g, s->frame);
}

/* The frames of a waiter whose arguments name what it waits on: the site
 * (the waiting function) and a Stop-like caller. */
static void waiter_frames(const sb_gb *b, uint32_t gi, uint32_t out[2], int *n)
{
    const sb_stack_class *sc = &b->c->stacks[b->m->goroutines[gi].stack];
    *n = 0;
    if (sc->site_frame != SB_NONE)
        out[(*n)++] = sc->site_frame;
    if (sc->stop_frame != SB_NONE && sc->stop_frame != sc->site_frame)
        out[(*n)++] = sc->stop_frame;
}

/* The addresses that name what waiter gi waits on: the channel (or the
 * receiver of the library method it waits in), the WaitGroup or Cond,
 * the waiting method's receiver. */
static int object_words(const sb_gb *b, uint32_t gi, uint64_t out[4])
{
    const sb_gclass *gc = &b->c->g[gi];
    int n = 0;
    if (gc->obj_kind && gc->obj >= MIN_ADDRESS)
        out[n++] = gc->obj;
    if (gc->has_addr && gc->addr >= MIN_ADDRESS)
        out[n++] = gc->addr;
    if (gc->has_recv && gc->recv >= MIN_ADDRESS)
        out[n++] = gc->recv;
    return n;
}

/* Waiter i's question to the words index: the addresses its object and
 * its waiting frames carry. */
static void ask_words(sb_waitctx *x, uint32_t i)
{
    uint32_t fr[2];
    int nf;
    waiter_frames(x->b, i, fr, &nf);
    sb_wordsink s = {x, i, 0, x->b->m->goroutines[i].dump};
    uint64_t obj[4];
    for (int k = 0, n = object_words(x->b, i, obj); k < n; k++)
        want_word(&s, obj[k]);
    for (int k = 0; k < nf; k++) {
        uint64_t words[16];
        size_t nw = frame_words(x->b, i, fr[k], words, 16);
        for (size_t j = 0; j < nw; j++)
            want_word(&s, words[j]);
    }
}

/* Goroutine i's frames that carry an address some waiter asked about:
 * every frame of its stack's first goroutine, a method's receiver for
 * the others. */
static void add_words(sb_waitctx *x, uint32_t i)
{
    const sb_model *m = x->b->m;
    const sb_goroutine *g = &m->goroutines[i];
    const sb_stack *st = sb_stack_get(m, g->stack);
    sb_wordsink s = {x, i, 0, g->dump};
    if (st->rep_g == i) {
        /* the stack's whole texts are its first goroutine's own */
        sb_arg_view v;
        sb_arg_view_init(&v, m, g);
        char buf[SB_ARG_TEXT_MAX];
        for (uint32_t f = 0; f < st->nframes && f < v.nwhole; f++) {
            size_t n;
            const char *t = sb_arg_text(m, v.whole[f], buf, &n);
            s.frame = f;
            each_word(t, n, add_word, &s);
        }
        return;
    }
    size_t nmine;
    const uint32_t *mine = sb_own_refs(m, g->args, st->nmethods, &nmine);
    for (uint32_t k = 0; k < nmine; k++) {
        uint64_t w;
        s.frame = st->methods[k];
        if (sb_arg_word(m, mine[k], &w) && w >= MIN_ADDRESS)
            add_word(&s, w);
    }
}

/* The interned receiver type of function func ("pkg.(*T)"), 0 when it is
 * no method; put adds it, else it is only looked up. */
static uint32_t func_type(sb_model *m, uint32_t func, bool put)
{
    size_t n, tl;
    const char *s = sb_str(m, func, &n);
    if (!sb_func_type(s, n, &tl))
        return 0;
    if (put)
        return sb_intern_put(&m->strings, s, tl);
    uint32_t id = sb_intern_find(&m->strings, s, tl);
    return id == UINT32_MAX ? 0 : id;
}

/* Waiter i's question for rule stop-waits-worker-type: the receiver
 * type of the Stop-like method it waits in. */
static void ask_type(sb_waitctx *x, uint32_t i)
{
    sb_model *m = x->b->m;
    const sb_stack_class *sc = &x->b->c->stacks[m->goroutines[i].stack];
    if (sc->stop_frame == SB_NONE)
        return;
    uint32_t t = func_type(m, sb_gb_func(x->b, i, sc->stop_frame), true);
    if (t)
        sb_keyset_put(&x->types, &t, sizeof(t));
}

/* Goroutine i inside a method of such a type: once per type and frame
 * run. */
static void add_typed(sb_waitctx *x, uint32_t i)
{
    sb_model *m = x->b->m;
    const sb_stack *st = sb_stack_get(m, m->goroutines[i].stack);
    uint32_t last = 0;
    for (uint32_t k = 0; k < st->nmethods; k++) {
        uint32_t f = st->methods[k], fid = st->frames[f];
        /* per frame id: its type when one asked about, else 0 (stacks
         * share frames; most goroutines share a stack) */
        if (x->type_of[fid] == UINT32_MAX) {
            uint32_t t = func_type(m, sb_frame_get(m, fid)->func, false);
            x->type_of[fid] = t && sb_keyset_has(&x->types, &t, sizeof(t)) ? t : 0;
        }
        uint32_t t = x->type_of[fid];
        if (!t || t == last)
            continue;
        sb_key key = sb_key_make(m->goroutines[i].dump, K_TYPE_ANY, t, 0);
        sb_idx_add(&x->typed, &key, sizeof(key), i, f);
        last = t;
    }
}

/* The receiver type of a method that created goroutines, when some
 * waiter's site has that type (classify interned those): "pkg.(*T)". */
static uint32_t creator_type(sb_model *m, uint32_t func)
{
    size_t n;
    const char *s = sb_str(m, func, &n);
    return sb_func_is_closure(s, n) ? 0 : func_type(m, func, false);
}

static void keyset_put(sb_keyset *s, sb_key k)
{
    sb_keyset_put(s, &k, sizeof(k));
}

/* Waiter i's questions about its family that its stack decides (asked
 * once per stack and dump): goroutines created by its site function or a
 * method of its site's type, closures of its site and test functions. */
static void ask_family(sb_waitctx *x, uint32_t i)
{
    const sb_model *m = x->b->m;
    const sb_goroutine *g = &m->goroutines[i];
    const sb_stack_class *sc = &x->b->c->stacks[g->stack];
    sb_keyset *keys = &x->family;
    bool created = m->dumps[g->dump].created; /* else no goroutine names a creator */
    if (created && sc->site_frame != SB_NONE)
        keyset_put(keys, sb_key_make(g->dump, K_CREATOR, sb_gb_func(x->b, i, sc->site_frame), 0));
    if (created && sc->site_type)
        keyset_put(keys, sb_key_make(g->dump, K_CREATOR_TYPE, sc->site_type, 0));
    uint32_t fr[2] = {sc->site_frame, sc->test_frame};
    for (int k = 0; k < 2; k++)
        if (fr[k] != SB_NONE) {
            uint32_t f = sb_gb_func(x->b, i, fr[k]);
            if (sb_keyset_has(&x->bases, &f, sizeof(f))) /* some frame is a closure of it */
                sb_keyset_put(&x->funcs, &f, sizeof(f));
        }
}

static void add_if_wanted(sb_index *idx, const sb_keyset *keys, sb_key k, uint32_t g)
{
    if (sb_keyset_has(keys, &k, sizeof(k)))
        sb_idx_add(idx, &k, sizeof(k), g, 0);
}

/* Per stack, its frames that are closures of a waiter's function (with
 * that function), in spots[at[s] .. at[s + 1]): closures belong to
 * stacks, and most goroutines share theirs. */
typedef struct sb_spots {
    uint32_t *at, *frame, *base;
    size_t n, cap, cap2;
} sb_spots;

/* Per frame id, the function its function is a closure of (string id),
 * 0 none; those functions also in x->bases. */
static void closure_bases(sb_waitctx *x)
{
    const sb_model *m = x->b->m;
    size_t nframes = sb_intern_count(&m->frames);
    x->base_of = sb_xcalloc(nframes ? nframes : 1, sizeof(uint32_t));
    for (uint32_t f = 1; f < nframes; f++) {
        size_t n;
        const char *name = sb_str(m, sb_frame_get(m, f)->func, &n);
        size_t bl = sb_closure_base_len(name, n);
        uint32_t base = bl < n ? sb_intern_find(&m->strings, name, bl) : UINT32_MAX;
        if (base != UINT32_MAX) {
            x->base_of[f] = base;
            sb_keyset_put(&x->bases, &base, sizeof(base));
        }
    }
}

static void closure_spots(sb_waitctx *x, sb_spots *sp)
{
    const sb_model *m = x->b->m;
    size_t nstacks = sb_intern_count(&m->stacks), nframes = sb_intern_count(&m->frames);
    memset(sp, 0, sizeof(*sp));
    sp->at = sb_xcalloc(nstacks + 1, sizeof(uint32_t));
    for (uint32_t s = 0; s < nstacks && sb_keyset_count(&x->funcs) > 1; s++) {
        sp->at[s] = (uint32_t)sp->n;
        const sb_stack *st = sb_stack_get(m, s);
        uint32_t last = 0;
        for (uint32_t f = 0; f < st->nframes; f++) {
            uint32_t base = st->frames[f] < nframes ? x->base_of[st->frames[f]] : 0;
            if (!base || base == last || !sb_keyset_has(&x->funcs, &base, sizeof(base)))
                continue;
            sp->frame = sb_grow(sp->frame, &sp->cap, sp->n, sizeof(uint32_t));
            sp->base = sb_grow(sp->base, &sp->cap2, sp->n, sizeof(uint32_t));
            sp->frame[sp->n] = f;
            sp->base[sp->n++] = base;
            last = base;
        }
    }
    sp->at[nstacks] = (uint32_t)sp->n;
}

/* Goroutine i as an answer to the family questions: by its creator
 * (function, the type of a creating method), its parent id, the closures
 * of a waiter's function its stack runs (sp). */
static void add_family(sb_waitctx *x, const sb_spots *sp, uint32_t i)
{
    const sb_model *m = x->b->m;
    const sb_goroutine *g = &m->goroutines[i];
    if (g->created_by != SB_NONE) {
        uint32_t func = sb_frame_get(m, g->created_by)->func;
        if (g->created_by != x->prev_creator) { /* runs of one creator are common */
            x->prev_type = creator_type(x->b->m, func);
            x->prev_creator = g->created_by;
        }
        add_if_wanted(&x->creators, &x->family, sb_key_make(g->dump, K_CREATOR, func, 0), i);
        if (x->prev_type)
            add_if_wanted(&x->creators, &x->family,
                          sb_key_make(g->dump, K_CREATOR_TYPE, x->prev_type, 0), i);
    }
    if (g->parent)
        add_if_wanted(&x->creators, &x->family, sb_key_make(g->dump, K_PARENT, g->parent, 0), i);
    for (uint32_t k = sp->n ? sp->at[g->stack] : 0, end = sp->n ? sp->at[g->stack + 1] : 0; k < end;
         k++) {
        sb_key key = sb_key_make(g->dump, K_CLOSURE_OF, sp->base[k], 0);
        sb_idx_add(&x->closures, &key, sizeof(key), i, sp->frame[k]);
    }
}

/* The indexes the rules read, in two scans: the waiters' questions first,
 * so that only what they ask is indexed, then every goroutine once for
 * the answers. One pass each, filling every index: the goroutines outgrow
 * the caches, so a pass brings each of them in from memory, and a pass
 * per index would do that once for every index. */
static void index_answers(sb_waitctx *x)
{
    const sb_model *m = x->b->m;
    closure_bases(x);
    /* per stack: 1 + the dump it was last asked for (goroutines come in
     * dump order), 0 never */
    size_t nstacks = sb_intern_count(&m->stacks);
    uint32_t *asked = sb_xcalloc(nstacks ? nstacks : 1, sizeof(uint32_t));
    for (size_t w = 0; w < x->nwaiters; w++) {
        uint32_t i = x->waiters[w];
        const sb_goroutine *g = &m->goroutines[i];
        if (asked[g->stack] != g->dump + 1) {
            asked[g->stack] = g->dump + 1;
            ask_family(x, i);
            ask_type(x, i);
        }
        if (g->id && m->dumps[g->dump].parents) /* its children by id */
            keyset_put(&x->family, sb_key_make(g->dump, K_PARENT, g->id, 0));
        ask_words(x, i);
    }
    free(asked);
    sb_spots sp;
    closure_spots(x, &sp);
    bool family = sb_keyset_count(&x->family) > 1 || sp.n;
    bool words = sb_keyset_count(&x->wanted) > 1, typed = sb_keyset_count(&x->types) > 1;
    if (typed) {
        size_t nframes = sb_intern_count(&m->frames);
        x->type_of = sb_xmalloc((nframes ? nframes : 1) * sizeof(uint32_t));
        memset(x->type_of, 0xff, (nframes ? nframes : 1) * sizeof(uint32_t));
    }
    for (uint32_t i = 0; i < m->ngoroutines && (family || words || typed); i++) {
        if (sb_gb_excluded(x->b, i))
            continue;
        if (family)
            add_family(x, &sp, i);
        if (words)
            add_words(x, i);
        if (typed)
            add_typed(x, i);
    }
    free(sp.at);
    free(sp.frame);
    free(sp.base);
    free(x->base_of);
    x->base_of = NULL;
    free(x->type_of);
    x->type_of = NULL;
}

/* The edge, unless rule supervisor says it is the normal shape of a
 * service: a parent waiting in select for its children, or for children
 * that are only idle, is not an incident and gets no edge (their own
 * waits speak for themselves). A test, or a dump that says its waits are
 * for good, waits for real: the edge stays, at most low for an idle child. */
static void link(sb_waitctx *x, uint32_t gi, uint32_t holder, int tier, enum sb_rule_id rule,
                 sb_say *v, const char *what)
{
    const sb_gb *b = x->b;
    const sb_goroutine *g = &b->m->goroutines[gi];
    bool real = (b->c->stacks[g->stack].roles & (SB_SR_TEST | SB_SR_TESTRUN)) ||
                b->c->dumps[g->dump].context;
    bool stopping = rule == SB_RULE_STOP_WORKER || rule == SB_RULE_STOP_WORKER_TYPE;
    bool supervisor =
        rule != SB_RULE_TEST_RUN && (tier == 0 || (b->c->g[gi].kind == SB_WAIT_SELECT &&
                                                   rule != SB_RULE_SHARED_OBJECT && !stopping));
    if (supervisor && !real)
        return;
    if (supervisor && tier == 0)
        rule = SB_RULE_QUIET_SUPERVISOR;
    v->holder = holder;
    sb_gb_edge(x->b, gi, holder, rule, v, what);
}

/* The string id of the function whose subtest goroutine t runs: its test
 * function's closure parent ("pkg.TestX" for "pkg.TestX.func1"), 0 for a
 * top-level test, UINT32_MAX when that name is nowhere else. */
static uint32_t test_parent_name(const sb_gb *b, uint32_t t)
{
    const sb_model *m = b->m;
    const sb_stack_class *tc = &b->c->stacks[m->goroutines[t].stack];
    size_t n;
    const char *name = sb_str(m, sb_gb_func(b, t, tc->test_frame), &n);
    size_t pl = sb_closure_parent_len(name, n);
    return pl ? sb_intern_find(&m->strings, name, pl) : 0;
}

/* The goroutines running a test, not parked in t.Parallel (the candidates
 * of rule test-run): by (dump, parent id) and by (dump, the test they are
 * a subtest of), and per dump the two first-ranked without a parent id.
 * Built at the rule's first use. */
static void index_tests(sb_waitctx *x)
{
    const sb_gb *b = x->b;
    const sb_model *m = b->m;
    sb_idx_init(&x->tests);
    x->top_tests = sb_xmalloc(2 * (m->ndumps ? m->ndumps : 1) * sizeof(uint32_t));
    int *tiers = sb_xcalloc(2 * (m->ndumps ? m->ndumps : 1), sizeof(int));
    for (size_t k = 0; k < 2 * m->ndumps; k++)
        x->top_tests[k] = SB_NONE;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *t = &m->goroutines[i];
        uint32_t roles = b->c->stacks[t->stack].roles;
        if (!(roles & SB_SR_TEST) || (roles & SB_SR_PARALLEL) || sb_gb_excluded(b, i))
            continue;
        if (t->parent) {
            sb_key k = sb_key_make(t->dump, K_PARENT, t->parent, 0);
            sb_idx_add(&x->tests, &k, sizeof(k), i, 0);
        }
        uint32_t name = test_parent_name(b, i);
        if (name != UINT32_MAX) {
            sb_key k = sb_key_make(t->dump, K_CLOSURE_OF, name, 0);
            sb_idx_add(&x->tests, &k, sizeof(k), i, 0);
        }
        if (t->parent)
            continue;
        uint32_t *top = &x->top_tests[2 * t->dump];
        int tier = cand_tier(b, i), *tt = &tiers[2 * t->dump];
        if (sb_gb_ranks_above(m, i, tier, top[0], tt[0])) {
            top[1] = top[0], tt[1] = tt[0];
            top[0] = i, tt[0] = tier;
        } else if (sb_gb_ranks_above(m, i, tier, top[1], tt[1])) {
            top[1] = i, tt[1] = tier;
        }
    }
    free(tiers);
    x->tests_built = true;
}

/* Weighs the tests under index key k for runner gi, each ranked three
 * tiers up: its own (by parent id) or its subtests (by name). */
static void pick_tests(sb_waitctx *x, uint32_t gi, sb_key k, uint32_t *best, int *best_tier)
{
    const sb_model *m = x->b->m;
    uint64_t id = m->goroutines[gi].id;
    uint32_t seen = 0;
    for (uint32_t e = sb_idx_first(&x->tests, &k, sizeof(k)); e != SB_NONE && seen++ < MAX_CHILDREN;
         e = x->tests.e[e].next) {
        uint32_t i = x->tests.e[e].g;
        uint64_t parent = m->goroutines[i].parent;
        if (i == gi || (parent && id && parent != id))
            continue;
        int tier = cand_tier(x->b, i) + 3;
        if (sb_gb_ranks_above(m, i, tier, *best, *best_tier)) {
            *best = i;
            *best_tier = tier;
        }
    }
}

/* Rule test-run: the testing runner (T.Run, runTests) waits for the test
 * goroutine it started: by parent id, else the live test that is its
 * subtest (or a first test, for the runner itself), else the first-ranked
 * live test of its dump, not parked in t.Parallel. */
static bool rule_test_run(sb_waitctx *x, uint32_t gi)
{
    const sb_model *m = x->b->m;
    const sb_goroutine *g = &m->goroutines[gi];
    const sb_stack_class *wc = &x->b->c->stacks[g->stack];
    if (!(wc->roles & SB_SR_TESTRUN))
        return false;
    if (!x->tests_built)
        index_tests(x);
    uint32_t best = SB_NONE;
    int best_tier = 0;
    if (g->id)
        pick_tests(x, gi, sb_key_make(g->dump, K_PARENT, g->id, 0), &best, &best_tier);
    uint32_t name = wc->test_frame == SB_NONE ? 0 : sb_gb_func(x->b, gi, wc->test_frame);
    pick_tests(x, gi, sb_key_make(g->dump, K_CLOSURE_OF, name, 0), &best, &best_tier);
    for (int k = 0; k < 2; k++) {
        uint32_t i = x->top_tests[2 * g->dump + k];
        if (i != SB_NONE && i != gi &&
            sb_gb_ranks_above(m, i, cand_tier(x->b, i), best, best_tier)) {
            best = i;
            best_tier = cand_tier(x->b, i);
        }
    }
    if (best == SB_NONE)
        return false;
    const sb_stack_class *bc = &x->b->c->stacks[m->goroutines[best].stack];
    sb_say v = sb_say_none();
    v.func = sb_gb_func(x->b, best, bc->test_frame);
    link(x, gi, best, 2, SB_RULE_TEST_RUN, &v, "the test it runs");
    return true;
}

/* Whether frame f of goroutine g is a method of the same type as frame
 * wf of goroutine w. */
static bool same_type(const sb_gb *b, uint32_t w, uint32_t wf, uint32_t g, uint32_t f)
{
    const sb_stack *ws = sb_stack_get(b->m, b->m->goroutines[w].stack);
    const sb_stack *gs = sb_stack_get(b->m, b->m->goroutines[g].stack);
    uint32_t a = ws->frames[wf], c = gs->frames[f];
    if (!b->c->frame_type[a].len || b->c->frame_type[a].len != b->c->frame_type[c].len)
        return false;
    size_t n1, n2;
    const char *s1 = sb_str(b->m, sb_frame_get(b->m, a)->func, &n1) + b->c->frame_type[a].off;
    const char *s2 = sb_str(b->m, sb_frame_get(b->m, c)->func, &n2) + b->c->frame_type[c].off;
    return memcmp(s1, s2, b->c->frame_type[a].len) == 0;
}

/* The receiver of frame f of goroutine gi, 0 when not printed plainly. */
static uint64_t receiver(const sb_gb *b, uint32_t gi, uint32_t f)
{
    sb_arg_view v;
    sb_arg_view_init(&v, b->m, &b->m->goroutines[gi]);
    return sb_gb_frame_word(b->m, &v, f);
}

/* Rule stop-waits-worker: a Stop/Close-like method waiting on a
 * WaitGroup or channel waits for a live goroutine working on the same
 * receiver: inside a method of the same type on that object, and not
 * itself stopping it. With no receiver printed, rule
 * stop-waits-worker-type: inside a method of the same type. */
static bool rule_stop_worker(sb_waitctx *x, uint32_t gi)
{
    sb_gb *b = x->b;
    const sb_goroutine *g = &b->m->goroutines[gi];
    const sb_stack_class *sc = &b->c->stacks[g->stack];
    if (sc->stop_frame == SB_NONE)
        return false;
    uint64_t recv = receiver(b, gi, sc->stop_frame);
    bool by_type = recv < MIN_ADDRESS;
    uint32_t type = by_type ? func_type(b->m, sb_gb_func(b, gi, sc->stop_frame), false) : 0;
    if (by_type && !type)
        return false;
    const sb_index *idx = by_type ? &x->typed : &x->words;
    sb_key k =
        by_type ? sb_key_make(g->dump, K_TYPE_ANY, type, 0) : sb_key_make(g->dump, K_WORD, recv, 0);
    uint32_t best = SB_NONE, best_frame = 0;
    int best_tier = 0;
    uint32_t seen = 0;
    for (uint32_t e = sb_idx_first(idx, &k, sizeof(k)); e != SB_NONE && ++seen <= 4 * MAX_CARRIERS;
         e = idx->e[e].next) {
        uint32_t c = idx->e[e].g, f = idx->e[e].frame;
        const sb_stack_class *cc = &b->c->stacks[b->m->goroutines[c].stack];
        if (c == gi || cc->stop_frame != SB_NONE || !same_type(b, gi, sc->stop_frame, c, f) ||
            (!by_type && receiver(b, c, f) != recv))
            continue;
        uint32_t before = best;
        pick(b, c, &best, &best_tier);
        if (best != before)
            best_frame = f;
    }
    if (best == SB_NONE)
        return false;
    sb_say v = sb_say_none();
    v.func = sb_gb_func(b, best, best_frame);
    v.func2 = sb_gb_func(b, gi, sc->stop_frame);
    v.addr = recv;
    v.has_addr = !by_type;
    link(x, gi, best, best_tier, by_type ? SB_RULE_STOP_WORKER_TYPE : SB_RULE_STOP_WORKER, &v,
         "the goroutines of its object");
    return true;
}

/* Whether goroutine c works on another object of the type gi's site is
 * a method of: a frame of that type with another plain receiver. */
static bool other_object(const sb_gb *b, uint32_t gi, uint32_t c)
{
    const sb_stack_class *sc = &b->c->stacks[b->m->goroutines[gi].stack];
    if (sc->owner_frame == SB_NONE)
        return false;
    uint64_t recv = receiver(b, gi, sc->owner_frame);
    const sb_stack *st = sb_stack_get(b->m, b->m->goroutines[c].stack);
    for (uint32_t k = 0; recv >= MIN_ADDRESS && k < st->nmethods; k++) {
        uint32_t f = st->methods[k];
        uint64_t r = receiver(b, c, f);
        if (r >= MIN_ADDRESS && r != recv && same_type(b, gi, sc->owner_frame, c, f))
            return true;
    }
    return false;
}

/* The most stuck goroutine under index key k that gi may wait for: not
 * gi, not a fellow waiter, not one on another object of gi's type, and,
 * without parent ids, not one whose own parent is known. */
static uint32_t best_child(sb_waitctx *x, uint32_t gi, sb_key k, int *tier)
{
    const sb_gb *b = x->b;
    uint32_t best = SB_NONE, seen = 0;
    *tier = 0;
    for (uint32_t e = sb_idx_first(&x->creators, &k, sizeof(k));
         e != SB_NONE && seen++ < MAX_CHILDREN; e = x->creators.e[e].next) {
        uint32_t c = x->creators.e[e].g;
        if (c == gi || co_waiter(x, gi, c) || other_object(b, gi, c) ||
            (k.tag != K_PARENT && b->m->goroutines[c].parent))
            continue;
        pick(b, c, &best, tier);
    }
    return best;
}

/* Rules child-parent-id and child-creator: a wait inside F for a live
 * goroutine it created: by the parent id Go 1.21+ prints, else by the
 * created-by function F. */
static bool rule_children(sb_waitctx *x, uint32_t gi)
{
    const sb_gb *b = x->b;
    const sb_goroutine *g = &b->m->goroutines[gi];
    const sb_stack_class *sc = &b->c->stacks[g->stack];
    int tier = 0;
    uint32_t best =
        g->id ? best_child(x, gi, sb_key_make(g->dump, K_PARENT, g->id, 0), &tier) : SB_NONE;
    bool by_parent = best != SB_NONE;
    if (best == SB_NONE && sc->site_frame != SB_NONE)
        best = best_child(
            x, gi, sb_key_make(g->dump, K_CREATOR, sb_gb_func(b, gi, sc->site_frame), 0), &tier);
    if (best == SB_NONE)
        return false;
    sb_say v = sb_say_none();
    v.n = g->id;
    v.func = sc->site_frame != SB_NONE ? sb_gb_func(b, gi, sc->site_frame) : 0;
    link(x, gi, best, tier, by_parent ? SB_RULE_CHILD_PARENT_ID : SB_RULE_CHILD_CREATOR, &v,
         "the goroutines it created");
    return true;
}

/* Rule child-creator, by type: a wait inside a method of T for a live
 * goroutine created by another method of T on no other object (a
 * runner's runTest waits for what its forkCall started). Weaker than the
 * creator's own name: tried after the shared object. */
static bool rule_children_by_type(sb_waitctx *x, uint32_t gi)
{
    const sb_gb *b = x->b;
    const sb_goroutine *g = &b->m->goroutines[gi];
    const sb_stack_class *sc = &b->c->stacks[g->stack];
    if (!sc->site_type)
        return false;
    int tier = 0;
    uint32_t best =
        best_child(x, gi, sb_key_make(g->dump, K_CREATOR_TYPE, sc->site_type, 0), &tier);
    if (best == SB_NONE)
        return false;
    const sb_goroutine *c = &b->m->goroutines[best];
    sb_say v = sb_say_none();
    v.func = c->created_by != SB_NONE ? sb_frame_get(b->m, c->created_by)->func : 0;
    link(x, gi, best, tier, SB_RULE_CHILD_CREATOR, &v, "the goroutines it created");
    return true;
}

/* Rule closure-child: a goroutine waiting inside F (or in the test F)
 * waits for a blocked goroutine running a closure of F, which F started,
 * directly or through a helper (runtime.After, errgroup). */
static bool rule_closure_child(sb_waitctx *x, uint32_t gi)
{
    const sb_gb *b = x->b;
    const sb_goroutine *g = &b->m->goroutines[gi];
    const sb_stack_class *sc = &b->c->stacks[g->stack];
    uint32_t fr[2] = {sc->site_frame, sc->test_frame};
    for (int k = 0; k < 2; k++) {
        if (fr[k] == SB_NONE)
            continue;
        uint32_t func = sb_gb_func(b, gi, fr[k]);
        sb_key key = sb_key_make(g->dump, K_CLOSURE_OF, func, 0);
        uint32_t best = SB_NONE, best_frame = 0, seen = 0;
        int best_tier = 0;
        for (uint32_t e = sb_idx_first(&x->closures, &key, sizeof(key));
             e != SB_NONE && seen++ < MAX_CHILDREN; e = x->closures.e[e].next) {
            uint32_t c = x->closures.e[e].g;
            if (c == gi || other_object(b, gi, c))
                continue;
            uint32_t before = best;
            pick(b, c, &best, &best_tier);
            if (best != before)
                best_frame = x->closures.e[e].frame;
        }
        if (best == SB_NONE)
            continue;
        sb_say v = sb_say_none();
        v.func = sb_gb_func(b, best, best_frame);
        v.func2 = func;
        link(x, gi, best, best_tier, SB_RULE_CLOSURE_CHILD, &v, "the goroutine it started");
        return true;
    }
    return false;
}

/* Rule channel-slot: a send inside method M on receiver R waits for a
 * goroutine inside M on R further along (a later line): with a channel
 * used as a semaphore, that one holds a slot. */
static bool rule_channel_slot(sb_waitctx *x, uint32_t gi)
{
    const sb_gb *b = x->b;
    const sb_goroutine *g = &b->m->goroutines[gi];
    const sb_stack_class *sc = &b->c->stacks[g->stack];
    if (!b->c->g[gi].send || sc->site_frame == SB_NONE || !sc->site_type)
        return false;
    uint64_t recv = receiver(b, gi, sc->site_frame);
    if (recv < MIN_ADDRESS)
        return false;
    const sb_stack *ws = sb_stack_get(b->m, g->stack);
    const sb_frame *wf = sb_frame_get(b->m, ws->frames[sc->site_frame]);
    sb_key k = sb_key_make(g->dump, K_WORD, recv, 0);
    uint32_t best = SB_NONE;
    int best_tier = 0;
    uint32_t seen = 0;
    for (uint32_t e = sb_idx_first(&x->words, &k, sizeof(k));
         e != SB_NONE && ++seen <= 4 * MAX_CARRIERS; e = x->words.e[e].next) {
        uint32_t c = x->words.e[e].g, f = x->words.e[e].frame;
        const sb_frame *cf =
            sb_frame_get(b->m, sb_stack_get(b->m, b->m->goroutines[c].stack)->frames[f]);
        if (c == gi || cf->func != wf->func || cf->line <= wf->line || receiver(b, c, f) != recv)
            continue;
        pick(b, c, &best, &best_tier);
    }
    if (best == SB_NONE)
        return false;
    sb_say v = sb_say_none();
    v.func = wf->func;
    v.addr = recv;
    v.has_addr = 1;
    link(x, gi, best, 2, SB_RULE_CHANNEL_SLOT, &v, "a slot of the channel it sends to");
    return true;
}

/* Whether goroutine c could act on a channel (receive from it, send on
 * it, close it) once its own wait ends: not one that waits for other
 * goroutines to finish first (a WaitGroup, a Cond, a lock). */
static bool may_act(const sb_gb *b, uint32_t c)
{
    uint8_t k = b->c->g[c].kind;
    return !(k == SB_WAIT_WAITGROUP || k == SB_WAIT_COND || sb_wait_is_lock((enum sb_wait_kind)k));
}

/* What the carriers of one address are to the waiters of one kind in one
 * function: worked out once for all of them (thousands of fellow waiters
 * may share an address, and each looking at all the others would cost the
 * square of their number). */
typedef struct sb_carriers {
    uint32_t best; /* the most stuck carrier that may end the wait, SB_NONE */
    int best_tier;
    uint32_t count; /* such carriers; MAX_SHARERS + 1 stands for more */
    bool any;       /* a live carrier that waits another way: a counterpart */
} sb_carriers;

static const sb_carriers *carriers(sb_waitctx *x, uint32_t gi, uint64_t word)
{
    const sb_gb *b = x->b;
    const sb_goroutine *g = &b->m->goroutines[gi];
    sb_carrier_key ck;
    memset(&ck, 0, sizeof(ck));
    ck.word = word;
    ck.dump = g->dump;
    ck.func = site_func(x, g->stack);
    ck.kind = b->c->g[gi].kind;
    /* The last key first: a waiter asks twice (shared-object, then
     * no-counterpart), and fellow waiters come one after another. */
    if (x->last_carrier != UINT32_MAX && memcmp(&ck, &x->last_key, sizeof(ck)) == 0)
        return &x->carriers[x->last_carrier];
    size_t before = sb_intern_count(&x->carrier_keys);
    uint32_t id = sb_intern_put(&x->carrier_keys, &ck, sizeof(ck)) - 1;
    x->last_key = ck;
    x->last_carrier = id;
    if (sb_intern_count(&x->carrier_keys) == before)
        return &x->carriers[id];
    x->carriers = sb_grow(x->carriers, &x->carriers_cap, id, sizeof(*x->carriers));
    sb_carriers *r = &x->carriers[id];
    *r = (sb_carriers){SB_NONE, 0, 0, false};
    sb_key key = sb_key_make(g->dump, K_WORD, word, 0);
    uint32_t last = SB_NONE, seen = 0;
    for (uint32_t e = sb_idx_first(&x->words, &key, sizeof(key)); e != SB_NONE;
         e = x->words.e[e].next) {
        if (++seen > MAX_CARRIERS) {
            r->any = true; /* shared too widely to tell */
            r->count = MAX_SHARERS + 1;
            break;
        }
        uint32_t c = x->words.e[e].g;
        if (c == last || co_waiter(x, gi, c))
            continue;
        last = c; /* a goroutine's entries are together */
        if (!(b->c->stacks[b->m->goroutines[c].stack].roles & SB_SR_PANIC))
            r->any = true;
        if (!sb_gb_stuck_shape(b, c) || (ck.kind == SB_WAIT_CHAN && !may_act(b, c)))
            continue;
        if (r->count <= MAX_SHARERS)
            r->count++;
        pick(b, c, &r->best, &r->best_tier);
    }
    return r;
}

/* Rule shared-object: a wait on a channel or WaitGroup whose object, or
 * an address the waiting frame's arguments carry, one to MAX_SHARERS
 * other blocked goroutines carry too (not fellow waiters): the object
 * they work on. The first such address decides; the most stuck of its
 * carriers is taken. */
static bool rule_shared_object(sb_waitctx *x, uint32_t gi)
{
    const sb_gb *b = x->b;
    uint8_t kind = b->c->g[gi].kind;
    if (kind != SB_WAIT_CHAN && kind != SB_WAIT_WAITGROUP)
        return false;
    uint32_t fr[2];
    int nf;
    waiter_frames(b, gi, fr, &nf);
    uint32_t found = SB_NONE, sharers = 0;
    int found_tier = 0;
    uint64_t addr = 0;
    /* The object itself first (the WaitGroup handed to a worker), then
     * the waiting frames' arguments. */
    for (int k = -1; k < nf && found == SB_NONE; k++) {
        uint64_t words[16];
        size_t nw =
            k < 0 ? (size_t)object_words(b, gi, words) : frame_words(b, gi, fr[k], words, 16);
        /* The first address that one other blocked goroutine alone
         * carries decides. */
        for (size_t i = 0; i < nw && found == SB_NONE; i++) {
            const sb_carriers *cr = carriers(x, gi, words[i]);
            if (cr->count >= 1 && cr->count <= MAX_SHARERS) {
                found = cr->best;
                found_tier = cr->best_tier;
                addr = words[i];
                sharers = cr->count;
            }
        }
    }
    if (found == SB_NONE)
        return false;
    sb_say v = sb_say_none();
    v.addr = addr;
    v.has_addr = 1;
    v.n = sharers;
    link(x, gi, found, found_tier, SB_RULE_SHARED_OBJECT, &v, "a goroutine sharing its object");
    return true;
}

/* The goroutines in a system call, in goroutine order: the parents rule
 * send-to-parent looks for (built at its first use; they are few). */
static void index_syscalls(sb_waitctx *x)
{
    const sb_gb *b = x->b;
    x->syscalls = sb_xmalloc((b->m->ngoroutines ? b->m->ngoroutines : 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < b->m->ngoroutines; i++)
        if (b->c->g[i].kind == SB_WAIT_SYSCALL && !sb_gb_excluded(b, i))
            x->syscalls[x->nsyscalls++] = i;
}

/* Whether goroutine i is inside its method frame calling creator on
 * receiver recv. */
static bool inside_creator(const sb_gb *b, uint32_t i, uint32_t creator, uint64_t recv)
{
    const sb_model *m = b->m;
    const sb_stack *st = sb_stack_get(m, m->goroutines[i].stack);
    for (uint32_t k = 0; k < st->nmethods; k++) {
        uint32_t f = st->methods[k];
        if (sb_frame_get(m, st->frames[f])->func == creator && receiver(b, i, f) == recv)
            return true;
    }
    return false;
}

/* The goroutine in a system call that created gi: by the parent id Go
 * 1.21+ prints, else the one inside gi's creator on the receiver gi's own
 * method frames have (a method that started a goroutine on its object). */
static uint32_t parent_in_syscall(sb_waitctx *x, uint32_t gi)
{
    const sb_gb *b = x->b;
    const sb_model *m = b->m;
    const sb_goroutine *g = &m->goroutines[gi];
    const sb_stack_class *sc = &b->c->stacks[g->stack];
    uint64_t recv = 0;
    uint32_t creator = 0, found = SB_NONE;
    if (!g->parent) {
        if (g->created_by == SB_NONE || sc->owner_frame == SB_NONE)
            return SB_NONE;
        recv = receiver(b, gi, sc->owner_frame);
        creator = sb_frame_get(m, g->created_by)->func;
        if (recv < MIN_ADDRESS)
            return SB_NONE;
    }
    if (!x->syscalls)
        index_syscalls(x);
    for (size_t k = 0; k < x->nsyscalls; k++) {
        uint32_t i = x->syscalls[k];
        if (m->goroutines[i].dump != g->dump || i == gi)
            continue;
        if (g->parent ? m->goroutines[i].id == g->parent : inside_creator(b, i, creator, recv)) {
            if (found != SB_NONE)
                return SB_NONE; /* two: cannot tell */
            found = i;
        }
    }
    return found;
}

/* Rule send-to-parent: a goroutine blocked sending waits for its parent
 * when the parent sits in a system call or a cgo call, where it cannot
 * receive. */
static bool rule_send_to_parent(sb_waitctx *x, uint32_t gi)
{
    const sb_gb *b = x->b;
    if (!b->c->g[gi].send)
        return false;
    uint32_t p = parent_in_syscall(x, gi);
    if (p == SB_NONE)
        return false;
    const sb_stack_class *pc = &b->c->stacks[b->m->goroutines[p].stack];
    sb_say v = sb_say_none();
    v.what = (pc->roles & SB_SR_CGO) ? sb_intern_put(&b->m->strings, "a cgo call", 10)
             : pc->detail            ? pc->detail
                                     : sb_intern_put(&b->m->strings, "a system call", 13);
    link(x, gi, p, 2, SB_RULE_SEND_TO_PARENT, &v, "its parent");
    return true;
}

static void add_alone(sb_graph *g, uint32_t gi, uint64_t object)
{
    g->alone = sb_grow(g->alone, &g->alone_cap, g->nalone, sizeof(*g->alone));
    g->alone[g->nalone++] = (sb_alone){gi, object};
}

/* A waiter none of whose objects any other live goroutine carries
 * (a panicking one signals nothing, a fellow waiter neither): no
 * counterpart. With no object printed nothing can be said. */
static void check_alone(sb_waitctx *x, uint32_t gi)
{
    const sb_gb *b = x->b;
    uint8_t kind = b->c->g[gi].kind;
    if ((kind != SB_WAIT_CHAN && kind != SB_WAIT_COND && kind != SB_WAIT_WAITGROUP &&
         kind != SB_WAIT_SELECT) ||
        b->c->g[gi].quiet)
        return;
    uint64_t obj[4 + 16];
    int n = object_words(b, gi, obj);
    const sb_goroutine *g = &b->m->goroutines[gi];
    const sb_stack_class *sc = &b->c->stacks[g->stack];
    if (!b->c->g[gi].has_addr && b->c->g[gi].obj_kind != SB_OBJ_CHAN) {
        /* The object itself is not printed: it may be any argument of the
         * waiting frame, known only for its stack's first goroutine; a
         * goroutine of the same stack on the same receiver shares its fate. */
        uint32_t rep = sb_stack_get(b->m, g->stack)->rep_g;
        if (rep != gi) {
            const sb_gclass *rc = &b->c->g[rep];
            if (b->c->g[gi].has_recv && rc->has_recv && rc->recv == b->c->g[gi].recv &&
                sb_graph_alone(x->b->g, rep))
                add_alone(x->b->g, gi, rc->recv);
            return;
        }
        if (sc->site_frame == SB_NONE)
            return;
        n += (int)frame_words(b, gi, sc->site_frame, obj + n, 16);
    }
    for (int k = 0; k < n; k++)
        if (carriers(x, gi, obj[k])->any)
            return;
    const sb_dclass *dc = &b->c->dumps[g->dump];
    if (n == 0 && !(dc->whole && dc->live <= g->count))
        return; /* nothing printed names its object, and others live that may */
    add_alone(x->b->g, gi, n ? obj[0] : 0);
}

void sb_graph_waits(sb_gb *b)
{
    sb_waitctx x;
    memset(&x, 0, sizeof(x));
    x.b = b;
    sb_idx_init(&x.creators);
    sb_idx_init(&x.closures);
    sb_idx_init(&x.words);
    sb_idx_init(&x.typed);
    sb_arena_init(&x.arena);
    size_t nstacks = sb_intern_count(&b->m->stacks);
    x.site_func = sb_xmalloc((nstacks ? nstacks : 1) * sizeof(uint32_t));
    memset(x.site_func, 0xff, (nstacks ? nstacks : 1) * sizeof(uint32_t));
    x.waiters = sb_xmalloc((b->m->ngoroutines ? b->m->ngoroutines : 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < b->m->ngoroutines; i++)
        if (is_waiter(b, i))
            x.waiters[x.nwaiters++] = i;
    sb_keyset_init(&x.wanted);
    sb_keyset_init(&x.funcs);
    sb_keyset_init(&x.bases);
    sb_intern_init(&x.carrier_keys, &x.arena);
    sb_keyset_init(&x.types);
    sb_keyset_init(&x.family);
    x.prev_creator = SB_NONE;
    x.last_carrier = UINT32_MAX;
    index_answers(&x);
    for (size_t w = 0; w < x.nwaiters; w++) {
        uint32_t i = x.waiters[w];
        if (!is_waiter(b, i)) /* as before any rule ran: the rules only add edges */
            continue;
        if (!rule_test_run(&x, i) && !rule_stop_worker(&x, i) && !rule_children(&x, i) &&
            !rule_channel_slot(&x, i) && !rule_closure_child(&x, i) &&
            !rule_send_to_parent(&x, i) && !rule_shared_object(&x, i) &&
            !rule_children_by_type(&x, i))
            check_alone(&x, i);
    }
    sb_idx_free(&x.creators);
    sb_idx_free(&x.closures);
    free(x.site_func);
    free(x.waiters);
    free(x.syscalls);
    if (x.tests_built)
        sb_idx_free(&x.tests);
    free(x.top_tests);
    sb_idx_free(&x.words);
    sb_idx_free(&x.typed);
    sb_keyset_free(&x.wanted);
    sb_keyset_free(&x.funcs);
    sb_keyset_free(&x.bases);
    sb_intern_free(&x.carrier_keys);
    sb_keyset_free(&x.types);
    sb_keyset_free(&x.family);
    free(x.carriers);
    sb_arena_free(&x.arena);
}
