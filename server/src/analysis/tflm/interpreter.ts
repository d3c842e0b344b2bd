import type { Model, Operator, Subgraph, Tensor } from '../../model/ir.js';
import { ArenaExhausted, ArenaModel, type ArenaEvent } from './arena.js';
import { createKernelContext, type ScratchRequest } from './kernel-context.js';
import { kernelFor } from './kernels/index.js';
import { PrepareFailure, tflmTypeSize, type KernelContext, type KernelModel, type KernelSet } from './kernels/types.js';
import type { NodeAllocation, NodeFailure, PlannedBuffer, SimulationOptions, SimulationResult } from './simulation-types.js';
import { markLifetimes, type Lifetime } from './lifetimes.js';
import { checkModelForTflm } from './model-checks.js';
import { resolveLimits } from '../../model/limits.js';
import { planGreedy, type PlannerBuffer } from './planner.js';
import { CORTEX_M as S, alignUp, intArrayBytes, tfLiteTensorLayout, type Abi } from './structs.js';

export type { NodeAllocation, NodeFailure, PlannedBuffer, SimulationOptions, SimulationResult } from './simulation-types.js';

/**
 * Replays MicroInterpreter construction and AllocateTensors() for a model against an arena of a given size,
 * request by request: the allocator objects, eval tensors and node arrays, every builtin's parsed params, each
 * kernel's Init and Prepare, scratch-buffer handles, variables, the greedy plan and the persistent input/output
 * tensors. The result is what TFLM's arena_used_bytes() would report, and whether allocation succeeds at all.
 */
export function simulateAllocateTensors(model: Model, kernels: KernelSet, options: SimulationOptions): SimulationResult {
  const sim = new Simulation(model, kernels, options);
  return sim.run();
}

class Simulation {
  private readonly arena: ArenaModel;
  private readonly failures: NodeFailure[] = [];
  private readonly nodes: NodeAllocation[] = [];
  /** Each node's record, by subgraph and node index. */
  private readonly nodeIndex: (NodeAllocation | undefined)[][];
  /** Offline offsets in force: null when the model has none, or when its metadata is unusable (a failure). */
  private offline: number[] | null = null;
  private readonly scratchRequests: ScratchRequest[] = [];
  /** Runtime shapes, per subgraph, for tensors whose shape a kernel changed in Prepare (by tensor index). */
  private readonly shapes: Map<number, number[]>[];
  /** Each node's step on the planner's time axis, per subgraph (set when the plan is made). */
  private steps: readonly Int32Array[] | null = null;
  /** Nodes treated as no-ops after a failure, by subgraph (1 = stubbed). */
  private readonly stubbed: Uint8Array[];
  /** Each node's kernel, by subgraph and node index, looked up once (parse) for Init and Prepare. */
  private readonly kernelAt: (KernelModel | undefined)[][];
  private readonly abi: Abi;

  constructor(private readonly model: Model, private readonly kernels: KernelSet, private readonly options: SimulationOptions) {
    this.arena = new ArenaModel(options.arenaSize, options.log ?? false, options.sizeNeed ?? null);
    this.nodeIndex = model.subgraphs.map(() => []);
    this.shapes = model.subgraphs.map(() => new Map());
    this.stubbed = model.subgraphs.map((sg) => new Uint8Array(sg.operators.length));
    this.kernelAt = model.subgraphs.map((sg) => new Array<KernelModel | undefined>(sg.operators.length).fill(undefined));
    this.abi = options.abi ?? 'arm-eabi';
  }

  run(): SimulationResult {
    let buffers: PlannedBuffer[] = [];
    let exhausted: ArenaEvent | null = null;
    try {
      if (!this.checkModel()) return this.result([], null);
      this.create();
      this.startModelAllocation();
      if (this.parseAll() && this.initAll() && this.prepareAll()) {
        buffers = this.finishModelAllocation();
        this.allocateModelIoTensors();
      }
    } catch (error) {
      if (!(error instanceof ArenaExhausted)) throw error;
      exhausted = error.event;
    }
    return this.result(buffers, exhausted);
  }

  private result(buffers: PlannedBuffer[], exhausted: ArenaEvent | null): SimulationResult {
    return {
      ok: exhausted === null && this.failures.length === 0,
      exhausted,
      failures: this.failures,
      headBytes: this.arena.headUsed,
      tailBytes: this.arena.tailUsed,
      nodes: this.nodes,
      buffers,
      events: this.arena.events,
      steps: this.steps,
    };
  }

  /** Failures of the model as a whole (model-checks.ts); the offline plan in force. */
  private checkModel(): boolean {
    const checked = checkModelForTflm(this.model);
    this.failures.push(...checked.failures);
    this.offline = checked.offline;
    return this.failures.length === 0 || this.options.continueOnFailure === true;
  }

  private create(): void {
    const a = this.arena;
    a.phase = 'create';
    a.persistent(S.singleArenaBufferAllocator.size, S.singleArenaBufferAllocator.align);
    a.persistent(S.greedyMemoryPlanner.size, S.greedyMemoryPlanner.align);
    a.persistent(S.microAllocator.size, S.microAllocator.align);
  }

  private startModelAllocation(): void {
    const a = this.arena;
    a.phase = 'start';
    a.persistent(S.microBuiltinDataAllocator.size, S.microBuiltinDataAllocator.align);
    a.resizeHead(S.scratchBufferRequest.size * S.maxScratchBuffersPerOp, S.scratchBufferRequest.align);
    a.persistent(S.subgraphAllocations.size * this.model.subgraphs.length, S.subgraphAllocations.align);
    for (const sg of this.model.subgraphs) a.persistent(S.evalTensor.size * sg.tensors.length, S.evalTensor.align);
    for (const sg of this.model.subgraphs) {
      a.persistent(S.nodeAndRegistration.size * sg.operators.length, S.nodeAndRegistration.align);
    }
  }

  /** PrepareNodeAndRegistrationDataFromFlatbuffer: find each op's kernel and parse its builtin params. */
  private parseAll(): boolean {
    for (const sg of this.model.subgraphs) {
      for (let n = 0; n < sg.operators.length; n++) {
        const op = sg.operators[n]!;
        this.arena.nodePhase('parse', sg.index, op.index, op.opName);
        const record = this.nodeRecord(sg, op);
        const kernel = kernelFor(op, this.kernels);
        this.kernelAt[sg.index]![op.index] = kernel;
        if (!kernel) {
          this.fail(sg, op, 'unresolved', `no ${op.opName} kernel is registered in TFLM`);
          if (!this.options.continueOnFailure) return false;
          this.stubbed[sg.index]![op.index] = 1;
          continue;
        }
        if (op.customCode === null && op.customOptions !== null) {
          this.fail(sg, op, 'model', `builtin ${op.opName} carries custom options, which TFLM rejects`);
          if (!this.options.continueOnFailure) return false;
        }
        const parsed = typeof kernel.params === 'function' ? kernel.params(op) : kernel.params;
        if (parsed) {
          const params = parsed[this.abi];
          this.arena.persistent(params.bytes, params.align);
          record.paramsBytes = params.bytes;
        }
      }
    }
    return true;
  }

  private initAll(): boolean {
    for (const sg of this.model.subgraphs) {
      for (let n = 0; n < sg.operators.length; n++) {
        const op = sg.operators[n]!;
        const kernel = this.kernelOf(sg, op);
        if (!kernel?.init) continue;
        this.arena.nodePhase('init', sg.index, op.index, op.opName);
        const before = this.arena.tailUsed;
        try {
          kernel.init(this.context(sg, op));
        } catch (error) {
          if (!(error instanceof PrepareFailure)) throw error;
          this.fail(sg, op, 'prepare', error.reason);
          if (!this.options.continueOnFailure) return false;
          this.stubbed[sg.index]![op.index] = 1;
        }
        this.nodeRecord(sg, op).initPersistentBytes = this.arena.tailUsed - before;
      }
    }
    return true;
  }

  private prepareAll(): boolean {
    const a = this.arena;
    for (const sg of this.model.subgraphs) {
      for (let n = 0; n < sg.operators.length; n++) {
        const op = sg.operators[n]!;
        const kernel = this.kernelOf(sg, op);
        a.nodePhase('prepare', sg.index, op.index, op.opName);
        const record = this.nodeRecord(sg, op);
        const tailBefore = a.tailUsed;
        const ctx = this.context(sg, op);
        try {
          kernel?.prepare?.(ctx);
          this.checkStaticOutputs(sg, op);
        } catch (error) {
          if (!(error instanceof PrepareFailure)) throw error;
          this.fail(sg, op, 'prepare', error.reason);
          if (!this.options.continueOnFailure) return false;
          // Forget the rejected node's scratch requests, as if it were a no-op.
          for (let i = this.scratchRequests.length - 1; i >= 0 && this.scratchRequests[i]!.node === -1; i--) {
            this.scratchRequests.splice(i, 1);
          }
        }
        record.preparePersistentBytes = a.tailUsed - tailBefore;
        record.prepareTempBytes = ctx.peakTemp;
        // FinishPrepareNodeAllocations: temporaries are released, this node's scratch requests are stamped, and the
        // request list is regrown for the next node.
        a.resetTemp();
        // Only this node's requests are unstamped, at the end of the list.
        let first = this.scratchRequests.length;
        while (first > 0 && this.scratchRequests[first - 1]!.node === -1) first--;
        for (let i = first; i < this.scratchRequests.length; i++) {
          const request = this.scratchRequests[i]!;
          request.node = op.index;
          if (record.scratch === NO_SCRATCH) record.scratch = [];
          record.scratch.push(request.bytes);
        }
        a.resizeHead(S.scratchBufferRequest.size * (this.scratchRequests.length + S.maxScratchBuffersPerOp),
          S.scratchBufferRequest.align);
      }
    }
    return true;
  }

  /** CheckDynamicTensors: TFLM refuses outputs whose shape still has an unknown (non-positive) dimension. */
  private checkStaticOutputs(sg: Subgraph, op: Operator): void {
    for (let k = 0; k < op.outputs.length; k++) {
      const index = op.outputs[k]!;
      if (index < 0) continue;
      const shape = this.runtimeShape(sg.index, index);
      if (shape.length === 1 && shape[0] === 0) continue;
      if (!allPositive(shape)) {
        throw new PrepareFailure(`output tensor ${index} has a dynamic shape [${shape.join(', ')}]; TFLM needs static shapes`);
      }
    }
  }

  /** FinishModelAllocation + CommitStaticMemoryPlan. */
  private finishModelAllocation(): PlannedBuffer[] {
    const a = this.arena;
    a.phase = 'finish';
    const scratchCount = this.scratchRequests.length;
    if (scratchCount > 0) a.persistent(S.scratchBufferHandle.size * scratchCount, S.scratchBufferHandle.align);

    const subgraphs = this.model.subgraphs;
    const tensorTotal = subgraphs.reduce((n, sg) => n + sg.tensors.length, 0);
    a.temporary(S.pointer * subgraphs.length, 4);
    a.temporary(S.allocationInfo.size * (tensorTotal + scratchCount), S.allocationInfo.align);

    const offline = this.offline;
    let offlineIndex = 0;
    for (const sg of subgraphs) {
      for (let k = 0; k < sg.tensors.length; k++) {
        const t = sg.tensors[k]!;
        const offset = offline ? offline[offlineIndex++] ?? -1 : -1;
        if (t.isVariable && offset === -1) a.persistent(this.tensorBytes(sg.index, t), S.arenaAlignment);
      }
    }

    const lifetimes = markLifetimes(this.model, this.scratchRequests, this.options.limits ?? resolveLimits());
    this.steps = lifetimes.steps;
    const candidates: PlannedBuffer[] = [];
    const plannerInput: PlannerBuffer[] = [];
    offlineIndex = 0;
    for (const sg of subgraphs) {
      for (let k = 0; k < sg.tensors.length; k++) {
        const t = sg.tensors[k]!;
        const offlineOffset = offline ? offline[offlineIndex++] ?? -1 : -1;
        const bytes = this.tensorBytes(sg.index, t);
        const needs = offlineOffset !== -1 && t.isVariable
          ? true
          : !this.hasFlatbufferData(t) && !t.isVariable && bytes !== 0;
        if (!needs) continue;
        const buffer = plannedBuffer('tensor', sg.index, t.index, bytes, lifetimes.tensor(sg.index, t.index));
        candidates.push(buffer);
        plannerInput.push({ size: buffer.alignedBytes, first: buffer.first, last: buffer.last, offlineOffset });
      }
    }
    this.scratchRequests.forEach((request, i) => {
      const buffer = plannedBuffer('scratch', request.subgraph, request.node, request.bytes, lifetimes.scratch(i));
      candidates.push(buffer);
      plannerInput.push({ size: buffer.alignedBytes, first: buffer.first, last: buffer.last, offlineOffset: -1 });
    });

    const remaining = a.borrowRest(S.arenaAlignment, candidates.length * S.plannerPerBuffer);
    if (candidates.length > Math.floor(remaining / S.plannerPerBuffer)) {
      a.phase = 'plan: the planner has no room for its buffer list';
      a.refuse('T', candidates.length * S.plannerPerBuffer, S.arenaAlignment);
    }
    const plan = planGreedy(plannerInput);
    candidates.forEach((c, i) => { c.offset = plan.offsets[i]!; });

    a.resetTemp();
    a.resizeHead(0, 1);
    a.resizeHead(plan.maxBytes, S.arenaAlignment);
    return candidates;
  }

  /** The interpreter's persistent TfLiteTensor structs for the model's inputs and outputs (subgraph 0). */
  private allocateModelIoTensors(): void {
    const a = this.arena;
    const main = this.model.subgraphs[0];
    if (!main) return;
    const tensor = tfLiteTensorLayout(this.abi);
    for (const list of [main.inputs, main.outputs]) {
      a.persistent(S.pointer * list.length, S.arenaAlignment);
      for (const index of list) {
        a.persistent(tensor.bytes, tensor.align);
        const q = main.tensors[index]?.quantization;
        if (q && q.scale.length > 0 && q.zeroPoint.length > 0) {
          a.persistent(S.affineQuantization.size, S.affineQuantization.align);
          a.persistent(intArrayBytes(q.scale.length), 4);
        }
      }
    }
  }

  private hasFlatbufferData(t: Tensor): boolean {
    // TFLM only sees data stored inside the flatbuffer; buffers stored after it (offset/size) are not supported.
    const buffer = this.model.buffers[t.buffer];
    return t.buffer > 0 && buffer !== undefined && buffer.byteLength > 0 && !buffer.external;
  }

  private runtimeShape(subgraph: number, index: number): number[] {
    const changed = this.shapes[subgraph];
    return (changed !== undefined && changed.size > 0 ? changed.get(index) : undefined)
      ?? this.model.subgraphs[subgraph]?.tensors[index]?.shape ?? [];
  }

  /** Bytes of a tensor at its runtime shape; 0 for a type TFLM cannot size (checkModel reported it). */
  private tensorBytes(subgraph: number, t: Tensor): number {
    const size = tflmTypeSize(t.dtype);
    if (size === null) return 0;
    let bytes = 1;
    const shape = this.runtimeShape(subgraph, t.index);
    for (let k = 0; k < shape.length; k++) bytes *= shape[k]!;
    bytes *= size;
    // A shape a kernel computed in Prepare may exceed what the reader checked: beyond 2^53 it fills any arena.
    return Number.isSafeInteger(bytes) ? bytes : Number.MAX_SAFE_INTEGER;
  }

  private kernelOf(sg: Subgraph, op: Operator): KernelModel | undefined {
    if (this.stubbed[sg.index]![op.index] === 1) return undefined;
    return this.kernelAt[sg.index]![op.index];
  }

  private nodeRecord(sg: Subgraph, op: Operator): NodeAllocation {
    let record = this.nodeIndex[sg.index]![op.index];
    if (!record) {
      record = {
        subgraph: sg.index, node: op.index, opName: op.opName, paramsBytes: 0, initPersistentBytes: 0,
        preparePersistentBytes: 0, prepareTempBytes: 0, scratch: NO_SCRATCH, step: -1,
      };
      this.nodes.push(record);
      this.nodeIndex[sg.index]![op.index] = record;
    }
    return record;
  }

  private fail(sg: Subgraph, op: Operator, kind: NodeFailure['kind'], reason: string): void {
    this.failures.push({ subgraph: sg.index, node: op.index, opName: op.opName, kind, reason });
  }

  private context(sg: Subgraph, op: Operator): KernelContext & { readonly peakTemp: number } {
    return createKernelContext({
      model: this.model,
      kernels: this.kernels,
      codePath: this.options.codePath ?? 'dsp',
      abi: this.abi,
      arena: this.arena,
      subgraph: sg,
      op,
      scratchRequests: this.scratchRequests,
      shapes: this.shapes[sg.index]!,
    });
  }
}

/** The scratch list of a node that requests none (shared until a node's first request replaces it). */
const NO_SCRATCH: number[] = [];

function allPositive(shape: readonly number[]): boolean {
  for (let k = 0; k < shape.length; k++) if (!(shape[k]! > 0)) return false;
  return true;
}

function plannedBuffer(kind: PlannedBuffer['kind'], subgraph: number, index: number, bytes: number, life: Lifetime): PlannedBuffer {
  return {
    kind, subgraph, index, bytes, alignedBytes: alignUp(bytes, S.arenaAlignment), first: life.first, last: life.last,
    offset: -1,
  };
}
