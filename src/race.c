/* race.c: Go race-detector reports; see race.h. Each line is classified
 * once (access header, "created at" header, file line, function line,
 * other section header, noise) and read left to right: linear in the
 * report, and every read is inside the span (spans are not NUL-terminated).
 * A stack's frames gather in a fixed scratch array and are copied to the
 * arena when its section ends, so a stack costs its frames, not the cap. */
#include "stackblame/race.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- span scanning --------------------------------------------------- */

/* Consumes lit when s starts with it. */
static bool eat(sb_span *s, const char *lit)
{
    size_t n = strlen(lit);
    if (!sb_span_starts(*s, lit, n))
        return false;
    s->p += n;
    s->n -= n;
    return true;
}

/* Moves s just past the first occurrence of lit; false (s unchanged) when absent. */
static bool skip_past(sb_span *s, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t i = 0; n <= s->n && i <= s->n - n; i++) {
        if (memcmp(s->p + i, lit, n) == 0) {
            s->p += i + n;
            s->n -= i + n;
            return true;
        }
    }
    return false;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Consumes a decimal number; false when there is none or it overflows. */
static bool eat_dec(sb_span *s, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s->n && is_digit(s->p[i]); i++) {
        uint64_t d = (uint64_t)(s->p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (i == 0)
        return false;
    s->p += i;
    s->n -= i;
    *out = v;
    return true;
}

/* Consumes "0x" and up to 16 hex digits; false when there are none or more. */
static bool eat_hex(sb_span *s, uint64_t *out)
{
    sb_span t = *s;
    eat(&t, "0x");
    uint64_t v = 0;
    size_t i = 0;
    for (; i < t.n && hex_value(t.p[i]) >= 0; i++) {
        if (i == 16)
            return false;
        v = v << 4 | (uint64_t)hex_value(t.p[i]);
    }
    if (i == 0)
        return false;
    s->p = t.p + i;
    s->n = t.n - i;
    *out = v;
    return true;
}

/* ---- line shapes ----------------------------------------------------- */

/* The access kinds TSan prints: Go's four, and the atomic ones of C/C++. */
static const struct {
    const char *lit;
    bool previous, atomic, write;
} access_kinds[] = {
    {"Read", false, false, false},
    {"Write", false, false, true},
    {"Atomic read", false, true, false},
    {"Atomic write", false, true, true},
    {"Previous read", true, false, false},
    {"Previous write", true, false, true},
    {"Previous atomic read", true, true, false},
    {"Previous atomic write", true, true, true},
};

/* Consumes the kind of an access header ("Previous write") and the space
 * after it, so that "Reader..." is not one. */
static bool eat_access_kind(sb_span *s, sb_race_access *a)
{
    for (size_t i = 0; i < sizeof(access_kinds) / sizeof(access_kinds[0]); i++) {
        sb_span t = *s;
        if (eat(&t, access_kinds[i].lit) && eat(&t, " ")) {
            a->previous = access_kinds[i].previous;
            a->atomic = access_kinds[i].atomic;
            a->write = access_kinds[i].write;
            *s = t;
            return true;
        }
    }
    return false;
}

/* "Write at 0x00c4204402c8 by goroutine 12:", "Read at 0x... by main
 * goroutine:". The address and the goroutine are optional (left 0): a
 * header seen is an access even when the rest is garbled. */
static bool parse_access_header(sb_span s, sb_race_access *a)
{
    memset(a, 0, sizeof(*a));
    if (!eat_access_kind(&s, a))
        return false;
    sb_span t = s;
    if (skip_past(&t, "at ") && eat_hex(&t, &a->addr))
        s = t;
    if (!skip_past(&s, "by "))
        return true;
    if (eat(&s, "main goroutine"))
        a->main = true;
    else if (eat(&s, "goroutine "))
        eat_dec(&s, &a->goroutine);
    return true;
}

/* The goroutine states TSan prints, kept without a copy. */
static const char *known_state(sb_span w)
{
    if (w.n == 7 && memcmp(w.p, "running", 7) == 0)
        return "running";
    if (w.n == 8 && memcmp(w.p, "finished", 8) == 0)
        return "finished";
    return NULL;
}

/* Longer state words are not TSan's: kept, they would cost memory. */
#define MAX_STATE 32

/* "Goroutine 12 (running) created at:": the id and the state word. */
static bool parse_created_header(sb_span s, uint64_t *id, sb_span *state)
{
    if (!eat(&s, "Goroutine ") || !eat_dec(&s, id) || !eat(&s, " ("))
        return false;
    size_t i = 0;
    while (i < s.n && s.p[i] != ')' && s.p[i] != '(')
        i++;
    if (i == 0 || i > MAX_STATE || i == s.n || s.p[i] != ')')
        return false;
    *state = sb_span_make(s.p, i);
    s.p += i + 1;
    s.n -= i + 1;
    return eat(&s, " created at");
}

/* "/path/file.go:361 +0x172", "<autogenerated>:76", "C:/src/a.go:9 +0x1f":
 * a path, ':', a line number, and an optional " +0x..." offset. */
static bool parse_file_line(sb_span s, sb_span *file, uint32_t *line)
{
    size_t n = s.n;
    size_t sp = n;
    while (sp > 0 && s.p[sp - 1] != ' ')
        sp--;
    if (sp > 0 && n - sp > 3 && memcmp(s.p + sp, "+0x", 3) == 0) {
        size_t h = sp + 3;
        while (h < n && hex_value(s.p[h]) >= 0)
            h++;
        if (h == n)
            n = sp - 1; /* drop the offset and the space before it */
    }
    size_t d = n;
    while (d > 0 && is_digit(s.p[d - 1]))
        d--;
    if (d == n || d < 2 || s.p[d - 1] != ':')
        return false;
    *file = sb_span_make(s.p, d - 1);
    sb_span num = sb_span_make(s.p + d, n - d);
    uint64_t v = 0;
    *line = eat_dec(&num, &v) && v <= UINT32_MAX ? (uint32_t)v : 0;
    return true;
}

/* Whether a function name has no space outside brackets: Go's names have
 * none ("main.F[go.shape.struct { X int }]" has them inside only), while
 * noise that ends in ")" usually does ("Goroutine 1 (running)"). */
static bool plain_name(sb_span s)
{
    int depth = 0;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (c == '(' || c == '[' || c == '{')
            depth++;
        else if ((c == ')' || c == ']' || c == '}') && depth > 0)
            depth--;
        else if ((c == ' ' || c == '\t') && depth == 0)
            return false;
    }
    return true;
}

/* "pkg.(*T).Method()" or "f(0xc000010000, 0x1)": the function is the text
 * before the trailing parenthesised list, found by matching parentheses
 * from the end ("pkg.(finalCloser).(database/sql.finalClose)-fm()"). */
static bool parse_func_line(sb_span s, sb_span *func)
{
    if (s.n < 3 || s.p[s.n - 1] != ')')
        return false;
    size_t depth = 0, i = s.n;
    while (i > 0) {
        char c = s.p[--i];
        if (c == ')')
            depth++;
        else if (c == '(' && --depth == 0)
            break;
    }
    if (depth != 0 || i == 0 || !plain_name(sb_span_make(s.p, i)))
        return false;
    *func = sb_span_make(s.p, i);
    return true;
}

/* ---- sections -------------------------------------------------------- */

/* Ends the open section: its frames move from the scratch to the arena. */
static void flush_section(sb_races *r)
{
    size_t n = r->nscratch;
    if (n && (r->sect == SB_RACE_SECT_ACCESS || r->sect == SB_RACE_SECT_CREATED)) {
        sb_race_frame *f = sb_arena_alloc(&r->arena, n * sizeof(*f));
        memcpy(f, r->scratch, n * sizeof(*f));
        sb_race_access *a = &r->cur.access[r->target];
        if (r->sect == SB_RACE_SECT_ACCESS) {
            a->frames = f;
            a->nframes = n;
        } else {
            a->created = f;
            a->ncreated = n;
        }
    }
    r->nscratch = 0;
    r->sect = SB_RACE_SECT_NONE;
    r->want_file = false;
}

static void start_section(sb_races *r, enum sb_race_sect sect, uint8_t target)
{
    flush_section(r);
    r->sect = (uint8_t)sect;
    r->target = target;
}

/* An access header: the next slot, or a skipped section past two. */
static void on_access(sb_races *r, const sb_race_access *a)
{
    if (r->cur.naccess >= 2) {
        start_section(r, SB_RACE_SECT_SKIP, 0);
        return;
    }
    uint8_t i = (uint8_t)r->cur.naccess++;
    r->cur.access[i] = *a;
    start_section(r, SB_RACE_SECT_ACCESS, i);
}

/* The access a "Goroutine N created at:" belongs to: the first one by
 * goroutine N that has no creation stack yet; -1 when none. */
static int creator_target(const sb_race *race, uint64_t id)
{
    for (uint32_t i = 0; i < race->naccess; i++) {
        const sb_race_access *a = &race->access[i];
        if (!a->main && a->goroutine == id && !a->gstate)
            return (int)i;
    }
    return -1;
}

static void on_created(sb_races *r, uint64_t id, sb_span state)
{
    int i = creator_target(&r->cur, id);
    if (i < 0) {
        start_section(r, SB_RACE_SECT_SKIP, 0);
        return;
    }
    const char *st = known_state(state);
    r->cur.access[i].gstate = st ? st : sb_arena_memdup(&r->arena, state.p, state.n);
    start_section(r, SB_RACE_SECT_CREATED, (uint8_t)i);
}

/* The dropped-frame counter of the section being read. */
static size_t *dropped_counter(sb_races *r)
{
    sb_race_access *a = &r->cur.access[r->target];
    return r->sect == SB_RACE_SECT_ACCESS ? &a->frames_dropped : &a->created_dropped;
}

/* A function line: kept while under the frame and byte caps, else counted. */
static void on_func(sb_races *r, sb_span func)
{
    r->want_file = false;
    if (r->sect != SB_RACE_SECT_ACCESS && r->sect != SB_RACE_SECT_CREATED)
        return;
    if (r->nscratch >= SB_RACE_MAX_FRAMES || r->arena.used_total >= SB_RACE_MAX_BYTES) {
        (*dropped_counter(r))++;
        return;
    }
    sb_race_frame *f = &r->scratch[r->nscratch++];
    f->func = sb_arena_memdup(&r->arena, func.p, func.n);
    f->file = NULL;
    f->line = 0;
    r->want_file = true;
}

/* A file line belongs to the kept function line just before it, if any. */
static void on_file(sb_races *r, sb_span file, uint32_t line)
{
    if (!r->want_file)
        return;
    sb_race_frame *f = &r->scratch[r->nscratch - 1];
    f->file = sb_arena_memdup(&r->arena, file.p, file.n);
    f->line = line;
    r->want_file = false;
}

/* Classifies one line and acts on it. Section headers come first: a
 * "Global var ... declared at f.go:3" line would read as a file line. */
static void read_line(sb_races *r, sb_span s)
{
    sb_race_access a;
    uint64_t id;
    sb_span x;
    uint32_t line;
    if (parse_access_header(s, &a))
        on_access(r, &a);
    else if (parse_created_header(s, &id, &x))
        on_created(r, id, x);
    else if (SB_STARTS(s, "Global var "))
        flush_section(r); /* a one-line location: no stack follows */
    else if (parse_file_line(s, &x, &line))
        on_file(r, x, line);
    else if (parse_func_line(s, &x))
        on_func(r, x);
    else if (SB_ENDS(s, ":"))
        start_section(r, SB_RACE_SECT_SKIP, 0); /* "Heap block ... allocated by goroutine 3:" */
    else
        r->want_file = false; /* blank, "[failed to restore the stack]", noise */
}

/* ---- reports --------------------------------------------------------- */

/* Ends the open report: kept (under the report cap) with its flag. */
static void finish(sb_races *r, bool truncated)
{
    if (!r->open)
        return;
    flush_section(r);
    r->open = false;
    if (!r->keep)
        return;
    r->cur.truncated = truncated;
    r->v = sb_grow(r->v, &r->cap, r->n, sizeof(*r->v));
    r->v[r->n++] = r->cur;
}

void sb_races_init(sb_races *r)
{
    memset(r, 0, sizeof(*r));
    sb_arena_init(&r->arena);
}

void sb_races_free(sb_races *r)
{
    free(r->v);
    sb_arena_free(&r->arena);
    sb_races_init(r);
}

void sb_races_begin(sb_races *r, uint64_t line_no, uint32_t label, uint32_t source)
{
    finish(r, true);
    memset(&r->cur, 0, sizeof(r->cur));
    r->cur.line_no = line_no;
    r->cur.label = label;
    r->cur.source = source;
    r->open = true;
    r->keep = r->n < SB_RACE_MAX_REPORTS;
    if (!r->keep)
        r->dropped++;
    r->sect = SB_RACE_SECT_NONE;
    r->nscratch = 0;
    r->want_file = false;
}

void sb_races_line(sb_races *r, sb_span line)
{
    if (!r->open || !r->keep)
        return;
    read_line(r, line);
}

void sb_races_end(sb_races *r)
{
    finish(r, false);
}

void sb_races_cut(sb_races *r)
{
    finish(r, true);
}
