/*
 * check_usedesk.c: the usedesk guide's ten letters (seed 003, restored in
 * ../shared/spec/usedesk-letters.json): each bad letter is flagged for every category the
 * guide's critique names, and each improved letter gets no warning or error.
 */
#include "helpers.h"
#include "suites.h"

#include <jansson.h>

#ifndef REPLYLINT_SOURCE_DIR
#define REPLYLINT_SOURCE_DIR "."
#endif
#define LETTERS REPLYLINT_SOURCE_DIR "/../shared/spec/usedesk-letters.json"

static const char *opt_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static replylint_report *lint_letter(const replylint_ruleset *rs, json_t *letter, const char *which)
{
    replylint_options o;
    replylint_error err;
    replylint_report *r = NULL;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.customer_name = opt_str(letter, "customer_name");
    o.agent_name = opt_str(letter, "agent_name");
    const char *text = opt_str(letter, which);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(replylint_lint(&r, rs, text, strlen(text), &o, &err), 0);
    return r;
}

START_TEST(test_letters)
{
    json_error_t jerr;
    json_t *root = json_load_file(LETTERS, 0, &jerr);
    ck_assert_msg(root != NULL, "%s: %s (the spec folder must sit beside the repository)", LETTERS,
                  jerr.text);
    json_t *letters = json_object_get(root, "letters");
    ck_assert_uint_eq(json_array_size(letters), 10);
    replylint_ruleset *rs = NULL;
    replylint_error err;
    ck_assert_int_eq(replylint_ruleset_default(&rs, &err), 0);
    size_t i;
    json_t *letter;
    json_array_foreach(letters, i, letter)
    {
        int n = (int)json_integer_value(json_object_get(letter, "n"));
        replylint_report *bad = lint_letter(rs, letter, "bad");
        size_t k;
        json_t *cat;
        json_array_foreach(json_object_get(letter, "criticized"), k, cat)
        {
            ck_assert_msg(find_category(bad, json_string_value(cat)) != NULL,
                          "letter %d: the bad reply is not flagged for %s", n,
                          json_string_value(cat));
        }
        replylint_report_free(bad);
        replylint_report *good = lint_letter(rs, letter, "good");
        for (size_t d = 0; d < replylint_report_count(good); d++) {
            const replylint_diag *g = replylint_report_get(good, d);
            ck_assert_msg(replylint_diag_severity(g) == REPLYLINT_SEV_SUGGESTION,
                          "letter %d: the improved reply gets %s %s on \"%s\"", n,
                          replylint_severity_name(replylint_diag_severity(g)),
                          replylint_diag_rule(g), replylint_diag_text(g));
        }
        replylint_report_free(good);
    }
    replylint_ruleset_free(rs);
    json_decref(root);
}
END_TEST

Suite *usedesk_suite(void)
{
    Suite *s = suite_create("usedesk");
    TCase *tc = tcase_create("letters");
    tcase_add_test(tc, test_letters);
    suite_add_tcase(s, tc);
    return s;
}
