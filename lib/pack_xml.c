/* pack_xml.c — reads one rule pack from XML into a tact_pack (pack.h).
 *
 * A pack is hostile input, so parsing runs in four steps, each refusing what
 * the next must never see:
 *   1. a byte scan (prescan_*): size, NUL bytes, non-UTF-8 encodings, any
 *      DTD or entity declaration, absurd attribute counts;
 *   2. libxml2 with a parser context of our own: no network, no entity
 *      substitution, no DTD loading, errors captured instead of printed, and
 *      SAX hooks that stop the parser on nesting beyond the limit and on any
 *      DTD event the scan should already have refused;
 *   3. the RELAX NG schema (packs/tact-pack.rng, compiled in), when asked;
 *   4. building the model (build_*), which re-checks every value it reads so
 *      that an unvalidated pack still cannot yield a bad model, and checks
 *      what the schema cannot (duplicate ids, byte lengths, overflowing
 *      numbers, empty examples).
 * Layering packs and compiling lexicons are left to layers.c / match.c.
 *
 * libxml2 allocates its tree and contexts with its own allocator (changing
 * that is process-global); everything the model keeps goes through the
 * caller's tact_allocator. */
#include "pack.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <pthread.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "error.h"
#include "hash.h"

/* libxml2 refuses nesting deeper than this without XML_PARSE_HUGE (which
 * would also lift its other safety limits), so a larger configured depth
 * is clamped: our own, clearer limit error then fires first. */
#define LIBXML_DEPTH_LIMIT 256u
/* The schema allows at most six attributes on any element; libxml2 2.9
 * checks duplicate attributes in quadratic time, so a start tag with a
 * million of them would stall the parser for many seconds. */
#define MAX_ATTRIBUTES 64u
#define MAX_ID_BYTES 64u
#define MAX_PATTERN_BYTES 1000u
#define FAILURE_TEXT 256

#define PARSE_OPTIONS                                                                 \
  (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |   \
   XML_PARSE_IGNORE_ENC)

struct tact_pack_loader {
  tact_allocator alloc;
  tact_pack_limits lim;
  xmlRelaxNGPtr schema; /* compiled on the first validating parse */
};

/* A pack with its own copy of the allocator its arena uses, so that a pack
 * stays valid after the loader that made it is freed. */
typedef struct pack_box {
  tact_allocator alloc;
  tact_pack pack;
} pack_box;

/* The first thing that went wrong inside libxml2 (parser, schema compiler
 * or validator), recorded by a callback and turned into a tact_error later. */
typedef struct failure {
  tact_status code; /* TACT_OK until something fails */
  int from_libxml;   /* libxml2 reported it (else one of our SAX hooks) */
  unsigned line, column;
  char element[48]; /* element the error is about, or "" */
  char text[FAILURE_TEXT];
} failure;

/* What the SAX hooks see through ctxt->_private. */
typedef struct parse_state {
  failure fail;
  unsigned depth, max_depth;
} parse_state;

/* ---------------------------------------------------------------------- */
/* Small helpers                                                          */

static int is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static unsigned to_line(long line) {
  return line > 0 && (unsigned long)line <= UINT_MAX ? (unsigned)line : 0;
}

/* Line of a node: the full number on_start_element stored for elements,
 * else libxml2's (exact below 65535). */
static unsigned node_line(const xmlNode *n) {
  if (n->type == XML_ELEMENT_NODE && n->_private) return (unsigned)(uintptr_t)n->_private;
  return to_line(xmlGetLineNo(n));
}

/* 1-based line of byte `pos`, counted the way libxml2 counts (only LF). */
static unsigned line_at(const char *buf, size_t pos) {
  unsigned line = 1;
  for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + pos - p))) != NULL; p++) line++;
  return line;
}

static int starts_with(const char *p, const char *end, const char *lit) {
  size_t n = strlen(lit);
  return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static int ascii_ieq(const char *a, size_t alen, const char *b) {
  if (alen != strlen(b)) return 0;
  for (size_t i = 0; i < alen; i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return 0;
  }
  return 1;
}

/* Copies a libxml2 message, dropping its trailing newline. */
static void copy_message(char *dst, size_t cap, const char *msg) {
  snprintf(dst, cap, "%s", msg ? msg : "unknown error");
  size_t n = strlen(dst);
  while (n > 0 && is_xml_space(dst[n - 1])) dst[--n] = '\0';
}

static tact_status fail_nomem(tact_error *err, const char *source) {
  return tact_fail_pack(err, TACT_E_NOMEM, source, 0, 0, "out of memory while loading pack '%s'",
                        source);
}

/* ---------------------------------------------------------------------- */
/* Step 1: the byte scan                                                  */

static tact_status prescan_encoding(const char *buf, size_t len, const char *source,
                                    tact_error *err);
static tact_status prescan_markup(const char *buf, size_t len, const char *source,
                                  tact_error *err);

/* Refuses what libxml2 must never be given. Packs are UTF-8 only: libxml2
 * would otherwise switch decoders on a byte order mark or a declaration. */
static tact_status prescan(const char *buf, size_t len, const char *source, tact_error *err) {
  if (len == 0) return tact_fail_pack(err, TACT_E_PACK, source, 1, 0, "pack '%s' is empty", source);
  const char *nul = memchr(buf, '\0', len);
  if (nul) {
    unsigned line = line_at(buf, (size_t)(nul - buf));
    return tact_fail_pack(err, TACT_E_PACK, source, line, 0,
                          "pack '%s' contains a NUL byte at offset %zu (line %u)", source,
                          (size_t)(nul - buf), line);
  }
  if (len >= 2 && (((unsigned char)buf[0] == 0xFE && (unsigned char)buf[1] == 0xFF) ||
                   ((unsigned char)buf[0] == 0xFF && (unsigned char)buf[1] == 0xFE)))
    return tact_fail_pack(err, TACT_E_PACK, source, 1, 0,
                          "pack '%s' starts with a UTF-16 byte order mark; packs must be UTF-8",
                          source);
  tact_status st = prescan_encoding(buf, len, source, err);
  if (st != TACT_OK) return st;
  return prescan_markup(buf, len, source, err);
}

/* Finds encoding="..." in the XML declaration, if there is one, and
 * refuses anything but UTF-8. A declaration too broken to read is left to
 * libxml2 to report. */
static tact_status prescan_encoding(const char *buf, size_t len, const char *source,
                                    tact_error *err) {
  const char *p = buf, *end = buf + len;
  if (starts_with(p, end, "\xEF\xBB\xBF")) p += 3;
  if (!starts_with(p, end, "<?xml") || end - p < 6 || !is_xml_space(p[5])) return TACT_OK;
  p += 5;
  for (;;) {
    while (p < end && is_xml_space(*p)) p++;
    const char *name = p;
    while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) p++;
    size_t name_len = (size_t)(p - name);
    while (p < end && is_xml_space(*p)) p++;
    if (name_len == 0 || p >= end || *p != '=') return TACT_OK;
    p++;
    while (p < end && is_xml_space(*p)) p++;
    if (p >= end || (*p != '"' && *p != '\'')) return TACT_OK;
    const char *value = p + 1;
    const char *close = memchr(value, *p, (size_t)(end - value));
    if (!close) return TACT_OK;
    size_t value_len = (size_t)(close - value);
    if (name_len == 8 && memcmp(name, "encoding", 8) == 0 && !ascii_ieq(value, value_len, "UTF-8"))
      return tact_fail_pack(err, TACT_E_PACK, source, line_at(buf, (size_t)(name - buf)), 0,
                            "pack '%s' declares encoding \"%.*s\"; packs must be UTF-8 (line %u)",
                            source, (int)(value_len > 40 ? 40 : value_len), value,
                            line_at(buf, (size_t)(name - buf)));
    p = close + 1;
  }
}

/* Skips past `terminator`, or to the end when it is missing (libxml2 will
 * then report the unterminated construct). */
static const char *skip_past(const char *p, const char *end, const char *terminator) {
  size_t n = strlen(terminator);
  for (; (size_t)(end - p) >= n; p++)
    if (memcmp(p, terminator, n) == 0) return p + n;
  return end;
}

/* Counts the attributes of the start tag at `p` (just after '<') by their
 * '=' signs, stopping at '>' or at a '<' that only malformed input has. */
static const char *count_attributes(const char *p, const char *end, unsigned *count) {
  char quote = 0;
  *count = 0;
  for (; p < end; p++) {
    if (*p == '<') return p;
    if (quote) {
      if (*p == quote) quote = 0;
    } else if (*p == '"' || *p == '\'') {
      quote = *p;
    } else if (*p == '=') {
      (*count)++;
    } else if (*p == '>') {
      return p + 1;
    }
  }
  return end;
}

/* Walks the markup: comments, CDATA sections and processing instructions
 * are skipped exactly as libxml2 would; any other "<!" is a DOCTYPE or a
 * declaration that belongs in one, and is refused before libxml2 can
 * expand entities (billion laughs) or fetch anything (XXE). In well-formed
 * XML a raw '<' can appear nowhere else, so nothing can hide from this. */
static tact_status prescan_markup(const char *buf, size_t len, const char *source,
                                  tact_error *err) {
  const char *p = buf, *end = buf + len;
  while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
    if (starts_with(p, end, "<!--")) {
      p = skip_past(p + 4, end, "-->");
    } else if (starts_with(p, end, "<![CDATA[")) {
      p = skip_past(p + 9, end, "]]>");
    } else if (starts_with(p, end, "<?")) {
      p = skip_past(p + 2, end, "?>");
    } else if (starts_with(p, end, "<!")) {
      unsigned line = line_at(buf, (size_t)(p - buf));
      return tact_fail_pack(err, TACT_E_PACK, source, line, 0,
                            "pack '%s': DTDs and entities are not allowed (line %u)", source,
                            line);
    } else {
      unsigned count;
      const char *tag = p;
      p = count_attributes(p + 1, end, &count);
      if (count > MAX_ATTRIBUTES) {
        unsigned line = line_at(buf, (size_t)(tag - buf));
        return tact_fail_pack(err, TACT_E_LIMIT, source, line, 0,
                              "pack '%s': an element at line %u has %u attributes, limit %u",
                              source, line, count, MAX_ATTRIBUTES);
      }
    }
    if (p >= end) break;
  }
  return TACT_OK;
}

/* ---------------------------------------------------------------------- */
/* Step 2: libxml2                                                        */

/* Records the first error; later ones are usually consequences of it.
 * Returns 1 if this was the first. */
static int record(failure *f, tact_status code, unsigned line, unsigned column,
                  const xmlNode *node, const char *msg) {
  int first = f->code == TACT_OK;
  /* libxml2's RELAX NG code sometimes reports the first error without a
   * node; the location then comes from the next error that has one. */
  if (!first && (f->line != 0 || line == 0)) return 0;
  if (first) {
    f->code = code;
    copy_message(f->text, sizeof f->text, msg);
  }
  f->line = line;
  f->column = column;
  f->element[0] = '\0';
  if (node && node->type == XML_ELEMENT_NODE && node->name)
    snprintf(f->element, sizeof f->element, "%s", (const char *)node->name);
  return first;
}

/* Structured error handler for the parser, the schema compiler and the
 * validator: installing it is what keeps libxml2 from printing. */
static void on_xml_error(failure *f, const xmlError *e) {
  if (e->level < XML_ERR_ERROR) return; /* warnings do not fail a pack */
  const xmlNode *node = e->node;
  unsigned line = node ? node_line(node) : to_line(e->line);
  tact_status code = e->code == XML_ERR_NO_MEMORY ? TACT_E_NOMEM : TACT_E_PACK;
  if (record(f, code, line, e->int2 > 0 ? (unsigned)e->int2 : 0, node, e->message))
    f->from_libxml = 1;
}

static void on_parser_error(void *ctx, xmlErrorPtr e) {
  xmlParserCtxtPtr ctxt = ctx;
  on_xml_error(&((parse_state *)ctxt->_private)->fail, e);
}

static void on_schema_error(void *data, xmlErrorPtr e) {
  on_xml_error(data, e);
}

static void stop(xmlParserCtxtPtr ctxt, tact_status code, const char *msg) {
  parse_state *st = ctxt->_private;
  record(&st->fail, code, to_line(xmlSAX2GetLineNumber(ctxt)), 0, NULL, msg);
  xmlStopParser(ctxt);
}

/* Second line of defence behind prescan_markup: any DTD event stops the
 * parser before a declaration is stored, and no entity is ever resolved. */
static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                               const xmlChar *system_id) {
  (void)name, (void)external_id, (void)system_id;
  stop(ctx, TACT_E_PACK, "DTDs and entities are not allowed");
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content) {
  (void)name, (void)type, (void)public_id, (void)system_id, (void)content;
  stop(ctx, TACT_E_PACK, "DTDs and entities are not allowed");
}

static xmlEntityPtr on_get_entity(void *ctx, const xmlChar *name) {
  (void)ctx, (void)name;
  return NULL; /* &lt; &amp; ... are predefined and never reach here */
}

static xmlParserInputPtr on_resolve_entity(void *ctx, const xmlChar *public_id,
                                           const xmlChar *system_id) {
  (void)public_id, (void)system_id;
  stop(ctx, TACT_E_PACK, "external entities are not allowed");
  return NULL;
}

/* Counts nesting as elements open, so a deep document is refused at the
 * first element past the limit, long before the tree gets deep. */
static void on_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                             const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                             int nb_attributes, int nb_defaulted, const xmlChar **attributes) {
  xmlParserCtxtPtr ctxt = ctx;
  parse_state *st = ctxt->_private;
  if (++st->depth > st->max_depth) {
    char msg[96];
    snprintf(msg, sizeof msg, "elements nested deeper than the limit of %u", st->max_depth);
    stop(ctxt, TACT_E_LIMIT, msg);
    return;
  }
  xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                        nb_defaulted, attributes);
  /* libxml2 keeps 16-bit line numbers in nodes; keep the full one. The
   * check skips the parent when creating the node failed. */
  unsigned line = to_line(xmlSAX2GetLineNumber(ctxt));
  if (ctxt->node && !ctxt->node->_private && line)
    ctxt->node->_private = (void *)(uintptr_t)line;
}

static void on_end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                           const xmlChar *uri) {
  xmlParserCtxtPtr ctxt = ctx;
  ((parse_state *)ctxt->_private)->depth--;
  xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

static void install_hooks(xmlParserCtxtPtr ctxt, parse_state *st) {
  xmlSAXHandler *sax = ctxt->sax;
  ctxt->_private = st;
  sax->serror = on_parser_error;
  sax->internalSubset = on_internal_subset;
  sax->externalSubset = on_internal_subset;
  sax->entityDecl = on_entity_decl;
  sax->unparsedEntityDecl = NULL;
  sax->getEntity = on_get_entity;
  sax->getParameterEntity = on_get_entity;
  sax->resolveEntity = on_resolve_entity;
  sax->startElementNs = on_start_element;
  sax->endElementNs = on_end_element;
}

static tact_status parse_failure(const failure *f, const char *source, tact_error *err) {
  if (f->code == TACT_E_NOMEM) return fail_nomem(err, source);
  if (f->from_libxml)
    return tact_fail_pack(err, f->code, source, f->line, f->column,
                          "pack '%s' is not well-formed XML: %s (line %u)", source, f->text,
                          f->line);
  return tact_fail_pack(err, f->code, source, f->line, f->column, "pack '%s': %s (line %u)",
                        source, f->text, f->line);
}

/* Parses with a fresh context: no state is shared between calls or with
 * other users of libxml2 in the process. */
static tact_status parse_xml(const tact_pack_loader *ld, const char *xml, size_t len,
                             const char *source, xmlDocPtr *doc, tact_error *err) {
  *doc = NULL;
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt) return fail_nomem(err, source);
  parse_state st;
  memset(&st, 0, sizeof st);
  st.max_depth = ld->lim.max_depth;
  install_hooks(ctxt, &st);
  /* Forcing UTF-8 keeps libxml2 from guessing UTF-16, UCS-4 or EBCDIC. */
  xmlDocPtr d = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, "UTF-8", PARSE_OPTIONS);
  if (st.fail.code == TACT_OK && (!d || !ctxt->wellFormed))
    st.fail.from_libxml = record(&st.fail, TACT_E_PACK, 0, 0, NULL, "the parser gave up");
  xmlFreeParserCtxt(ctxt);
  if (st.fail.code != TACT_OK) {
    xmlFreeDoc(d);
    return parse_failure(&st.fail, source, err);
  }
  *doc = d;
  return TACT_OK;
}

/* ---------------------------------------------------------------------- */
/* Step 3: the schema                                                     */

static tact_status compile_schema(tact_pack_loader *ld, tact_error *err) {
  if (ld->schema) return TACT_OK;
  failure f;
  memset(&f, 0, sizeof f);
  xmlRelaxNGParserCtxtPtr pctxt =
      xmlRelaxNGNewMemParserCtxt(tact_pack_schema_rng, (int)tact_pack_schema_rng_len);
  if (!pctxt) return tact_fail(err, TACT_E_NOMEM, "out of memory compiling the pack schema");
  xmlRelaxNGSetParserStructuredErrors(pctxt, on_schema_error, &f);
  ld->schema = xmlRelaxNGParse(pctxt);
  xmlRelaxNGFreeParserCtxt(pctxt);
  if (ld->schema) return TACT_OK;
  if (f.code == TACT_E_NOMEM)
    return tact_fail(err, TACT_E_NOMEM, "out of memory compiling the pack schema");
  return tact_fail(err, TACT_E_INTERNAL, "the built-in pack schema does not compile: %s",
                   f.code ? f.text : "unknown error");
}

static tact_status validate_doc(tact_pack_loader *ld, xmlDocPtr doc, const char *source,
                                tact_error *err) {
  tact_status st = compile_schema(ld, err);
  if (st != TACT_OK) return st;
  failure f;
  memset(&f, 0, sizeof f);
  xmlRelaxNGValidCtxtPtr vctxt = xmlRelaxNGNewValidCtxt(ld->schema);
  if (!vctxt) return fail_nomem(err, source);
  xmlRelaxNGSetValidStructuredErrors(vctxt, on_schema_error, &f);
  int rc = xmlRelaxNGValidateDoc(vctxt, doc);
  xmlRelaxNGFreeValidCtxt(vctxt);
  if (rc == 0) return TACT_OK;
  if (f.code == TACT_E_NOMEM) return fail_nomem(err, source);
  if (f.code == TACT_OK) record(&f, TACT_E_PACK, 0, 0, NULL, "the document does not validate");
  if (f.element[0])
    return tact_fail_pack(err, TACT_E_PACK, source, f.line, 0,
                          "pack '%s' breaks the schema at <%s> (line %u): %s", source,
                          f.element, f.line, f.text);
  return tact_fail_pack(err, TACT_E_PACK, source, f.line, 0,
                        "pack '%s' breaks the schema (line %u): %s", source, f.line, f.text);
}

/* ---------------------------------------------------------------------- */
/* Step 4: the model                                                      */

typedef struct builder {
  tact_pack *pack;
  const tact_allocator *alloc; /* for temporary tables */
  const char *source;
  tact_error *err;
} builder;

static const char *const RULE_TYPES[] = {"existence",   "substitution", "occurrence", "sequence",
                                         "conditional", "metric",       NULL};
static const char *const RULE_KINDS[] = {"do", "dont", NULL};
static const char *const SEVERITIES[] = {"info", "warning", "error", NULL};
static const char *const MODES[] = {"override", "extend", "disable", NULL};
static const char *const EXAMPLE_TYPES[] = {"fires", "quiet", NULL};

/* Index of `value` in a NULL-terminated list, or -1. */
static int word_index(const char *value, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (strcmp(value, list[i]) == 0) return i;
  return -1;
}

static int is_elem(const xmlNode *n, const char *name) {
  return n->type == XML_ELEMENT_NODE && n->ns == NULL && strcmp((const char *)n->name, name) == 0;
}

static tact_status fail_at(builder *b, const xmlNode *n, const char *what, const char *detail) {
  unsigned line = node_line(n);
  return tact_fail_pack(b->err, TACT_E_PACK, b->source, line, 0, "pack '%s': %s%s (line %u)",
                        b->source, what, detail, line);
}

/* The value of attribute `name` (no namespace), or NULL when absent.
 * Entities are refused, so libxml2 stores every value as one text node. */
static const char *attr(const xmlNode *n, const char *name) {
  for (const xmlAttr *a = n->properties; a; a = a->next) {
    if (a->ns || strcmp((const char *)a->name, name) != 0) continue;
    if (!a->children) return "";
    if (a->children->type != XML_TEXT_NODE || a->children->next) return NULL;
    return a->children->content ? (const char *)a->children->content : "";
  }
  return NULL;
}

static tact_status missing_attr(builder *b, const xmlNode *n, const char *name) {
  char what[96];
  snprintf(what, sizeof what, "<%s> has no '%s' attribute", (const char *)n->name, name);
  return fail_at(b, n, what, "");
}

static tact_status bad_attr(builder *b, const xmlNode *n, const char *name, const char *value,
                            const char *expected) {
  char what[200];
  snprintf(what, sizeof what, "<%s %s=\"%.48s\">: %s", (const char *)n->name, name, value,
           expected);
  return fail_at(b, n, what, "");
}

static int valid_id(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > MAX_ID_BYTES) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             (i > 0 && (c == '.' || c == '_' || c == '-'));
    if (!ok) return 0;
  }
  return 1;
}

/* Reads a required id attribute into the arena. */
static tact_status read_id(builder *b, const xmlNode *n, const char *name, const char **out) {
  const char *v = attr(n, name);
  if (!v) return missing_attr(b, n, name);
  if (!valid_id(v))
    return bad_attr(b, n, name, v, "an id is [a-z0-9][a-z0-9._-]*, at most 64 bytes");
  *out = tact_arena_strndup(&b->pack->arena, v, strlen(v));
  return *out ? TACT_OK : fail_nomem(b->err, b->source);
}

/* Reads an optional attribute restricted to `list`; *out points into the
 * list (static storage), or stays NULL when the attribute is absent. */
static tact_status read_word(builder *b, const xmlNode *n, const char *name,
                             const char *const *list, const char *expected, const char **out) {
  const char *v = attr(n, name);
  *out = NULL;
  if (!v) return TACT_OK;
  int i = word_index(v, list);
  if (i < 0) return bad_attr(b, n, name, v, expected);
  *out = list[i];
  return TACT_OK;
}

static tact_status read_mode(builder *b, const xmlNode *n, tact_layer_mode *mode) {
  const char *word;
  tact_status st = read_word(b, n, "mode", MODES, "mode is override, extend or disable", &word);
  if (st != TACT_OK) return st;
  *mode = !word ? TACT_LAYER_OVERRIDE : (tact_layer_mode)word_index(word, MODES);
  return TACT_OK;
}

/* Reads [+-]digits[.digits][(e|E)[+-]digits] without strtod, whose idea
 * of the decimal point follows the C locale. Exact (correctly rounded) for
 * up to 15 significant digits and exponents within +-22, close otherwise;
 * overflow gives infinity. Returns -1 on a syntax error. */
static int parse_number(const char *s, double *out) {
  static const double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const uint64_t keep = (UINT64_MAX - 9) / 10;
  int neg = *s == '-';
  if (*s == '+' || *s == '-') s++;
  uint64_t mant = 0;
  long exp10 = 0;
  int digits = 0;
  for (; *s >= '0' && *s <= '9'; s++, digits++) {
    if (mant <= keep) mant = mant * 10 + (uint64_t)(*s - '0');
    else exp10++; /* digit beyond double precision: keep its magnitude */
  }
  if (digits == 0) return -1;
  if (*s == '.') {
    s++;
    if (*s < '0' || *s > '9') return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
      if (mant <= keep) {
        mant = mant * 10 + (uint64_t)(*s - '0');
        exp10--;
      }
    }
  }
  if (*s == 'e' || *s == 'E') {
    s++;
    int eneg = *s == '-';
    if (*s == '+' || *s == '-') s++;
    if (*s < '0' || *s > '9') return -1;
    long e = 0;
    for (; *s >= '0' && *s <= '9'; s++)
      if (e < 100000) e = e * 10 + (*s - '0');
    exp10 += eneg ? -e : e;
  }
  if (*s) return -1;
  double v = (double)mant;
  if (mant == 0 || exp10 < -400) v = 0.0;
  else if (exp10 > 400) v = INFINITY;
  else {
    for (; exp10 > 22; exp10 -= 22) v *= 1e22;
    for (; exp10 < -22; exp10 += 22) v /= 1e22;
    v = exp10 >= 0 ? v * powers[exp10] : v / powers[-exp10];
  }
  *out = neg ? -v : v;
  return 0;
}

static tact_status read_weight(builder *b, const xmlNode *n, double *weight, int *has_weight) {
  const char *v = attr(n, "weight");
  *weight = 0.0;
  *has_weight = 0;
  if (!v) return TACT_OK;
  if (parse_number(v, weight) != 0)
    return bad_attr(b, n, "weight", v, "a weight is a decimal number such as -1.5 or 2e-3");
  if (!isfinite(*weight)) return bad_attr(b, n, "weight", v, "the weight is not a finite number");
  *has_weight = 1;
  return TACT_OK;
}

/* An optional free-text attribute, at most `limit` bytes, copied into the
 * arena; NULL when absent. */
static tact_status read_string(builder *b, const xmlNode *n, const char *name, size_t limit,
                               const char **out) {
  const char *v = attr(n, name);
  *out = NULL;
  if (!v) return TACT_OK;
  size_t len = strlen(v);
  if (len > limit) {
    char detail[64];
    snprintf(detail, sizeof detail, " (%zu bytes, limit %zu)", len, limit);
    char what[96];
    snprintf(what, sizeof what, "<%s %s=...> is too long", (const char *)n->name, name);
    return fail_at(b, n, what, detail);
  }
  *out = tact_arena_strndup(&b->pack->arena, v, len);
  return *out ? TACT_OK : fail_nomem(b->err, b->source);
}

/* A space-separated list of ids (unless=, with=, fact=): each must be a
 * valid id; kept as written. */
static tact_status read_id_list(builder *b, const xmlNode *n, const char *name, const char **out) {
  tact_status st = read_string(b, n, name, 1000, out);
  if (st != TACT_OK || !*out) return st;
  char word[MAX_ID_BYTES + 2];
  const char *p = *out;
  int count = 0;
  while (*p) {
    while (*p == ' ') p++;
    size_t k = 0;
    while (p[k] && p[k] != ' ') k++;
    if (!k) break;
    if (k > MAX_ID_BYTES) return bad_attr(b, n, name, *out, "an id is at most 64 bytes");
    memcpy(word, p, k);
    word[k] = '\0';
    /* Facts may name a lexicon of one side: customer:ID, reply:ID. */
    const char *id = word;
    if (strncmp(word, "customer:", 9) == 0) id = word + 9;
    else if (strncmp(word, "reply:", 6) == 0) id = word + 6;
    if (!valid_id(id)) return bad_attr(b, n, name, *out, "a list of ids separated by spaces");
    count++;
    p += k;
  }
  if (!count) return bad_attr(b, n, name, *out, "a list of ids separated by spaces");
  return TACT_OK;
}

/* An optional decimal attribute. */
static tact_status read_number_attr(builder *b, const xmlNode *n, const char *name, double *out,
                                    int *has) {
  const char *v = attr(n, name);
  *has = 0;
  if (!v) return TACT_OK;
  if (parse_number(v, out) != 0 || !isfinite(*out))
    return bad_attr(b, n, name, v, "a decimal number such as 3 or 0.5");
  *has = 1;
  return TACT_OK;
}

/* The text content of a text-only element, trimmed of XML white space and
 * copied into the arena. Comments and processing instructions are skipped;
 * CDATA arrives as text (XML_PARSE_NOCDATA). */
static tact_status read_text(builder *b, const xmlNode *n, const char **out, size_t *out_len) {
  size_t len = 0;
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
      len += c->content ? strlen((const char *)c->content) : 0;
    else if (c->type == XML_ELEMENT_NODE || c->type == XML_ENTITY_REF_NODE)
      return fail_at(b, c, "text expected, not markup, inside an element", "");
  }
  char *s = tact_arena_alloc(&b->pack->arena, len + 1);
  if (!s) return fail_nomem(b->err, b->source);
  size_t at = 0;
  for (const xmlNode *c = n->children; c; c = c->next) {
    if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content) continue;
    size_t k = strlen((const char *)c->content);
    memcpy(s + at, c->content, k);
    at += k;
  }
  size_t start = 0;
  while (start < len && is_xml_space(s[start])) start++;
  while (len > start && is_xml_space(s[len - 1])) len--;
  s[len] = '\0';
  *out = s + start;
  if (out_len) *out_len = len - start;
  return TACT_OK;
}

static tact_status build_entry(builder *b, const xmlNode *n, tact_pack_entry *e) {
  size_t len;
  e->line = node_line(n);
  tact_status st = read_weight(b, n, &e->weight, &e->has_weight);
  if (st == TACT_OK) st = read_string(b, n, "replace", MAX_PATTERN_BYTES, &e->replace);
  if (st == TACT_OK) st = read_text(b, n, &e->pattern, &len);
  if (st != TACT_OK) return st;
  if (len == 0) return fail_at(b, n, "an <entry> has an empty pattern", "");
  if (len > MAX_PATTERN_BYTES) {
    char detail[64];
    snprintf(detail, sizeof detail, " (%zu bytes, limit %u)", len, MAX_PATTERN_BYTES);
    return fail_at(b, n, "an <entry> pattern is too long", detail);
  }
  return TACT_OK;
}

static size_t count_children(const xmlNode *n, const char *name) {
  size_t k = 0;
  for (const xmlNode *c = n->children; c; c = c->next) k += (size_t)is_elem(c, name);
  return k;
}

static tact_status build_lexicon(builder *b, const xmlNode *n, tact_pack_lexicon *lx) {
  lx->line = node_line(n);
  tact_status st = read_id(b, n, "id", &lx->id);
  if (st == TACT_OK) st = read_mode(b, n, &lx->mode);
  if (st == TACT_OK) st = read_weight(b, n, &lx->weight, &lx->has_weight);
  if (st != TACT_OK) return st;
  size_t count = count_children(n, "entry");
  lx->entries = tact_arena_calloc(&b->pack->arena, count, sizeof *lx->entries);
  if (!lx->entries) return fail_nomem(b->err, b->source);
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (!is_elem(c, "entry")) continue;
    st = build_entry(b, c, &lx->entries[lx->n_entries++]);
    if (st != TACT_OK) return st;
  }
  return TACT_OK;
}

static tact_status build_example(builder *b, const xmlNode *n, tact_pack_example *ex) {
  const char *type;
  ex->line = node_line(n);
  tact_status st = read_word(b, n, "type", EXAMPLE_TYPES, "type is fires or quiet", &type);
  if (st != TACT_OK) return st;
  if (!type) return missing_attr(b, n, "type");
  ex->type = word_index(type, EXAMPLE_TYPES) == 0 ? TACT_EXAMPLE_FIRES : TACT_EXAMPLE_QUIET;
  st = read_string(b, n, "customer", 4096, &ex->customer);
  if (st == TACT_OK) st = read_string(b, n, "fix", 4096, &ex->fix);
  if (st != TACT_OK) return st;
  size_t len;
  st = read_text(b, n, &ex->text, &len);
  if (st == TACT_OK && len == 0) return fail_at(b, n, "an <example> is empty", "");
  return st;
}

/* message or suggestion: at most one, text only. */
static tact_status build_single_text(builder *b, const xmlNode *n, const char **field) {
  if (*field) {
    char what[64];
    snprintf(what, sizeof what, "a <rule> has more than one <%s>", (const char *)n->name);
    return fail_at(b, n, what, "");
  }
  return read_text(b, n, field, NULL);
}

static const char *const SCOPES[] = {"sentence", "near", "message", NULL};

/* <use>, <when>, <limit> or <cover>: what the schema cannot check (exactly
 * one source per clause, ids in lists, numbers). review.c resolves names. */
static tact_status build_clause(builder *b, const xmlNode *n, tact_clause_type type,
                                tact_pack_clause *c) {
  c->type = type;
  c->line = node_line(n);
  tact_status st = TACT_OK;
  if (attr(n, "lexicon")) st = read_id(b, n, "lexicon", &c->lexicon);
  if (st == TACT_OK && attr(n, "signal")) st = read_id(b, n, "signal", &c->signal);
  if (st == TACT_OK && attr(n, "stat")) st = read_id(b, n, "stat", &c->stat);
  if (st == TACT_OK) st = read_id_list(b, n, "fact", &c->facts);
  if (st == TACT_OK) st = read_id_list(b, n, "unless", &c->unless);
  if (st == TACT_OK) st = read_id_list(b, n, "with", &c->with);
  if (st == TACT_OK)
    st = read_word(b, n, "scope", SCOPES, "scope is sentence, near or message", &c->scope);
  if (st == TACT_OK) st = read_number_attr(b, n, "min", &c->min, &c->has_min);
  if (st == TACT_OK) st = read_number_attr(b, n, "max", &c->max, &c->has_max);
  if (st != TACT_OK) return st;
  int sources = !!c->lexicon + !!c->signal + !!c->stat;
  switch (type) {
  case TACT_CLAUSE_USE:
    if (sources != 1 || c->stat) return fail_at(b, n, "a <use> names one lexicon or one signal", "");
    break;
  case TACT_CLAUSE_WHEN:
    if (!c->facts) return missing_attr(b, n, "fact");
    break;
  case TACT_CLAUSE_LIMIT:
    if (sources != 1) return fail_at(b, n, "a <limit> names one stat, lexicon or signal", "");
    if (!c->has_min && !c->has_max) return fail_at(b, n, "a <limit> needs min or max", "");
    if (c->has_min && c->has_max && c->min > c->max)
      return fail_at(b, n, "a <limit> has min greater than max", "");
    break;
  case TACT_CLAUSE_COVER:
    if (!c->signal || sources != 1) return fail_at(b, n, "a <cover> names one signal", "");
    break;
  }
  return TACT_OK;
}

static tact_status build_rule_children(builder *b, const xmlNode *n, tact_pack_rule *r) {
  tact_arena *ar = &b->pack->arena;
  size_t n_clauses = count_children(n, "use") + count_children(n, "when") +
                     count_children(n, "limit") + count_children(n, "cover");
  r->clauses = tact_arena_calloc(ar, n_clauses, sizeof *r->clauses);
  r->examples = tact_arena_calloc(ar, count_children(n, "example"), sizeof *r->examples);
  if (!r->clauses || !r->examples) return fail_nomem(b->err, b->source);
  for (const xmlNode *c = n->children; c; c = c->next) {
    tact_status st = TACT_OK;
    if (is_elem(c, "message")) st = build_single_text(b, c, &r->message);
    else if (is_elem(c, "suggestion")) st = build_single_text(b, c, &r->suggestion);
    else if (is_elem(c, "praise")) st = build_single_text(b, c, &r->praise);
    else if (is_elem(c, "use")) st = build_clause(b, c, TACT_CLAUSE_USE, &r->clauses[r->n_clauses++]);
    else if (is_elem(c, "when")) st = build_clause(b, c, TACT_CLAUSE_WHEN, &r->clauses[r->n_clauses++]);
    else if (is_elem(c, "limit")) st = build_clause(b, c, TACT_CLAUSE_LIMIT, &r->clauses[r->n_clauses++]);
    else if (is_elem(c, "cover")) st = build_clause(b, c, TACT_CLAUSE_COVER, &r->clauses[r->n_clauses++]);
    else if (is_elem(c, "example")) st = build_example(b, c, &r->examples[r->n_examples++]);
    if (st != TACT_OK) return st;
  }
  return TACT_OK;
}

static tact_status build_rule(builder *b, const xmlNode *n, tact_pack_rule *r) {
  r->line = node_line(n);
  tact_status st = read_id(b, n, "id", &r->id);
  if (st == TACT_OK) st = read_mode(b, n, &r->mode);
  if (st == TACT_OK)
    st = read_word(b, n, "type", RULE_TYPES,
                   "type is existence, substitution, occurrence, sequence, conditional or metric",
                   &r->type);
  if (st == TACT_OK) st = read_word(b, n, "kind", RULE_KINDS, "kind is do or dont", &r->kind);
  if (st == TACT_OK)
    st = read_word(b, n, "severity", SEVERITIES, "severity is info, warning or error",
                   &r->severity);
  if (st == TACT_OK)
    st = read_number_attr(b, n, "min-confidence", &r->min_confidence, &r->has_min_confidence);
  if (st == TACT_OK && r->has_min_confidence && (r->min_confidence < 0 || r->min_confidence > 1))
    return bad_attr(b, n, "min-confidence", attr(n, "min-confidence"), "a number in 0..1");
  if (st != TACT_OK) return st;
  /* Only a rule being switched off or extended may leave out what it is. */
  if (r->mode == TACT_LAYER_OVERRIDE && !r->type) return missing_attr(b, n, "type");
  if (r->mode == TACT_LAYER_OVERRIDE && !r->kind) return missing_attr(b, n, "kind");
  return build_rule_children(b, n, r);
}

/* ---------------------------------------------------------------------- */
/* Policies and the business calendar (checked against by promise.c)     */

static const char *const POLICY_UNITS[] = {"minute", "hour", "day", "business-day", "week", NULL};

/* A whole number 0..TACT_POLICY_MAX_COUNT, digits only (no sign, no
 * fraction): business days are counted in whole days. */
static tact_status read_count(builder *b, const xmlNode *n, const char *name, unsigned *out) {
  const char *v = attr(n, name);
  *out = 0;
  if (!v) return missing_attr(b, n, name);
  unsigned long value = 0;
  size_t i = 0;
  for (; v[i] >= '0' && v[i] <= '9' && i < 8; i++) value = value * 10 + (unsigned long)(v[i] - '0');
  if (i == 0 || v[i] != '\0' || value > TACT_POLICY_MAX_COUNT) {
    char expected[96];
    snprintf(expected, sizeof expected, "%s is a whole number from 0 to %u", name,
             TACT_POLICY_MAX_COUNT);
    return bad_attr(b, n, name, v, expected);
  }
  *out = (unsigned)value;
  return TACT_OK;
}

static tact_status build_policy(builder *b, const xmlNode *n, tact_pack_policy *pol) {
  pol->line = node_line(n);
  tact_status st = read_id(b, n, "action", &pol->action);
  if (st == TACT_OK) st = read_mode(b, n, &pol->mode);
  if (st != TACT_OK) return st;
  if (pol->mode == TACT_LAYER_EXTEND)
    return bad_attr(b, n, "mode", "extend", "a policy's mode is override or disable");
  /* Switching a policy off needs only its action; anything else may stay. */
  if (pol->mode == TACT_LAYER_DISABLE) return TACT_OK;
  const char *unit;
  st = read_count(b, n, "min", &pol->min);
  if (st == TACT_OK) st = read_count(b, n, "max", &pol->max);
  if (st == TACT_OK)
    st = read_word(b, n, "unit", POLICY_UNITS,
                   "unit is minute, hour, day, business-day or week", &unit);
  if (st != TACT_OK) return st;
  if (!unit) return missing_attr(b, n, "unit");
  pol->unit = (tact_policy_unit)word_index(unit, POLICY_UNITS);
  if (pol->min > pol->max) {
    char what[160];
    snprintf(what, sizeof what, "<policy action=\"%s\">: min %u is greater than max %u",
             pol->action, pol->min, pol->max);
    return fail_at(b, n, what, "");
  }
  return TACT_OK;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * algorithm); kept here so the loader does not depend on timex.c. */
static int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + (int)doe - 719468);
}

/* The inverse, as YYYY-MM-DD in `buf` (32 bytes). */
static const char *format_day(int32_t day, char *buf) {
  const int z = day + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int y = (int)yoe + era * 400 + (m <= 2);
  snprintf(buf, 32, "%04d-%02u-%02u", y, m % 100, d % 100);
  return buf;
}

/* YYYY-MM-DD, a real date of the years 1000..9999. */
static int parse_date(const char *v, int32_t *day) {
  static const unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int i = 0; i < 10; i++) {
    int dash = i == 4 || i == 7;
    if (dash ? v[i] != '-' : (v[i] < '0' || v[i] > '9')) return -1;
  }
  if (v[10] != '\0') return -1;
  int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
  unsigned m = (unsigned)((v[5] - '0') * 10 + (v[6] - '0'));
  unsigned d = (unsigned)((v[8] - '0') * 10 + (v[9] - '0'));
  if (y < 1000 || m < 1 || m > 12 || d < 1) return -1;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > month_days[m - 1] + (m == 2 && leap)) return -1;
  *day = days_from_civil(y, m, d);
  return 0;
}

static tact_status build_holiday(builder *b, const xmlNode *n, tact_pack_holiday *h) {
  h->line = node_line(n);
  const char *v = attr(n, "date");
  if (!v) return missing_attr(b, n, "date");
  if (parse_date(v, &h->day) != 0)
    return bad_attr(b, n, "date", v, "a date is YYYY-MM-DD, a real day of the years 1000 to 9999");
  return read_text(b, n, &h->name, NULL);
}

static const char *const CALENDAR_MODES[] = {"extend", "override", NULL};

static tact_status build_calendar(builder *b, const xmlNode *n) {
  tact_pack *p = b->pack;
  if (p->has_calendar) {
    char what[96];
    snprintf(what, sizeof what, "a pack has more than one <calendar> (the first is at line %u)",
             p->calendar_line);
    return fail_at(b, n, what, "");
  }
  p->has_calendar = 1;
  p->calendar_line = node_line(n);
  const char *mode;
  tact_status st = read_word(b, n, "mode", CALENDAR_MODES,
                             "a calendar's mode is extend or override", &mode);
  if (st != TACT_OK) return st;
  p->calendar_mode = mode && strcmp(mode, "override") == 0 ? TACT_LAYER_OVERRIDE : TACT_LAYER_EXTEND;
  p->holidays = tact_arena_calloc(&p->arena, count_children(n, "holiday"), sizeof *p->holidays);
  if (!p->holidays) return fail_nomem(b->err, b->source);
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (!is_elem(c, "holiday")) continue;
    st = build_holiday(b, c, &p->holidays[p->n_holidays++]);
    if (st != TACT_OK) return st;
  }
  return TACT_OK;
}

/* Refuses the same date twice in one calendar, naming both lines. */
static tact_status check_unique_holidays(builder *b) {
  const tact_pack *p = b->pack;
  if (p->n_holidays < 2) return TACT_OK;
  size_t cap = 4;
  while (cap < 2 * p->n_holidays) cap *= 2;
  size_t *slots = tact_malloc(b->alloc, cap * sizeof *slots);
  if (!slots) return fail_nomem(b->err, b->source);
  memset(slots, 0, cap * sizeof *slots);
  tact_status st = TACT_OK;
  char date[32];
  for (size_t i = 0; i < p->n_holidays && st == TACT_OK; i++) {
    const tact_pack_holiday *h = &p->holidays[i];
    size_t s = (size_t)(((uint64_t)(uint32_t)h->day * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1);
    for (; slots[s]; s = (s + 1) & (cap - 1)) {
      const tact_pack_holiday *g = &p->holidays[slots[s] - 1];
      if (g->day != h->day) continue;
      st = tact_fail_pack(b->err, TACT_E_PACK, b->source, h->line, 0,
                          "pack '%s': duplicate holiday %s at line %u (first given at line %u)",
                          b->source, format_day(h->day, date), h->line, g->line);
      break;
    }
    slots[s] = i + 1;
  }
  tact_free(b->alloc, slots);
  return st;
}

/* Refuses two items with the same id, naming both lines. Items are
 * lexicons or rules, seen through the offsets of their id and line fields;
 * a hash table keeps this linear for packs with many thousands of items. */
static tact_status check_unique(builder *b, const char *what, const void *items, size_t n,
                                size_t stride, size_t id_off, size_t line_off) {
  if (n < 2) return TACT_OK;
  size_t cap = 4;
  while (cap < 2 * n) cap *= 2;
  size_t *slots = tact_malloc(b->alloc, cap * sizeof *slots);
  if (!slots) return fail_nomem(b->err, b->source);
  memset(slots, 0, cap * sizeof *slots);
#define ITEM_ID(i) (*(const char *const *)((const char *)items + (i) * stride + id_off))
#define ITEM_LINE(i) (*(const unsigned *)((const char *)items + (i) * stride + line_off))
  tact_status st = TACT_OK;
  for (size_t i = 0; i < n && st == TACT_OK; i++) {
    size_t s = (size_t)tact_hash(ITEM_ID(i), strlen(ITEM_ID(i))) & (cap - 1);
    for (; slots[s]; s = (s + 1) & (cap - 1)) {
      size_t j = slots[s] - 1;
      if (strcmp(ITEM_ID(i), ITEM_ID(j)) != 0) continue;
      st = tact_fail_pack(b->err, TACT_E_PACK, b->source, ITEM_LINE(i), 0,
                          "pack '%s': duplicate %s id '%s' at line %u (first defined at line %u)",
                          b->source, what, ITEM_ID(i), ITEM_LINE(i), ITEM_LINE(j));
      break;
    }
    slots[s] = i + 1;
  }
#undef ITEM_ID
#undef ITEM_LINE
  tact_free(b->alloc, slots);
  return st;
}

/* Policies are few; their array is sized on the first one. */
static tact_status build_policy_item(builder *b, const xmlNode *n) {
  tact_pack *p = b->pack;
  if (!p->policies) {
    p->policies = tact_arena_calloc(&p->arena, count_children(n->parent, "policy"),
                                    sizeof *p->policies);
    if (!p->policies) return fail_nomem(b->err, b->source);
  }
  return build_policy(b, n, &p->policies[p->n_policies++]);
}

static tact_status check_unique_policies(builder *b) {
  const tact_pack *p = b->pack;
  return check_unique(b, "policy", p->policies, p->n_policies, sizeof *p->policies,
                      offsetof(tact_pack_policy, action), offsetof(tact_pack_policy, line));
}

/* ---------------------------------------------------------------------- */
/* Linear models (read by complaint.c; reference: docs/complaints.md)     */

static const char *const MODEL_MODES[] = {"override", "extend", "disable", NULL};
static const char *const MODEL_FEATURES[] = {"unigram", "bigram", "lexicon", "tone", NULL};
/* Longest number accepted in a list attribute or <bias>. */
#define MAX_NUMBER_BYTES 40u

/* The next white-space separated word of `*p`, or 0 at the end. */
static int next_word(const char **p, const char **word, size_t *len) {
  const char *s = *p;
  while (*s && is_xml_space(*s)) s++;
  if (!*s) return 0;
  *word = s;
  while (*s && !is_xml_space(*s)) s++;
  *len = (size_t)(s - *word);
  *p = s;
  return 1;
}

static size_t count_words(const char *s) {
  const char *w;
  size_t len, n = 0;
  while (next_word(&s, &w, &len)) n++;
  return n;
}

/* A finite decimal number of at most MAX_NUMBER_BYTES bytes; -1 otherwise. */
static int parse_word_number(const char *w, size_t len, double *out) {
  char buf[MAX_NUMBER_BYTES + 1];
  if (len == 0 || len > MAX_NUMBER_BYTES) return -1;
  memcpy(buf, w, len);
  buf[len] = '\0';
  return parse_number(buf, out) == 0 && isfinite(*out) ? 0 : -1;
}

static tact_status bad_model(builder *b, const xmlNode *n, const tact_pack_model *m,
                             const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "model '%s': %s", m->id, what);
  return fail_at(b, n, msg, "");
}

static tact_status read_model_classes(builder *b, const xmlNode *n, tact_pack_model *m) {
  const char *v = attr(n, "classes");
  if (!v) return missing_attr(b, n, "classes");
  size_t count = count_words(v);
  if (count < 2 || count > TACT_MODEL_MAX_CLASSES) {
    char what[96];
    snprintf(what, sizeof what, "a model has 2 to %u classes, not %zu", TACT_MODEL_MAX_CLASSES,
             count);
    return bad_model(b, n, m, what);
  }
  m->classes = tact_arena_calloc(&b->pack->arena, count, sizeof *m->classes);
  if (!m->classes) return fail_nomem(b->err, b->source);
  const char *w;
  size_t len;
  while (next_word(&v, &w, &len)) {
    char *id = tact_arena_strndup(&b->pack->arena, w, len);
    if (!id) return fail_nomem(b->err, b->source);
    if (!valid_id(id))
      return bad_attr(b, n, "classes", id, "a class is an id: [a-z0-9][a-z0-9._-]*, at most 64 bytes");
    for (size_t i = 0; i < m->n_classes; i++)
      if (strcmp(m->classes[i], id) == 0) return bad_attr(b, n, "classes", id, "the class appears twice");
    m->classes[m->n_classes++] = id;
  }
  return TACT_OK;
}

static tact_status read_model_bits(builder *b, const xmlNode *n, tact_pack_model *m) {
  const char *v = attr(n, "bits");
  if (!v) return missing_attr(b, n, "bits");
  unsigned value = 0;
  size_t i = 0;
  for (; v[i] >= '0' && v[i] <= '9' && i < 3; i++) value = value * 10 + (unsigned)(v[i] - '0');
  if (i == 0 || v[i] != '\0' || value < TACT_MODEL_MIN_BITS || value > TACT_MODEL_MAX_BITS) {
    char expected[64];
    snprintf(expected, sizeof expected, "bits is a whole number from %u to %u", TACT_MODEL_MIN_BITS,
             TACT_MODEL_MAX_BITS);
    return bad_attr(b, n, "bits", v, expected);
  }
  m->bits = value;
  return TACT_OK;
}

static tact_status read_model_features(builder *b, const xmlNode *n, tact_pack_model *m) {
  const char *v = attr(n, "features");
  if (!v) return missing_attr(b, n, "features");
  const char *w, *p = v;
  size_t len;
  while (next_word(&p, &w, &len)) {
    int k = -1;
    for (int i = 0; MODEL_FEATURES[i]; i++)
      if (strlen(MODEL_FEATURES[i]) == len && memcmp(MODEL_FEATURES[i], w, len) == 0) k = i;
    if (k < 0) return bad_attr(b, n, "features", v, "features are unigram, bigram, lexicon, tone");
    m->features |= 1u << k;
  }
  if (!m->features) return bad_attr(b, n, "features", v, "name at least one feature family");
  return TACT_OK;
}

static tact_status read_model_calibration(builder *b, const xmlNode *n, tact_pack_model *m) {
  const char *v = attr(n, "calibration");
  m->cal_a = 1.0;
  m->cal_b = 0.0;
  if (!v) return TACT_OK;
  const char *w, *p = v;
  size_t len, k = 0;
  double x[2];
  while (next_word(&p, &w, &len)) {
    if (k == 2 || parse_word_number(w, len, &x[k]) != 0) k = 3;
    if (k == 3) break;
    k++;
  }
  if (k != 2 || !(x[0] > 0))
    return bad_attr(b, n, "calibration", v, "calibration is two numbers \"a b\" with a > 0");
  m->cal_a = x[0];
  m->cal_b = x[1];
  return TACT_OK;
}

static tact_status build_model_bias(builder *b, const xmlNode *n, tact_pack_model *m) {
  if (m->bias) return bad_model(b, n, m, "more than one <bias>");
  const char *text;
  tact_status st = read_text(b, n, &text, NULL);
  if (st != TACT_OK) return st;
  m->bias = tact_arena_calloc(&b->pack->arena, m->n_classes, sizeof *m->bias);
  if (!m->bias) return fail_nomem(b->err, b->source);
  const char *w;
  size_t len, k = 0;
  if (count_words(text) != m->n_classes) {
    char what[96];
    snprintf(what, sizeof what, "<bias> needs one number per class (%zu)", m->n_classes);
    return bad_model(b, n, m, what);
  }
  while (next_word(&text, &w, &len)) {
    if (parse_word_number(w, len, &m->bias[k]) != 0) {
      char what[96];
      snprintf(what, sizeof what, "<bias> value '%.*s' is not a finite decimal number",
               (int)(len > 40 ? 40 : len), w);
      return bad_model(b, n, m, what);
    }
    k++;
  }
  return TACT_OK;
}

/* Base64 (RFC 4648, standard alphabet; white space ignored, '=' padding
 * only at the end) of the text children of `n`, decoded into a buffer from
 * the caller's allocator. A bad character is reported with its line. */
static int b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

static tact_status decode_base64(builder *b, const xmlNode *n, const tact_pack_model *m,
                                 unsigned char **out, size_t *out_len) {
  size_t total = 0;
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE && c->content) total += strlen((const char *)c->content);
    else if (c->type == XML_ELEMENT_NODE) return fail_at(b, c, "text expected, not markup, inside <weights>", "");
  }
  unsigned char *buf = tact_malloc(b->alloc, total / 4 * 3 + 3);
  if (!buf) return fail_nomem(b->err, b->source);
  size_t len = 0, pad = 0;
  uint32_t acc = 0;
  unsigned nbits = 0, line = node_line(n);
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (c->type != XML_TEXT_NODE || !c->content) continue;
    for (const unsigned char *s = c->content; *s; s++) {
      if (*s == '\n') line++;
      if (is_xml_space((char)*s)) continue;
      int v = b64_value(*s);
      if (*s == '=') {
        pad++;
        continue;
      }
      if (v < 0 || pad) {
        char what[128];
        if (pad) snprintf(what, sizeof what, "<weights> has base64 data after '=' padding");
        else snprintf(what, sizeof what, "<weights> holds %s0x%02X, which is not base64",
                      *s >= 0x20 && *s < 0x7F ? "the character " : "the byte ", *s);
        tact_free(b->alloc, buf);
        return tact_fail_pack(b->err, TACT_E_PACK, b->source, line, 0,
                              "pack '%s': model '%s': %s (line %u)", b->source, m->id, what, line);
      }
      acc = (acc << 6) | (uint32_t)v;
      nbits += 6;
      if (nbits >= 8) {
        nbits -= 8;
        buf[len++] = (unsigned char)(acc >> nbits);
        acc &= (1u << nbits) - 1;
      }
    }
  }
  if (pad > 2 || (acc != 0) || nbits >= 6) {
    tact_free(b->alloc, buf);
    return bad_model(b, n, m, "<weights> is not valid base64 (bad length or padding)");
  }
  *out = buf;
  *out_len = len;
  return TACT_OK;
}

/* An unsigned LEB128 number of at most 32 bits at buf[*at]; -1 if the
 * data ends inside it or it is longer than 5 bytes or 32 bits. */
static int read_varint(const unsigned char *buf, size_t len, size_t *at, uint32_t *out) {
  uint64_t v = 0;
  for (unsigned shift = 0; shift < 35; shift += 7) {
    if (*at >= len) return -1;
    unsigned char byte = buf[(*at)++];
    v |= (uint64_t)(byte & 0x7F) << shift;
    if (!(byte & 0x80)) {
      if (v > UINT32_MAX) return -1;
      *out = (uint32_t)v;
      return 0;
    }
  }
  return -1;
}

/* Decodes the rows of <weights> into m->rows and m->weights. */
static tact_status decode_rows(builder *b, const xmlNode *n, tact_pack_model *m,
                               const unsigned char *buf, size_t len, double scale) {
  /* Every row takes at least 1 + n_classes bytes: refusing a row count the
   * data cannot hold keeps a tiny hostile pack from asking for gigabytes. */
  if (m->n_rows > len / (1 + m->n_classes)) {
    char what[160];
    snprintf(what, sizeof what, "<weights rows=\"%zu\"> but its data holds at most %zu rows",
             m->n_rows, len / (1 + m->n_classes));
    return bad_model(b, n, m, what);
  }
  m->rows = tact_arena_calloc(&b->pack->arena, m->n_rows ? m->n_rows : 1, sizeof *m->rows);
  m->weights = tact_arena_calloc(&b->pack->arena, m->n_rows ? m->n_rows * m->n_classes : 1,
                                 sizeof *m->weights);
  if (!m->rows || !m->weights) return fail_nomem(b->err, b->source);
  uint64_t bucket = 0, buckets = (uint64_t)1 << m->bits;
  size_t at = 0;
  for (size_t r = 0; r < m->n_rows; r++) {
    uint32_t gap;
    char what[160];
    if (read_varint(buf, len, &at, &gap) != 0) {
      snprintf(what, sizeof what, "<weights> row %zu is truncated or malformed", r);
      return bad_model(b, n, m, what);
    }
    bucket = (r == 0 ? 0 : bucket + 1) + gap;
    if (bucket >= buckets) {
      snprintf(what, sizeof what, "<weights> row %zu is for bucket %llu, beyond 2^%u", r,
               (unsigned long long)bucket, m->bits);
      return bad_model(b, n, m, what);
    }
    m->rows[r] = (uint32_t)bucket;
    for (size_t c = 0; c < m->n_classes; c++) {
      uint32_t z;
      if (read_varint(buf, len, &at, &z) != 0) {
        snprintf(what, sizeof what, "<weights> row %zu is truncated or malformed", r);
        return bad_model(b, n, m, what);
      }
      int64_t q = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
      double w = (double)q * scale;
      if (!(fabs(w) <= 1e30)) {
        snprintf(what, sizeof what, "<weights> row %zu holds a weight too large for a float", r);
        return bad_model(b, n, m, what);
      }
      m->weights[r * m->n_classes + c] = (float)w;
    }
  }
  if (at != len) {
    char what[128];
    snprintf(what, sizeof what, "<weights> has %zu bytes left after its %zu rows", len - at,
             m->n_rows);
    return bad_model(b, n, m, what);
  }
  return TACT_OK;
}

static tact_status build_model_weights(builder *b, const xmlNode *n, tact_pack_model *m) {
  if (m->rows) return bad_model(b, n, m, "more than one <weights>");
  const char *v = attr(n, "rows");
  if (!v) return missing_attr(b, n, "rows");
  size_t rows = 0, i = 0;
  for (; v[i] >= '0' && v[i] <= '9' && i < 8; i++) rows = rows * 10 + (size_t)(v[i] - '0');
  if (i == 0 || v[i] != '\0' || rows > TACT_MODEL_MAX_ROWS || rows > ((size_t)1 << m->bits)) {
    char expected[96];
    snprintf(expected, sizeof expected, "rows is a whole number from 0 to min(2^bits, %u)",
             TACT_MODEL_MAX_ROWS);
    return bad_attr(b, n, "rows", v, expected);
  }
  double scale;
  const char *s = attr(n, "scale");
  if (!s) return missing_attr(b, n, "scale");
  if (parse_word_number(s, strlen(s), &scale) != 0 || !(scale > 0))
    return bad_attr(b, n, "scale", s, "scale is a positive decimal number");
  m->n_rows = rows;
  unsigned char *buf = NULL;
  size_t len = 0;
  tact_status st = decode_base64(b, n, m, &buf, &len);
  if (st != TACT_OK) return st;
  st = decode_rows(b, n, m, buf, len, scale);
  tact_free(b->alloc, buf);
  return st;
}

static tact_status build_model(builder *b, const xmlNode *n, tact_pack_model *m) {
  m->line = node_line(n);
  tact_status st = read_id(b, n, "id", &m->id);
  if (st != TACT_OK) return st;
  const char *mode;
  st = read_word(b, n, "mode", MODEL_MODES, "a model's mode is override or disable", &mode);
  if (st != TACT_OK) return st;
  m->mode = mode ? (tact_layer_mode)word_index(mode, MODES) : TACT_LAYER_OVERRIDE;
  if (m->mode == TACT_LAYER_EXTEND)
    return bad_attr(b, n, "mode", "extend", "a model's mode is override or disable");
  /* Switching a model off needs only its id; anything else may stay. */
  if (m->mode == TACT_LAYER_DISABLE) return TACT_OK;
  st = read_model_classes(b, n, m);
  if (st == TACT_OK) st = read_model_bits(b, n, m);
  if (st == TACT_OK) st = read_model_features(b, n, m);
  if (st == TACT_OK) st = read_model_calibration(b, n, m);
  for (const xmlNode *c = n->children; c && st == TACT_OK; c = c->next) {
    if (is_elem(c, "bias")) st = build_model_bias(b, c, m);
    else if (is_elem(c, "weights")) st = build_model_weights(b, c, m);
  }
  if (st != TACT_OK) return st;
  if (!m->bias) return bad_model(b, n, m, "<bias> is missing");
  if (!m->rows) { /* no <weights>: a bias-only model */
    m->rows = tact_arena_calloc(&b->pack->arena, 1, sizeof *m->rows);
    m->weights = tact_arena_calloc(&b->pack->arena, 1, sizeof *m->weights);
    if (!m->rows || !m->weights) return fail_nomem(b->err, b->source);
  }
  return TACT_OK;
}

static tact_status build_model_item(builder *b, const xmlNode *n) {
  tact_pack *p = b->pack;
  if (!p->models) {
    p->models = tact_arena_calloc(&p->arena, count_children(n->parent, "model"), sizeof *p->models);
    if (!p->models) return fail_nomem(b->err, b->source);
  }
  return build_model(b, n, &p->models[p->n_models++]);
}

static tact_status check_unique_models(builder *b) {
  const tact_pack *p = b->pack;
  return check_unique(b, "model", p->models, p->n_models, sizeof *p->models,
                      offsetof(tact_pack_model, id), offsetof(tact_pack_model, line));
}

/* ---------------------------------------------------------------------- */
/* Profiles (read by review.c)                                           */

static const char *const BOOLEANS[] = {"false", "true", NULL};

static tact_status build_profile_set(builder *b, const xmlNode *n, tact_pack_profile_set *ps) {
  ps->line = node_line(n);
  ps->enabled = -1;
  tact_status st = read_id(b, n, "rule", &ps->rule);
  if (st == TACT_OK)
    st = read_word(b, n, "severity", SEVERITIES, "severity is info, warning or error", &ps->severity);
  const char *enabled = NULL;
  if (st == TACT_OK) st = read_word(b, n, "enabled", BOOLEANS, "enabled is true or false", &enabled);
  if (enabled) ps->enabled = word_index(enabled, BOOLEANS);
  if (st == TACT_OK)
    st = read_number_attr(b, n, "min-confidence", &ps->min_confidence, &ps->has_min_confidence);
  if (st == TACT_OK && ps->has_min_confidence && (ps->min_confidence < 0 || ps->min_confidence > 1))
    return bad_attr(b, n, "min-confidence", attr(n, "min-confidence"), "a number in 0..1");
  if (st == TACT_OK) st = read_number_attr(b, n, "min", &ps->min, &ps->has_min);
  if (st == TACT_OK) st = read_number_attr(b, n, "max", &ps->max, &ps->has_max);
  if (st == TACT_OK && ps->has_min && ps->has_max && ps->min > ps->max)
    return fail_at(b, n, "a <set> has min greater than max", "");
  if (st == TACT_OK)
    st = read_word(b, n, "scope", SCOPES, "scope is sentence, near or message", &ps->scope);
  return st;
}

static tact_status build_profile_item(builder *b, const xmlNode *n) {
  tact_pack *p = b->pack;
  if (!p->profiles) {
    p->profiles =
        tact_arena_calloc(&p->arena, count_children(n->parent, "profile"), sizeof *p->profiles);
    if (!p->profiles) return fail_nomem(b->err, b->source);
  }
  tact_pack_profile *pr = &p->profiles[p->n_profiles++];
  pr->line = node_line(n);
  tact_status st = read_id(b, n, "id", &pr->id);
  if (st == TACT_OK) st = read_mode(b, n, &pr->mode);
  if (st != TACT_OK) return st;
  pr->sets = tact_arena_calloc(&p->arena, count_children(n, "set"), sizeof *pr->sets);
  if (!pr->sets) return fail_nomem(b->err, b->source);
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (is_elem(c, "description")) st = read_text(b, c, &pr->description, NULL);
    else if (is_elem(c, "set")) st = build_profile_set(b, c, &pr->sets[pr->n_sets++]);
    if (st != TACT_OK) return st;
  }
  return TACT_OK;
}

static tact_status build_items(builder *b, const xmlNode *root) {
  tact_pack *p = b->pack;
  p->lexicons = tact_arena_calloc(&p->arena, count_children(root, "lexicon"), sizeof *p->lexicons);
  p->rules = tact_arena_calloc(&p->arena, count_children(root, "rule"), sizeof *p->rules);
  if (!p->lexicons || !p->rules) return fail_nomem(b->err, b->source);
  /* Elements this loader does not know are the schema's business. */
  for (const xmlNode *c = root->children; c; c = c->next) {
    tact_status st = TACT_OK;
    if (is_elem(c, "lexicon")) st = build_lexicon(b, c, &p->lexicons[p->n_lexicons++]);
    else if (is_elem(c, "rule")) st = build_rule(b, c, &p->rules[p->n_rules++]);
    else if (is_elem(c, "policy")) st = build_policy_item(b, c);
    else if (is_elem(c, "calendar")) st = build_calendar(b, c);
    else if (is_elem(c, "model")) st = build_model_item(b, c);
    else if (is_elem(c, "profile")) st = build_profile_item(b, c);
    if (st != TACT_OK) return st;
  }
  tact_status st = check_unique(b, "lexicon", p->lexicons, p->n_lexicons, sizeof *p->lexicons,
                                offsetof(tact_pack_lexicon, id), offsetof(tact_pack_lexicon, line));
  if (st != TACT_OK) return st;
  st = check_unique(b, "rule", p->rules, p->n_rules, sizeof *p->rules,
                    offsetof(tact_pack_rule, id), offsetof(tact_pack_rule, line));
  if (st == TACT_OK) st = check_unique_policies(b);
  if (st == TACT_OK) st = check_unique_holidays(b);
  if (st == TACT_OK) st = check_unique_models(b);
  if (st == TACT_OK)
    st = check_unique(b, "profile", p->profiles, p->n_profiles, sizeof *p->profiles,
                      offsetof(tact_pack_profile, id), offsetof(tact_pack_profile, line));
  return st;
}

static tact_status build_pack(builder *b, const xmlDoc *doc) {
  const xmlNode *root = xmlDocGetRootElement(doc);
  if (!root)
    return tact_fail_pack(b->err, TACT_E_PACK, b->source, 1, 0, "pack '%s' has no root element",
                          b->source);
  if (!is_elem(root, "pack")) {
    char what[96];
    snprintf(what, sizeof what, "the root element must be <pack>, not <%.48s>",
             (const char *)root->name);
    return fail_at(b, root, what, "");
  }
  tact_pack *p = b->pack;
  p->source = tact_arena_strndup(&p->arena, b->source, strlen(b->source));
  if (!p->source) return fail_nomem(b->err, b->source);
  tact_status st = read_id(b, root, "id", &p->id);
  if (st != TACT_OK) return st;
  const char *version = attr(root, "version");
  if (!version) return missing_attr(b, root, "version");
  size_t start = 0, end = strlen(version);
  while (start < end && is_xml_space(version[start])) start++;
  while (end > start && is_xml_space(version[end - 1])) end--;
  if (start == end) return bad_attr(b, root, "version", version, "the version is empty");
  p->version = tact_arena_strndup(&p->arena, version + start, end - start);
  if (!p->version) return fail_nomem(b->err, b->source);
  return build_items(b, root);
}

/* ---------------------------------------------------------------------- */
/* The interface                                                          */

/* libxml2 2.9 sets up parser globals and the RELAX NG type library on first
 * use without a lock; doing both exactly once keeps engines that are built
 * on several threads at the same time safe. */
static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;
static void libxml_init(void) {
  xmlInitParser();
  xmlRelaxNGInitTypes();
}

tact_pack_loader *tact_pack_loader_new(const tact_allocator *a, const tact_pack_limits *lim,
                                       tact_error *err) {
  tact_allocator alloc;
  tact_alloc_resolve(&alloc, a);
  tact_pack_loader *ld = tact_malloc(&alloc, sizeof *ld);
  if (!ld) {
    tact_fail(err, TACT_E_NOMEM, "out of memory creating the pack loader");
    return NULL;
  }
  ld->alloc = alloc;
  ld->lim.max_bytes = lim && lim->max_bytes ? lim->max_bytes : TACT_DEFAULT_MAX_PACK_BYTES;
  ld->lim.max_depth = lim && lim->max_depth ? lim->max_depth : TACT_DEFAULT_MAX_PACK_DEPTH;
  /* libxml2 takes the buffer length as an int. */
  if (ld->lim.max_bytes > (size_t)INT_MAX) ld->lim.max_bytes = (size_t)INT_MAX;
  if (ld->lim.max_depth > LIBXML_DEPTH_LIMIT) ld->lim.max_depth = LIBXML_DEPTH_LIMIT;
  ld->schema = NULL;
  pthread_once(&libxml_once, libxml_init);
  return ld;
}

void tact_pack_loader_free(tact_pack_loader *ld) {
  if (!ld) return;
  if (ld->schema) xmlRelaxNGFree(ld->schema);
  tact_allocator alloc = ld->alloc;
  tact_free(&alloc, ld);
}

void tact_pack_free(tact_pack *p) {
  if (!p) return;
  pack_box *box = (pack_box *)(void *)((char *)p - offsetof(pack_box, pack));
  tact_allocator alloc = box->alloc;
  tact_arena_free(&p->arena);
  tact_free(&alloc, box);
}

static tact_pack *new_pack(const tact_allocator *alloc) {
  pack_box *box = tact_malloc(alloc, sizeof *box);
  if (!box) return NULL;
  memset(box, 0, sizeof *box);
  box->alloc = *alloc;
  tact_arena_init(&box->pack.arena, &box->alloc);
  return &box->pack;
}

static tact_status build(tact_pack_loader *ld, const xmlDoc *doc, const char *source,
                         tact_pack **out, tact_error *err) {
  tact_pack *p = new_pack(&ld->alloc);
  if (!p) return fail_nomem(err, source);
  builder b = {p, &ld->alloc, source, err};
  tact_status st = build_pack(&b, doc);
  if (st != TACT_OK) {
    tact_pack_free(p);
    return st;
  }
  *out = p;
  return TACT_OK;
}

/* libxml2's RELAX NG messages can be vague ("Element rule failed to
 * validate attributes"). The builder says exactly what is wrong when it
 * catches the same problem, so its message wins when it points at the same
 * line or an earlier one. */
static tact_status explain_schema_error(tact_pack_loader *ld, const xmlDoc *doc,
                                        const char *source, tact_error *err) {
  tact_error mine;
  tact_pack *p = NULL;
  tact_status st = build(ld, doc, source, &p, &mine);
  tact_pack_free(p);
  if (st == TACT_E_NOMEM || (st == TACT_E_PACK && mine.line != 0 &&
                             (err->line == 0 || mine.line <= err->line))) {
    *err = mine;
    return st;
  }
  return TACT_E_PACK;
}

tact_status tact_pack_loader_parse(tact_pack_loader *ld, const char *xml, size_t len,
                                   const char *source, int validate, tact_pack **out,
                                   tact_error *err) {
  tact_error scratch; /* error details are needed internally even if not wanted */
  if (!err) err = &scratch;
  if (out) *out = NULL;
  if (!ld || !out || (!xml && len))
    return tact_fail(err, TACT_E_ARG, "tact_pack_loader_parse: NULL loader, output or buffer");
  if (!source) source = "<memory>";
  if (len > ld->lim.max_bytes)
    return tact_fail_pack(err, TACT_E_LIMIT, source, 0, 0, "pack '%s' is %zu bytes, limit %zu",
                          source, len, ld->lim.max_bytes);
  tact_status st = prescan(xml, len, source, err);
  if (st != TACT_OK) return st;
  xmlDocPtr doc;
  st = parse_xml(ld, xml, len, source, &doc, err);
  if (st != TACT_OK) return st;
  if (validate) st = validate_doc(ld, doc, source, err);
  if (st == TACT_E_PACK) st = explain_schema_error(ld, doc, source, err);
  if (st == TACT_OK) st = build(ld, doc, source, out, err);
  xmlFreeDoc(doc);
  return st;
}

/* ---------------------------------------------------------------------- */
/* Files                                                                  */

/* Names an errno without strerror (not thread-safe) or strerror_r (two
 * incompatible versions). */
static const char *errno_text(int e) {
  switch (e) {
  case ENOENT: return "no such file or directory";
  case EACCES: return "permission denied";
  case EISDIR: return "is a directory";
  case ENOTDIR: return "a component of the path is not a directory";
  case ENAMETOOLONG: return "file name too long";
  case ELOOP: return "too many levels of symbolic links";
  case EMFILE:
  case ENFILE: return "too many open files";
  case EIO: return "input/output error";
  default: return "system error";
  }
}

static tact_status fail_io(tact_error *err, const char *path, const char *doing, int e) {
  return tact_fail_pack(err, TACT_E_IO, path, 0, 0, "cannot %s pack '%s': %s (errno %d)", doing,
                        path, errno_text(e), e);
}

static tact_status fail_too_big(tact_error *err, const char *path, size_t max) {
  return tact_fail_pack(err, TACT_E_LIMIT, path, 0, 0,
                        "pack '%s' is larger than the limit of %zu bytes", path, max);
}

/* Reads at most max + 1 bytes, so an endless or growing file is still
 * refused without reading it all. */
static tact_status read_capped(const tact_pack_loader *ld, FILE *f, const char *path,
                               size_t size_hint, char **data, size_t *len, tact_error *err) {
  size_t max = ld->lim.max_bytes, cap = 0;
  *data = NULL;
  *len = 0;
  size_t want = size_hint < max ? size_hint + 1 : max + 1;
  if (tact_grow(&ld->alloc, (void **)data, &cap, want ? want : 1, 1)) return fail_nomem(err, path);
  for (;;) {
    if (*len == cap && tact_grow(&ld->alloc, (void **)data, &cap, cap + 1, 1))
      return fail_nomem(err, path);
    size_t room = cap - *len;
    if (room > max + 1 - *len) room = max + 1 - *len;
    size_t got = fread(*data + *len, 1, room, f);
    *len += got;
    if (*len > max) return fail_too_big(err, path, max);
    if (got == 0) return ferror(f) ? fail_io(err, path, "read", errno ? errno : EIO) : TACT_OK;
  }
}

tact_status tact_pack_loader_parse_file(tact_pack_loader *ld, const char *path, tact_pack **out,
                                        tact_error *err) {
  if (out) *out = NULL;
  if (!ld || !path || !out)
    return tact_fail(err, TACT_E_ARG, "tact_pack_loader_parse_file: NULL loader, path or output");
  errno = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return fail_io(err, path, "open", errno);
  struct stat sb;
  size_t hint = 0;
  tact_status st = TACT_OK;
  if (fstat(fileno(f), &sb) == 0) {
    if (S_ISDIR(sb.st_mode)) st = fail_io(err, path, "read", EISDIR);
    else if (S_ISREG(sb.st_mode) && sb.st_size > 0 && (uintmax_t)sb.st_size > ld->lim.max_bytes)
      st = tact_fail_pack(err, TACT_E_LIMIT, path, 0, 0, "pack '%s' is %jd bytes, limit %zu",
                          path, (intmax_t)sb.st_size, ld->lim.max_bytes);
    else if (S_ISREG(sb.st_mode) && sb.st_size > 0) hint = (size_t)sb.st_size;
  }
  char *data = NULL;
  size_t len = 0;
  if (st == TACT_OK) st = read_capped(ld, f, path, hint, &data, &len, err);
  fclose(f);
  if (st == TACT_OK) st = tact_pack_loader_parse(ld, data, len, path, 1, out, err);
  tact_free(&ld->alloc, data);
  return st;
}
