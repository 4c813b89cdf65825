/*
 * tokens.c: split folded text into words.  Phrase matching, word counts, shouting and
 * name checks all walk this one token array, so it is built once per reply.
 *
 * A word is a maximal run of letters, digits and combining marks; an apostrophe or a
 * hyphen between two such characters joins them ("don't", «из-за», "e-mail"), the way
 * ICU's word-break rules treat MidLetter characters.  ASCII and Cyrillic, nearly all of
 * what replies contain, are classified inline (64 bytes at a time into bit masks, where
 * SSE2 is there: chunk_words); everything else asks ICU's character properties, a
 * character at a time (scalar_words), which is also the reference the tests hold the
 * masks to.
 */
#include "internal.h"
#include "utf8.h"

#include <stdlib.h>
#include <unicode/uchar.h>

bool replylint__is_word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (cp >= 0x400 && cp <= 0x4FF)
        return cp < 0x482 || cp > 0x489; /* letters, not the few signs in that block */
    return u_isalnum((UChar32)cp) || replylint__is_mark_cp(cp);
}

bool replylint__is_mark_cp(uint32_t cp)
{
    if (cp < 0x300 || (cp >= 0x400 && cp <= 0x4FF))
        return false; /* the Cyrillic block's marks are no word characters (above) */
    int8_t t = u_charType((UChar32)cp);
    return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK;
}

static uint8_t script_of(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') ? 0 : RL_SCRIPT_LATIN;
    if (cp >= 0x400 && cp <= 0x52F)
        return RL_SCRIPT_CYRILLIC;
    if (cp < 0x250)
        return u_isalpha((UChar32)cp) ? RL_SCRIPT_LATIN : 0;
    return u_isalpha((UChar32)cp) ? RL_SCRIPT_OTHER : 0;
}

/* Per byte: RL_SCRIPT_LATIN for an ASCII letter, ASCII_DIGIT for an ASCII digit, 0 for
 * anything else. */
#define ASCII_DIGIT 0x80
#define L           RL_SCRIPT_LATIN
#define D           ASCII_DIGIT
static const uint8_t ascii_class[256] = {
    ['0'] = D, ['1'] = D, ['2'] = D, ['3'] = D, ['4'] = D, ['5'] = D, ['6'] = D, ['7'] = D,
    ['8'] = D, ['9'] = D, ['A'] = L, ['B'] = L, ['C'] = L, ['D'] = L, ['E'] = L, ['F'] = L,
    ['G'] = L, ['H'] = L, ['I'] = L, ['J'] = L, ['K'] = L, ['L'] = L, ['M'] = L, ['N'] = L,
    ['O'] = L, ['P'] = L, ['Q'] = L, ['R'] = L, ['S'] = L, ['T'] = L, ['U'] = L, ['V'] = L,
    ['W'] = L, ['X'] = L, ['Y'] = L, ['Z'] = L, ['a'] = L, ['b'] = L, ['c'] = L, ['d'] = L,
    ['e'] = L, ['f'] = L, ['g'] = L, ['h'] = L, ['i'] = L, ['j'] = L, ['k'] = L, ['l'] = L,
    ['m'] = L, ['n'] = L, ['o'] = L, ['p'] = L, ['q'] = L, ['r'] = L, ['s'] = L, ['t'] = L,
    ['u'] = L, ['v'] = L, ['w'] = L, ['x'] = L, ['y'] = L, ['z'] = L,
};
#undef L
#undef D

int replylint__tokenize(const char *s, size_t len, rl_token **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    return replylint__tokenize_reuse(s, len, out, &cap, n);
}

#if defined(__SSE2__)
#include <emmintrin.h>
#define BLOCK 16
/* Which of the sixteen bytes v are ASCII letters, ASCII digits and Cyrillic leads (D0, D1),
 * one bit per byte.  A letter is a byte whose (b | 0x20) lies in 'a'..'z', and a digit one
 * in '0'..'9': each range test is an add that moves the range to the bottom of the signed
 * bytes, then one signed compare. */
static inline void word_bytes16(__m128i v, unsigned *letter, unsigned *digit, unsigned *lead)
{
    __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    *letter = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(
        _mm_add_epi8(lower, _mm_set1_epi8((char)(0x80 - 'a'))), _mm_set1_epi8((char)(-128 + 26))));
    *digit = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(
        _mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))), _mm_set1_epi8((char)(-128 + 10))));
    *lead = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xFE)), _mm_set1_epi8((char)0xD0)));
}

/* How many of the 16 bytes at p go on with a word: ASCII letters and digits, and two-byte
 * Cyrillic letters whole (a lead byte D0 or D1 and the byte after it; a lead in the last
 * place is left for the next sixteen).  *flags gets ascii_class's bits of those bytes. */
static inline unsigned word_run16(const char *p, unsigned *flags)
{
    unsigned l, d, cyr;
    word_bytes16(_mm_loadu_si128((const __m128i *)(const void *)p), &l, &d, &cyr);
    cyr &= 0x7FFF;
    unsigned run = replylint__lowest_bit(~(l | d | cyr | cyr << 1)); /* at most 16 */
    unsigned in = (1u << run) - 1;
    *flags |= (l & in ? RL_SCRIPT_LATIN : 0) | (d & in ? ASCII_DIGIT : 0) |
              (cyr & in ? RL_SCRIPT_CYRILLIC : 0);
    return run;
}
#endif

/* Words from s[i] on, a character at a time (with word_run16's sixteen-byte runs where
 * `blocks`), until a word ends at or past `stop` or the text does; returns where it
 * stopped, never inside a word.  toks has room for every word. */
static size_t scalar_words(const char *s, size_t len, size_t i, size_t stop, rl_token *toks,
                           size_t *count, bool blocks)
{
#if !defined(BLOCK)
    (void)blocks;
#endif
    while (i < len && i < stop) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80 && !ascii_class[b]) { /* most of what lies between words */
            i++;
            continue;
        }
        size_t w0;
        uint32_t cp = replylint__utf8_decode(s, len, i, &w0);
        if (!replylint__is_word_cp(cp)) {
            i += w0;
            continue;
        }
        size_t w = w0;
        /* The token's fields live in registers while it grows: the scripts and a digit flag
         * in one (ascii_class's bits), whether it is joined in another. */
        size_t start = i;
        unsigned flags = 0, joined = 0;
        for (;;) {
            /* cp, w: a word character at i. */
            if (cp < 0x80) {
                flags |= ascii_class[cp];
            } else if (cp >= 0x400 && cp < 0x480) {
                flags |= RL_SCRIPT_CYRILLIC;
            } else {
                flags |= script_of(cp);
                if (replylint__past_latin_cyrillic(cp))
                    joined = 1; /* a mark, or a letter PCRE2 may not know: see lint.c, is_break */
            }
            i += w;
            /* ASCII and two-byte Cyrillic letters (U+0400..U+047F, lead byte D0 or D1) are
             * nearly all a reply holds: classified by their bytes. */
            while (i < len) {
#if defined(BLOCK)
                /* Sixteen bytes at a time where there are sixteen: a byte at a time, where
                 * each word ends was a branch guessed wrong. */
                if (blocks && len - i >= BLOCK) {
                    unsigned run = word_run16(s + i, &flags);
                    i += run;
                    if (run == BLOCK)
                        continue;
                }
#endif
                unsigned char c0 = (unsigned char)s[i];
                unsigned k = ascii_class[c0];
                if (k) {
                    flags |= k;
                    i++;
                } else if ((c0 == 0xD0 || c0 == 0xD1) && i + 1 < len) {
                    flags |= RL_SCRIPT_CYRILLIC;
                    i += 2;
                } else {
                    break;
                }
            }
            if (i >= len)
                break;
            size_t wd; /* w itself stays in a register */
            cp = replylint__utf8_decode(s, len, i, &wd);
            w = wd;
            if (replylint__is_word_cp(cp))
                continue;
            /* A joiner counts only when a word character follows it. */
            if ((cp == '\'' || cp == '-') && i + 1 < len) {
                uint32_t next = replylint__utf8_decode(s, len, i + 1, &wd);
                if (replylint__is_word_cp(next)) {
                    joined = 1;
                    i += 1;
                    cp = next;
                    w = wd;
                    continue;
                }
            }
            break;
        }
        toks[(*count)++] = (rl_token){(uint32_t)start, (uint32_t)i, (uint8_t)(flags & ~ASCII_DIGIT),
                                      (flags & ASCII_DIGIT) != 0, (uint8_t)joined};
    }
    return i;
}

#if defined(BLOCK) && defined(__GNUC__)
#define CHUNKS
/*
 * Sixteen bytes at a time read a word's bytes fast, but each word still waited on the load
 * that found where the word before it ended.  Here 64 bytes at a time are classified into
 * bit masks (bit k for byte k), and the words are read off the masks: a word starts where
 * a word byte follows a byte that is none, and finding one start does not wait on the
 * last.  The masks know ASCII, two-byte Cyrillic letters (U+0400..U+047F), joiners between
 * those, and the common punctuation «» · – — “ ”; from the first byte of anything else
 * (another script, a mark, an emoji, a joiner next to one) scalar_words reads on, to the
 * chunk's end at least.
 */

/* Bit k of the mask for byte k of a 64-byte chunk. */
static inline uint64_t bits_of(__m128i m, unsigned block)
{
    return (uint64_t)(unsigned)_mm_movemask_epi8(m) << (16 * block);
}

typedef struct chunk_masks {
    uint64_t letter, digit, lead, cont, high, joiner;
} chunk_masks;

static inline void classify_chunk(const unsigned char *p, chunk_masks *m)
{
    memset(m, 0, sizeof(*m));
    for (unsigned b = 0; b < 4; b++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * b));
        unsigned letter, digit, lead;
        word_bytes16(v, &letter, &digit, &lead);
        m->letter |= (uint64_t)letter << (16 * b);
        m->digit |= (uint64_t)digit << (16 * b);
        m->lead |= (uint64_t)lead << (16 * b);
        m->cont |= bits_of(
            _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xC0)), _mm_set1_epi8((char)0x80)),
            b);
        m->high |= bits_of(v, b);
        m->joiner |= bits_of(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))),
                             b);
    }
}

/* The bytes of «» · (C2 AB, C2 BB, C2 B7) and – — “ ” (E2 80 93, 94, 9C, 9D) in the chunk:
 * no word characters.  Asked only of a chunk with other non-ASCII bytes than Cyrillic. */
static inline uint64_t punct_chunk(const unsigned char *p)
{
    uint64_t c2 = 0, e2 = 0, x80 = 0, second = 0, third = 0;
    for (unsigned b = 0; b < 4; b++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * b));
#define EQ(x) _mm_cmpeq_epi8(v, _mm_set1_epi8((char)(x)))
        c2 |= bits_of(EQ(0xC2), b);
        e2 |= bits_of(EQ(0xE2), b);
        x80 |= bits_of(EQ(0x80), b);
        second |= bits_of(_mm_or_si128(_mm_or_si128(EQ(0xAB), EQ(0xBB)), EQ(0xB7)), b);
        third |= bits_of(
            _mm_or_si128(_mm_or_si128(EQ(0x93), EQ(0x94)), _mm_or_si128(EQ(0x9C), EQ(0x9D))), b);
#undef EQ
    }
    uint64_t two = (c2 << 1) & second, three = (e2 << 2) & (x80 << 1) & third;
    return two | two >> 1 | three | three >> 1 | three >> 2;
}

/* Bits [0, k), k <= 64, and bits [k, 64), k < 64, without the branch of a shift by 64. */
static inline uint64_t below(unsigned k)
{
    return k ? ((uint64_t)2 << (k - 1)) - 1 : 0;
}

static inline uint64_t from(unsigned k)
{
    return ~(uint64_t)0 << k;
}

/* A word's flags from the chunk's masks, over the bytes `in`. */
static inline unsigned flags_in(uint64_t in, uint64_t letter, uint64_t cyr, uint64_t digit)
{
    return ((letter & in) ? RL_SCRIPT_LATIN : 0) | ((cyr & in) ? RL_SCRIPT_CYRILLIC : 0) |
           ((digit & in) ? ASCII_DIGIT : 0);
}

static inline rl_token make_token(size_t start, size_t end, unsigned flags, unsigned joined)
{
    return (rl_token){(uint32_t)start, (uint32_t)end, (uint8_t)(flags & ~ASCII_DIGIT),
                      (flags & ASCII_DIGIT) != 0, (uint8_t)joined};
}

static void chunk_words(const char *s, size_t len, rl_token *toks, size_t *count)
{
    /* Carried over from the chunk before: whether its last byte was a word byte (word), a
     * word's byte or joiner (inside), a Cyrillic lead (cyr); the open word (inside). */
    uint64_t word = 0, inside = 0, cyr = 0;
    size_t open = 0;
    unsigned open_flags = 0, open_joined = 0;
    unsigned char pad[64];
    size_t p = 0;
    while (p < len) {
        /* The chunk's bit k is byte q + k; bits below `done` were read with the chunk
         * before.  The tail of a text of 64 bytes or more is the last 64 bytes (no copy);
         * a shorter text is copied before zero bytes, which no word holds. */
        size_t q = p, n = 64;
        unsigned done = 0;
        const unsigned char *at = (const unsigned char *)s + p;
        if (len - p < 64) {
            if (len >= 64) {
                q = len - 64;
                done = (unsigned)(p - q);
                at = (const unsigned char *)s + q;
            } else {
                n = len;
                memset(pad, 0, sizeof(pad));
                memcpy(pad, at, n);
                at = pad;
            }
        }
        chunk_masks m;
        classify_chunk(at, &m);
        uint64_t real = below((unsigned)n), valid = real & from(done);
        /* A Cyrillic letter: D0 or D1, then a continuation byte (maybe the next chunk's). */
        uint64_t next_cont = q + 64 < len && ((unsigned char)s[q + 64] & 0xC0) == 0x80;
        uint64_t lead = m.lead & (m.cont >> 1 | next_cont << 63) & real;
        uint64_t cyr_bytes = lead | lead << 1 | (done ? 0 : cyr);
        uint64_t other = m.high & ~cyr_bytes & valid;
        if (other)
            other &= ~punct_chunk(at);
        uint64_t w = (m.letter | m.digit | cyr_bytes) & real;
        uint64_t j = m.joiner & valid;
        uint64_t joins = j & (w << 1 | (done ? 0 : word)) & w >> 1;
        /* Where the masks stop knowing: another character, a joiner next to one, a joiner
         * in the last place with more text after it (in the next chunk). */
        uint64_t hard =
            other | (j & (other << 1 | other >> 1)) | (q + 64 < len ? j & (uint64_t)1 << 63 : 0);
        unsigned cut = hard ? (unsigned)__builtin_ctzll(hard) : 64;
        /* Whether the byte before each is inside a word: at `done`, as the chunk before (or
         * scalar_words, which leaves no word open) left it. */
        uint64_t ww = w | joins, before = (ww << 1 & ~((uint64_t)1 << done)) | inside << done;
        uint64_t keep = valid & below(cut);
        uint64_t starts = ww & ~before & keep, ends = ~ww & before & keep;
        if (inside) {
            if (ends) { /* the open word ends in this chunk */
                unsigned e = (unsigned)__builtin_ctzll(ends);
                ends &= ends - 1;
                uint64_t in = below(e) & valid;
                toks[(*count)++] =
                    make_token(open, q + e, open_flags | flags_in(in, m.letter, cyr_bytes, m.digit),
                               open_joined | ((joins & in) != 0));
                inside = 0;
            } else {
                open_flags |= flags_in(keep, m.letter, cyr_bytes, m.digit);
                open_joined |= (joins & keep) != 0;
            }
        }
        while (starts) {
            unsigned a = (unsigned)__builtin_ctzll(starts);
            starts &= starts - 1;
            unsigned e = ends ? (unsigned)__builtin_ctzll(ends) : cut;
            ends &= ends - 1;
            uint64_t in = below(e) & from(a);
            unsigned f = flags_in(in, m.letter, cyr_bytes, m.digit), jn = (joins & in) != 0;
            if (e < cut) {
                toks[(*count)++] = make_token(q + a, q + e, f, jn);
            } else { /* open at the cut or the chunk's end */
                inside = 1;
                open = q + a;
                open_flags = f;
                open_joined = jn;
            }
        }
        if (hard) {
            /* From the cut on (from the open word's start, if one is open there), a
             * character at a time, to a word's end at or past this chunk's end. */
            p = scalar_words(s, len, inside ? open : q + cut, q + n, toks, count, true);
            word = inside = cyr = 0;
            continue;
        }
        word = w >> 63;
        cyr = lead >> 63;
        p = q + n;
    }
    if (inside) /* a word up to the text's end, which fell on a chunk's end */
        toks[(*count)++] = make_token(open, len, open_flags, open_joined);
}
#endif

int replylint__tokenize_reuse(const char *s, size_t len, rl_token **out, size_t *cap_out, size_t *n)
{
    return replylint__tokenize_with(s, len, out, cap_out, n, true);
}

int replylint__tokenize_with(const char *s, size_t len, rl_token **out, size_t *cap_out, size_t *n,
                             bool blocks)
{
    /* At most one word per two bytes (a word and what ends it): allocated once, so a long
     * reply does not grow the array through a chain of copies; the pages past the last
     * word are never touched. */
    size_t cap = len / 2 + 1, count = 0;
    rl_token *toks = *out;
    *n = 0;
    if (*cap_out >= cap) {
        cap = *cap_out;
    } else {
        free(toks);
        *out = NULL;
        *cap_out = 0;
        if (!(toks = malloc(cap * sizeof(*toks))))
            return -1;
    }
#if defined(CHUNKS)
    if (blocks)
        chunk_words(s, len, toks, &count);
    else
#endif
        scalar_words(s, len, 0, len, toks, &count, blocks);
    *out = toks;
    *cap_out = cap;
    *n = count;
    return 0;
}

/* ---- runs of capitals ----------------------------------------------------------------- */

/* Can byte b lie inside a word in capitals?  An ASCII capital, an apostrophe or a hyphen,
 * or any byte past ASCII (a Cyrillic or accented capital, a mark, a character folding
 * drops). */
static bool caps_byte(unsigned char b)
{
    return (unsigned)b - 'A' < 26u || b == '\'' || b == '-' || b >= 0x80;
}

#if defined(CHUNKS)
/* caps_byte of the 64 bytes at p, one bit each. */
static inline uint64_t caps_chunk(const unsigned char *p)
{
    uint64_t caps = 0;
    for (unsigned b = 0; b < 4; b++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * b));
        __m128i up = _mm_sub_epi8(v, _mm_set1_epi8('A'));
        up = _mm_cmpeq_epi8(_mm_min_epu8(up, _mm_set1_epi8(25)), up); /* 'A'..'Z' */
        __m128i joiner = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
        caps |= bits_of(_mm_or_si128(up, joiner), b) | bits_of(v, b); /* and past ASCII */
    }
    return caps;
}

/* Does chunk mask x hold a run of min ones (min <= 64), or end one that began *carry bits
 * before it?  *carry becomes the ones x ends with, joined to those before it. */
static inline bool run_in(uint64_t x, size_t min, size_t *carry)
{
    size_t first = ~x ? (size_t)__builtin_ctzll(~x) : 64;
    if (*carry + first >= min)
        return true;
    uint64_t y = x;
    for (size_t k = 1; k < min && y; k++)
        y &= x >> k;
    if (y)
        return true;
    *carry = ~x ? (size_t)__builtin_clzll(~x) : *carry + 64;
    return false;
}
#endif

bool replylint__caps_run_with(const char *text, size_t len, size_t min, bool blocks)
{
    const unsigned char *s = (const unsigned char *)text;
    if (min == 0)
        return true;
#if defined(CHUNKS)
    if (blocks && min <= 64) {
        size_t i = 0, carry = 0;
        for (; len - i > 64; i += 64)
            if (run_in(caps_chunk(s + i), min, &carry))
                return true;
        size_t rest = len - i; /* 0..64 */
        if (len >= 64)         /* the last 64 bytes; those read already shift out */
            return run_in(caps_chunk(s + len - 64) >> (64 - rest), min, &carry);
        unsigned char tail[64] = {0}; /* zeros: not capitals */
        if (len)
            memcpy(tail, s, len);
        return run_in(caps_chunk(tail), min, &carry);
    }
#endif
    (void)blocks;
    for (size_t i = 0, run = 0; i < len; i++)
        if ((run = caps_byte(s[i]) ? run + 1 : 0) >= min)
            return true;
    return false;
}

bool replylint__caps_run(const char *text, size_t len, size_t min)
{
    return replylint__caps_run_with(text, len, min, true);
}
