/* stages.c: times the first stages alone on one file, to see where the
 * benchmark's time goes without a profiler:
 *
 *   bench_stages FILE     (build: cmake --build BUILD --target bench_stages)
 *
 * prints one line per stage: reading and splitting lines; that plus
 * sb_lex on every line; reading plus the parser (no log prefixes, no
 * analysis, no report). The parser lexes most lines through sb_lex_expect,
 * confirming what it expects there, so it can take less time than the
 * sb_lex stage above it. Each is the best of three passes over a warm page
 * cache. */
#include <stdio.h>
#include <time.h>

#include "stackblame/input.h"
#include "stackblame/lexer.h"
#include "stackblame/model.h"
#include "stackblame/parser.h"

enum stage { READ, LEX, PARSE };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One pass; returns seconds, or a negative value when the file fails. */
static double pass(const char *path, enum stage st, unsigned long *count)
{
    char err[256];
    sb_input in;
    double t0 = now();
    if (!sb_input_open(&in, path, err, sizeof(err))) {
        fprintf(stderr, "bench_stages: %s: %s\n", path, err);
        return -1;
    }
    sb_span line;
    sb_token t;
    *count = 0;
    if (st == PARSE) {
        sb_model m;
        sb_model_init(&m);
        sb_parser *p = sb_parser_new(&m, NULL);
        sb_parse_input(p, &in, NULL, err, sizeof(err));
        *count = m.ngoroutines;
        sb_parser_free(p);
        sb_model_free(&m);
    } else {
        while (sb_input_next(&in, &line)) {
            if (st == LEX) {
                sb_lex(line, &t);
                *count += t.kind == SB_TOK_HEADER;
            } else {
                (*count)++;
            }
        }
    }
    sb_input_close(&in);
    return now() - t0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_stages FILE\n");
        return 2;
    }
    static const char *const names[] = {"read lines", "read + sb_lex", "read + parse"};
    static const char *const units[] = {"lines", "headers", "goroutines"};
    for (int st = READ; st <= PARSE; st++) {
        double best = -1;
        unsigned long count = 0;
        for (int i = 0; i < 3; i++) {
            double s = pass(argv[1], (enum stage)st, &count);
            if (s < 0)
                return 2;
            if (best < 0 || s < best)
                best = s;
        }
        printf("%-20s %8.3f s  (%lu %s)\n", names[st], best, count, units[st]);
    }
    return 0;
}
