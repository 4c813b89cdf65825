/*
 * check_segment.c: sentence boundaries.  Most lines are split by segment.c's own reading
 * of UAX #29 over a table of Sentence_Break values; the rest by ICU.  Both must agree on
 * every text: the hand-picked cases below, and thousands of random mixes of the characters
 * the rules care about (terminators, closers, spaces, separators, cases, digits, combining
 * and format characters, emoji).
 */
#include "segment.h"
#include "helpers.h"
#include "suites.h"

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static rl_sentencer *sz;

static void setup(void)
{
    sz = replylint__sentencer_new();
    ck_assert_ptr_nonnull(sz);
}

static void teardown(void)
{
    replylint__sentencer_free(sz);
}

/* Both ways agree on text; returns the number of boundaries. */
static long agree(const char *text, size_t len)
{
    uint32_t *a = malloc((len + 1) * sizeof(uint32_t));
    uint32_t *b = malloc((len + 1) * sizeof(uint32_t));
    ck_assert(a && b);
    long na = replylint__sentence_ends(sz, text, len, false, a, len + 1);
    long nb = replylint__sentence_ends(sz, text, len, true, b, len + 1);
    ck_assert_msg(na == nb, "%ld vs ICU %ld boundaries in \"%.*s\"", na, nb, (int)len, text);
    for (long k = 0; k < na; k++)
        ck_assert_msg(a[k] == b[k], "boundary %ld: %u vs ICU %u in \"%.*s\"", k, a[k], b[k],
                      (int)len, text);
    free(a);
    free(b);
    return na;
}

START_TEST(test_known_cases)
{
    static const struct {
        const char *text;
        long n;
    } cases[] = {
        {"", 0},
        {"Hello", 1},
        {"Hello. World.", 2},
        {"Hello.\nWorld", 2},
        {"Price is 3.5 dollars. Ok", 2},      /* SB6 */
        {"Made in the U.S.A. today.", 1},     /* SB7, SB8 */
        {"etc. and so on. Then", 2},          /* SB8 */
        {"Really?! Yes.", 2},                 /* SB8a */
        {"He said \"Stop.\" Then left.", 2},  /* Close* Sp* */
        {"Line one\r\nLine two", 2},          /* SB3, SB4 */
        {"Т.е. всё хорошо. Спасибо!", 2},     /* Cyrillic lower after ATerm */
        {"Готово… Что-то ещё?", 1},           /* … is no terminator */
        {"Ok 👍🏽. Thanks 😀! Bye", 3}, /* emoji, skin tone: Extend */
        {"中文。English. More", 3},           /* not tabled: ICU */
        {"A\xC2\x85"
         "B\xE2\x80\xA8"
         "C",
         3},                 /* NEL, LINE SEPARATOR */
        {"x.\xCC\x81 Y", 2}, /* combining mark after ATerm */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long n = agree(cases[i].text, strlen(cases[i].text));
        ck_assert_msg(n == cases[i].n, "\"%s\": %ld sentences, want %ld", cases[i].text, n,
                      cases[i].n);
    }
}
END_TEST

START_TEST(test_random_mixes)
{
    static const char *const atoms[] = {
        ". ", ".", " ", "!", "?", "\xE2\x80\xA6", "\xE2\x80\xBC", "\xC2\xBB", "\xC2\xAB", "\"", "'",
        "(", ")", "[", "]", ",", ";", ":", "-", "\xE2\x80\x93", "\xE2\x80\x94", "\xC2\xA0", "\r",
        "\n", "\r\n", "\xE2\x80\xA8", "\xC2\x85", "1", "3.5", "A", "Z", "a", "z", "\xD0\x81",
        "\xD0\xAF", "\xD0\xB6", "\xCC\x81", "\xE2\x80\x8D", "\xC2\xAD", "\xF0\x9F\x98\x80",
        "\xE2\x9C\x85", "e.g.", "U.S.", "Mr. Smith", "\t", "\xE2\x80\xA9", "\xE2\x80\xA4", "?!",
        "\x0B", "\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\xBD", "\xD6\x89",
        "\xCD\xBE", "\xC2\xBF", "\xC7\x85", "\xCA\xB0", "\xE2\x81\x87", "\xC2\xB7", "\xEF\xB8\x8F",
        "\xE2\x81\xA2",
        /* three-byte symbols, Latin Extended, the edges of the first table */
        "\xE2\x82\xAC", "\xE2\x84\xA2", "\xE2\x86\x92", "\xC4\x81", "\xD4\xAF", "\xD4\xB1",
        "\xD2\x83", "\xD3\x80",
        /* runs that sb_breaks skips whole */
        "Hello", "ok", "\xD0\xBF\xD1\x80\xD0\xB8", "\xC3\xA9t\xC3\xA9"};
    const size_t n_atoms = sizeof(atoms) / sizeof(atoms[0]);
    unsigned seed = 12345;
    char buf[512];
    for (int t = 0; t < 20000; t++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int k = 1 + (int)((seed >> 16) % 24);
        for (int j = 0; j < k; j++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = atoms[(seed >> 16) % n_atoms];
            size_t al = strlen(a);
            memcpy(buf + len, a, al);
            len += al;
        }
        agree(buf, len);
    }
}
END_TEST

/* The signature block as segment.c found it before it stopped counting a long line at its
 * seventh word: every line read to its start, trimmed, its words counted. */
static bool ref_space(const char *s, size_t len, size_t i, size_t *w)
{
    unsigned char c = (unsigned char)s[i];
    *w = 1;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        return true;
    *w = 2;
    return c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0;
}

static void ref_trim(const char *s, size_t len, size_t *a, size_t *b)
{
    size_t w;
    while (*a < *b && ref_space(s, len, *a, &w))
        *a += w;
    while (*b > *a) {
        unsigned char c = (unsigned char)s[*b - 1];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            (*b)--;
        else if (c == 0xA0 && *b - 1 > *a && (unsigned char)s[*b - 2] == 0xC2)
            *b -= 2;
        else
            break;
    }
}

static rl_span ref_signature(const char *text, size_t len)
{
    size_t end = len, sig_start = len, lines = 0;
    while (lines < 4) {
        size_t b = end;
        while (b > 0 && strchr("\n\r \t", text[b - 1]) && text[b - 1])
            b--;
        if (b == 0)
            break;
        size_t tb = b;
        while (tb > 0) {
            unsigned char ch = (unsigned char)text[tb - 1];
            if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f')
                tb--;
            else if (ch == 0xA0 && tb >= 2 && (unsigned char)text[tb - 2] == 0xC2)
                tb -= 2;
            else
                break;
        }
        if (tb == 0 || text[tb - 1] == '\n' || strchr(".!?", text[tb - 1]))
            break;
        size_t a = tb;
        while (a > 0 && text[a - 1] != '\n')
            a--;
        size_t ta = a, words = 0;
        ref_trim(text, len, &ta, &tb);
        for (size_t i = ta; i < tb; i++)
            words += !strchr(" \t\r", text[i]) && (i == ta || strchr(" \t\r", text[i - 1]));
        if (words > 6 || (tb >= 3 && memcmp(text + tb - 3, "\xE2\x80\xA6", 3) == 0))
            break;
        if (a == 0)
            return (rl_span){len, len};
        sig_start = ta;
        end = a;
        lines++;
    }
    if (lines == 0)
        return (rl_span){len, len};
    size_t sa = sig_start, sb = len;
    ref_trim(text, len, &sa, &sb);
    return (rl_span){sa, sb};
}

/* Random replies of short and long lines, with the white space trim() and the word count
 * tell apart (\v, \f, no-break spaces at a line's start): the signature is the one the
 * reference finds. */
START_TEST(test_signature_random)
{
    static const char *const atoms[] = {"Anna",
                                        "best",
                                        "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD",
                                        " ",
                                        " ",
                                        "\t",
                                        "\r",
                                        "\n",
                                        "\n",
                                        "\v",
                                        "\f",
                                        "\xC2\xA0",
                                        ".",
                                        "!",
                                        "?",
                                        ",",
                                        "\xE2\x80\xA6",
                                        "a b c d e f g",
                                        "1 2 3"};
    const size_t n_atoms = sizeof(atoms) / sizeof(atoms[0]);
    unsigned seed = 4242;
    char buf[512];
    rl_segments seg;
    memset(&seg, 0, sizeof(seg));
    size_t signed_replies = 0;
    for (int t = 0; t < 30000; t++) {
        size_t len = random_mix(buf, atoms, n_atoms, 30, &seed);
        ck_assert_int_eq(replylint__segment(&seg, buf, len, sz, NULL, 0, 0), 0);
        rl_span want = ref_signature(buf, len);
        ck_assert_msg(seg.signature.start == want.start && seg.signature.end == want.end,
                      "\"%.*s\": signature [%zu, %zu), want [%zu, %zu)", (int)len, buf,
                      seg.signature.start, seg.signature.end, want.start, want.end);
        signed_replies += want.start < want.end;
    }
    ck_assert_uint_gt(signed_replies, 1000);
    replylint__segments_free(&seg);
}
END_TEST

Suite *segment_suite(void)
{
    Suite *s = suite_create("segment");
    TCase *tc = tcase_create("sentences");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_known_cases);
    tcase_add_test(tc, test_random_mixes);
    tcase_add_test(tc, test_signature_random);
    suite_add_tcase(s, tc);
    return s;
}
