/* test_group.c: goroutines grouped by identical stack and state within a
 * dump (group.c): identical stacks merge and are counted (debug=1 record
 * counts included), the members are linked in input order, a different
 * state, a different line or another dump makes another group, the
 * arguments do not, groups are sorted by dump then largest first, and each
 * group's wait range, locked and truncated counts.
 *
 * Hand-written minimal dumps, lines shaped exactly like Go's (see
 * sb_test.h), parsed as the CLI parses a file; sb_groups_build alone runs
 * on the model. */
#include "sb_test.h"

#include "stackblame/group.h"
#include "stackblame/input.h"
#include "stackblame/parser.h"
#include "stackblame/prefix.h"

/* Parses text as the input file `name` (each file its own dump). */
static void parse(sb_model *m, const char *name, const char *text)
{
    char err[256] = "";
    sb_prefix *px = sb_prefix_new(NULL, err, sizeof(err));
    assert_non_null(px);
    sb_parser *p = sb_parser_new(m, px);
    sb_input in;
    sb_input_open_mem(&in, name, text, strlen(text));
    bool ok = sb_parse_input(p, &in, NULL, err, sizeof(err));
    sb_input_close(&in);
    sb_parser_free(p);
    sb_prefix_free(px);
    if (!ok)
        print_error("parse of %s failed: %s\n", name, err);
    assert_true(ok);
}

/* The model index of goroutine `id` of dump `dump`. */
static uint32_t gidx(const sb_model *m, uint32_t dump, uint64_t id)
{
    assert_true(dump < m->ndumps);
    const sb_dump *d = &m->dumps[dump];
    for (uint32_t i = d->first; i < d->first + d->ngoroutines; i++)
        if (m->goroutines[i].id == id)
            return i;
    print_error("no goroutine %llu in dump %u\n", (unsigned long long)id, dump);
    fail();
    return SB_NONE;
}

/* The group goroutine gi is a member of (walking each group's list). */
static const sb_group *group_of(const sb_groups *gs, uint32_t gi)
{
    for (size_t k = 0; k < gs->n; k++)
        for (uint32_t i = gs->v[k].first; i != SB_NONE; i = gs->next[i])
            if (i == gi)
                return &gs->v[k];
    print_error("goroutine index %u is in no group\n", gi);
    fail();
    return NULL;
}

/* A goroutine waiting WAIT (", 5 minutes" or "") on the Store's mutex in
 * (*Store).Get, on receiver RECV, at line LINE of store.go. */
#define WAITER(ID, WAIT, RECV, LINE)                                                               \
    "goroutine " ID " [sync.Mutex.Lock" WAIT "]:\n"                                                \
    "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"                                    \
    "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"                                               \
    "sync.(*Mutex).lockSlow(0xc000010008)\n"                                                       \
    "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"                                               \
    "sync.(*Mutex).Lock(...)\n"                                                                    \
    "\t/usr/local/go/src/sync/mutex.go:90\n"                                                       \
    "example.com/app/store.(*Store).Get(" RECV ", {0x6a1b2c, 0x3})\n"                              \
    "\t/app/store/store.go:" LINE " +0x4e\n"                                                       \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:20 +0x85\n"                                                                    \
    "\n"

#define MAIN_PARKED                                                                                \
    "goroutine 1 [chan receive]:\n"                                                                \
    "main.main()\n"                                                                                \
    "\t/app/main.go:25 +0x1d\n"                                                                    \
    "\n"

/* Three goroutines with the same frames and state, on different
 * receivers: one group of three, its members in input order; the
 * different receivers do not split it. */
static void test_identical_stacks_merge(void **state)
{
    sb_model *m = *state;
    parse(m, "app.txt",
          MAIN_PARKED WAITER("7", ", 5 minutes", "0xc000010000", "42")
              WAITER("8", ", 2 minutes", "0xc000020000", "42")
                  WAITER("9", ", 9 minutes", "0xc000030000", "42"));
    sb_groups gs;
    sb_groups_build(m, &gs);
    assert_int_equal(gs.n, 2);
    uint32_t g7 = gidx(m, 0, 7), g8 = gidx(m, 0, 8), g9 = gidx(m, 0, 9);
    const sb_group *w = group_of(&gs, g7);
    assert_ptr_equal(group_of(&gs, g8), w);
    assert_ptr_equal(group_of(&gs, g9), w);
    assert_true(w->count == 3);
    assert_int_equal(w->members, 3);
    assert_int_equal(w->first, g7);
    assert_int_equal(gs.next[g7], g8);
    assert_int_equal(gs.next[g8], g9);
    assert_int_equal(gs.next[g9], SB_NONE);
    assert_int_equal(w->stack, m->goroutines[g7].stack);
    assert_string_equal(sb_str(m, w->state, NULL), "sync.Mutex.Lock");
    assert_int_equal(w->min_wait, 2);
    assert_int_equal(w->max_wait, 9);
    /* largest first */
    assert_ptr_equal(w, &gs.v[0]);
    const sb_group *main_group = group_of(&gs, gidx(m, 0, 1));
    assert_ptr_equal(main_group, &gs.v[1]);
    assert_true(main_group->count == 1);
    assert_int_equal(main_group->min_wait, -1);
    assert_int_equal(main_group->max_wait, -1);
    sb_groups_free(&gs);
}

/* The same frames in another state, or the same functions at another
 * line, are other groups; a goroutine without a wait time leaves the
 * range to those with one. */
static void test_state_and_line_split(void **state)
{
    sb_model *m = *state;
    parse(m, "app.txt",
          WAITER("7", ", 5 minutes", "0xc000010000", "42") WAITER("8", "", "0xc000010000", "42")
              WAITER("9", ", 5 minutes", "0xc000010000", "47")
          /* the same frames as 7, but runnable again */
          "goroutine 10 [runnable]:\n"
          "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"
          "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
          "sync.(*Mutex).lockSlow(0xc000010008)\n"
          "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
          "sync.(*Mutex).Lock(...)\n"
          "\t/usr/local/go/src/sync/mutex.go:90\n"
          "example.com/app/store.(*Store).Get(0xc000010000, {0x6a1b2c, 0x3})\n"
          "\t/app/store/store.go:42 +0x4e\n"
          "created by main.main in goroutine 1\n"
          "\t/app/main.go:20 +0x85\n");
    sb_groups gs;
    sb_groups_build(m, &gs);
    uint32_t g7 = gidx(m, 0, 7), g8 = gidx(m, 0, 8), g9 = gidx(m, 0, 9), g10 = gidx(m, 0, 10);
    assert_int_equal(gs.n, 3);
    const sb_group *a = group_of(&gs, g7);
    assert_ptr_equal(group_of(&gs, g8), a);
    assert_true(a->count == 2);
    assert_int_equal(a->min_wait, 5);
    assert_int_equal(a->max_wait, 5);
    assert_true(group_of(&gs, g9) != a);
    assert_true(group_of(&gs, g10) != a);
    assert_true(group_of(&gs, g10) != group_of(&gs, g9));
    assert_true(group_of(&gs, g9)->count == 1);
    assert_string_equal(sb_str(m, group_of(&gs, g10)->state, NULL), "runnable");
    assert_int_equal(group_of(&gs, g10)->stack, a->stack);
    sb_groups_free(&gs);
}

/* The same stack in two dumps: a group in each. Groups are sorted by dump,
 * then largest first, ties in input order. */
static void test_groups_per_dump_sorted(void **state)
{
    sb_model *m = *state;
    parse(m, "a.txt", MAIN_PARKED WAITER("7", ", 5 minutes", "0xc000010000", "42"));
    parse(m, "b.txt",
          MAIN_PARKED WAITER("7", ", 5 minutes", "0xc000010000", "42")
              WAITER("8", ", 1 minutes", "0xc000010000", "42"));
    assert_int_equal(m->ndumps, 2);
    sb_groups gs;
    sb_groups_build(m, &gs);
    assert_int_equal(gs.n, 4);
    const sb_group *a7 = group_of(&gs, gidx(m, 0, 7)), *b7 = group_of(&gs, gidx(m, 1, 7));
    assert_true(a7 != b7);
    assert_int_equal(a7->stack, b7->stack);
    assert_int_equal(a7->dump, 0);
    assert_int_equal(b7->dump, 1);
    assert_true(a7->count == 1);
    assert_true(b7->count == 2);
    for (size_t k = 1; k < gs.n; k++) {
        const sb_group *x = &gs.v[k - 1], *y = &gs.v[k];
        assert_true(x->dump <= y->dump);
        if (x->dump == y->dump) {
            assert_true(x->count >= y->count);
            if (x->count == y->count)
                assert_true(x->first < y->first);
        }
    }
    /* dump 0: main (first in input) then the waiter, both of one */
    assert_int_equal(gs.v[0].first, gidx(m, 0, 1));
    assert_int_equal(gs.v[1].first, gidx(m, 0, 7));
    /* dump 1: the two waiters, then main */
    assert_ptr_equal(&gs.v[2], b7);
    assert_int_equal(gs.v[3].first, gidx(m, 1, 1));
    sb_groups_free(&gs);
}

/* A debug=1 profile's records carry counts: a group counts goroutines,
 * not records. */
static void test_debug1_counts(void **state)
{
    sb_model *m = *state;
    parse(
        m, "profile.txt",
        "goroutine profile: total 7\n"
        "5 @ 0x43b5a5 0x466da5 0x47ebc5\n"
        "#\t0x466da4\tsync.runtime_SemacquireMutex+0x24\t/usr/lib/go-1.19/src/runtime/sema.go:77\n"
        "#\t0x47ebc4\tsync.(*Mutex).lockSlow+0x164\t\t/usr/lib/go-1.19/src/sync/mutex.go:171\n"
        "#\t0x4a5b6c\texample.com/app/store.(*Store).Get+0x4c\t/app/store/store.go:42\n"
        "\n"
        "2 @ 0x43b5a5 0x46ad41\n"
        "#\t0x4a5c10\tmain.main+0x30\t/app/main.go:25\n"
        "\n");
    sb_groups gs;
    sb_groups_build(m, &gs);
    assert_int_equal(gs.n, 2);
    assert_true(gs.v[0].count == 5);
    assert_int_equal(gs.v[0].members, 1);
    assert_true(gs.v[1].count == 2);
    assert_int_equal(gs.v[1].members, 1);
    assert_int_equal(gs.v[0].min_wait, -1);
    sb_groups_free(&gs);
}

/* Locked-to-thread and truncated members are counted per group. */
static void test_locked_and_truncated(void **state)
{
    sb_model *m = *state;
    parse(m, "app.txt",
          MAIN_PARKED "goroutine 12 [syscall, 3 minutes, locked to thread]:\n"
                      "syscall.Syscall6(0x2d, 0x9, 0xc000356000, 0x10000, 0x0, 0x0, 0x0)\n"
                      "\t/usr/local/go/src/syscall/syscall_linux.go:91 +0x36\n"
                      "example.com/app/nl.(*Socket).Receive(0xc0001b2360)\n"
                      "\t/app/nl/socket.go:71 +0x5b\n"
                      "created by main.main in goroutine 1\n"
                      "\t/app/main.go:40 +0x85\n"
                      "\n"
                      "goroutine 13 [syscall, 3 minutes]:\n"
                      "syscall.Syscall6(0x2d, 0x9, 0xc000366000, 0x10000, 0x0, 0x0, 0x0)\n"
                      "\t/usr/local/go/src/syscall/syscall_linux.go:91 +0x36\n"
                      "example.com/app/nl.(*Socket).Receive(0xc0001b2400)\n"
                      "\t/app/nl/socket.go:71 +0x5b\n"
                      "created by main.main in goroutine 1\n"
                      "\t/app/main.go:40 +0x85\n"
                      "\n"
                      "goroutine 14 [syscall, 3 minutes, locked to thread]:\n"
                      "syscall.Syscall6(0x2d, 0x9, 0xc000376000, 0x10000, 0x0, 0x0, 0x0)\n"
                      "\t/usr/local/go/src/syscall/syscall_linux.go:91 +0x36\n"
                      "example.com/app/nl.(*Socket).Receive(0xc0001b2500)\n"
                      "\t/app/nl/socket.go:71 +0x5b\n"
                      "created by main.main in goroutine 1\n"
                      "\t/app/main.go:40 +0x85\n"
                      "\n"
                      /* cut short: the input ends before its creator's file line */
                      "goroutine 15 [syscall, 1 minutes]:\n"
                      "syscall.Syscall6(0x2d, 0x9, 0xc000386000, 0x10000, 0x0, 0x0, 0x0)\n"
                      "\t/usr/local/go/src/syscall/syscall_linux.go:91 +0x36\n"
                      "example.com/app/nl.(*Socket).Receive(0xc0001b2600)\n"
                      "\t/app/nl/socket.go:71 +0x5b\n"
                      "created by main.main in goroutine 1\n");
    sb_groups gs;
    sb_groups_build(m, &gs);
    const sb_group *g = group_of(&gs, gidx(m, 0, 12));
    assert_ptr_equal(group_of(&gs, gidx(m, 0, 13)), g);
    assert_ptr_equal(group_of(&gs, gidx(m, 0, 14)), g);
    assert_ptr_equal(group_of(&gs, gidx(m, 0, 15)), g);
    assert_true(m->goroutines[gidx(m, 0, 15)].flags & SB_G_TRUNCATED);
    assert_true(g->count == 4);
    assert_int_equal(g->locked, 2);
    assert_int_equal(g->truncated, 1);
    assert_int_equal(g->min_wait, 1);
    assert_int_equal(g->max_wait, 3);
    sb_groups_free(&gs);
}

/* No goroutines, no groups. */
static void test_empty_model(void **state)
{
    sb_model *m = *state;
    sb_groups gs;
    sb_groups_build(m, &gs);
    assert_int_equal(gs.n, 0);
    sb_groups_free(&gs);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_model, teardown_model)
    const struct CMUnitTest tests[] = {
        T(test_identical_stacks_merge), T(test_state_and_line_split),
        T(test_groups_per_dump_sorted), T(test_debug1_counts),
        T(test_locked_and_truncated),   T(test_empty_model),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
