#!/usr/bin/env python3
"""run.py — the review corpus: realistic customer/reply pairs checked rule by
rule against `tact check`.

usage: run.py PATH/TO/tact CORPUS_DIR

CORPUS_DIR/pairs.jsonl holds one pair per line:

  {"id": "telecom-01", "customer": "...", "reply": "...", "name": "...",
   "fires": ["say-no", "missing:apologize", "good:thank"],
   "quiet": ["blame-customer", "missing:timeframe"],
   "xfail": ["missing:timeframe"]}

"customer", "name" and "xfail" are optional. An expectation is "RULE" (a
violation of a don't), "missing:RULE" (a do that is owed and absent) or
"good:RULE" (a do credited). "fires" must be found, "quiet" must not. An
expectation also listed in "xfail" is a known-hard case: its outcome is
reported but not counted.

All pairs go through one `tact check --jsonl` run with a fixed reference
time. The script prints one line per failed expectation (pair id,
expectation, what was found), a per-rule table, and a final line
`N passed, M failed`. Every rule id below must have at least one firing and
one quiet check; a rule without one counts as a failed check. Exit status 1
on any failure."""
import json
import subprocess
import sys

NOW = "2026-03-02T10:00:00Z"

DONTS = ["say-no", "negative-language", "rude", "blame-customer", "uninformed-customer",
         "defensive", "argue", "assumption", "jargon", "robotic", "overpromise",
         "uncertain-info", "sales-pitch", "criticize-competitor", "pass-off",
         "too-many-questions", "overwhelming", "vague-timeframe", "promise-without-timeframe",
         "faster-than-policy"]
DOS = ["apologize", "empathize", "thank", "use-name", "next-step", "timeframe", "follow-up",
       "goodwill", "answer-questions", "escalate"]
CREDIT_ONLY = ["ask-feedback", "positive-phrasing"]
RULES = DONTS + DOS + CREDIT_ONLY

KIND_OF_PREFIX = {"": "violation", "missing": "missing", "good": "good"}


def parse_expectation(e):
    """'say-no' -> ('say-no', 'violation'); 'missing:thank' -> ('thank', 'missing')."""
    prefix, _, rule = e.rpartition(":")
    kind = KIND_OF_PREFIX.get(prefix)
    if kind is None or rule not in RULES:
        return None
    if kind == "violation" and rule not in DONTS:
        return None
    if kind != "violation" and rule in DONTS:
        return None
    if kind == "missing" and rule in CREDIT_ONLY:
        return None
    return rule, kind


def coverage_form(rule):
    """The expectation that counts as a firing / quiet check for a rule."""
    if rule in DONTS:
        return rule
    if rule in DOS:
        return "missing:" + rule
    return "good:" + rule


def load_pairs(path):
    pairs, problems = [], []
    seen = set()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                p = json.loads(line)
            except ValueError as e:
                problems.append("pairs.jsonl:%d: not JSON: %s" % (n, e))
                continue
            pid = p.get("id")
            if not isinstance(pid, str) or not pid or pid in seen:
                problems.append("pairs.jsonl:%d: missing or duplicate id %r" % (n, pid))
                continue
            seen.add(pid)
            if not isinstance(p.get("reply"), str) or not p["reply"].strip():
                problems.append("%s: no reply" % pid)
                continue
            for key in ("fires", "quiet", "xfail"):
                v = p.get(key, [])
                if not isinstance(v, list) or not all(isinstance(e, str) for e in v):
                    problems.append("%s: %s must be a list of strings" % (pid, key))
                    p[key] = []
            for e in p.get("fires", []) + p.get("quiet", []):
                if parse_expectation(e) is None:
                    problems.append("%s: unknown expectation %r" % (pid, e))
            both = set(p.get("fires", [])) & set(p.get("quiet", []))
            if both:
                problems.append("%s: %s both in fires and quiet" % (pid, sorted(both)))
            stray = set(p.get("xfail", [])) - set(p.get("fires", []) + p.get("quiet", []))
            if stray:
                problems.append("%s: xfail %s not in fires or quiet" % (pid, sorted(stray)))
            p["_line"] = n
            pairs.append(p)
    return pairs, problems


def review(tact, pairs):
    """One batch run; returns the review of each pair (or an error string)."""
    lines = []
    for p in pairs:
        d = {"reply": p["reply"]}
        for k in ("customer", "name"):
            if k in p:
                d[k] = p[k]
        lines.append(json.dumps(d, ensure_ascii=False))
    proc = subprocess.run([tact, "check", "--jsonl", "--format", "json", "--fail-on", "never",
                           "--now", NOW],
                          input=("\n".join(lines) + "\n").encode("utf-8"),
                          capture_output=True, timeout=300)
    out = proc.stdout.decode("utf-8")
    rows = [json.loads(l) for l in out.splitlines() if l.strip()]
    results = {}
    for row in rows:
        i = row.get("line", 0) - 1
        if not 0 <= i < len(pairs):
            continue
        if "result" in row:
            results[i] = row["result"].get("review", {}).get("findings", [])
        else:
            results[i] = "error: %s" % row.get("error", row)
    if proc.returncode not in (0,) and not results:
        sys.exit("tact check --jsonl failed (exit %d): %s" % (proc.returncode,
                                                               proc.stderr.decode("utf-8")[-2000:]))
    return [results.get(i, "error: no output line for this pair") for i in range(len(pairs))]


def describe(findings, rule, kind=None):
    """What the review said about one rule, for a failure line."""
    hits = [f for f in findings if f["rule"] == rule and (kind is None or f["kind"] == kind)]
    if not hits:
        return "no %s finding" % rule
    parts = []
    for f in hits[:3]:
        what = f.get("text") or f.get("evidence", "")
        parts.append("%s %s" % (f["kind"], json.dumps(what[:100], ensure_ascii=False)))
    if len(hits) > 3:
        parts.append("... %d more" % (len(hits) - 3))
    return "found: " + "; ".join(parts)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tact, corpus = sys.argv[1], sys.argv[2]
    pairs, problems = load_pairs(corpus.rstrip("/") + "/pairs.jsonl")
    for msg in problems:
        print("FAILED corpus: " + msg)
    failed = len(problems)
    passed = 0
    xfailed = xpassed = 0
    table = {r: {"fires": [0, 0], "quiet": [0, 0], "xfail": 0} for r in RULES}

    results = review(tact, pairs)
    for p, findings in zip(pairs, results):
        xfail = set(p.get("xfail", []))
        for side in ("fires", "quiet"):
            for e in p.get(side, []):
                parsed = parse_expectation(e)
                if parsed is None:
                    continue  # already reported
                rule, kind = parsed
                if isinstance(findings, str):
                    ok, detail = False, findings
                else:
                    present = any(f["rule"] == rule and f["kind"] == kind for f in findings)
                    ok = present if side == "fires" else not present
                    detail = describe(findings, rule, None if side == "fires" else kind)
                label = ("fires " if side == "fires" else "quiet ") + e
                if e in xfail:
                    table[rule]["xfail"] += 1
                    if ok:
                        xpassed += 1
                        print("XPASS  %s: %s  -- passes now; drop it from xfail" % (p["id"], label))
                    else:
                        xfailed += 1
                        print("xfail  %s: %s  -- %s" % (p["id"], label, detail))
                    continue
                table[rule][side][1] += 1
                if ok:
                    table[rule][side][0] += 1
                    passed += 1
                else:
                    failed += 1
                    print("FAILED %s: %s  -- %s" % (p["id"], label, detail))

    # Coverage: each rule needs a firing and a quiet check (xfail ones do not count).
    for rule in RULES:
        want = coverage_form(rule)
        for side in ("fires", "quiet"):
            has = any(want in p.get(side, []) and want not in p.get("xfail", []) for p in pairs)
            if not has:
                failed += 1
                print("FAILED coverage: no %s check %r for rule %s" % (side, want, rule))

    print()
    print("%-28s %9s %9s %6s" % ("rule", "fires", "quiet", "xfail"))
    for rule in RULES:
        t = table[rule]
        print("%-28s %9s %9s %6s" % (rule, "%d/%d" % tuple(t["fires"]), "%d/%d" % tuple(t["quiet"]),
                                     t["xfail"] or ""))
    n_exp = sum(len(p.get("fires", [])) + len(p.get("quiet", [])) for p in pairs)
    print()
    print("%d pairs, %d expectations%s" % (len(pairs), n_exp,
                                           ", %d xfail, %d xpass (not counted)" % (xfailed, xpassed)
                                           if xfailed or xpassed else ""))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
