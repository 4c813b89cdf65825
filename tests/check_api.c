/*
 * check_api.c: the contract of every public function at its edges: NULL arguments,
 * wrong option versions, out-of-range indices, version agreement between header and
 * library.  Each must return an error (or a harmless default), never crash.
 */
#include "helpers.h"
#include "suites.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

START_TEST(test_version)
{
    ck_assert_uint_eq(replylint_version_number(), REPLYLINT_VERSION_NUMBER);
    ck_assert_str_eq(replylint_version_string(), REPLYLINT_VERSION_STRING);
    char buf[32];
    snprintf(buf, sizeof(buf), "%d.%d.%d", REPLYLINT_VERSION_MAJOR, REPLYLINT_VERSION_MINOR,
             REPLYLINT_VERSION_PATCH);
    ck_assert_str_eq(buf, REPLYLINT_VERSION_STRING);
}
END_TEST

START_TEST(test_strerror_and_severity)
{
    int codes[] = {
        REPLYLINT_OK,          REPLYLINT_ENOMEM,        REPLYLINT_EINVAL,       REPLYLINT_EIO,
        REPLYLINT_EUTF8,       REPLYLINT_ETOOBIG,       REPLYLINT_ERULE_SYNTAX, REPLYLINT_ERULE,
        REPLYLINT_ERULE_REGEX, REPLYLINT_ERULE_EXAMPLE, REPLYLINT_ENOTFOUND};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        ck_assert_ptr_nonnull(replylint_strerror(codes[i]));
        ck_assert_str_ne(replylint_strerror(codes[i]), "unknown error");
    }
    ck_assert_str_eq(replylint_strerror(-999), "unknown error");
    ck_assert_str_eq(replylint_severity_name(REPLYLINT_SEV_WARNING), "warning");
    ck_assert_ptr_null(replylint_severity_name((replylint_severity)9));
}
END_TEST

START_TEST(test_options_init)
{
    replylint_options o;
    memset(&o, 0x55, sizeof(o));
    ck_assert_int_eq(replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION), 0);
    ck_assert_uint_eq(o.version, REPLYLINT_OPTIONS_VERSION);
    ck_assert_ptr_null(o.customer_name);
    ck_assert_int_eq(o.channel, REPLYLINT_CHANNEL_EMAIL);
    ck_assert_int_eq(replylint_options_init(&o, 99), REPLYLINT_EINVAL);
    /* Version 1's layout is fixed: fields are added in the reserved words, not around them. */
    if (sizeof(void *) == 8)
        ck_assert_uint_eq(sizeof(replylint_options), 80);
    ck_assert_int_eq(replylint_options_init(NULL, REPLYLINT_OPTIONS_VERSION), REPLYLINT_EINVAL);
}
END_TEST

START_TEST(test_null_arguments)
{
    replylint_error err;
    replylint_builder *b = NULL;
    replylint_ruleset *rs = NULL;
    replylint_report *r = NULL;
    ck_assert_int_eq(replylint_builder_new(NULL, 0, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_builder_new(&b, 0x80, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(replylint_builder_add_file(NULL, "x", &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_builder_add_buffer(NULL, "x", 1, "x", &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_builder_compile(NULL, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_builder_compile(&rs, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_ruleset_default(NULL, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_lint(NULL, NULL, "x", 1, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_lint(&r, NULL, "x", 1, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_ptr_null(r);
    /* A NULL error struct is fine too. */
    ck_assert_int_eq(replylint_lint(&r, NULL, "x", 1, NULL, NULL), REPLYLINT_EINVAL);

    ck_assert_int_eq(replylint_builder_new(&b, 0, NULL, &err), 0);
    ck_assert_int_eq(replylint_builder_add_file(b, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_builder_add_buffer(b, NULL, 5, "x", &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_builder_add_buffer(b, NULL, 0, NULL, &err), 0); /* empty file */
    ck_assert_int_eq(replylint_builder_compile(&rs, b, &err), 0);
    ck_assert_int_eq(replylint_lint(&r, rs, NULL, 3, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_lint(&r, rs, NULL, 0, NULL, &err), 0); /* empty reply */
    replylint_report_free(r);

    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.version = 0;
    ck_assert_int_eq(replylint_lint(&r, rs, "x", 1, &o, &err), REPLYLINT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "version"));
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.channel = (replylint_channel)7;
    ck_assert_int_eq(replylint_lint(&r, rs, "x", 1, &o, &err), REPLYLINT_EINVAL);

    /* Accessors take NULL and out-of-range indices. */
    ck_assert_uint_eq(replylint_report_count(NULL), 0);
    ck_assert_ptr_null(replylint_report_get(NULL, 0));
    ck_assert_str_eq(replylint_diag_rule(NULL), "");
    ck_assert_uint_eq(replylint_diag_suggestion_count(NULL), 0);
    ck_assert_ptr_null(replylint_diag_suggestion(NULL, 0));
    size_t s, e;
    ck_assert_int_eq(replylint_diag_offsets(NULL, REPLYLINT_UNIT_BYTE, &s, &e), REPLYLINT_EINVAL);
    ck_assert_ptr_null(replylint_ruleset_get(rs, replylint_ruleset_count(rs)));
    ck_assert_ptr_null(replylint_ruleset_find(rs, NULL));
    ck_assert_ptr_null(replylint_ruleset_find(rs, "no.such.rule"));
    ck_assert_str_eq(replylint_rule_id(NULL), "");
    ck_assert_ptr_null(replylint_rule_example(NULL, 1, 0));

    replylint_ruleset_free(rs);
    replylint_builder_free(b);
    replylint_builder_free(NULL);
    replylint_ruleset_free(NULL);
    replylint_report_free(NULL);
    replylint_free(NULL);
}
END_TEST

START_TEST(test_report_outlives_ruleset)
{
    replylint_error err;
    replylint_ruleset *rs = NULL;
    replylint_report *r = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&rs, &err), 0);
    const char *t = "Денежные средства вернутся.";
    ck_assert_int_eq(replylint_lint(&r, rs, t, strlen(t), NULL, &err), 0);
    replylint_ruleset_free(rs);
    ck_assert_uint_gt(replylint_report_count(r), 0);
    for (size_t i = 0; i < replylint_report_count(r); i++)
        ck_assert_uint_gt(strlen(replylint_diag_rule(replylint_report_get(r, i))), 0);
    replylint_report_free(r);
}
END_TEST

/* Do a and b hold the same findings, field by field? */
static void assert_same_report(const replylint_report *a, const replylint_report *b,
                               const char *text)
{
    ck_assert_uint_eq(replylint_report_count(a), replylint_report_count(b));
    ck_assert_str_eq(replylint_report_language(a), replylint_report_language(b));
    ck_assert(replylint_report_score(a) == replylint_report_score(b));
    ck_assert_uint_eq(replylint_report_words(a), replylint_report_words(b));
    for (size_t i = 0; i < replylint_report_count(a); i++) {
        const replylint_diag *x = replylint_report_get(a, i), *y = replylint_report_get(b, i);
        size_t xs, xe, ys, ye;
        ck_assert_int_eq(replylint_diag_offsets(x, REPLYLINT_UNIT_UTF16, &xs, &xe), 0);
        ck_assert_int_eq(replylint_diag_offsets(y, REPLYLINT_UNIT_UTF16, &ys, &ye), 0);
        ck_assert_msg(strcmp(replylint_diag_rule(x), replylint_diag_rule(y)) == 0 && xs == ys &&
                          xe == ye,
                      "%.60s: finding %zu: %s [%zu, %zu) vs %s [%zu, %zu)", text, i,
                      replylint_diag_rule(x), xs, xe, replylint_diag_rule(y), ys, ye);
        ck_assert_str_eq(replylint_diag_message(x), replylint_diag_message(y));
        ck_assert_str_eq(replylint_diag_text(x), replylint_diag_text(y));
        ck_assert_uint_eq(replylint_diag_suggestion_count(x), replylint_diag_suggestion_count(y));
        for (size_t k = 0; k < replylint_diag_suggestion_count(x); k++)
            ck_assert_str_eq(replylint_diag_suggestion(x, k), replylint_diag_suggestion(y, k));
    }
}

START_TEST(test_scratch)
{
    replylint_error err;
    replylint_scratch *sc = NULL;
    replylint_report *r = NULL;
    ck_assert_int_eq(replylint_scratch_new(NULL, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_scratch_new(&sc, &err), 0);
    ck_assert_int_eq(replylint_lint_with_scratch(NULL, NULL, sc, "x", 1, NULL, &err),
                     REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_lint_with_scratch(&r, NULL, sc, "x", 1, NULL, &err),
                     REPLYLINT_EINVAL);
    ck_assert_ptr_null(r);
    replylint_scratch_free(NULL);

    /* One scratch through replies of every size, long after short and short after long
     * (stale words and hits must not leak from one call into the next), and through
     * failed calls: every report equals replylint_lint()'s. */
    replylint_ruleset *rs = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&rs, &err), 0);
    size_t n_texts = 0, cap = 4096;
    const char **texts = malloc(cap * sizeof(*texts));
    ck_assert_ptr_nonnull(texts);
    for (size_t i = 0; i < replylint_ruleset_count(rs); i++) {
        const replylint_rule *rule = replylint_ruleset_get(rs, i);
        for (int bad = 0; bad < 2; bad++)
            for (size_t k = 0; k < replylint_rule_example_count(rule, bad) && n_texts < cap; k++)
                texts[n_texts++] = replylint_rule_example(rule, bad, k);
    }
    size_t long_len = 0;
    for (size_t i = 0; i < n_texts; i++)
        long_len += strlen(texts[i]) + 1;
    char *all = malloc(long_len + 1);
    ck_assert_ptr_nonnull(all);
    all[0] = '\0';
    for (size_t i = 0; i < n_texts; i++) {
        strcat(all, texts[i]);
        strcat(all, "\n");
    }
    static const char bad_utf8[] = "Здравствуйте, \xff";
    const char *order[] = {all, "", bad_utf8};
    const replylint_report *first_kept = NULL;
    for (size_t round = 0; round < 2; round++)
        for (size_t i = 0; i < n_texts + 3; i++) {
            const char *t = i < 3 ? order[i] : texts[(i * 7 + round) % n_texts];
            if (round && i % 5 == 0)
                t = all;
            replylint_report *plain = NULL, *with = NULL;
            const replylint_report *kept = NULL;
            replylint_error e1, e2, e3;
            int rc1 = replylint_lint(&plain, rs, t, strlen(t), NULL, &e1);
            int rc2 = replylint_lint_with_scratch(&with, rs, sc, t, strlen(t), NULL, &e2);
            /* The same scratch also lends its report (alternating with the call above). */
            int rc3 = replylint_lint_into_scratch(&kept, rs, sc, t, strlen(t), NULL, &e3);
            ck_assert_int_eq(rc1, rc2);
            ck_assert_int_eq(rc1, rc3);
            if (rc1 == 0) {
                assert_same_report(plain, with, t);
                assert_same_report(plain, kept, t);
                ck_assert_ptr_eq(kept, first_kept ? first_kept : (first_kept = kept));
                replylint_report_free((replylint_report *)(uintptr_t)kept); /* a no-op */
            } else {
                ck_assert_str_eq(e1.message, e2.message);
                ck_assert_str_eq(e1.message, e3.message);
                ck_assert_ptr_null(kept);
            }
            replylint_report_free(plain);
            replylint_report_free(with);
        }
    const replylint_report *kept = NULL;
    ck_assert_int_eq(replylint_lint_into_scratch(&kept, rs, NULL, "x", 1, NULL, &err),
                     REPLYLINT_EINVAL);
    ck_assert_ptr_null(kept);
    ck_assert_int_eq(replylint_lint_into_scratch(NULL, rs, sc, "x", 1, NULL, &err),
                     REPLYLINT_EINVAL);
    /* NULL scratch: replylint_lint(). */
    ck_assert_int_eq(replylint_lint_with_scratch(&r, rs, NULL, all, strlen(all), NULL, &err), 0);
    ck_assert_uint_gt(replylint_report_count(r), n_texts / 4);
    replylint_report_free(r);
    free(all);
    free(texts);
    replylint_scratch_free(sc);
    replylint_ruleset_free(rs);
}
END_TEST

/* The score is the documented formula of the findings and the word count, whatever the
 * scratch's report scored before (it remembers its last score): the same findings at two
 * lengths, and no finding, in turn. */
START_TEST(test_score_formula)
{
    replylint_error err;
    replylint_ruleset *t = rules_from("rules:\n"
                                      "  - id: t.zz\n"
                                      "    category: jargon\n"
                                      "    severity: error\n"
                                      "    kind: regex\n"
                                      "    pattern: '\\bzz\\b'\n"
                                      "    message: m\n"
                                      "    examples: {bad: [zz], good: [aa]}\n"
                                      "  - id: t.yy\n"
                                      "    category: jargon\n"
                                      "    severity: suggestion\n"
                                      "    kind: regex\n"
                                      "    pattern: '\\byy\\b'\n"
                                      "    message: m\n"
                                      "    examples: {bad: [yy], good: [aa]}\n",
                                      &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    enum { PAD = 400 };
    char *long_text = malloc(3 * PAD + 16);
    ck_assert_ptr_nonnull(long_text);
    strcpy(long_text, "zz yy");
    for (int i = 0; i < PAD; i++)
        strcat(long_text, " aa");
    const char *texts[] = {"zz yy", long_text, "zz yy", "aa", long_text, "yy", "zz yy zz"};
    replylint_scratch *sc = NULL;
    ck_assert_int_eq(replylint_scratch_new(&sc, &err), 0);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
            const replylint_report *r = NULL;
            ck_assert_int_eq(
                replylint_lint_into_scratch(&r, t, sc, texts[i], strlen(texts[i]), NULL, &err), 0);
            double p = 0;
            for (size_t k = 0; k < replylint_report_count(r); k++) {
                replylint_severity sev = replylint_diag_severity(replylint_report_get(r, k));
                p += sev == REPLYLINT_SEV_ERROR ? 4.0 : sev == REPLYLINT_SEV_WARNING ? 1.5 : 0.5;
            }
            double words = (double)replylint_report_words(r);
            double want =
                floor(10.0 * exp(-p / (6.0 * sqrt(words > 150 ? words / 150 : 1))) * 10 + 0.5) / 10;
            ck_assert_msg(replylint_report_score(r) == want, "%.20s…: score %.1f, want %.1f",
                          texts[i], replylint_report_score(r), want);
            ck_assert(i == 3 ? want == 10.0 : want < 10.0);
        }
    replylint_scratch_free(sc);
    free(long_text);
    replylint_ruleset_free(t);
}
END_TEST

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
/*
 * A scratch keeps the memory of its longest reply, not of every reply: twenty replies of
 * growing length (40 KB to 800 KB), each with findings that copy the whole reply, linted
 * into one scratch.  Kept chunks that no later reply can reuse are let go (about 11 MB is
 * held at the end); were they all kept, the heap would hold 17 MB more.
 */
START_TEST(test_scratch_memory_bounded)
{
    replylint_error err;
    replylint_ruleset *rs = NULL;
    replylint_scratch *sc = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&rs, &err), 0);
    ck_assert_int_eq(replylint_scratch_new(&sc, &err), 0);
    static const char sentence[] = "Денежные средства вернутся на карту в течение трёх дней. ";
    size_t max = 800 * 1024, len = 0;
    char *text = malloc(max + sizeof(sentence));
    ck_assert_ptr_nonnull(text);
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.max_bytes = 2 * max;
    long long before = (long long)mallinfo2().uordblks;
    size_t longest_finding = 0;
    for (size_t target = 40 * 1024; target <= max; target += 40 * 1024) {
        while (len < target) {
            memcpy(text + len, sentence, sizeof(sentence) - 1);
            len += sizeof(sentence) - 1;
        }
        const replylint_report *r = NULL;
        ck_assert_int_eq(replylint_lint_into_scratch(&r, rs, sc, text, len, &o, &err), 0);
        for (size_t i = 0; i < replylint_report_count(r); i++) {
            size_t l = strlen(replylint_diag_text(replylint_report_get(r, i)));
            longest_finding = l > longest_finding ? l : longest_finding;
        }
    }
    ck_assert_uint_ge(longest_finding, max); /* a finding did copy the whole reply */
    long long held = (long long)mallinfo2().uordblks - before;
    ck_assert_msg(held < 18ll << 20, "the scratch holds %lld bytes after the longest reply", held);
    free(text);
    replylint_scratch_free(sc);
    replylint_ruleset_free(rs);
}
END_TEST
#endif

Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("contract");
    tcase_set_timeout(tc, 60); /* test_scratch lints ~900 texts three ways, under valgrind too */
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_strerror_and_severity);
    tcase_add_test(tc, test_options_init);
    tcase_add_test(tc, test_null_arguments);
    tcase_add_test(tc, test_report_outlives_ruleset);
    tcase_add_test(tc, test_scratch);
    tcase_add_test(tc, test_score_formula);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    tcase_add_test(tc, test_scratch_memory_bounded);
#endif
    suite_add_tcase(s, tc);
    return s;
}
