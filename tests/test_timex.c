/* test_timex.c — tests of time expressions (lib/timex.c) and time zones
 * (lib/tz.c). Most cases are rows of one table: a text, a reference time,
 * a zone and calendar, and the expected expression (its exact span, kind,
 * grain, [start, end], business days). Texts are tokenized with
 * tact_text_analyze and searched with tact_timex_find, as promise.c does.
 *
 * Reference times used throughout:
 *   FRI  Friday 2026-03-06 16:00:00 UTC
 *   TUE  Tuesday 2013-02-12 04:30 at UTC-2 (Duckling's reference)
 *   SAT  Saturday 2026-03-28 12:00 UTC, the day before Berlin's switch to
 *        summer time (2026-03-29 01:00 UTC). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "text.h"
#include "timex.h"

#define FRI "2026-03-06T16:00:00Z"
#define TUE "2013-02-12T06:30:00Z"
#define SAT "2026-03-28T12:00:00Z"

enum { H_NONE, H_MON9, H_FRI13, H_XMAS };

/* One row. `span` NULL: nothing may be found. `nth` picks the expression
 * checked when several are found (`count` of them, 0 = not checked). Times
 * are ISO 8601 with "Z" or an offset; NULL leaves a field unchecked, and so
 * does -1 for grain and business_days. */
typedef struct tcase {
  const char *text;
  const char *now;
  const char *tz;
  int day_first;
  int holidays;
  const char *span;
  int kind;
  int grain;
  const char *start, *end;
  int bdays;
  int nth, count;
} tcase;

#define D TACT_TIME_DURATION
#define L TACT_TIME_DEADLINE
#define V TACT_TIME_VAGUE
#define G_NONE TACT_GRAIN_NONE
#define G_S TACT_GRAIN_SECOND
#define G_MIN TACT_GRAIN_MINUTE
#define G_H TACT_GRAIN_HOUR
#define G_D TACT_GRAIN_DAY
#define G_W TACT_GRAIN_WEEK
#define G_M TACT_GRAIN_MONTH
#define G_Q TACT_GRAIN_QUARTER
#define G_Y TACT_GRAIN_YEAR

/* Shorthands: a row at FRI in UTC, and a row expecting nothing. */
#define R(text, span, kind, grain, start, end, bd) \
  {text, FRI, NULL, 0, H_NONE, span, kind, grain, start, end, bd, 0, 0}
#define NONE(text) {text, FRI, NULL, 0, H_NONE, NULL, 0, -1, NULL, NULL, -1, 0, 0}

static const tcase CASES[] = {
    /* ---- durations (start = now + min, end = now + max) ---- */
    R("within 24 hours", "within 24 hours", D, G_H, FRI, "2026-03-07T16:00:00Z", 0),
    R("in 2-3 days", "in 2-3 days", D, G_D, "2026-03-08T16:00:00Z", "2026-03-09T16:00:00Z", 0),
    R("2\xe2\x80\x93" "3 days", "2\xe2\x80\x93" "3 days", D, G_D, "2026-03-08T16:00:00Z",
      "2026-03-09T16:00:00Z", 0),
    R("3 to 5 business days", "3 to 5 business days", D, G_D, "2026-03-11T16:00:00Z",
      "2026-03-13T16:00:00Z", 5),
    R("up to two weeks", "up to two weeks", D, G_W, FRI, "2026-03-20T16:00:00Z", 0),
    R("in an hour or so", "in an hour or so", D, G_H, "2026-03-06T17:00:00Z",
      "2026-03-06T17:00:00Z", 0),
    R("half an hour", "half an hour", D, G_H, "2026-03-06T16:30:00Z", "2026-03-06T16:30:00Z", 0),
    R("a couple of days", "a couple of days", D, G_D, "2026-03-08T16:00:00Z",
      "2026-03-08T16:00:00Z", 0),
    R("a few days", "a few days", D, G_D, "2026-03-08T16:00:00Z", "2026-03-09T16:00:00Z", 0),
    R("several days", "several days", D, G_D, "2026-03-09T16:00:00Z", "2026-03-11T16:00:00Z", 0),
    R("48h", "48h", D, G_H, "2026-03-08T16:00:00Z", "2026-03-08T16:00:00Z", 0),
    R("24hrs", "24hrs", D, G_H, "2026-03-07T16:00:00Z", "2026-03-07T16:00:00Z", 0),
    R("24-48h", "24-48h", D, G_H, "2026-03-07T16:00:00Z", "2026-03-08T16:00:00Z", 0),
    R("1.5 hours", "1.5 hours", D, G_H, "2026-03-06T17:30:00Z", "2026-03-06T17:30:00Z", 0),
    R("forty-eight hours", "forty-eight hours", D, G_H, "2026-03-08T16:00:00Z",
      "2026-03-08T16:00:00Z", 0),
    R("two weeks", "two weeks", D, G_W, "2026-03-20T16:00:00Z", "2026-03-20T16:00:00Z", 0),
    R("one business day", "one business day", D, G_D, "2026-03-09T16:00:00Z",
      "2026-03-09T16:00:00Z", 1),
    R("within the next hour", "within the next hour", D, G_H, FRI, "2026-03-06T17:00:00Z", 0),
    R("in 10 minutes", "in 10 minutes", D, G_MIN, "2026-03-06T16:10:00Z",
      "2026-03-06T16:10:00Z", 0),
    R("an hour and a half", "an hour and a half", D, G_H, "2026-03-06T17:30:00Z",
      "2026-03-06T17:30:00Z", 0),
    R("2 hours and 30 minutes", "2 hours and 30 minutes", D, G_MIN, "2026-03-06T18:30:00Z",
      "2026-03-06T18:30:00Z", 0),
    R("within 2-3 weeks", "within 2-3 weeks", D, G_W, FRI, "2026-03-27T16:00:00Z", 0),
    R("no more than 48 hours", "no more than 48 hours", D, G_H, FRI, "2026-03-08T16:00:00Z", 0),
    R("3-5 weeks", "3-5 weeks", D, G_W, "2026-03-27T16:00:00Z", "2026-04-10T16:00:00Z", 0),
    R("a month", "a month", D, G_M, "2026-04-06T16:00:00Z", "2026-04-06T16:00:00Z", 0),
    R("in 2 months", "in 2 months", D, G_M, "2026-05-06T16:00:00Z", "2026-05-06T16:00:00Z", 0),
    R("a month and a half", "a month and a half", D, G_M, "2026-04-20T16:00:00Z",
      "2026-04-20T16:00:00Z", 0),
    R("two years", "two years", D, G_Y, "2028-03-06T16:00:00Z", "2028-03-06T16:00:00Z", 0),
    R("3 weeks ago", "3 weeks ago", D, G_W, "2026-02-13T16:00:00Z", "2026-02-13T16:00:00Z", 0),
    R("in the past 2 days", "in the past 2 days", D, G_D, "2026-03-04T16:00:00Z", FRI, 0),
    R("between 2 and 4 hours", "between 2 and 4 hours", D, G_H, "2026-03-06T18:00:00Z",
      "2026-03-06T20:00:00Z", 0),
    R("1 to 2 business days", "1 to 2 business days", D, G_D, "2026-03-09T16:00:00Z",
      "2026-03-10T16:00:00Z", 2),
    R("within 5 working days", "within 5 working days", D, G_D, FRI, "2026-03-13T16:00:00Z", 5),
    R("in 3 days time", "in 3 days time", D, G_D, "2026-03-09T16:00:00Z",
      "2026-03-09T16:00:00Z", 0),
    R("within 4 business hours", "within 4 business hours", D, G_H, FRI,
      "2026-03-09T12:00:00Z", 0),
    R("a fortnight", "a fortnight", D, G_W, "2026-03-20T16:00:00Z", "2026-03-20T16:00:00Z", 0),
    R("half a day", "half a day", D, G_D, "2026-03-07T04:00:00Z", "2026-03-07T04:00:00Z", 0),
    R("in a couple of hours", "in a couple of hours", D, G_H, "2026-03-06T18:00:00Z",
      "2026-03-06T18:00:00Z", 0),
    R("two to three weeks", "two to three weeks", D, G_W, "2026-03-20T16:00:00Z",
      "2026-03-27T16:00:00Z", 0),
    R("one or two days", "one or two days", D, G_D, "2026-03-07T16:00:00Z",
      "2026-03-08T16:00:00Z", 0),
    R("1 year, 2 days and 3 hours", "1 year, 2 days and 3 hours", D, G_H,
      "2027-03-08T19:00:00Z", "2027-03-08T19:00:00Z", 0),
    R("It takes 2 more days.", "2 more days", D, G_D, "2026-03-08T16:00:00Z",
      "2026-03-08T16:00:00Z", 0),
    R("expect it in 5-7 business days", "in 5-7 business days", D, G_D, "2026-03-13T16:00:00Z",
      "2026-03-17T16:00:00Z", 7),
    R("within 3\xe2\x80\x93" "5 business days.", "within 3\xe2\x80\x93" "5 business days", D, G_D,
      FRI, "2026-03-13T16:00:00Z", 5),
    R("a week from Monday", "a week from Monday", L, G_D, FRI, "2026-03-16T23:59:59Z", -1),
    R("15 minutes from 5pm", "15 minutes from 5pm", L, G_MIN, FRI, "2026-03-06T17:15:00Z", -1),
    R("in 7 days at 5pm", "in 7 days at 5pm", L, G_H, FRI, "2026-03-13T17:00:00Z", -1),

    /* ---- business days and holidays ---- */
    {"3 to 5 business days", FRI, NULL, 0, H_MON9, "3 to 5 business days", D, G_D,
     "2026-03-12T16:00:00Z", "2026-03-16T16:00:00Z", 5, 0, 0},
    {"one business day", FRI, NULL, 0, H_MON9, "one business day", D, G_D,
     "2026-03-10T16:00:00Z", "2026-03-10T16:00:00Z", 1, 0, 0},
    {"within 2 business days", "2026-03-07T10:00:00Z", NULL, 0, H_NONE, "within 2 business days",
     D, G_D, "2026-03-07T10:00:00Z", "2026-03-10T10:00:00Z", 2, 0, 0},
    {"5 business days", "2026-03-11T09:00:00Z", NULL, 0, H_FRI13, "5 business days", D, G_D,
     "2026-03-19T09:00:00Z", "2026-03-19T09:00:00Z", 5, 0, 0},
    {"3 business days", "2026-12-24T12:00:00Z", NULL, 0, H_XMAS, "3 business days", D, G_D,
     "2026-12-30T12:00:00Z", "2026-12-30T12:00:00Z", 3, 0, 0},
    {"within 5 business days", "2026-12-24T12:00:00Z", NULL, 0, H_XMAS, "within 5 business days",
     D, G_D, "2026-12-24T12:00:00Z", "2027-01-04T12:00:00Z", 5, 0, 0},
    {"2 business days", "2026-03-06T16:00:00Z", "Europe/Berlin", 0, H_MON9, "2 business days", D,
     G_D, "2026-03-11T16:00:00Z", "2026-03-11T16:00:00Z", 2, 0, 0},

    /* ---- deadlines (start = now, end = the named moment) ---- */
    R("by Friday", "by Friday", L, G_D, FRI, "2026-03-13T23:59:59Z", 0),
    R("by end of day", "by end of day", L, G_D, FRI, "2026-03-06T23:59:59Z", 0),
    R("EOD", "EOD", L, G_D, FRI, "2026-03-06T23:59:59Z", 0),
    R("COB", "COB", L, G_H, FRI, "2026-03-06T17:00:00Z", 0),
    R("by end of business", "by end of business", L, G_H, FRI, "2026-03-06T17:00:00Z", 0),
    R("tomorrow morning", "tomorrow morning", L, G_H, FRI, "2026-03-07T11:59:59Z", 0),
    R("tomorrow at 5pm", "tomorrow at 5pm", L, G_H, FRI, "2026-03-07T17:00:00Z", 0),
    R("tonight", "tonight", L, G_H, FRI, "2026-03-06T23:59:59Z", 0),
    R("today", "today", L, G_D, FRI, "2026-03-06T23:59:59Z", 0),
    R("next week", "next week", L, G_W, FRI, "2026-03-15T23:59:59Z", 0),
    R("early next month", "early next month", L, G_D, FRI, "2026-04-10T23:59:59Z", 0),
    R("end of the month", "end of the month", L, G_D, FRI, "2026-03-31T23:59:59Z", 0),
    R("on March 10", "on March 10", L, G_D, FRI, "2026-03-10T23:59:59Z", 0),
    R("on March 3", "on March 3", L, G_D, FRI, "2027-03-03T23:59:59Z", 0),
    R("March 3rd", "March 3rd", L, G_D, FRI, "2027-03-03T23:59:59Z", 0),
    R("3/4", "3/4", L, G_D, FRI, "2027-03-04T23:59:59Z", 0),
    R("3/4/2026", "3/4/2026", L, G_D, "2026-03-04T23:59:59Z", "2026-03-04T23:59:59Z", 0),
    R("2026-03-04", "2026-03-04", L, G_D, "2026-03-04T23:59:59Z", "2026-03-04T23:59:59Z", 0),
    R("2026-04-01", "2026-04-01", L, G_D, FRI, "2026-04-01T23:59:59Z", 0),
    R("before the weekend", "before the weekend", L, G_D, FRI, "2026-03-06T23:59:59Z", 0),
    R("Monday", "Monday", L, G_D, FRI, "2026-03-09T23:59:59Z", 0),
    R("next Tuesday", "next Tuesday", L, G_D, FRI, "2026-03-10T23:59:59Z", 0),
    R("this Friday", "this Friday", L, G_D, FRI, "2026-03-06T23:59:59Z", 0),
    R("at 5pm", "at 5pm", L, G_H, FRI, "2026-03-06T17:00:00Z", 0),
    R("at 17:00", "at 17:00", L, G_MIN, FRI, "2026-03-06T17:00:00Z", 0),
    R("noon", "noon", L, G_H, FRI, "2026-03-07T12:00:00Z", 0),
    R("midnight", "midnight", L, G_H, FRI, "2026-03-07T00:00:00Z", 0),
    R("by 3pm", "by 3pm", L, G_H, FRI, "2026-03-07T15:00:00Z", 0),
    R("at 4pm", "at 4pm", L, G_H, FRI, FRI, 0),
    R("by Monday at the latest", "by Monday at the latest", L, G_D, FRI, "2026-03-09T23:59:59Z",
      0),
    R("end of next week", "end of next week", L, G_D, FRI, "2026-03-15T23:59:59Z", 0),
    R("first thing tomorrow", "first thing tomorrow", L, G_H, FRI, "2026-03-07T09:00:00Z", 0),
    R("by close of business Friday", "by close of business Friday", L, G_H, FRI,
      "2026-03-13T17:00:00Z", 0),
    R("EOD Monday", "EOD Monday", L, G_D, FRI, "2026-03-09T23:59:59Z", 0),
    R("end of day tomorrow", "end of day tomorrow", L, G_D, FRI, "2026-03-07T23:59:59Z", 0),
    R("this weekend", "this weekend", L, G_D, FRI, "2026-03-08T23:59:59Z", 0),
    R("over the weekend", "over the weekend", L, G_D, FRI, "2026-03-08T23:59:59Z", 0),
    R("next weekend", "next weekend", L, G_D, FRI, "2026-03-15T23:59:59Z", 0),
    R("the first week of April", "the first week of April", L, G_W, FRI, "2026-04-05T23:59:59Z",
      0),
    R("the last week of March", "the last week of March", L, G_W, FRI, "2026-03-29T23:59:59Z", 0),
    R("in April", "in April", L, G_M, FRI, "2026-04-30T23:59:59Z", 0),
    R("next month", "next month", L, G_M, FRI, "2026-04-30T23:59:59Z", 0),
    R("end of the year", "end of the year", L, G_M, FRI, "2026-12-31T23:59:59Z", 0),
    R("by the end of next month", "by the end of next month", L, G_D, FRI,
      "2026-04-30T23:59:59Z", 0),
    R("mid April", "mid April", L, G_D, FRI, "2026-04-20T23:59:59Z", 0),
    R("late March", "late March", L, G_D, FRI, "2026-03-31T23:59:59Z", 0),
    R("the 15th", "the 15th", L, G_D, FRI, "2026-03-15T23:59:59Z", 0),
    R("on the 2nd", "on the 2nd", L, G_D, FRI, "2026-04-02T23:59:59Z", 0),
    R("the 20th of next month", "the 20th of next month", L, G_D, FRI, "2026-04-20T23:59:59Z", 0),
    R("the first Monday of April", "the first Monday of April", L, G_D, FRI,
      "2026-04-06T23:59:59Z", 0),
    R("last Friday of March", "last Friday of March", L, G_D, FRI, "2026-03-27T23:59:59Z", 0),
    R("Wednesday next week", "Wednesday next week", L, G_D, FRI, "2026-03-11T23:59:59Z", 0),
    R("Monday morning", "Monday morning", L, G_H, FRI, "2026-03-09T11:59:59Z", 0),
    R("Saturday at 10am", "Saturday at 10am", L, G_H, FRI, "2026-03-07T10:00:00Z", 0),
    R("tomorrow at 10", "tomorrow at 10", L, G_H, FRI, "2026-03-07T10:00:00Z", 0),
    R("tomorrow at 5", "tomorrow at 5", L, G_H, FRI, "2026-03-07T17:00:00Z", 0),
    R("at 9", "at 9", L, G_H, FRI, "2026-03-06T21:00:00Z", 0),
    R("10:30 tomorrow", "10:30 tomorrow", L, G_MIN, FRI, "2026-03-07T10:30:00Z", 0),
    /* a clock time less than an hour past is today's, else tomorrow's */
    R("3:15pm", "3:15pm", L, G_MIN, "2026-03-06T15:15:00Z", "2026-03-06T15:15:00Z", 0),
    R("2:15pm", "2:15pm", L, G_MIN, FRI, "2026-03-07T14:15:00Z", 0),
    R("See you Sat.", "Sat", L, G_D, FRI, "2026-03-07T23:59:59Z", 0),
    R("back in 15'", "in 15'", D, G_MIN, "2026-03-06T16:15:00Z", "2026-03-06T16:15:00Z", 0),
    R("5 p.m.", "5 p.m.", L, G_H, FRI, "2026-03-06T17:00:00Z", 0),
    R("half past 5 pm", "half past 5 pm", L, G_MIN, FRI, "2026-03-06T17:30:00Z", 0),
    R("a quarter to noon", "a quarter to noon", L, G_MIN, FRI, "2026-03-07T11:45:00Z", 0),
    R("from 9am to 5pm", "from 9am to 5pm", L, G_H, FRI, "2026-03-06T17:00:00Z", 0),
    R("Monday to Friday 9am-5pm", "Monday to Friday 9am-5pm", L, G_H, FRI,
      "2026-03-13T17:00:00Z", 0),
    R("between 5 and 7pm", "between 5 and 7pm", L, G_H, FRI, "2026-03-06T19:00:00Z", 0),
    R("July 13-15", "July 13-15", L, G_D, FRI, "2026-07-15T23:59:59Z", 0),
    R("from 13 to 15 July", "from 13 to 15 July", L, G_D, FRI, "2026-07-15T23:59:59Z", 0),
    R("Aug 8 - Aug 12", "Aug 8 - Aug 12", L, G_D, FRI, "2026-08-12T23:59:59Z", 0),
    R("4pm for 30 mins", "4pm for 30 mins", L, G_MIN, FRI, "2026-03-06T16:30:00Z", 0),
    R("3 Fridays from now", "3 Fridays from now", L, G_D, FRI, "2026-03-27T23:59:59Z", 0),
    R("the day after tomorrow", "the day after tomorrow", L, G_D, FRI, "2026-03-08T23:59:59Z", 0),
    R("in 2020", "in 2020", L, G_Y, "2020-12-31T23:59:59Z", "2020-12-31T23:59:59Z", 0),
    R("in 2027", "in 2027", L, G_Y, FRI, "2027-12-31T23:59:59Z", 0),
    R("the third quarter", "the third quarter", L, G_Q, FRI, "2026-09-30T23:59:59Z", 0),
    R("next quarter", "next quarter", L, G_Q, FRI, "2026-06-30T23:59:59Z", 0),
    R("by noon tomorrow", "by noon tomorrow", L, G_H, FRI, "2026-03-07T12:00:00Z", 0),
    R("Tuesday the 10th", "Tuesday the 10th", L, G_D, FRI, "2026-03-10T23:59:59Z", 0),
    R("Mon, March 9", "Mon, March 9", L, G_D, FRI, "2026-03-09T23:59:59Z", 0),
    R("Fri, Jul 17, 2026 07:00 PM", "Fri, Jul 17, 2026 07:00 PM", L, G_MIN, FRI,
      "2026-07-17T19:00:00Z", 0),
    R("at 7:30 PM on Sat, Mar 14", "at 7:30 PM on Sat, Mar 14", L, G_MIN, FRI,
      "2026-03-14T19:30:00Z", 0),
    R("end of April", "end of April", L, G_D, FRI, "2026-04-30T23:59:59Z", 0),
    R("beginning of next week", "beginning of next week", L, G_D, FRI, "2026-03-11T23:59:59Z", 0),
    R("the end of the week", "the end of the week", L, G_D, FRI, "2026-03-08T23:59:59Z", 0),
    R("3pm EST", "3pm EST", L, G_H, FRI, "2026-03-06T20:00:00Z", 0),
    R("at 17:00 CET", "at 17:00 CET", L, G_MIN, FRI, FRI, 0),
    R("before 5pm", "before 5pm", L, G_H, FRI, "2026-03-06T17:00:00Z", 0),
    R("before Friday", "before Friday", L, G_D, FRI, "2026-03-12T23:59:59Z", 0),
    R("until Monday", "until Monday", L, G_D, FRI, "2026-03-09T23:59:59Z", 0),
    R("no later than March 20", "no later than March 20", L, G_D, FRI, "2026-03-20T23:59:59Z", 0),
    R("tmrw", "tmrw", L, G_D, FRI, "2026-03-07T23:59:59Z", 0),
    R("after lunch", "after lunch", L, G_H, FRI, "2026-03-06T16:59:59Z", 0),
    R("yesterday", "yesterday", L, G_D, "2026-03-05T23:59:59Z", "2026-03-05T23:59:59Z", 0),
    R("the 3rd of May", "the 3rd of May", L, G_D, FRI, "2026-05-03T23:59:59Z", 0),
    R("by May 5", "by May 5", L, G_D, FRI, "2026-05-05T23:59:59Z", 0),
    R("in May", "in May", L, G_M, FRI, "2026-05-31T23:59:59Z", 0),

    R("the week after next", "the week after next", L, G_W, FRI, "2026-03-22T23:59:59Z", 0),
    R("in a day or two", "in a day or two", D, G_D, "2026-03-07T16:00:00Z",
      "2026-03-08T16:00:00Z", 0),
    R("by the end of Q2", "by the end of Q2", L, G_M, FRI, "2026-06-30T23:59:59Z", 0),
    R("same time tomorrow", "same time tomorrow", L, G_MIN, FRI, "2026-03-07T16:00:00Z", 0),
    R("this time next week", "this time next week", L, G_MIN, FRI, "2026-03-13T16:00:00Z", 0),
    R("by 5:00 p.m. PST on Friday", "by 5:00 p.m. PST on Friday", L, G_MIN, FRI,
      "2026-03-14T01:00:00Z", 0),
    R("the following Monday", "the following Monday", L, G_D, FRI, "2026-03-09T23:59:59Z", 0),
    R("in the next 2-3 weeks", "in the next 2-3 weeks", D, G_W, FRI, "2026-03-27T16:00:00Z", 0),
    R("3 business days ago", "3 business days ago", D, G_D, "2026-03-03T16:00:00Z",
      "2026-03-03T16:00:00Z", 3),

    /* ---- relative parts of days ---- */
    R("later today", "later today", L, G_D, FRI, "2026-03-06T23:59:59Z", 0),
    R("this afternoon", "this afternoon", L, G_H, FRI, "2026-03-06T18:59:59Z", 0),
    R("this evening", "this evening", L, G_H, FRI, "2026-03-06T23:59:59Z", 0),
    R("in the morning", "in the morning", L, G_H, FRI, "2026-03-07T11:59:59Z", 0),
    R("at 3 in the afternoon", "at 3 in the afternoon", L, G_H, FRI, "2026-03-07T15:00:00Z", 0),
    R("8 tonight", "8 tonight", L, G_H, FRI, "2026-03-06T20:00:00Z", 0),

    /* ---- vague (documented defaults) ---- */
    R("soon", "soon", V, G_NONE, FRI, "2026-03-09T16:00:00Z", 0),
    R("shortly", "shortly", V, G_NONE, FRI, "2026-03-06T20:00:00Z", 0),
    R("ASAP", "ASAP", V, G_NONE, FRI, "2026-03-07T16:00:00Z", 0),
    R("as soon as possible", "as soon as possible", V, G_NONE, FRI, "2026-03-07T16:00:00Z", 0),
    R("in a bit", "in a bit", V, G_NONE, FRI, "2026-03-06T20:00:00Z", 0),
    R("at the earliest opportunity", "at the earliest opportunity", V, G_NONE, FRI,
      "2026-03-07T16:00:00Z", 0),
    R("in due course", "in due course", V, G_NONE, FRI, "2026-03-20T16:00:00Z", 0),
    R("I'll get back to you later.", "later", V, G_NONE, FRI, "2026-03-07T16:00:00Z", 0),
    R("right away", "right away", V, G_NONE, FRI, "2026-03-06T17:00:00Z", 0),
    R("We'll fix it immediately.", "immediately", V, G_NONE, FRI, "2026-03-06T17:00:00Z", 0),

    /* ---- time zones: Berlin across the switch to summer time ---- */
    {"tomorrow at 5pm", SAT, "Europe/Berlin", 0, H_NONE, "tomorrow at 5pm", L, G_H, SAT,
     "2026-03-29T15:00:00Z", -1, 0, 0},
    {"in 2 days", SAT, "Europe/Berlin", 0, H_NONE, "in 2 days", D, G_D, "2026-03-30T11:00:00Z",
     "2026-03-30T11:00:00Z", 0, 0, 0},
    {"within 24 hours", SAT, "Europe/Berlin", 0, H_NONE, "within 24 hours", D, G_H, SAT,
     "2026-03-29T12:00:00Z", 0, 0, 0},
    {"tonight", SAT, "Europe/Berlin", 0, H_NONE, "tonight", L, G_H, SAT, "2026-03-28T22:59:59Z",
     -1, 0, 0},
    {"tomorrow", SAT, "Europe/Berlin", 0, H_NONE, "tomorrow", L, G_D, SAT,
     "2026-03-29T21:59:59Z", -1, 0, 0},
    {"tomorrow at 2:30am", SAT, "Europe/Berlin", 0, H_NONE, "tomorrow at 2:30am", L, G_MIN, SAT,
     "2026-03-29T01:00:00Z", -1, 0, 0},
    {"tomorrow at 2:30am", "2026-10-24T12:00:00Z", "Europe/Berlin", 0, H_NONE,
     "tomorrow at 2:30am", L, G_MIN, "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z", -1, 0, 0},
    {"next week", SAT, "Europe/Berlin", 0, H_NONE, "next week", L, G_W, SAT,
     "2026-04-05T21:59:59Z", -1, 0, 0},
    /* New York: summer time from 2026-03-08 */
    {"at 5pm", FRI, "America/New_York", 0, H_NONE, "at 5pm", L, G_H, FRI, "2026-03-06T22:00:00Z",
     -1, 0, 0},
    {"by Monday", FRI, "America/New_York", 0, H_NONE, "by Monday", L, G_D, FRI,
     "2026-03-10T03:59:59Z", -1, 0, 0},
    {"in 3 days", FRI, "America/New_York", 0, H_NONE, "in 3 days", D, G_D,
     "2026-03-09T15:00:00Z", "2026-03-09T15:00:00Z", 0, 0, 0},
    {"today", FRI, "America/New_York", 0, H_NONE, "today", L, G_D, FRI, "2026-03-07T04:59:59Z",
     -1, 0, 0},
    /* a fixed offset: 21:30 local at FRI */
    {"tonight", FRI, "+05:30", 0, H_NONE, "tonight", L, G_H, FRI, "2026-03-06T18:29:59Z", -1, 0,
     0},
    {"tomorrow at 10am", FRI, "+05:30", 0, H_NONE, "tomorrow at 10am", L, G_H, FRI,
     "2026-03-07T04:30:00Z", -1, 0, 0},
    {"by Friday", FRI, "+05:30", 0, H_NONE, "by Friday", L, G_D, FRI, "2026-03-13T18:29:59Z", -1,
     0, 0},
    {"within 24 hours", FRI, "+05:30", 0, H_NONE, "within 24 hours", D, G_H, FRI,
     "2026-03-07T16:00:00Z", 0, 0, 0},

    /* ---- Duckling's reference: Tuesday 2013-02-12 04:30 at UTC-2 ---- */
    {"by Friday", TUE, "-02:00", 0, H_NONE, "by Friday", L, G_D, TUE, "2013-02-15T23:59:59-02:00",
     -1, 0, 0},
    {"tomorrow at 5pm", TUE, "-02:00", 0, H_NONE, "tomorrow at 5pm", L, G_H, TUE,
     "2013-02-13T17:00:00-02:00", -1, 0, 0},
    {"next week", TUE, "-02:00", 0, H_NONE, "next week", L, G_W, TUE,
     "2013-02-24T23:59:59-02:00", -1, 0, 0},
    {"in 2-3 days", TUE, "-02:00", 0, H_NONE, "in 2-3 days", D, G_D, "2013-02-14T04:30:00-02:00",
     "2013-02-15T04:30:00-02:00", 0, 0, 0},
    {"at 3am", TUE, "-02:00", 0, H_NONE, "at 3am", L, G_H, TUE, "2013-02-13T03:00:00-02:00", -1,
     0, 0},
    {"this afternoon at 3:20", TUE, "-02:00", 0, H_NONE, "this afternoon at 3:20", L, G_MIN, TUE,
     "2013-02-12T15:20:00-02:00", -1, 0, 0},
    {"last Monday of March", TUE, "-02:00", 0, H_NONE, "last Monday of March", L, G_D, TUE,
     "2013-03-25T23:59:59-02:00", -1, 0, 0},
    {"3 to 5 business days", TUE, "-02:00", 0, H_NONE, "3 to 5 business days", D, G_D,
     "2013-02-15T04:30:00-02:00", "2013-02-19T04:30:00-02:00", 5, 0, 0},
    {"monday in the early hours of the morning", TUE, "-02:00", 0, H_NONE,
     "monday in the early hours of the morning", L, G_H, TUE, "2013-02-18T08:59:59-02:00", -1, 0,
     0},
    {"monday", TUE, "-02:00", 0, H_NONE, "monday", L, G_D, TUE, "2013-02-18T23:59:59-02:00", -1,
     0, 0},
    {"next saturday", TUE, "-02:00", 0, H_NONE, "next saturday", L, G_D, TUE,
     "2013-02-23T23:59:59-02:00", -1, 0, 0},

    /* ---- day_first ---- */
    {"4/3", FRI, NULL, 0, H_NONE, "4/3", L, G_D, FRI, "2026-04-03T23:59:59Z", -1, 0, 0},
    {"4/3", FRI, NULL, 1, H_NONE, "4/3", L, G_D, FRI, "2027-03-04T23:59:59Z", -1, 0, 0},
    {"3/4", FRI, NULL, 1, H_NONE, "3/4", L, G_D, FRI, "2026-04-03T23:59:59Z", -1, 0, 0},
    {"13/4", FRI, NULL, 0, H_NONE, "13/4", L, G_D, FRI, "2026-04-13T23:59:59Z", -1, 0, 0},
    {"4/13", FRI, NULL, 1, H_NONE, "4/13", L, G_D, FRI, "2026-04-13T23:59:59Z", -1, 0, 0},
    {"03/04/2026", FRI, NULL, 1, H_NONE, "03/04/2026", L, G_D, FRI, "2026-04-03T23:59:59Z", -1,
     0, 0},
    {"03/04/2026", FRI, NULL, 0, H_NONE, "03/04/2026", L, G_D, "2026-03-04T23:59:59Z",
     "2026-03-04T23:59:59Z", -1, 0, 0},

    /* ---- in sentences: spans, several expressions, longest first ---- */
    {"We will refund you within 3-5 business days and call you tomorrow at 10am.", FRI, NULL, 0,
     H_NONE, "within 3-5 business days", D, G_D, FRI, "2026-03-13T16:00:00Z", 5, 0, 2},
    {"We will refund you within 3-5 business days and call you tomorrow at 10am.", FRI, NULL, 0,
     H_NONE, "tomorrow at 10am", L, G_H, FRI, "2026-03-07T10:00:00Z", 0, 1, 2},
    {"Your order ships in 2\xe2\x80\x93" "3 days, by Monday at the latest.", FRI, NULL, 0, H_NONE,
     "by Monday at the latest", L, G_D, FRI, "2026-03-09T23:59:59Z", 0, 1, 2},
    {"I'll call you at 3 tomorrow.", FRI, NULL, 0, H_NONE, "at 3 tomorrow", L, G_H, FRI,
     "2026-03-07T15:00:00Z", 0, 0, 1},
    {"Expect the parts in 2 days at 5pm sharp.", FRI, NULL, 0, H_NONE, "in 2 days at 5pm", L, G_H,
     FRI, "2026-03-08T17:00:00Z", 0, 0, 1},
    {"by Friday at 5pm", FRI, NULL, 0, H_NONE, "by Friday at 5pm", L, G_H, FRI,
     "2026-03-13T17:00:00Z", 0, 0, 1},
    {"Order 58213 will arrive by Monday.", FRI, NULL, 0, H_NONE, "by Monday", L, G_D, FRI,
     "2026-03-09T23:59:59Z", 0, 0, 1},
    {"Our support is 24/7, and we reply within 2 hours.", FRI, NULL, 0, H_NONE, "within 2 hours",
     D, G_H, FRI, "2026-03-06T18:00:00Z", 0, 0, 1},
    {"We may refund you in May.", FRI, NULL, 0, H_NONE, "in May", L, G_M, FRI,
     "2026-05-31T23:59:59Z", 0, 0, 1},
    {"Open Monday to Friday, 9am-5pm.", FRI, NULL, 0, H_NONE, "Monday to Friday, 9am-5pm", L,
     G_H, FRI, "2026-03-13T17:00:00Z", 0, 0, 1},
    {"We ship by Sep. 5 at the latest.", FRI, NULL, 0, H_NONE, "by Sep. 5 at the latest", L, G_D,
     FRI, "2026-09-05T23:59:59Z", 0, 0, 1},
    {"See you on Thu.", FRI, NULL, 0, H_NONE, "on Thu", L, G_D, FRI, "2026-03-12T23:59:59Z", 0,
     0, 1},
    {"Thanks! We'll ship it ASAP. Tracking follows tomorrow.", FRI, NULL, 0, H_NONE, "tomorrow", L,
     G_D, FRI, "2026-03-07T23:59:59Z", 0, 1, 2},

    /* ---- false friends ---- */
    NONE("24/7 support"),
    NONE("3 items"),
    NONE("Windows 10"),
    NONE("iPhone 12"),
    NONE("$20"),
    NONE("10%"),
    NONE("5 stars"),
    NONE("2 phones"),
    NONE("1st floor"),
    NONE("on the 1st floor"),
    NONE("a 5-star hotel"),
    NONE("order 58213"),
    NONE("we may refund you"),
    NONE("May I help you?"),
    NONE("the second item"),
    NONE("wait a minute"),
    NONE("hold on a sec"),
    NONE("the sun is out"),
    NONE("I sat down"),
    NONE("a 5' cable"),
    NONE("we wed in secret"),
    NONE("Good morning, Anna!"),
    NONE("Have a good night"),
    NONE("once a day"),
    NONE("24 hours a day"),
    NONE("$5 a month"),
    NONE("every 2 days"),
    NONE("I'd rate it 4/5."),
    NONE("pages 2 - 15"),
    NONE("as soon as you get it"),
    NONE("how soon can you ship"),
    NONE("later than expected"),
    NONE("in 2 in 2 in 2"),
    NONE("Jan will call you"),
    NONE("at 5 stores"),
    NONE("the 2nd time"),
    NONE("a 1:1 meeting"),
    NONE("3-5 items"),
    NONE("the parcel in may be delayed"),
    NONE("we march on"),
    NONE("2020 was a good year"),
    NONE("call 555-1234"),
    NONE("a good boy"),
    NONE("rated 2 to 5"),
    NONE("version 2.5"),
    NONE("twice a week"),
    NONE("at the same time"),
    NONE("buying a second battery"),
    NONE("pick it up from one of our stores"),
    NONE("feedback about one of our products"),
    NONE("in the next 2-3, or even more"),

    /* ---- the week of a day, the nearest weekday to a date, a date N years on ---- */
    R("the week of March 10th", "the week of March 10th", L, G_W, FRI, "2026-03-15T23:59:59Z", -1),
    R("week of the 20th", "week of the 20th", L, G_W, FRI, "2026-03-22T23:59:59Z", -1),
    /* a Sunday names the week it begins */
    R("the week of March 15", "the week of March 15", L, G_W, FRI, "2026-03-22T23:59:59Z", -1),
    R("the week of 3/30", "the week of 3/30", L, G_W, FRI, "2026-04-05T23:59:59Z", -1),
    R("the closest Monday to March 12th", "the closest Monday to March 12th", L, G_D, FRI,
      "2026-03-09T23:59:59Z", -1),
    R("the nearest Friday to March 20th", "the nearest Friday to March 20th", L, G_D, FRI,
      "2026-03-20T23:59:59Z", -1),
    R("the second nearest Friday to March 20th", "the second nearest Friday to March 20th", L, G_D,
      FRI, "2026-03-13T23:59:59Z", -1),
    R("the third closest Wed to the 12th", "the third closest Wed to the 12th", L, G_D,
      "2026-03-04T23:59:59Z", "2026-03-04T23:59:59Z", -1),
    R("March in 1 year", "March in 1 year", L, G_M, FRI, "2027-03-31T23:59:59Z", -1),
    R("June 3rd in 2 years", "June 3rd in 2 years", L, G_D, FRI, "2028-06-03T23:59:59Z", -1),
    R("by January in two years", "by January in two years", L, G_M, FRI, "2029-01-31T23:59:59Z", -1),
    R("we may in 2 years", "in 2 years", D, G_Y, "2028-03-06T16:00:00Z", "2028-03-06T16:00:00Z", 0),
    /* years with an era */
    R("in 14 a.d.", "in 14 a.d.", L, G_Y, "0014-12-31T23:59:59Z", "0014-12-31T23:59:59Z", -1),
    R("by 1066 AD", "by 1066 AD", L, G_Y, "1066-12-31T23:59:59Z", "1066-12-31T23:59:59Z", -1),
    R("in 300 B.C.", "in 300 B.C.", L, G_Y, NULL, NULL, -1),
    NONE("in 14 ad campaigns"),
    NONE("approximately 5 ad spots"),
    /* "16h" is a clock time before "for" and a span under a day */
    R("17h for 45 minutes", "17h for 45 minutes", L, G_MIN, FRI, "2026-03-06T17:45:00Z", -1),
    R("24h for 7 days", "24h", D, G_H, "2026-03-07T16:00:00Z", "2026-03-07T16:00:00Z", 0),
};

/* ---------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------- */

static int64_t iso(const char *s) {
  int y, mo, d, h, mi, se;
  char tail[16] = "";
  if (sscanf(s, "%d-%d-%dT%d:%d:%d%15s", &y, &mo, &d, &h, &mi, &se, tail) < 6) fail_msg("bad time %s", s);
  int64_t t = tact_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
  if (tail[0] == '+' || tail[0] == '-') {
    int oh = 0, om = 0;
    sscanf(tail + 1, "%d:%d", &oh, &om);
    t -= (tail[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  return t;
}

static const int32_t *holidays(int which, size_t *n) {
  static int32_t mon9[1], fri13[1], xmas[2];
  mon9[0] = (int32_t)tact_days_from_civil(2026, 3, 9);
  fri13[0] = (int32_t)tact_days_from_civil(2026, 3, 13);
  xmas[0] = (int32_t)tact_days_from_civil(2026, 12, 25);
  xmas[1] = (int32_t)tact_days_from_civil(2027, 1, 1);
  switch (which) {
  case H_MON9: *n = 1; return mon9;
  case H_FRI13: *n = 1; return fri13;
  case H_XMAS: *n = 2; return xmas;
  default: *n = 0; return NULL;
  }
}

typedef struct fx {
  tact_allocator a;
  tact_text t;
  tact_timex_list list;
  tact_tz *tz;
  tact_error err;
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  if (!f) return -1;
  tact_alloc_resolve(&f->a, NULL);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  tact_text_free(&f->t, &f->a);
  tact_timex_list_free(&f->list, &f->a);
  tact_tz_free(f->tz, &f->a);
  free(f);
  return 0;
}

/* Tokenizes `text` and finds its time expressions. */
static void find(fx *f, const char *text, const char *now, const char *tz, int day_first,
                 int hol) {
  tact_timex_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.now = iso(now);
  ctx.day_first = day_first;
  ctx.holidays = holidays(hol, &ctx.n_holidays);
  if (tz) {
    assert_int_equal(tact_tz_load(&f->tz, tz, &f->a, &f->err), TACT_OK);
    ctx.tz = f->tz;
  }
  assert_int_equal(tact_text_analyze(&f->t, &f->a, text, strlen(text), 0, &f->err), TACT_OK);
  assert_int_equal(tact_timex_find(&f->t, &ctx, &f->a, &f->list, &f->err), TACT_OK);
  /* invariants of every expression */
  for (size_t i = 0; i < f->list.n; i++) {
    const tact_timex *x = &f->list.items[i];
    assert_true(x->start <= x->end);
    assert_int_equal(x->min_seconds, x->start - ctx.now);
    assert_int_equal(x->max_seconds, x->end - ctx.now);
    assert_true(x->n_tokens > 0 && x->first_token + x->n_tokens <= f->t.n_tokens);
    assert_true(x->kind >= TACT_TIME_DURATION && x->kind <= TACT_TIME_VAGUE);
    if (i) assert_true(f->list.items[i - 1].first_token + f->list.items[i - 1].n_tokens <= x->first_token);
  }
}

static void span_text(const fx *f, const char *text, const tact_timex *x, char *buf, size_t cap) {
  size_t a = f->t.tokens[x->first_token].start;
  size_t b = f->t.tokens[x->first_token + x->n_tokens - 1].end;
  snprintf(buf, cap, "%.*s", (int)(b - a), text + a);
}

/* Checks one row; prints every mismatch and returns false on any. */
static bool check_case(fx *f, const tcase *c) {
  find(f, c->text, c->now, c->tz, c->day_first, c->holidays);
  char got[256];
  bool ok = true;
#define BAD(...) (print_error(__VA_ARGS__), ok = false)
  if (!c->span) {
    if (f->list.n) {
      span_text(f, c->text, &f->list.items[0], got, sizeof got);
      BAD("\"%s\": found \"%s\", want nothing\n", c->text, got);
    }
    return ok;
  }
  if (c->count && f->list.n != (size_t)c->count)
    BAD("\"%s\": %zu expressions, want %d\n", c->text, f->list.n, c->count);
  if ((size_t)c->nth >= f->list.n) {
    BAD("\"%s\": expression %d not found\n", c->text, c->nth);
    return ok;
  }
  const tact_timex *x = &f->list.items[c->nth];
  span_text(f, c->text, x, got, sizeof got);
  if (strcmp(got, c->span)) BAD("\"%s\": span \"%s\", want \"%s\"\n", c->text, got, c->span);
  if (x->kind != c->kind) BAD("\"%s\": kind %d, want %d\n", c->text, x->kind, c->kind);
  if (c->grain >= 0 && x->grain != c->grain)
    BAD("\"%s\": grain %d, want %d\n", c->text, x->grain, c->grain);
  if (c->start && x->start != iso(c->start))
    BAD("\"%s\": start off by %lld s from %s\n", c->text, (long long)(x->start - iso(c->start)),
        c->start);
  if (c->end && x->end != iso(c->end))
    BAD("\"%s\": end off by %lld s from %s\n", c->text, (long long)(x->end - iso(c->end)), c->end);
  if (c->bdays >= 0 && x->business_days != c->bdays)
    BAD("\"%s\": business_days %u, want %d\n", c->text, x->business_days, c->bdays);
#undef BAD
  return ok;
}

/* ---------------------------------------------------------------------
 * The table
 * --------------------------------------------------------------------- */

static void test_cases(void **state) {
  fx *f = *state;
  size_t n = sizeof CASES / sizeof *CASES;
  size_t bad = 0;
  assert_true(n >= 150);
  for (size_t i = 0; i < n; i++) bad += !check_case(f, &CASES[i]);
  if (bad) fail_msg("%zu of %zu cases failed", bad, n);
}

/* ---------------------------------------------------------------------
 * Calendar helpers
 * --------------------------------------------------------------------- */

static void test_civil(void **state) {
  (void)state;
  assert_int_equal(tact_days_from_civil(1970, 1, 1), 0);
  assert_int_equal(tact_days_from_civil(2000, 3, 1), 11017);
  assert_int_equal(tact_days_from_civil(1969, 12, 31), -1);
  assert_int_equal(tact_days_from_civil(2026, 3, 6), 20518);
  for (int64_t d = -800000; d <= 800000; d += 97) {
    int64_t y;
    unsigned m, dd;
    tact_civil_from_days(d, &y, &m, &dd);
    assert_true(m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
    assert_int_equal(tact_days_from_civil(y, m, dd), d);
  }
}

static void test_business_days(void **state) {
  (void)state;
  tact_timex_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.holidays = holidays(H_MON9, &ctx.n_holidays);
  int64_t fri = iso(FRI);
  assert_int_equal(tact_add_business_days(fri, 0, &ctx), fri);
  assert_int_equal(tact_add_business_days(fri, 1, &ctx), iso("2026-03-10T16:00:00Z"));
  assert_int_equal(tact_add_business_days(fri, 5, &ctx), iso("2026-03-16T16:00:00Z"));
  /* backwards over a weekend */
  assert_int_equal(tact_add_business_days(iso("2026-03-10T08:00:00Z"), -1, &ctx),
                   iso("2026-03-06T08:00:00Z"));
  /* a weekend start counts from the next business day */
  assert_int_equal(tact_add_business_days(iso("2026-03-07T10:00:00Z"), 1, NULL),
                   iso("2026-03-09T10:00:00Z"));
}

/* ---------------------------------------------------------------------
 * Time zones
 * --------------------------------------------------------------------- */

static void test_tz_names(void **state) {
  fx *f = *state;
  static const char *const good[] = {"UTC", "Z", "+02:00", "-0530", "+2", "-02:00", "+05:30",
                                     "Europe/Berlin", "America/New_York", "Etc/GMT+5"};
  static const int32_t offs[] = {0, 0, 7200, -19800, 7200, -7200, 19800, 3600, -18000, -18000};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    assert_int_equal(tact_tz_load(&f->tz, good[i], &f->a, &f->err), TACT_OK);
    assert_int_equal(tact_tz_offset(f->tz, iso("2026-01-15T12:00:00Z")), offs[i]);
  }
  static const char *const bad[] = {"../../etc/passwd", "/etc/localtime", "Europe/../UTC",
                                    "Europe/Ber lin", "Nowhere/Atlantis", "", "+25:00",
                                    "Europe/Berlin\n", "+0560", "UTC;rm"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    tact_tz *z = NULL;
    assert_int_equal(tact_tz_load(&z, bad[i], &f->a, &f->err), TACT_E_ARG);
    assert_null(z);
    assert_int_equal(f->err.code, TACT_E_ARG);
  }
  /* reloading the same name reuses the zone */
  assert_int_equal(tact_tz_load(&f->tz, "Europe/Berlin", &f->a, &f->err), TACT_OK);
  tact_tz *same = f->tz;
  assert_int_equal(tact_tz_load(&f->tz, "Europe/Berlin", &f->a, &f->err), TACT_OK);
  assert_ptr_equal(f->tz, same);
  assert_int_equal(tact_tz_load(NULL, "UTC", &f->a, &f->err), TACT_E_ARG);
  assert_int_equal(tact_tz_offset(NULL, 12345), 0);
  assert_int_equal(tact_tz_to_utc(NULL, 12345), 12345);
}

static void test_tz_transitions(void **state) {
  fx *f = *state;
  assert_int_equal(tact_tz_load(&f->tz, "Europe/Berlin", &f->a, &f->err), TACT_OK);
  const tact_tz *z = f->tz;
  assert_int_equal(tact_tz_offset(z, iso("2026-03-29T00:59:59Z")), 3600);
  assert_int_equal(tact_tz_offset(z, iso("2026-03-29T01:00:00Z")), 7200);
  assert_int_equal(tact_tz_offset(z, iso("2026-10-25T00:59:59Z")), 7200);
  assert_int_equal(tact_tz_offset(z, iso("2026-10-25T01:00:00Z")), 3600);
  /* past the file's last transition (2037): the footer rule */
  assert_int_equal(tact_tz_offset(z, iso("2100-07-01T00:00:00Z")), 7200);
  assert_int_equal(tact_tz_offset(z, iso("2100-01-01T00:00:00Z")), 3600);
  /* local to UTC: plain, in the spring gap (the gap's end), in the autumn overlap (earlier) */
  assert_int_equal(tact_tz_to_utc(z, iso("2026-03-29T01:30:00Z")), iso("2026-03-29T00:30:00Z"));
  assert_int_equal(tact_tz_to_utc(z, iso("2026-03-29T02:30:00Z")), iso("2026-03-29T01:00:00Z"));
  assert_int_equal(tact_tz_to_utc(z, iso("2026-03-29T03:30:00Z")), iso("2026-03-29T01:30:00Z"));
  assert_int_equal(tact_tz_to_utc(z, iso("2026-10-25T02:30:00Z")), iso("2026-10-25T00:30:00Z"));
  assert_int_equal(tact_tz_to_utc(z, iso("2100-07-01T12:00:00Z")), iso("2100-07-01T10:00:00Z"));
  assert_int_equal(tact_tz_load(&f->tz, "America/New_York", &f->a, &f->err), TACT_OK);
  assert_int_equal(tact_tz_offset(f->tz, iso("2026-03-08T06:59:59Z")), -18000);
  assert_int_equal(tact_tz_offset(f->tz, iso("2026-03-08T07:00:00Z")), -14400);
  assert_int_equal(tact_tz_offset(f->tz, iso("2090-08-01T00:00:00Z")), -14400);
  assert_int_equal(tact_tz_load(&f->tz, "Australia/Sydney", &f->a, &f->err), TACT_OK);
  assert_int_equal(tact_tz_offset(f->tz, iso("2090-01-15T00:00:00Z")), 39600);
  assert_int_equal(tact_tz_offset(f->tz, iso("2090-07-15T00:00:00Z")), 36000);
}

/* Writes a version 1 copy of Berlin (32-bit data only, no footer) and a
 * truncated file into `dir`. */
static void write_v1(const char *dir) {
  FILE *in = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");
  assert_non_null(in);
  static unsigned char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf, in);
  fclose(in);
  assert_true(n > 44);
  uint32_t c[6];
  for (int k = 0; k < 6; k++)
    c[k] = (uint32_t)buf[20 + 4 * k] << 24 | (uint32_t)buf[21 + 4 * k] << 16 |
           (uint32_t)buf[22 + 4 * k] << 8 | buf[23 + 4 * k];
  /* isut, isstd, leap, time, type, chars */
  size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  buf[4] = 0;
  char path[512];
  snprintf(path, sizeof path, "%s/V1Berlin", dir);
  FILE *out = fopen(path, "wb");
  assert_non_null(out);
  assert_int_equal(fwrite(buf, 1, v1, out), v1);
  fclose(out);
  snprintf(path, sizeof path, "%s/Truncated", dir);
  out = fopen(path, "wb");
  assert_non_null(out);
  assert_int_equal(fwrite(buf, 1, 60, out), 60);
  fclose(out);
}

static void test_tzdir(void **state) {
  fx *f = *state;
  const char *old = getenv("TZDIR");
  char *saved = old ? strdup(old) : NULL;
  char dir[] = "/tmp/tact-tzdir-XXXXXX";
  assert_non_null(mkdtemp(dir));
  write_v1(dir);
  setenv("TZDIR", dir, 1);
  tact_tz *z = NULL;
  assert_int_equal(tact_tz_load(&z, "Europe/Berlin", &f->a, &f->err), TACT_E_ARG);
  assert_int_equal(tact_tz_load(&z, "Truncated", &f->a, &f->err), TACT_E_ARG);
  assert_null(z);
  /* version 1: 32-bit transitions up to 2037, then the last offset stays */
  assert_int_equal(tact_tz_load(&z, "V1Berlin", &f->a, &f->err), TACT_OK);
  assert_int_equal(tact_tz_offset(z, iso("2026-07-01T00:00:00Z")), 7200);
  assert_int_equal(tact_tz_offset(z, iso("2026-12-01T00:00:00Z")), 3600);
  assert_int_equal(tact_tz_offset(z, iso("2100-07-01T00:00:00Z")), 3600);
  assert_int_equal(tact_tz_load(&z, "+01:00", &f->a, &f->err), TACT_OK);
  tact_tz_free(z, &f->a);
  char path[512];
  snprintf(path, sizeof path, "%s/V1Berlin", dir);
  remove(path);
  snprintf(path, sizeof path, "%s/Truncated", dir);
  remove(path);
  rmdir(dir);
  if (saved) setenv("TZDIR", saved, 1);
  else unsetenv("TZDIR");
  free(saved);
}

/* ---------------------------------------------------------------------
 * API behaviour
 * --------------------------------------------------------------------- */

typedef struct failing {
  long left; /* allocations allowed before failing */
} failing;

static void *f_malloc(void *u, size_t n) {
  failing *fl = u;
  return fl->left-- > 0 ? malloc(n) : NULL;
}
static void *f_realloc(void *u, void *p, size_t n) {
  failing *fl = u;
  return fl->left-- > 0 ? realloc(p, n) : NULL;
}
static void f_free(void *u, void *p) {
  (void)u;
  free(p);
}

static void test_api(void **state) {
  fx *f = *state;
  tact_timex_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.now = iso(FRI);
  assert_int_equal(tact_timex_find(NULL, &ctx, &f->a, &f->list, &f->err), TACT_E_ARG);
  const char *text = "by Friday, within 2 days, ASAP";
  assert_int_equal(tact_text_analyze(&f->t, &f->a, text, strlen(text), 0, &f->err), TACT_OK);
  assert_int_equal(tact_timex_find(&f->t, &ctx, &f->a, NULL, &f->err), TACT_E_ARG);
  /* a NULL context means now = 0 in UTC */
  assert_int_equal(tact_timex_find(&f->t, NULL, NULL, &f->list, &f->err), TACT_OK);
  assert_int_equal(f->list.n, 3);
  /* reuse: the list keeps its capacity, contents are replaced */
  void *items = f->list.items;
  assert_int_equal(tact_timex_find(&f->t, &ctx, &f->a, &f->list, &f->err), TACT_OK);
  assert_int_equal(f->list.n, 3);
  assert_ptr_equal(f->list.items, items);
  /* out of memory while the list grows */
  failing fl = {0};
  tact_allocator bad = {f_malloc, f_realloc, f_free, &fl};
  tact_timex_list l2 = {0};
  assert_int_equal(tact_timex_find(&f->t, &ctx, &bad, &l2, &f->err), TACT_E_NOMEM);
  assert_int_equal(f->err.code, TACT_E_NOMEM);
  tact_timex_list_free(&l2, &bad);
  tact_timex_list_free(NULL, &f->a);
  /* empty text */
  assert_int_equal(tact_text_analyze(&f->t, &f->a, "", 0, 0, &f->err), TACT_OK);
  assert_int_equal(tact_timex_find(&f->t, &ctx, &f->a, &f->list, &f->err), TACT_OK);
  assert_int_equal(f->list.n, 0);
}

/* Extreme numbers and odd inputs never crash and keep the invariants. */
static void test_robust(void **state) {
  fx *f = *state;
  static const char *const texts[] = {
      "in 999999 years", "in 1000001 years", "within 99999999999999999999 days",
      "on 99/99/9999", "31/02/2026", "February 30", "on the 31st", "at 25:00", "at 24:00",
      "0:00", "12am", "12pm", "in 0 days", "0 business days", "65535 business days",
      "3/0", "0/0/0000", "1-2-3-4", "999999999999h", "between and", "from to", "the of",
      "by by by", "at @ at", "- - -", "1/2/3/4/5", "Q9", "4th quarter 2999", "the 5th Friday of Feb",
      "last week of 1900", "in 1900", "in 2199", ("\xe2\x80\x93" "3 days"),
  };
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
    find(f, texts[i], FRI, i % 2 ? "Europe/Berlin" : NULL, (int)(i % 3 == 0), H_MON9);
}

/* Scanning is linear: four times the text takes about four times as long. */
static double time_text(fx *f, const char *unit, size_t bytes) {
  size_t ul = strlen(unit), n = bytes / ul;
  char *buf = malloc(n * ul + 1);
  assert_non_null(buf);
  for (size_t i = 0; i < n; i++) memcpy(buf + i * ul, unit, ul);
  buf[n * ul] = '\0';
  tact_timex_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.now = iso(FRI);
  clock_t t0 = clock();
  assert_int_equal(tact_text_analyze(&f->t, &f->a, buf, n * ul, 0, &f->err), TACT_OK);
  assert_int_equal(tact_timex_find(&f->t, &ctx, &f->a, &f->list, &f->err), TACT_OK);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  free(buf);
  return secs;
}

static void test_linear(void **state) {
  fx *f = *state;
  static const char *const units[] = {"in 2 ", "2 days ", "by Friday at 5pm ", "the 3rd of ",
                                      "between 2 and ", "9:30 - "};
  for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
    double small = time_text(f, units[i], 1 << 18);
    double big = time_text(f, units[i], 1 << 20);
    /* generous: quadratic would be 16 times */
    if (big > 0.05 && big > 8 * small)
      fail_msg("\"%s\": 256 KiB in %.3f s, 1 MiB in %.3f s", units[i], small, big);
    assert_true(big < 30.0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_cases, setup, teardown),
      cmocka_unit_test_setup_teardown(test_civil, setup, teardown),
      cmocka_unit_test_setup_teardown(test_business_days, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tz_names, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tz_transitions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tzdir, setup, teardown),
      cmocka_unit_test_setup_teardown(test_api, setup, teardown),
      cmocka_unit_test_setup_teardown(test_robust, setup, teardown),
      cmocka_unit_test_setup_teardown(test_linear, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
