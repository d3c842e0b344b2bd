import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { checkSupport } from '../../server/src/analysis/support/index.js';
import { CodegenError, generateTflmProject } from '../../server/src/codegen/tflm.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import * as decode from '../measured/models/decode.js';
import * as detection from '../measured/models/detection.js';
import * as pad from '../measured/models/pad.js';
import { cli } from './helpers/cli.js';

/**
 * Models that TFLM allocates (their AllocateTensors figures are measured rows in test/measured) but that fail, or read
 * outside their buffers, at the first Invoke — seen when their generated code ran under QEMU.
 */
function run(build: () => Uint8Array) {
  const bytes = build();
  const model = readTflite(bytes);
  const report = analyzeModel(model, 'tflm-cmsis-nn');
  const support = checkSupport(model, 'tflm-cmsis-nn', report.detail.failures);
  return { bytes, model, report, support };
}

for (const [name, build, op, pattern] of [
  ['detection post-processing on int8 inputs', detection.int8Inputs, 'CUSTOM:TFLite_Detection_PostProcess', /float32 inputs only \(box encodings INT8, class predictions INT8\)/],
  ['detection post-processing on uint8 inputs', detection.uint8Inputs, 'CUSTOM:TFLite_Detection_PostProcess', /float32 inputs only/],
  ['a Huffman decoder into a float32 output', decode.huffman32Float, 'CUSTOM:TFLM_DECODE', /Huffman decoder writes INT8 \/ INT16 outputs, not FLOAT32/],
  // its table is a byte pattern, not a Huffman table: TFLM's unchecked decoder faulted under QEMU (bfar 0x24000000)
  ['a Huffman decoder into int8 whose table does not decode its stream', decode.huffmanInt8, 'CUSTOM:TFLM_DECODE', /reads table entry 1059 of 16/],
  ['PADV2 with a negative padding', pad.padV2NegativePadding, 'PADV2', /negative paddings/],
] as const) {
  test(`${name}: allocates, but is reported as failing at Invoke`, () => {
    const { bytes, model, report, support } = run(build);
    assert.equal(report.status, 'ok', 'AllocateTensors succeeds (the measured status)');
    assert.ok(report.memory.exact);
    const u = report.unsupportedOps.find((x) => x.op === op);
    assert.ok(u, JSON.stringify(report.unsupportedOps));
    assert.equal(u.stage, 'invoke');
    assert.match(u.reason, pattern);
    const layer = support.layers.find((l) => l.op === op);
    assert.equal(layer?.verdict, 'unsupported-dtype');
    assert.match(layer?.reason ?? '', pattern);
    assert.throws(() => generateTflmProject(bytes, model, report, { name: 'm', modelFile: 'm.tflite', runtime: 'tflm-cmsis-nn', kernels: 'tflm-cmsis-nn', marginPercent: 0, toolVersion: 't' }),
      (e: unknown) => e instanceof CodegenError && e.code === 'unsupported-op' && /first Invoke/.test(e.message));
  });
}

for (const [name, build] of [
  ['float detection post-processing', detection.fastNmsFloat],
  ['an SSD head that dequantizes before post-processing', detection.ssdInt8],
  ['a lookup-table decoder into float32', decode.lutFloat],
  ['PAD with int64 paddings whose int32 words fit the output', pad.padInt64AsInt32Shape],
] as const) {
  test(`${name}: nothing reported at Invoke`, () => {
    const { report, support } = run(build);
    assert.equal(report.status, 'ok');
    assert.deepEqual(report.unsupportedOps, []);
    assert.deepEqual(support.unsupported, []);
  });
}

test('the CLI exits 1 for a model that allocates but fails at Invoke, and says which stage', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tinyml-invoke-')), 'detect.tflite');
  writeFileSync(path, detection.int8Inputs());
  const text = cli('analyze', path);
  assert.equal(text.code, 1);
  assert.match(text.out, /status\s+ok \(allocates, but fails at Invoke: see below\)/);
  assert.match(text.out, /fails at Invoke\s+CUSTOM:TFLite_Detection_PostProcess/);
  const json = JSON.parse(cli('analyze', path, '--format', 'json').out) as { status: string; unsupportedOps: { stage: string }[] };
  assert.equal(json.status, 'ok');
  assert.deepEqual(json.unsupportedOps.map((u) => u.stage), ['invoke']);
});
