'use strict';
// Many concurrent calls (analyze and review). Koffi calls are synchronous: they run on the calling
// JavaScript thread, so real parallelism needs worker_threads. Each worker
// loads this package (the process shares one copy of koffi and libtact) and
// builds its own Engine; the workers share nothing but the library. The
// results must equal those computed sequentially on the main thread.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const tact = require('..');

const TEXTS = ["Unfortunately we can't do that.", 'Thanks so much, I’m so sorry!',
               'You should have read the policy.', 'I’ll follow up tomorrow 😊'];
const WORKERS = 4;
const PER_WORKER = 100;

function summary(engine, text) {
  const r = engine.analyze(text, { now: '2026-03-06T16:00:00Z', tz: 'Europe/Berlin' });
  return {
    matches: r.matches.map((m) => [m.lexicon, m.start, m.end]),
    promises: r.promises.map((p) => [p.action, p.start, p.end,
                                     p.timeframe && p.timeframe.intervalEnd.toISOString()]),
    review: (({ score, findings }) => [score, findings.map((f) => [f.rule, f.kind, f.start, f.end])])(
      engine.review(text, { customer: 'Where is my refund?? I want it now.', name: 'Zoë' })),
  };
}

// The worker's body: its own engine, every text PER_WORKER / TEXTS.length times.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const tact = require(workerData.pkg);
const summary = ${summary.toString()};
const engine = new tact.Engine();
const out = [];
for (let i = 0; i < workerData.count; i++) {
  const text = workerData.texts[i % workerData.texts.length];
  out.push(summary(engine, text));
}
engine.close();
parentPort.postMessage(out);
`;

function runWorker() {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { pkg: path.resolve(__dirname, '..'), texts: TEXTS, count: PER_WORKER },
    });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => code && reject(new Error(`worker exited with ${code}`)));
  });
}

test('many concurrent calls over a worker_threads pool', async () => {
  const engine = new tact.Engine();
  const expected = [];
  for (let i = 0; i < PER_WORKER; i++) expected.push(summary(engine, TEXTS[i % TEXTS.length]));
  engine.close();
  assert.ok(expected[0].matches.length > 0);
  assert.ok(expected[3].promises.length > 0);
  assert.ok(expected[0].review[1].length > 0);
  const results = await Promise.all(Array.from({ length: WORKERS }, runWorker));
  assert.equal(results.length, WORKERS);
  for (const got of results) assert.deepEqual(got, expected);
});

test('one engine, many sequential calls on the main thread', () => {
  const engine = new tact.Engine();
  const first = TEXTS.map((t) => summary(engine, t));
  for (let i = 0; i < 200; i++) {
    assert.deepEqual(summary(engine, TEXTS[i % TEXTS.length]), first[i % TEXTS.length]);
  }
  engine.close();
});
