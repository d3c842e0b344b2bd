import { constantData, type Model, type Operator, type Subgraph, type Tensor } from '../../model/ir.js';
import type { ArenaModel } from './arena.js';
import { PrepareFailure, type CodePath, type KernelContext, type KernelSet } from './kernels/types.js';
import { CORTEX_M as S, alignUp, intArrayBytes, tfLiteTensorLayout, type Abi, type CLayout } from './structs.js';

/** A RequestScratchBufferInArena call; `node` is -1 until FinishPrepareNodeAllocations stamps it. */
export interface ScratchRequest {
  subgraph: number;
  node: number;
  bytes: number;
}

export interface KernelContextOptions {
  model: Model;
  kernels: KernelSet;
  /** CMSIS-NN's code path; `dsp` when omitted. */
  codePath?: CodePath;
  /** The target's enum width (`arm-eabi` when omitted): the size of every TfLiteTensor the kernel takes. */
  abi?: Abi;
  arena: ArenaModel;
  subgraph: Subgraph;
  op: Operator;
  /** The model-wide request list, shared with the interpreter replay. */
  scratchRequests: ScratchRequest[];
  /** The subgraph's runtime shapes: tensors whose shape a kernel set in Prepare (by index); the others keep the model's. */
  shapes: Map<number, number[]>;
}

/**
 * The TfLiteContext / MicroContext a kernel sees during Init and Prepare, reduced to the memory requests it can make:
 * each call allocates exactly what MicroInterpreterContext and MicroAllocator allocate for it.
 */
export function createKernelContext(o: KernelContextOptions): KernelContext & { readonly peakTemp: number } {
  return new NodeContext(o);
}

/** One object per node and phase, its methods on the prototype: a replay of 100,000 nodes makes no closures. */
class NodeContext implements KernelContext {
  readonly model: Model;
  readonly subgraph: Subgraph;
  readonly op: Operator;
  readonly kernels: KernelSet;
  readonly codePath: CodePath;
  private readonly a: ArenaModel;
  private readonly tensorStruct: CLayout;
  private readonly headBefore: number;
  /** The most the node's temporaries took above the head it started with (its Prepare's temporary peak). */
  peakTemp = 0;

  constructor(private readonly o: KernelContextOptions) {
    this.model = o.model;
    this.subgraph = o.subgraph;
    this.op = o.op;
    this.kernels = o.kernels;
    this.codePath = o.codePath ?? 'dsp';
    this.a = o.arena;
    this.tensorStruct = tfLiteTensorLayout(o.abi ?? 'arm-eabi');
    this.headBefore = o.arena.headUsed;
  }

  private afterTemp(): void {
    this.peakTemp = Math.max(this.peakTemp, this.a.headUsed - this.headBefore);
  }

  private tensorAt(list: number[], i: number): Tensor | null {
    const index = list[i];
    if (index === undefined || index < 0) return null;
    return this.subgraph.tensors[index] ?? null;
  }

  input(i: number): Tensor | null { return this.tensorAt(this.op.inputs, i); }
  output(i: number): Tensor | null { return this.tensorAt(this.op.outputs, i); }
  intermediate(i: number): Tensor | null { return this.tensorAt(this.op.intermediates, i); }

  tensor(index: number): Tensor {
    const t = this.subgraph.tensors[index];
    if (!t) throw new PrepareFailure(`tensor ${index} does not exist in subgraph ${this.subgraph.index}`);
    return t;
  }

  constantData(t: Tensor): Uint8Array | null {
    return this.model.buffers[t.buffer]?.external ? null : constantData(this.model, t);
  }

  persistent(bytes: number): void {
    this.a.persistent(requestSize(bytes, 'a persistent buffer'), S.arenaAlignment);
  }

  persistentFilled(bytes: number): void {
    this.a.persistent(requestSize(bytes, 'a persistent buffer'), S.arenaAlignment, true);
  }

  persistentEach(count: number, bytes: number): void {
    const each = alignUp(requestSize(bytes, 'a persistent buffer'), S.arenaAlignment);
    const total = requestSize(count, 'a buffer count') * each;
    if (total > this.a.size) this.persistent(total);
    else for (let i = 0; i < count; i++) this.persistent(bytes);
  }

  // AllocateTempTfLiteTensor: the struct, then (when the tensor has scale and zero point) its quantization and a
  // zero-point array with one entry per channel; the scale array points into the flatbuffer.
  private temp(t: Tensor | null): Tensor | null {
    if (!t) return null;
    const a = this.a;
    a.temporary(this.tensorStruct.bytes, this.tensorStruct.align);
    const q = t.quantization;
    if (q && q.scale.length > 0 && q.zeroPoint.length > 0) {
      a.temporary(S.affineQuantization.size, S.affineQuantization.align);
      a.temporary(intArrayBytes(q.scale.length), 4);
    }
    this.afterTemp();
    return t;
  }

  tempInput(i: number): Tensor | null { return this.temp(this.input(i)); }
  tempOutput(i: number): Tensor | null { return this.temp(this.output(i)); }
  tempIntermediate(i: number): Tensor | null { return this.temp(this.intermediate(i)); }
  tempTensor(index: number): Tensor { return this.temp(this.tensor(index))!; }

  tempBuffer(bytes: number, align: number): void {
    this.a.temporary(requestSize(bytes, 'a temporary buffer'), align);
    this.afterTemp();
  }

  scratch(bytes: number): void {
    const requests = this.o.scratchRequests;
    // This node's requests are the unstamped ones at the end of the list: count back, not through the whole list.
    let pending = 0;
    for (let i = requests.length - 1; i >= 0 && requests[i]!.node === -1; i--) pending++;
    if (pending >= S.maxScratchBuffersPerOp) {
      throw new PrepareFailure(`more than ${S.maxScratchBuffersPerOp} scratch buffers requested by one node`);
    }
    requests.push({ subgraph: this.subgraph.index, node: -1, bytes: requestSize(bytes, 'a scratch buffer') });
  }

  setShape(tensorIndex: number, shape: number[]): void { this.o.shapes.set(tensorIndex, shape); }
  shape(tensorIndex: number): number[] {
    const changed = this.o.shapes;
    return (changed.size > 0 ? changed.get(tensorIndex) : undefined) ?? this.subgraph.tensors[tensorIndex]?.shape ?? [];
  }
  fail(reason: string): never { throw new PrepareFailure(reason); }
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
