import type { Operator, Subgraph, Tensor } from '../model/ir.js';

/**
 * Multiply-accumulates an operator performs per inference, from its tensor shapes. Only operators whose work is a
 * sum of products count (convolutions, matrix products, recurrent cells); element-wise and data-movement operators
 * report 0. Control-flow bodies are counted where they are defined (each subgraph's operators once).
 */
export function operatorMacs(sg: Subgraph, op: Operator): number {
  const t = (i: number, list: number[] = op.inputs): Tensor | null => {
    const index = list[i];
    return index === undefined || index < 0 ? null : sg.tensors[index] ?? null;
  };
  const out = t(0, op.outputs);
  const elements = (x: Tensor | null): number => x?.elementCount ?? 0;
  const dims = (x: Tensor | null): number[] => x?.shape ?? [];
  switch (op.opName) {
    case 'CONV_2D': {
      // filter [out_c, k_h, k_w, in_c / groups]: each output element sums k_h * k_w * (in_c / groups) products.
      const [, kh = 0, kw = 0, ic = 0] = dims(t(1));
      return elements(out) * kh * kw * ic;
    }
    case 'CONV_3D': {
      // filter [k_d, k_h, k_w, in_c, out_c]
      const [kd = 0, kh = 0, kw = 0, ic = 0] = dims(t(1));
      return elements(out) * kd * kh * kw * ic;
    }
    case 'DEPTHWISE_CONV_2D': {
      // filter [1, k_h, k_w, out_c]: one k_h * k_w window per output element.
      const [, kh = 0, kw = 0] = dims(t(1));
      return elements(out) * kh * kw;
    }
    case 'TRANSPOSE_CONV': {
      // inputs: output_shape, filter [out_c, k_h, k_w, in_c], input. Every input element scatters into k_h*k_w*out_c.
      const [oc = 0, kh = 0, kw = 0] = dims(t(1));
      return elements(t(2)) * kh * kw * oc;
    }
    case 'FULLY_CONNECTED': {
      // filter [units, depth]; the output holds batches x units.
      const [, depth = 0] = dims(t(1));
      return elements(out) * depth;
    }
    case 'BATCH_MATMUL': {
      const a = dims(t(0));
      const adjX = op.options.adjX === true;
      const k = (adjX ? a[a.length - 2] : a[a.length - 1]) ?? 0;
      return elements(out) * k;
    }
    case 'SVDF': {
      // weights_feature [filters, input_size], weights_time [filters, memory_size]
      const batch = dims(t(0))[0] ?? 1;
      const [filters = 0, inputSize = 0] = dims(t(1));
      const [, memory = 0] = dims(t(2));
      return batch * filters * (inputSize + memory);
    }
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM':
    case 'LSTM': {
      // Four gates, each an input matmul [cells, inputs] and a recurrent matmul [cells, outputs], per time step.
      const input = dims(t(0));
      const inputSize = input[input.length - 1] ?? 0;
      const steps = input.length >= 3 ? (input[0] ?? 1) * (input[1] ?? 1) : (input[0] ?? 1);
      const cells = dims(t(4))[0] ?? 0;
      const outputs = dims(t(8))[1] ?? cells;
      const projection = t(16) ? cells * outputs : 0;
      return steps * (4 * cells * (inputSize + outputs) + projection);
    }
    default:
      return 0;
  }
}

/** Bytes of constant data (weights, biases, lookup tables) an operator reads from flash. */
export function operatorWeightBytes(sg: Subgraph, op: Operator): number {
  let bytes = 0;
  const seen = new Set<number>();
  for (const index of op.inputs) {
    if (index < 0 || seen.has(index)) continue;
    seen.add(index);
    const tensor = sg.tensors[index];
    if (tensor?.isConstant) bytes += constantBytes(tensor);
  }
  return bytes;
}

/** Stored bytes of a constant tensor: INT4 is packed two to a byte in the file. */
export function constantBytes(t: Tensor): number {
  return t.dtype === 'INT4' ? Math.ceil(t.elementCount / 2) : t.bytes;
}
