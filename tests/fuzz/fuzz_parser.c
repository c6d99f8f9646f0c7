/* fuzz_parser.c: libFuzzer target for input -> prefix -> lexer -> parser.
 * The bytes are one input file; the model is built and freed. Invariants on
 * the model that every later stage relies on are checked (indexes in range),
 * so a parser bug shows up here and not three stages later. */
#include "fuzz_common.h"

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
            fprintf(stderr, "goroutine %zu: dump %u/%zu stack %u/%zu state %u labels %u "
                    "created_by %u/%zu out of range\n", i, g->dump, m->ndumps, g->stack, nstacks,
                    g->state, g->labels, g->created_by, nframes);
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
    sb_parser_free(p);
    sb_prefix_free(px);
    sb_model_free(&m);
    return 0;
}
