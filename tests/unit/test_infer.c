/* test_infer.c: the table of inference rules itself (src/infer.c): every
 * row has a unique name, a doc and an evidence sentence whose {slots} are
 * all known; sb_say_rule fills the slots and never writes past its buffer;
 * and the man page lists every rule with its confidence.
 *
 * The one dump here is hand-written and minimal (see sb_diag_test.h): two
 * goroutines for the {holder} and {waiter} slots to name. */
#include "sb_diag_test.h"

#include <ctype.h>

#ifndef SB_MAN_PAGE
#error "SB_MAN_PAGE (the path of man/stackblame.1) is set in tests/CMakeLists.txt"
#endif

/* The slots sb_say fills (infer.h). */
static const char *const known_slots[] = {"holder", "waiter", "func", "func2", "what", "proc",
                                          "addr",   "n",      "s",    "min",   "text"};
#define NSLOTS (sizeof(known_slots) / sizeof(known_slots[0]))

static int slot_index(const char *s, size_t n)
{
    for (size_t k = 0; k < NSLOTS; k++)
        if (strlen(known_slots[k]) == n && memcmp(known_slots[k], s, n) == 0)
            return (int)k;
    return -1;
}

/* Calls fn for each {slot} of a says sentence; fails on an unmatched brace. */
static void each_slot(enum sb_rule_id id, void (*fn)(enum sb_rule_id, const char *, size_t, void *),
                      void *arg)
{
    const char *says = sb_infer(id)->says;
    for (const char *p = says; *p; p++) {
        if (*p == '}') {
            print_error("%s: '}' without '{' at %zu\n", sb_infer(id)->name, (size_t)(p - says));
            fail();
        }
        if (*p != '{')
            continue;
        const char *close = strchr(p + 1, '}');
        const char *open = strchr(p + 1, '{');
        if (!close || (open && open < close)) {
            print_error("%s: unclosed '{' at %zu\n", sb_infer(id)->name, (size_t)(p - says));
            fail();
        }
        fn(id, p + 1, (size_t)(close - p - 1), arg);
        p = close;
    }
}

/* Every row but SB_RULE_NONE: a name of lowercase words joined by '-',
 * unique; the out-of-range id reads row 0. */
static void test_names_unique(void **state)
{
    (void)state;
    assert_string_equal(sb_infer(SB_RULE_NONE)->name, "none");
    assert_ptr_equal(sb_infer(SB_RULE_NRULES), sb_infer(SB_RULE_NONE));
    assert_ptr_equal(sb_infer((enum sb_rule_id) - 1), sb_infer(SB_RULE_NONE));
    for (int id = 1; id < SB_RULE_NRULES; id++) {
        const char *name = sb_infer((enum sb_rule_id)id)->name;
        assert_non_null(name);
        assert_true(name[0] != '\0');
        for (const char *p = name; *p; p++)
            if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-') ||
                (*p == '-' && (p == name || p[1] == '\0' || p[1] == '-'))) {
                print_error("rule %d: bad name \"%s\"\n", id, name);
                fail();
            }
        for (int other = 0; other < id; other++)
            if (strcmp(name, sb_infer((enum sb_rule_id)other)->name) == 0) {
                print_error("rules %d and %d are both \"%s\"\n", other, id, name);
                fail();
            }
    }
}

/* Every row has a doc (a sentence for the man page) and an evidence
 * sentence; its kind and confidence fit its section of the enum. */
static void test_docs_kinds_and_confidence(void **state)
{
    (void)state;
    for (int id = 1; id < SB_RULE_NRULES; id++) {
        const sb_rule_info *r = sb_infer((enum sb_rule_id)id);
        if (!r->doc || strlen(r->doc) < 10 || r->doc[strlen(r->doc) - 1] != '.') {
            print_error("%s: no doc sentence\n", r->name);
            fail();
        }
        if (!r->says || !r->says[0]) {
            print_error("%s: no evidence sentence\n", r->name);
            fail();
        }
        enum sb_rule_kind want = id <= SB_RULE_SEND_TO_PARENT ? SB_RK_EDGE
                                 : id <= SB_RULE_STALL_ALONE  ? SB_RK_STUCK
                                 : id <= SB_RULE_UNMOVED      ? SB_RK_CONTEXT
                                                              : SB_RK_QUIET;
        if (r->kind != want) {
            print_error("%s: kind %d, its section says %d\n", r->name, r->kind, (int)want);
            fail();
        }
        if (r->kind == SB_RK_QUIET ? r->conf > SB_CONF_LOW : r->conf == SB_CONF_NONE) {
            print_error("%s: confidence %s\n", r->name, sb_conf_name((enum sb_conf)r->conf));
            fail();
        }
    }
    assert_string_equal(sb_conf_name(SB_CONF_NONE), "none");
    assert_string_equal(sb_conf_name(SB_CONF_LOW), "low");
    assert_string_equal(sb_conf_name(SB_CONF_MEDIUM), "medium");
    assert_string_equal(sb_conf_name(SB_CONF_HIGH), "high");
}

static void check_known(enum sb_rule_id id, const char *slot, size_t n, void *arg)
{
    (void)arg;
    if (slot_index(slot, n) < 0) {
        print_error("%s: unknown slot {%.*s}\n", sb_infer(id)->name, (int)n, slot);
        fail();
    }
}

/* Every {slot} of every sentence is one sb_say fills. */
static void test_says_slots_known(void **state)
{
    (void)state;
    for (int id = 0; id < SB_RULE_NRULES; id++)
        each_slot((enum sb_rule_id)id, check_known, NULL);
}

/* A model with goroutines 12 and 7, for {holder} and {waiter}. */
static void say_model(sb_fx *fx)
{
    fx_add(fx, "app.txt",
           "goroutine 12 [sleep]:\n"
           "time.Sleep(0x3b9aca00)\n"
           "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
           "example.com/app/store.(*Store).Put(0xc000010000, {0x6a1b2c, 0x3})\n"
           "\t/app/store/store.go:61 +0x8a\n"
           "\n"
           "goroutine 7 [sync.Mutex.Lock, 5 minutes]:\n"
           "sync.(*Mutex).Lock(0xc000010008)\n"
           "\t/usr/local/go/src/sync/mutex.go:90 +0x3d\n"
           "example.com/app/store.(*Store).Get(0xc000010000, {0x6a1b2c, 0x3})\n"
           "\t/app/store/store.go:42 +0x4e\n");
    assert_int_equal(fx->m.ngoroutines, 2);
}

static uint32_t put_str(sb_fx *fx, const char *s)
{
    return sb_intern_put(&fx->m.strings, s, strlen(s));
}

/* Every slot set to a value it prints recognisably. */
static sb_say full_say(sb_fx *fx)
{
    sb_say v = sb_say_none();
    v.holder = 0; /* goroutine 12 */
    v.waiter = 1; /* goroutine 7 */
    v.func = put_str(fx, "example.com/app/store.(*Store).Put");
    v.func2 = put_str(fx, "example.com/app/store.(*Store).Get");
    v.what = put_str(fx, "mutex 0xc000010008");
    v.proc = put_str(fx, "containerd");
    v.addr = 0xc000010000;
    v.has_addr = 1;
    v.n = 3;
    v.minutes = 5;
    v.text = "fsync";
    return v;
}

/* What each slot prints for full_say, in known_slots order. */
static const char *const full_values[NSLOTS] = {"goroutine 12",
                                                "goroutine 7",
                                                "store.(*Store).Put",
                                                "store.(*Store).Get",
                                                "mutex 0xc000010008",
                                                "containerd",
                                                "0xc000010000",
                                                "3",
                                                "s",
                                                "5",
                                                "fsync"};

typedef struct {
    const char *out;
    bool unset; /* values are sb_say_none's */
} sb_said;

static void check_filled(enum sb_rule_id id, const char *slot, size_t n, void *arg)
{
    const sb_said *said = arg;
    int k = slot_index(slot, n);
    assert_true(k >= 0);
    /* unset: "?", but {n} prints its 0 and {s} its plural */
    const char *want = !said->unset ? full_values[k] : k == 7 ? "0" : k == 8 ? "s" : "?";
    if (!strstr(said->out, want)) {
        print_error("%s: {%.*s} should print \"%s\": \"%s\"\n", sb_infer(id)->name, (int)n, slot,
                    want, said->out);
        fail();
    }
}

/* sb_say_rule replaces every slot with its value, "?" when unset, and
 * prints the rest of the sentence as written. */
static void test_say_rule_fills_slots(void **state)
{
    sb_fx *fx = *state;
    say_model(fx);
    sb_say full = full_say(fx), none = sb_say_none();
    char buf[2048];
    for (int id = 0; id < SB_RULE_NRULES; id++) {
        size_t n = sb_say_rule(&fx->m, (enum sb_rule_id)id, &full, buf, sizeof(buf));
        assert_int_equal(n, strlen(buf));
        if (strchr(buf, '{') || strchr(buf, '}')) {
            print_error("%s: a slot left: \"%s\"\n", sb_infer((enum sb_rule_id)id)->name, buf);
            fail();
        }
        sb_said said = {buf, false};
        each_slot((enum sb_rule_id)id, check_filled, &said);
        sb_say_rule(&fx->m, (enum sb_rule_id)id, &none, buf, sizeof(buf));
        said.unset = true;
        each_slot((enum sb_rule_id)id, check_filled, &said);
    }
    /* Whole sentences: the slots where they stand, {s} by the count. */
    sb_say_rule(&fx->m, SB_RULE_LOCK_RECEIVER, &full, buf, sizeof(buf));
    assert_string_equal(buf, "goroutine 12 is inside store.(*Store).Put on the same receiver "
                             "0xc000010000, past its Lock call, and does not wait on this lock");
    sb_say_rule(&fx->m, SB_RULE_RPC_ONLY_PROCESS, &full, buf, sizeof(buf));
    assert_string_equal(buf, "the client's stack does not name the method; containerd is the only "
                             "process serving mutex 0xc000010008, and goroutine 12 the "
                             "longest-stuck of its 3 handlers");
    full.n = 1;
    sb_say_rule(&fx->m, SB_RULE_RPC_ONLY_PROCESS, &full, buf, sizeof(buf));
    assert_non_null(strstr(buf, "of its 1 handler"));
    assert_null(strstr(buf, "1 handlers"));
    sb_say_rule(&fx->m, SB_RULE_LOCK_LONGEST_WAITER, &none, buf, sizeof(buf));
    assert_non_null(strstr(buf, "holds it: ?, ? min"));
}

/* Cut at every length: never a byte past len, always NUL-terminated, the
 * prefix of the whole sentence, and the length written returned; len 0
 * writes nothing. Long slot values are cut inside the slot. */
static void test_say_rule_never_overflows(void **state)
{
    sb_fx *fx = *state;
    say_model(fx);
    char longname[600];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    sb_say vals[2] = {full_say(fx), full_say(fx)};
    vals[1].what = put_str(fx, longname);
    vals[1].proc = vals[1].what;
    vals[1].text = longname;
    enum { GUARD = 16 };
    for (int id = 0; id < SB_RULE_NRULES; id++) {
        for (int k = 0; k < 2; k++) {
            char whole[4096];
            size_t full = sb_say_rule(&fx->m, (enum sb_rule_id)id, &vals[k], whole, sizeof(whole));
            assert_true(full < sizeof(whole) - 1);
            for (size_t len = 0; len <= full + 2; len++) {
                char buf[4096 + GUARD];
                memset(buf, 0xa5, len + GUARD);
                size_t n = sb_say_rule(&fx->m, (enum sb_rule_id)id, &vals[k], buf, len);
                for (size_t g = len; g < len + GUARD; g++)
                    if ((unsigned char)buf[g] != 0xa5) {
                        print_error("%s: wrote byte %zu of a %zu-byte buffer\n",
                                    sb_infer((enum sb_rule_id)id)->name, g, len);
                        fail();
                    }
                if (len == 0) {
                    assert_int_equal(n, 0);
                    continue;
                }
                assert_int_equal(n, full < len - 1 ? full : len - 1);
                assert_int_equal(buf[n], '\0');
                assert_memory_equal(buf, whole, n);
            }
        }
    }
}

/* --------------------------------------------------------------- man page */

/* The next roff argument at *p: a "quoted string" or a word; escapes
 * \- \& \% \e unescaped. Returns false at the end of the line. */
static bool roff_arg(const char **p, char *out, size_t cap)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s || *s == '\n')
        return false;
    bool quoted = *s == '"';
    if (quoted)
        s++;
    size_t n = 0;
    while (*s && *s != '\n' && (quoted ? *s != '"' : (*s != ' ' && *s != '\t'))) {
        char c = *s++;
        if (c == '\\' && *s) {
            char e = *s++;
            if (e == '&' || e == '%')
                continue;
            c = e == 'e' ? '\\' : e; /* \- and the like: the character */
        }
        if (n + 1 < cap)
            out[n++] = c;
    }
    if (quoted && *s == '"')
        s++;
    out[n] = '\0';
    *p = s;
    return true;
}

/* A rule entry's second argument, " (high)": the confidence word. */
static bool entry_conf(const char *arg, char *conf, size_t cap)
{
    while (*arg == ' ')
        arg++;
    size_t n = strlen(arg);
    if (n < 3 || arg[0] != '(' || arg[n - 1] != ')' || n - 2 >= cap)
        return false;
    for (size_t k = 1; k + 1 < n; k++)
        if (!islower((unsigned char)arg[k]))
            return false;
    memcpy(conf, arg + 1, n - 2);
    conf[n - 2] = '\0';
    return true;
}

/* man/stackblame.1 lists each rule as an entry
 *   .TP
 *   .BR <name> " (<confidence>)"
 * (the confidence "none" for the quiet rules that are never blamed).
 * Each row of the table (but "none") appears once with its confidence;
 * no entry names a rule the table does not have. Other .TP entries (the
 * options) have no " (word)" argument and are not rule entries. */
static void test_man_page_lists_every_rule(void **state)
{
    (void)state;
    FILE *f = fopen(SB_MAN_PAGE, "r");
    if (!f) {
        print_error("cannot open %s\n", SB_MAN_PAGE);
        fail();
    }
    unsigned seen[SB_RULE_NRULES] = {0};
    unsigned problems = 0, entries = 0;
    char line[4096];
    bool after_tp = false;
    unsigned line_no = 0;
    while (fgets(line, sizeof(line), f)) {
        line_no++;
        bool tp = strncmp(line, ".TP", 3) == 0 && (line[3] == '\n' || line[3] == ' ' || !line[3]);
        if (after_tp && strncmp(line, ".BR ", 4) == 0) {
            const char *p = line + 4;
            char name[256], second[256], conf[32];
            bool has_name = roff_arg(&p, name, sizeof(name));
            bool has_second = has_name && roff_arg(&p, second, sizeof(second));
            char third[8];
            bool more = has_second && roff_arg(&p, third, sizeof(third));
            if (has_second && !more && entry_conf(second, conf, sizeof(conf))) {
                entries++;
                int id = -1;
                for (int k = 1; k < SB_RULE_NRULES && id < 0; k++)
                    if (strcmp(name, sb_infer((enum sb_rule_id)k)->name) == 0)
                        id = k;
                if (id < 0) {
                    print_error("%s:%u: entry for an unknown rule \"%s\"\n", SB_MAN_PAGE, line_no,
                                name);
                    problems++;
                } else {
                    const char *want = sb_conf_name((enum sb_conf)sb_infer(id)->conf);
                    if (strcmp(conf, want) != 0) {
                        print_error("%s:%u: %s is (%s), the table says (%s)\n", SB_MAN_PAGE,
                                    line_no, name, conf, want);
                        problems++;
                    }
                    seen[id]++;
                }
            }
        }
        after_tp = tp;
    }
    fclose(f);
    unsigned missing = 0;
    for (int id = 1; id < SB_RULE_NRULES; id++) {
        if (seen[id] == 1)
            continue;
        if (seen[id] == 0) {
            if (missing++ < 10)
                print_error("%s: no entry for %s\n", SB_MAN_PAGE,
                            sb_infer((enum sb_rule_id)id)->name);
        } else {
            print_error("%s: %s is listed %u times\n", SB_MAN_PAGE,
                        sb_infer((enum sb_rule_id)id)->name, seen[id]);
        }
        problems++;
    }
    if (missing)
        print_error("%s: %u of the %d rules have no entry (.TP, then .BR name \" (confidence)\")\n",
                    SB_MAN_PAGE, missing, SB_RULE_NRULES - 1);
    if (problems)
        print_error("%u rule entries read, %u problems\n", entries, problems);
    assert_int_equal(problems, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_unique),
        cmocka_unit_test(test_docs_kinds_and_confidence),
        cmocka_unit_test(test_says_slots_known),
        cmocka_unit_test_setup_teardown(test_say_rule_fills_slots, setup_fx, teardown_fx),
        cmocka_unit_test_setup_teardown(test_say_rule_never_overflows, setup_fx, teardown_fx),
        cmocka_unit_test(test_man_page_lists_every_rule),
    };
    return cmocka_run_group_tests_name("infer", tests, NULL, NULL);
}
