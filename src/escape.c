/* escape.c: output escaping for each report format; see escape.h. */
#include "stackblame/escape.h"

#include <stdbool.h>
#include <stdlib.h>
#include "stackblame/arena.h"
#include "stackblame/scan.h"

size_t sb_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        len = 2, min = 0x80, c &= 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, min = 0x800, c &= 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0; /* overlong, out of range, or a surrogate */
    *cp = c;
    return len;
}

/* Code points that must never reach a terminal or a viewer raw. */
static bool sb_dangerous(unsigned cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || /* C0, DEL, C1 */
           cp == 0x061c || cp == 0x200e || cp == 0x200f ||          /* bidi marks */
           (cp >= 0x202a && cp <= 0x202e) ||                        /* bidi embeddings/overrides */
           (cp >= 0x2066 && cp <= 0x2069) ||                        /* bidi isolates */
           cp == 0xfeff;                                            /* BOM / zero-width no-break */
}

void sb_put_text(FILE *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '\\')
            run++;
        if (run > i) {
            fwrite(s + i, 1, run - i, out);
            i = run;
            continue;
        }
        unsigned cp;
        size_t len = sb_utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            fprintf(out, "\\x%02x", s[i]);
            i++;
        } else if (cp == '\\') {
            fputs("\\\\", out);
            i++;
        } else if (cp == '\t') {
            fputs("\\t", out);
            i++;
        } else if (sb_dangerous(cp)) {
            if (cp < 0x80)
                fprintf(out, "\\x%02x", cp);
            else
                fprintf(out, "\\u{%04x}", cp);
            i += len;
        } else {
            fwrite(s + i, 1, len, out);
            i += len;
        }
    }
}

/* Bytes that JSON text takes as they are: printable ASCII but '"' and '\'.
 * Every other byte goes through the UTF-8 decoder below. */
// clang-format off
#define R8(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1, \
              [c + 4] = 1, [c + 5] = 1, [c + 6] = 1, [c + 7] = 1
static const bool json_plain[256] = {
    [0x20] = 1, [0x21] = 1, /* 0x22 '"' */ [0x23] = 1, [0x24] = 1, [0x25] = 1,
    [0x26] = 1, [0x27] = 1, R8(0x28), R8(0x30), R8(0x38), R8(0x40), R8(0x48), R8(0x50),
    [0x58] = 1, [0x59] = 1, [0x5a] = 1, [0x5b] = 1, /* 0x5c '\\' */ [0x5d] = 1,
    [0x5e] = 1, [0x5f] = 1, R8(0x60), R8(0x68), R8(0x70),
    [0x78] = 1, [0x79] = 1, [0x7a] = 1, [0x7b] = 1, [0x7c] = 1, [0x7d] = 1, [0x7e] = 1,
};
#undef R8
// clang-format on

#if SB_SCAN_SSE2
/* Whether the 16 bytes at p are all json_plain: 0x20-0x7e (signed
 * compares: bytes from 0x80 up are negative) but '"' and '\\'. */
static bool json_plain16(const char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i in = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x1f)),
                               _mm_cmplt_epi8(v, _mm_set1_epi8(0x7f)));
    __m128i out =
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    return _mm_movemask_epi8(_mm_andnot_si128(out, in)) == 0xFFFF;
}
#endif

bool sb_json_plain(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
#if SB_SCAN_SSE2
    /* 16 at a time, the last 16 ending at n (they may overlap the block
     * before: a byte tested twice is still plain): each distinct string a
     * JSON report writes is checked here once, stacks' argument texts the
     * longest. The byte loop below gives the same answer for any n. */
    if (n >= 16) {
        for (; i + 16 <= n; i += 16)
            if (!json_plain16(str + i))
                return false;
        return i == n || json_plain16(str + n - 16);
    }
#endif
    for (; i < n; i++)
        if (!json_plain[s[i]])
            return false;
    return true;
}

void sb_out_json(sb_outbuf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && json_plain[s[run]])
            run++;
        if (run > i) {
            sb_out_put(out, s + i, run - i);
            i = run;
            continue;
        }
        unsigned cp;
        size_t len = sb_utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            sb_out_str(out, "\\ufffd");
            i++;
            continue;
        }
        switch (cp) {
        case '"':
            sb_out_str(out, "\\\"");
            break;
        case '\\':
            sb_out_str(out, "\\\\");
            break;
        case '\n':
            sb_out_str(out, "\\n");
            break;
        case '\t':
            sb_out_str(out, "\\t");
            break;
        default:
            if (sb_dangerous(cp))
                sb_out_printf(out, "\\u%04x", cp);
            else
                sb_out_put(out, s + i, len);
        }
        i += len;
    }
}

void sb_put_json(FILE *out, const char *s, size_t n)
{
    sb_outbuf *o = sb_xmalloc(sizeof(*o));
    o->f = out;
    o->n = 0;
    o->flushes = 0;
    sb_out_json(o, s, n);
    sb_out_flush(o);
    free(o);
}

void sb_put_html(FILE *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned cp;
        size_t len = sb_utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            fprintf(out, "\\x%02x", s[i]);
            i++;
            continue;
        }
        if (cp == '<')
            fputs("&lt;", out);
        else if (cp == '>')
            fputs("&gt;", out);
        else if (cp == '&')
            fputs("&amp;", out);
        else if (cp == '`')
            fputs("&#96;", out);
        else if (sb_dangerous(cp) && cp != '\t')
            fprintf(out, cp < 0x80 ? "\\x%02x" : "\\u{%04x}", cp);
        else
            fwrite(s + i, 1, len, out);
        i += len;
    }
}

/* Characters that Markdown (CommonMark and GitHub's flavour) gives meaning. */
static bool sb_md_special(unsigned char c)
{
    switch (c) {
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '(':
    case ')':
    case '#':
    case '|':
    case '!':
    case '~':
    case '{':
    case '}':
    case '<':
    case '>':
    case '&':
        return true;
    default:
        return false;
    }
}

void sb_put_markdown(FILE *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && !sb_md_special(s[run]))
            run++;
        if (run > i) {
            sb_put_html(out, str + i, run - i);
            i = run;
            continue;
        }
        if (s[i] == '<' || s[i] == '>' || s[i] == '&')
            sb_put_html(out, str + i, 1); /* as entities: no raw HTML in a ticket */
        else
            fprintf(out, "\\%c", s[i]);
        i++;
    }
}
