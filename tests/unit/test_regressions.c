/* test_regressions.c: reproducers of bugs found in src/, each now fixed
 * and kept as a regression test (cmocka group "regressions", in ctest).
 * Each test names the bug, its input and what went wrong.
 *
 * The inputs are hand-written minimal cases, with lines shaped like real
 * Go output (named in each test). */
#include "sb_test.h"

#include <unistd.h>

#include "stackblame/input.h"
#include "stackblame/lexer.h"
#include "stackblame/model.h"
#include "stackblame/parser.h"
#include "stackblame/prefix.h"

static void parse(sb_model *m, const char *text)
{
    char err[256] = "";
    sb_prefix *px = sb_prefix_new(NULL, err, sizeof(err));
    assert_non_null(px);
    sb_parser *p = sb_parser_new(m, px);
    sb_input in;
    sb_input_open_mem(&in, "test.txt", text, strlen(text));
    bool ok = sb_parse_input(p, &in, NULL, err, sizeof(err));
    sb_input_close(&in);
    sb_parser_free(p);
    sb_prefix_free(px);
    assert_true(ok);
}

/* BUG (parser.c, sb_parser_end): a goroutine whose only body line is
 * "goroutine running on other thread; stack unavailable" is flagged
 * SB_G_TRUNCATED when it is the last goroutine of the input, but not when a
 * blank line follows it. finish_goroutine() exempts SB_G_OTHER_THREAD from
 * the "no frames" rule; sb_parser_end() does not.
 * Input (ends right after the other-thread line, with its newline):
 *   goroutine 7 [running]:
 *   \tgoroutine running on other thread; stack unavailable
 * Expected: flags without SB_G_TRUNCATED, stats.truncated == 0.
 * Actual:   SB_G_TRUNCATED set, stats.truncated == 1. */
static void test_bug_other_thread_last_goroutine_truncated(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n"
             "\n"
             "goroutine 7 [running]:\n"
             "\tgoroutine running on other thread; stack unavailable\n");
    assert_int_equal(m->ngoroutines, 2);
    assert_true(m->goroutines[1].flags & SB_G_OTHER_THREAD);
    assert_int_equal(m->goroutines[1].flags & SB_G_TRUNCATED, 0);
    assert_true(m->stats.truncated == 0);
}

/* BUG (parser.c, feed): once a debug=1 profile was read, the parser stays in
 * P_PROFILE until the next header or profile line, and every other line is
 * counted as skipped. So a `panic:` / `SIGQUIT:` / `fatal error:` preamble
 * after a profile is never announced: the dump that follows has origin
 * PLAIN and no headline, and the preamble lines land in skipped_lines.
 * Input:
 *   goroutine profile: total 1
 *   1 @ 0x43b5a5
 *   #\t0x4a5b6c\tmain.f+0x1c\t/x/main.go:12
 *   <blank>
 *   panic: boom
 *   <blank>
 *   goroutine 1 [running]:
 *   main.main()
 *   \t/x/main.go:5 +0x1d
 * Expected: dumps[1].origin == SB_ORIGIN_PANIC, headline "panic: boom",
 *           skipped_lines == 0.
 * Actual:   dumps[1].origin == SB_ORIGIN_PLAIN, headline 0, skipped_lines 1. */
static void test_bug_preamble_after_debug1_profile_lost(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine profile: total 1\n"
             "1 @ 0x43b5a5\n"
             "#\t0x4a5b6c\tmain.f+0x1c\t/x/main.go:12\n"
             "\n"
             "panic: boom\n"
             "\n"
             "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n");
    assert_int_equal(m->ndumps, 2);
    assert_true(m->stats.skipped_lines == 0);
    assert_int_equal(m->dumps[1].origin, SB_ORIGIN_PANIC);
    assert_string_equal(sb_str(m, m->dumps[1].headline, NULL), "panic: boom");
}

/* Same root cause: a race report after a profile is not seen either. */
static void test_bug_race_report_after_debug1_profile_lost(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine profile: total 1\n"
             "1 @ 0x43b5a5\n"
             "#\t0x4a5b6c\tmain.f+0x1c\t/x/main.go:12\n"
             "\n"
             "==================\n"
             "WARNING: DATA RACE\n"
             "==================\n");
    assert_true(m->stats.race_reports == 1);
    assert_true(m->stats.skipped_lines == 0);
}

/* BUG (parser.c, sb_parser_line / prefix detection): in a prefixed log the
 * prefix is only detected in front of the first goroutine header, so the
 * preamble lines before it (the panic message, SIGQUIT: quit, fatal error)
 * are never stripped, lex as OTHER, and are counted as skipped. The first
 * dump of every journald/kubectl/CRI log loses its origin and headline,
 * which for a panic is the most important line of the report.
 * Input:
 *   Dec 21 14:33:55 node1 kubelet[1]: panic: boom
 *   Dec 21 14:33:55 node1 kubelet[1]:
 *   Dec 21 14:33:55 node1 kubelet[1]: goroutine 1 [running]:
 *   Dec 21 14:33:55 node1 kubelet[1]: main.main()
 *   Dec 21 14:33:55 node1 kubelet[1]: \t/x/main.go:5 +0x1d
 * Expected: dumps[0].origin == SB_ORIGIN_PANIC, headline "panic: boom",
 *           skipped_lines == 0.
 * Actual:   origin SB_ORIGIN_PLAIN, headline 0, skipped_lines == 2.
 * (A fix: also try sb_prefix_detect on lines whose stripped rest lexes as a
 * preamble token - signal, panic, fatal, profile.) */
static void test_bug_preamble_before_first_prefixed_header_lost(void **state)
{
    sb_model *m = *state;
    parse(m, "Dec 21 14:33:55 node1 kubelet[1]: panic: boom\n"
             "Dec 21 14:33:55 node1 kubelet[1]: \n"
             "Dec 21 14:33:55 node1 kubelet[1]: goroutine 1 [running]:\n"
             "Dec 21 14:33:55 node1 kubelet[1]: main.main()\n"
             "Dec 21 14:33:55 node1 kubelet[1]: \t/x/main.go:5 +0x1d\n");
    assert_int_equal(m->ndumps, 1);
    assert_int_equal(m->dumps[0].origin, SB_ORIGIN_PANIC);
    assert_string_equal(sb_str(m, m->dumps[0].headline, NULL), "panic: boom");
    assert_true(m->stats.skipped_lines == 0);
}

/* BUG (input.c, sb_input_next): a line longer than SB_INPUT_MAX_LINE is
 * only cut when no newline is in the buffer yet. The memory reader holds the
 * whole input, so its lines are never cut; the file reader holds up to
 * 2 MiB, so a line of 1-2 MiB whose newline arrives with the next read
 * comes through whole. input.h and main.c's warning promise "longer lines
 * are cut to this".
 * Input (memory): "first\n" + 3 MiB of 'x' + "\nnext\n".
 * Expected: second line has n == SB_INPUT_MAX_LINE, long_lines == 1.
 * Actual:   n == 3 MiB, long_lines == 0. */
static void test_bug_mem_long_line_not_cut(void **state)
{
    (void)state;
    size_t n = 3u << 20, len = 6 + n + 6;
    char *d = malloc(len);
    assert_non_null(d);
    memcpy(d, "first\n", 6);
    memset(d + 6, 'x', n);
    memcpy(d + 6 + n, "\nnext\n", 6);
    sb_input in;
    sb_span l;
    sb_input_open_mem(&in, "mem", d, len);
    free(d);
    assert_true(sb_input_next(&in, &l));
    assert_true(sb_input_next(&in, &l));
    size_t got = l.n;
    uint64_t long_lines = in.long_lines;
    sb_input_close(&in);
    assert_int_equal(got, SB_INPUT_MAX_LINE);
    assert_true(long_lines == 1);
}

/* Same bug through a real file: "first\n" + 1.5 MiB of 'x' + "\nnext\n".
 * Expected: cut to SB_INPUT_MAX_LINE, long_lines == 1.
 * Actual:   the whole 1.5 MiB line, long_lines == 0. */
static void test_bug_file_line_between_1_and_2_mib_not_cut(void **state)
{
    (void)state;
    size_t n = (3u << 20) / 2, len = 6 + n + 6;
    char *d = malloc(len);
    assert_non_null(d);
    memcpy(d, "first\n", 6);
    memset(d + 6, 'x', n);
    memcpy(d + 6 + n, "\nnext\n", 6);
    char *path = temp_file(d, len);
    free(d);
    sb_input in;
    sb_span l;
    char err[128];
    assert_true(sb_input_open(&in, path, err, sizeof(err)));
    assert_true(sb_input_next(&in, &l));
    assert_true(sb_input_next(&in, &l));
    size_t got = l.n;
    uint64_t long_lines = in.long_lines;
    sb_input_close(&in);
    unlink(path);
    free(path);
    assert_int_equal(got, SB_INPUT_MAX_LINE);
    assert_true(long_lines == 1);
}

/* BUG (input.c, sb_input_next, off by one): a line of exactly
 * SB_INPUT_MAX_LINE bytes that fills the first read is counted in
 * long_lines although nothing is cut (the "discarded" tail is just its
 * newline). Input (file): SB_INPUT_MAX_LINE bytes of 'q' + "\nok\n".
 * Expected: long_lines == 0 (the line is not longer than the limit).
 * Actual:   long_lines == 1. */
static void test_bug_line_of_exactly_max_counted_long(void **state)
{
    (void)state;
    size_t n = SB_INPUT_MAX_LINE, len = n + 4;
    char *d = malloc(len);
    assert_non_null(d);
    memset(d, 'q', n);
    memcpy(d + n, "\nok\n", 4);
    char *path = temp_file(d, len);
    free(d);
    sb_input in;
    sb_span l;
    char err[128];
    assert_true(sb_input_open(&in, path, err, sizeof(err)));
    assert_true(sb_input_next(&in, &l));
    size_t got = l.n;
    assert_true(sb_input_next(&in, &l));
    bool ok_line = l.n == 2 && memcmp(l.p, "ok", 2) == 0;
    uint64_t long_lines = in.long_lines;
    sb_input_close(&in);
    unlink(path);
    free(path);
    assert_int_equal(got, n);
    assert_true(ok_line);
    assert_true(long_lines == 0);
}

/* BUG (lexer.c, lex_file): any unindented line that ends in `:DIGITS` is a
 * FILE token, so ordinary log prose ending in a host:port lexes as a file
 * line (and inside a goroutine it is taken as the last frame's file). The
 * Go runtime always indents file lines (tab, or spaces after a log
 * pipeline); prose is not indented.
 * Input: "I1221 14:33:55.965939   28009 server.go:411] Listening on 0.0.0.0:10250"
 * Expected: SB_TOK_OTHER.  Actual: SB_TOK_FILE (file = everything up to the
 * last colon, line 10250). */
static void test_bug_prose_ending_in_port_is_file(void **state)
{
    (void)state;
    sb_token t;
    sb_lex(S("I1221 14:33:55.965939   28009 server.go:411] Listening on 0.0.0.0:10250"), &t);
    assert_int_equal(t.kind, SB_TOK_OTHER);
    sb_lex(S("starting server on :8080"), &t);
    assert_int_equal(t.kind, SB_TOK_OTHER);
}

/* The parser consequence of the lexer bug above: log prose between a frame
 * and its file line becomes the frame's file.
 * Input:
 *   goroutine 1 [running]:
 *   main.main()
 *   I1221 14:33:55.965939   28009 server.go:411] Listening on 0.0.0.0:10250
 *   \t/x/main.go:5 +0x1d
 * Expected: frame 0 file "/x/main.go" line 5.  Actual: file is the prose. */
static void test_bug_prose_taken_as_file_line(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 1 [running]:\n"
             "main.main()\n"
             "I1221 14:33:55.965939   28009 server.go:411] Listening on 0.0.0.0:10250\n"
             "\t/x/main.go:5 +0x1d\n");
    assert_int_equal(m->ngoroutines, 1);
    const sb_stack *st = sb_stack_get(m, m->goroutines[0].stack);
    assert_int_equal(st->nframes, 1);
    const sb_frame *f = sb_frame_get(m, st->frames[0]);
    assert_string_equal(sb_str(m, f->file, NULL), "/x/main.go");
    assert_int_equal(f->line, 5);
}

/* BUG (parser.c, push_frame/on_goroutine_line, low severity: the runtime
 * prints at most 100 frames): frames beyond SB_MAX_FRAMES are counted, but
 * their file lines are then counted as skipped_lines.
 * Input: one goroutine with SB_MAX_FRAMES + 4 frame/file pairs.
 * Expected: SB_G_FRAMES_CUT, stats.frames == 4100, skipped_lines == 0.
 * Actual:   skipped_lines == 4. */
static void test_bug_cut_frames_file_lines_skipped(void **state)
{
    sb_model *m = *state;
    size_t nfr = SB_MAX_FRAMES + 4;
    const char *pair = "main.f()\n\t/x/main.go:5 +0x1d\n";
    size_t pl = strlen(pair);
    char *d = malloc(32 + nfr * pl + 1);
    assert_non_null(d);
    size_t off = (size_t)sprintf(d, "goroutine 1 [running]:\n");
    for (size_t i = 0; i < nfr; i++, off += pl)
        memcpy(d + off, pair, pl);
    d[off] = '\0';
    parse(m, d);
    free(d);
    assert_int_equal(m->ngoroutines, 1);
    assert_true(m->goroutines[0].flags & SB_G_FRAMES_CUT);
    assert_true(m->stats.frames == nfr);
    assert_true(m->stats.skipped_lines == 0);
}

/* BUG (parser.c, sb_idset_add, low severity): ids are stored as id + 1 and
 * UINT64_MAX (where an overflowing id saturates) is mapped onto the key of
 * UINT64_MAX - 1, so those two ids count as a repeat and split the dump.
 * Input: goroutines 18446744073709551614 and 18446744073709551615.
 * Expected: one dump.  Actual: two. */
static void test_bug_idset_max_ids_collide(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 18446744073709551614 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n"
             "\n"
             "goroutine 18446744073709551615 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n");
    assert_int_equal(m->ngoroutines, 2);
    assert_int_equal(m->ndumps, 1);
}

/* BUG (parser.c, on_header, low severity): ids past 64 bits saturate at
 * UINT64_MAX, so two of them looked like a repeated id and split the dump.
 * Input: three goroutines, two with ids past 2^64.
 * Expected: one dump of three, both big ones flagged.  Actual: two dumps. */
static void test_bug_overflowing_ids_split_dump(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 18446744073709551616 [running]:\n"
             "main.a()\n"
             "\t/x/main.go:5 +0x1d\n"
             "\n"
             "goroutine 99999999999999999999999 [select]:\n"
             "main.b()\n"
             "\t/x/main.go:6 +0x1d\n"
             "\n"
             "goroutine 18446744073709551615 [sleep]:\n"
             "main.c()\n"
             "\t/x/main.go:7 +0x1d\n");
    assert_int_equal(m->ngoroutines, 3);
    assert_int_equal(m->ndumps, 1);
    assert_true(m->goroutines[0].flags & SB_G_ID_OVERFLOW);
    assert_true(m->goroutines[1].flags & SB_G_ID_OVERFLOW);
    assert_false(m->goroutines[2].flags & SB_G_ID_OVERFLOW);
}

/* Bugs found by these tests, now fixed: they run in ctest as regression
 * tests. */
int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_model, teardown_model)
    const struct CMUnitTest fixed[] = {
        T(test_bug_other_thread_last_goroutine_truncated),
        T(test_bug_preamble_after_debug1_profile_lost),
        T(test_bug_race_report_after_debug1_profile_lost),
        T(test_bug_preamble_before_first_prefixed_header_lost),
        T(test_bug_mem_long_line_not_cut),
        T(test_bug_file_line_between_1_and_2_mib_not_cut),
        T(test_bug_line_of_exactly_max_counted_long),
        T(test_bug_prose_ending_in_port_is_file),
        T(test_bug_prose_taken_as_file_line),
        T(test_bug_cut_frames_file_lines_skipped),
        T(test_bug_idset_max_ids_collide),
        T(test_bug_overflowing_ids_split_dump),
    };
#undef T
    return cmocka_run_group_tests_name("regressions", fixed, NULL, NULL);
}
