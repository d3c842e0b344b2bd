import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { fastManifestRoot } from '../../server/src/manifest/fast-parse.ts';
import { parseManifest } from '../../server/src/manifest/parse.ts';
import { mulberry32 } from '../../server/src/model/builder/index.ts';

/** The fast path must give exactly what yaml gives: values, spans, fields and problems. */
function same(text: string): boolean {
  assert.deepEqual(parseManifest(text), parseManifest(text, { fastPath: false }), JSON.stringify(text));
  return fastManifestRoot(text) !== null;
}

const HAND = [
  'model: kws.tflite\ntarget: nrf52840\nruntime: tflm-cmsis-nn\nbudgets: {ram: 100KiB, flash: 1MiB, latency: 50ms}\nreserve: {ram: 8KiB}\n',
  'model: ./models/kws.tflite\ntarget:\n  sram: 256KiB\n  flash: 1MiB\n  core: cortex-m4f\n  clock: 64MHz\n',
  '# a manifest\nmodel: kws.tflite # the model\n\nbudgets:\n  ram: 64KiB   \n  flash: 1MiB # flash\n# end\n',
  'model: kws.tflite\nbudgets: {}\n',
  'model: kws.tflite\nbudgets: {ram: 1e3, flash: 180}\nclock: 1.5\nbogus: 12\nmodell: x\n',
  'model: kws.tflite\nmodel: other.tflite\nbudgets: {ram: 1KiB, ram: 2KiB}\n',
  'model: kws.tflite\nbudgets: 12\nreserve: nothing\ntarget: {sram: 1KiB}\n',
  'model: 12\ntarget: true\nruntime: null\n',
  'model: kws.tflite\nbudgets: {ram: 0x10}\n',
  'model: kws.tflite\nbudgets: {ram:1KiB}\n',
  'model: kws.tflite\ntarget:\n',
  'model: kws.tflite\nbudgets:\n  ram: 1KiB\n   flash: 1MiB\n',
  'model: kws.tflite\nbudgets:\n  ram:\n    x: 1\n',
  'model: kws tflite\n',
  'model: "kws.tflite"\n',
  'model: kws.tflite',
  '  model: kws.tflite\n',
  'model:kws.tflite\n',
  'model: kws.tflite\r\n',
  '{"model": "kws.tflite", "budgets": {"ram": "1KiB"}}',
  'budgets: {ram: 1KiB}\n',
  '',
  '# only a comment\n',
  'model: kws.tflite\ninput_shapes:\n  0: [1, 49, 10, 1]\n',
  'model: kws.tflite\n  # indented comment\nbudgets: {ram: .5}\n',
  'model: kws.tflite\nbudgets: { ram: 1KiB , flash: 2MiB }   \n',
  'model: kws.tflite\nbudgets: {ram: 1KiB,}\n',
  'model: kws.tflite\nTrue: 1\nNull: x\n007: y\n',
  'model: kws.tflite\nbudgets: {ram: 1.}\nclock: 1E3Hz\nreserve: {ram: 1_000}\n',
];

test('the fast path parses hand-written manifests exactly as yaml does, and takes the usual ones', () => {
  const taken = HAND.filter(same).length;
  assert.ok(same(HAND[0]!) && same(HAND[1]!) && same(HAND[2]!), 'the common shapes take the fast path');
  assert.ok(taken >= 10, `fast path taken for ${taken} of ${HAND.length}`);
  assert.ok(same(readFileSync(resolve(__dirname, '../../examples/kws.tinyml.yaml'), 'utf8')));
});

const KEYS = ['model', 'target', 'runtime', 'clock', 'arena_region', 'budgets', 'reserve', 'cloud', 'firmware', 'input_shapes', 'ram', 'flash', 'latency', 'energy', 'sram', 'core', 'elf', 'link', 'inferences_per_day', 'bogus', 'True', 'x'];
const VALUES = ['kws.tflite', './a/b.tflite', '100KiB', '1MiB', '50ms', '2mJ', '64MHz', 'nrf52840', 'tflm-cmsis-nn', 'cortex-m4f', '12', '007', '1.5', '.5', '1e3', '1E3', '1.', '0x1F', '0o7', 'true', 'False', 'null', '~', '.inf', '-1', '+2', '1_000', 'a b', '"q"', "'s'", 'a:b', 'a #b', 'x#y', '[1, 2]', '{}', '', '1KiB,', 'é'];

/** A random manifest-like text from the pieces above: block and flow mappings, comments, blanks, odd spacing. */
function randomManifest(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const space = (): string => pick(['', ' ', '  ']);
  const lines: string[] = [];
  const count = 1 + Math.floor(next() * 6);
  for (let i = 0; i < count; i++) {
    const key = pick(KEYS);
    const form = next();
    if (form < 0.45) lines.push(`${key}: ${pick(VALUES)}${pick(['', ' ', ' # note'])}`);
    else if (form < 0.7) {
      const items = Array.from({ length: Math.floor(next() * 4) }, () => `${pick(KEYS)}: ${pick(VALUES)}`);
      lines.push(`${key}: {${space()}${items.join(pick([', ', ',', ' , ']))}${space()}}${pick(['', '  ', ' # c'])}`);
    } else if (form < 0.9) {
      lines.push(`${key}:${pick(['', ' ', ' # block'])}`);
      const indent = pick(['  ', '  ', '    ', ' ']);
      for (let k = Math.floor(next() * 4); k > 0; k--) lines.push(`${next() < 0.1 ? pick(['', ' ', '   ']) : indent}${pick(KEYS)}: ${pick(VALUES)}${pick(['', ' # c'])}`);
    } else lines.push(pick(['', '# comment', '  # indented', '   ']));
  }
  return lines.join('\n') + pick(['\n', '', '\n\n']);
}

test('the fast path and yaml agree on 3,000 random manifests (seeded)', () => {
  const next = mulberry32(20261206);
  let taken = 0;
  for (let i = 0; i < 3000; i++) if (same(randomManifest(next))) taken++;
  assert.ok(taken > 250, `fast path taken for ${taken} of 3000`);
});
