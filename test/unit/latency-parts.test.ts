/**
 * Part-level priors (analysis/latency/parts.ts). On the MAC model (the fallback) the ESP32-C3 runs TFLM's reference
 * kernels at the ESP32-S3's calibrated factor, as a prior. With the rig's RV32IMC build it costs instructions x its own
 * CPI, fitted on the ESP32-S3's reference-kernel row (an ESP-IDF build executing from SPI flash through the cache), which
 * includes its memory system: labelled a prior with a prior's range, while a bare RV32IMC core keeps the calibrated CPI
 * (PCL SCEPU02) and range.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledCoefficients } from '../../server/src/analysis/latency/coefficients.js';
import { bundledCpi, cpiFor, partCpiFor, SPREAD } from '../../server/src/analysis/latency/cpi.js';
import { memoryBeyond, memoryFactor, memorySystem, type Placement } from '../../server/src/analysis/latency/memory.js';
import { estimateLatency } from '../../server/src/analysis/latency/model.js';
import { partCpi, partFactor } from '../../server/src/analysis/latency/parts.js';
import { checkSupport } from '../../server/src/analysis/support/index.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { resolveTarget } from '../../server/src/targets/catalog.js';

const c3 = resolveTarget('esp32c3')!;
const kws = readTflite(buildKwsDsCnnInt8());
const ref = checkSupport(kws, 'tflm-reference', []);

test('the ESP32-C3 takes the ESP32-S3 reference-kernel MAC factor as a prior (the fallback); a bare RV32IMC core keeps its own', () => {
  const k = bundledCoefficients();
  assert.equal(c3.core, 'rv32imc');
  const f = partFactor(c3.mcu!.id, 'reference', k)!;
  assert.equal(f.factor, k.cores.reference.esp32s3!.factor);
  assert.equal(f.calibrated, false);
  assert.equal(partFactor(null, 'reference', k), null);
  assert.equal(partFactor(c3.mcu!.id, 'esp-nn', k), null);
});

test('RV32IMC costs the reference kernels from the rig\'s counts; the ESP32-C3 runs them at its own XIP CPI (a prior from the ESP32-S3 row), memory included', () => {
  const table = bundledCpi();
  const core = cpiFor(table, 'rv32imc', 'tflm-reference')!;
  assert.ok(core.calibrated && core.rows.length >= 3 && core.rows.every((r) => r.includes('scepu02')));
  assert.ok(core.spread <= SPREAD.calibratedCap);
  const own = partCpiFor(table, c3.mcu!.id, 'tflm-reference')!;
  assert.ok(own, 'cpi.json has an ESP32-C3 CPI');
  assert.deepEqual(own.rows, ['esp-nn-readme-esp32s3-tflm-reference']);
  assert.equal(own.calibrated, false);
  const bare = estimateLatency(kws, ref, 'rv32imc', 160);
  const part = estimateLatency(kws, ref, 'rv32imc', 160, { mcu: c3.mcu });
  assert.ok(bare.layers.every((l) => l.costModel === 'instructions'), 'every kws op has RV32IMC coefficients');
  assert.equal(bare.instructionBasis!.build, 'rv32imc:reference');
  assert.equal(part.instructionBasis!.build, 'rv32imc:reference');
  assert.equal(bare.calibrated, true);
  assert.equal(part.calibrated, false);
  assert.equal(bare.instructionBasis!.cpi, core.cpi);
  assert.equal(part.instructionBasis!.cpi, own.cpi);
  // the XIP CPI includes the flash and cache: at the part's default placement no memory term is added on top
  const mem = memorySystem('rv32imc', c3.mcu);
  assert.equal(mem.defaultWeights, 'external');
  assert.ok(memoryFactor({ weights: 'external', arena: 'sram' }, mem) > 1, 'the memory prior itself is not neutral');
  assert.deepEqual(part.instructionBasis!.cpiIncludes, { weights: 'external', arena: 'sram' });
  assert.equal(part.instructionBasis!.memoryFactor, 1);
  assert.equal(part.instructionBasis!.streamCyclesPerByte, 0);
  for (const [i, l] of part.layers.entries()) {
    assert.equal(l.instructions, bare.layers[i]!.instructions);
    assert.ok(Math.abs(l.cycles! - l.instructions! * own.cpi) < 1e-6 * l.cycles!);
  }
  assert.equal(bare.instructionBasis!.cpiIncludes, null);
  assert.ok(part.notes.some((n) => n.includes('ESP32-C3') && n.includes('ESP32-S3') && n.includes('prior') && n.includes('beyond what the CPI includes')));
  assert.ok(!bare.notes.some((n) => n.includes('ESP32-C3')));
  // a prior's range (x/÷2) is wider than the calibrated core's
  assert.ok(Math.abs(part.highMs! / part.ms! - Math.exp(SPREAD.prior)) < 1e-3);
  assert.ok(Math.abs(bare.highMs! / bare.ms! - Math.exp(core.spread)) < 1e-6);
  // a placement other than the one the CPI includes still moves it: an external arena is slower, SRAM weights faster
  const at = (placement: Partial<Placement>) => estimateLatency(kws, ref, 'rv32imc', 160, { mcu: c3.mcu, placement }).instructionBasis!;
  assert.ok(at({ arena: 'external' }).memoryFactor > 1);
  assert.ok(at({ weights: 'sram' }).memoryFactor < 1);
  assert.equal(at({ weights: 'sram' }).streamCyclesPerByte, 0);
  assert.equal(memoryBeyond({ weights: 'flash', arena: 'sram' }, { weights: 'flash', arena: 'sram' }, mem).factor, 1);
  // only that part and runtime: another part, a bare core, or the ESP-NN runtime runs the core's CPI
  assert.deepEqual(partCpi(table, 'esp32s3', 'tflm-reference', core), { cpi: core, includes: null });
  assert.deepEqual(partCpi(table, null, 'tflm-reference', core), { cpi: core, includes: null });
  assert.equal(partCpiFor(table, c3.mcu!.id, 'tflm-esp-nn'), null);
});
