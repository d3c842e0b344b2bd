/**
 * Parts whose MAC-model factor is not their core's. A core id such as `rv32imc` names an instruction set, not a
 * microarchitecture or a memory system: its factor on TFLM's reference kernels (1, the path's reference) is
 * calibrated on the MLPerf Tiny rows of the PCL SCEPU02, an RV32IMC part measured with a tuned MLPerf build from
 * on-chip memory (about 38 cycles per MAC on MobileNetV1 0.25). The ESP32-C3 is RV32IMC too, but runs what an ESP-IDF
 * build of esp-tflite-micro gives: code and constants (the weights) execute in place from SPI flash through its
 * 16 KB cache, the tensor arena in internal SRAM. Espressif's own person-detection figures for that one program
 * (esp-nn README) put the ESP32-C3 (RV32IMC, 160 MHz) and the ESP32-S3 (Xtensa LX7, 240 MHz) at the same cycles
 * within 3%, about 75 per MAC: on scalar reference C the ISA matters less than the build and the flash-cache memory
 * system the two parts share, and neither uses SIMD there. So, where an op has no instruction coefficients (the MAC
 * fallback), the ESP32-C3 takes the ESP32-S3's calibrated reference-kernel factor, as a prior (it was not fitted on an
 * ESP32-C3 row; the range is a prior's). Pure.
 */
import type { Core } from '../../targets/catalog.js';
import type { Coefficients, CoreFactor } from './coefficients.js';
import { partCpiFor, type CoreCpi, type CpiRuntime, type CpiTable } from './cpi.js';
import type { Placement } from './memory.js';
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
 * Parts whose CPI is their own, a prior from a sibling part's measured row rather than their core's calibration. The
 * ESP32-C3 runs the RV32IMC reference-kernel build's instructions, but the RV32IMC CPI is calibrated on the PCL
 * SCEPU02 (a tuned MLPerf build from on-chip memory), while the C3 runs an ESP-IDF build of esp-tflite-micro whose
 * code and weights execute in place from SPI flash through the cache. Espressif's own program on its own parts
 * (esp-nn README, person detection, no ESP-NN, no SIMD) is that environment, and the ESP32-S3's row of it is a
 * training row: its cycles over the RV32IMC instruction count of the same model give "cycles per RV32 instruction of an
 * ESP-IDF build executing from flash" (scripts/fit-cpi.ts writes it into cpi.json `parts`, with the rows behind it).
 * That CPI includes the flash and cache, so the memory term only counts a placement other than the part's default.
 * Assumption, hence a prior: that this CPI does not depend on the ISA (the S3 is Xtensa LX7). No ESP32-C3 row enters it.
 */
export interface PartCpiPrior { runtime: CpiRuntime; sibling: string; why: string }

export const PART_CPI: Readonly<Record<string, PartCpiPrior>> = {
  esp32c3: {
    runtime: 'tflm-reference',
    sibling: 'esp32s3',
    why: 'ESP32-C3: cycles per RV32IMC instruction of an ESP-IDF TFLM build executing from SPI flash through the cache, from the ESP32-S3 (Xtensa LX7) row of the same program; assumes that CPI is ISA-independent',
  },
};

/** The CPI a part runs at: its own (a prior from a sibling's rows, with the placement it includes), else its core's. */
export function partCpi(table: CpiTable, mcuId: string | null, runtime: string, core: CoreCpi | null): { cpi: CoreCpi; includes: Placement | null } | null {
  const p = partCpiFor(table, mcuId, runtime);
  if (p) return { cpi: p, includes: p.includes };
  return core ? { cpi: core, includes: null } : null;
}

/** Measured-row parts whose rows calibrate no CPI and no range (their estimate is a part prior). */
export const PART_PRIOR_MCUS: readonly string[] = Object.keys(PART_CPI);
