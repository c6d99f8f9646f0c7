/* intern.h: byte-blob interning. Function names, file paths, argument lists,
 * frames and whole stacks repeat thousands of times in real dumps; each
 * distinct blob is stored once and named by a dense uint32 id. */
#ifndef STACKBLAME_INTERN_H
#define STACKBLAME_INTERN_H

#include <stddef.h>
#include <stdint.h>
#include "stackblame/arena.h"

typedef struct sb_intern_entry sb_intern_entry;

/* A small direct-mapped cache in front of the hash table: the blobs that
 * recur (function names, files, common stacks) are found in a few KiB that
 * stay in the CPU cache, instead of through uthash's buckets. */
#define SB_INTERN_CACHE 4096

/* A slot holds what a hit needs (hash, length, where the bytes are), so a
 * hit costs one load of the slot and one of the bytes. */
typedef struct sb_intern_slot {
    uint64_t hash;
    const void *data;
    uint32_t len; /* blobs longer than UINT32_MAX are never cached */
    uint32_t id;  /* 0 = empty (id 0 is the empty blob, never cached) */
} sb_intern_slot;

/* Where an interned blob's bytes are: by_id holds these by value, so
 * reading a blob by id costs one load, not a chase through its entry. */
typedef struct sb_blob {
    const void *data;
    size_t len;
} sb_blob;

typedef struct sb_intern {
    sb_intern_entry *table; /* uthash head */
    sb_blob *by_id;         /* id -> blob */
    sb_intern_slot *cache;  /* SB_INTERN_CACHE slots */
    size_t count, cap;
    sb_arena *arena;
} sb_intern;

void sb_intern_init(sb_intern *t, sb_arena *arena);
void sb_intern_free(sb_intern *t);
/* Returns the id of the blob, adding it when new. Id 0 is the empty blob. */
uint32_t sb_intern_put(sb_intern *t, const void *data, size_t len);
/* Stores a blob under a new id without looking for an equal one, for
 * blobs that seldom repeat (each goroutine's argument vector, receivers
 * not seen recently), where the lookup costs more than a copy.
 * sb_intern_put and sb_intern_find never return such an id. */
uint32_t sb_intern_append(sb_intern *t, const void *data, size_t len);
/* Looks a blob up without adding it; returns UINT32_MAX when absent. */
uint32_t sb_intern_find(const sb_intern *t, const void *data, size_t len);
/* The same through the cache, which a hit fills as sb_intern_put's does:
 * for look-ups on a hot path. */
uint32_t sb_intern_get(sb_intern *t, const void *data, size_t len);
/* A blob's bytes and length; an unknown id reads as the empty blob. */
static inline const void *sb_intern_data(const sb_intern *t, uint32_t id)
{
    return id < t->count ? t->by_id[id].data : "";
}
static inline size_t sb_intern_len(const sb_intern *t, uint32_t id)
{
    return id < t->count ? t->by_id[id].len : 0;
}
static inline size_t sb_intern_count(const sb_intern *t)
{
    return t->count;
}

uint64_t sb_hash_bytes(const void *data, size_t len);

#endif
