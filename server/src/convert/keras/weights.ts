/**
 * Assigns stored weights to layer calls. Legacy .h5 and TF.js name them (`dense/kernel:0`, `outer/dense/kernel`,
 * `lstm/lstm_cell/kernel:0`): the layer is the last path segment before the weight's name that names a layer.
 * Keras 3 stores them by position (`layers/dense/vars/0`), in the order the layer created them.
 */
import type { KerasModel, KerasWeight } from '../../model/keras/types.js';
import { ConvertError } from '../types.js';
import type { KNode } from './graph.js';

export interface NamedWeight {
  /** The weight's own name (`kernel`), or its position for Keras 3 files (`0`, `1`, ...). */
  readonly key: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Weights per node id, in file order. */
export class WeightStore {
  private readonly byNode = new Map<string, NamedWeight[]>();

  constructor(readonly model: KerasModel, nodes: readonly KNode[]) {
    const byName = new Map<string, KNode[]>();
    for (const n of nodes) byName.set(n.name, [...(byName.get(n.name) ?? []), n]);
    for (const w of model.weights) {
      const placed = model.weightNaming === 'keras3' ? keras3Key(w) : namedKey(w);
      if (!placed) continue;
      const node = owner(w.path, placed.end, byName);
      if (!node) continue;
      const list = this.byNode.get(node.id) ?? [];
      list.push({ key: placed.key, shape: w.shape, data: w.data });
      this.byNode.set(node.id, list);
    }
  }

  /**
   * The node's weights named `names` (the config decides which it has: `use_bias`, `center`, `scale`), each checked
   * against its expected shape (`null` dimensions are free) when given.
   */
  take(node: KNode, names: readonly string[], shapes: readonly (readonly (number | null)[] | null)[] = []): Float32Array[] {
    const at = `${node.id} (${node.className})`;
    const have = this.byNode.get(node.id) ?? [];
    if (have.length !== names.length) {
      throw new ConvertError('bad-model', at, `the file holds ${have.length} weight${have.length === 1 ? '' : 's'} for this layer, its config needs ${names.length} (${names.join(', ') || 'none'})`);
    }
    const positional = this.model.weightNaming === 'keras3';
    const sorted = positional ? [...have].sort((a, b) => Number(a.key) - Number(b.key)) : have;
    return names.map((name, i) => {
      const w = positional ? sorted[i] : have.find((x) => x.key === name) ?? have.find((x) => x.key.replace(/_\d+$/, '') === name);
      if (!w) throw new ConvertError('bad-model', at, `weight '${name}' is missing (the file has ${have.map((x) => x.key).join(', ')})`);
      const want = shapes[i];
      if (want && (want.length !== w.shape.length || want.some((d, k) => d !== null && d !== w.shape[k]))) {
        throw new ConvertError('bad-model', at, `weight '${name}' has shape [${w.shape.join(', ')}], the config needs [${want.map((d) => d ?? '?').join(', ')}]`);
      }
      return w.data;
    });
  }

  /** The shape of the node's weight at position `i` in file order (for shapes the config does not state). */
  shapeOf(node: KNode, i: number): readonly number[] | null {
    const have = this.byNode.get(node.id) ?? [];
    const sorted = this.model.weightNaming === 'keras3' ? [...have].sort((a, b) => Number(a.key) - Number(b.key)) : have;
    return sorted[i]?.shape ?? null;
  }
}

/** `.../<layer>/vars/<i>` -> key i; the layer is looked for before `vars`. */
function keras3Key(w: KerasWeight): { key: string; end: number } | null {
  const n = w.path.length;
  if (n < 3 || w.path[n - 2] !== 'vars' || !/^\d+$/.test(w.path[n - 1] ?? '')) return null;
  return { key: w.path[n - 1]!, end: n - 2 };
}

/** `.../<layer>/.../kernel:0` -> key 'kernel'. */
function namedKey(w: KerasWeight): { key: string; end: number } | null {
  const last = w.path[w.path.length - 1];
  if (!last) return null;
  return { key: last.replace(/:\d+$/, ''), end: w.path.length - 1 };
}

/** The node owning a weight: the last segment before `end` that names a layer, disambiguated by its model path. */
function owner(path: readonly string[], end: number, byName: ReadonlyMap<string, KNode[]>): KNode | null {
  for (let i = end - 1; i >= 0; i--) {
    const candidates = byName.get(path[i] ?? '');
    if (!candidates) continue;
    if (candidates.length === 1) return candidates[0]!;
    const before = new Set(path.slice(0, i));
    return candidates.find((c) => c.path.slice(0, -1).every((p) => before.has(p))) ?? candidates[0]!;
  }
  return null;
}
