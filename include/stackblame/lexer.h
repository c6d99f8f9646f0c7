/* lexer.h: one logical line (prefix already stripped) in, one token out.
 * The lexer knows the shape of every line a Go runtime prints; it keeps no
 * state between lines, so it can be tested one line at a time. */
#ifndef STACKBLAME_LEXER_H
#define STACKBLAME_LEXER_H

#include <stdbool.h>
#include <stdint.h>
#include "stackblame/span.h"

enum sb_tok {
    SB_TOK_BLANK,
    SB_TOK_HEADER,        /* goroutine N [state...]: */
    SB_TOK_FRAME,         /* pkg.Func(args) */
    SB_TOK_FILE,          /* /path/file.go:123 +0x1f */
    SB_TOK_CREATED_BY,    /* created by pkg.Func[ in goroutine N] */
    SB_TOK_ELIDED,        /* ...additional frames elided... / ...N frames elided... */
    SB_TOK_OTHER_THREAD,  /* goroutine running on other thread; stack unavailable */
    SB_TOK_ANCESTOR,      /* [originating from goroutine N]: */
    SB_TOK_NONGO,         /* non-Go function at pc=0x.. (cgo) */
    SB_TOK_SIGNAL,        /* SIGQUIT: quit */
    SB_TOK_PANIC,         /* panic: ... (not indented) */
    SB_TOK_PANIC_NESTED,  /* \tpanic: ... (a panic during a panic) */
    SB_TOK_FATAL,         /* fatal error: ... */
    SB_TOK_PREAMBLE,      /* PC=, [signal ...], runtime: ..., traceback: ..., [recovered] */
    SB_TOK_RUNTIME_STACK, /* runtime stack: (system stack of a fatal error) */
    SB_TOK_REGISTER,      /* rax    0x0 */
    SB_TOK_SEPARATOR,     /* ----- between M sections under GOTRACEBACK=crash */
    SB_TOK_EXIT_STATUS,   /* exit status 2 */
    SB_TOK_RACE_BEGIN,    /* WARNING: DATA RACE */
    SB_TOK_RACE_RULE,     /* ================== */
    SB_TOK_PROFILE,       /* goroutine profile: total N (pprof debug=1) */
    SB_TOK_RECORD,        /* COUNT @ 0xPC 0xPC ... */
    SB_TOK_RECORD_FRAME,  /* #	0xPC	pkg.F+0xOFF	/file.go:LINE */
    SB_TOK_RECORD_LABELS, /* # labels: {...} */
    SB_TOK_OTHER
};

typedef struct sb_token {
    enum sb_tok kind;
    sb_span text; /* the whole trimmed line */
    union {
        struct {
            uint64_t id;
            bool id_overflow;
            sb_span state;   /* wait reason / status without (scan)/(leaked) */
            int32_t minutes; /* -1 when absent; saturated at INT32_MAX */
            bool locked, scan, leaked;
            sb_span labels; /* Go 1.26 header labels, n = 0 when none */
        } header;
        struct {
            sb_span func;
            sb_span args; /* inside the parentheses, may be empty or "..." */
        } frame;
        struct {
            sb_span file;
            uint32_t line;
            bool has_offset; /* +0x.. present */
        } file;
        struct {
            sb_span func;
            uint64_t parent; /* 0 when not printed (before Go 1.21) */
        } created;
        struct {
            uint32_t count; /* 0 for the pre-1.21 marker */
        } elided;
        struct {
            uint64_t count; /* debug=1 record count, or profile total */
        } record;
        struct {
            sb_span func;
            sb_span file;
            uint32_t line;
        } rframe;
    } u;
} sb_token;

void sb_lex(sb_span line, sb_token *tok);

/* Whether a line the lexer does not know is a logger's fatal line, the
 * last a process writes before its stacks: klog/glog "F1221 14:33:55.966391
 * ...] msg", logrus "level=fatal" or "FATA[0000]", zap "\tFATAL\t" or
 * "\"level\":\"fatal\"". Go's log.Fatal carries no mark and is not one. */
bool sb_lex_log_fatal(sb_span line);

/* The line after the terminal colour codes at its start ("\033[32m", or
 * "^[[32m" where the escape was printed as text, or "[32m" where it was
 * lost); the line itself when none. */
sb_span sb_lex_skip_colors(sb_span line);

/* sb_lex, trying guesses first. The parser knows what most lines will be
 * (the function or file it saw at the same spot before); checking a guess
 * against the line costs far less than lexing it from scratch. The guesses
 * are functions of a frame line (file false; each a name sb_lex returned
 * for some frame line: non-empty, no blanks) or paths of a file line (file
 * true). tok is always what sb_lex would make of the line; the result is
 * the index of the guess that tok's function or path is, or -1 when no
 * guess was confirmed (a guess may be right and still not be confirmed). */
int sb_lex_expect(sb_span line, bool file, const sb_span *guess, size_t nguess, sb_token *tok);

/* The same confirmation, made on the input's buffer before it is split
 * into lines: p is where a line starts, end where the buffered bytes end.
 * When the line is exactly a frame of func (sb_lex_frame_at) or a file
 * line of file (sb_lex_file_at), ends in a newline before end, and has
 * nothing sb_lex would trim, tok is what sb_lex makes of it and the result
 * is its length without the newline. Otherwise the result is 0 and the
 * line takes the long way (sb_lex_expect). */
size_t sb_lex_frame_at(const char *p, const char *end, sb_span func, sb_token *tok);
/* Whether every line that begins with func is one sb_lex reads from its
 * start (no blank in front) and no line kind claims by its first byte: then
 * sb_lex_frame_plain_at(p, end, func, tok) is sb_lex_frame_at without
 * those two checks. */
bool sb_lex_frame_name_plain(sb_span func);
size_t sb_lex_frame_plain_at(const char *p, const char *end, sb_span func, sb_token *tok);
size_t sb_lex_file_at(const char *p, const char *end, sb_span file, sb_token *tok);

/* sb_lex of the line at p when it begins with key (which does not begin
 * with a blank: "goroutine ", "created by "), ends in a newline before end
 * and has no blank or CR at its end: the line as the line reader returns
 * it, with nothing sb_lex trims. Returns its length without the newline,
 * 0 (tok untouched) when the line is not such a one. */
size_t sb_lex_line_at(const char *p, const char *end, const char *key, sb_token *tok);

/* A file line as a template for the next one at the same call site: every
 * byte the same but the digits of fp= and sp= (one goroutine's stack
 * addresses, the same length from one goroutine to the next), which may
 * be any hex digits. One compare of the whole line then stands for reading
 * the path, the line number, the offset and the hex fields. */
#define SB_TMPL_MAX 256 /* bytes of a line, tab and newline included; longer: no template */
typedef struct sb_file_tmpl {
    char text[SB_TMPL_MAX];          /* the line from its tab through its newline */
    uint16_t wild[SB_TMPL_MAX / 16]; /* bit i % 16 of wild[i / 16]: byte i may be any hex digit */
    uint16_t wild_last;              /* the same bits of the last 16 bytes (len >= 16) */
    uint32_t line;                   /* the token's line */
    uint16_t len;                    /* of text; 0: no template */
    uint16_t file_len;               /* FILE's length: text[1 .. file_len] */
    bool has_offset;                 /* the token's has_offset */
} sb_file_tmpl;

/* Makes tm of the file line at p that sb_lex_file_at took: len is what it
 * returned, tok the token it made. False (tm->len 0) when the line is too
 * long to be one. */
bool sb_file_tmpl_make(sb_file_tmpl *tm, const char *p, size_t len, const sb_token *tok);
/* sb_lex_file_at for a line at p that tm matches: the same result and
 * token, 0 when tm does not match. */
size_t sb_lex_file_tmpl_at(const char *p, const char *end, const sb_file_tmpl *tm, sb_token *tok);

/* A goroutine header as a template for the next ones in the same state:
 * every byte after the id the same ("goroutine 7 [chan receive]:" and
 * "goroutine 8 [chan receive]:"). Headers with labels have none. */
#define SB_HDR_TMPL_MAX 48 /* bytes after the id, newline included */
typedef struct sb_header_tmpl {
    char tail[SB_HDR_TMPL_MAX]; /* after the id's digits through the newline */
    uint8_t len;                /* of tail; 0: no template */
    uint8_t state_at, state_n;  /* the token's state: tail[state_at ..] */
    bool locked, scan, leaked;  /* the token's */
    int32_t minutes;            /* the token's */
} sb_header_tmpl;

/* Makes tm of the header at p that sb_lex_line_at took: len is what it
 * returned, tok the token it made. False (tm->len 0) when there is none
 * to make (a long line, labels, an id that overflowed). */
bool sb_header_tmpl_make(sb_header_tmpl *tm, const char *p, size_t len, const sb_token *tok);
/* sb_lex_line_at(p, end, "goroutine ", tok) for a header at p that tm
 * matches: the same result and token, 0 when tm does not match. */
size_t sb_lex_header_tmpl_at(const char *p, const char *end, const sb_header_tmpl *tm,
                             sb_token *tok);

/* Where a goroutine header starts inside a line that is not itself a header
 * (a prefix or other text in front). Returns the offset or -1. */
long sb_lex_find_header(sb_span line);

/* Arguments of a frame, parsed. Go prints raw words up to 1.16, one value per
 * argument from 1.17 with `?` for "may be wrong", `{...}` aggregates and
 * `...` when cut. */
typedef struct sb_arg {
    sb_span text;   /* the value, without the `?` */
    bool uncertain; /* printed with `?` */
    bool aggregate; /* a {...} group */
} sb_arg;

/* Splits args at top-level commas into at most max values; returns how many
 * were found (which can exceed max: only max are stored). A lone `...` yields
 * zero values. */
size_t sb_args_split(sb_span args, sb_arg *out, size_t max);
/* The first argument as printed, up to the first top-level comma
 * ("0xc000123", "0x0?", "{0x1, 0x2}"): a method's receiver, a lock's address. */
sb_span sb_args_first_text(sb_span args);
/* The same, where the bytes from lo up to args are readable too (a frame
 * line's function name): a list shorter than 16 bytes is then scanned in
 * one load that ends where it does. */
sb_span sb_args_first_text_in(sb_span args, const char *lo);
/* First argument as a number (e.g. a receiver or lock address), when it is
 * a plain hex or decimal word printed without `?`. */
bool sb_args_first_word(sb_span args, uint64_t *value);

const char *sb_tok_name(enum sb_tok kind);

#endif
