/*
 * check_limits.c: the limits that keep a service alive, and the argument checks of every
 * public function that tests/check_api.c does not already cover.
 *
 * Each test runs in its own process (Check's fork mode, the default here) under a
 * timeout of 30 s (x4 under a sanitizer): an input that should be refused or answered in
 * milliseconds and is not shows up as "Test timeout expired", not as a hung CI job.  Times
 * are printed, never compared with a bound tighter than that timeout.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "replylint.h"

#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SLOW_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SLOW_BUILD 1
#endif
#endif
#ifndef SLOW_BUILD
#define SLOW_BUILD 0
#endif

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A growable string for generated rule files and replies. */
typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->n + n + 1 > cap)
            cap *= 2;
        b->s = realloc(b->s, cap);
        ck_assert_ptr_nonnull(b->s);
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    ck_assert_int_lt(n, (int)sizeof(tmp));
    put(b, tmp, (size_t)n);
}

static void repeat(buf *b, const char *unit, size_t times)
{
    size_t ul = strlen(unit);
    for (size_t i = 0; i < times; i++)
        put(b, unit, ul);
}

/* Add a YAML text to a fresh builder (no defaults); returns add_buffer's status and the
 * time it took.  *rs receives the compiled set when wanted and the add succeeded. */
static int load(const char *yaml, size_t len, unsigned flags, replylint_error *err,
                replylint_ruleset **rs, double *secs)
{
    replylint_builder *b = NULL;
    ck_assert_int_eq(
        replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS | flags, "/nonexistent", err), 0);
    memset(err, 0, sizeof(*err));
    double t0 = now();
    int rc = replylint_builder_add_buffer(b, yaml, len, "limits.yaml", err);
    if (secs)
        *secs = now() - t0;
    if (rs) {
        *rs = NULL;
        if (rc == 0)
            ck_assert_int_eq(replylint_builder_compile(rs, b, err), 0);
    }
    replylint_builder_free(b);
    return rc;
}

static const char *RULE_HEAD = "rules:\n"
                               "  - id: t.rule\n"
                               "    category: tone\n"
                               "    message: m\n";

/* ===================================================================================== */
/* Reply size                                                                            */
/* ===================================================================================== */

static replylint_ruleset *defaults(void)
{
    replylint_ruleset *rs = NULL;
    replylint_error err;
    ck_assert_int_eq(replylint_ruleset_default(&rs, &err), 0);
    return rs;
}

START_TEST(test_max_bytes_default)
{
    replylint_ruleset *rs = defaults();
    size_t n = REPLYLINT_DEFAULT_MAX_BYTES + 1;
    char *t = malloc(n);
    memset(t, 'a', n);
    replylint_report *r = (replylint_report *)1;
    replylint_error err;
    ck_assert_int_eq(replylint_lint(&r, rs, t, n - 1, NULL, &err), REPLYLINT_OK);
    replylint_report_free(r);
    r = (replylint_report *)1;
    ck_assert_int_eq(replylint_lint(&r, rs, t, n, NULL, &err), REPLYLINT_ETOOBIG);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(err.status, REPLYLINT_ETOOBIG);
    /* A clear message: the size, the limit and the option that raises it. */
    ck_assert_ptr_nonnull(strstr(err.message, "1048577"));
    ck_assert_ptr_nonnull(strstr(err.message, "1048576"));
    ck_assert_ptr_nonnull(strstr(err.message, "max_bytes"));
    char *fixed = (char *)1;
    ck_assert_int_eq(replylint_fix(&fixed, NULL, rs, t, n, NULL, &err), REPLYLINT_ETOOBIG);
    ck_assert_ptr_null(fixed);
    free(t);
    replylint_ruleset_free(rs);
}
END_TEST

START_TEST(test_max_bytes_custom)
{
    replylint_ruleset *rs = defaults();
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.max_bytes = 10;
    replylint_report *r = NULL;
    replylint_error err;
    ck_assert_int_eq(replylint_lint(&r, rs, "0123456789", 10, &o, &err), REPLYLINT_OK);
    replylint_report_free(r);
    ck_assert_int_eq(replylint_lint(&r, rs, "0123456789A", 11, &o, &err), REPLYLINT_ETOOBIG);
    ck_assert_ptr_nonnull(strstr(err.message, "max_bytes"));
    /* Raised far above the default: 3 MiB of replies is linted. */
    o.max_bytes = SIZE_MAX;
    buf b = {0};
    while (b.n < (3u << 20))
        puts_(&b, "Денежные средства вернутся. Sorry for the inconvenience!!!\n");
    double t0 = now();
    ck_assert_int_eq(replylint_lint(&r, rs, b.s, b.n, &o, &err), REPLYLINT_OK);
    printf("limits: %zu bytes with max_bytes = SIZE_MAX: %zu findings in %.3f s\n", b.n,
           replylint_report_count(r), now() - t0);
    ck_assert_uint_gt(replylint_report_count(r), 1000);
    replylint_report_free(r);
    free(b.s);
    replylint_ruleset_free(rs);
}
END_TEST

/* ===================================================================================== */
/* Regular expressions                                                                   */
/* ===================================================================================== */

/* A rule set of one team regex, compiled with builder flags `flags` (0 or NO_JIT). */
static replylint_ruleset *team_regex(const char *pattern, int raw, unsigned flags)
{
    buf y = {0};
    puts_(&y, RULE_HEAD);
    putf(&y, "    kind: regex\n    raw: %s\n    pattern: '%s'\n", raw ? "true" : "false", pattern);
    puts_(&y, "    examples: {bad: [aaa], good: [ccc]}\n");
    replylint_error err;
    replylint_ruleset *rs = NULL;
    int rc = load(y.s, y.n, REPLYLINT_BUILD_NO_EXAMPLES | flags, &err, &rs, NULL);
    ck_assert_msg(rc == 0, "%s: %s", pattern, err.message);
    free(y.s);
    return rs;
}

/* Lint `text` with `rs`: the report, and the time it took. */
static replylint_report *lint_timed(const replylint_ruleset *rs, const char *text, size_t len,
                                    double *secs)
{
    replylint_report *r = NULL;
    replylint_error err;
    double t0 = now();
    ck_assert_int_eq(replylint_lint(&r, rs, text, len, NULL, &err), REPLYLINT_OK);
    *secs = now() - t0;
    return r;
}

/* Catastrophic backtracking: each team pattern must give up within PCRE2's match/depth/
 * heap limits, so the call returns promptly (its findings may be lost, the call is not),
 * with the JIT and with the interpreter.  A finding the interpreter loses is reported:
 * where its findings differ from the JIT's, its report is incomplete. */
START_TEST(test_catastrophic_regex)
{
    static const char *const patterns[] = {
        "(a+)+$", "(a|a)*b", "(?:a*)*b", "(a|aa)+$", "(\\w+\\s?)*$", "(.*a){12}", "^(a?){25}a{25}$",
    };
    buf text = {0};
    repeat(&text, "a", 50000);
    puts_(&text, "b");
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        for (int raw = 0; raw <= 1; raw++) {
            replylint_ruleset *jit = team_regex(patterns[i], raw, 0);
            replylint_ruleset *interp = team_regex(patterns[i], raw, REPLYLINT_BUILD_NO_JIT);
            double tj, ti;
            replylint_report *rj = lint_timed(jit, text.s, text.n, &tj);
            replylint_report *ri = lint_timed(interp, text.s, text.n, &ti);
            printf("limits: regex %-18s raw=%d on 50k 'a' + 'b': JIT %zu findings in %.3f s%s, "
                   "interpreter %zu in %.3f s%s\n",
                   patterns[i], raw, replylint_report_count(rj), tj,
                   replylint_report_incomplete(rj) ? " (incomplete)" : "",
                   replylint_report_count(ri), ti,
                   replylint_report_incomplete(ri) ? " (incomplete)" : "");
            ck_assert(replylint_report_count(ri) == replylint_report_count(rj) ||
                      replylint_report_incomplete(ri));
            replylint_report_free(rj);
            replylint_report_free(ri);
            replylint_ruleset_free(jit);
            replylint_ruleset_free(interp);
        }
    }
    free(text.s);
}
END_TEST

/* Without the JIT (REPLYLINT_BUILD_NO_JIT: what runs under valgrind, or where executable
 * memory is forbidden), PCRE2's match limit alone does not bound a call: it counts per
 * start position, and a scan like \w* counts as one step however far it reads.  Before
 * lint.c bounded the interpreter, each of these took minutes on 1 MiB (the first: 6 s on
 * 16 KiB, over 30 s on 64 KiB).  Now each call finishes; a search that a bound stopped
 * says so (incomplete), and otherwise the findings are the JIT's. */
START_TEST(test_interpreted_regex_bounded)
{
    static const struct {
        const char *pattern, *unit, *tail;
        /* jit_too: also run the JIT and compare.  Team patterns are searched window by
         * window with the JIT too (lint.c): before that, \bsorry\b[^.]*\binconvenience\b
         * read to the end of the reply from every word, 47 s on 256 KiB. */
        int raw, jit_too;
    } cases[] = {
        {"[!?]*(?:!!|\\?\\?)[!?]*", "!?", "", 1, 1}, /* the old default punctuation rule */
        {"\\w*!", "a", " !", 0, 1},
        {"a[^!b]*!", "a", "b!", 0, 1},
        {"(?s)x.*?y", "x", "", 0, 1},
        {"(a|aa)+c", "aaaaaaaaaaaaaaaaaaaa!", "c", 0, 1},
        {"(a+)+$", "a", "b", 0, 1},
        {"(\\w+\\s?)*$", "word ", "!", 0, 1},
        {"\\bx[\\w ]*y$", "x ", "y", 0, 1},
        {"\\bsorry\\b[^.]*\\binconvenience\\b", "sorry for the trouble ", ".", 0, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf text = {0};
        repeat(&text, cases[i].unit, (REPLYLINT_DEFAULT_MAX_BYTES - 8) / strlen(cases[i].unit));
        puts_(&text, cases[i].tail);
        replylint_ruleset *interp =
            team_regex(cases[i].pattern, cases[i].raw, REPLYLINT_BUILD_NO_JIT);
        double ti, tj = 0;
        replylint_report *ri = lint_timed(interp, text.s, text.n, &ti);
        int incomplete = replylint_report_incomplete(ri);
        printf("limits: interpreter, regex %-32s on 1 MiB of '%s': %zu findings in %.3f s%s\n",
               cases[i].pattern, cases[i].unit, replylint_report_count(ri), ti,
               incomplete ? " (incomplete)" : "");
        if (cases[i].jit_too) {
            replylint_ruleset *jit = team_regex(cases[i].pattern, cases[i].raw, 0);
            replylint_report *rj = lint_timed(jit, text.s, text.n, &tj);
            printf("limits: JIT,         regex %-32s on 1 MiB of '%s': %zu findings in %.3f s%s\n",
                   cases[i].pattern, cases[i].unit, replylint_report_count(rj), tj,
                   replylint_report_incomplete(rj) ? " (incomplete)" : "");
            ck_assert_msg(incomplete || replylint_report_count(ri) == replylint_report_count(rj),
                          "%s: %zu findings, the JIT %zu, and the report is not incomplete",
                          cases[i].pattern, replylint_report_count(ri), replylint_report_count(rj));
            replylint_report_free(rj);
            replylint_ruleset_free(jit);
        }
        replylint_report_free(ri);
        replylint_ruleset_free(interp);
        free(text.s);
    }
}
END_TEST

/* The default rules on ordinary replies, JIT and interpreter: the same findings, and no
 * report says a search stopped early, also past the interpreter's 1 KiB window. */
START_TEST(test_default_rules_complete)
{
    static const char para[] =
        "Здравствуйте, Ирина! Денежные средства будут возвращены в ближайшее время. Приносим "
        "извинения за доставленные неудобства!! С уважением, Служба поддержки\n\n"
        "Hi John, please be advised that we apologize for any inconvenience. Your refund is "
        "on its way ASAP!!! Are you serious? Best regards, Support Team\n\n";
    replylint_builder *b = NULL;
    replylint_error err;
    replylint_ruleset *interp = NULL;
    ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_JIT, NULL, &err), 0);
    ck_assert_int_eq(replylint_builder_compile(&interp, b, &err), 0);
    replylint_builder_free(b);
    replylint_ruleset *jit = defaults();
    for (size_t kib = 1; kib <= 256; kib *= 4) {
        buf text = {0};
        repeat(&text, para, kib * 1024 / (sizeof(para) - 1) + 1);
        double tj, ti;
        replylint_report *rj = lint_timed(jit, text.s, text.n, &tj);
        replylint_report *ri = lint_timed(interp, text.s, text.n, &ti);
        printf("limits: default rules on %zu KiB: JIT %zu findings in %.3f s, interpreter %zu in "
               "%.3f s\n",
               text.n >> 10, replylint_report_count(rj), tj, replylint_report_count(ri), ti);
        ck_assert_int_eq(replylint_report_incomplete(rj), 0);
        ck_assert_int_eq(replylint_report_incomplete(ri), 0);
        ck_assert_uint_eq(replylint_report_count(ri), replylint_report_count(rj));
        for (size_t k = 0; k < replylint_report_count(rj); k++) {
            const replylint_diag *a = replylint_report_get(rj, k), *d = replylint_report_get(ri, k);
            size_t as, ae, ds, de;
            replylint_diag_offsets(a, REPLYLINT_UNIT_BYTE, &as, &ae);
            replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &ds, &de);
            ck_assert_str_eq(replylint_diag_rule(a), replylint_diag_rule(d));
            ck_assert_uint_eq(as, ds);
            ck_assert_uint_eq(ae, de);
        }
        replylint_report_free(rj);
        replylint_report_free(ri);
        free(text.s);
    }
    replylint_ruleset_free(jit);
    replylint_ruleset_free(interp);
}
END_TEST

START_TEST(test_pattern_too_long)
{
    for (int over = 0; over <= 1; over++) {
        buf y = {0};
        puts_(&y, RULE_HEAD);
        puts_(&y, "    kind: regex\n    pattern: '");
        repeat(&y, "x", 16384 + (size_t)over);
        puts_(&y, "'\n    examples: {bad: [x], good: [y]}\n");
        replylint_error err;
        int rc = load(y.s, y.n, REPLYLINT_BUILD_NO_EXAMPLES, &err, NULL, NULL);
        if (!over) {
            ck_assert_msg(rc == 0, "16 KiB pattern: %s", err.message);
        } else {
            ck_assert_int_eq(rc, REPLYLINT_ETOOBIG);
            ck_assert_ptr_nonnull(strstr(err.message, "16384"));
            ck_assert_str_eq(err.source, "limits.yaml");
            ck_assert_uint_eq(err.line, 6);
        }
        free(y.s);
    }
}
END_TEST

/* A short pattern whose compiled form would be huge: refused by PCRE2, as a regex error. */
START_TEST(test_pattern_compiles_too_big)
{
    buf y = {0};
    puts_(&y, RULE_HEAD);
    puts_(&y, "    kind: regex\n    pattern: '((((a{1,65535}){1,65535}){1,65535}){1,65535})'\n");
    puts_(&y, "    examples: {bad: [a], good: [b]}\n");
    replylint_error err;
    double t;
    int rc = load(y.s, y.n, REPLYLINT_BUILD_NO_EXAMPLES, &err, NULL, &t);
    printf("limits: nested counted repeats: rc %d in %.3f s: %s\n", rc, t, err.message);
    ck_assert_int_eq(rc, REPLYLINT_ERULE_REGEX);
    free(y.s);
}
END_TEST

/* ===================================================================================== */
/* Rule files                                                                            */
/* ===================================================================================== */

START_TEST(test_rule_file_too_big)
{
    size_t n = (16u << 20) + 1;
    char *y = malloc(n);
    memset(y, '#', n);
    replylint_error err;
    double t;
    int rc = load(y, n, 0, &err, NULL, &t);
    ck_assert_int_eq(rc, REPLYLINT_ETOOBIG);
    ck_assert_ptr_nonnull(strstr(err.message, "larger than"));
    ck_assert_str_eq(err.source, "limits.yaml");
    printf("limits: 16 MiB + 1 rule file refused in %.3f s\n", t);
    /* 16 MiB of comments exactly: accepted, and read in linear time. */
    rc = load(y, n - 1, 0, &err, NULL, &t);
    ck_assert_int_eq(rc, REPLYLINT_OK);
    printf("limits: 16 MiB rule file of comments loaded in %.3f s\n", t);
    free(y);
}
END_TEST

static int phrase_rule(const char *phrase, replylint_error *err)
{
    buf y = {0};
    puts_(&y, RULE_HEAD);
    puts_(&y, "    kind: phrase\n    phrases: ['");
    puts_(&y, phrase);
    puts_(&y, "']\n");
    puts_(&y, "    examples: {bad: [x], good: [y]}\n");
    int rc = load(y.s, y.n, REPLYLINT_BUILD_NO_EXAMPLES, err, NULL, NULL);
    free(y.s);
    return rc;
}

START_TEST(test_phrase_words_and_optionals)
{
    replylint_error err;
    buf p = {0};
    for (int i = 0; i < 16; i++)
        putf(&p, "%sw%d", i ? " " : "", i);
    ck_assert_int_eq(phrase_rule(p.s, &err), 0);
    puts_(&p, " w16");
    ck_assert_int_eq(phrase_rule(p.s, &err), REPLYLINT_ERULE);
    ck_assert_ptr_nonnull(strstr(err.message, "too many words"));
    ck_assert_uint_eq(err.line, 6);
    free(p.s);
    ck_assert_int_eq(phrase_rule("a b? c? d? e?", &err), 0);
    ck_assert_int_eq(phrase_rule("a b? c? d? e? f?", &err), REPLYLINT_ERULE);
    ck_assert_ptr_nonnull(strstr(err.message, "optional"));
    /* 16 words, 4 of them optional sets of alternatives: 16 paths, each 12-16 words. */
    ck_assert_int_eq(phrase_rule("a (b|c)? (d|e)? (f|g)? (h|i)? j k l m n o p q r s t", &err), 0);
}
END_TEST

/* Thousands of nested flow collections.  libyaml's scanner is quadratic in the nesting
 * depth (each token rechecks every open simple key), so the depth must be capped before
 * libyaml gets that deep. */
START_TEST(test_yaml_deep_nesting)
{
    for (int k = 0; k < 2; k++) {
        buf y = {0};
        puts_(&y, "rules: ");
        repeat(&y, k ? "{a: " : "[", 256u << 10);
        replylint_error err;
        double t;
        int rc = load(y.s, y.n, 0, &err, NULL, &t);
        printf("limits: %zu bytes of nested %s: rc %d in %.3f s: %s\n", y.n, k ? "{a: " : "[", rc,
               t, err.message);
        ck_assert(rc == REPLYLINT_ERULE_SYNTAX || rc == REPLYLINT_ERULE || rc == REPLYLINT_ETOOBIG);
        free(y.s);
    }
}
END_TEST

/* YAML aliases make one node count many times: a 100 KiB file must not make gigabytes of
 * rule data ("billion laughs").  Refused, or at least not amplified. */
START_TEST(test_yaml_alias_amplification)
{
    buf y = {0};
    puts_(&y, RULE_HEAD);
    puts_(&y, "    kind: regex\n    pattern: zzz\n    examples:\n      bad: [zzz]\n"
              "      good: [&a \"");
    repeat(&y, "a", 65536);
    puts_(&y, "\"");
    repeat(&y, ", *a", 4000); /* 4000 x 64 KiB = 256 MiB of example text */
    puts_(&y, "]\n");
    replylint_error err;
    double t;
    int rc = load(y.s, y.n, REPLYLINT_BUILD_NO_EXAMPLES, &err, NULL, &t);
    printf("limits: %zu-byte file with 4000 aliases of a 64 KiB scalar: rc %d in %.3f s: %s\n", y.n,
           rc, t, err.message);
    ck_assert_msg(rc == REPLYLINT_ERULE || rc == REPLYLINT_ETOOBIG,
                  "aliases expanded to 256 MiB of examples (rc %d)", rc);
    free(y.s);
}
END_TEST

/* One phrase word with 100,000 alternatives (600 KiB): refused, or compiled in linear
 * time (the duplicate check of a slot's forms is quadratic). */
START_TEST(test_phrase_many_alternatives)
{
    buf p = {0};
    puts_(&p, "(");
    for (int i = 0; i < 100000; i++)
        putf(&p, "%sw%d", i ? "|" : "", i);
    puts_(&p, ")");
    replylint_error err;
    double t0 = now();
    int rc = phrase_rule(p.s, &err);
    printf("limits: one phrase word with 100000 alternatives: rc %d in %.3f s: %s\n", rc,
           now() - t0, rc ? err.message : "");
    ck_assert(rc == REPLYLINT_OK || rc == REPLYLINT_ERULE || rc == REPLYLINT_ETOOBIG);
    free(p.s);
}
END_TEST

/* 60,000 rules in one file (6 MiB, under the 16 MiB file limit): refused, or loaded in
 * linear time (the duplicate-id check is quadratic). */
START_TEST(test_many_rules)
{
    buf y = {0};
    puts_(&y, "rules:\n");
    for (int i = 0; i < 60000; i++)
        putf(&y,
             " - {id: r%d, category: tone, kind: phrase, phrases: [w%d], message: m, "
             "examples: {bad: [w%d], good: [ok]}}\n",
             i, i, i);
    replylint_error err;
    double t;
    int rc = load(y.s, y.n, REPLYLINT_BUILD_NO_EXAMPLES, &err, NULL, &t);
    printf("limits: %zu-byte file of 60000 rules: rc %d in %.3f s %s\n", y.n, rc, t,
           rc ? err.message : "");
    ck_assert(rc == REPLYLINT_OK || rc == REPLYLINT_ERULE || rc == REPLYLINT_ETOOBIG);
    free(y.s);
}
END_TEST

/* 300 phrases whose words all accept "b" (each in its own slot), linted against 64 KiB
 * of "b b b ...": the phrase scan tries every slot of the word at every trie node, so
 * a 9 KiB rule file costs minutes per reply.  Refused at load, or linted promptly. */
START_TEST(test_phrase_fanout)
{
    buf y = {0};
    puts_(&y, RULE_HEAD);
    puts_(&y, "    kind: phrase\n    phrases:\n");
    for (int i = 0; i < 300; i++)
        putf(&y, "      - 'b (b|c%d) (b|d%d) * *'\n", i, i);
    puts_(&y, "    examples: {bad: [b b b b b], good: [ok]}\n");
    replylint_error err;
    replylint_ruleset *rs = NULL;
    int rc = load(y.s, y.n, REPLYLINT_BUILD_NO_EXAMPLES, &err, &rs, NULL);
    if (rc == 0) {
        buf t = {0};
        repeat(&t, "b ", 32768);
        replylint_report *r = NULL;
        double t0 = now();
        int lrc = replylint_lint(&r, rs, t.s, t.n, NULL, &err);
        printf("limits: 300 fan-out phrases on 64 KiB of 'b ': rc %d in %.3f s%s\n", lrc,
               now() - t0, replylint_report_incomplete(r) ? " (incomplete)" : "");
        ck_assert(lrc == REPLYLINT_OK || lrc == REPLYLINT_ETOOBIG);
        /* The scan budget stops the search for these phrases: the report says so. */
        if (lrc == REPLYLINT_OK)
            ck_assert_int_eq(replylint_report_incomplete(r), 1);
        replylint_report_free(r);
        free(t.s);
    } else {
        printf("limits: 300 fan-out phrases refused: %s\n", err.message);
        ck_assert(rc == REPLYLINT_ERULE || rc == REPLYLINT_ETOOBIG);
    }
    replylint_ruleset_free(rs);
    free(y.s);
}
END_TEST

/* Name variants (`aliases:`) come from a team's rule file: a customer whose name is in a
 * group makes the check look for every variant of the group in the reply.  50,000
 * variants in one group (400 KiB of rule file) and a 1 MiB reply: refused at load, or
 * linted promptly (each variant scans every word of the reply today: minutes). */
START_TEST(test_name_aliases_fanout)
{
    buf y = {0};
    puts_(&y, RULE_HEAD);
    puts_(&y, "    kind: name\n    aliases: [[Bob");
    for (int i = 0; i < 50000; i++)
        putf(&y, ", a%d", i);
    puts_(&y, "]]\n    examples: {bad: [{text: Hi., name: Bob}], good: [{text: Hi Bob., name: "
              "Bob}]}\n");
    replylint_error err;
    replylint_ruleset *rs = NULL;
    double t;
    int rc = load(y.s, y.n, REPLYLINT_BUILD_NO_EXAMPLES, &err, &rs, &t);
    if (rc == 0) {
        buf text = {0};
        repeat(&text, "x ", REPLYLINT_DEFAULT_MAX_BYTES / 2);
        replylint_options o;
        replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
        o.customer_name = "Bob";
        replylint_report *r = NULL;
        double t0 = now();
        int lrc = replylint_lint(&r, rs, text.s, text.n, &o, &err);
        printf("limits: 50000 name variants, 1 MiB reply: rc %d in %.3f s\n", lrc, now() - t0);
        ck_assert(lrc == REPLYLINT_OK || lrc == REPLYLINT_ETOOBIG);
        replylint_report_free(r);
        free(text.s);
    } else {
        printf("limits: 50000 name variants refused: %s\n", err.message);
        ck_assert(rc == REPLYLINT_ERULE || rc == REPLYLINT_ETOOBIG);
    }
    replylint_ruleset_free(rs);
    free(y.s);
}
END_TEST

/* The customer's name is an input of every call with no limit of its own; the name
 * check compares every word of it with every word of the reply. */
START_TEST(test_long_customer_name)
{
    replylint_ruleset *rs = defaults();
    buf t = {0}, name = {0};
    while (t.n < REPLYLINT_DEFAULT_MAX_BYTES - 200)
        puts_(&t, "Здравствуйте! Денежные средства вернутся завтра.\n");
    while (name.n < REPLYLINT_DEFAULT_MAX_BYTES - 16)
        puts_(&name, "Иван ");
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.customer_name = name.s;
    o.agent_name = name.s;
    replylint_report *r = NULL;
    replylint_error err;
    double t0 = now();
    int rc = replylint_lint(&r, rs, t.s, t.n, &o, &err);
    printf("limits: 1 MiB reply with a 1 MiB customer and agent name: rc %d in %.3f s %s\n", rc,
           now() - t0, rc ? err.message : "");
    ck_assert(rc == REPLYLINT_OK || rc == REPLYLINT_ETOOBIG || rc == REPLYLINT_EINVAL);
    replylint_report_free(r);
    free(t.s);
    free(name.s);
    replylint_ruleset_free(rs);
}
END_TEST

/* ===================================================================================== */
/* Arguments of every public function (what check_api.c does not cover)                 */
/* ===================================================================================== */

START_TEST(test_options_out_of_range)
{
    replylint_ruleset *rs = defaults();
    replylint_report *r = (replylint_report *)1;
    replylint_error err;
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.lang = (replylint_lang)3;
    ck_assert_int_eq(replylint_lint(&r, rs, "x", 1, &o, &err), REPLYLINT_EINVAL);
    ck_assert_ptr_null(r);
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.min_severity = (replylint_severity)4;
    ck_assert_int_eq(replylint_lint(&r, rs, "x", 1, &o, &err), REPLYLINT_EINVAL);
    o.min_severity = (replylint_severity)-1;
    ck_assert_int_eq(replylint_lint(&r, rs, "x", 1, &o, &err), REPLYLINT_EINVAL);
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.channel = (replylint_channel)-1;
    ck_assert_int_eq(replylint_lint(&r, rs, "x", 1, &o, &err), REPLYLINT_EINVAL);
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.flags = 0x80000000u; /* an unknown flag */
    ck_assert_int_eq(replylint_lint(&r, rs, "x", 1, &o, &err), REPLYLINT_EINVAL);
    o.flags = REPLYLINT_LINT_FOLLOWUP;
    ck_assert_int_eq(replylint_lint(&r, rs, "x", 1, &o, &err), REPLYLINT_OK);
    replylint_report_free(r);
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.version = REPLYLINT_OPTIONS_VERSION + 1;
    ck_assert_int_eq(replylint_lint(&r, rs, "x", 1, &o, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(err.status, REPLYLINT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "replylint_options_init"));
    /* Every valid combination is accepted. */
    for (unsigned fl = 0; fl <= REPLYLINT_LINT_FOLLOWUP; fl++)
        for (int ch = 0; ch <= 1; ch++)
            for (int lang = 0; lang <= 2; lang++)
                for (int sev = 0; sev <= 3; sev++) {
                    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
                    o.channel = (replylint_channel)ch;
                    o.lang = (replylint_lang)lang;
                    o.min_severity = (replylint_severity)sev;
                    o.flags = fl;
                    ck_assert_int_eq(replylint_lint(&r, rs, "Hi", 2, &o, &err), 0);
                    replylint_report_free(r);
                }
    replylint_ruleset_free(rs);
}
END_TEST

/* replylint.h: "reserved: must be zero".  A nonzero one (a caller built against a newer
 * header, or one that did not initialise the struct) is refused, not ignored. */
static void refuse_options(const replylint_ruleset *rs, const replylint_options *o)
{
    replylint_report *r = (replylint_report *)1;
    replylint_error err;
    ck_assert_int_eq(replylint_lint(&r, rs, "x", 1, o, &err), REPLYLINT_EINVAL);
    ck_assert_ptr_null(r);
    char *f = (char *)1;
    ck_assert_int_eq(replylint_fix(&f, NULL, rs, "x", 1, o, &err), REPLYLINT_EINVAL);
    ck_assert_ptr_null(f);
}

START_TEST(test_options_reserved_must_be_zero)
{
    replylint_ruleset *rs = defaults();
    replylint_options o;
    for (size_t i = 0; i < sizeof(o.reserved) / sizeof(o.reserved[0]); i++) {
        replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
        o.reserved[i] = 1;
        refuse_options(rs, &o);
    }
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.reserved32 = 1;
    refuse_options(rs, &o);
    replylint_ruleset_free(rs);
}
END_TEST

START_TEST(test_fix_arguments)
{
    replylint_ruleset *rs = defaults();
    replylint_error err;
    char *f = (char *)1;
    size_t fl = 99;
    ck_assert_int_eq(replylint_fix(NULL, &fl, rs, "x", 1, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_fix(NULL, NULL, rs, "x", 1, NULL, NULL), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_fix(&f, &fl, NULL, "x", 1, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_ptr_null(f);
    f = (char *)1;
    ck_assert_int_eq(replylint_fix(&f, &fl, rs, NULL, 3, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_ptr_null(f);
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.version = 0;
    ck_assert_int_eq(replylint_fix(&f, &fl, rs, "x", 1, &o, &err), REPLYLINT_EINVAL);
    /* Zero length: NULL or not, the result is an empty string. */
    ck_assert_int_eq(replylint_fix(&f, &fl, rs, NULL, 0, NULL, &err), 0);
    ck_assert_str_eq(f, "");
    ck_assert_uint_eq(fl, 0);
    replylint_free(f);
    ck_assert_int_eq(replylint_fix(&f, NULL, rs, "", 0, NULL, &err), 0);
    ck_assert_str_eq(f, "");
    replylint_free(f);
    /* Invalid UTF-8: EUTF8 at the offset, as for lint. */
    f = (char *)1;
    ck_assert_int_eq(replylint_fix(&f, &fl, rs, "ab\xff", 3, NULL, &err), REPLYLINT_EUTF8);
    ck_assert_ptr_null(f);
    ck_assert_uint_eq(err.offset, 2);
    ck_assert_str_eq(err.source, "<input>");
    /* A text that is not NUL-terminated and contains NUL bytes: kept byte for byte. */
    static const char t[] = {'O', 'k', '\0', '!', '\n'};
    char *exact = malloc(sizeof(t));
    memcpy(exact, t, sizeof(t));
    ck_assert_int_eq(replylint_fix(&f, &fl, rs, exact, sizeof(t), NULL, &err), 0);
    ck_assert_uint_eq(fl, sizeof(t));
    ck_assert_int_eq(memcmp(f, t, sizeof(t)), 0);
    ck_assert_int_eq(f[fl], '\0');
    replylint_free(f);
    free(exact);
    replylint_ruleset_free(rs);
}
END_TEST

START_TEST(test_lint_text_not_terminated)
{
    replylint_ruleset *rs = defaults();
    static const char t[] = "Денежные средства вернутся.";
    size_t n = sizeof(t) - 1;
    char *exact = malloc(n); /* no NUL: a read past the end is caught by ASan/valgrind */
    memcpy(exact, t, n);
    replylint_report *r = NULL;
    replylint_error err;
    ck_assert_int_eq(replylint_lint(&r, rs, exact, n, NULL, &err), 0);
    ck_assert_uint_gt(replylint_report_count(r), 0);
    replylint_report_free(r);
    /* Zero length with a non-NULL pointer: an empty reply, linted like NULL, 0. */
    replylint_report *r0 = NULL;
    ck_assert_int_eq(replylint_lint(&r, rs, exact, 0, NULL, &err), 0);
    ck_assert_int_eq(replylint_lint(&r0, rs, NULL, 0, NULL, &err), 0);
    ck_assert_uint_eq(replylint_report_count(r), replylint_report_count(r0));
    ck_assert_uint_eq(replylint_report_words(r), 0);
    replylint_report_free(r);
    replylint_report_free(r0);
    free(exact);
    replylint_ruleset_free(rs);
}
END_TEST

/* replylint.h: "On success it [the error] is left untouched". */
START_TEST(test_error_untouched_on_success)
{
    replylint_error err, pristine;
    memset(&err, 0x5a, sizeof(err));
    pristine = err;
    replylint_ruleset *rs = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&rs, &err), 0);
    ck_assert_int_eq(memcmp(&err, &pristine, sizeof(err)), 0);
    replylint_report *r = NULL;
    ck_assert_int_eq(replylint_lint(&r, rs, "Hello!", 6, NULL, &err), 0);
    ck_assert_int_eq(memcmp(&err, &pristine, sizeof(err)), 0);
    replylint_report_free(r);
    char *f = NULL;
    ck_assert_int_eq(replylint_fix(&f, NULL, rs, "Hello!", 6, NULL, &err), 0);
    ck_assert_int_eq(memcmp(&err, &pristine, sizeof(err)), 0);
    replylint_free(f);
    replylint_builder *b = NULL;
    ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, NULL, &err), 0);
    ck_assert_int_eq(replylint_builder_add_buffer(b, "", 0, NULL, &err), 0);
    replylint_ruleset *rs2 = NULL;
    ck_assert_int_eq(replylint_builder_compile(&rs2, b, &err), 0);
    ck_assert_int_eq(memcmp(&err, &pristine, sizeof(err)), 0);
    replylint_ruleset_free(rs2);
    replylint_builder_free(b);
    replylint_ruleset_free(rs);
}
END_TEST

START_TEST(test_builder_arguments)
{
    replylint_error err;
    replylint_builder *b = (replylint_builder *)1;
    ck_assert_int_eq(replylint_builder_new(&b, 0x8, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(replylint_builder_new(NULL, 0, NULL, NULL), REPLYLINT_EINVAL);
    /* A dictionary folder that does not exist is not an error: words match as written. */
    ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, "/nonexistent", &err),
                     0);
    /* add_buffer: zero length (NULL or not) is an empty file; source_name NULL is named. */
    ck_assert_int_eq(replylint_builder_add_buffer(b, "", 0, "x.yaml", &err), 0);
    ck_assert_int_eq(replylint_builder_add_buffer(b, "rules: 5", 8, NULL, &err), REPLYLINT_ERULE);
    ck_assert_str_eq(err.source, "<buffer>");
    ck_assert_uint_eq(err.line, 1);
    ck_assert_int_eq(replylint_builder_add_buffer(b, "rules: [", 8, NULL, NULL),
                     REPLYLINT_ERULE_SYNTAX);
    /* A buffer that is not NUL-terminated. */
    static const char y[] = "rules: []";
    char *exact = malloc(sizeof(y) - 1);
    memcpy(exact, y, sizeof(y) - 1);
    ck_assert_int_eq(replylint_builder_add_buffer(b, exact, sizeof(y) - 1, "e.yaml", &err), 0);
    free(exact);
    /* A NUL byte inside a rule file is not YAML. */
    ck_assert_int_ne(replylint_builder_add_buffer(b, "rules:\0[]", 9, "n.yaml", &err), 0);
    /* add_file: missing file, a folder. */
    ck_assert_int_eq(replylint_builder_add_file(b, "/nonexistent/rules.yaml", &err), REPLYLINT_EIO);
    ck_assert_str_eq(err.source, "/nonexistent/rules.yaml");
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/rules.yaml"));
    int rc = replylint_builder_add_file(b, "/", &err);
    ck_assert_msg(rc == REPLYLINT_EIO, "a folder as a rule file: %d %s", rc, err.message);
    ck_assert_int_eq(replylint_builder_add_file(b, "", &err), REPLYLINT_EIO);
    /* compile: twice from one builder gives two independent sets. */
    replylint_ruleset *a = NULL, *c = NULL;
    ck_assert_int_eq(replylint_builder_compile(&a, b, &err), 0);
    ck_assert_int_eq(replylint_builder_compile(&c, b, &err), 0);
    ck_assert_ptr_ne(a, c);
    replylint_builder_free(b);
    ck_assert_uint_eq(replylint_ruleset_count(a), 0);
    replylint_ruleset_free(a);
    replylint_ruleset_free(c);
}
END_TEST

START_TEST(test_accessors_null)
{
    uint32_t line = 77;
    ck_assert_uint_eq(replylint_ruleset_count(NULL), 0);
    ck_assert_ptr_null(replylint_ruleset_get(NULL, 0));
    ck_assert_ptr_null(replylint_ruleset_find(NULL, "x"));
    ck_assert_str_eq(replylint_rule_category(NULL), "");
    ck_assert_str_eq(replylint_rule_language(NULL), "");
    ck_assert_str_eq(replylint_rule_kind(NULL), "");
    ck_assert_int_eq(replylint_rule_severity(NULL), 0);
    ck_assert_str_eq(replylint_rule_message(NULL), "");
    ck_assert_str_eq(replylint_rule_rationale(NULL), "");
    ck_assert_str_eq(replylint_rule_source(NULL, &line), "");
    ck_assert_uint_eq(line, 0);
    ck_assert_str_eq(replylint_rule_source(NULL, NULL), "");
    ck_assert_uint_eq(replylint_rule_example_count(NULL, 0), 0);
    ck_assert_uint_eq(replylint_rule_example_count(NULL, 1), 0);
    ck_assert_ptr_null(replylint_rule_example(NULL, 0, 0));
    ck_assert_str_eq(replylint_report_language(NULL), "");
    ck_assert(replylint_report_score(NULL) == 0.0);
    ck_assert_uint_eq(replylint_report_words(NULL), 0);
    ck_assert_int_eq(replylint_report_incomplete(NULL), 0);
    ck_assert_str_eq(replylint_diag_category(NULL), "");
    ck_assert_int_eq(replylint_diag_severity(NULL), 0);
    ck_assert_str_eq(replylint_diag_message(NULL), "");
    ck_assert_str_eq(replylint_diag_text(NULL), "");
    ck_assert_uint_eq(replylint_diag_line(NULL), 0);
    ck_assert_uint_eq(replylint_diag_column(NULL), 0);
    ck_assert_int_eq(replylint_diag_fixable(NULL), 0);
    ck_assert_ptr_null(replylint_severity_name((replylint_severity)0));

    /* Real objects: out-of-range indices and NULL out-parameters. */
    replylint_ruleset *rs = defaults();
    const replylint_rule *rule = replylint_ruleset_get(rs, 0);
    ck_assert_ptr_nonnull(rule);
    ck_assert_str_ne(replylint_rule_source(rule, NULL), "");
    ck_assert_ptr_null(replylint_rule_example(rule, 1, replylint_rule_example_count(rule, 1)));
    ck_assert_ptr_null(replylint_rule_example(rule, 0, SIZE_MAX));
    ck_assert_ptr_null(replylint_ruleset_find(rs, ""));
    ck_assert_ptr_null(replylint_ruleset_get(rs, SIZE_MAX));
    replylint_report *r = NULL;
    replylint_error err;
    const char *t = "Денежные средства вернутся.";
    ck_assert_int_eq(replylint_lint(&r, rs, t, strlen(t), NULL, &err), 0);
    ck_assert_uint_gt(replylint_report_count(r), 0);
    const replylint_diag *d = replylint_report_get(r, 0);
    size_t s = 0, e = 0;
    ck_assert_int_eq(replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, NULL, &e), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &s, NULL), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_diag_offsets(d, (replylint_unit)3, &s, &e), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_diag_offsets(d, (replylint_unit)-1, &s, &e), REPLYLINT_EINVAL);
    ck_assert_ptr_null(replylint_diag_suggestion(d, replylint_diag_suggestion_count(d)));
    ck_assert_ptr_null(replylint_diag_suggestion(d, SIZE_MAX));
    ck_assert_ptr_null(replylint_report_get(r, SIZE_MAX));
    replylint_report_free(r);
    replylint_ruleset_free(rs);
}
END_TEST

/* Every status has its own text; the error text of a refused call is UTF-8 even when it
 * quotes a long Cyrillic phrase or example and has to be cut. */
START_TEST(test_error_messages_are_utf8)
{
    replylint_error err;
    buf p = {0};
    repeat(&p, "ж", 300);
    repeat(&p, " слово", 16);
    ck_assert_int_eq(phrase_rule(p.s, &err), REPLYLINT_ERULE);
    size_t n = strlen(err.message);
    ck_assert_uint_gt(n, 0);
    /* The last character is complete: no lead byte without its continuation bytes. */
    size_t i = n;
    while (i > 0 && ((unsigned char)err.message[i - 1] & 0xC0) == 0x80)
        i--;
    ck_assert_uint_gt(i, 0);
    unsigned char lead = (unsigned char)err.message[i - 1];
    size_t want = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    ck_assert_msg(n - (i - 1) == want, "message ends inside a UTF-8 sequence");
    free(p.s);

    buf y = {0};
    puts_(&y, RULE_HEAD);
    puts_(&y, "    kind: regex\n    pattern: zzz\n    examples:\n      bad: [");
    repeat(&y, "ж", 100);
    puts_(&y, "]\n      good: [ok]\n");
    ck_assert_int_eq(load(y.s, y.n, 0, &err, NULL, NULL), REPLYLINT_ERULE_EXAMPLE);
    const char *q = strchr(err.message, '"');
    ck_assert_ptr_nonnull(q);
    for (const unsigned char *c = (const unsigned char *)q + 1; *c && *c != '"'; c++) {
        if (*c == 0xD0 || *c == 0xD1) {
            ck_assert_msg((c[1] & 0xC0) == 0x80, "quoted example cut inside a character");
            c++;
        }
    }
    free(y.s);
}
END_TEST

static Suite *limits_suite(void)
{
    Suite *s = suite_create("limits");
    int timeout = SLOW_BUILD ? 120 : 30;
    TCase *in = tcase_create("reply");
    tcase_set_timeout(in, timeout);
    tcase_add_test(in, test_max_bytes_default);
    tcase_add_test(in, test_max_bytes_custom);
    tcase_add_test(in, test_long_customer_name);
    suite_add_tcase(s, in);

    TCase *re = tcase_create("regex");
    tcase_set_timeout(re, timeout);
    tcase_add_test(re, test_catastrophic_regex);
    tcase_add_test(re, test_interpreted_regex_bounded);
    tcase_add_test(re, test_default_rules_complete);
    tcase_add_test(re, test_pattern_too_long);
    tcase_add_test(re, test_pattern_compiles_too_big);
    suite_add_tcase(s, re);

    TCase *rf = tcase_create("rule_file");
    tcase_set_timeout(rf, timeout);
    tcase_add_test(rf, test_rule_file_too_big);
    tcase_add_test(rf, test_phrase_words_and_optionals);
    tcase_add_test(rf, test_yaml_deep_nesting);
    tcase_add_test(rf, test_yaml_alias_amplification);
    tcase_add_test(rf, test_phrase_many_alternatives);
    tcase_add_test(rf, test_many_rules);
    tcase_add_test(rf, test_phrase_fanout);
    tcase_add_test(rf, test_name_aliases_fanout);
    suite_add_tcase(s, rf);

    TCase *api = tcase_create("arguments");
    tcase_set_timeout(api, timeout);
    tcase_add_test(api, test_options_out_of_range);
    tcase_add_test(api, test_options_reserved_must_be_zero);
    tcase_add_test(api, test_fix_arguments);
    tcase_add_test(api, test_lint_text_not_terminated);
    tcase_add_test(api, test_error_untouched_on_success);
    tcase_add_test(api, test_builder_arguments);
    tcase_add_test(api, test_accessors_null);
    tcase_add_test(api, test_error_messages_are_utf8);
    suite_add_tcase(s, api);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(limits_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
