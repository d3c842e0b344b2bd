/**
 * Terminal output from a model with hostile names (issue 14): a custom op named with ANSI and OSC escape sequences,
 * tensor and signature names with newlines and a bidi override. Nothing the CLI prints (analyze, fit, compile's and
 * the reader's errors; text, JSON and SARIF) may hold a control character other than newline and tab; text output
 * spells them (`\x1b`), JSON output keeps the exact names as data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { cli } from './helpers/cli.js';

const OSC = '\u001b]0;pwned\u0007';
const CSI = '\u001b[2J\u001b[31m';
const OP = `Evil${OSC}${CSI}\u009b1m\u202eop\nFAKE LINE`;
const TENSOR = `t\u001b[1m\r\nname\u2028`;
/** Control characters a terminal acts on: everything in C0 but newline and tab, DEL, C1, the bidi controls. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const dir = mkdtempSync(join(tmpdir(), 'tinyml-escape-terminal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function hostileModel(): Uint8Array {
  const m = new ModelBuilder({ description: OP });
  const g = m.subgraph(TENSOR);
  const x = g.input({ name: TENSOR, shape: [1, 4], dtype: 'FLOAT32' });
  const h = g.customOp(OP, { inputs: [x], output: { name: `${TENSOR}h`, shape: [1, 4], dtype: 'FLOAT32' } });
  const y = g.op('ADD', { inputs: [h, x], output: { name: `${TENSOR}y`, shape: [1, 4], dtype: 'FLOAT32' }, options: { fusedActivationFunction: 'NONE' } });
  g.output(y);
  m.signatureDef(OP, g, [{ name: TENSOR, tensor: x }], [{ name: OP, tensor: y }]);
  return m.finish();
}
const path = join(dir, `m${CSI}.tflite`);
writeFileSync(path, hostileModel());

const clean = (r: { out: string; err: string }, what: string): void => {
  assert.doesNotMatch(r.out, CONTROLS, `${what}: stdout ${JSON.stringify(r.out.slice(0, 400))}`);
  assert.doesNotMatch(r.err, CONTROLS, `${what}: stderr ${JSON.stringify(r.err.slice(0, 400))}`);
};

test('analyze text: the custom op is named with its escapes spelled out, on its own row', () => {
  const r = cli('analyze', path, '--runtime', 'tflm-reference');
  assert.equal(r.code, 1, r.err);
  clean(r, 'analyze');
  assert.ok(r.out.includes('Evil\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31m\\u009b1m\\u202eop\\x0aFAKE LINE'), r.out);
  assert.ok(!r.out.split('\n').some((l) => l.startsWith('FAKE LINE')), 'a newline in a name starts no line');
});

test('analyze json and sarif: valid JSON holding the exact names, and no control character on the terminal', () => {
  const json = cli('analyze', path, '--runtime', 'tflm-reference', '--format', 'json');
  clean(json, 'json');
  const doc = JSON.parse(json.out) as { model: string; layers: { op: string }[]; unsupportedOps: { op: string }[] };
  assert.equal(doc.model, path);
  assert.ok(doc.layers.some((l) => l.op === `CUSTOM:${OP}`), JSON.stringify(doc.layers.map((l) => l.op)));
  const sarif = cli('analyze', path, '--runtime', 'tflm-reference', '--format', 'sarif');
  clean(sarif, 'sarif');
  const log = JSON.parse(sarif.out) as { runs: { results: { message: { text: string } }[] }[] };
  assert.ok(log.runs[0]!.results.some((x) => x.message.text.includes(OP)), 'the SARIF message keeps the name as data');
});

test('analyze --target and fit: per-layer verdicts and the target table print no control character', () => {
  const targeted = cli('analyze', path, '--runtime', 'tflm-cmsis-nn', '--target', 'nrf52840');
  clean(targeted, 'analyze --target');
  assert.ok(targeted.out.includes('Evil\\x1b'), targeted.out);
  const fit = cli('fit', path);
  clean(fit, 'fit');
  assert.ok(fit.out.includes('m\\x1b[2J\\x1b[31m.tflite'), fit.out);
});

test('errors quoting the model or its path: compile, a malformed model, a missing file', () => {
  const compile = cli('compile', path, '--out', join(dir, 'out'));
  assert.equal(compile.code, 1);
  clean(compile, 'compile');
  assert.match(compile.err, /Evil\\x1b/);
  const bad = join(dir, `bad${OSC}.tflite`);
  writeFileSync(bad, new Uint8Array([1, 2, 3]));
  const malformed = cli('analyze', bad);
  assert.equal(malformed.code, 2);
  clean(malformed, 'malformed');
  assert.match(malformed.err, /bad\\x1b\]0;pwned\\x07\.tflite/);
  const missing = cli('analyze', join(dir, `none${CSI}.tflite`));
  assert.equal(missing.code, 2);
  clean(missing, 'missing');
  const usage = cli('compile', path, '--name', `x${CSI}`);
  assert.equal(usage.code, 2);
  clean(usage, 'usage');
});
