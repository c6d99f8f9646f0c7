/* test_input.c: the chunked line reader, over memory, over a real file
 * (mapped, and read) and over memory in reads of a chosen size
 * (sb_input_open_reads).
 *
 * The inputs are hand-written minimal cases (a few short lines, CRLF, no
 * final newline) plus generated files big enough to need several 1 MiB
 * reads: a 3 MiB line (as a log shipper that lost newlines produces) and
 * 2.6 MB of numbered lines so that lines straddle the chunk boundaries. */
#include "sb_test.h"

#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "stackblame/input.h"
#include "stackblame/model.h"
#include "stackblame/parser.h"

static void remove_temp(char *path)
{
    unlink(path);
    free(path);
}

static void expect_line(sb_input *in, const char *want)
{
    sb_span l;
    if (!sb_input_next(in, &l)) {
        print_error("no more lines, want \"%s\"\n", want);
        fail();
    }
    assert_span_equal(l, want);
}

/* ----------------------------------------------------------------- memory */

static void test_mem_lines_crlf_and_last_line(void **state)
{
    (void)state;
    const char *d = "a\nb\r\n\n\r\nlast";
    sb_input in;
    sb_input_open_mem(&in, "mem", d, strlen(d));
    expect_line(&in, "a");
    expect_line(&in, "b");
    expect_line(&in, "");
    expect_line(&in, "");
    expect_line(&in, "last");
    sb_span l;
    assert_false(sb_input_next(&in, &l));
    assert_false(sb_input_next(&in, &l));
    assert_true(in.line_no == 5);
    assert_true(in.bytes == strlen(d));
    assert_true(in.long_lines == 0);
    assert_int_equal(in.read_errno, 0);
    sb_input_close(&in);
}

static void test_mem_empty(void **state)
{
    (void)state;
    sb_input in;
    sb_span l;
    sb_input_open_mem(&in, "mem", "", 0);
    assert_false(sb_input_next(&in, &l));
    assert_true(in.line_no == 0);
    sb_input_close(&in);

    sb_input_open_mem(&in, "mem", "\n", 1);
    expect_line(&in, "");
    assert_false(sb_input_next(&in, &l));
    sb_input_close(&in);
}

/* The buffer is copied: the caller may reuse its own. */
static void test_mem_copies_data(void **state)
{
    (void)state;
    char d[] = "x\ny\n";
    sb_input in;
    sb_input_open_mem(&in, "mem", d, strlen(d));
    memset(d, 'z', 4);
    expect_line(&in, "x");
    expect_line(&in, "y");
    sb_input_close(&in);
}

/* (A memory input's over-long line is NOT cut today: see known_bugs,
 * test_bug_mem_long_line_not_cut.) */

/* ------------------------------------------------------------ a real file */

/* Each file test runs twice: the file mapped (as sb_input_open reads a
 * regular file) and read (as it reads stdin and gzip). */
static bool mapped = true, unmapped = false;

static bool open_file(sb_input *in, const char *path, char *err, size_t errlen, void **state)
{
    bool map = *(bool *)*state;
    bool ok =
        map ? sb_input_open(in, path, err, errlen) : sb_input_open_read(in, path, err, errlen);
    if (ok && in->mapped != map) {
        print_error("%s: mapped is %d, want %d\n", path, in->mapped, map);
        fail();
    }
    return ok;
}

static void test_open_missing_file(void **state)
{
    (void)state;
    sb_input in;
    char err[128] = "";
    assert_false(sb_input_open(&in, "/nonexistent/sb/dump.txt", err, sizeof(err)));
    assert_non_null(strstr(err, "No such file"));
}

/* "first", a 3 MiB line, "after", "tail": the long line spans four reads. */
static void test_file_long_line_is_cut_and_counted(void **state)
{
    size_t n = 3u << 20;
    size_t len = 6 + n + 1 + 6 + 4;
    char *d = malloc(len);
    assert_non_null(d);
    memcpy(d, "first\n", 6);
    for (size_t i = 0; i < n; i++)
        d[6 + i] = (char)('a' + i % 26);
    memcpy(d + 6 + n, "\nafter\ntail", 11);
    char *path = temp_file(d, len);

    sb_input in;
    char err[128];
    assert_true(open_file(&in, path, err, sizeof(err), state));
    expect_line(&in, "first");
    sb_span l;
    assert_true(sb_input_next(&in, &l));
    assert_int_equal(l.n, SB_INPUT_MAX_LINE);
    assert_memory_equal(l.p, d + 6, SB_INPUT_MAX_LINE); /* the head of the line, intact */
    expect_line(&in, "after");
    expect_line(&in, "tail"); /* no final newline */
    assert_false(sb_input_next(&in, &l));
    assert_true(in.long_lines == 1);
    assert_true(in.line_no == 4);
    assert_true(in.bytes == len);
    assert_int_equal(in.read_errno, 0);
    sb_input_close(&in);
    remove_temp(path);
    free(d);
}

/* A long line that ends the file without a newline. */
static void test_file_long_last_line(void **state)
{
    size_t n = (3u << 20) + 17;
    char *d = malloc(n + 6);
    assert_non_null(d);
    memcpy(d, "first\n", 6);
    memset(d + 6, 'y', n);
    char *path = temp_file(d, n + 6);
    sb_input in;
    char err[128];
    assert_true(open_file(&in, path, err, sizeof(err), state));
    expect_line(&in, "first");
    sb_span l;
    assert_true(sb_input_next(&in, &l));
    assert_int_equal(l.n, SB_INPUT_MAX_LINE);
    assert_false(sb_input_next(&in, &l));
    assert_true(in.long_lines == 1);
    sb_input_close(&in);
    remove_temp(path);
    free(d);
}

/* A last line without a newline, longer than what stands before it. The
 * read that finds the end of the file first moves the line to the front of
 * the buffer, over its own old place: the line must be read from where it
 * now is (it used to come out shifted, "goroutine 1 [" as "routine 1 [[",
 * and the goroutine was lost). Found by the parser fuzz target's small
 * reads. */
static void test_file_last_line_moved_to_front(void **state)
{
    const char *d = "x\ngoroutine 1 [running]:";
    char *path = temp_file(d, strlen(d));
    sb_input in;
    char err[128];
    assert_true(open_file(&in, path, err, sizeof(err), state));
    expect_line(&in, "x");
    expect_line(&in, "goroutine 1 [running]:");
    sb_span l;
    assert_false(sb_input_next(&in, &l));
    sb_input_close(&in);
    remove_temp(path);
}

/* The same through sb_input_open_reads at every read size from 1 to 40
 * bytes, with a CRLF and a last line without a newline (some sizes end a
 * read just before it, as above). */
static void test_reads_of_every_size(void **state)
{
    (void)state;
    const char *d = "a\nbb\r\n\ngoroutine 7 [chan receive]:\nmain.f(0x1)\n\t/x.go:1 +0x1\n"
                    "goroutine 8 [select]:";
    for (size_t r = 1; r <= 40; r++) {
        sb_input in;
        sb_input_open_reads(&in, "reads", d, strlen(d), r);
        expect_line(&in, "a");
        expect_line(&in, "bb");
        expect_line(&in, "");
        expect_line(&in, "goroutine 7 [chan receive]:");
        expect_line(&in, "main.f(0x1)");
        expect_line(&in, "\t/x.go:1 +0x1");
        expect_line(&in, "goroutine 8 [select]:");
        sb_span l;
        assert_false(sb_input_next(&in, &l));
        assert_int_equal(in.line_no, 7);
        assert_true(in.bytes == strlen(d));
        sb_input_close(&in);
    }
}

/* A line one byte shorter than the limit is not cut, even across reads. */
static void test_file_line_just_under_limit(void **state)
{
    size_t n = SB_INPUT_MAX_LINE - 1;
    char *d = malloc(3 + n + 4);
    assert_non_null(d);
    memcpy(d, "ab\n", 3);
    memset(d + 3, 'q', n);
    memcpy(d + 3 + n, "\nok\n", 4);
    char *path = temp_file(d, 3 + n + 4);
    sb_input in;
    char err[128];
    assert_true(open_file(&in, path, err, sizeof(err), state));
    expect_line(&in, "ab");
    sb_span l;
    assert_true(sb_input_next(&in, &l));
    assert_int_equal(l.n, n);
    expect_line(&in, "ok");
    assert_true(in.long_lines == 0);
    sb_input_close(&in);
    remove_temp(path);
    free(d);
}

/* 200,000 numbered 13-byte lines (2.6 MB): 1 MiB is no multiple of 13, so
 * lines straddle every chunk boundary; each must come out whole, in order. */
static void test_file_lines_straddle_chunks(void **state)
{
    const size_t count = 200000;
    char *d = malloc(count * 13);
    assert_non_null(d);
    /* Each record is 13 bytes: "line NNNNNN" and either "\r\n" (odd i) or
     * "\n " (even i: the next line then starts with a blank). */
    char rec[64];
    for (size_t i = 0; i < count; i++) {
        int k = snprintf(rec, sizeof(rec), "line %06zu%s", i, i % 2 ? "\r\n" : "\n ");
        assert_int_equal(k, 13);
        memcpy(d + i * 13, rec, 13);
    }
    char *path = temp_file(d, count * 13);
    sb_input in;
    char err[128];
    assert_true(open_file(&in, path, err, sizeof(err), state));
    sb_span l;
    char want[32];
    for (size_t i = 0; i < count; i++) {
        if (!sb_input_next(&in, &l)) {
            print_error("input ended at line %zu\n", i);
            fail();
        }
        snprintf(want, sizeof(want), "%sline %06zu", i % 2 ? " " : "", i);
        if (l.n != strlen(want) || memcmp(l.p, want, l.n) != 0) {
            print_error("line %zu: got \"%.*s\", want \"%s\"\n", i, (int)l.n, l.p, want);
            fail();
        }
    }
    assert_false(sb_input_next(&in, &l));
    assert_true(in.line_no == count);
    assert_true(in.long_lines == 0);
    assert_true(in.bytes == count * 13);
    sb_input_close(&in);
    remove_temp(path);
    free(d);
}

/* Through the parser: the long line is counted in the model's stats and the
 * goroutine after it still parses. */
static void test_parse_file_with_long_line(void **state)
{
    const char *head = "goroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1d\n\n";
    const char *tail = "\ngoroutine 2 [select]:\nmain.f()\n\t/x/main.go:9 +0x1d\n";
    size_t n = 3u << 20, hl = strlen(head), tl = strlen(tail);
    char *d = malloc(hl + n + tl);
    assert_non_null(d);
    memcpy(d, head, hl);
    memset(d + hl, 'z', n);
    memcpy(d + hl + n, tail, tl);
    char *path = temp_file(d, hl + n + tl);

    sb_model m;
    sb_model_init(&m);
    sb_parser *p = sb_parser_new(&m, NULL);
    sb_input in;
    char err[128];
    assert_true(open_file(&in, path, err, sizeof(err), state));
    assert_true(sb_parse_input(p, &in, NULL, err, sizeof(err)));
    sb_input_close(&in);
    sb_parser_free(p);
    assert_int_equal(m.ngoroutines, 2);
    assert_true(m.stats.long_lines == 1);
    assert_true(m.stats.bytes == hl + n + tl);
    assert_true(m.stats.skipped_lines == 1);
    assert_int_equal(m.goroutines[1].flags & SB_G_TRUNCATED, 0);
    sb_model_free(&m);
    remove_temp(path);
    free(d);
}

/* ------------------------------------------------------------ mapping */

/* gzip is inflated through read(), and a file too short for the gzip
 * magic is read too: neither is mapped, both read right. */
static void test_gzip_and_tiny_files_are_read(void **state)
{
    (void)state;
    char *path = temp_file("", 0);
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    const char *text = "goroutine 1 [running]:\nmain.main()\n";
    assert_int_equal(gzputs(gz, text), (int)strlen(text));
    assert_int_equal(gzclose(gz), Z_OK);
    sb_input in;
    char err[128];
    assert_true(sb_input_open(&in, path, err, sizeof(err)));
    assert_false(in.mapped);
    expect_line(&in, "goroutine 1 [running]:");
    expect_line(&in, "main.main()");
    sb_span l;
    assert_false(sb_input_next(&in, &l));
    sb_input_close(&in);
    remove_temp(path);

    path = temp_file("x", 1);
    assert_true(sb_input_open(&in, path, err, sizeof(err)));
    assert_false(in.mapped);
    expect_line(&in, "x");
    assert_false(sb_input_next(&in, &l));
    sb_input_close(&in);
    remove_temp(path);
}

/* Resident pages of this process (file pages it maps included). */
static long resident_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0;
    assert_non_null(f);
    assert_int_equal(fscanf(f, "%ld %ld", &size, &res), 2);
    fclose(f);
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Fails when resident memory grew by more than 8 MiB while reading what. */
static void expect_growth_below_8mib(long before, long most, const char *what)
{
    if (most - before > 8 * 1024) {
        print_error("resident memory grew by %ld KiB reading %s\n", most - before, what);
        fail();
    }
}

/* A 48 MiB mapped file read to its end: every line comes back, and the
 * pages behind the reader are handed back, so the memory it holds stays
 * near the chunk or two input.c keeps mapped, not the file's size. */
static void test_mapped_pages_are_handed_back(void **state)
{
    (void)state;
    size_t nlines = 768 * 1024, len = nlines * 64;
    char *d = malloc(len);
    assert_non_null(d);
    for (size_t i = 0; i < nlines; i++) {
        snprintf(d + 64 * i, 65, "%-63zu", i);
        d[64 * i + 63] = '\n';
    }
    char *path = temp_file(d, len);
    free(d);
    sb_input in;
    char err[128];
    long before = resident_kib(), most = before;
    assert_true(sb_input_open(&in, path, err, sizeof(err)));
    assert_true(in.mapped);
    sb_span l;
    size_t n = 0;
    while (sb_input_next(&in, &l)) {
        char want[64];
        snprintf(want, sizeof(want), "%-63zu", n);
        assert_true(l.n == 63 && memcmp(l.p, want, 63) == 0);
        if (++n % 4096 == 0) {
            long now = resident_kib();
            most = now > most ? now : most;
        }
    }
    assert_true(n == nlines);
    assert_true(in.bytes == len);
    sb_input_close(&in);
    remove_temp(path);
    expect_growth_below_8mib(before, most, "a 48 MiB file");
}

/* A 40 MiB line in a mapped file: cut at the limit and its tail dropped,
 * a window at a time, so it is never in memory whole (the read path holds
 * at most a buffer of it). */
static void test_mapped_long_line_is_not_held(void **state)
{
    (void)state;
    size_t n = 40u << 20, len = 6 + n + 5;
    char *d = malloc(len);
    assert_non_null(d);
    memcpy(d, "first\n", 6);
    memset(d + 6, 'x', n);
    memcpy(d + 6 + n, "\nlast", 5);
    char *path = temp_file(d, len);
    free(d);
    sb_input in;
    char err[128];
    long before = resident_kib();
    assert_true(sb_input_open(&in, path, err, sizeof(err)));
    assert_true(in.mapped);
    expect_line(&in, "first");
    sb_span l;
    assert_true(sb_input_next(&in, &l));
    assert_int_equal(l.n, SB_INPUT_MAX_LINE);
    long most = resident_kib();
    expect_line(&in, "last");
    most = resident_kib() > most ? resident_kib() : most;
    assert_false(sb_input_next(&in, &l));
    assert_true(in.long_lines == 1);
    sb_input_close(&in);
    remove_temp(path);
    expect_growth_below_8mib(before, most, "a 40 MiB line");
}

/* A mapped file cut short by another process while it is read: the
 * missing pages fault (SIGBUS), and the reader ends the process with exit
 * status 2 and a line naming the file, as a failed read() would. Run in
 * a child process, which it ends. */
static void test_mapped_file_cut_short(void **state)
{
    (void)state;
    size_t len = 6u << 20;
    char *d = malloc(len);
    assert_non_null(d);
    memset(d, 'a', len);
    for (size_t i = 99; i < len; i += 100)
        d[i] = '\n';
    char *path = temp_file(d, len);
    free(d);
    int err_pipe[2];
    assert_int_equal(pipe(err_pipe), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(err_pipe[1], 2);
        sb_input in;
        char err[128];
        if (!sb_input_open(&in, path, err, sizeof(err)) || !in.mapped)
            _exit(10);
        in.name = "dump.txt";
        if (truncate(path, 1u << 20) != 0)
            _exit(11);
        sb_span l;
        while (sb_input_next(&in, &l))
            ;
        _exit(12); /* read past the cut without a fault */
    }
    close(err_pipe[1]);
    char msg[256] = "";
    size_t got = 0;
    ssize_t r;
    while (got < sizeof(msg) - 1 && (r = read(err_pipe[0], msg + got, sizeof(msg) - 1 - got)) > 0)
        got += (size_t)r;
    close(err_pipe[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    remove_temp(path);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    assert_string_equal(msg,
                        "stackblame: dump.txt: the file shrank while it was read (cut by another "
                        "process?)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mem_lines_crlf_and_last_line),
        cmocka_unit_test(test_mem_empty),
        cmocka_unit_test(test_mem_copies_data),
        cmocka_unit_test(test_open_missing_file),
        cmocka_unit_test_prestate(test_file_long_line_is_cut_and_counted, &mapped),
        cmocka_unit_test_prestate(test_file_long_line_is_cut_and_counted, &unmapped),
        cmocka_unit_test_prestate(test_file_long_last_line, &mapped),
        cmocka_unit_test_prestate(test_file_long_last_line, &unmapped),
        cmocka_unit_test_prestate(test_file_line_just_under_limit, &mapped),
        cmocka_unit_test_prestate(test_file_line_just_under_limit, &unmapped),
        cmocka_unit_test_prestate(test_file_last_line_moved_to_front, &mapped),
        cmocka_unit_test_prestate(test_file_last_line_moved_to_front, &unmapped),
        cmocka_unit_test(test_reads_of_every_size),
        cmocka_unit_test_prestate(test_file_lines_straddle_chunks, &mapped),
        cmocka_unit_test_prestate(test_file_lines_straddle_chunks, &unmapped),
        cmocka_unit_test_prestate(test_parse_file_with_long_line, &mapped),
        cmocka_unit_test_prestate(test_parse_file_with_long_line, &unmapped),
        cmocka_unit_test(test_gzip_and_tiny_files_are_read),
        cmocka_unit_test(test_mapped_pages_are_handed_back),
        cmocka_unit_test(test_mapped_long_line_is_not_held),
        cmocka_unit_test(test_mapped_file_cut_short),
    };
    return cmocka_run_group_tests_name("input", tests, NULL, NULL);
}
