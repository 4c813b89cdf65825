/*
 * fuzz_common.h: invariants shared by the harnesses.  Each check is an independent
 * re-implementation (not the library's code), so a disagreement is a finding.  A broken
 * invariant prints what it saw and aborts: libFuzzer then saves the input as a crash.
 */
#ifndef REPLYLINT_FUZZ_COMMON_H
#define REPLYLINT_FUZZ_COMMON_H

#include "replylint.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n  ", __FILE__, __LINE__, #cond);         \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Length of the longest valid UTF-8 prefix of s[0..n) (Unicode 15, Table 3-7: no overlongs,
 * no surrogates, nothing above U+10FFFF), written from the table, not from lib/utf8.c. */
static inline size_t fuzz_utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t w;
        unsigned lo = 0x80, hi = 0xBF;
        if (c <= 0x7F)
            w = 1;
        else if (c >= 0xC2 && c <= 0xDF)
            w = 2;
        else if (c == 0xE0)
            w = 3, lo = 0xA0;
        else if (c >= 0xE1 && c <= 0xEC)
            w = 3;
        else if (c == 0xED)
            w = 3, hi = 0x9F;
        else if (c >= 0xEE && c <= 0xEF)
            w = 3;
        else if (c == 0xF0)
            w = 4, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3)
            w = 4;
        else if (c == 0xF4)
            w = 4, hi = 0x8F;
        else
            return i;
        if (w > n - i)
            return i;
        if (w > 1 && (s[i + 1] < lo || s[i + 1] > hi))
            return i;
        for (size_t k = 2; k < w; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return i;
        i += w;
    }
    return n;
}

static inline int fuzz_utf8_ok(const char *s)
{
    size_t n = strlen(s);
    return fuzz_utf8_valid_prefix((const unsigned char *)s, n) == n;
}

/* An error struct filled by a failing call: the documented shape. */
static inline void fuzz_check_error(int rc, const replylint_error *err)
{
    FUZZ_ASSERT(rc < 0, "rc %d", rc);
    FUZZ_ASSERT(strcmp(replylint_strerror(rc), "unknown error") != 0, "undocumented status %d", rc);
    FUZZ_ASSERT(err->status == rc, "err.status %d, rc %d", err->status, rc);
    FUZZ_ASSERT(memchr(err->message, 0, sizeof(err->message)) != NULL, "message not terminated");
    FUZZ_ASSERT(memchr(err->source, 0, sizeof(err->source)) != NULL, "source not terminated");
    FUZZ_ASSERT(err->message[0] != '\0', "empty message for status %d", rc);
    FUZZ_ASSERT(fuzz_utf8_ok(err->message), "message is not UTF-8: %s", err->message);
    FUZZ_ASSERT(fuzz_utf8_ok(err->source), "source is not UTF-8: %s", err->source);
}

/* Independent offsets of byte position `at` of valid UTF-8 text: code points, UTF-16
 * units, 1-based line and column (lines end at \n, \r\n or a lone \r; column in code
 * points), as replylint.h documents them. */
typedef struct fuzz_pos {
    size_t cp, u16;
    uint32_t line, col;
} fuzz_pos;

static inline fuzz_pos fuzz_position(const char *text, size_t len, size_t at)
{
    fuzz_pos p = {0, 0, 1, 1};
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < at && i < len; i++) {
        if ((s[i] & 0xC0) == 0x80)
            continue; /* continuation byte */
        p.cp++;
        p.u16 += s[i] >= 0xF0 ? 2 : 1;
        int brk = s[i] == '\n' || (s[i] == '\r' && !(i + 1 < len && s[i + 1] == '\n'));
        if (brk) {
            p.line++;
            p.col = 1;
        } else {
            p.col++;
        }
    }
    return p;
}

/* Every documented property of a successful report on `text`. */
static inline void fuzz_check_report(const replylint_report *rep, const char *text, size_t len,
                                     const replylint_options *o)
{
    const char *lang = replylint_report_language(rep);
    FUZZ_ASSERT(strcmp(lang, "ru") == 0 || strcmp(lang, "en") == 0, "language '%s'", lang);
    if (o && o->lang == REPLYLINT_LANG_RU)
        FUZZ_ASSERT(strcmp(lang, "ru") == 0, "asked ru, got %s", lang);
    if (o && o->lang == REPLYLINT_LANG_EN)
        FUZZ_ASSERT(strcmp(lang, "en") == 0, "asked en, got %s", lang);
    double score = replylint_report_score(rep);
    FUZZ_ASSERT(score >= 0.0 && score <= 10.0, "score %f", score);
    int incomplete = replylint_report_incomplete(rep);
    FUZZ_ASSERT(incomplete == 0 || incomplete == 1, "incomplete %d", incomplete);
    size_t n = replylint_report_count(rep);
    if (n == 0)
        FUZZ_ASSERT(score == 10.0, "score %f without findings", score);
    FUZZ_ASSERT(replylint_report_get(rep, n) == NULL, "get(count) not NULL");
    size_t prev_s = 0, prev_e = 0;
    for (size_t i = 0; i < n; i++) {
        const replylint_diag *d = replylint_report_get(rep, i);
        FUZZ_ASSERT(d != NULL, "diag %zu NULL", i);
        int sev = (int)replylint_diag_severity(d);
        FUZZ_ASSERT(sev >= 1 && sev <= 3, "severity %d", sev);
        if (o)
            FUZZ_ASSERT(sev >= (int)o->min_severity, "severity %d below min %d", sev,
                        (int)o->min_severity);
        FUZZ_ASSERT(replylint_diag_rule(d)[0] != '\0', "empty rule id");
        FUZZ_ASSERT(replylint_diag_category(d)[0] != '\0', "empty category");
        FUZZ_ASSERT(fuzz_utf8_ok(replylint_diag_message(d)), "message not UTF-8");
        size_t bs, be, cs, ce, us, ue;
        FUZZ_ASSERT(replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &bs, &be) == 0, "offsets");
        FUZZ_ASSERT(replylint_diag_offsets(d, REPLYLINT_UNIT_CODEPOINT, &cs, &ce) == 0, "offsets");
        FUZZ_ASSERT(replylint_diag_offsets(d, REPLYLINT_UNIT_UTF16, &us, &ue) == 0, "offsets");
        FUZZ_ASSERT(replylint_diag_offsets(d, (replylint_unit)7, &us, &ue) == REPLYLINT_EINVAL,
                    "bad unit accepted");
        FUZZ_ASSERT(bs <= be && be <= len, "byte range [%zu,%zu) of %zu", bs, be, len);
        FUZZ_ASSERT(bs == len || ((unsigned char)text[bs] & 0xC0) != 0x80,
                    "start %zu inside a code point", bs);
        FUZZ_ASSERT(be == len || ((unsigned char)text[be] & 0xC0) != 0x80,
                    "end %zu inside a code point", be);
        /* Sorted by position then rule id. */
        FUZZ_ASSERT(i == 0 || bs > prev_s || (bs == prev_s && be >= prev_e),
                    "diag %zu [%zu,%zu) after [%zu,%zu)", i, bs, be, prev_s, prev_e);
        prev_s = bs;
        prev_e = be;
        /* The flagged text is exactly the bytes of the reply in [start, end). */
        const char *t = replylint_diag_text(d);
        FUZZ_ASSERT(memcmp(t, text + bs, be - bs) == 0 && t[be - bs] == '\0',
                    "diag_text differs from text[%zu,%zu)", bs, be);
        fuzz_pos ps = fuzz_position(text, len, bs), pe = fuzz_position(text, len, be);
        FUZZ_ASSERT(cs == ps.cp && ce == pe.cp, "cp [%zu,%zu) expected [%zu,%zu)", cs, ce, ps.cp,
                    pe.cp);
        FUZZ_ASSERT(us == ps.u16 && ue == pe.u16, "u16 [%zu,%zu) expected [%zu,%zu)", us, ue,
                    ps.u16, pe.u16);
        FUZZ_ASSERT(replylint_diag_line(d) == ps.line && replylint_diag_column(d) == ps.col,
                    "line:col %u:%u expected %u:%u at byte %zu", replylint_diag_line(d),
                    replylint_diag_column(d), ps.line, ps.col, bs);
        size_t ns = replylint_diag_suggestion_count(d);
        for (size_t k = 0; k < ns; k++) {
            const char *sg = replylint_diag_suggestion(d, k);
            FUZZ_ASSERT(sg && fuzz_utf8_ok(sg), "suggestion %zu not UTF-8", k);
        }
        FUZZ_ASSERT(replylint_diag_suggestion(d, ns) == NULL, "suggestion(count) not NULL");
        if (replylint_diag_fixable(d))
            FUZZ_ASSERT(ns == 1, "fixable with %zu suggestions", ns);
    }
}

#endif
