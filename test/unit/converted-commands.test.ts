import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from './helpers/cli.ts';
import { tempDir } from './helpers/files.ts';
import { convNetOnnx, unmappedOnnx, weightlessKeras } from './helpers/source-models.ts';

// Every command takes a source model directly; its figures are those of the .tflite `convert` writes (issue 13 point 3).
const dir = tempDir();
const onnx = join(dir, 'net.onnx');
writeFileSync(onnx, convNetOnnx());
const tflite = join(dir, 'net.tflite');
const converted = cli('convert', onnx, '--out', tflite);
assert.equal(converted.code, 0, converted.err);
const bad = join(dir, 'bad.onnx');
writeFileSync(bad, unmappedOnnx());

type Doc = Record<string, unknown> & { model: string; source?: { format: string; convertedBy: string; from: string } };
const json = (...args: string[]): Doc => {
  const r = cli(...args, '--format', 'json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Doc;
};
const without = (d: Doc, ...keys: string[]): Doc => Object.fromEntries(Object.entries(d).filter(([k]) => !keys.includes(k))) as Doc;

test('analyze of an .onnx equals analyze of the .tflite convert writes (arena, flash, MACs, every layer), labelled once', () => {
  for (const runtime of ['tflm-cmsis-nn', 'tflm-reference']) {
    const a = json('analyze', onnx, '--runtime', runtime);
    const b = json('analyze', tflite, '--runtime', runtime);
    assert.deepEqual(a.source, { format: 'onnx', convertedBy: 'TinyML Lens', from: 'ONNX opset 13, tinyml-lens-tests' });
    assert.equal(b.source, undefined, 'a .tflite has no source');
    assert.deepEqual(without(a, 'model', 'source'), without(b, 'model'), runtime);
    assert.equal((a.flash as { modelBytes: number }).modelBytes, readFileSync(tflite).length);
  }
  const text = cli('analyze', onnx);
  assert.equal(text.code, 0, text.err);
  const lines = text.out.split('\n');
  assert.match(lines[1]!, /^as converted by TinyML Lens \(from ONNX opset 13, tinyml-lens-tests\)/);
  assert.equal(lines.filter((l) => /as converted by TinyML Lens/.test(l)).length, 1, 'said once');
  assert.equal(text.out.replace(/^.*\n.*\n/, ''), cli('analyze', tflite).out.replace(/^.*\n/, ''), 'the same table and totals');
});

test('analyze --target and fit of an .onnx equal those of the converted .tflite', () => {
  const a = json('analyze', onnx, '--target', 'nrf52840');
  const b = json('analyze', tflite, '--target', 'nrf52840');
  assert.deepEqual(without(a, 'model', 'source'), without(b, 'model'));
  const fa = json('fit', onnx);
  const fb = json('fit', tflite);
  assert.equal(fa.source?.format, 'onnx');
  assert.deepEqual(fa.targets, fb.targets);
  assert.ok((fa.targets as unknown[]).length > 10);
  assert.match(cli('fit', onnx).out, /^.*smallest fitting first\nas converted by TinyML Lens \(from ONNX opset 13/);
});

/** The bytes of the model array in a generated `*_model_data.cc`. */
function arrayBytes(folder: string, name: string): Uint8Array {
  const cc = readFileSync(join(folder, `${name}_model_data.cc`), 'utf8');
  const body = cc.slice(cc.indexOf('{', cc.indexOf('[]')));
  return Uint8Array.from((body.slice(0, body.indexOf('}')).match(/0x[0-9a-f]{2}/gi) ?? []).map((h) => Number.parseInt(h, 16)));
}

test('compile of an .onnx embeds the bytes convert writes, byte for byte, with the same arena', () => {
  const a = cli('compile', onnx, '--name', 'net', '--out', join(dir, 'c-onnx'));
  const b = cli('compile', tflite, '--name', 'net', '--out', join(dir, 'c-tflite'));
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  assert.match(a.out, /^model: as converted by TinyML Lens \(from ONNX opset 13/);
  const bytes = arrayBytes(join(dir, 'c-onnx'), 'net');
  assert.equal(bytes.length, readFileSync(tflite).length);
  assert.deepEqual(bytes, new Uint8Array(readFileSync(tflite)));
  assert.deepEqual(bytes, arrayBytes(join(dir, 'c-tflite'), 'net'));
  // The same arena; the header names the file it was generated from.
  const arena = readFileSync(join(dir, 'c-onnx', 'net_arena.h'), 'utf8');
  assert.match(arena, /from net\.onnx/);
  assert.equal(arena.replace('net.onnx', 'net.tflite'), readFileSync(join(dir, 'c-tflite', 'net_arena.h'), 'utf8'));
});

test('quantize of an .onnx writes the int8 model quantizing the converted .tflite writes', () => {
  const a = cli('quantize', onnx, '--out', join(dir, 'q-onnx.tflite'), '--random', '4');
  const b = cli('quantize', tflite, '--out', join(dir, 'q-tflite.tflite'), '--random', '4');
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  assert.match(a.out, /quantized .*net\.onnx \(as converted by TinyML Lens \(from ONNX opset 13/);
  assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'q-onnx.tflite'))), new Uint8Array(readFileSync(join(dir, 'q-tflite.tflite'))));
});

test('an .onnx the converter refuses: exit 1 on every command, naming the node; SARIF puts it on the .onnx', () => {
  const runs = [['analyze', bad], ['analyze', bad, '--target', 'nrf52840'], ['fit', bad], ['compile', bad, '--out', join(dir, 'c-bad')],
    ['quantize', bad, '--out', join(dir, 'q-bad.tflite'), '--random', '2'], ['lint-firmware', join(dir, 'none.c'), '--model', bad]];
  writeFileSync(join(dir, 'none.c'), 'int main(void) { return 0; }\n');
  for (const args of runs) {
    const r = cli(...args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /bad\.onnx: node 'gru0' \(GRU\)/, args.join(' '));
  }
  const sarif = cli('analyze', bad, '--format', 'sarif');
  assert.equal(sarif.code, 1);
  const result = (JSON.parse(sarif.out) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: { fullyQualifiedName: string }[] }[] }[] }[] }).runs[0]!.results[0]!;
  assert.equal(result.ruleId, 'model-not-converted');
  assert.equal(result.locations[0]!.physicalLocation.artifactLocation.uri, bad);
  assert.match(result.locations[0]!.logicalLocations[0]!.fullyQualifiedName, /gru0/);
  // Unreadable bytes in an .onnx: exit 2, located, on every command.
  const junk = join(dir, 'junk.onnx');
  writeFileSync(junk, Uint8Array.from([0x08, 0xff, 0xff, 0xff]));
  for (const args of [['analyze', junk], ['fit', junk], ['compile', junk], ['quantize', junk, '--out', join(dir, 'q-junk.tflite'), '--random', '2']]) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /junk\.onnx: /);
    assert.doesNotMatch(r.err, /internal error/);
  }
});

test('a converted model keeps SARIF on the source file, with the source in the run', () => {
  const r = cli('analyze', onnx, '--format', 'sarif');
  assert.equal(r.code, 0, r.err);
  const run = (JSON.parse(r.out) as { runs: { artifacts: { location: { uri: string } }[]; properties: { source: { format: string } } }[] }).runs[0]!;
  assert.equal(run.artifacts[0]!.location.uri, onnx);
  assert.equal(run.properties.source.format, 'onnx');
});

test('a .keras file: analyzed as converted, labelled with its Keras version; an unmapped layer is exit 1 naming it', () => {
  const keras = join(dir, 'm.keras');
  writeFileSync(keras, weightlessKeras());
  const r = cli('analyze', keras);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /as converted by TinyML Lens \(from Keras \.keras file, Keras 3\.4\.1\)/);
  assert.match(r.out, /PAD[\s\S]*MAX_POOL_2D[\s\S]*RESHAPE[\s\S]*SOFTMAX/);
  const out = join(dir, 'm.tflite');
  assert.equal(cli('convert', keras, '--out', out).code, 0);
  assert.deepEqual(without(json('analyze', keras), 'model', 'source'), without(json('analyze', out), 'model'));
  const lambda = join(dir, 'lambda.keras');
  writeFileSync(lambda, weightlessKeras(true));
  const refused = cli('fit', lambda);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /lambda\.keras: .*fn.*Lambda/);
});

test('--input-shape NAME=... fixes a source model\'s open dimensions in the converter (the source\'s NCHW layout)', () => {
  const dyn = join(dir, 'dyn.onnx');
  writeFileSync(dyn, convNetOnnx(['N', 3, 'H', 'W']));
  const open = cli('analyze', dyn);
  assert.equal(open.code, 1);
  assert.match(open.err, /dyn\.onnx: input 'x': dimension 2 is open/);
  const fixed = json('analyze', dyn, '--input-shape', 'x=1,3,8,8');
  assert.deepEqual(without(fixed, 'model', 'source'), without(json('analyze', tflite), 'model'));
  assert.deepEqual(json('fit', dyn, '--input-shape', 'x=1,3,8,8').targets, json('fit', tflite).targets);
});

test('a .tflite-named file is never converted: a malformed one gets the .tflite reader\'s located error', () => {
  const named = join(dir, 'onnx-bytes.tflite');
  writeFileSync(named, convNetOnnx());
  const r = cli('analyze', named);
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.err, /converted|ONNX/);
});
