/**
 * TFLM_DECODE's Prepare (decode.cc, decode_state*.cc) as the replay models it from the ancillary header bytes. The
 * models are the measured ones (test/measured/models/decode.ts); the figures here are the per-request facts the
 * measured logs showed.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { simulateAllocateTensors } from '../../server/src/analysis/tflm/interpreter.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import * as decode from '../measured/models/decode.js';

const OP = 'CUSTOM:TFLM_DECODE';

/** Node 0's persistent and temporary requests in Prepare, its scratch buffers and the run's failures. */
function prepare(bytes: Uint8Array) {
  const r = simulateAllocateTensors(readTflite(bytes), 'tflm-reference', { arenaSize: 1 << 20, log: true });
  const events = r.events.filter((e) => e.phase === `prepare 0/0:${OP}`);
  return {
    r,
    persistent: events.filter((e) => e.kind === 'P').map((e) => e.size),
    temporaries: events.filter((e) => e.kind === 'T').map((e) => e.size),
    scratch: r.nodes[0]?.scratch ?? [],
    failures: r.failures.filter((f) => f.opName === OP).map((f) => f.reason),
  };
}

test('TFLM_DECODE allocates a state pointer per output, then the decoder its header names: LUT 36, Huffman 28, pruning 40 bytes', () => {
  assert.deepEqual(prepare(decode.lutFloat()).persistent, [4, 36]);
  assert.deepEqual(prepare(decode.huffmanInt8()).persistent, [4, 28]);
  assert.deepEqual(prepare(decode.huffman32Float()).persistent, [4, 28]);
  // Two outputs: one 8-byte pointer array, then each output's decoder in order.
  assert.deepEqual(prepare(decode.twoOutputs()).persistent, [8, 36, 40]);
});

test('TFLM_DECODE pruning copies one byte per channel only for per-channel outputs with a non-zero zero point', () => {
  assert.deepEqual(prepare(decode.prunePerChannelZeroPoints()).persistent, [4, 40, 4]);
  assert.deepEqual(prepare(decode.prunePerTensorZeroPoint()).persistent, [4, 40]);
  // The conv bias is per-channel, but its zero points are all 0.
  assert.deepEqual(prepare(decode.twoOutputs()).persistent, [8, 36, 40]);
});

test('TFLM_DECODE takes input, ancillary and output temporaries per output and requests no scratch', () => {
  const { r, temporaries, scratch } = prepare(decode.twoOutputs());
  assert.ok(r.ok, JSON.stringify(r.failures));
  // encoded, ancillary (unquantized UINT8), filter (per-channel: quantization and 4 zero points), then the same for
  // the bias.
  const pair = [32, 32, 32, 12, 20];
  assert.deepEqual(temporaries, [...pair, ...pair]);
  assert.deepEqual(scratch, []);
});

test('TFLM_DECODE accepts per-channel outputs along the first axis or the last, and rejects any other axis', () => {
  assert.deepEqual(prepare(decode.lutConvInt8()).failures, []);
  assert.deepEqual(prepare(decode.lutDepthwiseLastAxis()).failures, []);
  assert.deepEqual(prepare(decode.lutMiddleAxis()).failures, ['unsupported quantization axis 1']);
});

test('TFLM_DECODE fails like TFLM on each header, tensor and type check', () => {
  const cases: [() => Uint8Array, string][] = [
    [decode.oddInputCount, 'num_inputs != num_outputs * 2 (3 != 2)'],
    [decode.ancillaryNotConstant, 'IsConstantTensor(ancillary) was not true'],
    [decode.badHeaderVersion, 'version 2 != 1'],
    [decode.customType, 'Custom decode type not yet supported'],
    [decode.badLutVersion, 'unsupported version 0'],
    [decode.huffman16Float, 'output.type != kTfLiteInt8 (FLOAT32 != INT8)'],
    [decode.pruneInt16ZeroPoint, 'All zero-points must be zero'],
  ];
  for (const [model, reason] of cases) assert.deepEqual(prepare(model()).failures, [reason], model.name);
});

test('TFLM_DECODE: the decoder state is allocated before its Setup rejects a bad metadata version', () => {
  assert.deepEqual(prepare(decode.badLutVersion()).persistent, [4, 36]);
  assert.deepEqual(prepare(decode.badHeaderVersion()).persistent, [4]);
});

test('TFLM_DECODE with an ancillary tensor shorter than the header bytes Prepare reads is reported, not read past', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const encoded = g.constant({ name: 'encoded', shape: [8], dtype: 'UINT8', raw: new Uint8Array(8) });
  const ancillary = g.constant({ name: 'ancillary', shape: [2], dtype: 'UINT8', raw: Uint8Array.of(0, 1) });
  g.output(g.customOp('TFLM_DECODE', { inputs: [encoded, ancillary], output: { name: 'w', shape: [16], dtype: 'FLOAT32' } }));
  assert.deepEqual(prepare(m.finish()).failures,
    ['the ancillary tensor has 2 bytes of data; TFLM reads header byte 4 past its end']);
});
