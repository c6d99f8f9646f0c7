/* test_lexer.c: sb_lex, sb_lex_find_header, sb_args_split, sb_args_first_word,
 * and the byte scans of scan.h under them.
 *
 * The inputs are hand-written minimal cases, one line each, quoting the
 * shapes the Go runtime prints (see /work/shared/docs/go-dump-format.md).
 * They are grouped by Go version family, like panicparse's
 * gopre1.17_test.go / go1.17_test.go: a line belongs to the oldest family
 * that prints it. */
#include "sb_test.h"

#include "stackblame/lexer.h"
#include "stackblame/scan.h"

static sb_token lex(const char *line)
{
    sb_token t;
    memset(&t, 0xa5, sizeof(t)); /* garbage: every field read must be set */
    sb_lex(S(line), &t);
    return t;
}

static void expect_kind(const char *line, enum sb_tok kind)
{
    sb_token t = lex(line);
    if (t.kind != kind) {
        print_error("line \"%s\": got %s, want %s\n", line, sb_tok_name(t.kind), sb_tok_name(kind));
        fail();
    }
}

static void expect_frame(const char *line, const char *func, const char *args)
{
    sb_token t = lex(line);
    if (t.kind != SB_TOK_FRAME) {
        print_error("line \"%s\": got %s, want frame\n", line, sb_tok_name(t.kind));
        fail();
    }
    assert_span_equal(t.u.frame.func, func);
    assert_span_equal(t.u.frame.args, args);
}

static void expect_file(const char *line, const char *file, uint32_t lineno, bool has_offset)
{
    sb_token t = lex(line);
    if (t.kind != SB_TOK_FILE) {
        print_error("line \"%s\": got %s, want file\n", line, sb_tok_name(t.kind));
        fail();
    }
    assert_span_equal(t.u.file.file, file);
    assert_int_equal(t.u.file.line, lineno);
    assert_int_equal(t.u.file.has_offset, has_offset);
}

static sb_token expect_header(const char *line, uint64_t id, const char *state, int32_t minutes)
{
    sb_token t = lex(line);
    if (t.kind != SB_TOK_HEADER) {
        print_error("line \"%s\": got %s, want header\n", line, sb_tok_name(t.kind));
        fail();
    }
    assert_true(t.u.header.id == id);
    assert_span_equal(t.u.header.state, state);
    assert_int_equal(t.u.header.minutes, minutes);
    return t;
}

/* ---------------------------------------------------------------- <= 1.16 */

static void test_pre117_header_semacquire_minutes(void **state)
{
    (void)state;
    sb_token t = expect_header("goroutine 1 [semacquire, 9 minutes]:", 1, "semacquire", 9);
    assert_false(t.u.header.locked);
    assert_false(t.u.header.scan);
    assert_false(t.u.header.leaked);
    assert_false(t.u.header.id_overflow);
    assert_int_equal(t.u.header.labels.n, 0);
    assert_span_equal(t.text, "goroutine 1 [semacquire, 9 minutes]:");
}

static void test_pre117_raw_hex_args(void **state)
{
    (void)state;
    expect_frame("main.f(0xc000010000, 0x1)", "main.f", "0xc000010000, 0x1");
    sb_arg a[4];
    assert_int_equal(sb_args_split(S("0xc000010000, 0x1"), a, 4), 2);
    assert_span_equal(a[0].text, "0xc000010000");
    assert_span_equal(a[1].text, "0x1");
    assert_false(a[0].uncertain);
    assert_false(a[0].aggregate);
    uint64_t v = 0;
    assert_true(sb_args_first_word(S("0xc000010000, 0x1"), &v));
    assert_true(v == 0xc000010000ull);
}

/* 1.13-1.16 mutex waiter: the lockSlow argument is the mutex address. */
static void test_pre117_mutex_chain(void **state)
{
    (void)state;
    expect_frame("sync.runtime_SemacquireMutex(0xc0000a6074, 0x0, 0x1)",
                 "sync.runtime_SemacquireMutex", "0xc0000a6074, 0x0, 0x1");
    expect_file("\t/usr/local/go/src/runtime/sema.go:71 +0x47", "/usr/local/go/src/runtime/sema.go",
                71, true);
    expect_frame("sync.(*Mutex).lockSlow(0xc0000a6070)", "sync.(*Mutex).lockSlow", "0xc0000a6070");
    uint64_t v = 0;
    assert_true(sb_args_first_word(S("0xc0000a6070"), &v));
    assert_true(v == 0xc0000a6070ull);
    /* The inlined Lock has no values and no offset on its file line. */
    expect_frame("sync.(*Mutex).Lock(...)", "sync.(*Mutex).Lock", "...");
    expect_file("\t/usr/local/go/src/sync/mutex.go:81", "/usr/local/go/src/sync/mutex.go", 81,
                false);
    assert_false(sb_args_first_word(S("..."), &v));
}

static void test_pre117_additional_frames_elided(void **state)
{
    (void)state;
    sb_token t = lex("...additional frames elided...");
    assert_int_equal(t.kind, SB_TOK_ELIDED);
    assert_int_equal(t.u.elided.count, 0);
}

static void test_pre117_created_by_without_id(void **state)
{
    (void)state;
    sb_token t = lex("created by main.main");
    assert_int_equal(t.kind, SB_TOK_CREATED_BY);
    assert_span_equal(t.u.created.func, "main.main");
    assert_true(t.u.created.parent == 0);
    t = lex("created by net/http.(*Server).Serve");
    assert_int_equal(t.kind, SB_TOK_CREATED_BY);
    assert_span_equal(t.u.created.func, "net/http.(*Server).Serve");
    /* Trailing digits of the name are not a parent id. */
    t = lex("created by main.init.0");
    assert_span_equal(t.u.created.func, "main.init.0");
    assert_true(t.u.created.parent == 0);
}

/* Go 1.3: runtime written in C (.c files), closures named func·001. */
static void test_go13_c_files_and_middot_closures(void **state)
{
    (void)state;
    expect_frame("runtime.panic(0x4c4fa0, 0xc208000130)", "runtime.panic",
                 "0x4c4fa0, 0xc208000130");
    expect_file("\t/usr/local/go/src/pkg/runtime/panic.c:279 +0xf5",
                "/usr/local/go/src/pkg/runtime/panic.c", 279, true);
    expect_frame("main.func\xc2\xb7"
                 "001()",
                 "main.func\xc2\xb7"
                 "001",
                 "");
    expect_file("\t/usr/local/go/src/pkg/runtime/proc.c:1445",
                "/usr/local/go/src/pkg/runtime/proc.c", 1445, false);
    expect_header("goroutine 16 [running]:", 16, "running", -1);
}

/* ------------------------------------------------------------------ 1.17+ */

static void test_go117_uncertain_and_aggregate_args(void **state)
{
    (void)state;
    expect_frame("main.f(0xc000012345?, {0x1, 0x2}, ...)", "main.f",
                 "0xc000012345?, {0x1, 0x2}, ...");
    sb_arg a[4];
    memset(a, 0, sizeof(a));
    assert_int_equal(sb_args_split(S("0xc000012345?, {0x1, 0x2}, ..."), a, 4), 3);
    assert_span_equal(a[0].text, "0xc000012345");
    assert_true(a[0].uncertain);
    assert_false(a[0].aggregate);
    assert_span_equal(a[1].text, "{0x1, 0x2}");
    assert_false(a[1].uncertain);
    assert_true(a[1].aggregate);
    assert_span_equal(a[2].text, "...");
    assert_false(a[2].uncertain);
    /* The first value is printed with `?`: not a usable address. */
    uint64_t v = 7;
    assert_false(sb_args_first_word(S("0xc000012345?, {0x1, 0x2}, ..."), &v));
    assert_true(v == 7);
}

static void test_go117_split_lone_ellipsis_and_empty(void **state)
{
    (void)state;
    sb_arg a[2];
    assert_int_equal(sb_args_split(S("..."), a, 2), 0);
    assert_int_equal(sb_args_split(S(" ... "), a, 2), 0);
    assert_int_equal(sb_args_split(S(""), a, 2), 0);
    uint64_t v;
    assert_false(sb_args_first_word(S(""), &v));
    assert_false(sb_args_first_word(S("..."), &v));
}

static void test_go117_split_counts_beyond_max(void **state)
{
    (void)state;
    sb_arg a[3];
    memset(a, 0, sizeof(a));
    a[1].text = S("sentinel");
    /* Nested aggregates are one value; only `max` are stored. */
    assert_int_equal(sb_args_split(S("{{0x1, 0x2}, 0x3}, 0x4?, _"), a, 1), 3);
    assert_span_equal(a[0].text, "{{0x1, 0x2}, 0x3}");
    assert_true(a[0].aggregate);
    assert_span_equal(a[1].text, "sentinel");
    assert_int_equal(sb_args_split(S("{{0x1, 0x2}, 0x3}, 0x4?, _"), a, 3), 3);
    assert_span_equal(a[1].text, "0x4");
    assert_true(a[1].uncertain);
    assert_span_equal(a[2].text, "_");
}

static void test_go117_first_word_forms(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_true(sb_args_first_word(S("42, 0x1"), &v));
    assert_true(v == 42);
    assert_true(sb_args_first_word(S("0xABCdef"), &v));
    assert_true(v == 0xabcdefull);
    assert_true(sb_args_first_word(S("0xffffffffffffffff"), &v));
    assert_true(v == UINT64_MAX);
    assert_false(sb_args_first_word(S("0x1ffffffffffffffff"), &v));  /* 65 bits */
    assert_false(sb_args_first_word(S("99999999999999999999"), &v)); /* > 2^64 */
    assert_false(sb_args_first_word(S("_"), &v));
    assert_false(sb_args_first_word(S("0x"), &v));
    assert_false(sb_args_first_word(S("0xzz"), &v));
    assert_false(sb_args_first_word(S("{0xc000010000}"), &v));
}

/* sb_args_first_text_in, which may read the bytes in front of the list
 * (a frame's function name), cuts what sb_args_first_text cuts: lists of
 * 0 to 40 bytes behind names of 1 to 20, each in a buffer of its exact
 * size (ASan catches a read outside it). */
static void test_first_text_in_front_of_a_name(void **state)
{
    (void)state;
    static const char *const lists[] = {
        "",         "0x1", "0xc000123450, 0x1", "{0x1, 0x2}, 0x3",
        "0x0?, {}", "a,b", "{{x,y},z}, w",      "0xc000123450?, 0xc000123451?, 0xc000123452?",
        "{",        ",",
    };
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        for (int k = 1; k <= 20; k++) {
            char line[128];
            int n = snprintf(line, sizeof(line), "%0*d(%s", k, 7, lists[i]);
            char *b = malloc((size_t)n);
            assert_non_null(b);
            memcpy(b, line, (size_t)n);
            sb_span args = sb_span_make(b + k + 1, (size_t)n - (size_t)k - 1);
            sb_span want = sb_args_first_text(args), got = sb_args_first_text_in(args, b);
            assert_ptr_equal(got.p, want.p);
            assert_int_equal(got.n, want.n);
            free(b);
        }
}

/* sb_args_first_word reads the first value as sb_args_split cuts it: the
 * same answer as through sb_args_split on shapes at the edges of a cut. */
static void test_first_word_as_split_cuts(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "0x1",
        " 0x1 , 2",
        "0x1,2",
        "  ",
        "",
        "...",
        " ... ",
        "0x1?",
        "0x1 ?",
        "{0x1, 0x2}, 0x3",
        "{0x1, 0x2}",
        "{",
        "}",
        ",",
        ",0x1",
        "0x1}",
        "0x1{",
        "0x1{, 2}",
        "}0x1, {",
        "7 ,",
        "0x",
        "0x1ffffffffffffffff",
        "18446744073709551615",
        "18446744073709551616",
        "12a",
        "\t0x2\t",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sb_arg a;
        bool split = sb_args_split(S(cases[i]), &a, 1) > 0 && !a.uncertain && !a.aggregate;
        uint64_t v = 0, w = 0;
        bool got = sb_args_first_word(S(cases[i]), &v);
        bool want = split && sb_args_first_word(a.text, &w);
        if (got != want || v != w) {
            print_error("\"%s\": %d %llu, want %d %llu\n", cases[i], got, (unsigned long long)v,
                        want, (unsigned long long)w);
            fail();
        }
    }
}

static void test_go117_dwrap_and_generics(void **state)
{
    (void)state;
    expect_frame("main.main.func1\xc2\xb7"
                 "dwrap\xc2\xb7"
                 "1()",
                 "main.main.func1\xc2\xb7"
                 "dwrap\xc2\xb7"
                 "1",
                 "");
    expect_frame("main.F[...](...)", "main.F[...]", "...");
    expect_frame("main.(*List[...]).Push(0xc000010000, {0x1, 0x2})", "main.(*List[...]).Push",
                 "0xc000010000, {0x1, 0x2}");
}

/* ------------------------------------------------------------------ 1.21+ */

static void test_go121_created_by_in_goroutine(void **state)
{
    (void)state;
    sb_token t = lex("created by main.main in goroutine 1");
    assert_int_equal(t.kind, SB_TOK_CREATED_BY);
    assert_span_equal(t.u.created.func, "main.main");
    assert_true(t.u.created.parent == 1);
    t = lex("created by net/http.(*Server).Serve in goroutine 42");
    assert_span_equal(t.u.created.func, "net/http.(*Server).Serve");
    assert_true(t.u.created.parent == 42);
}

static void test_go121_n_frames_elided(void **state)
{
    (void)state;
    sb_token t = lex("...7 frames elided...");
    assert_int_equal(t.kind, SB_TOK_ELIDED);
    assert_int_equal(t.u.elided.count, 7);
    expect_kind("...frames elided...", SB_TOK_OTHER);
}

/* ------------------------------------------------------------------ 1.22+ */

static void test_go122_header_gp_m_mp(void **state)
{
    (void)state;
    expect_header("goroutine 1 gp=0xc000002380 m=0 mp=0x5d1e80 [running]:", 1, "running", -1);
    expect_header("goroutine 2 gp=0xc000002e00 m=nil [force gc (idle), 3 minutes]:", 2,
                  "force gc (idle)", 3);
    /* Cut before the bracket: not a header. */
    expect_kind("goroutine 1 gp=0xc000002380 m=0", SB_TOK_OTHER);
}

static void test_go122_file_with_fp_sp_pc(void **state)
{
    (void)state;
    expect_file(
        "\t/usr/local/go/src/runtime/proc.go:402 +0xce fp=0xc000067f50 sp=0xc000067f30 pc=0x43c8ee",
        "/usr/local/go/src/runtime/proc.go", 402, true);
    /* runtime.goexit without an offset, level 2 */
    expect_file(
        "\t/usr/local/go/src/runtime/asm_amd64.s:1695 fp=0xc0000067e8 sp=0xc0000067e0 pc=0x46e7c1",
        "/usr/local/go/src/runtime/asm_amd64.s", 1695, false);
}

static void test_go122_goexit_empty_aggregate_and_wrappers(void **state)
{
    (void)state;
    expect_frame("runtime.goexit({})", "runtime.goexit", "{}");
    sb_arg a[2];
    assert_int_equal(sb_args_split(S("{}"), a, 2), 1);
    assert_true(a[0].aggregate);
    expect_frame("main.main.gowrap1()", "main.main.gowrap1", "");
    expect_frame("main.run.deferwrap1()", "main.run.deferwrap1", "");
}

/* ------------------------------------------------------------------ 1.24+ */

static void test_go124_internal_sync_and_waitgroup(void **state)
{
    (void)state;
    expect_frame("internal/sync.(*Mutex).lockSlow(0xc0001040e8)", "internal/sync.(*Mutex).lockSlow",
                 "0xc0001040e8");
    uint64_t v = 0;
    assert_true(sb_args_first_word(S("0xc0001040e8"), &v));
    assert_true(v == 0xc0001040e8ull);
    expect_header("goroutine 7 [sync.WaitGroup.Wait, 34 minutes]:", 7, "sync.WaitGroup.Wait", 34);
    expect_header("goroutine 8 [sync.Mutex.Lock]:", 8, "sync.Mutex.Lock", -1);
}

/* ------------------------------------------------------------------- 1.26 */

static void test_go126_leaked(void **state)
{
    (void)state;
    sb_token t = expect_header("goroutine 9 [chan receive (leaked)]:", 9, "chan receive", -1);
    assert_true(t.u.header.leaked);
    t = expect_header("goroutine 9 [leaked]:", 9, "leaked", -1);
    assert_true(t.u.header.leaked);
    t = expect_header("goroutine 9 [chan receive]:", 9, "chan receive", -1);
    assert_false(t.u.header.leaked);
}

static void test_go126_header_labels(void **state)
{
    (void)state;
    sb_token t =
        expect_header("goroutine 10 [select, 3 minutes, labels:{\"a\":\"b\"}]:", 10, "select", 3);
    assert_span_equal(t.u.header.labels, "labels:{\"a\":\"b\"}");
    /* A comma inside the braces does not split the item. */
    t = expect_header("goroutine 10 [select, {\"a\":\"b\", \"c\":\"d\"}]:", 10, "select", -1);
    assert_span_equal(t.u.header.labels, "{\"a\":\"b\", \"c\":\"d\"}");
}

static void test_go126_durable_locked_synctest(void **state)
{
    (void)state;
    sb_token t = expect_header(
        "goroutine 11 [chan receive (durable), locked to thread, synctest bubble 3]:", 11,
        "chan receive (durable)", -1);
    assert_true(t.u.header.locked);
    assert_int_equal(t.u.header.labels.n, 0);
}

/* -------------------------------------------------------- header variants */

static void test_header_scan_and_locked(void **state)
{
    (void)state;
    sb_token t =
        expect_header("goroutine 5 [chan receive (scan), 5 minutes]:", 5, "chan receive", 5);
    assert_true(t.u.header.scan);
    assert_false(t.u.header.locked);
    t = expect_header("goroutine 11 [syscall, 2 minutes, locked to thread]:", 11, "syscall", 2);
    assert_true(t.u.header.locked);
    assert_false(t.u.header.scan);
}

static void test_header_minutes_saturate(void **state)
{
    (void)state;
    expect_header("goroutine 1 [sleep, 99999999999999999999 minutes]:", 1, "sleep", INT32_MAX);
    expect_header("goroutine 1 [sleep, 3000000000 minutes]:", 1, "sleep", INT32_MAX);
    expect_header("goroutine 1 [sleep, 2147483647 minutes]:", 1, "sleep", INT32_MAX);
    expect_header("goroutine 1 [sleep, 2147483646 minutes]:", 1, "sleep", INT32_MAX - 1);
}

static void test_header_id_overflow(void **state)
{
    (void)state;
    sb_token t =
        expect_header("goroutine 99999999999999999999999 [running]:", UINT64_MAX, "running", -1);
    assert_true(t.u.header.id_overflow);
    t = expect_header("goroutine 18446744073709551615 [running]:", UINT64_MAX, "running", -1);
    assert_false(t.u.header.id_overflow);
    t = expect_header("goroutine 18446744073709551616 [running]:", UINT64_MAX, "running", -1);
    assert_true(t.u.header.id_overflow);
}

static void test_header_truncated_without_bracket(void **state)
{
    (void)state;
    expect_header("goroutine 3 [chan receive, 5 minutes", 3, "chan receive", 5);
    expect_header("goroutine 3 [runn", 3, "runn", -1);
}

static void test_header_lookalikes_are_not_headers(void **state)
{
    (void)state;
    expect_kind("goroutine 3", SB_TOK_OTHER);
    expect_kind("goroutine x [running]:", SB_TOK_OTHER);
    expect_kind("goroutine 3 running", SB_TOK_OTHER);
    sb_token t = lex("goroutine profile: total 10");
    assert_int_equal(t.kind, SB_TOK_PROFILE);
    assert_true(t.u.record.count == 10);
}

/* --------------------------------------------------- paths and func names */

static void test_windows_path(void **state)
{
    (void)state;
    expect_file("\tC:/Program Files/Go/src/runtime/proc.go:398 +0xce",
                "C:/Program Files/Go/src/runtime/proc.go", 398, true);
}

static void test_func_name_shapes(void **state)
{
    (void)state;
    expect_frame("github.com/foo/bar%2ebaz.F()", "github.com/foo/bar%2ebaz.F", "");
    expect_frame("main.main.func1.2()", "main.main.func1.2", "");
    expect_frame("main.glob..func1()", "main.glob..func1", "");
    expect_frame("main.(*T).Run-fm()", "main.(*T).Run-fm", "");
    expect_frame("main.init.0()", "main.init.0", "");
    expect_frame(
        "k8s.io/kubernetes/vendor/google.golang.org/grpc.invoke({0x4fb6a0, 0xc000010000}, ...)",
        "k8s.io/kubernetes/vendor/google.golang.org/grpc.invoke", "{0x4fb6a0, 0xc000010000}, ...");
    expect_frame("9fans.net/go/acme.(*Win).ReadAll(0xc000010000)",
                 "9fans.net/go/acme.(*Win).ReadAll", "0xc000010000");
    expect_frame("crypto/tls.(*Conn).Read(0xc000010000, {0xc000020000, 0x1000, 0x1000})",
                 "crypto/tls.(*Conn).Read", "0xc000010000, {0xc000020000, 0x1000, 0x1000}");
}

static void test_panic_frame(void **state)
{
    (void)state;
    expect_frame("panic({0x7aa320, 0xc0002da240})", "panic", "{0x7aa320, 0xc0002da240}");
    sb_arg a[2];
    assert_int_equal(sb_args_split(S("{0x7aa320, 0xc0002da240}"), a, 2), 1);
    assert_true(a[0].aggregate);
}

/* ------------------------------------------------------------ other lines */

static void test_signal_lines(void **state)
{
    (void)state;
    expect_kind("SIGQUIT: quit", SB_TOK_SIGNAL);
    expect_kind("^\\SIGQUIT: quit", SB_TOK_SIGNAL);
    expect_kind("SIGSEGV: segmentation violation", SB_TOK_SIGNAL);
    expect_kind("SIGABRT: abort", SB_TOK_SIGNAL);
    expect_kind("SIG: quit", SB_TOK_OTHER);
    expect_kind("SIGQUIT:quit", SB_TOK_OTHER);
    expect_kind("PC=0x46e7c1 m=0 sigcode=0", SB_TOK_PREAMBLE);
    expect_kind("PC=0x46e7c1 m=0 sigcode=1 addr=0x0", SB_TOK_PREAMBLE);
    expect_kind("[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1]",
                SB_TOK_PREAMBLE);
}

static void test_panic_lines(void **state)
{
    (void)state;
    expect_kind("panic: boom [recovered]", SB_TOK_PANIC);
    expect_kind("panic: boom [recovered, repanicked]", SB_TOK_PANIC);
    expect_kind("\tpanic: boom", SB_TOK_PANIC_NESTED);
    expect_kind("panic: runtime error: index out of range [5] with length 3", SB_TOK_PANIC);
    expect_kind("panic: main.go:12", SB_TOK_PANIC);
    expect_kind("fatal error: all goroutines are asleep - deadlock!", SB_TOK_FATAL);
    expect_kind("runtime stack:", SB_TOK_RUNTIME_STACK);
    expect_kind("runtime: out of memory: cannot allocate 4194304-byte block (3221225472 in use)",
                SB_TOK_PREAMBLE);
}

static void test_postamble_lines(void **state)
{
    (void)state;
    expect_kind("rax    0x0", SB_TOK_REGISTER);
    expect_kind("rip    0x46e7c1", SB_TOK_REGISTER);
    expect_kind("rflags 0x246", SB_TOK_REGISTER);
    expect_kind("r8     0xc000064f10", SB_TOK_REGISTER);
    expect_kind("-----", SB_TOK_SEPARATOR);
    expect_kind("----", SB_TOK_OTHER);
    expect_kind("exit status 2", SB_TOK_EXIT_STATUS);
    expect_kind("WARNING: DATA RACE", SB_TOK_RACE_BEGIN);
    expect_kind("==================", SB_TOK_RACE_RULE);
    expect_kind("=====", SB_TOK_OTHER);
}

static void test_debug1_lines(void **state)
{
    (void)state;
    sb_token t = lex("goroutineleak profile: total 3");
    assert_int_equal(t.kind, SB_TOK_PROFILE);
    assert_true(t.u.record.count == 3);
    t = lex("1 @ 0x43b5a5 0x4072ba 0x46ad41");
    assert_int_equal(t.kind, SB_TOK_RECORD);
    assert_true(t.u.record.count == 1);
    t = lex("12 @ 0x43a2d6");
    assert_int_equal(t.kind, SB_TOK_RECORD);
    assert_true(t.u.record.count == 12);
    expect_kind("1 @ 0x43b5a5 main.go", SB_TOK_OTHER);
    t = lex("#\t0x4a5b6c\tmain.f+0x1c\t/x/main.go:12");
    assert_int_equal(t.kind, SB_TOK_RECORD_FRAME);
    assert_span_equal(t.u.rframe.func, "main.f");
    assert_span_equal(t.u.rframe.file, "/x/main.go");
    assert_int_equal(t.u.rframe.line, 12);
    /* Runs of tabs between fields (from a real go1.19 profile). */
    t = lex("#\t0x47ebc4\tsync.(*Mutex).lockSlow+0x164\t\t/usr/lib/go-1.19/src/sync/mutex.go:171");
    assert_int_equal(t.kind, SB_TOK_RECORD_FRAME);
    assert_span_equal(t.u.rframe.func, "sync.(*Mutex).lockSlow");
    assert_span_equal(t.u.rframe.file, "/usr/lib/go-1.19/src/sync/mutex.go");
    assert_int_equal(t.u.rframe.line, 171);
    expect_kind("# labels: {\"k\":\"v\"}", SB_TOK_RECORD_LABELS);
}

static void test_misc_goroutine_lines(void **state)
{
    (void)state;
    expect_kind("\tgoroutine running on other thread; stack unavailable", SB_TOK_OTHER_THREAD);
    expect_kind("[originating from goroutine 5]:", SB_TOK_ANCESTOR);
    expect_kind("non-Go function at pc=0x1", SB_TOK_NONGO);
    expect_kind("\tnon-Go function at pc=0x7f5b9c0a1b2c", SB_TOK_NONGO);
    /* cgo, symbolized: a C file with pc= only */
    expect_file("\t/x/foo.c:12 pc=0x4a1b2c", "/x/foo.c", 12, false);
    /* Tabs turned into spaces by a log pipeline */
    expect_file("        /x/main.go:12 +0x1d", "/x/main.go", 12, true);
    expect_kind("", SB_TOK_BLANK);
    expect_kind(" \t ", SB_TOK_BLANK);
    expect_kind("\r", SB_TOK_BLANK);
}

static void test_prose_is_other(void **state)
{
    (void)state;
    expect_kind("I1221 14:33:55.965939   28009 server.go:411] Version: v1.19.2", SB_TOK_OTHER);
    expect_kind("Starting server (version 1.2)", SB_TOK_OTHER);
    expect_kind("Found 1 data race(s)", SB_TOK_OTHER);
    expect_kind("hello world", SB_TOK_OTHER);
}

static void test_tok_name(void **state)
{
    (void)state;
    assert_string_equal(sb_tok_name(SB_TOK_HEADER), "header");
    assert_string_equal(sb_tok_name(SB_TOK_OTHER), "other");
    assert_string_equal(sb_tok_name((enum sb_tok)(SB_TOK_OTHER + 1)), "?");
}

/* ------------------------------------------------------ sb_lex_find_header */

static void test_find_header(void **state)
{
    (void)state;
    const char *glued = "...dumping all stacksgoroutine 1 [running]:";
    assert_int_equal(sb_lex_find_header(S(glued)), strstr(glued, "goroutine") - glued);
    assert_int_equal(sb_lex_find_header(S("goroutine 1 [running]:")), 0);
    assert_int_equal(sb_lex_find_header(S("created by x in goroutine 5")), -1);
    assert_int_equal(sb_lex_find_header(S("[originating from goroutine 5]:")), -1);
    assert_int_equal(sb_lex_find_header(S("abc goroutine ")), -1);
    assert_int_equal(sb_lex_find_header(S("")), -1);
    const char *j = "Dec 21 14:33:55 node1 kubelet[28009]: goroutine 1 [running]:";
    assert_int_equal(sb_lex_find_header(S(j)), strstr(j, "goroutine") - j);
    /* The first "goroutine " is not a header; the second is. */
    const char *two = "all goroutine 7 stacks: goroutine 7 [select]:";
    assert_int_equal(sb_lex_find_header(S(two)), strstr(two, "goroutine 7 [") - two);
}

/* sb_lex_expect: a guess is confirmed only where sb_lex agrees, and the
 * token is sb_lex's in every field either way. */
static void expect_guess(const char *line, const char *guess, bool frame, bool want)
{
    sb_token fast, slow;
    memset(&fast, 0, sizeof(fast));
    memset(&slow, 0, sizeof(slow));
    sb_span g = S(guess);
    int hit = sb_lex_expect(S(line), !frame, &g, 1, &fast);
    if ((hit == 0) != want) {
        print_error("line \"%s\", guess \"%s\": got %d, want %d\n", line, guess, hit, want);
        fail();
    }
    sb_lex(S(line), &slow);
    assert_memory_equal(&fast, &slow, sizeof(fast));
}

static void test_guess_frame(void **state)
{
    (void)state;
    expect_guess("main.(*T).run(0xc000010000, {0x1, 0x2}, 0x0?)", "main.(*T).run", true, true);
    expect_guess("main.f()", "main.f", true, true);
    expect_guess("main.f(...)", "main.f", true, true);
    expect_guess("main.f(0x1)", "main.g", true, false);  /* another function */
    expect_guess("main.fx(0x1)", "main.f", true, false); /* a longer name */
    expect_guess("main.f(0x1) ", "main.f", true, true);  /* trailing blank: trimmed */
    expect_guess("main.f(a(b))", "main.f", true, false); /* parentheses inside: sb_lex decides */
    expect_guess("main.f(0x1", "main.f", true, false);   /* cut short */
    expect_guess("created by main.f(0x1)", "created", true, false);
}

static void test_guess_file(void **state)
{
    (void)state;
    const char *f = "/usr/lib/go-1.19/src/runtime/proc.go";
    expect_guess("\t/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6 fp=0xc001ba9ae0 "
                 "sp=0xc001ba9ac0 pc=0x438dd6",
                 f, false, true);
    expect_guess("\t/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6", f, false, true);
    expect_guess("\t/usr/lib/go-1.19/src/runtime/proc.go:363", f, false, true);
    expect_guess("\t/usr/lib/go-1.19/src/runtime/proc.go:363 pc=0x438dd6", f, false, true);
    expect_guess("\t/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6 fp=0xc0 pc=0x43", f, false,
                 true);
    /* Shapes sb_lex does not take as file lines: the guess must not either. */
    expect_guess("\t/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6 fp=0xc0", f, false, false);
    expect_guess("\t/usr/lib/go-1.19/src/runtime/proc.go:363 +0x", f, false, false);
    expect_guess("\t/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6 junk", f, false, false);
    expect_guess("\t/usr/lib/go-1.19/src/runtime/proc.go: +0xd6", f, false, false);
    expect_guess("/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6", f, false,
                 false); /* not indented */
    expect_guess("\t/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6\t", f, false, true);
    /* A path that is a prefix of the line's path, and one with a colon. */
    expect_guess("\t/a/b.go:12 +0x1", "/a/b", false, false);
    expect_guess("\tC:/go/src/x.go:7 +0x1", "C:/go/src/x.go", false, true);
    /* Lines the first byte already claims. */
    expect_guess("\tpanic: 1 +0x1", "panic", false, false);
    expect_guess("\tgoroutine 1 [x]:2 +0x1", "goroutine 1 [x]", false, false);
}

/* The scans of a confirmed line: hex fields and arguments of every length
 * up to 23, a byte that ends the run at every position, and bytes next to
 * the hex ranges and to the parentheses. */
static void test_guess_scans_every_position(void **state)
{
    (void)state;
    static const char bad[] = {'g', 'G', '/', ':', '@', '`', 'x', (char)0x80, (char)0xe6, '\0'};
    char hex[24], line[160];
    for (size_t len = 1; len < sizeof(hex); len++) {
        for (size_t k = 0; k < len; k++)
            hex[k] = "0123456789abcdefABCDEF"[(k * 7) % 22];
        hex[len] = '\0';
        snprintf(line, sizeof(line), "\t/a.go:1 +0x%s fp=0x%s sp=0x1 pc=0x2", hex, hex);
        expect_guess(line, "/a.go", false, true);
        for (size_t at = 0; at < len; at++) {
            for (size_t b = 0; bad[b]; b++) {
                char h2[24];
                memcpy(h2, hex, len + 1);
                h2[at] = bad[b];
                snprintf(line, sizeof(line), "\t/a.go:1 +0x%s fp=0x%s sp=0x1 pc=0x2", hex, h2);
                expect_guess(line, "/a.go", false, false);
            }
        }
        /* Arguments of every length with a parenthesis at every position. */
        char args[24];
        memset(args, 'a', len);
        args[len] = '\0';
        snprintf(line, sizeof(line), "main.f(%s)", args);
        expect_guess(line, "main.f", true, true);
        for (size_t at = 0; at < len; at++) {
            for (const char *paren = "()"; *paren; paren++) {
                args[at] = *paren;
                snprintf(line, sizeof(line), "main.f(%s)", args);
                expect_guess(line, "main.f", true, false);
                args[at] = '*'; /* ')' is 0x29, '*' 0x2a: one bit from a match */
                snprintf(line, sizeof(line), "main.f(%s)", args);
                expect_guess(line, "main.f", true, true);
                args[at] = 'a';
            }
        }
    }
}

/* A copy of s allocated to its exact length, with no NUL after it: ASan
 * catches a read past its end. *n is the length. */
static char *exact_copy(const char *s, size_t *n)
{
    *n = strlen(s);
    char *b = malloc(*n ? *n : 1);
    assert_non_null(b);
    memcpy(b, s, *n);
    return b;
}

/* sb_lex_frame_at / sb_lex_file_at on buf (no NUL after it: the buffer is
 * allocated to its exact size, so ASan catches a read past the end).
 * want: the line length they must return (0: the line goes the long way);
 * when they take a line, their token must be sb_lex_expect's for it. */
static void expect_at(const char *buf, const char *guess, bool frame, size_t want)
{
    size_t n;
    char *b = exact_copy(buf, &n);
    sb_token raw, line;
    memset(&raw, 0, sizeof(raw));
    memset(&line, 0, sizeof(line));
    sb_span g = S(guess);
    size_t got = frame ? sb_lex_frame_at(b, b + n, g, &raw) : sb_lex_file_at(b, b + n, g, &raw);
    if (got != want) {
        print_error("buffer \"%s\", guess \"%s\": took %zu bytes, want %zu\n", buf, guess, got,
                    want);
        fail();
    }
    if (got) {
        assert_int_equal(sb_lex_expect(sb_span_make(b, got), !frame, &g, 1, &line), 0);
        assert_memory_equal(&raw, &line, sizeof(raw));
    }
    if (frame && sb_lex_frame_name_plain(g)) {
        /* Without the checks a plain name makes moot: the same. */
        sb_token plain;
        memset(&plain, 0, sizeof(plain));
        assert_int_equal(sb_lex_frame_plain_at(b, b + n, g, &plain), got);
        if (got)
            assert_memory_equal(&plain, &raw, sizeof(raw));
    }
    free(b);
}

/* Names whose first byte no line kind claims, and no blank: plain. */
static void test_frame_names_plain(void **state)
{
    (void)state;
    assert_true(sb_lex_frame_name_plain(S("main.f")));
    assert_true(sb_lex_frame_name_plain(S("runtime.gopark")));
    assert_true(sb_lex_frame_name_plain(S("net/http.(*conn).serve")));
    assert_false(sb_lex_frame_name_plain(S("")));
    assert_false(sb_lex_frame_name_plain(S(" main.f")));
    assert_false(sb_lex_frame_name_plain(S("\tmain.f")));
    /* "goroutine 1 [x]:(", "created by f(", "panic: (": their first bytes. */
    assert_false(sb_lex_frame_name_plain(S("github.com/a/b.F")));
    assert_false(sb_lex_frame_name_plain(S("created")));
    assert_false(sb_lex_frame_name_plain(S("panic:")));
    assert_false(sb_lex_frame_name_plain(S("...")));
    assert_false(sb_lex_frame_name_plain(S("1")));
    /* A claimed line is refused by sb_lex_frame_at; a plain name never
     * starts one. */
    expect_at("goroutine 1 [x]:(a)\n", "goroutine 1 [x]:", true, 0);
    expect_at("gopkg.in/x.F(0x1)\n", "gopkg.in/x.F", true, 17);
}

static void test_lines_taken_from_the_buffer(void **state)
{
    (void)state;
    expect_at("main.(*T).run(0xc000010000, {0x1, 0x2}, 0x0?)\nnext", "main.(*T).run", true, 45);
    expect_at("main.f()\n", "main.f", true, 8);
    expect_at("main.f(0x1)\r\n", "main.f", true, 0); /* CR: the line reader strips it */
    expect_at("main.f(0x1) \n", "main.f", true, 0);  /* trailing blank: sb_lex trims it */
    expect_at("main.f(a(b))\n", "main.f", true, 0);  /* parentheses inside */
    expect_at("main.f(0x1)", "main.f", true, 0);     /* no newline before the buffer ends */
    expect_at("main.f(0x1\n)\n", "main.f", true, 0); /* the line ends before ')' */
    expect_at("main.fx(0x1)\n", "main.f", true, 0);
    expect_at("\t/a.go:12 +0x1d fp=0xc000 sp=0xc001 pc=0x45\n\t", "/a.go", false, 43);
    expect_at("\t/a.go:12\nmain.f()\n", "/a.go", false, 9);
    expect_at("\t/a.go:12 +0x1d\n", "/a.go", false, 15);
    expect_at("\t/a.go:12 pc=0x45\n", "/a.go", false, 17);           /* cgo */
    expect_at("\t/a.go:12 +0x1 fp=0x1 sp=0x2\n", "/a.go", false, 0); /* fp= without pc= */
    expect_at("\t/a.go:12 +0x1d\r\n", "/a.go", false, 0);
    expect_at("\t/a.go:12 +0x1d \n", "/a.go", false, 0);
    expect_at("\t/a.go:12 +0x1d", "/a.go", false, 0);
    expect_at("\t\t/a.go:12 +0x1d\n", "/a.go", false, 0); /* two tabs: sb_lex trims both */
    expect_at("    /a.go:12 +0x1d\n", "/a.go", false, 0); /* spaces, not Go's tab */
    expect_at("\t/a.go:12 +0x1g\n", "/a.go", false, 0);
    /* A path that is also a header: sb_lex reads the line as one. */
    expect_at("\tgoroutine 7 [x]:12\n", "goroutine 7 [x]", false, 0);
}

/* The template of the file line `from` (of file), as the parser makes it
 * of a line sb_lex_file_at took. */
static void make_tmpl(const char *from, const char *file, sb_file_tmpl *tm)
{
    sb_token t0;
    memset(&t0, 0, sizeof(t0));
    size_t len = sb_lex_file_at(from, from + strlen(from), S(file), &t0);
    assert_true(len > 0);
    assert_true(sb_file_tmpl_make(tm, from, len, &t0));
}

/* sb_lex_file_tmpl_at with tm on the n bytes at b: the length it must
 * return (0: it refuses the line), and when it takes the line, the token
 * sb_lex_file_at makes of it with tm's path. */
static void expect_tmpl_on(const sb_file_tmpl *tm, const char *b, size_t n, size_t want)
{
    sb_token got, ref;
    memset(&got, 0, sizeof(got));
    memset(&ref, 0, sizeof(ref));
    size_t len = sb_lex_file_tmpl_at(b, b + n, tm, &got);
    if (len != want) {
        print_error("template \"%.*s\" on \"%.*s\": took %zu bytes, want %zu\n", (int)tm->len,
                    tm->text, (int)n, b, len, want);
        fail();
    }
    if (len) {
        sb_span file = sb_span_make(tm->text + 1, tm->file_len);
        assert_int_equal(sb_lex_file_at(b, b + n, file, &ref), len);
        assert_memory_equal(&got, &ref, sizeof(got));
    }
}

/* The template of `from` on buf, in a buffer allocated to its exact size
 * (ASan catches a read past it). Hand-written minimal cases. */
static void expect_tmpl_at(const char *from, const char *file, const char *buf, size_t want)
{
    sb_file_tmpl tm;
    make_tmpl(from, file, &tm);
    size_t n;
    char *b = exact_copy(buf, &n);
    expect_tmpl_on(&tm, b, n, want);
    free(b);
}

static void test_file_lines_taken_by_their_template(void **state)
{
    (void)state;
    const char *crash = "\t/a.go:12 +0x1d fp=0xc000 sp=0xc001 pc=0x45\n";
    expect_tmpl_at(crash, "/a.go", crash, 43);
    /* Other stack addresses of the same length: any hex digits. */
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1d fp=0x7ffc sp=0xABcd pc=0x45\n", 43);
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1d fp=0xc0000 sp=0xc001 pc=0x45\n", 0);
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1d fp=0xc00 sp=0xc001 pc=0x45\n", 0);
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1d fp=0xc00g sp=0xc001 pc=0x45\n", 0);
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1d fp=0xc0 0 sp=0xc001 pc=0x45\n", 0);
    /* Everything else is the template's. */
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1d fp=0xc000 sp=0xc001 pc=0x46\n", 0);
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1d fp=0xc000 sp=0xc001 pc=0x451\n", 0);
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1e fp=0xc000 sp=0xc001 pc=0x45\n", 0);
    expect_tmpl_at(crash, "/a.go", "\t/a.go:13 +0x1d fp=0xc000 sp=0xc001 pc=0x45\n", 0);
    expect_tmpl_at(crash, "/a.go", "\t/b.go:12 +0x1d fp=0xc000 sp=0xc001 pc=0x45\n", 0);
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1d fp=0xc000 sp=0xc001 pc=0x45\r\n", 0);
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1d fp=0xc000 sp=0xc001 pc=0x45",
                   0); /* no newline */
    expect_tmpl_at(crash, "/a.go", "\t/a.go:12 +0x1d\n", 0);
    expect_tmpl_at(crash, "/a.go", " /a.go:12 +0x1d fp=0xc000 sp=0xc001 pc=0x45\n", 0);
    /* pc= alone (cgo) has no wild digits. */
    const char *cgo = "\t/a.go:12 pc=0x45\n";
    expect_tmpl_at(cgo, "/a.go", cgo, 17);
    expect_tmpl_at(cgo, "/a.go", "\t/a.go:12 pc=0x46\n", 0);
    /* Without an offset. */
    const char *bare = "\t/a.go:12\n";
    expect_tmpl_at(bare, "/a.go", bare, 9);
    expect_tmpl_at(bare, "/a.go", "\t/a.go:120\n", 0);
    expect_tmpl_at(bare, "/a.go", "\t/a.go:12 +0x1d\n", 0);
    /* A line too long for a template has none. */
    char longer[SB_TMPL_MAX + 16];
    snprintf(longer, sizeof(longer), "\t/%0*d.go:1\n", SB_TMPL_MAX, 0);
    sb_token t;
    memset(&t, 0, sizeof(t));
    sb_file_tmpl tm;
    size_t len = sb_lex_file_at(longer, longer + strlen(longer),
                                sb_span_make(longer + 1, strlen(longer) - 4), &t);
    assert_true(len > 0);
    assert_false(sb_file_tmpl_make(&tm, longer, len, &t));
    assert_int_equal(tm.len, 0);
}

/* Every byte of a crash file line changed, at paths of 1 to 40 bytes (the
 * line across one to five blocks of 16, its last block at every offset):
 * a digit of fp= or sp= changed to another hex digit is taken, any other
 * change refused. The line alone in its buffer is taken too, and never
 * read past. */
static void test_file_tmpl_every_byte(void **state)
{
    (void)state;
    for (int k = 1; k <= 40; k++) {
        char line[160], file[64];
        snprintf(file, sizeof(file), "/%0*d.go", k, 7);
        int n = snprintf(line, sizeof(line), "\t%s:9 +0x1 fp=0xc0a sp=0xc0b pc=0x4\n", file);
        sb_file_tmpl tm;
        make_tmpl(line, file, &tm);
        const char *fp = strstr(line, "fp=0x") + 5, *sp = strstr(line, "sp=0x") + 5;
        for (int i = 0; i < n; i++) {
            bool wild =
                (line + i >= fp && line + i < fp + 3) || (line + i >= sp && line + i < sp + 3);
            char c = wild ? 'F' : (line[i] == 'x' ? 'y' : 'x');
            char copy[sizeof(line) + 16];
            memcpy(copy, line, (size_t)n);
            memset(copy + n, 'z', 16);
            copy[i] = c;
            char *b = malloc((size_t)n + 16);
            assert_non_null(b);
            memcpy(b, copy, (size_t)n + 16);
            expect_tmpl_on(&tm, b, (size_t)n + 16, wild ? (size_t)n - 1 : 0);
            free(b);
        }
        /* The line alone in its buffer. */
        char *b = malloc((size_t)n);
        assert_non_null(b);
        memcpy(b, line, (size_t)n);
        sb_token t;
        memset(&t, 0, sizeof(t));
        assert_int_equal(sb_lex_file_tmpl_at(b, b + n, &tm, &t), (size_t)n - 1);
        free(b);
    }
}

/* The template of the header `from`, as the parser makes it of a line
 * sb_lex_line_at took; false when it makes none. */
static bool make_header_tmpl(const char *from, sb_header_tmpl *tm)
{
    sb_token t0;
    memset(&t0, 0, sizeof(t0));
    size_t len = sb_lex_line_at(from, from + strlen(from), "goroutine ", &t0);
    assert_true(len > 0);
    return sb_header_tmpl_make(tm, from, len, &t0);
}

/* The header template of `from` on buf, in a buffer of its exact size: the
 * length it must return (0: it refuses the line), and when it takes the
 * line, the token sb_lex_line_at makes of it. Hand-written minimal cases. */
static void expect_header_tmpl_at(const char *from, const char *buf, size_t want)
{
    sb_header_tmpl tm;
    assert_true(make_header_tmpl(from, &tm));
    size_t n;
    char *b = exact_copy(buf, &n);
    sb_token got, ref;
    memset(&got, 0, sizeof(got));
    memset(&ref, 0, sizeof(ref));
    size_t len = sb_lex_header_tmpl_at(b, b + n, &tm, &got);
    if (len != want) {
        print_error("header template of \"%s\" on \"%s\": took %zu bytes, want %zu\n", from, buf,
                    len, want);
        fail();
    }
    if (len) {
        assert_int_equal(sb_lex_line_at(b, b + n, "goroutine ", &ref), len);
        assert_memory_equal(&got, &ref, sizeof(got));
    }
    free(b);
}

static void test_headers_taken_by_their_template(void **state)
{
    (void)state;
    const char *h = "goroutine 7 [chan receive, 12 minutes, locked to thread]:\n";
    expect_header_tmpl_at(h, h, strlen(h) - 1);
    /* Any other id, of any length up to 19 digits. */
    expect_header_tmpl_at(h, "goroutine 123456 [chan receive, 12 minutes, locked to thread]:\n",
                          strlen(h) - 1 + 5);
    expect_header_tmpl_at(
        h, "goroutine 1234567890123456789 [chan receive, 12 minutes, locked to thread]:\n",
        strlen(h) - 1 + 18);
    /* 20 digits may overflow: the long way. */
    expect_header_tmpl_at(
        h, "goroutine 12345678901234567890 [chan receive, 12 minutes, locked to thread]:\n", 0);
    /* Everything after the id is the template's. */
    expect_header_tmpl_at(h, "goroutine 7 [chan receive, 13 minutes, locked to thread]:\n", 0);
    expect_header_tmpl_at(h, "goroutine 7 [chan receive, 12 minutes]:\n", 0);
    expect_header_tmpl_at(h, "goroutine 7 [chan receive, 12 minutes, locked to thread]: \n", 0);
    expect_header_tmpl_at(h, "goroutine 7 [chan receive, 12 minutes, locked to thread]:\r\n", 0);
    expect_header_tmpl_at(h, "goroutine 7 [chan receive, 12 minutes, locked to thread]:", 0);
    expect_header_tmpl_at(h, "goroutine  7 [chan receive, 12 minutes, locked to thread]:\n", 0);
    expect_header_tmpl_at(h, "goroutine x [chan receive, 12 minutes, locked to thread]:\n", 0);
    expect_header_tmpl_at(h, "Goroutine 7 [chan receive, 12 minutes, locked to thread]:\n", 0);
    const char *scan = "goroutine 1 [running (scan)]:\n";
    expect_header_tmpl_at(scan, "goroutine 99 [running (scan)]:\n", strlen(scan) - 1 + 1);
    expect_header_tmpl_at(scan, "goroutine 99 [running]:\n", 0);
    const char *empty = "goroutine 1 []:\n";
    expect_header_tmpl_at(empty, "goroutine 2 []:\n", strlen(empty) - 1);
    /* None for a header with labels, an id past 19 digits or a long tail. */
    sb_header_tmpl tm;
    assert_false(make_header_tmpl("goroutine 1 [select, labels: {\"a\":\"b\"}]:\n", &tm));
    assert_int_equal(tm.len, 0);
    assert_false(make_header_tmpl("goroutine 12345678901234567890 [select]:\n", &tm));
    char longer[SB_HDR_TMPL_MAX + 32];
    snprintf(longer, sizeof(longer), "goroutine 1 [%0*d]:\n", SB_HDR_TMPL_MAX, 0);
    assert_false(make_header_tmpl(longer, &tm));
}

/* What stops a scan, spelled out apart from scan.h's masks. */
static bool scan_ref_stops(unsigned char c, enum sb_stop k)
{
    static const char *const sets[] = {
        [SB_STOP_ARG_END] = ",{",
        [SB_STOP_PAREN_NL] = "()\n",
    };
    if (k == SB_STOP_NOT_HEX)
        return c == 0 || !strchr("0123456789abcdefABCDEF", c);
    return c != 0 && strchr(sets[k], c);
}

/* sb_scan against a byte-at-a-time reference: every byte value at every
 * position of runs of 0 to 40 bytes (16-byte steps, the short tail read by
 * a load that ends at end, lines shorter than 16), behind 0 to 16 bytes of
 * line that stop the scan and must be ignored. Each buffer is allocated to
 * its exact size, so that a read past end or before lo fails under ASan. */
static void test_scan_every_byte_at_every_position(void **state)
{
    (void)state;
    static const char filler[] = {
        [SB_STOP_NOT_HEX] = 'a', [SB_STOP_ARG_END] = 'x', [SB_STOP_PAREN_NL] = 'x'};
    static const char stopper[] = {
        [SB_STOP_NOT_HEX] = 'g', [SB_STOP_ARG_END] = ',', [SB_STOP_PAREN_NL] = '\n'};
    static const size_t pres[] = {0, 1, 15, 16};
    for (int k = SB_STOP_NOT_HEX; k <= SB_STOP_PAREN_NL; k++) {
        for (size_t pi = 0; pi < sizeof(pres) / sizeof(pres[0]); pi++) {
            for (size_t len = 0; len <= 40; len++) {
                size_t pre = pres[pi];
                char *lo = malloc(pre + len + 1);
                assert_non_null(lo);
                memset(lo, stopper[k], pre);
                memset(lo + pre, filler[k], len);
                const char *p = lo + pre, *end = p + len;
                assert_int_equal(sb_scan(lo, p, end, (enum sb_stop)k), len);
                for (size_t at = 0; at < len; at++) {
                    for (int c = 0; c < 256; c++) {
                        lo[pre + at] = (char)c;
                        size_t want = scan_ref_stops((unsigned char)c, (enum sb_stop)k) ? at : len;
                        size_t got = sb_scan(lo, p, end, (enum sb_stop)k);
                        if (got != want) {
                            print_error("kind %d, %zu before, %zu long, byte 0x%02x at %zu: got "
                                        "%zu, want %zu\n",
                                        k, pre, len, c, at, got, want);
                            fail();
                        }
                    }
                    lo[pre + at] = filler[k];
                }
                free(lo);
            }
        }
    }
}

/* sb_bytes_eq against memcmp: every length from 0 to 70 (the scalar
 * sizes, one or two overlapping 16-byte loads, the loop), equal and with
 * one byte changed at each position. Each buffer is allocated to its
 * exact size, so that a read past it fails under ASan. */
static void test_bytes_eq_every_length_and_position(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 70; n++) {
        char *a = malloc(n ? n : 1), *b = malloc(n ? n : 1);
        assert_non_null(a);
        assert_non_null(b);
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] = (char)('A' + i % 26);
        assert_true(sb_bytes_eq(a, b, n));
        for (size_t at = 0; at < n; at++) {
            b[at] ^= 0x20;
            if (sb_bytes_eq(a, b, n)) {
                print_error("%zu bytes, byte %zu differs: read as equal\n", n, at);
                fail();
            }
            b[at] ^= 0x20;
        }
        free(a);
        free(b);
    }
}

/* Line numbers and ids: 19 digits are read without an overflow check,
 * the 20th on with one. */
static void test_line_numbers_past_19_digits(void **state)
{
    (void)state;
    sb_token t = lex("\t/a.go:1234567890123456789 +0x1");
    assert_int_equal(t.kind, SB_TOK_FILE);
    assert_int_equal(t.u.file.line, UINT32_MAX);
    t = lex("\t/a.go:000000000000000000042 +0x1"); /* 21 digits, small value */
    assert_int_equal(t.kind, SB_TOK_FILE);
    assert_int_equal(t.u.file.line, 42);
    expect_header("goroutine 1844674407370955161 [running]:", 1844674407370955161ull, "running",
                  -1);
    sb_token h =
        expect_header("goroutine 00000000000000000000018446744073709551615 [running]:", UINT64_MAX,
                      "running", -1);
    assert_false(h.u.header.id_overflow);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pre117_header_semacquire_minutes),
        cmocka_unit_test(test_pre117_raw_hex_args),
        cmocka_unit_test(test_pre117_mutex_chain),
        cmocka_unit_test(test_pre117_additional_frames_elided),
        cmocka_unit_test(test_pre117_created_by_without_id),
        cmocka_unit_test(test_go13_c_files_and_middot_closures),
        cmocka_unit_test(test_go117_uncertain_and_aggregate_args),
        cmocka_unit_test(test_go117_split_lone_ellipsis_and_empty),
        cmocka_unit_test(test_go117_split_counts_beyond_max),
        cmocka_unit_test(test_go117_first_word_forms),
        cmocka_unit_test(test_first_word_as_split_cuts),
        cmocka_unit_test(test_first_text_in_front_of_a_name),
        cmocka_unit_test(test_go117_dwrap_and_generics),
        cmocka_unit_test(test_go121_created_by_in_goroutine),
        cmocka_unit_test(test_go121_n_frames_elided),
        cmocka_unit_test(test_go122_header_gp_m_mp),
        cmocka_unit_test(test_go122_file_with_fp_sp_pc),
        cmocka_unit_test(test_go122_goexit_empty_aggregate_and_wrappers),
        cmocka_unit_test(test_go124_internal_sync_and_waitgroup),
        cmocka_unit_test(test_go126_leaked),
        cmocka_unit_test(test_go126_header_labels),
        cmocka_unit_test(test_go126_durable_locked_synctest),
        cmocka_unit_test(test_header_scan_and_locked),
        cmocka_unit_test(test_header_minutes_saturate),
        cmocka_unit_test(test_header_id_overflow),
        cmocka_unit_test(test_header_truncated_without_bracket),
        cmocka_unit_test(test_header_lookalikes_are_not_headers),
        cmocka_unit_test(test_windows_path),
        cmocka_unit_test(test_func_name_shapes),
        cmocka_unit_test(test_panic_frame),
        cmocka_unit_test(test_signal_lines),
        cmocka_unit_test(test_panic_lines),
        cmocka_unit_test(test_postamble_lines),
        cmocka_unit_test(test_debug1_lines),
        cmocka_unit_test(test_misc_goroutine_lines),
        cmocka_unit_test(test_prose_is_other),
        cmocka_unit_test(test_tok_name),
        cmocka_unit_test(test_find_header),
        cmocka_unit_test(test_guess_frame),
        cmocka_unit_test(test_guess_file),
        cmocka_unit_test(test_guess_scans_every_position),
        cmocka_unit_test(test_scan_every_byte_at_every_position),
        cmocka_unit_test(test_line_numbers_past_19_digits),
        cmocka_unit_test(test_lines_taken_from_the_buffer),
        cmocka_unit_test(test_file_lines_taken_by_their_template),
        cmocka_unit_test(test_file_tmpl_every_byte),
        cmocka_unit_test(test_headers_taken_by_their_template),
        cmocka_unit_test(test_frame_names_plain),
        cmocka_unit_test(test_bytes_eq_every_length_and_position),
    };
    return cmocka_run_group_tests_name("lexer", tests, NULL, NULL);
}
