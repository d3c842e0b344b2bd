/**
 * Generated C++ from hostile names (issue 14): a model file name, tensor, subgraph, signature and metadata names
 * carrying a newline, star-slash, a trigraph, a backslash-newline, quotes, NUL, ANSI/OSC escapes or U+2028 must not
 * inject a line into the generated code. Checked two ways: lexically (after removing comments and string literals
 * with a small C++ lexer, no payload is left in the code, and every preprocessor line is one the generator writes) and
 * by compiling every generated file with `g++ -std=c++17 -fsyntax-only -Wall -Wextra -Werror`. The TFLM headers the
 * resolver and the example include are replaced by stubs this test writes (the few types, macros and functions the
 * generated code uses, with MicroPrintf declared printf-like so -Wformat checks the example's calls), so the check
 * needs no TFLM tree. Skipped, with a note, only where g++ is missing. Where bare git mirrors of TFLM and its header
 * dependencies exist (TINYML_LENS_MIRRORS, default /work/.mirror: tensorflow+tflite-micro at TFLM_COMMIT, flatbuffers
 * at the version its schema header asserts, gemmlowp, ruy), the examples are also compiled against the real headers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { cComment, cString } from '../../server/src/codegen/cpp.js';
import { generateTflmProject, identifierFor, isIdentifierName, TFLM_COMMIT, type CodegenResult } from '../../server/src/codegen/tflm.js';
import resolverJson from '../../server/src/codegen/tflm-resolver.json';
import { buildKwsDsCnnInt8, ModelBuilder } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { cli } from './helpers/cli.js';

/** Each payload carries the marker `INJECTED`: it may appear in a comment or a string, never in code. */
const PAYLOADS: readonly string[] = [
  'nl\n#error INJECTED newline\n#define INJECTED_MACRO 1\n',
  'cr\r#error INJECTED carriage return',
  'star*/ #error INJECTED close /* open',
  'tri??= define INJECTED trigraph ??/',
  'splice\\\n#error INJECTED backslash-newline',
  'trailing backslash INJECTED\\',
  'quote"; #error INJECTED quote "',
  'nul\u0000#error INJECTED nul',
  'ansi\u001b]0;INJECTED osc title\u0007\u001b[31mred\u001b[0m',
  'ls\u2028#error INJECTED line separator\u2029',
  'bidi\u202e#error INJECTED override\u2066',
  'printf %n%s%d INJECTED',
  'ünïcödé INJECTED 模型 \ud83d\ude00',
];

/** A float ADD model (TFLM registers ADD) whose every name is `payload`. */
function hostileModel(payload: string): Uint8Array {
  const m = new ModelBuilder({ description: payload });
  m.metadata(payload, new Uint8Array([1, 2, 3, 4]));
  const g = m.subgraph(payload);
  const a = g.input({ name: `${payload} a`, shape: [1, 4], dtype: 'FLOAT32' });
  const b = g.input({ name: `${payload} b`, shape: [1, 4], dtype: 'FLOAT32' });
  const y = g.op('ADD', { inputs: [a, b], output: { name: `${payload} y`, shape: [1, 4], dtype: 'FLOAT32' }, options: { fusedActivationFunction: 'NONE' } });
  g.output(y);
  m.signatureDef(payload, g, [{ name: payload, tensor: a }, { name: `${payload}2`, tensor: b }], [{ name: payload, tensor: y }]);
  return m.finish();
}

function generate(payload: string, bytes = hostileModel(payload)): CodegenResult {
  const model = readTflite(bytes);
  const modelFile = `${payload}.tflite`;
  return generateTflmProject(bytes, model, analyzeModel(model, 'tflm-reference'), {
    name: identifierFor(modelFile), modelFile, runtime: 'tflm-reference', kernels: 'tflm-reference', marginPercent: 0, toolVersion: '0.1.0',
  });
}

/**
 * The code of a C++ file with comments and string/character literals blanked, lines kept. Throws on what would let
 * text escape a comment or literal: a backslash-newline splice, an unterminated block comment or literal.
 */
function codeOnly(text: string): string[] {
  assert.doesNotMatch(text, /\\\r?\n/, 'a backslash at a line end splices lines');
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (two === '//') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (two === '/*') {
      const end = text.indexOf('*/', i + 2);
      assert.ok(end >= 0, 'unterminated block comment');
      out += text.slice(i, end + 2).replace(/[^\n]/g, ' ');
      i = end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        assert.notEqual(text[j], '\n', 'a newline inside a literal');
        j += text[j] === '\\' ? 2 : 1;
      }
      assert.ok(j < text.length, 'unterminated literal');
      out += `${c}${' '.repeat(j - i - 1)}${c}`;
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out.split('\n');
}

const sources = (r: CodegenResult) => r.files.filter((f) => /\.(h|cc)$/.test(f.path));

test('hostile names: every generated line is printable ASCII, no payload survives outside comments and literals', () => {
  for (const payload of PAYLOADS) {
    const r = generate(payload);
    for (const f of r.files) {
      const where = `${JSON.stringify(payload)} in ${f.path}`;
      // Only newlines separate lines; nothing else a terminal, an editor or a preprocessor would act on. C++ is pure
      // printable ASCII; the Markdown README may keep non-ASCII letters, but no control or bidi character.
      if (f.path === 'README.md') assert.doesNotMatch(f.text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/, `${where}: a control character`);
      else assert.doesNotMatch(f.text, /[^\n\x20-\x7e]/, `${where}: a control or non-ASCII character`);
      for (const line of f.text.split('\n')) assert.doesNotMatch(line, /^\s*#\s*(error|define INJECTED|pragma)/, `${where}: injected line ${line}`);
      // The README shows the name in a code span: still one heading, whatever the name.
      if (f.path === 'README.md') assert.equal(f.text.split('\n').filter((l) => l.startsWith('#')).length, 1, `${where}: one heading`);
    }
    // The sanitized identifier (in any case, as in NAME_MODEL_DATA_H_ or kNameArenaSize) is the one name from the file
    // that code may hold.
    const id = identifierFor(`${payload}.tflite`).replace(/_/g, '');
    const masked = (line: string) => line.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (tok) => (tok.toLowerCase().replace(/_/g, '').includes(id) ? 'ID' : tok));
    for (const f of sources(r)) {
      const where = `${JSON.stringify(payload)} in ${f.path}`;
      assert.doesNotMatch(f.text, /\?\?/, `${where}: a trigraph sequence`);
      const raw = f.text.split('\n');
      codeOnly(f.text).map(masked).forEach((line, k) => {
        assert.ok(!line.includes('INJECTED'), `${where}: payload in code: ${line}`);
        // Every directive is one the generator writes itself.
        if (/^\s*#/.test(line)) assert.match(raw[k]!, /^#(ifndef [A-Z0-9_]+|define [A-Z0-9_]+|endif|include [<"][a-z0-9_/.]+[>"])(\s|$)/, `${where}: directive ${raw[k]}`);
      });
    }
  }
});

test('identifiers: always a safe snake_case name, deterministic, and distinct for names that clean up alike', () => {
  // identifierFor takes a path: a file name has no slash (nor, on Windows, a backslash).
  const names = PAYLOADS.map((p) => `${p.replace(/[\\/]/g, '-')}.tflite`);
  const ids = names.map((n) => identifierFor(n));
  for (const id of ids) assert.ok(isIdentifierName(id), id);
  assert.equal(new Set(ids).size, ids.length, ids.join(', '));
  assert.deepEqual(names.map((n) => identifierFor(n)), ids);
  // Hostile names that differ only in what the sanitizer drops.
  assert.notEqual(identifierFor('a\n.tflite'), identifierFor('a\r.tflite'));
  assert.notEqual(identifierFor('модель.tflite'), identifierFor('模型.tflite'));
  // Keywords, reserved shapes (_X, __), length.
  assert.equal(identifierFor('int.tflite'), 'int_model');
  assert.equal(identifierFor('__Init__.tflite'), 'init');
  assert.equal(identifierFor('a__b.tflite'), 'a_b');
  const long = (end: string) => identifierFor(`${'very_long_model_name_'.repeat(5)}${end}.tflite`);
  assert.ok(long('x').length <= 40 && isIdentifierName(long('x')));
  assert.notEqual(long('x'), long('y'));
  for (const bad of ['_x', 'a__b', 'a_', 'Ab', '1a', 'int', 'x'.repeat(41), '']) assert.equal(isIdentifierName(bad), false, bad);
});

test('comment and string escapes: no line break, splice, trigraph or comment delimiter; the bytes stay recoverable', () => {
  for (const p of PAYLOADS) {
    const c = cComment(p);
    assert.doesNotMatch(c, /[^\x20-\x7e]|\\|\?\?|\*\/|\/\*/, JSON.stringify(c));
    const s = cString(p);
    assert.doesNotMatch(s, /[^\x20-\x7e]|\?\?|\*\/|\/\*/, JSON.stringify(s));
  }
  // `\x` reads every hex digit after it: the literal is split before one.
  assert.equal(cString('\u001bab?"\\'), '\\x1b" "ab\\?\\"\\\\');
  assert.equal(cString('a*/b/*'), 'a*" "/b/" "*');
  assert.equal(cComment('a*/b/*c??=d\\'), 'a* /b/ *c? ?=d<U+005C>');
});

// ---- g++ ----

const gxx = spawnSync('g++', ['--version'], { encoding: 'utf8' });
const haveGxx = gxx.status === 0;
const work = mkdtempSync(join(tmpdir(), 'tinyml-codegen-hostile-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Stub TFLM headers: only what the generated files use, declared as TFLM declares it. */
function writeStubs(dir: string): void {
  const put = (path: string, text: string): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const methods = [...new Set([...Object.values(resolverJson.builtins), ...Object.values(resolverJson.customs)])];
  put('tensorflow/lite/c/common.h', `#pragma once
#include <cstddef>
#include <cstdint>
typedef enum { kTfLiteOk = 0, kTfLiteError = 1 } TfLiteStatus;
typedef enum { kTfLiteNoType = 0, kTfLiteFloat32 = 1, kTfLiteInt32 = 2, kTfLiteUInt8 = 3, kTfLiteInt8 = 9 } TfLiteType;
typedef struct { float scale; int32_t zero_point; } TfLiteQuantizationParams;
typedef union { void* raw; } TfLitePtrUnion;
typedef struct { TfLiteType type; TfLitePtrUnion data; TfLiteQuantizationParams params; size_t bytes; } TfLiteTensor;
#define TF_LITE_ENSURE_STATUS(a) do { const TfLiteStatus s_ = (a); if (s_ != kTfLiteOk) return s_; } while (0)
`);
  put('tensorflow/lite/micro/micro_mutable_op_resolver.h', `#pragma once
#include "tensorflow/lite/c/common.h"
namespace tflite {
template <unsigned int tOpCount>
class MicroMutableOpResolver {
 public:
${methods.map((m) => `  TfLiteStatus ${m}() { return kTfLiteOk; }`).join('\n')}
};
}  // namespace tflite
`);
  put('tensorflow/lite/schema/schema_generated.h', `#pragma once
#include <cstdint>
#define TFLITE_SCHEMA_VERSION (3)
namespace tflite {
struct Model { uint32_t version() const { return 3; } };
inline const Model* GetModel(const void* buf) { return static_cast<const Model*>(buf); }
}  // namespace tflite
`);
  put('tensorflow/lite/micro/micro_log.h', `#pragma once
void MicroPrintf(const char* format, ...) __attribute__((format(printf, 1, 2)));
`);
  put('tensorflow/lite/micro/micro_interpreter.h', `#pragma once
#include "tensorflow/lite/c/common.h"
#include "tensorflow/lite/schema/schema_generated.h"
namespace tflite {
class MicroInterpreter {
 public:
  template <typename Resolver>
  MicroInterpreter(const Model*, const Resolver&, uint8_t*, size_t) {}
  TfLiteStatus AllocateTensors() { return kTfLiteOk; }
  size_t arena_used_bytes() const { return 0; }
  size_t inputs_size() const { return 0; }
  TfLiteTensor* input(size_t) { return nullptr; }
  TfLiteStatus Invoke() { return kTfLiteOk; }
};
}  // namespace tflite
`);
}

test('hostile names: every generated .h and .cc compiles with g++ -Wall -Wextra -Werror (TFLM headers stubbed)', { skip: haveGxx ? false : 'g++ not found: the compile check of generated code is skipped' }, () => {
  const stubs = join(work, 'stubs');
  writeStubs(stubs);
  const files: string[] = [];
  PAYLOADS.forEach((payload, k) => {
    const dir = join(work, `p${k}`);
    mkdirSync(dir);
    for (const f of sources(generate(payload))) {
      writeFileSync(join(dir, f.path), f.text);
      files.push(join(dir, f.path));
    }
  });
  // Every header also on its own, then every source file; one g++ process for all of them (one per payload is slow).
  const r = spawnSync('g++', ['-std=c++17', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-Wtrigraphs', '-x', 'c++', '-I', stubs, ...files], { encoding: 'utf8' });
  assert.equal(r.status, 0, `g++ failed:\n${r.stderr}`);
  // The model-data files need nothing from TFLM: they compile without the stubs.
  const data = files.filter((f) => /_model_data\.(h|cc)$/.test(f));
  const standalone = spawnSync('g++', ['-std=c++17', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-x', 'c++', ...data], { encoding: 'utf8' });
  assert.equal(standalone.status, 0, `g++ failed on the model data alone:\n${standalone.stderr}`);
  // The check can fail: an injected directive is an error.
  const bad = join(work, 'bad.cc');
  writeFileSync(bad, `// ${PAYLOADS[0]}\nint x;\n`);
  assert.notEqual(spawnSync('g++', ['-std=c++17', '-fsyntax-only', '-Werror', bad]).status, 0);
});

test('compile: a model file named with a newline and escape sequences writes clean code and prints no control character', () => {
  const dir = mkdtempSync(join(work, 'cli-'));
  const name = 'kws\n#error INJECTED\u001b]0;title\u0007.tflite';
  const path = join(dir, name);
  writeFileSync(path, hostileModel('x\u001b[2J\n#define INJECTED'));
  const out = join(dir, 'out');
  const r = cli('compile', path, '--out', out, '--runtime', 'tflm-reference');
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.out + r.err, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  const written = readdirSync(out);
  assert.equal(written.length, 6, written.join(', '));
  for (const f of written) {
    assert.match(f, /^[a-z0-9_]+(\.(h|cc)|)$|^README\.md$/, f);
    const text = readFileSync(join(out, f), 'utf8');
    assert.doesNotMatch(text, /[^\n\x20-\x7e]/, f);
    for (const line of text.split('\n')) assert.doesNotMatch(line, /^\s*#\s*(error|define INJECTED)/, `${f}: ${line}`);
  }
});

// ---- the real TFLM headers, where mirrors of them exist ----

const MIRRORS = process.env.TINYML_LENS_MIRRORS ?? '/work/.mirror';
const mirror = (name: string): string => join(MIRRORS, name, 'repo');
const haveGit = spawnSync('git', ['--version']).status === 0;
const haveMirrors = haveGit && ['tensorflow+tflite-micro', 'google+flatbuffers', 'google+gemmlowp', 'google+ruy']
  .every((m) => spawnSync('git', ['--git-dir', mirror(m), 'cat-file', '-e', 'HEAD']).status === 0);

/** Extracts `paths` of a mirror at `rev` into `into`; false when the revision or a path is not there. */
function extract(repo: string, rev: string, paths: string[], into: string): boolean {
  mkdirSync(into, { recursive: true });
  const archive = spawnSync('git', ['--git-dir', mirror(repo), 'archive', '--format=tar', rev, ...paths], { maxBuffer: 1 << 30 });
  if (archive.status !== 0) return false;
  return spawnSync('tar', ['-x', '-C', into], { input: archive.stdout }).status === 0;
}

test('hostile names: the generated examples compile against TFLM\'s own headers (where mirrors of them exist)', {
  skip: !haveGxx ? 'g++ not found' : !haveMirrors ? `no TFLM mirrors under ${MIRRORS} (set TINYML_LENS_MIRRORS): the check against real TFLM headers is skipped` : false,
}, (t) => {
  const tree = join(work, 'tflm');
  if (!extract('tensorflow+tflite-micro', TFLM_COMMIT, ['tensorflow/lite', 'tensorflow/compiler', 'signal'], tree)) {
    t.skip(`TFLM ${TFLM_COMMIT.slice(0, 12)} is not in the mirror`);
    return;
  }
  // The schema header asserts the flatbuffers version it was generated with; take that release's headers.
  const schema = readFileSync(join(tree, 'tensorflow/lite/schema/schema_generated.h'), 'utf8');
  const v = /FLATBUFFERS_VERSION_MAJOR == (\d+) &&\s*FLATBUFFERS_VERSION_MINOR == (\d+) &&\s*FLATBUFFERS_VERSION_REVISION == (\d+)/.exec(schema);
  assert.ok(v, 'no flatbuffers version in the schema header');
  assert.ok(extract('google+flatbuffers', `v${v[1]}.${v[2]}.${v[3]}`, ['include'], join(tree, 'flatbuffers')), `flatbuffers v${v[1]}.${v[2]}.${v[3]} is not in the mirror`);
  assert.ok(extract('google+gemmlowp', 'HEAD', ['fixedpoint', 'internal'], join(tree, 'gemmlowp')));
  assert.ok(extract('google+ruy', 'HEAD', ['ruy'], join(tree, 'ruy')));
  // Every payload in one file name (a file name has no slash), for the KWS model (several kernels to register). One
  // translation unit: the example includes the resolver, arena and model headers (the model data is checked above).
  const name = PAYLOADS.join(' ').replace(/[\\/\u0000]/g, '-');
  const dir = join(work, 'real');
  mkdirSync(dir);
  const project = generate(name, buildKwsDsCnnInt8());
  for (const f of sources(project)) writeFileSync(join(dir, f.path), f.text);
  const files = sources(project).filter((f) => f.path.endsWith('_example.cc')).map((f) => join(dir, f.path));
  // -isystem: warnings inside TFLM's headers are TFLM's; -Werror applies to the generated code.
  const system = ['', 'flatbuffers/include', 'gemmlowp', 'ruy'].flatMap((d) => ['-isystem', join(tree, d)]);
  const r = spawnSync('g++', ['-std=c++17', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-DTF_LITE_STATIC_MEMORY', ...system, ...files], { encoding: 'utf8' });
  assert.equal(r.status, 0, `g++ failed against the TFLM headers:\n${r.stderr}`);
});
