/* report_dot.c: the waits-for graph for Graphviz. Processes are clusters,
 * identical goroutines are one node with a count, the top chain is drawn in
 * red, cycles in purple. Only goroutines that wait on something, are
 * waited on or are stuck appear. Labels are short so that the picture
 * stays readable scaled down; names in full and the evidence are
 * tooltips (SVG output shows them on hover). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "stackblame/escape.h"
#include "stackblame/fingerprint.h"
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
    bool chain, cycle;
} sb_dot_edge;

/* What the picture is made of: the groups drawn, the edges between them,
 * and which goroutines are on the top chain or a cycle. */
typedef struct sb_dot {
    const sb_report *r;
    uint32_t *group_of;  /* per goroutine */
    bool *shown;         /* per group */
    uint8_t *stuck_rule; /* per group: the stuck rule that names it, 0 none */
    uint8_t *on;         /* per goroutine: ON_CHAIN | ON_CYCLE */
    sb_dot_edge *edges;
    size_t nedges, cap;
    sb_arena arena;
    sb_intern keys; /* (from, to, target) -> edge index + 1 */
    FILE *out;
} sb_dot;

enum { ON_CHAIN = 1, ON_CYCLE = 2 };

static void dot_init(sb_dot *x, const sb_report *r)
{
    const sb_model *m = r->m;
    const sb_groups *gs = r->groups;
    size_t n = m->ngoroutines ? m->ngoroutines : 1;
    memset(x, 0, sizeof(*x));
    x->r = r;
    x->group_of = sb_xmalloc(n * sizeof(uint32_t));
    for (uint32_t gi = 0; gi < gs->n; gi++)
        for (uint32_t i = gs->v[gi].first; i != SB_NONE; i = gs->next[i])
            x->group_of[i] = gi;
    x->shown = sb_xcalloc(gs->n ? gs->n : 1, sizeof(bool));
    x->stuck_rule = sb_xcalloc(gs->n ? gs->n : 1, 1);
    x->on = sb_xcalloc(n, 1);
    const sb_blame *b = r->blame;
    for (uint32_t k = 0; b->nchains && k < b->chains[0].nlinks; k++)
        x->on[b->chains[0].links[k]] |= ON_CHAIN;
    for (size_t c = 0; c < b->ncycles; c++)
        for (uint32_t k = 0; k < b->cycles[c].n; k++)
            x->on[b->cycles[c].members[k]] |= ON_CYCLE;
    sb_arena_init(&x->arena);
    sb_intern_init(&x->keys, &x->arena);
}

static void dot_free(sb_dot *x)
{
    free(x->edges);
    sb_intern_free(&x->keys);
    sb_arena_free(&x->arena);
    free(x->on);
    free(x->stuck_rule);
    free(x->shown);
    free(x->group_of);
}

/* Edges between groups, merged: 1,000 waiters make one edge. */
static void collect_edges(sb_dot *x)
{
    const sb_model *m = x->r->m;
    const sb_graph *g = x->r->graph;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        uint32_t t = g->target_of[i];
        if (t == SB_NONE)
            continue;
        uint32_t h = x->r->blame->next[i];
        uint32_t key[3] = {x->group_of[i], h == SB_NONE ? SB_NONE : x->group_of[h], t};
        if (h == SB_NONE && g->targets[t].holder != SB_NONE)
            continue; /* waits on itself: nothing to draw */
        size_t before = sb_intern_count(&x->keys);
        uint32_t e = sb_intern_put(&x->keys, key, sizeof(key)) - 1;
        if (sb_intern_count(&x->keys) > before) {
            x->edges = sb_grow(x->edges, &x->cap, x->nedges, sizeof(*x->edges));
            x->edges[x->nedges++] = (sb_dot_edge){key[0], key[1], t, 0, false, false};
        }
        x->edges[e].count += m->goroutines[i].count;
        uint8_t both = h == SB_NONE ? x->on[i] : x->on[i] & x->on[h];
        x->edges[e].chain |= (both & ON_CHAIN) != 0;
        x->edges[e].cycle |= (both & ON_CYCLE) != 0;
        x->shown[key[0]] = true;
        if (key[1] != SB_NONE)
            x->shown[key[1]] = true;
    }
}

/* Goroutines stuck for good are drawn even when nothing waits on them. */
static void collect_stuck(sb_dot *x)
{
    const sb_stucks *ss = x->r->stuck;
    for (size_t k = 0; ss && k < ss->n; k++) {
        const sb_stuck *st = &ss->v[k];
        for (uint32_t i = 0; i < st->nmembers && st->conf >= SB_CONF_MEDIUM; i++) {
            uint32_t gi = x->group_of[st->members[i]];
            if (!x->stuck_rule[gi])
                x->stuck_rule[gi] = st->rule;
            x->shown[gi] = true;
        }
    }
}

/* A node's label: "21 x [semacquire, 2 min]" or "g 7 [...]" or "record 4
 * [...]", then the function it shows, short; the full name in the tooltip. */
static void put_node(sb_dot *x, uint32_t gi)
{
    const sb_model *m = x->r->m;
    const sb_group *g = &x->r->groups->v[gi];
    const sb_goroutine *first = &m->goroutines[g->first];
    const sb_blame *b = x->r->blame;
    bool root = b->nchains && x->group_of[b->chains[0].links[b->chains[0].nlinks - 1]] == gi;
    fprintf(x->out, "    g%u [label=\"", gi);
    if (g->count > 1)
        fprintf(x->out, "%" PRIu64 " x ", g->count);
    if (m->dumps[g->dump].format == SB_FMT_DEBUG1)
        fprintf(x->out, "record %u ", g->first - m->dumps[g->dump].first + 1);
    else if (g->count == 1)
        fprintf(x->out, "g %" PRIu64 " ", first->id);
    if (m->dumps[g->dump].format != SB_FMT_DEBUG1) { /* records carry no state */
        fputc('[', x->out);
        dot_id(x->out, m, g->state);
        if (g->max_wait >= 0)
            fprintf(x->out, ", %d min", g->max_wait);
        if (g->locked)
            fputs(", locked", x->out);
        fputc(']', x->out);
    }
    fputs("\\n", x->out);
    uint32_t f = sb_link_frame(m, x->r->classes, g->first);
    if (f != SB_NONE)
        dot_func(x->out, m, sb_frame_get(m, f)->func);
    if (x->stuck_rule[gi])
        fprintf(x->out, "\\nstuck: %s", sb_infer((enum sb_rule_id)x->stuck_rule[gi])->name);
    fputs("\", tooltip=\"", x->out);
    if (f != SB_NONE)
        dot_id(x->out, m, sb_frame_get(m, f)->func);
    char fp[SB_FP_TEXT];
    if (root)
        fprintf(x->out, "\\nroot of chain 1, fingerprint %s",
                sb_fp_text(sb_fp_chain(m, x->r->classes, &b->chains[0]), fp));
    fputc('"', x->out);
    if (root)
        fputs(", style=filled, fillcolor=\"#f4cccc\", color=red, penwidth=2", x->out);
    else if (x->on[g->first] & ON_CYCLE)
        fputs(", style=filled, fillcolor=\"#e4d7f5\", color=purple, penwidth=2", x->out);
    else if (x->stuck_rule[gi])
        fputs(", style=filled, fillcolor=\"#fce5cd\", color=darkorange", x->out);
    fputs("];\n", x->out);
}

static void put_clusters(sb_dot *x)
{
    const sb_model *m = x->r->m;
    const sb_groups *gs = x->r->groups;
    for (uint32_t d = 0; d < m->ndumps; d++) {
        bool any = false;
        for (uint32_t gi = 0; gi < gs->n && !any; gi++)
            any = x->shown[gi] && gs->v[gi].dump == d;
        if (!any)
            continue;
        fprintf(x->out, "  subgraph cluster_%u {\n    label=\"[%u] ", d, d + 1);
        dot_id(x->out, m, m->dumps[d].label);
        fputs("\";\n    style=rounded;\n", x->out);
        for (uint32_t gi = 0; gi < gs->n; gi++)
            if (x->shown[gi] && gs->v[gi].dump == d)
                put_node(x, gi);
        fputs("  }\n", x->out);
    }
}

/* An edge's label is short (the wait kind and how many wait); what they
 * wait on and the evidence are its tooltip. */
static void put_edge(sb_dot *x, const sb_dot_edge *e)
{
    const sb_model *m = x->r->m;
    FILE *out = x->out;
    const sb_target *t = &x->r->graph->targets[e->target];
    if (e->to == SB_NONE) {
        fprintf(out, "  x%u [shape=note, style=dashed, label=\"", e->target);
        dot_id(out, m, t->what);
        fputs("\\n(not in the input)\"];\n", out);
    }
    fprintf(out, "  g%u -> ", e->from);
    fprintf(out, e->to == SB_NONE ? "x%u" : "g%u", e->to == SB_NONE ? e->target : e->to);
    fprintf(out, " [label=\"%s", sb_wait_kind_name((enum sb_wait_kind)t->kind));
    if (e->count > 1)
        fprintf(out, " (%" PRIu64 ")", e->count);
    fprintf(out, "\\n%s\", tooltip=\"", sb_conf_name((enum sb_conf)t->conf));
    dot_id(out, m, t->what);
    fprintf(out, ": %s", sb_infer((enum sb_rule_id)t->rule)->name);
    for (uint32_t k = 0; k < t->nev; k++) {
        fputs("\\n", out);
        dot_id(out, m, x->r->graph->evidence[t->ev_first + k]);
    }
    fputc('"', out);
    if (e->chain)
        fputs(", color=red, fontcolor=red, penwidth=2", out);
    else if (e->cycle)
        fputs(", color=purple, fontcolor=purple, penwidth=2", out);
    else if (t->conf <= SB_CONF_LOW)
        fputs(", style=dashed", out);
    fputs("];\n", out);
}

void sb_report_dot(FILE *out, const sb_report *r)
{
    sb_dot x;
    dot_init(&x, r);
    x.out = out;
    collect_edges(&x);
    collect_stuck(&x);
    fputs("digraph stackblame {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\", "
          "fontsize=10];\n  edge [fontname=\"sans-serif\", fontsize=9];\n",
          out);
    bool any = false;
    for (size_t gi = 0; gi < r->groups->n && !any; gi++)
        any = x.shown[gi];
    if (!any)
        fputs("  nothing [shape=plaintext, label=\"stackblame: no goroutine blocks others, "
              "and none looks stuck\"];\n",
              out);
    put_clusters(&x);
    for (size_t e = 0; e < x.nedges; e++)
        put_edge(&x, &x.edges[e]);
    fputs("}\n", out);
    dot_free(&x);
}
