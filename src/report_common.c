/* report_common.c: what all reporters say the same way. */
#include <stdio.h>
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
        [SB_ORIGIN_PROFILE] = "profile",
    };
    return (unsigned)o <= SB_ORIGIN_PROFILE ? names[o] : "?";
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

void sb_report_write(FILE *out, const sb_report *r, enum sb_format format)
{
    switch (format) {
    case SB_OUT_JSON:
        sb_report_json(out, r);
        break;
    case SB_OUT_MARKDOWN:
        sb_report_markdown(out, r);
        break;
    case SB_OUT_DOT:
        sb_report_dot(out, r);
        break;
    default:
        sb_report_text(out, r);
        break;
    }
}
