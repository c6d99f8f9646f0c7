/* report_md.c: a report to paste into an incident ticket: one summary
 * line, the chain as a list with its evidence, each stack of the chain in a
 * collapsed <details> block. Everything from the input is escaped so it
 * renders as text: no HTML, no links, no markup. */
#define _GNU_SOURCE /* memrchr */
#include <inttypes.h>
#include <string.h>
#include "stackblame/escape.h"
#include "stackblame/report.h"

static void md(FILE *out, const sb_model *m, uint32_t id)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    sb_put_markdown(out, s, n);
}

static void html(FILE *out, const sb_model *m, uint32_t id)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    sb_put_html(out, s, n);
}

/* An argument ref (model.h). */
static void html_arg(FILE *out, const sb_model *m, uint32_t a)
{
    char buf[SB_ARG_TEXT_MAX];
    size_t n;
    const char *s = sb_arg_text(m, a, buf, &n);
    sb_put_html(out, s, n);
}

/* In a code span only the backtick ends it; controls and bidi are
 * escaped like everywhere else. */
static void md_code(FILE *out, const char *s, size_t sl)
{
    fputc('`', out);
    size_t start = 0;
    for (size_t i = 0; i <= sl; i++) {
        if (i == sl || s[i] == '`') {
            sb_put_text(out, s + start, i - start);
            if (i < sl)
                fputc('\'', out);
            start = i + 1;
        }
    }
    fputc('`', out);
}

static void md_func(FILE *out, const sb_model *m, uint32_t func)
{
    size_t n, sl;
    const char *full = sb_str(m, func, &n);
    const char *s = sb_func_short(full, n, &sl);
    md_code(out, s, sl);
}

static void md_goroutine(FILE *out, const sb_report *r, uint32_t gi)
{
    const sb_model *m = r->m;
    const sb_goroutine *g = &m->goroutines[gi];
    md(out, m, m->dumps[g->dump].label);
    if (m->dumps[g->dump].format == SB_FMT_DEBUG1)
        fprintf(out, " record of %u", g->count);
    else
        fprintf(out, " goroutine %" PRIu64, g->id);
    fputs(" [", out);
    md(out, m, g->state);
    if (g->wait_minutes >= 0)
        fprintf(out, ", %d min", g->wait_minutes);
    if (g->flags & SB_G_LOCKED)
        fputs(", locked to thread", out);
    fputs("]", out);
}

static void md_stack(FILE *out, const sb_report *r, uint32_t gi)
{
    const sb_model *m = r->m;
    const sb_goroutine *g = &m->goroutines[gi];
    const sb_stack *st = sb_stack_get(m, g->stack);
    fputs("  <details><summary>stack</summary>\n\n  <pre>\n", out);
    for (uint32_t i = 0; i < st->nframes; i++) {
        const sb_frame *f = sb_frame_get(m, st->frames[i]);
        html(out, m, f->func);
        fputc('(', out);
        html_arg(out, m, sb_goroutine_arg(m, g, i));
        fputs(")\n    ", out);
        html(out, m, f->file);
        fprintf(out, ":%u\n", f->line);
    }
    fputs("  </pre>\n  </details>\n", out);
}

static void md_evidence(FILE *out, const sb_report *r, const sb_target *t)
{
    for (uint32_t k = 0; k < t->nev; k++) {
        fputs("    - ", out);
        md(out, r->m, r->graph->evidence[t->ev_first + k]);
        fputc('\n', out);
    }
}

/* Goroutines that nothing will wake, a list item a finding. */
static void md_stuck(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    for (size_t k = 0; r->stuck && k < r->stuck->n; k++) {
        const sb_stuck *s = &r->stuck->v[k];
        if (k == 0)
            fputs("\n### Stuck: nothing will wake these\n\n", out);
        fprintf(out, "%zu. ", k + 1);
        sb_put_count(out, s->count);
        fputs(" x ", out);
        md_goroutine(out, r, s->members[0]);
        if (s->frame != SB_NONE) {
            fputs(" in ", out);
            md_func(out, m, sb_frame_get(m, s->frame)->func);
        }
        fprintf(out, " (%s, confidence %s)\n    - ", sb_infer((enum sb_rule_id)s->rule)->name,
                sb_conf_name((enum sb_conf)s->conf));
        md(out, m, s->evidence);
        fputc('\n', out);
        if (s->nmembers > 1 && m->dumps[s->dump].format != SB_FMT_DEBUG1) {
            fputs("    - goroutines ", out);
            for (uint32_t i = 0; i < s->nmembers && i < 20; i++)
                fprintf(out, i ? ", %" PRIu64 : "%" PRIu64, m->goroutines[s->members[i]].id);
            if (s->nmembers > 20)
                fprintf(out, " and %u more", s->nmembers - 20);
            fputc('\n', out);
        }
        md_stack(out, r, s->members[0]);
    }
}

/* The headline when a stuck finding is what the report leads with. */
static void md_stuck_headline(FILE *out, const sb_report *r, const sb_stuck *top)
{
    fputs("stuck: ", out);
    sb_put_count(out, top->count);
    fputs(" x ", out);
    md_goroutine(out, r, top->members[0]);
    fprintf(out, " (%s, confidence %s)\n\n", sb_infer((enum sb_rule_id)top->rule)->name,
            sb_conf_name((enum sb_conf)top->conf));
}

/* "read by goroutine 9 in `main.(*cache).lookup` at `main.go` line 44" */
static void md_race_access(FILE *out, const sb_race_access *a)
{
    fprintf(out, "%s%s%s by ", a->previous ? "previous " : "", a->atomic ? "atomic " : "",
            a->write ? "write" : "read");
    if (a->main)
        fputs("the main goroutine", out);
    else
        fprintf(out, "goroutine %" PRIu64, a->goroutine);
    if (a->gstate) {
        fputs(" (", out);
        sb_put_markdown(out, a->gstate, strlen(a->gstate));
        fputc(')', out);
    }
    const sb_race_frame *f = sb_race_user_frame(a->frames, a->nframes);
    if (f) {
        size_t sl;
        const char *s = sb_func_short(f->func, strlen(f->func), &sl);
        fputs(" in ", out);
        md_code(out, s, sl);
    }
    if (f && f->file) {
        const char *slash = strrchr(f->file, '/');
        const char *base = slash ? slash + 1 : f->file;
        fputs(" at ", out);
        md_code(out, base, strlen(base));
        fprintf(out, " line %u", f->line);
    }
}

/* Race-detector reports: one list item a report, its accesses under it. */
static void md_races(FILE *out, const sb_report *r)
{
    const sb_races *rs = &r->m->races;
    if (!rs->n)
        return;
    fprintf(out, "\n### Data races: %zu\n\n", rs->n + rs->dropped);
    for (size_t k = 0; k < rs->n; k++) {
        const sb_race *race = &rs->v[k];
        fprintf(out, "%zu. ", k + 1);
        for (uint32_t a = 0; a < race->naccess; a++) {
            if (a)
                fputs("; ", out);
            md_race_access(out, &race->access[a]);
        }
        fprintf(out, " (line %" PRIu64 "%s)\n", race->line_no,
                race->truncated ? ", cut short" : "");
    }
}

/* The crashes first: the heading names the first, a line each says who
 * crashed and where. */
static void md_crashes(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    fputs("## stackblame: crash: ", out);
    md(out, m, r->crashes->v[0].reason);
    fputs("\n\n", out);
    for (size_t k = 0; k < r->crashes->n; k++) {
        const sb_crash *c = &r->crashes->v[k];
        fputs("- **Crash** in ", out);
        md(out, m, m->dumps[c->dump].label);
        fputs(": ", out);
        md(out, m, c->reason);
        if (c->goroutine != SB_NONE)
            fprintf(out, ", goroutine %" PRIu64, m->goroutines[c->goroutine].id);
        if (c->goroutine != SB_NONE && c->frame != SB_NONE) {
            const sb_frame *f = sb_frame_get(m, c->frame);
            fputs(" in ", out);
            md_func(out, m, f->func);
            if (f->file) {
                size_t n;
                const char *file = sb_str(m, f->file, &n);
                const char *slash = n ? memrchr(file, '/', n) : NULL;
                size_t at = slash ? (size_t)(slash - file) + 1 : 0;
                fputs(" at ", out);
                md_code(out, file + at, n - at);
                fprintf(out, " line %u", f->line);
            }
        }
        fputc('\n', out);
    }
    fputs("\n**Diagnosis:** ", out);
}

void sb_report_markdown(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    const sb_blame *b = r->blame;
    const sb_stuck *top = r->stuck && r->stuck->n ? &r->stuck->v[0] : NULL;
    if (r->crashes && r->crashes->n)
        md_crashes(out, r);
    else
        fputs("## stackblame: ", out);
    switch (sb_report_lead(r)) {
    case SB_LEAD_CHAIN: {
        const sb_chain *ch = &b->chains[0];
        fputs("suspected root ", out);
        md_goroutine(out, r, ch->links[ch->nlinks - 1]);
        fputs(", blocking ", out);
        sb_put_count(out, ch->blocked);
        fprintf(out, " goroutine%s (confidence %s)\n\n", ch->blocked == 1 ? "" : "s",
                sb_conf_name((enum sb_conf)ch->conf));
        break;
    }
    case SB_LEAD_CYCLE:
        fprintf(out, "%zu deadlock%s\n\n", b->ncycles, b->ncycles == 1 ? "" : "s");
        break;
    case SB_LEAD_STUCK:
        md_stuck_headline(out, r, top);
        break;
    case SB_LEAD_LOW_CHAIN:
        fprintf(out, "nothing surely stuck (the largest chain is of low confidence: %s)\n\n",
                sb_infer((enum sb_rule_id)b->chains[0].rule)->name);
        break;
    case SB_LEAD_LOW_OTHER:
        fputs("nothing surely stuck (the findings below are of low confidence)\n\n", out);
        break;
    case SB_LEAD_NOTHING:
        fputs("no blocking chain found\n\n", out);
        break;
    }
    fprintf(out, "%zu dump%s, ", m->ndumps, m->ndumps == 1 ? "" : "s");
    sb_put_count(out, m->stats.goroutines);
    fputs(m->stats.goroutines == 1 ? " goroutine" : " goroutines", out);
    for (size_t i = 0; i < m->ndumps; i++) {
        fputs(i ? "; " : " (", out);
        md(out, m, m->dumps[i].label);
        fputc(' ', out);
        sb_put_count(out, m->dumps[i].goroutines);
        char role[96];
        if (sb_dump_role(r, (uint32_t)i, role, sizeof(role)))
            fprintf(out, ", %s", role);
    }
    fputs(m->ndumps ? ")\n" : "\n", out);
    md_races(out, r);
    for (size_t c = 0; c < b->nchains && c < 3; c++) {
        const sb_chain *ch = &b->chains[c];
        fprintf(out, "\n### Chain %zu: blocks ", c + 1);
        sb_put_count(out, ch->blocked);
        fprintf(out, " goroutine%s, confidence %s (%s)\n\n", ch->blocked == 1 ? "" : "s",
                sb_conf_name((enum sb_conf)ch->conf), sb_infer((enum sb_rule_id)ch->rule)->name);
        for (uint32_t k = 0; k < ch->nlinks; k++) {
            sb_link l;
            sb_link_get(r, ch->links[k], k + 1 == ch->nlinks, &l);
            fprintf(out, "%u. ", k + 1);
            if (l.root)
                fputs("**ROOT** ", out);
            md_goroutine(out, r, l.g);
            if (l.frame != SB_NONE) {
                fputs(" in ", out);
                md_func(out, m, sb_frame_get(m, l.frame)->func);
            }
            if (l.name) {
                fputs(" (", out);
                md(out, m, l.name);
                fputc(')', out);
            }
            fputc('\n', out);
            const sb_target *t = l.target != SB_NONE ? &r->graph->targets[l.target] : NULL;
            if (t && (!l.root || t->holder == SB_NONE)) {
                fputs("    - waits for ", out);
                md(out, m, t->what);
                fprintf(out, " (confidence %s, %s)\n", sb_conf_name((enum sb_conf)t->conf),
                        sb_infer((enum sb_rule_id)t->rule)->name);
                md_evidence(out, r, t);
            } else if (l.root) {
                fprintf(out, "    - waits on: %s", sb_wait_kind_name((enum sb_wait_kind)l.kind));
                if (l.detail) {
                    fputc(' ', out);
                    md(out, m, l.detail);
                }
                fputc('\n', out);
            }
            md_stack(out, r, l.g);
        }
    }
    for (size_t c = 0; c < b->ncycles; c++) {
        const sb_cycle *cy = &b->cycles[c];
        fprintf(out, "\n### Deadlock %zu (confidence %s, %s)\n\n", c + 1,
                sb_conf_name((enum sb_conf)cy->conf), sb_infer((enum sb_rule_id)cy->rule)->name);
        for (uint32_t k = 0; k < cy->n; k++) {
            sb_link l;
            sb_link_get(r, cy->members[k], false, &l);
            fprintf(out, "%u. ", k + 1);
            md_goroutine(out, r, l.g);
            if (l.frame != SB_NONE) {
                fputs(" in ", out);
                md_func(out, m, sb_frame_get(m, l.frame)->func);
            }
            fputc('\n', out);
            if (l.target != SB_NONE) {
                const sb_target *t = &r->graph->targets[l.target];
                fputs("    - waits for ", out);
                md(out, m, t->what);
                fputc('\n', out);
                md_evidence(out, r, t);
            }
            md_stack(out, r, l.g);
        }
    }
    md_stuck(out, r);
}
