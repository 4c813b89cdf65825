/*
 * formgen.c: build-time tool that expands every phrase word of the default rules into
 * its inflected forms with the hunspell dictionaries, and writes the table that the
 * library embeds (see lib/forms.c).
 *
 *   formgen DICT_DIR OUT.txt RULE.yaml...
 *
 * It compiles the rules exactly as the library does, with a recorder on the forms
 * lookups, so the table holds precisely the words the rules use.
 */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct table {
    char **lines;
    size_t n, cap;
    int failed;
} table;

static void record(void *ud, int lang, const char *word, const char *const *forms, size_t n)
{
    table *t = ud;
    size_t len = strlen(word) + 4;
    for (size_t i = 0; i < n; i++)
        len += strlen(forms[i]) + 1;
    char *line = malloc(len + 1);
    if (!line || RL_GROW(t->lines, t->cap, t->n + 1) != 0) {
        free(line);
        t->failed = 1;
        return;
    }
    char *p = line + sprintf(line, "%c\t%s\t", lang == REPLYLINT_LANG_RU ? 'r' : 'e', word);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s%s", i ? " " : "", forms[i]);
    t->lines[t->n++] = line;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (RL_GROW(buf, cap, *len + 65536) != 0)
            break;
        size_t n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0) {
            fclose(f);
            return buf;
        }
    }
    fclose(f);
    free(buf);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: formgen DICT_DIR OUT.txt RULE.yaml...\n");
        return 2;
    }
    const char *dict = argv[1];
    const char *need[] = {"ru_RU.aff", "ru_RU.dic", "en_US.aff", "en_US.dic"};
    for (size_t i = 0; i < 4; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dict, need[i]);
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr,
                    "formgen: %s is missing: the default rules are inflected with the hunspell "
                    "dictionaries (apt-get install hunspell-ru hunspell-en-us)\n",
                    path);
            return 1;
        }
        fclose(f);
    }
    int n_src = argc - 3;
    rl_source *src = calloc((size_t)(n_src ? n_src : 1), sizeof(*src));
    if (!src)
        return 1;
    for (int i = 0; i < n_src; i++) {
        src[i].name = argv[i + 3];
        src[i].data = read_file(argv[i + 3], &src[i].len);
        if (!src[i].data) {
            fprintf(stderr, "formgen: cannot read %s\n", argv[i + 3]);
            return 1;
        }
    }
    rl_forms *forms = replylint__forms_new(dict);
    table t = {0};
    if (!forms)
        return 1;
    replylint__forms_skip_embedded(forms);
    replylint__forms_set_recorder(forms, record, &t);
    replylint_ruleset *rs = NULL;
    replylint_error err;
    int rc = replylint__compile(&rs, src, (size_t)n_src, forms, 0, &err);
    if (rc) {
        if (err.line)
            fprintf(stderr, "%s:%u:%u: error: %s\n", err.source, err.line, err.column, err.message);
        else
            fprintf(stderr, "formgen: %s\n", err.message);
        return 1;
    }
    replylint_ruleset_free(rs);
    replylint__forms_free(forms);
    if (t.failed)
        return 1;
    qsort(t.lines, t.n, sizeof(char *), cmp_line);
    FILE *out = fopen(argv[2], "w");
    if (!out)
        return 1;
    for (size_t i = 0; i < t.n; i++)
        if (i == 0 || strcmp(t.lines[i], t.lines[i - 1]) != 0)
            fprintf(out, "%s\n", t.lines[i]);
    for (size_t i = 0; i < t.n; i++)
        free(t.lines[i]);
    free(t.lines);
    for (int i = 0; i < n_src; i++)
        free(src[i].data);
    free(src);
    return fclose(out) == 0 ? 0 : 1;
}
