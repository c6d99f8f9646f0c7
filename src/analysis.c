/* analysis.c: runs the analysis stages in order; see analysis.h. */
#include "stackblame/analysis.h"

#include <stdlib.h>

void sb_analyze(sb_model *m, sb_rules *rules, const char *from, enum sb_series_mode series,
                sb_analysis *a)
{
    sb_series_build(m, series, &a->series);
    sb_classify(m, rules, &a->classes);
    sb_graph_build(m, &a->classes, &a->graph);
    char err[256];
    bool *start = from ? sb_blame_select(m, from, err, sizeof(err)) : NULL;
    sb_blame_run(m, &a->classes, &a->graph, start, &a->blame);
    free(start);
    sb_stuck_find(m, &a->classes, &a->graph, &a->blame, &a->series, &a->stuck);
    sb_groups_build(m, &a->groups);
    sb_crashes_find(m, &a->crashes);
}

void sb_analysis_free(sb_analysis *a)
{
    sb_crashes_free(&a->crashes);
    sb_groups_free(&a->groups);
    sb_stucks_free(&a->stuck);
    sb_blame_free(&a->blame);
    sb_graph_free(&a->graph);
    sb_classes_free(&a->classes);
    sb_series_free(&a->series);
}

int sb_analysis_findings(const sb_analysis *a, bool fail_deadlock, long fail_blocked,
                         bool fail_stuck)
{
    for (size_t c = 0; fail_deadlock && c < a->blame.ncycles; c++)
        if (a->blame.cycles[c].conf >= SB_CONF_MEDIUM)
            return 1;
    for (size_t c = 0; fail_blocked > 0 && c < a->blame.nchains; c++)
        if (a->blame.chains[c].conf >= SB_CONF_MEDIUM &&
            a->blame.chains[c].blocked >= (uint64_t)fail_blocked)
            return 1;
    for (size_t k = 0; fail_stuck && k < a->stuck.n; k++)
        if (a->stuck.v[k].conf >= SB_CONF_MEDIUM)
            return 1;
    return 0;
}
