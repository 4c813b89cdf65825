/*
 * utf8.c: UTF-8 validation, decoding and offset conversion.
 *
 * Replies are mostly ASCII or two-byte Cyrillic, so the validator skips ASCII sixteen bytes
 * at a time and the rest is a straight Table 3-7 (Unicode ch. 3) check per sequence.
 */
#include "utf8.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define RL_HIBITS 0x8080808080808080ULL

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Length of the well-formed sequence at s[i], or 0 if it is ill-formed or truncated.  The
 * second byte's range excludes overlongs (E0, F0), surrogates (ED) and values above
 * U+10FFFF (F4) without decoding. */
static size_t seq_len(const unsigned char *s, size_t len, size_t i)
{
    unsigned c = s[i];
    size_t avail = len - i;
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        return (avail >= 2 && is_cont(s[i + 1])) ? 2 : 0;
    if (c < 0xF0) {
        unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
        unsigned hi = c == 0xED ? 0x9F : 0xBF;
        if (avail < 3 || s[i + 1] < lo || s[i + 1] > hi || !is_cont(s[i + 2]))
            return 0;
        return 3;
    }
    if (c < 0xF5) {
        unsigned lo = c == 0xF0 ? 0x90 : 0x80;
        unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
        if (avail < 4 || s[i + 1] < lo || s[i + 1] > hi || !is_cont(s[i + 2]) || !is_cont(s[i + 3]))
            return 0;
        return 4;
    }
    return 0;
}

size_t replylint__utf8_seq_len(const char *s, size_t len, size_t i)
{
    return seq_len((const unsigned char *)s, len, i);
}

size_t replylint__utf8_check(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            while (len - i >= 16) {
                uint64_t a, b;
                memcpy(&a, s + i, 8);
                memcpy(&b, s + i + 8, 8);
                if ((a | b) & RL_HIBITS)
                    break;
                i += 16;
            }
            while (i < len && s[i] < 0x80)
                i++;
            continue;
        }
        if (s[i] >= 0xC2 && s[i] <= 0xDF && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
            i += 2; /* two bytes (Cyrillic, Latin-1), nearly all of what is not ASCII */
            continue;
        }
        size_t w = seq_len(s, len, i);
        if (w == 0)
            return i;
        i += w;
    }
    return len;
}

uint32_t replylint__utf8_decode_any(const char *str, size_t len, size_t i, size_t *n)
{
    const unsigned char *s = (const unsigned char *)str;
    if (i >= len) {
        *n = 1;
        return 0xFFFD;
    }
    uint32_t c = s[i];
    if (c < 0x80) {
        *n = 1;
        return c;
    }
    size_t w = seq_len(s, len, i);
    *n = w ? w : 1;
    switch (w) {
    case 2:
        return ((c & 0x1F) << 6) | (s[i + 1] & 0x3Fu);
    case 3:
        return ((c & 0x0F) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
    case 4:
        return ((c & 0x07) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
               (s[i + 3] & 0x3Fu);
    default:
        return 0xFFFD;
    }
}

size_t replylint__utf8_encode(uint32_t cp, char *buf)
{
    unsigned char *b = (unsigned char *)buf;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (unsigned char)(0xF0 | (cp >> 18));
    b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

typedef struct rl_pos_ix {
    size_t off, idx;
} rl_pos_ix;

static int cmp_pos(const void *a, const void *b)
{
    const rl_pos_ix *x = a, *y = b;
    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

#define ONES         0x0101010101010101ULL
#define HIGH_BITS    0x8080808080808080ULL
#define HIGH_NIBBLES 0xF0F0F0F0F0F0F0F0ULL

/* Does any of the eight bytes of v equal b? */
static bool has_byte(uint64_t v, unsigned char b)
{
    return replylint__byte_eq(v, b) != 0;
}

#if defined(__SSE2__) && defined(__GNUC__)
#define POSITIONS16
#include <emmintrin.h>

/* Set bits of a 16-bit mask (POPCNT is past the x86-64 baseline). */
static inline unsigned bits16(unsigned x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}

/* Count s[0, k) (k <= 16, sixteen bytes readable at s) into the
 * running code points, UTF-16 units, line and column, as the byte loop below does; false,
 * with nothing counted, where a CR ends the block (its line break depends on the byte
 * after the block). */
static inline bool positions16(const unsigned char *s, unsigned k, size_t *cps, size_t *u16,
                               uint32_t *ln, uint32_t *cl)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    unsigned in = (1u << k) - 1;
    unsigned cont = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xC0)), _mm_set1_epi8((char)0x80)));
    unsigned four = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xF0)), _mm_set1_epi8((char)0xF0)));
    unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
    unsigned cr = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))) & in;
    if (cr & 0x8000)
        return false;
    /* A CR is a line break unless a LF follows it (then the LF is). */
    unsigned breaks = (nl | (cr & ~(nl >> 1))) & in;
    unsigned lead = ~cont & in, chars = bits16(lead);
    *cps += chars;
    *u16 += chars + bits16(four & in);
    if (breaks) {
        unsigned last = 31 - (unsigned)__builtin_clz(breaks);
        *ln += bits16(breaks);
        *cl = 1 + bits16(lead & ~((2u << last) - 1));
    } else {
        *cl += chars;
    }
    return true;
}
#endif

/* Are s[0, n) ASCII characters without a line break? */
static bool plain_ascii(const unsigned char *s, size_t n)
{
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        if ((v & HIGH_BITS) || has_byte(v, '\n') || has_byte(v, '\r'))
            return false;
    }
    for (; i < n; i++)
        if (s[i] >= 0x80 || s[i] == '\n' || s[i] == '\r')
            return false;
    return true;
}

int replylint__utf8_positions(const char *str, size_t len, const size_t *byte_off, size_t n,
                              size_t *cp_off, size_t *u16_off, uint32_t *line, uint32_t *col)
{
    const unsigned char *s = (const unsigned char *)str;
    rl_pos_ix *ix = NULL, on_stack[32];
    if (n == 0)
        return 0;
    /* Before the last offset, ASCII without a line break (five short English replies in
     * six): each offset is its own code point and UTF-16 offset, on the first line. */
    size_t last = 0;
    for (size_t k = 0; k < n; k++)
        last = byte_off[k] > last ? byte_off[k] : last;
    if (plain_ascii(s, last < len ? last : len)) {
        for (size_t k = 0; k < n; k++) {
            size_t at = byte_off[k] < len ? byte_off[k] : len;
            if (cp_off)
                cp_off[k] = at;
            if (u16_off)
                u16_off[k] = at;
            if (line)
                line[k] = 1;
            if (col)
                col[k] = (uint32_t)at + 1;
        }
        return 0;
    }
    /* Callers usually pass offsets in text order; then the sort is skipped.  A report's
     * (starts and ends of findings that may overlap) often is not: a few are sorted on
     * the stack. */
    for (size_t k = 1; k < n; k++) {
        if (byte_off[k] < byte_off[k - 1]) {
            if (n > SIZE_MAX / sizeof *ix)
                return -1;
            ix = n <= sizeof(on_stack) / sizeof(on_stack[0]) ? on_stack : malloc(n * sizeof *ix);
            if (!ix)
                return -1;
            for (size_t j = 0; j < n; j++) {
                ix[j].off = byte_off[j];
                ix[j].idx = j;
            }
            replylint__sort(ix, n, sizeof *ix, cmp_pos);
            break;
        }
    }

    size_t p = 0, cps = 0, u16 = 0;
    uint32_t ln = 1, cl = 1;
    for (size_t k = 0; k < n; k++) {
        size_t idx = ix ? ix[k].idx : k;
        size_t target = byte_off[idx] < len ? byte_off[idx] : len;
        while (p < target) {
#if defined(POSITIONS16)
            /* Whole blocks of sixteen without a line break or a four-byte sequence, the most
             * of a reply: only their continuation bytes need counting, summed in a vector
             * and read once for the run. */
            size_t run = 0;
            __m128i sum = _mm_setzero_si128();
            while (target - p - run >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + p + run));
                __m128i odd =
                    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                              _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
                                 _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xF0)),
                                                _mm_set1_epi8((char)0xF0)));
                if (_mm_movemask_epi8(odd))
                    break;
                __m128i cont = _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xC0)),
                                              _mm_set1_epi8((char)0x80));
                sum = _mm_add_epi64(
                    sum, _mm_sad_epu8(_mm_and_si128(cont, _mm_set1_epi8(1)), _mm_setzero_si128()));
                run += 16;
            }
            if (run) {
                uint64_t half[2];
                _mm_storeu_si128((__m128i *)(void *)half, sum);
                size_t chars = run - (size_t)(half[0] + half[1]);
                p += run;
                cps += chars;
                u16 += chars;
                cl += chars;
                continue;
            }
            /* Sixteen bytes at a time, line breaks and all, where sixteen can be read. */
            if (len - p >= 16) {
                unsigned part = target - p < 16 ? (unsigned)(target - p) : 16;
                if (positions16(s + p, part, &cps, &u16, &ln, &cl)) {
                    p += part;
                    continue;
                }
            }
#endif
            /* Eight bytes without a line break or a four-byte sequence: as many code points,
             * UTF-16 units and columns as bytes that are no continuation byte. */
            if (target - p >= 8) {
                uint64_t v;
                memcpy(&v, s + p, 8);
                if (!has_byte(v, '\n') && !has_byte(v, '\r') && !has_byte(v & HIGH_NIBBLES, 0xF0)) {
                    /* 1 per continuation byte (10xxxxxx), summed by a multiply. */
                    uint64_t cont = (v & ~(v << 1) & HIGH_BITS) >> 7;
                    unsigned chars = 8 - (unsigned)((cont * ONES) >> 56);
                    p += 8;
                    cps += chars;
                    u16 += chars;
                    cl += chars;
                    continue;
                }
            }
            unsigned c = s[p];
            if ((c & 0xC0) == 0x80) { /* the rest of a sequence counted by its lead */
                p++;
                continue;
            }
            if (c < 0x80) {
                p++;
                cps++;
                u16++;
                /* The \r of a \r\n is an ordinary character; the \n ends the line. */
                if (c == '\n' || (c == '\r' && (p >= len || s[p] != '\n'))) {
                    ln++;
                    cl = 1;
                } else {
                    cl++;
                }
                continue;
            }
            size_t w = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (w > len - p)
                w = len - p;
            p += w;
            cps++;
            u16 += w == 4 ? 2 : 1;
            cl++;
        }
        if (cp_off)
            cp_off[idx] = cps;
        if (u16_off)
            u16_off[idx] = u16;
        if (line)
            line[idx] = ln;
        if (col)
            col[idx] = cl;
    }
    if (ix != on_stack)
        free(ix);
    return 0;
}
