/* model.h: the dump model the parser builds and every later stage reads.
 * Goroutines are compact records; their frames live in interned stacks so
 * that 100,000 goroutines with 30 identical frames cost one stack. */
#ifndef STACKBLAME_MODEL_H
#define STACKBLAME_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "stackblame/arena.h"
#include "stackblame/intern.h"
#include "stackblame/race.h"

#define SB_NONE UINT32_MAX

enum sb_dump_format { SB_FMT_TRACEBACK, SB_FMT_DEBUG1 };

/* What started a dump: the preamble line kinds that open one. */
enum sb_dump_origin {
    SB_ORIGIN_PLAIN,  /* goroutines only: debug=2, runtime.Stack, excerpt */
    SB_ORIGIN_SIGNAL, /* SIGQUIT: quit / SIGABRT: abort ... */
    SB_ORIGIN_PANIC,
    SB_ORIGIN_FATAL,
    SB_ORIGIN_PROFILE,  /* goroutine profile: total N */
    SB_ORIGIN_LOG_FATAL /* a logger's fatal line (klog F, logrus/zap fatal) */
};

enum sb_goroutine_flags {
    SB_G_LOCKED = 1u << 0,        /* locked to thread */
    SB_G_SCAN = 1u << 1,          /* (scan) */
    SB_G_TRUNCATED = 1u << 2,     /* the input ended or broke off inside it */
    SB_G_ELIDED = 1u << 3,        /* frames elided by the runtime */
    SB_G_OTHER_THREAD = 1u << 4,  /* running on other thread; stack unavailable */
    SB_G_LEAKED = 1u << 5,        /* (leaked), Go 1.26 */
    SB_G_ANCESTORS = 1u << 6,     /* has [originating from goroutine N] sections */
    SB_G_ID_OVERFLOW = 1u << 7,   /* id did not fit 64 bits */
    SB_G_FRAMES_CUT = 1u << 8,    /* stackblame's own frame limit cut the stack */
    SB_G_LEAK_REPORTED = 1u << 9, /* a leak checker (goleak) reported it alive after its test */
    SB_G_REPEAT = 1u << 10,       /* in a fragment: printed again with the same stack as in the
                                   * dump it repeats, analysed there only (series.c) */
};

/* A frame, interned: same function, file and line = same frame id. */
typedef struct sb_frame {
    uint32_t func; /* string id */
    uint32_t file; /* string id, 0 when the file line is missing */
    uint32_t line;
} sb_frame;

/* A stack, interned: the same frames in the same order = same stack id. */
typedef struct sb_stack {
    uint32_t nframes;
    const uint32_t *frames;  /* frame ids, innermost first */
    uint32_t rep_args;       /* argument vector of the first goroutine seen with it,
                              * an argument text per frame */
    uint32_t rep_own;        /* that goroutine's own (its args): the first argument of
                              * each method frame of rep_args, ready to compare */
    const uint32_t *methods; /* the indexes of its method frames (and channel
                              * operations, sb_func_keeps_arg), ascending: the only
                              * frames whose first argument a goroutine keeps */
    uint32_t nmethods;
    uint32_t rep_g; /* index of that first goroutine in model.goroutines: its
                     * rep_args are its own */
} sb_stack;

/* An argument ref: a string id, or with SB_ARG_NUM set, the index of a
 * number in model.argnums. A method's receiver is most often an address
 * printed as Go prints one ("0xc000123450", "0x0?"), and one goroutine's
 * own: kept as a number it costs 8 bytes and no string. Only text of
 * exactly that form is kept so (sb_arg_number), so two refs have the same
 * text when both are numbers of the same value and mark, or both strings
 * of the same text. */
#define SB_ARG_NUM      0x80000000u
#define SB_ARG_TEXT_MAX 20 /* "0x" 16 hex digits "?" and a NUL */

typedef struct sb_goroutine {
    uint64_t id;          /* 0 for debug=1 records (they carry no id) */
    uint64_t parent;      /* created by ... in goroutine N; 0 = not printed */
    uint32_t dump;        /* index into model.dumps */
    uint32_t state;       /* string id of the wait reason/status, without (scan) etc. */
    int32_t wait_minutes; /* -1 when not printed */
    uint32_t stack;       /* stack id */
    uint32_t args;        /* its own: where in model.own its argument refs (below) start,
                           * one per method frame of its stack in the order of
                           * sb_stack.methods (the others' arguments: the stack's rep_args) */
    uint32_t created_by;  /* frame id of the created-by function, SB_NONE if absent */
    uint32_t count;       /* 1, or the record count of a debug=1 record */
    uint32_t labels;      /* string id of pprof labels, 0 when none */
    uint32_t flags;       /* enum sb_goroutine_flags */
    uint32_t elided;      /* frames the runtime elided (N, or 0 when unknown) */
    uint64_t line_no;     /* input line of the header, for messages */
    uint32_t seen;        /* in a series: snapshots showing this id with this stack, else 0 */
} sb_goroutine;

typedef struct sb_dump {
    uint32_t label;  /* string id: process name from a log prefix, or the file name */
    uint32_t source; /* string id: file name the dump came from */
    enum sb_dump_format format;
    enum sb_dump_origin origin;
    uint32_t headline; /* string id: "panic: ...", "SIGQUIT: quit", "fatal error: ..." or 0 */
    uint32_t host;     /* string id: the host a log prefix names (journald), 0 = none */
    uint32_t time;     /* string id: the time a log prefix gives its first line, 0 = none */
    uint32_t first, ngoroutines; /* range of model.goroutines */
    uint64_t goroutines;         /* goroutines counted (sum of debug=1 counts) */
    uint64_t declared_total;     /* debug=1 "total N", 0 when absent */
    uint64_t line_no;            /* input line where the dump starts */
    uint32_t series;             /* series index (snapshots of one process), SB_NONE when alone */
    uint32_t snapshot;           /* position in its series, 0 first */
    uint32_t fragment_of;        /* the dump whose goroutines it repeats (a fragment), SB_NONE */
    bool superseded;             /* --latest: a later snapshot exists, so not analysed */
    bool parents;                /* some goroutine names its parent ("in goroutine N") */
    bool created;                /* some goroutine names its creator ("created by F") */
} sb_dump;

typedef struct sb_stats {
    uint64_t bytes;
    uint64_t lines;
    uint64_t goroutines;
    uint64_t frames;
    uint64_t skipped_lines; /* lines that were neither goroutines nor known preamble */
    uint64_t known_lines;   /* preamble, postamble, registers, race reports, separators */
    uint64_t truncated;     /* goroutines cut short */
    uint64_t long_lines;    /* lines longer than the line limit, cut */
    uint64_t frames_cut;    /* frames past SB_MAX_FRAMES in one goroutine: counted, not kept */
    uint64_t race_reports;
} sb_stats;

/* One input as the user named it, and what came of it: every input is
 * listed, the bad ones with their error. */
typedef struct sb_input_rec {
    uint32_t path;               /* string id: the name given, "<stdin>" for stdin */
    uint32_t error;              /* string id of what went wrong, 0 = read fine */
    uint32_t first_dump, ndumps; /* range of model.dumps it gave */
    uint64_t goroutines;         /* goroutines counted in it */
    uint64_t races;              /* race reports read in it */
} sb_input_rec;

typedef struct sb_model {
    sb_arena arena;
    sb_intern strings; /* function names, files, args, states, labels */
    sb_intern frames;  /* sb_frame blobs */
    sb_intern stacks;  /* frame-id vectors */
    sb_intern argvecs; /* a stack's argument texts (string ids), interned */
    uint32_t *own;     /* goroutines' own argument refs, one after another (sb_goroutine.args) */
    size_t nown, own_cap;
    uint64_t *argnums; /* numbers of argument refs: value << 1 | 1 when printed with '?' */
    size_t nargnums, argnums_cap;
    sb_stack *stack_info; /* indexed by stack id */
    size_t stack_info_cap;
    sb_goroutine *goroutines;
    size_t ngoroutines, goroutines_cap;
    sb_dump *dumps;
    size_t ndumps, dumps_cap;
    sb_input_rec *inputs;
    size_t ninputs, inputs_cap;
    sb_races races; /* race-detector reports, in input order */
    sb_stats stats;
} sb_model;

void sb_model_init(sb_model *m);
void sb_model_free(sb_model *m);

/* Whether the analysis leaves g out: its dump is an earlier snapshot set
 * aside by --latest, or g repeats a goroutine analysed in another dump. */
static inline bool sb_goroutine_set_aside(const sb_model *m, const sb_goroutine *g)
{
    return m->dumps[g->dump].superseded || (g->flags & SB_G_REPEAT);
}

/* Accessors that keep callers away from the interning details. */
const char *sb_str(const sb_model *m, uint32_t id, size_t *len);
const sb_frame *sb_frame_get(const sb_model *m, uint32_t frame_id);
const sb_stack *sb_stack_get(const sb_model *m, uint32_t stack_id);
/* Argument ref of frame i of goroutine g (0, the empty string, = none):
 * its own for method frames, its stack's first goroutine's for the others. */
uint32_t sb_goroutine_arg(const sb_model *m, const sb_goroutine *g, uint32_t i);
/* Whether s is an address as Go prints one: "0x" and 1 to 16 lowercase
 * hex digits without a leading zero (but "0x0"), then an optional '?'.
 * *packed is its number for model.argnums. */
bool sb_arg_number(const char *s, size_t n, uint64_t *packed);
/* The length of such an address at the start of the n bytes at s (then
 * *packed as sb_arg_number gives it), 0 when none starts there: the
 * longest run of digits, and a '?' after it, are taken. */
size_t sb_arg_number_at(const char *s, size_t n, uint64_t *packed);
/* The ref of a new number in model.argnums. */
uint32_t sb_arg_add_number(sb_model *m, uint64_t packed);
/* The text of argument ref a: a number is written into buf. Returns the
 * text; *len is its length. */
const char *sb_arg_text(const sb_model *m, uint32_t a, char buf[SB_ARG_TEXT_MAX], size_t *len);
/* The text of a number ref a (a & SB_ARG_NUM) written at w, at most
 * SB_ARG_TEXT_MAX - 1 bytes, nothing for a ref past model.argnums (whose
 * sb_arg_text is ""). Returns where it ends. */
char *sb_arg_number_text(const sb_model *m, uint32_t a, char *w);
/* sb_arg_same of two strings a and b. */
bool sb_arg_same_text(const sb_model *m, uint32_t a, uint32_t b);
/* Whether refs a and b have the same text. Inline, numbers at least: a
 * report compares a receiver for every method frame of every goroutine. */
static inline bool sb_arg_same(const sb_model *m, uint32_t a, uint32_t b)
{
    if (a == b)
        return true;
    if ((a ^ b) & SB_ARG_NUM)
        return false; /* a number's text is never kept as a string */
    if (!(a & SB_ARG_NUM))
        return sb_arg_same_text(m, a, b);
    uint32_t i = a & ~SB_ARG_NUM, j = b & ~SB_ARG_NUM;
    return i < m->nargnums && j < m->nargnums && m->argnums[i] == m->argnums[j];
}

/* The vectors sb_goroutine_arg reads, looked up once for a loop over a
 * goroutine's frames (a report reads them for every goroutine). */
typedef struct sb_arg_view {
    const uint32_t *whole;   /* the stack's argument texts, one per frame */
    const uint32_t *mine;    /* g's own first arguments, one per method frame */
    const uint32_t *theirs;  /* the stack's first goroutine's own, the same way */
    const uint32_t *methods; /* the stack's method frames (sb_stack.methods) */
    size_t nwhole, nmine, ntheirs, nmethods;
} sb_arg_view;
/* The n own argument refs at model.own[at], *got of them: n, or 0 past
 * the end. */
static inline const uint32_t *sb_own_refs(const sb_model *m, uint32_t at, uint32_t n, size_t *got)
{
    *got = at <= m->nown && m->nown - at >= n ? n : 0;
    return *got ? m->own + at : NULL;
}
/* Inline: a report makes one for every goroutine. */
static inline void sb_arg_view_init(sb_arg_view *v, const sb_model *m, const sb_goroutine *g)
{
    const sb_stack *st = sb_stack_get(m, g->stack);
    v->nwhole = sb_intern_len(&m->argvecs, st->rep_args) / sizeof(uint32_t);
    v->whole = (const uint32_t *)sb_intern_data(&m->argvecs, st->rep_args);
    v->mine = sb_own_refs(m, g->args, st->nmethods, &v->nmine);
    v->theirs = sb_own_refs(m, st->rep_own, st->nmethods, &v->ntheirs);
    v->methods = st->methods;
    v->nmethods = st->nmethods;
}
/* The first argument of its method frame k (frame methods[k]) that the
 * goroutine v was made for shows as its own, or 0 when it shows its
 * stack's whole argument text there (sb_goroutine_arg). A goroutine keeps
 * the first argument of its method frames (receivers, lock addresses);
 * it is its own where it differs from its stack's first goroutine's.
 * Inline: a report reads it for every method frame of every goroutine. */
static inline uint32_t sb_arg_view_own(const sb_arg_view *v, const sb_model *m, size_t k)
{
    uint32_t mine = k < v->nmine ? v->mine[k] : 0;
    if (!mine)
        return 0;
    /* The same first argument as the stack's own goroutine: its whole
     * list is the one to show. That goroutine's own first arguments are
     * sb_args_first_text of rep_args, already cut. */
    uint32_t theirs = k < v->ntheirs ? v->theirs[k] : 0;
    return theirs == mine || sb_arg_same(m, theirs, mine) ? 0 : mine;
}
/* sb_goroutine_arg(m, g, i) of the goroutine v was made for. */
uint32_t sb_arg_view_get(const sb_arg_view *v, const sb_model *m, uint32_t i);

#endif
