/* span.h: a pointer and a length into the input; lines are never copied
 * or NUL-terminated on the hot path. */
#ifndef STACKBLAME_SPAN_H
#define STACKBLAME_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct sb_span {
    const char *p;
    size_t n;
} sb_span;

static inline sb_span sb_span_make(const char *p, size_t n)
{
    sb_span s = {p, n};
    return s;
}

static inline bool sb_span_starts(sb_span s, const char *lit, size_t litlen)
{
    return s.n >= litlen && memcmp(s.p, lit, litlen) == 0;
}
#define SB_STARTS(s, lit) sb_span_starts((s), (lit), sizeof(lit) - 1)

static inline bool sb_span_ends(sb_span s, const char *lit, size_t litlen)
{
    return s.n >= litlen && memcmp(s.p + s.n - litlen, lit, litlen) == 0;
}
#define SB_ENDS(s, lit) sb_span_ends((s), (lit), sizeof(lit) - 1)

static inline sb_span sb_span_trim(sb_span s)
{
    while (s.n && (*s.p == ' ' || *s.p == '\t'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

#endif
