/*
 * report.c: the report object: diagnostics, their offsets in every unit, and the score.
 */
#include "report.h"
#include "utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The report's copy of a rule's text, made on first use.  A 1 MB reply can hold thousands
 * of findings of a few rules: their ids, categories and fixed messages are stored once, not
 * once per finding; and a reply's few findings copy one block per rule, not three strings. */
static const char *intern(replylint_report *r, const rl_rule_text *t)
{
    size_t h = ((uintptr_t)t->block >> 3) % RL_INTERN_SLOTS;
    if (r->intern_src[h] == t->block)
        return r->intern_dst[h];
    char *d = replylint__arena_alloc(&r->arena, t->size);
    if (d) {
        memcpy(d, t->block, t->size);
        r->intern_src[h] = t->block;
        r->intern_dst[h] = d;
        r->interned |= (uint32_t)1 << h;
    }
    return d;
}

char *replylint__report_buf(replylint_report *r, size_t n)
{
    return replylint__arena_alloc(&r->arena, n);
}

int replylint__report_add(replylint_report *r, const rl_rule_text *rule, replylint_severity sev,
                          const char *message, const char *text, size_t start, size_t end,
                          const char *const *suggest, size_t n_suggest)
{
    if (RL_GROW(r->diags, r->cap, r->n + 1) != 0)
        return -1;
    replylint_diag *d = &r->diags[r->n];
    memset(d, 0, sizeof(*d));
    d->severity = sev;
    d->byte_start = start;
    d->byte_end = end;
    const char *own = intern(r, rule);
    d->text = replylint__arena_strndup(&r->arena, text + start, end - start);
    if (!own || !d->text)
        return -1;
    d->rule = own;
    d->category = own + rule->category;
    d->message = message ? message : own + rule->message;
    if (n_suggest) {
        d->suggest = replylint__arena_alloc(&r->arena, n_suggest * sizeof(char *));
        if (!d->suggest)
            return -1;
        memcpy(d->suggest, suggest, n_suggest * sizeof(char *));
        d->n_suggest = n_suggest;
    }
    r->n++;
    return 0;
}

static int cmp_diag(const void *a, const void *b)
{
    const replylint_diag *x = a, *y = b;
    if (x->byte_start != y->byte_start)
        return x->byte_start < y->byte_start ? -1 : 1;
    if (x->byte_end != y->byte_end)
        return x->byte_end < y->byte_end ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

/* The documented score (replylint.h): every finding lowers it, severities weigh
 * differently, and a long reply tolerates a little more before it falls. */
static double score_of(replylint_report *r, size_t words)
{
    double p = 0;
    for (size_t i = 0; i < r->n; i++)
        p += r->diags[i].severity == REPLYLINT_SEV_ERROR     ? 4.0
             : r->diags[i].severity == REPLYLINT_SEV_WARNING ? 1.5
                                                             : 0.5;
    if (p == 0)
        return 10.0; /* 10 * exp(-0) */
    double scale = words > 150 ? 6.0 * sqrt((double)words / 150.0) : 6.0;
    size_t k = (size_t)(2 * p); /* the weights are halves: p is k / 2 exactly */
    bool memo = words <= 150 && k < RL_SCORE_MEMO;
    if (memo && (r->score_known >> k & 1))
        return r->score_memo[k];
    double s = floor(10.0 * exp(-p / scale) * 10.0 + 0.5) / 10.0;
    if (memo) {
        r->score_memo[k] = s;
        r->score_known |= (uint64_t)1 << k;
    }
    return s;
}

int replylint__report_finish(replylint_report *r, const char *text, size_t len,
                             replylint_severity min_severity, size_t words)
{
    size_t keep = 0;
    for (size_t i = 0; i < r->n; i++)
        if ((int)r->diags[i].severity >= (int)min_severity)
            r->diags[keep++] = r->diags[i];
    r->n = keep;
    if (r->n > 16) {
        qsort(r->diags, r->n, sizeof(*r->diags), cmp_diag);
    } else {
        /* A handful of findings, nearly in order already: insertion sort, no allocation. */
        for (size_t i = 1; i < r->n; i++) {
            replylint_diag d = r->diags[i];
            size_t j = i;
            for (; j > 0 && cmp_diag(&r->diags[j - 1], &d) > 0; j--)
                r->diags[j] = r->diags[j - 1];
            r->diags[j] = d;
        }
    }
    r->words = words;
    r->score = score_of(r, words);
    if (r->n == 0)
        return 0;

    /* Start and end of each finding: bytes in, code points, UTF-16, line and column out;
     * one block, on the stack for the usual few findings. */
    enum { PER_POINT = 3 + (2 * sizeof(uint32_t) + sizeof(size_t) - 1) / sizeof(size_t) };
    size_t n = 2 * r->n;
    size_t stack_block[32 * PER_POINT]; /* per point: three size_t and two uint32_t */
    size_t *block = stack_block;
    if (n > 32 && r->kept) {
        if (RL_GROW(r->points, r->cap_points, n * PER_POINT) != 0)
            return -1;
        block = r->points;
    } else if (n > 32 && !(block = malloc(n * PER_POINT * sizeof(size_t)))) {
        return -1;
    }
    size_t *bytes = block, *cps = bytes + n, *u16 = cps + n;
    uint32_t *line = (uint32_t *)(void *)(u16 + n), *col = line + n;
    int rc = -1;
    for (size_t i = 0; i < r->n; i++) {
        bytes[2 * i] = r->diags[i].byte_start;
        bytes[2 * i + 1] = r->diags[i].byte_end;
    }
    if (replylint__utf8_positions(text, len, bytes, n, cps, u16, line, col) != 0)
        goto out;
    for (size_t i = 0; i < r->n; i++) {
        replylint_diag *d = &r->diags[i];
        d->cp_start = cps[2 * i];
        d->cp_end = cps[2 * i + 1];
        d->u16_start = u16[2 * i];
        d->u16_end = u16[2 * i + 1];
        d->line = line[2 * i];
        d->column = col[2 * i];
    }
    rc = 0;
out:
    if (block != stack_block && block != r->points)
        free(block);
    return rc;
}

void replylint__report_reset(replylint_report *r)
{
    replylint__arena_reset(&r->arena);
    for (uint32_t b = r->interned; b; b &= b - 1)
        r->intern_src[replylint__lowest_bit(b)] = NULL;
    r->interned = 0;
    r->n = 0;
    r->language = ""; /* never NULL, even between a failed call and the next */
    r->score = 0;
    r->words = 0;
    r->incomplete = 0;
}

/* ---- public accessors ----------------------------------------------------------------- */

void replylint_report_free(replylint_report *r)
{
    if (!r || r->kept) /* a scratch's report goes with the scratch */
        return;
    replylint__arena_free(&r->arena);
    free(r->diags);
    free(r->points);
    free(r);
}

size_t replylint_report_count(const replylint_report *r)
{
    return r ? r->n : 0;
}

const replylint_diag *replylint_report_get(const replylint_report *r, size_t i)
{
    return r && i < r->n ? &r->diags[i] : NULL;
}

const char *replylint_report_language(const replylint_report *r)
{
    return r ? r->language : "";
}

double replylint_report_score(const replylint_report *r)
{
    return r ? r->score : 0.0;
}

size_t replylint_report_words(const replylint_report *r)
{
    return r ? r->words : 0;
}

int replylint_report_incomplete(const replylint_report *r)
{
    return r ? r->incomplete : 0;
}

static const char empty[] = "";

const char *replylint_diag_rule(const replylint_diag *d)
{
    return d ? d->rule : empty;
}

const char *replylint_diag_category(const replylint_diag *d)
{
    return d ? d->category : empty;
}

replylint_severity replylint_diag_severity(const replylint_diag *d)
{
    return d ? d->severity : (replylint_severity)0;
}

const char *replylint_diag_message(const replylint_diag *d)
{
    return d ? d->message : empty;
}

const char *replylint_diag_text(const replylint_diag *d)
{
    return d ? d->text : empty;
}

int replylint_diag_offsets(const replylint_diag *d, replylint_unit unit, size_t *start, size_t *end)
{
    if (!d || !start || !end)
        return REPLYLINT_EINVAL;
    switch (unit) {
    case REPLYLINT_UNIT_BYTE:
        *start = d->byte_start;
        *end = d->byte_end;
        return REPLYLINT_OK;
    case REPLYLINT_UNIT_CODEPOINT:
        *start = d->cp_start;
        *end = d->cp_end;
        return REPLYLINT_OK;
    case REPLYLINT_UNIT_UTF16:
        *start = d->u16_start;
        *end = d->u16_end;
        return REPLYLINT_OK;
    default:
        return REPLYLINT_EINVAL;
    }
}

uint32_t replylint_diag_line(const replylint_diag *d)
{
    return d ? d->line : 0;
}

uint32_t replylint_diag_column(const replylint_diag *d)
{
    return d ? d->column : 0;
}

size_t replylint_diag_suggestion_count(const replylint_diag *d)
{
    return d ? d->n_suggest : 0;
}

const char *replylint_diag_suggestion(const replylint_diag *d, size_t i)
{
    return d && i < d->n_suggest ? d->suggest[i] : NULL;
}

int replylint_diag_fixable(const replylint_diag *d)
{
    return d ? d->fixable : 0;
}

void replylint_free(void *p)
{
    free(p);
}
