/* report_json.c: the machine-readable report, schema "stackblame/1".
 * Identical stacks are written once in "stacks"; a goroutine points at its
 * stack and lists only the arguments that differ from the stack's own. */
#include <inttypes.h>
#include "stackblame/escape.h"
#include "stackblame/report.h"

/* Numbers of the per-goroutine and per-frame fields, written without
 * fprintf: a 420 MB dump has millions of them, and fprintf's format
 * parsing cost more than the rest of the JSON writing. */
static void put_u64(FILE *out, uint64_t v)
{
    char buf[20];
    size_t i = sizeof(buf);
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    fwrite(buf + i, 1, sizeof(buf) - i, out);
}

static void jstr(FILE *out, const sb_model *m, uint32_t id)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    fputc('"', out);
    sb_put_json(out, s, n);
    fputc('"', out);
}

static void jstr_or_null(FILE *out, const sb_model *m, uint32_t id)
{
    if (id)
        jstr(out, m, id);
    else
        fputs("null", out);
}

static void put_stats(FILE *out, const sb_model *m)
{
    const sb_stats *s = &m->stats;
    fprintf(out,
            "\"stats\":{\"dumps\":%zu,\"goroutines\":%" PRIu64 ",\"frames\":%" PRIu64
            ",\"skipped_lines\":%" PRIu64 ",\"known_lines\":%" PRIu64 ",\"truncated\":%" PRIu64
            ",\"lines\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"long_lines\":%" PRIu64
            ",\"frames_cut\":%" PRIu64 ",\"race_reports\":%" PRIu64 "}",
            m->ndumps, s->goroutines, s->frames, s->skipped_lines, s->known_lines, s->truncated,
            s->lines, s->bytes, s->long_lines, s->frames_cut, s->race_reports);
}

static void put_dumps(FILE *out, const sb_model *m)
{
    fputs("\"dumps\":[", out);
    for (size_t i = 0; i < m->ndumps; i++) {
        const sb_dump *d = &m->dumps[i];
        fputs(i ? ",{\"label\":" : "{\"label\":", out);
        jstr(out, m, d->label);
        fputs(",\"source\":", out);
        jstr(out, m, d->source);
        fprintf(out, ",\"line\":%" PRIu64 ",\"format\":\"%s\",\"origin\":\"%s\",\"headline\":",
                d->line_no, sb_dump_format_name(d->format), sb_dump_origin_name(d->origin));
        jstr_or_null(out, m, d->headline);
        fprintf(out, ",\"goroutines\":%" PRIu64 ",\"records\":%u", d->goroutines, d->ngoroutines);
        if (d->series != SB_NONE)
            fprintf(out, ",\"series\":%u,\"snapshot\":%u,\"superseded\":%s", d->series, d->snapshot,
                    d->superseded ? "true" : "false");
        else
            fputs(",\"series\":null,\"snapshot\":null", out);
        if (d->format == SB_FMT_DEBUG1)
            fprintf(out, ",\"declared_total\":%" PRIu64, d->declared_total);
        fputc('}', out);
    }
    fputc(']', out);
}

static void put_frame(FILE *out, const sb_model *m, uint32_t frame_id, uint32_t args)
{
    const sb_frame *f = sb_frame_get(m, frame_id);
    fputs("{\"func\":", out);
    jstr(out, m, f->func);
    fputs(",\"args\":", out);
    jstr(out, m, args);
    fputs(",\"file\":", out);
    jstr_or_null(out, m, f->file);
    fputs(",\"line\":", out);
    if (f->file) {
        put_u64(out, f->line);
        fputc('}', out);
    } else {
        fputs("null}", out);
    }
}

static void put_stacks(FILE *out, const sb_model *m)
{
    fputs("\"stacks\":[", out);
    size_t n = sb_intern_count(&m->stacks);
    for (size_t s = 0; s < n; s++) {
        const sb_stack *st = sb_stack_get(m, (uint32_t)s);
        const uint32_t *args = sb_intern_data(&m->argvecs, st->rep_args);
        size_t nargs = sb_intern_len(&m->argvecs, st->rep_args) / sizeof(uint32_t);
        fputs(s ? ",{\"frames\":[" : "{\"frames\":[", out);
        for (uint32_t i = 0; i < st->nframes; i++) {
            if (i)
                fputc(',', out);
            put_frame(out, m, st->frames[i], i < nargs ? args[i] : 0);
        }
        fputs("]}", out);
    }
    fputc(']', out);
}

/* The fields a goroutine and a chain link share: dump, id, state, wait, lock. */
static void put_goroutine_head(FILE *out, const sb_model *m, const sb_goroutine *g,
                               const char *idkey)
{
    fputs("{\"dump\":", out);
    put_u64(out, g->dump);
    fputs(",\"", out);
    fputs(idkey, out);
    fputs("\":", out);
    if (m->dumps[g->dump].format == SB_FMT_DEBUG1)
        fputs("null", out);
    else
        put_u64(out, g->id);
    fputs(",\"state\":", out);
    jstr_or_null(out, m, g->state);
    if (g->wait_minutes >= 0) {
        fputs(",\"wait_minutes\":", out);
        put_u64(out, (uint64_t)g->wait_minutes);
    } else {
        fputs(",\"wait_minutes\":null", out);
    }
    fputs(g->flags & SB_G_LOCKED ? ",\"locked_to_thread\":true" : ",\"locked_to_thread\":false",
          out);
}

static void put_goroutine(FILE *out, const sb_model *m, const sb_goroutine *g)
{
    const sb_dump *d = &m->dumps[g->dump];
    put_goroutine_head(out, m, g, "id");
    if (d->format == SB_FMT_DEBUG1)
        fprintf(out, ",\"count\":%u", g->count);
    if (g->flags & SB_G_TRUNCATED)
        fputs(",\"truncated\":true", out);
    if (g->flags & SB_G_ELIDED)
        fprintf(out, ",\"elided\":%u", g->elided);
    if (g->flags & SB_G_OTHER_THREAD)
        fputs(",\"other_thread\":true", out);
    if (g->flags & SB_G_ID_OVERFLOW)
        fputs(",\"id_overflow\":true", out);
    if (g->labels) {
        fputs(",\"labels\":", out);
        jstr(out, m, g->labels);
    }
    fputs(",\"created_by\":", out);
    if (g->created_by == SB_NONE) {
        fputs("null", out);
    } else {
        const sb_frame *f = sb_frame_get(m, g->created_by);
        fputs("{\"func\":", out);
        jstr(out, m, f->func);
        fputs(",\"file\":", out);
        jstr_or_null(out, m, f->file);
        if (f->file) {
            fputs(",\"line\":", out);
            put_u64(out, f->line);
        } else {
            fputs(",\"line\":null", out);
        }
        if (g->parent) {
            fputs(",\"parent\":", out);
            put_u64(out, g->parent);
            fputc('}', out);
        } else {
            fputs(",\"parent\":null}", out);
        }
    }
    fputs(",\"stack\":", out);
    put_u64(out, g->stack);
    const sb_stack *st = sb_stack_get(m, g->stack);
    /* Per goroutine only the first argument of method frames is kept
     * (receivers, lock addresses); list those that differ from the stack's. */
    const uint32_t *rep = sb_intern_data(&m->argvecs, st->rep_args);
    bool first = true;
    for (uint32_t i = 0; i < st->nframes; i++) {
        uint32_t mine = sb_goroutine_arg(m, g, i);
        if (mine == rep[i])
            continue;
        fputs(first ? ",\"args\":[{\"frame\":" : ",{\"frame\":", out);
        put_u64(out, i);
        fputs(",\"first\":", out);
        jstr(out, m, mine);
        fputc('}', out);
        first = false;
    }
    if (!first)
        fputc(']', out);
    fputc('}', out);
}

static void put_link_json(FILE *out, const sb_report *r, uint32_t gi, bool root)
{
    const sb_model *m = r->m;
    const sb_goroutine *g = &m->goroutines[gi];
    sb_link l;
    sb_link_get(r, gi, root, &l);
    put_goroutine_head(out, m, g, "goroutine");
    if (m->dumps[g->dump].series != SB_NONE)
        fprintf(out, ",\"snapshots\":%u", g->seen);
    fputs(",\"frame\":", out);
    if (l.frame != SB_NONE)
        jstr(out, m, sb_frame_get(m, l.frame)->func);
    else
        fputs("null", out);
    fputs(",\"name\":", out);
    jstr_or_null(out, m, l.name);
    fprintf(out, ",\"waits_on\":{\"kind\":\"%s\",\"detail\":",
            sb_wait_kind_name((enum sb_wait_kind)l.kind));
    const sb_target *t = l.target != SB_NONE ? &r->graph->targets[l.target] : NULL;
    if (t && (!root || t->holder == SB_NONE))
        jstr(out, m, t->what);
    else
        jstr_or_null(out, m, l.detail);
    if (t) {
        fputs(",\"holder\":", out);
        if (t->holder != SB_NONE && !root)
            fprintf(out, "{\"dump\":%u,\"goroutine\":%" PRIu64 "}", m->goroutines[t->holder].dump,
                    m->goroutines[t->holder].id);
        else
            fputs("null", out);
        fprintf(out, ",\"confidence\":\"%s\",\"waiters\":%" PRIu64,
                sb_conf_name((enum sb_conf)t->conf), t->waiters);
    }
    fputs(",\"evidence\":[", out);
    for (uint32_t k = 0; t && k < t->nev; k++) {
        if (k)
            fputc(',', out);
        jstr(out, m, r->graph->evidence[t->ev_first + k]);
    }
    fputs("]}}", out);
}

static void put_chains(FILE *out, const sb_report *r)
{
    const sb_blame *b = r->blame;
    fputs(",\"chains\":[", out);
    for (size_t i = 0; b && i < b->nchains; i++) {
        const sb_chain *ch = &b->chains[i];
        fprintf(out,
                "%s{\"blocked\":%" PRIu64
                ",\"confidence\":\"%s\",\"transient\":%s,\"max_wait_minutes\":",
                i ? "," : "", ch->blocked, sb_conf_name((enum sb_conf)ch->conf),
                ch->transient ? "true" : "false");
        if (ch->max_wait >= 0)
            fprintf(out, "%d", ch->max_wait);
        else
            fputs("null", out);
        fputs(",\"links\":[", out);
        for (uint32_t k = 0; k < ch->nlinks; k++) {
            if (k)
                fputc(',', out);
            put_link_json(out, r, ch->links[k], k + 1 == ch->nlinks);
        }
        fputs("]}", out);
    }
    fputs("],\"cycles\":[", out);
    for (size_t i = 0; b && i < b->ncycles; i++) {
        const sb_cycle *cy = &b->cycles[i];
        fprintf(out, "%s{\"dump\":%u,\"goroutines\":[", i ? "," : "", cy->dump);
        for (uint32_t k = 0; k < cy->n; k++) {
            const sb_goroutine *g = &r->m->goroutines[cy->members[k]];
            if (r->m->dumps[g->dump].format == SB_FMT_DEBUG1) /* records have no id */
                fprintf(out, "%snull", k ? "," : "");
            else
                fprintf(out, "%s%" PRIu64, k ? "," : "", g->id);
        }
        fputs("],\"evidence\":[", out);
        bool first = true;
        for (uint32_t k = 0; k < cy->n; k++) {
            uint32_t t = r->graph->target_of[cy->members[k]];
            if (t == SB_NONE)
                continue;
            const sb_target *T = &r->graph->targets[t];
            for (uint32_t e = 0; e < T->nev; e++) {
                fputs(first ? "" : ",", out);
                jstr(out, r->m, r->graph->evidence[T->ev_first + e]);
                first = false;
            }
        }
        fputs("],\"links\":[", out);
        for (uint32_t k = 0; k < cy->n; k++) {
            if (k)
                fputc(',', out);
            put_link_json(out, r, cy->members[k], false);
        }
        fputs("]}", out);
    }
    fputs("],\"leak_suspects\":[", out);
    for (size_t i = 0; r->series && i < r->series->nleaks; i++) {
        const sb_leak *l = &r->series->leaks[i];
        fprintf(out, "%s{\"series\":%u,\"dump\":%u,\"stack\":%u,\"counts\":[", i ? "," : "",
                l->series, l->last_dump, l->stack);
        for (uint32_t k = 0; k < r->series->nsnapshots[l->series]; k++)
            fprintf(out, "%s%" PRIu64, k ? "," : "", l->counts[k]);
        fputs("]}", out);
    }
    fputc(']', out);
}

void sb_report_json(FILE *out, const sb_report *r)
{
    const sb_model *m = r->m;
    fputs("{\"schema\":\"stackblame/1\",", out);
    put_stats(out, m);
    fputc(',', out);
    put_dumps(out, m);
    fputc(',', out);
    put_stacks(out, m);
    put_chains(out, r);
    fputs(",\"goroutines\":[", out);
    for (size_t i = 0; i < m->ngoroutines; i++) {
        if (i)
            fputc(',', out);
        put_goroutine(out, m, &m->goroutines[i]);
    }
    fputs("]}\n", out);
}
