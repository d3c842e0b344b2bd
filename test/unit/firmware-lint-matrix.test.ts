/**
 * Issue 10's "done when" for the firmware lint, as a matrix: each of the four mistakes (resolver N below its Add
 * calls, an op with no Add, an Add the model never uses, an arena below or far above the minimum) made in a correct
 * source of each style (TFLM example, Arduino sketch, ESP-IDF component; test/fixtures/firmware/src) is found once,
 * at the line that holds it, and its first fix, applied, leaves the source silent again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { resolverMethods } from '../../server/src/codegen/tflm.js';
import { lintFirmware, recommendedArena, type ModelFacts } from '../../server/src/firmware/lint.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { applyFix as apply, lineOf, lineWith } from './helpers/firmware-text.js';

const src = (name: string): string => readFileSync(path.join(__dirname, '..', 'fixtures', 'firmware', 'src', name), 'utf8');
const kws = readTflite(buildKwsDsCnnInt8());
const min = analyzeModel(kws, 'tflm-cmsis-nn').memory.minArenaBytes;
const facts: ModelFacts = { label: 'kws.tflite', methods: resolverMethods(kws), minArenaBytes: min, kernelBytes: () => 4321 };
const good = recommendedArena(min);

/** Replaces exactly one occurrence (a fixture that changed shape fails here, not silently). */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `'${from}' occurs once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

interface Style {
  name: string;
  /** The correct source for the model. */
  correct: string;
  /** The text holding the resolver's N (replaced by N - 1). */
  n: [string, string];
  /** The text holding the arena size (replaced by the size given). */
  arena: (bytes: number) => [string, string];
  /** The registration of AVERAGE_POOL_2D (removed), and the text of the last Add call that remains. */
  avgPool: string;
  lastAdd: string;
  /** A registration of MAX_POOL_2D to insert after `lastAdd`'s line, with N raised by one. */
  maxPool: string;
  nPlusOne: [string, string];
}

const arduinoCorrect = replaceOnce(replaceOnce(replaceOnce(src('arduino_kws.ino'),
  'MicroMutableOpResolver<4>', 'MicroMutableOpResolver<6>'), 'AddMaxPool2D', 'AddAveragePool2D'), 'kTensorArenaSize = 10 * 1024;', `kTensorArenaSize = ${good};`);
const espCorrect = replaceOnce(src('esp_idf_main_functions.cc'), '#define ARENA_SIZE (100 * 1024)', `#define ARENA_SIZE (${good})`);

const STYLES: Style[] = [
  {
    name: 'TFLM example (alias, RegisterOps, TF_LITE_ENSURE_STATUS)',
    correct: replaceOnce(src('tflm_example.cc'), 'kTensorArenaSize = 24 * 1024;', `kTensorArenaSize = ${good};`),
    n: ['MicroMutableOpResolver<6>;', 'MicroMutableOpResolver<5>;'],
    arena: (b) => [`kTensorArenaSize = ${good};`, `kTensorArenaSize = ${b};`],
    avgPool: '  TF_LITE_ENSURE_STATUS(op_resolver.AddAveragePool2D());\n',
    lastAdd: 'op_resolver.AddSoftmax()',
    maxPool: '  TF_LITE_ENSURE_STATUS(op_resolver.AddMaxPool2D());\n',
    nPlusOne: ['MicroMutableOpResolver<6>;', 'MicroMutableOpResolver<7>;'],
  },
  {
    name: 'Arduino sketch (function-static resolver, plain Add calls)',
    correct: arduinoCorrect,
    n: ['MicroMutableOpResolver<6>', 'MicroMutableOpResolver<5>'],
    arena: (b) => [`kTensorArenaSize = ${good};`, `kTensorArenaSize = ${b};`],
    avgPool: '  micro_op_resolver.AddAveragePool2D();\n',
    lastAdd: 'micro_op_resolver.AddReshape()',
    maxPool: '  micro_op_resolver.AddMaxPool2D();\n',
    nPlusOne: ['MicroMutableOpResolver<6>', 'MicroMutableOpResolver<7>'],
  },
  {
    name: 'ESP-IDF component (N and arena through #define, if-checked Adds, heap arena)',
    correct: espCorrect,
    n: ['#define NUM_OPS 6', '#define NUM_OPS 5'],
    arena: (b) => [`#define ARENA_SIZE (${good})`, `#define ARENA_SIZE (${b})`],
    avgPool: '  if (micro_op_resolver.AddAveragePool2D() != kTfLiteOk) {\n    return;\n  }\n',
    lastAdd: 'micro_op_resolver.AddSoftmax()',
    maxPool: '  micro_op_resolver.AddMaxPool2D();\n',
    nPlusOne: ['#define NUM_OPS 6', '#define NUM_OPS 7'],
  },
];

/** Lints `text`, expects exactly one finding of `code` on `line`, applies its first fix and expects silence. */
function expectOneFixed(text: string, code: string, line: number): string {
  const { findings } = lintFirmware(text, facts);
  assert.deepEqual(findings.map((f) => f.code), [code]);
  const f = findings[0]!;
  assert.equal(f.severity === 'info', false, 'a mistake, not a note');
  assert.equal(lineOf(text, f.span.start), line, `${code} at line ${line}`);
  assert.ok(f.fixes.length > 0, `${code} has a fix`);
  const fixed = apply(text, f.fixes[0]!);
  assert.deepEqual(lintFirmware(fixed, facts).findings.map((x) => x.code), [], `after "${f.fixes[0]!.title}"`);
  return fixed;
}

describe('firmware lint: each mistake in each style, at its line, fixed', () => {
  for (const s of STYLES) {
    describe(s.name, () => {
      test('the correct source is silent', () => {
        assert.deepEqual(lintFirmware(s.correct, facts).findings, []);
        assert.equal(lintFirmware(s.correct, facts).setup.resolvers.length, 1);
      });

      test('resolver N below the Add calls, at the N', () => {
        const text = replaceOnce(s.correct, s.n[0], s.n[1]);
        const fixed = expectOneFixed(text, 'resolver-too-small', lineWith(text, s.n[1]));
        assert.ok(fixed.includes(s.n[0]), 'the fix writes N back to the number of Add calls');
      });

      test('an op the model uses with no Add call, after the last Add call', () => {
        const text = replaceOnce(s.correct, s.avgPool, '');
        const fixed = expectOneFixed(text, 'missing-op', lineWith(text, s.lastAdd));
        assert.match(fixed, /AddAveragePool2D\(\)/);
      });

      test('an Add call the model never uses, at the call, with its flash cost', () => {
        const lastLineEnd = s.correct.indexOf('\n', s.correct.indexOf(s.lastAdd)) + 1;
        const text = replaceOnce(s.correct.slice(0, lastLineEnd) + s.maxPool + s.correct.slice(lastLineEnd), s.nPlusOne[0], s.nPlusOne[1]);
        const { findings } = lintFirmware(text, facts);
        assert.match(findings[0]?.message ?? '', /4,321 B/);
        const fixed = expectOneFixed(text, 'unused-op', lineWith(text, s.maxPool.trim()));
        assert.ok(!fixed.includes(s.maxPool), 'the fix deletes the call');
      });

      test('an arena below the minimum, and one far above it, at the size', () => {
        for (const [bytes, code] of [[Math.floor(min / 2), 'arena-too-small'], [min * 4 + 8192, 'arena-too-large']] as const) {
          const [from, to] = s.arena(bytes);
          const text = replaceOnce(s.correct, from, to);
          const fixed = expectOneFixed(text, code, lineWith(text, to));
          assert.ok(fixed.includes(String(good)) && !fixed.includes(String(bytes)), `${code}: the fix writes the recommended ${good} B`);
        }
      });
    });
  }
});
