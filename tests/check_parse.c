/*
 * check_parse.c: rule files.  Broken files must fail with the file, line and column of
 * the problem; good ones must produce the rules they describe; overrides must apply.
 */
#include "helpers.h"
#include "suites.h"

#include <stdlib.h>

static int load(const char *yaml, replylint_error *err)
{
    replylint_builder *b = NULL;
    ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, NULL, err), 0);
    int rc = replylint_builder_add_buffer(b, yaml, strlen(yaml), "team.yaml", err);
    replylint_builder_free(b);
    return rc;
}

#define RULE_HEAD                                                                                  \
    "rules:\n"                                                                                     \
    "  - id: jargon.ru.test\n"                                                                     \
    "    category: jargon\n"                                                                       \
    "    language: ru\n"                                                                           \
    "    kind: phrase\n"                                                                           \
    "    message: Проще\n"

#define EXAMPLES                                                                                   \
    "    examples:\n"                                                                              \
    "      bad: [Верните денежные средства.]\n"                             \
    "      good: [Верните деньги.]\n"

START_TEST(test_valid_file)
{
    replylint_error err;
    replylint_ruleset *rs =
        rules_from(RULE_HEAD "    swap:\n      денежные средства: деньги\n" EXAMPLES, &err);
    ck_assert_ptr_nonnull(rs);
    ck_assert_uint_eq(replylint_ruleset_count(rs), 1);
    const replylint_rule *r = replylint_ruleset_find(rs, "jargon.ru.test");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(replylint_rule_category(r), "jargon");
    ck_assert_str_eq(replylint_rule_kind(r), "phrase");
    ck_assert_str_eq(replylint_rule_language(r), "ru");
    ck_assert_int_eq(replylint_rule_severity(r), REPLYLINT_SEV_WARNING); /* category default */
    uint32_t line = 0;
    ck_assert_str_eq(replylint_rule_source(r, &line), "test.yaml");
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(replylint_rule_example_count(r, 1), 1);
    ck_assert_str_eq(replylint_rule_example(r, 0, 0), "Верните деньги.");
    ck_assert_ptr_null(replylint_rule_example(r, 0, 1));
    replylint_ruleset_free(rs);
}
END_TEST

START_TEST(test_bad_yaml)
{
    replylint_error err;
    int rc = load("rules:\n  - id: x\n    message: [unclosed\n", &err);
    ck_assert_int_eq(rc, REPLYLINT_ERULE_SYNTAX);
    ck_assert_str_eq(err.source, "team.yaml");
    ck_assert_uint_gt(err.line, 0);
    ck_assert_uint_gt(err.column, 0);
    ck_assert_ptr_nonnull(strstr(err.message, "YAML"));
}
END_TEST

START_TEST(test_unknown_category)
{
    replylint_error err;
    int rc = load("rules:\n"
                  "  - id: x.ru.y\n"
                  "    category: jargonn\n"
                  "    kind: phrase\n"
                  "    message: m\n"
                  "    phrases: [a]\n" EXAMPLES,
                  &err);
    ck_assert_int_eq(rc, REPLYLINT_ERULE);
    ck_assert_uint_eq(err.line, 3);
    ck_assert_uint_eq(err.column, 15);
    ck_assert_ptr_nonnull(strstr(err.message, "unknown category 'jargonn'"));
}
END_TEST

START_TEST(test_unknown_key)
{
    replylint_error err;
    int rc = load(RULE_HEAD "    phrase: [денежные средства]\n" EXAMPLES, &err);
    ck_assert_int_eq(rc, REPLYLINT_ERULE);
    ck_assert_uint_eq(err.line, 7);
    ck_assert_uint_eq(err.column, 5);
    ck_assert_ptr_nonnull(strstr(err.message, "unknown key 'phrase'"));
}
END_TEST

/* A key with spaces in it is an unknown key too.  The key lists are separated by spaces, and
 * " phrases" once matched at a list's first byte and read the byte before it: found by
 * fuzz_rules, whose replay of tests/fuzz/regressions/rules catches that read under clang's
 * ASan (this build's may not instrument string literals). */
START_TEST(test_unknown_key_with_spaces)
{
    static const char *const keys[] = {"\" phrases\"", "\"phrases \"", "\" \"",
                                       "\"where inflect\""};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char yaml[512];
        snprintf(yaml, sizeof(yaml), "%s    %s: [денежные средства]\n%s", RULE_HEAD, keys[i],
                 EXAMPLES);
        replylint_error err;
        ck_assert_int_eq(load(yaml, &err), REPLYLINT_ERULE);
        ck_assert_uint_eq(err.line, 7);
        ck_assert_ptr_nonnull(strstr(err.message, "unknown key"));
    }
}
END_TEST

START_TEST(test_invalid_regex)
{
    replylint_error err;
    int rc = load("rules:\n"
                  "  - id: tone.en.x\n"
                  "    category: tone\n"
                  "    kind: regex\n"
                  "    message: m\n"
                  "    pattern: 'ab(c'\n"
                  "    examples: {bad: [abc], good: [x]}\n",
                  &err);
    ck_assert_int_eq(rc, REPLYLINT_ERULE_REGEX);
    ck_assert_uint_eq(err.line, 6);
    /* Column of the pattern's text (after the quote) plus PCRE2's offset (4). */
    ck_assert_uint_eq(err.column, 19);
    ck_assert_ptr_nonnull(strstr(err.message, "missing closing parenthesis"));
}
END_TEST

START_TEST(test_bad_example_not_flagged)
{
    replylint_error err;
    int rc = load(RULE_HEAD "    phrases: [денежные средства]\n"
                            "    examples:\n"
                            "      bad: [Верните деньги.]\n"
                            "      good: [Всё хорошо.]\n",
                  &err);
    ck_assert_int_eq(rc, REPLYLINT_ERULE_EXAMPLE);
    ck_assert_uint_eq(err.line, 9);
    ck_assert_ptr_nonnull(strstr(err.message, "does not flag its bad example"));
}
END_TEST

START_TEST(test_good_example_flagged)
{
    replylint_error err;
    int rc = load(RULE_HEAD "    phrases: [денежные средства]\n"
                            "    examples:\n"
                            "      bad: [Верните денежные средства.]\n"
                            "      good: [Где мои денежные средства?]\n",
                  &err);
    ck_assert_int_eq(rc, REPLYLINT_ERULE_EXAMPLE);
    ck_assert_uint_eq(err.line, 10);
    ck_assert_ptr_nonnull(strstr(err.message, "flags its good example"));
}
END_TEST

START_TEST(test_missing_examples)
{
    replylint_error err;
    int rc = load(RULE_HEAD "    phrases: [денежные средства]\n", &err);
    ck_assert_int_eq(rc, REPLYLINT_ERULE);
    ck_assert_ptr_nonnull(strstr(err.message, "needs examples"));
}
END_TEST

START_TEST(test_duplicate_id)
{
    replylint_error err;
    int rc = load(RULE_HEAD "    phrases: [денежные средства]\n" EXAMPLES "  - id: jargon.ru.test\n"
                            "    category: jargon\n"
                            "    kind: phrase\n"
                            "    message: m\n"
                            "    phrases: [a]\n" EXAMPLES,
                  &err);
    ck_assert_int_eq(rc, REPLYLINT_ERULE);
    ck_assert_uint_eq(err.line, 11);
    ck_assert_ptr_nonnull(strstr(err.message, "duplicate rule id"));
}
END_TEST

START_TEST(test_bad_phrase_syntax)
{
    replylint_error err;
    int rc = load(RULE_HEAD "    phrases: ['(денежные средства']\n" EXAMPLES, &err);
    ck_assert_int_eq(rc, REPLYLINT_ERULE);
    ck_assert_uint_eq(err.line, 7);
    ck_assert_ptr_nonnull(strstr(err.message, "phrase"));
}
END_TEST

START_TEST(test_missing_file)
{
    replylint_builder *b = NULL;
    replylint_error err;
    ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, NULL, &err), 0);
    ck_assert_int_eq(replylint_builder_add_file(b, "/nonexistent/team.yaml", &err), REPLYLINT_EIO);
    ck_assert_str_eq(err.source, "/nonexistent/team.yaml");
    ck_assert_ptr_nonnull(strstr(err.message, "No such file"));
    replylint_builder_free(b);
}
END_TEST

START_TEST(test_failed_add_leaves_builder_unchanged)
{
    replylint_builder *b = NULL;
    replylint_error err;
    replylint_ruleset *rs = NULL;
    ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, NULL, &err), 0);
    const char *good = RULE_HEAD "    phrases: [денежные средства]\n" EXAMPLES;
    ck_assert_int_eq(replylint_builder_add_buffer(b, good, strlen(good), "a.yaml", &err), 0);
    const char *bad = "rules: [1, 2";
    ck_assert_int_ne(replylint_builder_add_buffer(b, bad, strlen(bad), "b.yaml", &err), 0);
    ck_assert_int_eq(replylint_builder_compile(&rs, b, &err), 0);
    ck_assert_uint_eq(replylint_ruleset_count(rs), 1);
    replylint_ruleset_free(rs);
    replylint_builder_free(b);
}
END_TEST

START_TEST(test_overrides)
{
    replylint_builder *b = NULL;
    replylint_error err;
    replylint_ruleset *rs = NULL;
    ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, NULL, &err), 0);
    const char *rules =
        RULE_HEAD "    phrases: [денежные средства]\n" EXAMPLES "  - id: length.ru.reply\n"
                  "    category: length\n"
                  "    kind: length\n"
                  "    message: long\n"
                  "    scope: reply\n"
                  "    max: {chat: 3, email: 5}\n"
                  "    examples: {bad: [раз два три четыре пять шесть], good: [раз]}\n";
    ck_assert_int_eq(replylint_builder_add_buffer(b, rules, strlen(rules), "a.yaml", &err), 0);
    const char *over = "overrides:\n"
                       "  - rule: jargon.ru.test\n"
                       "    enabled: false\n"
                       "  - rule: length.ru.reply\n"
                       "    severity: error\n"
                       "    max: 8\n";
    ck_assert_int_eq(replylint_builder_add_buffer(b, over, strlen(over), "team.yaml", &err), 0);
    const char *unknown = "overrides:\n  - rule: nope.ru.x\n    enabled: false\n";
    ck_assert_int_eq(replylint_builder_add_buffer(b, unknown, strlen(unknown), "t2.yaml", &err),
                     REPLYLINT_ENOTFOUND);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_int_eq(replylint_builder_compile(&rs, b, &err), 0);
    ck_assert_uint_eq(replylint_ruleset_count(rs), 1);
    ck_assert_ptr_null(replylint_ruleset_find(rs, "jargon.ru.test"));
    const replylint_rule *r = replylint_ruleset_find(rs, "length.ru.reply");
    ck_assert_int_eq(replylint_rule_severity(r), REPLYLINT_SEV_ERROR);

    replylint_report *rep = NULL;
    const char *text = "раз два три четыре пять шесть семь";
    ck_assert_int_eq(replylint_lint(&rep, rs, text, strlen(text), NULL, &err), 0);
    ck_assert_uint_eq(replylint_report_count(rep), 0); /* 7 words, new max 8 */
    replylint_report_free(rep);
    replylint_ruleset_free(rs);
    replylint_builder_free(b);
}
END_TEST

START_TEST(test_invalid_utf8_rule_file)
{
    replylint_error err;
    int rc = load("rules:\n  - id: \xff\n", &err);
    ck_assert_int_eq(rc, REPLYLINT_ERULE_SYNTAX);
    ck_assert_uint_eq(err.line, 2);
}
END_TEST

Suite *parse_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("rule files");
    tcase_add_test(tc, test_valid_file);
    tcase_add_test(tc, test_bad_yaml);
    tcase_add_test(tc, test_unknown_category);
    tcase_add_test(tc, test_unknown_key);
    tcase_add_test(tc, test_unknown_key_with_spaces);
    tcase_add_test(tc, test_invalid_regex);
    tcase_add_test(tc, test_bad_example_not_flagged);
    tcase_add_test(tc, test_good_example_flagged);
    tcase_add_test(tc, test_missing_examples);
    tcase_add_test(tc, test_duplicate_id);
    tcase_add_test(tc, test_bad_phrase_syntax);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_failed_add_leaves_builder_unchanged);
    tcase_add_test(tc, test_overrides);
    tcase_add_test(tc, test_invalid_utf8_rule_file);
    suite_add_tcase(s, tc);
    return s;
}
