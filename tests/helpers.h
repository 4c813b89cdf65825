/* helpers.h: small shared helpers for the test suites. */
#ifndef REPLYLINT_TEST_HELPERS_H
#define REPLYLINT_TEST_HELPERS_H

#include "../lib/internal.h" /* RUNNING_ON_VALGRIND */
#include "replylint.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

/* Rounds for a randomized comparison of a fast path with its reference: a tenth under
 * valgrind, which is there to check memory, not the coverage the native run gives. */
static inline int random_rounds(int n)
{
    return RUNNING_ON_VALGRIND ? n / 10 : n;
}

/* Compile a rule set from one YAML text, without the defaults. */
static inline replylint_ruleset *rules_from(const char *yaml, replylint_error *err)
{
    replylint_builder *b = NULL;
    replylint_ruleset *rs = NULL;
    ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, NULL, err), 0);
    if (replylint_builder_add_buffer(b, yaml, strlen(yaml), "test.yaml", err) == 0)
        ck_assert_int_eq(replylint_builder_compile(&rs, b, err), 0);
    replylint_builder_free(b);
    return rs;
}

/* The diagnostic of rule `rule`, or NULL. */
static inline const replylint_diag *find_diag(const replylint_report *r, const char *rule)
{
    for (size_t i = 0; i < replylint_report_count(r); i++)
        if (strcmp(replylint_diag_rule(replylint_report_get(r, i)), rule) == 0)
            return replylint_report_get(r, i);
    return NULL;
}

static inline const replylint_diag *find_category(const replylint_report *r, const char *cat)
{
    for (size_t i = 0; i < replylint_report_count(r); i++)
        if (strcmp(replylint_diag_category(replylint_report_get(r, i)), cat) == 0)
            return replylint_report_get(r, i);
    return NULL;
}

/* A random text of up to `most` - 1 pieces, each drawn from pieces[0 .. n), written to out
 * (room for that many of the longest piece); returns its length.  The same seed gives the
 * same text: *seed steps a linear congruential generator. */
static inline size_t random_mix(char *out, const char *const *pieces, size_t n, size_t most,
                                unsigned *seed)
{
    size_t len = 0;
    *seed = *seed * 1103515245u + 12345u;
    size_t k = (*seed >> 16) % most;
    for (size_t j = 0; j < k; j++) {
        *seed = *seed * 1103515245u + 12345u;
        const char *p = pieces[(*seed >> 16) % n];
        memcpy(out + len, p, strlen(p));
        len += strlen(p);
    }
    return len;
}

#endif
