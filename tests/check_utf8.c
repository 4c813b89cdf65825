/*
 * check_utf8.c: UTF-8 validation, decoding and offset conversion (lib/utf8.c).
 *
 * The validator is compared exhaustively with utf8proc_iterate over every one-, two- and
 * three-byte sequence, because a wrong verdict here lets malformed text into the folder.
 */
#include "../lib/utf8.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static size_t chk(const char *s, size_t len)
{
    return replylint__utf8_check(s, len);
}

START_TEST(check_valid)
{
    static const char s[] = "Hello, мир! \xF0\x9F\x98\x80 \xE2\x80\x99 \xC2\xA0"
                            "\x7F \xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 "
                            "\xEF\xBF\xBF \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF";
    ck_assert_uint_eq(chk(s, sizeof s - 1), sizeof s - 1);
    ck_assert_uint_eq(chk("", 0), 0);
    ck_assert_uint_eq(chk("a\0b\0", 4), 4);
}
END_TEST

START_TEST(check_invalid)
{
    ck_assert_uint_eq(chk("abc\xC0\x80", 5), 3);      /* overlong NUL */
    ck_assert_uint_eq(chk("\xC1\xBF", 2), 0);         /* overlong */
    ck_assert_uint_eq(chk("ab\xE0\x80\x80", 5), 2);   /* overlong 3-byte */
    ck_assert_uint_eq(chk("\xE0\x9F\xBF", 3), 0);     /* overlong 3-byte, top */
    ck_assert_uint_eq(chk("x\xED\xA0\x80", 4), 1);    /* surrogate U+D800 */
    ck_assert_uint_eq(chk("x\xED\xBF\xBF", 4), 1);    /* surrogate U+DFFF */
    ck_assert_uint_eq(chk("\xF0\x8F\xBF\xBF", 4), 0); /* overlong 4-byte */
    ck_assert_uint_eq(chk("\xF4\x90\x80\x80", 4), 0); /* above U+10FFFF */
    ck_assert_uint_eq(chk("\xF5\x80\x80\x80", 4), 0); /* lead byte out of range */
    ck_assert_uint_eq(chk("ab\xE2\x82", 4), 2);       /* truncated at the end */
    ck_assert_uint_eq(chk("ab\xE2\x82z", 5), 2);      /* truncated by ASCII */
    ck_assert_uint_eq(chk("\xF0\x9F\x98", 3), 0);     /* truncated 4-byte */
    ck_assert_uint_eq(chk("\xD0", 1), 0);             /* lone lead byte */
    ck_assert_uint_eq(chk("a\x80", 2), 1);            /* lone continuation */
    ck_assert_uint_eq(chk("\xD0\xB0\xBF", 3), 2);     /* extra continuation */
    ck_assert_uint_eq(chk("\xFF", 1), 0);
    ck_assert_uint_eq(chk("\xFE", 1), 0);
    ck_assert_uint_eq(chk("привет\xFF", 13), 12);
    /* Past the 16-byte ASCII skip. */
    ck_assert_uint_eq(chk("0123456789abcdef0123456789abcdef0\x80", 34), 33);
    ck_assert_uint_eq(chk("0123456789abcdef\x80", 17), 16);
    ck_assert_uint_eq(chk("0123456789abcde\x80", 16), 15);
    /* The length bounds the check: a valid prefix of an invalid buffer is valid. */
    ck_assert_uint_eq(chk("ab\xFF", 2), 2);
}
END_TEST

/* utf8proc_iterate's verdict on s[0..len) as a whole: the length if it is exactly one
 * well-formed scalar value, else 0. */
static size_t oracle_one(const unsigned char *s, size_t len)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t r = utf8proc_iterate(s, (utf8proc_ssize_t)len, &cp);
    if (r <= 0 || cp < 0 || (size_t)r != len || !utf8proc_codepoint_valid(cp))
        return 0;
    return (size_t)r;
}

START_TEST(check_exhaustive_short)
{
    unsigned char b[3];
    for (unsigned x = 0x80; x < 0x100; x++) {
        b[0] = (unsigned char)x;
        ck_assert_uint_eq(chk((const char *)b, 1), 0);
    }
    for (unsigned x = 0xC0; x < 0x100; x++) {
        for (unsigned y = 0; y < 0x100; y++) {
            b[0] = (unsigned char)x;
            b[1] = (unsigned char)y;
            size_t want = oracle_one(b, 2) ? 2 : 0;
            ck_assert_uint_eq(chk((const char *)b, 2), want);
        }
    }
    for (unsigned x = 0xE0; x < 0xF0; x++) {
        for (unsigned y = 0; y < 0x100; y++) {
            for (unsigned z = 0; z < 0x100; z++) {
                b[0] = (unsigned char)x;
                b[1] = (unsigned char)y;
                b[2] = (unsigned char)z;
                size_t want = oracle_one(b, 3) ? 3 : 0;
                size_t got = chk((const char *)b, 3);
                if (got != want)
                    ck_abort_msg("E-sequence %02x %02x %02x: got %zu want %zu", x, y, z, got, want);
            }
        }
    }
}
END_TEST

START_TEST(check_exhaustive_four)
{
    static const unsigned char tails[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xFF};
    unsigned char b[4];
    for (unsigned x = 0xF0; x < 0x100; x++) {
        for (unsigned y = 0; y < 0x100; y++) {
            for (size_t z = 0; z < sizeof tails; z++) {
                for (size_t w = 0; w < sizeof tails; w++) {
                    b[0] = (unsigned char)x;
                    b[1] = (unsigned char)y;
                    b[2] = tails[z];
                    b[3] = tails[w];
                    size_t want = oracle_one(b, 4) ? 4 : 0;
                    ck_assert_uint_eq(chk((const char *)b, 4), want);
                }
            }
        }
    }
}
END_TEST

START_TEST(decode_encode_roundtrip)
{
    char buf[8];
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        size_t n = replylint__utf8_encode(cp, buf);
        size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        size_t m;
        if (n != want || chk(buf, n) != n || replylint__utf8_decode(buf, n, 0, &m) != cp || m != n)
            ck_abort_msg("round trip of U+%04X", (unsigned)cp);
    }
}
END_TEST

START_TEST(encode_invalid)
{
    char buf[4];
    ck_assert_uint_eq(replylint__utf8_encode(0xD800, buf), 3);
    ck_assert_mem_eq(buf, "\xEF\xBF\xBD", 3);
    ck_assert_uint_eq(replylint__utf8_encode(0x110000, buf), 3);
    ck_assert_mem_eq(buf, "\xEF\xBF\xBD", 3);
}
END_TEST

START_TEST(decode_values)
{
    static const char s[] = "a\xD0\x99\xE2\x80\x99\xF0\x9F\x98\x80";
    size_t n;
    ck_assert_uint_eq(replylint__utf8_decode(s, 10, 0, &n), 'a');
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(replylint__utf8_decode(s, 10, 1, &n), 0x419);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(replylint__utf8_decode(s, 10, 3, &n), 0x2019);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(replylint__utf8_decode(s, 10, 6, &n), 0x1F600);
    ck_assert_uint_eq(n, 4);
    ck_assert_uint_eq(replylint__utf8_decode("a\0", 2, 1, &n), 0);
    ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(decode_never_overreads)
{
    size_t n;
    /* Truncated: the 4-byte lead's length is not trusted past len. */
    ck_assert_uint_eq(replylint__utf8_decode("\xF0\x9F\x98\x80", 3, 0, &n), 0xFFFD);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(replylint__utf8_decode("\x80", 1, 0, &n), 0xFFFD);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(replylint__utf8_decode("\xED\xA0\x80", 3, 0, &n), 0xFFFD);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(replylint__utf8_decode("a", 1, 1, &n), 0xFFFD);
    ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(positions_emoji_utf16)
{
    /* "a😀b€" */
    static const char s[] = "a\xF0\x9F\x98\x80"
                            "b\xE2\x82\xAC";
    size_t off[] = {0, 1, 5, 6, 9};
    size_t cp[5], u16[5];
    uint32_t line[5], col[5];
    ck_assert_int_eq(replylint__utf8_positions(s, 9, off, 5, cp, u16, line, col), 0);
    static const size_t want_cp[] = {0, 1, 2, 3, 4};
    static const size_t want_u16[] = {0, 1, 3, 4, 5};
    static const uint32_t want_col[] = {1, 2, 3, 4, 5};
    for (int k = 0; k < 5; k++) {
        ck_assert_uint_eq(cp[k], want_cp[k]);
        ck_assert_uint_eq(u16[k], want_u16[k]);
        ck_assert_uint_eq(line[k], 1);
        ck_assert_uint_eq(col[k], want_col[k]);
    }
}
END_TEST

START_TEST(positions_lines)
{
    /* Lines: "ab" CRLF "c" CR "d" LF LF "e" */
    static const char s[] = "ab\r\nc\rd\n\ne";
    size_t len = sizeof s - 1;
    size_t off[] = {0, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    static const uint32_t want_line[] = {1, 1, 1, 2, 2, 3, 3, 4, 5, 5};
    static const uint32_t want_col[] = {1, 3, 4, 1, 2, 1, 2, 1, 1, 2};
    size_t cp[10], u16[10];
    uint32_t line[10], col[10];
    ck_assert_int_eq(replylint__utf8_positions(s, len, off, 10, cp, u16, line, col), 0);
    for (int k = 0; k < 10; k++) {
        ck_assert_uint_eq(line[k], want_line[k]);
        ck_assert_uint_eq(col[k], want_col[k]);
        ck_assert_uint_eq(cp[k], off[k]);
        ck_assert_uint_eq(u16[k], off[k]);
    }
}
END_TEST

START_TEST(positions_nfd_columns)
{
    /* "й" as и + U+0306, then "x", newline, "Ёж" */
    static const char s[] = "\xD0\xB8\xCC\x86x\n\xD0\x81\xD0\xB6";
    size_t len = sizeof s - 1;
    size_t off[] = {2, 4, 5, 6, 8, 10};
    static const size_t want_cp[] = {1, 2, 3, 4, 5, 6};
    static const uint32_t want_line[] = {1, 1, 1, 2, 2, 2};
    static const uint32_t want_col[] = {2, 3, 4, 1, 2, 3};
    size_t cp[6];
    uint32_t line[6], col[6];
    ck_assert_int_eq(replylint__utf8_positions(s, len, off, 6, cp, NULL, line, col), 0);
    for (int k = 0; k < 6; k++) {
        ck_assert_uint_eq(cp[k], want_cp[k]);
        ck_assert_uint_eq(line[k], want_line[k]);
        ck_assert_uint_eq(col[k], want_col[k]);
    }
}
END_TEST

START_TEST(positions_unsorted_and_edges)
{
    static const char s[] = "\xD0\xB4\xD0\xB0\n\xF0\x9F\x98\x80!";
    size_t len = sizeof s - 1; /* 10 */
    size_t off[] = {10, 0, 5, 2, 5, 999, 9};
    static const size_t want_cp[] = {5, 0, 3, 1, 3, 5, 4};
    static const size_t want_u16[] = {6, 0, 3, 1, 3, 6, 5};
    static const uint32_t want_line[] = {2, 1, 2, 1, 2, 2, 2};
    static const uint32_t want_col[] = {3, 1, 1, 2, 1, 3, 2};
    size_t cp[7], u16[7];
    uint32_t line[7], col[7];
    ck_assert_int_eq(replylint__utf8_positions(s, len, off, 7, cp, u16, line, col), 0);
    for (int k = 0; k < 7; k++) {
        ck_assert_uint_eq(cp[k], want_cp[k]);
        ck_assert_uint_eq(u16[k], want_u16[k]);
        ck_assert_uint_eq(line[k], want_line[k]);
        ck_assert_uint_eq(col[k], want_col[k]);
    }
    ck_assert_int_eq(replylint__utf8_positions(s, len, NULL, 0, NULL, NULL, NULL, NULL), 0);
    ck_assert_int_eq(replylint__utf8_positions(s, len, off, 7, NULL, NULL, NULL, NULL), 0);
    size_t zero = 0;
    ck_assert_int_eq(replylint__utf8_positions("", 0, &zero, 1, cp, u16, line, col), 0);
    ck_assert_uint_eq(cp[0], 0);
    ck_assert_uint_eq(line[0], 1);
    ck_assert_uint_eq(col[0], 1);
}
END_TEST

/* Brute force: walk from 0 to each offset separately. */
static void slow_position(const char *s, size_t off, size_t *cp, size_t *u16, uint32_t *line,
                          uint32_t *col)
{
    size_t i = 0;
    *cp = *u16 = 0;
    *line = *col = 1;
    while (i < off) {
        size_t n;
        uint32_t c = replylint__utf8_decode(s, off, i, &n);
        ++*cp;
        *u16 += c >= 0x10000 ? 2 : 1;
        if (c == '\n' || (c == '\r' && s[i + 1] != '\n')) {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
        i += n;
    }
}

START_TEST(positions_random)
{
    /* The last rounds draw line breaks and four-byte characters rarely, so that the long
     * runs read eight bytes at a time come up as well. */
    static const char *const pieces[] = {"a",
                                         " ",
                                         "\n",
                                         "\r",
                                         "\r\n",
                                         "\xD0\xB9",
                                         "\xCC\x86",
                                         "\xE2\x80\x94",
                                         "\xF0\x9F\x98\x80",
                                         "b",
                                         "c",
                                         "\xD1\x8F",
                                         "\xD0\x96",
                                         "\xC3\xA9",
                                         "\xE2\x80\x99",
                                         "d",
                                         "e",
                                         "\xD0\xB0",
                                         "f",
                                         "g",
                                         "\xD1\x8B",
                                         "h",
                                         "i",
                                         "\xD0\xB5",
                                         "j",
                                         "k",
                                         "\xD0\xBE"};
    /* And ASCII without line breaks (the shortcut of most short English replies), short
     * and long, the last rounds with a line break or a letter past ASCII at the end. */
    static const char *const ascii[] = {"a", " ", "b", "xyz", ".", "!", "Q", "\t"};
    /* And long runs without a line break or a four-byte character (read sixteen bytes at a
     * time), ended now and then by one (the first entries) in the even rounds. */
    static const char *const runs[] = {
        "\r\n",     "\xF0\x9F\x98\x80", "\n",       "\r",       "\xD0\xB9",
        "\xCC\x86", "\xE2\x80\x94",     "a",        " ",        "\xD1\x8F",
        "\xC3\xA9", "\xE2\x80\x99",     "b",        ",",        "\xD0\x96",
        "\xD0\xB0", "\xD0\xB5",         "\xD0\xBE", "\xD1\x8B", "c",
        "\xD1\x80", "\xD1\x82"};
    char s[4096];
    size_t starts[2048];
    unsigned seed = 12345;
    for (int round = 0; round < 40; round++) {
        size_t len = 0, ns = 0, most = round < 20 || round >= 30 || round % 2 ? sizeof s - 1 : 40;
        while (len + 4 < most) {
            seed = seed * 1103515245u + 12345u;
            size_t n_pieces = round < 10   ? 9
                              : round < 20 ? sizeof pieces / sizeof *pieces
                              : round < 30 ? sizeof ascii / sizeof *ascii
                                           : sizeof runs / sizeof *runs;
            const char *const *from = round < 20 ? pieces : round < 30 ? ascii : runs;
            size_t pick = (seed >> 16) % n_pieces;
            if (round >= 30 && pick < 4 && (round % 2 || (seed >> 8) % 8))
                pick += 4; /* no break or emoji in odd rounds, few in even ones */
            const char *p = from[pick];
            starts[ns++] = len;
            memcpy(s + len, p, strlen(p));
            len += strlen(p);
            if (ns == sizeof starts / sizeof *starts - 2) /* room for two more below */
                break;
        }
        if (round >= 26 && round < 30) {
            memcpy(s + len, round % 2 ? "\n" : "\xC3\xA9", round % 2 ? 1 : 2);
            starts[ns++] = len;
            len += round % 2 ? 1 : 2;
        }
        s[len] = '\0';
        starts[ns++] = len;
        /* A shuffled subset, so that the sorting path runs too. */
        size_t off[256];
        for (int k = 0; k < 256; k++) {
            seed = seed * 1103515245u + 12345u;
            off[k] = starts[(seed >> 8) % ns];
        }
        size_t cp[256], u16[256];
        uint32_t line[256], col[256];
        ck_assert_int_eq(replylint__utf8_positions(s, len, off, 256, cp, u16, line, col), 0);
        for (int k = 0; k < 256; k++) {
            size_t wcp, wu16;
            uint32_t wline, wcol;
            slow_position(s, off[k], &wcp, &wu16, &wline, &wcol);
            ck_assert_uint_eq(cp[k], wcp);
            ck_assert_uint_eq(u16[k], wu16);
            ck_assert_uint_eq(line[k], wline);
            ck_assert_uint_eq(col[k], wcol);
        }
    }
}
END_TEST

Suite *utf8_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("check");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, check_valid);
    tcase_add_test(tc, check_invalid);
    tcase_add_test(tc, check_exhaustive_short);
    tcase_add_test(tc, check_exhaustive_four);
    suite_add_tcase(s, tc);

    tc = tcase_create("codec");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, decode_encode_roundtrip);
    tcase_add_test(tc, encode_invalid);
    tcase_add_test(tc, decode_values);
    tcase_add_test(tc, decode_never_overreads);
    suite_add_tcase(s, tc);

    tc = tcase_create("positions");
    tcase_add_test(tc, positions_emoji_utf16);
    tcase_add_test(tc, positions_lines);
    tcase_add_test(tc, positions_nfd_columns);
    tcase_add_test(tc, positions_unsorted_and_edges);
    tcase_add_test(tc, positions_random);
    suite_add_tcase(s, tc);
    return s;
}
