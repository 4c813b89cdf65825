/*
 * pathological.c: inputs built to hurt, each of which must finish (linearly) or be refused
 * with a clear error: never a crash, never a hang.  Results are checked; times are only
 * printed (no timing assertion: CI machines are shared), and the linearity table (1, 2
 * and 4 MiB of each shape) is what docs/reliability.md reports.
 *
 *   pathological            checks + a table of times
 *   pathological --max-mb N largest size of the linearity table (default 4; 0 skips it)
 *   pathological --quick    the same shapes at 16 KiB, no 10 MiB lint: for valgrind
 *   pathological --no-jit   the default rules with REPLYLINT_BUILD_NO_JIT: PCRE2's
 *                           interpreter, as under valgrind or without executable memory
 *
 * Exit status 0 if every check passed.  The closing line is "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "replylint.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int passed, failed;
static replylint_ruleset *rules;
static size_t shape_bytes = REPLYLINT_DEFAULT_MAX_BYTES; /* --quick: 16 KiB */
static int quick;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                 \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A buffer of `len` bytes repeating `unit` (truncated at a code point boundary). */
static char *repeat(const char *unit, size_t ulen, size_t len, size_t *out_len)
{
    char *s = malloc(len + 1);
    if (!s)
        abort();
    size_t n = 0;
    while (n + ulen <= len) {
        memcpy(s + n, unit, ulen);
        n += ulen;
    }
    s[n] = '\0';
    *out_len = n;
    return s;
}

typedef struct result {
    int rc;
    int incomplete; /* replylint_report_incomplete */
    size_t diags;
    double lint_s, fix_s;
    size_t err_offset;
    char msg[512];
} result;

/* Lint and fix `text`; the times of each. */
static result run(const char *text, size_t len, size_t max_bytes, const char *name)
{
    result r;
    memset(&r, 0, sizeof(r));
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.max_bytes = max_bytes;
    o.customer_name = name;
    replylint_report *rep = NULL;
    replylint_error err;
    memset(&err, 0, sizeof(err));
    double t0 = now();
    r.rc = replylint_lint(&rep, rules, text, len, &o, &err);
    r.lint_s = now() - t0;
    if (r.rc == REPLYLINT_OK) {
        r.diags = replylint_report_count(rep);
        r.incomplete = replylint_report_incomplete(rep);
        replylint_report_free(rep);
    } else {
        r.err_offset = err.offset;
        snprintf(r.msg, sizeof(r.msg), "%s", err.message);
    }
    char *fixed = NULL;
    size_t fl = 0;
    t0 = now();
    int rc2 = replylint_fix(&fixed, &fl, rules, text, len, &o, &err);
    r.fix_s = now() - t0;
    CHECK(rc2 == r.rc, "fix rc %d, lint rc %d", rc2, r.rc);
    if (rc2 == REPLYLINT_OK)
        CHECK(fixed != NULL && fixed[fl] == '\0', "fix result");
    replylint_free(fixed);
    return r;
}

static void report(const char *what, size_t len, const result *r)
{
    printf("  %-44s %9zu B  rc %3d  %6zu diags  lint %8.3f s  fix %8.3f s%s\n", what, len, r->rc,
           r->diags, r->lint_s, r->fix_s, r->incomplete ? "  incomplete" : "");
}

/* ---- shapes --------------------------------------------------------------------------- */

static const char ru_para[] =
    "Здравствуйте, Ирина! Денежные средства будут возвращены в ближайшее время. Приносим "
    "извинения за доставленные неудобства. С уважением, Служба поддержки\n\n";
static const char en_para[] =
    "Hi John, please be advised that we apologize for any inconvenience. Your refund is "
    "on its way ASAP!!! Best regards, Support Team 😀\n\n";

typedef struct shape {
    const char *name;
    const char *unit;
    size_t ulen;
} shape;

#define S(name, lit)                                                                               \
    {                                                                                              \
        name, lit, sizeof(lit) - 1                                                                 \
    }
static const shape shapes[] = {
    S("realistic replies (ru+en)", "Здравствуйте, Ирина! Денежные средства будут возвращены в "
                                   "ближайшее время. Hi John, please be advised!!! 😀\n\n"),
    S("one word of letters (a)", "a"),
    S("one word of Cyrillic letters", "ж"),
    S("only '!'", "!"),
    S("'!?' alternating", "!?"),
    S("only combining marks (U+0301)", "\xcc\x81"),
    S("only NUL bytes", "\0"),
    S("only spaces and newlines", " \n"),
    S("one sentence, no punctuation", "слово word "),
    S("a line per word", "Слово\n"),
    S("capitals (shouting)", "СРОЧНО ASAP "),
    S("emoji with skin tones + ZWJ", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd\xe2\x80\x8d"),
    S("phrase hits back to back", "денежные средства "),
};

static void size_checks(void)
{
    printf("== size limits\n");
    size_t len;
    char *ten = repeat(ru_para, sizeof(ru_para) - 1, 10u << 20, &len);
    result r = run(ten, len, 0, NULL);
    report("10 MiB reply, default max_bytes", len, &r);
    CHECK(r.rc == REPLYLINT_ETOOBIG, "rc %d", r.rc);
    CHECK(strstr(r.msg, "max_bytes") != NULL, "message '%s' should name options.max_bytes", r.msg);
    if (quick) {
        free(ten);
        return;
    }
    r = run(ten, len, 16u << 20, NULL);
    report("10 MiB reply, max_bytes 16 MiB", len, &r);
    CHECK(r.rc == REPLYLINT_OK, "rc %d %s", r.rc, r.msg);
    CHECK(r.diags > 0, "no findings in 10 MiB of bad replies");
    /* Ordinary text, however long: no search of the default rules stops at a limit. */
    CHECK(!r.incomplete, "10 MiB of replies: a search stopped at a limit");
    free(ten);

    char *en = repeat(en_para, sizeof(en_para) - 1, REPLYLINT_DEFAULT_MAX_BYTES, &len);
    r = run(en, len, 0, NULL);
    report("just under 1 MiB, default max_bytes", len, &r);
    CHECK(r.rc == REPLYLINT_OK, "rc %d %s", r.rc, r.msg);
    CHECK(!r.incomplete, "1 MiB of replies: a search stopped at a limit");
    free(en);
    char *exact = repeat("a", 1, REPLYLINT_DEFAULT_MAX_BYTES, &len);
    r = run(exact, len, 0, NULL);
    report("exactly 1 MiB", len, &r);
    CHECK(r.rc == REPLYLINT_OK, "rc %d %s", r.rc, r.msg);
    free(exact);
    char *over = repeat("a", 1, REPLYLINT_DEFAULT_MAX_BYTES + 1, &len);
    r = run(over, len, 0, NULL);
    report("1 MiB + 1 byte", len, &r);
    CHECK(r.rc == REPLYLINT_ETOOBIG, "rc %d", r.rc);
    free(over);
}

static void shape_checks(void)
{
    printf("== pathological shapes, %zu KiB each (default limit)\n", shape_bytes >> 10);
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        size_t len;
        char *s = repeat(shapes[i].unit, shapes[i].ulen, shape_bytes, &len);
        result r = run(s, len, 0, NULL);
        report(shapes[i].name, len, &r);
        CHECK(r.rc == REPLYLINT_OK, "%s: rc %d %s", shapes[i].name, r.rc, r.msg);
        if (i == 0) /* the realistic shape; the others may stop at a limit, and say so */
            CHECK(!r.incomplete, "%s: a search stopped at a limit", shapes[i].name);
        free(s);
    }
}

/* Invalid UTF-8: EUTF8 at the offset of the first ill-formed sequence's first byte. */
static void utf8_checks(void)
{
    printf("== invalid UTF-8 (EUTF8 and its offset)\n");
    static const struct {
        const char *what;
        const char *bytes;
        size_t len, offset;
    } cases[] = {
        {"overlong '/' (C0 AF)", "ab\xc0\xaf", 4, 2},
        {"overlong NUL (C0 80)", "\xc0\x80", 2, 0},
        {"overlong 3-byte (E0 80 AF)", "xyz\xe0\x80\xaf", 6, 3},
        {"overlong 4-byte (F0 80 80 AF)", "\xf0\x80\x80\xaf", 4, 0},
        {"surrogate U+D800 (ED A0 80)", "Привет \xed\xa0\x80!", 17, 13},
        {"surrogate U+DFFF (ED BF BF)", "\xed\xbf\xbf", 3, 0},
        {"surrogate pair as UTF-8 (CESU)", "a\xed\xa0\xbd\xed\xb8\x80", 7, 1},
        {"above U+10FFFF (F4 90 80 80)", "ok \xf4\x90\x80\x80", 7, 3},
        {"F5 lead byte", "\xf5\x80\x80\x80", 4, 0},
        {"FF byte", "abc\xff", 4, 3},
        {"lone continuation byte", "ab\x80", 3, 2},
        {"truncated 2-byte at the end", "Да\xd0", 5, 4},
        {"truncated 3-byte at the end", "x\xe2\x82", 3, 1},
        {"truncated 4-byte at the end", "x\xf0\x9f\x98", 4, 1},
        {"lead byte then ASCII",
         "\xd0"
         "a",
         2, 0},
        {"valid emoji then bad byte", "\xf0\x9f\x98\x80\xfe", 5, 4},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        /* Exact-size buffer: no read past the end goes unnoticed under ASan/valgrind. */
        char *buf = malloc(cases[i].len);
        memcpy(buf, cases[i].bytes, cases[i].len);
        result r = run(buf, cases[i].len, 0, NULL);
        CHECK(r.rc == REPLYLINT_EUTF8, "%s: rc %d", cases[i].what, r.rc);
        CHECK(r.err_offset == cases[i].offset, "%s: offset %zu, expected %zu", cases[i].what,
              r.err_offset, cases[i].offset);
        char expect[64];
        snprintf(expect, sizeof(expect), "byte %zu", cases[i].offset);
        CHECK(strstr(r.msg, expect) != NULL, "%s: message '%s' should say '%s'", cases[i].what,
              r.msg, expect);
        free(buf);
        printf("  %-44s EUTF8 at %zu: %s\n", cases[i].what, r.err_offset, r.msg);
    }
    /* A bad byte at the very end of 1 MiB: found, at the right offset, in linear time. */
    size_t len;
    char *s = repeat("ж", 2, shape_bytes - 2, &len);
    s[len] = '\xff';
    result r = run(s, len + 1, 0, NULL);
    report("Cyrillic letters then one bad byte", len + 1, &r);
    CHECK(r.rc == REPLYLINT_EUTF8 && r.err_offset == len, "rc %d offset %zu", r.rc, r.err_offset);
    free(s);
    /* NUL bytes are valid UTF-8: linted, not refused. */
    static const char nul[] = "Здравствуйте!\0Денежные\0средства.";
    r = run(nul, sizeof(nul) - 1, 0, NULL);
    CHECK(r.rc == REPLYLINT_OK, "NUL bytes: rc %d %s", r.rc, r.msg);
}

/* Names are inputs of every call and have no size limit of their own. */
static void name_checks(void)
{
    printf("== long customer names\n");
    size_t len, nl;
    char *reply = repeat(ru_para, sizeof(ru_para) - 1, quick ? 16u << 10 : 256u << 10, &len);
    char *name = repeat("Иван ", 9, 64u << 10, &nl);
    result r = run(reply, len, 0, name);
    report("a reply with a 64 KiB name (7k words)", len, &r);
    CHECK(r.rc == REPLYLINT_OK || r.rc == REPLYLINT_ETOOBIG || r.rc == REPLYLINT_EINVAL, "rc %d",
          r.rc);
    free(name);
    name = repeat("\xcc\x81", 2, 4096, &nl); /* only combining marks */
    r = run(reply, len, 0, name);
    report("a reply with a name of combining marks", len, &r);
    CHECK(r.rc == REPLYLINT_OK || r.rc == REPLYLINT_EINVAL, "rc %d", r.rc);
    free(name);
    free(reply);
}

static void linearity(int max_mb)
{
    if (max_mb <= 0)
        return;
    printf("== linearity: lint time (s) at 1, 2, ... %d MiB (max_bytes raised)\n", max_mb);
    printf("  %-44s", "shape");
    for (int mb = 1; mb <= max_mb; mb *= 2)
        printf(" %7d MiB", mb);
    printf("   ratio %d:1\n", max_mb);
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        printf("  %-44s", shapes[i].name);
        double first = 0, last = 0;
        for (int mb = 1; mb <= max_mb; mb *= 2) {
            size_t len;
            char *s = repeat(shapes[i].unit, shapes[i].ulen, (size_t)mb << 20, &len);
            replylint_options o;
            replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
            o.max_bytes = (size_t)max_mb << 20;
            replylint_report *rep = NULL;
            double t0 = now();
            int rc = replylint_lint(&rep, rules, s, len, &o, NULL);
            last = now() - t0;
            if (mb == 1)
                first = last;
            CHECK(rc == REPLYLINT_OK, "%s at %d MiB: rc %d", shapes[i].name, mb, rc);
            replylint_report_free(rep);
            free(s);
            printf(" %11.3f", last);
            fflush(stdout);
        }
        printf("   %6.1f\n", first > 0 ? last / first : 0.0);
    }
}

int main(int argc, char **argv)
{
    int max_mb = 4;
    unsigned flags = 0;
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress shows under ctest and valgrind */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--max-mb") == 0 && i + 1 < argc)
            max_mb = atoi(argv[++i]);
        else if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
            shape_bytes = 16u << 10;
        } else if (strcmp(argv[i], "--no-jit") == 0)
            flags |= REPLYLINT_BUILD_NO_JIT;
    replylint_error err;
    replylint_builder *b = NULL;
    if (replylint_builder_new(&b, flags, NULL, &err) != 0 ||
        replylint_builder_compile(&rules, b, &err) != 0) {
        printf("default rules: %s\n", err.message);
        return 1;
    }
    replylint_builder_free(b);
    printf("== default rules, regexes %s\n", flags & REPLYLINT_BUILD_NO_JIT
                                                 ? "interpreted (REPLYLINT_BUILD_NO_JIT)"
                                                 : "JIT-compiled where PCRE2 can");
    size_checks();
    shape_checks();
    utf8_checks();
    name_checks();
    linearity(max_mb);
    replylint_ruleset_free(rules);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
