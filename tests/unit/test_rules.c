/* test_rules.c: the classification rule table (rules.c): the built-in
 * rules all load, a --rules FILE's rules come first and change what a
 * goroutine is classified as, the file format (ROLE ARG REGEX, quoted
 * arguments, comments, blank lines, tabs), and every error a bad file
 * gives, each as one line "FILE:N: problem" (or "FILE: problem").
 *
 * Hand-written minimal dumps, lines shaped exactly like Go's (see
 * sb_diag_test.h); the rules files are written to temporary files. */
#include "sb_diag_test.h"

/* Rule lines of a rules text: neither blank nor a comment. */
static size_t count_rule_lines(const char *text)
{
    size_t n = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        size_t i = 0;
        while (i < len && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i < len && p[i] != '#')
            n++;
        p += len + (eol ? 1 : 0);
    }
    return n;
}

/* Loads rules from a temporary file holding `text`; the path in *path
 * (to unlink and free), the error in err. */
static sb_rules *load_text(const char *text, size_t len, char **path, char *err, size_t errlen)
{
    *path = temp_file(text, len);
    err[0] = '\0';
    return sb_rules_load(*path, err, errlen);
}

static void drop_file(char *path)
{
    unlink(path);
    free(path);
}

/* A rules file that does not load: NULL, and err is "PATH" followed by
 * `want` (":N: problem" or ": problem"), exactly when exact, else as a
 * prefix. */
static void check_error(const char *text, size_t len, const char *want, bool exact)
{
    char *path;
    char err[512];
    sb_rules *r = load_text(text, len, &path, err, sizeof(err));
    char expect[512];
    snprintf(expect, sizeof(expect), "%s%s", path, want);
    if (r)
        print_error("rules loaded; want error \"%s\"\n", expect);
    assert_null(r);
    if (exact)
        assert_string_equal(err, expect);
    else if (strncmp(err, expect, strlen(expect)) != 0) {
        print_error("error \"%s\", want it to start with \"%s\"\n", err, expect);
        fail();
    }
    drop_file(path);
}
#define check_error_str(text, want, exact) check_error((text), strlen(text), (want), (exact))

/* ------------------------------------------------------ the built-ins */

/* Every line of the built-in text that is a rule is loaded: none is lost
 * to a parse error, and each has its pattern compiled. */
static void test_builtin_rules_load(void **state)
{
    (void)state;
    char err[256] = "";
    sb_rules *r = sb_rules_load(NULL, err, sizeof(err));
    assert_non_null(r);
    assert_string_equal(err, "");
    size_t want = count_rule_lines(sb_rules_builtin());
    assert_true(want > 50);
    assert_int_equal(r->n, want);
    for (size_t i = 0; i < r->n; i++) {
        assert_non_null(r->v[i].re);
        assert_non_null(r->v[i].arg);
    }
    /* the first built-in rule: sync.Mutex's Lock is a mutex wait */
    assert_int_equal(r->v[0].role, SB_ROLE_WAIT);
    assert_int_equal(r->v[0].kind, SB_WAIT_MUTEX);
    assert_string_equal(r->v[0].arg, "");
    sb_rules_free(r);
}

/* The kinds a wait rule names: each name round-trips, nothing else parses. */
static void test_wait_kind_parse(void **state)
{
    (void)state;
    for (int k = 0; k < SB_WAIT_NKINDS; k++)
        assert_int_equal(sb_wait_kind_parse(sb_wait_kind_name((enum sb_wait_kind)k)), k);
    assert_int_equal(sb_wait_kind_parse("rpc"), SB_WAIT_RPC);
    assert_int_equal(sb_wait_kind_parse("rwmutex-read"), SB_WAIT_RWMUTEX_READ);
    assert_int_equal(sb_wait_kind_parse("rpc:grpc"), -1);
    assert_int_equal(sb_wait_kind_parse("Mutex"), -1);
    assert_int_equal(sb_wait_kind_parse(""), -1);
}

/* --------------------------------------------------- the file format */

/* A file's rules are tried before the built-in ones, in file order; the
 * format takes comments, blank lines, leading blanks, tabs between fields,
 * a quoted argument with spaces, KIND:PROTOCOL, and no final newline. */
static void test_file_format(void **state)
{
    (void)state;
    static const char text[] =
        "# site rules\n"
        "\n"
        "   # an indented comment\n"
        "wait\trpc:thrift\t^example\\.com/gen/thrift\\.\\(\\*Conn\\)\\.Call$\n"
        "  critical \"scheduler loop\"   \\.\\(\\*Scheduler\\)\\.scheduleOne$\n"
        "wait mutex ^example\\.com/app/spin\\.Lock$\n"
        "skip - ^example\\.com/app/db\\.";
    char *path;
    char err[256];
    sb_rules *r = load_text(text, strlen(text), &path, err, sizeof(err));
    if (!r)
        print_error("%s\n", err);
    assert_non_null(r);
    char berr[256];
    sb_rules *builtin = sb_rules_load(NULL, berr, sizeof(berr));
    assert_non_null(builtin);
    assert_int_equal(r->n, builtin->n + 4);
    sb_rules_free(builtin);

    assert_int_equal(r->v[0].role, SB_ROLE_WAIT);
    assert_int_equal(r->v[0].kind, SB_WAIT_RPC);
    assert_string_equal(r->v[0].arg, "thrift");
    assert_int_equal(r->v[1].role, SB_ROLE_CRITICAL);
    assert_string_equal(r->v[1].arg, "scheduler loop");
    assert_int_equal(r->v[2].role, SB_ROLE_WAIT);
    assert_int_equal(r->v[2].kind, SB_WAIT_MUTEX);
    assert_string_equal(r->v[2].arg, "");
    assert_int_equal(r->v[3].role, SB_ROLE_SKIP);
    assert_string_equal(r->v[3].arg, "-");
    /* then the built-ins, from their first */
    assert_int_equal(r->v[4].role, SB_ROLE_WAIT);
    assert_int_equal(r->v[4].kind, SB_WAIT_MUTEX);
    sb_rules_free(r);
    drop_file(path);
}

/* An empty rules file is the built-in rules alone. */
static void test_empty_file(void **state)
{
    (void)state;
    char *path;
    char err[256];
    sb_rules *r = load_text("", 0, &path, err, sizeof(err));
    assert_non_null(r);
    assert_int_equal(r->n, count_rule_lines(sb_rules_builtin()));
    sb_rules_free(r);
    drop_file(path);
}

/* ------------------------------------------------------------- errors */

/* Each problem names the file and the line (comments and blank lines
 * count), and the file is not loaded. */
static void test_errors_name_file_and_line(void **state)
{
    (void)state;
    check_error_str("# comment\n"
                    "\n"
                    "bogus - ^x$\n",
                    ":3: unknown role 'bogus' (wait, skip, ", false);
    check_error_str("wait spin ^example\\.com/app\\.spin$\n", ":1: unknown wait kind 'spin'", true);
    check_error_str("wait rpc:grpc ^x$\n"
                    "name \"unterminated ^x$\n",
                    ":2: unterminated quoted argument", true);
    check_error_str("skip -\n", ":1: expected ROLE ARG REGEX", true);
    check_error_str("skip - ^x$\nskip\n", ":2: expected ROLE ARG REGEX", true);
    check_error_str("name \"a name\"\n", ":1: expected ROLE ARG REGEX", true);
    check_error_str("skip - ^x$\n"
                    "skip - ^y$\n"
                    "# a bad pattern next\n"
                    "skip - ^(unclosed$\n",
                    ":4: bad regex at offset ", false);
}

/* A line longer than the loader's line buffer is an error, not a rule cut
 * in two. */
static void test_line_too_long(void **state)
{
    (void)state;
    size_t n = 3000;
    char *text = malloc(n + 32);
    assert_non_null(text);
    int k = snprintf(text, n + 32, "skip - ^x$\nskip - ^");
    memset(text + k, 'a', n);
    strcpy(text + k + n, "$\n");
    check_error_str(text, ":2: line too long", true);
    free(text);
}

/* A file that is not text, or not there: "FILE: problem", no line. */
static void test_unreadable_files(void **state)
{
    (void)state;
    static const char binary[] = "skip - ^x$\n\0\x01\x02";
    check_error(binary, sizeof(binary) - 1, ": binary data in a rules file", true);

    char err[256] = "";
    const char *missing = "/nonexistent/stackblame.rules";
    assert_null(sb_rules_load(missing, err, sizeof(err)));
    assert_string_equal(err,
                        "/nonexistent/stackblame.rules: cannot open: No such file or directory");
    /* A directory opens, but reads as an error, not as an empty file. */
    assert_null(sb_rules_load("/", err, sizeof(err)));
    assert_string_equal(err, "/: cannot read: Is a directory");
}

/* --------------------------------------- rules change classification */

/* goroutine 9 waits in a Thrift connection's call (a protocol the built-in
 * rules do not know), goroutine 10 is a scheduler's loop, goroutine 11
 * waits on a mutex under a database library's frames. */
static const char site_dump[] =
    "goroutine 1 [chan receive]:\n"
    "main.main()\n"
    "\t/app/main.go:25 +0x1d\n"
    "\n"
    "goroutine 9 [IO wait, 3 minutes]:\n"
    "internal/poll.runtime_pollWait(0x7f2c3c1e8a28, 0x72)\n"
    "\t/usr/local/go/src/runtime/netpoll.go:343 +0x85\n"
    "example.com/gen/thrift.(*Conn).Call(0xc0000d0000, {0x1f3e2c8, 0xc000c2a0f0}, {0x6a1b2c, "
    "0x8})\n"
    "\t/app/gen/thrift/client.go:88 +0x1a5\n"
    "example.com/app.(*Billing).Charge(0xc0000c0000)\n"
    "\t/app/billing.go:51 +0x6a\n"
    "created by main.main in goroutine 1\n"
    "\t/app/main.go:30 +0x85\n"
    "\n"
    "goroutine 10 [sleep]:\n"
    "time.Sleep(0x3b9aca00)\n"
    "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
    "example.com/app/sched.(*Scheduler).scheduleOne(0xc0000e0000)\n"
    "\t/app/sched/sched.go:120 +0x6a\n"
    "created by main.main in goroutine 1\n"
    "\t/app/main.go:31 +0x85\n"
    "\n"
    "goroutine 11 [sync.Mutex.Lock, 2 minutes]:\n"
    "sync.runtime_SemacquireMutex(0xc0000f0008?, 0x0?, 0x1?)\n"
    "\t/usr/local/go/src/runtime/sema.go:77 +0x25\n"
    "sync.(*Mutex).lockSlow(0xc0000f0008)\n"
    "\t/usr/local/go/src/sync/mutex.go:171 +0x165\n"
    "sync.(*Mutex).Lock(...)\n"
    "\t/usr/local/go/src/sync/mutex.go:90\n"
    "example.com/app/db.(*Conn).exec(0xc0000f0000, {0x6a1b2c, 0x3})\n"
    "\t/app/db/conn.go:42 +0x4e\n"
    "example.com/app.(*Ledger).Post(0xc0000c8000)\n"
    "\t/app/ledger.go:17 +0x3d\n"
    "created by main.main in goroutine 1\n"
    "\t/app/main.go:32 +0x85\n";

static const char *site_func(const sb_fx *fx, uint32_t gi)
{
    const sb_goroutine *g = &fx->m.goroutines[gi];
    const sb_stack_class *sc = &fx->a.classes.stacks[g->stack];
    assert_true(sc->site_frame != SB_NONE);
    const sb_stack *st = sb_stack_get(&fx->m, g->stack);
    return sb_str(&fx->m, sb_frame_get(&fx->m, st->frames[sc->site_frame])->func, NULL);
}

/* Without a rules file: the Thrift call is a network wait, the scheduler
 * has no name, the database method is the lock site. */
static void test_builtin_classification(void **state)
{
    sb_fx *fx = *state;
    fx_run(fx, site_dump);
    const sb_classes *c = &fx->a.classes;
    uint32_t g9 = fx_g(fx, 0, 9), g10 = fx_g(fx, 0, 10), g11 = fx_g(fx, 0, 11);
    assert_int_equal(c->g[g9].kind, SB_WAIT_IO);
    assert_int_equal(c->stacks[fx->m.goroutines[g10].stack].name, 0);
    assert_string_equal(site_func(fx, g11), "example.com/app/db.(*Conn).exec");
}

/* With it: the Thrift call is an RPC over "thrift" (wait rules win over
 * primitive frames), the scheduler loop is named and health-critical, and
 * the database frames are library frames: the lock site is its caller. */
static void test_file_rules_classify(void **state)
{
    sb_fx *fx = *state;
    static const char text[] = "wait rpc:thrift ^example\\.com/gen/thrift\\.\\(\\*Conn\\)\\.Call$\n"
                               "critical \"scheduler loop\" \\.\\(\\*Scheduler\\)\\.scheduleOne$\n"
                               "skip - ^example\\.com/app/db\\.\n";
    char *path;
    char err[256];
    sb_rules *r = load_text(text, strlen(text), &path, err, sizeof(err));
    assert_non_null(r);
    sb_rules_free(fx->rules);
    fx->rules = r;
    fx_run(fx, site_dump);
    const sb_classes *c = &fx->a.classes;
    uint32_t g9 = fx_g(fx, 0, 9), g10 = fx_g(fx, 0, 10), g11 = fx_g(fx, 0, 11);
    const sb_stack_class *sc9 = &c->stacks[fx->m.goroutines[g9].stack];
    assert_int_equal(c->g[g9].kind, SB_WAIT_RPC);
    assert_string_equal(sb_str(&fx->m, sc9->proto, NULL), "thrift");
    /* the client names no method: the wrapper just outside it does */
    assert_string_equal(sb_str(&fx->m, sc9->detail, NULL), "Billing.Charge");
    const sb_stack_class *sc10 = &c->stacks[fx->m.goroutines[g10].stack];
    assert_string_equal(sb_str(&fx->m, sc10->name, NULL), "scheduler loop");
    assert_true(sc10->roles & SB_SR_CRITICAL);
    assert_string_equal(site_func(fx, g11), "example.com/app.(*Ledger).Post");
    assert_int_equal(c->g[g11].kind, SB_WAIT_MUTEX);
    drop_file(path);
}

/* A CRLF file, or blanks after the regex: the rule still matches (the
 * line's end is not part of the regex). */
static void test_line_ends(void **state)
{
    sb_fx *fx = *state;
    static const char text[] = "critical \"scheduler loop\" scheduleOne$\r\n"
                               "skip - ^example\\.com/app/db\\.  \t\r\n";
    char *path;
    char err[256];
    sb_rules *r = load_text(text, strlen(text), &path, err, sizeof(err));
    assert_non_null(r);
    sb_rules_free(fx->rules);
    fx->rules = r;
    fx_run(fx, site_dump);
    const sb_stack_class *sc10 = &fx->a.classes.stacks[fx->m.goroutines[fx_g(fx, 0, 10)].stack];
    assert_string_equal(sb_str(&fx->m, sc10->name, NULL), "scheduler loop");
    assert_string_equal(site_func(fx, fx_g(fx, 0, 11)), "example.com/app.(*Ledger).Post");
    drop_file(path);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_fx, teardown_fx)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_rules_load),
        cmocka_unit_test(test_wait_kind_parse),
        cmocka_unit_test(test_file_format),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_line_too_long),
        cmocka_unit_test(test_unreadable_files),
        T(test_builtin_classification),
        T(test_file_rules_classify),
        T(test_line_ends),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
