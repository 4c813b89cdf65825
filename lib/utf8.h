/*
 * utf8.h: UTF-8 validation, decoding and offset conversion.
 *
 * Every diagnostic is located in bytes, code points, UTF-16 units and line/column, so the
 * conversions live here, in one pass over the text, instead of being redone per match.
 */
#ifndef REPLYLINT_UTF8_H
#define REPLYLINT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Returns len if s[0..len) is valid UTF-8 (no overlongs, no surrogates U+D800-DFFF, nothing
 * above U+10FFFF, no truncated sequence); otherwise the byte offset of the first invalid
 * byte, i.e. the lead byte of the first ill-formed sequence, which is also the length of the
 * longest valid prefix.  NUL bytes are valid. */
size_t replylint__utf8_check(const char *s, size_t len);

/* Decode one code point at s[i] (valid UTF-8 assumed, i < len); returns it and stores the
 * length in *n.  Never reads past s[len-1]: an ill-formed or truncated sequence (or i >= len)
 * yields U+FFFD with *n = 1, so a decoding loop always advances. */
uint32_t replylint__utf8_decode_any(const char *s, size_t len, size_t i, size_t *n);
/* The same, with ASCII and two-byte sequences (Latin and Cyrillic) decoded inline: most of
 * what a reply holds, in the innermost loops. */
static inline uint32_t replylint__utf8_decode(const char *s, size_t len, size_t i, size_t *n)
{
    if (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            *n = 1;
            return c;
        }
        if (c >= 0xC2 && c <= 0xDF && i + 1 < len && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
            *n = 2;
            return ((uint32_t)(c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3Fu);
        }
    }
    return replylint__utf8_decode_any(s, len, i, n);
}

/* The length of the well-formed UTF-8 sequence at s[i] (i < len), or 0 if it is ill-formed
 * (as replylint__utf8_check judges). */
size_t replylint__utf8_seq_len(const char *s, size_t len, size_t i);

/* Encode cp into buf (4 bytes room); returns the length.  A surrogate or a value above
 * U+10FFFF is encoded as U+FFFD. */
size_t replylint__utf8_encode(uint32_t cp, char *buf);

/* Offset conversion for many points at once: given `n` byte offsets `byte_off[]` (each at a
 * code point boundary, any order), fill cp_off[i], u16_off[i], line[i] (1-based, lines end at
 * \n; a \r\n counts as one line break, a lone \r too), col[i] (1-based, in code points).
 * One pass over the text plus a sort: O(len + n log n).  Returns 0 or -1 on out of memory.
 *
 * An offset on the \n of a \r\n is on the same line as the \r (one column further).  An
 * offset inside a code point reports the next code point boundary; an offset above len
 * reports the position of len.  Any of the four output arrays may be NULL.  Already sorted
 * offsets need no sort and no allocation. */
int replylint__utf8_positions(const char *s, size_t len, const size_t *byte_off, size_t n,
                              size_t *cp_off, size_t *u16_off, uint32_t *line, uint32_t *col);

#endif
