/* fuzz_common.h: shared by the libFuzzer targets and the regression replayer.
 * The parse helper runs input -> prefix -> lexer -> parser exactly like
 * main.c; the checkers assert the promises of escape.h on whole reports
 * (valid JSON, no raw terminal controls, no raw HTML) and abort() when one
 * is broken, so libFuzzer (or the replayer under ASan) reports a crash. */
#ifndef STACKBLAME_FUZZ_COMMON_H
#define STACKBLAME_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stackblame/input.h"
#include "stackblame/model.h"
#include "stackblame/parser.h"
#include "stackblame/prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fz_fail(const char *what, const char *out, size_t n, size_t at)
{
    size_t from = at > 40 ? at - 40 : 0;
    size_t to = at + 40 < n ? at + 40 : n;
    fprintf(stderr, "\nFUZZ INVARIANT BROKEN: %s at output byte %zu of %zu; around it:\n", what,
            at, n);
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fputc('\n', stderr);
    abort();
}

/* Parses one input (a file of the command line) into m. */
static inline void fz_parse_one(sb_parser *p, const char *name, const uint8_t *data, size_t size)
{
    char err[256];
    sb_input in;
    sb_input_open_mem(&in, name, (const char *)data, size);
    (void)sb_parse_input(p, &in, NULL, err, sizeof(err));
    sb_input_close(&in);
}

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[i] (strict: no overlongs, no
 * surrogates, <= U+10FFFF), 0 when invalid. cp receives the code point.
 * Written from the Unicode Standard's table of well-formed byte sequences
 * (Table 3-7: the allowed range of each byte, by the first), not the way
 * escape.c decodes (bit masks, then limits on the code point), so that
 * the oracle does not share that code's mistakes. */
static inline size_t fz_utf8(const unsigned char *s, size_t n, size_t i, unsigned *cp)
{
    /* First bytes, the length they start, and the range of the second. */
    static const struct {
        unsigned char lo, hi, len, second_lo, second_hi;
    } rows[] = {
        {0x00, 0x7f, 1, 0, 0},       {0xc2, 0xdf, 2, 0x80, 0xbf}, {0xe0, 0xe0, 3, 0xa0, 0xbf},
        {0xe1, 0xec, 3, 0x80, 0xbf}, {0xed, 0xed, 3, 0x80, 0x9f}, {0xee, 0xef, 3, 0x80, 0xbf},
        {0xf0, 0xf0, 4, 0x90, 0xbf}, {0xf1, 0xf3, 4, 0x80, 0xbf}, {0xf4, 0xf4, 4, 0x80, 0x8f},
    };
    unsigned char b = s[i];
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        if (b < rows[r].lo || b > rows[r].hi)
            continue;
        size_t len = rows[r].len;
        if (n - i < len)
            return 0;
        if (len > 1 && (s[i + 1] < rows[r].second_lo || s[i + 1] > rows[r].second_hi))
            return 0;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xbf)
                return 0;
        /* The payload bits: 7, 5, 4 or 3 of the first byte, 6 of each other. */
        unsigned v = b & (len == 1 ? 0x7fu : 0x7fu >> len);
        for (size_t k = 1; k < len; k++)
            v = v * 64 + (s[i + k] - 0x80u);
        *cp = v;
        return len;
    }
    return 0; /* 80..C1 and F5..FF start nothing */
}

/* What must never reach a terminal or a rendered ticket raw (escape.c's
 * sb_dangerous, restated here so the check does not trust the code under test). */
static inline bool fz_dangerous(unsigned cp)
{
    return (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
           cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* Text and Markdown reports: valid UTF-8, no controls but \n and \t, no bidi
 * controls. (The text report is produced with color off: no ESC at all.) */
static inline void fz_check_text(const char *what, const char *out, size_t n)
{
    const unsigned char *s = (const unsigned char *)out;
    size_t i = 0;
    while (i < n) {
        unsigned cp;
        size_t len = fz_utf8(s, n, i, &cp);
        if (len == 0)
            fz_fail(what, out, n, i); /* invalid UTF-8 */
        if (fz_dangerous(cp))
            fz_fail(what, out, n, i); /* raw control / bidi */
        i += len;
    }
}

/* Markdown also must not carry raw HTML that came from the input. */
static inline void fz_check_markdown(const char *out, size_t n)
{
    fz_check_text("markdown: invalid UTF-8 or raw control", out, n);
    static const char needle[] = "<script";
    for (size_t i = 0; i + sizeof(needle) - 1 <= n; i++) {
        size_t k = 0;
        while (k < sizeof(needle) - 1 && (out[i + k] | 0x20) == needle[k])
            k++;
        if (k == sizeof(needle) - 1)
            fz_fail("markdown: raw <script", out, n, i);
    }
}

/* ---- JSON (RFC 8259), a strict recursive-descent validator ---------------- */

typedef struct fz_json {
    const unsigned char *s;
    size_t n, i;
    int depth;
} fz_json;

static inline void fz_ws(fz_json *j)
{
    while (j->i < j->n &&
           (j->s[j->i] == ' ' || j->s[j->i] == '\n' || j->s[j->i] == '\r' || j->s[j->i] == '\t'))
        j->i++;
}

static inline bool fz_json_value(fz_json *j);

static inline bool fz_json_string(fz_json *j)
{
    if (j->i >= j->n || j->s[j->i] != '"')
        return false;
    j->i++;
    while (j->i < j->n) {
        unsigned char c = j->s[j->i];
        if (c == '"') {
            j->i++;
            return true;
        }
        if (c < 0x20)
            return false; /* raw control byte inside a string */
        if (c == '\\') {
            if (++j->i >= j->n)
                return false;
            c = j->s[j->i];
            if (c == 'u') {
                for (int k = 1; k <= 4; k++) {
                    if (j->i + (size_t)k >= j->n)
                        return false;
                    unsigned char h = j->s[j->i + (size_t)k];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
                          (h >= 'A' && h <= 'F')))
                        return false;
                }
                j->i += 5;
            } else if (strchr("\"\\/bfnrt", c) && c) {
                j->i++;
            } else {
                return false;
            }
            continue;
        }
        unsigned cp;
        size_t len = fz_utf8(j->s, j->n, j->i, &cp);
        if (len == 0)
            return false; /* invalid UTF-8 */
        j->i += len;
    }
    return false;
}

static inline bool fz_json_number(fz_json *j)
{
    size_t st = j->i;
    if (j->i < j->n && j->s[j->i] == '-')
        j->i++;
    if (j->i >= j->n)
        return false;
    if (j->s[j->i] == '0') {
        j->i++;
    } else if (j->s[j->i] >= '1' && j->s[j->i] <= '9') {
        while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
            j->i++;
    } else {
        return false;
    }
    if (j->i < j->n && j->s[j->i] == '.') {
        j->i++;
        size_t d = j->i;
        while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
            j->i++;
        if (d == j->i)
            return false;
    }
    if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
        j->i++;
        if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
            j->i++;
        size_t d = j->i;
        while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
            j->i++;
        if (d == j->i)
            return false;
    }
    return j->i > st;
}

static inline bool fz_json_lit(fz_json *j, const char *lit)
{
    size_t l = strlen(lit);
    if (j->n - j->i < l || memcmp(j->s + j->i, lit, l) != 0)
        return false;
    j->i += l;
    return true;
}

static inline bool fz_json_value(fz_json *j)
{
    fz_ws(j);
    if (j->i >= j->n || ++j->depth > 512)
        return false;
    bool ok;
    unsigned char c = j->s[j->i];
    if (c == '{') {
        j->i++;
        fz_ws(j);
        ok = true;
        if (j->i < j->n && j->s[j->i] == '}') {
            j->i++;
        } else {
            for (;;) {
                fz_ws(j);
                if (!fz_json_string(j)) {
                    ok = false;
                    break;
                }
                fz_ws(j);
                if (j->i >= j->n || j->s[j->i] != ':') {
                    ok = false;
                    break;
                }
                j->i++;
                if (!fz_json_value(j)) {
                    ok = false;
                    break;
                }
                fz_ws(j);
                if (j->i < j->n && j->s[j->i] == ',') {
                    j->i++;
                    continue;
                }
                ok = j->i < j->n && j->s[j->i] == '}';
                j->i++;
                break;
            }
        }
    } else if (c == '[') {
        j->i++;
        fz_ws(j);
        ok = true;
        if (j->i < j->n && j->s[j->i] == ']') {
            j->i++;
        } else {
            for (;;) {
                if (!fz_json_value(j)) {
                    ok = false;
                    break;
                }
                fz_ws(j);
                if (j->i < j->n && j->s[j->i] == ',') {
                    j->i++;
                    continue;
                }
                ok = j->i < j->n && j->s[j->i] == ']';
                j->i++;
                break;
            }
        }
    } else if (c == '"') {
        ok = fz_json_string(j);
    } else if (c == 't') {
        ok = fz_json_lit(j, "true");
    } else if (c == 'f') {
        ok = fz_json_lit(j, "false");
    } else if (c == 'n') {
        ok = fz_json_lit(j, "null");
    } else {
        ok = fz_json_number(j);
    }
    j->depth--;
    return ok;
}

/* The whole JSON report: exactly one valid JSON value (an object), valid
 * UTF-8 inside strings, no raw byte < 0x20 anywhere but whitespace. */
static inline void fz_check_json(const char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c < 0x20 && c != '\n')
            fz_fail("json: raw control byte", out, n, i);
    }
    fz_json j = {(const unsigned char *)out, n, 0, 0};
    fz_ws(&j);
    if (j.i >= n || out[j.i] != '{')
        fz_fail("json: does not start with an object", out, n, j.i);
    if (!fz_json_value(&j))
        fz_fail("json: syntax error / invalid UTF-8 in a string", out, n, j.i < n ? j.i : n);
    fz_ws(&j);
    if (j.i != n)
        fz_fail("json: trailing bytes after the value", out, n, j.i);
}

#endif
