#!/usr/bin/env python3
"""Evaluates libtact's time expressions on Duckling's English corpus.

Data: ../shared/data/duckling/duckling-en.dev.jsonl (see its README). Every
case has the same reference time, Tuesday 2013-02-12 04:30 at UTC-2.

  `build/examples/tact promises --jsonl --now ... --tz ...`, one process for
  the whole file (its start_unix/end_unix are compared).

How a Duckling answer maps to ours (we report deadlines and durations, not
Duckling's windows; see docs/time-expressions.md):

  time, value + grain   The expression names an instant at a grain (a day,
                        an hour...). Ours is right when our deadline's end
                        (or a duration's end, now + max) falls inside that
                        grain unit: trunc(end, grain) == value, on the local
                        wall clock of the reference zone.
  time, from + to       An interval, `to` exclusive. Ours is right when our
                        end falls in the last grain unit of the interval or
                        on its exclusive end: to - 1 grain <= end <= to. When
                        Duckling's interval starts at the reference time (a
                        "by"/"within" interval), our start must equal it too.
  duration, value+unit  Our max_seconds must equal the duration; months,
                        quarters and years are counted on the calendar from
                        the reference time (as we add them), smaller units
                        exactly.

The expression compared is the longest one we found in the text (by
characters; ties: the first); finding none is a miss.

Subsets reported:
  all           every case
  non-holiday   cases not marked holiday
  subset        "durations, deadlines and relative days": every duration,
                plus the non-holiday time cases whose text matches one of
                the families in SUBSET_FAMILIES below (relative days,
                weekdays, calendar dates, clock times and parts of day,
                deadline words, offsets from now, this/next/last periods).
                The families are defined by the words in the text alone,
                never by our output.

Usage: eval/duckling.py [--data PATH] [--show-failures] [--subset-only]
       eval/duckling.py --dump-subset FILE      (the subset as JSON lines, for chrono)
       eval/duckling.py --cases FILE --times FILE --label NAME
                                                (judges another engine's answers)
       TACT_CLI=path/to/tact picks another build of the CLI.
"""
import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "duckling", "duckling-en.dev.jsonl")

MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
WEEKDAY = r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day)?s?\b"
SUBSET_FAMILIES = {
    "relative day": r"\b(today|tonight|tonite|tomorrows?|yesterday)\b",
    "weekday": WEEKDAY,
    "date": r"(\b" + MONTH + r"\s*(the\s+)?\d{1,2}(st|nd|rd|th)?\b|\b\d{1,2}(st|nd|rd|th)?\s*(of\s+)?"
            + MONTH + r"|\b\d{1,4}[/.-]\d{1,2}([/.-]\d{2,4})?\b|\b(first|second|third|\d+(st|nd|rd|th))\s+of\b)",
    "clock": r"(\b\d{1,2}(:\d\d)?\s*([ap]\.?m?\.?)\b|\b\d{1,2}:\d\d|\b\d{1,2}h\d*\b|\bnoon\b|\bmidnight\b"
             r"|\bmidday\b|o'?clock|\b(morning|afternoon|evening|night|lunch)\b)",
    "deadline word": r"\b(by|within|before|until|till|end of|eod|eom|eoy|cob)\b",
    "offset": r"(\bin\s+(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+|a couple|a few|few|half)\b"
              r"|from now|\bago\b|\bhence\b)",
    "period": r"\b(this|next|last|coming|upcoming|following|current)\s+(week|month|year)\b",
}
_FAMILY_RE = {k: re.compile(v, re.I) for k, v in SUBSET_FAMILIES.items()}


def families(case):
    if case["dim"] == "duration":
        return ["duration"]
    if case.get("holiday"):
        return []
    return [k for k, r in _FAMILY_RE.items() if r.search(case["text"])]


def in_subset(case):
    return bool(families(case))


def parse_iso(s):
    """Duckling's ISO times, including negative years (returned as None)."""
    if s.startswith("-"):
        return None
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?([+-]\d\d):?(\d\d)", s)
    if not m:
        return None
    y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
    off = int(m.group(7)) * 3600 + (1 if m.group(7)[0] == "+" else -1) * int(m.group(8)) * 60
    local = dt.datetime(y, mo, d, h, mi, se)
    return local, off


GRAIN_ORDER = ["second", "minute", "hour", "day", "week", "month", "quarter", "year"]


def trunc(local, grain):
    if grain == "second":
        return local.replace(microsecond=0)
    if grain == "minute":
        return local.replace(second=0, microsecond=0)
    if grain == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1)
    return day.replace(day=1, month=1)


def add_grain(local, grain, n=1):
    if grain in ("second", "minute", "hour", "day", "week"):
        secs = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}[grain]
        return local + dt.timedelta(seconds=secs * n)
    months = {"month": 1, "quarter": 3, "year": 12}[grain] * n
    k = local.year * 12 + local.month - 1 + months
    y, m = divmod(k, 12)
    import calendar
    d = min(local.day, calendar.monthrange(y, m + 1)[1])
    return local.replace(year=y, month=m + 1, day=d)


def local_of(unix, off):
    """Local time of a Unix instant; None before year 1 (datetime's range)."""
    try:
        return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=unix + off)
    except OverflowError:
        return None


def expected_duration_seconds(case, ref_local):
    v, unit = case["value"], case["unit"]
    if unit in ("month", "quarter", "year"):
        months = v * {"month": 1, "quarter": 3, "year": 12}[unit]
        return int((add_grain(ref_local, "month", months) - ref_local).total_seconds())
    return v * {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}[unit]


def pick(times):
    """The longest expression (in characters of its text); ties: the first."""
    best = None
    for t in times:
        if best is None or len(t["text"]) > len(best["text"]):
            best = t
    return best


def judge(case, times):
    ref_local, off = parse_iso(case["ref"])
    ref_unix = int((ref_local - dt.datetime(1970, 1, 1)).total_seconds()) - off
    t = pick(times)
    if t is None:
        return False, "nothing found"
    if case["dim"] == "duration":
        want = expected_duration_seconds(case, ref_local)
        return t["max_seconds"] == want, f"max_seconds {t['max_seconds']} want {want}"
    end_local = local_of(t["end"], off)
    if end_local is None:
        return False, "end out of datetime's range"
    grain = case["grain"]
    if "value" in case:
        pv = parse_iso(case["value"])
        if pv is None:
            return False, "unsupported expected value"
        got = trunc(end_local, grain)
        return got == pv[0], f"end {end_local} trunc {got} want {pv[0]}"
    pf, pt = parse_iso(case["from"]), parse_iso(case["to"])
    if pf is None or pt is None:
        return False, "unsupported expected value"
    lo = add_grain(pt[0], grain, -1) if grain != "second" else pt[0] - dt.timedelta(seconds=1)
    ok = lo <= end_local <= pt[0]
    why = f"end {end_local} want in [{lo}, {pt[0]}]"
    if ok and pf[0] == ref_local:
        ok = t["start"] == ref_unix
        why += f"; start {local_of(t['start'], off)} want {ref_local}"
    return ok, why


def run(texts, now, tz):
    """`tact promises --jsonl` over every text in one process; the "times"
    of each, with start/end as Unix seconds."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import common
    rows = common.run_jsonl("promises", texts, extra=["--now", now, "--tz", tz])
    results = []
    for r in rows:
        times = [] if "error" in r else r.get("times", [])
        results.append([dict(t, start=t["start_unix"], end=t["end_unix"]) for t in times])
    return results, "cli " + os.path.relpath(common.cli(), ROOT)


def report(label, cases, results):
    """Prints the shares correct; returns {group: (right, total)}."""
    tally = {"all": [0, 0], "non-holiday": [0, 0], "subset": [0, 0]}
    per_family = {}
    failures = []
    for c, times in zip(cases, results):
        ok, why = judge(c, times)
        groups = ["all"] + ([] if c.get("holiday") else ["non-holiday"]) + (["subset"] if in_subset(c) else [])
        for g in groups:
            tally[g][0] += ok
            tally[g][1] += 1
        for fam in families(c):
            per_family.setdefault(fam, [0, 0])
            per_family[fam][0] += ok
            per_family[fam][1] += 1
        if not ok:
            failures.append((c, why, pick(times)))
    print(label)
    for g, (k, n) in tally.items():
        if n:
            print(f"  {g:12} {k:4}/{n:<4} = {k / n:.3f}")
    print("  subset by family (a case may be in several):")
    for fam, (k, n) in sorted(per_family.items()):
        print(f"    {fam:14} {k:4}/{n:<4} = {k / n:.3f}")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--show-failures", action="store_true")
    ap.add_argument("--subset-only", action="store_true", help="list failures of the subset only")
    ap.add_argument("--dump-subset", metavar="FILE", help="write the subset's cases as JSON lines and exit")
    ap.add_argument("--times", metavar="FILE",
                    help="judge another engine: one {\"times\": [...]} per line of --cases")
    ap.add_argument("--cases", metavar="FILE", help="the cases --times answers (default: --data)")
    ap.add_argument("--label", default=None)
    args = ap.parse_args()
    cases = [json.loads(line) for line in open(args.cases or args.data, encoding="utf-8") if line.strip()]
    if args.dump_subset:
        with open(args.dump_subset, "w", encoding="utf-8") as f:
            for c in cases:
                if in_subset(c):
                    f.write(json.dumps(c) + "\n")
        return
    refs = {c["ref"] for c in cases}
    if len(refs) != 1:
        sys.exit("expected one reference time in the data")
    ref_local, off = parse_iso(refs.pop())
    now = (ref_local - dt.timedelta(seconds=off)).strftime("%Y-%m-%dT%H:%M:%SZ")
    tz = "%+03d:%02d" % (off // 3600 if off >= 0 else -((-off) // 3600), abs(off) % 3600 // 60)
    if args.times:
        results = [json.loads(line).get("times", []) for line in open(args.times, encoding="utf-8")]
        if len(results) != len(cases):
            sys.exit(f"{args.times}: {len(results)} lines for {len(cases)} cases")
        label = args.label or "external"
    else:
        results, how = run([c["text"].replace("\n", " ") for c in cases], now, tz)
        label = args.label or f"tact ({how})"
    source = os.path.basename(args.cases) if args.cases else os.path.relpath(args.data, ROOT)
    failures = report(f"{label} on {source}, reference {now} at {tz}",
                      cases, results)
    if args.show_failures:
        for c, why, got in failures:
            if not args.subset_only or in_subset(c):
                print(f"FAIL {c['text']!r}: {why} | found {got['text'] if got else None!r}")


if __name__ == "__main__":
    main()
