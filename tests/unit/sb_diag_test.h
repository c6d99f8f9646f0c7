/* sb_diag_test.h: the fixture of the diagnosis tests (test_graph.c,
 * test_stuck.c, test_quiet.c): hand-written dumps parsed into one model as
 * the CLI parses its files (each with its own file name, hence its label),
 * then the whole pipeline, sb_analyze(), with the built-in rules. The
 * helpers look goroutines up by dump and id and compare what the inference
 * rules concluded, printing rule and confidence names on a mismatch.
 *
 * Like every input in tests/unit, the dumps are hand-written minimal cases
 * (see sb_test.h): lines shaped exactly like Go's, a few goroutines each.
 * Runtime frames a real dump prints above the sync or channel frames
 * (runtime.gopark, runtime.semacquire1 ...) are left out where the rule
 * under test does not read them. */
#ifndef STACKBLAME_DIAG_TEST_H
#define STACKBLAME_DIAG_TEST_H

#include "sb_test.h"

#include "stackblame/analysis.h"
#include "stackblame/infer.h"
#include "stackblame/input.h"
#include "stackblame/parser.h"
#include "stackblame/prefix.h"
#include "stackblame/rules.h"

typedef struct sb_fx {
    sb_model m;
    sb_rules *rules;
    sb_analysis a;
    bool analysed;
    enum sb_series_mode series; /* SB_SERIES_ALL unless a test sets it */
} sb_fx;

static inline int setup_fx(void **state)
{
    sb_fx *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    sb_model_init(&fx->m);
    char err[256] = "";
    fx->rules = sb_rules_load(NULL, err, sizeof(err));
    if (!fx->rules) {
        sb_model_free(&fx->m);
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static inline int teardown_fx(void **state)
{
    sb_fx *fx = *state;
    if (fx->analysed)
        sb_analysis_free(&fx->a);
    sb_rules_free(fx->rules);
    sb_model_free(&fx->m);
    free(fx);
    return 0;
}

/* Parses text as the input file `name`: a dump is labelled by its file
 * name up to the first dot, so "kubelet.txt" and "containerd.txt" are two
 * processes, "app.1.txt" and "app.2.txt" two snapshots of one. */
static inline void fx_add(sb_fx *fx, const char *name, const char *text)
{
    char err[256] = "";
    sb_prefix *px = sb_prefix_new(NULL, err, sizeof(err));
    assert_non_null(px);
    sb_parser *p = sb_parser_new(&fx->m, px);
    sb_input in;
    sb_input_open_mem(&in, name, text, strlen(text));
    bool ok = sb_parse_input(p, &in, NULL, err, sizeof(err));
    sb_input_close(&in);
    sb_parser_free(p);
    sb_prefix_free(px);
    if (!ok)
        print_error("parse of %s failed: %s\n", name, err);
    assert_true(ok);
}

static inline void fx_analyze(sb_fx *fx)
{
    assert_false(fx->analysed);
    sb_analyze(&fx->m, fx->rules, NULL, fx->series, &fx->a);
    fx->analysed = true;
}

/* One dump, analysed. */
static inline void fx_run(sb_fx *fx, const char *text)
{
    fx_add(fx, "app.txt", text);
    fx_analyze(fx);
}

/* The model index of goroutine `id` of dump `dump`; fails when absent. */
static inline uint32_t sb_fx_g(const sb_fx *fx, uint32_t dump, uint64_t id, const char *file,
                               int line)
{
    if (dump < fx->m.ndumps) {
        const sb_dump *d = &fx->m.dumps[dump];
        for (uint32_t i = d->first; i < d->first + d->ngoroutines; i++)
            if (fx->m.goroutines[i].id == id)
                return i;
    }
    print_error("no goroutine %llu in dump %u (%zu dumps)\n", (unsigned long long)id, dump,
                fx->m.ndumps);
    _fail(file, line);
    return SB_NONE;
}
#define fx_g(fx, dump, id) sb_fx_g((fx), (dump), (id), __FILE__, __LINE__)

static inline const char *fx_rule(unsigned rule)
{
    return sb_infer((enum sb_rule_id)rule)->name;
}

static inline const char *fx_conf(unsigned conf)
{
    return sb_conf_name((enum sb_conf)conf);
}

/* "goroutine 12 (dump 0)", "none" for SB_NONE, in one of a few buffers. */
static inline const char *fx_who(const sb_fx *fx, uint32_t gi)
{
    static char out[4][64];
    static unsigned turn;
    char *o = out[turn++ % 4];
    if (gi == SB_NONE)
        snprintf(o, 64, "none");
    else
        snprintf(o, 64, "goroutine %llu (dump %u)", (unsigned long long)fx->m.goroutines[gi].id,
                 fx->m.goroutines[gi].dump);
    return o;
}

/* The target goroutine gi waits on; fails when it has none. */
static inline const sb_target *sb_fx_edge(const sb_fx *fx, uint32_t gi, const char *file, int line)
{
    uint32_t t = fx->a.graph.target_of[gi];
    if (t == SB_NONE) {
        print_error("%s has no edge\n", fx_who(fx, gi));
        _fail(file, line);
    }
    return &fx->a.graph.targets[t];
}
#define fx_edge(fx, gi) sb_fx_edge((fx), (gi), __FILE__, __LINE__)

/* Goroutine gi's edge: named by `rule`, with confidence `conf`, to
 * `holder` (a goroutine index, SB_NONE for a dangling edge). */
static inline void sb_fx_check_edge(const sb_fx *fx, uint32_t gi, enum sb_rule_id rule,
                                    enum sb_conf conf, uint32_t holder, const char *file, int line)
{
    const sb_target *t = sb_fx_edge(fx, gi, file, line);
    if (t->rule == rule && t->conf == conf && t->holder == holder)
        return;
    print_error("%s: edge %s (%s) to %s; want %s (%s) to %s\n", fx_who(fx, gi), fx_rule(t->rule),
                fx_conf(t->conf), fx_who(fx, t->holder), fx_rule(rule), fx_conf(conf),
                fx_who(fx, holder));
    _fail(file, line);
}
#define assert_edge(fx, gi, rule, conf, holder)                                                    \
    sb_fx_check_edge((fx), (gi), (rule), (conf), (holder), __FILE__, __LINE__)

/* Evidence line k of goroutine gi's edge. */
static inline const char *fx_evidence(const sb_fx *fx, uint32_t gi, uint32_t k)
{
    const sb_target *t = fx_edge(fx, gi);
    assert_true(k < t->nev);
    return sb_str(&fx->m, fx->a.graph.evidence[t->ev_first + k], NULL);
}

/* The stuck finding whose members include goroutine gi; fails when none. */
static inline const sb_stuck *sb_fx_stuck_of(const sb_fx *fx, uint32_t gi, const char *file,
                                             int line)
{
    for (size_t k = 0; k < fx->a.stuck.n; k++)
        for (uint32_t j = 0; j < fx->a.stuck.v[k].nmembers; j++)
            if (fx->a.stuck.v[k].members[j] == gi)
                return &fx->a.stuck.v[k];
    print_error("%s is in no stuck finding (%zu findings)\n", fx_who(fx, gi), fx->a.stuck.n);
    _fail(file, line);
    return NULL;
}
#define fx_stuck_of(fx, gi) sb_fx_stuck_of((fx), (gi), __FILE__, __LINE__)

/* Goroutine gi is named stuck by `rule` with confidence `conf`. */
static inline void sb_fx_check_stuck(const sb_fx *fx, uint32_t gi, enum sb_rule_id rule,
                                     enum sb_conf conf, const char *file, int line)
{
    const sb_stuck *s = sb_fx_stuck_of(fx, gi, file, line);
    if (s->rule == rule && s->conf == conf)
        return;
    print_error("%s: stuck by %s (%s); want %s (%s)\n", fx_who(fx, gi), fx_rule(s->rule),
                fx_conf(s->conf), fx_rule(rule), fx_conf(conf));
    _fail(file, line);
}
#define assert_stuck(fx, gi, rule, conf)                                                           \
    sb_fx_check_stuck((fx), (gi), (rule), (conf), __FILE__, __LINE__)

/* Whether goroutine gi is in no stuck finding. */
static inline bool fx_not_stuck(const sb_fx *fx, uint32_t gi)
{
    for (size_t k = 0; k < fx->a.stuck.n; k++)
        for (uint32_t j = 0; j < fx->a.stuck.v[k].nmembers; j++)
            if (fx->a.stuck.v[k].members[j] == gi)
                return false;
    return true;
}

/* Goroutine gi shows the healthy shape `rule` (sb_gclass.quiet, 0 = none). */
static inline void sb_fx_check_quiet(const sb_fx *fx, uint32_t gi, unsigned rule, const char *file,
                                     int line)
{
    unsigned q = fx->a.classes.g[gi].quiet;
    if (q == rule)
        return;
    print_error("%s: quiet %s; want %s\n", fx_who(fx, gi), q ? fx_rule(q) : "(none)",
                rule ? fx_rule(rule) : "(none)");
    _fail(file, line);
}
#define assert_quiet(fx, gi, rule) sb_fx_check_quiet((fx), (gi), (rule), __FILE__, __LINE__)

/* No chain, cycle or stuck finding of medium or high confidence: what
 * --fail-deadlock, --fail-blocked and --fail-stuck count (sb_analysis_findings). */
static inline void sb_fx_check_nothing_medium(const sb_fx *fx, const char *file, int line)
{
    bool bad = false;
    for (size_t c = 0; c < fx->a.blame.nchains; c++) {
        const sb_chain *ch = &fx->a.blame.chains[c];
        if (ch->conf >= SB_CONF_MEDIUM) {
            print_error("chain from %s to %s: %s (%s)\n", fx_who(fx, ch->links[0]),
                        fx_who(fx, ch->links[ch->nlinks - 1]), fx_rule(ch->rule),
                        fx_conf(ch->conf));
            bad = true;
        }
    }
    for (size_t c = 0; c < fx->a.blame.ncycles; c++) {
        const sb_cycle *cy = &fx->a.blame.cycles[c];
        if (cy->conf >= SB_CONF_MEDIUM) {
            print_error("cycle through %s: %s (%s)\n", fx_who(fx, cy->members[0]),
                        fx_rule(cy->rule), fx_conf(cy->conf));
            bad = true;
        }
    }
    for (size_t k = 0; k < fx->a.stuck.n; k++) {
        const sb_stuck *s = &fx->a.stuck.v[k];
        if (s->conf >= SB_CONF_MEDIUM) {
            print_error("stuck %s: %s (%s)\n", fx_who(fx, s->members[0]), fx_rule(s->rule),
                        fx_conf(s->conf));
            bad = true;
        }
    }
    if (bad || sb_analysis_findings(&fx->a, true, 1, true) != 0)
        _fail(file, line);
}
#define assert_nothing_medium(fx) sb_fx_check_nothing_medium((fx), __FILE__, __LINE__)

#endif
