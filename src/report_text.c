/* report_text.c: the default human report: a summary of the dumps, then
 * per dump the groups of identical goroutines, largest first. */
#include <string.h>
#include "stackblame/escape.h"
#include "stackblame/report.h"

#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_YELLOW "\033[33m"
#define C_RESET "\033[0m"

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
static void put_short_file(FILE *out, const sb_model *m, uint32_t id)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    size_t i = n, slashes = 0;
    while (i > 0) {
        if (s[i - 1] == '/' || s[i - 1] == '\\') {
            if (++slashes == 2)
                break;
        }
        i--;
    }
    sb_put_text(out, s + i, n - i);
}

static void put_dump_name(FILE *out, const sb_report *r, uint32_t di)
{
    const sb_dump *d = &r->m->dumps[di];
    fprintf(out, "[%u] ", di + 1);
    put_str(out, r->m, d->label);
}

static void put_frame(FILE *out, const sb_report *r, uint32_t frame_id, uint32_t args, const char *lead)
{
    const sb_model *m = r->m;
    const sb_frame *f = sb_frame_get(m, frame_id);
    fprintf(out, "    %s", lead);
    put_str(out, m, f->func);
    if (!*lead) {
        fputc('(', out);
        put_str(out, m, args);
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
    const sb_stack *st = sb_stack_get(m, g->stack);
    for (uint32_t i = 0; i < st->nframes; i++) {
        const uint32_t *args = NULL;
        size_t nargs = sb_intern_len(&m->argvecs, first->args) / sizeof(uint32_t);
        args = sb_intern_data(&m->argvecs, first->args);
        put_frame(out, r, st->frames[i], i < nargs ? args[i] : 0, "");
    }
    if (first->flags & SB_G_ELIDED)
        fputs("    ...frames elided...\n", out);
    if (first->flags & SB_G_OTHER_THREAD)
        fputs("    (running on another thread; stack unavailable)\n", out);
    if (first->created_by != SB_NONE)
        put_frame(out, r, first->created_by, 0, "created by ");
    fputc('\n', out);
}

void sb_report_text(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    const sb_groups *gs = r->groups;
    fputs("stackblame: ", out);
    sb_put_count(out, m->ndumps);
    fputs(m->ndumps == 1 ? " dump, " : " dumps, ", out);
    sb_put_count(out, m->stats.goroutines);
    fputs(" goroutines", out);
    if (m->ndumps > 1) {
        fputs(" (", out);
        for (size_t i = 0; i < m->ndumps; i++) {
            if (i)
                fputs("; ", out);
            put_str(out, m, m->dumps[i].label);
            fputc(' ', out);
            sb_put_count(out, m->dumps[i].goroutines);
        }
        fputc(')', out);
    }
    fputc('\n', out);
    if (m->stats.truncated || m->stats.skipped_lines) {
        fputs("  ", out);
        sb_put_count(out, m->stats.truncated);
        fputs(" truncated goroutines, ", out);
        sb_put_count(out, m->stats.skipped_lines);
        fputs(" lines skipped (not part of a dump)\n", out);
    }
    size_t gi = 0;
    for (uint32_t di = 0; di < m->ndumps; di++) {
        const sb_dump *d = &m->dumps[di];
        fputc('\n', out);
        color(out, r, C_BOLD);
        fputs("== ", out);
        put_dump_name(out, r, di);
        fputs(": ", out);
        sb_put_count(out, d->goroutines);
        fprintf(out, " goroutines, %s", d->format == SB_FMT_DEBUG1 ? "pprof debug=1" : "traceback");
        if (d->headline) {
            fputs(", ", out);
            put_str(out, m, d->headline);
        }
        color(out, r, C_RESET);
        fputs("\n\n", out);
        size_t start = gi;
        while (gi < gs->n && gs->v[gi].dump == di)
            gi++;
        size_t n = gi - start, show = n;
        if (r->opt->max_groups > 0 && (size_t)r->opt->max_groups < n)
            show = (size_t)r->opt->max_groups;
        for (size_t k = start; k < start + show; k++)
            put_group(out, r, gs, &gs->v[k]);
        if (show < n)
            fprintf(out, "... %zu more groups (--groups=0 shows all)\n", n - show);
    }
}
