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
    assert ("blame-customer", "you should have") in found


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
