/**
 * Which of CMSIS-NN's compiled code paths a target runs (the runtime stays `tflm-cmsis-nn`; only the buffer sizes
 * its kernels ask for differ): Helium (MVE) on Cortex-M55/M85 or a catalog part saying `helium: true`, the plain-C
 * path on cores without the DSP extension (Cortex-M0+/M3), the DSP path everywhere else.
 */
import type { CodePath } from '../analysis/tflm/kernels/types.js';
import type { Abi } from '../analysis/tflm/structs.js';
import type { Core, Mcu } from './catalog.js';

const MVE_CORES: ReadonlySet<string> = new Set(['cortex-m55', 'cortex-m85']);
const SCALAR_CORES: ReadonlySet<string> = new Set(['cortex-m0plus', 'cortex-m3']);

/** The CMSIS-NN code path for a target's core (and catalog part, when known). */
export function codePathFor(core: Core | string, mcu: Pick<Mcu, 'helium'> | null = null): CodePath {
  if (mcu?.helium === true || MVE_CORES.has(core)) return 'mve';
  if (SCALAR_CORES.has(core)) return 'scalar';
  return 'dsp';
}

/**
 * The C ABI a target's TFLM build has, as far as the arena sees it: how wide an enum is (analysis/tflm/structs.ts).
 * - Arm cores (`cortex-*`): `arm-eabi`. arm-none-eabi GCC (and the Arm compilers' bare-metal default) make an enum
 *   only as wide as its values, 1 byte for every TFLM enum: measured on the M0+, M4, M7, M33 and M55 rig builds.
 * - RISC-V (`rv32imc`, ESP32-C3 and other rv32 parts): `int-enum`; the RISC-V psABI makes an enum an int (measured
 *   on the RV32IMC rig build: every builder, sweep and shared model to the byte).
 * - Xtensa (`esp32`, `esp32s3`): `int-enum`; Espressif's xtensa-esp32(s3)-elf GCC has no short-enum default (not
 *   measured).
 * - ARC (`arc-em9d`): `int-enum`; ARC GCC and MetaWare default to int-sized enums (not measured).
 * - any other named core: `int-enum`, the rule of every GCC target except bare-metal Arm.
 * No core (no target): `arm-eabi`, the default of every figure.
 */
export function abiFor(core: Core | string | null): Abi {
  const name = (core ?? '').toLowerCase();
  return name === '' || name.startsWith('cortex-') ? 'arm-eabi' : 'int-enum';
}
