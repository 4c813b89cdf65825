/*
 * phrase.c: every phrase of every rule, compiled into one word-level trie.
 *
 * Why a word trie and not one regex per rule: a phrase is a sequence of word *slots*,
 * each slot the set of inflected forms of the word its author wrote.  Russian nouns have
 * a dozen forms and verbs many more, so spelling every combination out as text would
 * multiply (12 x 12 forms for a two-word phrase).  Instead each distinct folded form maps
 * to the slots it can fill, and the trie is keyed by slot: a reply is scanned with one
 * hash lookup per word, however many rules and forms there are.
 */
#include "rules.h"
#include "fold.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* During building, each form's slot list grows; phrase_finish() flattens them. */
typedef struct form_list {
    uint32_t *slots;
    size_t n, cap;
} form_list;

/* A set of strings in insertion order (a slot's forms).  While strings are added, the map
 * holds them (in its pool) and finds the duplicates; strvec_seal() then points v at them
 * and keeps the pool alone.  A Russian verb has a couple of hundred forms: one allocation
 * for all of them rather than one each. */
typedef struct strvec {
    uint32_t *at; /* while adding: each string's offset in seen's pool */
    size_t n, cap;
    rl_strmap seen;
    char *pool; /* after sealing: the strings, NUL-terminated */
    char **v;   /* after sealing: the n strings, in order of addition */
} strvec;

/* What one phrase word ("средство", "(оплата|платеж)", "=ваш") compiled to.  The same word
 * recurs across phrases and their spelled-out variants, and expanding a Russian verb's
 * forms costs hundreds of allocations, so each distinct word is parsed once per build. */
typedef struct parsed_word {
    uint32_t slot;
    strvec forms;  /* the forms, kept for agreement when the word is inflected; else empty */
    char *written; /* the first alternative, folded, when inflected; else NULL */
} parsed_word;

typedef struct build_state {
    form_list *lists;
    size_t n_lists, cap_lists;
    rl_strmap slot_keys; /* canonical slot key -> slot id */
    uint64_t *terms;     /* (node << 32 | phrase) pairs, sorted in finish */
    size_t n_terms, cap_terms;
    rl_strmap word_keys; /* language, inflect flag, word as written -> index in words */
    parsed_word *words;
    size_t n_words, cap_words;
} build_state;

static void strvec_free(strvec *s)
{
    free(s->at);
    free(s->pool);
    free(s->v);
    replylint__strmap_free(&s->seen);
    memset(s, 0, sizeof(*s));
}

static int strvec_add(strvec *s, const char *str, size_t len)
{
    uint32_t dummy;
    if (replylint__strmap_get(&s->seen, str, len, &dummy))
        return 0;
    size_t at = s->seen.pool_len; /* where the map will put the new key */
    if (RL_GROW(s->at, s->cap, s->n + 1) != 0 ||
        replylint__strmap_put(&s->seen, str, len, (uint32_t)s->n) != 0)
        return -1;
    s->at[s->n++] = (uint32_t)at;
    return 0;
}

/* Done adding: v[0..n) become readable. */
static int strvec_seal(strvec *s)
{
    if (s->n && !(s->v = malloc(s->n * sizeof(char *))))
        return -1;
    s->pool = replylint__strmap_take_pool(&s->seen);
    for (size_t i = 0; i < s->n; i++)
        s->v[i] = s->pool + s->at[i];
    free(s->at);
    s->at = NULL;
    return 0;
}

static int emit_form(void *ud, const char *form, size_t len)
{
    return strvec_add(ud, form, len) == 0 ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

#define MAX_ALTERNATIVES 256

/* One item of a phrase: a slot (set of forms), possibly optional.  For inflected items the
 * forms (borrowed from the build's parsed words) and a copy of the first written word are
 * kept until the phrase is added, for agreement. */
#define NO_WORD UINT32_MAX

typedef struct item {
    uint32_t slot;
    bool optional;
    uint32_t word; /* index in the build's parsed words, or NO_WORD for "*" */
    char *written;
} item;

static int intern_slot(rl_phrase_index *ix, build_state *st, strvec *forms, uint32_t *slot)
{
    if (forms->n > 1)
        qsort(forms->v, forms->n, sizeof(char *), cmp_str);
    size_t keylen = 0;
    for (size_t i = 0; i < forms->n; i++)
        keylen += strlen(forms->v[i]) + 1;
    char *key = malloc(keylen + 1);
    if (!key)
        return -1;
    char *p = key;
    for (size_t i = 0; i < forms->n; i++) {
        size_t l = strlen(forms->v[i]);
        memcpy(p, forms->v[i], l);
        p[l] = '\x01';
        p += l + 1;
    }
    uint32_t id;
    if (replylint__strmap_get(&st->slot_keys, key, keylen, &id)) {
        free(key);
        *slot = id;
        return 0;
    }
    id = ix->n_slots++;
    int rc = replylint__strmap_put(&st->slot_keys, key, keylen, id);
    free(key);
    if (rc)
        return -1;
    for (size_t i = 0; i < forms->n; i++) {
        const char *f = forms->v[i];
        size_t fl = strlen(f);
        uint32_t fi;
        if (!replylint__strmap_get(&ix->forms, f, fl, &fi)) {
            fi = (uint32_t)st->n_lists;
            if (RL_GROW(st->lists, st->cap_lists, st->n_lists + 1) != 0)
                return -1;
            memset(&st->lists[fi], 0, sizeof(form_list));
            st->n_lists++;
            if (replylint__strmap_put(&ix->forms, f, fl, fi) != 0)
                return -1;
        }
        form_list *fl_ = &st->lists[fi];
        if (RL_GROW(fl_->slots, fl_->cap, fl_->n + 1) != 0)
            return -1;
        fl_->slots[fl_->n++] = id;
    }
    *slot = id;
    return 0;
}

/* A folded word must be exactly one token, or it could never match a reply's token. */
static bool single_token(const char *w, size_t len)
{
    rl_token *t = NULL;
    size_t n = 0;
    if (replylint__tokenize(w, len, &t, &n) != 0)
        return false;
    bool ok = n == 1 && t[0].start == 0 && t[0].end == len;
    free(t);
    return ok;
}

static int phrase_error(replylint_error *err, const replylint_rule *r, const rl_phrase_src *p,
                        const char *what, const char *word)
{
    return replylint__error_at(err, REPLYLINT_ERULE, r->source, p->line, p->column,
                               "rule '%s': phrase '%s': %s '%s'", r->id, p->text, what, word);
}

/* Parse one word ("word", "=word", "(a|b)", "(a|=b)") into a slot. */
static int parse_word(rl_phrase_index *ix, build_state *st, rl_forms *forms,
                      const replylint_rule *r, const rl_phrase_src *p, const char *s, size_t len,
                      parsed_word *out, replylint_error *err)
{
    if (s[0] == '(') {
        if (len < 3 || s[len - 1] != ')')
            return phrase_error(err, r, p, "unbalanced parentheses in", s);
        size_t bars = 0;
        for (size_t k = 0; k < len; k++)
            bars += s[k] == '|';
        if (bars >= MAX_ALTERNATIVES)
            return phrase_error(err, r, p, "too many alternatives (256 at most) in one word of",
                                p->text);
        s++;
        len -= 2;
    }
    strvec formsv = {0};
    int rc = 0;
    size_t i = 0;
    bool inflected = false;
    while (i <= len && rc == 0) {
        size_t j = i;
        while (j < len && s[j] != '|')
            j++;
        const char *w = s + i;
        size_t wl = j - i;
        bool literal = !r->inflect;
        if (wl && w[0] == '=') {
            literal = true;
            w++;
            wl--;
        }
        size_t fl = 0;
        char *folded = wl ? replylint__fold_str(w, wl, &fl) : NULL;
        if (!wl || (folded && fl == 0)) {
            free(folded);
            char tmp[128];
            size_t n = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;
            while (n < len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
                n--; /* cut at a character boundary: messages stay valid UTF-8 */
            memcpy(tmp, s, n);
            tmp[n] = '\0';
            rc = phrase_error(err, r, p, "empty alternative in", tmp);
            break;
        }
        if (!folded) {
            rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
            break;
        }
        if (!single_token(folded, fl)) {
            rc = phrase_error(err, r, p, "not a single word:", folded);
            free(folded);
            break;
        }
        if (literal) {
            if (strvec_add(&formsv, folded, fl) != 0)
                rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
        } else if (replylint__forms_each(forms, r->lang, folded, fl, emit_form, &formsv) < 0) {
            rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
        } else {
            inflected = true;
        }
        if (!out->written && !literal && i == 0) {
            out->written = folded;
            folded = NULL;
        }
        free(folded);
        i = j + 1;
    }
    if (rc == 0 && (strvec_seal(&formsv) != 0 || intern_slot(ix, st, &formsv, &out->slot) != 0))
        rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    if (rc == 0 && inflected)
        out->forms = formsv; /* moved */
    else
        strvec_free(&formsv);
    if (rc) {
        free(out->written);
        out->written = NULL;
    }
    return rc;
}

/* Parse one item ("word", "(a|b)?", "*") into a slot, each distinct word once per build. */
static int parse_item(rl_phrase_index *ix, build_state *st, rl_forms *forms,
                      const replylint_rule *r, const rl_phrase_src *p, const char *s, size_t len,
                      item *out, replylint_error *err)
{
    out->optional = false;
    if (len > 1 && s[len - 1] == '?') {
        out->optional = true;
        len--;
    }
    if (len == 1 && s[0] == '*') {
        out->slot = RL_SLOT_ANY;
        out->word = NO_WORD;
        return 0;
    }
    /* What a word compiles to depends on the rule's language and inflect flag too. */
    char stack_key[128];
    char *key = len + 2 <= sizeof(stack_key) ? stack_key : malloc(len + 2);
    if (!key)
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    key[0] = (char)('0' + r->lang);
    key[1] = r->inflect ? 'i' : 'l';
    memcpy(key + 2, s, len);
    uint32_t at = 0;
    int rc = 0;
    if (!replylint__strmap_get(&st->word_keys, key, len + 2, &at)) {
        if (RL_GROW(st->words, st->cap_words, st->n_words + 1) != 0) {
            rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
        } else {
            parsed_word *w = &st->words[st->n_words];
            memset(w, 0, sizeof(*w));
            rc = parse_word(ix, st, forms, r, p, s, len, w, err);
            if (rc == 0 &&
                replylint__strmap_put(&st->word_keys, key, len + 2, (uint32_t)st->n_words) != 0) {
                strvec_free(&w->forms);
                free(w->written);
                rc = replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
            }
            if (rc == 0)
                at = (uint32_t)st->n_words++;
        }
    }
    if (key != stack_key)
        free(key);
    if (rc)
        return rc;
    const parsed_word *w = &st->words[at];
    out->slot = w->slot;
    out->word = at;
    if (w->written && !(out->written = replylint__strdup(w->written)))
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    return 0;
}

static size_t common_suffix(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), n = 0;
    while (n < la && n < lb && a[la - 1 - n] == b[lb - 1 - n])
        n++;
    while (n > 0 && ((unsigned char)a[la - n] & 0xC0) == 0x80)
        n--; /* whole code points only */
    return n;
}

/*
 * Agreement of a suggestion with the matched form.  The dictionary has no case or tense
 * tags, so the inflected suggestion is the form of it that shares the longest ending with
 * the matched word: «средствами» -> «деньгами», «осуществите» -> «оплатите».  Where no
 * form shares an ending (a zero ending such as «средств»), the suggestion stays as written.
 */
static int phrase_agree(rl_phrase_index *ix, rl_forms *forms, const replylint_rule *r,
                        const rl_phrase_src *p, uint32_t pid, item *items, size_t n)
{
    const build_state *st = ix->build;
    for (size_t si = 0; si < p->n_suggest && si < 256; si++) {
        size_t fl = 0;
        char *fs = replylint__fold_str(p->suggest[si], strlen(p->suggest[si]), &fl);
        if (!fs)
            return -1;
        strvec rf = {0};
        int rc = 0;
        if (fl && single_token(fs, fl))
            rc = replylint__forms_each(forms, r->lang, fs, fl, emit_form, &rf) < 0 ||
                         strvec_seal(&rf) != 0
                     ? -1
                     : 0;
        for (size_t i = 0; rc == 0 && rf.n > 1 && i < n; i++) {
            const strvec *iforms =
                items[i].word == NO_WORD ? NULL : &st->words[items[i].word].forms;
            for (size_t k = 0; rc == 0 && iforms && k < iforms->n; k++) {
                const char *f = iforms->v[k];
                size_t best = SIZE_MAX, best_len = 0;
                for (size_t c = 0; c < rf.n; c++) {
                    size_t cs = common_suffix(f, rf.v[c]);
                    if (cs > best_len ||
                        (cs == best_len && cs > 0 && strlen(rf.v[c]) < strlen(rf.v[best]))) {
                        best = c;
                        best_len = cs;
                    }
                }
                if (best == SIZE_MAX || strcmp(rf.v[best], fs) == 0)
                    continue;
                char key[512];
                size_t kl = strlen(f);
                if (kl + 12 > sizeof(key))
                    continue;
                uint32_t head[3] = {pid, (uint32_t)si, (uint32_t)i};
                memcpy(key, head, sizeof(head));
                memcpy(key + sizeof(head), f, kl);
                size_t bl = strlen(rf.v[best]);
                if (ix->agree_text_len + bl + 1 > UINT32_MAX ||
                    RL_GROW(ix->agree_text, ix->agree_text_cap, ix->agree_text_len + bl + 1) != 0 ||
                    replylint__strmap_put(&ix->agree, key, sizeof(head) + kl,
                                          (uint32_t)ix->agree_text_len) != 0) {
                    rc = -1;
                } else {
                    memcpy(ix->agree_text + ix->agree_text_len, rf.v[best], bl + 1);
                    ix->agree_text_len += bl + 1;
                }
            }
        }
        strvec_free(&rf);
        free(fs);
        if (rc)
            return rc;
    }
    return 0;
}

const char *replylint__phrase_agreed(const rl_phrase_index *ix, uint32_t pid, uint32_t sugg,
                                     uint32_t item_index, const char *form, size_t len)
{
    char key[512];
    uint32_t head[3] = {pid, sugg, item_index}, at;
    if (len + sizeof(head) > sizeof(key))
        return NULL;
    memcpy(key, head, sizeof(head));
    memcpy(key + sizeof(head), form, len);
    return replylint__strmap_get(&ix->agree, key, sizeof(head) + len, &at) ? ix->agree_text + at
                                                                           : NULL;
}

static void items_free(item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].written);
}

static int add_path(rl_phrase_index *ix, build_state *st, const item *items, size_t n,
                    unsigned mask, uint32_t phrase)
{
    uint32_t nodei = 0, words = 0;
    for (size_t i = 0; i < n; i++) {
        if (items[i].optional && !(mask & (1u << i)))
            continue;
        uint64_t key = ((uint64_t)nodei << 32) | items[i].slot;
        uint32_t child;
        if (!replylint__u64map_get(&ix->edges, key, &child)) {
            child = ix->n_nodes++;
            if (replylint__u64map_put(&ix->edges, key, child) != 0)
                return -1;
        }
        nodei = child;
        words++;
    }
    if (words == 0)
        return 1; /* every item optional and none chosen: not a phrase */
    if (words > ix->max_words)
        ix->max_words = words;
    if (RL_GROW(st->terms, st->cap_terms, st->n_terms + 1) != 0)
        return -1;
    st->terms[st->n_terms++] = ((uint64_t)nodei << 32) | phrase;
    return 0;
}

#define MAX_ITEMS    16
#define MAX_OPTIONAL 4

static int phrase_register(rl_phrase_index *ix, rl_forms *forms, const replylint_rule *r,
                           uint32_t rule_index, const rl_matcher *mt, const rl_phrase_src *p,
                           item *items, size_t n, size_t n_opt, replylint_error *err);

/* Parse one phrase text (no multi-word alternatives left) and register it. */
static int phrase_add_text(rl_phrase_index *ix, rl_forms *forms, const replylint_rule *r,
                           uint32_t rule_index, const rl_matcher *mt, const rl_phrase_src *p,
                           const char *text, replylint_error *err)
{
    build_state *st = ix->build;
    item items[MAX_ITEMS];
    memset(items, 0, sizeof(items));
    size_t n = 0, n_opt = 0;
    const char *s = text;
    int rc = 0;
    while (*s && rc == 0) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        const char *e = s;
        int depth = 0;
        while (*e && (depth > 0 || !(*e == ' ' || *e == '\t' || *e == '\n'))) {
            depth += *e == '(' ? 1 : *e == ')' ? -1 : 0;
            e++;
        }
        if (n == MAX_ITEMS) {
            items_free(items, n);
            return phrase_error(err, r, p, "too many words (16 at most) in", p->text);
        }
        rc = parse_item(ix, st, forms, r, p, s, (size_t)(e - s), &items[n], err);
        n_opt += items[n].optional;
        n++;
        s = e;
    }
    if (rc == 0)
        rc = phrase_register(ix, forms, r, rule_index, mt, p, items, n, n_opt, err);
    items_free(items, n);
    return rc;
}

#define MAX_VARIANTS 256

/*
 * A group whose alternatives hold several words, "(that is|it is) handled by", cannot be
 * one slot of the trie: spell the phrase out once per alternative (the first such group,
 * then recursively the rest).  A trailing "?" makes the group optional: one more variant
 * without it.
 */
static int phrase_expand(rl_phrase_index *ix, rl_forms *forms, const replylint_rule *r,
                         uint32_t rule_index, const rl_matcher *mt, const rl_phrase_src *p,
                         const char *text, int *budget, replylint_error *err)
{
    const char *open = NULL, *close = NULL;
    for (const char *q = text; *q && !close; q++) {
        if (*q != '(')
            continue;
        const char *e = q + 1;
        bool space = false;
        while (*e && *e != ')' && *e != '(') {
            space = space || *e == ' ';
            e++;
        }
        if (*e == ')' && space) {
            open = q;
            close = e;
        }
    }
    if (!open)
        return phrase_add_text(ix, forms, r, rule_index, mt, p, text, err);
    bool optional = close[1] == '?';
    const char *tail = close + 1 + optional;
    size_t head = (size_t)(open - text);
    int rc = 0;
    for (const char *a = open + 1; rc == 0 && a <= close;) {
        const char *b = a;
        while (b < close && *b != '|')
            b++;
        if (--*budget < 0)
            return phrase_error(err, r, p, "too many variants (256 at most) in", p->text);
        size_t len = head + (size_t)(b - a) + 1 + strlen(tail);
        char *v = malloc(len + 1);
        if (!v)
            return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
        snprintf(v, len + 1, "%.*s%.*s %s", (int)head, text, (int)(b - a), a, tail);
        rc = phrase_expand(ix, forms, r, rule_index, mt, p, v, budget, err);
        free(v);
        a = b + 1;
    }
    if (rc == 0 && optional) {
        size_t len = head + 1 + strlen(tail);
        char *v = malloc(len + 1);
        if (!v)
            return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
        snprintf(v, len + 1, "%.*s %s", (int)head, text, tail);
        rc = phrase_expand(ix, forms, r, rule_index, mt, p, v, budget, err);
        free(v);
    }
    return rc;
}

int replylint__phrase_add(rl_phrase_index *ix, rl_forms *forms, const replylint_rule *r,
                          uint32_t rule_index, const rl_matcher *mt, replylint_error *err)
{
    if (ix->thawed) /* its arrays are the snapshot's read-only data */
        return replylint__error(err, REPLYLINT_EINVAL, "phrases added to a thawed index");
    if (!ix->build) {
        /* First add: create the root node and the build state. */
        if (!(ix->build = calloc(1, sizeof(build_state))))
            return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
        ix->n_nodes = 1;
    }
    for (size_t pi = 0; pi < mt->n_phrases; pi++) {
        int budget = MAX_VARIANTS;
        int rc = phrase_expand(ix, forms, r, rule_index, mt, &mt->phrases[pi], mt->phrases[pi].text,
                               &budget, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int phrase_register(rl_phrase_index *ix, rl_forms *forms, const replylint_rule *r,
                           uint32_t rule_index, const rl_matcher *mt, const rl_phrase_src *p,
                           item *items, size_t n, size_t n_opt, replylint_error *err)
{
    build_state *st = ix->build;
    if (n_opt > MAX_OPTIONAL)
        return phrase_error(err, r, p, "too many optional words (4 at most) in", p->text);
    if (n == 0 || (n == 1 && items[0].slot == RL_SLOT_ANY))
        return phrase_error(err, r, p, "nothing to match in", p->text);

    if (RL_GROW(ix->phrases, ix->cap_phrases, ix->n_phrases + 1) != 0)
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    uint32_t pid = (uint32_t)ix->n_phrases;
    rl_phrase_info *info = &ix->phrases[pid];
    memset(info, 0, sizeof(*info));
    info->rule = rule_index;
    info->matcher = mt->matcher;
    info->src = p;
    ix->n_phrases++;

    /* Agreement needs each matched word to line up with its item: fixed-length phrases. */
    bool fixed = n_opt == 0;
    for (size_t i = 0; i < n; i++)
        fixed = fixed && items[i].slot != RL_SLOT_ANY;
    if (fixed && p->n_suggest > 0) {
        info->written = calloc(n, sizeof(char *));
        if (!info->written)
            return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
        info->n_items = (uint32_t)n;
        for (size_t i = 0; i < n; i++) {
            info->written[i] = items[i].written;
            items[i].written = NULL; /* moved */
        }
        if (phrase_agree(ix, forms, r, p, pid, items, n) != 0)
            return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    }

    /* Each subset of the optional items is its own path through the trie. */
    for (unsigned mask = 0; mask < (1u << n); mask++) {
        bool canonical = true;
        for (size_t i = 0; i < n; i++)
            if (!items[i].optional && (mask & (1u << i)))
                canonical = false;
        if (!canonical)
            continue;
        int ar = add_path(ix, st, items, n, mask, pid);
        if (ar < 0)
            return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    }
    return 0;
}

static void build_state_free(build_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n_lists; i++)
        free(st->lists[i].slots);
    free(st->lists);
    replylint__strmap_free(&st->slot_keys);
    free(st->terms);
    for (size_t i = 0; i < st->n_words; i++) {
        strvec_free(&st->words[i].forms);
        free(st->words[i].written);
    }
    free(st->words);
    replylint__strmap_free(&st->word_keys);
    free(st);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Copy the edge map into the arrays the scan reads (see rl_phrase_index). */
static int flatten_edges(rl_phrase_index *ix)
{
    size_t n = ix->edges.count;
    uint64_t *keys = malloc((n ? n : 1) * sizeof(uint64_t));
    ix->root_child = calloc(ix->n_slots ? ix->n_slots : 1, sizeof(uint32_t));
    ix->edge_first = calloc((size_t)ix->n_nodes + 1, sizeof(uint32_t));
    ix->edge_slot = malloc((n ? n : 1) * sizeof(uint32_t));
    ix->edge_child = malloc((n ? n : 1) * sizeof(uint32_t));
    if (!keys || !ix->root_child || !ix->edge_first || !ix->edge_slot || !ix->edge_child) {
        free(keys);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < ix->edges.cap; i++)
        if (ix->edges.keys[i])
            keys[k++] = ix->edges.keys[i] - 1; /* the map stores key + 1 */
    qsort(keys, k, sizeof(uint64_t), cmp_u64);
    for (size_t i = 0; i < k; i++) {
        uint32_t node = (uint32_t)(keys[i] >> 32), slot = (uint32_t)keys[i], child = 0;
        replylint__u64map_get(&ix->edges, keys[i], &child);
        ix->edge_slot[i] = slot;
        ix->edge_child[i] = child;
        ix->edge_first[node + 1]++;
        if (node == 0 && slot == RL_SLOT_ANY)
            ix->root_any = child;
        else if (node == 0 && slot < ix->n_slots)
            ix->root_child[slot] = child;
    }
    for (uint32_t i = 0; i < ix->n_nodes; i++)
        ix->edge_first[i + 1] += ix->edge_first[i];
    free(keys);
    return 0;
}

/* A word's slot_at in the scan: the offset below SCAN_OFFSET_MASK, the flags above. */
#define SCAN_FLAG_SHIFT  RL_SCAN_FLAG_SHIFT
#define SCAN_OFFSET_MASK ((1u << SCAN_FLAG_SHIFT) - 1)

/* The bit of the pair (first, second) of slots in rl_phrase_index.pair_filter; `wild`: with
 * a wildcard between them. */
static uint32_t pair_bit(uint32_t first, uint32_t second, bool wild)
{
    uint64_t h = ((uint64_t)first << 33 | (uint64_t)wild << 32 | second) * 0x9E3779B97F4A7C15ULL;
    return (uint32_t)(h >> (64 - RL_PAIR_FILTER_BITS));
}

static void set_pair(rl_phrase_index *ix, uint32_t first, uint32_t second, bool wild)
{
    uint32_t bit = pair_bit(first, second, wild);
    ix->pair_filter[bit / 64] |= (uint64_t)1 << (bit % 64);
    ix->slot_flags[second] |= RL_SLOT_SECOND;
}

#define SCAN_TAILS_MAX ((size_t)1 << 24)

/* rl_phrase_index.scan_forms, from the forms map and the slot flags.  Returns 0 or -1 (out
 * of memory, or past 16 MB of long forms' tails). */
static int build_scan_forms(rl_phrase_index *ix)
{
    free(ix->scan_forms);
    free(ix->scan_tails);
    ix->scan_forms = NULL;
    ix->scan_tails = NULL;
    size_t cap = 16, tails = 0;
    while (cap < 2 * ix->forms.count)
        cap *= 2;
    for (size_t i = 0; i < ix->forms.cap; i++)
        if (ix->forms.slots[i].key && ix->forms.slots[i].len > 8)
            tails += ix->forms.slots[i].len - 8;
    if (tails >= SCAN_TAILS_MAX)
        return -1;
    ix->scan_forms = calloc(cap, sizeof(*ix->scan_forms));
    ix->scan_tails = malloc(tails ? tails : 1);
    if (!ix->scan_forms || !ix->scan_tails)
        return -1;
    ix->scan_mask = cap - 1;
    size_t used = 0;
    for (size_t i = 0; i < ix->forms.cap; i++) {
        const rl_strmap_slot *fs = &ix->forms.slots[i];
        if (!fs->key)
            continue;
        const char *key = ix->forms.pool + fs->key - 1;
        if (fs->len == 0 || fs->len > RL_SCAN_FORM_MAX)
            continue; /* no word of a reply is empty; longer ones ask the forms map */
        uint32_t at = fs->val, flags = 0;
        for (uint32_t k = 0; k < ix->form_slots[at]; k++)
            flags |= ix->slot_flags[ix->form_slots[at + 1 + k]];
        size_t j = (size_t)replylint__hash_bytes(key, fs->len) & ix->scan_mask;
        while (ix->scan_forms[j].len)
            j = (j + 1) & ix->scan_mask;
        rl_scan_form *e = &ix->scan_forms[j];
        e->head = replylint__word_head(key, fs->len);
        e->len = fs->len;
        e->rest = (uint32_t)used;
        e->value = (at + 1) | flags << SCAN_FLAG_SHIFT;
        if (fs->len > 8) {
            memcpy(ix->scan_tails + used, key + 8, fs->len - 8);
            used += fs->len - 8;
        }
    }
    return 0;
}

/* The scan's slot_at for word w of len bytes (at most RL_SCAN_FORM_MAX), whose
 * replylint__hash_bytes is h and replylint__word_head head: 0 if it is no form of any phrase
 * word. */
static inline uint32_t scan_value(const rl_phrase_index *ix, const char *w, size_t len, uint64_t h,
                                  uint64_t head)
{
    for (size_t j = (size_t)h & ix->scan_mask;; j = (j + 1) & ix->scan_mask) {
        const rl_scan_form *e = &ix->scan_forms[j]; /* never full: an empty one ends this */
        if (!e->len)
            return 0;
        if (e->len == len && e->head == head &&
            (len <= 8 || replylint__same_bytes(ix->scan_tails + e->rest, w + 8, len - 8)))
            return e->value;
    }
}

/* The same for a longer word, from the forms map. */
static uint32_t scan_value_long(const rl_phrase_index *ix, const char *w, size_t len, uint64_t h)
{
    uint32_t at, flags = 0;
    if (!replylint__strmap_get_hashed(&ix->forms, w, len, h, &at))
        return 0;
    for (uint32_t k = 0; k < ix->form_slots[at]; k++)
        flags |= ix->slot_flags[ix->form_slots[at + 1 + k]];
    return (at + 1) | flags << SCAN_FLAG_SHIFT;
}

uint32_t replylint__phrase_form_value(const rl_phrase_index *ix, const char *w, size_t len,
                                      uint64_t h)
{
    return len <= RL_SCAN_FORM_MAX ? scan_value(ix, w, len, h, replylint__word_head(w, len))
                                   : scan_value_long(ix, w, len, h);
}

/* What the scan reads besides the index itself: the filter bit of every form (see
 * rl_phrase_index.form_filter), the flags of every slot, the pair filter and each form's
 * pair lists.  Returns 0 or -1. */
static int derive_scan_tables(rl_phrase_index *ix)
{
    memset(ix->form_filter, 0, sizeof(ix->form_filter));
    for (size_t i = 0; i < ix->forms.cap; i++) {
        const rl_strmap_slot *s = &ix->forms.slots[i];
        if (s->key) {
            uint64_t h = replylint__hash_bytes(ix->forms.pool + s->key - 1, s->len);
            uint64_t bit = h >> (64 - RL_FORM_FILTER_BITS);
            ix->form_filter[bit / 64] |= (uint64_t)1 << (bit % 64);
        }
    }
    /* The scan keeps two flags in the top bits of a word's offset into form_slots. */
    if (ix->n_form_slots >= SCAN_OFFSET_MASK)
        return -1;
    free(ix->slot_flags);
    if (!(ix->slot_flags = calloc(ix->n_slots ? ix->n_slots : 1, 1)))
        return -1;
    /* Most walks from a phrase's first word end at the next word or two: a slot's first
     * step is worth taking alone only if it ends a phrase (or, past a wildcard, the next
     * step does, or another wildcard follows); otherwise only if the next fixed word of
     * the reply pairs with it (pair_filter). */
    memset(ix->pair_filter, 0, sizeof(ix->pair_filter));
    for (uint32_t s = 0; s < ix->n_slots; s++) {
        uint32_t child = ix->root_child[s];
        if (!child)
            continue;
        ix->slot_flags[s] |= RL_SLOT_STARTS;
        if (ix->term_count[child])
            ix->slot_flags[s] |= RL_SLOT_ALONE;
        for (uint32_t e = ix->edge_first[child]; e < ix->edge_first[child + 1]; e++) {
            if (ix->edge_slot[e] != RL_SLOT_ANY) {
                set_pair(ix, s, ix->edge_slot[e], false);
                continue;
            }
            uint32_t w = ix->edge_child[e];
            ix->slot_flags[s] |= RL_SLOT_WILD;
            if (ix->term_count[w])
                ix->slot_flags[s] |= RL_SLOT_ALONE;
            for (uint32_t e2 = ix->edge_first[w]; e2 < ix->edge_first[w + 1]; e2++)
                if (ix->edge_slot[e2] == RL_SLOT_ANY)
                    ix->slot_flags[s] |= RL_SLOT_ALONE;
                else
                    set_pair(ix, s, ix->edge_slot[e2], true);
        }
    }
    free(ix->pair_lists);
    if (!(ix->pair_lists = malloc((2 * ix->n_form_slots + 2) * sizeof(uint32_t))))
        return -1;
    for (size_t at = 0; at < ix->n_form_slots; at += 1 + ix->form_slots[at]) {
        const uint32_t *sl = &ix->form_slots[at + 1];
        uint32_t *out = &ix->pair_lists[2 * at], n = 2;
        out[0] = out[1] = 0;
        for (uint32_t k = 0; k < ix->form_slots[at]; k++)
            if (ix->slot_flags[sl[k]] & RL_SLOT_STARTS)
                out[n++] = sl[k], out[0]++;
        for (uint32_t k = 0; k < ix->form_slots[at]; k++)
            if (ix->slot_flags[sl[k]] & RL_SLOT_SECOND)
                out[n++] = sl[k], out[1]++;
    }
    /* The wildcard's chain: its node, that node's wildcard child, and so on.  A phrase that
     * starts with a wildcard goes on with a fixed word from one of them (a flagged slot),
     * unless one of them ends a phrase itself. */
    ix->any_always = false;
    ix->any_reach = 0;
    for (uint32_t node = ix->root_any, depth = 0; node && depth < ix->max_words; depth++) {
        uint32_t e = ix->edge_first[node], end = ix->edge_first[node + 1], next = 0;
        ix->any_always = ix->any_always || ix->term_count[node];
        for (; e < end; e++)
            if (ix->edge_slot[e] != RL_SLOT_ANY)
                ix->slot_flags[ix->edge_slot[e]] |= RL_SLOT_AFTER_ANY;
            else
                next = ix->edge_child[e];
        ix->any_reach = 2 * (depth + 1); /* a polite filler may stand before each word */
        node = next;
    }
    return build_scan_forms(ix);
}

int replylint__phrase_finish(rl_phrase_index *ix)
{
    build_state *st = ix->build;
    ix->build = NULL;
    if (ix->n_nodes == 0)
        ix->n_nodes = 1;
    int rc = -1;
    ix->term_first = calloc(ix->n_nodes, sizeof(uint32_t));
    ix->term_count = calloc(ix->n_nodes, sizeof(uint32_t));
    if (!ix->term_first || !ix->term_count)
        goto out;
    if (!st) {
        rc = 0;
        goto out;
    }
    if (st->n_terms > 1)
        qsort(st->terms, st->n_terms, sizeof(uint64_t), cmp_u64);
    ix->terms = malloc((st->n_terms ? st->n_terms : 1) * sizeof(uint32_t));
    if (!ix->terms)
        goto out;
    for (size_t i = 0; i < st->n_terms; i++) {
        uint32_t nodei = (uint32_t)(st->terms[i] >> 32);
        if (ix->term_count[nodei] == 0)
            ix->term_first[nodei] = (uint32_t)i;
        ix->term_count[nodei]++;
        ix->terms[i] = (uint32_t)st->terms[i];
    }
    size_t total = 0;
    for (size_t i = 0; i < st->n_lists; i++)
        total += 1 + st->lists[i].n;
    ix->form_slots = malloc((total ? total : 1) * sizeof(uint32_t));
    if (!ix->form_slots)
        goto out;
    /* Re-point every form at its flattened list: count, then slot ids. */
    size_t at = 0;
    uint32_t *offset = malloc((st->n_lists ? st->n_lists : 1) * sizeof(uint32_t));
    if (!offset)
        goto out;
    for (size_t i = 0; i < st->n_lists; i++) {
        offset[i] = (uint32_t)at;
        ix->form_slots[at++] = (uint32_t)st->lists[i].n;
        if (st->lists[i].n)
            memcpy(&ix->form_slots[at], st->lists[i].slots, st->lists[i].n * sizeof(uint32_t));
        at += st->lists[i].n;
    }
    for (size_t i = 0; i < ix->forms.cap; i++)
        if (ix->forms.slots[i].key)
            ix->forms.slots[i].val = offset[ix->forms.slots[i].val];
    free(offset);
    ix->n_form_slots = at;
    /* Each form's slots in ascending order, for the merge with a node's edges. */
    for (size_t i = 0; i < ix->n_form_slots; i += 1 + ix->form_slots[i])
        if (ix->form_slots[i] > 1)
            qsort(&ix->form_slots[i + 1], ix->form_slots[i], sizeof(uint32_t), cmp_u32);
    rc = flatten_edges(ix);
out:
    build_state_free(st);
    if (rc == 0)
        rc = derive_scan_tables(ix);
    return rc;
}

static const replylint_rule *rule_by_id(const replylint_rule *rules, size_t n, const char *id,
                                        size_t *index)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rules[mid].id, id);
        if (c == 0) {
            *index = mid;
            return &rules[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The map `f` froze, without copying: nothing writes to a finished index. */
static void thaw_map(rl_strmap *m, const rl_frozen_map *f)
{
    m->slots = (rl_strmap_slot *)(uintptr_t)f->slots;
    m->cap = f->cap;
    m->count = f->count;
    m->pool = (char *)(uintptr_t)f->pool;
    m->pool_len = m->pool_cap = f->pool_len;
}

static bool has_phrases(const replylint_rule *r)
{
    return r->m.n_phrases || r->then.n_phrases || r->needs.n_phrases;
}

int replylint__phrase_thaw(rl_phrase_index *ix, const rl_phrase_snapshot *snap,
                           const replylint_rule *rules, size_t n_rules)
{
    if (!snap->n_phrases)
        return 0;
    /* The same rules: as many with phrases, all of them defaults, each found below. */
    size_t with_phrases = 0;
    for (size_t i = 0; i < n_rules; i++) {
        if (!has_phrases(&rules[i]))
            continue;
        if (!rules[i].trusted)
            return 0;
        with_phrases++;
    }
    if (with_phrases != snap->n_rules)
        return 0;
    rl_phrase_info *phrases = calloc(snap->n_phrases, sizeof(*phrases));
    char **written = calloc(snap->n_written ? snap->n_written : 1, sizeof(char *));
    if (!phrases || !written) {
        free(phrases);
        free(written);
        return -1;
    }
    for (size_t i = 0; i < snap->n_written; i++)
        written[i] = snap->written[i]
                         ? (char *)(uintptr_t)(snap->written_text + snap->written[i] - 1)
                         : NULL;
    for (size_t i = 0; i < snap->n_phrases; i++) {
        const rl_snapshot_phrase *sp = &snap->phrases[i];
        size_t ri = 0;
        const replylint_rule *r = rule_by_id(rules, n_rules, snap->ids + sp->rule_id, &ri);
        const rl_matcher *mt = !r                 ? NULL
                               : sp->matcher == 0 ? &r->m
                               : sp->matcher == 1 ? &r->then
                                                  : &r->needs;
        if (!r || !r->trusted || sp->src >= mt->n_phrases) {
            free(phrases);
            free(written);
            return 0;
        }
        phrases[i].rule = (uint32_t)ri;
        phrases[i].matcher = mt->matcher;
        phrases[i].src = &mt->phrases[sp->src];
        phrases[i].n_items = sp->n_items;
        phrases[i].written = sp->n_items ? written + sp->written : NULL;
    }
    /* The snapshot's arrays are read-only; nothing writes to a finished index. */
    memset(ix, 0, sizeof(*ix));
    ix->thawed = true;
    ix->phrases = phrases;
    ix->n_phrases = snap->n_phrases;
    ix->written_block = written;
    ix->n_slots = snap->n_slots;
    ix->n_nodes = snap->n_nodes;
    ix->max_words = snap->max_words;
    ix->root_any = snap->root_any;
    thaw_map(&ix->forms, &snap->forms);
    ix->form_slots = (uint32_t *)(uintptr_t)snap->form_slots;
    ix->n_form_slots = snap->n_form_slots;
    ix->root_child = (uint32_t *)(uintptr_t)snap->root_child;
    ix->edge_first = (uint32_t *)(uintptr_t)snap->edge_first;
    ix->edge_slot = (uint32_t *)(uintptr_t)snap->edge_slot;
    ix->edge_child = (uint32_t *)(uintptr_t)snap->edge_child;
    ix->term_first = (uint32_t *)(uintptr_t)snap->term_first;
    ix->term_count = (uint32_t *)(uintptr_t)snap->term_count;
    ix->terms = (uint32_t *)(uintptr_t)snap->terms;
    thaw_map(&ix->agree, &snap->agree);
    ix->agree_text = (char *)(uintptr_t)snap->agree_text;
    ix->agree_text_len = ix->agree_text_cap = snap->agree_text_len;
    return derive_scan_tables(ix) == 0 ? 1 : -1;
}

void replylint__phrase_index_free(rl_phrase_index *ix)
{
    build_state_free(ix->build);
    if (ix->thawed) {
        /* The snapshot's read-only data, but for these blocks and the derived tables. */
        free(ix->phrases);
        free(ix->written_block);
        free(ix->slot_flags);
        free(ix->pair_lists);
        free(ix->scan_forms);
        free(ix->scan_tails);
        memset(ix, 0, sizeof(*ix));
        return;
    }
    for (size_t i = 0; i < ix->n_phrases; i++) {
        for (uint32_t k = 0; k < ix->phrases[i].n_items; k++)
            free(ix->phrases[i].written[k]);
        free(ix->phrases[i].written);
    }
    free(ix->agree_text);
    replylint__strmap_free(&ix->agree);
    replylint__strmap_free(&ix->forms);
    free(ix->form_slots);
    replylint__u64map_free(&ix->edges);
    free(ix->root_child);
    free(ix->edge_first);
    free(ix->edge_slot);
    free(ix->edge_child);
    free(ix->term_first);
    free(ix->term_count);
    free(ix->terms);
    free(ix->phrases);
    free(ix->slot_flags);
    free(ix->pair_lists);
    free(ix->scan_forms);
    free(ix->scan_tails);
    memset(ix, 0, sizeof(*ix));
}

/* ---- scanning ------------------------------------------------------------------------- */

static const uint32_t no_slots[1] = {0};

/* Edge lookups allowed from one start word (see replylint__phrase_scan). */
#define SCAN_BUDGET 2048

/* Is token j a «пожалуйста» / "please" set off by commas from the words around it? */
static bool filler_between(const char *folded, const rl_token *toks, size_t j)
{
    /* "word, please, word": a comma and a space on each side (asked first: it is cheaper,
     * and rarely so). */
    if (!(toks[j].start == toks[j - 1].end + 2 && folded[toks[j - 1].end] == ',' &&
          toks[j + 1].start == toks[j].end + 2 && folded[toks[j].end] == ','))
        return false;
    static const char *const fillers[] = {"пожалуйста", "please"};
    size_t len = toks[j].end - toks[j].start;
    for (size_t k = 0; k < 2; k++)
        if (strlen(fillers[k]) == len && memcmp(folded + toks[j].start, fillers[k], len) == 0)
            return true;
    return false;
}

/* The word that goes on with a phrase at token j > 0: j if white space alone separates it
 * from the word before, j + 1 past a polite filler (filler_between), or n_toks if
 * neither. */
static size_t phrase_next(const char *folded, const rl_token *toks, size_t n_toks, size_t j)
{
    if (toks[j].start == toks[j - 1].end + 1 && folded[toks[j - 1].end] == ' ')
        return j;
    return j + 1 < n_toks && filler_between(folded, toks, j) ? j + 1 : n_toks;
}

/* May a word whose slot_at is `first` be followed, at the next fixed word of a phrase, by
 * one whose slot_at is `second` (both nonzero)?  `wild`: with a wildcard between the two. */
static bool may_pair(const rl_phrase_index *ix, uint32_t first, uint32_t second, bool wild)
{
    if (!(second >> SCAN_FLAG_SHIFT & RL_SLOT_SECOND))
        return false;
    const uint32_t *a = &ix->pair_lists[2 * ((first & SCAN_OFFSET_MASK) - 1)];
    const uint32_t *b = &ix->pair_lists[2 * ((second & SCAN_OFFSET_MASK) - 1)];
    for (uint32_t x = 0; x < a[0]; x++)
        for (uint32_t y = 0; y < b[1]; y++) {
            uint32_t bit = pair_bit(a[2 + x], b[2 + b[0] + y], wild);
            if (ix->pair_filter[bit / 64] >> (bit % 64) & 1)
                return true;
        }
    return false;
}

/* One path of the walk: the trie node reached and the token after it. */
struct frame {
    uint32_t node, next;
};
#define SCAN_STACK 64

/* Push a path; a full stack drops it, and the report will say findings may be missing. */
static void push_frame(struct frame *stack, size_t *sp, uint32_t node, uint32_t next,
                       bool *truncated)
{
    if (*sp == SCAN_STACK - 1) {
        *truncated = true;
        return;
    }
    stack[(*sp)++] = (struct frame){node, next};
}

int replylint__phrase_scan(const rl_phrase_index *ix, const char *folded, const rl_token *toks,
                           size_t n_toks, rl_hit **hits, size_t *n_hits, size_t *cap_hits,
                           uint32_t **slots, size_t *cap_slots, bool *truncated)
{
    if (ix->n_phrases == 0 || n_toks == 0)
        return 0;
    /* Look every token up once; the walk below revisits tokens up to max_words times.
     * Each token keeps 1 + the offset of its slot list in form_slots, or 0 for none. */
    if (*cap_slots < n_toks) {
        free(*slots);
        *cap_slots = 0;
        if (!(*slots = malloc(n_toks * sizeof(**slots))))
            return -1;
        *cap_slots = n_toks;
    }
    /* Each word's slot_at: 1 + the offset of its slot list, 0 for none, with the OR of its
     * slots' flags (RL_SLOT_*) in the top bits. */
    uint32_t *slot_at = *slots;
    for (size_t i = 0; i < n_toks; i++) {
        const char *w = folded + toks[i].start;
        size_t len = toks[i].end - toks[i].start;
        uint64_t h = replylint__hash_padded(w, len), bit = h >> (64 - RL_FORM_FILTER_BITS);
        if (!(ix->form_filter[bit / 64] >> (bit % 64) & 1))
            slot_at[i] = 0;
        else if (len <= RL_SCAN_FORM_MAX)
            slot_at[i] = scan_value(ix, w, len, h, replylint__word_head_padded(w, len));
        else
            slot_at[i] = scan_value_long(ix, w, len, h);
    }
#define SLOTS(k) (slot_at[k] ? &ix->form_slots[(slot_at[k] & SCAN_OFFSET_MASK) - 1] : no_slots)
    uint32_t any = ix->root_any;

    struct frame stack[SCAN_STACK];
    int rc = 0;
#define FLAGS(k) ((k) < n_toks ? slot_at[k] >> SCAN_FLAG_SHIFT : 0)
    for (size_t base = 0; base < n_toks && rc == 0; base += 64) {
        /* The words that may start a walk, 64 at a time and without a branch per word (which
         * one starts a phrase was a branch guessed wrong): a word that starts phrases, and
         * one whose wildcard node is worth a visit (visits: a word that may go on from the
         * wildcard's chain comes within any_reach words after it; see derive_scan_tables).
         * The rest cannot start one: the loop skips them.  Swept backwards, aa is the first
         * such word after k; past this block, only the next any_reach words can matter. */
        size_t stop = n_toks - base < 64 ? n_toks : base + 64, aa = SIZE_MAX;
        for (size_t k = stop; any && k < n_toks && k - stop <= ix->any_reach; k++)
            if (FLAGS(k) & RL_SLOT_AFTER_ANY) {
                aa = k;
                break;
            }
        uint64_t cand = 0, visits = 0;
        for (size_t k = stop; k-- > base;) {
            uint32_t f = FLAGS(k);
            bool visit = (any != 0) & (ix->any_always | (aa - k <= ix->any_reach));
            bool maybe = ((f & (RL_SLOT_ALONE | RL_SLOT_STARTS)) != 0) | visit;
            cand |= (uint64_t)maybe << (k - base);
            visits |= (uint64_t)visit << (k - base);
            aa = f & RL_SLOT_AFTER_ANY ? k : aa;
        }
        for (; cand && rc == 0; cand &= cand - 1) {
            size_t i = base + replylint__lowest_bit(cand);
            bool visit_any = visits >> (i - base) & 1;
            /* A word that starts phrases, and needs the next words to go on: only if its
             * slots pair with those of the next word, or of the one after (a wildcard). */
            uint32_t flags = FLAGS(i);
            if (!visit_any && !(flags & RL_SLOT_ALONE)) {
                size_t j = flags & RL_SLOT_STARTS && i + 1 < n_toks
                               ? phrase_next(folded, toks, n_toks, i + 1)
                               : n_toks;
                bool pair = j < n_toks && may_pair(ix, slot_at[i], slot_at[j], false);
                if (!pair && flags & RL_SLOT_WILD && j + 1 < n_toks) {
                    size_t k = phrase_next(folded, toks, n_toks, j + 1);
                    pair = k < n_toks && may_pair(ix, slot_at[i], slot_at[k], true);
                }
                if (!pair)
                    continue;
            }
            size_t sp = 0, budget = SCAN_BUDGET;
            stack[sp++] = (struct frame){0, (uint32_t)i};
            while (sp > 0) {
                struct frame f = stack[--sp];
                if (f.next > i) {
                    for (uint32_t t = 0; t < ix->term_count[f.node]; t++) {
                        if (RL_GROW(*hits, *cap_hits, *n_hits + 1) != 0) {
                            rc = -1;
                            break;
                        }
                        (*hits)[(*n_hits)++] =
                            (rl_hit){ix->terms[ix->term_first[f.node] + t], toks[i].start,
                                     toks[f.next - 1].end, (uint32_t)i, f.next - (uint32_t)i};
                    }
                }
                size_t j = f.next;
                if (j >= n_toks || f.next - i >= ix->max_words)
                    continue;
                /* Words of a phrase are separated by white space only, except that a polite
                 * «, пожалуйста,» / ", please," may stand between two of them. */
                if (j > i && (j = phrase_next(folded, toks, n_toks, j)) == n_toks)
                    continue;
                const uint32_t *sl = SLOTS(j);
                /* A word that fills thousands of slots (rules made of alternations of one
                 * common word) must not make a reply quadratic: each start word gets a bounded
                 * number of edge lookups, far beyond what real rule sets use. */
                if (budget < sl[0] + 1) {
                    *truncated = true; /* the report says findings may be missing */
                    continue;
                }
                budget -= sl[0] + 1;
                uint32_t next = (uint32_t)(j + 1), any_child = 0;
                if (f.node == 0) {
                    for (uint32_t k = 0; k < sl[0]; k++)
                        if (ix->root_child[sl[1 + k]])
                            push_frame(stack, &sp, ix->root_child[sl[1 + k]], next, truncated);
                    any_child = visit_any ? any : 0;
                } else {
                    /* Both lists ascend: walk the shorter, finding its items in the longer by
                     * binary search.  A node has a few edges, and a common word dozens of
                     * slots; but a team's alternation after one word may give a node
                     * thousands, and the budget counts slots only. */
                    uint32_t e = ix->edge_first[f.node], end = ix->edge_first[f.node + 1];
                    if (end - e < sl[0]) {
                        for (uint32_t lo = 1; e < end && lo <= sl[0]; e++) {
                            for (uint32_t hi = sl[0] + 1; lo < hi;) {
                                uint32_t mid = lo + (hi - lo) / 2;
                                if (sl[mid] < ix->edge_slot[e])
                                    lo = mid + 1;
                                else
                                    hi = mid;
                            }
                            if (lo <= sl[0] && sl[lo] == ix->edge_slot[e])
                                push_frame(stack, &sp, ix->edge_child[e], next, truncated);
                        }
                    } else {
                        for (uint32_t k = 0; k < sl[0] && e < end; k++) {
                            for (uint32_t hi = end; e < hi;) {
                                uint32_t mid = e + (hi - e) / 2;
                                if (ix->edge_slot[mid] < sl[1 + k])
                                    e = mid + 1;
                                else
                                    hi = mid;
                            }
                            if (e < end && ix->edge_slot[e] == sl[1 + k])
                                push_frame(stack, &sp, ix->edge_child[e], next, truncated);
                        }
                    }
                    if (end > ix->edge_first[f.node] && ix->edge_slot[end - 1] == RL_SLOT_ANY)
                        any_child = ix->edge_child[end - 1];
                }
                if (any_child)
                    push_frame(stack, &sp, any_child, next, truncated);
            }
        }
    }
#undef FLAGS
#undef SLOTS
    return rc;
}
