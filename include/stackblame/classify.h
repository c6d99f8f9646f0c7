/* classify.h: what each goroutine waits on, decided by a table of rules on
 * function names (built in, extendable with --rules FILE). Classification
 * is per interned stack, so 100,000 identical goroutines cost one match;
 * only what comes from arguments (lock address, receiver) is per goroutine. */
#ifndef STACKBLAME_CLASSIFY_H
#define STACKBLAME_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>
#include "stackblame/goname.h" /* the name helpers, for the callers that read both */
#include "stackblame/infer.h"
#include "stackblame/model.h"

enum sb_wait_kind {
    SB_WAIT_UNKNOWN,
    SB_WAIT_RUNNING,
    SB_WAIT_RUNNABLE,
    SB_WAIT_MUTEX,
    SB_WAIT_RWMUTEX_READ,
    SB_WAIT_RWMUTEX_WRITE,
    SB_WAIT_WAITGROUP,
    SB_WAIT_COND,
    SB_WAIT_CHAN,
    SB_WAIT_SELECT,
    SB_WAIT_RPC,
    SB_WAIT_EXEC,
    SB_WAIT_SYSCALL,
    SB_WAIT_IO,
    SB_WAIT_SLEEP,
    SB_WAIT_RUNTIME, /* GC workers, finalizers, timers: never user contention */
    SB_WAIT_NKINDS
};

/* What a stack says of the goroutines that have it (sb_stack_class.roles). */
enum sb_stack_role {
    SB_SR_TEST = 1u << 0,      /* runs a test: testing.tRunner calls its function */
    SB_SR_TESTRUN = 1u << 1,   /* the testing runner waiting for a test (T.Run, runTests) */
    SB_SR_PARALLEL = 1u << 2,  /* a test parked in t.Parallel, waiting for its turn */
    SB_SR_MAIN = 1u << 3,      /* the program's main goroutine (main.main) */
    SB_SR_LOOP = 1u << 4,      /* waits in a loop: a for-range, or a name that says so */
    SB_SR_RECV2 = 1u << 5,     /* receives in a for-range or `v, ok :=` (runtime.chanrecv2) */
    SB_SR_DRAIN = 1u << 6,     /* RWMutex.Lock waiting for readers to drain */
    SB_SR_CGO = 1u << 7,       /* inside a cgo call */
    SB_SR_STOP = 1u << 8,      /* waits inside a Stop/Close-like method (rules: stop) */
    SB_SR_WRAPPER = 1u << 9,   /* its lock is taken through a project's own lock type */
    SB_SR_PANIC = 1u << 10,    /* is panicking: it will signal nothing any more */
    SB_SR_TOP = 1u << 11,      /* waits in its own function, nothing else on its stack */
    SB_SR_CRITICAL = 1u << 12, /* its name is a loop the service's health rests on */
    SB_SR_SEND = 1u << 13,     /* sends on a channel (runtime.chansend): a profile prints no
                                * "chan send" state */
};

/* Per stack: what every goroutine with this stack waits on. */
typedef struct sb_stack_class {
    uint8_t kind;          /* enum sb_wait_kind */
    bool dumper;           /* the goroutine writing the dump (runtime/pprof) */
    uint32_t wait_frame;   /* frame holding the lock address / the wait call, SB_NONE */
    uint32_t site_frame;   /* first caller outside the libraries: the lock site, SB_NONE */
    uint32_t site_type;    /* string id of the lock owner's type "pkg.(*T)": the site's, or for
                            * a closure called in place, its method's; 0 = no method */
    uint32_t owner_frame;  /* the frame whose receiver is that owner, SB_NONE */
    uint32_t detail;       /* string id: syscall name, RPC method, child process ... */
    uint32_t serves;       /* string id: "Service/Method" this goroutine serves, 0 = none */
    uint32_t serves_frame; /* frame of the handler, SB_NONE */
    uint32_t serves_proto; /* string id: "grpc", "net/rpc", "http" */
    uint32_t proto;        /* string id: protocol of an RPC client wait */
    uint32_t name;         /* string id: human name of a well-known loop, 0 = none */
    uint32_t name_frame;
    uint32_t entry_frame; /* the goroutine's own function: outermost outside launch helpers */
    uint32_t test_frame;  /* the test function testing.tRunner runs, SB_NONE */
    uint32_t chan_frame;  /* runtime frame whose first argument is the channel, SB_NONE */
    uint32_t stop_frame;  /* the Stop/Close-like method it waits in (SB_SR_STOP), SB_NONE */
    uint32_t inner_frame; /* a library method it waits inside (not sync's or the
                           * runtime's), whose receiver is the object, SB_NONE */
    uint32_t roles;       /* enum sb_stack_role */
} sb_stack_class;

/* What a goroutine's object is (sb_gclass.obj). */
enum sb_obj_kind { SB_OBJ_NONE, SB_OBJ_CHAN, SB_OBJ_INNER };

/* Per goroutine: what its arguments add. */
typedef struct sb_gclass {
    uint8_t kind;    /* enum sb_wait_kind, after the header state is weighed */
    uint8_t quiet;   /* enum sb_rule_id of the healthy shape it shows, 0 = none */
    uint8_t forever; /* enum sb_rule_id: blocked forever by construction, 0 = no */
    bool send : 1;   /* a channel send (the header says "chan send", or its frames) */
    bool has_addr : 1, has_recv : 1;
    uint8_t obj_kind : 2; /* enum sb_obj_kind */
    uint64_t addr;        /* lock / WaitGroup / Cond address when printed without `?` */
    uint64_t recv;        /* the owner's receiver (owner_frame) when printed without `?` */
    uint64_t obj;         /* the channel when a runtime frame prints it, else the receiver of
                           * a library method it waits inside (a reader's) */
} sb_gclass;

/* Per dump: what the dump itself says. */
typedef struct sb_dclass {
    uint8_t context;  /* enum sb_rule_id: test-timeout, all-asleep, or 0 */
    bool whole;       /* a whole dump (a header, goroutine 1 or a profile), not an excerpt */
    bool test;        /* a test binary's: a goroutine runs a test */
    uint32_t live;    /* goroutines of the program's own: not runtime, not the dump writer */
    bool self_dumped; /* the program writes the dump itself (pprof, runtime.Stack): it runs */
} sb_dclass;

typedef struct sb_rules sb_rules;

/* The built-in rules, then those of `path` (may be NULL) before them.
 * Returns NULL and writes a one-line error (file:line: problem) on a bad file. */
sb_rules *sb_rules_load(const char *path, char *err, size_t errlen);
void sb_rules_free(sb_rules *r);
/* The built-in rule text, in the --rules file format (for the man page/tests). */
const char *sb_rules_builtin(void);

typedef struct sb_classes {
    sb_stack_class *stacks; /* indexed by stack id */
    size_t nstacks;
    sb_gclass *g;     /* indexed like model.goroutines */
    sb_dclass *dumps; /* indexed like model.dumps */
    struct {
        uint32_t off, len; /* the receiver type within the function name, len 0 = none */
    } * frame_type;        /* per frame id */
    uint8_t *frame_skip;   /* per frame id: 1 when a library frame (skip or wait rule) */
    size_t nframes;
} sb_classes;

/* Interns the strings it derives (types, details) into m. */
void sb_classify(sb_model *m, sb_rules *rules, sb_classes *out);
void sb_classes_free(sb_classes *c);

const char *sb_wait_kind_name(enum sb_wait_kind k);
/* Lock-like kinds: waiting for someone to release something. */
bool sb_wait_is_lock(enum sb_wait_kind k);

/* Whether a goroutine waits on something that may be released: not
 * running, runnable, a runtime helper or unknown. */
bool sb_wait_is_blocked(enum sb_wait_kind k);

/* sb_arg_word of a ref that is no number: its text's first word. */
bool sb_arg_word_text(const sb_model *m, uint32_t a, uint64_t *value);
/* The first argument of argument ref a (model.h) as a number, as
 * sb_args_first_word reads its text: a receiver, a lock's address.
 * Inline for numbers: the graph reads one for every method frame. */
static inline bool sb_arg_word(const sb_model *m, uint32_t a, uint64_t *value)
{
    if (!(a & SB_ARG_NUM))
        return sb_arg_word_text(m, a, value);
    if ((a & ~SB_ARG_NUM) >= m->nargnums)
        return false;
    uint64_t packed = m->argnums[a & ~SB_ARG_NUM];
    if (packed & 1)
        return false; /* uncertain, as sb_args_first_word reads "0x..?" */
    *value = packed >> 1;
    return true;
}

#endif
