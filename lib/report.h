/*
 * report.h: the report a lint call returns, as the lint module builds it.  Never installed.
 */
#ifndef REPLYLINT_REPORT_H
#define REPLYLINT_REPORT_H

#include "internal.h"

struct replylint_diag {
    const char *rule, *category, *message, *text;
    replylint_severity severity;
    size_t byte_start, byte_end, cp_start, cp_end, u16_start, u16_end;
    uint32_t line, column;
    const char **suggest;
    size_t n_suggest;
    int fixable; /* a swap with exactly one replacement */
};

/* Slots of the per-report cache of rule texts (see intern in report.c). */
#define RL_INTERN_SLOTS 32

struct replylint_report {
    rl_arena arena; /* every string of every diagnostic */
    const char *intern_src[RL_INTERN_SLOTS], *intern_dst[RL_INTERN_SLOTS];
    uint32_t interned; /* the slots in use, one bit each */
    replylint_diag *diags;
    size_t n, cap;
    const char *language;
    double score;
    size_t words;
    int incomplete; /* a search stopped at a limit: replylint_report_incomplete() */
    /* A report kept in a scratch (replylint_lint_into_scratch) is reset, not freed, between
     * calls, and keeps its offset block too. */
    bool kept;
    size_t *points;
    size_t cap_points;
    /* The scores of replies of up to 150 words (scale 6) by twice their penalty, under
     * RL_SCORE_MEMO, those computed marked in score_known: a kept report meets the same few
     * again and again (one missing closing: 0.5), and exp() is not free. */
#define RL_SCORE_MEMO 64
    double score_memo[RL_SCORE_MEMO];
    uint64_t score_known;
};

/* Append a diagnostic of the rule whose text (id, category, message) is `rule`, which
 * stays put for the whole call: copied once per report however many findings repeat it.
 * `message` is NULL for the rule's own, or one written into the report's memory
 * (replylint__report_buf), as the suggestions are: those are kept as they are, and the
 * flagged text[start, end) is copied.  Returns 0 or -1 (memory). */
int replylint__report_add(replylint_report *r, const rl_rule_text *rule, replylint_severity sev,
                          const char *message, const char *text, size_t start, size_t end,
                          const char *const *suggest, size_t n_suggest);
/* n bytes of the report's memory, for a message or suggestion to hand to
 * replylint__report_add; freed with the report (NULL: out of memory). */
char *replylint__report_buf(replylint_report *r, size_t n);
/* Empty a kept report for the next call, keeping its memory. */
void replylint__report_reset(replylint_report *r);
/* Drop findings below min_severity, sort, fill code point / UTF-16 / line offsets and
 * compute the score.  Returns 0 or -1 (memory). */
int replylint__report_finish(replylint_report *r, const char *text, size_t len,
                             replylint_severity min_severity, size_t words);

#endif /* REPLYLINT_REPORT_H */
