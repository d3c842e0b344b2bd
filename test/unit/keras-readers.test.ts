import assert from 'node:assert/strict';
import { test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { convertKeras } from '../../server/src/convert/keras/index.js';
import { ConvertError } from '../../server/src/convert/types.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { Interpreter } from '../../server/src/quantize/index.js';

const seq = (layers: unknown[]) => ({ class_name: 'Sequential', config: { name: 'm', layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_shape: [null, 4, 4, 2] } }, ...layers] } });
const kerasZip = (config: unknown, extra: Record<string, Uint8Array> = {}): Uint8Array =>
  zipSync({ 'config.json': strToU8(JSON.stringify(config)), 'metadata.json': strToU8('{"keras_version":"3.4.1"}'), ...extra });
const convert = (bytes: Uint8Array, format: 'keras' | 'keras-h5' = 'keras') => convertKeras({ format, name: 'm.keras', bytes });

function refused(f: () => unknown, code: string, where: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof ConvertError && e.code === code && where.test(e.where), `expected ConvertError ${code} at ${where}`);
}

test('a .keras zip of weightless layers converts and runs (Keras 3 config, no weights entry)', () => {
  const bytes = kerasZip(seq([
    { class_name: 'ZeroPadding2D', config: { name: 'pad', padding: [[1, 1], [1, 1]] } },
    { class_name: 'MaxPooling2D', config: { name: 'pool', pool_size: [2, 2], padding: 'valid' } },
    { class_name: 'Flatten', config: { name: 'flat' } },
    { class_name: 'Softmax', config: { name: 'sm' } },
  ]));
  const out = convert(bytes);
  const model = readTflite(out.tflite);
  assert.deepEqual(model.subgraphs[0]!.operators.map((o) => o.opName), ['PAD', 'MAX_POOL_2D', 'RESHAPE', 'SOFTMAX']);
  const y = new Interpreter(model).run([new Float32Array(32).fill(1)])[0]!;
  assert.equal(y.length, 18);
  assert.ok(Math.abs(y.reduce((a, b) => a + b, 0) - 1) < 1e-6);
});

test('a zip entry declaring a huge inflated size is refused before inflating (zip bomb)', () => {
  const zip = kerasZip(seq([]));
  // Every central directory entry: declared uncompressed size at +24.
  for (let i = 0; i + 46 <= zip.length; i++) {
    if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 0x01 && zip[i + 3] === 0x02) new DataView(zip.buffer).setUint32(i + 24, 0xfffffff0, true);
  }
  refused(() => convert(zip), 'limit', /!config\.json$/);
});

test('not a zip, no config.json, bad JSON and garbage HDF5 are located malformed errors', () => {
  refused(() => convert(strToU8('hello')), 'malformed', /@0/);
  refused(() => convert(zipSync({ 'other.txt': strToU8('x') })), 'malformed', /config\.json/);
  refused(() => convert(zipSync({ 'config.json': strToU8('{"class_name": ') })), 'malformed', /config\.json/);
  const h5 = new Uint8Array(64);
  h5.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  h5.fill(0xff, 8);
  refused(() => convert(h5, 'keras-h5'), 'malformed', /m\.keras/);
  refused(() => convert(kerasZip(seq([])), 'keras-h5'), 'malformed', /@0/);
});

test('unmapped layers, channels_first and missing weights name the layer', () => {
  refused(() => convert(kerasZip(seq([{ class_name: 'Reshape', config: { name: 'r', target_shape: [16, 2] } }, { class_name: 'ConvLSTM1D', config: { name: 'cl1', filters: 4 } }]))), 'unsupported-op', /^cl1 \(ConvLSTM1D\)$/);
  refused(() => convert(kerasZip(seq([{ class_name: 'MaxPooling2D', config: { name: 'p', data_format: 'channels_first' } }]))), 'unsupported-op', /^p /);
  refused(() => convert(kerasZip(seq([{ class_name: 'Dense', config: { name: 'd', units: 3 } }]))), 'bad-model', /^d \(Dense\)$/);
});

test('functional configs: a dangling inbound reference and an open input dimension are typed errors', () => {
  const functional = (inbound: string) => ({ class_name: 'Functional', config: { name: 'f', input_layers: [['in', 0, 0]], output_layers: [['r', 0, 0]], layers: [
    { class_name: 'InputLayer', config: { name: 'in', batch_shape: [null, 3] }, inbound_nodes: [] },
    { class_name: 'ReLU', config: { name: 'r' }, inbound_nodes: [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: [inbound, 0, 0] } }], kwargs: {} }] },
  ] } });
  assert.deepEqual(readTflite(convert(kerasZip(functional('in'))).tflite).subgraphs[0]!.operators.map((o) => o.opName), ['RELU']);
  refused(() => convert(kerasZip(functional('nowhere'))), 'bad-model', /^r \(ReLU\)$/);
  const open = seq([{ class_name: 'Flatten', config: { name: 'f' } }]);
  (open.config.layers[0] as { config: { batch_shape: unknown } }).config.batch_shape = [null, null, 4, 2];
  refused(() => convert(kerasZip(open)), 'unsupported-model', /input 'in'/);
});
