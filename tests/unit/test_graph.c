/* test_graph.c: the edge rules of the waits-for graph (graph_lock.c,
 * graph_call.c, graph_wait.c, graph.c), one test per rule of infer.h: each
 * runs a hand-written minimal dump through sb_analyze() and checks the
 * waiter's edge: the rule that named its holder, the confidence, and which
 * goroutine (by dump and id) it names.
 *
 * Every dump here is hand-written and minimal (see sb_diag_test.h): the
 * shape the rule reads and little else. Where a rule needs two processes,
 * each is parsed as its own file, named like the process. */
#include "sb_diag_test.h"

/* goroutine 1: main.main parked on a receive (a server waiting for a
 * signal). Makes a dump whole, and is quiet (main-park). */
#define MAIN_PARKED                                                                                \
    "goroutine 1 [chan receive]:\n"                                                                \
    "main.main()\n"                                                                                \
    "\t/app/main.go:25 +0x1d\n"                                                                    \
    "\n"

/* goroutine 7 waits 5 minutes to lock the Store's mutex (at 0xc000010008,
 * the receiver 0xc000010000 printed) in (*Store).Get: Go 1.21+ lines. */
#define STORE_GET_WAITER                                                                           \
    "goroutine 7 [sync.Mutex.Lock, 5 minutes]:\n"                                                  \
    "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"                                    \
    "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"                                               \
    "sync.(*Mutex).lockSlow(0xc000010008)\n"                                                       \
    "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"                                               \
    "sync.(*Mutex).Lock(...)\n"                                                                    \
    "\t/usr/local/go/src/sync/mutex.go:90\n"                                                       \
    "example.com/app/store.(*Store).Get(0xc000010000, {0x6a1b2c, 0x3})\n"                          \
    "\t/app/store/store.go:42 +0x4e\n"                                                             \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:20 +0x85\n"                                                                    \
    "\n"

/* ------------------------------------------------------------- locks */

/* Rule lock-receiver. Hand-written minimal dump: goroutine 7 waits on the
 * Store's mutex in (*Store).Get; goroutine 6 sleeps inside (*Store).Put on
 * the same receiver 0xc000010000, past its Lock call: it holds the lock. */
static void test_lock_receiver(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED STORE_GET_WAITER
           "goroutine 6 [sleep]:\n"
           "time.Sleep(0x3b9aca00)\n"
           "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
           "example.com/app/store.(*Store).Put(0xc000010000, {0x6a1b2c, 0x3})\n"
           "\t/app/store/store.go:61 +0x8a\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:19 +0x6b\n");
    assert_edge(fx, fx_g(fx, 0, 7), SB_RULE_LOCK_RECEIVER, SB_CONF_HIGH, fx_g(fx, 0, 6));
    assert_string_equal(fx_evidence(fx, fx_g(fx, 0, 7), 0),
                        "goroutine 6 is inside store.(*Store).Put on the same receiver "
                        "0xc000010000, past its Lock call, and does not wait on this lock");
}

/* Rule lock-type. Hand-written minimal dump: as lock-receiver, but every
 * receiver is printed with '?' (Go 1.17+ when it is not sure of a
 * register's value): goroutine 6 is inside a method of the lock owner's
 * type, the object cannot be compared. */
static void test_lock_type(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 7 [sync.Mutex.Lock, 5 minutes]:\n"
                           "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
                           "sync.(*Mutex).lockSlow(0xc000010008)\n"
                           "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
                           "sync.(*Mutex).Lock(...)\n"
                           "\t/usr/local/go/src/sync/mutex.go:90\n"
                           "example.com/app/store.(*Store).Get(0xc000010000?, {0x6a1b2c, 0x3})\n"
                           "\t/app/store/store.go:42 +0x4e\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:20 +0x85\n"
                           "\n"
                           "goroutine 6 [sleep]:\n"
                           "time.Sleep(0x3b9aca00)\n"
                           "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
                           "example.com/app/store.(*Store).Put(0xc000010000?, {0x6a1b2c, 0x3})\n"
                           "\t/app/store/store.go:61 +0x8a\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:19 +0x6b\n");
    assert_edge(fx, fx_g(fx, 0, 7), SB_RULE_LOCK_TYPE, SB_CONF_MEDIUM, fx_g(fx, 0, 6));
}

/* Rule lock-site. Hand-written minimal dump: the lock is taken in a plain
 * function, store.update (no method, no owner type): goroutine 7 waits at
 * its Lock call (line 42), goroutine 6 is inside it further on (line 47). */
static void test_lock_site(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 7 [sync.Mutex.Lock, 5 minutes]:\n"
                           "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
                           "sync.(*Mutex).lockSlow(0xc000010008)\n"
                           "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
                           "sync.(*Mutex).Lock(...)\n"
                           "\t/usr/local/go/src/sync/mutex.go:90\n"
                           "example.com/app/store.update({0x6a1b2c, 0x3})\n"
                           "\t/app/store/store.go:42 +0x4e\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:20 +0x85\n"
                           "\n"
                           "goroutine 6 [sleep]:\n"
                           "time.Sleep(0x3b9aca00)\n"
                           "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
                           "example.com/app/store.update({0x6a1b30, 0x3})\n"
                           "\t/app/store/store.go:47 +0x8a\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:19 +0x6b\n");
    assert_edge(fx, fx_g(fx, 0, 7), SB_RULE_LOCK_SITE, SB_CONF_MEDIUM, fx_g(fx, 0, 6));
}

/* Rule lock-sibling. Hand-written minimal dump: mirror.Replicate started
 * two closures as goroutines; goroutine 7 waits on a mutex in
 * Replicate.func2, goroutine 6 sleeps inside its sibling Replicate.func1,
 * which works on what Replicate captured. Nobody is inside func2 itself. */
static void test_lock_sibling(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 7 [sync.Mutex.Lock, 5 minutes]:\n"
                           "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
                           "sync.(*Mutex).lockSlow(0xc000010008)\n"
                           "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
                           "sync.(*Mutex).Lock(...)\n"
                           "\t/usr/local/go/src/sync/mutex.go:90\n"
                           "example.com/app/mirror.Replicate.func2()\n"
                           "\t/app/mirror/replicate.go:31 +0x4e\n"
                           "created by example.com/app/mirror.Replicate in goroutine 1\n"
                           "\t/app/mirror/replicate.go:29 +0x85\n"
                           "\n"
                           "goroutine 6 [sleep]:\n"
                           "time.Sleep(0x3b9aca00)\n"
                           "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
                           "example.com/app/mirror.Replicate.func1()\n"
                           "\t/app/mirror/replicate.go:22 +0x8a\n"
                           "created by example.com/app/mirror.Replicate in goroutine 1\n"
                           "\t/app/mirror/replicate.go:19 +0x6b\n");
    assert_edge(fx, fx_g(fx, 0, 7), SB_RULE_LOCK_SIBLING, SB_CONF_MEDIUM, fx_g(fx, 0, 6));
}

/* The RWMutex dumps: a reader (9) in (*Cache).Lookup, a writer (8) in
 * (*Cache).Refresh waiting for readers to drain (RWMutex.Lock on the
 * reader semaphore), and goroutine 6 sleeping in (*Cache).Scan, which holds
 * a read lock. RECV is the receiver as printed, with or without '?'. */
#define CACHE_DUMP(RECV)                                                                           \
    MAIN_PARKED                                                                                    \
    "goroutine 9 [sync.RWMutex.RLock, 3 minutes]:\n"                                               \
    "sync.runtime_SemacquireRWMutexR(0xc0000a6018?, 0x0?, 0x0?)\n"                                 \
    "\t/usr/local/go/src/runtime/sema.go:82 +0x25\n"                                               \
    "sync.(*RWMutex).RLock(...)\n"                                                                 \
    "\t/usr/local/go/src/sync/rwmutex.go:70\n"                                                     \
    "example.com/app/cache.(*Cache).Lookup(" RECV ", {0x6a1b2c, 0x3})\n"                           \
    "\t/app/cache/cache.go:31 +0x4e\n"                                                             \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:21 +0x85\n"                                                                    \
    "\n"                                                                                           \
    "goroutine 8 [sync.RWMutex.Lock, 3 minutes]:\n"                                                \
    "sync.runtime_SemacquireRWMutex(0xc0000a601c?, 0x0?, 0x0?)\n"                                  \
    "\t/usr/local/go/src/runtime/sema.go:87 +0x25\n"                                               \
    "sync.(*RWMutex).Lock(0xc0000a6010)\n"                                                         \
    "\t/usr/local/go/src/sync/rwmutex.go:152 +0x71\n"                                              \
    "example.com/app/cache.(*Cache).Refresh(" RECV ")\n"                                           \
    "\t/app/cache/cache.go:55 +0x3a\n"                                                             \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:20 +0x6b\n"                                                                    \
    "\n"                                                                                           \
    "goroutine 6 [sleep]:\n"                                                                       \
    "time.Sleep(0x3b9aca00)\n"                                                                     \
    "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"                                             \
    "example.com/app/cache.(*Cache).Scan(" RECV ")\n"                                              \
    "\t/app/cache/cache.go:72 +0x8a\n"                                                             \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:19 +0x6b\n"

/* Rule rlock-behind-writer. Hand-written minimal dump (CACHE_DUMP, the
 * receiver printed): the reader queues behind the pending writer on the
 * same receiver; the writer waits for the reader inside Scan. */
static void test_rlock_behind_writer(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, CACHE_DUMP("0xc0000a6000"));
    assert_edge(fx, fx_g(fx, 0, 9), SB_RULE_LOCK_WRITER_QUEUE, SB_CONF_HIGH, fx_g(fx, 0, 8));
    assert_edge(fx, fx_g(fx, 0, 8), SB_RULE_LOCK_RECEIVER, SB_CONF_HIGH, fx_g(fx, 0, 6));
}

/* Rule rlock-behind-writer-type. Hand-written minimal dump (CACHE_DUMP,
 * every receiver printed with '?'): the writer is matched by the owner's
 * type alone. */
static void test_rlock_behind_writer_type(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, CACHE_DUMP("0xc0000a6000?"));
    assert_edge(fx, fx_g(fx, 0, 9), SB_RULE_LOCK_WRITER_QUEUE_TYPE, SB_CONF_MEDIUM, fx_g(fx, 0, 8));
}

/* Rule lock-order-inversion. Hand-written minimal dump: AB-BA in
 * bank.transfer(from, to): goroutine 10 holds account 0xc000012000's mutex
 * and waits on 0xc000012100's, goroutine 11 the other way round; both have
 * waited 2 minutes and nobody else is inside transfer. A deadlock of two. */
static void test_lock_order_inversion(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 10 [sync.Mutex.Lock, 2 minutes]:\n"
                           "sync.runtime_SemacquireMutex(0xc000012108?, 0x0?, 0x1?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
                           "sync.(*Mutex).lockSlow(0xc000012108)\n"
                           "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
                           "sync.(*Mutex).Lock(...)\n"
                           "\t/usr/local/go/src/sync/mutex.go:90\n"
                           "example.com/bank.transfer(0xc000012000, 0xc000012100, 0x64)\n"
                           "\t/app/bank/bank.go:18 +0x5d\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:14 +0x85\n"
                           "\n"
                           "goroutine 11 [sync.Mutex.Lock, 2 minutes]:\n"
                           "sync.runtime_SemacquireMutex(0xc000012008?, 0x0?, 0x1?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
                           "sync.(*Mutex).lockSlow(0xc000012008)\n"
                           "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
                           "sync.(*Mutex).Lock(...)\n"
                           "\t/usr/local/go/src/sync/mutex.go:90\n"
                           "example.com/bank.transfer(0xc000012100, 0xc000012000, 0x32)\n"
                           "\t/app/bank/bank.go:18 +0x5d\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:15 +0x85\n");
    uint32_t g10 = fx_g(fx, 0, 10), g11 = fx_g(fx, 0, 11);
    assert_edge(fx, g10, SB_RULE_LOCK_INVERSION, SB_CONF_MEDIUM, g11);
    assert_edge(fx, g11, SB_RULE_LOCK_INVERSION, SB_CONF_MEDIUM, g10);
    assert_int_equal(fx->a.blame.ncycles, 1);
    assert_int_equal(fx->a.blame.cycles[0].n, 2);
    assert_int_equal(fx->a.blame.cycles[0].rule, SB_RULE_LOCK_INVERSION);
    assert_int_equal(fx->a.blame.cycles[0].conf, SB_CONF_MEDIUM);
}

/* Rule longest-waiter. Hand-written minimal dump: nobody is inside the
 * Store's code; goroutine 12, blocked 12 minutes (longer than the 5 of the
 * waiter) in store.replicate, code of the lock site's package, is taken
 * for the holder by the rule of thumb. */
static void test_longest_waiter(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED STORE_GET_WAITER
           "goroutine 12 [chan send, 12 minutes]:\n"
           "example.com/app/store.replicate(0xc000022060, {0x6a1b2c, 0x3})\n"
           "\t/app/store/replica.go:33 +0x6e\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:22 +0x9a\n");
    assert_edge(fx, fx_g(fx, 0, 7), SB_RULE_LOCK_LONGEST_WAITER, SB_CONF_LOW, fx_g(fx, 0, 12));
}

/* Rule holder-not-in-dump. Hand-written minimal dump: an excerpt (no
 * header, no goroutine 1) with the waiter alone: the holder was cut, none
 * is named, and the lock is not called leaked (compare leaked-lock in
 * test_stuck.c, the same waiter in a whole dump). */
static void test_holder_not_in_dump(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, STORE_GET_WAITER);
    assert_false(fx->a.classes.dumps[0].whole);
    assert_edge(fx, fx_g(fx, 0, 7), SB_RULE_LOCK_NOT_IN_DUMP, SB_CONF_MEDIUM, SB_NONE);
    assert_true(fx_not_stuck(fx, fx_g(fx, 0, 7)));
}

/* ------------------------------------------------ calls and processes */

/* kubelet's goroutine 120 calls the CRI method RuntimeService/PodSandboxStatus
 * through the generated gRPC client (Go 1.21, grpc 1.58). */
static const char kubelet_grpc_client[] = MAIN_PARKED
    "goroutine 120 [select, 4 minutes]:\n"
    "google.golang.org/grpc/internal/transport.(*Stream).waitOnHeader(0xc000a8e000)\n"
    "\t/go/pkg/mod/google.golang.org/grpc@v1.58.3/internal/transport/transport.go:331 +0x7c\n"
    "google.golang.org/grpc/internal/transport.(*Stream).RecvCompress(...)\n"
    "\t/go/pkg/mod/google.golang.org/grpc@v1.58.3/internal/transport/transport.go:346\n"
    "google.golang.org/grpc.(*csAttempt).recvMsg(0xc000b1a000, {0x1c3a6e0, 0xc000c0e000}, 0x0)\n"
    "\t/go/pkg/mod/google.golang.org/grpc@v1.58.3/stream.go:1066 +0x8c\n"
    "google.golang.org/grpc.(*clientStream).RecvMsg(0xc000ab6000, {0x1c3a6e0?, 0xc000c0e000?})\n"
    "\t/go/pkg/mod/google.golang.org/grpc@v1.58.3/stream.go:916 +0x11f\n"
    "google.golang.org/grpc.invoke({0x1f3e2c8?, 0xc000c2a0f0?}, {0x1c9a42b?, 0x0?}, {0x1bf3a80, "
    "0xc000c0a000}, {0x1c3a6e0, 0xc000c0e000}, 0x0?, {0xc000bc2000, 0x2, 0x2})\n"
    "\t/go/pkg/mod/google.golang.org/grpc@v1.58.3/call.go:73 +0xd7\n"
    "google.golang.org/grpc.(*ClientConn).Invoke(0xc0003a6000, {0x1f3e2c8, 0xc000c2a0f0}, "
    "{0x1c9a42b, 0x39}, {0x1bf3a80, 0xc000c0a000}, {0x1c3a6e0, 0xc000c0e000}, {0xc000bc2000, "
    "0x2, 0x2})\n"
    "\t/go/pkg/mod/google.golang.org/grpc@v1.58.3/call.go:37 +0x23f\n"
    "k8s.io/cri-api/pkg/apis/runtime/v1.(*runtimeServiceClient).PodSandboxStatus(0xc0001a2010, "
    "{0x1f3e2c8, 0xc000c2a0f0}, 0xc000c0a000, {0x0, 0x0, 0x0})\n"
    "\t/go/src/k8s.io/kubernetes/vendor/k8s.io/cri-api/pkg/apis/runtime/v1/api.pb.go:9437 +0xc6\n"
    "k8s.io/kubernetes/pkg/kubelet/cri/remote.(*remoteRuntimeService).podSandboxStatusV1("
    "0xc00043e3c0, {0x1f3e2c8, 0xc000c2a0f0}, {0xc000a1c040, 0x40}, 0x0)\n"
    "\t/go/src/k8s.io/kubernetes/pkg/kubelet/cri/remote/remote_runtime.go:301 +0xf3\n"
    "created by k8s.io/kubernetes/pkg/kubelet.(*Kubelet).Run in goroutine 1\n"
    "\t/go/src/k8s.io/kubernetes/pkg/kubelet/kubelet.go:1560 +0x8f\n";

/* Rule rpc-method. Hand-written minimal dumps of two processes: kubelet's
 * client above, and containerd, whose goroutine 300 runs the generated
 * handler _RuntimeService_PodSandboxStatus_Handler, stuck in a read. */
static void test_rpc_method(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "kubelet.txt", kubelet_grpc_client);
    fx_add(fx, "containerd.txt",
           "goroutine 1 [chan receive]:\n"
           "main.main()\n"
           "\t/go/src/github.com/containerd/containerd/cmd/containerd/main.go:30 +0x1d\n"
           "\n"
           "goroutine 300 [syscall, 4 minutes]:\n"
           "syscall.Syscall(0x0, 0x1a, 0xc000600000, 0x8000)\n"
           "\t/usr/local/go/src/syscall/syscall_linux.go:69 +0x25\n"
           "syscall.read(...)\n"
           "\t/usr/local/go/src/syscall/zsyscall_linux_amd64.go:736\n"
           "github.com/containerd/containerd/pkg/cri/server.(*criService).PodSandboxStatus("
           "0xc000400000, {0x2a1b3c0, 0xc000510000}, 0xc000500000)\n"
           "\t/go/src/github.com/containerd/containerd/pkg/cri/server/sandbox_status.go:40 +0x6a\n"
           "k8s.io/cri-api/pkg/apis/runtime/v1._RuntimeService_PodSandboxStatus_Handler("
           "{0x1f0c2a0, 0xc000400000}, {0x2a1b3c0, 0xc000510000}, 0xc000520000, 0x0)\n"
           "\t/go/src/github.com/containerd/containerd/vendor/k8s.io/cri-api/pkg/apis/runtime/v1/"
           "api.pb.go:10810 +0x169\n"
           "google.golang.org/grpc.(*Server).processUnaryRPC(0xc0001d2000, {0x2a2c1a0, "
           "0xc000530000}, 0xc000540000, 0xc0002b4000, 0x3a0a6c0, 0x0)\n"
           "\t/go/src/github.com/containerd/containerd/vendor/google.golang.org/grpc/"
           "server.go:1343 +0xdd1\n"
           "created by google.golang.org/grpc.(*Server).serveStreams.func1 in goroutine 210\n"
           "\t/go/src/github.com/containerd/containerd/vendor/google.golang.org/grpc/"
           "server.go:1004 +0x1ad\n");
    fx_analyze(fx);
    uint32_t client = fx_g(fx, 0, 120);
    assert_edge(fx, client, SB_RULE_RPC_METHOD, SB_CONF_HIGH, fx_g(fx, 1, 300));
    assert_string_equal(sb_str(&fx->m, fx_edge(fx, client)->what, NULL),
                        "RPC RuntimeService/PodSandboxStatus");
}

/* terway, the CNI plugin: main calls net/rpc's Client.Call through a plain
 * function, so its stack names no method (Go 1.19, as the fixture). */
static const char terway_netrpc_client[] =
    "goroutine 1 [chan receive, 2 minutes, locked to thread]:\n"
    "runtime.chanrecv1(0x5fbf88?, 0x5ff82e?)\n"
    "\t/usr/lib/go-1.19/src/runtime/chan.go:442 +0x18\n"
    "net/rpc.(*Client).Call(...)\n"
    "\t/usr/lib/go-1.19/src/net/rpc/client.go:321\n"
    "main.rpcCall({0x5ff82e, 0x12}, {0x5bbd20, 0xc000080280}, {0x5bbce0, 0xc000080230})\n"
    "\t/go/src/github.com/AliyunContainerService/terway/plugin/terway/cni.go:130 +0x19c\n"
    "main.cmdAdd(0xc0000b2150)\n"
    "\t/go/src/github.com/AliyunContainerService/terway/plugin/terway/cni.go:89 +0x145\n"
    "main.main()\n"
    "\t/go/src/github.com/AliyunContainerService/terway/plugin/terway/cni.go:57 +0x38\n";

/* A daemon serving net/rpc: its handler goroutine ID waits on the daemon's
 * lock in the method it serves (net/rpc dispatches through reflect). */
#define NETRPC_DAEMON(PKG, ID)                                                                     \
    "goroutine 1 [select, 3 minutes]:\n"                                                           \
    "main.main()\n"                                                                                \
    "\t/go/src/" PKG "/cmd/main.go:40 +0x2a\n"                                                     \
    "\n"                                                                                           \
    "goroutine " ID " [sync.Mutex.Lock, 2 minutes]:\n"                                             \
    "sync.runtime_SemacquireMutex(0xc00012a3cc?, 0x0?, 0x1?)\n"                                    \
    "\t/usr/lib/go-1.19/src/runtime/sema.go:77 +0x25\n"                                            \
    "sync.(*Mutex).lockSlow(0xc00012a3c8)\n"                                                       \
    "\t/usr/lib/go-1.19/src/sync/mutex.go:171 +0x165\n"                                            \
    "sync.(*Mutex).Lock(...)\n"                                                                    \
    "\t/usr/lib/go-1.19/src/sync/mutex.go:90\n" PKG                                                \
    "/daemon.(*networkService).AllocIP(0xc00012a3c0, 0xc00008a7d0, 0xc00008a820)\n"                \
    "\t/go/src/" PKG "/daemon/daemon.go:57 +0x6c\n"                                                \
    "reflect.Value.call({0xc000088540?, 0xc0000a85f8?, 0x13?}, {0x7ecf69, 0x4}, {0xc00004cef8, "   \
    "0x3, 0x3?})\n"                                                                                \
    "\t/usr/lib/go-1.19/src/reflect/value.go:584 +0x8c5\n"                                         \
    "reflect.Value.Call({0xc000088540?, 0xc0000a85f8?, 0x203000?}, {0xc00003a6f8?, 0x7d7e18?, "    \
    "0x891328?})\n"                                                                                \
    "\t/usr/lib/go-1.19/src/reflect/value.go:368 +0xbc\n"                                          \
    "net/rpc.(*service).call(0xc000087ec0, 0xc00014e000?, 0x7ffa4ab24648?, 0xc0000accd0, "         \
    "0xc0000fed00, 0xc00003a7d0?, {0x771160?, 0xc00008a7d0?, 0x7ffa4ab24618?}, {0x771120, ...}, "  \
    "...)\n"                                                                                       \
    "\t/usr/lib/go-1.19/src/net/rpc/server.go:382 +0x226\n"                                        \
    "created by net/rpc.(*Server).ServeCodec\n"                                                    \
    "\t/usr/lib/go-1.19/src/net/rpc/server.go:479 +0x3fe\n"                                        \
    "\n"                                                                                           \
    "goroutine 40 [sleep]:\n"                                                                      \
    "time.Sleep(0x3b9aca00)\n"                                                                     \
    "\t/usr/lib/go-1.19/src/runtime/time.go:195 +0x125\n" PKG                                      \
    "/daemon.(*networkService).gc(0xc00012a3c0)\n"                                                 \
    "\t/go/src/" PKG "/daemon/daemon.go:140 +0x8a\n"                                               \
    "created by " PKG "/daemon.newNetworkService\n"                                                \
    "\t/go/src/" PKG "/daemon/daemon.go:120 +0x6b\n"

/* Rule rpc-only-process. Hand-written minimal dumps: the plugin's client
 * names no method; terwayd is the only other process serving net/rpc,
 * and its goroutine 58 the only (stuck) handler. */
static void test_rpc_only_process(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "terway.txt", terway_netrpc_client);
    fx_add(fx, "terwayd.txt", NETRPC_DAEMON("github.com/AliyunContainerService/terway", "58"));
    fx_analyze(fx);
    assert_edge(fx, fx_g(fx, 0, 1), SB_RULE_RPC_ONLY_PROCESS, SB_CONF_MEDIUM, fx_g(fx, 1, 58));
}

/* Rule rpc-protocol. Hand-written minimal dumps: as rpc-only-process, but
 * two processes serve net/rpc, each with a stuck handler (terwayd's 58,
 * ipamd's 77, both 2 minutes, the lower id ranks first): the client's edge
 * is only a guess among them. */
static void test_rpc_protocol(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "terway.txt", terway_netrpc_client);
    fx_add(fx, "terwayd.txt", NETRPC_DAEMON("github.com/AliyunContainerService/terway", "58"));
    fx_add(fx, "ipamd.txt", NETRPC_DAEMON("github.com/example/ipamd", "77"));
    fx_analyze(fx);
    assert_edge(fx, fx_g(fx, 0, 1), SB_RULE_RPC_PROTOCOL, SB_CONF_LOW, fx_g(fx, 1, 58));
}

/* Rule rpc-not-dumped. Hand-written minimal dump: kubelet's client alone,
 * no handler of the method anywhere in the input: a dangling edge that
 * names the process to dump next. */
static void test_rpc_not_dumped(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "kubelet.txt", kubelet_grpc_client);
    fx_analyze(fx);
    assert_edge(fx, fx_g(fx, 0, 120), SB_RULE_RPC_UNANSWERED, SB_CONF_MEDIUM, SB_NONE);
}

/* kubelet's goroutine 36 waits for a CNI plugin it exec'd (libcni's
 * RawExec, os/exec.(*Cmd).Run, wait4 through waitid). */
static const char kubelet_cni_exec[] =
    "goroutine 1 [chan receive]:\n"
    "main.main()\n"
    "\t/go/src/k8s.io/kubernetes/cmd/kubelet/kubelet.go:44 +0x1d\n"
    "\n"
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
    "\t/go/src/k8s.io/kubernetes/vendor/github.com/containernetworking/cni/pkg/invoke/"
    "raw_exec.go:28 +0x255\n"
    "github.com/containernetworking/cni/libcni.(*CNIConfig).AddNetworkList(0xc000108180, "
    "0xc00011c0f0, 0xc00011cd20)\n"
    "\t/go/src/k8s.io/kubernetes/vendor/github.com/containernetworking/cni/libcni/api.go:97 "
    "+0x2a8\n"
    "k8s.io/kubernetes/pkg/kubelet/dockershim/network/cni.(*cniNetworkPlugin).addToNetwork("
    "0xc000121d28, 0xc000102930)\n"
    "\t/go/src/k8s.io/kubernetes/pkg/kubelet/dockershim/network/cni/cni.go:348 +0x1c5\n"
    "created by k8s.io/kubernetes/pkg/kubelet.(*podWorkers).UpdatePod in goroutine 1\n"
    "\t/go/src/k8s.io/kubernetes/pkg/kubelet/pod_workers.go:125 +0x185\n";

/* Rule exec-child. Hand-written minimal dumps: kubelet's exec of a CNI
 * plugin, and the dump of a process whose main runs the CNI skeleton
 * (skel.PluginMain): the child, whose goroutine 1 continues the chain. */
static void test_exec_child(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "kubelet.txt", kubelet_cni_exec);
    fx_add(fx, "bridge.txt",
           "goroutine 1 [chan receive, 2 minutes]:\n"
           "runtime.chanrecv1(0xc0000a6600, 0xc0000e1d48)\n"
           "\t/usr/local/go/src/runtime/chan.go:442 +0x18\n"
           "main.cmdAdd(0xc0000b2150)\n"
           "\t/go/src/github.com/example/bridge/main.go:89 +0x145\n"
           "github.com/containernetworking/cni/pkg/skel.(*dispatcher).pluginMain(0xc0000e1f18, "
           "0x4406c5, 0xc0000061a0)\n"
           "\t/go/src/github.com/example/bridge/vendor/github.com/containernetworking/cni/pkg/"
           "skel/skel.go:98 +0x5a\n"
           "github.com/containernetworking/cni/pkg/skel.PluginMain(0x75ae00, 0xc0000061a0)\n"
           "\t/go/src/github.com/example/bridge/vendor/github.com/containernetworking/cni/pkg/"
           "skel/skel.go:137 +0x8d\n"
           "main.main()\n"
           "\t/go/src/github.com/example/bridge/main.go:57 +0x38\n");
    fx_analyze(fx);
    assert_edge(fx, fx_g(fx, 0, 36), SB_RULE_EXEC_CHILD_DUMP, SB_CONF_MEDIUM, fx_g(fx, 1, 1));
}

/* Rule exec-only-process. Hand-written minimal dumps: kubelet's exec of a
 * CNI plugin, and one other process that carries no CNI name and that no
 * edge explains: ipamd, the daemon such a plugin calls over net/rpc, whose
 * handler goroutine 12 is stuck on a lock. The process is taken for the
 * child, and its stuck handler stands for it. */
static void test_exec_only_process(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "kubelet.txt", kubelet_cni_exec);
    fx_add(fx, "ipamd.txt",
           "goroutine 1 [IO wait, 2 minutes]:\n"
           "internal/poll.runtime_pollWait(0x7f3a5c2e0e28, 0x72)\n"
           "\t/usr/local/go/src/runtime/netpoll.go:345 +0x85\n"
           "internal/poll.(*FD).Accept(0xc000180080)\n"
           "\t/usr/local/go/src/internal/poll/fd_unix.go:611 +0x2ac\n"
           "net.(*UnixListener).Accept(0xc0001a0000)\n"
           "\t/usr/local/go/src/net/unixsock.go:262 +0x3d\n"
           "net/rpc.(*Server).Accept(0xc0000a2000, {0x7f2a48, 0xc0001a0000})\n"
           "\t/usr/local/go/src/net/rpc/server.go:625 +0x2b\n"
           "main.main()\n"
           "\t/go/src/github.com/example/ipamd/main.go:61 +0x2f1\n"
           "\n"
           "goroutine 12 [sync.Mutex.Lock, 2 minutes]:\n"
           "sync.runtime_SemacquireMutex(0xc0000b800c?, 0x0?, 0x1?)\n"
           "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
           "sync.(*Mutex).lockSlow(0xc0000b8008)\n"
           "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
           "sync.(*Mutex).Lock(...)\n"
           "\t/usr/local/go/src/sync/mutex.go:90\n"
           "github.com/example/ipamd/ipam.(*Pool).Allocate(0xc0000b8000, 0xc0001b2000, "
           "0xc0001b2040)\n"
           "\t/go/src/github.com/example/ipamd/ipam/pool.go:77 +0x5c\n"
           "reflect.Value.call({0xc000088540?, 0xc0000a85f8?, 0x13?}, {0x7ecf69, 0x4}, "
           "{0xc00004cef8, 0x3, 0x3?})\n"
           "\t/usr/local/go/src/reflect/value.go:584 +0x8c5\n"
           "reflect.Value.Call({0xc000088540?, 0xc0000a85f8?, 0x203000?}, {0xc00003a6f8?, "
           "0x7d7e18?, 0x891328?})\n"
           "\t/usr/local/go/src/reflect/value.go:368 +0xbc\n"
           "net/rpc.(*service).call(0xc000087ec0, 0xc00014e000?, 0x7ffa4ab24648?, 0xc0000accd0, "
           "0xc0000fed00, 0xc00003a7d0?, {0x771160?, 0xc00008a7d0?, 0x7ffa4ab24618?}, {0x771120, "
           "...}, ...)\n"
           "\t/usr/local/go/src/net/rpc/server.go:382 +0x226\n"
           "created by net/rpc.(*Server).ServeCodec in goroutine 9\n"
           "\t/usr/local/go/src/net/rpc/server.go:479 +0x3fe\n");
    fx_analyze(fx);
    assert_edge(fx, fx_g(fx, 0, 36), SB_RULE_EXEC_ONLY_PROCESS, SB_CONF_LOW, fx_g(fx, 1, 12));
}

/* Rule exec-not-dumped. Hand-written minimal dump: kubelet's exec alone:
 * the child's stacks are not in the input. */
static void test_exec_not_dumped(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "kubelet.txt", kubelet_cni_exec);
    fx_analyze(fx);
    assert_edge(fx, fx_g(fx, 0, 36), SB_RULE_EXEC_NOT_DUMPED, SB_CONF_MEDIUM, SB_NONE);
}

/* ------------------------------------ goroutines waiting for goroutines */

/* The testing runner (goroutine 1, in T.Run) of a Go 1.22 test binary,
 * waiting for the test it started. */
#define TEST_RUNNER                                                                                \
    "goroutine 1 [chan receive, 9 minutes]:\n"                                                     \
    "testing.(*T).Run(0xc000007ba0, {0x5a2f1e, 0x9}, 0x5b8d40)\n"                                  \
    "\t/usr/local/go/src/testing/testing.go:1750 +0x3ab\n"                                         \
    "testing.runTests.func1(0xc000007ba0)\n"                                                       \
    "\t/usr/local/go/src/testing/testing.go:2161 +0x37\n"                                          \
    "testing.tRunner(0xc000007ba0, 0xc00012fc70)\n"                                                \
    "\t/usr/local/go/src/testing/testing.go:1689 +0xfb\n"                                          \
    "testing.runTests(0xc0000123c0, {0x6b3a40, 0x1, 0x1}, {0x0?, 0x0?, 0x6b7ca0?})\n"              \
    "\t/usr/local/go/src/testing/testing.go:2159 +0x445\n"                                         \
    "testing.(*M).Run(0xc0000a4140)\n"                                                             \
    "\t/usr/local/go/src/testing/testing.go:2027 +0x68b\n"                                         \
    "main.main()\n"                                                                                \
    "\t_testmain.go:47 +0x16c\n"                                                                   \
    "\n"

/* Rule test-run. Hand-written minimal dump: the runner in T.Run, and the
 * test it started (goroutine 6, created by T.Run in goroutine 1), stuck
 * on a receive for 9 minutes. */
static void test_test_run(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, TEST_RUNNER "goroutine 6 [chan receive, 9 minutes]:\n"
                           "example.com/app/queue.TestDrain(0xc000007d40)\n"
                           "\t/app/queue/queue_test.go:27 +0x8e\n"
                           "testing.tRunner(0xc000007d40, 0x5b8d40)\n"
                           "\t/usr/local/go/src/testing/testing.go:1689 +0xfb\n"
                           "created by testing.(*T).Run in goroutine 1\n"
                           "\t/usr/local/go/src/testing/testing.go:1742 +0x390\n");
    assert_edge(fx, fx_g(fx, 0, 1), SB_RULE_TEST_RUN, SB_CONF_HIGH, fx_g(fx, 0, 6));
    assert_string_equal(fx_evidence(fx, fx_g(fx, 0, 1), 0),
                        "testing.(*T).Run waits for the test it started: goroutine 6 runs "
                        "queue.TestDrain");
}

/* The Stop dumps: main in (*Pool).Stop waits on the pool's WaitGroup;
 * goroutine 7, a worker started by (*Pool).Start, is stuck sending its
 * result. RECV is the pool as printed, with or without '?'. */
#define POOL_STOP_DUMP(RECV)                                                                       \
    "goroutine 1 [semacquire, 3 minutes]:\n"                                                       \
    "sync.runtime_Semacquire(0xc000014098?)\n"                                                     \
    "\t/usr/local/go/src/runtime/sema.go:62 +0x25\n"                                               \
    "sync.(*WaitGroup).Wait(0xc000014090)\n"                                                       \
    "\t/usr/local/go/src/sync/waitgroup.go:116 +0x48\n"                                            \
    "example.com/app/pool.(*Pool).Stop(" RECV ")\n"                                                \
    "\t/app/pool/pool.go:58 +0x3a\n"                                                               \
    "main.main()\n"                                                                                \
    "\t/app/main.go:31 +0x1d5\n"                                                                   \
    "\n"                                                                                           \
    "goroutine 7 [chan send, 3 minutes]:\n"                                                        \
    "example.com/app/pool.(*Pool).worker(" RECV ", 0x1)\n"                                         \
    "\t/app/pool/pool.go:40 +0x7e\n"                                                               \
    "created by example.com/app/pool.(*Pool).Start in goroutine 1\n"                               \
    "\t/app/pool/pool.go:25 +0x5c\n"

/* Rule stop-waits-worker. Hand-written minimal dump (POOL_STOP_DUMP, the
 * receiver printed): Stop waits for the worker on the same pool. */
static void test_stop_waits_worker(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, POOL_STOP_DUMP("0xc000014080"));
    assert_edge(fx, fx_g(fx, 0, 1), SB_RULE_STOP_WORKER, SB_CONF_HIGH, fx_g(fx, 0, 7));
}

/* Rule stop-waits-worker-type. Hand-written minimal dump (POOL_STOP_DUMP,
 * the receivers printed with '?'): the worker is matched by type. */
static void test_stop_waits_worker_type(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, POOL_STOP_DUMP("0xc000014080?"));
    assert_edge(fx, fx_g(fx, 0, 1), SB_RULE_STOP_WORKER_TYPE, SB_CONF_MEDIUM, fx_g(fx, 0, 7));
}

/* main waits on a WaitGroup for goroutine 7, which it started and which
 * is stuck sending; CREATED is the created-by line (Go 1.21+ adds the
 * parent's id). */
#define FETCH_DUMP(CREATED)                                                                        \
    "goroutine 1 [semacquire, 3 minutes]:\n"                                                       \
    "sync.runtime_Semacquire(0xc000014098?)\n"                                                     \
    "\t/usr/local/go/src/runtime/sema.go:62 +0x25\n"                                               \
    "sync.(*WaitGroup).Wait(0xc000014090)\n"                                                       \
    "\t/usr/local/go/src/sync/waitgroup.go:116 +0x48\n"                                            \
    "main.main()\n"                                                                                \
    "\t/app/main.go:31 +0x1d5\n"                                                                   \
    "\n"                                                                                           \
    "goroutine 7 [chan send, 3 minutes]:\n"                                                        \
    "main.fetch({0x6a1b2c, 0x13}, 0xc000022060)\n"                                                 \
    "\t/app/main.go:18 +0x7e\n" CREATED "\n"                                                       \
    "\t/app/main.go:27 +0x5c\n"

/* Rule child-parent-id. Hand-written minimal dump (FETCH_DUMP, Go 1.21+:
 * "created by main.main in goroutine 1"). */
static void test_child_parent_id(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, FETCH_DUMP("created by main.main in goroutine 1"));
    assert_edge(fx, fx_g(fx, 0, 1), SB_RULE_CHILD_PARENT_ID, SB_CONF_HIGH, fx_g(fx, 0, 7));
}

/* Rule child-creator. Hand-written minimal dump (FETCH_DUMP, before Go
 * 1.21: "created by main.main", no parent id): linked by the creator. */
static void test_child_creator(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, FETCH_DUMP("created by main.main"));
    assert_edge(fx, fx_g(fx, 0, 1), SB_RULE_CHILD_CREATOR, SB_CONF_MEDIUM, fx_g(fx, 0, 7));
}

/* Rule closure-child. Hand-written minimal dump (Go 1.20, no parent ids):
 * backup.Snapshot waits on a receive for the closure it started through
 * errgroup, Snapshot.func1, stuck in fsync in goroutine 33. Its creator is
 * errgroup's Go, not Snapshot: only the closure's name links them. */
static void test_closure_child(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, "goroutine 1 [chan receive, 3 minutes]:\n"
               "example.com/app/backup.Snapshot({0x6a1b2c, 0x9})\n"
               "\t/app/backup/backup.go:47 +0x8e\n"
               "main.main()\n"
               "\t/app/main.go:31 +0x1d5\n"
               "\n"
               "goroutine 33 [syscall, 3 minutes]:\n"
               "syscall.Syscall(0x4a, 0x5, 0x0, 0x0)\n"
               "\t/usr/local/go/src/syscall/syscall_linux.go:69 +0x25\n"
               "syscall.Fsync(0x5)\n"
               "\t/usr/local/go/src/syscall/zsyscall_linux_amd64.go:423 +0x2a\n"
               "os.(*File).Sync(0xc000012040)\n"
               "\t/usr/local/go/src/os/file_posix.go:168 +0x3e\n"
               "example.com/app/backup.Snapshot.func1()\n"
               "\t/app/backup/backup.go:40 +0x45\n"
               "golang.org/x/sync/errgroup.(*Group).Go.func1()\n"
               "\t/go/pkg/mod/golang.org/x/sync@v0.6.0/errgroup/errgroup.go:78 +0x56\n"
               "created by golang.org/x/sync/errgroup.(*Group).Go\n"
               "\t/go/pkg/mod/golang.org/x/sync@v0.6.0/errgroup/errgroup.go:75 +0x96\n");
    assert_edge(fx, fx_g(fx, 0, 1), SB_RULE_CLOSURE_CHILD, SB_CONF_MEDIUM, fx_g(fx, 0, 33));
}

/* Rule shared-object. Hand-written minimal dump: (*Builder).Build waits on
 * the WaitGroup 0xc0000b4000; goroutine 14, started by another goroutine
 * (spawnShards in goroutine 13, not in the dump), carries that WaitGroup
 * as its first argument and is stuck in write(2). */
static void test_shared_object(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 12 [semacquire, 3 minutes]:\n"
                           "sync.runtime_Semacquire(0xc0000b4008?)\n"
                           "\t/usr/local/go/src/runtime/sema.go:62 +0x25\n"
                           "sync.(*WaitGroup).Wait(0xc0000b4000)\n"
                           "\t/usr/local/go/src/sync/waitgroup.go:116 +0x48\n"
                           "example.com/app/index.(*Builder).Build(0xc0000b6000)\n"
                           "\t/app/index/builder.go:66 +0x12e\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:33 +0x7a\n"
                           "\n"
                           "goroutine 14 [syscall, 3 minutes]:\n"
                           "syscall.Syscall(0x1, 0x7, 0xc000300000, 0x10000)\n"
                           "\t/usr/local/go/src/syscall/syscall_linux.go:69 +0x25\n"
                           "syscall.write(...)\n"
                           "\t/usr/local/go/src/syscall/zsyscall_linux_amd64.go:949\n"
                           "example.com/app/index.writeShard(0xc0000b4000, 0x3)\n"
                           "\t/app/index/shard.go:29 +0x8b\n"
                           "created by example.com/app/index.spawnShards in goroutine 13\n"
                           "\t/app/index/shard.go:18 +0x4f\n");
    assert_edge(fx, fx_g(fx, 0, 12), SB_RULE_SHARED_OBJECT, SB_CONF_MEDIUM, fx_g(fx, 0, 14));
}

/* Rule channel-slot. Hand-written minimal dump: a channel used as a
 * semaphore in (*Limiter).Do: goroutine 21 blocks sending at line 30,
 * goroutine 20 is inside Do on the same limiter further on (line 33, in a
 * read): it holds a slot. */
static void test_channel_slot(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED "goroutine 21 [chan send, 2 minutes]:\n"
                           "example.com/app/limiter.(*Limiter).Do(0xc000090000, 0xc0000a0000)\n"
                           "\t/app/limiter/limiter.go:30 +0x4a\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:35 +0x7a\n"
                           "\n"
                           "goroutine 20 [syscall, 2 minutes]:\n"
                           "syscall.Syscall(0x0, 0x9, 0xc000300000, 0x8000)\n"
                           "\t/usr/local/go/src/syscall/syscall_linux.go:69 +0x25\n"
                           "syscall.read(...)\n"
                           "\t/usr/local/go/src/syscall/zsyscall_linux_amd64.go:736\n"
                           "example.com/app/limiter.(*Limiter).Do(0xc000090000, 0xc0000a0100)\n"
                           "\t/app/limiter/limiter.go:33 +0x6e\n"
                           "created by main.main in goroutine 1\n"
                           "\t/app/main.go:35 +0x7a\n");
    assert_edge(fx, fx_g(fx, 0, 21), SB_RULE_CHANNEL_SLOT, SB_CONF_MEDIUM, fx_g(fx, 0, 20));
}

/* Rule send-to-parent. Hand-written minimal dump: (*Watcher).forward
 * (goroutine 16, created by Watcher.Run in goroutine 15) blocks sending to
 * its parent, which sits in epoll_wait(2) and cannot receive. */
static void test_send_to_parent(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, MAIN_PARKED
           "goroutine 15 [syscall, 4 minutes]:\n"
           "syscall.Syscall6(0xe8, 0x7, 0xc000180000, 0x80, 0xffffffffffffffff, 0x0, 0x0)\n"
           "\t/usr/local/go/src/syscall/syscall_linux.go:91 +0x36\n"
           "golang.org/x/sys/unix.EpollWait(0x7, {0xc000180000, 0x80, 0x80}, -1)\n"
           "\t/go/pkg/mod/golang.org/x/sys@v0.15.0/unix/zsyscall_linux_amd64.go:56 +0x4f\n"
           "example.com/app/watch.(*Watcher).Run(0xc0000c0000)\n"
           "\t/app/watch/watch.go:71 +0x8a\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:30 +0x6b\n"
           "\n"
           "goroutine 16 [chan send, 4 minutes]:\n"
           "example.com/app/watch.(*Watcher).forward(0xc0000c0000, 0xc0000c8000)\n"
           "\t/app/watch/watch.go:90 +0x5e\n"
           "created by example.com/app/watch.(*Watcher).Run in goroutine 15\n"
           "\t/app/watch/watch.go:60 +0x7a\n");
    assert_edge(fx, fx_g(fx, 0, 16), SB_RULE_SEND_TO_PARENT, SB_CONF_MEDIUM, fx_g(fx, 0, 15));
    assert_string_equal(fx_evidence(fx, fx_g(fx, 0, 16), 0),
                        "blocked sending to its parent goroutine 15, which sits in epollwait and "
                        "does not receive");
}

/* ------------------------------------------------------- what the dump says */

/* The lock-type dump of test_lock_type, as snapshot MINUTES of a series. */
#define STORE_SNAPSHOT(MINUTES)                                                                    \
    MAIN_PARKED                                                                                    \
    "goroutine 7 [sync.Mutex.Lock, " MINUTES " minutes]:\n"                                        \
    "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"                                    \
    "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"                                               \
    "sync.(*Mutex).lockSlow(0xc000010008)\n"                                                       \
    "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"                                               \
    "sync.(*Mutex).Lock(...)\n"                                                                    \
    "\t/usr/local/go/src/sync/mutex.go:90\n"                                                       \
    "example.com/app/store.(*Store).Get(0xc000010000?, {0x6a1b2c, 0x3})\n"                         \
    "\t/app/store/store.go:42 +0x4e\n"                                                             \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:20 +0x85\n"                                                                    \
    "\n"                                                                                           \
    "goroutine 6 [sleep]:\n"                                                                       \
    "time.Sleep(0x3b9aca00)\n"                                                                     \
    "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"                                             \
    "example.com/app/store.(*Store).Put(0xc000010000?, {0x6a1b2c, 0x3})\n"                         \
    "\t/app/store/store.go:61 +0x8a\n"                                                             \
    "created by main.main in goroutine 1\n"                                                        \
    "\t/app/main.go:19 +0x6b\n"

/* Rule unmoved. Hand-written minimal dumps: two snapshots of one process
 * (app.1.txt, app.2.txt: one label), a minute apart; the lock-type holder,
 * goroutine 6, has the same stack in both: the edge keeps its rule and
 * rises from medium to high, with the rule's sentence last. */
static void test_unmoved(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "app.1.txt", STORE_SNAPSHOT("5"));
    fx_add(fx, "app.2.txt", STORE_SNAPSHOT("6"));
    fx_analyze(fx);
    assert_int_equal(fx->m.ndumps, 2);
    assert_int_equal(fx->m.dumps[0].series, 0);
    assert_int_equal(fx->m.dumps[1].snapshot, 1);
    uint32_t waiter = fx_g(fx, 1, 7);
    assert_edge(fx, waiter, SB_RULE_LOCK_TYPE, SB_CONF_HIGH, fx_g(fx, 1, 6));
    const sb_target *t = fx_edge(fx, waiter);
    assert_string_equal(fx_evidence(fx, waiter, t->nev - 1),
                        "goroutine 6 did not move: same stack in all 2 snapshots");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_fx, teardown_fx)
    const struct CMUnitTest tests[] = {
        T(test_lock_receiver),
        T(test_lock_type),
        T(test_lock_site),
        T(test_lock_sibling),
        T(test_rlock_behind_writer),
        T(test_rlock_behind_writer_type),
        T(test_lock_order_inversion),
        T(test_longest_waiter),
        T(test_holder_not_in_dump),
        T(test_rpc_method),
        T(test_rpc_only_process),
        T(test_rpc_protocol),
        T(test_rpc_not_dumped),
        T(test_exec_child),
        T(test_exec_only_process),
        T(test_exec_not_dumped),
        T(test_test_run),
        T(test_stop_waits_worker),
        T(test_stop_waits_worker_type),
        T(test_child_parent_id),
        T(test_child_creator),
        T(test_closure_child),
        T(test_shared_object),
        T(test_channel_slot),
        T(test_send_to_parent),
        T(test_unmoved),
    };
#undef T
    return cmocka_run_group_tests_name("graph", tests, NULL, NULL);
}
