import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builder as flexBuilder } from 'flatbuffers/js/flexbuffers.js';
import { compiledFor, readEdgeTpuOp } from '../../server/src/analysis/npu/compiled.ts';
import { estimateLatency } from '../../server/src/analysis/latency/index.ts';
import { analyzeModel } from '../../server/src/analysis/report.ts';
import { checkSupport } from '../../server/src/analysis/support/index.ts';
import { flexbufferBytes } from '../../server/src/analysis/tflm/kernels/flexbuffers.ts';
import { ModelBuilder } from '../../server/src/model/builder/index.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import { darwinnPackage, edgeTpuModel, edgeTpuOptions, velaModel } from './helpers/npu-models.ts';

const support = (bytes: Uint8Array, runtime: 'edgetpu' | 'ethos-u') => {
  const model = readTflite(bytes);
  return checkSupport(model, runtime, analyzeModel(model, 'tflm-cmsis-nn').detail.failures);
};

const caching = darwinnPackage([
  { type: 1, parameterBytes: 3000, scratchBytes: 0, cycles: 0 },
  { type: 2, parameterBytes: 0, scratchBytes: 4096, cycles: 123456 },
]);

test('flexbufferBytes reads a string or blob entry as a view of its bytes, and nothing out of bounds', () => {
  const fb = flexBuilder();
  fb.startMap();
  fb.addKey('name');
  fb.add('darwinn');
  fb.addKey('blob');
  fb.add(new Uint8Array([1, 2, 3, 250]));
  fb.addKey('n');
  fb.addInt(5);
  fb.end();
  const bytes = fb.finish();
  assert.equal(new TextDecoder().decode(flexbufferBytes(bytes, 'name')!), 'darwinn');
  assert.deepEqual([...flexbufferBytes(bytes, 'blob')!], [1, 2, 3, 250]);
  assert.equal(flexbufferBytes(bytes, 'n'), null);
  assert.equal(flexbufferBytes(bytes, 'missing'), null);
  for (let cut = 0; cut < bytes.length; cut++) flexbufferBytes(bytes.subarray(0, cut), 'blob'); // never throws
});

test('an Edge TPU package: executables with their type, parameters, scratch and the compiler cycle estimate', () => {
  const model = readTflite(edgeTpuModel(edgeTpuOptions(caching)));
  assert.equal(compiledFor(model), 'edgetpu_compiler');
  const op = model.subgraphs[0]!.operators[0]!;
  const pkg = readEdgeTpuOp(op);
  assert.ok(pkg.ok, JSON.stringify(pkg));
  assert.equal(pkg.version, 1);
  assert.equal(pkg.compilerVersion, 'test-compiler');
  assert.deepEqual(pkg.executables.map((e) => [e.type, e.parameterBytes, e.scratchBytes, e.estimatedCycles, e.chip]), [
    ['parameter-caching', 3000, 0, null, 'beagle'],
    ['execution-only', 0, 4096, 123456, 'beagle'],
  ]);
});

test('--runtime edgetpu on a compiled model: the custom op runs on the TPU, what the compiler left runs on the CPU, the facts are reported', () => {
  const s = support(edgeTpuModel(edgeTpuOptions(caching), true), 'edgetpu');
  assert.deepEqual(s.layers.map((l) => [l.op, l.unit, l.verdict]), [['CUSTOM:edgetpu-custom-op', 'npu', 'optimized'], ['SOFTMAX', 'cpu', s.layers[1]!.verdict]]);
  assert.notEqual(s.layers[1]!.verdict, 'unsupported');
  assert.match(s.layers[1]!.reason ?? '', /edgetpu_compiler left it outside its compiled op/);
  assert.deepEqual(s.unsupported, []);
  assert.equal(s.npu?.compiled, true);
  assert.deepEqual(s.npu?.ops.map((o) => [o.estimatedCycles, o.parameterCaching, o.parameterBytes, o.scratchBytes]), [[123456, true, 3000, 4096]]);
  assert.ok(s.notes.some((n) => /cached on the TPU between runs, 123,456 TPU cycles/.test(n)), s.notes.join('\n'));
  // 123,456 cycles: 0.247 ms at 500 MHz, 0.494 ms at 250 MHz (the TPU's own compute, the host's transfers left out).
  assert.ok(s.notes.some((n) => /0\.247 ms at 500 MHz \(max\) to 0\.494 ms at 250 MHz \(standard\), the TPU's compute only/.test(n)), s.notes.join('\n'));
  assert.ok(!s.notes.some((n) => /need kernels registered by the application/.test(n)));
});

test('a damaged Edge TPU package is a located verdict, never a crash', () => {
  const pkg = caching.slice();
  pkg.set([0xff, 0xff, 0xff, 0x7f], 0); // the root offset points far outside
  const s = support(edgeTpuModel(edgeTpuOptions(pkg)), 'edgetpu');
  assert.equal(s.layers[0]!.verdict, 'unsupported');
  assert.match(s.layers[0]!.reason ?? '', /DarwiNN package is malformed/);
  const noPackage = support(edgeTpuModel(edgeTpuOptions(new TextEncoder().encode('not a package'))), 'edgetpu');
  assert.match(noPackage.layers[0]!.reason ?? '', /not a DarwiNN package/);
  for (let cut = 8; cut < caching.length; cut += 7) readEdgeTpuOp({ ...readTflite(edgeTpuModel(edgeTpuOptions(caching.subarray(0, cut)))).subgraphs[0]!.operators[0]! });
});

test('an uncompiled uint8 model under edgetpu is not "on the TPU": it needs edgetpu_compiler first, and says so', () => {
  const m = new ModelBuilder({ description: 'uncompiled' });
  const g = m.subgraph('main');
  const q = { scale: [0.1], zeroPoint: [128] };
  const x = g.input({ name: 'x', shape: [1, 16], dtype: 'UINT8', quant: q });
  g.output(g.op('RELU', { inputs: [x], output: { name: 'y', shape: [1, 16], dtype: 'UINT8', quant: q } }));
  const s = support(m.finish(), 'edgetpu');
  assert.equal(s.npu?.compiled, false);
  assert.ok(s.notes.some((n) => /^Not compiled for the NPU: as it is, every op runs on the CPU\. Compile it with edgetpu_compiler first/.test(n)), s.notes.join('\n'));
  for (const l of s.layers.filter((l) => l.unit === 'npu')) assert.match(l.kernel ?? '', /once compiled by edgetpu_compiler/);
});

test('a Vela model: command stream, weights and scratch read from the ethos-u op, its time not costed; other ops on the CPU', () => {
  const s = support(velaModel(), 'ethos-u');
  assert.equal(s.npu?.compiler, 'vela');
  assert.equal(s.npu?.compiled, true);
  assert.deepEqual(s.npu?.ops.map((o) => [o.flashBytes, o.scratchBytes, o.estimatedCycles]), [[1200 + 4000, 2048 + 512, null]]);
  assert.ok(s.notes.some((n) => /not costed/.test(n)));
  assert.equal(s.layers[0]?.unit, 'npu');
});

test('a compiled NPU op is not costed: the total latency is unknown, never the ~0 ms its zero MACs would give', () => {
  const model = readTflite(velaModel());
  const s = checkSupport(model, 'ethos-u', analyzeModel(model, 'tflm-cmsis-nn').detail.failures);
  const est = estimateLatency(model, s, 'cortex-m55', 400, { npuMacsPerCycle: 256 });
  assert.equal(est.ms, null);
  assert.equal(est.layers[0]?.ms, null);
  assert.ok(est.notes.some((n) => /CUSTOM:ethos-u \(compiled for the NPU: its time is not in the model\)/.test(n)), est.notes.join('\n'));
});

/** Two ethos-u ops over one weights tensor, their scratch and fast scratch planned at the same offset (Vela without fast memory). */
function sharedVelaModel(): Uint8Array {
  const m = new ModelBuilder({ description: 'test: Vela ops sharing weights' });
  const g = m.subgraph('main');
  const q = { scale: [0.05], zeroPoint: [0] };
  const options = (): Uint8Array => { const fb = flexBuilder(); fb.addInt(0); return fb.finish(); };
  const x = g.input({ name: 'ifm', shape: [1, 16], dtype: 'INT8', quant: q });
  const cms1 = g.constant({ name: 'cms1', shape: [300], dtype: 'UINT8', data: new Array(300).fill(1) });
  const weights = g.constant({ name: 'weights', shape: [5000], dtype: 'UINT8', data: new Array(5000).fill(2) });
  const scratch = g.tensor({ name: 'scratch', shape: [1024], dtype: 'UINT8' });
  const fast = g.tensor({ name: 'scratch_fast', shape: [1024], dtype: 'UINT8' });
  const y1 = g.customOp('ethos-u', { inputs: [cms1, weights, scratch, fast, x], output: { name: 'mid', shape: [1, 16], dtype: 'INT8', quant: q }, customOptions: options() });
  const cms2 = g.constant({ name: 'cms2', shape: [200], dtype: 'UINT8', data: new Array(200).fill(3) });
  g.output(g.customOp('ethos-u', { inputs: [cms2, weights, scratch, fast, y1], output: { name: 'ofm', shape: [1, 16], dtype: 'INT8', quant: q }, customOptions: options() }));
  // Tensors in creation order: ifm, cms1, weights, scratch, scratch_fast, mid, cms2, ofm; both scratch tensors at 0.
  m.offlineMemoryAllocation([[-1, -1, -1, 0, 0, -1, -1, -1]]);
  return m.finish();
}

test('Vela ops sharing one weights tensor count it once; scratch planned over fast scratch counts their span, not their sum', () => {
  const s = support(sharedVelaModel(), 'ethos-u');
  assert.deepEqual(s.npu?.ops.map((o) => [o.index, o.flashBytes, o.scratchBytes, o.weightsSharedWith]), [[0, 300 + 5000, 1024, undefined], [1, 200, 1024, 0]]);
  assert.ok(s.notes.some((n) => /Layer 1: Vela command stream 200 B in flash \(its weights are layer 0's, counted there\), scratch 1,024 B/.test(n)), s.notes.join('\n'));
  // Without the offline plan the two scratch tensors are separate buffers: their sum.
  assert.deepEqual(support(velaModel(), 'ethos-u').npu?.ops.map((o) => o.scratchBytes), [2048 + 512]);
});
