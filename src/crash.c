/* crash.c: which dumps record a crash, who crashed and where; see crash.h. */
#include "stackblame/crash.h"

#include <stdlib.h>
#include <string.h>
#include "stackblame/goname.h"

static bool starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

bool sb_crash_signal(const char *headline, size_t n)
{
    return !starts(headline, n, "SIGQUIT") && !starts(headline, n, "SIGABRT");
}

static bool crashed(const sb_model *m, const sb_dump *d)
{
    size_t n;
    const char *h = sb_str(m, d->headline, &n);
    switch (d->origin) {
    case SB_ORIGIN_PANIC:
    case SB_ORIGIN_FATAL:
    case SB_ORIGIN_LOG_FATAL:
        return true;
    case SB_ORIGIN_SIGNAL:
        return d->headline && sb_crash_signal(h, n);
    default:
        return false;
    }
}

static const char *frame_func(const sb_model *m, uint32_t frame, size_t *n)
{
    return sb_str(m, sb_frame_get(m, frame)->func, n);
}

/* The index of the first frame from `i` on that is not the runtime's own
 * (the panic machinery, the signal handler). */
static uint32_t skip_runtime(const sb_model *m, const sb_stack *st, uint32_t i)
{
    size_t n;
    for (; i < st->nframes; i++) {
        const char *f = frame_func(m, st->frames[i], &n);
        if (!starts(f, n, "runtime.") && !starts(f, n, "panic(") &&
            !(n == 5 && starts(f, n, "panic")))
            break;
    }
    return i;
}

/* Past the frames from `i` on in the package of frame i (klog's stack
 * writer and its callers), when a frame outside it follows. */
static uint32_t skip_logger(const sb_model *m, const sb_stack *st, uint32_t i)
{
    size_t n;
    if (i + 1 >= st->nframes)
        return i;
    const char *first = frame_func(m, st->frames[i], &n);
    size_t pn = sb_func_package_len(first, n);
    uint32_t j = i + 1;
    for (; j < st->nframes; j++) {
        const char *f = frame_func(m, st->frames[j], &n);
        if (sb_func_package_len(f, n) != pn || memcmp(f, first, pn) != 0)
            break;
    }
    return j < st->nframes ? j : i;
}

/* Where the program gave up: the first frame of goroutine g outside the
 * runtime and, after a log-fatal line, outside the logger. */
static uint32_t first_user_frame(const sb_model *m, const sb_goroutine *g, bool logger)
{
    const sb_stack *st = sb_stack_get(m, g->stack);
    uint32_t i = skip_runtime(m, st, 0);
    if (logger)
        i = skip_logger(m, st, i);
    return i < st->nframes ? st->frames[i] : SB_NONE;
}

/* A log-fatal dump's reason is the message, after klog's "] " header. */
static uint32_t log_message(sb_model *m, uint32_t line)
{
    size_t n;
    const char *s = sb_str(m, line, &n);
    const char *close = memchr(s, ']', n);
    if (!close || (size_t)(close - s) + 2 > n || close[1] != ' ')
        return line;
    size_t at = (size_t)(close - s) + 2;
    return sb_intern_put(&m->strings, s + at, n - at);
}

/* GOTRACEBACK=crash prints the crashing goroutine again after the
 * others: the same crash, said once. */
static bool same_crash(const sb_model *m, const sb_crash *a, const sb_crash *b)
{
    const sb_goroutine *ga = a->goroutine != SB_NONE ? &m->goroutines[a->goroutine] : NULL;
    const sb_goroutine *gb = b->goroutine != SB_NONE ? &m->goroutines[b->goroutine] : NULL;
    return a->reason == b->reason && m->dumps[a->dump].label == m->dumps[b->dump].label &&
           (ga ? gb && ga->id == gb->id : !gb);
}

void sb_crashes_find(sb_model *m, sb_crashes *out)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 0;
    for (uint32_t d = 0; d < m->ndumps; d++) {
        const sb_dump *dp = &m->dumps[d];
        if (!crashed(m, dp))
            continue;
        sb_crash c = {d, dp->headline, 0, SB_NONE, SB_NONE};
        if (dp->origin == SB_ORIGIN_LOG_FATAL) {
            c.log_line = dp->headline;
            c.reason = log_message(m, dp->headline);
        }
        const sb_goroutine *g = dp->ngoroutines ? &m->goroutines[dp->first] : NULL;
        size_t n;
        const char *state = g ? sb_str(m, g->state, &n) : "";
        if (g && dp->format == SB_FMT_TRACEBACK && starts(state, strlen(state), "running")) {
            c.goroutine = dp->first;
            c.frame = first_user_frame(m, g, dp->origin == SB_ORIGIN_LOG_FATAL);
        }
        if (out->n && same_crash(m, &out->v[out->n - 1], &c))
            continue;
        out->v = sb_grow(out->v, &cap, out->n, sizeof(*out->v));
        out->v[out->n++] = c;
    }
}

void sb_crashes_free(sb_crashes *c)
{
    free(c->v);
    memset(c, 0, sizeof(*c));
}
