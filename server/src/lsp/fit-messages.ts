/**
 * The texts of the whole-firmware fit (issue 10) in the editor: overflow diagnostics naming each part ("flash overflows
 * by 21 KiB: model 200 KiB (exact), TFLM runtime + kernels 61 KiB (measured), app 40 KiB (user-given)"), the arena's
 * region verdicts, the hover table and the quick-fix titles. Region names come from a catalog (possibly the user's):
 * they go through `visible` / `markdownText`.
 */
import { markdownText, visible } from '../analysis/text.js';
import { formatBytes } from '../manifest/units.js';
import { partsText, type FitPart, type SideFit, type WholeFit } from '../targets/fit.js';
import type { FitSideSummary, WholeFitSummary } from './protocol.js';

const NAMES: Readonly<Record<FitPart['part'], string>> = { model: 'model', runtime: 'TFLM runtime + kernels', app: 'application', arena: 'arena', margin: 'safety margin' };

const parts = (s: SideFit): string => partsText(s, formatBytes);

const notCounted = (s: SideFit): string => (s.notCounted.length ? ` Not counted: ${s.notCounted.join('; ')}.` : '');

/** "Flash overflows by 21 KiB on STM32F446RE (512 KiB): model 200 KiB (exact), TFLM ... Not counted: ..." */
export function flashOverflow(w: WholeFit, board: string): string {
  return `Flash overflows by ${formatBytes(w.flash.overBytes)} on ${visible(board)} (${formatBytes(w.flash.capacityBytes ?? 0)}): ${parts(w.flash)}.${notCounted(w.flash)}`;
}

export function ramOverflow(w: WholeFit, board: string): string {
  const over = Math.max(w.ram.overBytes, w.arena.arenaBytes + w.arena.sharedBytes - (w.arena.regionBytes ?? 0));
  const where = w.ram.overBytes > 0 ? `${formatBytes(w.ram.capacityBytes ?? 0)} of RAM` : `region ${visible(w.arena.region ?? '?')} (${formatBytes(w.arena.regionBytes ?? 0)})`;
  return `RAM overflows by ${formatBytes(over)} on ${visible(board)} (${where}): ${parts(w.ram)}.${notCounted(w.ram)}`;
}

/** The arena fits the part's total SRAM but no single region, or not the region it was placed in. */
export function arenaRegion(w: WholeFit, board: string): string {
  const a = w.arena;
  const beside = a.sharedBytes > 0 ? ` + ${formatBytes(a.sharedBytes)} of runtime and application RAM beside it` : '';
  const head = `The arena (${formatBytes(a.arenaBytes)}${beside}) does not fit ${a.by === 'manifest' ? 'region' : 'the largest on-chip region,'} ${visible(a.region ?? '?')} (${formatBytes(a.regionBytes ?? 0)}) on ${visible(board)}`;
  if (a.alternatives.length > 0) return `${head}; ${a.alternatives.map(visible).join(', ')} would hold it.`;
  return `${head}: it fits the ${formatBytes(w.ram.capacityBytes ?? 0)} of SRAM in total, but no single region holds it (TFLM needs the arena contiguous).`;
}

export function unknownArenaRegion(name: string, board: string, names: readonly string[]): string {
  return `${visible(board)} has no RAM region '${visible(name)}'${names.length ? `: ${names.map(visible).join(', ')}` : ''}.`;
}

/** Information when the arena sits in external RAM: slower than on-chip, and the latency estimate does not know it yet. */
export function externalArena(region: string): string {
  return `The arena is in external RAM (${visible(region)}): every tensor access goes through the external memory interface, so inference runs slower than the latency estimate, which assumes on-chip SRAM.`;
}

export const moveArenaTitle = (region: string, bytes: number, external: boolean): string =>
  `Move the arena to ${visible(region)} (${formatBytes(bytes)}${external ? ', external: slower' : ''}) with arena_region:`;

export const switchKernelsTitle = (runtime: string, saved: number): string =>
  `Switch runtime to ${runtime}: its kernels take ${formatBytes(saved)} less flash`;

/** The hover table of the whole firmware: one row per part with its basis, then what is not counted and the region. */
export function wholeHover(w: WholeFit, side: 'flash' | 'ram'): string {
  const s = side === 'flash' ? w.flash : w.ram;
  const ram = side === 'ram';
  const rows = s.parts.map((p) => `| ${ram && p.part === 'runtime' ? 'TFLM static RAM' : NAMES[p.part]} | ${formatBytes(p.bytes)} | ${p.basis} | ${markdownText(p.from)} |`);
  const total = s.capacityBytes === null ? '' : ` of ${formatBytes(s.capacityBytes)}${s.overBytes > 0 ? ` — **overflows by ${formatBytes(s.overBytes)}**` : ''}`;
  const lines = [`**Whole firmware, ${ram ? 'RAM' : 'flash'}**: ${formatBytes(s.needBytes)}${total}`, '', '| part | size | how known | from |', '| --- | --- | --- | --- |', ...rows];
  if (s.notCounted.length) lines.push('', ...s.notCounted.map((n) => `- not counted: ${markdownText(n)}`));
  const a = w.arena;
  if (ram && a.region !== null && a.regionBytes !== null) {
    lines.push('', `Arena in **${markdownText(a.region)}** (${formatBytes(a.regionBytes)}, ${a.kind}${a.by === 'manifest' ? ', `arena_region:`' : ', the largest on-chip region'})${a.fits === false ? ': does not fit' : ''}${a.external ? '; external RAM is slower (the latency estimate includes it)' : ''}.`);
  }
  return lines.join('\n');
}

/** The whole fit as the protocol's plain summary (no `from` texts: the client shows sizes and how each is known). */
export function wholeSummary(w: WholeFit): WholeFitSummary {
  const side = (s: SideFit): FitSideSummary => ({ needBytes: s.needBytes, capacityBytes: s.capacityBytes, parts: s.parts.map((p) => ({ part: p.part, bytes: p.bytes, basis: p.basis })), notCounted: s.notCounted });
  return { flash: side(w.flash), ram: side(w.ram), arenaRegion: w.arena.region, arenaRegionBytes: w.arena.regionBytes, arenaExternal: w.arena.external, problems: w.problems };
}
