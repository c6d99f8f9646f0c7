/* blame.c: chains and cycles over the waits-for graph; see blame.h. Every
 * goroutine has at most one outgoing edge, so one walk with path marks
 * finds each goroutine's root and every cycle in linear time. */
#include "stackblame/blame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcre2.h>

enum { WHITE, GREY, BLACK };

uint32_t sb_link_frame(const sb_model *m, const sb_classes *c, uint32_t gi)
{
    const sb_goroutine *g = &m->goroutines[gi];
    const sb_stack *st = sb_stack_get(m, g->stack);
    const sb_stack_class *sc = &c->stacks[g->stack];
    if (sc->site_frame != SB_NONE)
        return st->frames[sc->site_frame];
    for (uint32_t f = 0; f < st->nframes; f++)
        if (!c->frame_skip[st->frames[f]])
            return st->frames[f];
    return st->nframes ? st->frames[0] : SB_NONE;
}

static bool older(const sb_model *m, uint32_t a, uint32_t b)
{
    if (b == SB_NONE)
        return true;
    const sb_goroutine *x = &m->goroutines[a], *y = &m->goroutines[b];
    if (x->wait_minutes != y->wait_minutes)
        return x->wait_minutes > y->wait_minutes;
    return x->id != y->id ? x->id < y->id : a < b;
}

static int cmp_chains(const void *pa, const void *pb)
{
    const sb_chain *a = pa, *b = pb;
    if (a->blocked != b->blocked)
        return a->blocked > b->blocked ? -1 : 1;
    if (a->max_wait != b->max_wait)
        return a->max_wait > b->max_wait ? -1 : 1;
    return a->links[a->nlinks - 1] < b->links[b->nlinks - 1] ? -1 : 1;
}

void sb_blame_run(const sb_model *m, const sb_graph *g, const bool *start, sb_blame *out)
{
    memset(out, 0, sizeof(*out));
    size_t n = m->ngoroutines;
    size_t alloc = n ? n : 1;
    uint32_t *next = sb_xmalloc(alloc * sizeof(uint32_t));
    /* Waiters of a lock whose holder is not in the dump queue behind its
     * oldest waiter, which carries the dangling edge. */
    for (size_t i = 0; i < n; i++) {
        next[i] = sb_graph_next(g, (uint32_t)i);
        uint32_t t = g->target_of[i];
        if (next[i] == SB_NONE && t != SB_NONE && g->targets[t].holder == SB_NONE &&
            sb_wait_is_lock((enum sb_wait_kind)g->targets[t].kind) &&
            g->targets[t].first_waiter != i)
            next[i] = g->targets[t].first_waiter;
    }
    uint8_t *color = sb_xcalloc(alloc, 1);
    uint32_t *root = sb_xmalloc(alloc * sizeof(uint32_t));
    uint32_t *depth = sb_xcalloc(alloc, sizeof(uint32_t));
    uint32_t *path = sb_xmalloc(alloc * sizeof(uint32_t));
    bool *in_cycle = sb_xcalloc(alloc, sizeof(bool));
    size_t ccap = 0;
    for (size_t s = 0; s < n; s++) {
        if (color[s] != WHITE)
            continue;
        size_t len = 0;
        uint32_t j = (uint32_t)s;
        while (j != SB_NONE && color[j] == WHITE) {
            color[j] = GREY;
            path[len++] = j;
            j = next[j];
        }
        size_t stop = len; /* path[0..stop) get their root from j */
        if (j != SB_NONE && color[j] == GREY) {
            /* A cycle: j .. path[len-1]. Every member is its own root. */
            size_t at = len;
            while (path[at - 1] != j)
                at--;
            at--;
            out->cycles = sb_grow(out->cycles, &ccap, out->ncycles, sizeof(*out->cycles));
            sb_cycle *cy = &out->cycles[out->ncycles++];
            cy->dump = m->goroutines[j].dump;
            cy->n = (uint32_t)(len - at);
            cy->members = sb_xmalloc(cy->n * sizeof(uint32_t));
            for (size_t k = at; k < len; k++) {
                cy->members[k - at] = path[k];
                root[path[k]] = j;
                depth[path[k]] = 0;
                in_cycle[path[k]] = true;
                color[path[k]] = BLACK;
            }
            stop = at;
        } else if (j == SB_NONE) {
            uint32_t last = path[len - 1];
            root[last] = last;
            depth[last] = 0;
            color[last] = BLACK;
            stop = len - 1;
        }
        for (size_t k = stop; k-- > 0;) {
            uint32_t x = path[k];
            root[x] = root[next[x]];
            depth[x] = depth[next[x]] + 1;
            color[x] = BLACK;
        }
    }
    /* Per root: goroutines blocked, the deepest start, the longest wait. */
    uint64_t *blocked = sb_xcalloc(alloc, sizeof(uint64_t));
    uint32_t *deepest = sb_xmalloc(alloc * sizeof(uint32_t));
    int32_t *maxwait = sb_xmalloc(alloc * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) {
        deepest[i] = SB_NONE;
        maxwait[i] = -1;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t r = root[i];
        if (r == i || in_cycle[r])
            continue;
        blocked[r] += m->goroutines[i].count;
        if (m->goroutines[i].wait_minutes > maxwait[r])
            maxwait[r] = m->goroutines[i].wait_minutes;
        if (start && !start[i])
            continue;
        uint32_t d = deepest[r];
        if (d == SB_NONE || depth[i] > depth[d] ||
            (depth[i] == depth[d] && older(m, (uint32_t)i, d)))
            deepest[r] = (uint32_t)i;
    }
    size_t cap = 0;
    /* A root waiting on a call or child outside the input is a finding by
     * itself: the chain goes on in a process not dumped. */
    for (size_t r = 0; r < n; r++) {
        uint32_t t = g->target_of[r];
        if (root[r] == r && !in_cycle[r] && deepest[r] == SB_NONE && t != SB_NONE &&
            g->targets[t].holder == SB_NONE && (!start || start[r]) &&
            m->goroutines[r].wait_minutes >= 1) /* a call out that is not stuck is no finding */
            deepest[r] = (uint32_t)r;
    }
    for (size_t r = 0; r < n; r++) {
        if (root[r] != r || in_cycle[r] || deepest[r] == SB_NONE)
            continue;
        out->chains = sb_grow(out->chains, &cap, out->nchains, sizeof(*out->chains));
        sb_chain *ch = &out->chains[out->nchains++];
        memset(ch, 0, sizeof(*ch));
        ch->blocked = blocked[r];
        ch->max_wait = maxwait[r];
        ch->nlinks = depth[deepest[r]] + 1;
        ch->links = sb_xmalloc(ch->nlinks * sizeof(uint32_t));
        ch->conf = SB_CONF_HIGH;
        if (ch->nlinks == 1 && g->target_of[r] != SB_NONE)
            ch->conf = g->targets[g->target_of[r]].conf;
        uint32_t x = deepest[r];
        for (uint32_t k = 0; k < ch->nlinks; k++, x = next[x]) {
            ch->links[k] = x;
            uint32_t t = g->target_of[x];
            if (k + 1 < ch->nlinks && t != SB_NONE && g->targets[t].holder != SB_NONE &&
                g->targets[t].conf < ch->conf)
                ch->conf = g->targets[t].conf;
            if (k + 1 < ch->nlinks && (t == SB_NONE || g->targets[t].holder == SB_NONE))
                ch->conf = SB_CONF_LOW; /* pooled behind an unknown holder */
        }
        /* In a traceback dump without wait times, contention may be passing. */
        const sb_dump *d = &m->dumps[m->goroutines[r].dump];
        int32_t longest = ch->max_wait > m->goroutines[r].wait_minutes
                              ? ch->max_wait
                              : m->goroutines[r].wait_minutes;
        if (longest < 1 && d->format == SB_FMT_TRACEBACK) {
            ch->transient = true;
            if (ch->conf > SB_CONF_LOW)
                ch->conf = SB_CONF_LOW;
        }
    }
    if (out->nchains > 1)
        qsort(out->chains, out->nchains, sizeof(*out->chains), cmp_chains);
    out->next = next;
    free(color);
    free(root);
    free(depth);
    free(path);
    free(in_cycle);
    free(blocked);
    free(deepest);
    free(maxwait);
}

void sb_blame_free(sb_blame *b)
{
    for (size_t i = 0; i < b->nchains; i++)
        free(b->chains[i].links);
    for (size_t i = 0; i < b->ncycles; i++)
        free(b->cycles[i].members);
    free(b->chains);
    free(b->cycles);
    free(b->next);
    memset(b, 0, sizeof(*b));
}

static pcre2_code *compile(const char *regex, char *err, size_t errlen)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[200];
        pcre2_get_error_message(ec, msg, sizeof(msg));
        snprintf(err, errlen, "bad regex at offset %zu: %s", (size_t)off, (char *)msg);
    }
    return re;
}

bool sb_blame_check_regex(const char *regex, char *err, size_t errlen)
{
    pcre2_code *re = compile(regex, err, errlen);
    pcre2_code_free(re);
    return re != NULL;
}

bool *sb_blame_select(const sb_model *m, const char *regex, char *err, size_t errlen)
{
    pcre2_code *re = compile(regex, err, errlen);
    if (!re)
        return NULL;
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    size_t nstacks = sb_intern_count(&m->stacks);
    bool *stack_ok = sb_xcalloc(nstacks ? nstacks : 1, sizeof(bool));
    for (size_t s = 0; s < nstacks; s++) {
        const sb_stack *st = sb_stack_get(m, (uint32_t)s);
        for (uint32_t f = 0; f < st->nframes && !stack_ok[s]; f++) {
            size_t len;
            const char *fn = sb_str(m, sb_frame_get(m, st->frames[f])->func, &len);
            stack_ok[s] = pcre2_match(re, (PCRE2_SPTR)fn, len, 0, 0, md, NULL) >= 0;
        }
    }
    bool *sel = sb_xcalloc(m->ngoroutines ? m->ngoroutines : 1, sizeof(bool));
    for (size_t i = 0; i < m->ngoroutines; i++)
        sel[i] = stack_ok[m->goroutines[i].stack];
    free(stack_ok);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return sel;
}
