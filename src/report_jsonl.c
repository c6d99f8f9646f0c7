/* report_jsonl.c: one finding per line (placeholder until written). */
#include "stackblame/report.h"

void sb_report_jsonl(FILE *out, const sb_report *r)
{
    (void)out;
    (void)r;
}
