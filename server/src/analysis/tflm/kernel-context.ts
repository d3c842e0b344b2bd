import { constantData, type Model, type Operator, type Subgraph, type Tensor } from '../../model/ir.js';
import type { ArenaModel } from './arena.js';
import { PrepareFailure, type KernelContext, type KernelSet } from './kernels/types.js';
import { CORTEX_M as S, alignUp, intArrayBytes } from './structs.js';

/** A RequestScratchBufferInArena call; `node` is -1 until FinishPrepareNodeAllocations stamps it. */
export interface ScratchRequest {
  subgraph: number;
  node: number;
  bytes: number;
}

export interface KernelContextOptions {
  model: Model;
  kernels: KernelSet;
  arena: ArenaModel;
  subgraph: Subgraph;
  op: Operator;
  /** Called after every temporary allocation (the caller tracks the node's temporary peak). */
  afterTemp: () => void;
  /** The model-wide request list, shared with the interpreter replay. */
  scratchRequests: ScratchRequest[];
  shape(tensorIndex: number): number[];
  setShape(tensorIndex: number, shape: number[]): void;
}

/**
 * The TfLiteContext / MicroContext a kernel sees during Init and Prepare, reduced to the memory requests it can make:
 * each call allocates exactly what MicroInterpreterContext and MicroAllocator allocate for it.
 */
export function createKernelContext(o: KernelContextOptions): KernelContext {
  const { arena: a, subgraph: sg, op } = o;
  const tensorAt = (list: number[], i: number): Tensor | null => {
    const index = list[i];
    if (index === undefined || index < 0) return null;
    return sg.tensors[index] ?? null;
  };
  const existing = (index: number): Tensor => {
    const t = sg.tensors[index];
    if (!t) throw new PrepareFailure(`tensor ${index} does not exist in subgraph ${sg.index}`);
    return t;
  };
  // AllocateTempTfLiteTensor: the struct, then (when the tensor has scale and zero point) its quantization and a
  // zero-point array with one entry per channel; the scale array points into the flatbuffer.
  const temp = (t: Tensor | null): Tensor | null => {
    if (!t) return null;
    a.temporary(S.tfLiteTensor.size, S.tfLiteTensor.align);
    const q = t.quantization;
    if (q && q.scale.length > 0 && q.zeroPoint.length > 0) {
      a.temporary(S.affineQuantization.size, S.affineQuantization.align);
      a.temporary(intArrayBytes(q.scale.length), 4);
    }
    o.afterTemp();
    return t;
  };
  const persistent = (bytes: number): void => { a.persistent(requestSize(bytes, 'a persistent buffer'), S.arenaAlignment); };
  return {
    model: o.model,
    subgraph: sg,
    op,
    kernels: o.kernels,
    input: (i) => tensorAt(op.inputs, i),
    output: (i) => tensorAt(op.outputs, i),
    intermediate: (i) => tensorAt(op.intermediates, i),
    tensor: existing,
    constantData: (t) => (o.model.buffers[t.buffer]?.external ? null : constantData(o.model, t)),
    persistent,
    persistentEach: (count, bytes) => {
      const each = alignUp(requestSize(bytes, 'a persistent buffer'), S.arenaAlignment);
      const total = requestSize(count, 'a buffer count') * each;
      if (total > a.size) persistent(total);
      else for (let i = 0; i < count; i++) persistent(bytes);
    },
    tempInput: (i) => temp(tensorAt(op.inputs, i)),
    tempOutput: (i) => temp(tensorAt(op.outputs, i)),
    tempIntermediate: (i) => temp(tensorAt(op.intermediates, i)),
    tempTensor: (index) => temp(existing(index))!,
    tempBuffer: (bytes, align) => { a.temporary(requestSize(bytes, 'a temporary buffer'), align); o.afterTemp(); },
    scratch: (bytes) => {
      // This node's requests are the unstamped ones at the end of the list: count back, not through the whole list.
      let pending = 0;
      for (let i = o.scratchRequests.length - 1; i >= 0 && o.scratchRequests[i]!.node === -1; i--) pending++;
      if (pending >= S.maxScratchBuffersPerOp) {
        throw new PrepareFailure(`more than ${S.maxScratchBuffersPerOp} scratch buffers requested by one node`);
      }
      o.scratchRequests.push({ subgraph: sg.index, node: -1, bytes: requestSize(bytes, 'a scratch buffer') });
    },
    setShape: o.setShape,
    shape: o.shape,
    fail: (reason) => { throw new PrepareFailure(reason); },
  };
}

/**
 * A request size computed from model data (shapes, custom options) must be a byte count: a negative or non-integer
 * size (a negative option, a product beyond 2^53) would make TFLM request a wrapped size_t; the node is rejected.
 */
function requestSize(bytes: number, what: string): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new PrepareFailure(`the kernel would request ${what} of ${bytes} bytes, computed from the model's parameters: not a valid size`);
  }
  return bytes;
}
