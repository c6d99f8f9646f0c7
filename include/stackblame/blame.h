/* blame.h: from the waits-for graph to what a person reads first: chains
 * from stuck goroutines to the root that blocks them, one per way into
 * the root (the waiting goroutines' entry: the PLEG relist, the pod
 * workers, the handlers), ranked by how many goroutines they block and
 * how long, and cycles reported as deadlocks. */
#ifndef STACKBLAME_BLAME_H
#define STACKBLAME_BLAME_H

#include <stdbool.h>
#include "stackblame/classify.h"
#include "stackblame/graph.h"
#include "stackblame/model.h"

typedef struct sb_chain {
    uint32_t *links; /* goroutine indexes, from a blocked goroutine to the root */
    uint32_t nlinks;
    uint64_t blocked; /* goroutines waiting on the root directly or transitively */
    uint64_t entries; /* goroutines of this chain's entry group (they wait the same way in) */
    uint32_t entry;   /* string id naming the entry group: a human name or a function */
    uint8_t conf;     /* enum sb_conf: the weakest edge of the chain, capped by quiet rules */
    uint8_t rule;     /* enum sb_rule_id that set conf: the weakest edge's, or a cap's */
    int32_t max_wait; /* longest wait among the blocked goroutines, -1 unknown */
    bool transient;   /* no blocked goroutine printed a wait time */
    bool critical;    /* starts at a well-known health-critical loop (a named place) */
} sb_chain;

typedef struct sb_cycle {
    uint32_t dump;
    uint32_t *members; /* goroutine indexes, each waiting for the next, the last for the first */
    uint32_t n;
    uint8_t conf; /* enum sb_conf: the weakest edge's */
    uint8_t rule; /* enum sb_rule_id of that edge (self-deadlock for a cycle of one) */
} sb_cycle;

typedef struct sb_blame {
    sb_chain *chains;
    size_t nchains;
    sb_cycle *cycles;
    size_t ncycles;
    uint32_t *next;    /* per goroutine: whom it waits for (the graph's edges that stand) */
    uint32_t *blocked; /* per goroutine: those waiting on it as their root (0 for non-roots),
                        * saturating */
} sb_blame;

/* start: per goroutine, whether a chain may start there (--from); NULL = any. */
void sb_blame_run(const sb_model *m, const sb_classes *c, const sb_graph *g, const bool *start,
                  sb_blame *out);
void sb_blame_free(sb_blame *b);
/* Marks the goroutines whose stack has a function matching the PCRE2 regex.
 * Returns NULL and writes err when the regex does not compile. */
bool *sb_blame_select(const sb_model *m, const char *regex, char *err, size_t errlen);
/* Whether --from's regex compiles; the reason in err when not. */
bool sb_blame_check_regex(const char *regex, char *err, size_t errlen);
/* The function a link shows: the first frame outside the runtime and the
 * libraries (the lock site), else the innermost frame. SB_NONE if no frames. */
uint32_t sb_link_frame(const sb_model *m, const sb_classes *c, uint32_t gi);

#endif
