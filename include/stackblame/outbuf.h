/* outbuf.h: a write buffer in front of a FILE for reports that make many
 * small writes (the JSON report makes dozens per goroutine). Through stdio
 * each would take the stream's lock and bookkeeping; through this it is a
 * memcpy, and the FILE sees whole buffers. */
#ifndef STACKBLAME_OUTBUF_H
#define STACKBLAME_OUTBUF_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SB_OUTBUF 65536

typedef struct sb_outbuf {
    FILE *f;
    size_t n;
    uint64_t flushes; /* sb_out_flush calls so far: while it stays, what was put since is in b */
    size_t lim;       /* with assertions: the end of the room sb_out_room made last */
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
#ifndef NDEBUG
    o->lim = o->n + n;
#endif
    return o->b + o->n;
}

static inline void sb_out_done(sb_outbuf *o, const char *w)
{
    /* Nothing past the room taken (Debug builds, the sanitizers' in CI). */
    assert(w >= o->b + o->n && w <= o->b + o->lim);
    o->n = (size_t)(w - o->b);
}

static inline char *sb_w_put(char *w, const void *s, size_t n)
{
    memcpy(w, s, n);
    return w + n;
}
#define SB_W_LIT(w, lit) sb_w_put((w), "" lit, sizeof(lit) - 1)

/* v in decimal: at most 20 bytes. The digits are counted from the bit
 * length (1233 / 4096 is just over log10 2: t is the count or one less,
 * and a compare with 10^t tells which; v | 1 has v's count, and 0's is
 * 1), then written two per division from the last. */
static inline char *sb_w_u64(char *w, uint64_t v)
{
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
                                   "25262728293031323334353637383940414243444546474849"
                                   "50515253545556575859606162636465666768697071727374"
                                   "75767778798081828384858687888990919293949596979899";
    // clang-format off
    static const uint64_t p10[20] = {
        1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
        100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
        10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
        100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};
    // clang-format on
    uint64_t u = v | 1;
    size_t t = (size_t)(64 - __builtin_clzll(u)) * 1233 >> 12;
    size_t n = t + (u >= p10[t]);
    char *e = w + n;
    for (; v >= 100; v /= 100) {
        e -= 2;
        memcpy(e, pairs + 2 * (v % 100), 2);
    }
    if (v >= 10)
        memcpy(e - 2, pairs + 2 * v, 2);
    else
        e[-1] = (char)('0' + v);
    return w + n;
}

static inline void sb_out_u64(sb_outbuf *o, uint64_t v)
{
    sb_out_done(o, sb_w_u64(sb_out_room(o, 20), v));
}

#endif
