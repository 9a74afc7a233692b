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


for test in [test_acceptance_tokens, test_invalid_utf8, test_hostile_pack, test_company_pack,
             test_usage_errors, test_bundled_conversation, test_promises_acceptance, test_tone,
             test_classify, test_jsonl_batch, test_html]:
    try:
        test()
    except Exception as e:  # a crash in a check is a failure, not a skip
        check(test.__name__ + " raised", False, repr(e))

passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
