'use strict';
/**
 * tact — Node.js bindings for libtact, over its C ABI with koffi (no native
 * compile step).
 *
 * The binding stays thin, like the Python one: each call analyzes the text in
 * C (tact_analyze, or tact_review for a reply in its conversation), asks the
 * library for its JSON rendering (tact_result_json) and turns that into plain
 * objects. Spans are converted from the library's UTF-8 byte
 * offsets into JavaScript string indices (UTF-16 code units), so
 * `text.slice(m.start, m.end)` is the matched text even for emoji.
 *
 * Thread safety: an Engine is immutable once built. Calls are synchronous
 * (they run on the calling thread and block its event loop for the duration
 * of the C call). For parallelism use worker_threads: each worker requires
 * this module (koffi and libtact are loaded once per process and shared) and
 * makes its own Engine.
 */
const fs = require('fs');
const path = require('path');
const koffi = require('koffi');

const ROLES = Object.freeze({ unknown: 0, agent: 1, customer: 2 });

/** The TACT_JSON_* section bits of tact.h. */
const SECTIONS = Object.freeze({
  stats: 1 << 0,
  tokens: 1 << 1,
  sentences: 1 << 2,
  matches: 1 << 3,
  times: 1 << 4,
  promises: 1 << 5,
  tone: 1 << 6,
  complaint: 1 << 7,
  review: 1 << 8,
});

const CONFIG_REPAIR_UTF8 = 1;
const CONFIG_NO_DEFAULT_PACK = 2;

/**
 * A libtact failure: `code` (number), `status` (its name, e.g. "invalid
 * UTF-8"), `message`, and where they apply `offset` (string index into the
 * text, else null), `source` and `line` (rule packs). For Engine#review,
 * `input` says which text `offset` points into: "reply" or "customer" (else
 * null).
 */
class TactError extends Error {
  constructor(code, status, message, offset = null, source = '', line = 0, input = null) {
    super(message);
    this.name = 'TactError';
    this.code = code;
    this.status = status;
    this.offset = offset;
    this.source = source;
    this.line = line;
    this.input = input;
  }
}

// ---------------------------------------------------------------- library

function candidates() {
  const out = [];
  if (process.env.TACT_LIBRARY) out.push(process.env.TACT_LIBRARY);
  // The repository's build tree: bindings/node -> ../../build/lib.
  const inTree = path.resolve(__dirname, '..', '..', 'build', 'lib', 'libtact.so');
  if (fs.existsSync(inTree)) out.push(inTree);
  out.push('libtact.so.0'); // the system's library path
  return out;
}

function openLibrary() {
  const env = process.env.TACT_LIBRARY;
  const tried = [];
  for (const name of candidates()) {
    try {
      return { lib: koffi.load(name), name };
    } catch (e) {
      tried.push(`${name}: ${e.message}`);
      if (env && name === env) break; // an explicit choice that fails is an error
    }
  }
  throw new Error('libtact not found: set TACT_LIBRARY to the path of libtact.so, build the ' +
                  'repository (sh scripts/dev.sh demo), or install it.\n  ' + tried.join('\n  '));
}

const { lib, name: libraryPath } = openLibrary();

// Struct layouts mirror include/tact.h. Koffi registers type names once per
// process; reuse them when this module is loaded again (another worker).
function struct(name, fields) {
  try {
    return koffi.struct(name, fields);
  } catch (e) {
    return koffi.resolve ? koffi.resolve(name) : name;
  }
}
function opaque(name) {
  try {
    return koffi.opaque(name);
  } catch (e) {
    return koffi.resolve ? koffi.resolve(name) : name;
  }
}

const ErrorT = struct('tact_error', {
  code: 'int', offset: 'size_t', line: 'unsigned int', column: 'unsigned int',
  source: koffi.array('char', 128), message: koffi.array('char', 384),
});
const AllocatorT = struct('tact_allocator', {
  malloc_fn: 'void *', realloc_fn: 'void *', free_fn: 'void *', user: 'void *',
});
const ConfigT = struct('tact_config', {
  size: 'size_t', allocator: AllocatorT, max_input_bytes: 'size_t', max_pack_bytes: 'size_t',
  max_pack_depth: 'unsigned int', flags: 'unsigned int',
});
const InputT = struct('tact_input', {
  size: 'size_t', text: 'const uint8_t *', length: 'size_t', role: 'int', format: 'int',
  now: 'int64_t', time_zone: 'const char *', locale: 'const char *',
});
const ReviewContextT = struct('tact_review_context', {
  size: 'size_t', customer_name: 'const char *', profile: 'const char *',
  disable: 'const char **', n_disable: 'size_t', only: 'const char **', n_only: 'size_t',
});
opaque('tact_engine');
opaque('tact_result');

const C = {
  version_string: lib.func('const char *tact_version_string(void)'),
  status_str: lib.func('const char *tact_status_str(int status)'),
  config_init: lib.func('void tact_config_init(_Inout_ tact_config *cfg)'),
  input_init: lib.func('void tact_input_init(_Inout_ tact_input *in)'),
  engine_new: lib.func('tact_engine *tact_engine_new(const tact_config *cfg, _Out_ tact_error *err)'),
  add_pack_file: lib.func('int tact_engine_add_pack_file(tact_engine *eng, const char *path, _Out_ tact_error *err)'),
  add_pack_memory: lib.func('int tact_engine_add_pack_memory(tact_engine *eng, const uint8_t *xml, size_t length, const char *name, _Out_ tact_error *err)'),
  engine_build: lib.func('int tact_engine_build(tact_engine *eng, _Out_ tact_error *err)'),
  engine_free: lib.func('void tact_engine_free(tact_engine *eng)'),
  analyze: lib.func('tact_result *tact_analyze(tact_engine *eng, const tact_input *in, _Out_ tact_error *err)'),
  review_context_init: lib.func('void tact_review_context_init(_Inout_ tact_review_context *ctx)'),
  review: lib.func('tact_result *tact_review(tact_engine *eng, const tact_input *customer, const tact_input *reply, const tact_review_context *ctx, _Out_ tact_error *err)'),
  result_json: lib.func('void *tact_result_json(tact_result *res, unsigned int sections, _Out_ size_t *length, _Out_ tact_error *err)'),
  result_free: lib.func('void tact_result_free(tact_result *res)'),
};

// The structs above must match the header: the library's init functions
// write sizeof(struct) into `size`, which tells us at once if they differ.
(function checkLayout() {
  const cfg = {};
  const inp = {};
  const rctx = {};
  C.config_init(cfg);
  C.input_init(inp);
  C.review_context_init(rctx);
  if (Number(cfg.size) !== koffi.sizeof(ConfigT) || Number(inp.size) !== koffi.sizeof(InputT) ||
      Number(rctx.size) !== koffi.sizeof(ReviewContextT)) {
    throw new Error(`libtact at ${libraryPath} does not match these bindings (struct sizes differ: ` +
                    `tact_config ${cfg.size} vs ${koffi.sizeof(ConfigT)}, ` +
                    `tact_input ${inp.size} vs ${koffi.sizeof(InputT)}, ` +
                    `tact_review_context ${rctx.size} vs ${koffi.sizeof(ReviewContextT)})`);
  }
})();

/** The linked libtact's version string, e.g. "0.1.0". */
function libraryVersion() {
  return C.version_string();
}

// ---------------------------------------------------------------- offsets

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Encodes `text` as UTF-8 and maps byte offsets back to string indices. A
 * lone surrogate is encoded as its three-byte form (like Python's
 * "surrogatepass"), so libtact reports it as invalid UTF-8 at its offset
 * instead of it being silently replaced with U+FFFD.
 */
function encode(text) {
  if (ASCII.test(text)) return { data: Buffer.from(text, 'latin1'), map: null };
  const n = text.length;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && isLow(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  const data = Buffer.allocUnsafe(bytes);
  const map = new Uint32Array(bytes + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const start = i;
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      map[pos] = start;
      data[pos++] = c;
      continue;
    }
    let len;
    if (c < 0x800) len = 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && isLow(text.charCodeAt(i + 1))) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      len = 4;
    } else len = 3;
    for (let k = 0; k < len; k++) map[pos + k] = start;
    if (len === 2) {
      data[pos] = 0xc0 | (c >> 6);
      data[pos + 1] = 0x80 | (c & 0x3f);
    } else if (len === 3) {
      data[pos] = 0xe0 | (c >> 12);
      data[pos + 1] = 0x80 | ((c >> 6) & 0x3f);
      data[pos + 2] = 0x80 | (c & 0x3f);
    } else {
      data[pos] = 0xf0 | (c >> 18);
      data[pos + 1] = 0x80 | ((c >> 12) & 0x3f);
      data[pos + 2] = 0x80 | ((c >> 6) & 0x3f);
      data[pos + 3] = 0x80 | (c & 0x3f);
    }
    pos += len;
  }
  map[bytes] = n;
  return { data, map };
}

function isLow(c) {
  return c >= 0xdc00 && c < 0xe000;
}

// A span's start maps to the string index of the character holding that
// byte; its end to the index after the character holding byte end-1. The two
// differ only for offsets inside one character, which happens for the
// single-byte tokens of a repaired invalid sequence: its slice is then the
// offending character rather than "".
function offsetFns(data, map) {
  if (!map) return { off: (b) => b, offEnd: (b) => b };
  const len = data.length;
  return {
    off: (b) => map[b],
    offEnd: (b) => {
      while (b < len && (data[b] & 0xc0) === 0x80) b++;
      return map[b];
    },
  };
}

// ---------------------------------------------------------------- errors

const NO_OFFSET = 0xffffffffffffffffn;

function rawOffset(err) {
  return typeof err.offset === 'bigint' ? err.offset : BigInt(Math.trunc(Number(err.offset)));
}

function toError(err, data, map, input = null) {
  const code = err.code;
  let offset = null;
  const raw = rawOffset(err);
  if (data && raw !== NO_OFFSET && raw >= 0n && raw <= BigInt(data.length)) {
    offset = map ? map[Number(raw)] : Number(raw);
  }
  return new TactError(code, C.status_str(code), err.message, offset, err.source || '',
                       Number(err.line) || 0, offset === null ? null : input);
}

// ---------------------------------------------------------------- inputs

function unixSeconds(now) {
  if (now === undefined || now === null) return 0;
  if (typeof now === 'number') {
    if (!Number.isFinite(now)) throw new TypeError('now must be a finite number of Unix seconds');
    return Math.trunc(now);
  }
  if (typeof now === 'bigint') return now;
  let ms;
  if (now instanceof Date) ms = now.getTime();
  else if (typeof now === 'string') ms = Date.parse(now);
  else throw new TypeError('now must be a Date, an ISO 8601 string or Unix seconds');
  if (Number.isNaN(ms)) throw new TypeError(`now is not a valid time: ${String(now)}`);
  return Math.floor(ms / 1000);
}

function roleCode(role) {
  if (role === undefined || role === null) return 0;
  if (!Object.prototype.hasOwnProperty.call(ROLES, role)) {
    throw new TypeError(`role must be "agent", "customer" or "unknown", not ${JSON.stringify(role)}`);
  }
  return ROLES[role];
}

// ---------------------------------------------------------------- results

function span(obj, o) {
  return { start: o.off(obj.start), end: o.offEnd(obj.end) };
}

function time(d, off) {
  const s = span(d.span, off);
  return {
    kind: d.kind, start: s.start, end: s.end, text: d.text, grain: d.grain,
    minSeconds: d.min_seconds, maxSeconds: d.max_seconds, businessDays: d.business_days,
    intervalStart: new Date(d.start_unix * 1000), intervalEnd: new Date(d.end_unix * 1000),
  };
}

function tone(doc, off) {
  const t = doc.tone;
  if (!t) return null;
  return {
    scores: { ...t.scores },
    evidence: t.evidence.map((e) => {
      const s = span(e.span, off);
      return { dim: e.dim, start: s.start, end: s.end, text: e.text, source: e.source, weight: e.weight };
    }),
  };
}

function promises(doc, off) {
  return (doc.promises || []).map((p) => {
    const s = span(p.span, off);
    const tf = p.timeframe;
    return {
      start: s.start, end: s.end, text: p.text, actor: p.actor, action: p.action,
      object: p.object, certainty: p.certainty, condition: p.condition,
      timeframe: !tf || tf.kind === 'none' ? null : time(tf, off), flags: p.flags,
    };
  });
}

function complaint(doc, off) {
  const c = doc.complaint;
  if (!c) return null;
  const threat = (t) => (t ? { ...span(t.span, off), text: t.text } : null);
  return {
    isComplaint: c.is_complaint, probability: c.probability,
    categories: c.categories.map((x) => ({ name: x.name, score: x.score })),
    requestedOutcome: c.requested_outcome,
    escalation: threat(c.threats.escalation), churn: threat(c.threats.churn),
    public: threat(c.threats.public), anger: c.anger, severity: c.severity,
  };
}

function finding(f, off) {
  const hasSpan = typeof f.start === 'number';
  const fx = f.fix;
  return {
    rule: f.rule, kind: f.kind, severity: f.severity,
    start: hasSpan ? off.off(f.start) : null, end: hasSpan ? off.offEnd(f.end) : null,
    text: hasSpan ? f.text : null,
    evidence: f.evidence, message: f.message, suggestion: f.suggestion, confidence: f.confidence,
    fix: fx ? { ...span(fx, off), replacement: fx.replacement } : null,
  };
}

// An optional string argument for a C string: null/undefined stay null.
function cString(value, what) {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  if (value.includes('\0')) throw new TypeError(`${what} must not contain NUL`);
  return value;
}

// A list of rule ids: an array (or other iterable) of strings, not one string.
function ruleIds(values, what) {
  if (values === undefined || values === null) return [];
  if (typeof values === 'string' || typeof values[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what} must be an array of rule ids`);
  }
  return Array.from(values, (v) => cString(v, `each ${what} rule id`) ?? '');
}

// The JSON text of a result: `length` bytes at `ptr`, decoded before the
// result is freed. koffi.view() maps the memory without a size limit.
function readUtf8(ptr, length) {
  if (length === 0) return '';
  if (typeof koffi.view === 'function') {
    return Buffer.from(koffi.view(ptr, length), 0, length).toString('utf8');
  }
  return koffi.decode(ptr, 'char', length); // older koffi: limited to 64 MiB
}

// ---------------------------------------------------------------- engine

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => C.engine_free(handle)) : null;

/**
 * The default rule pack plus any `packs` (file paths, or XML strings starting
 * with '<'), layered in order. Immutable once made; share it.
 */
class Engine {
  constructor(options = {}) {
    const { packs = [], repair = false, maxInputBytes, defaultPack = true } = options || {};
    if (typeof packs === 'string' || !packs || typeof packs[Symbol.iterator] !== 'function') {
      throw new TypeError('packs must be an array of file paths or XML strings');
    }
    const cfg = {};
    C.config_init(cfg);
    cfg.flags = (repair ? CONFIG_REPAIR_UTF8 : 0) | (defaultPack ? 0 : CONFIG_NO_DEFAULT_PACK);
    if (maxInputBytes) {
      if (!Number.isInteger(maxInputBytes) || maxInputBytes < 0) {
        throw new TypeError('maxInputBytes must be a positive integer');
      }
      cfg.max_input_bytes = maxInputBytes;
    }
    const err = {};
    const handle = C.engine_new(cfg, err);
    if (!handle) throw toError(err);
    try {
      for (const pack of packs) {
        if (typeof pack !== 'string') throw new TypeError('each pack must be a file path or an XML string');
        let st;
        if (pack.trimStart().startsWith('<')) {
          const data = Buffer.from(pack, 'utf8');
          st = C.add_pack_memory(handle, data, data.length, '(node)', err);
        } else {
          st = C.add_pack_file(handle, pack, err);
        }
        if (st) throw toError(err);
      }
      if (C.engine_build(handle, err)) throw toError(err);
    } catch (e) {
      C.engine_free(handle);
      throw e;
    }
    this._handle = handle;
    if (registry) registry.register(this, handle, this);
  }

  /** Frees the engine now (it is also freed when garbage-collected). */
  close() {
    const handle = this._handle;
    this._handle = null;
    if (handle) {
      if (registry) registry.unregister(this);
      C.engine_free(handle);
    }
  }

  /** `using engine = new Engine()` (explicit resource management). */
  [Symbol.dispose || Symbol.for('Symbol.dispose')]() {
    this.close();
  }

  _input(text, role, opts, what = 'text') {
    if (typeof text !== 'string') throw new TypeError(`${what} must be a string`);
    const { now, tz, locale } = opts || {};
    const { data, map } = encode(text);
    const inp = {};
    C.input_init(inp);
    inp.text = data;
    inp.length = data.length;
    inp.role = roleCode(role);
    inp.now = unixSeconds(now);
    inp.time_zone = tz || null;
    inp.locale = locale || null;
    return { inp, data, map };
  }

  _checkOpen() {
    if (!this._handle) throw new Error('engine is closed');
  }

  // The JSON of `res` as an object; frees `res`.
  static _render(res, sections) {
    const err = {};
    try {
      const length = [0];
      const ptr = C.result_json(res, sections, length, err);
      if (!ptr) throw toError(err);
      return JSON.parse(readUtf8(ptr, Number(length[0])));
    } finally {
      C.result_free(res);
    }
  }

  _json(text, sections, role, opts) {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    this._checkOpen();
    const { inp, data, map } = this._input(text, role, opts);
    const err = {};
    const res = C.analyze(this._handle, inp, err);
    if (!res) throw toError(err, data, map);
    return { doc: Engine._render(res, sections), off: offsetFns(data, map) };
  }

  /**
   * Everything libtact finds in `text`. `role` is "agent" or "customer";
   * `now` (Date, ISO string or Unix seconds), `tz` (IANA name or offset) and
   * `locale` ("en-GB") anchor time expressions.
   */
  analyze(text, options = {}) {
    const { role, now, tz, locale } = options || {};
    const { doc, off } = this._json(text, 0, role, { now, tz, locale });
    return {
      text,
      stats: doc.stats,
      tokens: doc.tokens.map((t) => ({
        ...span(t, off), kind: t.kind, text: t.text, norm: t.norm,
        sentence: t.sentence, flags: t.flags,
      })),
      sentences: doc.sentences.map((s) => span(s, off)),
      matches: doc.matches.map((m) => ({
        ...span(m, off), lexicon: m.lexicon, entry: m.entry, weight: m.weight,
      })),
      tone: tone(doc, off),
      times: (doc.times || []).map((t) => time(t, off)),
      promises: promises(doc, off),
      complaint: complaint(doc, off),
    };
  }

  /** Tone scores (sentiment, politeness, empathy, ...) with evidence. */
  tone(text, options = {}) {
    const { role } = options || {};
    const { doc, off } = this._json(text, SECTIONS.tone, role, null);
    return tone(doc, off);
  }

  /** Complaint classification of a customer message. */
  classify(text) {
    const { doc, off } = this._json(text, SECTIONS.complaint | SECTIONS.tone, 'customer', null);
    return complaint(doc, off);
  }

  /** The commitments in `text` with their timeframes and policy flags. */
  promises(text, options = {}) {
    const { now, tz, locale } = options || {};
    const { doc, off } = this._json(text, SECTIONS.times | SECTIONS.promises, 'agent',
                                    { now, tz, locale });
    return promises(doc, off);
  }

  /**
   * Reviews the agent's `reply` against the packs' do's and don'ts, answering
   * the customer's message `customer` (omit it when unknown). `name` is the
   * customer's name (else looked for in their message); `profile` a pack
   * profile; `disable` rule ids not to run; `only` (when not empty) the rule
   * ids to run; `now`, `tz` and `locale` anchor time expressions in both
   * texts. An unknown profile or rule id throws TactError ("invalid
   * argument").
   */
  review(reply, options = {}) {
    const {
      customer, name, profile, disable, only, now, tz, locale,
    } = options || {};
    if (typeof reply !== 'string') throw new TypeError('reply must be a string');
    if (customer !== undefined && customer !== null && typeof customer !== 'string') {
      throw new TypeError('customer must be a string');
    }
    this._checkOpen();
    const when = { now, tz, locale };
    const r = this._input(reply, 'agent', when, 'reply');
    const c = typeof customer === 'string' ? this._input(customer, 'customer', when, 'customer') : null;
    const ctx = {};
    C.review_context_init(ctx);
    ctx.customer_name = cString(name, 'name');
    ctx.profile = cString(profile, 'profile');
    const dis = ruleIds(disable, 'disable');
    const ony = ruleIds(only, 'only');
    ctx.disable = dis.length ? dis : null;
    ctx.n_disable = dis.length;
    ctx.only = ony.length ? ony : null;
    ctx.n_only = ony.length;
    const err = {};
    const res = C.review(this._handle, c ? c.inp : null, r.inp, ctx, err);
    if (!res) {
      // An offset points into the text that failed; the customer's message
      // is analyzed first, so if it fails alone it is that one.
      if (c && rawOffset(err) !== NO_OFFSET) {
        const cerr = {};
        const cres = C.analyze(this._handle, c.inp, cerr);
        if (!cres) throw toError(err, c.data, c.map, 'customer');
        C.result_free(cres);
      }
      throw toError(err, r.data, r.map, 'reply');
    }
    const doc = Engine._render(res, SECTIONS.review | SECTIONS.tone | SECTIONS.promises |
                                    SECTIONS.times);
    const off = offsetFns(r.data, r.map);
    const cu = doc.customer;
    const coff = c ? offsetFns(c.data, c.map) : null;
    return {
      text: reply,
      score: doc.review.score,
      findings: doc.review.findings.map((f) => finding(f, off)),
      customer: cu ? complaint(cu, coff) : null,
      customerTone: cu ? tone(cu, coff) : null,
      tone: tone(doc, off),
      times: (doc.times || []).map((t) => time(t, off)),
      promises: promises(doc, off),
    };
  }
}

module.exports = { Engine, TactError, libraryVersion, libraryPath, ROLES, SECTIONS };
