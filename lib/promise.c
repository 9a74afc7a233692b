/* promise.c — commitments in a text ("I'll call you back tomorrow", "your
 * refund will be processed within 5 business days"): who commits (actor),
 * to what (action, object), how surely (certainty), on which condition and
 * by when (the attached time expression), checked against the packs'
 * service policy and business calendar.
 *
 * Everything it knows comes from the packs (docs/promises.md): lexicons
 * named `promise.*` are cues (markers, negation, clause breaks, conditions,
 * hedges, guarantees, object words), `action.<id>` lexicons name actions,
 * `timeframe.immediate` holds "immediately" and its kin, and <policy> and
 * <calendar> give service levels. The model maps each matcher entry to its
 * role once, at engine build; the code here is only mechanism.
 *
 * Finding reads the tokens, the matcher's hits (sorted by first token) and
 * the time expressions (timex.c), one sentence at a time:
 *   A. markers: accepted commitment markers become draft promises in the
 *      output list (a marker following another in the same clause is part
 *      of the first one's commitment);
 *   B. regions: the sentence is cut into one region per marker at the clause
 *      boundary between neighbouring markers;
 *   C. each region yields the span, condition, action, certainty and the
 *      time expression inside the clause (or drops the draft: negated, a
 *      question, no action where one is needed);
 *   D. a promise without a time of its own takes the nearest one of the
 *      sentence that no other promise or condition holds;
 *   E. object, policy flags, and compaction of dropped drafts.
 * Regions partition a sentence and each pass walks its hits and times with
 * cursors that only move forward, so the cost is linear in tokens + hits +
 * times (plus a logarithmic look-up per trimmed token). Nothing is allocated
 * except when the output list grows; the list itself is the scratch space. */
#include "promise.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* What a matcher entry means to this stage. */
enum role {
  ROLE_NONE = 0,
  ROLE_MARK_I,       /* promise.i */
  ROLE_MARK_WE,      /* promise.we */
  ROLE_MARK_YOU,     /* promise.you */
  ROLE_MARK_PASSIVE, /* promise.passive */
  ROLE_NONCOMMIT,    /* promise.non-commitment */
  ROLE_NEGATION,     /* promise.negation */
  ROLE_QUESTION,     /* promise.question */
  ROLE_BREAK,        /* promise.break: strong clause boundary */
  ROLE_PAUSE,        /* promise.pause: weak clause boundary */
  ROLE_COND,         /* promise.condition */
  ROLE_NOTCOND,      /* promise.not-condition */
  ROLE_HEDGE,        /* promise.hedge */
  ROLE_CERTAIN,      /* promise.certain */
  ROLE_GUARANTEE,    /* promise.guarantee */
  ROLE_IMMEDIATE,    /* timeframe.immediate */
  ROLE_OBJECT,       /* promise.object */
  ROLE_PRONOUN,      /* promise.object-pronoun */
  ROLE_OBJSTOP,      /* promise.object-stop */
  ROLE_ACTION        /* action.<id> */
};

static const struct {
  const char *lexicon;
  uint8_t role;
} ROLE_LEXICONS[] = {
    {"promise.i", ROLE_MARK_I},
    {"promise.we", ROLE_MARK_WE},
    {"promise.you", ROLE_MARK_YOU},
    {"promise.passive", ROLE_MARK_PASSIVE},
    {"promise.non-commitment", ROLE_NONCOMMIT},
    {"promise.negation", ROLE_NEGATION},
    {"promise.question", ROLE_QUESTION},
    {"promise.break", ROLE_BREAK},
    {"promise.pause", ROLE_PAUSE},
    {"promise.condition", ROLE_COND},
    {"promise.not-condition", ROLE_NOTCOND},
    {"promise.hedge", ROLE_HEDGE},
    {"promise.certain", ROLE_CERTAIN},
    {"promise.guarantee", ROLE_GUARANTEE},
    {"timeframe.immediate", ROLE_IMMEDIATE},
    {"promise.object", ROLE_OBJECT},
    {"promise.object-pronoun", ROLE_PRONOUN},
    {"promise.object-stop", ROLE_OBJSTOP},
};

#define ACTION_PREFIX "action."
#define ACTION_PREFIX_LEN (sizeof ACTION_PREFIX - 1)
#define OTHER_ACTION "other"
#define NO_ACTION UINT32_MAX
#define MAX_OBJECT_TOKENS 8
/* A policy minimum shorter than this is "about zero": promising such an
 * action at once is no guarantee. */
#define NEAR_ZERO_SECONDS 3600

/* Draft state kept in a promise's flags between the passes; cleared before
 * the list is returned. The public TACT_PROMISE_* bits are 0..5. */
enum {
  F_DROP = 1u << 15,         /* not a promise after all */
  F_PASSIVE = 1u << 14,      /* marker from promise.passive */
  F_NEEDS_ACTION = 1u << 13, /* promise.you / promise.passive */
  F_IMMEDIATE = 1u << 12,    /* a zero-length timeframe ("immediately") */
  F_ABSOLUTE = 1u << 11,     /* a promise.guarantee word */
  F_PUBLIC = 0x3Fu
};

/* An action. `id` comes first so that the id pointer a promise carries
 * leads back to its action. */
typedef struct pm_action {
  char id[72];
  int has_policy;
  tact_policy policy;
} pm_action;

struct tact_promise_model {
  uint8_t *entry_role;     /* per matcher entry */
  uint32_t *entry_action;  /* per matcher entry: index into actions, or NO_ACTION */
  size_t n_entries;
  pm_action *actions;
  size_t n_actions;
  uint32_t other;          /* the action of a commitment without an action word */
  int32_t *holidays;
  size_t n_holidays;
};

/* ---------------------------------------------------------------------- */
/* The model                                                              */

static uint8_t lexicon_role(const char *id) {
  for (size_t i = 0; i < sizeof ROLE_LEXICONS / sizeof *ROLE_LEXICONS; i++)
    if (strcmp(id, ROLE_LEXICONS[i].lexicon) == 0) return ROLE_LEXICONS[i].role;
  return strncmp(id, ACTION_PREFIX, ACTION_PREFIX_LEN) == 0 ? ROLE_ACTION : ROLE_NONE;
}

static long find_action(const tact_promise_model *pm, const char *id) {
  for (size_t i = 0; i < pm->n_actions; i++)
    if (strcmp(pm->actions[i].id, id) == 0) return (long)i;
  return -1;
}

/* One action per `action.<id>` lexicon, in pack order, then "other" unless
 * a lexicon already named it. `lex_action[l]` gets each lexicon's action. */
static tact_status build_actions(tact_promise_model *pm, const tact_layers *layers,
                                 uint32_t *lex_action, tact_error *err) {
  for (size_t l = 0; l < layers->n_lexicons; l++) {
    const tact_lexicon *lex = &layers->lexicons[l];
    lex_action[l] = NO_ACTION;
    if (lexicon_role(lex->id) != ROLE_ACTION) continue;
    const char *id = lex->id + ACTION_PREFIX_LEN;
    if (!*id)
      return tact_fail_pack(err, TACT_E_PACK, lex->source, lex->line, 0,
                            "%s:%u: lexicon '%s' names no action (write action.<id>)",
                            lex->source, lex->line, lex->id);
    pm_action *act = &pm->actions[pm->n_actions];
    memset(act, 0, sizeof *act);
    snprintf(act->id, sizeof act->id, "%s", id);
    lex_action[l] = (uint32_t)pm->n_actions++;
  }
  long other = find_action(pm, OTHER_ACTION);
  if (other < 0) {
    pm_action *act = &pm->actions[pm->n_actions];
    memset(act, 0, sizeof *act);
    snprintf(act->id, sizeof act->id, "%s", OTHER_ACTION);
    other = (long)pm->n_actions++;
  }
  pm->other = (uint32_t)other;
  return TACT_OK;
}

/* Attaches each layered policy to its action; a policy for an action no
 * lexicon names is most likely a typo, so it is an error. */
static tact_status attach_policies(tact_promise_model *pm, const tact_layers *layers,
                                   tact_error *err) {
  for (size_t i = 0; i < layers->n_policies; i++) {
    const tact_policy *pol = &layers->policies[i];
    long a = find_action(pm, pol->action);
    if (a < 0)
      return tact_fail_pack(err, TACT_E_PACK, pol->source, pol->line, 0,
                            "%s:%u: policy for action '%s', but no lexicon 'action.%s' defines "
                            "that action (add the lexicon, or disable the policy with "
                            "mode=\"disable\")",
                            pol->source, pol->line, pol->action, pol->action);
    pm->actions[a].has_policy = 1;
    pm->actions[a].policy = *pol;
  }
  return TACT_OK;
}

static tact_status build_tables(tact_promise_model *pm, const tact_layers *layers,
                                const tact_matcher *m, uint32_t *lex_action) {
  uint32_t lexicon = UINT32_MAX;
  uint8_t role = ROLE_NONE;
  for (size_t e = 0; e < pm->n_entries; e++) {
    const tact_compiled_entry *ce = tact_matcher_entry(m, (uint32_t)e);
    if (!ce || ce->lexicon >= layers->n_lexicons) return TACT_E_INTERNAL;
    if (ce->lexicon != lexicon) /* entries come lexicon by lexicon */
      role = lexicon_role(layers->lexicons[lexicon = ce->lexicon].id);
    pm->entry_role[e] = role;
    pm->entry_action[e] = lex_action[ce->lexicon];
  }
  if (pm->n_holidays) memcpy(pm->holidays, layers->holidays, pm->n_holidays * sizeof *pm->holidays);
  return TACT_OK;
}

tact_status tact_promise_model_build(const tact_layers *layers, const tact_matcher *m,
                                     const tact_allocator *a, tact_promise_model **out,
                                     tact_error *err) {
  if (out) *out = NULL;
  if (!layers || !m || !a || !out)
    return tact_fail(err, TACT_E_ARG, "tact_promise_model_build: NULL argument");
  tact_promise_model *pm = tact_malloc(a, sizeof *pm);
  if (!pm) return tact_fail(err, TACT_E_NOMEM, "out of memory building the promise model");
  memset(pm, 0, sizeof *pm);
  pm->n_entries = tact_matcher_entry_count(m);
  pm->n_holidays = layers->n_holidays;
  size_t n_lex = layers->n_lexicons;
  pm->entry_role = tact_malloc(a, pm->n_entries ? pm->n_entries : 1);
  pm->entry_action = tact_malloc(a, (pm->n_entries ? pm->n_entries : 1) * sizeof(uint32_t));
  pm->actions = tact_malloc(a, (n_lex + 1) * sizeof *pm->actions);
  pm->holidays = tact_malloc(a, (pm->n_holidays ? pm->n_holidays : 1) * sizeof(int32_t));
  uint32_t *lex_action = tact_malloc(a, (n_lex ? n_lex : 1) * sizeof *lex_action);
  tact_status st = TACT_OK;
  if (!pm->entry_role || !pm->entry_action || !pm->actions || !pm->holidays || !lex_action)
    st = tact_fail(err, TACT_E_NOMEM, "out of memory building the promise model");
  if (st == TACT_OK) st = build_actions(pm, layers, lex_action, err);
  if (st == TACT_OK) st = attach_policies(pm, layers, err);
  if (st == TACT_OK && build_tables(pm, layers, m, lex_action) != TACT_OK)
    st = tact_fail(err, TACT_E_INTERNAL, "matcher entries do not match the layered lexicons");
  tact_free(a, lex_action);
  if (st != TACT_OK) {
    tact_promise_model_free(pm, a);
    return st;
  }
  *out = pm;
  return TACT_OK;
}

void tact_promise_model_free(tact_promise_model *pm, const tact_allocator *a) {
  if (!pm) return;
  tact_free(a, pm->entry_role);
  tact_free(a, pm->entry_action);
  tact_free(a, pm->actions);
  tact_free(a, pm->holidays);
  tact_free(a, pm);
}

const int32_t *tact_promise_model_holidays(const tact_promise_model *pm, size_t *n) {
  if (n) *n = pm ? pm->n_holidays : 0;
  return pm && pm->n_holidays ? pm->holidays : NULL;
}

void tact_promise_list_free(tact_promise_list *l, const tact_allocator *a) {
  if (!l) return;
  tact_free(a, l->items);
  memset(l, 0, sizeof *l);
}

/* ---------------------------------------------------------------------- */
/* Finding: shared state and small helpers                                */

typedef struct finder {
  const tact_promise_model *pm;
  const tact_matcher *m;
  const tact_text *t;
  const tact_hit *hits;
  size_t n_hits;
  const tact_timex *times;
  size_t n_times;
  const tact_timex_ctx *ctx;
  tact_promise_list *out;
} finder;

/* A sentence: its tokens and the index ranges of its hits and times. */
typedef struct sentence {
  uint32_t s0, s1;
  size_t h0, h1, t0, t1;
} sentence;

static uint8_t role_of(const finder *f, const tact_hit *h) {
  return h->entry < f->pm->n_entries ? f->pm->entry_role[h->entry] : ROLE_NONE;
}

static uint32_t hit_end(const tact_hit *h) { return h->first_token + h->n_tokens; }

static int is_marker(uint8_t r) { return r >= ROLE_MARK_I && r <= ROLE_MARK_PASSIVE; }

static int is_boundary(uint8_t r) { return r == ROLE_BREAK || r == ROLE_PAUSE; }

/* First hit index in [lo, hi) whose first token is >= tok. */
static size_t hit_lower(const finder *f, size_t lo, size_t hi, uint32_t tok) {
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->hits[mid].first_token < tok) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Whether some hit of role `r` starts at `tok` (hits of one sentence). */
static int role_at(const finder *f, const sentence *s, uint32_t tok, uint8_t r) {
  for (size_t i = hit_lower(f, s->h0, s->h1, tok); i < s->h1 && f->hits[i].first_token == tok; i++)
    if (role_of(f, &f->hits[i]) == r) return 1;
  return 0;
}

/* Whether token `tok` may be trimmed from either end of a clause. */
static int trimmable(const finder *f, const sentence *s, uint32_t tok) {
  if (f->t->tokens[tok].kind == TACT_TOKEN_PUNCT) return 1;
  return role_at(f, s, tok, ROLE_BREAK) || role_at(f, s, tok, ROLE_PAUSE);
}

static void trim(const finder *f, const sentence *s, uint32_t *first, uint32_t *end) {
  while (*first < *end && trimmable(f, s, *first)) (*first)++;
  while (*end > *first && trimmable(f, s, *end - 1)) (*end)--;
}

/* A forward-only cursor over the time list: is token `tok` inside a time
 * expression? Calls must come with non-decreasing `tok`. */
typedef struct time_cursor {
  const finder *f;
  size_t i, end;
} time_cursor;

/* A cursor for tokens from `tok` on: at the first time expression that
 * ends after it (times do not overlap, so their ends are sorted too). */
static time_cursor time_cursor_at(const finder *f, const sentence *s, uint32_t tok) {
  size_t lo = s->t0, hi = s->t1;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->times[mid].first_token + f->times[mid].n_tokens <= tok) lo = mid + 1;
    else hi = mid;
  }
  return (time_cursor){f, lo, s->t1};
}

static int time_covers(time_cursor *c, uint32_t tok) {
  while (c->i < c->end && c->f->times[c->i].first_token + c->f->times[c->i].n_tokens <= tok) c->i++;
  return c->i < c->end && c->f->times[c->i].first_token <= tok;
}

/* A condition cue counts unless a not-condition ("as soon as possible")
 * starts at the same token or a time expression covers it. */
static int real_condition(const finder *f, const sentence *s, size_t i, time_cursor *tc) {
  uint32_t tok = f->hits[i].first_token;
  if (role_at(f, s, tok, ROLE_NOTCOND)) return 0;
  return !time_covers(tc, tok);
}

/* ---------------------------------------------------------------------- */
/* A. Markers                                                             */

/* Whether a non-commitment phrase starts where hit i starts. */
static int noncommit_here(const finder *f, const sentence *s, size_t i) {
  return role_at(f, s, f->hits[i].first_token, ROLE_NONCOMMIT);
}

static tact_status add_draft(finder *f, const tact_allocator *a, const tact_hit *h, uint8_t r,
                             tact_error *err) {
  tact_promise_list *l = f->out;
  if (l->n >= (size_t)INT32_MAX ||
      tact_grow(a, (void **)&l->items, &l->cap, l->n + 1, sizeof *l->items))
    return tact_fail(err, TACT_E_NOMEM, "out of memory listing promises");
  tact_promise *p = &l->items[l->n++];
  memset(p, 0, sizeof *p);
  p->first_token = h->first_token;
  p->n_tokens = h->n_tokens;
  p->time = -1;
  p->actor = r == ROLE_MARK_I ? TACT_ACTOR_I : r == ROLE_MARK_WE ? TACT_ACTOR_WE : TACT_ACTOR_YOU;
  if (r == ROLE_MARK_PASSIVE) p->flags |= F_PASSIVE;
  if (r == ROLE_MARK_YOU || r == ROLE_MARK_PASSIVE) p->flags |= F_NEEDS_ACTION;
  return TACT_OK;
}

/* Hits are sorted by first token, longest first, so the first marker at a
 * token is the longest one there. */
static tact_status find_markers(finder *f, const sentence *s, const tact_allocator *a,
                                tact_error *err) {
  uint32_t marker_end = s->s0, noncommit_end = s->s0;
  int have_marker = 0;
  int64_t last_boundary = -1;
  for (size_t i = s->h0; i < s->h1; i++) {
    const tact_hit *h = &f->hits[i];
    uint8_t r = role_of(f, h);
    if (is_boundary(r)) {
      if ((int64_t)h->first_token > last_boundary) last_boundary = h->first_token;
      continue;
    }
    if (r == ROLE_NONCOMMIT) {
      if (hit_end(h) > noncommit_end) noncommit_end = hit_end(h);
      continue;
    }
    if (!is_marker(r) || hit_end(h) > s->s1) continue;
    if (h->first_token < marker_end || h->first_token < noncommit_end || noncommit_here(f, s, i))
      continue;
    /* A second marker in the same clause is part of the first commitment
     * ("I'll make sure you will receive it"). */
    if (have_marker && !(last_boundary >= (int64_t)marker_end)) continue;
    tact_status st = add_draft(f, a, h, r, err);
    if (st != TACT_OK) return st;
    have_marker = 1;
    marker_end = hit_end(h);
  }
  return TACT_OK;
}

/* ---------------------------------------------------------------------- */
/* B. Regions                                                             */

/* Where the region of the marker at `next` starts, given the previous
 * marker ends at `prev_end`: after the last strong break between them,
 * else after the first pause, else at the marker itself. *cursor moves
 * forward only. */
static uint32_t region_split(const finder *f, size_t *cursor, size_t h1, uint32_t prev_end,
                             uint32_t next) {
  size_t i = *cursor;
  while (i < h1 && f->hits[i].first_token < prev_end) i++;
  int64_t strong = -1, weak = -1;
  for (; i < h1 && f->hits[i].first_token < next; i++) {
    const tact_hit *h = &f->hits[i];
    if (hit_end(h) > next) continue;
    uint8_t r = role_of(f, h);
    if (r == ROLE_BREAK && (int64_t)hit_end(h) > strong) strong = hit_end(h);
    else if (r == ROLE_PAUSE && weak < 0) weak = hit_end(h);
  }
  *cursor = i;
  return strong >= 0 ? (uint32_t)strong : weak >= 0 ? (uint32_t)weak : next;
}

/* Stores each draft's region [lo, hi) in cond_first / cond_n for now. */
static void find_regions(finder *f, const sentence *s, size_t p0) {
  tact_promise *items = f->out->items;
  size_t n = f->out->n, cursor = s->h0;
  uint32_t lo = s->s0;
  for (size_t k = p0; k < n; k++) {
    uint32_t hi = s->s1;
    if (k + 1 < n)
      hi = region_split(f, &cursor, s->h1, items[k].first_token + items[k].n_tokens,
                        items[k + 1].first_token);
    items[k].cond_first = lo;
    items[k].cond_n = hi - lo;
    lo = hi;
  }
}

/* ---------------------------------------------------------------------- */
/* C. One region                                                          */

typedef struct clause {
  uint32_t lo, hi;         /* the region */
  uint32_t ms, me;         /* the marker */
  int64_t boundary_start;  /* last boundary before the marker: first token, end */
  uint32_t boundary_end;
  int64_t cond_pre, cond_post; /* first real condition cue before / after the marker */
  uint32_t cond_post_end;  /* the first boundary after cond_post, else the region's end */
  int dropped;
} clause;

/* Collects boundaries, conditions, questions and negation in the region. */
static void scan_structure(const finder *f, const sentence *s, size_t h_lo, clause *c,
                           size_t t_lo) {
  time_cursor tc = {f, t_lo, s->t1};
  c->boundary_start = -1;
  c->boundary_end = c->lo;
  c->cond_pre = c->cond_post = -1;
  c->cond_post_end = c->hi;
  for (size_t i = h_lo; i < s->h1 && f->hits[i].first_token < c->hi; i++) {
    const tact_hit *h = &f->hits[i];
    uint32_t tok = h->first_token;
    switch (role_of(f, h)) {
    case ROLE_BREAK:
    case ROLE_PAUSE:
      if (hit_end(h) <= c->ms && (int64_t)tok >= c->boundary_start) {
        c->boundary_start = tok;
        c->boundary_end = hit_end(h);
      }
      if (c->cond_post >= 0 && (int64_t)tok > c->cond_post && tok < c->cond_post_end)
        c->cond_post_end = tok;
      break;
    case ROLE_COND:
      if (tok < c->ms && c->cond_pre < 0 && real_condition(f, s, i, &tc)) c->cond_pre = tok;
      else if (tok >= c->me && c->cond_post < 0 && real_condition(f, s, i, &tc))
        c->cond_post = tok;
      break;
    case ROLE_QUESTION:
      if (tok >= c->ms) c->dropped = 1;
      break;
    case ROLE_NEGATION:
      /* "we will not", "we'll be unable to", "do not expect" */
      if ((tok >= c->me && tok <= c->me + 1) || hit_end(h) == c->ms) c->dropped = 1;
      break;
    default:
      break;
    }
  }
}

/* Sets the span, the condition and where the commitment body ends. */
static void place_clause(const finder *f, const sentence *s, const clause *c, tact_promise *p,
                         uint32_t *span_first, uint32_t *body_end) {
  uint32_t first = c->boundary_start >= 0 ? c->boundary_end : c->lo;
  uint32_t end = c->cond_post >= 0 ? (uint32_t)c->cond_post : c->hi;
  uint32_t cf = 0, ce = 0;
  if (c->cond_pre >= 0) {
    /* "If you send the receipt, we'll refund you": the condition runs to
     * the boundary before the marker (or to the marker). */
    cf = (uint32_t)c->cond_pre;
    ce = c->boundary_start > c->cond_pre ? (uint32_t)c->boundary_start : c->ms;
    if (first < ce) first = ce;
  } else if (c->cond_post >= 0) {
    cf = (uint32_t)c->cond_post;
    ce = c->cond_post_end;
  }
  if (cf < ce) trim(f, s, &cf, &ce);
  p->cond_first = cf < ce ? cf : 0;
  p->cond_n = cf < ce ? ce - cf : 0;
  trim(f, s, &first, &end);
  if (first > c->ms) first = c->ms; /* never cut into the marker */
  if (end < c->me) end = c->me;
  *span_first = first;
  *body_end = end;
}

/* The heaviest action word in the clause; ties go to the first one at or
 * after the marker, then to the nearest one before it. */
static uint32_t pick_action(const finder *f, const sentence *s, size_t h_lo, uint32_t first,
                            uint32_t end, uint32_t ms) {
  uint32_t best = NO_ACTION;
  double best_w = 0.0;
  uint64_t best_d = UINT64_MAX;
  for (size_t i = hit_lower(f, h_lo, s->h1, first); i < s->h1 && f->hits[i].first_token < end;
       i++) {
    const tact_hit *h = &f->hits[i];
    if (role_of(f, h) != ROLE_ACTION) continue;
    uint32_t act = f->pm->entry_action[h->entry];
    if (act == NO_ACTION) continue;
    double w = tact_matcher_entry(f->m, h->entry)->weight;
    uint64_t d = h->first_token >= ms ? (uint64_t)(h->first_token - ms)
                                      : ((uint64_t)1 << 32) + (ms - h->first_token);
    if (best == NO_ACTION || w > best_w || (w == best_w && d < best_d)) {
      best = act;
      best_w = w;
      best_d = d;
    }
  }
  return best;
}

/* Certainty from the region up to the end of the commitment, the
 * condition left out ("Hopefully, we'll ship it today" is hedged; "... once
 * we receive it, which usually takes a day" is not): a hedge wins; a
 * guarantee or certainty word inside a hedge ("can't guarantee") or a time
 * expression ("May 5") does not count. */
static void pick_certainty(const finder *f, const sentence *s, size_t h_lo, const clause *c,
                           tact_promise *p, size_t t_lo) {
  time_cursor tc = {f, t_lo, s->t1};
  uint32_t cond_end = p->cond_first + p->cond_n, hedge_end = c->lo;
  uint32_t until = c->cond_post >= 0 ? (uint32_t)c->cond_post : c->hi;
  int hedged = 0, certain = 0, absolute = 0;
  for (size_t i = h_lo; i < s->h1 && f->hits[i].first_token < until; i++) {
    const tact_hit *h = &f->hits[i];
    uint8_t r = role_of(f, h);
    if (r != ROLE_HEDGE && r != ROLE_CERTAIN && r != ROLE_GUARANTEE) continue;
    uint32_t tok = h->first_token;
    if (p->cond_n && tok >= p->cond_first && tok < cond_end) continue;
    if (time_covers(&tc, tok)) continue;
    if (r == ROLE_HEDGE) {
      hedged = 1;
      if (hit_end(h) > hedge_end) hedge_end = hit_end(h);
    } else if (tok >= hedge_end) {
      certain = 1;
      absolute |= r == ROLE_GUARANTEE;
    }
  }
  p->certainty = hedged ? TACT_CERTAINTY_HEDGED
                 : certain ? TACT_CERTAINTY_GUARANTEED : TACT_CERTAINTY_FIRM;
  if (absolute && !hedged) p->flags |= F_ABSOLUTE;
}

/* The time expression of the clause: the first one from the marker on,
 * else the last one before it. "Immediately" (timeframe.immediate) makes
 * the timeframe zero-length whether or not a time expression covers it; a
 * time expression covering it is the one attached. */
static void pick_time(const finder *f, const sentence *s, size_t h_lo, size_t t_lo,
                      uint32_t first, uint32_t end, uint32_t ms, tact_promise *p) {
  int64_t imm = -1, chosen = -1;
  for (size_t i = hit_lower(f, h_lo, s->h1, first); i < s->h1 && f->hits[i].first_token < end;
       i++)
    if (role_of(f, &f->hits[i]) == ROLE_IMMEDIATE) {
      imm = f->hits[i].first_token;
      break;
    }
  int covers = 0;
  for (size_t j = t_lo; j < s->t1 && f->times[j].first_token < end; j++) {
    const tact_timex *x = &f->times[j];
    if (x->first_token < first) continue;
    if (imm >= 0 && x->first_token <= imm && imm < (int64_t)(x->first_token + x->n_tokens)) {
      chosen = (int64_t)j;
      covers = 1;
      break;
    }
    if (x->first_token < ms) {
      chosen = (int64_t)j; /* the last one before the marker, unless one follows */
    } else if (chosen < 0 || f->times[chosen].first_token < ms) {
      chosen = (int64_t)j;
      if (imm < 0) break;
    }
  }
  if (imm >= 0 && (chosen < 0 || covers)) p->flags |= F_IMMEDIATE;
  p->time = (int32_t)chosen;
}

static void analyze_region(finder *f, const sentence *s, tact_promise *p, size_t *hcur,
                           size_t *tcur) {
  clause c;
  memset(&c, 0, sizeof c);
  c.lo = p->cond_first;
  c.hi = p->cond_first + p->cond_n;
  c.ms = p->first_token;
  c.me = p->first_token + p->n_tokens;
  while (*hcur < s->h1 && f->hits[*hcur].first_token < c.lo) (*hcur)++;
  while (*tcur < s->t1 && f->times[*tcur].first_token < c.lo) (*tcur)++;
  scan_structure(f, s, *hcur, &c, *tcur);
  uint32_t first, end;
  place_clause(f, s, &c, p, &first, &end);
  uint32_t act = pick_action(f, s, *hcur, first, end, c.ms);
  if (act == NO_ACTION && (p->flags & F_NEEDS_ACTION)) c.dropped = 1;
  if (act == NO_ACTION) act = f->pm->other;
  /* Keep the marker where the object pass finds it. */
  p->object_first = c.ms;
  p->object_n = c.me - c.ms;
  p->first_token = first;
  p->n_tokens = end - first;
  p->action = f->pm->actions[act].id;
  pick_certainty(f, s, *hcur, &c, p, *tcur);
  pick_time(f, s, *hcur, *tcur, first, end, c.ms, p);
  if (c.dropped) p->flags |= F_DROP;
}

/* ---------------------------------------------------------------------- */
/* D. Times shared within a sentence                                      */

/* The tokens a promise holds: its span and its condition. */
static void extent(const tact_promise *p, uint32_t *lo, uint32_t *hi) {
  *lo = p->first_token;
  *hi = p->first_token + p->n_tokens;
  if (p->cond_n) {
    if (p->cond_first < *lo) *lo = p->cond_first;
    if (p->cond_first + p->cond_n > *hi) *hi = p->cond_first + p->cond_n;
  }
}

/* Whether time j lies outside every promise of the sentence; *k moves
 * forward only (times are visited in order). */
static int time_free(const finder *f, size_t j, size_t *k, size_t p1) {
  uint32_t tok = f->times[j].first_token, lo, hi;
  for (; *k < p1; (*k)++) {
    extent(&f->out->items[*k], &lo, &hi);
    if (hi > tok) break;
  }
  if (*k >= p1) return 1;
  extent(&f->out->items[*k], &lo, &hi);
  return tok < lo;
}

static void share_times(finder *f, const sentence *s, size_t p0, size_t p1) {
  size_t j = s->t0, kb = p0;  /* times before the current marker */
  size_t ja = s->t0, ka = p0; /* look-ahead for the first free time after it */
  int64_t before = -1, after = -1;
  for (size_t k = p0; k < p1; k++) {
    tact_promise *p = &f->out->items[k];
    if (p->time >= 0 || (p->flags & (F_IMMEDIATE | F_DROP))) continue;
    uint32_t ms = p->object_first, me = p->object_first + p->object_n;
    for (; j < s->t1 && f->times[j].first_token < ms; j++)
      if (time_free(f, j, &kb, p1)) before = (int64_t)j;
    if (after < 0 || f->times[after].first_token < ms) {
      after = -1;
      if (ja < j) {
        ja = j;
        ka = kb;
      }
      for (; ja < s->t1; ja++)
        if (time_free(f, ja, &ka, p1)) {
          after = (int64_t)ja++;
          break;
        }
    }
    int64_t pick = after;
    if (before >= 0) {
      uint32_t bend = f->times[before].first_token + f->times[before].n_tokens;
      uint64_t db = ms > bend ? ms - bend : 0;
      uint64_t da = after >= 0 && f->times[after].first_token > me
                        ? f->times[after].first_token - me : 0;
      if (after < 0 || db < da) pick = before;
    }
    p->time = (int32_t)pick;
  }
}

/* ---------------------------------------------------------------------- */
/* E. Objects, flags, compaction                                          */

#define BIT(r) (1u << (r))

/* A forward-only view of which roles start at a token, and how far the
 * action phrases ("look into", "pass this on to") and certainty phrases
 * ("do our best", "definitely") seen so far reach: the object search steps
 * over both, and starts no object inside a certainty phrase. */
typedef struct role_cursor {
  const finder *f;
  size_t i, end;
  uint32_t action_end, cue_end;
} role_cursor;

/* Bit set of the roles of hits starting at `tok` (non-decreasing calls). */
static uint32_t roles_at(role_cursor *c, uint32_t tok) {
  while (c->i < c->end && c->f->hits[c->i].first_token < tok) c->i++;
  uint32_t bits = 0;
  for (size_t i = c->i; i < c->end && c->f->hits[i].first_token == tok; i++) {
    uint8_t r = role_of(c->f, &c->f->hits[i]);
    uint32_t e = hit_end(&c->f->hits[i]);
    bits |= 1u << r;
    if (r == ROLE_ACTION && e > c->action_end) c->action_end = e;
    if ((r == ROLE_HEDGE || r == ROLE_CERTAIN || r == ROLE_GUARANTEE) && e > c->cue_end)
      c->cue_end = e;
  }
  return bits;
}

/* What ends the clause for the object search (a marker merged into the
 * commitment, as in "I promise we'll ship it", does not). */
static const uint32_t CLAUSE_STOPS = BIT(ROLE_BREAK) | BIT(ROLE_PAUSE) | BIT(ROLE_COND) |
                                     BIT(ROLE_NEGATION) | BIT(ROLE_QUESTION);
/* What ends an object once it has started. */
static const uint32_t OBJECT_STOPS = CLAUSE_STOPS | BIT(ROLE_OBJSTOP) | BIT(ROLE_IMMEDIATE) |
                                     BIT(ROLE_HEDGE) |
                                     BIT(ROLE_CERTAIN) | BIT(ROLE_GUARANTEE) |
                                     BIT(ROLE_MARK_I) | BIT(ROLE_MARK_WE) | BIT(ROLE_MARK_YOU) |
                                     BIT(ROLE_MARK_PASSIVE);

static int stop_at(const finder *f, role_cursor *rc, time_cursor *tc, uint32_t tok,
                   uint32_t stops) {
  if (f->t->tokens[tok].kind == TACT_TOKEN_PUNCT) return 1;
  if (roles_at(rc, tok) & stops) return 1;
  return time_covers(tc, tok);
}

static int object_stop(const finder *f, role_cursor *rc, time_cursor *tc, uint32_t tok) {
  return stop_at(f, rc, tc, tok, OBJECT_STOPS);
}

/* Extends an object from `start` to the first stop, at most
 * MAX_OBJECT_TOKENS tokens. */
static void object_run(const finder *f, role_cursor *rc, time_cursor *tc, uint32_t start,
                       uint32_t end, tact_promise *p) {
  uint32_t q = start + 1;
  while (q < end && q - start < MAX_OBJECT_TOKENS && !object_stop(f, rc, tc, q)) q++;
  p->object_first = start;
  p->object_n = q - start;
}

/* What is promised. For promise.passive markers, the subject before the
 * marker ("your refund will be processed"); otherwise the first noun
 * phrase after it that starts with a promise.object word ("a replacement
 * phone"), or one promise.object-pronoun ("it"), if no stop comes first. */
static void find_object(const finder *f, const sentence *s, tact_promise *p) {
  uint32_t ms = p->object_first, me = p->object_first + p->object_n;
  uint32_t first = p->first_token, end = p->first_token + p->n_tokens;
  uint32_t from = (p->flags & F_PASSIVE) ? first : me > ms ? me - 1 : me;
  role_cursor rc = {f, hit_lower(f, s->h0, s->h1, from), s->h1, 0, 0};
  time_cursor tc = time_cursor_at(f, s, from);
  p->object_first = p->object_n = 0;
  if (p->flags & F_PASSIVE) {
    for (uint32_t q = first; q < ms; q++) {
      uint32_t r = roles_at(&rc, q);
      if (r & BIT(ROLE_PRONOUN)) {
        p->object_first = q;
        p->object_n = 1;
        return;
      }
      if (r & BIT(ROLE_OBJECT)) {
        object_run(f, &rc, &tc, q, ms, p);
        return;
      }
    }
    return;
  }
  /* A marker that ends in a determiner ("expect your") hands it over. */
  uint32_t q = me;
  if (me > ms && role_at(f, s, me - 1, ROLE_OBJECT)) q = me - 1;
  for (; q < end; q++) {
    uint32_t r = roles_at(&rc, q);
    if (q >= rc.cue_end && (r & BIT(ROLE_PRONOUN))) {
      p->object_first = q;
      p->object_n = 1;
      return;
    }
    if (q >= rc.cue_end && (r & BIT(ROLE_OBJECT))) {
      object_run(f, &rc, &tc, q, end, p);
      return;
    }
    if (q < rc.action_end || q < rc.cue_end) continue;
    if (stop_at(f, &rc, &tc, q, CLAUSE_STOPS)) return;
  }
}

/* `n` policy units after ctx->now, as a UTC instant: calendar units on
 * the local wall clock, business days skipping weekends and holidays. */
static int64_t policy_end(const tact_timex_ctx *ctx, tact_policy_unit unit, unsigned n) {
  int64_t now = ctx->now, local = now + tact_tz_offset(ctx->tz, now);
  switch (unit) {
  case TACT_UNIT_MINUTE: return now + (int64_t)n * 60;
  case TACT_UNIT_HOUR: return now + (int64_t)n * 3600;
  case TACT_UNIT_WEEK: return now + (int64_t)n * 7 * 86400;
  case TACT_UNIT_DAY: return n ? tact_tz_to_utc(ctx->tz, local + (int64_t)n * 86400) : now;
  case TACT_UNIT_BUSINESS_DAY:
    return n ? tact_tz_to_utc(ctx->tz, tact_add_business_days(local, (int)n, ctx)) : now;
  }
  return now;
}

static void set_flags(const finder *f, tact_promise *p) {
  const pm_action *act = (const pm_action *)(const void *)p->action;
  const tact_timex *x = p->time >= 0 ? &f->times[p->time] : NULL;
  int immediate = (p->flags & F_IMMEDIATE) != 0, hedged = p->certainty == TACT_CERTAINTY_HEDGED;
  unsigned flags = 0;
  if (!x && !immediate) flags |= TACT_PROMISE_NO_TIMEFRAME;
  if (x && !immediate && x->kind == TACT_TIME_VAGUE) flags |= TACT_PROMISE_VAGUE_TIMEFRAME;
  if (p->cond_n) flags |= TACT_PROMISE_CONDITIONAL;
  if ((p->flags & F_ABSOLUTE) && !hedged) flags |= TACT_PROMISE_GUARANTEE;
  if (act->has_policy && (immediate || (x && x->kind != TACT_TIME_VAGUE))) {
    const tact_timex_ctx *ctx = f->ctx;
    int64_t lower = ctx->now, upper = ctx->now;
    if (!immediate) {
      lower = x->start > ctx->now + x->min_seconds ? x->start : ctx->now + x->min_seconds;
      upper = x->end;
    }
    int64_t min_end = policy_end(ctx, act->policy.unit, act->policy.min);
    int64_t max_end = policy_end(ctx, act->policy.unit, act->policy.max);
    if (upper < min_end) flags |= TACT_PROMISE_FASTER_THAN_POLICY;
    /* Only a promise that cannot be kept within the maximum is slower:
     * "call you tomorrow" under a 24-hour policy is not worth a flag. */
    if (lower > max_end) flags |= TACT_PROMISE_SLOWER_THAN_POLICY;
    if (immediate && !hedged && min_end - ctx->now >= NEAR_ZERO_SECONDS)
      flags |= TACT_PROMISE_GUARANTEE;
  }
  p->flags = (uint16_t)((p->flags & ~F_PUBLIC) | flags);
}

/* Finishes the sentence's drafts p0..n and drops the rejected ones. */
static void finish_sentence(finder *f, const sentence *s, size_t p0) {
  tact_promise_list *l = f->out;
  size_t w = p0;
  for (size_t k = p0; k < l->n; k++) {
    tact_promise *p = &l->items[k];
    if (p->flags & F_DROP) continue;
    find_object(f, s, p);
    set_flags(f, p);
    p->flags &= F_PUBLIC;
    l->items[w++] = *p;
  }
  l->n = w;
}

/* ---------------------------------------------------------------------- */
/* The interface                                                          */

static tact_status find_in_sentence(finder *f, const sentence *s, const tact_allocator *a,
                                    tact_error *err) {
  size_t p0 = f->out->n;
  tact_status st = find_markers(f, s, a, err);
  if (st != TACT_OK || f->out->n == p0) return st;
  find_regions(f, s, p0);
  size_t hcur = s->h0, tcur = s->t0;
  for (size_t k = p0; k < f->out->n; k++) analyze_region(f, s, &f->out->items[k], &hcur, &tcur);
  share_times(f, s, p0, f->out->n);
  finish_sentence(f, s, p0);
  return TACT_OK;
}

tact_status tact_promise_find(const tact_promise_model *pm, const tact_matcher *m,
                              const tact_text *t, const tact_match_state *hits,
                              const tact_timex_list *times, const tact_timex_ctx *ctx,
                              const tact_allocator *a, tact_promise_list *out, tact_error *err) {
  if (!pm || !m || !t || !hits || !times || !ctx || !a || !out)
    return tact_fail(err, TACT_E_ARG, "tact_promise_find: NULL argument");
  out->n = 0;
  finder f = {pm, m, t, hits->hits, hits->n_hits, times->items, times->n, ctx, out};
  size_t h = 0, tm = 0;
  for (size_t i = 0; i < t->n_sentences; i++) {
    const tact_sentence *ts = &t->sentences[i];
    sentence s = {ts->first_token, ts->first_token + ts->token_count, h, h, tm, tm};
    while (s.h0 < f.n_hits && f.hits[s.h0].first_token < s.s0) s.h0++;
    for (s.h1 = s.h0; s.h1 < f.n_hits && f.hits[s.h1].first_token < s.s1;) s.h1++;
    while (s.t0 < f.n_times && f.times[s.t0].first_token < s.s0) s.t0++;
    for (s.t1 = s.t0; s.t1 < f.n_times && f.times[s.t1].first_token < s.s1;) s.t1++;
    tact_status st = find_in_sentence(&f, &s, a, err);
    if (st != TACT_OK) {
      out->n = 0;
      return st;
    }
    h = s.h1;
    tm = s.t1;
  }
  return TACT_OK;
}
