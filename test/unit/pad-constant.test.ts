/**
 * PAD / PADV2 / MIRROR_PAD Prepare checks that depend on the paddings tensor: PadPrepare reads the constant paddings
 * as int32 and checks each output dimension; MirrorPadPrepare checks the padding matrix's shape only. The models are
 * the measured ones (test/measured/models/pad.ts) plus hand-made cases whose TFLM behaviour is undefined.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { simulateAllocateTensors } from '../../server/src/analysis/tflm/interpreter.js';
import { ModelBuilder, type TensorSpec } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import * as pad from '../measured/models/pad.js';

/** [node, op, reason] of every failing node, for both kernel sets (which share these kernels). */
function failures(bytes: Uint8Array): [number, string, string][] {
  const model = readTflite(bytes);
  const [ref, cmsis] = (['tflm-reference', 'tflm-cmsis-nn'] as const).map((k) =>
    simulateAllocateTensors(model, k, { arenaSize: 1 << 20 }).failures.map((f): [number, string, string] => [f.node, f.opName, f.reason]));
  assert.deepEqual(cmsis, ref);
  return ref!;
}

/** PAD of a float [1, 4, 4, 2] input with the given paddings tensor and output shape. */
function padModel(paddings: Omit<TensorSpec, 'name'> & { raw: Uint8Array }, output: number[]): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 4, 4, 2], dtype: 'FLOAT32' });
  const p = g.constant({ name: 'p', ...paddings });
  g.output(g.op('PAD', { inputs: [x, p], output: { name: 'y', shape: output, dtype: 'FLOAT32' } }));
  return m.finish();
}

test('PAD fails where an output dimension is not input + paddings, on the node TFLM names', () => {
  assert.deepEqual(failures(pad.padShapeMismatch()),
    [[0, 'PAD', 'PAD: output dimension 2 (input 6 + paddings 2 + 1) is 8, expected 9']]);
  assert.deepEqual(failures(pad.padMismatchSecondNode()),
    [[1, 'PAD', 'PAD: output dimension 2 (input 4 + paddings 1 + 1) is 7, expected 6']]);
});

test('PAD reads INT64 paddings as int32 words, so a correct model fails and one shaped by that reading passes', () => {
  assert.deepEqual(failures(pad.padInt64Paddings()),
    [[0, 'PAD', 'PAD: output dimension 1 (input 4 + paddings 0 + 0) is 6, expected 4']]);
  assert.deepEqual(failures(pad.padInt64AsInt32Shape()), []);
});

test('PADV2 with a negative padding passes when the sum matches the output', () => {
  assert.deepEqual(failures(pad.padV2NegativePadding()), []);
});

test('PAD paddings too short for the int32 reads Prepare makes are reported, not read past', () => {
  // Eight int8 zeros are two int32 zeros: dimension 0 checks out, dimension 1 needs words 2 and 3.
  const int8Paddings = { shape: [4, 2], dtype: 'INT8' as const, raw: new Uint8Array(8) };
  assert.deepEqual(failures(padModel(int8Paddings, [1, 4, 4, 2])),
    [[0, 'PAD', 'PAD: the paddings buffer holds 8 bytes; TFLM reads int32 paddings[3] past its end']]);
});

test('PAD with an output of higher rank than its input is reported (TFLM would read past the input dims)', () => {
  const words = new Uint8Array(40);
  assert.deepEqual(failures(padModel({ shape: [5, 2], dtype: 'INT32', raw: words }, [1, 4, 4, 2, 1])),
    [[0, 'PAD', 'PAD: output rank 5 exceeds input rank 4; TFLM would read input dimension 4 past the input\'s dims']]);
});

test('MIRROR_PAD checks that the padding matrix is [input rank, 2]', () => {
  assert.deepEqual(failures(pad.mirrorPadFlatPaddings()),
    [[0, 'MIRROR_PAD', 'NumDimensions(padding_matrix) != 2 (1 != 2)']]);
  assert.deepEqual(failures(pad.mirrorPadTooFewRows()),
    [[0, 'MIRROR_PAD', 'SizeOfDimension(padding_matrix, 0) != NumDimensions(input_tensor) (3 != 4)']]);
});
