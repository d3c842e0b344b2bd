/**
 * Deployment manifests as YAML (or JSON) text: known keys with good, wrong-unit and huge values, unknown keys (many
 * of them), deep nesting, flow and block style, anchors and aliases (the `yaml` package's alias-count limit), tags,
 * duplicate keys, and random damage to the text.
 */
import type { Rng } from './rng.js';

export interface ManifestCase {
  readonly text: string;
  readonly tags: readonly string[];
}

const QUANTITIES: Readonly<Record<string, readonly string[]>> = {
  bytes: ['256KiB', '1MiB', '64 KB', '0B', '1e400KiB', '-5KiB', '12 parsecs', '9007199254740993B', '0x10KiB', '1.5.5MiB', 'NaNKiB', '∞KiB'],
  time: ['50ms', '1s', '0.5 us', '-1ms', '1e308s', 'fast'],
  energy: ['2mJ', '30uJ', '1e-400J', '-0mJ', 'lots'],
  frequency: ['64MHz', '240 MHz', '0Hz', '1e20GHz', '-3MHz'],
};

function quantity(rng: Rng, kind: string, hostility: number, tags: Set<string>): string {
  const list = QUANTITIES[kind] ?? [];
  if (rng.chance(hostility)) {
    tags.add('manifest-bad-value');
    return rng.pick([...list, '[1, 2]', '{a: 1}', '!!binary AAAA', '~', "''", '"\\u0000"', '&a 5', '*missing', '1'.repeat(400)]);
  }
  return list[rng.int(0, Math.min(2, list.length - 1))] ?? '1';
}

/** Nested mappings `depth` deep under `key` (block style), or a flow-style tower of brackets. */
function deep(rng: Rng, depth: number): string {
  if (rng.chance(0.5)) return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  let out = '';
  for (let i = 0; i < depth; i++) out += `\n${'  '.repeat(i + 1)}k${i}:`;
  return `${out} 1`;
}

/** A billion-laughs ladder of anchors: each level aliases the previous one `fan` times. */
function laughs(levels: number, fan: number): string {
  const lines = ['l0: &l0 [lol]'];
  for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: fan }, () => `*l${i - 1}`).join(', ')}]`);
  return lines.join('\n');
}

export interface ManifestGenOptions {
  readonly hostility: number;
  /** Most unknown keys in one document (the duplicate-key check's cost grows with it). */
  readonly maxUnknownKeys: number;
}

export const DEFAULT_MANIFEST: ManifestGenOptions = { hostility: 0.3, maxUnknownKeys: 2000 };

export function genManifest(rng: Rng, opts: ManifestGenOptions = DEFAULT_MANIFEST): ManifestCase {
  const tags = new Set<string>();
  const h = opts.hostility;
  const lines: string[] = [];
  if (rng.chance(0.9)) lines.push(`model: ${rng.chance(h * 0.3) ? rng.pick(['"../../../etc/passwd"', '/dev/zero', '"a\\nb.tflite"', '[x]', '']) : 'model.tflite'}`);
  if (rng.chance(0.7)) {
    lines.push(rng.chance(0.5) ? `target: ${rng.pick(['nrf52840', 'esp32s3', 'no-such-board', '"\\e[31m"'])}`
      : `target: {sram: ${quantity(rng, 'bytes', h, tags)}, flash: ${quantity(rng, 'bytes', h, tags)}, core: ${rng.pick(['cortex-m4f', 'z80'])}, clock: ${quantity(rng, 'frequency', h, tags)}}`);
  }
  if (rng.chance(0.5)) lines.push(`runtime: ${rng.pick(['tflm-cmsis-nn', 'tflm-reference', 'ethos-u', 'edgetpu', 'tflm-esp-nn', 'bogus'])}`);
  if (rng.chance(0.7)) {
    lines.push('budgets:');
    for (const [k, kind] of [['ram', 'bytes'], ['flash', 'bytes'], ['latency', 'time'], ['energy', 'energy']] as const) {
      if (rng.chance(0.7)) lines.push(`  ${k}: ${quantity(rng, kind, h, tags)}`);
    }
  }
  if (rng.chance(0.4)) lines.push(`reserve: {ram: ${quantity(rng, 'bytes', h, tags)}, flash: ${quantity(rng, 'bytes', h, tags)}}`);
  if (rng.chance(0.3)) {
    lines.push(`cloud: {link: ${rng.pick(['ble', 'wifi', 'lte-m', 'carrier-pigeon'])}, inferences_per_day: ${rng.pick(['1440', '-1', '1e300', '9007199254740993', 'x'])}, rtt: ${quantity(rng, 'time', h, tags)}}`);
  }
  if (rng.chance(h * 0.5)) {
    tags.add('manifest-unknown-keys');
    const n = rng.chance(0.2) ? opts.maxUnknownKeys : rng.int(1, 20);
    for (let i = 0; i < n; i++) lines.push(`unknown_${i}: ${i}`);
  }
  if (rng.chance(h * 0.2)) {
    tags.add('manifest-duplicate');
    lines.push('runtime: tflm-reference', 'runtime: ethos-u');
  }
  if (rng.chance(h * 0.2)) {
    tags.add('manifest-deep');
    lines.push(`budgets:${deep(rng, rng.pick([10, 100, 1000, 5000]))}`);
  }
  if (rng.chance(h * 0.2)) {
    tags.add('manifest-aliases');
    lines.push(laughs(rng.int(2, 9), rng.int(2, 10)), 'budgets: {ram: *l1}');
  }
  if (rng.chance(h * 0.1)) {
    tags.add('manifest-tags');
    lines.push(rng.pick(['model: !!js/function "function(){}"', 'budgets: !!set {a, b}', 'reserve: !!omap [a: 1]', 'target: !<tag:x> y', '%YAML 9.9\n---']));
  }
  let text = lines.join('\n') + '\n';
  if (rng.chance(h * 0.2)) {
    tags.add('manifest-text-mutated');
    const chars = text.split('');
    for (let i = rng.int(1, 5); i > 0; i--) chars[rng.int(0, Math.max(0, chars.length - 1))] = rng.pick([':', '\t', '&', '*', '\u0000', '\ufeff', '"', '{', '\n  ', '---\n']);
    text = chars.join('');
  }
  return { text, tags: [...tags].sort() };
}
