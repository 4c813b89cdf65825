/*
 * embed.c: build-time tool that turns the default rule files and the generated forms
 * table into C arrays, so the library carries its rules and needs no files at run time.
 *
 *   embed OUT.c FORMS.txt NAME=PATH...
 *
 * Each rule file goes in twice: as text (the tests parse it as any rule file is parsed)
 * and already parsed, as libyaml's document nodes flattened into arrays (see
 * rl_embedded_file).  Parsing 180 KB of YAML took a fifth of loading the defaults, which
 * a command-line call per reply pays every time; rebuilding the nodes from arrays takes
 * one allocation.
 *
 * Byte arrays rather than string literals: C11 promises string literals of only 4095
 * characters, and -Wpedantic says so.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static void emit_bytes(FILE *out, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s0x%02x,", i % 16 == 0 ? "\n    " : "", (unsigned)p[i]);
    fprintf(out, "\n    0x00};\n");
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "embed: cannot open %s\n", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, in)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(in);
    if (!buf)
        fprintf(stderr, "embed: out of memory reading %s\n", path);
    *len = n;
    return buf;
}

static int emit_array(FILE *out, const char *var, const char *path, size_t *len)
{
    unsigned char *data = read_file(path, len);
    if (!data)
        return -1;
    fprintf(out, "static const unsigned char %s[] = {", var);
    emit_bytes(out, data, *len);
    free(data);
    return 0;
}

/*
 * The document of one rule file: per node RL_EMBEDDED_NODE_FIELDS numbers (type, style,
 * line, column, then for a scalar the offset and length of its text, for a sequence or
 * mapping the index and count of its items or pairs), the items, the pairs and the
 * scalars' text, each NUL-terminated.
 */
static int emit_document(FILE *out, int index, const char *path, size_t *n_nodes_out)
{
    size_t len = 0;
    unsigned char *data = read_file(path, &len);
    if (!data)
        return -1;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        free(data);
        return -1;
    }
    yaml_parser_set_input_string(&parser, data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        fprintf(stderr, "%s:%lu:%lu: YAML: %s\n", path, (unsigned long)parser.problem_mark.line + 1,
                (unsigned long)parser.problem_mark.column + 1,
                parser.problem ? parser.problem : "syntax error");
        yaml_parser_delete(&parser);
        free(data);
        return -1;
    }
    size_t n_nodes = (size_t)(doc.nodes.top - doc.nodes.start), n_items = 0, n_pairs = 0;
    size_t text_len = 0;

    fprintf(out, "static const uint32_t rule_nodes_%d[] = {", index);
    for (size_t i = 0; i < n_nodes; i++) {
        const yaml_node_t *n = &doc.nodes.start[i];
        unsigned long style = 0, at = 0, count = 0;
        switch (n->type) {
        case YAML_SCALAR_NODE:
            style = (unsigned long)n->data.scalar.style;
            at = (unsigned long)text_len;
            count = (unsigned long)n->data.scalar.length;
            text_len += n->data.scalar.length + 1;
            break;
        case YAML_SEQUENCE_NODE:
            style = (unsigned long)n->data.sequence.style;
            at = (unsigned long)n_items;
            count = (unsigned long)(n->data.sequence.items.top - n->data.sequence.items.start);
            n_items += count;
            break;
        case YAML_MAPPING_NODE:
            style = (unsigned long)n->data.mapping.style;
            at = (unsigned long)n_pairs;
            count = (unsigned long)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
            n_pairs += count;
            break;
        default:
            break;
        }
        fprintf(out, "\n    %d, %lu, %lu, %lu, %lu, %lu,", (int)n->type, style,
                (unsigned long)n->start_mark.line, (unsigned long)n->start_mark.column, at, count);
    }
    fprintf(out, "\n    0};\n");

    fprintf(out, "static const yaml_node_item_t rule_items_%d[] = {", index);
    for (size_t i = 0, k = 0; i < n_nodes; i++) {
        const yaml_node_t *n = &doc.nodes.start[i];
        if (n->type != YAML_SEQUENCE_NODE)
            continue;
        for (const yaml_node_item_t *it = n->data.sequence.items.start;
             it < n->data.sequence.items.top; it++, k++)
            fprintf(out, "%s%d,", k % 16 == 0 ? "\n    " : " ", *it);
    }
    fprintf(out, "\n    0};\n");

    fprintf(out, "static const yaml_node_pair_t rule_pairs_%d[] = {", index);
    for (size_t i = 0, k = 0; i < n_nodes; i++) {
        const yaml_node_t *n = &doc.nodes.start[i];
        if (n->type != YAML_MAPPING_NODE)
            continue;
        for (const yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++, k++)
            fprintf(out, "%s{%d, %d},", k % 8 == 0 ? "\n    " : " ", p->key, p->value);
    }
    fprintf(out, "\n    {0, 0}};\n");

    fprintf(out, "static const unsigned char rule_text_%d[] = {", index);
    for (size_t i = 0, k = 0; i < n_nodes; i++) {
        const yaml_node_t *n = &doc.nodes.start[i];
        if (n->type != YAML_SCALAR_NODE)
            continue;
        for (size_t j = 0; j <= n->data.scalar.length; j++, k++)
            fprintf(out, "%s0x%02x,", k % 16 == 0 ? "\n    " : "",
                    j < n->data.scalar.length ? (unsigned)n->data.scalar.value[j] : 0u);
    }
    fprintf(out, "\n    0x00};\n");

    *n_nodes_out = n_nodes;
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: embed OUT.c FORMS.txt NAME=PATH...\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        fprintf(stderr, "embed: cannot write %s\n", argv[1]);
        return 1;
    }
    fprintf(out, "/* Generated by tools/embed.c from rules/: do not edit. */\n"
                 "#include \"rules.h\"\n\n#include <yaml.h>\n\n");
    size_t forms_len = 0;
    if (emit_array(out, "forms", argv[2], &forms_len) != 0)
        return 1;
    size_t *lens = calloc((size_t)argc, sizeof(size_t));
    size_t *nodes = calloc((size_t)argc, sizeof(size_t));
    if (!lens || !nodes)
        return 1;
    for (int i = 3; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            fprintf(stderr, "embed: expected NAME=PATH, got %s\n", argv[i]);
            return 2;
        }
        char var[32];
        snprintf(var, sizeof(var), "rule_file_%d", i - 3);
        if (emit_array(out, var, eq + 1, &lens[i]) != 0 ||
            emit_document(out, i - 3, eq + 1, &nodes[i]) != 0)
            return 1;
    }
    fprintf(out, "\nconst rl_embedded_file replylint__embedded_rules[] = {\n");
    for (int i = 3; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        int k = i - 3;
        fprintf(
            out,
            "    {\"%.*s\", (const char *)rule_file_%d, %zu, rule_nodes_%d, %zu, rule_items_%d, "
            "rule_pairs_%d, (const char *)rule_text_%d},\n",
            (int)(eq - argv[i]), argv[i], k, lens[i], k, nodes[i], k, k, k);
    }
    if (argc == 3)
        fprintf(out, "    {\"\", \"\", 0, NULL, 0, NULL, NULL, NULL},\n");
    fprintf(out, "};\nconst size_t replylint__embedded_rules_count = %d;\n", argc - 3);
    fprintf(out, "const char *const replylint__embedded_forms = (const char *)forms;\n");
    fprintf(out, "const size_t replylint__embedded_forms_len = %zu;\n", forms_len);
    free(lens);
    free(nodes);
    return fclose(out) == 0 ? 0 : 1;
}
