/**
 * Many keys (issue 14): the duplicate-key check was yaml's own, which compares each key with every earlier one of its
 * mapping (30,000 unknown keys: 13 s in the parser alone). It is now one Set per mapping. The tests count the check's
 * work through its probe (no timings), check that 30,000 unknown keys give 30,000 located problems with the
 * duplicates among them still found, and that the check finds exactly what yaml's own check finds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { duplicateKeys, parseManifest, YAML_OPTIONS, type KeyCheckProbe } from '../../server/src/manifest/parse.js';
import { mulberry32 } from '../../server/src/model/builder/index.js';

const manyKeys = (n: number, dupEvery = 0): string => {
  const lines = ['model: a.tflite'];
  for (let i = 0; i < n; i++) lines.push(dupEvery && i > 0 && i % dupEvery === 0 ? `k${i - 1}: 2` : `k${i}: 1`);
  return `${lines.join('\n')}\n`;
};

test('the duplicate check looks each key up once: its work grows linearly with the keys', () => {
  const work = (n: number): number => {
    const probe: KeyCheckProbe = { lookups: 0 };
    duplicateKeys(parseDocument(manyKeys(n), YAML_OPTIONS).contents!, probe);
    return probe.lookups;
  };
  assert.equal(work(15_000), 15_001);
  assert.equal(work(30_000), 30_001);
  // The parser's own pairwise check stays off (it is what made this quadratic).
  assert.equal(YAML_OPTIONS.uniqueKeys, false);
});

test('30,000 unknown keys give 30,000 located unknown-key problems, and the duplicates among them are found', () => {
  const text = manyKeys(30_000, 1000);
  const { problems } = parseManifest(text);
  const unknown = problems.filter((p) => p.code === 'unknown-key');
  assert.equal(unknown.length, 30_000);
  for (const p of unknown) assert.equal(text.slice(p.span.start, p.span.end), p.code === 'unknown-key' ? p.key : '');
  const dups = problems.filter((p) => p.code === 'syntax');
  assert.equal(dups.length, 29); // keys 1000, 2000, ..., 29000 repeat the key before them
  for (const p of dups) assert.match(text.slice(p.span.start, p.span.end), /^k\d+9$/);
  assert.deepEqual(dups.map((p) => p.span), duplicateKeys(parseDocument(text, YAML_OPTIONS).contents!));
});

test('duplicates are found where yaml finds them: nested, flow and JSON mappings, numbers apart from strings', () => {
  assert.deepEqual(parseManifest('model: a.tflite\nbudgets:\n  ram: 1KiB\n  ram: 2KiB\n').problems.map((p) => p.code), ['syntax']);
  assert.equal(parseManifest('{"model": "a.tflite", "model": "b.tflite"}').problems[0]?.span.start, 22);
  assert.deepEqual(parseManifest("model: a.tflite\n1: x\n'1': y\n").problems.filter((p) => p.code === 'syntax'), []);
  // Seeded small documents: block, nested and flow mappings over a few key names, against yaml's own check.
  const next = mulberry32(3);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const keys = ['a', 'b', '1', "'1'", '"a"', 'true', 'null', '~'];
  const value = (depth: number): string => {
    const r = next();
    if (depth < 2 && r < 0.2) return `{${Array.from({ length: 1 + Math.floor(next() * 3) }, () => `${pick(keys)}: 1`).join(', ')}}`;
    if (depth < 2 && r < 0.4) return `\n${block(depth + 1)}`;
    return String(Math.floor(next() * 9));
  };
  const block = (depth: number): string => Array.from({ length: 1 + Math.floor(next() * 4) }, () => `${'  '.repeat(depth)}${pick(keys)}: ${value(depth)}`).join('\n');
  let compared = 0;
  for (let i = 0; i < 400; i++) {
    const text = `${block(0)}\n`;
    const yamlOwn = parseDocument(text, { ...YAML_OPTIONS, uniqueKeys: true }).errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.pos[0]);
    const ours = duplicateKeys(parseDocument(text, YAML_OPTIONS).contents!).map((s) => s.start).sort((x, y) => x - y);
    assert.deepEqual(ours, yamlOwn.sort((x, y) => x - y), text);
    compared += yamlOwn.length;
  }
  assert.ok(compared > 50, `the generator made only ${compared} duplicates`);
});
