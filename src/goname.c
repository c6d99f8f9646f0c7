/* goname.c: reading Go function names; see goname.h. */
#define _GNU_SOURCE /* memmem */
#include "stackblame/goname.h"

#include <ctype.h>
#include <string.h>

const char *sb_func_short(const char *func, size_t n, size_t *short_len)
{
    size_t i = n;
    /* the last '/' outside brackets: generics may hold paths */
    int depth = 0;
    while (i > 0) {
        char c = func[i - 1];
        if (c == ']')
            depth++;
        else if (c == '[' && depth > 0)
            depth--;
        else if (c == '/' && depth == 0)
            break;
        i--;
    }
    *short_len = n - i;
    return func + i;
}

static bool closure_part(const char *p, size_t n)
{
    static const char *const prefixes[] = {"func", "gowrap", "deferwrap", "dwrap"};
    for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
        size_t l = strlen(prefixes[k]);
        if (n > l && memcmp(p, prefixes[k], l) == 0 && isdigit((unsigned char)p[l]))
            return true;
    }
    return false;
}

size_t sb_closure_parent_len(const char *func, size_t n)
{
    size_t i = n;
    while (i > 0 && func[i - 1] != '.' && func[i - 1] != '/')
        i--;
    if (i == 0 || func[i - 1] != '.')
        return 0;
    bool digits = i < n;
    for (size_t k = i; k < n; k++)
        digits = digits && isdigit((unsigned char)func[k]);
    return digits || closure_part(func + i, n - i) ? i - 1 : 0;
}

size_t sb_closure_base_len(const char *func, size_t n)
{
    for (size_t i = n; i > 5; i--)
        if (func[i - 1] == '.' && i + 4 <= n && memcmp(func + i, "func", 4) == 0)
            return i - 1;
    return n;
}

/* "pkg.F.func1", and a closure inside it, "pkg.F.func1.2". */
bool sb_func_is_closure(const char *func, size_t n)
{
    for (;;) {
        size_t i = n;
        bool digits = n > 0;
        while (i > 0 && func[i - 1] != '.' && func[i - 1] != '/') {
            digits = digits && isdigit((unsigned char)func[i - 1]);
            i--;
        }
        if (!digits || i == 0 || func[i - 1] != '.')
            return closure_part(func + i, n - i);
        n = i - 1; /* a nested closure's number: look at the part before */
    }
}

bool sb_func_type(const char *func, size_t n, size_t *type_len)
{
    size_t sl;
    const char *s = sb_func_short(func, n, &sl);
    size_t base = (size_t)(s - func);
    /* split the last path element at dots outside parentheses/brackets */
    size_t dots[4];
    size_t nd = 0;
    int depth = 0;
    for (size_t i = 0; i < sl && nd < 4; i++) {
        char c = s[i];
        if (c == '(' || c == '[')
            depth++;
        else if ((c == ')' || c == ']') && depth > 0)
            depth--;
        else if (c == '.' && depth == 0)
            dots[nd++] = i;
    }
    if (nd < 2)
        return false; /* pkg.Func */
    const char *second = s + dots[0] + 1;
    size_t second_len = dots[1] - dots[0] - 1;
    if (second_len >= 2 && second[0] == '(' && second[1] == '*') {
        *type_len = base + dots[1];
        return true;
    }
    /* pkg.T.M (value receiver) vs pkg.F.func1 (closure) vs glob..func1 */
    const char *third = s + dots[1] + 1;
    size_t third_len = (nd > 2 ? dots[2] : sl) - dots[1] - 1;
    if (second_len == 0 || closure_part(third, third_len) ||
        (second_len == 4 && memcmp(second, "glob", 4) == 0))
        return false;
    *type_len = base + dots[1];
    return true;
}

size_t sb_func_package_len(const char *func, size_t n)
{
    size_t sl;
    const char *s = sb_func_short(func, n, &sl);
    const char *dot = memchr(s, '.', sl);
    return dot ? (size_t)(dot - func) : n;
}

static bool name_is(const char *func, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(func, name, n) == 0;
}

bool sb_func_prints_chan(const char *func, size_t n)
{
    return name_is(func, n, "runtime.chansend") || name_is(func, n, "runtime.chanrecv");
}

bool sb_func_keeps_arg(const char *func, size_t n)
{
    size_t tl;
    return sb_func_type(func, n, &tl) || sb_func_prints_chan(func, n);
}

bool sb_func_is_runtime(const char *f, size_t n)
{
    return (n > 8 && memcmp(f, "runtime.", 8) == 0) || (n > 9 && memcmp(f, "internal/", 9) == 0) ||
           memmem(f, n, ".runtime_", 9) != NULL;
}
