/*
 * lint_reply.c: the library in a few lines.  Lints one reply with the embedded default
 * rules and prints each finding with its position and suggestions.
 *
 *   cc lint_reply.c $(pkg-config --cflags --libs replylint) && ./a.out
 */
#include <replylint.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    const char *reply = "Здравствуйте!\nПриносим извинения за доставленные неудобства. "
                        "Денежные средства вернутся на карту в течение трёх дней.";
    replylint_ruleset *rules = NULL;
    replylint_report *report = NULL;
    replylint_error err;

    if (replylint_ruleset_default(&rules, &err) != REPLYLINT_OK) {
        fprintf(stderr, "rules: %s\n", err.message);
        return 1;
    }
    replylint_options opts;
    replylint_options_init(&opts, REPLYLINT_OPTIONS_VERSION);
    opts.customer_name = "Иван"; /* the reply should use it */

    if (replylint_lint(&report, rules, reply, strlen(reply), &opts, &err) != REPLYLINT_OK) {
        fprintf(stderr, "lint: %s\n", err.message);
        replylint_ruleset_free(rules);
        return 1;
    }
    printf("language %s, score %.1f\n", replylint_report_language(report),
           replylint_report_score(report));
    for (size_t i = 0; i < replylint_report_count(report); i++) {
        const replylint_diag *d = replylint_report_get(report, i);
        printf("%u:%u %s [%s] \"%s\": %s\n", replylint_diag_line(d), replylint_diag_column(d),
               replylint_severity_name(replylint_diag_severity(d)), replylint_diag_rule(d),
               replylint_diag_text(d), replylint_diag_message(d));
        for (size_t k = 0; k < replylint_diag_suggestion_count(d); k++)
            printf("    -> %s\n", replylint_diag_suggestion(d, k));
    }
    replylint_report_free(report);
    replylint_ruleset_free(rules);
    return 0;
}
