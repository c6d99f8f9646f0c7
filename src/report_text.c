/* report_text.c: the default human report: a summary of the dumps, then
 * per dump the groups of identical goroutines, largest first. */
#include <stdlib.h>
#include <string.h>
#include "stackblame/escape.h"
#include "stackblame/fingerprint.h"
#include "stackblame/report.h"

#define C_BOLD   "\033[1m"
#define C_DIM    "\033[2m"
#define C_YELLOW "\033[33m"
#define C_RESET  "\033[0m"

static void put_str(FILE *out, const sb_model *m, uint32_t id)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    sb_put_text(out, s, n);
}

static void color(FILE *out, const sb_report *r, const char *code)
{
    if (r->color)
        fputs(code, out);
}

/* The last two elements of a path: enough to find the file, short enough to read. */
static void put_short_path(FILE *out, const char *s, size_t n)
{
    size_t i = sb_short_path_start(s, n);
    sb_put_text(out, s + i, n - i);
}

static void put_short_file(FILE *out, const sb_model *m, uint32_t id)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    put_short_path(out, s, n);
}

static void put_dump_name(FILE *out, const sb_report *r, uint32_t di)
{
    const sb_dump *d = &r->m->dumps[di];
    fprintf(out, "[%u] ", di + 1);
    put_str(out, r->m, d->label);
}

#define C_RED              "\033[1;31m"
#define C_CYAN             "\033[36m"
#define MAX_CHAINS_SHOWN   2 /* the ways in are all named under the root */
#define MAX_WAYS_SHOWN     4
#define MAX_STUCK_SHOWN    10
#define MAX_RACES_SHOWN    10
#define MAX_EVIDENCE_SHOWN 2
#define MAX_CHANGES_SHOWN  8

/* "[syscall, 1595 min, locked to thread]" */
static void put_state(FILE *out, const sb_report *r, const sb_goroutine *g)
{
    const sb_model *m = r->m;
    color(out, r, C_YELLOW);
    fputc('[', out);
    if (m->dumps[g->dump].format == SB_FMT_DEBUG1)
        fprintf(out, "debug=1 record of %u", g->count);
    else
        put_str(out, m, g->state);
    if (g->wait_minutes >= 0)
        fprintf(out, ", %d min", g->wait_minutes);
    if (g->flags & SB_G_LOCKED)
        fputs(", locked to thread", out);
    fputc(']', out);
    color(out, r, C_RESET);
}

static void put_func_short(FILE *out, const sb_model *m, uint32_t func)
{
    size_t n, sl;
    const char *full = sb_str(m, func, &n);
    const char *s = sb_func_short(full, n, &sl);
    sb_put_text(out, s, sl);
}

/* "syscall recvfrom", "IO wait", or the dangling target of a root. */
static void put_root_wait(FILE *out, const sb_report *r, const sb_link *l)
{
    const sb_model *m = r->m;
    if (l->target != SB_NONE && r->graph->targets[l->target].holder == SB_NONE) {
        fputs("waits for ", out);
        put_str(out, m, r->graph->targets[l->target].what);
        fputs(" (not in the input)", out);
        return;
    }
    fputs(sb_wait_kind_name((enum sb_wait_kind)l->kind), out);
    if (l->detail) {
        fputc(' ', out);
        put_str(out, m, l->detail);
    }
}

/* The evidence of a link: the first MAX_EVIDENCE_SHOWN sentences (the
 * rule's own and the strongest after it), all of them with --full. */
static void put_evidence(FILE *out, const sb_report *r, const sb_target *t, const char *indent)
{
    uint32_t n = r->set.full || t->nev <= MAX_EVIDENCE_SHOWN ? t->nev : MAX_EVIDENCE_SHOWN;
    for (uint32_t k = 0; k < n; k++) {
        fputs(indent, out);
        put_str(out, r->m, r->graph->evidence[t->ev_first + k]);
        fputc('\n', out);
    }
}

/* One link. shown: per graph target, whether a link above showed its
 * evidence already (NULL: show it); a link waiting on the same lock or
 * call as one above names the holder and leaves the evidence there. */
static void put_link(FILE *out, const sb_report *r, const sb_link *l, bool *shown)
{
    const sb_model *m = r->m;
    const sb_goroutine *g = &m->goroutines[l->g];
    fprintf(out, "  [%u]", g->dump + 1);
    if (m->dumps[g->dump].format == SB_FMT_DEBUG1)
        fputs(" record ", out);
    else
        fprintf(out, " g %llu ", (unsigned long long)g->id);
    put_state(out, r, g);
    fputs("  ", out);
    if (l->frame != SB_NONE)
        put_func_short(out, m, sb_frame_get(m, l->frame)->func);
    if (l->name) {
        fputs(" (", out);
        put_str(out, m, l->name);
        fputc(')', out);
    }
    if (m->dumps[g->dump].series != SB_NONE)
        fprintf(out, "  [same stack in %u/%u snapshots]", g->seen, m->dumps[g->dump].snapshot + 1);
    if (l->root) {
        color(out, r, C_RED);
        fputs("  ROOT", out);
        color(out, r, C_RESET);
        fputs("\n      ", out);
        put_root_wait(out, r, l);
        fputc('\n', out);
        if (l->target != SB_NONE && r->graph->targets[l->target].holder == SB_NONE)
            put_evidence(out, r, &r->graph->targets[l->target], "         ");
        return;
    }
    fputc('\n', out);
    if (l->target == SB_NONE)
        return;
    const sb_target *t = &r->graph->targets[l->target];
    color(out, r, C_CYAN);
    fputs("      -> waits for ", out);
    put_str(out, m, t->what);
    color(out, r, C_RESET);
    if (t->waiters > 1) {
        fputs(" (", out);
        sb_put_count(out, t->waiters);
        fputs(" waiters)", out);
    }
    const char *who = sb_wait_is_lock((enum sb_wait_kind)t->kind) ? "suspected holder"
                      : t->kind == SB_WAIT_RPC                    ? "served by"
                                                                  : "started";
    const char *conf = sb_conf_name((enum sb_conf)t->conf);
    const char *rule = sb_infer((enum sb_rule_id)t->rule)->name;
    if (t->holder != SB_NONE && m->dumps[m->goroutines[t->holder].dump].format == SB_FMT_DEBUG1)
        fprintf(out, ": %s the record at line %llu (%s, %s)\n", who,
                (unsigned long long)m->goroutines[t->holder].line_no, conf, rule);
    else if (t->holder != SB_NONE)
        fprintf(out, ": %s g %llu (%s, %s)\n", who, (unsigned long long)m->goroutines[t->holder].id,
                conf, rule);
    else if (sb_wait_is_lock((enum sb_wait_kind)t->kind))
        fprintf(out, ": holder not found; the waiters queue behind the oldest one (%s)\n", rule);
    else
        fprintf(out, ": not in the input (%s)\n", rule);
    if (!shown || !shown[l->target])
        put_evidence(out, r, t, "         ");
    if (shown)
        shown[l->target] = true;
}

/* A chain's entry group: a name, the handlers of a method, a function. */
static void put_entry(FILE *out, const sb_report *r, const sb_chain *ch)
{
    const sb_goroutine *g = &r->m->goroutines[ch->links[0]];
    if (!ch->entry)
        return;
    if (ch->entry == r->classes->stacks[g->stack].serves) {
        fputs("handlers of ", out);
        put_str(out, r->m, ch->entry);
    } else {
        put_func_short(out, r->m, ch->entry);
    }
}

/* What the verdict showed already, so that it says each thing once. */
typedef struct sb_shown {
    uint32_t *chain_of; /* per goroutine: the chain (1-based) that showed it, 0 none */
    bool *target;       /* per graph target: its evidence was shown */
} sb_shown;

/* A chain, one link a line. A chain that joins one shown above stops
 * there and says so, instead of repeating its links. */
static void put_chain(FILE *out, const sb_report *r, const sb_chain *ch, size_t index,
                      sb_shown *seen)
{
    fprintf(out, "\nChain %zu: blocks ", index + 1);
    sb_put_count(out, ch->blocked);
    fprintf(out, " goroutine%s", ch->blocked == 1 ? "" : "s");
    if (ch->max_wait >= 0)
        fprintf(out, " for up to %d min", ch->max_wait);
    char fp[SB_FP_TEXT];
    fprintf(out, ", confidence %s (%s)\n", sb_conf_name((enum sb_conf)ch->conf),
            sb_infer((enum sb_rule_id)ch->rule)->name);
    fprintf(out, "  fingerprint %s, way in: ", sb_fp_text(sb_fp_chain(r->m, r->classes, ch), fp));
    put_entry(out, r, ch);
    fputs(" (", out);
    sb_put_count(out, ch->entries);
    fprintf(out, " goroutine%s)%s\n", ch->entries == 1 ? "" : "s",
            ch->transient ? "; no wait times printed: may be passing" : "");
    uint32_t prev_dump = SB_NONE;
    for (uint32_t k = 0; k < ch->nlinks; k++) {
        uint32_t gi = ch->links[k];
        if (k > 0 && seen->chain_of[gi]) {
            fprintf(out, "  ... then as chain %u from g %llu\n", seen->chain_of[gi],
                    (unsigned long long)r->m->goroutines[gi].id);
            return;
        }
        if (!seen->chain_of[gi])
            seen->chain_of[gi] = (uint32_t)index + 1;
        sb_link l;
        sb_link_get(r, gi, k + 1 == ch->nlinks, &l);
        uint32_t d = r->m->goroutines[l.g].dump;
        if (prev_dump != SB_NONE && d != prev_dump) {
            fputs("  ======== process boundary: ", out);
            put_str(out, r->m, r->m->dumps[prev_dump].label);
            fputs(" -> ", out);
            put_str(out, r->m, r->m->dumps[d].label);
            fputs(" ========\n", out);
        }
        prev_dump = d;
        put_link(out, r, &l, seen->target);
    }
}

static void put_cycles(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    for (size_t i = 0; i < r->blame->ncycles; i++) {
        const sb_cycle *cy = &r->blame->cycles[i];
        fputc('\n', out);
        color(out, r, C_RED);
        fputs("Deadlock: ", out);
        color(out, r, C_RESET);
        for (uint32_t k = 0; k <= cy->n; k++) {
            const sb_goroutine *g = &m->goroutines[cy->members[k % cy->n]];
            fputs(k ? " -> " : "", out);
            if (m->dumps[g->dump].format == SB_FMT_DEBUG1) /* records have no id */
                fprintf(out, "record at line %llu", (unsigned long long)g->line_no);
            else
                fprintf(out, "g %llu", (unsigned long long)g->id);
        }
        fputs(" in ", out);
        put_dump_name(out, r, cy->dump);
        char fp[SB_FP_TEXT];
        fprintf(out, " (confidence %s, %s, fingerprint %s)\n", sb_conf_name((enum sb_conf)cy->conf),
                sb_infer((enum sb_rule_id)cy->rule)->name,
                sb_fp_text(sb_fp_cycle(m, r->classes, cy), fp));
        for (uint32_t k = 0; k < cy->n; k++) {
            sb_link l;
            sb_link_get(r, cy->members[k], false, &l);
            put_link(out, r, &l, NULL);
        }
    }
}

/* The function a change's goroutines show, else their first frame. */
static void put_change_func(FILE *out, const sb_report *r, uint32_t gi)
{
    uint32_t f = sb_link_frame(r->m, r->classes, gi);
    if (f != SB_NONE)
        put_func_short(out, r->m, sb_frame_get(r->m, f)->func);
}

/* What changed from a series' first snapshot to its last: the largest
 * changes of groups, then the holders that did not move. */
static void put_changes(FILE *out, const sb_report *r)
{
    const sb_series *se = r->series;
    const sb_model *m = r->m;
    for (size_t i = 0; se && i < se->nchanges && i < MAX_CHANGES_SHOWN; i++) {
        const sb_change *c = &se->changes[i];
        const sb_goroutine *g = &m->goroutines[c->goroutine];
        if (i == 0)
            fputs("\nChanges from the first snapshot to the last\n", out);
        fprintf(out, "  [%u] %-8s %6llu -> %-6llu ", g->dump + 1, sb_change_name(c),
                (unsigned long long)c->first, (unsigned long long)c->last);
        put_state(out, r, g);
        fputs("  ", out);
        put_change_func(out, r, c->goroutine);
        fputc('\n', out);
    }
    if (se && se->nchanges > MAX_CHANGES_SHOWN)
        fprintf(out, "  ... %zu more (--format json lists all)\n",
                se->nchanges - MAX_CHANGES_SHOWN);
    size_t said = 0;
    for (size_t t = 0; se && se->nseries && t < r->graph->ntargets; t++) {
        uint32_t h = r->graph->targets[t].holder;
        if (h == SB_NONE || !sb_holder_unmoved(r, h) || said >= MAX_CHANGES_SHOWN)
            continue;
        fprintf(out, said++ ? "" : "  holders that did not move:\n");
        fprintf(out, "    [%u] g %llu ", m->goroutines[h].dump + 1,
                (unsigned long long)m->goroutines[h].id);
        put_state(out, r, &m->goroutines[h]);
        fputs("  ", out);
        put_change_func(out, r, h);
        fprintf(out, "  (same stack in all %u snapshots)\n", m->goroutines[h].seen);
    }
}

/* Groups that grew in every snapshot of a process: goroutine leaks. */
static void put_leaks(FILE *out, const sb_report *r)
{
    const sb_series *se = r->series;
    for (size_t i = 0; se && i < se->nleaks; i++) {
        const sb_leak *l = &se->leaks[i];
        if (i == 0)
            fputs("\nGrowing across snapshots (leak suspects)\n", out);
        fputs("  ", out);
        put_dump_name(out, r, l->last_dump);
        fputs(" ", out);
        for (uint32_t k = 0; k < se->nsnapshots[l->series]; k++) {
            if (k)
                fputs(" -> ", out);
            sb_put_count(out, l->counts[k]);
        }
        fputs(" goroutines at ", out);
        uint32_t f = sb_link_frame(r->m, r->classes, l->first_goroutine);
        if (f != SB_NONE)
            put_func_short(out, r->m, sb_frame_get(r->m, f)->func);
        fputc('\n', out);
    }
}

/* The top chain's root, with every way into it (its chains' entries). */
static void put_root(FILE *out, const sb_report *r, const sb_chain *ch)
{
    const sb_blame *b = r->blame;
    sb_link l;
    sb_link_get(r, ch->links[ch->nlinks - 1], true, &l);
    const sb_goroutine *g = &r->m->goroutines[l.g];
    fputc('\n', out);
    color(out, r, C_BOLD);
    fputs("Suspected root: ", out);
    put_dump_name(out, r, g->dump);
    if (r->m->dumps[g->dump].format == SB_FMT_DEBUG1)
        fprintf(out, " record at line %llu ", (unsigned long long)g->line_no);
    else
        fprintf(out, " goroutine %llu ", (unsigned long long)g->id);
    color(out, r, C_RESET);
    put_state(out, r, g);
    fputs("\n  ", out);
    put_root_wait(out, r, &l);
    if (l.frame != SB_NONE) {
        fputs(" in ", out);
        put_func_short(out, r->m, sb_frame_get(r->m, l.frame)->func);
    }
    fputs("\n  blocks ", out);
    sb_put_count(out, ch->blocked);
    fprintf(out, " goroutine%s (confidence: %s)", ch->blocked == 1 ? "" : "s",
            sb_conf_name((enum sb_conf)ch->conf));
    size_t ways = 0;
    for (size_t i = 0; i < b->nchains; i++)
        ways += b->chains[i].links[b->chains[i].nlinks - 1] == l.g;
    if (ways > 1) {
        fprintf(out, ", %zu ways in:", ways);
        size_t shown = 0;
        for (size_t i = 0; i < b->nchains && shown < MAX_WAYS_SHOWN; i++) {
            const sb_chain *c = &b->chains[i];
            if (c->links[c->nlinks - 1] != l.g)
                continue;
            fputs(shown++ ? ", " : " ", out);
            put_entry(out, r, c);
            fputs(" (", out);
            sb_put_count(out, c->entries);
            fputc(')', out);
        }
        if (ways > shown)
            fprintf(out, " and %zu more", ways - shown);
    }
    fputc('\n', out);
}

/* The most certain of the findings leads: a chain, a deadlock, or a
 * goroutine stuck by itself. */
static void put_headline(FILE *out, const sb_report *r)
{
    const sb_blame *b = r->blame;
    switch (sb_report_lead(r)) {
    case SB_LEAD_CHAIN:
        put_root(out, r, &b->chains[0]);
        break;
    case SB_LEAD_CYCLE:
        fprintf(out, "\nDeadlock: %zu cycle%s of goroutines waiting for each other, below.\n",
                b->ncycles, b->ncycles == 1 ? "" : "s");
        break;
    case SB_LEAD_STUCK: {
        const sb_stuck *s = &r->stuck->v[0];
        fputc('\n', out);
        color(out, r, C_BOLD);
        fputs("Stuck: ", out);
        color(out, r, C_RESET);
        sb_put_count(out, s->count);
        fputs(" goroutine", out);
        fputs(s->count == 1 ? " in " : "s in ", out);
        if (s->frame != SB_NONE)
            put_func_short(out, r->m, sb_frame_get(r->m, s->frame)->func);
        fprintf(out, " (%s, confidence %s)\n  ", sb_infer((enum sb_rule_id)s->rule)->name,
                sb_conf_name((enum sb_conf)s->conf));
        put_str(out, r->m, s->evidence);
        fputc('\n', out);
        break;
    }
    case SB_LEAD_LOW_CHAIN:
        fputs("\nNothing is surely stuck: the largest chain below blocks ", out);
        sb_put_count(out, b->chains[0].blocked);
        fprintf(out, " at low confidence (%s).\n",
                sb_infer((enum sb_rule_id)b->chains[0].rule)->name);
        break;
    case SB_LEAD_LOW_OTHER:
        fputs("\nNothing is surely stuck: the findings below are of low confidence.\n", out);
        break;
    case SB_LEAD_NOTHING:
        fputs("\nNo goroutine blocks others, and none looks stuck.\n", out);
        break;
    }
}

/* The top chains, and past them any that starts at a loop the service's
 * health rests on (the PLEG relist). */
static void put_chains(FILE *out, const sb_report *r, sb_shown *seen)
{
    const sb_blame *b = r->blame;
    size_t hidden = 0;
    for (size_t i = 0; i < b->nchains; i++) {
        if (i < MAX_CHAINS_SHOWN || b->chains[i].critical)
            put_chain(out, r, &b->chains[i], i, seen);
        else
            hidden++;
    }
    if (hidden)
        fprintf(out, "\n... %zu more chain%s (--format json lists all)\n", hidden,
                hidden == 1 ? "" : "s");
}

/* Goroutines that nothing will wake, a finding a line, then its evidence. */
/* chain_of: per goroutine, the chain that showed it; a finding about a
 * goroutine of a chain above (its root, stalled) is not said twice. */
static void put_stuck(FILE *out, const sb_report *r, const uint32_t *chain_of)
{
    const sb_model *m = r->m;
    size_t said = 0;
    for (size_t k = 0; r->stuck && k < r->stuck->n && k < MAX_STUCK_SHOWN; k++) {
        const sb_stuck *s = &r->stuck->v[k];
        const sb_goroutine *g = &m->goroutines[s->members[0]];
        uint32_t on_chain = 0;
        while (on_chain < s->nmembers && chain_of[s->members[on_chain]])
            on_chain++;
        if (on_chain == s->nmembers)
            continue;
        if (said++ == 0) {
            color(out, r, C_BOLD);
            fputs("\nStuck: nothing will wake these\n", out);
            color(out, r, C_RESET);
        }
        fputs("  ", out);
        sb_put_count(out, s->count);
        fputs(" x ", out);
        put_dump_name(out, r, s->dump);
        fputs("  ", out);
        put_state(out, r, g);
        fputs("  ", out);
        if (s->frame != SB_NONE)
            put_func_short(out, m, sb_frame_get(m, s->frame)->func);
        char fp[SB_FP_TEXT];
        fprintf(out, "  (%s, %s, fingerprint %s)\n", sb_infer((enum sb_rule_id)s->rule)->name,
                sb_conf_name((enum sb_conf)s->conf), sb_fp_text(sb_fp_stuck(m, s), fp));
        fputs("      ", out);
        put_str(out, m, s->evidence);
        fputc('\n', out);
        if (m->dumps[s->dump].format != SB_FMT_DEBUG1) {
            fputs(s->nmembers == 1 ? "      goroutine " : "      goroutines ", out);
            uint32_t shown = 0;
            for (; shown < s->nmembers && shown < 8; shown++)
                fprintf(out, shown ? ", %llu" : "%llu",
                        (unsigned long long)m->goroutines[s->members[shown]].id);
            if (s->nmembers > shown)
                fprintf(out, " (+%u more)", s->nmembers - shown);
            fputc('\n', out);
        }
    }
    if (r->stuck && r->stuck->n > MAX_STUCK_SHOWN)
        fprintf(out, "  ... %zu more (--format json lists all)\n", r->stuck->n - MAX_STUCK_SHOWN);
}

static void put_summary(FILE *out, const sb_report *r)
{
    if (!r->blame)
        return;
    sb_shown seen = {sb_xcalloc(r->m->ngoroutines + 1, sizeof(uint32_t)),
                     sb_xcalloc(r->graph->ntargets + 1, sizeof(bool))};
    put_headline(out, r);
    put_chains(out, r, &seen);
    put_cycles(out, r);
    put_stuck(out, r, seen.chain_of);
    put_leaks(out, r);
    put_changes(out, r);
    free(seen.chain_of);
    free(seen.target);
}

/* A frame line: lead, the function, its arguments when lead is "" (none
 * when NULL), the file. */
static void put_frame(FILE *out, const sb_report *r, uint32_t frame_id, uint32_t args,
                      const char *lead)
{
    const sb_model *m = r->m;
    const sb_frame *f = sb_frame_get(m, frame_id);
    fprintf(out, "    %s", lead ? lead : "");
    put_str(out, m, f->func);
    if (lead && !*lead) {
        char buf[SB_ARG_TEXT_MAX];
        size_t n;
        const char *a = sb_arg_text(m, args, buf, &n);
        fputc('(', out);
        sb_put_text(out, a, n);
        fputc(')', out);
    }
    if (f->file) {
        color(out, r, C_DIM);
        fputs("  ", out);
        put_short_file(out, m, f->file);
        fprintf(out, ":%u", f->line);
        color(out, r, C_RESET);
    }
    fputc('\n', out);
}

static void put_group(FILE *out, const sb_report *r, const sb_groups *gs, const sb_group *g)
{
    const sb_model *m = r->m;
    const sb_goroutine *first = &m->goroutines[g->first];
    const sb_dump *d = &m->dumps[g->dump];
    color(out, r, C_BOLD);
    sb_put_count(out, g->count);
    fputs(" x ", out);
    color(out, r, C_RESET);
    color(out, r, C_YELLOW);
    fputc('[', out);
    if (d->format == SB_FMT_DEBUG1)
        fputs("debug=1 record", out);
    else
        put_str(out, m, g->state);
    if (g->max_wait >= 0) {
        if (g->min_wait == g->max_wait)
            fprintf(out, ", %d min", g->max_wait);
        else
            fprintf(out, ", %d~%d min", g->min_wait, g->max_wait);
    }
    if (g->locked)
        fprintf(out, g->locked == g->members ? ", locked to thread" : ", %u locked to thread",
                g->locked);
    fputc(']', out);
    color(out, r, C_RESET);
    if (g->truncated)
        fprintf(out, " (%u truncated)", g->truncated);
    if (d->format != SB_FMT_DEBUG1) {
        fputs(g->members == 1 ? " goroutine " : " goroutines ", out);
        uint32_t shown = 0;
        for (uint32_t i = g->first; i != SB_NONE && shown < 8; i = gs->next[i], shown++)
            fprintf(out, shown ? ", %llu" : "%llu", (unsigned long long)m->goroutines[i].id);
        if (g->members > shown)
            fprintf(out, " (+%u more)", g->members - shown);
    }
    fputc('\n', out);
    /* The runtime's own frames and the argument words say little to a
     * reader of a group; --full shows them. */
    const sb_stack *st = sb_stack_get(m, g->stack);
    for (uint32_t i = 0; i < st->nframes; i++) {
        size_t n;
        const char *f = sb_str(m, sb_frame_get(m, st->frames[i])->func, &n);
        if (!r->set.full && sb_func_is_runtime(f, n) && i + 1 < st->nframes)
            continue;
        put_frame(out, r, st->frames[i], sb_goroutine_arg(m, first, i), r->set.full ? "" : NULL);
    }
    if (first->flags & SB_G_ELIDED)
        fputs("    ...frames elided...\n", out);
    if (first->flags & SB_G_OTHER_THREAD)
        fputs("    (running on another thread; stack unavailable)\n", out);
    if (first->created_by != SB_NONE)
        put_frame(out, r, first->created_by, 0, "created by ");
    fputc('\n', out);
}

/* Inputs that gave nothing, so that a report read apart from stderr
 * still says what it does not cover. */
static void put_inputs_note(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    for (size_t i = 0; i < m->ninputs; i++)
        if (m->inputs[i].error) {
            fputs("  not analysed: ", out);
            put_str(out, m, m->inputs[i].path);
            fputs(": ", out);
            put_str(out, m, m->inputs[i].error);
            fputc('\n', out);
        }
}

/* Which dumps were taken as snapshots of one process, and which repeat
 * another's goroutines: said before any finding that comes from them. */
static void put_series_note(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    uint32_t ns = r->series ? r->series->nseries : 0;
    /* One pass: each series' dumps in order through next[], so that many
     * series cost no more than many dumps. */
    uint32_t *next = sb_xmalloc((m->ndumps + ns + 1) * sizeof(uint32_t));
    uint32_t *last = next + m->ndumps;
    for (uint32_t s = 0; s < ns; s++)
        last[s] = SB_NONE;
    for (uint32_t d = m->ndumps; d-- > 0;) {
        uint32_t s = m->dumps[d].series;
        next[d] = s != SB_NONE && s < ns ? last[s] : SB_NONE;
        if (s != SB_NONE && s < ns)
            last[s] = d;
    }
    for (uint32_t d = 0; d < m->ndumps; d++) {
        if (m->dumps[d].series == SB_NONE || m->dumps[d].snapshot != 0)
            continue;
        fputs("  snapshots of one process:", out);
        uint32_t end = d;
        for (uint32_t k = d; k != SB_NONE; k = next[k]) {
            fprintf(out, " [%u]", k + 1);
            end = k;
        }
        fputc(' ', out);
        put_str(out, m, m->dumps[end].label);
        fputs(r->set.series == SB_SERIES_LATEST ? " (the last one analysed: --latest)\n"
                                                : " (each analysed; --latest for the last only)\n",
              out);
    }
    free(next);
    for (uint32_t d = 0; d < m->ndumps; d++)
        if (m->dumps[d].fragment_of != SB_NONE) {
            char role[96];
            sb_dump_role(r, d, role, sizeof(role));
            fprintf(out, "  [%u] %s\n", d + 1, role);
        }
}

/* "read by goroutine 9 in main.(*cache).lookup at race/main.go:44" */
static void put_race_access(FILE *out, const sb_race_access *a)
{
    char who[64];
    fputs(sb_race_who(a, who, sizeof(who)), out);
    if (a->gstate) {
        fputs(" (", out);
        sb_put_text(out, a->gstate, strlen(a->gstate));
        fputc(')', out);
    }
    const sb_race_frame *f = sb_race_user_frame(a->frames, a->nframes);
    if (f) {
        fputs(" in ", out);
        size_t sl;
        const char *s = sb_func_short(f->func, strlen(f->func), &sl);
        sb_put_text(out, s, sl);
    }
    if (f && f->file) {
        fputs(" at ", out);
        put_short_path(out, f->file, strlen(f->file));
        fprintf(out, ":%u", f->line);
    }
    fputc('\n', out);
}

/* Race-detector reports: the two accesses of each, who and where. */
static void put_races(FILE *out, const sb_report *r)
{
    const sb_races *rs = &r->m->races;
    if (!rs->n)
        return;
    fprintf(out,
            "\nData races: %zu report%s (two goroutines touched the same memory, one "
            "writing)\n",
            rs->n + rs->dropped, rs->n + rs->dropped == 1 ? "" : "s");
    for (size_t k = 0; k < rs->n && k < MAX_RACES_SHOWN; k++) {
        const sb_race *race = &rs->v[k];
        fprintf(out, "  race %zu, ", k + 1);
        put_str(out, r->m, race->source);
        fprintf(out, " line %llu%s:\n", (unsigned long long)race->line_no,
                race->truncated ? " (cut short)" : "");
        for (uint32_t a = 0; a < race->naccess; a++) {
            fputs("    ", out);
            put_race_access(out, &race->access[a]);
        }
    }
    if (rs->n > MAX_RACES_SHOWN)
        fprintf(out, "  ... %zu more (--format json lists all)\n", rs->n - MAX_RACES_SHOWN);
}

/* Crashes first, one line each: why the process died, who and where. */
static void put_crashes(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    for (size_t k = 0; r->crashes && k < r->crashes->n; k++) {
        const sb_crash *c = &r->crashes->v[k];
        color(out, r, C_RED);
        fputs("Crash: ", out);
        color(out, r, C_RESET);
        if (m->ndumps > 1) {
            put_dump_name(out, r, c->dump);
            fputs(": ", out);
        }
        put_str(out, m, c->reason);
        if (c->goroutine != SB_NONE)
            fprintf(out, " (goroutine %llu", (unsigned long long)m->goroutines[c->goroutine].id);
        if (c->goroutine != SB_NONE && c->frame != SB_NONE) {
            const sb_frame *f = sb_frame_get(m, c->frame);
            fputs(" in ", out);
            put_func_short(out, m, f->func);
            if (f->file) {
                fputs(" at ", out);
                put_short_file(out, m, f->file);
                fprintf(out, ":%u", f->line);
            }
        }
        char fp[SB_FP_TEXT];
        fprintf(out, "%sfingerprint %s)\n", c->goroutine != SB_NONE ? ", " : " (",
                sb_fp_text(sb_fp_crash(m, c), fp));
    }
}

/* "stackblame: 3 dumps, 146 goroutines ([1] kubelet 60; ...)", then what
 * the input held besides goroutines. */
static void put_header(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    fputs("stackblame: ", out);
    sb_put_count(out, m->ndumps);
    fputs(m->ndumps == 1 ? " dump, " : " dumps, ", out);
    sb_put_count(out, m->stats.goroutines);
    fputs(m->stats.goroutines == 1 ? " goroutine" : " goroutines", out);
    for (size_t i = 0; m->ndumps > 1 && i < m->ndumps; i++) {
        fprintf(out, "%s[%zu] ", i ? "; " : " (", i + 1);
        put_str(out, m, m->dumps[i].label);
        fputc(' ', out);
        sb_put_count(out, m->dumps[i].goroutines);
    }
    fputs(m->ndumps > 1 ? ")\n" : "\n", out);
    put_inputs_note(out, r);
    put_series_note(out, r);
    if (m->stats.truncated) {
        fputs("  ", out);
        sb_put_count(out, m->stats.truncated);
        fputs(m->stats.truncated == 1 ? " goroutine cut short (truncated input)\n"
                                      : " goroutines cut short (truncated input)\n",
              out);
    }
    if (m->stats.skipped_lines) {
        fputs("  ", out);
        sb_put_count(out, m->stats.skipped_lines);
        fputs(m->stats.skipped_lines == 1 ? " line skipped: not part of a goroutine dump\n"
                                          : " lines skipped: not part of a goroutine dump\n",
              out);
    }
}

static void put_dump_title(FILE *out, const sb_report *r, uint32_t di)
{
    const sb_model *m = r->m;
    const sb_dump *d = &m->dumps[di];
    fputc('\n', out);
    color(out, r, C_BOLD);
    fputs("== ", out);
    put_dump_name(out, r, di);
    fputs(": ", out);
    sb_put_count(out, d->goroutines);
    fprintf(out, " goroutine%s, %s", d->goroutines == 1 ? "" : "s",
            d->format == SB_FMT_DEBUG1 ? "pprof debug=1" : "traceback");
    if (d->headline) {
        fputs(", ", out);
        put_str(out, m, d->headline);
    }
    char role[96];
    if (sb_dump_role(r, di, role, sizeof(role)))
        fprintf(out, " (%s)", role);
    color(out, r, C_RESET);
    fputs("\n\n", out);
}

/* Whether a group's goroutines are blocked (not idle, not running): they
 * are shown before the idle ones. */
static bool group_blocked(const sb_report *r, const sb_group *g)
{
    const sb_gclass *gc = &r->classes->g[g->first];
    return sb_wait_is_blocked((enum sb_wait_kind)gc->kind) && !gc->quiet;
}

/* One dump's groups: the blocked ones first, then the idle ones, each
 * part largest first, as far as --groups, --match and --exclude allow. */
static void put_dump_groups(FILE *out, const sb_report *r, size_t start, size_t end)
{
    const sb_groups *gs = r->groups;
    size_t limit = r->set.max_groups > 0 ? (size_t)r->set.max_groups : (size_t)-1;
    size_t shown = 0, hidden = 0;
    for (int blocked = 1; blocked >= 0; blocked--)
        for (size_t k = start; k < end; k++) {
            const sb_group *g = &gs->v[k];
            if (group_blocked(r, g) != (blocked == 1))
                continue;
            if (r->set.shown && !r->set.shown[g->first])
                continue;
            if (shown < limit) {
                put_group(out, r, gs, g);
                shown++;
            } else {
                hidden++;
            }
        }
    if (hidden)
        fprintf(out, "... %zu more groups (--groups=0 shows all)\n", hidden);
}

static void put_groups(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    const sb_groups *gs = r->groups;
    size_t gi = 0;
    if (m->ndumps)
        fputs(r->set.full ? "\nGroups (blocked first, then largest first)\n"
                          : "\nGroups (blocked first, then largest first; --full shows runtime "
                            "frames and arguments)\n",
              out);
    for (uint32_t di = 0; di < m->ndumps; di++) {
        put_dump_title(out, r, di);
        size_t start = gi;
        while (gi < gs->n && gs->v[gi].dump == di)
            gi++;
        put_dump_groups(out, r, start, gi);
    }
}

static void put_text(FILE *out, const sb_report *r)
{
    put_crashes(out, r);
    put_header(out, r);
    put_races(out, r);
    put_summary(out, r);
    if (!r->set.summary)
        put_groups(out, r);
}

void sb_report_text(FILE *out, const sb_report *r)
{
    if (r->set.width <= 0) {
        put_text(out, r);
        return;
    }
    /* Written whole first, then fitted line by line: one place knows the
     * width, however a line was put together. */
    char *buf = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&buf, &n);
    if (!mem) {
        put_text(out, r);
        return;
    }
    put_text(mem, r);
    fclose(mem);
    sb_fit_lines(out, buf, n, (size_t)r->set.width);
    free(buf);
}
