/* rules.c: the built-in classification rules, as data in the --rules file
 * format, and the loader for that format. Knowledge about Go libraries
 * lives here, not in the classifier's code. */
#include "stackblame/rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stackblame/arena.h"

/* Format: one rule a line, `ROLE ARG REGEX`; ARG is a bare word or a
 * "quoted string", `-` when unused (wait: KIND[:PROTOCOL]; server: the
 * protocol; name: the name); REGEX (PCRE2) runs against a function
 * name with any `.../vendor/` prefix removed. `#` starts a comment line.
 * Rules from a --rules file are tried before these. */
static const char sb_builtin_rules[] =
    "# What a goroutine waits on: the outermost `wait` frame of its innermost\n"
    "# run of library frames (`skip` or `wait` rules) decides; lock-like kinds\n"
    "# (mutex..rpc, exec) win over primitive ones (syscall, io, sleep, chan, select).\n"
    "wait mutex          ^(?:internal/)?sync\\.\\(\\*Mutex\\)\\.(?:Lock|lockSlow)$\n"
    "wait rwmutex-write  ^sync\\.\\(\\*RWMutex\\)\\.Lock$\n"
    "wait rwmutex-read   ^sync\\.\\(\\*RWMutex\\)\\.RLock$\n"
    "wait rwmutex-read   ^sync\\.runtime_SemacquireRWMutexR$\n"
    "wait waitgroup      ^sync\\.\\(\\*WaitGroup\\)\\.Wait$\n"
    "wait cond           ^sync\\.\\(\\*Cond\\)\\.Wait$\n"
    "wait exec           ^os\\.\\(\\*Process\\)\\.(?:Wait|wait|blockUntilWaitable)$\n"
    "wait exec           ^os/exec\\.\\(\\*Cmd\\)\\.(?:Wait|Run|Output|CombinedOutput)$\n"
    "wait rpc:grpc       ^google\\.golang\\.org/grpc\\.(?:invoke|Invoke|recvResponse"
    "|\\(\\*ClientConn\\)\\.Invoke|\\(\\*clientStream\\)\\.(?:RecvMsg|Header))$\n"
    "wait rpc:grpc       ^google\\.golang\\.org/grpc/(?:internal/)?transport\\."
    "\\(\\*(?:Stream|ClientStream)\\)\\.(?:Header|RecvCompress)$\n"
    "wait rpc:net/rpc    ^net/rpc\\.\\(\\*Client\\)\\.Call$\n"
    "wait rpc:http       ^net/http\\.\\(\\*Client\\)\\.(?:Do|do|send|Get|Post|PostForm|Head)$\n"
    "wait rpc:http       ^net/http\\.\\(\\*Transport\\)\\.(?:RoundTrip|roundTrip)$\n"
    "wait syscall        ^(?:syscall|golang\\.org/x/sys/unix|internal/runtime/syscall)\\."
    "(?:Syscall|Syscall6|Syscall9|RawSyscall|RawSyscall6|syscall|Syscall6X|rawSyscallNoError)$\n"
    "wait syscall        \\._Cfunc_\n"
    "wait io             ^internal/poll\\.runtime_pollWait$\n"
    "wait sleep          ^time\\.Sleep$\n"
    "wait chan           ^runtime\\.chan(?:recv|send)[12]?$\n"
    "wait select         ^runtime\\.(?:selectgo|block)$\n"
    "\n"
    "# Library frames: skipped to find the lock site (the first caller of interest).\n"
    "skip - ^runtime\\.\n"
    "skip - ^(?:internal/)?sync\\.(?!\\(\\*Once\\))\n"
    "skip - ^sync/atomic\\.\n"
    "skip - ^reflect\\.\n"
    "skip - ^syscall\\.\n"
    "skip - ^golang\\.org/x/sys/unix\\.\n"
    "skip - ^internal/(?:poll|syscall|runtime)\n"
    "skip - ^os\\.\n"
    "skip - ^os/exec\\.\n"
    "skip - ^(?:net|io|bufio|crypto/tls|encoding/(?:gob|json|binary))\\.\n"
    "skip - ^time\\.Sleep$\n"
    "skip - ^net/rpc\\.\\(\\*Client\\)\n"
    "skip - ^google\\.golang\\.org/grpc(?:/|\\.)\n"
    "skip - ^net/http\\.(?:\\(\\*(?:Client|Transport|persistConn)\\)|send|setRequestCancel)\n"
    "\n"
    "# RPC servers: the handler a goroutine runs. With two groups: service and\n"
    "# method; without: the method is the next inner frame outside the libraries.\n"
    "server grpc _(\\w+)_(\\w+)_Handler$\n"
    "server net/rpc ^net/rpc\\.\\(\\*service\\)\\.call$\n"
    "server http ^net/http\\.HandlerFunc\\.ServeHTTP$\n"
    "\n"
    "# RPC client method: generated gRPC clients, (*fooServiceClient).Method.\n"
    "method - \\.\\(\\*(\\w+?)Client\\)\\.(\\w+)$\n"
    "\n"
    "# Which system call: group 1, lower-cased.\n"
    "syscall - ^(?:syscall|golang\\.org/x/sys/unix|internal/syscall/unix)\\."
    "(?!(?:Raw)?[Ss]yscall|rawSyscall)(\\w+)$\n"
    "\n"
    "# Goroutines that belong to the runtime, and the one writing the dump.\n"
    "runtime - ^os/signal\\.signal_recv$\n"
    "runtime - ^runtime\\.(?:bgsweep|bgscavenge|forcegchelper|runfinq|gcBgMarkWorker|timerproc"
    "|runCleanups|unique_runtime_registerUniqueMapCleanup\\.func\\d+)$\n"
    "dumper - ^runtime/pprof\\.\n"
    "dumper - ^runtime\\.Stack$\n"
    "dumper - ^runtime/debug\\.Stack$\n"
    "\n"
    "# Human names for well-known places (innermost match names a goroutine);\n"
    "# critical: a loop the service's health rests on (its chains are always shown).\n"
    "critical \"PLEG relist\"       \\.\\(\\*GenericPLEG\\)\\.relist$\n"
    "critical \"kubelet sync loop\" \\.\\(\\*Kubelet\\)\\.syncLoop$\n"
    "name \"CNI plugin\"          ^github\\.com/containernetworking/cni/pkg/(?:invoke|skel)\\.\n"
    "name \"netlink\"             ^github\\.com/vishvananda/netlink(?:/nl)?\\.\n"
    "name \"network namespace\"   ^github\\.com/containernetworking/plugins/pkg/ns\\.\n"
    "\n"
    "# Helpers that run a goroutine's function for it: the goroutine's entry is\n"
    "# the first frame inside them.\n"
    "launch - ^testing\\.tRunner$\n"
    "launch - (?:^|/)errgroup\\.\\(\\*Group\\)\\.(?:Try)?Go\\.func\\d+$\n"
    "launch - ^k8s\\.io/apimachinery/pkg/util/wait\\.\n"
    "launch - "
    "^net/http\\.(?:\\(\\*conn\\)\\.serve|serverHandler\\.ServeHTTP|HandlerFunc\\.ServeHTTP"
    "|\\(\\*ServeMux\\)\\.ServeHTTP)$\n"
    "\n"
    "# Names that say a function is its goroutine's own loop (matched against the\n"
    "# last element of the name): waiting there for work is idle, not stuck.\n"
    "loop - (?:[.)_]|(?<=[a-z0-9])(?=[A-Z]))(?:[Ll]oop|[Rr]un|[Ss]erve|[Ww]ork(?:er)?"
    "|[Ll]isten|[Ww]atch|[Pp]oll|[Pp]rocess|[Cc]onsume|[Dd]ispatch|[Pp]ump|[Mm]onitor"
    "|[Dd]aemon|[Jj]anitor|[Ff]lush|[Tt]ick|[Hh]andle"
    "|[Ss]tart|[Kk]eep[Aa]live|[Hh]eartbeat|[Dd]istribute|[Ff]orward|[Bb]roadcast"
    "|[Ss]ubscribe)(?:[A-Z0-9_]\\w*)?(?:\\.func\\d+(?:\\.\\d+)*)?$\n"
    "\n"
    "# Methods that stop their object and wait for its goroutines.\n"
    "stop - \\.(?:\\(\\*\\w+\\)|\\w+)\\.(?:\\w*(?:Stop|Close|Shutdown|Quit|Halt|Terminate|Drain"
    "|Quiesce|Cancel|Teardown|TearDown)|stop|close|shutdown|quit)\\w*$\n"
    "\n"
    "# Lock methods of a project's own lock type (a wrapper above a sync lock).\n"
    "locker - \\.(?:\\(\\*\\w+(?:\\[[^]]*\\])?\\)|\\w+)\\."
    "(?:R?Lock|R?lock|LockFunc|RLockFunc|Acquire|acquire)$\n"
    "\n"
    "# The testing runner waiting for a test, and a test waiting for its turn.\n"
    "testrun - "
    "^testing\\.(?:\\(\\*T\\)\\.Run|runTests|RunTests|\\(\\*M\\)\\.Run|tRunner\\.func1)$\n"
    "parallel - ^testing\\.\\(\\*T\\)\\.Parallel$\n";

const char *sb_rules_builtin(void)
{
    return sb_builtin_rules;
}

static const struct {
    const char *name;
    enum sb_rule_role role;
} sb_roles[] = {
    {"wait", SB_ROLE_WAIT},       {"skip", SB_ROLE_SKIP},         {"server", SB_ROLE_SERVER},
    {"method", SB_ROLE_METHOD},   {"syscall", SB_ROLE_SYSCALL},   {"runtime", SB_ROLE_RUNTIME},
    {"dumper", SB_ROLE_DUMPER},   {"name", SB_ROLE_NAME},         {"launch", SB_ROLE_LAUNCH},
    {"loop", SB_ROLE_LOOP},       {"stop", SB_ROLE_STOP},         {"locker", SB_ROLE_LOCKER},
    {"testrun", SB_ROLE_TESTRUN}, {"parallel", SB_ROLE_PARALLEL}, {"critical", SB_ROLE_CRITICAL},
};

/* Parses rule text; returns false with "SOURCE:LINE: problem" in err. */
static bool parse_rules(sb_rules *r, const char *text, const char *source, char *err, size_t errlen)
{
    unsigned lineno = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char line[2048];
        lineno++;
        if (len >= sizeof(line)) {
            snprintf(err, errlen, "%s:%u: line too long", source, lineno);
            return false;
        }
        memcpy(line, p, len);
        p += len + (eol ? 1 : 0);
        /* A CRLF file's \r, or blanks after the regex, would join the regex
         * and make a rule that never matches, silently. */
        while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        line[len] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        char *role = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
        if (*s)
            *s++ = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        char *arg = s;
        if (*s == '"') {
            arg = ++s;
            while (*s && *s != '"')
                s++;
            if (*s != '"') {
                snprintf(err, errlen, "%s:%u: unterminated quoted argument", source, lineno);
                return false;
            }
            *s++ = '\0';
        } else {
            while (*s && *s != ' ' && *s != '\t')
                s++;
            if (*s)
                *s++ = '\0';
        }
        while (*s == ' ' || *s == '\t')
            s++;
        char *regex = s;
        if (!*regex) {
            snprintf(err, errlen, "%s:%u: expected ROLE ARG REGEX", source, lineno);
            return false;
        }
        sb_rule rule;
        memset(&rule, 0, sizeof(rule));
        size_t k;
        for (k = 0; k < sizeof(sb_roles) / sizeof(sb_roles[0]); k++)
            if (strcmp(role, sb_roles[k].name) == 0)
                break;
        if (k == sizeof(sb_roles) / sizeof(sb_roles[0])) {
            snprintf(err, errlen,
                     "%s:%u: unknown role '%s' (wait, skip, server, method, syscall, "
                     "runtime, dumper, name, critical, launch, loop, stop, locker, testrun, "
                     "parallel)",
                     source, lineno, role);
            return false;
        }
        rule.role = sb_roles[k].role;
        if (rule.role == SB_ROLE_WAIT) {
            /* `rpc:grpc`: the kind, then the protocol the client speaks */
            char *colon = strchr(arg, ':');
            if (colon)
                *colon = '\0';
            int kind = sb_wait_kind_parse(arg);
            if (kind < 0) {
                snprintf(err, errlen, "%s:%u: unknown wait kind '%s'", source, lineno, arg);
                return false;
            }
            if (colon)
                memmove(arg, colon + 1, strlen(colon + 1) + 1);
            else
                arg[0] = '\0';
            rule.kind = (uint8_t)kind;
        }
        int ec;
        PCRE2_SIZE off;
        rule.re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
        if (!rule.re) {
            PCRE2_UCHAR msg[200];
            pcre2_get_error_message(ec, msg, sizeof(msg));
            snprintf(err, errlen, "%s:%u: bad regex at offset %zu: %s", source, lineno, (size_t)off,
                     (char *)msg);
            return false;
        }
        (void)pcre2_jit_compile(rule.re, PCRE2_JIT_COMPLETE);
        rule.arg = strdup(arg);
        if (!rule.arg) {
            pcre2_code_free(rule.re);
            snprintf(err, errlen, "out of memory");
            return false;
        }
        r->v = sb_grow(r->v, &r->cap, r->n, sizeof(*r->v));
        r->v[r->n++] = rule;
    }
    return true;
}

sb_rules *sb_rules_load(const char *path, char *err, size_t errlen)
{
    sb_rules *r = sb_xcalloc(1, sizeof(*r));
    if (path) {
        FILE *f = fopen(path, "r");
        if (!f) {
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
            sb_rules_free(r);
            return NULL;
        }
        char *text = NULL;
        size_t cap = 0, n = 0;
        char buf[4096];
        size_t got;
        while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
            text = sb_grow(text, &cap, n + got + 1, 1);
            memcpy(text + n, buf, got);
            n += got;
        }
        int read_errno = ferror(f) ? errno : 0;
        fclose(f);
        if (read_errno) { /* a directory, an I/O error: not an empty rules file */
            snprintf(err, errlen, "%s: cannot read: %s", path, strerror(read_errno));
            free(text);
            sb_rules_free(r);
            return NULL;
        }
        text = sb_grow(text, &cap, n + 1, 1);
        text[n] = '\0';
        if (memchr(text, '\0', n)) {
            snprintf(err, errlen, "%s: binary data in a rules file", path);
            free(text);
            sb_rules_free(r);
            return NULL;
        }
        bool ok = parse_rules(r, text, path, err, errlen);
        free(text);
        if (!ok) {
            sb_rules_free(r);
            return NULL;
        }
    }
    if (!parse_rules(r, sb_builtin_rules, "<built-in rules>", err, errlen)) {
        sb_rules_free(r);
        return NULL;
    }
    r->md = pcre2_match_data_create(16, NULL);
    return r;
}

void sb_rules_free(sb_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        pcre2_code_free(r->v[i].re);
        free(r->v[i].arg);
    }
    free(r->v);
    pcre2_match_data_free(r->md);
    free(r);
}
