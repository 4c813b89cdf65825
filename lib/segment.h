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
    size_t n_sentences;
    rl_span *paragraphs; /* separated by blank lines */
    size_t n_paragraphs;
    rl_span start;     /* the opening: first sentence, at most its first line, after @handles */
    rl_span end;       /* the last two sentences before the signature, through the end */
    rl_span last;      /* the last sentence before the signature */
    rl_span signature; /* the signature block; start == end when there is none */
} rl_segments;

/* A sentence break iterator to clone per call (ICU's rule data is costly to open). */
UBreakIterator *replylint__sentence_iter_new(void);

/* Segment valid UTF-8 text.  `tmpl` is cloned, never changed.  `sentences` holds those
 * around the opening and the end, and every sentence of each line with more than
 * `long_line` words, given the byte offsets where words start (`words` may be NULL: no
 * such lines wanted).  Returns 0 or -1. */
int replylint__segment(rl_segments *out, const char *text, size_t len, const UBreakIterator *tmpl,
                       const size_t *words, size_t n_words, size_t long_line);
void replylint__segments_free(rl_segments *s);

#endif /* REPLYLINT_SEGMENT_H */
