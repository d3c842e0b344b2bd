import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { toJson } from '../../server/src/cli/format.js';
import { readModelForAnalysis } from '../../server/src/cli/model-file.js';
import { GiB, MiB } from '../../server/src/files/read.js';
import { ModelFormatError } from '../../server/src/model/errors.js';
import { readTflite, readTfliteSource, type ByteSource } from '../../server/src/model/tflite/reader.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { buildModel, type Field } from './helpers/tflite-fixture.js';

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
function compactTwin(): Uint8Array {
  const length = externalModel([2n, 2n, 2n, 2n]).length; // the flatbuffer's length does not depend on the offsets
  const start = BigInt(Math.ceil(length / 16) * 16);
  const pad = Number(start) - length;
  const tail = [...new Array<number>(pad).fill(0), ...new Array<number>(1024 + 64 + 16).fill(1), ...VERSION];
  return externalModel([start, start + 1024n, start + 1088n, start + 1104n], tail);
}

/** A 3 GiB sparse file: the flatbuffer at the start, the buffers' few bytes far beyond 2 GiB, holes between. */
function writeSparseModel(path: string): void {
  const size = 3 * GiB;
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

test('a 3 GiB model with its buffers after the flatbuffer is analysed from its flatbuffer part, not read whole', () => {
  const path = join(tempDir(), 'big.tflite');
  writeSparseModel(path);
  let read = { bytesRead: -1 };
  const model = readModelForAnalysis(path, undefined, (file) => { read = file; });
  assert.ok(read.bytesRead > 0 && read.bytesRead <= 4 * MiB + 8, `read ${read.bytesRead} bytes of a 3 GiB file`);
  assert.equal(model.fileBytes, 3 * GiB);
  assert.equal(model.minRuntimeVersion, '1.14.0', 'metadata after the flatbuffer is read by offset');
  assert.ok(model.buffers.slice(1).every((b) => b.external && b.data === undefined), 'external buffers are located, not read');

  // The figures are those of the same model as a small file (buffers after the flatbuffer too, read whole).
  const small = readTflite(compactTwin());
  for (const runtime of ['tflm-reference', 'tflm-cmsis-nn'] as const) {
    const big = toJson('m', analyzeModel(model, runtime));
    const twin = toJson('m', analyzeModel(small, runtime));
    assert.deepEqual({ ...big, flash: null }, { ...twin, flash: null }, runtime);
    assert.equal((big as { flash: { weightBytes: number } }).flash.weightBytes, 1024 + 64 + 16);
  }

  const r = cli('analyze', path, '--format', 'json');
  assert.equal(r.err, '');
  const json = JSON.parse(r.out) as { flash: { modelBytes: number }; memory: { minArenaBytes: number } };
  assert.equal(json.flash.modelBytes, 3 * GiB);
  assert.equal(json.memory.minArenaBytes, analyzeModel(small, 'tflm-cmsis-nn').memory.minArenaBytes);
});

/** An in-memory file that counts what is read of it. */
function counted(bytes: Uint8Array): ByteSource & { reads: number[][] } {
  const reads: number[][] = [];
  return { size: bytes.length, reads, read: (offset, length) => { reads.push([offset, length]); return bytes.slice(offset, offset + length); } };
}

test('readTfliteSource reads more of the flatbuffer while it continues, and gives the errors readTflite gives', () => {
  const bytes = compactTwin();
  const start = Number(readTflite(bytes).buffers[1]!.byteOffset);
  const source = counted(bytes);
  // A first read of 64 bytes: the flatbuffer part is read in growing steps, never the buffers after it.
  const m = readTfliteSource({ ...source, size: bytes.length + 3 * GiB }, { maxBytes: 2 * GiB, firstRead: 64 });
  assert.ok(source.reads.length > 1, 'read in steps');
  assert.ok(source.reads.filter(([o]) => o! < start).every(([o, n]) => o! + n! <= Math.max(start, 2 * (o! + n!))));
  assert.equal(m.minRuntimeVersion, '1.14.0');
  assert.deepEqual(m.subgraphs, readTflite(bytes).subgraphs);

  // A cut flatbuffer: the same located error as readTflite's, whatever the first read.
  const cut = bytes.slice(0, 200);
  const expected = (() => { try { readTflite(cut); } catch (e) { return e; } return null; })();
  assert.ok(expected instanceof ModelFormatError);
  for (const firstRead of [16, 64, 1024]) {
    assert.throws(() => readTfliteSource(counted(cut), { maxBytes: 2 * GiB, firstRead }),
      (e: unknown) => e instanceof ModelFormatError && e.message === expected.message, `first read ${firstRead}`);
  }
  // A declared flatbuffer beyond what may be read: a located ModelFormatError, after at most maxBytes.
  const limited = counted(bytes);
  assert.throws(() => readTfliteSource({ ...limited, size: bytes.length + GiB }, { maxBytes: 128, firstRead: 64 }),
    (e: unknown) => e instanceof ModelFormatError && /the 128 bytes read of the file/.test(e.message));
  assert.ok(limited.reads.every(([o, n]) => o! + n! <= 128));
});
