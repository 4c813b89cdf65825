/*
 * threads.c: one rule set (the default rules), shared by 8 threads that lint and fix a
 * few hundred generated replies (Russian and English, with emoji, NFD letters, «ё»,
 * NBSP, CRLF, capitals, customer and agent names, both channels) in different orders.
 * Every result must equal the single-threaded one, byte for byte: the rule ids,
 * severities, messages, flagged texts, offsets in every unit, lines, columns,
 * suggestions, the score, the word count and the fixed text.
 *
 * Built three ways: plainly and under ASan (ctest "threads"), and with ThreadSanitizer
 * (REPLYLINT_TSAN=ON, ctest "threads_tsan"; tests/tsan/run.sh), which also watches the
 * per-call ubrk_clone() of the rule set's shared ICU sentence iterator, and two threads
 * compiling rule sets of their own while the others lint.  The odd threads lint with a
 * replylint_scratch of their own, kept across all their replies (every other one of them
 * into it: replylint_lint_into_scratch, the report reused too): its memory must leave no
 * trace in any result.
 *
 *   threads [--threads N] [--replies N] [--rounds N] [--no-jit]
 *
 * --no-jit shares a rule set built with REPLYLINT_BUILD_NO_JIT: every regex runs in PCRE2's
 * interpreter, in the per-call match contexts of lib/lint.c's bounded matching.
 *
 * Exit status 0 when every result matched.  The closing line is "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L /* pthreads, with -std=c11 */
#include "replylint.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- generated replies ---------------------------------------------------------------- */

static const char *const ru_greet[] = {
    "Здравствуйте, %s!", "Добрый день, %s.",  "Привет!",          "Здравствуйте!",
    "%s, добрый вечер!", "Уважаемый клиент,", "@%s здравствуйте",
};
static const char *const ru_body[] = {
    "Денежные средства будут возвращены на карту в ближайшее время.",
    "Приносим извинения за доставленные неудобства.",
    "Осуществить оплату можно в личном кабинете.",
    "Мы проверили заказ: курьер оставил посылку у соседней двери, это наша ошибка.",
    "Ваше обращение очень важно для нас!!!",
    "К сожалению, это не наша проблема, обратитесь в банк.",
    "ОБЯЗАТЕЛЬНО перезагрузите роутер и проверьте кабель.",
    "Ёлка и счёт уже готовы, всё в порядке 😀👍🏽.",
    "Заказ будет доставлен завтра с 10:00 до 14:00.",
    /* NFD: «й» and «ё» as a base letter and a combining mark */
    "Мои\xcc\x86 коллега уже е\xcc\x88 проверил: денежные\xc2\xa0средства вернутся.",
    "В настоящее время ведутся технические работы.\r\nОжидайте.",
};
static const char *const ru_close[] = {
    "Если останутся вопросы, напишите — я на связи.",
    "Хорошего дня!",
    "Спасибо за ожидание.",
    "",
    "Всего доброго!",
};
static const char *const ru_sign[] = {
    "С уважением,\nСлужба поддержки",
    "С уважением,\n%a",
    "%a, служба поддержки клиентов",
    "",
    "Команда поддержки",
};
static const char *const en_greet[] = {
    "Hi %s,", "Hello %s!", "Dear customer,", "Hey there!", "Good morning, %s.", "",
};
static const char *const en_body[] = {
    "Please be advised that your refund has been processed.",
    "We apologize for any inconvenience this may have caused.",
    "Your parcel was left at the wrong door, which is our mistake.",
    "Unfortunately there is nothing we can do about it.",
    "You MUST restart the router first!!!",
    "The fix will ship in the near future, ASAP.",
    "Your USPS tracking number is in the email 📦, ETA is Friday.",
    "Cafe\xcc\x81 orders are back to normal \xe2\x80\x94 thanks for your patience.",
    "We will reach out at our earliest convenience.\r\n",
    "I have checked the logs; the outage lasted 40 minutes.",
};
static const char *const en_close[] = {
    "Let me know if there is anything else I can help with.",
    "Have a great day!",
    "",
    "Thanks for waiting!",
    "Feel free to reach out.",
};
static const char *const en_sign[] = {
    "Best regards,\nSupport Team", "Best,\n%a", "%a\nCustomer Care", "", "Thanks,\nThe Team",
};
static const char *const ru_names[] = {"Ирина", "Иван", "Александр",
                                       "Ёлка",  NULL,   "Наталья Петрова"};
static const char *const en_names[] = {"John", "Anna", "Mary Ann", NULL, "José"};
static const char *const agents[] = {"Олег Петров", "Anna Smith", NULL, "Мария"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef struct reply {
    char *text;
    size_t len;
    const char *name, *agent;
    replylint_channel channel;
    replylint_lang lang;
    replylint_severity min_sev;
    char *expect; /* the single-threaded digest */
} reply;

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (b->n + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            abort();
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        abort();
    sb_put(b, tmp, (size_t)n);
}

/* A template line with %s = customer name, %a = agent. */
static void expand(sbuf *b, const char *tmpl, const char *name, const char *agent)
{
    for (const char *p = tmpl; *p; p++) {
        if (p[0] == '%' && p[1] == 's') {
            sb_puts(b, name ? name : "клиент");
            p++;
        } else if (p[0] == '%' && p[1] == 'a') {
            sb_puts(b, agent ? agent : "Support");
            p++;
        } else {
            sb_put(b, p, 1);
        }
    }
}

static void make_reply(reply *r, int i)
{
    int ru = i % 3 != 2;
    sbuf b = {0};
    r->name = ru ? ru_names[rnd(N(ru_names))] : en_names[rnd(N(en_names))];
    r->agent = agents[rnd(N(agents))];
    r->channel = (replylint_channel)rnd(2);
    r->lang = i % 7 == 0 ? (ru ? REPLYLINT_LANG_RU : REPLYLINT_LANG_EN) : REPLYLINT_LANG_AUTO;
    r->min_sev = (replylint_severity)(i % 11 == 0 ? 2 : 0);
    const char *const *greet = ru ? ru_greet : en_greet;
    const char *const *body = ru ? ru_body : en_body;
    const char *const *close = ru ? ru_close : en_close;
    const char *const *sign = ru ? ru_sign : en_sign;
    size_t ng = ru ? N(ru_greet) : N(en_greet), nb = ru ? N(ru_body) : N(en_body);
    size_t nc = ru ? N(ru_close) : N(en_close), ns = ru ? N(ru_sign) : N(en_sign);
    expand(&b, greet[rnd((uint32_t)ng)], r->name, r->agent);
    sb_puts(&b, i % 5 == 0 ? "\r\n\r\n" : "\n\n");
    int sentences = 1 + (int)rnd(i % 13 == 0 ? 40 : 5);
    for (int k = 0; k < sentences; k++) {
        sb_puts(&b, body[rnd((uint32_t)nb)]);
        sb_puts(&b, rnd(4) == 0 ? "\n\n" : " ");
    }
    if (i % 17 == 0)
        sb_puts(&b, "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x92\xbb \xef\xac\x81 \xc2\xad ");
    expand(&b, close[rnd((uint32_t)nc)], r->name, r->agent);
    sb_puts(&b, "\n\n");
    expand(&b, sign[rnd((uint32_t)ns)], r->name, r->agent);
    r->text = b.s;
    r->len = b.n;
}

static replylint_ruleset *shared_rules;

/* ---- results as one string ------------------------------------------------------------- */

/* The results of one reply; with a scratch (each odd thread keeps one) or without, and
 * into it when `into`. */
static char *digest(const reply *r, replylint_scratch *scratch, bool into, int *status)
{
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.customer_name = r->name;
    o.agent_name = r->agent;
    o.channel = r->channel;
    o.lang = r->lang;
    o.min_severity = r->min_sev;
    replylint_report *own = NULL;
    const replylint_report *rep = NULL;
    replylint_error err;
    sbuf b = {0};
    int rc =
        into ? replylint_lint_into_scratch(&rep, shared_rules, scratch, r->text, r->len, &o, &err)
             : replylint_lint_with_scratch(&own, shared_rules, scratch, r->text, r->len, &o, &err);
    if (!into)
        rep = own;
    *status = rc;
    if (rc) {
        sb_printf(&b, "error %d %s\n", rc, err.message);
        return b.s;
    }
    sb_printf(&b, "lang %s score %.1f words %zu n %zu\n", replylint_report_language(rep),
              replylint_report_score(rep), replylint_report_words(rep),
              replylint_report_count(rep));
    for (size_t i = 0; i < replylint_report_count(rep); i++) {
        const replylint_diag *d = replylint_report_get(rep, i);
        size_t bs, be, cs, ce, us, ue;
        replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &bs, &be);
        replylint_diag_offsets(d, REPLYLINT_UNIT_CODEPOINT, &cs, &ce);
        replylint_diag_offsets(d, REPLYLINT_UNIT_UTF16, &us, &ue);
        sb_printf(&b, "%s %s %d %zu-%zu %zu-%zu %zu-%zu %u:%u fix=%d\n", replylint_diag_rule(d),
                  replylint_diag_category(d), (int)replylint_diag_severity(d), bs, be, cs, ce, us,
                  ue, replylint_diag_line(d), replylint_diag_column(d), replylint_diag_fixable(d));
        sb_puts(&b, replylint_diag_message(d));
        sb_puts(&b, "\n[");
        sb_puts(&b, replylint_diag_text(d));
        sb_puts(&b, "]");
        for (size_t k = 0; k < replylint_diag_suggestion_count(d); k++) {
            sb_puts(&b, " -> ");
            sb_puts(&b, replylint_diag_suggestion(d, k));
        }
        sb_puts(&b, "\n");
    }
    replylint_report_free(own);
    char *fixed = NULL;
    size_t fl = 0;
    rc = replylint_fix(&fixed, &fl, shared_rules, r->text, r->len, &o, &err);
    if (rc) {
        *status = rc;
        sb_printf(&b, "fix error %d\n", rc);
    } else {
        sb_puts(&b, "fixed: ");
        sb_put(&b, fixed, fl);
        replylint_free(fixed);
    }
    return b.s;
}

/* ---- threads ------------------------------------------------------------------------- */

static reply *replies;
static size_t n_replies;
static int rounds = 3;
static atomic_size_t mismatches, checked, compiled;

typedef struct worker {
    int id, n_threads;
} worker;

static void *work(void *arg)
{
    const worker *w = arg;
    /* Two threads also build rule sets of their own while the rest lint: builders,
     * the embedded forms table and ICU's sentence rules are opened concurrently. */
    if (w->id < 2) {
        replylint_ruleset *own = NULL;
        replylint_error err;
        if (replylint_ruleset_default(&own, &err) == 0 && replylint_ruleset_count(own) > 0)
            atomic_fetch_add(&compiled, 1);
        replylint_ruleset_free(own);
    }
    replylint_scratch *scratch = NULL;
    if (w->id % 2 && replylint_scratch_new(&scratch, NULL) != 0)
        return NULL;
    for (int round = 0; round < rounds; round++) {
        /* Each thread walks the replies in its own order. */
        size_t start = (size_t)w->id * 37 + (size_t)round * 101;
        for (size_t k = 0; k < n_replies; k++) {
            size_t i = (start + k * (size_t)(2 * w->id + 1)) % n_replies;
            int st;
            char *got = digest(&replies[i], scratch, w->id % 4 == 3, &st);
            if (strcmp(got, replies[i].expect) != 0) {
                if (atomic_fetch_add(&mismatches, 1) < 3)
                    fprintf(stderr,
                            "thread %d, reply %zu: result differs\n--- expected\n%s\n"
                            "--- got\n%s\n",
                            w->id, i, replies[i].expect, got);
            }
            atomic_fetch_add(&checked, 1);
            free(got);
        }
    }
    replylint_scratch_free(scratch);
    return NULL;
}

int main(int argc, char **argv)
{
    int n_threads = 8;
    unsigned flags = 0;
    n_replies = 300;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-jit") == 0)
            flags |= REPLYLINT_BUILD_NO_JIT;
        else if (i + 1 == argc)
            break;
        else if (strcmp(argv[i], "--threads") == 0)
            n_threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--replies") == 0)
            n_replies = (size_t)atoi(argv[++i]);
        else if (strcmp(argv[i], "--rounds") == 0)
            rounds = atoi(argv[++i]);
    }
    if (n_threads < 1 || n_threads > 64 || n_replies < 1 || rounds < 1) {
        fprintf(stderr, "usage: threads [--threads 1-64] [--replies N] [--rounds N] [--no-jit]\n");
        return 2;
    }
    replylint_error err;
    replylint_builder *b = NULL;
    if (replylint_builder_new(&b, flags, NULL, &err) != 0 ||
        replylint_builder_compile(&shared_rules, b, &err) != 0) {
        fprintf(stderr, "default rules: %s\n", err.message);
        return 1;
    }
    replylint_builder_free(b);
    replies = calloc(n_replies, sizeof(*replies));
    size_t findings_total = 0, fixes = 0, errors = 0, bytes = 0;
    for (size_t i = 0; i < n_replies; i++) {
        make_reply(&replies[i], (int)i);
        int st;
        replies[i].expect = digest(&replies[i], NULL, false, &st);
        errors += st != 0;
        bytes += replies[i].len;
        const char *p = replies[i].expect;
        while ((p = strstr(p, " fix=")) != NULL) {
            findings_total++;
            fixes += p[5] == '1';
            p += 5;
        }
    }
    printf("threads: %zu replies (%zu bytes), %zu findings (%zu fixable), %zu lint errors; "
           "%d threads x %d rounds\n",
           n_replies, bytes, findings_total, fixes, errors, n_threads, rounds);

    pthread_t *t = calloc((size_t)n_threads, sizeof(*t));
    worker *w = calloc((size_t)n_threads, sizeof(*w));
    for (int i = 0; i < n_threads; i++) {
        w[i] = (worker){i, n_threads};
        if (pthread_create(&t[i], NULL, work, &w[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    for (int i = 0; i < n_threads; i++)
        pthread_join(t[i], NULL);

    size_t bad = atomic_load(&mismatches), done = atomic_load(&checked);
    int ok_compiled = atomic_load(&compiled) == (size_t)(n_threads < 2 ? n_threads : 2);
    for (size_t i = 0; i < n_replies; i++) {
        free(replies[i].text);
        free(replies[i].expect);
    }
    free(replies);
    free(t);
    free(w);
    replylint_ruleset_free(shared_rules);
    int failed = (bad > 0) + (errors > 0) + !ok_compiled + (findings_total == 0);
    if (errors)
        fprintf(stderr, "threads: %zu replies were refused by lint\n", errors);
    if (!ok_compiled)
        fprintf(stderr, "threads: a concurrent replylint_ruleset_default failed\n");
    printf("threads: %zu concurrent results checked, %zu differ from the single-threaded ones\n",
           done, bad);
    printf("%d passed, %d failed\n", 4 - failed, failed);
    return failed ? 1 : 0;
}
