import type { AnalysisReport } from '../analysis/report.js';

/** Rules the CLI can report, with stable ids shared with the language server's diagnostic codes. */
const RULES = [
  {
    id: 'op-unsupported',
    name: 'OperatorUnsupported',
    shortDescription: { text: 'The runtime cannot run this operator (no kernel, or its Prepare rejects the types).' },
    defaultConfiguration: { level: 'error' },
  },
  {
    id: 'model-malformed',
    name: 'ModelMalformed',
    shortDescription: { text: 'The model file cannot be read.' },
    defaultConfiguration: { level: 'error' },
  },
] as const;

/** A SARIF 2.1.0 log for one analysed model. */
export function toSarif(modelUri: string, report: AnalysisReport | null, error: { message: string; offset: number } | null, version: string): object {
  const results: object[] = [];
  if (error) {
    results.push({
      ruleId: 'model-malformed',
      level: 'error',
      message: { text: error.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: modelUri }, region: { byteOffset: error.offset, byteLength: 1 } } }],
    });
  }
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
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'tinyml-lens', version, rules: RULES } },
      artifacts: [{ location: { uri: modelUri } }],
      results,
      ...(report ? { properties: { runtime: report.runtime, memory: report.memory, flash: report.flash, macs: report.macs } } : {}),
    }],
  };
}
