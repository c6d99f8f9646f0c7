/* test_report.c: the reporters (report_text.c, report_json.c,
 * report_md.c, report_dot.c) through sb_report_write, as main.c calls it.
 * Their layout is being changed, so no output is compared whole: these
 * are the properties every layout must keep.
 *
 *  - JSON: parses as strict JSON (RFC 8259, UTF-8), schema "stackblame/1",
 *    the documented top-level keys each once and in the documented order
 *    (man/stackblame.1; a key added later may sit between them), input
 *    strings round-trip exactly, the chain's root is where the schema says.
 *  - Text, Markdown, DOT: no control character, bidi control or invalid
 *    UTF-8 from the input reaches the output raw (with --color, the only
 *    escape sequences are the report's own SGR colours).
 *  - Markdown: "<script>" from the input is never HTML (only ever inside a
 *    code span, where it is text).
 *  - DOT: starts with "digraph", braces balance outside quoted strings,
 *    every quoted string is closed.
 *  - The root goroutine's id appears in every format.
 *
 * Hand-written minimal dumps, lines shaped exactly like Go's (see
 * sb_diag_test.h); the hostile bytes sit where a dump can carry them: the
 * file name (the dump's label), a function name, a file path, labels. */
#define _GNU_SOURCE /* memmem, strndup, open_memstream */
#include <ctype.h>
#include <strings.h>
#include "sb_diag_test.h"

#include "stackblame/report.h"

/* ----------------------------------------------- a strict JSON reader */

typedef struct jv {
    char t;      /* 'o' object, 'a' array, 's' string, 'n' number, 't', 'f', 'z' (null) */
    char *s;     /* a string's bytes (decoded), a number's text; NUL-terminated */
    size_t slen; /* a string's length (it may hold NUL as \u0000) */
    struct jv *v;
    char **keys; /* an object's keys, in order */
    size_t n;
} jv;

typedef struct jp {
    const char *p, *end;
    const char *err;
    int depth;
} jp;

static void jv_free(jv *x)
{
    for (size_t i = 0; i < x->n; i++) {
        jv_free(&x->v[i]);
        if (x->keys)
            free(x->keys[i]);
    }
    free(x->v);
    free(x->keys);
    free(x->s);
    memset(x, 0, sizeof(*x));
}

static void jp_ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool jp_fail(jp *j, const char *why)
{
    if (!j->err)
        j->err = why;
    return false;
}

/* The length of one valid UTF-8 sequence at p (strict: no overlongs, no
 * surrogates, at most U+10FFFF), 0 when invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t len;
    unsigned cp, min;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0)
        len = 2, cp = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
        len = 3, cp = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0)
        len = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if ((size_t)(end - p) < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static void put_utf8(char *w, size_t *k, unsigned cp)
{
    if (cp < 0x80) {
        w[(*k)++] = (char)cp;
    } else if (cp < 0x800) {
        w[(*k)++] = (char)(0xc0 | cp >> 6);
        w[(*k)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        w[(*k)++] = (char)(0xe0 | cp >> 12);
        w[(*k)++] = (char)(0x80 | (cp >> 6 & 0x3f));
        w[(*k)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        w[(*k)++] = (char)(0xf0 | cp >> 18);
        w[(*k)++] = (char)(0x80 | (cp >> 12 & 0x3f));
        w[(*k)++] = (char)(0x80 | (cp >> 6 & 0x3f));
        w[(*k)++] = (char)(0x80 | (cp & 0x3f));
    }
}

static bool hex4(jp *j, unsigned *out)
{
    if (j->end - j->p < 4)
        return jp_fail(j, "short \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *j->p++;
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return jp_fail(j, "bad hex digit in \\u escape");
    }
    *out = v;
    return true;
}

/* A string at j->p (at its opening quote), decoded into *s, *len. */
static bool jp_string(jp *j, char **s, size_t *len)
{
    j->p++; /* '"' */
    size_t cap = (size_t)(j->end - j->p) + 1, k = 0;
    char *w = malloc(cap);
    assert_non_null(w);
    for (;;) {
        if (j->p >= j->end) {
            free(w);
            return jp_fail(j, "unterminated string");
        }
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            j->p++;
            break;
        }
        if (c < 0x20) {
            free(w);
            return jp_fail(j, "raw control character in a string");
        }
        if (c != '\\') {
            size_t l = utf8_len((const unsigned char *)j->p, (const unsigned char *)j->end);
            if (!l) {
                free(w);
                return jp_fail(j, "invalid UTF-8 in a string");
            }
            memcpy(w + k, j->p, l);
            k += l;
            j->p += l;
            continue;
        }
        j->p++;
        if (j->p >= j->end) {
            free(w);
            return jp_fail(j, "unterminated escape");
        }
        char e = *j->p++;
        unsigned cp;
        switch (e) {
        case '"':
            w[k++] = '"';
            break;
        case '\\':
            w[k++] = '\\';
            break;
        case '/':
            w[k++] = '/';
            break;
        case 'b':
            w[k++] = '\b';
            break;
        case 'f':
            w[k++] = '\f';
            break;
        case 'n':
            w[k++] = '\n';
            break;
        case 'r':
            w[k++] = '\r';
            break;
        case 't':
            w[k++] = '\t';
            break;
        case 'u':
            if (!hex4(j, &cp)) {
                free(w);
                return false;
            }
            if (cp >= 0xd800 && cp <= 0xdbff) {
                unsigned lo;
                if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u') {
                    free(w);
                    return jp_fail(j, "lone high surrogate");
                }
                j->p += 2;
                if (!hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff) {
                    free(w);
                    return jp_fail(j, "bad low surrogate");
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                free(w);
                return jp_fail(j, "lone low surrogate");
            }
            put_utf8(w, &k, cp);
            break;
        default:
            free(w);
            return jp_fail(j, "bad escape");
        }
    }
    w[k] = '\0';
    *s = w;
    *len = k;
    return true;
}

static bool jp_number(jp *j, jv *out)
{
    const char *start = j->p;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p >= j->end || !isdigit((unsigned char)*j->p))
        return jp_fail(j, "bad number");
    if (*j->p == '0')
        j->p++;
    else
        while (j->p < j->end && isdigit((unsigned char)*j->p))
            j->p++;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || !isdigit((unsigned char)*j->p))
            return jp_fail(j, "bad fraction");
        while (j->p < j->end && isdigit((unsigned char)*j->p))
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || !isdigit((unsigned char)*j->p))
            return jp_fail(j, "bad exponent");
        while (j->p < j->end && isdigit((unsigned char)*j->p))
            j->p++;
    }
    out->t = 'n';
    out->s = strndup(start, (size_t)(j->p - start));
    assert_non_null(out->s);
    return true;
}

static bool jp_value(jp *j, jv *out);

static bool jp_literal(jp *j, const char *word, char t, jv *out)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return jp_fail(j, "unexpected character");
    j->p += n;
    out->t = t;
    return true;
}

static bool jp_items(jp *j, jv *out, bool object)
{
    out->t = object ? 'o' : 'a';
    j->p++;
    jp_ws(j);
    if (j->p < j->end && *j->p == (object ? '}' : ']')) {
        j->p++;
        return true;
    }
    size_t cap = 0;
    for (;;) {
        if (out->n == cap) {
            cap = cap ? 2 * cap : 8;
            out->v = realloc(out->v, cap * sizeof(*out->v));
            assert_non_null(out->v);
            if (object) {
                out->keys = realloc(out->keys, cap * sizeof(*out->keys));
                assert_non_null(out->keys);
            }
        }
        memset(&out->v[out->n], 0, sizeof(out->v[out->n]));
        if (object) {
            jp_ws(j);
            size_t kl;
            if (j->p >= j->end || *j->p != '"')
                return jp_fail(j, "expected a key");
            if (!jp_string(j, &out->keys[out->n], &kl))
                return false;
            jp_ws(j);
            if (j->p >= j->end || *j->p != ':') {
                free(out->keys[out->n]);
                return jp_fail(j, "expected ':'");
            }
            j->p++;
        }
        out->n++;
        if (!jp_value(j, &out->v[out->n - 1]))
            return false;
        jp_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == (object ? '}' : ']')) {
            j->p++;
            return true;
        }
        return jp_fail(j, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static bool jp_value(jp *j, jv *out)
{
    jp_ws(j);
    if (j->p >= j->end)
        return jp_fail(j, "unexpected end");
    if (++j->depth > 100)
        return jp_fail(j, "too deep");
    bool ok;
    switch (*j->p) {
    case '{':
        ok = jp_items(j, out, true);
        break;
    case '[':
        ok = jp_items(j, out, false);
        break;
    case '"':
        out->t = 's';
        ok = jp_string(j, &out->s, &out->slen);
        break;
    case 't':
        ok = jp_literal(j, "true", 't', out);
        break;
    case 'f':
        ok = jp_literal(j, "false", 'f', out);
        break;
    case 'n':
        ok = jp_literal(j, "null", 'z', out);
        break;
    default:
        ok = jp_number(j, out);
        break;
    }
    j->depth--;
    return ok;
}

/* Parses a whole document; fails the test, showing where, when it is not
 * JSON. */
static void json_parse(const char *text, size_t n, jv *out)
{
    memset(out, 0, sizeof(*out));
    jp j = {text, text + n, NULL, 0};
    bool ok = jp_value(&j, out);
    if (ok) {
        jp_ws(&j);
        if (j.p != j.end)
            ok = jp_fail(&j, "text after the value");
    }
    if (!ok) {
        size_t at = (size_t)(j.p - text);
        print_error("not JSON at byte %zu: %s: \"%.40s\"\n", at, j.err, j.p < j.end ? j.p : "");
        jv_free(out);
        fail();
    }
}

static const jv *jget(const jv *o, const char *key)
{
    assert_int_equal(o->t, 'o');
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return &o->v[i];
    print_error("no key \"%s\"\n", key);
    fail();
    return NULL;
}

static const jv *jat(const jv *a, size_t i)
{
    assert_int_equal(a->t, 'a');
    assert_true(i < a->n);
    return &a->v[i];
}

static long long jint(const jv *x)
{
    assert_int_equal(x->t, 'n');
    return strtoll(x->s, NULL, 10);
}

/* The reader itself: it takes JSON and refuses what is not. */
static void test_json_reader(void **state)
{
    (void)state;
    static const char good[] =
        " {\"a\":[1,-2.5e3,true,false,null,{}],\"b\":\"\\u001b\\ud83d\\ude00\\\"x\\/\"} ";
    jv d;
    json_parse(good, strlen(good), &d);
    assert_int_equal(d.n, 2);
    assert_string_equal(d.keys[1], "b");
    assert_string_equal(jget(&d, "b")->s, "\x1b\xf0\x9f\x98\x80\"x/");
    assert_int_equal(jint(jat(jget(&d, "a"), 0)), 1);
    jv_free(&d);
    static const char *const bad[] = {
        "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "\"raw \x1b\"",  "\"bad \\x41\"",
        "\"\xff\"",   "[01]",  "{}{}",      "[\"\\ud800\"]", "tru",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        jp j = {bad[i], bad[i] + strlen(bad[i]), NULL, 0};
        jv x;
        memset(&x, 0, sizeof(x));
        bool ok = jp_value(&j, &x);
        if (ok) {
            jp_ws(&j);
            ok = j.p == j.end;
        }
        if (ok)
            print_error("took \"%s\" for JSON\n", bad[i]);
        assert_false(ok);
        jv_free(&x);
    }
}

/* ------------------------------------------------------- the reports */

/* The label of the hostile dump: its file name up to the first dot, with
 * ESC (a CSI that clears the screen), BEL, a quote and a lone closing
 * brace (to end a DOT string and the graph early), an HTML tag (Markdown)
 * and U+202E RIGHT-TO-LEFT OVERRIDE. */
#define HOSTILE_LABEL "ev\x1b[2Jil\x07\"}<script>\xe2\x80\xae"
#define HOSTILE_FILE  HOSTILE_LABEL ".txt"

/* A chain of two: goroutine 7 waits on the Store's mutex in a lock-site
 * function whose name carries ESC, BEL, braces, U+202E and <script>;
 * goroutine 4242 holds it (inside (*Store).Put, its file path carries an
 * OSC sequence and a byte that is no UTF-8). Goroutines 10 and 11 wait on
 * each other's account locks: a cycle. Goroutine 13's pprof labels carry
 * a tag and ESC. */
static const char hostile_dump[] =
    "goroutine 1 [chan receive]:\n"
    "main.main()\n"
    "\t/app/main.go:25 +0x1d\n"
    "\n"
    "goroutine 7 [sync.Mutex.Lock, 5 minutes]:\n"
    "sync.runtime_SemacquireMutex(0xc000010008?, 0x0?, 0x1?)\n"
    "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
    "sync.(*Mutex).lockSlow(0xc000010008)\n"
    "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
    "sync.(*Mutex).Lock(...)\n"
    "\t/usr/local/go/src/sync/mutex.go:90\n"
    "example.com/app/store.(*Store).Get\"}{\x1b[2J\x07\xe2\x80\xae<script>x(0xc000010000, "
    "{0x6a1b2c, 0x3})\n"
    "\t/app/store/st\x1b[2J\x07\xe2\x80\xaeore<script>.go:42 +0x4e\n"
    "created by main.main in goroutine 1\n"
    "\t/app/main.go:20 +0x85\n"
    "\n"
    "goroutine 4242 [sleep, 7 minutes]:\n"
    "time.Sleep(0x3b9aca00)\n"
    "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
    "example.com/app/store.(*Store).Put(0xc000010000, {0x6a1b2c, 0x3})\n"
    "\t/app/store/\x1b]0;owned\x07st\xffore.go:61 +0x8a\n"
    "created by main.main in goroutine 1\n"
    "\t/app/main.go:19 +0x6b\n"
    "\n"
    "goroutine 10 [sync.Mutex.Lock, 4 minutes]:\n"
    "sync.runtime_SemacquireMutex(0xc000012108?, 0x0?, 0x1?)\n"
    "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
    "sync.(*Mutex).lockSlow(0xc000012108)\n"
    "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
    "sync.(*Mutex).Lock(...)\n"
    "\t/usr/local/go/src/sync/mutex.go:90\n"
    "example.com/bank.(*Account).deposit(0xc000012100, 0x64)\n"
    "\t/app/bank/account.go:40 +0x4e\n"
    "example.com/bank.(*Account).Transfer(0xc000012000, 0xc000012100, 0x64)\n"
    "\t/app/bank/account.go:22 +0x7a\n"
    "created by main.main in goroutine 1\n"
    "\t/app/main.go:30 +0x85\n"
    "\n"
    "goroutine 11 [sync.Mutex.Lock, 4 minutes]:\n"
    "sync.runtime_SemacquireMutex(0xc000012008?, 0x0?, 0x1?)\n"
    "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
    "sync.(*Mutex).lockSlow(0xc000012008)\n"
    "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
    "sync.(*Mutex).Lock(...)\n"
    "\t/usr/local/go/src/sync/mutex.go:90\n"
    "example.com/bank.(*Account).deposit(0xc000012000, 0x64)\n"
    "\t/app/bank/account.go:40 +0x4e\n"
    "example.com/bank.(*Account).Transfer(0xc000012100, 0xc000012000, 0x64)\n"
    "\t/app/bank/account.go:22 +0x7a\n"
    "created by main.main in goroutine 1\n"
    "\t/app/main.go:30 +0x85\n"
    "\n"
    "goroutine 13 [select, 3 minutes, labels:{\"q\":\"<script>\x1b[2J\"}]:\n"
    "runtime.gopark(0x4b2c48?, 0xc00001c118?, 0x0?, 0x0?, 0x0?)\n"
    "\t/usr/local/go/src/runtime/proc.go:398 +0xce\n"
    "runtime.selectgo(0xc000047f18, 0xc000047ef8, 0x0?, 0x0, 0x0?, 0x1)\n"
    "\t/usr/local/go/src/runtime/select.go:327 +0x725\n"
    "example.com/app.(*Poller).poll(0xc0000e0000)\n"
    "\t/app/poller.go:33 +0x8a\n"
    "created by main.main in goroutine 1\n"
    "\t/app/main.go:31 +0x6b\n";

/* The report of an analysed fixture, as main.c builds it. */
static sb_report make_report(const sb_fx *fx, bool color)
{
    sb_report r = {.m = &fx->m,
                   .groups = &fx->a.groups,
                   .set = {.max_groups = 0, .series = fx->series},
                   .classes = &fx->a.classes,
                   .graph = &fx->a.graph,
                   .blame = &fx->a.blame,
                   .series = &fx->a.series,
                   .stuck = &fx->a.stuck,
                   .crashes = &fx->a.crashes};
    r.color = color;
    return r;
}

/* The report in `format`, NUL-terminated; its length in *len. */
static char *render(const sb_report *r, enum sb_format format, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    sb_report_write(f, r, format);
    assert_int_equal(fclose(f), 0);
    assert_non_null(buf);
    *len = n;
    return buf;
}

static void hostile_fx(sb_fx *fx)
{
    fx_add(fx, HOSTILE_FILE, hostile_dump);
    fx_analyze(fx);
    /* the analysis itself: the chain 7 -> 4242, the cycle 10 <-> 11 */
    assert_true(fx->a.blame.nchains >= 1);
    const sb_chain *ch = &fx->a.blame.chains[0];
    assert_int_equal(fx->m.goroutines[ch->links[ch->nlinks - 1]].id, 4242);
    assert_int_equal(fx->a.blame.ncycles, 1);
}

/* Where output that a terminal or viewer shows holds a raw control,
 * bidi control, BOM or invalid UTF-8: its offset, or -1. '\n' is the
 * layout's; ESC is allowed only as an SGR colour ("\033[" digits and ';'
 * then 'm') when sgr_ok. */
static long raw_control_at(const char *s, size_t n, bool sgr_ok)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c == 0x1b && sgr_ok && i + 1 < n && p[i + 1] == '[') {
            size_t k = i + 2;
            while (k < n && (isdigit(p[k]) || p[k] == ';'))
                k++;
            if (k < n && p[k] == 'm') {
                i = k + 1;
                continue;
            }
            return (long)i;
        }
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return (long)i;
        size_t l = utf8_len(p + i, p + n);
        if (!l)
            return (long)i;
        unsigned cp = 0;
        if (l == 2)
            cp = (c & 0x1fu) << 6 | (p[i + 1] & 0x3fu);
        else if (l == 3)
            cp = (c & 0x0fu) << 12 | (p[i + 1] & 0x3fu) << 6 | (p[i + 2] & 0x3fu);
        if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
            (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff)
            return (long)i;
        i += l;
    }
    return -1;
}

static void sb_check_no_raw(const char *what, const char *s, size_t n, bool sgr_ok,
                            const char *file, int line)
{
    long at = raw_control_at(s, n, sgr_ok);
    if (at < 0)
        return;
    long from = at > 60 ? at - 60 : 0;
    print_error("%s: raw byte 0x%02x at %ld, after \"%.*s\"\n", what, (unsigned char)s[at], at,
                (int)(at - from), s + from);
    _fail(file, line);
}
#define assert_no_raw(what, s, n, sgr_ok)                                                          \
    sb_check_no_raw((what), (s), (n), (sgr_ok), __FILE__, __LINE__)

/* Whether the decimal `id` appears in s as a number of its own: not a
 * part of a longer number or of a hex address. */
static bool has_number(const char *s, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = strstr(s, id); p; p = strstr(p + 1, id)) {
        bool before = p > s && (isxdigit((unsigned char)p[-1]) || p[-1] == 'x');
        bool after = isdigit((unsigned char)p[n]);
        if (!before && !after)
            return true;
    }
    return false;
}

/* The JSON report parses; its top level is schema "stackblame/1" first,
 * then the documented keys each once and in order; what came from the
 * input (the label, a function name with an invalid UTF-8 byte in its
 * file) stays JSON; the first chain's last link is the root. */
static void test_json_report(void **state)
{
    sb_fx *fx = *state;
    hostile_fx(fx);
    sb_report r = make_report(fx, false);
    size_t n;
    char *out = render(&r, SB_OUT_JSON, &n);
    assert_true(n > 0 && out[n - 1] == '\n');
    jv d;
    json_parse(out, n, &d);
    assert_int_equal(d.t, 'o');
    static const char *const keys[] = {"schema",        "stats", "inputs",    "dumps",
                                       "stacks",        "races", "chains",    "cycles",
                                       "leak_suspects", "stuck", "goroutines"};
    size_t at = 0;
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        size_t found = d.n, count = 0;
        for (size_t i = 0; i < d.n; i++)
            if (strcmp(d.keys[i], keys[k]) == 0) {
                found = found == d.n ? i : found;
                count++;
            }
        if (count != 1 || found < at)
            print_error("key \"%s\": %zu times, at %zu, want once after %zu\n", keys[k], count,
                        found, at);
        assert_int_equal(count, 1);
        assert_true(found >= at);
        at = found;
    }
    assert_string_equal(d.keys[0], "schema");
    assert_string_equal(jget(&d, "schema")->s, "stackblame/1");
    assert_int_equal(jint(jget(jget(&d, "stats"), "goroutines")), 6);

    const jv *dump = jat(jget(&d, "dumps"), 0);
    const jv *label = jget(dump, "label");
    assert_int_equal(label->slen, strlen(HOSTILE_LABEL));
    assert_memory_equal(label->s, HOSTILE_LABEL, label->slen);

    const jv *chain = jat(jget(&d, "chains"), 0);
    const jv *links = jget(chain, "links");
    assert_int_equal(links->n, 2);
    assert_int_equal(jint(jget(jat(links, 0), "goroutine")), 7);
    assert_int_equal(jint(jget(jat(links, links->n - 1), "goroutine")), 4242);
    assert_int_equal(jint(jget(chain, "blocked")), 1);
    const jv *frame = jget(jat(links, 0), "frame");
    assert_string_equal(frame->s,
                        "example.com/app/store.(*Store).Get\"}{\x1b[2J\x07\xe2\x80\xae<script>x");

    const jv *cycle = jat(jget(&d, "cycles"), 0);
    const jv *members = jget(cycle, "goroutines");
    assert_int_equal(members->n, 2);
    long long a = jint(jat(members, 0)), b = jint(jat(members, 1));
    assert_true((a == 10 && b == 11) || (a == 11 && b == 10));

    assert_int_equal(jget(&d, "goroutines")->n, 6);
    jv_free(&d);
    free(out);
}

/* Text, Markdown and DOT: nothing from the input reaches the reader raw;
 * what was escaped is still there, as the documented \xNN and \u{NNNN}. */
static void test_no_raw_controls(void **state)
{
    sb_fx *fx = *state;
    hostile_fx(fx);
    static const struct {
        const char *name;
        enum sb_format format;
    } formats[] = {
        {"text", SB_OUT_TEXT},
        {"markdown", SB_OUT_MARKDOWN},
        {"dot", SB_OUT_DOT},
    };
    sb_report r = make_report(fx, false);
    for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
        size_t n;
        char *out = render(&r, formats[k].format, &n);
        assert_int_equal(strlen(out), n); /* no NUL either */
        assert_no_raw(formats[k].name, out, n, false);
        if (!strstr(out, "\\x1b") || !strstr(out, "\\u{202e}")) {
            print_error("%s: the label's ESC and U+202E are not shown escaped\n", formats[k].name);
            fail();
        }
        free(out);
    }
}

/* With colours on, the only escape sequences are the report's own SGR
 * colours: the input's CSI and OSC sequences stay escaped. */
static void test_text_color_only_sgr(void **state)
{
    sb_fx *fx = *state;
    hostile_fx(fx);
    sb_report r = make_report(fx, true);
    size_t n;
    char *out = render(&r, SB_OUT_TEXT, &n);
    assert_non_null(strchr(out, '\x1b')); /* colours are on */
    assert_no_raw("text --color", out, n, true);
    free(out);
    r.color = false;
    out = render(&r, SB_OUT_TEXT, &n);
    assert_null(strchr(out, '\x1b')); /* and off */
    free(out);
}

/* Markdown: "<script" from the input appears only inside a code span
 * (where it is text); outside, as entities. Inside an HTML <pre> block no
 * tag from the input appears at all. Fenced code blocks are text too. */
static void test_markdown_no_html(void **state)
{
    sb_fx *fx = *state;
    hostile_fx(fx);
    sb_report r = make_report(fx, false);
    size_t n;
    char *out = render(&r, SB_OUT_MARKDOWN, &n);
    bool in_pre = false, in_fence = false;
    unsigned line_no = 0;
    for (char *line = out; line && *line;) {
        char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        line_no++;
        const char *t = line;
        while (*t == ' ')
            t++;
        if (strncmp(t, "```", 3) == 0 && !in_pre) {
            in_fence = !in_fence;
        } else if (!in_fence) {
            if (memmem(line, len, "<pre>", 5))
                in_pre = true;
            bool in_code = false;
            for (size_t i = 0; i < len; i++) {
                if (line[i] == '`' && !in_pre) {
                    in_code = !in_code;
                    continue;
                }
                if ((!in_code || in_pre) && len - i >= 7 &&
                    strncasecmp(line + i, "<script", 7) == 0) {
                    print_error("markdown line %u: raw <script: %.*s\n", line_no, (int)len, line);
                    fail();
                }
            }
            if (memmem(line, len, "</pre>", 6))
                in_pre = false;
        }
        line = eol ? eol + 1 : NULL;
    }
    assert_false(in_fence);
    assert_false(in_pre);
    /* the label, outside code spans, as entities */
    assert_non_null(strstr(out, "&lt;script&gt;"));
    free(out);
}

/* DOT: a digraph whose braces balance outside quoted strings, with every
 * string closed: the label's quote and braces cannot end it early. */
static void test_dot_structure(void **state)
{
    sb_fx *fx = *state;
    hostile_fx(fx);
    sb_report r = make_report(fx, false);
    size_t n;
    char *out = render(&r, SB_OUT_DOT, &n);
    assert_true(strncmp(out, "digraph", 7) == 0);
    int depth = 0, max_depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = out[i];
        if (in_str) {
            if (c == '\\' && i + 1 < n)
                i++;
            else if (c == '"')
                in_str = false;
            continue;
        }
        if (c == '"')
            in_str = true;
        else if (c == '{')
            depth++;
        else if (c == '}')
            depth--;
        if (depth < 0) {
            print_error("dot: '}' without '{' at byte %zu\n", i);
            fail();
        }
        if (depth > max_depth)
            max_depth = depth;
        if (depth == 0 && max_depth > 0 && c != '}' && !isspace((unsigned char)c)) {
            print_error("dot: text after the graph at byte %zu\n", i);
            fail();
        }
    }
    assert_false(in_str);
    assert_int_equal(depth, 0);
    assert_true(max_depth >= 1);
    free(out);
}

/* The root of the first chain, goroutine 4242, is named in every format. */
static void test_root_in_every_format(void **state)
{
    sb_fx *fx = *state;
    hostile_fx(fx);
    sb_report r = make_report(fx, false);
    static const struct {
        const char *name;
        enum sb_format format;
    } formats[] = {
        {"text", SB_OUT_TEXT},
        {"json", SB_OUT_JSON},
        {"markdown", SB_OUT_MARKDOWN},
        {"dot", SB_OUT_DOT},
    };
    for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
        size_t n;
        char *out = render(&r, formats[k].format, &n);
        if (!has_number(out, "4242")) {
            print_error("%s: the root's id 4242 is not in the report\n", formats[k].name);
            fail();
        }
        free(out);
    }
}

/* Nothing found (a healthy dump, and a debug=1 profile whose records have
 * no ids): every format is still well-formed; JSON's lists are empty, its
 * ids null. */
static void test_nothing_found(void **state)
{
    sb_fx *fx = *state;
    fx_add(fx, "healthy.txt",
           "goroutine 1 [chan receive]:\n"
           "main.main()\n"
           "\t/app/main.go:25 +0x1d\n"
           "\n"
           "goroutine 7 [IO wait]:\n"
           "internal/poll.runtime_pollWait(0x7f2c3c1e8a28, 0x72)\n"
           "\t/usr/local/go/src/runtime/netpoll.go:343 +0x85\n"
           "example.com/app.(*Server).serve(0xc0000c0000)\n"
           "\t/app/server.go:80 +0x45\n"
           "created by main.main in goroutine 1\n"
           "\t/app/main.go:21 +0x85\n");
    fx_add(fx, "profile.txt",
           "goroutine profile: total 3\n"
           "3 @ 0x43b5a5 0x46ad41\n"
           "#\t0x4a5c10\tmain.main+0x30\t/app/main.go:25\n"
           "\n");
    fx_analyze(fx);
    assert_int_equal(fx->a.blame.nchains, 0);
    sb_report r = make_report(fx, false);
    size_t n;
    char *out = render(&r, SB_OUT_JSON, &n);
    jv d;
    json_parse(out, n, &d);
    assert_int_equal(jget(&d, "chains")->n, 0);
    assert_int_equal(jget(&d, "cycles")->n, 0);
    assert_int_equal(jget(&d, "dumps")->n, 2);
    const jv *gs = jget(&d, "goroutines");
    assert_int_equal(gs->n, 3);
    assert_int_equal(jget(jat(gs, 2), "id")->t, 'z');
    jv_free(&d);
    free(out);

    out = render(&r, SB_OUT_DOT, &n);
    assert_true(strncmp(out, "digraph", 7) == 0);
    int depth = 0;
    for (size_t i = 0; i < n; i++)
        depth += out[i] == '{' ? 1 : out[i] == '}' ? -1 : 0;
    assert_int_equal(depth, 0);
    free(out);
    out = render(&r, SB_OUT_TEXT, &n);
    assert_true(n > 0);
    assert_no_raw("text", out, n, false);
    free(out);
    out = render(&r, SB_OUT_MARKDOWN, &n);
    assert_true(n > 0);
    assert_no_raw("markdown", out, n, false);
    free(out);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_fx, teardown_fx)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_reader), T(test_json_report),      T(test_no_raw_controls),
        T(test_text_color_only_sgr),        T(test_markdown_no_html), T(test_dot_structure),
        T(test_root_in_every_format),       T(test_nothing_found),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
