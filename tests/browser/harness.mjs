// Shared pieces of the browser tests: Debian's chromium driven by playwright-core, the release
// build served on loopback.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export { serve };

/** Opens `url` and waits until the calculator has shown a cost or an error. */
export async function open(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.on('close', () => context.close().catch(() => {}));
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico') && !r.url().includes('/fixtures/')) problems.push(`${r.status()} ${r.url()}`); });
  page.problems = problems;
  await page.goto(url);
  await page.waitForSelector('[data-testid="cost-per-action"]');
  return page;
}

export const text = (page, id) => page.locator(`[data-testid="${id}"]`).first().textContent();

/** Waits for the task after an edit, where the page writes the address bar (`replaceState`). */
export const urlWritten = (page) => page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
