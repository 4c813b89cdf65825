/*
 * error.c: status strings, the error struct, version and option defaults: the small
 * pieces of the API that every other module leans on.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

unsigned replylint_version_number(void)
{
    return REPLYLINT_VERSION_NUMBER;
}

const char *replylint_version_string(void)
{
    return REPLYLINT_VERSION_STRING;
}

const char *replylint_strerror(int status)
{
    switch (status) {
    case REPLYLINT_OK:
        return "success";
    case REPLYLINT_ENOMEM:
        return "out of memory";
    case REPLYLINT_EINVAL:
        return "invalid argument";
    case REPLYLINT_EIO:
        return "input/output error";
    case REPLYLINT_EUTF8:
        return "invalid UTF-8";
    case REPLYLINT_ETOOBIG:
        return "input exceeds a configured limit";
    case REPLYLINT_ERULE_SYNTAX:
        return "rule file is not valid YAML";
    case REPLYLINT_ERULE:
        return "invalid rule";
    case REPLYLINT_ERULE_REGEX:
        return "invalid regular expression in rule";
    case REPLYLINT_ERULE_EXAMPLE:
        return "rule example check failed";
    case REPLYLINT_ENOTFOUND:
        return "no such rule";
    default:
        return "unknown error";
    }
}

const char *replylint_severity_name(replylint_severity sev)
{
    switch (sev) {
    case REPLYLINT_SEV_SUGGESTION:
        return "suggestion";
    case REPLYLINT_SEV_WARNING:
        return "warning";
    case REPLYLINT_SEV_ERROR:
        return "error";
    default:
        return NULL;
    }
}

int replylint_options_init(replylint_options *opts, unsigned int version)
{
    if (!opts || version != REPLYLINT_OPTIONS_VERSION)
        return REPLYLINT_EINVAL;
    replylint_options d = REPLYLINT_OPTIONS_INIT;
    *opts = d;
    return REPLYLINT_OK;
}

/* Drop an incomplete UTF-8 sequence from the end of a NUL-terminated string. */
static void trim_partial(char *s)
{
    size_t n = strlen(s), i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (i - 1) < need)
        s[i - 1] = '\0';
}

/* Copy a string into a fixed buffer without splitting a UTF-8 sequence at the cut. */
static void copy_utf8(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int verror(replylint_error *err, int status, const char *source, uint32_t line,
                  uint32_t column, const char *fmt, va_list ap)
{
    if (!err)
        return status;
    char buf[sizeof(err->message)];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n >= (int)sizeof(buf))
        trim_partial(buf); /* truncated: never end inside a UTF-8 sequence */
    memset(err, 0, sizeof(*err));
    err->status = status;
    err->line = line;
    err->column = column;
    copy_utf8(err->source, sizeof(err->source), source ? source : "");
    copy_utf8(err->message, sizeof(err->message), buf);
    return status;
}

int replylint__error(replylint_error *err, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = verror(err, status, NULL, 0, 0, fmt, ap);
    va_end(ap);
    return r;
}

int replylint__error_at(replylint_error *err, int status, const char *source, uint32_t line,
                        uint32_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = verror(err, status, source, line, column, fmt, ap);
    va_end(ap);
    return r;
}
