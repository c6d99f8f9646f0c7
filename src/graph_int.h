/* graph_int.h: what the graph stage's files share (graph.c builds the
 * context, indexes and targets; graph_lock.c, graph_call.c and
 * graph_wait.c each apply one family of inference rules). Not a public
 * header: nothing outside the graph stage includes it. */
#ifndef STACKBLAME_GRAPH_INT_H
#define STACKBLAME_GRAPH_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "stackblame/graph.h"
#include "stackblame/intern.h"

/* A multimap from a small key blob to a list of (goroutine, frame). */
typedef struct sb_entry {
    uint32_t g, frame, next;
} sb_entry;

typedef struct sb_index {
    sb_arena arena;
    sb_intern keys;
    uint32_t *head; /* per key id: first entry, SB_NONE */
    size_t headcap;
    sb_entry *e;
    size_t ne, ecap;
} sb_index;

void sb_idx_init(sb_index *x);
void sb_idx_free(sb_index *x);
void sb_idx_add(sb_index *x, const void *key, size_t klen, uint32_t g, uint32_t frame);
/* The first entry under key, SB_NONE; entries chain through .next. */
uint32_t sb_idx_first(const sb_index *x, const void *key, size_t klen);

/* Index keys: a dump (SB_NONE = any), a tag saying what the key is, and
 * two values. */
typedef struct sb_key {
    uint32_t dump, tag;
    uint64_t a, b;
} sb_key;

enum {
    K_LOCK_ADDR = 1,
    K_LOCK_SITE,
    K_TYPE_RECV,
    K_TYPE_ANY,
    K_SITE_FUNC,
    K_WRITER_RECV,
    K_WRITER_ANY,
    K_SERVES,
    K_METHOD,
    K_PROTO,
    K_CREATOR,
    K_RPC_TARGET,
    K_EXEC_TARGET,
    K_DUMP_NAME,
    K_WORD,
    K_CLOSURE_OF,
    K_PARENT,
    K_CREATOR_TYPE,
};

sb_key sb_key_make(uint32_t dump, uint32_t tag, uint64_t a, uint64_t b);

/* The graph being built and what every rule reads. */
typedef struct sb_gb {
    sb_model *m;
    const sb_classes *c;
    sb_graph *g;
    char buf[1024];
} sb_gb;

/* A new target named by fmt, with the rule that made it (its confidence
 * from the rules table). Returns its index. */
uint32_t sb_gb_target(sb_gb *b, uint8_t kind, uint32_t dump, enum sb_rule_id rule,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sets the target's holder by a rule: its confidence, and the rule's
 * sentence first in the evidence. */
void sb_gb_link(sb_gb *b, uint32_t target, uint32_t holder, enum sb_rule_id rule, const sb_say *v);
/* Appends one more line of evidence (a supporting fact). */
void sb_gb_ev(sb_gb *b, uint32_t target, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A target for goroutine gi alone, linked to holder by rule. */
void sb_gb_edge(sb_gb *b, uint32_t gi, uint32_t holder, enum sb_rule_id rule, const sb_say *v,
                const char *what);

/* The ordering of the mission case: what stayed put in a series first,
 * then the longest waiter, then one locked to a thread, then the older
 * (lower) id. `tier` goes before all. */
bool sb_gb_ranks_above(const sb_model *m, uint32_t a, int tier_a, uint32_t b, int tier_b);
/* Goroutines that never hold anything up: the runtime's own, the one
 * writing the dump, those of a superseded snapshot. */
bool sb_gb_excluded(const sb_gb *b, uint32_t gi);
/* Blocked on something and not idle in a healthy shape: a goroutine whose
 * wait can hold others up. */
bool sb_gb_stuck_shape(const sb_gb *b, uint32_t gi);
/* The function of frame f of goroutine gi's stack. */
uint32_t sb_gb_func(const sb_gb *b, uint32_t gi, uint32_t f);
/* The plain address (no '?') that is the first argument of frame f of
 * the goroutine view v was made for, 0 when none. */
uint64_t sb_gb_frame_word(const sb_model *m, const sb_arg_view *v, uint32_t f);

/* The rule families, in the order sb_graph_build applies them: each
 * gives a target to waiters that have none yet. */
void sb_graph_locks(sb_gb *b);
void sb_graph_rpc(sb_gb *b);
void sb_graph_exec(sb_gb *b);
void sb_graph_waits(sb_gb *b);

#endif
