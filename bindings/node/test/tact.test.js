'use strict';
// Tests of the Node binding against the built libtact (TACT_LIBRARY or the
// build tree): spans as string indices, errors, packs, time zones, classify.
// They mirror bindings/python/tests/test_tact.py.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const tact = require('..');

const ROOT = path.resolve(__dirname, '..', '..', '..');
let engine;

before(() => {
  engine = new tact.Engine();
});
after(() => {
  engine.close();
});

test('version', () => {
  assert.equal(tact.libraryVersion().split('.').length, 3);
});

test('spans are string indices for non-ASCII and emoji', () => {
  const text = '😊 We’ll refund you — sorry, Mr. O’Neil! 👍🏽 Danke schön 🇩🇪';
  const r = engine.analyze(text);
  assert.deepEqual(r.tokens.map((t) => t.text), r.tokens.map((t) => text.slice(t.start, t.end)));
  const norms = r.tokens.map((t) => t.norm);
  assert.deepEqual(norms.slice(0, 4), ['😊', 'we', 'will', 'refund']);
  assert.ok(norms.includes("o'neil"));
  const emoji = r.tokens.filter((t) => t.kind === 'emoji').map((t) => text.slice(t.start, t.end));
  assert.deepEqual(emoji, ['😊', '👍🏽', '🇩🇪']);
  for (const m of r.matches) assert.ok(0 <= m.start && m.start < m.end && m.end <= text.length);
  assert.equal(r.sentences.at(-1).end, text.length);
  assert.equal(r.stats.bytes, Buffer.byteLength(text));
});

test('matches slice the text', () => {
  const text = 'Unfortunately we can’t refund this — you should have read the policy.';
  const r = engine.analyze(text);
  const found = new Set(r.matches.map((m) => `${m.lexicon}|${text.slice(m.start, m.end)}`));
  assert.ok(found.has('say-no|we can’t'));
  assert.ok(found.has('blame-customer|you should have read'));
});

test('invalid input throws TactError with a string offset', () => {
  let err = catchError(() => engine.analyze('ok \ud800 bad')); // a lone surrogate is not UTF-8
  assert.ok(err instanceof tact.TactError && err instanceof Error);
  assert.equal(err.status, 'invalid UTF-8');
  assert.equal(err.code, 3);
  assert.equal(err.offset, 3);
  err = catchError(() => engine.analyze('a\x00b'));
  assert.equal(err.status, 'unusable input');
  assert.equal(err.offset, 1);
  err = catchError(() => engine.analyze('😊é\x00')); // byte offset 6, string index 3
  assert.equal(err.offset, 3);
  assert.throws(() => engine.analyze(Buffer.from('bytes')), TypeError);
  assert.throws(() => engine.analyze('hi', { role: 'boss' }), TypeError);
  assert.throws(() => engine.promises('soon', { now: 'not a date' }), TypeError);
});

test('company pack changes matches', () => {
  const pack = path.join(ROOT, 'tests', 'data', 'cli', 'company.xml');
  let e = new tact.Engine({ packs: [pack] });
  const lex = new Set(e.analyze('Our FluxCapacitor is down.').matches.map((m) => m.lexicon));
  e.close();
  assert.ok(lex.has('acme-jargon'));
  const inline = '<pack id="x" version="1"><lexicon id="mine"><entry>hello~</entry></lexicon></pack>';
  e = new tact.Engine({ packs: [inline], defaultPack: false });
  assert.deepEqual(e.analyze('Hellos!').matches.map((m) => m.lexicon), ['mine']);
  e.close();
});

test('bad pack throws with its line', () => {
  const bad = '<pack id="x" version="1">\n<lexicon id="BAD ID"/></pack>';
  let err = catchError(() => new tact.Engine({ packs: [bad] }));
  assert.ok(err instanceof tact.TactError);
  assert.equal(err.status, 'invalid rule pack');
  assert.equal(err.line, 2);
  assert.equal(err.source, '(node)');
  assert.equal(err.offset, null);
  err = catchError(() => new tact.Engine({ packs: ['/nonexistent/pack.xml'] }));
  assert.equal(err.status, 'cannot read file');
  assert.equal(err.source, '/nonexistent/pack.xml');
});

test('limits and repair', () => {
  let e = new tact.Engine({ maxInputBytes: 8 });
  const err = catchError(() => e.analyze('123456789'));
  assert.equal(err.status, 'limit exceeded');
  assert.equal(e.analyze('12345678').tokens.length, 1);
  e.close();
  e = new tact.Engine({ repair: true });
  const text = 'ok \ud800 bad';
  const r = e.analyze(text);
  // Each invalid byte is its own U+FFFD token; inside one JS character, each
  // token's slice is that whole character.
  assert.deepEqual(r.tokens.map((t) => text.slice(t.start, t.end)),
                   ['ok', '\ud800', '\ud800', '\ud800', 'bad']);
  assert.deepEqual(r.tokens.map((t) => t.norm), ['ok', '\ufffd', '\ufffd', '\ufffd', 'bad']);
  assert.equal(r.stats.repaired_bytes, 3);
  e.close();
});

test('closed engine', () => {
  const e = new tact.Engine();
  e.close();
  e.close(); // twice is fine
  assert.throws(() => e.analyze('hi'), /engine is closed/);
});

test('tone scores and evidence spans', () => {
  const text = 'I’m so sorry — I understand how frustrating this is 😞';
  const tone = engine.tone(text);
  assert.ok(tone.scores.empathy > 0.3);
  for (const k of ['sentiment', 'politeness', 'anger', 'readability']) assert.ok(k in tone.scores);
  assert.ok(tone.evidence.length > 0);
  for (const e of tone.evidence) assert.equal(text.slice(e.start, e.end), e.text);
  assert.ok(tone.evidence.some((e) => e.text === '😞'));
});

test('promises with time zones', () => {
  const text = 'We’ll refund you within 3 business days, and I will call you back tomorrow at 10am.';
  const ps = engine.promises(text, { now: '2026-03-06T16:00:00Z' });
  assert.deepEqual(ps.map((p) => [p.action, p.actor, p.certainty]),
                   [['refund', 'we', 'firm'], ['callback', 'i', 'firm']]);
  assert.equal(ps[0].timeframe.intervalEnd.toISOString(), '2026-03-11T16:00:00.000Z');
  assert.equal(ps[0].timeframe.businessDays, 3);
  assert.equal(text.slice(ps[1].start, ps[1].end), ps[1].text);
  assert.equal(text.slice(ps[1].timeframe.start, ps[1].timeframe.end), 'tomorrow at 10am');
  const line = "I'll call you back tomorrow at 10am.";
  const opts = { tz: 'Europe/Berlin' };
  for (const now of ['2026-03-06T16:00:00Z', new Date('2026-03-06T16:00:00Z'), 1772812800]) {
    const berlin = engine.promises(line, { ...opts, now });
    assert.equal(berlin[0].timeframe.intervalEnd.toISOString(), '2026-03-07T09:00:00.000Z');
  }
  const err = catchError(() => engine.promises('soon', { tz: 'Nowhere/Atlantis' }));
  assert.equal(err.status, 'invalid argument');
  const none = engine.promises('We will look into it.', { now: 0 });
  assert.equal(none[0].timeframe, null);
  assert.ok(none[0].flags.includes('no-timeframe'));
});

test('classify the acceptance example', () => {
  const text = 'I want my money back. This phone is garbage and I bought it a month ago. If I don’t get ' +
               'a refund I’m posting this everywhere and switching to another carrier!';
  const c = engine.classify(text);
  assert.ok(c.isComplaint);
  assert.equal(c.severity, 3);
  assert.equal(c.requestedOutcome, 'refund');
  assert.ok(c.churn && text.slice(c.churn.start, c.churn.end) === c.churn.text);
  assert.ok(c.public !== null);
  assert.ok(c.categories.slice(0, 2).some((x) => x.name === 'refund-return'));
  const calm = engine.classify('Hi, what are your opening hours on Saturday?');
  assert.equal(calm.isComplaint, false);
  assert.equal(calm.severity, 0);
  assert.equal(engine.analyze('fine', { role: 'agent' }).complaint, null);
});

const fs = require('node:fs');

function example(name) {
  return fs.readFileSync(path.join(ROOT, 'examples', 'conversations', name), 'utf8');
}

test('review the refund example', () => {
  const customer = example('refund-customer.txt');
  const poor = engine.review(example('refund-reply-poor.txt'), { customer });
  const rules = new Set(poor.findings.map((f) => `${f.rule}|${f.kind}`));
  for (const r of ['say-no|violation', 'blame-customer|violation', 'apologize|missing',
                   'timeframe|missing']) assert.ok(rules.has(r), r);
  assert.ok(poor.score >= 0 && poor.score < 50);
  let spanless = false;
  for (const f of poor.findings) {
    assert.ok(['violation', 'missing', 'good'].includes(f.kind));
    assert.ok(['info', 'warning', 'error'].includes(f.severity));
    assert.ok(f.confidence >= 0 && f.confidence <= 1 && f.message && f.evidence);
    assert.equal(typeof f.suggestion, 'string');
    if (f.start === null) {
      assert.equal(f.end, null);
      assert.equal(f.text, null);
      spanless = true;
    } else {
      assert.ok(!spanless, 'findings without a span come last');
      assert.equal(poor.text.slice(f.start, f.end), f.text);
    }
  }
  const blame = poor.findings.find((f) => f.rule === 'blame-customer');
  assert.equal(blame.severity, 'error');
  assert.equal(blame.text, 'You should have read');
  assert.ok(poor.customer.isComplaint);
  assert.equal(poor.customer.requestedOutcome, 'refund');
  const churn = poor.customer.churn;
  assert.equal(customer.slice(churn.start, churn.end), churn.text);
  assert.ok(poor.customerTone.scores.sentiment < 0);
  assert.ok(poor.tone.scores.blame > 0);

  const good = engine.review(example('refund-reply-good.txt'), { customer });
  assert.ok(good.score > 85, String(good.score));
  assert.deepEqual(good.findings.filter((f) => f.kind !== 'good' &&
                                                (f.severity === 'warning' || f.severity === 'error')), []);
  assert.ok(good.promises.some((p) => p.action === 'refund'));
  for (const f of good.findings) {
    if (f.start !== null) assert.equal(good.text.slice(f.start, f.end), f.text);
  }
});

test('review spans are string indices for non-ASCII text', () => {
  const reply = 'Zoë, we can\'t refund 😞 this — please be advised that you should have read the policy.';
  const r = engine.review(reply);
  assert.equal(r.customer, null);
  assert.equal(r.customerTone, null);
  const byRule = Object.fromEntries(r.findings.map((f) => [f.rule, f]));
  assert.equal(byRule['say-no'].text, "we can't");
  assert.deepEqual([byRule['say-no'].start, byRule['say-no'].end], [5, 13]);
  assert.equal(byRule['blame-customer'].text, 'you should have read');
  const spanned = r.findings.filter((f) => f.start !== null);
  assert.ok(spanned.length >= 3);
  for (const f of spanned) {
    assert.equal(reply.slice(f.start, f.end), f.text);
    if (f.fix) assert.ok(f.fix.start >= 0 && f.fix.start <= f.fix.end && f.fix.end <= reply.length);
  }
  const fx = r.findings.find((f) => f.fix).fix;
  const fixed = reply.slice(0, fx.start) + fx.replacement + reply.slice(fx.end);
  assert.ok(!fixed.includes('advised') && fixed.endsWith('read the policy.'), fixed);
});

test('review disable, only and errors', () => {
  const reply = "Unfortunately we can't refund this. You should have read the policy.";
  let rules = new Set(engine.review(reply).findings.map((f) => f.rule));
  assert.ok(rules.has('say-no') && rules.has('blame-customer'));
  rules = new Set(engine.review(reply, { disable: ['say-no'] }).findings.map((f) => f.rule));
  assert.ok(!rules.has('say-no') && rules.has('blame-customer'));
  assert.deepEqual([...new Set(engine.review(reply, { only: ['blame-customer'] })
    .findings.map((f) => f.rule))], ['blame-customer']);
  let err = catchError(() => engine.review(reply, { disable: ['say-no', 'no-such-rule'] }));
  assert.ok(err instanceof tact.TactError);
  assert.equal(err.status, 'invalid argument');
  assert.equal(err.code, 1);
  assert.match(err.message, /no-such-rule/);
  err = catchError(() => engine.review(reply, { only: ['nope'] }));
  assert.equal(err.status, 'invalid argument');
  err = catchError(() => engine.review(reply, { profile: 'no-such-profile' }));
  assert.equal(err.status, 'invalid argument');
  assert.match(err.message, /no-such-profile/);
  assert.throws(() => engine.review(reply, { disable: 'say-no' }), TypeError);
  assert.throws(() => engine.review(reply, { disable: [42] }), TypeError);
  assert.throws(() => engine.review(reply, { customer: 42 }), TypeError);
  assert.throws(() => engine.review(Buffer.from('bytes')), TypeError);
  // Text errors say which text the offset is in.
  err = catchError(() => engine.review('fine', { customer: '😞 ok \ud800' }));
  assert.equal(err.status, 'invalid UTF-8');
  assert.equal(err.input, 'customer');
  assert.equal(err.offset, 6); // byte 7: 😞 is two UTF-16 units
  err = catchError(() => engine.review('é\x00', { customer: 'ok' }));
  assert.equal(err.status, 'unusable input');
  assert.equal(err.input, 'reply');
  assert.equal(err.offset, 1);
});

test('review: name makes use-name owed', () => {
  const reply = "Thanks for writing in. We'll refund you within 3 business days.";
  assert.ok(!engine.review(reply).findings.some((f) => f.rule === 'use-name'));
  const missing = engine.review(reply, { name: 'Zoë' }).findings.filter((f) => f.rule === 'use-name');
  assert.deepEqual(missing.map((f) => [f.kind, f.start, f.end]), [['missing', null, null]]);
  const used = engine.review(`Zoë, ${reply}`, { name: 'Zoë' }).findings.filter((f) => f.rule === 'use-name');
  assert.deepEqual(used.map((f) => [f.kind, f.start, f.end, f.text]), [['good', 0, 3, 'Zoë']]);
});

test('review: now and time zone', () => {
  const reply = 'I’ll call you back tomorrow at 10am.';
  const r = engine.review(reply, { customer: 'Nobody has called me back!', now: '2026-03-06T16:00:00Z',
                                   tz: 'Europe/Berlin' });
  assert.equal(r.promises[0].action, 'callback');
  assert.equal(r.promises[0].timeframe.intervalEnd.toISOString(), '2026-03-07T09:00:00.000Z');
  assert.equal(reply.slice(r.times[0].start, r.times[0].end), 'tomorrow at 10am');
});

function catchError(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an exception');
}
