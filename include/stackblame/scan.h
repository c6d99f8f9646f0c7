/* scan.h: the byte-class scans of the lexer's per-line path, 16 bytes at a
 * time where SSE2 is there (every x86-64 CPU), a byte at a time elsewhere.
 * Each file line holds about 30 hex digits (fp= sp= pc=) and each frame
 * line a run of arguments: most of the bytes the lexer must look at one
 * by one are these, so they are checked a block at a time.
 *
 * Every scan reads only [lo, end): lo is the start of the line, end the
 * end of the line or of the input's buffer. lo lets a short run just
 * before end be checked with one load that ends at end. */
#ifndef STACKBLAME_SCAN_H
#define STACKBLAME_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* -DSB_SCAN_SCALAR builds the byte-at-a-time path on x86 too (CI tests it). */
#if defined(__SSE2__) && defined(__GNUC__) && !defined(SB_SCAN_SCALAR)
#define SB_SCAN_SSE2 1
#include <emmintrin.h>
#else
#define SB_SCAN_SSE2 0
#endif

static inline bool sb_is_hex_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

#if SB_SCAN_SSE2
/* Bit i set when byte i of v is a hex digit. Each range is moved (mod
 * 256) to the bottom of the signed bytes, -128 up, where one signed
 * compare tells it: '0'-'9' by adding 0x80 - '0', 'a'-'f' by adding
 * 0x80 - 'a' after OR 0x20 folds 'A'-'F' (and nothing else) onto them.
 * Six operations, where two compares per range would take eight: a file
 * line's template checks its stack addresses with it. */
static inline unsigned sb_hex_mask16(__m128i v)
{
    __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x80 - '0')),
                                   _mm_set1_epi8(-128 + 10));
    __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8(0x80 - 'a')),
                                   _mm_set1_epi8(-128 + 6));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(digit, alpha));
}

/* Bit i set when byte i of v is '(' or ')': they differ only in bit 0. */
static inline unsigned sb_paren_mask16(__m128i v)
{
    return (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(1)), _mm_set1_epi8(')')));
}

#endif

/* What ends a scan. */
enum sb_stop {
    SB_STOP_NOT_HEX,  /* any byte but 0-9 a-f A-F */
    SB_STOP_ARG_END,  /* ',' or '{': where a first argument may end */
    SB_STOP_PAREN_NL, /* '(', ')' or '\n': the end of a frame's arguments */
};

static inline bool sb_stops(unsigned char c, enum sb_stop k)
{
    switch (k) {
    case SB_STOP_NOT_HEX:
        return !sb_is_hex_byte(c);
    case SB_STOP_ARG_END:
        return c == ',' || c == '{';
    default:
        return c == '(' || c == ')' || c == '\n';
    }
}

#if SB_SCAN_SSE2
/* Bit i set when byte i of the 16 at p stops a scan of kind k. */
static inline unsigned sb_stop_mask16(const char *p, enum sb_stop k)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    switch (k) {
    case SB_STOP_NOT_HEX:
        return ~sb_hex_mask16(v) & 0xFFFFu;
    case SB_STOP_ARG_END:
        return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('{'))));
    default:
        return sb_paren_mask16(v) |
               (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
    }
}
#endif

/* The offset from p of the first byte before end that stops a scan of
 * kind k, or end - p (lo <= p <= end). With SSE2: 16 bytes per step, and
 * fewer than 16 left are checked by the 16 that end at end, shifted past
 * the bytes before p. */
static inline size_t sb_scan(const char *lo, const char *p, const char *end, enum sb_stop k)
{
    const char *q = p;
#if SB_SCAN_SSE2
    for (; end - q >= 16; q += 16) {
        unsigned m = sb_stop_mask16(q, k);
        if (m)
            return (size_t)(q - p) + (size_t)__builtin_ctz(m);
    }
    if (q < end && end - lo >= 16) {
        unsigned m = sb_stop_mask16(end - 16, k) >> (16 - (unsigned)(end - q));
        return m ? (size_t)(q - p) + (size_t)__builtin_ctz(m) : (size_t)(end - p);
    }
#else
    (void)lo;
#endif
    while (q < end && !sb_stops((unsigned char)*q, k))
        q++;
    return (size_t)(q - p);
}

#if SB_SCAN_SSE2
/* The 16 bytes at p against those at text, w their wild bits. */
static inline bool sb_tmpl_block(const char *p, const char *text, unsigned w)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i t = _mm_loadu_si128((const __m128i *)(const void *)text);
    unsigned differ = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, t)) & 0xFFFFu;
    /* Most bytes are the template's: the hex digits are checked only
     * where some differ. */
    return !differ || (!(differ & ~w) && !(differ & ~sb_hex_mask16(v)));
}
#endif

/* Whether the n bytes at p are those of text, but where bit i of
 * wild[i / 16] is set (i % 16), which may be any hex digit instead (the
 * file line templates of lexer.h). With SSE2, 16 bytes a step, and the
 * last 16 bytes in one load that ends at n, whose wild bits are
 * wild_last: only the n bytes at p are read. */
static inline bool sb_tmpl_match(const char *p, const char *text, const uint16_t *wild,
                                 uint16_t wild_last, size_t n)
{
#if SB_SCAN_SSE2
    if (n >= 16) {
        size_t last = n - 16;
        for (size_t o = 0; o < last; o += 16)
            if (!sb_tmpl_block(p + o, text + o, wild[o / 16]))
                return false;
        return sb_tmpl_block(p + last, text + last, wild_last);
    }
#endif
    (void)wild_last;
    for (size_t i = 0; i < n; i++)
        if (p[i] != text[i] &&
            !((wild[i / 16] >> (i % 16) & 1u) && sb_is_hex_byte((unsigned char)p[i])))
            return false;
    return true;
}

/* Whether the n bytes at a and at b are the same: memcmp(a, b, n) == 0
 * inline, reading only those bytes (overlapping loads for the tail). The
 * lexer compares a name of 10 to 40 bytes per line, where the call into
 * libc and its dispatch on n cost more than the compare. */
static inline bool sb_bytes_eq(const char *a, const char *b, size_t n)
{
    uint64_t x, y, u, v;
    if (n >= 16) {
#if SB_SCAN_SSE2
        if (n <= 32) { /* most names: the first and the last 16 bytes */
            __m128i a0 = _mm_loadu_si128((const __m128i *)(const void *)a);
            __m128i b0 = _mm_loadu_si128((const __m128i *)(const void *)b);
            __m128i a1 = _mm_loadu_si128((const __m128i *)(const void *)(a + n - 16));
            __m128i b1 = _mm_loadu_si128((const __m128i *)(const void *)(b + n - 16));
            return _mm_movemask_epi8(
                       _mm_and_si128(_mm_cmpeq_epi8(a0, b0), _mm_cmpeq_epi8(a1, b1))) == 0xFFFF;
        }
        for (size_t i = 0;; i += 16) {
            if (i + 16 > n)
                i = n - 16;
            __m128i va = _mm_loadu_si128((const __m128i *)(const void *)(a + i));
            __m128i vb = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(va, vb)) != 0xFFFF)
                return false;
            if (i + 16 == n)
                return true;
        }
#else
        return memcmp(a, b, n) == 0;
#endif
    }
    if (n >= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        memcpy(&u, a + n - 8, 8);
        memcpy(&v, b + n - 8, 8);
        return ((x ^ y) | (u ^ v)) == 0;
    }
    if (n >= 4) {
        uint32_t x4, y4, u4, v4;
        memcpy(&x4, a, 4);
        memcpy(&y4, b, 4);
        memcpy(&u4, a + n - 4, 4);
        memcpy(&v4, b + n - 4, 4);
        return ((x4 ^ y4) | (u4 ^ v4)) == 0;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

#endif
