/* test_series.c: which dumps of one label are snapshots of one process
 * (series.c). Hand-written minimal dumps (see sb_diag_test.h): a few
 * goroutines each, labelled by file name up to the first dot. */
#include "sb_diag_test.h"

#define G1                                                                                         \
    "goroutine 1 [chan receive]:\n"                                                                \
    "main.main()\n"                                                                                \
    "\t/app/main.go:20 +0x85\n"                                                                    \
    "\n"
#define WORKER(id, line)                                                                           \
    "goroutine " id " [select]:\n"                                                                 \
    "main.worker()\n"                                                                              \
    "\t/app/main.go:40 +0x1f\n"                                                                    \
    "created by main.main\n"                                                                       \
    "\t/app/main.go:" line " +0x6b\n"                                                              \
    "\n"

/* A whole dump: goroutines 1, 7, 8 and 9. */
#define WHOLE G1 WORKER("7", "18") WORKER("8", "18") WORKER("9", "18")

/* Two whole dumps sharing goroutines made at the same sites: a series,
 * every snapshot analysed, none set aside. */
static void test_snapshots(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "app.1.txt", WHOLE);
    fx_add(fx, "app.2.txt", "SIGQUIT: quit\n\n" WHOLE WORKER("10", "18"));
    fx_analyze(fx);
    assert_int_equal(fx->m.ndumps, 2);
    assert_int_equal(fx->a.series.nseries, 1);
    assert_int_equal(fx->m.dumps[0].series, 0);
    assert_int_equal(fx->m.dumps[1].snapshot, 1);
    assert_false(fx->m.dumps[0].superseded);
    assert_int_equal(fx->m.goroutines[fx_g(fx, 1, 7)].seen, 2);
}

/* A dump followed by two of its goroutines printed again (the repeated id
 * starts a new dump): a fragment of the first, not a later snapshot. */
static void test_repeated_tail(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "app.txt", WHOLE WORKER("8", "18") WORKER("9", "18"));
    fx_analyze(fx);
    assert_int_equal(fx->m.ndumps, 2);
    assert_int_equal(fx->m.dumps[1].fragment_of, 0);
    assert_int_equal(fx->m.dumps[0].series, SB_NONE);
    assert_int_equal(fx->a.series.nseries, 0);
}

/* A tail with a goroutine the first dump does not have is not a repeat:
 * with ids shared at the same sites, it is a later snapshot. */
static void test_tail_with_new_goroutine(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "app.txt", WHOLE WORKER("9", "18") WORKER("11", "18"));
    fx_analyze(fx);
    assert_int_equal(fx->m.dumps[1].fragment_of, SB_NONE);
    assert_int_equal(fx->m.dumps[1].series, 0);
}

/* Two dumps under one name whose shared ids were made elsewhere: two
 * processes (a restart), not snapshots of one. */
static void test_other_process(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "app.1.txt", WORKER("7", "18") WORKER("8", "18"));
    fx_add(fx, "app.2.txt", WORKER("7", "99") WORKER("8", "99") WORKER("12", "99"));
    fx_analyze(fx);
    assert_int_equal(fx->a.series.nseries, 0);
    assert_int_equal(fx->m.dumps[1].series, SB_NONE);
}

/* --latest: all but the last snapshot set aside. */
static void test_latest(void **state)
{
    sb_fx *fx = *state;
    fx->series = SB_SERIES_LATEST;
    fx_add(fx, "app.1.txt", WHOLE);
    fx_add(fx, "app.2.txt", WHOLE);
    fx_add(fx, "app.3.txt", WHOLE);
    fx_analyze(fx);
    assert_true(fx->m.dumps[0].superseded);
    assert_true(fx->m.dumps[1].superseded);
    assert_false(fx->m.dumps[2].superseded);
    assert_int_equal(fx->m.goroutines[fx_g(fx, 2, 1)].seen, 3);
}

/* --no-series: every dump alone, nothing learnt across them. */
static void test_no_series(void **state)
{
    sb_fx *fx = *state;
    fx->series = SB_SERIES_NONE;
    fx_add(fx, "app.1.txt", WHOLE);
    fx_add(fx, "app.2.txt", WHOLE);
    fx_analyze(fx);
    assert_int_equal(fx->a.series.nseries, 0);
    assert_int_equal(fx->m.dumps[1].series, SB_NONE);
    assert_false(fx->m.dumps[0].superseded);
    assert_int_equal(fx->m.goroutines[fx_g(fx, 1, 1)].seen, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_fx, teardown_fx)
    const struct CMUnitTest tests[] = {
        T(test_snapshots),     T(test_repeated_tail), T(test_tail_with_new_goroutine),
        T(test_other_process), T(test_latest),        T(test_no_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
