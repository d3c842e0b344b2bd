/**
 * A small seeded PRNG, so example models and test fixtures come out byte-identical on every run and machine.
 * `Math.random` is neither seedable nor reproducible, and weights only need to look plausible, not be good.
 */

/**
 * mulberry32: a 32-bit state generator, returning floats in [0, 1). Plenty for synthetic weights; not for crypto.
 * The same seed always yields the same sequence (all arithmetic is 32-bit integer, so no platform drift).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded source of the distributions synthetic weights need. */
export class SeededRandom {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** A float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** An integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** `count` floats in [lo, hi), as float32 (the precision the model will store). */
  uniformArray(count: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.uniform(lo, hi);
    return out;
  }

  /**
   * Glorot/Xavier-uniform weights for a layer with the given fan-in and fan-out: the range real trained layers start
   * from, so per-channel scales land in a realistic band instead of all being identical.
   */
  glorot(count: number, fanIn: number, fanOut: number): Float32Array {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return this.uniformArray(count, -limit, limit);
  }
}
