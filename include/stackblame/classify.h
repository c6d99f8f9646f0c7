/* classify.h: what each goroutine waits on, decided by a table of rules on
 * function names (built in, extendable with --rules FILE). Classification
 * is per interned stack, so 100,000 identical goroutines cost one match;
 * only what comes from arguments (lock address, receiver) is per goroutine. */
#ifndef STACKBLAME_CLASSIFY_H
#define STACKBLAME_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>
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

/* Per stack: what every goroutine with this stack waits on. */
typedef struct sb_stack_class {
    uint8_t kind;          /* enum sb_wait_kind */
    bool dumper;           /* the goroutine writing the dump (runtime/pprof) */
    uint32_t wait_frame;   /* frame holding the lock address / the wait call, SB_NONE */
    uint32_t site_frame;   /* first caller outside the libraries: the lock site, SB_NONE */
    uint32_t site_type;    /* string id of the site's receiver type "pkg.(*T)", 0 = not a method */
    uint32_t detail;       /* string id: syscall name, RPC method, child process ... */
    uint32_t serves;       /* string id: "Service/Method" this goroutine serves, 0 = none */
    uint32_t serves_frame; /* frame of the handler, SB_NONE */
    uint32_t serves_proto; /* string id: "grpc", "net/rpc", "http" */
    uint32_t proto;        /* string id: protocol of an RPC client wait */
    uint32_t name;         /* string id: human name of a well-known loop, 0 = none */
    uint32_t name_frame;
} sb_stack_class;

/* Per goroutine: what its arguments add. */
typedef struct sb_gclass {
    uint8_t kind;  /* enum sb_wait_kind, after the header state is weighed */
    uint64_t addr; /* lock / WaitGroup / Cond address when printed without `?` */
    uint64_t recv; /* receiver of the site frame when printed without `?` */
    uint8_t has_addr, has_recv;
} sb_gclass;

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
    sb_gclass *g; /* indexed like model.goroutines */
    struct {
        uint32_t off, len; /* the receiver type within the function name, len 0 = none */
    } * frame_type;        /* per frame id */
    uint32_t *frame_skip;  /* per frame id: 1 when a library frame (skip or wait rule) */
    size_t nframes;
} sb_classes;

/* Interns the strings it derives (types, details) into m. */
void sb_classify(sb_model *m, sb_rules *rules, sb_classes *out);
void sb_classes_free(sb_classes *c);

const char *sb_wait_kind_name(enum sb_wait_kind k);
/* Lock-like kinds: waiting for someone to release something. */
bool sb_wait_is_lock(enum sb_wait_kind k);

/* The receiver type of a method name: "pkg/path.(*T).M.func1" -> "pkg/path.(*T)".
 * Returns false for plain functions and closures of plain functions. */
bool sb_func_type(const char *func, size_t n, size_t *type_len);
/* A closure: "pkg.F.func1", "pkg.(*T).M.gowrap2". */
bool sb_func_is_closure(const char *func, size_t n);
/* Short form for reports: the last path element, "network.(*PluginManager).SetUpPod". */
const char *sb_func_short(const char *func, size_t n, size_t *short_len);
/* The first argument of argument ref a (model.h) as a number, as
 * sb_args_first_word reads its text: a receiver, a lock's address. */
bool sb_arg_word(const sb_model *m, uint32_t a, uint64_t *value);

#endif
