import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertOnnx } from '../../server/src/convert/onnx/index.js';
import { ONNX_LIMITS, readOnnx } from '../../server/src/convert/onnx/reader.js';
import { ConvertError } from '../../server/src/convert/types.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { QuantizeError, quantizeModel, randomSamples } from '../../server/src/quantize/index.js';
import { buildOnnx, compareWithOrt, node, randomValues, type GraphSpec, type Init } from './helpers/onnx-models.js';

// What streaming PyTorch audio models (Silero VAD) need: If branches decided by a fixed input or by shapes, reflect
// padding, Conv1d, Slice of activations, Pow/Sqrt/Log, and an LSTM whose state is an input and an output of the model.
// Each converted model is compared with onnxruntime on random inputs (1e-4 of the output's largest magnitude).

const w = (name: string, dims: number[], seed: number, lo = -1, hi = 1): Init => ({ name, dims, data: randomValues(dims.reduce((a, b) => a * b, 1), seed, lo, hi) });
const i64 = (name: string, data: number[], dims: number[] = [data.length]): Init => ({ name, dims, data, dtype: 7 });
const INT64 = 7;

async function check(g: GraphSpec, inputValues?: Map<string, number[]>, range: [number, number] = [-1, 1]): Promise<Map<string, number>> {
  const r = await compareWithOrt(buildOnnx(g), 1, 2, range, inputValues ? { inputValues } : {});
  assert.ok(r.maxRelError <= 1e-4, `max relative error ${r.maxRelError}`);
  return new Map(r.conversion.ops);
}

/** y = If(sr == 16000) then x * 2 else x + 1, Silero's sample-rate switch in small. */
const srSwitch: GraphSpec = {
  inputs: [{ name: 'x', shape: [1, 6] }, { name: 'sr', shape: [], elemType: INT64 }], outputs: [{ name: 'y' }],
  inits: [i64('k16', [16000], [])],
  nodes: [node('Equal', ['sr', 'k16'], ['is16']), node('If', ['is16'], ['y'], {
    then_branch: { g: { inputs: [], outputs: [{ name: 't' }], inits: [w('two', [1], 5, 2, 2)], nodes: [node('Mul', ['x', 'two'], ['t'])] } },
    else_branch: { g: { inputs: [], outputs: [{ name: 'e' }], inits: [w('one', [1], 6, 1, 1)], nodes: [node('Add', ['x', 'one'], ['e'])] } },
  })],
};

test('an If on an input fixed by inputValues takes its branch: sr=16000 the then branch (MUL), sr=8000 the else branch (ADD)', async () => {
  assert.deepEqual([...await check(srSwitch, new Map([['sr', [16000]]]))], [['MUL', 1]]);
  assert.deepEqual([...await check(srSwitch, new Map([['sr', [8000]]]))], [['ADD', 1]]);
  const c = convertOnnx({ format: 'onnx', name: 'sr.onnx', bytes: buildOnnx(srSwitch) }, { inputValues: new Map([['sr', [16000]]]) });
  assert.deepEqual(c.inputs.map((i) => i.name), ['x']);
});

test('without the fixed value the INT64 input is refused, and a fixed value of the wrong kind is a located error', () => {
  const bytes = buildOnnx(srSwitch);
  assert.throws(() => convertOnnx({ format: 'onnx', name: 'sr.onnx', bytes }), (e: unknown) => e instanceof ConvertError && e.where === "input 'sr'");
  assert.throws(() => convertOnnx({ format: 'onnx', name: 'sr.onnx', bytes }, { inputValues: new Map([['sr', [16000.5]]]) }),
    (e: unknown) => e instanceof ConvertError && e.code === 'bad-model' && e.where === "input 'sr'");
  assert.throws(() => convertOnnx({ format: 'onnx', name: 'sr.onnx', bytes }, { inputValues: new Map([['sr', [8000, 16000]]]) }),
    (e: unknown) => e instanceof ConvertError && e.code === 'bad-model' && e.where === "input 'sr'");
});

test('an If on a score (openWakeWord\'s two-stage "hey jarvis") is refused at its comparison of run-time data', () => {
  const g: GraphSpec = { opset: 13, inputs: [{ name: 'x', shape: [1, 3] }], outputs: [{ name: 'y' }], inits: [w('half', [], 1, 0.5, 0.5)],
    nodes: [node('Sigmoid', ['x'], ['p']), node('ReduceMax', ['p'], ['m'], { keepdims: 0 }), node('GreaterOrEqual', ['m', 'half'], ['ge']),
      node('If', ['ge'], ['y'], { then_branch: { g: { inputs: [], outputs: [{ name: 't' }], nodes: [node('Relu', ['p'], ['t'])] } },
        else_branch: { g: { inputs: [], outputs: [{ name: 'e' }], nodes: [node('Identity', ['p'], ['e'])] } } })] };
  assert.throws(() => convertOnnx({ format: 'onnx', name: 'jarvis.onnx', bytes: buildOnnx(g) }), (e: unknown) => e instanceof ConvertError && e.code === 'unsupported-op');
  const ge: GraphSpec = { ...g, nodes: [node('Sigmoid', ['x'], ['p']), node('GreaterOrEqual', ['p', 'half'], ['ge']), g.nodes[3]!] };
  assert.throws(() => convertOnnx({ format: 'onnx', name: 'jarvis.onnx', bytes: buildOnnx(ge) }),
    (e: unknown) => e instanceof ConvertError && e.code === 'unsupported-op' && /GreaterOrEqual/.test(e.where) && /run-time data/.test(e.message));
});

test('nested Ifs on the input rank (PyTorch\'s x.dim() checks) fold from the static shapes; a Loop inside a branch is still refused', async () => {
  const inner: GraphSpec = { inputs: [], outputs: [{ name: 'inner_y' }], inits: [i64('ax', [0])], nodes: [node('Squeeze', ['x', 'ax'], ['inner_y'])] };
  const ops = await check({
    opset: 13, inputs: [{ name: 'x', shape: [1, 4, 5] }], outputs: [{ name: 'y' }], inits: [i64('three', [3], [])],
    nodes: [node('Shape', ['x'], ['s']), node('Size', ['s'], ['rank']), node('Equal', ['rank', 'three'], ['is3']), node('Not', ['is3'], ['not3']),
      node('If', ['not3'], ['y'], {
        then_branch: { g: { inputs: [], outputs: [{ name: 'ty' }], nodes: [node('Relu', ['x'], ['ty'])] } },
        else_branch: { g: { inputs: [], outputs: [{ name: 'ey' }], nodes: [node('If', ['is3'], ['sq'], { then_branch: { g: inner }, else_branch: { g: inner } }), node('Sigmoid', ['sq'], ['ey'])] } },
      })],
  });
  assert.deepEqual([...ops].sort(), [['LOGISTIC', 1], ['RESHAPE', 1]]);
  const loop = buildOnnx({ inputs: [{ name: 'x', shape: [1, 2] }], outputs: [{ name: 'y' }], inits: [i64('t', [1], [])], nodes: [node('If', ['t'], ['y'], {
    then_branch: { g: { inputs: [], outputs: [{ name: 'ly' }], nodes: [node('Loop', ['', 't', 'x'], ['ly'])] } },
    else_branch: { g: { inputs: [], outputs: [{ name: 'ey' }], nodes: [node('Relu', ['x'], ['ey'])] } } })] });
  assert.throws(() => convertOnnx({ format: 'onnx', name: 'loop.onnx', bytes: loop }), (e: unknown) => e instanceof ConvertError && e.code === 'unsupported-op' && /\(Loop\)/.test(e.where));
});

test('If branches nested deeper than the reader\'s bound end in a located limit error', () => {
  let g: GraphSpec = { inputs: [], outputs: [{ name: 'y0' }], nodes: [node('Relu', ['x'], ['y0'])] };
  for (let d = 1; d <= ONNX_LIMITS.maxGraphDepth + 1; d++) {
    g = { inputs: [], outputs: [{ name: `y${d}` }], inits: [i64(`c${d}`, [1], [])], nodes: [node('If', [`c${d}`], [`y${d}`], { then_branch: { g }, else_branch: { g } })] };
  }
  const bytes = buildOnnx({ inputs: [{ name: 'x', shape: [1, 2] }], outputs: [{ name: 'y' }], nodes: [node('Identity', [`y${ONNX_LIMITS.maxGraphDepth + 1}`], ['y']), ...g.nodes], inits: g.inits });
  assert.throws(() => readOnnx(bytes), (e: unknown) => e instanceof ConvertError && e.code === 'limit' && /\.g\.node\[0\]\.attribute\[0\]\.g$/.test(e.where));
});

test('reflect and edge Pad are GATHERs with constant indices (reflect on a rank-3 signal, edge on an NCHW image before a Conv)', async () => {
  const reflect = await check({ opset: 13, inputs: [{ name: 'x', shape: [1, 2, 8] }], outputs: [{ name: 'y' }], inits: [i64('p', [0, 0, 3, 0, 0, 2])],
    nodes: [node('Pad', ['x', 'p'], ['y'], { mode: 'reflect' })] });
  assert.deepEqual([...reflect], [['GATHER', 1]]);
  const edge = await check({ opset: 13, inputs: [{ name: 'x', shape: [1, 3, 5, 6] }], outputs: [{ name: 'y' }], inits: [i64('p', [0, 0, 1, 2, 0, 0, 1, 2]), w('k', [4, 3, 3, 3], 2)],
    nodes: [node('Pad', ['x', 'p'], ['xp'], { mode: 'edge' }), node('Conv', ['xp', 'k'], ['y'])] });
  assert.deepEqual([...edge].sort(), [['CONV_2D', 1], ['GATHER', 2]]);
});

test('Conv1d (stride 2, PyTorch pads) is a CONV_2D over a height of 1; the rank-3 result feeds a Relu and a ReduceMean', async () => {
  const ops = await check({ inputs: [{ name: 'x', shape: [1, 3, 16] }], outputs: [{ name: 'y' }], inits: [w('k', [4, 3, 5], 3), w('b', [4], 4), i64('axes', [2])],
    opset: 13, nodes: [node('Conv', ['x', 'k', 'b'], ['c'], { kernel_shape: [5], strides: [2], pads: [2, 2] }), node('Relu', ['c'], ['r']), node('ReduceMean', ['r'], ['y'], { axes: [2], keepdims: 1 })] });
  assert.equal(ops.get('CONV_2D'), 1);
  assert.equal(ops.get('RELU'), 1);
});

test('Slice of an activation: forward steps one STRIDED_SLICE, a backwards axis one more GATHER', async () => {
  const ops = await check({ opset: 13, inputs: [{ name: 'x', shape: [2, 6, 7] }], outputs: [{ name: 'a' }, { name: 'b' }],
    inits: [i64('s0', [1, 0]), i64('e0', [6, 7]), i64('ax0', [1, 2]), i64('st0', [2, 3]), i64('s1', [-1]), i64('e1', [-100]), i64('ax1', [2]), i64('st1', [-2])],
    nodes: [node('Slice', ['x', 's0', 'e0', 'ax0', 'st0'], ['a']), node('Slice', ['x', 's1', 'e1', 'ax1', 'st1'], ['b'])] });
  assert.deepEqual([...ops].sort(), [['GATHER', 1], ['STRIDED_SLICE', 2]]);
});

test('Pow by 2 is MUL(x, x), Sqrt is SQRT and Log is LOG (an STFT magnitude and log); another exponent is refused', async () => {
  const ops = await check({ opset: 13, inputs: [{ name: 'x', shape: [1, 8] }], outputs: [{ name: 'y' }], inits: [w('two', [], 7, 2, 2), w('eps', [1], 8, 0.1, 0.1)],
    nodes: [node('Pow', ['x', 'two'], ['p']), node('Add', ['p', 'eps'], ['q']), node('Sqrt', ['q'], ['m']), node('Log', ['m'], ['y'])] });
  assert.deepEqual([...ops].sort(), [['ADD', 1], ['LOG', 1], ['MUL', 1], ['SQRT', 1]]);
  const cube = buildOnnx({ opset: 13, inputs: [{ name: 'x', shape: [1, 8] }], outputs: [{ name: 'y' }], inits: [w('three', [], 7, 3, 3)], nodes: [node('Pow', ['x', 'three'], ['y'])] });
  assert.throws(() => convertOnnx({ format: 'onnx', name: 'pow.onnx', bytes: cube }), (e: unknown) => e instanceof ConvertError && e.code === 'unsupported-op' && /exponent 3/.test(e.message));
});

test('an LSTM whose state is a model input and whose Y_h / Y_c are outputs is unrolled into FULLY_CONNECTED/LOGISTIC/TANH/MUL/ADD', async () => {
  const [steps, batch, features, hidden] = [3, 1, 4, 5];
  const ops = await check({ opset: 13, inputs: [{ name: 'x', shape: [steps, batch, features] }, { name: 'h0', shape: [1, batch, hidden] }, { name: 'c0', shape: [1, batch, hidden] }],
    outputs: [{ name: 'y' }, { name: 'yh' }, { name: 'yc' }],
    inits: [w('W', [1, 4 * hidden, features], 1), w('R', [1, 4 * hidden, hidden], 2), w('B', [1, 8 * hidden], 3)],
    nodes: [node('LSTM', ['x', 'W', 'R', 'B', '', 'h0', 'c0'], ['y', 'yh', 'yc'], { hidden_size: hidden })] });
  assert.equal(ops.get('UNIDIRECTIONAL_SEQUENCE_LSTM'), undefined);
  assert.equal(ops.get('FULLY_CONNECTED'), 8 * steps);
  assert.equal(ops.get('PACK'), 1);
});

test('a PyTorch LayerNorm (ReduceMean, Sub, Pow, Sqrt, Div) writes x / sqrt(v) as MUL by RSQRT, and quantizes to int8; a lone Sqrt stays float', async () => {
  const ln: GraphSpec = { opset: 13, inputs: [{ name: 'x', shape: [1, 12] }], outputs: [{ name: 'y' }],
    inits: [w('two', [], 1, 2, 2), w('eps', [], 2, 1e-5, 1e-5), w('g', [12], 3, 0.5, 1.5), w('b', [12], 4)],
    nodes: [node('ReduceMean', ['x'], ['m'], { axes: [-1] }), node('Sub', ['x', 'm'], ['d']), node('Pow', ['d', 'two'], ['d2']),
      node('ReduceMean', ['d2'], ['v'], { axes: [-1] }), node('Add', ['v', 'eps'], ['ve']), node('Sqrt', ['ve'], ['s']), node('Div', ['d', 's'], ['n']),
      node('Mul', ['n', 'g'], ['ng']), node('Add', ['ng', 'b'], ['y'])] };
  const ops = await check(ln);
  assert.equal(ops.get('RSQRT'), 1);
  assert.equal(ops.get('DIV'), undefined);
  assert.equal(ops.get('SQRT'), undefined);
  const model = readTflite(convertOnnx({ format: 'onnx', name: 'ln.onnx', bytes: buildOnnx(ln) }).tflite);
  const q = quantizeModel(model, randomSamples([[1, 12]], 4, -1, 1, 3), 'int8');
  assert.ok(q.model.subgraphs[0]!.operators.some((o) => o.opName === 'RSQRT'));
  const stft = readTflite(convertOnnx({ format: 'onnx', name: 's.onnx', bytes: buildOnnx({ opset: 13, inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }], nodes: [node('Abs', ['x'], ['a']), node('Sqrt', ['a'], ['y'])] }) }).tflite);
  assert.throws(() => quantizeModel(stft, randomSamples([[1, 4]], 2, -1, 1, 3), 'int8'), (e: unknown) => e instanceof QuantizeError && e.code === 'unsupported-op' && /SQRT/.test(e.message));
});

test('Split of an activation is one STRIDED_SLICE per output: sizes from the split input, or equal parts (opset 18 num_outputs)', async () => {
  const sized = await check({ opset: 13, inputs: [{ name: 'x', shape: [2, 7, 3] }], outputs: [{ name: 'a' }, { name: 'b' }], inits: [i64('sizes', [2, 5])],
    nodes: [node('Split', ['x', 'sizes'], ['a', 'b'], { axis: 1 })] });
  assert.deepEqual([...sized], [['STRIDED_SLICE', 2]]);
  const equal = await check({ opset: 18, inputs: [{ name: 'x', shape: [1, 4, 6, 6] }], outputs: [{ name: 'y' }], inits: [w('k', [2, 2, 1, 1], 9)],
    nodes: [node('Split', ['x'], ['p', 'q'], { axis: 1, num_outputs: 2 }), node('Add', ['p', 'q'], ['s']), node('Conv', ['s', 'k'], ['y'])] });
  assert.equal(equal.get('STRIDED_SLICE'), 2);
  assert.equal(equal.get('TRANSPOSE'), undefined);
});

test('every truncation and seeded byte mutation of a model with If branches ends in a model or a ConvertError', () => {
  const bytes = buildOnnx(srSwitch);
  const options = { inputValues: new Map([['sr', [16000]]]) };
  let converted = 0;
  const tryOne = (b: Uint8Array, what: string): void => {
    try {
      convertOnnx({ format: 'onnx', name: 'f.onnx', bytes: b }, options);
      converted++;
    } catch (e) {
      assert.ok(e instanceof ConvertError, `${what}: ${String(e)}`);
    }
  };
  for (let n = 0; n < bytes.length; n++) tryOne(bytes.subarray(0, n), `truncated at ${n}`);
  assert.ok(converted < bytes.length / 4, 'most truncations must fail');
  const noise = randomValues(2 * bytes.length, 11, 0, 1);
  for (let k = 0; k < bytes.length; k++) {
    const b = Uint8Array.from(bytes);
    b[k] = Math.floor(noise[2 * k]! * 256);
    tryOne(b, `byte ${k} set to ${b[k]}`);
  }
});
