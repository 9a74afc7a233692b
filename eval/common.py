"""common.py — shared helpers of the tone evaluations: paths, building and
running eval/tone_driver.c, reading the data sets, statistics.

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
TONE_PACKS = [os.path.join(PACKS, "sentiment.xml"), os.path.join(PACKS, "tone.xml")]

LIB_SOURCES = ["tone.c", "text.c", "pack_xml.c", "layers.c", "match.c", "alloc.c", "error.c"]


class EvalError(Exception):
    pass


def _pkg_config(*pkgs):
    try:
        out = subprocess.run(["pkg-config", "--cflags", "--libs", *pkgs], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise EvalError("pkg-config %s failed: %s" % (" ".join(pkgs), e))
    return out.split()


def build_driver(extra_cflags=()):
    """Compiles eval/tone_driver.c against lib/ (default pack embedded) into
    a cache directory keyed by the sources; returns the executable's path."""
    sources = [os.path.join(ROOT, "eval", "tone_driver.c")] + \
        [os.path.join(ROOT, "lib", s) for s in LIB_SOURCES]
    inputs = sources + [os.path.join(PACKS, "default.xml"), os.path.join(PACKS, "tact-pack.rng")] + \
        [os.path.join(ROOT, "lib", h) for h in os.listdir(os.path.join(ROOT, "lib")) if h.endswith(".h")] + \
        [os.path.join(ROOT, "include", "tact.h")]
    h = hashlib.sha256(" ".join(extra_cflags).encode())
    for p in sorted(inputs):
        with open(p, "rb") as f:
            h.update(f.read())
    cache = os.path.join(tempfile.gettempdir(), "tact-eval-%d" % os.getuid())
    os.makedirs(cache, exist_ok=True)
    exe = os.path.join(cache, "tone_driver-" + h.hexdigest()[:16])
    if os.path.exists(exe):
        return exe
    emb = os.path.join(cache, "embedded-%s.c" % h.hexdigest()[:16])
    subprocess.run([sys.executable, os.path.join(PACKS, "embed.py"), emb,
                    os.path.join(PACKS, "default.xml"), "tact_default_pack_xml",
                    os.path.join(PACKS, "tact-pack.rng"), "tact_pack_schema_rng"], check=True)
    cc = os.environ.get("CC", "gcc")
    cmd = [cc, "-std=c11", "-O2", "-D_POSIX_C_SOURCE=200809L", *extra_cflags,
           "-I" + os.path.join(ROOT, "include"), "-I" + os.path.join(ROOT, "lib"),
           *sources, emb, "-o", exe + ".tmp", *_pkg_config("libutf8proc", "libxml-2.0"),
           "-lm", "-lpthread"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise EvalError("building the tone driver failed:\n" + r.stderr)
    os.replace(exe + ".tmp", exe)
    return exe


def score_texts(texts, packs=None, evidence=False, extra_cflags=()):
    """Scores every text in one driver process; returns one dict per text
    ({"scores": {...}, "evidence": [...]} or {"error": ...})."""
    exe = build_driver(extra_cflags)
    cmd = [exe]
    if evidence:
        cmd.append("--evidence")
    for p in (TONE_PACKS if packs is None else packs):
        cmd += ["--pack", p]
    data = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    r = subprocess.run(cmd, input=data, capture_output=True, text=True)
    if r.returncode != 0:
        raise EvalError("tone driver failed: " + r.stderr)
    out = [json.loads(line) for line in r.stdout.splitlines()]
    if len(out) != len(texts):
        raise EvalError("tone driver returned %d results for %d texts" % (len(out), len(texts)))
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

