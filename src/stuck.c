/* stuck.c: the stuck findings; see stuck.h. Each goroutine is given the
 * first stuck rule that names it (one function a rule), then goroutines
 * with the same dump, rule, place and object form one finding. Linear:
 * one pass to name (mass-leak and growing: one more each), one to group. */
#include "stackblame/stuck.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Thousands of goroutines with one stack, more than half of the dump:
 * the signature of a goroutine started per call and never ended. */
#define MASS_LEAK_MIN 1000

typedef struct sb_stuckctx {
    sb_model *m;
    const sb_classes *c;
    const sb_graph *g;
    const sb_blame *b;
    const sb_series *s;
    const sb_intern *growing; /* (dump, stack) of the leaks that grew, NULL none */
    uint32_t *grown;          /* per id - 1 of growing: the leak's index */
    uint8_t *named;           /* per goroutine: the stuck rule that names it, 0 */
    bool *may;                /* per goroutine: may_be_stuck */
    uint8_t *alone;           /* per goroutine: the graph found it alone (sb_graph_alone) */
    char buf[512];
} sb_stuckctx;

static uint32_t str_id(sb_model *m, const char *s)
{
    return sb_intern_put(&m->strings, s, strlen(s));
}

/* Whether the goroutine may be named stuck at all: blocked, and not a
 * runtime helper, the dump writer, asleep, or a test waiting its turn. */
static bool may_be_stuck(const sb_stuckctx *x, uint32_t i)
{
    const sb_gclass *gc = &x->c->g[i];
    const sb_goroutine *g = &x->m->goroutines[i];
    if (sb_goroutine_set_aside(x->m, g) || x->c->stacks[g->stack].dumper)
        return false;
    switch (gc->quiet) {
    case SB_RULE_QUIET_RUNTIME:
    case SB_RULE_QUIET_DUMPER:
    case SB_RULE_QUIET_SLEEP:
    case SB_RULE_QUIET_PARALLEL_TEST:
    case SB_RULE_QUIET_MAIN_PARK:
        return false;
    default:
        break;
    }
    if (x->c->stacks[g->stack].roles & SB_SR_PANIC)
        return false;
    if (x->m->dumps[g->dump].format == SB_FMT_DEBUG1 && gc->kind == SB_WAIT_UNKNOWN)
        return true; /* a profile prints no state: its stacks still tell */
    return sb_wait_is_blocked((enum sb_wait_kind)gc->kind);
}

/* Rules runtime-leaked and leak-reported: the dump itself says so. */
static uint8_t rule_reported(const sb_stuckctx *x, uint32_t i)
{
    uint32_t flags = x->m->goroutines[i].flags;
    return (flags & SB_G_LEAKED)          ? SB_RULE_RUNTIME_LEAKED
           : (flags & SB_G_LEAK_REPORTED) ? SB_RULE_LEAK_REPORTED
                                          : 0;
}

/* Rules nil-channel and empty-select: blocked forever by construction. */
static uint8_t rule_forever(const sb_stuckctx *x, uint32_t i)
{
    return x->c->g[i].forever;
}

/* Rules self-deadlock, leaked-lock and leaked-read-lock, as the lock
 * rules of the graph found them. */
static uint8_t rule_lock_findings(const sb_stuckctx *x, uint32_t i)
{
    uint32_t t = x->g->target_of[i];
    if (t == SB_NONE || !sb_wait_is_lock((enum sb_wait_kind)x->g->targets[t].kind))
        return 0;
    const sb_target *T = &x->g->targets[t];
    if (T->rule == SB_RULE_SELF_DEADLOCK && T->holder == i)
        return SB_RULE_SELF_DEADLOCK;
    if (T->rule == SB_RULE_LEAKED_LOCK || T->rule == SB_RULE_LEAKED_READ_LOCK)
        return T->rule;
    return 0;
}

/* Rule no-counterpart, from the waiters the graph found alone. */
static uint8_t rule_no_counterpart(const sb_stuckctx *x, uint32_t i)
{
    return x->alone[i] ? SB_RULE_NO_COUNTERPART : 0;
}

/* The object goroutine i waits on, as its rule names it: the lock, the
 * address no other goroutine carries; 0 for the others. */
static uint64_t object_of(const sb_stuckctx *x, uint32_t i, uint8_t rule)
{
    if (rule == SB_RULE_SELF_DEADLOCK || rule == SB_RULE_LEAKED_LOCK ||
        rule == SB_RULE_LEAKED_READ_LOCK)
        return x->c->g[i].addr;
    const sb_alone *a = rule == SB_RULE_NO_COUNTERPART ? sb_graph_alone(x->g, i) : NULL;
    return a ? a->object : 0;
}

/* Rule stuck-handler: a request handler blocked for minutes on a channel,
 * Cond or WaitGroup with nothing in the graph to wait for. */
static uint8_t rule_stuck_handler(const sb_stuckctx *x, uint32_t i)
{
    const sb_goroutine *g = &x->m->goroutines[i];
    const sb_gclass *gc = &x->c->g[i];
    if (!x->c->stacks[g->stack].serves || x->g->target_of[i] != SB_NONE || gc->quiet ||
        (gc->kind != SB_WAIT_CHAN && gc->kind != SB_WAIT_COND && gc->kind != SB_WAIT_WAITGROUP))
        return 0;
    return g->wait_minutes >= 1 || x->c->dumps[g->dump].context ? SB_RULE_STUCK_HANDLER : 0;
}

/* Rules stall and stall-alone: a system call, cgo call or network read
 * that others wait on (a chain's root), or that the main or test
 * goroutine sits in with nothing else of the program alive. */
static uint8_t rule_stall(const sb_stuckctx *x, uint32_t i)
{
    const sb_goroutine *g = &x->m->goroutines[i];
    const sb_stack_class *sc = &x->c->stacks[g->stack];
    uint8_t k = x->c->g[i].kind;
    if (k != SB_WAIT_SYSCALL && k != SB_WAIT_IO && k != SB_WAIT_EXEC && !(sc->roles & SB_SR_CGO))
        return 0;
    if (x->b->blocked[i] > 0 && x->b->next[i] == SB_NONE)
        return SB_RULE_STALL;
    const sb_dclass *dc = &x->c->dumps[g->dump];
    if ((sc->roles & (SB_SR_MAIN | SB_SR_TEST)) && dc->live <= g->count && !dc->self_dumped)
        return SB_RULE_STALL_ALONE;
    return 0;
}

static void name_goroutines(sb_stuckctx *x)
{
    for (size_t k = 0; k < x->g->nalone; k++)
        x->alone[x->g->alone[k].g] = 1;
    for (uint32_t i = 0; i < x->m->ngoroutines; i++) {
        x->may[i] = may_be_stuck(x, i);
        if (!x->may[i])
            continue;
        uint8_t r = rule_reported(x, i);
        if (!r)
            r = rule_forever(x, i);
        if (!r)
            r = rule_lock_findings(x, i);
        if (!r)
            r = rule_no_counterpart(x, i);
        if (!r)
            r = rule_stuck_handler(x, i);
        if (!r)
            r = rule_stall(x, i);
        x->named[i] = r;
    }
}

/* Rule mass-leak: one stack blocked in thousands of goroutines, more than
 * half of its dump's own. Goroutines no other rule names. One count per
 * stack, cleared after each dump for the stacks it touched. */
static void rule_mass_leak(sb_stuckctx *x)
{
    const sb_model *m = x->m;
    size_t nstacks = sb_intern_count(&m->stacks);
    uint64_t *count = NULL;
    for (uint32_t d = 0; d < m->ndumps; d++) {
        const sb_dump *dp = &m->dumps[d];
        if (dp->superseded)
            continue;
        bool any = false;
        for (uint32_t i = dp->first; i < dp->first + dp->ngoroutines; i++) {
            if (x->named[i] || !x->may[i])
                continue;
            if (!count)
                count = sb_xcalloc(nstacks ? nstacks : 1, sizeof(uint64_t));
            count[m->goroutines[i].stack] += m->goroutines[i].count;
            any = true;
        }
        for (uint32_t i = dp->first; any && i < dp->first + dp->ngoroutines; i++) {
            uint64_t n = count[m->goroutines[i].stack];
            if (!x->named[i] && x->may[i] && n >= MASS_LEAK_MIN && 2 * n > x->c->dumps[d].live)
                x->named[i] = SB_RULE_MASS_LEAK;
        }
        if (any && nstacks <= dp->ngoroutines) /* whichever is shorter */
            memset(count, 0, nstacks * sizeof(*count));
        for (uint32_t i = dp->first;
             any && nstacks > dp->ngoroutines && i < dp->first + dp->ngoroutines; i++)
            count[m->goroutines[i].stack] = 0;
    }
    free(count);
}

/* The series' leak of stack s in dump d (its last snapshot) that grew by
 * SB_GROWTH_MIN at least, NULL none. */
static const sb_leak *growth_of(const sb_stuckctx *x, uint32_t d, uint32_t s)
{
    uint32_t key[2] = {d, s};
    uint32_t id = x->growing ? sb_intern_find(x->growing, key, sizeof(key)) : UINT32_MAX;
    return id == UINT32_MAX ? NULL : &x->s->leaks[x->grown[id - 1]];
}

/* The leaks that grew, by (last dump, stack) in *growing, whose id - 1
 * indexes x->grown, the leak's index. */
static void index_growth(sb_stuckctx *x, sb_arena *arena, sb_intern *growing)
{
    size_t nleaks = x->s ? x->s->nleaks : 0;
    if (!nleaks)
        return;
    sb_intern_init(growing, arena);
    x->grown = sb_xmalloc(nleaks * sizeof(uint32_t));
    for (size_t k = 0; k < nleaks; k++) {
        const sb_leak *l = &x->s->leaks[k];
        uint32_t n = x->s->nsnapshots[l->series];
        uint32_t key[2] = {l->last_dump, l->stack};
        if (l->counts[n - 1] < l->counts[0] + SB_GROWTH_MIN)
            continue;
        size_t before = sb_intern_count(growing);
        uint32_t id = sb_intern_put(growing, key, sizeof(key));
        if (sb_intern_count(growing) > before)
            x->grown[id - 1] = (uint32_t)k;
    }
    x->growing = growing;
}

/* Rule growing: a stack whose count grew in every snapshot of a series,
 * by SB_GROWTH_MIN at least: its goroutines in the last snapshot. */
static void rule_growing(sb_stuckctx *x)
{
    const sb_model *m = x->m;
    for (uint32_t d = 0; x->growing && d < m->ndumps; d++) {
        const sb_dump *dp = &m->dumps[d];
        if (dp->series == SB_NONE || dp->superseded)
            continue;
        for (uint32_t i = dp->first; i < dp->first + dp->ngoroutines; i++)
            if (x->may[i] && (!x->named[i] || x->named[i] == SB_RULE_MASS_LEAK) &&
                growth_of(x, d, m->goroutines[i].stack))
                x->named[i] = SB_RULE_GROWING;
    }
}

/* The key goroutines of one finding share. */
typedef struct sb_stuck_key {
    uint32_t dump, rule, frame, pad;
    uint64_t object;
} sb_stuck_key;

/* What a finding's goroutines wait on, in words. */
static uint32_t what_words(sb_stuckctx *x, const sb_stuck *s, uint64_t object)
{
    uint32_t gi = s->members[0];
    uint32_t t = x->g->target_of[gi];
    const sb_gclass *gc = &x->c->g[gi];
    const sb_stack_class *sc = &x->c->stacks[x->m->goroutines[gi].stack];
    if (t != SB_NONE && sb_wait_is_lock((enum sb_wait_kind)x->g->targets[t].kind))
        return x->g->targets[t].what;
    const char *kind = sb_wait_kind_name((enum sb_wait_kind)s->kind);
    if (s->kind == SB_WAIT_CHAN)
        kind = gc->send ? "chan send" : "chan receive";
    if (sc->roles & SB_SR_CGO) {
        snprintf(x->buf, sizeof(x->buf), "a cgo call");
    } else if (s->kind == SB_WAIT_SYSCALL && sc->detail) {
        size_t n;
        const char *d = sb_str(x->m, sc->detail, &n);
        snprintf(x->buf, sizeof(x->buf), "syscall %.*s", (int)(n > 100 ? 100 : n), d);
    } else if (s->kind == SB_WAIT_SYSCALL) {
        snprintf(x->buf, sizeof(x->buf), "a system call");
    } else if (s->kind == SB_WAIT_IO) {
        snprintf(x->buf, sizeof(x->buf), "IO wait (a network or file read)");
    } else if (s->kind == SB_WAIT_EXEC) {
        snprintf(x->buf, sizeof(x->buf), "a wait for a child process");
    } else if (object) {
        snprintf(x->buf, sizeof(x->buf), "%s 0x%llx", kind, (unsigned long long)object);
    } else {
        snprintf(x->buf, sizeof(x->buf), "%s", kind);
    }
    return str_id(x->m, x->buf);
}

/* The object of a no-counterpart finding, and what would end its wait. */
static void counterpart_words(sb_stuckctx *x, const sb_stuck *s, uint64_t object, sb_say *v)
{
    const sb_gclass *gc = &x->c->g[s->members[0]];
    const char *thing = s->kind == SB_WAIT_COND        ? "the Cond"
                        : s->kind == SB_WAIT_WAITGROUP ? "the WaitGroup"
                                                       : "the channel";
    if (!object) /* nothing printed names it, and nothing else of the program lives */
        snprintf(x->buf, sizeof(x->buf), "%s it waits on", thing);
    else if ((gc->obj_kind == SB_OBJ_CHAN && gc->obj == object) ||
             (gc->has_addr && gc->addr == object))
        snprintf(x->buf, sizeof(x->buf), "%s 0x%llx", thing, (unsigned long long)object);
    else
        snprintf(x->buf, sizeof(x->buf), "the %s 0x%llx",
                 gc->has_recv && gc->recv == object ? "receiver" : "argument",
                 (unsigned long long)object);
    v->what = str_id(x->m, x->buf);
    v->text = s->kind == SB_WAIT_COND        ? "signal"
              : s->kind == SB_WAIT_WAITGROUP ? "call Done on"
              : gc->send                     ? "receive from"
                                             : "send on or close";
}

/* The sentence in x->buf (n bytes), interned, with what the dump says of
 * its waits after it (rules test-timeout, all-asleep). */
static uint32_t with_context(sb_stuckctx *x, uint32_t dump, size_t n)
{
    uint8_t ctx = x->c->dumps[dump].context;
    if (ctx && n + 4 < sizeof(x->buf)) {
        sb_say v = sb_say_none();
        size_t hl = 0;
        const char *h =
            x->m->dumps[dump].headline ? sb_str(x->m, x->m->dumps[dump].headline, &hl) : "";
        char head[128];
        snprintf(head, sizeof(head), "%.*s", (int)(hl < sizeof(head) ? hl : sizeof(head) - 1), h);
        v.text = head;
        memcpy(x->buf + n, "; ", 2);
        n +=
            2 + sb_say_rule(x->m, (enum sb_rule_id)ctx, &v, x->buf + n + 2, sizeof(x->buf) - n - 2);
    }
    return sb_intern_put(&x->m->strings, x->buf, n);
}

/* The rule's sentence for finding s. */
static uint32_t evidence(sb_stuckctx *x, const sb_stuck *s, uint64_t object)
{
    uint32_t gi = s->members[0];
    const sb_goroutine *g = &x->m->goroutines[gi];
    uint32_t t = x->g->target_of[gi];
    if (t != SB_NONE && x->g->targets[t].rule == s->rule && x->g->targets[t].nev) {
        size_t n; /* the lock rules said it */
        const char *said = sb_str(x->m, x->g->evidence[x->g->targets[t].ev_first], &n);
        n = n < sizeof(x->buf) ? n : sizeof(x->buf) - 1;
        memcpy(x->buf, said, n);
        return with_context(x, s->dump, n);
    }
    sb_say v = sb_say_none();
    v.n = s->count;
    v.minutes = s->max_wait;
    v.what = s->what;
    char counts[128];
    switch (s->rule) {
    case SB_RULE_NIL_CHANNEL:
        v.what = str_id(x->m, x->c->g[gi].send ? "send" : "receive");
        break;
    case SB_RULE_NO_COUNTERPART:
        counterpart_words(x, s, object, &v);
        break;
    case SB_RULE_STUCK_HANDLER:
        v.what = x->c->stacks[g->stack].serves;
        v.text = x->c->g[gi].kind == SB_WAIT_CHAN
                     ? (x->c->g[gi].send ? "channel send" : "channel receive")
                 : x->c->g[gi].kind == SB_WAIT_COND ? "Cond"
                                                    : "WaitGroup";
        break;
    case SB_RULE_STALL:
        v.n = x->b->blocked[gi];
        break;
    case SB_RULE_STALL_ALONE:
        v.text = (x->c->stacks[g->stack].roles & SB_SR_TEST) ? "test" : "main";
        break;
    case SB_RULE_GROWING: {
        size_t w = 0;
        counts[0] = '\0';
        const sb_leak *l = growth_of(x, g->dump, g->stack);
        for (uint32_t j = 0; l && j < x->s->nsnapshots[l->series] && w + 24 < sizeof(counts); j++)
            w += (size_t)snprintf(counts + w, sizeof(counts) - w, "%s%llu", j ? " -> " : "",
                                  (unsigned long long)l->counts[j]);
        v.text = counts;
        break;
    }
    default:
        break;
    }
    size_t n = sb_say_rule(x->m, (enum sb_rule_id)s->rule, &v, x->buf, sizeof(x->buf));
    return with_context(x, s->dump, n);
}

/* A finding's confidence: its rule's; a rule that needs the wait to have
 * lasted drops a level when no member printed minutes and the dump does
 * not say the waits are real (test-timeout, all-asleep). */
static uint8_t confidence(const sb_stuckctx *x, const sb_stuck *s)
{
    uint8_t conf = sb_infer((enum sb_rule_id)s->rule)->conf;
    bool lasted = s->max_wait >= 1 || x->c->dumps[s->dump].context;
    switch (s->rule) {
    case SB_RULE_NO_COUNTERPART:
        /* A sender, a Cond, a WaitGroup: whoever ends the wait must be
         * there already. A receiver's sender may come later (a request,
         * a tick), unless the dump says every wait is for good. */
        if (!x->c->dumps[s->dump].context &&
            (s->kind == SB_WAIT_SELECT ||
             (s->kind == SB_WAIT_CHAN && !x->c->g[s->members[0]].send)))
            return SB_CONF_LOW;
        return lasted ? conf : conf - 1;
    case SB_RULE_LEAKED_LOCK:
    case SB_RULE_LEAKED_READ_LOCK:
    case SB_RULE_STALL:
    case SB_RULE_STALL_ALONE:
        return lasted ? conf : conf - 1;
    case SB_RULE_LEAK_REPORTED:
        return x->c->g[s->members[0]].quiet ? SB_CONF_LOW : conf;
    default:
        return conf;
    }
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/* A finding's members, the longest waiting first, then in dump order:
 * sorted by a key of both (thousands of leaked goroutines may wait
 * for different times). */
static void sort_members(const sb_model *m, sb_stuck *s)
{
    uint32_t k0 = 0;
    while (k0 < s->nmembers &&
           m->goroutines[s->members[k0]].wait_minutes == m->goroutines[s->members[0]].wait_minutes)
        k0++;
    if (k0 == s->nmembers)
        return; /* one wait for all (often none printed): dump order stands */
    uint64_t *key = sb_xmalloc((s->nmembers ? s->nmembers : 1) * sizeof(uint64_t));
    for (uint32_t k = 0; k < s->nmembers; k++) {
        int64_t w = m->goroutines[s->members[k]].wait_minutes; /* -1 none: last */
        key[k] = (uint64_t)(INT32_MAX - w) << 32 | s->members[k];
    }
    qsort(key, s->nmembers, sizeof(*key), cmp_u64);
    for (uint32_t k = 0; k < s->nmembers; k++)
        s->members[k] = (uint32_t)key[k];
    free(key);
}

static int cmp_stuck(const void *pa, const void *pb)
{
    const sb_stuck *a = pa, *b = pb;
    if (a->conf != b->conf)
        return a->conf > b->conf ? -1 : 1;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    if (a->max_wait != b->max_wait)
        return a->max_wait > b->max_wait ? -1 : 1;
    return a->members[0] < b->members[0] ? -1 : a->members[0] > b->members[0];
}

/* Goroutines named by one rule, in one place, on one object: a finding. */
static void group_findings(sb_stuckctx *x, sb_stucks *out)
{
    sb_model *m = x->m;
    sb_arena arena;
    sb_arena_init(&arena);
    sb_intern keys;
    sb_intern_init(&keys, &arena);
    uint32_t *gid = sb_xmalloc((m->ngoroutines ? m->ngoroutines : 1) * sizeof(uint32_t));
    uint64_t *objects = NULL;
    size_t cap = 0, ocap = 0;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        gid[i] = SB_NONE;
        if (!x->named[i])
            continue;
        sb_stuck_key k;
        memset(&k, 0, sizeof(k));
        k.dump = m->goroutines[i].dump;
        k.rule = x->named[i];
        k.frame = sb_link_frame(m, x->c, i);
        k.object = object_of(x, i, x->named[i]);
        size_t before = sb_intern_count(&keys);
        uint32_t id = sb_intern_put(&keys, &k, sizeof(k)) - 1;
        if (sb_intern_count(&keys) > before) {
            out->v = sb_grow(out->v, &cap, out->n, sizeof(*out->v));
            objects = sb_grow(objects, &ocap, out->n, sizeof(*objects));
            sb_stuck *s = &out->v[out->n++];
            memset(s, 0, sizeof(*s));
            s->dump = k.dump;
            s->rule = (uint8_t)k.rule;
            s->kind = x->c->g[i].kind;
            s->frame = k.frame;
            s->max_wait = -1;
            objects[id] = k.object;
        }
        sb_stuck *s = &out->v[id];
        s->nmembers++;
        s->count += m->goroutines[i].count;
        if (m->goroutines[i].wait_minutes > s->max_wait)
            s->max_wait = m->goroutines[i].wait_minutes;
        gid[i] = id;
    }
    /* one array for all members, each finding's a run of it */
    size_t total = 0;
    for (size_t k = 0; k < out->n; k++)
        total += out->v[k].nmembers;
    out->pool = sb_xmalloc((total ? total : 1) * sizeof(uint32_t));
    for (size_t k = 0, at = 0; k < out->n; k++) {
        out->v[k].members = out->pool + at;
        at += out->v[k].nmembers;
        out->v[k].nmembers = 0; /* counted again as they are placed */
    }
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        if (gid[i] == SB_NONE)
            continue;
        sb_stuck *s = &out->v[gid[i]];
        s->members[s->nmembers++] = i;
    }
    for (size_t k = 0; k < out->n; k++) {
        sb_stuck *s = &out->v[k];
        sort_members(m, s);
        s->what = what_words(x, s, objects[k]);
        s->evidence = evidence(x, s, objects[k]);
        s->conf = confidence(x, s);
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof(*out->v), cmp_stuck);
    free(gid);
    free(objects);
    sb_intern_free(&keys);
    sb_arena_free(&arena);
}

void sb_stuck_find(sb_model *m, const sb_classes *c, const sb_graph *g, const sb_blame *b,
                   const sb_series *s, sb_stucks *out)
{
    memset(out, 0, sizeof(*out));
    sb_stuckctx x = {m, c, g, b, s, NULL, NULL, NULL, NULL, NULL, {0}};
    size_t n = m->ngoroutines ? m->ngoroutines : 1;
    x.named = sb_xcalloc(n, sizeof(*x.named));
    x.may = sb_xcalloc(n, sizeof(*x.may));
    x.alone = sb_xcalloc(n, sizeof(*x.alone));
    sb_arena arena;
    sb_arena_init(&arena);
    sb_intern growing;
    index_growth(&x, &arena, &growing);
    name_goroutines(&x);
    rule_mass_leak(&x);
    rule_growing(&x);
    group_findings(&x, out);
    if (x.growing)
        sb_intern_free(&growing);
    sb_arena_free(&arena);
    free(x.grown);
    free(x.named);
    free(x.may);
    free(x.alone);
}

void sb_stucks_free(sb_stucks *s)
{
    free(s->pool);
    free(s->v);
    memset(s, 0, sizeof(*s));
}
