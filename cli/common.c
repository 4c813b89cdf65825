/*
 * common.c: the parts `replylint check` and `replylint audit` share (see common.h).
 */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t cli_utf8_valid_prefix(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i];
        size_t n;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4;
        else
            return i;
        if (i + n > len)
            return i;
        for (size_t k = 1; k < n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        /* Overlong forms, surrogates and code points past U+10FFFF. */
        if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
            (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
            return i;
        i += n;
    }
    return len;
}

const char *cli_severity_label(replylint_severity sev)
{
    const char *name = replylint_severity_name(sev);
    return name ? name : "unknown";
}

void cli_diag_span(const replylint_diag *d, size_t text_len, size_t *start, size_t *end)
{
    if (replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, start, end) != REPLYLINT_OK)
        *start = *end = 0;
    if (*start > text_len)
        *start = text_len;
    if (*end < *start)
        *end = *start;
    if (*end > text_len)
        *end = text_len;
}

json_t *cli_json_text(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    if (j || len > ((size_t)-1 - 1) / 3)
        return j;
    /* Each bad byte becomes the three bytes of U+FFFD: at most three times as long. */
    char *fixed = malloc(len * 3 + 1);
    size_t n = 0;
    if (!fixed)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t ok = cli_utf8_valid_prefix(s + i, len - i);
        memcpy(fixed + n, s + i, ok);
        n += ok;
        i += ok;
        if (i < len) {
            memcpy(fixed + n, "\xEF\xBF\xBD", 3);
            n += 3;
            i++;
        }
    }
    j = json_stringn(fixed, n);
    free(fixed);
    return j;
}

json_t *cli_suggestions_json(const replylint_diag *d)
{
    json_t *list = json_array();
    size_t n = replylint_diag_suggestion_count(d);

    for (size_t i = 0; list && i < n; i++) {
        const char *s = replylint_diag_suggestion(d, i); /* UTF-8, as the library promises */
        if (json_array_append_new(list, json_string_nocheck(s ? s : "")) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    return list;
}

int cli_parse_choice(const char *option, const char *value, const struct cli_choice *choices,
                     const char *help_command, int *out)
{
    for (const struct cli_choice *c = choices; c->name; c++) {
        if (strcmp(c->name, value) == 0) {
            *out = c->value;
            return 0;
        }
    }
    fprintf(stderr, "replylint: invalid value '%s' for --%s (expected ", value, option);
    for (const struct cli_choice *c = choices; c->name; c++)
        fprintf(stderr, "%s%s", c == choices ? "" : c[1].name ? ", " : " or ", c->name);
    fprintf(stderr, ")\nTry '%s' for more information.\n", help_command);
    return -1;
}

void cli_report_rules_error(const replylint_error *err, int status, const char *fallback)
{
    const char *source = err->source[0] ? err->source : fallback;

    fflush(stdout);
    fputs("replylint: ", stderr);
    if (source && err->line)
        fprintf(stderr, "%s:%lu:%lu: ", source, (unsigned long)err->line,
                (unsigned long)err->column);
    else if (source)
        fprintf(stderr, "%s: ", source);
    fprintf(stderr, "error: %s\n", err->message[0] ? err->message : replylint_strerror(status));
}

int cli_load_rules(const char *const *files, size_t n_files, int no_defaults, int jit,
                   replylint_ruleset **out)
{
    replylint_error err;
    replylint_builder *b = NULL;
    const char *current = NULL;
    int rc;

    memset(&err, 0, sizeof err);
    rc = replylint_builder_new(
        &b, (no_defaults ? REPLYLINT_BUILD_NO_DEFAULTS : 0) | (jit ? 0 : REPLYLINT_BUILD_NO_JIT),
        NULL, &err);
    for (size_t i = 0; rc == REPLYLINT_OK && i < n_files; i++) {
        current = files[i];
        rc = replylint_builder_add_file(b, current, &err);
    }
    if (rc == REPLYLINT_OK) {
        current = NULL;
        rc = replylint_builder_compile(out, b, &err);
    }
    replylint_builder_free(b);
    if (rc != REPLYLINT_OK) {
        cli_report_rules_error(&err, rc, current);
        return -1;
    }
    return 0;
}

void cli_print_lines(FILE *out, const char *const *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputs(lines[i], out);
        fputc('\n', out);
    }
}

void cli_usage_error(const char *help_command, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("replylint: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s' for more information.\n", help_command);
    va_end(ap);
}
