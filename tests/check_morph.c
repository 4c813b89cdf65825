/*
 * check_morph.c: tests for lib/morph.c on the real hunspell dictionaries (ru_RU, en_US) and on
 * small synthetic .aff/.dic pairs written to a temporary directory.
 *
 * The dictionaries are looked up in $REPLYLINT_DICT_DIR, else the build's
 * REPLYLINT_DICT_DIR_DEFAULT if set, else /usr/share/hunspell.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include "../lib/morph.h"
#include "suites.h"

/* ---- helpers ---------------------------------------------------------------------------- */

struct forms {
    char **v;
    size_t n, cap;
    int stop_after; /* emit returns -7 on this call number when > 0 */
};

static int collect(void *ud, const char *form, size_t len)
{
    struct forms *f = ud;
    char *s;
    if (f->stop_after > 0 && f->n + 1 == (size_t)f->stop_after)
        return -7;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        char **v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return -100;
        f->v = v;
        f->cap = cap;
    }
    s = malloc(len + 1);
    if (!s)
        return -100;
    memcpy(s, form, len);
    s[len] = '\0';
    f->v[f->n++] = s;
    return 0;
}

static void forms_free(struct forms *f)
{
    size_t i;
    for (i = 0; i < f->n; i++)
        free(f->v[i]);
    free(f->v);
    memset(f, 0, sizeof *f);
}

/* Expands word, checks the return value against the number of emitted forms and that no form
 * is emitted twice, and returns the forms. */
static struct forms expand(const rl_morph *m, const char *word)
{
    struct forms f;
    size_t i, j;
    int rc;
    memset(&f, 0, sizeof f);
    rc = replylint__morph_forms(m, word, strlen(word), collect, &f);
    ck_assert_int_ge(rc, 0);
    ck_assert_uint_eq((size_t)rc, f.n);
    for (i = 0; i < f.n; i++)
        for (j = i + 1; j < f.n; j++)
            ck_assert_msg(strcmp(f.v[i], f.v[j]) != 0, "%s emitted twice for %s", f.v[i], word);
    return f;
}

static int has(const struct forms *f, const char *form)
{
    size_t i;
    for (i = 0; i < f->n; i++)
        if (strcmp(f->v[i], form) == 0)
            return 1;
    return 0;
}

#define ASSERT_HAS(f, w, form)   ck_assert_msg(has(&(f), form), "forms of %s lack %s", w, form)
#define ASSERT_LACKS(f, w, form) ck_assert_msg(!has(&(f), form), "forms of %s include %s", w, form)

static void dict_path(char *buf, size_t len, const char *lang, const char *ext)
{
    const char *dir = getenv("REPLYLINT_DICT_DIR");
#ifdef REPLYLINT_DICT_DIR_DEFAULT
    if (!dir || !*dir)
        dir = REPLYLINT_DICT_DIR_DEFAULT; /* set by tests/CMakeLists.txt; may be empty */
#endif
    if (!dir || !*dir)
        dir = "/usr/share/hunspell";
    snprintf(buf, len, "%s/%s.%s", dir, lang, ext);
}

/* ---- fixtures: each real dictionary is loaded once per test case ------------------------ */

static rl_morph *g_ru, *g_en;
static int g_ru_rc, g_en_rc;
static char g_ru_err[256], g_en_err[256];

static int load_lang(rl_morph **m, const char *lang, char *err, size_t errlen)
{
    char aff[1024], dic[1024];
    dict_path(aff, sizeof aff, lang, "aff");
    dict_path(dic, sizeof dic, lang, "dic");
    return replylint__morph_load(m, aff, dic, err, errlen);
}

static void ru_setup(void)
{
    g_ru_rc = load_lang(&g_ru, "ru_RU", g_ru_err, sizeof g_ru_err);
}

static void ru_teardown(void)
{
    replylint__morph_free(g_ru);
    g_ru = NULL;
}

static void en_setup(void)
{
    g_en_rc = load_lang(&g_en, "en_US", g_en_err, sizeof g_en_err);
}

static void en_teardown(void)
{
    replylint__morph_free(g_en);
    g_en = NULL;
}

#define NEED_RU() ck_assert_msg(g_ru_rc == 0 && g_ru, "ru_RU did not load: %s", g_ru_err)
#define NEED_EN() ck_assert_msg(g_en_rc == 0 && g_en, "en_US did not load: %s", g_en_err)

/* ---- Russian ------------------------------------------------------------------------------ */

START_TEST(ru_noun_sredstva)
{
    struct forms f;
    size_t i;
    NEED_RU();
    f = expand(g_ru, "средства");
    ck_assert_str_eq(f.v[0], "средства");
    ASSERT_HAS(f, "средства", "средство");
    ASSERT_HAS(f, "средства", "средствами");
    ASSERT_HAS(f, "средства", "средств");
    ASSERT_HAS(f, "средства", "средству");
    ASSERT_HAS(f, "средства", "средстве");
    /* Only the paradigm of «средство»: every form shares its stem. */
    for (i = 0; i < f.n; i++)
        ck_assert_msg(strncmp(f.v[i], "средств", strlen("средств")) == 0, "unrelated form %s",
                      f.v[i]);
    ASSERT_LACKS(f, "средства", "средний");
    ASSERT_LACKS(f, "средства", "среда");
    forms_free(&f);
}
END_TEST

START_TEST(ru_adjective_denezhnye)
{
    struct forms f;
    NEED_RU();
    f = expand(g_ru, "денежные");
    ck_assert_str_eq(f.v[0], "денежные");
    ASSERT_HAS(f, "денежные", "денежный");
    ASSERT_HAS(f, "денежные", "денежными");
    ASSERT_HAS(f, "денежные", "денежных");
    ASSERT_HAS(f, "денежные", "денежной");
    forms_free(&f);
}
END_TEST

START_TEST(ru_verb_osushchestvit)
{
    struct forms f;
    NEED_RU();
    f = expand(g_ru, "осуществить");
    ck_assert_str_eq(f.v[0], "осуществить");
    ASSERT_HAS(f, "осуществить", "осуществите");
    ASSERT_HAS(f, "осуществить", "осуществил");
    ASSERT_HAS(f, "осуществить", "осуществила");
    ASSERT_HAS(f, "осуществить", "осуществлю");
    forms_free(&f);
}
END_TEST

START_TEST(ru_noun_from_oblique_case)
{
    struct forms f;
    NEED_RU();
    f = expand(g_ru, "оплату");
    ck_assert_str_eq(f.v[0], "оплату");
    ASSERT_HAS(f, "оплату", "оплата");
    ASSERT_HAS(f, "оплату", "оплатой");
    ASSERT_HAS(f, "оплату", "оплаты");
    forms_free(&f);
    f = expand(g_ru, "неудобства");
    ASSERT_HAS(f, "неудобства", "неудобствами");
    ASSERT_HAS(f, "неудобства", "неудобство");
    forms_free(&f);
}
END_TEST

START_TEST(ru_case_and_yo)
{
    struct forms f;
    size_t i;
    NEED_RU();
    f = expand(g_ru, "ДЕНЕЖНЫЕ");
    ck_assert_str_eq(f.v[0], "денежные");
    ASSERT_HAS(f, "ДЕНЕЖНЫЕ", "денежными");
    forms_free(&f);
    /* The dictionary has both «ёлка» and «елка»; forms are written with е either way. */
    f = expand(g_ru, "Ёлки");
    ck_assert_str_eq(f.v[0], "елки");
    ASSERT_HAS(f, "Ёлки", "елка");
    ASSERT_HAS(f, "Ёлки", "елками");
    for (i = 0; i < f.n; i++) {
        ck_assert_msg(strstr(f.v[i], "ё") == NULL, "form with ё: %s", f.v[i]);
        ck_assert_msg(strstr(f.v[i], "Ё") == NULL, "form with Ё: %s", f.v[i]);
    }
    forms_free(&f);
    /* «зовёшь» is generated from «звать» by a rule whose suffix contains ё. */
    f = expand(g_ru, "зовешь");
    ASSERT_HAS(f, "зовешь", "звать");
    ASSERT_HAS(f, "зовешь", "зовут");
    forms_free(&f);
}
END_TEST

START_TEST(ru_headword_is_not_stemmed)
{
    struct forms f;
    NEED_RU();
    /* «стали» is not a headword: it is a form of both «сталь» and «стать». */
    f = expand(g_ru, "стали");
    ASSERT_HAS(f, "стали", "сталью");
    ASSERT_HAS(f, "стали", "стану");
    forms_free(&f);
    /* «стать» is a headword, so forms of other lemmas that happen to be spelled «стать» stay out.
     */
    f = expand(g_ru, "стать");
    ASSERT_HAS(f, "стать", "стану");
    ASSERT_LACKS(f, "стать", "сталью");
    forms_free(&f);
}
END_TEST

START_TEST(ru_unknown_word)
{
    struct forms f;
    NEED_RU();
    f = expand(g_ru, "Абырвалг");
    ck_assert_uint_eq(f.n, 1);
    ck_assert_str_eq(f.v[0], "абырвалг");
    forms_free(&f);
}
END_TEST

START_TEST(ru_emit_stop_and_empty)
{
    struct forms f;
    int rc;
    NEED_RU();
    memset(&f, 0, sizeof f);
    f.stop_after = 3;
    rc = replylint__morph_forms(g_ru, "средства", strlen("средства"), collect, &f);
    ck_assert_int_eq(rc, -7);
    ck_assert_uint_eq(f.n, 2);
    forms_free(&f);
    rc = replylint__morph_forms(g_ru, "", 0, collect, &f);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(f.n, 0);
    /* len bounds the word: the rest of the buffer is not read. */
    f = expand(g_ru, "средства");
    {
        struct forms g;
        memset(&g, 0, sizeof g);
        rc = replylint__morph_forms(g_ru, "средствами и", strlen("средствами"), collect, &g);
        ck_assert_int_gt(rc, 1);
        ASSERT_HAS(g, "средствами", "средство");
        forms_free(&g);
    }
    forms_free(&f);
}
END_TEST

/* Concurrent calls on one rl_morph must give the same answers as sequential ones. */
static const char *const thread_words[] = {"средства",   "денежные", "осуществить", "оплату",
                                           "неудобства", "стали",    "ёлки",        "абырвалг"};
#define NWORDS (sizeof thread_words / sizeof thread_words[0])

struct thread_job {
    size_t counts[NWORDS];
    int ok;
};

static int thread_main(void *arg)
{
    struct thread_job *job = arg;
    size_t round, w;
    job->ok = 1;
    for (round = 0; round < 20; round++) {
        for (w = 0; w < NWORDS; w++) {
            struct forms f;
            int rc;
            memset(&f, 0, sizeof f);
            rc =
                replylint__morph_forms(g_ru, thread_words[w], strlen(thread_words[w]), collect, &f);
            if (rc < 0 || (size_t)rc != job->counts[w])
                job->ok = 0;
            forms_free(&f);
        }
    }
    return 0;
}

START_TEST(ru_concurrent_calls)
{
    struct thread_job jobs[4];
    thrd_t t[4];
    size_t i, w;
    NEED_RU();
    for (w = 0; w < NWORDS; w++) {
        struct forms f = expand(g_ru, thread_words[w]);
        for (i = 0; i < 4; i++)
            jobs[i].counts[w] = f.n;
        forms_free(&f);
    }
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(thrd_create(&t[i], thread_main, &jobs[i]), thrd_success);
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(thrd_join(t[i], NULL), thrd_success);
        ck_assert(jobs[i].ok);
    }
}
END_TEST

/* ---- English ------------------------------------------------------------------------------ */

START_TEST(en_verbs)
{
    struct forms f;
    NEED_EN();
    f = expand(g_en, "apologize");
    ck_assert_str_eq(f.v[0], "apologize");
    ASSERT_HAS(f, "apologize", "apologized");
    ASSERT_HAS(f, "apologize", "apologizes");
    ASSERT_HAS(f, "apologize", "apologizing");
    forms_free(&f);
    f = expand(g_en, "utilize");
    ASSERT_HAS(f, "utilize", "utilized");
    ASSERT_HAS(f, "utilize", "utilizing");
    forms_free(&f);
    f = expand(g_en, "Apologized");
    ck_assert_str_eq(f.v[0], "apologized");
    ASSERT_HAS(f, "Apologized", "apologize");
    ASSERT_HAS(f, "Apologized", "apologizing");
    forms_free(&f);
}
END_TEST

START_TEST(en_inconvenience)
{
    struct forms f;
    NEED_EN();
    /* en_US has inconvenience/GD; the plural comes from hunspell's reading in + convenience/IMS. */
    f = expand(g_en, "inconvenience");
    ck_assert_str_eq(f.v[0], "inconvenience");
    ASSERT_HAS(f, "inconvenience", "inconveniences");
    ASSERT_HAS(f, "inconvenience", "inconvenienced");
    ASSERT_LACKS(f, "inconvenience", "convenience");
    ASSERT_LACKS(f, "inconvenience", "conveniences");
    forms_free(&f);
}
END_TEST

START_TEST(en_prefixes)
{
    struct forms f;
    size_t i;
    NEED_EN();
    /* Prefixes change meaning, so they are never added to a word that lacks them. */
    f = expand(g_en, "happy");
    ASSERT_HAS(f, "happy", "happier");
    ASSERT_HAS(f, "happy", "happiness");
    ASSERT_LACKS(f, "happy", "unhappy");
    ASSERT_LACKS(f, "happy", "unhappiness");
    forms_free(&f);
    /* ...but a word that carries one keeps it on every form. */
    f = expand(g_en, "unhappy");
    ASSERT_HAS(f, "unhappy", "unhappiness");
    ASSERT_HAS(f, "unhappy", "unhappier");
    for (i = 0; i < f.n; i++)
        ck_assert_msg(strncmp(f.v[i], "un", 2) == 0, "form without prefix: %s", f.v[i]);
    forms_free(&f);
    f = expand(g_en, "rethinking");
    ASSERT_HAS(f, "rethinking", "rethink");
    ASSERT_HAS(f, "rethinking", "rethinks");
    ASSERT_LACKS(f, "rethinking", "think");
    forms_free(&f);
}
END_TEST

START_TEST(en_unknown_word)
{
    struct forms f;
    NEED_EN();
    f = expand(g_en, "Zxqvbnmk");
    ck_assert_uint_eq(f.n, 1);
    ck_assert_str_eq(f.v[0], "zxqvbnmk");
    forms_free(&f);
}
END_TEST

/* ---- synthetic dictionaries and errors ----------------------------------------------------- */

static char g_tmpdir[256];

static void tmp_setup(void)
{
    snprintf(g_tmpdir, sizeof g_tmpdir, "/tmp/check_morph.XXXXXX");
    if (!mkdtemp(g_tmpdir))
        g_tmpdir[0] = '\0';
}

static void tmp_teardown(void)
{
    char p[512];
    if (!g_tmpdir[0])
        return;
    snprintf(p, sizeof p, "%s/t.aff", g_tmpdir);
    remove(p);
    snprintf(p, sizeof p, "%s/t.dic", g_tmpdir);
    remove(p);
    rmdir(g_tmpdir);
}

/* Writes t.aff and t.dic in the temporary directory and returns their paths. */
static void write_pair(const char *aff, const char *dic, char *aff_path, char *dic_path, size_t len)
{
    FILE *f;
    ck_assert_msg(g_tmpdir[0] != '\0', "no temporary directory");
    snprintf(aff_path, len, "%s/t.aff", g_tmpdir);
    snprintf(dic_path, len, "%s/t.dic", g_tmpdir);
    f = fopen(aff_path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(aff, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    f = fopen(dic_path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(dic, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

static rl_morph *load_pair(const char *aff, const char *dic)
{
    char ap[512], dp[512], err[256];
    rl_morph *m = NULL;
    int rc;
    write_pair(aff, dic, ap, dp, sizeof ap);
    rc = replylint__morph_load(&m, ap, dp, err, sizeof err);
    ck_assert_msg(rc == 0, "load failed (%d): %s", rc, err);
    ck_assert_ptr_nonnull(m);
    return m;
}

START_TEST(missing_files)
{
    char err[256], aff[1024], dic[1024];
    rl_morph *m = (rl_morph *)&m;
    int rc = replylint__morph_load(&m, "/nonexistent/xx_XX.aff", "/nonexistent/xx_XX.dic", err,
                                   sizeof err);
    ck_assert_int_lt(rc, 0);
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err, "xx_XX.aff") != NULL, "message does not name the file: %s", err);
    /* A good .aff with a missing .dic names the .dic. */
    write_pair("SFX A Y 1\nSFX A 0 s .\n", "1\nword/A\n", aff, dic, sizeof aff);
    snprintf(dic, sizeof dic, "%s/missing.dic", g_tmpdir);
    m = (rl_morph *)&m;
    rc = replylint__morph_load(&m, aff, dic, err, sizeof err);
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err, "missing.dic") != NULL, "message does not name the file: %s", err);
    /* errbuf is optional. */
    rc = replylint__morph_load(&m, "/nonexistent/a.aff", "/nonexistent/a.dic", NULL, 0);
    ck_assert_int_eq(rc, -1);
    replylint__morph_free(NULL);
}
END_TEST

static const struct {
    const char *aff;
    const char *want; /* substring of the message, after "t.aff:" */
} bad_affs[] = {
    {"SET UTF-8\nSFX A Y 1\nSFX A 0\n", "t.aff:3: bad SFX line"},
    {"SFX A Y x\nSFX A 0 s .\n", "t.aff:1: bad SFX header"},
    {"SFX A Q 1\nSFX A 0 s .\n", "t.aff:1: bad SFX header"},
    {"PFX AB Y 1\nPFX AB 0 un .\n", "t.aff:1: bad PFX header"},
    {"SFX A Y 2\nSFX A 0 s .\n", "more SFX lines expected at end of file"},
    {"SFX A Y 2\nSFX A 0 s .\nTRY abc\n", "t.aff:3: 1 more SFX lines expected"},
    {"SFX A Y 1\nSFX A 0 s [ab\n", "t.aff:2: bad SFX condition"},
    {"SFX A Y 1\nSFX A 0 s []\n", "t.aff:2: bad SFX condition"},
    {"SFX A Y 1\nSFX B 0 s .\n", "t.aff:2: bad SFX line"},
    {"PFX A Y 1\nSFX A 0 s .\n", "t.aff:2: bad SFX line"},
    {"SFX A Y 1\nSFX A 0 s .\n\nSFX A N 1\nSFX A 0 x .\n", "t.aff:4: SFX flag A defined twice"},
    {"# comment\nFLAG long\n", "t.aff:2: FLAG long is not supported"},
    {"FLAG num\n", "t.aff:1: FLAG num is not supported"},
    {"SFX A Y 0\nFLAG UTF-8\n", "t.aff:2: FLAG after flags were used"},
    {"SET KOI8-R\n", "t.aff:1: unsupported encoding KOI8-R"},
    {"AF x\n", "t.aff:1: bad AF count"},
    {"AF 1\nAF A\nAF B\n", "t.aff:3: more AF lines than declared"},
    {"AF 2\nAF A\n", "2 AF aliases declared, 1 given"},
};

START_TEST(malformed_aff)
{
    char ap[512], dp[512], err[256];
    rl_morph *m = (rl_morph *)&m;
    int rc;
    write_pair(bad_affs[_i].aff, "1\nword/A\n", ap, dp, sizeof ap);
    rc = replylint__morph_load(&m, ap, dp, err, sizeof err);
    ck_assert_int_eq(rc, -2);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err, bad_affs[_i].want) != NULL, "case %d: got \"%s\", want \"%s\"", _i,
                  err, bad_affs[_i].want);
    ck_assert_msg(strchr(err, '\n') == NULL, "message is not one line: %s", err);
}
END_TEST

START_TEST(malformed_dic)
{
    char ap[512], dp[512], err[256];
    rl_morph *m = (rl_morph *)&m;
    int rc;
    write_pair("SFX A Y 1\nSFX A 0 s .\n", "word/A\n", ap, dp, sizeof ap);
    rc = replylint__morph_load(&m, ap, dp, err, sizeof err);
    ck_assert_int_eq(rc, -2);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err, "t.dic:1:") != NULL, "got %s", err);
    write_pair("AF 1\nAF A\nSFX A Y 1\nSFX A 0 s .\n", "2\nword/1\nother/2\n", ap, dp, sizeof ap);
    rc = replylint__morph_load(&m, ap, dp, err, sizeof err);
    ck_assert_int_eq(rc, -2);
    ck_assert_msg(strstr(err, "t.dic:3: bad flag alias") != NULL, "got %s", err);
    /* A truncated message still fits the buffer. */
    rc = replylint__morph_load(&m, ap, dp, err, 8);
    ck_assert_int_eq(rc, -2);
    ck_assert_uint_eq(strlen(err), 7);
}
END_TEST

START_TEST(synthetic_utf8_flags_and_prefixes)
{
    /* UTF-8 flags, a cross-product prefix, a suffix class without cross product, a forbidden
     * word, an escaped slash, morphology after a tab, CRLF line ends and a BOM. */
    static const char aff[] = "\xEF\xBB\xBFSET UTF-8\r\n"
                              "FLAG UTF-8\r\n"
                              "FORBIDDENWORD ∅\r\n"
                              "SFX Ж Y 2\r\n"
                              "SFX Ж 0 s [^s]\r\n"
                              "SFX Ж 0 es s   morphology ignored\r\n"
                              "PFX Ю Y 1\r\n"
                              "PFX Ю 0 un .\r\n"
                              "SFX Э N 1\r\n"
                              "SFX Э 0 ly .\r\n";
    static const char dic[] = "\xEF\xBB\xBF"
                              "4\r\n"
                              "kind/ЖЮЭ\r\n"
                              "glass/Ж\r\n"
                              "bad/Ж∅\r\n"
                              "a\\/b/Ж\tpo:noun\r\n";
    rl_morph *m = load_pair(aff, dic);
    struct forms f;
    f = expand(m, "Kind");
    ck_assert_uint_eq(f.n, 3);
    ck_assert_str_eq(f.v[0], "kind");
    ASSERT_HAS(f, "kind", "kinds");
    ASSERT_HAS(f, "kind", "kindly");
    forms_free(&f);
    /* The prefix is re-applied, but only to cross-product suffixes (Э is N). */
    f = expand(m, "unkinds");
    ck_assert_uint_eq(f.n, 2);
    ASSERT_HAS(f, "unkinds", "unkind");
    forms_free(&f);
    f = expand(m, "glass");
    ASSERT_HAS(f, "glass", "glasses");
    ASSERT_LACKS(f, "glass", "glasss");
    forms_free(&f);
    f = expand(m, "bads");
    ck_assert_uint_eq(f.n, 1);
    forms_free(&f);
    f = expand(m, "a/b");
    ASSERT_HAS(f, "a/b", "a/bs");
    forms_free(&f);
    replylint__morph_free(m);
}
END_TEST

START_TEST(synthetic_aliases_and_needaffix)
{
    static const char aff[] = "AF 2\n"
                              "AF AB # walk\n"
                              "AF BX\n"
                              "NEEDAFFIX X\n"
                              "SFX A Y 1\n"
                              "SFX A 0 s .\n"
                              "SFX B Y 1\n"
                              "SFX B 0 ed .\n";
    rl_morph *m = load_pair(aff, "2\nwalk/1\njump/2\n");
    struct forms f;
    f = expand(m, "walk");
    ck_assert_uint_eq(f.n, 3);
    ASSERT_HAS(f, "walk", "walks");
    ASSERT_HAS(f, "walk", "walked");
    forms_free(&f);
    /* «jump» only exists with an affix, so it is not generated as a form of «jumped». */
    f = expand(m, "jumped");
    ck_assert_uint_eq(f.n, 1);
    ck_assert_str_eq(f.v[0], "jumped");
    forms_free(&f);
    replylint__morph_free(m);
}
END_TEST

START_TEST(synthetic_conditions_see_yo)
{
    /* Conditions apply to the dictionary spelling, before ё is folded to е. */
    static const char aff[] = "SET UTF-8\n"
                              "SFX A Y 2\n"
                              "SFX A 0 м [^ё]\n"
                              "SFX A ё ем ё\n";
    rl_morph *m = load_pair(aff, "2\nмое/A\nвсё/A\n");
    struct forms f;
    f = expand(m, "Мое");
    ck_assert_uint_eq(f.n, 2);
    ASSERT_HAS(f, "мое", "моем");
    forms_free(&f);
    f = expand(m, "ВСЁ");
    ck_assert_uint_eq(f.n, 2);
    ck_assert_str_eq(f.v[0], "все");
    ASSERT_HAS(f, "все", "всем");
    forms_free(&f);
    f = expand(m, "всем");
    ASSERT_HAS(f, "всем", "все");
    forms_free(&f);
    replylint__morph_free(m);
}
END_TEST

Suite *morph_suite(void)
{
    Suite *s = suite_create("morph");
    TCase *ru = tcase_create("ru_RU");
    TCase *en = tcase_create("en_US");
    TCase *syn = tcase_create("synthetic");

    tcase_add_unchecked_fixture(ru, ru_setup, ru_teardown);
    tcase_set_timeout(ru, 30);
    tcase_add_test(ru, ru_noun_sredstva);
    tcase_add_test(ru, ru_adjective_denezhnye);
    tcase_add_test(ru, ru_verb_osushchestvit);
    tcase_add_test(ru, ru_noun_from_oblique_case);
    tcase_add_test(ru, ru_case_and_yo);
    tcase_add_test(ru, ru_headword_is_not_stemmed);
    tcase_add_test(ru, ru_unknown_word);
    tcase_add_test(ru, ru_emit_stop_and_empty);
    tcase_add_test(ru, ru_concurrent_calls);
    suite_add_tcase(s, ru);

    tcase_add_unchecked_fixture(en, en_setup, en_teardown);
    tcase_set_timeout(en, 30);
    tcase_add_test(en, en_verbs);
    tcase_add_test(en, en_inconvenience);
    tcase_add_test(en, en_prefixes);
    tcase_add_test(en, en_unknown_word);
    suite_add_tcase(s, en);

    tcase_add_checked_fixture(syn, tmp_setup, tmp_teardown);
    tcase_add_test(syn, missing_files);
    tcase_add_loop_test(syn, malformed_aff, 0, (int)(sizeof bad_affs / sizeof bad_affs[0]));
    tcase_add_test(syn, malformed_dic);
    tcase_add_test(syn, synthetic_utf8_flags_and_prefixes);
    tcase_add_test(syn, synthetic_aliases_and_needaffix);
    tcase_add_test(syn, synthetic_conditions_see_yo);
    suite_add_tcase(s, syn);
    return s;
}
