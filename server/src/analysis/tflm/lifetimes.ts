import type { Model, Operator } from '../../model/ir.js';

export interface Lifetime {
  first: number;
  last: number;
}

export interface Lifetimes {
  tensor(subgraph: number, index: number): Lifetime;
  scratch(request: number): Lifetime;
  /** The step at which a node runs (its scope count), -1 for nodes of subgraphs never reached from subgraph 0. */
  step(subgraph: number, node: number): number;
}

/**
 * TFLM's AllocationInfoBuilder::MarkAllocationLifetimes: one time axis for the whole model. Each operator is a step;
 * an IF / WHILE / CALL_ONCE operator walks its branch subgraphs inline, each branch starting a new step, so tensors
 * of control-flow bodies get lifetimes inside their caller's. A tensor is live from the step its producer runs (or
 * the subgraph starts, for subgraph inputs) to the last step that reads it; the last write wins, as in TFLM.
 */
export function markLifetimes(model: Model, scratchRequests: readonly { subgraph: number; node: number }[]): Lifetimes {
  const tensorLife = model.subgraphs.map((sg) => sg.tensors.map(() => ({ first: -1, last: -1 })));
  const scratchLife = scratchRequests.map(() => ({ first: -1, last: -1 }));
  const steps = new Map<string, number>();
  let scope = 0;
  const created = (l: Lifetime, at: number): void => { if (l.first === -1) l.first = at; };
  const used = (l: Lifetime, at: number): void => { l.last = at; };
  const depth = { value: 0 };

  const walk = (subgraphIndex: number): void => {
    const sg = model.subgraphs[subgraphIndex];
    const life = tensorLife[subgraphIndex];
    // A malformed model could make a branch call itself; TFLM would recurse forever, we stop.
    if (!sg || !life || depth.value > 64) return;
    depth.value++;
    for (const index of sg.inputs) {
      const l = life[index];
      if (l) { created(l, scope); used(l, scope); }
    }
    for (const op of sg.operators) {
      scope++;
      steps.set(`${subgraphIndex}/${op.index}`, scope);
      for (const index of op.outputs) {
        const l = life[index];
        if (l) created(l, scope);
      }
      const start = scope;
      for (const branch of branchSubgraphs(op)) {
        scope++;
        walk(branch);
      }
      for (const index of op.inputs) {
        const l = index >= 0 ? life[index] : undefined;
        if (l) used(l, scope);
      }
      for (const index of op.outputs) {
        const l = life[index];
        if (l) used(l, scope);
      }
      scratchRequests.forEach((request, i) => {
        if (request.node === op.index && request.subgraph === subgraphIndex) {
          created(scratchLife[i]!, start);
          used(scratchLife[i]!, scope);
        }
      });
    }
    for (const index of sg.outputs) {
      const l = life[index];
      if (l) { created(l, scope); used(l, scope); }
    }
    depth.value--;
  };
  walk(0);

  return {
    tensor: (subgraph, index) => tensorLife[subgraph]?.[index] ?? { first: -1, last: -1 },
    scratch: (request) => scratchLife[request] ?? { first: -1, last: -1 },
    step: (subgraph, node) => steps.get(`${subgraph}/${node}`) ?? -1,
  };
}

/** The subgraphs an operator runs inline, in the order TFLM walks them. */
export function branchSubgraphs(op: Operator): number[] {
  const o = op.options;
  const idx = (key: string): number | null => (typeof o[key] === 'number' ? (o[key] as number) : null);
  let list: (number | null)[] = [];
  switch (op.opName) {
    case 'IF': list = [idx('thenSubgraphIndex'), idx('elseSubgraphIndex')]; break;
    case 'WHILE': list = [idx('condSubgraphIndex'), idx('bodySubgraphIndex')]; break;
    case 'CALL_ONCE': list = [idx('initSubgraphIndex')]; break;
    default: break;
  }
  return list.filter((n): n is number => n !== null && n >= 0);
}
