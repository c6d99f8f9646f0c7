/* graph_int.h: what the graph stage's files share (graph.c builds the
 * context, indexes and targets; graph_lock.c, graph_call.c and
 * graph_wait.c each apply one family of inference rules). Not a public
 * header: nothing outside the graph stage includes it. */
#ifndef STACKBLAME_GRAPH_INT_H
#define STACKBLAME_GRAPH_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "stackblame/graph.h"
#include "stackblame/intern.h"

/* A multimap from a small key blob to a list of (goroutine, frame). */
typedef struct sb_entry {
    uint32_t g, frame, next;
} sb_entry;

/* A filter in front of a set of keys: a bit per key's hash, so that the
 * scans over every goroutine, and the rules of thousands of waiters, test
 * a bit rather than a hash table for the keys that were never put (most
 * of them). A set bit may be another key's. */
typedef struct sb_keybits {
    uint64_t w[1024];
} sb_keybits;

static inline uint32_t sb_keybits_at(const void *key, size_t n)
{
    const unsigned char *p = key;
    uint64_t h = n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    }
    for (; n; p++, n--)
        h = (h ^ *p) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 48);
}

static inline void sb_keybits_add(sb_keybits *s, const void *key, size_t n)
{
    uint32_t bit = sb_keybits_at(key, n);
    s->w[bit >> 6] |= 1ull << (bit & 63);
}

static inline bool sb_keybits_may(const sb_keybits *s, const void *key, size_t n)
{
    uint32_t bit = sb_keybits_at(key, n);
    return s->w[bit >> 6] >> (bit & 63) & 1;
}

/* A set of keys, filtered. */
typedef struct sb_keyset {
    sb_arena arena;
    sb_intern keys;
    sb_keybits bits;
} sb_keyset;

void sb_keyset_init(sb_keyset *s);
void sb_keyset_free(sb_keyset *s);
void sb_keyset_put(sb_keyset *s, const void *key, size_t n);
static inline bool sb_keyset_has(const sb_keyset *s, const void *key, size_t n)
{
    return sb_keybits_may(&s->bits, key, n) && sb_intern_find(&s->keys, key, n) != UINT32_MAX;
}
/* Keys put, with the empty key sb_intern starts with. */
static inline size_t sb_keyset_count(const sb_keyset *s)
{
    return sb_intern_count(&s->keys);
}

typedef struct sb_index {
    sb_keybits *bits; /* in front of keys */
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

/* Inline: the scans over every goroutine make one per goroutine. */
static inline sb_key sb_key_make(uint32_t dump, uint32_t tag, uint64_t a, uint64_t b)
{
    sb_key k;
    memset(&k, 0, sizeof(k)); /* keys are compared as bytes, padding too */
    k.dump = dump;
    k.tag = tag;
    k.a = a;
    k.b = b;
    return k;
}

/* The graph being built and what every rule reads. */
typedef struct sb_gb {
    sb_model *m;
    const sb_classes *c;
    sb_graph *g;
    uint8_t *excluded; /* per goroutine: sb_gb_excluded */
    char buf[1024];
} sb_gb;

/* A new target named by fmt, with the rule that made it (its confidence
 * from the rules table). Returns its index. */
uint32_t sb_gb_target(sb_gb *b, uint8_t kind, uint32_t dump, enum sb_rule_id rule, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6)));
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
static inline bool sb_gb_excluded(const sb_gb *b, uint32_t gi)
{
    return b->excluded[gi];
}
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
