/* escape.h: every string that came from the input passes through here on
 * its way out, so a dump cannot drive the reader's terminal (ESC, C0/C1
 * controls, bidi overrides), break the JSON, or inject markup into a ticket. */
#ifndef STACKBLAME_ESCAPE_H
#define STACKBLAME_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "stackblame/outbuf.h"

/* Terminal text: controls, bidi controls and invalid UTF-8 become \xNN or \u{NNNN}. */
void sb_put_text(FILE *out, const char *s, size_t n);
/* Inside a JSON string (quotes not included): \" \\ \uNNNN; invalid UTF-8 -> U+FFFD. */
void sb_put_json(FILE *out, const char *s, size_t n);
void sb_out_json(sb_outbuf *out, const char *s, size_t n);
/* Whether s goes into a JSON string as it is (printable ASCII, no " or \). */
bool sb_json_plain(const char *s, size_t n);
/* Markdown inline text: like text, plus markup characters backslash-escaped
 * and < > & as entities, so nothing renders as HTML or a link. */
void sb_put_markdown(FILE *out, const char *s, size_t n);
/* Inside a Markdown code block or <details> <pre>: HTML entities only. */
void sb_put_html(FILE *out, const char *s, size_t n);

/* Decodes one UTF-8 sequence at s (n bytes left). Returns its length and the
 * code point, or 0 when the bytes are not valid UTF-8. */
size_t sb_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

#endif
