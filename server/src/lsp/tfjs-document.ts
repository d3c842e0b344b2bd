/**
 * TF.js model.json documents open in the editor: `op-unsupported` on the class (or op) of every layer TFLM cannot
 * run, and a hover on each layer's entry with its footprint (parameters and activations, float32 and int8) and the
 * TFLite ops the converter would emit. The verdicts come from the core (analysis/tfjs.ts).
 */
import { DiagnosticSeverity, type Diagnostic, type Hover, type Position, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { markdownText, visible } from '../analysis/text.js';
import { tfjsLayerProblem, tfliteLowering, unsupportedLayers } from '../analysis/tfjs.js';
import type { KernelSet } from '../analysis/tflm/kernels/types.js';
import { formatBytes } from '../manifest/units.js';
import type { TfjsLayer, TfjsModel } from '../model/tfjs/reader.js';
import { Code, SOURCE } from './codes.js';

/** Diagnostics for an open model.json; `runtime` names the runtime in messages and data. */
export function tfjsDiagnostics(model: TfjsModel, document: TextDocument, runtime: { id: string; kernels: KernelSet }): Diagnostic[] {
  return unsupportedLayers(model, runtime.kernels).map(({ layer, reason }) => ({
    range: classRange(document, layer),
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    code: Code.opUnsupported,
    message: `${runtime.id} cannot run layer '${visible(layer.name)}': ${visible(reason)}.`,
    data: { op: layer.className, dtype: null, subgraph: 0, layers: [layer.index], runtime: runtime.id, layer: layer.name, tflite: layer.tflite },
  }));
}

/** The hover on a layer's entry in an open model.json. */
export function tfjsHover(model: TfjsModel, document: TextDocument, position: Position, kernels: KernelSet): Hover | null {
  const offset = document.offsetAt(position);
  const layer = model.layers.find((l) => l.span && offset >= l.span.start && offset < l.span.end);
  if (!layer?.span) return null;
  const problem = tfjsLayerProblem(layer, kernels);
  const shapes = layer.outputShapes.map((s) => `[${s.join(',')}]`).join(', ') || 'unknown';
  const lines = [
    `**${markdownText(layer.name)}** (${markdownText(layer.className)})`,
    '',
    '| | float32 | int8 (quantized) |',
    '| --- | --- | --- |',
    `| parameters (${layer.params.toLocaleString('en-US')}) | ${formatBytes(layer.weightBytesFloat32)} | ${formatBytes(layer.weightBytesInt8)} |`,
    `| output activations ${shapes} | ${formatBytes(layer.activationBytesFloat32)} | ${formatBytes(layer.activationBytesInt8)} |`,
    '',
    `TFLite: ${markdownText(tfliteLowering(layer))}`,
    problem ? `\n**TFLM cannot run it**: ${markdownText(problem)}.` : '',
  ];
  return { contents: { kind: 'markdown', value: lines.join('\n').trimEnd() }, range: rangeOf(document, layer.span.start, layer.span.end) };
}

/** The `"class_name": "X"` (or graph `"op": "X"`) value inside the layer's entry, else the whole entry. */
function classRange(document: TextDocument, layer: TfjsLayer): Range {
  if (!layer.span) return rangeOf(document, 0, 0);
  const text = document.getText().slice(layer.span.start, layer.span.end);
  const m = /"(?:class_name|op)"\s*:\s*("[^"]*")/.exec(text);
  if (!m || m.index === undefined) return rangeOf(document, layer.span.start, layer.span.end);
  const start = layer.span.start + m.index + m[0].length - (m[1] ?? '').length;
  return rangeOf(document, start, start + (m[1] ?? '').length);
}

function rangeOf(document: TextDocument, start: number, end: number): Range {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}
