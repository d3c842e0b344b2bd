/**
 * The header of a view: the headline figures (arena to the byte, flash, MACs, latency on the chosen target, status)
 * and the runtime and target pickers, which ask the host to re-run the request.
 */
import type { ViewerChoice, ViewerResult } from '../../../../server/src/lsp/viewer-protocol.js';
import { bytes, joules, seconds } from '../../cost-profile/figures.js';
import { el } from '../../cost-profile/webview/dom.js';
import type { SideOptions } from '../messages.js';
import { count } from './layers.js';

type Model = Extract<ViewerResult, { kind: 'model' }>;

/** A `<select>` of choices; `''` is offered as `none` when `none` is given. */
export function picker(id: string, label: string, choices: readonly ViewerChoice[], value: string, none: string | null, onChange: (v: string) => void): HTMLElement {
  const select = el('select', { id, 'aria-label': label },
    ...(none !== null ? [el('option', { value: '' }, none)] : []),
    ...choices.map((c) => el('option', { value: c.id }, c.label)));
  select.value = value;
  select.addEventListener('change', () => onChange(select.value));
  return el('label', { class: 'picker' }, el('span', {}, label), select);
}

/** Runtime and target pickers of one side. */
export function pickers(m: Model, prefix: string, onChange: (o: SideOptions) => void): HTMLElement {
  const current: SideOptions = { runtime: m.runtime, target: m.target?.id ?? '' };
  const children = [picker(`${prefix}runtime`, 'Runtime', m.runtimes, current.runtime, null, (runtime) => onChange({ ...current, runtime }))];
  if (m.format === 'tflite') children.push(picker(`${prefix}target`, 'Target', m.targets, current.target, 'no target', (target) => onChange({ ...current, target })));
  return el('div', { class: 'pickers' }, ...children);
}

/** The figures as display strings by stable key (the compare table and tests use the same keys). */
export function summaryFigures(m: Model): Record<string, string> {
  const s = m.summary;
  const range = s.lowSeconds !== null && s.highSeconds !== null ? ` (${seconds(s.lowSeconds)} to ${seconds(s.highSeconds)})` : '';
  const of = (need: number, limit: number | null): string => (limit === null ? '' : ` of ${bytes(limit)} (${Math.round((need / limit) * 100)}%)`);
  return {
    arena: m.format === 'tfjs' ? `at least ${bytes(s.arenaBytes)}` : `${s.arenaBytes.toLocaleString('en-US')} B (${bytes(s.arenaBytes)})${s.arenaExact ? '' : ', estimate'}${of(s.arenaBytes, s.targetSramBytes)}`,
    flash: `${m.format === 'tfjs' ? 'at least ' : ''}${bytes(s.flashBytes)}${of(s.flashBytes, s.targetFlashBytes)}`,
    macs: s.macs === null ? 'unknown' : count(s.macs),
    latency: s.seconds === null ? (m.target ? 'unknown' : 'pick a target') : `${seconds(s.seconds)}${range}`,
    energy: joules(s.joules),
    status: s.statusText,
  };
}

/** The summary cards. */
export function summaryCards(m: Model): HTMLElement {
  const f = summaryFigures(m);
  const s = m.summary;
  const card = (key: string, label: string, cls = ''): HTMLElement =>
    el('div', { class: `card ${cls}`.trim() }, el('div', { class: 'card-label', id: `label-${key}` }, label), el('div', { class: 'card-value', id: `summary-${key}`, 'aria-labelledby': `label-${key} summary-${key}` }, f[key] ?? ''));
  const over = (need: number, limit: number | null): string => (limit !== null && need > limit ? 'over' : '');
  return el('section', { class: 'cards', 'aria-label': 'Summary' },
    card('arena', m.format === 'tfjs' ? 'Tensor arena (int8, lower bound)' : 'Tensor arena (kTensorArenaSize)', over(s.arenaBytes, s.targetSramBytes)),
    card('flash', m.format === 'tfjs' ? 'Flash (int8 weights)' : 'Flash (model)', over(s.flashBytes, s.targetFlashBytes)),
    card('macs', 'MACs'),
    card('latency', m.target ? `Latency on ${m.target.label}` : 'Latency'),
    card('status', 'Status', `status-${s.status}`));
}
