// Where the time goes (a tool, not a test): CPU profiles of the release build in headless
// Chromium, as milliseconds per function.
//
//   node tests/browser/profile.mjs nav [dist]     navigation to the first cost (3-step workflow)
//   node tests/browser/profile.mjs input [dist]   input to updated cost, 2 plans x 3 steps, alternatives open
//   node tests/browser/profile.mjs size [dist]    the wasm's code by crate and module
//
// Function names need a build that keeps the wasm name section (wasm-opt drops it):
//   sed -i 's/data-wasm-opt="s"/data-wasm-opt="0"/' index.html
//   trunk build --release --dist /tmp/dist-names; git checkout index.html
//   node tests/browser/profile.mjs nav /tmp/dist-names
// Such a build is slower than the release build; read its figures as shares, not as timings.
import fs from 'node:fs';
import path from 'node:path';
import { launch, serve, DIST } from './harness.mjs';

const [mode = 'nav', dist = DIST] = process.argv.slice(2);
const RUNS = 7;
const INPUTS = 300;
const WORKFLOW = 'model=fal-ai/flux/dev&w=1024&h=1024&n=4&retry=20'
  + '&s2.model=fal-ai/flux-2-flex&s2.w=1920&s2.h=1080&s2.in_w=1024&s2.in_h=1024&s2.retry=10&s2.max=3'
  + '&s3.model=fal-ai/veo3&s3.sec=8&s3.audio=on&s3.fallback=fal-ai/kling-video/o3/4k/text-to-video&s3.failover=5&actions=100000';
const PLANS = `${WORKFLOW}&${WORKFLOW.split('&').filter((kv) => !kv.startsWith('actions=')).map((kv) => `p2.${kv}`).join('&')}`;
const short = (name) => name.replace(/::h[0-9a-f]{16}$/, '').slice(0, 150);

/** Adds a profile's samples to `self` and `total` (ms per function), up to sample `end`. */
function tally(profile, self, total, end = profile.samples.length) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n);
  for (let k = 0; k < end; k++) {
    const ms = (profile.timeDeltas[k + 1] || 0) / 1000;
    let n = byId.get(profile.samples[k]);
    const own = n.callFrame.functionName || '(anonymous)';
    self.set(own, (self.get(own) || 0) + ms);
    const seen = new Set();
    for (; n; n = parent.get(n.id)) {
      const name = n.callFrame.functionName || '(anonymous)';
      if (!seen.has(name)) { seen.add(name); total.set(name, (total.get(name) || 0) + ms); }
    }
  }
}

function print(title, map, per, unit, top = 40) {
  console.log(`${title} (ms per ${unit})`);
  for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(ms / per).toFixed(3).padStart(9)}  ${short(name)}`);
  }
}

async function profiled(page, ctx, run) {
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await run();
  return (await cdp.send('Profiler.stop')).profile;
}

// Marks the first cost on screen in the profile: a function that runs for 2 ms when it appears.
const FIRST_COST = () => {
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid="cost-per-action"]');
    if (el && el.textContent.startsWith('$') && !window.__firstCost) {
      window.__firstCost = performance.now();
      (function FIRST_COST_SHOWN() { const t = performance.now(); while (performance.now() - t < 2); })();
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

async function nav() {
  const browser = await launch();
  const site = await serve(dist);
  const self = new Map(), total = new Map();
  try {
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.addInitScript(FIRST_COST);
      const profile = await profiled(page, ctx, async () => {
        await page.goto(`${site.url}/?${WORKFLOW}`);
        await page.waitForFunction(() => window.__firstCost);
      });
      const ids = new Map(profile.nodes.map((n) => [n.id, n]));
      const end = profile.samples.findIndex((id) => ids.get(id).callFrame.functionName === 'FIRST_COST_SHOWN');
      tally(profile, self, total, end < 0 ? undefined : end);
      const first = await page.evaluate(() => window.__firstCost);
      const wasm = await page.evaluate(() => performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'))?.responseEnd);
      console.log(`run ${i + 1}: wasm downloaded at ${wasm?.toFixed(0)} ms, first cost at ${first.toFixed(0)} ms`);
      await ctx.close();
    }
  } finally {
    await browser.close();
    await site.close();
  }
  print('until the first cost, inclusive', total, RUNS, 'load');
  print('until the first cost, own time', self, RUNS, 'load', 25);
}

async function input() {
  const browser = await launch();
  const site = await serve(dist);
  const self = new Map(), total = new Map();
  try {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${site.url}/?${PLANS}`);
    await page.waitForSelector('[data-testid="cost-per-action"]');
    await page.locator('[data-testid="compare-models"]').first().click();
    await page.waitForSelector('[data-testid="alt-row"]');
    const profile = await profiled(page, ctx, () => page.evaluate(async (n) => {
      const field = document.querySelector('[data-testid="retry"]');
      for (let i = 0; i < n; i++) {
        field.value = String(10 + (i % 2) * 30 + (i % 7));
        field.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => r()));
      }
    }, INPUTS));
    tally(profile, self, total);
    for (const idle of ['(idle)', '(program)', '(root)']) total.delete(idle);
  } finally {
    await browser.close();
    await site.close();
  }
  print(`${INPUTS} inputs, inclusive`, total, INPUTS, 'input');
  print(`${INPUTS} inputs, own time`, self, INPUTS, 'input', 25);
}

// The wasm's code section by function, grouped by crate (by module for gencost), from the name
// section.
function size() {
  const file = fs.readdirSync(dist).find((f) => f.endsWith('.wasm'));
  const b = fs.readFileSync(path.join(dist, file));
  let i = 8;
  const leb = () => { let r = 0, s = 0, x; do { x = b[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
  const name = () => { const l = leb(); const t = b.toString('utf8', i, i + l); i += l; return t; };
  let imported = 0;
  const bodies = [], names = new Map();
  while (i < b.length) {
    const id = b[i++], len = leb(), end = i + len;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        name(); name();
        const kind = b[i++];
        if (kind === 0) { leb(); imported++; } else if (kind === 1) { i++; const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 3) i += 2; else if (kind === 4) { i++; leb(); }
      }
    } else if (id === 10) {
      for (let n = leb(); n > 0; n--) { const l = leb(); bodies.push(l); i += l; }
    } else if (id === 0 && name() === 'name') {
      while (i < end) {
        const sub = b[i++], subLen = leb(), subEnd = i + subLen;
        if (sub === 1) for (let n = leb(); n > 0; n--) { const idx = leb(); names.set(idx, name()); }
        i = subEnd;
      }
    }
    i = end;
  }
  if (names.size === 0) console.log('no name section: build without wasm-opt (see the top of this file)');
  const group = (n) => {
    const m = n.replace(/^[<_]+/, '').match(/^([A-Za-z_0-9]+)(?:\[[0-9a-f]+\])?(?:::([A-Za-z_0-9]+))?(?:::([A-Za-z_0-9]+))?/);
    if (!m) return n.slice(0, 30);
    return m[1] === 'gencost' ? `gencost::${m[2] ?? ''}::${m[3] ?? ''}` : m[1];
  };
  const groups = new Map();
  let code = 0;
  bodies.forEach((len, k) => { const g = group(names.get(imported + k) ?? '?'); groups.set(g, (groups.get(g) || 0) + len); code += len; });
  console.log(`${file}: ${(b.length / 1024).toFixed(0)} KB, code ${(code / 1024).toFixed(0)} KB`);
  for (const [g, len] of [...groups].sort((x, y) => y[1] - x[1]).slice(0, 40)) {
    console.log(`${(len / 1024).toFixed(1).padStart(8)} KB ${(100 * len / code).toFixed(1).padStart(5)} %  ${g}`);
  }
}

if (mode === 'nav') await nav();
else if (mode === 'input') await input();
else if (mode === 'size') size();
else { console.error('usage: node tests/browser/profile.mjs nav|input|size [dist]'); process.exit(2); }
