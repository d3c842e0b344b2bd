/**
 * The arena plan: every buffer TFLM's greedy planner placed, as a rectangle from its first to its last step (x) and
 * from its offset to offset + size (y), on a canvas (thousands of buffers draw in one pass). The peak step is marked;
 * hovering or moving the keyboard focus (arrow keys) names the tensor, its size, offset and lifetime; Enter or a click
 * selects the layer running at that step. Redrawn on resize and theme change.
 */
import type { ViewerLayer, ViewerPlan } from '../../../../server/src/lsp/viewer-protocol.js';
import { bytes } from '../../cost-profile/figures.js';
import { el } from '../../cost-profile/webview/dom.js';
import { byteTicks, hitTest, keyboardOrder, peakColumn, planRects, type PlanRect } from '../logic/plan-geometry.js';
import { onThemeChange, themeColor, themeFont } from './theme.js';

const LEFT = 72;
const BOTTOM = 22;
const HEIGHT = 380;

export interface PlanView {
  readonly element: HTMLElement;
  /** Marks a layer's step (linking from the table or graph). */
  markStep(step: number | null): void;
}

/** Builds the plan tab for a plan; `layerAt(step)` names the layer running at a step. */
export function planTab(plan: ViewerPlan, arenaBytes: number, layerAt: (step: number) => ViewerLayer | undefined, onSelect: (l: ViewerLayer) => void): PlanView {
  const canvas = el('canvas', { id: 'plan-canvas', tabindex: '0', role: 'img', 'aria-roledescription': 'arena plan',
    'aria-label': `Arena plan: ${plan.buffers.length} buffers over ${plan.steps} steps, ${bytes(plan.planBytes)} planned; peak at step ${plan.peakStep}. Arrow keys move between buffers.` });
  const tip = el('div', { class: 'tooltip', id: 'plan-tooltip', role: 'tooltip', hidden: '' });
  const live = el('p', { class: 'sr-only', id: 'plan-live', 'aria-live': 'polite' });
  const box = el('div', { class: 'plan-box' }, canvas, tip);
  const peak = layerAt(plan.peakStep);
  const caption = el('p', { class: 'subtitle', id: 'plan-caption' },
    `${plan.buffers.length.toLocaleString('en-US')} planned buffers, ${bytes(plan.planBytes)} of the ${bytes(arenaBytes)} arena; the peak is at step ${plan.peakStep}${peak ? ` (${peak.op}, layer ${peak.index})` : ''}.`);
  const legend = el('p', { class: 'legend' }, el('span', { class: 'swatch tensor' }), 'tensor ', el('span', { class: 'swatch scratch' }), 'scratch buffer ', el('span', { class: 'swatch peak' }), 'peak step');
  const element = el('section', { class: 'plan', 'aria-label': 'Arena plan' }, caption, legend, box, live);
  let rects: PlanRect[] = [];
  let hovered = -1;
  let focused = -1;
  let marked: number | null = null;
  const order = keyboardOrder(plan);
  let frame = 0;

  const area = (): { width: number; height: number } => ({ width: Math.max(50, box.clientWidth - LEFT - 8), height: HEIGHT - BOTTOM - 8 });

  function draw(): void {
    const a = area();
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round((a.width + LEFT + 8) * dpr);
    canvas.height = Math.round(HEIGHT * dpr);
    canvas.style.width = `${a.width + LEFT + 8}px`;
    canvas.style.height = `${HEIGHT}px`;
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, a.width + LEFT + 8, HEIGHT);
    rects = planRects(plan, a);
    const fg = themeColor('--vscode-foreground', '#ccc');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)');
    g.font = themeFont();
    g.fillStyle = fg;
    g.strokeStyle = grid;
    g.lineWidth = 1;
    // Byte axis (offset 0 at the bottom).
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const t of byteTicks(plan.planBytes)) {
      const y = 8 + a.height - (t / Math.max(1, plan.planBytes)) * a.height;
      g.fillText(bytes(t), LEFT - 6, y);
      g.beginPath();
      g.moveTo(LEFT, y + 0.5);
      g.lineTo(LEFT + a.width, y + 0.5);
      g.stroke();
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const every = Math.max(1, Math.ceil(plan.steps / Math.max(1, Math.floor(a.width / 60))));
    const stepW = a.width / Math.max(1, plan.steps);
    for (let st = 0; st < plan.steps; st += every) g.fillText(String(st), LEFT + (st + 0.5) * stepW, 8 + a.height + 4);
    g.textAlign = 'left';
    g.fillText('step →', 4, 8 + a.height + 4);
    const tensor = themeColor('--vscode-charts-blue', '#3794ff');
    const scratch = themeColor('--vscode-charts-orange', '#d18616');
    const edge = themeColor('--vscode-editor-background', '#1e1e1e');
    for (const r of rects) {
      g.fillStyle = plan.buffers[r.buffer]!.kind === 'tensor' ? tensor : scratch;
      g.fillRect(LEFT + r.x, 8 + r.y, r.w, r.h);
      if (r.w > 3 && r.h > 3) {
        g.strokeStyle = edge;
        g.strokeRect(LEFT + r.x + 0.5, 8 + r.y + 0.5, r.w - 1, r.h - 1);
      }
    }
    // The peak step over the buffers: a translucent band with edges, labelled.
    const p = peakColumn(plan, a);
    if (p) {
      const red = themeColor('--vscode-charts-red', '#f14c4c');
      g.fillStyle = red;
      g.globalAlpha = 0.22;
      g.fillRect(LEFT + p.x, 8, p.w, a.height);
      g.globalAlpha = 1;
      g.strokeStyle = red;
      g.lineWidth = 2;
      g.strokeRect(LEFT + p.x, 8, p.w, a.height);
      g.fillStyle = red;
      g.textAlign = 'center';
      g.textBaseline = 'top';
      g.fillText('peak', LEFT + p.x + p.w / 2, 10);
    }
    if (marked !== null && marked >= 0) {
      const w = a.width / Math.max(1, plan.steps);
      g.strokeStyle = themeColor('--vscode-focusBorder', '#007fd4');
      g.lineWidth = 2;
      g.strokeRect(LEFT + marked * w + 1, 9, Math.max(2, w - 2), a.height - 2);
    }
    for (const [i, color] of [[hovered, '--vscode-charts-yellow'], [focused, '--vscode-focusBorder']] as const) {
      const r = i >= 0 ? rects[i] : undefined;
      if (!r) continue;
      g.strokeStyle = themeColor(color, '#ffcc00');
      g.lineWidth = 2;
      g.strokeRect(LEFT + r.x - 1, 8 + r.y - 1, r.w + 2, r.h + 2);
    }
  }

  const redraw = (): void => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  };

  function describe(i: number): string {
    const b = plan.buffers[i]!;
    const from = layerAt(b.first);
    const to = layerAt(b.last);
    const at = (s: number, l: ViewerLayer | undefined): string => (l ? `${s} (${l.op} #${l.index})` : String(s));
    return `${b.name}: ${bytes(b.bytes)} at offset ${b.offset.toLocaleString('en-US')}, live from step ${at(b.first, from)} to ${at(b.last, to)}`;
  }

  function showTip(i: number, x: number, y: number): void {
    if (i < 0) {
      tip.hidden = true;
      return;
    }
    tip.textContent = describe(i);
    tip.hidden = false;
    tip.style.left = `${Math.min(x + 12, box.clientWidth - 260)}px`;
    tip.style.top = `${y + 12}px`;
  }

  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const x = e.clientX - r.left - LEFT;
    const y = e.clientY - r.top - 8;
    const i = hitTest(rects, x, y);
    if (i !== hovered) {
      hovered = i;
      redraw();
    }
    showTip(i, e.clientX - r.left, e.clientY - r.top);
  });
  canvas.addEventListener('mouseleave', () => {
    hovered = -1;
    tip.hidden = true;
    redraw();
  });
  const selectStep = (step: number): void => {
    const l = layerAt(step);
    if (l) onSelect(l);
  };
  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    const a = area();
    const step = Math.floor(((e.clientX - r.left - LEFT) / a.width) * plan.steps);
    if (step >= 0 && step < plan.steps) selectStep(step);
  });
  canvas.addEventListener('keydown', (e) => {
    if (order.length === 0) return;
    const pos = focused < 0 ? -1 : order.indexOf(focused);
    const next: Record<string, number> = { ArrowRight: pos + 1, ArrowDown: pos + 1, ArrowLeft: pos - 1, ArrowUp: pos - 1, Home: 0, End: order.length - 1 };
    if (e.key in next) {
      focused = order[Math.max(0, Math.min(order.length - 1, next[e.key]!))]!;
      const r = rects[focused];
      if (r) showTip(focused, LEFT + r.x + r.w / 2, 8 + r.y);
      live.textContent = describe(focused);
      redraw();
    } else if (e.key === 'Enter' && focused >= 0) selectStep(plan.buffers[focused]!.first);
    else return;
    e.preventDefault();
  });
  canvas.addEventListener('blur', () => {
    tip.hidden = true;
  });
  new ResizeObserver(redraw).observe(box);
  onThemeChange(redraw);
  redraw();
  return {
    element,
    markStep(step) {
      marked = step;
      redraw();
    },
  };
}
