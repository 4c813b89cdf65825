/*
 * internal.h: declarations shared by the library's modules.  Never installed.
 *
 * Non-static functions that are not API carry the replylint__ prefix (libgit2's "__"
 * convention); the shared library is built with -fvisibility=hidden and a version script,
 * so none of them is exported.
 */
#ifndef REPLYLINT_INTERNAL_H
#define REPLYLINT_INTERNAL_H

#include "replylint.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0 /* no valgrind headers: never under it, as far as we know */
#endif

/* ---- errors (error.c) ---------------------------------------------------------------- */

/* Fill err (if not NULL) and return status.  fmt is printf-style. */
int replylint__error(replylint_error *err, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* As replylint__error, with a source position (line/column 1-based, 0 = unknown). */
int replylint__error_at(replylint_error *err, int status, const char *source, uint32_t line,
                        uint32_t column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* ---- small containers (util.c) ------------------------------------------------------- */

/* Grow *p (an array of elem-sized items with capacity *cap) to hold at least n items. */
int replylint__grow(void **p, size_t *cap, size_t n, size_t elem);
#define RL_GROW(arr, cap, n) replylint__grow((void **)&(arr), &(cap), (n), sizeof(*(arr)))

/* The high bit of each of the eight bytes of v that equals b, and no other bit: exact per
 * byte (no borrow runs from one byte into the next). */
static inline uint64_t replylint__byte_eq(uint64_t v, unsigned char b)
{
    uint64_t t = v ^ (0x0101010101010101ULL * b);
    return ~(((t & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | t) & 0x8080808080808080ULL;
}

/* The index of the lowest set bit of x (x != 0). */
static inline unsigned replylint__lowest_bit(uint64_t x)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

char *replylint__strndup(const char *s, size_t n);
/* Sort like qsort (stable while it can), fast and allocation-free on nearly sorted input. */
void replylint__sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
char *replylint__strdup(const char *s);

/* A bump allocator for strings that live as long as their owner (a report).  A reset
 * keeps the chunks for the next round (a report kept in a scratch). */
typedef struct rl_arena_chunk rl_arena_chunk;
typedef struct rl_arena {
    rl_arena_chunk *head;      /* chunks in use, the newest first */
    rl_arena_chunk *spare;     /* emptied by a reset: standard-size chunks */
    rl_arena_chunk *spare_big; /* emptied by a reset: chunks made for one large string */
} rl_arena;
void *replylint__arena_alloc(rl_arena *a, size_t n);
char *replylint__arena_strndup(rl_arena *a, const char *s, size_t n);
void replylint__arena_reset(rl_arena *a);
void replylint__arena_free(rl_arena *a);

/* Open-addressing hash map from byte strings to uint32 values.  Keys are copied into one
 * pool: a rule set holds thousands of word forms, and a malloc per key cost a third of
 * building one (and a page fault per 4 KiB, at start-up, on a slow VM). */
typedef struct rl_strmap_slot {
    uint32_t key; /* 1 + the key's offset in pool; 0 marks an empty slot */
    uint32_t len;
    uint32_t val;
} rl_strmap_slot;
typedef struct rl_strmap {
    rl_strmap_slot *slots;
    char *pool; /* every key, NUL-terminated, in the order they were first put */
    size_t pool_len, pool_cap;
    size_t cap, count;
} rl_strmap;
/* Are a[0, len) and b[0, len) the same bytes?  (memcmp without a call, for short keys.) */
bool replylint__same_bytes(const char *a, const char *b, size_t len);
int replylint__strmap_put(rl_strmap *m, const char *key, size_t len, uint32_t val);
/* Returns true and stores the value in *val if the key is present. */
bool replylint__strmap_get(const rl_strmap *m, const char *key, size_t len, uint32_t *val);
/* The same, given the key's replylint__hash_bytes (a caller that filters on it first). */
bool replylint__strmap_get_hashed(const rl_strmap *m, const char *key, size_t len, uint64_t h,
                                  uint32_t *val);
void replylint__strmap_free(rl_strmap *m);
/* Free the map but keep its pool of keys, which the caller now owns (NULL if none). */
char *replylint__strmap_take_pool(rl_strmap *m);

/* Open-addressing hash map from uint64 keys to uint32 values (the phrase trie's edges). */
typedef struct rl_u64map {
    uint64_t *keys; /* key + 1, so that 0 marks an empty slot */
    uint32_t *vals;
    size_t cap, count;
} rl_u64map;
int replylint__u64map_put(rl_u64map *m, uint64_t key, uint32_t val);
bool replylint__u64map_get(const rl_u64map *m, uint64_t key, uint32_t *val);
void replylint__u64map_free(rl_u64map *m);

/* The low n bytes of a 64-bit word (n <= 8): a word's bytes read eight at a time are
 * masked to its length, so that a shorter word reads as its bytes and zeros. */
static inline uint64_t replylint__low_bytes(size_t n)
{
    return n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (n * 8)) - 1;
}

/* A word's first eight bytes as one number, zero-padded past its end: together with its
 * length the number tells every word apart.  The phrase scan keeps it to compare words
 * without their key's bytes. */
static inline uint64_t replylint__word_head(const char *w, size_t len)
{
    uint64_t v = 0;
    memcpy(&v, w, len < 8 ? len : 8);
    return v;
}

/* The same for a word that is followed by at least eight readable bytes (a word of a
 * folded text, which ends in RL_FOLDED_PAD of them): one load and a mask, no branch on the
 * length, whose value the phrase scan cannot predict. */
static inline uint64_t replylint__word_head_padded(const char *w, size_t len)
{
    uint64_t v;
    memcpy(&v, w, 8);
    return v & replylint__low_bytes(len);
}

/* Keys are words (a handful of bytes), hashed once per word of every reply: read them
 * eight bytes at a time and mix, rather than byte by byte; the last, partial eight are
 * zero-padded.  No seed is needed: only the rule set's own words are inserted; a reply's
 * words are only looked up.  The values are part of the build-time phrase index
 * (tools/phrasegen.c): changing them changes it, and replylint__hash_padded must give the
 * same. */
#define RL_HASH_START(len) (0x9E3779B97F4A7C15ULL ^ ((uint64_t)(len)*0xff51afd7ed558ccdULL))
static inline uint64_t replylint__hash_step(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ h >> 29;
}
static inline uint64_t replylint__hash_last(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0xff51afd7ed558ccdULL;
    return h ^ h >> 32;
}

static inline uint64_t replylint__hash_bytes(const char *s, size_t len)
{
    uint64_t h = RL_HASH_START(len), v;
    size_t off = 0;
    for (; len - off > 8; off += 8) {
        memcpy(&v, s + off, 8);
        h = replylint__hash_step(h, v);
    }
    return replylint__hash_last(h, replylint__word_head(s + off, len - off));
}

/* replylint__hash_bytes of a word followed by at least sixteen readable bytes (see
 * replylint__word_head_padded).  Words of up to sixteen bytes, nearly all of them, take no
 * branch: both ways are worked out and one is kept. */
static inline uint64_t replylint__hash_padded(const char *s, size_t len)
{
    uint64_t h = RL_HASH_START(len), v0, v1;
    if (len > 16)
        return replylint__hash_bytes(s, len);
    memcpy(&v0, s, 8);
    memcpy(&v1, s + 8, 8);
    uint64_t one = replylint__hash_last(h, v0 & replylint__low_bytes(len));
    uint64_t two =
        replylint__hash_last(replylint__hash_step(h, v0), v1 & replylint__low_bytes(len - 8));
    return len <= 8 ? one : two;
}

/* A rule's id, category and message one after another in one block, each NUL-terminated:
 * what every finding of the rule shares, so that a report copies it once per call, in one
 * piece (see replylint__report_add). */
typedef struct rl_rule_text {
    char *block;                /* the id at 0 */
    uint32_t size;              /* bytes, with the three NULs */
    uint32_t category, message; /* their offsets in block */
} rl_rule_text;

/* ---- tokens (tokens.c) ---------------------------------------------------------------- */

/* A word of the folded text: letters, digits and marks, with inner ' or - joining parts. */
typedef struct rl_token {
    uint32_t start, end; /* byte range in the folded text */
    uint8_t script;      /* RL_SCRIPT_* bits of its letters */
    uint8_t has_digit;
    uint8_t joined; /* holds an apostrophe, a hyphen ("e-mail", «2-3»), a combining mark or
                       a letter past Latin and Cyrillic: PCRE2 may see more \b inside */
} rl_token;
#define RL_SCRIPT_LATIN    1
#define RL_SCRIPT_CYRILLIC 2
#define RL_SCRIPT_OTHER    4

/* Tokenize folded text; *out is malloc'ed (free it).  Returns 0 or -1 (out of memory). */
int replylint__tokenize(const char *s, size_t len, rl_token **out, size_t *n);
/* The same into *out, an array of *cap tokens from an earlier call (or NULL and 0), reused
 * when large enough; on failure *out is freed and left NULL. */
int replylint__tokenize_reuse(const char *s, size_t len, rl_token **out, size_t *cap, size_t *n);
/* The same; with blocks false, always a byte at a time, never sixteen bytes at once (for
 * the tests, which check that both ways agree). */
int replylint__tokenize_with(const char *s, size_t len, rl_token **out, size_t *cap, size_t *n,
                             bool blocks);
/* Does text[0, len) hold `min` bytes in a row that may lie inside a word in capitals (an
 * ASCII capital, ' or -, or any byte past ASCII)?  A word with `min` capitals and no
 * lower-case letter spans such a run, so without one the shouting rules have nothing to
 * find. */
bool replylint__caps_run(const char *text, size_t len, size_t min);
/* The same, with blocks false a byte at a time (for the tests, which compare both). */
bool replylint__caps_run_with(const char *text, size_t len, size_t min, bool blocks);
/* True if code point cp is part of a word (letter, digit, combining mark). */
bool replylint__is_word_cp(uint32_t cp);
/* True if cp is a combining mark (a word character above that PCRE2's \w leaves out). */
bool replylint__is_mark_cp(uint32_t cp);
/* True if cp lies past the Latin and Cyrillic blocks, where combining marks and letters
 * newer than PCRE2's Unicode tables live: a word holding one may give PCRE2 a \b inside
 * (tokens.c sets rl_token.joined, lint.c's is_break looks closer). */
static inline bool replylint__past_latin_cyrillic(uint32_t cp)
{
    return cp >= 0x250 && (cp < 0x400 || cp > 0x52F);
}

#endif /* REPLYLINT_INTERNAL_H */
