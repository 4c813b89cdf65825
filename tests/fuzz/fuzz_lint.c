/*
 * fuzz_lint.c: replylint_lint() and replylint_fix() on arbitrary bytes with arbitrary
 * options, against the default rule set (compiled once, in LLVMFuzzerInitialize).
 *
 * Input layout (tests/fuzz/mkseed.sh writes seeds in it):
 *   byte 0   bit 0     channel (0 email, 1 chat)
 *            bits 1-2  lang (0 auto, 1 ru, 2 en, 3 auto)
 *            bits 3-4  min_severity (0-3)
 *            bit 5     customer_name present
 *            bit 6     agent_name present
 *            bit 7     max_bytes = half the text length (exercises REPLYLINT_ETOOBIG)
 *   byte 1   customer_name length (bytes that follow, taken as is: may be invalid UTF-8)
 *   byte 2   bits 0-6  agent_name length
 *            bit 7     flags = REPLYLINT_LINT_FOLLOWUP
 *   then the names, then the reply: everything left, any bytes.
 *
 * Besides "no crash, no leak, no UB", every documented property of the result is checked
 * against an independent implementation (fuzz_common.h): EUTF8 offsets, byte/code point/
 * UTF-16/line/column offsets, diag_text, sorting, severities, and for fix(): a valid UTF-8
 * result that keeps the text when nothing is fixable.  The reply is also linted with the
 * default rules compiled REPLYLINT_BUILD_NO_JIT: PCRE2's interpreter, bounded in windows of
 * 1 KiB by lib/lint.c, must find what the JIT finds unless either report is incomplete.
 * And with a copy of the default rules stripped of their prefilters (lib/rules.h): no
 * word-start anchoring, no required or start bytes, so every pattern is searched everywhere; the
 * prefilters promise to lose no match.  And once more with one replylint_scratch kept for
 * the whole run, and into it (its report reused): the memory of every earlier input must
 * leave no trace in the findings.
 */
#include "fuzz_common.h"
#include "rules.h" /* the prefilters, to strip them */

static replylint_ruleset *rules;
static replylint_ruleset *rules_interp;     /* the same, REPLYLINT_BUILD_NO_JIT */
static replylint_ruleset *rules_everywhere; /* the same, without the regex prefilters */
static replylint_scratch *scratch;          /* one for the whole run, as a service keeps it */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    replylint_error err;
    if (replylint_ruleset_default(&rules, &err) != 0) {
        fprintf(stderr, "fuzz_lint: default rules: %s\n", err.message);
        abort();
    }
    replylint_builder *b = NULL;
    if (replylint_builder_new(&b, REPLYLINT_BUILD_NO_JIT, NULL, &err) != 0 ||
        replylint_builder_compile(&rules_interp, b, &err) != 0) {
        fprintf(stderr, "fuzz_lint: default rules without the JIT: %s\n", err.message);
        abort();
    }
    replylint_builder_free(b);
    if (replylint_ruleset_default(&rules_everywhere, &err) != 0) {
        fprintf(stderr, "fuzz_lint: default rules: %s\n", err.message);
        abort();
    }
    if (replylint_scratch_new(&scratch, &err) != 0)
        abort();
    for (size_t i = 0; i < rules_everywhere->n_matchers; i++) {
        rl_matcher *m = rules_everywhere->matchers[i];
        pcre2_code_free(m->re_at);
        m->re_at = NULL;
        m->jit_at = false;
        m->n_first = 0;
        m->required = -1;
        m->n_starts = 0;
    }
    return 0;
}

/* Do a and b hold the same findings (rule and byte range, in order)?  `what` names b. */
static void same_findings(const replylint_report *a, const replylint_report *b, const char *what)
{
    size_t n = replylint_report_count(a);
    if (replylint_report_count(b) != n) { /* both lists, to see which finding differs */
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < replylint_report_count(k ? b : a); i++) {
                const replylint_diag *d = replylint_report_get(k ? b : a, i);
                size_t s, e;
                replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &s, &e);
                fprintf(stderr, "%s %s [%zu, %zu)\n", k ? what : "default", replylint_diag_rule(d),
                        s, e);
            }
    }
    FUZZ_ASSERT(replylint_report_count(b) == n, "%s: %zu findings, default %zu", what,
                replylint_report_count(b), n);
    for (size_t i = 0; i < n; i++) {
        const replylint_diag *x = replylint_report_get(a, i);
        const replylint_diag *y = replylint_report_get(b, i);
        size_t xs, xe, ys, ye;
        replylint_diag_offsets(x, REPLYLINT_UNIT_BYTE, &xs, &xe);
        replylint_diag_offsets(y, REPLYLINT_UNIT_BYTE, &ys, &ye);
        FUZZ_ASSERT(strcmp(replylint_diag_rule(x), replylint_diag_rule(y)) == 0 && xs == ys &&
                        xe == ye,
                    "%s: finding %zu: %s [%zu, %zu), default %s [%zu, %zu)", what, i,
                    replylint_diag_rule(y), ys, ye, replylint_diag_rule(x), xs, xe);
    }
}

/* A NUL-terminated copy of n bytes (an embedded NUL just shortens the C string). */
static char *take(const uint8_t **p, size_t *left, size_t n)
{
    if (n > *left)
        n = *left;
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, *p, n);
    s[n] = '\0';
    *p += n;
    *left -= n;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    unsigned h = data[0];
    size_t name_len = data[1], agent_len = data[2] & 0x7f;
    const uint8_t *p = data + 3;
    size_t left = size - 3;

    replylint_options o;
    FUZZ_ASSERT(replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION) == 0, "options_init");
    o.channel = (h & 1) ? REPLYLINT_CHANNEL_CHAT : REPLYLINT_CHANNEL_EMAIL;
    unsigned lang = (h >> 1) & 3;
    o.lang = lang == 3 ? REPLYLINT_LANG_AUTO : (replylint_lang)lang;
    o.min_severity = (replylint_severity)((h >> 3) & 3);
    o.flags = (data[2] & 0x80) ? REPLYLINT_LINT_FOLLOWUP : 0;
    char *name = (h & 0x20) ? take(&p, &left, name_len) : NULL;
    char *agent = (h & 0x40) ? take(&p, &left, agent_len) : NULL;
    o.customer_name = name;
    o.agent_name = agent;

    /* The reply in a buffer of exactly its size, so ASan sees any read past its end. */
    char *text = malloc(left ? left : 1);
    if (!text)
        abort();
    memcpy(text, p, left);
    size_t len = left;
    if (h & 0x80)
        o.max_bytes = len / 2 ? len / 2 : 1;

    size_t valid = fuzz_utf8_valid_prefix((const unsigned char *)text, len);
    replylint_report *rep = (replylint_report *)(uintptr_t)1;
    replylint_error err;
    memset(&err, 0, sizeof(err));
    int rc = replylint_lint(&rep, rules, text, len, &o, &err);
    if (len > (o.max_bytes ? o.max_bytes : REPLYLINT_DEFAULT_MAX_BYTES)) {
        FUZZ_ASSERT(rc == REPLYLINT_ETOOBIG, "len %zu over max_bytes %zu: rc %d", len, o.max_bytes,
                    rc);
    } else if (valid < len) {
        FUZZ_ASSERT(rc == REPLYLINT_EUTF8, "invalid UTF-8 at %zu accepted (rc %d)", valid, rc);
        FUZZ_ASSERT(err.offset == valid, "EUTF8 offset %zu, expected %zu", err.offset, valid);
    } else {
        FUZZ_ASSERT(rc == REPLYLINT_OK, "valid reply of %zu bytes refused: %d %s", len, rc,
                    err.message);
    }
    if (rc != REPLYLINT_OK) {
        FUZZ_ASSERT(rep == NULL, "*out not NULL on failure");
        fuzz_check_error(rc, &err);
        replylint_report *rs = NULL;
        int rc2 = replylint_lint_with_scratch(&rs, rules, scratch, text, len, &o, &err);
        FUZZ_ASSERT(rc2 == rc && rs == NULL, "with a scratch: %d, without %d", rc2, rc);
        const replylint_report *kept = NULL;
        rc2 = replylint_lint_into_scratch(&kept, rules, scratch, text, len, &o, &err);
        FUZZ_ASSERT(rc2 == rc && kept == NULL, "into a scratch: %d, without %d", rc2, rc);
    } else {
        fuzz_check_report(rep, text, len, &o);
        /* The interpreter finds what the JIT finds, unless a limit stopped either. */
        replylint_report *ri = NULL;
        FUZZ_ASSERT(replylint_lint(&ri, rules_interp, text, len, &o, &err) == REPLYLINT_OK,
                    "no-JIT lint failed: %s", err.message);
        fuzz_check_report(ri, text, len, &o);
        if (!replylint_report_incomplete(rep) && !replylint_report_incomplete(ri))
            same_findings(rep, ri, "no-JIT");
        replylint_report_free(ri);
        /* A scratch changes nothing. */
        replylint_report *rs = NULL;
        FUZZ_ASSERT(replylint_lint_with_scratch(&rs, rules, scratch, text, len, &o, &err) ==
                        REPLYLINT_OK,
                    "lint with a scratch failed: %s", err.message);
        same_findings(rep, rs, "with a scratch");
        replylint_report_free(rs);
        /* Nor does a report kept in the scratch, reused from the last input. */
        const replylint_report *kept = NULL;
        FUZZ_ASSERT(replylint_lint_into_scratch(&kept, rules, scratch, text, len, &o, &err) ==
                        REPLYLINT_OK,
                    "lint into a scratch failed: %s", err.message);
        fuzz_check_report(kept, text, len, &o);
        same_findings(rep, kept, "into a scratch");
        /* The prefilters lose nothing. */
        replylint_report *re = NULL;
        FUZZ_ASSERT(replylint_lint(&re, rules_everywhere, text, len, &o, &err) == REPLYLINT_OK,
                    "lint without prefilters failed: %s", err.message);
        if (!replylint_report_incomplete(rep) && !replylint_report_incomplete(re))
            same_findings(rep, re, "without prefilters");
        replylint_report_free(re);
    }

    char *fixed = (char *)(uintptr_t)1;
    size_t fixed_len = (size_t)-1;
    replylint_error err2;
    int rc2 = replylint_fix(&fixed, &fixed_len, rules, text, len, &o, &err2);
    FUZZ_ASSERT(rc2 == rc, "fix rc %d, lint rc %d", rc2, rc);
    if (rc2 != REPLYLINT_OK) {
        FUZZ_ASSERT(fixed == NULL, "fix: *out not NULL on failure");
        fuzz_check_error(rc2, &err2);
    } else {
        FUZZ_ASSERT(fixed[fixed_len] == '\0', "fix result not terminated");
        FUZZ_ASSERT(fuzz_utf8_valid_prefix((const unsigned char *)fixed, fixed_len) == fixed_len,
                    "fix produced invalid UTF-8");
        size_t n_fixable = 0;
        for (size_t i = 0; i < replylint_report_count(rep); i++)
            n_fixable += replylint_diag_fixable(replylint_report_get(rep, i)) != 0;
        if (n_fixable == 0)
            FUZZ_ASSERT(fixed_len == len && memcmp(fixed, text, len) == 0,
                        "fix changed a text with nothing fixable");
        /* Everything outside the first fixable diagnostic is kept byte for byte: the
         * text before it is a prefix of the result. */
        for (size_t i = 0; i < replylint_report_count(rep); i++) {
            const replylint_diag *d = replylint_report_get(rep, i);
            if (!replylint_diag_fixable(d))
                continue;
            size_t s, e;
            replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &s, &e);
            FUZZ_ASSERT(fixed_len >= s && memcmp(fixed, text, s) == 0,
                        "fix changed the text before its first fix");
            break;
        }
        replylint_free(fixed);
    }
    replylint_report_free(rc == REPLYLINT_OK ? rep : NULL);
    free(text);
    free(name);
    free(agent);
    return 0;
}
