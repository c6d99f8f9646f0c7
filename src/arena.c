/* arena.c: bump allocator in growing blocks; see arena.h. */
#include "stackblame/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sb_arena_block {
    sb_arena_block *next;
    size_t size, used;
    max_align_t data[];
};

#define SB_ARENA_MIN_BLOCK (256u * 1024u)

_Noreturn void sb_oom(size_t n)
{
    fprintf(stderr, "stackblame: out of memory (allocating %zu bytes)\n", n);
    exit(2);
}

void *sb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        sb_oom(n);
    return p;
}

void *sb_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        sb_oom(n);
    return q;
}

void *sb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        sb_oom(n * size);
    return p;
}

void *sb_grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need < *cap)
        return p;
    size_t ncap = *cap ? *cap : 16;
    while (ncap <= need) {
        if (ncap > SIZE_MAX / 2 / size)
            sb_oom(SIZE_MAX);
        ncap *= 2;
    }
    p = sb_xrealloc(p, ncap * size);
    *cap = ncap;
    return p;
}

void sb_arena_init(sb_arena *a)
{
    a->head = NULL;
    a->used_total = 0;
}

void sb_arena_free(sb_arena *a)
{
    sb_arena_block *b = a->head;
    while (b) {
        sb_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

/* n bytes at a multiple of align (a power of two, at most max_align_t's). */
static void *arena_alloc(sb_arena *a, size_t n, size_t align)
{
    sb_arena_block *b = a->head;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || at > b->size || b->size - at < n) {
        size_t size = SB_ARENA_MIN_BLOCK;
        if (b && b->size < 16u * 1024u * 1024u)
            size = b->size * 2; /* fewer, larger blocks as the input grows */
        if (size < n)
            size = n;
        b = sb_xmalloc(sizeof(*b) + size);
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        at = 0;
    }
    b->used = at + n;
    a->used_total += n;
    return (char *)b->data + at;
}

void *sb_arena_alloc(sb_arena *a, size_t n)
{
    return arena_alloc(a, n, sizeof(max_align_t));
}

void *sb_arena_memdup(sb_arena *a, const void *p, size_t n)
{
    /* Blobs are read as bytes or as uint32 vectors: 4-byte alignment is
     * enough, and max_align_t's would waste up to 15 bytes on each short
     * name. */
    void *q = arena_alloc(a, n + 1, sizeof(uint32_t));
    if (n)
        memcpy(q, p, n);
    ((char *)q)[n] = '\0'; /* strings stay printable with %s in tests */
    return q;
}
