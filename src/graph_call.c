/* graph_call.c: waits that leave the goroutine's own code for another
 * party: RPC clients -> the handler serving their method (in the same
 * process or another dump of the input), exec waits -> the child
 * process's dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph_int.h"

static const char *sstr(const sb_model *m, uint32_t id, int *len)
{
    size_t n;
    const char *s = sb_str(m, id, &n);
    *len = (int)(n > 200 ? 200 : n);
    return s;
}

/* The method a name ends in: "RuntimeService/PodSandboxStatus",
 * "RemoteRuntimeService.PodSandboxStatus" -> "PodSandboxStatus"
 * (interned), 0 when there is no separator. */
static uint32_t method_of(sb_model *m, uint32_t name)
{
    size_t n;
    const char *s = sb_str(m, name, &n);
    size_t i = n;
    while (i > 0 && s[i - 1] != '/' && s[i - 1] != '.')
        i--;
    if (i == 0 || i == n)
        return 0;
    return sb_intern_put(&m->strings, s + i, n - i);
}

/* A stuck call is most likely one of the handlers that are themselves
 * stuck, and most of those queue on a lock. */
static int handler_tier(const sb_gb *b, uint32_t h)
{
    uint8_t k = b->c->g[h].kind;
    return sb_wait_is_lock((enum sb_wait_kind)k) ? 2
                                                 : k != SB_WAIT_RUNNING && k != SB_WAIT_RUNNABLE;
}

/* The handler to blame among those indexed under key: busy ones (not
 * running) first, then by the usual order. Counts handlers and the dumps
 * they are in (2 standing for several). */
static uint32_t best_handler(const sb_gb *b, const sb_index *servers, sb_key k, uint32_t client,
                             const bool *skip_dump, uint32_t *n, uint32_t *ndumps)
{
    const sb_model *m = b->m;
    uint32_t best = SB_NONE, first_dump = SB_NONE;
    *n = *ndumps = 0;
    for (uint32_t s = sb_idx_first(servers, &k, sizeof(k)); s != SB_NONE; s = servers->e[s].next) {
        uint32_t h = servers->e[s].g;
        if (h == client || (skip_dump && skip_dump[m->goroutines[h].dump]))
            continue;
        (*n)++;
        if (first_dump == SB_NONE) {
            first_dump = m->goroutines[h].dump;
            *ndumps = 1;
        } else if (m->goroutines[h].dump != first_dump) {
            *ndumps = 2;
        }
        if (sb_gb_ranks_above(m, h, handler_tier(b, h), best,
                              best == SB_NONE ? 0 : handler_tier(b, best)))
            best = h;
    }
    return best;
}

/* Handlers by (dump, method served), (dump, method name), (dump,
 * protocol), and the same across all dumps: a call leaves one process
 * and is served in another. */
static void index_handlers(sb_gb *b, sb_index *servers)
{
    sb_model *m = b->m;
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack_class *sc = &b->c->stacks[g->stack];
        if (!sc->serves || sb_gb_excluded(b, i))
            continue;
        uint32_t meth = method_of(m, sc->serves);
        uint32_t dumps[2] = {g->dump, SB_NONE};
        for (int d = 0; d < 2; d++) {
            sb_key ks[3] = {sb_key_make(dumps[d], K_SERVES, sc->serves, 0),
                            sb_key_make(dumps[d], K_METHOD, meth, 0),
                            sb_key_make(dumps[d], K_PROTO, sc->serves_proto, 0)};
            for (int k = 0; k < 3; k++)
                if (k != 1 || meth)
                    sb_idx_add(servers, &ks[k], sizeof(ks[k]), i, 0);
        }
    }
}

/* Rule rpc-method: the handler of the client's method, by the method
 * served ("Service/Method") and else by the method's name alone (a
 * net/rpc wrapper method names its handler's), in the client's own dump
 * first. Returns the handler, SB_NONE when none serves it. */
static uint32_t rule_rpc_method(sb_gb *b, const sb_index *servers, uint32_t client, uint32_t *n)
{
    sb_model *m = b->m;
    const sb_goroutine *g = &m->goroutines[client];
    const sb_stack_class *sc = &b->c->stacks[g->stack];
    if (!sc->detail || sc->detail == sc->proto)
        return SB_NONE;
    uint32_t meth = method_of(m, sc->detail);
    sb_key keys[4] = {sb_key_make(g->dump, K_SERVES, sc->detail, 0),
                      sb_key_make(SB_NONE, K_SERVES, sc->detail, 0),
                      sb_key_make(g->dump, K_METHOD, meth, 0),
                      sb_key_make(SB_NONE, K_METHOD, meth, 0)};
    uint32_t ndumps;
    for (int k = 0; k < 4; k++) {
        if (k >= 2 && !meth)
            break;
        uint32_t h = best_handler(b, servers, keys[k], client, NULL, n, &ndumps);
        if (h != SB_NONE)
            return h;
    }
    return SB_NONE;
}

/* The dumps of processes that exec the process of dump d (a goroutine
 * waits for a child carrying a name d's goroutines carry): such a parent
 * waits for the child, it does not serve its calls. */
static bool *exec_parents(const sb_gb *b, uint32_t d)
{
    const sb_model *m = b->m;
    bool *parent = sb_xcalloc(m->ndumps ? m->ndumps : 1, sizeof(bool));
    const sb_dump *dp = &m->dumps[d];
    sb_keyset names; /* the names d's goroutines carry */
    sb_keyset_init(&names);
    for (uint32_t j = dp->first; j < dp->first + dp->ngoroutines; j++) {
        uint32_t name = b->c->stacks[m->goroutines[j].stack].name;
        if (name)
            sb_keyset_put(&names, &name, sizeof(name));
    }
    for (uint32_t i = 0; i < m->ngoroutines && sb_keyset_count(&names) > 1; i++) {
        uint32_t pd = m->goroutines[i].dump;
        if (pd == d || parent[pd] || b->c->g[i].kind != SB_WAIT_EXEC)
            continue;
        uint32_t name = b->c->stacks[m->goroutines[i].stack].detail;
        parent[pd] = name && sb_keyset_has(&names, &name, sizeof(name));
    }
    sb_keyset_free(&names);
    return parent;
}

/* Rules rpc-only-process and rpc-protocol: a client whose stack names no
 * handler's method is linked to the longest-stuck handler of its
 * protocol; it pins the process only when one other process serves it
 * (one that execs the client's process does not count). */
static void rule_rpc_protocol(sb_gb *b, const sb_index *servers, uint32_t client, uint32_t ti)
{
    sb_model *m = b->m;
    const sb_goroutine *g = &m->goroutines[client];
    const sb_stack_class *sc = &b->c->stacks[g->stack];
    uint32_t n, ndumps;
    uint32_t best = best_handler(b, servers, sb_key_make(g->dump, K_PROTO, sc->proto, 0), client,
                                 NULL, &n, &ndumps);
    bool local = best != SB_NONE;
    if (!local) {
        bool *parents = exec_parents(b, g->dump);
        best = best_handler(b, servers, sb_key_make(SB_NONE, K_PROTO, sc->proto, 0), client,
                            parents, &n, &ndumps);
        free(parents);
    }
    sb_say v = sb_say_none();
    if (best == SB_NONE) {
        sb_gb_link(b, ti, SB_NONE, SB_RULE_RPC_UNANSWERED, &v);
        return;
    }
    v.holder = best;
    v.what = sc->proto;
    v.n = n;
    v.proc = m->dumps[m->goroutines[best].dump].label;
    sb_gb_link(b, ti, best, !local && ndumps == 1 ? SB_RULE_RPC_ONLY_PROCESS : SB_RULE_RPC_PROTOCOL,
               &v);
}

void sb_graph_rpc(sb_gb *b)
{
    sb_model *m = b->m;
    const sb_classes *c = b->c;
    sb_index servers, targets;
    sb_idx_init(&servers);
    sb_idx_init(&targets);
    index_handlers(b, &servers);
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        if (c->g[i].kind != SB_WAIT_RPC || b->g->target_of[i] != SB_NONE || sb_gb_excluded(b, i))
            continue;
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack_class *sc = &c->stacks[g->stack];
        sb_key tk = sb_key_make(g->dump, K_RPC_TARGET, sc->detail, sc->proto);
        uint32_t e = sb_idx_first(&targets, &tk, sizeof(tk));
        uint32_t ti;
        if (e != SB_NONE) {
            ti = targets.e[e].frame;
        } else {
            int dl, pl;
            const char *ds = sstr(m, sc->detail, &dl), *ps = sstr(m, sc->proto, &pl);
            bool by_method = sc->detail && sc->detail != sc->proto;
            ti = by_method
                     ? sb_gb_target(b, SB_WAIT_RPC, g->dump, SB_RULE_NONE, "RPC %.*s", dl, ds)
                     : sb_gb_target(b, SB_WAIT_RPC, g->dump, SB_RULE_NONE, "%.*s call", pl, ps);
            sb_idx_add(&targets, &tk, sizeof(tk), i, ti);
            uint32_t n = 0;
            uint32_t h = rule_rpc_method(b, &servers, i, &n);
            if (h != SB_NONE) {
                sb_say v = sb_say_none();
                v.holder = h;
                v.what = c->stacks[m->goroutines[h].stack].serves;
                sb_gb_link(b, ti, h, SB_RULE_RPC_METHOD, &v);
                int ll;
                const char *ls = sstr(m, m->dumps[m->goroutines[h].dump].label, &ll);
                sb_gb_ev(b, ti, "%u handler%s of it running, in %s%.*s", n, n == 1 ? "" : "s",
                         m->goroutines[h].dump == g->dump ? "the same process" : "process ",
                         m->goroutines[h].dump == g->dump ? 0 : ll, ls);
            } else {
                rule_rpc_protocol(b, &servers, i, ti);
            }
        }
        b->g->target_of[i] = ti;
        b->g->targets[ti].waiters += g->count;
        if (sb_gb_ranks_above(m, i, 0, b->g->targets[ti].first_waiter, 0))
            b->g->targets[ti].first_waiter = i;
    }
    sb_idx_free(&servers);
    sb_idx_free(&targets);
}

/* --- child processes ---------------------------------------------------- */

/* The goroutine of a child dump that stands for the whole process: one that
 * carries the name the parent's exec had (the plugin's main); else a stuck
 * RPC handler, since a dump taken as the child by elimination is most often
 * the daemon the real child calls; busy goroutines first. */
static uint32_t child_goroutine(const sb_gb *b, uint32_t dump, uint32_t name)
{
    const sb_model *m = b->m;
    const sb_dump *d = &m->dumps[dump];
    uint32_t best = SB_NONE;
    int best_tier = 0;
    for (uint32_t i = d->first; i < d->first + d->ngoroutines; i++) {
        if (sb_gb_excluded(b, i))
            continue;
        uint8_t k = b->c->g[i].kind;
        const sb_stack_class *sc = &b->c->stacks[m->goroutines[i].stack];
        int tier = 4 * (name && sc->name == name) +
                   2 * (sc->serves && sb_wait_is_lock((enum sb_wait_kind)k)) +
                   (k != SB_WAIT_RUNNING && k != SB_WAIT_RUNNABLE && k != SB_WAIT_UNKNOWN);
        if (sb_gb_ranks_above(m, i, tier, best, best_tier)) {
            best = i;
            best_tier = tier;
        }
    }
    return best;
}

/* Dumps that an edge already joins to another process. */
static bool *connected_dumps(const sb_gb *b)
{
    const sb_model *m = b->m;
    bool *connected = sb_xcalloc(m->ndumps ? m->ndumps : 1, sizeof(bool));
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        uint32_t t = b->g->target_of[i];
        if (t == SB_NONE || b->g->targets[t].holder == SB_NONE)
            continue;
        uint32_t hd = m->goroutines[b->g->targets[t].holder].dump;
        if (hd != m->goroutines[i].dump)
            connected[hd] = connected[m->goroutines[i].dump] = true;
    }
    return connected;
}

/* Per human name, the dumps whose goroutines carry it (one entry each). */
static void index_named(const sb_gb *b, sb_index *named)
{
    const sb_model *m = b->m;
    for (uint32_t d = 0; d < m->ndumps; d++) {
        const sb_dump *dp = &m->dumps[d];
        for (uint32_t i = dp->first; i < dp->first + dp->ngoroutines && !dp->superseded; i++) {
            uint32_t name = b->c->stacks[m->goroutines[i].stack].name;
            sb_key k = sb_key_make(SB_NONE, K_DUMP_NAME, name, 0);
            uint32_t e = sb_idx_first(named, &k, sizeof(k));
            if (name && (e == SB_NONE || named->e[e].frame != d))
                sb_idx_add(named, &k, sizeof(k), i, d);
        }
    }
}

/* Rule exec-child: another process's dump that carries the name the exec
 * frames carry (a CNI plugin execs, a CNI plugin's main runs the skeleton). */
static uint32_t rule_exec_child(const sb_gb *b, const sb_index *named, uint32_t gi)
{
    const sb_model *m = b->m;
    const sb_goroutine *g = &m->goroutines[gi];
    uint32_t detail = b->c->stacks[g->stack].detail, child = SB_NONE;
    sb_key nk = sb_key_make(SB_NONE, K_DUMP_NAME, detail, 0);
    for (uint32_t x = sb_idx_first(named, &nk, sizeof(nk)); x != SB_NONE && detail;
         x = named->e[x].next) {
        uint32_t d = named->e[x].frame;
        if (d != g->dump && m->dumps[d].label != m->dumps[g->dump].label)
            child = d;
    }
    return child;
}

/* Rule exec-only-process: the only process dump that no edge explains. */
static uint32_t rule_exec_only_process(const sb_gb *b, const bool *connected, uint32_t gi)
{
    const sb_model *m = b->m;
    const sb_goroutine *g = &m->goroutines[gi];
    uint32_t only = SB_NONE, count = 0;
    for (uint32_t d = 0; d < m->ndumps; d++) {
        if (d == g->dump || connected[d] || m->dumps[d].superseded ||
            m->dumps[d].label == m->dumps[g->dump].label)
            continue;
        only = d;
        count++;
    }
    return count == 1 ? only : SB_NONE;
}

/* The target of an exec wait: the child's dump by name, else by
 * elimination, else dangling (exec-not-dumped). */
static uint32_t exec_target(sb_gb *b, const sb_index *named, bool *connected, uint32_t gi)
{
    sb_model *m = b->m;
    const sb_goroutine *g = &m->goroutines[gi];
    uint32_t detail = b->c->stacks[g->stack].detail;
    int dl;
    const char *ds = sstr(m, detail, &dl);
    uint32_t ti =
        sb_gb_target(b, SB_WAIT_EXEC, g->dump, SB_RULE_NONE, "child process: %.*s", dl, ds);
    enum sb_rule_id rule = SB_RULE_EXEC_CHILD_DUMP;
    uint32_t child = rule_exec_child(b, named, gi);
    if (child == SB_NONE) {
        rule = SB_RULE_EXEC_ONLY_PROCESS;
        child = rule_exec_only_process(b, connected, gi);
    }
    uint32_t holder = child != SB_NONE ? child_goroutine(b, child, detail) : SB_NONE;
    sb_say v = sb_say_none();
    if (holder == SB_NONE) {
        sb_gb_link(b, ti, SB_NONE, SB_RULE_EXEC_NOT_DUMPED, &v);
    } else {
        connected[child] = connected[g->dump] = true;
        v.holder = holder;
        v.proc = m->dumps[child].label;
        v.what = detail;
        sb_gb_link(b, ti, holder, rule, &v);
    }
    sb_gb_ev(b, ti, "waits in os.(*Process).Wait for a child process (%.*s) to exit", dl, ds);
    return ti;
}

void sb_graph_exec(sb_gb *b)
{
    sb_model *m = b->m;
    const sb_classes *c = b->c;
    bool *connected = connected_dumps(b);
    sb_index named, execs;
    sb_idx_init(&named);
    sb_idx_init(&execs);
    index_named(b, &named);
    for (uint32_t i = 0; i < m->ngoroutines; i++) {
        if (c->g[i].kind != SB_WAIT_EXEC || b->g->target_of[i] != SB_NONE || sb_gb_excluded(b, i))
            continue;
        const sb_goroutine *g = &m->goroutines[i];
        const sb_stack_class *sc = &c->stacks[g->stack];
        sb_key tk = sb_key_make(g->dump, K_EXEC_TARGET, sc->detail, 0);
        uint32_t e = sb_idx_first(&execs, &tk, sizeof(tk)), ti;
        if (e == SB_NONE) {
            ti = exec_target(b, &named, connected, i);
            sb_idx_add(&execs, &tk, sizeof(tk), i, ti);
        } else {
            ti = execs.e[e].frame;
        }
        b->g->target_of[i] = ti;
        b->g->targets[ti].waiters += g->count;
        if (sb_gb_ranks_above(m, i, 0, b->g->targets[ti].first_waiter, 0))
            b->g->targets[ti].first_waiter = i;
    }
    sb_idx_free(&named);
    sb_idx_free(&execs);
    free(connected);
}
