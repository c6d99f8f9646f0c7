/* test_escape.c: output escaping for terminal text, JSON and Markdown.
 *
 * The inputs are hand-written minimal cases: strings a hostile or broken
 * dump could carry in a function name, a panic message or a label (terminal
 * escapes, bidi overrides, invalid UTF-8, HTML, Markdown links). */
#include "sb_test.h"

#include "stackblame/escape.h"

static char *run(sb_put_fn fn, const char *s)
{
    return sb_capture(fn, s, strlen(s));
}

static void expect_out(sb_put_fn fn, const char *in, size_t n, const char *want)
{
    char *got = sb_capture(fn, in, n);
    if (strcmp(got, want) != 0) {
        print_error("got \"%s\", want \"%s\"\n", got, want);
        free(got);
        fail();
    }
    free(got);
}
#define EXPECT(fn, lit, want) expect_out((fn), (lit), sizeof(lit) - 1, (want))

/* True when no byte of s is a raw control or DEL (so a terminal sees none). */
static bool no_raw_controls(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

/* An independent UTF-8 validator (no overlongs, no surrogates). */
static bool valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            len = 2, cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3, cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

/* Is s, put between quotes, a valid JSON string (RFC 8259)? */
static bool valid_json_string_body(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!valid_utf8(p, strlen(s)))
        return false;
    while (*p) {
        if (*p < 0x20 || *p == '"')
            return false;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (!p[k] || !strchr("0123456789abcdefABCDEF", p[k]))
                        return false;
                p += 5;
                continue;
            }
            if (!*p || !strchr("\"\\/bfnrt", *p))
                return false;
        }
        p++;
    }
    return true;
}

/* ------------------------------------------------------------ sb_put_text */

static void test_text_plain_ascii_unchanged(void **state)
{
    (void)state;
    EXPECT(sb_put_text, "main.(*T).Run-fm(0xc000010000, {0x1, 0x2})",
           "main.(*T).Run-fm(0xc000010000, {0x1, 0x2})");
    EXPECT(sb_put_text, "", "");
}

static void test_text_escapes_esc_and_c0(void **state)
{
    (void)state;
    /* `\x1b]0;pwned\x07` would retitle the terminal; `\x1b[2J` clears it. */
    EXPECT(sb_put_text, "a\x1b[2Jb", "a\\x1b[2Jb");
    EXPECT(sb_put_text, "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07");
    EXPECT(sb_put_text, "x\ny\rz", "x\\x0ay\\x0dz");
    EXPECT(sb_put_text, "a\tb", "a\\tb");
    EXPECT(sb_put_text, "a\\b", "a\\\\b"); /* so an escape cannot be forged */
    expect_out(sb_put_text, "a\0b", 3, "a\\x00b");
}

static void test_text_escapes_del_and_c1(void **state)
{
    (void)state;
    EXPECT(sb_put_text,
           "a\x7f"
           "b",
           "a\\x7fb");
    EXPECT(sb_put_text,
           "a\xc2\x85"
           "b",
           "a\\u{0085}b"); /* NEL */
    EXPECT(sb_put_text,
           "\xc2\x9b"
           "31m",
           "\\u{009b}31m"); /* 8-bit CSI */
}

static void test_text_escapes_bidi(void **state)
{
    (void)state;
    /* Trojan Source: U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LRI */
    EXPECT(sb_put_text,
           "main.\xe2\x80\xae"
           "evil",
           "main.\\u{202e}evil");
    EXPECT(sb_put_text, "\xe2\x81\xa6x", "\\u{2066}x");
    EXPECT(sb_put_text, "\xef\xbb\xbfx", "\\u{feff}x");
}

static void test_text_escapes_invalid_utf8(void **state)
{
    (void)state;
    EXPECT(sb_put_text,
           "a\xff"
           "b",
           "a\\xffb");
    EXPECT(sb_put_text, "\xc0\xaf", "\\xc0\\xaf");          /* overlong '/' */
    EXPECT(sb_put_text, "\xed\xa0\x80", "\\xed\\xa0\\x80"); /* surrogate */
    EXPECT(sb_put_text, "x\xe6\x97", "x\\xe6\\x97");        /* cut sequence at the end */
}

static void test_text_keeps_valid_utf8(void **state)
{
    (void)state;
    EXPECT(sb_put_text, "caf\xc3\xa9", "caf\xc3\xa9");                           /* é */
    EXPECT(sb_put_text, "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac"); /* 日本 */
    EXPECT(sb_put_text, "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");                 /* U+1F600 */
    EXPECT(sb_put_text,
           "main.func\xc2\xb7"
           "001",
           "main.func\xc2\xb7"
           "001"); /* Go 1.3 middle dot */
}

/* ------------------------------------------------------------ sb_put_json */

static void test_json_escapes(void **state)
{
    (void)state;
    EXPECT(sb_put_json, "say \"hi\"\\", "say \\\"hi\\\"\\\\");
    EXPECT(sb_put_json, "a\nb\tc", "a\\nb\\tc");
    EXPECT(sb_put_json, "\x1b[31m", "\\u001b[31m");
    EXPECT(sb_put_json, "\x01\x7f", "\\u0001\\u007f");
    EXPECT(sb_put_json,
           "a\xff"
           "b",
           "a\\ufffdb");
    EXPECT(sb_put_json, "\xe2\x80\xae", "\\u202e");
    EXPECT(sb_put_json, "caf\xc3\xa9 \xe6\x97\xa5", "caf\xc3\xa9 \xe6\x97\xa5");
    expect_out(sb_put_json, "\0", 1, "\\u0000");
}

static void test_json_output_is_valid_for_every_byte(void **state)
{
    (void)state;
    /* Every single byte, every byte pair, and some mixed hostile strings. */
    char in[3];
    for (int a = 0; a < 256; a++) {
        in[0] = (char)a;
        char *out = sb_capture(sb_put_json, in, 1);
        if (!valid_json_string_body(out)) {
            print_error("byte 0x%02x -> invalid JSON \"%s\"\n", a, out);
            free(out);
            fail();
        }
        free(out);
        for (int b = 0; b < 256; b += 7) {
            in[1] = (char)b;
            out = sb_capture(sb_put_json, in, 2);
            if (!valid_json_string_body(out)) {
                print_error("bytes 0x%02x 0x%02x -> invalid JSON \"%s\"\n", a, b, out);
                free(out);
                fail();
            }
            free(out);
        }
    }
    /* Printable ASCII but '"' and '\\' passes unchanged, and only it. */
    for (int a = 0x20; a < 0x7f; a++) {
        in[0] = (char)a;
        char *out = sb_capture(sb_put_json, in, 1);
        if (a == '"' || a == '\\')
            assert_int_equal(strlen(out), 2);
        else
            assert_true(strlen(out) == 1 && out[0] == a);
        free(out);
    }
    const char *hostile[] = {"\"}],\"x\":1,\"y\":[{\"",  "\\u0000\\", "\xf4\x90\x80\x80",
                             "\xe2\x80\xa8\xe2\x80\xa9", "\xc3\x28",  "\xe6\x97"};
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        char *out = run(sb_put_json, hostile[i]);
        assert_true(valid_json_string_body(out));
        free(out);
    }
}

/* ------------------------------------------------- sb_put_markdown / html */

static void test_markdown_html_becomes_entities(void **state)
{
    (void)state;
    EXPECT(sb_put_markdown, "<script>alert(1)</script>",
           "&lt;script&gt;alert\\(1\\)&lt;/script&gt;");
    EXPECT(sb_put_markdown, "a & b", "a &amp; b");
}

static void test_markdown_link_is_escaped_text(void **state)
{
    (void)state;
    EXPECT(sb_put_markdown, "[x](http://evil)", "\\[x\\]\\(http://evil\\)");
    EXPECT(sb_put_markdown, "![img](http://evil/p.png)", "\\!\\[img\\]\\(http://evil/p.png\\)");
    EXPECT(sb_put_markdown, "*a* _b_ `c` # | ~", "\\*a\\* \\_b\\_ \\`c\\` \\# \\| \\~");
    EXPECT(sb_put_markdown, "main.(*T).Run", "main.\\(\\*T\\).Run");
}

static void test_markdown_still_escapes_controls(void **state)
{
    (void)state;
    char *out = run(sb_put_markdown, "a\x1b[2Jb\xe2\x80\xae"
                                     "c\xff");
    assert_true(no_raw_controls(out));
    assert_null(strstr(out, "\xe2\x80\xae"));
    assert_non_null(strstr(out, "\\x1b"));
    assert_non_null(strstr(out, "\\u{202e}"));
    assert_non_null(strstr(out, "\\xff"));
    free(out);
}

static void test_html(void **state)
{
    (void)state;
    EXPECT(sb_put_html, "<a href=\"x\">&`", "&lt;a href=\"x\"&gt;&amp;&#96;");
    EXPECT(sb_put_html, "a\tb", "a\tb"); /* tabs are fine in a code block */
    EXPECT(sb_put_html,
           "a\x1b"
           "b",
           "a\\x1bb");
    EXPECT(sb_put_html, "\xe6\x97\xa5", "\xe6\x97\xa5");
}

/* --------------------------------------------------------- sb_utf8_decode */

static void test_utf8_decode(void **state)
{
    (void)state;
    unsigned cp = 0;
    assert_int_equal(sb_utf8_decode((const unsigned char *)"A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(sb_utf8_decode((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
    assert_int_equal(cp, 0xe9);
    assert_int_equal(sb_utf8_decode((const unsigned char *)"\xe6\x97\xa5", 3, &cp), 3);
    assert_int_equal(cp, 0x65e5);
    assert_int_equal(sb_utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1f600);
    assert_int_equal(sb_utf8_decode((const unsigned char *)"\xc0\xaf", 2, &cp), 0);
    assert_int_equal(sb_utf8_decode((const unsigned char *)"\xe0\x80\xaf", 3, &cp), 0);
    assert_int_equal(sb_utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0);
    assert_int_equal(sb_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
    assert_int_equal(sb_utf8_decode((const unsigned char *)"\xe6\x97\xa5", 2, &cp), 0); /* cut */
    assert_int_equal(sb_utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
    assert_int_equal(sb_utf8_decode((const unsigned char *)"\xff", 1, &cp), 0);
}

/* outbuf.h: writes keep their order across a flush and around a write
 * bigger than the buffer, which goes straight to the FILE. */
static void test_outbuf_order_across_flushes(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    sb_outbuf *o = malloc(sizeof(*o));
    assert_non_null(o);
    o->f = f;
    o->n = 0;
    o->flushes = 0;
    size_t big = SB_OUTBUF + 1000, filler = SB_OUTBUF - 10;
    char *s = malloc(big);
    assert_non_null(s);
    memset(s, 'x', big);
    sb_out_str(o, "<");
    sb_out_put(o, s, filler);    /* fills the buffer but for 9 bytes */
    sb_out_str(o, "0123456789"); /* does not fit: flushes first */
    sb_out_put(o, s, big);       /* bigger than the buffer: written directly */
    sb_out_u64(o, 18446744073709551615ull);
    sb_out_printf(o, "|%s|", "end");
    sb_out_flush(o);
    assert_int_equal(fclose(f), 0);
    size_t want = 1 + filler + 10 + big + 20 + 5;
    assert_int_equal(len, want);
    assert_int_equal(buf[0], '<');
    assert_memory_equal(buf + 1 + filler, "0123456789", 10);
    assert_int_equal(buf[1 + filler + 10 + big - 1], 'x');
    assert_memory_equal(buf + want - 25, "18446744073709551615|end|", 25);
    /* Flushed before "0123456789", before the big write, and at the end. */
    assert_int_equal(o->flushes, 3);
    free(s);
    free(o);
    free(buf);
}

/* sb_out_u64 against printf, at every length of 1 to 20 digits and around
 * each power of ten. */
static void test_outbuf_numbers(void **state)
{
    (void)state;
    sb_outbuf *o = malloc(sizeof(*o));
    assert_non_null(o);
    o->f = NULL;
    uint64_t p10 = 1;
    for (int k = 0; k < 20; k++, p10 *= 10) {
        uint64_t vals[] = {p10 - 1, p10, p10 + 1, p10 * 7 + 3, UINT64_MAX - p10};
        for (size_t j = 0; j < sizeof(vals) / sizeof(vals[0]); j++) {
            char want[32];
            int n = snprintf(want, sizeof(want), "%llu", (unsigned long long)vals[j]);
            o->n = 0;
            sb_out_u64(o, vals[j]);
            assert_int_equal(o->n, (size_t)n);
            assert_memory_equal(o->b, want, (size_t)n);
        }
    }
    free(o);
}

/* sb_json_plain (16 bytes a step, the last 16 ending at the end) against
 * its definition: every byte value at every place of strings of 0 to 40
 * plain bytes. */
static void test_json_plain_every_byte_at_every_place(void **state)
{
    (void)state;
    char s[40];
    memset(s, 'a', sizeof(s));
    for (size_t n = 0; n <= sizeof(s); n++) {
        assert_true(sb_json_plain(s, n));
        for (size_t at = 0; at < n; at++) {
            for (int c = 0; c < 256; c++) {
                s[at] = (char)c;
                bool want = c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
                assert_int_equal(sb_json_plain(s, n), want);
            }
            s[at] = 'a';
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outbuf_order_across_flushes),
        cmocka_unit_test(test_outbuf_numbers),
        cmocka_unit_test(test_json_plain_every_byte_at_every_place),
        cmocka_unit_test(test_text_plain_ascii_unchanged),
        cmocka_unit_test(test_text_escapes_esc_and_c0),
        cmocka_unit_test(test_text_escapes_del_and_c1),
        cmocka_unit_test(test_text_escapes_bidi),
        cmocka_unit_test(test_text_escapes_invalid_utf8),
        cmocka_unit_test(test_text_keeps_valid_utf8),
        cmocka_unit_test(test_json_escapes),
        cmocka_unit_test(test_json_output_is_valid_for_every_byte),
        cmocka_unit_test(test_markdown_html_becomes_entities),
        cmocka_unit_test(test_markdown_link_is_escaped_text),
        cmocka_unit_test(test_markdown_still_escapes_controls),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_utf8_decode),
    };
    return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
