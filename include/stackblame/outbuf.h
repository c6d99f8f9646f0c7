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

static inline void sb_out_u64(sb_outbuf *o, uint64_t v)
{
    char buf[20];
    size_t i = sizeof(buf);
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sb_out_put(o, buf + i, sizeof(buf) - i);
}

#endif
