#!/usr/bin/env python3
"""intents.py — how well examples/tact-train learns categories and intents.

  python3 eval/intents.py [--speed] [--seeds N]

  bitext (../shared/data/bitext, CDLA-Sharing-1.0): a stratified 80/20 split
  of bitext.dev.csv; tact-train learns the 11 bitext categories, the 27
  intents, and our 9 complaint categories (intents mapped as in
  eval/complaints.py BITEXT_CATEGORY); the trained pack is loaded by
  `tact classify --jsonl` (the library's own inference) and scored on the
  held-out 20%: accuracy and macro-F1. Target: >= 0.95 accuracy.

  banking77 (../shared/data/banking77, CC BY 4.0): the same on a stratified
  80/20 split of train.csv with its 77 intents (the official test split is
  held out; published full-data results: ~93%).

  --speed   also times tact-train on 50,000 short messages (banking77 texts
            repeated with a counter appended, so no two are identical): a
            two-class model with the defaults and with L-BFGS, and the
            77-class model with 10 epochs (wall time, features included)
  --seeds N average over N splits (default 1)

Exits non-zero only on errors, not on a missed target.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import complaints as c  # noqa: E402

# Intents depend on words, not on tone: unigrams and pairs only.
OPTIONS = ["--model", "category", "--optimizer", "sgd", "--epochs", "30", "--l2", "1e-4",
           "--bits", "18", "--features", "unigram,bigram", "--calibrate"]


def run(name, rows, label, seeds):
    accs, macros, train_accs = [], [], []
    for seed in range(1, seeds + 1):
        tr, te = c.stratified_split(rows, lambda r: r[label], 0.2, seed)
        with tempfile.TemporaryDirectory() as tmp:
            pack = os.path.join(tmp, "model.xml")
            t0 = time.time()
            report = c.train(tr, OPTIONS, out_pack=pack, test_rows=te, label=label)
            secs = time.time() - t0
            out = c.classify([r["text"] for r in te], packs=[pack])
        pred = [x["categories"][0][0] if x.get("categories") else "" for x in out]
        gold = [c_id(r[label]) for r in te]
        acc, macro = c.multiclass_metrics(gold, pred)
        accs.append(acc)
        macros.append(macro)
        for line in report.splitlines():
            if line.startswith("accuracy:"):
                train_accs.append(float(line.split()[1]))
    n = len(accs)
    print("%-34s train %5d test %5d  accuracy %.4f  macro-F1 %.4f  (tact-train's own report: "
          "%.4f; %.1f s)" % (name, len(tr), len(te), sum(accs) / n, sum(macros) / n,
                             sum(train_accs) / max(1, len(train_accs)), secs))


def c_id(label):
    """The class id tact-train writes for a label (lower case, [a-z0-9._-])."""
    out = []
    for i, ch in enumerate(label[:64].lower()):
        ok = ch.isascii() and (ch.isalnum() or (i > 0 and ch in "._-"))
        out.append(ch if ok else ("x" if i == 0 else "-"))
    return "".join(out) or "x"


def speed():
    rows = c.read_csv(os.path.join(c.DATA, "banking77", "train.csv"))
    big = []
    k = 0
    while len(big) < 50000:
        for r in rows:
            big.append({"text": "%s (%d)" % (r["text"], k), "category": r["category"]})
            if len(big) == 50000:
                break
        k += 1
    exe = c.tact_train()
    with tempfile.TemporaryDirectory() as tmp:
        import json
        path = os.path.join(tmp, "big.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for r in big:
                f.write(json.dumps(r) + "\n")
        # Binary: "is it about a card?" stands in for complaint / not.
        with open(path, "w", encoding="utf-8") as f:
            for r in big:
                f.write(json.dumps({"text": r["text"], "label": int("card" in r["category"]),
                                    "category": r["category"]}) + "\n")
        runs = [("complaint", "2 classes", ["--label-col", "label"]),
                ("complaint", "2 classes", ["--label-col", "label", "--optimizer", "lbfgs"]),
                ("category", "77 classes", ["--label-col", "category", "--epochs", "10"])]
        for model, what, opt in runs:
            t0 = time.time()
            r = subprocess.run([exe, "--model", model, "--holdout", "0.1", *opt, path],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise c.EvalError("tact-train failed: " + r.stderr)
            print("tact-train, 50,000 messages, %-10s %-40s %.1f s" %
                  (what, " ".join(opt[2:]) or "(defaults: sgd, 30 epochs)", time.time() - t0))


def main(argv):
    seeds, do_speed = 1, False
    args = argv[1:]
    while args:
        a = args.pop(0)
        if a == "--seeds" and args:
            seeds = int(args.pop(0))
        elif a == "--speed":
            do_speed = True
        else:
            print(__doc__, file=sys.stderr)
            return 2
    bitext = c.read_csv(os.path.join(c.DATA, "bitext", "bitext.dev.csv"))
    rows = [{"text": r["instruction"], "category": r["category"], "intent": r["intent"],
             "ours": c.BITEXT_CATEGORY[r["intent"]]} for r in bitext]
    print("tact-train %s; scored by the library (tact classify) on the held-out split" %
          " ".join(OPTIONS))
    run("bitext categories (11)", rows, "category", seeds)
    run("bitext intents (27)", rows, "intent", seeds)
    run("bitext -> our categories (9)", rows, "ours", seeds)
    banking = c.read_csv(os.path.join(c.DATA, "banking77", "train.csv"))
    run("banking77 intents (77)", [{"text": r["text"], "category": r["category"]} for r in banking],
        "category", seeds)
    if do_speed:
        speed()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except c.EvalError as e:
        print("intents.py: %s" % e, file=sys.stderr)
        sys.exit(1)
