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

/* --- function names ---------------------------------------------------- */

const char *sb_func_short(const char *func, size_t n, size_t *short_len)
{
    size_t i = n;
    /* the last '/' outside brackets: generics may hold paths */
    int depth = 0;
    while (i > 0) {
        char c = func[i - 1];
        if (c == ']')
            depth++;
        else if (c == '[' && depth > 0)
            depth--;
        else if (c == '/' && depth == 0)
            break;
        i--;
    }
    *short_len = n - i;
    return func + i;
}

static bool closure_part(const char *p, size_t n)
{
    static const char *const prefixes[] = {"func", "gowrap", "deferwrap", "dwrap"};
    for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
        size_t l = strlen(prefixes[k]);
        if (n > l && memcmp(p, prefixes[k], l) == 0 && isdigit((unsigned char)p[l]))
            return true;
    }
    return false;
}

bool sb_func_is_closure(const char *func, size_t n)
{
    size_t i = n;
    while (i > 0 && func[i - 1] != '.' && func[i - 1] != '/')
        i--;
    return closure_part(func + i, n - i);
}

bool sb_func_type(const char *func, size_t n, size_t *type_len)
{
    size_t sl;
    const char *s = sb_func_short(func, n, &sl);
    size_t base = (size_t)(s - func);
    /* split the last path element at dots outside parentheses/brackets */
    size_t dots[4];
    size_t nd = 0;
    int depth = 0;
    for (size_t i = 0; i < sl && nd < 4; i++) {
        char c = s[i];
        if (c == '(' || c == '[')
            depth++;
        else if ((c == ')' || c == ']') && depth > 0)
            depth--;
        else if (c == '.' && depth == 0)
            dots[nd++] = i;
    }
    if (nd < 2)
        return false; /* pkg.Func */
    const char *second = s + dots[0] + 1;
    size_t second_len = dots[1] - dots[0] - 1;
    if (second_len >= 2 && second[0] == '(' && second[1] == '*') {
        *type_len = base + dots[1];
        return true;
    }
    /* pkg.T.M (value receiver) vs pkg.F.func1 (closure) vs glob..func1 */
    const char *third = s + dots[1] + 1;
    size_t third_len = (nd > 2 ? dots[2] : sl) - dots[1] - 1;
    if (second_len == 0 || closure_part(third, third_len) ||
        (second_len == 4 && memcmp(second, "glob", 4) == 0))
        return false;
    *type_len = base + dots[1];
    return true;
}

/* --- per-frame rule matches ------------------------------------------- */

typedef struct sb_finfo {
    bool done;
    int8_t wait; /* kind, -1 none */
    bool skip, runtime, dumper;
    uint32_t proto;         /* wait rpc: protocol string id */
    int server;             /* rule index, -1 none */
    uint32_t server_detail; /* "Svc/Method" when the rule captured it */
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
        const sb_rule *rule = &r->v[i];
        switch (rule->role) {
        case SB_ROLE_WAIT:
            if (f->wait < 0 && rule_match(r, i, name, n)) {
                f->wait = (int8_t)rule->kind;
                f->proto = put_str(m, rule->arg, strlen(rule->arg));
            }
            break;
        case SB_ROLE_SKIP:
            if (!f->skip && rule_match(r, i, name, n))
                f->skip = true;
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
        case SB_ROLE_RUNTIME:
            if (!f->runtime && rule_match(r, i, name, n))
                f->runtime = true;
            break;
        case SB_ROLE_DUMPER:
            if (!f->dumper && rule_match(r, i, name, n))
                f->dumper = true;
            break;
        case SB_ROLE_NAME:
            if (!f->name && rule_match(r, i, name, n))
                f->name = put_str(m, rule->arg, strlen(rule->arg));
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

static void classify_stack(sb_ctx *c, uint32_t sid, sb_stack_class *sc)
{
    sb_model *m = c->m;
    const sb_stack *st = sb_stack_get(m, sid);
    memset(sc, 0, sizeof(*sc));
    sc->kind = SB_WAIT_UNKNOWN;
    sc->wait_frame = sc->site_frame = sc->serves_frame = sc->name_frame = SB_NONE;
    uint32_t n = st->nframes;
    /* The innermost run of library frames. */
    uint32_t end = 0;
    while (end < n) {
        const sb_finfo *f = finfo(c, st->frames[end]);
        if (!f->skip && f->wait < 0)
            break;
        end++;
    }
    int kind = -1;
    for (uint32_t i = end; i-- > 0;) { /* outermost lock-like frame */
        const sb_finfo *f = finfo(c, st->frames[i]);
        if (f->wait >= 0 && semantic(f->wait)) {
            kind = f->wait;
            sc->wait_frame = i;
            break;
        }
    }
    for (uint32_t i = 0; kind < 0 && i < end; i++) { /* else the innermost primitive */
        const sb_finfo *f = finfo(c, st->frames[i]);
        if (f->wait >= 0) {
            kind = f->wait;
            sc->wait_frame = i;
        }
    }
    sc->kind = kind < 0 ? SB_WAIT_UNKNOWN : (uint8_t)kind;
    if (end < n) {
        sc->site_frame = end;
    } else {
        /* Only library frames (a sync.Once.Do waiting for the goroutine that
         * runs the function): the outermost one outside the runtime stands
         * for the site. */
        for (uint32_t i = n; i-- > 0 && sc->site_frame == SB_NONE;) {
            size_t fl;
            const char *fn = sb_str(m, sb_frame_get(m, st->frames[i])->func, &fl);
            if (!(fl > 8 && memcmp(fn, "runtime.", 8) == 0))
                sc->site_frame = i;
        }
    }
    if (sc->site_frame != SB_NONE)
        sc->site_type = type_id(c, st->frames[sc->site_frame]);
    bool all_runtime = n > 0;
    for (uint32_t i = 0; i < n; i++) {
        const sb_finfo *f = finfo(c, st->frames[i]);
        size_t fl;
        const char *fn = sb_str(m, sb_frame_get(m, st->frames[i])->func, &fl);
        if (!(fl > 8 && memcmp(fn, "runtime.", 8) == 0))
            all_runtime = false;
        if (f->runtime)
            sc->kind = SB_WAIT_RUNTIME;
        if (f->dumper)
            sc->dumper = true;
        if (!sc->name && f->name) {
            sc->name = f->name;
            sc->name_frame = i;
        }
        if (!sc->serves && f->server >= 0) {
            sc->serves = f->server_detail;
            sc->serves_frame = i;
            sc->serves_proto = f->server_proto;
            /* Dispatchers (net/rpc, net/http) name the method by the
             * next inner frame outside the libraries. */
            for (uint32_t j = i; !sc->serves && j-- > 0;) {
                const sb_finfo *g = finfo(c, st->frames[j]);
                if (!g->skip && g->wait < 0) {
                    sc->serves = method_name(m, sb_frame_get(m, st->frames[j])->func);
                    sc->serves_frame = j;
                }
            }
        }
        if (i < end && !sc->detail && f->sysname && sc->kind == SB_WAIT_SYSCALL)
            sc->detail = f->sysname;
    }
    if (all_runtime)
        sc->kind = SB_WAIT_RUNTIME;
    /* What is awaited, in words. */
    if (sc->kind == SB_WAIT_RPC) {
        sc->proto = finfo(c, st->frames[sc->wait_frame])->proto;
        for (uint32_t i = sc->wait_frame; i < n && !sc->detail; i++)
            sc->detail = finfo(c, st->frames[i])->method;
        if (!sc->detail)
            sc->detail = finfo(c, st->frames[sc->wait_frame])->proto;
    } else if (sc->kind == SB_WAIT_EXEC) {
        for (uint32_t i = sc->wait_frame; i < n && !sc->detail; i++)
            sc->detail = finfo(c, st->frames[i])->name;
        if (!sc->detail && sc->site_frame != SB_NONE)
            sc->detail = sb_frame_get(m, st->frames[sc->site_frame])->func;
    }
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

void sb_classify(sb_model *m, sb_rules *rules, sb_classes *out)
{
    sb_ctx c = {m, rules, NULL};
    size_t nframes = sb_intern_count(&m->frames);
    c.fi = sb_xcalloc(nframes, sizeof(*c.fi));
    out->nstacks = sb_intern_count(&m->stacks);
    out->stacks = sb_xcalloc(out->nstacks, sizeof(*out->stacks));
    for (size_t s = 0; s < out->nstacks; s++)
        classify_stack(&c, (uint32_t)s, &out->stacks[s]);
    /* Where each stack's goroutines may show a lock address: its
     * lock-like frames up to the wait frame, innermost first, in
     * locks[lock_at[s] .. lock_at[s + 1]). Most goroutines share their
     * stack with many. */
    uint32_t *lock_at = sb_xcalloc(out->nstacks + 1, sizeof(uint32_t));
    uint32_t *locks = NULL;
    size_t nlocks = 0, locks_cap = 0;
    for (size_t s = 0; s < out->nstacks; s++) {
        const sb_stack *st = sb_stack_get(m, (uint32_t)s);
        uint32_t wait = out->stacks[s].wait_frame;
        lock_at[s] = (uint32_t)nlocks;
        for (uint32_t f = 0; f < st->nframes && wait != SB_NONE && f <= wait; f++) {
            const sb_finfo *fi = &c.fi[st->frames[f]];
            if (fi->wait >= 0 && semantic(fi->wait)) {
                locks = sb_grow(locks, &locks_cap, nlocks, sizeof(*locks));
                locks[nlocks++] = f;
            }
        }
    }
    lock_at[out->nstacks] = (uint32_t)nlocks;
    out->g = sb_xcalloc(m->ngoroutines ? m->ngoroutines : 1, sizeof(*out->g));
    /* The kind of each state string, looked up once: a dump has a few
     * dozen states and can have a million goroutines. */
    size_t nstrings = sb_intern_count(&m->strings);
    int8_t *state_kinds = sb_xmalloc(nstrings ? nstrings : 1);
    memset(state_kinds, 0x7f, nstrings); /* not looked up yet */
    for (size_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack_class *sc = &out->stacks[g->stack];
        sb_gclass *gc = &out->g[i];
        int sk = -1;
        if (g->state < nstrings) {
            if (state_kinds[g->state] == 0x7f) {
                size_t n;
                const char *s = sb_str(m, g->state, &n);
                state_kinds[g->state] = (int8_t)state_kind(s, n);
            }
            sk = state_kinds[g->state];
        }
        gc->kind = goroutine_kind(sk, sc);
        bool site = sc->site_frame != SB_NONE && sc->site_type;
        uint32_t lo = lock_at[g->stack], hi = lock_at[g->stack + 1];
        if (lo == hi && !site)
            continue;
        sb_arg_view v;
        sb_arg_view_init(&v, m, g);
        /* The lock address: the innermost lock-like frame with a plain word. */
        for (uint32_t k = lo; k < hi; k++) {
            if (sb_arg_word(m, sb_arg_view_get(&v, m, locks[k]), &gc->addr) && gc->addr) {
                gc->has_addr = 1;
                break;
            }
        }
        if (site && sb_arg_word(m, sb_arg_view_get(&v, m, sc->site_frame), &gc->recv) && gc->recv)
            gc->has_recv = 1;
    }
    free(lock_at);
    free(locks);
    free(state_kinds);
    out->nframes = nframes;
    out->frame_type = sb_xcalloc(nframes ? nframes : 1, sizeof(*out->frame_type));
    out->frame_skip = sb_xcalloc(nframes ? nframes : 1, sizeof(uint32_t));
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
    free(c->frame_type);
    free(c->frame_skip);
    memset(c, 0, sizeof(*c));
}

bool sb_arg_word(const sb_model *m, uint32_t a, uint64_t *value)
{
    if (a & SB_ARG_NUM) {
        if ((a & ~SB_ARG_NUM) >= m->nargnums)
            return false;
        uint64_t packed = m->argnums[a & ~SB_ARG_NUM];
        if (packed & 1)
            return false; /* uncertain, as sb_args_first_word reads "0x..?" */
        *value = packed >> 1;
        return true;
    }
    size_t n;
    const char *s = sb_str(m, a, &n);
    return sb_args_first_word(sb_span_make(s, n), value);
}
