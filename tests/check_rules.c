/*
 * check_rules.c: the embedded default rule set.  Every rule's bad examples are flagged by
 * it and its good examples are not (the loader's own example check, run here on every
 * embedded file); every category is covered in both languages; and the core bar: the
 * sample reply from the issue gets inconvenience, jargon and name findings.
 */
#include "helpers.h"
#include "rules.h"
#include "suites.h"

static const char *const categories[] = {
    "jargon", "inconvenience", "greeting",   "name",    "length", "closing",
    "thanks", "signature",     "deflection", "robotic", "tone",   "vague-time",
};

/* The string map's key comparison tells apart keys that differ in any one bit of any byte,
 * at every length it treats differently (under 4, 4 to 7, 8 to 16, longer). */
START_TEST(test_same_bytes_every_position)
{
    char a[40], b[40];
    for (size_t len = 0; len <= 33; len++) {
        for (size_t i = 0; i < len; i++)
            a[i] = b[i] = (char)('a' + i % 26);
        ck_assert(replylint__same_bytes(a, b, len));
        for (size_t at = 0; at < len; at++)
            for (int bit = 0; bit < 8; bit++) {
                b[at] = (char)(a[at] ^ (1 << bit));
                ck_assert_msg(!replylint__same_bytes(a, b, len), "len %zu, byte %zu", len, at);
                b[at] = a[at];
            }
    }
}
END_TEST

START_TEST(test_every_example)
{
    ck_assert_uint_gt(replylint__embedded_rules_count, 0);
    for (size_t i = 0; i < replylint__embedded_rules_count; i++) {
        const rl_embedded_file *f = &replylint__embedded_rules[i];
        replylint_builder *b = NULL;
        replylint_error err;
        ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, NULL, &err), 0);
        int rc = replylint_builder_add_buffer(b, f->data, f->len, f->name, &err);
        ck_assert_msg(rc == 0, "%s:%u:%u: %s", err.source, err.line, err.column, err.message);
        replylint_builder_free(b);
    }
}
END_TEST

START_TEST(test_examples_per_rule_and_coverage)
{
    replylint_error err;
    replylint_ruleset *rs = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&rs, &err), 0);
    size_t per[12][2] = {{0}};
    for (size_t i = 0; i < replylint_ruleset_count(rs); i++) {
        const replylint_rule *r = replylint_ruleset_get(rs, i);
        ck_assert_msg(replylint_rule_example_count(r, 1) >= 2, "%s: fewer than 2 bad examples",
                      replylint_rule_id(r));
        ck_assert_msg(replylint_rule_example_count(r, 0) >= 2, "%s: fewer than 2 good examples",
                      replylint_rule_id(r));
        for (size_t c = 0; c < 12; c++)
            if (strcmp(replylint_rule_category(r), categories[c]) == 0) {
                if (strcmp(replylint_rule_language(r), "en") != 0)
                    per[c][0]++;
                if (strcmp(replylint_rule_language(r), "ru") != 0)
                    per[c][1]++;
            }
    }
    for (size_t c = 0; c < 12; c++) {
        ck_assert_msg(per[c][0] >= 1, "no Russian rule for %s", categories[c]);
        ck_assert_msg(per[c][1] >= 1, "no English rule for %s", categories[c]);
    }
    replylint_ruleset_free(rs);
}
END_TEST

START_TEST(test_core_bar_reply)
{
    replylint_error err;
    replylint_ruleset *rs = NULL;
    replylint_report *r = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&rs, &err), 0);
    const char *t = "😀 Здравствуйте!\nПриносим извинения за доставленные неудобства. "
                    "Денежными средствами можно оплатить заказ.";
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.customer_name = "Иван";
    ck_assert_int_eq(replylint_lint(&r, rs, t, strlen(t), &o, &err), 0);
    ck_assert_ptr_nonnull(find_category(r, "inconvenience"));
    ck_assert_ptr_nonnull(find_category(r, "name"));
    const replylint_diag *j = find_category(r, "jargon");
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(replylint_diag_text(j), "Денежными средствами");
    ck_assert_uint_gt(replylint_diag_suggestion_count(j), 0);
    size_t cs, ce, us, ue;
    replylint_diag_offsets(j, REPLYLINT_UNIT_CODEPOINT, &cs, &ce);
    replylint_diag_offsets(j, REPLYLINT_UNIT_UTF16, &us, &ue);
    ck_assert_uint_eq(ce - cs, 20);
    ck_assert_uint_eq(us, cs + 1); /* the emoji is two UTF-16 units, one code point */
    replylint_report_free(r);
    replylint_ruleset_free(rs);
}
END_TEST

/* The embedded rule files parsed as text, the way a team's file is (so the phrase index is
 * built, not thawed), under the names the defaults carry; then `team`, if any. */
static replylint_ruleset *defaults_as_text(const char *team)
{
    replylint_error err;
    replylint_builder *b = NULL;
    replylint_ruleset *rs = NULL;
    ck_assert_int_eq(replylint_builder_new(
                         &b, REPLYLINT_BUILD_NO_DEFAULTS | REPLYLINT_BUILD_NO_EXAMPLES, NULL, &err),
                     0);
    for (size_t i = 0; i < replylint__embedded_rules_count; i++) {
        const rl_embedded_file *f = &replylint__embedded_rules[i];
        char name[256];
        snprintf(name, sizeof(name), "<embedded>/%s", f->name);
        ck_assert_int_eq(replylint_builder_add_buffer(b, f->data, f->len, name, &err), 0);
    }
    if (team)
        ck_assert_int_eq(replylint_builder_add_buffer(b, team, strlen(team), "team.yaml", &err), 0);
    ck_assert_int_eq(replylint_builder_compile(&rs, b, &err), 0);
    replylint_builder_free(b);
    return rs;
}

static void assert_same_string(const char *what, const char *id, const char *a, const char *b)
{
    ck_assert_msg(strcmp(a, b) == 0, "%s: %s differs: \"%s\" vs \"%s\"", id, what, a, b);
}

/* Same findings, field by field, from the two rule sets on one text. */
static void assert_same_findings(const replylint_ruleset *x, const replylint_ruleset *y,
                                 const char *text)
{
    replylint_error err;
    replylint_report *rx = NULL, *ry = NULL;
    ck_assert_int_eq(replylint_lint(&rx, x, text, strlen(text), NULL, &err), 0);
    ck_assert_int_eq(replylint_lint(&ry, y, text, strlen(text), NULL, &err), 0);
    ck_assert_uint_eq(replylint_report_count(rx), replylint_report_count(ry));
    for (size_t i = 0; i < replylint_report_count(rx); i++) {
        const replylint_diag *a = replylint_report_get(rx, i), *b = replylint_report_get(ry, i);
        const char *id = replylint_diag_rule(a);
        assert_same_string("rule", id, id, replylint_diag_rule(b));
        assert_same_string("message", id, replylint_diag_message(a), replylint_diag_message(b));
        assert_same_string("text", id, replylint_diag_text(a), replylint_diag_text(b));
        size_t as, ae, bs, be;
        replylint_diag_offsets(a, REPLYLINT_UNIT_BYTE, &as, &ae);
        replylint_diag_offsets(b, REPLYLINT_UNIT_BYTE, &bs, &be);
        ck_assert_uint_eq(as, bs);
        ck_assert_uint_eq(ae, be);
        ck_assert_uint_eq(replylint_diag_suggestion_count(a), replylint_diag_suggestion_count(b));
        for (size_t k = 0; k < replylint_diag_suggestion_count(a); k++)
            assert_same_string("suggestion", id, replylint_diag_suggestion(a, k),
                               replylint_diag_suggestion(b, k));
    }
    replylint_report_free(rx);
    replylint_report_free(ry);
}

static void assert_same_u32(const char *what, const uint32_t *a, const uint32_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(a[i] == b[i], "%s[%zu]: %u vs %u", what, i, a[i], b[i]);
}

/* Every key of y is in x, the maps are as large, and the values are equal: as numbers, or
 * (given the texts they are offsets in) as the strings there. */
static void assert_same_map(const rl_strmap *x, const rl_strmap *y, const char *x_text,
                            const char *y_text)
{
    ck_assert_uint_eq(x->count, y->count);
    for (size_t i = 0; i < y->cap; i++) {
        const rl_strmap_slot *s = &y->slots[i];
        uint32_t v = 0;
        if (!s->key)
            continue;
        ck_assert(replylint__strmap_get(x, y->pool + s->key - 1, s->len, &v));
        if (x_text)
            ck_assert_str_eq(x_text + v, y_text + s->val);
        else
            ck_assert_uint_eq(v, s->val);
    }
}

/* The value the scan finds for every form of x is the one its forms map and slot flags
 * give; a word one byte away from a form finds nothing, even where the search starts at
 * that form's place. */
static void assert_scan_values(const rl_phrase_index *x)
{
    size_t long_forms = 0, checked = 0;
    for (size_t i = 0; i < x->forms.cap; i++) {
        const rl_strmap_slot *f = &x->forms.slots[i];
        if (!f->key)
            continue;
        const char *key = x->forms.pool + f->key - 1;
        uint32_t flags = 0, at = f->val;
        for (uint32_t k = 0; k < x->form_slots[at]; k++)
            flags |= x->slot_flags[x->form_slots[at + 1 + k]];
        uint64_t h = replylint__hash_bytes(key, f->len);
        ck_assert_uint_eq(replylint__phrase_form_value(x, key, f->len, h),
                          (at + 1) | flags << RL_SCAN_FLAG_SHIFT);
        long_forms += f->len > 8;
        char word[RL_SCAN_FORM_MAX + 1];
        if (f->len > RL_SCAN_FORM_MAX)
            continue;
        size_t places[3] = {0, f->len / 2, f->len - 1};
        for (int p = 0; p < 3; p++) {
            memcpy(word, key, f->len);
            word[places[p]] ^= 1;
            uint32_t v = 0;
            if (replylint__strmap_get(&x->forms, word, f->len, &v))
                continue; /* a form too */
            ck_assert_msg(replylint__phrase_form_value(x, word, f->len, h) == 0,
                          "\"%.*s\" with byte %zu changed is found", (int)f->len, key, places[p]);
            checked++;
        }
    }
    ck_assert_uint_gt(long_forms, 1000); /* Cyrillic forms, longer than the inline 8 bytes */
    ck_assert_uint_gt(checked, 10000);
}

/* The thawed phrase index of the defaults is the one the compiler builds from them. */
static void assert_same_phrase_index(const rl_phrase_index *x, const rl_phrase_index *y)
{
    ck_assert(x->thawed);
    ck_assert(!y->thawed);
    ck_assert_uint_gt(x->n_phrases, 100);
    ck_assert_uint_eq(x->n_phrases, y->n_phrases);
    ck_assert_uint_eq(x->n_slots, y->n_slots);
    ck_assert_uint_eq(x->n_nodes, y->n_nodes);
    ck_assert_uint_eq(x->max_words, y->max_words);
    ck_assert_uint_eq(x->root_any, y->root_any);
    for (size_t i = 0; i < x->n_phrases; i++) {
        const rl_phrase_info *a = &x->phrases[i], *b = &y->phrases[i];
        ck_assert_uint_eq(a->rule, b->rule);
        ck_assert_uint_eq(a->matcher, b->matcher);
        ck_assert_str_eq(a->src->text, b->src->text);
        ck_assert_uint_eq(a->src->line, b->src->line);
        ck_assert_int_eq(a->written != NULL, b->written != NULL);
        for (uint32_t k = 0; a->written && k < a->n_items; k++) {
            ck_assert_uint_eq(a->n_items, b->n_items);
            ck_assert_int_eq(a->written[k] != NULL, b->written[k] != NULL);
            if (a->written[k])
                ck_assert_str_eq(a->written[k], b->written[k]);
        }
    }
    assert_same_map(&x->forms, &y->forms, NULL, NULL);
    assert_scan_values(x);
    assert_scan_values(y);
    ck_assert(memcmp(x->form_filter, y->form_filter, sizeof(x->form_filter)) == 0);
    ck_assert(memcmp(x->slot_flags, y->slot_flags, x->n_slots) == 0);
    ck_assert(memcmp(x->pair_filter, y->pair_filter, sizeof(x->pair_filter)) == 0);
    ck_assert_uint_eq(x->any_reach, y->any_reach);
    ck_assert_int_eq(x->any_always, y->any_always);
    ck_assert_uint_gt(x->any_reach, 0); /* the defaults' signature phrases: "* * department" */
    for (size_t i = 0; i < x->forms.cap; i++) { /* every form passes the filter */
        const rl_strmap_slot *f = &x->forms.slots[i];
        uint64_t bit = f->key ? replylint__hash_bytes(x->forms.pool + f->key - 1, f->len) >>
                                    (64 - RL_FORM_FILTER_BITS)
                              : 0;
        ck_assert(!f->key || (x->form_filter[bit / 64] >> (bit % 64) & 1));
    }
    ck_assert_uint_eq(x->n_form_slots, y->n_form_slots);
    assert_same_u32("form_slots", x->form_slots, y->form_slots, x->n_form_slots);
    assert_same_u32("root_child", x->root_child, y->root_child, x->n_slots);
    assert_same_u32("edge_first", x->edge_first, y->edge_first, (size_t)x->n_nodes + 1);
    size_t n_edges = x->edge_first[x->n_nodes], n_terms = 0;
    assert_same_u32("edge_slot", x->edge_slot, y->edge_slot, n_edges);
    assert_same_u32("edge_child", x->edge_child, y->edge_child, n_edges);
    assert_same_u32("term_first", x->term_first, y->term_first, x->n_nodes);
    assert_same_u32("term_count", x->term_count, y->term_count, x->n_nodes);
    for (uint32_t i = 0; i < x->n_nodes; i++)
        n_terms += x->term_count[i];
    assert_same_u32("terms", x->terms, y->terms, n_terms);
    ck_assert_uint_gt(x->agree.count, 0);
    assert_same_map(&x->agree, &y->agree, x->agree_text, y->agree_text);
}

/*
 * The defaults load from the documents tools/embed.c parsed at build time and with the
 * phrase index tools/phrasegen.c built; the same files parsed as text, as any team's rule
 * file is, must give the same rules field by field (source lines included), the same
 * phrase index and the same findings on every example.
 */
START_TEST(test_build_time_documents_match_the_text)
{
    replylint_error err;
    replylint_ruleset *pre = NULL, *text = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&pre, &err), 0);
    text = defaults_as_text(NULL);

    ck_assert_uint_gt(replylint_ruleset_count(pre), 0);
    ck_assert_uint_eq(replylint_ruleset_count(pre), replylint_ruleset_count(text));
    assert_same_phrase_index(&pre->phrases, &text->phrases);
    for (size_t i = 0; i < replylint_ruleset_count(pre); i++) {
        const replylint_rule *x = replylint_ruleset_get(pre, i),
                             *y = replylint_ruleset_get(text, i);
        const char *id = replylint_rule_id(x);
        assert_same_string("id", id, id, replylint_rule_id(y));
        assert_same_string("category", id, replylint_rule_category(x), replylint_rule_category(y));
        assert_same_string("language", id, replylint_rule_language(x), replylint_rule_language(y));
        assert_same_string("kind", id, replylint_rule_kind(x), replylint_rule_kind(y));
        assert_same_string("message", id, replylint_rule_message(x), replylint_rule_message(y));
        assert_same_string("rationale", id, replylint_rule_rationale(x),
                           replylint_rule_rationale(y));
        ck_assert_int_eq(replylint_rule_severity(x), replylint_rule_severity(y));
        uint32_t lx = 0, ly = 0;
        assert_same_string("source", id, replylint_rule_source(x, &lx),
                           replylint_rule_source(y, &ly));
        ck_assert_uint_gt(lx, 0);
        ck_assert_uint_eq(lx, ly);
        for (int bad = 0; bad <= 1; bad++) {
            size_t n = replylint_rule_example_count(x, bad);
            ck_assert_uint_eq(n, replylint_rule_example_count(y, bad));
            for (size_t k = 0; k < n; k++) {
                const char *ex = replylint_rule_example(x, bad, k);
                assert_same_string("example", id, ex, replylint_rule_example(y, bad, k));
                assert_same_findings(pre, text, ex);
            }
        }
    }
    replylint_ruleset_free(pre);
    replylint_ruleset_free(text);
}
END_TEST

static replylint_ruleset *defaults_with(const char *team, replylint_error *err)
{
    replylint_builder *b = NULL;
    replylint_ruleset *rs = NULL;
    ck_assert_int_eq(replylint_builder_new(&b, 0, NULL, err), 0);
    ck_assert_int_eq(replylint_builder_add_buffer(b, team, strlen(team), "team.yaml", err), 0);
    ck_assert_int_eq(replylint_builder_compile(&rs, b, err), 0);
    replylint_builder_free(b);
    return rs;
}

static const replylint_diag *lint_find(const replylint_ruleset *rs, const char *text,
                                       const char *rule, replylint_report **rep)
{
    replylint_error err;
    ck_assert_int_eq(replylint_lint(rep, rs, text, strlen(text), NULL, &err), 0);
    return find_diag(*rep, rule);
}

/*
 * A team's file on top of the defaults: overrides and rules without phrases keep the
 * build-time phrase index (the phrases are the same), a disabled phrase rule or a team
 * phrase rule makes the compiler build it, and the findings follow either way.
 */
START_TEST(test_phrase_snapshot_with_team_rules)
{
    replylint_error err;
    replylint_report *rep = NULL;
    const char *text = "Денежные средства вернутся завтра. Приносим извинения за неудобства.";

    replylint_ruleset *rs = defaults_with("overrides:\n"
                                          "  - rule: jargon.ru.money\n"
                                          "    severity: error\n",
                                          &err);
    ck_assert(rs->phrases.thawed);
    const replylint_diag *d = lint_find(rs, text, "jargon.ru.money", &rep);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(replylint_diag_severity(d), REPLYLINT_SEV_ERROR);
    ck_assert_ptr_nonnull(find_category(rep, "inconvenience"));
    replylint_report_free(rep);
    replylint_ruleset_free(rs);

    /* A team rule whose id sorts before every default moves each default rule (and its
     * matchers) one place on: the thawed phrases must follow them, and find what an index
     * built for the same rules finds, on every example. */
    static const char first[] =
        "rules:\n"
        "  - id: aaa.team.hours\n"
        "    category: vague-time\n"
        "    language: en\n"
        "    kind: regex\n"
        "    message: which hours?\n"
        "    pattern: '\\bbusiness hours\\b'\n"
        "    examples:\n"
        "      bad: [Call us in business hours., We answer in business hours.]\n"
        "      good: [Call us from 9 to 5., We answer from 9 to 5.]\n";
    rs = defaults_with(first, &err);
    ck_assert(rs->phrases.thawed);
    ck_assert_str_eq(replylint_rule_id(replylint_ruleset_get(rs, 0)), "aaa.team.hours");
    replylint_ruleset *built = defaults_as_text(first);
    ck_assert(!built->phrases.thawed);
    size_t compared = 0;
    for (size_t i = 0; i < replylint_ruleset_count(rs); i++) {
        const replylint_rule *r = replylint_ruleset_get(rs, i);
        for (int bad = 0; bad <= 1; bad++)
            for (size_t k = 0; k < replylint_rule_example_count(r, bad); k++, compared++)
                assert_same_findings(rs, built, replylint_rule_example(r, bad, k));
    }
    ck_assert_uint_gt(compared, 500);
    ck_assert_ptr_nonnull(lint_find(rs, text, "jargon.ru.money", &rep));
    replylint_report_free(rep);
    replylint_ruleset_free(built);
    replylint_ruleset_free(rs);

    rs = defaults_with("overrides:\n  - rule: jargon.ru.money\n    enabled: false\n", &err);
    ck_assert(!rs->phrases.thawed);
    ck_assert_ptr_null(lint_find(rs, text, "jargon.ru.money", &rep));
    ck_assert_ptr_nonnull(find_category(rep, "inconvenience"));
    replylint_report_free(rep);
    replylint_ruleset_free(rs);

    rs = defaults_with("rules:\n"
                       "  - id: team.ru.tomorrow\n"
                       "    category: vague-time\n"
                       "    language: ru\n"
                       "    kind: phrase\n"
                       "    message: когда именно?\n"
                       "    phrases: [вернутся завтра]\n"
                       "    examples:\n"
                       "      bad: [Деньги вернутся завтра., Они вернутся завтра.]\n"
                       "      good: [Деньги вернутся в среду., Они вернутся в среду.]\n",
                       &err);
    ck_assert(!rs->phrases.thawed);
    ck_assert_ptr_nonnull(lint_find(rs, text, "team.ru.tomorrow", &rep));
    ck_assert_ptr_nonnull(find_diag(rep, "jargon.ru.money"));
    replylint_report_free(rep);
    replylint_ruleset_free(rs);
}
END_TEST

Suite *rules_suite(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("defaults");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_every_example);
    tcase_add_test(tc, test_same_bytes_every_position);
    tcase_add_test(tc, test_examples_per_rule_and_coverage);
    tcase_add_test(tc, test_core_bar_reply);
    tcase_add_test(tc, test_build_time_documents_match_the_text);
    tcase_add_test(tc, test_phrase_snapshot_with_team_rules);
    suite_add_tcase(s, tc);
    return s;
}
