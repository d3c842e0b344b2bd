/**
 * The tensors tab: the model's inputs and outputs with their quantization (scale, zero point, integer range) and the
 * formula the application applies to quantize its input or read its output.
 */
import type { ViewerIo } from '../../../../server/src/lsp/viewer-protocol.js';
import { bytes } from '../../cost-profile/figures.js';
import { el, table } from '../../cost-profile/webview/dom.js';
import { cNumber, quantizationFormula, realRange } from '../logic/quantization.js';

export function ioTab(io: readonly ViewerIo[]): HTMLElement {
  if (io.length === 0) return el('section', { class: 'io' }, el('p', { class: 'subtitle' }, 'No input or output tensors to show (a TF.js model is quantized by the converter).'));
  const list = (v: readonly number[]): string => (v.length > 4 ? `${v.slice(0, 4).map(cNumber).join(', ')}, … (${v.length})` : v.map(cNumber).join(', '));
  const rows = io.map((t) => {
    const range = realRange(t);
    return [
      `${t.role} ${t.name}`,
      `[${t.shape.join(',')}] ${t.dtype.toLowerCase()}, ${bytes(t.bytes)}`,
      t.scale.length ? list(t.scale) : '–',
      t.zeroPoint.length ? list(t.zeroPoint) : '–',
      range ? `${cNumber(range[0])} to ${cNumber(range[1])}` : '–',
      el('code', { class: 'formula' }, quantizationFormula(t)),
    ];
  });
  return el('section', { class: 'io', 'aria-label': 'Input and output tensors' },
    table('io-table', ['tensor', 'shape and type', 'scale', 'zero point', 'real range', 'what the application does'], rows),
    el('p', { class: 'subtitle' }, 'Quantize each input value x before copying it into the input tensor; dequantize each output value q to read it. round() rounds half away from zero, like the QUANTIZE kernel of TFLM (std::round in reference/quantize.h).'));
}
