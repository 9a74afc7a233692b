/* html.c — HTML e-mail bodies to text. libxml2's HTML parser (no network,
 * no messages, recovering from anything) drives SAX callbacks that write
 * the visible text: block elements become line breaks so the tokenizer
 * finds sentence boundaries, runs of white space become one space, and
 * what a reader does not see as this message's own words is left out:
 * head, script and style; quoted earlier messages (Gmail, Apple Mail,
 * Thunderbird, Outlook, Yahoo markers); the signature. A line pass then
 * drops what only shows in the text: "> " quoted lines, the "-- "
 * signature delimiter and Outlook's "From: ... Sent: ..." reply header,
 * each with everything after it. SAX needs no tree and no recursion, so
 * 100k nested elements cost what 100k siblings do. Tokenizing is left to
 * text.c. */
#include "html.h"

#include <limits.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <utf8proc.h>

#include "error.h"

#define PARSE_OPTIONS                                                                            \
  (HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |            \
   HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD)

typedef struct walker {
  const tact_allocator *a;
  tact_buf *out;
  size_t depth;    /* open elements */
  size_t skip_at;  /* depth of the element being left out with its content; 0 = none */
  int stopped;     /* a reply header was seen: nothing after it counts */
  int space;       /* white space seen since the last text */
  size_t pre;      /* open <pre> elements: their line breaks are kept */
  int after_cite;  /* a Thunderbird cite prefix just closed: a blockquote now is the quote */
  int nomem;
} walker;

/* ---------------------------------------------------------------------
 * Writing text
 * --------------------------------------------------------------------- */

static void put(walker *w, const char *s, size_t n) {
  if (!w->nomem && tact_buf_append(w->a, w->out, s, n)) w->nomem = 1;
}

static size_t trailing_newlines(const tact_buf *b) {
  size_t n = 0;
  while (n < 2 && n < b->len && b->data[b->len - 1 - n] == '\n') n++;
  return n;
}

/* At least `n` line breaks (2 = a blank line) before the next text. */
static void line_break(walker *w, size_t n) {
  w->space = 0;
  if (!w->out->len) return;
  for (size_t have = trailing_newlines(w->out); have < n; have++) put(w, "\n", 1);
}

/* <br> always breaks the line; a second one in a row makes a blank line. */
static void hard_break(walker *w) {
  w->space = 0;
  if (w->out->len && trailing_newlines(w->out) < 2) put(w, "\n", 1);
}

static int is_space(const unsigned char *s, size_t i, size_t len, size_t *n) {
  *n = 1;
  if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') return 1;
  if (s[i] == 0xC2 && i + 1 < len && s[i + 1] == 0xA0) return (*n = 2), 1; /* &nbsp; */
  return 0;
}

static void on_text(void *ctx, const xmlChar *ch, int n) {
  walker *w = ctx;
  if (w->skip_at || w->stopped || n <= 0) return;
  size_t len = (size_t)n, i = 0;
  while (i < len) {
    size_t k;
    if (is_space(ch, i, len, &k)) {
      if (w->pre && ch[i] == '\n') hard_break(w);
      else w->space = 1;
      i += k;
      continue;
    }
    size_t run = i;
    while (run < len && ch[run] && !is_space(ch, run, len, &k)) run++;
    if (run > i) {
      if (w->space && w->out->len && w->out->data[w->out->len - 1] != '\n') put(w, " ", 1);
      w->space = 0;
      w->after_cite = 0;
      put(w, (const char *)ch + i, run - i);
    }
    i = run + (run < len && !ch[run]); /* a NUL from a bad character reference is dropped */
  }
}

static void on_cdata(void *ctx, const xmlChar *ch, int n) { (void)ctx, (void)ch, (void)n; }
static void on_error(void *ctx, xmlErrorPtr e) { (void)ctx, (void)e; }

/* The last line written, if it introduces a quote ("On ..., Anna wrote:"),
 * goes with the quote. */
static void drop_attribution(walker *w) {
  tact_buf *b = w->out;
  size_t end = b->len;
  while (end && (b->data[end - 1] == '\n' || b->data[end - 1] == ' ')) end--;
  static const char wrote[] = "wrote:";
  size_t n = sizeof wrote - 1;
  if (end < n || memcmp(b->data + end - n, wrote, n)) return;
  size_t start = end;
  while (start && b->data[start - 1] != '\n') start--;
  b->len = start;
}

/* ---------------------------------------------------------------------
 * Elements
 * --------------------------------------------------------------------- */

static int name_in(const xmlChar *name, const char *const *list) {
  for (; *list; list++)
    if (!strcmp((const char *)name, *list)) return 1;
  return 0;
}

static const char *attr(const xmlChar **atts, const char *name) {
  for (size_t i = 0; atts && atts[i]; i += 2)
    if (!xmlStrcasecmp(atts[i], (const xmlChar *)name))
      return atts[i + 1] ? (const char *)atts[i + 1] : "";
  return NULL;
}

/* Whether the white-space separated list `v` holds `word`. */
static int has_word(const char *v, const char *word) {
  size_t n = strlen(word);
  while (v && *v) {
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r' || *v == '\f') v++;
    size_t k = 0;
    while (v[k] && v[k] != ' ' && v[k] != '\t' && v[k] != '\n' && v[k] != '\r' && v[k] != '\f')
      k++;
    if (k == n && !memcmp(v, word, n)) return 1;
    v += k;
  }
  return 0;
}

static int has_class(const xmlChar **atts, const char *word) {
  return has_word(attr(atts, "class"), word);
}

static int id_is(const xmlChar **atts, const char *id) {
  const char *v = attr(atts, "id");
  return v && !xmlStrcasecmp((const xmlChar *)v, (const xmlChar *)id);
}

/* Content nobody reads as the message. */
static const char *const HIDDEN[] = {"head",   "script", "style",  "title", "template",
                                     "object", "iframe", "select", NULL};
/* Boundaries that end a paragraph (a blank line: always a sentence break). */
static const char *const PARAGRAPHS[] = {"p",  "h1", "h2",    "h3",  "h4", "h5",
                                         "h6", "ul", "ol",    "dl",  "table", "pre",
                                         "hr", "blockquote", "center", NULL};
/* Boundaries that end a line. */
static const char *const LINES[] = {"div",     "li",      "tr",      "dd",     "dt",
                                    "section", "article", "header",  "footer", "aside",
                                    "nav",     "main",    "address", "form",   "fieldset",
                                    "figure",  "caption", "body",    "html",   NULL};

/* Quoted earlier messages and signatures, left out with their content. */
static int quoted(const xmlChar *name, const xmlChar **atts, walker *w) {
  if (!strcmp((const char *)name, "blockquote")) {
    const char *type = attr(atts, "type");
    if (w->after_cite || (type && !xmlStrcasecmp((const xmlChar *)type, BAD_CAST "cite"))) {
      drop_attribution(w);
      return 1;
    }
  }
  if (has_class(atts, "gmail_quote") || has_class(atts, "gmail_quote_container") ||
      has_class(atts, "yahoo_quoted") || has_class(atts, "moz-cite-prefix"))
    return 1;
  const char *smart = attr(atts, "data-smartmail");
  return has_class(atts, "gmail_signature") || has_class(atts, "moz-signature") ||
         (smart && !strcmp(smart, "gmail_signature")) || id_is(atts, "Signature");
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts) {
  walker *w = ctx;
  w->depth++;
  if (w->skip_at || w->stopped) return;
  if (id_is(atts, "appendonsend") || id_is(atts, "divRplyFwdMsg")) {
    w->stopped = 1; /* Outlook: the reply header, then the earlier messages */
    return;
  }
  if (name_in(name, HIDDEN) || quoted(name, atts, w)) {
    w->skip_at = w->depth;
    w->after_cite = has_class(atts, "moz-cite-prefix");
    return;
  }
  w->after_cite = 0;
  if (!strcmp((const char *)name, "pre")) w->pre++;
  if (!strcmp((const char *)name, "br")) hard_break(w);
  else if (name_in(name, PARAGRAPHS)) line_break(w, 2);
  else if (name_in(name, LINES)) line_break(w, 1);
  else if (!strcmp((const char *)name, "td") || !strcmp((const char *)name, "th")) w->space = 1;
}

static void on_end(void *ctx, const xmlChar *name) {
  walker *w = ctx;
  if (w->depth) w->depth--;
  if (w->skip_at) {
    if (w->depth < w->skip_at) w->skip_at = 0;
    return;
  }
  if (w->stopped) return;
  if (!strcmp((const char *)name, "pre") && w->pre) w->pre--;
  if (name_in(name, PARAGRAPHS)) line_break(w, 2);
  else if (name_in(name, LINES)) line_break(w, 1);
  else if (!strcmp((const char *)name, "td") || !strcmp((const char *)name, "th")) w->space = 1;
}

/* ---------------------------------------------------------------------
 * Lines: plain-text quoting, signature delimiter, Outlook reply header
 * --------------------------------------------------------------------- */

static int starts_with(const char *s, size_t n, const char *prefix) {
  size_t k = strlen(prefix);
  return n >= k && !xmlStrncasecmp((const xmlChar *)s, (const xmlChar *)prefix, (int)k);
}

static int ends_with(const char *s, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n >= k && !memcmp(s + n - k, suffix, k);
}

/* "From: ..." followed within a few lines by "Sent:" or "Date:". */
static int reply_header(const char *s, size_t pos, size_t len) {
  const char *e = memchr(s + pos, '\n', len - pos);
  if (!starts_with(s + pos, (e ? (size_t)(e - s) : len) - pos, "From:")) return 0;
  for (int line = 0; line < 4 && e; line++) {
    pos = (size_t)(e - s) + 1;
    e = memchr(s + pos, '\n', len - pos);
    size_t n = (e ? (size_t)(e - s) : len) - pos;
    if (starts_with(s + pos, n, "Sent:") || starts_with(s + pos, n, "Date:")) return 1;
  }
  return 0;
}

static int separator_line(const char *s, size_t n) {
  if (n < 3) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] != '_' && s[i] != '-' && s[i] != '=' && s[i] != ' ') return 0;
  return 1;
}

/* Outlook's rule line above a reply header ("______") goes with it. */
static void drop_separators(const char *s, size_t *w) {
  for (;;) {
    size_t end = *w;
    while (end && s[end - 1] == '\n') end--;
    size_t start = end;
    while (start && s[start - 1] != '\n') start--;
    if (!separator_line(s + start, end - start)) return;
    *w = start;
  }
}

/* Rewrites the text in place, line by line; keeps at most one blank line
 * in a row and none at either end. */
static void filter_lines(tact_buf *b) {
  char *s = b->data;
  size_t len = b->len, r = 0, w = 0, last = SIZE_MAX; /* last: start of the last kept text line */
  while (r < len) {
    const char *e = memchr(s + r, '\n', len - r);
    size_t n = (e ? (size_t)(e - s) : len) - r, next = e ? r + n + 1 : len;
    const char *line = s + r;
    if ((n == 2 && !memcmp(line, "--", 2)) || starts_with(line, n, "-----Original Message") ||
        reply_header(s, r, len)) {
      drop_separators(s, &w);
      break;
    }
    if (n && line[0] == '>') {
      if (last != SIZE_MAX && ends_with(s + last, w - last - 1, "wrote:")) w = last;
      last = SIZE_MAX;
    } else if (n) {
      memmove(s + w, line, n);
      last = w;
      w += n;
      s[w++] = '\n';
    } else if (w && s[w - 1] == '\n' && (w < 2 || s[w - 2] != '\n')) {
      s[w++] = '\n';
    }
    r = next;
  }
  while (w && s[w - 1] == '\n') w--;
  b->len = w;
}

/* ---------------------------------------------------------------------
 * Input checks and the parser
 * --------------------------------------------------------------------- */

/* Strict: the offset of the first bad byte or NUL. Repair: a copy in
 * scratch->repaired with each one replaced by U+FFFD. */
static tact_status check_utf8(const char **html, size_t *length, unsigned options,
                              const tact_allocator *a, tact_html_scratch *scratch,
                              tact_error *err) {
  const uint8_t *s = (const uint8_t *)*html;
  size_t len = *length, i = 0, good = 0;
  tact_buf *rep = &scratch->repaired;
  rep->len = 0;
  int repairing = 0;
  while (i < len) {
    if (s[i] && s[i] < 0x80) {
      i++;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = s[i] ? utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp) : -1;
    if (n > 0) {
      i += (size_t)n;
      continue;
    }
    if (!(options & TACT_HTML_REPAIR))
      return s[i] ? tact_fail_at(err, TACT_E_UTF8, i, "invalid UTF-8 at byte %zu", i)
                  : tact_fail_at(err, TACT_E_INPUT, i, "NUL byte at byte %zu", i);
    if (tact_buf_append(a, rep, *html + good, i - good) ||
        tact_buf_append(a, rep, "\xEF\xBF\xBD", 3))
      return tact_fail(err, TACT_E_NOMEM, "out of memory repairing a %zu-byte input", len);
    repairing = 1;
    good = ++i;
  }
  if (repairing) {
    if (tact_buf_append(a, rep, *html + good, len - good))
      return tact_fail(err, TACT_E_NOMEM, "out of memory repairing a %zu-byte input", len);
    *html = rep->data;
    *length = rep->len;
  }
  return TACT_OK;
}

/* libxml2's globals are set up once by pack_xml.c when the engine is
 * created, before any analysis can run; each call here has its own parser
 * context and error handler, so parses on several threads share nothing. */
static tact_status parse(const char *html, size_t len, walker *w, tact_error *err) {
  htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(html, (int)len);
  if (!ctxt) return tact_fail(err, TACT_E_NOMEM, "out of memory creating an HTML parser");
  htmlCtxtUseOptions(ctxt, PARSE_OPTIONS);
  htmlSAXHandler *sax = ctxt->sax; /* the context's own copy, freed with it */
  memset(sax, 0, sizeof *sax);
  sax->startElement = on_start;
  sax->endElement = on_end;
  sax->characters = on_text;
  sax->ignorableWhitespace = on_text;
  sax->cdataBlock = on_cdata; /* script and style bodies */
  sax->serror = on_error;     /* errors go nowhere, whatever the global handlers are */
  sax->initialized = XML_SAX2_MAGIC;
  ctxt->userData = w;
  ctxt->charset = XML_CHAR_ENCODING_UTF8;
  htmlParseDocument(ctxt);
  int nomem = ctxt->errNo == XML_ERR_NO_MEMORY;
  htmlFreeParserCtxt(ctxt);
  if (nomem || w->nomem) return tact_fail(err, TACT_E_NOMEM, "out of memory parsing HTML");
  return TACT_OK;
}

tact_status tact_html_to_text(const char *html, size_t len, unsigned options,
                              const tact_allocator *a, tact_html_scratch *scratch, tact_buf *out,
                              tact_error *err) {
  out->len = 0;
  if (len > INT_MAX / 3) /* repair may grow it threefold; libxml2 takes an int */
    return tact_fail_at(err, TACT_E_LIMIT, (size_t)INT_MAX / 3,
                        "HTML input is %zu bytes; the parser takes at most %d", len, INT_MAX / 3);
  tact_status st = check_utf8(&html, &len, options, a, scratch, err);
  if (st != TACT_OK || !len) return st;
  walker w = {.a = a, .out = out};
  st = parse(html, len, &w, err);
  if (st != TACT_OK) {
    out->len = 0;
    return st;
  }
  filter_lines(out);
  return TACT_OK;
}

void tact_html_scratch_free(tact_html_scratch *s, const tact_allocator *a) {
  tact_buf_free(a, &s->repaired);
}
