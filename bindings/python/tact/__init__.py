"""tact — Python bindings for libtact, over its C ABI with ctypes.

The binding stays thin: each call analyzes the text in C (``tact_analyze``,
or ``tact_review`` for a reply in its conversation), asks the library for its
JSON rendering and turns that into dataclasses. Spans are converted
from the library's byte offsets into ``str`` indices, so ``text[m.start:m.end]``
is the matched text even for non-ASCII input.

Thread safety: an ``Engine`` is immutable once built and may be shared by
any number of threads; every call makes and frees its own result. ctypes
releases the GIL during the C call, so threads really run in parallel.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import datetime as _dt
import json
import os
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

__all__ = [
    "Engine", "Error", "Analysis", "Token", "Sentence", "Match", "Tone", "Evidence",
    "TimeExpression", "Promise", "Complaint", "Threat", "Review", "Finding", "Fix",
    "library_version",
]

ROLES = {None: 0, "unknown": 0, "agent": 1, "customer": 2}


class Error(Exception):
    """A libtact failure: ``code`` (int), ``status`` (its name), ``message``,
    and where it applies ``offset`` (str index into the text), ``source`` and
    ``line`` (rule packs). For ``Engine.review`` ``input`` says which text
    ``offset`` points into: "reply" or "customer" (else None)."""

    def __init__(self, code: int, status: str, message: str, offset: Optional[int] = None,
                 source: str = "", line: int = 0, input: Optional[str] = None):
        super().__init__(message)
        self.code, self.status, self.message = code, status, message
        self.offset, self.source, self.line = offset, source, line
        self.input = input


class _Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("offset", ctypes.c_size_t), ("line", ctypes.c_uint),
                ("column", ctypes.c_uint), ("source", ctypes.c_char * 128),
                ("message", ctypes.c_char * 384)]


class _Allocator(ctypes.Structure):
    _fields_ = [("malloc_fn", ctypes.c_void_p), ("realloc_fn", ctypes.c_void_p),
                ("free_fn", ctypes.c_void_p), ("user", ctypes.c_void_p)]


class _Config(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("allocator", _Allocator),
                ("max_input_bytes", ctypes.c_size_t), ("max_pack_bytes", ctypes.c_size_t),
                ("max_pack_depth", ctypes.c_uint), ("flags", ctypes.c_uint)]


class _Input(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("text", ctypes.c_char_p), ("length", ctypes.c_size_t),
                ("role", ctypes.c_int), ("format", ctypes.c_int), ("now", ctypes.c_int64),
                ("time_zone", ctypes.c_char_p), ("locale", ctypes.c_char_p)]


class _ReviewContext(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("customer_name", ctypes.c_char_p),
                ("profile", ctypes.c_char_p), ("disable", ctypes.POINTER(ctypes.c_char_p)),
                ("n_disable", ctypes.c_size_t), ("only", ctypes.POINTER(ctypes.c_char_p)),
                ("n_only", ctypes.c_size_t)]


_NO_OFFSET = ctypes.c_size_t(-1).value
_CONFIG_REPAIR_UTF8 = 1
_CONFIG_NO_DEFAULT_PACK = 2


def _find_library() -> str:
    env = os.environ.get("TACT_LIBRARY")
    if env:
        return env
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
    for build in ("build", "build-asan"):
        candidate = os.path.join(root, build, "lib", "libtact.so")
        if os.path.exists(candidate):
            return candidate
    found = ctypes.util.find_library("tact")
    if found:
        return found
    raise OSError("libtact not found: set TACT_LIBRARY to the path of libtact.so, "
                  "build the repository (sh scripts/dev.sh demo), or install it")


def _load():
    lib = ctypes.CDLL(_find_library())
    P, E = ctypes.c_void_p, ctypes.POINTER(_Error)
    sig = {
        "tact_version_string": ([], ctypes.c_char_p),
        "tact_status_str": ([ctypes.c_int], ctypes.c_char_p),
        "tact_config_init": ([ctypes.POINTER(_Config)], None),
        "tact_input_init": ([ctypes.POINTER(_Input)], None),
        "tact_engine_new": ([ctypes.POINTER(_Config), E], P),
        "tact_engine_add_pack_file": ([P, ctypes.c_char_p, E], ctypes.c_int),
        "tact_engine_add_pack_memory": ([P, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, E],
                                        ctypes.c_int),
        "tact_engine_build": ([P, E], ctypes.c_int),
        "tact_engine_free": ([P], None),
        "tact_analyze": ([P, ctypes.POINTER(_Input), E], P),
        "tact_review_context_init": ([ctypes.POINTER(_ReviewContext)], None),
        "tact_review": ([P, ctypes.POINTER(_Input), ctypes.POINTER(_Input),
                         ctypes.POINTER(_ReviewContext), E], P),
        "tact_result_json": ([P, ctypes.c_uint, ctypes.POINTER(ctypes.c_size_t), E], P),
        "tact_result_free": ([P], None),
    }
    for name, (args, res) in sig.items():
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, res
    # The structs above must match the header: the library's init functions
    # write sizeof(struct) into `size`, which tells us at once if they differ.
    cfg, inp, rctx = _Config(), _Input(), _ReviewContext()
    lib.tact_config_init(ctypes.byref(cfg))
    lib.tact_input_init(ctypes.byref(inp))
    lib.tact_review_context_init(ctypes.byref(rctx))
    if (cfg.size != ctypes.sizeof(_Config) or inp.size != ctypes.sizeof(_Input)
            or rctx.size != ctypes.sizeof(_ReviewContext)):
        raise OSError("libtact at %s does not match these bindings (struct sizes differ)" % lib._name)
    return lib


_lib = _load()


def library_version() -> str:
    """The linked libtact's version string, e.g. "0.1.0"."""
    return _lib.tact_version_string().decode()


class _Offsets:
    """Maps byte offsets of the UTF-8 encoding of ``text`` to str indices."""

    def __init__(self, text: str, data: bytes):
        self._ascii = len(data) == len(text)
        if not self._ascii:
            index = [0] * (len(data) + 1)
            pos = 0
            for i, ch in enumerate(text):
                n = len(ch.encode("utf-8", "surrogatepass"))
                for k in range(n):
                    index[pos + k] = i
                pos += n
            index[pos] = len(text)
            self._index = index

    def __call__(self, byte_offset: int) -> int:
        return byte_offset if self._ascii else self._index[byte_offset]


def _raise(err: _Error, offsets: Optional[_Offsets] = None, input: Optional[str] = None):
    code = err.code
    offset = None
    if err.offset != _NO_OFFSET and offsets is not None:
        try:
            offset = offsets(err.offset)
        except IndexError:
            offset = None
    raise Error(code, _lib.tact_status_str(code).decode(), err.message.decode("utf-8", "replace"),
                offset, err.source.decode("utf-8", "replace"), err.line,
                input if offset is not None else None)


@dataclass
class Token:
    start: int
    end: int
    kind: str
    text: str
    norm: str
    sentence: int
    flags: List[str]


@dataclass
class Sentence:
    start: int
    end: int


@dataclass
class Match:
    start: int
    end: int
    lexicon: str
    entry: str
    weight: float


@dataclass
class Evidence:
    dim: str
    start: int
    end: int
    text: str
    source: str
    weight: float


@dataclass
class Tone:
    scores: Dict[str, float]
    evidence: List[Evidence]


@dataclass
class TimeExpression:
    kind: str
    start: int
    end: int
    text: str
    grain: str
    min_seconds: int
    max_seconds: int
    business_days: int
    interval_start: _dt.datetime
    interval_end: _dt.datetime


@dataclass
class Promise:
    start: int
    end: int
    text: str
    actor: str
    action: str
    object: Optional[str]
    certainty: str
    condition: Optional[str]
    timeframe: Optional[TimeExpression]
    flags: List[str]


@dataclass
class Threat:
    start: int
    end: int
    text: str


@dataclass
class Complaint:
    is_complaint: bool
    probability: float
    categories: List[tuple]          # (name, score), best first
    requested_outcome: str
    escalation: Optional[Threat]
    churn: Optional[Threat]
    public: Optional[Threat]
    anger: float
    severity: int


@dataclass
class Analysis:
    text: str
    stats: Dict[str, float]
    tokens: List[Token]
    sentences: List[Sentence]
    matches: List[Match]
    tone: Optional[Tone] = None
    times: List[TimeExpression] = field(default_factory=list)
    promises: List[Promise] = field(default_factory=list)
    complaint: Optional[Complaint] = None


@dataclass
class Fix:
    """A machine-readable fix: put ``replacement`` in place of
    ``reply[start:end]`` ("" deletes it)."""
    start: int
    end: int
    replacement: str


@dataclass
class Finding:
    """One finding of a review. ``kind`` is "violation" (a don't is present),
    "missing" (a do was owed and is absent) or "good" (a do is present);
    ``severity`` is "info", "warning" or "error". ``span`` is the (start, end)
    str indices into the reply, so ``reply[start:end] == text``; None (and
    ``text`` None) when the finding has no span (a missing do, a
    whole-message limit)."""
    rule: str
    kind: str
    severity: str
    span: Optional[Tuple[int, int]]
    text: Optional[str]
    evidence: str
    message: str
    suggestion: str
    confidence: float
    fix: Optional[Fix] = None

    @property
    def start(self) -> Optional[int]:
        return self.span[0] if self.span else None

    @property
    def end(self) -> Optional[int]:
        return self.span[1] if self.span else None


@dataclass
class Review:
    """An agent's reply reviewed in its conversation: ``score`` 0..100, the
    ``findings`` in reply order (those without a span last), the analysis of
    the customer's message (``customer``, the classification ``classify``
    gives, and ``customer_tone``; both None without a customer message) and
    the reply's own ``tone``, ``times`` and ``promises``."""
    text: str
    score: int
    findings: List[Finding]
    customer: Optional[Complaint] = None
    customer_tone: Optional[Tone] = None
    tone: Optional[Tone] = None
    times: List[TimeExpression] = field(default_factory=list)
    promises: List[Promise] = field(default_factory=list)


def _unix(now) -> int:
    if now is None:
        return 0
    if isinstance(now, (int, float)):
        return int(now)
    if isinstance(now, str):
        now = _dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
    if isinstance(now, _dt.datetime):
        if now.tzinfo is None:
            now = now.replace(tzinfo=_dt.timezone.utc)
        return int(now.timestamp())
    raise TypeError("now must be a datetime, an ISO 8601 string or Unix seconds")


def _time(d: dict, off: _Offsets) -> TimeExpression:
    utc = _dt.timezone.utc
    return TimeExpression(d["kind"], off(d["span"]["start"]), off(d["span"]["end"]), d["text"],
                          d["grain"], d["min_seconds"], d["max_seconds"], d["business_days"],
                          _dt.datetime.fromtimestamp(d["start_unix"], utc),
                          _dt.datetime.fromtimestamp(d["end_unix"], utc))


class Engine:
    """The default rule pack plus any ``packs`` (file paths, or XML strings
    starting with '<'), layered in order. Immutable once made; share it."""

    def __init__(self, packs: Sequence[str] = (), repair: bool = False,
                 max_input_bytes: Optional[int] = None, default_pack: bool = True):
        cfg = _Config()
        _lib.tact_config_init(ctypes.byref(cfg))
        cfg.flags = (_CONFIG_REPAIR_UTF8 if repair else 0) | (0 if default_pack else _CONFIG_NO_DEFAULT_PACK)
        if max_input_bytes:
            cfg.max_input_bytes = max_input_bytes
        err = _Error()
        handle = _lib.tact_engine_new(ctypes.byref(cfg), ctypes.byref(err))
        if not handle:
            _raise(err)
        try:
            for pack in packs:
                if pack.lstrip().startswith("<"):
                    data = pack.encode("utf-8")
                    st = _lib.tact_engine_add_pack_memory(handle, data, len(data), b"(python)",
                                                          ctypes.byref(err))
                else:
                    st = _lib.tact_engine_add_pack_file(handle, os.fsencode(pack), ctypes.byref(err))
                if st:
                    _raise(err)
            if _lib.tact_engine_build(handle, ctypes.byref(err)):
                _raise(err)
        except BaseException:
            _lib.tact_engine_free(handle)
            raise
        self._handle = handle

    def close(self) -> None:
        """Frees the engine now (it is also freed when garbage-collected)."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            _lib.tact_engine_free(handle)

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _input(self, text: str, role, now, tz, locale, what: str = "text"):
        if not isinstance(text, str):
            raise TypeError("%s must be str" % what)
        data = text.encode("utf-8", "surrogatepass")
        inp = _Input()
        _lib.tact_input_init(ctypes.byref(inp))
        inp.text, inp.length = data, len(data)
        inp.role = ROLES[role]
        inp.now = _unix(now)
        inp.time_zone = tz.encode() if tz else None
        inp.locale = locale.encode() if locale else None
        return inp, _Offsets(text, data)

    def _check_open(self):
        if not self._handle:
            raise ValueError("engine is closed")

    def _render(self, res, sections: int) -> dict:
        """The JSON of ``res`` as a dict; frees ``res``."""
        err = _Error()
        try:
            length = ctypes.c_size_t()
            ptr = _lib.tact_result_json(res, sections, ctypes.byref(length), ctypes.byref(err))
            if not ptr:
                _raise(err)
            return json.loads(ctypes.string_at(ptr, length.value).decode("utf-8"))
        finally:
            _lib.tact_result_free(res)

    def _json(self, text: str, sections: int, role, now, tz, locale):
        inp, offsets = self._input(text, role, now, tz, locale)
        self._check_open()
        err = _Error()
        res = _lib.tact_analyze(self._handle, ctypes.byref(inp), ctypes.byref(err))
        if not res:
            _raise(err, offsets)
        return self._render(res, sections), offsets

    def analyze(self, text: str, role: Optional[str] = None, now=None, tz: Optional[str] = None,
                locale: Optional[str] = None) -> Analysis:
        """Everything libtact finds in ``text``. ``role`` is "agent" or
        "customer"; ``now`` (datetime, ISO string or Unix seconds), ``tz``
        (IANA name or offset) and ``locale`` ("en-GB") anchor time expressions."""
        doc, off = self._json(text, 0, role, now, tz, locale)
        return Analysis(
            text=text,
            stats=doc["stats"],
            tokens=[Token(off(t["start"]), off(t["end"]), t["kind"], t["text"], t["norm"],
                          t["sentence"], t["flags"]) for t in doc["tokens"]],
            sentences=[Sentence(off(s["start"]), off(s["end"])) for s in doc["sentences"]],
            matches=[Match(off(m["start"]), off(m["end"]), m["lexicon"], m["entry"], m["weight"])
                     for m in doc["matches"]],
            tone=_tone(doc, off),
            times=[_time(t, off) for t in doc.get("times", [])],
            promises=_promises(doc, off),
            complaint=_complaint(doc, off),
        )

    def tone(self, text: str, role: Optional[str] = None) -> Tone:
        """Tone scores (sentiment, politeness, empathy, ...) with evidence."""
        doc, off = self._json(text, 1 << 6, role, None, None, None)
        return _tone(doc, off)

    def classify(self, text: str) -> Complaint:
        """Complaint classification of a customer message."""
        doc, off = self._json(text, (1 << 7) | (1 << 6), "customer", None, None, None)
        return _complaint(doc, off)

    def promises(self, text: str, now=None, tz: Optional[str] = None,
                 locale: Optional[str] = None) -> List[Promise]:
        """The commitments in ``text`` with their timeframes and policy flags."""
        doc, off = self._json(text, (1 << 4) | (1 << 5), "agent", now, tz, locale)
        return _promises(doc, off)

    def review(self, reply: str, customer: Optional[str] = None, name: Optional[str] = None,
               now=None, profile: Optional[str] = None, disable: Iterable[str] = (),
               only: Iterable[str] = (), tz: Optional[str] = None,
               locale: Optional[str] = None) -> Review:
        """Reviews the agent's ``reply`` against the packs' do's and don'ts,
        answering the ``customer``'s message (None when unknown). ``name`` is
        the customer's name (None: looked for in their message); ``profile``
        a pack profile ("chat", "email", ...); ``disable`` rule ids not to
        run; ``only`` (when not empty) the rule ids to run. ``now``, ``tz``
        and ``locale`` anchor time expressions in both texts, as for
        ``analyze``. An unknown profile or rule id raises ``Error``
        ("invalid argument")."""
        rin, roff = self._input(reply, "agent", now, tz, locale, "reply")
        cin = coff = None
        if customer is not None:
            cin, coff = self._input(customer, "customer", now, tz, locale, "customer")
        ctx = _ReviewContext()
        _lib.tact_review_context_init(ctypes.byref(ctx))
        ctx.customer_name = _cstr(name, "name")
        ctx.profile = _cstr(profile, "profile")
        dis, ctx.n_disable = _cstrs(disable, "disable")
        ony, ctx.n_only = _cstrs(only, "only")
        ctx.disable = ctypes.cast(dis, ctypes.POINTER(ctypes.c_char_p))
        ctx.only = ctypes.cast(ony, ctypes.POINTER(ctypes.c_char_p))
        self._check_open()
        err = _Error()
        res = _lib.tact_review(self._handle, ctypes.byref(cin) if cin is not None else None,
                               ctypes.byref(rin), ctypes.byref(ctx), ctypes.byref(err))
        if not res:
            # An offset points into the text that failed; the customer's
            # message is analyzed first, so if it fails alone it is that one.
            if err.offset != _NO_OFFSET and cin is not None:
                cerr = _Error()
                cres = _lib.tact_analyze(self._handle, ctypes.byref(cin), ctypes.byref(cerr))
                if not cres:
                    _raise(err, coff, "customer")
                _lib.tact_result_free(cres)
            _raise(err, roff, "reply")
        doc = self._render(res, (1 << 8) | (1 << 6) | (1 << 5) | (1 << 4))
        rv, cu = doc["review"], doc["customer"]
        return Review(
            text=reply,
            score=rv["score"],
            findings=[_finding(f, roff) for f in rv["findings"]],
            customer=_complaint(cu, coff) if cu else None,
            customer_tone=_tone(cu, coff) if cu else None,
            tone=_tone(doc, roff),
            times=[_time(t, roff) for t in doc.get("times", [])],
            promises=_promises(doc, roff),
        )


def _cstr(value: Optional[str], what: str) -> Optional[bytes]:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("%s must be str" % what)
    if "\0" in value:
        raise ValueError("%s must not contain NUL" % what)
    return value.encode("utf-8")


def _cstrs(values: Iterable[str], what: str):
    """A C array of the rule ids in ``values`` and its length."""
    if values is None:
        values = ()
    if isinstance(values, (str, bytes)):
        raise TypeError("%s must be a sequence of rule ids, not a single string" % what)
    ids = [_cstr(v, what + " item") for v in values]
    if not ids:
        return None, 0
    return (ctypes.c_char_p * len(ids))(*ids), len(ids)


def _finding(f: dict, off: _Offsets) -> Finding:
    span = (off(f["start"]), off(f["end"])) if "start" in f else None
    fix = f.get("fix")
    return Finding(f["rule"], f["kind"], f["severity"], span, f.get("text"), f["evidence"],
                   f["message"], f["suggestion"], f["confidence"],
                   Fix(off(fix["start"]), off(fix["end"]), fix["replacement"]) if fix else None)


def _tone(doc: dict, off: _Offsets) -> Optional[Tone]:
    t = doc.get("tone")
    if t is None:
        return None
    return Tone(dict(t["scores"]),
                [Evidence(e["dim"], off(e["span"]["start"]), off(e["span"]["end"]), e["text"],
                          e["source"], e["weight"]) for e in t["evidence"]])


def _promises(doc: dict, off: _Offsets) -> List[Promise]:
    out = []
    for p in doc.get("promises", []):
        tf = p["timeframe"]
        out.append(Promise(off(p["span"]["start"]), off(p["span"]["end"]), p["text"], p["actor"],
                           p["action"], p["object"], p["certainty"], p["condition"],
                           None if tf["kind"] == "none" else _time(tf, off), p["flags"]))
    return out


def _complaint(doc: dict, off: _Offsets) -> Optional[Complaint]:
    c = doc.get("complaint")
    if not c:
        return None

    def threat(t):
        return t and Threat(off(t["span"]["start"]), off(t["span"]["end"]), t["text"])

    th = c["threats"]
    return Complaint(c["is_complaint"], c["probability"],
                     [(x["name"], x["score"]) for x in c["categories"]], c["requested_outcome"],
                     threat(th["escalation"]), threat(th["churn"]), threat(th["public"]),
                     c["anger"], c["severity"])
