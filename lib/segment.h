/*
 * segment.h: the structure of a reply: sentences, paragraphs, its opening and its end
 * before the signature block.  Never installed.
 */
#ifndef REPLYLINT_SEGMENT_H
#define REPLYLINT_SEGMENT_H

#include "internal.h"

#include <unicode/ubrk.h>

typedef struct rl_span {
    size_t start, end; /* bytes of the original text */
} rl_span;

typedef struct rl_segments {
    rl_span *sentences; /* trimmed, non-empty, in order (see replylint__segment) */
    size_t n_sentences, cap_sentences;
    rl_span *paragraphs; /* separated by blank lines */
    size_t n_paragraphs, cap_paragraphs;
    uint32_t *ends; /* working memory: the sentence ends of one line */
    size_t cap_ends;
    rl_span start;     /* the opening: first sentence, at most its first line, after @handles */
    rl_span end;       /* the last two sentences before the signature, through the end */
    rl_span last;      /* the last sentence before the signature */
    rl_span signature; /* the signature block; start == end when there is none */
} rl_segments;

/*
 * What a rule set keeps for finding sentences: ICU's sentence break iterator (a template
 * cloned when needed: its rule data is costly to open) and, for the scripts replies are
 * written in, each code point's Sentence_Break property read from ICU once, so that most
 * lines are split without ICU by the same rules (see sentence_ends in segment.c).
 * Immutable once made; shared by threads.
 */
typedef struct rl_sentencer rl_sentencer;
rl_sentencer *replylint__sentencer_new(void);
void replylint__sentencer_free(rl_sentencer *s);

/* The sentence boundaries of valid UTF-8 text[0, len) as byte offsets, in order, the last
 * one len (none for empty text); `icu` forces ICU's iterator.  At most max are stored; the
 * count is returned (-1: out of memory, or ICU failed).  For tests, which compare both. */
long replylint__sentence_ends(const rl_sentencer *s, const char *text, size_t len, bool icu,
                              uint32_t *ends, size_t max);

/* Segment valid UTF-8 text.  `sentences` holds those around the opening and the end, and
 * every sentence of each line with more than `long_line` words, given the byte offsets
 * where words start (`words` may be NULL: no such lines wanted).  *out is zero-filled or
 * an earlier result, whose arrays are reused; free it with replylint__segments_free (also
 * after a failure).  Returns 0 or -1. */
int replylint__segment(rl_segments *out, const char *text, size_t len, const rl_sentencer *sz,
                       const uint32_t *words, size_t n_words, size_t long_line);
void replylint__segments_free(rl_segments *s);

#endif /* REPLYLINT_SEGMENT_H */
