import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConvertError } from '../../server/src/convert/index.js';
import { externalFiles, isConfinedLocation } from '../../server/src/convert/onnx/external.js';
import { convertOnnx } from '../../server/src/convert/onnx/index.js';
import { mulberry32 } from '../../server/src/model/builder/index.js';
import { decodeModel, encodeModel, externalize } from './helpers/onnx-external.js';
import { buildOnnx, node, randomValues, type GraphSpec } from './helpers/onnx-models.js';

const net: GraphSpec = {
  inputs: [{ name: 'x', shape: [1, 3, 8, 8] }], outputs: [{ name: 'y' }],
  inits: [{ name: 'w', dims: [4, 3, 3, 3], data: randomValues(108, 1) }, { name: 'b', dims: [4], data: randomValues(4, 3) }, { name: 'fc', dims: [4, 2], data: randomValues(8, 2) }],
  nodes: [node('Conv', ['x', 'w', 'b'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['r']), node('GlobalAveragePool', ['r'], ['p']),
    node('Flatten', ['p'], ['f']), node('MatMul', ['f', 'fc'], ['y'])],
};
const inline = buildOnnx(net);
const ext = externalize(inline, 'net.onnx.data');
const files = (data: Uint8Array = ext.data, location = 'net.onnx.data') => new Map([[location, data]]);
const convert = (onnx: Uint8Array, side?: ReadonlyMap<string, Uint8Array>) => convertOnnx({ format: 'onnx', name: 'net.onnx', bytes: onnx, ...(side ? { shards: side } : {}) });

function refused(fn: () => unknown, code: ConvertError['code'], where: RegExp, detail: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConvertError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.where, where);
    assert.match(e.detail, detail);
    return true;
  });
}

test('a model with its weights in an external file converts to the same .tflite as with them inside', () => {
  assert.ok(ext.onnx.length < inline.length, 'the weights left the .onnx');
  assert.deepEqual(externalFiles(ext.onnx), [{ location: 'net.onnx.data', tensor: 'w' }]);
  assert.deepEqual(convert(ext.onnx, files()).tflite, convert(inline).tflite);
});

test('externalFiles finds every file once, in Constant nodes too (in file order: nodes before initializers), and nothing in an inline model', () => {
  assert.deepEqual(externalFiles(inline), []);
  const model = decodeModel(ext.onnx);
  const fc = model.graph!.initializer!.find((t) => t.name === 'fc')!;
  fc.externalData = [{ key: 'location', value: 'weights/fc.bin' }];
  model.graph!.node!.push({ opType: 'Constant', output: ['k'], attribute: [{ name: 'value', type: 4, t: { name: 'k', dims: [1], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: 'k.bin' }] } }] });
  assert.deepEqual(externalFiles(encodeModel(model)), [
    { location: 'k.bin', tensor: 'k' }, { location: 'net.onnx.data', tensor: 'w' }, { location: 'weights/fc.bin', tensor: 'fc' }]);
});

test('a location outside the model\'s folder is refused by the reader as well as by the file reading', () => {
  for (const bad of ['../net.onnx.data', '/etc/passwd', 'a/../../b', 'C:/x.data', 'a\\b', '']) assert.equal(isConfinedLocation(bad), false, bad);
  for (const good of ['net.onnx.data', 'weights/fc.bin', './w.bin', '..data']) assert.equal(isConfinedLocation(good), true, good);
  const model = decodeModel(ext.onnx);
  model.graph!.initializer![0]!.externalData![0]!.value = '../secret';
  refused(() => convert(encodeModel(model), new Map([['../secret', ext.data]])), 'bad-model', /initializer\[0\]\.external_data/, /'\.\.\/secret'.*not a relative path inside/);
});

test('a missing file, an offset or length beyond it, a length that disagrees with the dims: located errors naming the tensor and the file', () => {
  refused(() => convert(ext.onnx), 'bad-model', /^GraphProto\.initializer\[0\]\.external_data$/, /'w' keeps its data in 'net\.onnx\.data', which was not read/);
  refused(() => convert(ext.onnx, files(ext.data.subarray(0, 100))), 'bad-model', /initializer\[0\]/, /'w' is at offset 0, length 432 in 'net\.onnx\.data', beyond its 100 B/);
  const mutate = (k: number, key: string, value: string | null): Uint8Array => {
    const model = decodeModel(ext.onnx);
    const entries = model.graph!.initializer![k]!.externalData!;
    const at = entries.findIndex((e) => e.key === key);
    if (value === null) entries.splice(at, 1);
    else entries[at]!.value = value;
    return encodeModel(model);
  };
  refused(() => convert(mutate(1, 'length', '8'), files()), 'bad-model', /initializer\[1\]/, /'b' has 8 B in 'net\.onnx\.data' \(offset 432\) but its dims and type take 16 B/);
  refused(() => convert(mutate(1, 'offset', '-4'), files()), 'malformed', /initializer\[1\]\.external_data\.offset/, /offset '-4' is not a whole number/);
  refused(() => convert(mutate(1, 'offset', '99999999999999999999'), files()), 'malformed', /offset$/, /not a whole number/);
  refused(() => convert(mutate(0, 'location', null), files()), 'malformed', /initializer\[0\]\.external_data/, /names no location/);
  // Without a length, the tensor runs to the end of the file: here the last one (fc) fits exactly.
  assert.deepEqual(convert(mutate(2, 'length', null), files()).tflite, convert(inline).tflite);
  refused(() => convert(mutate(0, 'length', null), files()), 'bad-model', /initializer\[0\]/, /'w' has \d+ B .* take 432 B/);
  const model = decodeModel(ext.onnx);
  model.graph!.initializer![0]!.dataLocation = 7;
  refused(() => convert(encodeModel(model), files()), 'malformed', /initializer\[0\]\.data_location/, /unknown data location 7/);
});

test('every truncation of the model and of its data file, and seeded mutations of location / offset / length, end in a model or a ConvertError', () => {
  let converted = 0;
  let errors = 0;
  const tryOne = (onnx: Uint8Array, side: ReadonlyMap<string, Uint8Array>, what: string): void => {
    try {
      externalFiles(onnx);
      convert(onnx, side);
      converted++;
    } catch (e) {
      assert.ok(e instanceof ConvertError, `${what}: ${String(e)}`);
      errors++;
    }
  };
  for (let n = 0; n < ext.onnx.length; n++) tryOne(ext.onnx.subarray(0, n), files(), `model truncated at ${n}`);
  for (let n = 0; n < ext.data.length; n += 7) tryOne(ext.onnx, files(ext.data.subarray(0, n)), `data truncated at ${n}`);
  const random = mulberry32(13);
  const values = ['', '0', '1', '16', '432', '448', '480', '4294967296', '-1', '1e3', ' 16', '0x10', 'net.onnx.data', '../x', 'NaN', '9007199254740993'];
  for (let k = 0; k < 400; k++) {
    const model = decodeModel(ext.onnx);
    const t = model.graph!.initializer![Math.floor(random() * 3)]!;
    const entries = t.externalData!;
    const e = entries[Math.floor(random() * entries.length)]!;
    if (random() < 0.2) e.key = ['location', 'offset', 'length', 'checksum', ''][Math.floor(random() * 5)]!;
    else e.value = values[Math.floor(random() * values.length)]!;
    tryOne(encodeModel(model), files(), `mutation ${k}`);
  }
  // Byte mutations of the whole model (the external_data strings are a good part of it).
  for (let k = 0; k < 300; k++) {
    const b = ext.onnx.slice();
    b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
    tryOne(b, files(), `byte mutation ${k}`);
  }
  assert.ok(converted > 0 && errors > 0, `${converted} converted, ${errors} refused`);
});
