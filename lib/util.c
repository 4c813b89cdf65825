/*
 * util.c: the few containers the library needs: growable arrays, a string arena and two
 * open-addressing hash maps.  Written here rather than pulled in because they are small
 * and the hot path (phrase lookup per word) wants them inlined into our own layout.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int replylint__grow(void **p, size_t *cap, size_t n, size_t elem)
{
    if (n <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < n) {
        if (ncap > SIZE_MAX / 2 / elem)
            return -1;
        ncap *= 2;
    }
    void *np = realloc(*p, ncap * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

void replylint__sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    /* Insertion sort with a budget of moves: linear on the nearly sorted arrays a lint call
     * sorts (hits come in text order, findings mostly too), needing neither allocation nor
     * the temporary copy glibc's merge sort makes of a long array; past the budget, qsort. */
    unsigned char *a = base, tmp[64];
    if (n < 2)
        return;
    if (size > sizeof(tmp)) {
        qsort(base, n, size, cmp);
        return;
    }
    size_t budget = 8 * n;
    for (size_t i = 1; i < n; i++) {
        size_t j = i;
        while (j > 0 && cmp(a + (j - 1) * size, a + i * size) > 0)
            j--;
        if (j == i)
            continue;
        if (i - j > budget) {
            qsort(base, n, size, cmp);
            return;
        }
        budget -= i - j;
        memcpy(tmp, a + i * size, size);
        memmove(a + (j + 1) * size, a + j * size, (i - j) * size);
        memcpy(a + j * size, tmp, size);
    }
}

char *replylint__strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *replylint__strdup(const char *s)
{
    return replylint__strndup(s, strlen(s));
}

/* ---- arena ---------------------------------------------------------------------------- */

struct rl_arena_chunk {
    rl_arena_chunk *next;
    size_t used, cap;
    /* Aligned storage follows. */
    max_align_t data[];
};

#define ARENA_CHUNK 4000

static void free_chunks(rl_arena_chunk *c)
{
    while (c) {
        rl_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
}

/* A spare chunk of at least n bytes, unlinked from its list, or NULL.  A large string takes
 * the smallest large chunk that holds it; when none does, every large spare is smaller and
 * is freed, so that replies of growing length cannot pile up chunks they never reuse. */
static rl_arena_chunk *take_spare(rl_arena *a, size_t n)
{
    if (n <= ARENA_CHUNK) { /* the large ones are kept for large strings */
        rl_arena_chunk *c = a->spare;
        if (c)
            a->spare = c->next;
        return c;
    }
    rl_arena_chunk **best = NULL;
    for (rl_arena_chunk **p = &a->spare_big; *p; p = &(*p)->next)
        if ((*p)->cap >= n && (!best || (*p)->cap < (*best)->cap))
            best = p;
    if (!best) {
        free_chunks(a->spare_big);
        a->spare_big = NULL;
        return NULL;
    }
    rl_arena_chunk *c = *best;
    *best = c->next;
    return c;
}

void *replylint__arena_alloc(rl_arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    rl_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        if (!(c = take_spare(a, n))) {
            size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
            if (!(c = malloc(sizeof(*c) + cap)))
                return NULL;
            c->cap = cap;
        }
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

char *replylint__arena_strndup(rl_arena *a, const char *s, size_t n)
{
    char *d = replylint__arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void replylint__arena_reset(rl_arena *a)
{
    while (a->head) {
        rl_arena_chunk *c = a->head;
        a->head = c->next;
        rl_arena_chunk **list = c->cap > ARENA_CHUNK ? &a->spare_big : &a->spare;
        c->next = *list;
        *list = c;
    }
}

void replylint__arena_free(rl_arena *a)
{
    free_chunks(a->head);
    free_chunks(a->spare);
    free_chunks(a->spare_big);
    a->head = a->spare = a->spare_big = NULL;
}

/* ---- hashing -------------------------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* ---- string map ----------------------------------------------------------------------- */

/* Most keys are words of a few bytes, which two overlapping loads compare without a call
 * to memcmp. */
bool replylint__same_bytes(const char *a, const char *b, size_t len)
{
    uint64_t x, y, x2, y2;
    if (len >= 8 && len <= 16) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        memcpy(&x2, a + len - 8, 8);
        memcpy(&y2, b + len - 8, 8);
        return ((x ^ y) | (x2 ^ y2)) == 0;
    }
    if (len >= 4 && len < 8) {
        uint32_t p, q, p2, q2;
        memcpy(&p, a, 4);
        memcpy(&q, b, 4);
        memcpy(&p2, a + len - 4, 4);
        memcpy(&q2, b + len - 4, 4);
        return ((p ^ q) | (p2 ^ q2)) == 0;
    }
    if (len < 4) {
        for (size_t i = 0; i < len; i++)
            if (a[i] != b[i])
                return false;
        return true;
    }
    return memcmp(a, b, len) == 0;
}

/* The slot of key, whose replylint__hash_bytes is h: its own, or the empty one it would
 * take. */
static size_t strmap_slot_hashed(const rl_strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)h & mask;
    while (m->slots[i].key && !(m->slots[i].len == len &&
                                replylint__same_bytes(m->pool + m->slots[i].key - 1, key, len)))
        i = (i + 1) & mask;
    return i;
}

static size_t strmap_slot(const rl_strmap *m, const char *key, size_t len)
{
    return strmap_slot_hashed(m, key, len, replylint__hash_bytes(key, len));
}

static int strmap_rehash(rl_strmap *m, size_t ncap)
{
    rl_strmap_slot *slots = calloc(ncap, sizeof(*slots));
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        const rl_strmap_slot *s = &m->slots[i];
        if (!s->key)
            continue;
        size_t j = (size_t)replylint__hash_bytes(m->pool + s->key - 1, s->len) & (ncap - 1);
        while (slots[j].key)
            j = (j + 1) & (ncap - 1);
        slots[j] = *s;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = ncap;
    return 0;
}

int replylint__strmap_put(rl_strmap *m, const char *key, size_t len, uint32_t val)
{
    if (len >= UINT32_MAX || m->pool_len >= UINT32_MAX - len - 1) /* no wrap, 32-bit too */
        return -1;
    if ((m->count + 1) * 2 > m->cap && strmap_rehash(m, m->cap ? m->cap * 2 : 64) != 0)
        return -1;
    size_t i = strmap_slot(m, key, len);
    if (!m->slots[i].key) {
        if (RL_GROW(m->pool, m->pool_cap, m->pool_len + len + 1) != 0)
            return -1;
        if (len)
            memcpy(m->pool + m->pool_len, key, len);
        m->pool[m->pool_len + len] = '\0';
        m->slots[i].key = (uint32_t)m->pool_len + 1;
        m->slots[i].len = (uint32_t)len;
        m->pool_len += len + 1;
        m->count++;
    }
    m->slots[i].val = val;
    return 0;
}

bool replylint__strmap_get(const rl_strmap *m, const char *key, size_t len, uint32_t *val)
{
    return replylint__strmap_get_hashed(m, key, len, replylint__hash_bytes(key, len), val);
}

bool replylint__strmap_get_hashed(const rl_strmap *m, const char *key, size_t len, uint64_t h,
                                  uint32_t *val)
{
    if (!m->cap)
        return false;
    size_t i = strmap_slot_hashed(m, key, len, h);
    if (!m->slots[i].key)
        return false;
    *val = m->slots[i].val;
    return true;
}

char *replylint__strmap_take_pool(rl_strmap *m)
{
    char *pool = m->pool;
    m->pool = NULL;
    replylint__strmap_free(m);
    return pool;
}

void replylint__strmap_free(rl_strmap *m)
{
    free(m->slots);
    free(m->pool);
    memset(m, 0, sizeof(*m));
}

/* ---- u64 map -------------------------------------------------------------------------- */

static size_t u64map_slot(const rl_u64map *m, uint64_t key)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)mix64(key) & mask;
    while (m->keys[i] && m->keys[i] != key + 1)
        i = (i + 1) & mask;
    return i;
}

static int u64map_rehash(rl_u64map *m, size_t ncap)
{
    rl_u64map n = {0};
    n.cap = ncap;
    n.keys = calloc(ncap, sizeof(*n.keys));
    n.vals = calloc(ncap, sizeof(*n.vals));
    if (!n.keys || !n.vals) {
        free(n.keys);
        free(n.vals);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = u64map_slot(&n, m->keys[i] - 1);
        n.keys[j] = m->keys[i];
        n.vals[j] = m->vals[i];
    }
    n.count = m->count;
    free(m->keys);
    free(m->vals);
    *m = n;
    return 0;
}

int replylint__u64map_put(rl_u64map *m, uint64_t key, uint32_t val)
{
    if ((m->count + 1) * 2 > m->cap && u64map_rehash(m, m->cap ? m->cap * 2 : 64) != 0)
        return -1;
    size_t i = u64map_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key + 1;
        m->count++;
    }
    m->vals[i] = val;
    return 0;
}

bool replylint__u64map_get(const rl_u64map *m, uint64_t key, uint32_t *val)
{
    if (!m->cap)
        return false;
    size_t i = u64map_slot(m, key);
    if (!m->keys[i])
        return false;
    *val = m->vals[i];
    return true;
}

void replylint__u64map_free(rl_u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}
