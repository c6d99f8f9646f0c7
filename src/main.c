/* main.c: wires the stages: options -> input -> prefix -> parser ->
 * analysis -> report. No analysis happens here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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
    if (opt.from && !sb_blame_check_regex(opt.from, err, sizeof(err))) {
        fprintf(stderr, "stackblame: --from: %s\n", err);
        sb_prefix_free(px);
        return 2;
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
    int status = 0;
    for (int i = 0; i < opt.nfiles && status == 0; i++) {
        const char *name = opt.files[i];
        const char *shown = strcmp(name, "-") == 0 ? "<stdin>" : name;
        sb_input in;
        if (!sb_input_open(&in, name, err, sizeof(err))) {
            fprintf(stderr, "stackblame: %s: cannot open: %s\n", shown, err);
            status = 2;
            break;
        }
        in.name = shown;
        uint64_t before = m.stats.goroutines, skipped = m.stats.skipped_lines,
                 truncated = m.stats.truncated, cut = m.stats.frames_cut;
        if (!sb_parse_input(p, &in, opt.label, err, sizeof(err))) {
            fprintf(stderr, "stackblame: %s: %s\n", shown, err);
            status = 2;
        } else if (m.stats.goroutines == before) {
            fprintf(stderr, "stackblame: %s: no goroutine found (not a Go stack dump?)\n", shown);
            status = 2;
        } else {
            /* Nothing is dropped silently: say what was not read as a goroutine. */
            unsigned long long n = m.stats.skipped_lines - skipped;
            if (n)
                fprintf(stderr, "stackblame: %s: %llu line%s skipped (not part of a goroutine)\n",
                        shown, n, plural(n));
            n = m.stats.frames_cut - cut;
            if (n)
                fprintf(stderr,
                        "stackblame: %s: %llu frame%s past the limit of %u per goroutine cut "
                        "(counted, not kept)\n",
                        shown, n, plural(n), SB_MAX_FRAMES);
            n = m.stats.truncated - truncated;
            if (n)
                fprintf(stderr, "stackblame: %s: %llu goroutine%s cut short (truncated input)\n",
                        shown, n, plural(n));
        }
        if (in.long_lines)
            fprintf(stderr, "stackblame: %s: %llu line%s longer than %u bytes cut\n", shown,
                    (unsigned long long)in.long_lines, plural(in.long_lines), SB_INPUT_MAX_LINE);
        sb_input_close(&in);
    }
    if (status == 0) {
        FILE *out = stdout;
        if (opt.output &&
            !(out = fopen(opt.output, "w"))) { /* after the input: no half-written file */
            fprintf(stderr, "stackblame: %s: cannot write: %s\n", opt.output, strerror(errno));
            status = 2;
        } else {
            static char obuf[1 << 16];
            /* The JSON report buffers its own writes (outbuf.h): through a
             * second buffer each byte would be copied twice. */
            if (opt.format == SB_OUT_JSON)
                setvbuf(out, NULL, _IONBF, 0);
            else
                setvbuf(out, obuf, _IOFBF, sizeof(obuf));
            sb_analysis an;
            sb_analyze(&m, rules, opt.from, &an);
            sb_report r = {&m,        &an.groups, &opt,      &an.classes, &an.graph,
                           &an.blame, &an.series, &an.stuck, false};
            r.color = opt.color == SB_COLOR_ALWAYS ||
                      (opt.color == SB_COLOR_AUTO && !opt.output && isatty(1));
            sb_report_write(out, &r, opt.format);
            status = sb_analysis_findings(&an, opt.fail_deadlock, opt.fail_blocked, opt.fail_stuck);
            sb_analysis_free(&an);
            if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
                fprintf(stderr, "stackblame: %s: write error: %s\n",
                        opt.output ? opt.output : "<stdout>", strerror(errno));
                status = 2;
            }
        }
    }
    if (opt.stats)
        print_stats(&m, now_seconds() - t0);
    sb_parser_free(p);
    sb_prefix_free(px);
    sb_rules_free(rules);
    sb_model_free(&m);
    return status;
}
