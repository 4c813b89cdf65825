/*
 * check_lint.c: what a lint call finds, and where.  A small rule set of every kind, then
 * the same reply in different clothes (NFD, capitals, NBSP, line breaks, emoji, CRLF):
 * the same findings, and offsets that point at exactly the flagged text in every unit.
 */
#include "helpers.h"
#include "suites.h"
#include "utf8.h"

#include <stdbool.h>
#include <stdlib.h>

static const char *rules_yaml =
    "rules:\n"
    "  - id: jargon.ru.money\n"
    "    category: jargon\n"
    "    language: ru\n"
    "    kind: phrase\n"
    "    message: 'Канцелярит: «{match}»'\n"
    "    swap:\n"
    "      денежные средства: деньги\n"
    "      осуществить оплату: [оплатить, заплатить]\n"
    "    examples: {bad: [Верните денежные средства.], good: [Верните деньги.]}\n"
    "  - id: inconvenience.ru.sorry\n"
    "    category: inconvenience\n"
    "    language: ru\n"
    "    kind: phrase\n"
    "    message: Назовите проблему\n"
    "    phrases: ['(приносить|принести) извинения за (доставленные|причиненные)? неудобства']\n"
    "    examples: {bad: [Приносим извинения за неудобства.], good: [Простите за задержку.]}\n"
    "  - id: inconvenience.en.sorry\n"
    "    category: inconvenience\n"
    "    language: en\n"
    "    kind: phrase\n"
    "    message: Name the problem\n"
    "    phrases: ['apologize for (the|any) inconvenience', 'sorry for * inconvenience']\n"
    "    examples: {bad: [We apologized for the inconveniences.], good: [Sorry the app crashed.]}\n"
    "  - id: greeting.ru.missing\n"
    "    category: greeting\n"
    "    language: ru\n"
    "    kind: require\n"
    "    where: start\n"
    "    message: Поздоровайтесь\n"
    "    phrases: [здравствуйте, добрый (день|вечер|утро), привет]\n"
    "    examples: {bad: [Ваш заказ готов.], good: ['Добрый день! Ваш заказ готов.']}\n"
    "  - id: closing.ru.missing\n"
    "    category: closing\n"
    "    language: ru\n"
    "    kind: require\n"
    "    where: end\n"
    "    message: Закончите на позитивной ноте\n"
    "    phrases: [хорошего (дня|вечера), всего доброго]\n"
    "    examples: {bad: [Заказ готов.], good: ['Заказ готов. Хорошего дня!']}\n"
    "  - id: name.ru.unused\n"
    "    category: name\n"
    "    language: ru\n"
    "    kind: name\n"
    "    message: Обратитесь по имени\n"
    "    aliases: [[Александр, Саша, Шура], [Екатерина, Катя]]\n"
    "    examples:\n"
    "      bad: [{text: Здравствуйте!, name: Иван}]\n"
    "      good: [{text: 'Здравствуйте, Иван!', name: Иван}]\n"
    "  - id: signature.ru.department\n"
    "    category: signature\n"
    "    language: ru\n"
    "    kind: signature\n"
    "    message: Подпишитесь своим именем\n"
    "    department: [служба поддержки клиентов?, поддержка]\n"
    "    signoff: [с уважением]\n"
    "    examples:\n"
    "      bad: [\"Готово.\\nС уважением,\\nСлужба поддержки\"]\n"
    "      good: [\"Готово.\\nПетя Иванов,\\nСлужба поддержки\"]\n"
    "  - id: length.ru.sentence\n"
    "    category: length\n"
    "    language: ru\n"
    "    kind: length\n"
    "    scope: sentence\n"
    "    max: {chat: 5, email: 8}\n"
    "    message: Длинное предложение\n"
    "    examples:\n"
    "      bad: [{text: 'раз два три четыре пять шесть.', channel: chat}]\n"
    "      good: ['раз два три четыре пять шесть.']\n"
    "  - id: tone.ru.caps\n"
    "    category: tone\n"
    "    language: ru\n"
    "    kind: shouting\n"
    "    allow: [смс]\n"
    "    message: Не кричите\n"
    "    examples: {bad: [Это НЕВОЗМОЖНО.], good: [Пришлите СМС или код IE9.]}\n"
    "  - id: tone.any.marks\n"
    "    category: tone\n"
    "    kind: regex\n"
    "    raw: true\n"
    "    pattern: '[!?]*(?:!!|\\?\\?)[!?]*'\n"
    "    message: Без восклицательных рядов\n"
    "    examples: {bad: [Что???], good: [Что?]}\n"
    "  - id: vague-time.ru.outage\n"
    "    category: vague-time\n"
    "    language: ru\n"
    "    kind: conditional\n"
    "    if: {phrases: [авария, ремонтные работы]}\n"
    "    then: {pattern: '\\d{1,2}[:.]\\d{2}|завтра|сегодня'}\n"
    "    message: Назовите срок\n"
    "    examples: {bad: [Идут ремонтные работы.], good: [Идут ремонтные работы до 18:00.]}\n";

static replylint_ruleset *rs;

static void setup(void)
{
    replylint_error err;
    rs = rules_from(rules_yaml, &err);
    ck_assert_msg(rs != NULL, "%s:%u:%u: %s", err.source, err.line, err.column, err.message);
}

static void teardown(void)
{
    replylint_ruleset_free(rs);
}

static replylint_report *lint(const char *text, const char *name)
{
    replylint_options o;
    replylint_error err;
    replylint_report *r = NULL;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.customer_name = name;
    int rc = replylint_lint(&r, rs, text, strlen(text), &o, &err);
    ck_assert_msg(rc == 0, "lint failed: %s", err.message);
    return r;
}

/* Each offset pair selects exactly the diagnostic's text in its own unit. */
static void check_offsets(const char *text, const replylint_diag *d)
{
    size_t bs, be, cs, ce, us, ue;
    ck_assert_int_eq(replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &bs, &be), 0);
    ck_assert_int_eq(replylint_diag_offsets(d, REPLYLINT_UNIT_CODEPOINT, &cs, &ce), 0);
    ck_assert_int_eq(replylint_diag_offsets(d, REPLYLINT_UNIT_UTF16, &us, &ue), 0);
    ck_assert_int_eq(replylint_diag_offsets(d, (replylint_unit)7, &bs, &be), REPLYLINT_EINVAL);
    const char *t = replylint_diag_text(d);
    ck_assert_uint_eq(be - bs, strlen(t));
    ck_assert(memcmp(text + bs, t, be - bs) == 0);
    /* Recount code points and UTF-16 units independently of the library. */
    size_t cp = 0, u16 = 0;
    for (size_t i = 0; i < be; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c & 0xC0) == 0x80)
            continue;
        if (i == bs) {
            ck_assert_uint_eq(cp, cs);
            ck_assert_uint_eq(u16, us);
        }
        cp++;
        u16 += c >= 0xF0 ? 2 : 1;
    }
    ck_assert_uint_eq(cp, ce);
    ck_assert_uint_eq(u16, ue);
}

#define REPLY_RU                                                                                                                                                       \
    "Здравствуйте! 😀\nПриносим извинения за доставленные неудобства. Денежными средствами " \
    "можно оплатить заказ."

START_TEST(test_reply_findings_and_offsets)
{
    replylint_report *r = lint(REPLY_RU, "Иван");
    ck_assert_str_eq(replylint_report_language(r), "ru");
    const replylint_diag *j = find_diag(r, "jargon.ru.money");
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(replylint_diag_text(j), "Денежными средствами");
    ck_assert_uint_eq(replylint_diag_suggestion_count(j), 1);
    ck_assert_str_eq(replylint_diag_suggestion(j, 0), "Деньгами"); /* agrees in case */
    ck_assert_str_eq(replylint_diag_message(j), "Канцелярит: «Денежными средствами»");
    ck_assert_uint_eq(replylint_diag_line(j), 2);
    ck_assert_uint_eq(replylint_diag_column(j), 48);
    const replylint_diag *inc = find_diag(r, "inconvenience.ru.sorry");
    ck_assert_ptr_nonnull(inc);
    ck_assert_str_eq(replylint_diag_text(inc), "Приносим извинения за доставленные неудобства");
    ck_assert_ptr_nonnull(find_diag(r, "name.ru.unused"));
    ck_assert_ptr_null(find_diag(r, "greeting.ru.missing"));
    for (size_t i = 0; i < replylint_report_count(r); i++)
        check_offsets(REPLY_RU, replylint_report_get(r, i));
    double score = replylint_report_score(r);
    ck_assert(score > 0.0 && score < 10.0);
    replylint_report_free(r);
}
END_TEST

/* The same reply in other clothes gives the same rules. */
static void expect_same(const char *text)
{
    replylint_report *r = lint(text, "Иван");
    ck_assert_msg(find_diag(r, "jargon.ru.money") != NULL, "jargon missed in: %s", text);
    ck_assert_msg(find_diag(r, "inconvenience.ru.sorry") != NULL, "inconvenience missed: %s", text);
    ck_assert_msg(find_diag(r, "name.ru.unused") != NULL, "name missed: %s", text);
    ck_assert_msg(find_diag(r, "greeting.ru.missing") == NULL, "greeting false alarm: %s", text);
    for (size_t i = 0; i < replylint_report_count(r); i++)
        check_offsets(text, replylint_report_get(r, i));
    replylint_report_free(r);
}

START_TEST(test_variants)
{
    /* NFD: «й» as и + U+0306 in «Здравствуйте». */
    expect_same("Здравствуи\xcc\x86те! 😀\nПриносим извинения за доставленные неудобства. "
                "Денежными средствами можно оплатить заказ.");
    /* Capitals. */
    expect_same("ЗДРАВСТВУЙТЕ! 😀\nПРИНОСИМ ИЗВИНЕНИЯ ЗА ДОСТАВЛЕННЫЕ НЕУДОБСТВА. ДЕНЕЖНЫМИ "
                "СРЕДСТВАМИ МОЖНО ОПЛАТИТЬ ЗАКАЗ.");
    /* NBSP and line breaks (CRLF too) inside the phrases. */
    expect_same("Здравствуйте! 😀\r\nПриносим\xc2\xa0извинения за\r\nдоставленные  неудобства. "
                "Денежными\nсредствами можно оплатить заказ.");
    /* ё for е does not hide anything either. */
    expect_same("Здравствуйте!\nПриносим извинения за доставлённые неудобства. Денежными "
                "средствами можно оплатить заказ.");
}
END_TEST

START_TEST(test_inflection_en)
{
    const char *t = "Hi Anna, we apologized for the inconveniences. Sorry for this inconvenience.";
    replylint_report *r = lint(t, NULL);
    ck_assert_str_eq(replylint_report_language(r), "en");
    ck_assert_uint_eq(replylint_report_count(r), 2);
    ck_assert_str_eq(replylint_diag_text(replylint_report_get(r, 0)),
                     "apologized for the inconveniences");
    ck_assert_str_eq(replylint_diag_text(replylint_report_get(r, 1)),
                     "Sorry for this inconvenience");
    replylint_report_free(r);
}
END_TEST

START_TEST(test_suggestion_agreement)
{
    replylint_report *r = lint("Осуществите оплату. Денежным средствам конец.", NULL);
    ck_assert_uint_eq(replylint_report_count(r) >= 2, 1);
    const replylint_diag *d = find_diag(r, "jargon.ru.money");
    ck_assert_str_eq(replylint_diag_text(d), "Осуществите оплату");
    ck_assert_uint_eq(replylint_diag_suggestion_count(d), 2);
    ck_assert_str_eq(replylint_diag_suggestion(d, 0), "Оплатите");
    ck_assert_str_eq(replylint_diag_suggestion(d, 1), "Заплатите");
    ck_assert(!replylint_diag_fixable(d)); /* two choices: not applied unattended */
    replylint_report_free(r);
}
END_TEST

START_TEST(test_fix)
{
    const char *t = "Здравствуйте! ДЕНЕЖНЫЕ СРЕДСТВА вернутся.\r\nДенежными средствами "
                    "можно оплатить 😀. Осуществите оплату.";
    char *out = NULL;
    size_t len = 0;
    replylint_error err;
    ck_assert_int_eq(replylint_fix(&out, &len, rs, t, strlen(t), NULL, &err), 0);
    ck_assert_str_eq(out, "Здравствуйте! ДЕНЬГИ вернутся.\r\nДеньгами можно оплатить 😀. "
                          "Осуществите оплату.");
    ck_assert_uint_eq(len, strlen(out));
    replylint_free(out);
    out = (char *)1;
    ck_assert_int_eq(replylint_fix(&out, NULL, rs, "\xff", 1, NULL, &err), REPLYLINT_EUTF8);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(replylint_fix(NULL, NULL, rs, "x", 1, NULL, &err), REPLYLINT_EINVAL);
    ck_assert_int_eq(replylint_fix(&out, NULL, rs, NULL, 0, NULL, &err), 0);
    ck_assert_str_eq(out, "");
    replylint_free(out);
}
END_TEST

START_TEST(test_phrase_not_across_punctuation)
{
    replylint_report *r = lint("Здравствуйте! Нужны денежные. Средства есть.", NULL);
    ck_assert_ptr_null(find_diag(r, "jargon.ru.money"));
    replylint_report_free(r);
}
END_TEST

START_TEST(test_name_inflected)
{
    replylint_report *r = lint("Здравствуйте! Передали Ивану ваш вопрос.", "Иван");
    ck_assert_ptr_null(find_diag(r, "name.ru.unused"));
    replylint_report_free(r);
    r = lint("Здравствуйте, ирина! Хорошего дня!", "Ирина");
    ck_assert_ptr_null(find_diag(r, "name.ru.unused"));
    replylint_report_free(r);
    r = lint("Здравствуйте! Написали Ирине.", "ИРИНА");
    ck_assert_ptr_null(find_diag(r, "name.ru.unused"));
    replylint_report_free(r);
    r = lint("Привет, Саша! Заказ у курьера.", "Александр");
    ck_assert_ptr_null(find_diag(r, "name.ru.unused")); /* a short form counts */
    replylint_report_free(r);
    r = lint("Здравствуйте! Передали Кате.", "Екатерина Смирнова");
    ck_assert_ptr_null(find_diag(r, "name.ru.unused")); /* inflected short form */
    replylint_report_free(r);
    r = lint("Привет, Катя! Заказ у курьера.", "Александр");
    ck_assert_ptr_nonnull(find_diag(r, "name.ru.unused")); /* someone else's name */
    replylint_report_free(r);
    r = lint("Здравствуйте! Иванов передал вам привет.", "Иван");
    ck_assert_ptr_nonnull(find_diag(r, "name.ru.unused")); /* a surname is not the name */
    replylint_report_free(r);
}
END_TEST

START_TEST(test_greeting_and_closing_positions)
{
    replylint_report *r = lint("Ваш заказ готов. Здравствуйте! Хорошего дня.", NULL);
    const replylint_diag *g = find_diag(r, "greeting.ru.missing");
    ck_assert_ptr_nonnull(g); /* a greeting in the middle is not at the start */
    ck_assert_str_eq(replylint_diag_text(g), "Ваш заказ готов.");
    ck_assert_ptr_null(find_diag(r, "closing.ru.missing"));
    replylint_report_free(r);
    r = lint("Здравствуйте! Хорошего дня. Заказ готов. Оплата прошла. Чек на почте.", NULL);
    const replylint_diag *c = find_diag(r, "closing.ru.missing");
    ck_assert_ptr_nonnull(c); /* a closing far from the end does not count */
    ck_assert_str_eq(replylint_diag_text(c), "Чек на почте.");
    replylint_report_free(r);
}
END_TEST

START_TEST(test_signature)
{
    replylint_report *r = lint(
        "Здравствуйте! Готово. Хорошего дня!\n\nС уважением,\nСлужба поддержки клиентов", NULL);
    const replylint_diag *s = find_diag(r, "signature.ru.department");
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(replylint_diag_text(s), "С уважением,\nСлужба поддержки клиентов");
    replylint_report_free(r);
    r = lint("Здравствуйте! Готово. Хорошего дня!\nПетя Иванов,\nСлужба поддержки клиентов", NULL);
    ck_assert_ptr_null(find_diag(r, "signature.ru.department"));
    replylint_report_free(r);
}
END_TEST

START_TEST(test_shouting_and_marks)
{
    replylint_report *r = lint("Здравствуйте! Это НЕВОЗМОЖНО!!! Пришлите СМС, ПК и RUTUBE.", NULL);
    const replylint_diag *d = find_diag(r, "tone.ru.caps");
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(replylint_diag_text(d), "НЕВОЗМОЖНО");
    ck_assert_str_eq(replylint_diag_suggestion(d, 0), "невозможно");
    ck_assert_int_eq(replylint_diag_severity(d), REPLYLINT_SEV_ERROR);
    const replylint_diag *m = find_diag(r, "tone.any.marks");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(replylint_diag_text(m), "!!!");
    size_t caps = 0;
    for (size_t i = 0; i < replylint_report_count(r); i++)
        caps += strcmp(replylint_diag_rule(replylint_report_get(r, i)), "tone.ru.caps") == 0;
    ck_assert_uint_eq(caps, 1);
    replylint_report_free(r);
}
END_TEST

/* Count the findings of one rule. */
static size_t count_rule(const replylint_report *r, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < replylint_report_count(r); i++)
        n += strcmp(replylint_diag_rule(replylint_report_get(r, i)), rule) == 0;
    return n;
}

/* The shouting rules skip a reply without a long enough run of bytes that may lie inside a
 * word in capitals (replylint__caps_run).  Sound only if every shout spans such a run: check
 * it on each finding of random text full of capitals joined and marked every way. */
START_TEST(test_shouting_spans_caps_run)
{
    replylint_error err;
    replylint_ruleset *sh = rules_from("rules:\n"
                                       "  - id: caps.en\n"
                                       "    category: tone\n"
                                       "    language: en\n"
                                       "    kind: shouting\n"
                                       "    min_letters: 3\n"
                                       "    message: Shouting\n"
                                       "    examples: {bad: [It is BROKEN.], good: [It is fine.]}\n"
                                       "  - id: caps.ru\n"
                                       "    category: tone\n"
                                       "    language: ru\n"
                                       "    kind: shouting\n"
                                       "    message: Не кричите\n"
                                       "    examples: {bad: [Это НЕВОЗМОЖНО.], good: [Это так.]}\n",
                                       &err);
    ck_assert_msg(sh != NULL, "%s", err.message);
    static const char *const pieces[] = {"ABC",
                                         "XYZZY",
                                         "A-B-C-D",
                                         "DON'T",
                                         "O'NEIL",
                                         "I'm",
                                         "HEL\xC2\xADLO",
                                         "HE\xE2\x80\x8DLLO",
                                         "\xC3\x89\xC3\x89\xC3\x89",
                                         "A\xCC\x81"
                                         "BC",
                                         "\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2",
                                         "\xD0\x81\xD0\x96-\xD0\x97\xD0\x98",
                                         "\xD0\xA0\xD0\xA3\xD0\x9A\xD0\x98",
                                         "\xD0\xA0\xCC\x81\xD0\xA3\xC2\xAD\xD0\x9A'\xD0\x98",
                                         "\xD0\x81\xD0\x81\xD0\x81\xD0\x81",
                                         "\xD4\x80\xD4\x80\xD0\x96\xD0\x96",
                                         "\xD0\x9F\xD0\xA0\xD0\x98\xD0\xB2\xD0\xB5\xD1\x82",
                                         "\xD1\xA1\xD0\x96\xD0\x96\xD0\x96",
                                         "word",
                                         "Word",
                                         "\xD0\xB4\xD0\xB0",
                                         " ",
                                         " ",
                                         ". ",
                                         ", ",
                                         "! ",
                                         "\n",
                                         "7",
                                         "\xE2\x80\x94"};
    enum { N = sizeof(pieces) / sizeof(pieces[0]) };
    char text[1 + 60 * 24];
    unsigned seed = 99;
    size_t shouts = 0;
    int rounds = random_rounds(3000);
    for (int round = 0; round < rounds; round++) {
        size_t len = random_mix(text, pieces, N, 60, &seed);
        replylint_options o;
        replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
        replylint_report *r = NULL;
        ck_assert_int_eq(replylint_lint(&r, sh, text, len, &o, &err), 0);
        for (size_t i = 0; i < replylint_report_count(r); i++) {
            const replylint_diag *d = replylint_report_get(r, i);
            const char *t = replylint_diag_text(d);
            size_t min = strcmp(replylint_diag_rule(d), "caps.en") == 0 ? 3 : 4;
            ck_assert_msg(replylint__caps_run(t, strlen(t), min), "\"%s\" in \"%.*s\"", t, (int)len,
                          text);
            shouts++;
        }
        replylint_report_free(r);
    }
    ck_assert_uint_gt(shouts, (size_t)rounds / 3); /* half the pieces are no shout */
    /* Russian shouts at the edge: exactly four two-byte capitals, four with a mark, a soft
     * hyphen and an apostrophe inside, and three capitals (too few). */
    static const struct {
        const char *text;
        size_t n;
    } edge[] = {
        {"\xD0\xAD\xD1\x82\xD0\xBE \xD0\x81\xD0\x81\xD0\x81\xD0\x81.", 1}, /* Это ЁЁЁЁ. */
        {"\xD0\xAD\xD1\x82\xD0\xBE \xD0\xA0\xCC\x81\xD0\xA3\xC2\xAD\xD0\x9A'\xD0\x98.", 1},
        {"\xD0\xAD\xD1\x82\xD0\xBE \xD0\x96\xD0\x96\xD0\x96.", 0}, /* Это ЖЖЖ. */
    };
    for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
        replylint_report *r = NULL;
        ck_assert_int_eq(replylint_lint(&r, sh, edge[i].text, strlen(edge[i].text), NULL, &err), 0);
        ck_assert_msg(count_rule(r, "caps.ru") == edge[i].n, "%s: %zu shouts, want %zu",
                      edge[i].text, count_rule(r, "caps.ru"), edge[i].n);
        replylint_report_free(r);
    }
    replylint_ruleset_free(sh);
}
END_TEST

START_TEST(test_shouting_context)
{
    /* Links, handles, quotes and heading lines are not shouting; a shouted line is. */
    replylint_report *r = lint("Откройте раздел «КАК ЗАГРУЗИТЬ ВИДЕО» на https://EXAMPLE.RU/HELP "
                               "или напишите @ПОДДЕРЖКА.\nВАЖНАЯ ИНФОРМАЦИЯ\nЭто НЕВОЗМОЖНО!",
                               NULL);
    size_t caps = 0;
    for (size_t i = 0; i < replylint_report_count(r); i++) {
        const replylint_diag *d = replylint_report_get(r, i);
        if (strcmp(replylint_diag_rule(d), "tone.ru.caps") == 0) {
            caps++;
            ck_assert_str_eq(replylint_diag_text(d), "НЕВОЗМОЖНО");
        }
    }
    ck_assert_uint_eq(caps, 1);
    replylint_report_free(r);
    r = lint("ХВАТИТ ПИСАТЬ!", NULL); /* all capitals, but it ends like a shout */
    ck_assert_ptr_nonnull(find_diag(r, "tone.ru.caps"));
    replylint_report_free(r);
}
END_TEST

START_TEST(test_phrase_exceptions)
{
    replylint_error err;
    replylint_ruleset *ex = rules_from("rules:\n"
                                       "  - id: jargon.ru.case\n"
                                       "    category: jargon\n"
                                       "    language: ru\n"
                                       "    kind: phrase\n"
                                       "    message: m\n"
                                       "    swap: {в случае: если}\n"
                                       "    except: [в случае чего]\n"
                                       "    examples: {bad: [В случае ошибки пишите.], good: "
                                       "[В случае чего пишите.]}\n",
                                       &err);
    ck_assert_ptr_nonnull(ex);
    replylint_report *r = NULL;
    const char *t = "В случае чего звоните. В случае ошибки пишите.";
    ck_assert_int_eq(replylint_lint(&r, ex, t, strlen(t), NULL, &err), 0);
    ck_assert_uint_eq(replylint_report_count(r), 1);
    ck_assert_str_eq(replylint_diag_text(replylint_report_get(r, 0)), "В случае");
    size_t s, e;
    replylint_diag_offsets(replylint_report_get(r, 0), REPLYLINT_UNIT_BYTE, &s, &e);
    ck_assert_uint_gt(s, 10); /* the second one */
    replylint_report_free(r);
    replylint_ruleset_free(ex);
}
END_TEST

START_TEST(test_conditional)
{
    replylint_report *r = lint("Здравствуйте! У нас авария на линии.", NULL);
    const replylint_diag *d = find_diag(r, "vague-time.ru.outage");
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(replylint_diag_text(d), "авария");
    replylint_report_free(r);
    r = lint("Здравствуйте! У нас авария, починим к 17:30.", NULL);
    ck_assert_ptr_null(find_diag(r, "vague-time.ru.outage"));
    replylint_report_free(r);
}
END_TEST

/* A conditional rule whose trigger is phrases alone runs only when they occur (its gate);
 * one whose trigger is a pattern runs on every reply.  Both in one rule set, on texts with
 * either trigger, both or neither, find what they should. */
START_TEST(test_conditional_gated_and_not)
{
    replylint_error err;
    replylint_ruleset *t =
        rules_from("rules:\n"
                   "  - id: t.phrase_if\n"
                   "    category: vague-time\n"
                   "    kind: conditional\n"
                   "    if: {phrases: [outage, maintenance]}\n"
                   "    then: {pattern: '\\d{1,2}:\\d{2}|tomorrow'}\n"
                   "    message: m\n"
                   "    examples: {bad: [An outage.], good: [An outage until 18:00.]}\n"
                   "  - id: t.pattern_if\n"
                   "    category: vague-time\n"
                   "    kind: conditional\n"
                   "    if: {pattern: '\\bdown\\s+for\\b'}\n"
                   "    then: {phrases: [hours, minutes]}\n"
                   "    message: m\n"
                   "    examples: {bad: [It is down for now.], good: [Down for two "
                   "hours.]}\n",
                   &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    struct {
        const char *text;
        size_t phrase_if, pattern_if;
    } cases[] = {
        {"The site is down for now.", 0, 1},
        {"Maintenance: the site is down for now.", 1, 1},
        {"Maintenance until 18:00; down for two hours.", 0, 0},
        {"An outage. Sorry!", 1, 0},
        {"Hello there.", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        replylint_report *r = NULL;
        ck_assert_int_eq(replylint_lint(&r, t, cases[i].text, strlen(cases[i].text), NULL, &err),
                         0);
        ck_assert_msg(count_rule(r, "t.phrase_if") == cases[i].phrase_if, "%s: phrase_if",
                      cases[i].text);
        ck_assert_msg(count_rule(r, "t.pattern_if") == cases[i].pattern_if, "%s: pattern_if",
                      cases[i].text);
        replylint_report_free(r);
    }
    replylint_ruleset_free(t);
}
END_TEST

/* A reply, and how many findings of one rule it must get. */
typedef struct {
    const char *text;
    size_t n;
} rule_case;

/* Lint each case with t and require its number of findings of rule `id`. */
static void assert_rule_counts(const replylint_ruleset *t, const char *id, const rule_case *cases,
                               size_t n)
{
    replylint_error err;
    for (size_t i = 0; i < n; i++) {
        replylint_report *r = NULL;
        ck_assert_int_eq(replylint_lint(&r, t, cases[i].text, strlen(cases[i].text), NULL, &err),
                         0);
        ck_assert_msg(count_rule(r, id) == cases[i].n, "%s: %zu findings of %s, want %zu",
                      cases[i].text, count_rule(r, id), id, cases[i].n);
        replylint_report_free(r);
    }
}

/* Patterns whose every alternative starts a word are tried at word starts only (a speed
 * path); they must find what a full scan finds, lookbehinds and optional groups included.
 * `needs:` skips the pattern on replies without one of its words. */
START_TEST(test_regex_word_starts_and_needs)
{
    static const char yaml[] =
        "rules:\n"
        "  - id: t.alts\n"
        "    category: jargon\n"
        "    kind: regex\n"
        "    pattern: '\\b(?:as\\s+)?per\\b|\\b(?<!иметь )ввиду\\b|\\bвсле(?:дствие)?\\b'\n"
        "    message: m\n"
        "    examples: {bad: [as per policy, ввиду погоды], good: [иметь ввиду, super]}\n"
        "  - id: t.needs\n"
        "    category: deflection\n"
        "    kind: regex\n"
        "    needs: [bank, banks]\n"
        "    pattern: '(?:^|[.!?]\\s+)\\Kcontact\\s+(?:your|the)\\s+\\w+'\n"
        "    message: m\n"
        "    examples: {bad: [Contact your bank., Ok. Contact the banks.],\n"
        "               good: [Contact your store., We contact your bank.]}\n"
        /* The same pattern twice: anchored at word starts, and (behind a group, which
         * the start analysis does not open) searched everywhere. */
        "  - id: t.hours\n"
        "    category: vague-time\n"
        "    kind: regex\n"
        "    pattern: '\\b\\d+\\s*(?:hours?|часа?)\\b|\\bза\\s+час'\n"
        "    message: m\n"
        "    examples: {bad: [in 2-3 hours, через 2-3 часа], good: [hours, за-часами]}\n"
        "  - id: t.hours_everywhere\n"
        "    category: vague-time\n"
        "    kind: regex\n"
        "    pattern: '(?:\\b\\d+\\s*(?:hours?|часа?)\\b|\\bза\\s+час)'\n"
        "    message: m\n"
        "    examples: {bad: [in 2-3 hours, через 2-3 часа], good: [hours, за-часами]}\n";
    replylint_error err;
    replylint_ruleset *t = rules_from(yaml, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    struct {
        const char *text;
        const char *rule;
        size_t n;
    } cases[] = {
        {"As per the policy, per se, and per item.", "t.alts", 3},
        {"Ввиду погоды. Иметь ввиду: ввиду ремонта.", "t.alts", 2},
        {"ВСЛЕ и вследствие, но не вслед.", "t.alts", 2},
        {"hyper per", "t.alts", 1},
        {"Contact your bank. Contact the store.", "t.needs", 2},
        {"Contact the store. Contact your carrier.", "t.needs", 0},
        {"Contact your banks' staff.", "t.needs", 1},
        /* Starts inside a word joined by a hyphen or an apostrophe. */
        {"We'll be back within 2-3 hours.", "t.hours", 1},
        {"Ответим через 2-3 часа, из-за час пик.", "t.hours", 2},
        {"The 1-2-3 hours, o'3 hour, 12hours.", "t.hours", 3},
        {"Перезвоним из-за часа, 24-48 часов", "t.hours", 1},
        /* PCRE2's \w leaves combining marks out: a \b after one (U+0304, and ¯ folds to
         * a space and U+0304). */
        {"Back in \xcc\x84"
         "3 hours, \xc2\xaf"
         "4 hours.",
         "t.hours", 2},
        /* A letter of Unicode 15 (U+31350), which ICU knows and PCRE2 10.42 does not. */
        {"Back in \xf0\xb1\x8d\x90"
         "3 hours.",
         "t.hours", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        replylint_report *r = NULL;
        ck_assert_int_eq(replylint_lint(&r, t, cases[i].text, strlen(cases[i].text), NULL, &err),
                         0);
        ck_assert_msg(count_rule(r, cases[i].rule) == cases[i].n, "%s: %zu findings, want %zu",
                      cases[i].text, count_rule(r, cases[i].rule), cases[i].n);
        ck_assert_uint_eq(count_rule(r, "t.hours"), count_rule(r, "t.hours_everywhere"));
        replylint_report_free(r);

        /* Forty copies hold more word starts than a short reply's (past 32, each pattern
         * gets its own list of them): every copy is still found. */
        enum { COPIES = 40 };
        size_t one = strlen(cases[i].text);
        char *many = malloc(COPIES * (one + 1));
        ck_assert_ptr_nonnull(many);
        for (size_t k = 0; k < COPIES; k++) {
            memcpy(many + k * (one + 1), cases[i].text, one);
            many[k * (one + 1) + one] = ' ';
        }
        ck_assert_int_eq(replylint_lint(&r, t, many, COPIES * (one + 1) - 1, NULL, &err), 0);
        ck_assert_msg(count_rule(r, cases[i].rule) == COPIES * cases[i].n,
                      "%d x %s: %zu findings, want %zu", COPIES, cases[i].text,
                      count_rule(r, cases[i].rule), COPIES * cases[i].n);
        ck_assert_uint_eq(count_rule(r, "t.hours"), count_rule(r, "t.hours_everywhere"));
        replylint_report_free(r);
        free(many);
    }
    replylint_ruleset_free(t);

    /* `needs` belongs to regex rules only. */
    static const char bad[] = "rules:\n"
                              "  - id: t.p\n"
                              "    category: jargon\n"
                              "    kind: phrase\n"
                              "    phrases: [foo]\n"
                              "    needs: [bar]\n"
                              "    message: m\n";
    replylint_builder *b = NULL;
    ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, NULL, &err), 0);
    ck_assert_int_eq(replylint_builder_add_buffer(b, bad, strlen(bad), "bad.yaml", &err),
                     REPLYLINT_ERULE);
    ck_assert_ptr_nonnull(strstr(err.message, "needs"));
    replylint_builder_free(b);
}
END_TEST

/* `needs_text` skips the pattern on a text without one of its strings: a promise, so a rule
 * that breaks it (here on purpose) loses the match.  The strings are folded like the text
 * for a pattern over folded text, and compared byte for byte for a raw one. */
START_TEST(test_regex_needs_text)
{
    static const char yaml[] =
        "rules:\n"
        "  - id: t.folded\n"
        "    category: jargon\n"
        "    kind: regex\n"
        "    needs_text: [ZZ, \"\xd0\x81\xd0\x96\xd0\x98\xd0\x9a\"]\n" /* ЁЖИК */
        "    pattern: 'refund|\xd0\xb5\xd0\xb6\xd0\xb8\xd0\xba'\n"     /* ежик */
        "    message: m\n"
        "    examples: {bad: [refund zz], good: [refund]}\n"
        "  - id: t.raw\n"
        "    category: tone\n"
        "    kind: regex\n"
        "    raw: true\n"
        "    needs_text: Zz\n"
        "    pattern: 'refund'\n"
        "    message: m\n"
        "    examples: {bad: [refund Zz], good: [refund zz]}\n";
    replylint_error err;
    replylint_ruleset *t = rules_from(yaml, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    struct {
        const char *text;
        size_t folded, raw;
    } cases[] = {
        {"A refund, then another refund.", 0, 0},
        {"A refund, then another refund. zz", 2, 0},
        {"Zz: a refund.", 1, 1},
        {"\xd0\x81\xd0\xb6\xd0\xb8\xd0\xba and a refund", 2, 0}, /* Ёжик */
        {"\xd0\x81\xd0\xb6\xd0\xb8", 0, 0},                      /* Ёжи: ЁЖИК is not there */
        {"refund Z", 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        replylint_report *r = NULL;
        ck_assert_int_eq(replylint_lint(&r, t, cases[i].text, strlen(cases[i].text), NULL, &err),
                         0);
        ck_assert_msg(count_rule(r, "t.folded") == cases[i].folded, "%s: %zu folded, want %zu",
                      cases[i].text, count_rule(r, "t.folded"), cases[i].folded);
        ck_assert_msg(count_rule(r, "t.raw") == cases[i].raw, "%s: %zu raw, want %zu",
                      cases[i].text, count_rule(r, "t.raw"), cases[i].raw);
        replylint_report_free(r);
    }
    replylint_ruleset_free(t);

    /* Errors: on a rule kind without a pattern, on a require rule without one, and a
     * string that folds to nothing (at its own line and column). */
    static const struct {
        const char *yaml, *says;
        unsigned line, column;
    } bad[] = {
        {"rules:\n"
         "  - id: t.p\n"
         "    category: jargon\n"
         "    kind: phrase\n"
         "    phrases: [foo]\n"
         "    needs_text: [bar]\n"
         "    message: m\n",
         "unknown key 'needs_text'", 6, 5},
        {"rules:\n"
         "  - id: t.q\n"
         "    category: greeting\n"
         "    kind: require\n"
         "    phrases: [hello]\n"
         "    needs_text: [hel]\n"
         "    message: m\n",
         "no pattern", 6, 17},
        {"rules:\n"
         "  - id: t.r\n"
         "    category: jargon\n"
         "    kind: regex\n"
         "    pattern: foo\n"
         "    needs_text: [\"  \"]\n"
         "    message: m\n"
         "    examples: {bad: [foo], good: [bar]}\n",
         "folds to nothing", 6, 17},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        replylint_builder *b = NULL;
        replylint_ruleset *built = NULL;
        ck_assert_int_eq(replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS, NULL, &err), 0);
        int rc =
            replylint_builder_add_buffer(b, bad[i].yaml, strlen(bad[i].yaml), "bad.yaml", &err);
        if (rc == 0)
            rc = replylint_builder_compile(&built, b, &err);
        ck_assert_int_eq(rc, REPLYLINT_ERULE);
        ck_assert_ptr_null(built);
        ck_assert_msg(strstr(err.message, bad[i].says), "%s", err.message);
        if (bad[i].line) {
            ck_assert_uint_eq(err.line, bad[i].line);
            ck_assert_uint_eq(err.column, bad[i].column);
        }
        replylint_builder_free(b);
    }
}
END_TEST

START_TEST(test_length_channel)
{
    const char *t = "Здравствуйте! Раз два три четыре пять шесть семь.";
    replylint_options o;
    replylint_report *r = NULL;
    replylint_error err;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    ck_assert_int_eq(replylint_lint(&r, rs, t, strlen(t), &o, &err), 0);
    ck_assert_ptr_null(find_diag(r, "length.ru.sentence"));
    replylint_report_free(r);
    o.channel = REPLYLINT_CHANNEL_CHAT;
    ck_assert_int_eq(replylint_lint(&r, rs, t, strlen(t), &o, &err), 0);
    const replylint_diag *d = find_diag(r, "length.ru.sentence");
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(replylint_diag_text(d), "Раз два три четыре пять шесть семь.");
    replylint_report_free(r);
}
END_TEST

START_TEST(test_min_severity_and_score)
{
    const char *t = "Ваш заказ готов. Это НЕВОЗМОЖНО.";
    replylint_options o;
    replylint_report *all = NULL, *errs = NULL;
    replylint_error err;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    ck_assert_int_eq(replylint_lint(&all, rs, t, strlen(t), &o, &err), 0);
    o.min_severity = REPLYLINT_SEV_ERROR;
    ck_assert_int_eq(replylint_lint(&errs, rs, t, strlen(t), &o, &err), 0);
    ck_assert_uint_gt(replylint_report_count(all), replylint_report_count(errs));
    for (size_t i = 0; i < replylint_report_count(errs); i++)
        ck_assert_int_eq(replylint_diag_severity(replylint_report_get(errs, i)),
                         REPLYLINT_SEV_ERROR);
    /* Fewer findings never score lower. */
    ck_assert(replylint_report_score(errs) >= replylint_report_score(all));
    replylint_report_free(all);
    replylint_report_free(errs);

    replylint_report *clean = lint("Здравствуйте, Иван! Заказ готов. Хорошего дня!", "Иван");
    ck_assert_uint_eq(replylint_report_count(clean), 0);
    ck_assert(replylint_report_score(clean) == 10.0);
    replylint_report_free(clean);
}
END_TEST

START_TEST(test_followup_turn)
{
    replylint_error err;
    replylint_ruleset *t =
        rules_from("rules:\n"
                   "  - id: greeting.ru.first\n"
                   "    category: greeting\n"
                   "    language: ru\n"
                   "    kind: require\n"
                   "    where: start\n"
                   "    turn: first\n"
                   "    phrases: [здравствуйте]\n"
                   "    message: m\n"
                   "    examples: {bad: [Готово.], good: [Здравствуйте! Готово.]}\n",
                   &err);
    ck_assert_ptr_nonnull(t);
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    replylint_report *r = NULL;
    ck_assert_int_eq(replylint_lint(&r, t, "Да, готово.", strlen("Да, готово."), &o, &err), 0);
    ck_assert_uint_eq(replylint_report_count(r), 1);
    replylint_report_free(r);
    o.flags = REPLYLINT_LINT_FOLLOWUP;
    ck_assert_int_eq(replylint_lint(&r, t, "Да, готово.", strlen("Да, готово."), &o, &err), 0);
    ck_assert_uint_eq(replylint_report_count(r), 0);
    replylint_report_free(r);
    o.flags = 0x80;
    ck_assert_int_eq(replylint_lint(&r, t, "Да", 4, &o, &err), REPLYLINT_EINVAL);
    replylint_ruleset_free(t);
}
END_TEST

START_TEST(test_forced_language)
{
    replylint_options o;
    replylint_report *r = NULL;
    replylint_error err;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.lang = REPLYLINT_LANG_EN;
    const char *t = "Денежные средства вернутся.";
    ck_assert_int_eq(replylint_lint(&r, rs, t, strlen(t), &o, &err), 0);
    ck_assert_str_eq(replylint_report_language(r), "en");
    ck_assert_ptr_null(find_diag(r, "jargon.ru.money"));
    replylint_report_free(r);
}
END_TEST

START_TEST(test_empty_and_whitespace)
{
    replylint_report *r = lint("", "Иван");
    ck_assert_ptr_nonnull(r);
    for (size_t i = 0; i < replylint_report_count(r); i++) {
        size_t s, e;
        replylint_diag_offsets(replylint_report_get(r, i), REPLYLINT_UNIT_BYTE, &s, &e);
        ck_assert_uint_eq(s, 0);
        ck_assert_uint_eq(e, 0);
    }
    replylint_report_free(r);
    r = lint(" \n\t \xc2\xa0 ", NULL);
    ck_assert_ptr_nonnull(r);
    replylint_report_free(r);
}
END_TEST

START_TEST(test_invalid_utf8)
{
    replylint_report *r = (replylint_report *)1;
    replylint_error err;
    const char t[] = "Здравствуйте! \xd0 плохо";
    ck_assert_int_eq(replylint_lint(&r, rs, t, sizeof(t) - 1, NULL, &err), REPLYLINT_EUTF8);
    ck_assert_ptr_null(r);
    ck_assert_uint_eq(err.offset, 26); /* 12 two-byte letters, '!', ' ' */
    ck_assert_ptr_nonnull(strstr(err.message, "byte 26"));
    const char overlong[] = "ok \xc0\xaf";
    ck_assert_int_eq(replylint_lint(&r, rs, overlong, 5, NULL, &err), REPLYLINT_EUTF8);
    ck_assert_uint_eq(err.offset, 3);
    const char surrogate[] = "ok \xed\xa0\x80";
    ck_assert_int_eq(replylint_lint(&r, rs, surrogate, 6, NULL, &err), REPLYLINT_EUTF8);
}
END_TEST

/* The lint call checks UTF-8 while it folds: on strings made of well- and ill-formed pieces
 * (marks that join the letter before them, truncated and overlong sequences, surrogates,
 * stray continuation bytes) it must reject exactly what replylint__utf8_check rejects, at
 * the same byte, and a scratch must go on working after each rejection. */
START_TEST(test_invalid_utf8_anywhere)
{
    static const char *const pieces[] = {
        "a",
        " ",
        "\xd0\xb4",
        "\xcc\x81",
        "\xe2\x80\xa6",
        "\xf0\x9f\x98\x80",
        "\xc3\xa9",
        "\xef\xac\x81",
        "\xd0",
        "\xff",
        "\x80",
        "\xed\xa0\x80",
        "\xc0\xaf",
        "\xe0\x80",
        "\xf4\x90",
        "\xcc",
        "!",
        "\xc2\xad",
    };
    enum { N = sizeof(pieces) / sizeof(pieces[0]) };
    replylint_scratch *sc = NULL;
    replylint_error err;
    ck_assert_int_eq(replylint_scratch_new(&sc, &err), 0);
    unsigned seed = 12345;
    size_t rejected = 0;
    for (int round = 0; round < 20000; round++) {
        char t[200];
        size_t len = random_mix(t, pieces, N, 30, &seed);
        size_t want = replylint__utf8_check(t, len);
        const replylint_report *r = NULL;
        int rc = replylint_lint_into_scratch(&r, rs, sc, t, len, NULL, &err);
        if (want < len) {
            ck_assert_int_eq(rc, REPLYLINT_EUTF8);
            ck_assert_msg(err.offset == want, "round %d: offset %zu, want %zu", round, err.offset,
                          want);
            rejected++;
        } else {
            ck_assert_msg(rc == 0, "round %d: %s", round, err.message);
            ck_assert_ptr_nonnull(r);
        }
    }
    ck_assert_uint_gt(rejected, 1000);
    replylint_scratch_free(sc);
}
END_TEST

START_TEST(test_nul_bytes_and_limit)
{
    replylint_report *r = NULL;
    replylint_error err;
    const char t[] = "Денежные\0 средства \0денежные средства";
    ck_assert_int_eq(replylint_lint(&r, rs, t, sizeof(t) - 1, NULL, &err), 0);
    ck_assert_ptr_nonnull(find_diag(r, "jargon.ru.money"));
    replylint_report_free(r);

    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.max_bytes = 10;
    ck_assert_int_eq(replylint_lint(&r, rs, t, sizeof(t) - 1, &o, &err), REPLYLINT_ETOOBIG);
    ck_assert_ptr_null(r);
}
END_TEST

/* More anchored patterns than one pass over the words keeps lists for (RL_AT_MAX, 64): the
 * rest are tried at every word start, with the same findings.  Each rule's word starts with
 * two letters of its own, so that no listed pattern keeps the others' starts; the listed
 * ones may also start with digits, of another script too (U+0663). */
START_TEST(test_regex_word_starts_many_patterns)
{
    enum { N = 70, LISTED = 64 };
    char yaml[N * 220 + 64], *p = yaml;
    p += sprintf(p, "rules:\n");
    for (int i = 0; i < N; i++) {
        char w[4] = {(char)('a' + i / 26), (char)('a' + i % 26), 'z', 0};
        p += sprintf(p,
                     "  - id: t.w%02d\n"
                     "    category: jargon\n"
                     "    kind: regex\n"
                     "    pattern: '\\b%s\\b%s%s%s'\n"
                     "    message: m\n"
                     "    examples: {bad: [%s], good: [%sq]}\n",
                     i, w, i < LISTED ? "|\\b\\d+\\s*" : "", i < LISTED ? w : "",
                     i < LISTED ? "h\\b" : "", w, w);
    }
    replylint_error err;
    replylint_ruleset *t = rules_from(yaml, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    for (int i = 0; i < N; i++) {
        /* The word, once inside a hyphenated word; its "h" form after digits. */
        char w[4] = {(char)('a' + i / 26), (char)('a' + i % 26), 'z', 0}, text[256], id[16];
        snprintf(text, sizeof(text), "%c%s then x-%s, 3 %sh, \xd9\xa3 %sh, %sq.", w[0] - 32, w + 1,
                 w, w, w, w);
        snprintf(id, sizeof(id), "t.w%02d", i);
        size_t want = i < LISTED ? 4 : 2;
        replylint_report *r = NULL;
        ck_assert_int_eq(replylint_lint(&r, t, text, strlen(text), NULL, &err), 0);
        ck_assert_msg(count_rule(r, id) == want, "%s: %zu findings of %s, want %zu", text,
                      count_rule(r, id), id, want);
        ck_assert_uint_eq(replylint_report_count(r), want);
        replylint_report_free(r);
    }
    replylint_ruleset_free(t);
}
END_TEST

/* Phrases that start with wildcards: the scan walks from a word only when a word after it
 * may go on from the wildcards, a polite filler between them included. */
START_TEST(test_phrase_wildcard_starts)
{
    static const char yaml[] = "rules:\n"
                               "  - id: t.team\n"
                               "    category: signature\n"
                               "    kind: phrase\n"
                               "    phrases: ['* team', '* * department']\n"
                               "    message: m\n"
                               "    examples: {bad: [Acme team], good: [team]}\n";
    replylint_error err;
    replylint_ruleset *t = rules_from(yaml, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    static const rule_case cases[] = {
        {"Acme team", 1},
        {"Acme, please, team", 1},
        {"Big Acme department", 1},
        {"Big Acme, please, department", 1},
        {"Acme department", 0},
        {"team. Department.", 0},
        {"Acme team and the Big Acme department, and one more team", 3},
    };
    assert_rule_counts(t, "t.team", cases, sizeof(cases) / sizeof(cases[0]));
    replylint_ruleset_free(t);
}
END_TEST

/* Phrases with a fixed first word: a walk starts there only if it may end at once (or one
 * wildcard later, or more wildcards follow), or if the next fixed word (past a wildcard or
 * a polite filler) pairs with it; each of those kinds must still be found. */
START_TEST(test_phrase_second_word_starts)
{
    static const char yaml[] = "rules:\n"
                               "  - id: t.p\n"
                               "    category: jargon\n"
                               "    kind: phrase\n"
                               "    inflect: false\n"
                               "    phrases: ['kindly note', 'cheers', 'per * request', 'as per',\n"
                               "              'dear *', 'to * * desk']\n"
                               "    message: m\n"
                               "    examples: {bad: [kindly note], good: [kindly]}\n";
    replylint_error err;
    replylint_ruleset *t = rules_from(yaml, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    static const rule_case cases[] = {
        {"kindly note", 1},
        {"Kindly, please, note it", 1},
        {"kindly, please note", 0},
        {"kindly see note", 0},
        {"cheers", 1},
        {"per your request", 1},
        {"as per", 1},
        {"as, please, per the kindly note", 2},
        {"dear Anna", 1},           /* a phrase that ends with its wildcard */
        {"go to the help desk", 1}, /* two wildcards after the first word */
        {"go to the desk", 0},
    };
    assert_rule_counts(t, "t.p", cases, sizeof(cases) / sizeof(cases[0]));
    replylint_ruleset_free(t);
}
END_TEST

/* A pattern at the end of a reply is not searched when its required byte ("!") is missing
 * from the end, so a "!" before the end never counts; one at the end does, in the folded
 * and the original text alike.  With \K the required byte may lie before the match. */
START_TEST(test_regex_region_required_byte)
{
    static const char yaml[] =
        "rules:\n"
        "  - id: t.end\n"
        "    category: closing\n"
        "    kind: regex\n"
        "    where: end\n"
        "    pattern: '\\w+!'\n"
        "    message: m\n"
        "    examples: {bad: [It is done!], good: [Hello! It is done. All good.]}\n"
        "  - id: t.raw\n"
        "    category: closing\n"
        "    kind: regex\n"
        "    where: end\n"
        "    raw: true\n"
        "    pattern: '\\w+!'\n"
        "    message: m\n"
        "    examples: {bad: [It is done!], good: [Hello! It is done. All good.]}\n"
        "  - id: t.keep\n"
        "    category: closing\n"
        "    kind: regex\n"
        "    where: end\n"
        "    pattern: 'x!\\K\\w+'\n"
        "    message: m\n"
        "    examples: {bad: [ok x!done], good: [x! done]}\n";
    replylint_error err;
    replylint_ruleset *t = rules_from(yaml, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    static const rule_case cases[] = {
        {"Hello! It is done. All good.", 0}, {"Hello!! Wow! It is done. All good.", 0},
        {"Hello. It is done! All good.", 1}, {"Hello. It is done. All good!", 1},
        {"Hello! It is done. All good!", 1}, {"Hi!", 1},
        {"Hello. It is done. All GOOD!", 1},
    };
    assert_rule_counts(t, "t.end", cases, sizeof(cases) / sizeof(cases[0]));
    assert_rule_counts(t, "t.raw", cases, sizeof(cases) / sizeof(cases[0]));
    /* The match starts in the end region after "x!\K", which lies before it. */
    static const rule_case keep[] = {
        {"One x!Two. Three.", 1}, /* the end region starts at "Two" */
        {"One x!two. Three. Four.", 0},
    };
    assert_rule_counts(t, "t.keep", keep, sizeof(keep) / sizeof(keep[0]));
    replylint_ruleset_free(t);
}
END_TEST

/* A pattern without \K is searched from its region's start: a match that begins before the
 * end region ("b. C", straddling it) is no finding, and hides none that begins inside. */
START_TEST(test_regex_region_start)
{
    static const char yaml[] = "rules:\n"
                               "  - id: t.end\n"
                               "    category: closing\n"
                               "    kind: regex\n"
                               "    where: end\n"
                               "    pattern: 'b\\. c|cd'\n"
                               "    message: m\n"
                               "    examples: {bad: [Ab. Cd. Ef.], good: [Ab. Ef. Gh.]}\n";
    replylint_error err;
    replylint_ruleset *t = rules_from(yaml, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    replylint_report *r = NULL;
    ck_assert_int_eq(replylint_lint(&r, t, "Ab. Cd. Ef.", 11, NULL, &err), 0);
    ck_assert_uint_eq(replylint_report_count(r), 1);
    const replylint_diag *d = replylint_report_get(r, 0);
    ck_assert_str_eq(replylint_diag_text(d), "Cd");
    replylint_report_free(r);
    replylint_ruleset_free(t);
}
END_TEST

/* The scan looks a word up by its first eight bytes and the rest apart, and a word past
 * 255 bytes in the forms map: phrase words of every length, each told apart from the
 * words one byte away from it (its first, middle or last byte changed). */
START_TEST(test_phrase_word_lengths)
{
    static const size_t lengths[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 24, 255, 256, 300};
    enum { N = sizeof(lengths) / sizeof(lengths[0]) };
    size_t cap = 4096;
    for (size_t i = 0; i < N; i++)
        cap += lengths[i] + 8;
    char *yaml = malloc(cap), *text = malloc(4 * 301);
    ck_assert_ptr_nonnull(yaml);
    ck_assert_ptr_nonnull(text);
    size_t n = (size_t)snprintf(yaml, cap,
                                "rules:\n  - id: t.len\n    category: jargon\n    kind: phrase\n"
                                "    inflect: false\n    message: m\n"
                                "    examples: {bad: [w], good: [z]}\n    phrases:\n");
    for (size_t i = 0; i < N; i++) {
        n += (size_t)snprintf(yaml + n, cap - n, "      - ");
        for (size_t k = 0; k < lengths[i]; k++)
            yaml[n++] = k % 3 ? 'q' : 'w';
        n += (size_t)snprintf(yaml + n, cap - n, "\n");
    }
    replylint_error err;
    replylint_ruleset *t = rules_from(yaml, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    for (size_t len = 1; len <= 301; len++) {
        bool phrase = false;
        for (size_t i = 0; i < N; i++)
            phrase = phrase || lengths[i] == len;
        /* change: none, then the first, the middle and the last byte */
        for (int change = 0; change < 4; change++) {
            for (size_t k = 0; k < len; k++)
                text[k] = k % 3 ? 'q' : 'w';
            size_t at = change == 1 ? 0 : change == 2 ? len / 2 : len - 1;
            if (change)
                text[at] = 'z';
            replylint_report *r = NULL;
            ck_assert_int_eq(replylint_lint(&r, t, text, len, NULL, &err), 0);
            size_t want = phrase && !change ? 1 : 0;
            ck_assert_msg(count_rule(r, "t.len") == want,
                          "a word of %zu bytes, byte %zu changed (%d): %zu findings, want %zu", len,
                          at, change, count_rule(r, "t.len"), want);
            replylint_report_free(r);
        }
    }
    replylint_ruleset_free(t);
    free(yaml);
    free(text);
}
END_TEST

/* Team patterns whose start the word-start analysis must not trust: each is compiled as
 * written and inside a group (which the analysis does not open), and both must agree. */
START_TEST(test_regex_word_starts_unread_syntax)
{
    static const char *const patterns[] = {
        "\\bfoo(?x)|\\bb a r",     /* (?x): the space is no longer literal */
        "\\b\xcc\x81x",            /* starts with a combining mark */
        "\\bfoo\\Q|\\E|\\bbar",    /* \\Q...\\E quotes the | */
        "\\b[[:alpha:]]ar|\\bfoo", /* a POSIX class */
    };
    static const char *const texts[] = {"bar", "ax] foo", "q\xcc\x81x", "foo| bar", "x bar foo"};
    for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
        char yaml[1024];
        snprintf(yaml, sizeof(yaml),
                 "rules:\n"
                 "  - {id: t.a, category: jargon, kind: regex, pattern: '%s', message: m,\n"
                 "     examples: {bad: [x], good: [y]}}\n"
                 "  - {id: t.b, category: jargon, kind: regex, pattern: '(?:%s)', message: m,\n"
                 "     examples: {bad: [x], good: [y]}}\n",
                 patterns[p], patterns[p]);
        replylint_builder *b = NULL;
        replylint_ruleset *t = NULL;
        replylint_error err;
        ck_assert_int_eq(
            replylint_builder_new(&b, REPLYLINT_BUILD_NO_DEFAULTS | REPLYLINT_BUILD_NO_EXAMPLES,
                                  NULL, &err),
            0);
        ck_assert_msg(replylint_builder_add_buffer(b, yaml, strlen(yaml), "t.yaml", &err) == 0,
                      "%s: %s", patterns[p], err.message);
        ck_assert_int_eq(replylint_builder_compile(&t, b, &err), 0);
        replylint_builder_free(b);
        for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
            replylint_report *r = NULL;
            ck_assert_int_eq(replylint_lint(&r, t, texts[k], strlen(texts[k]), NULL, &err), 0);
            ck_assert_msg(count_rule(r, "t.a") == count_rule(r, "t.b"),
                          "pattern %s on \"%s\": %zu findings, in a group %zu", patterns[p],
                          texts[k], count_rule(r, "t.a"), count_rule(r, "t.b"));
            replylint_report_free(r);
        }
        replylint_ruleset_free(t);
    }
}
END_TEST

/* Flagged texts of any length are exactly the reply's bytes, also the long ones (a whole
 * paragraph, the whole reply), with and without a greeting and a signature around. */
START_TEST(test_long_flagged_texts)
{
    replylint_error err;
    replylint_ruleset *defaults = NULL;
    ck_assert_int_eq(replylint_ruleset_default(&defaults, &err), 0);
    static const char part[] = "Денежные средства вернутся на карту в течение трёх дней, "
                               "мы проверили заказ и осуществили возврат. ";
    size_t n = 400;
    char *text = malloc(n * (sizeof(part) - 1) + 256); /* and the greeting and signature */
    ck_assert_ptr_nonnull(text);
    for (int framed = 0; framed < 2; framed++) {
        size_t len = framed ? (size_t)sprintf(text, "Здравствуйте, Анна!\n\n") : 0;
        for (size_t i = 0; i < n; i++) {
            memcpy(text + len, part, sizeof(part) - 1);
            len += sizeof(part) - 1;
        }
        if (framed)
            len += (size_t)sprintf(text + len, "\n\nС уважением, Олег");
        replylint_report *r = NULL;
        ck_assert_int_eq(replylint_lint(&r, defaults, text, len, NULL, &err), 0);
        size_t n_long = 0;
        for (size_t i = 0; i < replylint_report_count(r); i++) {
            const replylint_diag *d = replylint_report_get(r, i);
            size_t s, e;
            ck_assert_int_eq(replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &s, &e), 0);
            const char *t = replylint_diag_text(d);
            ck_assert_uint_eq(strlen(t), e - s);
            ck_assert(memcmp(t, text + s, e - s) == 0);
            n_long += e - s > 4096;
        }
        ck_assert_uint_ge(n_long, 2); /* the paragraph and the reply are too long */
        replylint_report_free(r);
    }
    free(text);
    replylint_ruleset_free(defaults);
}
END_TEST

Suite *lint_suite(void)
{
    Suite *s = suite_create("lint");
    TCase *tc = tcase_create("findings");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reply_findings_and_offsets);
    tcase_add_test(tc, test_variants);
    tcase_add_test(tc, test_inflection_en);
    tcase_add_test(tc, test_suggestion_agreement);
    tcase_add_test(tc, test_fix);
    tcase_add_test(tc, test_phrase_not_across_punctuation);
    tcase_add_test(tc, test_name_inflected);
    tcase_add_test(tc, test_greeting_and_closing_positions);
    tcase_add_test(tc, test_signature);
    tcase_add_test(tc, test_shouting_and_marks);
    tcase_add_test(tc, test_shouting_context);
    tcase_add_test(tc, test_phrase_exceptions);
    tcase_add_test(tc, test_conditional);
    tcase_add_test(tc, test_conditional_gated_and_not);
    tcase_add_test(tc, test_length_channel);
    tcase_add_test(tc, test_min_severity_and_score);
    tcase_add_test(tc, test_followup_turn);
    tcase_add_test(tc, test_forced_language);
    tcase_add_test(tc, test_empty_and_whitespace);
    tcase_add_test(tc, test_invalid_utf8);
    tcase_add_test(tc, test_invalid_utf8_anywhere);
    tcase_add_test(tc, test_nul_bytes_and_limit);
    tcase_add_test(tc, test_regex_word_starts_and_needs);
    tcase_add_test(tc, test_regex_needs_text);
    tcase_add_test(tc, test_long_flagged_texts);
    tcase_add_test(tc, test_regex_word_starts_unread_syntax);
    tcase_add_test(tc, test_regex_word_starts_many_patterns);
    tcase_add_test(tc, test_phrase_wildcard_starts);
    tcase_add_test(tc, test_phrase_second_word_starts);
    tcase_add_test(tc, test_phrase_word_lengths);
    tcase_add_test(tc, test_regex_region_required_byte);
    tcase_add_test(tc, test_regex_region_start);
    tcase_add_test(tc, test_shouting_spans_caps_run);
    suite_add_tcase(s, tc);
    return s;
}
