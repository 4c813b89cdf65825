/*
 * forms.c: where the inflected forms of a phrase word come from.
 *
 * First the table embedded at build time (tools/formgen expanded every word of the
 * default rules with the hunspell dictionaries), so loading the defaults never touches a
 * 3 MB dictionary and start-up stays in milliseconds.  Words of a team's own rules that
 * the table lacks go to the dictionaries, loaded on first need.  Without a dictionary a
 * word matches only as written: the rules still work, just without inflection.
 */
#include "fold.h"
#include "morph.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rl_forms {
    char *dict_dir;
    bool skip_embedded;
    bool table_loaded;
    rl_strmap table;   /* "r:word" / "e:word" -> offset of its line's forms in the blob */
    rl_morph *dict[2]; /* ru, en */
    bool dict_tried[2];
    void (*record)(void *ud, int lang, const char *word, const char *const *forms, size_t n);
    void *record_ud;
};

rl_forms *replylint__forms_new(const char *dict_dir)
{
    rl_forms *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->dict_dir = replylint__strdup(dict_dir ? dict_dir : "/usr/share/hunspell");
    if (!f->dict_dir) {
        free(f);
        return NULL;
    }
    return f;
}

void replylint__forms_free(rl_forms *f)
{
    if (!f)
        return;
    free(f->dict_dir);
    replylint__strmap_free(&f->table);
    replylint__morph_free(f->dict[0]);
    replylint__morph_free(f->dict[1]);
    free(f);
}

void replylint__forms_set_recorder(rl_forms *f,
                                   void (*record)(void *ud, int lang, const char *word,
                                                  const char *const *forms, size_t n),
                                   void *ud)
{
    f->record = record;
    f->record_ud = ud;
}

void replylint__forms_skip_embedded(rl_forms *f)
{
    f->skip_embedded = true;
}

/* The embedded table: one line per word, "r<TAB>word<TAB>form form ...\n". */
static int load_table(rl_forms *f)
{
    f->table_loaded = true;
    const char *s = replylint__embedded_forms;
    size_t len = replylint__embedded_forms_len, i = 0;
    while (i < len) {
        size_t eol = i;
        while (eol < len && s[eol] != '\n')
            eol++;
        const char *t1 = memchr(s + i, '\t', eol - i);
        const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(s + eol - t1 - 1)) : NULL;
        if (t1 && t2 && t1 == s + i + 1) {
            char key[256];
            size_t wl = (size_t)(t2 - t1 - 1);
            if (wl + 2 < sizeof(key)) {
                key[0] = s[i];
                key[1] = ':';
                memcpy(key + 2, t1 + 1, wl);
                if (replylint__strmap_put(&f->table, key, wl + 2, (uint32_t)(t2 + 1 - s)) != 0)
                    return -1;
            }
        }
        i = eol + 1;
    }
    return 0;
}

static int lang_index(int lang, const char *word, size_t len)
{
    if (lang == REPLYLINT_LANG_RU)
        return 0;
    if (lang == REPLYLINT_LANG_EN)
        return 1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)word[i] == 0xD0 || (unsigned char)word[i] == 0xD1)
            return 0;
    return 1;
}

typedef struct collect {
    int (*emit)(void *ud, const char *form, size_t len);
    void *ud;
    char **forms; /* kept only when recording */
    size_t n, cap;
    bool keep;
    int rc;
} collect;

static int collect_form(void *ud, const char *form, size_t len)
{
    collect *c = ud;
    size_t fl = 0;
    char *folded = replylint__fold_str(form, len, &fl);
    if (!folded)
        return c->rc = -1;
    int r = fl ? c->emit(c->ud, folded, fl) : 0;
    if (r < 0) {
        free(folded);
        return c->rc = r;
    }
    if (c->keep && fl && RL_GROW(c->forms, c->cap, c->n + 1) == 0)
        c->forms[c->n++] = folded;
    else
        free(folded);
    return 0;
}

int replylint__forms_each(rl_forms *f, int lang, const char *word, size_t len,
                          int (*emit)(void *ud, const char *form, size_t len), void *ud)
{
    int li = lang_index(lang, word, len);
    if (!f->skip_embedded) {
        if (!f->table_loaded && load_table(f) != 0)
            return -1;
        char key[256];
        uint32_t at;
        if (len + 2 < sizeof(key)) {
            key[0] = li == 0 ? 'r' : 'e';
            key[1] = ':';
            memcpy(key + 2, word, len);
            if (replylint__strmap_get(&f->table, key, len + 2, &at)) {
                int r = emit(ud, word, len);
                const char *s = replylint__embedded_forms;
                size_t i = at, end = replylint__embedded_forms_len;
                while (r >= 0 && i < end && s[i] != '\n') {
                    size_t j = i;
                    while (j < end && s[j] != ' ' && s[j] != '\n')
                        j++;
                    if (j > i)
                        r = emit(ud, s + i, j - i);
                    i = j < end && s[j] == ' ' ? j + 1 : j;
                }
                return r < 0 ? r : 0;
            }
        }
    }
    if (!f->dict_tried[li]) {
        f->dict_tried[li] = true;
        const char *base = li == 0 ? "ru_RU" : "en_US";
        char aff[4096], dic[4096], msg[256];
        snprintf(aff, sizeof(aff), "%s/%s.aff", f->dict_dir, base);
        snprintf(dic, sizeof(dic), "%s/%s.dic", f->dict_dir, base);
        /* A missing dictionary is not an error: the word then matches as written. */
        if (replylint__morph_load(&f->dict[li], aff, dic, msg, sizeof(msg)) == -3)
            return -1;
    }
    if (!f->dict[li])
        return emit(ud, word, len) < 0 ? -1 : 0;
    collect c = {emit, ud, NULL, 0, 0, f->record != NULL, 0};
    int r = replylint__morph_forms(f->dict[li], word, len, collect_form, &c);
    if (r >= 0 && c.rc == 0 && f->record)
        f->record(f->record_ud, li == 0 ? REPLYLINT_LANG_RU : REPLYLINT_LANG_EN, word,
                  (const char *const *)c.forms, c.n);
    for (size_t i = 0; i < c.n; i++)
        free(c.forms[i]);
    free(c.forms);
    return (r < 0 || c.rc < 0) ? -1 : 0;
}
