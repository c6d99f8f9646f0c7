/* test_classify.c: what classify.c promises of each goroutine: the kind of
 * wait (frames first, the header state where it says more), the lock
 * address and receiver read from arguments (never one printed with '?'),
 * the lock site and its owner type, the RPC method, syscall, child or
 * human name a stack carries, the shapes of stacks (tests, main, loops,
 * Stop, lock wrappers, the runtime's own, the dump writer), what each dump
 * says of itself, and the function-name helpers of goname.h (included by classify.h).
 *
 * Hand-written minimal dumps, lines shaped exactly like Go's (see
 * sb_diag_test.h): a few goroutines each, runtime frames above the sync
 * or channel frames left out where classification does not read them. */
#include "sb_diag_test.h"

/* ------------------------------------------------------------ helpers */

static const sb_gclass *gcls(const sb_fx *fx, uint32_t gi)
{
    return &fx->a.classes.g[gi];
}

static const sb_stack_class *scls(const sb_fx *fx, uint32_t gi)
{
    return &fx->a.classes.stacks[fx->m.goroutines[gi].stack];
}

/* The function of frame `frame` of goroutine gi's stack; "(none)" for SB_NONE. */
static const char *frame_func(const sb_fx *fx, uint32_t gi, uint32_t frame)
{
    if (frame == SB_NONE)
        return "(none)";
    const sb_stack *st = sb_stack_get(&fx->m, fx->m.goroutines[gi].stack);
    assert_true(frame < st->nframes);
    return sb_str(&fx->m, sb_frame_get(&fx->m, st->frames[frame])->func, NULL);
}

/* A string id as a C string; "" for 0. */
static const char *str(const sb_fx *fx, uint32_t id)
{
    return id ? sb_str(&fx->m, id, NULL) : "";
}

static void sb_check_kind(const sb_fx *fx, uint32_t gi, enum sb_wait_kind want, const char *file,
                          int line)
{
    uint8_t got = gcls(fx, gi)->kind;
    if (got == want)
        return;
    print_error("%s: kind %s, want %s\n", fx_who(fx, gi), sb_wait_kind_name(got),
                sb_wait_kind_name(want));
    _fail(file, line);
}
#define assert_kind(fx, gi, want) sb_check_kind((fx), (gi), (want), __FILE__, __LINE__)

/* goroutine 1: main.main parked on a receive; makes a dump whole. */
#define MAIN_PARKED                                                                                \
    "goroutine 1 [chan receive]:\n"                                                                \
    "main.main()\n"                                                                                \
    "\t/app/main.go:25 +0x1d\n"                                                                    \
    "\n"

/* goroutine ID waits to lock the Store's mutex (lockSlow prints its
 * address LOCK) in (*Store).Get on the receiver RECV; Go 1.21 lines. */
#define STORE_WAITER(ID, STATE, LOCK, RECV)                                                        \
    "goroutine " ID " [" STATE "]:\n"                                                              \
    "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"                                    \
    "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"                                               \
    "sync.(*Mutex).lockSlow(" LOCK ")\n"                                                           \
    "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"                                               \
    "sync.(*Mutex).Lock(...)\n"                                                                    \
    "\t/usr/local/go/src/sync/mutex.go:90\n"                                                       \
    "example.com/app/store.(*Store).Get(" RECV ", {0x6a1b2c, 0x3})\n"                              \
    "\t/app/store/store.go:42 +0x4e\n"                                                             \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:20 +0x85\n"                                                                    \
    "\n"

/* ------------------------------------------------------------- locks */

/* A goroutine in sync.(*Mutex).Lock waits on a mutex: the address is
 * lockSlow's argument, the site the first caller outside sync, its owner
 * the site's receiver type, the receiver read from its argument. */
static void test_mutex_waiter(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED STORE_WAITER("7", "sync.Mutex.Lock, 5 minutes", "0xc000010008",
                                        "0xc000010000"));
    uint32_t g7 = fx_g(fx, 0, 7);
    const sb_gclass *gc = gcls(fx, g7);
    const sb_stack_class *sc = scls(fx, g7);
    assert_kind(fx, g7, SB_WAIT_MUTEX);
    assert_string_equal(sb_wait_kind_name(gc->kind), "mutex");
    assert_true(gc->has_addr);
    assert_true(gc->addr == 0xc000010008ull);
    assert_true(gc->has_recv);
    assert_true(gc->recv == 0xc000010000ull);
    /* the outermost lock-like frame of the run of sync frames */
    assert_string_equal(frame_func(fx, g7, sc->wait_frame), "sync.(*Mutex).Lock");
    assert_string_equal(frame_func(fx, g7, sc->site_frame), "example.com/app/store.(*Store).Get");
    assert_string_equal(str(fx, sc->site_type), "example.com/app/store.(*Store)");
    assert_int_equal(sc->owner_frame, sc->site_frame);
    /* a report shows the lock site, not a sync frame */
    uint32_t lf = sb_link_frame(&fx->m, &fx->a.classes, g7);
    assert_string_equal(sb_str(&fx->m, sb_frame_get(&fx->m, lf)->func, NULL),
                        "example.com/app/store.(*Store).Get");
    assert_true(sb_wait_is_lock(gc->kind));
    assert_true(sb_wait_is_blocked(gc->kind));
}

/* Go 1.17+ prints an argument it is not sure of with '?': such an address
 * is not trusted, neither as the lock nor as the receiver. The kind and
 * the owner type, read from the function names, stand. */
static void test_uncertain_address_not_trusted(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED STORE_WAITER("7", "sync.Mutex.Lock, 5 minutes", "0xc000010008?",
                                        "0xc000010000?"));
    uint32_t g7 = fx_g(fx, 0, 7);
    const sb_gclass *gc = gcls(fx, g7);
    assert_kind(fx, g7, SB_WAIT_MUTEX);
    assert_false(gc->has_addr);
    assert_false(gc->has_recv);
    assert_string_equal(str(fx, scls(fx, g7)->site_type), "example.com/app/store.(*Store)");
}

/* RLock waits on a read lock: the semaphore's address printed with '?'
 * is passed over for RLock's receiver. Lock with the writer semaphore just
 * inside waits for readers to drain; Lock behind another writer (its inner
 * Mutex) is a write wait that drains nothing. */
static void test_rwmutex_kinds(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 9 [sync.RWMutex.RLock, 4 minutes]:\n"
                           "sync.runtime_SemacquireRWMutexR(0xc0000a6018?, 0x0?, 0x0?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:82 +0x25\n"
                           "sync.(*RWMutex).RLock(0xc0000a6000)\n"
                           "\t/usr/local/go/src/sync/rwmutex.go:71 +0x52\n"
                           "example.com/app/cache.(*Cache).Get(0xc0000a6000, {0x6a1b2c, 0x3})\n"
                           "\t/app/cache/cache.go:31 +0x4e\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:21 +0x85\n"
                           "\n"
                           "goroutine 8 [sync.RWMutex.Lock, 4 minutes]:\n"
                           "sync.runtime_SemacquireRWMutex(0xc0000a6014?, 0x0?, 0x0?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:87 +0x25\n"
                           "sync.(*RWMutex).Lock(0xc0000a6000)\n"
                           "\t/usr/local/go/src/sync/rwmutex.go:152 +0x71\n"
                           "example.com/app/cache.(*Cache).Put(0xc0000a6000, {0x6a1b2c, 0x3})\n"
                           "\t/app/cache/cache.go:52 +0x4e\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:22 +0x85\n"
                           "\n"
                           "goroutine 10 [sync.Mutex.Lock, 1 minutes]:\n"
                           "sync.runtime_SemacquireMutex(0xc0000a6004?, 0x0?, 0x1?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
                           "sync.(*Mutex).lockSlow(0xc0000a6000)\n"
                           "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
                           "sync.(*Mutex).Lock(...)\n"
                           "\t/usr/local/go/src/sync/mutex.go:90\n"
                           "sync.(*RWMutex).Lock(0xc0000a6000)\n"
                           "\t/usr/local/go/src/sync/rwmutex.go:146 +0x31\n"
                           "example.com/app/cache.(*Cache).Put(0xc0000a6000, {0x6a1b30, 0x3})\n"
                           "\t/app/cache/cache.go:52 +0x4e\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:23 +0x85\n");
    uint32_t g9 = fx_g(fx, 0, 9), g8 = fx_g(fx, 0, 8), g10 = fx_g(fx, 0, 10);
    assert_kind(fx, g9, SB_WAIT_RWMUTEX_READ);
    assert_true(gcls(fx, g9)->has_addr);
    assert_true(gcls(fx, g9)->addr == 0xc0000a6000ull);
    assert_kind(fx, g8, SB_WAIT_RWMUTEX_WRITE);
    assert_true(scls(fx, g8)->roles & SB_SR_DRAIN);
    assert_kind(fx, g10, SB_WAIT_RWMUTEX_WRITE);
    assert_false(scls(fx, g10)->roles & SB_SR_DRAIN);
    assert_string_equal(frame_func(fx, g10, scls(fx, g10)->wait_frame), "sync.(*RWMutex).Lock");
    assert_true(gcls(fx, g10)->addr == 0xc0000a6000ull);
}

/* A project's own lock type above sync.(*Mutex).Lock is part of the wait:
 * the site is its caller, and the stack says a wrapper took the lock. */
static void test_lock_wrapper(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 7 [sync.Mutex.Lock, 5 minutes]:\n"
                           "sync.runtime_SemacquireMutex(0xc0000b0008?, 0x0?, 0x1?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
                           "sync.(*Mutex).lockSlow(0xc0000b0000)\n"
                           "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
                           "sync.(*Mutex).Lock(...)\n"
                           "\t/usr/local/go/src/sync/mutex.go:90\n"
                           "example.com/app/syncx.(*Mutex).Lock(0xc0000b0000)\n"
                           "\t/app/syncx/mutex.go:18 +0x31\n"
                           "example.com/app/store.(*Store).Get(0xc0000b0000, {0x6a1b2c, 0x3})\n"
                           "\t/app/store/store.go:42 +0x4e\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:20 +0x85\n");
    uint32_t g7 = fx_g(fx, 0, 7);
    const sb_stack_class *sc = scls(fx, g7);
    assert_kind(fx, g7, SB_WAIT_MUTEX);
    assert_true(sc->roles & SB_SR_WRAPPER);
    assert_string_equal(frame_func(fx, g7, sc->site_frame), "example.com/app/store.(*Store).Get");
    assert_string_equal(str(fx, sc->site_type), "example.com/app/store.(*Store)");
}

/* ------------------------------------------------ the header state */

/* The header weighs in: a goroutine runnable again in Mutex.Lock is no
 * longer waiting; a Go 1.19 "semacquire" says nothing more than the frames,
 * which name the WaitGroup; frames that name no wait leave it to the
 * header (sync.Cond.Wait). */
static void test_header_state(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED STORE_WAITER(
                   "7", "runnable", "0xc000010008",
                   "0xc000010000") "goroutine 11 [semacquire, 3 minutes]:\n"
                                   "sync.runtime_Semacquire(0xc00008e248?)\n"
                                   "\t/usr/lib/go-1.19/src/runtime/sema.go:62 +0x25\n"
                                   "sync.(*WaitGroup).Wait(0xc00008e240)\n"
                                   "\t/usr/lib/go-1.19/src/sync/waitgroup.go:139 +0x52\n"
                                   "example.com/app.(*Pool).Drain(0xc00008e200)\n"
                                   "\t/app/pool.go:77 +0x45\n"
                                   "created by main.main in goroutine 1\n"
                                   "\t/app/main.go:30 +0x85\n"
                                   "\n"
                                   "goroutine 12 [sync.Cond.Wait, 2 minutes]:\n"
                                   "example.com/app.(*Queue).Pop(0xc0000c0000)\n"
                                   "\t/app/queue.go:40 +0x45\n"
                                   "created by main.main in goroutine 1\n"
                                   "\t/app/main.go:31 +0x85\n");
    uint32_t g7 = fx_g(fx, 0, 7), g11 = fx_g(fx, 0, 11), g12 = fx_g(fx, 0, 12);
    assert_kind(fx, g7, SB_WAIT_RUNNABLE);
    assert_false(sb_wait_is_blocked(gcls(fx, g7)->kind));
    /* the stack itself still says mutex: only this goroutine is runnable */
    assert_int_equal(scls(fx, g7)->kind, SB_WAIT_MUTEX);
    assert_kind(fx, g11, SB_WAIT_WAITGROUP);
    assert_true(gcls(fx, g11)->has_addr);
    assert_true(gcls(fx, g11)->addr == 0xc00008e240ull);
    assert_kind(fx, g12, SB_WAIT_COND);
}

/* ---------------------------------------------------------- channels */

/* A channel send: the header says so, the inner runtime frame prints the
 * channel exactly. A receive in a for-range (chanrecv2) is the shape of a
 * goroutine idle in its own loop. */
static void test_channels(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 9 [chan send, 2 minutes]:\n"
                           "runtime.gopark(0x4b2c48?, 0xc00001c118?, 0x0?, 0x0?, 0x0?)\n"
                           "\t/usr/local/go/src/runtime/proc.go:398 +0xce\n"
                           "runtime.chansend(0xc00001c0c0, 0xc000047f38, 0x1, 0x4a3f0b)\n"
                           "\t/usr/local/go/src/runtime/chan.go:259 +0x38d\n"
                           "runtime.chansend1(0xc00001c0c0?, 0xc000047f38?)\n"
                           "\t/usr/local/go/src/runtime/chan.go:145 +0x17\n"
                           "example.com/app.produce(0xc00001c0c0?)\n"
                           "\t/app/produce.go:14 +0x45\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:30 +0x85\n"
                           "\n"
                           "goroutine 10 [chan receive, 2 minutes]:\n"
                           "runtime.gopark(0x4b2c48?, 0xc00001c178?, 0x0?, 0x0?, 0x0?)\n"
                           "\t/usr/local/go/src/runtime/proc.go:398 +0xce\n"
                           "runtime.chanrecv(0xc00001c180, 0xc000049f08, 0x1)\n"
                           "\t/usr/local/go/src/runtime/chan.go:583 +0x3cd\n"
                           "runtime.chanrecv2(0xc00001c180?, 0x0?)\n"
                           "\t/usr/local/go/src/runtime/chan.go:447 +0x12\n"
                           "example.com/app.consume(0xc00001c180?)\n"
                           "\t/app/consume.go:21 +0x45\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:31 +0x85\n");
    uint32_t g9 = fx_g(fx, 0, 9), g10 = fx_g(fx, 0, 10);
    assert_kind(fx, g9, SB_WAIT_CHAN);
    assert_true(gcls(fx, g9)->send);
    assert_int_equal(gcls(fx, g9)->obj_kind, SB_OBJ_CHAN);
    assert_true(gcls(fx, g9)->obj == 0xc00001c0c0ull);
    assert_string_equal(frame_func(fx, g9, scls(fx, g9)->chan_frame), "runtime.chansend");
    assert_int_equal(gcls(fx, g9)->quiet, 0);

    assert_kind(fx, g10, SB_WAIT_CHAN);
    assert_false(gcls(fx, g10)->send);
    assert_true(gcls(fx, g10)->obj == 0xc00001c180ull);
    assert_true(scls(fx, g10)->roles & SB_SR_RECV2);
    assert_true(scls(fx, g10)->roles & SB_SR_LOOP);
    assert_quiet(fx, g10, SB_RULE_QUIET_LOOP);
}

/* ------------------------------------------- what is awaited, in words */

/* A syscall below netlink: the system call named (group 1 of the syscall
 * rule, lower-cased), the place named by the name rule. */
static void test_syscall_and_name(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED
           "goroutine 12 [syscall, 3 minutes, locked to thread]:\n"
           "syscall.Syscall6(0x2d, 0x9, 0xc000356000, 0x10000, 0x0, 0xc0003e8b58, 0xc0003e8b4c)\n"
           "\t/usr/local/go/src/syscall/syscall_linux.go:91 +0x36\n"
           "syscall.recvfrom(0x9, {0xc000356000?, 0x10000?, 0x10000?}, 0x0?, 0xc0003e8b58?, "
           "0xc0003e8b4c?)\n"
           "\t/usr/local/go/src/syscall/zsyscall_linux_amd64.go:1267 +0x85\n"
           "syscall.Recvfrom(0xc000356000?, {0xc000356000?, 0xc0003e8c28?, 0x4?}, 0x0?)\n"
           "\t/usr/local/go/src/syscall/syscall_unix.go:266 +0x50\n"
           "github.com/vishvananda/netlink/nl.(*NetlinkSocket).Receive(0xc0001b2360)\n"
           "\t/go/pkg/mod/github.com/vishvananda/netlink@v1.1.0/nl/nl_linux.go:710 +0x5b\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:40 +0x85\n");
    uint32_t g12 = fx_g(fx, 0, 12);
    const sb_stack_class *sc = scls(fx, g12);
    assert_kind(fx, g12, SB_WAIT_SYSCALL);
    assert_string_equal(str(fx, sc->detail), "recvfrom");
    assert_string_equal(str(fx, sc->name), "netlink");
    assert_false(sc->roles & SB_SR_CRITICAL);
    assert_true(fx->m.goroutines[g12].flags & SB_G_LOCKED);
}

/* A gRPC client call through a vendored grpc (the full vendor path, as
 * Go before 1.12 printed it): kind rpc, protocol grpc, the method from the
 * generated client's type and method. */
static void test_grpc_client(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED
           "goroutine 120 [select, 4 minutes]:\n"
           "k8s.io/kubernetes/vendor/google.golang.org/grpc/internal/transport."
           "(*Stream).waitOnHeader(0xc000a8e000)\n"
           "\t/go/src/k8s.io/kubernetes/vendor/google.golang.org/grpc/internal/transport/"
           "transport.go:331 +0x7c\n"
           "k8s.io/kubernetes/vendor/google.golang.org/grpc.invoke(0x1f3e2c8, 0xc000c2a0f0, "
           "0x1c9a42b, 0x39, 0x1bf3a80, 0xc000c0a000, 0x1c3a6e0, 0xc000c0e000, 0xc0003a6000, "
           "0xc000bc2000, ...)\n"
           "\t/go/src/k8s.io/kubernetes/vendor/google.golang.org/grpc/call.go:73 +0xd7\n"
           "k8s.io/kubernetes/vendor/google.golang.org/grpc.(*ClientConn).Invoke(0xc0003a6000, "
           "0x1f3e2c8, 0xc000c2a0f0, 0x1c9a42b, 0x39, 0x1bf3a80, 0xc000c0a000, 0x1c3a6e0, "
           "0xc000c0e000, 0xc000bc2000, ...)\n"
           "\t/go/src/k8s.io/kubernetes/vendor/google.golang.org/grpc/call.go:37 +0x23f\n"
           "k8s.io/kubernetes/vendor/k8s.io/cri-api/pkg/apis/runtime/v1alpha2."
           "(*runtimeServiceClient).PodSandboxStatus(0xc0001a2010, 0x1f3e2c8, 0xc000c2a0f0, "
           "0xc000c0a000, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0)\n"
           "\t/go/src/k8s.io/kubernetes/vendor/k8s.io/cri-api/pkg/apis/runtime/v1alpha2/"
           "api.pb.go:7812 +0xc6\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:40 +0x85\n");
    uint32_t g = fx_g(fx, 0, 120);
    const sb_stack_class *sc = scls(fx, g);
    assert_kind(fx, g, SB_WAIT_RPC);
    assert_string_equal(str(fx, sc->proto), "grpc");
    assert_string_equal(str(fx, sc->detail), "RuntimeService/PodSandboxStatus");
    assert_int_equal(sc->serves, 0);
}

/* RPC servers: a generated gRPC handler names service and method; the
 * net/rpc dispatcher names the method it called by reflection (the next
 * frame inside it outside the libraries). The handler's own wait (here a
 * mutex) is classified as any other. */
static void test_rpc_servers(void **state)
{
    sb_fx *fx = *state;
    fx_run(
        fx, MAIN_PARKED
        "goroutine 300 [IO wait, 4 minutes]:\n"
        "internal/poll.runtime_pollWait(0x7f2c3c1e8a28, 0x72)\n"
        "\t/usr/local/go/src/runtime/netpoll.go:343 +0x85\n"
        "example.com/cri.(*criService).PodSandboxStatus(0xc000200000, {0x1f3e2c8, "
        "0xc000c2a0f0}, 0xc000c0a000)\n"
        "\t/app/cri/sandbox_status.go:44 +0x8a\n"
        "k8s.io/cri-api/pkg/apis/runtime/v1._RuntimeService_PodSandboxStatus_Handler({0x1bf3a80, "
        "0xc000200000}, {0x1f3e2c8, 0xc000c2a0f0}, 0xc000c0a060, 0x0)\n"
        "\t/go/pkg/mod/k8s.io/cri-api@v0.28.0/pkg/apis/runtime/v1/api.pb.go:11205 +0x169\n"
        "created by main.main in goroutine 1\n"
        "\t/app/main.go:41 +0x85\n"
        "\n"
        "goroutine 58 [sync.Mutex.Lock, 2 minutes]:\n"
        "sync.runtime_SemacquireMutex(0xc00012a3cc?, 0x0?, 0x1?)\n"
        "\t/usr/lib/go-1.19/src/runtime/sema.go:77 +0x25\n"
        "sync.(*Mutex).lockSlow(0xc00012a3c8)\n"
        "\t/usr/lib/go-1.19/src/sync/mutex.go:171 +0x165\n"
        "sync.(*Mutex).Lock(...)\n"
        "\t/usr/lib/go-1.19/src/sync/mutex.go:90\n"
        "github.com/example/ipamd/daemon.(*networkService).AllocIP(0xc00012a3c0, "
        "0xc00008a7d0, 0xc00008a820)\n"
        "\t/go/src/github.com/example/ipamd/daemon/daemon.go:57 +0x6c\n"
        "reflect.Value.call({0xc000088540?, 0xc0000a85f8?, 0x13?}, {0x7ecf69, 0x4}, "
        "{0xc00004cef8, 0x3, 0x3?})\n"
        "\t/usr/lib/go-1.19/src/reflect/value.go:584 +0x8c5\n"
        "reflect.Value.Call({0xc000088540?, 0xc0000a85f8?, 0x203000?}, {0xc00003a6f8?, "
        "0x7d7e18?, 0x891328?})\n"
        "\t/usr/lib/go-1.19/src/reflect/value.go:368 +0xbc\n"
        "net/rpc.(*service).call(0xc000087ec0, 0xc00014e000?, 0x7ffa4ab24648?, 0xc0000accd0, "
        "0xc0000fed00, 0xc00003a7d0?, {0x771160?, 0xc00008a7d0?, 0x7ffa4ab24618?}, {0x771120, "
        "...}, ...)\n"
        "\t/usr/lib/go-1.19/src/net/rpc/server.go:382 +0x226\n"
        "created by net/rpc.(*Server).ServeCodec\n"
        "\t/usr/lib/go-1.19/src/net/rpc/server.go:479 +0x3fe\n");
    uint32_t g300 = fx_g(fx, 0, 300), g58 = fx_g(fx, 0, 58);
    assert_string_equal(str(fx, scls(fx, g300)->serves), "RuntimeService/PodSandboxStatus");
    assert_string_equal(str(fx, scls(fx, g300)->serves_proto), "grpc");
    assert_kind(fx, g300, SB_WAIT_IO);
    assert_string_equal(str(fx, scls(fx, g58)->serves), "networkService.AllocIP");
    assert_string_equal(str(fx, scls(fx, g58)->serves_proto), "net/rpc");
    assert_string_equal(frame_func(fx, g58, scls(fx, g58)->serves_frame),
                        "github.com/example/ipamd/daemon.(*networkService).AllocIP");
    assert_kind(fx, g58, SB_WAIT_MUTEX);
    assert_true(gcls(fx, g58)->addr == 0xc00012a3c8ull);
    /* a handler is never idle in a loop of its own */
    assert_false(scls(fx, g58)->roles & SB_SR_LOOP);
}

/* An exec'd child: waiting in os.(*Process).Wait under a CNI plugin call
 * is a wait on a child process, and it wins over the syscall header and
 * the wait4 frames inside it. The child is named by the name rule. */
static void test_exec_child_wait(void **state)
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
    uint32_t g36 = fx_g(fx, 0, 36);
    const sb_stack_class *sc = scls(fx, g36);
    assert_kind(fx, g36, SB_WAIT_EXEC);
    assert_string_equal(str(fx, sc->detail), "CNI plugin");
    assert_string_equal(str(fx, sc->name), "CNI plugin");
    assert_string_equal(frame_func(fx, g36, sc->site_frame),
                        "github.com/containernetworking/cni/pkg/invoke.(*RawExec).ExecPlugin");
}

/* A health-critical loop (rules: critical) names the goroutine and marks
 * its stack; a stack that matches no name rule has neither. */
static void test_critical_name(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED
           "goroutine 7 [sleep, 2 minutes]:\n"
           "time.Sleep(0x3b9aca00)\n"
           "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
           "k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist(0xc000a1c000)\n"
           "\t/go/src/k8s.io/kubernetes/pkg/kubelet/pleg/generic.go:190 +0x6a\n"
           "k8s.io/apimachinery/pkg/util/wait.JitterUntil.func1()\n"
           "\t/go/pkg/mod/k8s.io/apimachinery@v0.28.0/pkg/util/wait/backoff.go:226 +0x33\n"
           "created by k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).Start in goroutine 1\n"
           "\t/go/src/k8s.io/kubernetes/pkg/kubelet/pleg/generic.go:118 +0x8f\n"
           "\n"
           "goroutine 8 [sleep, 2 minutes]:\n"
           "time.Sleep(0x3b9aca00)\n"
           "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
           "example.com/app.refresh()\n"
           "\t/app/refresh.go:12 +0x6a\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:41 +0x85\n");
    uint32_t g7 = fx_g(fx, 0, 7), g8 = fx_g(fx, 0, 8);
    assert_string_equal(str(fx, scls(fx, g7)->name), "PLEG relist");
    assert_true(scls(fx, g7)->roles & SB_SR_CRITICAL);
    assert_string_equal(frame_func(fx, g7, scls(fx, g7)->name_frame),
                        "k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist");
    /* wait.JitterUntil runs the function for it (rules: launch) */
    assert_string_equal(frame_func(fx, g7, scls(fx, g7)->entry_frame),
                        "k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist");
    assert_kind(fx, g7, SB_WAIT_SLEEP);
    assert_quiet(fx, g7, SB_RULE_QUIET_SLEEP);
    assert_int_equal(scls(fx, g8)->name, 0);
    assert_false(scls(fx, g8)->roles & SB_SR_CRITICAL);
}

/* ------------------------------------------------- shapes of stacks */

/* The runtime's own goroutines and the one writing the dump are never
 * contention: a kind of their own, quiet, and the dump is self-written. */
static void test_runtime_and_dumper(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 2 [force gc (idle), 30 minutes]:\n"
                           "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
                           "\t/usr/local/go/src/runtime/proc.go:398 +0xce\n"
                           "runtime.goparkunlock(...)\n"
                           "\t/usr/local/go/src/runtime/proc.go:404\n"
                           "runtime.forcegchelper()\n"
                           "\t/usr/local/go/src/runtime/proc.go:322 +0xb3\n"
                           "created by runtime.init.6 in goroutine 1\n"
                           "\t/usr/local/go/src/runtime/proc.go:310 +0x1a\n"
                           "\n"
                           "goroutine 33 [running]:\n"
                           "runtime/pprof.writeGoroutineStacks({0x7f8a40, 0xc0001a0000})\n"
                           "\t/usr/local/go/src/runtime/pprof/pprof.go:703 +0x6a\n"
                           "runtime/pprof.writeGoroutine({0x7f8a40?, 0xc0001a0000?}, 0x2?)\n"
                           "\t/usr/local/go/src/runtime/pprof/pprof.go:692 +0x25\n"
                           "net/http/pprof.handler.ServeHTTP({0xc00001a0b1, 0x9}, {0x7fb1d8, "
                           "0xc0001a0000}, 0xc000160000)\n"
                           "\t/usr/local/go/src/net/http/pprof/pprof.go:259 +0x4d8\n"
                           "created by net/http.(*Server).Serve in goroutine 1\n"
                           "\t/usr/local/go/src/net/http/server.go:3086 +0x5cb\n"
                           "\n"
                           "goroutine 7 [sleep]:\n"
                           "time.Sleep(0x3b9aca00)\n"
                           "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
                           "example.com/app.refresh()\n"
                           "\t/app/refresh.go:12 +0x6a\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:41 +0x85\n");
    uint32_t g2 = fx_g(fx, 0, 2), g33 = fx_g(fx, 0, 33);
    assert_kind(fx, g2, SB_WAIT_RUNTIME);
    assert_false(sb_wait_is_blocked(gcls(fx, g2)->kind));
    assert_quiet(fx, g2, SB_RULE_QUIET_RUNTIME);
    assert_true(scls(fx, g33)->dumper);
    assert_quiet(fx, g33, SB_RULE_QUIET_DUMPER);
    assert_true(fx->a.classes.dumps[0].self_dumped);
    /* live: main and goroutine 7, not the runtime's helper nor the writer */
    assert_int_equal(fx->a.classes.dumps[0].live, 2);
}

/* main.main parked on a receive is quiet while others work; main alone
 * waits for good, and is not. */
static void test_main_park(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "busy.txt",
           MAIN_PARKED "goroutine 7 [IO wait]:\n"
                       "internal/poll.runtime_pollWait(0x7f2c3c1e8a28, 0x72)\n"
                       "\t/usr/local/go/src/runtime/netpoll.go:343 +0x85\n"
                       "example.com/app.(*Server).serve(0xc0000c0000)\n"
                       "\t/app/server.go:80 +0x45\n"
                       "created by main.main in goroutine 1\n"
                       "\t/app/main.go:21 +0x85\n");
    fx_add(fx, "alone.txt", MAIN_PARKED);
    fx_analyze(fx);
    uint32_t busy_main = fx_g(fx, 0, 1), alone_main = fx_g(fx, 1, 1);
    assert_true(scls(fx, busy_main)->roles & SB_SR_MAIN);
    assert_quiet(fx, busy_main, SB_RULE_QUIET_MAIN_PARK);
    assert_quiet(fx, fx_g(fx, 0, 7), SB_RULE_QUIET_NETPOLL);
    assert_true(scls(fx, alone_main)->roles & SB_SR_MAIN);
    assert_quiet(fx, alone_main, 0);
}

/* A test binary: the test goroutine (under testing.tRunner) runs its
 * test function, the runner waits in T.Run, and a dump that timed out
 * says so. */
static void test_test_binary(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "panic: test timed out after 10m0s\n"
               "running tests:\n"
               "\tTestHang (10m0s)\n"
               "\n"
               "goroutine 1 [chan receive, 9 minutes]:\n"
               "testing.(*T).Run(0xc000007ba0, {0x5a2f1e, 0x8}, 0x5b8d40)\n"
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
               "goroutine 6 [chan receive, 9 minutes]:\n"
               "example.com/app.TestHang(0xc000007d40)\n"
               "\t/app/app_test.go:30 +0x45\n"
               "testing.tRunner(0xc000007d40, 0x5b8d40)\n"
               "\t/usr/local/go/src/testing/testing.go:1689 +0xfb\n"
               "created by testing.(*T).Run in goroutine 1\n"
               "\t/usr/local/go/src/testing/testing.go:1742 +0x390\n");
    uint32_t g1 = fx_g(fx, 0, 1), g6 = fx_g(fx, 0, 6);
    const sb_stack_class *sc6 = scls(fx, g6);
    assert_true(sc6->roles & SB_SR_TEST);
    assert_string_equal(frame_func(fx, g6, sc6->test_frame), "example.com/app.TestHang");
    assert_string_equal(frame_func(fx, g6, sc6->entry_frame), "example.com/app.TestHang");
    /* a hung test is suspect, never idle */
    assert_false(sc6->roles & SB_SR_LOOP);
    assert_quiet(fx, g6, 0);
    assert_true(scls(fx, g1)->roles & SB_SR_TESTRUN);
    assert_string_equal(frame_func(fx, g1, scls(fx, g1)->site_frame), "testing.(*T).Run");
    const sb_dclass *dc = &fx->a.classes.dumps[0];
    assert_true(dc->test);
    assert_int_equal(dc->context, SB_RULE_TEST_TIMEOUT);
    assert_true(dc->whole);
}

/* What a dump says of itself: the runtime found every goroutine asleep;
 * an excerpt (no header, no goroutine 1) is not whole. */
static void test_dump_context(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "asleep.txt",
           "fatal error: all goroutines are asleep - deadlock!\n"
           "\n"
           "goroutine 1 [semacquire]:\n"
           "sync.runtime_Semacquire(0xc00008e248?)\n"
           "\t/usr/lib/go-1.19/src/runtime/sema.go:62 +0x25\n"
           "sync.(*WaitGroup).Wait(0xc00008e240)\n"
           "\t/usr/lib/go-1.19/src/sync/waitgroup.go:139 +0x52\n"
           "main.main()\n"
           "\t/app/main.go:30 +0x45\n");
    fx_add(fx, "excerpt.txt",
           STORE_WAITER("7", "sync.Mutex.Lock, 5 minutes", "0xc000010008", "0xc000010000"));
    fx_analyze(fx);
    assert_int_equal(fx->m.ndumps, 2);
    assert_int_equal(fx->a.classes.dumps[0].context, SB_RULE_ALL_ASLEEP);
    assert_true(fx->a.classes.dumps[0].whole);
    assert_false(fx->a.classes.dumps[0].test);
    assert_int_equal(fx->a.classes.dumps[1].context, 0);
    assert_false(fx->a.classes.dumps[1].whole);
}

/* A Stop-like method waiting for its goroutines: the stack says so and
 * is not taken for an idle loop. */
static void test_stop_role(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 15 [semacquire, 6 minutes]:\n"
                           "sync.runtime_Semacquire(0xc0000d2048?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:62 +0x25\n"
                           "sync.(*WaitGroup).Wait(0xc0000d2040)\n"
                           "\t/usr/local/go/src/sync/waitgroup.go:116 +0x48\n"
                           "example.com/app/ingest.(*Pipeline).Stop(0xc0000d2000)\n"
                           "\t/app/ingest/pipeline.go:88 +0x65\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:50 +0x85\n");
    uint32_t g15 = fx_g(fx, 0, 15);
    const sb_stack_class *sc = scls(fx, g15);
    assert_kind(fx, g15, SB_WAIT_WAITGROUP);
    assert_true(sc->roles & SB_SR_STOP);
    assert_string_equal(frame_func(fx, g15, sc->stop_frame),
                        "example.com/app/ingest.(*Pipeline).Stop");
    assert_false(sc->roles & SB_SR_LOOP);
    assert_true(gcls(fx, g15)->addr == 0xc0000d2040ull);
    assert_true(gcls(fx, g15)->recv == 0xc0000d2000ull);
}

/* Classification is per stack: goroutines with the same frames share one
 * stack class; what comes from their arguments (the lock, the receiver)
 * stays each one's own. */
static void test_per_stack_per_goroutine(void **state)
{
    sb_fx *fx = *state;
    fx_run(
        fx,
        MAIN_PARKED STORE_WAITER("7", "sync.Mutex.Lock, 5 minutes", "0xc000010008", "0xc000010000")
            STORE_WAITER("8", "sync.Mutex.Lock, 3 minutes", "0xc000020008", "0xc000020000")
                STORE_WAITER("9", "sync.Mutex.Lock, 1 minutes", "0xc000010008?", "0xc000010000?"));
    uint32_t g7 = fx_g(fx, 0, 7), g8 = fx_g(fx, 0, 8), g9 = fx_g(fx, 0, 9);
    assert_int_equal(fx->m.goroutines[g7].stack, fx->m.goroutines[g8].stack);
    assert_int_equal(fx->m.goroutines[g7].stack, fx->m.goroutines[g9].stack);
    assert_true(fx->m.goroutines[fx_g(fx, 0, 1)].stack != fx->m.goroutines[g7].stack);
    assert_true(gcls(fx, g7)->addr == 0xc000010008ull);
    assert_true(gcls(fx, g8)->addr == 0xc000020008ull);
    assert_true(gcls(fx, g8)->recv == 0xc000020000ull);
    assert_false(gcls(fx, g9)->has_addr);
    assert_false(gcls(fx, g9)->has_recv);
}

/* --------------------------------------------- function-name helpers */

static void check_type(const char *func, const char *want)
{
    size_t tl = 0;
    bool ok = sb_func_type(func, strlen(func), &tl);
    if (!want) {
        if (ok)
            print_error("%s: type \"%.*s\", want none\n", func, (int)tl, func);
        assert_false(ok);
        return;
    }
    if (!ok)
        print_error("%s: no type, want \"%s\"\n", func, want);
    assert_true(ok);
    assert_span_equal(sb_span_make(func, tl), want);
}

static void test_func_type(void **state)
{
    (void)state;
    check_type("k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG).relist",
               "k8s.io/kubernetes/pkg/kubelet/pleg.(*GenericPLEG)");
    check_type("example.com/app.Config.Validate", "example.com/app.Config");
    check_type("example.com/app.(*Store).Get.func1", "example.com/app.(*Store)");
    check_type("example.com/app.(*List[...]).Push", "example.com/app.(*List[...])");
    check_type("main.main", NULL);
    check_type("main.main.func1", NULL);
    check_type("example.com/app.glob..func1", NULL);
    check_type("runtime.gopark", NULL);
}

static void check_short(const char *func, const char *want)
{
    size_t sl;
    const char *s = sb_func_short(func, strlen(func), &sl);
    assert_span_equal(sb_span_make(s, sl), want);
}

static void test_func_names(void **state)
{
    (void)state;
    check_short("k8s.io/kubernetes/pkg/kubelet/network.(*PluginManager).SetUpPod",
                "network.(*PluginManager).SetUpPod");
    check_short("main.main", "main.main");
    /* a slash inside a generic's brackets is not the path's */
    check_short("example.com/x.F[example.com/y.T]", "x.F[example.com/y.T]");

    assert_true(sb_func_is_closure("pkg.F.func1", 11));
    assert_true(sb_func_is_closure("pkg.F.func1.2", 13));
    assert_true(sb_func_is_closure("pkg.(*T).M.gowrap2", 18));
    assert_true(sb_func_is_closure("pkg.F.deferwrap1", 16));
    assert_false(sb_func_is_closure("pkg.F", 5));
    assert_false(sb_func_is_closure("pkg.(*T).M", 10));

    assert_int_equal(sb_closure_parent_len("pkg.F.func2", 11), strlen("pkg.F"));
    assert_int_equal(sb_closure_parent_len("pkg.F.func1.1", 13), strlen("pkg.F.func1"));
    assert_int_equal(sb_closure_parent_len("pkg.F", 5), 0);
    assert_int_equal(sb_closure_base_len("pkg.F.func1.2", 13), strlen("pkg.F"));
    assert_int_equal(sb_closure_base_len("pkg.F", 5), 5);

    const char *f = "k8s.io/kubelet/pleg.(*G).relist";
    assert_int_equal(sb_func_package_len(f, strlen(f)), strlen("k8s.io/kubelet/pleg"));

    /* receivers and the inner channel operations keep their first argument */
    assert_true(sb_func_keeps_arg("example.com/app.(*Store).Get", 28));
    assert_true(sb_func_keeps_arg("runtime.chanrecv", 16));
    assert_false(sb_func_keeps_arg("runtime.chanrecv1", 17));
    assert_false(sb_func_keeps_arg("main.worker", 11));
}

static void test_wait_kind_predicates(void **state)
{
    (void)state;
    assert_true(sb_wait_is_lock(SB_WAIT_MUTEX));
    assert_true(sb_wait_is_lock(SB_WAIT_RWMUTEX_READ));
    assert_true(sb_wait_is_lock(SB_WAIT_RWMUTEX_WRITE));
    assert_false(sb_wait_is_lock(SB_WAIT_WAITGROUP));
    assert_false(sb_wait_is_lock(SB_WAIT_CHAN));
    assert_false(sb_wait_is_blocked(SB_WAIT_RUNNING));
    assert_false(sb_wait_is_blocked(SB_WAIT_RUNNABLE));
    assert_false(sb_wait_is_blocked(SB_WAIT_RUNTIME));
    assert_false(sb_wait_is_blocked(SB_WAIT_UNKNOWN));
    assert_true(sb_wait_is_blocked(SB_WAIT_CHAN));
    assert_true(sb_wait_is_blocked(SB_WAIT_SLEEP));
    assert_true(sb_wait_is_blocked(SB_WAIT_EXEC));
    assert_string_equal(sb_wait_kind_name(SB_WAIT_RWMUTEX_WRITE), "rwmutex-write");
    assert_string_equal(sb_wait_kind_name(SB_WAIT_NKINDS), "unknown");
    assert_string_equal(sb_wait_kind_name((enum sb_wait_kind)200), "unknown");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_fx, teardown_fx)
    const struct CMUnitTest tests[] = {
        T(test_mutex_waiter),
        T(test_uncertain_address_not_trusted),
        T(test_rwmutex_kinds),
        T(test_lock_wrapper),
        T(test_header_state),
        T(test_channels),
        T(test_syscall_and_name),
        T(test_grpc_client),
        T(test_rpc_servers),
        T(test_exec_child_wait),
        T(test_critical_name),
        T(test_runtime_and_dumper),
        T(test_main_park),
        T(test_test_binary),
        T(test_dump_context),
        T(test_stop_role),
        T(test_per_stack_per_goroutine),
        cmocka_unit_test(test_func_type),
        cmocka_unit_test(test_func_names),
        cmocka_unit_test(test_wait_kind_predicates),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
