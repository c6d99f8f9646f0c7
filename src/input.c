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
#include <zlib.h>
#include "stackblame/arena.h"

/* gzip input: compressed bytes are read here and inflated into the line
 * buffer; concatenated members (as `cat a.gz b.gz` makes) are followed. */
struct sb_gunzip {
    z_stream zs;
    unsigned char *cbuf;
    bool raw_eof;
    bool in_member; /* inside a member, not between two */
};

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

void sb_input_open_reads(sb_input *in, const char *name, const char *data, size_t len,
                         size_t read_max)
{
    memset(in, 0, sizeof(*in));
    in->name = name;
    in->fd = -1;
    in->src = data;
    in->src_len = len;
    in->read_max = read_max ? read_max : 1;
    in->cap = SB_INPUT_CHUNK + SB_INPUT_MAX_LINE;
    in->buf = sb_xmalloc(in->cap);
}

void sb_input_close(sb_input *in)
{
    if (in->gz) {
        inflateEnd(&in->gz->zs);
        free(in->gz->cbuf);
        free(in->gz);
        in->gz = NULL;
    }
    if (in->owns_fd)
        close(in->fd);
    free(in->buf);
    in->buf = NULL;
}

/* read() without EINTR; -1 with read_errno set on an error, 0 at the end. */
static ssize_t raw_read(sb_input *in, char *dst, size_t n)
{
    if (in->src) { /* sb_input_open_reads */
        size_t k = in->src_len - in->src_pos;
        k = k < n ? k : n;
        k = k < in->read_max ? k : in->read_max;
        if (k)
            memcpy(dst, in->src + in->src_pos, k);
        in->src_pos += k;
        return (ssize_t)k;
    }
    for (;;) {
        ssize_t r = read(in->fd, dst, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            in->read_errno = errno;
        return r;
    }
}

static bool gunzip_start(sb_input *in, const char *first, size_t n)
{
    struct sb_gunzip *gz = sb_xcalloc(1, sizeof(*gz));
    gz->cbuf = sb_xmalloc(SB_INPUT_CHUNK);
    memcpy(gz->cbuf, first, n);
    if (inflateInit2(&gz->zs, 16 + MAX_WBITS) != Z_OK) {
        free(gz->cbuf);
        free(gz);
        in->error = "cannot initialise zlib";
        return false;
    }
    gz->zs.next_in = gz->cbuf;
    gz->zs.avail_in = (uInt)n;
    gz->in_member = true;
    in->gz = gz;
    return true;
}

/* Inflates up to n bytes into dst; 0 at the end, -1 on corrupt data. */
static ssize_t gunzip_read(sb_input *in, char *dst, size_t n)
{
    struct sb_gunzip *gz = in->gz;
    gz->zs.next_out = (unsigned char *)dst;
    gz->zs.avail_out = (uInt)n;
    while (gz->zs.avail_out == n) {
        if (gz->zs.avail_in == 0 && !gz->raw_eof) {
            ssize_t r = raw_read(in, (char *)gz->cbuf, SB_INPUT_CHUNK);
            if (r < 0)
                return -1;
            if (r == 0)
                gz->raw_eof = true;
            gz->zs.next_in = gz->cbuf;
            gz->zs.avail_in = (uInt)r;
        }
        if (gz->zs.avail_in == 0 && gz->raw_eof) {
            if (gz->in_member) {
                in->error = "truncated gzip data";
                return -1;
            }
            return 0;
        }
        if (!gz->in_member) { /* another member follows */
            inflateReset(&gz->zs);
            gz->in_member = true;
        }
        int rc = inflate(&gz->zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            gz->in_member = false;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            in->error = "corrupt gzip data";
            return -1;
        }
    }
    return (ssize_t)(n - gz->zs.avail_out);
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
    ssize_t r;
    if (in->gz) {
        r = gunzip_read(in, in->buf + in->end, room);
    } else {
        r = raw_read(in, in->buf + in->end, room);
        if (r >= 2 && !in->first_read_done && (unsigned char)in->buf[in->end] == 0x1f &&
            (unsigned char)in->buf[in->end + 1] == 0x8b) {
            /* gzip magic: what was read is compressed; inflate from here on */
            if (!gunzip_start(in, in->buf + in->end, (size_t)r))
                r = -1;
            else
                r = gunzip_read(in, in->buf + in->end, room);
        }
        in->first_read_done = true;
    }
    if (r <= 0) {
        in->eof = true;
        return false;
    }
    in->end += (size_t)r;
    in->bytes += (uint64_t)r;
    return true;
}

sb_span sb_input_buffered(const sb_input *in)
{
    if (in->discarding)
        return sb_span_make(in->buf, 0);
    return sb_span_make(in->buf + in->start, in->end - in->start);
}

void sb_input_take(sb_input *in, size_t n, uint64_t nlines)
{
    in->start += n;
    in->line_no += nlines;
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
        } else if (in->end > in->start) {
            /* The last line, without a newline. The failed fill may have
             * moved it to the front of the buffer: p is stale. */
            p = in->buf + in->start;
            len = in->end - in->start;
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
