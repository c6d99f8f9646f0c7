/* infer.h: the inference rules of the diagnosis, in one table. Every
 * heuristic that links a waiter to what it waits for, names a goroutine
 * stuck, or keeps a healthy shape quiet is a row here: its name, its
 * confidence, the sentence of evidence it prints and what it means (the
 * man page's HOW IT DECIDES is checked against this table). Each rule is
 * one function in the stage that applies it (graph_*.c, stuck.c, blame.c);
 * the function's comment names its row. */
#ifndef STACKBLAME_INFER_H
#define STACKBLAME_INFER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "stackblame/model.h"

enum sb_conf { SB_CONF_NONE, SB_CONF_LOW, SB_CONF_MEDIUM, SB_CONF_HIGH };

/* What a rule does. */
enum sb_rule_kind {
    SB_RK_EDGE,    /* links a waiter to the goroutine it waits for */
    SB_RK_STUCK,   /* names goroutines that nothing will wake */
    SB_RK_CONTEXT, /* what the dump itself says: raises confidence */
    SB_RK_QUIET,   /* a healthy shape: caps what it touches at low */
};

enum sb_rule_id {
    SB_RULE_NONE,
    /* edges: locks */
    SB_RULE_LOCK_RECEIVER,
    SB_RULE_LOCK_TYPE,
    SB_RULE_LOCK_SITE,
    SB_RULE_LOCK_SIBLING,
    SB_RULE_LOCK_WRITER_QUEUE,
    SB_RULE_LOCK_WRITER_QUEUE_TYPE,
    SB_RULE_LOCK_INVERSION,
    SB_RULE_LOCK_LONGEST_WAITER,
    SB_RULE_LOCK_NOT_IN_DUMP,
    /* edges: calls and processes */
    SB_RULE_RPC_METHOD,
    SB_RULE_RPC_ONLY_PROCESS,
    SB_RULE_RPC_PROTOCOL,
    SB_RULE_RPC_UNANSWERED,
    SB_RULE_EXEC_CHILD_DUMP,
    SB_RULE_EXEC_ONLY_PROCESS,
    SB_RULE_EXEC_NOT_DUMPED,
    /* edges: goroutines waiting for goroutines */
    SB_RULE_TEST_RUN,
    SB_RULE_STOP_WORKER,
    SB_RULE_STOP_WORKER_TYPE,
    SB_RULE_CHILD_PARENT_ID,
    SB_RULE_CHILD_CREATOR,
    SB_RULE_CLOSURE_CHILD,
    SB_RULE_SHARED_OBJECT,
    SB_RULE_CHANNEL_SLOT,
    SB_RULE_SEND_TO_PARENT,
    /* stuck */
    SB_RULE_RUNTIME_LEAKED,
    SB_RULE_LEAK_REPORTED,
    SB_RULE_NIL_CHANNEL,
    SB_RULE_EMPTY_SELECT,
    SB_RULE_SELF_DEADLOCK,
    SB_RULE_LEAKED_LOCK,
    SB_RULE_LEAKED_READ_LOCK,
    SB_RULE_NO_COUNTERPART,
    SB_RULE_STUCK_HANDLER,
    SB_RULE_MASS_LEAK,
    SB_RULE_GROWING,
    SB_RULE_STALL,
    SB_RULE_STALL_ALONE,
    /* what the dump says */
    SB_RULE_TEST_TIMEOUT,
    SB_RULE_ALL_ASLEEP,
    SB_RULE_UNMOVED,
    /* healthy shapes */
    SB_RULE_QUIET_RUNTIME,
    SB_RULE_QUIET_DUMPER,
    SB_RULE_QUIET_SLEEP,
    SB_RULE_QUIET_LOOP,
    SB_RULE_QUIET_NETPOLL,
    SB_RULE_QUIET_SUPERVISOR,
    SB_RULE_QUIET_PARALLEL_TEST,
    SB_RULE_QUIET_MAIN_PARK,
    SB_RULE_QUIET_PROGRESSING,
    SB_RULE_NRULES
};

typedef struct sb_rule_info {
    const char *name; /* as printed in reports: "lock-receiver" */
    uint8_t kind;     /* enum sb_rule_kind */
    uint8_t conf;     /* enum sb_conf the rule gives (a cap for quiet rules) */
    const char *says; /* the evidence sentence, with {slots} (sb_say) */
    const char *doc;  /* when it applies, for the man page */
} sb_rule_info;

const sb_rule_info *sb_infer(enum sb_rule_id id);
const char *sb_conf_name(enum sb_conf c);

/* What fills a rule's {slots}: each is optional; an unset one prints as
 * "?". Goroutines print as "goroutine 12" (or a debug=1 record). */
typedef struct sb_say {
    uint32_t holder, waiter; /* goroutine indexes, SB_NONE */
    uint32_t func;           /* {func}: string id of a function, shortened */
    uint32_t func2;          /* {func2} */
    uint32_t what;           /* {what}: string id printed as is */
    uint32_t proc;           /* {proc}: string id of a process label */
    uint64_t addr;           /* {addr}: printed 0x... when has_addr */
    uint64_t n;              /* {n}, and {s}: "s" unless n == 1 */
    int32_t minutes;         /* {min} */
    const char *text;        /* {text} */
    int has_addr;
} sb_say;

/* Writes the table for --list-rules: a rule a line, "kind name confidence:
 * what it means", in table order. */
void sb_infer_list(FILE *out);
const char *sb_rule_kind_name(enum sb_rule_kind k);

/* An sb_say with nothing set. */
sb_say sb_say_none(void);
/* Writes the rule's sentence with its slots filled into buf (always
 * NUL-terminated, cut at len - 1). Returns the length written. */
size_t sb_say_rule(const sb_model *m, enum sb_rule_id id, const sb_say *v, char *buf, size_t len);
/* "goroutine 12", or "the record at line 40 (3 goroutines)" for debug=1. */
const char *sb_goroutine_name(const sb_model *m, uint32_t gi, char buf[64]);

#endif
