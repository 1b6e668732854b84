// Embedding: a host page served from one loopback port, the widget (dist/) from another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { launch, serve, DIST } from './harness.mjs';

let browser, widget, host;

const hostPage = (w, body, { head = '' } = {}) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host pricing page</title>
<link rel="stylesheet" href="/host.css">${head}
<script type="module" src="${w}/embed.js"></script>
<script src="${w}/embed-host.js" async></script>
</head><body><nav><a id="host-link" href="#plans">Plans</a></nav><main><h1>Pricing</h1>${body}<p id="plans">Plans</p></main></body></html>`;

// Strict policy: no inline script or style, no eval; only the widget's origin and wasm compilation.
const csp = (w) => [
  "default-src 'none'",
  `script-src 'self' ${w} 'wasm-unsafe-eval'`,
  `style-src 'self' ${w}`,
  `connect-src ${w}`,
  `img-src 'self' ${w}`,
  `frame-src ${w}`,
].join('; ');

const inShadow = (page, selector, id) =>
  page.evaluate(([sel, testid]) => {
    const el = document.querySelector(sel);
    return el?.shadowRoot?.querySelector(`[data-testid="${testid}"]`)?.textContent ?? null;
  }, [selector, id]);

const waitShadow = (page, selector, id, expected) =>
  page.waitForFunction(([sel, testid, want]) => {
    const el = document.querySelector(sel);
    return el?.shadowRoot?.querySelector(`[data-testid="${testid}"]`)?.textContent === want;
  }, [selector, id, expected], { timeout: 15000 });

before(async () => {
  browser = await launch();
  // The widget's origin: serves dist/ with CORS, as a CDN would.
  widget = await serve(DIST, { headers: () => ({ 'access-control-allow-origin': '*' }) });
  const w = widget.url;
  const pages = {
    '/two.html': hostPage(w, `
      <gencost-calculator id="a" model="fal-ai/flux/dev" w="1024" h="768" retry="20"></gencost-calculator>
      <gencost-calculator id="b" query="model=fal-ai/veo3&amp;sec=8&amp;audio=on&amp;s2.model=fal-ai/flux/schnell&amp;s2.n=4" compact></gencost-calculator>`),
    '/iframe.html': hostPage(w, `<iframe id="f" title="calculator" src="${w}/?embed=1&model=fal-ai/veo3&sec=4&audio=off" width="100%" height="100"></iframe>`),
    '/csp.html': hostPage(w, `
      <gencost-calculator id="a" model="fal-ai/minimax/speech-02-turbo" chars="1500"></gencost-calculator>
      <iframe id="f" title="calculator" src="${w}/?embed=1&model=fal-ai/flux/schnell&w=1024&h=1024" width="100%" height="100"></iframe>`),
  };
  host = await serve(DIST, {
    routes: {
      ...Object.fromEntries(Object.entries(pages).map(([p, html]) => [p, (req, res) => {
        const headers = { 'content-type': 'text/html; charset=utf-8' };
        if (p === '/csp.html') headers['content-security-policy'] = csp(w);
        res.writeHead(200, headers).end(html);
      }])),
      '/host.css': (req, res) => res.writeHead(200, { 'content-type': 'text/css' })
        .end('body{font-family:serif} input,select,button{border:3px dotted red;font-family:cursive} .gc{display:none}'),
    },
  });
});

after(async () => {
  await browser?.close();
  await widget?.close();
  await host?.close();
});

async function newPage(path) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 404/.test(m.text())) page.problems.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) page.problems.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${host.url}${path}`);
  return page;
}

test('two element instances show their own costs and do not interfere', async () => {
  const page = await newPage('/two.html');
  // a: flux/dev 1024x768 = 0.75 MP -> 1 MP x $0.025 = $0.025; 20 % rejected: 0.025 / 0.8 = $0.03125
  await waitShadow(page, '#a', 'cost-per-action', '$0.03125 USD');
  assert.equal(await inShadow(page, '#a', 'cost-per-generation'), '$0.025 USD');
  // b: veo3 8 s with audio 8 x $0.40 = $3.20, plus 4 x flux/schnell 1 MP x $0.003 = $0.012 -> $3.212, shown $3.21
  await waitShadow(page, '#b', 'cost-per-action', '$3.21 USD');
  // editing one leaves the other alone
  await page.locator('#a').locator('[data-testid="retry"]').fill('50');
  await waitShadow(page, '#a', 'cost-per-action', '$0.05 USD');
  assert.equal(await inShadow(page, '#b', 'cost-per-action'), '$3.21 USD');
  // the host page's styles do not reach inside (its `.gc{display:none}` and dotted borders)
  const visible = await page.evaluate(() => getComputedStyle(document.querySelector('#a').shadowRoot.querySelector('.gc')).display);
  assert.notEqual(visible, 'none');
  const border = await page.evaluate(() => getComputedStyle(document.querySelector('#a').shadowRoot.querySelector('input')).borderTopStyle);
  assert.notEqual(border, 'dotted');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the host page URL, history and links are untouched', async () => {
  const page = await newPage('/two.html');
  await waitShadow(page, '#a', 'cost-per-action', '$0.03125 USD');
  const url = page.url();
  const length = await page.evaluate(() => history.length);
  await page.locator('#a').locator('[data-testid="retry"]').fill('10');
  await page.locator('#a').locator('[data-testid="add-step"]').click();
  await page.locator('#b').locator('[data-testid="n"]').fill('2');
  await page.waitForTimeout(200);
  assert.equal(page.url(), url);
  assert.equal(await page.evaluate(() => history.length), length);
  // a host link still navigates as the host wants
  await page.click('#host-link');
  await page.waitForFunction(() => location.hash === '#plans');
  assert.equal(await page.evaluate(() => history.length), length + 1);
  // the widget's own link points at the full calculator on the widget's origin
  const link = await page.evaluate(() => document.querySelector('#a').shadowRoot.querySelector('[data-testid="share-link"]').value);
  assert.ok(link.startsWith(`${widget.url}/?model=fal-ai/flux/dev`), link);
  await page.close();
});

test('changing an attribute updates the costs', async () => {
  const page = await newPage('/two.html');
  await waitShadow(page, '#a', 'cost-per-action', '$0.03125 USD');
  // 1920 x 1080 = 1.98 MP -> 2 MP x $0.025 = $0.05; / 0.8 = $0.0625
  await page.evaluate(() => { const a = document.querySelector('#a'); a.setAttribute('w', '1920'); a.setAttribute('h', '1080'); });
  await waitShadow(page, '#a', 'cost-per-action', '$0.0625 USD');
  // a whole new query: hailuo standard 10 s = $0.56 (a duration table)
  await page.evaluate(() => document.querySelector('#b').setAttribute('query', 'model=fal-ai/minimax/hailuo-2.3/standard/text-to-video&sec=10'));
  await waitShadow(page, '#b', 'cost-per-action', '$0.56 USD');
  await page.close();
});

test('the iframe shows its costs and its height follows its content', async () => {
  const page = await newPage('/iframe.html');
  const frame = page.frameLocator('#f');
  // veo3 4 s without audio = 4 x $0.20 = $0.80
  await frame.locator('[data-testid="cost-per-action"]').filter({ hasText: '$0.80 USD' }).waitFor();
  await page.waitForFunction(() => parseInt(document.querySelector('#f').style.height, 10) > 300);
  const h1 = await page.evaluate(() => parseInt(document.querySelector('#f').style.height, 10));
  await frame.locator('[data-testid="add-step"]').click();
  await page.waitForFunction((h) => parseInt(document.querySelector('#f').style.height, 10) > h + 100, h1);
  // the host page's own URL is untouched by the frame
  assert.equal(new URL(page.url()).pathname, '/iframe.html');
  assert.equal(new URL(page.url()).search, '');
  await page.close();
});

test('a host page with a strict Content-Security-Policy still works', async () => {
  const page = await newPage('/csp.html');
  const violations = [];
  await page.exposeFunction('reportViolation', (v) => violations.push(v));
  await page.evaluate(() => document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`)));
  // speech-02-turbo: 1,500 characters x $0.06 / 1,000 = $0.09
  await waitShadow(page, '#a', 'cost-per-action', '$0.09 USD');
  // the iframe: flux/schnell 1 MP x $0.003
  await page.frameLocator('#f').locator('[data-testid="cost-per-action"]').filter({ hasText: '$0.003 USD' }).waitFor();
  await page.locator('#a').locator('[data-testid="chars"]').fill('3000');
  await waitShadow(page, '#a', 'cost-per-action', '$0.18 USD');
  assert.deepEqual(violations, []);
  assert.deepEqual(page.problems.filter((p) => /Content Security Policy/i.test(p)), []);
  await page.close();
});

test('the calculator offers both embed snippets for the current state', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${widget.url}/?model=fal-ai/flux/dev&w=1024&h=768&retry=20`);
  await page.getByTestId('embed-code-toggle').click();
  const element = await page.getByTestId('embed-element').inputValue();
  assert.equal(element, `<script type="module" src="${widget.url}/embed.js"></script>\n<gencost-calculator model="fal-ai/flux/dev" w="1024" h="768" retry="20"></gencost-calculator>`);
  const iframe = await page.getByTestId('embed-iframe').inputValue();
  assert.ok(iframe.startsWith(`<iframe src="${widget.url}/?embed=1&amp;model=fal-ai/flux/dev&amp;w=1024&amp;h=768&amp;retry=20"`), iframe);
  await context.close();
});

test('axe-core finds no violations in the embedded calculators (shadow DOM and iframe)', async () => {
  for (const path of ['/two.html', '/iframe.html']) {
    const page = await newPage(path);
    if (path === '/two.html') await waitShadow(page, '#b', 'cost-per-action', '$3.21 USD');
    else await page.frameLocator('#f').locator('[data-testid="cost-per-action"]').filter({ hasText: '$0.80 USD' }).waitFor();
    const result = await new AxeBuilder({ page }).analyze();
    const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
    assert.deepEqual(summary, [], `${path}: ${summary.join('\n')}`);
    await page.close();
  }
});
