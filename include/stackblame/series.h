/* series.h: dumps of the same process taken at different times. Dumps with
 * the same label form a series, ordered as they came in, when each is a
 * whole dump sharing goroutines (id and creation site) with the one before;
 * a fragment (a few goroutines printed again, a partial second print) is
 * analysed beside the dump it repeats and never sets it aside. Each
 * goroutine of a series' last snapshot learns in how many snapshots it sat
 * with the same stack: what does not move is stuck. */
#ifndef STACKBLAME_SERIES_H
#define STACKBLAME_SERIES_H

#include "stackblame/model.h"

/* A stack must grow by this many goroutines across the snapshots to be
 * a leak worth a medium finding: one goroutine more is noise. */
#define SB_GROWTH_MIN 10

/* A stack whose goroutine count grew from each snapshot to the next. */
typedef struct sb_leak {
    uint32_t series;
    uint32_t last_dump; /* the series' last snapshot */
    uint32_t stack;
    uint32_t first_goroutine; /* a member in the last snapshot */
    uint64_t *counts;         /* one per snapshot */
} sb_leak;

/* A stack whose goroutine count differs between a series' first and last
 * snapshot: it appeared (first 0), vanished (last 0), grew or shrank. */
typedef struct sb_change {
    uint32_t series;
    uint32_t stack;
    uint64_t first, last; /* goroutines with it in the first and the last snapshot */
    uint32_t goroutine;   /* a member: in the last snapshot, else in the first */
} sb_change;

typedef struct sb_series {
    uint32_t nseries;
    uint32_t *nsnapshots; /* per series */
    sb_leak *leaks;
    size_t nleaks;
    sb_change *changes; /* the largest change first */
    size_t nchanges, changes_cap;
} sb_series;

enum sb_series_mode {
    SB_SERIES_ALL,    /* series found, every snapshot analysed */
    SB_SERIES_LATEST, /* --latest: earlier snapshots set aside (dump.superseded) */
    SB_SERIES_NONE,   /* --no-series: every dump stands alone */
    SB_SERIES_DIFF    /* --diff OLD NEW: the dumps, in order, are one process's snapshots */
};

/* Sets dump.series/snapshot/superseded/fragment_of and goroutine.seen in m. */
void sb_series_build(sb_model *m, enum sb_series_mode mode, sb_series *out);
void sb_series_free(sb_series *s);

#endif
