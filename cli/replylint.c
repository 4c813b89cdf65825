/*
 * replylint: the command-line front end of libreplylint.
 *
 * The tool only parses arguments, reads files and prints what the library reports.  Every
 * judgement about a reply belongs to the library, reached through the public header alone,
 * so that the tool stays a thin and honest example of how to use the API.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "common.h"
#include "replylint.h"

/* Exit status: findings (1) are the normal result of linting; trouble (2) means the run
 * itself could not be trusted, so it wins over findings. */
enum exit_code { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_TROUBLE = 2 };

enum parse_result { PARSE_OK, PARSE_HELP, PARSE_ERROR };

/* Bits, so that an option can say which commands accept it. */
enum command { CMD_CHECK = 1u << 0, CMD_RULES = 1u << 1, CMD_EXPLAIN = 1u << 2, CMD_FIX = 1u << 3 };

enum format { FORMAT_TEXT, FORMAT_JSON };

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* Everything the command line says.  Strings point into argv, which outlives the run. */
struct cli {
    unsigned command;
    const char *command_name;
    const char **operands; /* files for check, the rule id for explain */
    size_t n_operands;
    const char **rule_files;
    size_t n_rule_files;
    replylint_options opts;
    enum format format;
    replylint_severity fail_level;
    enum color_mode color;
    int no_defaults; /* --defaults no: only the --rules files */
};

/* The colour decision is made once per run and handed to whatever prints. */
struct style {
    int color;
};

#define SGR_RESET      "\033[0m"
#define SGR_BOLD       "\033[1m"
#define SGR_ERROR      "\033[1;31m"
#define SGR_WARNING    "\033[1;35m"
#define SGR_SUGGESTION "\033[1;36m"
#define SGR_CARET      "\033[1;32m"
#define SGR_FIX        "\033[32m"

/* One reply read into memory.  `name` is what messages call it ("<stdin>" for stdin). */
struct input {
    const char *name;
    char *data;
    size_t len;
};

/* What linting one input needs besides the input itself. */
struct checker {
    const struct cli *cli;
    const replylint_ruleset *rs;
    struct style style;
};

/* ---- Messages ----------------------------------------------------------------------- */

/* Where a usage error points the user. */
#define HELP_COMMAND "replylint --help"

static const char *const help_lines[] = {
    "Usage: replylint check [FILE...] [OPTIONS]",
    "       replylint fix [FILE|-] [--name NAME] [--agent NAME] [--channel C] [--lang L]",
    "       replylint rules [--rules PATH]... [--format text|json]",
    "       replylint explain RULE [--rules PATH]...",
    "       replylint audit [FILE...|-] [OPTIONS]   (see 'replylint audit --help')",
    "       replylint --help | --version",
    "",
    "Lint customer-support replies (Russian and English) before they are sent.",
    "",
    "Commands:",
    "  check     lint each FILE; no FILE, or '-', reads standard input",
    "  fix       print the reply with every safe suggestion applied (a substitution",
    "            with one replacement, case kept); everything else byte for byte",
    "  rules     list the enabled rules: id, category, language, severity, kind, message",
    "  explain   show what a rule wants, why, where it is defined, and its examples",
    "  audit     lint every reply in helpdesk exports (JSON Lines, CSV) on all cores:",
    "            per-ticket JSON Lines, CSV or SARIF, and --html for a report",
    "",
    "Options of check:",
    "  --name NAME         the customer's name (enables the name checks)",
    "  --agent NAME        the agent's name (the signature should carry it)",
    "  --channel CHANNEL   email (default) or chat: the length limits depend on it",
    "  --lang LANG         auto (default: detected per reply), ru or en",
    "  --turn TURN         first (default) or followup: a follow-up reply in a thread",
    "                      is not expected to greet again",
    "  --rules PATH        add a YAML rule file on top of the defaults; repeatable",
    "  --defaults yes|no   no: use only the --rules files, not the embedded defaults",
    "  --format FORMAT     text (default), or json: one JSON object per input per line",
    "  --fail-level LEVEL  suggestion, warning (default) or error: exit 1 when a finding",
    "                      is at least this severe (all findings are printed anyway)",
    "  --color WHEN        auto (default: when stdout is a terminal and NO_COLOR is",
    "                      unset), always or never",
    "",
    "Options of rules:   --rules PATH (repeatable), --defaults yes|no; --format text|json,",
    "                    where json prints one JSON object per rule per line",
    "Options of explain: --rules PATH (repeatable), --defaults yes|no",
    "",
    "An option's value may also be attached: --lang=ru.  '--' ends the options.",
    "",
    "Exit status: 0 no finding at or above --fail-level; 1 some finding at or above it;",
    "2 a usage error, an unreadable file, invalid UTF-8 or a bad rule file.",
};

/* The library's own message when it gave one, else the generic text of the status. */
static const char *error_text(const replylint_error *err, int status)
{
    return err->message[0] ? err->message : replylint_strerror(status);
}

static const char *severity_sgr(const struct style *st, replylint_severity sev)
{
    if (!st->color)
        return "";
    switch (sev) {
    case REPLYLINT_SEV_ERROR:
        return SGR_ERROR;
    case REPLYLINT_SEV_WARNING:
        return SGR_WARNING;
    default:
        return SGR_SUGGESTION;
    }
}

static const char *sgr(const struct style *st, const char *code)
{
    return st->color ? code : "";
}

/* ---- UTF-8 and display width -------------------------------------------------------- */

/*
 * Decode one code point.  Never fails: a bad byte comes back as U+FFFD consuming one byte,
 * so that printing can go on (the library has validated replies; file names it has not).
 */
static size_t utf8_next(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n;
    uint32_t v;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
        v = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        v = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        v = s[0] & 0x07u;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if (i >= len || (s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
        (n == 4 && (v < 0x10000 || v > 0x10FFFF))) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return n;
}

struct cp_range {
    uint32_t first, last;
};

/* Combining marks and invisible format characters: they take no column of their own
 * (a Russian «й» typed as «и» + U+0306 is one column).  Not all of Unicode: the scripts
 * replies are written in, plus the invisibles that show up in pasted text. */
static const struct cp_range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489},   {0x0591, 0x05BD},   {0x05BF, 0x05BF},   {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7},   {0x0610, 0x061A},   {0x064B, 0x065F},   {0x0670, 0x0670},
    {0x06D6, 0x06DC}, {0x06DF, 0x06E4},   {0x1AB0, 0x1AFF},   {0x1DC0, 0x1DFF},   {0x200B, 0x200F},
    {0x202A, 0x202E}, {0x2060, 0x2064},   {0x20D0, 0x20FF},   {0xFE00, 0xFE0F},   {0xFE20, 0xFE2F},
    {0xFEFF, 0xFEFF}, {0x1F3FB, 0x1F3FF}, {0xE0000, 0xE007F}, {0xE0100, 0xE01EF},
};

/* East Asian wide characters and emoji shown as pictures: two columns in a terminal. */
static const struct cp_range double_width[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F004, 0x1F004},
    {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251},
    {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F9FF},
    {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static int in_ranges(uint32_t cp, const struct cp_range *ranges, size_t n)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < ranges[mid].first)
            hi = mid;
        else if (cp > ranges[mid].last)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

/* Columns a code point takes; control characters count as the one U+FFFD we print. */
static size_t cp_width(uint32_t cp)
{
    if (in_ranges(cp, zero_width, sizeof zero_width / sizeof zero_width[0]))
        return 0;
    if (in_ranges(cp, double_width, sizeof double_width / sizeof double_width[0]))
        return 2;
    return 1;
}

static size_t display_width(const char *s, size_t len)
{
    size_t width = 0;

    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += utf8_next(s + i, len - i, &cp);
        width += cp_width(cp);
    }
    return width;
}

static int is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/*
 * Print text from a reply or the library.  Control characters could move the cursor or
 * inject terminal escapes, so each becomes U+FFFD; tabs survive in source lines (the caret
 * line copies them to stay aligned), and elsewhere tabs and line breaks become a space so
 * that one diagnostic stays one line.
 */
static void put_text(FILE *out, const char *s, size_t len, int keep_tabs)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_next(s + i, len - i, &cp);

        if (cp == '\t' && keep_tabs)
            fputc('\t', out);
        else if (cp == '\t' || cp == '\n' || cp == '\r')
            fputc(' ', out);
        else if (is_control(cp))
            fputs("\xEF\xBF\xBD", out);
        else
            fwrite(s + i, 1, n, out);
        i += n;
    }
}

/* ---- Reading input ------------------------------------------------------------------ */

/*
 * Read a whole stream, binary-safe.  Stops after `limit` + 1 bytes so that a runaway pipe
 * cannot exhaust memory for a text the library would refuse anyway.  Returns 0, -1 with
 * errno set, or 1 when the input is over the limit.  *out is never NULL on success.
 */
static int read_stream(FILE *fp, size_t limit, char **out, size_t *out_len)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;

    for (;;) {
        if (len == cap) {
            size_t grown = cap ? cap * 2 : 16384;
            char *bigger;
            if (cap > limit) {
                free(buf);
                return 1;
            }
            if (grown > limit + 1)
                grown = limit + 1;
            bigger = realloc(buf, grown);
            if (!bigger) {
                free(buf);
                errno = ENOMEM;
                return -1;
            }
            buf = bigger;
            cap = grown;
        }
        size_t want = cap - len;
        size_t got = fread(buf + len, 1, want, fp);
        len += got;
        if (got < want) {
            if (ferror(fp)) {
                int saved = errno ? errno : EIO;
                free(buf);
                errno = saved;
                return -1;
            }
            break;
        }
    }
    if (len > limit) {
        free(buf);
        return 1;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

static int emit_json(json_t *obj)
{
    /* Three significant digits print every one-decimal score from 0.0 to 10.0 exactly. */
    char *line =
        obj ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(3)) : NULL;

    json_decref(obj);
    if (!line) {
        fputs("replylint: cannot build JSON output: out of memory\n", stderr);
        return -1;
    }
    puts(line);
    free(line);
    return 0;
}

/* Problems with one input go to stderr; in JSON mode the input also gets its line, so
 * that consumers still see exactly one object per input. */
static void report_input_error(const struct checker *ck, const char *name, const char *fmt, ...)
    PRINTF_LIKE(3, 4);

static void report_input_error(const struct checker *ck, const char *name, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Keep stderr in step with what is already printed when both go to one place. */
    fflush(stdout);
    fprintf(stderr, "replylint: %s: %s\n", name, msg);
    if (ck->cli->format == FORMAT_JSON)
        emit_json(json_pack("{s:o, s:s}", "file", cli_json_text(name, strlen(name)), "error", msg));
}

static int read_input(const struct checker *ck, const char *arg, struct input *in)
{
    size_t limit = ck->cli->opts.max_bytes ? ck->cli->opts.max_bytes : REPLYLINT_DEFAULT_MAX_BYTES;
    int from_stdin = strcmp(arg, "-") == 0;
    FILE *fp = from_stdin ? stdin : fopen(arg, "rb");
    int rc;

    in->name = from_stdin ? "<stdin>" : arg;
    if (!fp) {
        report_input_error(ck, in->name, "%s", strerror(errno));
        return -1;
    }
    rc = read_stream(fp, limit, &in->data, &in->len);
    if (rc < 0)
        report_input_error(ck, in->name, "%s", strerror(errno));
    else if (rc > 0)
        report_input_error(ck, in->name, "larger than %zu bytes", limit);
    if (!from_stdin)
        fclose(fp);
    return rc == 0 ? 0 : -1;
}

/* ---- Rule sets ---------------------------------------------------------------------- */

/* ---- check: text output ------------------------------------------------------------- */

/*
 * The caret line under the flagged part of the source line.  Tabs are copied so that the
 * terminal expands them exactly as it did above; everything else becomes as many cells as
 * it takes on screen.
 */
static void put_caret_line(FILE *out, const char *line, size_t mark_from, size_t mark_to,
                           const struct style *st)
{
    int caret_drawn = 0;

    for (size_t i = 0; i < mark_from;) {
        uint32_t cp;
        i += utf8_next(line + i, mark_from - i, &cp);
        if (cp == '\t')
            fputc('\t', out);
        else
            for (size_t w = cp_width(cp); w > 0; w--)
                fputc(' ', out);
    }
    fputs(sgr(st, SGR_CARET), out);
    for (size_t i = mark_from; i < mark_to;) {
        uint32_t cp;
        i += utf8_next(line + i, mark_to - i, &cp);
        if (cp == '\t') {
            fputc('\t', out);
            continue;
        }
        for (size_t w = cp_width(cp); w > 0; w--) {
            fputc(caret_drawn ? '~' : '^', out);
            caret_drawn = 1;
        }
    }
    if (!caret_drawn)
        fputc('^', out);
    fputs(sgr(st, SGR_RESET), out);
    fputc('\n', out);
}

/* The source line holding the start of the finding, its flagged part highlighted, and
 * the caret line; a finding spanning lines is marked to the end of its first line. */
static void print_excerpt(FILE *out, const struct input *in, size_t start, size_t end,
                          const struct style *st)
{
    size_t line_start = start, line_end = start, mark_end;
    const char *line;

    while (line_start > 0 && in->data[line_start - 1] != '\n')
        line_start--;
    while (line_end < in->len && in->data[line_end] != '\n')
        line_end++;
    if (line_end > start && in->data[line_end - 1] == '\r')
        line_end--;
    mark_end = end < line_end ? end : line_end;
    line = in->data + line_start;

    put_text(out, line, start - line_start, 1);
    fputs(sgr(st, SGR_CARET), out);
    put_text(out, in->data + start, mark_end - start, 1);
    fputs(sgr(st, SGR_RESET), out);
    put_text(out, in->data + mark_end, line_end - mark_end, 1);
    fputc('\n', out);
    put_caret_line(out, line, start - line_start, mark_end - line_start, st);
}

static void print_suggestions(FILE *out, const replylint_diag *d, const struct style *st)
{
    size_t n = replylint_diag_suggestion_count(d);

    if (n == 0)
        return;
    fprintf(out, "  %s: ", n == 1 ? "suggestion" : "suggestions");
    for (size_t i = 0; i < n; i++) {
        const char *s = replylint_diag_suggestion(d, i);
        if (i > 0)
            fputs(", ", out);
        fputs(sgr(st, SGR_FIX), out);
        /* An empty replacement means "drop the flagged words"; say so rather than print
         * nothing after the colon. */
        if (s && *s)
            put_text(out, s, strlen(s), 0);
        else
            fputs("(delete)", out);
        fputs(sgr(st, SGR_RESET), out);
    }
    fputc('\n', out);
}

static void print_diag_text(FILE *out, const struct input *in, const replylint_diag *d,
                            const struct style *st)
{
    replylint_severity sev = replylint_diag_severity(d);
    const char *message = replylint_diag_message(d);
    size_t start, end;

    cli_diag_span(d, in->len, &start, &end);
    fprintf(out, "%s%s:%lu:%lu:%s %s%s:%s ", sgr(st, SGR_BOLD), in->name,
            (unsigned long)replylint_diag_line(d), (unsigned long)replylint_diag_column(d),
            sgr(st, SGR_RESET), severity_sgr(st, sev), cli_severity_label(sev), sgr(st, SGR_RESET));
    put_text(out, message, strlen(message), 0);
    fprintf(out, " %s[%s]%s\n", severity_sgr(st, sev), replylint_diag_rule(d), sgr(st, SGR_RESET));
    print_excerpt(out, in, start, end, st);
    print_suggestions(out, d, st);
}

/* "reply.txt: 2 warnings, 1 suggestion (score 6.4)": counts by severity, most severe first.
 * A report that a limit cut short says so: its silence proves less. */
static void print_summary(FILE *out, const struct input *in, const size_t counts[4], double score,
                          int incomplete, const struct style *st)
{
    static const char *const names[4] = {NULL, "suggestion", "warning", "error"};
    int any = 0;

    fprintf(out, "%s%s:%s ", sgr(st, SGR_BOLD), in->name, sgr(st, SGR_RESET));
    for (int sev = REPLYLINT_SEV_ERROR; sev >= REPLYLINT_SEV_SUGGESTION; sev--) {
        if (counts[sev] == 0)
            continue;
        fprintf(out, "%s%zu %s%s", any ? ", " : "", counts[sev], names[sev],
                counts[sev] == 1 ? "" : "s");
        any = 1;
    }
    fprintf(out, "%s (score %.1f)%s\n", any ? "" : "no findings", score,
            incomplete ? "; incomplete: a search stopped at a limit, findings may be missing" : "");
}

static void print_report_text(const struct checker *ck, const struct input *in,
                              const replylint_report *rep)
{
    size_t counts[4] = {0, 0, 0, 0};
    size_t n = replylint_report_count(rep);

    for (size_t i = 0; i < n; i++) {
        const replylint_diag *d = replylint_report_get(rep, i);
        replylint_severity sev = replylint_diag_severity(d);
        print_diag_text(stdout, in, d, &ck->style);
        if (sev >= REPLYLINT_SEV_SUGGESTION && sev <= REPLYLINT_SEV_ERROR)
            counts[sev]++;
    }
    print_summary(stdout, in, counts, replylint_report_score(rep), replylint_report_incomplete(rep),
                  &ck->style);
}

/* ---- check: JSON output ------------------------------------------------------------- */

static json_t *diag_json(const struct input *in, const replylint_diag *d)
{
    size_t bytes[2] = {0, 0}, cps[2] = {0, 0}, units[2] = {0, 0}, start, end;

    replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &bytes[0], &bytes[1]);
    replylint_diag_offsets(d, REPLYLINT_UNIT_CODEPOINT, &cps[0], &cps[1]);
    replylint_diag_offsets(d, REPLYLINT_UNIT_UTF16, &units[0], &units[1]);
    /* The flagged text is cut from our own buffer: it may hold NUL bytes, which the
     * NUL-terminated replylint_diag_text() cannot carry. */
    cli_diag_span(d, in->len, &start, &end);
    /* clang-format off */
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
                     "rule", replylint_diag_rule(d),
                     "category", replylint_diag_category(d),
                     "severity", cli_severity_label(replylint_diag_severity(d)),
                     "message", replylint_diag_message(d),
                     "line", (json_int_t)replylint_diag_line(d),
                     "column", (json_int_t)replylint_diag_column(d),
                     "byte_start", (json_int_t)bytes[0],
                     "byte_end", (json_int_t)bytes[1],
                     "cp_start", (json_int_t)cps[0],
                     "cp_end", (json_int_t)cps[1],
                     "utf16_start", (json_int_t)units[0],
                     "utf16_end", (json_int_t)units[1],
                     "text", cli_json_text(in->data + start, end - start),
                     "suggestions", cli_suggestions_json(d));
    /* clang-format on */
}

static json_t *report_json(const struct input *in, const replylint_report *rep)
{
    json_t *diags = json_array();
    size_t n = replylint_report_count(rep);

    for (size_t i = 0; diags && i < n; i++) {
        if (json_array_append_new(diags, diag_json(in, replylint_report_get(rep, i))) != 0) {
            json_decref(diags);
            diags = NULL;
        }
    }
    /* clang-format off */
    return json_pack("{s:o, s:s, s:f, s:I, s:b, s:o}",
                     "file", cli_json_text(in->name, strlen(in->name)),
                     "language", replylint_report_language(rep),
                     "score", replylint_report_score(rep),
                     "words", (json_int_t)replylint_report_words(rep),
                     "incomplete", replylint_report_incomplete(rep),
                     "diagnostics", diags);
    /* clang-format on */
}

/* ---- check ---------------------------------------------------------------------------- */

static int worst_severity_at_least(const replylint_report *rep, replylint_severity level)
{
    size_t n = replylint_report_count(rep);

    for (size_t i = 0; i < n; i++)
        if (replylint_diag_severity(replylint_report_get(rep, i)) >= level)
            return 1;
    return 0;
}

static void report_lint_error(const struct checker *ck, const struct input *in,
                              const replylint_error *err, int status)
{
    if (status == REPLYLINT_EUTF8)
        report_input_error(ck, in->name, "invalid UTF-8 at byte %zu", err->offset);
    else
        report_input_error(ck, in->name, "%s", error_text(err, status));
}

/* Lint one input already read and print its report; frees nothing. */
static int check_input(const struct checker *ck, const struct input *in)
{
    replylint_report *rep = NULL;
    replylint_error err;
    int rc, status = EXIT_CLEAN;

    memset(&err, 0, sizeof err);
    rc = replylint_lint(&rep, ck->rs, in->data, in->len, &ck->cli->opts, &err);
    if (rc != REPLYLINT_OK) {
        report_lint_error(ck, in, &err, rc);
        status = EXIT_TROUBLE;
    } else {
        if (ck->cli->format == FORMAT_JSON) {
            if (emit_json(report_json(in, rep)) != 0)
                status = EXIT_TROUBLE;
        } else {
            print_report_text(ck, in, rep);
        }
        if (status == EXIT_CLEAN && worst_severity_at_least(rep, ck->cli->fail_level))
            status = EXIT_FINDINGS;
    }
    replylint_report_free(rep);
    return status;
}

static int check_one(const struct checker *ck, const char *arg)
{
    struct input in = {NULL, NULL, 0};
    int status;

    if (read_input(ck, arg, &in) != 0)
        return EXIT_TROUBLE;
    status = check_input(ck, &in);
    free(in.data);
    return status;
}

/*
 * Below this much text in all, the regular expressions run in PCRE2's interpreter: for the
 * default rules the JIT takes about 2 ms to compile them, a fifth of the start-up an agent
 * pays per reply, and saves less than that on a short reply.
 */
#define JIT_WORTH_BYTES ((size_t)64 << 10)

/* Whether the named inputs may hold more than JIT_WORTH_BYTES (stdin or a pipe may). */
static int inputs_worth_jit(const char *const *inputs, size_t n)
{
    size_t total = 0;

    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(inputs[i], "-") == 0 || stat(inputs[i], &st) != 0 || !S_ISREG(st.st_mode))
            return 1;
        total += (size_t)st.st_size;
        if (total > JIT_WORTH_BYTES)
            return 1;
    }
    return 0;
}

/* NO_COLOR (https://no-color.org) and a dumb terminal turn off automatic colour; an
 * explicit --color always still wins, as that convention asks. */
static int want_color(enum color_mode mode)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");

    if (mode != COLOR_AUTO)
        return mode == COLOR_ALWAYS;
    if (no_color && *no_color)
        return 0;
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(STDOUT_FILENO);
}

static int cmd_check(const struct cli *cli)
{
    static const char *const stdin_only[] = {"-"};
    const char *const *inputs = cli->n_operands ? cli->operands : stdin_only;
    size_t n = cli->n_operands ? cli->n_operands : 1;
    replylint_ruleset *rs = NULL;
    struct checker ck;
    struct input first = {NULL, NULL, 0};
    int jit, status = EXIT_CLEAN;

    ck.cli = cli;
    ck.rs = NULL;
    ck.style.color = cli->format == FORMAT_TEXT && want_color(cli->color);
    /* One reply, the way agents call it: read it first, so that its length (stdin's too)
     * decides whether the JIT is worth compiling. */
    if (n == 1) {
        if (read_input(&ck, inputs[0], &first) != 0)
            return EXIT_TROUBLE;
        jit = first.len > JIT_WORTH_BYTES;
    } else {
        jit = inputs_worth_jit(inputs, n);
    }
    if (cli_load_rules(cli->rule_files, cli->n_rule_files, cli->no_defaults, jit, &rs) != 0) {
        free(first.data);
        return EXIT_TROUBLE;
    }
    ck.rs = rs;
    if (n == 1) {
        status = check_input(&ck, &first);
        free(first.data);
    } else {
        for (size_t i = 0; i < n; i++) {
            int one = check_one(&ck, inputs[i]);
            if (one > status)
                status = one;
        }
    }
    replylint_ruleset_free(rs);
    return status;
}

/* ---- fix ------------------------------------------------------------------------------ */

/* Print the reply with every safe suggestion applied; the rest byte for byte. */
static int cmd_fix(const struct cli *cli)
{
    const char *arg = cli->n_operands ? cli->operands[0] : "-";
    replylint_ruleset *rs = NULL;
    struct checker ck;
    struct input in = {NULL, NULL, 0};
    replylint_error err;
    char *fixed = NULL;
    size_t fixed_len = 0;
    int status = EXIT_CLEAN;

    ck.cli = cli;
    ck.rs = NULL;
    ck.style.color = 0;
    if (read_input(&ck, arg, &in) != 0)
        return EXIT_TROUBLE;
    if (cli_load_rules(cli->rule_files, cli->n_rule_files, cli->no_defaults,
                       in.len > JIT_WORTH_BYTES, &rs) != 0) {
        free(in.data);
        return EXIT_TROUBLE;
    }
    ck.rs = rs;
    memset(&err, 0, sizeof err);
    int rc = replylint_fix(&fixed, &fixed_len, rs, in.data, in.len, &cli->opts, &err);
    if (rc != REPLYLINT_OK) {
        report_lint_error(&ck, &in, &err, rc);
        status = EXIT_TROUBLE;
    } else if (fwrite(fixed, 1, fixed_len, stdout) != fixed_len || fflush(stdout) != 0) {
        fprintf(stderr, "replylint: cannot write the fixed text: %s\n", strerror(errno));
        status = EXIT_TROUBLE;
    }
    replylint_free(fixed);
    free(in.data);
    replylint_ruleset_free(rs);
    return status;
}

/* ---- rules ---------------------------------------------------------------------------- */

static json_t *rule_json(const replylint_rule *r)
{
    uint32_t line = 0;
    const char *source = replylint_rule_source(r, &line);

    /* clang-format off */
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
                     "id", replylint_rule_id(r),
                     "category", replylint_rule_category(r),
                     "language", replylint_rule_language(r),
                     "severity", cli_severity_label(replylint_rule_severity(r)),
                     "kind", replylint_rule_kind(r),
                     "message", replylint_rule_message(r),
                     "rationale", replylint_rule_rationale(r),
                     "source", source,
                     "line", (json_int_t)line);
    /* clang-format on */
}

static int list_rules_json(const replylint_ruleset *rs)
{
    size_t n = replylint_ruleset_count(rs);

    for (size_t i = 0; i < n; i++)
        if (emit_json(rule_json(replylint_ruleset_get(rs, i))) != 0)
            return EXIT_TROUBLE;
    return EXIT_CLEAN;
}

enum { RULE_COLUMNS = 5 };

static void rule_columns(const replylint_rule *r, const char *cols[RULE_COLUMNS])
{
    cols[0] = replylint_rule_id(r);
    cols[1] = replylint_rule_category(r);
    cols[2] = replylint_rule_language(r);
    cols[3] = cli_severity_label(replylint_rule_severity(r));
    cols[4] = replylint_rule_kind(r);
}

/* One rule per line, columns aligned, no header: easy to read and to grep or cut. */
static int list_rules_text(const replylint_ruleset *rs)
{
    size_t n = replylint_ruleset_count(rs), widths[RULE_COLUMNS] = {0};
    const char *cols[RULE_COLUMNS];

    for (size_t i = 0; i < n; i++) {
        rule_columns(replylint_ruleset_get(rs, i), cols);
        for (int c = 0; c < RULE_COLUMNS; c++) {
            size_t w = display_width(cols[c], strlen(cols[c]));
            if (w > widths[c])
                widths[c] = w;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const replylint_rule *r = replylint_ruleset_get(rs, i);
        const char *message = replylint_rule_message(r);
        rule_columns(r, cols);
        for (int c = 0; c < RULE_COLUMNS; c++) {
            fputs(cols[c], stdout);
            for (size_t w = display_width(cols[c], strlen(cols[c])); w < widths[c] + 2; w++)
                fputc(' ', stdout);
        }
        put_text(stdout, message, strlen(message), 0);
        fputc('\n', stdout);
    }
    return EXIT_CLEAN;
}

static int cmd_rules(const struct cli *cli)
{
    replylint_ruleset *rs = NULL;
    int status;

    if (cli_load_rules(cli->rule_files, cli->n_rule_files, cli->no_defaults, 0, &rs) != 0)
        return EXIT_TROUBLE;
    status = cli->format == FORMAT_JSON ? list_rules_json(rs) : list_rules_text(rs);
    replylint_ruleset_free(rs);
    return status;
}

/* ---- explain -------------------------------------------------------------------------- */

/* Multi-line text (a rationale, an example) indented as a block; trailing newlines, which
 * YAML block scalars leave behind, are dropped. */
static void print_block(FILE *out, const char *first, const char *rest, const char *text)
{
    size_t len = strlen(text);
    const char *prefix = first;

    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    for (size_t i = 0; i < len;) {
        size_t eol = i;
        while (eol < len && text[eol] != '\n')
            eol++;
        fputs(prefix, out);
        put_text(out, text + i, eol - i, 1);
        fputc('\n', out);
        prefix = rest;
        i = eol + 1;
    }
}

static void print_examples(FILE *out, const replylint_rule *r, int bad)
{
    size_t n = replylint_rule_example_count(r, bad);

    if (n == 0)
        return;
    fprintf(out, "\n%s\n", bad ? "Flagged (bad):" : "Not flagged (good):");
    for (size_t i = 0; i < n; i++) {
        const char *example = replylint_rule_example(r, bad, i);
        if (example)
            print_block(out, "  - ", "    ", example);
    }
}

static void explain_rule(FILE *out, const replylint_rule *r)
{
    uint32_t line = 0;
    const char *source = replylint_rule_source(r, &line);
    const char *rationale = replylint_rule_rationale(r);

    fprintf(out, "%s: %s\n\n", replylint_rule_id(r), replylint_rule_message(r));
    fprintf(out, "  category  %s\n", replylint_rule_category(r));
    fprintf(out, "  kind      %s\n", replylint_rule_kind(r));
    fprintf(out, "  severity  %s\n", cli_severity_label(replylint_rule_severity(r)));
    fprintf(out, "  language  %s\n", replylint_rule_language(r));
    if (line)
        fprintf(out, "  source    %s:%lu\n", source, (unsigned long)line);
    else
        fprintf(out, "  source    %s\n", source);
    if (rationale[0]) {
        fputs("\nWhy:\n", out);
        print_block(out, "  ", "  ", rationale);
    }
    print_examples(out, r, 1);
    print_examples(out, r, 0);
}

static int cmd_explain(const struct cli *cli)
{
    replylint_ruleset *rs = NULL;
    const replylint_rule *r;
    int status = EXIT_CLEAN;

    if (cli_load_rules(cli->rule_files, cli->n_rule_files, cli->no_defaults, 0, &rs) != 0)
        return EXIT_TROUBLE;
    r = replylint_ruleset_find(rs, cli->operands[0]);
    if (r) {
        explain_rule(stdout, r);
    } else {
        fflush(stdout);
        fprintf(stderr, "replylint: no enabled rule '%s' (see 'replylint rules')\n",
                cli->operands[0]);
        status = EXIT_TROUBLE;
    }
    replylint_ruleset_free(rs);
    return status;
}

/* ---- Argument parsing ------------------------------------------------------------------ */

static const struct cli_choice channel_choices[] = {
    {"chat", REPLYLINT_CHANNEL_CHAT}, {"email", REPLYLINT_CHANNEL_EMAIL}, {NULL, 0}};
static const struct cli_choice lang_choices[] = {
    {"auto", REPLYLINT_LANG_AUTO}, {"ru", REPLYLINT_LANG_RU}, {"en", REPLYLINT_LANG_EN}, {NULL, 0}};
static const struct cli_choice format_choices[] = {
    {"text", FORMAT_TEXT}, {"json", FORMAT_JSON}, {NULL, 0}};
static const struct cli_choice level_choices[] = {{"suggestion", REPLYLINT_SEV_SUGGESTION},
                                                  {"warning", REPLYLINT_SEV_WARNING},
                                                  {"error", REPLYLINT_SEV_ERROR},
                                                  {NULL, 0}};
static const struct cli_choice color_choices[] = {
    {"auto", COLOR_AUTO}, {"always", COLOR_ALWAYS}, {"never", COLOR_NEVER}, {NULL, 0}};

/* An empty name means "not known", so scripts can pass --name "$NAME" unconditionally. */
static int apply_name(struct cli *cli, const char *value)
{
    cli->opts.customer_name = *value ? value : NULL;
    return 0;
}

static int apply_agent(struct cli *cli, const char *value)
{
    cli->opts.agent_name = *value ? value : NULL;
    return 0;
}

static int apply_rules(struct cli *cli, const char *value)
{
    if (!*value) {
        cli_usage_error(HELP_COMMAND, "--rules needs a file path");
        return -1;
    }
    cli->rule_files[cli->n_rule_files++] = value;
    return 0;
}

static int apply_channel(struct cli *cli, const char *value)
{
    int v;
    if (cli_parse_choice("channel", value, channel_choices, HELP_COMMAND, &v) != 0)
        return -1;
    cli->opts.channel = (replylint_channel)v;
    return 0;
}

static const struct cli_choice turn_choices[] = {{"first", 0}, {"followup", 1}, {NULL, 0}};

static int apply_turn(struct cli *cli, const char *value)
{
    int v;
    if (cli_parse_choice("turn", value, turn_choices, HELP_COMMAND, &v) != 0)
        return -1;
    if (v)
        cli->opts.flags |= REPLYLINT_LINT_FOLLOWUP;
    else
        cli->opts.flags &= ~REPLYLINT_LINT_FOLLOWUP;
    return 0;
}

static int apply_lang(struct cli *cli, const char *value)
{
    int v;
    if (cli_parse_choice("lang", value, lang_choices, HELP_COMMAND, &v) != 0)
        return -1;
    cli->opts.lang = (replylint_lang)v;
    return 0;
}

static int apply_format(struct cli *cli, const char *value)
{
    int v;
    if (cli_parse_choice("format", value, format_choices, HELP_COMMAND, &v) != 0)
        return -1;
    cli->format = (enum format)v;
    return 0;
}

static int apply_fail_level(struct cli *cli, const char *value)
{
    int v;
    if (cli_parse_choice("fail-level", value, level_choices, HELP_COMMAND, &v) != 0)
        return -1;
    cli->fail_level = (replylint_severity)v;
    return 0;
}

static const struct cli_choice yes_no_choices[] = {{"yes", 1}, {"no", 0}, {NULL, 0}};

static int apply_defaults(struct cli *cli, const char *value)
{
    int v;
    if (cli_parse_choice("defaults", value, yes_no_choices, HELP_COMMAND, &v) != 0)
        return -1;
    cli->no_defaults = !v;
    return 0;
}

static int apply_color(struct cli *cli, const char *value)
{
    int v;
    if (cli_parse_choice("color", value, color_choices, HELP_COMMAND, &v) != 0)
        return -1;
    cli->color = (enum color_mode)v;
    return 0;
}

/* Every option takes a value; `commands` says which commands accept it. */
struct option_spec {
    const char *name; /* without the leading "--" */
    unsigned commands;
    int (*apply)(struct cli *cli, const char *value);
};

static const struct option_spec option_specs[] = {
    {"name", CMD_CHECK | CMD_FIX, apply_name},
    {"agent", CMD_CHECK | CMD_FIX, apply_agent},
    {"channel", CMD_CHECK | CMD_FIX, apply_channel},
    {"lang", CMD_CHECK | CMD_FIX, apply_lang},
    {"turn", CMD_CHECK | CMD_FIX, apply_turn},
    {"rules", CMD_CHECK | CMD_RULES | CMD_EXPLAIN | CMD_FIX, apply_rules},
    {"format", CMD_CHECK | CMD_RULES, apply_format},
    {"fail-level", CMD_CHECK, apply_fail_level},
    {"color", CMD_CHECK, apply_color},
    {"defaults", CMD_CHECK | CMD_RULES | CMD_EXPLAIN | CMD_FIX, apply_defaults},
};

static const struct option_spec *find_option(const char *name, size_t len, unsigned command)
{
    for (size_t i = 0; i < sizeof option_specs / sizeof option_specs[0]; i++) {
        const struct option_spec *spec = &option_specs[i];
        if (strlen(spec->name) == len && strncmp(spec->name, name, len) == 0 &&
            (spec->commands & command))
            return spec;
    }
    return NULL;
}

/* Handle the option at argv[*i] ("--name VALUE" or "--name=VALUE"), advancing *i past a
 * separate value. */
static int parse_option(struct cli *cli, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct option_spec *spec = NULL;
    const char *value;

    if (strncmp(arg, "--", 2) == 0)
        spec = find_option(name, len, cli->command);
    if (!spec) {
        cli_usage_error(HELP_COMMAND, "unknown option '%.*s' for '%s'",
                        (int)(eq ? (size_t)(eq - arg) : strlen(arg)), arg, cli->command_name);
        return -1;
    }
    if (eq) {
        value = eq + 1;
    } else if (*i + 1 < argc) {
        value = argv[++*i];
    } else {
        cli_usage_error(HELP_COMMAND, "option '--%s' needs a value", spec->name);
        return -1;
    }
    return spec->apply(cli, value);
}

static int check_operands(const struct cli *cli)
{
    size_t stdin_uses = 0;

    if (cli->command == CMD_RULES && cli->n_operands > 0) {
        cli_usage_error(HELP_COMMAND, "'rules' takes no arguments, got '%s'", cli->operands[0]);
        return -1;
    }
    if (cli->command == CMD_FIX && cli->n_operands > 1) {
        cli_usage_error(HELP_COMMAND, "'fix' takes one FILE (or '-'), got %zu", cli->n_operands);
        return -1;
    }
    if (cli->command == CMD_EXPLAIN && cli->n_operands != 1) {
        cli_usage_error(HELP_COMMAND, "'explain' takes exactly one rule id");
        return -1;
    }
    for (size_t i = 0; cli->command == CMD_CHECK && i < cli->n_operands; i++)
        stdin_uses += strcmp(cli->operands[i], "-") == 0;
    if (stdin_uses > 1) {
        cli_usage_error(HELP_COMMAND, "'-' (standard input) may be given only once");
        return -1;
    }
    return 0;
}

/* Options and operands may be mixed, as in most tools; "--" makes the rest operands. */
static enum parse_result parse_args(struct cli *cli, int argc, char **argv)
{
    int operands_only = 0;

    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (operands_only || arg[0] != '-' || strcmp(arg, "-") == 0) {
            cli->operands[cli->n_operands++] = arg;
        } else if (strcmp(arg, "--") == 0) {
            operands_only = 1;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            return PARSE_HELP;
        } else if (parse_option(cli, argc, argv, &i) != 0) {
            return PARSE_ERROR;
        }
    }
    return check_operands(cli) == 0 ? PARSE_OK : PARSE_ERROR;
}

static unsigned find_command(const char *name)
{
    if (strcmp(name, "check") == 0)
        return CMD_CHECK;
    if (strcmp(name, "rules") == 0)
        return CMD_RULES;
    if (strcmp(name, "explain") == 0)
        return CMD_EXPLAIN;
    if (strcmp(name, "fix") == 0)
        return CMD_FIX;
    return 0;
}

static int cli_init(struct cli *cli, const char *command, int n_args)
{
    memset(cli, 0, sizeof *cli);
    cli->command = find_command(command);
    cli->command_name = command;
    cli->format = FORMAT_TEXT;
    cli->fail_level = REPLYLINT_SEV_WARNING;
    cli->color = COLOR_AUTO;
    /* Each argument is at most one operand or one rule file, so argc bounds both lists. */
    cli->operands = calloc((size_t)n_args + 1, sizeof *cli->operands);
    cli->rule_files = calloc((size_t)n_args + 1, sizeof *cli->rule_files);
    if (!cli->operands || !cli->rule_files ||
        replylint_options_init(&cli->opts, REPLYLINT_OPTIONS_VERSION) != REPLYLINT_OK) {
        fputs("replylint: cannot initialise: out of memory or library mismatch\n", stderr);
        return -1;
    }
    return 0;
}

static void cli_free(struct cli *cli)
{
    free(cli->operands);
    free(cli->rule_files);
}

static int run_command(int argc, char **argv)
{
    struct cli cli;
    int status = EXIT_TROUBLE;

    if (cli_init(&cli, argv[1], argc - 2) == 0) {
        switch (parse_args(&cli, argc - 2, argv + 2)) {
        case PARSE_HELP:
            cli_print_lines(stdout, help_lines, sizeof help_lines / sizeof help_lines[0]);
            status = EXIT_CLEAN;
            break;
        case PARSE_ERROR:
            break;
        case PARSE_OK:
            status = cli.command == CMD_CHECK   ? cmd_check(&cli)
                     : cli.command == CMD_FIX   ? cmd_fix(&cli)
                     : cli.command == CMD_RULES ? cmd_rules(&cli)
                                                : cmd_explain(&cli);
            break;
        }
    }
    cli_free(&cli);
    return status;
}

/* A full disk or a closed pipe must not pass for a clean run. */
static int finish(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "replylint: cannot write output: %s\n", strerror(errno));
        return EXIT_TROUBLE;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_usage_error(HELP_COMMAND, "missing command (check, rules or explain)");
        return EXIT_TROUBLE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        cli_print_lines(stdout, help_lines, sizeof help_lines / sizeof help_lines[0]);
        return finish(EXIT_CLEAN);
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("replylint %s\n", replylint_version_string());
        return finish(EXIT_CLEAN);
    }
    /* audit parses its own options (cli/audit.c). */
    if (strcmp(argv[1], "audit") == 0)
        return finish(audit_main(argc - 2, argv + 2));
    if (!find_command(argv[1])) {
        cli_usage_error(HELP_COMMAND, "unknown command '%s'", argv[1]);
        return EXIT_TROUBLE;
    }
    return finish(run_command(argc, argv));
}
