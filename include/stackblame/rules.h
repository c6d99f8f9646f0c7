/* rules.h: classification rules (PCRE2 patterns on function names), built
 * in and from --rules FILE. See rules.c for the file format. */
#ifndef STACKBLAME_RULES_H
#define STACKBLAME_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pcre2.h>
#include "stackblame/classify.h"

enum sb_rule_role {
    SB_ROLE_WAIT,     /* the frame means "waits on KIND" */
    SB_ROLE_SKIP,     /* a library frame: not the lock site */
    SB_ROLE_SERVER,   /* an RPC server dispatcher or generated handler */
    SB_ROLE_METHOD,   /* names the RPC method of a client call */
    SB_ROLE_SYSCALL,  /* names the system call */
    SB_ROLE_RUNTIME,  /* a goroutine of the runtime's own */
    SB_ROLE_DUMPER,   /* the goroutine writing the dump */
    SB_ROLE_NAME,     /* a human name for a well-known place */
    SB_ROLE_CRITICAL, /* the same, for a loop the health of the service rests on */
    SB_ROLE_LAUNCH,   /* runs a goroutine's function for it: not its entry */
    SB_ROLE_LOOP,     /* a function name that says "my own loop" */
    SB_ROLE_STOP,     /* a method that stops its object and waits for it */
    SB_ROLE_LOCKER,   /* a lock method of a project's own lock type */
    SB_ROLE_TESTRUN,  /* the testing runner waiting for a test */
    SB_ROLE_PARALLEL  /* a test waiting for its turn */
};

typedef struct sb_rule {
    enum sb_rule_role role;
    uint8_t kind; /* for wait rules */
    char *arg;    /* the name for name rules */
    pcre2_code *re;
} sb_rule;

struct sb_rules {
    sb_rule *v;
    size_t n, cap;
    pcre2_match_data *md;
    int last_rc; /* return code of the last match through md */
};

int sb_wait_kind_parse(const char *name);

#endif
