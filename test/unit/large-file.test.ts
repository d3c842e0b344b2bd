import assert from 'node:assert/strict';
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
import { compactTwin, writeSparseModel } from './helpers/large-model.js';

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
