/* fuzz_parser.c: libFuzzer target for input -> prefix -> lexer -> parser.
 * The bytes are one input file; the model is built and freed. Invariants on
 * the model that every later stage relies on are checked (indexes in range),
 * so a parser bug shows up here and not three stages later. Every line is
 * also lexed by sb_lex_expect with guesses cut from the line itself: its
 * token must always be the one sb_lex makes, and a guess it confirms must
 * be the token's function or path; where sb_lex_frame_at or sb_lex_file_at
 * takes the line from the input's bytes, their token must be that one too,
 * and so must sb_lex_file_tmpl_at's with the template of that line or of
 * the last file line taken, where it takes the line. The same holds for
 * sb_lex_header_tmpl_at against sb_lex_line_at, with the template of the
 * last header taken.
 * The input is parsed a second time without reading lines straight from
 * the buffer, and a third time through the reader in small reads (lines
 * across reads, refills, gzip); the models must be the same. */
#include "fuzz_common.h"
#include "stackblame/classify.h"
#include "stackblame/lexer.h"

/* The template of the last file line sb_lex_file_at took, tried on every
 * later file guess too. */
static sb_file_tmpl last_tmpl;

/* sb_lex_file_tmpl_at with tm on the line at p must take it only as
 * sb_lex_file_at with the template's path does, with the same token. */
static void check_tmpl(const char *p, const char *end, const sb_file_tmpl *tm)
{
    sb_token h, ref;
    memset(&h, 0, sizeof(h));
    memset(&ref, 0, sizeof(ref));
    size_t len = sb_lex_file_tmpl_at(p, end, tm, &h);
    if (!len)
        return;
    size_t want = sb_lex_file_at(p, end, sb_span_make(tm->text + 1, tm->file_len), &ref);
    if (len != want || memcmp(&h, &ref, sizeof(h)) != 0) {
        fprintf(stderr, "template \"%.*s\" took %zu bytes at \"%.*s\", the path %zu\n",
                (int)tm->len, tm->text, len, (int)(len ? len : 1), p, want);
        abort();
    }
}

static void check_guess(sb_span line, const char *end, sb_span guess, bool frame)
{
    sb_token fast, slow, raw;
    memset(&fast, 0, sizeof(fast));
    memset(&slow, 0, sizeof(slow));
    memset(&raw, 0, sizeof(raw));
    int hit = sb_lex_expect(line, !frame, &guess, 1, &fast);
    sb_lex(line, &slow);
    size_t len = frame ? sb_lex_frame_at(line.p, end, guess, &raw)
                       : sb_lex_file_at(line.p, end, guess, &raw);
    if (len && (len != line.n || hit != 0 || memcmp(&raw, &fast, sizeof(raw)) != 0)) {
        fprintf(stderr, "%s guess \"%.*s\" taken from the buffer (%zu bytes) on line \"%.*s\"\n",
                frame ? "frame" : "file", (int)guess.n, guess.p, len, (int)line.n, line.p);
        abort();
    }
    if (frame && sb_lex_frame_name_plain(guess)) {
        sb_token plain;
        memset(&plain, 0, sizeof(plain));
        size_t plen = sb_lex_frame_plain_at(line.p, end, guess, &plain);
        if (plen != len || (len && memcmp(&plain, &raw, sizeof(raw)) != 0)) {
            fprintf(stderr, "plain frame guess \"%.*s\" took %zu bytes, sb_lex_frame_at %zu\n",
                    (int)guess.n, guess.p, plen, len);
            abort();
        }
    }
    if (!frame && last_tmpl.len)
        check_tmpl(line.p, end, &last_tmpl);
    if (!frame && len && sb_file_tmpl_make(&last_tmpl, line.p, len, &raw)) {
        /* The template the parser would make of this line takes it again. */
        sb_token h;
        memset(&h, 0, sizeof(h));
        size_t again = sb_lex_file_tmpl_at(line.p, end, &last_tmpl, &h);
        if (again != len || memcmp(&h, &raw, sizeof(h)) != 0) {
            fprintf(stderr, "the template of line \"%.*s\" does not take it\n", (int)line.n,
                    line.p);
            abort();
        }
    }
    sb_span named = frame ? fast.u.frame.func : fast.u.file.file;
    bool named_ok = hit < 0 || (fast.kind == (frame ? SB_TOK_FRAME : SB_TOK_FILE) &&
                                named.n == guess.n && memcmp(named.p, guess.p, guess.n) == 0);
    /* Both start zeroed and set the same fields the same way: equal bytes. */
    if (memcmp(&fast, &slow, sizeof(fast)) != 0 || !named_ok) {
        fprintf(stderr, "%s guess \"%.*s\" (%s) on line \"%.*s\": %s, sb_lex says %s\n",
                frame ? "frame" : "file", (int)guess.n, guess.p, hit < 0 ? "no" : "yes",
                (int)line.n, line.p, sb_tok_name(fast.kind), sb_tok_name(slow.kind));
        abort();
    }
}

/* Guesses cut from the line: the trimmed text up to each '(' (frames;
 * only blank-free names, as sb_lex_expect requires) and up to each ':'.
 * The first few of each, so a long line costs linear time. */
static void check_guesses(sb_span line, const char *end)
{
    sb_span s = sb_span_trim(line);
    size_t frames = 0, files = 0;
    bool blank = false;
    for (size_t i = 0; i < s.n && (frames < 8 || files < 8); i++) {
        sb_span g = sb_span_make(s.p, i);
        if (s.p[i] == '(' && i > 0 && !blank && frames++ < 8)
            check_guess(line, end, g, true);
        else if (s.p[i] == ':' && files++ < 8)
            check_guess(line, end, g, false);
        blank |= s.p[i] == ' ' || s.p[i] == '\t';
    }
}

/* The template of the last header sb_lex_line_at took. */
static sb_header_tmpl last_header;

/* sb_lex_header_tmpl_at with the last header's template on the line at p
 * must take it only as sb_lex_line_at does, with the same token; the
 * template of a header it takes must take that header again. */
static void check_header(const char *p, const char *end)
{
    sb_token h, ref;
    memset(&h, 0, sizeof(h));
    memset(&ref, 0, sizeof(ref));
    size_t want = sb_lex_line_at(p, end, "goroutine ", &ref);
    size_t len = sb_lex_header_tmpl_at(p, end, &last_header, &h);
    if (len && (len != want || memcmp(&h, &ref, sizeof(h)) != 0)) {
        fprintf(stderr, "header template took %zu bytes at \"%.*s\", sb_lex_line_at %zu\n", len,
                (int)len, p, want);
        abort();
    }
    if (want && sb_header_tmpl_make(&last_header, p, want, &ref)) {
        memset(&h, 0, sizeof(h));
        if (sb_lex_header_tmpl_at(p, end, &last_header, &h) != want ||
            memcmp(&h, &ref, sizeof(h)) != 0) {
            fprintf(stderr, "the template of header \"%.*s\" does not take it\n", (int)want, p);
            abort();
        }
    }
}

static void check_lexer_guesses(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    memset(&last_tmpl, 0, sizeof(last_tmpl));
    memset(&last_header, 0, sizeof(last_header));
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        check_guesses(sb_span_make(p, n), end);
        check_header(p, end);
        p += n + 1;
    }
}

static void check_model(const sb_model *m)
{
    uint64_t total = 0;
    for (size_t d = 0; d < m->ndumps; d++) {
        const sb_dump *dp = &m->dumps[d];
        if ((size_t)dp->first + dp->ngoroutines > m->ngoroutines) {
            fprintf(stderr, "dump %zu: goroutines [%u,+%u) beyond %zu\n", d, dp->first,
                    dp->ngoroutines, m->ngoroutines);
            abort();
        }
    }
    size_t nstacks = sb_intern_count(&m->stacks);
    size_t nframes = sb_intern_count(&m->frames);
    size_t nstrings = sb_intern_count(&m->strings);
    for (size_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        if (g->dump >= m->ndumps || g->stack >= nstacks || g->state >= nstrings ||
            g->labels >= nstrings || (g->created_by != SB_NONE && g->created_by >= nframes)) {
            fprintf(stderr,
                    "goroutine %zu: dump %u/%zu stack %u/%zu state %u labels %u "
                    "created_by %u/%zu out of range\n",
                    i, g->dump, m->ndumps, g->stack, nstacks, g->state, g->labels, g->created_by,
                    nframes);
            abort();
        }
        const sb_stack *st = sb_stack_get(m, g->stack);
        /* Its own refs: one per method frame, in model.own. */
        if (g->args > m->nown || m->nown - g->args < st->nmethods) {
            fprintf(stderr, "goroutine %zu: own refs [%u,+%u) beyond %zu\n", i, g->args,
                    st->nmethods, m->nown);
            abort();
        }
        for (uint32_t k = 0; k < st->nmethods; k++) {
            if (st->methods[k] >= st->nframes || (k && st->methods[k] <= st->methods[k - 1])) {
                fprintf(stderr, "stack %u: method frame %u at %u out of order\n", g->stack, k,
                        st->methods[k]);
                abort();
            }
        }
        for (uint32_t k = 0; k < st->nframes; k++) {
            if (st->frames[k] >= nframes) {
                fprintf(stderr, "stack %u frame %u: id %u >= %zu\n", g->stack, k, st->frames[k],
                        nframes);
                abort();
            }
            const sb_frame *f = sb_frame_get(m, st->frames[k]);
            if (f->func >= nstrings || f->file >= nstrings) {
                fprintf(stderr, "frame %u: string ids out of range\n", st->frames[k]);
                abort();
            }
            char buf[SB_ARG_TEXT_MAX];
            size_t an;
            uint64_t v;
            (void)sb_arg_text(m, sb_goroutine_arg(m, g, k), buf, &an);
            (void)sb_arg_word(m, sb_goroutine_arg(m, g, k), &v);
        }
        total += g->count;
    }
    if (total != m->stats.goroutines) {
        fprintf(stderr, "stats.goroutines %llu != sum of counts %llu\n",
                (unsigned long long)m->stats.goroutines, (unsigned long long)total);
        abort();
    }
}

static void same_blobs(const sb_intern *a, const sb_intern *b, const char *table, const char *how)
{
    bool same = sb_intern_count(a) == sb_intern_count(b);
    for (uint32_t id = 0; same && id < sb_intern_count(a); id++)
        same = sb_intern_len(a, id) == sb_intern_len(b, id) &&
               memcmp(sb_intern_data(a, id), sb_intern_data(b, id), sb_intern_len(a, id)) == 0;
    if (!same) {
        fprintf(stderr, "%s changed the %s table\n", how, table);
        abort();
    }
}

/* Two parses of one input that must agree (lines read from the buffer or
 * not, in one piece or in small reads): the same calls in the same order,
 * so the same ids everywhere. */
static void check_same_model(const sb_model *a, const sb_model *b, const char *how)
{
    same_blobs(&a->strings, &b->strings, "strings", how);
    same_blobs(&a->frames, &b->frames, "frames", how);
    same_blobs(&a->stacks, &b->stacks, "stacks", how);
    same_blobs(&a->argvecs, &b->argvecs, "argument", how);
    bool same = a->nown == b->nown &&
                (a->nown == 0 || memcmp(a->own, b->own, a->nown * sizeof(*a->own)) == 0) &&
                a->nargnums == b->nargnums &&
                (a->nargnums == 0 ||
                 memcmp(a->argnums, b->argnums, a->nargnums * sizeof(*a->argnums)) == 0) &&
                a->ndumps == b->ndumps && a->ngoroutines == b->ngoroutines &&
                memcmp(&a->stats, &b->stats, sizeof(a->stats)) == 0;
    for (size_t i = 0; same && i < a->ngoroutines; i++) {
        const sb_goroutine *x = &a->goroutines[i], *y = &b->goroutines[i];
        same = x->id == y->id && x->parent == y->parent && x->dump == y->dump &&
               x->state == y->state && x->wait_minutes == y->wait_minutes && x->stack == y->stack &&
               x->args == y->args && x->created_by == y->created_by && x->count == y->count &&
               x->labels == y->labels && x->flags == y->flags && x->elided == y->elided &&
               x->line_no == y->line_no;
    }
    for (size_t i = 0; same && i < a->ndumps; i++) {
        const sb_dump *x = &a->dumps[i], *y = &b->dumps[i];
        same = x->label == y->label && x->source == y->source && x->format == y->format &&
               x->origin == y->origin && x->headline == y->headline && x->first == y->first &&
               x->ngoroutines == y->ngoroutines && x->goroutines == y->goroutines &&
               x->declared_total == y->declared_total && x->line_no == y->line_no;
    }
    for (uint32_t id = 0; same && id < sb_intern_count(&a->stacks); id++) {
        const sb_stack *x = sb_stack_get(a, id), *y = sb_stack_get(b, id);
        same =
            x->rep_args == y->rep_args && x->rep_own == y->rep_own && x->nframes == y->nframes &&
            x->nmethods == y->nmethods &&
            (!x->nmethods || memcmp(x->methods, y->methods, x->nmethods * sizeof(uint32_t)) == 0);
    }
    if (!same) {
        fprintf(stderr, "%s changed the model\n", how);
        abort();
    }
}

/* Parses data into a fresh model: from memory in one piece (read_max 0) or
 * in reads of read_max bytes, with lines read from the buffer or not; checks
 * the model and, when want is given, that it is want. */
static void parse_checked(const uint8_t *data, size_t size, size_t read_max, bool from_buffer,
                          sb_model *m, const sb_model *want)
{
    char err[256];
    sb_prefix *px = sb_prefix_new(NULL, err, sizeof(err));
    if (!px)
        abort(); /* the built-in prefix table must compile */
    sb_model_init(m);
    sb_parser *p = sb_parser_new(m, px);
    sb_parser_read_buffer(p, from_buffer);
    if (read_max) {
        sb_input in;
        sb_input_open_reads(&in, "fuzz.txt", (const char *)data, size, read_max);
        (void)sb_parse_input(p, &in, NULL, err, sizeof(err));
        sb_input_close(&in);
    } else {
        fz_parse_one(p, "fuzz.txt", data, size);
    }
    check_model(m);
    if (want)
        check_same_model(want, m, read_max ? "reading in small reads" : "reading line by line");
    sb_parser_free(p);
    sb_prefix_free(px);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sb_model m, m2, m3;
    parse_checked(data, size, 0, true, &m, NULL);
    check_lexer_guesses(data, size);
    parse_checked(data, size, 0, false, &m2, &m);
    /* Small reads: lines across reads and refills. A gzip input is only
     * inflated by the reader, so its model is not the in-memory one. */
    bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    size_t read_max = 1 + (size ? data[size - 1] : 0) % 61;
    parse_checked(data, size, read_max, true, &m3, gzip ? NULL : &m);
    sb_model_free(&m3);
    sb_model_free(&m2);
    sb_model_free(&m);
    return 0;
}
