/** The model viewer's pure geometry and table logic (client/src/viewer/logic/), on builder models' real data. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.ts';
import { tfliteView } from '../../server/src/lsp/viewer-data.ts';
import type { ViewerLayer } from '../../server/src/lsp/viewer-protocol.ts';
import { buildIfModel, buildKwsDsCnnInt8, buildSineFloat } from '../../server/src/model/builder/index.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import { layoutSubgraph, graphStructure } from '../../client/src/viewer/logic/graph-layout.ts';
import { barMaxima, barShare, filterLayers, sortLayers, visibleWindow } from '../../client/src/viewer/logic/layer-table.ts';
import { byteTicks, hitTest, keyboardOrder, peakColumn, planRects } from '../../client/src/viewer/logic/plan-geometry.ts';
import { compareLayers, delta } from '../../client/src/viewer/logic/compare.ts';
import { quantizationFormula, realRange } from '../../client/src/viewer/logic/quantization.ts';
import { addChain } from './helpers/chains.ts';

function view(bytes: Uint8Array, runtime: 'tflm-cmsis-nn' | 'tflm-reference' = 'tflm-cmsis-nn') {
  const model = readTflite(bytes);
  const report = analyzeModel(model, runtime);
  return tfliteView({ uri: 'file:///m.tflite', name: 'm', model, report, support: null, cost: null, runtime, target: null, runtimes: [], targets: [] });
}

const area = { width: 800, height: 400 };

test('plan rectangles: x spans first to last step, y offset to offset + size, all inside the area', () => {
  const v = view(buildKwsDsCnnInt8());
  const plan = v.plan!;
  const rects = planRects(plan, area);
  assert.equal(rects.length, plan.buffers.length);
  const stepW = area.width / plan.steps;
  const byteH = area.height / plan.planBytes;
  for (const r of rects) {
    const b = plan.buffers[r.buffer]!;
    assert.ok(Math.abs(r.x - b.first * stepW) < 1e-9);
    assert.ok(Math.abs(r.w - Math.max(1, (b.last - b.first + 1) * stepW)) < 1e-9);
    assert.ok(Math.abs(r.y + r.h - (area.height - b.offset * byteH)) < 1e-9, 'offset 0 at the bottom');
    if (b.bytes * byteH >= 1) assert.ok(Math.abs(r.y - (area.height - (b.offset + b.bytes) * byteH)) < 1e-9, 'offset + size at the top');
    assert.ok(r.x >= 0 && r.x + r.w <= area.width + 1e-9 && r.y >= -1e-9 && r.y + r.h <= area.height + 1e-9);
  }
  // Each rectangle's centre hits its own buffer or one drawn inside it (never a buffer elsewhere).
  for (const r of rects) {
    const hit = hitTest(rects, r.x + r.w / 2, r.y + r.h / 2);
    const h = rects[hit]!;
    assert.ok(h.x >= r.x - 1e-9 && h.x + h.w <= r.x + r.w + 1e-9, `the hit for buffer ${r.buffer} lies within it`);
  }
  assert.equal(hitTest(rects, -5, -5), -1);
  const peak = peakColumn(plan, area)!;
  assert.ok(Math.abs(peak.x - plan.peakStep * stepW) < 1e-9);
});

test('keyboard order visits every buffer once, left to right', () => {
  const plan = view(buildKwsDsCnnInt8()).plan!;
  const order = keyboardOrder(plan);
  assert.deepEqual([...order].sort((a, b) => a - b), plan.buffers.map((_, i) => i));
  for (let i = 1; i < order.length; i++) assert.ok(plan.buffers[order[i - 1]!]!.first <= plan.buffers[order[i]!]!.first);
});

test('byte ticks are evenly spaced powers of two and cover the arena', () => {
  const ticks = byteTicks(100_000);
  assert.equal(ticks[0], 0);
  const step = ticks[1]! - ticks[0]!;
  assert.equal(Math.log2(step) % 1, 0);
  assert.ok(ticks.every((t, i) => t === i * step) && ticks.at(-1)! <= 100_000 && ticks.at(-1)! + step > 100_000 / 4 * 3);
  assert.deepEqual(byteTicks(0), [0]);
});

test('thousands of buffers: rectangles stay at least a pixel, hit tests find a buffer at every live point', () => {
  const plan = view(addChain(2000, 3)).plan!;
  const rects = planRects(plan, area);
  assert.ok(rects.length >= 2000 && rects.every((r) => r.w >= 1 && r.h >= 1));
  const r = rects[1000]!;
  assert.notEqual(hitTest(rects, r.x + r.w / 2, r.y + r.h / 2), -1);
});

test('layered graph: inputs at the top, outputs at the bottom, every edge goes down, constants folded', () => {
  const v = view(buildKwsDsCnnInt8());
  const sg = v.subgraphs[0]!;
  const g = layoutSubgraph(sg);
  assert.equal(g.nodes.filter((n) => n.kind === 'op').length, sg.ops.length);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  for (const e of g.edges) assert.ok(byId.get(e.from)!.y < byId.get(e.to)!.y, `${e.from} -> ${e.to} goes down`);
  assert.ok(g.edges.every((e) => e.points.length >= 2));
  const input = g.nodes.find((n) => n.kind === 'input')!;
  const output = g.nodes.find((n) => n.kind === 'output')!;
  assert.ok(g.nodes.every((n) => n.y >= input.y && n.y <= output.y));
  const conv = g.nodes.find((n) => n.label === 'CONV_2D')!;
  assert.equal(conv.constants, 2, 'weights and bias are folded into the node');
  // No two nodes overlap.
  for (const [i, a] of g.nodes.entries()) for (const b of g.nodes.slice(i + 1)) {
    assert.ok(Math.abs(a.x - b.x) * 2 >= (a.width + b.width) - 1e-6 || Math.abs(a.y - b.y) * 2 >= (a.height + b.height) - 1e-6, `${a.id} and ${b.id} overlap`);
  }
  assert.ok(g.width > 0 && g.height > 0);
});

test('control flow: the IF node names its branches; a large subgraph is drawn a window at a time, joined by its entry tensors', () => {
  const v = view(buildIfModel());
  const s = graphStructure(v.subgraphs[0]!);
  const ifNode = s.nodes.find((n) => n.branches.length > 0)!;
  assert.match(ifNode.label, /^IF → #\d #\d$/);
  const chain = view(addChain(50)).subgraphs[0]!;
  const first = layoutSubgraph(chain, 0, 20);
  assert.deepEqual([first.start, first.end, first.total], [0, 20, 50]);
  assert.equal(first.nodes.filter((n) => n.kind === 'op').length, 20);
  assert.equal(first.nodes.filter((n) => n.kind === 'output').length, 0, 'the model output belongs to the last window');
  // A later window starts from the tensor the previous one produced, named with its producer.
  const second = graphStructure(chain, 20, 20);
  const entry = second.nodes.filter((n) => n.kind === 'input');
  assert.equal(entry.length, 1);
  assert.match(entry[0]!.label, /\(op 19\)$/);
  assert.ok(second.edges.some((e) => e.from === entry[0]!.id && e.to === 'op20'));
  const last = graphStructure(chain, 40, 20);
  assert.equal(last.end, 50);
  assert.equal(last.nodes.filter((n) => n.kind === 'output').length, 1);
});

test('table: sorting by a column (unknown times last), filtering by words and keywords, the virtual window', () => {
  const layers = view(buildKwsDsCnnInt8()).layers;
  const byMacs = sortLayers(layers, { column: 'macs', descending: true });
  assert.ok(byMacs.every((l, i) => i === 0 || byMacs[i - 1]!.macs >= l.macs));
  const asc = sortLayers(layers, { column: 'op', descending: false });
  assert.ok(asc.every((l, i) => i === 0 || asc[i - 1]!.op.localeCompare(l.op) <= 0));
  const timed: ViewerLayer[] = layers.map((l, i) => ({ ...l, seconds: i % 2 ? null : i }));
  const t = sortLayers(timed, { column: 'seconds', descending: false });
  const firstNull = t.findIndex((l) => l.seconds === null);
  assert.ok(t.slice(firstNull).every((l) => l.seconds === null));
  assert.equal(filterLayers(layers, 'peak').length, 1);
  assert.ok(filterLayers(layers, 'conv').every((l) => /CONV/.test(l.op)));
  assert.equal(filterLayers(layers, '').length, layers.length);
  assert.equal(filterLayers(layers, 'unsupported').length, 0);
  assert.deepEqual(visibleWindow(0, 220, 22, 100_000), { start: 0, end: 18 });
  assert.deepEqual(visibleWindow(22 * 5000, 220, 22, 100_000), { start: 4992, end: 5018 });
  assert.deepEqual(visibleWindow(22 * 99_999, 220, 22, 100_000).end, 100_000);
  const max = barMaxima(layers);
  assert.equal(max.macs, Math.max(...layers.map((l) => l.macs)));
  assert.equal(barShare(max.macs, max.macs), 1);
  assert.equal(barShare(null, 10), 0);
  assert.equal(barShare(5, 0), 0);
});

test('compare: the same model on two runtimes matches layer for layer; another model differs and says where', () => {
  const a = view(buildKwsDsCnnInt8(), 'tflm-cmsis-nn').layers;
  const b = view(buildKwsDsCnnInt8(), 'tflm-reference').layers;
  const same = compareLayers(a, b);
  assert.equal(same.sameGraph, true);
  assert.equal(same.rows.length, a.length);
  const other = compareLayers(a, view(buildSineFloat()).layers);
  assert.equal(other.sameGraph, false);
  assert.ok(other.differences > 0);
  assert.equal(other.rows.filter((r) => r.match === 'only-a').length, a.length - view(buildSineFloat()).layers.length);
  assert.equal(other.firstDifference?.index, 0);
  assert.equal(delta(100, 112), '+12%');
  assert.equal(delta(100, 40), '-60%');
  assert.equal(delta(5, 5), '=');
  assert.equal(delta(null, 5), '');
});

test('quantization formulas for an int8 input and output, and a float tensor', () => {
  const io = view(buildKwsDsCnnInt8()).io;
  const input = io.find((t) => t.role === 'input')!;
  const s = input.scale[0]!;
  const zp = input.zeroPoint[0]!;
  assert.match(quantizationFormula(input), /^q = clamp\(round\(x \/ [0-9.e-]+\) \+ \(?-?\d+\)?, -128, 127\)$/);
  assert.ok(quantizationFormula(input).includes(String(Number(s.toPrecision(9)))));
  const [lo, hi] = realRange(input)!;
  assert.ok(Math.abs(lo - (-128 - zp) * s) < 1e-12 && Math.abs(hi - (127 - zp) * s) < 1e-12);
  assert.match(quantizationFormula(io.find((t) => t.role === 'output')!), /^x = \(q - /);
  const sine = view(buildSineFloat()).io[0]!;
  assert.match(quantizationFormula(sine), /no quantization/);
  assert.equal(realRange(sine), null);
});
