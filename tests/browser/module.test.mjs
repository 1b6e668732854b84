// The JS module (dist/gencost.js) in Node, without a browser: quote, price, compare, models,
// usage and errors. Amounts are decimal strings; each comes from a published price.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST } from './harness.mjs';

let gencost;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'gencost.js')), 'build dist/ first (trunk build --release)');
  gencost = await import(pathToFileURL(path.join(DIST, 'gencost.js')).href);
});

test('a call before load() says so', () => {
  assert.throws(() => gencost.quote('model=fal-ai/flux/dev'), /not loaded: await load\(\) first/);
});

test('load() in Node mounts nothing and can be awaited twice', async () => {
  await gencost.load();
  await gencost.load();
  assert.equal(typeof globalThis.document, 'undefined');
});

test('quote: the CLI --json shape with exact decimal strings', () => {
  // FLUX.1 [dev] 1024 x 768 = 0.75 MP -> 1 MP x $0.025; 20 % rejected: 0.025 / 0.8 = 0.03125.
  const q = gencost.quote('model=fal-ai/flux/dev&w=1024&h=768&retry=20&actions=10000');
  assert.deepEqual(Object.keys(q), ['currency', 'cost_per_action', 'actions_per_dollar', 'monthly', 'steps', 'percentiles']);
  assert.equal(q.cost_per_action, '0.03125');
  assert.equal(q.monthly, '312.5');
  assert.equal(q.steps[0].lines[0].billable_quantity, '1');
  // Two plans: 0.8 x $0.003 + 0.2 x $0.08 = $0.0184.
  const p = gencost.quote('model=fal-ai/flux/schnell&w=1024&h=1024&mix=80&p2.model=fal-ai/flux-pro/v1.1&p2.w=1024&p2.h=1024&p2.n=2&p2.mix=20');
  assert.equal(p.blended.cost_per_action, '0.0184');
  assert.equal(p.plans[1].cost_per_action, '0.08');
});

test('price: one generation, its line items and cost', () => {
  // Veo 3, 8 s with audio: 8 x $0.40 = $3.20.
  const bill = gencost.price('fal-ai/veo3', { sec: 8, audio: true });
  assert.equal(bill.cost, '3.2');
  assert.deepEqual(bill.options, { audio: 'on', resolution: '720p', sec: '8' });
  assert.equal(bill.lines.length, 1);
});

test('errors are Error objects with the engine line and the key at fault', () => {
  const caught = (f) => { try { f(); } catch (e) { return e; } assert.fail('no error'); };
  let e = caught(() => gencost.quote('model=fal-ai/flux/dev&retry=abc'));
  assert.ok(e instanceof Error);
  assert.equal(e.message, '`retry`: "abc" is not allowed: a percentage from 0 to below 100, such as 20 or 12.5');
  assert.equal(e.key, 'retry');
  e = caught(() => gencost.price('fal-ai/veo3', { sec: 7 }));
  assert.equal(e.key, 'sec');
  e = caught(() => gencost.price('fal-ai/stable-audio', {}));
  assert.match(e.message, /price unknown/);
  assert.equal(e.key, undefined);
  e = caught(() => gencost.quote('model=x', '{"nope": '));
  assert.match(e.message, /^catalog: /);
  e = caught(() => gencost.price('fal-ai/flux/dev', 'not an object'));
  assert.match(e.message, /^options: /);
  e = caught(() => gencost.compare('model=fal-ai/flux/dev', 3));
  assert.equal(e.message, 'step 3: the scenario has 1 step(s)');
});

test('models and compare', () => {
  const list = gencost.models();
  assert.ok(list.some((m) => m.id === 'fal-ai/flux/dev' && m.kind === 'image'));
  const c = gencost.compare('model=fal-ai/flux/dev&w=1024&h=768&n=4&retry=25');
  const me = c.alternatives.find((a) => a.model === 'fal-ai/flux/dev');
  assert.equal(me.ratio, '1');
  // 4 x $0.003 / 0.75 = $0.016 for FLUX.1 [schnell].
  assert.equal(c.alternatives.find((a) => a.model === 'fal-ai/flux/schnell').expected_cost_per_action, '0.016');
});

test('a catalog given as JSON text is used instead of the built-in one', () => {
  const custom = JSON.stringify({
    format: 'gencost-catalog', version: 1, currency: 'USD',
    models: [{ id: 'acme/img', name: 'Acme', provider: 'acme', kind: 'image', options: [],
      billing: { lines: [{ label: 'image', quantity: 'output', price: '0.07' }] },
      source: 'https://acme.test/pricing', verified: '2026-11-01' }],
  });
  assert.equal(gencost.price('acme/img', {}, custom).cost, '0.07');
  assert.equal(gencost.models(custom).length, 1);
});

test('usage: a log reconciled in Node', () => {
  const log = [
    '{"model":"fal-ai/flux/dev","options":{"w":1024,"h":768},"accepted":false,"action":"a","cost":"0.03"}',
    '{"model":"fal-ai/flux/dev","options":{"w":1024,"h":768},"accepted":true,"action":"a","cost":"0.03"}',
  ].join('\n');
  const r = gencost.usage(log);
  assert.equal(r.models[0].rejection_rate, '0.5');
  // (0.06 - 0.05) / 0.05 = +20 %
  assert.equal(r.models[0].drift_percent, '20');
  assert.equal(r.scenario, 'model=fal-ai/flux/dev&w=1024&h=768&retry=50');
});
