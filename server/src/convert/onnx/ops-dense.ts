/** Gemm and MatMul with constant weights as FULLY_CONNECTED (a following bias Add and Relu/Clip absorbed). */
import { ConvertError } from '../types.js';
import { describe, unsupported, where, type Ctx } from './context.js';
import { nonNegative, takeActivation } from './fuse.js';
import type { OnnxNode } from './reader.js';

export function convertGemm(ctx: Ctx, node: OnnxNode): void {
  const gemm = node.opType === 'Gemm';
  const b = ctx.get(node, 1);
  if (b.kind !== 'const') throw unsupported(node, 'a product of two run-time tensors', 'BATCH_MATMUL, which the quantizer does not run: a constant right-hand side');
  let a = ctx.actOf(node, 0);
  if (gemm && ctx.int(node, 'transA', 0) !== 0) throw unsupported(node, 'transA=1', 'transA=0');
  if (b.shape.length !== 2) throw unsupported(node, `a rank-${b.shape.length} constant operand`, 'a 2-D weight');
  const transB = gemm && ctx.int(node, 'transB', 0) !== 0;
  const [K, N] = (transB ? [b.shape[1], b.shape[0]] : b.shape) as [number, number];
  const alpha = gemm ? ctx.float(node, 'alpha', 1) : 1;
  const perm = a.rowPerm;
  if (!perm) a = ctx.toPlain(a, node);
  if (a.shape[a.shape.length - 1] !== K) throw new ConvertError('bad-model', where(node), `input [${a.shape.join(',')}] does not match weight [${b.shape.join(',')}]`);
  // FULLY_CONNECTED weights are [N, K]; a permuted flatten takes its feature i from ONNX feature perm[i].
  const weights = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < K; i++) {
      const k = perm ? perm[i]! : i;
      weights[n * K + i] = alpha * b.data[transB ? n * K + k : k * N + n]!;
    }
  }
  if (perm) ctx.note(`${describe(node)}: weights permuted to read the flattened NHWC tensor (no TRANSPOSE)`);
  let bias = new Float32Array(N);
  let out = node.outputs[0]!;
  let lateAdd: { data: Float32Array | Float64Array; shape: readonly number[] } | null = null;
  if (gemm && ctx.has(node, 2)) {
    const c = ctx.constOf(node, 2, 'bias C');
    const beta = ctx.float(node, 'beta', 1);
    if (c.data.length === N || c.data.length === 1) bias = Float32Array.from({ length: N }, (_, n) => beta * c.data[c.data.length === 1 ? 0 : n]!);
    else lateAdd = { data: c.data.map((v) => v * beta), shape: c.shape };
  } else if (!gemm) {
    const add = ctx.soleConsumer(out);
    const other = add && add.opType === 'Add' && add.domain === '' ? ctx.get(add, add.inputs[0] === out ? 1 : 0) : null;
    if (add && other?.kind === 'const' && other.data.length === N && other.shape[other.shape.length - 1] === N && other.shape.length <= 2) {
      bias = Float32Array.from(other.data);
      ctx.absorbed.add(add.index);
      ctx.note(`${describe(add)} folded into ${describe(node)} as its bias`);
      out = add.outputs[0]!;
    }
  }
  const act = lateAdd ? { fused: 'NONE' as const, out } : takeActivation(ctx, out, node);
  const outShape = [...a.shape.slice(0, -1), N];
  const keepNumDims = outShape.length > 2;
  const w = ctx.em.float(`${node.name}_weights`, [N, K], weights);
  const bRef = ctx.em.float(`${node.name}_bias`, [N], bias);
  let ref = ctx.em.op('FULLY_CONNECTED', [a.ref, w, bRef], lateAdd ? `${act.out}_fc` : act.out, outShape, { fusedActivationFunction: act.fused, keepNumDims });
  if (lateAdd) ref = ctx.em.op('ADD', [ref, ctx.em.float(`${node.name}_c`, lateAdd.shape, lateAdd.data)], act.out, outShape);
  ctx.set(act.out, { kind: 'act', ref, shape: outShape, nchw: false, nonNegative: nonNegative(act.fused) });
}
