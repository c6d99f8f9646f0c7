/* race.h: Go race-detector reports ("WARNING: DATA RACE" blocks). The parser
 * hands each report's lines here, one at a time, already stripped of any log
 * prefix and of leading/trailing whitespace; a report becomes one sb_race.
 *
 * The report is printed by the TSan runtime in Go mode (Go 1.7 .. 1.22):
 *
 *   Write at 0x00c4204402c8 by goroutine 12:        an access, then its stack
 *     pkg.(*T).Method()                             frames: a function line,
 *         /path/file.go:361 +0x172                  then its file line
 *   Previous read at 0x00c4204402c8 by main goroutine:
 *   Heap block of size 8 at 0x... allocated by goroutine 3:   (stack skipped)
 *   Global var x of size 8 at 0x... declared at f.go:3        (skipped)
 *   Goroutine 12 (running) created at:              the stack that started
 *                                                   an access's goroutine
 *
 * The goroutine numbers are the race detector's own, not the ids of a
 * goroutine dump of the same process.
 *
 * Bounded on hostile input: SB_RACE_MAX_FRAMES frames a stack,
 * SB_RACE_MAX_REPORTS reports, and frames stop being kept once the arena
 * holds SB_RACE_MAX_BYTES; what is past a cap is counted, not kept. */
#ifndef STACKBLAME_RACE_H
#define STACKBLAME_RACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "stackblame/arena.h"
#include "stackblame/span.h"

#define SB_RACE_MAX_FRAMES  256u
#define SB_RACE_MAX_REPORTS 10000u
#define SB_RACE_MAX_BYTES   (64u << 20)

typedef struct sb_race_frame {
    /* "pkg.(*T).Method" without the "()" argument list; NUL-terminated, in the arena */
    const char *func;
    const char *file; /* "/path/file.go", NULL when no file line followed */
    uint32_t line;    /* 0 when unknown */
} sb_race_frame;

typedef struct sb_race_access {
    bool write;         /* "Write at"/"Previous write at"/"Atomic write at", else read */
    bool atomic;        /* "Atomic ..." (C/C++ TSan wording; Go prints none) */
    bool previous;      /* the "Previous ..." access */
    uint64_t addr;      /* the address after "at", 0 when absent */
    uint64_t goroutine; /* "by goroutine N"; 0 for "by main goroutine" (main = true) */
    bool main;
    sb_race_frame *frames; /* the access's stack, innermost first; NULL when none */
    size_t nframes;
    size_t frames_dropped;  /* frames past a cap: counted, not kept */
    const char *gstate;     /* "running" / "finished" from "Goroutine N (running) created at:",
                             * NULL if that section is absent */
    sb_race_frame *created; /* that "created at:" stack */
    size_t ncreated;
    size_t created_dropped;
} sb_race_access;

typedef struct sb_race {
    sb_race_access access[2]; /* in the order printed: Go prints [0] the current access, [1]
                                 the previous one (see .previous) */
    uint32_t naccess;         /* how many were seen (0..2); a third is ignored */
    uint64_t line_no;         /* input line of "WARNING: DATA RACE" */
    uint32_t label;           /* opaque: stored as given to sb_races_begin */
    uint32_t source;          /* opaque too */
    bool truncated;           /* the report ended before its closing "==================" */
} sb_race;

/* What the stack lines being read belong to. */
enum sb_race_sect {
    SB_RACE_SECT_NONE,    /* no stack: frame lines are ignored */
    SB_RACE_SECT_ACCESS,  /* an access's stack */
    SB_RACE_SECT_CREATED, /* an access's "created at:" stack */
    SB_RACE_SECT_SKIP,    /* a stack nothing keeps (heap block, unknown section) */
};

typedef struct sb_races {
    sb_race *v;
    size_t n, cap;
    sb_arena arena; /* frames and their strings */
    size_t dropped; /* reports past SB_RACE_MAX_REPORTS: counted, not kept */
    /* Builder state of the report being read. */
    sb_race cur;
    bool open;       /* a report is being read */
    bool keep;       /* it will be kept (under the report cap) */
    bool want_file;  /* the last line was a kept frame's function line */
    uint8_t sect;    /* enum sb_race_sect */
    uint8_t target;  /* the access (index into cur.access) the section fills */
    size_t nscratch; /* frames of the open section, copied to the arena when it ends */
    sb_race_frame scratch[SB_RACE_MAX_FRAMES];
} sb_races;

void sb_races_init(sb_races *r);
void sb_races_free(sb_races *r);
/* A "WARNING: DATA RACE" line at line_no starts a report (ends any open one as truncated). */
void sb_races_begin(sb_races *r, uint64_t line_no, uint32_t label, uint32_t source);
/* A line inside the open report (no-op when none is open): trimmed, prefix-free. */
void sb_races_line(sb_races *r, sb_span line);
/* The closing "==================" line: the report is complete. */
void sb_races_end(sb_races *r);
/* The input ended or something else began (a goroutine header) inside the report: keep what
 * was read, truncated = true. */
void sb_races_cut(sb_races *r);

#endif
