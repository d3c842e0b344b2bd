/**
 * Hover on a listing row: the operator's tensors (shape, dtype, quantization, bytes), the arena buffers live while it
 * runs with their offsets, its persistent and scratch bytes, MACs, estimated time and support verdict. Op and tensor
 * names come from the model: Markdown-escaped (analysis/text.ts). Shape, type and quantization come before the name,
 * and a long name is shortened in the middle (listed in full under the table), so a converter's 120-character tensor
 * names never push the figures out of a hover.
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
  out.push('', '| | # | shape | dtype | scale / zero point | bytes | tensor |', '| --- | --- | --- | --- | --- | --- | --- |');
  const longNames: string[] = [];
  const row = (role: string, i: number): void => {
    const t = i >= 0 ? sg.tensors[i] : undefined;
    if (!t) return;
    const name = shortName(t.name);
    if (name !== t.name) longNames.push(`- ${i}: ${markdownCode(t.name)}`);
    out.push(`| ${role} | ${i} | [${t.shape.join(',')}] | ${t.dtype} | ${quant(t)} | ${t.bytes.toLocaleString('en-US')} | ${markdownCode(name, { table: true })} |`);
  };
  op.inputs.forEach((i) => row(i >= 0 && sg.tensors[i]?.isConstant ? 'const' : 'in', i));
  op.outputs.forEach((i) => row('out', i));
  if (longNames.length > 0) out.push('', ...longNames);
  out.push('', `**Arena while it runs**: ${formatBytes(layer.arenaLiveBytes)} live`);
  for (const b of [...layer.live].sort((a, c) => a.offset - c.offset)) {
    out.push(`- offset ${b.offset.toLocaleString('en-US')}: ${bufferName(b.kind, b.index, model.subgraphs[b.subgraph])}, ${b.bytes.toLocaleString('en-US')} B`);
  }
  out.push('', `persistent ${formatBytes(layer.persistentBytes)} · scratch ${formatBytes(layer.scratchBytes)} · MACs ${layer.macs.toLocaleString('en-US')}${time != null ? ` · ~${formatSeconds(time)}${check.cost?.calibration ? ` (${check.cost.calibration})` : ''}` : ''}${measured}${layer.peak ? ' · **peak**' : ''}`);
  const character = key.opStart;
  return { contents: { kind: 'markdown', value: out.join('\n') }, range: { start: { line: position.line, character: 0 }, end: { line: position.line, character: Math.max(character, line.length) } } };
}

/** Most characters of a tensor name shown in a hover row; longer names keep their start and end. */
export const NAME_CHARS = 32;

/** `serving_default_in…/conv2d_3/BiasAdd`: a long name cut in the middle, where converters repeat themselves. */
export function shortName(name: string, max = NAME_CHARS): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const head = Math.ceil((max - 1) * 0.4);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (max - 1 - head)).join('')}`;
}

function quant(t: Tensor): string {
  const q = t.quantization;
  if (!q || q.scale.length === 0) return '-';
  if (q.scale.length === 1) return `${Number((q.scale[0] ?? 0).toPrecision(4))} / ${q.zeroPoint[0] ?? 0}`;
  return `per-channel (${q.scale.length}, axis ${q.quantizedDimension})`;
}

function bufferName(kind: 'tensor' | 'scratch', index: number, sg: Subgraph | undefined): string {
  if (kind === 'scratch') return `scratch of layer ${index}`;
  const t = sg?.tensors[index];
  return t ? `tensor ${index} [${t.shape.join(',')}] ${t.dtype} ${markdownCode(shortName(t.name))}` : `tensor ${index}`;
}
