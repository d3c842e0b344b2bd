/** The cost profile as Markdown or JSON, for "Export": the server's figures, formatted, every assumption with its source. */
import type { CostProfileResult } from '../../../server/src/lsp/protocol.js';
import { assumptionText, figures } from './figures.js';

/** Markdown: the side-by-side table, the fleet crossover, and the assumptions with their sources. */
export function toMarkdown(r: Extract<CostProfileResult, { kind: 'ok' }>): string {
  const f = figures(r);
  const p = r.profile;
  const rows = [
    ['Latency per inference', f['tinyml.latency'], f['cloud.latency']],
    ['Device energy per inference', f['tinyml.energy'], f['cloud.energy']],
    ['Battery life', f['tinyml.battery'], f['cloud.battery']],
    ['Bytes leaving the device per day', f['tinyml.bytesPerDay'], f['cloud.bytesPerDay']],
    ['What leaves the device', p.tinyml.dataLeaving, p.cloud.dataLeaving],
    [`Money per month, ${f['fleetSize']} devices`, f['tinyml.monthly'], f['cloud.monthly']],
  ];
  const lines = [
    `# Cost profile: ${r.modelPath}`,
    '',
    `Target ${r.target?.name ?? 'none'}, runtime ${r.runtime}, link ${p.link.label}. RAM ${f['tinyml.ram']}, flash ${f['tinyml.flash']}.`,
    `Whole firmware: flash ${f['tinyml.firmwareFlash']}; RAM ${f['tinyml.firmwareRam']}.`,
    '',
    '| | TinyML (on device) | Cloud ML |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    `Crossover: ${f['crossover']}.`,
    '',
    '## Assumptions',
    '',
    '| key (cloud:) | value | source |',
    '| --- | --- | --- |',
    ...p.assumptions.map((a) => `| \`${a.key}\` | ${assumptionText(a)} | ${a.source.replace(/\|/g, '\\|')} |`),
    '',
    ...p.notes.map((n) => `- ${n}`),
    '',
  ];
  return lines.join('\n');
}

/** JSON: the server's result as is (numbers in base units: s, J, B, USD). */
export function toJson(r: Extract<CostProfileResult, { kind: 'ok' }>): string {
  return JSON.stringify(r, null, 2) + '\n';
}
