/* fit.c: text lines fitted to a terminal's width; see report.h. A line
 * too wide first loses the middle of its longest words (a Go function
 * name keeps its package and its method: "k8s.io/kube…/pleg.(*Generic
 * PLEG).relist" reads better cut in the middle than at the end), then,
 * if still too wide, its end. Colour codes take no column and are kept
 * whole; a line cut short ends with the reset code when it had any. */
#include <string.h>
#include "stackblame/escape.h"
#include "stackblame/report.h"

#define ELLIPSIS     "\xe2\x80\xa6" /* U+2026, one column */
#define WORD_KEEP    16             /* columns a shortened word keeps, ellipsis included */
#define MAX_FIT_LINE 4096           /* longer lines are written as they are */

/* One column or a colour code (no column) at s: its length in bytes. */
static size_t cell(const char *s, size_t n, bool *code)
{
    *code = false;
    if (s[0] == '\033' && n > 1 && s[1] == '[') {
        size_t i = 2;
        while (i < n && s[i] != 'm')
            i++;
        *code = true;
        return i < n ? i + 1 : n;
    }
    unsigned cp;
    size_t k = sb_utf8_decode((const unsigned char *)s, n, &cp);
    return k ? k : 1;
}

static size_t columns(const char *s, size_t n)
{
    size_t w = 0;
    bool code;
    for (size_t i = 0; i < n;) {
        i += cell(s + i, n - i, &code);
        w += !code;
    }
    return w;
}

/* The byte offset after the first `cols` columns of s. */
static size_t skip_columns(const char *s, size_t n, size_t cols)
{
    size_t i = 0;
    bool code;
    while (i < n && cols > 0) {
        size_t k = cell(s + i, n - i, &code);
        cols -= !code;
        i += k;
    }
    return i;
}

/* The longest space-separated word of line[0..n): its start and length. */
static size_t longest_word(const char *line, size_t n, size_t *at)
{
    size_t best = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && line[i] == ' ')
            i++;
        size_t j = i;
        while (j < n && line[j] != ' ')
            j++;
        size_t w = columns(line + i, j - i);
        if (w > best) {
            best = w;
            *at = i;
        }
        i = j;
    }
    return best;
}

/* Cuts the middle of the word at buf[at], `cols` columns wide, so that the
 * line loses `excess` columns (never below WORD_KEEP). Returns the new
 * length of buf. */
static size_t cut_word(char *buf, size_t n, size_t at, size_t cols, size_t excess)
{
    size_t keep = cols > excess + WORD_KEEP ? cols - excess : WORD_KEEP;
    size_t head = (keep - 1) / 2, tail = keep - 1 - head;
    size_t len = skip_columns(buf + at, n - at, cols);
    size_t h = skip_columns(buf + at, len, head);
    size_t t = skip_columns(buf + at, len, cols - tail);
    size_t e = sizeof(ELLIPSIS) - 1;
    memmove(buf + at + h + e, buf + at + t, n - at - t);
    memcpy(buf + at + h, ELLIPSIS, e);
    return n - (t - h) + e;
}

static void fit_line(FILE *out, const char *line, size_t n, size_t width)
{
    char buf[MAX_FIT_LINE + 8];
    if (n > MAX_FIT_LINE || columns(line, n) <= width) {
        fwrite(line, 1, n, out);
        return;
    }
    memcpy(buf, line, n);
    size_t cols, at = 0, word;
    while ((cols = columns(buf, n)) > width && (word = longest_word(buf, n, &at)) > WORD_KEEP)
        n = cut_word(buf, n, at, word, cols - width);
    if (cols <= width) {
        fwrite(buf, 1, n, out);
        return;
    }
    size_t end = skip_columns(buf, n, width - 1);
    fwrite(buf, 1, end, out);
    fputs(ELLIPSIS, out);
    if (memchr(buf, '\033', n))
        fputs("\033[0m", out);
}

void sb_fit_lines(FILE *out, const char *text, size_t n, size_t width)
{
    while (n > 0) {
        const char *nl = memchr(text, '\n', n);
        size_t len = nl ? (size_t)(nl - text) : n;
        fit_line(out, text, len, width);
        if (!nl)
            break;
        fputc('\n', out);
        text += len + 1;
        n -= len + 1;
    }
}
