/**
 * Parts whose MAC-model factor is not their core's. A core id such as `rv32imc` names an instruction set, not a
 * microarchitecture or a memory system: its factor on TFLM's reference kernels (1, the path's reference) is
 * calibrated on the MLPerf Tiny rows of the PCL SCEPU02, an RV32IMC part measured with a tuned MLPerf build from
 * on-chip memory (about 38 cycles per MAC on MobileNetV1 0.25). The ESP32-C3 is RV32IMC too, but runs what an ESP-IDF
 * build of esp-tflite-micro gives: code and constants (the weights) execute in place from SPI flash through its
 * 16 KB cache, the tensor arena in internal SRAM. Espressif's own person-detection figures for that one program
 * (esp-nn README) put the ESP32-C3 (RV32IMC, 160 MHz) and the ESP32-S3 (Xtensa LX7, 240 MHz) at the same cycles
 * within 3%, about 75 per MAC: on scalar reference C the ISA matters less than the build and the flash-cache memory
 * system the two parts share, and neither uses SIMD there. So the ESP32-C3 takes the ESP32-S3's calibrated
 * reference-kernel factor, as a prior (it was not fitted on an ESP32-C3 row; the range is a prior's). Pure.
 */
import type { Core } from '../../targets/catalog.js';
import type { Coefficients, CoreFactor } from './coefficients.js';
import { SPREAD, type CoreCpi } from './cpi.js';
import type { CpuPath } from './features.js';

interface PartFactor { path: CpuPath; from: Core; why: string }

const PART_FACTORS: Readonly<Record<string, readonly PartFactor[]>> = {
  esp32c3: [{
    path: 'reference', from: 'esp32s3',
    why: 'prior: the ESP32-S3 factor (same ESP-IDF build of TFLM, code and weights in SPI flash through the cache, no SIMD in the reference kernels); the RV32IMC calibration is another part from on-chip memory',
  }],
};

/** The factor a part runs a path at when it differs from its core's, or null to use the core's. */
export function partFactor(mcuId: string | null, path: CpuPath, k: Coefficients): CoreFactor | null {
  const p = mcuId === null ? undefined : PART_FACTORS[mcuId]?.find((x) => x.path === path);
  const base = p ? k.cores[path][p.from] : undefined;
  if (!p || !base) return null;
  return { ...base, calibrated: false, basis: p.why };
}

/**
 * Parts that run their core's instruction counts and CPI but whose memory system is a prior of their own: the CPI
 * stays the core's (calibrated elsewhere), the estimate is labelled a prior and gets a prior's range. The ESP32-C3
 * runs the RV32IMC reference-kernel build's instructions at the RV32IMC CPI (calibrated on the PCL SCEPU02, on-chip
 * memory), times its own memory term (memory.ts: code and weights execute in place from SPI flash through the 16 KB
 * cache, the arena in internal SRAM). No ESP32-C3 row enters the CPI.
 */
const PART_CPI: Readonly<Record<string, { runtime: string; why: string }>> = {
  esp32c3: {
    runtime: 'tflm-reference',
    why: 'ESP32-C3: the RV32IMC CPI with a memory-term prior for code and weights in SPI flash through the 16 KB cache (no ESP32-C3 row calibrates it)',
  },
};

/** The CPI a part runs at: its core's, or, for a part with a memory prior of its own, the same CPI as a prior. */
export function partCpi(mcuId: string | null, runtime: string, cpi: CoreCpi | null): CoreCpi | null {
  const p = mcuId === null ? undefined : PART_CPI[mcuId];
  if (!cpi || !p || p.runtime !== runtime) return cpi;
  return { ...cpi, calibrated: false, spread: Math.max(cpi.spread, SPREAD.prior), basis: `prior: ${p.why}; CPI from ${cpi.basis.replace(/^prior: /, '')}` };
}

/** Measured-row parts whose rows calibrate no core CPI and no core range (their estimate is a part prior). */
export const PART_PRIOR_MCUS: readonly string[] = Object.keys(PART_CPI);

