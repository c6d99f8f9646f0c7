/* parser_fast.c: the parser's fast path. Most of a dump's lines are the
 * frame and file lines of stacks printed before, the same byte for byte
 * but for their stack addresses. Here the parser confirms the frame and
 * file lines it expects straight in the input's buffer (a frame by the
 * name of a call site seen below the frame above, its file line by that
 * site's template, in one compare each) instead of splitting, trimming
 * and lexing each line, and hands parser.c the tokens sb_parser_line
 * would have made of them. sb_parse_input (parser.c) calls it before
 * each line; it stops at the first line it is not sure of and leaves
 * that line to sb_parser_line.
 *
 * It is an optimisation only: without it (sb_parser_read_buffer(p,
 * false)) every line goes through sb_parser_line and the model is the
 * same, id for id. tests/fuzz/fuzz_parser.c parses every input both ways
 * and compares the models. */
#define _GNU_SOURCE /* memrchr */
#include <string.h>
#include "parser_int.h"
#include "stackblame/scan.h"

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

/* A frame line at s that no guess matched, when its function is one
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
 * site's template in one compare, else by its file's memo (file_guess,
 * and then the template is made of it). Returns the length as
 * sb_lex_file_at does. */
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
            *known = *file_guess(p) = h->file;
            f->frame = h->frame;
            p->c.site_above = h->frame ? h->frame : SB_SITE_UNKNOWN;
            f->tmpl = slot + 1;
            return len;
        }
    }
    *known = *file_guess(p);
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
 * read from the buffer (goroutines of one creator come in runs): its
 * token again, without the frame guesses (a function name holds no
 * blank, so none can match it) or lexing. Returns its length, 0 when it
 * is not. */
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

/* Site above learns that frame id is printed below it: id goes first
 * in its list of callers, which keeps the others in order. */
static void site_follows(sb_site *above, uint32_t id)
{
    /* Each one moves down a place, up to where id was (or off the end).
     * Not a search and a memmove: the call into libc costs more than the
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
void sb_p_learn_site(sb_parser *p, const uint32_t *ids, size_t i)
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
         * is read: most wrong guesses fail on this one byte.
         * sb_lex_frame_at checks the '(' again. */
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
            sb_p_grow_frames(p);
        sb_pframe *f = &p->c.fr[nfr];
        p->c.nfr = nfr + 1;
        f->func = st->func;
        f->frame = p->c.site_above = id;
        frame_args(p, f, memo_at(p, nfr), t.u.frame.args, t.u.frame.func.p, st->method);
        p->c.fids[nfr] = id;
        p->c.fargs[nfr] = f->args;
        if (k) /* a later guess: now the first (as learn_site moves a slow frame's) */
            site_follows(&p->sites[above], id);
        p->c.cut_file = p->c.want_file = false;
        return len + 1 + flen + 1;
    }
    return 0;
}

/* A line at s where a frame is expected and site_lines read none: the
 * last "created by" line again, a frame of a guessed function (the
 * guesses of frame_guesses, in their order) or of a function read before
 * (frame_by_name), or a new "created by" line. Returns its length, 0 when
 * it is none of those; *known as sb_lex_expect would confirm it. */
static size_t frame_line_at(sb_parser *p, const char *s, const char *end, sb_token *t,
                            uint32_t *known)
{
    /* A "created by" line seen last: no guess below can match it. */
    size_t len = created_line_at(p, s, end, t);
    if (len)
        return len;
    sb_memo ids[SB_GUESSES];
    frame_guesses(p, ids);
    for (size_t i = 0; i < SB_GUESSES; i++) {
        if (!guess_new(ids, i))
            continue;
        sb_span g;
        g.p = sb_intern_data(&p->m->strings, ids[i]);
        g.n = sb_intern_len(&p->m->strings, ids[i]);
        len = sb_lex_frame_at(s, end, g, t);
        if (len) {
            *known = ids[i];
            return len;
        }
    }
    len = frame_by_name(p, s, end, t, known);
    if (len)
        return len;
    /* No frame guess can match a "created by" line. */
    *known = 0;
    len = sb_lex_line_at(s, end, "created by ", t);
    if (len && t->kind != SB_TOK_CREATED_BY)
        return 0;
    if (len)
        created_line_seen(p, s, len, t);
    return len;
}

/* The lines at the start of b that are exactly what the memos guess (or,
 * for a frame, what frame_by_name finds), fed to the parser without
 * splitting, trimming or lexing each line from scratch. So are the other
 * lines of a plain goroutine: its "created by" line and that one's file
 * line, the blank line after it and the next header, lexed as
 * sb_parser_line would (with no log prefix in play it hands them to feed
 * unchanged). Stops at the first line that is anything else (a guess that
 * fails, a line with a blank or CR at its end, a preamble) and leaves it
 * to sb_parser_line, which reads it exactly as it would have otherwise.
 * line_no is the number of the line before b. Returns the bytes used;
 * *nlines counts the lines. Out of line: inlined into sb_parse_input,
 * the loop would share its registers with the caller's. */
SB_NOINLINE size_t sb_p_buffer_lines(sb_parser *p, sb_span b, uint64_t line_no, uint64_t *nlines)
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
            sb_p_feed(p, &t, 0, line_no + n);
            p->state_of = &p->state_memo;
            at += len + 1;
            continue;
        }
        if (at < b.n && *s == '\n') {
            sb_p_blank(p);
            n++;
            at++;
            continue;
        }
        /* What the line is expected to be, as lex_expected tries it. */
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
            len = frame_line_at(p, s, end, &t, &known);
        }
        if (len == 0 || len > SB_INPUT_MAX_LINE)
            break;
        /* What sb_p_goroutine_line does with these lines; frame and file
         * lines without its dispatch. */
        if (t.kind == SB_TOK_FRAME)
            on_frame(p, &t, known);
        else if (t.kind == SB_TOK_FILE && !p->c.want_created_file)
            on_frame_file(p, &t, known);
        else
            sb_p_goroutine_line(p, &t, known);
        at += len + 1;
        n++;
    }
    *nlines = n;
    p->m->stats.lines += n;
    return at;
}
