/* infer.c: the table of inference rules (see infer.h) and the writer of
 * their evidence sentences. Knowledge about what a dump shape means lives
 * in this table's words; the functions that test each shape cite a row. */
#include "stackblame/infer.h"

#include <stdio.h>
#include <string.h>
#include "stackblame/classify.h"

#define EDGE    SB_RK_EDGE
#define STUCK   SB_RK_STUCK
#define CONTEXT SB_RK_CONTEXT
#define QUIET   SB_RK_QUIET
#define HIGH    SB_CONF_HIGH
#define MEDIUM  SB_CONF_MEDIUM
#define LOW     SB_CONF_LOW

static const sb_rule_info sb_rules_table[SB_RULE_NRULES] = {
    [SB_RULE_NONE] = {"none", EDGE, SB_CONF_NONE, "", ""},

    /* --- locks -------------------------------------------------------- */
    [SB_RULE_LOCK_RECEIVER] =
        {"lock-receiver", EDGE, HIGH,
         "{holder} is inside {func} on the same receiver {addr}, past its Lock call, and does "
         "not wait on this lock",
         "A lock waiter's holder is a goroutine inside a method of the lock owner's type on the "
         "same receiver (or lock address), past the Lock call and not waiting on that lock."},
    [SB_RULE_LOCK_TYPE] =
        {"lock-type", EDGE, MEDIUM,
         "{holder} is inside {func}, a method of the lock owner's type; the receiver is not "
         "printed, so it may be another object",
         "As lock-receiver, when the dump prints no receiver address to compare (arguments "
         "printed with ?, debug=1 profiles)."},
    [SB_RULE_LOCK_SITE] =
        {"lock-site", EDGE, MEDIUM, "{holder} is inside the lock site {func}, past its Lock call",
         "A goroutine inside the function where the waiters lock (the lock site), but not waiting "
         "there, holds it."},
    [SB_RULE_LOCK_SIBLING] =
        {"lock-sibling", EDGE, MEDIUM,
         "{holder} is inside {func}, a closure of the same function as the lock site {func2}: "
         "both work on what that function captured",
         "A lock taken in a closure F.func2 run as a goroutine is held by a goroutine inside a "
         "sibling closure F.func1 (started by the same F, sharing its captured object)."},
    [SB_RULE_LOCK_WRITER_QUEUE] =
        {"rlock-behind-writer", EDGE, HIGH,
         "{holder} waits to write-lock the same RWMutex; new readers queue behind a pending "
         "writer",
         "A goroutine in RLock waits for a writer queued on the same RWMutex (same receiver): "
         "RLock blocks while a writer waits."},
    [SB_RULE_LOCK_WRITER_QUEUE_TYPE] =
        {"rlock-behind-writer-type", EDGE, MEDIUM,
         "{holder} waits to write-lock a {what} RWMutex; new readers queue behind a pending "
         "writer",
         "As rlock-behind-writer, matched by the owner's type when no receiver is printed."},
    [SB_RULE_LOCK_INVERSION] =
        {"lock-order-inversion", EDGE, MEDIUM,
         "{holder} waits on another lock that no goroutine is inside of either; each waits for "
         "what the other holds (AB-BA)",
         "Two goroutines each wait on a different lock that no goroutine is inside of, and each "
         "is the other's only candidate (blocked on a lock, as long as the waiters): a "
         "lock-order inversion."},
    [SB_RULE_LOCK_LONGEST_WAITER] =
        {"longest-waiter", EDGE, LOW,
         "no goroutine is inside a function that takes this lock; by the rule of thumb the "
         "longest waiter outside it holds it: {holder}, {min} min",
         "The rule of thumb of the mission case: the goroutine blocked longest, outside this "
         "lock, in code of the lock site's package. Never closes a cycle."},
    [SB_RULE_LOCK_NOT_IN_DUMP] =
        {"holder-not-in-dump", EDGE, MEDIUM,
         "no goroutine in this dump is inside a function that takes this lock: the holder is "
         "not in the dump (an excerpt), or the lock was leaked",
         "No candidate in a dump that is not whole (no header, no goroutine 1): the holder was "
         "cut, so none is named."},

    /* --- calls and processes ----------------------------------------- */
    [SB_RULE_RPC_METHOD] =
        {"rpc-method", EDGE, HIGH, "{holder} serves {what}, the method the client calls",
         "An RPC client (gRPC stub, net/rpc wrapper method or full method string) is linked to a "
         "handler of the same method, in its own dump or another."},
    [SB_RULE_RPC_ONLY_PROCESS] =
        {"rpc-only-process", EDGE, MEDIUM,
         "the client's stack does not name the method; {proc} is the only process serving "
         "{what}, and {holder} the longest-stuck of its {n} handler{s}",
         "A client whose stack names no method is linked to a stuck handler of the only other "
         "process serving its protocol."},
    [SB_RULE_RPC_PROTOCOL] =
        {"rpc-protocol", EDGE, LOW,
         "the client's stack does not name the method; {holder} is the longest-stuck {what} "
         "handler of {n}",
         "As rpc-only-process when several processes (or the caller's own) serve the "
         "protocol."},
    [SB_RULE_RPC_UNANSWERED] =
        {"rpc-not-dumped", EDGE, MEDIUM,
         "no handler of this call in the input: the server is another process; dump it to "
         "continue the chain",
         "An RPC call with no handler in the input: the chain goes on in a process not "
         "dumped."},
    [SB_RULE_EXEC_CHILD_DUMP] =
        {"exec-child", EDGE, MEDIUM,
         "process {proc} runs a {what} too: its dump continues the chain",
         "An exec wait is linked to the dump of another process that carries the same name as "
         "the exec frames (a CNI plugin is exec'd and runs the plugin skeleton)."},
    [SB_RULE_EXEC_ONLY_PROCESS] =
        {"exec-only-process", EDGE, LOW,
         "the child's dump is not in the input; {proc} is the only other process that no edge "
         "explains, taken as what the child waits on",
         "An exec wait with no named child dump, linked to the only process dump no other edge "
         "reaches."},
    [SB_RULE_EXEC_NOT_DUMPED] =
        {"exec-not-dumped", EDGE, MEDIUM,
         "the child's own stacks continue the chain: dump that process (SIGQUIT) and pass both "
         "dumps",
         "An exec wait whose child is not in the input: the chain names the process to dump "
         "next."},

    /* --- goroutines waiting for goroutines -------------------------- */
    [SB_RULE_TEST_RUN] =
        {"test-run", EDGE, HIGH,
         "testing.(*T).Run waits for the test it started: {holder} runs {func}",
         "testing.(*T).Run (and the runner of the first tests) waits for the goroutine running "
         "the test: by parent id where printed, else by the test's name."},
    [SB_RULE_STOP_WORKER] =
        {"stop-waits-worker", EDGE, HIGH,
         "{func2} waits for the goroutines of its object: {holder} runs {func} on the same "
         "receiver {addr}",
         "A Stop, Close or Shutdown-like method waiting on a WaitGroup or channel waits for a "
         "live goroutine working on the same receiver (started by its Start, Run or "
         "constructor)."},
    [SB_RULE_STOP_WORKER_TYPE] =
        {"stop-waits-worker-type", EDGE, MEDIUM,
         "{func2} waits for the goroutines of its object: {holder} runs {func}, a method of the "
         "same type (receivers not printed)",
         "As stop-waits-worker, by the receiver's type when the dump prints no receiver "
         "address to compare."},
    [SB_RULE_CHILD_PARENT_ID] =
        {"child-parent-id", EDGE, HIGH,
         "{holder} was created by this goroutine (created by ... in goroutine {n}) and is "
         "blocked itself",
         "A WaitGroup, channel or select wait is linked to a live, blocked goroutine it created "
         "(Go 1.21+ prints the parent's id)."},
    [SB_RULE_CHILD_CREATOR] =
        {"child-creator", EDGE, MEDIUM, "{holder} was created by {func}, started for this wait",
         "A wait inside F is linked to a live, blocked goroutine created by F, or by another "
         "method of F's type on the same object (before Go 1.21 no parent id is printed)."},
    [SB_RULE_CLOSURE_CHILD] =
        {"closure-child", EDGE, MEDIUM,
         "{holder} runs {func}, a closure of {func2}, where this goroutine waits",
         "A goroutine waiting inside F is linked to a blocked goroutine running a closure of F "
         "(F.func1), which F started, directly or through a helper."},
    [SB_RULE_SHARED_OBJECT] =
        {"shared-object", EDGE, MEDIUM,
         "{holder} carries {addr} too, the object this goroutine waits on or an argument of the "
         "frame it waits in (carried by {n} other goroutine{s})",
         "A channel or WaitGroup wait is linked to another blocked goroutine whose printed "
         "arguments carry the waited object or an address of the waiting frame's arguments (the "
         "object both work on), when at most three do and none waits the same way."},
    [SB_RULE_CHANNEL_SLOT] =
        {"channel-slot", EDGE, MEDIUM,
         "{holder} is inside {func} on the same receiver {addr}, past the send this goroutine "
         "waits at: it holds a slot of the channel",
         "A channel send inside method M waits for a goroutine inside M on the same receiver, "
         "further along (a semaphore channel's slot holder)."},
    [SB_RULE_SEND_TO_PARENT] =
        {"send-to-parent", EDGE, MEDIUM,
         "blocked sending to its parent {holder}, which sits in {what} and does not receive",
         "A goroutine blocked in a channel send is linked to its parent (by id, else the "
         "goroutine inside its creator on the same receiver) when the parent is inside a system "
         "call or cgo call, where it cannot receive."},

    /* --- stuck ------------------------------------------------------ */
    [SB_RULE_RUNTIME_LEAKED] =
        {"runtime-leaked", STUCK, HIGH,
         "the runtime marked it leaked: nothing that could wake it is reachable",
         "Go 1.26 marks a goroutine (leaked) when the garbage collector proves that nothing "
         "reachable can unblock it."},
    [SB_RULE_LEAK_REPORTED] =
        {"leak-reported", STUCK, MEDIUM,
         "a leak checker reported it still alive after its test ended",
         "A goroutine a leak checker listed (goleak's \"Leaked goroutine\" or \"Goroutine N in "
         "state S, with F on top of the stack\"); low when it is idle in a loop of its own."},
    [SB_RULE_NIL_CHANNEL] =
        {"nil-channel", STUCK, HIGH, "a {what} on a nil channel never proceeds",
         "Blocked forever by construction: a send or receive on a nil channel."},
    [SB_RULE_EMPTY_SELECT] =
        {"empty-select", STUCK, HIGH, "a select with no cases never proceeds",
         "Blocked forever by construction: select {} (not in the main goroutine, where it parks "
         "a server on purpose)."},
    [SB_RULE_SELF_DEADLOCK] =
        {"self-deadlock", STUCK, HIGH,
         "it waits on {what} that it holds itself: {func} on the same receiver {addr} is lower "
         "in its own stack",
         "A goroutine waits on a lock that it already holds: a lock-taking frame on the same "
         "receiver lower in its own stack (Lock twice; RLock under its own Lock; Lock while "
         "holding "
         "RLock, where another waiter shows that frame takes the lock), or a frame that takes the "
         "lock. Also reported as a cycle of one. RLock re-entered while a writer queues is a cycle "
         "of two with the writer."},
    [SB_RULE_LEAKED_LOCK] =
        {"leaked-lock", STUCK, MEDIUM,
         "nobody holds it: no live goroutine is inside a function that takes {what}; a Lock "
         "without Unlock on some path of a function that takes it ({text})",
         "Waiters on a lock that no live goroutine can hold (none inside a method of its owner "
         "on the same receiver, nor inside its lock site)."},
    [SB_RULE_LEAKED_READ_LOCK] =
        {"leaked-read-lock", STUCK, MEDIUM,
         "the writer waits for readers to drain and no reader is alive: an RLock without "
         "RUnlock on some path, or the writer's own read lock (RLock, then Lock)",
         "A writer waiting for readers to drain (RWMutex.Lock on the reader semaphore) while no "
         "goroutine that could hold a read lock is alive."},
    [SB_RULE_NO_COUNTERPART] =
        {"no-counterpart", STUCK, MEDIUM,
         "no other live goroutine works on {what}: nothing will {text} it",
         "A channel send or receive, select, Cond.Wait or WaitGroup.Wait, outside a loop, where "
         "no other live goroutine works on the same object (address where printed, else the "
         "waiting method's receiver or arguments). Low for a receive or select (a sender may "
         "come later) unless the dump says its waits are for good; low too without a wait time."},
    [SB_RULE_STUCK_HANDLER] =
        {"stuck-handler", STUCK, MEDIUM,
         "a request handler ({what}) has waited {min} min on a {text}: its client waits as long",
         "A goroutine serving a request (gRPC, net/rpc or HTTP handler) blocked for minutes on a "
         "channel, Cond or WaitGroup outside select, where no object is printed to look for a "
         "counterpart: a handler should answer."},
    [SB_RULE_MASS_LEAK] =
        {"mass-leak", STUCK, LOW,
         "{n} goroutines wait with one stack, far above the rest of the dump: one started per "
         "call and never ended",
         "One stack shape blocked in thousands of goroutines, more than half of the dump."},
    [SB_RULE_GROWING] =
        {"growing", STUCK, MEDIUM, "the same stack grew in every snapshot: {text}",
         "A stack whose blocked goroutines grew from each snapshot of a process to the next "
         "(by at least 10 in all)."},
    [SB_RULE_STALL] =
        {"stall", STUCK, MEDIUM, "in {what} for {min} min with {n} goroutine{s} waiting on it",
         "The root of a chain stuck in a system call, cgo call, child process or network or file "
         "read: the stall everything waits for; low when it printed no wait time."},
    [SB_RULE_STALL_ALONE] =
        {"stall-alone", STUCK, MEDIUM,
         "the {text} goroutine sits in {what} and nothing else of the program is alive",
         "The main or test goroutine blocked in a system call, cgo call or network read while no "
         "other goroutine of the program is alive (not when the program writes the dump itself, "
         "through pprof or runtime.Stack: then it runs); low when it printed no wait time."},

    /* --- what the dump says ----------------------------------------- */
    [SB_RULE_TEST_TIMEOUT] =
        {"test-timeout", CONTEXT, HIGH, "{text}: every blocked goroutine has waited that long",
         "panic: test timed out after D: every blocked goroutine is stuck, not passing; its "
         "stuck findings need no printed wait time, and parents' waits count."},
    [SB_RULE_ALL_ASLEEP] =
        {"all-asleep", CONTEXT, HIGH,
         "the runtime found all goroutines asleep: each blocked goroutine is stuck for good",
         "fatal error: all goroutines are asleep - deadlock!: every listed goroutine is stuck; "
         "its stuck findings need no printed wait time, and parents' waits count."},
    [SB_RULE_UNMOVED] =
        {"unmoved", CONTEXT, HIGH, "{holder} did not move: same stack in all {n} snapshots",
         "A holder with the same stack in every snapshot of its process: stuck, not passing; "
         "its edge rises one level."},

    /* --- healthy shapes --------------------------------------------- */
    [SB_RULE_QUIET_RUNTIME] = {"runtime-helper", QUIET, SB_CONF_NONE, "a goroutine of the runtime",
                               "GC workers, finalizers, timers, the signal loop: never blamed."},
    [SB_RULE_QUIET_DUMPER] = {"dump-writer", QUIET, SB_CONF_NONE, "the goroutine writing the dump",
                              "runtime/pprof, runtime.Stack: never blamed."},
    [SB_RULE_QUIET_SLEEP] =
        {"sleeping", QUIET, SB_CONF_NONE, "sleeping: a timer or a polling loop",
         "A goroutine in time.Sleep is never stuck (it may still hold a lock)."},
    [SB_RULE_QUIET_LOOP] =
        {"idle-loop", QUIET, LOW, "idle in its own loop: {func} waits for work",
         "A receive, select or Cond.Wait at the top of a goroutine's own loop (a worker pool, "
         "a for-range over a channel, a ticker or signal loop): idle, not stuck."},
    [SB_RULE_QUIET_NETPOLL] =
        {"netpoll", QUIET, LOW, "waits for the network: {func}",
         "IO wait: accept loops, connection readers, keep-alive loops. Only a main or test "
         "goroutine alone, or a root others wait on, is a stall."},
    [SB_RULE_QUIET_SUPERVISOR] =
        {"supervisor", QUIET, LOW,
         "{holder} is a child that is only idle: a parent waiting for live children is the "
         "normal shape of a service",
         "A parent waiting in select for its children, or for children that are only idle: no "
         "edge; in a test, or a dump whose waits are for good, the edge stays at low."},
    [SB_RULE_QUIET_PARALLEL_TEST] =
        {"parallel-test", QUIET, SB_CONF_NONE, "parked in t.Parallel, waiting for its turn",
         "A test parked in testing.(*T).Parallel only waits for its turn: never a blocker."},
    [SB_RULE_QUIET_MAIN_PARK] =
        {"main-park", QUIET, SB_CONF_NONE, "main parks itself while other goroutines work",
         "The main goroutine in select {}, or in a receive in main.main itself (waiting for a "
         "signal), while other goroutines of the program are alive: the idiom of a server. "
         "Alone, it waits for good."},
    [SB_RULE_QUIET_PROGRESSING] =
        {"progressing", QUIET, LOW, "the root is {what}: the wait may be over in a moment",
         "A chain whose root is running or runnable is a momentary wait: at most low."},
};

const sb_rule_info *sb_infer(enum sb_rule_id id)
{
    return (unsigned)id < SB_RULE_NRULES ? &sb_rules_table[id] : &sb_rules_table[0];
}

const char *sb_conf_name(enum sb_conf c)
{
    static const char *const names[] = {"none", "low", "medium", "high"};
    return (unsigned)c <= SB_CONF_HIGH ? names[c] : "none";
}

const char *sb_rule_kind_name(enum sb_rule_kind k)
{
    static const char *const names[] = {"edge", "stuck", "context", "quiet"};
    return (unsigned)k <= SB_RK_QUIET ? names[k] : "?";
}

void sb_infer_list(FILE *out)
{
    for (int id = 1; id < SB_RULE_NRULES; id++) {
        const sb_rule_info *r = &sb_rules_table[id];
        fprintf(out, "%-7s %-24s %-6s %s\n", sb_rule_kind_name((enum sb_rule_kind)r->kind), r->name,
                sb_conf_name((enum sb_conf)r->conf), r->doc);
    }
}

sb_say sb_say_none(void)
{
    sb_say v;
    memset(&v, 0, sizeof(v));
    v.holder = v.waiter = SB_NONE;
    v.minutes = -1;
    return v;
}

const char *sb_goroutine_name(const sb_model *m, uint32_t gi, char buf[64])
{
    const sb_goroutine *g = &m->goroutines[gi];
    if (m->dumps[g->dump].format == SB_FMT_DEBUG1)
        snprintf(buf, 64, "the record at line %llu (%u goroutine%s)",
                 (unsigned long long)g->line_no, g->count, g->count == 1 ? "" : "s");
    else
        snprintf(buf, 64, "goroutine %llu", (unsigned long long)g->id);
    return buf;
}

/* Appends n bytes of s at *w, never past end (one byte kept for NUL). */
static void put(char **w, char *end, const char *s, size_t n)
{
    size_t room = (size_t)(end - *w);
    if (n > room)
        n = room;
    memcpy(*w, s, n);
    *w += n;
}

static void put_func(char **w, char *end, const sb_model *m, uint32_t func)
{
    if (!func) {
        put(w, end, "?", 1);
        return;
    }
    size_t n, sl;
    const char *full = sb_str(m, func, &n);
    const char *s = sb_func_short(full, n, &sl);
    put(w, end, s, sl > 200 ? 200 : sl);
}

/* One {slot}'s value. */
static void put_slot(char **w, char *end, const sb_model *m, const sb_say *v, const char *slot,
                     size_t n)
{
    char buf[64];
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(slot, lit, n) == 0)
    if (IS("holder") || IS("waiter")) {
        uint32_t g = IS("holder") ? v->holder : v->waiter;
        const char *s = g == SB_NONE ? "?" : sb_goroutine_name(m, g, buf);
        put(w, end, s, strlen(s));
    } else if (IS("func") || IS("func2")) {
        put_func(w, end, m, IS("func") ? v->func : v->func2);
    } else if (IS("what") || IS("proc")) {
        uint32_t id = IS("what") ? v->what : v->proc;
        size_t len = 0;
        const char *s = id ? sb_str(m, id, &len) : "?";
        put(w, end, s, id ? (len > 200 ? 200 : len) : 1);
    } else if (IS("addr")) {
        int k = v->has_addr ? snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v->addr)
                            : snprintf(buf, sizeof(buf), "?");
        put(w, end, buf, (size_t)k);
    } else if (IS("n")) {
        int k = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v->n);
        put(w, end, buf, (size_t)k);
    } else if (IS("s")) {
        put(w, end, "s", v->n == 1 ? 0 : 1);
    } else if (IS("min")) {
        int k = v->minutes >= 0 ? snprintf(buf, sizeof(buf), "%d", v->minutes)
                                : snprintf(buf, sizeof(buf), "?");
        put(w, end, buf, (size_t)k);
    } else if (IS("text")) {
        const char *s = v->text ? v->text : "?";
        put(w, end, s, strlen(s));
    } else {
        put(w, end, slot - 1, n + 2); /* unknown: printed as written */
    }
#undef IS
}

size_t sb_say_rule(const sb_model *m, enum sb_rule_id id, const sb_say *v, char *buf, size_t len)
{
    if (len == 0)
        return 0;
    char *w = buf, *end = buf + len - 1;
    for (const char *p = sb_infer(id)->says; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close) {
            put_slot(&w, end, m, v, p + 1, (size_t)(close - p - 1));
            p = close + 1;
        } else {
            put(&w, end, p, 1);
            p++;
        }
    }
    *w = '\0';
    return (size_t)(w - buf);
}
