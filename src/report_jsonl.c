/* report_jsonl.c: one finding a line, for the log pipelines a fleet
 * already runs (Loki, Elasticsearch, BigQuery, ClickHouse): each line a
 * JSON object that stands alone, keyed so that findings of many dumps
 * group by fingerprint. Crashes, chains, cycles and stuck findings, in
 * that order; nothing when nothing was found. */
#include <inttypes.h>
#include <string.h>
#include "stackblame/escape.h"
#include "stackblame/fingerprint.h"
#include "stackblame/report.h"

static void jl_str(FILE *out, const sb_model *m, uint32_t id)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    fputc('"', out);
    sb_put_json(out, s, n);
    fputc('"', out);
}

static void jl_func(FILE *out, const sb_model *m, uint32_t frame)
{
    if (frame == SB_NONE)
        fputs("null", out);
    else
        jl_str(out, m, sb_frame_get(m, frame)->func);
}

/* The fields every line starts with: what, which bug, how sure, where. */
static void jl_head(FILE *out, const sb_report *r, const char *kind, uint32_t fp, uint8_t conf,
                    uint32_t dump)
{
    const sb_model *m = r->m;
    const sb_dump *d = &m->dumps[dump];
    char buf[SB_FP_TEXT];
    fprintf(out, "{\"schema\":\"stackblame/1\",\"kind\":\"%s\",\"fingerprint\":\"%s\"", kind,
            sb_fp_text(fp, buf));
    fprintf(out, ",\"confidence\":%s%s%s", conf ? "\"" : "", conf ? sb_conf_name(conf) : "null",
            conf ? "\"" : "");
    fputs(",\"process\":", out);
    jl_str(out, m, d->label);
    fputs(",\"source\":", out);
    jl_str(out, m, d->source);
    fprintf(out, ",\"dump\":%u,\"host\":", dump + 1);
    if (d->host)
        jl_str(out, m, d->host);
    else
        fputs("null", out);
    fputs(",\"time\":", out);
    if (d->time)
        jl_str(out, m, d->time);
    else
        fputs("null", out);
}

static void jl_wait(FILE *out, int32_t minutes)
{
    if (minutes >= 0)
        fprintf(out, ",\"longest_wait_minutes\":%d", minutes);
    else
        fputs(",\"longest_wait_minutes\":null", out);
}

static void jl_crashes(FILE *out, const sb_report *r)
{
    for (size_t k = 0; r->crashes && k < r->crashes->n; k++) {
        const sb_crash *c = &r->crashes->v[k];
        jl_head(out, r, "crash", sb_fp_crash(r->m, c), 0, c->dump);
        fputs(",\"blocked\":null,\"longest_wait_minutes\":null,\"root_frame\":", out);
        jl_func(out, r->m, c->frame);
        fputs(",\"rule\":null,\"summary\":", out);
        jl_str(out, r->m, c->reason);
        fputs("}\n", out);
    }
}

static void jl_chains(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    for (size_t k = 0; k < r->blame->nchains; k++) {
        const sb_chain *ch = &r->blame->chains[k];
        uint32_t root = ch->links[ch->nlinks - 1];
        jl_head(out, r, "chain", sb_fp_chain(m, r->classes, ch), ch->conf,
                m->goroutines[root].dump);
        fprintf(out, ",\"blocked\":%" PRIu64, ch->blocked);
        jl_wait(out, ch->max_wait);
        fputs(",\"root_frame\":", out);
        jl_func(out, m, sb_link_frame(m, r->classes, root));
        fprintf(out, ",\"rule\":\"%s\",\"summary\":\"", sb_infer((enum sb_rule_id)ch->rule)->name);
        size_t n;
        const char *entry = sb_str(m, ch->entry, &n);
        sb_put_json(out, entry, n);
        fprintf(out, " -> %u links -> goroutine %" PRIu64 "\"}\n", ch->nlinks,
                m->goroutines[root].id);
    }
}

static void jl_cycles(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    for (size_t k = 0; k < r->blame->ncycles; k++) {
        const sb_cycle *cy = &r->blame->cycles[k];
        jl_head(out, r, "cycle", sb_fp_cycle(m, r->classes, cy), cy->conf, cy->dump);
        fprintf(out, ",\"blocked\":%u,\"longest_wait_minutes\":null,\"root_frame\":", cy->n);
        jl_func(out, m, sb_link_frame(m, r->classes, cy->members[0]));
        fprintf(out,
                ",\"rule\":\"%s\",\"summary\":\"deadlock: %u goroutines wait for each other\"}\n",
                sb_infer((enum sb_rule_id)cy->rule)->name, cy->n);
    }
}

static void jl_stuck(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    for (size_t k = 0; r->stuck && k < r->stuck->n; k++) {
        const sb_stuck *s = &r->stuck->v[k];
        jl_head(out, r, "stuck", sb_fp_stuck(m, s), s->conf, s->dump);
        fprintf(out, ",\"blocked\":%" PRIu64, s->count);
        jl_wait(out, s->max_wait);
        fputs(",\"root_frame\":", out);
        jl_func(out, m, s->frame);
        fprintf(out, ",\"rule\":\"%s\",\"summary\":", sb_infer((enum sb_rule_id)s->rule)->name);
        jl_str(out, m, s->evidence);
        fputs("}\n", out);
    }
}

void sb_report_jsonl(FILE *out, const sb_report *r)
{
    jl_crashes(out, r);
    if (!r->blame)
        return;
    jl_chains(out, r);
    jl_cycles(out, r);
    jl_stuck(out, r);
}
