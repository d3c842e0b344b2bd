import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { simulateAllocateTensors } from '../../server/src/analysis/tflm/interpreter.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { anchorsRank3, fewAnchorsFloat, int8Inputs, manyClassesFloat } from '../measured/models/detection.js';

/** What node 0 (the op) requests in Init, its Prepare temporaries, and its scratch buffers. */
function requests(bytes: Uint8Array) {
  const r = simulateAllocateTensors(readTflite(bytes), 'tflm-reference', { arenaSize: 1 << 20, log: true });
  const phase = (p: string): [string, number, number][] =>
    r.events.filter((e) => e.phase === `${p} 0/0:CUSTOM:TFLite_Detection_PostProcess`).map((e) => [e.kind, e.size, e.align]);
  const temporaries = phase('prepare').filter((e) => e[0] === 'T');
  return { r, init: phase('init'), temporaries, scratch: r.nodes[0]!.scratch };
}

test('detection postprocess keeps a 112-byte OpData and sizes eleven scratch buffers by anchors, classes and max_detections', () => {
  // 8 anchors, 20 classes (+ background), 3 detections: the merge-sort buffer follows the classes.
  const many = requests(manyClassesFloat());
  assert.ok(many.r.ok, JSON.stringify(many.r.failures));
  assert.deepEqual(many.init, [['P', 112, 16]]);
  assert.deepEqual(many.temporaries, [['T', 32, 4], ['T', 32, 4], ['T', 32, 4]]); // boxes, classes, anchors
  assert.deepEqual(many.scratch, [8, 128, 8 * 21 * 4, 32, 32, 96, 96, 32, 96, 20 * 8 * 4, 3 * 8 * 4]);
  // 6 anchors, 2 classes, 10 detections: the merge-sort buffer follows max_detections, 'selected' the anchors.
  const few = requests(fewAnchorsFloat());
  assert.deepEqual(few.scratch, [6, 96, 6 * 3 * 4, 24, 24, 240, 240, 24, 240, 10 * 6 * 4, 6 * 6 * 4]);
});

test('detection postprocess takes quantized inputs in Prepare (only Eval needs float), each with its quantization', () => {
  const { r, temporaries } = requests(int8Inputs());
  assert.ok(r.ok, JSON.stringify(r.failures));
  const quantized: [string, number, number][] = [['T', 32, 4], ['T', 12, 4], ['T', 8, 4]];
  assert.deepEqual(temporaries, [...quantized, ...quantized, ['T', 32, 4]]);
});

test('detection postprocess rejects anchors that are not [anchors, 4] like its NumDimensions check', () => {
  const { r } = requests(anchorsRank3());
  assert.deepEqual(r.failures.map((f) => [f.opName, f.kind, f.reason]), [[
    'CUSTOM:TFLite_Detection_PostProcess', 'prepare', 'NumDimensions(input_anchors) != 2 (3 != 2)',
  ]]);
});
