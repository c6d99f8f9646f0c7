/* parser.c: tokens -> dumps and goroutines; see parser.h. A small state
 * machine: outside any goroutine, inside one, inside the system stack of a
 * fatal error, inside a race report, inside a debug=1 profile. Lines come
 * one at a time through sb_parser_line, or in runs from parser_fast.c,
 * which reads the lines the memos predict straight in the input's buffer
 * and feeds the same tokens through the same rules (parser_int.h). */
#define _GNU_SOURCE /* memmem */
#include "stackblame/parser.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "parser_int.h"
#include "stackblame/lexer.h"
#include "stackblame/scan.h"

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
    if (p->line_fields == line_no && line_no) { /* the prefix of this very line */
        d->time = p->line_time.n ? intern_span(p, p->line_time) : 0;
        d->host = p->line_host.n ? intern_span(p, p->line_host) : 0;
    }
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
 * and to the cache and the memo. Out of line, and called last, so that
 * sb_p_receiver saves no registers for it on the calls that hit. */
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
 * own objects, are added without a look-up (a look-up in the string
 * table is a cache miss for each, and would find nothing). This one is
 * for an address, packed as sb_arg_number packs it; receiver_text for
 * the others. */
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

/* A receiver s that is no address (sb_p_receiver has taken those): a
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
 * are added without a look-up in the string table, which they would only
 * miss and grow. */
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

/* sb_p_receiver's receiver that is no number, out of line for the
 * reason given at receiver_number_new. */
SB_NOINLINE static uint32_t frame_receiver_text(sb_parser *p, sb_frame_memo *fm, sb_span a,
                                                const char *lo)
{
    return receiver_text(p, fm, sb_args_first_text_in(a, lo));
}

/* The receiver of a method frame (its first argument) of argument list
 * a, in a line that starts at lo. Out of line: the call is then made for
 * method frames only, and the rest of frame_args inlines into both
 * paths. */
SB_NOINLINE uint32_t sb_p_receiver(sb_parser *p, sb_frame_memo *fm, sb_span a, const char *lo)
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

/* Out of line: with the input in memory (input_stays) the text is not
 * copied at all. */
SB_NOINLINE void sb_p_copy_args(sb_parser *p, sb_pframe *f, sb_span args)
{
    p->c.argtext = sb_grow(p->c.argtext, &p->c.argtext_cap, p->c.argtext_len + args.n, 1);
    if (args.n)
        memcpy(p->c.argtext + p->c.argtext_len, args.p, args.n);
    f->text = (uint32_t)p->c.argtext_len;
    p->c.argtext_len += args.n;
}

/* Where frame f's argument text is (frame_args kept it). */
static const char *frame_text(const sb_parser *p, const sb_pframe *f)
{
    return f->tp ? f->tp : p->c.argtext + f->text;
}

/* Out of line: the frames grow a few times a run, and the paths that push
 * a frame stay short. */
SB_NOINLINE void sb_p_grow_frames(sb_parser *p)
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

/* The stack id of the n frame ids at ids, interned when new. The memo is
 * keyed by all of the ids: the stacks of one code path often share their
 * first, middle and last frames, and a key of those would have them evict
 * each other, each miss a hash of all the ids and a cold look-up in the
 * table. Rotate and xor keep the chain of the hash short, the multiplies
 * are off it, and two ids are mixed a step. */
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

/* The frame ids and argument refs of the slow frames (those site_lines
 * did not read), in fids and fargs, and what each teaches the sites. */
static void slow_frame_ids(sb_parser *p, bool record)
{
    if (p->c.nfr >= p->c.frcap)
        sb_p_grow_frames(p); /* fids and fargs exist even with no frame */
    uint32_t *ids = p->c.fids, *argv = p->c.fargs;
    for (size_t k = 0; k < p->c.nslow; k++) {
        size_t i = p->c.slows[k];
        const sb_pframe *f = &p->c.fr[i];
        ids[i] = f->frame ? f->frame : frame_id(p, i, f);
        argv[i] = f->args;
        /* Not a debug=1 record's: its function names may hold blanks,
         * which no frame line's can (frame_by_name trusts is_method). */
        if (!record)
            sb_p_learn_site(p, ids, i);
    }
}

/* A new stack's facts, kept with it: its first goroutine's arguments, all
 * of them (the ones reports show for it), and its method frames. */
static void new_stack_info(sb_parser *p, uint32_t stack)
{
    sb_model *m = p->m;
    size_t nfr = p->c.nfr;
    p->args_scratch = sb_grow(p->args_scratch, &p->scratch_cap, nfr, sizeof(uint32_t));
    for (size_t i = 0; i < nfr; i++) {
        const sb_pframe *f = &p->c.fr[i];
        p->args_scratch[i] = stack_text(p, sb_span_make(f->tlen ? frame_text(p, f) : "", f->tlen));
    }
    m->stack_info = sb_grow(m->stack_info, &m->stack_info_cap, stack, sizeof(*m->stack_info));
    sb_stack *st = &m->stack_info[stack];
    st->nframes = (uint32_t)nfr;
    st->frames = sb_intern_data(&m->stacks, stack);
    st->rep_g = (uint32_t)m->ngoroutines; /* this goroutine's index, once added */
    st->rep_args = sb_intern_put(&m->argvecs, p->args_scratch, nfr * sizeof(uint32_t));
    uint32_t nm = 0;
    for (size_t i = 0; i < nfr; i++)
        if (func_is_method(p, p->c.fr[i].func))
            p->args_scratch[nm++] = (uint32_t)i;
    st->nmethods = nm;
    st->methods = nm ? sb_arena_memdup(&m->arena, p->args_scratch, nm * sizeof(uint32_t)) : NULL;
}

/* The goroutine's own argument refs, where its sb_goroutine.args points:
 * those of its stack's method frames only, in model.own (the others'
 * refs are all 0, and most frames are plain functions). The last
 * goroutine's are shared when they are the same. */
static void own_args(sb_parser *p, bool new_stack)
{
    sb_model *m = p->m;
    sb_goroutine *g = &p->c.g;
    const uint32_t *argv = p->c.fargs;
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
}

/* The goroutine's stack: its frames interned as one stack, and the facts
 * of a new one. */
static void intern_stack(sb_parser *p)
{
    sb_goroutine *g = &p->c.g;
    size_t before = sb_intern_count(&p->m->stacks);
    g->stack = stack_id(p, p->c.fids, p->c.nfr);
    bool new_stack = sb_intern_count(&p->m->stacks) > before;
    if (new_stack)
        new_stack_info(p, g->stack);
    own_args(p, new_stack);
    p->c.argtext_len = 0;
}

/* The frame of the goroutine's "created by" line, interned unless it is
 * the last one's. */
static void created_by_frame(sb_parser *p)
{
    if (!p->c.created_func)
        return;
    if (!frame_is(&p->created_seen, &p->c.created)) {
        p->created_seen.frame = (sb_frame){p->c.created.func, p->c.created.file, p->c.created.line};
        p->created_seen.id = intern_frame(p, &p->c.created);
    }
    p->c.g.created_by = p->created_seen.id;
}

/* Appends the goroutine to the model, counts it in its dump and the
 * stats, and leaves the context between goroutines (or records). */
static void append_goroutine(sb_parser *p, bool record)
{
    sb_model *m = p->m;
    sb_goroutine *g = &p->c.g;
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

/* Ends the goroutine (or debug=1 record) being read, if any: interns its
 * frames and stack and appends it to the model. */
static void finish_goroutine(sb_parser *p)
{
    const sb_goroutine *g = &p->c.g;
    if (p->c.state != P_GOROUTINE && p->c.state != P_PROFILE)
        return;
    bool record = p->c.state == P_PROFILE;
    if (record && g->count == 0 && p->c.nfr == 0)
        return; /* no record open */
    /* Cut short: no frame (and not on another thread), or a line that
     * still waits for its file line. A record has no such lines. */
    if (!record && ((p->c.nfr == 0 && !(g->flags & SB_G_OTHER_THREAD)) || p->c.want_file ||
                    p->c.want_created_file))
        p->c.g.flags |= SB_G_TRUNCATED;
    slow_frame_ids(p, record);
    intern_stack(p);
    created_by_frame(p);
    append_goroutine(p, record);
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

/* Lexes a line, inside a goroutine first as what it is expected to be
 * (see sb_pctx.want_file): the file line of the "created by" line or of
 * the frame just read, by its path's memo, or a frame of one of the
 * functions of frame_guesses. At most one guess can match a line, so
 * which are tried changes only the cost. *known is the string id of the
 * guess the line confirmed, 0 when none was (see sb_lex_expect). */
static void lex_expected(sb_parser *p, sb_span line, sb_token *t, uint32_t *known)
{
    sb_memo ids[SB_GUESSES] = {0};
    size_t n = 0;
    bool file = true;
    if (p->c.state == P_GOROUTINE && !p->c.in_ancestor) {
        if (p->c.want_created_file) {
            ids[n++] = p->created_file;
        } else if (p->c.want_file) {
            if (p->c.nfr)
                ids[n++] = *file_guess(p);
        } else if (p->c.nfr < SB_MAX_FRAMES) {
            file = false;
            frame_guesses(p, ids);
            n = SB_GUESSES;
        }
    }
    sb_span guess[SB_GUESSES];
    size_t ng = 0;
    for (size_t i = 0; i < n; i++)
        if (guess_new(ids, i)) {
            guess[ng].p = sb_str(p->m, ids[i], &guess[ng].n);
            ids[ng++] = ids[i];
        }
    int hit = sb_lex_expect(line, file, guess, ng, t);
    *known = hit >= 0 ? ids[hit] : 0;
}

void sb_p_goroutine_line(sb_parser *p, const sb_token *t, uint32_t known)
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

/* A line inside a race report: its lines, up to the rule that ends it,
 * are the report's. Returns false when the line starts a dump, which
 * cuts the report short. */
static bool race_line(sb_parser *p, const sb_token *t)
{
    sb_model *m = p->m;
    if (starts_dump(t->kind)) {
        sb_races_cut(&m->races);
        p->c.state = P_OUTSIDE; /* a race report cut short: the next dump begins */
        return false;
    }
    m->stats.known_lines++;
    if (t->kind == SB_TOK_RACE_RULE) {
        sb_races_end(&m->races);
        p->c.state = P_OUTSIDE;
    } else {
        sb_races_line(&m->races, t->text);
    }
    return true;
}

/* A line inside a debug=1 profile. Returns false when it is none of the
 * profile's and may start something else: the profile ends there. */
static bool profile_line(sb_parser *p, const sb_token *t, uint64_t line_no)
{
    if (on_profile_line(p, t, line_no))
        return true;
    finish_goroutine(p);
    if (!starts_dump(t->kind) && t->kind != SB_TOK_RACE_RULE) {
        p->m->stats.skipped_lines++;
        return true;
    }
    p->c.state = P_OUTSIDE;
    return false;
}

void sb_p_blank(sb_parser *p)
{
    finish_goroutine(p);
    if (p->c.state == P_RUNTIME_STACK)
        p->c.state = P_OUTSIDE;
}

/* A line that sits between goroutines: it ends the open one, and a
 * preamble announces the next dump. */
static void between_goroutines(sb_parser *p, const sb_token *t, uint64_t line_no)
{
    sb_model *m = p->m;
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

void sb_p_feed(sb_parser *p, const sb_token *t, uint32_t known, uint64_t line_no)
{
    sb_model *m = p->m;
    if (p->c.state == P_RACE && race_line(p, t))
        return;
    if (p->c.state == P_PROFILE && profile_line(p, t, line_no))
        return;
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
        sb_p_blank(p);
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
            sb_p_goroutine_line(p, t, known);
        else if (p->c.state == P_RUNTIME_STACK && t->kind != SB_TOK_OTHER)
            m->stats.known_lines++;
        else
            m->stats.skipped_lines++;
        return;
    default: /* everything else sits between goroutines */
        between_goroutines(p, t, line_no);
        return;
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
    sb_p_feed(p, &t, known, line_no);
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
        sb_prefix_fields(p->px, &p->line_time, &p->line_host);
        p->line_fields = line_no;
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
        size_t used = sb_p_buffer_lines(p, sb_input_buffered(in), in->line_no, &n);
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
