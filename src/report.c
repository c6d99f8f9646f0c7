/* report.c: the report in the format asked for. The reporters share
 * their helpers through report_common.c, which calls none of them. */
#include "stackblame/report.h"

void sb_report_write(FILE *out, const sb_report *r, enum sb_format format)
{
    switch (format) {
    case SB_OUT_JSON:
        sb_report_json(out, r);
        break;
    case SB_OUT_MARKDOWN:
        sb_report_markdown(out, r);
        break;
    case SB_OUT_DOT:
        sb_report_dot(out, r);
        break;
    case SB_OUT_HTML:
        sb_report_html(out, r);
        break;
    case SB_OUT_JSONL:
        sb_report_jsonl(out, r);
        break;
    default:
        sb_report_text(out, r);
        break;
    }
}
