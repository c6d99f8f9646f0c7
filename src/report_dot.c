/* report_dot.c: the waits-for graph for Graphviz. Processes are clusters,
 * identical goroutines are one node with a count, the top chain is drawn in
 * red. Only goroutines that wait on something or are waited on appear. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "stackblame/escape.h"
#include "stackblame/report.h"

/* Inside a DOT "..." string: quotes and backslashes escaped, controls and
 * bidi shown as \xNN by the text escaper. */
static void dot_str(FILE *out, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '"' || s[i] == '\\') {
            sb_put_text(out, s + start, i - start);
            if (i < n)
                fputs(s[i] == '"' ? "\\\"" : "\\\\", out);
            start = i + 1;
        }
    }
}

static void dot_id(FILE *out, const sb_model *m, uint32_t id)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    dot_str(out, s, n);
}

static void dot_func(FILE *out, const sb_model *m, uint32_t func)
{
    size_t n, sl;
    const char *full = sb_str(m, func, &n);
    const char *s = sb_func_short(full, n, &sl);
    dot_str(out, s, sl);
}

typedef struct sb_dot_edge {
    uint32_t from, to; /* group indexes; to = SB_NONE for a target outside the input */
    uint32_t target;
    uint64_t count;
    bool chain;
} sb_dot_edge;

void sb_report_dot(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    const sb_groups *gs = r->groups;
    size_t n = m->ngoroutines ? m->ngoroutines : 1;
    uint32_t *group_of = sb_xmalloc(n * sizeof(uint32_t));
    for (uint32_t gi = 0; gi < gs->n; gi++)
        for (uint32_t i = gs->v[gi].first; i != SB_NONE; i = gs->next[i])
            group_of[i] = gi;
    bool *shown = sb_xcalloc(gs->n ? gs->n : 1, sizeof(bool));
    bool *on_chain = sb_xcalloc(n, sizeof(bool));
    if (r->blame->nchains)
        for (uint32_t k = 0; k < r->blame->chains[0].nlinks; k++)
            on_chain[r->blame->chains[0].links[k]] = true;
    /* Edges between groups, merged: 1,000 waiters make one edge. */
    sb_arena arena;
    sb_arena_init(&arena);
    sb_intern keys;
    sb_intern_init(&keys, &arena);
    sb_dot_edge *edges = NULL;
    size_t nedges = 0, cap = 0;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        uint32_t t = r->graph->target_of[i];
        if (t == SB_NONE)
            continue;
        uint32_t h = r->blame->next[i];
        uint32_t key[3] = {group_of[i], h == SB_NONE ? SB_NONE : group_of[h], t};
        if (h == SB_NONE && r->graph->targets[t].holder != SB_NONE)
            continue; /* waits on itself: nothing to draw */
        size_t before = sb_intern_count(&keys);
        uint32_t e = sb_intern_put(&keys, key, sizeof(key)) - 1;
        if (sb_intern_count(&keys) > before) {
            edges = sb_grow(edges, &cap, nedges, sizeof(*edges));
            edges[nedges++] = (sb_dot_edge){key[0], key[1], t, 0, false};
        }
        edges[e].count += m->goroutines[i].count;
        if (on_chain[i] && (h == SB_NONE || on_chain[h]))
            edges[e].chain = true;
        shown[key[0]] = true;
        if (key[1] != SB_NONE)
            shown[key[1]] = true;
    }
    /* Goroutines stuck for good are drawn even when nothing waits on them. */
    uint8_t *stuck_rule = sb_xcalloc(gs->n ? gs->n : 1, 1);
    for (size_t k = 0; r->stuck && k < r->stuck->n; k++) {
        const sb_stuck *st = &r->stuck->v[k];
        for (uint32_t i = 0; i < st->nmembers && st->conf >= SB_CONF_MEDIUM; i++) {
            uint32_t gi = group_of[st->members[i]];
            if (!stuck_rule[gi])
                stuck_rule[gi] = st->rule;
            shown[gi] = true;
        }
    }
    fputs("digraph stackblame {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\", "
          "fontsize=10];\n  edge [fontname=\"sans-serif\", fontsize=9];\n",
          out);
    for (uint32_t d = 0; d < m->ndumps; d++) {
        bool any = false;
        for (uint32_t gi = 0; gi < gs->n && !any; gi++)
            any = shown[gi] && gs->v[gi].dump == d;
        if (!any)
            continue;
        fprintf(out, "  subgraph cluster_%u {\n    label=\"", d);
        dot_id(out, m, m->dumps[d].label);
        fputs("\";\n    style=rounded;\n", out);
        for (uint32_t gi = 0; gi < gs->n; gi++) {
            const sb_group *g = &gs->v[gi];
            if (!shown[gi] || g->dump != d)
                continue;
            const sb_goroutine *first = &m->goroutines[g->first];
            bool root = r->blame->nchains &&
                        group_of[r->blame->chains[0].links[r->blame->chains[0].nlinks - 1]] == gi;
            fprintf(out, "    g%u [label=\"", gi);
            if (g->count > 1)
                fprintf(out, "%" PRIu64 " x ", g->count);
            else if (m->dumps[d].format != SB_FMT_DEBUG1)
                fprintf(out, "g %" PRIu64 " ", first->id);
            fputc('[', out);
            dot_id(out, m, g->state);
            if (g->max_wait >= 0)
                fprintf(out, ", %d min", g->max_wait);
            if (g->locked)
                fputs(", locked", out);
            fputs("]\\n", out);
            uint32_t f = sb_link_frame(m, r->classes, g->first);
            if (f != SB_NONE)
                dot_func(out, m, sb_frame_get(m, f)->func);
            if (stuck_rule[gi])
                fprintf(out, "\\nstuck: %s", sb_infer((enum sb_rule_id)stuck_rule[gi])->name);
            fputc('"', out);
            if (root)
                fputs(", style=filled, fillcolor=\"#f4cccc\", color=red, penwidth=2", out);
            else if (stuck_rule[gi])
                fputs(", style=filled, fillcolor=\"#fce5cd\", color=darkorange", out);
            fputs("];\n", out);
        }
        fputs("  }\n", out);
    }
    for (size_t e = 0; e < nedges; e++) {
        const sb_dot_edge *x = &edges[e];
        const sb_target *t = &r->graph->targets[x->target];
        if (x->to == SB_NONE) {
            fprintf(out, "  x%u [shape=note, style=dashed, label=\"", x->target);
            dot_id(out, m, t->what);
            fputs("\\n(not in the input)\"];\n", out);
        }
        fprintf(out, "  g%u -> ", x->from);
        if (x->to == SB_NONE)
            fprintf(out, "x%u", x->target);
        else
            fprintf(out, "g%u", x->to);
        fputs(" [label=\"", out);
        dot_id(out, m, t->what);
        if (x->count > 1)
            fprintf(out, " (%" PRIu64 ")", x->count);
        fprintf(out, "\\n%s, %s\"", sb_conf_name((enum sb_conf)t->conf),
                sb_infer((enum sb_rule_id)t->rule)->name);
        if (x->chain)
            fputs(", color=red, fontcolor=red, penwidth=2", out);
        else if (t->conf <= SB_CONF_LOW)
            fputs(", style=dashed", out);
        fputs("];\n", out);
    }
    fputs("}\n", out);
    free(edges);
    sb_intern_free(&keys);
    sb_arena_free(&arena);
    free(on_chain);
    free(stuck_rule);
    free(shown);
    free(group_of);
}
