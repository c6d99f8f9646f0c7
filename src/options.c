/* options.c: command-line parsing with getopt_long; see options.h. */
#include "stackblame/options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static char *sb_stdin_only[] = {"-", NULL};

void sb_options_usage(FILE *out)
{
    fputs(
        "Usage: stackblame [OPTIONS] [FILE...]\n"
        "Reads Go goroutine dumps (SIGQUIT/SIGABRT, panic, pprof debug=2 and debug=1, plain\n"
        "or gzip, behind log prefixes) and names the goroutine most likely blocking the\n"
        "others, with the chain of waits to it and the evidence; then the goroutines\n"
        "grouped by identical stack. Several FILEs form one graph; '-' or none reads stdin.\n"
        "\n"
        "Output:\n"
        "  -f, --format=FMT        text (default), json, markdown (for incident tickets),\n"
        "                          dot (the waits-for graph, for Graphviz), html (one\n"
        "                          self-contained page), or jsonl (a finding a line)\n"
        "  -o, --output=FILE       write the report to FILE instead of stdout\n"
        "      --groups=N          text: show the N largest groups per dump (default 20, 0 = all)\n"
        "      --summary           text: the verdict only, no groups\n"
        "      --full              text: groups with every frame and argument (default: no\n"
        "                          runtime frames, no arguments)\n"
        "      --match=REGEX       text: only groups with a function matching REGEX\n"
        "      --exclude=REGEX     text: no groups with a function matching REGEX\n"
        "      --width=N           text: lines of at most N columns (default: the terminal's\n"
        "                          width on a terminal, else unlimited)\n"
        "      --color=WHEN        auto (default: only on a terminal), always, never;\n"
        "                          NO_COLOR in the environment means never\n"
        "      --stats             print input size, goroutines, frames, time and memory on "
        "stderr\n"
        "\n"
        "Analysis:\n"
        "      --from=REGEX        start chains at goroutines with a function matching REGEX\n"
        "      --rules=FILE        extra classification rules, tried before the built-in ones\n"
        "                          (format in stackblame(1))\n"
        "      --fail-deadlock     exit 1 when a deadlock cycle is found\n"
        "      --fail-blocked=N    exit 1 when a chain blocks at least N goroutines\n"
        "      --fail-stuck        exit 1 when a goroutine is found stuck for good (a leak,\n"
        "                          a lock nobody holds, a self-deadlock, a stall)\n"
        "                          (--fail-* count findings of medium or high confidence)\n"
        "      --list-rules        list the inference rules: what each concludes, from what,\n"
        "                          and with which confidence\n"
        "\n"
        "Input:\n"
        "      --label=NAME        label for dumps whose lines carry no process name\n"
        "                          (default: the file name)\n"
        "      --strip-prefix=RE   PCRE2 pattern stripped from the start of every line, instead\n"
        "                          of detecting journald/klog/CRI/timestamp/tag prefixes; a\n"
        "                          group named 'label' (or group 1) names the process\n"
        "      --latest            of several snapshots of one process, analyse the last only\n"
        "                          (default: every goroutine of every dump)\n"
        "      --no-series         treat every dump on its own, never as snapshots of one\n"
        "                          process\n"
        "      --diff OLD NEW      two dumps as snapshots of one process, whatever their\n"
        "                          names: what grew, appeared, vanished, and did not move\n"
        "\n"
        "  -h, --help              show this help\n"
        "  -V, --version           show the version\n"
        "\n"
        "Exit status: 0 analysed, no finding asked for by --fail-*; 1 such a finding;\n"
        "2 usage error, or no input could be analysed (a bad input among others is a\n"
        "warning on stderr).\n"
        "See stackblame(1) for the JSON schema.\n",
        out);
}

static const char *const format_names[] = {
    [SB_OUT_TEXT] = "text", [SB_OUT_JSON] = "json", [SB_OUT_MARKDOWN] = "markdown",
    [SB_OUT_DOT] = "dot",   [SB_OUT_HTML] = "html", [SB_OUT_JSONL] = "jsonl",
};
static const char *const color_names[] = {
    [SB_COLOR_AUTO] = "auto", [SB_COLOR_ALWAYS] = "always", [SB_COLOR_NEVER] = "never"};

/* The index of name in names (n entries), -1 when absent. */
static int name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

/* A whole number >= min, or a usage error naming the option. */
static bool number_arg(const char *opt, const char *arg, long min, long *out, char *err,
                       size_t errlen)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*arg == '\0' || *end || v < min) {
        snprintf(err, errlen, "%s takes a number >= %ld, not '%s'", opt, min, arg);
        return false;
    }
    *out = v;
    return true;
}

enum {
    OPT_COLOR = 256,
    OPT_LABEL,
    OPT_STRIP,
    OPT_STATS,
    OPT_GROUPS,
    OPT_RULES,
    OPT_FROM,
    OPT_FAIL_DEADLOCK,
    OPT_FAIL_BLOCKED,
    OPT_FAIL_STUCK,
    OPT_LIST_RULES,
    OPT_LATEST,
    OPT_NO_SERIES,
    OPT_WIDTH,
    OPT_FULL,
    OPT_SUMMARY,
    OPT_MATCH,
    OPT_EXCLUDE,
    OPT_DIFF
};

static const struct option longopts[] = {
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"color", required_argument, NULL, OPT_COLOR},
    {"colour", required_argument, NULL, OPT_COLOR},
    {"label", required_argument, NULL, OPT_LABEL},
    {"strip-prefix", required_argument, NULL, OPT_STRIP},
    {"stats", no_argument, NULL, OPT_STATS},
    {"groups", required_argument, NULL, OPT_GROUPS},
    {"rules", required_argument, NULL, OPT_RULES},
    {"from", required_argument, NULL, OPT_FROM},
    {"fail-deadlock", no_argument, NULL, OPT_FAIL_DEADLOCK},
    {"fail-blocked", required_argument, NULL, OPT_FAIL_BLOCKED},
    {"fail-stuck", no_argument, NULL, OPT_FAIL_STUCK},
    {"list-rules", no_argument, NULL, OPT_LIST_RULES},
    {"latest", no_argument, NULL, OPT_LATEST},
    {"no-series", no_argument, NULL, OPT_NO_SERIES},
    {"width", required_argument, NULL, OPT_WIDTH},
    {"full", no_argument, NULL, OPT_FULL},
    {"summary", no_argument, NULL, OPT_SUMMARY},
    {"match", required_argument, NULL, OPT_MATCH},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"diff", no_argument, NULL, OPT_DIFF},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Options that name one of a few words. Returns false on a usage error. */
static bool word_option(sb_options *o, int c, const char *arg, char *err, size_t errlen)
{
    int i;
    if (c == 'f') {
        i = strcmp(arg, "md") == 0 ? SB_OUT_MARKDOWN
                                   : name_index(format_names, SB_OUT_JSONL + 1, arg);
        if (i < 0)
            snprintf(err, errlen, "unknown format '%s' (text, json, markdown, dot, html, jsonl)",
                     arg);
        else
            o->format = (enum sb_format)i;
    } else {
        i = name_index(color_names, SB_COLOR_NEVER + 1, arg);
        if (i < 0)
            snprintf(err, errlen, "--color takes auto, always or never, not '%s'", arg);
        else
            o->color = (enum sb_color)i;
    }
    return i >= 0;
}

/* One option and its argument into o. Returns false on a usage error. */
static bool set_option(sb_options *o, int c, const char *arg, char *err, size_t errlen)
{
    switch (c) {
    case 'f':
    case OPT_COLOR:
        return word_option(o, c, arg, err, errlen);
    case OPT_FAIL_BLOCKED:
        return number_arg("--fail-blocked", arg, 1, &o->fail_blocked, err, errlen);
    case OPT_GROUPS:
        return number_arg("--groups", arg, 0, &o->max_groups, err, errlen);
    case OPT_WIDTH:
        return number_arg("--width", arg, 40, &o->width, err, errlen);
    case 'o':
        o->output = arg;
        break;
    case OPT_LABEL:
        o->label = arg;
        break;
    case OPT_STRIP:
        o->strip_prefix = arg;
        break;
    case OPT_RULES:
        o->rules = arg;
        break;
    case OPT_FROM:
        o->from = arg;
        break;
    case OPT_MATCH:
        o->match = arg;
        break;
    case OPT_EXCLUDE:
        o->exclude = arg;
        break;
    case OPT_STATS:
        o->stats = true;
        break;
    case OPT_FAIL_DEADLOCK:
        o->fail_deadlock = true;
        break;
    case OPT_FAIL_STUCK:
        o->fail_stuck = true;
        break;
    case OPT_LIST_RULES:
        o->list_rules = true;
        break;
    case OPT_LATEST:
        o->series = SB_SERIES_LATEST;
        break;
    case OPT_NO_SERIES:
        o->series = SB_SERIES_NONE;
        break;
    case OPT_FULL:
        o->full = true;
        break;
    case OPT_DIFF:
        o->series = SB_SERIES_DIFF;
        break;
    case OPT_SUMMARY:
        o->summary = true;
        break;
    case 'h':
        o->help = true;
        break;
    case 'V':
        o->version = true;
        break;
    }
    return true;
}

int sb_options_parse(sb_options *o, int argc, char **argv, char *err, size_t errlen)
{
    memset(o, 0, sizeof(*o));
    o->max_groups = 20;
    const char *nc = getenv("NO_COLOR");
    o->color = (nc && *nc) ? SB_COLOR_NEVER : SB_COLOR_AUTO;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":f:o:hV", longopts, NULL)) != -1) {
        if (c == ':') {
            snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
            return 2;
        }
        if (c == '?') {
            snprintf(err, errlen, "unknown option '%s' (try --help)", argv[optind - 1]);
            return 2;
        }
        if (!set_option(o, c, optarg, err, errlen))
            return 2;
    }
    if (o->series == SB_SERIES_DIFF && argc - optind != 2) {
        snprintf(err, errlen, "--diff takes two dumps, the older first (OLD NEW)");
        return 2;
    }
    if (optind < argc) {
        o->files = argv + optind;
        o->nfiles = argc - optind;
    } else {
        o->files = sb_stdin_only;
        o->nfiles = 1;
    }
    return 0;
}
