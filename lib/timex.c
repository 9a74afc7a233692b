/* timex.c — time expressions: finds them in the tokens of a text and
 * normalizes each to an interval against a reference time, a time zone and
 * a business calendar (docs/time-expressions.md is the user's guide).
 *
 * How it works. One forward pass over the tokens. At each token that could
 * start an expression (a number, or a word of the lexicons below) three
 * recursive-descent parsers try to read one, each looking at most LOOK
 * tokens ahead and never past the sentence: a vague phrase ("ASAP"), a
 * duration ("within 3-5 business days") or a moment ("by Friday at 5pm",
 * "July 13-15", "end of next month"). The longest reading at that token is a
 * candidate; overlapping candidates are settled longest first (ties: the
 * earlier one), with a one-candidate look-behind, so the pass stays linear.
 *
 * A moment is read into a `spec` (which calendar slots were named: relative
 * day, month, day of month, weekday, week/month/year period, clock time,
 * part of day, time zone...) by chaining components ("tomorrow" + "at" +
 * "5pm"); `resolve` turns a spec into a local wall-clock window [l0, l1)
 * with a grain, and the window into a deadline. Durations are read into
 * per-unit amounts in thousandths and added to the reference time on the
 * local calendar (days, months, years, business days) or exactly (hours and
 * below). All wall-clock arithmetic is done in local seconds (seconds since
 * the epoch as if the local time were UTC) and converted with tz.c.
 *
 * What is left to others: attaching times to promises (promise.c), the
 * service policy (promise.c), naming holidays (the pack's calendar). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "timex.h"

#define LOOK 24       /* the longest expression considered, in tokens */
#define DAY 86400
#define HOUR 3600
#define K 1000        /* quantities are in thousandths */
#define QMAX 1000000  /* quantities above this many units are not time */
#define WALK 10000    /* business days (hours / 8) counted one by one; beyond, 5 in 7 */

/* ---------------------------------------------------------------------
 * Calendar
 * --------------------------------------------------------------------- */

static int64_t fdiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* Howard Hinnant's days_from_civil / civil_from_days (public domain). */
int64_t tact_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = fdiv(y, 400);
  int64_t yoe = y - era * 400;
  int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;
  int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void tact_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = fdiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static int wday(int64_t day) { return (int)(((day % 7) + 10) % 7); } /* 0 = Monday */

static int mdays(int64_t y, int m) {
  static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return len[m - 1] + (m == 2 && leap);
}

static int64_t civil(int64_t y, int m, int d) { return tact_days_from_civil(y, (unsigned)m, (unsigned)d); }

/* First day of month m (may be out of 1..12) of year y. */
static int64_t month_start(int64_t y, int64_t m) {
  int64_t k = y * 12 + (m - 1);
  return civil(fdiv(k, 12), (int)(k - fdiv(k, 12) * 12) + 1, 1);
}

static bool holiday(const tact_timex_ctx *ctx, int64_t day) {
  size_t lo = 0, hi = ctx ? ctx->n_holidays : 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ctx->holidays[mid] == day) return true;
    if (ctx->holidays[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

static bool business_day(const tact_timex_ctx *ctx, int64_t day) {
  return wday(day) < 5 && !holiday(ctx, day);
}

int64_t tact_add_business_days(int64_t local, int n, const tact_timex_ctx *ctx) {
  int64_t day = fdiv(local, DAY), tod = local - day * DAY;
  int step = n < 0 ? -1 : 1;
  for (long k = n < 0 ? -(long)n : n; k > 0;) {
    day += step;
    if (business_day(ctx, day)) k--;
  }
  return day * DAY + tod;
}

/* Business hours: 09:00-17:00 local on business days. Adds `secs` of
 * working time to `local`, starting at the next working moment. */
static int64_t add_business_seconds(int64_t local, int64_t secs, const tact_timex_ctx *ctx) {
  const int64_t open = 9 * HOUR, close = 17 * HOUR;
  for (int guard = 0; secs > 0 && guard < 100000; guard++) {
    int64_t day = fdiv(local, DAY), tod = local - day * DAY;
    if (!business_day(ctx, day) || tod >= close) {
      local = (day + 1) * DAY + open;
      while (!business_day(ctx, fdiv(local, DAY))) local += DAY;
      continue;
    }
    if (tod < open) local = day * DAY + (tod = open);
    int64_t take = close - tod < secs ? close - tod : secs;
    local += take;
    secs -= take;
  }
  return local;
}

/* ---------------------------------------------------------------------
 * Lexicons (each sorted by word for binary search)
 * --------------------------------------------------------------------- */

typedef struct lexent {
  const char *w;
  int v;
} lexent;

#define N(a) (sizeof(a) / sizeof *(a))

static const lexent CARDINALS[] = {
    {"eight", 8},    {"eighteen", 18}, {"eighty", 80},   {"eleven", 11},  {"fifteen", 15},
    {"fifty", 50},   {"five", 5},      {"forty", 40},    {"four", 4},     {"fourteen", 14},
    {"fourty", 40},  {"nine", 9},      {"nineteen", 19}, {"ninety", 90},  {"one", 1},
    {"seven", 7},    {"seventeen", 17},{"seventy", 70},  {"six", 6},      {"sixteen", 16},
    {"sixty", 60},   {"ten", 10},      {"thirteen", 13}, {"thirty", 30},  {"three", 3},
    {"twelve", 12},  {"twenty", 20},   {"two", 2},       {"zero", 0},
};

static const lexent ORDINALS[] = {
    {"eighteenth", 18}, {"eighth", 8},     {"eleventh", 11},  {"fifteenth", 15},
    {"fifth", 5},       {"first", 1},      {"fourteenth", 14},{"fourth", 4},
    {"nineteenth", 19}, {"ninth", 9},      {"second", 2},     {"seventeenth", 17},
    {"seventh", 7},     {"sixteenth", 16}, {"sixth", 6},      {"tenth", 10},
    {"third", 3},       {"thirteenth", 13},{"thirtieth", 30}, {"twelfth", 12},
    {"twentieth", 20},
};

enum unit { U_SEC, U_MIN, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_QTR, U_YEAR, U_BDAY, U_BHOUR, U_COUNT };
#define U_FORTNIGHT 100 /* read as two weeks */

static const lexent UNITS[] = {
    {"day", U_DAY},       {"days", U_DAY},         {"fortnight", U_FORTNIGHT},
    {"fortnights", U_FORTNIGHT}, {"hour", U_HOUR}, {"hours", U_HOUR},     {"hr", U_HOUR},
    {"hrs", U_HOUR},      {"min", U_MIN},          {"mins", U_MIN},       {"minute", U_MIN},
    {"minutes", U_MIN},   {"month", U_MONTH},      {"months", U_MONTH},   {"qtr", U_QTR},
    {"qtrs", U_QTR},      {"quarter", U_QTR},      {"quarters", U_QTR},   {"sec", U_SEC},
    {"second", U_SEC},    {"seconds", U_SEC},      {"secs", U_SEC},       {"week", U_WEEK},
    {"weekday", U_BDAY},  {"weekdays", U_BDAY},    {"weeks", U_WEEK},     {"wk", U_WEEK},
    {"wks", U_WEEK},      {"workday", U_BDAY},     {"workdays", U_BDAY},  {"year", U_YEAR},
    {"years", U_YEAR},    {"yr", U_YEAR},          {"yrs", U_YEAR},
};

/* Units written glued to a number ("48h", "24hrs", "30mins"). */
static const lexent GLUED_UNITS[] = {
    {"d", U_DAY},      {"day", U_DAY},   {"days", U_DAY},   {"h", U_HOUR},      {"hour", U_HOUR},
    {"hours", U_HOUR}, {"hr", U_HOUR},   {"hrs", U_HOUR},   {"min", U_MIN},     {"mins", U_MIN},
    {"minute", U_MIN}, {"minutes", U_MIN}, {"months", U_MONTH}, {"sec", U_SEC}, {"secs", U_SEC},
    {"week", U_WEEK},  {"weeks", U_WEEK}, {"wk", U_WEEK},   {"wks", U_WEEK},    {"yr", U_YEAR},
    {"yrs", U_YEAR},
};

/* Weekdays, 0 = Monday; +10 marks words that are also common English words
 * ("sat", "sun", "wed") and need a date context; +20 marks plurals. */
static const lexent WEEKDAYS[] = {
    {"fri", 4},        {"friday", 4},     {"fridays", 24},  {"mon", 0},        {"monday", 0},
    {"mondays", 20},   {"sat", 15},       {"saturday", 5},  {"saturdays", 25}, {"sun", 16},
    {"sunday", 6},     {"sundays", 26},   {"thu", 3},       {"thur", 3},       {"thurs", 3},
    {"thursday", 3},   {"thursdays", 23}, {"tue", 1},       {"tues", 1},       {"tuesday", 1},
    {"tuesdays", 21},  {"wed", 12},       {"wednesday", 2}, {"wednesdays", 22},
};

/* Months; +20 marks words that are also common English words ("may",
 * "march", "mar"). */
static const lexent MONTHS[] = {
    {"apr", 4},      {"april", 4},     {"aug", 8},     {"august", 8},   {"dec", 12},
    {"december", 12},{"feb", 2},       {"february", 2},{"jan", 1},      {"january", 1},
    {"jul", 7},      {"july", 7},      {"jun", 6},     {"june", 6},     {"mar", 23},
    {"march", 23},   {"may", 25},      {"nov", 11},    {"november", 11},{"oct", 10},
    {"october", 10}, {"sep", 9},       {"sept", 9},    {"september", 9},
};

/* Relative days; 100 + n marks "tonight" (day n, night). */
static const lexent RELDAYS[] = {
    {"tmr", 1}, {"tmrw", 1}, {"today", 0}, {"tomorrow", 1}, {"tomorrows", 1}, {"tonight", 100},
    {"tonite", 100}, {"yesterday", -1},
};

/* Parts of the day: value = start hour * 100 + end hour. */
static const lexent PODS[] = {
    {"afternoon", 1219}, {"afternoonish", 1219}, {"evening", 1824}, {"lunch", 1214},
    {"lunchtime", 1214}, {"morning", 12},        {"night", 1824},
};

/* Relative determiners of periods and weekdays. */
static const lexent RELS[] = {
    {"coming", 1}, {"current", 0}, {"following", 1}, {"last", -1}, {"next", 1},
    {"past", -1},  {"previous", -1}, {"this", 0},    {"upcoming", 1},
};

/* Time-zone abbreviations after a clock time: minutes east of UTC. */
static const lexent ZONES[] = {
    {"bst", 60},   {"cdt", -300}, {"cest", 120}, {"cet", 60},   {"cst", -360}, {"edt", -240},
    {"eest", 180}, {"eet", 120},  {"est", -300}, {"gmt", 0},    {"ist", 330},  {"jst", 540},
    {"mdt", -360}, {"mst", -420}, {"pdt", -420}, {"pst", -480}, {"utc", 0},
};

/* Words between a quantity and its unit that do not change it. */
static const lexent FILLERS[] = {
    {"additional", 0}, {"calendar", 0}, {"consecutive", 0}, {"entire", 0}, {"extra", 0},
    {"fewer", 0},      {"full", 0},     {"further", 0},     {"less", 0},   {"long", 0},
    {"more", 0},       {"short", 0},    {"solid", 0},       {"straight", 0}, {"upcoming", 0}, {"whole", 0},
};

/* Vague phrases: default interval in seconds after the reference time. */
typedef struct vague {
  const char *phrase;
  int64_t min, max;
} vague;

static const vague VAGUE[] = {
    {"as soon as possible", 0, DAY},     {"as soon as we can", 0, DAY},
    {"as soon as i can", 0, DAY},        {"as quickly as possible", 0, DAY},
    {"as fast as possible", 0, DAY},     {"soon as possible", 0, DAY},
    {"asap", 0, DAY},                    {"a.s.a.p.", 0, DAY},
    {"at the earliest opportunity", 0, DAY}, {"at the first opportunity", 0, DAY},
    {"at your earliest convenience", 0, DAY},
    {"right away", 0, HOUR},             {"straight away", 0, HOUR},
    {"straightaway", 0, HOUR},           {"immediately", 0, HOUR},
    {"right now", 0, HOUR},              {"momentarily", 0, HOUR},
    {"in a moment", 0, HOUR},            {"in just a moment", 0, HOUR},
    {"any minute now", 0, HOUR},         {"in no time", 0, HOUR},
    {"shortly", 0, 4 * HOUR},            {"in a bit", 0, 4 * HOUR},
    {"in a little bit", 0, 4 * HOUR},    {"in a little while", 0, 4 * HOUR},
    {"in a while", 0, DAY},              {"later on", 0, DAY},
    {"later", 0, DAY},                   {"promptly", 0, DAY},
    {"very soon", 0, 3 * DAY},           {"real soon", 0, 3 * DAY},
    {"soon", 0, 3 * DAY},                {"before long", 0, 3 * DAY},
    {"any day now", 0, 7 * DAY},         {"in the coming days", 0, 7 * DAY},
    {"in due course", 0, 14 * DAY},      {"in the coming weeks", 0, 30 * DAY},
    {"in the near future", 0, 30 * DAY}, {"at some point", 0, 30 * DAY},
    {"eventually", 0, 30 * DAY},
};

/* Which tokens may take part in an expression, and how (the gate). Every
 * expression is a run of such tokens holding at least one anchor (a
 * number, a unit, a day, a month, a part of the day, the head word of a
 * vague phrase...) and begins at a starter; elsewhere the parsers are not
 * tried. One look-up per token: ordinary text is mostly skipped in O(1).
 * GATE lists every word the rules below read inside an expression (words
 * they only look at around one, such as "every" or "rated", stay out) and
 * the lexicons that hold it; a word added to a rule or a lexicon belongs
 * here too. Sorted by bytes. */
enum lexid { LEX_CARDINALS, LEX_ORDINALS, LEX_UNITS, LEX_GLUED_UNITS, LEX_WEEKDAYS, LEX_MONTHS,
             LEX_RELDAYS, LEX_PODS, LEX_RELS, LEX_ZONES, LEX_FILLERS, LEX_GATE, LEX_COUNT };

enum { GS = 1u << 0, /* may start an expression */
       GA = 1u << 1, /* an anchor */
       GP = 1u << 2  /* may be part of an expression */ };
/* The lexicons a GATE word is in: lx() searches only those. */
#define IN(tab) (1 << (3 + LEX_##tab))

static const lexent GATE[] = {
    {"'s", 0}, {"a", GS}, {"a.d.", 0}, {"a.m.", 0}, {"a.s.a.p.", GS|GA}, {"about", GS}, {"ad", 0},
    {"additional", IN(FILLERS)}, {"after", GS}, {"afternoon", GS|GA|IN(PODS)},
    {"afternoonish", GS|GA|IN(PODS)}, {"ago", 0}, {"am", 0}, {"an", GS}, {"and", 0},
    {"another", GS}, {"any", GS}, {"anytime", GS}, {"approx", GS}, {"approximately", GS},
    {"apr", GS|GA|IN(MONTHS)}, {"april", GS|GA|IN(MONTHS)}, {"around", GS}, {"as", GS},
    {"asap", GS|GA}, {"at", GS}, {"aug", GS|GA|IN(MONTHS)}, {"august", GS|GA|IN(MONTHS)},
    {"away", GA}, {"b.c.", 0}, {"b.c.e.", 0}, {"back", 0}, {"bc", 0}, {"bce", 0}, {"before", GS},
    {"beginning", GS}, {"between", GS}, {"bit", GA}, {"biz", 0}, {"boy", GS|GA}, {"bst", IN(ZONES)},
    {"business", GA}, {"by", GS}, {"c.e.", 0}, {"c.o.b.", GS|GA}, {"calendar", IN(FILLERS)},
    {"can", 0}, {"cdt", IN(ZONES)}, {"ce", 0}, {"cest", IN(ZONES)}, {"cet", IN(ZONES)},
    {"close", GS}, {"closest", GS}, {"cob", GS|GA}, {"coming", GS|IN(RELS)},
    {"consecutive", IN(FILLERS)}, {"convenience", GA}, {"couple", GS}, {"course", GA},
    {"cst", IN(ZONES)}, {"current", GS|IN(RELS)}, {"d", IN(GLUED_UNITS)},
    {"day", GS|GA|IN(UNITS)|IN(GLUED_UNITS)}, {"days", GA|IN(UNITS)|IN(GLUED_UNITS)},
    {"dec", GS|GA|IN(MONTHS)}, {"december", GS|GA|IN(MONTHS)}, {"dozen", GS}, {"due", 0},
    {"during", GS}, {"earlier", 0}, {"earliest", 0}, {"early", GS}, {"edt", IN(ZONES)},
    {"eest", IN(ZONES)}, {"eet", IN(ZONES)}, {"eight", GS|GA|IN(CARDINALS)},
    {"eighteen", GS|GA|IN(CARDINALS)}, {"eighteenth", GS|GA|IN(ORDINALS)},
    {"eighth", GS|GA|IN(ORDINALS)}, {"eighty", GS|GA|IN(CARDINALS)},
    {"eleven", GS|GA|IN(CARDINALS)}, {"eleventh", GS|GA|IN(ORDINALS)}, {"end", GS},
    {"entire", IN(FILLERS)}, {"eob", GS|GA}, {"eod", GS|GA}, {"eom", GS|GA}, {"eow", GS|GA},
    {"eoy", GS|GA}, {"est", IN(ZONES)}, {"evening", GS|GA|IN(PODS)}, {"eventually", GS|GA},
    {"extra", IN(FILLERS)}, {"fast", 0}, {"feb", GS|GA|IN(MONTHS)}, {"february", GS|GA|IN(MONTHS)},
    {"few", GS}, {"fewer", IN(FILLERS)}, {"fifteen", GS|GA|IN(CARDINALS)},
    {"fifteenth", GS|GA|IN(ORDINALS)}, {"fifth", GS|GA|IN(ORDINALS)},
    {"fifty", GS|GA|IN(CARDINALS)}, {"first", GS|GA|IN(ORDINALS)}, {"five", GS|GA|IN(CARDINALS)},
    {"following", GS|IN(RELS)}, {"for", GS}, {"fortnight", GA|IN(UNITS)},
    {"fortnights", GA|IN(UNITS)}, {"forty", GS|GA|IN(CARDINALS)}, {"four", GS|GA|IN(CARDINALS)},
    {"fourteen", GS|GA|IN(CARDINALS)}, {"fourteenth", GS|GA|IN(ORDINALS)},
    {"fourth", GS|GA|IN(ORDINALS)}, {"fourty", GS|GA|IN(CARDINALS)}, {"fri", GS|GA|IN(WEEKDAYS)},
    {"friday", GS|GA|IN(WEEKDAYS)}, {"fridays", GS|GA|IN(WEEKDAYS)}, {"from", GS},
    {"full", IN(FILLERS)}, {"further", IN(FILLERS)}, {"future", GA}, {"gmt", IN(ZONES)},
    {"h", IN(GLUED_UNITS)}, {"half", GS}, {"hence", 0}, {"hour", GA|IN(UNITS)|IN(GLUED_UNITS)},
    {"hours", GA|IN(UNITS)|IN(GLUED_UNITS)}, {"hr", GA|IN(UNITS)|IN(GLUED_UNITS)},
    {"hrs", GA|IN(UNITS)|IN(GLUED_UNITS)}, {"i", 0}, {"immediately", GS|GA}, {"in", GS}, {"ish", 0},
    {"ist", IN(ZONES)}, {"jan", GS|GA|IN(MONTHS)}, {"january", GS|GA|IN(MONTHS)},
    {"jst", IN(ZONES)}, {"jul", GS|GA|IN(MONTHS)}, {"july", GS|GA|IN(MONTHS)},
    {"jun", GS|GA|IN(MONTHS)}, {"june", GS|GA|IN(MONTHS)}, {"just", GS}, {"last", GS|IN(RELS)},
    {"late", GS}, {"later", GS|GA}, {"latest", 0}, {"least", 0}, {"less", GS|IN(FILLERS)},
    {"little", 0}, {"long", GA|IN(FILLERS)}, {"lunch", GS|GA|IN(PODS)},
    {"lunchtime", GS|GA|IN(PODS)}, {"m", 0}, {"mar", GS|GA|IN(MONTHS)}, {"march", GS|GA|IN(MONTHS)},
    {"max", GS}, {"maximum", GS}, {"may", GS|GA|IN(MONTHS)}, {"mdt", IN(ZONES)}, {"mid", GS},
    {"midday", GS|GA}, {"middle", GS}, {"midnight", GS|GA}, {"min", GA|IN(UNITS)|IN(GLUED_UNITS)},
    {"minimum", 0}, {"mins", GA|IN(UNITS)|IN(GLUED_UNITS)},
    {"minute", GA|IN(UNITS)|IN(GLUED_UNITS)}, {"minutes", GA|IN(UNITS)|IN(GLUED_UNITS)},
    {"moment", GA}, {"momentarily", GS|GA}, {"mon", GS|GA|IN(WEEKDAYS)},
    {"monday", GS|GA|IN(WEEKDAYS)}, {"mondays", GS|GA|IN(WEEKDAYS)}, {"month", GA|IN(UNITS)},
    {"months", GA|IN(UNITS)|IN(GLUED_UNITS)}, {"more", GS|IN(FILLERS)}, {"morning", GS|GA|IN(PODS)},
    {"most", 0}, {"mst", IN(ZONES)}, {"nd", 0}, {"near", 0}, {"nearest", GS}, {"next", GS|IN(RELS)},
    {"night", GS|GA|IN(PODS)}, {"nine", GS|GA|IN(CARDINALS)}, {"nineteen", GS|GA|IN(CARDINALS)},
    {"nineteenth", GS|GA|IN(ORDINALS)}, {"ninety", GS|GA|IN(CARDINALS)},
    {"ninth", GS|GA|IN(ORDINALS)}, {"no", GS}, {"noon", GS|GA}, {"noonish", GS|GA}, {"not", GS},
    {"nov", GS|GA|IN(MONTHS)}, {"november", GS|GA|IN(MONTHS)}, {"now", GA}, {"o", 0},
    {"o'clock", 0}, {"oclock", 0}, {"oct", GS|GA|IN(MONTHS)}, {"october", GS|GA|IN(MONTHS)},
    {"of", 0}, {"oh", 0}, {"on", GS}, {"one", GS|GA|IN(CARDINALS)}, {"only", GS},
    {"opportunity", GA}, {"or", 0}, {"ou", 0}, {"over", GS}, {"p", 0}, {"p.m.", 0}, {"pair", 0},
    {"past", GS|IN(RELS)}, {"pdt", IN(ZONES)}, {"play", GA}, {"pm", 0}, {"point", GA},
    {"possible", GA}, {"previous", GS|IN(RELS)}, {"promptly", GS|GA}, {"pst", IN(ZONES)},
    {"qtr", GA|IN(UNITS)}, {"qtrs", GA|IN(UNITS)}, {"quarter", GS|GA|IN(UNITS)},
    {"quarters", GA|IN(UNITS)}, {"quickly", 0}, {"rd", 0}, {"real", GS}, {"right", GS},
    {"roughly", GS}, {"s", 0}, {"same", GS}, {"sat", GS|GA|IN(WEEKDAYS)},
    {"saturday", GS|GA|IN(WEEKDAYS)}, {"saturdays", GS|GA|IN(WEEKDAYS)},
    {"sec", GA|IN(UNITS)|IN(GLUED_UNITS)}, {"second", GS|GA|IN(ORDINALS)|IN(UNITS)},
    {"seconds", GA|IN(UNITS)}, {"secs", GA|IN(UNITS)|IN(GLUED_UNITS)}, {"sep", GS|GA|IN(MONTHS)},
    {"sept", GS|GA|IN(MONTHS)}, {"september", GS|GA|IN(MONTHS)}, {"seven", GS|GA|IN(CARDINALS)},
    {"seventeen", GS|GA|IN(CARDINALS)}, {"seventeenth", GS|GA|IN(ORDINALS)},
    {"seventh", GS|GA|IN(ORDINALS)}, {"seventy", GS|GA|IN(CARDINALS)}, {"several", GS},
    {"short", IN(FILLERS)}, {"shortly", GS|GA}, {"six", GS|GA|IN(CARDINALS)},
    {"sixteen", GS|GA|IN(CARDINALS)}, {"sixteenth", GS|GA|IN(ORDINALS)},
    {"sixth", GS|GA|IN(ORDINALS)}, {"sixty", GS|GA|IN(CARDINALS)}, {"so", 0},
    {"solid", IN(FILLERS)}, {"some", GS}, {"sometime", GS}, {"soon", GS|GA}, {"sooner", 0},
    {"st", 0}, {"start", GS}, {"starting", GS}, {"straight", GS|IN(FILLERS)},
    {"straightaway", GS|GA}, {"sun", GS|GA|IN(WEEKDAYS)}, {"sunday", GS|GA|IN(WEEKDAYS)},
    {"sundays", GS|GA|IN(WEEKDAYS)}, {"ten", GS|GA|IN(CARDINALS)}, {"tenth", GS|GA|IN(ORDINALS)},
    {"th", 0}, {"than", 0}, {"the", GS}, {"thing", 0}, {"third", GS|GA|IN(ORDINALS)},
    {"thirteen", GS|GA|IN(CARDINALS)}, {"thirteenth", GS|GA|IN(ORDINALS)},
    {"thirtieth", GS|GA|IN(ORDINALS)}, {"thirty", GS|GA|IN(CARDINALS)}, {"this", GS|IN(RELS)},
    {"three", GS|GA|IN(CARDINALS)}, {"through", 0}, {"thru", 0}, {"thu", GS|GA|IN(WEEKDAYS)},
    {"thur", GS|GA|IN(WEEKDAYS)}, {"thurs", GS|GA|IN(WEEKDAYS)}, {"thursday", GS|GA|IN(WEEKDAYS)},
    {"thursdays", GS|GA|IN(WEEKDAYS)}, {"til", GS}, {"till", GS}, {"time", GA},
    {"tmr", GS|GA|IN(RELDAYS)}, {"tmrw", GS|GA|IN(RELDAYS)}, {"to", 0},
    {"today", GS|GA|IN(RELDAYS)}, {"tomorrow", GS|GA|IN(RELDAYS)}, {"tomorrows", GS|GA|IN(RELDAYS)},
    {"tonight", GS|GA|IN(RELDAYS)}, {"tonite", GS|GA|IN(RELDAYS)}, {"tops", 0},
    {"tue", GS|GA|IN(WEEKDAYS)}, {"tues", GS|GA|IN(WEEKDAYS)}, {"tuesday", GS|GA|IN(WEEKDAYS)},
    {"tuesdays", GS|GA|IN(WEEKDAYS)}, {"twelfth", GS|GA|IN(ORDINALS)},
    {"twelve", GS|GA|IN(CARDINALS)}, {"twentieth", GS|GA|IN(ORDINALS)},
    {"twenty", GS|GA|IN(CARDINALS)}, {"two", GS|GA|IN(CARDINALS)}, {"under", GS}, {"until", GS},
    {"untill", GS}, {"up", GS}, {"upcoming", GS|IN(RELS)|IN(FILLERS)}, {"utc", IN(ZONES)},
    {"very", GS}, {"w", GS}, {"we", 0}, {"wed", GS|GA|IN(WEEKDAYS)},
    {"wednesday", GS|GA|IN(WEEKDAYS)}, {"wednesdays", GS|GA|IN(WEEKDAYS)},
    {"week", GS|GA|IN(UNITS)|IN(GLUED_UNITS)}, {"weekday", GA|IN(UNITS)},
    {"weekdays", GA|IN(UNITS)}, {"weekend", GA}, {"weeks", GA|IN(UNITS)|IN(GLUED_UNITS)},
    {"while", GA}, {"whole", IN(FILLERS)}, {"within", GS}, {"wk", GA|IN(UNITS)|IN(GLUED_UNITS)},
    {"wkend", GA}, {"wks", GA|IN(UNITS)|IN(GLUED_UNITS)}, {"work", 0}, {"workday", GA|IN(UNITS)},
    {"workdays", GA|IN(UNITS)}, {"working", 0}, {"year", GA|IN(UNITS)}, {"years", GA|IN(UNITS)},
    {"yesterday", GS|GA|IN(RELDAYS)}, {"your", 0}, {"yr", GA|IN(UNITS)|IN(GLUED_UNITS)},
    {"yrs", GA|IN(UNITS)|IN(GLUED_UNITS)}, {"zero", GS|GA|IN(CARDINALS)},
};

/* Compares the NUL-terminated `w` with the `len` bytes of `s` as byte
 * strings (strcmp order) without measuring `w` first: most comparisons end
 * at the first byte. */
static int wcmp(const char *w, const char *s, size_t len) {
  size_t k = 0;
  for (; k < len; k++) {
    unsigned char a = (unsigned char)w[k], b = (unsigned char)s[k];
    if (a != b) return a < b ? -1 : 1; /* also when w ends first (a == 0) */
  }
  return w[k] != '\0';
}

static int lex_find(const lexent *tab, size_t n, const char *s, size_t len) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = wcmp(tab[mid].w, s, len);
    if (c == 0) return (int)mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/* ---------------------------------------------------------------------
 * Tokens
 * --------------------------------------------------------------------- */


static const struct {
  const lexent *tab;
  size_t n;
} LEXICONS[LEX_COUNT] = {
    {CARDINALS, N(CARDINALS)}, {ORDINALS, N(ORDINALS)}, {UNITS, N(UNITS)},
    {GLUED_UNITS, N(GLUED_UNITS)}, {WEEKDAYS, N(WEEKDAYS)}, {MONTHS, N(MONTHS)},
    {RELDAYS, N(RELDAYS)}, {PODS, N(PODS)}, {RELS, N(RELS)}, {ZONES, N(ZONES)},
    {FILLERS, N(FILLERS)}, {GATE, N(GATE)},
};

/* Lexicon look-ups of the tokens near the parsers, direct-mapped by token
 * index (the parsers look a few tokens around the current one). Lives on
 * tact_timex_find's stack. */
#define CACHE 64
typedef struct lexcache {
  size_t tok[CACHE];     /* token index + 1; 0 = empty */
  int32_t gate[CACHE];   /* the token's GATE value, -1 = not there */
  uint16_t known[CACHE]; /* lexicons whose value is in v */
  int16_t v[CACHE][LEX_COUNT];
} lexcache;

typedef struct P {
  const tact_text *t;
  const tact_timex_ctx *ctx;
  size_t lo, lim; /* the current sentence's tokens [lo, lim) */
  int64_t now;
  lexcache *lc;
} P;

static const char *nm(const P *p, size_t i, size_t *n) { return tact_text_norm(p->t, i, n); }

static bool eq(const P *p, size_t i, const char *w) {
  if (i >= p->lim) return false;
  const tact_token *tk = &p->t->tokens[i];
  const char *s = p->t->norm.data + tk->norm_off;
  size_t n = tk->norm_len, k = 0;
  if (!n || s[0] != w[0]) return false; /* most calls end here */
  while (k < n && w[k] == s[k]) k++;
  return k == n && w[k] == '\0';
}

static int kind(const P *p, size_t i) { return i < p->lim ? p->t->tokens[i].kind : TACT_TOKEN_NONE; }
static unsigned flags(const P *p, size_t i) { return i < p->lim ? p->t->tokens[i].flags : 0; }
static bool is_word(const P *p, size_t i) { return kind(p, i) == TACT_TOKEN_WORD; }
/* Token i follows token i-1 after bytes that made no token and no space:
 * the tokenizer drops a hyphen between two word characters ("10am-5pm",
 * "15h30-18h"). */
static bool silent_hyphen(const P *p, size_t i) {
  return i > p->lo && i < p->lim && p->t->tokens[i - 1].end < p->t->tokens[i].start &&
         !(p->t->tokens[i].flags & TACT_TOKEN_SPACE_BEFORE);
}

/* No space between token i-1 and token i. */
static bool glued(const P *p, size_t i) {
  return i > p->lo && i < p->lim && p->t->tokens[i - 1].end == p->t->tokens[i].start;
}

/* Whether word token i is in lexicon `id`, and its value. The token's GATE
 * entry, looked up once and remembered, says which lexicons hold it: most
 * questions are answered without a search. */
static bool lx(const P *p, size_t i, int id, int *v) {
  if (i >= p->lim || kind(p, i) != TACT_TOKEN_WORD) return false;
  lexcache *c = p->lc;
  size_t slot = i % CACHE, len = 0;
  const char *s = NULL;
  if (c->tok[slot] != i + 1) {
    s = nm(p, i, &len);
    int k = lex_find(GATE, N(GATE), s, len);
    c->tok[slot] = i + 1;
    c->gate[slot] = k < 0 ? -1 : GATE[k].v;
    c->known[slot] = 0;
  }
  int32_t g = c->gate[slot];
  if (g < 0) return false;
  if (id == LEX_GATE) {
    if (v) *v = g;
    return true;
  }
  if (!(g & (1 << (3 + id)))) return false;
  uint16_t bit = (uint16_t)(1u << id);
  if (!(c->known[slot] & bit)) {
    if (!s) s = nm(p, i, &len);
    int k = lex_find(LEXICONS[id].tab, LEXICONS[id].n, s, len);
    if (k < 0) return false; /* GATE says otherwise: keep to the lexicon */
    c->v[slot][id] = (int16_t)LEXICONS[id].tab[k].v;
    c->known[slot] |= bit;
  }
  if (v) *v = c->v[slot][id];
  return true;
}
#define LX(p, i, tab, v) lx(p, i, LEX_##tab, v)

/* The GATE classes of token i (GS, GA, GP). */
static unsigned gate_class(const P *p, size_t i) {
  if (i >= p->lim) return 0;
  const tact_token *tk = &p->t->tokens[i];
  const char *s = p->t->norm.data + tk->norm_off;
  size_t n = tk->norm_len;
  switch (tk->kind) {
  case TACT_TOKEN_NUMBER: return GS | GA | GP;
  case TACT_TOKEN_PUNCT:
  case TACT_TOKEN_SYMBOL: return n == 1 && s[0] == '@' ? GS | GP : GP;
  case TACT_TOKEN_WORD: break;
  default: return 0;
  }
  if (n && s[0] >= '0' && s[0] <= '9') return GS | GA | GP; /* "48h", "15h30", "2018q4" */
  if (n == 2 && s[0] == 'q' && s[1] >= '1' && s[1] <= '4') return GA | GP; /* "Q2" */
  int v;
  return LX(p, i, GATE, &v) ? (unsigned)v | GP : 0;
}

/* Matches the space-separated words of `phrase` at i; returns the end or 0.
 * Most calls fail on the first byte, tested before anything else. */
static size_t seq(const P *p, size_t i, const char *phrase) {
  if (i >= p->lim) return 0;
  const tact_token *t0 = &p->t->tokens[i];
  if (!t0->norm_len || p->t->norm.data[t0->norm_off] != phrase[0]) return 0;
  const char *w = phrase;
  while (*w) {
    if (i >= p->lim) return 0;
    const tact_token *tk = &p->t->tokens[i];
    const char *s = p->t->norm.data + tk->norm_off;
    size_t n = tk->norm_len, k = 0;
    while (k < n && w[k] == s[k]) k++;
    if (k < n || (w[k] != ' ' && w[k] != '\0')) return 0;
    i++;
    w += k + (w[k] == ' ');
  }
  return i;
}

/* The first byte of token i's normalized form; -1 past the sentence. Lists
 * are scanned on it before any comparison. */
static int first_byte(const P *p, size_t i) {
  if (i >= p->lim) return -1;
  const tact_token *tk = &p->t->tokens[i];
  return tk->norm_len ? (unsigned char)p->t->norm.data[tk->norm_off] : -1;
}

static bool starts(const char *w, int c) { return (unsigned char)w[0] == c; }

/* The index of the first word of a NULL-terminated list equal to token i, or -1. */
static int eq_any(const P *p, size_t i, const char *const *list) {
  int c = first_byte(p, i);
  for (int k = 0; c >= 0 && list[k]; k++)
    if (starts(list[k], c) && eq(p, i, list[k])) return k;
  return -1;
}

/* The first phrase of a NULL-terminated list matching at i (longest lists
 * first where one phrase is a prefix of another). */
static size_t seq_any(const P *p, size_t i, const char *const *list, int *which) {
  int c = first_byte(p, i);
  for (int k = 0; c >= 0 && list[k]; k++) {
    if (!starts(list[k], c)) continue;
    size_t e = seq(p, i, list[k]);
    if (e) {
      if (which) *which = k;
      return e;
    }
  }
  return 0;
}

/* A NUMBER token split into fields: "3", "1.5", "2-3", "10:30", "3/4/2026",
 * "5pm", "3:15pm", "1st". Currency, percent and other symbols fail. */
typedef struct numtok {
  int nf;
  int64_t f[4];
  int dig[4];
  char sep[3];
  char suf[3]; /* "am", "pm", "st", "nd", "rd", "th" or "" */
} numtok;

static bool numtok_parse(const char *s, size_t n, numtok *o) {
  memset(o, 0, sizeof *o);
  size_t i = 0;
  for (;;) {
    if (i >= n || s[i] < '0' || s[i] > '9' || o->nf == 4) return false;
    int64_t v = 0;
    int d = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, d++) {
      if (d == 9) return false;
      v = v * 10 + (s[i] - '0');
    }
    o->f[o->nf] = v;
    o->dig[o->nf++] = d;
    if (i == n) return true;
    char c = s[i];
    if (c == '.' || c == ',' || c == ':' || c == '/' || c == '-') {
      if (o->nf == 4) return false;
      o->sep[o->nf - 1] = c;
      i++;
      continue;
    }
    if (n - i == 2 && s[i] >= 'a' && s[i] <= 'z') {
      o->suf[0] = s[i];
      o->suf[1] = s[i + 1];
      return !strcmp(o->suf, "am") || !strcmp(o->suf, "pm") || !strcmp(o->suf, "st") ||
             !strcmp(o->suf, "nd") || !strcmp(o->suf, "rd") || !strcmp(o->suf, "th");
    }
    return false;
  }
}

static bool numtok_at(const P *p, size_t i, numtok *o) {
  if (kind(p, i) != TACT_TOKEN_NUMBER) return false;
  size_t n;
  const char *s = nm(p, i, &n);
  return numtok_parse(s, n, o);
}

static bool is_ord_suffix(const char *suf) {
  return !strcmp(suf, "st") || !strcmp(suf, "nd") || !strcmp(suf, "rd") || !strcmp(suf, "th");
}

/* A plain integer token ("42"); `dig` gets its digit count. */
static bool int_at(const P *p, size_t i, int64_t *v, int *dig) {
  numtok nt;
  if (!numtok_at(p, i, &nt) || nt.nf != 1 || nt.suf[0]) return false;
  *v = nt.f[0];
  if (dig) *dig = nt.dig[0];
  return true;
}

/* A word starting with digits: digits, letters, digits ("48h", "15h30",
 * "7a", "14april", "3ish"). */
typedef struct alnum {
  int64_t a, b;
  int ad, bd;
  char l[16];
  size_t ln;
} alnum;

static bool alnum_at(const P *p, size_t i, alnum *o) {
  if (kind(p, i) != TACT_TOKEN_WORD) return false;
  size_t n, k = 0;
  const char *s = nm(p, i, &n);
  memset(o, 0, sizeof *o);
  for (; k < n && s[k] >= '0' && s[k] <= '9'; k++, o->ad++) {
    if (o->ad == 9) return false;
    o->a = o->a * 10 + (s[k] - '0');
  }
  if (!o->ad) return false;
  for (; k < n && s[k] >= 'a' && s[k] <= 'z'; k++) {
    if (o->ln + 1 >= sizeof o->l) return false;
    o->l[o->ln++] = s[k];
  }
  if (!o->ln) return false;
  for (; k < n && s[k] >= '0' && s[k] <= '9'; k++, o->bd++) {
    if (o->bd == 9) return false;
    o->b = o->b * 10 + (s[k] - '0');
  }
  return k == n;
}

/* ---------------------------------------------------------------------
 * Numbers in words and digits
 * --------------------------------------------------------------------- */

/* "seven", "forty-eight", "forty eight", "12". */
static size_t p_card(const P *p, size_t i, int64_t *v) {
  int a, b;
  int dig;
  if (int_at(p, i, v, &dig)) return i + 1;
  if (!LX(p, i, CARDINALS, &a)) return 0;
  if (a >= 20 && a % 10 == 0 && LX(p, i + 1, CARDINALS, &b) && b >= 1 && b <= 9) {
    *v = a + b;
    return i + 2;
  }
  *v = a;
  return i + 1;
}

/* "3rd", "third", "twenty-first". */
static size_t p_ord(const P *p, size_t i, int64_t *v) {
  numtok nt;
  int a, b;
  if (numtok_at(p, i, &nt) && nt.nf == 1 && is_ord_suffix(nt.suf)) {
    *v = nt.f[0];
    return i + 1;
  }
  if (LX(p, i, CARDINALS, &a) && (a == 20 || a == 30) && LX(p, i + 1, ORDINALS, &b) && b <= 9) {
    *v = a + b;
    return i + 2;
  }
  if (LX(p, i, ORDINALS, &a)) {
    *v = a;
    return i + 1;
  }
  return 0;
}

/* ---------------------------------------------------------------------
 * Quantities and durations
 * --------------------------------------------------------------------- */

typedef struct qty {
  int64_t lo, hi; /* thousandths */
  bool is_a;      /* "a", "an": needs a singular unit, and is idiomatic in places */
  bool whole;     /* an integer that may take "and a half" */
} qty;

/* "half", "a quarter", "three quarters" before "of an hour"/"an hour"/"hour". */
static size_t p_fraction(const P *p, size_t i, int64_t *v) {
  static const char *const half[] = {"half a", "half an", "a half", "half", NULL};
  static const char *const quarter[] = {"a quarter of an", "a quarter of a", "quarter of an",
                                        "a quarter", NULL};
  static const char *const three[] = {"three quarters of an", "three quarters of a",
                                      "three quarter of an", "three quarters", NULL};
  size_t e;
  if ((e = seq_any(p, i, half, NULL))) *v = K / 2;
  else if ((e = seq_any(p, i, quarter, NULL))) *v = K / 4;
  else if ((e = seq_any(p, i, three, NULL))) *v = 3 * K / 4;
  return e;
}

/* A number token as a quantity: "2", "1.5", "2-3", "1/2". */
static size_t p_qty_number(const P *p, size_t i, qty *q) {
  numtok nt;
  if (!numtok_at(p, i, &nt) || nt.suf[0]) return 0;
  if (nt.nf == 1) {
    if (nt.f[0] > QMAX) return 0;
    q->lo = q->hi = nt.f[0] * K;
    q->whole = true;
    return i + 1;
  }
  if (nt.nf != 2) return 0;
  if (nt.sep[0] == '.' && nt.f[0] <= QMAX) {
    int64_t frac = nt.f[1];
    int d = nt.dig[1];
    for (; d > 3; d--) frac /= 10;
    for (; d < 3; d++) frac *= 10;
    q->lo = q->hi = nt.f[0] * K + frac;
    return i + 1;
  }
  if (nt.sep[0] == '-' && nt.f[0] < nt.f[1] && nt.f[1] <= QMAX) {
    q->lo = nt.f[0] * K;
    q->hi = nt.f[1] * K;
    return i + 1;
  }
  if (nt.sep[0] == '/' && nt.f[0] > 0 && nt.f[0] < nt.f[1] && nt.f[1] <= 4) {
    q->lo = q->hi = nt.f[0] * K / nt.f[1];
    return i + 1;
  }
  return 0;
}

static size_t p_qty_base(const P *p, size_t i, qty *q) {
  static const char *const couple[] = {"a couple of", "a couple", "couple of", "a pair of",
                                       "couple", NULL};
  static const char *const few[] = {"a few", "few", NULL};
  int64_t v;
  size_t e;
  memset(q, 0, sizeof *q);
  if ((e = p_qty_number(p, i, q))) return e;
  if ((e = p_fraction(p, i, &v))) {
    q->lo = q->hi = v;
    return e;
  }
  if ((e = seq_any(p, i, couple, NULL))) {
    q->lo = q->hi = 2 * K;
    return e;
  }
  if ((e = seq_any(p, i, few, NULL))) {
    q->lo = 2 * K;
    q->hi = 3 * K;
    return e;
  }
  if (eq(p, i, "several")) {
    q->lo = 3 * K;
    q->hi = 5 * K;
    return i + 1;
  }
  if ((e = seq(p, i, "a dozen")) || (e = seq(p, i, "dozen"))) {
    q->lo = q->hi = 12 * K;
    return e;
  }
  if (eq(p, i, "a") || eq(p, i, "an")) {
    q->lo = q->hi = K;
    q->is_a = q->whole = true;
    return i + 1;
  }
  if ((e = p_card(p, i, &v)) && kind(p, i) == TACT_TOKEN_WORD) {
    q->lo = q->hi = v * K;
    q->whole = true;
    return e;
  }
  return 0;
}

/* "and a half", "and half", "and a quarter", "and three quarters". */
static size_t p_and_fraction(const P *p, size_t i, int64_t *v) {
  if (!eq(p, i, "and")) return 0;
  size_t j = i + 1;
  int64_t n;
  if (eq(p, j, "a") || eq(p, j, "an")) j++;
  if (eq(p, j, "half")) {
    *v = K / 2;
    return j + 1;
  }
  if (eq(p, j, "quarter")) {
    *v = K / 4;
    return j + 1;
  }
  size_t e = p_card(p, j, &n);
  if (e && n >= 1 && n <= 3 && (eq(p, e, "quarters") || eq(p, e, "quarter"))) {
    *v = n * K / 4;
    return e + 1;
  }
  return 0;
}

/* A quantity with an optional range: "2", "two to three", "2 - 3", "1 or 2",
 * "between 2 and 3", "one and a half". */
static size_t p_qty(const P *p, size_t i, qty *q) {
  qty b;
  size_t e, f;
  if (eq(p, i, "between") && (e = p_qty_base(p, i + 1, q)) && !q->is_a && eq(p, e, "and") &&
      (f = p_qty_base(p, e + 1, &b)) && !b.is_a && b.hi > q->lo) {
    q->hi = b.hi;
    q->whole = false;
    return f;
  }
  if (!(e = p_qty_base(p, i, q))) return 0;
  int64_t fr;
  if (q->whole && !q->is_a && (f = p_and_fraction(p, e, &fr))) {
    q->lo += fr;
    q->hi += fr;
    q->whole = false;
    return f;
  }
  if (!q->is_a && (eq(p, e, "-") || eq(p, e, "to") || eq(p, e, "or") || eq(p, e, "through")) &&
      (f = p_qty_base(p, e + 1, &b)) && !b.is_a && b.lo > q->hi) {
    q->hi = b.hi;
    q->whole = false;
    return f;
  }
  return e;
}

typedef struct dur {
  int64_t lo[U_COUNT], hi[U_COUNT]; /* thousandths of each unit */
  int small;                        /* the smallest unit named */
  bool any;
} dur;

static int unit_rank(int u) {
  switch (u) {
  case U_BHOUR: return U_HOUR;
  case U_BDAY: return U_DAY;
  default: return u;
  }
}

/* A unit word at i, with "business"/"working" before days and hours. */
static size_t p_unit(const P *p, size_t i, int *u, bool singular_only) {
  size_t j = i;
  bool biz = false;
  if (eq(p, j, "business") || eq(p, j, "working") || eq(p, j, "work") || eq(p, j, "biz")) {
    biz = true;
    j++;
  }
  size_t n;
  if (!LX(p, j, UNITS, u)) return 0;
  const char *s = nm(p, j, &n);
  if (singular_only && s[n - 1] == 's' && strcmp(s, "hrs") != 0 && n > 3) return 0;
  if (biz) {
    if (*u == U_DAY) *u = U_BDAY;
    else if (*u == U_HOUR) *u = U_BHOUR;
    else if (*u != U_WEEK) return 0;
  }
  return j + 1;
}

static void dur_add(dur *d, int u, int64_t lo, int64_t hi) {
  if (u == U_FORTNIGHT) {
    u = U_WEEK;
    lo *= 2;
    hi *= 2;
  }
  d->lo[u] += lo;
  d->hi[u] += hi;
  if (!d->any || unit_rank(u) < unit_rank(d->small)) d->small = u;
  d->any = true;
}

/* One "quantity unit" term. `first` allows a range. */
static size_t p_term(const P *p, size_t i, dur *d, int *unit, bool first) {
  alnum al;
  int u;
  qty q;
  size_t e;
  if (alnum_at(p, i, &al) && !al.bd && lex_find(GLUED_UNITS, N(GLUED_UNITS), al.l, al.ln) >= 0 &&
      al.a <= QMAX) {
    u = GLUED_UNITS[lex_find(GLUED_UNITS, N(GLUED_UNITS), al.l, al.ln)].v;
    if (u == U_DAY && al.ln == 1) return 0; /* "3d" is three-dimensional */
    dur_add(d, u, al.a * K, al.a * K);
    *unit = u;
    return i + 1;
  }
  if (!(e = p_qty(p, i, &q)) || (!first && q.hi != q.lo)) return 0;
  /* "in 15'", "within 30\"": minutes and seconds marks, only after a word of
   * time ("5'" alone is five feet) */
  if (kind(p, i) == TACT_TOKEN_NUMBER && glued(p, e) && (eq(p, e, "'") || eq(p, e, "\"")) && i > p->lo &&
      (eq(p, i - 1, "in") || eq(p, i - 1, "within") || eq(p, i - 1, "after"))) {
    u = eq(p, e, "'") ? U_MIN : U_SEC;
    dur_add(d, u, q.lo, q.hi);
    *unit = u;
    return e + 1;
  }
  /* "24-48h": a range glued to a unit letter */
  if (glued(p, e) && LX(p, e, GLUED_UNITS, &u) && kind(p, i) == TACT_TOKEN_NUMBER) {
    dur_add(d, u, q.lo, q.hi);
    *unit = u;
    return e + 1;
  }
  while (LX(p, e, FILLERS, NULL)) e++;
  /* "two and a quarter of hour" */
  if (eq(p, e, "of") && q.lo % K && p_unit(p, e + 1, &u, false)) e++;
  size_t f = p_unit(p, e, &u, q.is_a);
  if (!f && q.lo < K && q.lo == q.hi && kind(p, i) == TACT_TOKEN_NUMBER && eq(p, e, "h")) {
    u = U_HOUR; /* "1/2 h" */
    f = e + 1;
  }
  if (!f) return 0;
  /* "a second battery": the ordinal */
  static const char *const after_second[] = {"or", "and", "to", "from", "ago", "later", "before",
                                             "after", "please", "now", "then", "more", "longer",
                                             "so", "of", "for", NULL};
  if (u == U_SEC && eq(p, f - 1, "second") && is_word(p, f)) {
    if (eq_any(p, f, after_second) < 0) return 0;
  }
  int64_t fr;
  size_t g = p_and_fraction(p, f, &fr);
  if (g && q.lo == q.hi && q.whole) {
    q.lo += fr;
    q.hi += fr;
    f = g;
  }
  /* "a day or two", "an hour or two": the second number is the upper end */
  qty q2;
  int u2;
  if (first && q.lo == q.hi && eq(p, f, "or") && (g = p_qty_base(p, f + 1, &q2)) && !q2.is_a &&
      q2.lo == q2.hi && q2.lo > q.hi && q2.hi <= 10 * K && !p_unit(p, g, &u2, false)) {
    q.hi = q2.hi;
    f = g;
  }
  dur_add(d, u, q.lo, q.hi);
  *unit = u;
  return f;
}

/* "1 hour thirty", "2 hours and 10": bare minutes after hours. */
static size_t p_minutes_tail(const P *p, size_t i, dur *d) {
  size_t j = i + eq(p, i, "and");
  int64_t v;
  size_t e = p_card(p, j, &v);
  if (!e || v < 1 || v > 59) return 0;
  if (is_word(p, e) && !eq(p, e, "and")) return 0;
  dur_add(d, U_MIN, v * K, v * K);
  return e;
}

/* Terms joined by ",", "and", ", and" in decreasing units. */
static size_t p_dur(const P *p, size_t i, dur *d) {
  memset(d, 0, sizeof *d);
  int u, prev;
  size_t e = p_term(p, i, d, &prev, true);
  if (!e) return 0;
  for (int n = 0; n < 6; n++) {
    size_t j = e;
    if (eq(p, j, ",")) j++;
    if (eq(p, j, "and")) j++;
    dur t = *d;
    size_t f = p_term(p, j, &t, &u, false);
    if (f && unit_rank(u) < unit_rank(prev) && (j > e || kind(p, j) != TACT_TOKEN_PUNCT)) {
      *d = t;
      e = f;
      prev = u;
      continue;
    }
    if (prev == U_HOUR && (f = p_minutes_tail(p, e, d))) e = f;
    break;
  }
  return e;
}

/* Whether a duration is in hours, minutes and seconds only, under a day. */
static bool dur_within_day(const dur *d) {
  for (int u = U_DAY; u < U_COUNT; u++)
    if (d->hi[u] && u != U_BHOUR) return false;
  return d->hi[U_SEC] + 60 * d->hi[U_MIN] + HOUR * (d->hi[U_HOUR] + d->hi[U_BHOUR]) < (int64_t)DAY * K;
}

/* Whether a duration is a whole number of years and nothing else. */
static bool dur_whole_years(const dur *d) {
  for (int u = 0; u < U_COUNT; u++)
    if ((u != U_YEAR && d->hi[u]) || d->lo[u] != d->hi[u]) return false;
  return d->hi[U_YEAR] > 0 && d->hi[U_YEAR] % K == 0;
}

/* Adds `v` (thousandths per unit, times sign) to the instant `utc`: months,
 * days and business days on the local calendar, hours and below exactly. */
typedef struct zone {
  const tact_tz *tz;
  bool fixed;
  int32_t off;
} zone;

static int64_t to_local(const zone *z, int64_t utc) {
  return utc + (z->fixed ? z->off : tact_tz_offset(z->tz, utc));
}
static int64_t to_utc(const zone *z, int64_t local) {
  return z->fixed ? local - z->off : tact_tz_to_utc(z->tz, local);
}

static int64_t add_months(int64_t local, int64_t months) {
  int64_t day = fdiv(local, DAY), tod = local - day * DAY, y;
  unsigned m, d;
  tact_civil_from_days(day, &y, &m, &d);
  int64_t k = y * 12 + (m - 1) + months;
  int64_t ny = fdiv(k, 12);
  int nm = (int)(k - ny * 12) + 1;
  int nd = (int)d > mdays(ny, nm) ? mdays(ny, nm) : (int)d;
  return civil(ny, nm, nd) * DAY + tod;
}

static int64_t dur_apply(const P *p, const zone *z, const int64_t *v, int sign, int64_t utc) {
  int64_t months = v[U_MONTH] + 3 * v[U_QTR] + 12 * v[U_YEAR], days = v[U_DAY] + 7 * v[U_WEEK];
  if (months % K) { /* "a month and a half": fractional months are 30 days each */
    days += months * 30;
    months = 0;
  }
  int64_t secs = v[U_SEC] + 60 * v[U_MIN] + HOUR * v[U_HOUR] + (days % K) * DAY +
                 (v[U_BDAY] % K) * DAY;
  int64_t bdays = v[U_BDAY] / K, bsecs = (v[U_BHOUR] * HOUR + K / 2) / K;
  if (bdays > WALK) { /* too many to walk: a business week is seven days */
    days += bdays * 7 / 5 * K;
    bdays = 0;
  }
  if (bsecs > 8 * HOUR * WALK) {
    secs += bsecs / (8 * HOUR) * 7 / 5 * DAY * K;
    bsecs = 0;
  }
  months /= K;
  days /= K;
  if (months || days || bdays) {
    int64_t local = to_local(z, utc);
    local = add_months(local, sign * months) + sign * days * DAY;
    if (bdays) local = tact_add_business_days(local, (int)(sign * bdays), p->ctx);
    utc = to_utc(z, local);
  }
  utc += sign * ((secs + K / 2) / K);
  if (bsecs && sign > 0) utc = to_utc(z, add_business_seconds(to_local(z, utc), bsecs, p->ctx));
  else if (bsecs) utc -= bsecs; /* "3 business hours ago": plain hours */
  return utc;
}

static int unit_grain(int u) {
  switch (u) {
  case U_SEC: return TACT_GRAIN_SECOND;
  case U_MIN: return TACT_GRAIN_MINUTE;
  case U_HOUR: case U_BHOUR: return TACT_GRAIN_HOUR;
  case U_DAY: case U_BDAY: return TACT_GRAIN_DAY;
  case U_WEEK: return TACT_GRAIN_WEEK;
  case U_MONTH: return TACT_GRAIN_MONTH;
  case U_QTR: return TACT_GRAIN_QUARTER;
  default: return TACT_GRAIN_YEAR;
  }
}

/* ---------------------------------------------------------------------
 * Moments: specs and their resolution
 * --------------------------------------------------------------------- */

enum {
  S_REL = 1u << 0,     /* relative day: today, tomorrow */
  S_D = 1u << 1,       /* day of month */
  S_M = 1u << 2,       /* month */
  S_Y = 1u << 3,       /* year */
  S_WD = 1u << 4,      /* weekday */
  S_WEEK = 1u << 5,    /* relative week: this/next/last week */
  S_MPER = 1u << 6,    /* relative month */
  S_YPER = 1u << 7,    /* relative year */
  S_QTR = 1u << 8,     /* quarter */
  S_WKEND = 1u << 9,   /* weekend */
  S_CLOCK = 1u << 10,  /* clock time */
  S_POD = 1u << 11,    /* part of day */
  S_PART = 1u << 12,   /* beginning / middle / end of the period */
  S_TZ = 1u << 13,     /* explicit zone */
  S_NTH = 1u << 14,    /* nth weekday / day of the month */
  S_DATE = S_REL | S_D | S_NTH
};

enum { WD_NEXT, WD_THIS, WD_NEXTWEEK, WD_LAST, WD_AFTERNEXT };
enum { PART_BEGIN = 1, PART_MID, PART_END };
enum { AMPM_NONE = -1, AMPM_AM = 0, AMPM_PM = 1, AMPM_24 = 2 };

typedef struct spec {
  unsigned has;
  int rel;              /* S_REL */
  int64_t y;            /* S_Y */
  int m, d, d2;         /* S_M, S_D; d2 = last day of a day range, 0 = none */
  int wd, wdmode;       /* S_WD */
  int nth;              /* S_NTH: 1..5, -1 = last; on weekday wd, or on days if !S_WD */
  bool nthweek;         /* S_NTH counts whole weeks of the month or year; -n = nth last */
  bool nthwkend;        /* S_NTH on Saturday names a weekend: the window is two days */
  bool eod;             /* S_PART is "end of day": today unless a day is named */
  bool weekof;          /* the week (Monday-Sunday) of the day named */
  int off;              /* S_WEEK, S_MPER, S_YPER, S_WKEND, relative S_QTR */
  int q;                /* S_QTR: 1-4 absolute, 0 = relative */
  int part;             /* S_PART */
  int h, mi, sec, cgrain, ampm; /* S_CLOCK; h may be 24 (midnight ending the day) */
  int rh, rmi, rampm;   /* the start of a clock range ("3-4pm"), rh < 0 = none */
  int pod_lo, pod_hi;   /* S_POD, minutes */
  int tz;               /* S_TZ, minutes east */
} spec;

static void spec_init(spec *s) {
  memset(s, 0, sizeof *s);
  s->ampm = s->rampm = AMPM_NONE;
  s->rh = -1;
}

typedef struct win {
  int64_t l0, l1; /* local seconds, [l0, l1) */
  int grain;
  bool point;     /* a clock time: the deadline is l0 itself */
} win;

static zone spec_zone(const P *p, const spec *s) {
  zone z = {p->ctx ? p->ctx->tz : NULL, false, 0};
  if (s->has & S_TZ) {
    z.fixed = true;
    z.off = s->tz * 60;
  }
  return z;
}

static int64_t grain_len(int g) {
  switch (g) {
  case TACT_GRAIN_SECOND: return 1;
  case TACT_GRAIN_MINUTE: return 60;
  default: return HOUR;
  }
}

/* The hour of a clock time on a given day, from its am/pm and context. */
static int clock_hour(int h, int ampm, const spec *s, bool dated) {
  if (ampm == AMPM_AM) return h == 12 ? 0 : h;
  if (ampm == AMPM_PM) return h == 12 ? 12 : h + 12;
  if (ampm == AMPM_24 || h > 12 || h == 0) return h;
  if (s->has & S_POD) {
    if (s->pod_lo >= 18 * 60 && h == 12) return 24;
    if (s->pod_lo >= 12 * 60 && h < 12) return h + 12;
    return h == 12 && s->pod_hi <= 12 * 60 ? 0 : h;
  }
  if (dated && h <= 7) return h + 12; /* "tomorrow at 5": business hours */
  return h;
}

/* Day (local day number) of year y, month m, day d with weekday wd (-1 any):
 * the year is inferred as the next one where the date is not past, or with
 * a weekday, the first from this year on where the weekday agrees. */
static bool infer_md(int64_t today, int m, int d, int wd, int64_t *day) {
  int64_t y0;
  unsigned m0, d0;
  tact_civil_from_days(today, &y0, &m0, &d0);
  for (int k = 0; k < 28; k++) {
    int64_t y = y0 + k;
    if (d > mdays(y, m)) continue;
    int64_t c = civil(y, m, d);
    if (wd < 0 ? c >= today : wday(c) == wd) {
      *day = c;
      return true;
    }
  }
  return false;
}

/* A day of month alone ("the 24th"): this month if not past, else the next
 * month that has it; with a weekday, the first such month where it agrees. */
static bool infer_d(int64_t today, int d, int wd, int64_t *day) {
  int64_t y0;
  unsigned m0, d0;
  tact_civil_from_days(today, &y0, &m0, &d0);
  for (int k = 0; k < 400; k++) {
    int64_t ms = month_start(y0, (int64_t)m0 + k), y;
    unsigned m, dd;
    tact_civil_from_days(ms, &y, &m, &dd);
    if (d > mdays(y, (int)m)) continue;
    int64_t c = ms + d - 1;
    if (c >= today && (wd < 0 || wday(c) == wd)) {
      *day = c;
      return true;
    }
  }
  return false;
}

/* The month window a spec names (S_M with optional S_Y, or S_MPER). */
static bool month_of(const spec *s, int64_t today, int64_t *first, bool *has) {
  int64_t y0;
  unsigned m0, d0;
  tact_civil_from_days(today, &y0, &m0, &d0);
  *has = true;
  if (s->has & S_M) {
    int64_t y = (s->has & S_Y) ? s->y : (s->m >= (int)m0 ? y0 : y0 + 1);
    *first = civil(y, s->m, 1);
  } else if (s->has & S_MPER) {
    *first = month_start(y0, (int64_t)m0 + s->off);
  } else {
    *has = false;
    *first = month_start(y0, m0);
  }
  return true;
}

static bool resolve_day(const spec *s, int64_t today, int64_t *day, int64_t *day2) {
  int wd = (s->has & S_WD) ? s->wd : -1;
  *day2 = -1;
  if (s->has & S_REL) {
    *day = today + s->rel;
    return true;
  }
  if (s->has & S_D) {
    int64_t first;
    bool has_m;
    month_of(s, today, &first, &has_m);
    if ((s->has & S_M) && !(s->has & S_Y)) {
      if (!infer_md(today, s->m, s->d, wd, day)) return false;
    } else if (has_m) {
      int64_t y;
      unsigned m, d;
      tact_civil_from_days(first, &y, &m, &d);
      if (s->d > mdays(y, (int)m)) return false;
      *day = first + s->d - 1;
    } else if (!infer_d(today, s->d, wd, day)) {
      return false;
    }
    if (s->d2 > s->d) {
      int64_t y;
      unsigned m, d;
      tact_civil_from_days(*day, &y, &m, &d);
      if (s->d2 > mdays(y, (int)m)) return false;
      *day2 = *day + (s->d2 - s->d);
    }
    return true;
  }
  if (s->has & S_NTH) {
    int64_t first, y;
    unsigned m, d;
    bool has_m;
    month_of(s, today, &first, &has_m);
    if (!has_m) return false;
    tact_civil_from_days(first, &y, &m, &d);
    int len = mdays(y, (int)m);
    if (wd < 0) {
      if (s->nth > len) return false;
      *day = s->nth > 0 ? first + s->nth - 1 : first + len - 1;
    } else if (s->nth > 0) {
      *day = first + (wd - wday(first) + 7) % 7 + 7 * (s->nth - 1);
      if (*day >= first + len) return false;
    } else {
      int64_t last = first + len - 1;
      *day = last - (wday(last) - wd + 7) % 7;
    }
    return true;
  }
  if (s->has & S_WD) {
    int wd0 = wday(today);
    if (s->has & S_WEEK) {
      *day = today - wd0 + 7 * s->off + wd;
      return true;
    }
    int ahead = (wd - wd0 + 7) % 7, back = (wd0 - wd + 7) % 7;
    switch (s->wdmode) {
    case WD_THIS: *day = today + ahead; break;
    case WD_NEXTWEEK: *day = today - wd0 + 7 + wd; break;
    case WD_LAST: *day = today - (back ? back : 7); break;
    case WD_AFTERNEXT: *day = today + (ahead ? ahead : 7) + 7; break;
    default: *day = today + (ahead ? ahead : 7); break;
    }
    return true;
  }
  return false;
}

/* The window of a period without a day: month, year, week, quarter, weekend. */
static bool resolve_period(const spec *s, int64_t today, win *w) {
  int64_t y0;
  unsigned m0, d0;
  tact_civil_from_days(today, &y0, &m0, &d0);
  int64_t a, b;
  if (s->has & (S_M | S_MPER)) {
    bool has;
    month_of(s, today, &a, &has);
    int64_t y;
    unsigned m, d;
    tact_civil_from_days(a, &y, &m, &d);
    b = a + mdays(y, (int)m);
    w->grain = TACT_GRAIN_MONTH;
  } else if (s->has & S_QTR) {
    int64_t y = (s->has & S_Y) ? s->y : y0;
    int64_t q0 = s->q ? s->q - 1 : ((int64_t)m0 - 1) / 3 + s->off;
    if (s->q && !(s->has & S_Y) && s->q < ((int)m0 - 1) / 3 + 1) y++;
    a = month_start(y, 3 * q0 + 1);
    b = month_start(y, 3 * q0 + 4);
    w->grain = TACT_GRAIN_QUARTER;
  } else if (s->has & (S_Y | S_YPER)) {
    int64_t y = (s->has & S_Y) ? s->y : y0 + s->off;
    a = civil(y, 1, 1);
    b = civil(y + 1, 1, 1);
    w->grain = TACT_GRAIN_YEAR;
  } else if (s->has & S_WEEK) {
    a = today - wday(today) + 7 * s->off;
    b = a + 7;
    w->grain = TACT_GRAIN_WEEK;
  } else if (s->has & S_WKEND) {
    a = today - wday(today) + 7 * s->off + 5;
    b = a + 2;
    w->grain = TACT_GRAIN_DAY;
  } else {
    return false;
  }
  w->l0 = a * DAY;
  w->l1 = b * DAY;
  return true;
}

/* Narrows a window to its beginning, middle or end. */
static void apply_part(const spec *s, win *w) {
  int64_t a = fdiv(w->l0, DAY), b = fdiv(w->l1, DAY);
  int part = s->part;
  switch (w->grain) {
  case TACT_GRAIN_MONTH:
    if (part == PART_BEGIN) b = a + 10;
    else if (part == PART_MID) a += 10, b = a + 10;
    else a += 20;
    w->grain = TACT_GRAIN_DAY;
    break;
  case TACT_GRAIN_YEAR:
  case TACT_GRAIN_QUARTER: {
    int64_t y;
    unsigned m, d;
    tact_civil_from_days(a, &y, &m, &d);
    bool year = w->grain == TACT_GRAIN_YEAR;
    if (part == PART_BEGIN) b = month_start(y, (int64_t)m + (year ? 3 : 1));
    else if (part == PART_MID) a = month_start(y, (int64_t)m + (year ? 3 : 1)), b = month_start(y, (int64_t)m + (year ? 8 : 2));
    else a = month_start(y, (int64_t)m + (year ? 8 : 2));
    w->grain = TACT_GRAIN_MONTH;
    break;
  }
  case TACT_GRAIN_WEEK:
    if (part == PART_BEGIN) b = a + 3;
    else if (part == PART_MID) a += 2, b = a + 1;
    else a += 4;
    w->grain = TACT_GRAIN_DAY;
    break;
  case TACT_GRAIN_DAY:
    if (part == PART_BEGIN) {
      w->l1 = w->l0 + 12 * HOUR;
      w->grain = TACT_GRAIN_HOUR;
      return;
    }
    return; /* end of day: the whole day, the deadline is its last second */
  default:
    return;
  }
  w->l0 = a * DAY;
  w->l1 = b * DAY;
}

/* The clock time on `day`; without a day, the earliest of today's and
 * tomorrow's readings that is not more than an hour past ("4:23am" said at
 * 4:30 is today's, "at 3am" said then is tomorrow's). */
static void place_clock(const spec *s, int64_t nowl, int64_t today, bool dated, int64_t day,
                        win *w) {
  int64_t tod = (int64_t)s->mi * 60 + s->sec;
  w->grain = s->cgrain;
  w->point = true;
  if (dated) {
    w->l0 = day * DAY + clock_hour(s->h, s->ampm, s, true) * HOUR + tod;
    w->l1 = w->l0 + grain_len(s->cgrain);
    return;
  }
  int64_t best = INT64_MAX;
  bool ambiguous = s->ampm == AMPM_NONE && s->h >= 1 && s->h <= 12 && !(s->has & S_POD);
  for (int dd = 0; dd < 2; dd++) {
    for (int v = 0; v < (ambiguous ? 2 : 1); v++) {
      int h = ambiguous ? s->h % 12 + 12 * v : clock_hour(s->h, s->ampm, s, false);
      int64_t l = (today + dd) * DAY + h * HOUR + tod;
      if (l + HOUR > nowl && l < best) best = l;
    }
  }
  w->l0 = best;
  w->l1 = best + grain_len(s->cgrain);
}

/* Which slots may be named together: one period at most, and periods only
 * with what narrows them ("the 20th of next month", "Wednesday next week"). */
static bool spec_valid(const spec *s) {
  unsigned per = s->has & (S_WEEK | S_MPER | S_YPER | S_QTR | S_WKEND);
  if (per & (per - 1)) return false;
  if ((s->has & S_REL) && (s->has & (S_D | S_M | S_Y | S_NTH | per))) return false;
  if ((s->has & S_WEEK) && (s->has & (S_D | S_M | S_Y | S_NTH))) return false;
  if ((s->has & (S_WKEND | S_YPER)) && (s->has & (S_D | S_M | S_Y | S_WD))) return false;
  if ((s->has & S_WKEND) && (s->has & S_NTH)) return false;
  if ((s->has & S_YPER) && (s->has & S_NTH) && !s->nthweek) return false;
  if ((s->has & S_MPER) && (s->has & (S_M | S_Y))) return false;
  if ((s->has & S_QTR) && (s->has & (S_D | S_M | S_NTH | S_WD))) return false;
  if (s->nthweek && (s->has & (S_WD | S_D | S_REL))) return false;
  if ((s->has & S_YPER) && (s->has & S_NTH) && s->nthweek) return true;
  if ((s->has & S_Y) && !(s->has & (S_M | S_QTR)) && (s->has & (S_D | S_WD))) return false;
  if ((s->has & S_Y) && !(s->has & (S_M | S_QTR)) && (s->has & S_NTH) && !s->nthweek) return false;
  if ((s->has & S_MPER) && (s->has & S_WD) && !(s->has & (S_D | S_NTH))) return false;
  return true;
}

/* "the first week of March", "the 2nd last week of October 2018": whole
 * Monday-to-Sunday weeks inside the month or year, counted from either end. */
static bool resolve_nth_week(const spec *s, int64_t today, win *w) {
  spec q = *s;
  q.has &= ~(unsigned)S_NTH;
  q.nthweek = false;
  if ((s->has & (S_CLOCK | S_POD | S_PART)) || !resolve_period(&q, today, w) ||
      (w->grain != TACT_GRAIN_MONTH && w->grain != TACT_GRAIN_YEAR))
    return false;
  /* a week belongs to the month (year) that holds its Thursday, as in ISO 8601 */
  int64_t a = fdiv(w->l0, DAY), b = fdiv(w->l1, DAY);
  int64_t first = a - wday(a), last = (b - 1) - wday(b - 1), m;
  if (first + 3 < a) first += 7;
  if (last + 3 >= b) last -= 7;
  m = s->nth > 0 ? first + 7 * (s->nth - 1) : last + 7 * (s->nth + 1);
  if (m < first || m > last) return false;
  w->l0 = m * DAY;
  w->l1 = (m + 7) * DAY;
  w->grain = TACT_GRAIN_WEEK;
  return true;
}

static bool resolve(const P *p, const spec *s, win *w) {
  if (!spec_valid(s)) return false;
  spec eodspec;
  if (s->eod && !(s->has & (S_DATE | S_WD))) { /* "EOD": today's end */
    eodspec = *s;
    eodspec.has |= S_REL;
    eodspec.rel = 0;
    if (!spec_valid(&eodspec)) return false;
    s = &eodspec;
  }
  zone z = spec_zone(p, s);
  int64_t nowl = to_local(&z, p->now), today = fdiv(nowl, DAY), day = 0, day2 = -1;
  bool dated = (s->has & (S_DATE | S_WD)) != 0;
  memset(w, 0, sizeof *w);
  if (s->nthweek) return resolve_nth_week(s, today, w);
  if (dated && !resolve_day(s, today, &day, &day2)) return false;
  if (dated && s->weekof) {
    if (s->has & (S_CLOCK | S_POD | S_PART)) return false;
    w->l0 = day * DAY;
    w->l1 = (day + 7) * DAY;
    w->grain = TACT_GRAIN_WEEK;
    return true;
  }
  if (dated) {
    w->l0 = day * DAY;
    w->l1 = (day2 >= 0 ? day2 + 1 : day + 1 + s->nthwkend) * DAY;
    w->grain = TACT_GRAIN_DAY;
  } else if (s->has & (S_M | S_Y | S_WEEK | S_MPER | S_YPER | S_QTR | S_WKEND)) {
    if (s->has & (S_CLOCK | S_POD)) return false; /* "next week at 5pm" */
    if (!resolve_period(s, today, w)) return false;
  }
  if (s->has & S_PART) apply_part(s, w);
  if (s->has & S_POD) {
    int64_t d = dated ? (day2 >= 0 ? day2 : day) : today;
    if (s->has & S_CLOCK) {
      place_clock(s, nowl, today, true, d, w);
      if (!dated && w->l0 + HOUR <= nowl) place_clock(s, nowl, today, true, d + 1, w);
      return true;
    }
    if (!dated && d * DAY + s->pod_hi * 60 <= nowl) d++;
    w->l0 = d * DAY + s->pod_lo * 60;
    w->l1 = d * DAY + s->pod_hi * 60;
    w->grain = TACT_GRAIN_HOUR;
    return true;
  }
  if (s->has & S_CLOCK) {
    if (s->has & S_PART) return false;
    place_clock(s, nowl, today, dated, day2 >= 0 ? day2 : day, w);
    return true;
  }
  return dated || w->grain != 0;
}

/* ---------------------------------------------------------------------
 * Moment components. Each reads one piece at j into a copy of the spec and
 * returns its end, or 0 when it does not apply or its slots are taken.
 * --------------------------------------------------------------------- */

enum {
  F_PREP = 1u << 0,    /* a preposition or an earlier component precedes */
  F_PARTIAL = 1u << 1  /* the end of a range: bare numbers allowed */
};

/* Words that make an ambiguous month or weekday name a date. */
static bool date_prep(const P *p, size_t j) {
  static const char *const w[] = {"on", "by", "in", "of", "until", "till", "til", "before",
                                  "after", "from", "during", "since", "early", "mid", "late",
                                  "next", "this", "last", "through", "thru", "to", "every",
                                  "end", "beginning", "start", "middle", "coming", "around",
                                  "due", "starting", "between", "and", "untill", NULL};
  return j > 0 && j > p->lo && eq_any(p, j - 1, w) >= 0;
}

/* Words that may follow a day number without making it a count of things. */
static bool after_day_ok(const P *p, size_t e) {
  if (e >= p->lim || !is_word(p, e)) return true;
  static const char *const ok[] = {"at", "and", "or", "by", "to", "until", "till", "in", "on",
                                   "from", "for", "of", "@", "the", "this", "next", "before",
                                   "through", "thru", "between", "is", "will", "would",
                                   "should", "we", "i", "you", "it", "so", "but", "then",
                                   "latest", NULL};
  int v;
  if (eq_any(p, e, ok) >= 0) return true;
  if (LX(p, e, MONTHS, &v) || LX(p, e, WEEKDAYS, &v) || LX(p, e, RELDAYS, &v) ||
      LX(p, e, PODS, &v) || LX(p, e, ZONES, &v))
    return true;
  size_t n;
  const char *s = nm(p, e, &n);
  return (n == 2 && (!memcmp(s, "am", 2) || !memcmp(s, "pm", 2))) ||
         (n == 4 && (!memcmp(s, "a.m.", 4) || !memcmp(s, "p.m.", 4)));
}

static bool year_value(int64_t v, int dig, int64_t *y) {
  if (dig == 4 && v >= 1000 && v <= 2999) {
    *y = v;
    return true;
  }
  if (dig == 2) {
    *y = v < 50 ? 2000 + v : 1900 + v;
    return true;
  }
  return false;
}

/* An optional year after a date: ", 2014", "2014", or "74" glued by "-"/"/". */
static size_t p_year_after(const P *p, size_t j, spec *s) {
  size_t k = j;
  int64_t v, y;
  int dig;
  if (eq(p, k, ",")) k++;
  bool sep = (eq(p, k, "/") || eq(p, k, "-")) && glued(p, k);
  if (sep) k++;
  bool join = glued(p, k) || silent_hyphen(p, k);
  if (!int_at(p, k, &v, &dig) || (dig == 2 && !join) || !year_value(v, dig, &y)) return j;
  if (dig == 2 && !after_day_ok(p, k + 1)) return j;
  s->y = y;
  s->has |= S_Y;
  return k + 1;
}

/* The "." after an abbreviated name ("Sep.", "Thu."), when the name is at
 * most `maxlen` letters and the dot does not end the sentence. */
static bool abbrev_dot(const P *p, size_t j, size_t maxlen) {
  size_t n;
  nm(p, j, &n);
  return n <= maxlen && eq(p, j + 1, ".") && glued(p, j + 1) && j + 2 < p->lim;
}

/* A month name at j; ambiguous ones ("may", "march") only when `strong`. */
static size_t p_month_word(const P *p, size_t j, int *m, bool strong) {
  int v;
  if (!LX(p, j, MONTHS, &v)) return 0;
  if (v > 20 && !strong) return 0;
  *m = v > 20 ? v - 20 : v;
  static const size_t full[12] = {7, 8, 5, 5, 3, 4, 4, 6, 9, 7, 8, 8}; /* "january"... */
  return j + 1 + abbrev_dot(p, j, full[*m - 1] - 1);
}

/* A day of month at j: "3", "3rd", "third", "twenty-first". */
static size_t p_day(const P *p, size_t j, int *d, bool digits_only) {
  int64_t v;
  int dig;
  size_t e;
  if (int_at(p, j, &v, &dig) && dig <= 2 && v >= 1 && v <= 31) {
    *d = (int)v;
    return j + 1;
  }
  if ((e = p_ord(p, j, &v)) && v >= 1 && v <= 31 && (!digits_only || kind(p, j) == TACT_TOKEN_NUMBER)) {
    *d = (int)v;
    return e;
  }
  return 0;
}

/* "13-15" as a day range, or day ("-"|"to"|"through"|"thru"|"till") day. */
static size_t p_day_range(const P *p, size_t j, int *d, int *d2) {
  numtok nt;
  size_t e, f;
  *d2 = 0;
  if (numtok_at(p, j, &nt) && nt.nf == 2 && nt.sep[0] == '-' && !nt.suf[0] && nt.f[0] >= 1 &&
      nt.f[0] < nt.f[1] && nt.f[1] <= 31) {
    *d = (int)nt.f[0];
    *d2 = (int)nt.f[1];
    return j + 1;
  }
  if (!(e = p_day(p, j, d, false))) return 0;
  static const char *const to[] = {"-", "to", "through", "thru", "till", "until", NULL};
  size_t k;
  if ((k = seq_any(p, e, to, NULL))) {
    if (eq(p, k, "the")) k++;
    if ((f = p_day(p, k, d2, false)) && *d2 > *d) return f;
  }
  *d2 = 0;
  return e;
}

static bool spec_take(spec *s, unsigned slots) {
  if (s->has & slots) return false;
  s->has |= slots;
  return true;
}

/* month [the] day[-day] [, year] */
static size_t c_month_day(const P *p, size_t j, spec *s, unsigned fl) {
  int m, d, d2;
  size_t e = p_month_word(p, j, &m, true), f;
  if (!e) return 0;
  size_t k = e;
  if (eq(p, k, "the")) k++;
  if (!(f = p_day_range(p, k, &d, &d2))) return 0;
  /* "Aug 8 - Aug 12" */
  int m2, d3;
  size_t g;
  if (!d2 && (eq(p, f, "-") || eq(p, f, "to") || eq(p, f, "through") || eq(p, f, "thru")) &&
      (g = p_month_word(p, f + 1, &m2, true)) && m2 == m && (g = p_day(p, g, &d3, false)) &&
      d3 > d) {
    d2 = d3;
    f = g;
  }
  bool strong = LX(p, j, MONTHS, NULL) && (LX(p, j, MONTHS, &m2), m2 < 20);
  if (!strong && !(fl & F_PREP) && !(kind(p, k) == TACT_TOKEN_NUMBER && after_day_ok(p, f)))
    return 0;
  if (!after_day_ok(p, f)) return 0;
  spec t = *s;
  if (!spec_take(&t, S_M | S_D)) return 0;
  t.m = m;
  t.d = d;
  t.d2 = d2;
  f = p_year_after(p, f, &t);
  *s = t;
  return f;
}

/* [the] day[-day] [of] month [year]; "31/Oct/1974", "14april 2015" */
static size_t c_day_month(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  int m, d, d2 = 0;
  size_t k = j, e;
  alnum al;
  if (alnum_at(p, k, &al) && !al.bd && al.a >= 1 && al.a <= 31) {
    int mv = lex_find(MONTHS, N(MONTHS), al.l, al.ln);
    if (mv < 0) return 0;
    m = MONTHS[mv].v % 20;
    d = (int)al.a;
    e = k + 1;
  } else {
    if (eq(p, k, "the")) k++;
    static const char *const to[] = {"to", "-", "through", "thru", "till", "until", NULL};
    if (!(e = p_day(p, k, &d, false))) return 0;
    size_t r;
    if ((r = seq_any(p, e, to, NULL))) {
      size_t r2 = r + eq(p, r, "the");
      size_t f = p_day(p, r2, &d2, false);
      if (f && d2 > d) e = f;
      else d2 = 0;
    } else {
      numtok nt;
      if (numtok_at(p, k, &nt) && nt.nf == 2 && nt.sep[0] == '-' && nt.f[0] < nt.f[1] &&
          nt.f[1] <= 31 && !nt.suf[0])
        d = (int)nt.f[0], d2 = (int)nt.f[1], e = k + 1;
    }
    bool sep = (eq(p, e, "/") || eq(p, e, "-")) && glued(p, e);
    if (sep) e++;
    else if (silent_hyphen(p, e)) {
    } else if (eq(p, e, "of")) e++;
    else if (eq(p, e, "day") && eq(p, e + 1, "of")) e += 2;
    size_t f = p_month_word(p, e, &m, true);
    if (!f) return 0;
    e = f;
  }
  if (!after_day_ok(p, e) && !eq(p, e, ",") && kind(p, e) != TACT_TOKEN_NUMBER) return 0;
  spec t = *s;
  if (!spec_take(&t, S_M | S_D)) return 0;
  t.m = m;
  t.d = d;
  t.d2 = d2;
  e = p_year_after(p, e, &t);
  *s = t;
  return e;
}

static bool valid_md(int64_t m, int64_t d) { return m >= 1 && m <= 12 && d >= 1 && d <= 31; }

/* Numeric dates: "3/4", "3/4/2026", "2026-03-04", "10.31.1974", "2014-10",
 * "2/2013"; "24/7" never. */
static size_t c_numeric_date(const P *p, size_t j, spec *s, unsigned fl) {
  numtok nt;
  if (!numtok_at(p, j, &nt) || nt.suf[0]) return 0;
  spec t = *s;
  int64_t a = nt.f[0], b = nt.f[1], c = nt.f[2], y;
  char s0 = nt.sep[0], s1 = nt.sep[1];
  bool day_first = p->ctx && p->ctx->day_first;
  if (nt.nf == 3 && s0 == s1 && (s0 == '/' || s0 == '-' || s0 == '.')) {
    if (nt.dig[0] == 4) { /* 2026-03-04 */
      if (!valid_md(b, c)) return 0;
      t.y = a, t.m = (int)b, t.d = (int)c;
    } else {
      if (!year_value(c, nt.dig[2], &y)) return 0;
      bool mf = !day_first;
      if (a > 12) mf = false;
      else if (b > 12) mf = true;
      int64_t m = mf ? a : b, d = mf ? b : a;
      if (!valid_md(m, d)) return 0;
      t.y = y, t.m = (int)m, t.d = (int)d;
    }
    if (!spec_take(&t, S_Y | S_M | S_D)) return 0;
  } else if (nt.nf == 2 && (s0 == '/' || s0 == '-')) {
    if (nt.dig[0] == 4 && b >= 1 && b <= 12) { /* 2014-10 */
      t.y = a, t.m = (int)b;
      if (!spec_take(&t, S_Y | S_M)) return 0;
    } else if (nt.dig[1] == 4 && a >= 1 && a <= 12 && s0 == '/') { /* 2/2013 */
      t.y = b, t.m = (int)a;
      if (!spec_take(&t, S_Y | S_M)) return 0;
    } else {
      if (a == 24 && b == 7) return 0;
      if (nt.dig[0] > 2 || nt.dig[1] > 2) return 0;
      /* "2-15" only after a word that wants a date ("next 2-3" is a count);
       * "3/4" also alone, but not as a score or a fraction */
      static const char *const on[] = {"on", "by", "until", "till", "before", "after", "since",
                                       "due", "starting", "from", NULL};
      bool strong = j > p->lo && eq_any(p, j - 1, on) >= 0;
      if (s0 == '-' && !strong) return 0;
      strong = strong || (fl & F_PREP) || date_prep(p, j);
      if (!strong && (is_word(p, j + 1) && !after_day_ok(p, j + 1))) return 0;
      static const char *const scores[] = {"rated", "rate", "rating", "score", "scored", "gave",
                                           "give", "it", "a", "an", "the", "about", "only",
                                           NULL};
      if (!strong && j > p->lo && eq_any(p, j - 1, scores) >= 0) return 0;
      if (!after_day_ok(p, j + 1)) return 0;
      bool mf = !day_first;
      if (a > 12) mf = false;
      else if (b > 12) mf = true;
      int64_t m = mf ? a : b, d = mf ? b : a;
      if (!valid_md(m, d)) return 0;
      t.m = (int)m, t.d = (int)d;
      if (!spec_take(&t, S_M | S_D)) return 0;
    }
  } else {
    return 0;
  }
  *s = t;
  return j + 1;
}

/* A month alone or with a year: "October 2014", "in March", "next March". */
static size_t c_month(const P *p, size_t j, spec *s, unsigned fl) {
  int m, r;
  size_t k = j;
  bool rel = false;
  if (LX(p, k, RELS, &r) && (eq(p, k, "next") || eq(p, k, "this") || eq(p, k, "last"))) {
    k++;
    rel = true;
  }
  size_t e = p_month_word(p, k, &m, true);
  if (!e) return 0;
  int v;
  LX(p, k, MONTHS, &v);
  spec t = *s;
  size_t f = p_year_after(p, e, &t);
  bool strong = rel || f > e || (fl & F_PREP) || date_prep(p, j);
  if (!strong) return 0;
  if (v > 20 && !(f > e) && !after_day_ok(p, e) && !eq(p, e, ",")) return 0;
  if (v > 20 && is_word(p, e) && !(f > e)) {
    /* "in may be delayed": a modal verb, not the month */
    int tmp;
    if (!LX(p, e, RELDAYS, &tmp) && !eq(p, e, "and") && !eq(p, e, "or")) return 0;
  }
  if (!spec_take(&t, S_M)) return 0;
  t.m = m;
  if (rel && r == -1 && !(t.has & S_Y)) {
    /* "last March": the latest past one */
    int64_t y;
    unsigned m0, d0;
    zone z = spec_zone(p, s);
    tact_civil_from_days(fdiv(to_local(&z, p->now), DAY), &y, &m0, &d0);
    t.y = m < (int)m0 ? y : y - 1;
    t.has |= S_Y;
  } else if (rel && r == 1 && !(t.has & S_Y)) {
    int64_t y;
    unsigned m0, d0;
    zone z = spec_zone(p, s);
    tact_civil_from_days(fdiv(to_local(&z, p->now), DAY), &y, &m0, &d0);
    t.y = m > (int)m0 ? y : y + 1;
    t.has |= S_Y;
  }
  *s = t;
  return f;
}

/* A year after a preposition: "in 2014", "by 2027". */
static size_t c_year(const P *p, size_t j, spec *s, unsigned fl) {
  static const char *const ad[] = {"a.d.", "ad", "ce", "c.e.", NULL};
  static const char *const bc[] = {"b.c.", "bc", "bce", "b.c.e.", NULL};
  int64_t v;
  int dig;
  if (!int_at(p, j, &v, &dig) || dig > 4 || v < 1) return 0;
  if (!(fl & F_PREP) && !date_prep(p, j)) return 0;
  size_t e = j + 1;
  int era = eq_any(p, e, ad) >= 0 ? 1 : eq_any(p, e, bc) >= 0 ? -1 : 0;
  bool modern = dig == 4 && v >= 1900 && v <= 2199;
  if (era) {
    /* "in 14 a.d.", "in 2014 B.C." (year 1 - 2014, as in ISO 8601); any
     * year with an era written with dots or in capitals, but not "in 14 ad
     * campaigns" */
    size_t n;
    bool marked = nm(p, e, &n)[n - 1] == '.' || (flags(p, e) & TACT_TOKEN_ALL_CAPS);
    if (!modern && (!marked || !after_day_ok(p, e + 1))) return 0;
    if (era < 0) v = 1 - v;
    e++;
  } else if (!modern || !after_day_ok(p, e)) {
    return 0;
  }
  spec t = *s;
  if (!spec_take(&t, S_Y)) return 0;
  t.y = v;
  *s = t;
  return e;
}

/* "the 24th", "on the 3rd", "the 20th of next month": a digit ordinal. */
static size_t c_day_alone(const P *p, size_t j, spec *s, unsigned fl) {
  size_t k = j;
  bool the = eq(p, k, "the");
  if (the) k++;
  int d;
  size_t e = p_day(p, k, &d, true);
  if (!e) return 0;
  numtok nt;
  bool ord = numtok_at(p, k, &nt) && is_ord_suffix(nt.suf);
  /* "20 of next month", "20th day of the current month" */
  size_t o = e + (eq(p, e, "day") && eq(p, e + 1, "of"));
  int r;
  bool of_month = eq(p, o, "of") && (LX(p, o + 1, RELS, &r) || (eq(p, o + 1, "the") && LX(p, o + 2, RELS, &r)));
  if (!ord && !(fl & F_PARTIAL) && !of_month) return 0;
  if (!the && !of_month && !(fl & (F_PREP | F_PARTIAL)) && !date_prep(p, j)) return 0;
  if (!after_day_ok(p, e)) return 0;
  spec t = *s;
  if (!spec_take(&t, S_D)) return 0;
  t.d = d;
  *s = t;
  return e;
}

/* "of next month", "of the current month", "of this month", "day of next month". */
static size_t c_month_rel(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  size_t k = j;
  if (eq(p, k, "day")) k++;
  if (!eq(p, k, "of")) return 0;
  k++;
  if (eq(p, k, "the")) k++;
  int r;
  if (!LX(p, k, RELS, &r) || !eq(p, k + 1, "month")) return 0;
  spec t = *s;
  if (!(t.has & (S_D | S_NTH)) || !spec_take(&t, S_MPER)) return 0;
  t.off = r;
  *s = t;
  return k + 2;
}

/* "first tuesday of october", "last friday in october 2014", "third day of
 * october", "last day of the month". */
static size_t c_nth(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  size_t k = j + eq(p, j, "the");
  int64_t n;
  size_t e;
  int wd = -1, v;
  bool week = false, wkend = false;
  if (eq(p, k, "last")) {
    n = -1;
    e = k + 1;
  } else if (!(e = p_ord(p, k, &n)) || n < 1 || n > 31) {
    return 0;
  } else if (eq(p, e, "last") && eq(p, e + 1, "week")) {
    n = -n; /* "third last week" */
    e++;
  }
  if (LX(p, e, WEEKDAYS, &v) && v < 20) {
    wd = v % 10;
    if (n > 5) return 0;
  } else if (eq(p, e, "weekend") || eq(p, e, "wkend") || (eq(p, e, "week") && eq(p, e + 1, "end"))) {
    wd = 5;
    wkend = true;
    e += eq(p, e, "week");
    if (n > 5) return 0;
  } else if (eq(p, e, "week")) {
    week = true;
    if (n > 53 || n < -53) return 0;
  } else if (!eq(p, e, "day")) {
    return 0;
  }
  e++;
  if (!eq(p, e, "of") && !eq(p, e, "in")) return 0;
  e++;
  spec t = *s;
  if (!spec_take(&t, S_NTH | (wd >= 0 ? S_WD : 0))) return 0;
  t.nth = (int)n;
  t.wd = wd;
  t.nthweek = week;
  t.nthwkend = wkend;
  size_t f;
  int r = 0;
  bool the = eq(p, e, "the");
  if (eq(p, e + the, "month") || (LX(p, e + the, RELS, &r) && eq(p, e + the + 1, "month"))) {
    t.has |= S_MPER;
    t.off = eq(p, e + the, "month") ? 0 : r;
    f = e + the + 1 + !eq(p, e + the, "month");
  } else if (week && (eq(p, e + the, "year") || (LX(p, e + the, RELS, &r) && eq(p, e + the + 1, "year")))) {
    t.has |= S_YPER;
    t.off = eq(p, e + the, "year") ? 0 : r;
    f = e + the + 1 + !eq(p, e + the, "year");
  } else if ((f = c_month(p, e, &t, F_PREP))) {
  } else if (week && (f = c_year(p, e, &t, F_PREP))) {
  } else {
    return 0;
  }
  *s = t;
  return f;
}

/* today, tomorrow, tonight, the day after tomorrow, day before yesterday */
static size_t c_relday(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  int v, rel;
  size_t e, k = j + eq(p, j, "the");
  bool night = false;
  if ((e = seq(p, k, "day after tomorrow"))) rel = 2;
  else if (k == j && (e = seq(p, k, "last night"))) rel = -1, night = true;
  else if ((e = seq(p, k, "day before yesterday"))) rel = -2;
  else if (k == j && LX(p, j, RELDAYS, &v)) {
    e = j + 1;
    night = v >= 100;
    rel = night ? v - 100 : v;
  } else return 0;
  spec t = *s;
  if (t.has & (S_D | S_NTH | S_WEEK | S_MPER | S_YPER | S_M)) return 0;
  if (!spec_take(&t, S_REL)) return 0;
  t.rel = rel;
  t.has &= ~(unsigned)S_WD;
  if (night) {
    if (!spec_take(&t, S_POD)) return 0;
    t.pod_lo = 18 * 60;
    t.pod_hi = 24 * 60;
  }
  *s = t;
  return e;
}

/* [this|next|last|coming|on] weekday [after next] */
static size_t c_weekday(const P *p, size_t j, spec *s, unsigned fl) {
  int v, r = 0, mode = WD_NEXT;
  size_t k = j;
  bool det = false;
  if (eq(p, k, "the") && (eq(p, k + 1, "following") || eq(p, k + 1, "coming")) &&
      LX(p, k + 2, WEEKDAYS, &v))
    k++;
  if (LX(p, k, RELS, &r) && LX(p, k + 1, WEEKDAYS, &v)) {
    det = true;
    if (eq(p, k, "this") || eq(p, k, "current")) mode = WD_THIS;
    else if (eq(p, k, "next")) mode = WD_NEXTWEEK;
    else if (r < 0) mode = WD_LAST;
    k++;
  }
  if (!LX(p, k, WEEKDAYS, &v) || v >= 20) return 0;
  size_t e = k + 1;
  bool dot = eq(p, e, ".") && glued(p, e);
  if (v >= 10) {
    /* "sat", "sun", "wed": need a date context, or a capital inside a sentence */
    bool ctx = det || (fl & F_PREP) || date_prep(p, k) || eq(p, e, ",") ||
               ((flags(p, k) & TACT_TOKEN_CAPITALIZED) && k > p->lo) ||
               kind(p, e) == TACT_TOKEN_NUMBER || LX(p, e, MONTHS, NULL) || LX(p, e, PODS, NULL) ||
               eq(p, e, "at") || eq(p, e, "@");
    if (!ctx) return 0;
    v -= 10;
  }
  e += dot && abbrev_dot(p, k, 5);
  if (seq(p, e, "after next")) {
    mode = WD_AFTERNEXT;
    e += 2;
  }
  spec t = *s;
  if (!spec_take(&t, S_WD)) return 0;
  t.wd = v;
  t.wdmode = mode;
  *s = t;
  return e;
}

/* this/next/last week|month|year|quarter|weekend; "the following week",
 * "this week's" */
static size_t c_period(const P *p, size_t j, spec *s, unsigned fl) {
  size_t k = j + eq(p, j, "the");
  int r = 0;
  bool det = LX(p, k, RELS, &r);
  if (det) k++;
  spec t = *s;
  unsigned slot;
  size_t e = k + 1;
  if (k > j && eq(p, j, "the") && !det && eq(p, k, "week") && seq(p, k + 1, "after next")) {
    if (!spec_take(&t, S_WEEK)) return 0; /* "the week after next" */
    t.off = 2;
    *s = t;
    return k + 3;
  }
  if (eq(p, k, "week") && det) slot = S_WEEK;
  else if (eq(p, k, "month") && det) slot = S_MPER;
  else if ((eq(p, k, "year") || eq(p, k, "yr")) && det) slot = S_YPER;
  else if ((eq(p, k, "quarter") || eq(p, k, "qtr")) && det) slot = S_QTR;
  else if (eq(p, k, "weekend") || eq(p, k, "wkend") || (eq(p, k, "week") && eq(p, k + 1, "end"))) {
    if (!det && k == j && !(fl & F_PREP)) return 0;
    slot = S_WKEND;
    e = k + 1 + eq(p, k, "week");
  } else {
    return 0;
  }
  if (det && eq(p, k - 1, "past") && slot != S_WKEND) r = -1;
  if (!spec_take(&t, slot)) return 0;
  t.off = r;
  t.q = 0;
  if (eq(p, e, "'s") || eq(p, e, "s")) e++;
  *s = t;
  return e;
}

/* "third quarter", "4th qtr 2018", "the 3rd qtr of 2018", "2018q4", "q3". */
static size_t c_quarter(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  spec t = *s;
  size_t k = j + eq(p, j, "the"), e;
  int64_t n;
  alnum al;
  if (alnum_at(p, k, &al) && al.ln == 1 && al.l[0] == 'q' && al.bd == 1 && al.b >= 1 && al.b <= 4 &&
      (al.ad == 4 || al.ad == 2)) {
    int64_t y;
    if (!year_value(al.a, al.ad, &y) || !spec_take(&t, S_QTR | S_Y)) return 0;
    t.q = (int)al.b;
    t.y = y;
    *s = t;
    return k + 1;
  }
  size_t len = 0;
  const char *w = is_word(p, k) ? nm(p, k, &len) : NULL;
  if (w && len == 2 && w[0] == 'q' && w[1] >= '1' && w[1] <= '4') { /* "Q2" */
    n = w[1] - '0';
    e = k + 1;
  } else {
    if (!(e = p_ord(p, k, &n)) || n < 1 || n > 4) return 0;
    if (!eq(p, e, "quarter") && !eq(p, e, "qtr")) return 0;
    e++;
  }
  if (!spec_take(&t, S_QTR)) return 0;
  t.q = (int)n;
  size_t f = e + eq(p, e, "of");
  int64_t v;
  int dig;
  if (int_at(p, f, &v, &dig) && dig == 4) {
    t.y = v;
    t.has |= S_Y;
    e = f + 1;
  }
  *s = t;
  return e;
}

/* End/beginning of a period: "end of the month", "EOD", "COB", "early next
 * month", "by the end of next week", "beginning of January". */
static size_t c_part(const P *p, size_t j, spec *s, unsigned fl);

static size_t c_relday(const P *p, size_t j, spec *s, unsigned fl);
static size_t c_weekday(const P *p, size_t j, spec *s, unsigned fl);

/* Whether a day is named at j ("the 15th of february", "Monday"). */
static bool date_follows(const P *p, size_t j) {
  spec t;
  spec_init(&t);
  return c_month_day(p, j, &t, F_PREP) || c_day_month(p, j, &t, F_PREP) ||
         c_numeric_date(p, j, &t, F_PREP) || c_relday(p, j, &t, F_PREP) ||
         c_weekday(p, j, &t, F_PREP) || c_day_alone(p, j, &t, F_PREP);
}

/* Parts of the day: "this afternoon", "in the morning", "tomorrow morning"
 * (after a date), "early morning", "late tonight", "at lunch". */
static size_t c_pod(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  size_t k = j;
  int v;
  bool this_ = false, in_the = false, early = false, late = false;
  if (eq(p, k, "this") || eq(p, k, "today") || eq(p, k, "today's")) {
    this_ = true;
    k++;
  } else if (seq(p, k, "in the")) {
    in_the = true;
    k += 2;
  } else if (seq(p, k, "at")) {
    k++;
  }
  if (seq(p, k, "after lunch") && (k == j || this_)) {
    spec t = *s; /* "after lunch": 13:00-17:00 */
    if (!spec_take(&t, S_POD)) return 0;
    t.pod_lo = 13 * 60;
    t.pod_hi = 17 * 60;
    if (this_) t.has |= S_REL, t.rel = 0;
    *s = t;
    return k + 2;
  }
  if (eq(p, k, "early")) early = true, k++;
  else if (eq(p, k, "late")) late = true, k++;
  if (seq(p, k, "in the") && early) k += 2; /* "early in the morning" */
  bool tonight = false;
  size_t hours = 0;
  if (in_the && early && (hours = seq(p, k, "hours"))) {
    /* "in the early hours (of the morning)": early morning */
    v = 12;
    k = seq(p, hours, "of the morning") ? hours + 2 : hours - 1;
  } else if (LX(p, k, RELDAYS, &v) && v == 100 && late) {
    tonight = true;
  } else if (!LX(p, k, PODS, &v)) {
    return 0;
  }
  bool attached = (s->has & (S_DATE | S_WD | S_CLOCK)) != 0;
  if (!this_ && !in_the && !attached && !tonight && !(early || late) &&
      !(eq(p, j, "at") && (eq(p, k, "night") || eq(p, k, "lunch") || eq(p, k, "lunchtime"))) &&
      !(eq(p, k + 1, "of") && date_follows(p, k + 2)))
    return 0;
  spec t = *s;
  if (tonight) {
    if (t.has & S_POD) return 0;
    if (!(t.has & S_DATE)) {
      t.has |= S_REL;
      t.rel = 0;
    }
    v = 1824;
  }
  if (!spec_take(&t, S_POD)) return 0;
  int lo = v / 100 * 60, hi = v % 100 * 60;
  if (early && v == 12) hi = 9 * 60; /* early morning: before nine */
  else if (early) hi = lo + (hi - lo) / 2;
  else if (late) lo = hi - (hi - lo) / 2;
  t.pod_lo = lo;
  t.pod_hi = hi;
  if (this_) {
    if (t.has & S_DATE) return 0;
    t.has |= S_REL;
    t.rel = 0;
  }
  *s = t;
  return k + 1;
}

/* Clock times. */
static size_t p_ampm(const P *p, size_t j, int *ampm, bool glue_ok) {
  size_t n;
  if (j >= p->lim || !is_word(p, j)) return 0;
  const char *s = nm(p, j, &n);
  bool g = glued(p, j);
  if ((n == 2 && !memcmp(s, "am", 2)) || (n == 4 && !memcmp(s, "a.m.", 4)) ||
      (n == 3 && !memcmp(s, "a.m", 3))) {
    *ampm = AMPM_AM;
  } else if ((n == 2 && !memcmp(s, "pm", 2)) || (n == 4 && !memcmp(s, "p.m.", 4)) ||
             (n == 3 && !memcmp(s, "p.m", 3))) {
    *ampm = AMPM_PM;
  } else if (n == 1 && (s[0] == 'a' || s[0] == 'p') && eq(p, j + 1, "m") && !g) {
    *ampm = s[0] == 'a' ? AMPM_AM : AMPM_PM;
    return j + 2;
  } else if (n == 1 && (s[0] == 'a' || s[0] == 'p') && g && glue_ok) {
    *ampm = s[0] == 'a' ? AMPM_AM : AMPM_PM;
    size_t e = j + 1;
    if (eq(p, e, ".") && glued(p, e)) e++;
    return e;
  } else {
    return 0;
  }
  return j + 1;
}

typedef struct clk {
  int h, mi, sec, grain, ampm;
  bool zero;          /* written with a leading zero ("07:00"): 24-hour unless am/pm follows */
  int rh, rmi, rampm; /* range start, rh < 0 = none */
} clk;

static void clk_init(clk *c) {
  memset(c, 0, sizeof *c);
  c->ampm = c->rampm = AMPM_NONE;
  c->rh = -1;
}

static bool clk_hm(clk *c, int64_t h, int64_t mi, int64_t sec, int grain) {
  if (h > 24 || mi > 59 || sec > 59 || (h == 24 && (mi || sec))) return false;
  c->h = (int)h;
  c->mi = (int)mi;
  c->sec = (int)sec;
  c->grain = grain;
  return true;
}

/* The clock forms of one number token: "5pm", "3:15pm", "10:30", "15:23:24",
 * "3-4pm", "3:30-6", "9-11am", "1-2:30", "330"/"1030" (hhmm). */
static bool clock_numtok(const numtok *nt, clk *c, bool hhmm_ok) {
  int ampm = AMPM_NONE;
  if (!strcmp(nt->suf, "am")) ampm = AMPM_AM;
  else if (!strcmp(nt->suf, "pm")) ampm = AMPM_PM;
  else if (nt->suf[0]) return false;
  const int64_t *f = nt->f;
  if (nt->nf == 1) {
    if (nt->dig[0] <= 2 && ampm != AMPM_NONE && f[0] >= 1 && f[0] <= 12)
      return clk_hm(c, f[0], 0, 0, TACT_GRAIN_HOUR) && (c->ampm = ampm, true);
    if ((nt->dig[0] == 3 || nt->dig[0] == 4) && (hhmm_ok || ampm != AMPM_NONE) && f[0] % 100 < 60) {
      if (!clk_hm(c, f[0] / 100, f[0] % 100, 0, TACT_GRAIN_MINUTE)) return false;
      c->ampm = ampm != AMPM_NONE ? ampm : (nt->dig[0] == 4 && f[0] / 100 >= 13 ? AMPM_24 : AMPM_NONE);
      return ampm == AMPM_NONE || c->h <= 12;
    }
    return false;
  }
  /* h:mm[:ss] */
  if (nt->sep[0] == ':' && nt->dig[1] == 2 && (nt->nf == 2 || (nt->nf == 3 && nt->sep[1] == ':' && nt->dig[2] == 2))) {
    if (!clk_hm(c, f[0], f[1], nt->nf == 3 ? f[2] : 0, nt->nf == 3 ? TACT_GRAIN_SECOND : TACT_GRAIN_MINUTE))
      return false;
    c->ampm = ampm != AMPM_NONE ? ampm : (f[0] > 12 || f[0] == 0 ? AMPM_24 : AMPM_NONE);
    c->zero = nt->dig[0] == 2 && f[0] < 10;
    return ampm == AMPM_NONE || (c->h >= 1 && c->h <= 12);
  }
  /* ranges: a-b, a:mm-b, a-b:mm, a:mm-b:mm */
  if (nt->nf >= 2 && nt->nf <= 4) {
    int64_t h1, m1 = 0, h2, m2 = 0;
    int g = TACT_GRAIN_HOUR;
    if (nt->nf == 2 && nt->sep[0] == '-') h1 = f[0], h2 = f[1];
    else if (nt->nf == 3 && nt->sep[0] == ':' && nt->sep[1] == '-' && nt->dig[1] == 2)
      h1 = f[0], m1 = f[1], h2 = f[2], g = TACT_GRAIN_MINUTE;
    else if (nt->nf == 3 && nt->sep[0] == '-' && nt->sep[1] == ':' && nt->dig[2] == 2)
      h1 = f[0], h2 = f[1], m2 = f[2], g = TACT_GRAIN_MINUTE;
    else if (nt->nf == 4 && nt->sep[0] == ':' && nt->sep[1] == '-' && nt->sep[2] == ':' &&
             nt->dig[1] == 2 && nt->dig[3] == 2)
      h1 = f[0], m1 = f[1], h2 = f[2], m2 = f[3], g = TACT_GRAIN_MINUTE;
    else return false;
    if (h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59) return false;
    if (g == TACT_GRAIN_HOUR && ampm == AMPM_NONE) return false; /* "2-3" is a count */
    c->rh = (int)h1;
    c->rmi = (int)m1;
    c->rampm = h1 > 12 || (nt->dig[0] == 2 && h1 < 10) ? AMPM_24 : AMPM_NONE;
    if (!clk_hm(c, h2, m2, 0, g)) return false;
    c->ampm = ampm != AMPM_NONE ? ampm : (h2 > 12 ? AMPM_24 : AMPM_NONE);
    return true;
  }
  return false;
}

/* "noon", "midnight", "midday", "mid day", "12 noon". */
static size_t p_named_clock(const P *p, size_t j, clk *c) {
  size_t k = j;
  if (eq(p, k, "12") && (eq(p, k + 1, "noon") || eq(p, k + 1, "midnight"))) k++;
  if (eq(p, k, "noon") || eq(p, k, "midday") || eq(p, k, "noonish")) {
    clk_hm(c, 12, 0, 0, TACT_GRAIN_HOUR);
    c->ampm = AMPM_24;
    return k + 1 + (eq(p, k + 1, "ish") && glued(p, k + 1));
  }
  if (seq(p, k, "mid day")) {
    clk_hm(c, 12, 0, 0, TACT_GRAIN_HOUR);
    c->ampm = AMPM_24;
    return k + 2;
  }
  if (eq(p, k, "midnight")) {
    clk_hm(c, 24, 0, 0, TACT_GRAIN_HOUR);
    c->ampm = AMPM_24;
    return k + 1;
  }
  return 0;
}

/* Hour and minutes in words: "ten thirty", "twelve oh three", "nine fifty
 * nine", "four twenty-three". */
static size_t p_word_clock(const P *p, size_t j, clk *c) {
  int64_t h, mi = 0;
  int v;
  if (!LX(p, j, CARDINALS, &v) || v < 1 || v > 12) return 0;
  h = v;
  size_t e = j + 1, f;
  if ((eq(p, e, "oh") || eq(p, e, "o") || eq(p, e, "ou") || eq(p, e, "zero")) &&
      LX(p, e + 1, CARDINALS, &v) && v >= 1 && v <= 9) {
    mi = v;
    e += 2;
  } else if (kind(p, e) == TACT_TOKEN_WORD && (f = p_card(p, e, &mi)) && mi >= 10 && mi <= 59) {
    e = f;
  } else {
    mi = -1;
  }
  clk_hm(c, h, mi < 0 ? 0 : mi, 0, mi < 0 ? TACT_GRAIN_HOUR : TACT_GRAIN_MINUTE);
  return e;
}

/* A time-zone abbreviation after a clock time. */
static size_t p_zone(const P *p, size_t j, int *tz) { return LX(p, j, ZONES, tz) ? j + 1 : 0; }

/* Words after which a bare number is a clock time ("by 5", "until 1030").
 * A number in words only after "at" ("at three"): "from one of our stores". */
static bool hhmm_context(const P *p, size_t j, bool digits) {
  static const char *const w[] = {"at", "@", "by", "until", "till", "before", "around",
                                  "tonight", NULL};
  int k = j > p->lo ? eq_any(p, j - 1, w) : -1;
  return k >= 0 && (digits || k < 2);
}

/* "15h GMT", "15h - 18h": an hour written "15h" is a clock time here, not
 * fifteen hours. */
static bool h_clock_context(const P *p, size_t j) {
  int tz;
  alnum al;
  if (LX(p, j, ZONES, &tz)) return true;
  dur d;
  if (eq(p, j, "for") && p_dur(p, j + 1, &d) && dur_within_day(&d)) return true; /* "16h for 30 mins" */
  size_t k = silent_hyphen(p, j) ? j : (eq(p, j, "-") || eq(p, j, "to")) ? j + 1 : 0;
  return k && alnum_at(p, k, &al) && al.ln == 1 && al.l[0] == 'h' && al.a <= 24;
}

/* One clock time at j (without "at"). `bare_ok`: a bare hour ("7") is a
 * time here ("at 7", "8 tonight", range ends). */
static size_t p_clock(const P *p, size_t j, clk *c, bool bare_ok) {
  numtok nt;
  alnum al;
  size_t e = 0;
  int ampm;
  clk_init(c);
  if ((e = p_named_clock(p, j, c))) return e;
  if (numtok_at(p, j, &nt)) {
    bool hhmm = bare_ok || hhmm_context(p, j, true);
    bool next_ampm = p_ampm(p, j + 1, &ampm, true) != 0 || eq(p, j + 1, "o'clock") ||
                     eq(p, j + 1, "oclock");
    if (clock_numtok(&nt, c, hhmm || next_ampm)) {
      e = j + 1;
    } else if (nt.nf == 1 && !nt.suf[0] && nt.dig[0] <= 2 && nt.f[0] <= 24 && (bare_ok || next_ampm)) {
      clk_hm(c, nt.f[0], 0, 0, TACT_GRAIN_HOUR);
      c->ampm = nt.f[0] > 12 || (nt.dig[0] == 2 && nt.f[0] < 10) ? AMPM_24 : AMPM_NONE;
      e = j + 1;
      /* "at 3 15": minutes as a second number */
      int64_t mi;
      int dig;
      if (bare_ok && int_at(p, e, &mi, &dig) && dig == 2 && mi < 60 && !is_word(p, e + 1)) {
        c->mi = (int)mi;
        c->grain = TACT_GRAIN_MINUTE;
        e++;
      }
    } else {
      return 0;
    }
  } else if (alnum_at(p, j, &al)) {
    if (al.ln == 1 && al.l[0] == 'h' && al.a <= 24 &&
        (al.bd == 2 || (al.bd == 0 && (bare_ok || h_clock_context(p, j + 1))))) {
      if (!clk_hm(c, al.a, al.b, 0, TACT_GRAIN_MINUTE)) return 0; /* 15h30, 15h */
      c->ampm = AMPM_24;
      e = j + 1;
    } else if (al.ln == 1 && (al.l[0] == 'a' || al.l[0] == 'p') && !al.bd && al.a >= 1 && al.a <= 12) {
      clk_hm(c, al.a, 0, 0, TACT_GRAIN_HOUR); /* 7a, 3p */
      c->ampm = al.l[0] == 'a' ? AMPM_AM : AMPM_PM;
      e = j + 1 + (eq(p, j + 1, ".") && glued(p, j + 1));
      return e;
    } else if (!strcmp(al.l, "ish") && !al.bd) {
      numtok t2 = {1, {al.a, 0, 0, 0}, {al.ad, 0, 0, 0}, {0}, {0}};
      if (!clock_numtok(&t2, c, true) && !(al.a >= 1 && al.a <= 12 && clk_hm(c, al.a, 0, 0, TACT_GRAIN_HOUR)))
        return 0;
      e = j + 1;
    } else if (al.ln == 1 && al.l[0] == 'h' && al.bd == 2 && al.a <= 24) {
      return 0;
    } else {
      return 0;
    }
  } else if ((e = p_word_clock(p, j, c))) {
    if (!bare_ok && !p_ampm(p, e, &ampm, false) && !eq(p, e, "o'clock") && !eq(p, e, "oclock"))
      return 0;
  } else {
    return 0;
  }
  /* "-ish", "o'clock", am/pm */
  if (eq(p, e, "ish") && glued(p, e)) e++;
  if (eq(p, e, "o'clock") || eq(p, e, "oclock")) {
    e++;
    if (c->grain == TACT_GRAIN_MINUTE && c->mi) return 0;
  }
  size_t f;
  if (c->ampm == AMPM_NONE && (f = p_ampm(p, e, &ampm, true))) {
    if (c->h < 1 || c->h > 12) return 0;
    c->ampm = ampm;
    e = f;
  } else if (c->ampm == AMPM_NONE && (f = seq(p, e, "in the pm"))) {
    c->ampm = AMPM_PM;
    e = f;
  } else if (c->ampm == AMPM_NONE && (f = seq(p, e, "in the am"))) {
    c->ampm = AMPM_AM;
    e = f;
  }
  if (c->ampm == AMPM_NONE && c->zero) c->ampm = AMPM_24;
  return e;
}

/* "half past three", "a quarter to noon", "20 minutes past 3pm", "15 to noon". */
static size_t p_clock_offset(const P *p, size_t j, clk *c) {
  int64_t m;
  size_t e;
  bool strong = false;
  if ((e = seq(p, j, "half"))) m = 30, strong = true;
  else if ((e = seq(p, j, "a quarter")) || (e = seq(p, j, "quarter"))) m = 15, strong = true;
  else if ((e = p_card(p, j, &m)) && m >= 1 && m <= 59) {
    if (eq(p, e, "minutes") || eq(p, e, "minute") || eq(p, e, "mins") || eq(p, e, "min")) e++, strong = true;
  } else return 0;
  int sign;
  if (eq(p, e, "past") || eq(p, e, "after")) sign = 1;
  else if (eq(p, e, "to") || eq(p, e, "till") || eq(p, e, "before") || eq(p, e, "of")) sign = -1;
  else return 0;
  size_t f = p_clock(p, e + 1, c, true);
  if (!f || c->mi || c->sec || c->rh >= 0) return 0;
  if (eq(p, e, "after") && !strong && c->ampm == AMPM_NONE) return 0;
  if (sign < 0 && !strong && !(c->h == 12 || c->h == 24) && m <= 12) return 0; /* "5 to 6pm" is a range */
  int tod = c->h * 60 + (int)(sign * m);
  if (c->ampm == AMPM_PM && c->h != 12) tod += 12 * 60;
  else if (c->ampm == AMPM_AM && c->h == 12) tod -= 12 * 60;
  if (tod < 0) tod += 24 * 60;
  int ampm = c->ampm;
  c->h = tod / 60;
  c->mi = tod % 60;
  c->grain = TACT_GRAIN_MINUTE;
  c->ampm = ampm == AMPM_NONE ? AMPM_NONE : AMPM_24;
  if (ampm == AMPM_NONE && c->h > 12) c->ampm = AMPM_24;
  if (ampm == AMPM_NONE && c->h == 0) c->h = 12;
  return f;
}

static void spec_set_clock(spec *t, const clk *c) {
  t->h = c->h;
  t->mi = c->mi;
  t->sec = c->sec;
  t->cgrain = c->grain;
  t->ampm = c->ampm;
  t->rh = c->rh;
  t->rmi = c->rmi;
  t->rampm = c->rampm;
}

/* [at|@|around|about] clock [zone] */
static size_t c_clock(const P *p, size_t j, spec *s, unsigned fl) {
  size_t k = j;
  bool at = false;
  if (eq(p, k, "at") || eq(p, k, "@")) at = true, k++;
  if (eq(p, k, "around") || eq(p, k, "about") || eq(p, k, "approximately")) k++;
  int v;
  bool bare = at || (fl & F_PARTIAL) || hhmm_context(p, k, kind(p, k) == TACT_TOKEN_NUMBER) ||
              (s->has & (S_POD | S_DATE | S_WD)) != 0 ||
              (kind(p, k) == TACT_TOKEN_NUMBER &&
               (LX(p, k + 1, RELDAYS, &v) || (eq(p, k + 1, "this") && LX(p, k + 2, PODS, &v)) ||
                (seq(p, k + 1, "in the") && LX(p, k + 3, PODS, &v))));
  clk c;
  size_t e = p_clock_offset(p, k, &c);
  if (!e) e = p_clock(p, k, &c, bare);
  if (!e) return 0;
  /* a bare number must not be a count: "at 5 stores" */
  if (c.ampm == AMPM_NONE && c.grain == TACT_GRAIN_HOUR && !after_day_ok(p, e)) return 0;
  spec t = *s;
  if (!spec_take(&t, S_CLOCK)) return 0;
  spec_set_clock(&t, &c);
  int tz;
  size_t f = p_zone(p, e, &tz);
  if (f && spec_take(&t, S_TZ)) {
    t.tz = tz;
    e = f;
  }
  *s = t;
  return e;
}

/* "EOD", "end of (the) day", "COB", "close of business", "end of the month",
 * "early next month", "beginning of January", "the EOM". */
typedef struct partword {
  const char *phrase;
  int part;
  bool adjective; /* "early"/"mid"/"late": on a day, a part of the day */
} partword;

static const partword PARTS[] = {
    {"at the end of", PART_END, false},       {"the end of", PART_END, false},
    {"end of", PART_END, false},              {"at the start of", PART_BEGIN, false},
    {"the start of", PART_BEGIN, false},      {"start of", PART_BEGIN, false},
    {"at the beginning of", PART_BEGIN, false}, {"the beginning of", PART_BEGIN, false},
    {"beginning of", PART_BEGIN, false},      {"the middle of", PART_MID, false},
    {"middle of", PART_MID, false},           {"early", PART_BEGIN, true},
    {"mid", PART_MID, true},                  {"late", PART_END, true},
};

/* End-of-period abbreviations; "BOY" only in capitals ("boy" is a word). */
static const struct {
  const char *phrase;
  unsigned slot;
  int part;
} PART_ABBR[] = {
    {"eow", S_WEEK, PART_END}, {"eom", S_MPER, PART_END}, {"eoy", S_YPER, PART_END},
    {"boy", S_YPER, PART_BEGIN},
};

static size_t c_part(const P *p, size_t j, spec *s, unsigned fl) {
  static const char *const eod[] = {"eod", "end of day", "end of the day", "end of today",
                                    "end of the business day", "end of business day", NULL};
  static const char *const cob[] = {"cob", "eob", "close of business", "end of business",
                                    "close of play", "end of play", "c.o.b.", NULL};
  size_t k = j + eq(p, j, "the"), e = 0;
  spec t = *s;
  if ((e = seq_any(p, k, eod, NULL))) {
    if (t.has & (S_PART | S_CLOCK | S_POD)) return 0;
    t.has |= S_PART;
    t.part = PART_END;
    t.eod = true;
    *s = t;
    return e;
  }
  if ((e = seq_any(p, k, cob, NULL))) {
    if (!spec_take(&t, S_CLOCK)) return 0;
    clk c;
    clk_init(&c);
    clk_hm(&c, 17, 0, 0, TACT_GRAIN_HOUR);
    c.ampm = AMPM_24;
    spec_set_clock(&t, &c);
    *s = t;
    return e;
  }
  for (size_t q = 0; q < N(PART_ABBR); q++) {
    if (!eq(p, k, PART_ABBR[q].phrase)) continue;
    if (PART_ABBR[q].part == PART_BEGIN && !(flags(p, k) & TACT_TOKEN_ALL_CAPS)) return 0;
    if (!spec_take(&t, PART_ABBR[q].slot | S_PART)) return 0;
    t.off = 0;
    t.part = PART_ABBR[q].part;
    *s = t;
    return k + 1;
  }
  const partword *pw = NULL;
  int c0 = first_byte(p, j);
  for (size_t q = 0; q < N(PARTS) && !e; q++)
    if (starts(PARTS[q].phrase, c0) && (e = seq(p, j, PARTS[q].phrase))) pw = &PARTS[q];
  if (!pw || (t.has & S_PART)) return 0;
  int part = pw->part;
  t.has |= S_PART;
  t.part = part;
  /* the period: "the month", "the week", "the year", "day", a month, a
   * relative period, a weekday, a day */
  size_t f = 0;
  unsigned pf = fl | F_PREP;
  if (eq(p, e, "around")) e++;
  if (seq(p, e, "the month") || seq(p, e, "month")) {
    f = e + 1 + eq(p, e, "the");
    if (!spec_take(&t, S_MPER)) return 0;
    t.off = 0;
  } else if (seq(p, e, "the week") || seq(p, e, "week")) {
    f = e + 1 + eq(p, e, "the");
    if (!spec_take(&t, S_WEEK)) return 0;
    t.off = 0;
  } else if (seq(p, e, "the year") || seq(p, e, "year")) {
    f = e + 1 + eq(p, e, "the");
    if (!spec_take(&t, S_YPER)) return 0;
    t.off = 0;
  } else if (seq(p, e, "the quarter") || seq(p, e, "quarter")) {
    f = e + 1 + eq(p, e, "the");
    if (!spec_take(&t, S_QTR)) return 0;
    t.off = 0;
    t.q = 0;
  } else if (!(f = c_period(p, e, &t, pf)) && !(f = c_month(p, e, &t, pf)) &&
             !(f = c_year(p, e, &t, pf)) && !(f = c_relday(p, e, &t, pf)) &&
             !(f = c_weekday(p, e, &t, pf)) && !(f = c_quarter(p, e, &t, pf))) {
    return 0;
  }
  if (pw->adjective && (t.has & (S_REL | S_WD)) && !(t.has & S_POD)) {
    /* "early tomorrow": the morning; "late Friday": the evening */
    t.has &= ~(unsigned)S_PART;
    t.has |= S_POD;
    t.pod_lo = part == PART_END ? 18 * 60 : part == PART_MID ? 11 * 60 : 0;
    t.pod_hi = part == PART_END ? 24 * 60 : part == PART_MID ? 14 * 60 : 12 * 60;
  }
  *s = t;
  return f;
}

/* "first thing tomorrow", "first thing in the morning": 09:00. */
static size_t c_first_thing(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  if (!seq(p, j, "first thing")) return 0;
  spec t = *s;
  if (!spec_take(&t, S_CLOCK)) return 0;
  clk c;
  clk_init(&c);
  clk_hm(&c, 9, 0, 0, TACT_GRAIN_HOUR);
  c.ampm = AMPM_24;
  spec_set_clock(&t, &c);
  size_t e = j + 2;
  if (seq(p, e, "in the morning")) {
    e += 3;
  }
  *s = t;
  return e;
}

/* "same time tomorrow", "this time next week": the reference time of day on
 * that day. */
static size_t c_same_time(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  size_t e;
  if (!(e = seq(p, j, "same time")) && !(e = seq(p, j, "the same time")) &&
      !(e = seq(p, j, "this time")))
    return 0;
  spec t = *s;
  if (!spec_take(&t, S_CLOCK)) return 0;
  zone z = spec_zone(p, s);
  int64_t nowl = to_local(&z, p->now), tod = nowl - fdiv(nowl, DAY) * DAY;
  clk c;
  clk_init(&c);
  clk_hm(&c, tod / HOUR, tod % HOUR / 60, 0, TACT_GRAIN_MINUTE);
  c.ampm = AMPM_24;
  spec_set_clock(&t, &c);
  /* "next week" names a week; here it means seven days on */
  size_t f = e + (eq(p, e, "on") || eq(p, e, "of"));
  int r;
  if ((eq(p, f, "next") || eq(p, f, "last")) && eq(p, f + 1, "week") && LX(p, f, RELS, &r)) {
    t.has |= S_REL;
    t.rel = 7 * r;
    e = f + 2;
  } else if (!date_follows(p, f)) {
    return 0; /* "at the same time": simultaneously */
  }
  *s = t;
  return e;
}

typedef size_t (*component)(const P *, size_t, spec *, unsigned);

/* A day named at j ("Oct 5th", "the 20th", "3/4", "tomorrow"), its end and
 * its local day number, or 0. */
static size_t p_date(const P *p, size_t j, int64_t today, int64_t *day) {
  static const component dates[] = {c_month_day, c_day_month, c_numeric_date, c_day_alone,
                                    c_relday};
  size_t best = 0;
  for (size_t k = 0; k < N(dates); k++) {
    spec t;
    int64_t d, d2;
    spec_init(&t);
    size_t e = dates[k](p, j, &t, F_PREP);
    if (e > best && spec_valid(&t) && !(t.has & S_WD) && resolve_day(&t, today, &d, &d2)) {
      best = e;
      *day = d;
    }
  }
  return best;
}

static int64_t today_of(const P *p, const spec *s) {
  zone z = spec_zone(p, s);
  return fdiv(to_local(&z, p->now), DAY);
}

/* "the week of October 6th", "week of the 15th": the Monday-to-Sunday week
 * holding that day; a Sunday names the week it begins ("the week of Sunday
 * the 6th" is the 7th to the 13th). */
static size_t c_week_of(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  size_t k = j + eq(p, j, "the"), e;
  int64_t day;
  if (!eq(p, k, "week") || !eq(p, k + 1, "of")) return 0;
  int64_t today = today_of(p, s);
  if (!(e = p_date(p, k + 2, today, &day))) return 0;
  spec t = *s;
  if ((t.has & (S_DATE | S_WD | S_M | S_Y)) || !spec_take(&t, S_REL)) return 0;
  int64_t monday = day - wday(day) + (wday(day) == 6 ? 7 : 0);
  t.rel = (int)(monday - today);
  t.weekof = true;
  *s = t;
  return e;
}

/* "the closest Monday to Oct 5th", "the second nearest Friday to the 20th":
 * of the days that are that weekday, the nth nearest to the date (on a tie,
 * the earlier). */
static size_t c_closest(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  size_t k = j + eq(p, j, "the"), e;
  int64_t n = 1, today, day;
  int v;
  if ((e = p_ord(p, k, &n)) && n >= 1 && n <= 5) k = e;
  else n = 1;
  if ((!eq(p, k, "closest") && !eq(p, k, "nearest")) || !LX(p, k + 1, WEEKDAYS, &v) || v >= 20 ||
      !eq(p, k + 2, "to"))
    return 0;
  today = today_of(p, s);
  if (!(e = p_date(p, k + 3, today, &day))) return 0;
  int wd = v % 10, after = (wd - wday(day) + 7) % 7, before = (wday(day) - wd + 7) % 7;
  int64_t hit = day;
  if (after == 0) n--, after = 7, before = 7; /* the date itself is the closest */
  for (; n > 0; n--) {
    if (before <= after) hit = day - before, before += 7;
    else hit = day + after, after += 7;
  }
  spec t = *s;
  if ((t.has & (S_DATE | S_WD | S_M | S_Y)) || !spec_take(&t, S_REL)) return 0;
  t.rel = (int)(hit - today);
  *s = t;
  return e;
}

/* "March in 1 year", "June 3rd in 2 years": the month or date as read that
 * many years from now. An ambiguous month ("May") only capitalized. */
static size_t c_in_years(const P *p, size_t j, spec *s, unsigned fl) {
  (void)fl;
  spec t = *s;
  size_t e;
  int m, v;
  /* cheap first: a month, a number or "the" here, and an "in" after it */
  bool in = LX(p, j, MONTHS, &v) || LX(p, j, ORDINALS, &v) || LX(p, j, CARDINALS, &v) ||
            eq(p, j, "the") || (first_byte(p, j) >= '0' && first_byte(p, j) <= '9'), found = false;
  for (size_t k = j + 1; in && k < j + 8 && !found; k++) found = eq(p, k, "in");
  in = in && found;
  if (!in) return 0;
  if (!(e = c_month_day(p, j, &t, F_PREP)) && !(e = c_day_month(p, j, &t, F_PREP))) {
    if (!(e = p_month_word(p, j, &m, true)) ||
        (LX(p, j, MONTHS, &v) && v > 20 && !(flags(p, j) & TACT_TOKEN_CAPITALIZED)) ||
        !spec_take(&t, S_M))
      return 0;
    t.m = m;
  }
  dur d;
  size_t f;
  if ((t.has & S_Y) || !eq(p, e, "in") || !(f = p_dur(p, e + 1, &d)) || !dur_whole_years(&d))
    return 0;
  zone z = spec_zone(p, &t);
  int64_t later = fdiv(to_local(&z, dur_apply(p, &z, d.hi, 1, p->now)), DAY), y, day;
  unsigned m0, d0;
  tact_civil_from_days(later, &y, &m0, &d0);
  if (t.has & S_D) {
    if (!infer_md(later, t.m, t.d, -1, &day)) return 0;
    tact_civil_from_days(day, &y, &m0, &d0);
  } else if (t.m < (int)m0) {
    y++;
  }
  t.y = y;
  t.has |= S_Y;
  *s = t;
  return f;
}

static const component COMPONENTS[] = {
    c_part,  c_relday, c_nth,   c_month_day, c_day_month, c_numeric_date, c_weekday,
    c_period, c_quarter, c_pod, c_clock,     c_month,     c_year,         c_day_alone,
    c_month_rel, c_first_thing, c_same_time, c_week_of, c_closest, c_in_years,
};

/* The longest component at j that fits the spec and still resolves. */
static size_t component_at(const P *p, size_t j, spec *s, unsigned fl) {
  if (!(gate_class(p, j) & GP)) return 0; /* no component reads this token */
  size_t best = 0;
  spec bs = *s;
  win w;
  for (size_t k = 0; k < N(COMPONENTS); k++) {
    spec t = *s;
    size_t e = COMPONENTS[k](p, j, &t, fl);
    if (e > best && e <= j + LOOK && resolve(p, &t, &w)) {
      best = e;
      bs = t;
    }
  }
  if (best) *s = bs;
  return best;
}

/* Components chained with optional connectors: "tomorrow at 5pm",
 * "Fri, Jul 18, 2014 07:00 PM", "morning of the 15th of february". */
static size_t p_composite(const P *p, size_t j, spec *s, unsigned fl, size_t stop) {
  static const char *const conn[] = {",", "at", "@", "on", "of", "from", "'s", "in between",
                                     "between", "in", "this", "the", NULL};
  size_t e = component_at(p, j, s, fl);
  if (!e) return 0;
  while (e < stop) {
    size_t f = component_at(p, e, s, fl | F_PREP);
    int c0 = first_byte(p, e);
    for (int k = 0; !f && conn[k]; k++) {
      if (!starts(conn[k], c0)) continue;
      size_t c = seq(p, e, conn[k]);
      if (c && c < stop) f = component_at(p, c, s, fl | F_PREP);
    }
    if (!f || f > stop) break;
    e = f;
  }
  return e;
}

/* ---------------------------------------------------------------------
 * Expressions
 * --------------------------------------------------------------------- */

typedef struct cand {
  size_t first, end; /* tokens [first, end) */
  tact_timex x;
} cand;

static void set_interval(cand *c, int64_t now, int64_t start, int64_t end) {
  if (start > end) start = end;
  c->x.start = start;
  c->x.end = end;
  c->x.min_seconds = start - now;
  c->x.max_seconds = end - now;
}

static size_t e_vague(const P *p, size_t i, cand *c) {
  int c0 = first_byte(p, i);
  for (size_t k = 0; k < N(VAGUE); k++) {
    if (!starts(VAGUE[k].phrase, c0)) continue;
    size_t e = seq(p, i, VAGUE[k].phrase);
    if (!e) continue;
    bool later = !strcmp(VAGUE[k].phrase, "later");
    bool soon = !strncmp(VAGUE[k].phrase, "soon", 4) || !strcmp(VAGUE[k].phrase, "very soon");
    if ((later || soon) && (eq(p, e, "than") || eq(p, e, "as"))) continue;
    if (soon && i > p->lo && (eq(p, i - 1, "as") || eq(p, i - 1, "how"))) continue;
    if (later && i > p->lo && (eq(p, i - 1, "no") || eq(p, i - 1, "not"))) continue;
    c->x.kind = TACT_TIME_VAGUE;
    c->x.grain = TACT_GRAIN_NONE;
    set_interval(c, p->now, p->now + VAGUE[k].min, p->now + VAGUE[k].max);
    return e;
  }
  return 0;
}

enum { D_EXACT, D_MIN0, D_PAST, D_AGO };

static const char *const DUR_MIN0[] = {
    "within the next", "within the coming", "in the next", "in the coming", "over the next",
    "over the coming", "during the next", "for the next", "in the following", "within the",
    "within", "in under", "in less than", "less than", "under", "up to", "no more than",
    "not more than", "at most", "a maximum of", "maximum of", "max", "the next", "next",
    "the upcoming", "upcoming", "w/in", NULL};
static const char *const DUR_PAST[] = {
    "in the past", "in the last", "over the past", "over the last", "for the past",
    "for the last", "during the past", "during the last", "within the past", "within the last",
    "the past", "the last", "past", "last", NULL};
static const char *const DUR_EXACT[] = {
    "in about", "in around", "in approximately", "in roughly", "in another", "in just",
    "in only", "in", "after", "about", "around", "approximately", "approx", "roughly", "some",
    "another", "for", "over", "more than", "at least", "a minimum of", "only", "just", NULL};

/* "N <weekday>s from now", "2 thursdays ago". */
static size_t e_weekdays_from_now(const P *p, size_t i, cand *c) {
  int64_t n;
  int v;
  size_t e = p_card(p, i, &n);
  if (!e || n < 1 || n > 52 || !LX(p, e, WEEKDAYS, &v) || v < 20) return 0;
  int wd = v % 10, sign;
  size_t f;
  if ((f = seq(p, e + 1, "from now")) || (f = seq(p, e + 1, "hence"))) sign = 1;
  else if ((f = seq(p, e + 1, "ago")) || (f = seq(p, e + 1, "back"))) sign = -1;
  else return 0;
  zone z = spec_zone(p, &(spec){0});
  int64_t today = fdiv(to_local(&z, p->now), DAY), day;
  int wd0 = wday(today);
  if (sign > 0) day = today + ((wd - wd0 + 7) % 7 ? (wd - wd0 + 7) % 7 : 7) + 7 * (n - 1);
  else day = today - ((wd0 - wd + 7) % 7 ? (wd0 - wd + 7) % 7 : 7) - 7 * (n - 1);
  c->x.kind = TACT_TIME_DEADLINE;
  c->x.grain = TACT_GRAIN_DAY;
  int64_t end = to_utc(&z, (day + 1) * DAY) - 1;
  set_interval(c, p->now, end < p->now ? end : p->now, end);
  return f;
}

/* A duration is not a timeframe after "every", "per", "once", "twice", or
 * as "a day" after a number ("$5 a day", "24 hours a day"), nor in "wait a
 * minute". */
static bool dur_excluded(const P *p, size_t i, size_t j, size_t e, bool is_a, int unit) {
  static const char *const freq[] = {"every", "each", "per", "once", "twice", "thrice", "times",
                                     NULL};
  static const char *const hold[] = {"wait", "hold", "hang", "on", "just", NULL};
  int u;
  /* "24 hours a day", "3 times per week": a rate */
  if ((eq(p, e, "a") || eq(p, e, "an") || eq(p, e, "per") || eq(p, e, "each")) &&
      p_unit(p, e + 1, &u, true))
    return true;
  if (i > p->lo && eq_any(p, i - 1, freq) >= 0) return true;
  if (!is_a) return false;
  if (i > p->lo && (kind(p, i - 1) == TACT_TOKEN_NUMBER || LX(p, i - 1, UNITS, &u))) return true;
  if ((unit == U_SEC || unit == U_MIN) &&
      ((i > p->lo && eq_any(p, i - 1, hold) >= 0) || (j > i && eq_any(p, j - 1, hold) >= 0)))
    return true;
  return false;
}

static size_t e_moment(const P *p, size_t i, cand *c);

/* "15 minutes from 1pm", "a week from Monday": the moment's start plus the
 * duration, a deadline. */
static size_t dur_anchored(const P *p, size_t f, const dur *d, cand *c) {
  spec s;
  win w;
  spec_init(&s);
  size_t h;
  if (!(eq(p, f, "from") || eq(p, f, "after")) || eq(p, f + 1, "now") ||
      !(h = p_composite(p, f + 1, &s, F_PREP, p->lim)) || !resolve(p, &s, &w))
    return 0;
  /* a clock time moves as an instant; a day (week...) moves as a whole and
   * the deadline is the end of the day it lands on */
  zone z = spec_zone(p, &s);
  int64_t end = w.point ? dur_apply(p, &z, d->hi, 1, to_utc(&z, w.l0))
                        : dur_apply(p, &z, d->hi, 1, to_utc(&z, w.l1)) - 1;
  int g = unit_grain(d->small);
  c->x.kind = TACT_TIME_DEADLINE;
  c->x.grain = (uint8_t)(g < w.grain ? g : w.grain);
  set_interval(c, p->now, end < p->now ? end : p->now, end);
  return h;
}

/* "in 7 days at 5pm": that day, at that time; a deadline. */
static size_t dur_at_clock(const P *p, size_t f, const dur *d, cand *c) {
  spec t;
  win w;
  spec_init(&t);
  size_t k;
  if (!(eq(p, f, "at") || eq(p, f, "@")) || !(k = c_clock(p, f, &t, F_PREP))) return 0;
  zone z = {p->ctx ? p->ctx->tz : NULL, false, 0};
  int64_t target = dur_apply(p, &z, d->hi, 1, p->now);
  t.has |= S_REL;
  t.rel = (int)(fdiv(to_local(&z, target), DAY) - fdiv(to_local(&z, p->now), DAY));
  if (!resolve(p, &t, &w)) return 0;
  zone tz = spec_zone(p, &t);
  int64_t end = to_utc(&tz, w.l0);
  c->x.kind = TACT_TIME_DEADLINE;
  c->x.grain = (uint8_t)w.grain;
  set_interval(c, p->now, end < p->now ? end : p->now, end);
  return k;
}

/* Durations: "within 24 hours", "in 2-3 days", "3 to 5 business days",
 * "up to two weeks", "in 7 days at 5pm", "three weeks ago". */
static size_t e_duration(const P *p, size_t i, cand *c) {
  static const char *const min0[] = {"or less", "or sooner", "at most", "at the most", "max",
                                     "maximum", "tops", "at the latest", NULL};
  static const char *const exact[] = {"from now", "from today", "hence", "later", "time",
                                      "'s time", "' time", "or so", "or more", "give or take",
                                      NULL};
  static const char *const ago[] = {"ago", "earlier", "before now", NULL};
  int mode = D_EXACT;
  size_t j = i, e, f, g;
  if ((e = seq_any(p, i, DUR_MIN0, NULL))) mode = D_MIN0, j = e;
  else if ((e = seq_any(p, i, DUR_PAST, NULL))) mode = D_PAST, j = e;
  else if ((e = seq_any(p, i, DUR_EXACT, NULL))) j = e;
  dur d;
  bool implicit = false;
  if (!(f = p_dur(p, j, &d))) {
    /* "within the next hour", "over the past week": one, implicitly */
    int u;
    bool the_next = j > i + 1 && (eq(p, j - 1, "next") || eq(p, j - 1, "past") ||
                                  eq(p, j - 1, "last") || eq(p, j - 1, "coming"));
    if (mode == D_EXACT || !the_next || !(f = p_unit(p, j, &u, true))) return 0;
    memset(&d, 0, sizeof d);
    dur_add(&d, u, K, K);
    implicit = true;
  }
  qty q;
  bool is_a = !implicit && p_qty_base(p, j, &q) && q.is_a;
  if (!implicit && dur_excluded(p, i, j, f, is_a, d.small)) return 0;
  if (mode == D_EXACT && j == i && (g = seq_any(p, f, ago, NULL))) mode = D_AGO, f = g;
  else if (mode == D_EXACT && (g = seq_any(p, f, min0, NULL))) mode = D_MIN0, f = g;
  else if ((g = seq_any(p, f, exact, NULL))) f = g;
  if (mode == D_EXACT && ((e = dur_anchored(p, f, &d, c)) || (e = dur_at_clock(p, f, &d, c))))
    return e;
  zone z = {p->ctx ? p->ctx->tz : NULL, false, 0};
  int64_t lo, hi;
  if (mode == D_AGO || mode == D_PAST) {
    lo = dur_apply(p, &z, d.hi, -1, p->now);
    hi = mode == D_PAST ? p->now : dur_apply(p, &z, d.lo, -1, p->now);
  } else {
    lo = mode == D_MIN0 ? p->now : dur_apply(p, &z, d.lo, 1, p->now);
    hi = dur_apply(p, &z, d.hi, 1, p->now);
  }
  c->x.kind = TACT_TIME_DURATION;
  c->x.grain = (uint8_t)unit_grain(d.small);
  int64_t bd = d.hi[U_BDAY] / K;
  c->x.business_days = (uint16_t)(bd > 65535 ? 65535 : bd);
  set_interval(c, p->now, lo, hi);
  return f;
}

/* The deadline of a resolved window. */
static int64_t deadline_end(const P *p, const spec *s, const win *w, bool before) {
  zone z = spec_zone(p, s);
  if (w->point) return to_utc(&z, w->l0);
  return before ? to_utc(&z, w->l0) - 1 : to_utc(&z, w->l1) - 1;
}

enum { M_PLAIN, M_BY, M_BEFORE, M_FROM, M_BETWEEN };

typedef struct prefix {
  const char *phrase;
  int mode;
} prefix;

/* Words before a moment that belong to its span. Longer phrases first where
 * one starts another. "by the" is read as "by": "the" stays with "the end of". */
static const prefix MOMENT_PREFIX[] = {
    {"no later than", M_BY}, {"not later than", M_BY}, {"by no later than", M_BY},
    {"not after", M_BY},     {"by", M_BY},             {"on or before", M_BEFORE},
    {"before", M_BEFORE},    {"up until", M_BY},       {"until", M_BY},
    {"untill", M_BY},        {"till", M_BY},           {"til", M_BY},
    {"up to", M_BY},         {"from", M_FROM},         {"starting", M_FROM},
    {"between", M_BETWEEN},  {"as of", M_PLAIN},       {"sometime", M_PLAIN},
    {"some time", M_PLAIN},  {"anytime", M_PLAIN},     {"later", M_PLAIN},
    {"on", M_PLAIN},         {"at", M_PLAIN},          {"@", M_PLAIN},
    {"in", M_PLAIN},         {"during", M_PLAIN},      {"around", M_PLAIN},
    {"about", M_PLAIN},      {"approximately", M_PLAIN}, {"approx", M_PLAIN},
    {"for", M_PLAIN},        {"within", M_PLAIN},      {"over", M_PLAIN},
    {"this coming", M_PLAIN},
};

/* Copies what an end point lacks from the start: the date for "9:30 - 11:00
 * on Thursday"-style ranges, the month for "13 to 15 July". */
static void inherit(spec *b, const spec *a) {
  if (!(b->has & (S_DATE | S_WD | S_M | S_WEEK | S_MPER | S_Y))) {
    b->has |= a->has & (S_DATE | S_WD | S_M | S_Y | S_WEEK | S_MPER | S_YPER);
    b->rel = a->rel, b->y = a->y, b->m = a->m, b->d = a->d, b->wd = a->wd;
    b->wdmode = a->wdmode, b->nth = a->nth, b->off = a->off;
  } else if ((b->has & S_D) && !(b->has & (S_M | S_MPER)) && (a->has & S_M)) {
    b->has |= S_M | (a->has & S_Y);
    b->m = a->m;
    b->y = a->y;
  }
  if (!(b->has & S_POD) && (a->has & S_POD)) {
    b->has |= S_POD;
    b->pod_lo = a->pod_lo;
    b->pod_hi = a->pod_hi;
  }
  if (!(b->has & S_TZ) && (a->has & S_TZ)) {
    b->has |= S_TZ;
    b->tz = a->tz;
  }
}

/* The start of a range when it is only a number ("13 to 15 July", "from 3
 * to 4 in the PM"): returns its end. */
static size_t p_loose_start(const P *p, size_t j) {
  int d;
  int64_t v;
  size_t e = j + eq(p, j, "the");
  size_t f = p_day(p, e, &d, false);
  if (f) return f;
  clk c;
  if ((f = p_clock(p, e, &c, true))) return f;
  if ((f = p_card(p, e, &v))) return f;
  return 0;
}

/* An end clock without am/pm after a start clock: the first reading after it. */
static void order_clock_range(spec *b, const spec *a) {
  if (!(b->has & S_CLOCK) || !(a->has & S_CLOCK) || b->ampm != AMPM_NONE) return;
  int ah = clock_hour(a->h, a->ampm, a, true);
  if (a->ampm == AMPM_NONE) ah = a->h;
  int am = ah * 60 + a->mi;
  int bh = b->h % 12;
  if (bh * 60 + b->mi <= am) bh += 12;
  if (bh * 60 + b->mi <= am) bh += 12;
  b->h = bh;
  b->ampm = AMPM_24;
}

/* Whether a range end says enough to make a bare-number start a date or a
 * time: a day with its month, or a clock with am/pm, minutes, a part of the
 * day or a zone ("2 - 15" and "rated 2 to 5" are not ranges of times). */
static bool explicit_end(const spec *b) {
  if ((b->has & S_D) && (b->has & S_M)) return true;
  return (b->has & S_CLOCK) && (b->ampm == AMPM_AM || b->ampm == AMPM_PM ||
                                b->cgrain != TACT_GRAIN_HOUR || (b->has & (S_POD | S_TZ)));
}

/* The end point after a range connector; `a` is the start (may be empty). */
static size_t p_range_end(const P *p, size_t k, const spec *a, spec *b) {
  spec_init(b);
  size_t e = p_composite(p, k, b, F_PREP | F_PARTIAL, p->lim);
  if (!e) return 0;
  inherit(b, a);
  order_clock_range(b, a);
  return e;
}

/* A range connector at e ("-", "to", "through", a dropped hyphen; "and"
 * after "between"): returns where the end point starts, or 0. */
static size_t range_to(const P *p, size_t e, bool and_ok) {
  static const char *const to[] = {"-", "to", "through", "thru", "till", "until", "untill", NULL};
  size_t k = seq_any(p, e, to, NULL);
  if (k) return k;
  if (and_ok && eq(p, e, "and")) return e + 1;
  return silent_hyphen(p, e) ? e : 0;
}

/* Moments: "by Friday", "tomorrow at 5pm", "on March 3", "end of the month",
 * "from 9:30 - 11:00 on Thursday", "July 13-15", "4pm for 30 mins". */
static size_t e_moment_at(const P *p, size_t i, size_t j, int mode, cand *c) {
  spec a, b;
  spec_init(&a);
  unsigned fl = j > i ? F_PREP : 0;
  bool between = mode == M_BETWEEN;
  size_t e = p_composite(p, j, &a, fl, p->lim), k, f;
  bool range = false;
  if (e) {
    if ((k = range_to(p, e, between)) && (f = p_range_end(p, k, &a, &b))) {
      e = f;
      range = true;
      /* "Monday to Friday 9am-5pm": the end's own clock range */
      spec b2;
      if ((b.has & S_CLOCK) && (k = range_to(p, e, false)) && (f = p_range_end(p, k, &b, &b2)) &&
          (b2.has & S_CLOCK)) {
        b = b2;
        e = f;
      }
    }
  } else if ((e = p_loose_start(p, j)) && (k = range_to(p, e, between)) &&
             (f = p_range_end(p, k, &a, &b)) && explicit_end(&b)) {
    /* "13 to 15 July", "from 3 to 4 in the PM": the start is a bare number */
    e = f;
    range = true;
  } else {
    return 0;
  }
  if (mode == M_BETWEEN && !range) return 0;
  spec *s = range ? &b : &a;
  win w;
  if (!resolve(p, s, &w)) return 0;
  int64_t end = deadline_end(p, s, &w, mode == M_BEFORE);
  int grain = w.grain;
  /* "4pm for 30 mins", "18th Dec for 10 days" */
  dur d;
  if (eq(p, e, "for") && (f = p_dur(p, e + 1, &d))) {
    zone z = spec_zone(p, s);
    end = dur_apply(p, &z, d.hi, 1, to_utc(&z, w.l0));
    if (unit_grain(d.small) < grain) grain = unit_grain(d.small);
    e = f;
  }
  if ((f = seq(p, e, "at the latest")) || (f = seq(p, e, "at the very latest")) ||
      (f = seq(p, e, "or earlier")) || (f = seq(p, e, "or sooner")) || (f = seq(p, e, "latest")))
    e = f;
  c->x.kind = TACT_TIME_DEADLINE;
  c->x.grain = (uint8_t)grain;
  set_interval(c, p->now, end < p->now ? end : p->now, end);
  return e;
}

/* With its preposition ("by Friday") or, when the preposition belongs to the
 * expression ("in the morning", "at noon"), without: the longer. */
static size_t e_moment(const P *p, size_t i, cand *c) {
  size_t j = 0, e = 0, f;
  int mode = M_PLAIN;
  int c0 = first_byte(p, i);
  for (size_t k = 0; k < N(MOMENT_PREFIX) && !j; k++)
    if (starts(MOMENT_PREFIX[k].phrase, c0) && (j = seq(p, i, MOMENT_PREFIX[k].phrase)))
      mode = MOMENT_PREFIX[k].mode;
  cand d;
  if (j) e = e_moment_at(p, i, j, mode, c);
  memset(&d, 0, sizeof d);
  if ((f = e_moment_at(p, i, i, M_PLAIN, &d)) > e) {
    *c = d;
    e = f;
  }
  return e;
}

/* ---------------------------------------------------------------------
 * The scan
 * --------------------------------------------------------------------- */


static size_t best_at(const P *p, size_t i, cand *out) {
  size_t best = 0;
  cand c;
  memset(&c, 0, sizeof c);
  size_t e;
  if ((e = e_vague(p, i, &c)) > best) best = e, *out = c;
  memset(&c, 0, sizeof c);
  if ((e = e_duration(p, i, &c)) > best) best = e, *out = c;
  memset(&c, 0, sizeof c);
  if ((e = e_weekdays_from_now(p, i, &c)) > best) best = e, *out = c;
  memset(&c, 0, sizeof c);
  if ((e = e_moment(p, i, &c)) > best) best = e, *out = c;
  if (best) {
    out->first = i;
    out->end = best;
    out->x.first_token = (uint32_t)i;
    out->x.n_tokens = (uint32_t)(best - i);
  }
  return best;
}

static tact_status emit(tact_timex_list *out, const tact_allocator *a, const cand *c,
                        tact_error *err) {
  if (tact_grow(a, (void **)&out->items, &out->cap, out->n + 1, sizeof *out->items))
    return tact_fail(err, TACT_E_NOMEM, "out of memory storing time expressions");
  out->items[out->n++] = c->x;
  return TACT_OK;
}

tact_status tact_timex_find(const tact_text *t, const tact_timex_ctx *ctx, const tact_allocator *alloc,
                            tact_timex_list *out, tact_error *err) {
  if (!t || !out) return tact_fail(err, TACT_E_ARG, "tact_timex_find: NULL argument");
  tact_allocator a;
  tact_alloc_resolve(&a, alloc);
  out->n = 0;
  lexcache lc;
  memset(lc.tok, 0, sizeof lc.tok);
  P p = {t, ctx, 0, 0, ctx ? ctx->now : 0, &lc};
  cand pend;
  memset(&pend, 0, sizeof pend);
  bool have = false;
  for (size_t si = 0; si < t->n_sentences; si++) {
    const tact_sentence *sn = &t->sentences[si];
    p.lo = sn->first_token;
    p.lim = (size_t)sn->first_token + sn->token_count;
    /* "5 p.m. PST": the tokenizer may end a sentence at "p.m."; read on */
    if (si + 1 < t->n_sentences && p.lim > p.lo && (eq(&p, p.lim - 1, "p.m.") || eq(&p, p.lim - 1, "a.m.")))
      p.lim += t->sentences[si + 1].token_count;
    /* [i, run) are tokens that may take part in an expression; `anchor` is
     * the last anchor in that run (or below i: none left) */
    size_t run = p.lo, anchor = 0;
    bool anchored = false;
    for (size_t i = p.lo; i < p.lim; i++) {
      unsigned g = gate_class(&p, i);
      if (!(g & GP)) continue;
      if (i >= run) { /* a new run: find its end and its last anchor */
        anchored = false;
        for (run = i; run < p.lim; run++) {
          unsigned h = run == i ? g : gate_class(&p, run);
          if (!(h & GP)) break;
          if (h & GA) anchor = run, anchored = true;
        }
      }
      if (!(g & GS) || !anchored || anchor < i) continue;
      cand c;
      if (!best_at(&p, i, &c)) continue;
      if (!have) {
        pend = c;
        have = true;
      } else if (c.first >= pend.end) {
        tact_status st = emit(out, &a, &pend, err);
        if (st) return st;
        pend = c;
      } else if (c.end > pend.end && c.end - c.first > pend.end - pend.first) {
        pend = c; /* a longer one overlapping: longest first */
      }
    }
  }
  if (have) return emit(out, &a, &pend, err);
  return TACT_OK;
}

void tact_timex_list_free(tact_timex_list *l, const tact_allocator *alloc) {
  if (!l) return;
  tact_allocator a;
  tact_alloc_resolve(&a, alloc);
  tact_free(&a, l->items);
  l->items = NULL;
  l->n = l->cap = 0;
}
