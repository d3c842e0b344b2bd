import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateAllocateTensors } from '../../server/src/analysis/tflm/interpreter.js';
import { analyzeTflmMemory } from '../../server/src/analysis/tflm/memory.js';
import { buildSineFloat } from '../../server/src/model/builder/index.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

/**
 * The bundled sine model has the structure of TFLM's hello_world float model (input 1x1, FC 16, FC 16, FC 1, float32),
 * so its figures can be derived by hand from TFLM's allocation rules (32-bit Arm sizes):
 *   tail: SingleArenaBufferAllocator 36 + GreedyMemoryPlanner 44 + MicroAllocator 36 + builtin data allocator 8
 *         + SubgraphAllocations 8 + 10 eval tensors x 12 + 3 NodeAndRegistration x 32 = 348;
 *         3 x TfLiteFullyConnectedParams 5 (1-byte aligned) = 363;
 *         3 x OpDataFullyConnected 48, 16-aligned: 363+48 -> 416, 464, 512;
 *         input pointer array 4 (16-aligned) -> 528, input TfLiteTensor 32 -> 560,
 *         output pointer array 4 (16-aligned) -> 576, output TfLiteTensor 32 -> 608.
 *   head: input 4 B and output 4 B (each 16 after alignment), two 64 B activations; the greedy plan ping-pongs them
 *         in 128 bytes.
 */
test('float FC chain: arena_used_bytes derived from TFLM rules (head 128 + tail 608)', () => {
  const model = readTflite(buildSineFloat());
  const r = analyzeTflmMemory(model, 'tflm-reference');
  assert.equal(r.status, 'ok');
  assert.equal(r.headBytes, 128);
  assert.equal(r.tailBytes, 608);
  assert.equal(r.arenaUsedBytes, 736);
});

test('minArenaBytes is the smallest size that allocates: one byte less fails', () => {
  const model = readTflite(buildSineFloat());
  const r = analyzeTflmMemory(model, 'tflm-reference');
  assert.ok(r.minArenaBytes > r.arenaUsedBytes, 'the planner needs more than the final layout here');
  assert.equal(simulateAllocateTensors(model, 'tflm-reference', { arenaSize: r.minArenaBytes }).ok, true);
  assert.equal(simulateAllocateTensors(model, 'tflm-reference', { arenaSize: r.minArenaBytes - 1 }).ok, false);
});

test('the request sequence follows AllocateTensors phase by phase', () => {
  const model = readTflite(buildSineFloat());
  const sim = simulateAllocateTensors(model, 'tflm-reference', { arenaSize: 1 << 20, log: true });
  const kinds = sim.events.map((e) => `${e.kind}${e.size}`);
  assert.deepEqual(kinds.slice(0, 8), ['P36', 'P44', 'P36', 'P8', 'R144', 'P8', 'P120', 'P96']);
  assert.deepEqual(kinds.slice(8, 14), ['P5', 'P5', 'P5', 'P48', 'P48', 'P48']);
  // Prepare of each FC: four temporary TfLiteTensors (float: no quantization structs), then the request list regrows.
  assert.deepEqual(kinds.slice(14, 19), ['T32', 'T32', 'T32', 'T32', 'R144']);
  // Finish: subgraph offsets, 10 AllocationInfo, the planner's working memory, the head reset and the plan.
  const finish = sim.events.filter((e) => e.phase === 'finish').map((e) => `${e.kind}${e.size}`);
  assert.deepEqual(finish.slice(0, 2), ['T4', 'T240']);
  assert.deepEqual(finish.slice(3), ['R0', 'R128', 'P4', 'P32', 'P4', 'P32']);
});

test('an op without a TFLM kernel makes the model unsupported, naming every failing node', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 8], dtype: 'FLOAT32' });
  const y = g.op('POW', { inputs: [x, x], output: { name: 'y', shape: [1, 8], dtype: 'FLOAT32' } });
  const z = g.op('POW', { inputs: [y, y], output: { name: 'z', shape: [1, 8], dtype: 'FLOAT32' } });
  g.output(z);
  const r = analyzeTflmMemory(readTflite(m.finish()), 'tflm-cmsis-nn');
  assert.equal(r.status, 'unsupported');
  assert.equal(r.exact, false);
  assert.deepEqual(r.failures.map((f) => [f.opName, f.node, f.kind]), [['POW', 0, 'unresolved'], ['POW', 1, 'unresolved']]);
});

test('per-layer memory marks one peak layer and lists the buffers live at each step', () => {
  const r = analyzeTflmMemory(readTflite(buildSineFloat()), 'tflm-reference');
  assert.equal(r.layers.filter((l) => l.isPeak).length, 1);
  // Layer 1 reads the first 64-byte activation and writes the second: both live, 128 bytes.
  assert.equal(r.layers[1]!.liveBytes, 128);
  for (const layer of r.layers) {
    for (const b of layer.live) assert.ok(b.first <= layer.step && layer.step <= b.last);
  }
});

test('the report warns when AllocateTensors() needs more than arena_used_bytes()', async () => {
  const { analyzeModel } = await import('../../server/src/analysis/report.js');
  const r = analyzeModel(readTflite(buildSineFloat()), 'tflm-reference');
  assert.ok(r.memory.minArenaBytes > r.memory.arenaUsedBytes);
  const note = r.memory.notes.find((n) => n.includes('more than arena_used_bytes()'));
  assert.ok(note, r.memory.notes.join('\n'));
  assert.match(note, new RegExp(`needs ${r.memory.minArenaBytes - r.memory.arenaUsedBytes} bytes more`));
});
