/* options.h: the command line, parsed once into one struct. Part of the
 * CLI (src/main.c), not of the core library. */
#ifndef STACKBLAME_OPTIONS_H
#define STACKBLAME_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include "stackblame/report.h"
#include "stackblame/series.h"

enum sb_color { SB_COLOR_AUTO, SB_COLOR_ALWAYS, SB_COLOR_NEVER };

typedef struct sb_options {
    enum sb_format format;
    enum sb_color color;
    const char *output;         /* -o FILE, NULL = stdout */
    const char *label;          /* --label NAME */
    const char *strip_prefix;   /* --strip-prefix REGEX */
    long max_groups;            /* --groups N, 0 = all */
    const char *rules;          /* --rules FILE */
    const char *from;           /* --from REGEX */
    bool fail_deadlock;         /* --fail-deadlock: exit 1 on a cycle */
    long fail_blocked;          /* --fail-blocked N: exit 1 on a chain blocking >= N; 0 = off */
    bool fail_stuck;            /* --fail-stuck: exit 1 on a stuck finding */
    bool stats;                 /* --stats */
    enum sb_series_mode series; /* --latest, --no-series */
    long width;                 /* --width N; 0 = the terminal's, or none when not one */
    bool full;                  /* --full: groups with runtime frames and arguments */
    bool summary;               /* --summary: the verdict only */
    const char *match;          /* --match REGEX: groups with a function matching */
    const char *exclude;        /* --exclude REGEX: groups without one */
    bool help, version, list_rules;
    char **files; /* the inputs; "-" when none was named */
    int nfiles;
} sb_options;

/* Parses argv. Returns 0 on success, 2 on a usage error (message written to
 * err, one line). */
int sb_options_parse(sb_options *o, int argc, char **argv, char *err, size_t errlen);
void sb_options_usage(FILE *out);

#endif
