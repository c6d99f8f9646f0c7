/* stuck.h: goroutines that nothing will wake. Not every stuck goroutine
 * blocks another (a leak, a lock nobody holds, a send nobody receives, a
 * self-deadlock, a stalled system call): each is named by a stuck rule
 * (infer.h), grouped with those that wait the same way (same dump, rule,
 * place and object), and ranked by certainty, then count, then wait. */
#ifndef STACKBLAME_STUCK_H
#define STACKBLAME_STUCK_H

#include "stackblame/blame.h"
#include "stackblame/classify.h"
#include "stackblame/graph.h"
#include "stackblame/model.h"
#include "stackblame/series.h"

typedef struct sb_stuck {
    uint32_t dump;
    uint8_t rule;      /* enum sb_rule_id */
    uint8_t conf;      /* enum sb_conf */
    uint8_t kind;      /* enum sb_wait_kind of its goroutines */
    uint32_t *members; /* goroutine indexes, the longest waiting first */
    uint32_t nmembers;
    uint64_t count;    /* goroutines (debug=1 counts included) */
    int32_t max_wait;  /* minutes, -1 when none printed */
    uint32_t frame;    /* frame id shown: where they wait (sb_link_frame), SB_NONE */
    uint32_t what;     /* string id: what they wait on, in words */
    uint32_t evidence; /* string id: the rule's sentence, filled */
} sb_stuck;

typedef struct sb_stucks {
    sb_stuck *v;
    size_t n;
    uint32_t *pool; /* the members of all, each finding's members a run of it */
} sb_stucks;

void sb_stuck_find(sb_model *m, const sb_classes *c, const sb_graph *g, const sb_blame *b,
                   const sb_series *s, sb_stucks *out);
void sb_stucks_free(sb_stucks *s);

#endif
