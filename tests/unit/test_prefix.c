/* test_prefix.c: log prefix detection, stripping and glued-line splitting.
 *
 * The inputs are hand-written minimal cases: single lines shaped like what
 * journald (`journalctl`), containerd/CRI-O log files, `kubectl logs
 * --timestamps`, klog and a plain `tag: ` put in front of a Go dump line. */
#include "sb_test.h"

#include "stackblame/prefix.h"

static sb_prefix *new_prefix(const char *re)
{
    char err[256] = "";
    sb_prefix *px = sb_prefix_new(re, err, sizeof(err));
    if (!px) {
        print_error("sb_prefix_new(%s): %s\n", re ? re : "NULL", err);
        fail();
    }
    return px;
}

/* Detects on `before` and checks the prefix kind and label. */
static void expect_detect(sb_prefix *px, const char *before, const char *kind, const char *label)
{
    sb_span lab = {0};
    if (!sb_prefix_detect(px, S(before), &lab)) {
        print_error("prefix \"%s\" not detected\n", before);
        fail();
    }
    assert_non_null(sb_prefix_active(px));
    assert_string_equal(sb_prefix_active(px), kind);
    assert_span_equal(lab, label);
}

static void expect_strip(sb_prefix *px, const char *line, const char *rest, const char *label)
{
    sb_span l = S(line), lab = {0};
    if (!sb_prefix_strip(px, &l, &lab)) {
        print_error("line \"%s\" not stripped\n", line);
        fail();
    }
    assert_span_equal(l, rest);
    assert_span_equal(lab, label);
}

static void expect_no_strip(sb_prefix *px, const char *line)
{
    sb_span l = S(line), lab = {0};
    assert_false(sb_prefix_strip(px, &l, &lab));
    assert_true(l.p == line);
    assert_int_equal(l.n, strlen(line));
    assert_int_equal(lab.n, 0);
}

static void test_nothing_active_at_start(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix(NULL);
    assert_null(sb_prefix_active(px));
    expect_no_strip(px, "Dec 21 14:33:55 node1 kubelet[28009]: main.main()");
    sb_prefix_free(px);
    sb_prefix_free(NULL); /* allowed */
}

static void test_journald(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix(NULL);
    expect_detect(px, "Dec 21 14:33:55 node1 kubelet[28009]: ", "journald", "kubelet");
    expect_strip(px, "Dec 21 14:33:55 node1 kubelet[28009]: main.main()", "main.main()", "kubelet");
    expect_strip(px, "Dec 21 14:33:55 node1 kubelet[28009]: \t/x/main.go:5 +0x1d",
                 "\t/x/main.go:5 +0x1d", "kubelet");
    /* Another process in the same journal names itself. */
    expect_strip(px, "Dec 21 14:33:56 node1 terwayd[4242]: goroutine 1 [running]:",
                 "goroutine 1 [running]:", "terwayd");
    /* Single-digit day is space-padded by syslog. */
    expect_strip(px, "Dec  1 14:33:56 node1 terwayd[4242]: x", "x", "terwayd");
    expect_no_strip(px, "main.main()");
    sb_prefix_free(px);
}

static void test_journald_short_iso(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix(NULL);
    expect_detect(px, "2026-11-26T23:58:44+0000 node1 kubelet[28009]: ", "journald", "kubelet");
    sb_prefix_free(px);
}

static void test_cri(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix(NULL);
    expect_detect(px, "2026-11-26T23:58:44.123456789Z stderr F ", "cri", "");
    expect_strip(px, "2026-11-26T23:58:44.223456789Z stderr F main.main()", "main.main()", "");
    expect_strip(px, "2026-11-26T23:58:44.223456789+01:00 stdout P x", "x", "");
    expect_no_strip(px, "2026-11-26T23:58:44.223456789Z main.main()");
    sb_prefix_free(px);
}

static void test_kubectl_timestamps(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix(NULL);
    expect_detect(px, "2026-11-26T23:58:44.123456789Z ", "timestamp", "");
    expect_strip(px, "2026-11-26T23:58:45.000000001Z \t/x/main.go:5 +0x1d", "\t/x/main.go:5 +0x1d",
                 "");
    sb_prefix_free(px);
}

static void test_klog(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix(NULL);
    expect_detect(px, "I1221 14:33:55.965939   28009 server.go:411] ", "klog", "");
    expect_strip(px, "E1221 14:33:56.000001   28009 panic.go:12] main.main()", "main.main()", "");
    sb_prefix_free(px);
}

static void test_plain_tag(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix(NULL);
    expect_detect(px, "kubelet: ", "tag", "kubelet");
    expect_strip(px, "kubelet: main.main()", "main.main()", "kubelet");
    expect_strip(px, "kubelet: panic: x", "panic: x", "kubelet");
    /* The tag is matched literally once detected: `panic: ` is not a tag. */
    expect_no_strip(px, "panic: x");
    expect_no_strip(px, "fatal error: x");
    expect_no_strip(px, "kube: x");
    sb_prefix_free(px);

    px = new_prefix(NULL);
    expect_detect(px, "kubelet[6934]: ", "tag", "kubelet");
    expect_strip(px, "kubelet[6934]: main.main()", "main.main()", "kubelet");
    expect_no_strip(px, "kubelet[6935]: main.main()");
    sb_prefix_free(px);
}

static void test_detect_needs_whole_prefix(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix(NULL);
    sb_span lab = {0};
    assert_false(sb_prefix_detect(px, S("some random text "), &lab));
    assert_false(sb_prefix_detect(px, S("kubelet: extra "), &lab)); /* only a prefix of it fits */
    assert_false(sb_prefix_detect(px, S("...dumping all stacks"), &lab));
    assert_null(sb_prefix_active(px));
    sb_prefix_free(px);
}

static void test_reset_forgets(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix(NULL);
    expect_detect(px, "kubelet: ", "tag", "kubelet");
    sb_prefix_reset(px);
    assert_null(sb_prefix_active(px));
    expect_no_strip(px, "kubelet: main.main()");
    /* A new input may use another prefix. */
    expect_detect(px, "Dec 21 14:33:55 node1 kubelet[28009]: ", "journald", "kubelet");
    sb_prefix_free(px);
}

static void test_next_piece_splits_glued_frames(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix(NULL);
    expect_detect(px, "kubelet: ", "tag", "kubelet");
    sb_span rest = S("main.main() kubelet: \t/x/main.go:5 +0x1d kubelet: created by main.init"),
            piece;
    assert_true(sb_prefix_next_piece(px, &rest, &piece));
    assert_span_equal(piece, "main.main()");
    assert_true(sb_prefix_next_piece(px, &rest, &piece));
    assert_span_equal(piece, "\t/x/main.go:5 +0x1d");
    assert_true(sb_prefix_next_piece(px, &rest, &piece));
    assert_span_equal(piece, "created by main.init");
    assert_false(sb_prefix_next_piece(px, &rest, &piece));
    sb_prefix_free(px);
}

static void test_next_piece_without_tag_is_whole_line(void **state)
{
    (void)state;
    sb_span rest = S("main.main() kubelet: x"), piece;
    assert_true(sb_prefix_next_piece(NULL, &rest, &piece));
    assert_span_equal(piece, "main.main() kubelet: x");
    assert_false(sb_prefix_next_piece(NULL, &rest, &piece));

    /* Only the plain tag glues lines; a journald prefix does not. */
    sb_prefix *px = new_prefix(NULL);
    expect_detect(px, "Dec 21 14:33:55 node1 kubelet[28009]: ", "journald", "kubelet");
    rest = S("main.main() kubelet: x");
    assert_true(sb_prefix_next_piece(px, &rest, &piece));
    assert_span_equal(piece, "main.main() kubelet: x");
    rest = S("");
    assert_false(sb_prefix_next_piece(px, &rest, &piece));
    sb_prefix_free(px);
}

static void test_user_regex_named_label(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix("\\[(?<label>[a-z]+)\\] ");
    assert_string_equal(sb_prefix_active(px), "user");
    expect_strip(px, "[api] goroutine 1 [running]:", "goroutine 1 [running]:", "api");
    expect_no_strip(px, "goroutine 1 [running]:");
    /* Detection is off with a user regex, and a reset keeps it. */
    sb_span lab = {0};
    assert_false(sb_prefix_detect(px, S("kubelet: "), &lab));
    sb_prefix_reset(px);
    assert_string_equal(sb_prefix_active(px), "user");
    expect_strip(px, "[db] main.main()", "main.main()", "db");
    sb_prefix_free(px);
}

static void test_user_regex_group1_and_no_group(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix("(\\w+) \\| ");
    /* No named group: group 1 is the label. */
    expect_strip(px, "web1 | main.main()", "main.main()", "web1");
    expect_no_strip(px, "web-1 | main.main()"); /* `-` is not \w */
    sb_prefix_free(px);

    px = new_prefix("\\d+ ");
    expect_strip(px, "12345 main.main()", "main.main()", "");
    sb_prefix_free(px);
}

static void test_user_regex_anchored(void **state)
{
    (void)state;
    sb_prefix *px = new_prefix("[a-z]+: ");
    expect_strip(px, "web: x", "x", "");
    /* Anchored at the start of the line: no match further in. */
    expect_no_strip(px, "12 web: x");
    sb_prefix_free(px);
}

static void test_invalid_regex(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(sb_prefix_new("(", err, sizeof(err)));
    assert_true(strlen(err) > 0);
    assert_non_null(strstr(err, "offset"));
    err[0] = '\0';
    assert_null(sb_prefix_new("(?<label>[a-z]+", err, sizeof(err)));
    assert_true(strlen(err) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_active_at_start),
        cmocka_unit_test(test_journald),
        cmocka_unit_test(test_journald_short_iso),
        cmocka_unit_test(test_cri),
        cmocka_unit_test(test_kubectl_timestamps),
        cmocka_unit_test(test_klog),
        cmocka_unit_test(test_plain_tag),
        cmocka_unit_test(test_detect_needs_whole_prefix),
        cmocka_unit_test(test_reset_forgets),
        cmocka_unit_test(test_next_piece_splits_glued_frames),
        cmocka_unit_test(test_next_piece_without_tag_is_whole_line),
        cmocka_unit_test(test_user_regex_named_label),
        cmocka_unit_test(test_user_regex_group1_and_no_group),
        cmocka_unit_test(test_user_regex_anchored),
        cmocka_unit_test(test_invalid_regex),
    };
    return cmocka_run_group_tests_name("prefix", tests, NULL, NULL);
}
