// The calculator in headless Chromium, against the release build (dist/) served on loopback.
// Every expected amount is computed by hand from a published price (see the comments).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { launch, serve, open, text, urlWritten, DIST, ROOT } from './harness.mjs';

let browser, site;

// A fal pricing-API response, as it comes, served on loopback for ?catalog=.
const FAL_RESPONSE = JSON.stringify({
  prices: [
    { endpoint_id: 'fal-ai/flux/dev', unit_price: 0.025, unit: 'megapixels', currency: 'USD' },
    { endpoint_id: 'fal-ai/some-model', unit_price: 0.1, unit: 'credits', currency: 'USD' },
  ],
  next_cursor: null,
  has_more: false,
});

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'build dist/ first (trunk build --release)');
  browser = await launch();
  site = await serve(DIST, {
    routes: {
      '/fixtures/fal.json': (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(FAL_RESPONSE),
      '/fixtures/broken.json': (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"prices": [ nope'),
      '/fixtures/missing.json': (req, res) => res.writeHead(404).end('gone'),
    },
  });
});

after(async () => {
  await browser?.close();
  await site?.close();
});

test('a shared image URL shows its costs', async () => {
  // fal-ai/flux/dev 1024x768 = 0.75 MP -> 1 MP x $0.025 = $0.025; 20 % rejected: 0.025 / 0.8 = 0.03125;
  // $1 buys 1 / 0.03125 = 32 actions; 10,000 actions a month = $312.50
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&w=1024&h=768&retry=20&actions=10000`);
  assert.equal(await text(page, 'cost-per-generation'), '$0.025 USD');
  assert.equal(await text(page, 'cost-per-accepted-output'), '$0.03125 USD');
  assert.equal(await text(page, 'cost-per-action'), '$0.03125 USD');
  assert.equal(await text(page, 'actions-per-dollar'), '32');
  assert.equal(await text(page, 'monthly'), '$312.50 USD');
  assert.equal(await page.locator('[data-testid="model"]').inputValue(), 'fal-ai/flux/dev');
  // the breakdown lists the line item with its arithmetic
  assert.match(await text(page, 'breakdown'), /output megapixels: 0\.75 → 1 × \$0\.025 = \$0\.025/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a shared video URL shows its costs', async () => {
  // fal-ai/veo3: $0.40 per second with audio x 8 s = $3.20
  const page = await open(browser, `${site.url}/?model=fal-ai/veo3&sec=8&audio=on`);
  assert.equal(await text(page, 'cost-per-generation'), '$3.20 USD');
  assert.equal(await text(page, 'cost-per-action'), '$3.20 USD');
  // Kling 2.5 turbo pro 10 s: $0.35 for 5 s + 5 x $0.07 = $0.70
  await page.goto(`${site.url}/?model=fal-ai/kling-video/v2.5-turbo/pro/image-to-video&sec=10`);
  await page.waitForSelector('[data-testid="cost-per-action"]');
  assert.equal(await text(page, 'cost-per-generation'), '$0.70 USD');
  await page.close();
});

test('a shared audio URL shows its costs', async () => {
  // fal-ai/minimax/speech-02-turbo: 1,500 characters x $0.06 / 1,000 = $0.09
  const page = await open(browser, `${site.url}/?model=fal-ai/minimax/speech-02-turbo&chars=1500`);
  assert.equal(await text(page, 'cost-per-generation'), '$0.09 USD');
  await page.close();
});

test('a shared workflow URL restores every step', async () => {
  // step 1: 4 x flux/dev 1024x1024 (1 MP x $0.025), 20 % rejected: 4 x 0.025 x 1.25 = 0.125
  // step 2: kling pro 5 s = $0.35; total $0.475 per action; 1,000 actions = $475
  const q = 'model=fal-ai/flux/dev&w=1024&h=1024&n=4&retry=20&s2.model=fal-ai/kling-video/v2.5-turbo/pro/image-to-video&s2.sec=5&actions=1000';
  const page = await open(browser, `${site.url}/?${q}`);
  assert.equal(await text(page, 'cost-per-action'), '$0.475 USD');
  assert.equal(await text(page, 'monthly'), '$475.00 USD');
  assert.equal(await page.locator('[data-testid="s2.model"]').inputValue(), 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video');
  // the state is written back exactly
  assert.equal(new URL(page.url()).search, `?${q}`);
  await page.close();
});

test('editing a field updates the costs and the URL without a history entry', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&w=1024&h=768`);
  const before = await page.evaluate(() => history.length);
  await page.locator('[data-testid="retry"]').fill('50');
  // 0.025 / (1 - 0.5) = 0.05
  await page.waitForFunction(() => document.querySelector('[data-testid="cost-per-action"]').textContent === '$0.05 USD');
  await urlWritten(page);
  assert.match(page.url(), /[?&]retry=50(&|$)/);
  await page.locator('[data-testid="n"]').fill('3');
  // 3 x 0.025 x 2 = 0.15
  await page.waitForFunction(() => document.querySelector('[data-testid="cost-per-action"]').textContent === '$0.15 USD');
  await page.locator('[data-testid="w"]').fill('2048');
  // 2048 x 768 = 1.5 MP -> 2 MP x 0.025 = 0.05 per generation
  await page.waitForFunction(() => document.querySelector('[data-testid="cost-per-generation"]').textContent === '$0.05 USD');
  assert.equal(await page.evaluate(() => history.length), before);
  await urlWritten(page);
  assert.match(page.url(), /w=2048/);
  await page.close();
});

test('other query parameters of the page are kept', async () => {
  const page = await open(browser, `${site.url}/?utm_source=newsletter&model=fal-ai/flux/schnell`);
  await page.locator('[data-testid="retry"]').fill('10');
  await page.waitForFunction(() => location.search.includes('retry=10'));
  assert.match(page.url(), /utm_source=newsletter/);
  assert.match(await text(page, 'ignored'), /utm_source/);
  await page.close();
});

test('bad parameters show messages next to the field and keep the rest', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/veo3&sec=7&retry=abc&s2.model=fal-ai/flux/dev&s2.w=1024&s2.h=1024`);
  const errors = await text(page, 'error');
  assert.match(errors, /`sec`: "7" is not allowed for `fal-ai\/veo3`: one of 4, 6, 8/);
  assert.match(errors, /`retry`: "abc" is not allowed/);
  // what the user typed is kept, in the field and in the URL
  assert.equal(await page.locator('[data-testid="retry"]').inputValue(), 'abc');
  assert.equal(await page.locator('[data-testid="sec"]').inputValue(), '7');
  assert.match(page.url(), /retry=abc/);
  // the message sits next to the field
  const describedBy = await page.locator('[data-testid="retry"]').getAttribute('aria-describedby');
  assert.match(await page.locator(`#${describedBy}`).textContent(), /"abc" is not allowed/);
  // the valid step still works: flux/dev 1024x1024 = 1 MP x $0.025
  assert.equal(await page.locator('[data-testid="step-2"] [data-testid="step-cost-per-generation"]').textContent(), '$0.025 USD');
  // fixing the field brings the totals back: veo3 8 s with audio $3.20 + $0.025 = $3.225, shown to the cent
  await page.locator('[data-testid="retry"]').fill('0');
  await page.locator('[data-testid="sec"]').selectOption('8');
  await page.waitForFunction(() => document.querySelector('[data-testid="cost-per-action"]').textContent === '$3.23 USD');
  assert.equal(await page.locator('[data-testid="error"]').count(), 0);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a 100 % rejection rate and an unknown model are errors, not infinity or $0', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&retry=100&s2.model=nope/nothing`);
  const errors = await text(page, 'error');
  assert.match(errors, /a rejection rate of 100 % means no output is ever accepted/);
  assert.match(errors, /nope\/nothing/);
  assert.equal(await text(page, 'cost-per-action'), '—');
  await page.close();
});

test('a model without a published price says so plainly', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/stable-audio`);
  assert.match(await text(page, 'unknown'), /Price unknown/);
  assert.equal(await text(page, 'cost-per-action'), '—');
  await page.close();
});

test('a catalog URL served on loopback loads (a fal pricing-API response)', async () => {
  // 1920 x 1080 = 1.98 MP -> 2 MP x $0.025 = $0.05
  const page = await open(browser, `${site.url}/?catalog=${site.url}/fixtures/fal.json&model=fal-ai/flux/dev&w=1920&h=1080`);
  await page.waitForFunction(() => /Using the catalog/.test(document.querySelector('.gc-status')?.textContent || ''));
  assert.equal(await text(page, 'cost-per-generation'), '$0.05 USD');
  assert.match(page.url(), /catalog=/);
  await page.close();
});

test('a broken catalog URL falls back to the built-in catalog with a message', async () => {
  for (const fixture of ['broken.json', 'missing.json']) {
    const page = await open(browser, `${site.url}/?catalog=${site.url}/fixtures/${fixture}&model=fal-ai/veo3&sec=4&audio=off`);
    await page.waitForFunction(() => /Could not load/.test(document.querySelector('.gc-status')?.textContent || ''));
    const status = await page.locator('.gc-status').textContent();
    assert.match(status, fixture === 'missing.json' ? /HTTP 404/ : /not valid JSON/);
    // the built-in catalog stays in use: veo3 4 s without audio = 4 x $0.20
    assert.equal(await text(page, 'cost-per-action'), '$0.80 USD');
    await page.close();
  }
});

test('workflow steps can be added, reordered and removed', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&w=1024&h=1024`);
  await page.getByTestId('add-step').click();
  await page.locator('[data-testid="s2.model"]').selectOption('fal-ai/veo3');
  // $0.025 + veo3 defaults (8 s, audio on) 8 x 0.40 = $3.20 -> $3.225, shown as $3.23
  await page.waitForFunction(() => document.querySelector('[data-testid="cost-per-action"]').textContent === '$3.23 USD');
  await urlWritten(page);
  assert.match(page.url(), /s2\.model=fal-ai\/veo3/);
  await page.getByRole('button', { name: 'Move step 2 up' }).click();
  await page.waitForFunction(() => location.search.startsWith('?model=fal-ai/veo3'));
  await page.getByRole('button', { name: 'Remove step 1' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="cost-per-action"]').textContent === '$0.025 USD');
  assert.equal(await page.locator('fieldset.gc-step').count(), 1);
  await page.close();
});

test('a fallback model blends the cost per generation', async () => {
  // 0.9 x $0.025 (flux/dev 1 MP) + 0.1 x $0.04 (flux-pro v1.1 1 MP) = $0.0265
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&w=1024&h=1024&fallback=fal-ai/flux-pro/v1.1&failover=10`);
  assert.equal(await text(page, 'cost-per-generation'), '$0.0265 USD');
  assert.equal(await page.locator('[data-testid="failover"]').inputValue(), '10');
  await page.close();
});

test('keyboard only: pick a model, set its options and read the cost', async () => {
  const page = await open(browser, `${site.url}/`);
  // Tab to the model search, narrow to veo, tab to the picker and choose with the keyboard.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.type), 'search');
  await page.keyboard.type('veo3.1');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'model');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => location.search.includes('model=fal-ai/veo3.1'));
  // veo3.1 defaults: 8 s, audio on, 720p: 8 x $0.40 = $3.20; 20 % rejected -> x 1.25 = $4.00
  await page.waitForFunction(() => document.querySelector('[data-testid="cost-per-action"]').textContent === '$4.00 USD');
  // Tab through to the resolution select and pick 4k: 8 x $0.60 = $4.80 -> $6.00 per action
  for (let i = 0; i < 12 && (await page.evaluate(() => document.activeElement.dataset.testid)) !== 'resolution'; i++) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'resolution');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('[data-testid="cost-per-action"]').textContent === '$6.00 USD');
  await page.close();
});

test('axe-core finds no accessibility violations, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&retry=20&max=3&s2.model=fal-ai/veo3&fallback=fal-ai/flux/schnell&failover=5&s2.sec=7`, { colorScheme });
    await page.locator('details.gc-calc summary').click();
    const result = await new AxeBuilder({ page }).analyze();
    const summary = result.violations.map((v) => `${v.id}: ${v.nodes.length} node(s) ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`);
    assert.deepEqual(summary, [], `${colorScheme}: ${summary.join('\n')}`);
    await page.close();
  }
});

test('a 320 px phone gets no horizontal scrolling', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&s2.model=fal-ai/veo3.1`, { viewport: { width: 320, height: 640 } });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  if (process.env.SCREENSHOTS) await page.screenshot({ path: path.join(ROOT, 'tests/browser/phone.png'), fullPage: true });
  await page.close();
});

test('every published price of the shared table, as the page shows it', async () => {
  // tests/published-prices.json: the same rows the engine, CLI and wasm tests check; each row's
  // arithmetic from the provider's published price is in the file.
  const { rows } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/published-prices.json'), 'utf8'));
  assert.ok(rows.length > 0);
  const page = await open(browser, `${site.url}/`);
  for (const row of rows) {
    await page.goto(`${site.url}/?${row.query}`);
    await page.waitForFunction((want) => document.querySelector('[data-testid="cost-per-generation"]')?.dataset.exact === want,
      row.cost_per_generation, { timeout: 10000 }).catch(() => {});
    // a row whose figure never shows fails on its own query, not on a locator timeout
    const exact = await page.locator('[data-testid="cost-per-generation"]').getAttribute('data-exact', { timeout: 5000 }).catch(() => null);
    assert.equal(exact, row.cost_per_generation, `${row.query}: ${row.arithmetic}`);
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a retired model still quotes, says so, and leaves the picker\'s default list', async () => {
  // DALL-E 3 hd 1792x1024: $0.12, the price of the day OpenAI shut it down (2026-05-12)
  const page = await open(browser, `${site.url}/?model=openai/dall-e-3&quality=hd&w=1792&h=1024`);
  assert.equal(await text(page, 'cost-per-action'), '$0.12 USD');
  assert.equal(await text(page, 'step-retired'), 'Retired on 2026-05-12: the provider no longer serves it; use openai/gpt-image-1.');
  // the step's own picker shows the current model, marked
  const current = await page.locator('[data-testid="model"] option:checked').textContent();
  assert.match(current, /retired on 2026-05-12, use openai\/gpt-image-1/);
  // on a new model's picker it is not offered until searched for
  await page.goto(`${site.url}/?model=fal-ai/flux/dev`);
  await page.waitForSelector('[data-testid="cost-per-action"]');
  assert.equal(await page.locator('[data-testid="model"] option[value="openai/dall-e-3"]').count(), 0);
  await page.locator('input[type="search"]').first().fill('dall-e');
  await page.waitForFunction(() => document.querySelector('[data-testid="model"] option[value="openai/dall-e-3"]'));
  assert.deepEqual(page.problems, []);
  await page.close();
});
