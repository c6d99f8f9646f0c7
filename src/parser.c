/* parser.c: tokens -> dumps and goroutines; see parser.h. A small state
 * machine: outside any goroutine, inside one, inside the system stack of a
 * fatal error, inside a race report, inside a debug=1 profile. */
#define _GNU_SOURCE /* memrchr */
#include "stackblame/parser.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "stackblame/classify.h"
#include "stackblame/lexer.h"
#include "stackblame/scan.h"

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
 * Goroutines of one code path differ in depth, so positions alone guess a
 * function name a quarter of the time; the frame printed above it (its
 * callee) guesses most of the rest: one caller kept, a third of the frame
 * lines of the benchmark's dump missed, four keep that under 4%. A
 * function's file never changes. */
#define SB_FUNC_MEMO  4096
#define SB_CALLERS    4    /* a callee's last distinct callers kept, the latest first */
#define SB_RECV_CACHE 4096 /* receivers, by hash: see receiver_number */
#define SB_STACK_MEMO 4096 /* stacks, by a hash of their frame ids: see stack_id */

/* A receiver in that cache: its argument ref and what tells it apart
 * without reading model.argnums or the string table (each read a cache
 * miss of its own, a third of the time of frame_receiver in perf): a
 * number's number, a string's hash. */
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

/* Callers kept per site (sb_site.next): with 2, 11% of the benchmark's
 * frames missed them all and took the slower memos' path; with 4, 2%. */
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
     * not the slot: finding a slot of 320 bytes took four instructions
     * per frame site_lines read. */
    const sb_tmpl_memo *tmpl;
    uint32_t func;               /* string id; 0 = nothing known of this frame id yet */
    uint32_t next[SB_SITE_NEXT]; /* the frame ids printed below it, the latest first; 0 = none */
    /* The name's length; 0 for a name of 64 KiB or more, which no line
     * then matches (its frames take the memos' path). 16 bits keep a site
     * at 40 bytes: the tmpl pointer had made it 48, 7 MB more for a
     * million distinct frames. */
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
 * a hash set of 125,000 ids did not; the others go to the hash set. */
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
     * order: their ids and refs wait for finish_goroutine (a fifth of a
     * big dump's frames; it looked at every frame to find them). */
    uint32_t *slows;
    size_t nslow;
    /* fr[nfr - 1].frame kept as it changes, the site whose callers
     * site_lines guesses: 0 before the first frame (sites[0] lists the
     * tops of stacks), SB_SITE_UNKNOWN after a frame with no id yet.
     * Read from fr, with its checks, it cost 1.3% of the instructions of
     * a run. */
    uint32_t site_above;
    uint64_t frames_cut;
    bool cut_file;          /* the last frame was cut: its file line is absorbed */
    bool want_file;         /* the last frame still waits for its file line */
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
    uint32_t source;        /* string id of the input name */
    uint32_t default_label; /* string id: --label or the input name */
    uint32_t line_label;    /* label of the current line's prefix, 0 = none */
    sb_pctx c;              /* the context of the current line's process */
    sb_pctx *saved;         /* the other processes' contexts */
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
    /* Stacks by their length and first, middle and last frame ids (ids of
     * model.stacks, 0 = none): a hit, confirmed against the stack's frames,
     * spares hashing all the ids for the interning. */
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

static void sb_idset_clear(sb_idset *s)
{
    if (s->used)
        memset(s->bits, 0, s->used * sizeof(*s->bits));
    s->used = 0;
    if (s->slot)
        memset(s->slot, 0, s->cap * sizeof(*s->slot));
    s->count = 0;
    s->has_max = false;
}

/* Adds id; returns false when it was already there. */
static bool sb_idset_add(sb_idset *s, uint64_t id)
{
    if (id < SB_IDSET_DENSE) {
        size_t w = (size_t)(id / 64);
        if (w >= s->nwords) {
            size_t old = s->nwords;
            s->bits = sb_grow(s->bits, &s->nwords, w, sizeof(*s->bits));
            memset(s->bits + old, 0, (s->nwords - old) * sizeof(*s->bits));
        }
        if (w >= s->used)
            s->used = w + 1;
        uint64_t bit = 1ull << (id % 64);
        bool fresh = !(s->bits[w] & bit);
        s->bits[w] |= bit;
        return fresh;
    }
    if (2 * (s->count + 1) > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 1024;
        uint64_t *old = s->slot;
        size_t ocap = s->cap;
        s->slot = sb_xcalloc(ncap, sizeof(*s->slot));
        s->cap = ncap;
        s->count = 0;
        for (size_t i = 0; i < ocap; i++)
            if (old[i])
                sb_idset_add(s, old[i] - 1);
        free(old);
    }
    if (id == UINT64_MAX) { /* its key, id + 1, would be 0: the empty slot */
        bool fresh = !s->has_max;
        s->has_max = true;
        return fresh;
    }
    uint64_t key = id + 1;
    size_t mask = s->cap - 1;
    size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull >> 17) & mask;
    while (s->slot[i]) {
        if (s->slot[i] == key)
            return false;
        i = (i + 1) & mask;
    }
    s->slot[i] = key;
    s->count++;
    return true;
}

sb_parser *sb_parser_new(sb_model *m, sb_prefix *prefix)
{
    sb_parser *p = sb_xcalloc(1, sizeof(*p));
    p->m = m;
    p->px = prefix;
    p->c.dump = -1;
    p->memo = sb_xcalloc(SB_MAX_FRAMES, sizeof(*p->memo));
    p->tmpls = sb_xcalloc(SB_TMPL_MEMO, sizeof(*p->tmpls));
    p->headers = sb_xcalloc(SB_HEADER_MEMO, sizeof(*p->headers));
    p->state_of = &p->state_memo;
    return p;
}

static void ctx_free(sb_pctx *c)
{
    free(c->argtext);
    free(c->ids.slot);
    free(c->ids.bits);
    free(c->fr);
    free(c->fids);
    free(c->fargs);
    free(c->slows);
}

static void ctx_init(sb_pctx *c, uint32_t label)
{
    memset(c, 0, sizeof(*c));
    c->label = label;
    c->dump = -1;
    c->state = P_OUTSIDE;
}

/* Makes the context of `label` the current one (see sb_pctx). */
static void use_context(sb_parser *p, uint32_t label)
{
    if (label == p->c.label)
        return;
    if (p->c.label == 0 && p->c.dump < 0) {
        p->c.label = label; /* lines before the prefix was known: the same process */
        return;
    }
    size_t i = 0;
    while (i < p->nsaved && p->saved[i].label != label)
        i++;
    if (i == p->nsaved) {
        if (p->nsaved >= SB_MAX_CONTEXTS)
            return; /* a flood of labels: they share the current context */
        p->saved = sb_grow(p->saved, &p->saved_cap, p->nsaved, sizeof(*p->saved));
        ctx_init(&p->saved[p->nsaved++], label);
    }
    sb_pctx cur = p->c;
    p->c = p->saved[i];
    p->saved[i] = cur;
}

void sb_parser_free(sb_parser *p)
{
    if (!p)
        return;
    free(p->memo);
    free(p->tmpls);
    free(p->sites);
    free(p->headers);
    free(p->is_method);
    ctx_free(&p->c);
    for (size_t i = 0; i < p->nsaved; i++)
        ctx_free(&p->saved[i]);
    free(p->saved);
    free(p->args_scratch);
    free(p);
}

static uint32_t intern_span(sb_parser *p, sb_span s)
{
    return sb_intern_put(&p->m->strings, s.p, s.n);
}

/* Whether string id holds exactly s (id 0, the empty string, never does). */
static bool memo_is(const sb_parser *p, sb_memo id, sb_span s)
{
    return id && sb_intern_len(&p->m->strings, id) == s.n &&
           memcmp(sb_intern_data(&p->m->strings, id), s.p, s.n) == 0;
}

static uint32_t memo_intern(sb_parser *p, sb_memo *mm, sb_span s)
{
    if (!memo_is(p, *mm, s))
        *mm = intern_span(p, s);
    return *mm;
}

/* The callee's entry in caller_of: the frame printed above the next one. */
static sb_memo *callers_memo(sb_parser *p)
{
    uint32_t callee = p->c.nfr ? p->c.fr[p->c.nfr - 1].func : 0;
    return p->caller_of[callee % SB_FUNC_MEMO];
}

/* func called the callee: it goes first in c, the others move down. */
static void caller_seen(sb_memo *c, sb_memo func)
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
static uint32_t intern_func(sb_parser *p, sb_frame_memo *fm, sb_span s)
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

/* The memo of frame position i (< SB_MAX_FRAMES). */
static sb_frame_memo *memo_at(sb_parser *p, size_t i)
{
    return &p->memo[i];
}

void sb_parser_begin(sb_parser *p, const char *source, const char *label)
{
    p->source = sb_intern_put(&p->m->strings, source, strlen(source));
    /* Without a process name from a prefix, a dump is named by its file,
     * up to the first dot: kubelet.sigquit.txt and kubelet.debug2.txt are
     * the same process, terwayd.1.txt .. terwayd.3.txt one series. */
    const char *base = strrchr(source, '/');
    base = base ? base + 1 : source;
    size_t n = strlen(base);
    const char *dot = base[0] ? strchr(base + 1, '.') : NULL;
    if (dot)
        n = (size_t)(dot - base);
    if (label)
        p->default_label = sb_intern_put(&p->m->strings, label, strlen(label));
    else
        p->default_label = sb_intern_put(&p->m->strings, base, n);
    p->c.state = P_OUTSIDE;
    p->c.dump = -1;
    p->c.pending_origin = SB_ORIGIN_PLAIN;
    p->c.pending_headline = 0;
    p->c.label = 0;
    p->line_label = 0;
    if (p->px)
        sb_prefix_reset(p->px);
}

static sb_dump *cur_dump(sb_parser *p)
{
    return p->c.dump >= 0 ? &p->m->dumps[p->c.dump] : NULL;
}

static void close_dump(sb_parser *p)
{
    p->c.dump = -1;
    sb_idset_clear(&p->c.ids);
}

static void open_dump(sb_parser *p, enum sb_dump_format fmt, uint64_t line_no)
{
    sb_model *m = p->m;
    close_dump(p);
    m->dumps = sb_grow(m->dumps, &m->dumps_cap, m->ndumps, sizeof(*m->dumps));
    sb_dump *d = &m->dumps[m->ndumps];
    memset(d, 0, sizeof(*d));
    d->label = p->c.label ? p->c.label : p->default_label;
    d->source = p->source;
    d->format = fmt;
    d->origin = p->c.pending_origin;
    d->headline = p->c.pending_headline;
    d->first = (uint32_t)m->ngoroutines;
    d->line_no = p->c.pending_headline ? p->c.pending_line : line_no;
    d->series = SB_NONE;
    p->c.dump = (long)m->ndumps++;
    p->c.pending_origin = SB_ORIGIN_PLAIN;
    p->c.pending_headline = 0;
}

/* A preamble line (signal, panic, fatal error) announces the next dump. */
static void announce_dump(sb_parser *p, enum sb_dump_origin origin, sb_span text, uint64_t line_no)
{
    sb_dump *d = cur_dump(p);
    if (d && d->ngoroutines > 0)
        close_dump(p);
    /* "^\SIGQUIT: quit": the terminal's echo of Ctrl-\ is not the dump's. */
    if (text.n > 2 && text.p[0] == '^' && text.p[1] == '\\')
        text = sb_span_make(text.p + 2, text.n - 2);
    if (!p->c.pending_headline) {
        p->c.pending_origin = origin;
        p->c.pending_headline = intern_span(p, text);
        p->c.pending_line = line_no;
    }
}

/* Whether a function's first argument is kept per goroutine: a method's
 * receiver names the object that owns a lock, a channel operation's first
 * argument is the channel (sb_func_keeps_arg). */
static bool func_is_method(sb_parser *p, uint32_t func)
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

/* The hash of a receiver for recv_cache: most are addresses of 8 to 16
 * bytes ("0xc000123450"), which its first and last 8 bytes cover. */
static uint64_t recv_hash(sb_span s)
{
    if (s.n < 8)
        return sb_hash_bytes(s.p, s.n);
    uint64_t a, b;
    memcpy(&a, s.p, 8);
    memcpy(&b, s.p + s.n - 8, 8);
    uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ull) ^ s.n) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}

/* Whether ref is the string s. */
static bool string_is(const sb_parser *p, uint32_t ref, sb_span s)
{
    return !(ref & SB_ARG_NUM) && memo_is(p, ref, s);
}

/* receiver_number's number that is not in the cache: added to the model,
 * and to the cache and the memo. Out of line, and called last: inlined,
 * it made every frame_receiver call save and restore six registers. */
SB_NOINLINE static uint32_t receiver_number_new(sb_parser *p, sb_frame_memo *fm, sb_recv_seen *c,
                                                uint64_t packed)
{
    c->id = sb_arg_add_number(p->m, packed);
    c->key = fm->args_key = packed;
    return fm->args = c->id;
}

/* A receiver's argument ref (model.h). An address is kept as a number;
 * other text as a string. Later stages compare receivers by value or text,
 * never by ref, so equal receivers need not share one: the memo of this
 * position and a small cache keyed by hash find those that recur ("0x0?",
 * a lock many goroutines wait on), and the others, mostly one goroutine's
 * own objects, are added without a look-up (a string would have cost a
 * miss in the string table, a tenth of the parse). This one is for an
 * address, packed as sb_arg_number packs it; receiver_text for the
 * others. */
static uint32_t receiver_number(sb_parser *p, sb_frame_memo *fm, uint64_t packed)
{
    if ((fm->args & SB_ARG_NUM) && fm->args_key == packed)
        return fm->args;
    uint64_t h = (packed ^ (packed >> 29)) * 0x9e3779b97f4a7c15ull;
    sb_recv_seen *c = &p->recv_cache[(h ^ (h >> 32)) % SB_RECV_CACHE];
    if (!(c->id & SB_ARG_NUM) || c->key != packed)
        return receiver_number_new(p, fm, c, packed);
    fm->args_key = c->key;
    return fm->args = c->id;
}

/* A receiver s that is no address (frame_receiver has taken those): a
 * string. */
static uint32_t receiver_text(sb_parser *p, sb_frame_memo *fm, sb_span s)
{
    if (s.n == 0) {
        fm->args_key = 0;
        return fm->args = 0; /* the empty string's id, as interning gives it */
    }
    if (string_is(p, fm->args, s))
        return fm->args;
    uint64_t h = recv_hash(s);
    sb_recv_seen *c = &p->recv_cache[h % SB_RECV_CACHE];
    if (!c->id || c->key != h || !string_is(p, c->id, s)) {
        c->id = sb_intern_append(&p->m->strings, s.p, s.n);
        c->key = h;
    }
    fm->args_key = c->key;
    return fm->args = c->id;
}

/* The string id of a new stack's argument text. Reports only print these,
 * so equal texts need not share an id: the receivers' cache finds those
 * that recur ("...", "0x0?"), and the others, a first goroutine's own,
 * are added without a look-up in the string table (a miss there, and its
 * growth, cost 4% of a run in perf). */
static uint32_t stack_text(sb_parser *p, sb_span s)
{
    if (s.n == 0)
        return 0; /* the empty string's id, as interning gives it */
    uint64_t h = recv_hash(s);
    sb_recv_seen *c = &p->recv_cache[h % SB_RECV_CACHE];
    if (!c->id || c->key != h || !string_is(p, c->id, s)) {
        c->id = sb_intern_append(&p->m->strings, s.p, s.n);
        c->key = h;
    }
    return c->id;
}

/* frame_receiver's receiver that is no number, out of line for the
 * reason given at receiver_number_new. */
SB_NOINLINE static uint32_t frame_receiver_text(sb_parser *p, sb_frame_memo *fm, sb_span a,
                                                const char *lo)
{
    return receiver_text(p, fm, sb_args_first_text_in(a, lo));
}

/* The receiver of a method frame (its first argument) of argument list
 * a, in a line that starts at lo; out of line: the call is then made for
 * method frames only, and the rest of frame_args inlines. A span, not the
 * token: passing the token's address kept the lexer storing all of it. */
SB_NOINLINE static uint32_t frame_receiver(sb_parser *p, sb_frame_memo *fm, sb_span a,
                                           const char *lo)
{
    /* Most receivers are an address, then ',' or nothing: read as a
     * number in one pass, without first finding where the argument ends
     * (sb_args_first_text_in would end it at that ','). This takes every
     * first argument that is a number (test_model.c checks it), so the
     * rest are text. */
    uint64_t packed;
    size_t n = sb_arg_number_at(a.p, a.n, &packed);
    if (n && (n == a.n || a.p[n] == ','))
        return receiver_number(p, fm, packed);
    return frame_receiver_text(p, fm, a, lo);
}

/* The argument text of a frame, copied into argtext (see frame_args). */
SB_NOINLINE static void copy_args(sb_parser *p, sb_pframe *f, sb_span args)
{
    p->c.argtext = sb_grow(p->c.argtext, &p->c.argtext_cap, p->c.argtext_len + args.n, 1);
    if (args.n)
        memcpy(p->c.argtext + p->c.argtext_len, args.p, args.n);
    f->text = (uint32_t)p->c.argtext_len;
    p->c.argtext_len += args.n;
}

/* A frame's arguments. Per goroutine only the first argument of a method
 * is kept (what the analysis reads: receivers, lock addresses); the whole
 * text waits in argtext (or in the input, when it stays) in case the
 * stack is new (its first goroutine's arguments are the stack's). */
static inline void frame_args(sb_parser *p, sb_pframe *f, sb_frame_memo *fm, const sb_token *t)
{
    sb_span args = t->u.frame.args;
    f->args = func_is_method(p, f->func) ? frame_receiver(p, fm, args, t->u.frame.func.p) : 0;
    f->tlen = (uint32_t)args.n;
    if (p->input_stays)
        f->tp = args.p;
    else
        copy_args(p, f, args);
}

/* Where frame f's argument text is (frame_args kept it). */
static const char *frame_text(const sb_parser *p, const sb_pframe *f)
{
    return f->tp ? f->tp : p->c.argtext + f->text;
}

/* Room for frame nfr: the frames, their ids and refs grow together. */
SB_NOINLINE static void grow_frames(sb_parser *p)
{
    size_t cap = p->c.frcap;
    p->c.fr = sb_grow(p->c.fr, &p->c.frcap, p->c.nfr, sizeof(*p->c.fr));
    if (p->c.frcap != cap || !p->c.fids) {
        p->c.fids = sb_xrealloc(p->c.fids, p->c.frcap * sizeof(uint32_t));
        p->c.fargs = sb_xrealloc(p->c.fargs, p->c.frcap * sizeof(uint32_t));
        p->c.slows = sb_xrealloc(p->c.slows, p->c.frcap * sizeof(uint32_t));
    }
}

/* The goroutine's frames, none yet. */
static void no_frames(sb_parser *p)
{
    p->c.nfr = p->c.nslow = 0;
    p->c.site_above = 0;
}

static void push_frame(sb_parser *p, uint32_t func, uint32_t args)
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
        grow_frames(p);
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

static bool frame_is(const sb_frame_seen *s, const sb_pframe *f)
{
    return s->id && s->frame.func == f->func && s->frame.file == f->file &&
           s->frame.line == f->line;
}

static uint32_t intern_frame(sb_parser *p, const sb_pframe *f)
{
    sb_frame fr = {f->func, f->file, f->line};
    return sb_intern_put(&p->m->frames, &fr, sizeof(fr));
}

static void begin_goroutine(sb_parser *p, const sb_token *t, uint64_t line_no)
{
    memset(&p->c.g, 0, sizeof(p->c.g));
    p->c.g.id = t->u.header.id;
    p->c.g.dump = (uint32_t)p->c.dump;
    p->c.g.state = memo_intern(p, p->state_of, t->u.header.state);
    p->c.g.wait_minutes = t->u.header.minutes;
    p->c.g.created_by = SB_NONE;
    p->c.g.count = 1;
    p->c.g.line_no = line_no;
    if (t->u.header.locked)
        p->c.g.flags |= SB_G_LOCKED;
    if (t->u.header.scan)
        p->c.g.flags |= SB_G_SCAN;
    if (t->u.header.leaked)
        p->c.g.flags |= SB_G_LEAKED;
    if (p->c.leak_reported)
        p->c.g.flags |= SB_G_LEAK_REPORTED;
    p->c.leak_reported = false;
    if (t->u.header.id_overflow)
        p->c.g.flags |= SB_G_ID_OVERFLOW;
    if (t->u.header.labels.n)
        p->c.g.labels = intern_span(p, t->u.header.labels);
    no_frames(p);
    p->c.want_file = p->c.want_created_file = p->c.in_ancestor = false;
    p->c.created_func = 0;
    p->c.state = P_GOROUTINE;
}

/* The id of frame f at position i, which its file line's template did
 * not know: this position's frame last time, else this function's at
 * this line (a recursive function shows one frame per call site), else
 * interned. The template learns it. */
static uint32_t frame_id(sb_parser *p, size_t i, const sb_pframe *f)
{
    sb_frame_memo *fm = memo_at(p, i);
    if (!frame_is(&fm->frame, f)) {
        sb_frame_seen *by_func = &p->frame_of[(f->func * 0x9e3779b1u + f->line) % SB_FUNC_MEMO];
        if (!frame_is(by_func, f)) {
            by_func->frame = (sb_frame){f->func, f->file, f->line};
            by_func->id = intern_frame(p, f);
        }
        fm->frame = *by_func;
    }
    if (f->tmpl) {
        /* Unless its slot went to another call site since. */
        sb_tmpl_memo *h = &p->tmpls[f->tmpl - 1];
        if (h->func == f->func && h->file == f->file && h->tm.line == f->line && h->tm.len)
            h->frame = fm->frame.id;
    }
    return fm->frame.id;
}

/* Site above learns that frame id is printed below it: id goes first
 * in its list of callers, which keeps the others in order. */
static void site_follows(sb_site *above, uint32_t id)
{
    /* Each one moves down a place, up to where id was (or off the end).
     * Not a search and a memmove: the call into libc cost more than the
     * few bytes it moves. */
    uint32_t carry = id;
    for (size_t j = 0; j < SB_SITE_NEXT; j++) {
        uint32_t was = above->next[j];
        above->next[j] = carry;
        if (was == id)
            break;
        carry = was;
    }
}

/* What slow frame i of the goroutine (ids: the frame ids up to i) teaches
 * the sites: its function and template, and that it is printed below
 * frame i - 1 (or on top). A frame site_lines read teaches nothing more
 * (it moves a later guess up itself) and does not come here. */
static void learn_site(sb_parser *p, const uint32_t *ids, size_t i)
{
    size_t need = sb_intern_count(&p->m->frames);
    if (need > p->sites_cap) {
        size_t old = p->sites_cap;
        p->sites = sb_grow(p->sites, &p->sites_cap, need, sizeof(*p->sites));
        memset(p->sites + old, 0, (p->sites_cap - old) * sizeof(*p->sites));
    }
    const sb_pframe *f = &p->c.fr[i];
    sb_site *st = &p->sites[ids[i]];
    if (!st->func) {
        size_t len;
        st->name = sb_str(p->m, f->func, &len);
        st->namelen = len <= UINT16_MAX ? (uint16_t)len : 0;
        st->method = func_is_method(p, f->func);
        st->plain = sb_lex_frame_name_plain(sb_span_make(st->name, len));
        st->func = f->func;
    }
    if (f->tmpl)
        st->tmpl = &p->tmpls[f->tmpl - 1];
    sb_site *above = &p->sites[i ? ids[i - 1] : 0];
    if (above->next[0] != ids[i])
        site_follows(above, ids[i]);
}

/* The stack id of the n frame ids at ids, interned when new. The memo is
 * keyed by all of the ids: a key of the first, middle and last (and n)
 * gave the 888 stacks of the benchmark dump's first 100 MB 332 keys, and
 * the stacks sharing one kept evicting each other (18,000 of 30,000
 * goroutines then hashed and looked up their stack in the table, a cold
 * miss each). Rotate and xor keep the chain short; the multiplies are off
 * it. Two ids a step cost half the instructions of one. */
static uint32_t stack_id(sb_parser *p, const uint32_t *ids, size_t n)
{
    uint64_t h = n, x;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        memcpy(&x, ids + i, sizeof(x));
        h = (h << 11 | h >> 53) ^ (x * 0x9e3779b97f4a7c15ull);
    }
    if (i < n)
        h = (h << 11 | h >> 53) ^ ((uint64_t)ids[i] * 0x9e3779b97f4a7c15ull);
    h *= 0xff51afd7ed558ccdull;
    uint32_t *slot = &p->stack_memo[(h ^ (h >> 32)) % SB_STACK_MEMO];
    const sb_stack *st = sb_stack_get(p->m, *slot);
    if (*slot && st->nframes == n &&
        sb_bytes_eq((const char *)st->frames, (const char *)ids, n * sizeof(uint32_t)))
        return *slot;
    return *slot = sb_intern_put(&p->m->stacks, ids, n * sizeof(uint32_t));
}

/* Interns the goroutine's frames and stack and appends it to the model. */
static void finish_goroutine(sb_parser *p)
{
    sb_model *m = p->m;
    sb_goroutine *g = &p->c.g;
    if (p->c.state != P_GOROUTINE && p->c.state != P_PROFILE)
        return;
    bool record = p->c.state == P_PROFILE;
    if (record && g->count == 0 && p->c.nfr == 0)
        return; /* no record open */
    if (!record && ((p->c.nfr == 0 && !(g->flags & SB_G_OTHER_THREAD)) || p->c.want_file ||
                    p->c.want_created_file))
        g->flags |= SB_G_TRUNCATED;
    if (p->c.nfr >= p->c.frcap)
        grow_frames(p); /* fids and fargs exist even with no frame */
    uint32_t *ids = p->c.fids, *argv = p->c.fargs;
    for (size_t k = 0; k < p->c.nslow; k++) {
        size_t i = p->c.slows[k];
        const sb_pframe *f = &p->c.fr[i];
        ids[i] = f->frame ? f->frame : frame_id(p, i, f);
        argv[i] = f->args;
        /* Not a debug=1 record's: its function names may hold blanks,
         * which no frame line's can (frame_by_name trusts is_method). */
        if (!record)
            learn_site(p, ids, i);
    }
    size_t before = sb_intern_count(&m->stacks);
    size_t bytes = p->c.nfr * sizeof(uint32_t);
    g->stack = stack_id(p, ids, p->c.nfr);
    bool new_stack = sb_intern_count(&m->stacks) > before;
    if (new_stack) {
        /* A new stack: its first goroutine's arguments, all of them, are
         * the ones reports show for it. */
        p->args_scratch = sb_grow(p->args_scratch, &p->scratch_cap, p->c.nfr, sizeof(uint32_t));
        for (size_t i = 0; i < p->c.nfr; i++)
            p->args_scratch[i] =
                stack_text(p, sb_span_make(p->c.fr[i].tlen ? frame_text(p, &p->c.fr[i]) : "",
                                           p->c.fr[i].tlen));
        m->stack_info =
            sb_grow(m->stack_info, &m->stack_info_cap, g->stack, sizeof(*m->stack_info));
        sb_stack *st = &m->stack_info[g->stack];
        st->nframes = (uint32_t)p->c.nfr;
        st->frames = sb_intern_data(&m->stacks, g->stack);
        st->rep_g = (uint32_t)m->ngoroutines; /* this goroutine's index, once added */
        st->rep_args = sb_intern_put(&m->argvecs, p->args_scratch, bytes);
        uint32_t nm = 0;
        for (size_t i = 0; i < p->c.nfr; i++)
            if (func_is_method(p, p->c.fr[i].func))
                p->args_scratch[nm++] = (uint32_t)i;
        st->nmethods = nm;
        st->methods =
            nm ? sb_arena_memdup(&m->arena, p->args_scratch, nm * sizeof(uint32_t)) : NULL;
    }
    /* The goroutine's own: the refs of its stack's method frames only
     * (the others' are 0), a third of its frames in the benchmark's dump;
     * a ref per frame took 7.7 MB more peak RSS there. The last
     * goroutine's are shared when they are the same. */
    const sb_stack *st = sb_stack_get(m, g->stack);
    uint32_t nm = st->nmethods;
    bool same = p->prev_n == nm;
    for (uint32_t k = 0; same && k < nm; k++)
        same = m->own[p->prev_own + k] == argv[st->methods[k]];
    if (!same) {
        if (m->nown + nm > UINT32_MAX)
            sb_oom(SIZE_MAX); /* 2^32 receivers: far past any memory here */
        m->own = sb_grow(m->own, &m->own_cap, m->nown + nm, sizeof(uint32_t));
        for (uint32_t k = 0; k < nm; k++)
            m->own[m->nown + k] = argv[st->methods[k]];
        p->prev_own = (uint32_t)m->nown;
        m->nown += nm;
    }
    g->args = p->prev_own;
    p->prev_n = nm;
    if (new_stack)
        m->stack_info[g->stack].rep_own = g->args;
    p->c.argtext_len = 0;
    if (p->c.created_func) {
        if (!frame_is(&p->created_seen, &p->c.created)) {
            p->created_seen.frame =
                (sb_frame){p->c.created.func, p->c.created.file, p->c.created.line};
            p->created_seen.id = intern_frame(p, &p->c.created);
        }
        g->created_by = p->created_seen.id;
    }
    m->goroutines = sb_grow(m->goroutines, &m->goroutines_cap, m->ngoroutines, sizeof(*g));
    m->goroutines[m->ngoroutines++] = *g;
    sb_dump *d = cur_dump(p);
    if (d) {
        d->ngoroutines++;
        d->goroutines += g->count;
    }
    m->stats.goroutines += g->count;
    m->stats.frames += p->c.nfr + p->c.frames_cut;
    m->stats.frames_cut += p->c.frames_cut;
    if (g->flags & SB_G_TRUNCATED)
        m->stats.truncated++;
    p->c.frames_cut = 0;
    no_frames(p);
    p->c.want_file = p->c.want_created_file = false;
    p->c.state = record ? P_PROFILE : P_OUTSIDE;
    memset(g, 0, sizeof(*g));
}

static void on_header(sb_parser *p, const sb_token *t, uint64_t line_no)
{
    finish_goroutine(p);
    sb_dump *d = cur_dump(p);
    uint32_t label = p->c.label ? p->c.label : p->default_label;
    /* A new dump starts where ids start over, where another process's lines
     * begin, or after a debug=1 profile. An id past 64 bits saturates and
     * names nothing: two of them are not a repeat. */
    bool ovf = t->u.header.id_overflow;
    if (!d || d->format != SB_FMT_TRACEBACK || (p->c.label && d->label != label) ||
        (!ovf && !sb_idset_add(&p->c.ids, t->u.header.id))) {
        open_dump(p, SB_FMT_TRACEBACK, line_no);
        if (!ovf)
            sb_idset_add(&p->c.ids, t->u.header.id);
    }
    begin_goroutine(p, t, line_no);
}

static void begin_record(sb_parser *p, const sb_token *t, uint64_t line_no)
{
    finish_goroutine(p);
    memset(&p->c.g, 0, sizeof(p->c.g));
    p->c.g.dump = (uint32_t)p->c.dump;
    p->c.g.wait_minutes = -1;
    p->c.g.created_by = SB_NONE;
    p->c.g.count = t->u.record.count > UINT32_MAX ? UINT32_MAX : (uint32_t)t->u.record.count;
    if (p->c.g.count == 0)
        p->c.g.count = 1; /* keep the record visible; a zero count never occurs in real profiles */
    p->c.g.line_no = line_no;
    no_frames(p);
}

/* Lines of a debug=1 profile. Returns false when the line is not one. */
static bool on_profile_line(sb_parser *p, const sb_token *t, uint64_t line_no)
{
    switch (t->kind) {
    case SB_TOK_RECORD:
        begin_record(p, t, line_no);
        return true;
    case SB_TOK_RECORD_FRAME:
        if (p->c.g.count == 0)
            return false;
        push_frame(p, intern_span(p, t->u.rframe.func), 0);
        if (p->c.nfr) {
            p->c.fr[p->c.nfr - 1].file = intern_span(p, t->u.rframe.file);
            p->c.fr[p->c.nfr - 1].line = t->u.rframe.line;
        }
        p->c.want_file = false;
        return true;
    case SB_TOK_RECORD_LABELS:
        if (p->c.g.count == 0)
            return false;
        p->c.g.labels = intern_span(p, sb_span_make(t->text.p + 10, t->text.n - 10));
        return true;
    case SB_TOK_BLANK:
        finish_goroutine(p);
        return true;
    default:
        return false;
    }
}

/* Whether ids[i] is one of ids[0 .. i-1]: a guess tried again would only
 * cost. */
static bool guessed_before(const sb_memo *ids, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (ids[k] == ids[i])
            return true;
    return false;
}

/* Lexes a line, inside a goroutine first as what the memos expect there:
 * the file of the frame just read, or the function below this callee (its
 * last callers, the latest first) or at this depth (the callers are right
 * more often). At most one guess can match a line, so their order changes
 * only the cost. *known is the string id of the guess the line confirmed,
 * 0 when none was (see sb_lex_expect). */

static void lex_expected(sb_parser *p, sb_span line, sb_token *t, uint32_t *known)
{
    sb_memo ids[SB_CALLERS + 1] = {0};
    size_t n = 0;
    bool file = true;
    if (p->c.state == P_GOROUTINE && !p->c.in_ancestor) {
        if (p->c.want_created_file) {
            ids[n++] = p->created_file;
        } else if (p->c.want_file && p->c.nfr) {
            ids[n++] = p->file_of[p->c.fr[p->c.nfr - 1].func % SB_FUNC_MEMO];
        } else if (p->c.nfr < SB_MAX_FRAMES) {
            file = false;
            memcpy(ids, callers_memo(p), sizeof(sb_memo) * SB_CALLERS);
            ids[SB_CALLERS] = memo_at(p, p->c.nfr)->func;
            n = SB_CALLERS + 1;
        }
    }
    sb_span guess[SB_CALLERS + 1];
    size_t ng = 0;
    for (size_t i = 0; i < n; i++)
        if (ids[i] && !guessed_before(ids, i)) {
            guess[ng].p = sb_str(p->m, ids[i], &guess[ng].n);
            ids[ng++] = ids[i];
        }
    int hit = sb_lex_expect(line, file, guess, ng, t);
    *known = hit >= 0 ? ids[hit] : 0;
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
        frame_args(p, &p->c.fr[p->c.nfr - 1], fm, t);
    } else {
        push_frame(p, 0, 0); /* counted as cut */
    }
}

/* The file line of the frame just read (want_file, nfr > 0). */
static inline void on_frame_file(sb_parser *p, const sb_token *t, uint32_t known)
{
    sb_pframe *f = &p->c.fr[p->c.nfr - 1];
    f->file = known ? known : memo_intern(p, &p->file_of[f->func % SB_FUNC_MEMO], t->u.file.file);
    f->line = t->u.file.line;
    p->c.want_file = false;
}

/* One line inside a goroutine; known as lex_expected returned it. */
static void on_goroutine_line(sb_parser *p, const sb_token *t, uint32_t known)
{
    sb_model *m = p->m;
    switch (t->kind) {
    case SB_TOK_FRAME:
        if (!p->c.in_ancestor)
            on_frame(p, t, known);
        return;
    case SB_TOK_FILE:
        if (p->c.want_created_file) {
            p->c.created.file = known ? known : memo_intern(p, &p->created_file, t->u.file.file);
            p->c.created.line = t->u.file.line;
            p->c.want_created_file = false;
        } else if (p->c.want_file && p->c.nfr) {
            on_frame_file(p, t, known);
        } else if (p->c.cut_file) {
            p->c.cut_file = false;
        } else if (!p->c.in_ancestor) {
            m->stats.skipped_lines++;
        }
        return;
    case SB_TOK_CREATED_BY:
        if (p->c.in_ancestor)
            return;
        p->c.created_func = memo_intern(p, &p->created_func_memo, t->u.created.func);
        p->c.created.func = p->c.created_func;
        p->c.created.file = p->c.created.line = 0;
        p->c.created.args = 0;
        p->c.g.parent = t->u.created.parent;
        if (cur_dump(p)) {
            cur_dump(p)->created = true;
            cur_dump(p)->parents = cur_dump(p)->parents || t->u.created.parent;
        }
        p->c.want_created_file = true;
        p->c.want_file = false;
        return;
    case SB_TOK_ELIDED:
        p->c.g.flags |= SB_G_ELIDED;
        p->c.g.elided += t->u.elided.count;
        return;
    case SB_TOK_OTHER_THREAD:
        p->c.g.flags |= SB_G_OTHER_THREAD;
        return;
    case SB_TOK_ANCESTOR:
        p->c.g.flags |= SB_G_ANCESTORS;
        p->c.in_ancestor = true;
        return;
    case SB_TOK_NONGO:
        return; /* cgo: a frame without Go symbols; nothing to intern */
    default:
        m->stats.skipped_lines++;
        return;
    }
}

/* Lines that can only stand where a new dump or report begins. */
static bool starts_dump(enum sb_tok k)
{
    return k == SB_TOK_HEADER || k == SB_TOK_PROFILE || k == SB_TOK_SIGNAL || k == SB_TOK_PANIC ||
           k == SB_TOK_FATAL || k == SB_TOK_RACE_BEGIN;
}

/* The line a race-enabled program prints last: "Found 3 data race(s)". */
static bool race_summary(sb_span s)
{
    static const char tail[] = " data race(s)";
    size_t k = sizeof(tail) - 1;
    return s.n > 6 + k && memcmp(s.p, "Found ", 6) == 0 && memcmp(s.p + s.n - k, tail, k) == 0;
}

/* Handles one token, whatever the state. */
static void feed(sb_parser *p, const sb_token *t, uint32_t known, uint64_t line_no)
{
    sb_model *m = p->m;
    if (p->c.state == P_RACE) {
        if (!starts_dump(t->kind)) {
            m->stats.known_lines++;
            if (t->kind == SB_TOK_RACE_RULE) {
                sb_races_end(&m->races);
                p->c.state = P_OUTSIDE;
            } else {
                sb_races_line(&m->races, t->text);
            }
            return;
        }
        sb_races_cut(&m->races);
        p->c.state = P_OUTSIDE; /* a race report cut short: the next dump begins */
    }
    if (p->c.state == P_PROFILE) {
        if (on_profile_line(p, t, line_no))
            return;
        finish_goroutine(p);
        if (!starts_dump(t->kind) && t->kind != SB_TOK_RACE_RULE) {
            m->stats.skipped_lines++;
            return;
        }
        p->c.state = P_OUTSIDE;
    }
    if (t->kind == SB_TOK_OTHER && p->c.state != P_GOROUTINE && race_summary(t->text)) {
        m->stats.known_lines++; /* "Found 3 data race(s)": the races are counted already */
        return;
    }
    if (t->kind == SB_TOK_OTHER && sb_lex_log_fatal(t->text)) {
        /* Kept as the next dump's reason: the line a process died with. */
        finish_goroutine(p);
        m->stats.known_lines++;
        announce_dump(p, SB_ORIGIN_LOG_FATAL, t->text, line_no);
        return;
    }
    switch (t->kind) {
    case SB_TOK_HEADER:
        on_header(p, t, line_no);
        return;
    case SB_TOK_BLANK:
        finish_goroutine(p);
        if (p->c.state == P_RUNTIME_STACK)
            p->c.state = P_OUTSIDE;
        return;
    case SB_TOK_FRAME:
    case SB_TOK_FILE:
    case SB_TOK_CREATED_BY:
    case SB_TOK_ELIDED:
    case SB_TOK_OTHER_THREAD:
    case SB_TOK_ANCESTOR:
    case SB_TOK_NONGO:
    case SB_TOK_OTHER:
        if (p->c.state == P_GOROUTINE)
            on_goroutine_line(p, t, known);
        else if (p->c.state == P_RUNTIME_STACK && t->kind != SB_TOK_OTHER)
            m->stats.known_lines++;
        else
            m->stats.skipped_lines++;
        return;
    default:
        break;
    }
    /* Everything else sits between goroutines and ends the open one. */
    finish_goroutine(p);
    m->stats.known_lines++;
    switch (t->kind) {
    case SB_TOK_SIGNAL:
        announce_dump(p, SB_ORIGIN_SIGNAL, t->text, line_no);
        break;
    case SB_TOK_PANIC:
        announce_dump(p, SB_ORIGIN_PANIC, t->text, line_no);
        break;
    case SB_TOK_FATAL:
        announce_dump(p, SB_ORIGIN_FATAL, t->text, line_no);
        break;
    case SB_TOK_PROFILE:
        close_dump(p);
        p->c.pending_origin = SB_ORIGIN_PROFILE;
        p->c.pending_headline = intern_span(p, t->text);
        p->c.pending_line = line_no;
        open_dump(p, SB_FMT_DEBUG1, line_no);
        m->dumps[p->c.dump].declared_total = t->u.record.count;
        p->c.state = P_PROFILE;
        p->c.g.count = 0;
        break;
    case SB_TOK_RUNTIME_STACK:
        p->c.state = P_RUNTIME_STACK;
        break;
    case SB_TOK_RACE_BEGIN:
        p->c.state = P_RACE;
        m->stats.race_reports++;
        sb_races_begin(&m->races, line_no, p->c.label ? p->c.label : p->default_label, p->source);
        break;
    default: /* registers, separators, exit status, PC=, [signal ...] */
        break;
    }
}

/* A leak checker's line about the goroutine that follows: goleak prints
 * " Goroutine 8 in state select, with F on top of the stack:" before it,
 * or "Leaked goroutine: " glued in front of its header. */
static bool leak_report(sb_span s)
{
    static const char top[] = " on top of the stack:";
    size_t i = 0;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    if (i < s.n && s.p[i] == '[') /* goleak prints a Go slice: "[Goroutine 8 in ..." first */
        i++;
    return s.n - i > 10 + sizeof(top) - 1 && memcmp(s.p + i, "Goroutine ", 10) == 0 &&
           memcmp(s.p + s.n - (sizeof(top) - 1), top, sizeof(top) - 1) == 0;
}

/* One piece of a line (a whole line unless frames were glued behind a tag). */
static void feed_piece(sb_parser *p, sb_span piece, uint64_t line_no)
{
    sb_token t;
    uint32_t known;
    lex_expected(p, piece, &t, &known);
    if (t.kind == SB_TOK_OTHER && leak_report(piece)) {
        finish_goroutine(p);
        p->c.leak_reported = true;
        p->m->stats.known_lines++;
        return;
    }
    if (t.kind == SB_TOK_OTHER) {
        /* Text glued in front of a header: "...dumping all stacksgoroutine 1 [". */
        long at = sb_lex_find_header(piece);
        if (at > 0 && memmem(piece.p, (size_t)at, "Leaked goroutine", 16))
            p->c.leak_reported = true;
        if (at > 0) {
            sb_span label = {0};
            if (p->px && sb_prefix_detect(p->px, sb_span_make(piece.p, (size_t)at), &label) &&
                label.n) {
                p->line_label = intern_span(p, label);
                use_context(p, p->line_label);
            }
            sb_lex(sb_span_make(piece.p + at, piece.n - (size_t)at), &t);
        } else {
            /* A coloured logger leaves its codes in front: "\033[32m\033[0mfatal
             * error: ...", or "^[[32m" where the escape was printed as text. */
            sb_span rest = sb_lex_skip_colors(piece);
            sb_token u;
            if (rest.n < piece.n &&
                (sb_lex(rest, &u),
                 u.kind == SB_TOK_PANIC || u.kind == SB_TOK_FATAL || u.kind == SB_TOK_SIGNAL))
                t = u;
        }
    }
    feed(p, &t, known, line_no);
}

void sb_parser_line(sb_parser *p, sb_span line, uint64_t line_no)
{
    p->m->stats.lines++;
    sb_span label = {0};
    bool stripped = p->px && sb_prefix_strip(p->px, &line, &label);
    if (!stripped && p->c.state != P_GOROUTINE && p->px) {
        /* Outside a goroutine a header may hide behind a prefix we have not
         * seen yet; finding it there is how the prefix gets detected. */
        long at = sb_lex_find_header(line);
        if (at > 0 && sb_prefix_detect(p->px, sb_span_make(line.p, (size_t)at), &label)) {
            /* Strip only the prefix: with a glued tag, pieces before the
             * header ("SIGQUIT: quit") still count. */
            stripped = sb_prefix_strip(p->px, &line, &label);
        } else if (at < 0 && !sb_prefix_active(p->px)) {
            /* A panic/signal/fatal line in front of the first header: only
             * distinctive prefixes (timestamps) are trusted here. */
            sb_span rest = line;
            sb_token t;
            if (sb_prefix_detect_preamble(p->px, &rest, &label)) {
                sb_lex(rest, &t);
                if (t.kind == SB_TOK_PANIC || t.kind == SB_TOK_SIGNAL || t.kind == SB_TOK_FATAL ||
                    (t.kind == SB_TOK_OTHER && sb_lex_log_fatal(rest))) {
                    line = rest;
                    stripped = true;
                } else {
                    sb_prefix_reset(p->px);
                }
            }
        }
    }
    /* rsyslog writes a tab as "#011": the indent of every file line. */
    while (stripped && line.n >= 4 && memcmp(line.p, "#011", 4) == 0)
        line = sb_span_make(line.p + 4, line.n - 4);
    if (stripped) {
        p->line_label = label.n ? intern_span(p, label) : 0;
        if (p->line_label)
            use_context(p, p->line_label);
    }
    sb_span rest = line, piece;
    if (rest.n == 0) {
        feed_piece(p, rest, line_no);
        return;
    }
    while (sb_prefix_next_piece(p->px, &rest, &piece)) {
        feed_piece(p, piece, line_no);
        if (rest.n == 0)
            break; /* the common case, a whole line: no call to learn it */
    }
}

/* Interleaved processes append their goroutines in turns: put each dump's
 * goroutines together again (a stable counting sort by dump). */
static void regroup_goroutines(sb_model *m)
{
    bool sorted = true;
    for (size_t i = 1; i < m->ngoroutines && sorted; i++)
        sorted = m->goroutines[i].dump >= m->goroutines[i - 1].dump;
    if (sorted)
        return;
    uint32_t *next = sb_xcalloc(m->ndumps + 1, sizeof(uint32_t));
    for (size_t i = 0; i < m->ngoroutines; i++)
        next[m->goroutines[i].dump + 1]++;
    for (size_t d = 0; d < m->ndumps; d++) {
        next[d + 1] += next[d];
        m->dumps[d].first = next[d];
    }
    sb_goroutine *v = sb_xmalloc(m->ngoroutines * sizeof(*v));
    for (size_t i = 0; i < m->ngoroutines; i++)
        v[next[m->goroutines[i].dump]++] = m->goroutines[i];
    free(m->goroutines);
    m->goroutines = v;
    m->goroutines_cap = m->ngoroutines;
    free(next);
}

void sb_parser_end(sb_parser *p)
{
    /* Every process's context: the current one, then each saved one. */
    for (size_t i = 0; i <= p->nsaved; i++) {
        if (i > 0) {
            sb_pctx done = p->c;
            p->c = p->saved[i - 1];
            p->saved[i - 1] = done;
        }
        finish_goroutine(p); /* flags a goroutine cut short as truncated */
        close_dump(p);
        if (p->c.state == P_RACE)
            sb_races_cut(&p->m->races);
        p->c.state = P_OUTSIDE;
    }
    for (size_t i = 0; i < p->nsaved; i++)
        ctx_free(&p->saved[i]);
    p->nsaved = 0;
    p->c.label = 0;
    regroup_goroutines(p->m);
}

void sb_parser_read_buffer(sb_parser *p, bool on)
{
    p->no_buffer_lines = !on;
}

/* Whether the next line may be read straight from the input's buffer:
 * inside a goroutine (not its ancestors) or between goroutines, with no
 * log prefix to strip. */
static bool buffer_lines_ok(const sb_parser *p)
{
    return (p->c.state == P_GOROUTINE || p->c.state == P_OUTSIDE) && !p->c.in_ancestor &&
           !p->no_buffer_lines && (!p->px || !sb_prefix_active(p->px));
}

/* A frame line at s that neither memo guessed, when its function is one
 * already read in a frame (is_method knows it): found by name, it is the
 * guess sb_lex_expect would confirm, so the line need not take the long
 * way. The name is what lex_frame takes, all before the last '('. Returns
 * the line's length as sb_lex_frame_at does, 0 when this does not apply. */
static size_t frame_by_name(sb_parser *p, const char *s, const char *end, sb_token *t,
                            uint32_t *known)
{
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    if (!nl || nl - s < 3 || nl[-1] != ')')
        return 0;
    const char *open = memrchr(s, '(', (size_t)(nl - 1 - s));
    if (!open || open == s)
        return 0;
    uint32_t id = sb_intern_get(&p->m->strings, s, (size_t)(open - s));
    if (id == UINT32_MAX || id >= p->is_method_cap || !p->is_method[id])
        return 0;
    size_t len = sb_lex_frame_at(s, end, sb_span_make(s, (size_t)(open - s)), t);
    *known = id;
    return len;
}

/* The file line at s confirmed by the memo's path (string id file, 0 =
 * none) as sb_lex_file_at does, and then tm made of it (tm->len 0 when
 * the line is too long for one). Returns sb_lex_file_at's length. Out of
 * line: templates take almost every file line. */
SB_NOINLINE static size_t file_by_memo(sb_parser *p, const char *s, const char *end, uint32_t file,
                                       sb_file_tmpl *tm, sb_token *t)
{
    if (!file)
        return 0;
    sb_span g;
    g.p = sb_str(p->m, file, &g.n);
    size_t len = sb_lex_file_at(s, end, g, t);
    if (len)
        (void)sb_file_tmpl_make(tm, s, len, t);
    return len;
}

/* The file line of the frame just read, at s: confirmed by its call
 * site's template in one compare, else by its file's memo (and then the
 * template is made of it). Returns the length as sb_lex_file_at does. */
static size_t file_line_at(sb_parser *p, const char *s, const char *end, sb_token *t,
                           uint32_t *known)
{
    sb_pframe *f = &p->c.fr[p->c.nfr - 1];
    uint32_t func = f->func;
    uint32_t callee = p->c.nfr > 1 ? p->c.fr[p->c.nfr - 2].func : 0;
    uint32_t slot = (func * 0x9e3779b1u ^ callee) % SB_TMPL_MEMO;
    sb_tmpl_memo *h = &p->tmpls[slot];
    if (h->func == func && h->callee == callee) {
        size_t len = sb_lex_file_tmpl_at(s, end, &h->tm, t);
        if (len) {
            /* What the file memo holds after any file line of func. */
            *known = p->file_of[func % SB_FUNC_MEMO] = h->file;
            f->frame = h->frame;
            p->c.site_above = h->frame ? h->frame : SB_SITE_UNKNOWN;
            f->tmpl = slot + 1;
            return len;
        }
    }
    *known = p->file_of[func % SB_FUNC_MEMO];
    size_t len = file_by_memo(p, s, end, *known, &h->tm, t);
    if (len && h->tm.len) {
        h->func = func;
        h->callee = callee;
        h->file = *known;
        h->frame = 0;
        f->tmpl = slot + 1;
    }
    return len;
}

/* sb_lex_line_at(s, end, "goroutine ", t), through the template of the
 * last header whose state has the same bytes 0 and 5 when it matches
 * (and then begin_goroutine finds the state's id in its memo). */
static size_t header_at(sb_parser *p, const char *s, const char *end, sb_token *t)
{
    const char *b = memchr(s, '[', (size_t)(end - s) < 40 ? (size_t)(end - s) : 40);
    sb_header_memo *h = NULL;
    if (b && end - b > 6) {
        h = &p->headers[((unsigned char)b[1] * 7u + (unsigned char)b[6]) % SB_HEADER_MEMO];
        size_t len = sb_lex_header_tmpl_at(s, end, &h->tm, t);
        if (len) {
            p->state_of = &h->state;
            return len;
        }
    }
    size_t len = sb_lex_line_at(s, end, "goroutine ", t);
    if (len && h && sb_header_tmpl_make(&h->tm, s, len, t))
        h->state = 0;
    return len;
}

/* A "created by" line at s that is, byte for byte, the last one
 * buffer_lines read (goroutines of one creator come in runs): its token
 * again, without the frame guesses (a function name holds no blank, so
 * none can match it) or lexing. Returns its length, 0 when it is not. */
static size_t created_line_at(sb_parser *p, const char *s, const char *end, sb_token *t)
{
    size_t n = p->created_n;
    if (n == 0 || (size_t)(end - s) < n || !sb_bytes_eq(s, p->created_text, n))
        return 0;
    *t = p->created_tok;
    t->text = sb_span_make(s, n - 1);
    t->u.created.func.p = s + p->created_func_at;
    return n - 1;
}

/* Keeps the "created by" line at s (len bytes, t its token) for
 * created_line_at. */
static void created_line_seen(sb_parser *p, const char *s, size_t len, const sb_token *t)
{
    p->created_n = 0;
    if (len + 1 > sizeof(p->created_text))
        return;
    memcpy(p->created_text, s, len + 1);
    p->created_n = len + 1;
    p->created_tok = *t;
    p->created_func_at = (size_t)(t->u.created.func.p - s);
}

/* The file line of a "created by" line, at s: confirmed by the template
 * of the last one when both lines name the same function, else by the
 * file memo (and then the template is made of it). Returns the length as
 * sb_lex_file_at does. */
static size_t created_file_at(sb_parser *p, const char *s, const char *end, sb_token *t,
                              uint32_t *known)
{
    if (p->created_tmpl_func == p->c.created_func) {
        size_t len = sb_lex_file_tmpl_at(s, end, &p->created_tmpl, t);
        if (len) {
            *known = p->created_tmpl_file;
            return len;
        }
    }
    *known = p->created_file;
    size_t len = file_by_memo(p, s, end, *known, &p->created_tmpl, t);
    if (len && p->created_tmpl.len) {
        p->created_tmpl_func = p->c.created_func;
        p->created_tmpl_file = *known;
    }
    return len;
}

/* The frame line at s and its file line, when they are those of a call
 * site the sites predict (one printed below the frame just read lately,
 * or on top of a stack): both confirmed as the memos' path would
 * (sb_lex_frame_at with the site's function, its file line's template)
 * and the frame pushed with all the memos' path would find. Returns the
 * bytes of both lines with their newlines, 0 when they are not those (the
 * memos' path then reads them). */
static size_t site_lines(sb_parser *p, const char *s, const char *end)
{
    size_t nfr = p->c.nfr;
    uint32_t above = p->c.site_above;
    if (above >= p->sites_cap) /* SB_SITE_UNKNOWN too */
        return 0;
    const uint32_t *ids = p->sites[above].next;
    for (size_t k = 0; k < SB_SITE_NEXT; k++) {
        uint32_t id = ids[k];
        if (!id || id >= p->sites_cap)
            return 0;
        const sb_site *st = &p->sites[id];
        /* The line's '(' where the site's name ends, before the template
         * is read: a third of the guesses fail here, and each had read
         * the template and checked it first. sb_lex_frame_at checks the
         * '(' again. */
        if ((size_t)(end - s) <= st->namelen || s[st->namelen] != '(')
            continue;
        const sb_tmpl_memo *h = st->tmpl;
        if (!h || h->frame != id)
            continue; /* the slot went to another call site since */
        sb_token t, ft;
        sb_span name = sb_span_make(st->name, st->namelen);
        size_t len =
            st->plain ? sb_lex_frame_plain_at(s, end, name, &t) : sb_lex_frame_at(s, end, name, &t);
        if (len == 0 || len > SB_INPUT_MAX_LINE)
            continue;
        size_t flen = sb_lex_file_tmpl_at(s + len + 1, end, &h->tm, &ft);
        if (flen == 0 || flen > SB_INPUT_MAX_LINE)
            return 0;
        if (nfr >= p->c.frcap)
            grow_frames(p);
        sb_pframe *f = &p->c.fr[nfr];
        p->c.nfr = nfr + 1;
        f->func = st->func;
        f->frame = p->c.site_above = id;
        /* frame_args, with the site's method flag. Spelled out: the
         * shared helper cost 0.4% more instructions in this loop. */
        f->args =
            st->method ? frame_receiver(p, memo_at(p, nfr), t.u.frame.args, t.u.frame.func.p) : 0;
        f->tlen = (uint32_t)t.u.frame.args.n;
        f->tp = NULL;
        if (p->input_stays)
            f->tp = t.u.frame.args.p;
        else
            copy_args(p, f, t.u.frame.args);
        p->c.fids[nfr] = id;
        p->c.fargs[nfr] = f->args;
        if (k) /* a later guess: now the first (as learn_site moves a slow frame's) */
            site_follows(&p->sites[above], id);
        p->c.cut_file = p->c.want_file = false;
        return len + 1 + flen + 1;
    }
    return 0;
}

/* The lines at the start of b that are exactly what the memos guess (or,
 * for a frame, what frame_by_name finds), fed to the parser without
 * splitting, trimming or lexing each line from scratch: most of a dump's
 * lines, at a fraction of the cost. So are the other lines of a plain
 * goroutine: its "created by" line and that one's file line, the blank
 * line after it and the next header, lexed as sb_parser_line would (with
 * no log prefix in play it hands them to feed unchanged). Stops at the
 * first line that is anything else (a guess that fails, a line with a
 * blank or CR at its end, a preamble) and leaves it to sb_parser_line,
 * which reads it exactly as it would have otherwise. line_no is the
 * number of the line before b. Returns the bytes used; *nlines counts the
 * lines. */
static size_t buffer_lines(sb_parser *p, sb_span b, uint64_t line_no, uint64_t *nlines)
{
    const char *end = b.p + b.n;
    size_t at = 0;
    uint64_t n = 0; /* not *nlines: stores to the model might alias it */
    *nlines = 0;
    /* The lines read here change nothing buffer_lines_ok looks at but the
     * state, which stays P_GOROUTINE or P_OUTSIDE. */
    if (!buffer_lines_ok(p))
        return 0;
    for (;;) {
        sb_token t;
        uint32_t known = 0;
        size_t len = 0;
        const char *s = b.p + at;
        if (p->c.state != P_GOROUTINE) {
            len = header_at(p, s, end, &t);
            if (len == 0 || len > SB_INPUT_MAX_LINE || t.kind != SB_TOK_HEADER)
                break;
            n++;
            feed(p, &t, 0, line_no + n);
            p->state_of = &p->state_memo;
            at += len + 1;
            continue;
        }
        if (at < b.n && *s == '\n') {
            /* A blank line: the goroutine ends, as feed ends it. */
            finish_goroutine(p);
            n++;
            at++;
            continue;
        }
        if (p->c.want_created_file) {
            len = created_file_at(p, s, end, &t, &known);
        } else if (p->c.want_file) {
            if (!p->c.nfr)
                break;
            len = file_line_at(p, s, end, &t, &known);
        } else if (p->c.nfr < SB_MAX_FRAMES) {
            size_t both = site_lines(p, s, end);
            if (both) {
                at += both;
                n += 2;
                continue;
            }
            /* A "created by" line seen last: no guess below can match it. */
            len = created_line_at(p, s, end, &t);
            /* The guesses of lex_expected, in its order. Spelled out
             * again: a helper shared with lex_expected cost 2-3% more
             * instructions here; the fuzz target checks both agree. */
            sb_memo ids[SB_CALLERS + 1];
            memcpy(ids, callers_memo(p), sizeof(sb_memo) * SB_CALLERS);
            ids[SB_CALLERS] = memo_at(p, p->c.nfr)->func;
            for (size_t i = 0; i < SB_CALLERS + 1 && !len; i++) {
                if (!ids[i] || guessed_before(ids, i))
                    continue;
                sb_span g;
                g.p = sb_intern_data(&p->m->strings, ids[i]);
                g.n = sb_intern_len(&p->m->strings, ids[i]);
                len = sb_lex_frame_at(s, end, g, &t);
                known = ids[i];
            }
            if (!len)
                len = frame_by_name(p, s, end, &t, &known);
            if (!len) {
                /* No frame guess can match a "created by" line. */
                known = 0;
                len = sb_lex_line_at(s, end, "created by ", &t);
                if (len && t.kind != SB_TOK_CREATED_BY)
                    break;
                if (len)
                    created_line_seen(p, s, len, &t);
            }
        }
        if (len == 0 || len > SB_INPUT_MAX_LINE)
            break;
        /* What on_goroutine_line does with these lines; frame and file
         * lines without its dispatch. */
        if (t.kind == SB_TOK_FRAME)
            on_frame(p, &t, known);
        else if (t.kind == SB_TOK_FILE && !p->c.want_created_file)
            on_frame_file(p, &t, known);
        else
            on_goroutine_line(p, &t, known);
        at += len + 1;
        n++;
    }
    *nlines = n;
    p->m->stats.lines += n;
    return at;
}

bool sb_parse_input(sb_parser *p, sb_input *in, const char *label, char *err, size_t errlen)
{
    sb_parser_begin(p, in->name, label);
    /* All of the input stays in memory until it is closed: a frame's
     * arguments need no copy while the parser waits to see whether its
     * stack is new. */
    p->input_stays = in->whole;
    sb_span line;
    for (;;) {
        uint64_t n = 0;
        size_t used = buffer_lines(p, sb_input_buffered(in), in->line_no, &n);
        sb_input_take(in, used, n);
        if (!sb_input_next(in, &line))
            break;
        sb_parser_line(p, line, in->line_no);
    }
    sb_parser_end(p);
    p->input_stays = false;
    p->m->stats.bytes += in->bytes;
    p->m->stats.long_lines += in->long_lines;
    if (in->read_errno || in->error) {
        const char *what = in->error ? in->error : strerror(in->read_errno);
        if (in->line_no)
            snprintf(err, errlen, "%s after line %llu", what, (unsigned long long)in->line_no);
        else
            snprintf(err, errlen, "%s", what);
        return false;
    }
    return true;
}
