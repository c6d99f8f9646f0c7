/* test_blame.c: what blame.c makes of the waits-for graph: chains from a
 * blocked goroutine to the root that blocks it (links in order, the root
 * last), how many goroutines each root blocks, one chain per way into a
 * root (the waiting goroutines' entry), the ranking (most blocked first,
 * then a health-critical way in, then confidence, then the larger way in),
 * a chain of one for a root waiting on something outside the input,
 * cycles as deadlocks (and no chain into them), --from, and the frame a
 * link shows.
 *
 * Hand-written minimal dumps, lines shaped exactly like Go's (see
 * sb_diag_test.h): a few goroutines each, waiting on locks whose holders
 * the lock-receiver rule names (a goroutine inside a method of the lock's
 * owner, on the same receiver). */
#include "sb_diag_test.h"

/* ------------------------------------------------------------ helpers */

/* goroutine 1: main.main parked on a receive; makes a dump whole. */
#define MAIN_PARKED                                                                                \
    "goroutine 1 [chan receive]:\n"                                                                \
    "main.main()\n"                                                                                \
    "\t/app/main.go:25 +0x1d\n"                                                                    \
    "\n"

/* goroutine ID, in state STATE, holds the Store's lock (receiver
 * 0xc000010000): it is inside (*Store).Put, past its Lock call. */
#define STORE_HOLDER(ID, STATE)                                                                    \
    "goroutine " ID " [" STATE "]:\n"                                                              \
    "time.Sleep(0x3b9aca00)\n"                                                                     \
    "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"                                             \
    "example.com/app/store.(*Store).Put(0xc000010000, {0x6a1b2c, 0x3})\n"                          \
    "\t/app/store/store.go:61 +0x8a\n"                                                             \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:19 +0x6b\n"                                                                    \
    "\n"

/* goroutine ID waits WAIT (", 5 minutes" or "") on the Store's mutex
 * 0xc000010008 in (*Store).Get, called by example.com/app.ENTRY: its own
 * function, the way it comes in. */
#define STORE_WAITER(ID, WAIT, ENTRY)                                                              \
    "goroutine " ID " [sync.Mutex.Lock" WAIT "]:\n"                                                \
    "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"                                    \
    "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"                                               \
    "sync.(*Mutex).lockSlow(0xc000010008)\n"                                                       \
    "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"                                               \
    "sync.(*Mutex).Lock(...)\n"                                                                    \
    "\t/usr/local/go/src/sync/mutex.go:90\n"                                                       \
    "example.com/app/store.(*Store).Get(0xc000010000, {0x6a1b2c, 0x3})\n"                          \
    "\t/app/store/store.go:42 +0x4e\n"                                                             \
    "example.com/app." ENTRY "(0xc000010000)\n"                                                    \
    "\t/app/" ENTRY ".go:10 +0x2a\n"                                                               \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:20 +0x85\n"                                                                    \
    "\n"

/* Compares chain ch's links (goroutine ids of dump 0, from the blocked
 * goroutine to the root) with want[0..n). */
static void sb_check_links(const sb_fx *fx, const sb_chain *ch, const uint64_t *want, uint32_t n,
                           const char *file, int line)
{
    bool same = ch->nlinks == n;
    for (uint32_t k = 0; same && k < n; k++)
        same = fx->m.goroutines[ch->links[k]].id == want[k];
    if (same)
        return;
    char got[256] = "", exp[256] = "";
    for (uint32_t k = 0; k < ch->nlinks; k++)
        snprintf(got + strlen(got), sizeof(got) - strlen(got), " %llu",
                 (unsigned long long)fx->m.goroutines[ch->links[k]].id);
    for (uint32_t k = 0; k < n; k++)
        snprintf(exp + strlen(exp), sizeof(exp) - strlen(exp), " %llu",
                 (unsigned long long)want[k]);
    print_error("chain links:%s; want:%s\n", got, exp);
    _fail(file, line);
}
#define assert_links(fx, ch, ...)                                                                  \
    do {                                                                                           \
        const uint64_t want_[] = {__VA_ARGS__};                                                    \
        sb_check_links((fx), (ch), want_, sizeof(want_) / sizeof(want_[0]), __FILE__, __LINE__);   \
    } while (0)

static uint32_t root_of(const sb_chain *ch)
{
    return ch->links[ch->nlinks - 1];
}

static const char *entry_name(const sb_fx *fx, const sb_chain *ch)
{
    return ch->entry ? sb_str(&fx->m, ch->entry, NULL) : "(none)";
}

/* -------------------------------------------------------------- chains */

/* Three links: goroutine 7 waits on the Index's lock, which goroutine 20
 * holds (inside (*Index).Update) while it waits on the Store's, which
 * goroutine 4242 holds. One chain, in that order, the root last; 4242
 * blocks both. */
static void test_chain_links_in_order(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED STORE_HOLDER(
                   "4242",
                   "sleep, 7 minutes") "goroutine 20 [sync.Mutex.Lock, 3 minutes]:\n"
                                       "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"
                                       "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
                                       "sync.(*Mutex).lockSlow(0xc000010008)\n"
                                       "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
                                       "sync.(*Mutex).Lock(...)\n"
                                       "\t/usr/local/go/src/sync/mutex.go:90\n"
                                       "example.com/app/store.(*Store).Get(0xc000010000, "
                                       "{0x6a1b2c, 0x3})\n"
                                       "\t/app/store/store.go:42 +0x4e\n"
                                       "example.com/app/index.(*Index).Update(0xc000030000, "
                                       "0xc000010000)\n"
                                       "\t/app/index/index.go:60 +0x5a\n"
                                       "created by main.main in goroutine 1\n"
                                       "\t/app/main.go:21 +0x85\n"
                                       "\n"
                                       "goroutine 7 [sync.Mutex.Lock, 5 minutes]:\n"
                                       "sync.runtime_SemacquireMutex(0xc000030008?, 0x0?, 0x1?)\n"
                                       "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
                                       "sync.(*Mutex).lockSlow(0xc000030008)\n"
                                       "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
                                       "sync.(*Mutex).Lock(...)\n"
                                       "\t/usr/local/go/src/sync/mutex.go:90\n"
                                       "example.com/app/index.(*Index).Lookup(0xc000030000, "
                                       "{0x6a1b2c, 0x3})\n"
                                       "\t/app/index/index.go:30 +0x4e\n"
                                       "created by main.main in goroutine 1\n"
                                       "\t/app/main.go:22 +0x85\n");
    const sb_blame *b = &fx->a.blame;
    uint32_t g7 = fx_g(fx, 0, 7), g20 = fx_g(fx, 0, 20), g4242 = fx_g(fx, 0, 4242);
    assert_int_equal(b->next[g7], g20);
    assert_int_equal(b->next[g20], g4242);
    assert_int_equal(b->next[g4242], SB_NONE);
    /* 20 is waited for: it starts no chain of its own */
    assert_int_equal(b->nchains, 1);
    const sb_chain *ch = &b->chains[0];
    assert_links(fx, ch, 7, 20, 4242);
    assert_int_equal(root_of(ch), g4242);
    assert_int_equal(ch->blocked, 2);
    assert_int_equal(b->blocked[g4242], 2);
    assert_int_equal(b->blocked[g20], 0);
    assert_int_equal(b->blocked[g7], 0);
    assert_int_equal(ch->entries, 1);
    assert_int_equal(ch->conf, SB_CONF_HIGH);
    assert_int_equal(ch->rule, SB_RULE_LOCK_RECEIVER);
    /* the longest wait of the blocked ones (7 is the root's own) */
    assert_int_equal(ch->max_wait, 5);
    assert_false(ch->transient);
    assert_false(ch->critical);
    assert_int_equal(b->ncycles, 0);
}

/* One chain per way in: goroutines 7 and 8 come in by workerA, 9 by
 * workerB, all three wait on the Store's lock goroutine 40 holds. Each
 * chain counts every goroutine the root blocks, and its own way in; the
 * larger way in ranks first; its representative is the longest waiter. */
static void test_one_chain_per_way_in(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED STORE_HOLDER("40", "sleep, 9 minutes")
                   STORE_WAITER("7", ", 2 minutes", "workerA")
                       STORE_WAITER("8", ", 6 minutes", "workerA")
                           STORE_WAITER("9", ", 4 minutes", "workerB"));
    const sb_blame *b = &fx->a.blame;
    uint32_t g40 = fx_g(fx, 0, 40);
    assert_int_equal(b->nchains, 2);
    assert_int_equal(b->blocked[g40], 3);
    for (size_t c = 0; c < 2; c++) {
        assert_int_equal(root_of(&b->chains[c]), g40);
        assert_int_equal(b->chains[c].blocked, 3);
        assert_int_equal(b->chains[c].max_wait, 6);
        assert_int_equal(b->chains[c].conf, SB_CONF_HIGH);
    }
    assert_int_equal(b->chains[0].entries, 2);
    assert_string_equal(entry_name(fx, &b->chains[0]), "example.com/app.workerA");
    assert_links(fx, &b->chains[0], 8, 40);
    assert_int_equal(b->chains[1].entries, 1);
    assert_string_equal(entry_name(fx, &b->chains[1]), "example.com/app.workerB");
    assert_links(fx, &b->chains[1], 9, 40);
}

/* Ranking: a root that blocks more comes first; for one root, a way in
 * through a health-critical loop (the PLEG relist) comes before a larger
 * one. */
static void test_ranking(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED
           /* the Cache's lock: goroutine 30 holds it, 31 waits */
           "goroutine 30 [sleep, 9 minutes]:\n"
           "time.Sleep(0x3b9aca00)\n"
           "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
           "example.com/app/cache.(*Cache).Evict(0xc000050000)\n"
           "\t/app/cache/cache.go:90 +0x8a\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:23 +0x6b\n"
           "\n"
           "goroutine 31 [sync.Mutex.Lock, 8 minutes]:\n"
           "sync.runtime_SemacquireMutex(0xc000050008?, 0x0?, 0x1?)\n"
           "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
           "sync.(*Mutex).lockSlow(0xc000050008)\n"
           "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
           "sync.(*Mutex).Lock(...)\n"
           "\t/usr/local/go/src/sync/mutex.go:90\n"
           "example.com/app/cache.(*Cache).Get(0xc000050000, {0x6a1b2c, 0x3})\n"
           "\t/app/cache/cache.go:31 +0x4e\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:24 +0x85\n"
           "\n" STORE_HOLDER("40", "sleep, 9 minutes") STORE_WAITER("7", ", 2 minutes", "workerA")
               STORE_WAITER("8", ", 2 minutes", "workerA")
           /* the PLEG relist waits on the Store's lock too */
           "goroutine 5 [sync.Mutex.Lock, 1 minutes]:\n"
           "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"
           "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
           "sync.(*Mutex).lockSlow(0xc000010008)\n"
           "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
           "sync.(*Mutex).Lock(...)\n"
           "\t/usr/local/go/src/sync/mutex.go:90\n"
           "example.com/app/store.(*Store).Get(0xc000010000, {0x6a1b2c, 0x3})\n"
           "\t/app/store/store.go:42 +0x4e\n"
           "k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist(0xc000a1c000)\n"
           "\t/go/src/k8s.io/kubernetes/pkg/kubelet/pleg/generic.go:190 +0x6a\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:26 +0x85\n");
    const sb_blame *b = &fx->a.blame;
    uint32_t g40 = fx_g(fx, 0, 40), g30 = fx_g(fx, 0, 30);
    assert_int_equal(b->nchains, 3);
    assert_int_equal(root_of(&b->chains[0]), g40);
    assert_int_equal(b->chains[0].blocked, 3);
    assert_true(b->chains[0].critical);
    assert_string_equal(entry_name(fx, &b->chains[0]), "PLEG relist");
    assert_links(fx, &b->chains[0], 5, 40);
    assert_int_equal(root_of(&b->chains[1]), g40);
    assert_false(b->chains[1].critical);
    assert_int_equal(b->chains[1].entries, 2);
    assert_int_equal(root_of(&b->chains[2]), g30);
    assert_int_equal(b->chains[2].blocked, 1);
    assert_links(fx, &b->chains[2], 31, 30);
    for (size_t c = 1; c < b->nchains; c++)
        assert_true(b->chains[c - 1].blocked >= b->chains[c].blocked);
}

/* A root that runs may be done in a moment: the chain is capped at low
 * by rule progressing. A root and waiters without wait times in a
 * traceback are transient. */
static void test_progressing_root(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 40 [running]:\n"
                           "example.com/app/store.(*Store).compact(0xc000010000)\n"
                           "\t/app/store/compact.go:12 +0x3a\n"
                           "example.com/app/store.(*Store).Put(0xc000010000, {0x6a1b2c, 0x3})\n"
                           "\t/app/store/store.go:61 +0x8a\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:19 +0x6b\n"
                           "\n" STORE_WAITER("7", "", "workerA"));
    const sb_blame *b = &fx->a.blame;
    assert_int_equal(b->nchains, 1);
    assert_links(fx, &b->chains[0], 7, 40);
    assert_int_equal(b->chains[0].conf, SB_CONF_LOW);
    assert_int_equal(b->chains[0].rule, SB_RULE_QUIET_PROGRESSING);
    assert_int_equal(b->chains[0].max_wait, -1);
    assert_true(b->chains[0].transient);
}

/* A root waiting on something not in the input (a child process not
 * dumped) that has waited: a chain of one, blocking nobody, as sure as
 * its dangling edge. */
static void test_chain_of_one(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED
           "goroutine 36 [syscall, 2 minutes]:\n"
           "syscall.Syscall6(0xf7, 0x1, 0x4d2, 0xc000088f28, 0x1000004, 0x0, 0x0)\n"
           "\t/usr/local/go/src/syscall/syscall_linux.go:90 +0x36\n"
           "os.(*Process).blockUntilWaitable(0xc00010ed20)\n"
           "\t/usr/local/go/src/os/wait_waitid.go:32 +0x87\n"
           "os.(*Process).wait(0xc00010ed20)\n"
           "\t/usr/local/go/src/os/exec_unix.go:22 +0x28\n"
           "os.(*Process).Wait(...)\n"
           "\t/usr/local/go/src/os/exec.go:132\n"
           "os/exec.(*Cmd).Wait(0xc00016e2c0)\n"
           "\t/usr/local/go/src/os/exec/exec.go:599 +0x4b\n"
           "os/exec.(*Cmd).Run(0xc00016e2c0)\n"
           "\t/usr/local/go/src/os/exec/exec.go:437 +0x39\n"
           "github.com/containernetworking/cni/pkg/invoke.(*RawExec).ExecPlugin(0xc000104120, "
           "{0xc00010ec00, 0x2d}, {0xc00010a460, 0x41, 0x50}, {0xc000206000, 0x32, 0x58})\n"
           "\t/go/pkg/mod/github.com/containernetworking/cni@v1.1.2/pkg/invoke/"
           "raw_exec.go:28 +0x255\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:40 +0x85\n");
    const sb_blame *b = &fx->a.blame;
    uint32_t g36 = fx_g(fx, 0, 36);
    assert_int_equal(b->nchains, 1);
    assert_links(fx, &b->chains[0], 36);
    assert_int_equal(b->chains[0].blocked, 0);
    assert_int_equal(b->chains[0].rule, SB_RULE_EXEC_NOT_DUMPED);
    assert_int_equal(b->chains[0].conf, SB_CONF_MEDIUM);
    assert_int_equal(b->next[g36], SB_NONE);
}

/* A lock nobody is known to hold, in a whole dump, is a stuck finding,
 * not a chain. */
static void test_no_chain_without_holder(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED STORE_WAITER("7", ", 5 minutes", "workerA"));
    assert_int_equal(fx->a.blame.nchains, 0);
    assert_int_equal(fx->a.blame.ncycles, 0);
    assert_stuck(fx, fx_g(fx, 0, 7), SB_RULE_LEAKED_LOCK, SB_CONF_MEDIUM);
}

/* ------------------------------------------------------------- cycles */

/* goroutine ID holds account HELD's lock (inside (*Account).Transfer on
 * it) and waits in (*Account).deposit on account WANTED's mutex (its
 * receiver + 8). */
#define TRANSFER(ID, HELD, WANTED, LINE)                                                           \
    "goroutine " ID " [sync.Mutex.Lock, 4 minutes]:\n"                                             \
    "sync.runtime_SemacquireMutex(" WANTED "8?, 0x0?, 0x1?)\n"                                     \
    "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"                                               \
    "sync.(*Mutex).lockSlow(" WANTED "8)\n"                                                        \
    "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"                                               \
    "sync.(*Mutex).Lock(...)\n"                                                                    \
    "\t/usr/local/go/src/sync/mutex.go:90\n"                                                       \
    "example.com/bank.(*Account).deposit(" WANTED "0, 0x64)\n"                                     \
    "\t/app/bank/account.go:40 +0x4e\n"                                                            \
    "example.com/bank.(*Account).Transfer(" HELD "0, " WANTED "0, 0x64)\n"                         \
    "\t/app/bank/account.go:" LINE " +0x7a\n"                                                      \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:30 +0x85\n"                                                                    \
    "\n"

/* Two goroutines waiting on each other's locks: one cycle of the two,
 * each member waiting for the next, the last for the first. A third
 * waiting on one of them joins no chain: its root is in the deadlock. */
static void test_cycle_of_two(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED TRANSFER("10", "0xc00001200", "0xc00001210", "22")
                   TRANSFER("11", "0xc00001210", "0xc00001200",
                            "22") "goroutine 12 [sync.Mutex.Lock, 1 minutes]:\n"
                                  "sync.runtime_SemacquireMutex(0xc000012008?, 0x0?, 0x1?)\n"
                                  "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
                                  "sync.(*Mutex).lockSlow(0xc000012008)\n"
                                  "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
                                  "sync.(*Mutex).Lock(...)\n"
                                  "\t/usr/local/go/src/sync/mutex.go:90\n"
                                  "example.com/bank.(*Account).Balance(0xc000012000)\n"
                                  "\t/app/bank/account.go:60 +0x4e\n"
                                  "created by main.main in goroutine 1\n"
                                  "\t/app/main.go:31 +0x85\n");
    const sb_blame *b = &fx->a.blame;
    uint32_t g10 = fx_g(fx, 0, 10), g11 = fx_g(fx, 0, 11), g12 = fx_g(fx, 0, 12);
    assert_int_equal(b->ncycles, 1);
    const sb_cycle *cy = &b->cycles[0];
    assert_int_equal(cy->n, 2);
    assert_int_equal(cy->dump, 0);
    assert_true((cy->members[0] == g10 && cy->members[1] == g11) ||
                (cy->members[0] == g11 && cy->members[1] == g10));
    for (uint32_t k = 0; k < cy->n; k++)
        assert_int_equal(b->next[cy->members[k]], cy->members[(k + 1) % cy->n]);
    assert_int_equal(cy->conf, SB_CONF_HIGH);
    assert_int_equal(cy->rule, SB_RULE_LOCK_RECEIVER);
    /* goroutine 12 waits on account 0xc000012000, which 10 holds */
    assert_int_equal(b->next[g12], g10);
    assert_int_equal(b->nchains, 0);
    assert_int_equal(b->blocked[g10], 0);
    assert_int_equal(b->blocked[g11], 0);
    /* --fail-deadlock counts it */
    assert_int_equal(sb_analysis_findings(&fx->a, true, 0, false), 1);
}

/* ---------------------------------------------------------- --from */

/* --from REGEX: only goroutines whose stack has a matching function start
 * chains; the roots and counts stay those of the whole graph. */
static void test_from_selects_start(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "app.txt",
           MAIN_PARKED STORE_HOLDER("40", "sleep, 9 minutes")
               STORE_WAITER("7", ", 2 minutes", "workerA")
                   STORE_WAITER("9", ", 4 minutes", "workerB"));
    char err[128] = "";
    bool *sel = sb_blame_select(&fx->m, "workerB$", err, sizeof(err));
    assert_non_null(sel);
    assert_false(sel[fx_g(fx, 0, 7)]);
    assert_true(sel[fx_g(fx, 0, 9)]);
    assert_false(sel[fx_g(fx, 0, 40)]);
    free(sel);

    sb_analyze(&fx->m, fx->rules, "workerB$", fx->series, &fx->a);
    fx->analysed = true;
    const sb_blame *b = &fx->a.blame;
    assert_int_equal(b->nchains, 1);
    assert_links(fx, &b->chains[0], 9, 40);
    assert_int_equal(b->chains[0].blocked, 2);
}

static void test_from_regex_errors(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "app.txt", MAIN_PARKED);
    char err[128] = "";
    assert_true(sb_blame_check_regex("^example\\.com/", err, sizeof(err)));
    assert_false(sb_blame_check_regex("(", err, sizeof(err)));
    assert_true(strncmp(err, "bad regex at offset 1: ", 23) == 0);
    err[0] = '\0';
    assert_null(sb_blame_select(&fx->m, "[z-a]", err, sizeof(err)));
    assert_true(strncmp(err, "bad regex at offset ", 20) == 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_fx, teardown_fx)
    const struct CMUnitTest tests[] = {
        T(test_chain_links_in_order), T(test_one_chain_per_way_in), T(test_ranking),
        T(test_progressing_root),     T(test_chain_of_one),         T(test_no_chain_without_holder),
        T(test_cycle_of_two),         T(test_from_selects_start),   T(test_from_regex_errors),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
