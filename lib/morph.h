/*
 * morph.h: inflected forms of a word from a hunspell dictionary (internal).
 *
 * Rule authors write a phrase once in dictionary form («денежные средства», "apologize for the
 * inconvenience") and the matcher has to find every inflected form.  This module reads a hunspell
 * .aff/.dic pair itself (no libhunspell) and, for one word, lists the forms of its lemma(s).  It is
 * used at rule-compile time, so it favours a fast load and a simple, allocation-light query.
 *
 * Supported .aff subset: SET UTF-8, FLAG (default single-byte flags or UTF-8), AF flag aliases,
 * PFX/SFX classes with hunspell conditions, FULLSTRIP, FORBIDDENWORD, ONLYINCOMPOUND and
 * NEEDAFFIX/PSEUDOROOT.  Every other directive is skipped.  FLAG long/num and any SET other than
 * UTF-8 are rejected with a format error.  Continuation classes on affixes ("SFX A 0 s/BC .") are
 * accepted but not applied: only one suffix and one prefix level are generated.
 */
#ifndef REPLYLINT_MORPH_H
#define REPLYLINT_MORPH_H

#include <stddef.h>

/* One language's dictionary, immutable after load. */
typedef struct rl_morph rl_morph;

/* Load aff+dic.  On failure returns negative (-1 for I/O, -2 for format, -3 for out of memory),
 * *out = NULL, and writes a one-line message to errbuf (e.g. "ru_RU.aff:12: bad SFX line"); errbuf
 * may be NULL.  Returns 0 and sets *out on success. */
int replylint__morph_load(rl_morph **out, const char *aff_path, const char *dic_path, char *errbuf,
                          size_t errlen);

/* NULL ok. */
void replylint__morph_free(rl_morph *m);

/* Call emit(ud, form, len) once for every distinct form (UTF-8, lower case, ё written as е) of the
 * lemma(s) of `word` (UTF-8, any case).  The form pointer is only valid during the call and is not
 * NUL-terminated.
 *
 * Lemma selection: if `word` (lower-cased, ё read as е) is itself a dictionary headword, only that
 * headword and its homonyms are used, plus readings of `word` as prefix + headword with no suffix
 * (hunspell's own reading of en "inconvenience" = in + convenience/IMS, the only source of
 * "inconveniences" in en_US); otherwise every headword of which `word` is a form (one SFX rule
 * undone, or one PFX rule, or both where cross-product allows).  The word itself is always
 * emitted first, even when it is not in the dictionary.  An empty word emits nothing.
 *
 * Generation: the headword plus each SFX rule of its flags whose condition matches.  Prefixed forms
 * are generated only when `word` itself carries the prefix, and then the prefix is applied to every
 * form (cross-product permitting).
 *
 * Returns the number of forms emitted, the first negative value emit returned (generation stops
 * there), -3 on out of memory or -2 if m, emit or word (with len > 0) is NULL.  Concurrent calls
 * on one rl_morph are safe. */
int replylint__morph_forms(const rl_morph *m, const char *word, size_t len,
                           int (*emit)(void *ud, const char *form, size_t len), void *ud);

#endif
