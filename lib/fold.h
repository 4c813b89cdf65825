/*
 * fold.h: the normalized ("folded") copy of a reply that phrases and regexes run on.
 *
 * Folding is NFKC + full case folding, then: «ё»/«Ё» -> «е»; every run of white space ->
 * one ASCII space; soft hyphen and zero-width characters removed; typographic apostrophes
 * -> '; U+2010/U+2011 -> '-'.  Marks are composed, never stripped, so «и» + U+0306 and a
 * precomposed «й» fold to the same bytes.  A byte map leads every folded byte back to the
 * original text, so a match is reported at exact original offsets.
 */
#ifndef REPLYLINT_FOLD_H
#define REPLYLINT_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most code points NFKC + case folding makes of one code point (U+FDFA).  The slow
 * path's stack buffers are sized from it; a test checks it against every code point. */
#define REPLYLINT__FOLD_MAX_EXPANSION 18
/* Most code points normalized together (a starter and the marks after it); longer runs of
 * marks are cut so that any input folds in linear time. */
#define REPLYLINT__FOLD_MAX_RUN 32

typedef struct rl_folded {
    char *s;       /* folded UTF-8, NUL-terminated */
    size_t len;    /* bytes in s */
    uint32_t *map; /* len+1 entries: map[k] = byte offset in the original text of the
                      character (or whitespace run) that produced folded byte k;
                      map[len] = original length */
    size_t cap;    /* bytes allocated for s, entries for map (replylint__fold_reuse) */
} rl_folded;

/* After its NUL, s holds this many more zero bytes: a word of it can be read eight or
 * sixteen bytes at a time (replylint__hash_padded) without a test of its length. */
#define RL_FOLDED_PAD 16

/* Fold valid UTF-8 `text` (checked by the caller; may contain NUL bytes, which stay NUL).
 * Returns 0, or -1 on out of memory (out left empty).  len must be < 2^31 (a longer text,
 * or a NULL text with len > 0, also gets -1).
 *
 * A match [a,b) in the folded text covers [map[a], map[b]) of the original.  All bytes a
 * character produces map to that character's start, so a boundary inside one character's
 * expansion (the "f" of "ﬁ" -> "fi") rounds the start outward and the end inward; to round
 * the end outward too, advance b while b < len && map[b] == map[b-1].  Removed characters
 * (soft hyphen, zero-width) produce no bytes: one right after a match falls inside
 * [map[a], map[b]).  Leading and trailing white space is not trimmed.  Ill-formed UTF-8 is
 * never read past its end; each bad byte folds to U+FFFD. */
int replylint__fold(rl_folded *out, const char *text, size_t len);

/* The same, reusing the buffers `out` holds from an earlier call (or none: all zero) when
 * they are large enough; on failure out is left empty, its buffers freed.  With `bad`
 * non-NULL the text must be well-formed UTF-8: the first byte of the first ill-formed
 * sequence is stored there and -2 returned (the check costs next to nothing here, where
 * every byte is read anyway, and spares the lint call a pass of its own).  With `bad`
 * NULL, ill-formed bytes fold as replylint__fold says. */
int replylint__fold_reuse(rl_folded *out, const char *text, size_t len, size_t *bad);

/* replylint__fold_reuse, with the sixteen-byte blocks of ASCII and Cyrillic (SSE2) or, with
 * `blocks` false, a character at a time throughout: the tests hold the blocks to it. */
int replylint__fold_with(rl_folded *out, const char *text, size_t len, size_t *bad, bool blocks);

/* Frees members; NULL-safe; the struct itself is the caller's. */
void replylint__folded_free(rl_folded *f);

/* Fold a short string (a phrase word, a name) into a newly malloc'ed NUL-terminated string;
 * NULL on OOM.  Leading/trailing whitespace dropped.  out_len may be NULL. */
char *replylint__fold_str(const char *s, size_t len, size_t *out_len);

#endif
