import type { AnalysisReport, LayerReport } from '../analysis/report.js';
import { visible } from '../analysis/text.js';
import { sourceLabel, type ModelSource } from '../convert/provenance.js';

// Thousands separators: integers (every figure in the table) grouped by hand, as en-US does, since a formatter call per
// cell is what a 100,000-row table feels; anything else through one formatter made on first use (toLocaleString would
// build a new one per call).
let formatter: Intl.NumberFormat | null = null;
const grouped = {
  format: (n: number): string => (Number.isSafeInteger(n) && !Object.is(n, -0)
    ? groupInteger(n)
    : (formatter ??= new Intl.NumberFormat('en-US')).format(n)),
};

/** An integer with en-US thousands separators, as Intl.NumberFormat('en-US') writes it, without its cost per call. */
function groupInteger(n: number): string {
  const digits = String(Math.abs(n));
  if (digits.length <= 3) return n < 0 ? `-${digits}` : digits;
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** Bytes as the product writes them everywhere: exact bytes, and KiB with one decimal beside larger figures. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return `${(bytes / 1024).toFixed(1)} KiB (${grouped.format(bytes)} B)`;
}

/** A count with thousands separators, compact above a million (e.g. 5.7 M). */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  return grouped.format(n);
}

/**
 * The JSON document `analyze --format json` prints (documented in README.md); `source`: where a model converted in
 * memory came from (absent for a .tflite).
 */
export function toJson(modelPath: string, report: AnalysisReport, source?: ModelSource): object {
  return {
    model: modelPath,
    ...sourceJson(source),
    runtime: report.runtime,
    codePath: report.codePath,
    abi: report.abi,
    status: report.status,
    unsupportedOps: report.unsupportedOps,
    memory: report.memory,
    flash: report.flash,
    macs: report.macs,
    dynamicInputs: report.dynamicInputs,
    layers: report.layers,
  };
}

/** `source: {format, convertedBy, from}` for a model converted in memory; nothing for a .tflite. */
export function sourceJson(source: ModelSource | undefined): { source?: ModelSource } {
  return source ? { source: { format: source.format, convertedBy: source.convertedBy, from: source.from } } : {};
}

/** The line under a text report's title for a model converted in memory (its figures are those of what `convert` writes). */
export function sourceText(source: ModelSource): string {
  return `${visible(sourceLabel(source))}: the float32 .tflite \`convert\` writes, analysed in memory`;
}

/**
 * The per-layer table and totals of `analyze --format text`; names from the model (and its path) through `visible`.
 * A converted model (`source`) says so once, under the title.
 */
export function toText(modelPath: string, report: AnalysisReport, source?: ModelSource): string {
  const lines: string[] = [];
  lines.push(`${visible(modelPath)} on ${report.runtime}`);
  if (source) lines.push(sourceText(source));
  lines.push('');
  const header = ['#', 'op', 'output shape', 'dtype', 'MACs', 'weights', 'live arena', ''];
  const multi = report.layers.some((x) => x.subgraph !== 0);
  // One flat array of cells, widths by a loop and each line by concatenation: no array, closure or Set per row, which
  // is what a 100,000-row table feels (a spread of rows into Math.max would also overflow the call stack).
  const columns = header.length;
  const cells: string[] = new Array<string>(report.layers.length * columns);
  const names = new Map<string, string>(); // op name -> visible(name): a model has few distinct ops
  for (let r = 0; r < report.layers.length; r++) layerCells(report.layers[r]!, multi, names, cells, r * columns);
  const widths = header.map((h) => h.length);
  for (let k = 0; k < cells.length; k++) {
    const i = k % columns;
    if (cells[k]!.length > widths[i]!) widths[i] = cells[k]!.length;
  }
  const fmt = (row: readonly string[], from: number): string => {
    let line = '';
    for (let i = 0; i < columns; i++) {
      const c = row[from + i]!;
      if (i > 0) line += '  ';
      line += RIGHT_ALIGNED[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
    }
    return line.trimEnd();
  };
  lines.push(fmt(header, 0));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  ').trimEnd());
  for (let k = 0; k < cells.length; k += columns) lines.push(fmt(cells, k));
  lines.push('');
  const m = report.memory;
  const failsAtInvoke = report.status === 'ok' && report.unsupportedOps.some((u) => u.stage === 'invoke');
  lines.push(`status            ${report.status}${m.exact ? '' : ' (memory figures are an estimate)'}${failsAtInvoke ? ' (allocates, but fails at Invoke: see below)' : ''}`);
  lines.push(`tensor arena      ${formatBytes(m.minArenaBytes)}  <- kTensorArenaSize (smallest arena AllocateTensors() accepts)`);
  lines.push(`arena used        ${formatBytes(m.arenaUsedBytes)}  = head ${formatBytes(m.headBytes)} + tail ${formatBytes(m.tailBytes)}`);
  lines.push(`flash (model)     ${formatBytes(report.flash.modelBytes)}, of which weights ${formatBytes(report.flash.weightBytes)}`);
  lines.push(`MACs              ${formatCount(report.macs)}`);
  for (const u of report.unsupportedOps) {
    lines.push(`${u.stage === 'invoke' ? 'fails at Invoke  ' : 'unsupported      '} ${visible(u.op)}${u.dtype ? ` (${u.dtype})` : ''} at layer${u.layers.length > 1 ? 's' : ''} ${u.layers.join(', ')} of subgraph ${u.subgraph}: ${visible(u.reason)}`);
  }
  for (const note of m.notes) lines.push(`note              ${visible(note)}`);
  return lines.join('\n');
}

/** Columns written right-aligned: #, MACs, weights, live arena. */
const RIGHT_ALIGNED = [true, false, false, false, true, true, true, false];

/** One row of the table into `cells` from `at`; `multi` (some layer outside subgraph 0) numbers layers as subgraph:index. */
function layerCells(l: LayerReport, multi: boolean, names: Map<string, string>, cells: string[], at: number): void {
  let op = names.get(l.op);
  if (op === undefined) names.set(l.op, (op = visible(l.op)));
  cells[at] = multi ? `${l.subgraph}:${l.index}` : String(l.index);
  cells[at + 1] = op;
  cells[at + 2] = `[${l.outputShape.join(',')}]`;
  cells[at + 3] = l.dtype ?? '-';
  cells[at + 4] = l.macs ? formatCount(l.macs) : '-';
  cells[at + 5] = l.weightBytes ? grouped.format(l.weightBytes) : '-';
  cells[at + 6] = grouped.format(l.arenaLiveBytes);
  cells[at + 7] = l.unsupported ? 'UNSUPPORTED' : l.peak ? '<- peak' : '';
}
