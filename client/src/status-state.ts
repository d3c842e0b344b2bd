/**
 * What the status bar item says for a manifest (pure: no vscode import, unit-tested): the board and RAM share from the
 * server's cost profile, and from the manifest's own diagnostics every budget that is broken (RAM, flash, latency,
 * energy, against the budget or the board), the operators the runtime cannot run and the manifest's errors. A
 * manifest the server cannot profile (a parse error, a missing model) still shows, with its errors.
 */
import type { CostProfileResult } from '../../server/src/lsp/protocol.js';
import { wholeSide } from './cost-profile/figures.js';
import { formatPercent } from './format.js';

/** The part of a diagnostic the status needs (vscode.Diagnostic has it; tests build it). */
export interface StatusDiagnostic {
  readonly code: string | null;
  /** 0 error, 1 warning, 2 information, 3 hint (vscode.DiagnosticSeverity). */
  readonly severity: number;
  readonly message: string;
  /** Zero-based line. */
  readonly line: number;
}

export interface StatusState {
  readonly text: string;
  /** Markdown: what is over and by how much, the problems, what a click does. */
  readonly tooltip: string;
  readonly background: 'error' | 'warning' | null;
}

/** The broken-budget codes and the resource each is about, in the order the text lists them. */
const OVER: readonly (readonly [string, string])[] = [
  ['ram-over-budget', 'RAM'], ['ram-over-target', 'RAM'],
  ['flash-over-budget', 'flash'], ['flash-over-target', 'flash'],
  ['latency-over-budget', 'latency'], ['energy-over-budget', 'energy'],
  // The whole firmware's arena fits no single RAM region (issue 10): as much a RAM overrun as the others.
  ['arena-region-too-small', 'arena region'],
];
const UNSUPPORTED = 'op-unsupported';

/** The status for a manifest: `result` null while the server has not answered. */
export function statusState(result: CostProfileResult | null, diagnostics: readonly StatusDiagnostic[]): StatusState {
  const overCodes = new Map(OVER);
  const over = [...new Set(OVER.filter(([code]) => diagnostics.some((d) => d.code === code)).map(([, what]) => what))];
  const unsupported = diagnostics.filter((d) => d.code === UNSUPPORTED).length;
  const errors = diagnostics.filter((d) => d.severity === 0);
  const warnings = diagnostics.filter((d) => d.severity === 1);
  const others = errors.filter((d) => !overCodes.has(d.code ?? '') && d.code !== UNSUPPORTED);
  const background = errors.length > 0 ? 'error' : warnings.length > 0 ? 'warning' : null;
  const icon = background === 'error' ? '$(error)' : background === 'warning' ? '$(warning)' : '$(circuit-board)';

  const parts: string[] = [];
  if (result?.kind === 'ok') {
    parts.push(result.target?.id ?? result.target?.name ?? 'no target');
    if (result.ramShare !== null) parts.push(`RAM ${formatPercent(result.ramShare)}`);
  } else {
    parts.push('TinyML');
  }
  if (over.length > 0) parts.push(`${over.join(', ')} over`);
  if (unsupported > 0) parts.push(`${unsupported} unsupported op${unsupported === 1 ? '' : 's'}`);
  if (others.length > 0) parts.push(`${others.length} manifest error${others.length === 1 ? '' : 's'}`);
  else if (result?.kind !== 'ok' && errors.length === 0 && warnings.length > 0) parts.push(`${warnings.length} warning${warnings.length === 1 ? '' : 's'}`);
  if (result?.kind !== 'ok' && parts.length === 1) parts.push(result ? 'not analysed' : 'analysing…');

  const lines: string[] = [];
  const headline = background === 'error' ? (over.length > 0 ? 'over budget' : unsupported > 0 ? 'the runtime cannot run this model' : 'the manifest has errors')
    : background === 'warning' ? 'within budget, with warnings' : result?.kind === 'ok' ? 'within every budget' : result ? `no figures: ${result.reason}` : 'analysing the model';
  lines.push(`**TinyML Lens**: ${headline}`);
  if (result?.kind === 'ok') lines.push(`Model \`${escapeCode(result.modelPath)}\` with ${result.runtime}${result.target ? ` on ${escapeMarkdown(result.target.name)}` : ''}.`);
  // The whole firmware's parts, each with how it is known (issue 10).
  if (result?.kind === 'ok' && result.whole) lines.push(`Flash: ${escapeMarkdown(wholeSide(result, 'flash'))}\n\nRAM: ${escapeMarkdown(wholeSide(result, 'ram'))}`);
  const listed = [...diagnostics.filter((d) => d.severity === 0), ...warnings].slice(0, 12);
  if (listed.length > 0) lines.push(listed.map((d) => `- ${d.severity === 0 ? '$(error)' : '$(warning)'} line ${d.line + 1}: ${escapeMarkdown(d.message)}`).join('\n'));
  if (errors.length + warnings.length > listed.length) lines.push(`…and ${errors.length + warnings.length - listed.length} more in the Problems panel.`);
  lines.push(result?.kind === 'ok' ? 'Click for the cloud-vs-TinyML cost profile.' : 'Click for the Problems panel.');
  return { text: `${icon} ${parts.join(' · ')}`, tooltip: lines.join('\n\n'), background };
}

/** Text for a Markdown tooltip: the characters Markdown would act on are escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&').replace(/\r?\n/g, ' ');
}

function escapeCode(text: string): string {
  return text.replace(/`/g, "'").replace(/\r?\n/g, ' ');
}
