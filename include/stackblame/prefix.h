/* prefix.h: log prefixes in front of dump lines (journald, klog, kubectl
 * --timestamps, CRI, a plain `tag: `). A table of PCRE2 patterns is tried
 * on the text in front of the first goroutine header of an input; the one
 * that fits is then stripped from every line and names the process. */
#ifndef STACKBLAME_PREFIX_H
#define STACKBLAME_PREFIX_H

#include <stdbool.h>
#include "stackblame/span.h"

typedef struct sb_prefix sb_prefix;

/* user_regex (may be NULL) replaces detection: it is stripped from every line
 * it matches at the start; a capture group named `label` (or group 1) names
 * the process. Returns NULL and writes err when the regex does not compile. */
sb_prefix *sb_prefix_new(const char *user_regex, char *err, size_t errlen);
void sb_prefix_free(sb_prefix *px);
/* Forget the detected prefix (a new input file starts). */
void sb_prefix_reset(sb_prefix *px);
/* Strips the active prefix from the start of *line when it matches there.
 * Sets *label to the process name it carries (n = 0 when none). */
bool sb_prefix_strip(sb_prefix *px, sb_span *line, sb_span *label);
/* `before` is the text in front of a goroutine header in one line. When it
 * is a known prefix, activate that prefix and return its label. */
bool sb_prefix_detect(sb_prefix *px, sb_span before, sb_span *label);
/* Before any prefix is known: when a distinctive (timestamped) prefix starts
 * *line, activate it, strip it and return its label. The caller resets the
 * prefix if what follows is not a dump's first line. */
bool sb_prefix_detect_preamble(sb_prefix *px, sb_span *line, sb_span *label);
/* Frames glued onto one line behind a repeated tag: splits the first piece
 * off *rest. Returns false when nothing is left. */
bool sb_prefix_next_piece(sb_prefix *px, sb_span *rest, sb_span *piece);
/* The time and host the active prefix read on the last line it stripped
 * (journald: both; CRI and kubectl --timestamps: the time), n = 0 when
 * none. They point into that line: valid until the next. */
void sb_prefix_fields(const sb_prefix *px, sb_span *time, sb_span *host);
/* Name of the active prefix kind ("journald", "klog", ...), or NULL. */
const char *sb_prefix_active(const sb_prefix *px);

#endif
