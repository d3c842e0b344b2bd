/**
 * Part-level factors (analysis/latency/parts.ts): the ESP32-C3 runs TFLM's reference kernels at the ESP32-S3's
 * calibrated factor, as a prior, while a bare RV32IMC core keeps the calibration of its own path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledCoefficients } from '../../server/src/analysis/latency/coefficients.js';
import { estimateLatency } from '../../server/src/analysis/latency/model.js';
import { partFactor } from '../../server/src/analysis/latency/parts.js';
import { checkSupport } from '../../server/src/analysis/support/index.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { resolveTarget } from '../../server/src/targets/catalog.js';

test('the ESP32-C3 takes the ESP32-S3 reference-kernel factor as a prior; a bare RV32IMC core keeps its own', () => {
  const k = bundledCoefficients();
  const c3 = resolveTarget('esp32c3')!;
  assert.equal(c3.core, 'rv32imc');
  const f = partFactor(c3.mcu!.id, 'reference', k)!;
  assert.equal(f.factor, k.cores.reference.esp32s3!.factor);
  assert.equal(f.calibrated, false);
  assert.equal(partFactor(null, 'reference', k), null);
  assert.equal(partFactor(c3.mcu!.id, 'esp-nn', k), null);

  const kws = readTflite(buildKwsDsCnnInt8());
  const s = checkSupport(kws, 'tflm-reference', []);
  const part = estimateLatency(kws, s, 'rv32imc', 160, { mcu: c3.mcu });
  const bare = estimateLatency(kws, s, 'rv32imc', 160);
  // every op on the reference path: the part's cycles are the bare core's times the ratio of the two factors
  const ratio = k.cores.reference.esp32s3!.factor / k.cores.reference.rv32imc!.factor;
  assert.ok(ratio > 1);
  assert.ok(part.cycles! > bare.cycles!);
  assert.ok(part.cycles! < bare.cycles! * ratio);
  assert.equal(part.calibrated, false);
  assert.equal(bare.calibrated, true);
  assert.ok(part.notes.some((n) => n.includes('ESP32-S3') && n.includes('prior')));
  assert.ok(!bare.notes.some((n) => n.includes('ESP32-S3')));
  // a prior's range is wider than the calibrated core's
  assert.ok(part.highMs! / part.ms! > bare.highMs! / bare.ms!);
});
