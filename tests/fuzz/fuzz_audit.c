/*
 * fuzz_audit.c: the audit input readers (JSON Lines and CSV) and what they feed to the
 * library.
 *
 * cli/audit.c exposes one function, audit_main(), and keeps its readers static.  When it
 * is there (RL_FUZZ_AUDIT_MAIN: tests/fuzz/CMakeLists.txt compiles cli/audit.c into this
 * harness, instrumented), every input is written to a memfd and audited twice, as
 * `replylint audit /proc/self/fd/N --input jsonl` and `--input csv`, one worker, with a
 * small rule file whose words are not inflected (compiling the default rules, or loading
 * a hunspell dictionary, per input would cost far more than the reading being fuzzed),
 * the output format and the HTML report chosen from the input's length.  Output goes to /dev/null
 * (run with -close_fd_mask=3 to silence the rejected- row notes on stderr).  Checked: no crash,
 * leak, UB, data race-free exit, an exit status of 0, 1 or 2.
 *
 * Without cli/audit.c, the harness drives jansson and libcsv the way the audit command
 * reads its inputs: one JSON object per line (json_loadb with JSON_ALLOW_NUL, strings
 * with their length), or CSV with a header row naming the columns; each record's text,
 * customer_name, agent, channel and lang go to replylint_lint(), whose result must obey
 * fuzz_common.h.  That mode is always compiled, and runs too when RL_FUZZ_AUDIT_ONLY_LIB
 * is not defined (it is cheap).
 */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz_common.h"

#include <jansson.h>
#include <stdint.h>
#include <unistd.h>
#ifdef RL_FUZZ_AUDIT_MAIN
#include "audit.h"
#include <sys/mman.h>
#endif
#ifdef RL_FUZZ_HAVE_LIBCSV
#include <csv.h>
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static replylint_ruleset *rules;

#ifdef RL_FUZZ_AUDIT_MAIN
static char rules_path[64];

static const char audit_rules[] =
    "rules:\n"
    "  - {id: j.money, category: jargon, language: ru, kind: phrase, message: m, inflect: false,\n"
    "     swap: {\"денежные средства\": деньги}, examples: {bad: [денежные средства], good: "
    "[ок]}}\n"
    "  - {id: t.marks, category: tone, kind: regex, raw: true, pattern: '[!?]{2,}', message: m,\n"
    "     examples: {bad: [Stop!!], good: [Stop!]}}\n"
    "  - {id: n.name, category: name, kind: name, where: start, message: m,\n"
    "     examples: {bad: [{text: Hi., name: Bob}], good: [{text: Hi Bob., name: Bob}]}}\n"
    "  - {id: s.sig, category: signature, language: en, kind: signature, message: m,\n"
    "     department: [support team], inflect: false,\n"
    "     examples: {bad: [\"Done.\\nSupport Team\"], good: [\"Done.\\nAnna, Support Team\"]}}\n"
    "  - {id: g.hello, category: greeting, language: en, kind: require, where: start,\n"
    "     phrases: [hello, hi], inflect: false, message: m,\n"
    "     examples: {bad: [Done.], good: [Hi! Done.]}}\n";

static void audit_init(void)
{
    snprintf(rules_path, sizeof(rules_path), "/tmp/replylint-fuzz-audit-XXXXXX");
    int fd = mkstemp(rules_path);
    if (fd < 0 ||
        write(fd, audit_rules, sizeof(audit_rules) - 1) != (ssize_t)(sizeof(audit_rules) - 1))
        abort();
    close(fd);
    /* The audit writes its results to stdout: keep them out of the fuzzer's log. */
    if (!freopen("/dev/null", "w", stdout))
        abort();
}

static void audit_fini(void)
{
    unlink(rules_path);
}

static void run_audit(const char *data, size_t size, const char *input)
{
    int fd = memfd_create("audit-input", 0);
    if (fd < 0)
        abort();
    for (size_t at = 0; at < size;) {
        ssize_t w = write(fd, data + at, size - at);
        if (w <= 0)
            abort();
        at += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    static const char *const formats[] = {"jsonl", "csv", "sarif", "none"};
    char *argv[20];
    int argc = 0;
    argv[argc++] = path;
    argv[argc++] = (char *)"--input";
    argv[argc++] = (char *)input;
    argv[argc++] = (char *)"--format";
    argv[argc++] = (char *)formats[size % 4];
    argv[argc++] = (char *)"--jobs";
    argv[argc++] = (char *)"1";
    argv[argc++] = (char *)"--progress";
    argv[argc++] = (char *)"never";
    argv[argc++] = (char *)"--defaults";
    argv[argc++] = (char *)"no";
    argv[argc++] = (char *)"--rules";
    argv[argc++] = rules_path;
    if (size % 3 == 0) {
        argv[argc++] = (char *)"--html";
        argv[argc++] = (char *)"/dev/null";
    }
    argv[argc] = NULL;
    int st = audit_main(argc, argv);
    fflush(stdout);
    FUZZ_ASSERT(st >= 0 && st <= 2, "audit exit status %d", st);
    close(fd);
}
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    replylint_error err;
    if (replylint_ruleset_default(&rules, &err) != 0)
        abort();
#ifdef RL_FUZZ_AUDIT_MAIN
    audit_init();
    atexit(audit_fini);
#endif
    return 0;
}

/* One record as the audit command sees it. */
typedef struct record {
    const char *text;
    size_t len;
    const char *name, *agent, *channel, *lang;
} record;

static void lint_record(const record *r)
{
    replylint_options o;
    replylint_options_init(&o, REPLYLINT_OPTIONS_VERSION);
    o.customer_name = r->name;
    o.agent_name = r->agent;
    if (r->channel && strcmp(r->channel, "chat") == 0)
        o.channel = REPLYLINT_CHANNEL_CHAT;
    if (r->lang && strcmp(r->lang, "ru") == 0)
        o.lang = REPLYLINT_LANG_RU;
    else if (r->lang && strcmp(r->lang, "en") == 0)
        o.lang = REPLYLINT_LANG_EN;
    const char *text = r->text ? r->text : "";
    replylint_report *rep = NULL;
    replylint_error err;
    int rc = replylint_lint(&rep, rules, text, r->len, &o, &err);
    size_t valid = fuzz_utf8_valid_prefix((const unsigned char *)text, r->len);
    if (valid < r->len) {
        FUZZ_ASSERT(rc == REPLYLINT_EUTF8 && err.offset == valid, "rc %d offset %zu, want %zu", rc,
                    err.offset, valid);
        return;
    }
    FUZZ_ASSERT(rc == REPLYLINT_OK, "lint: %d %s", rc, err.message);
    fuzz_check_report(rep, text, r->len, &o);
    replylint_report_free(rep);
}

/* ---- JSONL --------------------------------------------------------------------------- */

static const char *json_field(json_t *obj, const char *key, size_t *len)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return NULL;
    if (len)
        *len = json_string_length(v);
    return json_string_value(v);
}

static void read_jsonl(const char *s, size_t n)
{
    size_t at = 0, records = 0;
    while (at < n && records < 64) {
        const char *nl = memchr(s + at, '\n', n - at);
        size_t end = nl ? (size_t)(nl - s) : n;
        size_t a = at, b = end;
        while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
            b--;
        if (b > a) {
            json_error_t jerr;
            json_t *obj = json_loadb(s + a, b - a, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
            if (!obj) {
                FUZZ_ASSERT(jerr.text[0] != '\0', "jansson error without text");
            } else {
                if (json_is_object(obj)) {
                    record r = {0};
                    r.text = json_field(obj, "text", &r.len);
                    r.name = json_field(obj, "customer_name", NULL);
                    r.agent = json_field(obj, "agent_name", NULL);
                    r.channel = json_field(obj, "channel", NULL);
                    r.lang = json_field(obj, "lang", NULL);
                    if (r.text)
                        lint_record(&r);
                }
                json_decref(obj);
            }
            records++;
        }
        at = end + 1;
    }
}

#ifdef RL_FUZZ_HAVE_LIBCSV
/* ---- CSV ------------------------------------------------------------------------------ */

enum { COL_TEXT, COL_NAME, COL_AGENT, COL_CHANNEL, COL_LANG, NCOLS };
static const char *const col_names[NCOLS] = {"text", "customer_name", "agent_name", "channel",
                                             "lang"};

typedef struct csv_state {
    int col_of_field[64]; /* header: which known column each field is, or -1 */
    size_t nfields;       /* fields of the current row so far */
    int header_done;
    char *val[NCOLS];
    size_t val_len[NCOLS];
    size_t records;
} csv_state;

static void csv_field(void *f, size_t len, void *ud)
{
    csv_state *st = ud;
    size_t i = st->nfields++;
    if (i >= 64)
        return;
    if (!st->header_done) {
        st->col_of_field[i] = -1;
        for (int c = 0; c < NCOLS; c++)
            if (strlen(col_names[c]) == len && f && memcmp(f, col_names[c], len) == 0)
                st->col_of_field[i] = c;
        return;
    }
    int c = st->col_of_field[i];
    if (c < 0)
        return;
    free(st->val[c]);
    st->val[c] = malloc(len + 1);
    if (!st->val[c])
        abort();
    if (len)
        memcpy(st->val[c], f, len);
    st->val[c][len] = '\0';
    st->val_len[c] = len;
}

static void csv_row(int term, void *ud)
{
    (void)term;
    csv_state *st = ud;
    if (!st->header_done) {
        for (size_t i = st->nfields; i < 64; i++)
            st->col_of_field[i] = -1;
        st->header_done = 1;
    } else if (st->val[COL_TEXT] && st->records++ < 64) {
        record r = {st->val[COL_TEXT],  st->val_len[COL_TEXT], st->val[COL_NAME],
                    st->val[COL_AGENT], st->val[COL_CHANNEL],  st->val[COL_LANG]};
        lint_record(&r);
    }
    for (int c = 0; c < NCOLS; c++) {
        free(st->val[c]);
        st->val[c] = NULL;
        st->val_len[c] = 0;
    }
    st->nfields = 0;
}

static void read_csv(const char *s, size_t n, unsigned char opts)
{
    struct csv_parser p;
    if (csv_init(&p, opts) != 0)
        abort();
    csv_state st;
    memset(&st, 0, sizeof(st));
    /* Fed in pieces, as a reader of a stream does: records cross buffer boundaries. */
    size_t at = 0, chunk = 7;
    while (at < n) {
        size_t k = n - at < chunk ? n - at : chunk;
        if (csv_parse(&p, s + at, k, csv_field, csv_row, &st) != k) {
            FUZZ_ASSERT(csv_error(&p) != CSV_SUCCESS, "short parse without an error");
            break;
        }
        at += k;
        chunk = chunk * 3 + 1;
    }
    csv_fini(&p, csv_field, csv_row, &st);
    csv_free(&p);
    for (int c = 0; c < NCOLS; c++)
        free(st.val[c]);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    char *s = malloc(size ? size : 1);
    if (!s)
        abort();
    memcpy(s, data, size);
#ifdef RL_FUZZ_AUDIT_MAIN
    run_audit(s, size, "jsonl");
    run_audit(s, size, "csv");
#endif
    read_jsonl(s, size);
#ifdef RL_FUZZ_HAVE_LIBCSV
    read_csv(s, size, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    read_csv(s, size, 0);
#endif
    free(s);
    return 0;
}
