// Issue 11 in headless Chromium: a usage log read in the page (never uploaded), its report, and
// the scenario that reproduces it. Amounts come from published prices.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, serve, open, text, DIST } from './harness.mjs';

let browser, site;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'build dist/ first (trunk build --release)');
  browser = await launch();
  site = await serve(DIST);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

// 4 actions, each: FLUX.1 [dev] 1024 x 768 ($0.025: 0.75 MP -> 1 MP) rejected once, then
// accepted; billed $0.03 each. One line is broken.
const LOG = [
  ...['a', 'b', 'c', 'd'].flatMap((a) => [
    `{"model":"fal-ai/flux/dev","options":{"w":1024,"h":768},"accepted":false,"action":"${a}","cost":"0.03"}`,
    `{"model":"fal-ai/flux/dev","options":{"w":1024,"h":768},"accepted":true,"action":"${a}","cost":"0.03"}`,
  ]),
  'not json',
].join('\n');

test('a usage log: report, skipped line, and the reproduced scenario one click away', async () => {
  const page = await open(browser, `${site.url}/`);
  const requests = [];
  // Anything that could carry the log out: a request other than a plain GET (the page may still
  // fetch its own favicon).
  page.on('request', (r) => { if (r.method() !== 'GET' || r.postData()) requests.push(`${r.method()} ${r.url()}`); });
  await page.locator('[data-testid="usage-file"]').setInputFiles({ name: 'log.jsonl', mimeType: 'application/json', buffer: Buffer.from(LOG) });
  const report = page.locator('[data-testid="usage-report"]');
  await report.waitFor();
  const body = await report.textContent();
  assert.match(body, /9 lines read, 1 skipped/);
  assert.match(body, /line 9: not JSON/);
  // 8 generations, 4 rejected: 50 %; catalog 8 x $0.025 = $0.20; billed $0.24: +20 %;
  // per accepted output $0.20 / 4 = $0.05.
  assert.match(body, /fal-ai\/flux\/dev.*8.*4.*50 %.*\$0\.20.*\$0\.24.*\+20 %.*\$0\.05/);
  // Each action: 2 x $0.025 = $0.05.
  assert.match(await text(page, 'usage-actions'), /4 user actions: mean \$0\.05; p50 \$0\.05/);
  // The scenario: n = 1, retry = 50 %: $0.025 / 0.5 = $0.05 forecast, next to the observed $0.05.
  assert.equal(await text(page, 'usage-forecast'), 'The reproduced scenario forecasts $0.05 per user action (observed mean $0.05).');
  await page.locator('[data-testid="usage-open"]').click();
  await page.waitForFunction(() => location.search.includes('retry=50'));
  assert.equal(await text(page, 'cost-per-action'), '$0.05 USD');
  assert.equal(await page.locator('[data-testid="retry"]').inputValue(), '50');
  // The report stays next to the forecast, and nothing was sent anywhere.
  assert.equal(await report.count(), 1);
  assert.deepEqual(requests, []);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a log with no readable line says so and changes nothing', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&retry=20`);
  await page.locator('[data-testid="usage-file"]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('model,w\nnope,1\n') });
  const report = page.locator('[data-testid="usage-report"]');
  await report.waitFor();
  assert.match(await report.textContent(), /1 lines read, 1 skipped.*line 2: `model`: "nope" is not allowed/);
  assert.equal(await page.locator('[data-testid="usage-open"]').count(), 0);
  assert.equal(await text(page, 'cost-per-action'), '$0.03125 USD');
  await page.close();
});
