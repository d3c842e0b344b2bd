/**
 * Hover on a listing row: the operator's tensors (shape, dtype, quantization, bytes), the arena buffers live while it
 * runs with their offsets, its persistent and scratch bytes, MACs, estimated time and support verdict. Op and tensor
 * names come from the model: Markdown-escaped (analysis/text.ts).
 */
import type { Hover, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { markdownCode, markdownText } from '../analysis/text.js';
import { formatBytes, formatSeconds } from '../manifest/units.js';
import type { Subgraph, Tensor } from '../model/ir.js';
import { layerAt, rowKey, type ListingCheck } from './listing.js';

/** The hover for the row under `position`, or null off the rows. */
export function listingHover(check: ListingCheck, document: TextDocument, position: Position): Hover | null {
  const line = document.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const key = rowKey(line);
  if (!key) return null;
  const found = layerAt(check, key.subgraph, key.index);
  if (!found) return null;
  const { layer, model } = found;
  const sg = model.subgraphs[layer.subgraph];
  const op = sg?.operators[layer.index];
  if (!sg || !op) return null;
  const verdict = check.support?.layers.find((l) => l.subgraph === layer.subgraph && l.index === layer.index);
  const cost = check.cost?.layers?.find((l) => l.subgraph === layer.subgraph && l.index === layer.index);
  const time = cost?.seconds;
  const measured = cost?.measuredSeconds !== undefined ? ` · measured ${formatSeconds(cost.measuredSeconds)} on the board` : '';
  const out = [`**${layer.index} ${markdownText(layer.op)}**${layer.subgraph !== 0 ? ` (subgraph ${layer.subgraph})` : ''}`];
  if (verdict) {
    const where = verdict.unit === 'npu' ? 'on the NPU' : verdict.kernel && verdict.kernel !== 'reference' ? markdownCode(verdict.kernel) : 'reference kernel';
    out.push('', `${check.runtime?.id ?? ''}: **${verdict.verdict}**, ${where}${verdict.reason ? ` — ${markdownText(verdict.reason)}` : ''}`);
  } else if (layer.unsupported) {
    out.push('', `**unsupported**: ${markdownText(layer.unsupported)}`);
  }
  out.push('', '| | tensor | shape | dtype | scale / zero point | bytes |', '| --- | --- | --- | --- | --- | --- |');
  const row = (role: string, i: number): void => {
    const t = i >= 0 ? sg.tensors[i] : undefined;
    if (t) out.push(`| ${role} | ${i} ${markdownCode(t.name, { table: true })} | [${t.shape.join(',')}] | ${t.dtype} | ${quant(t)} | ${t.bytes.toLocaleString('en-US')} |`);
  };
  op.inputs.forEach((i) => row(i >= 0 && sg.tensors[i]?.isConstant ? 'const' : 'in', i));
  op.outputs.forEach((i) => row('out', i));
  out.push('', `**Arena while it runs**: ${formatBytes(layer.arenaLiveBytes)} live`);
  for (const b of [...layer.live].sort((a, c) => a.offset - c.offset)) {
    out.push(`- offset ${b.offset.toLocaleString('en-US')}: ${bufferName(b.kind, b.index, model.subgraphs[b.subgraph])}, ${b.bytes.toLocaleString('en-US')} B`);
  }
  out.push('', `persistent ${formatBytes(layer.persistentBytes)} · scratch ${formatBytes(layer.scratchBytes)} · MACs ${layer.macs.toLocaleString('en-US')}${time != null ? ` · ~${formatSeconds(time)}${check.cost?.calibration ? ` (${check.cost.calibration})` : ''}` : ''}${measured}${layer.peak ? ' · **peak**' : ''}`);
  const character = key.opStart;
  return { contents: { kind: 'markdown', value: out.join('\n') }, range: { start: { line: position.line, character: 0 }, end: { line: position.line, character: Math.max(character, line.length) } } };
}

function quant(t: Tensor): string {
  const q = t.quantization;
  if (!q || q.scale.length === 0) return '-';
  if (q.scale.length === 1) return `${q.scale[0]} / ${q.zeroPoint[0] ?? 0}`;
  return `per-channel (${q.scale.length}, axis ${q.quantizedDimension})`;
}

function bufferName(kind: 'tensor' | 'scratch', index: number, sg: Subgraph | undefined): string {
  if (kind === 'scratch') return `scratch of layer ${index}`;
  const t = sg?.tensors[index];
  return t ? `tensor ${index} ${markdownCode(t.name)} [${t.shape.join(',')}] ${t.dtype}` : `tensor ${index}`;
}
