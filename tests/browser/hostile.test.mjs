// What a link, a catalog or a page can do (issue 7): the page's own reproductions, each a defect
// that was found by trying to break gencost. Amounts are computed by hand in the comments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, serve, open, text, urlWritten, DIST } from './harness.mjs';

let browser, site, host;

/** A gencost catalog of one model, fal-ai/flux/dev, at `price` per megapixel (rounded up). */
const fluxAt = (price, edit = (m) => m) => JSON.stringify({
  format: 'gencost-catalog', version: 1, currency: 'USD',
  models: [edit({
    id: 'fal-ai/flux/dev', name: `FLUX at ${price}`, provider: 'test', kind: 'image',
    options: [{ name: 'w', min: '1', max: '14142', step: '1', default: '1024' }, { name: 'h', min: '1', max: '14142', step: '1', default: '768' }],
    billing: { lines: [{ label: 'output megapixels', quantity: { megapixels: ['w', 'h'] }, round_up_to: '1', min: '1', price }] },
    source: 'https://fal.ai/models/fal-ai/flux/dev', verified: '2026-11-23',
  })],
});

const json = (body, delay = 0) => (req, res) => setTimeout(() => res.writeHead(200, {
  'content-type': 'application/json', 'access-control-allow-origin': '*',
}).end(body), delay);

const FIXTURES = {
  '/fixtures/slow.json': json(fluxAt('0.05'), 1500),
  '/fixtures/fast.json': json(fluxAt('0.04')),
  // 1e27 per megapixel: a figure, and a month of it too large to compute
  '/fixtures/huge.json': json(fluxAt('1000000000000000000000000000')),
  '/fixtures/negative-min.json': json(fluxAt('0.025', (m) => ({ ...m, options: [{ ...m.options[0], min: '-79228162514264337593543950335' }, m.options[1]] }))),
  '/fixtures/javascript-source.json': json(fluxAt('0.025', (m) => ({ ...m, provider: 'imported', source: 'javascript:alert(document.domain)' }))),
};

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'build dist/ first (trunk build --release)');
  browser = await launch();
  site = await serve(DIST, { routes: FIXTURES, headers: () => ({ 'access-control-allow-origin': '*' }) });
  host = await serve(DIST, {
    routes: {
      '/host.html': (req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script type="module" src="${site.url}/embed.js"></script></head>
<body><main><h1>Pricing</h1>
<gencost-calculator id="a" model="fal-ai/flux/dev" w="1024" h="1024" n="4" retry="99.99999999999999999999999999"></gencost-calculator>
<gencost-calculator id="b" model="fal-ai/flux/dev" w="1024" h="1024" retry="20"></gencost-calculator>
</main></body></html>`),
      '/blank.html': (req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html lang="en"><head><title>Paste</title></head><body></body></html>'),
    },
  });
});

after(async () => {
  await browser?.close();
  await site?.close();
  await host?.close();
});

const status = (page) => page.locator('.gc-status').textContent();
const waitStatus = (page, re) => page.waitForFunction((src) => new RegExp(src).test(document.querySelector('.gc-status')?.textContent || ''), re.source, { timeout: 10000 });
const waitText = (page, id, want) => page.waitForFunction(([i, w]) => document.querySelector(`[data-testid="${i}"]`)?.textContent === w, [id, want], { timeout: 10000 });

test('1: copied embed code carries only the documented attributes, and pasting it runs nothing', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&tabindex=0&autofocus=&onfocus=window.__pwned%3D1&a+b%3D%22x=c`);
  await page.getByTestId('embed-code-toggle').click();
  const element = await page.getByTestId('embed-element').inputValue();
  const iframe = await page.getByTestId('embed-iframe').inputValue();
  assert.match(element, /<gencost-calculator model="fal-ai\/flux\/dev"><\/gencost-calculator>/);
  for (const bad of ['onfocus', 'tabindex', 'autofocus', '__pwned', 'a b']) {
    assert.ok(!element.includes(bad) && !iframe.includes(bad), `${bad} in ${element} ${iframe}`);
  }
  // Paste it on another page, as a pricing-page owner would: nothing runs, the widget works.
  const paste = await browser.newPage();
  await paste.goto(`${host.url}/blank.html`);
  await paste.evaluate((html) => { document.body.innerHTML = html.replace(/<script[^>]*><\/script>/, ''); }, element);
  await paste.addScriptTag({ type: 'module', url: `${site.url}/embed.js` });
  await paste.waitForFunction(() => document.querySelector('gencost-calculator')?.shadowRoot?.querySelector('[data-testid="cost-per-action"]')?.textContent === '$0.025 USD', null, { timeout: 15000 });
  assert.equal(await paste.evaluate(() => window.__pwned), undefined);
  await paste.close();
  await page.close();
});

test('2: a rate a hair below 100 % is a figure; the page lives on and follows the next edit', async () => {
  // r = 0.9999999999999999999999999999: 1 / (1 - r) = 1e28 attempts; 4 x $0.025 x 1e28 = $1e27
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&retry=99.99999999999999999999999999&n=4`);
  assert.equal(await text(page, 'cost-per-action'), '$1,000,000,000,000,000,000,000,000,000.00 USD');
  // typed into a working page: 4 x $0.025 x 1.25 = $0.125 -> $1e27 -> $0.125 again, URL in step
  await page.goto(`${site.url}/?model=fal-ai/flux/dev&w=1024&h=1024&n=4&retry=20`);
  await waitText(page, 'cost-per-action', '$0.125 USD');
  await page.getByTestId('retry').fill('99.99999999999999999999999999');
  await waitText(page, 'cost-per-action', '$1,000,000,000,000,000,000,000,000,000.00 USD');
  assert.match(page.url(), /retry=99\.99999999999999999999999999/);
  await page.getByTestId('retry').fill('20');
  await waitText(page, 'cost-per-action', '$0.125 USD');
  assert.match(page.url(), /retry=20(&|$)/);
  // a catalog price of $1e27 per MP: 1 MP -> $1e27, and a month of 1e9 actions is named as too large
  await page.goto(`${site.url}/?catalog=${site.url}/fixtures/huge.json&model=fal-ai/flux/dev&w=1024&h=1024&actions=1000000000`);
  await waitStatus(page, /Using the catalog/);
  await waitText(page, 'cost-per-action', '$1,000,000,000,000,000,000,000,000,000.00 USD');
  // 14: never a bare dash: the reason sits next to the actions field
  assert.equal(await text(page, 'monthly'), '—');
  assert.match(await text(page, 'error'), /monthly spend: the number is too large to compute exactly/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('2: one element with an extreme link does not freeze the others on the page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${host.url}/host.html`);
  const cost = (id) => page.evaluate((i) => document.querySelector(i).shadowRoot?.querySelector('[data-testid="cost-per-action"]')?.textContent, id);
  await page.waitForFunction(() => document.querySelector('#b').shadowRoot?.querySelector('[data-testid="cost-per-action"]')?.textContent === '$0.03125 USD', null, { timeout: 15000 });
  assert.equal(await cost('#a'), '$1,000,000,000,000,000,000,000,000,000.00 USD');
  // the other still follows edits: 0.025 / (1 - 0.5) = $0.05
  await page.locator('#b').locator('[data-testid="retry"]').fill('50');
  await page.waitForFunction(() => document.querySelector('#b').shadowRoot.querySelector('[data-testid="cost-per-action"]').textContent === '$0.05 USD');
  assert.deepEqual(problems, []);
  await context.close();
});

test('3, 10: a catalog the loader refuses is a message, never "Loading" forever', async () => {
  for (const [fixture, why] of [['negative-min.json', /min: "-79228162514264337593543950335" has a sign/], ['javascript-source.json', /source: "javascript:alert\(document.domain\)" is not an http/]]) {
    const page = await open(browser, `${site.url}/?catalog=${site.url}/fixtures/${fixture}&model=fal-ai/flux/dev&w=1024&h=1024`);
    await waitStatus(page, /Could not load/);
    assert.match(await status(page), why);
    // the built-in catalog is in use: 1 MP x $0.025
    assert.equal(await text(page, 'cost-per-generation'), '$0.025 USD');
    assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
    await page.close();
  }
});

test('5: what is typed while a slow catalog loads is kept when it arrives', async () => {
  const page = await open(browser, `${site.url}/?catalog=${site.url}/fixtures/slow.json&model=fal-ai/flux/dev&w=1024&h=1024`);
  await page.getByTestId('retry').fill('50');
  await page.getByTestId('n').fill('2');
  await waitStatus(page, /Using the catalog/);
  assert.equal(await page.getByTestId('retry').inputValue(), '50');
  assert.equal(await page.getByTestId('n').inputValue(), '2');
  // the slow catalog's $0.05 per MP: 2 x 0.05 / (1 - 0.5) = $0.20
  await waitText(page, 'cost-per-action', '$0.20 USD');
  assert.match(page.url(), /retry=50/);
  assert.match(page.url(), /n=2/);
  await page.close();
});

test('6: a stale catalog answer never replaces a newer choice on an element', async () => {
  const page = await browser.newPage();
  await page.goto(`${host.url}/blank.html`);
  await page.evaluate((base) => {
    const el = document.createElement('gencost-calculator');
    el.id = 'c';
    el.setAttribute('model', 'fal-ai/flux/dev');
    el.setAttribute('w', '1024');
    el.setAttribute('h', '1024');
    el.setAttribute('catalog', `${base}/fixtures/slow.json`);
    document.body.append(el);
  }, site.url);
  await page.addScriptTag({ type: 'module', url: `${site.url}/embed.js` });
  const cost = () => page.evaluate(() => document.querySelector('#c').shadowRoot?.querySelector('[data-testid="cost-per-action"]')?.textContent);
  const statusOf = () => page.evaluate(() => document.querySelector('#c').shadowRoot?.querySelector('.gc-status')?.textContent || '');
  await page.waitForFunction(() => document.querySelector('#c').shadowRoot?.querySelector('[data-testid="cost-per-action"]'), null, { timeout: 15000 });
  // slow (1.5 s, $0.05) then fast ($0.04): the fast one wins and stays after the slow one lands
  await page.evaluate((base) => document.querySelector('#c').setAttribute('catalog', `${base}/fixtures/fast.json`), site.url);
  await page.waitForFunction(() => document.querySelector('#c').shadowRoot.querySelector('[data-testid="cost-per-action"]').textContent === '$0.04 USD');
  await page.waitForTimeout(2000);
  assert.equal(await cost(), '$0.04 USD');
  assert.match(await statusOf(), /fast\.json/);
  // slow again, then no catalog at all: the built-in $0.025 stays after the slow answer lands
  await page.evaluate((base) => document.querySelector('#c').setAttribute('catalog', `${base}/fixtures/slow.json`), site.url);
  await page.evaluate(() => document.querySelector('#c').removeAttribute('catalog'));
  await page.waitForTimeout(2000);
  assert.equal(await cost(), '$0.025 USD');
  assert.doesNotMatch(await statusOf(), /slow/);
  await page.close();
});

test('7: a key given twice is an error naming it, kept in the URL until edited', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&w=1024&h=1024&retry=20&retry=50`);
  assert.match(await text(page, 'error'), /`retry` is given twice/);
  assert.equal(await text(page, 'cost-per-action'), '—');
  assert.match(page.url(), /retry=20&retry=50/);
  // typing replaces both: 0.025 / (1 - 0.5) = $0.05
  await page.getByTestId('retry').fill('50');
  await waitText(page, 'cost-per-action', '$0.05 USD');
  assert.equal(await page.getByTestId('error').count(), 0);
  assert.doesNotMatch(page.url(), /retry=20/);
  await page.close();
});

test('15: a ?catalog= URL is parsed, not prefix-matched', async () => {
  for (const url of ['http://127.0.0.1.invalid/c.json', 'http://localhost.invalid/c.json', 'http://127.0.0.1@evil.invalid/c.json']) {
    const requested = [];
    const page = await open(browser, `${site.url}/?catalog=${encodeURIComponent(url)}&model=fal-ai/flux/dev`);
    page.on('request', (r) => requested.push(r.url()));
    await waitStatus(page, /Catalog not loaded/);
    assert.match(await status(page), /is plain http: use an https:\/\/ URL/);
    await page.waitForTimeout(200);
    assert.ok(!requested.some((r) => r.includes('invalid')), requested.join(' '));
    await page.close();
  }
});

test('16: a step prefix that cannot be is an error, as in the CLI, and can be removed', async () => {
  const page = await open(browser, `${site.url}/?model=fal-ai/flux/dev&w=1024&h=1024&s1.model=x&s21.sec=4`);
  const errors = await text(page, 'error');
  assert.match(errors, /unknown key `s1\.model`: allowed step prefixes s2\. to s20\./);
  assert.match(errors, /unknown key `s21\.sec`/);
  assert.equal(await page.getByTestId('ignored').count(), 0);
  // the rest still works: 1 MP x $0.025
  assert.equal(await text(page, 'cost-per-generation'), '$0.025 USD');
  await page.getByTestId('remove-key').first().click();
  await page.getByTestId('remove-key').first().click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="error"]'));
  await urlWritten(page);
  assert.doesNotMatch(page.url(), /s1\.|s21\./);
  await page.close();
});
