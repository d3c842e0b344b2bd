import type { Model } from '../../model/ir.js';
import type { NodeFailure } from './interpreter.js';
import { tflmTypeSize } from './kernels/types.js';
import { controlFlowCycles } from './lifetimes.js';

/**
 * What TFLM refuses before any kernel runs, or cannot survive: tensors of a type it cannot size (AllocateTensors
 * fails initialising the eval tensors), unusable OfflineMemoryAllocation metadata, and control flow that re-enters a
 * running subgraph (the allocation walk recurses until the stack overflows). Each is a failure of the model, located
 * at the operator (or, for the model as a whole, node -1), so the result is a verdict, never an exception. Also
 * returns the offline plan to use: null when there is none or it is unusable, offsets below -1 planned online.
 */
export function checkModelForTflm(model: Model): { failures: NodeFailure[]; offline: number[] | null } {
  const failures: NodeFailure[] = [];
  for (const sg of model.subgraphs) {
    // Indexed: once per tensor, before the optimizer has seen it (a for-of allocates per element there).
    for (let k = 0; k < sg.tensors.length; k++) {
      const t = sg.tensors[k]!;
      if (tflmTypeSize(t.dtype) !== null) continue;
      const user = sg.operators.find((op) => op.inputs.includes(t.index) || op.outputs.includes(t.index));
      const why = `of type ${t.dtype}, which TFLM cannot allocate (TfLiteTypeSizeOf fails, so AllocateTensors() does)`;
      const tensor = `tensor ${t.index} ('${t.name}')`;
      failures.push(user
        ? { subgraph: sg.index, node: user.index, opName: user.opName, kind: 'model', reason: `${user.opName} takes ${tensor} ${why}` }
        : { subgraph: sg.index, node: -1, opName: `tensor ${t.index}`, kind: 'model', reason: `${tensor} is ${why}` });
    }
  }
  const offline = offlineOffsets(model, failures);
  for (const cycle of controlFlowCycles(model)) {
    failures.push({
      subgraph: cycle.subgraph, node: cycle.node, opName: cycle.opName, kind: 'model',
      reason: `${cycle.opName} runs subgraph ${cycle.branch}, which is already running `
        + `(${cycle.branch === cycle.subgraph ? 'its own subgraph' : 'one of its callers'}): TFLM's allocation walk `
        + '(MarkAllocationLifetimes) recurses into it without end, so AllocateTensors() overflows the stack',
    });
  }
  return { failures, offline };
}

/**
 * The offline plan (GetOfflinePlannedOffsets). A count that differs from the model's tensors fails AllocateTensors()
 * in TFLM ("Nbr of offline buffer offsets ... not equal nbr tensors"). An offset below -1 TFLM takes as it is: the
 * tensor's pointer lands before the arena's start, overwriting other memory, so it is a failure here; the estimate
 * plans such tensors online.
 */
function offlineOffsets(model: Model, failures: NodeFailure[]): number[] | null {
  const offline = model.offlineMemoryAllocation;
  if (!offline) return null;
  const where = { subgraph: 0, node: -1, opName: 'OfflineMemoryAllocation', kind: 'model' as const };
  const tensorTotal = model.subgraphs.reduce((n, sg) => n + sg.tensors.length, 0);
  if (offline.offsets.length !== tensorTotal) {
    failures.push({ ...where, reason: `the OfflineMemoryAllocation metadata lists ${offline.offsets.length} tensor offsets, `
      + `the model has ${tensorTotal} tensors: TFLM's AllocateTensors() fails` });
    return null;
  }
  const negative = offline.offsets.findIndex((o) => o < -1);
  if (negative === -1) return offline.offsets;
  failures.push({ ...where, reason: `the OfflineMemoryAllocation metadata places tensor ${negative} (of all subgraphs, in order) `
    + `at offset ${offline.offsets[negative]}, before the arena's start: TFLM would write outside the arena` });
  return offline.offsets.map((o) => (o < -1 ? -1 : o));
}
