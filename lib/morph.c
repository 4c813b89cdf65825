/*
 * morph.c: inflected forms from hunspell .aff/.dic files (see morph.h).
 *
 * Layout.  The .dic file is read into one buffer that is kept: headwords and their flag strings
 * are (offset, length) slices of it, so loading 146k Russian headwords costs one read, one scan
 * and one hash insert per line.  A second buffer holds the whole file folded (lower case, ё as
 * е); folding never changes a byte length, so the same offsets address both copies.  Lookups hash
 * and compare the folded copy, while affix rules are applied to the original spelling, because
 * hunspell conditions are written against it (ru_RU has conditions such as "[^ё]нный").
 *
 * Stemming is done on demand instead of building a form->lemma index at load: an index would be
 * millions of entries for Russian, and a query only needs to undo each rule once.  Every
 * candidate found by undoing rules on folded text is confirmed by generating the form forward from
 * the original headword, so folding and condition subtleties can never produce a false lemma.
 */
#include "morph.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RL_EIO    (-1)
#define RL_EFMT   (-2)
#define RL_ENOMEM (-3)

/* Invalid UTF-8 bytes decode to this range so they can still be compared as characters. */
#define RL_BADBYTE 0x80000000u

/* No rule produced a form (size_t result of the apply functions). */
#define RL_NOFORM ((size_t)-1)

enum { COND_ANY, COND_SET, COND_NSET };

struct rl_cond {
    uint32_t kind;
    uint32_t off; /* first code point in cps */
    uint32_t n;
};

struct rl_rule {
    uint32_t strip, add;   /* offsets into strs, original spelling */
    uint32_t fstrip, fadd; /* the same strings folded; same lengths */
    uint32_t strip_len, add_len;
    uint32_t cond, ncond; /* slice of conds */
    uint32_t cls;
};

struct rl_class {
    uint32_t flag;
    unsigned char pfx;
    unsigned char cross;
    uint32_t first, n; /* slice of rules */
};

struct rl_entry {
    uint32_t word;  /* offset into dic and fdic */
    uint32_t flags; /* offset into dic, or into strs when the aff uses AF aliases */
    uint16_t word_len;
    uint16_t flags_len;
};

struct rl_morph {
    char *dic;  /* original .dic text */
    char *fdic; /* folded copy, same offsets */
    struct rl_entry *entries;
    size_t nentries;
    uint32_t *tab; /* open addressing, entry index + 1, 0 = empty */
    size_t tmask;

    char *strs; /* affix strings and AF aliases */
    size_t strs_len, strs_cap;
    uint32_t *cps; /* condition code points */
    size_t ncps, cps_cap;
    struct rl_cond *conds;
    size_t nconds, conds_cap;
    struct rl_rule *rules;
    size_t nrules, rules_cap;
    struct rl_class *classes;
    size_t nclasses, classes_cap;
    /* Class index + 1 for single-byte flags; wider UTF-8 flags are searched linearly. */
    uint16_t sfx_of[256], pfx_of[256];

    int utf8_flags;
    int fullstrip;
    uint32_t forbidden, onlyincompound, needaffix; /* 0 = not set */
    size_t max_add, max_strip;

    int has_af;
    uint32_t *af_off, *af_len; /* alias strings in strs; used while loading */
    size_t naf, af_count;
};

/* ---- small helpers --------------------------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int
fail(char *errbuf, size_t errlen, int code, const char *fmt, ...)
{
    if (errbuf && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errbuf, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Grows *p to hold at least need elements; doubling keeps appends amortised O(1). */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *np;
    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return RL_ENOMEM;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem)
        return RL_ENOMEM;
    np = realloc(*p, ncap * elem);
    if (!np)
        return RL_ENOMEM;
    *p = np;
    *cap = ncap;
    return 0;
}

/* Lower-cases ASCII and Cyrillic and writes ё/Ё as е.  Every mapping keeps the byte length
 * (Cyrillic capitals and е/ё are all two bytes), which is what lets the folded .dic copy share
 * offsets with the original.  dst may equal src. */
static void fold(char *dst, const char *src, size_t n)
{
    const unsigned char *s = (const unsigned char *)src;
    unsigned char *d = (unsigned char *)dst;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            d[i] = (unsigned char)(c + 32);
            i++;
        } else if ((c == 0xD0 || c == 0xD1) && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            unsigned char c2 = s[i + 1];
            if (c == 0xD0 && c2 >= 0x90 && c2 <= 0x9F) { /* А-П */
                d[i] = 0xD0;
                d[i + 1] = (unsigned char)(c2 + 0x20);
            } else if (c == 0xD0 && c2 >= 0xA0 && c2 <= 0xAF) { /* Р-Я */
                d[i] = 0xD1;
                d[i + 1] = (unsigned char)(c2 - 0x20);
            } else if ((c == 0xD0 && c2 == 0x81) || (c == 0xD1 && c2 == 0x91)) { /* Ё ё */
                d[i] = 0xD0;
                d[i + 1] = 0xB5;
            } else {
                d[i] = c;
                d[i + 1] = c2;
            }
            i += 2;
        } else {
            d[i] = c;
            i++;
        }
    }
}

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* Decodes one UTF-8 character of s[0..n); an invalid or truncated sequence yields a single
 * RL_BADBYTE-tagged byte so that malformed text still compares consistently. */
static uint32_t u8_next(const unsigned char *s, size_t n, size_t *adv)
{
    unsigned char c = s[0];
    size_t len, i;
    uint32_t cp;
    if (c < 0x80) {
        *adv = 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07u;
    } else {
        *adv = 1;
        return RL_BADBYTE | c;
    }
    if (len > n) {
        *adv = 1;
        return RL_BADBYTE | c;
    }
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *adv = 1;
            return RL_BADBYTE | c;
        }
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    *adv = len;
    return cp;
}

/* The character ending at *pos (exclusive); moves *pos to its start. */
static uint32_t u8_prev(const unsigned char *s, size_t *pos)
{
    size_t p = *pos, start = p - 1, adv;
    uint32_t c;
    while (start > 0 && p - start < 4 && (s[start] & 0xC0) == 0x80)
        start--;
    c = u8_next(s + start, p - start, &adv);
    if (start + adv != p) {
        *pos = p - 1;
        return RL_BADBYTE | s[p - 1];
    }
    *pos = start;
    return c;
}

/* Reads a flag from s[*i..n) in the dictionary's flag encoding.  Returns 0 for an invalid
 * UTF-8 flag (0 is never a valid flag). */
static uint32_t next_flag(const rl_morph *m, const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t adv;
    uint32_t c;
    if (!m->utf8_flags)
        return u[(*i)++];
    c = u8_next(u + *i, n - *i, &adv);
    *i += adv;
    return (c & RL_BADBYTE) ? 0 : c;
}

static int parse_uint(const char *s, size_t *out)
{
    size_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (SIZE_MAX - 9) / 10)
            return -1;
        v = v * 10 + (size_t)(*s - '0');
    }
    *out = v;
    return 0;
}

static int ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (char)(y + 32);
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* Reads a whole file into a NUL-terminated buffer. */
static int read_file(const char *path, char **out, size_t *outlen, char *errbuf, size_t errlen)
{
    FILE *f;
    char *buf;
    size_t len = 0, cap = 65536;
    long hint;
    *out = NULL;
    *outlen = 0;
    f = fopen(path, "rb");
    if (!f)
        return fail(errbuf, errlen, RL_EIO, "%s: cannot open: %s", path, strerror(errno));
    /* The size is only a hint for the first allocation (reading to EOF stays correct if it is
     * wrong); absurd values, as some file systems report for directories, are not trusted. */
    if (fseek(f, 0, SEEK_END) == 0 && (hint = ftell(f)) > 0 && hint < (1L << 28))
        cap = (size_t)hint + 1;
    if (fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return fail(errbuf, errlen, RL_EIO, "%s: cannot seek", path);
    }
    buf = malloc(cap);
    if (!buf)
        goto oom;
    for (;;) {
        size_t got;
        if (len + 1 >= cap) {
            /* Full: probe for EOF before growing, so an exact hint costs no extra memory. */
            int ch = fgetc(f);
            if (ch == EOF)
                break;
            if (grow((void **)&buf, &cap, cap + 1, 1) != 0)
                goto oom;
            buf[len++] = (char)ch;
            continue;
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return fail(errbuf, errlen, RL_EIO, "%s: read error", path);
    }
    fclose(f);
    if (len > UINT32_MAX - 1) {
        free(buf);
        return fail(errbuf, errlen, RL_EFMT, "%s: file too large", path);
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return 0;
oom:
    free(buf);
    fclose(f);
    return fail(errbuf, errlen, RL_ENOMEM, "%s: out of memory", path);
}

/* ---- .aff parsing ---------------------------------------------------------------------- */

#define MAX_TOK 8

struct aff_state {
    rl_morph *m;
    const char *path;
    size_t line;
    char *errbuf;
    size_t errlen;
    size_t pending;     /* rule lines still expected for the current class */
    size_t pending_cls; /* index of that class */
};

static int str_add(rl_morph *m, const char *s, size_t n, uint32_t *off)
{
    if (n > UINT32_MAX - m->strs_len - 1)
        return RL_ENOMEM;
    if (grow((void **)&m->strs, &m->strs_cap, m->strs_len + n + 1, 1) != 0)
        return RL_ENOMEM;
    memcpy(m->strs + m->strs_len, s, n);
    m->strs[m->strs_len + n] = '\0';
    *off = (uint32_t)m->strs_len;
    m->strs_len += n + 1;
    return 0;
}

static int cp_add(rl_morph *m, uint32_t c)
{
    if (grow((void **)&m->cps, &m->cps_cap, m->ncps + 1, sizeof *m->cps) != 0)
        return RL_ENOMEM;
    m->cps[m->ncps++] = c;
    return 0;
}

/* Compiles a hunspell condition ("[^aeiou]y", ".", "ще") into elements: one per character
 * position, each "any", "one of" or "none of" a set of code points. */
static int cond_compile(struct aff_state *st, const char *s, uint32_t *first, uint32_t *count,
                        const char *what)
{
    rl_morph *m = st->m;
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, adv;
    *first = (uint32_t)m->nconds;
    *count = 0;
    if (strcmp(s, ".") == 0)
        return 0; /* hunspell's "no condition" */
    while (i < n) {
        struct rl_cond c;
        if (grow((void **)&m->conds, &m->conds_cap, m->nconds + 1, sizeof *m->conds) != 0)
            return fail(st->errbuf, st->errlen, RL_ENOMEM, "out of memory");
        c.off = (uint32_t)m->ncps;
        c.n = 0;
        if (u[i] == '.') {
            c.kind = COND_ANY;
            i++;
        } else if (u[i] == '[') {
            i++;
            c.kind = COND_SET;
            if (i < n && u[i] == '^') {
                c.kind = COND_NSET;
                i++;
            }
            while (i < n && u[i] != ']') {
                if (cp_add(m, u8_next(u + i, n - i, &adv)) != 0)
                    return fail(st->errbuf, st->errlen, RL_ENOMEM, "out of memory");
                c.n++;
                i += adv;
            }
            if (i >= n || c.n == 0)
                return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: bad %s condition '%s'",
                            st->path, st->line, what, s);
            i++; /* ']' */
        } else if (u[i] == ']') {
            return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: bad %s condition '%s'", st->path,
                        st->line, what, s);
        } else {
            c.kind = COND_SET;
            if (cp_add(m, u8_next(u + i, n - i, &adv)) != 0)
                return fail(st->errbuf, st->errlen, RL_ENOMEM, "out of memory");
            c.n = 1;
            i += adv;
        }
        m->conds[m->nconds++] = c;
        (*count)++;
    }
    return 0;
}

static uint16_t *class_table(rl_morph *m, int pfx)
{
    return pfx ? m->pfx_of : m->sfx_of;
}

static long find_class(const rl_morph *m, uint32_t flag, int pfx)
{
    size_t i;
    if (flag < 256) {
        uint16_t v = pfx ? m->pfx_of[flag] : m->sfx_of[flag];
        return (long)v - 1;
    }
    for (i = 0; i < m->nclasses; i++)
        if (m->classes[i].flag == flag && m->classes[i].pfx == (unsigned char)pfx)
            return (long)i;
    return -1;
}

/* Parses a token that must hold exactly one flag. */
static int one_flag(struct aff_state *st, const char *tok, uint32_t *flag)
{
    size_t i = 0, n = strlen(tok);
    uint32_t f;
    if (n == 0)
        return -1;
    f = next_flag(st->m, tok, n, &i);
    if (f == 0 || i != n)
        return -1;
    *flag = f;
    return 0;
}

static int valid_flags(const rl_morph *m, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n)
        if (next_flag(m, s, n, &i) == 0)
            return 0;
    return 1;
}

static int aff_header(struct aff_state *st, char **tok, int ntok, int pfx)
{
    rl_morph *m = st->m;
    const char *what = pfx ? "PFX" : "SFX";
    uint32_t flag;
    size_t count;
    struct rl_class *c;
    if (ntok < 4 || one_flag(st, tok[1], &flag) != 0 ||
        (strcmp(tok[2], "Y") != 0 && strcmp(tok[2], "N") != 0) || parse_uint(tok[3], &count) != 0)
        return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: bad %s header", st->path, st->line,
                    what);
    if (find_class(m, flag, pfx) >= 0)
        return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: %s flag %s defined twice", st->path,
                    st->line, what, tok[1]);
    if (m->nclasses >= UINT16_MAX - 1)
        return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: too many affix classes", st->path,
                    st->line);
    if (grow((void **)&m->classes, &m->classes_cap, m->nclasses + 1, sizeof *m->classes) != 0)
        return fail(st->errbuf, st->errlen, RL_ENOMEM, "out of memory");
    c = &m->classes[m->nclasses];
    c->flag = flag;
    c->pfx = (unsigned char)pfx;
    c->cross = tok[2][0] == 'Y';
    c->first = (uint32_t)m->nrules;
    c->n = 0;
    if (flag < 256)
        class_table(m, pfx)[flag] = (uint16_t)(m->nclasses + 1);
    st->pending = count;
    st->pending_cls = m->nclasses;
    m->nclasses++;
    return 0;
}

static int aff_rule(struct aff_state *st, char **tok, int ntok, int pfx)
{
    rl_morph *m = st->m;
    const char *what = pfx ? "PFX" : "SFX";
    struct rl_class *c = &m->classes[st->pending_cls];
    struct rl_rule r;
    uint32_t flag;
    char *strip, *add, *slash;
    size_t strip_len, add_len;
    int rc;
    if (ntok < 4 || c->pfx != (unsigned char)pfx || one_flag(st, tok[1], &flag) != 0 ||
        flag != c->flag)
        return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: bad %s line", st->path, st->line,
                    what);
    strip = tok[2];
    add = tok[3];
    /* Continuation classes ("ies/XY") would need a second affix level; accept and drop them. */
    slash = strchr(add, '/');
    if (slash)
        *slash = '\0';
    if (strcmp(strip, "0") == 0)
        strip = strip + 1;
    if (strcmp(add, "0") == 0)
        add = add + 1;
    strip_len = strlen(strip);
    add_len = strlen(add);
    if (grow((void **)&m->rules, &m->rules_cap, m->nrules + 1, sizeof *m->rules) != 0)
        return fail(st->errbuf, st->errlen, RL_ENOMEM, "out of memory");
    if (str_add(m, strip, strip_len, &r.strip) != 0 ||
        str_add(m, strip, strip_len, &r.fstrip) != 0 || str_add(m, add, add_len, &r.add) != 0 ||
        str_add(m, add, add_len, &r.fadd) != 0)
        return fail(st->errbuf, st->errlen, RL_ENOMEM, "out of memory");
    fold(m->strs + r.fstrip, m->strs + r.fstrip, strip_len);
    fold(m->strs + r.fadd, m->strs + r.fadd, add_len);
    r.strip_len = (uint32_t)strip_len;
    r.add_len = (uint32_t)add_len;
    r.cls = (uint32_t)st->pending_cls;
    rc = cond_compile(st, ntok >= 5 ? tok[4] : ".", &r.cond, &r.ncond, what);
    if (rc != 0)
        return rc;
    if (add_len > m->max_add)
        m->max_add = add_len;
    if (strip_len > m->max_strip)
        m->max_strip = strip_len;
    m->rules[m->nrules++] = r;
    c->n++;
    st->pending--;
    return 0;
}

static int aff_special_flag(struct aff_state *st, char **tok, int ntok, uint32_t *dst)
{
    if (ntok < 2 || one_flag(st, tok[1], dst) != 0)
        return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: bad %s line", st->path, st->line,
                    tok[0]);
    return 0;
}

static int aff_af(struct aff_state *st, char **tok, int ntok)
{
    rl_morph *m = st->m;
    size_t cap;
    uint32_t off;
    if (ntok < 2)
        return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: bad AF line", st->path, st->line);
    if (!m->has_af) {
        /* The first AF line holds the number of aliases that follow. */
        if (parse_uint(tok[1], &m->af_count) != 0 || m->af_count > UINT16_MAX)
            return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: bad AF count", st->path,
                        st->line);
        m->has_af = 1;
        cap = m->af_count ? m->af_count : 1;
        m->af_off = malloc(cap * sizeof *m->af_off);
        m->af_len = malloc(cap * sizeof *m->af_len);
        if (!m->af_off || !m->af_len)
            return fail(st->errbuf, st->errlen, RL_ENOMEM, "out of memory");
        return 0;
    }
    if (m->naf >= m->af_count)
        return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: more AF lines than declared",
                    st->path, st->line);
    if (!valid_flags(m, tok[1], strlen(tok[1])) || strlen(tok[1]) > UINT16_MAX)
        return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: bad AF flags", st->path, st->line);
    if (str_add(m, tok[1], strlen(tok[1]), &off) != 0)
        return fail(st->errbuf, st->errlen, RL_ENOMEM, "out of memory");
    m->af_off[m->naf] = off;
    m->af_len[m->naf] = (uint32_t)strlen(tok[1]);
    m->naf++;
    return 0;
}

static int aff_line(struct aff_state *st, char **tok, int ntok)
{
    rl_morph *m = st->m;
    int is_pfx = strcmp(tok[0], "PFX") == 0, is_sfx = strcmp(tok[0], "SFX") == 0;
    if (st->pending > 0) {
        /* hunspell reads exactly `count` rule lines after a header. */
        if (!is_pfx && !is_sfx)
            return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: %zu more %s lines expected",
                        st->path, st->line, st->pending,
                        m->classes[st->pending_cls].pfx ? "PFX" : "SFX");
        return aff_rule(st, tok, ntok, is_pfx);
    }
    if (is_pfx || is_sfx)
        return aff_header(st, tok, ntok, is_pfx);
    if (strcmp(tok[0], "SET") == 0) {
        if (ntok < 2 || (!ascii_ieq(tok[1], "UTF-8") && !ascii_ieq(tok[1], "UTF8")))
            return fail(st->errbuf, st->errlen, RL_EFMT,
                        "%s:%zu: unsupported encoding %s (only UTF-8)", st->path, st->line,
                        ntok < 2 ? "(none)" : tok[1]);
        return 0;
    }
    if (strcmp(tok[0], "FLAG") == 0) {
        /* Flags already parsed would have been read in the wrong encoding. */
        if (m->nclasses > 0 || m->has_af || m->forbidden || m->onlyincompound || m->needaffix)
            return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: FLAG after flags were used",
                        st->path, st->line);
        if (ntok >= 2 && ascii_ieq(tok[1], "UTF-8")) {
            m->utf8_flags = 1;
            return 0;
        }
        return fail(st->errbuf, st->errlen, RL_EFMT, "%s:%zu: FLAG %s is not supported", st->path,
                    st->line, ntok < 2 ? "(none)" : tok[1]);
    }
    if (strcmp(tok[0], "AF") == 0)
        return aff_af(st, tok, ntok);
    if (strcmp(tok[0], "FORBIDDENWORD") == 0)
        return aff_special_flag(st, tok, ntok, &m->forbidden);
    if (strcmp(tok[0], "ONLYINCOMPOUND") == 0)
        return aff_special_flag(st, tok, ntok, &m->onlyincompound);
    if (strcmp(tok[0], "NEEDAFFIX") == 0 || strcmp(tok[0], "PSEUDOROOT") == 0)
        return aff_special_flag(st, tok, ntok, &m->needaffix);
    if (strcmp(tok[0], "FULLSTRIP") == 0)
        m->fullstrip = 1;
    /* Every other directive (TRY, REP, ICONV, COMPOUNDRULE, WORDCHARS...) is irrelevant to
     * generating inflections. */
    return 0;
}

static int parse_aff(rl_morph *m, const char *path, char *errbuf, size_t errlen)
{
    struct aff_state st;
    char *buf, *p, *end;
    size_t size;
    int rc;
    rc = read_file(path, &buf, &size, errbuf, errlen);
    if (rc != 0)
        return rc;
    memset(&st, 0, sizeof st);
    st.m = m;
    st.path = path;
    st.errbuf = errbuf;
    st.errlen = errlen;
    p = buf;
    end = buf + size;
    if (size >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        char *le = memchr(p, '\n', (size_t)(end - p)), *q;
        char *tok[MAX_TOK];
        int ntok = 0;
        if (!le)
            le = end;
        *le = '\0';
        st.line++;
        q = p;
        p = le + 1;
        /* Split on blanks in place; fields past MAX_TOK are morphology or comments. */
        while (ntok < MAX_TOK) {
            while (*q == ' ' || *q == '\t' || *q == '\r')
                q++;
            if (!*q)
                break;
            tok[ntok++] = q;
            while (*q && *q != ' ' && *q != '\t' && *q != '\r')
                q++;
            if (*q)
                *q++ = '\0';
        }
        if (ntok == 0 || tok[0][0] == '#')
            continue;
        rc = aff_line(&st, tok, ntok);
        if (rc != 0) {
            free(buf);
            return rc;
        }
    }
    free(buf);
    if (st.pending > 0)
        return fail(errbuf, errlen, RL_EFMT, "%s:%zu: %zu more %s lines expected at end of file",
                    path, st.line, st.pending, m->classes[st.pending_cls].pfx ? "PFX" : "SFX");
    if (m->has_af && m->naf != m->af_count)
        return fail(errbuf, errlen, RL_EFMT, "%s: %zu AF aliases declared, %zu given", path,
                    m->af_count, m->naf);
    return 0;
}

/* ---- .dic parsing ---------------------------------------------------------------------- */

static int parse_dic(rl_morph *m, const char *path, char *errbuf, size_t errlen)
{
    char *buf, *p, *end, *le, *q;
    size_t size, lines = 1, line = 1, ndigits, tsize, i;
    int rc;
    rc = read_file(path, &buf, &size, errbuf, errlen);
    if (rc != 0)
        return rc;
    m->dic = buf;
    p = buf;
    end = buf + size;
    if (size >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    le = memchr(p, '\n', (size_t)(end - p));
    if (!le)
        le = end;
    /* First line: the approximate word count; only checked, since counting lines is exact. */
    while (p < le && (*p == ' ' || *p == '\t'))
        p++;
    q = p;
    while (p < le && *p >= '0' && *p <= '9')
        p++;
    ndigits = (size_t)(p - q);
    while (p < le && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    if (ndigits == 0 || p != le)
        return fail(errbuf, errlen, RL_EFMT, "%s:1: expected the word count", path);
    p = le < end ? le + 1 : end;
    for (q = p; q < end && (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
        lines++;
    m->entries = malloc(lines * sizeof *m->entries);
    if (!m->entries)
        return fail(errbuf, errlen, RL_ENOMEM, "%s: out of memory", path);
    while (p < end) {
        char *w = p, *we, *fl, *fe;
        int escaped = 0;
        struct rl_entry *e;
        le = memchr(p, '\n', (size_t)(end - p));
        if (!le)
            le = end;
        p = le + 1;
        line++;
        if (le > w && le[-1] == '\r')
            le--;
        if (w == le || *w == ' ' || *w == '\t' || *w == '#')
            continue;
        /* The word ends at an unescaped '/' (flags follow) or at a blank (morphology follows);
         * a '/' in the first position belongs to the word, as in hunspell. */
        for (we = w; we < le; we++) {
            if (*we == '\\' && we + 1 < le && we[1] == '/') {
                escaped = 1;
                we++;
                continue;
            }
            if ((*we == '/' && we > w) || *we == ' ' || *we == '\t')
                break;
        }
        fl = fe = we;
        if (we < le && *we == '/') {
            fl = we + 1;
            for (fe = fl; fe < le && *fe != ' ' && *fe != '\t';)
                fe++;
        }
        if (escaped) {
            char *dst = w, *src;
            for (src = w; src < we; src++) {
                if (*src == '\\' && src + 1 < we && src[1] == '/')
                    src++;
                *dst++ = *src;
            }
            we = dst;
        }
        if ((size_t)(we - w) > UINT16_MAX || (size_t)(fe - fl) > UINT16_MAX)
            return fail(errbuf, errlen, RL_EFMT, "%s:%zu: line too long", path, line);
        e = &m->entries[m->nentries];
        e->word = (uint32_t)(w - buf);
        e->word_len = (uint16_t)(we - w);
        if (m->has_af && fe > fl) {
            size_t idx;
            char save = *fe;
            *fe = '\0';
            rc = parse_uint(fl, &idx);
            *fe = save;
            if (rc != 0 || idx == 0 || idx > m->naf)
                return fail(errbuf, errlen, RL_EFMT, "%s:%zu: bad flag alias", path, line);
            e->flags = m->af_off[idx - 1];
            e->flags_len = (uint16_t)m->af_len[idx - 1];
        } else if (m->has_af) {
            e->flags = 0; /* no flags: the offset is never read */
            e->flags_len = 0;
        } else {
            if (m->utf8_flags && !valid_flags(m, fl, (size_t)(fe - fl)))
                return fail(errbuf, errlen, RL_EFMT, "%s:%zu: bad UTF-8 flags", path, line);
            e->flags = (uint32_t)(fl - buf);
            e->flags_len = (uint16_t)(fe - fl);
        }
        if (e->word_len == 0)
            continue;
        m->nentries++;
    }
    m->fdic = malloc(size + 1);
    if (!m->fdic)
        return fail(errbuf, errlen, RL_ENOMEM, "%s: out of memory", path);
    fold(m->fdic, buf, size);
    m->fdic[size] = '\0';
    tsize = 16;
    while (tsize < m->nentries * 2)
        tsize *= 2;
    m->tab = calloc(tsize, sizeof *m->tab);
    if (!m->tab)
        return fail(errbuf, errlen, RL_ENOMEM, "%s: out of memory", path);
    m->tmask = tsize - 1;
    for (i = 0; i < m->nentries; i++) {
        const struct rl_entry *e = &m->entries[i];
        size_t h = hash_bytes(m->fdic + e->word, e->word_len) & m->tmask;
        while (m->tab[h])
            h = (h + 1) & m->tmask;
        m->tab[h] = (uint32_t)(i + 1);
    }
    return 0;
}

void replylint__morph_free(rl_morph *m)
{
    if (!m)
        return;
    free(m->dic);
    free(m->fdic);
    free(m->entries);
    free(m->tab);
    free(m->strs);
    free(m->cps);
    free(m->conds);
    free(m->rules);
    free(m->classes);
    free(m->af_off);
    free(m->af_len);
    free(m);
}

int replylint__morph_load(rl_morph **out, const char *aff_path, const char *dic_path, char *errbuf,
                          size_t errlen)
{
    rl_morph *m;
    int rc;
    if (errbuf && errlen > 0)
        errbuf[0] = '\0';
    if (!out)
        return fail(errbuf, errlen, RL_EFMT, "morph: no output pointer");
    *out = NULL;
    if (!aff_path || !dic_path)
        return fail(errbuf, errlen, RL_EIO, "morph: missing file name");
    m = calloc(1, sizeof *m);
    if (!m)
        return fail(errbuf, errlen, RL_ENOMEM, "out of memory");
    rc = parse_aff(m, aff_path, errbuf, errlen);
    if (rc == 0)
        rc = parse_dic(m, dic_path, errbuf, errlen);
    if (rc != 0) {
        replylint__morph_free(m);
        return rc;
    }
    /* The aliases were resolved into the entries; only the strings they point to remain. */
    free(m->af_off);
    free(m->af_len);
    m->af_off = NULL;
    m->af_len = NULL;
    *out = m;
    return 0;
}

/* ---- affix application ----------------------------------------------------------------- */

static int cond_elem(const rl_morph *m, const struct rl_cond *c, uint32_t ch)
{
    uint32_t i;
    int in = 0;
    if (c->kind == COND_ANY)
        return 1;
    for (i = 0; i < c->n; i++)
        if (m->cps[c->off + i] == ch) {
            in = 1;
            break;
        }
    return c->kind == COND_SET ? in : !in;
}

static int cond_match(const rl_morph *m, const struct rl_rule *r, const char *w, size_t n, int pfx)
{
    const unsigned char *u = (const unsigned char *)w;
    size_t pos, adv;
    uint32_t k;
    if (pfx) {
        pos = 0;
        for (k = 0; k < r->ncond; k++) {
            if (pos >= n)
                return 0;
            if (!cond_elem(m, &m->conds[r->cond + k], u8_next(u + pos, n - pos, &adv)))
                return 0;
            pos += adv;
        }
        return 1;
    }
    pos = n;
    for (k = r->ncond; k-- > 0;) {
        if (pos == 0)
            return 0;
        if (!cond_elem(m, &m->conds[r->cond + k], u8_prev(u, &pos)))
            return 0;
    }
    return 1;
}

/* Applies rule r to w[0..n) into out (room for n + r->add_len bytes), following hunspell's
 * checks: the stem must be longer than the strip (unless FULLSTRIP), end (start) with the strip,
 * and satisfy the condition.  Returns the new length or RL_NOFORM. */
static size_t apply_rule(const rl_morph *m, const struct rl_rule *r, const char *w, size_t n,
                         char *out)
{
    const char *strip = m->strs + r->strip, *add = m->strs + r->add;
    int pfx = m->classes[r->cls].pfx;
    size_t len;
    if (n < r->strip_len || (n == r->strip_len && !m->fullstrip))
        return RL_NOFORM;
    if (pfx ? memcmp(w, strip, r->strip_len) != 0
            : memcmp(w + n - r->strip_len, strip, r->strip_len) != 0)
        return RL_NOFORM;
    if (!cond_match(m, r, w, n, pfx))
        return RL_NOFORM;
    len = n - r->strip_len + r->add_len;
    if (len == 0)
        return RL_NOFORM;
    if (pfx) {
        memmove(out + r->add_len, w + r->strip_len, n - r->strip_len);
        memcpy(out, add, r->add_len);
    } else {
        memmove(out, w, n - r->strip_len);
        memcpy(out + n - r->strip_len, add, r->add_len);
    }
    return len;
}

static int entry_has_flag(const rl_morph *m, const struct rl_entry *e, uint32_t flag)
{
    const char *fl = (m->has_af ? m->strs : m->dic) + e->flags;
    size_t i = 0;
    if (flag == 0)
        return 0;
    while (i < e->flags_len)
        if (next_flag(m, fl, e->flags_len, &i) == flag)
            return 1;
    return 0;
}

/* Headwords marked forbidden or compound-only are not words a phrase can be built from. */
static int entry_usable(const rl_morph *m, const struct rl_entry *e)
{
    return !entry_has_flag(m, e, m->forbidden) && !entry_has_flag(m, e, m->onlyincompound);
}

/* Next entry whose folded spelling is key, continuing from *slot; -1 when there is none. */
static long lookup_next(const rl_morph *m, const char *key, size_t klen, size_t *slot)
{
    for (;;) {
        uint32_t v = m->tab[*slot];
        const struct rl_entry *e;
        if (!v)
            return -1;
        *slot = (*slot + 1) & m->tmask;
        e = &m->entries[v - 1];
        if (e->word_len == klen && memcmp(m->fdic + e->word, key, klen) == 0)
            return (long)(v - 1);
    }
}

static size_t lookup_start(const rl_morph *m, const char *key, size_t klen)
{
    return hash_bytes(key, klen) & m->tmask;
}

/* ---- forms ------------------------------------------------------------------------------ */

struct lemma {
    uint32_t entry;
    long pfx; /* PFX rule the word carries, or -1 */
};

struct buf {
    char *p;
    size_t cap;
};

struct ctx {
    const rl_morph *m;
    int (*emit)(void *ud, const char *form, size_t len);
    void *ud;
    int count;
    const char *key; /* the folded word */
    size_t klen;
    /* Distinct forms emitted so far: bytes in fs_data, (offset, length) pairs in fs_ent and an
     * open-addressing index (entry + 1) in fs_tab. */
    char *fs_data;
    size_t fs_len, fs_cap;
    uint32_t *fs_ent;
    size_t fs_n, fs_ent_cap;
    uint32_t *fs_tab;
    size_t fs_tcap;
    struct lemma *lem;
    size_t nlem, lem_cap;
    struct buf g1, g2, s1, s2;
};

static int buf_reserve(struct buf *b, size_t n)
{
    char *np;
    if (n <= b->cap)
        return 0;
    np = realloc(b->p, n);
    if (!np)
        return RL_ENOMEM;
    b->p = np;
    b->cap = n;
    return 0;
}

static int fs_rehash(struct ctx *c, size_t tcap)
{
    uint32_t *t = calloc(tcap, sizeof *t);
    size_t i;
    if (!t)
        return RL_ENOMEM;
    for (i = 0; i < c->fs_n; i++) {
        size_t h = hash_bytes(c->fs_data + c->fs_ent[2 * i], c->fs_ent[2 * i + 1]) & (tcap - 1);
        while (t[h])
            h = (h + 1) & (tcap - 1);
        t[h] = (uint32_t)(i + 1);
    }
    free(c->fs_tab);
    c->fs_tab = t;
    c->fs_tcap = tcap;
    return 0;
}

/* Folds s in place and emits it unless it was emitted before. */
static int out_form(struct ctx *c, char *s, size_t n)
{
    size_t h;
    uint32_t v;
    int rc;
    fold(s, s, n);
    if ((c->fs_n + 1) * 2 > c->fs_tcap && fs_rehash(c, c->fs_tcap ? c->fs_tcap * 2 : 64) != 0)
        return RL_ENOMEM;
    h = hash_bytes(s, n) & (c->fs_tcap - 1);
    while ((v = c->fs_tab[h]) != 0) {
        if (c->fs_ent[2 * (v - 1) + 1] == n &&
            memcmp(c->fs_data + c->fs_ent[2 * (v - 1)], s, n) == 0)
            return 0;
        h = (h + 1) & (c->fs_tcap - 1);
    }
    if (n > UINT32_MAX - c->fs_len || c->fs_n >= UINT32_MAX - 1 ||
        grow((void **)&c->fs_data, &c->fs_cap, c->fs_len + n, 1) != 0 ||
        grow((void **)&c->fs_ent, &c->fs_ent_cap, 2 * c->fs_n + 2, sizeof *c->fs_ent) != 0)
        return RL_ENOMEM;
    memcpy(c->fs_data + c->fs_len, s, n);
    c->fs_ent[2 * c->fs_n] = (uint32_t)c->fs_len;
    c->fs_ent[2 * c->fs_n + 1] = (uint32_t)n;
    c->fs_len += n;
    c->fs_n++;
    c->fs_tab[h] = (uint32_t)c->fs_n;
    rc = c->emit(c->ud, s, n);
    if (rc < 0)
        return rc;
    c->count++;
    return 0;
}

static int add_lemma(struct ctx *c, uint32_t entry, long pfx)
{
    size_t i;
    for (i = 0; i < c->nlem; i++)
        if (c->lem[i].entry == entry && c->lem[i].pfx == pfx)
            return 0;
    if (grow((void **)&c->lem, &c->lem_cap, c->nlem + 1, sizeof *c->lem) != 0)
        return RL_ENOMEM;
    c->lem[c->nlem].entry = entry;
    c->lem[c->nlem].pfx = pfx;
    c->nlem++;
    return 0;
}

/* Accepts entry as a lemma if generating forward with suffix rule sfx and/or prefix rule pfx
 * (-1 = none) reproduces the folded word exactly. */
static int verify(struct ctx *c, uint32_t entry, long sfx, long pfx)
{
    const rl_morph *m = c->m;
    const struct rl_entry *e = &m->entries[entry];
    const char *w = m->dic + e->word;
    size_t n = e->word_len, need = n + 2 * m->max_add + 1;
    if (buf_reserve(&c->g1, need) != 0)
        return RL_ENOMEM;
    memcpy(c->g1.p, w, n);
    if (sfx >= 0 && (n = apply_rule(m, &m->rules[sfx], c->g1.p, n, c->g1.p)) == RL_NOFORM)
        return 0;
    if (pfx >= 0 && (n = apply_rule(m, &m->rules[pfx], c->g1.p, n, c->g1.p)) == RL_NOFORM)
        return 0;
    if (n != c->klen)
        return 0;
    fold(c->g1.p, c->g1.p, n);
    if (memcmp(c->g1.p, c->key, n) != 0)
        return 0;
    return add_lemma(c, entry, pfx);
}

/* Tries every headword spelled stem[0..slen) that carries the flags of sfx and pfx. */
static int try_stem(struct ctx *c, const char *stem, size_t slen, long sfx, long pfx)
{
    const rl_morph *m = c->m;
    size_t slot = lookup_start(m, stem, slen);
    long idx;
    uint32_t sflag = sfx >= 0 ? m->classes[m->rules[sfx].cls].flag : 0;
    uint32_t pflag = pfx >= 0 ? m->classes[m->rules[pfx].cls].flag : 0;
    while ((idx = lookup_next(m, stem, slen, &slot)) >= 0) {
        const struct rl_entry *e = &m->entries[idx];
        int rc;
        if ((sfx >= 0 && !entry_has_flag(m, e, sflag)) ||
            (pfx >= 0 && !entry_has_flag(m, e, pflag)) || !entry_usable(m, e))
            continue;
        rc = verify(c, (uint32_t)idx, sfx, pfx);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Undoes each suffix rule (cross-product ones only when a prefix was undone) on w[0..n). */
static int undo_suffixes(struct ctx *c, const char *w, size_t n, long pfx)
{
    const rl_morph *m = c->m;
    size_t ci, k;
    if (buf_reserve(&c->s2, n + m->max_strip + 1) != 0)
        return RL_ENOMEM;
    for (ci = 0; ci < m->nclasses; ci++) {
        const struct rl_class *cl = &m->classes[ci];
        if (cl->pfx || (pfx >= 0 && !cl->cross))
            continue;
        for (k = cl->first; k < cl->first + cl->n; k++) {
            const struct rl_rule *r = &m->rules[k];
            size_t base;
            int rc;
            if (r->add_len > n || memcmp(w + n - r->add_len, m->strs + r->fadd, r->add_len) != 0)
                continue;
            base = n - r->add_len;
            if (base + r->strip_len == 0 || (base == 0 && !m->fullstrip))
                continue;
            memcpy(c->s2.p, w, base);
            memcpy(c->s2.p + base, m->strs + r->fstrip, r->strip_len);
            rc = try_stem(c, c->s2.p, base + r->strip_len, (long)k, pfx);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* Undoes each prefix rule on the word; with_suffix also undoes a cross-product suffix after it. */
static int undo_prefixes(struct ctx *c, int with_suffix)
{
    const rl_morph *m = c->m;
    const char *key = c->key;
    size_t klen = c->klen, ci, k;
    int rc;
    if (buf_reserve(&c->s1, klen + m->max_strip + 1) != 0)
        return RL_ENOMEM;
    for (ci = 0; ci < m->nclasses; ci++) {
        const struct rl_class *cl = &m->classes[ci];
        if (!cl->pfx)
            continue;
        for (k = cl->first; k < cl->first + cl->n; k++) {
            const struct rl_rule *r = &m->rules[k];
            size_t rest, tlen;
            if (r->add_len > klen || memcmp(key, m->strs + r->fadd, r->add_len) != 0)
                continue;
            rest = klen - r->add_len;
            if (rest + r->strip_len == 0 || (rest == 0 && !m->fullstrip))
                continue;
            memcpy(c->s1.p, m->strs + r->fstrip, r->strip_len);
            memcpy(c->s1.p + r->strip_len, key + r->add_len, rest);
            tlen = r->strip_len + rest;
            rc = try_stem(c, c->s1.p, tlen, -1, (long)k);
            if (rc == 0 && with_suffix && cl->cross)
                rc = undo_suffixes(c, c->s1.p, tlen, (long)k);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

static int find_lemmas(struct ctx *c)
{
    const rl_morph *m = c->m;
    size_t slot = lookup_start(m, c->key, c->klen);
    long idx;
    int rc;
    while ((idx = lookup_next(m, c->key, c->klen, &slot)) >= 0)
        if (entry_usable(m, &m->entries[idx]) && (rc = add_lemma(c, (uint32_t)idx, -1)) != 0)
            return rc;
    if (c->nlem > 0) {
        /* A headword may also be spelled as prefix + another headword, which is hunspell's own
         * reading of en "inconvenience" (in + convenience/IMS): that reading is the same word in
         * dictionary form, not an inflection, and en_US gives the plural only through it
         * (inconvenience/GD has no S flag).  Suffixes are not undone here, so a dictionary form
         * never picks up lemmas it is merely an inflection of. */
        return undo_prefixes(c, 0);
    }
    rc = undo_suffixes(c, c->key, c->klen, -1);
    if (rc == 0)
        rc = undo_prefixes(c, 1);
    return rc;
}

static int gen_lemma(struct ctx *c, const struct lemma *l)
{
    const rl_morph *m = c->m;
    const struct rl_entry *e = &m->entries[l->entry];
    const char *w = m->dic + e->word, *fl = (m->has_af ? m->strs : m->dic) + e->flags;
    const struct rl_rule *pr = l->pfx >= 0 ? &m->rules[l->pfx] : NULL;
    size_t n = e->word_len, i = 0, k, len;
    int rc;
    if (buf_reserve(&c->g1, n + m->max_add + 1) != 0 ||
        buf_reserve(&c->g2, n + 2 * m->max_add + 1) != 0)
        return RL_ENOMEM;
    /* The bare headword, unless the dictionary says it only exists with an affix (a prefix
     * satisfies that). */
    if (pr || !entry_has_flag(m, e, m->needaffix)) {
        memcpy(c->g2.p, w, n);
        len = pr ? apply_rule(m, pr, c->g2.p, n, c->g2.p) : n;
        if (len != RL_NOFORM && (rc = out_form(c, c->g2.p, len)) != 0)
            return rc;
    }
    while (i < e->flags_len) {
        uint32_t f = next_flag(m, fl, e->flags_len, &i);
        long ci = find_class(m, f, 0);
        const struct rl_class *cl;
        if (ci < 0)
            continue;
        cl = &m->classes[ci];
        if (pr && !(cl->cross && m->classes[pr->cls].cross))
            continue;
        for (k = cl->first; k < cl->first + cl->n; k++) {
            len = apply_rule(m, &m->rules[k], w, n, c->g1.p);
            if (len == RL_NOFORM)
                continue;
            if (pr) {
                memcpy(c->g2.p, c->g1.p, len);
                len = apply_rule(m, pr, c->g2.p, len, c->g2.p);
                if (len == RL_NOFORM)
                    continue;
                rc = out_form(c, c->g2.p, len);
            } else {
                rc = out_form(c, c->g1.p, len);
            }
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

int replylint__morph_forms(const rl_morph *m, const char *word, size_t len,
                           int (*emit)(void *ud, const char *form, size_t len), void *ud)
{
    struct ctx c;
    char *key;
    size_t i;
    int rc;
    if (!m || !emit || (!word && len > 0))
        return RL_EFMT;
    if (len == 0)
        return 0;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.emit = emit;
    c.ud = ud;
    key = malloc(len);
    if (buf_reserve(&c.g1, len) != 0 || !key) {
        free(key);
        free(c.g1.p);
        return RL_ENOMEM;
    }
    fold(key, word, len);
    c.key = key;
    c.klen = len;
    memcpy(c.g1.p, key, len);
    rc = out_form(&c, c.g1.p, len);
    if (rc == 0)
        rc = find_lemmas(&c);
    for (i = 0; rc == 0 && i < c.nlem; i++)
        rc = gen_lemma(&c, &c.lem[i]);
    free(key);
    free(c.fs_data);
    free(c.fs_ent);
    free(c.fs_tab);
    free(c.lem);
    free(c.g1.p);
    free(c.g2.p);
    free(c.s1.p);
    free(c.s2.p);
    return rc != 0 ? rc : c.count;
}
