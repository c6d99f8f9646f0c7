/* report_json.c: the machine-readable report, schema "stackblame/1".
 * Identical stacks are written once in "stacks"; a goroutine points at its
 * stack and lists only the arguments that differ from the stack's own. */
#include <inttypes.h>
#include <string.h>
#include <stdlib.h>
#include "stackblame/escape.h"
#include "stackblame/fingerprint.h"
#include "stackblame/outbuf.h"
#include "stackblame/report.h"

/* What a goroutine's fields from "state" to "stack" are written from,
 * but the stack: most goroutines of one stack share all of it (the 420 MB
 * benchmark dump's 125,000 goroutines have 939 stacks; 97% of them have
 * the fields of the last goroutine of their stack). */
typedef struct jtail_key {
    int64_t wait;
    uint64_t parent;
    uint32_t state, labels, created_by, flags, elided, count, format;
} jtail_key;

/* Those fields as written for the last goroutine of a stack, and its key. */
typedef struct jtail {
    jtail_key key;
    char *bytes; /* in jout.arena; len 0: none */
    uint32_t len, cap;
} jtail;
#define JTAIL_MAX 1024 /* longer fields (labels, long names) are not kept */

/* The output, and which strings are known to need no escaping: a big
 * dump writes the same few states and receivers a million times, and
 * scanning them for escapes each time cost a tenth of the report. */
typedef struct jout {
    sb_outbuf b;
    uint8_t *plain; /* per string id: 0 unknown, 1 plain, 2 escaped */
    size_t nplain;
    jtail *tails; /* per stack id */
    size_t ntails;
    sb_arena arena;
} jout;

static void jstr(jout *out, const sb_model *m, uint32_t id)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    if (id < out->nplain && !out->plain[id])
        out->plain[id] = sb_json_plain(s, n) ? 1 : 2;
    if (id < out->nplain && out->plain[id] == 1 && n <= SB_OUTBUF - 2) {
        char *w = sb_out_room(&out->b, n + 2);
        *w++ = '"';
        w = sb_w_put(w, s, n);
        *w++ = '"';
        sb_out_done(&out->b, w);
        return;
    }
    sb_out_putc(&out->b, '"');
    sb_out_json(&out->b, s, n);
    sb_out_putc(&out->b, '"');
}

/* An argument ref (model.h) as a JSON string. */
static void jarg(jout *out, const sb_model *m, uint32_t a)
{
    if (!(a & SB_ARG_NUM)) {
        jstr(out, m, a);
        return;
    }
    char *w = sb_out_room(&out->b, SB_ARG_TEXT_MAX + 2);
    *w++ = '"';
    w = sb_arg_number_text(m, a, w); /* 0x, hex digits and '?': nothing to escape */
    *w++ = '"';
    sb_out_done(&out->b, w);
}

static void jstr_or_null(jout *out, const sb_model *m, uint32_t id)
{
    if (id)
        jstr(out, m, id);
    else
        sb_out_str(&out->b, "null");
}

static void put_fingerprint(jout *out, uint32_t fp)
{
    char buf[SB_FP_TEXT];
    sb_out_printf(&out->b, ",\"fingerprint\":\"%s\"", sb_fp_text(fp, buf));
}

static void put_stats(jout *out, const sb_model *m)
{
    const sb_stats *s = &m->stats;
    sb_out_printf(&out->b,
                  "\"stats\":{\"dumps\":%zu,\"goroutines\":%" PRIu64 ",\"frames\":%" PRIu64
                  ",\"skipped_lines\":%" PRIu64 ",\"known_lines\":%" PRIu64
                  ",\"truncated\":%" PRIu64 ",\"lines\":%" PRIu64 ",\"bytes\":%" PRIu64
                  ",\"long_lines\":%" PRIu64 ",\"frames_cut\":%" PRIu64 ",\"race_reports\":%" PRIu64
                  "}",
                  m->ndumps, s->goroutines, s->frames, s->skipped_lines, s->known_lines,
                  s->truncated, s->lines, s->bytes, s->long_lines, s->frames_cut, s->race_reports);
}

/* The crash a dump records, or null. */
static void put_crash(jout *out, const sb_report *r, uint32_t di)
{
    const sb_model *m = r->m;
    const sb_crash *c = NULL;
    for (size_t k = 0; r->crashes && k < r->crashes->n && !c; k++)
        if (r->crashes->v[k].dump == di)
            c = &r->crashes->v[k];
    if (!c) {
        sb_out_str(&out->b, ",\"crash\":null");
        return;
    }
    sb_out_str(&out->b, ",\"crash\":{\"reason\":");
    jstr(out, m, c->reason);
    put_fingerprint(out, sb_fp_crash(m, c));
    if (c->goroutine != SB_NONE)
        sb_out_printf(&out->b, ",\"goroutine\":%" PRIu64, m->goroutines[c->goroutine].id);
    else
        sb_out_str(&out->b, ",\"goroutine\":null");
    const sb_frame *f = c->frame != SB_NONE ? sb_frame_get(m, c->frame) : NULL;
    sb_out_str(&out->b, ",\"frame\":");
    jstr_or_null(out, m, f ? f->func : 0);
    sb_out_str(&out->b, ",\"file\":");
    jstr_or_null(out, m, f ? f->file : 0);
    if (f && f->file)
        sb_out_printf(&out->b, ",\"line\":%u", f->line);
    else
        sb_out_str(&out->b, ",\"line\":null");
    sb_out_str(&out->b, ",\"log_line\":");
    jstr_or_null(out, m, c->log_line);
    sb_out_putc(&out->b, '}');
}

static void put_dumps(jout *out, const sb_report *r)
{
    const sb_model *m = r->m;
    sb_out_str(&out->b, "\"dumps\":[");
    for (size_t i = 0; i < m->ndumps; i++) {
        const sb_dump *d = &m->dumps[i];
        sb_out_printf(&out->b, "%s{\"index\":%zu,\"label\":", i ? "," : "", i + 1);
        jstr(out, m, d->label);
        sb_out_str(&out->b, ",\"source\":");
        jstr(out, m, d->source);
        sb_out_printf(&out->b,
                      ",\"line\":%" PRIu64 ",\"format\":\"%s\",\"origin\":\"%s\",\"headline\":",
                      d->line_no, sb_dump_format_name(d->format), sb_dump_origin_name(d->origin));
        jstr_or_null(out, m, d->headline);
        sb_out_str(&out->b, ",\"host\":");
        jstr_or_null(out, m, d->host);
        sb_out_str(&out->b, ",\"time\":");
        jstr_or_null(out, m, d->time);
        sb_out_printf(&out->b, ",\"goroutines\":%" PRIu64 ",\"records\":%u", d->goroutines,
                      d->ngoroutines);
        if (d->series != SB_NONE)
            sb_out_printf(&out->b, ",\"series\":%u,\"snapshot\":%u,\"superseded\":%s", d->series,
                          d->snapshot, d->superseded ? "true" : "false");
        else
            sb_out_str(&out->b, ",\"series\":null,\"snapshot\":null");
        if (d->fragment_of != SB_NONE)
            sb_out_printf(&out->b, ",\"fragment_of\":%u", d->fragment_of + 1);
        else
            sb_out_str(&out->b, ",\"fragment_of\":null");
        put_crash(out, r, (uint32_t)i);
        if (d->format == SB_FMT_DEBUG1)
            sb_out_printf(&out->b, ",\"declared_total\":%" PRIu64, d->declared_total);
        sb_out_putc(&out->b, '}');
    }
    sb_out_putc(&out->b, ']');
}

/* Every input named, the ones that gave nothing with their error. */
static void put_inputs(jout *out, const sb_model *m)
{
    sb_out_str(&out->b, "\"inputs\":[");
    for (size_t i = 0; i < m->ninputs; i++) {
        const sb_input_rec *in = &m->inputs[i];
        sb_out_str(&out->b, i ? ",{\"path\":" : "{\"path\":");
        jstr(out, m, in->path);
        sb_out_printf(&out->b,
                      ",\"dumps\":%u,\"goroutines\":%" PRIu64 ",\"races\":%" PRIu64 ",\"error\":",
                      in->ndumps, in->goroutines, in->races);
        jstr_or_null(out, m, in->error);
        sb_out_putc(&out->b, '}');
    }
    sb_out_putc(&out->b, ']');
}

/* A C string from a race report, escaped. */
static void jraw(jout *out, const char *s)
{
    if (!s) {
        sb_out_str(&out->b, "null");
        return;
    }
    sb_out_putc(&out->b, '"');
    sb_out_json(&out->b, s, strlen(s));
    sb_out_putc(&out->b, '"');
}

static void put_race_frames(jout *out, const sb_race_frame *v, size_t n)
{
    sb_out_putc(&out->b, '[');
    for (size_t i = 0; i < n; i++) {
        sb_out_str(&out->b, i ? ",{\"func\":" : "{\"func\":");
        jraw(out, v[i].func);
        sb_out_str(&out->b, ",\"file\":");
        jraw(out, v[i].file);
        if (v[i].file)
            sb_out_printf(&out->b, ",\"line\":%u}", v[i].line);
        else
            sb_out_str(&out->b, ",\"line\":null}");
    }
    sb_out_putc(&out->b, ']');
}

static void put_race_access(jout *out, const sb_race_access *a)
{
    sb_out_printf(&out->b,
                  "{\"access\":\"%s\",\"previous\":%s,\"atomic\":%s,\"addr\":\"0x%" PRIx64
                  "\",\"goroutine\":",
                  a->write ? "write" : "read", a->previous ? "true" : "false",
                  a->atomic ? "true" : "false", a->addr);
    if (a->main)
        sb_out_str(&out->b, "null,\"main\":true");
    else
        sb_out_printf(&out->b, "%" PRIu64 ",\"main\":false", a->goroutine);
    sb_out_str(&out->b, ",\"goroutine_state\":");
    jraw(out, a->gstate);
    sb_out_str(&out->b, ",\"frames\":");
    put_race_frames(out, a->frames, a->nframes);
    sb_out_str(&out->b, ",\"created_at\":");
    put_race_frames(out, a->created, a->ncreated);
    sb_out_putc(&out->b, '}');
}

/* Race-detector reports: each with its two accesses. Their goroutine
 * numbers are the race detector's, not a dump's ids. */
static void put_races(jout *out, const sb_model *m)
{
    const sb_races *rs = &m->races;
    sb_out_str(&out->b, ",\"races\":[");
    for (size_t k = 0; k < rs->n; k++) {
        const sb_race *race = &rs->v[k];
        sb_out_str(&out->b, k ? ",{\"source\":" : "{\"source\":");
        jstr(out, m, race->source);
        sb_out_str(&out->b, ",\"label\":");
        jstr(out, m, race->label);
        sb_out_printf(&out->b, ",\"line\":%" PRIu64 ",\"truncated\":%s,\"accesses\":[",
                      race->line_no, race->truncated ? "true" : "false");
        for (uint32_t a = 0; a < race->naccess; a++) {
            if (a)
                sb_out_putc(&out->b, ',');
            put_race_access(out, &race->access[a]);
        }
        sb_out_str(&out->b, "]}");
    }
    sb_out_putc(&out->b, ']');
}

static void put_frame(jout *out, const sb_model *m, uint32_t frame_id, uint32_t args)
{
    const sb_frame *f = sb_frame_get(m, frame_id);
    sb_out_str(&out->b, "{\"func\":");
    jstr(out, m, f->func);
    sb_out_str(&out->b, ",\"args\":");
    jstr(out, m, args);
    sb_out_str(&out->b, ",\"file\":");
    jstr_or_null(out, m, f->file);
    sb_out_str(&out->b, ",\"line\":");
    if (f->file) {
        sb_out_u64(&out->b, f->line);
        sb_out_putc(&out->b, '}');
    } else {
        sb_out_str(&out->b, "null}");
    }
}

static void put_stacks(jout *out, const sb_model *m)
{
    sb_out_str(&out->b, "\"stacks\":[");
    size_t n = sb_intern_count(&m->stacks);
    for (size_t s = 0; s < n; s++) {
        const sb_stack *st = sb_stack_get(m, (uint32_t)s);
        const uint32_t *args = sb_intern_data(&m->argvecs, st->rep_args);
        size_t nargs = sb_intern_len(&m->argvecs, st->rep_args) / sizeof(uint32_t);
        sb_out_str(&out->b, s ? ",{\"frames\":[" : "{\"frames\":[");
        for (uint32_t i = 0; i < st->nframes; i++) {
            if (i)
                sb_out_putc(&out->b, ',');
            put_frame(out, m, st->frames[i], i < nargs ? args[i] : 0);
        }
        int f = sb_first_user_frame(m, st);
        if (f >= 0)
            sb_out_printf(&out->b, "],\"first_user_frame\":%d}", f);
        else
            sb_out_str(&out->b, "],\"first_user_frame\":null}");
    }
    sb_out_putc(&out->b, ']');
}

/* A goroutine's "created_by" object up to its "parent". */
static void put_creator(jout *out, const sb_model *m, uint32_t frame)
{
    const sb_frame *f = sb_frame_get(m, frame);
    sb_out_str(&out->b, "{\"func\":");
    jstr(out, m, f->func);
    sb_out_str(&out->b, ",\"file\":");
    jstr_or_null(out, m, f->file);
    if (f->file) {
        sb_out_str(&out->b, ",\"line\":");
        sb_out_u64(&out->b, f->line);
    } else {
        sb_out_str(&out->b, ",\"line\":null");
    }
}

/* The fields a goroutine and a chain link share: dump and id (under the
 * key idkey, a literal), then (put_state) state, wait, lock. */
#define put_goroutine_id(out, m, g, idkey) put_id((out), (m), (g), "" idkey, sizeof(idkey) - 1)
static void put_id(jout *out, const sb_model *m, const sb_goroutine *g, const char *idkey,
                   size_t idlen)
{
    char *w = sb_out_room(&out->b, 64 + idlen);
    w = SB_W_LIT(w, "{\"dump\":");
    w = sb_w_u64(w, g->dump);
    w = SB_W_LIT(w, ",\"");
    w = sb_w_put(w, idkey, idlen);
    w = SB_W_LIT(w, "\":");
    if (m->dumps[g->dump].format == SB_FMT_DEBUG1)
        w = SB_W_LIT(w, "null");
    else
        w = sb_w_u64(w, g->id);
    sb_out_done(&out->b, w);
}

static void put_state(jout *out, const sb_model *m, const sb_goroutine *g)
{
    sb_out_str(&out->b, ",\"state\":");
    jstr_or_null(out, m, g->state);
    char *w = sb_out_room(&out->b, 64);
    if (g->wait_minutes >= 0) {
        w = SB_W_LIT(w, ",\"wait_minutes\":");
        w = sb_w_u64(w, (uint64_t)g->wait_minutes);
    } else {
        w = SB_W_LIT(w, ",\"wait_minutes\":null");
    }
    if (g->flags & SB_G_LOCKED)
        w = SB_W_LIT(w, ",\"locked_to_thread\":true");
    else
        w = SB_W_LIT(w, ",\"locked_to_thread\":false");
    sb_out_done(&out->b, w);
}

/* A goroutine's fields from "state" to "stack". Each room holds its
 * longest fields with every number at 20 digits. */
static void put_tail(jout *out, const sb_model *m, const sb_goroutine *g)
{
    put_state(out, m, g);
    char *w = sb_out_room(&out->b, 128);
    if (m->dumps[g->dump].format == SB_FMT_DEBUG1) {
        w = SB_W_LIT(w, ",\"count\":");
        w = sb_w_u64(w, g->count);
    }
    if (g->flags & SB_G_TRUNCATED)
        w = SB_W_LIT(w, ",\"truncated\":true");
    if (g->flags & SB_G_ELIDED) {
        w = SB_W_LIT(w, ",\"elided\":");
        w = sb_w_u64(w, g->elided);
    }
    if (g->flags & SB_G_OTHER_THREAD)
        w = SB_W_LIT(w, ",\"other_thread\":true");
    if (g->flags & SB_G_ID_OVERFLOW)
        w = SB_W_LIT(w, ",\"id_overflow\":true");
    if (g->labels) {
        sb_out_done(&out->b, SB_W_LIT(w, ",\"labels\":"));
        jstr(out, m, g->labels);
    } else {
        sb_out_done(&out->b, w);
    }
    if (g->created_by == SB_NONE) {
        sb_out_str(&out->b, ",\"created_by\":null");
    } else {
        sb_out_str(&out->b, ",\"created_by\":");
        put_creator(out, m, g->created_by);
        w = sb_out_room(&out->b, 32);
        if (g->parent) {
            w = SB_W_LIT(w, ",\"parent\":");
            w = sb_w_u64(w, g->parent);
            *w++ = '}';
        } else {
            w = SB_W_LIT(w, ",\"parent\":null}");
        }
        sb_out_done(&out->b, w);
    }
    w = sb_out_room(&out->b, 32);
    w = SB_W_LIT(w, ",\"stack\":");
    w = sb_w_u64(w, g->stack);
    sb_out_done(&out->b, w);
}

/* put_tail, from the bytes the last goroutine of the stack had when its
 * key is the same; else written and kept for the next one, when its
 * bytes are together in the buffer (no flush between) and fit. */
static void put_tail_kept(jout *out, const sb_model *m, const sb_goroutine *g)
{
    jtail_key k;
    memset(&k, 0, sizeof(k)); /* its padding too: keys are compared by memcmp */
    k.wait = g->wait_minutes;
    k.parent = g->parent;
    k.state = g->state;
    k.labels = g->labels;
    k.created_by = g->created_by;
    k.flags = g->flags;
    k.elided = g->elided;
    k.count = g->count;
    k.format = (uint32_t)m->dumps[g->dump].format;
    jtail *t = g->stack < out->ntails ? &out->tails[g->stack] : NULL;
    if (t && t->len && memcmp(&t->key, &k, sizeof(k)) == 0) {
        sb_out_put(&out->b, t->bytes, t->len);
        return;
    }
    size_t at = out->b.n;
    uint64_t flushes = out->b.flushes;
    put_tail(out, m, g);
    size_t n = out->b.n - at;
    if (!t)
        return;
    t->len = 0;
    if (out->b.flushes != flushes || out->b.n < at || n > JTAIL_MAX)
        return;
    if (t->cap < n) {
        t->bytes = sb_arena_alloc(&out->arena, n);
        t->cap = (uint32_t)n;
    }
    memcpy(t->bytes, out->b.b + at, n);
    t->len = (uint32_t)n;
    t->key = k;
}

static void put_goroutine(jout *out, const sb_model *m, const sb_goroutine *g)
{
    put_goroutine_id(out, m, g, "id");
    put_tail_kept(out, m, g);
    const sb_stack *st = sb_stack_get(m, g->stack);
    /* Per goroutine only the first argument of method frames is kept
     * (receivers, lock addresses); list those that differ from the stack's. */
    sb_arg_view v;
    sb_arg_view_init(&v, m, g);
    bool first = true;
    for (uint32_t k = 0; k < st->nmethods; k++) {
        uint32_t i = st->methods[k];
        uint32_t mine = sb_arg_view_own(&v, m, k);
        if (!mine || mine == (i < v.nwhole ? v.whole[i] : 0))
            continue; /* it shows the stack's */
        char *w = sb_out_room(&out->b, 64);
        if (first)
            w = SB_W_LIT(w, ",\"args\":[{\"frame\":");
        else
            w = SB_W_LIT(w, ",{\"frame\":");
        w = sb_w_u64(w, i);
        sb_out_done(&out->b, SB_W_LIT(w, ",\"first\":"));
        jarg(out, m, mine);
        sb_out_putc(&out->b, '}');
        first = false;
    }
    if (!first)
        sb_out_putc(&out->b, ']');
    sb_out_putc(&out->b, '}');
}

/* A debug=1 record has no id: it is named by its number in the profile
 * (1-based, file order) and its header line. */
static void put_record_fields(jout *out, const sb_model *m, uint32_t gi)
{
    const sb_goroutine *g = &m->goroutines[gi];
    sb_out_printf(&out->b, "\"record\":%u,\"line\":%" PRIu64 ",\"count\":%u",
                  gi - m->dumps[g->dump].first + 1, g->line_no, g->count);
}

static void put_record(jout *out, const sb_model *m, uint32_t gi)
{
    if (m->dumps[m->goroutines[gi].dump].format != SB_FMT_DEBUG1)
        return;
    sb_out_putc(&out->b, ',');
    put_record_fields(out, m, gi);
}

/* A goroutine named in a finding: its id, or for a debug=1 record the
 * record's number, header line and count. */
static void put_member(jout *out, const sb_model *m, uint32_t gi)
{
    const sb_goroutine *g = &m->goroutines[gi];
    if (m->dumps[g->dump].format != SB_FMT_DEBUG1) {
        sb_out_u64(&out->b, g->id);
        return;
    }
    sb_out_putc(&out->b, '{');
    put_record_fields(out, m, gi);
    sb_out_putc(&out->b, '}');
}

static void put_link_json(jout *out, const sb_report *r, uint32_t gi, bool root)
{
    const sb_model *m = r->m;
    const sb_goroutine *g = &m->goroutines[gi];
    sb_link l;
    sb_link_get(r, gi, root, &l);
    put_goroutine_id(out, m, g, "goroutine");
    put_record(out, m, gi);
    put_state(out, m, g);
    if (m->dumps[g->dump].series != SB_NONE)
        sb_out_printf(&out->b, ",\"snapshots\":%u", g->seen);
    sb_out_str(&out->b, ",\"frame\":");
    if (l.frame != SB_NONE)
        jstr(out, m, sb_frame_get(m, l.frame)->func);
    else
        sb_out_str(&out->b, "null");
    sb_out_str(&out->b, ",\"name\":");
    jstr_or_null(out, m, l.name);
    sb_out_printf(&out->b, ",\"waits_on\":{\"kind\":\"%s\",\"detail\":",
                  sb_wait_kind_name((enum sb_wait_kind)l.kind));
    const sb_target *t = l.target != SB_NONE ? &r->graph->targets[l.target] : NULL;
    if (t && (!root || t->holder == SB_NONE))
        jstr(out, m, t->what);
    else
        jstr_or_null(out, m, l.detail);
    if (t) {
        sb_out_str(&out->b, ",\"holder\":");
        if (t->holder != SB_NONE && !root &&
            m->dumps[m->goroutines[t->holder].dump].format == SB_FMT_DEBUG1) {
            sb_out_printf(&out->b, "{\"dump\":%u,", m->goroutines[t->holder].dump);
            put_record_fields(out, m, t->holder);
            sb_out_putc(&out->b, '}');
        } else if (t->holder != SB_NONE && !root)
            sb_out_printf(&out->b, "{\"dump\":%u,\"goroutine\":%" PRIu64 "}",
                          m->goroutines[t->holder].dump, m->goroutines[t->holder].id);
        else
            sb_out_str(&out->b, "null");
        sb_out_printf(&out->b, ",\"confidence\":\"%s\",\"rule\":\"%s\",\"waiters\":%" PRIu64,
                      sb_conf_name((enum sb_conf)t->conf), sb_infer((enum sb_rule_id)t->rule)->name,
                      t->waiters);
    }
    sb_out_str(&out->b, ",\"evidence\":[");
    for (uint32_t k = 0; t && k < t->nev; k++) {
        if (k)
            sb_out_putc(&out->b, ',');
        jstr(out, m, r->graph->evidence[t->ev_first + k]);
    }
    sb_out_str(&out->b, "]}}");
}

/* One stuck finding: its goroutines (records for debug=1), where and on
 * what they wait, and the rule that names them. */
static void put_one_stuck(jout *out, const sb_report *r, const sb_stuck *s)
{
    const sb_model *m = r->m;
    const sb_goroutine *first = &m->goroutines[s->members[0]];
    bool d1 = m->dumps[s->dump].format == SB_FMT_DEBUG1;
    sb_out_printf(&out->b, "{\"dump\":%u,\"rule\":\"%s\",\"confidence\":\"%s\",\"count\":%" PRIu64,
                  s->dump, sb_infer((enum sb_rule_id)s->rule)->name,
                  sb_conf_name((enum sb_conf)s->conf), s->count);
    put_fingerprint(out, sb_fp_stuck(m, s));
    sb_out_str(&out->b, d1 ? ",\"records\":[" : ",\"goroutines\":[");
    for (uint32_t k = 0; k < s->nmembers; k++) {
        uint32_t gi = s->members[k];
        if (k)
            sb_out_putc(&out->b, ',');
        put_member(out, m, gi);
    }
    sb_out_putc(&out->b, ']');
    put_state(out, m, first);
    if (s->max_wait >= 0)
        sb_out_printf(&out->b, ",\"max_wait_minutes\":%d", s->max_wait);
    else
        sb_out_str(&out->b, ",\"max_wait_minutes\":null");
    sb_out_str(&out->b, ",\"frame\":");
    if (s->frame != SB_NONE)
        jstr(out, m, sb_frame_get(m, s->frame)->func);
    else
        sb_out_str(&out->b, "null");
    sb_out_printf(&out->b, ",\"stack\":%u,\"waits_on\":{\"kind\":\"%s\",\"detail\":", first->stack,
                  sb_wait_kind_name((enum sb_wait_kind)s->kind));
    jstr(out, m, s->what);
    sb_out_str(&out->b, ",\"evidence\":");
    jstr(out, m, s->evidence);
    sb_out_str(&out->b, "}}");
}

static void put_stuck(jout *out, const sb_report *r)
{
    sb_out_str(&out->b, ",\"stuck\":[");
    for (size_t k = 0; r->stuck && k < r->stuck->n; k++) {
        if (k)
            sb_out_putc(&out->b, ',');
        put_one_stuck(out, r, &r->stuck->v[k]);
    }
    sb_out_putc(&out->b, ']');
}

/* Goroutines grouped by stack and state, per dump, largest first. */
static void put_groups(jout *out, const sb_report *r)
{
    const sb_model *m = r->m;
    sb_out_str(&out->b, ",\"groups\":[");
    for (size_t k = 0; r->groups && k < r->groups->n; k++) {
        const sb_group *g = &r->groups->v[k];
        sb_out_printf(&out->b, "%s{\"dump\":%u,\"count\":%" PRIu64 ",\"state\":", k ? "," : "",
                      g->dump, g->count);
        jstr_or_null(out, m, g->state);
        sb_out_printf(&out->b, ",\"min_wait_minutes\":");
        if (g->min_wait >= 0)
            sb_out_printf(&out->b, "%d,\"max_wait_minutes\":%d", g->min_wait, g->max_wait);
        else
            sb_out_str(&out->b, "null,\"max_wait_minutes\":null");
        const sb_stack *st = sb_stack_get(m, g->stack);
        int f = sb_first_user_frame(m, st);
        sb_out_printf(&out->b, ",\"stack\":%u,\"first_user_frame\":", g->stack);
        jstr_or_null(out, m, f >= 0 ? sb_frame_get(m, st->frames[f])->func : 0);
        sb_out_printf(&out->b, ",\"first_goroutine\":");
        put_member(out, m, g->first);
        sb_out_putc(&out->b, '}');
    }
    sb_out_putc(&out->b, ']');
}

/* Groups that changed between a series' first and last snapshot, and
 * the holders that sat unmoved in all of them. A change is an observation,
 * not a finding: its confidence is low (a finding on it, such as a
 * growing leak, is in stuck[]). */
static void put_changes(jout *out, const sb_report *r)
{
    const sb_model *m = r->m;
    const sb_series *se = r->series;
    sb_out_str(&out->b, ",\"changes\":[");
    for (size_t i = 0; se && i < se->nchanges; i++) {
        const sb_change *c = &se->changes[i];
        const sb_goroutine *g = &m->goroutines[c->goroutine];
        sb_out_printf(&out->b,
                      "%s{\"series\":%u,\"change\":\"%s\",\"confidence\":\"low\",\"first\":%" PRIu64
                      ",\"last\":%" PRIu64 ",\"dump\":%u,\"stack\":%u,\"state\":",
                      i ? "," : "", c->series, sb_change_name(c), c->first, c->last, g->dump,
                      c->stack);
        jstr_or_null(out, m, g->state);
        uint32_t f = sb_link_frame(m, r->classes, c->goroutine);
        sb_out_str(&out->b, ",\"frame\":");
        jstr_or_null(out, m, f != SB_NONE ? sb_frame_get(m, f)->func : 0);
        sb_out_putc(&out->b, '}');
    }
    sb_out_str(&out->b, "],\"unmoved\":[");
    bool first = true;
    for (size_t t = 0; se && se->nseries && t < r->graph->ntargets; t++) {
        uint32_t h = r->graph->targets[t].holder;
        if (h == SB_NONE || !sb_holder_unmoved(r, h))
            continue;
        sb_out_printf(&out->b, "%s{\"dump\":%u,\"goroutine\":%" PRIu64 ",\"snapshots\":%u}",
                      first ? "" : ",", m->goroutines[h].dump, m->goroutines[h].id,
                      m->goroutines[h].seen);
        first = false;
    }
    sb_out_putc(&out->b, ']');
}

static void put_chains(jout *out, const sb_report *r)
{
    const sb_blame *b = r->blame;
    sb_out_str(&out->b, ",\"chains\":[");
    for (size_t i = 0; b && i < b->nchains; i++) {
        const sb_chain *ch = &b->chains[i];
        sb_out_printf(&out->b,
                      "%s{\"blocked\":%" PRIu64
                      ",\"confidence\":\"%s\",\"rule\":\"%s\",\"transient\":%s,"
                      "\"entries\":%" PRIu64 ",\"entry\":",
                      i ? "," : "", ch->blocked, sb_conf_name((enum sb_conf)ch->conf),
                      sb_infer((enum sb_rule_id)ch->rule)->name, ch->transient ? "true" : "false",
                      ch->entries);
        jstr_or_null(out, r->m, ch->entry);
        put_fingerprint(out, sb_fp_chain(r->m, r->classes, ch));
        const sb_goroutine *root = &r->m->goroutines[ch->links[ch->nlinks - 1]];
        sb_out_printf(&out->b, ",\"root\":{\"dump\":%u,", root->dump);
        if (r->m->dumps[root->dump].format == SB_FMT_DEBUG1)
            put_record_fields(out, r->m, ch->links[ch->nlinks - 1]);
        else
            sb_out_printf(&out->b, "\"goroutine\":%" PRIu64, root->id);
        sb_out_putc(&out->b, '}');
        sb_out_str(&out->b, ",\"max_wait_minutes\":");
        if (ch->max_wait >= 0)
            sb_out_printf(&out->b, "%d", ch->max_wait);
        else
            sb_out_str(&out->b, "null");
        sb_out_str(&out->b, ",\"links\":[");
        for (uint32_t k = 0; k < ch->nlinks; k++) {
            if (k)
                sb_out_putc(&out->b, ',');
            put_link_json(out, r, ch->links[k], k + 1 == ch->nlinks);
        }
        sb_out_str(&out->b, "]}");
    }
    sb_out_str(&out->b, "],\"cycles\":[");
    for (size_t i = 0; b && i < b->ncycles; i++) {
        const sb_cycle *cy = &b->cycles[i];
        sb_out_printf(&out->b, "%s{\"dump\":%u,\"confidence\":\"%s\",\"rule\":\"%s\"", i ? "," : "",
                      cy->dump, sb_conf_name((enum sb_conf)cy->conf),
                      sb_infer((enum sb_rule_id)cy->rule)->name);
        put_fingerprint(out, sb_fp_cycle(r->m, r->classes, cy));
        sb_out_str(&out->b, ",\"goroutines\":[");
        for (uint32_t k = 0; k < cy->n; k++) {
            if (k)
                sb_out_putc(&out->b, ',');
            put_member(out, r->m, cy->members[k]);
        }
        sb_out_str(&out->b, "],\"evidence\":[");
        bool first = true;
        for (uint32_t k = 0; k < cy->n; k++) {
            uint32_t t = r->graph->target_of[cy->members[k]];
            if (t == SB_NONE)
                continue;
            const sb_target *T = &r->graph->targets[t];
            for (uint32_t e = 0; e < T->nev; e++) {
                sb_out_str(&out->b, first ? "" : ",");
                jstr(out, r->m, r->graph->evidence[T->ev_first + e]);
                first = false;
            }
        }
        sb_out_str(&out->b, "],\"links\":[");
        for (uint32_t k = 0; k < cy->n; k++) {
            if (k)
                sb_out_putc(&out->b, ',');
            put_link_json(out, r, cy->members[k], false);
        }
        sb_out_str(&out->b, "]}");
    }
    sb_out_str(&out->b, "],\"leak_suspects\":[");
    for (size_t i = 0; r->series && i < r->series->nleaks; i++) {
        const sb_leak *l = &r->series->leaks[i];
        uint32_t ns = r->series->nsnapshots[l->series];
        sb_out_printf(
            &out->b, "%s{\"series\":%u,\"dump\":%u,\"stack\":%u,\"confidence\":\"%s\",\"counts\":[",
            i ? "," : "", l->series, l->last_dump, l->stack,
            l->counts[ns - 1] >= l->counts[0] + SB_GROWTH_MIN ? "medium" : "low");
        for (uint32_t k = 0; k < r->series->nsnapshots[l->series]; k++)
            sb_out_printf(&out->b, "%s%" PRIu64, k ? "," : "", l->counts[k]);
        sb_out_str(&out->b, "]}");
    }
    sb_out_putc(&out->b, ']');
    put_stuck(out, r);
    put_groups(out, r);
    put_changes(out, r);
}

static void put_report(jout *out, const sb_report *r)
{
    const sb_model *m = r->m;
    sb_out_str(&out->b, "{\"schema\":\"stackblame/1\",");
    put_stats(out, m);
    sb_out_putc(&out->b, ',');
    put_inputs(out, m);
    sb_out_putc(&out->b, ',');
    put_dumps(out, r);
    sb_out_putc(&out->b, ',');
    put_stacks(out, m);
    put_races(out, m);
    put_chains(out, r);
    sb_out_str(&out->b, ",\"goroutines\":[");
    for (size_t i = 0; i < m->ngoroutines; i++) {
        if (i)
            sb_out_putc(&out->b, ',');
        put_goroutine(out, m, &m->goroutines[i]);
    }
    sb_out_str(&out->b, "]}\n");
}

void sb_report_json(FILE *f, const sb_report *r)
{
    jout *out = sb_xmalloc(sizeof(*out));
    out->b.f = f;
    out->b.n = 0;
    out->b.flushes = 0;
    out->nplain = sb_intern_count(&r->m->strings);
    out->plain = sb_xcalloc(out->nplain + 1, 1);
    out->ntails = sb_intern_count(&r->m->stacks);
    out->tails = sb_xcalloc(out->ntails + 1, sizeof(*out->tails));
    sb_arena_init(&out->arena);
    put_report(out, r);
    sb_out_flush(&out->b);
    sb_arena_free(&out->arena);
    free(out->tails);
    free(out->plain);
    free(out);
}
