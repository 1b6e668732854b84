// Issue 10 in headless Chromium: alternatives for a step, plans side by side, budget
// percentiles and exports. Every amount is computed by hand from a published price.
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

const exact = (page, id) => page.locator(`[data-testid="${id}"]`).first().getAttribute('data-exact');

test('percentiles of the action, with what to budget and the distribution chart', async () => {
  // FLUX.1 [dev] 1024 x 768 = 0.75 MP -> 1 MP x $0.025; n = 2, r = 50 %:
  // P(T = t) = (t - 1) 0.5^t: cumulative 0.25, 0.5 (t = 3: p50), 0.6875, 0.8125, 0.890625,
  // 0.9375 (t = 7: p90), 0.96484375 (t = 8: p95), 0.98046875, 0.9892578125, 0.994140625 (t = 11: p99).
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&w=1024&h=768&n=2&retry=50`);
  assert.equal(await text(page, 'p50-cost-per-action'), '$0.075');
  assert.equal(await text(page, 'p90-cost-per-action'), '$0.175');
  assert.equal(await text(page, 'p95-cost-per-action'), '$0.20');
  assert.equal(await text(page, 'p99-cost-per-action'), '$0.275');
  assert.equal(await exact(page, 'p95-cost-per-action'), '0.2');
  // Expected: 2 x $0.025 / 0.5 = $0.10.
  assert.match(await text(page, 'budget-sentence'), /Expect \$0\.10 per action on average; budget \$0\.20 to cover 95 %/);
  assert.equal(await page.locator('[data-testid="budget-chart"] circle').count(), 4);
  // An edit follows live: r = 0 -> every percentile is 2 x $0.025 = $0.05.
  await page.locator('[data-testid="retry"]').fill('0');
  await page.waitForFunction(() => document.querySelector('[data-testid="p99-cost-per-action"]')?.textContent === '$0.05');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('alternatives: ranked, following edits, and one click switches the step', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&w=1024&h=768&n=4&retry=25`);
  await page.locator('[data-testid="compare-models"]').click();
  const rows = page.locator('[data-testid="alternatives"] [data-testid="alt-row"]');
  await rows.first().waitFor();
  // The current model is ranked, at ratio 1: 4 x $0.025 / 0.75 = $0.1333.
  const me = page.locator('[data-testid="alt-row"][data-model="fal-ai/flux/dev"]');
  assert.equal(await me.getAttribute('class'), 'gc-current');
  assert.match(await me.textContent(), /\$0\.1333 USD.*×1/);
  // Ranked by cost per action, ascending (exact figures).
  const costs = await page.$$eval('[data-testid="alt-row"] td[data-exact]', (tds) => tds.map((t) => Number(t.dataset.exact)));
  assert.ok(costs.length > 3);
  assert.deepEqual(costs, [...costs].sort((a, b) => a - b));
  // FLUX.1 [schnell]: 1 MP x $0.003 x 4 / 0.75 = $0.016, ratio 0.12.
  const schnell = page.locator('[data-testid="alt-row"][data-model="fal-ai/flux/schnell"]');
  assert.match(await schnell.textContent(), /\$0\.016 USD.*×0\.12/);
  // The ranking follows an edit: n = 1 -> schnell $0.004.
  await page.locator('[data-testid="n"]').fill('1');
  await page.waitForFunction(() => /\$0\.004 USD/.test(document.querySelector('[data-testid="alt-row"][data-model="fal-ai/flux/schnell"]')?.textContent ?? ''));
  // Use it: the step switches, n and retry stay: 1 x $0.003 / 0.75 = $0.004 per action.
  await schnell.locator('[data-testid="alt-use"]').click();
  await page.waitForFunction(() => location.search.includes('model=fal-ai/flux/schnell'));
  assert.equal(await page.locator('[data-testid="model"]').inputValue(), 'fal-ai/flux/schnell');
  assert.equal(await text(page, 'cost-per-action'), '$0.004 USD');
  assert.equal(await page.locator('[data-testid="retry"]').inputValue(), '25');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('alternatives adjust what a model cannot do and say so', async () => {
  // Kling 2.6 Pro image to video, 5 s with audio; Veo 3.1 image to video takes 4, 6 or 8 s.
  const page = await open(browser, `${site.url}/?model=fal-ai/kling-video/v2.6/pro/image-to-video&sec=5&audio=on`);
  await page.locator('[data-testid="compare-models"]').click();
  const veo = page.locator('[data-testid="alt-row"][data-model="fal-ai/veo3.1/image-to-video"]');
  await veo.waitFor();
  // 6 s x $0.40 = $2.40; the step: 5 s x $0.14 = $0.70; ratio 2.40 / 0.70 = 3.4286.
  assert.match(await veo.textContent(), /adjusted: sec → 6.*\$2\.40 USD.*×3\.4286/);
  await veo.locator('[data-testid="alt-use"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="cost-per-action"]')?.textContent === '$2.40 USD');
  assert.equal(await page.locator('[data-testid="sec"]').inputValue(), '6');
  await page.close();
});

test('plans side by side: add, name, mix, blend, and the link round-trips', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/schnell&w=1024&h=1024&actions=10000`);
  assert.equal(await page.locator('[data-testid="plan-1"]').count(), 0, 'one plan: no columns');
  await page.locator('[data-testid="add-plan"]').click();
  await page.locator('[data-testid="plan-2"]').waitFor();
  // Plan 2 starts as a copy; switch its model to FLUX1.1 [pro] and ask for 2 images.
  await page.locator('[data-testid="plan-name"]').fill('Paid');
  await page.locator('[data-testid="model"]').selectOption('fal-ai/flux-pro/v1.1');
  await page.locator('[data-testid="n"]').fill('2');
  await page.locator('[data-testid="plan-mix"]').fill('20');
  await page.locator('[data-testid="plan-tab-1"]').click();
  await page.locator('[data-testid="plan-name"]').fill('Free');
  await page.locator('[data-testid="plan-mix"]').fill('80');
  // Free: 1 MP x $0.003; Paid: 2 x 1 MP x $0.04 = $0.08.
  // Blend: 0.8 x 0.003 + 0.2 x 0.08 = $0.0184; x 10,000 actions = $184.00.
  await page.waitForFunction(() => document.querySelector('[data-testid="blended-cost-per-action"]')?.textContent === '$0.0184 USD');
  assert.equal(await text(page, 'blended-monthly'), '$184.00 USD');
  assert.match(await page.locator('[data-testid="plan-1"]').textContent(), /Free.*\$0\.003 USD.*\$24\.00 USD/);
  assert.match(await page.locator('[data-testid="plan-2"]').textContent(), /Paid.*\$0\.08 USD.*\$160\.00 USD/);
  // The link holds both plans; opening it shows the same.
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  assert.match(link, /p2\.model=fal-ai\/flux-pro\/v1\.1/);
  assert.match(link, /p2\.name=Paid&p2\.mix=20/);
  const again = await open(browser, link);
  assert.equal(await text(again, 'blended-cost-per-action'), '$0.0184 USD');
  assert.equal(await again.locator('[data-testid="share-link"]').inputValue(), link);
  await again.close();
  // A mix that does not add up names `mix` and blanks only the blend.
  await page.locator('[data-testid="plan-mix"]').fill('70');
  await page.waitForFunction(() => document.querySelector('[data-testid="blended-cost-per-action"]')?.textContent === '—');
  assert.match(await text(page, 'error'), /`mix`: "70 \+ 20 = 90" is not allowed/);
  assert.match(await page.locator('[data-testid="plan-2"]').textContent(), /\$0\.08 USD/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('exports: CSV and JSON files made in the browser, Markdown copied', async () => {
  const context = await browser.newContext({ acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await page.goto(`${site.url}/?model=fal-ai/flux/dev&w=1024&h=768`);
  await page.locator('[data-testid="cost-per-action"]').waitFor();
  const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="download-csv"]').click()]);
  assert.equal(csv.suggestedFilename(), 'gencost.csv');
  const body = fs.readFileSync(await csv.path(), 'utf8');
  // 0.75 MP -> 1 MP x $0.025.
  assert.equal(body, 'plan,step,model,item,quantity,billable_quantity,unit_price,amount\r\nplan 1,1,fal-ai/flux/dev,output megapixels,0.75,1,0.025,0.025\r\nplan 1,,,cost per action,,,,0.025\r\n');
  const [json] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="download-json"]').click()]);
  const doc = JSON.parse(fs.readFileSync(await json.path(), 'utf8'));
  assert.equal(doc.cost_per_action, '0.025');
  assert.deepEqual(doc.percentiles, { p50: '0.025', p90: '0.025', p95: '0.025', p99: '0.025' });
  await page.locator('[data-testid="copy-markdown"]').click();
  const md = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(md, /^\| Plan \| Step \| Model \|/);
  assert.match(md, /\| plan 1 \| 1 \| fal-ai\/flux\/dev \| \$0\.025 \|/);
  await context.close();
});
