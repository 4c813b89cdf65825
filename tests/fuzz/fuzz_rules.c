/*
 * fuzz_rules.c: the rule-file loader.  The input is one rule file (YAML, any bytes).
 *
 *   1. builder without the defaults and without the example check: add_buffer + compile;
 *   2. if the file loaded, again with the example check (every bad example must be
 *      flagged, every good one not: this lints with the fuzzed rules) and with
 *      REPLYLINT_BUILD_NO_JIT, so that the fuzzed patterns run in PCRE2's interpreter
 *      as well as in its JIT;
 *   3. with a compiled rule set: every rule accessor, then a lint and a fix of a fixed
 *      bilingual reply and of each rule's own examples, in both channels.
 *
 * Hunspell dictionaries are not loaded (dict_dir names no folder): words the embedded
 * forms table knows (every word of rules/, so the seeds) are inflected from it, others
 * match as written.  Loading the 3 MB Russian dictionary per input would cut the rate a
 * hundredfold; lib/morph.c reads only installed dictionaries, not untrusted input.
 *
 * Checked: no crash, leak or UB; a failing call fills the error as documented (status,
 * a UTF-8 message); a successful one leaves a rule set whose accessors return what
 * replylint.h promises; lint results satisfy fuzz_common.h.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NO_DICT "/nonexistent/replylint-fuzz-no-dict"

static const char reply[] =
    "Здравствуйте, Иван!\n\nДенежные средства будут возвращены в ближайшее время. Приносим "
    "извинения за доставленные неудобства!!! ПОЖАЛУЙСТА, подождите.\n\nHello John, please be "
    "advised that we apologize for any inconvenience.\n\nС уважением,\nСлужба поддержки";

static void check_rules(const replylint_ruleset *rs)
{
    size_t n = replylint_ruleset_count(rs);
    for (size_t i = 0; i < n; i++) {
        const replylint_rule *r = replylint_ruleset_get(rs, i);
        FUZZ_ASSERT(r != NULL, "rule %zu NULL", i);
        const char *id = replylint_rule_id(r);
        FUZZ_ASSERT(id[0] != '\0', "empty id");
        FUZZ_ASSERT(replylint_ruleset_find(rs, id) == r, "find(%s) is not get(%zu)", id, i);
        if (i > 0)
            FUZZ_ASSERT(strcmp(replylint_rule_id(replylint_ruleset_get(rs, i - 1)), id) < 0,
                        "rules not sorted by id at %zu", i);
        FUZZ_ASSERT(fuzz_utf8_ok(replylint_rule_category(r)), "category");
        const char *lang = replylint_rule_language(r);
        FUZZ_ASSERT(!strcmp(lang, "ru") || !strcmp(lang, "en") || !strcmp(lang, "any"), "lang %s",
                    lang);
        FUZZ_ASSERT(strcmp(replylint_rule_kind(r), "?") != 0, "kind");
        int sev = (int)replylint_rule_severity(r);
        FUZZ_ASSERT(sev >= 1 && sev <= 3, "severity %d", sev);
        FUZZ_ASSERT(fuzz_utf8_ok(replylint_rule_message(r)), "message");
        FUZZ_ASSERT(fuzz_utf8_ok(replylint_rule_rationale(r)), "rationale");
        uint32_t line = 0;
        FUZZ_ASSERT(strcmp(replylint_rule_source(r, &line), "fuzz.yaml") == 0, "source");
        FUZZ_ASSERT(line >= 1, "line %u", line);
        for (int bad = 0; bad <= 1; bad++) {
            size_t ne = replylint_rule_example_count(r, bad);
            FUZZ_ASSERT(ne >= 1, "a rule without %s examples loaded", bad ? "bad" : "good");
            for (size_t k = 0; k < ne; k++)
                FUZZ_ASSERT(replylint_rule_example(r, bad, k) != NULL, "example %zu", k);
            FUZZ_ASSERT(replylint_rule_example(r, bad, ne) == NULL, "example(count)");
        }
    }
    FUZZ_ASSERT(replylint_ruleset_get(rs, n) == NULL, "get(count)");
}

static void lint_one(const replylint_ruleset *rs, const char *text, size_t len,
                     replylint_channel ch)
{
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.channel = ch;
    o.customer_name = "Иван";
    o.agent_name = ch == REPLYLINT_CHANNEL_EMAIL ? "Олег Петров" : NULL;
    replylint_report *rep = NULL;
    replylint_error err;
    int rc = replylint_lint(&rep, rs, text, len, &o, &err);
    if (rc != REPLYLINT_OK) {
        /* Examples may be anything a YAML scalar holds; the fixed reply is valid. */
        FUZZ_ASSERT(rc == REPLYLINT_EUTF8 || rc == REPLYLINT_ETOOBIG, "lint: %d %s", rc,
                    err.message);
        fuzz_check_error(rc, &err);
        return;
    }
    fuzz_check_report(rep, text, len, &o);
    replylint_report_free(rep);
    char *fixed = NULL;
    size_t fl = 0;
    FUZZ_ASSERT(replylint_fix(&fixed, &fl, rs, text, len, &o, &err) == REPLYLINT_OK, "fix: %s",
                err.message);
    FUZZ_ASSERT(fuzz_utf8_valid_prefix((const unsigned char *)fixed, fl) == fl,
                "fix produced invalid UTF-8");
    replylint_free(fixed);
}

static void exercise(const replylint_ruleset *rs)
{
    check_rules(rs);
    for (int ch = 0; ch <= 1; ch++)
        lint_one(rs, reply, sizeof(reply) - 1, (replylint_channel)ch);
    size_t n = replylint_ruleset_count(rs), budget = 32;
    for (size_t i = 0; i < n && budget > 0; i++) {
        const replylint_rule *r = replylint_ruleset_get(rs, i);
        for (int bad = 0; bad <= 1 && budget > 0; bad++)
            for (size_t k = 0; k < replylint_rule_example_count(r, bad) && budget > 0;
                 k++, budget--) {
                const char *ex = replylint_rule_example(r, bad, k);
                lint_one(rs, ex, strlen(ex), REPLYLINT_CHANNEL_CHAT);
            }
    }
}

/* Load `yaml` into a fresh builder; on success compile and exercise.  Returns add's rc. */
static int load(const char *yaml, size_t len, unsigned flags)
{
    replylint_builder *b = NULL;
    replylint_error err;
    FUZZ_ASSERT(replylint_builder_new(&b, flags, NO_DICT, &err) == 0, "builder_new");
    memset(&err, 0, sizeof(err));
    int rc = replylint_builder_add_buffer(b, yaml, len, "fuzz.yaml", &err);
    if (rc != REPLYLINT_OK) {
        fuzz_check_error(rc, &err);
        FUZZ_ASSERT(rc != REPLYLINT_EINVAL && rc != REPLYLINT_EIO, "add_buffer: %d %s", rc,
                    err.message);
        if (rc == REPLYLINT_ERULE_EXAMPLE)
            FUZZ_ASSERT(!(flags & REPLYLINT_BUILD_NO_EXAMPLES), "example error while unchecked");
        /* The builder is unchanged: it still compiles (to an empty set). */
        replylint_ruleset *rs = NULL;
        FUZZ_ASSERT(replylint_builder_compile(&rs, b, &err) == 0, "compile after a failed add");
        FUZZ_ASSERT(replylint_ruleset_count(rs) == 0, "failed add left rules");
        replylint_ruleset_free(rs);
        replylint_builder_free(b);
        return rc;
    }
    replylint_ruleset *rs = NULL;
    int crc = replylint_builder_compile(&rs, b, &err);
    /* add_buffer compiled the same sources already: compile must agree. */
    FUZZ_ASSERT(crc == REPLYLINT_OK, "compile failed after a successful add: %d %s", crc,
                err.message);
    replylint_builder_free(b); /* the rule set does not need its builder */
    exercise(rs);
    replylint_ruleset_free(rs);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    /* A buffer of exactly the input's size: add_buffer must not read past len. */
    char *yaml = malloc(size ? size : 1);
    if (!yaml)
        abort();
    memcpy(yaml, data, size);
    if (load(yaml, size, REPLYLINT_BUILD_NO_DEFAULTS | REPLYLINT_BUILD_NO_EXAMPLES) == 0)
        load(yaml, size, REPLYLINT_BUILD_NO_DEFAULTS | REPLYLINT_BUILD_NO_JIT);
    free(yaml);
    return 0;
}
