/* group.h: goroutines with the same stack and state in the same dump are
 * one group ("1,021 x [semacquire, 2~1590 min] ..."), as users know it from
 * panicparse. */
#ifndef STACKBLAME_GROUP_H
#define STACKBLAME_GROUP_H

#include "stackblame/model.h"

typedef struct sb_group {
    uint32_t dump, stack, state;
    uint64_t count;             /* goroutines (debug=1 counts included) */
    uint32_t first;             /* index of the first member in model.goroutines */
    uint32_t members;           /* number of member records */
    int32_t min_wait, max_wait; /* -1 when no member printed minutes */
    uint32_t locked;            /* members locked to thread */
    uint32_t truncated;         /* members cut short */
} sb_group;

typedef struct sb_groups {
    sb_group *v;
    size_t n;
    uint32_t *next; /* per goroutine: next member of its group, SB_NONE at the end */
} sb_groups;

/* Groups every goroutine; groups are sorted by dump, then largest first. */
void sb_groups_build(const sb_model *m, sb_groups *out);
void sb_groups_free(sb_groups *g);

#endif
