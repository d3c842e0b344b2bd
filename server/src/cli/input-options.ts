/**
 * `--input-shape NAME_OR_INDEX=D,D,...` and `--input-value NAME=V[,V...]`, parsed and checked (main.ts turns a
 * returned reason into a usage error). Shapes by position apply to the analysed .tflite; by name, for a source model,
 * they fix open dimensions in the converter. Values fix an ONNX input to constants before conversion (Silero VAD's
 * `sr=16000`), so what depends on it folds; the converter says which name is not an input, or which value does not fit.
 */
import type { InputShape } from '../analysis/shapes.js';
import { visible } from '../analysis/text.js';

/** One --input-shape: an input position (digits) or name, and its dimensions; or why it cannot be read. */
export function parseInputShape(text: string): InputShape | string {
  const eq = text.lastIndexOf('=');
  const name = text.slice(0, eq).trim();
  const dims = text.slice(eq + 1).split(',').map((d) => (/^\s*\d+\s*$/.test(d) ? Number(d) : NaN));
  if (eq <= 0 || name === '' || !dims.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    return `--input-shape needs NAME_OR_INDEX=D,D,... with positive whole dimensions (e.g. 0=1,96,96,3), not '${visible(text)}'`;
  }
  return { input: /^\d+$/.test(name) ? Number(name) : name, shape: dims };
}

/** Every --input-value as a map by input name (a name given twice is refused), or why one cannot be read. */
export function parseInputValues(texts: readonly string[]): Map<string, number[]> | string {
  const values = new Map<string, number[]>();
  for (const text of texts) {
    const eq = text.lastIndexOf('=');
    const name = text.slice(0, eq).trim();
    const parts = text.slice(eq + 1).split(',');
    const numbers = parts.map((p) => (/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(p) ? Number(p) : NaN));
    if (eq <= 0 || name === '' || !numbers.every(Number.isFinite)) {
      return `--input-value needs NAME=V[,V...] with finite numbers (e.g. sr=16000), not '${visible(text)}'`;
    }
    if (values.has(name)) return `--input-value gives '${visible(name)}' twice`;
    values.set(name, numbers);
  }
  return values;
}
