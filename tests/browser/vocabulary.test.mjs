// www/embed.js reads every attribute of <gencost-calculator> that its NOT_SCENARIO rule does not
// exclude as a share-URL key; the engine's vocabulary (src/engine/vocabulary.rs) lists the
// attributes the element documents. The two must agree: every documented attribute is read as a
// scenario key, and the element's own attributes are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.mjs';

const rust = fs.readFileSync(path.join(ROOT, 'src/engine/vocabulary.rs'), 'utf8');
const embed = fs.readFileSync(path.join(ROOT, 'www/embed.js'), 'utf8');

const listOf = (name) => {
  const m = rust.match(new RegExp(`pub const ${name}: \\[[^\\]]+\\] = \\[([\\s\\S]*?)\\];`));
  assert.ok(m, `${name} in vocabulary.rs`);
  return [...m[1].matchAll(/"([a-z_0-9]+)"/g)].map((x) => x[1]);
};

test('embed.js and the engine agree on the element\'s attributes', () => {
  const documented = listOf('ELEMENT_ATTRIBUTES');
  assert.ok(documented.includes('model') && documented.includes('catalog'));
  const m = embed.match(/const NOT_SCENARIO = (\/.*\/);/);
  assert.ok(m, 'NOT_SCENARIO in embed.js');
  const notScenario = eval(m[1]);
  for (const name of documented) assert.equal(notScenario.test(name), false, `${name} would be dropped by embed.js`);
  for (const own of ['query', 'compact', 'class', 'id', 'style', 'onclick', 'data-x', 'aria-label']) {
    assert.equal(notScenario.test(own), true, `${own} would be read as a scenario key`);
  }
  // the step keys of the vocabulary are among the documented attributes
  const standard = [...rust.matchAll(/\("([a-z_]+)", "[^"]+"\)/g)].map((x) => x[1]);
  // every standard option is an attribute, but for HTML's own attribute names (`style`), which
  // travel in `query`
  for (const name of standard) {
    if (notScenario.test(name)) assert.ok(!documented.includes(name), `${name} is an HTML attribute`);
    else assert.ok(documented.includes(name), `${name}: a standard option missing from ELEMENT_ATTRIBUTES`);
  }
});
