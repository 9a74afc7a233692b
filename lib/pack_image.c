/* pack_image.c — writes a loaded pack as C initializers (see pack_image.h).
 *
 * Numbers are written as hexadecimal floating-point literals, which are
 * exact; strings as literals with every byte outside printable ASCII
 * escaped in octal, so any UTF-8 survives any compiler's source charset. */
#include "pack_image.h"

#include <inttypes.h>
#include <stdint.h>

typedef struct writer {
  FILE *out;
  const char *prefix;
  int failed;
} writer;

static void put_str(writer *w, const char *s) {
  if (!s) {
    fputs("NULL", w->out);
    return;
  }
  fputc('"', w->out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\' || *p == '?') fprintf(w->out, "\\%c", *p);
    else if (*p < 0x20 || *p >= 0x7f) fprintf(w->out, "\\%03o", *p);
    else fputc(*p, w->out);
  }
  fputc('"', w->out);
}

static void put_double(writer *w, double v) { fprintf(w->out, "%a", v); }

/* The name of item `i` of kind `what`, or NULL when there are no items. */
static void put_ref(writer *w, const char *what, size_t i, size_t n) {
  if (n == 0) fputs("NULL", w->out);
  else fprintf(w->out, "%s_%s%zu", w->prefix, what, i);
}

static void write_entries(writer *w, const tact_pack_lexicon *lx, size_t li) {
  if (!lx->n_entries) return;
  fprintf(w->out, "static tact_pack_entry %s_entries%zu[] = {\n", w->prefix, li);
  for (size_t i = 0; i < lx->n_entries; i++) {
    const tact_pack_entry *e = &lx->entries[i];
    fputs("  {", w->out);
    put_str(w, e->pattern);
    fputs(", ", w->out);
    put_str(w, e->replace);
    fputs(", ", w->out);
    put_double(w, e->weight);
    fprintf(w->out, ", %d, %u},\n", e->has_weight, e->line);
  }
  fputs("};\n", w->out);
}

static void write_lexicons(writer *w, const tact_pack *p) {
  for (size_t i = 0; i < p->n_lexicons; i++) write_entries(w, &p->lexicons[i], i);
  if (!p->n_lexicons) return;
  fprintf(w->out, "static tact_pack_lexicon %s_lexicons0[] = {\n", w->prefix);
  for (size_t i = 0; i < p->n_lexicons; i++) {
    const tact_pack_lexicon *lx = &p->lexicons[i];
    fputs("  {", w->out);
    put_str(w, lx->id);
    fprintf(w->out, ", (tact_layer_mode)%d, ", (int)lx->mode);
    put_double(w, lx->weight);
    fprintf(w->out, ", %d, ", lx->has_weight);
    put_ref(w, "entries", i, lx->n_entries);
    fprintf(w->out, ", %zu, %u},\n", lx->n_entries, lx->line);
  }
  fputs("};\n", w->out);
}

static void write_clauses(writer *w, const tact_pack_rule *r, size_t ri) {
  if (!r->n_clauses) return;
  fprintf(w->out, "static tact_pack_clause %s_clauses%zu[] = {\n", w->prefix, ri);
  for (size_t i = 0; i < r->n_clauses; i++) {
    const tact_pack_clause *c = &r->clauses[i];
    fprintf(w->out, "  {(tact_clause_type)%d", (int)c->type);
    const char *const strs[] = {c->lexicon, c->signal, c->stat, c->facts,
                                c->unless,  c->with,   c->scope};
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
      fputs(", ", w->out);
      put_str(w, strs[k]);
    }
    fputs(", ", w->out);
    put_double(w, c->min);
    fputs(", ", w->out);
    put_double(w, c->max);
    fprintf(w->out, ", %d, %d, %u},\n", c->has_min, c->has_max, c->line);
  }
  fputs("};\n", w->out);
}

static void write_examples(writer *w, const tact_pack_rule *r, size_t ri) {
  if (!r->n_examples) return;
  fprintf(w->out, "static tact_pack_example %s_examples%zu[] = {\n", w->prefix, ri);
  for (size_t i = 0; i < r->n_examples; i++) {
    const tact_pack_example *e = &r->examples[i];
    fprintf(w->out, "  {(tact_example_type)%d, ", (int)e->type);
    put_str(w, e->text);
    fputs(", ", w->out);
    put_str(w, e->customer);
    fputs(", ", w->out);
    put_str(w, e->fix);
    fprintf(w->out, ", %u},\n", e->line);
  }
  fputs("};\n", w->out);
}

static void write_rules(writer *w, const tact_pack *p) {
  for (size_t i = 0; i < p->n_rules; i++) {
    write_clauses(w, &p->rules[i], i);
    write_examples(w, &p->rules[i], i);
  }
  if (!p->n_rules) return;
  fprintf(w->out, "static tact_pack_rule %s_rules0[] = {\n", w->prefix);
  for (size_t i = 0; i < p->n_rules; i++) {
    const tact_pack_rule *r = &p->rules[i];
    fputs("  {", w->out);
    put_str(w, r->id);
    fprintf(w->out, ", (tact_layer_mode)%d", (int)r->mode);
    const char *const strs[] = {r->type,    r->kind,       r->severity,
                                r->message, r->suggestion, r->praise};
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
      fputs(", ", w->out);
      put_str(w, strs[k]);
    }
    fputs(", ", w->out);
    put_double(w, r->min_confidence);
    fprintf(w->out, ", %d, ", r->has_min_confidence);
    put_ref(w, "clauses", i, r->n_clauses);
    fprintf(w->out, ", %zu, ", r->n_clauses);
    put_ref(w, "examples", i, r->n_examples);
    fprintf(w->out, ", %zu, %u},\n", r->n_examples, r->line);
  }
  fputs("};\n", w->out);
}

static void write_profiles(writer *w, const tact_pack *p) {
  for (size_t i = 0; i < p->n_profiles; i++) {
    const tact_pack_profile *pr = &p->profiles[i];
    if (!pr->n_sets) continue;
    fprintf(w->out, "static tact_pack_profile_set %s_sets%zu[] = {\n", w->prefix, i);
    for (size_t k = 0; k < pr->n_sets; k++) {
      const tact_pack_profile_set *s = &pr->sets[k];
      fputs("  {", w->out);
      put_str(w, s->rule);
      fputs(", ", w->out);
      put_str(w, s->severity);
      fprintf(w->out, ", %d, ", s->enabled);
      put_double(w, s->min_confidence);
      fprintf(w->out, ", %d, ", s->has_min_confidence);
      put_double(w, s->min);
      fputs(", ", w->out);
      put_double(w, s->max);
      fprintf(w->out, ", %d, %d, ", s->has_min, s->has_max);
      put_str(w, s->scope);
      fprintf(w->out, ", %u},\n", s->line);
    }
    fputs("};\n", w->out);
  }
  if (!p->n_profiles) return;
  fprintf(w->out, "static tact_pack_profile %s_profiles0[] = {\n", w->prefix);
  for (size_t i = 0; i < p->n_profiles; i++) {
    const tact_pack_profile *pr = &p->profiles[i];
    fputs("  {", w->out);
    put_str(w, pr->id);
    fprintf(w->out, ", (tact_layer_mode)%d, ", (int)pr->mode);
    put_str(w, pr->description);
    fputs(", ", w->out);
    put_ref(w, "sets", i, pr->n_sets);
    fprintf(w->out, ", %zu, %u},\n", pr->n_sets, pr->line);
  }
  fputs("};\n", w->out);
}

static void write_policies(writer *w, const tact_pack *p) {
  if (!p->n_policies) return;
  fprintf(w->out, "static tact_pack_policy %s_policies0[] = {\n", w->prefix);
  for (size_t i = 0; i < p->n_policies; i++) {
    const tact_pack_policy *pol = &p->policies[i];
    fputs("  {", w->out);
    put_str(w, pol->action);
    fprintf(w->out, ", (tact_layer_mode)%d, %u, %u, (tact_policy_unit)%d, %u},\n", (int)pol->mode,
            pol->min, pol->max, (int)pol->unit, pol->line);
  }
  fputs("};\n", w->out);
}

static void write_holidays(writer *w, const tact_pack *p) {
  if (!p->n_holidays) return;
  fprintf(w->out, "static tact_pack_holiday %s_holidays0[] = {\n", w->prefix);
  for (size_t i = 0; i < p->n_holidays; i++) {
    const tact_pack_holiday *h = &p->holidays[i];
    fprintf(w->out, "  {%ld, ", (long)h->day);
    put_str(w, h->name);
    fprintf(w->out, ", %u},\n", h->line);
  }
  fputs("};\n", w->out);
}

/* Before item i of a long array written `per_line` to a line. */
static const char *separator(size_t i, size_t per_line) {
  return i == 0 ? "\n  " : i % per_line ? ", " : ",\n  ";
}

static void write_model_arrays(writer *w, const tact_pack_model *m, size_t mi) {
  const char *pre = w->prefix;
  if (m->n_classes) {
    fprintf(w->out, "static const char *%s_classes%zu[] = {", pre, mi);
    for (size_t c = 0; c < m->n_classes; c++) {
      fputs(c ? ", " : "", w->out);
      put_str(w, m->classes[c]);
    }
    fprintf(w->out, "};\nstatic double %s_bias%zu[] = {", pre, mi);
    for (size_t c = 0; c < m->n_classes; c++) {
      fputs(c ? ", " : "", w->out);
      put_double(w, m->bias ? m->bias[c] : 0.0);
    }
    fputs("};\n", w->out);
  }
  if (!m->n_rows) return;
  fprintf(w->out, "static uint32_t %s_rows%zu[] = {", pre, mi);
  for (size_t r = 0; r < m->n_rows; r++)
    fprintf(w->out, "%s%" PRIu32 "u", separator(r, 12), m->rows[r]);
  fprintf(w->out, "};\nstatic float %s_weights%zu[] = {", pre, mi);
  size_t nw = m->n_rows * m->n_classes;
  for (size_t k = 0; k < nw; k++)
    fprintf(w->out, "%s%af", separator(k, 6), (double)m->weights[k]);
  fputs("};\n", w->out);
}

static void write_models(writer *w, const tact_pack *p) {
  for (size_t i = 0; i < p->n_models; i++) write_model_arrays(w, &p->models[i], i);
  if (!p->n_models) return;
  fprintf(w->out, "static tact_pack_model %s_models0[] = {\n", w->prefix);
  for (size_t i = 0; i < p->n_models; i++) {
    const tact_pack_model *m = &p->models[i];
    fputs("  {", w->out);
    put_str(w, m->id);
    fprintf(w->out, ", (tact_layer_mode)%d, ", (int)m->mode);
    put_ref(w, "classes", i, m->n_classes);
    fprintf(w->out, ", %zu, %u, %u, ", m->n_classes, m->bits, m->features);
    put_double(w, m->cal_a);
    fputs(", ", w->out);
    put_double(w, m->cal_b);
    fputs(", ", w->out);
    put_ref(w, "bias", i, m->n_classes);
    fputs(", ", w->out);
    put_ref(w, "rows", i, m->n_rows);
    fputs(", ", w->out);
    put_ref(w, "weights", i, m->n_rows);
    fprintf(w->out, ", %zu, %u},\n", m->n_rows, m->line);
  }
  fputs("};\n", w->out);
}

int tact_pack_image_write(FILE *out, const tact_pack *p, const char *prefix) {
  writer w = {out, prefix, 0};
  write_lexicons(&w, p);
  write_rules(&w, p);
  write_policies(&w, p);
  write_holidays(&w, p);
  write_models(&w, p);
  write_profiles(&w, p);
  fprintf(out, "static tact_pack %s = {\n  .id = ", prefix);
  put_str(&w, p->id);
  fputs(",\n  .version = ", out);
  put_str(&w, p->version);
  fputs(",\n  .source = ", out);
  put_str(&w, p->source);
  fputs(",\n  .lexicons = ", out);
  put_ref(&w, "lexicons", 0, p->n_lexicons);
  fprintf(out, ", .n_lexicons = %zu,\n  .rules = ", p->n_lexicons);
  put_ref(&w, "rules", 0, p->n_rules);
  fprintf(out, ", .n_rules = %zu,\n  .policies = ", p->n_rules);
  put_ref(&w, "policies", 0, p->n_policies);
  fprintf(out, ", .n_policies = %zu,\n", p->n_policies);
  fprintf(out, "  .has_calendar = %d, .calendar_mode = (tact_layer_mode)%d, .calendar_line = %u,\n",
          p->has_calendar, (int)p->calendar_mode, p->calendar_line);
  fputs("  .holidays = ", out);
  put_ref(&w, "holidays", 0, p->n_holidays);
  fprintf(out, ", .n_holidays = %zu,\n  .models = ", p->n_holidays);
  put_ref(&w, "models", 0, p->n_models);
  fprintf(out, ", .n_models = %zu,\n  .profiles = ", p->n_models);
  put_ref(&w, "profiles", 0, p->n_profiles);
  fprintf(out, ", .n_profiles = %zu,\n};\n", p->n_profiles);
  return ferror(out) ? -1 : 0;
}
