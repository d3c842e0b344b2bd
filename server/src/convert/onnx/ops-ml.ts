/**
 * scikit-learn exports (skl2onnx, domain ai.onnx.ml): Scaler, LinearRegressor and LinearClassifier map to TFLite
 * ops; ZipMap and label outputs are dropped by the converter (convert.ts says so); tree ensembles and SVMs have no
 * TFLite builtin and end the conversion with their size.
 */
import { ConvertError } from '../types.js';
import { describe, unsupported, where, type Ctx } from './context.js';
import type { OnnxModel, OnnxNode } from './reader.js';

/** ai.onnx.ml models with no TFLite equivalent: refused as a whole, with what they hold. */
export function refuseWholeModel(model: OnnxModel): void {
  const trees = model.nodes.filter((n) => n.opType.startsWith('TreeEnsemble'));
  if (trees.length) {
    const nodes = trees.reduce((s, n) => s + (n.attrs.get('nodes_nodeids')?.ints?.length ?? n.attrs.get('nodes_featureids')?.ints?.length ?? 0), 0);
    const treeCount = trees.reduce((s, n) => s + new Set(n.attrs.get('nodes_treeids')?.ints ?? []).size, 0);
    throw new ConvertError('unsupported-model', `node '${trees[0]!.name}' (${trees[0]!.opType})`,
      `a tree ensemble (${treeCount} trees, ${nodes} nodes in all) has no TFLite builtin that TFLM runs`,
      'an MLP or linear model, or a tree-to-C code generator such as m2cgen or emlearn for the microcontroller');
  }
  const svm = model.nodes.find((n) => n.opType.startsWith('SVM'));
  if (svm) {
    const vectors = (svm.attrs.get('support_vectors')?.floats?.length ?? 0);
    throw new ConvertError('unsupported-model', `node '${svm.name}' (${svm.opType})`, `a support vector machine (${vectors} support-vector values) has no TFLite builtin`, 'a linear model or an MLP');
  }
}

export function convertScaler(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.toPlain(ctx.actOf(node, 0), node);
  const F = x.shape[x.shape.length - 1]!;
  const per = (values: readonly number[], dflt: number): number[] => (values.length === 1 ? new Array<number>(F).fill(values[0]!) : values.length === 0 ? new Array<number>(F).fill(dflt) : [...values]);
  const offset = per(node.attrs.get('offset')?.floats ?? [], 0);
  const scale = per(node.attrs.get('scale')?.floats ?? [], 1);
  if (offset.length !== F || scale.length !== F) throw new ConvertError('bad-model', where(node), `offset/scale for ${offset.length}/${scale.length} features, input has ${F}`);
  const shifted = ctx.em.op('ADD', [x.ref, ctx.em.float(`${node.name}_offset`, [F], offset.map((v) => -v))], `${node.outputs[0]}_shifted`, x.shape, { fusedActivationFunction: 'NONE' });
  const ref = ctx.em.op('MUL', [shifted, ctx.em.float(`${node.name}_scale`, [F], scale)], node.outputs[0]!, x.shape, { fusedActivationFunction: 'NONE' });
  ctx.set(node.outputs[0]!, { kind: 'act', ref, shape: x.shape, nchw: false });
}

/** LinearRegressor / LinearClassifier: FULLY_CONNECTED, then the post transform (SOFTMAX / LOGISTIC) for a classifier. */
export function convertLinear(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.toPlain(ctx.actOf(node, 0), node);
  if (x.shape.length !== 2) throw unsupported(node, `input of rank ${x.shape.length}`, 'a [batch, features] input');
  const F = x.shape[1]!;
  const coef = node.attrs.get('coefficients')?.floats ?? [];
  const intercepts = node.attrs.get('intercepts')?.floats ?? [];
  if (coef.length === 0 || coef.length % F !== 0) throw new ConvertError('bad-model', where(node), `${coef.length} coefficients for ${F} features`);
  let rows = coef.length / F;
  let weights = [...coef];
  let bias = intercepts.length === rows ? [...intercepts] : new Array<number>(rows).fill(intercepts[0] ?? 0);
  const classifier = node.opType === 'LinearClassifier';
  const labels = classifier ? (node.attrs.get('classlabels_ints')?.ints?.length ?? node.attrs.get('classlabels_strings')?.strings?.length ?? 0) : rows;
  const post = ctx.str(node, 'post_transform', 'NONE');
  if (classifier && rows === 1 && labels === 2) {
    // Binary: onnxruntime scores the two classes as (-s, s) before the post transform.
    weights = [...coef.map((v) => -v), ...coef];
    bias = [-bias[0]!, bias[0]!];
    rows = 2;
    ctx.note(`${describe(node)}: binary classifier written as two scores (-s, s)`);
  } else if (classifier && labels !== rows) throw unsupported(node, `${rows} coefficient rows for ${labels} labels`);
  // Scores (-s, s): their LOGISTICs sum to 1, as a SOFTMAX's do.
  const opposite = rows === 2 && bias[0] === -bias[1]! && weights.slice(0, F).every((v, k) => v === -weights[F + k]!);
  const scoresName = classifier ? node.outputs[1] ?? '' : node.outputs[0]!;
  if (!scoresName) throw unsupported(node, 'a classifier without a scores output');
  const shape = [x.shape[0]!, rows];
  const post2: Record<string, string | null> = { NONE: null, SOFTMAX: 'SOFTMAX', LOGISTIC: 'LOGISTIC' };
  const postOp = post2[post];
  if (postOp === undefined) throw unsupported(node, `post_transform ${post}`, 'NONE, SOFTMAX or LOGISTIC');
  let ref = ctx.em.op('FULLY_CONNECTED', [x.ref, ctx.em.float(`${node.name}_weights`, [rows, F], weights), ctx.em.float(`${node.name}_bias`, [rows], bias)],
    postOp ? `${scoresName}_logits` : scoresName, shape, { fusedActivationFunction: 'NONE' });
  if (postOp) ref = ctx.em.op(postOp, [ref], scoresName, shape, postOp === 'SOFTMAX' ? { beta: 1 } : undefined);
  ctx.set(scoresName, { kind: 'act', ref, shape, nchw: false, nonNegative: postOp !== null, sumsToOne: postOp === 'SOFTMAX' || (postOp === 'LOGISTIC' && opposite) });
}

/**
 * Normalizer (skl2onnx puts an L1 one after a LogisticRegression's probabilities): the identity on rows that already
 * sum to 1 (a SOFTMAX, a binary classifier's two LOGISTICs); otherwise refused, since it would need SUM and DIV,
 * which the int8 quantizer does not run.
 */
export function convertNormalizer(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.actOf(node, 0);
  const norm = ctx.str(node, 'norm', 'MAX');
  if (norm === 'L1' && x.sumsToOne) {
    ctx.note(`${describe(node)} (L1) dropped: its input's rows already sum to 1`);
    ctx.set(node.outputs[0]!, x);
    return;
  }
  throw unsupported(node, `${norm} normalization of rows that do not already sum to 1 (one-vs-rest probabilities, say)`,
    'SUM and DIV, which TFLM runs in float but the int8 quantizer does not; multi_class=\'multinomial\' (softmax) probabilities need no Normalizer');
}
