/* test_crash.c: which dumps record a crash, who crashed and where
 * (crash.c), and the lines that announce one (parser.c, lexer.c).
 * Hand-written minimal dumps (see sb_diag_test.h), shaped like Go's. */
#include "sb_diag_test.h"

#include "stackblame/crash.h"
#include "stackblame/lexer.h"

static const char *str(const sb_fx *fx, uint32_t id)
{
    return sb_str(&fx->m, id, NULL);
}

static const char *crash_func(const sb_fx *fx, const sb_crash *c)
{
    assert_int_not_equal(c->frame, SB_NONE);
    return str(fx, sb_frame_get(&fx->m, c->frame)->func);
}

/* A panic: the running goroutine printed first crashed; its first frame
 * outside the runtime is where. */
static void test_panic(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "panic: runtime error: send on closed channel\n"
               "\n"
               "goroutine 25 [running]:\n"
               "runtime.chansend(0xc000020060, 0xc00001c0a8, 0x1)\n"
               "\t/usr/local/go/src/runtime/chan.go:206 +0x5a\n"
               "example.com/broker.(*conn).submit(0xc000010000)\n"
               "\t/app/broker/session.go:73 +0x85\n"
               "\n"
               "goroutine 1 [chan receive]:\n"
               "main.main()\n"
               "\t/app/main.go:20 +0x85\n");
    assert_int_equal(fx->a.crashes.n, 1);
    const sb_crash *c = &fx->a.crashes.v[0];
    assert_string_equal(str(fx, c->reason), "panic: runtime error: send on closed channel");
    assert_int_equal(fx->m.goroutines[c->goroutine].id, 25);
    assert_string_equal(crash_func(fx, c), "example.com/broker.(*conn).submit");
    assert_int_equal(c->log_line, 0);
}

/* klog's fatal line is the reason; the logger's own frames are skipped. */
static void test_klog_fatal(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "F1221 14:33:55.966391   28009 server.go:265] failed to run Kubelet: no client\n"
               "goroutine 1 [running]:\n"
               "k8s.io/klog/v2.stacks(0xc000010001)\n"
               "\t/go/klog/v2/klog.go:996 +0xb9\n"
               "k8s.io/klog/v2.(*loggingT).output(0x6f3e0a0, 0xc000000003)\n"
               "\t/go/klog/v2/klog.go:945 +0x191\n"
               "k8s.io/kubernetes/cmd/kubelet/app.NewKubeletCommand.func1(0xc0001a2000)\n"
               "\t/go/kubelet/app/server.go:265 +0x63c\n");
    assert_int_equal(fx->a.crashes.n, 1);
    const sb_crash *c = &fx->a.crashes.v[0];
    assert_string_equal(str(fx, c->reason), "failed to run Kubelet: no client");
    assert_true(strncmp(str(fx, c->log_line), "F1221 14:33:55", 14) == 0);
    assert_string_equal(crash_func(fx, c),
                        "k8s.io/kubernetes/cmd/kubelet/app.NewKubeletCommand.func1");
    assert_int_equal(fx->m.stats.skipped_lines, 0);
}

/* A dump asked for with SIGQUIT is not a crash; the terminal's "^\" echo
 * is not part of its headline. */
static void test_sigquit_is_no_crash(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "^\\SIGQUIT: quit\n"
               "PC=0x46a8e1 m=0 sigcode=0\n"
               "\n"
               "goroutine 1 [running]:\n"
               "main.main()\n"
               "\t/app/main.go:20 +0x85\n");
    assert_int_equal(fx->a.crashes.n, 0);
    assert_string_equal(str(fx, fx->m.dumps[0].headline), "SIGQUIT: quit");
}

/* A fatal error behind a coloured logger's codes; a goroutine that is not
 * running did not crash. */
static void test_coloured_fatal(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "\033[32m\033[0mfatal error: all goroutines are asleep - deadlock!\n"
               "\n"
               "goroutine 1 [chan receive]:\n"
               "main.main()\n"
               "\t/app/main.go:20 +0x85\n");
    assert_int_equal(fx->a.crashes.n, 1);
    assert_string_equal(str(fx, fx->a.crashes.v[0].reason),
                        "fatal error: all goroutines are asleep - deadlock!");
    assert_int_equal(fx->a.crashes.v[0].goroutine, SB_NONE);
}

/* GOTRACEBACK=crash prints the crashing goroutine again: one crash. */
static void test_same_crash_once(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "panic: boom\n"
               "\n"
               "goroutine 9 [running]:\n"
               "main.f()\n"
               "\t/app/main.go:5 +0x1\n"
               "\n"
               "panic: boom\n"
               "\n"
               "goroutine 9 [running]:\n"
               "main.f()\n"
               "\t/app/main.go:5 +0x1\n");
    assert_int_equal(fx->m.ndumps, 2);
    assert_int_equal(fx->a.crashes.n, 1);
}

#define SPAN(s) sb_span_make((s), strlen(s))

static void test_log_fatal_lines(void **state)
{
    (void)state;
    assert_true(sb_lex_log_fatal(SPAN("F1221 14:33:55.966391 1 a.go:2] x")));
    assert_true(sb_lex_log_fatal(SPAN("time=\"2024\" level=fatal msg=\"x\"")));
    assert_true(sb_lex_log_fatal(SPAN("FATA[0000] cannot start")));
    assert_true(sb_lex_log_fatal(SPAN("2024-01-01T00:00:00Z\tFATAL\tmain.go:3\tx")));
    assert_true(sb_lex_log_fatal(SPAN("{\"level\":\"fatal\",\"msg\":\"x\"}")));
    assert_false(sb_lex_log_fatal(SPAN("I1221 14:33:55.966391 1 a.go:2] x")));
    assert_false(sb_lex_log_fatal(SPAN("Fatal mistakes were made")));
    assert_false(sb_lex_log_fatal(SPAN("level=fatalistic msg=x")));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_fx, teardown_fx)
    const struct CMUnitTest tests[] = {
        T(test_panic),          T(test_klog_fatal),      T(test_sigquit_is_no_crash),
        T(test_coloured_fatal), T(test_same_crash_once), cmocka_unit_test(test_log_fatal_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
