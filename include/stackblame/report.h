/* report.h: the reporters. Each reads the model (and later stages' results)
 * and writes one format; none of them changes anything. */
#ifndef STACKBLAME_REPORT_H
#define STACKBLAME_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "stackblame/group.h"
#include "stackblame/model.h"
#include "stackblame/options.h"

typedef struct sb_report {
    const sb_model *m;
    const sb_groups *groups;
    const sb_options *opt;
    bool color; /* resolved from --color, NO_COLOR and isatty */
} sb_report;

void sb_report_text(FILE *out, const sb_report *r);
void sb_report_json(FILE *out, const sb_report *r);

/* Shared helpers for the reporters. */
const char *sb_dump_format_name(enum sb_dump_format f);
const char *sb_dump_origin_name(enum sb_dump_origin o);
/* Writes n with thousands separators (1,021). */
void sb_put_count(FILE *out, uint64_t n);

#endif
