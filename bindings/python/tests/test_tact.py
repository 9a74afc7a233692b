"""Tests of the Python binding against the built libtact (TACT_LIBRARY or
the build tree): spans as str indices, errors, packs, threads."""
import concurrent.futures
import os

import pytest

import tact

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


@pytest.fixture(scope="module")
def engine():
    with tact.Engine() as e:
        yield e


def test_version():
    assert tact.library_version().count(".") == 2


def test_spans_are_str_indices_for_non_ascii(engine):
    text = "😊 We’ll refund you — sorry, Mr. O’Neil!"
    r = engine.analyze(text)
    assert [t.text for t in r.tokens] == [text[t.start:t.end] for t in r.tokens]
    norms = [t.norm for t in r.tokens]
    assert norms[:4] == ["😊", "we", "will", "refund"]
    assert "o'neil" in norms
    for m in r.matches:
        assert 0 <= m.start < m.end <= len(text)
    assert len(r.sentences) == 1 and r.sentences[0].end == len(text)


def test_matches_slice_text(engine):
    text = "Unfortunately we can’t refund this — you should have read the policy."
    r = engine.analyze(text)
    found = {(m.lexicon, text[m.start:m.end]) for m in r.matches}
    assert ("say-no", "we can’t") in found
    assert ("blame-customer", "you should have read") in found


def test_invalid_input_raises_with_offset(engine):
    with pytest.raises(tact.Error) as exc:
        engine.analyze("ok \ud800 bad")  # a lone surrogate is not UTF-8
    assert exc.value.status == "invalid UTF-8"
    assert exc.value.offset == 3
    with pytest.raises(tact.Error) as exc:
        engine.analyze("a\x00b")
    assert exc.value.status == "unusable input" and exc.value.offset == 1
    with pytest.raises(TypeError):
        engine.analyze(b"bytes")


def test_company_pack_changes_matches():
    pack = os.path.join(ROOT, "tests", "data", "cli", "company.xml")
    with tact.Engine(packs=[pack]) as e:
        lex = {m.lexicon for m in e.analyze("Our FluxCapacitor is down.").matches}
    assert "acme-jargon" in lex
    inline = '<pack id="x" version="1"><lexicon id="mine"><entry>hello~</entry></lexicon></pack>'
    with tact.Engine(packs=[inline], default_pack=False) as e:
        assert [m.lexicon for m in e.analyze("Hellos!").matches] == ["mine"]


def test_bad_pack_raises_with_line():
    bad = '<pack id="x" version="1">\n<lexicon id="BAD ID"/></pack>'
    with pytest.raises(tact.Error) as exc:
        tact.Engine(packs=[bad])
    assert exc.value.status == "invalid rule pack"
    assert exc.value.line == 2
    with pytest.raises(tact.Error) as exc:
        tact.Engine(packs=["/nonexistent/pack.xml"])
    assert exc.value.status == "cannot read file"


def test_limits_and_repair():
    with tact.Engine(max_input_bytes=8) as e:
        with pytest.raises(tact.Error) as exc:
            e.analyze("123456789")
        assert exc.value.status == "limit exceeded"


def test_closed_engine():
    e = tact.Engine()
    e.close()
    with pytest.raises(ValueError):
        e.analyze("hi")


def test_one_engine_many_threads(engine):
    texts = ["Unfortunately we can't do that.", "Thanks so much, I'm so sorry!",
             "You should have read the policy.", "I’ll follow up tomorrow 😊"] * 50
    expected = [[(m.lexicon, m.start, m.end) for m in engine.analyze(t).matches] for t in texts]

    def work(t):
        return [(m.lexicon, m.start, m.end) for m in engine.analyze(t).matches]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(work, texts))
    assert got == expected


def test_tone_scores_and_evidence(engine):
    text = "I’m so sorry — I understand how frustrating this is 😞"
    tone = engine.tone(text)
    assert tone.scores["empathy"] > 0.3
    assert set(tone.scores) >= {"sentiment", "politeness", "anger", "readability"}
    for e in tone.evidence:
        assert text[e.start:e.end] == e.text


def test_promises_with_time_zone(engine):
    text = "We’ll refund you within 3 business days, and I will call you back tomorrow at 10am."
    ps = engine.promises(text, now="2026-03-06T16:00:00Z")
    assert [(p.action, p.actor, p.certainty) for p in ps] == [("refund", "we", "firm"),
                                                               ("callback", "i", "firm")]
    assert ps[0].timeframe.interval_end.isoformat() == "2026-03-11T16:00:00+00:00"
    assert text[ps[1].start:ps[1].end] == ps[1].text
    berlin = engine.promises("I'll call you back tomorrow at 10am.", now="2026-03-06T16:00:00Z",
                             tz="Europe/Berlin")
    assert berlin[0].timeframe.interval_end.isoformat() == "2026-03-07T09:00:00+00:00"
    with pytest.raises(tact.Error) as exc:
        engine.promises("soon", tz="Nowhere/Atlantis")
    assert exc.value.status == "invalid argument"


def test_classify(engine):
    text = ("I want my money back. This phone is garbage and I bought it a month ago. If I don’t get "
            "a refund I’m posting this everywhere and switching to another carrier!")
    c = engine.classify(text)
    assert c.is_complaint and c.severity == 3 and c.requested_outcome == "refund"
    assert c.churn and text[c.churn.start:c.churn.end] == c.churn.text
    assert c.public is not None
    assert {name for name, _ in c.categories[:2]} >= {"refund-return"}
    calm = engine.classify("Hi, what are your opening hours on Saturday?")
    assert not calm.is_complaint and calm.severity == 0
    assert engine.analyze("fine", role="agent").complaint is None


def _read(name):
    with open(os.path.join(ROOT, "examples", "conversations", name), encoding="utf-8") as f:
        return f.read()


def test_review_refund_example(engine):
    customer = _read("refund-customer.txt")
    poor = engine.review(_read("refund-reply-poor.txt"), customer=customer)
    rules = {(f.rule, f.kind) for f in poor.findings}
    assert {("say-no", "violation"), ("blame-customer", "violation"),
            ("apologize", "missing"), ("timeframe", "missing")} <= rules
    assert 0 <= poor.score < 50
    for f in poor.findings:
        assert f.kind in ("violation", "missing", "good")
        assert f.severity in ("info", "warning", "error")
        assert 0 <= f.confidence <= 1 and f.message and f.evidence
        if f.span is None:
            assert f.text is None and f.start is None
        else:
            assert poor.text[f.start:f.end] == f.text
    # Findings without a span come last.
    spans = [f.span is None for f in poor.findings]
    assert spans == sorted(spans)
    blame = next(f for f in poor.findings if f.rule == "blame-customer")
    assert blame.severity == "error" and blame.text == "You should have read"
    # The customer's message: its classification and tone.
    assert poor.customer.is_complaint and poor.customer.requested_outcome == "refund"
    assert poor.customer.churn and customer[poor.customer.churn.start:poor.customer.churn.end] == \
        poor.customer.churn.text
    assert poor.customer_tone.scores["sentiment"] < 0
    assert poor.tone.scores["blame"] > 0

    good = engine.review(_read("refund-reply-good.txt"), customer=customer)
    assert good.score > 85
    assert not [f for f in good.findings if f.severity in ("warning", "error")
                and f.kind != "good"], good.findings
    assert good.promises and any(p.action == "refund" for p in good.promises)
    for f in good.findings:
        if f.span:
            assert good.text[f.start:f.end] == f.text


def test_review_spans_non_ascii(engine):
    reply = "Zoë, we can't refund 😞 this — please be advised that you should have read the policy."
    r = engine.review(reply)
    assert r.customer is None and r.customer_tone is None
    by_rule = {f.rule: f for f in r.findings}
    assert by_rule["say-no"].text == "we can't"
    assert by_rule["say-no"].span == (5, 13)
    assert by_rule["blame-customer"].text == "you should have read"
    spanned = [f for f in r.findings if f.span]
    assert len(spanned) >= 3
    for f in spanned:
        assert reply[f.start:f.end] == f.text
        if f.fix:
            assert 0 <= f.fix.start <= f.fix.end <= len(reply)
    fixes = [f.fix for f in r.findings if f.fix]
    assert fixes, r.findings
    fx = fixes[0]
    fixed = reply[:fx.start] + fx.replacement + reply[fx.end:]
    assert "advised" not in fixed and fixed.endswith("read the policy.")


def test_review_disable_only_and_errors(engine):
    reply = "Unfortunately we can't refund this. You should have read the policy."
    rules = {f.rule for f in engine.review(reply).findings}
    assert {"say-no", "blame-customer"} <= rules
    rules = {f.rule for f in engine.review(reply, disable=["say-no"]).findings}
    assert "say-no" not in rules and "blame-customer" in rules
    assert {f.rule for f in engine.review(reply, only=("blame-customer",)).findings} == \
        {"blame-customer"}
    with pytest.raises(tact.Error) as exc:
        engine.review(reply, disable=["say-no", "no-such-rule"])
    assert exc.value.status == "invalid argument" and exc.value.code == 1
    assert "no-such-rule" in exc.value.message
    with pytest.raises(tact.Error) as exc:
        engine.review(reply, only=["nope"])
    assert exc.value.status == "invalid argument"
    with pytest.raises(tact.Error) as exc:
        engine.review(reply, profile="no-such-profile")
    assert exc.value.status == "invalid argument" and "no-such-profile" in exc.value.message
    with pytest.raises(TypeError):
        engine.review(reply, disable="say-no")  # a list of ids, not one string
    with pytest.raises(TypeError):
        engine.review(b"bytes")
    # Text errors say which text the offset is in.
    with pytest.raises(tact.Error) as exc:
        engine.review("fine", customer="😞 ok \ud800")
    assert exc.value.status == "invalid UTF-8"
    assert exc.value.input == "customer" and exc.value.offset == 5
    with pytest.raises(tact.Error) as exc:
        engine.review("é\x00", customer="ok")
    assert exc.value.status == "unusable input"
    assert exc.value.input == "reply" and exc.value.offset == 1


def test_review_name_makes_use_name_owed(engine):
    reply = "Thanks for writing in. We'll refund you within 3 business days."
    assert "use-name" not in {f.rule for f in engine.review(reply).findings}
    missing = [f for f in engine.review(reply, name="Zoë").findings if f.rule == "use-name"]
    assert [(f.kind, f.span) for f in missing] == [("missing", None)]
    used = [f for f in engine.review("Zoë, " + reply, name="Zoë").findings if f.rule == "use-name"]
    assert [(f.kind, f.span, f.text) for f in used] == [("good", (0, 3), "Zoë")]


def test_review_now_and_time_zone(engine):
    reply = "I’ll call you back tomorrow at 10am."
    r = engine.review(reply, customer="Nobody has called me back!", now="2026-03-06T16:00:00Z",
                      tz="Europe/Berlin")
    assert r.promises[0].action == "callback"
    assert r.promises[0].timeframe.interval_end.isoformat() == "2026-03-07T09:00:00+00:00"
    assert reply[r.times[0].start:r.times[0].end] == "tomorrow at 10am"


def test_review_one_engine_many_threads(engine):
    customer = _read("refund-customer.txt")
    jobs = [(_read("refund-reply-poor.txt"), customer, None),
            (_read("refund-reply-good.txt"), customer, None),
            ("Zoë, we can't refund 😞 this — you should have read the policy.", None, "Zoë"),
            ("Thanks! I’ll follow up tomorrow 😊", "Where is my order??", None)] * 25

    def work(job):
        r = engine.review(job[0], customer=job[1], name=job[2])
        return r.score, [(f.rule, f.kind, f.span, f.fix) for f in r.findings]

    expected = [work(j) for j in jobs]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(work, jobs))
    assert got == expected
