/* input.c: chunked line reader; see input.h. A line that straddles two
 * chunks is moved to the front of the buffer before the next read, so the
 * buffer never holds more than one chunk plus one line. A regular file is
 * mapped instead: the whole file is then the buffer, and the pages behind
 * the reader are handed back as it goes. */
#define _GNU_SOURCE /* madvise */
#include "stackblame/input.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

/* The mapped input being read, for the SIGBUS handler: a mapped file cut
 * short by another process faults where its pages went missing. */
static const sb_input *volatile sb_mapped_input;

static void write_str(const char *s)
{
    ssize_t r = write(2, s, strlen(s));
    (void)r; /* nothing to do about it: the process ends next */
}

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    const sb_input *in = sb_mapped_input;
    const char *a = si->si_addr;
    if (!in || a < in->buf || a >= in->buf + in->cap) {
        signal(sig, SIG_DFL); /* not ours: fault as if no handler were there */
        raise(sig);
        return;
    }
    /* The error every other failed read gets, with exit status 2; what was
     * read so far is not reported, as after a failed read(). */
    write_str("stackblame: ");
    write_str(in->name);
    write_str(": the file shrank while it was read (cut by another process?)\n");
    _exit(2);
}

/* Maps the regular file in->fd, unless it is empty or gzip (read() then
 * inflates it). Mapping spares the copy read() makes of every byte. */
static bool map_file(sb_input *in)
{
    struct stat st;
    /* Stdin redirected from a file is mapped too, unless a reader before
     * us has taken some of it (the offset is not 0). */
    if (fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 2 ||
        (uint64_t)st.st_size > SIZE_MAX || lseek(in->fd, 0, SEEK_CUR) != 0)
        return false;
    size_t len = (size_t)st.st_size;
    char *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, in->fd, 0);
    if (m == MAP_FAILED)
        return false;
    unsigned char magic[2];
    if (pread(in->fd, magic, 2, 0) != 2 || (magic[0] == 0x1f && magic[1] == 0x8b)) {
        munmap(m, len);
        return false;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, NULL) != 0) {
        munmap(m, len);
        return false;
    }
    (void)madvise(m, len, MADV_SEQUENTIAL);
    in->buf = m;
    in->cap = in->end = len;
    in->bytes = len;
    in->eof = true; /* all of it is "read": sb_input_fill has nothing to do */
    in->mapped = in->whole = true;
    sb_mapped_input = in;
    return true;
}

static bool open_input(sb_input *in, const char *path, bool map, char *err, size_t errlen)
{
    memset(in, 0, sizeof(*in));
    in->name = path;
    if (strcmp(path, "-") == 0) {
        in->fd = 0;
        if (map && map_file(in))
            return true;
    } else {
        in->fd = open(path, O_RDONLY);
        if (in->fd < 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            return false;
        }
        in->owns_fd = true;
        if (map && map_file(in))
            return true;
    }
    in->cap = SB_INPUT_CHUNK + SB_INPUT_MAX_LINE;
    in->buf = sb_xmalloc(in->cap);
    return true;
}

bool sb_input_open(sb_input *in, const char *path, char *err, size_t errlen)
{
    return open_input(in, path, true, err, errlen);
}

bool sb_input_open_read(sb_input *in, const char *path, char *err, size_t errlen)
{
    return open_input(in, path, false, err, errlen);
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
    in->whole = true;
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
    if (in->mapped) {
        sb_mapped_input = NULL;
        munmap(in->buf, in->cap);
    } else {
        free(in->buf);
    }
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

/* The unread bytes a caller may look at: all that is buffered, but of a
 * mapped file no more than a read buffer would hold, so that no scan (for
 * a newline that never comes) touches, and keeps in memory, more of the
 * file than reading it would. */
static size_t visible(const sb_input *in)
{
    size_t n = in->end - in->start;
    return in->mapped && n > SB_INPUT_CHUNK + SB_INPUT_MAX_LINE ? SB_INPUT_CHUNK + SB_INPUT_MAX_LINE
                                                                : n;
}

sb_span sb_input_buffered(const sb_input *in)
{
    if (in->discarding)
        return sb_span_make(in->buf, 0);
    return sb_span_make(in->buf + in->start, visible(in));
}

void sb_input_take(sb_input *in, size_t n, uint64_t nlines)
{
    in->start += n;
    in->line_no += nlines;
}

/* A mapped file: hands back the pages before the line about to be read
 * (a span into them reads the file again, through a fault), every
 * SB_INPUT_CHUNK bytes, so that the file's pages in memory stay near one
 * chunk. The pages ahead come in by faults, 16 at a time (fault-around),
 * as the reader reaches them; they are not asked for first
 * (MADV_POPULATE_READ), which would make the reader wait for a whole
 * chunk of them before it reads on. */
static void map_window(sb_input *in)
{
    if (in->start < in->window)
        return;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t at = in->start / page * page;
    if (at > in->dropped)
        (void)madvise(in->buf + in->dropped, at - in->dropped, MADV_DONTNEED);
    in->dropped = at;
    in->window = at + SB_INPUT_CHUNK;
}

bool sb_input_next(sb_input *in, sb_span *line)
{
    if (in->mapped)
        map_window(in);
    for (;;) {
        char *p = in->buf + in->start;
        size_t avail = visible(in);
        char *nl = avail ? memchr(p, '\n', avail) : NULL;
        if (in->discarding) {
            /* The tail of an over-long line: drop it up to its newline. */
            if (nl) {
                in->start += (size_t)(nl - p) + 1;
                in->discarding = false;
                continue;
            }
            in->start += avail;
            if (in->start < in->end) { /* a mapped file: the next bytes */
                map_window(in);
                continue;
            }
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
