/* lexer.c: classifies one line of a Go dump; see lexer.h. No regex and no
 * allocation: a switch on the first byte, then hand-written checks, since
 * this runs once per input line. */
#define _GNU_SOURCE /* memmem */
#include "stackblame/lexer.h"

#include <limits.h>
#include <string.h>
#include "stackblame/scan.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Hex digits for the byte-at-a-time checks; the long runs (the fp= sp= pc=
 * tails of file lines) go through sb_scan. */
static const bool sb_hex_digit[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
};

static bool is_hex(char c)
{
    return sb_hex_digit[(unsigned char)c];
}

/* Parses decimal digits at s[*i]; saturates and flags overflow past 64 bits.
 * The first 19 digits cannot overflow and skip the check (line numbers,
 * ids: one multiply-add per digit). */
static inline bool parse_u64(sb_span s, size_t *i, uint64_t *out, bool *overflow)
{
    size_t j = *i, easy = s.n - j > 19 ? j + 19 : s.n;
    uint64_t v = 0;
    while (j < easy && is_digit(s.p[j]))
        v = v * 10 + (unsigned)(s.p[j++] - '0');
    if (j == *i)
        return false;
    bool ovf = false;
    for (; j < s.n && is_digit(s.p[j]); j++) {
        unsigned d = (unsigned)(s.p[j] - '0');
        if (ovf || v > (UINT64_MAX - d) / 10) {
            ovf = true;
            v = UINT64_MAX;
        } else {
            v = v * 10 + d;
        }
    }
    *i = j;
    *out = v;
    if (overflow)
        *overflow = ovf;
    return true;
}

static uint32_t clamp_u32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Strips "KEY0xHEX" from the end of s (KEY like " pc=", " +" or "+").
 * Every file line has up to four of these. Hex digits hold no 'x', so
 * memrchr finds the "0x", and the digits after it are checked by sb_scan. */
static bool strip_hex_suffix(sb_span *s, const char *key, size_t keylen)
{
    const char *x = s->n ? memrchr(s->p, 'x', s->n) : NULL;
    if (!x)
        return false;
    size_t at = (size_t)(x - s->p); /* the 'x' of "0x" */
    if (at + 1 >= s->n || at < keylen + 1 || s->p[at - 1] != '0' ||
        memcmp(s->p + at - 1 - keylen, key, keylen) != 0)
        return false;
    if (sb_scan(s->p, s->p + at + 1, s->p + s->n, SB_STOP_NOT_HEX) != s->n - at - 1)
        return false;
    s->n = at - 1 - keylen;
    return true;
}
#define STRIP_HEX(s, lit) strip_hex_suffix((s), (lit), sizeof(lit) - 1)

/* `goroutine N [ gp=.. m=.. mp=..] [state, N minutes, locked to thread]:` */
static bool lex_header(sb_span s, sb_token *t)
{
    size_t i = sizeof("goroutine ") - 1;
    uint64_t id = 0;
    bool ovf = false;
    if (!parse_u64(s, &i, &id, &ovf))
        return false;
    /* Go 1.22+ traceback level 2 adds gp=, m=, mp= words before the bracket. */
    while (i + 1 < s.n && s.p[i] == ' ' && s.p[i + 1] != '[') {
        size_t j = i + 1;
        while (j < s.n && s.p[j] != ' ' && s.p[j] != '=')
            j++;
        if (j >= s.n || s.p[j] != '=')
            return false;
        while (j < s.n && s.p[j] != ' ')
            j++;
        i = j;
    }
    if (i + 1 >= s.n || s.p[i] != ' ' || s.p[i + 1] != '[')
        return false;
    i += 2;
    size_t end = s.n;
    while (end > i && s.p[end - 1] != ']')
        end--;
    if (end == i) /* no closing bracket: a header cut short */
        end = s.n;
    else
        end--;

    t->kind = SB_TOK_HEADER;
    t->u.header.id = id;
    t->u.header.id_overflow = ovf;
    t->u.header.minutes = -1;
    t->u.header.locked = t->u.header.scan = t->u.header.leaked = false;
    t->u.header.labels = sb_span_make(NULL, 0);
    t->u.header.state = sb_span_make(s.p + i, 0); /* "goroutine 1 []:" has none */

    /* Items separated by ", " at brace depth 0; the first is the state. */
    bool first = true;
    while (i < end) {
        size_t j = i;
        int depth = 0;
        while (j < end) {
            char c = s.p[j];
            if (c == '{')
                depth++;
            else if (c == '}' && depth > 0)
                depth--;
            else if (c == ',' && depth == 0)
                break;
            j++;
        }
        sb_span item = sb_span_trim(sb_span_make(s.p + i, j - i));
        if (first) {
            if (SB_ENDS(item, " (scan)")) {
                t->u.header.scan = true;
                item.n -= sizeof(" (scan)") - 1;
            }
            if (SB_ENDS(item, " (leaked)")) {
                t->u.header.leaked = true;
                item.n -= sizeof(" (leaked)") - 1;
            }
            if (item.n == 6 && memcmp(item.p, "leaked", 6) == 0)
                t->u.header.leaked = true;
            t->u.header.state = item;
            first = false;
        } else if (SB_ENDS(item, " minutes") || SB_ENDS(item, " minute")) {
            size_t k = 0;
            uint64_t m = 0;
            if (parse_u64(item, &k, &m, NULL) && item.p[k] == ' ')
                t->u.header.minutes = m > INT32_MAX ? INT32_MAX : (int32_t)m;
        } else if (SB_STARTS(item, "locked to thread")) {
            t->u.header.locked = true;
        } else if (SB_STARTS(item, "labels:") || SB_STARTS(item, "{")) {
            t->u.header.labels = item;
        }
        i = j + 1;
    }
    return true;
}

/* FUNC(ARGS): the args are the last balanced parenthesis group, since the
 * function name itself may hold parentheses: pkg.(*T).Method(0x1). */
static bool lex_frame(sb_span s, sb_token *t)
{
    size_t j = s.n - 1; /* s.p[j] == ')' */
    /* Go prints no parentheses inside arguments: the last '(' opens them
     * unless a ')' stands between; then count depth from the end. */
    const char *open = memrchr(s.p, '(', j);
    if (open && !memchr(open + 1, ')', (size_t)(s.p + j - open - 1))) {
        j = (size_t)(open - s.p);
    } else {
        int depth = 0;
        for (;;) {
            char c = s.p[j];
            if (c == ')')
                depth++;
            else if (c == '(' && --depth == 0)
                break;
            if (j == 0)
                return false;
            j--;
        }
    }
    if (j == 0 || memchr(s.p, ' ', j) || memchr(s.p, '\t', j))
        return false; /* prose that happens to end in ')' */
    t->kind = SB_TOK_FRAME;
    t->u.frame.func = sb_span_make(s.p, j);
    t->u.frame.args = sb_span_make(s.p + j + 1, s.n - j - 2);
    return true;
}

/* FILE:LINE[ +0xOFF][ fp=0x.. sp=0x.. pc=0x..] or cgo's FILE:LINE pc=0x.. */
static bool lex_file(sb_span s, sb_token *t)
{
    sb_span r = s;
    if (STRIP_HEX(&r, " pc=")) {
        STRIP_HEX(&r, " sp=");
        STRIP_HEX(&r, " fp=");
    }
    bool off = STRIP_HEX(&r, " +");
    size_t j = r.n;
    while (j > 0 && is_digit(r.p[j - 1]))
        j--;
    if (j == r.n || j < 2 || r.p[j - 1] != ':')
        return false;
    size_t k = j;
    uint64_t line = 0;
    parse_u64(r, &k, &line, NULL);
    t->kind = SB_TOK_FILE;
    t->u.file.file = sb_span_make(r.p, j - 1);
    t->u.file.line = clamp_u32(line);
    t->u.file.has_offset = off;
    return true;
}

static bool lex_created_by(sb_span s, sb_token *t)
{
    sb_span f = sb_span_make(s.p + 11, s.n - 11); /* after "created by " */
    uint64_t parent = 0;
    static const char in_g[] = " in goroutine ";
    const size_t ilen = sizeof(in_g) - 1;
    size_t j = f.n;
    while (j > 0 && is_digit(f.p[j - 1]))
        j--;
    if (j < f.n && j >= ilen && memcmp(f.p + j - ilen, in_g, ilen) == 0) {
        size_t k = j;
        parse_u64(f, &k, &parent, NULL);
        f.n = j - ilen;
    }
    t->kind = SB_TOK_CREATED_BY;
    t->u.created.func = f;
    t->u.created.parent = parent;
    return true;
}

/* `...additional frames elided...` (<= 1.20) or `...N frames elided...` (1.21+) */
static bool lex_elided(sb_span s, sb_token *t)
{
    if (!SB_ENDS(s, " elided..."))
        return false;
    size_t i = 3;
    uint64_t n = 0;
    if (!parse_u64(s, &i, &n, NULL) && !SB_STARTS(s, "...additional frames"))
        return false;
    t->kind = SB_TOK_ELIDED;
    t->u.elided.count = clamp_u32(n);
    return true;
}

/* `COUNT @ 0xPC 0xPC ...` */
static bool lex_record(sb_span s, sb_token *t)
{
    size_t i = 0;
    uint64_t n = 0;
    if (!parse_u64(s, &i, &n, NULL) || i + 1 >= s.n || s.p[i] != ' ' || s.p[i + 1] != '@')
        return false;
    for (i += 2; i < s.n; i++) {
        char c = s.p[i];
        if (c != ' ' && c != 'x' && !is_hex(c))
            return false;
    }
    t->kind = SB_TOK_RECORD;
    t->u.record.count = n;
    return true;
}

/* `#	0xPC	pkg.F+0xOFF	/file.go:LINE`; fields are split on runs of blanks,
 * the file (which may hold spaces) is the rest of the line. */
static bool lex_record_frame(sb_span s, sb_token *t)
{
    size_t i = 1;
    while (i < s.n && (s.p[i] == '\t' || s.p[i] == ' '))
        i++;
    if (i + 2 >= s.n || s.p[i] != '0' || s.p[i + 1] != 'x')
        return false;
    while (i < s.n && s.p[i] != '\t' && s.p[i] != ' ')
        i++;
    while (i < s.n && (s.p[i] == '\t' || s.p[i] == ' '))
        i++;
    size_t f0 = i;
    while (i < s.n && s.p[i] != '\t' && s.p[i] != ' ')
        i++;
    sb_span func = sb_span_make(s.p + f0, i - f0);
    STRIP_HEX(&func, "+");
    while (i < s.n && (s.p[i] == '\t' || s.p[i] == ' '))
        i++;
    t->kind = SB_TOK_RECORD_FRAME;
    t->u.rframe.func = func;
    t->u.rframe.file = sb_span_make(NULL, 0);
    t->u.rframe.line = 0;
    sb_token ft;
    if (i < s.n && lex_file(sb_span_make(s.p + i, s.n - i), &ft)) {
        t->u.rframe.file = ft.u.file.file;
        t->u.rframe.line = ft.u.file.line;
    }
    return func.n > 0;
}

/* A register line of a signal dump: `rax    0x0`, `r8  0x1`, `lr  0x4`. */
static bool lex_register(sb_span s)
{
    size_t i = 0;
    while (i < s.n && i < 8 && ((s.p[i] >= 'a' && s.p[i] <= 'z') || is_digit(s.p[i])))
        i++;
    if (i == 0 || i >= s.n || (s.p[i] != ' ' && s.p[i] != '\t'))
        return false;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    if (i + 2 >= s.n || s.p[i] != '0' || s.p[i + 1] != 'x')
        return false;
    for (i += 2; i < s.n; i++)
        if (!is_hex(s.p[i]))
            return false;
    return true;
}

/* Lines around the goroutines that the runtime prints: data, not code. */
static const struct {
    const char *prefix;
    enum sb_tok kind;
} sb_known_lines[] = {
    {"fatal error: ", SB_TOK_FATAL},
    {"runtime stack:", SB_TOK_RUNTIME_STACK},
    {"PC=0x", SB_TOK_PREAMBLE},
    {"[signal ", SB_TOK_PREAMBLE},
    {"runtime: ", SB_TOK_PREAMBLE},
    {"traceback: ", SB_TOK_PREAMBLE},
    {"signal arrived during ", SB_TOK_PREAMBLE},
    {"unexpected fault address ", SB_TOK_PREAMBLE},
    {"unexpected signal ", SB_TOK_PREAMBLE},
    {"fatal: morestack", SB_TOK_PREAMBLE},
    {"WARNING: DATA RACE", SB_TOK_RACE_BEGIN},
    {"goroutine profile: total ", SB_TOK_PROFILE},
    {"goroutineleak profile: total ", SB_TOK_PROFILE},
    {"non-Go function", SB_TOK_NONGO},
    {"goroutine running on other thread", SB_TOK_OTHER_THREAD},
    {"exit status ", SB_TOK_EXIT_STATUS},
    {"# labels: ", SB_TOK_RECORD_LABELS},
};

static bool lex_known(sb_span s, sb_token *t)
{
    for (size_t k = 0; k < sizeof(sb_known_lines) / sizeof(sb_known_lines[0]); k++) {
        size_t n = strlen(sb_known_lines[k].prefix);
        if (s.n >= n && memcmp(s.p, sb_known_lines[k].prefix, n) == 0) {
            t->kind = sb_known_lines[k].kind;
            if (t->kind == SB_TOK_PROFILE) {
                size_t i = n;
                uint64_t total = 0;
                parse_u64(s, &i, &total, NULL);
                t->u.record.count = total;
            }
            return true;
        }
    }
    return false;
}

/* `SIGQUIT: quit`, `SIGSEGV: segmentation violation`, `^\SIGQUIT: quit` */
static bool lex_signal(sb_span s)
{
    size_t i = 0;
    if (SB_STARTS(s, "^\\"))
        i = 2;
    if (s.n < i + 5 || memcmp(s.p + i, "SIG", 3) != 0)
        return false;
    i += 3;
    size_t j = i;
    while (j < s.n && ((s.p[j] >= 'A' && s.p[j] <= 'Z') || is_digit(s.p[j])))
        j++;
    return j > i && j + 1 < s.n && s.p[j] == ':' && s.p[j + 1] == ' ';
}

static bool all_same(sb_span s, char c, size_t min)
{
    if (s.n < min)
        return false;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] != c)
            return false;
    return true;
}

/* The first bytes lex_first_byte has a case for (keep the two in step);
 * the other lines, most frame and file lines, skip the call. */
static const bool sb_first_byte_lines[256] = {
    ['g'] = 1, ['c'] = 1, ['.'] = 1, ['['] = 1, ['p'] = 1, ['#'] = 1,
    ['-'] = 1, ['='] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
    ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
};

/* The lines told apart by their first byte. Returns true when one of
 * them claimed s (t is filled), false when s is none of them. */
static bool lex_first_byte(sb_span s, bool indented, sb_token *t)
{
    switch (s.p[0]) {
    case 'g':
        return SB_STARTS(s, "goroutine ") && s.n > 10 && is_digit(s.p[10]) && lex_header(s, t);
    case 'c':
        return SB_STARTS(s, "created by ") && s.n > 11 && lex_created_by(s, t);
    case '.':
        return lex_elided(s, t);
    case '[':
        if (!SB_STARTS(s, "[originating from goroutine "))
            return false;
        t->kind = SB_TOK_ANCESTOR;
        return true;
    case 'p':
        if (!SB_STARTS(s, "panic: "))
            return false;
        t->kind = indented ? SB_TOK_PANIC_NESTED : SB_TOK_PANIC;
        return true;
    case '#':
        return s.n > 1 && (s.p[1] == '\t' || s.p[1] == ' ') && lex_record_frame(s, t);
    case '-':
        if (!all_same(s, '-', 5))
            return false;
        t->kind = SB_TOK_SEPARATOR;
        return true;
    case '=':
        if (!all_same(s, '=', 10))
            return false;
        t->kind = SB_TOK_RACE_RULE;
        return true;
    default:
        return is_digit(s.p[0]) && lex_record(s, t);
    }
}

/* The trimmed line, or false when it is blank or claimed by its first byte. */
static bool begin_line(sb_span line, sb_span *s, bool *indented, sb_token *t)
{
    /* Built in registers and stored once: reading *s back right after
     * storing it would stall every line on store-to-load forwarding. */
    bool ind = line.n && (line.p[0] == '\t' || line.p[0] == ' ');
    sb_span trimmed = sb_span_trim(line);
    *indented = ind;
    *s = trimmed;
    t->text = trimmed;
    if (trimmed.n == 0) {
        t->kind = SB_TOK_BLANK;
        return false;
    }
    t->kind = SB_TOK_OTHER;
    return !sb_first_byte_lines[(unsigned char)trimmed.p[0]] || !lex_first_byte(trimmed, ind, t);
}

/* Everything after the first byte's lines, in the order that keeps
 * look-alikes apart. */
static void lex_rest(sb_span s, bool indented, sb_token *t)
{
    if (s.p[s.n - 1] == ')' && lex_frame(s, t))
        return;
    if (is_hex(s.p[s.n - 1]) && lex_file(s, t)) {
        /* Go indents file lines; logs sometimes lose the tab. Unindented,
         * a "file" with blanks and no +0x offset is prose ("listening on :80"). */
        if (indented || t->u.file.has_offset || !memchr(t->u.file.file.p, ' ', t->u.file.file.n))
            return;
        t->kind = SB_TOK_OTHER;
    }
    if (lex_known(s, t))
        return;
    if (lex_signal(s)) {
        t->kind = SB_TOK_SIGNAL;
        return;
    }
    if (lex_register(s))
        t->kind = SB_TOK_REGISTER;
}

static bool digits_at(sb_span s, size_t at, size_t n)
{
    if (s.n < at + n)
        return false;
    for (size_t i = at; i < at + n; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
    return true;
}

sb_span sb_lex_skip_colors(sb_span s)
{
    for (;;) {
        size_t i = 0;
        if (i < s.n && s.p[i] == '\033')
            i++;
        else if (s.n >= 2 && s.p[0] == '^' && s.p[1] == '[')
            i += 2;
        if (i >= s.n || s.p[i] != '[')
            return s;
        size_t j = i + 1;
        while (j < s.n && ((s.p[j] >= '0' && s.p[j] <= '9') || s.p[j] == ';'))
            j++;
        if (j >= s.n || s.p[j] != 'm' || j == i + 1)
            return s;
        s = sb_span_make(s.p + j + 1, s.n - j - 1);
    }
}

bool sb_lex_log_fatal(sb_span s)
{
    /* klog/glog: "Fmmdd hh:mm:ss.uuuuuu threadid file:line] msg" */
    if (s.n > 9 && s.p[0] == 'F' && digits_at(s, 1, 4) && s.p[5] == ' ' && digits_at(s, 6, 2) &&
        s.p[8] == ':' && memchr(s.p, ']', s.n))
        return true;
    if (s.n >= 5 && memcmp(s.p, "FATA[", 5) == 0)
        return true;
    static const char *const marks[] = {"level=fatal ", "\tFATAL\t", "\"level\":\"fatal\""};
    for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
        if (memmem(s.p, s.n, marks[k], strlen(marks[k])))
            return true;
    return false;
}

void sb_lex(sb_span line, sb_token *t)
{
    bool indented;
    sb_span s;
    if (begin_line(line, &s, &indented, t))
        lex_rest(s, indented, t);
}

/* Skips KEY0xHEX at s[*i] (KEY like " +" or " fp="), as lex_file strips
 * it from the end. Inline, so that each KEY0x is a constant compare. */
static inline bool skip_hex_field(sb_span s, size_t *i, const char *key0x, size_t len)
{
    size_t j = *i;
    if (s.n - j <= len || memcmp(s.p + j, key0x, len) != 0)
        return false;
    j += len;
    size_t d = sb_scan(s.p, s.p + j, s.p + s.n, SB_STOP_NOT_HEX);
    if (d == 0)
        return false;
    *i = j + d;
    return true;
}
#define SKIP_HEX(s, i, lit) skip_hex_field((s), (i), lit "0x", sizeof(lit "0x") - 1)

/* Whether i is where the line ends: the end of s when s is a line, a
 * newline before the end when s is the rest of the input's buffer
 * (sb_lex_frame_at, sb_lex_file_at). */
static bool at_end(sb_span s, size_t i, bool in_buffer)
{
    return in_buffer ? i < s.n && s.p[i] == '\n' : i == s.n;
}

/* [ +0xOFF][[ fp=0x.. sp=0x..] pc=0x..] at s.p[*i], up to where the line
 * ends (see at_end); *off says whether +0x was read, and when it is true
 * on entry the offset is behind *i already. */
static bool file_tail(sb_span s, size_t *i, bool in_buffer, bool *off)
{
    size_t j = *i;
    if (!*off)
        *off = SKIP_HEX(s, &j, " +");
    bool fp = SKIP_HEX(s, &j, " fp="); /* fp= and sp= only ever stand before pc= */
    if (fp)
        (void)SKIP_HEX(s, &j, " sp=");
    if ((fp || !at_end(s, j, in_buffer)) && !SKIP_HEX(s, &j, " pc="))
        return false;
    if (!at_end(s, j, in_buffer))
        return false;
    *i = j;
    return true;
}

static void file_token(sb_token *t, sb_span file, uint32_t line, bool off)
{
    t->kind = SB_TOK_FILE;
    t->u.file.file = file;
    t->u.file.line = line;
    t->u.file.has_offset = off;
}

/* FILE:LINE[ +0xOFF][[ fp=0x.. sp=0x..] pc=0x..] of file at the start of
 * s, read forward (the shapes lex_file peels off from the end). Returns
 * where the line ends (see at_end), 0 (t untouched) when s is not such a
 * line. */
static size_t file_fields(sb_span s, sb_span file, bool in_buffer, sb_token *t)
{
    size_t n = file.n, i = n + 1;
    if (n == 0 || s.n <= i || s.p[n] != ':' || memcmp(s.p, file.p, n) != 0)
        return 0;
    uint64_t line_no = 0;
    bool off = false;
    if (!parse_u64(s, &i, &line_no, NULL) || !file_tail(s, &i, in_buffer, &off))
        return 0;
    file_token(t, sb_span_make(s.p, n), clamp_u32(line_no), off);
    return i;
}

/* The trimmed line s as a file line of file, indented as Go prints it. */
static bool file_of(sb_span s, bool indented, sb_span file, sb_token *t)
{
    return indented && file_fields(s, file, false, t);
}

/* FUNC(ARGS) of func at the start of s, with no parenthesis inside ARGS,
 * so that lex_frame's last '(' is the one after FUNC (which holds no
 * blank, see lexer.h). Returns where the line ends (see at_end), 0 (t
 * untouched) when s is not such a line. */
static inline size_t frame_fields(sb_span s, sb_span func, bool in_buffer, sb_token *t)
{
    size_t n = func.n;
    if (n == 0 || s.n < n + 2 || s.p[n] != '(' || !sb_bytes_eq(s.p, func.p, n))
        return 0;
    /* The first '(', ')' or newline after FUNC( must be the ')' that ends
     * the line. */
    size_t k = n + 1 + sb_scan(s.p, s.p + n + 1, s.p + s.n, SB_STOP_PAREN_NL);
    if (k == s.n || s.p[k] != ')' || !at_end(s, k + 1, in_buffer))
        return 0;
    t->kind = SB_TOK_FRAME;
    t->u.frame.func = sb_span_make(s.p, n);
    t->u.frame.args = sb_span_make(s.p + n + 1, k - n - 1);
    return k + 1;
}

/* The trimmed line s as a frame of func. */
static bool frame_of(sb_span s, sb_span func, sb_token *t)
{
    return frame_fields(s, func, false, t);
}

int sb_lex_expect(sb_span line, bool file, const sb_span *guess, size_t nguess, sb_token *t)
{
    bool indented;
    sb_span s;
    if (!begin_line(line, &s, &indented, t))
        return -1;
    for (size_t i = 0; i < nguess; i++)
        if (file ? file_of(s, indented, guess[i], t) : frame_of(s, guess[i], t))
            return (int)i;
    lex_rest(s, indented, t);
    return -1;
}

/* Whether sb_lex would read the trimmed line s as something else than a
 * frame or file line because of its first byte (a header, "created by"). */
static bool claimed_by_first_byte(sb_span s, bool indented)
{
    sb_token t;
    return sb_first_byte_lines[(unsigned char)s.p[0]] && lex_first_byte(s, indented, &t);
}

bool sb_lex_frame_name_plain(sb_span func)
{
    unsigned char c = func.n ? (unsigned char)func.p[0] : ' ';
    return c != ' ' && c != '\t' && !sb_first_byte_lines[c];
}

/* inline for the reason given at sb_lex_frame_at. */
inline size_t sb_lex_frame_plain_at(const char *p, const char *end, sb_span func, sb_token *t)
{
    size_t i = frame_fields(sb_span_make(p, (size_t)(end - p)), func, true, t);
    if (i)
        t->text = sb_span_make(p, i);
    return i;
}

/* inline (an external definition all the same: lexer.h declares it
 * without) asks LTO to inline it, and sb_lex_file_tmpl_at, into the
 * parser's loop over buffered lines (parser_fast.c), which calls them for
 * nearly every line: left to its size limits alone, GCC may keep them out
 * of line as that loop grows. */
inline size_t sb_lex_frame_at(const char *p, const char *end, sb_span func, sb_token *t)
{
    /* No blank in front; a line ending in ')' has none behind. */
    if (end == p || p[0] == ' ' || p[0] == '\t')
        return 0;
    size_t i = frame_fields(sb_span_make(p, (size_t)(end - p)), func, true, t);
    if (i == 0) /* not such a line, or no newline before end */
        return 0;
    sb_span line = sb_span_make(p, i);
    if (claimed_by_first_byte(line, false))
        return 0;
    t->text = line;
    return i;
}

size_t sb_lex_line_at(const char *p, const char *end, const char *key, sb_token *t)
{
    size_t k = strlen(key);
    if ((size_t)(end - p) <= k || memcmp(p, key, k) != 0)
        return 0;
    const char *nl = memchr(p + k, '\n', (size_t)(end - p) - k);
    if (!nl)
        return 0;
    /* Nothing sb_lex would trim: then the line is the one it reads. */
    sb_span line = sb_span_make(p, (size_t)(nl - p));
    char last = line.p[line.n - 1];
    if (last == ' ' || last == '\t' || last == '\r')
        return 0;
    sb_lex(line, t);
    return line.n;
}

size_t sb_lex_file_at(const char *p, const char *end, sb_span file, sb_token *t)
{
    /* One tab, as Go indents file lines; other blanks go the long way. */
    if (end - p < 2 || p[0] != '\t' || p[1] == ' ' || p[1] == '\t')
        return 0;
    sb_span rest = sb_span_make(p + 1, (size_t)(end - p) - 1);
    /* It stops at a newline: its last byte is a digit, nothing to trim. */
    size_t i = file_fields(rest, file, true, t);
    if (i == 0)
        return 0;
    sb_span line = sb_span_make(rest.p, i);
    if (claimed_by_first_byte(line, true))
        return 0;
    t->text = line;
    return i + 1;
}

/* Marks the hex digits of KEY0xHEX at line.p[*i] (see skip_hex_field),
 * if that is what stands there, as ones that may vary. */
static bool wild_hex_field(sb_file_tmpl *tm, sb_span line, size_t *i, const char *key0x, size_t len)
{
    size_t j = *i;
    if (!skip_hex_field(line, &j, key0x, len))
        return false;
    for (size_t k = *i + len; k < j; k++)
        tm->wild[k / 16] |= (uint16_t)(1u << (k % 16));
    *i = j;
    return true;
}
#define WILD_HEX(tm, s, i, lit) wild_hex_field((tm), (s), (i), lit "0x", sizeof(lit "0x") - 1)

/* The id of a header: the digits at p + 10, at most 19 (no overflow),
 * as parse_u64 reads them; *n is how many, 0 when none. */
static inline uint64_t header_id(const char *p, const char *end, size_t *n)
{
    size_t j = 10, easy = (size_t)(end - p) - 10 > 19 ? 10 + 19 : (size_t)(end - p);
    uint64_t v = 0;
    while (j < easy && is_digit(p[j]))
        v = v * 10 + (unsigned)(p[j++] - '0');
    *n = j - 10;
    return v;
}

bool sb_header_tmpl_make(sb_header_tmpl *tm, const char *p, size_t len, const sb_token *t)
{
    tm->len = 0;
    size_t nd;
    (void)header_id(p, p + len, &nd);
    size_t tail = 10 + nd;
    /* Past 19 digits an id may overflow: those take the long way. */
    if (t->kind != SB_TOK_HEADER || t->u.header.id_overflow || t->u.header.labels.n || nd == 0 ||
        tail >= len || is_digit(p[tail]) || len + 1 - tail > SB_HDR_TMPL_MAX)
        return false;
    const char *state = t->u.header.state.p;
    if (state < p + tail || state + t->u.header.state.n > p + len)
        return false;
    memcpy(tm->tail, p + tail, len + 1 - tail); /* the newline too */
    tm->state_at = (uint8_t)(state - (p + tail));
    tm->state_n = (uint8_t)t->u.header.state.n;
    tm->locked = t->u.header.locked;
    tm->scan = t->u.header.scan;
    tm->leaked = t->u.header.leaked;
    tm->minutes = t->u.header.minutes;
    tm->len = (uint8_t)(len + 1 - tail);
    return true;
}

size_t sb_lex_header_tmpl_at(const char *p, const char *end, const sb_header_tmpl *tm, sb_token *t)
{
    /* After the id, lex_header reads only the tail: the same tail, the
     * same token but for the id. */
    if (tm->len == 0 || end - p <= 10 || memcmp(p, "goroutine ", 10) != 0)
        return 0;
    size_t nd;
    uint64_t id = header_id(p, end, &nd);
    const char *tail = p + 10 + nd;
    if (nd == 0 || (size_t)(end - tail) < tm->len || !sb_bytes_eq(tail, tm->tail, tm->len))
        return 0;
    size_t len = 10 + nd + tm->len - 1;
    t->kind = SB_TOK_HEADER;
    t->text = sb_span_make(p, len);
    t->u.header.id = id;
    t->u.header.id_overflow = false;
    t->u.header.state = sb_span_make(tail + tm->state_at, tm->state_n);
    t->u.header.minutes = tm->minutes;
    t->u.header.locked = tm->locked;
    t->u.header.scan = tm->scan;
    t->u.header.leaked = tm->leaked;
    t->u.header.labels = sb_span_make(NULL, 0);
    return len;
}

bool sb_file_tmpl_make(sb_file_tmpl *tm, const char *p, size_t len, const sb_token *t)
{
    tm->len = 0;
    if (len + 1 > SB_TMPL_MAX)
        return false;
    memset(tm->wild, 0, sizeof(tm->wild));
    /* The line from its tab, as sb_lex_file_at read it: FILE:LINE, then
     * the fields of file_tail. */
    sb_span line = sb_span_make(p, len);
    size_t i = 1 + t->u.file.file.n + 1;
    uint64_t v;
    if (!parse_u64(line, &i, &v, NULL))
        return false;
    (void)SKIP_HEX(line, &i, " +");
    if (WILD_HEX(tm, line, &i, " fp="))
        (void)WILD_HEX(tm, line, &i, " sp=");
    memcpy(tm->text, p, len + 1); /* the newline too: the next line must end there */
    tm->len = (uint16_t)(len + 1);
    tm->wild_last = 0;
    for (size_t k = 0; k < 16 && tm->len >= 16; k++) {
        size_t at = tm->len - 16 + k;
        tm->wild_last |= (uint16_t)((tm->wild[at / 16] >> (at % 16) & 1u) << k);
    }
    tm->file_len = (uint16_t)t->u.file.file.n;
    tm->line = t->u.file.line;
    tm->has_offset = t->u.file.has_offset;
    return true;
}

inline size_t sb_lex_file_tmpl_at(const char *p, const char *end, const sb_file_tmpl *tm,
                                  sb_token *t)
{
    /* A line like the template's but for the digits of its wild hex
     * fields, each run as long as the template's and followed by the same
     * byte, which is no hex digit: file_tail reads it the same way. */
    size_t n = tm->len;
    if (n == 0 || (size_t)(end - p) < n || !sb_tmpl_match(p, tm->text, tm->wild, tm->wild_last, n))
        return 0;
    sb_span line = sb_span_make(p + 1, n - 2);
    if (claimed_by_first_byte(line, true))
        return 0;
    file_token(t, sb_span_make(line.p, tm->file_len), tm->line, tm->has_offset);
    t->text = line;
    return n - 1;
}

long sb_lex_find_header(sb_span s)
{
    static const char key[] = "goroutine ";
    const size_t klen = sizeof(key) - 1;
    size_t i = 0;
    while (i + klen < s.n) {
        /* memchr and a compare: on a line as short as a header, memmem's
         * set-up costs more than the search. */
        const char *hit = memchr(s.p + i, 'g', s.n - i - klen);
        if (!hit)
            return -1;
        if (memcmp(hit, key, klen) != 0) {
            i = (size_t)(hit - s.p) + 1;
            continue;
        }
        size_t at = (size_t)(hit - s.p);
        sb_token t;
        if (at + klen < s.n && is_digit(s.p[at + klen]) &&
            lex_header(sb_span_make(hit, s.n - at), &t))
            return (long)at;
        i = at + klen;
    }
    return -1;
}

size_t sb_args_split(sb_span args, sb_arg *out, size_t max)
{
    sb_span a = sb_span_trim(args);
    if (a.n == 0 || (a.n == 3 && memcmp(a.p, "...", 3) == 0))
        return 0;
    size_t count = 0, i = 0;
    while (i <= a.n) {
        size_t j = i;
        int depth = 0;
        while (j < a.n && !(a.p[j] == ',' && depth == 0)) {
            if (a.p[j] == '{')
                depth++;
            else if (a.p[j] == '}' && depth > 0)
                depth--;
            j++;
        }
        sb_span v = sb_span_trim(sb_span_make(a.p + i, j - i));
        if (count < max) {
            sb_arg *o = &out[count];
            o->uncertain = v.n > 0 && v.p[v.n - 1] == '?';
            if (o->uncertain)
                v.n--;
            o->aggregate = v.n > 0 && v.p[0] == '{';
            o->text = v;
        }
        count++;
        i = j + 1;
    }
    return count;
}

sb_span sb_args_first_text(sb_span args)
{
    return sb_args_first_text_in(args, args.p);
}

sb_span sb_args_first_text_in(sb_span args, const char *lo)
{
    if (args.n == 0)
        return args;
    /* Most first arguments are words: the first ',' or '{' decides. */
    size_t k = sb_scan(lo, args.p, args.p + args.n, SB_STOP_ARG_END);
    if (k == args.n || args.p[k] == ',')
        return sb_span_make(args.p, k);
    int depth = 0;
    for (size_t i = k; i < args.n; i++) {
        char c = args.p[i];
        if (c == '{')
            depth++;
        else if (c == '}' && depth > 0)
            depth--;
        else if (c == ',' && depth == 0)
            return sb_span_make(args.p, i);
    }
    return args;
}

bool sb_args_first_word(sb_span args, uint64_t *value)
{
    /* The first value as sb_args_split cuts it, without its walk over
     * the others; none, uncertain ('?') or a {...} group is no word. */
    sb_span v = sb_span_trim(sb_args_first_text(args));
    if (v.n == 0 || v.p[v.n - 1] == '?' || v.p[0] == '{')
        return false;
    uint64_t x = 0;
    if (SB_STARTS(v, "0x") && v.n > 2) {
        for (size_t i = 2; i < v.n; i++) {
            char c = v.p[i];
            if (!is_hex(c) || i > 17)
                return false;
            x = x * 16 + (unsigned)(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
        }
    } else {
        size_t i = 0;
        bool ovf = false;
        if (!parse_u64(v, &i, &x, &ovf) || i != v.n || ovf)
            return false;
    }
    *value = x;
    return true;
}

static const char *const sb_tok_names[] = {
    [SB_TOK_BLANK] = "blank",
    [SB_TOK_HEADER] = "header",
    [SB_TOK_FRAME] = "frame",
    [SB_TOK_FILE] = "file",
    [SB_TOK_CREATED_BY] = "created-by",
    [SB_TOK_ELIDED] = "elided",
    [SB_TOK_OTHER_THREAD] = "other-thread",
    [SB_TOK_ANCESTOR] = "ancestor",
    [SB_TOK_NONGO] = "non-go",
    [SB_TOK_SIGNAL] = "signal",
    [SB_TOK_PANIC] = "panic",
    [SB_TOK_PANIC_NESTED] = "panic-nested",
    [SB_TOK_FATAL] = "fatal",
    [SB_TOK_PREAMBLE] = "preamble",
    [SB_TOK_RUNTIME_STACK] = "runtime-stack",
    [SB_TOK_REGISTER] = "register",
    [SB_TOK_SEPARATOR] = "separator",
    [SB_TOK_EXIT_STATUS] = "exit-status",
    [SB_TOK_RACE_BEGIN] = "race-begin",
    [SB_TOK_RACE_RULE] = "race-rule",
    [SB_TOK_PROFILE] = "profile",
    [SB_TOK_RECORD] = "record",
    [SB_TOK_RECORD_FRAME] = "record-frame",
    [SB_TOK_RECORD_LABELS] = "record-labels",
    [SB_TOK_OTHER] = "other",
};

const char *sb_tok_name(enum sb_tok kind)
{
    return (unsigned)kind <= SB_TOK_OTHER ? sb_tok_names[kind] : "?";
}
