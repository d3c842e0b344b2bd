import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { CodegenError, generateTflmProject, identifierFor, resolverMethods, type CodegenOptions } from '../../server/src/codegen/tflm.js';
import resolverJson from '../../server/src/codegen/tflm-resolver.json';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import opsTflm from '../../server/src/targets/data/ops-tflm.json';
import { cli } from './helpers/cli.js';
import { powModel } from './helpers/models.js';

const root = resolve(__dirname, '../..');
const kwsBytes = buildKwsDsCnnInt8();
const kws = readTflite(kwsBytes);
const options = (over: Partial<CodegenOptions> = {}): CodegenOptions => ({
  name: 'kws', modelFile: 'kws.tflite', runtime: 'tflm-cmsis-nn', kernels: 'tflm-cmsis-nn', marginPercent: 0, toolVersion: 'test', ...over,
});
const file = (r: { files: { path: string; text: string }[] }, path: string): string => {
  const f = r.files.find((x) => x.path === path);
  assert.ok(f, `no ${path} in ${r.files.map((x) => x.path).join(', ')}`);
  return f.text;
};

test('the model array holds exactly the model bytes, 16-byte aligned, with its length', () => {
  const r = generateTflmProject(kwsBytes, kws, analyzeModel(kws, 'tflm-cmsis-nn'), options());
  const text = file(r, 'kws_model_data.cc');
  assert.match(text, /alignas\(16\) const unsigned char g_kws_model_data\[\] = \{/);
  const body = text.slice(text.indexOf('{') + 1, text.lastIndexOf('}'));
  const bytes = Uint8Array.from(body.match(/0x[0-9a-f]{2}/g)!.map((h) => Number.parseInt(h, 16)));
  assert.deepEqual(bytes, kwsBytes);
  assert.match(text, new RegExp(`g_kws_model_data_len = ${kwsBytes.length};`));
});

test('the resolver registers each operator the model uses once, with its TFLM method, sized to match', () => {
  const r = generateTflmProject(kwsBytes, kws, analyzeModel(kws, 'tflm-cmsis-nn'), options());
  const ops = file(r, 'kws_ops.h');
  const used = [...new Set(kws.subgraphs.flatMap((sg) => sg.operators.map((o) => o.opName)))];
  const calls = [...ops.matchAll(/resolver\.(\w+)\(\)\);\s+\/\/ (\S+)/g)].map((m) => [m[2], m[1]]);
  assert.deepEqual(calls.map(([op]) => op).sort(), used.sort());
  for (const [op, method] of calls) assert.equal(method, (resolverJson.builtins as Record<string, string>)[op!]);
  assert.match(ops, new RegExp(`MicroMutableOpResolver<${used.length}>`));
});

test('the arena is the minimum rounded up to 16 bytes, plus the margin; the header states the figures', () => {
  const report = analyzeModel(kws, 'tflm-cmsis-nn');
  const min = report.memory.minArenaBytes;
  const plain = generateTflmProject(kwsBytes, kws, report, options());
  assert.equal(plain.arenaBytes, Math.ceil(min / 16) * 16);
  assert.ok(plain.arenaBytes - min < 16 && plain.arenaBytes % 16 === 0);
  const arena = file(plain, 'kws_arena.h');
  assert.match(arena, new RegExp(`kKwsArenaSize = ${plain.arenaBytes};`));
  assert.match(arena, new RegExp(`kKwsArenaUsedBytes = ${report.memory.arenaUsedBytes};`));
  assert.match(arena, new RegExp(`is ${min} bytes`));
  const margin = generateTflmProject(kwsBytes, kws, report, options({ marginPercent: 10 }));
  assert.equal(margin.arenaBytes, Math.ceil((min * 1.1) / 16) * 16);
  assert.throws(() => generateTflmProject(kwsBytes, kws, report, options({ marginPercent: 150 })), (e: unknown) => e instanceof CodegenError && e.code === 'bad-margin');
});

test('the reference kernels give their own arena figure', () => {
  const ref = analyzeModel(kws, 'tflm-reference');
  const r = generateTflmProject(kwsBytes, kws, ref, options({ runtime: 'tflm-reference', kernels: 'tflm-reference' }));
  assert.equal(r.arenaBytes, Math.ceil(ref.memory.minArenaBytes / 16) * 16);
  assert.match(file(r, 'README.md'), /reference kernels/);
  assert.deepEqual(r.notes, []);
});


test('a model TFLM cannot run gets no code: the error names the op, type and layer', () => {
  const bytes = powModel();
  const model = readTflite(bytes);
  assert.throws(() => generateTflmProject(bytes, model, analyzeModel(model, 'tflm-reference'), options({ kernels: 'tflm-reference' })),
    (e: unknown) => e instanceof CodegenError && e.code === 'unsupported-op' && /POW \(FLOAT32\) at subgraph 0 layer 0/.test(e.message));
});

function customModel(code: string): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 8], dtype: 'INT8', quant: { scale: [0.1], zeroPoint: [0] } });
  g.output(g.customOp(code, { inputs: [x], output: { name: 'y', shape: [1, 8], dtype: 'INT8', quant: { scale: [0.1], zeroPoint: [0] } } }));
  return m.finish();
}

test('custom ops map to their registration methods; one TFLM does not have is refused by name', () => {
  assert.deepEqual(resolverMethods(readTflite(customModel('ethos-u'))), [{ op: 'ethos-u', method: 'AddEthosU' }]);
  assert.deepEqual(resolverMethods(readTflite(customModel('TFLite_Detection_PostProcess'))), [{ op: 'TFLite_Detection_PostProcess', method: 'AddDetectionPostprocess' }]);
  assert.throws(() => resolverMethods(readTflite(customModel('MyCustomOp'))), (e: unknown) => e instanceof CodegenError && e.code === 'no-kernel' && /'MyCustomOp'/.test(e.message));
});

test('for ethos-u the NPU op is registered, not refused, and the arena is labelled an estimate', () => {
  const bytes = customModel('ethos-u');
  const model = readTflite(bytes);
  const report = analyzeModel(model, 'tflm-cmsis-nn');
  assert.ok(report.unsupportedOps.some((u) => u.op === 'CUSTOM:ethos-u'), 'the memory model has no Ethos-U kernel');
  assert.throws(() => generateTflmProject(bytes, model, report, options()), (e: unknown) => e instanceof CodegenError && e.code === 'unsupported-op');
  const r = generateTflmProject(bytes, model, report, options({ runtime: 'ethos-u' }));
  assert.match(file(r, 'kws_ops.h'), /resolver\.AddEthosU\(\)/);
  assert.ok(r.notes.some((n) => /estimate/.test(n)) && r.notes.some((n) => /Ethos-U kernel/.test(n)));
});

test('every operator of the TFLM op table has a resolver method (the two tables agree)', () => {
  // The op table names custom ops 'CUSTOM:<code>'.
  const table = new Set([...Object.keys(resolverJson.builtins), ...Object.keys(resolverJson.customs).map((c) => `CUSTOM:${c}`)]);
  const ops = (opsTflm as { ops: { op: string }[] }).ops.map((o) => o.op);
  assert.deepEqual(ops.filter((op) => !table.has(op)), []);
  assert.deepEqual([...table].filter((op) => !ops.includes(op)), []);
});

test('identifiers come from the file name, as C needs them', () => {
  assert.equal(identifierFor('models/person_detect.tflite'), 'person_detect');
  assert.equal(identifierFor('C:\\m\\MobileNet-V2 (int8).tflite'), 'mobilenet_v2_int8');
  assert.equal(identifierFor('2024_kws.tflite'), 'model_2024_kws');
  assert.equal(identifierFor('---.tflite'), 'model');
  assert.throws(() => generateTflmProject(kwsBytes, kws, analyzeModel(kws, 'tflm-cmsis-nn'), options({ name: 'Bad-Name' })), (e: unknown) => e instanceof CodegenError && e.code === 'bad-name');
});

test('compile writes the sources, then refuses to overwrite them without --force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-compile-'));
  const out = join(dir, 'out');
  const model = join(root, 'examples/kws_dscnn_int8.tflite');
  const first = cli('compile', model, '--out', out);
  assert.equal(first.code, 0, first.err);
  const files = readdirSync(out).sort();
  assert.deepEqual(files, ['README.md', 'kws_dscnn_int8_arena.h', 'kws_dscnn_int8_example.cc', 'kws_dscnn_int8_model_data.cc', 'kws_dscnn_int8_model_data.h', 'kws_dscnn_int8_ops.h']);
  assert.match(first.out, /tensor arena .* \(tflm-cmsis-nn kernels\)/);
  writeFileSync(join(out, 'kws_dscnn_int8_ops.h'), 'my edits');
  const again = cli('compile', model, '--out', out);
  assert.equal(again.code, 2);
  assert.match(again.err, /not overwriting 6 existing files/);
  assert.equal(readFileSync(join(out, 'kws_dscnn_int8_ops.h'), 'utf8'), 'my edits');
  const forced = cli('compile', model, '--out', out, '--force', '--runtime', 'tflm-reference', '--arena-margin', '5%');
  assert.equal(forced.code, 0, forced.err);
  assert.match(readFileSync(join(out, 'kws_dscnn_int8_ops.h'), 'utf8'), /MicroMutableOpResolver/);
  assert.match(readFileSync(join(out, 'kws_dscnn_int8_arena.h'), 'utf8'), /\+5% margin/);
});

test('compile: an unsupported model exits 1 and writes nothing; bad options exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-compile-'));
  const pow = join(dir, 'pow.tflite');
  writeFileSync(pow, powModel());
  const r = cli('compile', pow);
  assert.equal(r.code, 1);
  assert.match(r.err, /POW \(FLOAT32\)/);
  assert.equal(existsSync(join(dir, 'pow_tflm')), false);
  const sine = join(root, 'examples/sine_float.tflite');
  assert.equal(cli('compile', sine, '--arena-margin', 'lots').code, 2);
  assert.equal(cli('compile', sine, '--name', 'Sine-Model').code, 2);
  const tpu = cli('compile', sine, '--runtime', 'edgetpu');
  assert.equal(tpu.code, 2);
  assert.match(tpu.err, /edgetpu_compiler/);
  assert.equal(cli('analyze', sine, '--force').code, 2, '--force belongs to compile');
  const blocked = cli('compile', sine, '--out', join(pow, 'sub'));
  assert.equal(blocked.code, 2);
  assert.match(blocked.err, /cannot write into .*sub: a parent is a file, not a folder/);
  const nested = cli('compile', sine, '--out', join(dir, 'a', 'b', 'c'));
  assert.equal(nested.code, 0, nested.err);
  assert.ok(existsSync(join(dir, 'a', 'b', 'c', 'sine_float_ops.h')));
  const missing = cli('compile', join(dir, 'nope.tflite'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no such file/);
});
