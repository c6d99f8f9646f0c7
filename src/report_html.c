/* report_html.c: the report as one self-contained HTML page: the verdict,
 * each chain and deadlock drawn as SVG laid out here (no Graphviz), the
 * stuck findings, crashes, races, the dumps, and the goroutine groups in
 * collapsible blocks with a filter box. Nothing is fetched: the style, the
 * script and the pictures are inline, and a Content-Security-Policy forbids
 * any load. Text from the input only ever goes through h_esc, and never
 * into the script. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "stackblame/escape.h"
#include "stackblame/fingerprint.h"
#include "stackblame/report.h"
#include "stackblame/version.h"

#define MAX_CHAINS_SHOWN 3
#define MAX_WAYS_SHOWN   4
#define MAX_STUCK_SHOWN  20
#define MAX_RACES_SHOWN  20
#define MAX_IDS_SHOWN    8
/* A picture of more links would be taller than anyone scrolls; the list
 * under it still names every link. */
#define MAX_LINKS_DRAWN 40

/* The pictures' geometry, in SVG user units (pixels at scale 1). A box
 * is 60 columns of 12px monospace wide; the arrow's labels go in the gap
 * under it, to the right of the arrow; a cycle's way back runs right of
 * the boxes with its label beside it, so a cycle's picture is wider. */
#define CHAIN_W 640
#define CYCLE_W 840
#define BOX_X   24
#define BOX_W   456
#define BOX_H   52
#define GAP     40 /* between two boxes: the arrow and its two label lines */
#define HEAD    22 /* a process's title strip above its first box */
#define PAD     8  /* a process's margin under its last box */
#define ARROW_X (BOX_X + 28)
#define LOOP_X  (BOX_X + BOX_W + 34)
/* The columns of an edge's 11px monospace label (6.6px each) in px. */
#define COLS(px) ((size_t)(px)*10 / 66)

/* Text from the input: sb_put_html's entities and escapes, plus the
 * quotes, so that it is inert in an attribute as well as in content. */
static void h_esc(FILE *out, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '"' || s[i] == '\'') {
            sb_put_html(out, s + start, i - start);
            if (i < n)
                fputs(s[i] == '"' ? "&quot;" : "&#39;", out);
            start = i + 1;
        }
    }
}

/* Columns of s: its UTF-8 lead bytes. Good enough to fit the pictures'
 * monospace text; a box clips whatever still overflows. */
static size_t cols(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* The length in bytes of the first `want` columns of s. */
static size_t head_bytes(const char *s, size_t n, size_t want)
{
    size_t i = 0, c = 0;
    for (; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && c++ == want)
            break;
    return i;
}

/* s in at most max columns (0 = all), cut at the end. */
static void h_fit(FILE *out, const char *s, size_t n, size_t max)
{
    if (!max || cols(s, n) <= max) {
        h_esc(out, s, n);
        return;
    }
    h_esc(out, s, head_bytes(s, n, max - 1));
    fputs("&#8230;", out);
}

/* The same cut at the start: a function keeps its type and method. */
static void h_fit_tail(FILE *out, const char *s, size_t n, size_t max)
{
    size_t c = cols(s, n);
    if (!max || c <= max) {
        h_esc(out, s, n);
        return;
    }
    size_t skip = head_bytes(s, n, c - (max - 1));
    fputs("&#8230;", out);
    h_esc(out, s + skip, n - skip);
}

static void h_str(FILE *out, const sb_model *m, uint32_t id, size_t max)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    h_fit(out, s, n, max);
}

/* "network.(*PluginManager).SetUpPod": sb_func_short, fitted. */
static void h_func(FILE *out, const sb_model *m, uint32_t func, size_t max)
{
    size_t n, sl;
    const char *full = sb_str(m, func, &n);
    const char *s = sb_func_short(full, n, &sl);
    h_fit_tail(out, s, sl, max);
}

/* The last two elements of a path (report_text.c's put_short_path). */
static void h_short_path(FILE *out, const char *s, size_t n)
{
    size_t i = sb_short_path_start(s, n);
    h_esc(out, s + i, n - i);
}

static void h_conf(FILE *out, uint8_t conf)
{
    const char *c = sb_conf_name((enum sb_conf)conf);
    fprintf(out, "<span class=\"conf %s\">%s</span>", c, c);
}

static bool is_record(const sb_report *r, const sb_goroutine *g)
{
    return r->m->dumps[g->dump].format == SB_FMT_DEBUG1;
}

/* "g 12", or for a debug=1 record, which has no id, "record at line 40". */
static void h_gname(FILE *out, const sb_report *r, uint32_t gi)
{
    const sb_goroutine *g = &r->m->goroutines[gi];
    if (is_record(r, g))
        fprintf(out, "record at line %" PRIu64, g->line_no);
    else
        fprintf(out, "g %" PRIu64, g->id);
}

/* "[3] terwayd" */
static void h_dump(FILE *out, const sb_report *r, uint32_t di, size_t max)
{
    fprintf(out, "[%u] ", di + 1);
    h_str(out, r->m, r->m->dumps[di].label, max);
}

/* "[syscall, 1595 min, locked to thread]", the state cut to max columns. */
static void h_state(FILE *out, const sb_report *r, const sb_goroutine *g, size_t max)
{
    fputc('[', out);
    if (is_record(r, g))
        fprintf(out, "debug=1 record of %u", g->count);
    else
        h_str(out, r->m, g->state, max);
    if (g->wait_minutes >= 0)
        fprintf(out, ", %d min", g->wait_minutes);
    if (g->flags & SB_G_LOCKED)
        fputs(", locked to thread", out);
    fputc(']', out);
}

/* What a root waits on: "syscall recvfrom", or its target outside the input. */
static void h_root_wait(FILE *out, const sb_report *r, const sb_link *l, size_t max)
{
    if (l->target != SB_NONE && r->graph->targets[l->target].holder == SB_NONE) {
        fputs("waits for ", out);
        h_str(out, r->m, r->graph->targets[l->target].what, max);
        fputs(" (not in the input)", out);
        return;
    }
    fputs(sb_wait_kind_name((enum sb_wait_kind)l->kind), out);
    if (l->detail) {
        fputc(' ', out);
        h_str(out, r->m, l->detail, max);
    }
}

/* "waits for mutex 0xc0 (21 waiters): suspected holder g 67 (high, lock-receiver)" */
static void h_wait(FILE *out, const sb_report *r, const sb_target *t)
{
    const sb_model *m = r->m;
    bool lock = sb_wait_is_lock((enum sb_wait_kind)t->kind);
    fputs("waits for ", out);
    h_str(out, m, t->what, 0);
    if (t->waiters > 1) {
        fputs(" (", out);
        sb_put_count(out, t->waiters);
        fputs(" waiters)", out);
    }
    const char *who = lock ? "suspected holder" : t->kind == SB_WAIT_RPC ? "served by" : "started";
    if (t->holder != SB_NONE) {
        fprintf(out, ": %s ", who);
        h_gname(out, r, t->holder);
    } else if (lock) {
        fputs(": holder not found; the waiters queue behind the oldest one", out);
    } else {
        fputs(": not in the input", out);
    }
    fprintf(out, " (%s, %s)", sb_conf_name((enum sb_conf)t->conf),
            sb_infer((enum sb_rule_id)t->rule)->name);
}

/* The evidence sentences: one a line in a tooltip, one an item in a list. */
static void h_evidence(FILE *out, const sb_report *r, const sb_target *t, bool list)
{
    if (list && t->nev)
        fputs("<ul class=\"ev\">", out);
    for (uint32_t k = 0; k < t->nev; k++) {
        fputs(list ? "<li>" : "\n", out);
        h_str(out, r->m, r->graph->evidence[t->ev_first + k], 0);
        if (list)
            fputs("</li>", out);
    }
    if (list && t->nev)
        fputs("</ul>", out);
}

static void h_frame(FILE *out, const sb_model *m, uint32_t frame_id, uint32_t args, bool created)
{
    const sb_frame *f = sb_frame_get(m, frame_id);
    fputs(created ? "created by " : "", out);
    h_str(out, m, f->func, 0);
    if (!created) {
        char buf[SB_ARG_TEXT_MAX];
        size_t n;
        const char *a = sb_arg_text(m, args, buf, &n);
        fputc('(', out);
        h_esc(out, a, n);
        fputc(')', out);
    }
    if (f->file) {
        size_t n;
        const char *file = sb_str(m, f->file, &n);
        fputs("\n    ", out);
        h_short_path(out, file, n);
        fprintf(out, ":%u", f->line);
    }
    fputc('\n', out);
}

/* A goroutine's frames, innermost first, as the dump printed them. */
static void h_frames(FILE *out, const sb_report *r, uint32_t gi)
{
    const sb_model *m = r->m;
    const sb_goroutine *g = &m->goroutines[gi];
    const sb_stack *st = sb_stack_get(m, g->stack);
    fputs("<pre>", out);
    for (uint32_t i = 0; i < st->nframes; i++)
        h_frame(out, m, st->frames[i], sb_goroutine_arg(m, g, i), false);
    if (g->flags & SB_G_ELIDED)
        fputs("...frames elided...\n", out);
    if (g->flags & SB_G_OTHER_THREAD)
        fputs("(running on another thread; stack unavailable)\n", out);
    if (g->created_by != SB_NONE)
        h_frame(out, m, g->created_by, 0, true);
    fputs("</pre>", out);
}

static void h_stack_details(FILE *out, const sb_report *r, uint32_t gi)
{
    fputs("<details class=\"stack\"><summary>stack</summary>", out);
    h_frames(out, r, gi);
    fputs("</details>\n", out);
}

/* ---- page head and foot ---- */

static const char page_style[] =
    ":root{color-scheme:light}\n"
    "body{margin:0;background:#fff;color:#1d232b;"
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI','DejaVu Sans',sans-serif}\n"
    "main{max-width:58rem;margin:0 auto;padding:.8rem 1.2rem 3rem}\n"
    "h1{font-size:1.3rem;margin:.3rem 0}h2{font-size:1.12rem;margin:1.8rem 0 .5rem;"
    "padding-bottom:.2rem;border-bottom:1px solid #e1e5ea}h3{font-size:1rem;margin:1.2rem 0 "
    ".3rem}\n"
    "code{overflow-wrap:anywhere}code,pre{font-family:ui-monospace,'DejaVu Sans "
    "Mono',Menlo,Consolas,monospace;"
    "font-size:.86em}\n"
    "pre{background:#f6f8fa;border:1px solid #e1e5ea;border-radius:4px;padding:.45rem .7rem;"
    "overflow-x:auto;line-height:1.35;margin:.3rem 0}\n"
    "p{margin:.3rem 0}.muted{color:#5a6675}.sub{color:#5a6675;margin:0}\n"
    "nav{margin:.6rem 0;font-size:.92em}nav a{margin-right:.9rem;color:#0b4fa8}\n"
    ".verdict{border-left:5px solid #c62828;background:#fdf4f4;padding:.5rem 1rem;"
    "border-radius:4px;margin:.8rem 0}\n"
    ".verdict.calm{border-color:#2e7d32;background:#f3f9f3}\n"
    ".verdict .lead{font-weight:600;font-size:1.05rem}.crash{color:#b71c1c;font-weight:600}\n"
    ".conf{display:inline-block;padding:0 .35em;border-radius:3px;font-size:.8em;"
    "font-weight:600;background:#eceff3;color:#444c57}\n"
    ".conf.high{background:#fbe0e0;color:#a61b1b}.conf.medium{background:#fff0d4;color:#875000}\n"
    ".tag{font-weight:700;font-size:.8em;color:#c62828}\n"
    "svg.graph{display:block;width:100%;height:auto;margin:.4rem 0}\n"
    ".g-clu{fill:#f2f4f7;stroke:#d3d9e0}.g-clu-t{font:12px sans-serif;fill:#5a6675}\n"
    ".g-box{fill:#fff;stroke:#8795a8;stroke-width:1.2}\n"
    ".root .g-box{fill:#fde6e6;stroke:#c62828;stroke-width:2.4}\n"
    ".cyc .g-box{fill:#fff2e3;stroke:#d9480f;stroke-width:2}\n"
    ".weak .root .g-box{fill:#fdf5e2;stroke:#b7791f}.weak .g-root{fill:#b7791f}\n"
    ".g-t1{font:600 13px sans-serif;fill:#1d232b}.g-t2{font:12px monospace;fill:#0b3d91}\n"
    ".g-t3{font:11.5px sans-serif;fill:#5a6675}.g-root{font:700 11px sans-serif;fill:#c62828}\n"
    ".g-arr{stroke:#4a5a70;stroke-width:1.6;fill:none}.g-hd{fill:#4a5a70}\n"
    ".low .g-arr{stroke-dasharray:5 4}.cyc .g-arr{stroke:#d9480f}.cyc .g-hd{fill:#d9480f}\n"
    ".g-lab{font:11.5px sans-serif;fill:#2b323c}.g-what{font:11px monospace;fill:#5a6675}\n"
    "ol.links>li{margin:.4rem 0}ul.ev{margin:.1rem 0 .2rem;padding-left:1.2rem;color:#3b4452}\n"
    ".boundary{color:#5a6675;font-size:.88em;border-top:1px dashed #b8c0ca;margin-top:.4rem}\n"
    "details>summary{cursor:pointer}details.stack>summary{color:#5a6675;font-size:.88em}\n"
    "details.grp{border:1px solid #e1e5ea;border-radius:4px;margin:.25rem 0;padding:.15rem .6rem}\n"
    "table{border-collapse:collapse;font-size:.92em}th,td{text-align:left;vertical-align:top;"
    "padding:.2rem .5rem;border-bottom:1px solid #e1e5ea}td.path{overflow-wrap:anywhere}\n"
    "#sb-filter{width:100%;max-width:28rem;font:inherit;padding:.3rem .5rem;"
    "border:1px solid #b8c0ca;border-radius:4px}\n"
    "footer{margin-top:2.5rem;font-size:.85em;color:#5a6675}\n";

/* Script errors are kept in #sb-errors, a hidden element, so a headless
 * browser's dumped page shows whether the script ran clean. */
static const char head_script[] = "window.sbErrors=[];window.onerror=function(msg,src,line){"
                                  "window.sbErrors.push(String(msg)+' (line '+line+')');"
                                  "var e=document.getElementById('sb-errors');"
                                  "if(e)e.textContent=window.sbErrors.join('\\n');};\n";

static void page_head(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    fputs("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
          "base-uri 'none'; form-action 'none'\">\n",
          out);
    fprintf(out, "<meta name=\"generator\" content=\"stackblame %s\">\n", SB_VERSION);
    fputs("<title>stackblame: ", out);
    sb_put_count(out, m->ndumps);
    fputs(m->ndumps == 1 ? " dump, " : " dumps, ", out);
    sb_put_count(out, m->stats.goroutines);
    fputs(m->stats.goroutines == 1 ? " goroutine" : " goroutines", out);
    fputs("</title>\n<style>\n", out);
    fputs(page_style, out);
    fputs("</style>\n<script>\n", out);
    fputs(head_script, out);
    fputs("</script>\n</head>\n<body>\n<pre id=\"sb-errors\" hidden></pre>\n<main>\n", out);
}

/* The filter (the only thing that needs the script): shows it, hides the
 * groups whose text lacks what is typed, and the dumps left with none; a
 * "#filter=word" in the address fills it in. Then marks the page done. */
static const char foot_script[] =
    "(function(){'use strict';\n"
    "var box=document.getElementById('sb-filterbox');\n"
    "var q=document.getElementById('sb-filter'),count=document.getElementById('sb-count');\n"
    "if(!box||!q)return;\n"
    "var groups=[].slice.call(document.querySelectorAll('details.grp'));\n"
    "var texts=groups.map(function(d){return d.textContent.toLowerCase();});\n"
    "var dumps=[].slice.call(document.querySelectorAll('.dump-groups'));\n"
    "function apply(){var s=q.value.toLowerCase(),shown=0;\n"
    " groups.forEach(function(d,i){var hit=texts[i].indexOf(s)>=0;d.hidden=!hit;"
    "if(hit)shown++;});\n"
    " dumps.forEach(function(d){d.hidden=!d.querySelector('details.grp:not([hidden])');});\n"
    " count.textContent=s?shown+' of '+groups.length+' groups':'';}\n"
    "var h=location.hash;\n"
    "if(h.indexOf('#filter=')===0){try{q.value=decodeURIComponent(h.slice(8));}"
    "catch(e){q.value=h.slice(8);}}\n"
    "q.addEventListener('input',apply);box.hidden=false;apply();\n"
    "})();\n"
    "document.body.dataset.ok='1';\n";

static void page_foot(FILE *out)
{
    fprintf(out,
            "<footer>Written by stackblame %s. One self-contained file: nothing in it "
            "loads from the network.</footer>\n</main>\n<script>\n",
            SB_VERSION);
    fputs(foot_script, out);
    fputs("</script>\n</body>\n</html>\n", out);
}

static void page_title(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    fputs("<h1>stackblame report</h1>\n<p class=\"sub\">", out);
    sb_put_count(out, m->ndumps);
    fputs(m->ndumps == 1 ? " dump, " : " dumps, ", out);
    sb_put_count(out, m->stats.goroutines);
    fputs(m->stats.goroutines == 1 ? " goroutine" : " goroutines", out);
    for (size_t i = 0; i < m->ndumps && m->ndumps > 1; i++) {
        fputs(i ? "; " : " (", out);
        h_str(out, m, m->dumps[i].label, 0);
        fputc(' ', out);
        sb_put_count(out, m->dumps[i].goroutines);
    }
    fputs(m->ndumps > 1 ? ")</p>\n" : "</p>\n", out);
}

/* Links to the sections the page has. */
static void page_nav(FILE *out, const sb_report *r)
{
    const sb_blame *b = r->blame;
    fputs("<nav>", out);
    if (b && b->nchains)
        fputs("<a href=\"#chains\">Chains</a>", out);
    if (b && b->ncycles)
        fputs("<a href=\"#deadlocks\">Deadlocks</a>", out);
    if ((r->stuck && r->stuck->n) || (r->series && r->series->nleaks))
        fputs("<a href=\"#stuck\">Stuck</a>", out);
    if (r->crashes && r->crashes->n)
        fputs("<a href=\"#crashes\">Crashes</a>", out);
    if (r->m->races.n)
        fputs("<a href=\"#races\">Races</a>", out);
    fputs("<a href=\"#dumps\">Dumps</a><a href=\"#groups\">Groups</a></nav>\n", out);
}

/* ---- the verdict ---- */

/* "panic: ... (goroutine 25 in broker.(*conn).submit at broker/session.go:73)" */
static void crash_line(FILE *out, const sb_report *r, const sb_crash *c)
{
    const sb_model *m = r->m;
    if (m->ndumps > 1) {
        h_dump(out, r, c->dump, 0);
        fputs(": ", out);
    }
    h_str(out, m, c->reason, 0);
    char fp[SB_FP_TEXT];
    fprintf(out, " <span class=\"muted\">fingerprint <code>%s</code></span>",
            sb_fp_text(sb_fp_crash(m, c), fp));
    if (c->goroutine == SB_NONE)
        return;
    fprintf(out, " (goroutine %" PRIu64, m->goroutines[c->goroutine].id);
    if (c->frame != SB_NONE) {
        const sb_frame *f = sb_frame_get(m, c->frame);
        fputs(" in <code>", out);
        h_func(out, m, f->func, 0);
        fputs("</code>", out);
        if (f->file) {
            size_t n;
            const char *file = sb_str(m, f->file, &n);
            fputs(" at <code>", out);
            h_short_path(out, file, n);
            fprintf(out, ":%u</code>", f->line);
        }
    }
    fputc(')', out);
}

/* The crashes first: why each process died. */
static void verdict_crashes(FILE *out, const sb_report *r)
{
    for (size_t k = 0; r->crashes && k < r->crashes->n; k++) {
        fputs("<p class=\"crash\">Crash: ", out);
        crash_line(out, r, &r->crashes->v[k]);
        fputs("</p>\n", out);
    }
}

/* A chain's entry group: a name, the handlers of a method, a function. */
static void h_entry(FILE *out, const sb_report *r, const sb_chain *ch)
{
    const sb_goroutine *g = &r->m->goroutines[ch->links[0]];
    if (!ch->entry)
        return;
    if (ch->entry == r->classes->stacks[g->stack].serves) {
        fputs("handlers of ", out);
        h_str(out, r->m, ch->entry, 0);
    } else {
        h_func(out, r->m, ch->entry, 0);
    }
}

/* Every way into the root: the entries of the chains that end there. */
static void verdict_ways(FILE *out, const sb_report *r, uint32_t root)
{
    const sb_blame *b = r->blame;
    size_t ways = 0, shown = 0;
    for (size_t i = 0; i < b->nchains; i++)
        ways += b->chains[i].links[b->chains[i].nlinks - 1] == root;
    if (ways < 2)
        return;
    fprintf(out, ", %zu ways in:", ways);
    for (size_t i = 0; i < b->nchains && shown < MAX_WAYS_SHOWN; i++) {
        const sb_chain *c = &b->chains[i];
        if (c->links[c->nlinks - 1] != root)
            continue;
        fputs(shown++ ? ", " : " ", out);
        h_entry(out, r, c);
        fputs(" (", out);
        sb_put_count(out, c->entries);
        fputc(')', out);
    }
    if (ways > shown)
        fprintf(out, " and %zu more", ways - shown);
}

static void verdict_root(FILE *out, const sb_report *r, const sb_chain *ch)
{
    const sb_model *m = r->m;
    sb_link l;
    sb_link_get(r, ch->links[ch->nlinks - 1], true, &l);
    const sb_goroutine *g = &m->goroutines[l.g];
    fputs("<p class=\"lead\">Suspected root: ", out);
    h_dump(out, r, g->dump, 0);
    if (is_record(r, g))
        fprintf(out, " record at line %" PRIu64 " ", g->line_no);
    else
        fprintf(out, " goroutine %" PRIu64 " ", g->id);
    h_state(out, r, g, 0);
    fputs("</p>\n<p>", out);
    h_root_wait(out, r, &l, 0);
    if (l.frame != SB_NONE) {
        fputs(" in <code>", out);
        h_func(out, m, sb_frame_get(m, l.frame)->func, 0);
        fputs("</code>", out);
    }
    fputs("</p>\n<p>blocks ", out);
    sb_put_count(out, ch->blocked);
    fprintf(out, " goroutine%s (confidence ", ch->blocked == 1 ? "" : "s");
    h_conf(out, ch->conf);
    fputc(')', out);
    verdict_ways(out, r, l.g);
    fputs("</p>\n", out);
}

static void verdict_stuck(FILE *out, const sb_report *r, const sb_stuck *s)
{
    fputs("<p class=\"lead\">Stuck: ", out);
    sb_put_count(out, s->count);
    fputs(s->count == 1 ? " goroutine" : " goroutines", out);
    if (s->frame != SB_NONE) {
        fputs(" in <code>", out);
        h_func(out, r->m, sb_frame_get(r->m, s->frame)->func, 0);
        fputs("</code>", out);
    }
    fprintf(out, " (%s, confidence ", sb_infer((enum sb_rule_id)s->rule)->name);
    h_conf(out, s->conf);
    fputs(")</p>\n<p>", out);
    h_str(out, r->m, s->evidence, 0);
    fputs("</p>\n", out);
}

/* What the report leads with (sb_report_lead), the crashes before it. */
static void verdict(FILE *out, const sb_report *r)
{
    const sb_blame *b = r->blame;
    enum sb_lead lead = b ? sb_report_lead(r) : SB_LEAD_NOTHING;
    bool calm = !(r->crashes && r->crashes->n) && lead >= SB_LEAD_LOW_CHAIN;
    fprintf(out, "<section id=\"verdict\" class=\"verdict%s\">\n", calm ? " calm" : "");
    verdict_crashes(out, r);
    switch (lead) {
    case SB_LEAD_CHAIN:
        verdict_root(out, r, &b->chains[0]);
        break;
    case SB_LEAD_CYCLE:
        fprintf(out,
                "<p class=\"lead\">Deadlock: %zu cycle%s of goroutines waiting for each "
                "other, drawn below.</p>\n",
                b->ncycles, b->ncycles == 1 ? "" : "s");
        break;
    case SB_LEAD_STUCK:
        verdict_stuck(out, r, &r->stuck->v[0]);
        break;
    case SB_LEAD_LOW_CHAIN:
        fputs("<p class=\"lead\">Nothing is surely stuck: the largest chain below blocks ", out);
        sb_put_count(out, b->chains[0].blocked);
        fprintf(out, " at low confidence (%s).</p>\n",
                sb_infer((enum sb_rule_id)b->chains[0].rule)->name);
        break;
    case SB_LEAD_LOW_OTHER:
        fputs("<p class=\"lead\">Nothing is surely stuck: the findings below are of low "
              "confidence.</p>\n",
              out);
        break;
    case SB_LEAD_NOTHING:
        fputs("<p class=\"lead\">No goroutine blocks others, and none looks stuck.</p>\n", out);
        break;
    }
    fputs("</section>\n", out);
}

/* ---- the pictures ---- */

/* Where each box of a picture goes: top to bottom, one box per link; a
 * new process (dump) opens a cluster with its name above its first box. */
typedef struct pic {
    const sb_report *r;
    const uint32_t *gs; /* goroutine indexes, in drawing order */
    uint32_t n;
    int *top; /* per box: the y of its top edge */
    int height;
    bool cycle;
} pic;

static uint32_t pic_dump(const pic *p, uint32_t k)
{
    return p->r->m->goroutines[p->gs[k]].dump;
}

static bool pic_new_cluster(const pic *p, uint32_t k)
{
    return k == 0 || pic_dump(p, k) != pic_dump(p, k - 1);
}

static void pic_layout(pic *p)
{
    int y = 8;
    for (uint32_t k = 0; k < p->n; k++) {
        if (pic_new_cluster(p, k))
            y += (k ? PAD : 0) + HEAD;
        p->top[k] = y;
        y += BOX_H + (k + 1 < p->n ? GAP : PAD);
    }
    p->height = y + 8;
}

/* A light box behind each run of links in one process, named at its top
 * right of the arrow that enters it. */
static void svg_clusters(FILE *out, const pic *p)
{
    for (uint32_t a = 0, b; a < p->n; a = b) {
        for (b = a + 1; b < p->n && !pic_new_cluster(p, b);)
            b++;
        int y0 = p->top[a] - HEAD, y1 = p->top[b - 1] + BOX_H + PAD;
        fprintf(out,
                "<rect class=\"g-clu\" x=\"8\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\"/>"
                "<text class=\"g-clu-t\" x=\"%d\" y=\"%d\">",
                y0, BOX_W + 32, y1 - y0, ARROW_X + 12, y0 + 15);
        h_dump(out, p->r, pic_dump(p, a), 52);
        fputs("</text>\n", out);
    }
}

/* A box's tooltip: the goroutine in full, its function unshortened. */
static void svg_box_title(FILE *out, const sb_report *r, const sb_link *l)
{
    const sb_model *m = r->m;
    const sb_goroutine *g = &m->goroutines[l->g];
    fputs("<title>", out);
    h_gname(out, r, l->g);
    fputs(" in ", out);
    h_dump(out, r, g->dump, 0);
    fputc(' ', out);
    h_state(out, r, g, 0);
    if (l->frame != SB_NONE) {
        const sb_frame *f = sb_frame_get(m, l->frame);
        fputc('\n', out);
        h_str(out, m, f->func, 0);
        if (f->file) {
            fputs("\n  ", out);
            h_str(out, m, f->file, 0);
            fprintf(out, ":%u", f->line);
        }
    }
    fputs("</title>", out);
}

/* One link: who, its state, the function shown for it, and under that
 * its well-known name, or for the root what it waits on. The inner <svg>
 * clips what the column counts did not keep inside. */
static void svg_box(FILE *out, const sb_report *r, const sb_link *l, int y)
{
    const sb_model *m = r->m;
    fprintf(out, "<g%s>", l->root ? " class=\"root\"" : "");
    svg_box_title(out, r, l);
    fprintf(out,
            "<svg x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><rect class=\"g-box\" x=\"1.5\" "
            "y=\"1.5\" width=\"%d\" height=\"%d\" rx=\"5\"/><text class=\"g-t1\" x=\"10\" "
            "y=\"17\">",
            BOX_X, y, BOX_W, BOX_H, BOX_W - 3, BOX_H - 3);
    h_gname(out, r, l->g);
    fputc(' ', out);
    h_state(out, r, &m->goroutines[l->g], 24);
    fputs("</text>", out);
    if (l->root)
        fprintf(out, "<text class=\"g-root\" x=\"%d\" y=\"16\" text-anchor=\"end\">ROOT</text>",
                BOX_W - 10);
    fputs("<text class=\"g-t2\" x=\"10\" y=\"32\">", out);
    if (l->frame != SB_NONE)
        h_func(out, m, sb_frame_get(m, l->frame)->func, 59);
    fputs("</text><text class=\"g-t3\" x=\"10\" y=\"46\">", out);
    if (l->root)
        h_root_wait(out, r, l, 32);
    if (l->name) {
        fputs(l->root ? " (" : "(", out);
        h_str(out, m, l->name, 24);
        fputc(')', out);
    }
    fputs("</text></svg></g>\n", out);
}

static void svg_head_down(FILE *out, int x, int y)
{
    fprintf(out, "<path class=\"g-hd\" d=\"M%d %dl-5 -10h10z\"/>", x, y);
}

/* An edge's two label lines: "mutex · high · 21 waiters", then what. */
static void svg_edge_label(FILE *out, const sb_report *r, const sb_target *t, int x, int y,
                           size_t max)
{
    fprintf(out, "<text class=\"g-lab\" x=\"%d\" y=\"%d\">", x, y);
    if (t) {
        fprintf(out, "%s &#183; %s", sb_wait_kind_name((enum sb_wait_kind)t->kind),
                sb_conf_name((enum sb_conf)t->conf));
        if (t->waiters > 1) {
            fputs(" &#183; ", out);
            sb_put_count(out, t->waiters);
            fputs(" waiters", out);
        }
        fprintf(out, "</text><text class=\"g-what\" x=\"%d\" y=\"%d\">", x, y + 13);
        h_str(out, r->m, t->what, max);
    } else {
        fputs("waits", out);
    }
    fputs("</text>", out);
}

/* The edge's group: a tooltip with the whole wait and its evidence, and
 * a dashed line when the holder is only a guess. */
static void svg_edge_open(FILE *out, const sb_report *r, const sb_target *t)
{
    fprintf(out, "<g class=\"edge%s\"><title>", t && t->conf <= SB_CONF_LOW ? " low" : "");
    if (t) {
        h_wait(out, r, t);
        h_evidence(out, r, t, false);
    }
    fputs("</title>", out);
}

static const sb_target *link_target(const sb_report *r, uint32_t gi)
{
    uint32_t t = r->graph->target_of[gi];
    return t == SB_NONE ? NULL : &r->graph->targets[t];
}

/* Box k waits for box k + 1: an arrow down, labelled in the gap. */
static void svg_arrow(FILE *out, const pic *p, uint32_t k)
{
    const sb_target *t = link_target(p->r, p->gs[k]);
    int y0 = p->top[k] + BOX_H, y1 = p->top[k + 1];
    int label = y0 + (pic_new_cluster(p, k + 1) ? PAD : 0) + 15;
    svg_edge_open(out, p->r, t);
    fprintf(out, "<path class=\"g-arr\" d=\"M%d %dV%d\"/>", ARROW_X, y0, y1 - 8);
    svg_head_down(out, ARROW_X, y1);
    svg_edge_label(out, p->r, t, ARROW_X + 12, label,
                   p->cycle ? COLS(LOOP_X - ARROW_X - 22) : COLS(CHAIN_W - ARROW_X - 20));
    fputs("</g>\n", out);
}

/* A cycle's last member waits for its first: the way back runs up the
 * right of the boxes and into the first (for a cycle of one, out of the
 * box and back into it). */
static void svg_loop(FILE *out, const pic *p)
{
    const sb_target *t = link_target(p->r, p->gs[p->n - 1]);
    int right = BOX_X + BOX_W, lift = p->n == 1 ? 12 : 0;
    int from = p->top[p->n - 1] + BOX_H / 2 + lift, to = p->top[0] + BOX_H / 2 - lift;
    svg_edge_open(out, p->r, t);
    fprintf(out, "<path class=\"g-arr\" d=\"M%d %dH%dV%dH%d\"/>", right, from, LOOP_X, to,
            right + 9);
    fprintf(out, "<path class=\"g-hd\" d=\"M%d %dl10 -5v10z\"/>", right, to);
    svg_edge_label(out, p->r, t, LOOP_X + 8, (from + to) / 2 - 4, COLS(CYCLE_W - LOOP_X - 16));
    fputs("</g>\n", out);
}

/* A chain (the last link the root) or a cycle, as one picture; weak
 * (a chain of low confidence) draws its root in amber, not red. It
 * shrinks to the page's width, never grows past its own. */
static void svg_picture(FILE *out, const sb_report *r, const uint32_t *gs, uint32_t n, bool cycle,
                        bool weak)
{
    if (!n)
        return;
    if (n > MAX_LINKS_DRAWN) {
        fprintf(out,
                "<p class=\"muted\">%u links: too many to draw; the list below names each.</p>\n",
                n);
        return;
    }
    pic p = {r, gs, n, sb_xmalloc(n * sizeof(int)), 0, cycle};
    int w = cycle ? CYCLE_W : CHAIN_W;
    pic_layout(&p);
    fprintf(out,
            "<svg class=\"graph%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
            "style=\"max-width:%dpx\" role=\"img\" aria-label=\"%s\">\n",
            cycle  ? " cyc"
            : weak ? " weak"
                   : "",
            w, p.height, w, p.height, w,
            cycle ? "goroutines waiting for each other" : "chain of waits");
    svg_clusters(out, &p);
    for (uint32_t k = 0; k + 1 < n; k++)
        svg_arrow(out, &p, k);
    if (cycle)
        svg_loop(out, &p);
    for (uint32_t k = 0; k < n; k++) {
        sb_link l;
        sb_link_get(r, gs[k], !cycle && k + 1 == n, &l);
        svg_box(out, r, &l, p.top[k]);
    }
    fputs("</svg>\n", out);
    free(p.top);
}

/* ---- the chains and cycles in words, under their pictures ---- */

static void link_head(FILE *out, const sb_report *r, const sb_link *l)
{
    const sb_model *m = r->m;
    const sb_goroutine *g = &m->goroutines[l->g];
    if (l->root)
        fputs("<span class=\"tag\">ROOT</span> ", out);
    fputs("<b>", out);
    h_gname(out, r, l->g);
    fputs("</b> ", out);
    h_state(out, r, g, 0);
    if (l->frame != SB_NONE) {
        fputs(" in <code>", out);
        h_func(out, m, sb_frame_get(m, l->frame)->func, 0);
        fputs("</code>", out);
    }
    if (l->name) {
        fputs(" (", out);
        h_str(out, m, l->name, 0);
        fputc(')', out);
    }
    fputs(" <span class=\"muted\">", out);
    h_dump(out, r, g->dump, 0);
    if (m->dumps[g->dump].series != SB_NONE)
        fprintf(out, ", same stack in %u/%u snapshots", g->seen, m->dumps[g->dump].snapshot + 1);
    fputs("</span>", out);
}

static void link_item(FILE *out, const sb_report *r, const sb_link *l, uint32_t prev_dump)
{
    const sb_model *m = r->m;
    uint32_t d = m->goroutines[l->g].dump;
    const sb_target *t = l->target != SB_NONE ? &r->graph->targets[l->target] : NULL;
    fputs("<li>", out);
    if (prev_dump != SB_NONE && prev_dump != d) {
        fputs("<div class=\"boundary\">process boundary: ", out);
        h_str(out, m, m->dumps[prev_dump].label, 0);
        fputs(" &#8594; ", out);
        h_str(out, m, m->dumps[d].label, 0);
        fputs("</div>", out);
    }
    link_head(out, r, l);
    fputs("<br>", out);
    if (l->root) {
        fputs(t && t->holder == SB_NONE ? "" : "waits on: ", out);
        h_root_wait(out, r, l, 0);
    } else if (t) {
        fputs("&#8594; ", out);
        h_wait(out, r, t);
    }
    if (t && (!l->root || t->holder == SB_NONE))
        h_evidence(out, r, t, true);
    h_stack_details(out, r, l->g);
    fputs("</li>\n", out);
}

static void links_list(FILE *out, const sb_report *r, const uint32_t *gs, uint32_t n, bool chain)
{
    uint32_t prev = SB_NONE;
    fputs("<ol class=\"links\">\n", out);
    for (uint32_t k = 0; k < n; k++) {
        sb_link l;
        sb_link_get(r, gs[k], chain && k + 1 == n, &l);
        link_item(out, r, &l, prev);
        prev = r->m->goroutines[gs[k]].dump;
    }
    fputs("</ol>\n", out);
}

static void chain_section(FILE *out, const sb_report *r, const sb_chain *ch, size_t index)
{
    fprintf(out, "<section class=\"chain\" id=\"chain-%zu\">\n<h3>Chain %zu: blocks ", index + 1,
            index + 1);
    sb_put_count(out, ch->blocked);
    fprintf(out, " goroutine%s", ch->blocked == 1 ? "" : "s");
    if (ch->max_wait >= 0)
        fprintf(out, " for up to %d min", ch->max_wait);
    fputs(", confidence ", out);
    h_conf(out, ch->conf);
    char fp[SB_FP_TEXT];
    fprintf(out, " (%s)</h3>\n<p class=\"muted\">fingerprint <code>%s</code>, way in: ",
            sb_infer((enum sb_rule_id)ch->rule)->name,
            sb_fp_text(sb_fp_chain(r->m, r->classes, ch), fp));
    h_entry(out, r, ch);
    fputs(" (", out);
    sb_put_count(out, ch->entries);
    fprintf(out, " goroutine%s)%s</p>\n", ch->entries == 1 ? "" : "s",
            ch->transient ? "; no wait times printed: may be passing" : "");
    svg_picture(out, r, ch->links, ch->nlinks, false, ch->conf <= SB_CONF_LOW);
    links_list(out, r, ch->links, ch->nlinks, true);
    fputs("</section>\n", out);
}

/* The top chains, and past them any that starts at a loop the service's
 * health rests on (the PLEG relist), as the text report shows them. */
static void chains(FILE *out, const sb_report *r)
{
    const sb_blame *b = r->blame;
    size_t hidden = 0;
    if (!b || !b->nchains)
        return;
    fputs("<section id=\"chains\">\n<h2>Chains of waits</h2>\n", out);
    for (size_t i = 0; i < b->nchains; i++) {
        if (i < MAX_CHAINS_SHOWN || b->chains[i].critical)
            chain_section(out, r, &b->chains[i], i);
        else
            hidden++;
    }
    if (hidden)
        fprintf(out, "<p class=\"muted\">&#8230; %zu more chain%s (--format json lists all)</p>\n",
                hidden, hidden == 1 ? "" : "s");
    fputs("</section>\n", out);
}

static void cycle_section(FILE *out, const sb_report *r, const sb_cycle *cy, size_t index)
{
    fprintf(out, "<section class=\"cycle\" id=\"deadlock-%zu\">\n<h3>Deadlock %zu: ", index + 1,
            index + 1);
    for (uint32_t k = 0; k <= cy->n; k++) {
        fputs(k ? " &#8594; " : "", out);
        h_gname(out, r, cy->members[k % cy->n]);
    }
    fputs(" in ", out);
    h_dump(out, r, cy->dump, 0);
    fputs(" (confidence ", out);
    h_conf(out, cy->conf);
    char fp[SB_FP_TEXT];
    fprintf(out, ", %s)</h3>\n<p class=\"muted\">fingerprint <code>%s</code></p>\n",
            sb_infer((enum sb_rule_id)cy->rule)->name,
            sb_fp_text(sb_fp_cycle(r->m, r->classes, cy), fp));
    svg_picture(out, r, cy->members, cy->n, true, false);
    links_list(out, r, cy->members, cy->n, false);
    fputs("</section>\n", out);
}

static void cycles(FILE *out, const sb_report *r)
{
    const sb_blame *b = r->blame;
    if (!b || !b->ncycles)
        return;
    fputs("<section id=\"deadlocks\">\n<h2>Deadlocks: goroutines waiting for each other</h2>\n",
          out);
    for (size_t i = 0; i < b->ncycles; i++)
        if (b->cycles[i].n)
            cycle_section(out, r, &b->cycles[i], i);
    fputs("</section>\n", out);
}

/* ---- stuck, leaks, crashes, races ---- */

/* "goroutines 12, 40, 41 (+3 more)" */
static void stuck_ids(FILE *out, const sb_report *r, const sb_stuck *s)
{
    uint32_t shown = 0;
    if (is_record(r, &r->m->goroutines[s->members[0]]))
        return;
    fputs(s->nmembers == 1 ? "<p class=\"muted\">goroutine " : "<p class=\"muted\">goroutines ",
          out);
    for (; shown < s->nmembers && shown < MAX_IDS_SHOWN; shown++)
        fprintf(out, shown ? ", %" PRIu64 : "%" PRIu64, r->m->goroutines[s->members[shown]].id);
    if (s->nmembers > shown)
        fprintf(out, " (+%u more)", s->nmembers - shown);
    fputs("</p>\n", out);
}

static void stuck_item(FILE *out, const sb_report *r, const sb_stuck *s)
{
    const sb_model *m = r->m;
    fputs("<li><b>", out);
    sb_put_count(out, s->count);
    fputs(" &#215;</b> ", out);
    h_dump(out, r, s->dump, 0);
    fputc(' ', out);
    h_state(out, r, &m->goroutines[s->members[0]], 0);
    if (s->frame != SB_NONE) {
        fputs(" in <code>", out);
        h_func(out, m, sb_frame_get(m, s->frame)->func, 0);
        fputs("</code>", out);
    }
    fprintf(out, " (%s, ", sb_infer((enum sb_rule_id)s->rule)->name);
    h_conf(out, s->conf);
    char fp[SB_FP_TEXT];
    fprintf(out, ", fingerprint <code>%s</code>)\n<p>", sb_fp_text(sb_fp_stuck(m, s), fp));
    h_str(out, m, s->evidence, 0);
    fputs("</p>\n", out);
    stuck_ids(out, r, s);
    h_stack_details(out, r, s->members[0]);
    fputs("</li>\n", out);
}

/* What changed from a series' first snapshot to its last, as a table,
 * and the holders that did not move. */
static void changes(FILE *out, const sb_report *r)
{
    const sb_series *se = r->series;
    const sb_model *m = r->m;
    if (!se || (!se->nchanges && !se->nseries))
        return;
    fputs("<section id=\"changes\">\n<h2>Changes from the first snapshot to the last</h2>\n"
          "<table>\n<tr><th>dump</th><th>change</th><th>first</th><th>last</th><th>state</th>"
          "<th>function</th></tr>\n",
          out);
    for (size_t i = 0; i < se->nchanges && i < 50; i++) {
        const sb_change *c = &se->changes[i];
        const sb_goroutine *g = &m->goroutines[c->goroutine];
        fprintf(out, "<tr><td>[%u]</td><td>%s</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>",
                g->dump + 1, sb_change_name(c), c->first, c->last);
        h_state(out, r, g, 0);
        fputs("</td><td><code>", out);
        uint32_t f = sb_link_frame(m, r->classes, c->goroutine);
        if (f != SB_NONE)
            h_func(out, m, sb_frame_get(m, f)->func, 0);
        fputs("</code></td></tr>\n", out);
    }
    fputs("</table>\n<ul>\n", out);
    for (size_t t = 0; t < r->graph->ntargets; t++) {
        uint32_t h = r->graph->targets[t].holder;
        if (h == SB_NONE || !sb_holder_unmoved(r, h))
            continue;
        fputs("<li>did not move: ", out);
        h_gname(out, r, h);
        fprintf(out, " (same stack in all %u snapshots)</li>\n", m->goroutines[h].seen);
    }
    fputs("</ul>\n</section>\n", out);
}

/* Groups that grew in every snapshot of a process: goroutine leaks. */
static void leaks(FILE *out, const sb_report *r)
{
    const sb_series *se = r->series;
    for (size_t i = 0; se && i < se->nleaks; i++) {
        const sb_leak *l = &se->leaks[i];
        fputs(i ? "<li>" : "<h3>Growing across snapshots (leak suspects)</h3>\n<ul>\n<li>", out);
        h_dump(out, r, l->last_dump, 0);
        fputc(' ', out);
        for (uint32_t k = 0; k < se->nsnapshots[l->series]; k++) {
            fputs(k ? " &#8594; " : "", out);
            sb_put_count(out, l->counts[k]);
        }
        fputs(" goroutines", out);
        uint32_t f = sb_link_frame(r->m, r->classes, l->first_goroutine);
        if (f != SB_NONE) {
            fputs(" at <code>", out);
            h_func(out, r->m, sb_frame_get(r->m, f)->func, 0);
            fputs("</code>", out);
        }
        fputs(i + 1 == se->nleaks ? "</li>\n</ul>\n" : "</li>\n", out);
    }
}

static void stuck(FILE *out, const sb_report *r)
{
    bool any = r->stuck && r->stuck->n;
    if (!any && !(r->series && r->series->nleaks))
        return;
    fputs("<section id=\"stuck\">\n<h2>Stuck: nothing will wake these</h2>\n", out);
    if (any)
        fputs("<ol>\n", out);
    for (size_t k = 0; any && k < r->stuck->n && k < MAX_STUCK_SHOWN; k++)
        stuck_item(out, r, &r->stuck->v[k]);
    if (any)
        fputs("</ol>\n", out);
    if (any && r->stuck->n > MAX_STUCK_SHOWN)
        fprintf(out, "<p class=\"muted\">&#8230; %zu more (--format json lists all)</p>\n",
                r->stuck->n - MAX_STUCK_SHOWN);
    leaks(out, r);
    fputs("</section>\n", out);
}

/* Each crash with the stack of the goroutine that crashed. */
static void crashes(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    if (!r->crashes || !r->crashes->n)
        return;
    fputs("<section id=\"crashes\">\n<h2>Crashes</h2>\n<ol>\n", out);
    for (size_t k = 0; k < r->crashes->n; k++) {
        const sb_crash *c = &r->crashes->v[k];
        fputs("<li><span class=\"crash\">", out);
        crash_line(out, r, c);
        fputs("</span>", out);
        if (c->log_line && c->log_line != c->reason) {
            fputs("<pre>", out);
            h_str(out, m, c->log_line, 0);
            fputs("</pre>", out);
        }
        if (c->goroutine != SB_NONE)
            h_stack_details(out, r, c->goroutine);
        fputs("</li>\n", out);
    }
    fputs("</ol>\n</section>\n", out);
}

/* "read by goroutine 9 (running) in main.(*cache).lookup at race/main.go:44" */
static void race_access(FILE *out, const sb_race_access *a)
{
    char who[64];
    fprintf(out, "<li>%s", sb_race_who(a, who, sizeof(who)));
    if (a->gstate) {
        fputs(" (", out);
        h_esc(out, a->gstate, strlen(a->gstate));
        fputc(')', out);
    }
    const sb_race_frame *f = sb_race_user_frame(a->frames, a->nframes);
    if (f) {
        size_t sl;
        const char *s = sb_func_short(f->func, strlen(f->func), &sl);
        fputs(" in <code>", out);
        h_esc(out, s, sl);
        fputs("</code>", out);
    }
    if (f && f->file) {
        fputs(" at <code>", out);
        h_short_path(out, f->file, strlen(f->file));
        fprintf(out, ":%u</code>", f->line);
    }
    fputs("</li>", out);
}

/* Race-detector reports: the two accesses of each, who and where. */
static void races(FILE *out, const sb_report *r)
{
    const sb_races *rs = &r->m->races;
    if (!rs->n)
        return;
    fputs("<section id=\"races\">\n<h2>Data races: ", out);
    sb_put_count(out, rs->n + rs->dropped);
    fputs(" (two goroutines touched the same memory, one writing)</h2>\n<ol>\n", out);
    for (size_t k = 0; k < rs->n && k < MAX_RACES_SHOWN; k++) {
        const sb_race *race = &rs->v[k];
        fputs("<li>", out);
        h_str(out, r->m, race->source, 0);
        fprintf(out, " line %" PRIu64 "%s\n<ul>", race->line_no,
                race->truncated ? " (cut short)" : "");
        for (uint32_t a = 0; a < race->naccess; a++)
            race_access(out, &race->access[a]);
        fputs("</ul></li>\n", out);
    }
    fputs("</ol>\n", out);
    if (rs->n > MAX_RACES_SHOWN)
        fprintf(out, "<p class=\"muted\">&#8230; %zu more (--format json lists all)</p>\n",
                rs->n - MAX_RACES_SHOWN);
    fputs("</section>\n", out);
}

/* ---- the dumps ---- */

static void dump_row(FILE *out, const sb_report *r, uint32_t di)
{
    const sb_model *m = r->m;
    const sb_dump *d = &m->dumps[di];
    char role[96];
    fprintf(out, "<tr><td>%u</td><td class=\"path\">", di + 1);
    h_str(out, m, d->label, 0);
    fputs("<br><span class=\"muted\">", out);
    h_str(out, m, d->source, 0);
    fputs("</span></td><td>", out);
    sb_put_count(out, d->goroutines);
    fprintf(out, "</td><td>%s</td><td>",
            d->format == SB_FMT_DEBUG1 ? "pprof debug=1" : "traceback");
    if (d->headline)
        h_str(out, m, d->headline, 0);
    if (sb_dump_role(r, di, role, sizeof(role))) {
        fputs(d->headline ? "<br><span class=\"muted\">" : "<span class=\"muted\">", out);
        h_esc(out, role, strlen(role));
        fputs("</span>", out);
    }
    fputs("</td></tr>\n", out);
}

/* What the dumps do not cover: inputs that gave nothing, cut goroutines,
 * lines that were no dump. */
static void dump_notes(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    for (size_t i = 0; i < m->ninputs; i++)
        if (m->inputs[i].error) {
            fputs("<p class=\"muted\">not analysed: ", out);
            h_str(out, m, m->inputs[i].path, 0);
            fputs(": ", out);
            h_str(out, m, m->inputs[i].error, 0);
            fputs("</p>\n", out);
        }
    if (m->stats.truncated) {
        fputs("<p class=\"muted\">", out);
        sb_put_count(out, m->stats.truncated);
        fputs(m->stats.truncated == 1 ? " goroutine" : " goroutines", out);
        fputs(" cut short (truncated input)</p>\n", out);
    }
    if (m->stats.skipped_lines) {
        fputs("<p class=\"muted\">", out);
        sb_put_count(out, m->stats.skipped_lines);
        fputs(m->stats.skipped_lines == 1 ? " line" : " lines", out);
        fputs(" skipped: not part of a goroutine dump</p>\n", out);
    }
}

static void dumps(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    fputs("<section id=\"dumps\">\n<h2>Dumps</h2>\n", out);
    if (m->ndumps)
        fputs("<table>\n<tr><th>#</th><th>process / file</th><th>goroutines</th><th>kind</th>"
              "<th>headline</th></tr>\n",
              out);
    for (uint32_t di = 0; di < m->ndumps; di++)
        dump_row(out, r, di);
    if (m->ndumps)
        fputs("</table>\n", out);
    dump_notes(out, r);
    fputs("</section>\n", out);
}

/* ---- the groups ---- */

/* "21 × [semacquire, 2~5 min, locked to thread] F  goroutines 26, 126 (+13 more)" */
static void group_summary(FILE *out, const sb_report *r, const sb_group *g)
{
    const sb_model *m = r->m;
    bool record = m->dumps[g->dump].format == SB_FMT_DEBUG1;
    fputs("<summary><b>", out);
    sb_put_count(out, g->count);
    fputs(" &#215;</b> [", out);
    if (record)
        fputs("debug=1 record", out);
    else
        h_str(out, m, g->state, 0);
    if (g->max_wait >= 0 && g->min_wait == g->max_wait)
        fprintf(out, ", %d min", g->max_wait);
    else if (g->max_wait >= 0)
        fprintf(out, ", %d~%d min", g->min_wait, g->max_wait);
    if (g->locked)
        fprintf(out, g->locked == g->members ? ", locked to thread" : ", %u locked to thread",
                g->locked);
    fputs("]", out);
    uint32_t f = sb_link_frame(m, r->classes, g->first);
    if (f != SB_NONE) {
        fputs(" <code>", out);
        h_func(out, m, sb_frame_get(m, f)->func, 0);
        fputs("</code>", out);
    }
    if (g->truncated)
        fprintf(out, " (%u truncated)", g->truncated);
    fputs("</summary>\n", out);
}

static void group_ids(FILE *out, const sb_report *r, const sb_group *g)
{
    uint32_t shown = 0;
    if (r->m->dumps[g->dump].format == SB_FMT_DEBUG1)
        return;
    fputs(g->members == 1 ? "<p class=\"muted\">goroutine " : "<p class=\"muted\">goroutines ",
          out);
    for (uint32_t i = g->first; i != SB_NONE && shown < MAX_IDS_SHOWN; i = r->groups->next[i])
        fprintf(out, shown++ ? ", %" PRIu64 : "%" PRIu64, r->m->goroutines[i].id);
    if (g->members > shown)
        fprintf(out, " (+%u more)", g->members - shown);
    fputs("</p>\n", out);
}

static void group(FILE *out, const sb_report *r, const sb_group *g)
{
    fputs("<details class=\"grp\">", out);
    group_summary(out, r, g);
    group_ids(out, r, g);
    h_frames(out, r, g->first);
    fputs("</details>\n", out);
}

/* One dump's groups, largest first; *at is the first of its groups in
 * r->groups and moves past them. */
static void dump_groups(FILE *out, const sb_report *r, uint32_t di, size_t *at)
{
    const sb_groups *gs = r->groups;
    const sb_dump *d = &r->m->dumps[di];
    size_t start = *at;
    while (*at < gs->n && gs->v[*at].dump == di)
        (*at)++;
    size_t n = *at - start, show = n;
    if (r->set.max_groups > 0 && (size_t)r->set.max_groups < n)
        show = (size_t)r->set.max_groups;
    fputs("<section class=\"dump-groups\">\n<h3>", out);
    h_dump(out, r, di, 0);
    fputs(": ", out);
    sb_put_count(out, d->goroutines);
    fprintf(out, " goroutine%s</h3>\n", d->goroutines == 1 ? "" : "s");
    for (size_t k = start; k < start + show; k++)
        group(out, r, &gs->v[k]);
    if (show < n)
        fprintf(out, "<p class=\"muted\">&#8230; %zu more groups (--groups=0 shows all)</p>\n",
                n - show);
    fputs("</section>\n", out);
}

static void groups(FILE *out, const sb_report *r)
{
    size_t at = 0;
    fputs("<section id=\"groups\">\n<h2>Goroutine groups (same stack and state, largest "
          "first)</h2>\n<p id=\"sb-filterbox\" hidden><input id=\"sb-filter\" type=\"search\" "
          "placeholder=\"filter: a function, a state, a goroutine id\" aria-label=\"filter the "
          "groups\"> <span id=\"sb-count\" class=\"muted\"></span></p>\n",
          out);
    for (uint32_t di = 0; r->groups && di < r->m->ndumps; di++)
        dump_groups(out, r, di, &at);
    fputs("</section>\n", out);
}

void sb_report_html(FILE *out, const sb_report *r)
{
    page_head(out, r);
    page_title(out, r);
    verdict(out, r);
    page_nav(out, r);
    chains(out, r);
    cycles(out, r);
    stuck(out, r);
    changes(out, r);
    crashes(out, r);
    races(out, r);
    dumps(out, r);
    groups(out, r);
    page_foot(out);
}
