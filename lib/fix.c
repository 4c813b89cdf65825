/*
 * fix.c: apply the safe suggestions of a lint report to the text.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

int replylint_fix(char **out, size_t *out_len, const replylint_ruleset *rs, const char *text,
                  size_t len, const replylint_options *opts, replylint_error *err)
{
    if (!out)
        return replylint__error(err, REPLYLINT_EINVAL, "replylint_fix: out is NULL");
    *out = NULL;
    replylint_report *rep = NULL;
    int rc = replylint_lint(&rep, rs, text, len, opts, err);
    if (rc)
        return rc;
    if (!text)
        text = ""; /* len is 0: replylint_lint accepted it */
    /* Diagnostics are sorted by start; skip a fix that overlaps one already applied. */
    size_t cap = len + 1;
    for (size_t i = 0; i < rep->n; i++)
        if (rep->diags[i].fixable)
            cap += strlen(rep->diags[i].suggest[0]);
    char *buf = malloc(cap);
    if (!buf) {
        replylint_report_free(rep);
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    }
    size_t o = 0, at = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const replylint_diag *d = &rep->diags[i];
        if (!d->fixable || d->byte_start < at)
            continue;
        memcpy(buf + o, text + at, d->byte_start - at);
        o += d->byte_start - at;
        size_t sl = strlen(d->suggest[0]);
        memcpy(buf + o, d->suggest[0], sl);
        o += sl;
        at = d->byte_end;
    }
    if (len > at)
        memcpy(buf + o, text + at, len - at);
    o += len > at ? len - at : 0;
    buf[o] = '\0';
    replylint_report_free(rep);
    *out = buf;
    if (out_len)
        *out_len = o;
    return REPLYLINT_OK;
}
