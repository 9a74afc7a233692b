/* text.c — the tokenizer: strict UTF-8 validation, tokens with exact byte
 * spans and NFKC + case-folded normalized forms (contractions split and
 * expanded), sentence boundaries and whole-text statistics.
 *
 * One forward scan over the text. At each token start a dispatcher picks a
 * scanner by the first code point; speculative scanners (URL, e-mail, dotted
 * acronym, emoticon) either look ahead a bounded distance, emit what they
 * scanned, or memoize their failure, so the total work stays linear in the
 * text. Sentences and statistics are a second pass over the tokens.
 * Phrase matching and everything after it only read the result. */
#include "text.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "error.h"

/* ---------------------------------------------------------------------
 * Character classes
 * --------------------------------------------------------------------- */

enum cls {
  C_END,        /* past the end of the text */
  C_BAD,        /* invalid UTF-8 */
  C_NUL,
  C_SPACE,      /* white space: emits nothing, sets TACT_TOKEN_SPACE_BEFORE */
  C_SILENT,     /* controls, format and default-ignorable: emit nothing */
  C_UPPER,      /* Lu, Lt */
  C_LOWER,      /* every other letter */
  C_MARK,       /* combining marks */
  C_DIGIT,      /* Nd */
  C_NUMX,       /* Nl, No: part of words, never start numbers */
  C_APOS,       /* ' and the apostrophe look-alikes */
  C_HYPHEN,     /* - U+2010 U+2011: may join words */
  C_PUNCT,
  C_SYMBOL,
  C_CURRENCY,
  C_EMOJI,      /* Extended_Pictographic with emoji presentation, skin tones */
  C_EMOJI_TEXT, /* Extended_Pictographic shown as text unless FE0F follows */
  C_RI          /* regional indicator (flags) */
};

#define NU C_NUL
#define SI C_SILENT
#define SP C_SPACE
#define UP C_UPPER
#define LO C_LOWER
#define DI C_DIGIT
#define AP C_APOS
#define HY C_HYPHEN
#define PU C_PUNCT
#define SY C_SYMBOL
#define CU C_CURRENCY

/* ASCII is most of the input: one table look-up per byte. '&' '*' '#' '%'
 * are symbols here although Unicode files them as punctuation. */
static const uint8_t ASCII_CLASS[128] = {
    NU, SI, SI, SI, SI, SI, SI, SI, SI, SP, SP, SP, SP, SP, SI, SI, /* 0x00 */
    SI, SI, SI, SI, SI, SI, SI, SI, SI, SI, SI, SI, SI, SI, SI, SI, /* 0x10 */
    SP, PU, PU, SY, CU, SY, SY, AP, PU, PU, SY, SY, PU, HY, PU, PU, /*  !"#$%&'()*+,-./ */
    DI, DI, DI, DI, DI, DI, DI, DI, DI, DI, PU, PU, SY, SY, SY, PU, /* 0-9 :;<=>? */
    SY, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, /* @A-O */
    UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, PU, SY, PU, SY, SY, /* P-Z [\]^_ */
    AP, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, /* `a-o */
    LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, PU, SY, PU, SY, SI, /* p-z {|}~ DEL */
};

#undef NU
#undef SI
#undef SP
#undef UP
#undef LO
#undef DI
#undef AP
#undef HY
#undef PU
#undef SY
#undef CU

static inline bool is_letter(int c) { return c == C_UPPER || c == C_LOWER; }
static inline bool is_wordch(int c) {
  return c == C_UPPER || c == C_LOWER || c == C_MARK || c == C_DIGIT || c == C_NUMX;
}
static inline bool is_alnum(int c) { return is_letter(c) || c == C_DIGIT || c == C_NUMX; }
static inline uint8_t ascii_lower(uint8_t b) { return (uint8_t)(b >= 'A' && b <= 'Z' ? b + 32 : b); }

/* Apostrophe look-alikes all normalize to ASCII ', curly double quotes to ". */
static int32_t quote_fold(int32_t cp) {
  switch (cp) {
  case 0x60: case 0xB4: case 0x2B9: case 0x2BC: case 0x2018: case 0x2019: case 0xFF07: return '\'';
  case 0xAB: case 0xBB: case 0x201C: case 0x201D: case 0x201E: return '"';
  default: return 0;
  }
}

/* Extended_Pictographic code points that default to text presentation and
 * are ordinary symbols in writing (© ™ arrows ‼) unless FE0F follows. */
static const struct { int32_t lo, hi; } TEXT_PICTOGRAPHS[] = {
    {0x00A9, 0x00A9}, {0x00AE, 0x00AE}, {0x203C, 0x203C}, {0x2049, 0x2049}, {0x2122, 0x2122},
    {0x2139, 0x2139}, {0x2194, 0x2199}, {0x21A9, 0x21AA}, {0x24C2, 0x24C2}, {0x25AA, 0x25AB},
    {0x25B6, 0x25B6}, {0x25C0, 0x25C0}, {0x25FB, 0x25FC}, {0x2640, 0x2642}, {0x27A1, 0x27A1},
    {0x2934, 0x2935}, {0x2B05, 0x2B07}, {0x3030, 0x3030}, {0x303D, 0x303D}, {0x3297, 0x3297},
    {0x3299, 0x3299},
};

static bool text_pictograph(int32_t cp) {
  for (size_t i = 0; i < sizeof TEXT_PICTOGRAPHS / sizeof *TEXT_PICTOGRAPHS; i++)
    if (cp >= TEXT_PICTOGRAPHS[i].lo && cp <= TEXT_PICTOGRAPHS[i].hi) return true;
  return false;
}

static bool is_skin_tone(int32_t cp) { return cp >= 0x1F3FB && cp <= 0x1F3FF; }

static int classify(int32_t cp) {
  if (quote_fold(cp) == '\'') return C_APOS;
  const utf8proc_property_t *p = utf8proc_get_property(cp);
  if (p->ignorable) return C_SILENT;
  switch (p->boundclass) {
  case UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR: return C_RI;
  case UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC: case UTF8PROC_BOUNDCLASS_E_BASE:
  case UTF8PROC_BOUNDCLASS_E_BASE_GAZ: case UTF8PROC_BOUNDCLASS_GLUE_AFTER_ZWJ:
  case UTF8PROC_BOUNDCLASS_E_MODIFIER:
    return text_pictograph(cp) ? C_EMOJI_TEXT : C_EMOJI;
  default: break;
  }
  if (is_skin_tone(cp)) return C_EMOJI;
  switch (p->category) {
  case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT: return C_UPPER;
  case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: return C_LOWER;
  case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: return C_MARK;
  case UTF8PROC_CATEGORY_ND: return C_DIGIT;
  case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO: return C_NUMX;
  case UTF8PROC_CATEGORY_PD: return cp == 0x2010 || cp == 0x2011 ? C_HYPHEN : C_PUNCT;
  case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
  case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF: case UTF8PROC_CATEGORY_PO: return C_PUNCT;
  case UTF8PROC_CATEGORY_SC: return C_CURRENCY;
  case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP: return C_SPACE;
  case UTF8PROC_CATEGORY_CC: return cp == 0x85 ? C_SPACE : C_SILENT;
  case UTF8PROC_CATEGORY_CF: return C_SILENT;
  default: return C_SYMBOL; /* S*, private use, unassigned */
  }
}

/* A pictograph shown as text is classified by its Unicode category. */
static int text_class(int32_t cp) {
  utf8proc_category_t cat = utf8proc_category(cp);
  return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO ? C_PUNCT : C_SYMBOL;
}

/* ---------------------------------------------------------------------
 * Strict UTF-8
 * --------------------------------------------------------------------- */

/* Length of the valid multi-byte sequence at s[i] (lead byte >= 0x80), or 0
 * for overlongs, surrogates, > U+10FFFF, bad or missing continuations. */
static size_t utf8_decode(const uint8_t *s, size_t len, size_t i, int32_t *cp) {
  uint8_t b0 = s[i];
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) need = 1;
  else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;      /* overlong */
    else if (b0 == 0xED) hi = 0x9F; /* surrogates */
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;      /* overlong */
    else if (b0 == 0xF4) hi = 0x8F; /* > U+10FFFF */
  } else return 0;
  if (len - i <= need) return 0;
  if (s[i + 1] < lo || s[i + 1] > hi) return 0;
  int32_t c = b0 & (0x3F >> need);
  for (size_t k = 1; k <= need; k++) {
    if ((s[i + k] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (s[i + k] & 0x3F);
  }
  *cp = c;
  return need + 1;
}

/* Length of the maximal ill-formed subpart at s[i] (Unicode 3.9, "U+FFFD
 * substitution of maximal subparts"): a truncated sequence is one unit. */
static size_t utf8_bad_len(const uint8_t *s, size_t len, size_t i) {
  uint8_t b0 = s[i];
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) need = 1;
  else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    lo = b0 == 0xE0 ? 0xA0 : 0x80;
    hi = b0 == 0xED ? 0x9F : 0xBF;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    lo = b0 == 0xF0 ? 0x90 : 0x80;
    hi = b0 == 0xF4 ? 0x8F : 0xBF;
  } else return 1;
  if (i + 1 >= len || s[i + 1] < lo || s[i + 1] > hi) return 1;
  size_t k = 2;
  while (k < need + 1 && i + k < len && (s[i + k] & 0xC0) == 0x80) k++;
  return k;
}

/* ---------------------------------------------------------------------
 * Scanner state
 * --------------------------------------------------------------------- */

typedef struct scan {
  const uint8_t *s;
  size_t len;
  tact_text *t;
  const tact_allocator *a;
  tact_error *err;
  bool repair;
  bool space;          /* white space since the last token */
  size_t email_memo;   /* no e-mail address starts before this offset */
  size_t acro_memo;    /* no dotted acronym starts before this offset */
  size_t letters, uppers, caps_words, syllables, words; /* words: contractions once */
  size_t excl, quest, emoji, repaired, bad_cont;
} scan;

/* Class of the code point at s[i]; *n = its length (0 at the end or on bad
 * bytes). */
static inline int peek(const scan *sc, size_t i, int32_t *cp, size_t *n) {
  if (i >= sc->len) {
    *cp = -1;
    *n = 0;
    return C_END;
  }
  uint8_t b = sc->s[i];
  if (b < 0x80) {
    *cp = b;
    *n = 1;
    return ASCII_CLASS[b];
  }
  *n = utf8_decode(sc->s, sc->len, i, cp);
  if (!*n) {
    *cp = -1;
    return C_BAD;
  }
  return classify(*cp);
}

/* Start of the code point ending at `end` (text before it is valid). */
static size_t cp_start_before(const scan *sc, size_t end) {
  size_t j = end - 1;
  while (j > 0 && (sc->s[j] & 0xC0) == 0x80) j--;
  return j;
}

static tact_status fail_nomem(scan *sc) {
  return tact_fail(sc->err, TACT_E_NOMEM, "out of memory while tokenizing");
}

static tact_status push(scan *sc, size_t start, size_t end, int kind, unsigned flags,
                        uint32_t noff, uint32_t nlen) {
  tact_text *t = sc->t;
  if (t->n_tokens == t->cap_tokens &&
      tact_grow(sc->a, (void **)&t->tokens, &t->cap_tokens, t->n_tokens + 1, sizeof *t->tokens))
    return fail_nomem(sc);
  if (sc->space) flags |= TACT_TOKEN_SPACE_BEFORE;
  sc->space = false;
  tact_token *tok = &t->tokens[t->n_tokens++];
  tok->start = (uint32_t)start;
  tok->end = (uint32_t)end;
  tok->norm_off = noff;
  tok->norm_len = nlen;
  tok->sentence = 0;
  tok->kind = (uint8_t)kind;
  tok->flags = (uint8_t)flags;
  tok->reserved = 0;
  return TACT_OK;
}

/* ---------------------------------------------------------------------
 * Normalized forms
 * --------------------------------------------------------------------- */

static tact_status norm_reserve(scan *sc, size_t add) {
  tact_buf *b = &sc->t->norm;
  if (add > UINT32_MAX - b->len)
    return tact_fail(sc->err, TACT_E_LIMIT, "normalized text would exceed 4 GiB");
  if (b->len + add < b->cap) return TACT_OK; /* the usual case, without a call */
  if (tact_grow(sc->a, (void **)&b->data, &b->cap, b->len + add + 1, 1)) return fail_nomem(sc);
  return TACT_OK;
}

static tact_status norm_put(scan *sc, const char *p, size_t n, uint32_t *off, uint32_t *nlen) {
  tact_status st = norm_reserve(sc, n);
  if (st) return st;
  tact_buf *b = &sc->t->norm;
  memcpy(b->data + b->len, p, n);
  *off = (uint32_t)b->len;
  *nlen = (uint32_t)n;
  b->len += n;
  return TACT_OK;
}

/* UAX #15 stream-safe limit: longer runs of combining marks are dropped from
 * the normalized form, which keeps utf8proc's canonical reordering (a
 * quadratic insertion sort per run) linear on "Zalgo" text. */
#define MAX_NONSTARTERS 30

typedef struct fold_state {
  bool number;          /* en dash becomes '-' inside numbers ("2–3") */
  unsigned nonstarters; /* combining marks in a row so far */
} fold_state;

static utf8proc_int32_t fold_cp(utf8proc_int32_t cp, void *data) {
  fold_state *fs = data;
  int32_t q = quote_fold(cp);
  if (q) cp = q;
  else if (fs->number && cp == 0x2013) cp = '-';
  if (cp >= 0x300 && utf8proc_get_property(cp)->combining_class) {
    if (++fs->nonstarters > MAX_NONSTARTERS) return 0x34F; /* ignorable: dropped */
  } else {
    fs->nonstarters = 0;
  }
  return cp;
}

/* NFKC + case folding through utf8proc without heap allocation: decompose
 * into t->scratch, then compose and re-encode in place. */
static tact_status norm_slow(scan *sc, size_t s, size_t e, bool number, uint32_t *off,
                             uint32_t *nlen) {
  tact_text *t = sc->t;
  const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                 UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
  size_t need = e - s + 1;
  utf8proc_ssize_t n;
  for (;;) {
    if (need > t->cap_scratch &&
        tact_grow(sc->a, (void **)&t->scratch, &t->cap_scratch, need, sizeof *t->scratch))
      return fail_nomem(sc);
    fold_state fs = {number, 0};
    n = utf8proc_decompose_custom(sc->s + s, (utf8proc_ssize_t)(e - s), t->scratch,
                                  (utf8proc_ssize_t)t->cap_scratch, opts, fold_cp, &fs);
    if (n < 0) break;
    if ((size_t)n < t->cap_scratch) break; /* reencode needs one spare slot */
    need = (size_t)n + 1;
  }
  if (n >= 0) n = utf8proc_reencode(t->scratch, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (n < 0)
    return tact_fail_at(sc->err, TACT_E_INTERNAL, s, "utf8proc failed at byte %zu: %s", s,
                        utf8proc_errmsg(n));
  if (n == 0) return norm_put(sc, (const char *)sc->s + s, e - s, off, nlen);
  return norm_put(sc, (const char *)t->scratch, (size_t)n, off, nlen);
}

/* The normalized form of s[s..e): ASCII is lower-cased in one pass, anything
 * else goes through utf8proc. */
static tact_status norm_text(scan *sc, size_t s, size_t e, bool number, uint32_t *off,
                             uint32_t *nlen) {
  tact_status st = norm_reserve(sc, e - s);
  if (st) return st;
  tact_buf *b = &sc->t->norm;
  char *d = b->data + b->len;
  for (size_t i = s; i < e; i++) {
    uint8_t c = sc->s[i];
    if (c >= 0x80) return norm_slow(sc, s, e, number, off, nlen);
    d[i - s] = (char)(c == '`' ? '\'' : ascii_lower(c));
  }
  *off = (uint32_t)b->len;
  *nlen = (uint32_t)(e - s);
  b->len += e - s;
  return TACT_OK;
}

static tact_status emit(scan *sc, size_t s, size_t e, int kind, unsigned flags) {
  uint32_t off = 0, nlen = 0;
  tact_status st = norm_text(sc, s, e, kind == TACT_TOKEN_NUMBER, &off, &nlen);
  return st ? st : push(sc, s, e, kind, flags, off, nlen);
}

static tact_status emit_fixed(scan *sc, size_t s, size_t e, int kind, unsigned flags,
                              const char *norm) {
  uint32_t off = 0, nlen = 0;
  tact_status st = norm_put(sc, norm, strlen(norm), &off, &nlen);
  return st ? st : push(sc, s, e, kind, flags, off, nlen);
}

/* ---------------------------------------------------------------------
 * Emoji and emoticons
 * --------------------------------------------------------------------- */

/* Code points that continue an emoji sequence without a joiner. */
static bool emoji_extender(int32_t cp, int cls) {
  return cp == 0xFE0E || cp == 0xFE0F || is_skin_tone(cp) || cp == 0x20E3 ||
         (cp >= 0xE0020 && cp <= 0xE007F) || cls == C_MARK;
}

/* End of the emoji sequence whose first code point (class c, length n) is at
 * pos: flags pair regional indicators; otherwise modifiers, variation
 * selectors and tags attach, and ZWJ joins another pictograph. */
static size_t emoji_end(const scan *sc, size_t pos, int c, size_t n) {
  size_t i = pos + n, m, m2;
  int32_t cp, cp2;
  if (c == C_RI) return peek(sc, i, &cp, &m) == C_RI ? i + m : i;
  for (;;) {
    int k = peek(sc, i, &cp, &m);
    if (!m) break;
    if (emoji_extender(cp, k)) {
      i += m;
      continue;
    }
    int k2 = cp == 0x200D ? peek(sc, i + m, &cp2, &m2) : C_END;
    if (k2 != C_EMOJI && k2 != C_EMOJI_TEXT && k2 != C_RI) break;
    i += m + m2;
  }
  return i;
}

/* Keycaps: [0-9#*] FE0F? U+20E3. Returns the end or 0. */
static size_t keycap_end(const scan *sc, size_t pos) {
  size_t i = pos + 1, n;
  int32_t cp;
  peek(sc, i, &cp, &n);
  if (cp == 0xFE0F) peek(sc, i += n, &cp, &n);
  return cp == 0x20E3 ? i + n : 0;
}

/* The emoji's normalized form drops variation selectors and skin tones so
 * that "👍🏽" and "❤️" match patterns written "👍" and "❤". */
static tact_status emit_emoji(scan *sc, size_t s, size_t e) {
  tact_status st = norm_reserve(sc, e - s);
  if (st) return st;
  tact_buf *b = &sc->t->norm;
  size_t start = b->len, n;
  int32_t cp;
  for (size_t i = s; i < e; i += n) {
    peek(sc, i, &cp, &n);
    if (cp == 0xFE0E || cp == 0xFE0F || (is_skin_tone(cp) && i > s)) continue;
    memcpy(b->data + b->len, sc->s + i, n);
    b->len += n;
  }
  sc->emoji++;
  return push(sc, s, e, TACT_TOKEN_EMOJI, 0, (uint32_t)start, (uint32_t)(b->len - start));
}

typedef struct emoticon {
  const char *text, *norm;
} emoticon;

/* The nose and repeated mouths are dropped from the normalized form. */
static const emoticon EMOTICONS[] = {
    {":)", ":)"},   {":-)", ":)"},  {":(", ":("},   {":-(", ":("},   {":D", ":d"},  {":-D", ":d"},
    {";)", ";)"},   {";-)", ";)"},  {";D", ";d"},   {":P", ":p"},    {":-P", ":p"}, {":p", ":p"},
    {":-p", ":p"},  {";P", ";p"},   {";p", ";p"},   {":/", ":/"},    {":-/", ":/"}, {":\\", ":/"},
    {":'(", ":'("}, {":')", ":')"}, {":O", ":o"},   {":o", ":o"},    {":-O", ":o"}, {":-o", ":o"},
    {":|", ":|"},   {":-|", ":|"},  {":*", ":*"},   {":-*", ":*"},   {":]", ":)"},  {":[", ":("},
    {":3", ":3"},   {"<3", "<3"},   {"</3", "</3"}, {"XD", "xd"},    {"xD", "xd"},  {"=)", ":)"},
    {"=(", ":("},   {"=D", ":d"},   {"=P", ":p"},   {"=/", ":/"},    {"^^", "^^"},  {"^_^", "^_^"},
    {"-_-", "-_-"}, {"T_T", "t_t"}, {";_;", ";_;"}, {"o_O", "o_o"},  {"O_o", "o_o"}, {"O_O", "o_o"},
    {"o_o", "o_o"}, {">:(", ">:("}, {">:-(", ">:("},
};

/* Cheap filter before the table: most word starts are not emoticons. */
static inline bool emoticon_candidate(const scan *sc, size_t pos) {
  uint8_t c = sc->s[pos];
  if (c < 0x80 && is_letter(ASCII_CLASS[c]))
    return pos + 1 < sc->len && (sc->s[pos + 1] == 'D' || sc->s[pos + 1] == '_');
  return c == ':' || c == ';' || c == '=' || c == '<' || c == '>' || c == '^' || c == '-';
}

/* An emoticon stands alone: white space (or the start) before it, white
 * space, the end or sentence punctuation after, so "10:30" and "http://"
 * are never emoticons. Returns the end or 0. */
static size_t emoticon_end(const scan *sc, size_t pos, const emoticon **which) {
  size_t best = 0;
  for (size_t k = 0; k < sizeof EMOTICONS / sizeof *EMOTICONS; k++) {
    if ((uint8_t)EMOTICONS[k].text[0] != sc->s[pos]) continue;
    size_t n = strlen(EMOTICONS[k].text);
    if (n > best && n <= sc->len - pos && !memcmp(sc->s + pos, EMOTICONS[k].text, n)) {
      best = n;
      *which = &EMOTICONS[k];
    }
  }
  if (!best) return 0;
  size_t i = pos + best, n;
  uint8_t last = sc->s[i - 1];
  if (strchr(")(DP3", last))
    while (i < sc->len && sc->s[i] == last) i++;
  int32_t cp;
  int c = peek(sc, i, &cp, &n);
  if (c == C_END || c == C_SPACE || (cp >= 0 && cp < 0x80 && strchr(".,!?", (int)cp) && cp))
    return i;
  return 0;
}

/* ---------------------------------------------------------------------
 * URLs, e-mail addresses, mentions, hashtags
 * --------------------------------------------------------------------- */

static bool prefix_ci(const scan *sc, size_t pos, const char *p) {
  size_t n = strlen(p);
  if (sc->len - pos < n) return false;
  for (size_t i = 0; i < n; i++)
    if (ascii_lower(sc->s[pos + i]) != (uint8_t)p[i]) return false;
  return true;
}

static bool url_ascii(uint8_t c) { return c > 0x20 && c < 0x7F && !strchr("<>\"{}|\\^`", c); }

/* http://, https:// or www. followed by URL characters; trailing sentence
 * punctuation and unbalanced closing brackets are left out. Returns the end
 * or 0. The scan is emitted as one token, so it costs nothing extra. */
static size_t url_end(const scan *sc, size_t pos) {
  size_t plen = prefix_ci(sc, pos, "https://") ? 8
                : prefix_ci(sc, pos, "http://") ? 7
                : prefix_ci(sc, pos, "www.")    ? 4
                                                : 0;
  if (!plen) return 0;
  size_t i = pos + plen, n, open = 0, close = 0;
  int32_t cp;
  for (;;) {
    int c = peek(sc, i, &cp, &n);
    if (!n || (cp < 0x80 ? !url_ascii((uint8_t)cp) : !is_wordch(c))) break;
    open += cp == '(' || cp == '[';
    close += cp == ')' || cp == ']';
    i += n;
  }
  while (i > pos + plen) {
    uint8_t b = sc->s[i - 1];
    if (strchr(".,;:!?'\"*", b) || ((b == ')' || b == ']') && close > open)) {
      close -= b == ')' || b == ']';
      i--;
    } else break;
  }
  if (i == pos + plen) return 0;
  return plen != 4 || is_alnum(peek(sc, pos + 4, &cp, &n)) ? i : 0;
}

static inline bool local_ch(uint8_t c) {
  return c < 0x80 && (is_alnum(ASCII_CLASS[c]) || c == '.' || c == '_' || c == '%' || c == '+' ||
                      c == '-');
}
static bool domain_ch(uint8_t c) { return c < 0x80 && (is_alnum(ASCII_CLASS[c]) || c == '-'); }

/* local@label.label...tld (ASCII, TLD of 2+ letters). A failure is memoized
 * at the end of the local part: every later start inside the same run
 * reaches the same '@' (or not), so "a.a.a.a..." stays linear. */
static size_t email_end(scan *sc, size_t pos) {
  if (pos < sc->email_memo) return 0;
  const uint8_t *s = sc->s;
  size_t i = pos;
  while (i < sc->len && local_ch(s[i])) i++;
  size_t j = i + 1, end = 0, labels = 0, tld = 0;
  if (i < sc->len && s[i] == '@' && s[i - 1] != '.') {
    for (;;) {
      size_t k = j;
      while (k < sc->len && domain_ch(s[k])) k++;
      if (k == j) break;
      labels++;
      tld = j;
      end = k;
      if (k + 1 < sc->len && s[k] == '.' && domain_ch(s[k + 1])) j = k + 1;
      else break;
    }
  }
  bool ok = labels >= 2 && end - tld >= 2;
  for (size_t k = tld; ok && k < end; k++) ok = is_letter(ASCII_CLASS[s[k]]);
  if (ok) return end;
  sc->email_memo = i;
  return 0;
}

/* The name after '@' or '#': word characters and '_'. */
static size_t tag_end(const scan *sc, size_t i, bool *has_letter) {
  size_t n;
  int32_t cp;
  *has_letter = false;
  for (;;) {
    int c = peek(sc, i, &cp, &n);
    if (!is_wordch(c) && cp != '_') return i;
    *has_letter |= is_letter(c);
    i += n;
  }
}

/* ---------------------------------------------------------------------
 * Numbers
 * --------------------------------------------------------------------- */

static bool number_sep(int32_t cp) {
  return cp == '.' || cp == ',' || cp == ':' || cp == '/' || cp == '-' || cp == 0x2013;
}

static const char *const NUMBER_SUFFIXES[] = {"st", "nd", "rd", "th", "am", "pm"};

/* Two ASCII letters at i from NUMBER_SUFFIXES, not followed by more of a
 * word. Bounded look-ahead. */
static size_t number_suffix(const scan *sc, size_t i) {
  if (sc->len - i < 2) return 0;
  uint8_t a = ascii_lower(sc->s[i]), b = ascii_lower(sc->s[i + 1]);
  size_t n;
  int32_t cp;
  int after = peek(sc, i + 2, &cp, &n);
  if (is_wordch(after) || after == C_APOS) return 0;
  for (size_t k = 0; k < sizeof NUMBER_SUFFIXES / sizeof *NUMBER_SUFFIXES; k++)
    if (a == NUMBER_SUFFIXES[k][0] && b == NUMBER_SUFFIXES[k][1]) return i + 2;
  return 0;
}

/* [currency] digits (sep digits)* [% | currency | st nd rd th am pm].
 * Returns the end, or 0 when the token is really a word ("4x4", "2gb"). */
static size_t number_end(const scan *sc, size_t pos) {
  size_t i = pos, n;
  int32_t cp;
  int c = peek(sc, i, &cp, &n);
  bool prefix = c == C_CURRENCY, sep = false;
  if (prefix) c = peek(sc, i += n, &cp, &n);
  if (c != C_DIGIT) return 0;
  while (c == C_DIGIT) c = peek(sc, i += n, &cp, &n);
  for (;;) {
    size_t m;
    int32_t cp2;
    if (!number_sep(cp) || peek(sc, i + n, &cp2, &m) != C_DIGIT) break;
    sep = true;
    i += n;
    while ((c = peek(sc, i, &cp, &n)) == C_DIGIT) i += n;
  }
  if (is_wordch(c)) {
    size_t j = number_suffix(sc, i);
    if (j) return j;
    return sep || prefix ? i : 0;
  }
  if (cp == '%' || (c == C_CURRENCY && !prefix)) return i + n;
  return i;
}

/* ---------------------------------------------------------------------
 * Words and contractions
 * --------------------------------------------------------------------- */

/* Whole words that split, apostrophe or not ("can't", "cant", "cannot").
 * `split` is where the clitic starts (in code points); `host` overrides the
 * first part's normalized form. Sorted by strcmp for binary search. */
typedef struct contraction {
  const char *word;
  unsigned char split;
  const char *host, *clitic;
} contraction;

static const contraction CONTRACTIONS[] = {
    {"ain't", 2, "is", "not"},   {"aint", 2, "is", "not"},    {"arent", 3, NULL, "not"},
    {"can't", 3, NULL, "not"},   {"cannot", 3, NULL, "not"},  {"cant", 3, NULL, "not"},
    {"couldnt", 5, NULL, "not"}, {"couldve", 5, NULL, "have"}, {"didnt", 3, NULL, "not"},
    {"doesnt", 4, NULL, "not"},  {"dont", 2, NULL, "not"},    {"hadnt", 3, NULL, "not"},
    {"hasnt", 3, NULL, "not"},   {"havent", 4, NULL, "not"},  {"he's", 2, NULL, "is"},
    {"here's", 4, NULL, "is"},   {"how's", 3, NULL, "is"},    {"im", 1, NULL, "am"},
    {"isnt", 2, NULL, "not"},    {"it's", 2, NULL, "is"},     {"ive", 1, NULL, "have"},
    {"let's", 3, NULL, "us"},    {"lets", 3, NULL, "us"},     {"mustnt", 4, NULL, "not"},
    {"shan't", 3, "shall", "not"}, {"shant", 3, "shall", "not"}, {"she's", 3, NULL, "is"},
    {"shouldnt", 6, NULL, "not"}, {"shouldve", 6, NULL, "have"}, {"that's", 4, NULL, "is"},
    {"thats", 4, NULL, "is"},    {"there's", 5, NULL, "is"},  {"theyd", 4, NULL, "would"},
    {"theyll", 4, NULL, "will"}, {"theyre", 4, NULL, "are"},  {"theyve", 4, NULL, "have"},
    {"wasnt", 3, NULL, "not"},   {"werent", 4, NULL, "not"},  {"weve", 2, NULL, "have"},
    {"what's", 4, NULL, "is"},   {"whats", 4, NULL, "is"},    {"where's", 5, NULL, "is"},
    {"who's", 3, NULL, "is"},    {"won't", 2, "will", "not"}, {"wont", 2, "will", "not"},
    {"wouldnt", 5, NULL, "not"}, {"wouldve", 5, NULL, "have"}, {"youd", 3, NULL, "would"},
    {"youll", 3, NULL, "will"},  {"youre", 3, NULL, "are"},   {"youve", 3, NULL, "have"},
};

/* Suffix clitics after any word ("we'll", "John's"), tried when no whole
 * word matched. "'s" is kept as a possessive unless CONTRACTIONS says "is". */
static const struct {
  const char *suffix, *norm;
} CLITICS[] = {
    {"n't", "not"}, {"'ll", "will"}, {"'re", "are"}, {"'ve", "have"},
    {"'m", "am"},   {"'d", "would"}, {"'s", "'s"},
};

#define KEY_MAX 12

/* The last code points of a word folded for table look-up: a-z, ' for every
 * apostrophe look-alike, 1 for anything else. */
typedef struct wkey {
  char c[KEY_MAX];
  size_t off[KEY_MAX + 1]; /* byte offset of each; off[n] = end of word */
  size_t n;
  bool whole;              /* the key starts at the word's first code point */
  bool apos;               /* the key holds an apostrophe */
} wkey;

static void build_key(const scan *sc, size_t s, size_t e, wkey *k) {
  char rc[KEY_MAX];
  size_t ro[KEY_MAX], n = 0, i = e, m;
  int32_t cp;
  k->apos = false;
  while (i > s && n < KEY_MAX) {
    uint8_t b = sc->s[i - 1];
    if (b < 0x80) { /* fast path: ASCII */
      int c = ASCII_CLASS[b];
      rc[n] = c == C_APOS ? '\'' : is_letter(c) ? (char)ascii_lower(b) : 1;
      i--;
    } else {
      i = cp_start_before(sc, i);
      int c = peek(sc, i, &cp, &m);
      rc[n] = c == C_APOS ? '\'' : 1;
    }
    k->apos |= rc[n] == '\'';
    ro[n++] = i;
  }
  k->whole = i == s;
  k->n = n;
  for (size_t q = 0; q < n; q++) {
    k->c[q] = rc[n - 1 - q];
    k->off[q] = ro[n - 1 - q];
  }
  k->off[n] = e;
}

/* Every CONTRACTIONS word without an apostrophe ends in one of these pairs;
 * checking them first keeps the binary search off most words. */
static inline bool maybe_contraction(const char *c, size_t n) {
  if (n < 2) return false;
  char a = c[n - 2];
  switch (c[n - 1]) {
  case 't': return a == 'n' || a == 'o';
  case 'm': return a == 'i';
  case 'e': return a == 'v' || a == 'r';
  case 's': return a == 't';
  case 'l': return a == 'l';
  case 'd': return a == 'u' || a == 'y';
  default: return false;
  }
}

/* strcmp of the n bytes at p against the C string w, for binary search. */
static int keycmp(const char *p, size_t n, const char *w) {
  size_t i = 0;
  for (; i < n && w[i]; i++)
    if (p[i] != w[i]) return (unsigned char)p[i] < (unsigned char)w[i] ? -1 : 1;
  return i < n ? 1 : w[i] ? -1 : 0;
}

static const contraction *find_contraction(const char *c, size_t n) {
  size_t lo = 0, hi = sizeof CONTRACTIONS / sizeof *CONTRACTIONS;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int cmp = keycmp(c, n, CONTRACTIONS[mid].word);
    if (!cmp) return &CONTRACTIONS[mid];
    if (cmp < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

int tact_text_is_plain_word(const char *s, size_t n) {
  if (!n) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < 'a' || s[i] > 'z') return 0;
  return !(maybe_contraction(s, n) && find_contraction(s, n));
}

typedef struct part {
  size_t start, end;
  const char *norm; /* fixed normalized form, or NULL to normalize the span */
  bool clitic;
} part;

/* Splits the word s[s..e) into a host and up to three clitics
 * ("couldn't've"). Returns the number of parts. */
static size_t split_word(const scan *sc, size_t s, size_t e, part *parts) {
  wkey k;
  build_key(sc, s, e, &k);
  bool apos = k.apos;
  part rev[3];
  size_t nrev = 0, end = k.n;
  const char *host = NULL;
  while (nrev < 3) {
    const contraction *w = k.whole && (apos || maybe_contraction(k.c, end))
                               ? find_contraction(k.c, end) : NULL;
    if (w) {
      rev[nrev++] = (part){k.off[w->split], k.off[end], w->clitic, true};
      end = w->split;
      host = w->host;
      break;
    }
    if (!apos) break;
    size_t q = 0, sl = 0;
    for (; q < sizeof CLITICS / sizeof *CLITICS; q++) {
      sl = strlen(CLITICS[q].suffix);
      if (end > sl && !memcmp(k.c + end - sl, CLITICS[q].suffix, sl) && k.c[end - sl - 1] != '\'')
        break;
    }
    if (q == sizeof CLITICS / sizeof *CLITICS) break;
    rev[nrev++] = (part){k.off[end - sl], k.off[end], CLITICS[q].norm, true};
    end -= sl;
  }
  parts[0] = (part){s, k.off[end], host, false};
  for (size_t q = 0; q < nrev; q++) parts[1 + q] = rev[nrev - 1 - q];
  return 1 + nrev;
}

/* a e i o u y as bits of (letter - 'a'). */
#define VOWEL_BITS 0x1104111u

/* Vowel of the code point for syllable counting (accents stripped). */
static bool vowel(int32_t cp) {
  if (cp >= 0xC0 && cp < 0x250) {
    utf8proc_int32_t d[4];
    if (utf8proc_decompose_char(cp, d, 4, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD, NULL) > 0)
      cp = d[0];
  }
  uint32_t k = (uint32_t)(cp | 0x20) - 'a';
  return cp < 0x80 && k < 26 && ((VOWEL_BITS >> k) & 1);
}

/* Letters, upper-case letters and the vowel-group syllable estimate of a
 * whole word (before contractions split it): groups of vowels, minus a
 * silent final 'e' (not "-le" after a consonant), at least one. */
static void word_stats(const scan *sc, size_t s, size_t e, size_t *letters, size_t *uppers,
                       size_t *syllables) {
  size_t groups = 0, n;
  bool in_vowel = false;
  int32_t cp, l1 = 0, l2 = 0, l3 = 0; /* last three letters, lower-cased */
  *letters = *uppers = 0;
  for (size_t i = s; i < e; i += n) {
    int c = peek(sc, i, &cp, &n);
    bool v = is_letter(c) && (cp < 0x80 ? (VOWEL_BITS >> ((cp | 0x20) - 'a')) & 1 : vowel(cp));
    groups += v && !in_vowel;
    in_vowel = v;
    if (!is_letter(c)) continue;
    ++*letters;
    *uppers += c == C_UPPER;
    l3 = l2;
    l2 = l1;
    l1 = cp < 0x80 ? ascii_lower((uint8_t)cp) : cp;
  }
  bool le = l1 == 'e' && l2 == 'l' && l3 && !vowel(l3);
  if (l1 == 'e' && !le && groups > 1) groups--;
  *syllables = groups ? groups : 1;
}

/* A run of letters, marks, digits and internal apostrophes; default
 * ignorables (soft hyphen, ZWJ) inside stay in it and vanish from the
 * normalized form. */
static size_t word_end(const scan *sc, size_t pos) {
  size_t i = pos, n, m;
  int32_t cp, cp2;
  for (;;) {
    int c = peek(sc, i, &cp, &n);
    if (is_wordch(c)) {
      i += n;
    } else if (c == C_APOS && is_letter(peek(sc, i + n, &cp2, &m))) {
      i += n + m;
    } else if (c == C_SILENT && cp != 0x200B) { /* ZERO WIDTH SPACE separates */
      size_t j = i + n;
      while ((c = peek(sc, j, &cp2, &m)) == C_SILENT) j += m;
      if (!is_wordch(c)) return i;
      i = j;
    } else {
      return i;
    }
  }
}

/* "e.g.", "U.S.A.": two or more single letters each followed by '.', not
 * followed by a word. Memoized like e-mail addresses. Returns end or 0. */
static size_t acronym_end(scan *sc, size_t pos) {
  if (pos < sc->acro_memo || pos + 1 >= sc->len || sc->s[pos + 1] != '.') return 0;
  size_t i = pos, n, pairs = 0;
  int32_t cp;
  while (is_letter(peek(sc, i, &cp, &n)) && i + n < sc->len && sc->s[i + n] == '.') {
    i += n + 1;
    pairs++;
  }
  if (pairs >= 2 && !is_wordch(peek(sc, i, &cp, &n))) return i;
  sc->acro_memo = i;
  return 0;
}

static tact_status emit_word(scan *sc, size_t s, size_t e, bool acronym) {
  size_t letters, uppers, syl, n;
  int32_t cp;
  word_stats(sc, s, e, &letters, &uppers, &syl);
  bool caps = letters >= 2 && uppers == letters;
  sc->letters += letters;
  sc->uppers += uppers;
  sc->caps_words += caps;
  sc->syllables += syl;
  sc->words++;
  part parts[4];
  size_t np = acronym ? 1 : split_word(sc, s, e, parts);
  if (acronym) parts[0] = (part){s, e, NULL, false};
  for (size_t q = 0; q < np; q++) {
    unsigned flags = (caps ? TACT_TOKEN_ALL_CAPS : 0u) | (parts[q].clitic ? TACT_TOKEN_CLITIC : 0u);
    if (peek(sc, parts[q].start, &cp, &n) == C_UPPER) flags |= TACT_TOKEN_CAPITALIZED;
    tact_status st = parts[q].norm
                         ? emit_fixed(sc, parts[q].start, parts[q].end, TACT_TOKEN_WORD, flags,
                                      parts[q].norm)
                         : emit(sc, parts[q].start, parts[q].end, TACT_TOKEN_WORD, flags);
    if (st) return st;
  }
  return TACT_OK;
}

/* Whether the byte after a plain ASCII word could make it something else:
 * an e-mail address ("a.b@", "a-b@"), a URL ("www.x", "http:/"), a dotted
 * acronym, an internal apostrophe or hyphen, a non-ASCII continuation. */
static bool fast_word_stop_ok(const scan *sc, size_t i) {
  if (i >= sc->len) return true;
  uint8_t b = sc->s[i], next = i + 1 < sc->len ? sc->s[i + 1] : ' ';
  if (b >= 0x80 || b == '@' || b == '\'' || b == '`' || ASCII_CLASS[b] == C_SILENT ||
      ASCII_CLASS[b] == C_NUL)
    return false;
  if (b == ':') return next != '/';
  return !local_ch(b) || (!local_ch(next) && next != '@');
}

/* The common case in one pass: an ASCII word of letters and digits that
 * starts with a letter, cannot be a contraction and ends at white space or
 * plain punctuation. Same tokens and statistics as emit_word(); returns
 * the end, or 0 to take the general path. */
static size_t fast_word(scan *sc, size_t pos, tact_status *st) {
  const uint8_t *s = sc->s;
  size_t i = pos;
  while (i < sc->len && s[i] < 0x80 && is_alnum(ASCII_CLASS[s[i]])) i++;
  size_t n = i - pos;
  char last2[2] = {(char)ascii_lower(s[i - 1]), (char)ascii_lower(n > 1 ? s[i - 2] : 0)};
  char key[2] = {last2[1], last2[0]};
  if (!fast_word_stop_ok(sc, i) || (n <= 8 && maybe_contraction(key, 2))) return 0;
  if ((*st = norm_reserve(sc, n))) return i;
  tact_buf *nb = &sc->t->norm;
  char *d = nb->data + nb->len;
  size_t letters = 0, uppers = 0, groups = 0;
  bool in_vowel = false;
  uint8_t l1 = 0, l2 = 0, l3 = 0;
  for (size_t j = 0; j < n; j++) {
    uint8_t b = s[pos + j], lb = ascii_lower(b);
    int c = ASCII_CLASS[b];
    d[j] = (char)lb;
    bool v = c != C_DIGIT && ((VOWEL_BITS >> (lb - 'a')) & 1);
    groups += v && !in_vowel;
    in_vowel = v;
    if (c == C_DIGIT) continue;
    letters++;
    uppers += c == C_UPPER;
    l3 = l2;
    l2 = l1;
    l1 = lb;
  }
  bool le = l1 == 'e' && l2 == 'l' && l3 && !((VOWEL_BITS >> (l3 - 'a')) & 1);
  if (l1 == 'e' && !le && groups > 1) groups--;
  bool caps = letters >= 2 && uppers == letters;
  sc->letters += letters;
  sc->uppers += uppers;
  sc->caps_words += caps;
  sc->syllables += groups ? groups : 1;
  sc->words++;
  unsigned flags = (caps ? TACT_TOKEN_ALL_CAPS : 0u) |
                   (ASCII_CLASS[s[pos]] == C_UPPER ? TACT_TOKEN_CAPITALIZED : 0u);
  uint32_t off = (uint32_t)nb->len;
  nb->len += n;
  *st = push(sc, pos, i, TACT_TOKEN_WORD, flags, off, (uint32_t)n);
  return i;
}

/* ---------------------------------------------------------------------
 * Punctuation and symbols
 * --------------------------------------------------------------------- */

/* Sentence terminators; a run of them is one token ("?!", "...", "!!!"). */
static const struct {
  int32_t cp;
  uint8_t excl, quest;
} TERMINATORS[] = {
    {'!', 1, 0},    {'.', 0, 0},    {'?', 0, 1},    {0x061F, 0, 1}, {0x2026, 0, 0},
    {0x203C, 2, 0}, {0x2047, 0, 2}, {0x2048, 1, 1}, {0x2049, 1, 1}, {0x3002, 0, 0},
    {0xFF01, 1, 0}, {0xFF0E, 0, 0}, {0xFF1F, 0, 1}, {0xFF61, 0, 0},
};

static int terminator(int32_t cp) {
  if (cp < 0x80) return cp == '!' ? 0 : cp == '.' ? 1 : cp == '?' ? 2 : -1;
  for (size_t k = 0; k < sizeof TERMINATORS / sizeof *TERMINATORS; k++)
    if (TERMINATORS[k].cp == cp) return (int)k;
  return -1;
}

/* Repeats of the same dash, colon, slash... form one token ("--"). Brackets
 * and quotes stay single so openers and closers remain visible. */
static bool punct_repeats(int32_t cp, int c) {
  if (c == C_APOS || cp == '"') return false;
  utf8proc_category_t cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_PD || cat == UTF8PROC_CATEGORY_PO;
}

static tact_status scan_punct(scan *sc, size_t *pos, int32_t cp, int c, size_t n) {
  size_t i = *pos + n, m;
  int32_t cp2;
  int k = terminator(cp);
  if (k >= 0) {
    for (;;) {
      sc->excl += TERMINATORS[k].excl;
      sc->quest += TERMINATORS[k].quest;
      peek(sc, i, &cp2, &m);
      if (!m || (k = terminator(cp2)) < 0) break;
      i += m;
    }
  } else if (punct_repeats(cp, c)) {
    while (peek(sc, i, &cp2, &m) != C_END && cp2 == cp) i += m;
  }
  tact_status st = emit(sc, *pos, i, TACT_TOKEN_PUNCT, 0);
  *pos = i;
  return st;
}

static tact_status scan_symbol(scan *sc, size_t *pos, int32_t cp, size_t n) {
  size_t i = *pos + n, m;
  int32_t cp2;
  while (peek(sc, i, &cp2, &m) != C_END && cp2 == cp) i += m;
  tact_status st = emit(sc, *pos, i, TACT_TOKEN_SYMBOL, 0);
  *pos = i;
  return st;
}

/* ---------------------------------------------------------------------
 * The dispatcher
 * --------------------------------------------------------------------- */

/* "follow-up": a hyphen between two word characters emits nothing, so the
 * parts match patterns written with a space. */
static bool joining_hyphen(const scan *sc, size_t pos, size_t n) {
  const tact_text *t = sc->t;
  if (sc->space || !t->n_tokens) return false;
  const tact_token *last = &t->tokens[t->n_tokens - 1];
  if (last->end != pos || (last->kind != TACT_TOKEN_WORD && last->kind != TACT_TOKEN_NUMBER))
    return false;
  size_t m;
  int32_t cp;
  return is_alnum(peek(sc, cp_start_before(sc, pos), &cp, &m)) && is_alnum(peek(sc, pos + n, &cp, &m));
}

static tact_status scan_bad(scan *sc, size_t *pos, int c) {
  size_t p = *pos, n = c == C_NUL ? 1 : utf8_bad_len(sc->s, sc->len, p);
  if (!sc->repair)
    return c == C_NUL ? tact_fail_at(sc->err, TACT_E_INPUT, p, "NUL byte at byte %zu", p)
                      : tact_fail_at(sc->err, TACT_E_UTF8, p, "invalid UTF-8 at byte %zu", p);
  sc->repaired += n;
  sc->bad_cont += (sc->s[p] & 0xC0) == 0x80;
  *pos = p + n;
  return emit_fixed(sc, p, p + n, TACT_TOKEN_SYMBOL, 0, "\xEF\xBF\xBD");
}

/* Tokens that start with ASCII look-alikes of other tokens: emoticons,
 * URLs, e-mail addresses, dotted acronyms. Returns true if one was taken. */
static bool scan_special(scan *sc, size_t *pos, int c, tact_status *st) {
  size_t p = *pos, e;
  uint8_t b = sc->s[p];
  const emoticon *emo = NULL;
  if ((sc->space || !sc->t->n_tokens) && emoticon_candidate(sc, p) && (e = emoticon_end(sc, p, &emo))) {
    *st = emit_fixed(sc, p, e, TACT_TOKEN_EMOTICON, 0, emo->norm);
  } else if ((b == 'h' || b == 'H' || b == 'w' || b == 'W') && (e = url_end(sc, p))) {
    *st = emit(sc, p, e, TACT_TOKEN_URL, 0);
  } else if (b < 0x80 && is_alnum(c) && (e = email_end(sc, p))) {
    *st = emit(sc, p, e, TACT_TOKEN_EMAIL, 0);
  } else if (is_letter(c) && (e = acronym_end(sc, p))) {
    *st = emit_word(sc, p, e, true);
  } else {
    return false;
  }
  *pos = e;
  return true;
}

static tact_status scan_token(scan *sc, size_t *pos, int c, int32_t cp, size_t n) {
  size_t p = *pos, e = 0;
  bool letter = false;
  tact_status st = TACT_OK;
  if (cp < 0x80 && is_letter(c) && !emoticon_candidate(sc, p) && (e = fast_word(sc, p, &st))) {
    *pos = e;
    return st;
  }
  if (c != C_EMOJI && c != C_EMOJI_TEXT && c != C_RI && scan_special(sc, pos, c, &st)) return st;
  if (c == C_DIGIT || cp == '#' || cp == '*') {
    if ((e = keycap_end(sc, p))) {
      *pos = e;
      return emit_emoji(sc, p, e);
    }
  }
  if (c == C_EMOJI_TEXT) {
    size_t m;
    int32_t next;
    peek(sc, p + n, &next, &m);
    c = next == 0xFE0F ? C_EMOJI : text_class(cp);
  }
  switch (c) {
  case C_DIGIT:
  case C_CURRENCY:
    if ((e = number_end(sc, p)) > p + (c == C_CURRENCY ? n : 0)) {
      *pos = e;
      return emit(sc, p, e, TACT_TOKEN_NUMBER, 0);
    }
    if (c == C_CURRENCY) return scan_symbol(sc, pos, cp, n);
    *pos = e = word_end(sc, p); /* digits then letters make a word ("4x4") */
    return emit_word(sc, p, e, false);
  case C_UPPER:
  case C_LOWER:
  case C_MARK:
  case C_NUMX:
    *pos = e = word_end(sc, p);
    return emit_word(sc, p, e, false);
  case C_EMOJI:
  case C_RI:
    *pos = e = emoji_end(sc, p, c, n);
    return emit_emoji(sc, p, e);
  case C_HYPHEN:
    if (joining_hyphen(sc, p, n)) {
      *pos = p + n;
      return TACT_OK;
    }
    return scan_punct(sc, pos, cp, c, n);
  case C_APOS:
  case C_PUNCT:
    return scan_punct(sc, pos, cp, c, n);
  default:
    if ((cp == '@' || cp == '#') && (e = tag_end(sc, p + 1, &letter)) > p + 1 &&
        (cp == '@' || letter)) {
      *pos = e;
      return emit(sc, p, e, cp == '@' ? TACT_TOKEN_MENTION : TACT_TOKEN_HASHTAG, 0);
    }
    return scan_symbol(sc, pos, cp, n);
  }
}

static tact_status tokenize(scan *sc) {
  size_t pos = 0, n;
  int32_t cp;
  while (pos < sc->len) {
    int c = peek(sc, pos, &cp, &n);
    tact_status st;
    switch (c) {
    case C_SPACE: sc->space = true; pos += n; continue;
    case C_SILENT: pos += n; continue;
    case C_BAD: case C_NUL: st = scan_bad(sc, &pos, c); break;
    default: st = scan_token(sc, &pos, c, cp, n); break;
    }
    if (st) return st;
  }
  return TACT_OK;
}

/* ---------------------------------------------------------------------
 * Sentences
 * --------------------------------------------------------------------- */

enum { ABBR_NEVER, ABBR_CAP };

/* Abbreviations whose period does not end a sentence. NEVER: titles and
 * the like, always followed by more of the sentence. CAP: the sentence may
 * end there, but only a capitalized word starts the next ("etc. The" breaks,
 * "Jan. 5" and "no. 3" do not). Sorted by strcmp. */
static const struct {
  const char *word;
  unsigned char kind;
} ABBREVIATIONS[] = {
    {"a.m.", ABBR_CAP},   {"approx", ABBR_CAP}, {"apr", ABBR_CAP},    {"aug", ABBR_CAP},
    {"ave", ABBR_CAP},    {"avg", ABBR_CAP},    {"blvd", ABBR_CAP},   {"capt", ABBR_NEVER},
    {"cf", ABBR_NEVER},   {"co", ABBR_CAP},     {"corp", ABBR_CAP},   {"dec", ABBR_CAP},
    {"dept", ABBR_CAP},   {"dr", ABBR_NEVER},   {"e.g.", ABBR_NEVER}, {"est", ABBR_CAP},
    {"etc", ABBR_CAP},    {"ext", ABBR_CAP},    {"feb", ABBR_CAP},    {"fig", ABBR_CAP},
    {"gov", ABBR_NEVER},  {"hon", ABBR_NEVER},  {"i.e.", ABBR_NEVER}, {"inc", ABBR_CAP},
    {"jan", ABBR_CAP},    {"jr", ABBR_CAP},     {"jul", ABBR_CAP},    {"jun", ABBR_CAP},
    {"lt", ABBR_NEVER},   {"ltd", ABBR_CAP},    {"mar", ABBR_CAP},    {"max", ABBR_CAP},
    {"min", ABBR_CAP},    {"mr", ABBR_NEVER},   {"mrs", ABBR_NEVER},  {"ms", ABBR_NEVER},
    {"mt", ABBR_NEVER},   {"mx", ABBR_NEVER},   {"no", ABBR_CAP},     {"nos", ABBR_CAP},
    {"nov", ABBR_CAP},    {"oct", ABBR_CAP},    {"p.m.", ABBR_CAP},   {"prof", ABBR_NEVER},
    {"rev", ABBR_NEVER},  {"sen", ABBR_NEVER},  {"sep", ABBR_CAP},    {"sept", ABBR_CAP},
    {"sgt", ABBR_NEVER},  {"sr", ABBR_CAP},     {"st", ABBR_NEVER},   {"tel", ABBR_CAP},
    {"viz", ABBR_NEVER},  {"vol", ABBR_CAP},    {"vs", ABBR_NEVER},
};

/* Line-initial tokens that start a new sentence after a single newline. */
static const char *const BULLETS[] = {"-", "*", "•", "‣", "◦", "·",
                                      "–", "—", "+", "●", "▪", ">"};

/* What may follow a terminator: P_STRONG (. ! ?) accepts any word; P_WEAK
 * (ellipsis) needs a capital, a number or a quote before a capital; P_CAP
 * (some abbreviations) needs a capital. */
enum { P_NONE, P_STRONG, P_WEAK, P_CAP };

typedef struct sent {
  const scan *sc;
  const tact_token *tok;
  size_t n;
} sent;

static bool norm_is(const sent *z, size_t i, const char *s) {
  size_t len;
  const char *p = tact_text_norm(z->sc->t, i, &len);
  return len == strlen(s) && !memcmp(p, s, len);
}

static int abbreviation(const sent *z, size_t i) {
  size_t len, lo = 0, hi = sizeof ABBREVIATIONS / sizeof *ABBREVIATIONS;
  const char *p = tact_text_norm(z->sc->t, i, &len);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int cmp = keycmp(p, len, ABBREVIATIONS[mid].word);
    if (!cmp) return ABBREVIATIONS[mid].kind;
    if (cmp < 0) hi = mid;
    else lo = mid + 1;
  }
  return -1;
}

static int32_t first_cp(const sent *z, size_t i) {
  int32_t cp;
  size_t n;
  peek(z->sc, z->tok[i].start, &cp, &n);
  return cp;
}

static bool is_kind(const sent *z, size_t i, int kind) { return i < z->n && z->tok[i].kind == kind; }
static bool has_flag(const sent *z, size_t i, unsigned f) { return i < z->n && (z->tok[i].flags & f); }
static bool cap_word(const sent *z, size_t i) {
  return is_kind(z, i, TACT_TOKEN_WORD) && has_flag(z, i, TACT_TOKEN_CAPITALIZED);
}

/* A quote or bracket: closing ones (and straight quotes glued to the
 * previous token) stay with the sentence before. */
static bool quote_or_bracket(const sent *z, size_t i, bool closing) {
  if (!is_kind(z, i, TACT_TOKEN_PUNCT)) return false;
  int32_t cp = first_cp(z, i);
  if (cp == '"' || cp == '\'') return closing != has_flag(z, i, TACT_TOKEN_SPACE_BEFORE);
  utf8proc_category_t cat = utf8proc_category(cp);
  return closing ? cat == UTF8PROC_CATEGORY_PE || cat == UTF8PROC_CATEGORY_PF
                 : cat == UTF8PROC_CATEGORY_PS || cat == UTF8PROC_CATEGORY_PI;
}

static bool trailer(const sent *z, size_t i) {
  int kind = z->tok[i].kind;
  return kind == TACT_TOKEN_EMOJI || kind == TACT_TOKEN_EMOTICON || quote_or_bracket(z, i, true) ||
         (kind == TACT_TOKEN_PUNCT && terminator(first_cp(z, i)) >= 0);
}

static bool starts_sentence(const sent *z, size_t i, int pend) {
  if (!has_flag(z, i, TACT_TOKEN_SPACE_BEFORE)) return false;
  int kind = z->tok[i].kind;
  bool opener = quote_or_bracket(z, i, false);
  if (pend == P_STRONG) return opener || (kind != TACT_TOKEN_PUNCT && kind != TACT_TOKEN_SYMBOL);
  if (pend == P_CAP && abbreviation(z, i) >= 0) return false; /* "Co. Ltd." */
  return cap_word(z, i) || (pend == P_WEAK && kind == TACT_TOKEN_NUMBER) ||
         (opener && cap_word(z, i + 1));
}

/* What token i, if it ends a sentence, lets follow; `first` is the first
 * token of the current sentence. */
static int terminator_kind(const sent *z, size_t i, size_t first) {
  const tact_token *tk = &z->tok[i];
  if (tk->kind == TACT_TOKEN_WORD) {
    size_t len;
    const char *p = tact_text_norm(z->sc->t, i, &len);
    if (!len || p[len - 1] != '.') return P_NONE; /* only dotted acronyms end in '.' */
    return abbreviation(z, i) == ABBR_NEVER ? P_NONE : P_CAP;
  }
  if (tk->kind != TACT_TOKEN_PUNCT || terminator(first_cp(z, i)) < 0) return P_NONE;
  size_t len;
  const char *p = tact_text_norm(z->sc->t, i, &len);
  size_t dots = 0;
  while (dots < len && p[dots] == '.') dots++;
  if (dots < len) return P_STRONG;
  if (len > 1) return P_WEAK;
  if (i == 0 || z->tok[i - 1].end != tk->start) return P_STRONG;
  const tact_token *prev = &z->tok[i - 1];
  if (prev->kind == TACT_TOKEN_NUMBER && i - 1 == first) return P_NONE; /* "1. Open the app" */
  if (prev->kind != TACT_TOKEN_WORD || (prev->flags & TACT_TOKEN_CLITIC)) return P_STRONG;
  int ab = abbreviation(z, i - 1);
  if (ab >= 0) return ab == ABBR_NEVER ? P_NONE : P_CAP;
  bool initial = prev->norm_len == 1 && (prev->flags & TACT_TOKEN_CAPITALIZED) &&
                 !norm_is(z, i - 1, "i"); /* "John F. Kennedy" */
  return initial ? P_NONE : P_STRONG;
}

/* Newlines between tokens i-1 and i; U+2029 counts as a blank line. */
static size_t newlines(const sent *z, size_t i) {
  const uint8_t *s = z->sc->s;
  size_t nl = 0, e = z->tok[i].start;
  for (size_t j = z->tok[i - 1].end; j < e; j++) {
    if (s[j] == '\n' || s[j] == '\v' || s[j] == '\f') nl++;
    else if (s[j] == '\r') nl += j + 1 >= e || s[j + 1] != '\n';
    else if (s[j] == 0xC2 && j + 1 < e && s[j + 1] == 0x85) nl++;
    else if (s[j] == 0xE2 && j + 2 < e && s[j + 1] == 0x80 && (s[j + 2] & 0xFE) == 0xA8)
      nl += s[j + 2] == 0xA9 ? 2 : 1;
  }
  return nl;
}

static bool line_starter(const sent *z, size_t i) {
  int kind = z->tok[i].kind;
  if (cap_word(z, i) || kind == TACT_TOKEN_NUMBER || kind == TACT_TOKEN_EMOJI ||
      kind == TACT_TOKEN_EMOTICON)
    return true;
  if (kind == TACT_TOKEN_WORD) return utf8proc_category(first_cp(z, i)) == UTF8PROC_CATEGORY_ND;
  if (kind != TACT_TOKEN_PUNCT && kind != TACT_TOKEN_SYMBOL) return false;
  for (size_t k = 0; k < sizeof BULLETS / sizeof *BULLETS; k++)
    if (norm_is(z, i, BULLETS[k])) return true;
  return false;
}

static bool boundary_before(const sent *z, size_t i, int *pend) {
  size_t nl = newlines(z, i);
  if (nl >= 2) return true;
  if (nl == 1 && line_starter(z, i) && !norm_is(z, i - 1, ",")) return true;
  if (*pend == P_NONE || trailer(z, i)) return false;
  if (starts_sentence(z, i, *pend)) return true;
  *pend = P_NONE;
  return false;
}

static tact_status close_sentence(scan *sc, size_t first, size_t end) {
  tact_text *t = sc->t;
  if (t->n_sentences == t->cap_sentences &&
      tact_grow(sc->a, (void **)&t->sentences, &t->cap_sentences, t->n_sentences + 1,
                sizeof *t->sentences))
    return fail_nomem(sc);
  uint32_t idx = (uint32_t)t->n_sentences++;
  t->sentences[idx] = (tact_sentence){(uint32_t)first, (uint32_t)(end - first),
                                      t->tokens[first].start, t->tokens[end - 1].end};
  for (size_t i = first; i < end; i++) t->tokens[i].sentence = idx;
  return TACT_OK;
}

static tact_status sentences(scan *sc) {
  sent z = {sc, sc->t->tokens, sc->t->n_tokens};
  size_t first = 0;
  int pend = P_NONE;
  for (size_t i = 0; i < z.n; i++) {
    if (i > 0 && boundary_before(&z, i, &pend)) {
      tact_status st = close_sentence(sc, first, i);
      if (st) return st;
      first = i;
      pend = P_NONE;
    }
    int k = terminator_kind(&z, i, first);
    if (k != P_NONE) pend = k;
    else if (pend != P_NONE && !trailer(&z, i)) pend = P_NONE;
  }
  return z.n ? close_sentence(sc, first, z.n) : TACT_OK;
}

/* ---------------------------------------------------------------------
 * Entry points
 * --------------------------------------------------------------------- */

/* Code points = bytes that are not continuation bytes (10xxxxxx), counted
 * eight at a time; repaired stray continuation bytes are added back. */
static size_t count_codepoints(const uint8_t *s, size_t len) {
  size_t cont = 0, i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    w &= ~(w << 1) & UINT64_C(0x8080808080808080); /* bit 7 set, bit 6 clear */
    cont += (size_t)(((w >> 7) * UINT64_C(0x0101010101010101)) >> 56); /* sum of 0/1 bytes */
  }
  for (; i < len; i++) cont += (s[i] & 0xC0) == 0x80;
  return len - cont;
}

static void fill_stats(const scan *sc) {
  tact_text *t = sc->t;
  double *st = t->stats;
  st[TACT_STAT_BYTES] = (double)sc->len;
  st[TACT_STAT_CODEPOINTS] = (double)(count_codepoints(sc->s, sc->len) + sc->bad_cont);
  st[TACT_STAT_TOKENS] = (double)t->n_tokens;
  st[TACT_STAT_WORDS] = (double)sc->words;
  st[TACT_STAT_SENTENCES] = (double)t->n_sentences;
  st[TACT_STAT_LETTERS] = (double)sc->letters;
  st[TACT_STAT_UPPER_LETTERS] = (double)sc->uppers;
  st[TACT_STAT_CAPS_RATIO] = sc->letters ? (double)sc->uppers / (double)sc->letters : 0.0;
  st[TACT_STAT_ALL_CAPS_WORDS] = (double)sc->caps_words;
  st[TACT_STAT_EXCLAMATIONS] = (double)sc->excl;
  st[TACT_STAT_QUESTIONS] = (double)sc->quest;
  st[TACT_STAT_EMOJI] = (double)sc->emoji;
  st[TACT_STAT_SYLLABLES] = (double)sc->syllables;
  st[TACT_STAT_REPAIRED_BYTES] = (double)sc->repaired;
}

static void clear(tact_text *t) {
  t->n_tokens = t->n_sentences = 0;
  t->norm.len = 0;
  if (t->norm.cap) t->norm.data[0] = '\0';
  memset(t->stats, 0, sizeof t->stats);
}

tact_status tact_text_analyze(tact_text *t, const tact_allocator *a, const char *text, size_t len,
                              unsigned options, tact_error *err) {
  if (!t) return tact_fail(err, TACT_E_ARG, "tokenizer output is NULL");
  clear(t);
  if (!text && len) return tact_fail(err, TACT_E_ARG, "text is NULL but its length is %zu", len);
  if (len > TACT_TEXT_MAX_BYTES)
    return tact_fail(err, TACT_E_LIMIT, "text of %zu bytes exceeds the limit of %zu bytes", len,
                     TACT_TEXT_MAX_BYTES);
  if (!len) return TACT_OK;
  tact_allocator std;
  if (!a || !a->malloc_fn) {
    tact_alloc_resolve(&std, NULL);
    a = &std;
  }
  scan sc = {.s = (const uint8_t *)text, .len = len, .t = t, .a = a, .err = err,
             .repair = (options & TACT_TEXT_REPAIR) != 0};
  /* Most normalized text is no longer than the text: one growth up front. */
  tact_status st = norm_reserve(&sc, len);
  if (!st) st = tokenize(&sc);
  if (!st) st = sentences(&sc);
  if (st) {
    clear(t);
    return st;
  }
  t->norm.data[t->norm.len] = '\0';
  fill_stats(&sc);
  return TACT_OK;
}

void tact_text_free(tact_text *t, const tact_allocator *a) {
  if (!t) return;
  tact_allocator std;
  if (!a || !a->free_fn) {
    tact_alloc_resolve(&std, NULL);
    a = &std;
  }
  tact_free(a, t->tokens);
  tact_free(a, t->sentences);
  tact_buf_free(a, &t->norm);
  tact_free(a, t->scratch);
  memset(t, 0, sizeof *t);
}
