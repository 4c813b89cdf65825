/*
 * segment.c: sentences (ICU's sentence-break rules), paragraphs, and the parts of a reply
 * that the positional rules look at: the opening, where a greeting belongs, and the end
 * before the signature, where a human closing belongs.
 */
#include "segment.h"

#include "utf8.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

/* ---- sentence boundaries ------------------------------------------------------------ */

/*
 * The code points whose Sentence_Break property is tabled: Latin, Greek, Cyrillic and
 * Armenian; general punctuation; symbols, arrows and dingbats; variation selectors; emoji.
 * A line made only of these is split here, by the rules of UAX #29 that ICU implements;
 * any other line goes to ICU itself.  The test suite checks that both agree.
 */
static const struct {
    uint32_t lo, hi; /* [lo, hi) */
} sb_ranges[] = {
    {0x0000, 0x0530}, {0x2000, 0x2070}, {0x20A0, 0x20D0},
    {0x2100, 0x2C00}, {0xFE00, 0xFE10}, {0x1F000, 0x1FB00},
};
#define SB_RANGES (sizeof(sb_ranges) / sizeof(sb_ranges[0]))

struct rl_sentencer {
    UBreakIterator *tmpl;   /* ICU's sentence iterator, cloned per use */
    uint8_t *sb[SB_RANGES]; /* USentenceBreak value per code point of each range */
};

rl_sentencer *replylint__sentencer_new(void)
{
    rl_sentencer *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    UErrorCode st = U_ZERO_ERROR;
    s->tmpl = ubrk_open(UBRK_SENTENCE, "", NULL, 0, &st);
    if (U_FAILURE(st)) {
        replylint__sentencer_free(s);
        return NULL;
    }
    for (size_t r = 0; r < SB_RANGES; r++) {
        s->sb[r] = malloc(sb_ranges[r].hi - sb_ranges[r].lo);
        if (!s->sb[r]) {
            replylint__sentencer_free(s);
            return NULL;
        }
        for (uint32_t cp = sb_ranges[r].lo; cp < sb_ranges[r].hi; cp++)
            s->sb[r][cp - sb_ranges[r].lo] =
                (uint8_t)u_getIntPropertyValue((UChar32)cp, UCHAR_SENTENCE_BREAK);
    }
    return s;
}

void replylint__sentencer_free(rl_sentencer *s)
{
    if (!s)
        return;
    if (s->tmpl)
        ubrk_close(s->tmpl);
    for (size_t r = 0; r < SB_RANGES; r++)
        free(s->sb[r]);
    free(s);
}

/* The Sentence_Break value of cp, or -1 when it is not tabled. */
static int sb_of(const rl_sentencer *s, uint32_t cp)
{
    if (cp < 0x0530)
        return s->sb[0][cp];
    for (size_t r = 0; r < SB_RANGES; r++)
        if (cp < sb_ranges[r].hi)
            return cp >= sb_ranges[r].lo ? s->sb[r][cp - sb_ranges[r].lo] : -1;
    return -1;
}

/* One code point after rule SB5: its class and where it starts; Extend and Format
 * characters are folded into the one before them. */
typedef struct sb_unit {
    uint8_t cls;
    uint32_t at;
} sb_unit;

static bool sb_parasep(int c)
{
    return c == U_SB_SEP || c == U_SB_CR || c == U_SB_LF;
}

static bool sb_saterm(int c)
{
    return c == U_SB_ATERM || c == U_SB_STERM;
}

/*
 * UAX #29 sentence boundaries over units u[0, n) (n >= 1), stored as unit indexes into
 * `out` (each boundary is the index of the unit that starts the next sentence; n for the
 * end).  The rules, in the standard's numbering:
 *   SB3  CR × LF                       SB4  ParaSep ÷
 *   SB6  ATerm × Numeric               SB7  (Upper | Lower) ATerm × Upper
 *   SB8  ATerm Close* Sp* × (¬(OLetter | Upper | Lower | ParaSep | SATerm))* Lower
 *   SB8a SATerm Close* Sp* × (SContinue | SATerm)
 *   SB9, SB10  SATerm Close* Sp* × (Close | Sp | ParaSep)
 *   SB11 SATerm Close* Sp* ParaSep? ÷  SB998 otherwise no break
 */
static size_t sb_breaks(const sb_unit *u, size_t n, uint32_t *out)
{
    size_t nb = 0, i = 0;
    while (i < n) {
        int c = u[i].cls;
        if (c == U_SB_CR && i + 1 < n && u[i + 1].cls == U_SB_LF)
            i++;                    /* SB3 */
        if (sb_parasep(u[i].cls)) { /* SB4 */
            out[nb++] = (uint32_t)++i;
            continue;
        }
        if (!sb_saterm(c)) {
            i++;
            continue;
        }
        size_t j = i + 1;
        if (c == U_SB_ATERM && j < n &&
            (u[j].cls == U_SB_NUMERIC || /* SB6 */
             (u[j].cls == U_SB_UPPER && i > 0 &&
              (u[i - 1].cls == U_SB_UPPER || u[i - 1].cls == U_SB_LOWER)))) { /* SB7 */
            i = j;
            continue;
        }
        while (j < n && u[j].cls == U_SB_CLOSE)
            j++;
        while (j < n && u[j].cls == U_SB_SP)
            j++;
        if (j == n)
            break;                  /* the end of the text ends this sentence */
        if (sb_parasep(u[j].cls)) { /* SB9, SB10, then SB11 after the separator */
            if (u[j].cls == U_SB_CR && j + 1 < n && u[j + 1].cls == U_SB_LF)
                j++;
            out[nb++] = (uint32_t)(j + 1);
            i = j + 1;
            continue;
        }
        if (c == U_SB_ATERM) { /* SB8 */
            size_t k = j;
            while (k < n && u[k].cls != U_SB_OLETTER && u[k].cls != U_SB_UPPER &&
                   u[k].cls != U_SB_LOWER && !sb_parasep(u[k].cls) && !sb_saterm(u[k].cls))
                k++;
            if (k < n && u[k].cls == U_SB_LOWER) {
                i = j;
                continue;
            }
        }
        if (u[j].cls == U_SB_SCONTINUE || sb_saterm(u[j].cls)) { /* SB8a */
            i = j;
            continue;
        }
        out[nb++] = (uint32_t)j; /* SB11 */
        i = j;
    }
    if (nb == 0 || out[nb - 1] != n)
        out[nb++] = (uint32_t)n;
    return nb;
}

/* ICU's boundaries for text[0, len), through a clone of the template. */
static long icu_ends(const rl_sentencer *s, const char *text, size_t len, uint32_t *ends,
                     size_t max)
{
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_clone(s->tmpl, &st);
    UText ut = UTEXT_INITIALIZER;
    utext_openUTF8(&ut, text, (int64_t)len, &st);
    ubrk_setUText(bi, &ut, &st);
    long n = 0;
    if (U_SUCCESS(st)) {
        ubrk_first(bi);
        for (int32_t e = ubrk_next(bi); e != UBRK_DONE; e = ubrk_next(bi)) {
            if ((size_t)n < max)
                ends[n] = (uint32_t)e;
            n++;
        }
    }
    utext_close(&ut);
    ubrk_close(bi);
    return U_SUCCESS(st) ? n : -1;
}

long replylint__sentence_ends(const rl_sentencer *s, const char *text, size_t len, bool icu,
                              uint32_t *ends, size_t max)
{
    if (len == 0)
        return 0;
    if (len > UINT32_MAX)
        return -1;
    if (icu)
        return icu_ends(s, text, len, ends, max);
    /* Units: at most one per byte. */
    sb_unit *u = malloc(len * sizeof(*u));
    uint32_t *b = malloc((len + 1) * sizeof(*b));
    if (!u || !b) {
        free(u);
        free(b);
        return -1;
    }
    size_t n = 0, i = 0, w;
    bool tabled = true;
    while (i < len) {
        uint32_t cp = replylint__utf8_decode(text, len, i, &w);
        int c = sb_of(s, cp);
        if (c < 0) {
            tabled = false;
            break;
        }
        /* SB5: Extend and Format attach to what precedes them, except a separator. */
        if ((c == U_SB_EXTEND || c == U_SB_FORMAT) && n > 0 && !sb_parasep(u[n - 1].cls)) {
            i += w;
            continue;
        }
        u[n++] = (sb_unit){(uint8_t)c, (uint32_t)i};
        i += w;
    }
    long count = -1;
    if (!tabled) {
        count = icu_ends(s, text, len, ends, max);
    } else {
        size_t nb = sb_breaks(u, n, b);
        for (size_t k = 0; k < nb && k < max; k++)
            ends[k] = b[k] < n ? u[b[k]].at : (uint32_t)len;
        count = (long)nb;
    }
    free(u);
    free(b);
    return count;
}

static bool is_space_at(const char *s, size_t len, size_t i, size_t *w)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
        *w = 1;
        return true;
    }
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) {
        *w = 2;
        return true;
    }
    return false;
}

/* Shrink [*a, *b) past white space at both ends. */
static void trim(const char *s, size_t len, size_t *a, size_t *b)
{
    size_t w;
    while (*a < *b && is_space_at(s, len, *a, &w))
        *a += w;
    while (*b > *a) {
        size_t i = *b - 1;
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            (*b)--;
        else if (c == 0xA0 && i > *a && (unsigned char)s[i - 1] == 0xC2)
            *b -= 2;
        else
            break;
    }
}

static int push(rl_span **v, size_t *n, size_t *cap, size_t a, size_t b)
{
    if (RL_GROW(*v, *cap, *n + 1) != 0)
        return -1;
    (*v)[(*n)++] = (rl_span){a, b};
    return 0;
}

/* Scratch space for the boundaries of one line at a time: sized by the longest line, not
 * by the reply (a 1 MB reply of short lines needs little). */
typedef struct ends_buf {
    uint32_t *v;
    size_t cap;
} ends_buf;

/* Append the trimmed sentences of text[a, b) (whole lines: every line break ends a
 * sentence). */
static int sentences_in(rl_segments *out, size_t *cap, const rl_sentencer *sz, ends_buf *eb,
                        const char *text, size_t len, size_t a, size_t b)
{
    if (RL_GROW(eb->v, eb->cap, b - a + 1) != 0)
        return -1;
    uint32_t *ends = eb->v;
    long n = replylint__sentence_ends(sz, text + a, b - a, false, ends, b - a + 1);
    if (n < 0)
        return -1;
    size_t prev = 0;
    for (long k = 0; k < n; k++) {
        /* ICU breaks after a line break inside a sentence too; that suits replies,
         * where a greeting or a signature line stands alone without a full stop. */
        size_t sa = a + prev, se = a + ends[k];
        prev = ends[k];
        trim(text, len, &sa, &se);
        if (sa < se && push(&out->sentences, &out->n_sentences, cap, sa, se) != 0)
            return -1;
    }
    return 0;
}

static size_t line_end(const char *text, size_t len, size_t at)
{
    const char *nl = memchr(text + at, '\n', len - at);
    return nl ? (size_t)(nl - text) + 1 : len;
}

static size_t line_start(const char *text, size_t at)
{
    while (at > 0 && text[at - 1] != '\n')
        at--;
    return at;
}

static int cmp_span(const void *x, const void *y)
{
    const rl_span *a = x, *b = y;
    return a->start < b->start ? -1 : a->start > b->start;
}

/*
 * Sentences.  Every line break ends a sentence in ICU's rules (UAX #29, SB4), so lines can
 * be segmented one at a time with the same result.  Only the lines that matter are walked:
 * those holding the opening and the last two sentences before the signature, and, for the
 * sentence-length rules, the lines with more than `long_line` words (`words` holds the
 * byte offset where each word starts): a line with fewer words cannot hold a longer
 * sentence.  Most of a reply is never handed to the break iterator.
 */
static int sentences(rl_segments *out, const char *text, size_t len, const rl_sentencer *sz,
                     const size_t *words, size_t n_words, size_t long_line, size_t handles,
                     size_t sig)
{
    ends_buf ends = {NULL, 0};
    size_t cap = 0;
    int rc = 0;
    size_t a = line_start(text, handles), first_end = a;
    while (rc == 0 && a < len && out->n_sentences == 0) {
        first_end = line_end(text, len, a);
        rc = sentences_in(out, &cap, sz, &ends, text, len, a, first_end);
        a = first_end;
    }
    size_t before = out->n_sentences, b = sig, last_start = sig;
    while (rc == 0 && b > first_end && out->n_sentences - before < 2) {
        size_t ls = line_start(text, b - 1);
        if (ls < first_end)
            ls = first_end;
        rc = sentences_in(out, &cap, sz, &ends, text, len, ls, b);
        b = last_start = ls;
    }
    /* The long lines in between (neither the opening nor the end lines, done above). */
    size_t w = 0;
    for (size_t ls = first_end; words && rc == 0 && ls < last_start;) {
        size_t le = line_end(text, len, ls), count = 0;
        if (le > last_start)
            le = last_start;
        while (w < n_words && words[w] < ls)
            w++;
        while (w < n_words && words[w] < le) {
            w++;
            count++;
        }
        if (count > long_line)
            rc = sentences_in(out, &cap, sz, &ends, text, len, ls, le);
        ls = le;
    }
    if (out->n_sentences > 1)
        qsort(out->sentences, out->n_sentences, sizeof(rl_span), cmp_span);
    free(ends.v);
    return rc;
}

static int paragraphs(rl_segments *out, const char *text, size_t len)
{
    size_t cap = 0, start = 0, i = 0;
    while (i < len) {
        if (text[i] != '\n') {
            i++;
            continue;
        }
        /* A blank line (only white space) ends a paragraph. */
        size_t j = i + 1, w;
        while (j < len && text[j] != '\n' && is_space_at(text, len, j, &w))
            j += w;
        if (j < len && text[j] == '\n') {
            size_t a = start, b = i;
            trim(text, len, &a, &b);
            if (a < b && push(&out->paragraphs, &out->n_paragraphs, &cap, a, b) != 0)
                return -1;
            start = j + 1;
            i = j + 1;
        } else {
            i++;
        }
    }
    size_t a = start, b = len;
    trim(text, len, &a, &b);
    if (a < b && push(&out->paragraphs, &out->n_paragraphs, &cap, a, b) != 0)
        return -1;
    return 0;
}

static size_t count_words(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    bool in = false;
    for (size_t i = a; i < b; i++) {
        bool sp = s[i] == ' ' || s[i] == '\t' || s[i] == '\r';
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

/*
 * The signature block: the short lines at the very end that do not end like a sentence
 * («С уважением,» / «Петя Иванов,» / «Служба поддержки клиентов»).  At most four lines of
 * at most six words, and never the whole reply: a one-line reply without a full stop is a
 * reply, not a signature.
 */
static rl_span signature(const char *text, size_t len)
{
    size_t end = len, sig_start = len, lines = 0;
    while (lines < 4) {
        size_t b = end;
        while (b > 0 && (text[b - 1] == '\n' || text[b - 1] == '\r' || text[b - 1] == ' ' ||
                         text[b - 1] == '\t'))
            b--;
        if (b == 0)
            break;
        size_t a = b;
        while (a > 0 && text[a - 1] != '\n')
            a--;
        size_t ta = a, tb = b;
        trim(text, len, &ta, &tb);
        if (ta >= tb)
            break;
        char last = text[tb - 1];
        if (last == '.' || last == '!' || last == '?' || count_words(text, ta, tb) > 6)
            break;
        if (tb >= 3 && memcmp(text + tb - 3, "\xE2\x80\xA6", 3) == 0) /* … */
            break;
        if (a == 0)
            return (rl_span){len, len}; /* it would be the whole reply */
        sig_start = ta;
        end = a;
        lines++;
    }
    if (lines == 0)
        return (rl_span){len, len};
    size_t sb = len, sa = sig_start;
    trim(text, len, &sa, &sb);
    return (rl_span){sa, sb};
}

static size_t skip_handles(const char *text, size_t len)
{
    size_t i = 0, w;
    for (;;) {
        while (i < len && is_space_at(text, len, i, &w))
            i += w;
        if (i < len && text[i] == '@') {
            while (i < len && !is_space_at(text, len, i, &w))
                i++;
            continue;
        }
        return i;
    }
}

int replylint__segment(rl_segments *out, const char *text, size_t len, const rl_sentencer *sz,
                       const size_t *words, size_t n_words, size_t long_line)
{
    memset(out, 0, sizeof(*out));
    out->signature = signature(text, len);
    size_t h = skip_handles(text, len);
    if (sentences(out, text, len, sz, words, n_words, long_line, h, out->signature.start) != 0 ||
        paragraphs(out, text, len) != 0) {
        replylint__segments_free(out);
        return -1;
    }

    /* Opening: the first sentence that starts after any leading @handles. */
    out->start = (rl_span){h, h};
    for (size_t i = 0; i < out->n_sentences; i++) {
        rl_span s = out->sentences[i];
        if (s.end <= h)
            continue;
        size_t a = s.start > h ? s.start : h, b = s.end;
        const char *nl = memchr(text + a, '\n', b - a);
        if (nl)
            b = (size_t)(nl - text);
        trim(text, len, &a, &b);
        out->start = (rl_span){a, b};
        break;
    }

    /* End: the last two sentences that start before the signature, through the end of
     * the text (a closing may sit on the sign-off line itself). */
    size_t sig = out->signature.start, found = 0;
    out->end = (rl_span){0, len};
    out->last = (rl_span){sig, sig};
    for (size_t i = out->n_sentences; i-- > 0;) {
        if (out->sentences[i].start >= sig)
            continue;
        if (found == 0) {
            out->last = out->sentences[i];
            if (out->last.end > sig)
                out->last.end = sig;
            trim(text, len, &out->last.start, &out->last.end);
        }
        out->end.start = out->sentences[i].start;
        if (++found == 2)
            break;
    }
    return 0;
}

void replylint__segments_free(rl_segments *s)
{
    free(s->sentences);
    free(s->paragraphs);
    memset(s, 0, sizeof(*s));
}
