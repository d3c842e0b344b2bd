/** What every layer mapping gets: the emitter, the weights, the fusion decisions, config readers and the notes. */
import { ConvertError } from '../types.js';
import { Emitter, type Fused, type Value } from './emit.js';
import type { KNode } from './graph.js';
import type { WeightStore } from './weights.js';

/** A BatchNormalization as per-channel `x * scale + shift`. */
export interface Affine {
  readonly scale: Float32Array;
  readonly shift: Float32Array;
}

export interface LayerContext {
  readonly e: Emitter;
  readonly w: WeightStore;
  readonly notes: string[];
  /** The activation a following layer asked this node to fuse (its own activation is then linear). */
  readonly fusedAfter: ReadonlyMap<string, Fused>;
  /** The BatchNormalization folded into this node's weights. */
  readonly folded: ReadonlyMap<string, KNode>;
}

export type LayerMapping = (c: LayerContext, node: KNode, inputs: readonly Value[]) => Value;

export const at = (node: KNode): string => `${node.id} (${node.className})`;

export function unsupported(node: KNode, detail: string, needs: string | null = null): ConvertError {
  return new ConvertError('unsupported-op', at(node), detail, needs);
}

/** An integer or a list of `rank` integers (Keras accepts both for sizes and strides). */
export function ints(node: KNode, key: string, rank: number, dflt: readonly number[] | null): number[] {
  const v = node.config[key];
  if (v === undefined || v === null) {
    if (dflt) return [...dflt];
    throw new ConvertError('bad-model', at(node), `'${key}' is missing`);
  }
  const list = typeof v === 'number' ? new Array<number>(rank).fill(v) : v;
  if (!Array.isArray(list) || list.length !== rank || !list.every((d) => Number.isSafeInteger(d) && d >= 1 && d <= 65536)) {
    throw new ConvertError('bad-model', at(node), `'${key}' is ${JSON.stringify(v)?.slice(0, 60)}, not ${rank} positive integer${rank > 1 ? 's' : ''}`);
  }
  return list as number[];
}

export function int(node: KNode, key: string, dflt: number): number {
  const v = node.config[key] ?? dflt;
  if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > 1 << 24) throw new ConvertError('bad-model', at(node), `'${key}' is ${JSON.stringify(v)?.slice(0, 40)}, not a positive integer`);
  return v as number;
}

export function num(node: KNode, key: string, dflt: number): number {
  const v = node.config[key] ?? dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConvertError('bad-model', at(node), `'${key}' is not a finite number`);
  return v;
}

export function bool(node: KNode, key: string, dflt: boolean): boolean {
  const v = node.config[key];
  return typeof v === 'boolean' ? v : dflt;
}

/** 'SAME' / 'VALID' (Keras 'same' is TensorFlow's SAME, as TFLite's); 'causal' is handled by Conv1D. */
export function padding(node: KNode): 'SAME' | 'VALID' | 'causal' {
  const p = node.config.padding ?? 'valid';
  if (p === 'same') return 'SAME';
  if (p === 'valid') return 'VALID';
  if (p === 'causal') return 'causal';
  throw unsupported(node, `padding '${String(p).slice(0, 20)}'`);
}

/** Refuses channels_first: TFLite (and this converter) is NHWC. */
export function channelsLast(node: KNode): void {
  const f = node.config.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last') throw unsupported(node, `data_format '${String(f).slice(0, 20)}': TFLite is channels-last`, "the model rebuilt with data_format='channels_last' (the weights stay the same)");
}

/** The activation name of a layer's `activation` (a string, or Keras 3's `{class_name, config}` for a registered one). */
export function activationName(v: unknown): string {
  if (v === undefined || v === null) return 'linear';
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'object' && typeof (v as { class_name?: unknown }).class_name === 'string') {
    const c = (v as { class_name: string; config?: { name?: unknown } });
    return (typeof c.config?.name === 'string' ? c.config.name : c.class_name).toLowerCase();
  }
  return 'unknown';
}

/** The fused code for an activation TFLM's float kernels clamp to; null when it needs its own op. */
export function fusable(act: string): Fused | null {
  if (act === 'linear') return 'NONE';
  if (act === 'relu') return 'RELU';
  if (act === 'relu6') return 'RELU6';
  return null;
}

/** Applies a named activation as its own op(s); `linear` is the value itself. */
export function applyActivation(c: LayerContext, node: KNode, v: Value, act: string): Value {
  const name = `${node.id}/${act}`;
  switch (act) {
    case 'linear': return v;
    case 'relu': return c.e.op('RELU', name, [v.ref], v.shape);
    case 'relu6': return c.e.op('RELU6', name, [v.ref], v.shape);
    case 'sigmoid': return c.e.op('LOGISTIC', name, [v.ref], v.shape);
    case 'tanh': return c.e.op('TANH', name, [v.ref], v.shape);
    case 'softmax': return c.e.op('SOFTMAX', name, [v.ref], v.shape, { beta: 1 });
    case 'hard_swish':
    case 'hard_silu': return c.e.op('HARD_SWISH', name, [v.ref], v.shape);
    case 'swish':
    case 'silu': {
      const s = c.e.op('LOGISTIC', `${name}/sigmoid`, [v.ref], v.shape);
      return c.e.op('MUL', name, [v.ref, s.ref], v.shape, { fusedActivationFunction: 'NONE' });
    }
    case 'leaky_relu': return c.e.op('LEAKY_RELU', name, [v.ref], v.shape, { alpha: 0.2 });
    default:
      throw unsupported(node, `activation '${act.slice(0, 40)}' has no TFLite builtin that TFLM runs here`, 'relu, relu6, sigmoid, tanh, softmax, swish, hard_swish or leaky_relu');
  }
}

/** The layer's own activation fused where TFLite allows, else applied after: returns the fused code to write. */
export function ownActivation(c: LayerContext, node: KNode): { fused: Fused; after: string } {
  const act = activationName(node.config.activation);
  const after = c.fusedAfter.get(node.id);
  if (after) return { fused: after, after: 'linear' };
  const f = fusable(act);
  return f ? { fused: f, after: 'linear' } : { fused: 'NONE', after: act };
}
