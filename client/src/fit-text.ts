/**
 * The whole-firmware fit of a catalog target (the server's `TargetFit.whole`, issue 10) as one line for Select
 * Target's list. Pure: no vscode, so it is unit-tested.
 */
import type { TargetFit } from '../../server/src/lsp/protocol.js';
import { formatBytes } from './format.js';

const PART = { model: 'model', runtime: 'TFLM', app: 'app', arena: 'arena', margin: 'margin' } as Readonly<Record<string, string>>;
const BASIS = { exact: '', measured: ' measured', estimated: ' estimated', 'user-given': ' user-given' } as Readonly<Record<string, string>>;

/** "firmware flash 61 KiB = model 42.7 KiB + TFLM 18 KiB measured; arena in AXI-SRAM", or null without the parts. */
export function wholeText(t: TargetFit): string | null {
  const w = t.whole;
  if (!w) return null;
  const side = (s: NonNullable<TargetFit['whole']>['flash']): string => s.parts.map((p) => `${PART[p.part] ?? p.part} ${formatBytes(p.bytes)}${BASIS[p.basis] ?? ` ${p.basis}`}`).join(' + ');
  const region = w.arenaRegion ? `; arena in ${w.arenaRegion}${w.problems.some((p) => p !== 'flash-overflow' && p !== 'ram-overflow') ? ' (too small)' : ''}` : '';
  const missing = w.flash.notCounted.length + w.ram.notCounted.length;
  return `firmware flash ${formatBytes(w.flash.needBytes)} = ${side(w.flash)}${region}${missing ? ` (${missing} part${missing === 1 ? '' : 's'} not counted)` : ''}`;
}

