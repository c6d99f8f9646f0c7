/* sb_test.h: small helpers shared by the cmocka unit tests.
 *
 * All test inputs in tests/unit are hand-written minimal cases. Each line is
 * copied from (or shaped exactly like) what a Go runtime of the named version
 * prints; none is a complete real dump. The real dumps live in fixtures/ and
 * are exercised by the end-to-end tests. */
#ifndef STACKBLAME_TEST_H
#define STACKBLAME_TEST_H

/* cmocka.h needs these before it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>
#include "stackblame/model.h"
#include "stackblame/span.h"

/* A span over a C string literal (no copy; the literal outlives the test). */
static inline sb_span S(const char *s)
{
    return sb_span_make(s, strlen(s));
}

/* Compares a span with a C string and reports both on failure. */
static inline void sb_check_span(sb_span got, const char *want, const char *file, int line)
{
    size_t wn = strlen(want);
    if (got.n == wn && (wn == 0 || memcmp(got.p, want, wn) == 0))
        return;
    print_error("span mismatch: got \"%.*s\" (%zu bytes), want \"%s\" (%zu bytes)\n", (int)got.n,
                got.p ? got.p : "", got.n, want, wn);
    _fail(file, line);
}
#define assert_span_equal(got, want) sb_check_span((got), (want), __FILE__, __LINE__)

/* Runs an output function into a malloc'd, NUL-terminated buffer. */
typedef void (*sb_put_fn)(FILE *out, const char *s, size_t n);
static inline char *sb_capture(sb_put_fn fn, const char *s, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fn(f, s, n);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* Shared fixtures of the parser, input and regression tests. */
static inline int setup_model(void **state)
{
    sb_model *m = malloc(sizeof(*m));
    if (!m)
        return -1;
    sb_model_init(m);
    *state = m;
    return 0;
}

static inline int teardown_model(void **state)
{
    sb_model *m = *state;
    sb_model_free(m);
    free(m);
    return 0;
}

static inline char *temp_file(const char *data, size_t len)
{
    char *path = strdup("/tmp/sb_test_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        assert_true(w > 0);
        off += (size_t)w;
    }
    assert_int_equal(close(fd), 0);
    return path;
}

#endif
