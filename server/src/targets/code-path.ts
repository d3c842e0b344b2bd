/**
 * Which of CMSIS-NN's compiled code paths a target runs (the runtime stays `tflm-cmsis-nn`; only the buffer sizes
 * its kernels ask for differ): Helium (MVE) on Cortex-M55/M85 or a catalog part saying `helium: true`, the plain-C
 * path on cores without the DSP extension (Cortex-M0+/M3), the DSP path everywhere else.
 */
import type { CodePath } from '../analysis/tflm/kernels/types.js';
import type { Core, Mcu } from './catalog.js';

const MVE_CORES: ReadonlySet<string> = new Set(['cortex-m55', 'cortex-m85']);
const SCALAR_CORES: ReadonlySet<string> = new Set(['cortex-m0plus', 'cortex-m3']);

/** The CMSIS-NN code path for a target's core (and catalog part, when known). */
export function codePathFor(core: Core | string, mcu: Pick<Mcu, 'helium'> | null = null): CodePath {
  if (mcu?.helium === true || MVE_CORES.has(core)) return 'mve';
  if (SCALAR_CORES.has(core)) return 'scalar';
  return 'dsp';
}
