/* test_quiet.c: the healthy-shape rules (classify.c's quiet_shape, the
 * supervisor rule of graph_wait.c, the progressing rule of blame.c), one
 * test per rule of infer.h: each runs a minimal healthy dump of its shape
 * through sb_analyze() and checks that nothing reaches medium (no chain,
 * cycle or stuck finding that --fail-* would count) and that the
 * goroutine shows the expected rule. Most shapes are a goroutine's class
 * (sb_gclass.quiet); supervisor is the rule of the parent's edge (or no
 * edge at all), progressing the rule of a chain.
 *
 * Every dump here is hand-written and minimal (see sb_diag_test.h). Tests
 * marked BUG check what the rule's doc sentence (src/infer.c) promises and
 * fail until src/ is fixed. */
#include "sb_diag_test.h"

#define MAIN_RUNNING                                                                               \
    "goroutine 1 [running]:\n"                                                                     \
    "main.main()\n"                                                                                \
    "\t/app/main.go:12 +0x1d\n"                                                                    \
    "\n"

/* Rule runtime-helper. Hand-written minimal dump: main running, the
 * forcegc helper and an idle GC mark worker, both parked for 30 minutes. */
static void test_runtime_helper(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_RUNNING "goroutine 2 [force gc (idle), 30 minutes]:\n"
                            "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
                            "\t/usr/local/go/src/runtime/proc.go:402 +0xce\n"
                            "runtime.goparkunlock(...)\n"
                            "\t/usr/local/go/src/runtime/proc.go:408\n"
                            "runtime.forcegchelper()\n"
                            "\t/usr/local/go/src/runtime/proc.go:326 +0xb3\n"
                            "created by runtime.init.6 in goroutine 1\n"
                            "\t/usr/local/go/src/runtime/proc.go:314 +0x1a\n"
                            "\n"
                            "goroutine 18 [GC worker (idle), 30 minutes]:\n"
                            "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
                            "\t/usr/local/go/src/runtime/proc.go:402 +0xce\n"
                            "runtime.gcBgMarkWorker()\n"
                            "\t/usr/local/go/src/runtime/mgc.go:1310 +0xe5\n"
                            "created by runtime.gcBgMarkStartWorkers in goroutine 1\n"
                            "\t/usr/local/go/src/runtime/mgc.go:1234 +0x1c\n");
    assert_nothing_medium(fx);
    assert_quiet(fx, fx_g(fx, 0, 2), SB_RULE_QUIET_RUNTIME);
    assert_quiet(fx, fx_g(fx, 0, 18), SB_RULE_QUIET_RUNTIME);
    assert_quiet(fx, fx_g(fx, 0, 1), 0);
}

/* Rule dump-writer. Hand-written minimal dump: an HTTP server dumped
 * through net/http/pprof (?debug=2): goroutine 41 writes the dump, main
 * accepts, goroutine 23 reads a keep-alive connection. */
static void test_dump_writer(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "goroutine 41 [running]:\n"
               "runtime/pprof.writeGoroutineStacks({0x7f1c20, 0xc0002a0000})\n"
               "\t/usr/local/go/src/runtime/pprof/pprof.go:761 +0x6b\n"
               "runtime/pprof.writeGoroutine({0x7f1c20?, 0xc0002a0000?}, 0x2?)\n"
               "\t/usr/local/go/src/runtime/pprof/pprof.go:750 +0x25\n"
               "runtime/pprof.(*Profile).WriteTo(0x8a1f40?, {0x7f1c20?, 0xc0002a0000?}, 0xc?)\n"
               "\t/usr/local/go/src/runtime/pprof/pprof.go:374 +0x14b\n"
               "net/http/pprof.handler.ServeHTTP({0xc00001e0c1, 0x9}, {0x7f2a48, 0xc0002a0000}, "
               "0xc0002b0000)\n"
               "\t/usr/local/go/src/net/http/pprof/pprof.go:272 +0x4a5\n"
               "net/http.(*conn).serve(0xc0001f2000, {0x7f2a48, 0xc000190000})\n"
               "\t/usr/local/go/src/net/http/server.go:2039 +0x5e8\n"
               "created by net/http.(*Server).Serve in goroutine 1\n"
               "\t/usr/local/go/src/net/http/server.go:3285 +0x4b4\n"
               "\n"
               "goroutine 1 [IO wait, 30 minutes]:\n"
               "internal/poll.runtime_pollWait(0x7f3a5c2e0e28, 0x72)\n"
               "\t/usr/local/go/src/runtime/netpoll.go:345 +0x85\n"
               "internal/poll.(*FD).Accept(0xc000180080)\n"
               "\t/usr/local/go/src/internal/poll/fd_unix.go:611 +0x2ac\n"
               "net/http.(*Server).Serve(0xc0001ba000, {0x7f2a48, 0xc0001c0000})\n"
               "\t/usr/local/go/src/net/http/server.go:3056 +0x364\n"
               "main.main()\n"
               "\t/app/main.go:40 +0x1d\n"
               "\n"
               "goroutine 23 [IO wait, 12 minutes]:\n"
               "internal/poll.runtime_pollWait(0x7f3a5c2e0d30, 0x72)\n"
               "\t/usr/local/go/src/runtime/netpoll.go:345 +0x85\n"
               "internal/poll.(*FD).Read(0xc000180100, {0xc0001c4000, 0x1000, 0x1000})\n"
               "\t/usr/local/go/src/internal/poll/fd_unix.go:164 +0x27a\n"
               "net.(*conn).Read(0xc000120008, {0xc0001c4000?, 0x0?, 0x0?})\n"
               "\t/usr/local/go/src/net/net.go:179 +0x45\n"
               "net/http.(*connReader).Read(0xc0001c2000, {0xc0001c4000, 0x1000, 0x1000})\n"
               "\t/usr/local/go/src/net/http/server.go:789 +0x14b\n"
               "bufio.(*Reader).fill(0xc0001a4000)\n"
               "\t/usr/local/go/src/bufio/bufio.go:110 +0x103\n"
               "bufio.(*Reader).Peek(0xc0001a4000, 0x4)\n"
               "\t/usr/local/go/src/bufio/bufio.go:148 +0x53\n"
               "net/http.(*conn).serve(0xc0001f4000, {0x7f2a48, 0xc000190000})\n"
               "\t/usr/local/go/src/net/http/server.go:2074 +0x749\n"
               "created by net/http.(*Server).Serve in goroutine 1\n"
               "\t/usr/local/go/src/net/http/server.go:3285 +0x4b4\n");
    assert_nothing_medium(fx);
    assert_quiet(fx, fx_g(fx, 0, 41), SB_RULE_QUIET_DUMPER);
    assert_true(fx_not_stuck(fx, fx_g(fx, 0, 41)));
}

/* Rule sleeping. Hand-written minimal dump: a health checker's probe loop
 * in time.Sleep for 30 minutes' worth of sleeps. */
static void test_sleeping(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_RUNNING "goroutine 7 [sleep, 30 minutes]:\n"
                            "time.Sleep(0xdf8475800)\n"
                            "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
                            "example.com/app/health.(*Checker).probe(0xc0000c4000)\n"
                            "\t/app/health/check.go:33 +0x4a\n"
                            "created by example.com/app/health.New in goroutine 1\n"
                            "\t/app/health/check.go:20 +0x6b\n");
    assert_nothing_medium(fx);
    assert_quiet(fx, fx_g(fx, 0, 7), SB_RULE_QUIET_SLEEP);
    assert_true(fx_not_stuck(fx, fx_g(fx, 0, 7)));
}

/* A worker of a pool idle in `for job := range p.jobs` (runtime.chanrecv2)
 * for 45 minutes. Goroutine 8, created by CREATOR. */
#define POOL_WORKER(CREATOR)                                                                       \
    "goroutine 8 [chan receive, 45 minutes]:\n"                                                    \
    "runtime.chanrecv(0xc000022060, 0xc000057f58, 0x1)\n"                                          \
    "\t/usr/local/go/src/runtime/chan.go:583 +0x3cd\n"                                             \
    "runtime.chanrecv2(0xc000022060?, 0xc000057f58?)\n"                                            \
    "\t/usr/local/go/src/runtime/chan.go:447 +0x12\n"                                              \
    "example.com/app/pool.(*Pool).handle(0xc000014080)\n"                                          \
    "\t/app/pool/pool.go:40 +0x7e\n"                                                               \
    "created by " CREATOR "\n"                                                                     \
    "\t/app/pool/pool.go:25 +0x5c\n"

/* Rule idle-loop. Hand-written minimal dump: main running, one idle pool
 * worker, nobody sending it work. */
static void test_idle_loop(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_RUNNING POOL_WORKER("example.com/app/pool.New in goroutine 1"));
    assert_nothing_medium(fx);
    assert_quiet(fx, fx_g(fx, 0, 8), SB_RULE_QUIET_LOOP);
    assert_true(fx_not_stuck(fx, fx_g(fx, 0, 8)));
}

/* Rule netpoll. Hand-written minimal dump: an HTTP server: main in Accept
 * for 30 minutes, goroutine 23 reading a keep-alive connection. */
static void test_netpoll(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "goroutine 1 [IO wait, 30 minutes]:\n"
               "internal/poll.runtime_pollWait(0x7f3a5c2e0e28, 0x72)\n"
               "\t/usr/local/go/src/runtime/netpoll.go:345 +0x85\n"
               "internal/poll.(*FD).Accept(0xc000180080)\n"
               "\t/usr/local/go/src/internal/poll/fd_unix.go:611 +0x2ac\n"
               "net/http.(*Server).Serve(0xc0001ba000, {0x7f2a48, 0xc0001c0000})\n"
               "\t/usr/local/go/src/net/http/server.go:3056 +0x364\n"
               "main.main()\n"
               "\t/app/main.go:40 +0x1d\n"
               "\n"
               "goroutine 23 [IO wait, 12 minutes]:\n"
               "internal/poll.runtime_pollWait(0x7f3a5c2e0d30, 0x72)\n"
               "\t/usr/local/go/src/runtime/netpoll.go:345 +0x85\n"
               "internal/poll.(*FD).Read(0xc000180100, {0xc0001c4000, 0x1000, 0x1000})\n"
               "\t/usr/local/go/src/internal/poll/fd_unix.go:164 +0x27a\n"
               "net.(*conn).Read(0xc000120008, {0xc0001c4000?, 0x0?, 0x0?})\n"
               "\t/usr/local/go/src/net/net.go:179 +0x45\n"
               "net/http.(*connReader).Read(0xc0001c2000, {0xc0001c4000, 0x1000, 0x1000})\n"
               "\t/usr/local/go/src/net/http/server.go:789 +0x14b\n"
               "bufio.(*Reader).fill(0xc0001a4000)\n"
               "\t/usr/local/go/src/bufio/bufio.go:110 +0x103\n"
               "bufio.(*Reader).Peek(0xc0001a4000, 0x4)\n"
               "\t/usr/local/go/src/bufio/bufio.go:148 +0x53\n"
               "net/http.(*conn).serve(0xc0001f2000, {0x7f2a48, 0xc000190000})\n"
               "\t/usr/local/go/src/net/http/server.go:2074 +0x749\n"
               "created by net/http.(*Server).Serve in goroutine 1\n"
               "\t/usr/local/go/src/net/http/server.go:3285 +0x4b4\n");
    assert_nothing_medium(fx);
    assert_quiet(fx, fx_g(fx, 0, 1), SB_RULE_QUIET_NETPOLL);
    assert_quiet(fx, fx_g(fx, 0, 23), SB_RULE_QUIET_NETPOLL);
}

/* Rule supervisor. Hand-written minimal dumps: a parent waiting on a
 * WaitGroup for an idle pool worker it started. In a service (main, 30
 * minutes) it is the normal shape: no edge at all. In a test binary
 * (TestServe, under the runner) the wait is real: the edge stays, named
 * by the supervisor rule, at low. */
static void test_supervisor(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "goroutine 1 [semacquire, 30 minutes]:\n"
               "sync.runtime_Semacquire(0xc000014098?)\n"
               "\t/usr/local/go/src/runtime/sema.go:62 +0x25\n"
               "sync.(*WaitGroup).Wait(0xc000014090)\n"
               "\t/usr/local/go/src/sync/waitgroup.go:116 +0x48\n"
               "main.main()\n"
               "\t/app/main.go:31 +0x1d5\n"
               "\n" POOL_WORKER("main.main in goroutine 1"));
    assert_nothing_medium(fx);
    assert_int_equal(fx->a.graph.target_of[fx_g(fx, 0, 1)], SB_NONE);
    assert_true(fx_not_stuck(fx, fx_g(fx, 0, 1)));
    assert_quiet(fx, fx_g(fx, 0, 8), SB_RULE_QUIET_LOOP);

    void *other = NULL;
    assert_int_equal(setup_fx(&other), 0);
    sb_fx *test = other;
    fx_run(test, "goroutine 1 [chan receive]:\n"
                 "testing.(*T).Run(0xc000007ba0, {0x5a2f1e, 0xa}, 0x5b8d40)\n"
                 "\t/usr/local/go/src/testing/testing.go:1750 +0x3ab\n"
                 "testing.runTests.func1(0xc000007ba0)\n"
                 "\t/usr/local/go/src/testing/testing.go:2161 +0x37\n"
                 "testing.tRunner(0xc000007ba0, 0xc00012fc70)\n"
                 "\t/usr/local/go/src/testing/testing.go:1689 +0xfb\n"
                 "testing.runTests(0xc0000123c0, {0x6b3a40, 0x1, 0x1}, {0x0?, 0x0?, 0x6b7ca0?})\n"
                 "\t/usr/local/go/src/testing/testing.go:2159 +0x445\n"
                 "testing.(*M).Run(0xc0000a4140)\n"
                 "\t/usr/local/go/src/testing/testing.go:2027 +0x68b\n"
                 "main.main()\n"
                 "\t_testmain.go:47 +0x16c\n"
                 "\n"
                 "goroutine 7 [semacquire]:\n"
                 "sync.runtime_Semacquire(0xc000014098?)\n"
                 "\t/usr/local/go/src/runtime/sema.go:62 +0x25\n"
                 "sync.(*WaitGroup).Wait(0xc000014090)\n"
                 "\t/usr/local/go/src/sync/waitgroup.go:116 +0x48\n"
                 "example.com/app/pool.TestServe(0xc000007d40)\n"
                 "\t/app/pool/pool_test.go:31 +0x1d5\n"
                 "testing.tRunner(0xc000007d40, 0x5b8d40)\n"
                 "\t/usr/local/go/src/testing/testing.go:1689 +0xfb\n"
                 "created by testing.(*T).Run in goroutine 1\n"
                 "\t/usr/local/go/src/testing/testing.go:1742 +0x390\n"
                 "\n" POOL_WORKER("example.com/app/pool.TestServe in goroutine 7"));
    assert_nothing_medium(test);
    assert_edge(test, fx_g(test, 0, 7), SB_RULE_QUIET_SUPERVISOR, SB_CONF_LOW, fx_g(test, 0, 8));
    assert_quiet(test, fx_g(test, 0, 8), SB_RULE_QUIET_LOOP);
    teardown_fx(&other);
}

/* Rule parallel-test. Hand-written minimal dump: the runner of the first
 * tests, and two tests parked in t.Parallel, waiting for their turn. */
static void test_parallel_test(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "goroutine 1 [chan receive]:\n"
               "testing.tRunner.func1()\n"
               "\t/usr/local/go/src/testing/testing.go:1650 +0x4ab\n"
               "testing.tRunner(0xc000007ba0, 0xc00012fc70)\n"
               "\t/usr/local/go/src/testing/testing.go:1695 +0x134\n"
               "testing.runTests(0xc0000123c0, {0x6b3a40, 0x2, 0x2}, {0x0?, 0x0?, 0x6b7ca0?})\n"
               "\t/usr/local/go/src/testing/testing.go:2159 +0x445\n"
               "testing.(*M).Run(0xc0000a4140)\n"
               "\t/usr/local/go/src/testing/testing.go:2027 +0x68b\n"
               "main.main()\n"
               "\t_testmain.go:49 +0x16c\n"
               "\n"
               "goroutine 7 [chan receive]:\n"
               "testing.(*T).Parallel(0xc000007d40)\n"
               "\t/usr/local/go/src/testing/testing.go:1484 +0x1cd\n"
               "example.com/app/queue.TestParallelA(0xc000007d40)\n"
               "\t/app/queue/queue_test.go:51 +0x25\n"
               "testing.tRunner(0xc000007d40, 0x5b8d40)\n"
               "\t/usr/local/go/src/testing/testing.go:1689 +0xfb\n"
               "created by testing.(*T).Run in goroutine 1\n"
               "\t/usr/local/go/src/testing/testing.go:1742 +0x390\n"
               "\n"
               "goroutine 8 [chan receive]:\n"
               "testing.(*T).Parallel(0xc000007ea0)\n"
               "\t/usr/local/go/src/testing/testing.go:1484 +0x1cd\n"
               "example.com/app/queue.TestParallelB(0xc000007ea0)\n"
               "\t/app/queue/queue_test.go:60 +0x25\n"
               "testing.tRunner(0xc000007ea0, 0x5b8d48)\n"
               "\t/usr/local/go/src/testing/testing.go:1689 +0xfb\n"
               "created by testing.(*T).Run in goroutine 1\n"
               "\t/usr/local/go/src/testing/testing.go:1742 +0x390\n");
    assert_nothing_medium(fx);
    assert_quiet(fx, fx_g(fx, 0, 7), SB_RULE_QUIET_PARALLEL_TEST);
    assert_quiet(fx, fx_g(fx, 0, 8), SB_RULE_QUIET_PARALLEL_TEST);
    assert_true(fx_not_stuck(fx, fx_g(fx, 0, 7)));
}

/* Rule main-park. Hand-written minimal dump: main parked in select {}
 * (no cases: otherwise empty-select) while a metrics pusher works. */
static void test_main_park(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "goroutine 1 [select (no cases), 30 minutes]:\n"
               "main.main()\n"
               "\t/app/main.go:52 +0x1b8\n"
               "\n"
               "goroutine 7 [sleep]:\n"
               "time.Sleep(0x3b9aca00)\n"
               "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
               "example.com/app/metrics.(*Exporter).push(0xc0000c4000)\n"
               "\t/app/metrics/export.go:33 +0x4a\n"
               "created by main.main in goroutine 1\n"
               "\t/app/main.go:48 +0x6b\n");
    assert_nothing_medium(fx);
    uint32_t g1 = fx_g(fx, 0, 1);
    assert_quiet(fx, g1, SB_RULE_QUIET_MAIN_PARK);
    assert_true(fx_not_stuck(fx, g1)); /* not empty-select, though select {} is forever */
}

/* Rule progressing. Hand-written minimal dump: goroutine 7 waits on the
 * Store's mutex (no wait time: just now); its holder, goroutine 6, is
 * runnable inside (*Store).compact: the chain is a momentary wait. */
static void test_progressing(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "goroutine 1 [chan receive]:\n"
               "main.main()\n"
               "\t/app/main.go:25 +0x1d\n"
               "\n"
               "goroutine 7 [sync.Mutex.Lock]:\n"
               "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"
               "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
               "sync.(*Mutex).lockSlow(0xc000010008)\n"
               "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
               "sync.(*Mutex).Lock(...)\n"
               "\t/usr/local/go/src/sync/mutex.go:90\n"
               "example.com/app/store.(*Store).Get(0xc000010000, {0x6a1b2c, 0x3})\n"
               "\t/app/store/store.go:42 +0x4e\n"
               "created by main.main in goroutine 1\n"
               "\t/app/main.go:20 +0x85\n"
               "\n"
               "goroutine 6 [runnable]:\n"
               "example.com/app/store.(*Store).compact(0xc000010000)\n"
               "\t/app/store/store.go:97 +0x1c5\n"
               "example.com/app/store.(*Store).Put(0xc000010000, {0x6a1b2c, 0x3})\n"
               "\t/app/store/store.go:61 +0x8a\n"
               "created by main.main in goroutine 1\n"
               "\t/app/main.go:19 +0x6b\n");
    assert_nothing_medium(fx);
    uint32_t g6 = fx_g(fx, 0, 6), g7 = fx_g(fx, 0, 7);
    assert_edge(fx, g7, SB_RULE_LOCK_RECEIVER, SB_CONF_HIGH, g6);
    assert_int_equal(fx->a.blame.nchains, 1);
    const sb_chain *ch = &fx->a.blame.chains[0];
    assert_int_equal(ch->links[0], g7);
    assert_int_equal(ch->links[ch->nlinks - 1], g6);
    assert_int_equal(ch->rule, SB_RULE_QUIET_PROGRESSING);
    assert_int_equal(ch->conf, SB_CONF_LOW);
}

/* BUG (classify.c, quiet_shape): main-park is given to main.main blocked
 * in a receive (or select {}) whether or not any other goroutine of the
 * program is alive; its doc says "with other goroutines of the program
 * alive: the idiom of a server". With main alone, the receive can never
 * end: the classic deadlock `ch := make(chan int); <-ch` comes out with no
 * finding at all, even after the runtime said so.
 * Hand-written minimal dump: what Go prints for that program (the runtime
 * frames of a fatal error's traceback hidden, as GOTRACEBACK=single does).
 * Expected: goroutine 1 not main-park.
 * Actual:   quiet == main-park, so it is never named stuck. */
static void test_bug_main_park_with_main_alone(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "fatal error: all goroutines are asleep - deadlock!\n"
               "\n"
               "goroutine 1 [chan receive]:\n"
               "main.main()\n"
               "\t/app/main.go:5 +0x25\n"
               "exit status 2\n");
    assert_int_equal(fx->a.classes.dumps[0].live, 1);
    uint32_t q = fx->a.classes.g[fx_g(fx, 0, 1)].quiet;
    if (q == SB_RULE_QUIET_MAIN_PARK)
        print_error("goroutine 1 is the only goroutine of the program, yet main-park\n");
    assert_int_not_equal(q, SB_RULE_QUIET_MAIN_PARK);
}

/* BUG (classify.c, quiet_shape): in a debug=1 profile no header says
 * "chan send", so gc->send stays false and a record blocked in
 * runtime.chansend1 at the top of its goroutine is taken for an idle
 * receive: idle-loop, whose doc covers "a receive, select or Cond.Wait".
 * The frames say it is a send (runtime.chansend1 / runtime.chansend).
 * Hand-written minimal dump: a debug=1 profile, 2 goroutines stuck
 * sending in (*Server).notify.func1, and main.
 * Expected: the record is not idle-loop.
 * Actual:   quiet == idle-loop (so no-counterpart and the wait rules skip it). */
static void test_bug_debug1_send_is_idle_loop(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx,
           "goroutine profile: total 3\n"
           "2 @ 0x43a2d6 0x406bfb 0x4066f8 0x78499c 0x46aaa1\n"
           "#\t0x406bfa\truntime.chansend1+0x1a\t\t\t\t\t/usr/local/go/src/runtime/chan.go:145\n"
           "#\t0x78499b\texample.com/app/api.(*Server).notify.func1+0x3b\t\t/app/api/notify.go:52\n"
           "\n"
           "1 @ 0x43a2d6 0x44b21e 0x46aaa1\n"
           "#\t0x44b21d\tmain.main+0x11d\t\t/app/main.go:19\n");
    uint32_t rec = fx->m.dumps[0].first;
    assert_int_equal(fx->m.goroutines[rec].count, 2);
    assert_int_equal(fx->a.classes.g[rec].kind, SB_WAIT_CHAN);
    assert_quiet(fx, rec, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_fx, teardown_fx)
    const struct CMUnitTest tests[] = {
        T(test_runtime_helper),
        T(test_dump_writer),
        T(test_sleeping),
        T(test_idle_loop),
        T(test_netpoll),
        T(test_supervisor),
        T(test_parallel_test),
        T(test_main_park),
        T(test_progressing),
        T(test_bug_main_park_with_main_alone),
        T(test_bug_debug1_send_is_idle_loop),
    };
#undef T
    return cmocka_run_group_tests_name("quiet", tests, NULL, NULL);
}
