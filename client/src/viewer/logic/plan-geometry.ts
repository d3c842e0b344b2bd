/**
 * The arena plan's geometry, pure (no DOM): each planned buffer as a rectangle, x from its first to its last step,
 * y from its offset to offset + size (offset 0 at the bottom, as memory maps are drawn), the peak step's column, the
 * byte axis's ticks, hit testing and the keyboard order. The webview draws these on a canvas.
 */
import type { ViewerPlan } from '../../../../server/src/lsp/viewer-protocol.js';

/** The drawing area in CSS pixels. */
export interface PlanArea {
  readonly width: number;
  readonly height: number;
}

/** A buffer's rectangle; `buffer` is its index in `plan.buffers`. */
export interface PlanRect {
  readonly buffer: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Width of one step, height of one byte. */
export function planScale(plan: ViewerPlan, area: PlanArea): { step: number; byte: number } {
  return { step: area.width / Math.max(1, plan.steps), byte: area.height / Math.max(1, plan.planBytes) };
}

/**
 * Every buffer's rectangle. Sizes are at least one pixel, so a 16-byte buffer in a 1 MiB arena stays visible (and
 * hoverable): such a rectangle grows upwards from its exact bottom edge (its offset).
 */
export function planRects(plan: ViewerPlan, area: PlanArea): PlanRect[] {
  const s = planScale(plan, area);
  return plan.buffers.map((b, buffer) => {
    const bottom = area.height - b.offset * s.byte;
    const h = Math.max(1, b.bytes * s.byte);
    return { buffer, x: b.first * s.step, y: bottom - h, w: Math.max(1, (b.last - b.first + 1) * s.step), h };
  });
}

/** The peak step's column (x and width), or null when there is none. */
export function peakColumn(plan: ViewerPlan, area: PlanArea): { x: number; w: number } | null {
  if (plan.peakStep < 0) return null;
  const s = planScale(plan, area);
  return { x: plan.peakStep * s.step, w: Math.max(1, s.step) };
}

/**
 * The buffer under a point: the last drawn (smallest area first, so a tiny buffer drawn over a larger one wins), or
 * -1. A linear scan: 100,000 rectangles take well under a millisecond, and it runs once per animation frame.
 */
export function hitTest(rects: readonly PlanRect[], x: number, y: number): number {
  let best = -1;
  let bestArea = Infinity;
  for (const r of rects) {
    if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h && r.w * r.h < bestArea) {
      best = r.buffer;
      bestArea = r.w * r.h;
    }
  }
  return best;
}

/** Buffers in keyboard order: by first step, then offset (left to right, bottom to top). */
export function keyboardOrder(plan: ViewerPlan): number[] {
  return plan.buffers.map((_, i) => i).sort((a, b) => {
    const x = plan.buffers[a]!;
    const y = plan.buffers[b]!;
    return x.first - y.first || x.offset - y.offset || a - b;
  });
}

/** Round byte values for the axis: 1, 2 or 5 times a power of two's neighbourhood, at most `count` + 1 of them. */
export function byteTicks(max: number, count = 4): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const magnitude = 2 ** Math.floor(Math.log2(raw));
  const step = [1, 2, 4].map((m) => m * magnitude).find((v) => v >= raw) ?? magnitude * 8;
  const ticks: number[] = [];
  for (let v = 0; v <= max; v += step) ticks.push(v);
  return ticks;
}

/** Buffers live at a step (for the peak's description and the table's linking). */
export function liveAt(plan: ViewerPlan, step: number): number[] {
  const out: number[] = [];
  plan.buffers.forEach((b, i) => {
    if (b.first <= step && step <= b.last) out.push(i);
  });
  return out;
}
