import type { Operator, Subgraph, Tensor } from '../model/ir.js';

/**
 * Multiply-accumulates an operator performs per inference, from its tensor shapes. Only operators whose work is a
 * sum of products count (convolutions, matrix products, recurrent cells); element-wise and data-movement operators
 * report 0. Control-flow bodies are counted where they are defined (each subgraph's operators once).
 */
export function operatorMacs(sg: Subgraph, op: Operator): number {
  // Module-level helpers, not closures: this runs once per operator of every analysis.
  const out = tensorAt(sg, op.outputs, 0);
  switch (op.opName) {
    case 'CONV_2D': {
      // filter [out_c, k_h, k_w, in_c / groups]: each output element sums k_h * k_w * (in_c / groups) products.
      const [, kh = 0, kw = 0, ic = 0] = dimsOf(tensorAt(sg, op.inputs, 1));
      return elementsOf(out) * kh * kw * ic;
    }
    case 'CONV_3D': {
      // filter [k_d, k_h, k_w, in_c, out_c]
      const [kd = 0, kh = 0, kw = 0, ic = 0] = dimsOf(tensorAt(sg, op.inputs, 1));
      return elementsOf(out) * kd * kh * kw * ic;
    }
    case 'DEPTHWISE_CONV_2D': {
      // filter [1, k_h, k_w, out_c]: one k_h * k_w window per output element.
      const [, kh = 0, kw = 0] = dimsOf(tensorAt(sg, op.inputs, 1));
      return elementsOf(out) * kh * kw;
    }
    case 'TRANSPOSE_CONV': {
      // inputs: output_shape, filter [out_c, k_h, k_w, in_c], input. Every input element scatters into k_h*k_w*out_c.
      const [oc = 0, kh = 0, kw = 0] = dimsOf(tensorAt(sg, op.inputs, 1));
      return elementsOf(tensorAt(sg, op.inputs, 2)) * kh * kw * oc;
    }
    case 'FULLY_CONNECTED': {
      // filter [units, depth]; the output holds batches x units.
      const [, depth = 0] = dimsOf(tensorAt(sg, op.inputs, 1));
      return elementsOf(out) * depth;
    }
    case 'BATCH_MATMUL': {
      const a = dimsOf(tensorAt(sg, op.inputs, 0));
      const adjX = op.options.adjX === true;
      const k = (adjX ? a[a.length - 2] : a[a.length - 1]) ?? 0;
      return elementsOf(out) * k;
    }
    case 'SVDF': {
      // weights_feature [filters, input_size], weights_time [filters, memory_size]
      const batch = dimsOf(tensorAt(sg, op.inputs, 0))[0] ?? 1;
      const [filters = 0, inputSize = 0] = dimsOf(tensorAt(sg, op.inputs, 1));
      const [, memory = 0] = dimsOf(tensorAt(sg, op.inputs, 2));
      return batch * filters * (inputSize + memory);
    }
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM':
    case 'LSTM': {
      // Four gates, each an input matmul [cells, inputs] and a recurrent matmul [cells, outputs], per time step.
      const input = dimsOf(tensorAt(sg, op.inputs, 0));
      const inputSize = input[input.length - 1] ?? 0;
      const steps = input.length >= 3 ? (input[0] ?? 1) * (input[1] ?? 1) : (input[0] ?? 1);
      const cells = dimsOf(tensorAt(sg, op.inputs, 4))[0] ?? 0;
      const outputs = dimsOf(tensorAt(sg, op.inputs, 8))[1] ?? cells;
      const projection = tensorAt(sg, op.inputs, 16) ? cells * outputs : 0;
      return steps * (4 * cells * (inputSize + outputs) + projection);
    }
    default:
      return 0;
  }
}

function tensorAt(sg: Subgraph, list: readonly number[], i: number): Tensor | null {
  const index = list[i];
  return index === undefined || index < 0 ? null : sg.tensors[index] ?? null;
}

function elementsOf(x: Tensor | null): number {
  return x?.elementCount ?? 0;
}

function dimsOf(x: Tensor | null): readonly number[] {
  return x?.shape ?? NO_DIMS;
}

const NO_DIMS: readonly number[] = [];

/** Bytes of constant data (weights, biases, lookup tables) an operator reads from flash. */
export function operatorWeightBytes(sg: Subgraph, op: Operator): number {
  let bytes = 0;
  const inputs = op.inputs;
  // A tensor read twice is counted once: most operators have a few inputs, whose earlier entries are scanned (no Set
  // per operator); a long list (CONCATENATION of many) gets a Set.
  const seen = inputs.length > 16 ? new Set<number>() : null;
  for (let k = 0; k < inputs.length; k++) {
    const index = inputs[k]!;
    if (index < 0) continue;
    if (seen ? seen.has(index) : k > 0 && inputs.lastIndexOf(index, k - 1) !== -1) continue;
    seen?.add(index);
    const tensor = sg.tensors[index];
    if (tensor?.isConstant) bytes += constantBytes(tensor);
  }
  return bytes;
}

/** Stored bytes of a constant tensor: INT4 is packed two to a byte in the file. */
export function constantBytes(t: Tensor): number {
  return t.dtype === 'INT4' ? Math.ceil(t.elementCount / 2) : t.bytes;
}
