/* input.c: chunked line reader; see input.h. A line that straddles two
 * chunks is moved to the front of the buffer before the next read, so the
 * buffer never holds more than one chunk plus one line. */
#include "stackblame/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "stackblame/arena.h"

bool sb_input_open(sb_input *in, const char *path, char *err, size_t errlen)
{
    memset(in, 0, sizeof(*in));
    in->name = path;
    if (strcmp(path, "-") == 0) {
        in->fd = 0;
    } else {
        in->fd = open(path, O_RDONLY);
        if (in->fd < 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            return false;
        }
        in->owns_fd = true;
    }
    in->cap = SB_INPUT_CHUNK + SB_INPUT_MAX_LINE;
    in->buf = sb_xmalloc(in->cap);
    return true;
}

void sb_input_open_mem(sb_input *in, const char *name, const char *data, size_t len)
{
    memset(in, 0, sizeof(*in));
    in->name = name;
    in->fd = -1;
    in->buf = sb_xmalloc(len ? len : 1);
    memcpy(in->buf, data, len);
    in->cap = in->end = len;
    in->bytes = len;
    in->eof = true;
}

void sb_input_close(sb_input *in)
{
    if (in->owns_fd)
        close(in->fd);
    free(in->buf);
    in->buf = NULL;
}

/* Reads one more chunk behind the unread bytes. Returns false at EOF/error. */
static bool sb_input_fill(sb_input *in)
{
    if (in->eof)
        return false;
    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }
    size_t room = in->cap - in->end;
    if (room > SB_INPUT_CHUNK)
        room = SB_INPUT_CHUNK;
    for (;;) {
        ssize_t r = read(in->fd, in->buf + in->end, room);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            in->read_errno = errno;
            in->eof = true;
            return false;
        }
        if (r == 0) {
            in->eof = true;
            return false;
        }
        in->end += (size_t)r;
        in->bytes += (uint64_t)r;
        return true;
    }
}

bool sb_input_next(sb_input *in, sb_span *line)
{
    for (;;) {
        char *p = in->buf + in->start;
        size_t avail = in->end - in->start;
        char *nl = avail ? memchr(p, '\n', avail) : NULL;
        if (in->discarding) {
            /* The tail of an over-long line: drop it up to its newline. */
            if (nl) {
                in->start += (size_t)(nl - p) + 1;
                in->discarding = false;
                continue;
            }
            in->start = in->end;
            if (!sb_input_fill(in))
                return false;
            continue;
        }
        size_t len;
        if (nl) {
            len = (size_t)(nl - p);
            in->start += len + 1;
            if (len > SB_INPUT_MAX_LINE) { /* the whole line was already in the buffer */
                len = SB_INPUT_MAX_LINE;
                in->long_lines++;
            }
        } else if (avail > SB_INPUT_MAX_LINE) {
            len = SB_INPUT_MAX_LINE;
            in->start += len;
            in->discarding = true;
            in->long_lines++;
        } else if (sb_input_fill(in)) {
            continue;
        } else if (avail) {
            len = avail; /* last line without a newline */
            in->start = in->end;
        } else {
            return false;
        }
        if (len && p[len - 1] == '\r')
            len--;
        in->line_no++;
        *line = sb_span_make(p, len);
        return true;
    }
}
