/* test_race.c: sb_races (race.c), the reader of Go race-detector reports.
 *
 * Three kinds of input, each marked where it is used:
 * - excerpts of real reports: ../shared/corpus/real/panicparse-static_panic_race.txt
 *   (Go 1.1x), ../shared/corpus/real/cf-networking-policy-server-race-go17.txt
 *   (Go 1.7), and fixtures/race/race-only.txt (Go 1.19, fixtures/gen/race);
 * - hand-written minimal cases, shaped like what TSan's Go mode prints
 *   (compiler-rt tsan_report.cpp, PrintMop / PrintThread / PrintStack);
 * - generated input (the caps).
 *
 * Lines reach sb_races_line the way the parser hands them: trimmed, each in
 * a buffer of exactly its length (no NUL after it) that is freed right
 * after the call, so an ASan build catches a read past a span or a kept
 * pointer into it. */
#include "sb_test.h"

#include "stackblame/race.h"

/* ---- feeding ------------------------------------------------------------ */

static void feed(sb_races *r, const char *line)
{
    sb_span s = sb_span_trim(S(line));
    char *buf = malloc(s.n ? s.n : 1);
    assert_non_null(buf);
    memcpy(buf, s.p, s.n);
    sb_races_line(r, sb_span_make(buf, s.n));
    free(buf);
}

/* Feeds a text as the parser would: "WARNING: DATA RACE" begins a report
 * (label 7, source 3, its 1-based line number), "==================" ends
 * it, every other line is handed over trimmed. */
static void feed_text(sb_races *r, const char *text)
{
    uint64_t line_no = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, n);
        assert_non_null(line);
        sb_span t = sb_span_trim(S(line));
        line_no++;
        if (t.n == 18 && memcmp(t.p, "WARNING: DATA RACE", 18) == 0)
            sb_races_begin(r, line_no, 7, 3);
        else if (t.n == 18 && memcmp(t.p, "==================", 18) == 0)
            sb_races_end(r);
        else
            feed(r, line);
        free(line);
        p += n + (nl != NULL);
    }
}

static int setup(void **state)
{
    sb_races *r = malloc(sizeof(*r));
    if (!r)
        return -1;
    sb_races_init(r);
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    sb_races *r = *state;
    sb_races_free(r);
    free(r);
    return 0;
}

/* ---- checks ------------------------------------------------------------- */

static void check_frame(const sb_race_frame *f, const char *func, const char *file, uint32_t line,
                        const char *where, int at)
{
    if (strcmp(f->func, func) != 0 || (file == NULL) != (f->file == NULL) ||
        (file && strcmp(f->file, file) != 0) || f->line != line) {
        print_error("frame: got %s %s:%u, want %s %s:%u\n", f->func, f->file ? f->file : "(null)",
                    f->line, func, file ? file : "(null)", line);
        _fail(where, at);
    }
}
#define assert_frame(f, func, file, line)                                                          \
    check_frame((f), (func), (file), (line), __FILE__, __LINE__)

/* The access's goroutine, kind and stack sizes in one go. */
static void check_access(const sb_race_access *a, bool write, bool previous, uint64_t g,
                         size_t nframes, const char *gstate, size_t ncreated, const char *where,
                         int at)
{
    bool ok = a->write == write && a->previous == previous && a->goroutine == g &&
              a->main == false && a->nframes == nframes && a->ncreated == ncreated &&
              (gstate == NULL) == (a->gstate == NULL) &&
              (gstate == NULL || strcmp(gstate, a->gstate) == 0);
    if (!ok) {
        print_error("access: got write=%d previous=%d g=%llu main=%d nframes=%zu gstate=%s "
                    "ncreated=%zu\n",
                    a->write, a->previous, (unsigned long long)a->goroutine, a->main, a->nframes,
                    a->gstate ? a->gstate : "(null)", a->ncreated);
        _fail(where, at);
    }
}
#define assert_access(a, write, previous, g, nframes, gstate, ncreated)                            \
    check_access((a), (write), (previous), (g), (nframes), (gstate), (ncreated), __FILE__, __LINE__)

/* ---- real reports ------------------------------------------------------- */

/* Excerpt of ../shared/corpus/real/panicparse-static_panic_race.txt, lines
 * 3-28 verbatim: read / previous write, both goroutines running. */
static const char PANICPARSE[] =
    "==================\n"
    "WARNING: DATA RACE\n"
    "Read at 0x00c000014100 by goroutine 8:\n"
    "  main.panicDoRaceRead()\n"
    "      /go/src/github.com/maruel/panicparse/cmd/panic/main.go:137 +0x3a\n"
    "  main.panicRace.func2()\n"
    "      /go/src/github.com/maruel/panicparse/cmd/panic/main.go:154 +0x38\n"
    "\n"
    "Previous write at 0x00c000014100 by goroutine 7:\n"
    "  main.panicDoRaceWrite()\n"
    "      /go/src/github.com/maruel/panicparse/cmd/panic/main.go:132 +0x41\n"
    "  main.panicRace.func1()\n"
    "      /go/src/github.com/maruel/panicparse/cmd/panic/main.go:151 +0x38\n"
    "\n"
    "Goroutine 8 (running) created at:\n"
    "  main.panicRace()\n"
    "      /go/src/github.com/maruel/panicparse/cmd/panic/main.go:153 +0xa1\n"
    "  main.main()\n"
    "      /go/src/github.com/maruel/panicparse/cmd/panic/main.go:54 +0x6c8\n"
    "\n"
    "Goroutine 7 (running) created at:\n"
    "  main.panicRace()\n"
    "      /go/src/github.com/maruel/panicparse/cmd/panic/main.go:150 +0x7f\n"
    "  main.main()\n"
    "      /go/src/github.com/maruel/panicparse/cmd/panic/main.go:54 +0x6c8\n"
    "==================\n";

#define PP "/go/src/github.com/maruel/panicparse/cmd/panic/main.go"

static void test_panicparse_read_previous_write(void **state)
{
    sb_races *r = *state;
    feed_text(r, PANICPARSE);
    assert_int_equal(r->n, 1);
    const sb_race *race = &r->v[0];
    assert_int_equal(race->line_no, 2);
    assert_int_equal(race->label, 7);
    assert_int_equal(race->source, 3);
    assert_false(race->truncated);
    assert_int_equal(race->naccess, 2);
    const sb_race_access *cur = &race->access[0], *prev = &race->access[1];
    assert_access(cur, false, false, 8, 2, "running", 2);
    assert_access(prev, true, true, 7, 2, "running", 2);
    assert_int_equal(cur->addr, 0xc000014100);
    assert_int_equal(prev->addr, 0xc000014100);
    assert_frame(&cur->frames[0], "main.panicDoRaceRead", PP, 137);
    assert_frame(&cur->frames[1], "main.panicRace.func2", PP, 154);
    assert_frame(&prev->frames[0], "main.panicDoRaceWrite", PP, 132);
    assert_frame(&prev->frames[1], "main.panicRace.func1", PP, 151);
    /* Each creation stack with its own goroutine: 8 at :153, 7 at :150. */
    assert_frame(&cur->created[0], "main.panicRace", PP, 153);
    assert_frame(&cur->created[1], "main.main", PP, 54);
    assert_frame(&prev->created[0], "main.panicRace", PP, 150);
    assert_int_equal(cur->frames_dropped + cur->created_dropped, 0);
}

/* Excerpt of ../shared/corpus/real/cf-networking-policy-server-race-go17.txt
 * (Go 1.7): lines 1-6, 37-72 and 102 verbatim; the other frames are left
 * out. Go 1.7 indents the sections after the first differently; the
 * method value "(finalCloser).(database/sql.finalClose)-fm", the
 * "<autogenerated>" file and a relative path are in it. */
static const char CF_GO17[] =
    "WARNING: DATA RACE\n"
    "Write at 0x00c4204402c8 by goroutine 12:\n"
    "  database/sql.(*driverConn).finalClose()\n"
    "      /usr/local/go/src/database/sql/sql.go:361 +0x172\n"
    "  database/sql.(finalCloser).(database/sql.finalClose)-fm()\n"
    "      /usr/local/go/src/database/sql/sql.go:449 +0x46\n"
    "  testing.tRunner()\n"
    "      /usr/local/go/src/testing/testing.go:610 +0xc9\n"
    "\n"
    "Previous read at 0x00c4204402c8 by goroutine 38:\n"
    "database/sql.(*DB).queryConn()\n"
    "  /usr/local/go/src/database/sql/sql.go:1085 +0x7a\n"
    "database/sql.(*Tx).Query()\n"
    "  /usr/local/go/src/database/sql/sql.go:1410 +0x156\n"
    "database/sql.(*Tx).QueryRow()\n"
    "  /usr/local/go/src/database/sql/sql.go:1417 +0x80\n"
    "github.com/jmoiron/sqlx.(*Tx).QueryRow()\n"
    "  <autogenerated>:76 +0x95\n"
    "policy-server/store.(*Group).findRowByGUID()\n"
    "  /cf-networking-release/src/policy-server/store/group.go:46 +0x1a2\n"
    "policy-server/store.(*Group).Create()\n"
    "  /cf-networking-release/src/policy-server/store/group.go:19 +0x84\n"
    "policy-server/store.(*store).Create.func1()\n"
    "  /cf-networking-release/src/policy-server/store/store.go:141 +0x174\n"
    "\n"
    "  Goroutine 12 (running) created at:\n"
    "testing.(*T).Run()\n"
    "  /usr/local/go/src/testing/testing.go:646 +0x52f\n"
    "testing.RunTests.func1()\n"
    "  /usr/local/go/src/testing/testing.go:793 +0xb9\n"
    "testing.tRunner()\n"
    "  /usr/local/go/src/testing/testing.go:610 +0xc9\n"
    "testing.RunTests()\n"
    "  /usr/local/go/src/testing/testing.go:799 +0x4ea\n"
    "testing.(*M).Run()\n"
    "  /usr/local/go/src/testing/testing.go:743 +0x12f\n"
    "main.main()\n"
    "  policy-server/store/_test/_testmain.go:56 +0x1b8\n"
    "\n"
    "  Goroutine 38 (running) created at:\n"
    "policy-server/store.(*store).Create()\n"
    "  /cf-networking-release/src/policy-server/store/store.go:162 +0x1ed\n"
    "  ==================\n";

static void test_go17_write_previous_read(void **state)
{
    sb_races *r = *state;
    feed_text(r, CF_GO17);
    assert_int_equal(r->n, 1);
    const sb_race *race = &r->v[0];
    assert_int_equal(race->line_no, 1);
    assert_false(race->truncated);
    assert_int_equal(race->naccess, 2);
    const sb_race_access *cur = &race->access[0], *prev = &race->access[1];
    assert_access(cur, true, false, 12, 3, "running", 6);
    assert_access(prev, false, true, 38, 7, "running", 1);
    assert_int_equal(cur->addr, 0xc4204402c8);
    assert_frame(&cur->frames[0], "database/sql.(*driverConn).finalClose",
                 "/usr/local/go/src/database/sql/sql.go", 361);
    assert_frame(&cur->frames[1], "database/sql.(finalCloser).(database/sql.finalClose)-fm",
                 "/usr/local/go/src/database/sql/sql.go", 449);
    assert_frame(&prev->frames[3], "github.com/jmoiron/sqlx.(*Tx).QueryRow", "<autogenerated>", 76);
    assert_frame(&prev->frames[6], "policy-server/store.(*store).Create.func1",
                 "/cf-networking-release/src/policy-server/store/store.go", 141);
    assert_frame(&cur->created[0], "testing.(*T).Run", "/usr/local/go/src/testing/testing.go", 646);
    assert_frame(&cur->created[5], "main.main", "policy-server/store/_test/_testmain.go", 56);
    assert_frame(&prev->created[0], "policy-server/store.(*store).Create",
                 "/cf-networking-release/src/policy-server/store/store.go", 162);
}

/* Excerpt of fixtures/race/race-only.txt (Go 1.19, fixtures/gen/race):
 * its first and third reports verbatim, and its last line. The first
 * names a finished goroutine, listed after the running one; the third
 * the main goroutine, which has no "created at" section. */
static const char FIXTURE_GO119[] = "==================\n"
                                    "WARNING: DATA RACE\n"
                                    "Read at 0x00c00009c180 by goroutine 9:\n"
                                    "  runtime.mapaccess2_faststr()\n"
                                    "      /usr/lib/go-1.19/src/runtime/map_faststr.go:108 +0x0\n"
                                    "  main.(*priceCache).lookup()\n"
                                    "      /tmp/stackblame-gen/race/main.go:44 +0x5a\n"
                                    "  main.(*handler).serve()\n"
                                    "      /tmp/stackblame-gen/race/main.go:61 +0x129\n"
                                    "  main.main.func2()\n"
                                    "      /tmp/stackblame-gen/race/main.go:83 +0x39\n"
                                    "\n"
                                    "Previous write at 0x00c00009c180 by goroutine 7:\n"
                                    "  runtime.mapassign_faststr()\n"
                                    "      /usr/lib/go-1.19/src/runtime/map_faststr.go:203 +0x0\n"
                                    "  main.(*priceCache).warm()\n"
                                    "      /tmp/stackblame-gen/race/main.go:36 +0xad\n"
                                    "  main.main.func1()\n"
                                    "      /tmp/stackblame-gen/race/main.go:78 +0xa4\n"
                                    "\n"
                                    "Goroutine 9 (running) created at:\n"
                                    "  main.main()\n"
                                    "      /tmp/stackblame-gen/race/main.go:83 +0x34f\n"
                                    "\n"
                                    "Goroutine 7 (finished) created at:\n"
                                    "  main.main()\n"
                                    "      /tmp/stackblame-gen/race/main.go:78 +0x1f3\n"
                                    "==================\n"
                                    "==================\n"
                                    "WARNING: DATA RACE\n"
                                    "Read at 0x00c000092268 by main goroutine:\n"
                                    "  main.logHits()\n"
                                    "      /tmp/stackblame-gen/race/main.go:70 +0x44\n"
                                    "  main.main()\n"
                                    "      /tmp/stackblame-gen/race/main.go:87 +0x3d9\n"
                                    "\n"
                                    "Previous write at 0x00c000092268 by goroutine 9:\n"
                                    "  main.(*priceCache).lookup()\n"
                                    "      /tmp/stackblame-gen/race/main.go:45 +0xa4\n"
                                    "  main.(*handler).serve()\n"
                                    "      /tmp/stackblame-gen/race/main.go:61 +0x129\n"
                                    "  main.main.func2()\n"
                                    "      /tmp/stackblame-gen/race/main.go:83 +0x39\n"
                                    "\n"
                                    "Goroutine 9 (running) created at:\n"
                                    "  main.main()\n"
                                    "      /tmp/stackblame-gen/race/main.go:83 +0x34f\n"
                                    "==================\n"
                                    "Found 3 data race(s)\n";

#define FX "/tmp/stackblame-gen/race/main.go"

static void test_fixture_running_and_finished(void **state)
{
    sb_races *r = *state;
    feed_text(r, FIXTURE_GO119);
    assert_int_equal(r->n, 2);
    const sb_race *race = &r->v[0];
    assert_int_equal(race->line_no, 2);
    const sb_race_access *cur = &race->access[0], *prev = &race->access[1];
    assert_access(cur, false, false, 9, 4, "running", 1);
    assert_access(prev, true, true, 7, 3, "finished", 1);
    assert_frame(&cur->frames[0], "runtime.mapaccess2_faststr",
                 "/usr/lib/go-1.19/src/runtime/map_faststr.go", 108);
    assert_frame(&cur->frames[1], "main.(*priceCache).lookup", FX, 44);
    assert_frame(&cur->created[0], "main.main", FX, 83);
    assert_frame(&prev->frames[1], "main.(*priceCache).warm", FX, 36);
    assert_frame(&prev->created[0], "main.main", FX, 78);
}

static void test_fixture_main_goroutine(void **state)
{
    sb_races *r = *state;
    feed_text(r, FIXTURE_GO119);
    assert_int_equal(r->n, 2);
    const sb_race *race = &r->v[1];
    assert_int_equal(race->line_no, 30);
    assert_false(race->truncated);
    assert_int_equal(race->naccess, 2);
    const sb_race_access *cur = &race->access[0], *prev = &race->access[1];
    assert_true(cur->main);
    assert_int_equal(cur->goroutine, 0);
    assert_false(cur->write);
    assert_int_equal(cur->addr, 0xc000092268);
    assert_int_equal(cur->nframes, 2);
    assert_null(cur->gstate);
    assert_null(cur->created);
    assert_int_equal(cur->ncreated, 0);
    assert_frame(&cur->frames[0], "main.logHits", FX, 70);
    /* "Goroutine 9 created at" goes to the writer, not to main. */
    assert_access(prev, true, true, 9, 3, "running", 1);
    assert_frame(&prev->created[0], "main.main", FX, 83);
}

/* ---- hand-written minimal cases ----------------------------------------- */

/* Hand-written: frames printed with an argument list (as a Go traceback
 * prints them), whose parentheses must not be taken for the function's;
 * a generic function whose type shape holds spaces. */
static void test_frame_args_stripped(void **state)
{
    sb_races *r = *state;
    sb_races_begin(r, 10, 0, 0);
    feed(r, "Write at 0x00c000010000 by goroutine 3:");
    feed(r, "main.(*T).set(0xc000010000, 0x1)");
    feed(r, "/app/t.go:9 +0x1f");
    feed(r, "pkg.(finalCloser).(pkg.finalClose)-fm(...)");
    feed(r, "/app/f.go:4");
    feed(r, "main.f(0xc0000a0000, {0x4a1b2c, 0x3}, func(...))");
    feed(r, "/app/t.go:20");
    feed(r, "main.Map[go.shape.struct { X int }].Get(0xc000010000)");
    feed(r, "/app/m.go:5 +0x2");
    sb_races_end(r);
    assert_int_equal(r->n, 1);
    const sb_race_access *a = &r->v[0].access[0];
    assert_int_equal(a->nframes, 4);
    assert_frame(&a->frames[0], "main.(*T).set", "/app/t.go", 9);
    assert_frame(&a->frames[1], "pkg.(finalCloser).(pkg.finalClose)-fm", "/app/f.go", 4);
    assert_frame(&a->frames[2], "main.f", "/app/t.go", 20);
    /* A generic shape's spaces are inside its brackets. */
    assert_frame(&a->frames[3], "main.Map[go.shape.struct { X int }].Get", "/app/m.go", 5);
}

/* Hand-written: a function line with no file line after it (the next
 * function line, or the end of the section, comes first); a file line
 * with no function line before it is not attached anywhere. */
static void test_missing_file_line(void **state)
{
    sb_races *r = *state;
    sb_races_begin(r, 1, 0, 0);
    feed(r, "Read at 0x10 by goroutine 4:");
    feed(r, "/app/orphan.go:1 +0x1");
    feed(r, "main.a()");
    feed(r, "main.b()");
    feed(r, "/app/b.go:2 +0x2");
    feed(r, "main.c()");
    feed(r, "");
    feed(r, "/app/late.go:3 +0x3");
    sb_races_end(r);
    const sb_race_access *a = &r->v[0].access[0];
    assert_int_equal(a->nframes, 3);
    assert_frame(&a->frames[0], "main.a", NULL, 0);
    assert_frame(&a->frames[1], "main.b", "/app/b.go", 2);
    assert_frame(&a->frames[2], "main.c", NULL, 0);
}

/* Hand-written: Windows paths, both slashes, and one with a space. */
static void test_windows_paths(void **state)
{
    sb_races *r = *state;
    sb_races_begin(r, 1, 0, 0);
    feed(r, "Write at 0x00c000122000 by goroutine 6:");
    feed(r, "main.worker()");
    feed(r, "C:/Users/dev/app/main.go:12 +0x3e");
    feed(r, "main.main.func1()");
    feed(r, "C:\\Program Files\\Go\\src\\app\\main.go:30 +0x44");
    sb_races_end(r);
    const sb_race_access *a = &r->v[0].access[0];
    assert_int_equal(a->nframes, 2);
    assert_frame(&a->frames[0], "main.worker", "C:/Users/dev/app/main.go", 12);
    assert_frame(&a->frames[1], "main.main.func1", "C:\\Program Files\\Go\\src\\app\\main.go", 30);
}

/* Hand-written: atomic accesses (C/C++ TSan wording) count as reads and
 * writes; "[failed to restore the stack]" leaves a stack empty. */
static void test_atomic_and_failed_stack(void **state)
{
    sb_races *r = *state;
    sb_races_begin(r, 1, 0, 0);
    feed(r, "Atomic write at 0x00c000014100 by goroutine 8:");
    feed(r, "  [failed to restore the stack]");
    feed(r, "");
    feed(r, "Previous atomic read at 0x00c000014100 by goroutine 7:");
    feed(r, "main.load()");
    feed(r, "/app/x.go:5 +0x1");
    feed(r, "");
    feed(r, "Goroutine 8 (finished) created at:");
    feed(r, "[failed to restore the stack]");
    sb_races_end(r);
    const sb_race *race = &r->v[0];
    assert_int_equal(race->naccess, 2);
    assert_true(race->access[0].atomic);
    assert_access(&race->access[0], true, false, 8, 0, "finished", 0);
    assert_null(race->access[0].frames);
    assert_true(race->access[1].atomic);
    assert_access(&race->access[1], false, true, 7, 1, NULL, 0);
}

/* Hand-written: both accesses by goroutine 5 (TSan then prints one
 * "created at" section): it goes to the first access, a second one to the
 * next access without one. A section for a goroutine no access names, and
 * a heap block's stack, are skipped; so are the frames of a third access. */
static void test_created_attachment(void **state)
{
    sb_races *r = *state;
    sb_races_begin(r, 1, 0, 0);
    feed(r, "Write at 0x00c000020000 by goroutine 5:");
    feed(r, "main.w()");
    feed(r, "/app/a.go:1 +0x1");
    feed(r, "Previous read at 0x00c000020000 by goroutine 5:");
    feed(r, "main.r()");
    feed(r, "/app/a.go:2 +0x1");
    feed(r, "Heap block of size 16 at 0x00c000020000 allocated by goroutine 5:");
    feed(r, "main.alloc()");
    feed(r, "/app/a.go:3 +0x1");
    feed(r, "Read at 0x00c000020000 by goroutine 9:");
    feed(r, "main.third()");
    feed(r, "/app/a.go:9 +0x1");
    feed(r, "Goroutine 77 (running) created at:");
    feed(r, "main.other()");
    feed(r, "/app/a.go:5 +0x1");
    feed(r, "Goroutine 5 (running) created at:");
    feed(r, "main.main()");
    feed(r, "/app/a.go:6 +0x1");
    feed(r, "Goroutine 5 (finished) created at:"); /* not printed by TSan: the next without one */
    feed(r, "main.again()");
    sb_races_end(r);
    const sb_race *race = &r->v[0];
    assert_int_equal(race->naccess, 2);
    assert_access(&race->access[0], true, false, 5, 1, "running", 1);
    assert_access(&race->access[1], false, true, 5, 1, "finished", 1);
    assert_frame(&race->access[0].frames[0], "main.w", "/app/a.go", 1);
    assert_frame(&race->access[1].frames[0], "main.r", "/app/a.go", 2);
    assert_frame(&race->access[0].created[0], "main.main", "/app/a.go", 6);
    assert_frame(&race->access[1].created[0], "main.again", NULL, 0);
}

/* Hand-written: a "Global var ... declared at f.go:4" line (TSan's Go
 * mode prints it after the accesses) is not a file line, and ends the
 * stack before it: it has none of its own. */
static void test_global_var(void **state)
{
    sb_races *r = *state;
    sb_races_begin(r, 1, 0, 0);
    feed(r, "Write at 0x000000600000 by goroutine 5:");
    feed(r, "main.w()");
    feed(r, "Global var g of size 8 at 0x000000600000 declared at /app/a.go:4");
    feed(r, "main.stray()");
    feed(r, "/app/a.go:8 +0x1");
    sb_races_end(r);
    const sb_race_access *a = &r->v[0].access[0];
    assert_int_equal(a->nframes, 1);
    assert_frame(&a->frames[0], "main.w", NULL, 0);
}

/* Hand-written: a state word other than running/finished is kept (a
 * copy), one too long to be TSan's makes no "created at" header. */
static void test_state_words(void **state)
{
    sb_races *r = *state;
    sb_races_begin(r, 1, 0, 0);
    feed(r, "Write at 0x10 by goroutine 3:");
    feed(r, "Previous write at 0x10 by goroutine 4:");
    feed(r, "Goroutine 3 (waiting-for-a-state-word-longer-than-32) created at:");
    feed(r, "main.a()");
    feed(r, "Goroutine 4 (idle) created at:");
    feed(r, "main.b()");
    sb_races_end(r);
    const sb_race *race = &r->v[0];
    assert_access(&race->access[0], true, false, 3, 0, NULL, 0);
    assert_access(&race->access[1], true, true, 4, 0, "idle", 1);
    assert_frame(&race->access[1].created[0], "main.b", NULL, 0);
}

/* Hand-written: a report cut short (the input ends, or a goroutine dump
 * begins) keeps what was read; a new "WARNING: DATA RACE" cuts the open
 * one too. */
static void test_truncated(void **state)
{
    sb_races *r = *state;
    sb_races_begin(r, 100, 1, 2);
    feed(r, "Read at 0x00c0000b4010 by goroutine 21:");
    feed(r, "main.(*Server).handle()");
    feed(r, "/srv/server.go:88 +0x6e");
    feed(r, "main.(*Server).loop()");
    sb_races_cut(r);
    sb_races_begin(r, 200, 3, 4);
    feed(r, "Write at 0x00c0000b4010 by goroutine 22:");
    sb_races_begin(r, 300, 5, 6);
    sb_races_end(r);
    assert_int_equal(r->n, 3);
    const sb_race *a = &r->v[0];
    assert_true(a->truncated);
    assert_int_equal(a->line_no, 100);
    assert_int_equal(a->label, 1);
    assert_int_equal(a->source, 2);
    assert_int_equal(a->naccess, 1);
    assert_access(&a->access[0], false, false, 21, 2, NULL, 0);
    assert_frame(&a->access[0].frames[0], "main.(*Server).handle", "/srv/server.go", 88);
    assert_frame(&a->access[0].frames[1], "main.(*Server).loop", NULL, 0);
    assert_true(r->v[1].truncated);
    assert_int_equal(r->v[1].line_no, 200);
    assert_int_equal(r->v[1].access[0].goroutine, 22);
    assert_false(r->v[2].truncated);
    assert_int_equal(r->v[2].naccess, 0);
}

/* Hand-written: lines, ends and cuts with no open report do nothing, and
 * keep nothing in the arena. */
static void test_no_open_report(void **state)
{
    sb_races *r = *state;
    feed(r, "Write at 0x00c000010000 by goroutine 3:");
    feed(r, "main.f()");
    sb_races_end(r);
    sb_races_cut(r);
    assert_int_equal(r->n, 0);
    assert_int_equal(r->arena.used_total, 0);
    sb_races_begin(r, 1, 0, 0);
    feed(r, "Write at 0x00c000010000 by goroutine 3:");
    feed(r, "main.f()");
    sb_races_end(r);
    size_t used = r->arena.used_total;
    feed(r, "Read at 0x00c000010000 by goroutine 4:");
    feed(r, "main.g()");
    feed(r, "/app/g.go:1 +0x1");
    sb_races_end(r);
    sb_races_cut(r);
    assert_int_equal(r->arena.used_total, used);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->v[0].access[0].nframes, 1);
    assert_frame(&r->v[0].access[0].frames[0], "main.f", NULL, 0);
}

/* Generated: 300 frames in a stack keep the first SB_RACE_MAX_FRAMES and
 * count the rest; a dropped frame's file line does not land on the last
 * kept frame. The creation stack has its own cap. */
static void test_frame_cap(void **state)
{
    sb_races *r = *state;
    char func[64], file[64];
    sb_races_begin(r, 1, 0, 0);
    feed(r, "Write at 0x1000 by goroutine 2:");
    for (int i = 0; i < 300; i++) {
        snprintf(func, sizeof(func), "main.f%d()", i);
        snprintf(file, sizeof(file), "/app/f.go:%d +0x1", i + 1);
        feed(r, func);
        feed(r, file);
    }
    feed(r, "Goroutine 2 (running) created at:");
    feed(r, "main.main()");
    feed(r, "/app/main.go:7 +0x1");
    sb_races_end(r);
    const sb_race_access *a = &r->v[0].access[0];
    assert_int_equal(a->nframes, SB_RACE_MAX_FRAMES);
    assert_int_equal(a->frames_dropped, 300 - SB_RACE_MAX_FRAMES);
    assert_frame(&a->frames[0], "main.f0", "/app/f.go", 1);
    assert_frame(&a->frames[SB_RACE_MAX_FRAMES - 1], "main.f255", "/app/f.go", 256);
    assert_int_equal(a->ncreated, 1);
    assert_int_equal(a->created_dropped, 0);
    assert_frame(&a->created[0], "main.main", "/app/main.go", 7);
}

/* Generated: reports past SB_RACE_MAX_REPORTS are counted, not kept. */
static void test_report_cap(void **state)
{
    sb_races *r = *state;
    for (unsigned i = 0; i < SB_RACE_MAX_REPORTS + 5; i++) {
        sb_races_begin(r, i + 1, 0, 0);
        feed(r, "Read at 0x10 by goroutine 3:");
        feed(r, "main.f()");
        sb_races_end(r);
    }
    assert_int_equal(r->n, SB_RACE_MAX_REPORTS);
    assert_int_equal(r->dropped, 5);
    assert_int_equal(r->v[SB_RACE_MAX_REPORTS - 1].line_no, SB_RACE_MAX_REPORTS);
}

/* Hand-written: malformed and hostile lines are ignored without a read
 * past the span (run under ASan: each line sits in a buffer of its exact
 * length). Numbers that overflow read as 0. */
static void test_garbage(void **state)
{
    sb_races *r = *state;
    static const char *const junk[] = {
        "",
        ")",
        "(",
        "()",
        "(x)",
        ":",
        ":1",
        "a:",
        "+0x1",
        " +0x",
        "a.go:12 +0x",
        "a.go: +0x1",
        "Read",
        "Read ",
        "Read at",
        "Read at 0x",
        "Previous",
        "Goroutine",
        "Goroutine ",
        "Goroutine 1",
        "Goroutine 1 (",
        "Goroutine 1 (running",
        "Goroutine 1 (running)",
        "Goroutine 1 () created at:",
        "Goroutine 1 (a(b) created at:",
        "main.f(((",
        "main.f)))",
        "listening on 127.0.0.1:8080 (tcp)",
        "x.go:99999999999 +0x1",
        "Global var ",
        "Heap block",
    };
    sb_races_begin(r, 1, 0, 0);
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
        feed(r, junk[i]);
    sb_races_end(r);
    assert_int_equal(r->n, 1);
    const sb_race *race = &r->v[0];
    /* Garbled headers still open accesses ("Read at", "Read at 0x"), with
     * no address or goroutine; "Read" alone does not. No line is a frame. */
    assert_int_equal(race->naccess, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(race->access[i].addr, 0);
        assert_int_equal(race->access[i].goroutine, 0);
        assert_false(race->access[i].main);
        assert_int_equal(race->access[i].nframes, 0);
    }
}

/* Hand-written: numbers too large read as 0: an address past 64 bits, a
 * goroutine past uint64 (its "created at" is then skipped), a file line
 * past uint32 (the frame stays). */
static void test_number_overflow(void **state)
{
    sb_races *r = *state;
    sb_races_begin(r, 1, 0, 0);
    feed(r, "Read at 0x12345678901234567 by goroutine 99999999999999999999999:");
    feed(r, "main.f()");
    feed(r, "/app/f.go:4294967297 +0x1");
    feed(r, "main.g()");
    feed(r, "/app/g.go:4294967295 +0x1");
    feed(r, "Goroutine 99999999999999999999999 (running) created at:");
    feed(r, "main.main()");
    sb_races_end(r);
    const sb_race_access *a = &r->v[0].access[0];
    assert_int_equal(a->addr, 0);
    assert_int_equal(a->goroutine, 0);
    assert_false(a->main);
    assert_null(a->gstate);
    assert_int_equal(a->nframes, 2);
    assert_frame(&a->frames[0], "main.f", "/app/f.go", 0);
    assert_frame(&a->frames[1], "main.g", "/app/g.go", 4294967295u);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_panicparse_read_previous_write),
        T(test_go17_write_previous_read),
        T(test_fixture_running_and_finished),
        T(test_fixture_main_goroutine),
        T(test_frame_args_stripped),
        T(test_missing_file_line),
        T(test_windows_paths),
        T(test_atomic_and_failed_stack),
        T(test_created_attachment),
        T(test_global_var),
        T(test_state_words),
        T(test_truncated),
        T(test_no_open_report),
        T(test_frame_cap),
        T(test_report_cap),
        T(test_garbage),
        T(test_number_overflow),
    };
#undef T
    return cmocka_run_group_tests_name("race", tests, NULL, NULL);
}
