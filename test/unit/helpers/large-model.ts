/**
 * Models over 2 GiB for the tests and the bench: a small model whose buffers live after the flatbuffer (offset/size), as
 * converters write models over 2 GB, written into a 3 GiB sparse file (only the flatbuffer and a few bytes are
 * written; the rest is a hole), and its compact twin (the same buffers right after the flatbuffer, a small file).
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { GiB, MiB } from '../../../server/src/files/read.js';
import { buildModel, type Field } from './tflite-fixture.js';

const q = (scale: number, zp = 0): Field[] => [[2, 'f32[]', [scale]], [3, 'i64[]', [zp]]];
const VERSION = [...new TextEncoder().encode('1.14.0'), 0, 0];

/**
 * A model whose buffers live after the flatbuffer, as converters write models over 2 GB: FULLY_CONNECTED (int8
 * weights and int32 bias after the flatbuffer) then ADD with a constant after it too, and the min_runtime_version
 * metadata after it. `at` gives the file offsets of the four external buffers (weights, bias, constant, metadata).
 */
function externalModel(at: readonly [bigint, bigint, bigint, bigint], tail: readonly number[] = []): Uint8Array {
  return buildModel({
    operatorCodes: [{ deprecated: 9, builtin: 9 }, { deprecated: 0, builtin: 0 }],
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, 64], type: 9, quantization: q(0.05) },
        { name: 'w', shape: [16, 64], type: 9, buffer: 1, quantization: q(0.01) },
        { name: 'b', shape: [16], type: 2, buffer: 2, quantization: q(0.0005) },
        { name: 'y', shape: [1, 16], type: 9, quantization: q(0.1) },
        { name: 'c', shape: [1, 16], type: 9, buffer: 3, quantization: q(0.1) },
        { name: 'z', shape: [1, 16], type: 9, quantization: q(0.2) },
      ],
      operators: [{ opcodeIndex: 0, inputs: [0, 1, 2], outputs: [3] }, { opcodeIndex: 1, inputs: [3, 4], outputs: [5] }],
      inputs: [0],
      outputs: [5],
    }],
    buffers: [{}, { offset: at[0], size: 1024n }, { offset: at[1], size: 64n }, { offset: at[2], size: 16n }, { offset: at[3], size: 8n }],
    metadata: [{ name: 'min_runtime_version', buffer: 4 }],
    tail,
  });
}

/** The same model with its external buffers in a compact tail right after the flatbuffer (a small file). */
export function compactTwin(): Uint8Array {
  const length = externalModel([2n, 2n, 2n, 2n]).length; // the flatbuffer's length does not depend on the offsets
  const start = BigInt(Math.ceil(length / 16) * 16);
  const pad = Number(start) - length;
  const tail = [...new Array<number>(pad).fill(0), ...new Array<number>(1024 + 64 + 16).fill(1), ...VERSION];
  return externalModel([start, start + 1024n, start + 1088n, start + 1104n], tail);
}

/** A 3 GiB sparse file: the flatbuffer at the start, the buffers' few bytes far beyond 2 GiB, holes between. */
export function writeSparseModel(path: string, size = 3 * GiB): void {
  const at = [2 * GiB + 4096, 2 * GiB + 600 * MiB, 2 * GiB + 900 * MiB, size - 8] as const;
  const flatbuffer = externalModel([BigInt(at[0]), BigInt(at[1]), BigInt(at[2]), BigInt(at[3])]);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, flatbuffer, 0, flatbuffer.length, 0);
    ftruncateSync(fd, size);
    writeSync(fd, new Uint8Array(1024).fill(1), 0, 1024, at[0]);
    writeSync(fd, new Uint8Array(VERSION), 0, VERSION.length, at[3]);
  } finally {
    closeSync(fd);
  }
}

