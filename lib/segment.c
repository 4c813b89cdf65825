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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
    /* For the first range: the value, plus SB_ATTEND for the classes the rules act on
     * (terminators, separators, Extend, Format); the rest are passed over in one test. */
    uint8_t quick[0x0530];
    bool extend_lead[256]; /* see may_extend */
    /* Bytes that only ever start or continue such passed-over characters (ASCII, the
     * continuation bytes, two-byte leads like Cyrillic's D0 and D1) and never an Extend or
     * Format one: sb_breaks skips runs of them a byte at a time. */
    bool skip[256];
    /* The ASCII bytes not in skip are . ! ? CR and LF, and skip holds 80..BF, D0 and D1:
     * then sb_breaks skips sixteen bytes at a time (skip16). */
    bool skip16;
};

#define SB_ATTEND 0x80

/* The ASCII bytes that stop a run of skipped ones (see rl_sentencer.skip16). */
#define SKIP16_STOPS ".!?\r\n"

#if defined(__SSE2__)
/* The first byte of the sixteen at p that may stop a run of skipped bytes (its skip entry
 * may be false), or 16: with skip16, every other byte of them is skipped. */
static inline unsigned skip16_stop(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i stop = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')),
                     _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r')),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')))));
    /* Leads C0..FF (-64..-1 as signed bytes), except Cyrillic's D0 and D1. */
    __m128i lead = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(-65)),
                                 _mm_cmplt_epi8(v, _mm_setzero_si128()));
    __m128i cyr =
        _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xFE)), _mm_set1_epi8((char)0xD0));
    stop = _mm_or_si128(stop, _mm_andnot_si128(cyr, lead));
    unsigned bits = (unsigned)_mm_movemask_epi8(stop);
    return bits ? (unsigned)__builtin_ctz(bits) : 16;
}
#endif

static bool may_extend(unsigned char b);

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
    for (uint32_t cp = 0; cp < sizeof(s->quick); cp++) {
        int c = s->sb[0][cp];
        bool attend = c == U_SB_ATERM || c == U_SB_STERM || c == U_SB_SEP || c == U_SB_CR ||
                      c == U_SB_LF || c == U_SB_EXTEND || c == U_SB_FORMAT;
        s->quick[cp] = (uint8_t)(c | (attend ? SB_ATTEND : 0));
    }
    for (unsigned b = 0; b < 256; b++)
        s->extend_lead[b] = may_extend((unsigned char)b);
    for (unsigned b = 0; b < 0x80; b++)
        s->skip[b] = !(s->quick[b] & SB_ATTEND);
    for (unsigned b = 0x80; b < 0xC0; b++)
        s->skip[b] = true;
    for (unsigned b = 0xC2; b < 0xE0; b++) {
        uint32_t lo = (b & 0x1Fu) << 6, hi = lo + 64;
        bool all = hi <= sizeof(s->quick) && !s->extend_lead[b];
        for (uint32_t cp = lo; all && cp < hi; cp++)
            all = !(s->quick[cp] & SB_ATTEND);
        s->skip[b] = all;
    }
    s->skip16 = s->skip[0xD0] && s->skip[0xD1];
    for (unsigned b = 0; b < 0xC0; b++)
        s->skip16 = s->skip16 && s->skip[b] == !memchr(SKIP16_STOPS, (int)b, 5);
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

static bool sb_parasep(int c)
{
    return c == U_SB_SEP || c == U_SB_CR || c == U_SB_LF;
}

static bool sb_saterm(int c)
{
    return c == U_SB_ATERM || c == U_SB_STERM;
}

/* Can the code point led by byte b be an Extend or Format character of the tables?  In
 * the first range those are U+00AD, U+0300..U+036F and U+0483..U+0489 (leads C2, CC, CD,
 * D2); a two-byte code point led by anything else is not, or is not tabled at all and
 * sends the line to ICU when its own unit is read. */
static bool may_extend(unsigned char b)
{
    return b == 0xC2 || b == 0xCC || b == 0xCD || b == 0xD2 || b >= 0xE0;
}

/* Past the end of the text: a class no rule mentions. */
#define SB_END 255

/* The unit at byte i after rule SB5 (a code point with the Extend and Format characters
 * that follow it, unless it is a separator): its class, and in *next the byte after it.
 * SB_END at the end of the text; -1 for a code point that is not tabled. */
static int sb_unit(const rl_sentencer *s, const char *t, size_t len, size_t i, size_t *next)
{
    if (i >= len) {
        *next = len;
        return SB_END;
    }
    /* Most units are one ASCII character that nothing extends. */
    unsigned char b = (unsigned char)t[i];
    if (b < 0x80 && (i + 1 == len || !s->extend_lead[(unsigned char)t[i + 1]])) {
        *next = i + 1;
        return s->sb[0][b];
    }
    size_t w;
    int c = sb_of(s, replylint__utf8_decode(t, len, i, &w));
    i += w;
    if (c >= 0 && !sb_parasep(c))
        while (i < len && may_extend((unsigned char)t[i])) {
            int e = sb_of(s, replylint__utf8_decode(t, len, i, &w));
            if (e != U_SB_EXTEND && e != U_SB_FORMAT)
                break; /* an untabled one is found when it starts a unit */
            i += w;
        }
    *next = i;
    return c;
}

/*
 * UAX #29 sentence boundaries of text[0, len), as byte offsets in `out` (room for len + 1),
 * the last one len; -1 if a code point is not tabled (the caller asks ICU instead).  The
 * rules, in the standard's numbering:
 *   SB3  CR × LF                       SB4  ParaSep ÷
 *   SB5  X (Extend | Format)* → X      (sb_unit)
 *   SB6  ATerm × Numeric               SB7  (Upper | Lower) ATerm × Upper
 *   SB8  ATerm Close* Sp* × (¬(OLetter | Upper | Lower | ParaSep | SATerm))* Lower
 *   SB8a SATerm Close* Sp* × (SContinue | SATerm)
 *   SB9, SB10  SATerm Close* Sp* × (Close | Sp | ParaSep)
 *   SB11 SATerm Close* Sp* ParaSep? ÷  SB998 otherwise no break
 * One pass, looking ahead only after a terminator.
 */
static long sb_breaks(const rl_sentencer *s, const char *t, size_t len, uint32_t *out)
{
    size_t nb = 0, i = 0, next, nj;
    int prev = SB_END; /* the class of the unit before i */
    while (i < len) {
        unsigned char b0 = (unsigned char)t[i];
        if (s->skip[b0]) {
            /* A run of characters the rules pass over (s->skip): only the class of its last
             * one matters, unless Extend characters follow it: then the code below reads
             * that one again, with them. */
            size_t run = i;
            const unsigned char *u = (const unsigned char *)t;
#if defined(__SSE2__)
            if (s->skip16)
                for (unsigned n = 16; n == 16 && len - i >= 16; i += n)
                    n = skip16_stop(u + i);
#endif
            while (len - i >= 4 &&
                   (s->skip[u[i]] & s->skip[u[i + 1]] & s->skip[u[i + 2]] & s->skip[u[i + 3]]))
                i += 4;
            while (i < len && s->skip[u[i]])
                i++;
            if (i < len && s->extend_lead[(unsigned char)t[i]])
                i -= (unsigned char)t[i - 1] < 0x80 ? 1 : 2;
            if (i > run) {
                uint32_t cp = (unsigned char)t[i - 1];
                if (cp >= 0x80) /* the second byte of a two-byte character */
                    cp = ((uint32_t)((unsigned char)t[i - 2] & 0x1F) << 6) | (cp & 0x3F);
                prev = s->quick[cp];
            }
            if (i >= len)
                break;
            b0 = (unsigned char)t[i];
        }
        /* Most units are one Latin or Cyrillic letter, digit, space or comma: read it here. */
        uint32_t cp = b0 < 0x80 ? b0 : UINT32_MAX;
        size_t w = 1;
        if (b0 >= 0xC2 && b0 <= 0xDF && i + 1 < len) {
            cp = ((uint32_t)(b0 & 0x1F) << 6) | ((unsigned char)t[i + 1] & 0x3Fu);
            w = 2;
        }
        if (cp < sizeof(s->quick) && !(s->quick[cp] & SB_ATTEND) &&
            !(i + w < len && s->extend_lead[(unsigned char)t[i + w]])) {
            prev = s->quick[cp];
            i += w;
            continue;
        }
        int c = sb_unit(s, t, len, i, &next);
        if (c < 0)
            return -1;
        if (c == U_SB_CR && sb_unit(s, t, len, next, &nj) == U_SB_LF)
            next = nj;       /* SB3 */
        if (sb_parasep(c)) { /* SB4 */
            out[nb++] = (uint32_t)next;
            prev = c;
            i = next;
            continue;
        }
        if (!sb_saterm(c)) {
            prev = c;
            i = next;
            continue;
        }
        size_t j = next;
        int cj = sb_unit(s, t, len, j, &nj), last = c;
        if (cj < 0)
            return -1;
        if (c == U_SB_ATERM &&
            (cj == U_SB_NUMERIC ||                                                /* SB6 */
             (cj == U_SB_UPPER && (prev == U_SB_UPPER || prev == U_SB_LOWER)))) { /* SB7 */
            prev = c;
            i = j;
            continue;
        }
        for (int want = U_SB_CLOSE; want != SB_END; want = want == U_SB_CLOSE ? U_SB_SP : SB_END)
            while (cj == want) { /* Close*, then Sp* */
                last = cj;
                j = nj;
                if ((cj = sb_unit(s, t, len, j, &nj)) < 0)
                    return -1;
            }
        if (cj == SB_END)
            break;            /* the end of the text ends this sentence */
        if (sb_parasep(cj)) { /* SB9, SB10, then SB11 after the separator */
            size_t after;
            if (cj == U_SB_CR && sb_unit(s, t, len, nj, &after) == U_SB_LF)
                nj = after;
            out[nb++] = (uint32_t)nj;
            prev = cj;
            i = nj;
            continue;
        }
        if (c == U_SB_ATERM) { /* SB8 */
            int ck = cj;
            size_t k = j, nk = nj;
            while (ck != SB_END && ck != U_SB_OLETTER && ck != U_SB_UPPER && ck != U_SB_LOWER &&
                   !sb_parasep(ck) && !sb_saterm(ck)) {
                k = nk;
                if ((ck = sb_unit(s, t, len, k, &nk)) < 0)
                    return -1;
            }
            if (ck == U_SB_LOWER) {
                prev = last;
                i = j;
                continue;
            }
        }
        if (cj == U_SB_SCONTINUE || sb_saterm(cj)) { /* SB8a */
            prev = last;
            i = j;
            continue;
        }
        out[nb++] = (uint32_t)j; /* SB11 */
        prev = last;
        i = j;
    }
    if (nb == 0 || out[nb - 1] != len)
        out[nb++] = (uint32_t)len;
    return (long)nb;
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
    if (!icu && max > len) {
        long n = sb_breaks(s, text, len, ends);
        if (n >= 0)
            return n;
    }
    return icu_ends(s, text, len, ends, max);
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

/* Append the trimmed sentences of text[a, b) (whole lines: every line break ends a
 * sentence).  out->ends holds the boundaries of one line at a time: sized by the longest
 * line, not by the reply (a 1 MB reply of short lines needs little). */
static int sentences_in(rl_segments *out, const rl_sentencer *sz, const char *text, size_t len,
                        size_t a, size_t b)
{
    if (RL_GROW(out->ends, out->cap_ends, b - a + 1) != 0)
        return -1;
    uint32_t *ends = out->ends;
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
        if (sa < se && push(&out->sentences, &out->n_sentences, &out->cap_sentences, sa, se) != 0)
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
                     const uint32_t *words, size_t n_words, size_t long_line, size_t handles,
                     size_t sig)
{
    int rc = 0;
    size_t a = line_start(text, handles), first_end = a;
    while (rc == 0 && a < len && out->n_sentences == 0) {
        first_end = line_end(text, len, a);
        rc = sentences_in(out, sz, text, len, a, first_end);
        a = first_end;
    }
    size_t before = out->n_sentences, b = sig, last_start = sig;
    while (rc == 0 && b > first_end && out->n_sentences - before < 2) {
        size_t ls = line_start(text, b - 1);
        if (ls < first_end)
            ls = first_end;
        rc = sentences_in(out, sz, text, len, ls, b);
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
            rc = sentences_in(out, sz, text, len, ls, le);
        ls = le;
    }
    if (out->n_sentences > 1)
        replylint__sort(out->sentences, out->n_sentences, sizeof(rl_span), cmp_span);
    return rc;
}

static int paragraphs(rl_segments *out, const char *text, size_t len)
{
    size_t start = 0, i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        if (!nl)
            break;
        i = (size_t)(nl - text);
        /* A blank line (only white space) ends a paragraph. */
        size_t j = i + 1, w;
        while (j < len && text[j] != '\n' && is_space_at(text, len, j, &w))
            j += w;
        if (j < len && text[j] == '\n') {
            size_t a = start, b = i;
            trim(text, len, &a, &b);
            if (a < b &&
                push(&out->paragraphs, &out->n_paragraphs, &out->cap_paragraphs, a, b) != 0)
                return -1;
            start = j + 1;
            i = j + 1;
        } else {
            i++;
        }
    }
    size_t a = start, b = len;
    trim(text, len, &a, &b);
    if (a < b && push(&out->paragraphs, &out->n_paragraphs, &out->cap_paragraphs, a, b) != 0)
        return -1;
    return 0;
}

/* The words of s[a, b) separated by spaces, tabs and CRs, counted up to most + 1. */
static size_t count_words(const char *s, size_t a, size_t b, size_t most)
{
    size_t n = 0;
    bool in = false;
    for (size_t i = a; i < b && n <= most; i++) {
        bool sp = s[i] == ' ' || s[i] == '\t' || s[i] == '\r';
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define RL_LITTLE_ENDIAN 1 /* byte k of a text loaded into a uint64_t is its bits 8k.. */
#else
#define RL_LITTLE_ENDIAN 0
#endif

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
        /* The line's end, trimmed as trim() would, then its last character: a line that
         * ends like a sentence ends the search before its start is looked for. */
        size_t tb = b;
        while (tb > 0) {
            unsigned char ch = (unsigned char)text[tb - 1];
            if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f')
                tb--;
            else if (ch == 0xA0 && tb >= 2 && (unsigned char)text[tb - 2] == 0xC2)
                tb -= 2;
            else
                break;
        }
        if (tb == 0 || text[tb - 1] == '\n')
            break; /* only white space */
        char last = text[tb - 1];
        if (last == '.' || last == '!' || last == '?')
            break;
        /* Back to the line's start, counting its words from the end (as count_words
         * splits them): at the seventh the line is too long to sign, and the rest of it
         * (a one-line reply: all of it) need not be read.  The seventh word ends in a
         * character trim() keeps, unless that is \v, \f or a no-break space, which only
         * count_words below tells apart. */
        size_t a = tb, words = 0;
        bool too_long = false;
        /* Eight bytes at a time while they hold no line break and the words they end keep
         * the count at six or fewer (then nothing below can stop at them): the loop below
         * reads the rest, and the eight bytes where the count passes six. */
        while (RL_LITTLE_ENDIAN && a >= 8) {
            uint64_t v;
            memcpy(&v, text + a - 8, 8);
            uint64_t sp = replylint__byte_eq(v, ' ') | replylint__byte_eq(v, '\t') |
                          replylint__byte_eq(v, '\r');
            if (replylint__byte_eq(v, '\n'))
                break;
            bool top = a == tb || text[a] == ' ' || text[a] == '\t' || text[a] == '\r';
            uint64_t ends = ~sp & (sp >> 8 | (uint64_t)top << 63) & 0x8080808080808080ULL;
            size_t n = (size_t)(((ends >> 7) * 0x0101010101010101ULL) >> 56);
            if (words + n > 6)
                break;
            words += n;
            a -= 8;
        }
        while (a > 0 && text[a - 1] != '\n') {
            unsigned char ch = (unsigned char)text[a - 1];
            bool word_end = ch != ' ' && ch != '\t' && ch != '\r' &&
                            (a == tb || text[a] == ' ' || text[a] == '\t' || text[a] == '\r');
            if (word_end && ++words > 6 && ch != '\v' && ch != '\f' && ch != 0xA0 && ch != 0xC2) {
                too_long = true;
                break;
            }
            a--;
        }
        if (too_long)
            break;
        size_t ta = a;
        trim(text, len, &ta, &tb);
        if (count_words(text, ta, tb, 6) > 6)
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
                       const uint32_t *words, size_t n_words, size_t long_line)
{
    out->n_sentences = out->n_paragraphs = 0;
    out->signature = signature(text, len);
    size_t h = skip_handles(text, len);
    if (sentences(out, text, len, sz, words, n_words, long_line, h, out->signature.start) != 0 ||
        paragraphs(out, text, len) != 0)
        return -1;

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
    free(s->ends);
    memset(s, 0, sizeof(*s));
}
