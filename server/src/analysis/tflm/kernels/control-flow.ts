import { ensureEq, ensureTrue, numInputs, numOutputs } from './misc-util.js';
import type { KernelContext, KernelModel } from './types.js';
import { cParams, flatSize } from './util.js';

/**
 * Control-flow kernels (if.cc, while.cc, call_once.cc). Their Prepare does not prepare the branch subgraphs (the
 * interpreter prepares every subgraph in order anyway); it only checks subgraph indices and input/output counts.
 */

function subgraphIndex(ctx: KernelContext, key: string): number {
  const v = ctx.op.options[key];
  return typeof v === 'number' ? v : 0;
}

function subgraphCounts(ctx: KernelContext, index: number): { inputs: number; outputs: number } {
  const sg = ctx.model.subgraphs[index];
  return { inputs: sg?.inputs.length ?? 0, outputs: sg?.outputs.length ?? 0 };
}

/** IF: TfLiteIfParams (two ints); OpData (two ints); Prepare takes one temporary for the condition. */
export const ifKernel: KernelModel = {
  params: cParams('i32', 'i32'),
  init: (ctx) => ctx.persistent(8),
  prepare: (ctx) => {
    const thenIndex = subgraphIndex(ctx, 'thenSubgraphIndex');
    const elseIndex = subgraphIndex(ctx, 'elseSubgraphIndex');
    ensureTrue(ctx, numInputs(ctx) > 0, 'node->inputs->size > 0');
    const cond = ctx.tempInput(0);
    if (!cond) return ctx.fail('cond != nullptr was not true');
    ensureEq(ctx, cond.dtype === 'BOOL' ? 1 : 0, 1, 'cond->type', 'kTfLiteBool');
    ensureEq(ctx, flatSize(ctx.shape(cond.index)), 1, 'NumElements(cond)', '1');
    const count = ctx.model.subgraphs.length;
    ensureTrue(ctx, thenIndex < count, 'op_data->then_subgraph_index < graph_info.NumSubgraphs()');
    ensureTrue(ctx, elseIndex < count, 'op_data->else_subgraph_index < graph_info.NumSubgraphs()');
    const then = subgraphCounts(ctx, thenIndex);
    ensureEq(ctx, numInputs(ctx) - 1, then.inputs, 'num_inputs',
      'graph_info.NumSubgraphInputs(op_data->then_subgraph_index)');
    ensureEq(ctx, numOutputs(ctx), then.outputs, 'num_outputs',
      'graph_info.NumSubgraphOutputs(op_data->then_subgraph_index)');
    return undefined;
  },
};

/** WHILE: TfLiteWhileParams (two ints); OpData (two ints); Prepare allocates nothing. */
export const whileKernel: KernelModel = {
  params: cParams('i32', 'i32'),
  init: (ctx) => ctx.persistent(8),
  prepare: (ctx) => {
    const condIndex = subgraphIndex(ctx, 'condSubgraphIndex');
    const bodyIndex = subgraphIndex(ctx, 'bodySubgraphIndex');
    const count = ctx.model.subgraphs.length;
    ensureTrue(ctx, condIndex < count, 'op_data->cond_subgraph_index < graph_info.NumSubgraphs()');
    ensureTrue(ctx, bodyIndex < count, 'op_data->body_subgraph_index < graph_info.NumSubgraphs()');
    const n = numInputs(ctx);
    const cond = subgraphCounts(ctx, condIndex);
    const body = subgraphCounts(ctx, bodyIndex);
    ensureEq(ctx, n, cond.inputs, 'num_inputs', 'graph_info.NumSubgraphInputs(op_data->cond_subgraph_index)');
    ensureEq(ctx, n, body.inputs, 'num_inputs', 'graph_info.NumSubgraphInputs(op_data->body_subgraph_index)');
    ensureEq(ctx, n, numOutputs(ctx), 'num_inputs', 'num_outputs');
    ensureEq(ctx, numOutputs(ctx), body.outputs, 'num_outputs',
      'graph_info.NumSubgraphOutputs(op_data->body_subgraph_index)');
  },
};

/** CALL_ONCE: TfLiteCallOnceParams (one int); OpData {int, bool} = 8 bytes; Prepare allocates nothing. */
export const callOnceKernel: KernelModel = {
  params: cParams('i32'),
  init: (ctx) => ctx.persistent(8),
  prepare: (ctx) => {
    ensureTrue(ctx, numInputs(ctx) === 0, 'NumInputs(node) == 0');
    ensureTrue(ctx, numOutputs(ctx) === 0, 'NumOutputs(node) == 0');
    const index = subgraphIndex(ctx, 'initSubgraphIndex');
    ensureTrue(ctx, index < ctx.model.subgraphs.length, 'op_data->init_subgraph_index < graph_info.NumSubgraphs()');
  },
};
