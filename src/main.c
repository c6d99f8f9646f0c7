/* main.c: wires the stages: options -> input -> prefix -> parser ->
 * analysis -> report. No analysis happens here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "stackblame/analysis.h"
#include "stackblame/infer.h"
#include "stackblame/input.h"
#include "stackblame/options.h"
#include "stackblame/parser.h"
#include "stackblame/prefix.h"
#include "stackblame/report.h"
#include "stackblame/rules.h"
#include "stackblame/version.h"

/* "s" for a count other than one, so that messages read "1 line". */
static const char *plural(unsigned long long n)
{
    return n == 1 ? "" : "s";
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_stats(const sb_model *m, double elapsed)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr,
            "stackblame: stats: %llu bytes, %llu lines, %zu dumps, %llu goroutines, %llu frames, "
            "%llu skipped lines, %llu truncated, %.3f s, peak RSS %ld MiB\n",
            (unsigned long long)m->stats.bytes, (unsigned long long)m->stats.lines, m->ndumps,
            (unsigned long long)m->stats.goroutines, (unsigned long long)m->stats.frames,
            (unsigned long long)m->stats.skipped_lines, (unsigned long long)m->stats.truncated,
            elapsed, ru.ru_maxrss / 1024);
}

/* Says on stderr what of one input was not read as a goroutine: nothing
 * is dropped silently. */
static void warn_dropped(const char *shown, const sb_model *m, const sb_stats *before)
{
    unsigned long long n = m->stats.skipped_lines - before->skipped_lines;
    if (n)
        fprintf(stderr, "stackblame: %s: %llu line%s skipped (not part of a goroutine)\n", shown, n,
                plural(n));
    n = m->stats.frames_cut - before->frames_cut;
    if (n)
        fprintf(stderr,
                "stackblame: %s: %llu frame%s past the limit of %u per goroutine cut "
                "(counted, not kept)\n",
                shown, n, plural(n), SB_MAX_FRAMES);
    n = m->stats.truncated - before->truncated;
    if (n)
        fprintf(stderr, "stackblame: %s: %llu goroutine%s cut short (truncated input)\n", shown, n,
                plural(n));
}

/* Records input `shown` in m.inputs with its error (NULL = none), and
 * says the error on stderr: one bad input is a warning, the others are
 * still read. */
static void record_input(sb_model *m, const char *shown, const sb_stats *before,
                         uint32_t first_dump, const char *error)
{
    m->inputs = sb_grow(m->inputs, &m->inputs_cap, m->ninputs, sizeof(*m->inputs));
    sb_input_rec *rec = &m->inputs[m->ninputs++];
    rec->path = sb_intern_put(&m->strings, shown, strlen(shown));
    rec->error = error ? sb_intern_put(&m->strings, error, strlen(error)) : 0;
    rec->first_dump = first_dump;
    rec->ndumps = (uint32_t)m->ndumps - first_dump;
    rec->goroutines = m->stats.goroutines - before->goroutines;
    rec->races = m->stats.race_reports - before->race_reports;
    if (error)
        fprintf(stderr, "stackblame: %s: %s\n", shown, error);
}

/* Reads one input into the model. Returns whether it gave anything to
 * analyse (goroutines or race reports). */
static bool read_input(sb_parser *p, sb_model *m, const char *name, const char *label)
{
    const char *shown = strcmp(name, "-") == 0 ? "<stdin>" : name;
    char err[512], msg[600];
    sb_stats before = m->stats;
    uint32_t first_dump = (uint32_t)m->ndumps;
    sb_input in;
    if (!sb_input_open(&in, name, err, sizeof(err))) {
        snprintf(msg, sizeof(msg), "cannot open: %s", err);
        record_input(m, shown, &before, first_dump, msg);
        return false;
    }
    in.name = shown;
    bool read = sb_parse_input(p, &in, label, err, sizeof(err));
    bool found =
        m->stats.goroutines > before.goroutines || m->stats.race_reports > before.race_reports;
    if (found)
        warn_dropped(shown, m, &before);
    if (in.long_lines)
        fprintf(stderr, "stackblame: %s: %llu line%s longer than %u bytes cut\n", shown,
                (unsigned long long)in.long_lines, plural(in.long_lines), SB_INPUT_MAX_LINE);
    sb_input_close(&in);
    record_input(m, shown, &before, first_dump,
                 !read    ? err
                 : !found ? "no goroutine found (not a Go stack dump?)"
                          : NULL);
    return found;
}

/* --width, else the terminal's when the text goes to one, else none. */
static long text_width(const sb_options *opt)
{
    struct winsize ws;
    if (opt->width)
        return opt->width;
    if (!opt->output && isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return 0;
}

/* Per goroutine, whether its group is shown under --match and --exclude;
 * NULL when neither is given. */
static bool *shown_goroutines(const sb_options *opt, const sb_model *m)
{
    char err[256];
    if (!opt->match && !opt->exclude)
        return NULL;
    bool *in = opt->match ? sb_blame_select(m, opt->match, err, sizeof(err)) : NULL;
    bool *out = opt->exclude ? sb_blame_select(m, opt->exclude, err, sizeof(err)) : NULL;
    bool *shown = sb_xmalloc(m->ngoroutines + 1);
    for (size_t i = 0; i < m->ngoroutines; i++)
        shown[i] = (!in || in[i]) && (!out || !out[i]);
    free(in);
    free(out);
    return shown;
}

/* Analyses the model and writes the report. Returns the exit status. */
static int write_report(const sb_options *opt, sb_model *m, sb_rules *rules)
{
    FILE *out = stdout;
    if (opt->output &&
        !(out = fopen(opt->output, "w"))) { /* after the input: no half-written file */
        fprintf(stderr, "stackblame: %s: cannot write: %s\n", opt->output, strerror(errno));
        return 2;
    }
    static char obuf[1 << 16];
    /* The JSON report buffers its own writes (outbuf.h): through a
     * second buffer each byte would be copied twice. */
    if (opt->format == SB_OUT_JSON)
        setvbuf(out, NULL, _IONBF, 0);
    else
        setvbuf(out, obuf, _IOFBF, sizeof(obuf));
    sb_analysis an;
    sb_analyze(m, rules, opt->from, opt->series, &an);
    bool *shown = shown_goroutines(opt, m);
    sb_report r = {.m = m,
                   .groups = &an.groups,
                   .set = {.max_groups = opt->max_groups,
                           .series = opt->series,
                           .width = text_width(opt),
                           .full = opt->full,
                           .summary = opt->summary,
                           .shown = shown},
                   .classes = &an.classes,
                   .graph = &an.graph,
                   .blame = &an.blame,
                   .series = &an.series,
                   .stuck = &an.stuck,
                   .crashes = &an.crashes};
    r.color =
        opt->color == SB_COLOR_ALWAYS || (opt->color == SB_COLOR_AUTO && !opt->output && isatty(1));
    sb_report_write(out, &r, opt->format);
    int status = sb_analysis_findings(&an, opt->fail_deadlock, opt->fail_blocked, opt->fail_stuck);
    sb_analysis_free(&an);
    free(shown);
    if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
        fprintf(stderr, "stackblame: %s: write error: %s\n", opt->output ? opt->output : "<stdout>",
                strerror(errno));
        status = 2;
    }
    return status;
}

int main(int argc, char **argv)
{
    double t0 = now_seconds();
    sb_options opt;
    char err[512];
    if (sb_options_parse(&opt, argc, argv, err, sizeof(err)) != 0) {
        fprintf(stderr, "stackblame: %s\n", err);
        return 2;
    }
    if (opt.help) {
        sb_options_usage(stdout);
        return 0;
    }
    if (opt.version) {
        printf("stackblame %s\n", SB_VERSION);
        return 0;
    }
    if (opt.list_rules) {
        sb_infer_list(stdout);
        return 0;
    }
    sb_prefix *px = sb_prefix_new(opt.strip_prefix, err, sizeof(err));
    if (!px) {
        fprintf(stderr, "stackblame: --strip-prefix: %s\n", err);
        return 2;
    }
    const char *const regex_opts[][2] = {
        {"--from", opt.from}, {"--match", opt.match}, {"--exclude", opt.exclude}};
    for (size_t i = 0; i < sizeof(regex_opts) / sizeof(regex_opts[0]); i++) {
        if (regex_opts[i][1] && !sb_blame_check_regex(regex_opts[i][1], err, sizeof(err))) {
            fprintf(stderr, "stackblame: %s: %s\n", regex_opts[i][0], err);
            sb_prefix_free(px);
            return 2;
        }
    }
    sb_rules *rules = sb_rules_load(opt.rules, err, sizeof(err));
    if (!rules) {
        fprintf(stderr, "stackblame: --rules: %s\n", err);
        sb_prefix_free(px);
        return 2;
    }
    sb_model m;
    sb_model_init(&m);
    sb_parser *p = sb_parser_new(&m, px);
    bool any = false;
    for (int i = 0; i < opt.nfiles; i++)
        any |= read_input(p, &m, opt.files[i], opt.label);
    int status = 2;
    if (!any && opt.nfiles > 1)
        fprintf(stderr, "stackblame: none of the %d inputs could be analysed\n", opt.nfiles);
    if (any)
        status = write_report(&opt, &m, rules);
    /* Races alone are reported, but there is no dump to diagnose: as for
     * an input with no goroutine, the status says so. */
    if (any && status != 2 && m.stats.goroutines == 0) {
        fprintf(stderr, "stackblame: no goroutine found, only race reports: nothing to diagnose\n");
        status = 2;
    }
    if (opt.stats)
        print_stats(&m, now_seconds() - t0);
    sb_parser_free(p);
    sb_prefix_free(px);
    sb_rules_free(rules);
    sb_model_free(&m);
    return status;
}
