#!/usr/bin/env python3
"""gen_sentiment.py — writes lib/packs/sentiment.xml, the built-in pack of
sentiment lexicons that lib/tone.c scores with (VADER's algorithm).

usage: python3 lib/packs/gen_sentiment.py [VADER_DIR] [OUT.xml]
  VADER_DIR  default ../shared/data/vader (relative to the repository root)
  OUT.xml    default lib/packs/sentiment.xml

Run from the repository root at development time; the generated XML is
committed, so building libtact never needs the data directory.

Sources (MIT, C.J. Hutto; Hutto & Gilbert, "VADER: A Parsimonious
Rule-based Model for Sentiment Analysis of Social Media Text", ICWSM 2014):
  vader_lexicon.txt        token, mean valence (-4..4), sd, ratings
  emoji_utf8_lexicon.txt   emoji, description
  the rule vocabularies of vaderSentiment.py (NEGATE, BOOSTER_DICT,
  SPECIAL_CASES, SENTIMENT_LADEN_IDIOMS), restated below as data.

Normalization uses the real tokenizer: a small C helper is compiled against
lib/text.c (gcc and libutf8proc, as for building libtact) and prints each
pattern's normalized tokens. What the generator changes, and why (tests/
test_tone.c checks the result with the same tokenizer):
  * Entries are made unique after normalization (case folding, noses and
    repeated mouths of emoticons dropped: ":-))" is ":)"). VADER looks words
    up lower-cased, so of "o.O" and "o.o" the lower-case entry wins; of ":-)"
    and ":)" the entry already in normal form wins.
  * Entries that are plain numbers ("143", "187", "86") are dropped: in
    support text numbers are order ids, days and amounts, not slang; so is
    "8)", a list marker there.
  * Entries whose first character is "{" are dropped: in a pack pattern a
    token starting with "{" names a token class ({number}, ...).
  * Negations the tokenizer already expands to "not" ("don't", "cant",
    "wasn't") collapse into the single entry "not".
  * Emoji get the valence of their description scored with the word
    lexicon (VADER substitutes the description into the text); emoji whose
    description carries no sentiment are left out.
  * tact's own additions, each measured in docs/tone.md, are marked as such
    below: "like" as a preposition, the names of the support service itself,
    a few set phrases, and the irrealis words.
"""
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from xml.sax.saxutils import escape

B_INCR = 0.293   # VADER: mean rating increase for a booster word
B_DECR = -0.293  # VADER: mean rating decrease for a dampener
N_SCALAR = -0.74  # VADER: negation multiplier (used to score emoji descriptions)
TOKEN_NUMBER = 2  # tact_token_kind TACT_TOKEN_NUMBER

# vaderSentiment.py NEGATE. The tokenizer splits "n't" and the apostrophe-less
# contractions it knows into "... not", so most collapse into "not".
NEGATE = [
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
    "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
    "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
    "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
    "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
    "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
    "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
    "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite"]

# Apostrophe-less words the tokenizer expands (lib/text.c CONTRACTIONS).
TOKENIZER_EXPANDS = {
    "aint", "arent", "cannot", "cant", "couldnt", "didnt", "doesnt", "dont", "hadnt",
    "hasnt", "havent", "isnt", "mustnt", "shant", "shouldnt", "wasnt", "werent",
    "wont", "wouldnt"}

# Besides NEGATE, VADER treats "no" before a lexicon word and "least" (not
# after "at"/"very") as negations; tone.c handles both as negations.
EXTRA_NEGATIONS = ["no", "least"]

# Multi-word phrases holding a negation that do not negate what follows;
# the weight multiplies the valence instead (VADER: "never so/this good"
# x1.25, "without (a) doubt" and "at/very least" leave it alone).
NEGATION_EXCEPTIONS = [
    ("never so", 1.25), ("never this", 1.25),
    ("without doubt", 1.0), ("without a doubt", 1.0),
    ("at least", 1.0), ("very least", 1.0),
]

BOOSTERS = {
    "absolutely": B_INCR, "amazingly": B_INCR, "awfully": B_INCR,
    "completely": B_INCR, "considerable": B_INCR, "considerably": B_INCR,
    "decidedly": B_INCR, "deeply": B_INCR, "effing": B_INCR, "enormous": B_INCR,
    "enormously": B_INCR, "entirely": B_INCR, "especially": B_INCR, "exceptional": B_INCR,
    "exceptionally": B_INCR, "extreme": B_INCR, "extremely": B_INCR,
    "fabulously": B_INCR, "flipping": B_INCR, "flippin": B_INCR, "frackin": B_INCR,
    "fracking": B_INCR, "fricking": B_INCR, "frickin": B_INCR, "frigging": B_INCR,
    "friggin": B_INCR, "fully": B_INCR, "fuckin": B_INCR, "fucking": B_INCR,
    "fuggin": B_INCR, "fugging": B_INCR, "greatly": B_INCR, "hella": B_INCR,
    "highly": B_INCR, "hugely": B_INCR, "incredible": B_INCR, "incredibly": B_INCR,
    "intensely": B_INCR, "major": B_INCR, "majorly": B_INCR, "more": B_INCR,
    "most": B_INCR, "particularly": B_INCR, "purely": B_INCR, "quite": B_INCR,
    "really": B_INCR, "remarkably": B_INCR, "so": B_INCR, "substantially": B_INCR,
    "thoroughly": B_INCR, "total": B_INCR, "totally": B_INCR, "tremendous": B_INCR,
    "tremendously": B_INCR, "uber": B_INCR, "unbelievably": B_INCR, "unusually": B_INCR,
    "utter": B_INCR, "utterly": B_INCR, "very": B_INCR,
    "almost": B_DECR, "barely": B_DECR, "hardly": B_DECR, "just enough": B_DECR,
    "kind of": B_DECR, "kinda": B_DECR, "kindof": B_DECR, "kind-of": B_DECR,
    "less": B_DECR, "little": B_DECR, "marginal": B_DECR, "marginally": B_DECR,
    "occasional": B_DECR, "occasionally": B_DECR, "partly": B_DECR,
    "scarce": B_DECR, "scarcely": B_DECR, "slight": B_DECR, "slightly": B_DECR,
    "somewhat": B_DECR, "sort of": B_DECR, "sorta": B_DECR, "sortof": B_DECR,
    "sort-of": B_DECR}

# VADER's SPECIAL_CASES (phrases holding lexicon words whose meaning
# differs) and SENTIMENT_LADEN_IDIOMS (phrases without lexicon words; VADER
# lists them as future work). A phrase replaces the valence of its words.
IDIOMS = {
    "the shit": 3, "the bomb": 3, "bad ass": 1.5, "badass": 1.5, "bus stop": 0.0,
    "yeah right": -2, "kiss of death": -1.5, "to die for": 3,
    "beating heart": 3.1, "broken heart": -2.9,
    "cut the mustard": 2, "hand to mouth": -2, "back handed": -2, "blow smoke": -2,
    "blowing smoke": -2, "upper hand": 1, "break a leg": 2, "cooking with gas": 2,
    "in the black": 2, "in the red": -2, "on the ball": 2, "under the weather": -2}

# tact's additions: "like" as a preposition or discourse marker carries no
# sentiment (VADER scores every "like" +2.0, the verb's valence). Phrases
# with valence 0 claim the word in its commonest non-verb uses.
LIKE_PREPOSITION = [
    "look like", "looks like", "looked like", "looking like",
    "feel like", "feels like", "felt like", "feeling like",
    "seem like", "seems like", "seemed like", "sound like", "sounds like", "sounded like",
    "just like", "more like", "much like", "something like", "anything like", "nothing like",
    "things like", "stuff like"]

# tact's additions for support text: the names of the service itself carry
# no sentiment ("customer support" is not praise; VADER scores support +1.7,
# care +2.2, help +1.7).
SERVICE_NOUNS = [
    "customer support", "tech support", "technical support", "product support",
    "online support", "support team", "support staff", "support agent", "support ticket",
    "support line", "support page", "support site", "support center", "support forum",
    "customer care", "help desk", "help center", "help line", "help page"]

# tact's additions: set phrases whose words VADER scores the wrong way.
# Negated comparatives praise ("couldn't be happier"); the tokenizer writes
# "couldn't" as "could not", so the phrases start at "not".
PHRASES = {
    "not get any better": 2.5, "not get much better": 2.0, "not be happier": 3.0,
    "not be more pleased": 3.0, "not be more satisfied": 3.0, "not recommend it enough": 3.0,
    "not recommend this enough": 3.0, "not recommend them enough": 3.0,
    "not praise it enough": 3.0, "not praise it highly enough": 3.0,
    "not say enough good things": 3.0, "not go wrong": 2.0, "not complain": 1.0,
    "thanks for nothing": -2.0, "save your money": -1.5,
    "save your cash": -1.5, "save yourself": -1.0}

# tact's additions: words that make the rest of their clause hypothetical
# or wished-for ("if it were good", "I wish it worked"); sentiment there is
# not asserted. Weight = multiplier for the rest of the clause.
IRREALIS = ["if", "unless", "would", "could", "should", "might", "wish", "hope"]
IRREALIS_WEIGHT = 0.5

# Contrastive conjunctions: sentiment before them counts less, after more.
CONTRAST = ["but"]

# The real tokenizer (lib/text.c) decides what two entries have in common:
# a tiny C program prints the normalized tokens of each pattern, chunk by
# white-space chunk as lib/match.c compiles them.
TOKENIZE_C = r"""
#include <stdio.h>
#include <string.h>
#include "text.h"
int main(void) {
  tact_allocator a; tact_alloc_resolve(&a, NULL);
  tact_text t; memset(&t, 0, sizeof t);
  static char line[1 << 16];
  while (fgets(line, sizeof line, stdin)) {
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n') line[--n] = 0;
    for (char *c = strtok(line, " \t"); c; c = strtok(NULL, " \t")) {
      tact_error e;
      if (tact_text_analyze(&t, &a, c, strlen(c), 0, &e) != TACT_OK) { printf("\x1e!error"); continue; }
      for (size_t i = 0; i < t.n_tokens; i++) {
        size_t l; const char *s = tact_text_norm(&t, i, &l);
        printf("\x1e%d:%.*s", t.tokens[i].kind, (int)l, s);
      }
    }
    printf("\n");
  }
  tact_text_free(&t, &a);
  return 0;
}
"""


def tokenizer(root):
    """Compiles the helper against lib/text.c; returns a function mapping a
    list of patterns to their token tuples ((kind, norm), ...)."""
    tmp = tempfile.mkdtemp(prefix="tact-gen-")
    atexit.register(shutil.rmtree, tmp, True)
    src, exe = os.path.join(tmp, "tok.c"), os.path.join(tmp, "tok")
    with open(src, "w") as f:
        f.write(TOKENIZE_C)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libutf8proc"], check=True,
                           capture_output=True, text=True).stdout.split()
    lib = os.path.join(root, "lib")
    subprocess.run([os.environ.get("CC", "gcc"), "-std=c11", "-O1", "-D_POSIX_C_SOURCE=200809L",
                    "-I" + os.path.join(root, "include"), "-I" + lib, src,
                    os.path.join(lib, "text.c"), os.path.join(lib, "alloc.c"),
                    os.path.join(lib, "error.c"), "-o", exe, *flags], check=True)

    def run(patterns):
        data = "".join(p.replace("\n", " ") + "\n" for p in patterns)
        out = subprocess.run([exe], input=data, capture_output=True, text=True, check=True).stdout
        rows = out.split("\n")[:len(patterns)]
        res = []
        for row in rows:
            toks = []
            for part in row.split("\x1e")[1:]:
                kind, _, norm = part.partition(":")
                toks.append((int(kind) if kind.isdigit() else -1, norm))
            res.append(tuple(toks))
        return res
    return run


def num(x):
    return ("%.3f" % x).rstrip("0").rstrip(".") if x != int(x) else "%d" % x


def read_lexicon(path):
    lex = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0]:
                lex.append((parts[0], float(parts[1])))
    return lex


def unique(entries, tok, prefer=lambda pattern, key: 0):
    """Keeps one entry per token sequence: the one `prefer` ranks highest,
    else the first. entries: (pattern, ...) tuples."""
    keys = tok([e[0] for e in entries])
    chosen, order = {}, []
    for e, key in zip(entries, keys):
        if not key or any(k < 0 for k, _ in key):
            continue
        key = tuple(n for _, n in key)  # the matcher compares normalized forms only
        rank = prefer(e[0], key)
        if key not in chosen:
            order.append(key)
            chosen[key] = (rank, e)
        elif rank > chosen[key][0]:
            chosen[key] = (rank, e)
    return [chosen[k][1] for k in order]


def is_number(key):
    """A plain number ("143"), or a number with a bracket, which in support
    text is a list marker ("8)"), not an emoticon."""
    if len(key) == 1:
        return key[0][0] == TOKEN_NUMBER
    return len(key) == 2 and key[0][0] == TOKEN_NUMBER and key[1][1] in (")", "(")


def valence_entries(lex, tok):
    """VADER lexicon entries, unique after the tokenizer's normalization.
    VADER looks words up lower-cased, so the lower-case spelling wins, then
    the one already in normal form (":)" over ":-)")."""
    kept = [(w, v) for w, v in lex if not w.startswith("{")]
    keys = tok([w for w, _ in kept])
    kept = [e for e, k in zip(kept, keys) if not is_number(k)]
    return unique(kept, tok, lambda w, key: (w == w.lower(), w.lower() == " ".join(key)))


def score_description(desc, words):
    """A description's valence: the sum of its words' valences, negated
    (x N_SCALAR) after a negation within three words, as VADER would score
    the description it substitutes for the emoji."""
    toks = re.findall(r"[a-z']+", desc.lower())
    negations = set(NEGATE) | {"no"}
    total = 0.0
    for i, t in enumerate(toks):
        v = words.get(t)
        if v is None or t in negations:
            continue
        if any(p in negations for p in toks[max(0, i - 3):i]):
            v *= N_SCALAR
        total += v
    return max(-4.0, min(4.0, total))


def emoji_entries(path, words, tok):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0]:
                rows.append((parts[0], score_description(parts[1], words), parts[1]))
    # Skin tones and variation selectors fold away in the tokenizer, so the
    # first (unmodified) spelling of each emoji stands for its variants.
    return [e for e in unique(rows, tok) if abs(e[1]) >= 0.05]


def negation_entries(tok):
    words = [("not" if "'" in w or w in TOKENIZER_EXPANDS else w,) for w in NEGATE + EXTRA_NEGATIONS]
    return [w for (w,) in unique(words, tok)]


def booster_entries(tok):
    return unique(list(BOOSTERS.items()), tok)


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    vader = argv[1] if len(argv) > 1 else os.path.join(root, "..", "shared", "data", "vader")
    dest = argv[2] if len(argv) > 2 else os.path.join(root, "lib", "packs", "sentiment.xml")
    tok = tokenizer(root)
    lex = read_lexicon(os.path.join(vader, "vader_lexicon.txt"))
    words = {w.lower(): v for w, v in lex if re.fullmatch(r"[a-z']+", w.lower())}
    valence = sorted(valence_entries(lex, tok))
    emoji = emoji_entries(os.path.join(vader, "emoji_utf8_lexicon.txt"), words, tok)
    idioms = unique(sorted(IDIOMS.items()) + [(p, 0) for p in LIKE_PREPOSITION + SERVICE_NOUNS] +
                    sorted(PHRASES.items()), tok)
    boosters = booster_entries(tok)
    negations = negation_entries(tok)
    exceptions = unique(NEGATION_EXCEPTIONS, tok)

    o = []
    o.append("""<?xml version="1.0" encoding="UTF-8"?>
<!--
  sentiment.xml - GENERATED by lib/packs/gen_sentiment.py from the VADER
  lexicons in ../shared/data/vader. Do not edit by hand: change the generator
  and run `python3 lib/packs/gen_sentiment.py` from the repository root. The
  generated file is committed; building libtact does not need the data.

  Source: VADER, MIT License, Copyright (c) 2016 C.J. Hutto. Hutto, C.J. &
  Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment
  Analysis of Social Media Text. ICWSM-14. How lib/tone.c scores with these
  lexicons, and how well: docs/tone.md.

  Lexicons (format: lib/pack.h):
    sentiment.valence   words and emoticons; weight = VADER mean valence (-4..4)
    sentiment.emoji     emoji; weight = valence of the emoji's description
    sentiment.idiom     phrases whose valence replaces their words' valences
    sentiment.booster   degree adverbs; +0.293 boosts, -0.293 dampens
    sentiment.negation  negations: a valence after them is multiplied by -0.74
    sentiment.negation-exception
                        phrases holding a negation that do not negate;
                        weight = multiplier of the valence after them
    sentiment.contrast  contrastive conjunctions: before x0.5, after x1.5
    sentiment.irrealis  "if", "would", "wish": the rest of the clause counts x0.5
-->
<pack id="default-sentiment" version="1">
  <meta>
    <title>libtact sentiment lexicons (VADER)</title>
    <description>Word, emoticon and emoji valences and the rule vocabularies (boosters, dampeners, negations, idioms, contrast) of VADER, re-expressed as lexicons for the tone scores of libtact.</description>
  </meta>""")

    def block(lid, comment, entries, notes=None):
        o.append("")
        o.append("  <!-- %s -->" % comment)
        o.append("  <lexicon id=\"%s\">" % lid)
        for i, (pattern, weight) in enumerate(entries):
            note = " <!-- %s -->" % escape(notes[i]).replace("--", "- -") if notes else ""
            o.append("    <entry weight=\"%s\">%s</entry>%s" % (num(weight), escape(pattern), note))
        o.append("  </lexicon>")

    block("sentiment.valence",
          "vader_lexicon.txt: %d of %d entries (unique after normalization; plain numbers\n"
          "       and entries starting with '{' dropped)" % (len(valence), len(lex)), valence)
    block("sentiment.emoji",
          "emoji_utf8_lexicon.txt: emoji whose description scores non-zero; skin tones\n"
          "       and variation selectors fold away in the tokenizer",
          [(e, round(v, 3)) for e, v, _ in emoji], [d for _, _, d in emoji])
    block("sentiment.idiom", "VADER's SPECIAL_CASES and SENTIMENT_LADEN_IDIOMS, then tact's additions:\n"
          "       \"like\" as a preposition, the names of the service, set phrases", idioms)
    block("sentiment.booster", "VADER's BOOSTER_DICT", boosters)
    block("sentiment.negation",
          "VADER's NEGATE (the tokenizer turns n't into not), \"no\" and \"least\"",
          [(w, 1) for w in negations])
    block("sentiment.negation-exception", "VADER's never so/this, without (a) doubt, at/very least",
          exceptions)
    block("sentiment.contrast", "VADER's but", [(w, 1) for w in CONTRAST])
    block("sentiment.irrealis",
          "tact: the rest of the clause is hypothetical or wished-for; weight = multiplier",
          [(w, IRREALIS_WEIGHT) for w in IRREALIS])
    o.append("</pack>")
    with open(dest, "w", encoding="utf-8") as f:
        f.write("\n".join(o) + "\n")
    print("wrote %s: %d valence, %d emoji, %d idioms, %d boosters, %d negations"
          % (dest, len(valence), len(emoji), len(idioms), len(boosters), len(negations)))


if __name__ == "__main__":
    main(sys.argv)
