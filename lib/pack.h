/* pack.h — the in-memory model of one rule pack, as parsed from XML by
 * pack_xml.c, and the compiled-in default pack. Layering packs and compiling
 * their lexicons are the engine's and the matcher's job (engine.c, match.c).
 *
 * Format (schema: packs/tact-pack.rng, reference: docs/packs.md):
 *
 *   <pack id="acme" version="1">
 *     <lexicon id="negative-language" weight="-1" mode="extend">
 *       <entry>unfortunately</entry>
 *       <entry weight="-2">{number} business day~</entry>
 *     </lexicon>
 *     <rule id="say-no" type="existence" kind="dont" severity="warning">
 *       <message>...</message> <suggestion>...</suggestion>
 *       <use lexicon="say-no" unless="remedy" scope="near"/>
 *       <when fact="customer.complaint"/>   (conversation facts gating the rule)
 *       <limit stat="words" max="250"/>     (occurrence and metric rules)
 *       <example type="fires">We can't do that.</example>
 *       <example type="quiet">What I can do is...</example>
 *     </rule>
 *   </pack>
 *
 * Service policies and the business calendar (promise.c checks promises
 * against them; reference: docs/promises.md):
 *
 *     <policy action="refund" min="3" max="10" unit="business-day"/>
 *     <calendar><holiday date="2026-12-25">Christmas Day</holiday></calendar>
 *
 * Linear models (complaint.c reads them; reference: docs/complaints.md):
 *
 *     <model id="complaint" classes="other complaint" bits="18"
 *            features="unigram bigram lexicon tone" calibration="1.1 -0.2">
 *       <bias>0.4 -0.4</bias>
 *       <weights rows="2" scale="0.01">AQMEBQYH</weights>
 *     </model>
 *
 * <weights> holds base64 of `rows` records, each the gap to the previous
 * bucket (LEB128) and one zigzag LEB128 integer per class; weight = integer
 * times `scale`.
 *
 * Entry patterns are tokenized like text; a token may also be a class
 * ({number}, {any}, {word}, {emoji}, {url}, {email}, {mention}, {hashtag},
 * {punct}, {symbol}, {emoticon}) or a word ending in '~', which also matches
 * its inflections (refund~ : refunds, refunded, refunding). */
#ifndef TACT_PACK_H
#define TACT_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "tact.h"

/* How an item with an id relates to an item of the same id in a lower pack. */
typedef enum tact_layer_mode {
  TACT_LAYER_OVERRIDE = 0, /* default: replace it (or define it if new) */
  TACT_LAYER_EXTEND = 1,   /* add these entries / fields to it */
  TACT_LAYER_DISABLE = 2   /* remove it; no error if it does not exist */
} tact_layer_mode;

typedef struct tact_pack_entry {
  const char *pattern;   /* as written, white space trimmed */
  const char *replace;   /* replace="..." (a suggested rewrite; "" = delete), or NULL */
  double weight;
  int has_weight;
  unsigned line;
} tact_pack_entry;

typedef struct tact_pack_lexicon {
  const char *id;
  tact_layer_mode mode;
  double weight;         /* default for entries without their own */
  int has_weight;
  tact_pack_entry *entries;
  size_t n_entries;
  unsigned line;
} tact_pack_lexicon;

typedef enum tact_example_type { TACT_EXAMPLE_FIRES = 0, TACT_EXAMPLE_QUIET = 1 } tact_example_type;

typedef struct tact_pack_example {
  tact_example_type type;
  const char *text;
  const char *customer;   /* customer="..." context for conversation rules, or NULL */
  const char *fix;        /* fix="...": the reply after the rule's fixes, or NULL */
  unsigned line;
} tact_pack_example;

/* The parts of a rule that say when it fires (review.c gives them meaning;
 * reference: docs/packs.md "Rules"). */
typedef enum tact_clause_type {
  TACT_CLAUSE_USE = 0,   /* <use lexicon=|signal= [unless=] [with=] [scope=]/>: what to find */
  TACT_CLAUSE_WHEN = 1,  /* <when fact="a b"/>: the rule applies if any listed fact holds */
  TACT_CLAUSE_LIMIT = 2, /* <limit stat=|lexicon=|signal= [min=] [max=] [scope=]/> */
  TACT_CLAUSE_COVER = 3  /* <cover signal=/>: each such item of the customer's needs an answer */
} tact_clause_type;

typedef struct tact_pack_clause {
  tact_clause_type type;
  const char *lexicon;   /* use, limit: a lexicon id, or NULL */
  const char *signal;    /* use, limit, cover: a signal name, or NULL */
  const char *stat;      /* limit: a statistic name, or NULL */
  const char *facts;     /* when: space-separated fact names */
  const char *unless;    /* use: lexicon ids that cancel a hit nearby; when: facts that
                          * cancel the clause (space-separated), or NULL */
  const char *with;      /* use: space-separated lexicon ids a hit needs nearby, or NULL */
  const char *scope;     /* sentence | near | message; NULL = the clause's default */
  double min, max;       /* limit bounds; has_min / has_max say which are set */
  int has_min, has_max;
  unsigned line;
} tact_pack_clause;

typedef struct tact_pack_rule {
  const char *id;
  tact_layer_mode mode;
  const char *type;       /* existence | substitution | occurrence | sequence | conditional | metric */
  const char *kind;       /* do | dont */
  const char *severity;   /* info | warning | error; NULL when not given (extend) */
  const char *message;    /* NULL when absent */
  const char *suggestion; /* NULL when absent */
  const char *praise;     /* do rules: the message of a "good" finding; NULL when absent */
  double min_confidence;  /* findings below it are dropped; has_min_confidence says if set */
  int has_min_confidence;
  tact_pack_clause *clauses; /* document order */
  size_t n_clauses;
  tact_pack_example *examples;
  size_t n_examples;
  unsigned line;
} tact_pack_rule;

/* A named preset (<profile id="chat">): per-rule changes chosen per call
 * (tact_review_context.profile). Layered by id: mode="extend" adds sets to
 * a lower pack's profile of that id, override (default) replaces it,
 * disable removes it. Within a profile, later sets win field by field. */
typedef struct tact_pack_profile_set {
  const char *rule;       /* rule id */
  const char *severity;   /* NULL = unchanged */
  int enabled;            /* -1 unchanged, 0 off, 1 on */
  double min_confidence;  /* has_min_confidence says if set */
  int has_min_confidence;
  double min, max;        /* replace the bounds of the rule's <limit>s ... */
  int has_min, has_max;
  const char *scope;      /* ... of this scope only (sentence | message), or of all */
  unsigned line;
} tact_pack_profile_set;

typedef struct tact_pack_profile {
  const char *id;
  tact_layer_mode mode;
  const char *description; /* NULL when absent */
  tact_pack_profile_set *sets;
  size_t n_sets;
  unsigned line;
} tact_pack_profile;

/* How long an action takes under a company's service policy
 * (<policy action="refund" min="3" max="10" unit="business-day"/>). */
typedef enum tact_policy_unit {
  TACT_UNIT_MINUTE = 0,
  TACT_UNIT_HOUR = 1,
  TACT_UNIT_DAY = 2,          /* calendar days */
  TACT_UNIT_BUSINESS_DAY = 3, /* weekends and calendar holidays skipped */
  TACT_UNIT_WEEK = 4
} tact_policy_unit;

/* The largest min / max a policy may give, in any unit. */
#define TACT_POLICY_MAX_COUNT 9999u

typedef struct tact_pack_policy {
  const char *action;     /* action id: "refund", ... (layered by this) */
  tact_layer_mode mode;   /* override or disable (extend is refused) */
  unsigned min, max;      /* in `unit`, min <= max; 0 when disabled */
  tact_policy_unit unit;
  unsigned line;
} tact_pack_policy;

/* <holiday date="2026-12-25">Christmas Day</holiday> inside <calendar>. */
typedef struct tact_pack_holiday {
  int32_t day;            /* days since 1970-01-01 (the local date) */
  const char *name;       /* "" when the element is empty */
  unsigned line;
} tact_pack_holiday;

/* A linear model (<model>): multinomial logistic regression over hashed
 * features of a text, used by complaint.c ("complaint", "category";
 * reference: docs/complaints.md). Layered by id: a later pack's model
 * replaces an earlier one; mode="disable" removes it. */
#define TACT_MODEL_MAX_CLASSES 256u
#define TACT_MODEL_MIN_BITS 1u
#define TACT_MODEL_MAX_BITS 24u      /* 2^24 hash buckets */
#define TACT_MODEL_MAX_ROWS (1u << 22) /* stored (non-zero) buckets per model */

/* Feature families a model reads (tact_pack_model.features). */
enum {
  TACT_MODEL_UNIGRAM = 1u << 0, /* normalized tokens */
  TACT_MODEL_BIGRAM = 1u << 1,  /* pairs of adjacent tokens in a sentence */
  TACT_MODEL_LEXICON = 1u << 2, /* one feature per lexicon with a hit */
  TACT_MODEL_TONE = 1u << 3     /* a few tone scores */
};

typedef struct tact_pack_model {
  const char *id;
  tact_layer_mode mode;   /* override or disable (extend is refused) */
  const char **classes;   /* n_classes ids, in the order of the weights */
  size_t n_classes;
  unsigned bits;          /* 2^bits hash buckets */
  unsigned features;      /* TACT_MODEL_* */
  double cal_a, cal_b;    /* calibration (1, 0 when not given) */
  double *bias;           /* n_classes */
  uint32_t *rows;         /* n_rows buckets, strictly increasing */
  float *weights;         /* n_rows * n_classes, row by row */
  size_t n_rows;
  unsigned line;
} tact_pack_model;

/* One parsed pack. Everything it points to lives in `arena`. */
typedef struct tact_pack {
  tact_arena arena;
  const char *id;
  const char *version;
  const char *source;     /* file path or memory-buffer name, for messages */
  tact_pack_lexicon *lexicons;
  size_t n_lexicons;
  tact_pack_rule *rules;
  size_t n_rules;
  tact_pack_policy *policies;  /* document order */
  size_t n_policies;
  int has_calendar;            /* a <calendar> element was present */
  tact_layer_mode calendar_mode; /* extend (default): add to lower packs' holidays; override: replace them */
  unsigned calendar_line;
  tact_pack_holiday *holidays; /* document order */
  size_t n_holidays;
  tact_pack_model *models;     /* document order */
  size_t n_models;
  tact_pack_profile *profiles; /* document order */
  size_t n_profiles;
} tact_pack;

typedef struct tact_pack_limits {
  size_t max_bytes;
  unsigned max_depth;
} tact_pack_limits;

/* Parses packs; holds the compiled RELAX NG schema once it is first needed.
 * One loader per engine; not for concurrent use. */
typedef struct tact_pack_loader tact_pack_loader;

tact_pack_loader *tact_pack_loader_new(const tact_allocator *a, const tact_pack_limits *lim,
                                       tact_error *err);
void tact_pack_loader_free(tact_pack_loader *ld);

/* Parses a pack from memory. Refuses DTDs, entities and processing of
 * anything outside the buffer; enforces the limits; validates against the
 * schema when `validate` is set; checks what the schema cannot (duplicate
 * ids within the pack, numbers that do not parse). Errors carry `source`
 * and the line. On success *out is a new pack to free with tact_pack_free. */
tact_status tact_pack_loader_parse(tact_pack_loader *ld, const char *xml, size_t len,
                                   const char *source, int validate, tact_pack **out,
                                   tact_error *err);
/* Reads the file (refusing it if larger than the limit) and parses it. */
tact_status tact_pack_loader_parse_file(tact_pack_loader *ld, const char *path, tact_pack **out,
                                        tact_error *err);

void tact_pack_free(tact_pack *p);

/* Compiled in from lib/packs/ (generated by packs/embed.py). */
extern const char tact_default_pack_xml[];
extern const size_t tact_default_pack_xml_len;
extern const char tact_pack_schema_rng[];
extern const size_t tact_pack_schema_rng_len;
extern const char tact_sentiment_pack_xml[]; /* packs/sentiment.xml */
extern const size_t tact_sentiment_pack_xml_len;
extern const char tact_tone_pack_xml[];      /* packs/tone.xml */
extern const size_t tact_tone_pack_xml_len;
extern const char tact_complaint_pack_xml[]; /* packs/complaint.xml */
extern const size_t tact_complaint_pack_xml_len;

#endif
