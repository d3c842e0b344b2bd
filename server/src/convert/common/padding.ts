/**
 * Padding arithmetic shared by the converters: a window's output size for explicit pads, TFLite's SAME split, and
 * whether explicit pads are exactly what TFLite's SAME does (then no PAD op is needed).
 */

/** A window along one spatial axis. */
export interface Window1d {
  readonly input: number;
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
}

const span = (w: Window1d): number => (w.kernel - 1) * w.dilation + 1;

/** Output size with explicit pads (floor, as ONNX with ceil_mode 0 and TFLite both compute). */
export function paddedOutputSize(w: Window1d, before: number, after: number): number {
  return Math.floor((w.input + before + after - span(w)) / w.stride) + 1;
}

/** TFLite's SAME: out = ceil(in / stride), the total pad split with the smaller half before (as SAME_UPPER). */
export function samePads(w: Window1d): { before: number; after: number; output: number } {
  const output = Math.ceil(w.input / w.stride);
  const total = Math.max(0, (output - 1) * w.stride + span(w) - w.input);
  return { before: Math.floor(total / 2), after: total - Math.floor(total / 2), output };
}

/** What TFLite padding reproduces explicit pads along every axis: VALID (all zero), SAME, or null (a PAD op is needed). */
export function tflitePadding(windows: readonly Window1d[], before: readonly number[], after: readonly number[]): 'VALID' | 'SAME' | null {
  if (before.every((p) => p === 0) && after.every((p) => p === 0)) return 'VALID';
  const same = windows.every((w, k) => {
    const s = samePads(w);
    // Padding after the last window that no window reads changes nothing: compare the output sizes and the leading pad.
    return s.before === before[k] && s.output === paddedOutputSize(w, before[k]!, after[k]!);
  });
  return same ? 'SAME' : null;
}
