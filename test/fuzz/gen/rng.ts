/** The fuzzer's seeded random source: every case is a pure function of (seed, case index), so any case replays. */
import { mulberry32 } from '../../../server/src/model/builder/random.js';

export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed >>> 0);
  }

  /** The generator for case `index` of run `seed` (independent streams: a case never depends on earlier cases). */
  static forCase(seed: number, index: number): Rng {
    return new Rng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
  }

  float(): number { return this.next(); }

  /** An integer in [lo, hi] (both included). */
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }

  chance(p: number): boolean { return this.next() < p; }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One of `items` with relative weights. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((n, [w]) => n + w, 0);
    let r = this.next() * total;
    for (const [w, item] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![1];
  }

  /** A value from the boundary set most likely to break arithmetic, or a small ordinary one. */
  edgeInt(): number {
    return this.pick([0, 1, -1, 2, 3, 7, 16, 255, 256, 65535, 65536, 2 ** 31 - 1, -(2 ** 31), 2 ** 30, 1 << 24, this.int(-1000, 1000)]);
  }

  edgeFloat(): number {
    return this.pick([0, -0, 1, -1, 1e-30, 1e30, -1e30, NaN, Infinity, -Infinity, 3.4e38, 1e-45, this.float()]);
  }
}
