/* test_parser.c: whole small dumps through sb_input_open_mem + sb_parse_input
 * into an sb_model, then checks of model.dumps, model.goroutines and
 * model.stats.
 *
 * Every dump here is a hand-written minimal case: a few goroutines whose
 * lines are copied from the shapes real Go versions print (named in each
 * test), not a captured dump. The parser runs with a prefix detector, as the
 * CLI does. */
#include "sb_test.h"

#include "stackblame/input.h"
#include "stackblame/model.h"
#include "stackblame/parser.h"
#include "stackblame/prefix.h"

static void parse_named(sb_model *m, const char *name, const char *text, size_t len,
                        const char *label)
{
    char err[256] = "";
    sb_prefix *px = sb_prefix_new(NULL, err, sizeof(err));
    assert_non_null(px);
    sb_parser *p = sb_parser_new(m, px);
    sb_input in;
    sb_input_open_mem(&in, name, text, len);
    bool ok = sb_parse_input(p, &in, label, err, sizeof(err));
    sb_input_close(&in);
    sb_parser_free(p);
    sb_prefix_free(px);
    assert_true(ok);
}

static void parse(sb_model *m, const char *text)
{
    parse_named(m, "dumps/test.txt", text, strlen(text), NULL);
}

static const char *str(const sb_model *m, uint32_t id)
{
    return sb_str(m, id, NULL);
}

/* The text of argument i of goroutine g (sb_goroutine_arg), in one of a
 * few buffers that take turns: two may stand in one assertion. */
static const char *arg(const sb_model *m, const sb_goroutine *g, uint32_t i)
{
    static char out[4][256];
    static unsigned turn;
    char *o = out[turn++ % 4];
    char buf[SB_ARG_TEXT_MAX];
    size_t n;
    const char *s = sb_arg_text(m, sb_goroutine_arg(m, g, i), buf, &n);
    assert_true(n < sizeof(out[0]));
    memcpy(o, s, n);
    o[n] = '\0';
    return o;
}

static const sb_goroutine *gor(const sb_model *m, size_t i)
{
    assert_true(i < m->ngoroutines);
    return &m->goroutines[i];
}

static uint32_t nframes(const sb_model *m, const sb_goroutine *g)
{
    return sb_stack_get(m, g->stack)->nframes;
}

static const sb_frame *frame(const sb_model *m, const sb_goroutine *g, uint32_t i)
{
    const sb_stack *st = sb_stack_get(m, g->stack);
    assert_true(i < st->nframes);
    return sb_frame_get(m, st->frames[i]);
}

static const char *func(const sb_model *m, const sb_goroutine *g, uint32_t i)
{
    return str(m, frame(m, g, i)->func);
}

/* ------------------------------------------------------- splitting dumps */

/* Ids below and above the dense range of the id set (bits below 2^22, a
 * hash set above), and 2^64-1, which a hash set of id + 1 cannot hold:
 * each repeated id starts a dump; a new one does not, whatever its size.
 * Hand-written minimal case. */
static void test_repeated_ids_of_every_size(void **state)
{
    sb_model *m = *state;
    static const char *const ids[] = {"4194303",
                                      "4194304",
                                      "18446744073709551615",
                                      "1",
                                      "4194303",
                                      "63",
                                      "64",
                                      "4194304",
                                      "18446744073709551615",
                                      "18446744073709551615"};
    char dump[1024] = "";
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        char g[128];
        snprintf(g, sizeof(g), "goroutine %s [select]:\nmain.f()\n\t/x/main.go:9 +0x2a\n\n",
                 ids[i]);
        strcat(dump, g);
    }
    parse(m, dump);
    /* Dumps: [4194303 4194304 2^64-1 1] [4194303 63 64 4194304 2^64-1] [2^64-1]. */
    assert_int_equal(m->ndumps, 3);
    assert_int_equal(m->dumps[0].ngoroutines, 4);
    assert_int_equal(m->dumps[1].ngoroutines, 5);
    assert_int_equal(m->dumps[2].ngoroutines, 1);
}

static void test_two_dumps_where_ids_repeat(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n"
             "\n"
             "goroutine 2 [chan receive]:\n"
             "main.f()\n"
             "\t/x/main.go:9 +0x2a\n"
             "\n"
             "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n"
             "\n"
             "goroutine 2 [chan receive, 1 minutes]:\n"
             "main.f()\n"
             "\t/x/main.go:9 +0x2a\n");
    assert_int_equal(m->ndumps, 2);
    assert_int_equal(m->ngoroutines, 4);
    assert_int_equal(m->dumps[0].first, 0);
    assert_int_equal(m->dumps[0].ngoroutines, 2);
    assert_int_equal(m->dumps[1].first, 2);
    assert_int_equal(m->dumps[1].ngoroutines, 2);
    assert_int_equal(m->dumps[0].origin, SB_ORIGIN_PLAIN);
    assert_int_equal(m->dumps[0].format, SB_FMT_TRACEBACK);
    assert_int_equal(m->dumps[0].headline, 0);
    assert_int_equal(m->dumps[1].line_no, 9);
    /* Without a log prefix, a dump is labelled by its file name up to the first dot. */
    assert_string_equal(str(m, m->dumps[0].label), "test");
    assert_string_equal(str(m, m->dumps[0].source), "dumps/test.txt");
    assert_int_equal(gor(m, 2)->dump, 1);
    assert_int_equal(gor(m, 3)->wait_minutes, 1);
    assert_true(m->stats.goroutines == 4);
    assert_true(m->stats.frames == 4);
    assert_true(m->stats.lines == 15);
    assert_true(m->stats.skipped_lines == 0);
    assert_true(m->stats.truncated == 0);
}

static void test_explicit_label(void **state)
{
    sb_model *m = *state;
    const char *d = "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1d\n";
    parse_named(m, "a/b.txt", d, strlen(d), "node-7");
    assert_int_equal(m->ndumps, 1);
    assert_string_equal(str(m, m->dumps[0].label), "node-7");
}

/* go1.19 SIGQUIT: preamble, goroutines, registers, exit status. */
static void test_split_at_sigquit_preamble(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n"
             "\n"
             "SIGQUIT: quit\n"
             "PC=0x46e7c1 m=0 sigcode=0\n"
             "\n"
             "goroutine 5 [select]:\n"
             "main.g()\n"
             "\t/x/main.go:20 +0x1\n"
             "rax    0x0\n"
             "rbx    0x1\n"
             "exit status 2\n");
    assert_int_equal(m->ndumps, 2);
    assert_int_equal(m->dumps[0].origin, SB_ORIGIN_PLAIN);
    assert_int_equal(m->dumps[1].origin, SB_ORIGIN_SIGNAL);
    assert_string_equal(str(m, m->dumps[1].headline), "SIGQUIT: quit");
    assert_true(m->dumps[1].line_no == 5);
    assert_int_equal(m->dumps[1].ngoroutines, 1);
    assert_true(gor(m, 1)->id == 5);
    assert_int_equal(gor(m, 1)->flags & SB_G_TRUNCATED, 0);
    assert_true(m->stats.known_lines == 5); /* SIGQUIT, PC=, rax, rbx, exit status */
    assert_true(m->stats.skipped_lines == 0);
}

static void test_panic_headline_and_nested_panic(void **state)
{
    sb_model *m = *state;
    parse(m, "panic: boom [recovered]\n"
             "\tpanic: again\n"
             "\n"
             "goroutine 1 [running]:\n"
             "panic({0x4b2f1e, 0xc000012345})\n"
             "\t/usr/local/go/src/runtime/panic.go:914 +0x21f\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n"
             "exit status 2\n");
    assert_int_equal(m->ndumps, 1);
    assert_int_equal(m->dumps[0].origin, SB_ORIGIN_PANIC);
    assert_string_equal(str(m, m->dumps[0].headline), "panic: boom [recovered]");
    assert_true(m->dumps[0].line_no == 1);
    const sb_goroutine *g = gor(m, 0);
    assert_int_equal(nframes(m, g), 2);
    assert_string_equal(func(m, g, 0), "panic");
    assert_string_equal(arg(m, g, 0), "{0x4b2f1e, 0xc000012345}");
}

/* fatal error with the system stack first (runtime stack: is no goroutine). */
static void test_fatal_error_with_runtime_stack(void **state)
{
    sb_model *m = *state;
    parse(m, "fatal error: concurrent map writes\n"
             "\n"
             "runtime stack:\n"
             "runtime.throw({0x4b2f1e?, 0x0?})\n"
             "\t/usr/local/go/src/runtime/panic.go:1047 +0x5d fp=0x7ffd sp=0x7ffc pc=0x434e1d\n"
             "\n"
             "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n");
    assert_int_equal(m->ndumps, 1);
    assert_int_equal(m->ngoroutines, 1);
    assert_int_equal(m->dumps[0].origin, SB_ORIGIN_FATAL);
    assert_string_equal(str(m, m->dumps[0].headline), "fatal error: concurrent map writes");
    assert_true(m->stats.known_lines == 4); /* fatal, runtime stack:, its frame and file */
    assert_true(m->stats.skipped_lines == 0);
}

static void test_fatal_deadlock(void **state)
{
    sb_model *m = *state;
    parse(m, "fatal error: all goroutines are asleep - deadlock!\n"
             "\n"
             "goroutine 1 [chan receive]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n");
    assert_int_equal(m->ndumps, 1);
    assert_int_equal(m->dumps[0].origin, SB_ORIGIN_FATAL);
    assert_string_equal(str(m, gor(m, 0)->state), "chan receive");
}

/* journald: kubelet's dump, then terwayd's; ids do not repeat, the process
 * name in the prefix is what splits them. */
static void test_journald_two_processes(void **state)
{
    sb_model *m = *state;
    parse(m, "Dec 21 14:33:55 node1 kubelet[1]: goroutine 1 [running]:\n"
             "Dec 21 14:33:55 node1 kubelet[1]: main.main()\n"
             "Dec 21 14:33:55 node1 kubelet[1]: \t/x/main.go:5 +0x1d\n"
             "Dec 21 14:33:55 node1 kubelet[1]: \n"
             "Dec 21 14:33:55 node1 kubelet[1]: goroutine 2 [select]:\n"
             "Dec 21 14:33:55 node1 kubelet[1]: main.f()\n"
             "Dec 21 14:33:55 node1 kubelet[1]: \t/x/main.go:9 +0x1d\n"
             "Dec 21 14:33:56 node1 terwayd[2]: goroutine 3 [running]:\n"
             "Dec 21 14:33:56 node1 terwayd[2]: main.main()\n"
             "Dec 21 14:33:56 node1 terwayd[2]: \t/y/main.go:7 +0x1d\n");
    assert_int_equal(m->ndumps, 2);
    assert_string_equal(str(m, m->dumps[0].label), "kubelet");
    assert_string_equal(str(m, m->dumps[1].label), "terwayd");
    assert_int_equal(m->dumps[0].ngoroutines, 2);
    assert_int_equal(m->dumps[1].ngoroutines, 1);
    assert_string_equal(str(m, frame(m, gor(m, 2), 0)->file), "/y/main.go");
    assert_true(m->stats.skipped_lines == 0);
    assert_true(m->stats.truncated == 0);
}

/* Two processes writing into one journal at once: lines alternate, each
 * label keeps its own goroutine (hand-written minimal case). */
static void test_journald_interleaved_processes(void **state)
{
    sb_model *m = *state;
    parse(m, "Dec 21 14:33:55 node1 kubelet[1]: goroutine 1 [running]:\n"
             "Dec 21 14:33:55 node1 terwayd[2]: goroutine 1 [select]:\n"
             "Dec 21 14:33:55 node1 kubelet[1]: main.main()\n"
             "Dec 21 14:33:55 node1 terwayd[2]: main.loop()\n"
             "Dec 21 14:33:55 node1 kubelet[1]: \t/k/main.go:5 +0x1d\n"
             "Dec 21 14:33:55 node1 terwayd[2]: \t/t/main.go:7 +0x1d\n"
             "Dec 21 14:33:55 node1 kubelet[1]: \n"
             "Dec 21 14:33:55 node1 terwayd[2]: \n"
             "Dec 21 14:33:55 node1 kubelet[1]: goroutine 2 [chan receive]:\n"
             "Dec 21 14:33:55 node1 kubelet[1]: main.f()\n"
             "Dec 21 14:33:55 node1 kubelet[1]: \t/k/main.go:9 +0x1d\n");
    assert_int_equal(m->ndumps, 2);
    assert_string_equal(str(m, m->dumps[0].label), "kubelet");
    assert_string_equal(str(m, m->dumps[1].label), "terwayd");
    assert_int_equal(m->dumps[0].ngoroutines, 2);
    assert_int_equal(m->dumps[1].ngoroutines, 1);
    /* regrouped: each dump's goroutines are contiguous again */
    assert_int_equal(m->dumps[0].first, 0);
    assert_int_equal(m->dumps[1].first, 2);
    assert_string_equal(str(m, frame(m, gor(m, 1), 0)->file), "/k/main.go");
    assert_string_equal(str(m, frame(m, gor(m, 2), 0)->file), "/t/main.go");
    assert_true(m->stats.skipped_lines == 0);
    assert_true(m->stats.truncated == 0);
}

static void test_cri_prefix_keeps_file_label(void **state)
{
    sb_model *m = *state;
    parse(m, "2026-11-26T23:58:44.123456789Z stderr F goroutine 1 [running]:\n"
             "2026-11-26T23:58:44.123456789Z stderr F main.main()\n"
             "2026-11-26T23:58:44.123456789Z stderr F \t/x/main.go:5 +0x1d\n");
    assert_int_equal(m->ndumps, 1);
    assert_string_equal(str(m, m->dumps[0].label), "test");
    assert_int_equal(nframes(m, gor(m, 0)), 1);
    assert_string_equal(str(m, frame(m, gor(m, 0), 0)->file), "/x/main.go");
}

/* A plain tag with frames glued onto one line behind it. */
static void test_plain_tag_glued_frames(void **state)
{
    sb_model *m = *state;
    parse(m, "kubelet: goroutine 1 [running]:\n"
             "kubelet: main.f(0x1) kubelet: \t/x/main.go:5 +0x1d kubelet: main.main()\n"
             "kubelet: \t/x/main.go:9 +0x2a\n");
    assert_int_equal(m->ndumps, 1);
    assert_string_equal(str(m, m->dumps[0].label), "kubelet");
    const sb_goroutine *g = gor(m, 0);
    assert_int_equal(nframes(m, g), 2);
    assert_string_equal(func(m, g, 0), "main.f");
    assert_int_equal(frame(m, g, 0)->line, 5);
    assert_string_equal(func(m, g, 1), "main.main");
    assert_int_equal(frame(m, g, 1)->line, 9);
    assert_int_equal(g->flags & SB_G_TRUNCATED, 0);
}

/* Text glued in front of the first header, as a SIGQUIT handler that logs
 * without a newline leaves it. */
static void test_text_glued_before_header(void **state)
{
    sb_model *m = *state;
    parse(m, "...dumping all stacksgoroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n");
    assert_int_equal(m->ngoroutines, 1);
    assert_true(gor(m, 0)->id == 1);
    assert_int_equal(nframes(m, gor(m, 0)), 1);
}

/* ------------------------------------------------------------------ debug=1 */

static void test_debug1_profile(void **state)
{
    sb_model *m = *state;
    parse(
        m,
        "goroutine profile: total 5\n"
        "3 @ 0x43b5a5 0x466da5 0x47ebc5\n"
        "#\t0x466da4\tsync.runtime_SemacquireMutex+0x24\t/usr/lib/go-1.19/src/runtime/sema.go:77\n"
        "#\t0x47ebc4\tsync.(*Mutex).lockSlow+0x164\t\t/usr/lib/go-1.19/src/sync/mutex.go:171\n"
        "\n"
        "2 @ 0x43b5a5 0x46ad41\n"
        "# labels: {\"k\":\"v\"}\n"
        "#\t0x4a5b6c\tmain.f+0x1c\t/x/main.go:12\n"
        "\n");
    assert_int_equal(m->ndumps, 1);
    const sb_dump *d = &m->dumps[0];
    assert_int_equal(d->format, SB_FMT_DEBUG1);
    assert_int_equal(d->origin, SB_ORIGIN_PROFILE);
    assert_string_equal(str(m, d->headline), "goroutine profile: total 5");
    assert_true(d->declared_total == 5);
    assert_true(d->goroutines == 5);
    assert_int_equal(d->ngoroutines, 2);
    assert_true(m->stats.goroutines == 5);
    assert_true(m->stats.frames == 3);

    const sb_goroutine *g = gor(m, 0);
    assert_int_equal(g->count, 3);
    assert_true(g->id == 0);
    assert_int_equal(g->wait_minutes, -1);
    assert_int_equal(g->labels, 0);
    assert_int_equal(g->flags & SB_G_TRUNCATED, 0);
    assert_int_equal(nframes(m, g), 2);
    assert_string_equal(func(m, g, 0), "sync.runtime_SemacquireMutex");
    assert_string_equal(str(m, frame(m, g, 0)->file), "/usr/lib/go-1.19/src/runtime/sema.go");
    assert_int_equal(frame(m, g, 0)->line, 77);
    assert_string_equal(func(m, g, 1), "sync.(*Mutex).lockSlow");

    g = gor(m, 1);
    assert_int_equal(g->count, 2);
    assert_string_equal(str(m, g->labels), "{\"k\":\"v\"}");
    assert_int_equal(nframes(m, g), 1);
    assert_int_equal(frame(m, g, 0)->line, 12);
    assert_true(m->stats.skipped_lines == 0);
}

/* A profile without the final blank line still closes its last record. */
static void test_debug1_profile_at_eof(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine profile: total 4\n"
             "4 @ 0x43b5a5\n"
             "#\t0x4a5b6c\tmain.f+0x1c\t/x/main.go:12");
    assert_int_equal(m->ngoroutines, 1);
    assert_int_equal(gor(m, 0)->count, 4);
    assert_true(m->stats.goroutines == 4);
}

/* A traceback after a profile is a new dump of its own. */
static void test_debug1_then_debug2(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine profile: total 1\n"
             "1 @ 0x43b5a5\n"
             "#\t0x4a5b6c\tmain.f+0x1c\t/x/main.go:12\n"
             "\n"
             "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n");
    assert_int_equal(m->ndumps, 2);
    assert_int_equal(m->dumps[0].format, SB_FMT_DEBUG1);
    assert_int_equal(m->dumps[1].format, SB_FMT_TRACEBACK);
    assert_int_equal(m->dumps[1].ngoroutines, 1);
    assert_true(m->stats.goroutines == 2);
}

/* -------------------------------------------------------- goroutine shapes */

static void test_truncated_goroutine_at_eof(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n"
             "\n"
             "goroutine 2 [select]:\n"
             "main.f()\n");
    assert_int_equal(m->ngoroutines, 2);
    assert_int_equal(gor(m, 0)->flags & SB_G_TRUNCATED, 0);
    assert_true(gor(m, 1)->flags & SB_G_TRUNCATED);
    assert_true(m->stats.truncated == 1);
    assert_int_equal(nframes(m, gor(m, 1)), 1);
    assert_int_equal(frame(m, gor(m, 1), 0)->file, 0);
}

static void test_truncated_created_by_and_bare_header(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 7 [select]:\n"
             "main.f()\n"
             "\t/x/main.go:5 +0x1d\n"
             "created by main.main in goroutine 1\n"
             "\n"
             "goroutine 8 [select]:\n");
    assert_int_equal(m->ngoroutines, 2);
    assert_true(gor(m, 0)->flags & SB_G_TRUNCATED); /* created-by without its file line */
    assert_true(gor(m, 1)->flags & SB_G_TRUNCATED); /* header only */
    assert_true(m->stats.truncated == 2);
}

/* A stack lists its method frames, the only ones whose first argument a
 * goroutine keeps (what the reports walk). Hand-written minimal input. */
static void test_stack_lists_its_method_frames(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 1 [semacquire]:\n"
             "runtime.gopark(0x1?)\n"
             "\t/go/src/runtime/proc.go:363 +0xd6\n"
             "sync.(*Mutex).Lock(0xc000010000)\n"
             "\t/go/src/sync/mutex.go:81 +0x5d\n"
             "main.run(0x3)\n"
             "\t/x/main.go:10 +0x1\n"
             "main.(*pool).worker(0xc000020000, 0x2)\n"
             "\t/x/main.go:20 +0x1\n"
             "\n"
             "goroutine 2 [sleep]:\n"
             "time.Sleep(0x3b9aca00)\n"
             "\t/go/src/runtime/time.go:195 +0x135\n");
    assert_int_equal(m->ngoroutines, 2);
    const sb_stack *st = sb_stack_get(m, gor(m, 0)->stack);
    assert_int_equal(st->nframes, 4);
    assert_int_equal(st->nmethods, 2);
    assert_int_equal(st->methods[0], 1);
    assert_int_equal(st->methods[1], 3);
    st = sb_stack_get(m, gor(m, 1)->stack);
    assert_int_equal(st->nframes, 1);
    assert_int_equal(st->nmethods, 0);
}

/* A goroutine keeps one argument ref per method frame of its stack, in
 * the order of sb_stack.methods; the frames between show the stack's. */
static void test_goroutine_keeps_one_ref_per_method_frame(void **state)
{
    sb_model *m = *state;
    const char *g1 = "goroutine 1 [semacquire]:\n"
                     "sync.(*Mutex).Lock(0xc000010000)\n"
                     "\t/go/src/sync/mutex.go:81 +0x5d\n"
                     "main.run(0x3)\n"
                     "\t/x/main.go:10 +0x1\n"
                     "main.(*pool).worker(0xc000020000, 0x2)\n"
                     "\t/x/main.go:20 +0x1\n"
                     "\n";
    const char *g2 = "goroutine 2 [semacquire]:\n"
                     "sync.(*Mutex).Lock(0xc000010000)\n"
                     "\t/go/src/sync/mutex.go:81 +0x5d\n"
                     "main.run(0x4)\n"
                     "\t/x/main.go:10 +0x1\n"
                     "main.(*pool).worker(0xc000030000, 0x5)\n"
                     "\t/x/main.go:20 +0x1\n";
    char text[1024];
    snprintf(text, sizeof(text), "%s%s", g1, g2);
    parse(m, text);
    assert_int_equal(m->ngoroutines, 2);
    const sb_goroutine *a = gor(m, 0), *b = gor(m, 1);
    assert_int_equal(a->stack, b->stack);
    const sb_stack *st = sb_stack_get(m, a->stack);
    assert_int_equal(st->nmethods, 2);
    /* Two refs each in model.own, b's after a's. */
    assert_int_equal(b->args, a->args + 2);
    assert_int_equal(m->nown, b->args + 2);
    assert_int_equal(st->rep_own, a->args);
    assert_string_equal(arg(m, a, 0), "0xc000010000");
    assert_string_equal(arg(m, a, 1), "0x3");
    assert_string_equal(arg(m, a, 2), "0xc000020000, 0x2");
    /* b: the same lock as a shows a's whole text; its own worker receiver
     * alone; main.run, a plain function, a's. */
    assert_string_equal(arg(m, b, 0), "0xc000010000");
    assert_string_equal(arg(m, b, 1), "0x3");
    assert_string_equal(arg(m, b, 2), "0xc000030000");
    assert_int_equal(sb_goroutine_arg(m, b, 3), 0); /* past the last frame */
    sb_arg_view v;
    sb_arg_view_init(&v, m, b);
    assert_int_equal(sb_arg_view_own(&v, m, 0), 0);
    assert_string_equal(arg(m, b, st->methods[1]), "0xc000030000");
    assert_int_not_equal(sb_arg_view_own(&v, m, 1), 0);
    assert_int_equal(sb_arg_view_own(&v, m, 2), 0); /* past the last method frame */
}

static void test_identical_stacks_interned_once(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 1 [chan receive]:\n"
             "main.(*pool).worker(0xc000010000)\n"
             "\t/x/main.go:10 +0x1\n"
             "created by main.main in goroutine 7\n"
             "\t/x/main.go:3 +0x2\n"
             "\n"
             "goroutine 2 [chan receive]:\n"
             "main.(*pool).worker(0xc000010000)\n"
             "\t/x/main.go:10 +0x1\n"
             "created by main.main in goroutine 7\n"
             "\t/x/main.go:3 +0x2\n"
             "\n"
             "goroutine 3 [chan receive]:\n"
             "main.(*pool).worker(0xc000020000)\n"
             "\t/x/main.go:10 +0x1\n"
             "created by main.main in goroutine 7\n"
             "\t/x/main.go:3 +0x2\n"
             "\n"
             "goroutine 4 [chan receive]:\n"
             "main.(*pool).worker(0xc000010000)\n"
             "\t/x/main.go:11 +0x1\n"
             "created by main.main in goroutine 7\n"
             "\t/x/main.go:3 +0x2\n");
    assert_int_equal(m->ngoroutines, 4);
    const sb_goroutine *g1 = gor(m, 0), *g2 = gor(m, 1), *g3 = gor(m, 2), *g4 = gor(m, 3);
    assert_int_equal(g1->stack, g2->stack);
    assert_int_equal(g1->stack, g3->stack);
    assert_int_not_equal(g1->stack, g4->stack); /* another line: another frame */
    assert_int_equal(g1->args, g2->args);
    assert_int_not_equal(g1->args, g3->args);
    /* The stack's arguments are its first goroutine's: g1 shows them. (Its
     * receiver is its own number, equal in text to the stack's string:
     * receivers are compared as text or value, see sb_arg_same.) */
    uint32_t rep = sb_stack_get(m, g1->stack)->rep_args;
    assert_int_equal(sb_intern_len(&m->argvecs, rep), sizeof(uint32_t));
    const uint32_t *rep_ids = sb_intern_data(&m->argvecs, rep);
    assert_string_equal(str(m, rep_ids[0]), "0xc000010000");
    assert_int_equal(sb_goroutine_arg(m, g1, 0), rep_ids[0]);
    assert_string_equal(arg(m, g3, 0), "0xc000020000");
    assert_int_equal(sb_goroutine_arg(m, g3, 1), 0); /* past the last frame */
    /* Per goroutine only method frames keep their arguments (receivers,
     * lock addresses); plain functions show their stack's first goroutine's. */
    /* Two distinct stacks plus the empty one. */
    assert_int_equal(sb_intern_count(&m->stacks), 3);

    assert_true(g1->parent == 7);
    assert_int_not_equal(g1->created_by, SB_NONE);
    assert_int_equal(g1->created_by, g3->created_by);
    const sb_frame *cb = sb_frame_get(m, g1->created_by);
    assert_string_equal(str(m, cb->func), "main.main");
    assert_string_equal(str(m, cb->file), "/x/main.go");
    assert_int_equal(cb->line, 3);
    assert_true(m->stats.frames == 4);
}

static void test_plain_function_args_come_from_the_stack(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 1 [chan receive]:\n"
             "main.worker(0x1)\n"
             "\t/x/main.go:10 +0x1\n"
             "\n"
             "goroutine 2 [chan receive]:\n"
             "main.worker(0x2)\n"
             "\t/x/main.go:10 +0x1\n");
    const sb_goroutine *g1 = gor(m, 0), *g2 = gor(m, 1);
    assert_int_equal(g1->stack, g2->stack);
    assert_string_equal(arg(m, g1, 0), "0x1");
    assert_string_equal(arg(m, g2, 0), "0x1"); /* not kept: the stack's */
}

static void test_created_by_pre121_has_no_parent(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 6 [select]:\n"
             "main.f()\n"
             "\t/x/main.go:5 +0x1d\n"
             "created by main.main\n"
             "\t/x/main.go:9 +0x2\n"
             "\n"
             "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:9 +0x2\n");
    assert_true(gor(m, 0)->parent == 0);
    assert_int_not_equal(gor(m, 0)->created_by, SB_NONE);
    assert_int_equal(gor(m, 1)->created_by, SB_NONE);
}

/* go1.19 race detector: a report between rules is known text, not goroutines. */
static void test_race_report_is_known_lines(void **state)
{
    sb_model *m = *state;
    parse(m, "==================\n"
             "WARNING: DATA RACE\n"
             "Write at 0x00c00001c0f8 by goroutine 7:\n"
             "  main.main.func1()\n"
             "      /tmp/x.go:10 +0x3c\n"
             "\n"
             "Previous read at 0x00c00001c0f8 by main goroutine:\n"
             "  main.main()\n"
             "      /tmp/x.go:12 +0x88\n"
             "\n"
             "Goroutine 7 (running) created at:\n"
             "  main.main()\n"
             "      /tmp/x.go:9 +0x7a\n"
             "==================\n"
             "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n");
    assert_true(m->stats.race_reports == 1);
    assert_int_equal(m->ngoroutines, 1);
    assert_true(gor(m, 0)->id == 1);
    assert_true(m->stats.known_lines == 14);
    assert_true(m->stats.skipped_lines == 0);
}

static void test_unrelated_log_lines_are_skipped(void **state)
{
    sb_model *m = *state;
    parse(m, "starting server\n"
             "I1221 14:33:55.965939   28009 server.go:411] Version: v1.19.2\n"
             "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n"
             "\n"
             "some trailing text\n");
    assert_int_equal(m->ngoroutines, 1);
    assert_true(m->stats.skipped_lines == 3);
    assert_true(m->stats.lines == 7);
}

static void test_header_flags(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 11 [syscall, 2 minutes, locked to thread]:\n"
             "syscall.Syscall6(0x416feb?, 0xb50be0?)\n"
             "\t/usr/lib/go-1.19/src/syscall/syscall_linux.go:90 +0x36\n"
             "\n"
             "goroutine 12 [chan receive (scan)]:\n"
             "main.f()\n"
             "\t/x/main.go:5 +0x1d\n"
             "\n"
             "goroutine 13 [select (leaked), 3 minutes, labels:{\"a\":\"b\"}]:\n"
             "main.g()\n"
             "\t/x/main.go:6 +0x1d\n"
             "\n"
             "goroutine 99999999999999999999999 [running]:\n"
             "main.h()\n"
             "\t/x/main.go:7 +0x1d\n");
    assert_int_equal(m->ngoroutines, 4);
    const sb_goroutine *g = gor(m, 0);
    assert_true(g->flags & SB_G_LOCKED);
    assert_int_equal(g->wait_minutes, 2);
    assert_string_equal(str(m, g->state), "syscall");
    g = gor(m, 1);
    assert_int_equal(g->flags & SB_G_LOCKED, 0);
    assert_true(g->flags & SB_G_SCAN);
    assert_int_equal(g->wait_minutes, -1);
    assert_string_equal(str(m, g->state), "chan receive");
    g = gor(m, 2);
    assert_true(g->flags & SB_G_LEAKED);
    assert_string_equal(str(m, g->state), "select");
    assert_int_equal(g->wait_minutes, 3);
    assert_string_equal(str(m, g->labels), "labels:{\"a\":\"b\"}");
    g = gor(m, 3);
    assert_true(g->flags & SB_G_ID_OVERFLOW);
    assert_true(g->id == UINT64_MAX);
}

static void test_no_trailing_newline(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1d");
    assert_int_equal(m->ngoroutines, 1);
    const sb_goroutine *g = gor(m, 0);
    assert_int_equal(g->flags & SB_G_TRUNCATED, 0);
    assert_int_equal(frame(m, g, 0)->line, 5);
    assert_string_equal(str(m, frame(m, g, 0)->file), "/x/main.go");
}

static void test_crlf_line_endings(void **state)
{
    sb_model *m = *state;
    parse(m, "SIGQUIT: quit\r\n"
             "\r\n"
             "goroutine 1 [running]:\r\n"
             "main.main()\r\n"
             "\t/x/main.go:5 +0x1d\r\n"
             "\r\n"
             "goroutine 2 [chan receive, 4 minutes]:\r\n"
             "main.f(0xc000010000)\r\n"
             "\t/x/main.go:9 +0x2a\r\n"
             "created by main.main in goroutine 1\r\n"
             "\t/x/main.go:4 +0x1\r\n");
    assert_int_equal(m->ndumps, 1);
    assert_int_equal(m->ngoroutines, 2);
    assert_string_equal(str(m, m->dumps[0].headline), "SIGQUIT: quit");
    const sb_goroutine *g = gor(m, 1);
    assert_string_equal(str(m, g->state), "chan receive");
    assert_int_equal(g->wait_minutes, 4);
    assert_string_equal(func(m, g, 0), "main.f");
    assert_string_equal(arg(m, g, 0), "0xc000010000");
    assert_string_equal(str(m, frame(m, g, 0)->file), "/x/main.go");
    assert_int_equal(frame(m, g, 0)->line, 9);
    assert_true(g->parent == 1);
    assert_true(m->stats.truncated == 0);
    assert_true(m->stats.skipped_lines == 0);
}

/* go1.21+: `...N frames elided...` between the inner and outer frames. */
static void test_elided_frames(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 1 [running]:\n"
             "main.rec(0x3e8)\n"
             "\t/x/main.go:5 +0x1d\n"
             "...7 frames elided...\n"
             "main.main()\n"
             "\t/x/main.go:9 +0x1d\n");
    const sb_goroutine *g = gor(m, 0);
    assert_true(g->flags & SB_G_ELIDED);
    assert_int_equal(g->elided, 7);
    assert_int_equal(nframes(m, g), 2);
    assert_int_equal(g->flags & SB_G_TRUNCATED, 0);
}

static void test_other_thread_is_not_truncated(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 7 [running]:\n"
             "\tgoroutine running on other thread; stack unavailable\n"
             "\n"
             "goroutine 1 [running]:\n"
             "main.main()\n"
             "\t/x/main.go:5 +0x1d\n");
    const sb_goroutine *g = gor(m, 0);
    assert_true(g->flags & SB_G_OTHER_THREAD);
    assert_int_equal(g->flags & SB_G_TRUNCATED, 0);
    assert_int_equal(nframes(m, g), 0);
    assert_true(m->stats.truncated == 0);
}

/* GODEBUG=tracebackancestors: the ancestors' frames are not this stack. */
static void test_ancestor_sections(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 6 [running]:\n"
             "main.f()\n"
             "\t/x/main.go:5 +0x1d\n"
             "created by main.main in goroutine 1\n"
             "\t/x/main.go:9 +0x2\n"
             "[originating from goroutine 1]:\n"
             "main.main()\n"
             "\t/x/main.go:9 +0x2\n"
             "created by main.init in goroutine 0\n"
             "\t/x/main.go:2 +0x2\n");
    const sb_goroutine *g = gor(m, 0);
    assert_true(g->flags & SB_G_ANCESTORS);
    assert_int_equal(nframes(m, g), 1);
    assert_true(g->parent == 1);
    assert_string_equal(str(m, sb_frame_get(m, g->created_by)->func), "main.main");
    assert_int_equal(g->flags & SB_G_TRUNCATED, 0);
    assert_true(m->stats.skipped_lines == 0);
}

/* go1.22+ traceback level 2 (SIGQUIT): gp= m= in headers, fp= sp= pc= on
 * file lines, runtime-only goroutines, runtime.goexit({}). */
static void test_go122_sigquit_level2(void **state)
{
    sb_model *m = *state;
    parse(m, "SIGQUIT: quit\n"
             "PC=0x46e7c1 m=0 sigcode=0\n"
             "\n"
             "goroutine 1 gp=0xc000002380 m=0 mp=0x5d1e80 [sleep]:\n"
             "time.Sleep(0x3b9aca00)\n"
             "\t/usr/local/go/src/runtime/time.go:195 +0x125 fp=0xc000067f20 sp=0xc000067ee0 "
             "pc=0x469e05\n"
             "main.main()\n"
             "\t/x/main.go:9 +0x1d fp=0xc000067f50 sp=0xc000067f20 pc=0x48c93d\n"
             "runtime.goexit({})\n"
             "\t/usr/local/go/src/runtime/asm_amd64.s:1695 +0x1 fp=0xc000067fe8 sp=0xc000067fe0 "
             "pc=0x46e7c1\n"
             "\n"
             "goroutine 2 gp=0xc000002e00 m=nil [force gc (idle)]:\n"
             "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
             "\t/usr/local/go/src/runtime/proc.go:402 +0xce fp=0xc000056fa8 sp=0xc000056f88 "
             "pc=0x43c8ee\n"
             "created by runtime.init.6 in goroutine 1\n"
             "\t/usr/local/go/src/runtime/proc.go:314 +0x1a\n"
             "\n"
             "rax    0x0\n");
    assert_int_equal(m->ndumps, 1);
    assert_int_equal(m->dumps[0].origin, SB_ORIGIN_SIGNAL);
    assert_int_equal(m->ngoroutines, 2);
    const sb_goroutine *g = gor(m, 0);
    assert_string_equal(str(m, g->state), "sleep");
    assert_int_equal(nframes(m, g), 3);
    assert_string_equal(func(m, g, 2), "runtime.goexit");
    assert_string_equal(arg(m, g, 2), "{}");
    assert_string_equal(str(m, frame(m, g, 2)->file), "/usr/local/go/src/runtime/asm_amd64.s");
    assert_int_equal(frame(m, g, 2)->line, 1695);
    g = gor(m, 1);
    assert_string_equal(str(m, g->state), "force gc (idle)");
    assert_true(g->parent == 1);
    assert_true(m->stats.truncated == 0);
    assert_true(m->stats.skipped_lines == 0);
}

/* go1.16: raw words, the mutex chain, `...additional frames elided...`. */
static void test_pre117_mutex_waiter(void **state)
{
    sb_model *m = *state;
    parse(m, "goroutine 21 [semacquire, 9 minutes]:\n"
             "sync.runtime_SemacquireMutex(0xc0000a6074, 0x0, 0x1)\n"
             "\t/usr/local/go/src/runtime/sema.go:71 +0x47\n"
             "sync.(*Mutex).lockSlow(0xc0000a6070)\n"
             "\t/usr/local/go/src/sync/mutex.go:138 +0x105\n"
             "sync.(*Mutex).Lock(...)\n"
             "\t/usr/local/go/src/sync/mutex.go:81\n"
             "main.(*store).get(0xc0000a6070, 0x4c5d2e, 0x3)\n"
             "\t/x/main.go:66 +0x1d\n"
             "...additional frames elided...\n"
             "created by main.main\n"
             "\t/x/main.go:80 +0x4a\n");
    const sb_goroutine *g = gor(m, 0);
    assert_int_equal(g->wait_minutes, 9);
    assert_string_equal(str(m, g->state), "semacquire");
    assert_int_equal(nframes(m, g), 4);
    assert_string_equal(func(m, g, 1), "sync.(*Mutex).lockSlow");
    assert_string_equal(arg(m, g, 1), "0xc0000a6070");
    assert_string_equal(arg(m, g, 2), "...");
    assert_int_equal(frame(m, g, 2)->line, 81);
    assert_true(g->flags & SB_G_ELIDED);
    assert_int_equal(g->elided, 0);
    assert_int_equal(g->flags & SB_G_TRUNCATED, 0);
}

/* Go 1.3: C runtime files and func·001 closures. */
static void test_go13_dump(void **state)
{
    sb_model *m = *state;
    parse(m, "panic: boom\n"
             "\n"
             "goroutine 16 [running]:\n"
             "runtime.panic(0x4c4fa0, 0xc208000130)\n"
             "\t/usr/local/go/src/pkg/runtime/panic.c:279 +0xf5\n"
             "main.func\xc2\xb7"
             "001()\n"
             "\t/tmp/x.go:7 +0x61\n"
             "created by main.main\n"
             "\t/tmp/x.go:8 +0x2b\n"
             "\n"
             "goroutine 17 [runnable]:\n"
             "runtime.MHeap_Scavenger()\n"
             "\t/usr/local/go/src/pkg/runtime/mheap.c:507\n"
             "runtime.goexit()\n"
             "\t/usr/local/go/src/pkg/runtime/proc.c:1445\n");
    assert_int_equal(m->ndumps, 1);
    assert_int_equal(m->ngoroutines, 2);
    assert_string_equal(func(m, gor(m, 0), 1), "main.func\xc2\xb7"
                                               "001");
    assert_string_equal(str(m, frame(m, gor(m, 1), 1)->file),
                        "/usr/local/go/src/pkg/runtime/proc.c");
    assert_true(m->stats.truncated == 0);
}

/* Input with only noise: no dump, no goroutine, all lines counted. */
static void test_no_goroutines(void **state)
{
    sb_model *m = *state;
    parse(m, "hello\nworld\n");
    assert_int_equal(m->ndumps, 0);
    assert_int_equal(m->ngoroutines, 0);
    assert_true(m->stats.skipped_lines == 2);
    assert_true(m->stats.bytes == 12);
}

/* Parses the file at path into m, reading lines from the buffer or not,
 * the file mapped (as sb_input_open opens it: the parser then keeps
 * pointers to arguments in it) or read. */
static void parse_file_as(sb_model *m, const char *path, bool from_buffer, bool mapped)
{
    char err[256] = "";
    sb_prefix *px = sb_prefix_new(NULL, err, sizeof(err));
    assert_non_null(px);
    sb_parser *p = sb_parser_new(m, px);
    sb_parser_read_buffer(p, from_buffer);
    sb_input in;
    assert_true(mapped ? sb_input_open(&in, path, err, sizeof(err))
                       : sb_input_open_read(&in, path, err, sizeof(err)));
    assert_int_equal(in.mapped, mapped);
    assert_true(sb_parse_input(p, &in, NULL, err, sizeof(err)));
    sb_input_close(&in);
    sb_parser_free(p);
    sb_prefix_free(px);
}

static void parse_file(sb_model *m, const char *path, bool from_buffer)
{
    parse_file_as(m, path, from_buffer, true);
}

/* The argument text a stack shows for its frames, the same in a and b. */
static void assert_same_stack_args(const sb_model *a, const sb_model *b)
{
    assert_int_equal(sb_intern_count(&a->stacks), sb_intern_count(&b->stacks));
    for (uint32_t id = 1; id < sb_intern_count(&a->stacks); id++) {
        const sb_stack *x = sb_stack_get(a, id), *y = sb_stack_get(b, id);
        assert_int_equal(x->nframes, y->nframes);
        const uint32_t *xa = sb_intern_data(&a->argvecs, x->rep_args);
        const uint32_t *ya = sb_intern_data(&b->argvecs, y->rep_args);
        for (uint32_t f = 0; f < x->nframes; f++)
            assert_string_equal(str(a, xa[f]), str(b, ya[f]));
    }
}

/* Writes the len bytes at text (open_memstream's, freed here) to a
 * temporary file and parses it into a from the buffer and into b line by
 * line, and, when c is given, into c from the buffer of a file read, not
 * mapped. */
static void parse_written(char *text, size_t len, sb_model *a, sb_model *b, sb_model *c)
{
    char *path = temp_file(text, len);
    free(text);
    sb_model_init(a);
    sb_model_init(b);
    parse_file(a, path, true);
    parse_file(b, path, false);
    if (c) {
        sb_model_init(c);
        parse_file_as(c, path, true, false);
    }
    unlink(path);
    free(path);
}

/* A 2.6 MB file (the reader takes 1 MiB at a time): frame and file lines
 * read straight from the buffer, also where a line straddles two reads,
 * give the model the line-by-line path gives. Go 1.19 SIGQUIT shapes. */
static void test_buffer_lines_across_reads(void **state)
{
    (void)state;
    char *text;
    size_t textlen;
    FILE *f = open_memstream(&text, &textlen);
    assert_non_null(f);
    fputs("SIGQUIT: quit\nPC=0x4671c1 m=0 sigcode=0\n\n", f);
    for (unsigned i = 1; i <= 12000; i++)
        fprintf(f,
                "goroutine %u [chan receive, %u minutes]:\n"
                "main.(*pool).wait(0xc%09x, 0x%x)\n"
                "\t/src/pool.go:%u +0x1d fp=0xc%09x sp=0xc%09x pc=0x4a2b3c\n"
                "main.worker(...)\n"
                "\t/src/pool.go:40\n"
                "created by main.main\n"
                "\t/src/main.go:50 +0x45\n\n",
                i, i % 7, i * 64, i % 5, 20 + i % 3, i * 128, i * 128 - 32);
    assert_int_equal(fclose(f), 0);
    sb_model a, b, c;
    parse_written(text, textlen, &a, &b, &c);
    assert_same_stack_args(&a, &b);
    assert_same_stack_args(&a, &c);
    assert_memory_equal(&a.stats, &c.stats, sizeof(a.stats));
    assert_int_equal(a.ngoroutines, 12000);
    assert_memory_equal(&a.stats, &b.stats, sizeof(a.stats));
    assert_int_equal(a.stats.skipped_lines, 0);
    assert_int_equal(a.stats.truncated, 0);
    assert_int_equal(sb_intern_count(&a.stacks), sb_intern_count(&b.stacks));
    for (size_t i = 0; i < a.ngoroutines; i++) {
        const sb_goroutine *x = &a.goroutines[i], *y = &b.goroutines[i];
        assert_int_equal(x->stack, y->stack);
        assert_int_equal(x->args, y->args);
        assert_int_equal(x->line_no, y->line_no);
        assert_int_equal(x->line_no, 4 + 8 * i); /* headers every 8 lines after 3 of preamble */
        assert_int_equal(nframes(&a, x), 2);
        assert_string_equal(arg(&a, x, 0), arg(&b, y, 0));
        assert_int_equal(frame(&a, x, 0)->line, 20 + (i + 1) % 3);
    }
    sb_model_free(&a);
    sb_model_free(&b);
    sb_model_free(&c);
}

/* A function name of 64 KiB or more gets no call site to guess from
 * (sb_site keeps a name's length in 16 bits): its frames take the memos'
 * path, and read from the buffer or not, the model is the same. */
static void test_names_of_64_kib_and_more(void **state)
{
    (void)state;
    char *text;
    size_t textlen;
    FILE *f = open_memstream(&text, &textlen);
    assert_non_null(f);
    static const size_t lens[] = {65535, 65536, 70000};
    for (unsigned i = 1; i <= 30; i++) {
        size_t len = lens[i % 3];
        fprintf(f, "goroutine %u [chan receive]:\nmain.(*T).", i);
        for (size_t k = strlen("main.(*T)."); k < len; k++)
            fputc('a' + (int)(k % 26), f);
        fprintf(f,
                "(0xc%09x)\n"
                "\t/src/t.go:%zu +0x1d\n"
                "main.main()\n"
                "\t/src/main.go:9 +0x2\n\n",
                i * 64, len % 100);
    }
    assert_int_equal(fclose(f), 0);
    sb_model a, b;
    parse_written(text, textlen, &a, &b, NULL);
    assert_int_equal(a.ngoroutines, 30);
    assert_memory_equal(&a.stats, &b.stats, sizeof(a.stats));
    assert_int_equal(a.stats.skipped_lines, 0);
    assert_int_equal(sb_intern_count(&a.stacks), 4); /* three names and the empty stack */
    assert_same_stack_args(&a, &b);
    for (size_t i = 0; i < a.ngoroutines; i++) {
        const sb_goroutine *x = &a.goroutines[i], *y = &b.goroutines[i];
        assert_int_equal(x->stack, y->stack);
        assert_int_equal(nframes(&a, x), 2);
        size_t n;
        (void)sb_str(&a, frame(&a, x, 0)->func, &n);
        assert_int_equal(n, lens[(i + 1) % 3]);
        assert_string_equal(arg(&a, x, 0), arg(&b, y, 0));
    }
    sb_model_free(&a);
    sb_model_free(&b);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_model, teardown_model)
    const struct CMUnitTest tests[] = {
        T(test_two_dumps_where_ids_repeat),
        T(test_repeated_ids_of_every_size),
        T(test_explicit_label),
        T(test_split_at_sigquit_preamble),
        T(test_panic_headline_and_nested_panic),
        T(test_fatal_error_with_runtime_stack),
        T(test_fatal_deadlock),
        T(test_journald_two_processes),
        T(test_journald_interleaved_processes),
        T(test_cri_prefix_keeps_file_label),
        T(test_plain_tag_glued_frames),
        T(test_text_glued_before_header),
        T(test_debug1_profile),
        T(test_debug1_profile_at_eof),
        T(test_debug1_then_debug2),
        T(test_truncated_goroutine_at_eof),
        T(test_truncated_created_by_and_bare_header),
        T(test_stack_lists_its_method_frames),
        T(test_goroutine_keeps_one_ref_per_method_frame),
        T(test_identical_stacks_interned_once),
        T(test_plain_function_args_come_from_the_stack),
        T(test_created_by_pre121_has_no_parent),
        T(test_race_report_is_known_lines),
        T(test_unrelated_log_lines_are_skipped),
        T(test_header_flags),
        T(test_no_trailing_newline),
        T(test_crlf_line_endings),
        T(test_elided_frames),
        T(test_other_thread_is_not_truncated),
        T(test_ancestor_sections),
        T(test_go122_sigquit_level2),
        T(test_pre117_mutex_waiter),
        T(test_go13_dump),
        T(test_no_goroutines),
        T(test_buffer_lines_across_reads),
        T(test_names_of_64_kib_and_more),
    };
#undef T
    return cmocka_run_group_tests_name("parser", tests, NULL, NULL);
}
