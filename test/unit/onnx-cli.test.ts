import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { cli } from './helpers/cli.js';
import { buildOnnx, node, randomValues } from './helpers/onnx-models.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyml-convert-'));
const onnx = join(dir, 'net.onnx');
writeFileSync(onnx, buildOnnx({
  inputs: [{ name: 'x', shape: [1, 3, 8, 8] }], outputs: [{ name: 'y' }],
  inits: [{ name: 'w', dims: [4, 3, 3, 3], data: randomValues(108, 1) }, { name: 'fc', dims: [4, 2], data: randomValues(8, 2) }],
  nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['r']), node('GlobalAveragePool', ['r'], ['p']),
    node('Flatten', ['p'], ['f']), node('MatMul', ['f', 'fc'], ['y'])],
}));

test('convert writes a float32 .tflite, prints its decisions and the arena; refuses to overwrite without --force', () => {
  const out = join(dir, 'net.tflite');
  const r = cli('convert', onnx, '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /converted .*net\.onnx \(onnx\) to a float32 \.tflite: CONV_2D, MEAN, RESHAPE, FULLY_CONNECTED/);
  assert.match(r.out, /Relu 'relu1' fused into Conv 'conv0' as RELU/);
  assert.match(r.out, /tensor arena +[\d.]+ KiB \([\d,]+ B\) \(tflm-reference\)/);
  assert.equal(readTflite(readFileSync(out)).subgraphs[0]!.inputs.length, 1);
  const again = cli('convert', onnx, '--out', out);
  assert.equal(again.code, 2);
  assert.match(again.err, /not overwriting .*--force/);
  assert.equal(cli('convert', onnx, '--out', out, '--force').code, 0);
});

test('convert --int8 chains the quantizer; --format json gives the figures', () => {
  const out = join(dir, 'net_int8.tflite');
  const r = cli('convert', onnx, '--out', out, '--int8', '--random', '4', '--range=-1,1');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /quantized .*as converted by TinyML Lens/);
  assert.equal(readTflite(readFileSync(out)).subgraphs[0]!.tensors.find((t) => t.name === 'w' || t.name.startsWith('conv0_filter'))?.dtype, 'INT8');
  const j = cli('convert', onnx, '--out', join(dir, 'j.tflite'), '--format', 'json');
  assert.equal(j.code, 0, j.err);
  const doc = JSON.parse(j.out) as { ops: Record<string, number>; arena: Record<string, { minArenaBytes: number }> };
  assert.equal(doc.ops.CONV_2D, 1);
  assert.ok(doc.arena['tflm-cmsis-nn']!.minArenaBytes > 0);
});

test('convert exit codes: 1 for an unmapped op (naming the node), 2 for unreadable input and usage errors; never writes through a link', () => {
  const bad = join(dir, 'gru.onnx');
  writeFileSync(bad, buildOnnx({ inputs: [{ name: 'x', shape: [1, 4, 3] }], outputs: [{ name: 'y' }], nodes: [node('GRU', ['x'], ['y'], undefined, undefined)] }));
  const r = cli('convert', bad, '--out', join(dir, 'gru.tflite'));
  assert.equal(r.code, 1);
  assert.match(r.err, /node 'gru0' \(GRU\)/);
  assert.equal(existsSync(join(dir, 'gru.tflite')), false);
  const junk = join(dir, 'junk.onnx');
  writeFileSync(junk, Uint8Array.from([0x08, 0xff, 0xff, 0xff]));
  assert.equal(cli('convert', junk, '--out', join(dir, 'junk.tflite')).code, 2);
  assert.equal(cli('convert', onnx).code, 2);
  assert.equal(cli('convert', onnx, '--out', join(dir, 'x.tflite'), '--random', '3').code, 2);
  const target = join(dir, 'target.bin');
  writeFileSync(target, 'keep');
  symlinkSync(target, join(dir, 'link.tflite'));
  assert.equal(cli('convert', onnx, '--out', join(dir, 'link.tflite'), '--force').code, 2);
  assert.equal(readFileSync(target, 'utf8'), 'keep');
});
