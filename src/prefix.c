/* prefix.c: log prefix detection and stripping; see prefix.h. The known
 * prefixes are a table of PCRE2 patterns (JIT-compiled once); the one that
 * matches the text in front of the first goroutine header wins. */
#define _GNU_SOURCE /* memmem */
#include "stackblame/prefix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcre2.h>
#include "stackblame/arena.h"

/* Each pattern is anchored at the start of a line; a group named `label`
 * captures the process name when the prefix carries one. */
static const struct {
    const char *name;
    const char *pattern;
} sb_prefix_table[] = {
    /* journald / syslog: `Nov 26 23:58:44 host kubelet[6934]: `, also with an
     * ISO timestamp (journalctl -o short-iso). */
    {"journald", "(?<time>[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?"
                 "|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\S*) (?<host>\\S+) "
                 "(?<label>[^\\s\\[\\]:]+)(?:\\[\\d+\\])?: "},
    /* containerd / CRI-O log files: `2026-11-26T23:58:44.1Z stderr F ` */
    {"cri",
     "(?<time>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)) "
     "(?:stdout|stderr) [FP] "},
    /* kubectl logs --timestamps: an RFC 3339 timestamp and a space */
    {"timestamp",
     "(?<time>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)) "},
    /* klog / glog: `I1221 14:33:55.965939   28009 server.go:411] ` */
    {"klog", "[IWEFD]\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d+\\s+\\d+ [^\\]]*\\] "},
    /* a plain tag: `kubelet: ` or `kubelet[6934]: ` */
    {"tag", "(?<label>[A-Za-z_][\\w.\\-]*)(?:\\[\\d+\\])?: "},
};
#define SB_NPREFIX    (sizeof(sb_prefix_table) / sizeof(sb_prefix_table[0]))
#define SB_TAG_INDEX  (SB_NPREFIX - 1)
#define SB_USER_INDEX SB_NPREFIX

typedef struct sb_regex {
    pcre2_code *code;
    pcre2_match_data *md;
    int label_group;            /* capture group number of the label, 0 when none */
    int time_group, host_group; /* of the named groups "time" and "host", 0 none */
    sb_span time, host;         /* what they matched on the last line stripped */
} sb_regex;

struct sb_prefix {
    sb_regex re[SB_NPREFIX + 1]; /* the table, then the user's --strip-prefix */
    int active;                  /* index into re, -1 = none */
    char *tag;                   /* for the plain tag: " kubelet: " with a leading blank */
    size_t taglen;
};

static bool sb_regex_compile(sb_regex *r, const char *pattern, char *err, size_t errlen)
{
    int ec;
    PCRE2_SIZE off;
    r->code =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_ANCHORED, &ec, &off, NULL);
    if (!r->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof(msg));
        snprintf(err, errlen, "at offset %zu: %s", (size_t)off, (char *)msg);
        return false;
    }
    (void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    r->md = pcre2_match_data_create_from_pattern(r->code, NULL);
    int g = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR) "label");
    uint32_t ncap = 0, nnamed = 0;
    pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &ncap);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMECOUNT, &nnamed);
    /* Group 1 names the process when no group is named (a user's regex). */
    r->label_group = g > 0 ? g : (ncap >= 1 && nnamed == 0 ? 1 : 0);
    int t = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR) "time");
    int h = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR) "host");
    r->time_group = t > 0 ? t : 0;
    r->host_group = h > 0 ? h : 0;
    return true;
}

sb_prefix *sb_prefix_new(const char *user_regex, char *err, size_t errlen)
{
    sb_prefix *px = sb_xcalloc(1, sizeof(*px));
    px->active = -1;
    for (size_t i = 0; i < SB_NPREFIX; i++) {
        if (!sb_regex_compile(&px->re[i], sb_prefix_table[i].pattern, err, errlen)) {
            sb_prefix_free(px); /* a bug in the table, not in the input */
            return NULL;
        }
    }
    if (user_regex) {
        if (!sb_regex_compile(&px->re[SB_USER_INDEX], user_regex, err, errlen)) {
            sb_prefix_free(px);
            return NULL;
        }
        px->active = SB_USER_INDEX;
    }
    return px;
}

void sb_prefix_free(sb_prefix *px)
{
    if (!px)
        return;
    for (size_t i = 0; i <= SB_NPREFIX; i++) {
        pcre2_match_data_free(px->re[i].md);
        pcre2_code_free(px->re[i].code);
    }
    free(px->tag);
    free(px);
}

void sb_prefix_reset(sb_prefix *px)
{
    if (px->active != SB_USER_INDEX)
        px->active = -1;
    free(px->tag);
    px->tag = NULL;
    px->taglen = 0;
}

const char *sb_prefix_active(const sb_prefix *px)
{
    if (px->active < 0)
        return NULL;
    return px->active == SB_USER_INDEX ? "user" : sb_prefix_table[px->active].name;
}

/* What capture group g of the last match of r holds in s (n = 0: none). */
static sb_span group_span(const sb_regex *r, sb_span s, int g, int rc)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    if (g <= 0 || g >= rc || ov[2 * g] == PCRE2_UNSET)
        return sb_span_make(NULL, 0);
    return sb_span_make(s.p + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/* Matches regex i at the start of s; returns the match length or -1. */
static long sb_regex_match(sb_regex *r, sb_span s, sb_span *label)
{
    int rc = pcre2_match(r->code, (PCRE2_SPTR)s.p, s.n, 0, 0, r->md, NULL);
    if (rc < 0)
        return -1;
    *label = group_span(r, s, r->label_group, rc);
    r->time = group_span(r, s, r->time_group, rc);
    r->host = group_span(r, s, r->host_group, rc);
    return (long)pcre2_get_ovector_pointer(r->md)[1];
}

void sb_prefix_fields(const sb_prefix *px, sb_span *time, sb_span *host)
{
    *time = *host = sb_span_make(NULL, 0);
    if (px->active >= 0 && !px->tag) {
        *time = px->re[px->active].time;
        *host = px->re[px->active].host;
    }
}

bool sb_prefix_strip(sb_prefix *px, sb_span *line, sb_span *label)
{
    label->n = 0;
    label->p = NULL;
    if (px->active < 0)
        return false;
    if (px->tag) {
        /* The plain tag is matched literally: "panic: " must never count as
         * a tag once "kubelet: " was detected. */
        const char *t = px->tag + 1;
        size_t n = px->taglen - 1;
        if (line->n < n || memcmp(line->p, t, n) != 0)
            return false;
        label->p = t;
        label->n = n;
        while (label->n && (t[label->n - 1] == ' ' || t[label->n - 1] == ':'))
            label->n--;
        const char *br = memchr(label->p, '[', label->n);
        if (br)
            label->n = (size_t)(br - label->p);
        line->p += n;
        line->n -= n;
        return true;
    }
    long m = sb_regex_match(&px->re[px->active], *line, label);
    if (m < 0)
        return false;
    line->p += m;
    line->n -= (size_t)m;
    return true;
}

bool sb_prefix_detect(sb_prefix *px, sb_span before, sb_span *label)
{
    if (px->active == SB_USER_INDEX)
        return false;
    for (size_t i = 0; i < SB_NPREFIX; i++) {
        long m = sb_regex_match(&px->re[i], before, label);
        if (m <= 0)
            continue;
        /* The prefix must be all that stands before the header, except for
         * a tag glued in front of every piece: "tag: SIGQUIT: quit tag: goroutine". */
        bool glued = i == SB_TAG_INDEX && before.n > (size_t)m && before.n >= (size_t)m + 1 &&
                     before.p[before.n - (size_t)m - 1] == ' ' &&
                     memcmp(before.p + before.n - (size_t)m, before.p, (size_t)m) == 0;
        if ((size_t)m != before.n && !glued)
            continue;
        before.n = (size_t)m;
        px->active = (int)i;
        free(px->tag);
        px->tag = NULL;
        if (i == SB_TAG_INDEX) {
            px->taglen = before.n + 1;
            px->tag = sb_xmalloc(px->taglen + 1);
            px->tag[0] = ' ';
            memcpy(px->tag + 1, before.p, before.n);
            px->tag[px->taglen] = '\0';
            const char *br = label->n ? memchr(label->p, '[', label->n) : NULL;
            if (br)
                label->n = (size_t)(br - label->p);
        }
        return true;
    }
    return false;
}

bool sb_prefix_detect_preamble(sb_prefix *px, sb_span *line, sb_span *label)
{
    if (px->active >= 0)
        return false;
    for (size_t i = 0; i < SB_TAG_INDEX; i++) { /* not the plain tag: "panic: " is one */
        long m = sb_regex_match(&px->re[i], *line, label);
        if (m <= 0)
            continue;
        px->active = (int)i;
        line->p += m;
        line->n -= (size_t)m;
        return true;
    }
    return false;
}

bool sb_prefix_next_piece(sb_prefix *px, sb_span *rest, sb_span *piece)
{
    if (rest->n == 0 || !rest->p)
        return false;
    const char *hit = NULL;
    if (px && px->tag) /* frames glued onto one line behind a repeated tag */
        hit = memmem(rest->p, rest->n, px->tag, px->taglen);
    if (!hit) {
        *piece = *rest;
        rest->p += rest->n;
        rest->n = 0;
        return true;
    }
    *piece = sb_span_make(rest->p, (size_t)(hit - rest->p));
    rest->n -= (size_t)(hit - rest->p) + px->taglen;
    rest->p = hit + px->taglen;
    return true;
}
