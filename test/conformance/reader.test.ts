/**
 * The .tflite reader against real models in ../shared/models: tensor names, types and bytes of subgraph 0 and
 * operator counts must match what TFLM itself reported (tflm_detail/reference/<model>.json), and every model must
 * survive a lighter fuzz. Skipped where ../shared is not checked out next to the repository.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ModelFormatError } from '../../server/src/model/errors';
import { readTflite } from '../../server/src/model/tflite/reader';

const MODELS = path.resolve(__dirname, '../../../shared/models');
const REFERENCE = path.join(MODELS, 'tflm_detail', 'reference');

interface Reference {
  file_bytes: number;
  subgraphs: number;
  ops: Record<string, number>;
  offline_plan: boolean;
  tensors_sg0?: { t: number; name: string; type: string; bytes: number }[];
}

function models(): string[] {
  return existsSync(MODELS) ? readdirSync(MODELS).filter((f) => f.endsWith('.tflite')).sort() : [];
}

/** Fails the case unless it ends in a Model or a ModelFormatError within the time bound. */
function survives(bytes: Uint8Array, label: string): void {
  const t0 = performance.now();
  try {
    readTflite(bytes);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) assert.fail(`${label}: threw ${String(e)}`);
  }
  const ms = performance.now() - t0;
  assert.ok(ms < 500, `${label}: took ${ms.toFixed(1)} ms`);
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('reader conformance on ../shared/models', { skip: existsSync(MODELS) ? false : `no shared models at ${MODELS}` }, () => {
  test('the shared model set is present', () => {
    assert.ok(models().length >= 20, `found ${models().length} models`);
  });

  for (const file of models()) {
    const bytes = new Uint8Array(readFileSync(path.join(MODELS, file)));
    const refPath = path.join(REFERENCE, file.replace(/\.tflite$/, '.json'));

    test(`${file}: matches TFLM's view`, { skip: existsSync(refPath) ? false : 'no reference json' }, () => {
      const ref = JSON.parse(readFileSync(refPath, 'utf8')) as Reference;
      const model = readTflite(bytes);
      assert.equal(model.fileBytes, ref.file_bytes);
      assert.equal(model.subgraphs.length, ref.subgraphs);
      assert.equal(model.offlineMemoryAllocation !== null, ref.offline_plan);

      const ops: Record<string, number> = {};
      for (const sg of model.subgraphs) for (const op of sg.operators) ops[op.opName] = (ops[op.opName] ?? 0) + 1;
      assert.deepEqual(ops, ref.ops);

      // TFLM only reports tensors for models it could allocate.
      if (ref.tensors_sg0 !== undefined) {
        const tensors = model.subgraphs[0]?.tensors ?? [];
        assert.equal(tensors.length, ref.tensors_sg0.length);
        for (const r of ref.tensors_sg0) {
          const t = tensors[r.t];
          assert.deepEqual([t?.name, t?.dtype, t?.bytes], [r.name, r.type, r.bytes], `tensor ${r.t}`);
        }
      }
    });

    test(`${file}: 500 truncations and 300 byte flips end in a Model or a ModelFormatError`, () => {
      for (let i = 0; i < 500; i++) {
        const cut = Math.floor((i * bytes.length) / 500);
        survives(bytes.subarray(0, cut), `${file} cut at ${cut}`);
      }
      const rand = prng(bytes.length);
      // Flips land in the first 64 KiB, where the tables are, as often as in the (large) weights.
      const span = (): number => Math.floor(rand() * (rand() < 0.5 ? Math.min(bytes.length, 65536) : bytes.length));
      const copy = bytes.slice();
      for (let i = 0; i < 300; i++) {
        const flips = [span(), span(), span()].map((p) => [p, 1 << Math.floor(rand() * 8)] as const);
        for (const [p, bit] of flips) copy[p] = (copy[p] ?? 0) ^ bit;
        survives(copy, `${file} flip set ${i}`);
        // Undo in place: copying a multi-megabyte model 300 times would dominate the run.
        for (const [p, bit] of flips) copy[p] = (copy[p] ?? 0) ^ bit;
      }
    });
  }
});
