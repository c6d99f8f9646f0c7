/* intern.c: blob interning on uthash with a faster hash than its default;
 * see intern.h. */
#include "stackblame/intern.h"

#include <string.h>

/* 64-bit FNV-1a over 8-byte words then bytes: cheap and good enough for
 * identifiers and paths; uthash folds it to its bucket count. */
uint64_t sb_hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull ^ len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    while (len--)
        h = (h ^ *p++) * 0x100000001b3ull;
    /* murmur3's finalizer: uthash picks buckets from the low bits, which
     * the multiply loop above leaves poorly mixed. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

#undef HASH_FUNCTION
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = (unsigned)sb_hash_bytes((keyptr), (keylen)))
/* Expand the table before chains grow long: each link is a cache miss. */
#define HASH_BKT_CAPACITY_THRESH 3U
#include <uthash.h>

/* The blob's bytes and length are the handle's key and keylen. */
struct sb_intern_entry {
    UT_hash_handle hh;
    uint32_t id;
};

void sb_intern_init(sb_intern *t, sb_arena *arena)
{
    memset(t, 0, sizeof(*t));
    t->arena = arena;
    t->cache = sb_xcalloc(SB_INTERN_CACHE, sizeof(*t->cache));
    sb_intern_put(t, "", 0); /* id 0 is the empty blob: "none" for callers */
}

void sb_intern_free(sb_intern *t)
{
    HASH_CLEAR(hh, t->table);
    free(t->cache);
    t->cache = NULL;
    free(t->by_id);
    t->by_id = NULL;
    t->count = t->cap = 0;
}

uint32_t sb_intern_find(const sb_intern *t, const void *data, size_t len)
{
    if (len == 0)
        data = ""; /* an empty span may carry a NULL pointer: memcmp must not see it */
    sb_intern_entry *e = NULL;
    HASH_FIND(hh, t->table, data, len, e);
    return e ? e->id : UINT32_MAX;
}

/* Copies a blob into the arena under the next id; the copy is by_id's. */
static uint32_t add_blob(sb_intern *t, const void *data, size_t len)
{
    t->by_id = sb_grow(t->by_id, &t->cap, t->count, sizeof(*t->by_id));
    t->by_id[t->count].data = sb_arena_memdup(t->arena, data, len);
    t->by_id[t->count].len = len;
    return (uint32_t)t->count++;
}

/* The id of a blob whose hash is h: through the cache, then the table
 * (which then caches it); UINT32_MAX when absent. */
static inline uint32_t lookup(sb_intern *t, const void *data, size_t len, uint64_t h)
{
    sb_intern_slot *slot = &t->cache[(h ^ (h >> 29)) & (SB_INTERN_CACHE - 1)];
    if (slot->id && slot->hash == h && slot->len == len && memcmp(slot->data, data, len) == 0)
        return slot->id;
    sb_intern_entry *e = NULL;
    HASH_FIND_BYHASHVALUE(hh, t->table, data, len, (unsigned)h, e);
    if (!e)
        return UINT32_MAX;
    if (e->id && len <= UINT32_MAX) {
        slot->hash = h;
        slot->data = e->hh.key;
        slot->len = (uint32_t)len;
        slot->id = e->id;
    }
    return e->id;
}

uint32_t sb_intern_put(sb_intern *t, const void *data, size_t len)
{
    if (len == 0)
        data = "";
    uint64_t h = sb_hash_bytes(data, len);
    uint32_t id = lookup(t, data, len, h);
    if (id != UINT32_MAX)
        return id;
    sb_intern_entry *e = sb_arena_alloc(t->arena, sizeof(*e));
    e->id = add_blob(t, data, len);
    HASH_ADD_KEYPTR_BYHASHVALUE(hh, t->table, t->by_id[e->id].data, len, (unsigned)h, e);
    /* Cached only when seen again: many new blobs are one-offs (the
     * argument texts of a new stack), which would evict the names that
     * recur. */
    return e->id;
}

uint32_t sb_intern_get(sb_intern *t, const void *data, size_t len)
{
    if (len == 0)
        data = "";
    return lookup(t, data, len, sb_hash_bytes(data, len));
}

uint32_t sb_intern_append(sb_intern *t, const void *data, size_t len)
{
    return add_blob(t, data, len);
}
