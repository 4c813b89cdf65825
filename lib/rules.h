/*
 * rules.h: the in-memory rule model, the compiled rule set and the modules that build
 * and run it.  Never installed.
 */
#ifndef REPLYLINT_RULES_H
#define REPLYLINT_RULES_H

#include "internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <unicode/ubrk.h>

typedef enum rl_kind {
    RL_KIND_PHRASE,
    RL_KIND_REGEX,
    RL_KIND_REQUIRE,
    RL_KIND_NAME,
    RL_KIND_SIGNATURE,
    RL_KIND_LENGTH,
    RL_KIND_SHOUTING,
    RL_KIND_CONDITIONAL,
    RL_KIND__COUNT
} rl_kind;

typedef enum rl_where { RL_WHERE_ANYWHERE, RL_WHERE_START, RL_WHERE_END } rl_where;
typedef enum rl_scope { RL_SCOPE_REPLY, RL_SCOPE_SENTENCE, RL_SCOPE_PARAGRAPH } rl_scope;

/* Where the first two bytes of a word fall in replylint_ruleset.at_mask2. */
#define RL_FIRST_HASH(b0, b1) ((((unsigned)(unsigned char)(b0)*31u) + (unsigned char)(b1)) & 255u)

/* Rule languages use replylint_lang's values; 0 (AUTO) means "any". */
#define RL_LANG_ANY 0

/* One phrase as its author wrote it, with where it was written. */
typedef struct rl_phrase_src {
    char *text;
    char **suggest; /* replacements, may be empty */
    size_t n_suggest;
    uint32_t line, column;
} rl_phrase_src;

/* "How it matches": a list of phrases and/or one regular expression. */
typedef struct rl_matcher {
    rl_phrase_src *phrases;
    size_t n_phrases;
    char *pattern; /* NULL if none */
    uint32_t pattern_line, pattern_column;
    bool raw;          /* regex over the original text instead of the folded one */
    pcre2_code *re;    /* compiled at rule-set compile time */
    pcre2_code *re_at; /* the same, anchored, when every match starts a word (see lint.c) */
    bool jit, jit_at;  /* pcre2_jit_compile succeeded for re / re_at; if not, lint.c runs the
                          interpreter in bounded work (match_interp) */
    bool windowed;     /* JIT-compiled for partial matching too: long replies are searched
                          window by window (a team's pattern; lint.c, match_interp) */
    /* With re_at: the folded texts a match can start with, if known (n_first 0: try every
     * word).  Each is the literal start of one alternative, at most 15 bytes of it. */
    struct {
        uint8_t len;
        char s[15];
    } first[32];
    uint32_t n_first;
    bool first_digits; /* a match may also start with any decimal digit (\d) */
    int at_bit;        /* with re_at: its bit in the rule set's at_mask1/2, or -1 (lint.c) */
    /* Bytes the text must hold for the pattern to match, from PCRE2: lint.c skips a pattern
     * whose reply lacks them.  Either case of a letter (a pattern may be caseless). */
    int required;            /* an ASCII byte every match holds ("!" in «…\s*!»); -1: none */
    bool keeps_out;          /* the pattern has \K: a match may start after text it matched */
    uint8_t n_starts;        /* 0: no list */
    unsigned char starts[8]; /* a match starts with one of these bytes («{», «[», «%» …) */
    /* `needs_text`: strings one of which every match holds, as written (a raw pattern) or
     * folded like the text (at compile time): a text without any skips the pattern. */
    char **texts;
    size_t n_texts;
    uint32_t texts_line, texts_column;
    uint32_t matcher; /* index in the rule set's matcher table, for phrase hits */
} rl_matcher;

typedef struct rl_example {
    char *text;
    size_t len;
    char *name, *agent;
    replylint_channel channel;
    bool followup;
    uint32_t line, column;
} rl_example;

struct replylint_rule {
    char *id, *category, *message, *rationale, *source;
    rl_rule_text text; /* owns id, category and message once parsed (reports copy it) */
    uint32_t line, column;
    int lang; /* RL_LANG_ANY, REPLYLINT_LANG_RU or REPLYLINT_LANG_EN */
    rl_kind kind;
    replylint_severity severity;
    rl_where where;
    bool enabled, inflect, check_examples;
    bool message_quotes;  /* message holds {match}, the flagged text (lint.c, emit_shaped) */
    bool trusted;         /* from the embedded defaults (rl_source.trusted) */
    unsigned channels;    /* bit (1 << replylint_channel) per channel the rule runs in */
    bool first_turn_only; /* `turn: first`: not on follow-up replies */

    rl_matcher m;     /* phrase, regex, require, signature (department), conditional (if) */
    rl_matcher then;  /* conditional: what must also occur; signature: sign-off phrases;
                         phrase: exceptions (a hit inside one is no finding) */
    rl_matcher needs; /* regex: phrases one of which must occur for the pattern to run */
    char **suggest;   /* regex: replacements */
    size_t n_suggest;

    rl_scope scope; /* length */
    unsigned max_chat, max_email;

    unsigned min_letters; /* shouting */
    char **allow;         /* shouting: folded acronyms */
    size_t n_allow;

    char **aliases;        /* name: folded name variants ... */
    uint32_t *alias_group; /* ... and which person each belongs to */
    size_t n_aliases;

    rl_example *bad, *good;
    size_t n_bad, n_good;
};

/* What a rule file holds before it is merged into a rule set. */
typedef struct rl_override {
    char *rule;
    uint32_t line, column;
    int enabled;  /* -1: unchanged */
    int severity; /* 0: unchanged */
    bool has_max;
    unsigned max_chat, max_email;
    int min_letters; /* -1: unchanged */
} rl_override;

typedef struct rl_file {
    replylint_rule *rules;
    size_t n_rules;
    rl_override *overrides;
    size_t n_overrides;
} rl_file;

/* Parse one YAML rule file (rule_parse.c).  On error fills err with file:line:column.
 * `trusted` skips the pass that refuses aliases and deep nesting: for the embedded
 * defaults, written by us and checked when the library is built and tested. */
int replylint__parse_rules(rl_file *out, const char *yaml, size_t len, const char *source,
                           bool trusted, replylint_error *err);
/* The same for an embedded file, from the document tools/embed.c parsed at build time. */
struct rl_embedded_file;
int replylint__parse_embedded_rules(rl_file *out, const struct rl_embedded_file *e,
                                    const char *source, replylint_error *err);
void replylint__file_free(rl_file *f);
void replylint__rule_clear(replylint_rule *r);
int replylint__category_known(const char *category);
replylint_severity replylint__category_severity(const char *category);
const char *replylint__kind_name(rl_kind kind);

/* ---- phrase index (phrase.c) ------------------------------------------------------------ */

/* One phrase hit: phrase id and the folded byte range it covers. */
typedef struct rl_hit {
    uint32_t phrase;
    uint32_t start, end; /* folded offsets */
    uint32_t tok, n_tok; /* its first word, and how many (a polite filler included) */
} rl_hit;

typedef struct rl_phrase_info {
    uint32_t rule;    /* index in the rule set's rule array */
    uint32_t matcher; /* index in the rule set's matcher table */
    const rl_phrase_src *src;
    /* Suggestion agreement: the folded word written for each item (NULL where the item is
     * literal or a wildcard); set only for phrases of fixed length with suggestions. */
    char **written;
    uint32_t n_items;
} rl_phrase_info;

/* Word forms supplied to the phrase compiler (forms.c). */
typedef struct rl_forms rl_forms;

#define RL_FORM_FILTER_BITS 16
#define RL_PAIR_FILTER_BITS 16
/* An entry of rl_phrase_index.scan_forms; len 0 marks an empty one.  Forms longer than
 * RL_SCAN_FORM_MAX bytes are left to the forms map. */
#define RL_SCAN_FORM_MAX 255
typedef struct rl_scan_form {
    uint64_t head;      /* replylint__word_head of the form */
    uint32_t len : 8;   /* its length in bytes */
    uint32_t rest : 24; /* where its bytes past the eighth are in scan_tails */
    uint32_t value;     /* the scan's slot_at for the form */
} rl_scan_form;

typedef struct rl_phrase_index {
    rl_strmap forms;      /* folded word form -> index into form_slots */
    uint32_t *form_slots; /* per form: count, then that many slot ids */
    size_t n_form_slots, cap_form_slots;
    uint32_t n_slots;
    rl_u64map edges; /* (node << 32 | slot) -> child node; used while building */
    uint32_t n_nodes;
    /* The same edges, flattened in finish for scanning without hashing: the root's by slot
     * (0: none; the root is nobody's child), every node's sorted by slot in
     * edge_slot/edge_child[edge_first[node] .. edge_first[node + 1]), RL_SLOT_ANY last. */
    uint32_t *root_child;
    uint32_t root_any; /* the root's child for a wildcard first word, or 0 */
    uint32_t *edge_first, *edge_slot, *edge_child;
    uint32_t *term_first; /* per node: first index in terms, count in term_count */
    uint32_t *term_count;
    uint32_t *terms; /* phrase ids */
    rl_phrase_info *phrases;
    size_t n_phrases, cap_phrases;
    uint32_t max_words;
    void *build; /* state used only while phrases are being added */
    /* (phrase, suggestion, item, matched form) -> the suggestion inflected to agree with
     * the matched form («денежными средствами» -> «деньгами»); see phrase_agree(). */
    rl_strmap agree;  /* values are offsets in agree_text */
    char *agree_text; /* the inflected suggestions, each NUL-terminated */
    size_t agree_text_len, agree_text_cap;
    /* Thawed from the build-time snapshot (replylint__phrase_thaw): the arrays and maps are
     * its read-only data; phrases and written_block (every phrase's written[]) are ours. */
    bool thawed;
    char **written_block;
    /* One bit per form, at the top RL_FORM_FILTER_BITS bits of its hash: most words of a
     * reply are no form of any phrase word, and this answers them without probing the
     * forms map, whose slots (about 200 KB for the defaults) miss the first-level cache. */
    uint64_t form_filter[((size_t)1 << RL_FORM_FILTER_BITS) / 64];
    /* The forms again, as the scan looks them up (see derive_scan_tables in phrase.c): 16
     * bytes a form, the first eight bytes of its key inline and the value the scan keeps
     * for a word (1 + its offset in form_slots, and its slots' flags on top), so that a
     * word of up to eight bytes is looked up in one cache line, without reading the forms
     * map's pool or form_slots. */
    struct rl_scan_form *scan_forms;
    size_t scan_mask; /* its size - 1, a power of two */
    char *scan_tails; /* the bytes of the longer forms past their eighth */
    /* Per slot, RL_SLOT_* flags: the scan starts walks only from words that can lead
     * somewhere (see derive_scan_tables in phrase.c).  Behind a wildcard first word an
     * RL_SLOT_AFTER_ANY slot comes within any_reach words; any_always: a phrase made of
     * wildcards alone, so every word starts one. */
    uint8_t *slot_flags;
    uint32_t any_reach;
    bool any_always;
    /* One bit per pair of slots that begins a phrase (its first two fixed words, with or
     * without one wildcard between them), at pair_bit in phrase.c: a walk from a first word
     * that the next words cannot go on from finds nothing, and before this filter most
     * walks were such (4 in 5 on the English corpus). */
    uint64_t pair_filter[((size_t)1 << RL_PAIR_FILTER_BITS) / 64];
    /* The slots each form's list offers that filter, at twice the list's offset in
     * form_slots: how many start a phrase (RL_SLOT_STARTS), how many may come second
     * (RL_SLOT_SECOND), then those slots, the starting ones first.  A common word fills
     * slots all over the phrases, and a pair of its lists was a dozen probes; of these
     * lists, two or three. */
    uint32_t *pair_lists;
} rl_phrase_index;
#define RL_SLOT_STARTS    1u  /* a phrase starts with it */
#define RL_SLOT_AFTER_ANY 2u  /* it may follow a wildcard first word (and more wildcards) */
#define RL_SLOT_ALONE     4u  /* a phrase starts with it, and that needs no second word to go on */
#define RL_SLOT_SECOND    8u  /* it may follow a fixed first word, next to it or past a wildcard */
#define RL_SLOT_WILD      16u /* a phrase starts with it and a wildcard («the * team») */

/* The phrase index of the default rules, built when the library is built
 * (tools/phrasegen.c dumps what replylint__phrase_add and _finish made of them), so that
 * loading the defaults need not build it again: nearly all of the time a command-line call
 * spent loading them.  A phrase names its rule by id and its source by matcher and index,
 * so that it can be tied to the rule set being compiled. */
typedef struct rl_snapshot_phrase {
    uint32_t rule_id; /* offset of the rule's id in ids */
    uint32_t matcher; /* 0: the rule's m, 1: then, 2: needs */
    uint32_t src;     /* index in that matcher's phrases */
    uint32_t n_items; /* the phrase's written[] (0: none) ... */
    uint32_t written; /* ... from this index of the snapshot's written */
} rl_snapshot_phrase;
/* A finished rl_strmap as read-only data: its slots and its pool of keys. */
typedef struct rl_frozen_map {
    const rl_strmap_slot *slots;
    size_t cap, count;
    const char *pool;
    size_t pool_len;
} rl_frozen_map;
typedef struct rl_phrase_snapshot {
    size_t n_phrases; /* 0: none (the stand-in the build-time generators link) */
    size_t n_rules;   /* distinct rules the phrases belong to */
    const rl_snapshot_phrase *phrases;
    const char *ids;
    const uint32_t *written; /* 1 + offset in written_text, or 0 for NULL */
    const char *written_text;
    size_t n_written;
    uint32_t n_slots, n_nodes, max_words, root_any;
    rl_frozen_map forms;
    const uint32_t *form_slots;
    size_t n_form_slots;
    const uint32_t *root_child, *edge_first, *edge_slot, *edge_child;
    const uint32_t *term_first, *term_count, *terms;
    rl_frozen_map agree;
    const char *agree_text;
    size_t agree_text_len;
} rl_phrase_snapshot;
extern const rl_phrase_snapshot replylint__phrase_snapshot;

/* The suggestion `sugg` of phrase `pid`, inflected like `form` at item `item`, or NULL. */
const char *replylint__phrase_agreed(const rl_phrase_index *ix, uint32_t pid, uint32_t sugg,
                                     uint32_t item_index, const char *form, size_t len);

#define RL_SLOT_ANY 0xFFFFFFFFu

/* Add every phrase of matcher `mt` of rule `rule_index` (phrase.c). */
int replylint__phrase_add(rl_phrase_index *ix, rl_forms *forms, const replylint_rule *r,
                          uint32_t rule_index, const rl_matcher *mt, replylint_error *err);
/* Seal the index after the last add (flattens the terminal lists). */
int replylint__phrase_finish(rl_phrase_index *ix);
/* Make `ix` (empty) the snapshot's index when the phrases of `rules` (sorted by id) are
 * exactly those it was made of: every rule with phrases is an embedded default and every
 * rule of the snapshot is there.  Returns 1 if it did, 0 if not (ix untouched: build it),
 * -1 when out of memory. */
int replylint__phrase_thaw(rl_phrase_index *ix, const rl_phrase_snapshot *snap,
                           const replylint_rule *rules, size_t n_rules);
/* Find every phrase occurrence in folded text with its tokens; the text is followed by
 * RL_FOLDED_PAD readable bytes, as a folded text is (see fold.h).  Hits are appended.
 * *slots (*cap_slots entries, or NULL and 0) is working memory, grown to a word per token
 * and kept for the next call; the caller frees it.  *truncated is set (never cleared) when
 * the scan's per-word budget or its stack dropped part of the search, so that hits may be
 * missing. */
int replylint__phrase_scan(const rl_phrase_index *ix, const char *folded, const rl_token *toks,
                           size_t n_toks, rl_hit **hits, size_t *n_hits, size_t *cap_hits,
                           uint32_t **slots, size_t *cap_slots, bool *truncated);
void replylint__phrase_index_free(rl_phrase_index *ix);
/* The scan's value for word w of len bytes: 1 + the offset of its list in form_slots, with
 * the OR of its slots' flags from bit RL_SCAN_FLAG_SHIFT up, or 0 if no phrase holds it.
 * h says where the search starts: the word's replylint__hash_bytes (the scan passes no
 * other; tests pass another word's, to walk past entries that differ from w in one byte). */
#define RL_SCAN_FLAG_SHIFT 27
uint32_t replylint__phrase_form_value(const rl_phrase_index *ix, const char *w, size_t len,
                                      uint64_t h);

/* ---- word forms (forms.c) --------------------------------------------------------------- */

/*
 * Forms of a word: the embedded table generated at build time from the hunspell
 * dictionaries, then (for words of team rules it does not know) the dictionaries
 * themselves, loaded on first need.  `record`, if set, is called for every lookup that
 * reached a dictionary: the build-time generator uses it to write the embedded table.
 */
rl_forms *replylint__forms_new(const char *dict_dir);
void replylint__forms_free(rl_forms *f);
/* Call emit for each folded form of folded `word` (the word itself first). lang picks
 * the dictionary (REPLYLINT_LANG_RU/EN; RL_LANG_ANY: by the word's script). */
int replylint__forms_each(rl_forms *f, int lang, const char *word, size_t len,
                          int (*emit)(void *ud, const char *form, size_t len), void *ud);
void replylint__forms_set_recorder(rl_forms *f,
                                   void (*record)(void *ud, int lang, const char *word,
                                                  const char *const *forms, size_t n),
                                   void *ud);
/* Disable the embedded table (the generator must ask the dictionaries). */
void replylint__forms_skip_embedded(rl_forms *f);

/* ---- the compiled rule set (ruleset.c) -------------------------------------------------- */

/* PCRE2's match limit (steps per start position) in the rule set's match context; lint.c
 * lowers it per call for interpreted patterns. */
#define RL_MATCH_LIMIT 1000000u

struct replylint_ruleset {
    replylint_rule *rules; /* enabled rules, sorted by id */
    size_t n_rules;
    rl_matcher **matchers; /* every matcher, indexed by rl_matcher.matcher */
    uint32_t *matcher_rule;
    size_t n_matchers;
    rl_phrase_index phrases;
    pcre2_match_context *mctx; /* match and depth limits for every regex */
    bool has_regex;
    bool no_jit;                    /* REPLYLINT_BUILD_NO_JIT: every regex runs interpreted */
    uint8_t pcre2_unicode[4];       /* the Unicode version of PCRE2's tables ("14.0.0" for
                                       10.42): letters ICU knows and PCRE2 does not yet are
                                       no \w to PCRE2 (lint.c, is_break) */
    struct rl_sentencer *sentencer; /* sentence boundaries (segment.h) */
    /* The anchored patterns (rl_matcher.re_at), one bit each: lint.c finds the word starts
     * each may match at in one pass over the reply instead of one pass per pattern.  A rule
     * set with more than RL_AT_MAX of them tries the rest at every word. */
    uint64_t at_mask1[256]; /* per first byte of a word: who may start there */
    uint64_t at_mask2[256]; /* per RL_FIRST_HASH of its first two bytes: who else may */
    uint64_t at_digits;     /* who may also start at a decimal digit past ASCII */
    bool at_overflow;       /* more than RL_AT_MAX anchored patterns */
    uint64_t at_lang[3];    /* the patterns of the rules of each language (index: rule lang) */
    /* Which rules run on a reply, by its language, channel and turn (first 0, follow-up 1):
     * those without a gate (below) as indices into rules, in order; those with one as bits
     * (bit i of gated: rule i), looked at only when their gate's phrases occur; and the
     * smallest sentence limit among them all. */
    uint32_t *plan[3][2][2];
    size_t n_plan[3][2][2];
    uint64_t *gated[3][2][2];
    unsigned sentence_limit[3][2][2];
    uint32_t *plan_block;  /* all the plans */
    uint64_t *gated_block; /* all the gated sets */
    /* Per rule, the matcher whose phrases must occur for the rule to do anything, or
     * RL_NO_GATE: its own phrases for a rule made of phrases alone (a conditional rule's
     * `if` too), its `needs:` for one that has them.  Most rules do nothing on most
     * replies, and this lets the lint call pass over them without reading the rule. */
    uint32_t *gate;
};
#define RL_NO_GATE UINT32_MAX
#define RL_AT_MAX  64

/* Embedded default rules (generated at build time by tools/embed.c: embedded.c).  Each
 * file comes as its text and as its libyaml document, parsed at build time: per node
 * RL_EMBEDDED_NODE_FIELDS numbers (yaml_node_type_t, style, line and column of its start,
 * then the offset and length of a scalar's text, or the index and count of a sequence's
 * items or a mapping's pairs), the items (yaml_node_item_t), the pairs (yaml_node_pair_t)
 * and the text of every scalar, each NUL-terminated. */
#define RL_EMBEDDED_NODE_FIELDS 6
typedef struct rl_embedded_file {
    const char *name; /* e.g. "ru/jargon.yaml" */
    const char *data;
    size_t len;
    const uint32_t *nodes;
    size_t n_nodes;
    const void *items;
    const void *pairs;
    const char *text;
} rl_embedded_file;
extern const rl_embedded_file replylint__embedded_rules[];
extern const size_t replylint__embedded_rules_count;
extern const char *const replylint__embedded_forms;
extern const size_t replylint__embedded_forms_len;

/* Compile rules from YAML sources (ruleset.c); used by the builder and the generator. */
typedef struct rl_source {
    char *name;
    char *data; /* NULL for an embedded file: see `embedded` */
    size_t len;
    const rl_embedded_file *embedded; /* the defaults, parsed at build time */
    bool check_examples;
    bool trusted; /* the embedded defaults (see replylint__parse_rules) */
} rl_source;
int replylint__compile(replylint_ruleset **out, const rl_source *src, size_t n_src, rl_forms *forms,
                       unsigned flags, replylint_error *err);

/* ---- linting (lint.c) ------------------------------------------------------------------- */

/* Lint with only the rule at index `only` (or all if SIZE_MAX): the example checker.
 * scratch may be NULL. */
int replylint__lint_ex(replylint_report **out, const replylint_ruleset *rs,
                       replylint_scratch *scratch, const char *text, size_t len,
                       const replylint_options *opts, size_t only, replylint_error *err);

#endif /* REPLYLINT_RULES_H */
