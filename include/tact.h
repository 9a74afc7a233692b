/*
 * tact.h — the public interface of libtact.
 *
 * # NAME
 * tact — read customer-service conversations the way a support lead would.
 *
 * # DESCRIPTION
 * libtact tokenizes UTF-8 text (chat messages, e-mails, agent replies),
 * finds every phrase of its rule packs in one scan, and reports what it found
 * with byte spans into the caller's text. Rule packs are XML files; a default
 * pack is compiled into the library, so zero configuration works.
 *
 * This header is the documentation. It reads top to bottom: quick start,
 * status and errors, memory and configuration, engine, input, results
 * (tokens, sentences, statistics, phrase matches, JSON), version.
 *
 * # QUICK START
 *
 *     tact_error err;
 *     tact_engine *eng = tact_engine_new(NULL, &err);       // default pack
 *     if (!eng || tact_engine_build(eng, &err) != TACT_OK) { ...err.message... }
 *     tact_input in;
 *     tact_input_init(&in);
 *     in.text = msg; in.length = msg_len; in.role = TACT_ROLE_AGENT;
 *     tact_result *res = tact_analyze(eng, &in, &err);
 *     for (size_t i = 0; i < tact_result_match_count(res); i++) { ... }
 *     tact_result_free(res);
 *     tact_engine_free(eng);
 *
 * # CONVENTIONS (apply to every function below)
 * - Text is UTF-8 with an explicit length; it need not be NUL-terminated and
 *   may not contain NUL bytes (see TACT_E_INPUT). Identifiers (file paths,
 *   time-zone names, pack names) are NUL-terminated.
 * - Spans are byte offsets into the caller's original text: the half-open
 *   range [start, end).
 * - Every function that can fail takes a `tact_error *err` last. It may be
 *   NULL when the caller only wants the status. On success it is left
 *   untouched; on failure it is filled in completely.
 * - The library never prints, never exits, never aborts on bad input, keeps
 *   no global state and does not depend on the C locale.
 * - Thread safety: a built engine is immutable and may be shared by any
 *   number of threads. A result belongs to one thread at a time. Building an
 *   engine (new, add packs, build) must happen on one thread.
 * - Pointers returned by accessors are owned by the object they came from
 *   and stay valid until that object is freed or, for results, reused.
 */
#ifndef TACT_H
#define TACT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(TACT_BUILDING_LIBRARY)
#define TACT_API __declspec(dllexport)
#elif defined(__GNUC__)
#define TACT_API __attribute__((visibility("default")))
#else
#define TACT_API
#endif

/* # VERSION
 * Compile-time version of this header; tact_version() gives the run-time
 * version of the linked library as MAJOR * 10000 + MINOR * 100 + PATCH. */
#define TACT_VERSION_MAJOR 0
#define TACT_VERSION_MINOR 1
#define TACT_VERSION_PATCH 0
#define TACT_VERSION_NUMBER \
  (TACT_VERSION_MAJOR * 10000 + TACT_VERSION_MINOR * 100 + TACT_VERSION_PATCH)
#define TACT_VERSION_STRING "0.1.0"

/* Run-time version number, e.g. 100 for 0.1.0. Thread-safe, never fails. */
TACT_API int tact_version(void);
/* Run-time version string, e.g. "0.1.0"; static storage. Thread-safe. */
TACT_API const char *tact_version_string(void);

/* # STATUS AND ERRORS */

/* Every failure has one of these codes. Values are fixed forever. */
typedef enum tact_status {
  TACT_OK = 0,
  TACT_E_ARG = 1,    /* a bad argument: NULL where not allowed, bad enum, bad size field */
  TACT_E_NOMEM = 2,  /* the allocator returned NULL */
  TACT_E_UTF8 = 3,   /* text is not valid UTF-8; error offset = first bad byte */
  TACT_E_INPUT = 4,  /* text is valid UTF-8 but unusable (a NUL byte); offset set */
  TACT_E_LIMIT = 5,  /* input or pack larger/deeper than the configured limit */
  TACT_E_PACK = 6,   /* a rule pack is malformed or breaks the schema; line set */
  TACT_E_IO = 7,     /* a pack file could not be opened or read */
  TACT_E_STATE = 8,  /* call not allowed now (e.g. adding a pack after build) */
  TACT_E_INTERNAL = 9 /* a bug in libtact; please report it */
} tact_status;

/* A short, static English description of a status ("invalid UTF-8", ...).
 * Unknown values give "unknown status". Thread-safe, never fails. */
TACT_API const char *tact_status_str(tact_status status);

/* Marks `offset`/`line` fields that do not apply. */
#define TACT_NO_OFFSET ((size_t)-1)

/* What went wrong and where. The caller owns the struct (stack is fine).
 * Its layout is frozen: new information goes into new functions, not here.
 * - offset: byte offset into the input text, or TACT_NO_OFFSET.
 * - line, column: 1-based position in a rule pack, or 0.
 * - source: the pack's name (file path or the name given with the memory
 *   buffer), truncated to fit, or "" when the error is not about a pack.
 * - message: a complete sentence naming what and where, NUL-terminated,
 *   truncated to fit (never left unterminated). */
typedef struct tact_error {
  tact_status code;
  size_t offset;
  unsigned line;
  unsigned column;
  char source[128];
  char message[384];
} tact_error;

/* # MEMORY AND CONFIGURATION */

/* Allocator hooks. All three functions must be set, or all NULL for the C
 * library's malloc/realloc/free. They may be called from any thread that
 * uses an engine or result created with them, so they must be thread-safe
 * if those objects are shared. `user` is passed back unchanged. */
typedef struct tact_allocator {
  void *(*malloc_fn)(void *user, size_t size);
  void *(*realloc_fn)(void *user, void *ptr, size_t size);
  void (*free_fn)(void *user, void *ptr);
  void *user;
} tact_allocator;

/* Engine-wide flags (tact_config.flags). */
enum {
  /* Invalid UTF-8 and NUL bytes are not errors: each invalid sequence (the
   * longest ill-formed prefix, as in the WHATWG decoder) and each NUL byte
   * becomes a symbol token whose normalized form is U+FFFD; spans stay exact. */
  TACT_CONFIG_REPAIR_UTF8 = 1u << 0,
  /* Do not load the compiled-in default pack (start from nothing). */
  TACT_CONFIG_NO_DEFAULT_PACK = 1u << 1,
  /* tact_engine_build() also runs every rule's <example>s and fails with
   * TACT_E_PACK on the first that disagrees (see tact_engine_run_example). */
  TACT_CONFIG_STRICT_PACKS = 1u << 2
};

/* Default limits, used where a tact_config field is 0. */
#define TACT_DEFAULT_MAX_INPUT_BYTES ((size_t)64 << 20) /* 64 MiB per text */
#define TACT_DEFAULT_MAX_PACK_BYTES ((size_t)16 << 20)  /* 16 MiB per pack */
#define TACT_DEFAULT_MAX_PACK_DEPTH 32u                  /* XML nesting */

/* Engine configuration. Always start with tact_config_init(): `size` lets a
 * newer library accept a struct from a caller compiled against an older
 * header (fields past `size` take their defaults). */
typedef struct tact_config {
  size_t size;             /* sizeof(tact_config), set by tact_config_init */
  tact_allocator allocator; /* all-NULL = malloc/realloc/free */
  size_t max_input_bytes;  /* longest accepted text; 0 = default */
  size_t max_pack_bytes;   /* largest accepted pack; 0 = default */
  unsigned max_pack_depth; /* deepest accepted XML nesting; 0 = default */
  unsigned flags;          /* TACT_CONFIG_* */
} tact_config;

/* Fills `cfg` with the defaults. Never fails; NULL is ignored. */
TACT_API void tact_config_init(tact_config *cfg);

/* # ENGINE
 * An engine holds the compiled rule packs. Life cycle: tact_engine_new(),
 * any number of tact_engine_add_pack_*() (layered in call order on top of the
 * default pack), then tact_engine_build(). After build it is immutable and
 * thread-safe; before build it must not be used for analysis. */
typedef struct tact_engine tact_engine;

/* Creates an engine with the default pack (unless the config says
 * otherwise). `cfg` may be NULL for defaults; the engine copies it.
 * Returns NULL with `err` set on failure (TACT_E_ARG for a bad config size or
 * half-set allocator, TACT_E_NOMEM). Free with tact_engine_free(). */
TACT_API tact_engine *tact_engine_new(const tact_config *cfg, tact_error *err);

/* Layers a pack read from the file at `path` (NUL-terminated). The file is
 * parsed without network access, DTDs or entity expansion, validated against
 * the pack schema and checked for semantic errors; on failure the engine is
 * unchanged and `err` names the file and line. TACT_E_STATE after build. */
TACT_API tact_status tact_engine_add_pack_file(tact_engine *eng, const char *path,
                                               tact_error *err);

/* Same as tact_engine_add_pack_file() for a pack in memory. `name` (may be
 * NULL) is used in error messages. The buffer is not kept after the call. */
TACT_API tact_status tact_engine_add_pack_memory(tact_engine *eng, const char *xml,
                                                 size_t length, const char *name,
                                                 tact_error *err);

/* Resolves the layered packs (extend, override, disable by id) and compiles
 * every lexicon into one phrase matcher. Call once; TACT_E_STATE if called
 * again. On failure the engine can only be freed. */
TACT_API tact_status tact_engine_build(tact_engine *eng, tact_error *err);

/* Number of packs layered into the engine, default pack included. */
TACT_API size_t tact_engine_pack_count(const tact_engine *eng);
/* The id attribute of pack i (0 = bottom layer), or NULL if out of range. */
TACT_API const char *tact_engine_pack_id(const tact_engine *eng, size_t i);

/* ## Rule examples
 * Every <example> of every layered rule is a test. A "fires" example must
 * give a finding of its rule (a violation for a don't; for a do, "missing"
 * when the rule has <when> facts, else "good"); a "quiet" one must not; an
 * example's fix="..." must equal the text with the rule's fixes applied.
 * Examples are reviewed with only their rule enabled, their customer="..."
 * as the customer's message, and the reference time 2026-03-02T10:00:00Z. */
TACT_API size_t tact_engine_example_count(const tact_engine *eng);
/* Runs example i of a built engine: TACT_OK when it agrees; TACT_E_PACK when
 * not, with err naming the rule, the example's pack and line, and what the
 * review found; TACT_E_ARG when i is out of range. Thread-safe. */
TACT_API tact_status tact_engine_run_example(const tact_engine *eng, size_t i, tact_error *err);

/* Frees the engine. Every result analyzed with it must be freed first, or
 * at least never touched again. NULL is ignored. */
TACT_API void tact_engine_free(tact_engine *eng);

/* # INPUT */

typedef enum tact_role {
  TACT_ROLE_UNKNOWN = 0,
  TACT_ROLE_AGENT = 1,
  TACT_ROLE_CUSTOMER = 2
} tact_role;

typedef enum tact_format {
  TACT_FORMAT_PLAIN = 0,
  /* An HTML e-mail body: its visible text is extracted (libxml2's HTML
   * parser, no network), quoted earlier messages and the signature are left
   * out, and everything is analyzed on the extracted text, which
   * tact_result_text() returns and all spans index into. */
  TACT_FORMAT_HTML = 1
} tact_format;

/* One text to analyze. Start with tact_input_init(). Only text/length are
 * required; the strings are borrowed for the duration of the call. */
typedef struct tact_input {
  size_t size;          /* sizeof(tact_input), set by tact_input_init */
  const char *text;     /* UTF-8, `length` bytes; may be NULL if length is 0 */
  size_t length;
  tact_role role;
  tact_format format;
  /* Reference time for time expressions ("tomorrow", "within 3 days"):
   * Unix seconds, UTC. 0 means the current time when tact_analyze() runs. */
  int64_t now;
  /* Time zone of the conversation, NUL-terminated: an IANA name
   * ("Europe/Berlin", read from the system's zoneinfo) or a UTC offset
   * ("+02:00", "-0530", "UTC"). NULL means UTC. An unknown name is TACT_E_ARG. */
  const char *time_zone;
  /* Locale of the text, NUL-terminated ("en-US", "en-GB"); it decides whether
   * "3/4" is March 4 (en-US, the default) or 3 April (en-GB and most others). */
  const char *locale;
} tact_input;

/* Fills `in` with defaults (empty text, unknown role, plain, now, UTC,
 * en-US). NULL ignored. */
TACT_API void tact_input_init(tact_input *in);

/* # RESULTS
 * A result holds everything found in one text. It copies the text, so the
 * caller's buffer may be reused after the call. A result keeps a reference
 * to its engine: free results before the engine. */
typedef struct tact_result tact_result;

/* A half-open byte range [start, end) into the analyzed text. */
typedef struct tact_span {
  size_t start;
  size_t end;
} tact_span;

/* Analyzes one text into a new result. Returns NULL with `err` set on
 * failure: TACT_E_UTF8 / TACT_E_INPUT with the byte offset, TACT_E_LIMIT
 * when the text exceeds max_input_bytes, TACT_E_STATE if the engine is not
 * built, TACT_E_ARG for NULL engine/input or a bad `size`. Thread-safe on a
 * shared built engine. Free the result with tact_result_free(). */
TACT_API tact_result *tact_analyze(const tact_engine *eng, const tact_input *in,
                                   tact_error *err);

/* Creates an empty result to reuse with tact_analyze_into(). NULL with
 * TACT_E_NOMEM on failure. */
TACT_API tact_result *tact_result_new(const tact_engine *eng, tact_error *err);

/* Analyzes into an existing result, replacing its contents. Once the result
 * has grown to the size a workload needs, this allocates nothing. On failure
 * the result is left empty (zero tokens) and still usable. The result must
 * have been created for the same engine (TACT_E_ARG otherwise). */
TACT_API tact_status tact_analyze_into(const tact_engine *eng, const tact_input *in,
                                       tact_result *res, tact_error *err);

/* Frees a result and everything its accessors returned. NULL ignored. */
TACT_API void tact_result_free(tact_result *res);

/* The analyzed text (a copy owned by the result) and its length. Spans index
 * into it; for plain input it is byte for byte the caller's text, so spans
 * index the caller's text too. For HTML it is the extracted text. */
TACT_API const char *tact_result_text(const tact_result *res, size_t *length);

/* ## Tokens
 * Words, numbers, punctuation, emoji and the like, in text order. Contractions
 * are split into their parts, each with its own span and the expanded
 * normalized form ("can't" -> "can" + "not", "we'll" -> "we" + "will"), so a
 * pack phrase written either way matches both. Index arguments out of range
 * give a zero span, TACT_TOKEN_NONE or NULL; they never crash. */
typedef enum tact_token_kind {
  TACT_TOKEN_NONE = 0,
  TACT_TOKEN_WORD = 1,
  TACT_TOKEN_NUMBER = 2,   /* 42, 3.5, 3-5, 24/7, 10%, $20, 5pm, 1st */
  TACT_TOKEN_PUNCT = 3,
  TACT_TOKEN_EMOJI = 4,    /* one token per emoji sequence (ZWJ, flags, skin tones) */
  TACT_TOKEN_URL = 5,
  TACT_TOKEN_EMAIL = 6,
  TACT_TOKEN_MENTION = 7,  /* @name */
  TACT_TOKEN_HASHTAG = 8,  /* #tag */
  TACT_TOKEN_SYMBOL = 9,   /* other symbols: currency alone, math, U+FFFD */
  TACT_TOKEN_EMOTICON = 10 /* :) :-( ;D <3 */
} tact_token_kind;

/* Token flags (tact_token_flags). */
enum {
  TACT_TOKEN_ALL_CAPS = 1u << 0,   /* a word of 2+ letters, all upper case */
  TACT_TOKEN_CAPITALIZED = 1u << 1,/* first letter upper case */
  TACT_TOKEN_CLITIC = 1u << 2,     /* a contraction part: "'ll", "n't" */
  TACT_TOKEN_SPACE_BEFORE = 1u << 3 /* white space precedes the token */
};

TACT_API size_t tact_result_token_count(const tact_result *res);
TACT_API tact_span tact_token_span(const tact_result *res, size_t i);
TACT_API tact_token_kind tact_token_kind_of(const tact_result *res, size_t i);
TACT_API unsigned tact_token_flags(const tact_result *res, size_t i);
/* Normalized form: NFKC, case-folded, apostrophes and quotes unified to
 * ASCII, contractions expanded. Not NUL-terminated; length in *length. */
TACT_API const char *tact_token_norm(const tact_result *res, size_t i, size_t *length);
/* Index of the sentence holding token i. */
TACT_API size_t tact_token_sentence(const tact_result *res, size_t i);
/* Lower-case name of a token kind ("word", "emoji", ...); static storage. */
TACT_API const char *tact_token_kind_name(tact_token_kind kind);

/* ## Sentences
 * Boundaries survive abbreviations ("Mr.", "e.g."), decimals, ellipses inside
 * a sentence and trailing emoji. A sentence's span runs from its first token
 * to the end of its last. */
TACT_API size_t tact_result_sentence_count(const tact_result *res);
TACT_API tact_span tact_sentence_span(const tact_result *res, size_t i);

/* ## Statistics of the whole text */
typedef enum tact_stat {
  TACT_STAT_BYTES = 0,
  TACT_STAT_CODEPOINTS = 1,
  TACT_STAT_TOKENS = 2,
  TACT_STAT_WORDS = 3,           /* word tokens; a contraction counts once */
  TACT_STAT_SENTENCES = 4,
  TACT_STAT_LETTERS = 5,
  TACT_STAT_UPPER_LETTERS = 6,
  TACT_STAT_CAPS_RATIO = 7,      /* upper-case letters / letters, 0..1 */
  TACT_STAT_ALL_CAPS_WORDS = 8,
  TACT_STAT_EXCLAMATIONS = 9,    /* '!' characters */
  TACT_STAT_QUESTIONS = 10,      /* '?' characters */
  TACT_STAT_EMOJI = 11,
  TACT_STAT_SYLLABLES = 12,      /* estimated, for readability formulas */
  TACT_STAT_REPAIRED_BYTES = 13  /* bytes replaced by U+FFFD (repair mode) */
} tact_stat;

/* The value of one statistic, or -1 for an unknown `stat`. Counts are whole
 * numbers stored in a double. */
TACT_API double tact_result_stat(const tact_result *res, tact_stat stat);
/* Lower-case name of a statistic ("words", ...), or NULL if unknown. */
TACT_API const char *tact_stat_name(tact_stat stat);

/* ## Phrase matches
 * Every occurrence of every lexicon entry of every layered pack, found in a
 * single scan over the tokens. Overlapping matches are all reported, ordered
 * by start token, then by length (longest first). */
TACT_API size_t tact_result_match_count(const tact_result *res);
TACT_API tact_span tact_match_span(const tact_result *res, size_t i);
/* Id of the lexicon the matched entry belongs to (owned by the engine). */
TACT_API const char *tact_match_lexicon(const tact_result *res, size_t i);
/* The entry's pattern as written in its pack (owned by the engine). */
TACT_API const char *tact_match_entry(const tact_result *res, size_t i);
/* The entry's weight (its own, else its lexicon's, else 1). */
TACT_API double tact_match_weight(const tact_result *res, size_t i);
/* First token of the match and the number of tokens it covers. */
TACT_API size_t tact_match_token(const tact_result *res, size_t i, size_t *token_count);

/* ## Tone
 * Scores for any text (agent or customer), each with a documented range
 * (docs/tone.md) and the evidence that moved it. */
typedef enum tact_tone_dim {
  TACT_TONE_SENTIMENT = 0,         /* compound valence, -1..1 (VADER-style) */
  TACT_TONE_POSITIVE = 1,          /* share of positive valence, 0..1 */
  TACT_TONE_NEGATIVE = 2,          /* share of negative valence, 0..1 */
  TACT_TONE_NEUTRAL = 3,           /* share of neutral words, 0..1 */
  TACT_TONE_POLITENESS = 4,        /* 0..1 */
  TACT_TONE_IMPOLITENESS = 5,      /* 0..1 */
  TACT_TONE_EMPATHY = 6,           /* 0..1 */
  TACT_TONE_POSITIVITY = 7,        /* positive phrasing, 0..1 */
  TACT_TONE_NEGATIVE_LANGUAGE = 8, /* no, can't, unfortunately, ..., 0..1 */
  TACT_TONE_RUDENESS = 9,          /* rudeness and arrogance, 0..1 */
  TACT_TONE_BLAME = 10,            /* blaming the customer, 0..1 */
  TACT_TONE_DEFENSIVENESS = 11,    /* excuses, "policy says", 0..1 */
  TACT_TONE_ARGUING = 12,          /* "you're wrong", 0..1 */
  TACT_TONE_JARGON = 13,           /* jargon and unexplained acronyms per word, 0..1 */
  TACT_TONE_CANNED = 14,           /* robotic, scripted phrasing, 0..1 */
  TACT_TONE_SALES_PRESSURE = 15,   /* 0..1 */
  TACT_TONE_HEDGING = 16,          /* uncertainty, 0..1 */
  TACT_TONE_READABILITY = 17,      /* Flesch reading ease, roughly 0..100 (may exceed) */
  TACT_TONE_WORDS_PER_SENTENCE = 18,
  TACT_TONE_LONG_SENTENCES = 19,   /* sentences over 25 words */
  TACT_TONE_ANGER = 20             /* caps, exclamation runs, profanity, negativity; 0..1 */
} tact_tone_dim;

/* The score of one dimension, or 0 for an unknown `dim`. */
TACT_API double tact_result_tone(const tact_result *res, tact_tone_dim dim);
/* Lower-case name ("sentiment", "negative_language", ...), NULL if unknown. */
TACT_API const char *tact_tone_dim_name(tact_tone_dim dim);
/* Evidence: each pack entry (or rule) that moved a dimension, with its span
 * and signed contribution, in text order. */
TACT_API size_t tact_result_tone_evidence_count(const tact_result *res);
TACT_API tact_tone_dim tact_tone_evidence_dim(const tact_result *res, size_t i);
TACT_API tact_span tact_tone_evidence_span(const tact_result *res, size_t i);
/* What moved it: a lexicon entry ("lexicon:entry") or a rule name such as
 * "caps-emphasis"; owned by the engine or static. */
TACT_API const char *tact_tone_evidence_source(const tact_result *res, size_t i);
TACT_API double tact_tone_evidence_weight(const tact_result *res, size_t i);

/* ## Time expressions
 * Every time expression in the text ("within 24 hours", "3-5 business days",
 * "by Friday", "tomorrow at 5pm", "ASAP"), normalized against the input's
 * reference time and time zone to an interval [start, end] in Unix seconds.
 * Durations run from the reference time; deadlines end at the named moment
 * (start = reference time); vague ones ("soon", "ASAP") get the documented
 * default interval of docs/time-expressions.md and are marked TACT_TIME_VAGUE. */
typedef enum tact_time_kind {
  TACT_TIME_NONE = 0,
  TACT_TIME_DURATION = 1,
  TACT_TIME_DEADLINE = 2,
  TACT_TIME_VAGUE = 3
} tact_time_kind;

TACT_API size_t tact_result_time_count(const tact_result *res);
TACT_API tact_span tact_time_span(const tact_result *res, size_t i);
TACT_API tact_time_kind tact_time_kind_of(const tact_result *res, size_t i);
/* Start and end of the interval, Unix seconds UTC (end >= start). */
TACT_API int64_t tact_time_start(const tact_result *res, size_t i);
TACT_API int64_t tact_time_end(const tact_result *res, size_t i);
/* The interval relative to the reference time, in seconds (min <= max). */
TACT_API int64_t tact_time_min_seconds(const tact_result *res, size_t i);
TACT_API int64_t tact_time_max_seconds(const tact_result *res, size_t i);
/* For business-day durations ("3-5 business days") the upper count of
 * business days (5), else 0. Weekends and the pack calendar's holidays are
 * skipped when computing start/end. */
TACT_API int tact_time_business_days(const tact_result *res, size_t i);

/* ## Promises
 * Commitments the speaker makes ("I'll call you back tomorrow", "your refund
 * will be processed within 5 business days"), with the action normalized to
 * the pack's action ids (refund, replace, ship, deliver, callback, email, fix,
 * escalate, follow-up, credit, cancel, other), the actor, the certainty, an
 * optional condition, the attached time expression, and policy flags. */
typedef enum tact_actor {
  TACT_ACTOR_NONE = 0,
  TACT_ACTOR_WE = 1,   /* we will, we'll, the team will */
  TACT_ACTOR_I = 2,    /* I will, I'll, let me */
  TACT_ACTOR_YOU = 3,  /* you will receive / get; passive "will be refunded" */
} tact_actor;

typedef enum tact_certainty {
  TACT_CERTAINTY_NONE = 0,
  TACT_CERTAINTY_GUARANTEED = 1, /* guaranteed, 100%, definitely, promise */
  TACT_CERTAINTY_FIRM = 2,       /* will, 'll, going to */
  TACT_CERTAINTY_HEDGED = 3      /* should, try to, hopefully, may */
} tact_certainty;

/* Promise flags (tact_promise_flags). */
enum {
  TACT_PROMISE_NO_TIMEFRAME = 1u << 0,      /* no time expression attached */
  TACT_PROMISE_VAGUE_TIMEFRAME = 1u << 1,   /* only "soon", "ASAP", ... */
  TACT_PROMISE_FASTER_THAN_POLICY = 1u << 2,/* ends before the policy minimum: can't be kept */
  TACT_PROMISE_SLOWER_THAN_POLICY = 1u << 3,/* cannot start before the policy maximum */
  TACT_PROMISE_GUARANTEE = 1u << 4,         /* absolute words: guaranteed, 100%, never again */
  TACT_PROMISE_CONDITIONAL = 1u << 5        /* "if you send the receipt, we'll ..." */
};

TACT_API size_t tact_result_promise_count(const tact_result *res);
TACT_API tact_span tact_promise_span(const tact_result *res, size_t i);
/* Action id from the pack ("refund", ..., "other"); owned by the engine. */
TACT_API const char *tact_promise_action(const tact_result *res, size_t i);
TACT_API tact_actor tact_promise_actor(const tact_result *res, size_t i);
TACT_API tact_certainty tact_promise_certainty(const tact_result *res, size_t i);
TACT_API unsigned tact_promise_flags(const tact_result *res, size_t i);
/* What is promised ("a replacement phone"); a zero span when none. */
TACT_API tact_span tact_promise_object(const tact_result *res, size_t i);
/* The condition clause ("if you send the receipt"); a zero span when none. */
TACT_API tact_span tact_promise_condition(const tact_result *res, size_t i);
/* Index of the attached time expression, or (size_t)-1 when none. */
TACT_API size_t tact_promise_time(const tact_result *res, size_t i);
/* Lower-case names for JSON and messages; static storage. */
TACT_API const char *tact_time_kind_name(tact_time_kind kind);
TACT_API const char *tact_actor_name(tact_actor actor);
TACT_API const char *tact_certainty_name(tact_certainty certainty);

/* ## Complaint (customer messages)
 * For input with role TACT_ROLE_CUSTOMER (other roles leave it empty): is it
 * a complaint, about what, what the customer wants, and the escalation,
 * churn and public/legal threats it makes, each with its evidence; plus a
 * severity 0..3 (docs/complaints.md gives the formula). */
typedef enum tact_threat {
  TACT_THREAT_ESCALATION = 0, /* asks for a manager or supervisor */
  TACT_THREAT_CHURN = 1,      /* cancelling, switching, never buying again */
  TACT_THREAT_PUBLIC = 2      /* reviews, social media, BBB, lawyer, chargeback */
} tact_threat;

/* 1 if the message is a complaint (probability >= 0.5), else 0. */
TACT_API int tact_result_is_complaint(const tact_result *res);
/* Calibrated probability that the message is a complaint, 0..1. */
TACT_API double tact_result_complaint_probability(const tact_result *res);
/* Categories from the pack (product-quality, refund-return, billing,
 * delivery, staff, wait-time, account-technical, pricing, other) with
 * scores summing to 1, highest first. Names owned by the engine. */
TACT_API size_t tact_result_category_count(const tact_result *res);
TACT_API const char *tact_result_category(const tact_result *res, size_t i, double *score);
/* What the customer asks for: "refund", "replacement", "repair", "cancel",
 * "compensation", "information", "apology" or "none"; owned by the engine. */
TACT_API const char *tact_result_requested_outcome(const tact_result *res);
/* 1 if the threat is present, with the span of its evidence in *span. */
TACT_API int tact_result_threat(const tact_result *res, tact_threat threat, tact_span *span);
/* 0 none, 1 low, 2 high, 3 critical (complaint with a threat, an escalation
 * request or high anger). */
TACT_API int tact_result_severity(const tact_result *res);

/* ## Reply review
 * An agent's reply checked against the do's and don'ts of good service, in
 * its conversation: the customer's message it answers (optional) and what
 * is known about the customer. The rules (ids, messages, suggestions, what
 * triggers them) all come from the packs; docs/rules.md lists the default
 * pack's. A review result is an ordinary result for the reply (tokens,
 * tone, promises, ... all work on it) plus findings, a score and the
 * analysis of the customer's message. */
typedef enum tact_finding_kind {
  TACT_FINDING_VIOLATION = 0, /* a don't is present in the reply */
  TACT_FINDING_MISSING = 1,   /* a do was owed and is absent */
  TACT_FINDING_GOOD = 2       /* a do is present */
} tact_finding_kind;

typedef enum tact_severity {
  TACT_SEVERITY_INFO = 0,
  TACT_SEVERITY_WARNING = 1,
  TACT_SEVERITY_ERROR = 2
} tact_severity;

/* What the review knows beyond the two texts. Initialize with
 * tact_review_context_init(); fields added later go after the last one and
 * default to zero. The strings are read during the call only. */
typedef struct tact_review_context {
  size_t size;                 /* sizeof(tact_review_context) */
  const char *customer_name;   /* NULL: looked for in the customer's message */
  const char *profile;         /* a pack profile ("chat", "email", ...), NULL = none */
  const char *const *disable;  /* rule ids not to run (unknown ids: TACT_E_ARG) */
  size_t n_disable;
  const char *const *only;     /* n_only > 0: run only these rule ids */
  size_t n_only;
} tact_review_context;

TACT_API void tact_review_context_init(tact_review_context *ctx);

/* Reviews `reply` (analyzed as TACT_ROLE_AGENT whatever its role field)
 * answering `customer` (NULL when unknown; analyzed as TACT_ROLE_CUSTOMER).
 * `ctx` may be NULL. Same errors as tact_analyze() for either input, plus
 * TACT_E_ARG for an unknown profile or rule id. The engine is only read:
 * many threads may review with one engine, each into its own result. */
TACT_API tact_result *tact_review(const tact_engine *eng, const tact_input *customer,
                                  const tact_input *reply, const tact_review_context *ctx,
                                  tact_error *err);
/* The same into a result from tact_result_new(), reusing its memory. When
 * the customer input is identical to the last one reviewed into `res` (same
 * bytes, format, nonzero `now`, zone and locale), its analysis is kept
 * rather than redone: review each new draft of a reply into one result. */
TACT_API tact_status tact_review_into(const tact_engine *eng, const tact_input *customer,
                                      const tact_input *reply, const tact_review_context *ctx,
                                      tact_result *res, tact_error *err);

/* The reply's score 0..100 (formula in docs/rules.md); -1 when the result
 * is not a review. */
TACT_API int tact_result_score(const tact_result *res);
/* The analysis of the customer's message (complaint, tone, ...), owned by
 * `res`; NULL when the review had none or `res` is not a review. */
TACT_API const tact_result *tact_result_customer(const tact_result *res);

/* Findings in reply order (those without a span last). Strings are owned
 * by the engine or the result and live as long as the result's contents. */
TACT_API size_t tact_result_finding_count(const tact_result *res);
/* The rule id ("say-no", "apologize", ...). */
TACT_API const char *tact_finding_rule(const tact_result *res, size_t i);
TACT_API tact_finding_kind tact_finding_kind_of(const tact_result *res, size_t i);
TACT_API tact_severity tact_finding_severity(const tact_result *res, size_t i);
/* 1 and the span in the reply's text (tact_result_text()), or 0 when the
 * finding has none (a missing do, a whole-message limit). */
TACT_API int tact_finding_span(const tact_result *res, size_t i, tact_span *span);
/* What triggered it, in words: the matched phrase and its lexicon entry or
 * signal, the statistic and its limit, the facts that made a do owed
 * ("owed because: customer.complaint, customer:when-question"), or the
 * customer's unanswered question. */
TACT_API const char *tact_finding_evidence(const tact_result *res, size_t i);
TACT_API const char *tact_finding_message(const tact_result *res, size_t i);
/* Advice for the agent; "" when the rule gives none. */
TACT_API const char *tact_finding_suggestion(const tact_result *res, size_t i);
/* 0..1: how sure the rule is (the pack weight of the phrase, the complaint
 * probability behind an owed do, ...). */
TACT_API double tact_finding_confidence(const tact_result *res, size_t i);
/* A machine-readable fix: the text to put in place of *span ("" deletes
 * it), or NULL when the finding has none. The fix's span may reach past the
 * finding's: deleting "Unfortunately" at a sentence start also takes the
 * comma after it and capitalizes the next word ("Unfortunately, t" -> "T"). */
TACT_API const char *tact_finding_fix(const tact_result *res, size_t i, tact_span *span);
/* The reviewed text with every finding's fix applied, left to right; a fix
 * that overlaps one already applied is skipped. For the agent to edit,
 * never to send unread. Owned by the result, NUL-terminated, valid until
 * the result is freed or reused; the text unchanged when there are no
 * fixes. NULL with TACT_E_ARG for a NULL result, TACT_E_NOMEM. */
TACT_API const char *tact_result_fixed_text(tact_result *res, size_t *length, tact_error *err);
TACT_API const char *tact_finding_kind_name(tact_finding_kind kind);
TACT_API const char *tact_severity_name(tact_severity severity);

/* ## JSON
 * The result as one JSON object (schema in docs/api.md): "text_length",
 * "stats", "tokens", "sentences", "matches", "tone", "times", "promises",
 * "complaint", and for reviews "review" and "customer". `sections` picks members with
 * TACT_JSON_* bits; 0 means all of them. The string is owned by the result,
 * NUL-terminated and valid until the result is freed or reused. NULL with
 * TACT_E_NOMEM on allocation failure, TACT_E_ARG for a NULL result or unknown
 * bits. Numbers are written the same whatever the C locale. */
enum {
  TACT_JSON_STATS = 1u << 0,
  TACT_JSON_TOKENS = 1u << 1,
  TACT_JSON_SENTENCES = 1u << 2,
  TACT_JSON_MATCHES = 1u << 3,
  TACT_JSON_TIMES = 1u << 4,
  TACT_JSON_PROMISES = 1u << 5,
  TACT_JSON_TONE = 1u << 6,
  TACT_JSON_COMPLAINT = 1u << 7,
  TACT_JSON_REVIEW = 1u << 8    /* score, findings and the customer's analysis */
};
TACT_API const char *tact_result_json(tact_result *res, unsigned sections, size_t *length,
                                      tact_error *err);

#ifdef __cplusplus
}
#endif
#endif /* TACT_H */
