/* outbuf.c: the parts of outbuf.h that are not on the hot path. */
#include "stackblame/outbuf.h"

#include <stdarg.h>

void sb_out_flush(sb_outbuf *o)
{
    if (o->n)
        fwrite(o->b, 1, o->n, o->f);
    o->n = 0;
    o->flushes++;
}

void sb_out_put_slow(sb_outbuf *o, const void *s, size_t n)
{
    sb_out_flush(o);
    if (n > SB_OUTBUF) {
        fwrite(s, 1, n, o->f);
        return;
    }
    memcpy(o->b, s, n);
    o->n = n;
}

void sb_out_printf(sb_outbuf *o, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if ((size_t)len < sizeof(small)) {
        sb_out_put(o, small, (size_t)len);
        return;
    }
    sb_out_flush(o); /* longer than the scratch: straight to the FILE */
    va_start(ap, fmt);
    vfprintf(o->f, fmt, ap);
    va_end(ap);
}
