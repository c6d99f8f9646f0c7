/* report_common.c: what all reporters say the same way. */
#include <stdio.h>
#include <string.h>
#include "stackblame/report.h"

void sb_link_get(const sb_report *r, uint32_t gi, bool root, sb_link *out)
{
    const sb_model *m = r->m;
    const sb_goroutine *g = &m->goroutines[gi];
    const sb_stack_class *sc = &r->classes->stacks[g->stack];
    out->g = gi;
    out->kind = r->classes->g[gi].kind;
    out->frame = sb_link_frame(m, r->classes, gi);
    out->name = sc->name;
    out->detail = sc->detail;
    out->target = r->graph->target_of[gi];
    out->root = root;
}

const char *sb_dump_format_name(enum sb_dump_format f)
{
    return f == SB_FMT_DEBUG1 ? "debug1" : "traceback";
}

const char *sb_dump_origin_name(enum sb_dump_origin o)
{
    static const char *const names[] = {
        [SB_ORIGIN_PLAIN] = "goroutines", [SB_ORIGIN_SIGNAL] = "signal",
        [SB_ORIGIN_PANIC] = "panic",      [SB_ORIGIN_FATAL] = "fatal",
        [SB_ORIGIN_PROFILE] = "profile",  [SB_ORIGIN_LOG_FATAL] = "log-fatal",
    };
    return (unsigned)o <= SB_ORIGIN_LOG_FATAL ? names[o] : "?";
}

size_t sb_dump_role(const sb_report *r, uint32_t di, char *buf, size_t n)
{
    const sb_dump *d = &r->m->dumps[di];
    int w = 0;
    if (d->fragment_of != SB_NONE)
        w = snprintf(buf, n, "repeats goroutines of [%u]: a fragment, analysed beside it",
                     d->fragment_of + 1);
    else if (d->series != SB_NONE && r->series)
        w = snprintf(buf, n, "snapshot %u of %u%s", d->snapshot + 1,
                     r->series->nsnapshots[d->series],
                     d->superseded ? ", set aside (--latest)" : "");
    else if (n)
        buf[0] = '\0';
    return w < 0 ? 0 : (size_t)w < n ? (size_t)w : n - 1;
}

const char *sb_change_name(const sb_change *c)
{
    return c->first == 0        ? "appeared"
           : c->last == 0       ? "vanished"
           : c->last > c->first ? "grew"
                                : "shrank";
}

bool sb_holder_unmoved(const sb_report *r, uint32_t gi)
{
    const sb_goroutine *g = &r->m->goroutines[gi];
    const sb_dump *d = &r->m->dumps[g->dump];
    return d->series != SB_NONE && r->series && g->seen >= 2 &&
           g->seen == r->series->nsnapshots[d->series];
}

size_t sb_short_path_start(const char *s, size_t n)
{
    size_t i = n, slashes = 0;
    while (i > 0 && !((s[i - 1] == '/' || s[i - 1] == '\\') && ++slashes == 2))
        i--;
    return i;
}

int sb_first_user_frame(const sb_model *m, const sb_stack *st)
{
    for (uint32_t i = 0; i < st->nframes; i++) {
        size_t n;
        const char *f = sb_str(m, sb_frame_get(m, st->frames[i])->func, &n);
        if (!sb_func_is_runtime(f, n))
            return (int)i;
    }
    return -1;
}

const char *sb_race_who(const sb_race_access *a, char *buf, size_t n)
{
    int w = snprintf(buf, n, "%s%s%s by ", a->previous ? "previous " : "",
                     a->atomic ? "atomic " : "", a->write ? "write" : "read");
    if (w >= 0 && (size_t)w < n) {
        if (a->main)
            snprintf(buf + w, n - (size_t)w, "the main goroutine");
        else
            snprintf(buf + w, n - (size_t)w, "goroutine %llu", (unsigned long long)a->goroutine);
    }
    return buf;
}

const sb_race_frame *sb_race_user_frame(const sb_race_frame *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(v[i].func, "runtime.", 8) != 0)
            return &v[i];
    return n ? &v[0] : NULL;
}

void sb_put_count(FILE *out, uint64_t n)
{
    char buf[32];
    int len = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            fputc(',', out);
        fputc(buf[i], out);
    }
}

enum sb_lead sb_report_lead(const sb_report *r)
{
    const sb_blame *b = r->blame;
    uint8_t chain = b->nchains ? b->chains[0].conf : SB_CONF_NONE;
    uint8_t cycle = SB_CONF_NONE, stuck = SB_CONF_NONE;
    for (size_t i = 0; i < b->ncycles; i++)
        if (b->cycles[i].conf > cycle)
            cycle = b->cycles[i].conf;
    if (r->stuck && r->stuck->n)
        stuck = r->stuck->v[0].conf;
    if (chain >= SB_CONF_MEDIUM && chain > cycle && chain >= stuck)
        return SB_LEAD_CHAIN;
    if (cycle >= SB_CONF_MEDIUM && cycle >= stuck)
        return SB_LEAD_CYCLE;
    if (stuck >= SB_CONF_MEDIUM)
        return SB_LEAD_STUCK;
    if (b->nchains)
        return SB_LEAD_LOW_CHAIN;
    if (b->ncycles || (r->stuck && r->stuck->n))
        return SB_LEAD_LOW_OTHER;
    return SB_LEAD_NOTHING;
}
