/**
 * Hovers: the model summary, each budget's use, the runtime, the target, and the docs of any other key. Names from the
 * model, the file system or a workspace catalog go through `markdownText` / `markdownCode` (analysis/text.ts).
 */
import type { Hover, Position } from 'vscode-languageserver';
import { markdownCode, markdownText } from '../analysis/text.js';
import { fieldAt } from '../manifest/keys.js';
import { formatBytes, formatHertz, formatJoules, formatSeconds } from '../manifest/units.js';
import { unsupportedGroups } from './diagnostics.js';
import { ramRegionsOf } from '../targets/regions.js';
import { wholeHover } from './fit-messages.js';
import { bar, percent, type ResourceFit } from './footprint.js';
import { fieldAtOffset } from './locate.js';
import { tfjsModelHover } from './tfjs-manifest.js';
import type { Providers } from './providers.js';
import { analysisLimit, convertedLabel, withNote } from './messages.js';
import { unsavedModelNote, type ManifestCheck } from './workspace.js';

/** The hover at `position`, or null. */
export function hover(check: ManifestCheck, position: Position, providers: Providers): Hover | null {
  const doc = check.document;
  const hit = fieldAtOffset(check.parse.manifest, doc.offsetAt(position));
  if (!hit) return null;
  const { field } = hit;
  const text = contents(check, field.path, providers);
  if (!text) return null;
  const span = hit.onKey ? field.keySpan : field.valueSpan;
  return { contents: { kind: 'markdown', value: text }, range: { start: doc.positionAt(span.start), end: doc.positionAt(span.end) } };
}

function contents(check: ManifestCheck, path: string, providers: Providers): string | null {
  const fit = check.fit;
  switch (path) {
    case 'model':
      return tfjsModelHover(check) ?? modelHover(check);
    case 'budgets.ram':
      return fit ? `${bytesHover('RAM', fit.ram, 'arena', 'SRAM')}\n\n${wholeHover(fit.whole, 'ram')}` : docOf(path);
    case 'budgets.flash':
      return fit ? `${bytesHover('Flash', fit.flash, 'model file', 'flash')}\n\n${wholeHover(fit.whole, 'flash')}` : docOf(path);
    case 'arena_region':
      return arenaRegionHover(check);
    case 'budgets.latency':
    case 'budgets.energy':
      return costHover(check, path === 'budgets.latency' ? 'latency' : 'energy');
    case 'runtime': {
      const name = check.parse.manifest.runtime?.value;
      const info = name ? providers.runtimes.get(name) : null;
      if (info) return runtimeHover(check, info.id, info.description);
      return `${docOf(path)}\n\nKnown runtimes: ${providers.runtimes.all().map((r) => `\`${r.id}\``).join(', ')}`;
    }
    case 'target':
      return targetHover(check);
    default:
      return docOf(path);
  }
}

function docOf(path: string): string | null {
  const spec = fieldAt(path);
  return spec ? `**${path}**: ${spec.doc}` : null;
}

function modelHover(check: ManifestCheck): string {
  const load = check.load;
  const report = check.report;
  const note = unsavedModelNote(check);
  if (!load && check.pending && check.modelPath) return `\`${check.modelPath}\`: loading…`;
  if (!load) return note ?? docOf('model') ?? '';
  if (load.kind === 'missing') return withNote(`Model file not found: ${markdownCode(load.path)}`, note);
  if (load.kind === 'unreadable') return `Model file cannot be read: ${markdownText(load.reason)}`;
  if (load.kind === 'malformed') return `Not a valid .tflite model: ${markdownText(load.error.message)}`;
  if (load.kind === 'unconverted') return markdownText(`Not converted by TinyML Lens: ${load.error.message} [${load.error.code}]`);
  if (check.failure) return markdownText(analysisLimit(load.path.split(/[\\/]/).pop() ?? load.path, check.failure));
  if (check.pending) return `${markdownCode(load.path)}: analysing… (the figures follow when the analysis is done)`;
  if (!report) return markdownCode(load.path);
  const weights = report.flash.weightBytes;
  const peak = report.layers.find((l) => l.peak);
  const lines = [
    `**${markdownText(load.path.split(/[\\/]/).pop() ?? load.path)}** for \`${report.runtime}\``,
    ...(load.kind === 'ok' && load.source ? ['', `*${markdownText(convertedLabel(load.source))}*`] : []),
    ...(check.runtimeFromTarget && check.runtime ? ['', `Runtime \`${check.runtime.id}\`: the target's own (as \`tinyml-lens fit\` picks it); add \`runtime:\` to choose another.`] : []),
    '',
    `| | |`,
    `| --- | --- |`,
    `| layers | ${report.layers.length} |`,
    `| MACs | ${report.macs.toLocaleString('en-US')} |`,
    `| weights | ${formatBytes(weights)} (file ${formatBytes(report.flash.modelBytes)}) |`,
    `| tensor arena | ${formatBytes(report.memory.minArenaBytes)} (${report.memory.minArenaBytes.toLocaleString('en-US')} B, for \`kTensorArenaSize\`)${report.memory.exact ? '' : ', estimate'} |`,
    `| arena used | head ${formatBytes(report.memory.headBytes)} + tail ${formatBytes(report.memory.tailBytes)} |`,
  ];
  if (peak) lines.push(`| peak layer | ${peak.index} ${markdownText(peak.op)}: ${formatBytes(peak.arenaLiveBytes)} live |`);
  const unsupported = unsupportedGroups(check);
  if (unsupported.length > 0) lines.push(`| unsupported | ${unsupported.map((u) => markdownText(u.op)).join(', ')} |`);
  if (check.support) {
    const optimized = check.support.layers.filter((l) => l.verdict === 'optimized').length;
    lines.push(`| optimized | ${optimized} of ${check.support.layers.length} layers${check.support.layers.some((l) => l.unit === 'npu') ? ` (${check.support.layers.filter((l) => l.unit === 'npu').length} on the NPU)` : ''} |`);
  }
  const cost = check.fit?.cost;
  if (cost?.seconds != null) lines.push(`| time | ~${formatSeconds(cost.seconds)}${cost.lowSeconds != null && cost.highSeconds != null ? ` (${formatSeconds(cost.lowSeconds)}–${formatSeconds(cost.highSeconds)})` : ''} |`);
  if (cost?.joules != null) lines.push(`| energy | ~${formatJoules(cost.joules)} |`);
  if (report.memory.notes.length > 0) lines.push('', ...report.memory.notes.map((n) => `- ${markdownText(n)}`));
  return lines.join('\n');
}

function bytesHover(what: string, fit: ResourceFit, modelPart: string, targetPart: string): string {
  const margin = fit.marginBytes > 0 ? ` + safety margin ${formatBytes(fit.marginBytes)}` : '';
  const lines = [`**${what}**: needs ${formatBytes(fit.needBytes)} = ${modelPart} ${formatBytes(fit.modelBytes)} + reserve ${formatBytes(fit.reserveBytes)}${margin}`, ''];
  if (fit.budget) {
    const share = fit.needBytes / fit.budget.value.value;
    lines.push(`budget \`${bar(share)}\` ${formatBytes(fit.needBytes)} / ${formatBytes(fit.budget.value.value)} (${percent(share)})`, '');
  }
  if (fit.targetBytes !== null) {
    const share = fit.needBytes / fit.targetBytes;
    lines.push(`target ${targetPart} \`${bar(share)}\` ${formatBytes(fit.needBytes)} / ${formatBytes(fit.targetBytes)} (${percent(share)})`);
  }
  return lines.join('\n');
}

function costHover(check: ManifestCheck, kind: 'latency' | 'energy'): string {
  const budget = check.parse.manifest.budgets[kind];
  const cost = check.fit?.cost;
  const value = kind === 'latency' ? cost?.seconds : cost?.joules;
  const fmt = kind === 'latency' ? formatSeconds : formatJoules;
  if (value == null || !budget) {
    return `**${kind}** budget${budget ? ` ${fmt(budget.value.value)}` : ''}: not estimated yet (no ${kind} model for this target).`;
  }
  const share = value / budget.value.value;
  return `**${kind}**: \`${bar(share)}\` ~${fmt(value)} / ${fmt(budget.value.value)} (${percent(share)})\n\n${cost?.basis ?? ''}`;
}

function targetHover(check: ManifestCheck): string {
  const t = check.target;
  if (!t) return docOf('target') ?? '';
  if (t.kind === 'no-catalog') return 'No MCU catalog is installed yet: the target id is not checked. Use an inline board `{sram, flash, core, clock}` to check RAM and flash.';
  if (t.kind === 'unknown') return `Unknown target.${t.suggestions.length > 0 ? ` Did you mean ${t.suggestions.map(markdownText).join(', ')}?` : ''}`;
  const s = t.spec;
  const specs = [
    s.core ? `core ${markdownText(s.core)}${s.fpu === true ? ' (FPU)' : s.fpu === false ? ' (no FPU)' : ''}` : null,
    s.clockHz !== null ? `clock ${formatHertz(s.clockHz)}` : null,
    s.sramBytes !== null ? `SRAM ${formatBytes(s.sramBytes)}` : null,
    s.flashBytes !== null ? `flash ${formatBytes(s.flashBytes)}` : null,
  ].filter((x) => x !== null);
  const whole = check.fit ? `\n\n${wholeHover(check.fit.whole, 'flash')}\n\n${wholeHover(check.fit.whole, 'ram')}` : '';
  return `**${markdownText(s.name)}**\n\n${specs.join(' · ')}${whole}`;
}

/** `arena_region:`: the target's regions, which one holds the arena, and the sources. */
function arenaRegionHover(check: ManifestCheck): string {
  const spec = check.target?.kind === 'found' ? check.target.spec : null;
  const regions = spec?.mcu ? ramRegionsOf(spec.mcu) : [];
  const doc = docOf('arena_region') ?? '';
  if (regions.length === 0) return doc;
  const placed = check.fit?.whole.arena.region ?? null;
  const rows = regions.map((r) => `| ${r.name === placed ? '**' : ''}${markdownText(r.name)}${r.name === placed ? '**' : ''} | ${formatBytes(r.kiB * 1024)} | ${r.kind}${r.board ? ` (${markdownText(r.board)})` : ''} | ${markdownText(r.banks)} | ${markdownText(r.source)} |`);
  return [doc, '', '| region | size | kind | banks | source |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** The runtime's description and, with a model, what it does with it: optimized, reference, on the NPU, unsupported. */
function runtimeHover(check: ManifestCheck, id: string, description: string): string {
  const lines = [`**${id}**`, '', description];
  const s = check.support;
  if (s && s.runtime === id) {
    const layers = s.layers;
    const count = (f: (l: (typeof layers)[number]) => boolean): number => layers.filter(f).length;
    lines.push('', `This model: ${count((l) => l.verdict === 'optimized')} optimized, ${count((l) => l.verdict === 'reference')} reference, ${count((l) => l.verdict.startsWith('unsupported'))} unsupported of ${s.layers.length} layers${count((l) => l.unit === 'npu') > 0 ? `; ${count((l) => l.unit === 'npu')} on the NPU` : ''}.`);
    lines.push(...s.notes.map((n) => `- ${markdownText(n)}`));
  }
  return lines.join('\n');
}
