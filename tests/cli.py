#!/usr/bin/env python3
"""cli.py — end-to-end checks of the `tact` command: exit codes, error
messages with locations, and JSON whose byte spans slice the input exactly.

usage: cli.py PATH/TO/tact SOURCE_DIR/tests
Prints one line per check and a final 'N passed, N failed'."""
import json
import os
import subprocess
import sys
import tempfile

TACT, TESTS = sys.argv[1], sys.argv[2]
ROOT = os.path.dirname(TESTS)
results = []


def tact(*args, stdin=b""):
    p = subprocess.run([TACT, *args], input=stdin, capture_output=True, timeout=60)
    # strict decoding: the CLI must never print invalid UTF-8
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok     " if cond else "FAILED ") + name + ("" if cond else "  -- " + str(detail)))


def test_acceptance_tokens():
    text = "We’ll refund you within 3-5 business days — sorry, Mr. O’Neil! 😊"
    raw = text.encode("utf-8")
    rc, out, err = tact("tokens", "--format", "json", stdin=raw)
    check("tokens json exits 0", rc == 0, err)
    doc = json.loads(out)
    toks = doc["tokens"]
    sliced = all(raw[t["start"]:t["end"]].decode("utf-8") == t["text"] for t in toks)
    check("every token span slices the original bytes", sliced)
    ordered = all(a["end"] <= b["start"] for a, b in zip(toks, toks[1:]))
    check("spans are increasing and disjoint", ordered)
    norms = [t["norm"] for t in toks]
    check("contraction expanded: we + will", norms[:3] == ["we", "will", "refund"], norms[:3])
    check("apostrophe unified in o'neil", "o'neil" in norms, norms)
    check("3-5 is one number", any(t["norm"] == "3-5" and t["kind"] == "number" for t in toks))
    emoji = [t for t in toks if t["kind"] == "emoji"]
    check("emoji is one token", len(emoji) == 1 and emoji[0]["text"] == "😊", emoji)
    check("one sentence (Mr. does not end it)", len(doc["sentences"]) == 1, doc["sentences"])


def test_invalid_utf8():
    rc, out, err = tact("tokens", stdin=b"hello \xc3\x28 world")
    check("invalid UTF-8 exits 2", rc == 2, rc)
    check("message names the byte offset", "6" in err and "UTF-8" in err, err)
    rc, out, err = tact("analyze", stdin=b"ab\x00cd")
    check("NUL byte exits 2 with offset", rc == 2 and "2" in err, err)
    rc, out, err = tact("tokens", "--repair", "--format", "json", stdin=b"a\xffb")
    doc = json.loads(out)  # the output stays valid UTF-8 JSON
    check("--repair accepts invalid UTF-8", rc == 0 and doc["stats"]["repaired_bytes"] == 1, err)
    check("--repair token shows U+FFFD", [t["text"] for t in doc["tokens"]] == ["a", "\ufffd", "b"],
          doc["tokens"])


def test_hostile_pack():
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE pack [\n  <!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n'
                '<pack id="evil" version="1"><lexicon id="x"><entry>&x;</entry></lexicon></pack>\n')
        path = f.name
    rc, out, err = tact("analyze", "--pack", path, stdin=b"hi")
    os.unlink(path)
    check("external entity pack exits 2", rc == 2, rc)
    check("message names file and line 2", path in err and "line 2" in err, err)
    check("no file contents leak", "root:" not in err + out)


def test_company_pack():
    pack = os.path.join(TESTS, "data", "cli", "company.xml")
    rc, out, err = tact("analyze", "--format", "json", "--pack", pack,
                        stdin="Our FluxCapacitor SLA is 24h.".encode())
    check("company pack loads", rc == 0, err)
    if rc == 0:
        lex = [m["lexicon"] for m in json.loads(out)["matches"]]
        check("company lexicon matches", "acme-jargon" in lex, lex)


def test_usage_errors():
    rc, out, err = tact()
    check("no command exits 2", rc == 2 and "no command" in err, err)
    rc, out, err = tact("tokens", "--format", "xml")
    check("bad format exits 2", rc == 2 and "xml" in err, err)
    rc, out, err = tact("frobnicate")
    check("unknown command exits 2", rc == 2 and "frobnicate" in err, err)
    rc, out, err = tact("tokens", "/nonexistent/file.txt")
    check("missing file exits 2 naming it", rc == 2 and "/nonexistent/file.txt" in err, err)
    rc, out, err = tact("help")
    check("help exits 0", rc == 0 and "usage:" in out)
    rc, out, err = tact("version", "--format", "json")
    check("version json", rc == 0 and json.loads(out)["version"].count(".") == 2, out)
    rc, out, err = tact("tokens", stdin=b"")
    check("empty input is fine", rc == 0 and "0 tokens" in out, out + err)


def test_bundled_conversation():
    path = os.path.join(ROOT, "examples", "conversations", "refund-reply-poor.txt")
    rc, out, err = tact("analyze", path)
    check("analyze bundled conversation exits 0", rc == 0, err)
    check("it shows phrase matches", "phrase matches" in out and "say-no" in out, out)


def test_promises_acceptance():
    text = b"We'll refund you within 3 business days, and I will call you back tomorrow at 10am."
    rc, out, err = tact("promises", "--now", "2026-03-06T16:00:00Z", "--format", "json", stdin=text)
    check("promises exits 0", rc == 0, err)
    ps = json.loads(out)["promises"]
    check("two promises", len(ps) == 2, ps)
    if len(ps) == 2:
        a, b = ps
        check("refund, we, firm", (a["action"], a["actor"], a["certainty"]) == ("refund", "we", "firm"), a)
        check("refund: 3 business days ending Wed 16:00Z",
              a["timeframe"]["kind"] == "duration" and a["timeframe"]["business_days"] == 3
              and a["timeframe"]["end"] == "2026-03-11T16:00:00Z", a["timeframe"])
        check("callback by I", (b["action"], b["actor"]) == ("callback", "i"), b)
        check("callback deadline Sat 10:00Z",
              b["timeframe"]["kind"] == "deadline" and b["timeframe"]["end"] == "2026-03-07T10:00:00Z",
              b["timeframe"])
    rc, out, err = tact("promises", "--now", "2026-03-06T16:00:00Z", "--format", "json",
                        stdin=b"Your refund will be processed immediately, guaranteed!")
    flags = json.loads(out)["promises"][0]["flags"] if rc == 0 else []
    check("guarantee + faster-than-policy", "guarantee" in flags and "faster-than-policy" in flags, flags)
    rc, out, err = tact("promises", "--now", "2026-03-06T16:00:00Z", stdin=text)
    check("promises text output", rc == 0 and "2 promises" in out and "refund" in out, out + err)
    rc, out, err = tact("promises", "--now", "yesterday", stdin=text)
    check("bad --now exits 2", rc == 2 and "ISO 8601" in err, err)
    rc, out, err = tact("promises", "--tz", "Mars/Olympus_Mons", stdin=text)
    check("unknown --tz exits 2 naming it", rc == 2 and "Mars/Olympus_Mons" in err, err)
    rc, out, err = tact("promises", "--tz", "Europe/Berlin", "--now", "2026-03-06T16:00:00Z",
                        "--format", "json", stdin=b"I'll call you back tomorrow at 10am.")
    end = json.loads(out)["promises"][0]["timeframe"]["end"] if rc == 0 else None
    check("time zone applies: 10am Berlin is 09:00Z", end == "2026-03-07T09:00:00Z", end)


def test_tone():
    rc, out, err = tact("tone", "--format", "json",
                        stdin="I'm so sorry, I understand how frustrating this is. Thank you!".encode())
    check("tone exits 0", rc == 0, err)
    doc = json.loads(out) if rc == 0 else {"tone": {"scores": {}, "evidence": []}}
    scores = doc["tone"]["scores"]
    check("tone has every score", len(scores) == 21 and "anger" in scores, sorted(scores))
    check("empathetic text scores empathy", scores.get("empathy", 0) > 0.3, scores)
    rc, out, err = tact("tone", "--format", "json", stdin=b"Thanks so much, this is great!")
    pos = json.loads(out)["tone"]["scores"]["sentiment"] if rc == 0 else 0
    check("positive sentiment", pos > 0.5, pos)
    rc, out, err = tact("tone", stdin=b"This is the WORST service EVER!!! You people are useless.")
    check("tone text shows bars and evidence", rc == 0 and "[" in out and "^" in out, out + err)


def test_classify():
    text = ("I want my money back. This phone is garbage and I bought it a month ago. If I don't get "
            "a refund I'm posting this everywhere and switching to another carrier!").encode()
    rc, out, err = tact("classify", "--format", "json", stdin=text)
    check("classify exits 0", rc == 0, err)
    c = json.loads(out)["complaint"] if rc == 0 else None
    if c:
        check("is a complaint", c["is_complaint"], c)
        check("severity 3", c["severity"] == 3, c)
        check("wants a refund", c["requested_outcome"] == "refund", c)
        check("churn and public threats", c["threats"]["churn"] and c["threats"]["public"], c["threats"])
    rc, out, err = tact("classify", "--format", "json",
                        stdin=b"Hi, what are your opening hours on Saturday?")
    c = json.loads(out)["complaint"] if rc == 0 else None
    check("a question is not a complaint", c and not c["is_complaint"] and c["severity"] == 0, c)


def test_jsonl_batch():
    lines = ['{"text": "This is the worst service, I was charged twice!"}',
             'not json at all',
             '{"id": 7, "meta": {"a": [1, 2]}, "text": "Thanks, all good \\u263a"}']
    rc, out, err = tact("classify", "--jsonl", stdin=("\n".join(lines) + "\n").encode())
    rows = [json.loads(l) for l in out.splitlines()]
    check("one output line per input line, in order", [r["line"] for r in rows] == [1, 2, 3], rows)
    check("bad line reported, others classified",
          "error" in rows[1] and "result" in rows[0] and "result" in rows[2], rows)
    check("a bad line makes the exit status 2", rc == 2, rc)
    if len(rows) == 3 and "result" in rows[0] and "result" in rows[2]:
        check("complaint vs praise", rows[0]["result"]["complaint"]["is_complaint"]
              and not rows[2]["result"]["complaint"]["is_complaint"], rows)


def test_html():
    path = os.path.join(TESTS, "data", "html", "gmail_reply.html")
    rc, out, err = tact("analyze", "--html", "--format", "json", path)
    check("analyze --html exits 0", rc == 0, err)
    doc = json.loads(out) if rc == 0 else {}
    words = [t["text"] for t in doc.get("tokens", [])]
    check("--html analyzes the reply's own words", "kettle" in words and "refund" in words, words)
    check("--html leaves out the quoted message and the signature",
          words and "UNACCEPTABLE" not in words and "Marta" in words and "Brightwater" not in words,
          words)
    check("--html leaves out markup", words and "div" not in words and "gmail_quote" not in words,
          words)
    rc, out, err = tact("tone", "--html", path)
    check("tone --html exits 0", rc == 0, err)
    rc, out, err = tact("help")
    check("usage mentions --html", "--html" in out, out)


CONV = os.path.join(ROOT, "examples", "conversations")
ACME = os.path.join(ROOT, "examples", "packs", "acme.xml")


def findings(out):
    return [(f["rule"], f["kind"]) for f in json.loads(out)["review"]["findings"]]


def test_check():
    poor, good = os.path.join(CONV, "refund-reply-poor.txt"), os.path.join(CONV, "refund-reply-good.txt")
    cust = os.path.join(CONV, "refund-customer.txt")
    rc, out, err = tact("check", poor, "--customer", cust)
    check("check: poor reply exits 1 (errors reach --fail-on error)", rc == 1, err)
    for want in ["say-no", "blame-customer", "missing apologize", "missing timeframe"]:
        check("check: poor reply shows " + want, want in out, out)
    check("check: suggestions and a summary line", "→ " in out and "score " in out, out)
    check("check: ^ marks under offending phrases when not a terminal", "^^^" in out, out)
    rc, out, err = tact("check", good, "--customer", cust, "--format", "json")
    doc = json.loads(out) if out else {}
    score = doc.get("review", {}).get("score", 0)
    bad = [f for f in doc.get("review", {}).get("findings", [])
           if f["kind"] != "good" and f["severity"] != "info"]
    check("check: good reply scores above 85 with no warning or error", rc == 0 and score > 85 and not bad,
          (score, bad))
    check("check: JSON carries the customer's complaint", doc.get("customer", {}).get("complaint", {})
          .get("is_complaint") is True, doc.get("customer"))
    rc, out, err = tact("check", poor, "--customer", cust, "--format", "json", "--fail-on", "never")
    doc = json.loads(out)
    text = open(poor, encoding="utf-8").read().encode()
    spans_ok = all(text[f["start"]:f["end"]].decode() == f["text"]
                   for f in doc["review"]["findings"] if "start" in f)
    check("check: finding spans slice the reply exactly", rc == 0 and spans_ok, out[:300])
    fixes = [f for f in doc["review"]["findings"] if "fix" in f]
    check("check: JSON findings carry confidence and fix objects",
          fixes and all(0 <= f["confidence"] <= 1 for f in doc["review"]["findings"])
          and all(set(f["fix"]) == {"start", "end", "replacement"} for f in fixes), fixes)
    rc, out, err = tact("check", poor, "--fix", "--fail-on", "never")
    check("check --fix prints the reply with fixes applied",
          rc == 0 and out.startswith("Hi,\n") and "We can't refund" in out and "Please be advised" not in out
          and "Under our policy" in out, out)
    rc, out, err = tact("check", "--profile", "chat", "--disable", "robotic", poor, "--format", "json",
                        "--fail-on", "never")
    rules = {r for r, k in findings(out)} if rc == 0 else set()
    check("check --profile chat --disable robotic", rc == 0 and "robotic" not in rules and "say-no" in rules,
          err or rules)
    rc, out, err = tact("check", "--only", "say-no", poor, "--format", "json", "--fail-on", "warning")
    check("check --only and --fail-on warning", rc == 1 and {r for r, k in findings(out)} == {"say-no"}, out)
    rc, out, err = tact("check", "--disable", "no-such-rule", poor)
    check("check: unknown rule id exits 2 naming it", rc == 2 and "no-such-rule" in err, err)
    rc, out, err = tact("check", "--profile", "nope", poor)
    check("check: unknown profile exits 2 naming it", rc == 2 and "nope" in err, err)
    rc, out, err = tact("check", "--name", "Maria", "--format", "json", "--only", "use-name",
                        stdin=b"Thanks for writing in.")
    check("check --name makes use-name owed", findings(out) == [("use-name", "missing")], out)
    rc, out, err = tact("check", "--html", "--format", "json", "--fail-on", "never",
                        stdin=b"<p>Dear customer,</p><p>We can&#39;t help.</p>")
    check("check --html reviews the visible text", rc == 0 and ("say-no", "violation") in findings(out), out)


def test_check_jsonl():
    lines = [
        {"customer": "My order is late. When will it arrive?", "reply": "We can't say.", "name": "Sam"},
        {"reply": "Thanks for your message! Your order ships today."},
        {"customer": "hello"},
        "not json",
    ]
    data = "\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n"
    rc, out, err = tact("check", "--jsonl", "--format", "json", stdin=data.encode())
    rows = [json.loads(l) for l in out.splitlines()]
    check("check --jsonl: one line out per line in, in order", [r["line"] for r in rows] == [1, 2, 3, 4], out)
    check("check --jsonl: reviews carry findings",
          ("say-no", "violation") in [(f["rule"], f["kind"]) for f in rows[0]["result"]["review"]["findings"]],
          rows[0])
    check("check --jsonl: a line without a reply is an error object", "error" in rows[2] and "error" in rows[3],
          rows[2:])
    check("check --jsonl: summary table on stderr", "mean score" in err and "say-no" in err, err)
    check("check --jsonl: exit 2 after bad lines", rc == 2, rc)


def test_pack_test():
    rc, out, err = tact("pack", "test", ACME)
    check("pack test: the example company pack passes", rc == 0 and " 0 failed" in out, out + err)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write("<pack id='bad' version='1'><rule id='say-no' mode='extend'>"
                "<example type='quiet'>We can't do that.</example></rule></pack>")
    rc, out, err = tact("pack", "test", f.name)
    os.unlink(f.name)
    check("pack test: a wrong example fails naming rule and line", rc == 1 and "FAIL" in out
          and "say-no" in out and ":1:" in out and "1 failed" in out, out + err)
    rc, out, err = tact("pack", "frob")
    check("pack: unknown subcommand exits 2", rc == 2, err)


def test_company_pack_changes_findings():
    reply = b"I reset it in AeroSync. Zephyr Mobile is a scam. Your refund will be processed within 3 business days."
    rc, out, err = tact("check", "--format", "json", "--fail-on", "never", stdin=reply)
    before = set(findings(out))
    rc2, out2, err2 = tact("check", "--pack", ACME, "--format", "json", "--fail-on", "never", stdin=reply)
    after = set(findings(out2))
    check("company pack: adds jargon, competitor and policy findings",
          rc == rc2 == 0 and ("jargon", "violation") not in before
          and ("criticize-competitor", "violation") in after and ("jargon", "violation") in after
          and ("criticize-competitor", "violation") not in before
          and ("faster-than-policy", "violation") in after
          and ("faster-than-policy", "violation") not in before, (before, after, err2))
    rc, out, err = tact("check", "--pack", ACME, "--profile", "vip", "--format", "json", "--name", "Ana",
                        "--only", "use-name", stdin=b"Your phone ships today.")
    sev = [f["severity"] for f in json.loads(out)["review"]["findings"]] if out else []
    check("company pack: its profile applies", rc == 1 and sev == ["error"], out + err)


def test_examples():
    bindir = os.path.dirname(TACT)
    guard = os.path.join(bindir, "tact-guard")
    p = subprocess.run([guard, os.path.join(TESTS, "data", "cli", "transcript.jsonl")],
                       capture_output=True, timeout=60)
    out = p.stdout.decode()
    check("tact-guard holds back the blaming reply (exit 1)", p.returncode == 1
          and "line 2 (score" in out and "blame-customer" in out and "missing apologize" in out, out)
    check("tact-guard lets the good reply through", "line 3" not in out
          and "1 agent message would have been held back" in out, out)
    p = subprocess.run([os.path.join(bindir, "review-threads"), "4"], capture_output=True, timeout=120)
    check("review-threads: 4 threads share one engine", p.returncode == 0
          and b"4 threads, 1200 reviews" in p.stdout, p.stdout + p.stderr)


for test in [test_acceptance_tokens, test_invalid_utf8, test_hostile_pack, test_company_pack,
             test_usage_errors, test_bundled_conversation, test_promises_acceptance, test_tone,
             test_classify, test_jsonl_batch, test_html, test_check, test_check_jsonl, test_pack_test,
             test_company_pack_changes_findings, test_examples]:
    try:
        test()
    except Exception as e:  # a crash in a check is a failure, not a skip
        check(test.__name__ + " raised", False, repr(e))

passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
