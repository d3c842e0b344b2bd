import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import cpiJson from '../../server/src/analysis/latency/cpi.json';
import { bundledCpi, cpiFor, loadCpi, partCpiFor, SPREAD } from '../../server/src/analysis/latency/cpi.js';
import { memoryFactor, memorySystem } from '../../server/src/analysis/latency/memory.js';
import { bundledInstructionCoefficients, instructionBuildChoice } from '../../server/src/analysis/latency/instructions.js';
import { estimateLatency, weightBytes, type LatencyOptions } from '../../server/src/analysis/latency/model.js';
import { partCpi } from '../../server/src/analysis/latency/parts.js';
import { checkSupport } from '../../server/src/analysis/support/index.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { resolveTarget } from '../../server/src/targets/catalog.js';
import { MEASURED } from '../../server/src/targets/measured.js';
import { DataFileError } from '../../server/src/targets/schema.js';
import { CPI_JSON, cpiText, fitCpiRows, PART_PRIOR_ROWS, PART_SPECS, proxySpread, ROWS_TSV } from '../../scripts/fit-cpi.js';
import { HELD_OUT } from '../../scripts/fit-latency.js';
import { fitCpi, measuredCycles, readRows, rowPrediction, usable } from '../../scripts/latency-cpi.js';

const kws = readTflite(buildKwsDsCnnInt8());
const cmsis = checkSupport(kws, 'tflm-cmsis-nn', []);
const rows = readRows(readFileSync(ROWS_TSV, 'utf8'));

test('the CPI fit on the committed measured rows reproduces the committed cpi.json', () => {
  assert.equal(cpiText(readFileSync(ROWS_TSV, 'utf8')), readFileSync(CPI_JSON, 'utf8'));
});

/**
 * The part a row is a sibling row of (the ESP32-S3 reference row, reduced with the RV32IMC build, stands in for the
 * ESP32-C3), if any. The same measured row reduced with its own core's build (Xtensa) is that core's row.
 */
const siblingOf = (r: { id: string; build: string }): string | undefined => PART_SPECS.find((p) => p.rows.includes(r.id) && p.build === r.build)?.part;

/** The CPI a row is predicted with: its part's own (the ESP32-C3's, also for the sibling row it is fitted on), or its core's. */
const rowCpiOf = (t: ReturnType<typeof bundledCpi>, r: (typeof rows)[number]) =>
  partCpi(t, siblingOf(r) ?? MEASURED.rows.find((m) => m.id === r.id)?.target ?? null, r.runtime, cpiFor(t, r.core, r.runtime))?.cpi;

test('every committed row a CPI is calibrated on lies inside its stated range, and the range is at most x/÷1.6', () => {
  const t = bundledCpi();
  let checked = 0;
  for (const r of rows.filter(usable)) {
    const c = rowCpiOf(t, r);
    assert.ok(c, `${r.id}: no CPI for ${r.core}`);
    const err = Math.abs(Math.log(rowPrediction(r, c.cpi) / measuredCycles(r)));
    assert.ok(err <= c.spread, `${r.id}: |log error| ${err.toFixed(3)} outside the range ${c.spread}`);
    if (c.calibrated) {
      assert.ok(c.spread <= SPREAD.calibratedCap + 1e-9 && c.spread >= SPREAD.floor - 1e-9);
      checked++;
    }
  }
  assert.ok(checked >= 6, `${checked} calibrated rows`);
});

test('errors on the committed measured rows stay under the stated bounds (median 15%, every row 35%); part priors apart', () => {
  const t = bundledCpi();
  const calibrated = rows.filter(usable).filter((r) => !PART_PRIOR_ROWS.includes(r.id) && !siblingOf(r));
  assert.equal(calibrated.length, rows.filter(usable).length - 2, 'the ESP32-C3 row is a part prior, the ESP32-S3 row (RV32 counts) its sibling');
  const apes = calibrated.map((r) => Math.abs(rowPrediction(r, cpiFor(t, r.core, r.runtime)!.cpi) / measuredCycles(r) - 1));
  const sorted = [...apes].sort((a, b) => a - b);
  assert.ok(sorted[sorted.length >> 1]! <= 0.15, `median ${sorted[sorted.length >> 1]}`);
  assert.ok(Math.max(...apes) <= 0.35, `max ${Math.max(...apes)}`);
});

test('a calibrated core states a narrower range than a prior, and names its rows; held-out rows never enter a CPI', () => {
  const t = bundledCpi();
  const m4 = cpiFor(t, 'cortex-m4f', 'tflm-cmsis-nn')!;
  const m7 = cpiFor(t, 'cortex-m7', 'tflm-cmsis-nn')!;
  assert.ok(m4.calibrated && m4.rows.length > 0 && !m7.calibrated && m7.rows.length === 0);
  assert.ok(m4.spread < m7.spread && m7.spread === Number(SPREAD.prior.toPrecision(4)));
  for (const core of Object.values(t.cores)) for (const c of Object.values(core)) assert.deepEqual(c.rows.filter((r) => t.heldOutRows.includes(r)), []);
});

test('the ESP32-C3 CPI is fitted on the ESP32-S3 reference row alone, never on an ESP32-C3 row', () => {
  const t = bundledCpi();
  const c3 = partCpiFor(t, 'esp32c3', 'tflm-reference')!;
  assert.deepEqual(c3.rows, ['esp-nn-readme-esp32s3-tflm-reference']);
  assert.deepEqual(c3.rows.filter((r) => PART_PRIOR_ROWS.includes(r) || t.heldOutRows.includes(r)), []);
  assert.ok(PART_PRIOR_ROWS.includes('esp-nn-readme-esp32c3-tflm-reference'));
  assert.equal(c3.calibrated, false);
  assert.equal(c3.spread, Number(SPREAD.prior.toPrecision(4)));
  // the sibling row is counted with the C3's build: the S3's cycles over the RV32IMC instructions of the same model
  const s3 = rows.find((r) => r.id === 'esp-nn-readme-esp32s3-tflm-reference' && r.build === 'rv32imc:reference')!;
  const own = rows.find((r) => r.id === 'esp-nn-readme-esp32c3-tflm-reference')!;
  assert.equal(s3.build, 'rv32imc:reference');
  assert.equal(s3.instructions, own.instructions);
  assert.ok(Math.abs(c3.cpi / (2300 * 240e3 / s3.instructions) - 1) < 1e-3, `${c3.cpi}`);
  // the memory term is in the CPI: both rows carry no extra memory factor or streaming
  assert.deepEqual([s3.memoryFactor, s3.streamCycles, own.memoryFactor, own.streamCycles], [1, 0, 1, 0]);
  // moving the C3's own measurement moves nothing; moving the S3's moves the C3's CPI with it
  const scaled = (id: string, f: number) => rows.map((r) => (r.id === id ? { ...r, latencyMs: r.latencyMs * f } : r));
  const cpiOf = (rs: typeof rows) => partCpiFor(fitCpiRows(rs, HELD_OUT), 'esp32c3', 'tflm-reference')?.cpi;
  assert.equal(cpiOf(scaled(own.id, 3)), c3.cpi);
  assert.ok(Math.abs(cpiOf(scaled(s3.id, 2))! / c3.cpi - 2) < 1e-3);
  // the cores' CPIs do not see the sibling row (the RV32IMC reduction); the ESP32-S3's own CPI is its Xtensa reduction's
  assert.deepEqual(fitCpiRows(rows.filter((r) => r !== s3), HELD_OUT).cores, t.cores);
  assert.equal(cpiOf(rows.filter((r) => r !== s3)), undefined);
  assert.deepEqual(cpiFor(t, 'esp32s3', 'tflm-reference')!.rows, [s3.id]);
});

test('broken CPI data fails at load time, naming the field', () => {
  const bad = structuredClone(cpiJson) as { cores: Record<string, Record<string, { cpi: number }>> };
  bad.cores['cortex-m4f']!['tflm-cmsis-nn']!.cpi = -1;
  assert.throws(() => loadCpi(bad), (e: unknown) => e instanceof DataFileError && /cpi/.test(e.message));
  const bad2 = structuredClone(cpiJson) as { cores: Record<string, unknown> };
  bad2.cores['cortex-m99'] = {};
  assert.throws(() => loadCpi(bad2), /not a known core/);
  const bad3 = structuredClone(cpiJson) as { parts: Record<string, Record<string, { includes: { weights: string } }>> };
  bad3.parts['esp32c3']!['tflm-reference']!.includes.weights = 'rom';
  assert.throws(() => loadCpi(bad3), (e: unknown) => e instanceof DataFileError && /weights/.test(e.message));
});

test('the estimate costs ops from instructions x CPI x memory where it has coefficients, and names the versions', () => {
  const e = estimateLatency(kws, cmsis, 'cortex-m4f', 100);
  const b = e.instructionBasis!;
  assert.ok(b, 'an instruction basis');
  assert.equal(b.build, 'cortex-m4+fp:cmsis_nn');
  assert.equal(b.proxy, null);
  const cpi = cpiFor(bundledCpi(), 'cortex-m4f', 'tflm-cmsis-nn')!;
  const costed = e.layers.filter((l) => l.costModel === 'instructions');
  assert.ok(costed.length === e.layers.length, 'every kws op has instruction coefficients');
  for (const l of costed) {
    const op = kws.subgraphs[0]!.operators[l.index]!;
    const expected = l.instructions! * cpi.cpi * b.memoryFactor + weightBytes(kws.subgraphs[0]!, op) * b.streamCyclesPerByte;
    assert.ok(Math.abs(l.cycles! - expected) < 1e-6 * l.cycles!);
  }
  // weights copied to SRAM stream for free: the same ops then cost instructions x CPI alone
  const sram = estimateLatency(kws, cmsis, 'cortex-m4f', 100, { placement: { weights: 'sram' } });
  assert.equal(sram.instructionBasis!.streamCyclesPerByte, 0);
  assert.ok(sram.layers.every((l) => Math.abs(l.cycles! - l.instructions! * cpi.cpi) < 1e-6 * l.cycles!));
  assert.ok(Math.abs(e.highMs! / e.ms! - Math.exp(cpi.spread)) < 1e-9);
  assert.ok(e.notes.some((n) => n.includes('TFLM 90b983c2') && n.includes('CMSIS-NN 4ab83cc')));
  assert.equal(b.tflm, '90b983c2');
  // A Cortex-M7 uses its own build's counts; without them, the M4 build's, and it says so.
  const m7 = estimateLatency(kws, cmsis, 'cortex-m7', 100).instructionBasis!;
  assert.equal(m7.build, 'cortex-m7+fp:cmsis_nn');
  assert.equal(m7.proxy, null);
  assert.equal(m7.cpiCalibrated, false);
  const all = bundledInstructionCoefficients();
  const withoutM7 = { ...all, builds: Object.fromEntries(Object.entries(all.builds).filter(([b]) => !b.startsWith('cortex-m7'))) };
  const stand = instructionBuildChoice('cortex-m7', 'tflm-cmsis-nn', withoutM7)!;
  assert.equal(stand.build, 'cortex-m4+fp:cmsis_nn');
  assert.match(stand.proxy ?? '', /ARMv7E-M/);
});

test('ops without instruction coefficients fall back to the MAC model, labelled; cores without a build use it alone', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const q = { scale: [0.1], zeroPoint: [0] };
  const x = g.input({ name: 'x', shape: [1, 8, 8, 4], dtype: 'INT8', quant: q });
  const t = g.op('TANH', { inputs: [x], output: { name: 't', shape: [1, 8, 8, 4], dtype: 'INT8', quant: q } });
  const w = g.constant({ name: 'w', shape: [4, 1, 1, 4], dtype: 'INT8', data: new Array(16).fill(1), quant: { scale: [0.01], zeroPoint: [0] } });
  const bias = g.constant({ name: 'b', shape: [4], dtype: 'INT32', data: new Array(4).fill(0), quant: { scale: [0.001], zeroPoint: [0] } });
  g.output(g.op('CONV_2D', { inputs: [t, w, bias], output: { name: 'y', shape: [1, 8, 8, 4], dtype: 'INT8', quant: q }, options: { padding: 'VALID', strideW: 1, strideH: 1, fusedActivationFunction: 'NONE' } }));
  const model = readTflite(m.finish());
  const s = checkSupport(model, 'tflm-cmsis-nn', []);
  const e = estimateLatency(model, s, 'cortex-m4f', 100);
  assert.deepEqual(e.layers.map((l) => l.costModel), ['mac', 'instructions']);
  assert.ok(e.notes.some((n) => /MAC model \(fallback/.test(n) && n.includes('TANH/INT8')));
  assert.ok(e.instructionBasis!.share > 0 && e.instructionBasis!.share < 1);
  const esp = estimateLatency(kws, checkSupport(kws, 'tflm-esp-nn', []), 'esp32s3', 240);
  assert.equal(esp.instructionBasis, null);
  assert.ok(esp.layers.every((l) => l.costModel === 'mac'));
});

test('the memory term: an external arena or weights in flash are slower than SRAM, an uncached SDRAM slowest', () => {
  const f767 = resolveTarget('stm32f767zi')!;
  const at = (placement: LatencyOptions['placement']): number =>
    estimateLatency(kws, cmsis, f767.core, 216, { mcu: f767.mcu, placement }).ms!;
  const base = at({});
  assert.ok(at({ arena: 'external' }) > base, 'arena in SDRAM is slower');
  assert.ok(at({ weights: 'sram' }) < base, 'weights copied to SRAM are faster than in flash');
  assert.ok(at({ weights: 'external', arena: 'external' }) > at({ arena: 'external' }));
  // A fully connected layer uses each weight once: streaming its weights from flash is a real share of its time.
  const fc = estimateLatency(kws, cmsis, f767.core, 216, { mcu: f767.mcu }).layers.find((l) => l.features.kind === 'fc')!;
  const fcSram = estimateLatency(kws, cmsis, f767.core, 216, { mcu: f767.mcu, placement: { weights: 'sram' } }).layers.find((l) => l.features.kind === 'fc')!;
  assert.ok(fc.cycles! > 1.2 * fcSram.cycles!, `${fc.cycles} vs ${fcSram.cycles}`);
  // The F7's SDRAM is uncached by default: slower than a cached external memory on the same core.
  const cached = { ...memorySystem('cortex-m7', f767.mcu), externalCached: true };
  assert.ok(memoryFactor({ weights: 'flash', arena: 'external' }, memorySystem('cortex-m7', f767.mcu)) > memoryFactor({ weights: 'flash', arena: 'external' }, cached));
  // More flash wait states cost more; a part without a flash cache pays them all.
  const mem = memorySystem('cortex-m4f', null);
  assert.ok(memoryFactor({ weights: 'flash', arena: 'sram' }, { ...mem, flashWaitStates: 7 }) > memoryFactor({ weights: 'flash', arena: 'sram' }, mem));
  assert.ok(memoryFactor({ weights: 'flash', arena: 'sram' }, { ...mem, flashCache: false }) > memoryFactor({ weights: 'flash', arena: 'sram' }, mem));
  assert.equal(memoryFactor({ weights: 'sram', arena: 'sram' }, mem), 1);
  // The MAC-costed cores move too when the placement departs from the part's default.
  const esp = checkSupport(kws, 'tflm-esp-nn', []);
  assert.ok(estimateLatency(kws, esp, 'esp32s3', 240, { placement: { arena: 'external' } }).ms! > estimateLatency(kws, esp, 'esp32s3', 240).ms!);
});

test('the ESP32 and ESP32-S3 reference-kernel CPIs come from their own rows on the Xtensa counts; their range is derived, not typed', () => {
  const t = bundledCpi();
  const ps = proxySpread();
  const rv = rows.filter((r) => r.core === 'rv32imc' && r.runtime === 'tflm-reference' && usable(r) && !PART_PRIOR_ROWS.includes(r.id));
  // as the RV32IMC core's own range: its CPI from the training rows, the dispersion over all its rows (held-out too)
  const rvTrain = rv.filter((r) => !HELD_OUT.includes(r.id));
  assert.equal(rvTrain.length, 3, 'the PCL training rows');
  assert.ok(rv.length > rvTrain.length, 'and a held-out PCL row');
  const rvCpi = Math.exp(rvTrain.reduce((s, r) => s + Math.log((measuredCycles(r) - r.fallbackCycles - r.streamCycles) / (r.instructions * r.memoryFactor)), 0) / rvTrain.length);
  const dispersion = Math.max(...rv.map((r) => Math.abs(Math.log(rowPrediction(r, rvCpi) / measuredCycles(r)))));
  for (const [core, id] of [['esp32', 'esp-nn-readme-esp32-tflm-reference'], ['esp32s3', 'esp-nn-readme-esp32s3-tflm-reference']] as const) {
    const c = cpiFor(t, core, 'tflm-reference')!;
    const row = rows.find((r) => r.id === id && r.core === core && r.build === 'xtensa-lx106:reference')!;
    assert.ok(row, `${id} reduced with the Xtensa build`);
    assert.deepEqual(c.rows, [id]);
    assert.ok(c.calibrated);
    // the CPI is that row's cycles over its counts; the range is the RV32 rows' dispersion + the proxy's + rounding
    assert.ok(Math.abs(c.cpi / ((measuredCycles(row) - row.fallbackCycles - row.streamCycles) / (row.instructions * row.memoryFactor)) - 1) < 1e-3);
    assert.ok(Math.abs(c.spread - (dispersion + ps.proxy + 0.02)) < 1e-3, `${core}: ${c.spread} vs ${dispersion} + ${ps.proxy} + 0.02`);
    assert.ok(ps.proxy > 0 && dispersion > 0);
    // a different proxy dispersion moves the range; scaling the row moves the CPI, never the other core's
    const wider = fitCpi(rows, HELD_OUT, t.versions, { ownRows: PART_PRIOR_ROWS, specs: PART_SPECS, proxySpread: { ...ps, proxy: ps.proxy + 0.1 } });
    assert.ok(Math.abs(cpiFor(wider, core, 'tflm-reference')!.spread - c.spread - 0.1) < 1e-3);
    const scaled = fitCpiRows(rows.map((r) => (r.id === id ? { ...r, latencyMs: r.latencyMs * 2 } : r)), HELD_OUT);
    assert.ok(Math.abs(cpiFor(scaled, core, 'tflm-reference')!.cpi / c.cpi - 2) < 1e-3);
    const other = core === 'esp32' ? 'esp32s3' : 'esp32';
    assert.equal(cpiFor(scaled, other, 'tflm-reference')!.cpi, cpiFor(t, other, 'tflm-reference')!.cpi);
    // the estimate says whose counts stand in, and costs the ops from them
    const choice = instructionBuildChoice(core, 'tflm-reference')!;
    assert.equal(choice.build, 'xtensa-lx106:reference');
    assert.match(choice.proxy ?? '', core === 'esp32' ? /LX6/ : /LX7/);
    const e = estimateLatency(kws, checkSupport(kws, 'tflm-reference', []), core, 240);
    assert.equal(e.instructionBasis?.build, 'xtensa-lx106:reference');
    assert.ok(Math.abs(e.highMs! / e.ms! - Math.exp(c.spread)) < 1e-9);
  }
});
