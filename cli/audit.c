/*
 * audit.c: `replylint audit FILE...`, the QA audit of exported helpdesk tickets.
 *
 * A QA lead feeds it months of tickets (JSON Lines or CSV) and gets one result per ticket
 * (JSON Lines, a CSV summary or SARIF) plus, on request, a self-contained HTML report.
 *
 * The run is a pipeline over a fixed ring of batches, so memory stays flat however long
 * the input is and every core is used while results still come out in input order:
 *
 *   reader (main thread)  splits the input into records and fills the next free batch;
 *   workers (--jobs)      take filled batches in order, parse, lint with the one shared,
 *                         immutable replylint_ruleset, and format each ticket's output;
 *   writer (one thread)   waits for the oldest batch, prints it, keeps the statistics
 *                         for the summary and the report, and frees the slot.
 *
 * The reader can be at most RING batches ahead of the writer, and a batch holds at most
 * BATCH_TICKETS tickets and about BATCH_BYTES of input.  Everything costly per ticket (JSON
 * parsing, linting, output formatting) happens in the workers; the reader and the writer
 * only copy bytes, which is what lets two workers run close to twice as fast as one.
 *
 * Only the public API (replylint.h) is used, as in the rest of the tool.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>
#include <jansson.h>

#include "audit.h"
#include "common.h"
#include "replylint.h"

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_TROUBLE = 2 };

/* A batch closes at this many tickets or this many bytes of input, whichever comes first:
 * big enough that locking is rare, small enough that RING of them stay a few MiB. */
#define BATCH_TICKETS 256
#define BATCH_BYTES   ((size_t)256 * 1024)
/* One JSON line or CSV record may be this long; the library refuses texts over 1 MiB
 * anyway, and JSON escapes can make the line several times longer than its text. */
#define MAX_RECORD ((size_t)8 * 1024 * 1024)
#define READ_CHUNK ((size_t)256 * 1024)
/* Distinct agents tracked for the report; the rest share one row, so that an export
 * with a unique "agent" per row cannot grow memory without bound. */
#define MAX_AGENTS 10000
#define MAX_JOBS   256
#define NO_VALUE   SIZE_MAX

/* ---- Small utilities ------------------------------------------------------------------ */

/* A growable byte buffer.  Buffers are reused from batch to batch, so after warm-up the
 * pipeline allocates nothing for them. */
struct buf {
    char *data;
    size_t len, cap;
};

static int buf_reserve(struct buf *b, size_t extra)
{
    size_t need, cap;
    char *bigger;

    if (extra > SIZE_MAX - b->len - 1)
        return -1;
    need = b->len + extra + 1; /* room for a terminating NUL */
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    bigger = realloc(b->data, cap);
    if (!bigger)
        return -1;
    b->data = bigger;
    b->cap = cap;
    return 0;
}

static int buf_append(struct buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

/* Append bytes plus a NUL, returning the offset of the copy (NO_VALUE on failure); the
 * NUL lets a copied field be handed to the library as a C string. */
static size_t buf_add_string(struct buf *b, const char *p, size_t n)
{
    size_t at = b->len;

    if (buf_append(b, p, n) != 0 || buf_append(b, "", 1) != 0)
        return NO_VALUE;
    return at;
}

static int buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

static void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Code points in s[0, len) of valid UTF-8. */
static size_t utf8_count(const char *s, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Options -------------------------------------------------------------------------- */

enum input_kind { INPUT_AUTO, INPUT_JSONL, INPUT_CSV };
enum out_format { OUT_JSONL, OUT_CSV, OUT_SARIF, OUT_NONE };
enum progress_mode { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER };

/* The ticket fields an export carries, and the option that names each column or key. */
enum field { F_TEXT, F_ID, F_AGENT, F_NAME, F_CHANNEL, N_FIELDS };

static const char *const field_options[N_FIELDS] = {"text-field", "id-field", "agent-field",
                                                    "name-field", "channel-field"};
static const char *const field_defaults[N_FIELDS] = {"text", "id", "agent", "customer_name",
                                                     "channel"};

/* Everything the command line says.  Strings point into argv, which outlives the run. */
struct audit_opts {
    const char **files;
    size_t n_files;
    enum input_kind *kinds; /* per file, resolved before anything is read */
    const char **rule_files;
    size_t n_rule_files;
    int no_defaults;
    replylint_options lint; /* lang, and the channel of tickets that do not say */
    enum input_kind input;
    const char *field[N_FIELDS];
    enum out_format format;
    const char *html_path;
    unsigned jobs;
    replylint_severity fail_level; /* 0: findings alone never fail an audit */
    size_t worst;
    enum progress_mode progress;
    int agent_is_name; /* pass the agent field to the signature check */
};

/* Where a usage error points the user. */
#define HELP_COMMAND "replylint audit --help"

static const char *const help_lines[] = {
    "Usage: replylint audit [FILE...|-] [OPTIONS]",
    "",
    "Lint every reply in helpdesk exports and report per ticket and overall.  Input is JSON",
    "Lines (one ticket object per line; .jsonl, .json, .ndjson) or CSV with a header row",
    "(.csv); '-' or no FILE reads standard input, which needs --input.  Results come out in",
    "input order.  Bad rows are reported on stderr with file and line, counted, and skipped.",
    "",
    "Input:",
    "  --input jsonl|csv       the format of every FILE (default: by extension)",
    "  --text-field NAME       key or column of the reply text (default: text)",
    "  --id-field NAME         ticket id (default: id; missing: FILE:LINE)",
    "  --agent-field NAME      agent, for the per-agent table (default: agent)",
    "  --name-field NAME       customer's name (default: customer_name)",
    "  --channel-field NAME    chat or email (default: channel)",
    "  --agent-is-name yes|no  yes (default): the signature should carry the agent field;",
    "                          say no when the field holds a login rather than a name",
    "Linting:",
    "  --rules PATH            add a YAML rule file; repeatable",
    "  --defaults yes|no       no: only the --rules files",
    "  --lang auto|ru|en       default auto: detected per reply",
    "  --channel chat|email    for tickets without a channel (default email)",
    "Output:",
    "  --format FORMAT         jsonl (default): one JSON object per ticket; csv: one summary",
    "                          row per ticket; sarif: SARIF 2.1.0; none",
    "  --html FILE             also write a self-contained HTML report",
    "  --worst N               replies shown in the report's worst list (default 20)",
    "  --fail-level LEVEL      suggestion, warning or error: exit 1 when a finding is at",
    "                          least this severe (default: findings do not fail an audit)",
    "  --jobs N                worker threads (default: all online CPUs)",
    "  --progress WHEN         auto (default: when stderr is a terminal), always or never",
    "",
    "Exit status: 0 every ticket checked and none at --fail-level; 1 rows rejected or",
    "findings at --fail-level; 2 usage, I/O or rule-file errors.",
};

static const struct cli_choice input_choices[] = {
    {"jsonl", INPUT_JSONL}, {"csv", INPUT_CSV}, {NULL, 0}};
static const struct cli_choice format_choices[] = {
    {"jsonl", OUT_JSONL}, {"csv", OUT_CSV}, {"sarif", OUT_SARIF}, {"none", OUT_NONE}, {NULL, 0}};
static const struct cli_choice lang_choices[] = {
    {"auto", REPLYLINT_LANG_AUTO}, {"ru", REPLYLINT_LANG_RU}, {"en", REPLYLINT_LANG_EN}, {NULL, 0}};
static const struct cli_choice channel_choices[] = {
    {"chat", REPLYLINT_CHANNEL_CHAT}, {"email", REPLYLINT_CHANNEL_EMAIL}, {NULL, 0}};
static const struct cli_choice level_choices[] = {{"suggestion", REPLYLINT_SEV_SUGGESTION},
                                                  {"warning", REPLYLINT_SEV_WARNING},
                                                  {"error", REPLYLINT_SEV_ERROR},
                                                  {NULL, 0}};
static const struct cli_choice yes_no_choices[] = {{"yes", 1}, {"no", 0}, {NULL, 0}};
static const struct cli_choice progress_choices[] = {
    {"auto", PROGRESS_AUTO}, {"always", PROGRESS_ALWAYS}, {"never", PROGRESS_NEVER}, {NULL, 0}};

static int parse_count(const char *option, const char *value, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(value, &end, 10);
    if (errno || end == value || *end || value[0] == '-' || v > max) {
        cli_usage_error(HELP_COMMAND, "--%s needs a whole number from 0 to %lu, got '%s'", option,
                        max, value);
        return -1;
    }
    *out = v;
    return 0;
}

/* One option and its value; returns 0, or -1 after reporting a usage error. */
static int apply_option(struct audit_opts *o, const char *name, const char *value)
{
    int v;
    unsigned long n;

    for (int f = 0; f < N_FIELDS; f++) {
        if (strcmp(name, field_options[f]) == 0) {
            if (!*value) {
                cli_usage_error(HELP_COMMAND, "--%s needs a field name", name);
                return -1;
            }
            o->field[f] = value;
            return 0;
        }
    }
    if (strcmp(name, "rules") == 0) {
        if (!*value) {
            cli_usage_error(HELP_COMMAND, "--rules needs a file path");
            return -1;
        }
        o->rule_files[o->n_rule_files++] = value;
        return 0;
    }
    if (strcmp(name, "html") == 0) {
        if (!*value) {
            cli_usage_error(HELP_COMMAND, "--html needs a file path");
            return -1;
        }
        o->html_path = value;
        return 0;
    }
    if (strcmp(name, "jobs") == 0) {
        if (parse_count(name, value, MAX_JOBS, &n) != 0)
            return -1;
        if (n == 0) {
            cli_usage_error(HELP_COMMAND, "--jobs needs at least 1");
            return -1;
        }
        o->jobs = (unsigned)n;
        return 0;
    }
    if (strcmp(name, "worst") == 0) {
        if (parse_count(name, value, 1000, &n) != 0)
            return -1;
        o->worst = n;
        return 0;
    }
    if (strcmp(name, "input") == 0 &&
        cli_parse_choice(name, value, input_choices, HELP_COMMAND, &v) == 0)
        o->input = (enum input_kind)v;
    else if (strcmp(name, "format") == 0 &&
             cli_parse_choice(name, value, format_choices, HELP_COMMAND, &v) == 0)
        o->format = (enum out_format)v;
    else if (strcmp(name, "lang") == 0 &&
             cli_parse_choice(name, value, lang_choices, HELP_COMMAND, &v) == 0)
        o->lint.lang = (replylint_lang)v;
    else if (strcmp(name, "channel") == 0 &&
             cli_parse_choice(name, value, channel_choices, HELP_COMMAND, &v) == 0)
        o->lint.channel = (replylint_channel)v;
    else if (strcmp(name, "fail-level") == 0 &&
             cli_parse_choice(name, value, level_choices, HELP_COMMAND, &v) == 0)
        o->fail_level = (replylint_severity)v;
    else if (strcmp(name, "defaults") == 0 &&
             cli_parse_choice(name, value, yes_no_choices, HELP_COMMAND, &v) == 0)
        o->no_defaults = !v;
    else if (strcmp(name, "agent-is-name") == 0 &&
             cli_parse_choice(name, value, yes_no_choices, HELP_COMMAND, &v) == 0)
        o->agent_is_name = v;
    else if (strcmp(name, "progress") == 0 &&
             cli_parse_choice(name, value, progress_choices, HELP_COMMAND, &v) == 0)
        o->progress = (enum progress_mode)v;
    else
        return -1; /* parse_choice has reported a bad value; unknown names are caught earlier */
    return 0;
}

static const char *const option_names[] = {
    "text-field", "id-field", "agent-field", "name-field", "channel-field", "agent-is-name",
    "rules",      "defaults", "lang",        "channel",    "input",         "format",
    "html",       "worst",    "fail-level",  "jobs",       "progress"};

static int known_option(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof option_names / sizeof option_names[0]; i++)
        if (strlen(option_names[i]) == len && strncmp(option_names[i], name, len) == 0)
            return 1;
    return 0;
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i past a separate value. */
static int parse_option(struct audit_opts *o, int argc, char **argv, int *i)
{
    const char *arg = argv[*i], *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    char option[32];

    if (strncmp(arg, "--", 2) != 0 || !known_option(name, len) || len >= sizeof option) {
        cli_usage_error(HELP_COMMAND, "unknown option '%.*s' for 'audit'",
                        (int)(eq ? (size_t)(eq - arg) : strlen(arg)), arg);
        return -1;
    }
    memcpy(option, name, len);
    option[len] = '\0';
    if (!eq && *i + 1 >= argc) {
        cli_usage_error(HELP_COMMAND, "option '--%s' needs a value", option);
        return -1;
    }
    return apply_option(o, option, eq ? eq + 1 : argv[++*i]);
}

static enum input_kind kind_by_extension(const char *path)
{
    const char *dot = strrchr(path, '.');

    if (!dot || strchr(dot, '/'))
        return INPUT_AUTO;
    if (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".json") == 0 ||
        strcasecmp(dot, ".ndjson") == 0)
        return INPUT_JSONL;
    if (strcasecmp(dot, ".csv") == 0)
        return INPUT_CSV;
    return INPUT_AUTO;
}

/* Decide every file's format before reading anything, so that a typo in the last name
 * does not waste an hour's audit of the first ones. */
static int resolve_inputs(struct audit_opts *o)
{
    size_t stdin_uses = 0;

    o->kinds = calloc(o->n_files ? o->n_files : 1, sizeof *o->kinds);
    if (!o->kinds) {
        fputs("replylint: out of memory\n", stderr);
        return -1;
    }
    for (size_t i = 0; i < o->n_files; i++) {
        const char *f = o->files[i];
        int is_stdin = strcmp(f, "-") == 0;
        stdin_uses += is_stdin;
        o->kinds[i] = o->input != INPUT_AUTO ? o->input
                      : is_stdin             ? INPUT_AUTO
                                             : kind_by_extension(f);
        if (o->kinds[i] == INPUT_AUTO) {
            cli_usage_error(HELP_COMMAND,
                            "cannot tell the format of '%s': name it .jsonl or .csv, or pass "
                            "--input jsonl|csv",
                            is_stdin ? "<stdin>" : f);
            return -1;
        }
    }
    if (stdin_uses > 1) {
        cli_usage_error(HELP_COMMAND, "'-' (standard input) may be given only once");
        return -1;
    }
    return 0;
}

static int opts_init(struct audit_opts *o, int argc)
{
    memset(o, 0, sizeof *o);
    for (int f = 0; f < N_FIELDS; f++)
        o->field[f] = field_defaults[f];
    o->format = OUT_JSONL;
    o->worst = 20;
    o->agent_is_name = 1;
    /* Each argument is at most one file or one rule file, so argc bounds both lists. */
    o->files = calloc((size_t)argc + 1, sizeof *o->files);
    o->rule_files = calloc((size_t)argc + 1, sizeof *o->rule_files);
    if (!o->files || !o->rule_files ||
        replylint_options_init(&o->lint, REPLYLINT_OPTIONS_VERSION) != REPLYLINT_OK) {
        fputs("replylint: cannot initialise: out of memory or library mismatch\n", stderr);
        return -1;
    }
    return 0;
}

static void opts_free(struct audit_opts *o)
{
    free(o->files);
    free(o->rule_files);
    free(o->kinds);
}

static unsigned online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

enum parse_result { PARSE_OK, PARSE_HELP, PARSE_ERROR };

/* Options and files may be mixed, as in the other commands; "--" makes the rest files. */
static enum parse_result parse_args(struct audit_opts *o, int argc, char **argv)
{
    static const char *stdin_name = "-";
    int files_only = 0;

    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (files_only || arg[0] != '-' || strcmp(arg, "-") == 0)
            o->files[o->n_files++] = arg;
        else if (strcmp(arg, "--") == 0)
            files_only = 1;
        else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
            return PARSE_HELP;
        else if (parse_option(o, argc, argv, &i) != 0)
            return PARSE_ERROR;
    }
    if (o->n_files == 0)
        o->files[o->n_files++] = stdin_name;
    if (o->jobs == 0)
        o->jobs = online_cpus();
    return resolve_inputs(o) == 0 ? PARSE_OK : PARSE_ERROR;
}

/* ---- Rules ---------------------------------------------------------------------------- */

/*
 * The rule set seen as tables: rule i (the library's order, sorted by id) and its
 * category index, so that counting a finding is an array increment rather than a string
 * comparison.  Built once, read-only while the threads run.
 */
struct rule_key {
    const char *id;
    uint32_t rule;
};

struct rule_table {
    const replylint_ruleset *rs;
    size_t n_rules;
    const char **ids;       /* ids[i] of rule i */
    struct rule_key *by_id; /* sorted by strcmp of the id, for lookup */
    uint32_t *category;     /* category index of rule i */
    const char **categories;
    size_t n_categories;
};

static int cmp_rule_keys(const void *a, const void *b)
{
    return strcmp(((const struct rule_key *)a)->id, ((const struct rule_key *)b)->id);
}

static uint32_t category_index(struct rule_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_categories; i++)
        if (strcmp(t->categories[i], name) == 0)
            return (uint32_t)i;
    t->categories[t->n_categories] = name;
    return (uint32_t)t->n_categories++;
}

static int rule_table_init(struct rule_table *t, const replylint_ruleset *rs)
{
    size_t n = replylint_ruleset_count(rs);

    memset(t, 0, sizeof *t);
    t->rs = rs;
    t->n_rules = n;
    t->ids = calloc(n + 1, sizeof *t->ids);
    t->by_id = calloc(n + 1, sizeof *t->by_id);
    t->category = calloc(n + 1, sizeof *t->category);
    t->categories = calloc(n + 1, sizeof *t->categories); /* at most one per rule */
    if (!t->ids || !t->by_id || !t->category || !t->categories)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const replylint_rule *r = replylint_ruleset_get(rs, i);
        t->ids[i] = replylint_rule_id(r);
        t->by_id[i].id = t->ids[i];
        t->by_id[i].rule = (uint32_t)i;
        t->category[i] = category_index(t, replylint_rule_category(r));
    }
    /* Our own order, not the library's "sorted by id", which need not be strcmp's. */
    qsort(t->by_id, n, sizeof *t->by_id, cmp_rule_keys);
    return 0;
}

static void rule_table_free(struct rule_table *t)
{
    free(t->ids);
    free(t->by_id);
    free(t->category);
    free(t->categories);
}

/* Index of the rule with this id, or UINT32_MAX. */
static uint32_t rule_index(const struct rule_table *t, const char *id)
{
    size_t lo = 0, hi = t->n_rules;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(id, t->by_id[mid].id);
        if (c == 0)
            return t->by_id[mid].rule;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return UINT32_MAX;
}

/* Category index of a diagnostic: its rule's, else a read-only scan (never appends:
 * workers share the table). */
static uint32_t diag_category(const struct rule_table *t, uint32_t rule, const char *name)
{
    if (rule != UINT32_MAX)
        return t->category[rule];
    for (size_t i = 0; i < t->n_categories; i++)
        if (strcmp(t->categories[i], name) == 0)
            return (uint32_t)i;
    return UINT32_MAX;
}

/* ---- Batches -------------------------------------------------------------------------- */

enum item_kind {
    ITEM_JSON,   /* a raw JSON line: parsed by a worker */
    ITEM_FIELDS, /* a CSV record already split into the fields we use */
    ITEM_REJECT, /* a row the reader could not use; `raw` holds the message */
    ITEM_NOTE    /* a problem with a whole file (message in `raw`): not a ticket */
};

/* Why a row was rejected: the summary counts each reason. */
enum reject_reason {
    REJ_NONE,
    REJ_JSON,
    REJ_NOT_OBJECT,
    REJ_MISSING_TEXT,
    REJ_TEXT_TYPE,
    REJ_UTF8,
    REJ_COLUMNS,
    REJ_TOO_LONG,
    REJ_QUOTE,
    REJ_OTHER,
    N_REJECT_REASONS
};

static const char *const reject_names[N_REJECT_REASONS] = {"",
                                                           "broken JSON",
                                                           "not a JSON object",
                                                           "missing text",
                                                           "text not a string",
                                                           "invalid UTF-8",
                                                           "wrong column count",
                                                           "too long",
                                                           "bad quoting",
                                                           "lint error"};

/* One finding, kept compactly for the statistics and the worst-replies list. */
struct finding {
    uint32_t rule;     /* index into the rule table, UINT32_MAX if unknown */
    uint32_t category; /* index into the category table, UINT32_MAX if unknown */
    uint32_t line, column;
    int severity;
    size_t start, end; /* byte range in the ticket's text */
    size_t message;    /* offset of the message in the batch's `strings` */
};

/*
 * One input record.  The reader fills the first group (offsets into the batch's `data`);
 * the worker fills the rest (offsets into `strings`, `out` and the findings array).
 * Offsets rather than pointers, because the buffers may move when they grow.
 */
struct item {
    enum item_kind kind;
    const char *file; /* borrowed from argv, or "<stdin>" */
    uint64_t line;
    size_t raw, raw_len;    /* ITEM_JSON: the line; REJECT/NOTE: the message */
    size_t field[N_FIELDS]; /* ITEM_FIELDS: NUL-terminated copies, or NO_VALUE */
    size_t field_len[N_FIELDS];
    enum reject_reason reason; /* set by the reader or the worker */
    size_t message;            /* worker's rejection message, in `strings` */
    size_t id, id_len;         /* in `strings` */
    size_t agent, agent_len;   /* in `strings`; NO_VALUE when the ticket has none */
    size_t text, text_len;     /* in `strings`, only when the HTML report wants it */
    const char *language;      /* static "ru" or "en" */
    double score;
    size_t words;
    int incomplete; /* replylint_report_incomplete */
    size_t first_finding, n_findings;
    size_t out, out_len; /* formatted output, in `out` */
};

struct batch {
    struct item items[BATCH_TICKETS];
    size_t n_items;
    struct buf data;    /* written by the reader */
    struct buf strings; /* written by the worker */
    struct buf out;     /* written by the worker: this batch's stdout bytes, in order */
    struct finding *findings;
    size_t n_findings, cap_findings;
    uint64_t bytes_read; /* input bytes read when the batch was closed, for progress */
    int done;            /* the worker has finished it (under the pipeline lock) */
};

static void batch_reset(struct batch *b)
{
    b->n_items = 0;
    b->data.len = b->strings.len = b->out.len = 0;
    b->n_findings = 0;
    b->done = 0;
}

static void batch_free(struct batch *b)
{
    buf_free(&b->data);
    buf_free(&b->strings);
    buf_free(&b->out);
    free(b->findings);
}

static struct finding *batch_add_finding(struct batch *b)
{
    if (b->n_findings == b->cap_findings) {
        size_t cap = b->cap_findings ? b->cap_findings * 2 : 256;
        struct finding *more = realloc(b->findings, cap * sizeof *more);
        if (!more)
            return NULL;
        b->findings = more;
        b->cap_findings = cap;
    }
    return &b->findings[b->n_findings++];
}

/* What every thread may read and none may change while the pipeline runs. */
struct audit_ctx {
    const struct audit_opts *opts;
    const struct rule_table *rules;
    int want_text; /* the HTML report shows the worst replies' text */
};

/* ---- Worker: one ticket --------------------------------------------------------------- */

/* The fields of one ticket, wherever they live (a parsed JSON object or the batch). */
struct ticket {
    const char *f[N_FIELDS]; /* NULL when the ticket has no such field; NUL-terminated */
    size_t len[N_FIELDS];
    char number[N_FIELDS][32]; /* a numeric id or agent, written out */
    replylint_channel channel;
};

static int reject(struct batch *b, struct item *it, enum reject_reason reason, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

/* Mark the item rejected with a message for stderr.  Always returns -1, for tail calls. */
static int reject(struct batch *b, struct item *it, enum reject_reason reason, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    it->reason = reason;
    it->message = buf_add_string(&b->strings, msg, strlen(msg));
    return -1;
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "a number";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* A JSON id or agent: a string as it is, a number written out; anything else counts as
 * absent (an export with "agent": null simply has no agent for that ticket). */
static void json_field(struct ticket *t, int f, const json_t *v)
{
    if (json_is_string(v)) {
        t->f[f] = json_string_value(v);
        t->len[f] = strlen(t->f[f]); /* a NUL inside a name or id ends it */
    } else if (json_is_integer(v)) {
        snprintf(t->number[f], sizeof t->number[f], "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        t->f[f] = t->number[f];
        t->len[f] = strlen(t->number[f]);
    } else if (json_is_real(v)) {
        snprintf(t->number[f], sizeof t->number[f], "%.17g", json_real_value(v));
        t->f[f] = t->number[f];
        t->len[f] = strlen(t->number[f]);
    }
}

static int ticket_from_json(const struct audit_ctx *ctx, struct batch *b, struct item *it,
                            json_t **root, struct ticket *t)
{
    const char *text_key = ctx->opts->field[F_TEXT];
    json_error_t jerr;
    json_t *text;

    /* JSON_ALLOW_NUL: a reply may legitimately hold U+0000; the library takes lengths. */
    *root = json_loadb(b->data.data + it->raw, it->raw_len, JSON_ALLOW_NUL, &jerr);
    if (!*root) {
        if (json_error_code(&jerr) == json_error_invalid_utf8)
            return reject(b, it, REJ_UTF8, "invalid UTF-8 at byte %d", jerr.position);
        return reject(b, it, REJ_JSON, "invalid JSON at column %d: %s", jerr.column, jerr.text);
    }
    if (!json_is_object(*root))
        return reject(b, it, REJ_NOT_OBJECT, "not a JSON object but %s", json_type_name(*root));
    text = json_object_get(*root, text_key);
    if (!text)
        return reject(b, it, REJ_MISSING_TEXT, "missing field '%s'", text_key);
    if (!json_is_string(text))
        return reject(b, it, REJ_TEXT_TYPE, "field '%s' is %s, not a string", text_key,
                      json_type_name(text));
    t->f[F_TEXT] = json_string_value(text);
    t->len[F_TEXT] = json_string_length(text);
    json_field(t, F_ID, json_object_get(*root, ctx->opts->field[F_ID]));
    json_field(t, F_AGENT, json_object_get(*root, ctx->opts->field[F_AGENT]));
    for (int f = F_NAME; f <= F_CHANNEL; f++) {
        const json_t *v = json_object_get(*root, ctx->opts->field[f]);
        if (json_is_string(v)) {
            t->f[f] = json_string_value(v);
            t->len[f] = strlen(t->f[f]);
        }
    }
    return 0;
}

/* CSV fields are raw bytes: everything but the text (which the library validates and
 * locates exactly) is checked here, since it ends up in JSON and HTML. */
static int ticket_from_fields(const struct audit_ctx *ctx, struct batch *b, struct item *it,
                              struct ticket *t)
{
    for (int f = 0; f < N_FIELDS; f++) {
        if (it->field[f] == NO_VALUE)
            continue;
        t->f[f] = b->data.data + it->field[f];
        t->len[f] = it->field_len[f];
        if (f != F_TEXT && cli_utf8_valid_prefix(t->f[f], t->len[f]) != t->len[f])
            return reject(b, it, REJ_UTF8, "invalid UTF-8 in field '%s'", ctx->opts->field[f]);
        if (f != F_TEXT && memchr(t->f[f], '\0', t->len[f]))
            t->len[f] = strlen(t->f[f]);
    }
    return 0;
}

/* Empty optional fields mean "not known"; the channel falls back to --channel. */
static void ticket_normalise(const struct audit_ctx *ctx, struct ticket *t)
{
    for (int f = F_ID; f < N_FIELDS; f++)
        if (t->f[f] && t->len[f] == 0)
            t->f[f] = NULL;
    t->channel = ctx->opts->lint.channel;
    if (t->f[F_CHANNEL] && strcasecmp(t->f[F_CHANNEL], "chat") == 0)
        t->channel = REPLYLINT_CHANNEL_CHAT;
    else if (t->f[F_CHANNEL] && strcasecmp(t->f[F_CHANNEL], "email") == 0)
        t->channel = REPLYLINT_CHANNEL_EMAIL;
}

/* Copy what the writer needs after the worker lets go of the ticket. */
static int keep_ticket_strings(const struct audit_ctx *ctx, struct batch *b, struct item *it,
                               const struct ticket *t)
{
    char fallback[PATH_MAX + 32];

    if (t->f[F_ID]) {
        it->id = buf_add_string(&b->strings, t->f[F_ID], t->len[F_ID]);
        it->id_len = t->len[F_ID];
    } else {
        /* No id: the place in the input identifies the ticket just as well. */
        int n = snprintf(fallback, sizeof fallback, "%s:%" PRIu64, it->file, it->line);
        it->id_len = n < 0 ? 0 : strlen(fallback);
        it->id = buf_add_string(&b->strings, fallback, it->id_len);
    }
    it->agent = NO_VALUE;
    if (t->f[F_AGENT]) {
        it->agent = buf_add_string(&b->strings, t->f[F_AGENT], t->len[F_AGENT]);
        it->agent_len = t->len[F_AGENT];
        if (it->agent == NO_VALUE)
            return -1;
    }
    it->text = NO_VALUE;
    if (ctx->want_text) {
        it->text = buf_add_string(&b->strings, t->f[F_TEXT], t->len[F_TEXT]);
        it->text_len = t->len[F_TEXT];
        if (it->text == NO_VALUE)
            return -1;
    }
    return it->id == NO_VALUE ? -1 : 0;
}

static const char *static_language(const char *lang)
{
    return strcmp(lang, "ru") == 0 ? "ru" : strcmp(lang, "en") == 0 ? "en" : "??";
}

static int record_findings(const struct audit_ctx *ctx, struct batch *b, struct item *it,
                           const struct ticket *t, const replylint_report *rep)
{
    size_t n = replylint_report_count(rep);

    it->first_finding = b->n_findings;
    it->n_findings = 0;
    for (size_t i = 0; i < n; i++) {
        const replylint_diag *d = replylint_report_get(rep, i);
        const char *message = replylint_diag_message(d);
        struct finding *f = batch_add_finding(b);
        if (!f)
            return -1;
        f->rule = rule_index(ctx->rules, replylint_diag_rule(d));
        f->category = diag_category(ctx->rules, f->rule, replylint_diag_category(d));
        f->severity = (int)replylint_diag_severity(d);
        f->line = replylint_diag_line(d);
        f->column = replylint_diag_column(d);
        cli_diag_span(d, t->len[F_TEXT], &f->start, &f->end);
        f->message = buf_add_string(&b->strings, message, strlen(message));
        if (f->message == NO_VALUE)
            return -1;
        it->n_findings++;
    }
    return 0;
}

/* ---- Worker: output formats ----------------------------------------------------------- */

/*
 * Per-ticket JSON is built key by key rather than with json_pack(): it runs for every
 * finding of every ticket, and the format-string parsing and UTF-8 re-checks of json_pack
 * cost as much as the linting.  Library strings are UTF-8 by the API's contract and the
 * flagged text lies inside a reply the library has validated, so those skip jansson's
 * check (the _nocheck calls); ids, agents and file names still go through cli_json_text().
 * The first failure sticks, so that a builder is checked once, at the end.
 */
struct jobj {
    json_t *obj;
    int failed;
};

static struct jobj jobj_new(void)
{
    struct jobj j = {json_object(), 0};

    j.failed = j.obj == NULL;
    return j;
}

/* Add key: value, taking over value (NULL marks the object failed). */
static void jobj_put(struct jobj *j, const char *key, json_t *value)
{
    if (!value || !j->obj || json_object_set_new_nocheck(j->obj, key, value) != 0) {
        j->failed = 1;
        json_decref(value);
    }
}

static void jobj_str(struct jobj *j, const char *key, const char *library_string)
{
    jobj_put(j, key, json_string_nocheck(library_string));
}

static void jobj_int(struct jobj *j, const char *key, size_t value)
{
    jobj_put(j, key, json_integer((json_int_t)value));
}

/* The object, or NULL (and nothing leaked) if any step failed. */
static json_t *jobj_done(struct jobj *j)
{
    if (j->failed) {
        json_decref(j->obj);
        return NULL;
    }
    return j->obj;
}

/* Exactly the fields of `check --format json`, so that tools reading one read both. */
static json_t *diag_json(const struct ticket *t, const replylint_diag *d)
{
    size_t bytes[2] = {0, 0}, cps[2] = {0, 0}, units[2] = {0, 0}, start, end;
    struct jobj j = jobj_new();

    replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &bytes[0], &bytes[1]);
    replylint_diag_offsets(d, REPLYLINT_UNIT_CODEPOINT, &cps[0], &cps[1]);
    replylint_diag_offsets(d, REPLYLINT_UNIT_UTF16, &units[0], &units[1]);
    cli_diag_span(d, t->len[F_TEXT], &start, &end);
    jobj_str(&j, "rule", replylint_diag_rule(d));
    jobj_str(&j, "category", replylint_diag_category(d));
    jobj_str(&j, "severity", cli_severity_label((replylint_severity)replylint_diag_severity(d)));
    jobj_str(&j, "message", replylint_diag_message(d));
    jobj_int(&j, "line", replylint_diag_line(d));
    jobj_int(&j, "column", replylint_diag_column(d));
    jobj_int(&j, "byte_start", bytes[0]);
    jobj_int(&j, "byte_end", bytes[1]);
    jobj_int(&j, "cp_start", cps[0]);
    jobj_int(&j, "cp_end", cps[1]);
    jobj_int(&j, "utf16_start", units[0]);
    jobj_int(&j, "utf16_end", units[1]);
    jobj_put(&j, "text", json_stringn_nocheck(t->f[F_TEXT] + start, end - start));
    jobj_put(&j, "suggestions", cli_suggestions_json(d));
    return jobj_done(&j);
}

static json_t *agent_json(const struct batch *b, const struct item *it)
{
    return it->agent == NO_VALUE ? json_null()
                                 : cli_json_text(b->strings.data + it->agent, it->agent_len);
}

/*
 * Append `before`, the compact JSON of obj (which this takes over), and `after`.  jansson
 * dumps straight into the batch's buffer, which is reused from batch to batch, so that a
 * ticket's output costs no allocation of its own; only an object larger than the room
 * left is dumped twice.  Three significant digits print every one-decimal score from 0.0
 * to 10.0 exactly.
 */
static int append_json(struct buf *out, json_t *obj, const char *before, const char *after)
{
    const size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(3);
    size_t room, need;
    int rc = -1;

    if (obj && buf_append(out, before, strlen(before)) == 0 && buf_reserve(out, 4096) == 0) {
        room = out->cap - out->len - 1;
        need = json_dumpb(obj, out->data + out->len, room, flags);
        if (need > room && need != 0 && buf_reserve(out, need) == 0)
            need = json_dumpb(obj, out->data + out->len, out->cap - out->len - 1, flags);
        if (need != 0 && need < out->cap - out->len) {
            out->len += need;
            out->data[out->len] = '\0';
            rc = buf_append(out, after, strlen(after));
        }
    }
    json_decref(obj);
    return rc;
}

static int format_jsonl(struct batch *b, const struct item *it, const struct ticket *t,
                        const replylint_report *rep)
{
    json_t *diags = json_array();
    size_t n = replylint_report_count(rep);
    struct jobj j = jobj_new();

    for (size_t i = 0; diags && i < n; i++) {
        if (json_array_append_new(diags, diag_json(t, replylint_report_get(rep, i))) != 0) {
            json_decref(diags);
            diags = NULL;
        }
    }
    jobj_put(&j, "id", cli_json_text(b->strings.data + it->id, it->id_len));
    jobj_put(&j, "agent", agent_json(b, it));
    jobj_str(&j, "language", it->language);
    jobj_put(&j, "score", json_real(it->score));
    jobj_int(&j, "words", it->words);
    jobj_put(&j, "incomplete", json_boolean(it->incomplete));
    jobj_put(&j, "diagnostics", diags);
    return append_json(&b->out, jobj_done(&j), "", "\n");
}

/* One CSV field, quoted by libcsv (which doubles embedded quotes). */
static int append_csv_field(struct buf *out, const char *s, size_t len, int last)
{
    size_t need = csv_write(NULL, 0, s, len);

    if (buf_reserve(out, need + 1) != 0)
        return -1;
    out->len += csv_write(out->data + out->len, need, s, len);
    out->data[out->len++] = last ? '\n' : ',';
    out->data[out->len] = '\0';
    return 0;
}

static int already_listed(const struct finding *f, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (f[k].rule == f[i].rule)
            return 1;
    return 0;
}

/* id,agent,language,score,errors,warnings,suggestions,rules (distinct ids, space-separated) */
static int format_csv(const struct audit_ctx *ctx, struct batch *b, const struct item *it)
{
    /* No pointer arithmetic on a batch that has no findings at all (NULL + 0 is UB). */
    const struct finding *f = it->n_findings ? b->findings + it->first_finding : NULL;
    size_t counts[4] = {0, 0, 0, 0};
    struct buf rules = {NULL, 0, 0};
    char numbers[96];
    int rc = 0;

    for (size_t i = 0; i < it->n_findings; i++) {
        if (f[i].severity >= REPLYLINT_SEV_SUGGESTION && f[i].severity <= REPLYLINT_SEV_ERROR)
            counts[f[i].severity]++;
        if (f[i].rule == UINT32_MAX || already_listed(f, i))
            continue;
        const char *id = ctx->rules->ids[f[i].rule];
        if ((rules.len && buf_append(&rules, " ", 1) != 0) ||
            buf_append(&rules, id, strlen(id)) != 0)
            rc = -1;
    }
    snprintf(numbers, sizeof numbers, "%.1f,%zu,%zu,%zu,", it->score, counts[REPLYLINT_SEV_ERROR],
             counts[REPLYLINT_SEV_WARNING], counts[REPLYLINT_SEV_SUGGESTION]);
    if (rc != 0 || append_csv_field(&b->out, b->strings.data + it->id, it->id_len, 0) != 0 ||
        append_csv_field(&b->out, it->agent == NO_VALUE ? "" : b->strings.data + it->agent,
                         it->agent == NO_VALUE ? 0 : it->agent_len, 0) != 0 ||
        buf_printf(&b->out, "%s,%s", it->language, numbers) != 0 ||
        append_csv_field(&b->out, rules.data ? rules.data : "", rules.len, 1) != 0)
        rc = -1;
    buf_free(&rules);
    return rc;
}

static const char *sarif_level(int sev)
{
    return sev == REPLYLINT_SEV_ERROR ? "error" : sev == REPLYLINT_SEV_WARNING ? "warning" : "note";
}

/* An artifact URI from a ticket id: everything outside RFC 3986's unreserved set is
 * percent-encoded, so an id with '#', '?', spaces or Cyrillic stays one URI segment. */
static json_t *uri_json(const char *id, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    struct buf u = {NULL, 0, 0};
    json_t *j;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~';
        if (buf_append(&u, plain ? (const char *)&id[i] : esc, plain ? 1 : 3) != 0) {
            buf_free(&u);
            return NULL;
        }
    }
    j = json_stringn(u.data ? u.data : "", u.len);
    buf_free(&u);
    return j;
}

/* Where the finding ends: SARIF wants an end line and (exclusive) end column in the same
 * unit as the start, which the run declares as Unicode code points.  Lines end as the
 * library ends them: at \n, or at a \r not followed by \n. */
static void span_end(const char *text, size_t text_len, size_t start, size_t end, uint32_t line,
                     uint32_t column, uint32_t *end_line, uint32_t *end_column)
{
    size_t line_start = start;
    uint32_t l = line;

    for (size_t i = start; i < end; i++) {
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text_len || text[i + 1] != '\n'))) {
            l++;
            line_start = i + 1;
        }
    }
    *end_line = l;
    *end_column =
        (uint32_t)utf8_count(text + line_start, end - line_start) + (l == line ? column : 1u);
}

/* json_pack() would be shorter; see struct jobj for why results are built key by key. */
static json_t *sarif_result(const struct batch *b, const struct item *it, const struct ticket *t,
                            const struct finding *f, const replylint_diag *d)
{
    size_t cps[2] = {0, 0};
    uint32_t end_line, end_column;
    struct jobj region = jobj_new(), snippet = jobj_new(), message = jobj_new();
    struct jobj artifact = jobj_new(), physical = jobj_new(), location = jobj_new();
    struct jobj props = jobj_new(), result = jobj_new();
    json_t *locations = json_array();

    replylint_diag_offsets(d, REPLYLINT_UNIT_CODEPOINT, &cps[0], &cps[1]);
    span_end(t->f[F_TEXT], t->len[F_TEXT], f->start, f->end, f->line, f->column, &end_line,
             &end_column);
    jobj_int(&region, "startLine", f->line);
    jobj_int(&region, "startColumn", f->column);
    jobj_int(&region, "endLine", end_line);
    jobj_int(&region, "endColumn", end_column);
    jobj_int(&region, "charOffset", cps[0]);
    jobj_int(&region, "charLength", cps[1] - cps[0]);
    jobj_put(&snippet, "text", json_stringn_nocheck(t->f[F_TEXT] + f->start, f->end - f->start));
    jobj_put(&region, "snippet", jobj_done(&snippet));
    jobj_put(&artifact, "uri", uri_json(b->strings.data + it->id, it->id_len));
    jobj_put(&physical, "artifactLocation", jobj_done(&artifact));
    jobj_put(&physical, "region", jobj_done(&region));
    jobj_put(&location, "physicalLocation", jobj_done(&physical));
    if (json_array_append_new(locations, jobj_done(&location)) != 0) {
        json_decref(locations);
        locations = NULL;
    }
    jobj_str(&message, "text", replylint_diag_message(d));
    jobj_str(&props, "category", replylint_diag_category(d));
    jobj_put(&props, "agent", agent_json(b, it));
    jobj_put(&props, "score", json_real(it->score));

    jobj_str(&result, "ruleId", replylint_diag_rule(d));
    jobj_put(&result, "ruleIndex", json_integer(f->rule == UINT32_MAX ? -1 : (json_int_t)f->rule));
    jobj_str(&result, "level", sarif_level(f->severity));
    jobj_put(&result, "message", jobj_done(&message));
    jobj_put(&result, "locations", locations);
    jobj_put(&result, "properties", jobj_done(&props));
    return jobj_done(&result);
}

/* Every result is written with a leading ",\n"; the writer drops the comma of the very
 * first one, so that batches can be formatted independently and still join into one
 * JSON array. */
static int format_sarif(struct batch *b, const struct item *it, const struct ticket *t,
                        const replylint_report *rep)
{
    for (size_t i = 0; i < it->n_findings; i++) {
        const struct finding *f = &b->findings[it->first_finding + i];
        if (append_json(&b->out, sarif_result(b, it, t, f, replylint_report_get(rep, i)), ",\n",
                        "") != 0)
            return -1;
    }
    return 0;
}

/* ---- Worker: linting ------------------------------------------------------------------ */

static int lint_ticket(const struct audit_ctx *ctx, replylint_scratch *scratch, struct batch *b,
                       struct item *it, const struct ticket *t)
{
    replylint_options opts = ctx->opts->lint;
    const replylint_report *rep = NULL; /* the scratch's: gone at the next ticket */
    replylint_error err;
    int rc;

    opts.customer_name = t->f[F_NAME];
    opts.agent_name = ctx->opts->agent_is_name ? t->f[F_AGENT] : NULL;
    opts.channel = t->channel;
    memset(&err, 0, sizeof err);
    rc = replylint_lint_into_scratch(&rep, ctx->rules->rs, scratch, t->f[F_TEXT], t->len[F_TEXT],
                                     &opts, &err);
    if (rc == REPLYLINT_EUTF8)
        return reject(b, it, REJ_UTF8, "invalid UTF-8 in field '%s' at byte %zu",
                      ctx->opts->field[F_TEXT], err.offset);
    if (rc == REPLYLINT_ETOOBIG)
        return reject(b, it, REJ_TOO_LONG,
                      "field '%s' is longer than the library accepts (%zu bytes)",
                      ctx->opts->field[F_TEXT], t->len[F_TEXT]);
    if (rc != REPLYLINT_OK)
        return reject(b, it, REJ_OTHER, "%s",
                      err.message[0] ? err.message : replylint_strerror(rc));
    it->language = static_language(replylint_report_language(rep));
    it->score = replylint_report_score(rep);
    it->words = replylint_report_words(rep);
    it->incomplete = replylint_report_incomplete(rep);
    rc = keep_ticket_strings(ctx, b, it, t) == 0 && record_findings(ctx, b, it, t, rep) == 0 ? 0
                                                                                             : -1;
    if (rc == 0) {
        switch (ctx->opts->format) {
        case OUT_JSONL:
            rc = format_jsonl(b, it, t, rep);
            break;
        case OUT_CSV:
            rc = format_csv(ctx, b, it);
            break;
        case OUT_SARIF:
            rc = format_sarif(b, it, t, rep);
            break;
        case OUT_NONE:
            break;
        }
    }
    if (rc != 0)
        return reject(b, it, REJ_OTHER, "out of memory");
    return 0;
}

static void process_item(const struct audit_ctx *ctx, replylint_scratch *scratch, struct batch *b,
                         struct item *it)
{
    struct ticket t;
    json_t *root = NULL;
    size_t out_start = b->out.len;
    int rc;

    it->out = out_start;
    it->out_len = 0;
    if (it->kind == ITEM_REJECT || it->kind == ITEM_NOTE)
        return; /* nothing to lint; `out` still marks its place in the output */
    memset(&t, 0, sizeof t);
    it->n_findings = 0;
    rc = it->kind == ITEM_JSON ? ticket_from_json(ctx, b, it, &root, &t)
                               : ticket_from_fields(ctx, b, it, &t);
    if (rc == 0) {
        ticket_normalise(ctx, &t);
        rc = lint_ticket(ctx, scratch, b, it, &t);
    }
    json_decref(root);
    if (rc != 0) {
        /* A ticket that failed half-way leaves no output and no findings behind. */
        b->out.len = out_start;
        it->n_findings = 0;
    }
    it->out = out_start;
    it->out_len = b->out.len - out_start;
}

/* ---- The pipeline --------------------------------------------------------------------- */

/*
 * A ring of batches and three counters, all under one mutex: the reader fills batch
 * `produced`, workers take `taken` in order, and the writer prints `written` once it is
 * done.  written <= taken <= produced <= written + n_slots, which is the memory bound.
 */
struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t work;  /* a batch to take, or the end */
    pthread_cond_t done;  /* the oldest batch may be finished, or the end */
    pthread_cond_t space; /* a slot is free */
    struct batch *slots;
    size_t n_slots;
    uint64_t produced, taken, written;
    int reader_done;
    const struct audit_ctx *ctx;
};

static int pipeline_init(struct pipeline *pl, const struct audit_ctx *ctx, size_t n_slots)
{
    memset(pl, 0, sizeof *pl);
    pl->ctx = ctx;
    pl->n_slots = n_slots;
    pl->slots = calloc(n_slots, sizeof *pl->slots);
    if (!pl->slots)
        return -1;
    pthread_mutex_init(&pl->mu, NULL);
    pthread_cond_init(&pl->work, NULL);
    pthread_cond_init(&pl->done, NULL);
    pthread_cond_init(&pl->space, NULL);
    return 0;
}

static void pipeline_free(struct pipeline *pl)
{
    if (!pl->slots)
        return;
    for (size_t i = 0; i < pl->n_slots; i++)
        batch_free(&pl->slots[i]);
    free(pl->slots);
    pthread_mutex_destroy(&pl->mu);
    pthread_cond_destroy(&pl->work);
    pthread_cond_destroy(&pl->done);
    pthread_cond_destroy(&pl->space);
}

/* Reader: wait for a free slot and hand it over empty. */
static struct batch *pipeline_acquire(struct pipeline *pl)
{
    struct batch *b;

    pthread_mutex_lock(&pl->mu);
    while (pl->produced - pl->written >= pl->n_slots)
        pthread_cond_wait(&pl->space, &pl->mu);
    b = &pl->slots[pl->produced % pl->n_slots];
    pthread_mutex_unlock(&pl->mu);
    batch_reset(b);
    return b;
}

/* Reader: the batch acquired last is full; let the workers have it. */
static void pipeline_publish(struct pipeline *pl, struct batch *b, uint64_t bytes_read)
{
    b->bytes_read = bytes_read;
    pthread_mutex_lock(&pl->mu);
    pl->produced++;
    pthread_cond_signal(&pl->work);
    pthread_mutex_unlock(&pl->mu);
}

static void pipeline_finish_reading(struct pipeline *pl)
{
    pthread_mutex_lock(&pl->mu);
    pl->reader_done = 1;
    pthread_cond_broadcast(&pl->work);
    pthread_cond_broadcast(&pl->done);
    pthread_mutex_unlock(&pl->mu);
}

static void *worker_main(void *arg)
{
    struct pipeline *pl = arg;
    /* The library's working memory, kept from one reply to the next (NULL if out of
     * memory: each call then takes its own). */
    replylint_scratch *scratch = NULL;
    replylint_scratch_new(&scratch, NULL);

    for (;;) {
        struct batch *b;
        pthread_mutex_lock(&pl->mu);
        while (pl->taken == pl->produced && !pl->reader_done)
            pthread_cond_wait(&pl->work, &pl->mu);
        if (pl->taken == pl->produced) {
            pthread_mutex_unlock(&pl->mu);
            replylint_scratch_free(scratch);
            return NULL;
        }
        b = &pl->slots[pl->taken++ % pl->n_slots];
        pthread_mutex_unlock(&pl->mu);

        for (size_t i = 0; i < b->n_items; i++)
            process_item(pl->ctx, scratch, b, &b->items[i]);

        pthread_mutex_lock(&pl->mu);
        b->done = 1;
        pthread_cond_signal(&pl->done);
        pthread_mutex_unlock(&pl->mu);
    }
}

/* Writer: the next batch in input order once it is done, or NULL at the end. */
static struct batch *pipeline_next_done(struct pipeline *pl)
{
    struct batch *b = NULL;

    pthread_mutex_lock(&pl->mu);
    for (;;) {
        if (pl->written < pl->produced && pl->slots[pl->written % pl->n_slots].done) {
            b = &pl->slots[pl->written % pl->n_slots];
            break;
        }
        if (pl->written == pl->produced && pl->reader_done)
            break;
        pthread_cond_wait(&pl->done, &pl->mu);
    }
    pthread_mutex_unlock(&pl->mu);
    return b;
}

static void pipeline_release(struct pipeline *pl, struct batch *b)
{
    pthread_mutex_lock(&pl->mu);
    b->done = 0;
    pl->written++;
    pthread_cond_signal(&pl->space);
    pthread_mutex_unlock(&pl->mu);
}

/* ---- Reader ---------------------------------------------------------------------------- */

/* One input file, read in chunks; a line is at most MAX_RECORD bytes long. */
struct source {
    const char *name; /* as messages call it */
    FILE *fp;
    char *buf;
    size_t cap, pos, end;
    int eof, error;
    uint64_t line;  /* lines returned so far */
    uint64_t bytes; /* bytes read so far */
};

struct reader {
    struct pipeline *pl;
    struct batch *cur;     /* being filled, or NULL */
    uint64_t bytes_before; /* bytes of the files already finished */
    const struct source *src;
    int trouble; /* an I/O error or a file that could not be used: exit 2 */
};

static uint64_t reader_bytes(const struct reader *r)
{
    return r->bytes_before + (r->src ? r->src->bytes : 0);
}

static void reader_flush(struct reader *r)
{
    if (r->cur && r->cur->n_items > 0) {
        pipeline_publish(r->pl, r->cur, reader_bytes(r));
        r->cur = NULL;
    }
}

/* A new item with room for `bytes` more data in the current batch, or NULL when out
 * of memory.  Closes the batch first when it is full. */
static struct item *reader_item(struct reader *r, enum item_kind kind, uint64_t line, size_t bytes)
{
    struct item *it;

    if (r->cur && (r->cur->n_items == BATCH_TICKETS ||
                   (r->cur->n_items > 0 && r->cur->data.len + bytes > BATCH_BYTES)))
        reader_flush(r);
    if (!r->cur)
        r->cur = pipeline_acquire(r->pl);
    if (buf_reserve(&r->cur->data, bytes + 1) != 0)
        return NULL;
    it = &r->cur->items[r->cur->n_items++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->file = r->src ? r->src->name : "";
    it->line = line;
    it->raw = NO_VALUE;
    it->message = NO_VALUE;
    for (int f = 0; f < N_FIELDS; f++)
        it->field[f] = NO_VALUE;
    return it;
}

/* A rejected row or a note about a file: it travels through the pipeline so that stderr
 * stays in input order with everything else the writer prints. */
static int reader_message(struct reader *r, enum item_kind kind, enum reject_reason reason,
                          uint64_t line, const char *fmt, ...) PRINTF_LIKE(5, 6);

static int reader_message(struct reader *r, enum item_kind kind, enum reject_reason reason,
                          uint64_t line, const char *fmt, ...)
{
    char msg[512];
    struct item *it;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    it = reader_item(r, kind, line, strlen(msg) + 1);
    if (!it)
        return -1;
    it->reason = reason;
    it->raw = buf_add_string(&r->cur->data, msg, strlen(msg));
    it->raw_len = strlen(msg);
    return 0;
}

static int source_open(struct source *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    s->fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    s->cap = READ_CHUNK * 2;
    s->buf = s->fp ? malloc(s->cap) : NULL;
    if (s->fp && !s->buf)
        errno = ENOMEM;
    return s->fp && s->buf ? 0 : -1;
}

static void source_close(struct source *s)
{
    if (s->fp && s->fp != stdin)
        fclose(s->fp);
    free(s->buf);
    s->buf = NULL;
}

/* Read more after what the buffer holds, moving the unread part to the front and
 * growing the buffer when one line fills it. */
static void source_fill(struct source *s)
{
    size_t got;

    if (s->pos > 0) {
        memmove(s->buf, s->buf + s->pos, s->end - s->pos);
        s->end -= s->pos;
        s->pos = 0;
    }
    if (s->cap - s->end < READ_CHUNK) {
        char *bigger = realloc(s->buf, s->cap * 2);
        if (!bigger) {
            s->error = ENOMEM;
            s->eof = 1;
            return;
        }
        s->buf = bigger;
        s->cap *= 2;
    }
    got = fread(s->buf + s->end, 1, s->cap - s->end, s->fp);
    s->end += got;
    s->bytes += got;
    if (got == 0) {
        if (ferror(s->fp))
            s->error = errno ? errno : EIO;
        s->eof = 1;
    }
}

/* Throw away the rest of an over-long line, through its newline. */
static void source_skip_line(struct source *s)
{
    for (;;) {
        char *nl = memchr(s->buf + s->pos, '\n', s->end - s->pos);
        if (nl) {
            s->pos = (size_t)(nl + 1 - s->buf);
            return;
        }
        s->pos = s->end;
        if (s->eof)
            return;
        source_fill(s);
    }
}

enum line_status { LINE_OK, LINE_TOO_LONG, LINE_EOF };

/* The next line with its terminator, valid until the next call. */
static enum line_status source_line(struct source *s, const char **line, size_t *len)
{
    for (;;) {
        char *nl = memchr(s->buf + s->pos, '\n', s->end - s->pos);
        size_t have = s->end - s->pos;
        if (nl || (s->eof && have > 0)) {
            *line = s->buf + s->pos;
            *len = nl ? (size_t)(nl + 1 - *line) : have;
            s->pos += *len;
            s->line++;
            return LINE_OK;
        }
        if (s->eof)
            return LINE_EOF;
        if (have > MAX_RECORD) {
            s->line++;
            source_skip_line(s);
            return LINE_TOO_LONG;
        }
        source_fill(s);
    }
}

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Exports from Windows tools often start with a byte order mark. */
static void skip_bom(const char **line, size_t *len)
{
    if (*len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
        *line += 3;
        *len -= 3;
    }
}

static int read_jsonl(struct reader *r, struct source *s)
{
    const char *line;
    size_t len;
    enum line_status st;

    while ((st = source_line(s, &line, &len)) != LINE_EOF) {
        struct item *it;
        if (st == LINE_TOO_LONG) {
            if (reader_message(r, ITEM_REJECT, REJ_TOO_LONG, s->line, "line longer than %zu bytes",
                               MAX_RECORD) != 0)
                return -1;
            continue;
        }
        if (s->line == 1)
            skip_bom(&line, &len);
        if (is_blank(line, len))
            continue; /* not a ticket: trailing newlines, separators */
        /* Without its terminator, jansson's error columns count on the right line. */
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        it = reader_item(r, ITEM_JSON, s->line, len);
        if (!it)
            return -1;
        it->raw = buf_add_string(&r->cur->data, line, len);
        it->raw_len = len;
    }
    return 0;
}

/*
 * CSV through libcsv, fed one physical line at a time so that each record knows the line
 * it starts on (a quoted field may span lines).  The first record is the header.
 */
struct csv_reader {
    struct reader *r;
    struct source *s;
    struct csv_parser parser;
    const struct audit_opts *opts;
    struct buf row; /* the current record's fields, each NUL-terminated */
    size_t *starts; /* offset of each field in `row` */
    size_t n_fields, cap_fields;
    int have_header, stop, failed;
    size_t n_columns;
    long column[N_FIELDS]; /* column of each field we use, -1 if the header lacks it */
    int in_record;
    uint64_t record_line;
    size_t record_bytes;
};

static void csv_on_field(void *data, size_t len, void *arg)
{
    struct csv_reader *c = arg;

    if (!c->in_record) {
        /* A record that began after a bare CR terminator, in the middle of a line. */
        c->in_record = 1;
        c->record_line = c->s->line;
    }
    if (c->n_fields == c->cap_fields) {
        size_t cap = c->cap_fields ? c->cap_fields * 2 : 32;
        size_t *more = realloc(c->starts, cap * sizeof *more);
        if (!more) {
            c->failed = 1;
            return;
        }
        c->starts = more;
        c->cap_fields = cap;
    }
    c->starts[c->n_fields++] = c->row.len;
    if (buf_add_string(&c->row, data ? data : "", data ? len : 0) == NO_VALUE)
        c->failed = 1;
}

static size_t csv_field_len(const struct csv_reader *c, size_t i)
{
    size_t end = i + 1 < c->n_fields ? c->starts[i + 1] : c->row.len;
    return end - c->starts[i] - 1;
}

static void csv_take_header(struct csv_reader *c)
{
    c->have_header = 1;
    c->n_columns = c->n_fields;
    for (int f = 0; f < N_FIELDS; f++) {
        c->column[f] = -1;
        for (size_t i = 0; i < c->n_fields && c->column[f] < 0; i++)
            if (strcmp(c->row.data + c->starts[i], c->opts->field[f]) == 0)
                c->column[f] = (long)i;
    }
    if (c->column[F_TEXT] < 0) {
        /* Every row would be rejected for the same reason: say it once, skip the file. */
        if (reader_message(c->r, ITEM_NOTE, REJ_NONE, c->record_line,
                           "no column '%s' in the header; skipping the file (see --text-field)",
                           c->opts->field[F_TEXT]) != 0)
            c->failed = 1;
        c->r->trouble = 1;
        c->stop = 1;
    }
}

static void csv_take_row(struct csv_reader *c)
{
    size_t bytes = c->row.len;
    struct item *it;

    if (c->n_fields != c->n_columns) {
        if (reader_message(c->r, ITEM_REJECT, REJ_COLUMNS, c->record_line,
                           "expected %zu fields as in the header, got %zu", c->n_columns,
                           c->n_fields) != 0)
            c->failed = 1;
        return;
    }
    it = reader_item(c->r, ITEM_FIELDS, c->record_line, bytes);
    if (!it) {
        c->failed = 1;
        return;
    }
    for (int f = 0; f < N_FIELDS; f++) {
        if (c->column[f] < 0)
            continue;
        size_t i = (size_t)c->column[f], len = csv_field_len(c, i);
        it->field[f] = buf_add_string(&c->r->cur->data, c->row.data + c->starts[i], len);
        it->field_len[f] = len;
        if (it->field[f] == NO_VALUE)
            c->failed = 1;
    }
}

static void csv_on_record(int terminator, void *arg)
{
    struct csv_reader *c = arg;

    (void)terminator;
    if (!c->failed && !c->stop) {
        if (c->have_header)
            csv_take_row(c);
        else
            csv_take_header(c);
    }
    c->row.len = 0;
    c->n_fields = 0;
    c->in_record = 0;
}

/* libcsv trims spaces around unquoted fields by default; a reply's own spacing is part
 * of what is linted, and offsets must point into the text as exported. */
static int csv_no_space(unsigned char ch)
{
    (void)ch;
    return 0;
}

static int csv_reader_reset(struct csv_reader *c)
{
    /* Strict: a stray quote is a bad row to report, not something to guess around; and
     * an unclosed quote at the end of the file is an error, not a field that silently
     * swallowed the rest of the file. */
    if (csv_init(&c->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return -1;
    csv_set_space_func(&c->parser, csv_no_space);
    c->row.len = 0;
    c->n_fields = 0;
    c->in_record = 0;
    c->record_bytes = 0;
    return 0;
}

/* A record that never ends (an unbalanced quote) would grow libcsv's buffer without
 * bound: reject it, and start afresh on the next line. */
static int csv_overlong(struct csv_reader *c)
{
    csv_free(&c->parser);
    if (reader_message(c->r, ITEM_REJECT, REJ_TOO_LONG, c->record_line,
                       "record longer than %zu bytes (an unclosed quote?)", MAX_RECORD) != 0 ||
        csv_reader_reset(c) != 0)
        return -1;
    return 0;
}

/* Strict parsing stopped on a stray quote: reject the record and start afresh on the next
 * line (the rest of this one is dropped with it). */
static int csv_bad_quoting(struct csv_reader *c)
{
    csv_free(&c->parser);
    if (reader_message(c->r, ITEM_REJECT, REJ_QUOTE, c->record_line,
                       "bad quoting: a quote inside an unquoted field, or text after a closing "
                       "quote") != 0 ||
        csv_reader_reset(c) != 0)
        return -1;
    return 0;
}

static int csv_feed_line(struct csv_reader *c, const char *line, size_t len)
{
    if (!c->in_record) {
        if (is_blank(line, len))
            return 0; /* blank lines between records are not rows */
        c->in_record = 1;
        c->record_line = c->s->line;
        c->record_bytes = 0;
    }
    c->record_bytes += len;
    if (c->record_bytes > MAX_RECORD)
        return csv_overlong(c);
    if (csv_parse(&c->parser, line, len, csv_on_field, csv_on_record, c) != len) {
        if (csv_error(&c->parser) != CSV_EPARSE)
            return -1;
        return csv_bad_quoting(c);
    }
    return c->failed ? -1 : 0;
}

static int read_csv(struct reader *r, struct source *s, const struct audit_opts *o)
{
    struct csv_reader c;
    const char *line;
    size_t len;
    enum line_status st;
    int rc = 0;

    memset(&c, 0, sizeof c);
    c.r = r;
    c.s = s;
    c.opts = o;
    if (csv_reader_reset(&c) != 0)
        return -1;
    while (rc == 0 && !c.stop && (st = source_line(s, &line, &len)) != LINE_EOF) {
        if (st == LINE_TOO_LONG) {
            c.record_line = c.in_record ? c.record_line : s->line;
            rc = csv_overlong(&c);
            continue;
        }
        if (s->line == 1)
            skip_bom(&line, &len);
        rc = csv_feed_line(&c, line, len);
    }
    if (rc == 0 && !c.stop && !c.failed &&
        csv_fini(&c.parser, csv_on_field, csv_on_record, &c) != 0 &&
        reader_message(r, ITEM_REJECT, REJ_QUOTE, c.record_line,
                       "a quoted field is never closed; the record runs to the end of the file") !=
            0)
        rc = -1;
    csv_free(&c.parser);
    buf_free(&c.row);
    free(c.starts);
    return rc != 0 || c.failed ? -1 : 0;
}

static int read_file(struct reader *r, const char *path, enum input_kind kind,
                     const struct audit_opts *o)
{
    struct source s;
    int rc;

    if (source_open(&s, path) != 0) {
        int saved = errno;
        r->src = NULL;
        source_close(&s);
        r->trouble = 1;
        return reader_message(r, ITEM_NOTE, REJ_NONE, 0, "%s: %s",
                              strcmp(path, "-") == 0 ? "<stdin>" : path, strerror(saved));
    }
    r->src = &s;
    rc = kind == INPUT_CSV ? read_csv(r, &s, o) : read_jsonl(r, &s);
    if (s.error) {
        r->trouble = 1;
        rc = reader_message(r, ITEM_NOTE, REJ_NONE, s.line, "%s", strerror(s.error));
    }
    r->bytes_before += s.bytes;
    /* Items keep a pointer to the name, which lives in argv, not in `s`. */
    r->src = NULL;
    source_close(&s);
    return rc;
}

/* Read every file into the pipeline, then tell the workers and the writer it is over. */
static void read_all(struct reader *r, const struct audit_opts *o)
{
    for (size_t i = 0; i < o->n_files; i++) {
        if (read_file(r, o->files[i], o->kinds[i], o) != 0) {
            fputs("replylint: out of memory while reading the input\n", stderr);
            r->trouble = 1;
            break;
        }
    }
    reader_flush(r);
    pipeline_finish_reading(r->pl);
}

/* ---- Writer: statistics --------------------------------------------------------------- */

struct agent_stat {
    char *name; /* NULL for the shared "no agent" and "other agents" rows */
    const char *label;
    uint64_t replies;
    double score_sum;
    uint64_t sev[4];
    uint32_t *rule_counts; /* per rule of the rule table */
};

/* Open addressing keyed by the agent's name; at most MAX_AGENTS named rows. */
struct agent_table {
    struct agent_stat **slots;
    size_t cap, n;
    struct agent_stat *none, *other;
    size_t n_rules;
};

/* A reply in the worst-N list: deep copies, as its batch is reused at once. */
struct worst_entry {
    double score;
    uint64_t order;
    char *id, *agent, *text;
    size_t text_len;
    const char *file; /* argv or static */
    uint64_t line;
    const char *language;
    struct finding *findings;
    char **messages;
    size_t n_findings;
};

struct stats {
    uint64_t tickets, checked, rejected, notes;
    uint64_t reject_by[N_REJECT_REASONS];
    double score_sum;
    uint64_t hist[11]; /* [0,1) ... [9,10), and exactly 10 */
    uint64_t sev[4];
    uint64_t lang_ru, lang_en;
    uint64_t *cat_sev; /* n_categories x 4 */
    uint64_t *rule_counts;
    struct agent_table agents;
    struct worst_entry *worst; /* a max-heap on (score, order): the root goes first */
    size_t n_worst, max_worst;
    int fail_hit; /* a finding at or above --fail-level */
    int out_of_memory;
};

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static struct agent_stat *agent_new(const char *name, size_t len, const char *label, size_t n_rules)
{
    struct agent_stat *a = calloc(1, sizeof *a);

    if (!a)
        return NULL;
    a->rule_counts = calloc(n_rules + 1, sizeof *a->rule_counts);
    a->name = name ? malloc(len + 1) : NULL;
    if (!a->rule_counts || (name && !a->name)) {
        free(a->rule_counts);
        free(a->name);
        free(a);
        return NULL;
    }
    if (name) {
        memcpy(a->name, name, len);
        a->name[len] = '\0';
    }
    a->label = a->name ? a->name : label;
    return a;
}

static void agent_free(struct agent_stat *a)
{
    if (a) {
        free(a->name);
        free(a->rule_counts);
        free(a);
    }
}

static int agents_grow(struct agent_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    struct agent_stat **slots = calloc(cap, sizeof *slots);

    if (!slots)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        struct agent_stat *a = t->slots[i];
        if (!a)
            continue;
        size_t at = fnv1a(a->name, strlen(a->name)) & (cap - 1);
        while (slots[at])
            at = (at + 1) & (cap - 1);
        slots[at] = a;
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return 0;
}

/* The slot holding this name, or the empty slot where it belongs (the table has room). */
static struct agent_stat **agent_slot(const struct agent_table *t, const char *name, size_t len)
{
    size_t at = fnv1a(name, len) & (t->cap - 1);

    for (; t->slots[at]; at = (at + 1) & (t->cap - 1)) {
        const char *have = t->slots[at]->name;
        if (strlen(have) == len && memcmp(have, name, len) == 0)
            break;
    }
    return &t->slots[at];
}

/* The row of this agent (NULL name: the "no agent" row), created on first sight; past
 * MAX_AGENTS, new names share the "other agents" row.  NULL when out of memory. */
static struct agent_stat *agent_find(struct agent_table *t, const char *name, size_t len)
{
    struct agent_stat **slot;

    if (!name)
        return t->none ? t->none : (t->none = agent_new(NULL, 0, "(no agent)", t->n_rules));
    if (t->cap && *(slot = agent_slot(t, name, len)))
        return *slot;
    if (t->n >= MAX_AGENTS)
        return t->other ? t->other : (t->other = agent_new(NULL, 0, "(other agents)", t->n_rules));
    if ((t->n + 1) * 2 > t->cap && agents_grow(t) != 0)
        return NULL;
    slot = agent_slot(t, name, len);
    *slot = agent_new(name, len, NULL, t->n_rules);
    t->n += *slot != NULL;
    return *slot;
}

static void worst_clear(struct worst_entry *w)
{
    free(w->id);
    free(w->agent);
    free(w->text);
    for (size_t i = 0; i < w->n_findings; i++)
        free(w->messages[i]);
    free(w->messages);
    free(w->findings);
    memset(w, 0, sizeof *w);
}

static char *dup_bytes(const char *s, size_t len)
{
    char *d = malloc(len + 1);

    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static int worst_fill(struct worst_entry *w, const struct batch *b, const struct item *it,
                      uint64_t order)
{
    /* No pointer arithmetic on a batch that has no findings at all (NULL + 0 is UB). */
    const struct finding *f = it->n_findings ? b->findings + it->first_finding : NULL;

    w->score = it->score;
    w->order = order;
    w->file = it->file;
    w->line = it->line;
    w->language = it->language;
    w->id = dup_bytes(b->strings.data + it->id, it->id_len);
    w->agent = it->agent == NO_VALUE ? NULL : dup_bytes(b->strings.data + it->agent, it->agent_len);
    w->text = dup_bytes(b->strings.data + it->text, it->text_len);
    w->text_len = it->text_len;
    w->n_findings = it->n_findings;
    w->findings = malloc((it->n_findings + 1) * sizeof *w->findings);
    w->messages = calloc(it->n_findings + 1, sizeof *w->messages);
    if (!w->id || (it->agent != NO_VALUE && !w->agent) || !w->text || !w->findings || !w->messages)
        return -1;
    for (size_t i = 0; i < it->n_findings; i++) {
        const char *m = b->strings.data + f[i].message;
        w->findings[i] = f[i];
        if (!(w->messages[i] = dup_bytes(m, strlen(m))))
            return -1;
    }
    return 0;
}

/* (score, order) comparison: the heap's root is the best of the worst, replaced first. */
static int worst_above(const struct worst_entry *a, const struct worst_entry *b)
{
    return a->score > b->score || (a->score == b->score && a->order > b->order);
}

static void worst_sift_down(struct worst_entry *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, top = i;
        if (l < n && worst_above(&h[l], &h[top]))
            top = l;
        if (r < n && worst_above(&h[r], &h[top]))
            top = r;
        if (top == i)
            return;
        struct worst_entry tmp = h[i];
        h[i] = h[top];
        h[top] = tmp;
        i = top;
    }
}

static void worst_sift_up(struct worst_entry *h, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!worst_above(&h[i], &h[parent]))
            return;
        struct worst_entry tmp = h[i];
        h[i] = h[parent];
        h[parent] = tmp;
        i = parent;
    }
}

/* Tickets arrive in input order, so among equal scores the earlier one stays: the list
 * is the same whatever --jobs is. */
static int worst_offer(struct stats *st, const struct batch *b, const struct item *it,
                       uint64_t order)
{
    struct worst_entry *slot;

    if (st->max_worst == 0)
        return 0;
    if (st->n_worst == st->max_worst) {
        if (!(it->score < st->worst[0].score))
            return 0;
        worst_clear(&st->worst[0]);
        slot = &st->worst[0];
        if (worst_fill(slot, b, it, order) != 0)
            return -1;
        worst_sift_down(st->worst, st->n_worst, 0);
        return 0;
    }
    slot = &st->worst[st->n_worst++];
    memset(slot, 0, sizeof *slot);
    if (worst_fill(slot, b, it, order) != 0)
        return -1;
    worst_sift_up(st->worst, st->n_worst - 1);
    return 0;
}

static int stats_init(struct stats *st, const struct rule_table *rt, size_t max_worst)
{
    memset(st, 0, sizeof *st);
    st->cat_sev = calloc((rt->n_categories + 1) * 4, sizeof *st->cat_sev);
    st->rule_counts = calloc(rt->n_rules + 1, sizeof *st->rule_counts);
    st->worst = calloc(max_worst + 1, sizeof *st->worst);
    st->max_worst = max_worst;
    st->agents.n_rules = rt->n_rules;
    return st->cat_sev && st->rule_counts && st->worst ? 0 : -1;
}

static void stats_free(struct stats *st)
{
    for (size_t i = 0; i < st->agents.cap; i++)
        agent_free(st->agents.slots[i]);
    free(st->agents.slots);
    agent_free(st->agents.none);
    agent_free(st->agents.other);
    for (size_t i = 0; i < st->n_worst; i++)
        worst_clear(&st->worst[i]);
    free(st->worst);
    free(st->cat_sev);
    free(st->rule_counts);
}

static void count_ticket(struct stats *st, const struct audit_ctx *ctx, const struct batch *b,
                         const struct item *it)
{
    /* No pointer arithmetic on a batch that has no findings at all (NULL + 0 is UB). */
    const struct finding *f = it->n_findings ? b->findings + it->first_finding : NULL;
    struct agent_stat *a = agent_find(
        &st->agents, it->agent == NO_VALUE ? NULL : b->strings.data + it->agent, it->agent_len);
    long tenth = lround(it->score * 10.0);

    st->checked++;
    st->score_sum += it->score;
    st->hist[tenth >= 100 ? 10 : tenth < 0 ? 0 : tenth / 10]++;
    st->lang_ru += it->language[0] == 'r';
    st->lang_en += it->language[0] == 'e';
    if (a) {
        a->replies++;
        a->score_sum += it->score;
    } else {
        st->out_of_memory = 1;
    }
    for (size_t i = 0; i < it->n_findings; i++) {
        int sev = f[i].severity >= 1 && f[i].severity <= 3 ? f[i].severity : 0;
        st->sev[sev]++;
        if (f[i].category != UINT32_MAX)
            st->cat_sev[f[i].category * 4 + (size_t)sev]++;
        if (f[i].rule != UINT32_MAX)
            st->rule_counts[f[i].rule]++;
        if (a) {
            a->sev[sev]++;
            if (f[i].rule != UINT32_MAX)
                a->rule_counts[f[i].rule]++;
        }
        if (ctx->opts->fail_level && sev >= (int)ctx->opts->fail_level)
            st->fail_hit = 1;
    }
    if (ctx->want_text && worst_offer(st, b, it, st->tickets) != 0)
        st->out_of_memory = 1;
}

/* ---- Writer: progress ----------------------------------------------------------------- */

struct progress {
    int on;
    double start, last;
    uint64_t total_bytes; /* 0: unknown (standard input, a pipe) */
    int drawn;
};

static void format_duration(char *out, size_t size, double seconds)
{
    unsigned long s = seconds > 0 && seconds < 1e7 ? (unsigned long)(seconds + 0.5) : 0;

    if (s >= 3600)
        snprintf(out, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, size, "%lu:%02lu", s / 60, s % 60);
}

/* One line, rewritten in place: a bar when the input size is known, counts always. */
static void progress_draw(struct progress *p, uint64_t tickets, uint64_t bytes)
{
    double now = now_seconds(), elapsed = now - p->start;
    double rate = elapsed > 0 ? (double)tickets / elapsed : 0;
    char eta[32];

    if (!p->on || now - p->last < 0.1)
        return;
    p->last = now;
    p->drawn = 1;
    fputs("\r\033[K", stderr);
    if (p->total_bytes > 0) {
        double frac = bytes >= p->total_bytes ? 1.0 : (double)bytes / (double)p->total_bytes;
        int filled = (int)(frac * 30);
        fputs("audit [", stderr);
        for (int i = 0; i < 30; i++)
            fputc(i < filled ? '#' : '-', stderr);
        fprintf(stderr, "] %3d%%", (int)(frac * 100));
        if (frac > 0 && elapsed > 0.5) {
            format_duration(eta, sizeof eta, elapsed / frac - elapsed);
            fprintf(stderr, "  %" PRIu64 " replies  %.0f/s  ETA %s", tickets, rate, eta);
        } else {
            fprintf(stderr, "  %" PRIu64 " replies", tickets);
        }
    } else {
        fprintf(stderr, "audit  %" PRIu64 " replies  %.0f/s  %.1f MB read", tickets, rate,
                (double)bytes / 1e6);
    }
    fflush(stderr);
}

static void progress_clear(struct progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        p->drawn = 0;
        p->last = 0; /* redraw at the next chance */
    }
}

/* ---- Writer: output -------------------------------------------------------------------- */

struct writer {
    struct pipeline *pl;
    const struct audit_ctx *ctx;
    struct stats st;
    struct progress pr;
    int sarif_started; /* a result has been written: the next one keeps its comma */
    int write_errno;   /* why stdout failed (a full disk, a closed pipe), 0 if it did not */
};

static void write_bytes(struct writer *w, const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, stdout) != n && !w->write_errno)
        w->write_errno = errno ? errno : EIO;
}

static json_t *sarif_rule(const replylint_rule *r)
{
    const char *rationale = replylint_rule_rationale(r);
    size_t len = strlen(rationale);
    /* clang-format off */
    json_t *j = json_pack("{s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s, s:s}}",
                          "id", replylint_rule_id(r),
                          "shortDescription", "text", replylint_rule_message(r),
                          "defaultConfiguration", "level",
                          sarif_level((int)replylint_rule_severity(r)),
                          "properties", "category", replylint_rule_category(r),
                          "language", replylint_rule_language(r),
                          "kind", replylint_rule_kind(r));
    /* clang-format on */

    /* YAML block scalars leave a trailing newline behind. */
    while (len > 0 && (rationale[len - 1] == '\n' || rationale[len - 1] == ' '))
        len--;
    if (j && len > 0)
        json_object_set_new(j, "fullDescription", json_pack("{s:s%}", "text", rationale, len));
    return j;
}

/* The SARIF document up to the opening of its results array.  The parts are built with
 * jansson; only the fixed keys around the streamed array are written by hand. */
static void sarif_head(struct writer *w)
{
    const struct rule_table *t = w->ctx->rules;
    json_t *rules = json_array(), *tool;
    char *s;

    for (size_t i = 0; rules && i < t->n_rules; i++)
        if (json_array_append_new(rules, sarif_rule(replylint_ruleset_get(t->rs, i))) != 0)
            w->st.out_of_memory = 1;
    /* clang-format off */
    tool = json_pack("{s:{s:s, s:s, s:s, s:o}}",
                     "driver", "name", "replylint",
                     "version", replylint_version_string(),
                     "semanticVersion", replylint_version_string(),
                     "rules", rules);
    /* clang-format on */
    s = tool ? json_dumps(tool, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(tool);
    if (!s) {
        w->st.out_of_memory = 1;
        return;
    }
    fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
          "\"runs\":[{\"tool\":",
          stdout);
    fputs(s, stdout);
    fputs(",\"columnKind\":\"unicodeCodePoints\",\"results\":[", stdout);
    free(s);
}

static void sarif_tail(struct writer *w)
{
    /* clang-format off */
    json_t *inv = json_pack("{s:b, s:{s:I, s:I, s:I}}",
                            "executionSuccessful", w->st.notes == 0,
                            "properties",
                            "ticketsIn", (json_int_t)w->st.tickets,
                            "checked", (json_int_t)w->st.checked,
                            "rejected", (json_int_t)w->st.rejected);
    /* clang-format on */
    char *s = inv ? json_dumps(inv, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

    json_decref(inv);
    fputs(w->sarif_started ? "\n]," : "],", stdout);
    fprintf(stdout, "\"invocations\":[%s]}]}\n", s ? s : "{\"executionSuccessful\":false}");
    free(s);
}

static void write_head(struct writer *w)
{
    if (w->ctx->opts->format == OUT_CSV)
        fputs("id,agent,language,score,errors,warnings,suggestions,rules\n", stdout);
    else if (w->ctx->opts->format == OUT_SARIF)
        sarif_head(w);
}

/* Rows the reader or a worker turned away, and notes about whole files. */
static void report_problem(struct writer *w, const struct batch *b, const struct item *it)
{
    const char *msg = it->kind == ITEM_REJECT || it->kind == ITEM_NOTE ? b->data.data + it->raw
                      : it->message != NO_VALUE ? b->strings.data + it->message
                                                : reject_names[it->reason];

    progress_clear(&w->pr);
    /* Keep stderr in step with stdout when both go to one place. */
    fflush(stdout);
    if (it->line > 0)
        fprintf(stderr, "replylint: %s:%" PRIu64 ": %s\n", it->file, it->line, msg);
    else
        fprintf(stderr, "replylint: %s\n", msg);
}

/* Write the batch's output from *from up to `to`.  The very first SARIF result drops the
 * comma its worker wrote before it. */
static void write_pending(struct writer *w, const struct batch *b, size_t *from, size_t to)
{
    size_t skip = 0;

    if (to <= *from)
        return;
    if (w->ctx->opts->format == OUT_SARIF && !w->sarif_started) {
        skip = 1;
        w->sarif_started = 1;
    }
    write_bytes(w, b->out.data + *from + skip, to - *from - skip);
    *from = to;
}

/* A batch's output is contiguous and in input order, so it is written in one piece, cut
 * only where a message must appear between two tickets' output. */
static void emit_batch(struct writer *w, struct batch *b)
{
    size_t from = 0;

    for (size_t i = 0; i < b->n_items; i++) {
        const struct item *it = &b->items[i];
        if (it->kind == ITEM_NOTE || it->reason != REJ_NONE) {
            write_pending(w, b, &from, it->out);
            report_problem(w, b, it);
        }
        if (it->kind == ITEM_NOTE) {
            w->st.notes++;
            continue;
        }
        w->st.tickets++;
        if (it->reason != REJ_NONE) {
            w->st.rejected++;
            w->st.reject_by[it->reason]++;
            continue;
        }
        count_ticket(&w->st, w->ctx, b, it);
    }
    write_pending(w, b, &from, b->out.len);
    progress_draw(&w->pr, w->st.tickets, b->bytes_read);
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    struct batch *b;

    write_head(w);
    while ((b = pipeline_next_done(w->pl)) != NULL) {
        emit_batch(w, b);
        pipeline_release(w->pl, b);
    }
    if (w->ctx->opts->format == OUT_SARIF)
        sarif_tail(w);
    progress_clear(&w->pr);
    /* Before the summary goes to stderr, so that it comes last where both are shown. */
    if ((fflush(stdout) != 0 || ferror(stdout)) && !w->write_errno)
        w->write_errno = errno ? errno : EIO;
    return NULL;
}

/* ---- HTML report ----------------------------------------------------------------------- */

/*
 * One self-contained page: inline CSS and SVG, no script, no fonts or images from the
 * network, so that it can be mailed, archived or opened offline.  Every string from the
 * input (ids, agents, reply text, file names) and from rule files goes through
 * html_put(), which escapes markup and drops control characters.
 */

static void html_put(FILE *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
                fputs("\xEF\xBF\xBD", out); /* not allowed in HTML text */
            else
                fputc(c, out);
        }
    }
}

static void html_str(FILE *out, const char *s)
{
    html_put(out, s, strlen(s));
}

/* 1234567 -> "1,234,567": totals are read at a glance. */
static const char *group_digits(char *out, size_t size, uint64_t v)
{
    char digits[32];
    size_t n = (size_t)snprintf(digits, sizeof digits, "%" PRIu64, v), o = 0;

    for (size_t i = 0; i < n && o + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

/* Chart labels have little room: 9,435, then 75.3k, 386k, 1.2M.  Tooltips keep the
 * exact number. */
static const char *compact_count(char *out, size_t size, uint64_t v)
{
    if (v < 10000)
        return group_digits(out, size, v);
    if (v < 100000)
        snprintf(out, size, "%.1fk", (double)v / 1e3);
    else if (v < 1000000)
        snprintf(out, size, "%.0fk", (double)v / 1e3);
    else
        snprintf(out, size, "%.1fM", (double)v / 1e6);
    return out;
}

static const char *score_class(double score)
{
    return score < 4.0 ? "s-bad" : score < 7.0 ? "s-mid" : "s-good";
}

static const char *score_color(double score)
{
    return score < 4.0 ? "#cf222e" : score < 7.0 ? "#d4a72c" : "#1a7f37";
}

static const char *const severity_colors[4] = {"#8c959f", "#0969da", "#d4a72c", "#cf222e"};

/* One rule (or a few short ones) per string: ISO C caps the length of one literal. */
/* clang-format off */
static const char *const html_style[] = {
    ":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#eff2f5;--bg:#f6f8fa;",
    "--err:#cf222e;--warn:#d4a72c;--sug:#0969da;--ok:#1a7f37}\n",
    "*{box-sizing:border-box}\n",
    "body{margin:0;color:var(--fg);background:var(--bg);font:15px/1.5 system-ui,",
    "-apple-system,'Segoe UI',Roboto,'Noto Sans','Liberation Sans','DejaVu Sans',Arial,sans-serif}\n",
    ".wrap{max-width:1120px;margin:0 auto;padding:0 28px}\n",
    "header.top{background:#fff;border-bottom:1px solid var(--line);padding:28px 0 26px}\n",
    "h1{margin:0;font-size:26px;font-weight:650;letter-spacing:-.01em}\n",
    ".sub{margin:4px 0 20px;color:var(--muted);font-size:13px}\n",
    ".cards{display:grid;grid-template-columns:repeat(5,1fr);gap:12px}\n",
    ".card{background:var(--bg);border:1px solid var(--line);border-radius:10px;padding:12px 16px}\n",
    ".card .num{display:block;font-size:28px;font-weight:650;line-height:1.2;",
    "font-variant-numeric:tabular-nums}\n",
    ".card .lbl{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.06em}\n",
    ".card .detail{display:block;color:var(--muted);font-size:12px;margin-top:2px}\n",
    ".card.alert{border-color:#ffcecb;background:#fff6f5}.card.alert .num{color:var(--err)}\n",
    "main.wrap{padding-top:24px;padding-bottom:8px}\n",
    ".grid2{display:grid;grid-template-columns:1fr 1fr;gap:20px}\n",
    ".panel{background:#fff;border:1px solid var(--line);border-radius:12px;padding:20px 22px;",
    "margin-bottom:20px}\n",
    "h2{font-size:16px;margin:0 0 4px;font-weight:650}\n",
    ".hint{color:var(--muted);font-size:13px;margin:0 0 12px}\n",
    "svg{display:block;width:100%;height:auto}\n",
    "svg text{font-size:11px;fill:#59636e}\n",
    "svg text.val{fill:#1f2328;font-weight:600}\n",
    "svg text.cat{fill:#1f2328;font-size:12px}\n",
    ".legend{display:flex;gap:16px;font-size:12px;color:var(--muted);margin:0 0 6px}\n",
    ".legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;",
    "vertical-align:-1px}\n",
    "table{border-collapse:collapse;width:100%;font-size:14px}\n",
    "th{text-align:left;font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;",
    "letter-spacing:.05em;border-bottom:1px solid var(--line);padding:8px 10px}\n",
    "td{border-bottom:1px solid var(--soft);padding:8px 10px;vertical-align:top}\n",
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n",
    "td.agent{font-weight:600;white-space:nowrap}\n",
    "tbody tr:hover{background:#f6f8fa}\n",
    ".meter{display:inline-block;width:64px;height:6px;border-radius:3px;background:var(--soft);",
    "vertical-align:middle;margin-left:8px;overflow:hidden}\n",
    ".meter i{display:block;height:100%;border-radius:3px}\n",
    ".chip{display:inline-block;font-size:12px;background:var(--bg);border:1px solid var(--line);",
    "border-radius:999px;padding:0 8px;margin:1px 4px 1px 0;white-space:nowrap}\n",
    ".chip b{font-weight:600;color:var(--muted);margin-left:4px}\n",
    ".zero{color:#afb8c1}\n",
    ".reply{border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:0 0 14px}\n",
    ".reply header{display:flex;align-items:baseline;gap:10px;margin-bottom:8px;flex-wrap:wrap}\n",
    ".score{font-weight:700;border-radius:6px;padding:1px 8px;color:#fff;",
    "font-variant-numeric:tabular-nums}\n",
    ".s-bad{background:var(--err)}.s-mid{background:var(--warn)}.s-good{background:var(--ok)}\n",
    ".rid{font-weight:650}\n",
    ".meta{color:var(--muted);font-size:13px}\n",
    ".text{white-space:pre-wrap;overflow-wrap:anywhere;background:#fbfcfd;",
    "border-left:3px solid var(--line);padding:10px 14px;border-radius:4px;font-size:14px;margin:0}\n",
    "mark{color:inherit;border-radius:3px;padding:0 1px}\n",
    "mark.sev-error{background:#ffebe9;box-shadow:inset 0 -2px 0 var(--err)}\n",
    "mark.sev-warning{background:#fff8c5;box-shadow:inset 0 -2px 0 var(--warn)}\n",
    "mark.sev-suggestion{background:none;box-shadow:inset 0 -2px 0 #54aeff}\n",
    "mark.point{background:none;box-shadow:none;color:var(--err);font-size:11px}\n",
    "ol.findings{list-style:none;margin:10px 0 0;padding:0;font-size:13.5px}\n",
    "ol.findings li{display:grid;grid-template-columns:96px 1fr;gap:8px;padding:3px 0;",
    "border-top:1px dashed var(--soft)}\n",
    ".sev{font-size:11px;font-weight:650;text-transform:uppercase;letter-spacing:.04em;",
    "padding-top:2px}\n",
    ".sev.sev-error{color:var(--err)}.sev.sev-warning{color:#9a6700}",
    ".sev.sev-suggestion{color:var(--sug)}\n",
    "code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;",
    "color:var(--muted)}\n",
    "q{color:var(--muted)}\n",
    ".empty{color:var(--muted);font-style:italic}\n",
    "footer{color:var(--muted);font-size:12px;padding:0 0 36px}\n",
    "@media (max-width:880px){.grid2{grid-template-columns:1fr}",
    ".cards{grid-template-columns:repeat(2,1fr)}}\n",
};
/* clang-format on */

struct html_report {
    FILE *out;
    const struct audit_opts *opts;
    const struct rule_table *rules;
    const struct stats *st;
};

static double mean_score(const struct stats *st)
{
    return st->checked ? st->score_sum / (double)st->checked : 0.0;
}

static void html_files(const struct html_report *h)
{
    const struct audit_opts *o = h->opts;
    size_t shown = o->n_files < 4 ? o->n_files : 3;

    for (size_t i = 0; i < shown; i++) {
        fputs(i ? ", " : "", h->out);
        html_str(h->out, strcmp(o->files[i], "-") == 0 ? "<stdin>" : o->files[i]);
    }
    if (shown < o->n_files)
        fprintf(h->out, " and %zu more", o->n_files - shown);
}

static void html_header(const struct html_report *h)
{
    const struct stats *st = h->st;
    char a[32], b[32], c[32], d[32], when[64];
    time_t now = time(NULL);
    struct tm tm;
    uint64_t findings = st->sev[1] + st->sev[2] + st->sev[3];

    strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime_r(&now, &tm));
    fputs("<header class=\"top\"><div class=\"wrap\">\n<h1>Reply audit</h1>\n<p class=\"sub\">",
          h->out);
    html_files(h);
    fprintf(h->out, " &middot; %zu rules (%s", h->rules->n_rules,
            h->opts->no_defaults ? "no defaults" : "embedded defaults");
    for (size_t i = 0; i < h->opts->n_rule_files; i++) {
        fputs(" + ", h->out);
        html_str(h->out, h->opts->rule_files[i]);
    }
    fprintf(h->out, ") &middot; replylint %s &middot; %s</p>\n<div class=\"cards\">\n",
            replylint_version_string(), when);
    fprintf(h->out,
            "<div class=\"card\"><span class=\"num\">%s</span><span class=\"lbl\">tickets "
            "in</span></div>\n",
            group_digits(a, sizeof a, st->tickets));
    fprintf(h->out,
            "<div class=\"card\"><span class=\"num\">%s</span><span class=\"lbl\">checked</span>"
            "<span class=\"detail\">%s Russian &middot; %s English</span></div>\n",
            group_digits(a, sizeof a, st->checked), group_digits(b, sizeof b, st->lang_ru),
            group_digits(c, sizeof c, st->lang_en));
    fprintf(h->out,
            "<div class=\"card%s\" id=\"rejected\"><span class=\"num\">%s</span><span "
            "class=\"lbl\">rejected</span><span class=\"detail\">",
            st->rejected ? " alert" : "", group_digits(a, sizeof a, st->rejected));
    if (st->rejected == 0)
        fputs("every row was usable", h->out);
    for (int r = 1, first = 1; r < N_REJECT_REASONS; r++) {
        if (st->reject_by[r] == 0)
            continue;
        fprintf(h->out, "%s%" PRIu64 " %s", first ? "" : " &middot; ", st->reject_by[r],
                reject_names[r]);
        first = 0;
    }
    fputs("</span></div>\n", h->out);
    fprintf(h->out,
            "<div class=\"card\"><span class=\"num\" style=\"color:%s\">%.1f</span><span "
            "class=\"lbl\">mean score</span><span class=\"detail\">of 10; 10 = nothing to "
            "fix</span></div>\n",
            st->checked ? score_color(mean_score(st)) : "inherit", mean_score(st));
    fprintf(h->out,
            "<div class=\"card\"><span class=\"num\">%s</span><span class=\"lbl\">findings</span>"
            "<span class=\"detail\">%s errors &middot; %s warnings &middot; %s "
            "suggestions</span></div>\n",
            group_digits(a, sizeof a, findings), group_digits(b, sizeof b, st->sev[3]),
            group_digits(c, sizeof c, st->sev[2]), group_digits(d, sizeof d, st->sev[1]));
    fputs("</div>\n</div></header>\n", h->out);
}

/* A round step for about `ticks` gridlines up to `max`: 1, 2 or 5 times a power of 10. */
static uint64_t nice_step(uint64_t max, unsigned ticks)
{
    uint64_t raw = max / ticks + (max % ticks != 0), p = 1;

    while (p * 10 <= raw)
        p *= 10;
    return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

/* Bars from red (score 0) through amber to green (10). */
static void bin_color(char *out, size_t size, int bin)
{
    static const int stops[3][3] = {{207, 34, 46}, {212, 167, 44}, {26, 127, 55}};
    double t = bin / 10.0, u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
    const int *a = stops[t < 0.5 ? 0 : 1], *b = stops[t < 0.5 ? 1 : 2];

    snprintf(out, size, "#%02x%02x%02x", (int)(a[0] + (b[0] - a[0]) * u),
             (int)(a[1] + (b[1] - a[1]) * u), (int)(a[2] + (b[2] - a[2]) * u));
}

static void html_histogram(const struct html_report *h)
{
    /* The top margin holds the mean's label above the bars' own labels. */
    const int W = 520, H = 262, left = 40, right = 8, top = 32, bottom = 40;
    const int plot_w = W - left - right, plot_h = H - top - bottom;
    const double slot = plot_w / 11.0;
    uint64_t max = 1, step, ymax;
    char color[16], num[32], band[16];

    for (int i = 0; i < 11; i++)
        if (h->st->hist[i] > max)
            max = h->st->hist[i];
    step = nice_step(max, 4);
    ymax = (max + step - 1) / step * step;
    fputs("<div class=\"panel\"><h2>Score distribution</h2><p class=\"hint\">Replies per score "
          "band; 10 means nothing to fix.</p>\n",
          h->out);
    fprintf(h->out,
            "<svg id=\"score-histogram\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "aria-label=\"Histogram of reply scores\">\n",
            W, H);
    for (uint64_t y = 0; y <= ymax; y += step) {
        double py = top + plot_h - (double)y / (double)ymax * plot_h;
        fprintf(h->out,
                "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                left, W - right, py, py, y ? "#eff2f5" : "#d1d9e0", left - 6, py + 4,
                compact_count(num, sizeof num, y));
    }
    for (int i = 0; i < 11; i++) {
        double bh = (double)h->st->hist[i] / (double)ymax * plot_h;
        double x = left + i * slot + slot * 0.12, bw = slot * 0.76;
        bin_color(color, sizeof color, i);
        if (i < 10)
            snprintf(band, sizeof band, "%d&#8211;%d", i, i + 1);
        else
            snprintf(band, sizeof band, "10");
        fprintf(h->out,
                "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"3\" "
                "fill=\"%s\"><title>score %s: %" PRIu64 " replies</title></rect>\n",
                x, top + plot_h - bh, bw, bh, color, band, h->st->hist[i]);
        if (h->st->hist[i])
            fprintf(h->out,
                    "<text class=\"val\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                    x + bw / 2, top + plot_h - bh - 5,
                    compact_count(num, sizeof num, h->st->hist[i]));
        fprintf(h->out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x + bw / 2,
                top + plot_h + 16, band);
    }
    if (h->st->checked) {
        /* Bands are [i, i+1) and the last is exactly 10, so a mean m sits m slots in. */
        double m = mean_score(h->st), x = left + (m >= 10 ? 10.5 : m) * slot;
        fprintf(h->out,
                "<line id=\"mean-line\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
                "stroke=\"#1f2328\" stroke-dasharray=\"4 3\"/><text class=\"val\" x=\"%.1f\" "
                "y=\"%d\" text-anchor=\"%s\">mean %.1f</text>\n",
                x, x, top - 18, top + plot_h, m > 8 ? x - 4 : x + 4, top - 20,
                m > 8 ? "end" : "start", m);
    }
    fprintf(h->out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">score</text>\n</svg></div>\n",
            left + plot_w / 2, H - 4);
}

struct cat_row {
    size_t index;
    uint64_t total;
};

static int cmp_cat_rows(const void *a, const void *b)
{
    const struct cat_row *x = a, *y = b;

    if (x->total != y->total)
        return x->total < y->total ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void html_legend(FILE *out)
{
    fprintf(out,
            "<div class=\"legend\"><span><i style=\"background:%s\"></i>error</span>"
            "<span><i style=\"background:%s\"></i>warning</span>"
            "<span><i style=\"background:%s\"></i>suggestion</span></div>\n",
            severity_colors[3], severity_colors[2], severity_colors[1]);
}

static void html_categories(const struct html_report *h)
{
    const struct rule_table *rt = h->rules;
    struct cat_row rows[64];
    size_t n = 0;
    uint64_t max = 1;
    const int W = 520, label_w = 112, value_w = 56, row_h = 24;
    char num[32];

    for (size_t c = 0; c < rt->n_categories && n < 64; c++) {
        const uint64_t *s = h->st->cat_sev + c * 4;
        uint64_t total = s[0] + s[1] + s[2] + s[3];
        if (total == 0)
            continue;
        rows[n].index = c;
        rows[n++].total = total;
        if (total > max)
            max = total;
    }
    qsort(rows, n, sizeof rows[0], cmp_cat_rows);
    fputs("<div class=\"panel\"><h2>Findings per category</h2><p class=\"hint\">All findings in "
          "checked replies, by severity.</p>\n",
          h->out);
    html_legend(h->out);
    if (n == 0) {
        fputs("<svg id=\"category-chart\" viewBox=\"0 0 520 30\" role=\"img\" aria-label=\"No "
              "findings\"><text x=\"0\" y=\"20\">No findings.</text></svg></div>\n",
              h->out);
        return;
    }
    fprintf(h->out,
            "<svg id=\"category-chart\" viewBox=\"0 0 %d %zu\" role=\"img\" "
            "aria-label=\"Findings per category\">\n",
            W, n * row_h + 4);
    for (size_t r = 0; r < n; r++) {
        const uint64_t *s = h->st->cat_sev + rows[r].index * 4;
        double x = label_w, y = (double)r * row_h + 4;
        fprintf(h->out, "<text class=\"cat\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", label_w - 8,
                y + 13);
        html_str(h->out, rt->categories[rows[r].index]);
        fputs("</text>\n", h->out);
        for (int sev = 3; sev >= 0; sev--) {
            double w = (double)s[sev] / (double)max * (W - label_w - value_w);
            if (s[sev] == 0)
                continue;
            fprintf(h->out,
                    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" "
                    "fill=\"%s\"><title>",
                    x, y, w, severity_colors[sev]);
            html_str(h->out, rt->categories[rows[r].index]);
            fprintf(h->out, ": %" PRIu64 " %s</title></rect>\n", s[sev], cli_severity_label(sev));
            x += w;
        }
        fprintf(h->out, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\">%s</text>\n", x + 6, y + 13,
                compact_count(num, sizeof num, rows[r].total));
    }
    fputs("</svg></div>\n", h->out);
}

static int cmp_agents(const void *a, const void *b)
{
    const struct agent_stat *x = *(const struct agent_stat *const *)a;
    const struct agent_stat *y = *(const struct agent_stat *const *)b;
    double mx = x->score_sum / (double)x->replies, my = y->score_sum / (double)y->replies;

    if (mx != my)
        return mx < my ? -1 : 1;
    if (x->replies != y->replies)
        return x->replies > y->replies ? -1 : 1;
    return strcmp(x->label, y->label);
}

/* The agent's three most frequent rules, as chips whose tooltip is the rule's message. */
static void html_top_problems(const struct html_report *h, const struct agent_stat *a)
{
    size_t top[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};

    for (size_t r = 0; r < h->rules->n_rules; r++) {
        if (a->rule_counts[r] == 0)
            continue;
        for (int k = 0; k < 3; k++) {
            if (top[k] == SIZE_MAX || a->rule_counts[r] > a->rule_counts[top[k]]) {
                for (int m = 2; m > k; m--)
                    top[m] = top[m - 1];
                top[k] = r;
                break;
            }
        }
    }
    if (top[0] == SIZE_MAX)
        fputs("<span class=\"zero\">none</span>", h->out);
    for (int k = 0; k < 3 && top[k] != SIZE_MAX; k++) {
        const replylint_rule *r = replylint_ruleset_get(h->rules->rs, top[k]);
        fputs("<span class=\"chip\" title=\"", h->out);
        html_str(h->out, replylint_rule_message(r));
        fputs("\">", h->out);
        html_str(h->out, replylint_rule_id(r));
        fprintf(h->out, "<b>&times;%u</b></span>", a->rule_counts[top[k]]);
    }
}

static void html_count_cell(FILE *out, uint64_t v)
{
    char num[32];

    fprintf(out, "<td class=\"n%s\">%s</td>", v ? "" : " zero", group_digits(num, sizeof num, v));
}

#define MAX_AGENT_ROWS 500

static void html_agents(const struct html_report *h)
{
    const struct agent_table *t = &h->st->agents;
    struct agent_stat **rows = calloc(t->n + 3, sizeof *rows);
    size_t n = 0;
    char num[32];

    fputs("<section class=\"panel\"><h2>Agents</h2><p class=\"hint\">Lowest mean score first. "
          "Hover a problem for the rule's advice.</p>\n",
          h->out);
    if (!rows) {
        fputs("<p class=\"empty\">Out of memory.</p></section>\n", h->out);
        return;
    }
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i])
            rows[n++] = t->slots[i];
    if (t->none && t->none->replies)
        rows[n++] = t->none;
    if (t->other && t->other->replies)
        rows[n++] = t->other;
    qsort(rows, n, sizeof *rows, cmp_agents);
    fputs("<table id=\"agents\"><thead><tr><th>Agent</th><th class=\"n\">Replies</th><th "
          "class=\"n\">Mean score</th><th class=\"n\">Errors</th><th class=\"n\">Warnings</th>"
          "<th class=\"n\">Suggestions</th><th>Top problems</th></tr></thead>\n<tbody>\n",
          h->out);
    for (size_t i = 0; i < n && i < MAX_AGENT_ROWS; i++) {
        const struct agent_stat *a = rows[i];
        double mean = a->score_sum / (double)a->replies;
        fputs("<tr><td class=\"agent\">", h->out);
        html_str(h->out, a->label);
        fprintf(h->out, "</td><td class=\"n\">%s</td>", group_digits(num, sizeof num, a->replies));
        fprintf(h->out,
                "<td class=\"n\">%.1f<span class=\"meter\"><i style=\"width:%d%%;background:%s\">"
                "</i></span></td>",
                mean, (int)(mean * 10 + 0.5), score_color(mean));
        html_count_cell(h->out, a->sev[3]);
        html_count_cell(h->out, a->sev[2]);
        html_count_cell(h->out, a->sev[1]);
        fputs("<td>", h->out);
        html_top_problems(h, a);
        fputs("</td></tr>\n", h->out);
    }
    if (n == 0)
        fputs("<tr><td colspan=\"7\" class=\"empty\">No replies were checked.</td></tr>\n", h->out);
    fputs("</tbody></table>\n", h->out);
    if (n > MAX_AGENT_ROWS)
        fprintf(h->out,
                "<p class=\"hint\">&hellip; and %zu more agents (use --format csv for "
                "every ticket).</p>\n",
                n - MAX_AGENT_ROWS);
    fputs("</section>\n", h->out);
    free(rows);
}

/* The most severe of the findings that cover [a, b): the mark's colour. */
static int covering(const struct worst_entry *w, size_t a, size_t b, int *sev)
{
    int any = 0;

    *sev = 0;
    for (size_t i = 0; i < w->n_findings; i++) {
        const struct finding *f = &w->findings[i];
        if (f->start < f->end && f->start <= a && f->end >= b) {
            any = 1;
            if (f->severity > *sev)
                *sev = f->severity;
        }
    }
    return any;
}

/* The tooltip: one line per finding, "warning: message [rule]". */
static void html_mark_title(FILE *out, const struct worst_entry *w, const struct rule_table *rt,
                            size_t a, size_t b, int point)
{
    int first = 1;

    for (size_t i = 0; i < w->n_findings; i++) {
        const struct finding *f = &w->findings[i];
        int hit = point ? (f->start == f->end && f->start == a)
                        : (f->start < f->end && f->start <= a && f->end >= b);
        if (!hit)
            continue;
        fputs(first ? "" : "&#10;", out);
        fprintf(out, "%s: ", cli_severity_label(f->severity));
        html_str(out, w->messages[i]);
        fputs(" [", out);
        html_str(out, f->rule == UINT32_MAX ? "?" : rt->ids[f->rule]);
        fputs("]", out);
        first = 0;
    }
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * The reply with its findings marked.  Findings may overlap, so the text is cut at every
 * finding's start and end, and each piece is marked with all the findings covering it;
 * an empty finding (a point) gets a small marker of its own.
 */
static void html_marked_text(FILE *out, const struct worst_entry *w, const struct rule_table *rt)
{
    size_t *cuts = malloc((2 * w->n_findings + 2) * sizeof *cuts), n = 0;

    if (!cuts) {
        html_put(out, w->text, w->text_len);
        return;
    }
    cuts[n++] = 0;
    cuts[n++] = w->text_len;
    for (size_t i = 0; i < w->n_findings; i++) {
        cuts[n++] = w->findings[i].start;
        cuts[n++] = w->findings[i].end;
    }
    qsort(cuts, n, sizeof *cuts, cmp_size);
    for (size_t k = 0; k < n; k++) {
        size_t a = cuts[k], b;
        int sev;
        if (k > 0 && cuts[k - 1] == a)
            continue;
        for (size_t i = 0; i < w->n_findings; i++) {
            if (w->findings[i].start == a && w->findings[i].end == a) {
                fprintf(out, "<mark class=\"sev-%s point\" title=\"",
                        cli_severity_label(w->findings[i].severity));
                html_mark_title(out, w, rt, a, a, 1);
                fputs("\">&#9663;</mark>", out);
                break;
            }
        }
        b = a;
        for (size_t j = k + 1; j < n && b == a; j++)
            b = cuts[j];
        if (b <= a)
            continue;
        if (covering(w, a, b, &sev)) {
            fprintf(out, "<mark class=\"sev-%s\" title=\"", cli_severity_label(sev));
            html_mark_title(out, w, rt, a, b, 0);
            fputs("\">", out);
            html_put(out, w->text + a, b - a);
            fputs("</mark>", out);
        } else {
            html_put(out, w->text + a, b - a);
        }
    }
    free(cuts);
}

/* At most `max` bytes of the flagged text, cut on a character boundary. */
static size_t quote_length(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static void html_findings_list(FILE *out, const struct worst_entry *w, const struct rule_table *rt)
{
    if (w->n_findings == 0)
        return;
    fputs("<ol class=\"findings\">\n", out);
    for (size_t i = 0; i < w->n_findings; i++) {
        const struct finding *f = &w->findings[i];
        const char *sev = cli_severity_label(f->severity);
        fprintf(out, "<li><span class=\"sev sev-%s\">%s</span><span>", sev, sev);
        html_str(out, w->messages[i]);
        fputs(" <code>", out);
        html_str(out, f->rule == UINT32_MAX ? "?" : rt->ids[f->rule]);
        fprintf(out, "</code> <span class=\"meta\">%u:%u</span>", f->line, f->column);
        if (f->end > f->start) {
            size_t len = f->end - f->start, shown = quote_length(w->text + f->start, len, 100);
            fputs(" <q>", out);
            html_put(out, w->text + f->start, shown);
            fputs(shown < len ? "&hellip;</q>" : "</q>", out);
        }
        fputs("</span></li>\n", out);
    }
    fputs("</ol>\n", out);
}

static int cmp_worst(const void *a, const void *b)
{
    const struct worst_entry *x = a, *y = b;
    return worst_above(x, y) ? 1 : worst_above(y, x) ? -1 : 0;
}

static void html_worst(const struct html_report *h, struct stats *st)
{
    if (h->opts->worst == 0)
        return; /* --worst 0: the reader asked for no list */
    qsort(st->worst, st->n_worst, sizeof *st->worst, cmp_worst);
    fprintf(h->out,
            "<section class=\"panel\" id=\"worst\"><h2>The %zu lowest-scoring replies</h2><p "
            "class=\"hint\">Findings are highlighted; hover one for the advice.</p>\n",
            st->n_worst);
    if (st->n_worst == 0)
        fputs("<p class=\"empty\">No replies were checked.</p>\n", h->out);
    for (size_t i = 0; i < st->n_worst; i++) {
        const struct worst_entry *w = &st->worst[i];
        fprintf(h->out, "<article class=\"reply\"><header><span class=\"score %s\">%.1f</span>",
                score_class(w->score), w->score);
        fputs("<span class=\"rid\">", h->out);
        html_str(h->out, w->id);
        fputs("</span><span class=\"meta\">", h->out);
        html_str(h->out, w->agent ? w->agent : "(no agent)");
        fprintf(h->out, " &middot; %s &middot; ", w->language);
        html_str(h->out, w->file);
        fprintf(h->out, ":%" PRIu64 "</span></header>\n<p class=\"text\">", w->line);
        html_marked_text(h->out, w, h->rules);
        fputs("</p>\n", h->out);
        html_findings_list(h->out, w, h->rules);
        fputs("</article>\n", h->out);
    }
    fputs("</section>\n", h->out);
}

static int write_html(FILE *out, const struct audit_opts *o, const struct rule_table *rt,
                      struct stats *st)
{
    struct html_report h = {out, o, rt, st};
    char num[32];

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
          out);
    fprintf(out, "<title>Reply audit: %s tickets</title>\n<style>\n",
            group_digits(num, sizeof num, st->tickets));
    for (size_t i = 0; i < sizeof html_style / sizeof html_style[0]; i++)
        fputs(html_style[i], out);
    fputs("</style>\n</head>\n<body>\n", out);
    html_header(&h);
    fputs("<main class=\"wrap\">\n<section class=\"grid2\">\n", out);
    html_histogram(&h);
    html_categories(&h);
    fputs("</section>\n", out);
    html_agents(&h);
    html_worst(&h, st);
    fprintf(out,
            "</main>\n<footer class=\"wrap\">Made by <code>replylint audit</code> %s. Score = 10 "
            "&times; e<sup>&minus;P/k</sup>, where P weighs errors 4, warnings 1.5, suggestions "
            "0.5, and k grows slowly with the reply's length.</footer>\n</body>\n</html>\n",
            replylint_version_string());
    return ferror(out) ? -1 : 0;
}

/* ---- The command ------------------------------------------------------------------------ */

/* The input's total size when every input is a regular file (for the progress bar's
 * percentage and ETA); 0 when any is a pipe or standard input. */
static uint64_t total_input_bytes(const struct audit_opts *o)
{
    uint64_t total = 0;

    for (size_t i = 0; i < o->n_files; i++) {
        struct stat sb;
        if (strcmp(o->files[i], "-") == 0 || stat(o->files[i], &sb) != 0 || !S_ISREG(sb.st_mode))
            return 0;
        total += (uint64_t)sb.st_size;
    }
    return total;
}

static int want_progress(enum progress_mode mode)
{
    const char *term = getenv("TERM");

    if (mode != PROGRESS_AUTO)
        return mode == PROGRESS_ALWAYS;
    return isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
}

/* "audit: 1000 tickets: 998 checked, 2 rejected (1 broken JSON, 1 missing text); ..." */
static void print_summary(const struct stats *st, double seconds)
{
    fprintf(stderr, "audit: %" PRIu64 " tickets: %" PRIu64 " checked, %" PRIu64 " rejected",
            st->tickets, st->checked, st->rejected);
    for (int r = 1, first = 1; r < N_REJECT_REASONS; r++) {
        if (st->reject_by[r] == 0)
            continue;
        fprintf(stderr, "%s%" PRIu64 " %s", first ? " (" : ", ", st->reject_by[r], reject_names[r]);
        first = 0;
    }
    fprintf(stderr,
            "%s; mean score %.1f; %" PRIu64 " errors, %" PRIu64 " warnings, %" PRIu64
            " suggestions; %.1f s\n",
            st->rejected ? ")" : "", mean_score(st), st->sev[3], st->sev[2], st->sev[1], seconds);
}

/* Start the writer and the workers, read everything on this thread, wait for the rest.
 * Returns -1 when no thread could be started. */
static int run_pipeline(struct pipeline *pl, struct writer *w, struct reader *r,
                        const struct audit_opts *o)
{
    pthread_t writer, *workers = calloc(o->jobs, sizeof *workers);
    unsigned started = 0;

    if (!workers || pthread_create(&writer, NULL, writer_main, w) != 0) {
        free(workers);
        return -1;
    }
    for (unsigned i = 0; i < o->jobs; i++)
        if (pthread_create(&workers[started], NULL, worker_main, pl) == 0)
            started++;
    if (started == 0) {
        /* Nobody would ever take a batch: end the writer and give up. */
        pipeline_finish_reading(pl);
        pthread_join(writer, NULL);
        free(workers);
        return -1;
    }
    read_all(r, o);
    for (unsigned i = 0; i < started; i++)
        pthread_join(workers[i], NULL);
    pthread_join(writer, NULL);
    free(workers);
    return 0;
}

/* The audit proper, once the options are known and the rules and report file are ready. */
static int audit(const struct audit_opts *o, const struct rule_table *rt, FILE *html)
{
    struct audit_ctx ctx = {o, rt, html != NULL && o->worst > 0};
    struct pipeline pl;
    struct writer w;
    struct reader r;
    double start = now_seconds();
    int status = EXIT_CLEAN;

    memset(&w, 0, sizeof w);
    memset(&r, 0, sizeof r);
    if (pipeline_init(&pl, &ctx, 2 * (size_t)o->jobs + 2) != 0 ||
        stats_init(&w.st, rt, o->worst) != 0) {
        fputs("replylint: out of memory\n", stderr);
        pipeline_free(&pl);
        stats_free(&w.st);
        return EXIT_TROUBLE;
    }
    w.pl = &pl;
    w.ctx = &ctx;
    w.pr.on = want_progress(o->progress);
    w.pr.start = start;
    w.pr.total_bytes = total_input_bytes(o);
    r.pl = &pl;
    if (run_pipeline(&pl, &w, &r, o) != 0) {
        fputs("replylint: cannot start threads\n", stderr);
        status = EXIT_TROUBLE;
    } else {
        if (html && write_html(html, o, rt, &w.st) != 0) {
            fprintf(stderr, "replylint: %s: cannot write the report\n", o->html_path);
            status = EXIT_TROUBLE;
        }
        print_summary(&w.st, now_seconds() - start);
        if (w.write_errno) {
            fprintf(stderr, "replylint: cannot write output: %s\n", strerror(w.write_errno));
            clearerr(stdout); /* reported here, once, with the reason it happened */
            status = EXIT_TROUBLE;
        }
        if (r.trouble || w.st.notes || w.st.out_of_memory || w.st.reject_by[REJ_OTHER])
            status = EXIT_TROUBLE;
        else if (w.st.rejected || w.st.fail_hit)
            status = EXIT_FINDINGS;
    }
    stats_free(&w.st);
    pipeline_free(&pl);
    return status;
}

int audit_main(int argc, char **argv)
{
    struct audit_opts o;
    replylint_ruleset *rs = NULL;
    struct rule_table rt;
    FILE *html = NULL;
    int status = EXIT_TROUBLE;

    memset(&rt, 0, sizeof rt);
    if (opts_init(&o, argc) != 0) {
        opts_free(&o);
        return EXIT_TROUBLE;
    }
    switch (parse_args(&o, argc, argv)) {
    case PARSE_HELP:
        cli_print_lines(stdout, help_lines, sizeof help_lines / sizeof help_lines[0]);
        opts_free(&o);
        return EXIT_CLEAN;
    case PARSE_ERROR:
        opts_free(&o);
        return EXIT_TROUBLE;
    case PARSE_OK:
        break;
    }
    /* Open the report first: a typo in its path should not cost a whole audit. */
    if (o.html_path && !(html = fopen(o.html_path, "w"))) {
        fprintf(stderr, "replylint: %s: %s\n", o.html_path, strerror(errno));
    } else if (cli_load_rules(o.rule_files, o.n_rule_files, o.no_defaults, 1, &rs) == 0) {
        if (rule_table_init(&rt, rs) != 0) {
            fputs("replylint: out of memory\n", stderr);
        } else {
            /* jansson seeds its hash function on first use; do it before the threads. */
            json_object_seed(0);
            status = audit(&o, &rt, html);
        }
    }
    if (html && fclose(html) != 0) {
        fprintf(stderr, "replylint: %s: %s\n", o.html_path, strerror(errno));
        status = EXIT_TROUBLE;
    }
    rule_table_free(&rt);
    replylint_ruleset_free(rs);
    opts_free(&o);
    return status;
}
