/*
 * check_rules.c: the embedded default rule set.  Every rule's bad examples are flagged by
 * it and its good examples are not (the loader's own example check, run here on every
 * embedded file); every category is covered in both languages; and the core bar: the
 * sample reply from the issue gets inconvenience, jargon and name findings.
 */
#include "helpers.h"
#include "rules.h"
#include "suites.h"

static const char *const categories[] = {
    "jargon", "inconvenience", "greeting",   "name",    "length", "closing",
    "thanks", "signature",     "deflection", "robotic", "tone",   "vague-time",
};

START_TEST(test_every_example)
{
    ck_assert_uint_gt(replylint__embedded_rules_count, 0);
    for (size_t i = 0; i < replylint__embedded_rules_count; i++) {
        const rl_embedded_file *f = &replylint__embedded_rules[i];
        replylint_builder *b = NULL;
        replylint_error err;
        ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, NULL, &err), 0);
        int rc = replylint_builder_add_buffer(b, f->data, f->len, f->name, &err);
        ck_assert_msg(rc == 0, "%s:%u:%u: %s", err.source, err.line, err.column, err.message);
        replylint_builder_free(b);
    }
}
END_TEST

START_TEST(test_examples_per_rule_and_coverage)
{
    replylint_error err;
    replylint_ruleset *rs = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&rs, &err), 0);
    size_t per[12][2] = {{0}};
    for (size_t i = 0; i < replylint_ruleset_count(rs); i++) {
        const replylint_rule *r = replylint_ruleset_get(rs, i);
        ck_assert_msg(replylint_rule_example_count(r, 1) >= 2, "%s: fewer than 2 bad examples",
                      replylint_rule_id(r));
        ck_assert_msg(replylint_rule_example_count(r, 0) >= 2, "%s: fewer than 2 good examples",
                      replylint_rule_id(r));
        for (size_t c = 0; c < 12; c++)
            if (strcmp(replylint_rule_category(r), categories[c]) == 0) {
                if (strcmp(replylint_rule_language(r), "en") != 0)
                    per[c][0]++;
                if (strcmp(replylint_rule_language(r), "ru") != 0)
                    per[c][1]++;
            }
    }
    for (size_t c = 0; c < 12; c++) {
        ck_assert_msg(per[c][0] >= 1, "no Russian rule for %s", categories[c]);
        ck_assert_msg(per[c][1] >= 1, "no English rule for %s", categories[c]);
    }
    replylint_ruleset_free(rs);
}
END_TEST

START_TEST(test_core_bar_reply)
{
    replylint_error err;
    replylint_ruleset *rs = NULL;
    replylint_report *r = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&rs, &err), 0);
    const char *t = "😀 Здравствуйте!\nПриносим извинения за доставленные неудобства. "
                    "Денежными средствами можно оплатить заказ.";
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.customer_name = "Иван";
    ck_assert_int_eq(replylint_lint(&r, rs, t, strlen(t), &o, &err), 0);
    ck_assert_ptr_nonnull(find_category(r, "inconvenience"));
    ck_assert_ptr_nonnull(find_category(r, "name"));
    const replylint_diag *j = find_category(r, "jargon");
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(replylint_diag_text(j), "Денежными средствами");
    ck_assert_uint_gt(replylint_diag_suggestion_count(j), 0);
    size_t cs, ce, us, ue;
    replylint_diag_offsets(j, REPLYLINT_UNIT_CODEPOINT, &cs, &ce);
    replylint_diag_offsets(j, REPLYLINT_UNIT_UTF16, &us, &ue);
    ck_assert_uint_eq(ce - cs, 20);
    ck_assert_uint_eq(us, cs + 1); /* the emoji is two UTF-16 units, one code point */
    replylint_report_free(r);
    replylint_ruleset_free(rs);
}
END_TEST

Suite *rules_suite(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("defaults");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_every_example);
    tcase_add_test(tc, test_examples_per_rule_and_coverage);
    tcase_add_test(tc, test_core_bar_reply);
    suite_add_tcase(s, tc);
    return s;
}
