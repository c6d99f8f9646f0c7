/* report_md.c: a report to paste into an incident ticket: one summary
 * line, the chain as a list with its evidence, each stack of the chain in a
 * collapsed <details> block. Everything from the input is escaped so it
 * renders as text: no HTML, no links, no markup. */
#define _GNU_SOURCE /* memrchr */
#include <inttypes.h>
#include <string.h>
#include "stackblame/escape.h"
#include "stackblame/fingerprint.h"
#include "stackblame/report.h"

#define MD_CHAINS_SHOWN  3
#define MD_GROUPS_SHOWN  5
#define MD_CHANGES_SHOWN 10

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

/* A goroutine's stack, collapsed, as the body of a list item indented by
 * `indent` columns. CommonMark ends an HTML block at a blank line and a
 * list item at a line indented less than its content: blank lines around
 * the block and the item's indent on every line keep both whole. */
static void md_stack(FILE *out, const sb_report *r, uint32_t gi, int indent)
{
    const sb_model *m = r->m;
    const sb_goroutine *g = &m->goroutines[gi];
    const sb_stack *st = sb_stack_get(m, g->stack);
    fprintf(out, "\n%*s<details><summary>stack</summary>\n\n%*s<pre>\n", indent, "", indent, "");
    for (uint32_t i = 0; i < st->nframes; i++) {
        const sb_frame *f = sb_frame_get(m, st->frames[i]);
        fprintf(out, "%*s", indent, "");
        html(out, m, f->func);
        fputc('(', out);
        html_arg(out, m, sb_goroutine_arg(m, g, i));
        fprintf(out, ")\n%*s    ", indent, "");
        html(out, m, f->file);
        fprintf(out, ":%u\n", f->line);
    }
    fprintf(out, "%*s</pre>\n\n%*s</details>\n\n", indent, "", indent, "");
}

static void md_evidence(FILE *out, const sb_report *r, const sb_target *t, int indent)
{
    for (uint32_t k = 0; k < t->nev; k++) {
        fprintf(out, "%*s  - ", indent, "");
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
        int indent = fprintf(out, "%zu. ", k + 1);
        sb_put_count(out, s->count);
        fputs(" x ", out);
        md_goroutine(out, r, s->members[0]);
        if (s->frame != SB_NONE) {
            fputs(" in ", out);
            md_func(out, m, sb_frame_get(m, s->frame)->func);
        }
        char fp[SB_FP_TEXT];
        fprintf(out, " (%s, confidence %s, fingerprint %s)\n%*s- ",
                sb_infer((enum sb_rule_id)s->rule)->name, sb_conf_name((enum sb_conf)s->conf),
                sb_fp_text(sb_fp_stuck(m, s), fp), indent, "");
        md(out, m, s->evidence);
        fputc('\n', out);
        if (s->nmembers > 1 && m->dumps[s->dump].format != SB_FMT_DEBUG1) {
            fprintf(out, "%*s- goroutines ", indent, "");
            for (uint32_t i = 0; i < s->nmembers && i < 20; i++)
                fprintf(out, i ? ", %" PRIu64 : "%" PRIu64, m->goroutines[s->members[i]].id);
            if (s->nmembers > 20)
                fprintf(out, " and %u more", s->nmembers - 20);
            fputc('\n', out);
        }
        md_stack(out, r, s->members[0], indent);
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
    char who[64];
    fputs(sb_race_who(a, who, sizeof(who)), out);
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
        char fp[SB_FP_TEXT];
        fprintf(out, " (fingerprint %s)\n", sb_fp_text(sb_fp_crash(m, c), fp));
    }
    fputs("\n**Diagnosis:** ", out);
}

/* The heading: what the report leads with, every format alike. */
static void md_lead(FILE *out, const sb_report *r)
{
    const sb_blame *b = r->blame;
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
        md_stuck_headline(out, r, &r->stuck->v[0]);
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
}

/* "3 dumps, 146 goroutines (kubelet 60; ...)", snapshots and fragments said. */
static void md_dumps(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
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
    for (size_t i = 0; i < m->ninputs; i++)
        if (m->inputs[i].error) {
            fputs("\n- not analysed: ", out);
            md(out, m, m->inputs[i].path);
            fputs(": ", out);
            md(out, m, m->inputs[i].error);
            fputc('\n', out);
        }
}

/* "goroutine 67" or "record 4" of the goroutine a link waits for. */
static void md_holder(FILE *out, const sb_report *r, const sb_target *t)
{
    const sb_model *m = r->m;
    if (t->holder == SB_NONE) {
        fputs(", holder not in the dump", out);
        return;
    }
    const sb_goroutine *h = &m->goroutines[t->holder];
    if (m->dumps[h->dump].format == SB_FMT_DEBUG1)
        fprintf(out, ", held by record %u", t->holder - m->dumps[h->dump].first + 1);
    else
        fprintf(out, ", held by goroutine %" PRIu64, h->id);
}

/* One link: a list item naming the goroutine, where it waits, what it
 * waits for and who holds it, the evidence, the stack. */
static void md_link(FILE *out, const sb_report *r, uint32_t k, const sb_link *l, bool in_chain)
{
    const sb_model *m = r->m;
    int indent = fprintf(out, "%u. ", k + 1);
    if (l->root)
        fputs("**root:** ", out);
    md_goroutine(out, r, l->g);
    if (l->frame != SB_NONE) {
        fputs(" in ", out);
        md_func(out, m, sb_frame_get(m, l->frame)->func);
    }
    if (l->name) {
        fputs(" (", out);
        md(out, m, l->name);
        fputc(')', out);
    }
    fputc('\n', out);
    const sb_target *t = l->target != SB_NONE ? &r->graph->targets[l->target] : NULL;
    if (t && (!l->root || t->holder == SB_NONE)) {
        fprintf(out, "%*s- waits for ", indent, "");
        md(out, m, t->what);
        if (!l->root)
            md_holder(out, r, t);
        if (in_chain)
            fprintf(out, " (confidence %s, %s)", sb_conf_name((enum sb_conf)t->conf),
                    sb_infer((enum sb_rule_id)t->rule)->name);
        fputc('\n', out);
        md_evidence(out, r, t, indent);
    } else if (l->root) {
        fprintf(out, "%*s- waits on: %s", indent, "",
                sb_wait_kind_name((enum sb_wait_kind)l->kind));
        if (l->detail) {
            fputc(' ', out);
            md(out, m, l->detail);
        }
        fputc('\n', out);
    }
    md_stack(out, r, l->g, indent);
}

static void md_chain(FILE *out, const sb_report *r, const sb_chain *ch, size_t c)
{
    char fp[SB_FP_TEXT];
    fprintf(out, "\n### Chain %zu: blocks ", c + 1);
    sb_put_count(out, ch->blocked);
    fprintf(out, " goroutine%s, confidence %s (%s), fingerprint %s\n\n",
            ch->blocked == 1 ? "" : "s", sb_conf_name((enum sb_conf)ch->conf),
            sb_infer((enum sb_rule_id)ch->rule)->name,
            sb_fp_text(sb_fp_chain(r->m, r->classes, ch), fp));
    for (uint32_t k = 0; k < ch->nlinks; k++) {
        sb_link l;
        sb_link_get(r, ch->links[k], k + 1 == ch->nlinks, &l);
        md_link(out, r, k, &l, true);
    }
}

static void md_cycle(FILE *out, const sb_report *r, const sb_cycle *cy, size_t c)
{
    char fp[SB_FP_TEXT];
    fprintf(out, "\n### Deadlock %zu (confidence %s, %s), fingerprint %s\n\n", c + 1,
            sb_conf_name((enum sb_conf)cy->conf), sb_infer((enum sb_rule_id)cy->rule)->name,
            sb_fp_text(sb_fp_cycle(r->m, r->classes, cy), fp));
    for (uint32_t k = 0; k < cy->n; k++) {
        sb_link l;
        sb_link_get(r, cy->members[k], false, &l);
        md_link(out, r, k, &l, false);
    }
}

/* The largest groups of identical goroutines of each dump, collapsed:
 * what the process was doing, even when nothing was found. */
static void md_groups(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    const sb_groups *gs = r->groups;
    size_t shown = 0;
    for (size_t k = 0; gs && k < gs->n; k++) {
        const sb_group *g = &gs->v[k];
        if (k > 0 && gs->v[k - 1].dump == g->dump && shown >= MD_GROUPS_SHOWN)
            continue;
        if (k == 0 || gs->v[k - 1].dump != g->dump) {
            fprintf(out, "\n### Largest groups of [%u] ", g->dump + 1);
            md(out, m, m->dumps[g->dump].label);
            fputs("\n\n", out);
            shown = 0;
        }
        shown++;
        int indent = fprintf(out, "- ");
        sb_put_count(out, g->count);
        fputs(" x [", out);
        md(out, m, g->state);
        if (g->min_wait >= 0)
            fprintf(out, g->min_wait == g->max_wait ? ", %d min" : ", %d~%d min", g->min_wait,
                    g->max_wait);
        fputs("]", out);
        int f = sb_first_user_frame(m, sb_stack_get(m, g->stack));
        if (f >= 0) {
            fputs(" in ", out);
            md_func(out, m, sb_frame_get(m, sb_stack_get(m, g->stack)->frames[f])->func);
        }
        fputc('\n', out);
        md_stack(out, r, g->first, indent);
    }
}

/* What changed from a series' first snapshot to its last, as a table. */
static void md_changes(FILE *out, const sb_report *r)
{
    const sb_series *se = r->series;
    const sb_model *m = r->m;
    if (!se || !se->nchanges)
        return;
    fputs("\n### Changes from the first snapshot to the last\n\n"
          "| dump | change | first | last | state | function |\n"
          "| --- | --- | ---: | ---: | --- | --- |\n",
          out);
    for (size_t i = 0; i < se->nchanges && i < MD_CHANGES_SHOWN; i++) {
        const sb_change *c = &se->changes[i];
        const sb_goroutine *g = &m->goroutines[c->goroutine];
        fprintf(out, "| [%u] | %s | %" PRIu64 " | %" PRIu64 " | ", g->dump + 1, sb_change_name(c),
                c->first, c->last);
        md(out, m, g->state);
        fputs(" | ", out);
        uint32_t f = sb_link_frame(m, r->classes, c->goroutine);
        if (f != SB_NONE)
            md_func(out, m, sb_frame_get(m, f)->func);
        fputs(" |\n", out);
    }
    for (size_t t = 0; t < r->graph->ntargets; t++) {
        uint32_t h = r->graph->targets[t].holder;
        if (h != SB_NONE && sb_holder_unmoved(r, h))
            fprintf(out,
                    "\n- did not move: goroutine %" PRIu64 " of [%u] (same stack in all %u "
                    "snapshots)\n",
                    m->goroutines[h].id, m->goroutines[h].dump + 1, m->goroutines[h].seen);
    }
}

void sb_report_markdown(FILE *out, const sb_report *r)
{
    const sb_blame *b = r->blame;
    if (r->crashes && r->crashes->n)
        md_crashes(out, r);
    else
        fputs("## stackblame: ", out);
    md_lead(out, r);
    md_dumps(out, r);
    md_races(out, r);
    for (size_t c = 0; c < b->nchains && c < MD_CHAINS_SHOWN; c++)
        md_chain(out, r, &b->chains[c], c);
    for (size_t c = 0; c < b->ncycles; c++)
        md_cycle(out, r, &b->cycles[c], c);
    md_stuck(out, r);
    md_changes(out, r);
    md_groups(out, r);
}
