/**
 * Operator support per runtime, for every operator of every subgraph: optimized kernel, reference only, unsupported
 * for this dtype, or unsupported; custom ops flagged. Pure: the facts come from the bundled target data.
 */
import type { Model, Operator, Subgraph } from '../../model/ir.js';
import { EDGETPU, VELA } from '../../targets/ops.js';
import type { NodeFailure } from '../tflm/interpreter.js';
import { edgeTpuRejection, velaRejection } from './npu.js';
import { invokeFailure } from '../tflm/invoke.js';
import { tflmVerdict } from './tflm.js';
import { compiledFor, EDGETPU_OP, ETHOSU_OP, readEdgeTpuOp, readVelaOp } from '../npu/compiled.js';
import type { LayerSupport, NpuCompilation, NpuOpFacts, Runtime, SupportReport, UnsupportedGroup } from './types.js';

export * from './types.js';

/**
 * The TFLM kernel set whose memory model stands in for a runtime. ESP-NN kernels are forks of the reference kernels;
 * NPU systems run their CPU fallbacks with CMSIS-NN. For those three the memory figures are estimates.
 */
export function memoryKernelsFor(runtime: Runtime): 'tflm-reference' | 'tflm-cmsis-nn' {
  return runtime === 'tflm-reference' || runtime === 'tflm-esp-nn' ? 'tflm-reference' : 'tflm-cmsis-nn';
}

/**
 * Checks every operator of `model` against `runtime`. `failures` are the nodes TFLM could not resolve or prepare,
 * from the memory model run with `memoryKernelsFor(runtime)`; they decide what TFLM itself can run.
 */
export function checkSupport(model: Model, runtime: Runtime, failures: readonly NodeFailure[]): SupportReport {
  const failed = new Map(failures.map((f) => [`${f.subgraph}/${f.node}`, f]));
  const kernels = memoryKernelsFor(runtime);
  const library = runtime === 'tflm-reference' ? 'none' : runtime === 'tflm-esp-nn' ? 'esp-nn' : 'cmsis-nn';
  const notes: string[] = [];
  const sources = [`TFLM op table and kernel type checks; optimized kernels from the ${library} table (server/src/targets/data)`];
  const layers: LayerSupport[] = [];
  // The Edge TPU compiler maps ops up to the first it cannot map and splits the graph once, there.
  let tpuSplit: string | null = model.subgraphs.length > 1 ? 'the model has more than one subgraph, which the Edge TPU compiler does not map' : null;
  // A model compiled for this runtime's NPU: its compiled op runs there, and what is left runs on the CPU as it is.
  const compiledBy = compiledFor(model);
  const compiler = (runtime === 'ethos-u' && compiledBy === 'vela') || (runtime === 'edgetpu' && compiledBy === 'edgetpu_compiler');
  if (compiler) tpuSplit = 'edgetpu_compiler left it outside its compiled op';
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const failure = failed.get(`${sg.index}/${op.index}`);
      const cpu = tflmVerdict(sg, op, failure, library, failure ? null : invokeFailure(model, sg, op, kernels));
      if (runtime === 'ethos-u' && op.opName === ETHOSU_OP) {
        // Vela's output: TFLM registers this kernel in Ethos-U builds, and it drives the NPU.
        layers.push({ ...cpu, verdict: 'optimized', unit: 'npu', kernel: 'Ethos-U NPU (Vela command stream)', reason: null });
      } else if (runtime === 'edgetpu' && op.opName === EDGETPU_OP) {
        // edgetpu_compiler's output: the Edge TPU runtime registers this op (coralmicro's RegisterCustomOp).
        const pkg = readEdgeTpuOp(op);
        layers.push(pkg.ok
          ? { ...cpu, verdict: 'optimized', unit: 'npu', kernel: 'Edge TPU (compiled executable)', reason: null }
          : { ...cpu, verdict: 'unsupported', unit: 'npu', kernel: null, reason: `the Edge TPU cannot load it: ${pkg.reason}` });
      } else if (runtime === 'ethos-u' && cpu.verdict !== 'unsupported') {
        const why = compiler ? 'Vela left it outside its compiled op' : velaRejection(sg, op);
        layers.push(why === null
          ? { ...cpu, verdict: 'optimized', unit: 'npu', kernel: 'Ethos-U NPU once compiled by Vela', reason: null }
          : { ...cpu, reason: `on the CPU: ${why}${cpu.reason ? `; ${cpu.reason}` : ''}` });
      } else if (runtime === 'edgetpu' && cpu.verdict !== 'unsupported') {
        const why = tpuSplit ?? edgeTpuRejection(sg, op);
        if (why !== null && tpuSplit === null) tpuSplit = `the graph is split at ${op.opName} (layer ${op.index}): ${why}`;
        layers.push(why === null
          ? { ...cpu, verdict: 'optimized', unit: 'npu', kernel: 'Edge TPU once compiled by edgetpu_compiler', reason: null }
          : { ...cpu, reason: `on the CPU: ${tpuSplit}` });
      } else {
        layers.push(cpu);
      }
    }
  }
  if (runtime === 'ethos-u') {
    notes.push('Ops that Vela cannot place on the NPU run on the Cortex-M with TFLM + CMSIS-NN.');
    sources.push(VELA.genericSource);
  }
  if (runtime === 'edgetpu') {
    notes.push(EDGETPU.partitioning, 'The CPU side is assumed to be TFLM with CMSIS-NN (Coral Dev Board Micro style).');
    if (tpuSplit) notes.push(`Edge TPU: ${tpuSplit}; every later op runs on the CPU.`);
    sources.push(...EDGETPU.sources);
  }
  const npu = runtime === 'ethos-u' || runtime === 'edgetpu' ? compilation(model, runtime, compiler) : undefined;
  if (npu) notes.push(...compilationNotes(npu, layers));
  const customOps = [...new Set(layers.filter((l) => l.custom).map((l) => l.op))];
  const npuOps = new Set([ETHOSU_OP, EDGETPU_OP]);
  const appOps = customOps.filter((op) => !(npu?.compiled && npuOps.has(op)));
  if (appOps.length) notes.push(`Custom ops (${appOps.join(', ')}) need kernels registered by the application.`);
  return { runtime, layers, unsupported: group(layers), customOps, notes, sources, ...(npu ? { npu } : {}) };
}

/** What the compiled NPU ops of `model` hold (none when it is not compiled for `runtime`). */
function compilation(model: Model, runtime: 'ethos-u' | 'edgetpu', compiled: boolean): NpuCompilation {
  const compiler = runtime === 'ethos-u' ? 'vela' : 'edgetpu_compiler';
  const ops: NpuOpFacts[] = [];
  // Vela may give several ethos-u ops one weights tensor: its bytes are counted at the first op that reads it.
  const weightsAt = new Map<string, number>();
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      if (runtime === 'ethos-u' && op.opName === ETHOSU_OP) {
        const v = readVelaOp(model, sg, op);
        const key = `${sg.index}/${op.inputs[1] ?? -1}`;
        const first = weightsAt.get(key);
        if (first === undefined && (op.inputs[1] ?? -1) >= 0) weightsAt.set(key, op.index);
        ops.push({
          subgraph: sg.index, index: op.index, flashBytes: v.commandStreamBytes + (first === undefined ? v.weightBytes : 0),
          scratchBytes: velaScratch(model, sg, op, v), estimatedCycles: null, ...(first !== undefined ? { weightsSharedWith: first } : {}),
        });
      } else if (runtime === 'edgetpu' && op.opName === EDGETPU_OP) {
        const pkg = readEdgeTpuOp(op);
        if (!pkg.ok) {
          ops.push({ subgraph: sg.index, index: op.index, flashBytes: op.customOptions?.length ?? 0, scratchBytes: 0, estimatedCycles: null, problem: pkg.reason });
          continue;
        }
        // With a parameter-caching pair, the execution-only executable is what runs on every inference.
        const caching = pkg.executables.some((e) => e.type === 'parameter-caching');
        const runs = pkg.executables.find((e) => e.type === (caching ? 'execution-only' : 'stand-alone')) ?? pkg.executables[0]!;
        const parameters = pkg.executables.reduce((n, e) => n + e.parameterBytes, 0);
        ops.push({
          subgraph: sg.index, index: op.index, flashBytes: pkg.packageBytes, scratchBytes: runs.scratchBytes,
          estimatedCycles: runs.estimatedCycles, parameterCaching: caching, parameterBytes: parameters,
        });
      }
    }
  }
  return { compiler, compiled, ops };
}

/**
 * The arena bytes Vela's scratch and fast-scratch tensors need together: one tensor counted once, and two that the
 * model's OfflineMemoryAllocation places over each other (Vela puts both at offset 0 when there is no fast memory)
 * counted by the span they cover, not by their sum.
 */
function velaScratch(model: Model, sg: Subgraph, op: Operator, v: { scratchBytes: number; fastScratchBytes: number }): number {
  const [scratch, fast] = [op.inputs[2] ?? -1, op.inputs[3] ?? -1];
  if (scratch < 0 || fast < 0) return v.scratchBytes + v.fastScratchBytes;
  if (scratch === fast) return v.scratchBytes;
  const plan = model.offlineMemoryAllocation;
  if (!plan) return v.scratchBytes + v.fastScratchBytes;
  let base = 0;
  for (const other of model.subgraphs) if (other.index < sg.index) base += other.tensors.length;
  const a = plan.offsets[base + scratch] ?? -1;
  const b = plan.offsets[base + fast] ?? -1;
  if (a < 0 || b < 0) return v.scratchBytes + v.fastScratchBytes;
  const overlap = a < b + v.fastScratchBytes && b < a + v.scratchBytes;
  return overlap ? Math.max(a + v.scratchBytes, b + v.fastScratchBytes) - Math.min(a, b) : v.scratchBytes + v.fastScratchBytes;
}

/** What an NPU runtime's report says of the model's compilation (compiled or not, what each compiled op holds). */
export function npuNotes(report: SupportReport): string[] {
  return report.npu ? compilationNotes(report.npu, report.layers) : [];
}

/**
 * The Edge TPU's clock levels (libedgetpu's performance expectations: 62.5 / 125 / 250 / 500 MHz); the standard runtime
 * runs it at 250 MHz, the "max" one at 500 MHz. The compiler's cycle estimate covers the TPU's own work only.
 */
const TPU_STD_MHZ = 250;
const TPU_MAX_MHZ = 500;

/** The compiler's TPU cycles as milliseconds at the max and standard clocks, without the host's transfers. */
function tpuMs(cycles: number): string {
  const ms = (mhz: number): string => (cycles / (mhz * 1000)).toPrecision(3);
  return `${ms(TPU_MAX_MHZ)} ms at ${TPU_MAX_MHZ} MHz (max) to ${ms(TPU_STD_MHZ)} ms at ${TPU_STD_MHZ} MHz (standard), the TPU's compute only (input/output and parameter transfers from the host not included)`;
}

function compilationNotes(npu: NpuCompilation, layers: readonly LayerSupport[]): string[] {
  const onNpu = layers.filter((l) => l.unit === 'npu').length;
  if (!npu.compiled) {
    const tool = npu.compiler === 'vela' ? 'Vela (`vela model.tflite`)' : 'edgetpu_compiler';
    return [`Not compiled for the NPU: as it is, every op runs on the CPU. Compile it with ${tool} first; the verdicts say where the compiler would place each op (${onNpu} of ${layers.length} on the NPU).`];
  }
  const notes = [`Compiled by ${npu.compiler} for the NPU: ${npu.ops.length} compiled op${npu.ops.length === 1 ? '' : 's'}; the ops left outside ${npu.ops.length === 1 ? 'it' : 'them'} run on the CPU.`];
  for (const o of npu.ops) {
    if (o.problem) notes.push(`Layer ${o.index}: ${o.problem}.`);
    else if (npu.compiler === 'edgetpu_compiler') {
      notes.push(`Layer ${o.index}: Edge TPU package of ${o.flashBytes.toLocaleString('en-US')} B, parameters ${(o.parameterBytes ?? 0).toLocaleString('en-US')} B ${o.parameterCaching ? 'cached on the TPU between runs' : 'streamed to the TPU on every run'}, ${o.estimatedCycles === null ? 'no cycle estimate (not costed)' : `${o.estimatedCycles.toLocaleString('en-US')} TPU cycles by the compiler's estimate: ${tpuMs(o.estimatedCycles)}`}.`);
    } else {
      const flash = o.weightsSharedWith === undefined
        ? `Vela command stream and weights ${o.flashBytes.toLocaleString('en-US')} B in flash`
        : `Vela command stream ${o.flashBytes.toLocaleString('en-US')} B in flash (its weights are layer ${o.weightsSharedWith}'s, counted there)`;
      notes.push(`Layer ${o.index}: ${flash}, scratch ${o.scratchBytes.toLocaleString('en-US')} B; Vela keeps no estimate of its time in the model: not costed.`);
    }
  }
  return notes;
}

function group(layers: LayerSupport[]): UnsupportedGroup[] {
  const groups = new Map<string, UnsupportedGroup>();
  for (const l of layers) {
    if (l.verdict !== 'unsupported' && l.verdict !== 'unsupported-dtype') continue;
    const reason = l.reason ?? l.verdict;
    const key = `${l.op}|${l.dtype}|${l.subgraph}|${reason}`;
    const g = groups.get(key) ?? { op: l.op, dtype: l.dtype, subgraph: l.subgraph, layers: [], reason };
    g.layers.push(l.index);
    groups.set(key, g);
  }
  return [...groups.values()];
}
