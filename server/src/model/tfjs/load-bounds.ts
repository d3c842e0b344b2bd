/**
 * What loading a TF.js model would allocate, checked against `maxMemory` before tfjs allocates it, since tfjs
 * allocates each tensor in full before anything can stop it:
 * - graph models are run once on zeros for their output shapes, and a graph's sizes may come from values rather than
 *   shapes (a 12-byte constant [60000, 26000] fed to Fill is 6.2 GB): sizes that come from a constant are checked; a
 *   size computed at run time makes the run unsafe to attempt, so it is skipped (output shapes unknown). Growth
 *   through a chain of such ops (a Tile of a Tile) is counted per op, not multiplied.
 * - layers models initialise every weight from the topology before the weights manifest is checked: each weight is
 *   counted as it is declared.
 */
import { checkAllocation, type AnalysisLimits } from '../limits.js';

export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

/** Ops whose output element count is the product of one input's value (the index of that input). */
const SHAPE_FROM_VALUE: Readonly<Record<string, number>> = {
  Fill: 0, BroadcastTo: 1, RandomUniform: 0, RandomUniformInt: 0, RandomStandardNormal: 0, TruncatedNormal: 0,
  ScatterNd: 2, SparseToDense: 1, Conv2DBackpropInput: 0, Empty: 0, Zeros: 0, Ones: 0,
};
/** Ops that multiply their input's size by the product of a value (Tile's multiples) or by a value (OneHot's depth). */
const MULTIPLIER_FROM_VALUE: Readonly<Record<string, number>> = { Tile: 1, OneHot: 1 };

const BYTES_PER_ELEMENT = 4;

/**
 * Checks the graph's execution on zeros against the memory budget before it runs: the model inputs (`inputShapes`,
 * as they will be allocated) and every op sized by a constant. Throws an AnalysisLimitError naming the node when the
 * budget is exceeded; returns a reason to skip the execution when a size is computed at run time, else null.
 *
 * @param constant a node's constant value (small constants only), or null when it is computed or large
 */
export function checkGraphExecution(
  nodes: readonly GraphNode[],
  inputShapes: readonly (readonly number[])[],
  constant: (name: string) => number[] | null,
  limits: AnalysisLimits,
): string | null {
  let bytes = inputShapes.reduce((n, s) => n + BYTES_PER_ELEMENT * product(s), 0);
  checkAllocation(limits, bytes, 'the TF.js model inputs (zeros, to find output shapes)');
  for (const node of nodes) {
    const shapeAt = SHAPE_FROM_VALUE[node.op];
    const multiplierAt = MULTIPLIER_FROM_VALUE[node.op];
    const at = shapeAt ?? multiplierAt ?? (node.op === 'Range' ? 1 : undefined);
    if (at === undefined) continue;
    const source = node.input?.[at];
    const value = source === undefined ? null : constant(source);
    if (value === null) return `${node.op} node '${node.name}' takes its size from a value computed at run time`;
    let elements = product(value);
    if (node.op === 'Range') {
      const [start, limit, delta] = [constant(node.input?.[0] ?? ''), value, constant(node.input?.[2] ?? '')].map((v) => v?.[0]);
      if (start === undefined || limit === undefined || delta === undefined) return `Range node '${node.name}' has bounds computed at run time`;
      elements = delta === 0 ? Infinity : Math.max(0, Math.ceil((limit - start) / delta));
    }
    bytes += BYTES_PER_ELEMENT * elements;
    checkAllocation(limits, bytes, 'the memory the TF.js graph allocates when run on zeros', { opName: node.op, name: node.name });
  }
  return null;
}

function product(values: readonly number[]): number {
  return values.reduce((n, d) => n * Math.max(0, d), 1);
}

type AddWeight = (this: unknown, name: string, shape: readonly number[], ...rest: unknown[]) => unknown;
interface LayerPrototype { addWeight: AddWeight }

/** The budget of the layers model being built, if any (loads are serialized by `layersLoads`). */
let weightBudget: { bytes: number; limits: AnalysisLimits } | null = null;
let layersLoads: Promise<unknown> = Promise.resolve();
const guarded = new WeakSet<object>();

/**
 * Runs `load` (tfjs's loadLayersModel) with every layer weight counted against `maxMemory` before tfjs creates it:
 * building a layers model initialises each weight from the topology alone, before the weights manifest is checked,
 * so a 400-byte model.json with one Dense layer of 100,000 x 100,000 units would allocate 40 GB. The check wraps
 * `Layer.prototype.addWeight`, where each weight's shape is known and nothing is allocated yet.
 */
export function withLayerWeightBudget<T>(layerClass: { prototype: object }, limits: AnalysisLimits, load: () => Promise<T>): Promise<T> {
  const proto = layerClass.prototype as unknown as LayerPrototype;
  if (!guarded.has(proto)) {
    const original = proto.addWeight;
    proto.addWeight = function addWeight(this: unknown, name: string, shape: readonly number[], ...rest: unknown[]): unknown {
      if (weightBudget) {
        weightBudget.bytes += BYTES_PER_ELEMENT * product(shape);
        const layer = (this as { name?: unknown }).name;
        checkAllocation(weightBudget.limits, weightBudget.bytes, 'the weights the TF.js layers model creates',
          { name: typeof layer === 'string' ? `${layer}/${name}` : name });
      }
      return original.call(this, name, shape, ...rest);
    };
    guarded.add(proto);
  }
  const run = layersLoads.then(async () => {
    weightBudget = { bytes: 0, limits };
    try {
      return await load();
    } finally {
      weightBudget = null;
    }
  });
  layersLoads = run.catch(() => undefined);
  return run;
}
