/* report.h: the reporters. Each reads the model (and later stages' results)
 * and writes one format; none of them changes anything. */
#ifndef STACKBLAME_REPORT_H
#define STACKBLAME_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "stackblame/blame.h"
#include "stackblame/classify.h"
#include "stackblame/crash.h"
#include "stackblame/graph.h"
#include "stackblame/group.h"
#include "stackblame/series.h"
#include "stackblame/model.h"
#include "stackblame/stuck.h"

enum sb_format { SB_OUT_TEXT, SB_OUT_JSON, SB_OUT_MARKDOWN, SB_OUT_DOT, SB_OUT_HTML, SB_OUT_JSONL };

/* What the reader asked of the report (the CLI fills it from its options;
 * a zeroed struct is the defaults). */
typedef struct sb_report_settings {
    long max_groups;            /* text: groups shown per dump, 0 = all */
    enum sb_series_mode series; /* how snapshots were taken (--latest ...) */
    long width;                 /* text: columns a line may take, 0 = unlimited */
    bool full;                  /* text: groups with runtime frames and arguments */
    bool summary;               /* text: the verdict only, no groups */
    const bool *shown;          /* text: per goroutine, whether its group is shown
                                 * (--match, --exclude); NULL = all */
} sb_report_settings;

typedef struct sb_report {
    const sb_model *m;
    const sb_groups *groups;
    sb_report_settings set;
    const sb_classes *classes;
    const sb_graph *graph;
    const sb_blame *blame;
    const sb_series *series;
    const sb_stucks *stuck;
    const sb_crashes *crashes;
    bool color; /* resolved from --color, NO_COLOR and isatty */
} sb_report;

/* What a report says of one link of a chain. */
typedef struct sb_link {
    uint32_t g;      /* goroutine index */
    uint8_t kind;    /* enum sb_wait_kind */
    uint32_t frame;  /* frame id shown for it (lock site / innermost user frame), SB_NONE */
    uint32_t name;   /* human name of a well-known place, 0 */
    uint32_t detail; /* syscall name, RPC method, child ..., 0 */
    uint32_t target; /* graph target, SB_NONE */
    bool root;       /* the last link */
} sb_link;

void sb_link_get(const sb_report *r, uint32_t gi, bool root, sb_link *out);

void sb_report_text(FILE *out, const sb_report *r);
void sb_report_json(FILE *out, const sb_report *r);
void sb_report_markdown(FILE *out, const sb_report *r);
void sb_report_dot(FILE *out, const sb_report *r);
void sb_report_html(FILE *out, const sb_report *r);
void sb_report_jsonl(FILE *out, const sb_report *r);
/* The report in the given format. */
void sb_report_write(FILE *out, const sb_report *r, enum sb_format format);

/* Shared helpers for the reporters. */
const char *sb_dump_format_name(enum sb_dump_format f);
const char *sb_dump_origin_name(enum sb_dump_origin o);
/* What a dump is to the others, for its title: "snapshot 2 of 3",
 * "repeats goroutines of [1]: a fragment, analysed beside it", or "" when
 * it stands alone. Returns the length written to buf. */
size_t sb_dump_role(const sb_report *r, uint32_t di, char *buf, size_t n);
/* "appeared", "vanished", "grew" or "shrank". */
const char *sb_change_name(const sb_change *c);
/* Whether goroutine gi sat with the same stack in every snapshot of its
 * series (two at least). */
bool sb_holder_unmoved(const sb_report *r, uint32_t gi);
/* Where "the last two elements" of a path start ("broker/session.go" of
 * "/src/mhub/broker/session.go"): enough to find the file, short enough
 * to read. */
size_t sb_short_path_start(const char *s, size_t n);
/* The index of a stack's first frame that is not the runtime's: where the
 * program's own code (or the library it called) waits. -1 when none. */
int sb_first_user_frame(const sb_model *m, const sb_stack *st);
/* "previous write by goroutine 9", "read by the main goroutine": an
 * access and whose, in buf (n bytes; 64 are enough). No input text. */
const char *sb_race_who(const sb_race_access *a, char *buf, size_t n);
/* Of a race report's stack, the first frame outside the runtime (the map
 * or channel internals it raced in): where the program touched the memory. */
const sb_race_frame *sb_race_user_frame(const sb_race_frame *v, size_t n);
/* Writes the n bytes of text, each line fitted to `width` columns: the
 * middle of its longest words cut first, with an ellipsis, then its end
 * (src/fit.c). */
void sb_fit_lines(FILE *out, const char *text, size_t n, size_t width);
/* Writes n with thousands separators (1,021). */
void sb_put_count(FILE *out, uint64_t n);

/* What a report leads with, every format alike: the most certain of the
 * first chain, the cycles and the first stuck finding at medium or
 * more (a chain before a cycle before a finding when as sure), else
 * what is there at low confidence. */
enum sb_lead {
    SB_LEAD_CHAIN,     /* chains[0] */
    SB_LEAD_CYCLE,     /* the cycles */
    SB_LEAD_STUCK,     /* stuck->v[0] */
    SB_LEAD_LOW_CHAIN, /* nothing sure; chains[0] is the largest */
    SB_LEAD_LOW_OTHER, /* nothing sure; low cycles or findings */
    SB_LEAD_NOTHING,
};
enum sb_lead sb_report_lead(const sb_report *r);

#endif
