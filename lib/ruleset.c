/*
 * ruleset.c: from YAML sources to an immutable, shareable rule set.
 *
 * The builder keeps the sources, not parsed rules: compiling is cheap (milliseconds), and
 * recompiling from text is the simplest way to let each add be all-or-nothing and to let
 * one builder produce any number of independent rule sets.
 */
#include "fold.h"
#include "report.h"
#include "rules.h"
#include "segment.h"
#include "utf8.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits that keep a hostile or mistaken team rule file from exhausting a service. */
#define MAX_PATTERN_BYTES  16384
#define DEPTH_LIMIT        10000u
#define HEAP_LIMIT_KIB     20480u
#define MAX_RULE_FILE_SIZE (16u << 20)

struct replylint_builder {
    unsigned flags;
    rl_source *src;
    size_t n_src, cap_src;
    rl_forms *forms; /* kept across compiles so dictionaries load at most once */
};

/* ---- compiling ------------------------------------------------------------------------ */

static int cmp_rule(const void *a, const void *b)
{
    return strcmp(((const replylint_rule *)a)->id, ((const replylint_rule *)b)->id);
}

static int apply_override(replylint_rule *rules, size_t n, const rl_override *o, const char *source,
                          replylint_error *err)
{
    for (size_t i = 0; i < n; i++) {
        replylint_rule *r = &rules[i];
        if (strcmp(r->id, o->rule) != 0)
            continue;
        if (o->enabled >= 0)
            r->enabled = o->enabled != 0;
        if (o->severity)
            r->severity = (replylint_severity)o->severity;
        if (o->has_max) {
            if (r->kind != RL_KIND_LENGTH)
                return replylint__error_at(err, REPLYLINT_ERULE, source, o->line, o->column,
                                           "override of '%s': 'max' applies to length rules only",
                                           o->rule);
            r->max_chat = o->max_chat;
            r->max_email = o->max_email;
        }
        if (o->min_letters >= 0) {
            if (r->kind != RL_KIND_SHOUTING)
                return replylint__error_at(
                    err, REPLYLINT_ERULE, source, o->line, o->column,
                    "override of '%s': 'min_letters' applies to shouting rules only", o->rule);
            r->min_letters = (unsigned)o->min_letters;
        }
        return 0;
    }
    return replylint__error_at(err, REPLYLINT_ENOTFOUND, source, o->line, o->column,
                               "override names no loaded rule: '%s'", o->rule);
}

/* Gather every rule of every source, apply overrides, and drop disabled rules. */
static int gather(replylint_ruleset *rs, const rl_source *src, size_t n_src, replylint_error *err)
{
    size_t cap = 0;
    rl_strmap ids = {0}; /* rule id -> index: duplicates found in linear time */
    int rc = 0;
    for (size_t s = 0; s < n_src && rc == 0; s++) {
        rl_file f;
        rc = src[s].embedded
                 ? replylint__parse_embedded_rules(&f, src[s].embedded, src[s].name, err)
                 : replylint__parse_rules(&f, src[s].data, src[s].len, src[s].name, src[s].trusted,
                                          err);
        if (rc)
            break;
        for (size_t i = 0; i < f.n_rules && rc == 0; i++) {
            replylint_rule *r = &f.rules[i];
            uint32_t k;
            if (replylint__strmap_get(&ids, r->id, strlen(r->id), &k)) {
                rc = replylint__error_at(err, REPLYLINT_ERULE, src[s].name, r->line, r->column,
                                         "duplicate rule id '%s' (first defined in %s:%u)", r->id,
                                         rs->rules[k].source, rs->rules[k].line);
            } else if (replylint__strmap_put(&ids, r->id, strlen(r->id), (uint32_t)rs->n_rules) !=
                           0 ||
                       RL_GROW(rs->rules, cap, rs->n_rules + 1) != 0) {
                rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
            } else {
                r->check_examples = src[s].check_examples;
                r->trusted = src[s].trusted;
                rs->rules[rs->n_rules++] = *r;
                memset(r, 0, sizeof(*r)); /* moved */
            }
        }
        for (size_t i = 0; i < f.n_overrides && rc == 0; i++)
            rc = apply_override(rs->rules, rs->n_rules, &f.overrides[i], src[s].name, err);
        replylint__file_free(&f);
    }
    replylint__strmap_free(&ids);
    if (rc)
        return rc;
    size_t keep = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        if (rs->rules[i].enabled)
            rs->rules[keep++] = rs->rules[i];
        else
            replylint__rule_clear(&rs->rules[i]);
    }
    rs->n_rules = keep;
    if (rs->n_rules > 1)
        qsort(rs->rules, rs->n_rules, sizeof(*rs->rules), cmp_rule);
    return 0;
}

/* Patterns over folded text see «е» for «ё»; fold the pattern's own «ё» the same way. */
static void fold_yo(char *p)
{
    for (; *p; p++) {
        unsigned char a = (unsigned char)p[0], b = (unsigned char)p[1];
        if (a == 0xD1 && b == 0x91) { /* ё -> е */
            p[0] = (char)0xD0;
            p[1] = (char)0xB5;
            p++;
        } else if (a == 0xD0 && b == 0x81) { /* Ё -> Е */
            p[1] = (char)0x95;
            p++;
        }
    }
}

/*
 * Which words can a match start at?  A pattern over folded text whose every top-level
 * alternative starts with \b and then a word character can only match where a word
 * starts; trying it, anchored, at each word of the reply instead of at each character is
 * many times cheaper in Cyrillic, where every letter shares its first byte with the rest.
 * For the common shapes («\bword», «\b(?:alt|alt)», «\b(?:as\s+)?per», «\b(?<!x )word»)
 * the set of first letters is collected too, so most words are skipped without calling
 * PCRE2 at all.  The analysis is conservative: anything it does not understand (classes,
 * escapes other than \d and \w, inline options) makes it give up, and the pattern is then
 * scanned whole, as PCRE2 would.  The first letters are folded (lower case).
 */
typedef struct first_info {
    rl_matcher *m;
    bool any; /* too many starts to list: every word must be tried */
} first_info;

/* Add the folded start s[0, len) (len <= 15); a start that another one begins with is
 * covered already. */
static void add_first(first_info *fi, const char *s, size_t len)
{
    rl_matcher *m = fi->m;
    for (uint32_t i = 0; i < m->n_first; i++)
        if (m->first[i].len <= len && memcmp(m->first[i].s, s, m->first[i].len) == 0)
            return;
    if (m->n_first == sizeof(m->first) / sizeof(m->first[0])) {
        fi->any = true; /* too many to list: still word starts, but try every word */
        return;
    }
    m->first[m->n_first].len = (uint8_t)len;
    memcpy(m->first[m->n_first].s, s, len);
    m->n_first++;
}

/* The end of the group or class that starts at p ("(" or "["), just past its closer;
 * NULL if unbalanced. */
static const char *skip_bracketed(const char *p)
{
    int depth = 0;
    bool in_class = false;
    for (; *p; p++) {
        if (*p == '\\' && p[1])
            p++;
        else if (in_class) {
            if (*p == ']') {
                in_class = false;
                if (depth == 0)
                    return p + 1;
            }
        } else if (*p == '[') {
            in_class = true;
            if (p[1] == ']' || (p[1] == '^' && p[2] == ']'))
                p += p[1] == '^' ? 2 : 1; /* "[]...]": a literal ] first */
        } else if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p + 1;
    }
    return NULL;
}

/* A quantifier at p that allows zero repetitions ("?", "*", "{0,n}", "{,n}"): its end,
 * lazy or possessive suffix included; NULL if p holds no such quantifier. */
static const char *optional_quantifier(const char *p)
{
    const char *q = NULL;
    if (*p == '?' || *p == '*')
        q = p + 1;
    else if (*p == '{' && (p[1] == '0' || p[1] == ',')) {
        q = strchr(p, '}');
        q = q ? q + 1 : NULL;
    }
    if (q && (*q == '?' || *q == '+'))
        q++;
    return q;
}

static bool first_set(first_info *fi, const char *p);

/* Each "|"-separated alternative from p up to the closing ")" (or the end of the pattern
 * when top is set) must have a known first set. */
static bool first_of_alternatives(first_info *fi, const char *p, bool top)
{
    for (;;) {
        if (!first_set(fi, p))
            return false;
        /* Find the end of this alternative. */
        while (*p && *p != '|' && *p != ')') {
            if (*p == '\\' && p[1])
                p += 2;
            else if (*p == '(' || *p == '[') {
                p = skip_bracketed(p);
                if (!p)
                    return false;
            } else
                p++;
        }
        if (*p != '|')
            return top ? *p == '\0' : *p == ')';
        p++;
    }
}

/* The first set of the text at p, which must start with a word character; false if it
 * is not understood. */
static bool first_set(first_info *fi, const char *p)
{
    if (p[0] == '(') {
        const char *end = skip_bracketed(p);
        if (!end)
            return false;
        if (p[1] == '?' &&
            (p[2] == '=' || p[2] == '!' || (p[2] == '<' && (p[3] == '=' || p[3] == '!'))))
            return first_set(fi, end); /* a lookaround takes no text */
        const char *in = p + 1;
        if (p[1] == '?') {
            if (p[2] != ':')
                return false; /* named groups, inline options, ...: not understood */
            in = p + 3;
        }
        if (!first_of_alternatives(fi, in, false))
            return false;
        const char *rest = optional_quantifier(end);
        return rest ? first_set(fi, rest) : true;
    }
    if (p[0] == '\\' && p[1] == 'd') {
        /* Not \w: it holds "_", which starts no word of tokens.c ("x _bar"). */
        const char *rest = optional_quantifier(p + 2);
        for (char d = '0'; d <= '9'; d++)
            add_first(fi, &d, 1);
        fi->m->first_digits = true; /* and the digits of other scripts */
        return rest ? first_set(fi, rest) : true;
    }
    unsigned char c = (unsigned char)*p;
    if (!c || strchr("\\[.^$|)?*+{", c))
        return false;
    size_t w = 0, plen = strlen(p);
    uint32_t cp = replylint__utf8_decode(p, plen, 0, &w);
    if (!replylint__is_word_cp(cp) || replylint__is_mark_cp(cp))
        return false; /* a mark is a word character to tokens.c, not one that starts a word */
    /* The run of plain characters from here («are you», «по причине»), less its last
     * character if a quantifier follows it: every match of this alternative starts so. */
    size_t run = 0, last = 0;
    while (run < plen && !strchr("\\[](){}.^$|?*+", p[run]) && run < 12) {
        replylint__utf8_decode(p, plen, run, &w);
        last = run;
        run += w;
    }
    const char *after = p + run;
    bool quantified = *after == '?' || *after == '*' || *after == '+' || *after == '{';
    if (quantified && last > 0)
        run = last;
    size_t fl = 0;
    char *f = replylint__fold_str(p, run, &fl);
    if (!f || fl == 0) {
        free(f);
        return false;
    }
    /* Folding may end inside what a longer run would fold to; cut at a code point. */
    size_t keep = fl < 15 ? fl : 15;
    while (keep > 0 && keep < fl && ((unsigned char)f[keep] & 0xC0) == 0x80)
        keep--;
    add_first(fi, f, keep);
    free(f);
    if (keep == 0)
        return false;
    if (!(quantified && last == 0))
        return true;
    /* One quantified character: what follows it may start the match too. */
    const char *rest = optional_quantifier(after);
    return rest ? first_set(fi, rest) : true;
}

/* Does every match of the pattern start a word?  Each top-level alternative must begin
 * with \b, then (after any lookarounds) a word character; fills m->first. */
static bool starts_words(rl_matcher *m, const char *pattern)
{
    first_info fi = {m, false};
    m->n_first = 0;
    m->first_digits = false;
    /* Syntax the small parser below does not follow (POSIX classes inside a class, \Q...\E
     * quoting, comments, spaced quantifiers): such a pattern is searched unanchored. */
    static const char *const unread[] = {"\\Q", "(?#", "{ ", "{,"};
    for (size_t i = 0; i < sizeof(unread) / sizeof(unread[0]); i++)
        if (strstr(pattern, unread[i]))
            return false;
    /* Inline options with x ("(?x)", "(?ix:"): white space and # stop being literal. */
    for (const char *q = strstr(pattern, "(?"); q; q = strstr(q + 2, "(?")) {
        const char *o = q + 2;
        while (*o == '^' || *o == '-' || (*o >= 'a' && *o <= 'z') || (*o >= 'A' && *o <= 'Z'))
            if (*o++ == 'x')
                return false;
    }
    const char *posix = strstr(pattern, "[:"); /* "[[:alpha:]]", not "[:.]" */
    if (posix && strstr(posix + 2, ":]"))
        return false;
    const char *p = pattern;
    bool ok = true;
    for (;;) {
        if (strncmp(p, "\\b", 2) != 0) {
            ok = false;
            break;
        }
        p += 2;
        while (p[0] == '(' && p[1] == '?' && p[2] == '<' && (p[3] == '=' || p[3] == '!')) {
            p = skip_bracketed(p);
            if (!p)
                break;
        }
        if (!p || !first_set(&fi, p)) {
            ok = false;
            break;
        }
        /* Find the end of this top-level alternative. */
        while (*p && *p != '|') {
            if (*p == '\\' && p[1])
                p += 2;
            else if (*p == '(' || *p == '[') {
                p = skip_bracketed(p);
                if (!p)
                    break;
            } else
                p++;
        }
        if (!p || !*p)
            break;
        p++;
    }
    ok = ok && p != NULL;
    if (!ok || fi.any)
        m->n_first = 0;
    return ok;
}

/* The Unicode version of PCRE2's character tables, as ICU writes versions; all zero if
 * PCRE2 does not say (then every letter counts as one it may not know). */
static void pcre2_unicode_version(uint8_t v[4])
{
    char buf[32] = "";
    memset(v, 0, 4);
    if (pcre2_config(PCRE2_CONFIG_UNICODE_VERSION, buf) <= 0)
        return;
    unsigned part[3] = {0, 0, 0};
    if (sscanf(buf, "%u.%u.%u", &part[0], &part[1], &part[2]) >= 1)
        for (int i = 0; i < 3; i++)
            v[i] = (uint8_t)(part[i] > 255 ? 255 : part[i]);
}

/*
 * JIT is an optimisation: where it is unavailable the interpreter runs instead, and lint.c
 * bounds the interpreter's work per call (match_interp), since PCRE2's match limit, counted
 * per start position, does not bound it over a long reply.  Unavailable means: this PCRE2
 * has no JIT, or pcre2_jit_compile fails (PCRE2_ERROR_NOMEMORY where W^X or SELinux's
 * deny_execmem forbid executable memory); REPLYLINT_BUILD_NO_JIT asks for the interpreter;
 * and under valgrind the JIT's generated code reads as uninitialised memory (a false alarm
 * that would hide real ones), so memcheck runs see the interpreter.
 */
/* JIT-compile re; `partial` adds the partial matching that lint.c's windows use.  The
 * defaults' patterns do not get it: they are ours, written to stay linear and tested so on
 * long adversarial replies (tests/limits), and it would add about 0.2 ms per pattern to
 * every start-up. */
static bool jit_compile(const replylint_ruleset *rs, pcre2_code *re, bool partial)
{
    if (rs->no_jit || RUNNING_ON_VALGRIND)
        return false;
    return pcre2_jit_compile(re, PCRE2_JIT_COMPLETE | (partial ? PCRE2_JIT_PARTIAL_HARD : 0)) == 0;
}

static int compile_regex(replylint_ruleset *rs, const replylint_rule *r, rl_matcher *m,
                         replylint_error *err)
{
    if (!m->pattern)
        return 0;
    if (strlen(m->pattern) > MAX_PATTERN_BYTES)
        return replylint__error_at(err, REPLYLINT_ETOOBIG, r->source, m->pattern_line,
                                   m->pattern_column, "rule '%s': pattern longer than %d bytes",
                                   r->id, MAX_PATTERN_BYTES);
    if (!m->raw)
        fold_yo(m->pattern);
    int code;
    PCRE2_SIZE off;
    uint32_t flags = PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK | (m->raw ? 0 : PCRE2_CASELESS);
    if (replylint__utf8_check(m->pattern, strlen(m->pattern)) != strlen(m->pattern))
        return replylint__error_at(err, REPLYLINT_ERULE_REGEX, r->source, m->pattern_line,
                                   m->pattern_column, "rule '%s': pattern is not valid UTF-8",
                                   r->id);
    m->re = pcre2_compile((PCRE2_SPTR)m->pattern, PCRE2_ZERO_TERMINATED, flags, &code, &off, NULL);
    if (!m->re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof(msg));
        /* The column of a one-line pattern plus the offset points at the culprit. */
        uint32_t col = m->pattern_column + (uint32_t)off;
        return replylint__error_at(err, REPLYLINT_ERULE_REGEX, r->source, m->pattern_line, col,
                                   "rule '%s': invalid regular expression at offset %zu: %s", r->id,
                                   (size_t)off, (const char *)msg);
    }
    /* needs_text is compared with the text the pattern runs over: fold it the same way. */
    for (size_t i = 0; i < m->n_texts && !m->raw; i++) {
        size_t fl = 0;
        char *f = replylint__fold_str(m->texts[i], strlen(m->texts[i]), &fl);
        if (!f)
            return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
        if (fl == 0 || strlen(f) != fl) {
            free(f);
            return replylint__error_at(err, REPLYLINT_ERULE, r->source, m->texts_line,
                                       m->texts_column,
                                       "rule '%s': needs_text '%s' folds to nothing a text can "
                                       "be searched for",
                                       r->id, m->texts[i]);
        }
        free(m->texts[i]);
        m->texts[i] = f;
    }
    m->jit = jit_compile(rs, m->re, !r->trusted);
    m->windowed = m->jit && !r->trusted;
    bool word_start = !m->raw && starts_words(m, m->pattern);
    if (word_start) {
        m->re_at = pcre2_compile((PCRE2_SPTR)m->pattern, PCRE2_ZERO_TERMINATED,
                                 flags | PCRE2_ANCHORED, &code, &off, NULL);
        m->jit_at = m->re_at && jit_compile(rs, m->re_at, !r->trusted);
    } else {
        m->n_first = 0;
    }
    /* PCRE2 knows a code unit that every match must hold ("!" in «…\s*!»), and those a match
     * can start with («\{\{?name…|\[\[?name…»): a reply without them needs no scan at all.
     * Only ASCII for the code units: a caseless multi-byte letter has other bytes in its
     * other case (PCRE2's start bitmap has the lead bytes of both). */
    uint32_t type = 0, unit = 0;
    m->required = -1;
    if (pcre2_pattern_info(m->re, PCRE2_INFO_LASTCODETYPE, &type) == 0 && type == 1 &&
        pcre2_pattern_info(m->re, PCRE2_INFO_LASTCODEUNIT, &unit) == 0 && unit < 0x80)
        m->required = (int)unit;
    /* \K moves a match's start past what it matched, maybe past that byte.  A pattern
     * that merely mentions "\K" (as "\\K") loses nothing but shortcuts. */
    m->keeps_out = strstr(m->pattern, "\\K") != NULL;
    m->n_starts = 0;
    const uint8_t *bitmap = NULL;
    if (pcre2_pattern_info(m->re, PCRE2_INFO_FIRSTCODETYPE, &type) == 0 && type == 1 &&
        pcre2_pattern_info(m->re, PCRE2_INFO_FIRSTCODEUNIT, &unit) == 0 && unit < 0x80) {
        m->starts[m->n_starts++] = (unsigned char)unit;
        if ((unit | 0x20) >= 'a' && (unit | 0x20) <= 'z')
            m->starts[m->n_starts++] = (unsigned char)(unit ^ 0x20); /* the other case */
    } else if (pcre2_pattern_info(m->re, PCRE2_INFO_FIRSTBITMAP, &bitmap) == 0 && bitmap) {
        unsigned n = 0;
        for (unsigned b = 0; b < 256; b++)
            if (bitmap[b / 8] >> (b % 8) & 1 && n++ < sizeof(m->starts))
                m->starts[n - 1] = (unsigned char)b;
        m->n_starts = n <= sizeof(m->starts) ? (uint8_t)n : 0; /* too many: no list */
    }
    rs->has_regex = true;
    return 0;
}

/* Shouting and name checks compare folded words: fold the acronyms and name variants the
 * author wrote («ПК», "VPN", «Саша»). */
static int fold_allow(replylint_rule *r, replylint_error *err)
{
    char **lists[2] = {r->allow, r->aliases};
    size_t counts[2] = {r->n_allow, r->n_aliases};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < counts[k]; i++) {
            char *f = replylint__fold_str(lists[k][i], strlen(lists[k][i]), NULL);
            if (!f)
                return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
            free(lists[k][i]);
            lists[k][i] = f;
        }
    return 0;
}

static int add_matcher(replylint_ruleset *rs, size_t *cap, rl_matcher *m, uint32_t rule)
{
    if (!m->n_phrases && !m->pattern)
        return 0;
    /* The two arrays grow together: both follow the capacity of the first. */
    size_t cap_before = *cap;
    if (RL_GROW(rs->matchers, *cap, rs->n_matchers + 1) != 0)
        return -1;
    if (*cap != cap_before) {
        uint32_t *nr = realloc(rs->matcher_rule, *cap * sizeof(uint32_t));
        if (!nr)
            return -1;
        rs->matcher_rule = nr;
    }
    m->matcher = (uint32_t)rs->n_matchers;
    rs->matchers[rs->n_matchers] = m;
    rs->matcher_rule[rs->n_matchers] = rule;
    rs->n_matchers++;
    return 0;
}

/* Which rules run on which replies (see replylint_ruleset.plan); the lint call's test. */
static bool runs_on(const replylint_rule *r, int lang, int channel, int followup)
{
    return r->enabled && (r->lang == RL_LANG_ANY || r->lang == lang) &&
           (r->channels & (1u << channel)) && !(r->first_turn_only && followup);
}

static int make_plans(replylint_ruleset *rs)
{
    size_t words = rs->n_rules / 64 + 1;
    if (!(rs->plan_block = malloc((12 * rs->n_rules + 1) * sizeof(uint32_t))) ||
        !(rs->gated_block = calloc(12 * words, sizeof(uint64_t))) ||
        !(rs->gate = malloc((rs->n_rules + 1) * sizeof(uint32_t))))
        return -1;
    for (size_t i = 0; i < rs->n_rules; i++) {
        const replylint_rule *r = &rs->rules[i];
        /* rule_matches, and rule_conditional, whose trigger comes first: with neither a
         * phrase nor a pattern of m occurring, each returns at once. */
        bool matches =
            r->kind == RL_KIND_PHRASE || r->kind == RL_KIND_REGEX || r->kind == RL_KIND_CONDITIONAL;
        rs->gate[i] = !matches                          ? RL_NO_GATE
                      : r->needs.n_phrases              ? r->needs.matcher
                      : r->m.n_phrases && !r->m.pattern ? r->m.matcher
                                                        : RL_NO_GATE;
    }
    uint32_t *next = rs->plan_block;
    uint64_t *gated = rs->gated_block;
    for (int lang = 0; lang < 3; lang++)
        for (int channel = 0; channel < 2; channel++)
            for (int followup = 0; followup < 2; followup++, gated += words) {
                size_t n = 0;
                unsigned limit = UINT_MAX;
                for (size_t i = 0; i < rs->n_rules; i++) {
                    const replylint_rule *r = &rs->rules[i];
                    if (!runs_on(r, lang, channel, followup))
                        continue;
                    if (rs->gate[i] == RL_NO_GATE)
                        next[n++] = (uint32_t)i;
                    else
                        gated[i / 64] |= (uint64_t)1 << (i % 64);
                    unsigned max = channel == REPLYLINT_CHANNEL_CHAT ? r->max_chat : r->max_email;
                    if (r->kind == RL_KIND_LENGTH && r->scope == RL_SCOPE_SENTENCE && max < limit)
                        limit = max;
                }
                rs->plan[lang][channel][followup] = next;
                rs->n_plan[lang][channel][followup] = n;
                rs->gated[lang][channel][followup] = gated;
                rs->sentence_limit[lang][channel][followup] = limit;
                next += n;
            }
    return 0;
}

/* Give each anchored pattern its bit in rs->at_mask1/2 (see struct replylint_ruleset). */
static void index_anchored(replylint_ruleset *rs)
{
    unsigned n = 0;
    for (size_t i = 0; i < rs->n_rules; i++) {
        replylint_rule *r = &rs->rules[i];
        rl_matcher *ms[3] = {&r->m, &r->then, &r->needs};
        for (int k = 0; k < 3; k++) {
            rl_matcher *m = ms[k];
            m->at_bit = -1;
            if (m->re_at && n == RL_AT_MAX)
                rs->at_overflow = true; /* tried at every word start (lint.c) */
            if (!m->re_at || n == RL_AT_MAX)
                continue;
            m->at_bit = (int)n;
            uint64_t bit = (uint64_t)1 << n++;
            for (uint32_t f = 0; f < m->n_first; f++) {
                const unsigned char *b = (const unsigned char *)m->first[f].s;
                if (m->first[f].len > 1)
                    rs->at_mask2[RL_FIRST_HASH(b[0], b[1])] |= bit;
                else
                    rs->at_mask1[b[0]] |= bit;
            }
            for (unsigned b = 0; b < 256 && !m->n_first; b++)
                rs->at_mask1[b] |= bit; /* any word */
            if (m->n_first && m->first_digits)
                rs->at_digits |= bit;
            rs->at_lang[r->lang] |= bit;
        }
    }
}

static int check_examples(const replylint_ruleset *rs, replylint_error *err)
{
    for (size_t i = 0; i < rs->n_rules; i++) {
        const replylint_rule *r = &rs->rules[i];
        if (!r->check_examples)
            continue;
        for (int bad = 1; bad >= 0; bad--) {
            const rl_example *ex = bad ? r->bad : r->good;
            size_t n = bad ? r->n_bad : r->n_good;
            for (size_t k = 0; k < n; k++) {
                replylint_options o = REPLYLINT_OPTIONS_INIT;
                o.customer_name = ex[k].name;
                o.agent_name = ex[k].agent;
                o.channel = ex[k].channel;
                o.flags = ex[k].followup ? REPLYLINT_LINT_FOLLOWUP : 0;
                o.lang = (replylint_lang)r->lang;
                replylint_report *rep = NULL;
                replylint_error e2;
                int rc = replylint__lint_ex(&rep, rs, NULL, ex[k].text, ex[k].len, &o, i, &e2);
                if (rc)
                    return replylint__error_at(err, rc == REPLYLINT_EUTF8 ? REPLYLINT_ERULE : rc,
                                               r->source, ex[k].line, ex[k].column,
                                               "rule '%s': example: %s", r->id, e2.message);
                size_t count = replylint_report_count(rep);
                const char *flagged =
                    count ? replylint_diag_text(replylint_report_get(rep, 0)) : "";
                char quote[120];
                const char *q = bad ? ex[k].text : flagged;
                size_t ql = strlen(q);
                if (ql > sizeof(quote) - 4) {
                    ql = sizeof(quote) - 4;
                    while (ql > 0 && ((unsigned char)q[ql] & 0xC0) == 0x80)
                        ql--; /* cut at a character boundary */
                }
                snprintf(quote, sizeof(quote), "%.*s%s", (int)ql, q, ql < strlen(q) ? "…" : "");
                replylint_report_free(rep);
                if (bad && count == 0)
                    return replylint__error_at(
                        err, REPLYLINT_ERULE_EXAMPLE, r->source, ex[k].line, ex[k].column,
                        "rule '%s' does not flag its bad example \"%s\"", r->id, quote);
                if (!bad && count > 0)
                    return replylint__error_at(
                        err, REPLYLINT_ERULE_EXAMPLE, r->source, ex[k].line, ex[k].column,
                        "rule '%s' flags its good example (at \"%s\")", r->id, quote);
            }
        }
    }
    return 0;
}

int replylint__compile(replylint_ruleset **out, const rl_source *src, size_t n_src, rl_forms *forms,
                       unsigned flags, replylint_error *err)
{
    *out = NULL;
    replylint_ruleset *rs = calloc(1, sizeof(*rs));
    if (!rs)
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    rs->no_jit = (flags & REPLYLINT_BUILD_NO_JIT) != 0;
    pcre2_unicode_version(rs->pcre2_unicode);
    int rc = gather(rs, src, n_src, err);
    size_t mcap = 0;
    for (size_t i = 0; i < rs->n_rules && rc == 0; i++) {
        replylint_rule *r = &rs->rules[i];
        if (add_matcher(rs, &mcap, &r->m, (uint32_t)i) != 0 ||
            add_matcher(rs, &mcap, &r->then, (uint32_t)i) != 0 ||
            add_matcher(rs, &mcap, &r->needs, (uint32_t)i) != 0) {
            rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
            break;
        }
        rc = fold_allow(r, err);
        rl_matcher *ms[3] = {&r->m, &r->then, &r->needs};
        for (int k = 0; k < 3 && rc == 0; k++)
            rc = compile_regex(rs, r, ms[k], err);
    }
    if (rc == 0)
        index_anchored(rs);
    if (rc == 0 && make_plans(rs) != 0)
        rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    /* The phrases: the defaults' index as the library was built with it, or built here. */
    int thawed = 0;
    if (rc == 0 && (thawed = replylint__phrase_thaw(&rs->phrases, &replylint__phrase_snapshot,
                                                    rs->rules, rs->n_rules)) < 0)
        rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    for (size_t i = 0; i < rs->n_rules && rc == 0 && !thawed; i++) {
        replylint_rule *r = &rs->rules[i];
        rl_matcher *ms[3] = {&r->m, &r->then, &r->needs};
        for (int k = 0; k < 3 && rc == 0; k++)
            if (ms[k]->n_phrases)
                rc = replylint__phrase_add(&rs->phrases, forms, r, (uint32_t)i, ms[k], err);
    }
    if (rc == 0 && !thawed && replylint__phrase_finish(&rs->phrases) != 0)
        rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    if (rc == 0) {
        rs->mctx = pcre2_match_context_create(NULL);
        rs->sentencer = replylint__sentencer_new();
        if (!rs->mctx || !rs->sentencer)
            rc = replylint__error(err, REPLYLINT_ENOMEM,
                                  "out of memory (or ICU sentence rules unavailable)");
        else {
            pcre2_set_match_limit(rs->mctx, RL_MATCH_LIMIT);
            pcre2_set_depth_limit(rs->mctx, DEPTH_LIMIT);
            pcre2_set_heap_limit(rs->mctx, HEAP_LIMIT_KIB);
        }
    }
    if (rc == 0)
        rc = check_examples(rs, err);
    if (rc) {
        replylint_ruleset_free(rs);
        return rc;
    }
    *out = rs;
    return REPLYLINT_OK;
}

void replylint_ruleset_free(replylint_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n_rules; i++)
        replylint__rule_clear(&rs->rules[i]);
    free(rs->rules);
    free(rs->matchers);
    free(rs->matcher_rule);
    free(rs->plan_block);
    free(rs->gated_block);
    free(rs->gate);
    replylint__phrase_index_free(&rs->phrases);
    pcre2_match_context_free(rs->mctx);
    replylint__sentencer_free(rs->sentencer);
    free(rs);
}

/* ---- the builder ---------------------------------------------------------------------- */

/* A rule file's text is copied; an embedded one (data NULL) is referred to. */
static int add_source(replylint_builder *b, const char *name, const char *data, size_t len,
                      const rl_embedded_file *embedded, bool check)
{
    if (RL_GROW(b->src, b->cap_src, b->n_src + 1) != 0)
        return -1;
    rl_source *s = &b->src[b->n_src];
    s->name = replylint__strdup(name);
    s->data = embedded ? NULL : replylint__strndup(data, len);
    s->len = embedded ? 0 : len;
    s->embedded = embedded;
    s->check_examples = check;
    s->trusted = embedded != NULL;
    if (!s->name || (!embedded && !s->data)) {
        free(s->name);
        free(s->data);
        return -1;
    }
    b->n_src++;
    return 0;
}

static void drop_last_source(replylint_builder *b)
{
    b->n_src--;
    free(b->src[b->n_src].name);
    free(b->src[b->n_src].data);
}

int replylint_builder_new(replylint_builder **out, unsigned int flags, const char *dict_dir,
                          replylint_error *err)
{
    if (!out)
        return replylint__error(err, REPLYLINT_EINVAL, "replylint_builder_new: out is NULL");
    *out = NULL;
    if (flags &
        ~(REPLYLINT_BUILD_NO_DEFAULTS | REPLYLINT_BUILD_NO_EXAMPLES | REPLYLINT_BUILD_NO_JIT))
        return replylint__error(err, REPLYLINT_EINVAL, "replylint_builder_new: unknown flags 0x%x",
                                flags);
    replylint_builder *b = calloc(1, sizeof(*b));
    if (!b || !(b->forms = replylint__forms_new(dict_dir))) {
        free(b);
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    }
    b->flags = flags;
    if (!(flags & REPLYLINT_BUILD_NO_DEFAULTS)) {
        /* The defaults' examples are checked by the test suite, not at every start-up. */
        for (size_t i = 0; i < replylint__embedded_rules_count; i++) {
            const rl_embedded_file *e = &replylint__embedded_rules[i];
            char name[256];
            snprintf(name, sizeof(name), "<embedded>/%s", e->name);
            if (add_source(b, name, NULL, 0, e, false) != 0) {
                replylint_builder_free(b);
                return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
            }
        }
    }
    *out = b;
    return REPLYLINT_OK;
}

int replylint_builder_add_buffer(replylint_builder *b, const char *yaml, size_t len,
                                 const char *source_name, replylint_error *err)
{
    if (!b || (!yaml && len))
        return replylint__error(err, REPLYLINT_EINVAL,
                                "replylint_builder_add_buffer: builder or buffer is NULL");
    if (len > MAX_RULE_FILE_SIZE)
        return replylint__error_at(err, REPLYLINT_ETOOBIG, source_name, 0, 0,
                                   "rule file is larger than %u bytes", MAX_RULE_FILE_SIZE);
    if (!source_name)
        source_name = "<buffer>";
    if (add_source(b, source_name, yaml ? yaml : "", len, NULL,
                   !(b->flags & REPLYLINT_BUILD_NO_EXAMPLES)) != 0)
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    /* All or nothing: the file joins only if everything still compiles with it. */
    replylint_ruleset *rs = NULL;
    int rc = replylint__compile(&rs, b->src, b->n_src, b->forms, b->flags, err);
    replylint_ruleset_free(rs);
    if (rc)
        drop_last_source(b);
    /* Examples already checked need not be checked again at every later compile. */
    else
        b->src[b->n_src - 1].check_examples = false;
    return rc;
}

int replylint_builder_add_file(replylint_builder *b, const char *path, replylint_error *err)
{
    if (!b || !path)
        return replylint__error(err, REPLYLINT_EINVAL,
                                "replylint_builder_add_file: builder or path is NULL");
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return replylint__error_at(err, REPLYLINT_EIO, path, 0, 0, "cannot open %s: %s", path,
                                   strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (RL_GROW(buf, cap, len + 65536) != 0) {
            rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
            break;
        }
        size_t n = fread(buf + len, 1, cap - len, fp);
        len += n;
        if (len > MAX_RULE_FILE_SIZE) {
            rc = replylint__error_at(err, REPLYLINT_ETOOBIG, path, 0, 0,
                                     "rule file is larger than %u bytes", MAX_RULE_FILE_SIZE);
            break;
        }
        if (n == 0) {
            if (ferror(fp))
                rc = replylint__error_at(err, REPLYLINT_EIO, path, 0, 0, "cannot read %s: %s", path,
                                         strerror(errno));
            break;
        }
    }
    fclose(fp);
    if (rc == 0)
        rc = replylint_builder_add_buffer(b, buf ? buf : "", len, path, err);
    free(buf);
    return rc;
}

int replylint_builder_compile(replylint_ruleset **out, replylint_builder *b, replylint_error *err)
{
    if (!out)
        return replylint__error(err, REPLYLINT_EINVAL, "replylint_builder_compile: out is NULL");
    *out = NULL;
    if (!b)
        return replylint__error(err, REPLYLINT_EINVAL,
                                "replylint_builder_compile: builder is NULL");
    return replylint__compile(out, b->src, b->n_src, b->forms, b->flags, err);
}

void replylint_builder_free(replylint_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n_src; i++) {
        free(b->src[i].name);
        free(b->src[i].data);
    }
    free(b->src);
    replylint__forms_free(b->forms);
    free(b);
}

int replylint_ruleset_default(replylint_ruleset **out, replylint_error *err)
{
    if (!out)
        return replylint__error(err, REPLYLINT_EINVAL, "replylint_ruleset_default: out is NULL");
    replylint_builder *b;
    int rc = replylint_builder_new(&b, 0, NULL, err);
    if (rc)
        return rc;
    rc = replylint_builder_compile(out, b, err);
    replylint_builder_free(b);
    return rc;
}

/* ---- rule accessors ------------------------------------------------------------------- */

size_t replylint_ruleset_count(const replylint_ruleset *rs)
{
    return rs ? rs->n_rules : 0;
}

const replylint_rule *replylint_ruleset_get(const replylint_ruleset *rs, size_t i)
{
    return rs && i < rs->n_rules ? &rs->rules[i] : NULL;
}

const replylint_rule *replylint_ruleset_find(const replylint_ruleset *rs, const char *id)
{
    if (!rs || !id)
        return NULL;
    size_t lo = 0, hi = rs->n_rules;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(rs->rules[mid].id, id);
        if (c == 0)
            return &rs->rules[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const char empty[] = "";

const char *replylint_rule_id(const replylint_rule *r)
{
    return r ? r->id : empty;
}

const char *replylint_rule_category(const replylint_rule *r)
{
    return r ? r->category : empty;
}

const char *replylint_rule_language(const replylint_rule *r)
{
    if (!r)
        return empty;
    return r->lang == REPLYLINT_LANG_RU ? "ru" : r->lang == REPLYLINT_LANG_EN ? "en" : "any";
}

const char *replylint_rule_kind(const replylint_rule *r)
{
    return r ? replylint__kind_name(r->kind) : empty;
}

replylint_severity replylint_rule_severity(const replylint_rule *r)
{
    return r ? r->severity : (replylint_severity)0;
}

const char *replylint_rule_message(const replylint_rule *r)
{
    return r ? r->message : empty;
}

const char *replylint_rule_rationale(const replylint_rule *r)
{
    return r ? r->rationale : empty;
}

const char *replylint_rule_source(const replylint_rule *r, uint32_t *line)
{
    if (line)
        *line = r ? r->line : 0;
    return r ? r->source : empty;
}

size_t replylint_rule_example_count(const replylint_rule *r, int bad)
{
    return r ? (bad ? r->n_bad : r->n_good) : 0;
}

const char *replylint_rule_example(const replylint_rule *r, int bad, size_t i)
{
    if (!r || i >= (bad ? r->n_bad : r->n_good))
        return NULL;
    return bad ? r->bad[i].text : r->good[i].text;
}
