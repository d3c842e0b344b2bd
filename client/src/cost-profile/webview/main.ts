/**
 * The cost-profile page (bundled for the browser into dist/webview/cost-profile.js). It renders what the host posts —
 * the server's figures — and computes nothing: the display strings come from figures.ts, shared with the export.
 * Colours come from the VS Code theme's CSS variables, so light, dark and high-contrast themes all work, and a theme
 * change redraws the charts (canvas colours are read once per drawing). A figure the server does not know is drawn as
 * nothing and labelled "unknown", never as zero; a broken budget is red.
 */
import { Chart, registerables, type ChartConfiguration } from 'chart.js';
import type { CostProfileResult } from '../../../../server/src/lsp/protocol.js';
import { assumptionText, bytes, figures, joules, overLimit, usd } from '../figures.js';
import type { FromWebview, ToWebview } from '../messages.js';
import { el, table } from './dom.js';

Chart.register(...registerables);

interface VsCodeApi {
  postMessage(message: FromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const charts: Chart[] = [];
/** The last profile shown, redrawn when the theme changes. */
let last: { result: CostProfileResult; trusted: boolean } | null = null;

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function palette(): Record<'fg' | 'grid' | 'tinyml' | 'cloud' | 'peak' | 'radio', string> {
  return {
    fg: themeColor('--vscode-foreground', '#ccc'),
    grid: themeColor('--vscode-charts-lines', 'rgba(128,128,128,0.3)'),
    tinyml: themeColor('--vscode-charts-green', '#89d185'),
    cloud: themeColor('--vscode-charts-blue', '#3794ff'),
    peak: themeColor('--vscode-charts-red', '#f14c4c'),
    radio: themeColor('--vscode-charts-orange', '#d18616'),
  };
}

type Ok = Extract<CostProfileResult, { kind: 'ok' }>;

function render(result: CostProfileResult, trusted: boolean): void {
  last = { result, trusted };
  for (const c of charts.splice(0)) c.destroy();
  const app = document.getElementById('app')!;
  app.replaceChildren();
  if (result.kind !== 'ok') {
    app.append(el('p', { id: 'status', class: 'unavailable' }, `No cost profile: ${result.reason}.`));
    vscode.postMessage({ type: 'rendered', figures: { status: result.reason }, charts: 0 });
    return;
  }
  const f = figures(result);
  const p = result.profile;
  app.append(
    el('header', {},
      el('h1', {}, 'Cloud ML vs TinyML'),
      el('p', { class: 'subtitle' }, `${result.target?.name ?? 'No target'} · ${result.runtime} · link ${p.link.label} · ${f['fleetSize']} devices`),
      el('div', { class: 'actions' },
        button('Export Markdown', () => vscode.postMessage({ type: 'export', format: 'markdown' })),
        button('Export JSON', () => vscode.postMessage({ type: 'export', format: 'json' })))),
    comparison(result, f),
    el('p', { id: 'crossover', class: 'crossover' }, `Crossover: ${f['crossover']}.`),
    el('section', { class: 'charts' },
      chartBox('chart-arena', 'Tensor arena occupancy over the execution order'),
      chartBox('chart-fleet', 'Money per month against fleet size'),
      chartBox('chart-energy', 'Device energy per inference')),
    assumptions(result, trusted),
    el('ul', { class: 'notes' }, ...p.notes.map((n) => el('li', {}, n))),
  );
  drawArena(result);
  drawFleet(result);
  drawEnergy(result);
  vscode.postMessage({ type: 'rendered', figures: f, charts: charts.length });
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button' }, label);
  b.addEventListener('click', onClick);
  return b;
}

function chartBox(id: string, title: string): HTMLElement {
  return el('figure', { class: 'chart' }, el('figcaption', {}, title), el('div', { class: 'canvas-box' }, el('canvas', { id, role: 'img', 'aria-label': title })));
}

function comparison(r: Ok, f: Record<string, string>): HTMLElement {
  const p = r.profile;
  const row = (label: string, key: string): [string, HTMLElement, HTMLElement] => [label, el('span', { id: `tinyml-${key}` }, f[`tinyml.${key}`] ?? ''), el('span', { id: `cloud-${key}` }, f[`cloud.${key}`] ?? '')];
  const ram = meter('ram', p.tinyml.ram.needBytes, p.tinyml.ram.budgetBytes ?? p.tinyml.ram.targetBytes, f['tinyml.ram'] ?? '', overLimit(p.tinyml.ram));
  const flash = meter('flash', p.tinyml.flash.needBytes, p.tinyml.flash.budgetBytes ?? p.tinyml.flash.targetBytes, f['tinyml.flash'] ?? '', overLimit(p.tinyml.flash));
  return table('comparison', ['', 'TinyML (on device)', 'Cloud ML'], [
    row('Latency per inference', 'latency'),
    row('Device energy per inference', 'energy'),
    row('Battery life at this rate', 'battery'),
    row('Bytes leaving the device per day', 'bytesPerDay'),
    ['What leaves the device', p.tinyml.dataLeaving, el('span', { class: 'warn' }, p.cloud.dataLeaving)],
    [`Money per month (${f['fleetSize']} devices)`, el('span', { id: 'tinyml-monthly' }, f['tinyml.monthly'] ?? ''), el('span', { id: 'cloud-monthly' }, f['cloud.monthly'] ?? '')],
    ['RAM', ram, '—'],
    ['Flash', flash, '—'],
    ...wholeRows(r, f),
  ]);
}

/** The whole firmware against the board (issue 10): a meter per side with its parts, each labelled how it is known. */
function wholeRows(r: Ok, f: Record<string, string>): [string, HTMLElement, string][] {
  const w = r.whole;
  if (!w) return [];
  return [
    ['Whole firmware flash', meter('firmware-flash', w.flash.needBytes, w.flash.capacityBytes, f['tinyml.firmwareFlash'] ?? '', w.flash.capacityBytes !== null && w.flash.needBytes > w.flash.capacityBytes), '—'],
    ['Whole firmware RAM', meter('firmware-ram', w.ram.needBytes, w.ram.capacityBytes, f['tinyml.firmwareRam'] ?? '', w.ram.capacityBytes !== null && w.ram.needBytes > w.ram.capacityBytes), '—'],
  ];
}

/** A bar of need against the limit; over the budget or the board, bar and text turn the theme's error colour. */
function meter(id: string, need: number, limit: number | null, text: string, over: boolean): HTMLElement {
  const share = limit ? need / limit : 0;
  const bar = el('div', { class: `meter${over || share > 1 ? ' over' : ''}`, role: 'meter', 'aria-valuenow': String(Math.round(share * 100)), 'aria-label': id });
  bar.append(el('div', { class: 'fill', 'data-share': String(Math.min(100, Math.round(share * 100))) }));
  // Width through CSSOM (the CSP forbids inline style attributes in markup, not style properties set from script).
  (bar.firstChild as HTMLElement).style.width = `${Math.min(100, share * 100)}%`;
  return el('div', { id: `tinyml-${id}` }, bar, el('span', over ? { class: 'over' } : {}, over ? `${text} (over)` : text));
}

function assumptions(r: Ok, trusted: boolean): HTMLElement {
  const rows = r.profile.assumptions.map((a): [HTMLElement, string, string, HTMLElement] => {
    const edit = button('Edit', () => vscode.postMessage({ type: 'edit', key: a.key }));
    edit.title = `Select cloud.${a.key} in the manifest`;
    return [el('code', {}, a.key), assumptionText(a), a.source, el('span', { class: a.fromManifest ? 'set' : '' }, edit)];
  });
  const section = el('section', { id: 'assumptions' }, el('h2', {}, 'Assumptions (the manifest\'s cloud: section)'));
  if (!trusted) section.append(el('p', { class: 'subtitle' }, 'Untrusted workspace: edits stay in the editor until you save them.'));
  section.append(table('assumption-table', ['key', 'value', 'source', ''], rows));
  return section;
}

function baseOptions(): ChartConfiguration['options'] {
  const c = palette();
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    color: c.fg,
    plugins: { legend: { labels: { color: c.fg } } },
    scales: { x: { ticks: { color: c.fg }, grid: { color: c.grid } }, y: { ticks: { color: c.fg }, grid: { color: c.grid } } },
  };
}

function canvas(id: string): HTMLCanvasElement {
  return document.getElementById(id) as HTMLCanvasElement;
}

function drawArena(r: Ok): void {
  const c = palette();
  const layers = r.profile.layers;
  const options = baseOptions()!;
  charts.push(new Chart(canvas('chart-arena'), {
    type: 'bar',
    data: {
      labels: layers.map((l) => `${l.subgraph ? `${l.subgraph}:` : ''}${l.index} ${l.op}`),
      datasets: [{ label: 'live arena (KiB)', data: layers.map((l) => l.arenaLiveBytes / 1024), backgroundColor: layers.map((l) => (l.peak ? c.peak : c.tinyml)) }],
    },
    options: { ...options, plugins: { ...options.plugins, tooltip: { callbacks: { label: (ctx) => bytes(layers[ctx.dataIndex]!.arenaLiveBytes) } } } },
  }));
}

/** Log axes label only powers of ten: the 2s and 5s in between crowd the axis. */
function decade(v: string | number): boolean {
  return Math.abs(Math.log10(Number(v)) - Math.round(Math.log10(Number(v)))) < 1e-9;
}

function drawFleet(r: Ok): void {
  const c = palette();
  const pts = r.profile.fleet.points;
  const cross = r.profile.fleet.crossover;
  const options = baseOptions()!;
  const crossPoint = pts.find((x) => x.devices === cross);
  charts.push(new Chart(canvas('chart-fleet'), {
    type: 'line',
    data: {
      datasets: [
        { label: 'Cloud ML', data: pts.map((x) => ({ x: x.devices, y: x.cloud })), borderColor: c.cloud, backgroundColor: c.cloud, pointRadius: 0 },
        { label: 'TinyML', data: pts.map((x) => ({ x: x.devices, y: x.tinyml })), borderColor: c.tinyml, backgroundColor: c.tinyml, pointRadius: 0 },
        ...(crossPoint ? [{ label: `crossover: ${cross!.toLocaleString('en-US')} devices`, data: [{ x: crossPoint.devices, y: crossPoint.tinyml }], borderColor: c.peak, backgroundColor: c.peak, pointRadius: 6, showLine: false }] : []),
      ],
    },
    options: {
      ...options,
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: 'devices', color: c.fg }, ticks: { color: c.fg, callback: (v) => (decade(v) ? Number(v).toLocaleString('en-US') : '') }, grid: { color: c.grid } },
        y: { type: 'logarithmic', title: { display: true, text: 'USD per month', color: c.fg }, ticks: { color: c.fg, callback: (v) => (decade(v) ? usd(Number(v)) : '') }, grid: { color: c.grid } },
      },
    },
  }));
}

function drawEnergy(r: Ok): void {
  const c = palette();
  const t = r.profile.tinyml;
  const cl = r.profile.cloud;
  const options = baseOptions()!;
  // An unknown part is no bar (null), and its side's label says so: a missing figure never reads as 0 mJ.
  const mJ = (j: number | null): number | null => (j === null || !Number.isFinite(j) ? null : j * 1e3);
  const label = (name: string, compute: number | null, radio: number | null): string =>
    compute === null && radio === null ? `${name} (unknown)` : compute === null ? `${name} (compute unknown)` : radio === null ? `${name} (radio unknown)` : name;
  charts.push(new Chart(canvas('chart-energy'), {
    type: 'bar',
    data: {
      labels: [label('TinyML', t.computeJ, t.radioJ), label('Cloud ML', cl.computeJ, cl.radioJ)],
      datasets: [
        { label: 'compute (mJ)', data: [mJ(t.computeJ), mJ(cl.computeJ)], backgroundColor: c.tinyml },
        { label: 'radio (mJ)', data: [mJ(t.radioJ), mJ(cl.radioJ)], backgroundColor: c.radio },
      ],
    },
    options: {
      ...options,
      indexAxis: 'y',
      scales: { x: { stacked: true, ticks: { color: c.fg }, grid: { color: c.grid } }, y: { stacked: true, ticks: { color: c.fg }, grid: { color: c.grid } } },
      plugins: { ...options.plugins, tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label?.replace(' (mJ)', '')}: ${joules(Number(ctx.raw) / 1e3)}` } } },
    },
  }));
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  if (event.data?.type === 'profile') render(event.data.result, event.data.trusted);
});
// VS Code changes the theme by rewriting the page's CSS variables (the html element's style) and body's class.
let themeFrame = 0;
const redraw = new MutationObserver(() => {
  cancelAnimationFrame(themeFrame);
  themeFrame = requestAnimationFrame(() => { if (last) render(last.result, last.trusted); });
});
redraw.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
redraw.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
vscode.postMessage({ type: 'ready' });
