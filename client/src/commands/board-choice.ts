/** The board a new deployment manifest starts from (pure: no vscode import, unit-tested). */
import type { TargetFit } from '../../../server/src/lsp/protocol.js';

/** What a new manifest reserves for the application besides the model (stacks, RTOS, TFLM's code). */
export const RESERVE = { ram: 24 * 1024, flash: 120 * 1024 } as const;

/** The board a new manifest names when the settings name none (and a fallback's figures when it is in the list). */
export const FALLBACK_BOARD = 'nrf52840';

/**
 * The configured board; else the first (smallest) board in the server's order that fits with the reserve, whose
 * runtime runs every operator, preferring one without an unused NPU; else the fallback board's row.
 */
export function chooseBoard(targets: readonly TargetFit[], configured: string | undefined): TargetFit | undefined {
  if (configured) return targets.find((t) => t.id === configured);
  const runs = (t: TargetFit): boolean => t.fits === true && t.unsupportedOps === 0;
  const roomy = (t: TargetFit): boolean => runs(t) && (t.ramBytes ?? 0) >= t.arenaBytes + RESERVE.ram && (t.flashBytes ?? 0) >= t.modelBytes + RESERVE.flash;
  const cpuOnly = (t: TargetFit): boolean => !t.npu;
  return targets.find((t) => roomy(t) && cpuOnly(t)) ?? targets.find((t) => runs(t) && cpuOnly(t)) ?? targets.find(roomy) ?? targets.find(runs)
    ?? targets.find((t) => t.id === FALLBACK_BOARD);
}

