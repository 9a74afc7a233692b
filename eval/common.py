"""common.py — shared helpers of the evaluations: paths, running the tact
CLI in batch mode (--jsonl) over many texts, reading the data sets,
statistics.

Pure Python 3 standard library. The data lives outside the repository in
../shared/data (relative to the repository root) and is never copied in.
"""
import csv
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
PACKS = os.path.join(ROOT, "lib", "packs")

BUILT_IN = [os.path.join(PACKS, n) for n in ("default.xml", "sentiment.xml", "tone.xml", "complaint.xml")]


class EvalError(Exception):
    pass


def cli():
    """The tact CLI of a build: $TACT_CLI, else build/examples/tact."""
    exe = os.environ.get("TACT_CLI") or os.path.join(ROOT, "build", "examples", "tact")
    if not os.access(exe, os.X_OK):
        raise EvalError("no tact CLI at %s: build first (sh scripts/dev.sh demo) or set TACT_CLI" % exe)
    return exe


def run_jsonl(command, texts, packs=None, role=None, extra=()):
    """Runs `tact COMMAND --jsonl` over `texts` in one process; returns one
    result object per text (or {"error": ...}). `packs` replaces the built-in
    layer with these files, in order (None keeps the built-in packs)."""
    cmd = [cli(), command, "--jsonl", *extra]
    if role:
        cmd += ["--role", role]
    if packs is not None:
        cmd.append("--no-default-pack")
        for p in packs:
            cmd += ["--pack", p]
    data = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    r = subprocess.run(cmd, input=data, capture_output=True, text=True)
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    if len(rows) != len(texts):
        raise EvalError("tact %s returned %d results for %d texts: %s"
                        % (command, len(rows), len(texts), r.stderr.strip()))
    return [row.get("result", {"error": row.get("error")}) for row in rows]


def score_texts(texts, packs=None):
    """Tone of every text: {"scores": {...}, "evidence": [...], "stats": {...}}
    or {"error": ...}. `packs` as in run_jsonl (e.g. to score with a pack
    being fitted in place of tone.xml)."""
    out = []
    for r in run_jsonl("tone", texts, packs):
        if "error" in r:
            out.append(r)
        else:
            out.append({"scores": r["tone"]["scores"], "evidence": r["tone"]["evidence"],
                        "stats": r["stats"]})
    return out


def read_tsv(path):
    """VADER ground truth: id <TAB> mean rating <TAB> text."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) == 3:
                rows.append((parts[0], float(parts[1]), parts[2]))
    return rows


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def pearson(xs, ys):
    n = len(xs)
    if n < 2:
        return float("nan")
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else float("nan")


def stable_hash(s):
    """A hash that does not change between runs (Python's hash() does)."""
    return int(hashlib.sha256(s.encode("utf-8")).hexdigest()[:12], 16)


def require(path):
    if not os.path.exists(path):
        raise EvalError("missing %s (the data lives in ../shared/data)" % path)
    return path

