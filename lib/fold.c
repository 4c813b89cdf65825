/*
 * fold.c: NFKC + case folding with a byte map back to the original text.
 *
 * This runs on every reply, so ASCII and the basic Cyrillic block (U+0400-U+047F) fold
 * through two tables, one byte or one pair at a time.  Everything else, and any character
 * that a combining mark follows, goes through utf8proc one "run" at a time: a starter and
 * the marks after it, the smallest unit that NFKC can compose.  Runs are normalized in stack
 * buffers, so folding never allocates per character, and are cut after
 * REPLYLINT__FOLD_MAX_RUN code points, so a reply of nothing but marks still folds in
 * linear time.
 *
 * The fold-specific mappings (white space, removals, apostrophes, hyphens, «ё») are applied
 * to utf8proc's output as well, because NFKC itself produces some of them (U+00A0 -> space,
 * U+2011 -> U+2010, U+FF07 -> ').  Removed characters are also skipped between a starter and
 * its marks, so that folding text equals folding the text with them deleted first.
 */
#include "fold.h"
#include "utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define RL_BUF_MAX (REPLYLINT__FOLD_MAX_RUN * REPLYLINT__FOLD_MAX_EXPANSION)

#define RL_KEEP  0
#define RL_SPACE 1
#define RL_DROP  2

/* ASCII folded: upper case to lower, \t \n \v \f \r to a space (merged into one later). */
static const unsigned char rl_ascii[128] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
    0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
};

/* U+0400-U+047F folded, as UTF-8.  Every entry is one two-byte code point: the lower case
 * letter, with «ё» (U+0401, U+0451) as «е».  None of these code points is changed by NFKC
 * (the precomposed ones recompose), which a test checks against utf8proc. */
static const unsigned char rl_cyr[128][2] = {
    {0xd1, 0x90}, {0xd0, 0xb5}, {0xd1, 0x92}, {0xd1, 0x93}, /* U+0400 */
    {0xd1, 0x94}, {0xd1, 0x95}, {0xd1, 0x96}, {0xd1, 0x97}, /* U+0404 */
    {0xd1, 0x98}, {0xd1, 0x99}, {0xd1, 0x9a}, {0xd1, 0x9b}, /* U+0408 */
    {0xd1, 0x9c}, {0xd1, 0x9d}, {0xd1, 0x9e}, {0xd1, 0x9f}, /* U+040C */
    {0xd0, 0xb0}, {0xd0, 0xb1}, {0xd0, 0xb2}, {0xd0, 0xb3}, /* U+0410 */
    {0xd0, 0xb4}, {0xd0, 0xb5}, {0xd0, 0xb6}, {0xd0, 0xb7}, /* U+0414 */
    {0xd0, 0xb8}, {0xd0, 0xb9}, {0xd0, 0xba}, {0xd0, 0xbb}, /* U+0418 */
    {0xd0, 0xbc}, {0xd0, 0xbd}, {0xd0, 0xbe}, {0xd0, 0xbf}, /* U+041C */
    {0xd1, 0x80}, {0xd1, 0x81}, {0xd1, 0x82}, {0xd1, 0x83}, /* U+0420 */
    {0xd1, 0x84}, {0xd1, 0x85}, {0xd1, 0x86}, {0xd1, 0x87}, /* U+0424 */
    {0xd1, 0x88}, {0xd1, 0x89}, {0xd1, 0x8a}, {0xd1, 0x8b}, /* U+0428 */
    {0xd1, 0x8c}, {0xd1, 0x8d}, {0xd1, 0x8e}, {0xd1, 0x8f}, /* U+042C */
    {0xd0, 0xb0}, {0xd0, 0xb1}, {0xd0, 0xb2}, {0xd0, 0xb3}, /* U+0430 */
    {0xd0, 0xb4}, {0xd0, 0xb5}, {0xd0, 0xb6}, {0xd0, 0xb7}, /* U+0434 */
    {0xd0, 0xb8}, {0xd0, 0xb9}, {0xd0, 0xba}, {0xd0, 0xbb}, /* U+0438 */
    {0xd0, 0xbc}, {0xd0, 0xbd}, {0xd0, 0xbe}, {0xd0, 0xbf}, /* U+043C */
    {0xd1, 0x80}, {0xd1, 0x81}, {0xd1, 0x82}, {0xd1, 0x83}, /* U+0440 */
    {0xd1, 0x84}, {0xd1, 0x85}, {0xd1, 0x86}, {0xd1, 0x87}, /* U+0444 */
    {0xd1, 0x88}, {0xd1, 0x89}, {0xd1, 0x8a}, {0xd1, 0x8b}, /* U+0448 */
    {0xd1, 0x8c}, {0xd1, 0x8d}, {0xd1, 0x8e}, {0xd1, 0x8f}, /* U+044C */
    {0xd1, 0x90}, {0xd0, 0xb5}, {0xd1, 0x92}, {0xd1, 0x93}, /* U+0450 */
    {0xd1, 0x94}, {0xd1, 0x95}, {0xd1, 0x96}, {0xd1, 0x97}, /* U+0454 */
    {0xd1, 0x98}, {0xd1, 0x99}, {0xd1, 0x9a}, {0xd1, 0x9b}, /* U+0458 */
    {0xd1, 0x9c}, {0xd1, 0x9d}, {0xd1, 0x9e}, {0xd1, 0x9f}, /* U+045C */
    {0xd1, 0xa1}, {0xd1, 0xa1}, {0xd1, 0xa3}, {0xd1, 0xa3}, /* U+0460 */
    {0xd1, 0xa5}, {0xd1, 0xa5}, {0xd1, 0xa7}, {0xd1, 0xa7}, /* U+0464 */
    {0xd1, 0xa9}, {0xd1, 0xa9}, {0xd1, 0xab}, {0xd1, 0xab}, /* U+0468 */
    {0xd1, 0xad}, {0xd1, 0xad}, {0xd1, 0xaf}, {0xd1, 0xaf}, /* U+046C */
    {0xd1, 0xb1}, {0xd1, 0xb1}, {0xd1, 0xb3}, {0xd1, 0xb3}, /* U+0470 */
    {0xd1, 0xb5}, {0xd1, 0xb5}, {0xd1, 0xb7}, {0xd1, 0xb7}, /* U+0474 */
    {0xd1, 0xb9}, {0xd1, 0xb9}, {0xd1, 0xbb}, {0xd1, 0xbb}, /* U+0478 */
    {0xd1, 0xbd}, {0xd1, 0xbd}, {0xd1, 0xbf}, {0xd1, 0xbf}, /* U+047C */
};

typedef struct rl_out {
    char *s;
    uint32_t *map;
    size_t len, cap;
    int ws; /* the last byte written is a space, so further white space adds nothing */
} rl_out;

static int out_reserve(rl_out *o, size_t need)
{
    if (o->cap - o->len >= need)
        return 0;
    size_t cap = o->cap;
    while (cap - o->len < need) {
        if (cap > SIZE_MAX / 2 / sizeof(uint32_t))
            return -1;
        cap *= 2;
    }
    char *s = realloc(o->s, cap);
    if (!s)
        return -1;
    o->s = s;
    uint32_t *map = realloc(o->map, cap * sizeof *map);
    if (!map)
        return -1;
    o->map = map;
    o->cap = cap;
    return 0;
}

/* Room must have been reserved by the caller. */
static void put_space(rl_out *o, size_t origin)
{
    if (o->ws)
        return;
    o->s[o->len] = ' ';
    o->map[o->len++] = (uint32_t)origin;
    o->ws = 1;
}

static void put_cp(rl_out *o, uint32_t cp, size_t origin)
{
    size_t n = replylint__utf8_encode(cp, o->s + o->len);
    for (size_t k = 0; k < n; k++)
        o->map[o->len + k] = (uint32_t)origin;
    o->len += n;
    o->ws = cp == ' ';
}

static int is_drop(uint32_t cp)
{
    return cp == 0xAD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

/* The fold's own mappings: RL_SPACE, RL_DROP, or RL_KEEP with the replacement in *to. */
static int fold_special(uint32_t cp, uint32_t *to)
{
    *to = cp;
    switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return RL_SPACE;
    case 0xAD:
    case 0x200B:
    case 0x200C:
    case 0x200D:
    case 0x2060:
    case 0xFEFF:
        return RL_DROP;
    case 0x2018:
    case 0x2019:
    case 0x02BC:
    case 0xFF07:
        *to = '\'';
        return RL_KEEP;
    case 0x2010:
    case 0x2011:
        *to = '-';
        return RL_KEEP;
    case 0x0401:
    case 0x0451:
        *to = 0x0435;
        return RL_KEEP;
    default:
        return (cp >= 0x2000 && cp <= 0x200A) ? RL_SPACE : RL_KEEP;
    }
}

/* Whether cp belongs to the run of the starter before it: a combining mark, or a Hangul
 * vowel or trailing consonant jamo, the only starters NFC composes with a preceding one. */
static int extends_run(uint32_t cp)
{
    if (cp < 0x300)
        return 0;
    if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2))
        return 1;
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
    return p->combining_class != 0 || p->category == UTF8PROC_CATEGORY_MN ||
           p->category == UTF8PROC_CATEGORY_MC || p->category == UTF8PROC_CATEGORY_ME;
}

/* Whether the first code point at or after j that is not removed extends a run.  The
 * removed characters scanned here are scanned once more by the main loop, no more, so this
 * stays linear. */
static int mark_at(const char *s, size_t len, size_t j)
{
    while (j < len) {
        size_t n;
        uint32_t cp = replylint__utf8_decode(s, len, j, &n);
        if (!is_drop(cp))
            return extends_run(cp);
        j += n;
    }
    return 0;
}

/* mark_at's answer, decided from one byte for what follows nearly every character: ASCII,
 * U+0080-U+02FF except the soft hyphen (C2 AD), and Cyrillic (D0, D1). */
static inline int plain_after(const unsigned char *p, size_t len, size_t j)
{
    if (j >= len)
        return 1;
    unsigned c = p[j];
    if (c < 0xC2 || (c > 0xC2 && c < 0xCC) || c == 0xD0 || c == 0xD1)
        return 1;
    if (c == 0xC2 && j + 1 < len && p[j + 1] != 0xAD)
        return 1;
    return !mark_at((const char *)p, len, j);
}

/* Canonical ordering of the decomposed run: a stable insertion sort of each sequence of
 * non-starters by combining class (utf8proc_decompose_char leaves it to its caller). */
static void canonical_order(utf8proc_int32_t *b, size_t n)
{
    for (size_t a = 1; a < n; a++) {
        utf8proc_int32_t c = b[a];
        utf8proc_propval_t cc = utf8proc_get_property(c)->combining_class;
        if (cc == 0)
            continue;
        size_t k = a;
        while (k > 0) {
            utf8proc_propval_t pc = utf8proc_get_property(b[k - 1])->combining_class;
            if (pc <= cc)
                break;
            b[k] = b[k - 1];
            k--;
        }
        b[k] = c;
    }
}

/* NFKC + case folding of one run, then the fold's own mappings; every byte written maps to
 * origin, the run's start. */
static int fold_run(rl_out *o, const uint32_t *run, size_t nr, size_t origin)
{
    const utf8proc_option_t opts =
        (utf8proc_option_t)(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
    utf8proc_int32_t buf[RL_BUF_MAX];
    size_t nb = 0;
    for (size_t r = 0; r < nr; r++) {
        utf8proc_ssize_t room = (utf8proc_ssize_t)(RL_BUF_MAX - nb);
        utf8proc_ssize_t got =
            utf8proc_decompose_char((utf8proc_int32_t)run[r], buf + nb, room, opts, NULL);
        if (got < 0 || got > room) {
            /* Unreachable while REPLYLINT__FOLD_MAX_EXPANSION bounds every code point (a
             * test checks them all); keep the code point rather than lose it. */
            if (room == 0)
                break;
            buf[nb] = (utf8proc_int32_t)run[r];
            got = 1;
        }
        nb += (size_t)got;
    }
    canonical_order(buf, nb);
    utf8proc_ssize_t composed = utf8proc_normalize_utf32(
        buf, (utf8proc_ssize_t)nb, (utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
    if (composed >= 0)
        nb = (size_t)composed;
    /* «ё» -> «е» before the marks that follow it are composed for good: «Ё» + U+0306 must
     * give «ӗ», as folding «е» + U+0306 (and refolding the result) does.  Each pass removes
     * one mark, so this ends; text without «ё» in a slow run never loops. */
    for (;;) {
        int yo = 0;
        for (size_t r = 0; r < nb; r++) {
            if (buf[r] == 0x0451) {
                buf[r] = 0x0435;
                yo = 1;
            }
        }
        if (!yo)
            break;
        composed = utf8proc_normalize_utf32(
            buf, (utf8proc_ssize_t)nb, (utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
        if (composed < 0 || (size_t)composed == nb)
            break;
        nb = (size_t)composed;
    }
    if (out_reserve(o, 4 * nb + 1) != 0)
        return -1;
    for (size_t r = 0; r < nb; r++) {
        uint32_t to;
        switch (fold_special((uint32_t)buf[r], &to)) {
        case RL_SPACE:
            put_space(o, origin);
            break;
        case RL_DROP:
            break;
        default:
            put_cp(o, to, origin);
        }
    }
    return 0;
}

/* Fold the character at *pi (and the marks after it) and advance *pi past them. */
static int fold_slow(rl_out *o, const char *s, size_t len, size_t *pi, bool strict)
{
    size_t i = *pi, n;
    if (strict && replylint__utf8_seq_len(s, len, i) == 0)
        return -2; /* *pi: the ill-formed byte */
    uint32_t cp = replylint__utf8_decode(s, len, i, &n);
    uint32_t to;
    int cls = fold_special(cp, &to);
    if (cls == RL_DROP) {
        *pi = i + n;
        return 0;
    }
    if (out_reserve(o, 4) != 0)
        return -1;
    if (!mark_at(s, len, i + n)) {
        *pi = i + n;
        if (cls == RL_SPACE) {
            put_space(o, i);
            return 0;
        }
        if (to != cp) {
            put_cp(o, to, i);
            return 0;
        }
        /* A lone code point with neither a decomposition nor a case folding is its own
         * NFKC_Casefold: most punctuation, symbols, emoji, CJK. */
        const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
        if (p->decomp_seqindex == UINT16_MAX && p->casefold_seqindex == UINT16_MAX) {
            put_cp(o, cp, i);
            return 0;
        }
        return fold_run(o, &cp, 1, i);
    }

    uint32_t run[REPLYLINT__FOLD_MAX_RUN];
    size_t nr = 0, j = i + n, end = j;
    run[nr++] = cp;
    while (nr < REPLYLINT__FOLD_MAX_RUN && j < len) {
        if (strict && replylint__utf8_seq_len(s, len, j) == 0)
            break; /* the next call stops there */
        uint32_t c = replylint__utf8_decode(s, len, j, &n);
        if (is_drop(c)) {
            j += n;
            continue;
        }
        if (!extends_run(c))
            break;
        run[nr++] = c;
        j += n;
        end = j;
    }
    *pi = end;
    return fold_run(o, run, nr, i);
}

int replylint__fold(rl_folded *out, const char *text, size_t len)
{
    out->s = NULL;
    out->map = NULL;
    out->cap = 0;
    return replylint__fold_reuse(out, text, len, NULL);
}

#if defined(__SSE2__)
/* Fold the longest run of the sixteen bytes at p (the text's bytes i..i+15) that is ASCII
 * and whole two-byte Cyrillic letters, is followed by a byte that cannot start a mark to
 * compose with its last character (ASCII or a Cyrillic lead), and needs no white space
 * collapsed (*ws: the byte before was white space; updated).  Writes sixteen bytes to d and
 * sixteen entries to m, of which the run's are right; returns the run's length, 0 if there
 * is none.  A block that stops short (at «, an em dash, a second line break: most blocks of
 * Russian text hold one) still folds what comes before, so the slow path below takes only
 * the character it stopped at.  If the sixteenth byte is the lead of a letter the block
 * splits, the run ends before it (half the blocks of Russian text, whose spaces shift
 * letters off the block's edges), and the next block folds that letter.  Cyrillic is folded
 * as rl_cyr has it, by arithmetic on the bytes:
 * after D0, 80..8F -> D1 90..9F (but 81, «Ё» -> D0 B5), 90..9F -> D0 B0..BF, A0..AF -> D1
 * 80..8F; after D1, 91 («ё») -> D0 B5 and A0..BF to the odd (lower-case) one. */
static inline size_t fold_block16(const unsigned char *p, size_t i, char *d, uint32_t *m, int *ws)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    unsigned high = (unsigned)_mm_movemask_epi8(v), n = 16;
    __m128i lead_v =
        _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xFE)), _mm_set1_epi8((char)0xD0));
    __m128i cont_v =
        _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xC0)), _mm_set1_epi8((char)0x80));
    unsigned bad = 0, cont = 0; /* bad: the bytes the run cannot hold */
    if (high) {
        unsigned lead = (unsigned)_mm_movemask_epi8(lead_v);
        cont = (unsigned)_mm_movemask_epi8(cont_v);
        if (lead & 0x8000) { /* the next block folds that letter */
            n = 15;
            lead &= 0x7FFF;
            high &= 0x7FFF;
        }
        bad = high & ~((lead & cont >> 1) | (cont & lead << 1));
    }
    __m128i space =
        _mm_or_si128(_mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '\t'))),
                                    _mm_set1_epi8((char)(-128 + 5))), /* \t \n \v \f \r */
                     _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
    unsigned sp = (unsigned)_mm_movemask_epi8(space);
    bad |= sp & (sp << 1 | (unsigned)*ws);
    if (bad && (unsigned)__builtin_ctz(bad) < n)
        n = (unsigned)__builtin_ctz(bad);
    /* The byte after the run may start a mark (or be anything else past Cyrillic): leave the
     * run's last character to the slow path, which composes. */
    if (n > 0 && p[n] >= 0x80 && (p[n] & 0xFE) != 0xD0)
        n -= cont >> (n - 1) & 1 ? 2 : 1; /* a continuation byte in the run ends a letter */
    if (n == 0)
        return 0;
    __m128i upper = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 'A'))),
                                   _mm_set1_epi8((char)(-128 + 26)));
    __m128i f = _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
    f = _mm_or_si128(_mm_andnot_si128(space, f), _mm_and_si128(space, _mm_set1_epi8(' ')));
    __m128i at = _mm_add_epi32(_mm_set1_epi32((int)i), _mm_setr_epi32(0, 1, 2, 3));
    if (!high) {
        _mm_storeu_si128((__m128i *)(void *)d, f);
        for (int q = 0; q < 4; q++) {
            _mm_storeu_si128((__m128i *)(void *)(m + 4 * q), at);
            at = _mm_add_epi32(at, _mm_set1_epi32(4));
        }
        *ws = (int)(sp >> (n - 1) & 1);
        return n;
    }
    /* Second bytes (their lead in prev) and leads (their second byte in next). */
    __m128i prev = _mm_slli_si128(v, 1), next = _mm_srli_si128(v, 1);
    __m128i after_d0 = _mm_cmpeq_epi8(prev, _mm_set1_epi8((char)0xD0));
    __m128i after_d1 = _mm_cmpeq_epi8(prev, _mm_set1_epi8((char)0xD1));
    __m128i top = _mm_and_si128(v, _mm_set1_epi8((char)0xF0));
    __m128i r8 = _mm_cmpeq_epi8(top, _mm_set1_epi8((char)0x80));
    __m128i r9 = _mm_cmpeq_epi8(top, _mm_set1_epi8((char)0x90));
    __m128i ra = _mm_cmpeq_epi8(top, _mm_set1_epi8((char)0xA0));
    __m128i rb = _mm_cmpeq_epi8(top, _mm_set1_epi8((char)0xB0));
    __m128i delta =
        _mm_and_si128(after_d0, _mm_or_si128(_mm_or_si128(_mm_and_si128(r8, _mm_set1_epi8(0x10)),
                                                          _mm_and_si128(r9, _mm_set1_epi8(0x20))),
                                             _mm_and_si128(ra, _mm_set1_epi8((char)0xE0))));
    f = _mm_add_epi8(f, delta);
    f = _mm_or_si128(
        f, _mm_and_si128(after_d1, _mm_and_si128(_mm_or_si128(ra, rb), _mm_set1_epi8(1))));
    __m128i yo =
        _mm_or_si128(_mm_and_si128(after_d0, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0x81))),
                     _mm_and_si128(after_d1, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0x91))));
    f = _mm_or_si128(_mm_andnot_si128(yo, f), _mm_and_si128(yo, _mm_set1_epi8((char)0xB5)));
    /* Leads: D0 before 80..8F (not 81) or A0..AF becomes D1; D1 before 91 becomes D0. */
    __m128i ntop = _mm_and_si128(next, _mm_set1_epi8((char)0xF0));
    __m128i to_d1 = _mm_and_si128(
        _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xD0)),
        _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(next, _mm_set1_epi8((char)0x81)),
                                      _mm_cmpeq_epi8(ntop, _mm_set1_epi8((char)0x80))),
                     _mm_cmpeq_epi8(ntop, _mm_set1_epi8((char)0xA0))));
    __m128i to_d0 = _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xD1)),
                                  _mm_cmpeq_epi8(next, _mm_set1_epi8((char)0x91)));
    f = _mm_sub_epi8(f, to_d1); /* -(-1) */
    f = _mm_add_epi8(f, to_d0); /* + (-1) */
    _mm_storeu_si128((__m128i *)(void *)d, f);
    /* A second byte maps to its letter's first. */
    __m128i one = _mm_and_si128(cont_v, _mm_set1_epi8(1)), zero = _mm_setzero_si128();
    __m128i lo = _mm_unpacklo_epi8(one, zero), hi = _mm_unpackhi_epi8(one, zero);
    __m128i back[4] = {_mm_unpacklo_epi16(lo, zero), _mm_unpackhi_epi16(lo, zero),
                       _mm_unpacklo_epi16(hi, zero), _mm_unpackhi_epi16(hi, zero)};
    for (int q = 0; q < 4; q++) {
        _mm_storeu_si128((__m128i *)(void *)(m + 4 * q), _mm_sub_epi32(at, back[q]));
        at = _mm_add_epi32(at, _mm_set1_epi32(4));
    }
    *ws = (int)(sp >> (n - 1) & 1);
    return n;
}
#endif

int replylint__fold_reuse(rl_folded *out, const char *text, size_t len, size_t *bad)
{
    return replylint__fold_with(out, text, len, bad, true);
}

int replylint__fold_with(rl_folded *out, const char *text, size_t len, size_t *bad, bool blocks)
{
    int fail = -1;
    out->len = 0;
    if (len >= ((size_t)1 << 31) || (!text && len)) {
        replylint__folded_free(out);
        return -1;
    }

    /* ASCII and Cyrillic never grow, so text made of them needs no realloc. */
    rl_out o = {out->s, out->map, 0, out->cap, 0};
    size_t want = len + len / 16 + 16;
    if (want > SIZE_MAX / sizeof *o.map)
        return -1;
    if (o.cap < want) { /* nothing to keep: no realloc's copy */
        free(o.s);
        free(o.map);
        o.s = malloc(want);
        o.map = malloc(want * sizeof *o.map);
        o.cap = want;
        if (!o.s || !o.map)
            goto oom;
    }

    /* The hot loop keeps the output state in locals: stores through char * may alias the
     * struct, which would force reloads after every byte. */
#if !defined(__SSE2__)
    (void)blocks;
#endif
    const unsigned char *p = (const unsigned char *)text;
    char *d = o.s;
    uint32_t *m = o.map;
    size_t i = 0, k = 0, cap = o.cap;
    int ws = 0;
    while (i < len) {
        if (cap - k < 2) {
            o.len = k;
            if (out_reserve(&o, 2) != 0)
                goto oom;
            d = o.s;
            m = o.map;
            cap = o.cap;
        }
#if defined(__SSE2__)
        /* Sixteen bytes at a time while they hold only ASCII and whole two-byte Cyrillic
         * letters (U+0400..U+047F), the byte after them cannot start a mark, and no two
         * white-space bytes meet (nothing to collapse): fold_block16.  Two bytes of room
         * are left for the letter the code below may write (the checked room above is
         * used up when U+FFFD for ill-formed bytes has grown the text). */
        for (size_t n; blocks && len - i > 16 && cap - k >= 18 &&
                       (n = fold_block16(p + i, i, d + k, m + k, &ws)) != 0;) {
            k += n;
            i += n;
        }
#endif
        unsigned c = p[i];
        if (c < 0x80) {
            /* ASCII followed by ASCII: no mark can follow, and each byte writes at most one.
             * The byte is always stored and k advances unless it is a second space, which
             * spares a mispredicted branch at every word boundary.  The loop stops on an
             * ASCII byte, which the code below folds after looking further ahead. */
            size_t stop = len - 1;
            if (stop - i > cap - k - 1)
                stop = i + (cap - k - 1);
            while (i < stop && p[i + 1] < 0x80) {
                unsigned f = rl_ascii[p[i]];
                int sp = f == ' ';
                d[k] = (char)f;
                m[k] = (uint32_t)i;
                k += (size_t) !(sp & ws);
                ws = sp;
                i++;
            }
            c = p[i];
            if (plain_after(p, len, i + 1)) {
                unsigned char f = rl_ascii[c];
                if (f != ' ') {
                    d[k] = (char)f;
                    m[k++] = (uint32_t)i;
                    ws = 0;
                } else if (!ws) {
                    d[k] = ' ';
                    m[k++] = (uint32_t)i;
                    ws = 1;
                }
                i++;
                continue;
            }
        } else if ((c == 0xD0 || c == 0xD1) && i + 1 < len && (p[i + 1] & 0xC0) == 0x80 &&
                   plain_after(p, len, i + 2)) {
            const unsigned char *f = rl_cyr[((c & 1u) << 6) | (p[i + 1] & 0x3Fu)];
            d[k] = (char)f[0];
            d[k + 1] = (char)f[1];
            m[k] = m[k + 1] = (uint32_t)i;
            k += 2;
            ws = 0;
            i += 2;
            continue;
        }
        o.len = k;
        o.ws = ws;
        int r = fold_slow(&o, text, len, &i, bad != NULL);
        if (r != 0) {
            if (r == -2)
                *bad = i;
            fail = r;
            goto oom;
        }
        d = o.s;
        m = o.map;
        k = o.len;
        cap = o.cap;
        ws = o.ws;
    }
    o.len = k;
    if (out_reserve(&o, 1 + RL_FOLDED_PAD) != 0)
        goto oom;
    memset(o.s + k, 0, 1 + RL_FOLDED_PAD);
    o.map[k] = (uint32_t)len;
    out->s = o.s;
    out->len = k;
    out->map = o.map;
    out->cap = o.cap;
    return 0;

oom: /* or ill-formed (fail -2) */
    free(o.s);
    free(o.map);
    out->s = NULL;
    out->map = NULL;
    out->cap = 0;
    return fail;
}

void replylint__folded_free(rl_folded *f)
{
    if (!f)
        return;
    free(f->s);
    free(f->map);
    f->s = NULL;
    f->map = NULL;
    f->len = 0;
    f->cap = 0;
}

char *replylint__fold_str(const char *s, size_t len, size_t *out_len)
{
    rl_folded f;
    if (replylint__fold(&f, s, len) != 0)
        return NULL;
    size_t a = 0, b = f.len;
    while (a < b && f.s[a] == ' ')
        a++;
    while (b > a && f.s[b - 1] == ' ')
        b--;
    memmove(f.s, f.s + a, b - a);
    f.s[b - a] = '\0';
    free(f.map);
    if (out_len)
        *out_len = b - a;
    return f.s;
}
