/* graph.h: the waits-for graph. Each waiting goroutine points at a target
 * (a lock, an RPC method, the goroutines it created, a child process); a
 * target names its suspected holder, with a confidence and the evidence in
 * words. All lookups go through indexes (by lock, type, receiver, method,
 * creator, address), never through all pairs of goroutines; a list one
 * key holds for thousands is weighed only so far. */
#ifndef STACKBLAME_GRAPH_H
#define STACKBLAME_GRAPH_H

#include "stackblame/classify.h"
#include "stackblame/infer.h"
#include "stackblame/model.h"

typedef struct sb_target {
    uint8_t kind; /* enum sb_wait_kind of its waiters */
    uint8_t conf; /* enum sb_conf of the holder */
    uint8_t rule; /* enum sb_rule_id that named the holder (or found none) */
    uint32_t dump;
    uint32_t holder; /* goroutine index, SB_NONE = not in the input (dangling) */
    uint32_t what;   /* string id: "mutex 0xc4201e0a08", "RPC RuntimeService/PodSandboxStatus" */
    uint32_t ev_first, nev; /* evidence: string ids in graph.evidence */
    uint64_t waiters;       /* goroutines waiting on it (debug=1 counts included) */
    uint32_t first_waiter;  /* goroutine index of the oldest waiter */
} sb_target;

/* A waiter on a channel, Cond or WaitGroup that no other live goroutine
 * works with: no other carries its object (the channel, the Cond or
 * WaitGroup, the waiting method's receiver). */
typedef struct sb_alone {
    uint32_t g;
    uint64_t object; /* the address no other goroutine carries */
} sb_alone;

typedef struct sb_graph {
    uint32_t *target_of; /* per goroutine: index into targets, SB_NONE = waits on nothing known */
    sb_target *targets;
    size_t ntargets, targets_cap;
    uint32_t *evidence;
    size_t nevidence, evidence_cap;
    sb_alone *alone; /* waiters with no counterpart, in goroutine order */
    size_t nalone, alone_cap;
} sb_graph;

void sb_graph_build(sb_model *m, const sb_classes *c, sb_graph *g);
void sb_graph_free(sb_graph *g);
/* The goroutine g waits for, or SB_NONE (a root, or a dangling edge). */
uint32_t sb_graph_next(const sb_graph *g, uint32_t gi);
/* Goroutine gi's entry in g->alone (a waiter with no counterpart), NULL. */
const sb_alone *sb_graph_alone(const sb_graph *g, uint32_t gi);

#endif
