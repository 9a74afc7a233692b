#!/usr/bin/env python3
"""sentiment.py — how well tact's sentiment compound follows human ratings.

For each VADER ground-truth set in ../shared/data/vader (tweets, Amazon
review snippets, movie review snippets, NYT editorial snippets) it prints
the Pearson correlation between tact's compound score (-1..1) and the mean
human rating (-4..4), next to the original VADER's figure on the same
files. Exits non-zero only on errors, not on a missed target.

usage: python3 eval/sentiment.py [--errors N]
  --errors N   also print the N texts with the largest disagreement per set
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# The original VADER (Python) on these dev files, as measured in
# ../shared/data/README.md.
SETS = [
    ("tweets", "tweets_GroundTruth.dev.tsv", 0.872),
    ("amazon", "amazonReviewSnippets_GroundTruth.dev.tsv", 0.598),
    ("movies", "movieReviewSnippets_GroundTruth.dev.tsv", 0.429),
    ("nyt", "nytEditorialSnippets_GroundTruth.dev.tsv", 0.518),
]


def main(argv):
    errors = 0
    args = list(argv[1:])
    while args:
        a = args.pop(0)
        if a == "--errors" and args:
            errors = int(args.pop(0))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    print("%-8s %6s %8s %8s %7s" % ("set", "texts", "tact r", "VADER r", "delta"))
    for name, fname, vader in SETS:
        rows = common.read_tsv(common.require(os.path.join(common.DATA, "vader", fname)))
        res = common.score_texts([r[2] for r in rows])
        bad = [i for i, x in enumerate(res) if "error" in x]
        if bad:
            raise common.EvalError("%s: %d texts failed, first: %s" % (name, len(bad), res[bad[0]]))
        comp = [x["scores"]["sentiment"] for x in res]
        gold = [r[1] for r in rows]
        r = common.pearson(comp, gold)
        print("%-8s %6d %8.4f %8.3f %+7.3f" % (name, len(rows), r, vader, r - vader))
        if errors:
            worst = sorted(range(len(rows)), key=lambda i: -abs(comp[i] - gold[i] / 4))[:errors]
            for i in worst:
                print("    %+.2f vs %+.2f  %s" % (comp[i], gold[i] / 4, rows[i][2][:150]))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (common.EvalError, OSError) as e:
        print("sentiment.py: %s" % e, file=sys.stderr)
        sys.exit(1)
