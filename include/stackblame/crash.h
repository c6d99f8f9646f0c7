/* crash.h: dumps that end a process's life. A panic, a fatal error, a
 * crashing signal (SIGSEGV, not the SIGQUIT that asks for a dump) or a
 * log-fatal line (klog F, logrus/zap fatal) names why the process died;
 * the goroutine printed first, when running, is the one that crashed, and
 * its first frame outside the runtime is where. A report leads with it. */
#ifndef STACKBLAME_CRASH_H
#define STACKBLAME_CRASH_H

#include "stackblame/model.h"

typedef struct sb_crash {
    uint32_t dump;
    uint32_t reason;    /* string id: "panic: ...", "fatal error: ...", the log message */
    uint32_t log_line;  /* string id: the whole log-fatal line, 0 when none */
    uint32_t goroutine; /* index of the goroutine that crashed, SB_NONE when unknown */
    uint32_t frame;     /* its first non-runtime frame id, SB_NONE when none */
} sb_crash;

typedef struct sb_crashes {
    sb_crash *v; /* one per crashed dump, in dump order */
    size_t n;
} sb_crashes;

void sb_crashes_find(sb_model *m, sb_crashes *out);
void sb_crashes_free(sb_crashes *c);
/* Whether a signal headline ("SIGSEGV: segmentation violation") is a
 * crash rather than a request for a dump (SIGQUIT, SIGABRT). */
bool sb_crash_signal(const char *headline, size_t n);

#endif
