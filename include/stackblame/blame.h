/* blame.h: from the waits-for graph to what a person reads first: chains
 * from stuck goroutines to the root that blocks them, ranked by how many
 * goroutines they block and how long, and cycles reported as deadlocks. */
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
    uint8_t conf;     /* enum sb_conf: the weakest edge of the chain */
    int32_t max_wait; /* longest wait among the blocked goroutines, -1 unknown */
    bool transient;   /* no blocked goroutine printed a wait time: may be passing */
} sb_chain;

typedef struct sb_cycle {
    uint32_t dump;
    uint32_t *members; /* goroutine indexes, each waiting for the next, the last for the first */
    uint32_t n;
} sb_cycle;

typedef struct sb_blame {
    sb_chain *chains;
    size_t nchains;
    sb_cycle *cycles;
    size_t ncycles;
    uint32_t *next; /* per goroutine: whom it waits for (the graph, plus pooled waiters) */
} sb_blame;

/* start: per goroutine, whether a chain may start there (--from); NULL = any. */
void sb_blame_run(const sb_model *m, const sb_graph *g, const bool *start, sb_blame *out);
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
