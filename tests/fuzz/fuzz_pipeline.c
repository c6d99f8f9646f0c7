/* fuzz_pipeline.c: libFuzzer target for the whole pipeline, as main.c runs
 * it: parse -> series -> classify (built-in rules) -> graph -> blame -> groups -> the
 * three reports, each written to a memory stream and checked:
 *   JSON      one valid RFC 8259 value, valid UTF-8, no raw byte < 0x20;
 *   text      valid UTF-8, no raw controls or bidi overrides (color off);
 *   Markdown  the same, and no raw `<script`.
 * The input may hold several files, separated by a line holding only a form
 * feed ("\n\f\n"), like `stackblame a.txt b.txt`. The last byte picks the
 * options: bit 0 --from 'main\.', bit 1 color on, bit 2 --groups 1. */
#include <unistd.h>

#include "fuzz_common.h"
#include "stackblame/analysis.h"
#include "stackblame/blame.h"
#include "stackblame/classify.h"
#include "stackblame/graph.h"
#include "stackblame/group.h"
#include "stackblame/report.h"
#include "stackblame/rules.h"
#include "stackblame/series.h"

#define FZ_MAX_FILES 4

typedef void (*fz_reporter)(FILE *, const sb_report *);

static char *run_report(fz_reporter fn, const sb_report *r, size_t *n)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, n);
    if (!f)
        abort();
    fn(f, r);
    if (fclose(f) != 0)
        abort();
    return buf;
}

/* Color on: ESC may only start an SGR sequence the reporter wrote itself
 * (ESC [ digits/; m); anything from the input is escaped as \x1b anyway. */
static void check_text_color(const char *out, size_t n)
{
    char *copy = malloc(n ? n : 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (out[i] == 0x1b) {
            size_t j = i + 1;
            if (j >= n || out[j] != '[')
                fz_fail("text (color): ESC not starting an SGR sequence", out, n, i);
            j++;
            while (j < n && ((out[j] >= '0' && out[j] <= '9') || out[j] == ';'))
                j++;
            if (j >= n || out[j] != 'm')
                fz_fail("text (color): ESC not starting an SGR sequence", out, n, i);
            i = j;
            continue;
        }
        copy[k++] = out[i];
    }
    fz_check_text("text (color): invalid UTF-8 or raw control", copy, k);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    unsigned mode = size ? data[size - 1] : 0;
    sb_prefix *px = sb_prefix_new(NULL, err, sizeof(err));
    sb_rules *rules = sb_rules_load(NULL, err, sizeof(err));
    if (!px || !rules)
        abort(); /* the built-in tables must compile */
    sb_model m;
    sb_model_init(&m);
    sb_parser *p = sb_parser_new(&m, px);

    static const char *const names[FZ_MAX_FILES] = {"a.txt", "dir/b.txt", "-", "d.log"};
    size_t off = 0;
    for (int f = 0; f < FZ_MAX_FILES; f++) {
        size_t end = size;
        if (f < FZ_MAX_FILES - 1) {
            for (size_t i = off; i + 3 <= size; i++)
                if (data[i] == '\n' && data[i + 1] == '\f' && data[i + 2] == '\n') {
                    end = i + 1; /* the file keeps its last newline */
                    break;
                }
        }
        fz_parse_one(p, names[f], data + off, end - off);
        if (end == size)
            break;
        off = end + 2;
    }

    enum sb_series_mode series = (enum sb_series_mode)((mode >> 3) % 3);
    sb_analysis an; /* the same stages, in the same order, as the CLI */
    sb_analyze(&m, rules, (mode & 1) ? "main\\." : NULL, series, &an);
    sb_report r;
    memset(&r, 0, sizeof(r));
    r.m = &m;
    r.groups = &an.groups;
    r.set.max_groups = (mode & 4) ? 1 : 20;
    r.set.series = series;
    r.classes = &an.classes;
    r.graph = &an.graph;
    r.blame = &an.blame;
    r.series = &an.series;
    r.stuck = &an.stuck;
    r.crashes = &an.crashes;
    r.color = (mode & 2) != 0;

    size_t n;
    char *out = run_report(sb_report_json, &r, &n);
    fz_check_json(out, n);
    free(out);
    out = run_report(sb_report_text, &r, &n);
    if (r.color)
        check_text_color(out, n);
    else
        fz_check_text("text: invalid UTF-8 or raw control", out, n);
    free(out);
    out = run_report(sb_report_markdown, &r, &n);
    fz_check_markdown(out, n);
    free(out);

    sb_analysis_free(&an);
    sb_parser_free(p);
    sb_prefix_free(px);
    sb_rules_free(rules);
    sb_model_free(&m);
    return 0;
}
