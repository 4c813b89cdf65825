/*
 * tokens.c: split folded text into words.  Phrase matching, word counts, shouting and
 * name checks all walk this one token array, so it is built once per reply.
 *
 * A word is a maximal run of letters, digits and combining marks; an apostrophe or a
 * hyphen between two such characters joins them ("don't", «из-за», "e-mail"), the way
 * ICU's word-break rules treat MidLetter characters.  ASCII and Cyrillic, nearly all of
 * what replies contain, are classified inline; everything else asks ICU's character
 * properties.
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
/* How many of the 16 bytes at p go on with a word: ASCII letters and digits, and two-byte
 * Cyrillic letters whole (a lead byte D0 or D1 and the byte after it; a lead in the last
 * place is left for the next sixteen).  *flags gets ascii_class's bits of those bytes.  A
 * letter is a byte whose (b | 0x20) lies in 'a'..'z', and a digit one in '0'..'9': each
 * range test is an add that moves the range to the bottom of the signed bytes, then one
 * signed compare. */
static inline unsigned word_run16(const char *p, unsigned *flags)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8((char)(0x80 - 'a'))),
                                    _mm_set1_epi8((char)(-128 + 26)));
    __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
                                   _mm_set1_epi8((char)(-128 + 10)));
    __m128i lead =
        _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xFE)), _mm_set1_epi8((char)0xD0));
    unsigned l = (unsigned)_mm_movemask_epi8(letter), d = (unsigned)_mm_movemask_epi8(digit);
    unsigned cyr = (unsigned)_mm_movemask_epi8(lead) & 0x7FFF;
    unsigned run = replylint__lowest_bit(~(l | d | cyr | cyr << 1)); /* at most 16 */
    unsigned in = (1u << run) - 1;
    *flags |= (l & in ? RL_SCRIPT_LATIN : 0) | (d & in ? ASCII_DIGIT : 0) |
              (cyr & in ? RL_SCRIPT_CYRILLIC : 0);
    return run;
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
#if !defined(BLOCK)
    (void)blocks;
#endif
    size_t i = 0;
    while (i < len) {
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
        if (RL_GROW(toks, cap, count + 1) != 0) { /* never: see above */
            free(toks);
            *out = NULL;
            *cap_out = 0;
            return -1;
        }
        toks[count++] = (rl_token){(uint32_t)start, (uint32_t)i, (uint8_t)(flags & ~ASCII_DIGIT),
                                   (flags & ASCII_DIGIT) != 0, (uint8_t)joined};
    }
    *out = toks;
    *cap_out = cap;
    *n = count;
    return 0;
}
