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

static void assert_same_string(const char *what, const char *id, const char *a, const char *b)
{
    ck_assert_msg(strcmp(a, b) == 0, "%s: %s differs: \"%s\" vs \"%s\"", id, what, a, b);
}

/* Same findings, field by field, from the two rule sets on one text. */
static void assert_same_findings(const replylint_ruleset *x, const replylint_ruleset *y,
                                 const char *text)
{
    replylint_error err;
    replylint_report *rx = NULL, *ry = NULL;
    ck_assert_int_eq(replylint_lint(&rx, x, text, strlen(text), NULL, &err), 0);
    ck_assert_int_eq(replylint_lint(&ry, y, text, strlen(text), NULL, &err), 0);
    ck_assert_uint_eq(replylint_report_count(rx), replylint_report_count(ry));
    for (size_t i = 0; i < replylint_report_count(rx); i++) {
        const replylint_diag *a = replylint_report_get(rx, i), *b = replylint_report_get(ry, i);
        const char *id = replylint_diag_rule(a);
        assert_same_string("rule", id, id, replylint_diag_rule(b));
        assert_same_string("message", id, replylint_diag_message(a), replylint_diag_message(b));
        assert_same_string("text", id, replylint_diag_text(a), replylint_diag_text(b));
        size_t as, ae, bs, be;
        replylint_diag_offsets(a, REPLYLINT_UNIT_BYTE, &as, &ae);
        replylint_diag_offsets(b, REPLYLINT_UNIT_BYTE, &bs, &be);
        ck_assert_uint_eq(as, bs);
        ck_assert_uint_eq(ae, be);
        ck_assert_uint_eq(replylint_diag_suggestion_count(a), replylint_diag_suggestion_count(b));
        for (size_t k = 0; k < replylint_diag_suggestion_count(a); k++)
            assert_same_string("suggestion", id, replylint_diag_suggestion(a, k),
                               replylint_diag_suggestion(b, k));
    }
    replylint_report_free(rx);
    replylint_report_free(ry);
}

/*
 * The defaults load from the documents tools/embed.c parsed at build time; the same files
 * parsed as text, as any team's rule file is, must give the same rules field by field
 * (source lines included) and the same findings on every example.
 */
START_TEST(test_build_time_documents_match_the_text)
{
    replylint_error err;
    replylint_ruleset *pre = NULL, *text = NULL;
    replylint_builder *b = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&pre, &err), 0);
    ck_assert_int_eq(replylint_builder_new(
                         &b, REPLYLINT_BUILD_NO_DEFAULTS | REPLYLINT_BUILD_NO_EXAMPLES, NULL, &err),
                     0);
    for (size_t i = 0; i < replylint__embedded_rules_count; i++) {
        const rl_embedded_file *f = &replylint__embedded_rules[i];
        char name[256];
        snprintf(name, sizeof(name), "<embedded>/%s", f->name);
        ck_assert_int_eq(replylint_builder_add_buffer(b, f->data, f->len, name, &err), 0);
    }
    ck_assert_int_eq(replylint_builder_compile(&text, b, &err), 0);
    replylint_builder_free(b);

    ck_assert_uint_gt(replylint_ruleset_count(pre), 0);
    ck_assert_uint_eq(replylint_ruleset_count(pre), replylint_ruleset_count(text));
    for (size_t i = 0; i < replylint_ruleset_count(pre); i++) {
        const replylint_rule *x = replylint_ruleset_get(pre, i),
                             *y = replylint_ruleset_get(text, i);
        const char *id = replylint_rule_id(x);
        assert_same_string("id", id, id, replylint_rule_id(y));
        assert_same_string("category", id, replylint_rule_category(x), replylint_rule_category(y));
        assert_same_string("language", id, replylint_rule_language(x), replylint_rule_language(y));
        assert_same_string("kind", id, replylint_rule_kind(x), replylint_rule_kind(y));
        assert_same_string("message", id, replylint_rule_message(x), replylint_rule_message(y));
        assert_same_string("rationale", id, replylint_rule_rationale(x),
                           replylint_rule_rationale(y));
        ck_assert_int_eq(replylint_rule_severity(x), replylint_rule_severity(y));
        uint32_t lx = 0, ly = 0;
        assert_same_string("source", id, replylint_rule_source(x, &lx),
                           replylint_rule_source(y, &ly));
        ck_assert_uint_gt(lx, 0);
        ck_assert_uint_eq(lx, ly);
        for (int bad = 0; bad <= 1; bad++) {
            size_t n = replylint_rule_example_count(x, bad);
            ck_assert_uint_eq(n, replylint_rule_example_count(y, bad));
            for (size_t k = 0; k < n; k++) {
                const char *ex = replylint_rule_example(x, bad, k);
                assert_same_string("example", id, ex, replylint_rule_example(y, bad, k));
                assert_same_findings(pre, text, ex);
            }
        }
    }
    replylint_ruleset_free(pre);
    replylint_ruleset_free(text);
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
    tcase_add_test(tc, test_build_time_documents_match_the_text);
    suite_add_tcase(s, tc);
    return s;
}
