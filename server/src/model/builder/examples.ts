/**
 * The bundled example models (`examples/*.tflite`, written by `npm run examples`). The keyword spotter has seeded
 * synthetic weights: the structure, shapes, dtypes and quantization of the real model it imitates, so memory and
 * operator figures are realistic, but meaningless outputs. The sine model is fitted (sine-fit.ts): real outputs.
 */
import { ModelBuilder, type SubgraphBuilder, type TensorRef } from './builder.js';
import { activationQuantInt8, PROBABILITY_QUANT_INT8, quantizeBiasInt32, quantizeSymmetricInt8 } from './quant.js';
import { SeededRandom } from './random.js';
import { convOutputSize } from './shapes.js';
import { fitSine, type SineFit } from './sine-fit.js';

/** The converter writes the oldest runtime able to run the model; these models use only long-supported ops. */
const MIN_RUNTIME_VERSION = '1.14.0';

type Padding = 'SAME' | 'VALID';

/** The converter records a dynamic batch (-1) in `shape_signature` for every activation of a Keras model. */
function dynamicBatch(shape: readonly number[]): number[] {
  return shape.map((d, i) => (i === 0 ? -1 : d));
}

interface Int8ConvLayer {
  readonly name: string;
  readonly kind: 'CONV_2D' | 'DEPTHWISE_CONV_2D';
  /** Output channels (for depthwise: input channels x multiplier 1). */
  readonly channels: number;
  readonly kernel: readonly [height: number, width: number];
  readonly stride: number;
  readonly padding: Padding;
  /** Upper end of the (post-ReLU) output range; sets the output scale. */
  readonly outputMax: number;
}

/**
 * One int8 CONV_2D or DEPTHWISE_CONV_2D + fused ReLU with per-channel weights (quantized along the output-channel
 * axis: 0 for OHWI conv filters, 3 for 1HWC depthwise filters) and int32 biases, as the converter emits it.
 */
function int8Conv(g: SubgraphBuilder, rng: SeededRandom, x: TensorRef, layer: Int8ConvLayer): TensorRef {
  const [batch, height, width, inChannels] = x.shape;
  const inputScale = x.quant?.scale[0];
  if (batch === undefined || height === undefined || width === undefined || inChannels === undefined || inputScale === undefined) {
    throw new Error(`${layer.name}: input must be a quantized NHWC tensor`);
  }
  const [kh, kw] = layer.kernel;
  const depthwise = layer.kind === 'DEPTHWISE_CONV_2D';
  const filterShape = depthwise ? [1, kh, kw, layer.channels] : [layer.channels, kh, kw, inChannels];
  const fanIn = depthwise ? kh * kw : kh * kw * inChannels;
  const count = filterShape.reduce((a, d) => a * d, 1);
  const weights = quantizeSymmetricInt8(rng.glorot(count, fanIn, layer.channels), filterShape, depthwise ? 3 : 0);
  const bias = quantizeBiasInt32(rng.uniformArray(layer.channels, -0.1, 0.1), inputScale, weights.quant.scale);
  const w = g.constant({ name: `${layer.name}/weights`, shape: filterShape, dtype: 'INT8', data: weights.data, quant: weights.quant });
  const b = g.constant({ name: `${layer.name}/bias`, shape: [layer.channels], dtype: 'INT32', data: bias.data, quant: bias.quant });
  const shape = [batch, convOutputSize(height, kh, layer.stride, layer.padding), convOutputSize(width, kw, layer.stride, layer.padding), layer.channels];
  const output = {
    name: `${layer.name}/Relu`,
    shape,
    shapeSignature: dynamicBatch(shape),
    dtype: 'INT8' as const,
    quant: activationQuantInt8(0, layer.outputMax),
  };
  const common = { padding: layer.padding, strideW: layer.stride, strideH: layer.stride, fusedActivationFunction: 'RELU' } as const;
  // Versions are what the converter records for int8 per-channel kernels.
  return depthwise
    ? g.op('DEPTHWISE_CONV_2D', { inputs: [x, w, b], output, version: 3, options: { ...common, depthMultiplier: 1 } })
    : g.op('CONV_2D', { inputs: [x, w, b], output, version: 3, options: common });
}

/**
 * A keyword-spotting DS-CNN like MLPerf Tiny's: int8 input 1x49x10x1 (MFCC frames); CONV_2D 64@10x4 stride 2 SAME +
 * ReLU; four depthwise-separable blocks (DEPTHWISE_CONV_2D 3x3 + ReLU, CONV_2D 1x1 64 + ReLU); AVERAGE_POOL_2D over
 * the 25x5 map; RESHAPE to 1x64; FULLY_CONNECTED to 12 classes; SOFTMAX. Int8 activations throughout, per-channel
 * int8 conv weights, per-tensor int8 FC weights, int32 biases.
 */
export function buildKwsDsCnnInt8(seed = 1): Uint8Array {
  const rng = new SeededRandom(seed);
  const m = new ModelBuilder({ description: 'TinyML Lens example: keyword-spotting DS-CNN, int8, synthetic weights', uniqueBuffers: true });
  m.minRuntimeVersion(MIN_RUNTIME_VERSION);
  const g = m.subgraph('main');
  // MLPerf Tiny's input quantization: MFCC features in -123.4..25.7.
  const inputShape = [1, 49, 10, 1];
  let x = g.input({ name: 'input', shape: inputShape, shapeSignature: dynamicBatch(inputShape), dtype: 'INT8', quant: { scale: [0.5847029], zeroPoint: [83] } });
  x = int8Conv(g, rng, x, { name: 'conv_0', kind: 'CONV_2D', channels: 64, kernel: [10, 4], stride: 2, padding: 'SAME', outputMax: rng.uniform(6, 12) });
  for (let block = 1; block <= 4; block++) {
    x = int8Conv(g, rng, x, { name: `dw_${block}`, kind: 'DEPTHWISE_CONV_2D', channels: 64, kernel: [3, 3], stride: 1, padding: 'SAME', outputMax: rng.uniform(4, 10) });
    x = int8Conv(g, rng, x, { name: `pw_${block}`, kind: 'CONV_2D', channels: 64, kernel: [1, 1], stride: 1, padding: 'SAME', outputMax: rng.uniform(4, 10) });
  }
  const [, poolH = 0, poolW = 0, channels = 0] = x.shape;
  // Pooling and reshaping do not change values, so they keep their input's quantization (the int8 kernels require it).
  const pooled = g.op('AVERAGE_POOL_2D', {
    inputs: [x],
    output: { name: 'avg_pool', shape: [1, 1, 1, channels], shapeSignature: [-1, 1, 1, channels], dtype: 'INT8', quant: x.quant },
    version: 2,
    options: { padding: 'VALID', strideW: poolW, strideH: poolH, filterWidth: poolW, filterHeight: poolH, fusedActivationFunction: 'NONE' },
  });
  const newShape = [1, channels];
  const shape = g.constant({ name: 'flatten/shape', shape: [2], dtype: 'INT32', data: newShape });
  const flat = g.op('RESHAPE', {
    inputs: [pooled, shape],
    output: { name: 'flatten', shape: newShape, shapeSignature: dynamicBatch(newShape), dtype: 'INT8', quant: x.quant },
    options: { newShape },
  });
  const classes = 12;
  const fcWeights = quantizeSymmetricInt8(rng.glorot(classes * channels, channels, classes), [classes, channels], null);
  const fcBias = quantizeBiasInt32(rng.uniformArray(classes, -0.1, 0.1), flat.quant?.scale[0] ?? 1, fcWeights.quant.scale);
  const logits = g.op('FULLY_CONNECTED', {
    inputs: [
      flat,
      g.constant({ name: 'fc/weights', shape: [classes, channels], dtype: 'INT8', data: fcWeights.data, quant: fcWeights.quant }),
      g.constant({ name: 'fc/bias', shape: [classes], dtype: 'INT32', data: fcBias.data, quant: fcBias.quant }),
    ],
    output: { name: 'fc', shape: [1, classes], shapeSignature: [-1, classes], dtype: 'INT8', quant: activationQuantInt8(-12, 12) },
    version: 4,
    options: { fusedActivationFunction: 'NONE' },
  });
  const probs = g.op('SOFTMAX', {
    inputs: [logits],
    output: { name: 'softmax', shape: [1, classes], shapeSignature: [-1, classes], dtype: 'INT8', quant: PROBABILITY_QUANT_INT8 },
    version: 2,
    options: { beta: 1 },
  });
  g.output(probs);
  return m.finish();
}

/**
 * A float32 sine approximator like TFLM's hello_world: input 1x1; FULLY_CONNECTED 16 + ReLU; FULLY_CONNECTED 16 +
 * ReLU; FULLY_CONNECTED 1, with weights fitted to y = sin(x) on [0, 2pi] (sine-fit.ts; RMS error about 0.015), so
 * its outputs, and the ranges `quantize` calibrates, are those of a real model.
 */
export function buildSineFloat(seed = 1): Uint8Array {
  const fit = fittedSine(seed);
  const m = new ModelBuilder({ description: 'TinyML Lens example: sine approximator, float32, fitted to sin(x) on [0, 2pi]', uniqueBuffers: true });
  m.minRuntimeVersion(MIN_RUNTIME_VERSION);
  const g = m.subgraph('main');
  let x = g.input({ name: 'input', shape: [1, 1], shapeSignature: [-1, 1], dtype: 'FLOAT32' });
  fit.layers.forEach((layer, i) => {
    const name = `dense_${i}`;
    x = g.op('FULLY_CONNECTED', {
      inputs: [
        x,
        g.constant({ name: `${name}/weights`, shape: [layer.units, layer.inputs], dtype: 'FLOAT32', data: layer.weights }),
        g.constant({ name: `${name}/bias`, shape: [layer.units], dtype: 'FLOAT32', data: layer.bias }),
      ],
      output: { name, shape: [1, layer.units], shapeSignature: [-1, layer.units], dtype: 'FLOAT32' },
      options: { fusedActivationFunction: i < fit.layers.length - 1 ? 'RELU' : 'NONE' },
    });
  });
  g.output(x);
  return m.finish();
}

/** The fit takes a moment: once per seed and process. */
const SINE_FITS = new Map<number, SineFit>();
function fittedSine(seed: number): SineFit {
  let fit = SINE_FITS.get(seed);
  if (!fit) SINE_FITS.set(seed, (fit = fitSine(seed)));
  return fit;
}

/**
 * A float32 control-flow model: `out = a < b ? a + b : a * b`, as LESS then IF with a then-subgraph (ADD) and an
 * else-subgraph (MUL). Subgraph 0 is `main`, 1 `then_add`, 2 `else_mul`.
 */
export function buildIfModel(): Uint8Array {
  const m = new ModelBuilder({ description: 'TinyML Lens example: LESS + IF with ADD / MUL branches, float32' });
  m.minRuntimeVersion('2.5.0');
  const main = m.subgraph('main');
  const branches = (['then_add', 'else_mul'] as const).map((name) => {
    const g = m.subgraph(name);
    const x = g.input({ name: 'x', shape: [1], dtype: 'FLOAT32' });
    const y = g.input({ name: 'y', shape: [1], dtype: 'FLOAT32' });
    const spec = { inputs: [x, y], output: { name: 'z', shape: [1], dtype: 'FLOAT32' as const }, options: { fusedActivationFunction: 'NONE' as const } };
    g.output(name === 'then_add' ? g.op('ADD', spec) : g.op('MUL', spec));
    return g;
  });
  const a = main.input({ name: 'a', shape: [1], dtype: 'FLOAT32' });
  const b = main.input({ name: 'b', shape: [1], dtype: 'FLOAT32' });
  const cond = main.op('LESS', { inputs: [a, b], output: { name: 'a_less_b', shape: [1], dtype: 'BOOL' }, options: {} });
  const out = main.op('IF', {
    inputs: [cond, a, b],
    output: { name: 'out', shape: [1], dtype: 'FLOAT32' },
    options: { thenSubgraphIndex: branches[0]?.index ?? 1, elseSubgraphIndex: branches[1]?.index ?? 2 },
  });
  main.output(out);
  return m.finish();
}
