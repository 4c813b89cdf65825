/*
 * rule_parse.c: YAML rule files into the rule model.
 *
 * libyaml does the YAML (a hand-written parser would get quoting, folding and escapes
 * subtly wrong); this file checks the shape: known keys only, known categories, kinds
 * and severities, every error with the file, line and column of the offending node.
 * An unknown key is an error rather than a warning because a typo in a key ("phrase:"
 * for "phrases:") would otherwise silently turn a check off.
 */
#include "rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct parse_ctx {
    yaml_document_t *doc;
    const char *source;
    replylint_error *err;
} parse_ctx;

static const struct {
    const char *id;
    replylint_severity severity;
} categories[] = {
    {"jargon", REPLYLINT_SEV_WARNING},     {"inconvenience", REPLYLINT_SEV_WARNING},
    {"greeting", REPLYLINT_SEV_WARNING},   {"name", REPLYLINT_SEV_WARNING},
    {"length", REPLYLINT_SEV_WARNING},     {"closing", REPLYLINT_SEV_SUGGESTION},
    {"thanks", REPLYLINT_SEV_SUGGESTION},  {"signature", REPLYLINT_SEV_SUGGESTION},
    {"deflection", REPLYLINT_SEV_WARNING}, {"robotic", REPLYLINT_SEV_WARNING},
    {"tone", REPLYLINT_SEV_ERROR},         {"vague-time", REPLYLINT_SEV_SUGGESTION},
};

static const char *const kind_names[RL_KIND__COUNT] = {
    "phrase", "regex", "require", "name", "signature", "length", "shouting", "conditional",
};

int replylint__category_known(const char *category)
{
    for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
        if (strcmp(categories[i].id, category) == 0)
            return 1;
    return 0;
}

replylint_severity replylint__category_severity(const char *category)
{
    for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
        if (strcmp(categories[i].id, category) == 0)
            return categories[i].severity;
    return REPLYLINT_SEV_WARNING;
}

const char *replylint__kind_name(rl_kind kind)
{
    return (unsigned)kind < RL_KIND__COUNT ? kind_names[kind] : "?";
}

/* ---- helpers -------------------------------------------------------------------------- */

static int fail(parse_ctx *c, yaml_node_t *n, int status, const char *fmt, const char *arg)
{
    uint32_t line = n ? (uint32_t)n->start_mark.line + 1 : 0;
    uint32_t col = n ? (uint32_t)n->start_mark.column + 1 : 0;
    return replylint__error_at(c->err, status, c->source, line, col, fmt, arg ? arg : "");
}

static yaml_node_t *node(parse_ctx *c, int id)
{
    return yaml_document_get_node(c->doc, id);
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_string(parse_ctx *c, yaml_node_t *n, const char *key, char **out)
{
    const char *s = scalar(n);
    if (!s)
        return fail(c, n, REPLYLINT_ERULE, "'%s' must be a string", key);
    free(*out);
    *out = replylint__strdup(s);
    return *out ? 0 : replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
}

static int get_bool(parse_ctx *c, yaml_node_t *n, const char *key, bool *out)
{
    const char *s = scalar(n);
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)) {
        *out = true;
        return 0;
    }
    if (s && (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)) {
        *out = false;
        return 0;
    }
    return fail(c, n, REPLYLINT_ERULE, "'%s' must be true or false", key);
}

static int get_uint(parse_ctx *c, yaml_node_t *n, const char *key, unsigned *out)
{
    const char *s = scalar(n);
    char *end = NULL;
    unsigned long v = s ? strtoul(s, &end, 10) : 0;
    if (!s || !*s || *end || s[0] == '-' || v > 1000000)
        return fail(c, n, REPLYLINT_ERULE, "'%s' must be a whole number from 0 to 1000000", key);
    *out = (unsigned)v;
    return 0;
}

static int parse_severity(parse_ctx *c, yaml_node_t *n, replylint_severity *out)
{
    const char *s = scalar(n);
    for (int sev = REPLYLINT_SEV_SUGGESTION; s && sev <= REPLYLINT_SEV_ERROR; sev++)
        if (strcmp(s, replylint_severity_name((replylint_severity)sev)) == 0) {
            *out = (replylint_severity)sev;
            return 0;
        }
    return fail(c, n, REPLYLINT_ERULE, "severity must be suggestion, warning or error, not '%s'",
                s ? s : "?");
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* A list of strings, or a single string taken as a list of one. */
static int get_string_list(parse_ctx *c, yaml_node_t *n, const char *key, char ***out,
                           size_t *count)
{
    yaml_node_item_t *it, *end;
    yaml_node_item_t single = 0;
    if (n->type == YAML_SCALAR_NODE) {
        it = &single;
        end = it + 1;
    } else if (n->type == YAML_SEQUENCE_NODE) {
        it = n->data.sequence.items.start;
        end = n->data.sequence.items.top;
    } else {
        return fail(c, n, REPLYLINT_ERULE, "'%s' must be a string or a list of strings", key);
    }
    size_t num = (size_t)(end - it);
    char **v = calloc(num ? num : 1, sizeof(*v));
    if (!v)
        return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
    for (size_t i = 0; i < num; i++) {
        yaml_node_t *item = n->type == YAML_SCALAR_NODE ? n : node(c, it[i]);
        const char *s = scalar(item);
        if (!s || !*s) {
            for (size_t j = 0; j < i; j++)
                free(v[j]);
            free(v);
            return fail(c, item, REPLYLINT_ERULE, "'%s' must hold non-empty strings", key);
        }
        v[i] = replylint__strdup(s);
        if (!v[i]) {
            for (size_t j = 0; j < i; j++)
                free(v[j]);
            free(v);
            return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
        }
    }
    free_strings(*out, *count); /* a key given twice: the last one wins */
    *out = v;
    *count = num;
    return 0;
}

static int add_phrase(parse_ctx *c, rl_matcher *m, yaml_node_t *pn, yaml_node_t *sugg,
                      const char *key)
{
    const char *text = scalar(pn);
    if (!text || !*text)
        return fail(c, pn, REPLYLINT_ERULE, "each entry of '%s' must be a non-empty string", key);
    rl_phrase_src *np = realloc(m->phrases, (m->n_phrases + 1) * sizeof(*np));
    if (!np)
        return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
    m->phrases = np;
    rl_phrase_src *p = &np[m->n_phrases];
    memset(p, 0, sizeof(*p));
    p->line = (uint32_t)pn->start_mark.line + 1;
    p->column = (uint32_t)pn->start_mark.column + 1;
    p->text = replylint__strdup(text);
    if (!p->text)
        return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
    m->n_phrases++;
    if (sugg)
        return get_string_list(c, sugg, key, &p->suggest, &p->n_suggest);
    return 0;
}

static int parse_phrases(parse_ctx *c, rl_matcher *m, yaml_node_t *n, const char *key)
{
    if (n->type == YAML_SCALAR_NODE)
        return add_phrase(c, m, n, NULL, key);
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(c, n, REPLYLINT_ERULE, "'%s' must be a list of phrases", key);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        int r = add_phrase(c, m, node(c, *it), NULL, key);
        if (r)
            return r;
    }
    return 0;
}

static int parse_swap(parse_ctx *c, rl_matcher *m, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(c, n, REPLYLINT_ERULE, "'%s' must map phrases to suggestions", "swap");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        int r = add_phrase(c, m, node(c, p->key), node(c, p->value), "swap");
        if (r)
            return r;
    }
    return 0;
}

static int parse_pattern(parse_ctx *c, rl_matcher *m, yaml_node_t *n)
{
    int r = get_string(c, n, "pattern", &m->pattern);
    if (r)
        return r;
    m->pattern_line = (uint32_t)n->start_mark.line + 1;
    m->pattern_column = (uint32_t)n->start_mark.column + 1;
    /* Block and quoted scalars start their text after the indicator. */
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        m->pattern_column++;
    return 0;
}

/* `if:` / `then:` of a conditional rule: a mapping with phrases and/or pattern. */
static int parse_matcher_map(parse_ctx *c, rl_matcher *m, yaml_node_t *n, const char *key)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(c, n, REPLYLINT_ERULE, "'%s' must be a mapping with phrases and/or pattern",
                    key);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        const char *ks = scalar(k);
        int r;
        if (ks && strcmp(ks, "phrases") == 0)
            r = parse_phrases(c, m, v, "phrases");
        else if (ks && strcmp(ks, "pattern") == 0)
            r = parse_pattern(c, m, v);
        else if (ks && strcmp(ks, "raw") == 0)
            r = get_bool(c, v, "raw", &m->raw);
        else
            r = fail(c, k, REPLYLINT_ERULE, "unknown key '%s' (expected phrases, pattern, raw)",
                     ks ? ks : "?");
        if (r)
            return r;
    }
    if (!m->n_phrases && !m->pattern)
        return fail(c, n, REPLYLINT_ERULE, "'%s' needs phrases or a pattern", key);
    return 0;
}

static int parse_channel(parse_ctx *c, yaml_node_t *n, replylint_channel *out)
{
    const char *s = scalar(n);
    if (s && strcmp(s, "chat") == 0)
        *out = REPLYLINT_CHANNEL_CHAT;
    else if (s && strcmp(s, "email") == 0)
        *out = REPLYLINT_CHANNEL_EMAIL;
    else
        return fail(c, n, REPLYLINT_ERULE, "channel must be chat or email, not '%s'", s ? s : "?");
    return 0;
}

/* `channel: email` or `channel: [chat, email]`: where the rule runs. */
static int parse_channels(parse_ctx *c, yaml_node_t *n, unsigned *out)
{
    *out = 0;
    yaml_node_item_t single = 0, *it, *end;
    if (n->type == YAML_SCALAR_NODE) {
        it = &single;
        end = it + 1;
    } else if (n->type == YAML_SEQUENCE_NODE &&
               n->data.sequence.items.start < n->data.sequence.items.top) {
        it = n->data.sequence.items.start;
        end = n->data.sequence.items.top;
    } else {
        return fail(c, n, REPLYLINT_ERULE, "channel must be chat, email or a list of them%s", "");
    }
    for (; it < end; it++) {
        yaml_node_t *item = n->type == YAML_SCALAR_NODE ? n : node(c, *it);
        replylint_channel ch = REPLYLINT_CHANNEL_EMAIL;
        int rc = parse_channel(c, item, &ch);
        if (rc)
            return rc;
        *out |= 1u << ch;
    }
    return 0;
}

static int parse_example(parse_ctx *c, yaml_node_t *n, rl_example *ex)
{
    ex->line = (uint32_t)n->start_mark.line + 1;
    ex->column = (uint32_t)n->start_mark.column + 1;
    ex->channel = REPLYLINT_CHANNEL_EMAIL;
    if (n->type == YAML_SCALAR_NODE) {
        ex->len = n->data.scalar.length;
        ex->text = replylint__strndup((const char *)n->data.scalar.value, ex->len);
        return ex->text ? 0 : replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
    }
    if (n->type != YAML_MAPPING_NODE)
        return fail(c, n, REPLYLINT_ERULE, "an example is a string or a mapping with text%s", "");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        const char *ks = scalar(k);
        int r;
        if (ks && strcmp(ks, "text") == 0) {
            r = get_string(c, v, "text", &ex->text);
            if (!r)
                ex->len = v->data.scalar.length;
        } else if (ks && strcmp(ks, "name") == 0) {
            r = get_string(c, v, "name", &ex->name);
        } else if (ks && strcmp(ks, "agent") == 0) {
            r = get_string(c, v, "agent", &ex->agent);
        } else if (ks && strcmp(ks, "channel") == 0) {
            r = parse_channel(c, v, &ex->channel);
        } else if (ks && strcmp(ks, "turn") == 0) {
            const char *t = scalar(v);
            r = 0;
            if (t && (strcmp(t, "followup") == 0 || strcmp(t, "first") == 0))
                ex->followup = strcmp(t, "followup") == 0;
            else
                r = fail(c, v, REPLYLINT_ERULE, "turn must be first or followup, not '%s'",
                         t ? t : "?");
        } else {
            r = fail(c, k, REPLYLINT_ERULE,
                     "unknown example key '%s' (expected text, name, agent, channel, turn)",
                     ks ? ks : "?");
        }
        if (r)
            return r;
    }
    if (!ex->text)
        return fail(c, n, REPLYLINT_ERULE, "an example mapping needs 'text'%s", "");
    return 0;
}

static int parse_example_list(parse_ctx *c, yaml_node_t *n, rl_example **out, size_t *count,
                              const char *key)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(c, n, REPLYLINT_ERULE, "'%s' must be a list of examples", key);
    size_t num = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    rl_example *v = calloc(num ? num : 1, sizeof(*v));
    if (!v)
        return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
    *out = v;
    for (size_t i = 0; i < num; i++) {
        int r = parse_example(c, node(c, n->data.sequence.items.start[i]), &v[i]);
        *count = i + 1;
        if (r)
            return r;
    }
    return 0;
}

static int parse_examples(parse_ctx *c, replylint_rule *r, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(c, n, REPLYLINT_ERULE, "'examples' must be a mapping with bad and good%s", "");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        const char *ks = scalar(k);
        int rc;
        if (ks && strcmp(ks, "bad") == 0 && !r->bad)
            rc = parse_example_list(c, v, &r->bad, &r->n_bad, "bad");
        else if (ks && strcmp(ks, "good") == 0 && !r->good)
            rc = parse_example_list(c, v, &r->good, &r->n_good, "good");
        else
            rc = fail(c, k, REPLYLINT_ERULE, "unexpected key '%s' in examples (bad, good)",
                      ks ? ks : "?");
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_max(parse_ctx *c, yaml_node_t *n, unsigned *chat, unsigned *email)
{
    if (n->type == YAML_SCALAR_NODE) {
        int r = get_uint(c, n, "max", chat);
        *email = *chat;
        return r;
    }
    if (n->type != YAML_MAPPING_NODE)
        return fail(c, n, REPLYLINT_ERULE, "'max' must be a number or {chat: N, email: M}%s", "");
    bool got_chat = false, got_email = false;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        const char *ks = scalar(k);
        int r;
        if (ks && strcmp(ks, "chat") == 0) {
            r = get_uint(c, v, "max.chat", chat);
            got_chat = true;
        } else if (ks && strcmp(ks, "email") == 0) {
            r = get_uint(c, v, "max.email", email);
            got_email = true;
        } else {
            r = fail(c, k, REPLYLINT_ERULE, "unknown key '%s' in max (chat, email)", ks ? ks : "?");
        }
        if (r)
            return r;
    }
    if (!got_chat || !got_email)
        return fail(c, n, REPLYLINT_ERULE, "'max' needs both chat and email%s", "");
    return 0;
}

static int parse_where(parse_ctx *c, yaml_node_t *n, rl_where *out)
{
    const char *s = scalar(n);
    if (s && strcmp(s, "start") == 0)
        *out = RL_WHERE_START;
    else if (s && strcmp(s, "end") == 0)
        *out = RL_WHERE_END;
    else if (s && strcmp(s, "anywhere") == 0)
        *out = RL_WHERE_ANYWHERE;
    else
        return fail(c, n, REPLYLINT_ERULE, "where must be start, end or anywhere, not '%s'",
                    s ? s : "?");
    return 0;
}

/* `aliases: [[Александр, Саша, Шура], [Alexander, Alex]]`: variants of one first name. */
static int parse_aliases(parse_ctx *c, yaml_node_t *n, replylint_rule *r)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(c, n, REPLYLINT_ERULE, "'aliases' must be a list of lists of names%s", "");
    uint32_t group = 0;
    for (yaml_node_item_t *g = n->data.sequence.items.start; g < n->data.sequence.items.top;
         g++, group++) {
        yaml_node_t *gn = node(c, *g);
        char **names = NULL;
        size_t count = 0;
        if (gn->type != YAML_SEQUENCE_NODE)
            return fail(c, gn, REPLYLINT_ERULE, "each entry of 'aliases' must be a list of names%s",
                        "");
        int rc = get_string_list(c, gn, "aliases", &names, &count);
        if (rc)
            return rc;
        /* Each variant is looked for in every word of a reply: keep the groups small. */
        if (count > 64) {
            free_strings(names, count);
            return fail(c, gn, REPLYLINT_ERULE, "an alias group holds at most 64 names%s", "");
        }
        char **na = realloc(r->aliases, (r->n_aliases + count) * sizeof(char *));
        uint32_t *ng =
            na ? realloc(r->alias_group, (r->n_aliases + count) * sizeof(uint32_t)) : NULL;
        if (na)
            r->aliases = na;
        if (ng)
            r->alias_group = ng;
        if (!na || !ng) {
            free_strings(names, count);
            return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < count; i++) {
            r->aliases[r->n_aliases] = names[i];
            r->alias_group[r->n_aliases++] = group;
        }
        free(names);
    }
    return 0;
}

/* ---- one rule ------------------------------------------------------------------------- */

/* Which keys each kind accepts, beyond the common ones. */
static bool key_allowed(rl_kind kind, const char *key)
{
    /* The lists below separate keys by spaces: an empty key, or one with a space in it
     * (" phrases"), would match at a list's first byte, where p[-1] reads before it. */
    if (!*key || strchr(key, ' '))
        return false;
    static const char *const per_kind[RL_KIND__COUNT] = {
        [RL_KIND_PHRASE] = " phrases swap where inflect except ",
        [RL_KIND_REGEX] = " pattern raw suggest where needs needs_text ",
        [RL_KIND_REQUIRE] = " phrases pattern raw where inflect except needs_text ",
        [RL_KIND_NAME] = " where aliases ",
        [RL_KIND_SIGNATURE] = " department signoff inflect ",
        [RL_KIND_LENGTH] = " scope max ",
        [RL_KIND_SHOUTING] = " min_letters allow ",
        [RL_KIND_CONDITIONAL] = " if then inflect ",
    };
    const char *list = per_kind[kind];
    size_t n = strlen(key);
    for (const char *p = strstr(list, key); p; p = strstr(p + 1, key))
        if (p[-1] == ' ' && p[n] == ' ')
            return true;
    return false;
}

static int parse_kind(parse_ctx *c, yaml_node_t *n, rl_kind *out)
{
    const char *s = scalar(n);
    for (int k = 0; s && k < RL_KIND__COUNT; k++)
        if (strcmp(s, kind_names[k]) == 0) {
            *out = (rl_kind)k;
            return 0;
        }
    return fail(c, n, REPLYLINT_ERULE,
                "unknown kind '%s' (phrase, regex, require, name, signature, length, shouting, "
                "conditional)",
                s ? s : "?");
}

static yaml_node_t *find_key(parse_ctx *c, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *ks = scalar(node(c, p->key));
        if (ks && strcmp(ks, key) == 0)
            return node(c, p->value);
    }
    return NULL;
}

static int check_id(parse_ctx *c, yaml_node_t *n, const char *id)
{
    if (!*id)
        return fail(c, n, REPLYLINT_ERULE, "rule id must not be empty%s", "");
    for (const char *p = id; *p; p++) {
        char ch = *p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
              ch == '_'))
            return fail(c, n, REPLYLINT_ERULE,
                        "rule id '%s' may hold only a-z, 0-9, '.', '-' and '_'", id);
    }
    return 0;
}

/* Move r's id, category and message into one block, r->text, which owns them from then
 * on: r->id, r->category and r->message point into it.  Returns 0 or -1 (memory; the three
 * stay where they were). */
static int rule_text(replylint_rule *r)
{
    size_t id = strlen(r->id) + 1, cat = strlen(r->category) + 1, msg = strlen(r->message) + 1;
    char *b;
    if (id + cat + msg > UINT32_MAX || !(b = malloc(id + cat + msg)))
        return -1;
    memcpy(b, r->id, id);
    memcpy(b + id, r->category, cat);
    memcpy(b + id + cat, r->message, msg);
    free(r->id);
    free(r->category);
    free(r->message);
    r->id = b;
    r->category = b + id;
    r->message = b + id + cat;
    r->text = (rl_rule_text){b, (uint32_t)(id + cat + msg), (uint32_t)id, (uint32_t)(id + cat)};
    return 0;
}

static int parse_rule(parse_ctx *c, yaml_node_t *n, replylint_rule *r)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(c, n, REPLYLINT_ERULE, "a rule must be a mapping%s", "");
    r->line = (uint32_t)n->start_mark.line + 1;
    r->column = (uint32_t)n->start_mark.column + 1;
    r->enabled = true;
    r->inflect = true;
    r->min_letters = 4;
    r->max_chat = r->max_email = 0;
    r->channels = (1u << REPLYLINT_CHANNEL_EMAIL) | (1u << REPLYLINT_CHANNEL_CHAT);
    r->source = replylint__strdup(c->source);
    if (!r->source)
        return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");

    /* The kind decides which other keys are valid, so read it first. */
    yaml_node_t *kn = find_key(c, n, "kind");
    if (!kn)
        return fail(c, n, REPLYLINT_ERULE, "rule has no 'kind'%s", "");
    int rc = parse_kind(c, kn, &r->kind);
    if (rc)
        return rc;

    bool have_severity = false, have_max = false, have_scope = false;
    yaml_node_t *cat_node = NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        const char *ks = scalar(k);
        if (!ks)
            return fail(c, k, REPLYLINT_ERULE, "rule keys must be strings%s", "");
        if (strcmp(ks, "kind") == 0)
            continue;
        if (strcmp(ks, "id") == 0) {
            rc = get_string(c, v, "id", &r->id);
            if (!rc)
                rc = check_id(c, v, r->id);
        } else if (strcmp(ks, "category") == 0) {
            rc = get_string(c, v, "category", &r->category);
            cat_node = v;
        } else if (strcmp(ks, "language") == 0) {
            const char *s = scalar(v);
            if (s && strcmp(s, "ru") == 0)
                r->lang = REPLYLINT_LANG_RU;
            else if (s && strcmp(s, "en") == 0)
                r->lang = REPLYLINT_LANG_EN;
            else if (s && strcmp(s, "any") == 0)
                r->lang = RL_LANG_ANY;
            else
                rc = fail(c, v, REPLYLINT_ERULE, "language must be ru, en or any, not '%s'",
                          s ? s : "?");
        } else if (strcmp(ks, "severity") == 0) {
            rc = parse_severity(c, v, &r->severity);
            have_severity = true;
        } else if (strcmp(ks, "message") == 0) {
            rc = get_string(c, v, "message", &r->message);
        } else if (strcmp(ks, "rationale") == 0) {
            rc = get_string(c, v, "rationale", &r->rationale);
        } else if (strcmp(ks, "link") == 0) {
            char *link = NULL;
            rc = get_string(c, v, "link", &link);
            free(link);
        } else if (strcmp(ks, "examples") == 0) {
            rc = parse_examples(c, r, v);
        } else if (strcmp(ks, "channel") == 0) {
            rc = parse_channels(c, v, &r->channels);
        } else if (strcmp(ks, "turn") == 0) {
            const char *t = scalar(v);
            if (t && strcmp(t, "first") == 0)
                r->first_turn_only = true;
            else if (t && strcmp(t, "any") == 0)
                r->first_turn_only = false;
            else
                rc =
                    fail(c, v, REPLYLINT_ERULE, "turn must be first or any, not '%s'", t ? t : "?");
        } else if (!key_allowed(r->kind, ks)) {
            rc = fail(c, k, REPLYLINT_ERULE, "unknown key '%s' for this kind of rule", ks);
        } else if (strcmp(ks, "phrases") == 0) {
            rc = parse_phrases(c, &r->m, v, "phrases");
        } else if (strcmp(ks, "swap") == 0) {
            rc = parse_swap(c, &r->m, v);
        } else if (strcmp(ks, "department") == 0) {
            rc = parse_phrases(c, &r->m, v, "department");
        } else if (strcmp(ks, "except") == 0) {
            rc = parse_phrases(c, &r->then, v, "except");
        } else if (strcmp(ks, "signoff") == 0) {
            rc = parse_phrases(c, &r->then, v, "signoff");
        } else if (strcmp(ks, "needs") == 0) {
            rc = parse_phrases(c, &r->needs, v, "needs");
        } else if (strcmp(ks, "needs_text") == 0) {
            free_strings(r->m.texts, r->m.n_texts);
            r->m.texts = NULL;
            r->m.n_texts = 0;
            rc = get_string_list(c, v, "needs_text", &r->m.texts, &r->m.n_texts);
            r->m.texts_line = (uint32_t)v->start_mark.line + 1;
            r->m.texts_column = (uint32_t)v->start_mark.column + 1;
        } else if (strcmp(ks, "pattern") == 0) {
            rc = parse_pattern(c, &r->m, v);
        } else if (strcmp(ks, "raw") == 0) {
            rc = get_bool(c, v, "raw", &r->m.raw);
        } else if (strcmp(ks, "suggest") == 0) {
            rc = get_string_list(c, v, "suggest", &r->suggest, &r->n_suggest);
        } else if (strcmp(ks, "where") == 0) {
            rc = parse_where(c, v, &r->where);
        } else if (strcmp(ks, "inflect") == 0) {
            rc = get_bool(c, v, "inflect", &r->inflect);
        } else if (strcmp(ks, "scope") == 0) {
            const char *s = scalar(v);
            have_scope = true;
            if (s && strcmp(s, "reply") == 0)
                r->scope = RL_SCOPE_REPLY;
            else if (s && strcmp(s, "sentence") == 0)
                r->scope = RL_SCOPE_SENTENCE;
            else if (s && strcmp(s, "paragraph") == 0)
                r->scope = RL_SCOPE_PARAGRAPH;
            else
                rc = fail(c, v, REPLYLINT_ERULE,
                          "scope must be reply, sentence or paragraph, not '%s'", s ? s : "?");
        } else if (strcmp(ks, "max") == 0) {
            rc = parse_max(c, v, &r->max_chat, &r->max_email);
            have_max = true;
        } else if (strcmp(ks, "min_letters") == 0) {
            rc = get_uint(c, v, "min_letters", &r->min_letters);
        } else if (strcmp(ks, "aliases") == 0) {
            rc = parse_aliases(c, v, r);
        } else if (strcmp(ks, "allow") == 0) {
            rc = get_string_list(c, v, "allow", &r->allow, &r->n_allow);
        } else if (strcmp(ks, "if") == 0) {
            rc = parse_matcher_map(c, &r->m, v, "if");
        } else if (strcmp(ks, "then") == 0) {
            rc = parse_matcher_map(c, &r->then, v, "then");
        } else {
            rc = fail(c, k, REPLYLINT_ERULE, "unknown key '%s'", ks);
        }
        if (rc)
            return rc;
    }

    if (!r->id)
        return fail(c, n, REPLYLINT_ERULE, "rule has no 'id'%s", "");
    if (!r->category)
        return fail(c, n, REPLYLINT_ERULE, "rule '%s' has no 'category'", r->id);
    if (!replylint__category_known(r->category))
        return fail(c, cat_node, REPLYLINT_ERULE,
                    "unknown category '%s' (jargon, inconvenience, greeting, name, length, "
                    "closing, thanks, signature, deflection, robotic, tone, vague-time)",
                    r->category);
    if (!r->message)
        return fail(c, n, REPLYLINT_ERULE, "rule '%s' has no 'message'", r->id);
    r->message_quotes = strstr(r->message, "{match}") != NULL;
    if (rule_text(r) != 0)
        return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
    if (!have_severity)
        r->severity = replylint__category_severity(r->category);
    if (!r->rationale && !(r->rationale = replylint__strdup("")))
        return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");

    switch (r->kind) {
    case RL_KIND_PHRASE:
        if (!r->m.n_phrases)
            return fail(c, n, REPLYLINT_ERULE, "phrase rule '%s' needs phrases or swap", r->id);
        break;
    case RL_KIND_REGEX:
        if (!r->m.pattern)
            return fail(c, n, REPLYLINT_ERULE, "regex rule '%s' needs a pattern", r->id);
        break;
    case RL_KIND_REQUIRE:
        if (!r->m.n_phrases && !r->m.pattern)
            return fail(c, n, REPLYLINT_ERULE, "require rule '%s' needs phrases or a pattern",
                        r->id);
        if (r->m.n_texts && !r->m.pattern) /* pointed at the needs_text that has no use */
            return replylint__error_at(c->err, REPLYLINT_ERULE, c->source, r->m.texts_line,
                                       r->m.texts_column,
                                       "rule '%s': needs_text says what its pattern's matches "
                                       "hold, and it has no pattern",
                                       r->id);
        break;
    case RL_KIND_SIGNATURE:
        if (!r->m.n_phrases)
            return fail(c, n, REPLYLINT_ERULE, "signature rule '%s' needs department phrases",
                        r->id);
        break;
    case RL_KIND_LENGTH:
        if (!have_max || !have_scope)
            return fail(c, n, REPLYLINT_ERULE, "length rule '%s' needs scope and max", r->id);
        break;
    case RL_KIND_CONDITIONAL:
        if (!r->m.n_phrases && !r->m.pattern)
            return fail(c, n, REPLYLINT_ERULE, "conditional rule '%s' needs 'if'", r->id);
        if (!r->then.n_phrases && !r->then.pattern)
            return fail(c, n, REPLYLINT_ERULE, "conditional rule '%s' needs 'then'", r->id);
        break;
    default:
        break;
    }
    if (r->n_bad == 0 || r->n_good == 0)
        return fail(c, n, REPLYLINT_ERULE,
                    "rule '%s' needs examples: at least one bad and one good", r->id);
    return 0;
}

/* ---- overrides ------------------------------------------------------------------------ */

static int parse_override(parse_ctx *c, yaml_node_t *n, rl_override *o)
{
    o->enabled = -1;
    o->min_letters = -1;
    o->line = (uint32_t)n->start_mark.line + 1;
    o->column = (uint32_t)n->start_mark.column + 1;
    if (n->type != YAML_MAPPING_NODE)
        return fail(c, n, REPLYLINT_ERULE, "an override must be a mapping with 'rule'%s", "");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        const char *ks = scalar(k);
        int rc;
        if (ks && strcmp(ks, "rule") == 0) {
            rc = get_string(c, v, "rule", &o->rule);
        } else if (ks && strcmp(ks, "enabled") == 0) {
            bool b = true;
            rc = get_bool(c, v, "enabled", &b);
            o->enabled = b;
        } else if (ks && strcmp(ks, "severity") == 0) {
            replylint_severity sev;
            rc = parse_severity(c, v, &sev);
            o->severity = (int)sev;
        } else if (ks && strcmp(ks, "max") == 0) {
            rc = parse_max(c, v, &o->max_chat, &o->max_email);
            o->has_max = true;
        } else if (ks && strcmp(ks, "min_letters") == 0) {
            unsigned u = 0;
            rc = get_uint(c, v, "min_letters", &u);
            o->min_letters = (int)u;
        } else {
            rc = fail(c, k, REPLYLINT_ERULE,
                      "unknown override key '%s' (rule, enabled, severity, max, min_letters)",
                      ks ? ks : "?");
        }
        if (rc)
            return rc;
    }
    if (!o->rule)
        return fail(c, n, REPLYLINT_ERULE, "an override needs 'rule'%s", "");
    return 0;
}

/* ---- the file ------------------------------------------------------------------------- */

static int parse_root(parse_ctx *c, rl_file *out)
{
    yaml_node_t *root = yaml_document_get_root_node(c->doc);
    if (!root)
        return 0; /* an empty file adds nothing */
    if (root->type != YAML_MAPPING_NODE)
        return fail(c, root, REPLYLINT_ERULE,
                    "a rule file is a mapping with 'rules' and/or 'overrides'%s", "");
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        const char *ks = scalar(k);
        bool is_rules = ks && strcmp(ks, "rules") == 0;
        bool is_over = ks && strcmp(ks, "overrides") == 0;
        if (!is_rules && !is_over)
            return fail(c, k, REPLYLINT_ERULE,
                        "unknown top-level key '%s' (expected rules, overrides)", ks ? ks : "?");
        if (v->type != YAML_SEQUENCE_NODE)
            return fail(c, v, REPLYLINT_ERULE, "'%s' must be a list", ks);
        size_t num = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
        for (size_t i = 0; i < num; i++) {
            yaml_node_t *item = node(c, v->data.sequence.items.start[i]);
            int rc;
            if (is_rules) {
                replylint_rule *nr = realloc(out->rules, (out->n_rules + 1) * sizeof(*nr));
                if (!nr)
                    return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
                out->rules = nr;
                memset(&nr[out->n_rules], 0, sizeof(*nr));
                out->n_rules++;
                rc = parse_rule(c, item, &nr[out->n_rules - 1]);
            } else {
                rl_override *no = realloc(out->overrides, (out->n_overrides + 1) * sizeof(*no));
                if (!no)
                    return replylint__error(c->err, REPLYLINT_ENOMEM, "out of memory");
                out->overrides = no;
                memset(&no[out->n_overrides], 0, sizeof(*no));
                out->n_overrides++;
                rc = parse_override(c, item, &no[out->n_overrides - 1]);
            }
            if (rc)
                return rc;
        }
    }
    return 0;
}

#define MAX_DEPTH 64

/*
 * A first pass over the events, before libyaml builds the document: rule files nest a few
 * levels and never need anchors, while a hostile file could nest a quarter of a million
 * levels or use aliases to make one node count a million times ("billion laughs").  Both
 * are refused here, with the position of the offending event.
 */
static int prescan(const char *yaml, size_t len, const char *source, replylint_error *err)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&parser))
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    int depth = 0, rc = 0;
    for (;;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = 0; /* syntax errors are reported, with context, by the real load */
            break;
        }
        yaml_event_type_t type = ev.type;
        yaml_mark_t m = ev.start_mark;
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT)
            depth--;
        yaml_event_delete(&ev);
        if (type == YAML_ALIAS_EVENT) {
            rc = replylint__error_at(err, REPLYLINT_ERULE, source, (uint32_t)m.line + 1,
                                     (uint32_t)m.column + 1,
                                     "YAML aliases (*name) are not allowed in rule files");
            break;
        }
        if (depth > MAX_DEPTH) {
            rc = replylint__error_at(err, REPLYLINT_ERULE, source, (uint32_t)m.line + 1,
                                     (uint32_t)m.column + 1, "nesting deeper than %d levels",
                                     MAX_DEPTH);
            break;
        }
        if (type == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&parser);
    return rc;
}

int replylint__parse_rules(rl_file *out, const char *yaml, size_t len, const char *source,
                           bool trusted, replylint_error *err)
{
    memset(out, 0, sizeof(*out));
    int pre = trusted ? 0 : prescan(yaml, len, source, err);
    if (pre)
        return pre;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_mark_t m = parser.problem_mark;
        if (parser.error == YAML_READER_ERROR) {
            /* Reader errors (bad UTF-8) carry only a byte offset: derive line and column. */
            m.line = m.column = 0;
            for (size_t i = 0; i < parser.problem_offset && i < len; i++) {
                if (yaml[i] == '\n') {
                    m.line++;
                    m.column = 0;
                } else if (((unsigned char)yaml[i] & 0xC0) != 0x80) {
                    m.column++;
                }
            }
        }
        int rc = replylint__error_at(
            err, REPLYLINT_ERULE_SYNTAX, source, (uint32_t)m.line + 1, (uint32_t)m.column + 1,
            "YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
            parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return rc;
    }
    parse_ctx c = {&doc, source, err};
    int rc = parse_root(&c, out);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc)
        replylint__file_free(out);
    return rc;
}

int replylint__parse_embedded_rules(rl_file *out, const rl_embedded_file *e, const char *source,
                                    replylint_error *err)
{
    memset(out, 0, sizeof(*out));
    yaml_node_t *nodes = calloc(e->n_nodes ? e->n_nodes : 1, sizeof(*nodes));
    if (!nodes)
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    /* The parser only reads the document, so its nodes may point into the embedded
     * (read-only) arrays; the casts drop a const that libyaml's types do not carry. */
    yaml_node_item_t *items = (yaml_node_item_t *)(uintptr_t)e->items;
    yaml_node_pair_t *pairs = (yaml_node_pair_t *)(uintptr_t)e->pairs;
    for (size_t i = 0; i < e->n_nodes; i++) {
        const uint32_t *f = e->nodes + i * RL_EMBEDDED_NODE_FIELDS;
        yaml_node_t *n = &nodes[i];
        n->type = (yaml_node_type_t)f[0];
        n->start_mark.line = f[2];
        n->start_mark.column = f[3];
        switch (n->type) {
        case YAML_SCALAR_NODE:
            n->data.scalar.style = (yaml_scalar_style_t)f[1];
            n->data.scalar.value = (yaml_char_t *)(uintptr_t)(e->text + f[4]);
            n->data.scalar.length = f[5];
            break;
        case YAML_SEQUENCE_NODE:
            n->data.sequence.style = (yaml_sequence_style_t)f[1];
            n->data.sequence.items.start = items + f[4];
            n->data.sequence.items.top = n->data.sequence.items.end = items + f[4] + f[5];
            break;
        case YAML_MAPPING_NODE:
            n->data.mapping.style = (yaml_mapping_style_t)f[1];
            n->data.mapping.pairs.start = pairs + f[4];
            n->data.mapping.pairs.top = n->data.mapping.pairs.end = pairs + f[4] + f[5];
            break;
        default:
            break;
        }
    }
    yaml_document_t doc;
    memset(&doc, 0, sizeof(doc));
    doc.nodes.start = nodes;
    doc.nodes.top = doc.nodes.end = nodes + e->n_nodes;
    doc.start_implicit = doc.end_implicit = 1;
    parse_ctx c = {&doc, source, err};
    int rc = parse_root(&c, out);
    free(nodes);
    if (rc)
        replylint__file_free(out);
    return rc;
}

static void matcher_clear(rl_matcher *m)
{
    for (size_t i = 0; i < m->n_phrases; i++) {
        free(m->phrases[i].text);
        free_strings(m->phrases[i].suggest, m->phrases[i].n_suggest);
    }
    free(m->phrases);
    free(m->pattern);
    free_strings(m->texts, m->n_texts);
    pcre2_code_free(m->re);
    pcre2_code_free(m->re_at);
    memset(m, 0, sizeof(*m));
}

static void examples_free(rl_example *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].text);
        free(v[i].name);
        free(v[i].agent);
    }
    free(v);
}

void replylint__rule_clear(replylint_rule *r)
{
    if (r->text.block) { /* it holds the id, category and message */
        free(r->text.block);
    } else {
        free(r->id);
        free(r->category);
        free(r->message);
    }
    free(r->rationale);
    free(r->source);
    matcher_clear(&r->m);
    matcher_clear(&r->then);
    matcher_clear(&r->needs);
    free_strings(r->suggest, r->n_suggest);
    free_strings(r->allow, r->n_allow);
    free_strings(r->aliases, r->n_aliases);
    free(r->alias_group);
    examples_free(r->bad, r->n_bad);
    examples_free(r->good, r->n_good);
    memset(r, 0, sizeof(*r));
}

void replylint__file_free(rl_file *f)
{
    for (size_t i = 0; i < f->n_rules; i++)
        replylint__rule_clear(&f->rules[i]);
    free(f->rules);
    for (size_t i = 0; i < f->n_overrides; i++)
        free(f->overrides[i].rule);
    free(f->overrides);
    memset(f, 0, sizeof(*f));
}
