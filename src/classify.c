/* classify.c: what each goroutine waits on; see classify.h. Rules are
 * matched once per distinct frame, stacks are classified once per distinct
 * stack, and only argument-derived facts are read per goroutine. */
#define _GNU_SOURCE /* memmem */
#include "stackblame/classify.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stackblame/lexer.h"
#include "stackblame/rules.h"

static const char *const sb_kind_names[SB_WAIT_NKINDS] = {
    [SB_WAIT_UNKNOWN] = "unknown",
    [SB_WAIT_RUNNING] = "running",
    [SB_WAIT_RUNNABLE] = "runnable",
    [SB_WAIT_MUTEX] = "mutex",
    [SB_WAIT_RWMUTEX_READ] = "rwmutex-read",
    [SB_WAIT_RWMUTEX_WRITE] = "rwmutex-write",
    [SB_WAIT_WAITGROUP] = "waitgroup",
    [SB_WAIT_COND] = "cond",
    [SB_WAIT_CHAN] = "chan",
    [SB_WAIT_SELECT] = "select",
    [SB_WAIT_RPC] = "rpc",
    [SB_WAIT_EXEC] = "exec",
    [SB_WAIT_SYSCALL] = "syscall",
    [SB_WAIT_IO] = "io",
    [SB_WAIT_SLEEP] = "sleep",
    [SB_WAIT_RUNTIME] = "runtime",
};

const char *sb_wait_kind_name(enum sb_wait_kind k)
{
    return (unsigned)k < SB_WAIT_NKINDS ? sb_kind_names[k] : "unknown";
}

int sb_wait_kind_parse(const char *name)
{
    for (int k = 0; k < SB_WAIT_NKINDS; k++)
        if (strcmp(name, sb_kind_names[k]) == 0)
            return k;
    return -1;
}

bool sb_wait_is_lock(enum sb_wait_kind k)
{
    return k == SB_WAIT_MUTEX || k == SB_WAIT_RWMUTEX_READ || k == SB_WAIT_RWMUTEX_WRITE;
}

bool sb_wait_is_blocked(enum sb_wait_kind k)
{
    return k != SB_WAIT_RUNNING && k != SB_WAIT_RUNNABLE && k != SB_WAIT_RUNTIME &&
           k != SB_WAIT_UNKNOWN;
}

/* Kinds that name what is awaited (a lock, a call, a child) rather than how
 * the goroutine sleeps: they win over syscall/io/chan/select/sleep frames. */
static bool semantic(int k)
{
    return sb_wait_is_lock((enum sb_wait_kind)k) || k == SB_WAIT_WAITGROUP || k == SB_WAIT_COND ||
           k == SB_WAIT_RPC || k == SB_WAIT_EXEC;
}

/* The wait reason printed in the header, when frames say nothing better. */
static const struct {
    const char *state;
    bool prefix; /* matches "state" and "state (...)" */
    enum sb_wait_kind kind;
} sb_state_kinds[] = {
    {"running", false, SB_WAIT_RUNNING},
    {"runnable", false, SB_WAIT_RUNNABLE},
    {"sync.Mutex.Lock", false, SB_WAIT_MUTEX},
    {"sync.RWMutex.RLock", false, SB_WAIT_RWMUTEX_READ},
    {"sync.RWMutex.Lock", false, SB_WAIT_RWMUTEX_WRITE},
    {"sync.WaitGroup.Wait", false, SB_WAIT_WAITGROUP},
    {"sync.Cond.Wait", false, SB_WAIT_COND},
    {"chan receive", true, SB_WAIT_CHAN},
    {"chan send", true, SB_WAIT_CHAN},
    {"select", true, SB_WAIT_SELECT},
    {"sleep", false, SB_WAIT_SLEEP},
    {"IO wait", false, SB_WAIT_IO},
    {"syscall", false, SB_WAIT_SYSCALL},
    {"GC worker", true, SB_WAIT_RUNTIME},
    {"GC sweep wait", false, SB_WAIT_RUNTIME},
    {"GC scavenge wait", false, SB_WAIT_RUNTIME},
    {"GC assist", true, SB_WAIT_RUNTIME},
    {"GC mark termination", false, SB_WAIT_RUNTIME},
    {"GC weak to strong wait", false, SB_WAIT_RUNTIME},
    {"finalizer wait", false, SB_WAIT_RUNTIME},
    {"force gc (idle)", false, SB_WAIT_RUNTIME},
    {"timer goroutine (idle)", false, SB_WAIT_RUNTIME},
    {"trace reader (blocked)", false, SB_WAIT_RUNTIME},
    {"wait for GC cycle", false, SB_WAIT_RUNTIME},
    {"flushing proc caches", false, SB_WAIT_RUNTIME},
    {"GOMAXPROCS updater (idle)", false, SB_WAIT_RUNTIME},
    {"cleanup wait", false, SB_WAIT_RUNTIME},
    {"garbage collection", false, SB_WAIT_RUNTIME},
    {"stopping the world", false, SB_WAIT_RUNTIME},
    {"dumping heap", false, SB_WAIT_RUNTIME},
    {"idle", false, SB_WAIT_RUNTIME},
    {"dead", false, SB_WAIT_RUNTIME},
    {"copystack", false, SB_WAIT_RUNTIME},
};

static int state_kind(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof(sb_state_kinds) / sizeof(sb_state_kinds[0]); i++) {
        size_t k = strlen(sb_state_kinds[i].state);
        if (n == k && memcmp(s, sb_state_kinds[i].state, k) == 0)
            return sb_state_kinds[i].kind;
        if (sb_state_kinds[i].prefix && n > k && memcmp(s, sb_state_kinds[i].state, k) == 0 &&
            s[k] == ' ')
            return sb_state_kinds[i].kind;
    }
    return -1;
}

/* --- per-frame rule matches ------------------------------------------- */

/* Runtime functions whose meaning the rules file does not carry: they are
 * the runtime's own, the same in every program. */
enum {
    RT_CHANOP = 1u << 0,   /* a channel operation: its first argument is the channel */
    RT_RECV2 = 1u << 1,    /* chanrecv2: `for v := range ch` or `v, ok := <-ch` */
    RT_CGO = 1u << 2,      /* a cgo call */
    RT_SEMA = 1u << 3,     /* a sync semaphore acquire */
    RT_RWLOCK = 1u << 4,   /* RWMutex.Lock: with RT_SEMA just inside, readers drain */
    RT_PANIC = 1u << 5,    /* the goroutine is panicking */
    RT_CHANKEPT = 1u << 6, /* prints the channel as its first argument (sb_func_prints_chan) */
    RT_SEND = 1u << 7,     /* a channel send */
};
static const struct {
    const char *name;
    unsigned facts;
} sb_runtime_funcs[] = {
    {"runtime.chansend", RT_CHANOP | RT_SEND},
    {"runtime.chansend1", RT_CHANOP | RT_SEND},
    {"runtime.chanrecv", RT_CHANOP},
    {"runtime.chanrecv1", RT_CHANOP},
    {"runtime.chanrecv2", RT_CHANOP | RT_RECV2},
    {"runtime.cgocall", RT_CGO},
    {"sync.runtime_Semacquire", RT_SEMA},
    {"sync.runtime_SemacquireMutex", RT_SEMA},
    {"sync.runtime_SemacquireRWMutex", RT_SEMA},
    {"sync.runtime_SemacquireRWMutexR", RT_SEMA},
    {"internal/sync.runtime_SemacquireMutex", RT_SEMA},
    {"sync.(*RWMutex).Lock", RT_RWLOCK},
    {"panic", RT_PANIC},
    {"runtime.gopanic", RT_PANIC},
    {"runtime.panic", RT_PANIC},
};

static unsigned runtime_facts(const char *name, size_t n)
{
    unsigned facts = 0;
    for (size_t i = 0; i < sizeof(sb_runtime_funcs) / sizeof(sb_runtime_funcs[0]); i++)
        if (strlen(sb_runtime_funcs[i].name) == n && memcmp(name, sb_runtime_funcs[i].name, n) == 0)
            facts |= sb_runtime_funcs[i].facts;
    if (sb_func_prints_chan(name, n))
        facts |= RT_CHANKEPT;
    if (memmem(name, n, "._Cfunc_", 8))
        facts |= RT_CGO;
    return facts;
}

typedef struct sb_finfo {
    bool done;
    int8_t wait; /* kind, -1 none */
    bool skip, runtime, dumper;
    bool launch, loop, stop, locker, testrun, parallel; /* the rules of those roles */
    bool critical;                                      /* its name is a health-critical loop's */
    uint8_t rt;                                         /* RT_* facts */
    uint32_t proto;                                     /* wait rpc: protocol string id */
    int server;                                         /* rule index, -1 none */
    uint32_t server_detail;                             /* "Svc/Method" when the rule captured it */
    uint32_t server_proto;
    uint32_t method;             /* "Svc/Method" from a method rule, 0 none */
    uint32_t sysname;            /* syscall name, 0 none */
    uint32_t name;               /* human name, 0 none */
    uint32_t type_off, type_len; /* receiver type: bytes of the function name, len 0 = none */
} sb_finfo;

typedef struct sb_ctx {
    sb_model *m;
    sb_rules *rules;
    sb_finfo *fi; /* indexed by frame id */
} sb_ctx;

static uint32_t put_str(sb_model *m, const char *s, size_t n)
{
    return sb_intern_put(&m->strings, s, n);
}

static bool rule_match(sb_rules *r, size_t i, const char *s, size_t n)
{
    r->last_rc = pcre2_match(r->v[i].re, (PCRE2_SPTR)s, n, 0, 0, r->md, NULL);
    return r->last_rc >= 0;
}

/* Captured group g of the last match, or an empty span. */
static sb_span group(sb_rules *r, const char *s, int g)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    /* pairs past the match's return code are stale, not unset */
    if (g >= r->last_rc || ov[2 * g] == PCRE2_UNSET)
        return sb_span_make(NULL, 0);
    return sb_span_make(s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/* "runtimeService" + "PodSandboxStatus" -> "RuntimeService/PodSandboxStatus" */
static uint32_t service_method(sb_model *m, sb_span svc, sb_span meth)
{
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%.*s/%.*s", (int)svc.n, svc.p, (int)meth.n, meth.p);
    if (n <= 0)
        return 0;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    buf[0] = (char)toupper((unsigned char)buf[0]);
    return put_str(m, buf, (size_t)n);
}

/* A flag role: set *flag when rule i matches and it is not set yet. */
static void match_flag(sb_rules *r, size_t i, const char *name, size_t n, bool *flag)
{
    if (!*flag && rule_match(r, i, name, n))
        *flag = true;
}

/* The roles that carry a value: the first match of each decides. */
static void match_valued(sb_ctx *c, sb_finfo *f, size_t i, const char *name, size_t n)
{
    sb_model *m = c->m;
    sb_rules *r = c->rules;
    const sb_rule *rule = &r->v[i];
    switch (rule->role) {
    case SB_ROLE_WAIT:
        if (f->wait < 0 && rule_match(r, i, name, n)) {
            f->wait = (int8_t)rule->kind;
            f->proto = put_str(m, rule->arg, strlen(rule->arg));
        }
        break;
    case SB_ROLE_SERVER:
        if (f->server < 0 && rule_match(r, i, name, n)) {
            f->server = (int)i;
            f->server_proto = put_str(m, rule->arg, strlen(rule->arg));
            sb_span svc = group(r, name, 1), meth = group(r, name, 2);
            if (svc.n && meth.n)
                f->server_detail = service_method(m, svc, meth);
        }
        break;
    case SB_ROLE_METHOD:
        if (!f->method && rule_match(r, i, name, n)) {
            sb_span svc = group(r, name, 1), meth = group(r, name, 2);
            if (svc.n && meth.n)
                f->method = service_method(m, svc, meth);
        }
        break;
    case SB_ROLE_SYSCALL:
        if (!f->sysname && rule_match(r, i, name, n)) {
            sb_span g1 = group(r, name, 1);
            char buf[64];
            size_t k;
            for (k = 0; k < g1.n && k < sizeof(buf); k++)
                buf[k] = (char)tolower((unsigned char)g1.p[k]);
            if (k)
                f->sysname = put_str(m, buf, k);
        }
        break;
    case SB_ROLE_NAME:
    case SB_ROLE_CRITICAL:
        if (!f->name && rule_match(r, i, name, n)) {
            f->name = put_str(m, rule->arg, strlen(rule->arg));
            f->critical = rule->role == SB_ROLE_CRITICAL;
        }
        break;
    default:
        break;
    }
}

static const sb_finfo *finfo(sb_ctx *c, uint32_t frame_id)
{
    sb_finfo *f = &c->fi[frame_id];
    if (f->done)
        return f;
    memset(f, 0, sizeof(*f));
    f->done = true;
    f->wait = -1;
    f->server = -1;
    sb_model *m = c->m;
    sb_rules *r = c->rules;
    size_t n;
    const char *name = sb_str(m, sb_frame_get(m, frame_id)->func, &n);
    f->rt = (uint8_t)runtime_facts(name, n);
    /* Vendored code keeps its full path: match what follows /vendor/. */
    for (const char *v; (v = memmem(name, n, "/vendor/", 8)) != NULL;) {
        n -= (size_t)(v + 8 - name);
        name = v + 8;
    }
    /* The type is not interned here: a dump with a million methods would
     * keep a million type strings; only lock sites' types are (type_id). */
    size_t tl;
    if (sb_func_type(name, n, &tl)) {
        f->type_off = (uint32_t)(name - sb_str(m, sb_frame_get(m, frame_id)->func, NULL));
        f->type_len = (uint32_t)tl;
    }
    for (size_t i = 0; i < r->n; i++) {
        switch (r->v[i].role) {
        case SB_ROLE_SKIP:
            match_flag(r, i, name, n, &f->skip);
            break;
        case SB_ROLE_RUNTIME:
            match_flag(r, i, name, n, &f->runtime);
            break;
        case SB_ROLE_DUMPER:
            match_flag(r, i, name, n, &f->dumper);
            break;
        case SB_ROLE_LAUNCH:
            match_flag(r, i, name, n, &f->launch);
            break;
        case SB_ROLE_LOOP:
            match_flag(r, i, name, n, &f->loop);
            break;
        case SB_ROLE_STOP:
            match_flag(r, i, name, n, &f->stop);
            break;
        case SB_ROLE_LOCKER:
            match_flag(r, i, name, n, &f->locker);
            break;
        case SB_ROLE_TESTRUN:
            match_flag(r, i, name, n, &f->testrun);
            break;
        case SB_ROLE_PARALLEL:
            match_flag(r, i, name, n, &f->parallel);
            break;
        default:
            match_valued(c, f, i, name, n);
            break;
        }
    }
    return f;
}

/* "main.(*Daemon).AllocIP" -> "Daemon.AllocIP", the name a handler serves. */
static uint32_t method_name(sb_model *m, uint32_t func)
{
    size_t n, sl;
    const char *full = sb_str(m, func, &n);
    const char *s = sb_func_short(full, n, &sl);
    const char *dot = memchr(s, '.', sl);
    if (!dot)
        return put_str(m, s, sl);
    char buf[512];
    size_t k = 0;
    for (const char *p = dot + 1; p < s + sl && k + 1 < sizeof(buf); p++)
        if (*p != '(' && *p != ')' && *p != '*')
            buf[k++] = *p;
    return put_str(m, buf, k);
}

/* The interned receiver type of a frame's function, 0 when not a method. */
static uint32_t type_id(sb_ctx *c, uint32_t frame_id)
{
    const sb_finfo *f = finfo(c, frame_id);
    if (!f->type_len)
        return 0;
    size_t n;
    const char *func = sb_str(c->m, sb_frame_get(c->m, frame_id)->func, &n);
    return put_str(c->m, func + f->type_off, f->type_len);
}

static bool is_runtime_func(const sb_model *m, uint32_t frame_id)
{
    size_t fl;
    const char *fn = sb_str(m, sb_frame_get(m, frame_id)->func, &fl);
    return fl > 8 && memcmp(fn, "runtime.", 8) == 0;
}

/* The package of frame frame_id's function. */
static sb_span func_package(const sb_model *m, uint32_t frame_id)
{
    size_t n;
    const char *fn = sb_str(m, sb_frame_get(m, frame_id)->func, &n);
    return sb_span_make(fn, sb_func_package_len(fn, n));
}

/* A project's own lock type: the run of library frames that waits on a
 * sync lock goes on through a Lock-like method (rules: locker) of one
 * package, at most three frames further out, and the frames between are
 * of that package (go-deadlock's lock helper). Returns the new end. */
static uint32_t through_wrapper(sb_ctx *c, const sb_stack *st, uint32_t end, uint32_t *roles)
{
    for (uint32_t j = end; j < st->nframes && j < end + 3; j++) {
        if (!finfo(c, st->frames[j])->locker)
            continue;
        sb_span pkg = func_package(c->m, st->frames[j]);
        for (uint32_t k = end; k < j; k++) {
            sb_span p = func_package(c->m, st->frames[k]);
            if (p.n != pkg.n || memcmp(p.p, pkg.p, p.n) != 0)
                return end;
        }
        *roles |= SB_SR_WRAPPER;
        return j + 1;
    }
    return end;
}

/* Step 1: the innermost run of library frames (skip or wait rules, and a
 * lock wrapper above a sync lock), and in it the frame that says what is
 * awaited: the outermost lock-like one, else the innermost primitive. */
static uint32_t wait_run(sb_ctx *c, const sb_stack *st, sb_stack_class *sc)
{
    uint32_t n = st->nframes, end = 0;
    while (end < n) {
        const sb_finfo *f = finfo(c, st->frames[end]);
        if (!f->skip && f->wait < 0)
            break;
        end++;
    }
    int kind = -1;
    for (uint32_t i = end; i-- > 0;) {
        const sb_finfo *f = finfo(c, st->frames[i]);
        if (f->wait >= 0 && semantic(f->wait)) {
            kind = f->wait;
            sc->wait_frame = i;
            break;
        }
    }
    for (uint32_t i = 0; kind < 0 && i < end; i++) {
        const sb_finfo *f = finfo(c, st->frames[i]);
        if (f->wait >= 0) {
            kind = f->wait;
            sc->wait_frame = i;
        }
    }
    sc->kind = kind < 0 ? SB_WAIT_UNKNOWN : (uint8_t)kind;
    if (sb_wait_is_lock(sc->kind))
        end = through_wrapper(c, st, end, &sc->roles);
    return end;
}

/* Step 2: the lock site, the first caller outside the libraries. With
 * only library frames (a sync.Once.Do waiting for the goroutine that runs
 * the function) the outermost one outside the runtime stands for it. */
static void site(sb_ctx *c, const sb_stack *st, uint32_t end, sb_stack_class *sc)
{
    if (end < st->nframes) {
        sc->site_frame = end;
    } else {
        for (uint32_t i = st->nframes; i-- > 0 && sc->site_frame == SB_NONE;)
            if (!is_runtime_func(c->m, st->frames[i]))
                sc->site_frame = i;
    }
    /* The lock's owner: the site's receiver. A closure locks what it
     * captured: its method's receiver only when that method called it in
     * place (its frame is the next one out); run in a goroutine of its
     * own, it names no owner. */
    uint32_t f = sc->site_frame;
    if (f == SB_NONE)
        return;
    size_t fl;
    const char *fn = sb_str(c->m, sb_frame_get(c->m, st->frames[f])->func, &fl);
    if (sb_func_is_closure(fn, fl)) {
        size_t bl = sb_closure_base_len(fn, fl);
        size_t ol;
        const char *out = f + 1 < st->nframes
                              ? sb_str(c->m, sb_frame_get(c->m, st->frames[f + 1])->func, &ol)
                              : NULL;
        if (!out || ol != bl || memcmp(out, fn, bl) != 0)
            return;
        f++;
    }
    sc->site_type = type_id(c, st->frames[f]);
    if (sc->site_type)
        sc->owner_frame = f;
}

/* Step 3: the goroutine's own function (outermost outside the runtime and
 * the launch helpers), the test it runs, and what the stack's frames say
 * of it as a whole. */
static void roles(sb_ctx *c, const sb_stack *st, uint32_t end, sb_stack_class *sc)
{
    sb_model *m = c->m;
    uint32_t n = st->nframes;
    for (uint32_t i = n; i-- > 0 && sc->entry_frame == SB_NONE;) {
        const sb_finfo *f = finfo(c, st->frames[i]);
        if (!f->launch && !is_runtime_func(m, st->frames[i]))
            sc->entry_frame = i;
    }
    bool all_runtime = n > 0;
    for (uint32_t i = 0; i < n; i++) {
        const sb_finfo *f = finfo(c, st->frames[i]);
        if (!is_runtime_func(m, st->frames[i]))
            all_runtime = false;
        if (f->runtime)
            sc->kind = SB_WAIT_RUNTIME;
        if (f->dumper)
            sc->dumper = true;
        if (f->parallel)
            sc->roles |= SB_SR_PARALLEL;
        if (f->rt & RT_PANIC)
            sc->roles |= SB_SR_PANIC;
        if (f->launch && i > 0 && sc->test_frame == SB_NONE) {
            size_t fl;
            const char *fn = sb_str(m, sb_frame_get(m, st->frames[i])->func, &fl);
            if (fl == 15 && memcmp(fn, "testing.tRunner", 15) == 0) {
                sc->test_frame = i - 1;
                sc->roles |= SB_SR_TEST;
            }
        }
        if (i < end && (f->rt & RT_CGO))
            sc->roles |= SB_SR_CGO;
        if (i < end && (f->rt & RT_RECV2))
            sc->roles |= SB_SR_RECV2;
        if (i < end && (f->rt & RT_SEND))
            sc->roles |= SB_SR_SEND;
        if (i < end && (f->rt & RT_CHANKEPT) && sc->chan_frame == SB_NONE)
            sc->chan_frame = i;
        if ((f->rt & RT_RWLOCK) && i > 0 && (finfo(c, st->frames[i - 1])->rt & RT_SEMA))
            sc->roles |= SB_SR_DRAIN;
        if (!sc->name && f->name) {
            sc->name = f->name;
            sc->name_frame = i;
            if (f->critical)
                sc->roles |= SB_SR_CRITICAL;
        }
        if (i < end && !sc->detail && f->sysname && sc->kind == SB_WAIT_SYSCALL)
            sc->detail = f->sysname;
    }
    if (all_runtime)
        sc->kind = SB_WAIT_RUNTIME;
    if (sc->site_frame != SB_NONE && finfo(c, st->frames[sc->site_frame])->testrun)
        sc->roles |= SB_SR_TESTRUN;
    if (sc->entry_frame != SB_NONE) {
        size_t fl;
        const char *fn = sb_str(m, sb_frame_get(m, st->frames[sc->entry_frame])->func, &fl);
        if (fl == 9 && memcmp(fn, "main.main", 9) == 0)
            sc->roles |= SB_SR_MAIN;
    }
    /* A Stop-like method at the site or up to three callers out. */
    for (uint32_t i = sc->site_frame; i != SB_NONE && i < n && i < sc->site_frame + 4; i++)
        if (finfo(c, st->frames[i])->stop) {
            sc->roles |= SB_SR_STOP;
            sc->stop_frame = i;
            break;
        }
}

/* Step 4: the handler an RPC server goroutine runs. Dispatchers (net/rpc,
 * net/http) name the method by the next inner frame outside the
 * libraries. */
static void serves(sb_ctx *c, const sb_stack *st, sb_stack_class *sc)
{
    for (uint32_t i = 0; i < st->nframes && !sc->serves; i++) {
        const sb_finfo *f = finfo(c, st->frames[i]);
        if (f->server < 0)
            continue;
        sc->serves = f->server_detail;
        sc->serves_frame = i;
        sc->serves_proto = f->server_proto;
        for (uint32_t j = i; !sc->serves && j-- > 0;) {
            const sb_finfo *g = finfo(c, st->frames[j]);
            if (!g->skip && g->wait < 0) {
                sc->serves = method_name(c->m, sb_frame_get(c->m, st->frames[j])->func);
                sc->serves_frame = j;
            }
        }
    }
}

/* Step 4b: a wait inside a library's method (a stream reader's select):
 * that method's receiver is the object waited on. sync's and the
 * runtime's receivers are the lock, WaitGroup or Cond read already. */
static void inner_owner(sb_ctx *c, const sb_stack *st, sb_stack_class *sc)
{
    for (uint32_t f = 0; f < sc->site_frame && f < st->nframes; f++) {
        const sb_finfo *fi = finfo(c, st->frames[f]);
        size_t fl;
        const char *fn = sb_str(c->m, sb_frame_get(c->m, st->frames[f])->func, &fl);
        if (!fi->type_len || (fl > 5 && memcmp(fn, "sync.", 5) == 0) ||
            (fl > 8 && memcmp(fn, "runtime.", 8) == 0))
            continue;
        sc->inner_frame = f;
        return;
    }
}

/* Step 5: what is awaited, in words: the RPC method (a client stub's, else
 * the wrapper method just outside the client library), the child process. */
static void awaited(sb_ctx *c, const sb_stack *st, sb_stack_class *sc)
{
    sb_model *m = c->m;
    uint32_t n = st->nframes;
    if (sc->kind == SB_WAIT_RPC) {
        sc->proto = finfo(c, st->frames[sc->wait_frame])->proto;
        for (uint32_t i = sc->wait_frame; i < n && !sc->detail; i++)
            sc->detail = finfo(c, st->frames[i])->method;
        if (!sc->detail && sc->site_frame != SB_NONE &&
            finfo(c, st->frames[sc->site_frame])->type_len)
            sc->detail = method_name(m, sb_frame_get(m, st->frames[sc->site_frame])->func);
        if (!sc->detail)
            sc->detail = sc->proto;
    } else if (sc->kind == SB_WAIT_EXEC) {
        for (uint32_t i = sc->wait_frame; i < n && !sc->detail; i++)
            sc->detail = finfo(c, st->frames[i])->name;
        if (!sc->detail && sc->site_frame != SB_NONE)
            sc->detail = sb_frame_get(m, st->frames[sc->site_frame])->func;
    }
}

/* Step 6: idle at the top of its own loop: a receive in a for-range, or
 * in a function whose name says it loops (rules: loop), from the waiting
 * one out to the goroutine's own; or a wait in the goroutine's own function with
 * nothing else on its stack (SB_SR_TOP, idle only outside tests: what a
 * hung test started is suspect). Tests, handlers, main and a goroutine
 * stopping something never idle so. */
static void loop_shape(sb_ctx *c, const sb_stack *st, sb_stack_class *sc)
{
    if (sc->roles & (SB_SR_TEST | SB_SR_MAIN | SB_SR_TESTRUN | SB_SR_STOP) || sc->serves ||
        sc->site_frame == SB_NONE)
        return;
    bool loop = (sc->roles & SB_SR_RECV2) != 0;
    for (uint32_t i = sc->site_frame; !loop && i < st->nframes && i <= sc->entry_frame; i++)
        loop = finfo(c, st->frames[i])->loop;
    if (loop)
        sc->roles |= SB_SR_LOOP;
    if (sc->site_frame == sc->entry_frame)
        sc->roles |= SB_SR_TOP;
}

static void classify_stack(sb_ctx *c, uint32_t sid, sb_stack_class *sc)
{
    const sb_stack *st = sb_stack_get(c->m, sid);
    memset(sc, 0, sizeof(*sc));
    sc->kind = SB_WAIT_UNKNOWN;
    sc->wait_frame = sc->site_frame = sc->serves_frame = sc->name_frame = SB_NONE;
    sc->entry_frame = sc->test_frame = sc->chan_frame = sc->stop_frame = SB_NONE;
    sc->owner_frame = sc->inner_frame = SB_NONE;
    uint32_t end = wait_run(c, st, sc);
    site(c, st, end, sc);
    roles(c, st, end, sc);
    serves(c, st, sc);
    inner_owner(c, st, sc);
    awaited(c, st, sc);
    loop_shape(c, st, sc);
}

/* The final kind of one goroutine: its header state can override frames
 * (a runnable goroutine in Mutex.Lock is no longer waiting). */
static uint8_t goroutine_kind(int sk, const sb_stack_class *sc)
{
    if (sk == SB_WAIT_RUNNING || sk == SB_WAIT_RUNNABLE || sk == SB_WAIT_RUNTIME)
        return (uint8_t)sk;
    if (sc->kind == SB_WAIT_RUNTIME || semantic(sc->kind))
        return sc->kind;
    if (sk >= 0 && semantic(sk))
        return (uint8_t)sk;
    if (sc->kind != SB_WAIT_UNKNOWN)
        return sc->kind;
    return sk >= 0 ? (uint8_t)sk : SB_WAIT_UNKNOWN;
}

/* The header states that say more than the kind: a send, and the waits
 * that nothing can ever end. */
enum { ST_SEND = 1, ST_NIL_CHAN = 2, ST_NO_CASES = 4 };
static int state_facts(const char *s, size_t n)
{
    int f = 0;
    if (n >= 9 && memcmp(s, "chan send", 9) == 0)
        f |= ST_SEND;
    if (n >= 10 && memcmp(s + n - 10, "(nil chan)", 10) == 0)
        f |= ST_NIL_CHAN;
    if (n == 17 && memcmp(s, "select (no cases)", 17) == 0)
        f |= ST_NO_CASES;
    return f;
}

/* The healthy shape a goroutine shows (enum sb_rule_id), 0 = none. */
static uint8_t quiet_shape(const sb_gclass *gc, const sb_stack_class *sc, const sb_dclass *dc)
{
    uint8_t k = gc->kind;
    bool idle_wait = (k == SB_WAIT_CHAN && !gc->send) || k == SB_WAIT_SELECT || k == SB_WAIT_COND;
    if (k == SB_WAIT_RUNTIME)
        return SB_RULE_QUIET_RUNTIME;
    if (sc->dumper)
        return SB_RULE_QUIET_DUMPER;
    if (k == SB_WAIT_SLEEP)
        return SB_RULE_QUIET_SLEEP;
    if (sc->roles & SB_SR_PARALLEL)
        return SB_RULE_QUIET_PARALLEL_TEST;
    if (k == SB_WAIT_IO)
        return SB_RULE_QUIET_NETPOLL;
    /* main parks itself: select {} anywhere on its stack, or a receive in
     * main.main itself (waiting for a signal to exit). */
    if ((sc->roles & SB_SR_MAIN) &&
        (gc->forever == SB_RULE_EMPTY_SELECT || (idle_wait && sc->site_frame == sc->entry_frame)))
        return SB_RULE_QUIET_MAIN_PARK;
    if (((sc->roles & SB_SR_LOOP) || ((sc->roles & SB_SR_TOP) && !dc->test)) && idle_wait)
        return SB_RULE_QUIET_LOOP;
    return 0;
}

/* Per stack, the frames whose first argument may name the awaited
 * object: lock-like frames up to the wait frame, innermost first, in
 * at[s] .. at[s + 1]. Most goroutines share their stack with many. */
typedef struct sb_objframes {
    uint32_t *at, *frames;
    size_t n, cap;
} sb_objframes;

static void objframes_build(sb_ctx *c, const sb_classes *out, sb_objframes *o)
{
    memset(o, 0, sizeof(*o));
    o->at = sb_xcalloc(out->nstacks + 1, sizeof(uint32_t));
    for (size_t s = 0; s < out->nstacks; s++) {
        const sb_stack *st = sb_stack_get(c->m, (uint32_t)s);
        uint32_t wait = out->stacks[s].wait_frame;
        o->at[s] = (uint32_t)o->n;
        for (uint32_t f = 0; f < st->nframes && wait != SB_NONE && f <= wait; f++) {
            const sb_finfo *fi = &c->fi[st->frames[f]];
            if (fi->wait >= 0 && semantic(fi->wait)) {
                o->frames = sb_grow(o->frames, &o->cap, o->n, sizeof(uint32_t));
                o->frames[o->n++] = f;
            }
        }
    }
    o->at[out->nstacks] = (uint32_t)o->n;
}

/* What a goroutine's arguments say: the lock (or WaitGroup, Cond)
 * address, the site's receiver, the channel. */
static void goroutine_args(const sb_model *m, const sb_goroutine *g, const sb_stack_class *sc,
                           const sb_objframes *o, sb_gclass *gc)
{
    bool site = sc->owner_frame != SB_NONE;
    uint32_t lo = o->at[g->stack], hi = o->at[g->stack + 1];
    if (lo == hi && !site && sc->chan_frame == SB_NONE && sc->inner_frame == SB_NONE)
        return;
    sb_arg_view v;
    sb_arg_view_init(&v, m, g);
    for (uint32_t k = lo; k < hi; k++) {
        if (sb_arg_word(m, sb_arg_view_get(&v, m, o->frames[k]), &gc->addr) && gc->addr) {
            gc->has_addr = 1;
            break;
        }
    }
    if (site && sb_arg_word(m, sb_arg_view_get(&v, m, sc->owner_frame), &gc->recv) && gc->recv)
        gc->has_recv = 1;
    /* The inner channel operation prints the channel exactly (chanrecv1
     * prints it with '?' since Go 1.17). */
    if (sc->chan_frame != SB_NONE &&
        sb_arg_word(m, sb_arg_view_get(&v, m, sc->chan_frame), &gc->obj) && gc->obj)
        gc->obj_kind = SB_OBJ_CHAN;
    else if (sc->inner_frame != SB_NONE &&
             sb_arg_word(m, sb_arg_view_get(&v, m, sc->inner_frame), &gc->obj) && gc->obj)
        gc->obj_kind = SB_OBJ_INNER;
}

/* Whether a function is a test: pkg.TestXxx (or a closure of one). */
static bool is_test_func(const sb_model *m, uint32_t func)
{
    size_t n, sl;
    const char *full = sb_str(m, func, &n);
    const char *s = sb_func_short(full, n, &sl);
    const char *dot = memchr(s, '.', sl);
    size_t rest = dot ? sl - (size_t)(dot + 1 - s) : 0;
    return rest >= 4 && memcmp(dot + 1, "Test", 4) == 0 &&
           (rest == 4 || !islower((unsigned char)dot[5]));
}

/* Which dumps are a test binary's: a goroutine runs a test or was
 * created by one, or a leak checker reports on them. */
static void mark_test_dumps(const sb_model *m, sb_classes *out)
{
    out->dumps = sb_xcalloc(m->ndumps ? m->ndumps : 1, sizeof(*out->dumps));
    /* per created-by frame: 0 not asked, 1 no test, 2 a test (thousands
     * of goroutines share a few creators) */
    size_t nframes = sb_intern_count(&m->frames);
    uint8_t *creator_test = sb_xcalloc(nframes ? nframes : 1, 1);
    for (size_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        if (out->dumps[g->dump].test)
            continue;
        bool test = (out->stacks[g->stack].roles & (SB_SR_TEST | SB_SR_TESTRUN)) ||
                    (g->flags & SB_G_LEAK_REPORTED);
        if (!test && g->created_by < nframes) {
            uint8_t *t = &creator_test[g->created_by];
            if (!*t)
                *t = is_test_func(m, sb_frame_get(m, g->created_by)->func) ? 2 : 1;
            test = *t == 2;
        }
        out->dumps[g->dump].test = test;
    }
    free(creator_test);
}

/* What each dump says of itself: a test that timed out, a program the
 * runtime found asleep, whether it is whole, how many goroutines are the
 * program's own. */
static void classify_dumps(const sb_model *m, sb_classes *out)
{
    for (size_t d = 0; d < m->ndumps; d++) {
        const sb_dump *dp = &m->dumps[d];
        sb_dclass *dc = &out->dumps[d];
        size_t n = 0;
        const char *h = dp->headline ? sb_str(m, dp->headline, &n) : "";
        if (n >= 27 && memcmp(h, "panic: test timed out after", 27) == 0)
            dc->context = SB_RULE_TEST_TIMEOUT;
        else if (n >= 38 && memcmp(h, "fatal error: all goroutines are asleep", 38) == 0)
            dc->context = SB_RULE_ALL_ASLEEP;
        dc->whole = dp->origin != SB_ORIGIN_PLAIN || dp->format == SB_FMT_DEBUG1;
        uint32_t parked = 0; /* main-park goroutines */
        for (uint32_t i = dp->first; i < dp->first + dp->ngoroutines; i++) {
            const sb_gclass *gc = &out->g[i];
            if (m->goroutines[i].id == 1)
                dc->whole = true;
            if (gc->quiet != SB_RULE_QUIET_RUNTIME && gc->quiet != SB_RULE_QUIET_DUMPER)
                dc->live += m->goroutines[i].count;
            if (gc->quiet == SB_RULE_QUIET_MAIN_PARK)
                parked += m->goroutines[i].count;
            if (gc->quiet == SB_RULE_QUIET_DUMPER)
                dc->self_dumped = true;
        }
        /* Rule main-park needs others at work: main alone waits for good. */
        for (uint32_t i = dp->first;
             parked && dc->live <= parked && i < dp->first + dp->ngoroutines; i++)
            if (out->g[i].quiet == SB_RULE_QUIET_MAIN_PARK)
                out->g[i].quiet = 0;
    }
}

void sb_classify(sb_model *m, sb_rules *rules, sb_classes *out)
{
    sb_ctx c = {m, rules, NULL};
    size_t nframes = sb_intern_count(&m->frames);
    c.fi = sb_xcalloc(nframes ? nframes : 1, sizeof(*c.fi));
    out->nstacks = sb_intern_count(&m->stacks);
    out->stacks = sb_xcalloc(out->nstacks ? out->nstacks : 1, sizeof(*out->stacks));
    for (size_t s = 0; s < out->nstacks; s++)
        classify_stack(&c, (uint32_t)s, &out->stacks[s]);
    sb_objframes objs;
    objframes_build(&c, out, &objs);
    mark_test_dumps(m, out);
    out->g = sb_xcalloc(m->ngoroutines ? m->ngoroutines : 1, sizeof(*out->g));
    /* What each state string says, looked up once: a dump has a few dozen
     * states and can have a million goroutines. */
    size_t nstrings = sb_intern_count(&m->strings);
    int8_t *state_kinds = sb_xmalloc(nstrings ? nstrings : 1);
    int8_t *state_bits = sb_xcalloc(nstrings ? nstrings : 1, 1);
    memset(state_kinds, 0x7f, nstrings); /* not looked up yet */
    for (size_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack_class *sc = &out->stacks[g->stack];
        sb_gclass *gc = &out->g[i];
        int sk = -1, bits = 0;
        if (g->state < nstrings) {
            if (state_kinds[g->state] == 0x7f) {
                size_t n;
                const char *s = sb_str(m, g->state, &n);
                state_kinds[g->state] = (int8_t)state_kind(s, n);
                state_bits[g->state] = (int8_t)state_facts(s, n);
            }
            sk = state_kinds[g->state];
            bits = state_bits[g->state];
        }
        gc->kind = goroutine_kind(sk, sc);
        gc->send = (bits & ST_SEND) || (sc->roles & SB_SR_SEND);
        gc->forever = (bits & ST_NIL_CHAN)   ? SB_RULE_NIL_CHANNEL
                      : (bits & ST_NO_CASES) ? SB_RULE_EMPTY_SELECT
                                             : 0;
        gc->quiet = quiet_shape(gc, sc, &out->dumps[g->dump]);
        goroutine_args(m, g, sc, &objs, gc);
    }
    free(objs.at);
    free(objs.frames);
    free(state_kinds);
    free(state_bits);
    classify_dumps(m, out);
    out->nframes = nframes;
    out->frame_type = sb_xcalloc(nframes ? nframes : 1, sizeof(*out->frame_type));
    out->frame_skip = sb_xcalloc(nframes ? nframes : 1, sizeof(*out->frame_skip));
    for (size_t f = 0; f < nframes; f++) {
        if (!c.fi[f].done)
            finfo(&c, (uint32_t)f);
        out->frame_type[f].off = c.fi[f].type_off;
        out->frame_type[f].len = c.fi[f].type_len;
        out->frame_skip[f] = c.fi[f].skip || c.fi[f].wait >= 0;
    }
    free(c.fi);
}

void sb_classes_free(sb_classes *c)
{
    free(c->stacks);
    free(c->g);
    free(c->dumps);
    free(c->frame_type);
    free(c->frame_skip);
    memset(c, 0, sizeof(*c));
}

bool sb_arg_word_text(const sb_model *m, uint32_t a, uint64_t *value)
{
    size_t n;
    const char *s = sb_str(m, a, &n);
    return sb_args_first_word(sb_span_make(s, n), value);
}
