/* analysis.h: the stages after parsing, run in order on a model: series ->
 * classify -> graph -> blame -> stuck -> groups. One call for the CLI, the fuzzers
 * and anyone embedding the library. */
#ifndef STACKBLAME_ANALYSIS_H
#define STACKBLAME_ANALYSIS_H

#include <stdbool.h>
#include "stackblame/blame.h"
#include "stackblame/classify.h"
#include "stackblame/crash.h"
#include "stackblame/graph.h"
#include "stackblame/group.h"
#include "stackblame/model.h"
#include "stackblame/rules.h"
#include "stackblame/series.h"
#include "stackblame/stuck.h"

typedef struct sb_analysis {
    sb_series series;
    sb_classes classes;
    sb_graph graph;
    sb_blame blame;
    sb_stucks stuck;
    sb_groups groups;
    sb_crashes crashes;
} sb_analysis;

/* from: --from REGEX or NULL; it must compile (see sb_blame_check_regex). */
void sb_analyze(sb_model *m, sb_rules *rules, const char *from, enum sb_series_mode series,
                sb_analysis *a);
void sb_analysis_free(sb_analysis *a);
/* 1 when a finding asked for is there, else 0. Only findings of medium or
 * high confidence count. */
int sb_analysis_findings(const sb_analysis *a, bool fail_deadlock, long fail_blocked,
                         bool fail_stuck);

#endif
