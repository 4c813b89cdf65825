/*
 * segment.c: sentences (ICU's sentence-break rules), paragraphs, and the parts of a reply
 * that the positional rules look at: the opening, where a greeting belongs, and the end
 * before the signature, where a human closing belongs.
 */
#include "segment.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/utext.h>

UBreakIterator *replylint__sentence_iter_new(void)
{
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_SENTENCE, "", NULL, 0, &st);
    if (U_FAILURE(st)) {
        ubrk_close(bi);
        return NULL;
    }
    return bi;
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

/* Run the sentence iterator over text[a, b) and append the trimmed sentences. */
static int sentences_in(rl_segments *out, size_t *cap, UBreakIterator *bi, UText *ut,
                        const char *text, size_t len, size_t a, size_t b)
{
    UErrorCode st = U_ZERO_ERROR;
    utext_openUTF8(ut, text + a, (int64_t)(b - a), &st);
    ubrk_setUText(bi, ut, &st);
    if (U_FAILURE(st))
        return -1;
    int32_t prev = ubrk_first(bi);
    for (int32_t e = ubrk_next(bi); e != UBRK_DONE; e = ubrk_next(bi)) {
        /* ICU breaks after a line break inside a sentence too; that suits replies,
         * where a greeting or a signature line stands alone without a full stop. */
        size_t sa = a + (size_t)prev, se = a + (size_t)e;
        prev = e;
        trim(text, len, &sa, &se);
        if (sa < se && push(&out->sentences, &out->n_sentences, cap, sa, se) != 0)
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
static int sentences(rl_segments *out, const char *text, size_t len, const UBreakIterator *tmpl,
                     const size_t *words, size_t n_words, size_t long_line, size_t handles,
                     size_t sig)
{
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_clone(tmpl, &st);
    if (U_FAILURE(st))
        return -1;
    UText ut = UTEXT_INITIALIZER;
    size_t cap = 0;
    int rc = 0;
    size_t a = line_start(text, handles), first_end = a;
    while (rc == 0 && a < len && out->n_sentences == 0) {
        first_end = line_end(text, len, a);
        rc = sentences_in(out, &cap, bi, &ut, text, len, a, first_end);
        a = first_end;
    }
    size_t before = out->n_sentences, b = sig, last_start = sig;
    while (rc == 0 && b > first_end && out->n_sentences - before < 2) {
        size_t ls = line_start(text, b - 1);
        if (ls < first_end)
            ls = first_end;
        rc = sentences_in(out, &cap, bi, &ut, text, len, ls, b);
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
            rc = sentences_in(out, &cap, bi, &ut, text, len, ls, le);
        ls = le;
    }
    if (out->n_sentences > 1)
        qsort(out->sentences, out->n_sentences, sizeof(rl_span), cmp_span);
    utext_close(&ut);
    ubrk_close(bi);
    return rc;
}

static int paragraphs(rl_segments *out, const char *text, size_t len)
{
    size_t cap = 0, start = 0, i = 0;
    while (i < len) {
        if (text[i] != '\n') {
            i++;
            continue;
        }
        /* A blank line (only white space) ends a paragraph. */
        size_t j = i + 1, w;
        while (j < len && text[j] != '\n' && is_space_at(text, len, j, &w))
            j += w;
        if (j < len && text[j] == '\n') {
            size_t a = start, b = i;
            trim(text, len, &a, &b);
            if (a < b && push(&out->paragraphs, &out->n_paragraphs, &cap, a, b) != 0)
                return -1;
            start = j + 1;
            i = j + 1;
        } else {
            i++;
        }
    }
    size_t a = start, b = len;
    trim(text, len, &a, &b);
    if (a < b && push(&out->paragraphs, &out->n_paragraphs, &cap, a, b) != 0)
        return -1;
    return 0;
}

static size_t count_words(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    bool in = false;
    for (size_t i = a; i < b; i++) {
        bool sp = s[i] == ' ' || s[i] == '\t' || s[i] == '\r';
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

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
        size_t a = b;
        while (a > 0 && text[a - 1] != '\n')
            a--;
        size_t ta = a, tb = b;
        trim(text, len, &ta, &tb);
        if (ta >= tb)
            break;
        char last = text[tb - 1];
        if (last == '.' || last == '!' || last == '?' || count_words(text, ta, tb) > 6)
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

int replylint__segment(rl_segments *out, const char *text, size_t len, const UBreakIterator *tmpl,
                       const size_t *words, size_t n_words, size_t long_line)
{
    memset(out, 0, sizeof(*out));
    out->signature = signature(text, len);
    size_t h = skip_handles(text, len);
    if (sentences(out, text, len, tmpl, words, n_words, long_line, h, out->signature.start) != 0 ||
        paragraphs(out, text, len) != 0) {
        replylint__segments_free(out);
        return -1;
    }

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
    memset(s, 0, sizeof(*s));
}
