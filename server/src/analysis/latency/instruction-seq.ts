/**
 * The instruction model's classes for the ops of keyword-spotting and speech models: MEAN, SVDF,
 * UNIDIRECTIONAL_SEQUENCE_LSTM, and QUANTIZE from int16 to int32. Their loops depend on facts the common shape lacks (MEAN's input rank and size,
 * SVDF's rank and memory, the state's type), so opShape adds those here; the features are the kernels' trip counts
 * (TFLM's reduce_common.cc, svdf_common.cc, lstm_eval.h; CMSIS-NN's arm_svdf_s8.c, arm_svdf_state_s16_s8.c,
 * arm_nn_lstm_step_s8.c). Pure.
 */
import type { Operator, Subgraph, Tensor } from '../../model/ir.js';
import type { OpShape } from './instructions.js';

/** The extra shape facts of a MEAN, SVDF or LSTM op (empty for other ops, so their shapes keep their fields). */
export function seqFacts(sg: Subgraph, op: Operator): Partial<OpShape> {
  const t = (k: number): Tensor | undefined => {
    const i = op.inputs[k];
    return i !== undefined && i >= 0 ? sg.tensors[i] : undefined;
  };
  const x = t(0);
  if (op.opName === 'MEAN') {
    const inRank = x?.shape.length ?? 0;
    // TFLM's float MEAN has its own loop for a 4D input reduced over H and W with keepDims (reduce_common.cc): two
    // axes, and an output that keeps the batch and channels with H and W reduced to 1
    const out = op.outputs[0] !== undefined && op.outputs[0] >= 0 ? sg.tensors[op.outputs[0]]?.shape ?? [] : [];
    const inShape = x?.shape ?? [];
    const hw = op.options.keepDims === true && inRank === 4 && out.length === 4 && t(1)?.elementCount === 2
      && out[0] === inShape[0] && out[1] === 1 && out[2] === 1 && out[3] === inShape[3];
    return { inElements: x?.elementCount ?? 0, inRank, meanAxes: t(1)?.elementCount ?? 1, meanHw: hw };
  }
  if (op.opName === 'SVDF') {
    const time = t(2)?.shape ?? [];
    const rank = typeof op.options.rank === 'number' && op.options.rank > 0 ? op.options.rank : 1;
    return { svdfRank: rank, memory: time[1] ?? 1, stateDtype: t(4)?.dtype ?? 'NONE' };
  }
  if (op.opName === 'UNIDIRECTIONAL_SEQUENCE_LSTM') {
    const shape = x?.shape ?? [];
    const steps = shape.length === 3 ? (op.options.timeMajor === true ? shape[0]! : shape[1]!) : 1;
    return { stateDtype: t(19)?.dtype ?? 'NONE', seqSteps: steps };
  }
  if (op.opName === 'QUANTIZE' && x?.dtype === 'INT16') {
    const y = op.outputs[0] !== undefined && op.outputs[0] >= 0 ? sg.tensors[op.outputs[0]] : undefined;
    return { outDtype: y?.dtype ?? 'NONE' };
  }
  return {};
}

/** The class of a MEAN, SVDF or LSTM op, or null for another op. */
export function seqClass(s: OpShape): string | null {
  switch (s.op) {
    case 'MEAN':
      if (s.dtype === 'FLOAT32' && s.meanHw) return 'MEAN/FLOAT32/hw';
      return `MEAN/${s.dtype}`;
    case 'SVDF':
      // int8 SVDF: CMSIS-NN's arm_svdf_state_s16_s8 / arm_svdf_s8 (TFLM's integer reference for either state type)
      if (s.dtype === 'INT8') return s.stateDtype === 'INT8' ? 'SVDF/INT8/state8' : 'SVDF/INT8';
      return `SVDF/${s.dtype}`;
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM':
      return `UNIDIRECTIONAL_SEQUENCE_LSTM/${s.dtype}`;
    case 'QUANTIZE':
      // int16 in: TFLM's requantize to int8, or the widening to int32 (another loop)
      return s.dtype === 'INT16' && s.outDtype === 'INT32' ? 'QUANTIZE/INT16/INT32' : null;
    default:
      return null;
  }
}

/**
 * Steps of an LSTM sequence that run on a zero state: cheaper (fewer saturating branches). On the rig's sweep 1 and
 * 2 fit alike (in-sample medians equal to 0.01%), 3 and 4 worse.
 */
const WARM_STEPS = 1;

/** The features of a MEAN, SVDF or LSTM class, or null for another class. */
export function seqFeatures(s: OpShape, cls: string): Record<string, number> | null {
  if (cls.startsWith('MEAN/')) {
    const inputs = s.inElements ?? s.n * s.inH * s.inW * s.cin;
    // the generic reduction walks every input element with an index over all dimensions (NextIndex and the output
    // offset, each a loop over the rank); the H,W loop of float MEAN with keepDims has no index arithmetic
    if (cls === 'MEAN/FLOAT32/hw') return { call: 1, inputs, outputs: s.elements };
    const dims = inputs * (s.inRank ?? 4);
    return { call: 1, inputs, inputDims: dims, inputDimsAxes: dims * (s.meanAxes ?? 1), outputs: s.elements };
  }
  if (cls.startsWith('SVDF/')) {
    // input [batch, inner] -> output [batch, units]; filters = units x rank; state [batch, filters x memory]
    const batch = s.n;
    const rank = s.svdfRank ?? 1;
    const memory = s.memory ?? 1;
    const filters = batch * s.cout * rank;
    return {
      call: 1,
      // per batch entry: CMSIS-NN calls its matrix-vector kernel once per batch
      batches: batch,
      // per filter: the feature dot product's set-up and requantization, the time dot product, the rank sum
      filters,
      featureMacs: filters * s.cin,
      // the state shift (an element loop, or a memmove in CMSIS-NN) and the time weights' dot products
      memory: filters * memory,
      units: batch * s.cout,
      // the leftovers of CMSIS-NN's blocked loops: input values past a multiple of 4, odd memory lengths
      featureTail: filters * (s.cin % 4),
      memoryTail: filters * (memory % 2),
      // Helium (MVE): the dot products run 16 lanes a beat with a predicated last block
      featureBlocks: filters * Math.ceil(s.cin / 16),
      memoryBlocks: filters * Math.ceil(memory / 16),
    };
  }
  if (cls.startsWith('UNIDIRECTIONAL_SEQUENCE_LSTM/')) {
    // input [batch, steps, inner] (or time-major), output [..., units]: per step four gates, each an input and a
    // recurrent matrix-vector product, then the element-wise cell update over the units (a cost per gate row)
    const steps = s.n * s.outH * s.outW;
    const rows = steps * 4 * s.cout;
    const t = Math.max(1, s.seqSteps ?? 1);
    const blocks = Math.ceil(s.cin / 16) + Math.ceil(s.cout / 16);
    return {
      call: 1, steps, rows,
      // per sequence (batch entry): CMSIS-NN runs a batch-major sequence one batch entry at a time
      sequences: steps / t,
      inputMacs: rows * s.cin,
      recurrentMacs: rows * s.cout,
      tail: rows * ((s.cin % 4) + (s.cout % 4)),
      // Helium (MVE): 16-lane blocks of each row's two dot products, four rows at a time; the last units % 4 rows
      // run one by one
      blocks: rows * blocks,
      rowTail: steps * 4 * (s.cout % 4) * blocks,
      // the gate rows of every step after the first of each sequence: the state starts at zero, and a step costs more
      // once it has grown (CMSIS-NN's s16 activations, the saturations and libm's expf/tanhf branch on the data)
      lateRows: (steps / t) * Math.max(0, t - WARM_STEPS) * 4 * s.cout,
    };
  }
  return null;
}
