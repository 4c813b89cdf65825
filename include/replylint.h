/*
 * replylint.h: the complete public API of libreplylint.
 *
 * libreplylint checks a draft customer-support reply (Russian or English) before it
 * is sent and says what to fix and where: bureaucratese, the empty "sorry for the
 * inconvenience", a missing greeting or unused customer name, a wall of text, a reply
 * that ends without a human closing, and more.  If a function or type does not appear
 * in this file, it is not part of the API.
 *
 * Life cycle
 *   1. Compile a rule set once:  replylint_ruleset_default(), or a builder
 *      (replylint_builder_new() + replylint_builder_add_file() + replylint_builder_compile())
 *      to add a team's own rule files on top of the embedded defaults.
 *   2. Lint any number of replies: replylint_lint() returns one report per call.
 *   3. Read the report: replylint_report_count() / replylint_report_get() and the
 *      replylint_diag_*() accessors.  Free it with replylint_report_free().
 *   4. Free the rule set with replylint_ruleset_free().
 *
 * Errors
 *   Every fallible function returns REPLYLINT_OK (0) or a negative replylint_status and,
 *   when the caller passes a replylint_error, fills it with the code, a message the caller
 *   can show, and for rule files the source, line and column.  The library never prints,
 *   never aborts and has no mutable global state.
 *
 * Ownership
 *   An object returned through a `**out` parameter belongs to the caller and is released
 *   with the matching _free() function, which accepts NULL.  Every `const char *` the
 *   library returns is borrowed: it lives as long as the object it came from.  Strings
 *   returned through `char **out` are released with replylint_free().
 *
 * Threads
 *   A compiled replylint_ruleset is immutable and may be shared by any number of threads
 *   (as a pcre2_code or a ZSTD_CDict).  replylint_lint() allocates its own scratch space,
 *   so concurrent calls on one rule set are safe.  A report, a builder or a
 *   replylint_scratch belongs to one thread at a time.
 *
 * Text
 *   All text is UTF-8.  Offsets are half-open [start, end) ranges, available in bytes,
 *   in Unicode code points and in UTF-16 code units (see replylint_unit), so C, Python
 *   and JavaScript editors can all use them without conversion.
 */
#ifndef REPLYLINT_H
#define REPLYLINT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && !defined(REPLYLINT_STATIC)
#ifdef REPLYLINT_BUILDING
#define REPLYLINT_API __declspec(dllexport)
#else
#define REPLYLINT_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define REPLYLINT_API __attribute__((visibility("default")))
#else
#define REPLYLINT_API
#endif

/* ---- Version ------------------------------------------------------------------------ */

#define REPLYLINT_VERSION_MAJOR 0
#define REPLYLINT_VERSION_MINOR 1
#define REPLYLINT_VERSION_PATCH 0
/** MAJOR*10000 + MINOR*100 + PATCH. */
#define REPLYLINT_VERSION_NUMBER                                                                   \
    (REPLYLINT_VERSION_MAJOR * 10000 + REPLYLINT_VERSION_MINOR * 100 + REPLYLINT_VERSION_PATCH)
#define REPLYLINT_VERSION_STRING "0.1.0"

/** The version of the library actually linked, as REPLYLINT_VERSION_NUMBER. */
REPLYLINT_API unsigned replylint_version_number(void);
/** The version of the library actually linked, e.g. "0.1.0".  Static; never NULL. */
REPLYLINT_API const char *replylint_version_string(void);

/* ---- Errors ------------------------------------------------------------------------- */

/** Status codes.  Never renumbered; new codes are appended. */
typedef enum replylint_status {
    REPLYLINT_OK = 0,
    REPLYLINT_ENOMEM = -1,        /**< out of memory */
    REPLYLINT_EINVAL = -2,        /**< bad argument (NULL, wrong options version, ...) */
    REPLYLINT_EIO = -3,           /**< a file could not be read */
    REPLYLINT_EUTF8 = -4,         /**< the text is not valid UTF-8; offset says where */
    REPLYLINT_ETOOBIG = -5,       /**< the text or a rule exceeds a configured limit */
    REPLYLINT_ERULE_SYNTAX = -10, /**< a rule file is not valid YAML */
    REPLYLINT_ERULE = -11,        /**< a rule is malformed (unknown key, category, ...) */
    REPLYLINT_ERULE_REGEX = -12,  /**< a rule's regular expression does not compile */
    REPLYLINT_ERULE_EXAMPLE =
        -13,                  /**< a rule does not flag a `bad` example, or flags a `good` one */
    REPLYLINT_ENOTFOUND = -14 /**< no such rule (e.g. an override names an unknown rule id) */
} replylint_status;

/** A short static description of a status code.  Never NULL. */
REPLYLINT_API const char *replylint_strerror(int status);

/**
 * Error details, filled by any fallible call that is given one.  Lives on the caller's
 * stack; the library never allocates for it.  On success it is left untouched.
 */
typedef struct replylint_error {
    int status;        /**< a replylint_status */
    uint32_t line;     /**< 1-based line in `source`, 0 if not applicable */
    uint32_t column;   /**< 1-based column in code points, 0 if not applicable */
    size_t offset;     /**< byte offset into the rule source or the linted text */
    char source[256];  /**< rule file path, "<embedded>/...", or "<input>"; "" if none */
    char message[512]; /**< UTF-8, NUL-terminated, suitable for showing to a user */
    uint64_t reserved[4];
} replylint_error;

/* ---- Enumerations ------------------------------------------------------------------- */

typedef enum replylint_severity {
    REPLYLINT_SEV_SUGGESTION = 1,
    REPLYLINT_SEV_WARNING = 2,
    REPLYLINT_SEV_ERROR = 3
} replylint_severity;

/** "suggestion", "warning" or "error"; NULL for an unknown value.  Static. */
REPLYLINT_API const char *replylint_severity_name(replylint_severity sev);

typedef enum replylint_channel {
    REPLYLINT_CHANNEL_EMAIL = 0, /**< the default: longer replies are acceptable */
    REPLYLINT_CHANNEL_CHAT = 1
} replylint_channel;

typedef enum replylint_lang {
    REPLYLINT_LANG_AUTO = 0, /**< detect per reply (Cyrillic vs Latin letters) */
    REPLYLINT_LANG_RU = 1,
    REPLYLINT_LANG_EN = 2
} replylint_lang;

/** Units in which a diagnostic's offsets can be read. */
typedef enum replylint_unit {
    REPLYLINT_UNIT_BYTE = 0,      /**< UTF-8 bytes (C, Rust, Go) */
    REPLYLINT_UNIT_CODEPOINT = 1, /**< Unicode scalar values (Python str indices) */
    REPLYLINT_UNIT_UTF16 = 2      /**< UTF-16 code units (JavaScript, Java, LSP) */
} replylint_unit;

/* ---- Lint options ------------------------------------------------------------------- */

#define REPLYLINT_OPTIONS_VERSION 1

/**
 * Per-call context.  Initialise with REPLYLINT_OPTIONS_INIT or replylint_options_init()
 * (bindings cannot expand macros) and set what you know.  Passing NULL means defaults.
 */
typedef struct replylint_options {
    unsigned int version;            /**< REPLYLINT_OPTIONS_VERSION */
    const char *customer_name;       /**< UTF-8 or NULL: enables the `name` checks */
    const char *agent_name;          /**< UTF-8 or NULL: the signature should carry it */
    replylint_channel channel;       /**< thresholds of the `length` rules depend on it */
    replylint_lang lang;             /**< which language's rules run */
    replylint_severity min_severity; /**< drop findings below this; 0 = keep all */
    size_t max_bytes;                /**< refuse longer texts (REPLYLINT_ETOOBIG); 0 = 1 MiB */
    unsigned int flags;              /**< REPLYLINT_LINT_* bits */
    unsigned int reserved32;         /**< must be zero */
    uint64_t reserved[3];            /**< must be zero; room to grow without an ABI break */
} replylint_options;

/**
 * The reply continues a conversation (it is not the first reply in its thread): rules
 * written with `turn: first`, such as a missing greeting, do not run.
 */
#define REPLYLINT_LINT_FOLLOWUP 0x1u

/* clang-format off */
#define REPLYLINT_OPTIONS_INIT \
    { REPLYLINT_OPTIONS_VERSION, NULL, NULL, REPLYLINT_CHANNEL_EMAIL, REPLYLINT_LANG_AUTO, \
      (replylint_severity)0, 0, 0, 0, { 0, 0, 0 } }
/* clang-format on */

/** Default size limit of one reply, in bytes. */
#define REPLYLINT_DEFAULT_MAX_BYTES ((size_t)1 << 20)

/** Fill `opts` with defaults for `version`.  Returns REPLYLINT_EINVAL for an unknown one. */
REPLYLINT_API int replylint_options_init(replylint_options *opts, unsigned int version);

/* ---- Rule sets ---------------------------------------------------------------------- */

typedef struct replylint_ruleset replylint_ruleset; /* immutable; share across threads */
typedef struct replylint_builder replylint_builder; /* one thread at a time */
typedef struct replylint_rule replylint_rule;       /* borrowed from its rule set */

/** Builder flags. */
#define REPLYLINT_BUILD_NO_DEFAULTS 0x1u /**< start empty instead of from the embedded rules */
#define REPLYLINT_BUILD_NO_EXAMPLES 0x2u /**< skip checking each added rule's examples */
/**
 * Match regular expressions with PCRE2's interpreter, never its JIT: what happens anyway
 * where the JIT is unavailable (no JIT in PCRE2, W^X or SELinux forbidding executable
 * memory) or under valgrind.  Slower; the findings are the same unless a report is
 * incomplete (replylint_report_incomplete): the library bounds the interpreter's work per
 * call more tightly than the JIT's.  Meant for tests of that path.
 */
#define REPLYLINT_BUILD_NO_JIT 0x4u

/**
 * Start a rule set.  Unless REPLYLINT_BUILD_NO_DEFAULTS is given, it starts with the
 * default rules compiled into the library.  `dict_dir` names the folder with hunspell
 * dictionaries (ru_RU.aff/.dic, en_US.aff/.dic) used to inflect phrases of added rule
 * files whose forms are not already known; NULL means /usr/share/hunspell.
 * On failure *out is NULL.
 */
REPLYLINT_API int replylint_builder_new(replylint_builder **out, unsigned int flags,
                                        const char *dict_dir, replylint_error *err);

/**
 * Add a YAML rule file: new rules, and overrides of existing ones (disable a rule, change
 * its severity or a threshold).  On error the builder is unchanged and `err` names the
 * file, line and column.  Unless REPLYLINT_BUILD_NO_EXAMPLES was given, each new rule's
 * `bad` examples must be flagged by it and its `good` examples must not be.
 */
REPLYLINT_API int replylint_builder_add_file(replylint_builder *b, const char *path,
                                             replylint_error *err);

/** As replylint_builder_add_file(), from memory.  `source_name` is used in errors. */
REPLYLINT_API int replylint_builder_add_buffer(replylint_builder *b, const char *yaml, size_t len,
                                               const char *source_name, replylint_error *err);

/**
 * Compile what the builder holds into an immutable rule set.  The builder stays valid
 * (and may be freed at once); on failure *out is NULL.
 */
REPLYLINT_API int replylint_builder_compile(replylint_ruleset **out, replylint_builder *b,
                                            replylint_error *err);

/** Release a builder.  NULL is a no-op. */
REPLYLINT_API void replylint_builder_free(replylint_builder *b);

/** The embedded default rule set alone: the same as a builder with no files added. */
REPLYLINT_API int replylint_ruleset_default(replylint_ruleset **out, replylint_error *err);

/** Release a rule set.  NULL is a no-op.  Reports made with it stay valid. */
REPLYLINT_API void replylint_ruleset_free(replylint_ruleset *rs);

/** Number of enabled rules. */
REPLYLINT_API size_t replylint_ruleset_count(const replylint_ruleset *rs);
/** The i-th rule (sorted by id), or NULL if i is out of range.  Borrowed from `rs`. */
REPLYLINT_API const replylint_rule *replylint_ruleset_get(const replylint_ruleset *rs, size_t i);
/** The rule with this id, or NULL.  Borrowed from `rs`. */
REPLYLINT_API const replylint_rule *replylint_ruleset_find(const replylint_ruleset *rs,
                                                           const char *id);

/* Rule accessors: strings are borrowed from the rule set; never NULL unless stated. */
REPLYLINT_API const char *replylint_rule_id(const replylint_rule *r);
REPLYLINT_API const char *replylint_rule_category(const replylint_rule *r);
/** "ru", "en" or "any". */
REPLYLINT_API const char *replylint_rule_language(const replylint_rule *r);
/** "phrase", "regex", "require", "name", "signature", "length", "shouting", "conditional". */
REPLYLINT_API const char *replylint_rule_kind(const replylint_rule *r);
REPLYLINT_API replylint_severity replylint_rule_severity(const replylint_rule *r);
REPLYLINT_API const char *replylint_rule_message(const replylint_rule *r);
/** Why the rule exists; "" when the file gives none. */
REPLYLINT_API const char *replylint_rule_rationale(const replylint_rule *r);
/** Where the rule was defined: "<embedded>/ru/jargon.yaml" or a path.  Line is 1-based. */
REPLYLINT_API const char *replylint_rule_source(const replylint_rule *r, uint32_t *line);
/** Number of examples; `bad` nonzero selects the bad ones. */
REPLYLINT_API size_t replylint_rule_example_count(const replylint_rule *r, int bad);
/** The i-th example text, or NULL. */
REPLYLINT_API const char *replylint_rule_example(const replylint_rule *r, int bad, size_t i);

/* ---- Linting ------------------------------------------------------------------------ */

typedef struct replylint_report replylint_report; /* one per lint call */
typedef struct replylint_diag replylint_diag;     /* borrowed from its report */

/**
 * Lint one reply.  `text` is UTF-8 of `len` bytes (it need not be NUL-terminated and may
 * contain NUL bytes).  `opts` may be NULL.  Safe to call concurrently on one rule set.
 * Invalid UTF-8 fails with REPLYLINT_EUTF8 and err->offset at the first bad byte; a text
 * over opts->max_bytes fails with REPLYLINT_ETOOBIG.  On failure *out is NULL.
 */
REPLYLINT_API int replylint_lint(replylint_report **out, const replylint_ruleset *rs,
                                 const char *text, size_t len, const replylint_options *opts,
                                 replylint_error *err);

/**
 * Working memory for lint calls, kept from one call to the next.  replylint_lint() takes
 * fresh memory on every call and gives it back at the end, and for a long reply that
 * memory comes from the system (mmap) each time: the folded text, its offset map and the
 * word list of a 1 MB reply are about 10 MB of pages to fault in.  A program that lints
 * many replies (a batch audit, a service) gives each thread one scratch and calls
 * replylint_lint_with_scratch(); the findings are the same.  A scratch belongs to one
 * thread at a time and keeps the memory of its longest reply until it is freed.
 */
typedef struct replylint_scratch replylint_scratch;

/** A new, empty scratch.  Release it with replylint_scratch_free(). */
REPLYLINT_API int replylint_scratch_new(replylint_scratch **out, replylint_error *err);
/** Release a scratch and the memory it holds.  NULL is a no-op. */
REPLYLINT_API void replylint_scratch_free(replylint_scratch *scratch);
/** replylint_lint() with the working memory of `scratch` (NULL: as replylint_lint()). */
REPLYLINT_API int replylint_lint_with_scratch(replylint_report **out, const replylint_ruleset *rs,
                                              replylint_scratch *scratch, const char *text,
                                              size_t len, const replylint_options *opts,
                                              replylint_error *err);

/**
 * As replylint_lint_with_scratch(), but the report is the scratch's, the way a simdjson
 * parser owns the document it hands out: it stays valid until the next call with this
 * scratch (which replaces it, even when that call fails) or replylint_scratch_free(), and
 * is not to be freed (replylint_report_free() ignores it).  Its memory is kept with the
 * rest of the scratch, so a batch of replies takes no fresh memory from the system once
 * its longest reply has been seen: a 1 MB reply's report alone is about 5 MB (thousands of
 * findings, and the whole reply as the text of a length finding).  `scratch` may not be
 * NULL; the findings are the same as replylint_lint()'s.
 */
REPLYLINT_API int replylint_lint_into_scratch(const replylint_report **out,
                                              const replylint_ruleset *rs,
                                              replylint_scratch *scratch, const char *text,
                                              size_t len, const replylint_options *opts,
                                              replylint_error *err);

/** Release a report.  NULL, or a report that belongs to a scratch, is a no-op. */
REPLYLINT_API void replylint_report_free(replylint_report *r);
/** Number of diagnostics, sorted by position then rule id. */
REPLYLINT_API size_t replylint_report_count(const replylint_report *r);
/** The i-th diagnostic, or NULL if i >= count.  Borrowed from the report. */
REPLYLINT_API const replylint_diag *replylint_report_get(const replylint_report *r, size_t i);
/** "ru" or "en": the language whose rules ran. */
REPLYLINT_API const char *replylint_report_language(const replylint_report *r);
/**
 * The reply's score, 0.0 to 10.0 (10: nothing to fix), rounded to one decimal:
 *   P = 0.5 * suggestions + 1.5 * warnings + 4 * errors
 *   score = 10 * exp(-P / (6 * sqrt(max(1, words / 150))))
 * Every finding lowers it; a longer reply tolerates a little more (words counted as the
 * `length` rules count them).  Findings below opts->min_severity do not count.
 */
REPLYLINT_API double replylint_report_score(const replylint_report *r);
/** Number of words in the reply, as counted for the score and the `length` rules. */
REPLYLINT_API size_t replylint_report_words(const replylint_report *r);
/**
 * Nonzero if some search of this call stopped at a limit before it was done, so that
 * findings may be missing: a regex reached PCRE2's match, depth or heap limit or the work
 * budget of interpreted matching, or the phrase scan reached its budget for one word.
 * The findings the report holds are right either way.  Meant for callers that must not
 * take silence for a clean reply; the default rules on real replies never set it.
 * 0 for NULL.
 */
REPLYLINT_API int replylint_report_incomplete(const replylint_report *r);

/* Diagnostic accessors: strings are borrowed from the report, never NULL. */
REPLYLINT_API const char *replylint_diag_rule(const replylint_diag *d);
REPLYLINT_API const char *replylint_diag_category(const replylint_diag *d);
REPLYLINT_API replylint_severity replylint_diag_severity(const replylint_diag *d);
REPLYLINT_API const char *replylint_diag_message(const replylint_diag *d);
/** The flagged text: exactly the bytes of the reply in [byte start, byte end). */
REPLYLINT_API const char *replylint_diag_text(const replylint_diag *d);
/** Read the [start, end) offsets in `unit`.  Returns 0, or REPLYLINT_EINVAL. */
REPLYLINT_API int replylint_diag_offsets(const replylint_diag *d, replylint_unit unit,
                                         size_t *start, size_t *end);
/** 1-based line and column (in code points) of the start. */
REPLYLINT_API uint32_t replylint_diag_line(const replylint_diag *d);
REPLYLINT_API uint32_t replylint_diag_column(const replylint_diag *d);
/** Number of suggested replacements for the flagged text (may be 0). */
REPLYLINT_API size_t replylint_diag_suggestion_count(const replylint_diag *d);
/** The i-th suggested replacement, or NULL if i is out of range. */
REPLYLINT_API const char *replylint_diag_suggestion(const replylint_diag *d, size_t i);

/**
 * Nonzero if replylint_fix() would apply this diagnostic's suggestion: it comes from a
 * substitution (`swap`) with exactly one replacement.
 */
REPLYLINT_API int replylint_diag_fixable(const replylint_diag *d);

/* ---- Fixing ------------------------------------------------------------------------- */

/**
 * Lint `text` and return it with every safe suggestion applied (see
 * replylint_diag_fixable(); the replacement takes the case of the text it replaces:
 * «Денежные средства» -> «Деньги»).  Everything else is kept byte for byte.  On success
 * *out is a new NUL-terminated string of *out_len bytes (out_len may be NULL); release it
 * with replylint_free().  Errors as replylint_lint(); on failure *out is NULL.
 */
REPLYLINT_API int replylint_fix(char **out, size_t *out_len, const replylint_ruleset *rs,
                                const char *text, size_t len, const replylint_options *opts,
                                replylint_error *err);

/** Release a string the library returned through a `char **out`.  NULL is a no-op. */
REPLYLINT_API void replylint_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* REPLYLINT_H */
