/* report_html.c: one self-contained HTML file (placeholder until written). */
#include "stackblame/report.h"

void sb_report_html(FILE *out, const sb_report *r)
{
    (void)r;
    fputs("<!doctype html><title>stackblame</title>\n", out);
}
