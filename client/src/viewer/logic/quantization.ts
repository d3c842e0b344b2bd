/** What an application does to fill a quantized input and read a quantized output, in words and numbers (pure). */
import type { ViewerIo } from '../../../../server/src/lsp/viewer-protocol.js';

/** A number as C would want it: enough digits to round-trip a float32 scale. */
export function cNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(9)));
}

/**
 * The formula for a tensor: `q = clamp(round(x / 0.0039215689) + (-128), -128, 127)` for an input,
 * `x = (q - (-128)) * 0.0039215689` for an output; per-channel tensors say so; float tensors need nothing.
 */
export function quantizationFormula(t: ViewerIo): string {
  if (t.scale.length === 0) return `${t.dtype.toLowerCase()}: no quantization (the application passes real values)`;
  if (t.scale.length > 1) return `per channel along axis ${t.quantizedDimension}: ${t.role === 'input' ? 'q = round(x / scale[c]) + zero_point[c]' : 'x = (q - zero_point[c]) * scale[c]'} (${t.scale.length} channels)`;
  const s = cNumber(t.scale[0]!);
  const zp = t.zeroPoint[0] ?? 0;
  const z = zp < 0 ? `(${zp})` : String(zp);
  if (t.role === 'input') {
    const round = `round(x / ${s}) + ${z}`;
    return t.qmin !== null && t.qmax !== null ? `q = clamp(${round}, ${t.qmin}, ${t.qmax})` : `q = ${round}`;
  }
  return `x = (q - ${z}) * ${s}`;
}

/** The real values a quantized tensor can hold: [(qmin - zp) * scale, (qmax - zp) * scale]; null when not per-tensor. */
export function realRange(t: ViewerIo): [number, number] | null {
  if (t.scale.length !== 1 || t.qmin === null || t.qmax === null) return null;
  const s = t.scale[0]!;
  const zp = t.zeroPoint[0] ?? 0;
  return [(t.qmin - zp) * s, (t.qmax - zp) * s];
}
