/**
 * Robustness of the .tflite reader on damaged input: every truncation and thousands of seeded byte mutations of valid
 * models must end in a Model or a ModelFormatError — never another exception, a hang, or runaway memory.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ModelFormatError } from '../../server/src/model/errors';
import { readTflite } from '../../server/src/model/tflite/reader';
import * as flatbuffers from 'flatbuffers';
import { richModel } from './helpers/tflite-fixture';
import { mulberry32 } from '../../server/src/model/builder/random.js';

interface Outcome { models: number; errors: Record<string, number> }

/**
 * Reads `bytes`, asserting the outcome kind: a model or a ModelFormatError. No time bound (timings belong to
 * `npm run bench`); a hang would not end the test. `label` identifies the case on failure.
 */
function check(bytes: Uint8Array, label: string, outcome: Outcome): void {
  try {
    readTflite(bytes);
    outcome.models++;
  } catch (e) {
    if (!(e instanceof ModelFormatError)) {
      assert.fail(`${label}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
    outcome.errors[e.code] = (outcome.errors[e.code] ?? 0) + 1;
  }
}

/** Mutation kinds: flip bits of a few bytes, overwrite a 4-byte word (hits offsets and lengths), or zero a run. */
function mutate(base: Uint8Array, rand: () => number): Uint8Array {
  const bytes = base.slice();
  const at = () => Math.floor(rand() * bytes.length);
  const kind = rand();
  if (kind < 0.5) {
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const p = at();
      bytes[p] = (bytes[p] ?? 0) ^ (1 << Math.floor(rand() * 8));
    }
  } else if (kind < 0.85) {
    const p = at() & ~3;
    const special = [0, 0xffffffff, 0x7fffffff, 0x80000000, 4, bytes.length, Math.floor(rand() * 2 ** 32)];
    const v = special[Math.floor(rand() * special.length)] ?? 0;
    if (p + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(p, v >>> 0, true);
  } else {
    const p = at();
    bytes.fill(rand() < 0.5 ? 0 : 0xff, p, p + 1 + Math.floor(rand() * 16));
  }
  return bytes;
}

function fuzz(name: string, base: Uint8Array, flips: number, seed: number): Outcome {
  const outcome: Outcome = { models: 0, errors: {} };
  for (let cut = 0; cut < base.length; cut++) check(base.subarray(0, cut), `${name} cut at ${cut}`, outcome);
  const rand = mulberry32(seed);
  for (let i = 0; i < flips; i++) check(mutate(base, rand), `${name} mutation ${i} (seed ${seed})`, outcome);
  return outcome;
}

/** examples/*.tflite, when the builder engineer's generated examples are present. */
function exampleModels(): [string, Uint8Array][] {
  const dir = path.resolve(__dirname, '../../examples');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.tflite')).sort()
    .map((f): [string, Uint8Array] => [f, new Uint8Array(readFileSync(path.join(dir, f)))])
    // Large examples are covered by the conformance fuzz; keep this file quick.
    .filter(([, bytes]) => bytes.length <= 64 * 1024);
}

describe('reader fuzz', () => {
  test('hand-built rich model: every truncation and 4000 seeded mutations', () => {
    const base = richModel();
    assert.ok(readTflite(base).subgraphs.length === 2, 'the base model must be valid');
    const outcome = fuzz('rich', base, 4000, 0x5eed);
    // Every strict prefix is truncated: the root table or something it points at lies past the cut.
    const kinds = Object.keys(outcome.errors);
    assert.ok(kinds.includes('truncated') && kinds.length >= 4, `error kinds seen: ${kinds.join(', ')}`);
    assert.ok(outcome.models > 0, 'some mutations (e.g. in weights) leave a valid model');
  });

  test('every strict prefix of a valid model is rejected as truncated or not a model', () => {
    const base = richModel();
    for (let cut = 0; cut < base.length; cut++) {
      assert.throws(() => readTflite(base.subarray(0, cut)), (e: unknown) => e instanceof ModelFormatError &&
        ['truncated', 'bad-offset', 'not-a-model', 'bad-identifier', 'bad-vtable'].includes(e.code), `cut at ${cut}`);
    }
  });

  test('aliased vectors cannot multiply the work: 50k tensors sharing one 50k-dim shape', () => {
    // 400 KB of file that would decode to 2.5e9 numbers if the reader trusted it.
    const n = 50_000;
    const b = new flatbuffers.Builder(1 << 20);
    b.startVector(4, n, 4);
    for (let i = 0; i < n; i++) b.addInt32(1);
    const shape = b.endVector();
    b.startObject(1);
    b.addFieldOffset(0, shape, 0);
    const tensor = b.endObject();
    b.startVector(4, n, 4);
    for (let i = 0; i < n; i++) b.addOffset(tensor);
    const tensors = b.endVector();
    b.startObject(1);
    b.addFieldOffset(0, tensors, 0);
    const subgraph = b.endObject();
    b.startVector(4, 1, 4);
    b.addOffset(subgraph);
    const subgraphs = b.endVector();
    b.startObject(3);
    b.addFieldInt32(0, 3, null);
    b.addFieldOffset(2, subgraphs, 0);
    b.finish(b.endObject(), 'TFL3');
    assert.throws(() => readTflite(b.asUint8Array()), (e: unknown) => e instanceof ModelFormatError && e.code === 'count-too-large');
  });

  for (const [name, bytes] of exampleModels()) {
    test(`examples/${name}: every truncation and 500 seeded mutations`, () => {
      readTflite(bytes);
      fuzz(name, bytes, 500, 0xc0ffee);
    });
  }
});
