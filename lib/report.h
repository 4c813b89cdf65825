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

/* Slots of the per-report cache of rule-set strings (see intern in report.c). */
#define RL_INTERN_SLOTS 32

struct replylint_report {
    rl_arena arena; /* every string of every diagnostic */
    const char *intern_src[RL_INTERN_SLOTS], *intern_dst[RL_INTERN_SLOTS];
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
};

/* How replylint__report_add takes the message and the suggestions. */
enum {
    /* The message is the rule set's own string, which stays put for the whole call: copied
     * once per report however many findings repeat it. */
    RL_ADD_RULE_MESSAGE = 1,
    /* The message and the suggestions were written into the report's memory
     * (replylint__report_buf): kept as they are, not copied. */
    RL_ADD_OWNED = 2
};
/* Append a diagnostic; strings are copied into the report (but see the flags).  `rule` and
 * `category` are the rule set's own strings (see RL_ADD_RULE_MESSAGE).  Returns 0 or -1
 * (memory). */
int replylint__report_add(replylint_report *r, const char *rule, const char *category,
                          replylint_severity sev, const char *message, unsigned flags,
                          const char *text, size_t start, size_t end, const char *const *suggest,
                          size_t n_suggest);
/* n bytes of the report's memory, for a string to hand to replylint__report_add with
 * RL_ADD_OWNED; freed with the report (NULL: out of memory). */
char *replylint__report_buf(replylint_report *r, size_t n);
/* Empty a kept report for the next call, keeping its memory. */
void replylint__report_reset(replylint_report *r);
/* Drop findings below min_severity, sort, fill code point / UTF-16 / line offsets and
 * compute the score.  Returns 0 or -1 (memory). */
int replylint__report_finish(replylint_report *r, const char *text, size_t len,
                             replylint_severity min_severity, size_t words);

#endif /* REPLYLINT_REPORT_H */
