import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { BOARD_FIELDS, MANIFEST_FIELDS, type FieldSpec } from '../../server/src/manifest/keys.ts';
import { UNITS } from '../../server/src/manifest/units.ts';

const root = resolve(__dirname, '../..');
const schema = JSON.parse(readFileSync(join(root, 'schemas/tinyml-manifest.schema.json'), 'utf8')) as Schema;

interface Schema {
  properties?: Record<string, Schema>;
  definitions?: Record<string, Schema>;
  oneOf?: Schema[];
  description?: string;
  pattern?: string;
  required?: string[];
  additionalProperties?: boolean;
  $ref?: string;
  type?: string;
}

/** Every field of a key table and its description in the schema object describing it. */
function compare(fields: Readonly<Record<string, FieldSpec>>, object: Schema, where: string): void {
  assert.equal(object.additionalProperties, false, `${where}: unknown keys must be rejected, as the server does`);
  assert.deepEqual(Object.keys(object.properties ?? {}).sort(), Object.keys(fields).sort(), `${where}: keys differ`);
  for (const [name, spec] of Object.entries(fields)) {
    const prop = object.properties?.[name];
    assert.ok(prop);
    assert.equal(prop.description, spec.doc, `${where}.${name}: description differs`);
    if (spec.value.type === 'section') compare(spec.value.fields, prop, `${where}.${name}`);
    if (spec.value.type === 'quantity') assert.equal(prop.$ref, `#/definitions/${spec.value.kind}`, `${where}.${name}`);
    if (spec.value.type === 'integer') assert.equal(prop.type, 'integer', `${where}.${name}`);
  }
  const required = Object.entries(fields).filter(([, f]) => f.required).map(([k]) => k).sort();
  assert.deepEqual([...(object.required ?? [])].sort(), required, `${where}: required keys differ`);
}

test('the JSON Schema has the same keys, descriptions and requirements as the server', () => {
  compare(MANIFEST_FIELDS, schema, 'manifest');
  const board = schema.properties?.target?.oneOf?.find((s) => s.type === 'object');
  assert.ok(board, 'target must accept an inline board');
  compare(BOARD_FIELDS, board, 'target');
});

test('the schema unit patterns accept exactly the units the parser accepts', () => {
  for (const [kind, units] of Object.entries(UNITS)) {
    const pattern = new RegExp(schema.definitions?.[kind]?.pattern ?? '^$');
    for (const unit of Object.keys(units)) assert.ok(pattern.test(`12.5${unit}`), `${kind}: ${unit}`);
    assert.ok(!pattern.test('12.5'), `${kind}: a bare number must be rejected`);
    assert.ok(!pattern.test('12.5xB'), `${kind}: an unknown unit must be rejected`);
  }
});
