/* arena.h: bump allocator for everything that lives as long as the analysis.
 * Interned strings, stacks and frames never die one by one, so they share
 * big blocks and are freed together. */
#ifndef STACKBLAME_ARENA_H
#define STACKBLAME_ARENA_H

#include <stddef.h>

typedef struct sb_arena_block sb_arena_block;

typedef struct sb_arena {
    sb_arena_block *head;
    size_t used_total; /* bytes handed out, for --stats */
} sb_arena;

void sb_arena_init(sb_arena *a);
void sb_arena_free(sb_arena *a);
/* Never returns NULL: exits with a message when memory runs out. */
void *sb_arena_alloc(sb_arena *a, size_t n); /* aligned for any type */
/* A copy of n bytes plus a NUL, aligned for uint32_t only. */
void *sb_arena_memdup(sb_arena *a, const void *p, size_t n);

/* Exits with "out of memory (allocating n bytes)". */
_Noreturn void sb_oom(size_t n);
/* Checked malloc family used by the growable arrays below. */
void *sb_xmalloc(size_t n);
void *sb_xrealloc(void *p, size_t n);
void *sb_xcalloc(size_t n, size_t size);

/* Grow a dynamic array so that index `need` fits; elements are `size` bytes. */
void *sb_grow(void *p, size_t *cap, size_t need, size_t size);

#endif
