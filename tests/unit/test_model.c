/* test_model.c: argument refs (model.h): which receivers are kept as
 * numbers (read from a whole text or from the start of an argument list),
 * their text written back (every length of number), and what sb_arg_word
 * and sb_arg_same make of them. Hand-written minimal cases. */
#include "sb_test.h"

#include "stackblame/classify.h"
#include "stackblame/lexer.h"

/* The text of ref a, in a buffer that lives until the next call. */
static const char *text(const sb_model *m, uint32_t a)
{
    static char out[64];
    char buf[SB_ARG_TEXT_MAX];
    size_t n;
    const char *s = sb_arg_text(m, a, buf, &n);
    assert_true(n < sizeof(out));
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

/* Go prints an address "0x" and lowercase hex digits without leading
 * zeros, "?" behind it when the value may be stale: those, and only
 * those, are numbers, and their text comes back byte for byte. */
static void test_numbers_round_trip(void **state)
{
    sb_model *m = *state;
    static const char *const numbers[] = {
        "0x0",
        "0x0?",
        "0x1",
        "0xc000123450",
        "0xc000123450?",
        "0x7fffffffffffffff",
        "0x7fffffffffffffff?",
        "0xabcdef",
    };
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        uint64_t packed;
        assert_true(sb_arg_number(numbers[i], strlen(numbers[i]), &packed));
        uint32_t a = sb_arg_add_number(m, packed);
        assert_true(a & SB_ARG_NUM);
        assert_string_equal(text(m, a), numbers[i]);
    }
    /* Any other text stays a string: its own text could not be rebuilt. */
    static const char *const strings[] = {
        "",
        "0x",
        "0x?",
        "0x00",
        "0x01",
        "0xABC",
        "0xc00012345g",
        "0x8000000000000000",
        "0x1??",
        "1",
        "0",
        "x1",
        "0x1 ",
        " 0x1",
        "{0x1}",
        "...",
        "0x1, 0x2",
        "0x10000000000000000",
    };
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        uint64_t packed;
        if (sb_arg_number(strings[i], strlen(strings[i]), &packed)) {
            print_error("\"%s\" read as a number\n", strings[i]);
            fail();
        }
    }
}

/* sb_arg_number_text against snprintf: every length of number and every
 * digit, with and without "?", and no byte written past the
 * SB_ARG_TEXT_MAX - 1 it may use. */
static void test_number_text_every_length(void **state)
{
    sb_model *m = *state;
    for (unsigned ndig = 1; ndig <= 16; ndig++) {
        for (unsigned pat = 0; pat < 4; pat++) {
            uint64_t v = 0;
            for (unsigned k = 0; k < ndig; k++) {
                /* 0-f cycling, all f, a 1 then 0s, the digits of a multiplier */
                unsigned d = pat == 0   ? (k * 7 + ndig) % 16
                             : pat == 1 ? 15
                             : pat == 2 ? (k == 0)
                                        : (unsigned)(0x9e3779b97f4a7c15ull >> (4 * (k % 16))) & 15;
                v = v << 4 | d;
            }
            if (v >> (4 * ndig - 4) == 0)
                v |= 1ull << (4 * ndig - 4); /* keep ndig digits: no leading 0 */
            v &= 0x7fffffffffffffffull;      /* what a packed number holds */
            for (unsigned mark = 0; mark < 2; mark++) {
                char want[32], got[32];
                snprintf(want, sizeof(want), "0x%llx%s", (unsigned long long)v, mark ? "?" : "");
                memset(got, '#', sizeof(got));
                uint32_t a = sb_arg_add_number(m, v << 1 | mark);
                char *end = sb_arg_number_text(m, a, got);
                assert_int_equal(end - got, strlen(want));
                assert_memory_equal(got, want, strlen(want));
                for (size_t i = SB_ARG_TEXT_MAX - 1; i < sizeof(got); i++)
                    assert_int_equal(got[i], '#');
            }
        }
    }
}

/* The parser reads a receiver with sb_arg_number_at straight from its
 * frame's argument list when an address and then ',' or nothing are
 * there: that must be exactly when the first argument, as
 * sb_args_first_text cuts it, is a number, and the same number. */
static void test_number_at_the_start_of_a_list(void **state)
{
    (void)state;
    static const char *const lists[] = {
        "0xc000123450",
        "0xc000123450, 0x1",
        "0xc000123450?, 0x1?",
        "0x0?, {0x1, 0x2}",
        "0x0",
        "0x7fffffffffffffff,",
        "0x8000000000000000, 0x1",
        "0x10000000000000000",
        "0x1234567890abcdef0, 0x1",
        "0x01, 0x2",
        "0xABC, 0x1",
        "0xc00012345g, 0x1",
        "0xc000123450 , 0x1",
        "0x1??, 0x2",
        "0x1{0x2, 0x3}",
        "0x, 0x1",
        "0x",
        "{0x1}, 0x2",
        "...",
        "",
        "1, 0x2",
    };
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        sb_span args = S(lists[i]);
        sb_span first = sb_args_first_text(args);
        uint64_t want = 1, got = 2;
        bool is_number = sb_arg_number(first.p, first.n, &want);
        size_t n = sb_arg_number_at(args.p, args.n, &got);
        bool taken = n && (n == args.n || args.p[n] == ',');
        if (taken != is_number) {
            print_error("\"%s\": taken %d, first argument a number %d\n", lists[i], taken,
                        is_number);
            fail();
        }
        if (is_number) {
            assert_int_equal(n, first.n);
            assert_true(got == want);
        }
    }
}

/* sb_arg_word of a number is sb_args_first_word of its text; of a string,
 * that of the string. */
static void test_word_as_of_the_text(void **state)
{
    sb_model *m = *state;
    static const char *const cases[] = {"0x0", "0x0?", "0xc000010000", "0xc000010000?",
                                        "0x7fffffffffffffff"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t packed, v = 7, w = 7;
        assert_true(sb_arg_number(cases[i], strlen(cases[i]), &packed));
        uint32_t a = sb_arg_add_number(m, packed);
        bool got = sb_arg_word(m, a, &v);
        bool want = sb_args_first_word(S(cases[i]), &w);
        assert_int_equal(got, want);
        assert_true(v == w);
    }
    uint32_t s = sb_intern_put(&m->strings, "42, 0x1", 7);
    uint64_t v = 0;
    assert_true(sb_arg_word(m, s, &v));
    assert_true(v == 42);
    assert_false(sb_arg_word(m, SB_ARG_NUM | 12345, &v)); /* no such number */
}

/* Two refs have the same text when both are numbers of one value and mark
 * or both strings of one text. */
static void test_same_text(void **state)
{
    sb_model *m = *state;
    uint64_t x, xq;
    assert_true(sb_arg_number("0xc000010000", 12, &x));
    assert_true(sb_arg_number("0xc000010000?", 13, &xq));
    uint32_t a = sb_arg_add_number(m, x), b = sb_arg_add_number(m, x), c = sb_arg_add_number(m, xq);
    assert_int_not_equal(a, b);
    assert_true(sb_arg_same(m, a, b));
    assert_false(sb_arg_same(m, a, c));
    uint32_t s = sb_intern_append(&m->strings, "{0x1}", 5),
             t = sb_intern_append(&m->strings, "{0x1}", 5);
    assert_true(sb_arg_same(m, s, t));
    assert_false(sb_arg_same(m, s, sb_intern_append(&m->strings, "{0x2}", 5)));
    assert_false(sb_arg_same(m, s, a));
    assert_true(sb_arg_same(m, 0, 0));
    assert_false(sb_arg_same(m, 0, a));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_model, teardown_model)
    const struct CMUnitTest tests[] = {
        T(test_numbers_round_trip),
        T(test_number_text_every_length),
        T(test_number_at_the_start_of_a_list),
        T(test_word_as_of_the_text),
        T(test_same_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
