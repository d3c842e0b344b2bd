/**
 * The whole-firmware fit (targets/fit.ts) as terminal lines: each side's parts with how each is known, what is not
 * counted, and the arena's region. Shared by `analyze --target`, `analyze --firmware` and `fit`.
 */
import { visible } from '../analysis/text.js';
import { partsText, type SideFit, type WholeFit } from '../targets/fit.js';

const kib = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;

function sideLine(what: string, s: SideFit): string[] {
  const total = s.capacityBytes === null ? '' : ` of ${kib(s.capacityBytes)}${s.overBytes > 0 ? `: OVERFLOWS by ${kib(s.overBytes)}` : ''}`;
  const lines = [`  ${what.padEnd(16)}${kib(s.needBytes)}${total} = ${partsText(s, kib, ' + ')}`];
  for (const n of s.notCounted) lines.push(`  ${''.padEnd(16)}not counted: ${n}`);
  return lines;
}

/** The verdict in words: "yes", or "NO (flash overflows by 12.0 KiB; ...)". */
export function verdictText(f: WholeFit): string {
  if (f.fits === null) return 'unknown';
  if (f.fits) return 'yes';
  const why = f.problems.map((p) => {
    switch (p) {
      case 'flash-overflow': return `flash overflows by ${kib(f.flash.overBytes)}`;
      case 'ram-overflow': return `RAM overflows by ${kib(Math.max(f.ram.overBytes, f.arena.arenaBytes + f.arena.sharedBytes - (f.arena.regionBytes ?? 0)))}`;
      case 'no-single-region': return `the arena fits the total SRAM but no single region holds it`;
      case 'arena-region-too-small': return `the arena does not fit ${f.arena.region}; ${f.arena.alternatives.join(', ')} would hold it`;
      case 'unknown-region': return `no RAM region '${f.arena.unknownRegion}' on this part`;
    }
  });
  return `NO (${why.join('; ')})`;
}

/** The arena's region: "AXI-SRAM 512.0 KiB (sram, largest on-chip): arena 120.0 KiB + 20.0 KiB beside it". */
export function arenaLine(f: WholeFit): string | null {
  const a = f.arena;
  if (a.region === null || a.regionBytes === null) return a.unknownRegion ? `${'arena region'.padEnd(16)}'${visible(a.unknownRegion)}' is not a RAM region of this part` : null;
  const how = a.by === 'manifest' ? 'placed' : 'largest on-chip';
  const beside = a.sharedBytes > 0 ? ` + runtime/app ${kib(a.sharedBytes)}` : a.otherRegion && a.otherRegion !== a.region ? ` (runtime/app RAM in ${a.otherRegion})` : '';
  const other = a.fits === false && a.alternatives.length > 0 ? `; holds it: ${a.alternatives.join(', ')}` : '';
  const ext = a.external ? '; external RAM: slower than on-chip SRAM, the latency estimate assumes on-chip' : '';
  return `${'arena region'.padEnd(16)}${visible(a.region)} ${kib(a.regionBytes)} (${a.kind}, ${how}): arena ${kib(a.arenaBytes)}${beside}${a.fits ? '' : ' DOES NOT FIT'}${other}${ext}`;
}

/** The lines `analyze --target` prints under `fits`. */
export function fitPartsLines(f: WholeFit): string[] {
  const arena = arenaLine(f);
  return [...sideLine('flash need', f.flash), ...sideLine('RAM need', f.ram), ...(arena ? [`  ${arena}`] : [])];
}
