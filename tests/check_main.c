/*
 * check_main.c: one Check runner over every module's suite.
 */
#include "suites.h"

#include <stdlib.h>

int main(void)
{
    SRunner *sr = srunner_create(utf8_suite());
    srunner_add_suite(sr, fold_suite());
    srunner_add_suite(sr, morph_suite());
    srunner_add_suite(sr, parse_suite());
    srunner_add_suite(sr, lint_suite());
    srunner_add_suite(sr, api_suite());
    srunner_add_suite(sr, rules_suite());
    srunner_add_suite(sr, usedesk_suite());
    srunner_add_suite(sr, segment_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
