/* graph.h: the waits-for graph. Each waiting goroutine points at a target
 * (a lock, an RPC method, the goroutines it created, a child process); a
 * target names its suspected holder, with a confidence and the evidence in
 * words. All lookups go through indexes (by lock, type, receiver, method,
 * creator), never through all pairs of goroutines. */
#ifndef STACKBLAME_GRAPH_H
#define STACKBLAME_GRAPH_H

#include "stackblame/classify.h"
#include "stackblame/model.h"

enum sb_conf { SB_CONF_NONE, SB_CONF_LOW, SB_CONF_MEDIUM, SB_CONF_HIGH };

typedef struct sb_target {
    uint8_t kind; /* enum sb_wait_kind of its waiters */
    uint8_t conf; /* enum sb_conf of the holder */
    uint32_t dump;
    uint32_t holder; /* goroutine index, SB_NONE = not in the input (dangling) */
    uint32_t what;   /* string id: "mutex 0xc4201e0a08", "RPC RuntimeService/PodSandboxStatus" */
    uint32_t ev_first, nev; /* evidence: string ids in graph.evidence */
    uint64_t waiters;       /* goroutines waiting on it (debug=1 counts included) */
    uint32_t first_waiter;  /* goroutine index of the oldest waiter */
} sb_target;

typedef struct sb_graph {
    uint32_t *target_of; /* per goroutine: index into targets, SB_NONE = waits on nothing known */
    sb_target *targets;
    size_t ntargets, targets_cap;
    uint32_t *evidence;
    size_t nevidence, evidence_cap;
} sb_graph;

void sb_graph_build(sb_model *m, const sb_classes *c, sb_graph *g);
void sb_graph_free(sb_graph *g);
/* The goroutine g waits for, or SB_NONE (a root, or a dangling edge). */
uint32_t sb_graph_next(const sb_graph *g, uint32_t gi);
const char *sb_conf_name(enum sb_conf c);

#endif
