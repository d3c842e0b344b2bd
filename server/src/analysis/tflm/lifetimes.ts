import type { Model, Operator } from '../../model/ir.js';
import { AnalysisLimitError, resolveLimits, type AnalysisLimits } from '../../model/limits.js';

export interface Lifetime {
  first: number;
  last: number;
}

export interface Lifetimes {
  tensor(subgraph: number, index: number): Lifetime;
  scratch(request: number): Lifetime;
  /** The step at which a node runs (its scope count), -1 for nodes of subgraphs never reached from subgraph 0. */
  step(subgraph: number, node: number): number;
  /** Every node's step, per subgraph (what `step` answers). */
  steps: readonly Int32Array[];
}

/**
 * TFLM's AllocationInfoBuilder::MarkAllocationLifetimes: one time axis for the whole model. Each operator is a step;
 * an IF / WHILE / CALL_ONCE operator walks its branch subgraphs inline, each branch starting a new step, so tensors
 * of control-flow bodies get lifetimes inside their caller's. A tensor is live from the step its producer runs (or
 * the subgraph starts, for subgraph inputs) to the last step that reads it; the last write wins, as in TFLM.
 *
 * TFLM walks without any check; here a branch that re-enters a subgraph already being walked (a cycle, which TFLM
 * recurses into until the stack overflows: `controlFlowCycles` reports it) is skipped, the nesting is capped at
 * `maxDepth` and the operator visits at `maxWork` (a subgraph called from many places, nested, is walked once per
 * call, exponentially many times): both end in an `AnalysisLimitError`.
 */
export function markLifetimes(
  model: Model,
  scratchRequests: readonly { subgraph: number; node: number }[],
  limits: AnalysisLimits = resolveLimits(),
): Lifetimes {
  // Per subgraph, first and last step of each tensor (-1: never live): typed arrays, no object per tensor.
  const tensorFirst = model.subgraphs.map((sg) => new Int32Array(sg.tensors.length).fill(-1));
  const tensorLast = model.subgraphs.map((sg) => new Int32Array(sg.tensors.length).fill(-1));
  const scratchFirst = new Int32Array(scratchRequests.length).fill(-1);
  const scratchLast = new Int32Array(scratchRequests.length).fill(-1);
  // The scratch requests of each node, so a visit costs its own requests rather than the whole list (TFLM scans all).
  const scratchOf: Map<number, number[]>[] = model.subgraphs.map(() => new Map());
  scratchRequests.forEach((request, i) => {
    const byNode = scratchOf[request.subgraph];
    if (!byNode) return;
    const list = byNode.get(request.node);
    if (list) list.push(i);
    else byNode.set(request.node, [i]);
  });
  const steps = model.subgraphs.map((sg) => new Int32Array(sg.operators.length).fill(-1));
  let scope = 0;
  let visits = 0;
  const walking = new Set<number>();

  // Branches once per operator, not once per visit: a fan-out visits the same operators millions of times.
  const branches = model.subgraphs.map((sg) => sg.operators.map(branchSubgraphs));
  const walk = (subgraphIndex: number, caller: Operator | null, callerSubgraph: number): void => {
    const sg = model.subgraphs[subgraphIndex];
    const first = tensorFirst[subgraphIndex];
    const last = tensorLast[subgraphIndex];
    if (!sg || !first || !last || walking.has(subgraphIndex)) return;
    if (walking.size >= limits.maxDepth) {
      const where = caller ? { subgraph: callerSubgraph, node: caller.index, opName: caller.opName } : {};
      throw new AnalysisLimitError('maxDepth', limits.maxDepth, walking.size + 1, 'control-flow nesting', where);
    }
    walking.add(subgraphIndex);
    const count = first.length;
    // created: the first step only if none yet; used: the last step, the last write winning.
    const live = (index: number, from: number, to: number): void => {
      if (index < 0 || index >= count) return;
      if (from >= 0 && first[index] === -1) first[index] = from;
      if (to >= 0) last[index] = to;
    };
    // Indexed loops: this runs once per operator visit, mostly before the optimizer has seen it, where a for-of
    // allocates an iterator and a result object per element.
    for (let k = 0; k < sg.inputs.length; k++) live(sg.inputs[k]!, scope, scope);
    const scratchHere = scratchOf[subgraphIndex]!;
    const opBranches = branches[subgraphIndex]!;
    const opSteps = steps[subgraphIndex]!;
    for (let n = 0; n < sg.operators.length; n++) {
      const op = sg.operators[n]!;
      if (++visits > limits.maxWork) {
        throw new AnalysisLimitError('maxWork', limits.maxWork, visits, 'the control-flow walk',
          { subgraph: subgraphIndex, node: op.index, opName: op.opName });
      }
      scope++;
      opSteps[op.index] = scope;
      const { inputs, outputs } = op;
      for (let k = 0; k < outputs.length; k++) live(outputs[k]!, scope, -1);
      const start = scope;
      const opBranchList = opBranches[op.index]!;
      for (let k = 0; k < opBranchList.length; k++) {
        scope++;
        walk(opBranchList[k]!, op, subgraphIndex);
      }
      for (let k = 0; k < inputs.length; k++) live(inputs[k]!, -1, scope);
      for (let k = 0; k < outputs.length; k++) live(outputs[k]!, -1, scope);
      const scratch = scratchHere.size > 0 ? scratchHere.get(op.index) : undefined;
      if (scratch) {
        for (const i of scratch) {
          if (scratchFirst[i] === -1) scratchFirst[i] = start;
          scratchLast[i] = scope;
        }
      }
    }
    for (let k = 0; k < sg.outputs.length; k++) live(sg.outputs[k]!, scope, scope);
    walking.delete(subgraphIndex);
  };
  walk(0, null, 0);

  return {
    tensor: (subgraph, index) => ({ first: tensorFirst[subgraph]?.[index] ?? -1, last: tensorLast[subgraph]?.[index] ?? -1 }),
    scratch: (request) => ({ first: scratchFirst[request] ?? -1, last: scratchLast[request] ?? -1 }),
    step: (subgraph, node) => steps[subgraph]?.[node] ?? -1,
    steps,
  };
}

/** A control-flow operator whose branch re-enters a subgraph that is still running (its own, or a caller's). */
export interface ControlFlowCycle {
  subgraph: number;
  node: number;
  opName: string;
  /** The subgraph the branch names. */
  branch: number;
}

/**
 * The control-flow operators reachable from subgraph 0 that close a cycle of subgraph calls. TFLM's
 * MarkAllocationLifetimes follows branches with no check, so on such a model AllocateTensors() recurses until the
 * stack overflows (and IF / WHILE / CALL_ONCE would recurse the same way at Invoke). One pass over the call graph:
 * every subgraph is expanded once, whatever the fan-out.
 */
export function controlFlowCycles(model: Model): ControlFlowCycle[] {
  const state = new Uint8Array(model.subgraphs.length); // 0 unvisited, 1 on the path, 2 done
  const cycles: ControlFlowCycle[] = [];
  // An explicit stack: the call graph may nest thousands of subgraphs deep.
  const stack: { subgraph: number; op: number; branch: number }[] = [];
  const enter = (index: number): void => {
    state[index] = 1;
    stack.push({ subgraph: index, op: 0, branch: 0 });
  };
  if (model.subgraphs.length > 0) enter(0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const op = model.subgraphs[top.subgraph]?.operators[top.op];
    if (!op) {
      state[top.subgraph] = 2;
      stack.pop();
      continue;
    }
    const branches = branchSubgraphs(op);
    const branch = branches[top.branch];
    if (branch === undefined) {
      top.op++;
      top.branch = 0;
      continue;
    }
    top.branch++;
    if (branch >= model.subgraphs.length) continue;
    if (state[branch] === 1) cycles.push({ subgraph: top.subgraph, node: op.index, opName: op.opName, branch });
    else if (state[branch] === 0) enter(branch);
  }
  return cycles;
}

/** The subgraphs an operator runs inline, in the order TFLM walks them. */
export function branchSubgraphs(op: Operator): number[] {
  // Called for every operator: the common case allocates nothing (no list, no closure).
  switch (op.opName) {
    case 'IF': return branchList(op, 'thenSubgraphIndex', 'elseSubgraphIndex');
    case 'WHILE': return branchList(op, 'condSubgraphIndex', 'bodySubgraphIndex');
    case 'CALL_ONCE': return branchList(op, 'initSubgraphIndex', null);
    default: return NO_BRANCHES;
  }
}

/** The subgraph indices in options `a` and `b` (when named), those absent or negative left out. */
function branchList(op: Operator, a: string, b: string | null): number[] {
  const list: number[] = [];
  for (const key of b === null ? [a] : [a, b]) {
    const v = op.options[key];
    if (typeof v === 'number' && v >= 0) list.push(v);
  }
  return list;
}

/** The branch list of every operator that runs no subgraph (shared: most operators). */
const NO_BRANCHES: number[] = [];
