/* input.h: chunked line reader over a file or stdin, gzip or plain (told
 * apart by the magic bytes). Lines are handed out as spans into the
 * reader's buffer, valid until the next call; parsing starts with the first
 * chunk, long before a piped dump ends. */
#ifndef STACKBLAME_INPUT_H
#define STACKBLAME_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include "stackblame/span.h"

#define SB_INPUT_CHUNK    (1u << 20) /* bytes per read() */
#define SB_INPUT_MAX_LINE (1u << 20) /* longer lines are cut to this */

typedef struct sb_input {
    int fd;
    bool owns_fd;
    const char *name; /* as given on the command line, "-" for stdin */
    char *buf;
    size_t cap, start, end;
    bool eof;
    bool discarding;   /* inside the tail of an over-long line */
    int read_errno;    /* errno of a failed read(), 0 otherwise */
    const char *error; /* what went wrong when not a read(): "corrupt gzip data" */
    bool first_read_done;
    struct sb_gunzip *gz; /* set when the input is gzip-compressed */
    uint64_t line_no;
    uint64_t bytes; /* bytes of (decompressed) text */
    uint64_t long_lines;
    /* sb_input_open_reads: the bytes read() would return, and how many per read. */
    const char *src;
    size_t src_len, src_pos, read_max;
    /* A mapped regular file: buf is the mapping, cap its length. */
    bool mapped;
    /* All of the input is in buf from the start, which never moves (a
     * mapped file, a memory buffer): spans into it stay valid until close. */
    bool whole;
    size_t dropped; /* pages before this offset are handed back */
    size_t window;  /* where pages are next handed back */
} sb_input;

/* Opens a file, or stdin for "-". On failure returns false and writes the
 * reason (strerror) to err. A regular file that is not gzip is mapped, not
 * read (stdin too, when redirected from one that nothing has read from):
 * if another process cuts it short meanwhile, the process exits with
 * status 2 and says so (SIGBUS, see input.c). */
bool sb_input_open(sb_input *in, const char *path, char *err, size_t errlen);
/* The same, with read() for a regular file too (tests: both ways). */
bool sb_input_open_read(sb_input *in, const char *path, char *err, size_t errlen);
/* Wraps a memory buffer (tests, fuzzing). The buffer must outlive the input. */
void sb_input_open_mem(sb_input *in, const char *name, const char *data, size_t len);
/* Reads a memory buffer the way sb_input_open reads a file, read_max bytes
 * at most per read (tests, fuzzing: lines across reads, refills, gzip).
 * The buffer must outlive the input. */
void sb_input_open_reads(sb_input *in, const char *name, const char *data, size_t len,
                         size_t read_max);
/* Next line without its newline (and without a trailing CR). Returns false at
 * the end of input or on a read error (see read_errno). */
bool sb_input_next(sb_input *in, sb_span *line);
/* The bytes read but not yet handed out, for a caller that splits lines
 * itself (the parser, inside a goroutine): empty while the tail of an
 * over-long line is being dropped. */
sb_span sb_input_buffered(const sb_input *in);
/* Marks the first n bytes of sb_input_buffered as handed out: nlines whole
 * lines, each ending in a newline, none longer than SB_INPUT_MAX_LINE. */
void sb_input_take(sb_input *in, size_t n, uint64_t nlines);
void sb_input_close(sb_input *in);

#endif
