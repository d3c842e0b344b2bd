/**
 * Operator support per runtime, for every operator of every subgraph: optimized kernel, reference only, unsupported
 * for this dtype, or unsupported; custom ops flagged. Pure: the facts come from the bundled target data.
 */
import type { Model } from '../../model/ir.js';
import { EDGETPU, VELA } from '../../targets/ops.js';
import type { NodeFailure } from '../tflm/interpreter.js';
import { edgeTpuRejection, velaRejection } from './npu.js';
import { invokeFailure } from '../tflm/invoke.js';
import { tflmVerdict } from './tflm.js';
import type { LayerSupport, Runtime, SupportReport, UnsupportedGroup } from './types.js';

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
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const failure = failed.get(`${sg.index}/${op.index}`);
      const cpu = tflmVerdict(sg, op, failure, library, failure ? null : invokeFailure(model, sg, op, kernels));
      if (runtime === 'ethos-u' && op.opName === 'CUSTOM:ethos-u') {
        // Vela's output: TFLM registers this kernel in Ethos-U builds, and it drives the NPU.
        layers.push({ ...cpu, verdict: 'optimized', unit: 'npu', kernel: 'Ethos-U NPU (Vela command stream)', reason: null });
      } else if (runtime === 'ethos-u' && cpu.verdict !== 'unsupported') {
        const why = velaRejection(sg, op);
        layers.push(why === null
          ? { ...cpu, verdict: 'optimized', unit: 'npu', kernel: 'Ethos-U NPU', reason: null }
          : { ...cpu, reason: `on the CPU: ${why}${cpu.reason ? `; ${cpu.reason}` : ''}` });
      } else if (runtime === 'edgetpu' && cpu.verdict !== 'unsupported') {
        const why = tpuSplit ?? edgeTpuRejection(sg, op);
        if (why !== null && tpuSplit === null) tpuSplit = `the graph is split at ${op.opName} (layer ${op.index}): ${why}`;
        layers.push(why === null
          ? { ...cpu, verdict: 'optimized', unit: 'npu', kernel: 'Edge TPU', reason: null }
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
  const customOps = [...new Set(layers.filter((l) => l.custom).map((l) => l.op))];
  if (customOps.length) notes.push(`Custom ops (${customOps.join(', ')}) need kernels registered by the application.`);
  return { runtime, layers, unsupported: group(layers), customOps, notes, sources };
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
