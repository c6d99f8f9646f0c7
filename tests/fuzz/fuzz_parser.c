/* fuzz_parser.c: libFuzzer target for input -> prefix -> lexer -> parser.
 * The bytes are one input file; the model is built and freed. Invariants on
 * the model that every later stage relies on are checked (indexes in range),
 * so a parser bug shows up here and not three stages later. Every line is
 * also lexed by sb_lex_expect with guesses cut from the line itself: its
 * token must always be the one sb_lex makes, and a guess it confirms must
 * be the token's function or path. */
#include "fuzz_common.h"
#include "stackblame/lexer.h"

static void check_guess(sb_span line, sb_span guess, bool frame)
{
    sb_token fast, slow;
    memset(&fast, 0, sizeof(fast));
    memset(&slow, 0, sizeof(slow));
    int hit = sb_lex_expect(line, !frame, &guess, 1, &fast);
    sb_lex(line, &slow);
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
static void check_guesses(sb_span line)
{
    sb_span s = sb_span_trim(line);
    size_t frames = 0, files = 0;
    bool blank = false;
    for (size_t i = 0; i < s.n && (frames < 8 || files < 8); i++) {
        sb_span g = sb_span_make(s.p, i);
        if (s.p[i] == '(' && i > 0 && !blank && frames++ < 8)
            check_guess(line, g, true);
        else if (s.p[i] == ':' && files++ < 8)
            check_guess(line, g, false);
        blank |= s.p[i] == ' ' || s.p[i] == '\t';
    }
}

static void check_lexer_guesses(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        check_guesses(sb_span_make(p, n));
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
            (void)sb_goroutine_arg(m, g, k);
        }
        total += g->count;
    }
    if (total != m->stats.goroutines) {
        fprintf(stderr, "stats.goroutines %llu != sum of counts %llu\n",
                (unsigned long long)m->stats.goroutines, (unsigned long long)total);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    sb_prefix *px = sb_prefix_new(NULL, err, sizeof(err));
    if (!px)
        abort(); /* the built-in prefix table must compile */
    sb_model m;
    sb_model_init(&m);
    sb_parser *p = sb_parser_new(&m, px);
    fz_parse_one(p, "fuzz.txt", data, size);
    check_model(&m);
    check_lexer_guesses(data, size);
    sb_parser_free(p);
    sb_prefix_free(px);
    sb_model_free(&m);
    return 0;
}
