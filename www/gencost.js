// gencost as a JavaScript module: the engine of the calculator (the same wasm), without the
// widget. Works in browsers and in Node 20 or later; loading it never mounts the calculator.
//
//   import * as gencost from './gencost.js';
//   await gencost.load();
//   const q = gencost.quote('model=fal-ai/flux/dev&w=1024&h=768&retry=20');
//   q.cost_per_action; // "0.03125" (amounts are decimal strings, never floats)
//
// Errors are thrown as Error objects whose message is the engine's one line; `key` names the
// share-URL key at fault when there is one (`err.key === 'retry'`).
import init, * as wasm from './gencost-web.js';

let ready = null;

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/** Loads the engine once (later calls return the same promise). */
export function load() {
  ready ??= (async () => {
    const url = new URL('./gencost-web_bg.wasm', import.meta.url);
    if (isNode && url.protocol === 'file:') {
      const { readFile } = await import('node:fs/promises');
      await init({ module_or_path: await readFile(url) });
    } else {
      await init({ module_or_path: url });
    }
  })();
  return ready;
}

function loaded() {
  if (!wasm.gencostQuote || ready === null) {
    throw new Error('gencost is not loaded: await load() first');
  }
}

const parse = (text) => JSON.parse(text);

/** The quote of a share URL or query string: the CLI's `quote --json` shape. */
export function quote(query, catalogJson) {
  loaded();
  return parse(wasm.gencostQuote(String(query), catalogJson ?? undefined));
}

/** Every model of the catalog: the CLI's `models --json` shape. */
export function models(catalogJson) {
  loaded();
  return parse(wasm.gencostModels(catalogJson ?? undefined));
}

/** The alternatives of step `step` (1-based, 1 by default): the CLI's `compare --json` shape. */
export function compare(query, step, catalogJson) {
  loaded();
  return parse(wasm.gencostCompare(String(query), step ?? undefined, catalogJson ?? undefined));
}

/** One generation's bill: `{model, options, lines: [...], cost}`. */
export function price(model, options, catalogJson) {
  loaded();
  return parse(wasm.gencostPrice(String(model), JSON.stringify(options ?? {}), catalogJson ?? undefined));
}

/** The report of a usage log (JSON Lines or CSV text): the CLI's `usage --json` shape. */
export function usage(logText, catalogJson) {
  loaded();
  return parse(wasm.gencostUsage(String(logText), catalogJson ?? undefined));
}
