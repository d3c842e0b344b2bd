/**
 * Whole .tflite models: a main subgraph of random builtin and custom ops, optionally control flow (IF / WHILE /
 * CALL_ONCE) over generated subgraphs whose references may point at themselves, form cycles, nest deeply or fan out
 * exponentially; OfflineMemoryAllocation metadata (right, wrong counts, negative offsets); signature defs.
 */
import type { DType } from '../../../server/src/model/ir.js';
import { customOp } from './custom.js';
import { activation, BUILTIN_GENERATORS, type Act } from './ops.js';
import { int32Bytes, Parts, shapeOf, type SubgraphParts } from './parts.js';
import type { Rng } from './rng.js';

export interface TfliteCase {
  readonly bytes: Uint8Array;
  /** The model's hostile features (see Parts.tags). */
  readonly tags: readonly string[];
  /** Float32 inputs and outputs: the quantizer is tried on it. */
  readonly float: boolean;
}

export interface TfliteGenOptions {
  /** 0..1: how often each hostile feature is chosen. */
  readonly hostility: number;
  /** Probability of control flow (several subgraphs). */
  readonly controlFlow: number;
}

export const DEFAULT_TFLITE: TfliteGenOptions = { hostility: 0.3, controlFlow: 0.25 };

/** Appends `count` random ops after `x`; returns the last activation. */
function chain(p: Parts, g: SubgraphParts, x: Act, count: number, cf: ((g: SubgraphParts, x: Act) => Act) | null): Act {
  let cur = x;
  for (let i = 0; i < count; i++) {
    if (cf && p.rng.chance(0.35)) cur = cf(g, cur);
    else if (p.rng.chance(0.12)) cur = customOp(p, g, cur);
    else cur = p.rng.weighted(BUILTIN_GENERATORS)(p, g, cur);
  }
  return cur;
}

function inputShape(p: Parts): number[] {
  return p.rng.pick([() => [1, ...shapeOf(p, 2, 2, 16), p.rng.int(1, 8)], () => [1, p.rng.int(1, 64)], () => [1, p.rng.int(1, 8), p.rng.int(1, 16)]])();
}

/**
 * Subgraph references of control-flow ops: ordinary ones point forward (a DAG of bodies); hostile ones at the op's
 * own subgraph, back to the main graph, or all at the next subgraph many times (a ladder that doubles per level).
 */
function subgraphRef(p: Parts, from: number, count: number): number {
  if (count <= 1) return 0;
  if (p.hostile(0.15)) return p.rng.pick([from, 0, p.rng.int(0, count - 1)]);
  return from + 1 < count ? p.rng.int(from + 1, count - 1) : count - 1;
}

function controlFlowOp(p: Parts, g: SubgraphParts, from: number, count: number, x: Act): Act {
  const r = p.rng;
  const kind = r.pick(['IF', 'WHILE', 'CALL_ONCE'] as const);
  if (kind === 'CALL_ONCE') {
    p.op(g, { builtin: 'CALL_ONCE', inputs: [], outputs: [], options: { initSubgraphIndex: subgraphRef(p, from, count) } });
    return x;
  }
  const y = activation(p, g, kind.toLowerCase(), [...x.shape], x.dtype);
  if (kind === 'IF') {
    const cond = r.chance(0.5) ? p.tensor(g, { name: 'cond', shape: [1], dtype: 'BOOL' }, new Uint8Array([1]))
      : p.tensor(g, { name: 'cond_in', shape: [1], dtype: 'BOOL' });
    if (g.tensors[cond]?.buffer === 0) g.inputs.push(cond);
    p.op(g, { builtin: 'IF', inputs: [cond, x.index], outputs: [y.index],
      options: { thenSubgraphIndex: subgraphRef(p, from, count), elseSubgraphIndex: subgraphRef(p, from, count) } });
  } else {
    p.op(g, { builtin: 'WHILE', inputs: [x.index], outputs: [y.index],
      options: { condSubgraphIndex: subgraphRef(p, from, count), bodySubgraphIndex: subgraphRef(p, from, count) } });
  }
  return y;
}

/** Control-flow edges between subgraphs, read back from the generated options. */
function references(p: Parts): number[][] {
  return p.subgraphs.map((g) => g.operators.flatMap((op) =>
    Object.entries(op.options ?? {}).filter(([k]) => k.endsWith('SubgraphIndex')).map(([, v]) => v as number)));
}

/** Tags the control-flow shape: self-references, cycles reachable from subgraph 0, nesting depth, call fan-out. */
function tagControlFlow(p: Parts): void {
  const refs = references(p);
  if (refs.some((list, i) => list.includes(i))) p.tags.add('cf-self');
  const state = new Array<number>(refs.length).fill(0);
  const calls = new Array<number>(refs.length).fill(0);
  const depth = new Array<number>(refs.length).fill(0);
  let cycle = false;
  const visit = (s: number): void => {
    state[s] = 1;
    let n = 1, d = 0;
    for (const t of refs[s] ?? []) {
      if (state[t] === 1) { cycle = true; continue; }
      if (state[t] === 0) visit(t);
      n += calls[t]!;
      d = Math.max(d, depth[t]! + 1);
    }
    calls[s] = Math.min(n, 1e12);
    depth[s] = d;
    state[s] = 2;
  };
  if (refs.length > 0) visit(0);
  if (cycle) p.tags.add('cf-cycle');
  if ((calls[0] ?? 0) > 1e5) p.tags.add('cf-fanout');
  if ((depth[0] ?? 0) > 8) p.tags.add('cf-deep');
}

/** A body subgraph: one input like the caller's activation, a few ops, one output. */
function body(p: Parts, g: SubgraphParts, index: number, count: number, base: DType, ladder: number): void {
  const x = activation(p, g, 'body_in', inputShape(p), base);
  g.inputs.push(x.index);
  let y = x;
  if (ladder > 0 && index + 1 < count) {
    // Fan-out: `ladder` calls of the next subgraph, which does the same: ladder^depth visits.
    for (let i = 0; i < ladder; i++) p.op(g, { builtin: 'CALL_ONCE', inputs: [], outputs: [], options: { initSubgraphIndex: index + 1 } });
  } else {
    y = chain(p, g, x, p.rng.int(0, 3), (gg, a) => controlFlowOp(p, gg, index, count, a));
  }
  g.outputs.push(y.index);
}

/** OfflineMemoryAllocation metadata for the model: per tensor -1 or an aligned offset; hostile: wrong counts, negatives. */
function offlineMetadata(p: Parts): void {
  const r = p.rng;
  const offsets = p.subgraphs.flatMap((g) => g.tensors.map(() => (r.chance(0.5) ? -1 : 16 * r.int(0, 64))));
  let count = offsets.length;
  let subgraphs = p.subgraphs.length;
  if (p.hostile(0.5)) {
    const how = r.int(0, 3);
    if (how === 0) { p.tags.add('offline-count'); count = r.pick([0, count + 1, Math.max(0, count - 1), 2 ** 31 - 1]); }
    if (how === 1) { p.tags.add('offline-negative'); offsets[r.int(0, Math.max(0, offsets.length - 1))] = r.pick([-2, -16, -(2 ** 31)]); }
    if (how === 2) { p.tags.add('offline-huge'); offsets[0] = 2 ** 31 - 16; }
    if (how === 3) { p.tags.add('offline-count'); subgraphs = r.pick([0, subgraphs + 5, -1]); }
  }
  p.metadata.push({ name: 'OfflineMemoryAllocation', data: int32Bytes([1, subgraphs, count, ...offsets]) });
}

/** A random model; every choice comes from `rng`. */
export function genTflite(rng: Rng, opts: TfliteGenOptions = DEFAULT_TFLITE): TfliteCase {
  const p = new Parts(rng, rng.chance(0.3) ? 0 : opts.hostility);
  const base: DType = rng.weighted([[5, 'FLOAT32'], [5, 'INT8'], [0.5, 'INT16']] as const);
  const withCf = rng.chance(opts.controlFlow);
  const ladder = withCf && p.hostile(0.15) ? rng.int(2, 4) : 0;
  const count = ladder > 0 ? rng.int(6, 16) : withCf ? rng.int(2, p.hostile(0.3) ? 14 : 5) : 1;
  for (let i = 0; i < count; i++) p.subgraph(i === 0 ? 'main' : `body${i}`);
  const main = p.subgraphs[0]!;
  const x = activation(p, main, 'input', inputShape(p), base);
  main.inputs.push(x.index);
  const cf = withCf ? (g: SubgraphParts, a: Act): Act => (ladder > 0 ? callLadder(p, g, a) : controlFlowOp(p, g, 0, count, a)) : null;
  const y = chain(p, main, x, rng.int(1, 8), cf);
  main.outputs.push(y.index);
  if (p.hostile(0.05)) main.outputs.push(rng.int(0, main.tensors.length - 1));
  for (let i = 1; i < count; i++) body(p, p.subgraphs[i]!, i, count, base, ladder);
  tagControlFlow(p);
  if (rng.chance(0.1)) offlineMetadata(p);
  if (rng.chance(0.1)) {
    const bad = p.hostile(0.5);
    if (bad) p.tags.add('bad-signature');
    p.signatures.push({ key: 'serving_default', subgraphIndex: bad ? rng.pick([count, -1, 0]) : 0,
      inputs: [{ name: 'x', tensorIndex: bad ? rng.pick([-1, 2 ** 31 - 1, main.tensors.length]) : x.index }],
      outputs: [{ name: 'y', tensorIndex: y.index }] });
  }
  if (rng.chance(0.05)) p.metadata.push({ name: 'min_runtime_version', data: new TextEncoder().encode(p.hostile() ? '\u001b[31m9.9\n' : '2.3.0') });
  return { bytes: p.finish(), tags: [...p.tags].sort(), float: base === 'FLOAT32' };
}

/** The main graph's entry into a fan-out ladder: CALL_ONCE of subgraph 1. */
function callLadder(p: Parts, g: SubgraphParts, x: Act): Act {
  p.op(g, { builtin: 'CALL_ONCE', inputs: [], outputs: [], options: { initSubgraphIndex: 1 } });
  return x;
}
