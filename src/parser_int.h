/* parser_int.h: what the parser's two files share. parser.c holds the
 * grammar: a state machine fed one token at a time, by sb_parser_line
 * (which splits, lexes and guesses each line). parser_fast.c reads the
 * lines the memos predict straight from the input's buffer and hands the
 * parser the tokens sb_parser_line would have made. Both act on a line
 * through the helpers here, so each line-level rule is written once. Not
 * a public header: nothing outside the parser includes it. */
#ifndef STACKBLAME_PARSER_INT_H
#define STACKBLAME_PARSER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "stackblame/goname.h"
#include "stackblame/lexer.h"
#include "stackblame/parser.h"

#if defined(__GNUC__)
#define SB_NOINLINE __attribute__((noinline))
#else
#define SB_NOINLINE
#endif

enum sb_pstate { P_OUTSIDE, P_GOROUTINE, P_RUNTIME_STACK, P_RACE, P_PROFILE };

/* One frame of the goroutine being read; interned when the goroutine ends.
 * A frame site_lines read has its id already: of file, line and tmpl,
 * which finish_goroutine needs for the slow frames only, it sets none. */
typedef struct sb_pframe {
    uint32_t func, file, line;
    uint32_t args;       /* argument ref (model.h) for method frames, 0 for the others ... */
    uint32_t text, tlen; /* ... whose argument text waits in argtext until the stack is known, */
    const char *tp;      /* or in the input itself when it stays in memory (tp != NULL) */
    uint32_t frame;      /* its frame id when its file line's template knew it, else 0 */
    uint16_t tmpl;       /* 1 + the tmpls slot of its file line's template, 0 = none */
} sb_pframe;

/* A memo: the string id a spot of the dump held last time (0 = none).
 * The same lines recur in runs, and comparing a line with the interned
 * bytes of a good guess is far cheaper than hashing it. */
typedef uint32_t sb_memo;

/* A frame interned last at some spot, and its id (0 = none). */
typedef struct sb_frame_seen {
    sb_frame frame;
    uint32_t id;
} sb_frame_seen;

/* What the previous goroutine had at one frame position. */
typedef struct sb_frame_memo {
    sb_memo func, args; /* args: the receiver's argument ref (model.h) */
    uint64_t args_key;  /* a number ref's number: it is compared without a read of argnums */
    sb_frame_seen frame;
} sb_frame_memo;

/* Memos keyed by a function's string id (low bits, direct-mapped): the
 * functions that called it last, the file it is in, and its last frame.
 * Goroutines of one code path differ in depth, so a position alone is a
 * poor guess of a function name; the frame printed above it (its callee)
 * is a better one, and a callee called from a few places keeps them all
 * as long as SB_CALLERS covers them. A function's file never changes. */
#define SB_FUNC_MEMO  4096
#define SB_CALLERS    4                /* a callee's last distinct callers kept, the latest first */
#define SB_GUESSES    (SB_CALLERS + 1) /* frame_guesses: the callers, then this depth's function */
#define SB_RECV_CACHE 4096             /* receivers, by hash: see receiver_number */
#define SB_STACK_MEMO 4096             /* stacks, by a hash of their frame ids: see stack_id */

/* A receiver in that cache: its argument ref and what tells it apart
 * without reading model.argnums or the string table (each a cache miss of
 * its own, on a path taken for every method frame): a number's number, a
 * string's hash. */
typedef struct sb_recv_seen {
    uint64_t key;
    uint32_t id;
} sb_recv_seen;

/* The template of the file line a frame had last time (sb_file_tmpl),
 * keyed by its function and the function it called (the frame printed
 * above): together they name the call site, so the line most often
 * recurs but for its stack addresses. */
#define SB_TMPL_MEMO 2048 /* < 65535: sb_pframe.tmpl */
typedef struct sb_tmpl_memo {
    uint32_t func, callee; /* the key; func 0: empty */
    uint32_t file;         /* the path's string id */
    uint32_t frame;        /* the frame id of func, file and tm.line once known, else 0 */
    sb_file_tmpl tm;
} sb_tmpl_memo;

/* Callers kept per site (sb_site.next): a call site reached from a few
 * places keeps them all; one reached from more sends the frames it misses
 * down the memos' path, which reads them just as well, only slower. */
#define SB_SITE_NEXT    4
#define SB_SITE_UNKNOWN UINT32_MAX /* sb_pctx.site_above: no frame id yet */

/* What the parser knows of a call site (a frame id: function, file and
 * line) to read its two lines again in one step (site_lines): the
 * function's name, whether it is a method, the template of its file line,
 * and the call sites printed below it lately (its callers). Most stacks
 * recur whole, so the frame above predicts the next better than a
 * function's callers do, and a hit leaves no memo to keep. sites[0],
 * which no frame has (frame id 0 is the empty blob), lists the frames on
 * top of the stacks. */
typedef struct sb_site {
    const char *name; /* the function's interned bytes */
    /* Its file line's template, or NULL. A pointer (tmpls never moves),
     * not the slot, so that site_lines reaches it in one load. */
    const sb_tmpl_memo *tmpl;
    uint32_t func;               /* string id; 0 = nothing known of this frame id yet */
    uint32_t next[SB_SITE_NEXT]; /* the frame ids printed below it, the latest first; 0 = none */
    /* The name's length; 0 for a name of 64 KiB or more, which no line
     * then matches (its frames take the memos' path). 16 bits keep a site
     * at 40 bytes, and a dump may have a million distinct frames. */
    uint16_t namelen;
    bool method;
    bool plain; /* sb_lex_frame_name_plain of its name */
} sb_site;

/* Header templates (sb_header_tmpl) and their state's string id, keyed
 * by two bytes of the state: a dump's headers take a few dozen forms. */
#define SB_HEADER_MEMO 64
typedef struct sb_header_memo {
    sb_header_tmpl tm;
    sb_memo state;
} sb_header_memo;

/* Goroutine ids seen in the current dump: a repeated id starts a new dump.
 * Ids are small and dense (a process numbers its goroutines from 1), so
 * those below SB_IDSET_DENSE are bits, which stay in the CPU cache where
 * a hash set of as many ids would not; the others go to the hash set. */
#define SB_IDSET_DENSE (1u << 22) /* 512 KiB of bits at most */
typedef struct sb_idset {
    uint64_t *bits; /* id < SB_IDSET_DENSE: bit id */
    size_t nwords;  /* words of bits allocated */
    size_t used;    /* words that may hold a set bit */
    uint64_t *slot; /* the others: id + 1, 0 = empty */
    size_t cap, count;
    bool has_max; /* id UINT64_MAX, which has no id + 1 */
} sb_idset;

/* What one process's lines are in the middle of. Lines of two processes
 * may interleave in one log (two dumps written at once); each label keeps
 * its own open dump and goroutine. */
typedef struct sb_pctx {
    uint32_t label; /* string id of the process label, 0 = none */
    enum sb_pstate state;
    long dump; /* index of the open dump, -1 when none */
    sb_idset ids;
    /* What the next dump will be, from the preamble lines seen before it. */
    enum sb_dump_origin pending_origin;
    uint32_t pending_headline;
    uint64_t pending_line;
    /* The goroutine being read. */
    sb_goroutine g;
    sb_pframe *fr;
    size_t nfr, frcap;
    /* Per frame, as they grow with fr: its frame id and argument ref,
     * written by site_lines as it reads the frame, by finish_goroutine
     * for the slow frames. */
    uint32_t *fids, *fargs;
    /* The indexes of the slow frames, those site_lines did not read, in
     * order: finish_goroutine looks at these only, not at every frame. */
    uint32_t *slows;
    size_t nslow;
    /* fr[nfr - 1].frame kept as it changes, the site whose callers
     * site_lines guesses: 0 before the first frame (sites[0] lists the
     * tops of stacks), SB_SITE_UNKNOWN after a frame with no id yet.
     * Kept apart so that site_lines reads one field, not the last frame
     * and the checks that it exists. */
    uint32_t site_above;
    uint64_t frames_cut;
    /* What the next line is expected to be, which decides what both
     * paths try on it first (lex_expected, sb_p_buffer_lines): the file
     * line of the "created by" line, else the file line of the last
     * frame, else a frame (below SB_MAX_FRAMES). */
    bool cut_file;          /* the last frame was cut: its file line is absorbed */
    bool want_file;         /* the last frame still waits for its file line (then nfr > 0) */
    bool want_created_file; /* the created-by line waits for its file line */
    uint32_t created_func;
    sb_pframe created;
    bool in_ancestor;
    bool leak_reported; /* a leak checker's report names the next goroutine */
    /* Argument text of the goroutine's frames: interned only if its stack
     * turns out to be new (a stack's first goroutine shows its arguments). */
    char *argtext;
    size_t argtext_len, argtext_cap;
} sb_pctx;

#define SB_MAX_CONTEXTS 256 /* processes interleaved in one input, beyond: shared */

struct sb_parser {
    sb_model *m;
    sb_prefix *px;
    uint32_t source;              /* string id of the input name */
    uint32_t default_label;       /* string id: --label or the input name */
    uint32_t line_label;          /* label of the current line's prefix, 0 = none */
    sb_span line_time, line_host; /* what the prefix of line line_fields read (journald: both) */
    uint64_t line_fields;
    sb_pctx c;      /* the context of the current line's process */
    sb_pctx *saved; /* the other processes' contexts */
    size_t nsaved, saved_cap;
    /* Scratch for a new stack's argument texts, then its method frames. */
    uint32_t *args_scratch;
    size_t scratch_cap;
    uint8_t *is_method; /* per string id: 0 unknown, 1 plain function, 2 method */
    size_t is_method_cap;
    /* Memos of the previous goroutine (see sb_memo). */
    sb_frame_memo *memo; /* SB_MAX_FRAMES positions, allocated once: looked up per line */
    sb_memo caller_of[SB_FUNC_MEMO][SB_CALLERS]; /* by the callee's function (0: a top frame) */
    sb_memo file_of[SB_FUNC_MEMO];
    sb_frame_seen frame_of[SB_FUNC_MEMO]; /* by the frame's function and line */
    sb_recv_seen recv_cache[SB_RECV_CACHE];
    sb_tmpl_memo *tmpls; /* SB_TMPL_MEMO, allocated once */
    sb_memo created_func_memo, created_file;
    sb_frame_seen created_seen; /* the last "created by" frame and its id */
    /* Stacks by a hash of their frame ids (ids of model.stacks, 0 =
     * none; see stack_id): a hit, confirmed against the stack's frames,
     * spares the interning its own hash of the ids and its look-up. */
    uint32_t stack_memo[SB_STACK_MEMO];
    /* The file line of the last "created by" line read from the buffer,
     * as a template, and that line's function and file (string ids). */
    sb_file_tmpl created_tmpl;
    uint32_t created_tmpl_func, created_tmpl_file;
    /* The last "created by" line read from the buffer, newline included,
     * and its token (its function at created_func_at in the line). */
    char created_text[128];
    size_t created_n, created_func_at;
    sb_token created_tok;
    /* Header templates by state (see header_at), and where
     * begin_goroutine finds the state's string id last time. */
    sb_header_memo *headers; /* SB_HEADER_MEMO, allocated once */
    sb_memo state_memo, *state_of;
    sb_site *sites; /* by frame id */
    size_t sites_cap;
    /* The last goroutine's own argument refs: how many, and where in
     * model.own (sb_goroutine.args); none at 0 before the first. */
    uint32_t prev_n, prev_own;
    bool no_buffer_lines; /* sb_parser_read_buffer(p, false): every line the long way */
    bool input_stays;     /* sb_parse_input of a whole input (sb_input.whole): its lines stay */
};

/* --- defined in parser.c --------------------------------------------- */

/* Handles one token, whatever the state; known is the string id of the
 * function or path a guess confirmed (0 = none). */
void sb_p_feed(sb_parser *p, const sb_token *t, uint32_t known, uint64_t line_no);
/* A blank line: it ends the open goroutine, and the system stack of a
 * fatal error. */
void sb_p_blank(sb_parser *p);
/* One line inside a goroutine: a frame, a file line, "created by" and
 * the others; known as for sb_p_feed. */
void sb_p_goroutine_line(sb_parser *p, const sb_token *t, uint32_t known);
/* Room for frame nfr: the frames, their ids and refs grow together. */
void sb_p_grow_frames(sb_parser *p);
/* The argument ref of a method frame's receiver (see receiver_number). */
uint32_t sb_p_receiver(sb_parser *p, sb_frame_memo *fm, sb_span args, const char *lo);
/* The argument text of a frame, copied into argtext (see frame_args). */
void sb_p_copy_args(sb_parser *p, sb_pframe *f, sb_span args);

/* --- defined in parser_fast.c ------------------------------------------ */

/* The lines at the start of b that parser_fast.c can read from the
 * buffer; see there. */
size_t sb_p_buffer_lines(sb_parser *p, sb_span b, uint64_t line_no, uint64_t *nlines);
/* What slow frame i teaches the sites parser_fast.c reads frames by. */
void sb_p_learn_site(sb_parser *p, const uint32_t *ids, size_t i);

/* --- the rules of a line, for both files ------------------------------ */

static inline uint32_t intern_span(sb_parser *p, sb_span s)
{
    return sb_intern_put(&p->m->strings, s.p, s.n);
}

/* Whether string id holds exactly s (id 0, the empty string, never does). */
static inline bool memo_is(const sb_parser *p, sb_memo id, sb_span s)
{
    return id && sb_intern_len(&p->m->strings, id) == s.n &&
           memcmp(sb_intern_data(&p->m->strings, id), s.p, s.n) == 0;
}

static inline uint32_t memo_intern(sb_parser *p, sb_memo *mm, sb_span s)
{
    if (!memo_is(p, *mm, s))
        *mm = intern_span(p, s);
    return *mm;
}

/* The memo of frame position i (< SB_MAX_FRAMES). */
static inline sb_frame_memo *memo_at(sb_parser *p, size_t i)
{
    return &p->memo[i];
}

/* The callee's entry in caller_of: the frame printed above the next one. */
static inline sb_memo *callers_memo(sb_parser *p)
{
    uint32_t callee = p->c.nfr ? p->c.fr[p->c.nfr - 1].func : 0;
    return p->caller_of[callee % SB_FUNC_MEMO];
}

/* func called the callee: it goes first in c, the others move down. */
static inline void caller_seen(sb_memo *c, sb_memo func)
{
    if (c[0] == func)
        return;
    size_t k = 1;
    while (k < SB_CALLERS - 1 && c[k] != func)
        k++;
    memmove(c + 1, c, k * sizeof(*c));
    c[0] = func;
}

/* A frame's function: the previous goroutine's at this position, else the
 * last caller of the frame above, else interned. */
static inline uint32_t intern_func(sb_parser *p, sb_frame_memo *fm, sb_span s)
{
    sb_memo *callers = callers_memo(p);
    uint32_t func = fm->func;
    if (!memo_is(p, func, s)) {
        func = callers[0];
        if (!memo_is(p, func, s))
            func = intern_span(p, s);
    }
    caller_seen(callers, func);
    return fm->func = func;
}

/* The path guessed for the file line of the frame just read: the file its
 * function was in last time. */
static inline sb_memo *file_guess(sb_parser *p)
{
    return &p->file_of[p->c.fr[p->c.nfr - 1].func % SB_FUNC_MEMO];
}

/* The functions guessed for the next frame line, in the order they are
 * tried: the last callers of the frame above (the callee), the latest
 * first, then the function at this depth in the previous goroutine (the
 * callers are right more often). 0 for none; see guess_new. At most one
 * can match a line, so the order changes only the cost. */
static inline void frame_guesses(sb_parser *p, sb_memo ids[SB_GUESSES])
{
    memcpy(ids, callers_memo(p), sizeof(sb_memo) * SB_CALLERS);
    ids[SB_CALLERS] = memo_at(p, p->c.nfr)->func;
}

/* Whether guess ids[i] is one to try: there is one, and it is none of
 * ids[0 .. i-1] (a guess tried again would only cost). */
static inline bool guess_new(const sb_memo *ids, size_t i)
{
    if (!ids[i])
        return false;
    for (size_t k = 0; k < i; k++)
        if (ids[k] == ids[i])
            return false;
    return true;
}

/* Whether a function's first argument is kept per goroutine: a method's
 * receiver names the object that owns a lock, a channel operation's first
 * argument is the channel (sb_func_keeps_arg). Known per string id once
 * asked: the table also tells which names have been read in a frame. */
static inline bool func_is_method(sb_parser *p, uint32_t func)
{
    if (func >= p->is_method_cap) {
        size_t old = p->is_method_cap;
        p->is_method = sb_grow(p->is_method, &p->is_method_cap, func, 1);
        memset(p->is_method + old, 0, p->is_method_cap - old);
    }
    if (!p->is_method[func]) {
        size_t n;
        const char *name = sb_str(p->m, func, &n);
        p->is_method[func] = sb_func_keeps_arg(name, n) ? 2 : 1;
    }
    return p->is_method[func] == 2;
}

/* A frame's arguments, args in a line that starts at lo; method: whether
 * its function is one (func_is_method). Per goroutine only the first
 * argument of a method is kept (what the analysis reads: receivers, lock
 * addresses); the whole text waits in argtext (or in the input, when it
 * stays) in case the stack is new (its first goroutine's arguments are
 * the stack's). Spans, not the token: the token's address would keep the
 * lexer storing all of it. */
static inline void frame_args(sb_parser *p, sb_pframe *f, sb_frame_memo *fm, sb_span args,
                              const char *lo, bool method)
{
    f->args = method ? sb_p_receiver(p, fm, args, lo) : 0;
    f->tlen = (uint32_t)args.n;
    f->tp = NULL;
    if (p->input_stays)
        f->tp = args.p;
    else
        sb_p_copy_args(p, f, args);
}

/* A slow frame of func (one site_lines did not read): its file line, its
 * id and its refs are still to come. Past SB_MAX_FRAMES a frame is only
 * counted, and the goroutine flagged SB_G_FRAMES_CUT. */
static inline void push_frame(sb_parser *p, uint32_t func, uint32_t args)
{
    if (p->c.nfr >= SB_MAX_FRAMES) {
        p->c.frames_cut++;
        p->c.g.flags |= SB_G_FRAMES_CUT;
        p->c.want_file = false;
        p->c.cut_file = true; /* its file line belongs to the cut frame, not to the skipped */
        return;
    }
    p->c.cut_file = false;
    if (p->c.nfr >= p->c.frcap)
        sb_p_grow_frames(p);
    sb_pframe *f = &p->c.fr[p->c.nfr++];
    f->func = func;
    f->args = args;
    f->text = f->tlen = 0;
    f->tp = NULL;
    f->frame = f->tmpl = 0;
    p->c.site_above = SB_SITE_UNKNOWN;
    p->c.slows[p->c.nslow++] = (uint32_t)(p->c.nfr - 1);
    f->file = 0;
    f->line = 0;
    p->c.want_file = true;
}

/* A frame line of the goroutine (outside its ancestors): its function,
 * known (the string id of a confirmed guess) or else interned. */
static inline void on_frame(sb_parser *p, const sb_token *t, uint32_t known)
{
    if (p->c.nfr < SB_MAX_FRAMES) {
        sb_frame_memo *fm = memo_at(p, p->c.nfr);
        uint32_t func = known;
        if (func)
            caller_seen(callers_memo(p), fm->func = func);
        else
            func = intern_func(p, fm, t->u.frame.func);
        push_frame(p, func, 0);
        frame_args(p, &p->c.fr[p->c.nfr - 1], fm, t->u.frame.args, t->u.frame.func.p,
                   func_is_method(p, func));
    } else {
        push_frame(p, 0, 0); /* counted as cut */
    }
}

/* The file line of the frame just read (want_file, nfr > 0). */
static inline void on_frame_file(sb_parser *p, const sb_token *t, uint32_t known)
{
    sb_pframe *f = &p->c.fr[p->c.nfr - 1];
    f->file = known ? known : memo_intern(p, file_guess(p), t->u.file.file);
    f->line = t->u.file.line;
    p->c.want_file = false;
}

#endif
