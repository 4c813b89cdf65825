/* suites.h: every test suite, one per module. */
#ifndef REPLYLINT_TEST_SUITES_H
#define REPLYLINT_TEST_SUITES_H

#include <check.h>

Suite *utf8_suite(void);
Suite *fold_suite(void);
Suite *morph_suite(void);
Suite *parse_suite(void);
Suite *lint_suite(void);
Suite *api_suite(void);
Suite *rules_suite(void);
Suite *usedesk_suite(void);
Suite *segment_suite(void);

#endif
