// The published JSON Schema (www/catalog.schema.json) accepts the default catalog and rejects
// catalogs the engine rejects, so a pricing-page owner can trust it in an editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { ROOT } from './harness.mjs';

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'www/catalog.schema.json'), 'utf8'));
const catalog = JSON.parse(fs.readFileSync(path.join(ROOT, 'www/catalog.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strictRequired: false }).compile(schema);

test('the default catalog conforms to the published schema', () => {
  assert.ok(validate(catalog), JSON.stringify(validate.errors, null, 1));
  assert.ok(catalog.models.length > 0);
});

test('the schema rejects what the engine rejects', () => {
  const bad = (edit) => {
    const c = structuredClone(catalog);
    edit(c.models[0]);
    return validate(c);
  };
  assert.equal(bad((m) => { m.billing.lines[0].price = 0.025; }), false, 'a price as a JSON number');
  assert.equal(bad((m) => { m.kind = 'picture'; }), false, 'an unknown kind');
  assert.equal(bad((m) => { m.prce = '1'; }), false, 'an unknown field');
  assert.equal(bad((m) => { delete m.source; }), false, 'no source');
  assert.equal(bad((m) => { m.verified = 'yesterday'; }), false, 'not a date');
  assert.equal(bad((m) => { m.billing = {}; }), false, 'an empty billing rule');
});

// The same invalid catalogs the loader refuses (tests/hostile.rs reads this file too): every case
// the schema can express is refused by the schema as well.
test('the schema and the loader refuse the same invalid catalogs', () => {
  const { cases } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/fixtures/invalid-catalogs.json'), 'utf8'));
  assert.ok(cases.length >= 20);
  for (const c of cases) {
    const valid = validate(c.catalog);
    if (c.schema_rejects) assert.equal(valid, false, `${c.case}: the schema accepted it`);
    // The others are beyond what a JSON Schema pattern says (calendar days, 28 digits, table
    // keys equal as numbers): the loader refuses them alone, and this says so.
    else assert.equal(valid, true, `${c.case}: now refused by the schema too; set schema_rejects`);
  }
});
