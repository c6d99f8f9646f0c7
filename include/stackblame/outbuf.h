/* outbuf.h: a write buffer in front of a FILE for reports that make many
 * small writes. The JSON report of a 420 MB dump makes tens of millions;
 * through stdio (a lock and bookkeeping per call) they cost a seventh of
 * the whole run, through this a memcpy each. */
#ifndef STACKBLAME_OUTBUF_H
#define STACKBLAME_OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SB_OUTBUF 65536

typedef struct sb_outbuf {
    FILE *f;
    size_t n;
    uint64_t flushes; /* sb_out_flush calls so far: while it stays, what was put since is in b */
    char b[SB_OUTBUF];
} sb_outbuf;

/* Writes out what is buffered; the FILE keeps its own error flag. */
void sb_out_flush(sb_outbuf *o);
void sb_out_printf(sb_outbuf *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The slow path of sb_out_put: flushes, then buffers or writes directly. */
void sb_out_put_slow(sb_outbuf *o, const void *s, size_t n);

static inline void sb_out_put(sb_outbuf *o, const void *s, size_t n)
{
    if (n <= SB_OUTBUF && o->n <= SB_OUTBUF - n) { /* spelled so the bounds are plain */
        memcpy(o->b + o->n, s, n);
        o->n += n;
        return;
    }
    sb_out_put_slow(o, s, n);
}

static inline void sb_out_str(sb_outbuf *o, const char *s)
{
    sb_out_put(o, s, strlen(s));
}

static inline void sb_out_putc(sb_outbuf *o, char c)
{
    if (o->n == SB_OUTBUF)
        sb_out_flush(o);
    o->b[o->n++] = c;
}

/* Direct writes, for records of many short fields whose size has a
 * bound: w = sb_out_room(o, n) makes room for n bytes (n <= SB_OUTBUF),
 * the sb_w_ writers below put bytes at w and return where they end, and
 * sb_out_done(o, w) keeps them. One bounds check for the lot instead of
 * one per field, and the buffer's length is not stored back after each
 * (the JSON report writes about 40 fields per goroutine). */
static inline char *sb_out_room(sb_outbuf *o, size_t n)
{
    if (o->n > SB_OUTBUF - n)
        sb_out_flush(o);
    return o->b + o->n;
}

static inline void sb_out_done(sb_outbuf *o, const char *w)
{
    o->n = (size_t)(w - o->b);
}

static inline char *sb_w_put(char *w, const void *s, size_t n)
{
    memcpy(w, s, n);
    return w + n;
}
#define SB_W_LIT(w, lit) sb_w_put((w), "" lit, sizeof(lit) - 1)

/* v in decimal: at most 20 bytes. */
static inline char *sb_w_u64(char *w, uint64_t v)
{
    size_t n = 1;
    for (uint64_t t = v; t >= 10; t /= 10)
        n++;
    for (char *e = w + n; e > w; v /= 10)
        *--e = (char)('0' + v % 10);
    return w + n;
}

static inline void sb_out_u64(sb_outbuf *o, uint64_t v)
{
    sb_out_done(o, sb_w_u64(sb_out_room(o, 20), v));
}

#endif
