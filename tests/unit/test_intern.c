/* test_intern.c: blob interning (ids, lookups, binary keys, growth).
 *
 * The inputs are hand-written minimal cases: function names, file paths and
 * small binary frame-id vectors like the parser interns. */
#include "sb_test.h"

#include "stackblame/arena.h"
#include "stackblame/intern.h"

typedef struct {
    sb_arena arena;
    sb_intern t;
} fixture;

static int setup(void **state)
{
    fixture *f = malloc(sizeof(*f));
    if (!f)
        return -1;
    sb_arena_init(&f->arena);
    sb_intern_init(&f->t, &f->arena);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sb_intern_free(&f->t);
    sb_arena_free(&f->arena);
    free(f);
    return 0;
}

static void test_empty_blob_is_id_0(void **state)
{
    fixture *f = *state;
    assert_int_equal(sb_intern_count(&f->t), 1);
    assert_int_equal(sb_intern_put(&f->t, "", 0), 0);
    assert_int_equal(sb_intern_find(&f->t, "", 0), 0);
    assert_int_equal(sb_intern_len(&f->t, 0), 0);
    assert_string_equal(sb_intern_data(&f->t, 0), "");
}

static void test_same_blob_same_id(void **state)
{
    fixture *f = *state;
    uint32_t a = sb_intern_put(&f->t, "main.main", 9);
    uint32_t b = sb_intern_put(&f->t, "sync.(*Mutex).lockSlow", 22);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    /* From another buffer: found by content, not by pointer. */
    char copy[] = "main.main";
    assert_int_equal(sb_intern_put(&f->t, copy, 9), a);
    assert_int_equal(sb_intern_count(&f->t), 3);
    assert_int_equal(sb_intern_find(&f->t, "sync.(*Mutex).lockSlow", 22), b);
    assert_int_equal(sb_intern_find(&f->t, "main.mai", 8), UINT32_MAX);
    assert_int_equal(sb_intern_count(&f->t), 3); /* find adds nothing */
}

static void test_data_is_a_nul_terminated_copy(void **state)
{
    fixture *f = *state;
    char buf[] = "/x/main.go";
    uint32_t id = sb_intern_put(&f->t, buf, 6); /* "/x/mai" */
    memset(buf, '?', sizeof(buf) - 1);
    assert_string_equal(sb_intern_data(&f->t, id), "/x/mai");
    assert_int_equal(sb_intern_len(&f->t, id), 6);
}

static void test_binary_blobs(void **state)
{
    fixture *f = *state;
    const uint32_t v1[] = {1, 2, 3}, v2[] = {1, 2, 4};
    uint32_t a = sb_intern_put(&f->t, v1, sizeof(v1));
    uint32_t b = sb_intern_put(&f->t, v2, sizeof(v2));
    uint32_t c = sb_intern_put(&f->t, v1, 2 * sizeof(uint32_t)); /* a prefix */
    assert_int_not_equal(a, b);
    assert_int_not_equal(a, c);
    assert_int_equal(sb_intern_put(&f->t, v1, sizeof(v1)), a);
    assert_memory_equal(sb_intern_data(&f->t, b), v2, sizeof(v2));
    /* Embedded NUL bytes are part of the key. */
    uint32_t d = sb_intern_put(&f->t, "a\0b", 3);
    uint32_t e = sb_intern_put(&f->t, "a\0c", 3);
    assert_int_not_equal(d, e);
    assert_int_not_equal(d, sb_intern_put(&f->t, "a", 1));
}

static void test_many_ids_stay_dense_and_stable(void **state)
{
    fixture *f = *state;
    char key[32];
    for (unsigned i = 0; i < 20000; i++) {
        int n = snprintf(key, sizeof(key), "pkg.F%u", i);
        assert_int_equal(sb_intern_put(&f->t, key, (size_t)n), i + 1);
    }
    for (unsigned i = 0; i < 20000; i += 997) {
        int n = snprintf(key, sizeof(key), "pkg.F%u", i);
        assert_int_equal(sb_intern_find(&f->t, key, (size_t)n), i + 1);
        assert_memory_equal(sb_intern_data(&f->t, i + 1), key, (size_t)n);
    }
    assert_int_equal(sb_intern_count(&f->t), 20001);
}

static void test_out_of_range_id(void **state)
{
    fixture *f = *state;
    assert_string_equal(sb_intern_data(&f->t, 12345), "");
    assert_int_equal(sb_intern_len(&f->t, 12345), 0);
}

static void test_hash(void **state)
{
    (void)state;
    assert_true(sb_hash_bytes("main.main", 9) == sb_hash_bytes("main.main", 9));
    assert_true(sb_hash_bytes("main.main", 9) != sb_hash_bytes("main.mair", 9));
    assert_true(sb_hash_bytes("", 0) != sb_hash_bytes("\0", 1));
    /* The 8-byte word loop and the byte tail both count. */
    assert_true(sb_hash_bytes("0123456789abcdef", 16) != sb_hash_bytes("0123456789abcdeg", 16));
    assert_true(sb_hash_bytes("1123456789abcdef", 16) != sb_hash_bytes("0123456789abcdef", 16));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_empty_blob_is_id_0),
        T(test_same_blob_same_id),
        T(test_data_is_a_nul_terminated_copy),
        T(test_binary_blobs),
        T(test_many_ids_stay_dense_and_stable),
        T(test_out_of_range_id),
        T(test_hash),
    };
#undef T
    return cmocka_run_group_tests_name("intern", tests, NULL, NULL);
}
