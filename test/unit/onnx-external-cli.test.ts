import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readExternalData } from '../../server/src/files/onnx-external.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { cli } from './helpers/cli.js';
import { decodeModel, encodeModel, externalize } from './helpers/onnx-external.js';
import { buildOnnx, node, randomValues, type GraphSpec } from './helpers/onnx-models.js';

// The CLI reads an ONNX model's external data beside it (confined to its folder) and takes --input-shape and
// --input-value for the converter of any source model.

const dir = mkdtempSync(join(tmpdir(), 'tinyml-ext-'));
const net: GraphSpec = {
  inputs: [{ name: 'x', shape: [1, 3, 8, 8] }], outputs: [{ name: 'y' }],
  inits: [{ name: 'w', dims: [4, 3, 3, 3], data: randomValues(108, 1) }, { name: 'fc', dims: [4, 2], data: randomValues(8, 2) }],
  nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['r']), node('GlobalAveragePool', ['r'], ['p']),
    node('Flatten', ['p'], ['f']), node('MatMul', ['f', 'fc'], ['y'])],
};
// Named as the external one (the name goes into the .tflite's description), in a folder of its own.
mkdirSync(join(dir, 'inline'));
const inline = join(dir, 'inline', 'net.onnx');
writeFileSync(inline, buildOnnx(net));
const ext = externalize(buildOnnx(net), 'net.onnx.data');
const model = join(dir, 'net.onnx');
writeFileSync(model, ext.onnx);
writeFileSync(join(dir, 'net.onnx.data'), ext.data);

/** A model in its own folder whose tensors name `location` (written there as `file`, when given). */
function modelNaming(name: string, location: string, file?: { path: string; bytes: Uint8Array }): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const m = decodeModel(ext.onnx);
  for (const t of m.graph!.initializer!) for (const e of t.externalData ?? []) if (e.key === 'location') e.value = location;
  writeFileSync(join(folder, 'm.onnx'), encodeModel(m));
  if (file) writeFileSync(join(folder, file.path), file.bytes);
  return join(folder, 'm.onnx');
}

test('convert reads the external data file beside the model: the same .tflite as the model with its weights inside', () => {
  const a = cli('convert', model, '--out', join(dir, 'ext.tflite'));
  assert.equal(a.code, 0, a.err);
  const b = cli('convert', inline, '--out', join(dir, 'inline.tflite'));
  assert.equal(b.code, 0, b.err);
  assert.deepEqual(readFileSync(join(dir, 'ext.tflite')), readFileSync(join(dir, 'inline.tflite')));
  const r = cli('analyze', model);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /as converted by TinyML Lens/);
});

test('a missing data file, one outside the folder, or a link leaving it: exit 2 naming the file and the tensor', () => {
  const missing = cli('convert', modelNaming('missing', 'gone.data'), '--out', join(dir, 'x.tflite'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read the external data file 'gone\.data' \(of tensor 'w'\): no such file/);
  const up = cli('convert', modelNaming('up', '../net.onnx.data'), '--out', join(dir, 'x.tflite'));
  assert.equal(up.code, 2);
  assert.match(up.err, /external data file '\.\.\/net\.onnx\.data' \(of tensor 'w'\): leaves the model's folder/);
  const abs = cli('analyze', modelNaming('abs', join(dir, 'net.onnx.data')));
  assert.equal(abs.code, 2);
  assert.match(abs.err, /is an absolute path/);
  const linked = modelNaming('linked', 'w.data');
  symlinkSync(join(dir, 'net.onnx.data'), join(dir, 'linked', 'w.data'));
  const l = cli('convert', linked, '--out', join(dir, 'x.tflite'));
  assert.equal(l.code, 2);
  assert.match(l.err, /is a symbolic link to .*outside the model's folder/);
  const folder = modelNaming('dir', 'sub');
  mkdirSync(join(dir, 'dir', 'sub'));
  assert.match(cli('convert', folder, '--out', join(dir, 'x.tflite')).err, /'sub' \(of tensor 'w'\): is a directory/);
});

test('a data file that is too short is the converter\'s located error; the size cap counts every data file', () => {
  const short = cli('convert', modelNaming('short', 'w.data', { path: 'w.data', bytes: ext.data.subarray(0, 64) }), '--out', join(dir, 'x.tflite'));
  assert.equal(short.code, 2);
  assert.match(short.err, /GraphProto\.initializer\[0\]\.external_data: 'w' is at offset 0, length 432 in 'w\.data', beyond its 64 B/);
  assert.throws(() => readExternalData(model, ext.onnx, 100), /'net\.onnx\.data' \(of tensor 'w'\): is 4\d\d B, over the limit of 100 B/);
  assert.equal(readExternalData(inline, readFileSync(inline)).files.size, 0);
});

const INT64 = 7;
/** y = If(sr == 16000) then x * 2 else x + 1, with an open length: Silero VAD's sample-rate switch in small. */
const srSwitch: GraphSpec = {
  inputs: [{ name: 'x', shape: [1, 'T'] }, { name: 'sr', shape: [], elemType: INT64 }], outputs: [{ name: 'y' }],
  inits: [{ name: 'k16', dims: [], data: [16000], dtype: INT64 }],
  nodes: [node('Equal', ['sr', 'k16'], ['is16']), node('If', ['is16'], ['y'], {
    then_branch: { g: { inputs: [], outputs: [{ name: 't' }], inits: [{ name: 'two', dims: [1], data: [2] }], nodes: [node('Mul', ['x', 'two'], ['t'])] } },
    else_branch: { g: { inputs: [], outputs: [{ name: 'e' }], inits: [{ name: 'one', dims: [1], data: [1] }], nodes: [node('Add', ['x', 'one'], ['e'])] } },
  })],
};
const vad = join(dir, 'vad.onnx');
writeFileSync(vad, buildOnnx(srSwitch));

test('convert --input-value fixes an input: the If takes its branch; --input-shape fixes the open length', () => {
  const out = join(dir, 'vad16.tflite');
  const r = cli('convert', vad, '--out', out, '--input-value', 'sr=16000', '--input-shape', 'x=1,512', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out).ops, { MUL: 1 });
  const tflite = readTflite(readFileSync(out));
  assert.deepEqual(tflite.subgraphs[0]!.inputs.map((i) => tflite.subgraphs[0]!.tensors[i]!.shape), [[1, 512]]);
  const r8 = cli('convert', vad, '--out', join(dir, 'vad8.tflite'), '--input-value=sr=8000', '--input-shape=x=1,256', '--format', 'json');
  assert.equal(r8.code, 0, r8.err);
  assert.deepEqual(JSON.parse(r8.out).ops, { ADD: 1 });
  const a = cli('analyze', vad, '--input-value', 'sr=16000', '--input-shape', 'x=1,512');
  assert.equal(a.code, 0, a.err);
  assert.match(a.out, /input 'sr' fixed to 16000|as converted by TinyML Lens/);
  const q = cli('quantize', vad, '--out', join(dir, 'vad_int8.tflite'), '--random', '2', '--input-value', 'sr=16000', '--input-shape', 'x=1,64');
  assert.equal(q.code, 0, q.err);
});

test('--input-value and --input-shape: a wrong name, value or shape is a located error; a .tflite refuses them', () => {
  const run = (...extra: string[]) => cli('convert', vad, '--out', join(dir, 'bad.tflite'), '--force', ...extra);
  const wrongName = run('--input-value', 'rate=16000', '--input-shape', 'x=1,512');
  assert.equal(wrongName.code, 2);
  assert.match(wrongName.err, /input 'rate': inputValues names no input of the model \(its inputs: 'x', 'sr'\)/);
  assert.match(run('--input-value', 'sr=16000', '--input-shape', 'y=1,512').err, /input 'y': inputShapes names no input/);
  assert.match(run('--input-value', 'sr=16000.5', '--input-shape', 'x=1,512').err, /input 'sr': value \[16000\.5\] is not integer \(the input is INT64\)/);
  assert.match(run('--input-value', 'sr=8000,16000', '--input-shape', 'x=1,512').err, /input 'sr': 2 value\(s\) given/);
  const noShape = run('--input-value', 'sr=16000');
  assert.equal(noShape.code, 1);
  assert.match(noShape.err, /input 'x': dimension 1 is open \(T\) \(give the input shape\)/);
  const noValue = run('--input-shape', 'x=1,512');
  assert.notEqual(noValue.code, 0);
  assert.match(noValue.err, /input 'sr'/);
  for (const [bad, pattern] of [['sr=', /--input-value needs NAME=V/], ['=3', /--input-value needs NAME=V/], ['sr=1,x', /--input-value needs NAME=V/], ['sr=Infinity', /--input-value needs/]] as const) {
    const u = run('--input-value', bad);
    assert.equal(u.code, 2);
    assert.match(u.err, pattern);
  }
  assert.match(run('--input-value', 'sr=1', '--input-value', 'sr=2').err, /gives 'sr' twice/);
  assert.match(run('--input-shape', '0=1,512').err, /convert takes --input-shape by input name/);
  assert.match(run('--input-value', 'sr=16000', '--input-shape', 'sr=1').err, /both a shape and a value/);
  const tflite = join(dir, 'vad16.tflite');
  const t = cli('compile', tflite, '--input-value', 'sr=1');
  assert.equal(t.code, 2);
  assert.match(t.err, /--input-value fixes an input of a source model .* this is a \.tflite/);
  assert.match(cli('analyze', tflite, '--input-value', 'sr=1').err, /this is a \.tflite/);
  assert.match(cli('quantize', tflite, '--out', join(dir, 'q.tflite'), '--random', '1', '--input-shape', 'x=1,8').err, /analyze and fit take --input-shape for a \.tflite/);
});
