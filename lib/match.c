/* match.c — compiles every lexicon entry of the resolved packs into one
 * token-level trie and scans a tokenized text once, left to right, keeping
 * the set of partial matches alive (a Thompson-style simulation over the
 * trie). Each token offers up to four labels — its exact normalized form,
 * its stem, its kind class and {any} — plus the lexicon classes ({@modal})
 * its word belongs to (or, for {!@id}, is not in), so a pattern such as
 * "{number} business day~" matches "3-5 business days" and "you {@modal}
 * have" matches "you should have" and "you could have". Optional items
 * ("[really] sorry") compile to one trie path per choice.
 *
 * Cost per token is the number of live partial matches times the labels,
 * both bounded by the pack (pattern length <= 32 tokens), so a scan is
 * linear in the text. Scanning allocates only when a result's arrays grow.
 *
 * What a hit means is left to the stages that read hits (tone, promises,
 * complaints, review). */
#include "match.h"

#include <string.h>

#include "error.h"
#include "hash.h"

/* A label is a 32-bit value: two high bits say what the low bits are. */
#define LABEL_EXACT 0x00000000u
#define LABEL_STEM 0x40000000u
#define LABEL_CLASS 0x80000000u
#define LABEL_VALUE 0x3fffffffu
#define NO_NODE UINT32_MAX
#define NO_SYM UINT32_MAX

enum {
  CLASS_ANY = 0,
  CLASS_WORD = 1,
  CLASS_KIND = 2, /* CLASS_KIND + tact_token_kind for kind classes */
  CLASS_COUNT = CLASS_KIND + TACT_TOKEN_EMOTICON + 1
};

static const struct {
  const char *name;
  unsigned cls;
} class_names[] = {
    {"{any}", CLASS_ANY},
    {"{word}", CLASS_WORD},
    {"{number}", CLASS_KIND + TACT_TOKEN_NUMBER},
    {"{punct}", CLASS_KIND + TACT_TOKEN_PUNCT},
    {"{emoji}", CLASS_KIND + TACT_TOKEN_EMOJI},
    {"{url}", CLASS_KIND + TACT_TOKEN_URL},
    {"{email}", CLASS_KIND + TACT_TOKEN_EMAIL},
    {"{mention}", CLASS_KIND + TACT_TOKEN_MENTION},
    {"{hashtag}", CLASS_KIND + TACT_TOKEN_HASHTAG},
    {"{symbol}", CLASS_KIND + TACT_TOKEN_SYMBOL},
    {"{emoticon}", CLASS_KIND + TACT_TOKEN_EMOTICON},
};

/* Interned strings: open addressing, keys in one byte pool. */
typedef struct sym_table {
  uint32_t *slots; /* symbol id + 1, 0 = empty */
  size_t cap;
  struct sym_ref {
    uint32_t off, len; /* into pool */
  } *refs;
  size_t n, cap_refs;
  tact_buf pool;
} sym_table;

typedef struct edge {
  uint64_t key; /* node << 32 | label; 0 with target NO_NODE = empty */
  uint32_t target;
} edge;

typedef struct node {
  uint32_t out_first, out_count; /* into outputs (after compile) */
  uint32_t n_edges;
} node;

struct tact_matcher {
  sym_table exact, stems;
  edge *edges;
  size_t edge_cap, n_edges;
  node *nodes;
  size_t n_nodes, cap_nodes;
  uint32_t *outputs; /* entry ids grouped by node */
  size_t n_outputs;
  tact_compiled_entry *entries;
  size_t n_entries, cap_entries;
  uint8_t class_used[CLASS_COUNT];
  int uses_stems;
  /* Lexicon classes ({@id}): class k matches any word of lexicon
   * lex_class[k]; a symbol's bit k is set in exact_classes / stem_classes. */
  uint32_t lex_class[TACT_MATCH_MAX_LEXICON_CLASSES];
  size_t n_lex_classes;
  uint16_t *exact_classes, *stem_classes;
  size_t cap_exact_classes, cap_stem_classes;
  uint16_t negated_classes; /* classes some pattern negates ({!@id}) */
};

static uint64_t hash_key(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return k;
}

static uint32_t sym_lookup(const sym_table *t, const char *s, size_t n) {
  if (!t->cap) return NO_SYM;
  size_t i = (size_t)tact_hash(s, n) & (t->cap - 1);
  for (;;) {
    uint32_t v = t->slots[i];
    if (!v) return NO_SYM;
    uint32_t id = v - 1;
    if (t->refs[id].len == n && memcmp(t->pool.data + t->refs[id].off, s, n) == 0) return id;
    i = (i + 1) & (t->cap - 1);
  }
}

static int sym_rehash(sym_table *t, const tact_allocator *a) {
  size_t ncap = t->cap ? t->cap * 2 : 256;
  uint32_t *slots = tact_malloc(a, ncap * sizeof *slots);
  if (!slots) return -1;
  memset(slots, 0, ncap * sizeof *slots);
  for (uint32_t id = 0; id < t->n; id++) {
    size_t i = (size_t)tact_hash(t->pool.data + t->refs[id].off, t->refs[id].len) & (ncap - 1);
    while (slots[i]) i = (i + 1) & (ncap - 1);
    slots[i] = id + 1;
  }
  tact_free(a, t->slots);
  t->slots = slots;
  t->cap = ncap;
  return 0;
}

/* The id of `s`, adding it if new; NO_SYM on OOM or too many symbols. */
static uint32_t sym_intern(sym_table *t, const tact_allocator *a, const char *s, size_t n) {
  uint32_t id = sym_lookup(t, s, n);
  if (id != NO_SYM) return id;
  if (t->n >= LABEL_VALUE || t->pool.len + n >= UINT32_MAX) return NO_SYM;
  if ((t->n + 1) * 2 > t->cap && sym_rehash(t, a)) return NO_SYM;
  if (tact_grow(a, (void **)&t->refs, &t->cap_refs, t->n + 1, sizeof *t->refs)) return NO_SYM;
  uint32_t off = (uint32_t)t->pool.len;
  if (tact_buf_append(a, &t->pool, s, n)) return NO_SYM;
  id = (uint32_t)t->n++;
  t->refs[id].off = off;
  t->refs[id].len = (uint32_t)n;
  size_t i = (size_t)tact_hash(s, n) & (t->cap - 1);
  while (t->slots[i]) i = (i + 1) & (t->cap - 1);
  t->slots[i] = id + 1;
  return id;
}

static void sym_free(sym_table *t, const tact_allocator *a) {
  tact_free(a, t->slots);
  tact_free(a, t->refs);
  tact_buf_free(a, &t->pool);
}

static uint32_t edge_lookup(const tact_matcher *m, uint32_t from, uint32_t label) {
  uint64_t key = ((uint64_t)from << 32) | label;
  size_t i = (size_t)hash_key(key) & (m->edge_cap - 1);
  for (;;) {
    const edge *e = &m->edges[i];
    if (e->target == NO_NODE) return NO_NODE;
    if (e->key == key) return e->target;
    i = (i + 1) & (m->edge_cap - 1);
  }
}

static void edge_put(edge *edges, size_t cap, uint64_t key, uint32_t target) {
  size_t i = (size_t)hash_key(key) & (cap - 1);
  while (edges[i].target != NO_NODE) i = (i + 1) & (cap - 1);
  edges[i].key = key;
  edges[i].target = target;
}

/* Moves the edges into a table of ncap slots (a power of two). */
static int edges_rehash(tact_matcher *m, const tact_allocator *a, size_t ncap) {
  edge *ne = tact_malloc(a, ncap * sizeof *ne);
  if (!ne) return -1;
  for (size_t i = 0; i < ncap; i++) ne[i].target = NO_NODE;
  for (size_t i = 0; i < m->edge_cap; i++)
    if (m->edges[i].target != NO_NODE) edge_put(ne, ncap, m->edges[i].key, m->edges[i].target);
  tact_free(a, m->edges);
  m->edges = ne;
  m->edge_cap = ncap;
  return 0;
}

static uint32_t new_node(tact_matcher *m, const tact_allocator *a) {
  if (m->n_nodes >= UINT32_MAX - 1) return NO_NODE;
  if (tact_grow(a, (void **)&m->nodes, &m->cap_nodes, m->n_nodes + 1, sizeof *m->nodes))
    return NO_NODE;
  memset(&m->nodes[m->n_nodes], 0, sizeof *m->nodes);
  return (uint32_t)m->n_nodes++;
}

/* The child of `from` along `label`, created if absent. */
static uint32_t child(tact_matcher *m, const tact_allocator *a, uint32_t from, uint32_t label) {
  uint32_t to = edge_lookup(m, from, label);
  if (to != NO_NODE) return to;
  if ((m->n_edges + 1) * 2 > m->edge_cap && edges_rehash(m, a, m->edge_cap * 2)) return NO_NODE;
  to = new_node(m, a);
  if (to == NO_NODE) return NO_NODE;
  edge_put(m->edges, m->edge_cap, ((uint64_t)from << 32) | label, to);
  m->n_edges++;
  m->nodes[from].n_edges++;
  return to;
}

/* A crude English stemmer, applied alike to pattern words marked '~' and to
 * text words, so both sides meet: one suffix is removed, then trailing e's,
 * then a doubled final consonant. refund(s|ed|ing) -> refund, repl(y|ies|ied)
 * -> reply, ship(s|ped|ping) -> ship, replace(d|s) -> replac, cancel(l)ed ->
 * cancel, fee(s) -> f. It only has to be consistent, not linguistically
 * right: a stem is a matching key, never shown to anyone. */
static int is_consonant(char c) { return c >= 'a' && c <= 'z' && !strchr("aeiouy", c); }

static size_t stem(const char *w, size_t n, char *out) {
  memcpy(out, w, n);
#define ENDS(lit) (n >= sizeof(lit) - 1 && memcmp(out + n - (sizeof(lit) - 1), lit, sizeof(lit) - 1) == 0)
  if (n > 4 && (ENDS("ies") || ENDS("ied"))) {
    out[n - 3] = 'y';
    n -= 2;
  } else if (ENDS("sses")) {
    n -= 2;
  } else if (n > 4 && ENDS("ing")) {
    n -= 3;
  } else if (n >= 4 && ENDS("ed")) {
    n -= 2;
  } else if (ENDS("ses") || ENDS("xes") || ENDS("zes") || ENDS("ches") || ENDS("shes")) {
    n -= 2;
  } else if (n > 3 && out[n - 1] == 's' && !strchr("siu", out[n - 2])) {
    n -= 1;
  }
#undef ENDS
  while (n >= 2 && out[n - 1] == 'e') n--;
  if (n >= 3 && out[n - 1] == out[n - 2] && is_consonant(out[n - 1])) n--;
  return n;
}

size_t tact_stem(const char *w, size_t n, char *out) { return stem(w, n, out); }

/* Splits a pattern into labels. Returns the label count, or 0 with `err` set. */
typedef struct pattern_ctx {
  const tact_layers *layers;
  tact_matcher *m;
  const tact_allocator *a;
  tact_text *scratch;
  char *stem_buf;
  const tact_layer_entry *le;
  tact_error *err;
} pattern_ctx;

static tact_status pattern_fail(pattern_ctx *c, tact_status code, const char *what) {
  return tact_fail_pack(c->err, code, c->le->source, c->le->entry->line, 0,
                        "%s:%u: %s in pattern '%.200s'", c->le->source, c->le->entry->line, what,
                        c->le->entry->pattern);
}

/* Marks symbol `sym` of a table as a member of lexicon class k. */
static int mark_class(const tact_allocator *a, uint16_t **classes, size_t *cap, uint32_t sym,
                      size_t k) {
  size_t old = *cap;
  if (sym >= old) {
    if (tact_grow(a, (void **)classes, cap, (size_t)sym + 1, sizeof **classes)) return -1;
    memset(*classes + old, 0, (*cap - old) * sizeof **classes);
  }
  (*classes)[sym] |= (uint16_t)(1u << k);
  return 0;
}

/* {@id}: any one word of lexicon `id`. Its entries must be single words
 * (or single inflected words, "refund~"); they become members of a class
 * the scan offers as a label of each such token. */
static tact_status lexicon_class_label(pattern_ctx *c, const char *id, size_t n, uint32_t *label) {
  char name[72];
  if (n == 0 || n >= sizeof name) return pattern_fail(c, TACT_E_PACK, "a bad {@lexicon} class");
  memcpy(name, id, n);
  name[n] = '\0';
  long lx = tact_layers_find_lexicon(c->layers, name);
  if (lx < 0) return pattern_fail(c, TACT_E_PACK, "a {@lexicon} class naming no lexicon");
  tact_matcher *m = c->m;
  size_t k = 0;
  while (k < m->n_lex_classes && m->lex_class[k] != (uint32_t)lx) k++;
  if (k == m->n_lex_classes) {
    if (k == TACT_MATCH_MAX_LEXICON_CLASSES)
      return pattern_fail(c, TACT_E_PACK, "more than 16 {@lexicon} classes");
    m->lex_class[m->n_lex_classes++] = (uint32_t)lx;
    const tact_lexicon *lex = &c->layers->lexicons[lx];
    tact_text words;
    memset(&words, 0, sizeof words);
    for (size_t e = 0; e < lex->n_entries; e++) {
      const char *w = lex->entries[e].entry->pattern;
      size_t wn = strlen(w);
      int inflect = wn > 1 && w[wn - 1] == '~';
      tact_status st = tact_text_analyze(&words, c->a, w, wn - (size_t)inflect, 0, c->err);
      if (st != TACT_OK) {
        tact_text_free(&words, c->a);
        return st;
      }
      if (words.n_tokens != 1 || w[0] == '{') {
        tact_text_free(&words, c->a);
        return pattern_fail(c, TACT_E_PACK, "a {@lexicon} class whose entries are not all single words");
      }
      size_t len;
      const char *norm = tact_text_norm(&words, 0, &len);
      int bad = 0;
      if (inflect) {
        size_t sl = len <= TACT_MATCH_MAX_STEM ? stem(norm, len, c->stem_buf) : 0;
        uint32_t sym = sl ? sym_intern(&m->stems, c->a, c->stem_buf, sl) : NO_SYM;
        m->uses_stems = 1;
        bad = sym == NO_SYM || mark_class(c->a, &m->stem_classes, &m->cap_stem_classes, sym, k);
      } else {
        uint32_t sym = sym_intern(&m->exact, c->a, norm, len);
        bad = sym == NO_SYM || mark_class(c->a, &m->exact_classes, &m->cap_exact_classes, sym, k);
      }
      if (bad) {
        tact_text_free(&words, c->a);
        return tact_fail(c->err, TACT_E_NOMEM, "out of memory compiling patterns");
      }
    }
    tact_text_free(&words, c->a);
  }
  *label = LABEL_CLASS | (uint32_t)(CLASS_COUNT + k);
  return TACT_OK;
}

static tact_status class_label(pattern_ctx *c, const char *w, size_t n, uint32_t *label) {
  if (n > 3 && w[1] == '@' && w[n - 1] == '}') return lexicon_class_label(c, w + 2, n - 3, label);
  /* {!@id}: one token that is not a word of lexicon id. */
  if (n > 4 && w[1] == '!' && w[2] == '@' && w[n - 1] == '}') {
    tact_status st = lexicon_class_label(c, w + 3, n - 4, label);
    if (st != TACT_OK) return st;
    unsigned k = (*label & LABEL_VALUE) - CLASS_COUNT;
    c->m->negated_classes |= (uint16_t)(1u << k);
    *label = LABEL_CLASS | (CLASS_COUNT + TACT_MATCH_MAX_LEXICON_CLASSES + k);
    return TACT_OK;
  }
  for (size_t i = 0; i < sizeof class_names / sizeof class_names[0]; i++) {
    if (strlen(class_names[i].name) == n && memcmp(class_names[i].name, w, n) == 0) {
      *label = LABEL_CLASS | class_names[i].cls;
      c->m->class_used[class_names[i].cls] = 1;
      return TACT_OK;
    }
  }
  return pattern_fail(c, TACT_E_PACK, "unknown token class");
}

static tact_status chunk_labels(pattern_ctx *c, const char *w, size_t n, uint32_t *labels,
                                size_t *count) {
  int inflect = n > 1 && w[n - 1] == '~';
  if (inflect) n--;
  int plain = tact_text_is_plain_word(w, n);
  size_t n_tokens = 1;
  if (!plain) {
    tact_status st = tact_text_analyze(c->scratch, c->a, w, n, 0, c->err);
    if (st != TACT_OK) return st;
    n_tokens = c->scratch->n_tokens;
  }
  for (size_t i = 0; i < n_tokens; i++) {
    if (*count == TACT_MATCH_MAX_PATTERN_TOKENS)
      return pattern_fail(c, TACT_E_PACK, "more than 32 tokens");
    size_t len = n;
    const char *norm = plain ? w : tact_text_norm(c->scratch, i, &len);
    uint32_t sym;
    if (inflect && i + 1 == n_tokens) {
      if (len > TACT_MATCH_MAX_STEM) return pattern_fail(c, TACT_E_PACK, "a word too long to inflect");
      size_t sl = stem(norm, len, c->stem_buf);
      sym = sym_intern(&c->m->stems, c->a, c->stem_buf, sl);
      c->m->uses_stems = 1;
      if (sym != NO_SYM) sym |= LABEL_STEM;
    } else {
      sym = sym_intern(&c->m->exact, c->a, norm, len);
    }
    if (sym == NO_SYM) return tact_fail(c->err, TACT_E_NOMEM, "out of memory compiling patterns");
    labels[(*count)++] = sym;
  }
  return TACT_OK;
}

/* Splits an entry into labels; optional[i] is 0 for a required label, else
 * the number (from 1) of the optional item "[...]" it belongs to (one
 * chunk: a word, a class or word~). */
static tact_status pattern_labels(pattern_ctx *c, uint32_t *labels, uint8_t *optional,
                                  size_t *count) {
  const char *p = c->le->entry->pattern;
  *count = 0;
  unsigned n_items = 0;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    const char *w = p;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') p++;
    size_t n = (size_t)(p - w);
    if (!n) continue;
    int opt = n > 2 && w[0] == '[' && w[n - 1] == ']';
    if (opt) w++, n -= 2, n_items++;
    size_t before = *count;
    tact_status st;
    if (w[0] == '{') {
      if (*count == TACT_MATCH_MAX_PATTERN_TOKENS)
        return pattern_fail(c, TACT_E_PACK, "more than 32 tokens");
      st = class_label(c, w, n, &labels[*count]);
      if (st == TACT_OK) (*count)++;
    } else {
      st = chunk_labels(c, w, n, labels, count);
    }
    if (st != TACT_OK) return st;
    for (size_t i = before; i < *count; i++) optional[i] = opt ? (uint8_t)n_items : 0;
  }
  if (!*count) return pattern_fail(c, TACT_E_PACK, "no tokens");
  return TACT_OK;
}

/* Per-node output lists while building: singly linked through `next`. */
typedef struct build_out {
  uint32_t *head, *next, *entry;
  size_t cap_head, cap_next, cap_entry, n;
} build_out;

static int add_output(tact_matcher *m, const tact_allocator *a, build_out *b, uint32_t node_id,
                      uint32_t entry_id) {
  size_t old = b->cap_head;
  if (tact_grow(a, (void **)&b->head, &b->cap_head, m->n_nodes, sizeof *b->head)) return -1;
  for (size_t i = old; i < b->cap_head; i++) b->head[i] = NO_NODE;
  /* One lexicon, one pattern: a repeated entry replaces the earlier one. */
  for (uint32_t o = b->head[node_id]; o != NO_NODE; o = b->next[o]) {
    if (m->entries[b->entry[o]].lexicon == m->entries[entry_id].lexicon) {
      b->entry[o] = entry_id;
      return 0;
    }
  }
  if (tact_grow(a, (void **)&b->next, &b->cap_next, b->n + 1, sizeof *b->next) ||
      tact_grow(a, (void **)&b->entry, &b->cap_entry, b->n + 1, sizeof *b->entry))
    return -1;
  b->entry[b->n] = entry_id;
  b->next[b->n] = b->head[node_id];
  b->head[node_id] = (uint32_t)b->n++;
  m->nodes[node_id].out_count++;
  return 0;
}

/* Most optional items per pattern: each doubles the paths in the trie. */
#define MAX_OPTIONAL_ITEMS 4

static tact_status add_entry(pattern_ctx *c, build_out *b, uint32_t lexicon, double weight) {
  tact_matcher *m = c->m;
  uint32_t labels[TACT_MATCH_MAX_PATTERN_TOKENS];
  uint8_t optional[TACT_MATCH_MAX_PATTERN_TOKENS];
  size_t count;
  tact_status st = pattern_labels(c, labels, optional, &count);
  if (st != TACT_OK) return st;
  /* Optional items: one path per subset of them, all ending in this entry.
   * An item is one chunk, so its labels are consecutive and go together. */
  size_t n_opt = 0;
  for (size_t i = 0; i < count; i++)
    if (optional[i] > n_opt) n_opt = optional[i];
  if (n_opt > MAX_OPTIONAL_ITEMS) return pattern_fail(c, TACT_E_PACK, "more than 4 optional items");
  size_t required = 0;
  for (size_t i = 0; i < count; i++) required += !optional[i];
  if (!required) return pattern_fail(c, TACT_E_PACK, "only optional items");
  if (tact_grow(c->a, (void **)&m->entries, &m->cap_entries, m->n_entries + 1, sizeof *m->entries))
    return tact_fail(c->err, TACT_E_NOMEM, "out of memory compiling patterns");
  uint32_t id = (uint32_t)m->n_entries++;
  m->entries[id].lexicon = lexicon;
  m->entries[id].weight = weight;
  m->entries[id].pattern = c->le->entry->pattern;
  m->entries[id].replace = c->le->entry->replace;
  for (unsigned keep = 0; keep < (1u << n_opt); keep++) {
    uint32_t at = 0;
    size_t used = 0;
    for (size_t i = 0; i < count && at != NO_NODE; i++) {
      if (optional[i] && !(keep >> (optional[i] - 1) & 1)) continue;
      at = child(m, c->a, at, labels[i]);
      used++;
    }
    if (at == NO_NODE || !used || add_output(m, c->a, b, at, id))
      return tact_fail(c->err, TACT_E_NOMEM, "out of memory compiling patterns");
  }
  return TACT_OK;
}

/* Lays the linked output lists out flat, in entry order per node. */
static int flatten_outputs(tact_matcher *m, const tact_allocator *a, build_out *b) {
  m->outputs = tact_malloc(a, (b->n ? b->n : 1) * sizeof *m->outputs);
  if (!m->outputs) return -1;
  uint32_t at = 0;
  for (size_t nd = 0; nd < m->n_nodes; nd++) {
    node *n = &m->nodes[nd];
    n->out_first = at;
    at += n->out_count;
    uint32_t k = at;
    if (nd < b->cap_head)
      for (uint32_t o = b->head[nd]; o != NO_NODE; o = b->next[o]) m->outputs[--k] = b->entry[o];
  }
  m->n_outputs = b->n;
  return 0;
}

static tact_status compile_all(tact_matcher *m, const tact_layers *layers, pattern_ctx *c,
                               build_out *b) {
  /* Sized for the entries up front (most are one or two words), so that
   * building does not keep copying and rehashing ever larger tables. */
  size_t total = 0, edge_cap = 1024;
  for (size_t l = 0; l < layers->n_lexicons; l++) total += layers->lexicons[l].n_entries;
  while (edge_cap < 3 * total && edge_cap < ((size_t)1 << 24)) edge_cap *= 2;
  if (edges_rehash(m, c->a, edge_cap) ||
      tact_grow(c->a, (void **)&m->entries, &m->cap_entries, total + 1, sizeof *m->entries) ||
      tact_grow(c->a, (void **)&m->nodes, &m->cap_nodes, total + total / 2 + 1, sizeof *m->nodes) ||
      new_node(m, c->a) == NO_NODE)
    return tact_fail(c->err, TACT_E_NOMEM, "out of memory compiling patterns");
  for (size_t l = 0; l < layers->n_lexicons; l++) {
    const tact_lexicon *lex = &layers->lexicons[l];
    for (size_t e = 0; e < lex->n_entries; e++) {
      c->le = &lex->entries[e];
      const tact_pack_entry *pe = c->le->entry;
      double w = pe->has_weight ? pe->weight : lex->has_weight ? lex->weight : 1.0;
      tact_status st = add_entry(c, b, (uint32_t)l, w);
      if (st != TACT_OK) return st;
    }
  }
  if (flatten_outputs(m, c->a, b))
    return tact_fail(c->err, TACT_E_NOMEM, "out of memory compiling patterns");
  return TACT_OK;
}

tact_status tact_matcher_compile(const tact_layers *layers, const tact_allocator *a,
                                 tact_matcher **out, tact_error *err) {
  *out = NULL;
  tact_matcher *m = tact_malloc(a, sizeof *m);
  if (!m) return tact_fail(err, TACT_E_NOMEM, "out of memory compiling patterns");
  memset(m, 0, sizeof *m);
  tact_text scratch;
  memset(&scratch, 0, sizeof scratch);
  char stem_buf[TACT_MATCH_MAX_STEM];
  pattern_ctx c = {layers, m, a, &scratch, stem_buf, NULL, err};
  build_out b;
  memset(&b, 0, sizeof b);
  tact_status st = compile_all(m, layers, &c, &b);
  tact_text_free(&scratch, a);
  tact_free(a, b.head);
  tact_free(a, b.next);
  tact_free(a, b.entry);
  if (st != TACT_OK) {
    tact_matcher_free(m, a);
    return st;
  }
  *out = m;
  return TACT_OK;
}

void tact_matcher_free(tact_matcher *m, const tact_allocator *a) {
  if (!m) return;
  sym_free(&m->exact, a);
  sym_free(&m->stems, a);
  tact_free(a, m->edges);
  tact_free(a, m->nodes);
  tact_free(a, m->outputs);
  tact_free(a, m->entries);
  tact_free(a, m->exact_classes);
  tact_free(a, m->stem_classes);
  tact_free(a, m);
}

const tact_compiled_entry *tact_matcher_entry(const tact_matcher *m, uint32_t i) {
  return i < m->n_entries ? &m->entries[i] : NULL;
}

size_t tact_matcher_entry_count(const tact_matcher *m) { return m->n_entries; }

/* The lexicon classes of a symbol, as labels. */
static size_t class_labels(const uint16_t *classes, size_t cap, uint32_t sym, uint32_t *labels) {
  size_t n = 0;
  if (!classes || sym >= cap) return 0;
  for (unsigned bits = classes[sym], k = 0; bits; bits >>= 1, k++)
    if (bits & 1) labels[n++] = LABEL_CLASS | (CLASS_COUNT + k);
  return n;
}

/* The labels token `i` offers: at most 4, plus its lexicon classes and the
 * negated classes it is not in. */
#define MAX_TOKEN_LABELS (4 + 3 * TACT_MATCH_MAX_LEXICON_CLASSES)
static size_t token_labels(const tact_matcher *m, const tact_text *t, size_t i,
                           tact_match_state *st, uint32_t *labels) {
  size_t n = 0, len;
  const char *norm = tact_text_norm(t, i, &len);
  unsigned kind = t->tokens[i].kind;
  uint32_t sym = sym_lookup(&m->exact, norm, len);
  if (sym != NO_SYM) {
    labels[n++] = LABEL_EXACT | sym;
    n += class_labels(m->exact_classes, m->cap_exact_classes, sym, labels + n);
  }
  if (m->uses_stems && kind == TACT_TOKEN_WORD && len <= st->cap_stem) {
    size_t sl = stem(norm, len, st->stem);
    sym = sym_lookup(&m->stems, st->stem, sl);
    if (sym != NO_SYM) {
      labels[n++] = LABEL_STEM | sym;
      n += class_labels(m->stem_classes, m->cap_stem_classes, sym, labels + n);
    }
  }
  if (m->negated_classes) {
    unsigned in = 0; /* the classes this token is in */
    for (size_t l = 0; l < n; l++) {
      uint32_t v = labels[l] & LABEL_VALUE;
      if ((labels[l] & ~LABEL_VALUE) == LABEL_CLASS && v >= CLASS_COUNT)
        in |= 1u << (v - CLASS_COUNT);
    }
    for (unsigned k = 0; k < TACT_MATCH_MAX_LEXICON_CLASSES; k++)
      if ((m->negated_classes >> k & 1) && !(in >> k & 1))
        labels[n++] = LABEL_CLASS | (CLASS_COUNT + TACT_MATCH_MAX_LEXICON_CLASSES + k);
  }
  if (kind <= TACT_TOKEN_EMOTICON && m->class_used[CLASS_KIND + kind])
    labels[n++] = LABEL_CLASS | (CLASS_KIND + kind);
  if (kind == TACT_TOKEN_WORD && m->class_used[CLASS_WORD]) labels[n++] = LABEL_CLASS | CLASS_WORD;
  if (m->class_used[CLASS_ANY]) labels[n++] = LABEL_CLASS | CLASS_ANY;
  return n;
}

static int push_hits(const tact_matcher *m, const tact_allocator *a, tact_match_state *st,
                     uint32_t nd, uint32_t start, uint32_t end) {
  const node *n = &m->nodes[nd];
  if (!n->out_count) return 0;
  if (tact_grow(a, (void **)&st->hits, &st->cap_hits, st->n_hits + n->out_count, sizeof *st->hits))
    return -1;
  for (uint32_t k = 0; k < n->out_count; k++) {
    tact_hit *h = &st->hits[st->n_hits++];
    h->entry = m->outputs[n->out_first + k];
    h->first_token = start;
    h->n_tokens = end - start + 1;
  }
  return 0;
}

static int hit_before(const tact_hit *x, const tact_hit *y) {
  if (x->first_token != y->first_token) return x->first_token < y->first_token;
  if (x->n_tokens != y->n_tokens) return x->n_tokens > y->n_tokens;
  return x->entry < y->entry;
}

/* Hits are found in order of their last token, and a hit can only move
 * ahead of hits that end within its own length (at most 32 tokens), so an
 * insertion sort is linear here; qsort could also allocate. */
static void sort_hits(tact_hit *h, size_t n) {
  for (size_t i = 1; i < n; i++) {
    tact_hit x = h[i];
    size_t j = i;
    while (j > 0 && hit_before(&x, &h[j - 1])) {
      h[j] = h[j - 1];
      j--;
    }
    h[j] = x;
  }
}

/* Advances every live partial match (and a new one starting here) by token i. */
static int step(const tact_matcher *m, const tact_text *t, size_t i, const tact_allocator *a,
                tact_match_state *st, size_t *n_active) {
  uint32_t labels[MAX_TOKEN_LABELS];
  size_t nl = token_labels(m, t, i, st, labels);
  st->active[(*n_active)++] = (uint64_t)i; /* root node 0, starting at i */
  size_t n_next = 0;
  for (size_t s = 0; s < *n_active; s++) {
    uint32_t from = (uint32_t)(st->active[s] >> 32), start = (uint32_t)st->active[s];
    for (size_t l = 0; l < nl; l++) {
      uint32_t to = edge_lookup(m, from, labels[l]);
      if (to == NO_NODE) continue;
      if (push_hits(m, a, st, to, start, (uint32_t)i)) return -1;
      if (!m->nodes[to].n_edges) continue;
      if (tact_grow(a, (void **)&st->next, &st->cap_next, n_next + 1, sizeof *st->next)) return -1;
      st->next[n_next++] = ((uint64_t)to << 32) | start;
    }
  }
  uint64_t *tmp = st->active;
  size_t tcap = st->cap_active;
  st->active = st->next;
  st->cap_active = st->cap_next;
  st->next = tmp;
  st->cap_next = tcap;
  *n_active = n_next;
  return 0;
}

tact_status tact_matcher_scan(const tact_matcher *m, const tact_text *t, const tact_allocator *a,
                              tact_match_state *st, tact_error *err) {
  st->n_hits = 0;
  if (m->uses_stems &&
      tact_grow(a, (void **)&st->stem, &st->cap_stem, TACT_MATCH_MAX_STEM, 1))
    return tact_fail(err, TACT_E_NOMEM, "out of memory while matching");
  size_t n_active = 0;
  for (size_t i = 0; i < t->n_tokens; i++) {
    if (tact_grow(a, (void **)&st->active, &st->cap_active, n_active + 1, sizeof *st->active) ||
        step(m, t, i, a, st, &n_active))
      return tact_fail(err, TACT_E_NOMEM, "out of memory while matching");
  }
  sort_hits(st->hits, st->n_hits);
  return TACT_OK;
}

void tact_match_state_free(tact_match_state *st, const tact_allocator *a) {
  tact_free(a, st->hits);
  tact_free(a, st->active);
  tact_free(a, st->next);
  tact_free(a, st->stem);
  memset(st, 0, sizeof *st);
}
