import type { AnalysisReport } from '../analysis/report.js';
import type { ModelSource } from '../convert/provenance.js';
import { dynamicInputNote } from '../analysis/shapes.js';
import type { TfjsReport } from '../analysis/tfjs.js';
import type { JsonSpan } from '../model/tfjs/json-spans.js';

/** Rules the CLI can report, with stable ids shared with the language server's diagnostic codes. */
const RULES = [
  {
    id: 'op-unsupported',
    name: 'OperatorUnsupported',
    shortDescription: { text: 'The runtime cannot run this operator (no kernel, or its Prepare rejects the types).' },
    defaultConfiguration: { level: 'error' },
  },
  {
    id: 'dynamic-input-shape',
    name: 'DynamicInputShape',
    shortDescription: { text: 'An input has a dynamic dimension; the model is analysed (and TFLM allocates it) at the stored shape.' },
    defaultConfiguration: { level: 'warning' },
  },
  {
    id: 'model-not-converted',
    name: 'ModelNotConverted',
    shortDescription: { text: 'The source model (ONNX, Keras, TF.js) cannot be converted to .tflite: a layer or node without a mapping, or an unreadable file.' },
    defaultConfiguration: { level: 'error' },
  },
  {
    id: 'model-malformed',
    name: 'ModelMalformed',
    shortDescription: { text: 'The model file cannot be read.' },
    defaultConfiguration: { level: 'error' },
  },
] as const;

/**
 * A SARIF 2.1.0 log for one analysed model. For a model converted in memory (`source`), every location stays on the
 * source file (`modelUri`); operator indices are those of the converted .tflite, and the run's properties say so.
 * `error`: a malformed file (byte offset) or a source the converter refused (`where`: the layer or node it names).
 */
export function toSarif(modelUri: string, report: AnalysisReport | null, error: { message: string; offset: number } | { message: string; where: string } | null, version: string, source?: ModelSource): object {
  const results = error ? ['where' in error ? notConverted(modelUri, error) : malformed(modelUri, error)] : [];
  for (const u of report?.unsupportedOps ?? []) {
    for (const layer of u.layers) {
      results.push({
        ruleId: 'op-unsupported',
        level: 'error',
        message: { text: `${u.op}${u.dtype ? ` (${u.dtype})` : ''} at layer ${layer} of subgraph ${u.subgraph} cannot run on ${report!.runtime}: ${u.reason}` },
        locations: [{
          physicalLocation: { artifactLocation: { uri: modelUri } },
          logicalLocations: [{ fullyQualifiedName: `subgraph[${u.subgraph}].operator[${layer}]`, kind: 'function' }],
        }],
      });
    }
  }
  for (const d of report?.dynamicInputs ?? []) {
    results.push({
      ruleId: 'dynamic-input-shape',
      level: 'warning',
      message: { text: dynamicInputNote(d) },
      locations: [{
        physicalLocation: { artifactLocation: { uri: modelUri } },
        logicalLocations: [{ fullyQualifiedName: `subgraph[0].tensor[${d.tensor}]`, name: d.name, kind: 'variable' }],
      }],
    });
  }
  const converted = source ? { source: { format: source.format, convertedBy: source.convertedBy, from: source.from } } : {};
  return log(modelUri, results, version, report ? { runtime: report.runtime, memory: report.memory, flash: report.flash, macs: report.macs, ...converted } : null);
}

function notConverted(modelUri: string, error: { message: string; where: string }): object {
  return {
    ruleId: 'model-not-converted',
    level: 'error',
    message: { text: error.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: modelUri } }, logicalLocations: [{ fullyQualifiedName: error.where }] }],
  };
}

/**
 * A SARIF 2.1.0 log for an analysed TF.js model.json: one `op-unsupported` result per layer TFLM cannot run, on the
 * layer's entry in the JSON text (`spans` by layer index).
 */
export function tfjsToSarif(modelUri: string, analysed: { runtime: string; report: TfjsReport } | null, spans: readonly (JsonSpan | null)[], error: { message: string; offset: number } | null, version: string): object {
  const results = error ? [malformed(modelUri, error)] : [];
  for (const u of analysed?.report.unsupportedLayers ?? []) {
    const span = spans[u.index];
    results.push({
      ruleId: 'op-unsupported',
      level: 'error',
      message: { text: `layer ${u.index} '${u.name}' (${u.className}) cannot run on ${analysed!.runtime}: ${u.reason}` },
      locations: [{
        physicalLocation: { artifactLocation: { uri: modelUri }, ...(span ? { region: { charOffset: span.start, charLength: span.end - span.start } } : {}) },
        logicalLocations: [{ fullyQualifiedName: `layers[${u.index}]`, name: u.name, kind: 'function' }],
      }],
    });
  }
  return log(modelUri, results, version, analysed ? { runtime: analysed.runtime, estimate: analysed.report.estimate } : null);
}

function malformed(modelUri: string, error: { message: string; offset: number }): object {
  return {
    ruleId: 'model-malformed',
    level: 'error',
    message: { text: error.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: modelUri }, region: { byteOffset: error.offset, byteLength: 1 } } }],
  };
}

function log(modelUri: string, results: object[], version: string, properties: object | null): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'tinyml-lens', version, rules: RULES } },
      artifacts: [{ location: { uri: modelUri } }],
      results,
      ...(properties ? { properties } : {}),
    }],
  };
}
