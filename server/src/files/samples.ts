/**
 * Calibration samples from a folder (for `tinyml-lens quantize --data` and the editor's Quantize command): every .npy
 * or raw float32 .bin file, in name order, parsed by the quantize core. The only file reading of quantization.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { samplesFromFile, type Sample } from '../quantize/index.js';

/** The samples of a model's single input, or a sentence saying why the folder cannot give them. */
export function readSampleFolder(dir: string, shapes: readonly (readonly number[])[]): Sample[] | string {
  if (!existsSync(dir)) return `data folder ${dir} does not exist`;
  if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
  if (shapes.length !== 1) return `the model has ${shapes.length} inputs; a data folder holds samples of a single input (use random data for this model)`;
  const files = readdirSync(dir).filter((f) => /\.(npy|bin)$/i.test(f)).sort();
  if (files.length === 0) return `data folder ${dir} holds no .npy or .bin files`;
  return files.flatMap((f) => samplesFromFile(f, new Uint8Array(readFileSync(join(dir, f))), shapes[0]!).map((s) => [s]));
}
