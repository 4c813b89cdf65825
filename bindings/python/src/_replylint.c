/*
 * _replylint.c: the CPython extension behind the `replylint` package.
 *
 * Written against the limited API (Py_LIMITED_API 3.10, abi3), so one build of the module
 * loads in every CPython from 3.10 on.  Every type is a heap type made with
 * PyType_FromModuleAndSpec and everything the module owns (types, exceptions, the Rule
 * namedtuple) lives in the module state: no static mutable state, so the module can be
 * loaded in several interpreters and torn down cleanly.
 *
 * The types are final (not subclassable): a method then finds the module state with
 * PyType_GetModuleState(Py_TYPE(self)) without the METH_METHOD calling convention, whose
 * keyword arguments the limited API gives no parser for.
 *
 * Threads: a compiled replylint_ruleset is immutable, so check() and fix() copy their
 * arguments into C buffers and release the GIL for the whole lint; Python threads sharing
 * one Linter then run on all cores.
 */
#define PY_SSIZE_T_CLEAN
#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030A0000
#endif
#include <Python.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <replylint.h>

/* Not defined by the 3.10 headers in limited mode, but honoured by every 3.10+ runtime. */
#ifndef Py_TPFLAGS_DISALLOW_INSTANTIATION
#define Py_TPFLAGS_DISALLOW_INSTANTIATION (1UL << 7)
#endif
#ifndef Py_TPFLAGS_IMMUTABLETYPE
#define Py_TPFLAGS_IMMUTABLETYPE (1UL << 8)
#endif

/* ---- module state --------------------------------------------------------------------- */

typedef struct {
    PyObject *linter_type;
    PyObject *report_type;
    PyObject *diag_type;
    PyObject *error;      /* replylint.Error(Exception) */
    PyObject *rule_error; /* replylint.RuleError(Error) */
    PyObject *rule_tuple; /* replylint.Rule, a collections.namedtuple */
} module_state;

/* Every type of this module is final, so the type of `self` is always the one made from
 * the module's spec and carries the module state. */
static module_state *state_of(PyObject *self)
{
    return (module_state *)PyType_GetModuleState(Py_TYPE(self));
}

/* ---- objects -------------------------------------------------------------------------- */

/* Scratches a Linter keeps for its check() calls: one per thread that is linting at the
 * same moment, up to this many; more threads lint with memory of their own.  A scratch
 * keeps the memory of the longest reply it linted (about 13 bytes per byte), so one that
 * served a reply longer than SCRATCH_KEEP_BYTES is freed rather than kept. */
#define SCRATCH_POOL       8
#define SCRATCH_KEEP_BYTES ((Py_ssize_t)64 * 1024)

typedef struct {
    PyObject ob_base;
    replylint_ruleset *rs; /* immutable: shared by threads without the GIL */
    PyObject *files;       /* tuple of str: the rule files, for repr */
    int defaults;
    /* Idle scratches (replylint_lint_with_scratch), taken and given back while the GIL is
     * held, so that the GIL is their lock; a call uses its scratch with the GIL released. */
    replylint_scratch *pool[SCRATCH_POOL];
    int n_pool;
} LinterObject;

/* An idle scratch, or a new one; NULL (lint with fresh memory) if out of memory.  GIL held. */
static replylint_scratch *scratch_take(LinterObject *l)
{
    replylint_scratch *sc = NULL;
    if (l->n_pool > 0)
        return l->pool[--l->n_pool];
    replylint_scratch_new(&sc, NULL);
    return sc;
}

/* Keep sc for the next call, or free it when the pool is full or sc served a long reply of
 * `len` bytes.  GIL held. */
static void scratch_give_back(LinterObject *l, replylint_scratch *sc, Py_ssize_t len)
{
    if (sc && l->n_pool < SCRATCH_POOL && len <= SCRATCH_KEEP_BYTES)
        l->pool[l->n_pool++] = sc;
    else
        replylint_scratch_free(sc);
}

typedef struct {
    PyObject ob_base;
    replylint_report *report;
    PyObject *text; /* the linted str */
} ReportObject;

typedef struct {
    PyObject ob_base;
    PyObject *report; /* keeps the C report, which owns `diag`, alive */
    const replylint_diag *diag;
} DiagObject;

/* ---- small helpers -------------------------------------------------------------------- */

/* The limited API hides tp_name; the name comes from the type's __name__ instead. */
static void type_error(const char *what, const char *expected, PyObject *got)
{
    PyObject *name = PyObject_GetAttrString((PyObject *)Py_TYPE(got), "__name__");
    if (!name)
        return;
    PyErr_Format(PyExc_TypeError, "%s must be %s, not %U", what, expected, name);
    Py_DECREF(name);
}

/* The tp_alloc of a heap type, as the limited API lets us reach it. */
static PyObject *alloc_instance(PyObject *type)
{
    allocfunc alloc = (allocfunc)PyType_GetSlot((PyTypeObject *)type, Py_tp_alloc);
    return alloc((PyTypeObject *)type, 0);
}

/* The common tail of every dealloc: free the memory, then drop the heap type's reference
 * that each instance holds. */
static void free_instance(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);
    tp_free(self);
    Py_DECREF(tp);
}

/* Strings from the library are UTF-8; a rule's source may be a file system path, which
 * need not be. */
static PyObject *str_or_fs(const char *s)
{
    PyObject *o = PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "strict");
    if (!o && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
        PyErr_Clear();
        o = PyUnicode_DecodeFSDefault(s);
    }
    return o;
}

/* ---- errors --------------------------------------------------------------------------- */

/* Raise `type` with `message`, and the details of `err` as attributes of the instance:
 * code and message always, the location when `located`. */
static void raise_with_attrs(PyObject *type, PyObject *message, const replylint_error *err,
                             int located)
{
    static const char *const names[] = {"code", "message", "file", "line", "column", "offset"};
    PyObject *exc = PyObject_CallFunctionObjArgs(type, message, NULL);
    if (!exc)
        return;
    int n = located ? 6 : 2, ok = 1;
    for (int i = 0; ok && i < n; i++) {
        PyObject *v = NULL;
        switch (i) {
        case 0:
            v = PyLong_FromLong(err->status);
            break;
        case 1:
            v = PyUnicode_DecodeUTF8(err->message, (Py_ssize_t)strlen(err->message), "replace");
            break;
        case 2:
            v = err->source[0] ? str_or_fs(err->source) : Py_NewRef(Py_None);
            break;
        case 3:
            v = PyLong_FromUnsignedLong(err->line);
            break;
        case 4:
            v = PyLong_FromUnsignedLong(err->column);
            break;
        default:
            v = PyLong_FromSize_t(err->offset);
            break;
        }
        ok = v && PyObject_SetAttrString(exc, names[i], v) == 0;
        Py_XDECREF(v);
    }
    if (ok)
        PyErr_SetObject(type, exc);
    Py_DECREF(exc);
}

/*
 * A failure while loading rules.  A file that cannot be opened is an OSError
 * (FileNotFoundError, PermissionError, ...), as open() would raise, when the library left
 * errno set; everything else about a rule file is a RuleError that names the file, line
 * and column.
 */
static void raise_rule_error(module_state *st, int rc, const replylint_error *err, int saved_errno,
                             PyObject *path)
{
    if (rc == REPLYLINT_ENOMEM) {
        PyErr_NoMemory();
        return;
    }
    if (rc == REPLYLINT_EIO && saved_errno != 0 && path) {
        errno = saved_errno;
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
        return;
    }
    PyObject *msg;
    if (err->source[0] && err->line)
        msg = PyUnicode_FromFormat("%s:%u:%u: %s", err->source, (unsigned)err->line,
                                   (unsigned)err->column, err->message);
    else if (err->source[0] && !strstr(err->message, err->source))
        msg = PyUnicode_FromFormat("%s: %s", err->source, err->message);
    else
        msg = PyUnicode_FromString(err->message);
    if (!msg)
        return;
    raise_with_attrs(rc == REPLYLINT_EINVAL ? PyExc_ValueError : st->rule_error, msg, err, 1);
    Py_DECREF(msg);
}

/* A failure of lint or fix: the text, not a rule, is at fault.  `len` is the text's size
 * in bytes, for a message that speaks of what the caller passed rather than of C options. */
static void raise_text_error(module_state *st, int rc, const replylint_error *err, size_t len)
{
    if (rc == REPLYLINT_ENOMEM) {
        PyErr_NoMemory();
        return;
    }
    if (rc == REPLYLINT_ETOOBIG) {
        PyErr_Format(PyExc_ValueError, "text is too long: %zu bytes of UTF-8, the limit is %zu",
                     len, (size_t)REPLYLINT_DEFAULT_MAX_BYTES);
        return;
    }
    PyObject *msg = PyUnicode_FromString(err->message);
    if (!msg)
        return;
    if (rc == REPLYLINT_EUTF8 || rc == REPLYLINT_EINVAL)
        PyErr_SetObject(PyExc_ValueError, msg);
    else
        raise_with_attrs(st->error, msg, err, 0);
    Py_DECREF(msg);
}

/* ---- Linter: construction ------------------------------------------------------------- */

/* Append `obj` (str, bytes or os.PathLike) to `paths` as bytes in the file system
 * encoding; PyUnicode_FSConverter also rejects paths with NUL characters. */
static int append_path(PyObject *paths, PyObject *obj)
{
    PyObject *bytes = NULL;
    if (!PyUnicode_FSConverter(obj, &bytes))
        return -1;
    int rc = PyList_Append(paths, bytes);
    Py_DECREF(bytes);
    return rc;
}

/* `rules` is None, one path, or an iterable of paths: a list of bytes, or NULL. */
static PyObject *collect_paths(PyObject *rules)
{
    PyObject *paths = PyList_New(0);
    if (!paths || rules == Py_None)
        return paths;
    /* A str is iterable too: test for one path first, or "team.yaml" would be 9 files. */
    if (PyUnicode_Check(rules) || PyBytes_Check(rules) ||
        PyObject_HasAttrString(rules, "__fspath__")) {
        if (append_path(paths, rules) != 0)
            Py_CLEAR(paths);
        return paths;
    }
    PyObject *it = PyObject_GetIter(rules);
    if (!it) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            type_error("rules", "a path or a list of paths", rules);
        }
        Py_DECREF(paths);
        return NULL;
    }
    PyObject *item;
    while ((item = PyIter_Next(it)) != NULL) {
        int rc = append_path(paths, item);
        Py_DECREF(item);
        if (rc != 0)
            break;
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        Py_CLEAR(paths);
    return paths;
}

static PyObject *linter_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"rules", "defaults", "dict_dir", "check_examples", NULL};
    PyObject *rules = Py_None, *dict_dir = Py_None;
    int defaults = 1, check_examples = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O$pOp:Linter", kwlist, &rules, &defaults,
                                     &dict_dir, &check_examples))
        return NULL;
    module_state *st = (module_state *)PyType_GetModuleState(type);
    if (!st)
        return NULL;

    PyObject *dict_bytes = NULL, *files = NULL, *self = NULL;
    const char **cpaths = NULL;
    PyObject *paths = collect_paths(rules);
    if (!paths)
        return NULL;
    if (dict_dir != Py_None && !PyUnicode_FSConverter(dict_dir, &dict_bytes))
        goto out;
    Py_ssize_t n = PyList_Size(paths);
    /* The C strings must be gathered while the GIL is held; the bytes objects that own
     * them stay alive in `paths` until the end. */
    cpaths = PyMem_Calloc((size_t)n + 1, sizeof(*cpaths));
    if (!cpaths) {
        PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (!(cpaths[i] = PyBytes_AsString(PyList_GetItem(paths, i))))
            goto out;
    const char *cdict = dict_bytes ? PyBytes_AsString(dict_bytes) : NULL;
    if (dict_bytes && !cdict)
        goto out;
    unsigned flags = (defaults ? 0u : REPLYLINT_BUILD_NO_DEFAULTS) |
                     (check_examples ? 0u : REPLYLINT_BUILD_NO_EXAMPLES);

    replylint_error err;
    memset(&err, 0, sizeof(err));
    replylint_ruleset *rs = NULL;
    replylint_builder *b = NULL;
    Py_ssize_t failed = -1;
    int rc, saved_errno = 0;
    /* Loading may inflect phrases with the hunspell dictionaries: no reason to hold up
     * other threads meanwhile.  The builder is local to this call. */
    Py_BEGIN_ALLOW_THREADS
    rc = replylint_builder_new(&b, flags, cdict, &err);
    for (Py_ssize_t i = 0; rc == REPLYLINT_OK && i < n; i++) {
        errno = 0;
        rc = replylint_builder_add_file(b, cpaths[i], &err);
        if (rc != REPLYLINT_OK) {
            saved_errno = errno; /* why fopen failed, for a proper OSError */
            failed = i;
        }
    }
    if (rc == REPLYLINT_OK)
        rc = replylint_builder_compile(&rs, b, &err);
    replylint_builder_free(b);
    Py_END_ALLOW_THREADS
    if (rc != REPLYLINT_OK) {
        PyObject *path = NULL;
        if (failed >= 0)
            path = PyUnicode_DecodeFSDefault(cpaths[failed]);
        if (failed < 0 || path)
            raise_rule_error(st, rc, &err, saved_errno, path);
        Py_XDECREF(path);
        goto out;
    }

    if (!(files = PyTuple_New(n))) {
        replylint_ruleset_free(rs);
        goto out;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyUnicode_DecodeFSDefault(cpaths[i]);
        if (!s || PyTuple_SetItem(files, i, s) != 0) {
            replylint_ruleset_free(rs);
            goto out;
        }
    }
    self = alloc_instance((PyObject *)type);
    if (!self) {
        replylint_ruleset_free(rs);
        goto out;
    }
    LinterObject *l = (LinterObject *)self;
    l->rs = rs;
    l->files = files;
    files = NULL;
    l->defaults = defaults;
out:
    PyMem_Free(cpaths);
    Py_XDECREF(files);
    Py_XDECREF(dict_bytes);
    Py_DECREF(paths);
    return self;
}

static void linter_dealloc(PyObject *self)
{
    LinterObject *l = (LinterObject *)self;
    replylint_ruleset_free(l->rs);
    while (l->n_pool > 0)
        replylint_scratch_free(l->pool[--l->n_pool]);
    Py_XDECREF(l->files);
    free_instance(self);
}

static PyObject *linter_repr(PyObject *self)
{
    LinterObject *l = (LinterObject *)self;
    return PyUnicode_FromFormat("<replylint.Linter: %zu rules, defaults=%s, files=%R>",
                                replylint_ruleset_count(l->rs), l->defaults ? "True" : "False",
                                l->files);
}

/* ---- Linter: per-call arguments ------------------------------------------------------- */

/* Everything a lint call needs, copied out of Python objects so that the GIL can go. */
typedef struct {
    PyObject *text;      /* borrowed: the str given */
    PyObject *text_utf8; /* bytes owned by the call */
    PyObject *names[2];  /* customer, agent: bytes or NULL */
    const char *buf;
    Py_ssize_t len;
    replylint_options opts;
} call_args;

static void call_args_clear(call_args *ca)
{
    Py_CLEAR(ca->text_utf8);
    Py_CLEAR(ca->names[0]);
    Py_CLEAR(ca->names[1]);
}

/* None, or a str without NUL characters (the C API takes names NUL-terminated), as UTF-8
 * bytes in *out. */
static int parse_name(PyObject *obj, const char *what, PyObject **out, const char **c)
{
    *c = NULL;
    if (obj == Py_None)
        return 0;
    if (!PyUnicode_Check(obj)) {
        type_error(what, "str or None", obj);
        return -1;
    }
    if (!(*out = PyUnicode_AsUTF8String(obj)))
        return -1;
    char *s;
    Py_ssize_t n;
    if (PyBytes_AsStringAndSize(*out, &s, &n) != 0)
        return -1;
    if (memchr(s, '\0', (size_t)n)) {
        PyErr_Format(PyExc_ValueError, "%s must not contain NUL characters", what);
        return -1;
    }
    *c = s;
    return 0;
}

/* One of a few str values: its index in `names`, or -1 with an exception set. */
static int parse_choice(PyObject *obj, const char *what, const char *const *names, size_t n)
{
    if (!PyUnicode_Check(obj)) {
        type_error(what, "str", obj);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (PyUnicode_CompareWithASCIIString(obj, names[i]) == 0)
            return (int)i;
    if (PyErr_Occurred())
        return -1;
    PyObject *list = PyUnicode_FromString(names[0]);
    for (size_t i = 1; list && i < n; i++) {
        PyObject *next = PyUnicode_FromFormat("%U, %s", list, names[i]);
        Py_DECREF(list);
        list = next;
    }
    if (list)
        PyErr_Format(PyExc_ValueError, "%s must be one of %U, not %R", what, list, obj);
    Py_XDECREF(list);
    return -1;
}

static const char *const channel_names[] = {"email", "chat"};
static const replylint_channel channel_values[] = {REPLYLINT_CHANNEL_EMAIL, REPLYLINT_CHANNEL_CHAT};
static const char *const lang_names[] = {"auto", "ru", "en"};
static const replylint_lang lang_values[] = {REPLYLINT_LANG_AUTO, REPLYLINT_LANG_RU,
                                             REPLYLINT_LANG_EN};
static const char *const severity_names[] = {"suggestion", "warning", "error"};
static const replylint_severity severity_values[] = {REPLYLINT_SEV_SUGGESTION,
                                                     REPLYLINT_SEV_WARNING, REPLYLINT_SEV_ERROR};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int parse_call(PyObject *args, PyObject *kwds, const char *format, call_args *ca)
{
    static char *kwlist[] = {"text", "customer_name", "agent_name", "channel",
                             "lang", "min_severity",  "followup",   NULL};
    PyObject *customer = Py_None, *agent = Py_None, *channel = NULL, *lang = NULL;
    PyObject *min_sev = Py_None;
    int followup = 0;
    memset(ca, 0, sizeof(*ca));
    if (!PyArg_ParseTupleAndKeywords(args, kwds, format, kwlist, &ca->text, &customer, &agent,
                                     &channel, &lang, &min_sev, &followup))
        return -1;
    if (replylint_options_init(&ca->opts, REPLYLINT_OPTIONS_VERSION) != REPLYLINT_OK) {
        PyErr_SetString(PyExc_RuntimeError, "replylint: options version mismatch");
        return -1;
    }
    if (!PyUnicode_Check(ca->text)) {
        if (PyBytes_Check(ca->text) || PyByteArray_Check(ca->text))
            PyErr_SetString(PyExc_TypeError,
                            "text must be str, not bytes: decode it first (data.decode())");
        else
            type_error("text", "str", ca->text);
        return -1;
    }
    /* Every code point takes at least one byte: refuse a text that is certainly too big
     * before spending time and memory on encoding it. */
    Py_ssize_t cps = PyUnicode_GetLength(ca->text);
    if (cps < 0)
        return -1;
    if ((size_t)cps > REPLYLINT_DEFAULT_MAX_BYTES) {
        PyErr_Format(PyExc_ValueError, "text is too long: over %zu bytes of UTF-8",
                     (size_t)REPLYLINT_DEFAULT_MAX_BYTES);
        return -1;
    }
    /* A bytes copy rather than PyUnicode_AsUTF8AndSize(): that one would keep a UTF-8 copy
     * cached inside the caller's str for as long as the str lives.  Lone surrogates fail
     * here with UnicodeEncodeError, a ValueError. */
    if (!(ca->text_utf8 = PyUnicode_AsUTF8String(ca->text)))
        return -1;
    char *buf;
    if (PyBytes_AsStringAndSize(ca->text_utf8, &buf, &ca->len) != 0)
        return -1;
    ca->buf = buf;
    if (parse_name(customer, "customer_name", &ca->names[0], &ca->opts.customer_name) != 0 ||
        parse_name(agent, "agent_name", &ca->names[1], &ca->opts.agent_name) != 0)
        return -1;
    int i;
    if (channel) {
        if ((i = parse_choice(channel, "channel", channel_names, COUNT(channel_names))) < 0)
            return -1;
        ca->opts.channel = channel_values[i];
    }
    if (lang) {
        if ((i = parse_choice(lang, "lang", lang_names, COUNT(lang_names))) < 0)
            return -1;
        ca->opts.lang = lang_values[i];
    }
    if (min_sev != Py_None) {
        if ((i = parse_choice(min_sev, "min_severity", severity_names, COUNT(severity_names))) < 0)
            return -1;
        ca->opts.min_severity = severity_values[i];
    }
    if (followup)
        ca->opts.flags |= REPLYLINT_LINT_FOLLOWUP;
    return 0;
}

/* ---- Linter: methods ------------------------------------------------------------------ */

static PyObject *linter_check(PyObject *self, PyObject *args, PyObject *kwds)
{
    LinterObject *l = (LinterObject *)self;
    module_state *st = state_of(self);
    call_args ca;
    memset(&ca, 0, sizeof(ca));
    if (!st || parse_call(args, kwds, "O|OOOO$Op:check", &ca) != 0) {
        call_args_clear(&ca);
        return NULL;
    }
    replylint_report *report = NULL;
    replylint_error err;
    int rc;
    /* `self` and the bytes in `ca` are referenced by this frame, so the rule set and the
     * buffers outlive the call even if other threads drop their references meanwhile. */
    replylint_scratch *sc = scratch_take(l);
    Py_BEGIN_ALLOW_THREADS
    rc = replylint_lint_with_scratch(&report, l->rs, sc, ca.buf, (size_t)ca.len, &ca.opts, &err);
    Py_END_ALLOW_THREADS
    scratch_give_back(l, sc, ca.len);
    call_args_clear(&ca);
    if (rc != REPLYLINT_OK) {
        raise_text_error(st, rc, &err, (size_t)ca.len);
        return NULL;
    }
    PyObject *obj = alloc_instance(st->report_type);
    if (!obj) {
        replylint_report_free(report);
        return NULL;
    }
    ReportObject *r = (ReportObject *)obj;
    r->report = report;
    Py_INCREF(ca.text);
    r->text = ca.text;
    return obj;
}

static PyObject *linter_fix(PyObject *self, PyObject *args, PyObject *kwds)
{
    LinterObject *l = (LinterObject *)self;
    module_state *st = state_of(self);
    call_args ca;
    memset(&ca, 0, sizeof(ca));
    if (!st || parse_call(args, kwds, "O|OOOO$Op:fix", &ca) != 0) {
        call_args_clear(&ca);
        return NULL;
    }
    char *out = NULL;
    size_t out_len = 0;
    replylint_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = replylint_fix(&out, &out_len, l->rs, ca.buf, (size_t)ca.len, &ca.opts, &err);
    Py_END_ALLOW_THREADS
    call_args_clear(&ca);
    if (rc != REPLYLINT_OK) {
        raise_text_error(st, rc, &err, (size_t)ca.len);
        return NULL;
    }
    PyObject *result = PyUnicode_DecodeUTF8(out, (Py_ssize_t)out_len, "strict");
    replylint_free(out);
    return result;
}

static PyObject *make_rule(module_state *st, const replylint_rule *r)
{
    uint32_t line = 0;
    const char *src = replylint_rule_source(r, &line);
    PyObject *source = str_or_fs(src ? src : "");
    if (!source)
        return NULL;
    const char *sev = replylint_severity_name(replylint_rule_severity(r));
    PyObject *rule = PyObject_CallFunction(
        st->rule_tuple, "sssssssNk", replylint_rule_id(r), replylint_rule_category(r),
        replylint_rule_language(r), sev ? sev : "", replylint_rule_kind(r),
        replylint_rule_message(r), replylint_rule_rationale(r), source, (unsigned long)line);
    return rule;
}

static PyObject *linter_rules(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    LinterObject *l = (LinterObject *)self;
    module_state *st = state_of(self);
    if (!st)
        return NULL;
    size_t n = replylint_ruleset_count(l->rs);
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (!list)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *rule = make_rule(st, replylint_ruleset_get(l->rs, i));
        if (!rule || PyList_SetItem(list, (Py_ssize_t)i, rule) != 0) {
            Py_DECREF(list);
            return NULL;
        }
    }
    return list;
}

static PyObject *linter_rule(PyObject *self, PyObject *id)
{
    LinterObject *l = (LinterObject *)self;
    module_state *st = state_of(self);
    if (!st)
        return NULL;
    if (!PyUnicode_Check(id)) {
        type_error("rule id", "str", id);
        return NULL;
    }
    Py_ssize_t n;
    const char *cid = PyUnicode_AsUTF8AndSize(id, &n);
    if (!cid)
        return NULL;
    const replylint_rule *r =
        memchr(cid, '\0', (size_t)n) ? NULL : replylint_ruleset_find(l->rs, cid);
    if (!r) {
        PyErr_SetObject(PyExc_KeyError, id);
        return NULL;
    }
    return make_rule(st, r);
}

static PyObject *linter_get_files(PyObject *self, void *Py_UNUSED(closure))
{
    PyObject *files = ((LinterObject *)self)->files;
    Py_INCREF(files);
    return files;
}

static PyObject *linter_get_defaults(PyObject *self, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(((LinterObject *)self)->defaults);
}

#define CALL_DOC                                                                                   \
    "text is the draft reply.  customer_name and agent_name (str or None) enable the\n"            \
    "checks that the reply uses the customer's name and is signed by the agent.\n"                 \
    "channel is 'email' (default) or 'chat': the length limits depend on it.\n"                    \
    "lang is 'auto' (detect per reply), 'ru' or 'en'.  min_severity ('suggestion',\n"              \
    "'warning', 'error' or None) drops weaker findings; they then do not lower the score.\n"       \
    "followup=True says the reply continues a conversation: the rules meant for a first\n"         \
    "reply only, such as a missing greeting, do not run.\n"                                        \
    "\n"                                                                                           \
    "The GIL is released while the text is linted, so threads sharing one Linter run\n"            \
    "in parallel.\n"                                                                               \
    "\n"                                                                                           \
    "Raises TypeError for arguments of the wrong type, ValueError for an unknown\n"                \
    "channel, lang or min_severity, a text with lone surrogates (not encodable as\n"               \
    "UTF-8), a name with NUL characters, or a text over 1 MiB of UTF-8."

static PyMethodDef linter_methods[] = {
    {"check", (PyCFunction)(void (*)(void))linter_check, METH_VARARGS | METH_KEYWORDS,
     "check($self, /, text, customer_name=None, agent_name=None, channel='email',\n"
     "      lang='auto', *, min_severity=None, followup=False)\n--\n\n"
     "Lint one reply and return a Report: its score, language, word count and\n"
     "the Diagnostic objects, sorted by position.\n\n" CALL_DOC},
    {"fix", (PyCFunction)(void (*)(void))linter_fix, METH_VARARGS | METH_KEYWORDS,
     "fix($self, /, text, customer_name=None, agent_name=None, channel='email',\n"
     "    lang='auto', *, min_severity=None, followup=False)\n--\n\n"
     "Return text with every safe suggestion applied (the diagnostics whose\n"
     "fixable is True: a substitution with exactly one replacement, which takes the\n"
     "case of the words it replaces).  Everything else is kept as it was.\n\n" CALL_DOC},
    {"rules", linter_rules, METH_NOARGS,
     "rules($self, /)\n--\n\n"
     "The enabled rules, sorted by id, as a list of Rule namedtuples."},
    {"rule", linter_rule, METH_O,
     "rule($self, id, /)\n--\n\n"
     "The enabled rule with this id as a Rule namedtuple; KeyError if there is none."},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef linter_getset[] = {
    {"files", linter_get_files, NULL, "The rule files loaded, as a tuple of str.", NULL},
    {"defaults", linter_get_defaults, NULL, "Whether the embedded default rules are loaded.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyType_Slot linter_slots[] = {
    {Py_tp_doc, "Linter(rules=None, *, defaults=True, dict_dir=None, check_examples=True)\n--\n\n"
                "A compiled rule set: build it once, then call check() or fix() on any number\n"
                "of replies, from any number of threads.\n\n"
                "rules: a rule file (str or os.PathLike) or a list of them, added in order on\n"
                "top of the embedded default rules; defaults=False starts from no rules.\n"
                "dict_dir: the folder with the hunspell dictionaries used to inflect the\n"
                "phrases of added files (default /usr/share/hunspell).  check_examples=False\n"
                "skips checking each added rule against its examples.\n\n"
                "Raises RuleError for an invalid rule file (with file, line and column), OSError\n"
                "(e.g. FileNotFoundError) for one that cannot be read, TypeError for arguments\n"
                "of the wrong type."},
    {Py_tp_new, linter_new},
    {Py_tp_dealloc, linter_dealloc},
    {Py_tp_repr, linter_repr},
    {Py_tp_methods, linter_methods},
    {Py_tp_getset, linter_getset},
    {0, NULL}};

static PyType_Spec linter_spec = {"replylint.Linter", sizeof(LinterObject), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE, linter_slots};

/* ---- Report --------------------------------------------------------------------------- */

static void report_dealloc(PyObject *self)
{
    ReportObject *r = (ReportObject *)self;
    replylint_report_free(r->report);
    Py_XDECREF(r->text);
    free_instance(self);
}

static Py_ssize_t report_length(PyObject *self)
{
    return (Py_ssize_t)replylint_report_count(((ReportObject *)self)->report);
}

static PyObject *report_item(PyObject *self, Py_ssize_t i)
{
    ReportObject *r = (ReportObject *)self;
    module_state *st = state_of(self);
    if (!st)
        return NULL;
    const replylint_diag *d =
        i < 0 ? NULL : replylint_report_get(r->report, (size_t)i); /* NULL past the end */
    if (!d) {
        PyErr_SetString(PyExc_IndexError, "report index out of range");
        return NULL;
    }
    PyObject *obj = alloc_instance(st->diag_type);
    if (!obj)
        return NULL;
    DiagObject *dobj = (DiagObject *)obj;
    Py_INCREF(self);
    dobj->report = self;
    dobj->diag = d;
    return obj;
}

static PyObject *report_subscript(PyObject *self, PyObject *key)
{
    Py_ssize_t n = report_length(self);
    if (PySlice_Check(key)) {
        Py_ssize_t start, stop, step;
        if (PySlice_Unpack(key, &start, &stop, &step) < 0)
            return NULL;
        Py_ssize_t len = PySlice_AdjustIndices(n, &start, &stop, step);
        PyObject *list = PyList_New(len);
        for (Py_ssize_t k = 0; list && k < len; k++) {
            PyObject *d = report_item(self, start + k * step);
            if (!d || PyList_SetItem(list, k, d) != 0)
                Py_CLEAR(list);
        }
        return list;
    }
    if (!PyIndex_Check(key)) {
        type_error("report indices", "integers or slices", key);
        return NULL;
    }
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred())
        return NULL;
    return report_item(self, i < 0 ? i + n : i);
}

static PyObject *report_get_score(PyObject *self, void *Py_UNUSED(closure))
{
    return PyFloat_FromDouble(replylint_report_score(((ReportObject *)self)->report));
}

static PyObject *report_get_language(PyObject *self, void *Py_UNUSED(closure))
{
    return PyUnicode_FromString(replylint_report_language(((ReportObject *)self)->report));
}

static PyObject *report_get_words(PyObject *self, void *Py_UNUSED(closure))
{
    return PyLong_FromSize_t(replylint_report_words(((ReportObject *)self)->report));
}

static PyObject *report_get_incomplete(PyObject *self, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(replylint_report_incomplete(((ReportObject *)self)->report));
}

static PyObject *report_get_text(PyObject *self, void *Py_UNUSED(closure))
{
    PyObject *text = ((ReportObject *)self)->text;
    Py_INCREF(text);
    return text;
}

static PyObject *report_repr(PyObject *self)
{
    ReportObject *r = (ReportObject *)self;
    PyObject *score = report_get_score(self, NULL);
    if (!score)
        return NULL;
    PyObject *repr = PyUnicode_FromFormat(
        "<replylint.Report: language=%s, score=%R, words=%zu, %zd diagnostics>",
        replylint_report_language(r->report), score, replylint_report_words(r->report),
        report_length(self));
    Py_DECREF(score);
    return repr;
}

static PyGetSetDef report_getset[] = {
    {"score", report_get_score, NULL,
     "The reply's score, a float from 0.0 to 10.0 (10: nothing to fix), one decimal.", NULL},
    {"language", report_get_language, NULL, "'ru' or 'en': the language whose rules ran.", NULL},
    {"words", report_get_words, NULL, "Number of words, as the length rules count them.", NULL},
    {"incomplete", report_get_incomplete, NULL,
     "True if a search stopped at a limit (a regex's match limit, the phrase scan's budget),\n"
     "so findings may be missing.  The findings present are right either way.",
     NULL},
    {"text", report_get_text, NULL, "The text that was checked.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyType_Slot report_slots[] = {
    {Py_tp_doc, "The result of Linter.check(): a read-only sequence of Diagnostic objects,\n"
                "sorted by position then rule id, with the reply's score, language and\n"
                "word count.  len(report) is the number of findings, so an empty report is\n"
                "falsy."},
    {Py_tp_dealloc, report_dealloc},
    {Py_tp_repr, report_repr},
    {Py_tp_getset, report_getset},
    {Py_sq_length, report_length},
    {Py_sq_item, report_item},
    {Py_mp_length, report_length},
    {Py_mp_subscript, report_subscript},
    {0, NULL}};

static PyType_Spec report_spec = {"replylint.Report", sizeof(ReportObject), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE |
                                      Py_TPFLAGS_DISALLOW_INSTANTIATION,
                                  report_slots};

/* ---- Diagnostic ----------------------------------------------------------------------- */

static const replylint_diag *diag_of(PyObject *self)
{
    return ((DiagObject *)self)->diag;
}

enum {
    F_RULE,
    F_CATEGORY,
    F_MESSAGE,
    F_SEVERITY,
    F_TEXT,
    F_SUGGESTIONS,
    F_FIXABLE,
    F_LINE,
    F_COLUMN
};

/* Offsets share one getter: the closure packs the unit and whether it is the end. */
#define OFFSET_CLOSURE(unit, end) ((void *)(intptr_t)((unit)*2 + (end)))

static PyObject *diag_get_offset(PyObject *self, void *closure)
{
    intptr_t c = (intptr_t)closure;
    size_t start = 0, end = 0;
    if (replylint_diag_offsets(diag_of(self), (replylint_unit)(c / 2), &start, &end) != 0) {
        PyErr_SetString(PyExc_SystemError, "replylint: unknown offset unit");
        return NULL;
    }
    return PyLong_FromSize_t(c % 2 ? end : start);
}

static PyObject *diag_text(const replylint_diag *d)
{
    /* The flagged bytes are copied NUL-terminated, but the reply may itself hold NULs:
     * take the length from the byte offsets rather than strlen. */
    size_t start = 0, end = 0;
    replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &start, &end);
    return PyUnicode_DecodeUTF8(replylint_diag_text(d), (Py_ssize_t)(end - start), "strict");
}

static PyObject *diag_suggestions(const replylint_diag *d)
{
    size_t n = replylint_diag_suggestion_count(d);
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; t && i < n; i++) {
        const char *s = replylint_diag_suggestion(d, i);
        PyObject *o = PyUnicode_FromString(s ? s : "");
        if (!o || PyTuple_SetItem(t, (Py_ssize_t)i, o) != 0)
            Py_CLEAR(t);
    }
    return t;
}

static PyObject *diag_get(PyObject *self, void *closure)
{
    const replylint_diag *d = diag_of(self);
    switch ((intptr_t)closure) {
    case F_RULE:
        return PyUnicode_FromString(replylint_diag_rule(d));
    case F_CATEGORY:
        return PyUnicode_FromString(replylint_diag_category(d));
    case F_MESSAGE:
        return PyUnicode_FromString(replylint_diag_message(d));
    case F_SEVERITY: {
        const char *name = replylint_severity_name(replylint_diag_severity(d));
        return PyUnicode_FromString(name ? name : "");
    }
    case F_TEXT:
        return diag_text(d);
    case F_SUGGESTIONS:
        return diag_suggestions(d);
    case F_FIXABLE:
        return PyBool_FromLong(replylint_diag_fixable(d) != 0);
    case F_LINE:
        return PyLong_FromUnsignedLong(replylint_diag_line(d));
    case F_COLUMN:
        return PyLong_FromUnsignedLong(replylint_diag_column(d));
    default:
        PyErr_SetString(PyExc_SystemError, "replylint: unknown diagnostic field");
        return NULL;
    }
}

#define FIELD(f) ((void *)(intptr_t)(f))

static PyGetSetDef diag_getset[] = {
    {"rule", diag_get, NULL, "The id of the rule that fired, e.g. 'jargon.ru.money'.",
     FIELD(F_RULE)},
    {"category", diag_get, NULL, "The rule's category, e.g. 'jargon'.", FIELD(F_CATEGORY)},
    {"severity", diag_get, NULL, "'suggestion', 'warning' or 'error'.", FIELD(F_SEVERITY)},
    {"message", diag_get, NULL, "What to change, for the agent.", FIELD(F_MESSAGE)},
    {"text", diag_get, NULL, "The flagged text: report.text[start:end].", FIELD(F_TEXT)},
    {"suggestions", diag_get, NULL, "Suggested replacements for text, a tuple of str.",
     FIELD(F_SUGGESTIONS)},
    {"fixable", diag_get, NULL, "True if Linter.fix() applies this diagnostic's suggestion.",
     FIELD(F_FIXABLE)},
    {"line", diag_get, NULL, "1-based line of the start.", FIELD(F_LINE)},
    {"column", diag_get, NULL, "1-based column of the start, in code points.", FIELD(F_COLUMN)},
    {"start", diag_get_offset, NULL, "Start as a str index (code points).",
     OFFSET_CLOSURE(REPLYLINT_UNIT_CODEPOINT, 0)},
    {"end", diag_get_offset, NULL, "End (exclusive) as a str index (code points).",
     OFFSET_CLOSURE(REPLYLINT_UNIT_CODEPOINT, 1)},
    {"byte_start", diag_get_offset, NULL, "Start in bytes of the UTF-8 text.",
     OFFSET_CLOSURE(REPLYLINT_UNIT_BYTE, 0)},
    {"byte_end", diag_get_offset, NULL, "End (exclusive) in bytes of the UTF-8 text.",
     OFFSET_CLOSURE(REPLYLINT_UNIT_BYTE, 1)},
    {"utf16_start", diag_get_offset, NULL, "Start in UTF-16 code units (JavaScript, LSP).",
     OFFSET_CLOSURE(REPLYLINT_UNIT_UTF16, 0)},
    {"utf16_end", diag_get_offset, NULL, "End (exclusive) in UTF-16 code units.",
     OFFSET_CLOSURE(REPLYLINT_UNIT_UTF16, 1)},
    {NULL, NULL, NULL, NULL, NULL}};

/* Every field, in one tuple: what equality and hashing compare. */
static PyObject *diag_key(PyObject *self)
{
    const replylint_diag *d = diag_of(self);
    size_t bs = 0, be = 0, cs = 0, ce = 0;
    replylint_diag_offsets(d, REPLYLINT_UNIT_BYTE, &bs, &be);
    replylint_diag_offsets(d, REPLYLINT_UNIT_CODEPOINT, &cs, &ce);
    const char *sev = replylint_severity_name(replylint_diag_severity(d));
    return Py_BuildValue("(ssssnnnnkkNNN)", replylint_diag_rule(d), replylint_diag_category(d),
                         sev ? sev : "", replylint_diag_message(d), (Py_ssize_t)bs, (Py_ssize_t)be,
                         (Py_ssize_t)cs, (Py_ssize_t)ce, (unsigned long)replylint_diag_line(d),
                         (unsigned long)replylint_diag_column(d), diag_text(d), diag_suggestions(d),
                         PyBool_FromLong(replylint_diag_fixable(d) != 0));
}

static PyObject *diag_richcompare(PyObject *a, PyObject *b, int op)
{
    if ((op != Py_EQ && op != Py_NE) || Py_TYPE(a) != Py_TYPE(b))
        Py_RETURN_NOTIMPLEMENTED;
    PyObject *ka = diag_key(a);
    PyObject *kb = ka ? diag_key(b) : NULL;
    PyObject *res = kb ? PyObject_RichCompare(ka, kb, op) : NULL;
    Py_XDECREF(ka);
    Py_XDECREF(kb);
    return res;
}

static Py_hash_t diag_hash(PyObject *self)
{
    PyObject *k = diag_key(self);
    if (!k)
        return -1;
    Py_hash_t h = PyObject_Hash(k);
    Py_DECREF(k);
    return h;
}

static PyObject *diag_repr(PyObject *self)
{
    const replylint_diag *d = diag_of(self);
    size_t start = 0, end = 0;
    replylint_diag_offsets(d, REPLYLINT_UNIT_CODEPOINT, &start, &end);
    const char *sev = replylint_severity_name(replylint_diag_severity(d));
    PyObject *text = diag_text(d);
    PyObject *sugg = text ? diag_suggestions(d) : NULL;
    PyObject *repr = NULL;
    if (sugg)
        repr = PyUnicode_FromFormat("<replylint.Diagnostic %s (%s) at %u:%u [%zu:%zu] "
                                    "text=%R suggestions=%R>",
                                    replylint_diag_rule(d), sev ? sev : "?",
                                    (unsigned)replylint_diag_line(d),
                                    (unsigned)replylint_diag_column(d), start, end, text, sugg);
    Py_XDECREF(text);
    Py_XDECREF(sugg);
    return repr;
}

static void diag_dealloc(PyObject *self)
{
    Py_XDECREF(((DiagObject *)self)->report);
    free_instance(self);
}

static PyType_Slot diag_slots[] = {
    {Py_tp_doc, "One finding of a Report: which rule fired, how severe it is, what to\n"
                "change, and where, as str indices (start, end: text[start:end] is the\n"
                "flagged text), UTF-8 byte offsets, UTF-16 offsets and a 1-based\n"
                "line and column.  Diagnostics compare equal when every field does."},
    {Py_tp_dealloc, diag_dealloc},
    {Py_tp_repr, diag_repr},
    {Py_tp_getset, diag_getset},
    {Py_tp_richcompare, diag_richcompare},
    {Py_tp_hash, diag_hash},
    {0, NULL}};

static PyType_Spec diag_spec = {
    "replylint.Diagnostic", sizeof(DiagObject), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION, diag_slots};

/* ---- the module ----------------------------------------------------------------------- */

/* Class attributes, so that every instance answers them even when raised from Python
 * code, and so that help() lists them.  PyErr_NewExceptionWithDoc() adds __doc__ and
 * __module__ to the dict it is given, so each class gets a fresh one. */
static PyObject *error_attrs(int rule_error)
{
    if (rule_error)
        return Py_BuildValue("{s:O,s:i,s:i,s:i}", "file", Py_None, "line", 0, "column", 0, "offset",
                             0);
    return Py_BuildValue("{s:i,s:O}", "code", 0, "message", Py_None);
}

static PyObject *make_rule_tuple(void)
{
    PyObject *collections = PyImport_ImportModule("collections");
    if (!collections)
        return NULL;
    PyObject *nt = PyObject_GetAttrString(collections, "namedtuple");
    Py_DECREF(collections);
    if (!nt)
        return NULL;
    PyObject *args = Py_BuildValue("(s[sssssssss])", "Rule", "id", "category", "language",
                                   "severity", "kind", "message", "rationale", "source", "line");
    PyObject *kwargs = Py_BuildValue("{s:s}", "module", "replylint");
    PyObject *cls = args && kwargs ? PyObject_Call(nt, args, kwargs) : NULL;
    Py_DECREF(nt);
    Py_XDECREF(args);
    Py_XDECREF(kwargs);
    if (cls) {
        PyObject *doc = PyUnicode_FromString(
            "Rule(id, category, language, severity, kind, message, rationale, source, line)\n\n"
            "One enabled rule, as Linter.rules() lists them.  language is 'ru', 'en' or\n"
            "'any'; severity 'suggestion', 'warning' or 'error'; kind how it matches\n"
            "('phrase', 'regex', 'require', 'name', 'signature', 'length', 'shouting',\n"
            "'conditional'); rationale says why the rule exists ('' when not given);\n"
            "source and line say where it is defined ('<embedded>/ru/jargon.yaml').");
        if (!doc || PyObject_SetAttrString(cls, "__doc__", doc) != 0)
            Py_CLEAR(cls);
        Py_XDECREF(doc);
    }
    return cls;
}

static int add_status_constants(PyObject *m)
{
    static const struct {
        const char *name;
        int value;
    } codes[] = {{"OK", REPLYLINT_OK},
                 {"ENOMEM", REPLYLINT_ENOMEM},
                 {"EINVAL", REPLYLINT_EINVAL},
                 {"EIO", REPLYLINT_EIO},
                 {"EUTF8", REPLYLINT_EUTF8},
                 {"ETOOBIG", REPLYLINT_ETOOBIG},
                 {"ERULE_SYNTAX", REPLYLINT_ERULE_SYNTAX},
                 {"ERULE", REPLYLINT_ERULE},
                 {"ERULE_REGEX", REPLYLINT_ERULE_REGEX},
                 {"ERULE_EXAMPLE", REPLYLINT_ERULE_EXAMPLE},
                 {"ENOTFOUND", REPLYLINT_ENOTFOUND}};
    /* A private dict the package turns into the replylint.Status IntEnum. */
    PyObject *d = PyDict_New();
    if (!d)
        return -1;
    for (size_t i = 0; i < COUNT(codes); i++) {
        PyObject *v = PyLong_FromLong(codes[i].value);
        if (!v || PyDict_SetItemString(d, codes[i].name, v) != 0) {
            Py_XDECREF(v);
            Py_DECREF(d);
            return -1;
        }
        Py_DECREF(v);
    }
    int rc = PyModule_AddObjectRef(m, "_status_codes", d);
    Py_DECREF(d);
    return rc;
}

static int add_type(PyObject *m, PyType_Spec *spec, PyObject *base, const char *name,
                    PyObject **slot)
{
    *slot = PyType_FromModuleAndSpec(m, spec, base);
    if (!*slot)
        return -1;
    return PyModule_AddObjectRef(m, name, *slot);
}

static int module_exec(PyObject *m)
{
    module_state *st = (module_state *)PyModule_GetState(m);
    if (!st)
        return -1;
    if (add_type(m, &linter_spec, NULL, "Linter", &st->linter_type) != 0 ||
        add_type(m, &report_spec, NULL, "Report", &st->report_type) != 0 ||
        add_type(m, &diag_spec, NULL, "Diagnostic", &st->diag_type) != 0)
        return -1;

    PyObject *attrs = error_attrs(0);
    if (!attrs)
        return -1;
    st->error = PyErr_NewExceptionWithDoc(
        "replylint.Error",
        "Base class of the errors libreplylint reports.  code is the library's status\n"
        "(compare it with replylint.Status), message its text without the location.",
        NULL, attrs);
    Py_DECREF(attrs);
    if (!st->error || !(attrs = error_attrs(1)))
        return -1;
    st->rule_error = PyErr_NewExceptionWithDoc(
        "replylint.RuleError",
        "A rule file is invalid: bad YAML, an unknown key or category, a regular\n"
        "expression that does not compile, an example its rule gets wrong, an\n"
        "override of a rule that does not exist.  file, line and column (1-based,\n"
        "0 when unknown) say where; code says what (replylint.Status).",
        st->error, attrs);
    Py_DECREF(attrs);
    if (!st->rule_error || PyModule_AddObjectRef(m, "Error", st->error) != 0 ||
        PyModule_AddObjectRef(m, "RuleError", st->rule_error) != 0)
        return -1;

    if (!(st->rule_tuple = make_rule_tuple()) ||
        PyModule_AddObjectRef(m, "Rule", st->rule_tuple) != 0)
        return -1;
    if (PyModule_AddStringConstant(m, "__version__", replylint_version_string()) != 0 ||
        add_status_constants(m) != 0)
        return -1;
    return 0;
}

static int module_traverse(PyObject *m, visitproc visit, void *arg)
{
    module_state *st = (module_state *)PyModule_GetState(m);
    if (st) {
        Py_VISIT(st->linter_type);
        Py_VISIT(st->report_type);
        Py_VISIT(st->diag_type);
        Py_VISIT(st->error);
        Py_VISIT(st->rule_error);
        Py_VISIT(st->rule_tuple);
    }
    return 0;
}

static int module_clear(PyObject *m)
{
    module_state *st = (module_state *)PyModule_GetState(m);
    if (st) {
        Py_CLEAR(st->linter_type);
        Py_CLEAR(st->report_type);
        Py_CLEAR(st->diag_type);
        Py_CLEAR(st->error);
        Py_CLEAR(st->rule_error);
        Py_CLEAR(st->rule_tuple);
    }
    return 0;
}

static void module_free(void *m)
{
    module_clear((PyObject *)m);
}

static PyModuleDef_Slot module_slots[] = {{Py_mod_exec, (void *)module_exec}, {0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "_replylint",
    "The C extension behind the replylint package; import replylint instead.",
    sizeof(module_state),
    NULL,
    module_slots,
    module_traverse,
    module_clear,
    module_free};

PyMODINIT_FUNC PyInit__replylint(void)
{
    return PyModuleDef_Init(&module_def);
}
