/**
 * The firmware lint on sources written like TFLM's examples, Arduino sketches and ESP-IDF components
 * (test/fixtures/firmware/src), against the keyword-spotting DS-CNN model built by the project's builder: each mistake
 * at its line, each fix applied and re-linted clean, silence on correct code, and unresolvable macros said so.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { resolverMethods } from '../../server/src/codegen/tflm.js';
import { lintFirmware, recommendedArena, type FirmwareFinding, type ModelFacts } from '../../server/src/firmware/lint.js';
import { evaluate, scanSource } from '../../server/src/firmware/scan.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { applyFix as apply, lineOf, lineWith } from './helpers/firmware-text.js';

const src = (name: string): string => readFileSync(path.join(__dirname, '..', 'fixtures', 'firmware', 'src', name), 'utf8');
const kws = readTflite(buildKwsDsCnnInt8());
const facts: ModelFacts = { label: 'kws.tflite', methods: resolverMethods(kws), minArenaBytes: analyzeModel(kws, 'tflm-cmsis-nn').memory.minArenaBytes };

const codes = (fs: readonly FirmwareFinding[]): string[] => fs.map((f) => f.code).sort();

describe('firmware lint', () => {
  test('silent on a correct TFLM-example-style source (comments, strings, raw strings and continuations ignored)', () => {
    const r = lintFirmware(src('tflm_example.cc'), facts);
    assert.deepEqual(r.findings, []);
    assert.equal(r.setup.resolvers.length, 1);
    assert.equal(r.setup.resolvers[0]!.n.value, 6);
    assert.equal(r.setup.resolvers[0]!.calls.length, 6, 'the Add calls in comments and strings are not counted');
    assert.equal(r.setup.arena?.value, 24 * 1024);
    assert.deepEqual(r.setup.modelArrays, ['g_kws_model_data']);
  });

  test('an Arduino sketch: resolver too small, a missing op, an unused op and a small arena, each at its line', () => {
    const text = src('arduino_kws.ino');
    const { findings } = lintFirmware(text, facts);
    assert.deepEqual(codes(findings), ['arena-too-small', 'missing-op', 'resolver-too-small', 'unused-op']);
    const at = (code: string): FirmwareFinding => findings.find((f) => f.code === code)!;
    assert.equal(lineOf(text, at('resolver-too-small').span.start), lineWith(text, 'MicroMutableOpResolver<4>'));
    assert.equal(text.slice(at('resolver-too-small').span.start, at('resolver-too-small').span.end), '4');
    assert.equal(lineOf(text, at('unused-op').span.start), lineWith(text, 'AddMaxPool2D'));
    assert.equal(lineOf(text, at('missing-op').span.start), lineWith(text, 'AddMaxPool2D'), 'after the last Add call');
    assert.match(at('missing-op').message, /AVERAGE_POOL_2D/);
    assert.equal(lineOf(text, at('arena-too-small').span.start), lineWith(text, 'kTensorArenaSize = 10 * 1024'));

    // Each fix, applied alone, removes its finding and adds none.
    for (const f of findings) {
      const fixed = apply(text, f.fixes[0]!);
      const after = codes(lintFirmware(fixed, facts).findings);
      assert.ok(!after.includes(f.code), `${f.code} fixed: ${after.join(',')}`);
      assert.ok(after.length < findings.length, `${f.fixes[0]!.title} leaves ${after.join(', ')}`);
    }
    // All fixes, one after the other, as a user would click them.
    let fixed = text;
    for (let round = 0; round < 6; round++) {
      const next = lintFirmware(fixed, facts).findings.find((f) => f.fixes.length);
      if (!next) break;
      fixed = apply(fixed, next.fixes[0]!);
    }
    assert.deepEqual(lintFirmware(fixed, facts).findings, []);
    assert.match(fixed, /^ {2}micro_op_resolver\.AddAveragePool2D\(\);$/m, 'the new line is written like its neighbours');
    assert.match(fixed, new RegExp(`kTensorArenaSize = ${recommendedArena(facts.minArenaBytes!)};`));
    assert.doesNotMatch(fixed, /AddMaxPool2D/);
  });

  test('an ESP-IDF component: an arena far above the minimum is fixed in the macro that sets it', () => {
    const text = src('esp_idf_main_functions.cc');
    const { findings, setup } = lintFirmware(text, facts);
    assert.equal(setup.resolvers[0]?.n.value, 6, 'NUM_OPS resolved through #define');
    assert.deepEqual(codes(findings), ['arena-too-large']);
    const f = findings[0]!;
    assert.equal(text.slice(f.span.start, f.span.end), '(100 * 1024)');
    assert.equal(lineOf(text, f.span.start), lineWith(text, '#define ARENA_SIZE'));
    assert.deepEqual(lintFirmware(apply(text, f.fixes[0]!), facts).findings, []);
  });

  test('a missing op in if-checked registrations gets a plain line, and the resolver grows with it', () => {
    const text = src('esp_idf_main_functions.cc').replace('  micro_op_resolver.AddSoftmax();\n', '');
    const { findings } = lintFirmware(text, { ...facts, minArenaBytes: undefined });
    assert.deepEqual(codes(findings), ['missing-op']);
    const fixed = apply(text, findings[0]!.fixes[0]!);
    assert.deepEqual(lintFirmware(fixed, { ...facts, minArenaBytes: undefined }).findings, []);
    // An unused op checked in an if: the fix removes the whole check, and the missing op's fix adds its line.
    const noArena = { ...facts, minArenaBytes: undefined };
    const extra = src('esp_idf_main_functions.cc').replace('AddReshape', 'AddPad');
    const unused = lintFirmware(extra, noArena).findings.find((f) => f.code === 'unused-op')!;
    assert.equal(unused.fixes[0]?.title, 'Remove AddPad() and its check');
    const removed = apply(extra, unused.fixes[0]!);
    assert.equal(removed, extra.replace('  if (micro_op_resolver.AddPad() != kTfLiteOk) {\n    return;\n  }\n', ''));
    assert.deepEqual(lintFirmware(removed, noArena).findings.map((f) => f.code), ['missing-op']);
    // A check that does more than return, or has an else, is not the registration's alone: reported without a fix.
    for (const body of ['{\n    count++;\n    micro_op_resolver.AddMean();\n  }', '{\n    return;\n  } else {\n    ok = true;\n  }']) {
      const text = extra.replace('{\n    return;\n  }\n  if (micro_op_resolver.AddFullyConnected', `${body}\n  if (micro_op_resolver.AddFullyConnected`);
      assert.notEqual(text, extra);
      assert.deepEqual(lintFirmware(text, noArena).findings.find((f) => f.code === 'unused-op' && /AddPad/.test(f.message))?.fixes, []);
    }
  });

  test('sizes behind macros it cannot see are reported as unchecked, not guessed', () => {
    const text = src('unresolved.cc');
    const { findings } = lintFirmware(text, facts);
    assert.deepEqual(codes(findings), ['unresolved', 'unresolved']);
    assert.ok(findings.every((f) => f.severity === 'info' && f.fixes.length === 0));
    assert.match(findings.map((f) => f.message).join('\n'), /APP_NUM_OPS/);
    assert.match(findings.map((f) => f.message).join('\n'), /APP_ARENA_BYTES/);
  });

  test('a resolver made with new, or filled in another file, is one resolver and not judged empty', () => {
    const calls = facts.methods.map((m) => `  resolver->${m.method}();`).join('\n');
    const made = `static tflite::MicroMutableOpResolver<6>* resolver = new tflite::MicroMutableOpResolver<6>();\nvoid Setup() {\n${calls}\n}\n`;
    assert.deepEqual(lintFirmware(made, facts).findings, []);
    const elsewhere = 'void RegisterOps(tflite::MicroMutableOpResolver<6>& r);\nvoid Setup() {\n  static tflite::MicroMutableOpResolver<6> resolver;\n  RegisterOps(resolver);\n}\n';
    assert.deepEqual(lintFirmware(elsewhere, facts).findings, []);
  });

  test('a source without TFLM is silent', () => {
    assert.deepEqual(lintFirmware('int main() { return list.Add(3); }\n', facts).findings, []);
  });
});

describe('C/C++ scanner', () => {
  test('blanks comments, literals and directives, keeping offsets', () => {
    const text = 'a /* x */ "s\\"t" \'c\' R"d(q)")d" b // z\\\nstill\n#define K 1\nint n = 1\'000;\n';
    const s = scanSource(text);
    assert.equal(s.code.length, text.length);
    assert.doesNotMatch(s.code, /\b[xstqzc]\b|still|define/);
    assert.match(s.code, /\bb\b/);
    assert.match(s.code, /1'000/);
    assert.equal(s.constants.get('K')?.expr, '1');
  });

  test('evaluates integer expressions over constants', () => {
    const s = scanSource('#define KB 1024\nconstexpr size_t kA = (3 * KB) + 0x10;\n#define F(x) x\n');
    assert.deepEqual(evaluate('kA', s.constants), { value: 3 * 1024 + 16 });
    assert.deepEqual(evaluate("1'024u << 2", s.constants), { value: 4096 });
    assert.ok('unresolved' in evaluate('F(2)', s.constants));
    assert.ok('unresolved' in evaluate('10 / 0', s.constants));
  });
});
