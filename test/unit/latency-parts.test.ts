/**
 * Part-level priors (analysis/latency/parts.ts). On the MAC model the ESP32-C3 runs TFLM's reference kernels at the
 * ESP32-S3's calibrated factor, as a prior. With the rig's RV32IMC build it costs instructions x the RV32IMC CPI
 * (calibrated on the PCL SCEPU02) x its own memory term (code and weights in SPI flash through the cache), labelled a
 * prior with a prior's range, while a bare RV32IMC core keeps the calibrated CPI and range.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledCoefficients } from '../../server/src/analysis/latency/coefficients.js';
import { bundledCpi, cpiFor, SPREAD } from '../../server/src/analysis/latency/cpi.js';
import { memoryFactor, memorySystem } from '../../server/src/analysis/latency/memory.js';
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

test('RV32IMC costs the reference kernels from the rig\'s instruction counts; the ESP32-C3 adds its memory prior and says so', () => {
  const core = cpiFor(bundledCpi(), 'rv32imc', 'tflm-reference')!;
  assert.ok(core.calibrated && core.rows.length >= 3 && core.rows.every((r) => r.includes('scepu02')));
  assert.ok(core.spread <= SPREAD.calibratedCap);
  const bare = estimateLatency(kws, ref, 'rv32imc', 160);
  const part = estimateLatency(kws, ref, 'rv32imc', 160, { mcu: c3.mcu });
  assert.ok(bare.layers.every((l) => l.costModel === 'instructions'), 'every kws op has RV32IMC coefficients');
  assert.equal(bare.instructionBasis!.build, 'rv32imc:reference');
  assert.equal(part.instructionBasis!.build, 'rv32imc:reference');
  assert.equal(bare.calibrated, true);
  assert.equal(part.calibrated, false);
  // the same instructions and CPI; the part's memory term and weight streaming make it slower
  const mem = memorySystem('rv32imc', c3.mcu);
  assert.equal(mem.defaultWeights, 'external');
  assert.ok(memoryFactor({ weights: 'external', arena: 'sram' }, mem) > 1);
  assert.equal(part.instructionBasis!.cpi, bare.instructionBasis!.cpi);
  assert.ok(part.cycles! > bare.cycles! * part.instructionBasis!.memoryFactor * 0.999);
  assert.ok(part.notes.some((n) => n.includes('ESP32-C3') && n.includes('prior')));
  assert.ok(!bare.notes.some((n) => n.includes('ESP32-C3')));
  // a prior's range (x/÷2) is wider than the calibrated core's
  assert.ok(Math.abs(part.highMs! / part.ms! - Math.exp(SPREAD.prior)) < 1e-6);
  assert.ok(Math.abs(bare.highMs! / bare.ms! - Math.exp(core.spread)) < 1e-6);
  // only that part and runtime: another part, or the ESP-NN runtime, is untouched
  assert.equal(partCpi('esp32s3', 'tflm-reference', core), core);
  assert.equal(partCpi(c3.mcu!.id, 'tflm-esp-nn', core), core);
});
