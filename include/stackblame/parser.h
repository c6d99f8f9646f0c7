/* parser.h: turns tokens into the dump model. It splits an input into dumps
 * (at signal/panic/fatal/profile preambles, where goroutine ids start over,
 * and where the process named by the log prefix changes), builds goroutines
 * frame by frame and interns their stacks as each goroutine ends, so memory
 * grows with distinct stacks, not with input size. */
#ifndef STACKBLAME_PARSER_H
#define STACKBLAME_PARSER_H

#include <stdio.h>
#include "stackblame/input.h"
#include "stackblame/model.h"
#include "stackblame/prefix.h"

/* A goroutine keeps at most this many frames; the rest are counted and the
 * goroutine is flagged SB_G_FRAMES_CUT (the Go runtime itself prints 100). */
#define SB_MAX_FRAMES 4096

typedef struct sb_parser sb_parser;

/* prefix may be NULL (no prefix handling). */
sb_parser *sb_parser_new(sb_model *m, sb_prefix *prefix);
void sb_parser_free(sb_parser *p);
/* Starts an input: source is its name in messages and the default label. */
void sb_parser_begin(sb_parser *p, const char *source, const char *label);
void sb_parser_line(sb_parser *p, sb_span line, uint64_t line_no);
/* Ends the input: closes the open goroutine (marked truncated when it was
 * cut short) and the open dump. */
void sb_parser_end(sb_parser *p);

/* Reads a whole input through the parser. Returns false on a read error
 * (message in err). */
bool sb_parse_input(sb_parser *p, sb_input *in, const char *label, char *err, size_t errlen);
/* Whether sb_parse_input reads a goroutine's frame and file lines straight
 * from the input's buffer when they are what the parser expects (on by
 * default). The model is the same either way; the tests check that. */
void sb_parser_read_buffer(sb_parser *p, bool on);

#endif
