import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseManifest } from '../../server/src/manifest/parse.ts';
import { suggest } from '../../server/src/manifest/suggest.ts';
import type { ManifestProblem } from '../../server/src/manifest/types.ts';

const root = resolve(__dirname, '../..');

/** The problems of a text as `code@path` strings (order of appearance), for compact assertions. */
function problems(text: string): string[] {
  return parseManifest(text).problems.map((p) => `${p.code}@${'path' in p ? p.path : ''}`);
}

/** The text a problem's span covers. */
function spanText(text: string, p: ManifestProblem): string {
  return text.slice(p.span.start, p.span.end);
}

const FULL = `model: models/kws_int8.tflite
target: nrf52840
runtime: tflm-cmsis-nn
clock: 64MHz
budgets: {ram: 180KiB, flash: 600KiB, latency: 50ms, energy: 2mJ}
reserve: {ram: 24KiB, flash: 120KiB}
cloud: {link: ble, inferences_per_day: 1440, input_bytes: 16000}
`;

test('the issue-4 example manifest parses without problems into typed values', () => {
  const { manifest, problems } = parseManifest(FULL);
  assert.deepEqual(problems, []);
  assert.equal(manifest.model?.value, 'models/kws_int8.tflite');
  assert.deepEqual(manifest.target?.value, { kind: 'id', id: 'nrf52840' });
  assert.equal(manifest.runtime?.value, 'tflm-cmsis-nn');
  assert.equal(manifest.clock?.value.value, 64e6);
  assert.equal(manifest.budgets.ram?.value.value, 180 * 1024);
  assert.equal(manifest.budgets.flash?.value.value, 600 * 1024);
  assert.equal(manifest.budgets.latency?.value.value, 0.05);
  assert.equal(manifest.budgets.energy?.value.value, 0.002);
  assert.equal(manifest.reserve.ram?.value.value, 24 * 1024);
  assert.equal(manifest.cloud.inferences_per_day?.value, 1440);
  assert.equal(manifest.cloud.link?.value, 'ble');
});

test('spans cover exactly the value text and the key text', () => {
  const { manifest } = parseManifest(FULL);
  const ram = manifest.budgets.ram;
  assert.ok(ram);
  assert.equal(FULL.slice(ram.span.start, ram.span.end), '180KiB');
  assert.equal(FULL.slice(ram.keySpan.start, ram.keySpan.end), 'ram');
  const model = manifest.model;
  assert.ok(model);
  assert.equal(FULL.slice(model.span.start, model.span.end), 'models/kws_int8.tflite');
});

test('an inline board is typed, and its missing sram/flash are reported on the target key', () => {
  const text = 'model: m.tflite\ntarget: {sram: 256KiB, flash: 1MiB, core: cortex-m4f, clock: 64MHz}\n';
  const { manifest, problems: ps } = parseManifest(text);
  assert.deepEqual(ps, []);
  const t = manifest.target?.value;
  assert.ok(t?.kind === 'inline');
  assert.equal(t.board.sram?.value.value, 256 * 1024);
  assert.equal(t.board.flash?.value.value, 1024 * 1024);
  assert.equal(t.board.core?.value, 'cortex-m4f');
  assert.equal(t.board.clock?.value.value, 64e6);
  assert.deepEqual(problems('model: m.tflite\ntarget: {core: cortex-m0}\n'), ['missing-key@target.sram', 'missing-key@target.flash']);
});

test('block and flow YAML give the same manifest, and JSON too', () => {
  const block = 'model: a.tflite\nbudgets:\n  ram: 100KiB\n  flash: 1MiB\n';
  const flow = 'model: a.tflite\nbudgets: {ram: 100KiB, flash: 1MiB}\n';
  const json = '{"model": "a.tflite", "budgets": {"ram": "100KiB", "flash": "1MiB"}}';
  const values = (t: string) => {
    const m = parseManifest(t).manifest;
    return [m.model?.value, m.budgets.ram?.value.value, m.budgets.flash?.value.value];
  };
  assert.deepEqual(values(block), ['a.tflite', 102400, 1048576]);
  assert.deepEqual(values(flow), values(block));
  assert.deepEqual(values(json), values(block));
});

test('unknown keys are located and come with did-you-mean, at every level', () => {
  const text = 'model: a.tflite\nruntme: tflm-reference\nbudgets:\n  latncy: 5ms\n';
  const ps = parseManifest(text).problems;
  assert.deepEqual(ps.map((p) => p.code), ['unknown-key', 'unknown-key']);
  const [top, nested] = ps;
  assert.ok(top?.code === 'unknown-key' && nested?.code === 'unknown-key');
  assert.equal(spanText(text, top), 'runtme');
  assert.deepEqual(top.suggestions, ['runtime']);
  assert.equal(nested.path, 'budgets.latncy');
  assert.deepEqual(nested.suggestions, ['latency']);
});

test('bad units are located on the value and keep the valid rest', () => {
  const text = 'model: a.tflite\nbudgets: {ram: 180, flash: 600kb, latency: 50MHz, energy: 2mJ}\n';
  const { manifest, problems: ps } = parseManifest(text);
  assert.deepEqual(ps.map((p) => `${p.code}:${spanText(text, p)}`), ['bad-unit:180', 'bad-unit:600kb', 'bad-unit:50MHz']);
  assert.equal(manifest.budgets.energy?.value.value, 0.002);
  assert.equal(manifest.budgets.ram, undefined);
});

test('wrong types: a list for a section, a number for the model, text for an integer', () => {
  assert.deepEqual(problems('model: 42\nbudgets: [1, 2]\ncloud: {inferences_per_day: often}\n'), [
    'wrong-type@model',
    'wrong-type@budgets',
    'wrong-type@cloud.inferences_per_day',
  ]);
  assert.deepEqual(problems('- model: a'), ['wrong-type@']);
  assert.deepEqual(problems('model: a.tflite\ntarget: [1]\n'), ['wrong-type@target']);
});

test('a missing model is reported once; an empty file is a manifest to be written, not a crash', () => {
  assert.deepEqual(problems('runtime: tflm-reference\n'), ['missing-key@model']);
  assert.deepEqual(problems(''), ['missing-key@model']);
  assert.deepEqual(problems('# just a comment\n'), ['missing-key@model']);
});

test('YAML syntax errors and duplicate keys are located syntax problems', () => {
  const ps = parseManifest('model: a.tflite\nmodel: b.tflite\n').problems;
  assert.equal(ps[0]?.code, 'syntax');
  assert.equal(ps[0]?.span.start, 16);
  assert.ok(parseManifest('model: [unclosed\n').problems.some((p) => p.code === 'syntax'));
});

test('a section being typed (`budgets:` with nothing yet) is not an error', () => {
  assert.deepEqual(problems('model: a.tflite\nbudgets:\n'), []);
});

test('parsing never throws, whatever the bytes (seeded garbage, truncations of a real manifest)', () => {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  const alphabet = 'model:{}[],"\'#&*!|>-? \n\t\\abc0123456789KiB%@`';
  for (let i = 0; i < 500; i++) {
    const n = next() % 80;
    let s = '';
    for (let j = 0; j < n; j++) s += alphabet[next() % alphabet.length];
    assert.doesNotThrow(() => parseManifest(s), JSON.stringify(s));
  }
  for (let i = 0; i <= FULL.length; i++) assert.doesNotThrow(() => parseManifest(FULL.slice(0, i)));
});

test('suggestions: close edits and shared prefixes, nothing for unrelated words', () => {
  assert.deepEqual(suggest('tflm-cmsisnn', ['tflm-reference', 'tflm-cmsis-nn']), ['tflm-cmsis-nn']);
  assert.deepEqual(suggest('tflm', ['tflm-reference', 'tflm-cmsis-nn']).sort(), ['tflm-cmsis-nn', 'tflm-reference']);
  assert.deepEqual(suggest('banana', ['ram', 'flash', 'latency', 'energy']), []);
});

test('the bundled example manifest parses cleanly', () => {
  const text = readFileSync(join(root, 'examples/kws.tinyml.yaml'), 'utf8');
  assert.deepEqual(parseManifest(text).problems, []);
});

test('server/src/manifest stays pure: no editor, LSP, file-system or Node imports', () => {
  const dir = join(root, 'server/src/manifest');
  const forbidden = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](vscode[^'"]*|node:[^'"]+|fs|path|os|child_process)['"]/;
  const files = readdirSync(dir).filter((n) => n.endsWith('.ts'));
  assert.ok(files.includes('parse.ts'));
  for (const name of files) {
    const text = readFileSync(join(dir, name), 'utf8');
    assert.ok(!forbidden.test(text), `${name} imports a forbidden module`);
  }
});
