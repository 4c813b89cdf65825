/*
 * lint.c: one lint call.  The reply is validated, folded and tokenized once; all phrase
 * rules are answered by one scan of the phrase trie; then each rule of the reply's
 * language turns the occurrences (or their absence) into findings.
 */
#include "fold.h"
#include "report.h"
#include "rules.h"
#include "segment.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <utf8proc.h>

/* An occurrence of a matcher, in bytes of the original text. */
typedef struct occ {
    size_t start, end;
    const rl_phrase_src *src; /* NULL for a regex match */
    uint32_t pid;             /* the phrase, for suggestion agreement */
    uint32_t tok, n_tok;      /* a phrase's words (rl_hit) */
} occ;

/* A word start and the anchored patterns (bits of rs->at_mask1/2) that may match there. */
typedef struct at_start {
    uint64_t mask;
    uint32_t pos;
} at_start;

typedef struct lint_ctx {
    const replylint_ruleset *rs;
    const replylint_options *opts;
    const char *text;
    size_t len;
    rl_folded folded;
    rl_token *toks;
    size_t n_toks, cap_toks;
    uint32_t *slots; /* the phrase scan's working memory */
    size_t cap_slots;
    int lang;
    rl_hit *hits; /* sorted by matcher, then start */
    size_t n_hits, cap_hits;
    rl_hit *hits2; /* where bucket_hits sorts them into */
    size_t cap_hits2;
    size_t *hit_first; /* per matcher: first hit index; hit_count: how many */
    size_t *hit_count;
    size_t cap_hit_index; /* entries in hit_first and in hit_count */
    rl_segments seg;      /* its arrays are reused from call to call */
    bool have_seg;        /* seg describes this reply */
    uint32_t *words;      /* need_segments: where each word starts in the reply */
    size_t cap_words;
    pcre2_match_data *md;
    pcre2_match_context *imctx; /* interpreted patterns: the rule set's limits, lowered */
    pcre2_match_context *pmctx; /* probes (no_match_anywhere): a match limit of one step */
    replylint_report *report;
    occ *occ; /* scratch for one matcher */
    size_t n_occ, cap_occ;
    /* The word starts each anchored pattern may match at (see word_starts).  With
     * at_lists, those of the pattern with at_bit b are at_pos[at_first[b], at_end[b]),
     * ascending; without, the pattern picks its own from at_all by their masks. */
    uint32_t *at_pos;
    size_t cap_at_pos;
    at_start *at_all; /* the starts some pattern may match at (all: rs->at_overflow) */
    size_t n_at_all, cap_at_all;
    uint64_t at_used; /* the patterns with any: at_first and at_end hold for these only */
    bool have_at;
    bool at_lists;
    uint64_t asked[4], seen[4]; /* byte values asked about, and those the folded text holds */
    /* Not zeroed by each call (see CTX_ZEROED): read only for the bits of at_used. */
    size_t at_first[RL_AT_MAX], at_end[RL_AT_MAX];
} lint_ctx;

/* What a call zeroes of its context: all but the per-pattern arrays at the end, a
 * kilobyte that most calls never touch. */
#define CTX_ZEROED offsetof(lint_ctx, at_first)

static bool is_space_byte(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

static size_t orig_of(const lint_ctx *c, uint32_t folded_off)
{
    return c->folded.map[folded_off];
}

/* ---- language ------------------------------------------------------------------------- */

static int detect_language(const lint_ctx *c)
{
    size_t cyr = 0, lat = 0;
    for (size_t i = 0; i < c->n_toks; i++) {
        if (c->toks[i].script & RL_SCRIPT_CYRILLIC)
            cyr++;
        else if (c->toks[i].script & RL_SCRIPT_LATIN)
            lat++;
    }
    /* Russian replies carry Latin product names and links; English ones rarely carry
     * Cyrillic.  So Cyrillic wins unless Latin words outnumber it two to one. */
    return (cyr > 0 && cyr * 2 >= lat) ? REPLYLINT_LANG_RU : REPLYLINT_LANG_EN;
}

/* ---- occurrences ---------------------------------------------------------------------- */

static int cmp_hit(const void *a, const void *b)
{
    const rl_hit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end; /* longer first */
}

/* Up to this many hits (nearly every reply: 1.6 on average on the corpus) are sorted where
 * they are; the counting sort's passes over every matcher of the rule set cost more. */
#define FEW_HITS 16

/* Order hits[0, n) by matcher, then as cmp_hit does; stable, as the counting sort is. */
static void sort_few_hits(const lint_ctx *c, rl_hit *hits, size_t n)
{
    const rl_phrase_info *info = c->rs->phrases.phrases;
    for (size_t i = 1; i < n; i++) {
        rl_hit h = hits[i];
        uint32_t m = info[h.phrase].matcher;
        size_t j = i;
        for (; j > 0; j--) {
            uint32_t mj = info[hits[j - 1].phrase].matcher;
            if (mj < m || (mj == m && cmp_hit(&hits[j - 1], &h) <= 0))
                break;
            hits[j] = hits[j - 1];
        }
        hits[j] = h;
    }
}

/* Bucket the phrase hits by matcher (a counting sort) so each rule finds its own. */
static int bucket_hits(lint_ctx *c)
{
    size_t nm = c->rs->n_matchers;
    if (c->cap_hit_index < nm + 1) {
        free(c->hit_first);
        free(c->hit_count);
        c->cap_hit_index = 0;
        c->hit_first = malloc((nm + 1) * sizeof(size_t));
        c->hit_count = malloc((nm + 1) * sizeof(size_t));
        if (!c->hit_first || !c->hit_count)
            return -1;
        c->cap_hit_index = nm + 1;
    }
    /* hit_first is read only where hit_count is not 0. */
    memset(c->hit_count, 0, (nm + 1) * sizeof(size_t));
    if (c->n_hits == 0)
        return 0;
    if (c->n_hits <= FEW_HITS) {
        sort_few_hits(c, c->hits, c->n_hits);
        for (size_t i = 0; i < c->n_hits; i++) {
            uint32_t m = c->rs->phrases.phrases[c->hits[i].phrase].matcher;
            if (c->hit_count[m]++ == 0)
                c->hit_first[m] = i;
        }
        return 0;
    }
    if (c->cap_hits2 < c->n_hits) {
        free(c->hits2);
        c->cap_hits2 = 0;
        if (!(c->hits2 = malloc(c->n_hits * sizeof(rl_hit))))
            return -1;
        c->cap_hits2 = c->n_hits;
    }
    rl_hit *sorted = c->hits2;
    for (size_t i = 0; i < c->n_hits; i++)
        c->hit_count[c->rs->phrases.phrases[c->hits[i].phrase].matcher]++;
    size_t at = 0;
    for (size_t m = 0; m < nm; m++) {
        c->hit_first[m] = at;
        at += c->hit_count[m];
    }
    /* hit_first serves as each bucket's cursor, then is set back. */
    for (size_t i = 0; i < c->n_hits; i++) {
        uint32_t m = c->rs->phrases.phrases[c->hits[i].phrase].matcher;
        sorted[c->hit_first[m]++] = c->hits[i];
    }
    for (size_t m = 0; m < nm; m++)
        c->hit_first[m] -= c->hit_count[m];
    c->hits2 = c->hits; /* swap: both buffers stay for the next call with a scratch */
    c->hits = sorted;
    size_t cap = c->cap_hits;
    c->cap_hits = c->cap_hits2;
    c->cap_hits2 = cap;
    for (size_t m = 0; m < nm; m++)
        if (c->hit_count[m] > 1)
            replylint__sort(c->hits + c->hit_first[m], c->hit_count[m], sizeof(rl_hit), cmp_hit);
    return 0;
}

/* Add an occurrence: a regex match (h NULL), or phrase hit h. */
static int add_occ(lint_ctx *c, size_t start, size_t end, const rl_hit *h)
{
    if (RL_GROW(c->occ, c->cap_occ, c->n_occ + 1) != 0)
        return -1;
    c->occ[c->n_occ++] =
        h ? (occ){start, end, c->rs->phrases.phrases[h->phrase].src, h->phrase, h->tok, h->n_tok}
          : (occ){start, end, NULL, UINT32_MAX, 0, 0};
    return 0;
}

static int cmp_occ(const void *a, const void *b)
{
    const occ *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

/*
 * A pattern the JIT did not compile (ruleset.c, jit_compile) runs in PCRE2's interpreter,
 * whose own limits do not bound a call: the match limit counts steps per start position,
 * and a scan such as \w* is one step however far it reads, so one unanchored search can
 * cost (reply length)^2 (64 KiB of "!?" took 55 s with the old punctuation rule).  Here
 * work is bounded per search of one pattern:
 *   - an attempt reads at most INTERP_WINDOW bytes from where it starts: the subject is cut
 *     there and PCRE2_PARTIAL_HARD makes an attempt that reaches the cut report a partial
 *     match (where \b, $, lookaheads and longer matches would need what follows) instead of
 *     a result, so every result is that of the whole subject;
 *   - such an attempt is retried alone (anchored) in twice the window, up to the whole
 *     subject; those bytes come out of a budget of INTERP_RETRY_PER_BYTE per subject byte;
 *   - the match limit per start position is lowered so that all positions together stay
 *     near INTERP_STEPS steps.
 * When a bound stops a search, its findings from there on are lost and the report says so
 * (replylint_report_incomplete).  Replies shorter than the window are matched as with JIT.
 *
 * A team's pattern needs the windows with the JIT too, on long replies: the JIT's match
 * limit also counts a scan as one step, so «\bsorry\b[^.]*\binconvenience\b» on 256 KiB of
 * "sorry sorry …" read to the end from every word (47 s).  Such patterns are JIT-compiled
 * for partial matching as well (rl_matcher.windowed), and a reply longer than one window is
 * searched window by window; only the retries of an unanchored pattern (PCRE2_ANCHORED at
 * match time) fall back to the interpreter.  The defaults' own patterns are linear and
 * tested so (tests/limits); they skip the windows and their start-up cost.
 */
#define INTERP_WINDOW         1024u
#define INTERP_RETRY_PER_BYTE 16u
#define INTERP_RETRY_MIN      (256u << 10)
#define INTERP_STEPS          50000000u
#define INTERP_MIN_STEPS      1000u

typedef struct interp {
    size_t budget;   /* bytes left for retries */
    bool spent;      /* the budget ran out */
    bool none;       /* PCRE2 proved there is no match at all */
    uint32_t minlen; /* no match is shorter (in characters, so in bytes too) */
} interp;

/* Can PCRE2 tell at once that `re` (unanchored) matches nowhere in subj: a character every
 * match needs is missing, or the subject is shorter than any match?  Its interpreter checks
 * that before its first step, so a match limit of one step makes this cheap.  False when
 * unsure (or out of memory). */
static bool no_match_anywhere(lint_ctx *c, const pcre2_code *re, const char *subj, size_t slen)
{
    if (!c->pmctx) {
        if (!(c->pmctx = pcre2_match_context_copy(c->rs->mctx)))
            return false;
        pcre2_set_match_limit(c->pmctx, 1);
    }
    return pcre2_match(re, (PCRE2_SPTR)subj, slen, 0, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, c->md,
                       c->pmctx) == PCRE2_ERROR_NOMATCH;
}

/* A limit stopped a search of m: findings may be lost, unless there were none to find. */
static void limit_hit(lint_ctx *c, const rl_matcher *m, const char *subj, size_t slen, int *none)
{
    if (*none < 0)
        *none = no_match_anywhere(c, m->re, subj, slen);
    if (!*none)
        c->report->incomplete = 1;
}

/* Set up the bounds for a search of `re` (unanchored) in subj.  Partial matching turns off
 * two of PCRE2's shortcuts, a character every match needs and the least length of a match,
 * which make many a hopeless search end at once: ask them first. */
static int interp_begin(lint_ctx *c, interp *in, const pcre2_code *re, const char *subj,
                        size_t slen)
{
    if (!c->imctx && !(c->imctx = pcre2_match_context_copy(c->rs->mctx)))
        return -1;
    in->none = no_match_anywhere(c, re, subj, slen);
    if (pcre2_pattern_info(re, PCRE2_INFO_MINLENGTH, &in->minlen) != 0)
        in->minlen = 0;
    uint64_t steps = INTERP_STEPS / ((uint64_t)slen + 1);
    steps = steps < INTERP_MIN_STEPS ? INTERP_MIN_STEPS : steps;
    pcre2_set_match_limit(c->imctx, steps < RL_MATCH_LIMIT ? (uint32_t)steps : RL_MATCH_LIMIT);
    in->budget = slen * INTERP_RETRY_PER_BYTE + INTERP_RETRY_MIN;
    in->spent = false;
    return 0;
}

/* pcre2_match() of re from pos (anchored: re is compiled anchored; only at pos) in bounded
 * work, window by window: the same result, or PCRE2_ERROR_MATCHLIMIT when the budget ran
 * out.  For an interpreted pattern, and for a team's JIT-compiled one on a long reply.  The
 * lowered match limit (interp_begin) serves the JIT as well: a window bounds how far one
 * attempt reads, not how often it backtracks ((a|aa)+c on runs of a's took 17 s on 1 MiB). */
static int match_interp(lint_ctx *c, interp *in, const pcre2_code *re, const char *subj,
                        size_t slen, size_t pos, bool anchored)
{
    pcre2_match_context *mctx = c->imctx;
    size_t at = pos, win = INTERP_WINDOW;
    bool retry = false; /* an anchored retry of `at` in a larger window */
    if (in->none)
        return PCRE2_ERROR_NOMATCH;
    for (;;) {
        if (slen - at < in->minlen)
            return PCRE2_ERROR_NOMATCH;
        size_t end = slen - at > win ? at + win : slen;
        while (end < slen && ((unsigned char)subj[end] & 0xC0) == 0x80)
            end++; /* never cut a character */
        /* An anchored pattern (re_at) is compiled so: saying it again here would keep the
         * JIT out. */
        uint32_t opts = PCRE2_NO_UTF_CHECK | (retry && !anchored ? PCRE2_ANCHORED : 0) |
                        (end < slen ? PCRE2_PARTIAL_HARD : 0);
        int r = pcre2_match(re, (PCRE2_SPTR)subj, end, at, opts, c->md, mctx);
        if (r == PCRE2_ERROR_PARTIAL) {
            if (!retry) {
                /* ovector[0]: where the attempt that needs more started (or earlier, what
                 * a lookbehind read; positions before `at` are done). */
                size_t p = pcre2_get_ovector_pointer(c->md)[0];
                at = p > at ? p : at;
                retry = true;
                win = INTERP_WINDOW;
            }
            win *= 2;
            size_t cost = slen - at > win ? win : slen - at;
            if (cost > in->budget) {
                in->spent = true;
                return PCRE2_ERROR_MATCHLIMIT;
            }
            in->budget -= cost;
            continue;
        }
        if (r != PCRE2_ERROR_NOMATCH || anchored)
            return r; /* a match (the one the whole subject gives), a limit, or no match */
        if (retry) {
            /* The attempt that needed more fails: go on after it. */
            if (at >= slen)
                return r;
            at++;
            while (at < slen && ((unsigned char)subj[at] & 0xC0) == 0x80)
                at++;
            retry = false;
            win = INTERP_WINDOW;
        } else if (end < slen) {
            at = end; /* no match starts before the cut; one may start at it */
        } else {
            return r;
        }
    }
}

/* The folded offset of original offset `orig`: the first folded byte produced at or after
 * it (the map ascends). */
static size_t folded_of(const lint_ctx *c, size_t orig)
{
    size_t lo = 0, hi = c->folded.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->folded.map[mid] < orig)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* How far before a region an unanchored pattern with \K starts looking: a match reported
 * inside the region may begin earlier, with what it matched before the \K («[.!?]\s+\K…»).
 * Any other pattern starts at the region: lookbehinds and \b see the text before it
 * anyway, and a match that starts earlier is not the region's (nor can it hide one that
 * starts inside, as it could when the search began before). */
#define REGION_LOOKBACK 256

/* Does the text hold byte b?  The folded text's answers are remembered for the call
 * (bit b of asked: asked already; of seen: held); the original text (raw) is asked each
 * time.
 * Each answer is one memchr: since most patterns are gated by their phrases, a call asks
 * about a few bytes, and marking every byte the reply holds in one pass cost more. */
static bool holds(lint_ctx *c, bool raw, int b)
{
    if (raw)
        return memchr(c->text, b, c->len) != NULL;
    uint64_t bit = (uint64_t)1 << (b & 63);
    if (!(c->asked[b >> 6] & bit)) {
        c->asked[b >> 6] |= bit;
        if (memchr(c->folded.s, b, c->folded.len))
            c->seen[b >> 6] |= bit;
    }
    return (c->seen[b >> 6] & bit) != 0;
}

/* Does the text hold byte b, or b in the other case when b is an ASCII letter? */
static bool holds_either_case(lint_ctx *c, bool raw, int b)
{
    int other = (b | 0x20) >= 'a' && (b | 0x20) <= 'z' ? b ^ 0x20 : b;
    return holds(c, raw, b) || (other != b && holds(c, raw, other));
}

/* Can m's pattern match at all?  Not if the text it runs over lacks the bytes every match
 * holds (rl_matcher.required, .starts), in either case: PCRE2 does not say whether a byte
 * is wanted caselessly, and a raw pattern may turn (?i) on.  What the folded text holds is
 * remembered for the call. */
static bool may_match(lint_ctx *c, const rl_matcher *m)
{
    if (m->required >= 0 && !holds_either_case(c, m->raw, m->required))
        return false;
    for (unsigned i = 0; i < m->n_starts; i++)
        if (holds_either_case(c, m->raw, m->starts[i]))
            return true;
    return m->n_starts == 0;
}

/* Does the text m's pattern runs over hold one of its needs_text (or has it none)?  A
 * handful of short strings, searched once per call by the few rules that have them. */
static bool holds_a_text(const lint_ctx *c, const rl_matcher *m)
{
    const char *subj = m->raw ? c->text : c->folded.s;
    size_t slen = m->raw ? c->len : c->folded.len;
    for (size_t i = 0; i < m->n_texts; i++) {
        const char *t = m->texts[i];
        size_t tl = strlen(t);
        for (const char *p = subj, *end = subj + slen; (size_t)(end - p) >= tl; p++) {
            if (!(p = memchr(p, t[0], (size_t)(end - p) - tl + 1)))
                break;
            if (memcmp(p + 1, t + 1, tl - 1) == 0)
                return true;
        }
    }
    return m->n_texts == 0;
}

/* Is cp, a word character to tokens.c, one that PCRE2's \w may leave out?  A combining
 * mark (PCRE2 10.42 counts letters and digits only), or a letter of a Unicode version
 * newer than PCRE2's tables (ICU 72 knows Unicode 15, PCRE2 10.42 stops at 14). */
static bool pcre2_may_not_know(const lint_ctx *c, uint32_t cp)
{
    if (!replylint__past_latin_cyrillic(cp))
        return false;
    if (replylint__is_mark_cp(cp))
        return true;
    UVersionInfo age;
    u_charAge((UChar32)cp, age);
    return memcmp(age, c->rs->pcre2_unicode, sizeof(c->rs->pcre2_unicode)) > 0;
}

/* Can a match of m's anchored pattern start at word (avail bytes)?  Only if the word
 * begins with one of the literal starts of its alternatives, or with a digit of another
 * script when the pattern may start with \d. */
static bool may_start(const rl_matcher *m, const char *word, size_t avail)
{
    if (!m->n_first)
        return true;
    for (uint32_t k = 0; k < m->n_first; k++)
        if (m->first[k].len <= avail && m->first[k].s[0] == word[0] &&
            memcmp(m->first[k].s, word, m->first[k].len) == 0)
            return true;
    size_t w;
    uint32_t cp = replylint__utf8_decode(word, avail, 0, &w);
    return m->first_digits && cp >= 0x80 &&
           utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_ND;
}

/* Can PCRE2 see a \b after the character at folded offset i, inside a word?  After an
 * apostrophe or a hyphen ("2-3 hours" matches \b\d+\s*hours at "3", «из-за» holds «за»),
 * and after a character its \w leaves out (pcre2_may_not_know).  *w: its length. */
static bool is_break(const lint_ctx *c, size_t i, size_t end, size_t *w)
{
    unsigned char b = (unsigned char)c->folded.s[i];
    if (b < 0x80) {
        *w = 1;
        return b == '-' || b == '\'';
    }
    if (b == 0xD0 || b == 0xD1) { /* Cyrillic letters */
        *w = 2;
        return false;
    }
    uint32_t cp = replylint__utf8_decode(c->folded.s, end, i, w);
    return pcre2_may_not_know(c, cp);
}

/* The patterns that may match at the word start at folded offset at, of those in lang:
 * the literal starts of their alternatives (rs->at_mask1/2), or a digit of another script. */
static inline uint64_t start_mask(const lint_ctx *c, size_t at, uint64_t lang)
{
    const replylint_ruleset *rs = c->rs;
    const unsigned char *w = (const unsigned char *)c->folded.s + at;
    size_t avail = c->folded.len - at;
    uint64_t mask = rs->at_mask1[w[0]];
    if (avail > 1)
        mask |= rs->at_mask2[RL_FIRST_HASH(w[0], w[1])];
    /* Past ASCII, the first decimal digits are U+0660 (lead byte 0xD9). */
    if (rs->at_digits && w[0] >= 0xD9) {
        size_t len;
        uint32_t cp = replylint__utf8_decode((const char *)w, avail, 0, &len);
        if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_ND)
            mask |= rs->at_digits;
    }
    return mask & lang;
}

/* A reply with at most this many kept word starts has no lists per pattern: each pattern
 * passes over all of them (a bit test each), which costs less than sorting them into
 * lists.  A long reply's patterns would each pass over thousands. */
#define AT_LISTS_FROM 32

/*
 * The word starts of the reply where anchored patterns may match: one pass over the words
 * for all the patterns, and each pattern visits only the words it may match at.  A start
 * is a word's first character and, inside a joined word, each character after a break
 * (is_break) that is none itself.  Each is filed under the anchored patterns of the
 * reply's language whose first bytes fit it (start_mask).  at_all keeps the starts some
 * pattern may match at, or all of them when a pattern past RL_AT_MAX (which has no bit)
 * wants them; past AT_LISTS_FROM starts, each pattern also gets its own list in at_pos.
 */
static int word_starts(lint_ctx *c)
{
    uint64_t lang = c->rs->at_lang[RL_LANG_ANY] | c->rs->at_lang[c->lang];
    bool every = c->rs->at_overflow;
    /* A start is written without a branch, and kept by advancing n: few are kept, and a
     * branch on it would be guessed wrong.  So there is always room for one more. */
    if (RL_GROW(c->at_all, c->cap_at_all, 16) != 0)
        return -1;
    at_start *all = c->at_all;
    size_t n = 0;
    uint64_t used = 0;
#define KEEP_START(at)                                                                             \
    do {                                                                                           \
        uint64_t mask = start_mask(c, (at), lang);                                                 \
        all[n] = (at_start){mask, (uint32_t)(at)};                                                 \
        n += mask != 0 || every;                                                                   \
        used |= mask;                                                                              \
        if (n == c->cap_at_all) {                                                                  \
            if (RL_GROW(c->at_all, c->cap_at_all, n + 1) != 0)                                     \
                return -1;                                                                         \
            all = c->at_all;                                                                       \
        }                                                                                          \
    } while (0)
    for (size_t t = 0; t < c->n_toks; t++) {
        const rl_token *k = &c->toks[t];
        KEEP_START(k->start);
        if (!k->joined)
            continue;
        size_t w;
        bool after_break = is_break(c, k->start, k->end, &w);
        for (size_t i = k->start + w; i < k->end; i += w) {
            bool brk = is_break(c, i, k->end, &w);
            if (after_break && !brk)
                KEEP_START(i);
            after_break = brk;
        }
    }
#undef KEEP_START
    c->n_at_all = n;
    c->at_used = used;
    c->at_lists = false;
    c->have_at = true;
    if (c->n_at_all <= AT_LISTS_FROM)
        return 0;
    /* Each pattern's starts in at_pos[at_first[b], at_end[b]), in bit order. */
    size_t count[RL_AT_MAX] = {0}, total = 0;
    for (size_t i = 0; i < c->n_at_all; i++)
        for (uint64_t b = c->at_all[i].mask; b; b &= b - 1) {
            count[replylint__lowest_bit(b)]++;
            total++;
        }
    if (RL_GROW(c->at_pos, c->cap_at_pos, total ? total : 1) != 0)
        return -1;
    size_t fill[RL_AT_MAX], next = 0;
    for (uint64_t b = c->at_used; b; b &= b - 1) {
        unsigned k = replylint__lowest_bit(b);
        fill[k] = c->at_first[k] = next;
        next += count[k];
        c->at_end[k] = next;
    }
    for (size_t i = 0; i < c->n_at_all; i++)
        for (uint64_t b = c->at_all[i].mask; b; b &= b - 1)
            c->at_pos[fill[replylint__lowest_bit(b)]++] = c->at_all[i].pos;
    c->at_lists = true;
    return 0;
}

/*
 * Every occurrence of matcher m that starts within [from, to), overlaps resolved
 * longest-first.  A pattern only looks at the region (and REGION_LOOKBACK bytes before
 * it), so a rule about the end of a reply costs the same on a one-line and a 1 MB reply.
 * With `first_only`, the search may stop at the first occurrence it finds (a rule that
 * only asks whether there is one).
 */
static int occurrences(lint_ctx *c, const rl_matcher *m, size_t from, size_t to, bool first_only)
{
    c->n_occ = 0;
    if (!m->re && !m->re_at && !(m->n_phrases && c->hit_count[m->matcher]))
        return 0; /* phrases only, and none occurs: most rules on most replies */
    if (m->n_phrases && c->hit_count[m->matcher]) {
        const rl_hit *h = c->hits + c->hit_first[m->matcher]; /* hits is NULL without any */
        for (size_t i = 0; i < c->hit_count[m->matcher]; i++) {
            size_t s = orig_of(c, h[i].start), e = orig_of(c, h[i].end);
            if (s >= from && s < to && add_occ(c, s, e, &h[i]) != 0)
                return -1;
        }
    }
    interp in = {0};
    int none = -1; /* no_match_anywhere, asked after a limit */
    if ((m->re_at || m->re) && (!may_match(c, m) || !holds_a_text(c, m))) {
        /* No match is possible: only the phrase hits above count. */
    } else {
        size_t from_f = 0, to_f = c->folded.len + 1;
        if ((m->re_at || (m->re && !m->raw)) && !(first_only && c->n_occ)) {
            from_f = from ? folded_of(c, from) : 0;
            to_f = to < c->len ? folded_of(c, to) : to_f;
        }
        if (m->re_at && !(first_only && c->n_occ)) {
            /* Anchored at each word start (see compile_regex): same matches, far fewer tries. */
            bool windows = !m->jit_at || (m->windowed && c->folded.len > INTERP_WINDOW);
            if (windows && interp_begin(c, &in, m->re, c->folded.s, c->folded.len) != 0)
                return -1;
            if (!c->have_at && word_starts(c) != 0)
                return -1;
            /* A pattern past RL_AT_MAX is tried at every word start. */
            bool listed = m->at_bit >= 0;
            bool any = listed ? (c->at_used >> m->at_bit & 1) != 0 : c->n_at_all > 0;
            const uint32_t *cand = listed && c->at_lists ? c->at_pos : NULL;
            uint64_t bit = listed && !cand ? (uint64_t)1 << m->at_bit : 0;
            size_t pos = 0, k = any && cand ? c->at_first[m->at_bit] : 0;
            size_t end = !any ? 0 : cand ? c->at_end[m->at_bit] : c->n_at_all;
            for (size_t hi = end; k < hi;) { /* the first start at or after the region's */
                size_t mid = k + (hi - k) / 2;
                if ((cand ? cand[mid] : c->at_all[mid].pos) < from_f)
                    k = mid + 1;
                else
                    hi = mid;
            }
            for (; k < end; k++) {
                size_t at = cand ? cand[k] : c->at_all[k].pos;
                if (at >= to_f)
                    break;
                if ((bit && !(c->at_all[k].mask & bit)) || at < pos ||
                    !may_start(m, c->folded.s + at, c->folded.len - at))
                    continue;
                int r = !windows
                            ? pcre2_match(m->re_at, (PCRE2_SPTR)c->folded.s, c->folded.len, at,
                                          PCRE2_NO_UTF_CHECK, c->md, c->rs->mctx)
                            : match_interp(c, &in, m->re_at, c->folded.s, c->folded.len, at, true);
                if (r < 0) {
                    /* A limit costs this word's finding, and the report says so. */
                    if (r != PCRE2_ERROR_NOMATCH)
                        limit_hit(c, m, c->folded.s, c->folded.len, &none);
                    if (in.spent)
                        break;
                    continue;
                }
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
                if (ov[1] <= ov[0])
                    continue;
                size_t s = orig_of(c, (uint32_t)ov[0]), e = orig_of(c, (uint32_t)ov[1]);
                if (s >= from && s < to && add_occ(c, s, e, NULL) != 0)
                    return -1;
                if (first_only)
                    break;
                pos = ov[1];
            }
        } else if (m->re && !(first_only && c->n_occ)) {
            const char *subj = m->raw ? c->text : c->folded.s;
            size_t slen = m->raw ? c->len : c->folded.len;
            size_t pos = m->raw ? from : from_f;
            if (m->keeps_out) /* the part before \K may lie before the region */
                pos = pos > REGION_LOOKBACK ? pos - REGION_LOOKBACK : 0;
            while (pos > 0 && ((unsigned char)subj[pos] & 0xC0) == 0x80)
                pos--; /* a code point's first byte */
            /* A match that starts in the region holds the required byte there too (PCRE2
             * never takes it from a lookaround, and without \K a match starts where it
             * began): none there, no match (a rule about the end of a reply that has its "!"
             * in the greeting). */
            bool possible = true;
            if (m->required >= 0 && !m->keeps_out && (m->raw ? from : from_f) > 0) {
                size_t at = m->raw ? from : from_f;
                int b = m->required, other = b;
                if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')
                    other = b ^ 0x20;
                possible = at < slen && (memchr(subj + at, b, slen - at) ||
                                         (other != b && memchr(subj + at, other, slen - at)));
            }
            bool windows = !m->jit || (m->windowed && slen > INTERP_WINDOW);
            if (possible && windows && interp_begin(c, &in, m->re, subj, slen) != 0)
                return -1;
            while (possible && pos <= slen) {
                int r = !windows ? pcre2_match(m->re, (PCRE2_SPTR)subj, slen, pos,
                                               PCRE2_NO_UTF_CHECK, c->md, c->rs->mctx)
                                 : match_interp(c, &in, m->re, subj, slen, pos, false);
                /* No match ends the scan; so does a hit limit: a runaway team regex costs
                 * its own findings, never the whole call, and the report says so. */
                if (r < 0) {
                    if (r != PCRE2_ERROR_NOMATCH)
                        limit_hit(c, m, subj, slen, &none);
                    break;
                }
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
                size_t a = ov[0], b = ov[1];
                if (b > a) {
                    size_t s = m->raw ? a : orig_of(c, (uint32_t)a);
                    size_t e = m->raw ? b : orig_of(c, (uint32_t)b);
                    if (s >= to)
                        break; /* every later match starts later still */
                    if (s >= from && add_occ(c, s, e, NULL) != 0)
                        return -1;
                    if (first_only && c->n_occ)
                        break;
                    pos = b;
                } else {
                    /* Empty match: step one whole code point. */
                    pos = a + 1;
                    while (pos < slen && ((unsigned char)subj[pos] & 0xC0) == 0x80)
                        pos++;
                }
            }
        }
    }
    if (c->n_occ > 1)
        replylint__sort(c->occ, c->n_occ, sizeof(occ), cmp_occ);
    size_t keep = 0, last_end = 0;
    for (size_t i = 0; i < c->n_occ; i++) {
        if (keep > 0 && c->occ[i].start < last_end)
            continue;
        c->occ[keep++] = c->occ[i];
        last_end = c->occ[i].end;
    }
    c->n_occ = keep;
    return 0;
}

/* ---- findings ------------------------------------------------------------------------- */

/* 1 for an upper-case letter, -1 for a lower-case one, 0 otherwise; ASCII and Cyrillic
 * without a table lookup. */
static int letter_case(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? 1 : (cp >= 'a' && cp <= 'z') ? -1 : 0;
    if (cp >= 0x400 && cp <= 0x42F)
        return 1;
    if (cp >= 0x430 && cp <= 0x45F)
        return -1;
    return utf8proc_isupper((utf8proc_int32_t)cp)   ? 1
           : utf8proc_islower((utf8proc_int32_t)cp) ? -1
                                                    : 0;
}

typedef enum { CASE_AS_IS, CASE_FIRST_UPPER, CASE_ALL_UPPER } case_shape;

/* How the flagged text is capitalised: «Денежные средства» starts upper, "PLEASE BE
 * ADVISED" is all upper (two upper-case letters or more, none lower). */
static case_shape shape_of(const char *matched, size_t mlen)
{
    size_t upper = 0, lower = 0, i = 0, w;
    bool first_upper = false, seen_letter = false;
    while (i < mlen) {
        int lc = letter_case(replylint__utf8_decode(matched, mlen, i, &w));
        upper += lc > 0;
        lower += lc < 0;
        if (lc != 0 && !seen_letter)
            first_upper = lc > 0;
        seen_letter = seen_letter || lc != 0;
        i += w;
    }
    if (upper >= 2 && lower == 0)
        return CASE_ALL_UPPER;
    return first_upper ? CASE_FIRST_UPPER : CASE_AS_IS;
}

/* The suggestion in the shape of the text it replaces, in the report's memory (NULL: out of
 * memory). */
static char *match_case(replylint_report *rep, case_shape shape, const char *sugg)
{
    size_t sl = strlen(sugg);
    /* Case mapping can grow a code point, never past 3x. */
    char *out = replylint__report_buf(rep, shape == CASE_AS_IS ? sl + 1 : sl * 3 + 1);
    if (out && shape == CASE_AS_IS)
        memcpy(out, sugg, sl + 1);
    if (!out || shape == CASE_AS_IS)
        return out;
    if (!out)
        return NULL;
    size_t o = 0, i = 0, w;
    bool first = true;
    while (i < sl) {
        uint32_t cp = replylint__utf8_decode(sugg, sl, i, &w);
        i += w;
        int lc = letter_case(cp);
        if (shape == CASE_ALL_UPPER || (first && lc != 0))
            cp = (uint32_t)utf8proc_toupper((utf8proc_int32_t)cp);
        first = first && lc == 0;
        o += (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)out + o);
    }
    out[o] = '\0';
    return out;
}

/* The rule's message with {match} replaced by the flagged text, in the report's memory
 * (NULL: out of memory).  The message holds {match} (see emit). */
static char *format_message(replylint_report *rep, const char *msg, const char *text, size_t len)
{
    const char *p = strstr(msg, "{match}");
    size_t ml = strlen(msg);
    char *out = replylint__report_buf(rep, ml + len + 1);
    if (!out)
        return NULL;
    size_t pre = (size_t)(p - msg), o = pre;
    memcpy(out, msg, pre);
    /* A phrase broken across lines is quoted on one line. */
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        bool space = ch == '\n' || ch == '\r' || ch == '\t' || ch == ' ';
        if (!space)
            out[o++] = ch;
        else if (o > pre && out[o - 1] != ' ')
            out[o++] = ' ';
    }
    strcpy(out + o, p + 7);
    return out;
}

/* A finding of rule r on [start, end), its suggestions in the given shape of case. */
static int emit_shaped(lint_ctx *c, const replylint_rule *r, size_t start, size_t end,
                       const char *const *sugg, size_t n_sugg, case_shape shape)
{
    /* A message without {match} is the rule's own (see replylint__report_add). */
    bool fixed = !r->message_quotes;
    char *msg = fixed ? NULL : format_message(c->report, r->message, c->text + start, end - start);
    if (!fixed && !msg)
        return -1;
    char *adapted[16];
    size_t n = n_sugg < 16 ? n_sugg : 16;
    for (size_t i = 0; i < n; i++)
        if (!(adapted[i] = match_case(c->report, shape, sugg[i])))
            return -1;
    /* The strings are in the report's memory already; a failed call empties it anyway. */
    return replylint__report_add(c->report, &r->text, r->severity, msg, c->text, start, end,
                                 (const char *const *)adapted, n);
}

/* A finding, its suggestions capitalised as the flagged text is. */
static int emit(lint_ctx *c, const replylint_rule *r, size_t start, size_t end,
                const char *const *sugg, size_t n_sugg)
{
    case_shape shape = n_sugg ? shape_of(c->text + start, end - start) : CASE_AS_IS;
    return emit_shaped(c, r, start, end, sugg, n_sugg, shape);
}

/* The ungated rules that run on this reply (see replylint_ruleset.plan), and how many in
 * *n; the gated ones in *gated. */
static const uint32_t *plan_of(const lint_ctx *c, size_t *n, const uint64_t **gated,
                               unsigned *sentence_limit)
{
    int followup = (c->opts->flags & REPLYLINT_LINT_FOLLOWUP) != 0;
    *n = c->rs->n_plan[c->lang][c->opts->channel][followup];
    *gated = c->rs->gated[c->lang][c->opts->channel][followup];
    *sentence_limit = c->rs->sentence_limit[c->lang][c->opts->channel][followup];
    return c->rs->plan[c->lang][c->opts->channel][followup];
}

static int need_segments(lint_ctx *c)
{
    if (c->have_seg)
        return 0;
    /* Sentences of a line are needed only if a sentence-length rule could fire there: a
     * line with no more words than the smallest limit cannot hold a longer sentence. */
    size_t n;
    const uint64_t *gated;
    unsigned limit;
    plan_of(c, &n, &gated, &limit);
    uint32_t *words = NULL; /* original offsets: the reply is under 2 GiB */
    if (limit < c->n_toks) {
        if (RL_GROW(c->words, c->cap_words, c->n_toks) != 0)
            return -1;
        words = c->words;
        for (size_t i = 0; i < c->n_toks; i++)
            words[i] = (uint32_t)orig_of(c, c->toks[i].start);
    }
    if (replylint__segment(&c->seg, c->text, c->len, c->rs->sentencer, words, words ? c->n_toks : 0,
                           limit) != 0)
        return -1;
    c->have_seg = true;
    return 0;
}

static rl_span region(lint_ctx *c, rl_where where)
{
    switch (where) {
    case RL_WHERE_START:
        return c->seg.start;
    case RL_WHERE_END:
        return c->seg.end;
    default:
        return (rl_span){0, c->len};
    }
}

/* A finding about something missing points at the part of the reply it belongs in. */
static rl_span missing_span(lint_ctx *c, rl_where where)
{
    if (where == RL_WHERE_END && c->seg.last.end > c->seg.last.start)
        return c->seg.last;
    return c->seg.start;
}

/* Fill sugg[] with the occurrence's suggestions, each inflected to agree with the word of
 * the phrase that the reply inflected («денежными средствами» -> «деньгами»). */
static void agreed_suggestions(const lint_ctx *c, const occ *o, const char **sugg, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sugg[i] = o->src->suggest[i];
    const rl_phrase_info *info = &c->rs->phrases.phrases[o->pid];
    if (!info->written)
        return;
    size_t t0 = o->tok;
    if (o->n_tok != info->n_items)
        return; /* a polite filler inside: no word to agree with */
    /* The head is the last word the reply inflected away from how the rule wrote it. */
    for (size_t k = info->n_items; k-- > 0;) {
        const rl_token *t = &c->toks[t0 + k];
        const char *w = info->written[k];
        size_t tl = t->end - t->start;
        if (!w || (strlen(w) == tl && memcmp(w, c->folded.s + t->start, tl) == 0))
            continue;
        for (size_t i = 0; i < n; i++) {
            const char *a = replylint__phrase_agreed(&c->rs->phrases, o->pid, (uint32_t)i,
                                                     (uint32_t)k, c->folded.s + t->start, tl);
            if (a)
                sugg[i] = a;
        }
        return;
    }
}

/* Drop occurrences that overlap an occurrence of the rule's exceptions («в случае чего»
 * is not «в случае»). */
static int drop_exceptions(lint_ctx *c, const replylint_rule *r, size_t from, size_t to)
{
    if (!r->then.n_phrases || c->n_occ == 0)
        return 0;
    size_t n = c->n_occ;
    occ *keep = malloc(n * sizeof(occ));
    if (!keep)
        return -1;
    memcpy(keep, c->occ, n * sizeof(occ));
    if (occurrences(c, &r->then, from, to, false) != 0) {
        free(keep);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool inside = false;
        for (size_t x = 0; x < c->n_occ && !inside; x++)
            inside = c->occ[x].start < keep[i].end && keep[i].start < c->occ[x].end;
        if (!inside)
            keep[k++] = keep[i];
    }
    memcpy(c->occ, keep, k * sizeof(occ));
    c->n_occ = k;
    free(keep);
    return 0;
}

/* A phrase or regex rule.  Its `needs:` (which lets a costly pattern skip the replies that
 * cannot hold a match) is asked before, by the rule's gate (replylint_ruleset.gate). */
static int rule_matches(lint_ctx *c, const replylint_rule *r)
{
    rl_span reg = region(c, r->where);
    if (occurrences(c, &r->m, reg.start, reg.end, false) != 0 ||
        drop_exceptions(c, r, reg.start, reg.end) != 0)
        return -1;
    for (size_t i = 0; i < c->n_occ; i++) {
        const occ *o = &c->occ[i];
        const char *agreed[16];
        const char *const *sugg = (const char *const *)r->suggest;
        size_t ns = r->n_suggest;
        if (o->src) {
            ns = o->src->n_suggest < 16 ? o->src->n_suggest : 16;
            agreed_suggestions(c, o, agreed, ns);
            sugg = agreed;
        }
        if (emit(c, r, o->start, o->end, sugg, ns) != 0)
            return -1;
        /* Only a substitution with one replacement is safe to apply unattended. */
        c->report->diags[c->report->n - 1].fixable = o->src && ns == 1;
    }
    return 0;
}

/* An opening that starts in lower case continues an earlier message (a reply split over
 * several tweets or chat bubbles: "below and reply…"); it has no opening of its own. */
static bool continues_message(const lint_ctx *c)
{
    if (c->seg.start.start >= c->seg.start.end)
        return false;
    unsigned char b = (unsigned char)c->text[c->seg.start.start];
    if (b < 0x80) /* most openings: no call into ICU */
        return b >= 'a' && b <= 'z';
    size_t w;
    uint32_t cp = replylint__utf8_decode(c->text, c->len, c->seg.start.start, &w);
    return u_islower((UChar32)cp);
}

static int rule_require(lint_ctx *c, const replylint_rule *r)
{
    if (r->where == RL_WHERE_START && continues_message(c))
        return 0;
    rl_span reg = region(c, r->where);
    /* One occurrence is enough, unless exceptions may take it away. */
    if (occurrences(c, &r->m, reg.start, reg.end, !r->then.n_phrases) != 0 ||
        drop_exceptions(c, r, reg.start, reg.end) != 0)
        return -1;
    if (c->n_occ > 0)
        return 0;
    rl_span s = missing_span(c, r->where);
    return emit(c, r, s.start, s.end, NULL, 0);
}

/* Case endings of Russian first names after their stem (Иван-у, Ирин-ой, Игор-ем,
 * Наталь-и).  The name is an input of each call, so it cannot go through the build-time
 * dictionary; these endings decline first names and stop at surnames (Иван-ов).  Written
 * with «е» for «ё», as folded text is. */
static const char *const name_endings[] = {"а",  "я",  "у",  "ю",  "е",  "ы",  "и",
                                           "ой", "ей", "ою", "ею", "ом", "ем", "ью"};

/* Does folded token `tok` name the person whose folded name part is `np`? */
static bool name_token_matches(const char *tok, size_t tl, const char *np, size_t nl)
{
    if (tl == nl && memcmp(tok, np, nl) == 0)
        return true;
    if (tl > 2 && tok[tl - 2] == '\'' && tok[tl - 1] == 's') /* English possessive */
        return tl - 2 == nl && memcmp(tok, np, nl) == 0;
    if (nl < 4 || ((unsigned char)np[0] != 0xD0 && (unsigned char)np[0] != 0xD1))
        return false;
    /* The stem: the name without a final vowel, ь or й (each two bytes in Cyrillic). */
    static const char *const finals[] = {"а", "я", "о", "е", "ы", "и", "ь", "й"};
    size_t stem = nl;
    for (size_t i = 0; i < sizeof(finals) / sizeof(finals[0]); i++)
        if (memcmp(np + nl - 2, finals[i], 2) == 0) {
            stem = nl - 2;
            break;
        }
    if (tl <= stem || memcmp(tok, np, stem) != 0)
        return false;
    for (size_t i = 0; i < sizeof(name_endings) / sizeof(name_endings[0]); i++) {
        size_t el = strlen(name_endings[i]);
        if (tl - stem == el && memcmp(tok + stem, name_endings[i], el) == 0)
            return true;
    }
    return false;
}

/* Does any token in [from, to) of the reply name `np` (a folded name part)? */
static bool part_used(const lint_ctx *c, const char *np, size_t nl, size_t from, size_t to)
{
    for (size_t i = 0; i < c->n_toks; i++) {
        size_t s = orig_of(c, c->toks[i].start);
        if (s < from || s >= to)
            continue;
        if (name_token_matches(c->folded.s + c->toks[i].start, c->toks[i].end - c->toks[i].start,
                               np, nl))
            return true;
    }
    return false;
}

/* Is any part of `name`, or a variant of it from the rule's aliases (Александр: Саша,
 * Шура), used in [from, to) of the reply? */
static int name_used(lint_ctx *c, const replylint_rule *r, const char *name, size_t from, size_t to,
                     bool *used)
{
    *used = false;
    size_t fl = 0;
    char *fname = replylint__fold_str(name, strlen(name), &fl);
    if (!fname)
        return -1;
    rl_token *nt = NULL;
    size_t nn = 0;
    if (replylint__tokenize(fname, fl, &nt, &nn) != 0) {
        free(fname);
        return -1;
    }
    /* A person's name has a few parts; a pathological "name" of thousands of words must
     * not make each call quadratic. */
    if (nn > 8)
        nn = 8;
    for (size_t k = 0; k < nn && !*used; k++) {
        const char *np = fname + nt[k].start;
        size_t nl = nt[k].end - nt[k].start;
        *used = part_used(c, np, nl, from, to);
        for (size_t a = 0; r && a < r->n_aliases && !*used; a++) {
            if (strlen(r->aliases[a]) != nl || memcmp(r->aliases[a], np, nl) != 0)
                continue;
            for (size_t b = 0; b < r->n_aliases && !*used; b++)
                if (r->alias_group[b] == r->alias_group[a])
                    *used = part_used(c, r->aliases[b], strlen(r->aliases[b]), from, to);
        }
    }
    free(nt);
    free(fname);
    return 0;
}

static int rule_name(lint_ctx *c, const replylint_rule *r)
{
    const char *name = c->opts->customer_name;
    if (!name || !*name)
        return 0;
    rl_span reg = region(c, r->where);
    bool used;
    if (name_used(c, r, name, reg.start, reg.end, &used) != 0)
        return -1;
    if (used)
        return 0;
    rl_span s = c->seg.start;
    return emit(c, r, s.start, s.end, NULL, 0);
}

static bool in_quotes(const lint_ctx *c, size_t s);

static int rule_signature(lint_ctx *c, const replylint_rule *r)
{
    rl_span sig = c->seg.signature;
    if (sig.start >= sig.end)
        return 0; /* no signature block: chat replies rarely have one */
    const char *agent = c->opts->agent_name;
    if (agent && *agent) {
        bool used;
        if (name_used(c, NULL, agent, sig.start, sig.end, &used) != 0)
            return -1;
        return used ? 0 : emit(c, r, sig.start, sig.end, NULL, 0);
    }
    /* Without the agent's name: flag a block that holds nothing but department and
     * sign-off words, i.e. no person signed it. */
    if (occurrences(c, &r->m, sig.start, sig.end, false) != 0)
        return -1;
    if (c->n_occ == 0)
        return 0;
    /* A department or sign-off phrase covers words of one line: "* team" must not take
     * "Mia" on the line above "Support team" for part of a department's name. */
    rl_span covered[32];
    size_t nc = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && !r->then.n_phrases)
            break;
        if (pass == 1 && occurrences(c, &r->then, sig.start, sig.end, false) != 0)
            return -1;
        for (size_t i = 0; i < c->n_occ && nc < 32; i++)
            if (!memchr(c->text + c->occ[i].start, '\n', c->occ[i].end - c->occ[i].start))
                covered[nc++] = (rl_span){c->occ[i].start, c->occ[i].end};
    }
    for (size_t i = 0; i < c->n_toks; i++) {
        size_t s = orig_of(c, c->toks[i].start);
        if (s < sig.start || s >= sig.end)
            continue;
        bool in = in_quotes(c, s); /* «Облако+»: a company's name, not a person's */
        for (size_t k = 0; k < nc && !in; k++)
            in = s >= covered[k].start && s < covered[k].end;
        if (!in)
            return 0; /* a word that is not a department's: presumably a person */
    }
    return emit(c, r, sig.start, sig.end, NULL, 0);
}

/* Words in [a, b) of the original text. */
static size_t words_in(const lint_ctx *c, size_t a, size_t b, size_t *first_tok)
{
    size_t n = 0;
    for (size_t i = *first_tok; i < c->n_toks; i++) {
        size_t s = orig_of(c, c->toks[i].start);
        if (s < a) {
            *first_tok = i + 1;
            continue;
        }
        if (s >= b)
            break;
        n++;
    }
    return n;
}

static int rule_length(lint_ctx *c, const replylint_rule *r)
{
    unsigned max = c->opts->channel == REPLYLINT_CHANNEL_CHAT ? r->max_chat : r->max_email;
    if (r->scope == RL_SCOPE_REPLY) {
        if (c->n_toks <= max)
            return 0;
        /* Point from the first word past the limit to the end of the reply. */
        size_t s = orig_of(c, c->toks[max].start);
        size_t e = orig_of(c, c->toks[c->n_toks - 1].end);
        return emit(c, r, s, e, NULL, 0);
    }
    if (c->n_toks <= max)
        return 0; /* no part holds more words than the reply */
    const rl_span *v = r->scope == RL_SCOPE_SENTENCE ? c->seg.sentences : c->seg.paragraphs;
    size_t n = r->scope == RL_SCOPE_SENTENCE ? c->seg.n_sentences : c->seg.n_paragraphs;
    size_t tok = 0;
    for (size_t i = 0; i < n; i++) {
        size_t w = words_in(c, v[i].start, v[i].end, &tok);
        if (w > max && emit(c, r, v[i].start, v[i].end, NULL, 0) != 0)
            return -1;
    }
    return 0;
}

static bool allowed(const replylint_rule *r, const char *tok, size_t tl)
{
    for (size_t i = 0; i < r->n_allow; i++)
        if (strlen(r->allow[i]) == tl && memcmp(r->allow[i], tok, tl) == 0)
            return true;
    return false;
}

/*
 * Where a word in capitals stands, for the shouting rule: in a link, address, @handle or
 * #hashtag (its white-space-delimited chunk); inside quotes («…», "…", “…”) on its line; on a
 * heading line (all capitals, not ending in ! or ?).  The rule visits words in order, so each
 * chunk and line is scanned once and the quote state carried forward: linear in the text, even
 * for a megabyte of capitals on one line.
 */
typedef struct word_context {
    size_t chunk_start, chunk_end;
    bool chunk_link;
    size_t line_start, line_end;
    int heading; /* -1: not computed for this line yet */
    size_t quote_pos;
    int guil, curly, ascii;
} word_context;

static void chunk_at(const lint_ctx *c, word_context *w, size_t s)
{
    if (s >= w->chunk_start && s < w->chunk_end)
        return;
    size_t a = s, b = s;
    while (a > w->chunk_end && a > 0 && !is_space_byte(c->text[a - 1]))
        a--;
    while (b < c->len && !is_space_byte(c->text[b]))
        b++;
    w->chunk_start = a;
    w->chunk_end = b;
    w->chunk_link = false;
    for (size_t i = a; i < b && !w->chunk_link; i++) {
        char ch = c->text[i];
        /* www.EXAMPLE.com, but not the full stop that ends the chunk */
        w->chunk_link = ch == '@' || ch == '#' || ch == '/' || ch == '=' || ch == '_' ||
                        (ch == '.' && i > a && i + 1 < b && c->text[i + 1] != '.');
    }
}

static void line_at(const lint_ctx *c, word_context *w, size_t s)
{
    if (s >= w->line_start && s < w->line_end)
        return;
    size_t a = s, b = s;
    while (a > w->line_end && a > 0 && c->text[a - 1] != '\n')
        a--;
    while (b < c->len && c->text[b] != '\n')
        b++;
    w->line_start = a;
    w->line_end = b < c->len ? b + 1 : b;
    w->heading = -1;
    w->quote_pos = a;
    w->guil = w->curly = w->ascii = 0;
}

/* A line of nothing but capitals that does not end in ! or ? is a heading («КАК
 * ЗАГРУЗИТЬ ВИДЕО»), a common layout in long answers; a shout ends like one. */
static bool heading_line(const lint_ctx *c, word_context *w)
{
    if (w->heading >= 0)
        return w->heading;
    size_t a = w->line_start, b = w->line_end, last = b;
    while (last > a && is_space_byte(c->text[last - 1]))
        last--;
    w->heading = !(last > a && (c->text[last - 1] == '!' || c->text[last - 1] == '?'));
    for (size_t i = a; i < b && w->heading;) {
        size_t n;
        uint32_t cp = replylint__utf8_decode(c->text, c->len, i, &n);
        if (u_islower((UChar32)cp))
            w->heading = 0;
        i += n;
    }
    return w->heading;
}

/* Inside «…», "…" or “…” on the same line, up to s: a quoted title or label. */
static bool quoted(const lint_ctx *c, word_context *w, size_t s)
{
    for (size_t i = w->quote_pos; i < s; i++) {
        unsigned char b0 = (unsigned char)c->text[i];
        if (b0 == '"')
            w->ascii ^= 1;
        else if (b0 == 0xC2 && i + 1 < s) {
            unsigned char b1 = (unsigned char)c->text[i + 1];
            w->guil += b1 == 0xAB ? 1 : b1 == 0xBB ? -1 : 0; /* « » */
        } else if (b0 == 0xE2 && i + 2 < s && (unsigned char)c->text[i + 1] == 0x80) {
            unsigned char b2 = (unsigned char)c->text[i + 2];
            w->curly += b2 == 0x9C ? 1 : b2 == 0x9D ? -1 : 0; /* “ ” */
        }
    }
    if (s > w->quote_pos)
        w->quote_pos = s;
    return w->guil > 0 || w->curly > 0 || w->ascii;
}

/* Is the word at [s, e) quoted, linked or a heading rather than shouted? */
static bool not_a_shout(const lint_ctx *c, word_context *w, size_t s)
{
    chunk_at(c, w, s);
    line_at(c, w, s);
    return w->chunk_link || quoted(c, w, s) || heading_line(c, w);
}

/* For the signature block (a few short lines): inside quotes on its line. */
static bool in_quotes(const lint_ctx *c, size_t s)
{
    word_context w = {0, 0, false, 0, 0, -1, 0, 0, 0, 0};
    line_at(c, &w, s);
    return quoted(c, &w, s);
}

/* Capital letters in token i, or 0 if it has a lower-case letter, a digit or another
 * script than the reply's (IE9, RUTUBE in a Russian reply: names, not shouts).  Most words
 * never get here: shout_candidates turns down those that start with a lower-case letter. */
static size_t caps_letters(const lint_ctx *c, size_t i, uint8_t script)
{
    const rl_token *t = &c->toks[i];
    if (t->has_digit || t->script != script)
        return 0;
    size_t s = orig_of(c, t->start), e = orig_of(c, t->end), letters = 0;
    for (size_t k = s; k < e;) {
        size_t w;
        uint32_t cp = replylint__utf8_decode(c->text, c->len, k, &w);
        /* ASCII and basic Cyrillic (U+0400..U+045F) without asking ICU. */
        bool simple = cp < 0x80 || (cp >= 0x400 && cp <= 0x45F);
        int lc = simple ? letter_case(cp) : 0;
        if (lc < 0 || (!simple && u_islower((UChar32)cp)))
            return 0;
        if (lc > 0 || (!simple && u_isupper((UChar32)cp)))
            letters++;
        k += w;
    }
    return letters;
}

/* Which of tokens [from, from + n) (n <= 64) may be shouts, as bit i - from: those that
 * caps_letters would not turn down by their digits, script or first letter (lower case),
 * nor by their length (each capital folds to one byte at least); all of them with
 * min_letters 0, where no count is too small.  Without a branch per word: one in five or
 * so starts with a capital, and which one was a branch guessed wrong. */
static uint64_t shout_candidates(const lint_ctx *c, size_t from, size_t n, uint8_t script,
                                 unsigned min_letters)
{
    uint64_t bits = 0;
    const unsigned char *text = (const unsigned char *)c->text;
    for (size_t k = 0; k < n; k++) {
        const rl_token *t = &c->toks[from + k];
        size_t s = orig_of(c, t->start);
        unsigned b0 = text[s], b1 = s + 1 < c->len ? text[s + 1] : 0;
        bool lower =
            ((b0 - 'a') < 26u) | ((b0 == 0xD0) & (b1 >= 0xB0)) | ((b0 == 0xD1) & (b1 < 0xA0));
        bool maybe = (min_letters == 0) | (!lower & !t->has_digit & (t->script == script) &
                                           (t->end - t->start >= min_letters));
        bits |= (uint64_t)maybe << k;
    }
    return bits;
}

/* Token i, if it is a shout, as a finding. */
static int shout_at(lint_ctx *c, const replylint_rule *r, word_context *wc, size_t i,
                    uint8_t script)
{
    if (caps_letters(c, i, script) < r->min_letters)
        return 0;
    const rl_token *t = &c->toks[i];
    size_t s = orig_of(c, t->start), e = orig_of(c, t->end);
    if (allowed(r, c->folded.s + t->start, t->end - t->start))
        return 0;
    if (not_a_shout(c, wc, s))
        return 0;
    /* The word in lower case, from the original so «ё» stays «ё». */
    char *low = replylint__report_buf(c->report, (e - s) * 2 + 1);
    if (!low)
        return -1;
    size_t o = 0;
    for (size_t k = s; k < e;) {
        size_t w;
        uint32_t cp = replylint__utf8_decode(c->text, c->len, k, &w);
        o += replylint__utf8_encode((uint32_t)u_tolower((UChar32)cp), low + o);
        k += w;
    }
    low[o] = '\0';
    const char *sugg[1] = {low};
    /* The lower-case word, not re-capitalised: emit() would copy the capitals back. */
    return emit_shaped(c, r, s, e, sugg, 1, CASE_AS_IS);
}

static int rule_shouting(lint_ctx *c, const replylint_rule *r)
{
    uint8_t script = c->lang == REPLYLINT_LANG_RU ? RL_SCRIPT_CYRILLIC : RL_SCRIPT_LATIN;
    /* Nine English replies in ten have no run of capitals long enough: one pass over the
     * bytes answers them, instead of a look at every word.  (In Cyrillic, every word of
     * two letters is such a run.) */
    if (script == RL_SCRIPT_LATIN && !replylint__caps_run(c->text, c->len, r->min_letters))
        return 0;
    word_context wc = {0, 0, false, 0, 0, -1, 0, 0, 0, 0};
    for (size_t base = 0; base < c->n_toks; base += 64) {
        size_t n = c->n_toks - base < 64 ? c->n_toks - base : 64;
        for (uint64_t cand = shout_candidates(c, base, n, script, r->min_letters); cand;
             cand &= cand - 1) {
            size_t i = base + replylint__lowest_bit(cand);
            if (shout_at(c, r, &wc, i, script) != 0)
                return -1;
        }
    }
    return 0;
}

static int rule_conditional(lint_ctx *c, const replylint_rule *r)
{
    /* The trigger first: it is rare, and the `then` part is often a costly time regex. */
    if (occurrences(c, &r->m, 0, c->len, false) != 0)
        return -1;
    if (c->n_occ == 0)
        return 0;
    occ first = c->occ[0];
    if (occurrences(c, &r->then, 0, c->len, true) != 0)
        return -1;
    if (c->n_occ > 0)
        return 0;
    return emit(c, r, first.start, first.end, NULL, 0);
}

static int run_rule(lint_ctx *c, const replylint_rule *r)
{
    switch (r->kind) {
    case RL_KIND_PHRASE:
    case RL_KIND_REGEX:
        return rule_matches(c, r);
    case RL_KIND_REQUIRE:
        return rule_require(c, r);
    case RL_KIND_NAME:
        return rule_name(c, r);
    case RL_KIND_SIGNATURE:
        return rule_signature(c, r);
    case RL_KIND_LENGTH:
        return rule_length(c, r);
    case RL_KIND_SHOUTING:
        return rule_shouting(c, r);
    case RL_KIND_CONDITIONAL:
        return rule_conditional(c, r);
    default:
        return 0;
    }
}

/* ---- working memory ------------------------------------------------------------------- */

/* The buffers of a lint_ctx that grow with the reply: kept between calls by a scratch. */
struct replylint_scratch {
    rl_folded folded;
    rl_token *toks;
    size_t cap_toks;
    uint32_t *slots;
    size_t cap_slots;
    rl_hit *hits, *hits2;
    size_t cap_hits, cap_hits2;
    size_t *hit_first, *hit_count;
    size_t cap_hit_index;
    occ *occ;
    size_t cap_occ;
    uint32_t *at_pos;
    size_t cap_at_pos;
    at_start *at_all;
    size_t cap_at_all;
    rl_segments seg;
    uint32_t *words;
    size_t cap_words;
    pcre2_match_data *md;
    replylint_report *report; /* the last replylint_lint_into_scratch() report, kept */
};

int replylint_scratch_new(replylint_scratch **out, replylint_error *err)
{
    if (!out)
        return replylint__error(err, REPLYLINT_EINVAL, "replylint_scratch_new: out is NULL");
    if (!(*out = calloc(1, sizeof(**out))))
        return replylint__error(err, REPLYLINT_ENOMEM, "out of memory");
    return REPLYLINT_OK;
}

/* Exchange the growing buffers of s and c, field by field (the names are the same).  At the
 * start of a call c holds none: it borrows s's and s is left empty, so that a failed call
 * cannot free them twice; at the end the same exchange gives them back. */
#define SWAP_FIELD(f)                                                                              \
    do {                                                                                           \
        unsigned char t_[sizeof(c->f)];                                                            \
        memcpy(t_, &c->f, sizeof(t_));                                                             \
        memcpy(&c->f, &s->f, sizeof(t_));                                                          \
        memcpy(&s->f, t_, sizeof(t_));                                                             \
    } while (0)
static void swap_buffers(replylint_scratch *s, lint_ctx *c)
{
    SWAP_FIELD(folded);
    SWAP_FIELD(toks);
    SWAP_FIELD(cap_toks);
    SWAP_FIELD(slots);
    SWAP_FIELD(cap_slots);
    SWAP_FIELD(hits);
    SWAP_FIELD(cap_hits);
    SWAP_FIELD(hits2);
    SWAP_FIELD(cap_hits2);
    SWAP_FIELD(hit_first);
    SWAP_FIELD(hit_count);
    SWAP_FIELD(cap_hit_index);
    SWAP_FIELD(occ);
    SWAP_FIELD(cap_occ);
    SWAP_FIELD(at_pos);
    SWAP_FIELD(cap_at_pos);
    SWAP_FIELD(at_all);
    SWAP_FIELD(cap_at_all);
    SWAP_FIELD(seg);
    SWAP_FIELD(words);
    SWAP_FIELD(cap_words);
    SWAP_FIELD(md);
}
#undef SWAP_FIELD

/* Free what c holds, or give the growing buffers back to the scratch they came from. */
/* The sentence ends of one line take 4 bytes per byte of the longest line segmented (see
 * segment.c), nearly all of it untouched: a scratch keeps that buffer only up to this
 * size, as a long one-line reply would otherwise leave megabytes allocated.  The other
 * buffers grow with the words, as the tokens do, and are kept. */
#define SCRATCH_KEEP_ENDS_BYTES (256u * 1024)

static void ctx_free(lint_ctx *c, replylint_scratch *scratch)
{
    if (scratch) {
        if (c->seg.cap_ends * sizeof(*c->seg.ends) > SCRATCH_KEEP_ENDS_BYTES) {
            free(c->seg.ends);
            c->seg.ends = NULL;
            c->seg.cap_ends = 0;
        }
        swap_buffers(scratch, c);
    } else {
        replylint__folded_free(&c->folded);
        free(c->toks);
        free(c->slots);
        free(c->hits);
        free(c->hits2);
        free(c->hit_first);
        free(c->hit_count);
        free(c->occ);
        free(c->at_pos);
        free(c->at_all);
        replylint__segments_free(&c->seg);
        free(c->words);
        pcre2_match_data_free(c->md);
    }
    pcre2_match_context_free(c->imctx);
    pcre2_match_context_free(c->pmctx);
}

void replylint_scratch_free(replylint_scratch *s)
{
    if (!s)
        return;
    lint_ctx c; /* takes the buffers, then frees them as a call without a scratch would */
    memset(&c, 0, CTX_ZEROED);
    swap_buffers(s, &c);
    ctx_free(&c, NULL);
    if (s->report) {
        s->report->kept = false;
        replylint_report_free(s->report);
    }
    free(s);
}

/* One lint call; `keep` puts the report in the scratch (replylint_lint_into_scratch). */
static int lint_call(replylint_report **out, const replylint_ruleset *rs,
                     replylint_scratch *scratch, bool keep, const char *text, size_t len,
                     const replylint_options *opts, size_t only, replylint_error *err)
{
    if (!out)
        return replylint__error(err, REPLYLINT_EINVAL, "replylint_lint: out is NULL");
    *out = NULL;
    if (!rs)
        return replylint__error(err, REPLYLINT_EINVAL, "replylint_lint: rule set is NULL");
    if (!text && len)
        return replylint__error(err, REPLYLINT_EINVAL, "replylint_lint: text is NULL");
    replylint_options defaults = REPLYLINT_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    if (opts->version != REPLYLINT_OPTIONS_VERSION)
        return replylint__error(err, REPLYLINT_EINVAL,
                                "replylint_lint: options version %u is not %u (initialise them "
                                "with replylint_options_init)",
                                opts->version, REPLYLINT_OPTIONS_VERSION);
    if (opts->reserved32 || opts->reserved[0] || opts->reserved[1] || opts->reserved[2])
        return replylint__error(err, REPLYLINT_EINVAL,
                                "replylint_lint: the reserved fields of the options must be zero");
    if ((unsigned)opts->channel > REPLYLINT_CHANNEL_CHAT || (unsigned)opts->lang > 2 ||
        (opts->flags & ~REPLYLINT_LINT_FOLLOWUP) || (int)opts->min_severity < 0 ||
        (int)opts->min_severity > REPLYLINT_SEV_ERROR)
        return replylint__error(
            err, REPLYLINT_EINVAL,
            "replylint_lint: channel, lang, min_severity or flags out of range");
    size_t max = opts->max_bytes ? opts->max_bytes : REPLYLINT_DEFAULT_MAX_BYTES;
    if (max > ((size_t)1 << 31) - 1)
        max = ((size_t)1 << 31) - 1; /* offsets in the folded map are 32-bit */
    if (len > max)
        return replylint__error(err, REPLYLINT_ETOOBIG,
                                "the reply is %zu bytes; the limit is %zu (options.max_bytes)", len,
                                max);
    if (!text)
        text = "";
    lint_ctx c;
    memset(&c, 0, CTX_ZEROED);
    if (scratch)
        swap_buffers(scratch, &c);
    c.rs = rs;
    c.opts = opts;
    c.text = text;
    c.len = len;
    int rc = REPLYLINT_ENOMEM;
    size_t bad = 0; /* with REPLYLINT_EUTF8: where */
    if (keep && scratch->report) {
        c.report = scratch->report; /* emptied by replylint_lint_into_scratch() */
    } else if ((c.report = calloc(1, sizeof(*c.report))) != NULL && keep) {
        c.report->kept = true;
        scratch->report = c.report;
    }
    if (!c.report)
        goto done;
    /* Folding reads every byte, and checks the UTF-8 as it goes. */
    int folded = replylint__fold_reuse(&c.folded, text, len, &bad);
    if (folded == -2)
        rc = REPLYLINT_EUTF8;
    if (folded != 0)
        goto done;
    if (replylint__tokenize_reuse(c.folded.s, c.folded.len, &c.toks, &c.cap_toks, &c.n_toks) != 0)
        goto done;
    c.lang = opts->lang ? (int)opts->lang : detect_language(&c);
    c.report->language = c.lang == REPLYLINT_LANG_RU ? "ru" : "en";
    bool scan_cut = false;
    if (replylint__phrase_scan(&rs->phrases, c.folded.s, c.toks, c.n_toks, &c.hits, &c.n_hits,
                               &c.cap_hits, &c.slots, &c.cap_slots, &scan_cut) != 0)
        goto done;
    c.report->incomplete = scan_cut;
    if (bucket_hits(&c) != 0)
        goto done;
    if (rs->has_regex && !c.md && !(c.md = pcre2_match_data_create(1, NULL)))
        goto done;
    if (need_segments(&c) != 0)
        goto done;
    size_t n_plan;
    const uint64_t *gated;
    unsigned limit;
    const uint32_t *plan = plan_of(&c, &n_plan, &gated, &limit);
    for (size_t k = 0; k < n_plan; k++) {
        if (only != SIZE_MAX && plan[k] != only)
            continue;
        if (run_rule(&c, &rs->rules[plan[k]]) != 0)
            goto done;
    }
    /* Then the gated rules whose phrases occur: the hits are in matcher order, and each gate
     * is the matcher of one rule.  (The order findings are made in is not the report's.) */
    for (size_t i = 0; i < c.n_hits;) {
        uint32_t m = rs->phrases.phrases[c.hits[i].phrase].matcher;
        i = c.hit_first[m] + c.hit_count[m];
        uint32_t r = rs->matcher_rule[m];
        if (rs->gate[r] != m || !(gated[r / 64] >> (r % 64) & 1) || (only != SIZE_MAX && r != only))
            continue;
        if (run_rule(&c, &rs->rules[r]) != 0)
            goto done;
    }
    if (replylint__report_finish(c.report, text, len, opts->min_severity, c.n_toks) != 0)
        goto done;
    rc = REPLYLINT_OK;
done:
    ctx_free(&c, scratch);
    if (rc != REPLYLINT_OK) {
        if (keep && c.report)
            replylint__report_reset(c.report); /* no half report until the next call */
        else
            replylint_report_free(c.report);
        if (rc == REPLYLINT_EUTF8) {
            replylint__error(err, rc, "invalid UTF-8 at byte %zu", bad);
            if (err) {
                err->offset = bad;
                snprintf(err->source, sizeof(err->source), "<input>");
            }
            return rc;
        }
        return replylint__error(err, rc, "out of memory");
    }
    *out = c.report;
    return REPLYLINT_OK;
}

int replylint__lint_ex(replylint_report **out, const replylint_ruleset *rs,
                       replylint_scratch *scratch, const char *text, size_t len,
                       const replylint_options *opts, size_t only, replylint_error *err)
{
    return lint_call(out, rs, scratch, false, text, len, opts, only, err);
}

int replylint_lint(replylint_report **out, const replylint_ruleset *rs, const char *text,
                   size_t len, const replylint_options *opts, replylint_error *err)
{
    return replylint__lint_ex(out, rs, NULL, text, len, opts, SIZE_MAX, err);
}

int replylint_lint_with_scratch(replylint_report **out, const replylint_ruleset *rs,
                                replylint_scratch *scratch, const char *text, size_t len,
                                const replylint_options *opts, replylint_error *err)
{
    return lint_call(out, rs, scratch, false, text, len, opts, SIZE_MAX, err);
}

int replylint_lint_into_scratch(const replylint_report **out, const replylint_ruleset *rs,
                                replylint_scratch *scratch, const char *text, size_t len,
                                const replylint_options *opts, replylint_error *err)
{
    if (out)
        *out = NULL;
    if (!scratch)
        return replylint__error(err, REPLYLINT_EINVAL,
                                "replylint_lint_into_scratch: scratch is NULL");
    if (scratch->report)
        replylint__report_reset(scratch->report); /* the last report ends here, even on error */
    replylint_report *r = NULL;
    int rc = lint_call(out ? &r : NULL, rs, scratch, true, text, len, opts, SIZE_MAX, err);
    if (out)
        *out = r;
    return rc;
}
