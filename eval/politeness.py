#!/usr/bin/env python3
"""politeness.py — fits and evaluates tact's politeness score on the
Stanford Politeness Corpus (../shared/data/politeness; Danescu-Niculescu-
Mizil et al., "A computational approach to politeness with application to
social factors", ACL 2013; Apache-2.0).

Metric (as in the paper): accuracy of telling the top quartile (polite)
from the bottom quartile (impolite) of Normalized Score, quartiles per
community; a text is called polite when tact's politeness score is > 0.5.

usage: python3 eval/politeness.py [fit]

  (no argument)  evaluate (about a minute): the features are the hits of the
                 politeness lexicons of lib/packs/tone.xml (found by the C
                 code, through the tact CLI's --jsonl mode); prints per
                 community
                   held-out  the shipped weights of tone.xml on the held-out
                             20% (tact's own score, end to end),
                   refit     a model refitted here on the 80% training split,
                             scored on the held-out 20% (should equal held-out
                             once tone.xml has been refitted and rebuilt),
                   5-fold    cross-validated accuracy over the whole dev set.
  fit            (about 3 minutes) also chooses the word and word-pair
                 features and the L2 strength, refits on the training split
                 (80%) and rewrites everything between the "fitted" markers
                 of lib/packs/tone.xml; rebuild (the packs are compiled in)
                 and run again for the held-out column.

Splits are deterministic: a text's fold is a hash of community and id; fold
0 is the held-out 20%, and neither the vocabulary nor the weights see it.
Only the quartiles are scored, but the middle half of the training split
trains too (MIDDLE_WEIGHT, labeled by the side of its community's median).
The model is L2-regularized logistic regression on occurrence counts (per
two sentences, as lib/tone.c counts them), each community weighted
equally; a strategy entry's deviation from its strategy is penalized
ENTRY_PENALTY times harder, a word or word pair is a feature of its own.
The L2 strength is chosen by 5-fold cross-validation on the training split
when fitting and noted in tone.xml, which evaluating reuses.

The word features (politeness.word, politeness.phrase) are the normalized
words and adjacent word pairs (the tact tokenizer's, so "can't" is "can
not") found in at least WORD_MIN training texts of each community, minus
the sites' own objects (SITE_WORDS) and what a strategy already holds.

Pure Python 3 standard library. Exits non-zero only on errors, not on a
missed target.
"""
import math
import os
import random
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

FILES = [("wikipedia", "wikipedia.dev.csv"), ("stack-exchange", "stack-exchange.dev.csv")]
TONE_XML = os.path.join(common.PACKS, "tone.xml")
BEGIN, END = "<!-- fitted: begin -->", "<!-- fitted: end -->"
PARAMS = ["politeness.positive-words", "politeness.negative-words"]
LAMBDAS = [3.0, 5.0, 10.0]
ENTRY_PENALTY = 3.0
WORD_LEXICONS = ("politeness.word", "politeness.phrase")
FOLDS = 5
POLITE_SENTENCES = 2.0  # lib/tone.c

# The middle half of each community (neither polite nor impolite by the
# paper's quartiles) trains too, at this weight, labeled by the side of the
# community's median it falls on: twice the texts, and the model learns
# that a text between the quartiles is between them. Never scored.
MIDDLE_WEIGHT = 0.25

# The word features (politeness.word, politeness.phrase): words and word
# pairs found in at least WORD_MIN training texts of each community, so that
# they are general English, not one site's topics; words naming the sites'
# own objects are left out, and so is what a strategy lexicon already holds.
WORD_MIN = 5
SITE_WORDS = {"wiki", "edit", "edits", "edited", "tag", "tags", "post", "posts", "page", "pages",
              "image", "images", "file", "files", "user", "users", "comment", "comments",
              "project", "link", "links", "source", "version", "content", "line", "article",
              "answer", "question", "s"}


def load():
    """Every request: (community, id, text, label, fold, quartile) where
    quartile is 1 for the top quartile (polite), 0 for the bottom one
    (impolite), None for the middle half; label is the quartile, or for the
    middle half whether the score is above the community's median."""
    out = []
    for community, fname in FILES:
        rows = common.read_csv(common.require(os.path.join(common.DATA, "politeness", fname)))
        scores = sorted(float(r["Normalized Score"]) for r in rows)
        q1, q3 = scores[len(scores) // 4], scores[(3 * len(scores)) // 4]
        median = scores[len(scores) // 2]
        for r in rows:
            s = float(r["Normalized Score"])
            quartile = 1 if s >= q3 else 0 if s <= q1 else None
            fold = common.stable_hash(community + ":" + r["Id"]) % FOLDS
            label = quartile if quartile is not None else int(s > median)
            out.append((community, r["Id"], r["Request"], label, fold, quartile))
    return out


def fitted_region(xml):
    a, b = xml.find(BEGIN), xml.find(END)
    if a < 0 or b < a:
        raise common.EvalError("%s: no '%s' ... '%s' region" % (TONE_XML, BEGIN, END))
    return a, b


def feature_pack(xml):
    """tone.xml with every fitted weight 1 (intercept 0), so every feature
    shows up in the evidence with its source."""
    a, b = fitted_region(xml)
    region = re.sub(r'\s+weight="[^"]*"', "", xml[a:b])
    region = region.replace('<lexicon id="politeness.intercept"/>',
                            '<lexicon id="politeness.intercept" weight="0"/>')
    for p in PARAMS:
        region = region.replace('<lexicon id="%s"/>' % p, '<lexicon id="%s" weight="1"/>' % p)
    return xml[:a] + region + xml[b:]


def features(texts, xml):
    """Counts of each politeness feature per text, found by the C code: every
    hit counts for its entry ("politeness.hedge:maybe") and, unless it is a
    word or word pair, for its strategy (the lexicon, "politeness.hedge")."""
    fd, path = tempfile.mkstemp(suffix=".xml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(feature_pack(xml))
        # the built-in layer with the pack being fitted in place of tone.xml
        res = common.score_texts(texts, packs=common.BUILT_IN[:2] + [path])
    finally:
        os.unlink(path)
    out = []
    for x in res:
        if "error" in x:
            raise common.EvalError("tact: %s" % x["error"])
        # As the C code does, a text longer than POLITE_SENTENCES counts as
        # the average of its two-sentence stretches.
        per = min(1.0, POLITE_SENTENCES / max(1.0, x["stats"]["sentences"]))
        c = {}
        for e in x["evidence"]:
            if e["dim"] in ("politeness", "impoliteness"):
                src = e["source"]
                c[src] = c.get(src, 0) + per
                group = src.split(":", 1)[0]
                if ":" in src and group not in WORD_LEXICONS:
                    c[group] = c.get(group, 0) + per
        out.append(c)
    return out


def sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z > -30 else 0.0


def train(X, y, lam, epochs=300, lr=0.05, weights=None):
    """L2-regularized logistic regression (intercept not penalized) by
    full-batch Adam; X is a list of sparse dicts. A strategy's weight is
    penalized by lam, an entry's own deviation from it by ENTRY_PENALTY *
    lam, so rare entries fall back to their strategy. A word or word pair
    is no strategy's entry but a feature of its own, penalized by lam (and
    its lexicon has no weight of its own). Returns (bias, weights)."""
    names = sorted({k for x in X for k in x})
    idx = {k: i for i, k in enumerate(names)}
    pen = [lam * (ENTRY_PENALTY if ":" in k and not k.startswith(WORD_LEXICONS) else 1.0)
           for k in names]
    rows = [[(idx[k], v) for k, v in x.items()] for x in X]
    weights = weights or [1.0] * len(rows)
    n, d = sum(weights), len(names)
    w, b = [0.0] * d, 0.0
    m, v, mb, vb = [0.0] * d, [0.0] * d, 0.0, 0.0
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, epochs + 1):
        g, gb = [p * wi / n for p, wi in zip(pen, w)], 0.0
        for r, yi, wi in zip(rows, y, weights):
            z = b + sum(w[j] * c for j, c in r)
            err = wi * (sigmoid(z) - yi) / n
            gb += err
            for j, c in r:
                g[j] += err * c
        for j in range(d):
            m[j] = b1 * m[j] + (1 - b1) * g[j]
            v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j]
            w[j] -= lr * (m[j] / (1 - b1 ** t)) / (math.sqrt(v[j] / (1 - b2 ** t)) + eps)
        mb = b1 * mb + (1 - b1) * gb
        vb = b2 * vb + (1 - b2) * gb * gb
        b -= lr * (mb / (1 - b1 ** t)) / (math.sqrt(vb / (1 - b2 ** t)) + eps)
    return b, dict(zip(names, w))


def predict(model, x):
    b, w = model
    return b + sum(w.get(k, 0.0) * c for k, c in x.items())


def accuracy(model, X, y):
    return sum((predict(model, x) > 0) == (yi == 1) for x, yi in zip(X, y)) / max(1, len(y))


def balance(communities, scored):
    """Sample weights under which each community counts equally; a text of
    the middle half (scored false) counts MIDDLE_WEIGHT of a quartile's."""
    raw = [1.0 if q else MIDDLE_WEIGHT for q in scored]
    n = {}
    for c, r in zip(communities, raw):
        n[c] = n.get(c, 0) + r
    total = sum(raw)
    return [r * total / (len(n) * n[c]) for c, r in zip(communities, raw)]


def balanced_accuracy(model, X, y, communities):
    """The mean over communities of the accuracy within each."""
    accs = []
    for c in sorted(set(communities)):
        idx = [i for i, ci in enumerate(communities) if ci == c]
        accs.append(accuracy(model, [X[i] for i in idx], [y[i] for i in idx]))
    return sum(accs) / len(accs)


def choose_lambda(X, y, communities, scored, folds):
    best = None
    for lam in LAMBDAS:
        accs = []
        for k in range(FOLDS):
            tr = [i for i in range(len(y)) if folds[i] != k]
            te = [i for i in range(len(y)) if folds[i] == k and scored[i]]
            model = train([X[i] for i in tr], [y[i] for i in tr], lam,
                          weights=balance([communities[i] for i in tr], [scored[i] for i in tr]))
            accs.append(balanced_accuracy(model, [X[i] for i in te], [y[i] for i in te],
                                          [communities[i] for i in te]))
        acc = sum(accs) / len(accs)
        if best is None or acc > best[0]:
            best = (acc, lam)
    return best[1]


WORD = re.compile(r"[a-z][a-z']*$")


def grams(texts):
    """Per text, the set of its words and pairs of adjacent words as the
    matcher sees them: normalized word tokens ("can't" is "can not"), a
    pair never across punctuation; site words left out."""
    out = []
    for r in common.run_jsonl("tokens", texts):
        if "error" in r:
            raise common.EvalError("tact: %s" % r["error"])
        g, prev = set(), None
        for t in r["tokens"]:
            w = t["norm"] if t["kind"] == "word" and WORD.match(t["norm"]) else None
            if w in SITE_WORDS:
                w = None
            if w:
                g.add(w)
                if prev:
                    g.add(prev + " " + w)
            prev = w
        out.append(g)
    return out


def strategy_entries(xml):
    a, b = fitted_region(xml)
    out = set()
    for m in re.finditer(r'<lexicon id="([^"]+)"[^>]*>(.*?)</lexicon>', xml[a:b], re.S):
        if m.group(1) not in ("politeness.word", "politeness.phrase"):
            out |= set(re.findall(r"<entry[^>]*>([^<]+)</entry>", m.group(2)))
    return out


def write_vocabulary(xml, data, train_i):
    """Chooses the word and word-pair features from the training split and
    writes them as the entries of politeness.word and politeness.phrase."""
    count = {}
    for i, gs in zip(train_i, grams([data[i][2] for i in train_i])):
        for g in gs:
            count.setdefault(g, {}).setdefault(data[i][0], 0)
            count[g][data[i][0]] += 1
    taken = strategy_entries(xml)
    vocab = sorted(g for g, c in count.items() if g not in taken and
                   all(c.get(community, 0) >= WORD_MIN for community, _ in FILES))
    a, b = fitted_region(xml)
    region = xml[a:b].rstrip(" ")
    for lid, entries in (("politeness.word", [g for g in vocab if " " not in g]),
                         ("politeness.phrase", [g for g in vocab if " " in g])):
        block = "  <lexicon id=\"%s\" weight=\"0\">\n" % lid + \
            "".join("    <entry>%s</entry>\n" % g for g in entries) + "  </lexicon>\n"
        m = re.search(r'  <lexicon id="%s".*?</lexicon>\n' % re.escape(lid), region, re.S)
        region = region[:m.start()] + block + region[m.end():] if m else region + block
    return xml[:a] + region + "  " + xml[b:]


LAMBDA_NOTE = re.compile(r"<!-- fitted with L2 lambda ([0-9.]+)[^>]*-->")


def recorded_lambda(xml):
    """The L2 strength the last fit chose (noted in its region), or None."""
    a, b = fitted_region(xml)
    m = LAMBDA_NOTE.search(xml[a:b])
    return float(m.group(1)) if m else None


def write_weights(xml, model, lam):
    """Strategy weight on each lexicon, strategy + own deviation on each
    entry (what the C code adds per hit), intercept and per-word weights on
    the parameter lexicons; notes the L2 strength for later evaluations."""
    b, w = model
    a, e = fitted_region(xml)
    note = "<!-- fitted with L2 lambda %g (eval/politeness.py) -->" % lam
    region = xml[a:e]
    m = LAMBDA_NOTE.search(region)
    if m:
        region = region[:m.start()] + note + region[m.end():]
    else:
        region = region.replace(BEGIN, BEGIN + "\n  " + note, 1)
    out, lexicon = [], None
    for line in region.split("\n"):
        m = re.match(r'(\s*)<lexicon id="([^"]+)"[^>]*?(/?)>(.*)$', line)
        if m:
            lexicon = m.group(2)
            value = b if lexicon == "politeness.intercept" else w.get(lexicon, 0.0)
            line = '%s<lexicon id="%s" weight="%.3f"%s>%s' % (m.group(1), lexicon, value, m.group(3),
                                                             m.group(4))
        m = re.match(r'(\s*)<entry(?:\s+weight="[^"]*")?>(.*)</entry>(.*)$', line)
        if m and lexicon:
            pattern = m.group(2)
            src = lexicon + ":" + pattern.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            value = w.get(lexicon, 0.0) + w.get(src, 0.0)
            line = '%s<entry weight="%.3f">%s</entry>%s' % (m.group(1), value, pattern, m.group(3))
        out.append(line)
    return xml[:a] + "\n".join(out) + xml[e:]


def main(argv):
    fit = len(argv) > 1 and argv[1] == "fit"
    if len(argv) > 2 or (len(argv) == 2 and not fit):
        print(__doc__, file=sys.stderr)
        return 2
    data = load()
    with open(TONE_XML, encoding="utf-8") as f:
        xml = f.read()
    y = [d[3] for d in data]
    folds = [d[4] for d in data]
    scored = [d[5] is not None for d in data]
    train_i = [i for i in range(len(data)) if folds[i] != 0]
    test_i = [i for i in range(len(data)) if folds[i] == 0 and scored[i]]
    if fit:
        xml = write_vocabulary(xml, data, train_i)
    X = features([d[2] for d in data], xml)

    # Inner folds for choosing lambda: reshuffle the training split
    # deterministically into FOLDS parts.
    # Evaluating reuses the strength the last fit chose and recorded.
    rnd = random.Random(20130804)
    inner = [rnd.randrange(FOLDS) for _ in train_i]
    comm = [d[0] for d in data]
    lam = None if fit else recorded_lambda(xml)
    if lam is None:
        lam = choose_lambda([X[i] for i in train_i], [y[i] for i in train_i],
                            [comm[i] for i in train_i], [scored[i] for i in train_i], inner)
    model = train([X[i] for i in train_i], [y[i] for i in train_i], lam,
                  weights=balance([comm[i] for i in train_i], [scored[i] for i in train_i]))

    if fit:
        xml = write_weights(xml, model, lam)
        with open(TONE_XML, "w", encoding="utf-8") as f:
            f.write(xml)
        print("wrote fitted weights to %s (L2 lambda %g, %d features, %d training texts)"
              % (os.path.relpath(TONE_XML, common.ROOT), lam, len(model[1]), len(train_i)))

    # End to end: tact's own politeness score with the pack as shipped.
    res = common.score_texts([data[i][2] for i in test_i])
    shipped = {i: r["scores"]["politeness"] > 0.5 for i, r in zip(test_i, res)}

    cv = {}
    for k in range(FOLDS):
        tr = [i for i in range(len(data)) if folds[i] != k]
        m = train([X[i] for i in tr], [y[i] for i in tr], lam,
                  weights=balance([comm[i] for i in tr], [scored[i] for i in tr]))
        for i in range(len(data)):
            if folds[i] == k and scored[i]:
                cv[i] = (predict(m, X[i]) > 0) == (y[i] == 1)

    print("L2 lambda %g (5-fold CV on the training split); quartiles per community" % lam)
    print("%-15s %6s %9s %9s %9s" % ("community", "texts", "held-out", "refit", "5-fold"))
    for community, _ in FILES:
        idx = [i for i in range(len(data)) if data[i][0] == community and scored[i]]
        te = [i for i in idx if folds[i] == 0]
        held = sum(shipped[i] == (y[i] == 1) for i in te) / max(1, len(te))
        refit = sum((predict(model, X[i]) > 0) == (y[i] == 1) for i in te) / max(1, len(te))
        cva = sum(cv[i] for i in idx) / max(1, len(idx))
        print("%-15s %6d %9.3f %9.3f %9.3f" % (community, len(idx), held, refit, cva))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (common.EvalError, OSError) as e:
        print("politeness.py: %s" % e, file=sys.stderr)
        sys.exit(1)
