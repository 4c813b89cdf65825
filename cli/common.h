/*
 * common.h: what `replylint check` (replylint.c) and `replylint audit` (audit.c) share: the
 * JSON of a finding's parts, option values from a fixed list, and rule loading with its
 * compiler-style errors.  Only the public API (replylint.h) is used.
 */
#ifndef REPLYLINT_CLI_COMMON_H
#define REPLYLINT_CLI_COMMON_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "replylint.h"

/* printf-style checking of a function's format (argument f) and its arguments (from a). */
#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* Length of the valid UTF-8 prefix of s[0, len); len when all of it is valid. */
size_t cli_utf8_valid_prefix(const char *s, size_t len);

/* "suggestion", "warning", "error" (or "unknown"). */
const char *cli_severity_label(replylint_severity sev);

/* The diagnostic's byte range, clamped to a text of text_len bytes, so that a bad range
 * cannot make us read outside it. */
void cli_diag_span(const replylint_diag *d, size_t text_len, size_t *start, size_t *end);

/* A JSON string of s[0, len), each byte that is not UTF-8 replaced by U+FFFD (a file name
 * in an id may be anything).  NULL only when out of memory. */
json_t *cli_json_text(const char *s, size_t len);

/* The diagnostic's suggestions as a JSON array of strings; NULL when out of memory. */
json_t *cli_suggestions_json(const replylint_diag *d);

/* Print each line of a help text, with a newline. */
void cli_print_lines(FILE *out, const char *const *lines, size_t n);

/* Print "replylint: <message>" and "Try '<help_command>' for more information." on stderr. */
void cli_usage_error(const char *help_command, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* One allowed value of an option; lists end with {NULL, 0}. */
struct cli_choice {
    const char *name;
    int value;
};

/* Set *out to the value named `value` among `choices`.  Otherwise print
 * "replylint: invalid value 'x' for --option (expected a, b or c)" and a pointer to
 * `help_command` (as "replylint --help") on stderr, and return -1. */
int cli_parse_choice(const char *option, const char *value, const struct cli_choice *choices,
                     const char *help_command, int *out);

/* Print a rule-file error the way compilers do ("replylint: file:line:col: error: ..."), so
 * that editors can jump to it; `fallback` names the file when the error does not. */
void cli_report_rules_error(const replylint_error *err, int status, const char *fallback);

/* The rule set: the embedded defaults (unless no_defaults) plus each file in order.  On an
 * error, prints it (cli_report_rules_error) and returns -1.  `jit` 0 leaves the regular
 * expressions to PCRE2's interpreter (REPLYLINT_BUILD_NO_JIT): compiling them for the JIT
 * takes a couple of milliseconds, more than it saves on a short reply or none. */
int cli_load_rules(const char *const *files, size_t n_files, int no_defaults, int jit,
                   replylint_ruleset **out);

#endif /* REPLYLINT_CLI_COMMON_H */
