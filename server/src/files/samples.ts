/**
 * Calibration samples from a folder (for `tinyml-lens quantize --data` and the editor's Quantize command): every .npy
 * or raw float32 .bin file, in name order, parsed by the quantize core. The only file reading of quantization: each
 * file through read.ts (regular files only, so a FIFO or a link to /dev/zero named `x.npy` is refused, not read for
 * ever), at most LIMITS.sample each and LIMITS.samples for the folder.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { samplesFromFile, type Sample } from '../quantize/index.js';
import { FileError, fileErrorOf, LIMITS, readRegularFile } from './read.js';

/** The samples of a model's single input, or a sentence saying why the folder cannot give them. */
export function readSampleFolder(dir: string, shapes: readonly (readonly number[])[], limits = { file: LIMITS.sample, total: LIMITS.samples }): Sample[] | string {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
    files = readdirSync(dir).filter((f) => /\.(npy|bin)$/i.test(f)).sort();
  } catch (e) {
    const f = fileErrorOf(e, dir);
    return f.code === 'missing' ? `data folder ${dir} does not exist` : `data folder ${f.message}`;
  }
  if (shapes.length !== 1) return `the model has ${shapes.length} inputs; a data folder holds samples of a single input (use random data for this model)`;
  if (files.length === 0) return `data folder ${dir} holds no .npy or .bin files`;
  const samples: Sample[] = [];
  let left = limits.total;
  for (const f of files) {
    let bytes: Uint8Array;
    try {
      bytes = readRegularFile(join(dir, f), { maxBytes: Math.min(limits.file, left), raise: left < limits.file ? 'the limit for all the samples of a folder together' : 'the limit for one sample file' });
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      return `sample ${e.message}`;
    }
    left -= bytes.length;
    for (const s of samplesFromFile(f, bytes, shapes[0]!)) samples.push([s]);
  }
  return samples;
}
