/** A buffer handed to the planner: an aligned size and the first and last steps it is live. */
export interface PlannerBuffer {
  size: number;
  first: number;
  last: number;
  /** Arena offset fixed by OfflineMemoryAllocation metadata, or -1 to let the planner choose. */
  offlineOffset: number;
}

export interface Plan {
  /** Offset of each buffer, in the order the buffers were given. */
  offsets: number[];
  /** GetMaximumMemorySize(): the end of the highest-placed buffer. */
  maxBytes: number;
}

/**
 * TFLM's GreedyMemoryPlanner, step for step: offline-placed buffers first in the given order, then the others
 * by size, largest first (a stable bubble sort, so equal sizes keep their order), each put at the lowest offset
 * where it fits beside every buffer already placed whose lifetime overlaps its own.
 */
export function planGreedy(buffers: readonly PlannerBuffer[]): Plan {
  const count = buffers.length;
  const offsets = new Array<number>(count).fill(-1);
  if (count === 0) return { offsets, maxBytes: 0 };

  const order: number[] = [];
  const online: number[] = [];
  buffers.forEach((b, i) => {
    if (b.offlineOffset === -1) online.push(i);
    else order.push(i);
  });
  // The real planner fills online buffers from the back and then reverse-sorts that slice; reproduce the order
  // it produces: reversed input order, then a stable sort by size descending.
  online.reverse();
  stableSortBySizeDescending(online, buffers);
  order.push(...online);

  // The real planner scans every placed buffer in offset order (ties: earlier placements first) and skips those
  // whose lifetime does not overlap; only the overlapping ones can move the offset, so they are found through an
  // index over lifetimes and scanned in the same order. The result is the same; the cost follows the buffers live
  // at the same time rather than all buffers placed.
  const placed = new PlacedByLifetime(buffers);
  const seq = new Int32Array(count);
  for (let n = 0; n < order.length; n++) {
    const id = order[n]!;
    const wanted = buffers[id]!;
    let offset = 0;
    if (n === 0) {
      offset = wanted.offlineOffset === -1 ? 0 : wanted.offlineOffset;
    } else if (wanted.offlineOffset !== -1) {
      offset = wanted.offlineOffset;
    } else {
      const count = placed.overlapping(wanted.first, wanted.last);
      const overlapping = placed.found;
      sortByOffset(overlapping, count, offsets, seq);
      for (let k = 0; k < count; k++) {
        const other = overlapping[k]!;
        const gap = offsets[other]! - offset;
        if (gap >= wanted.size) break;
        offset = Math.max(offset, offsets[other]! + buffers[other]!.size);
      }
    }
    offsets[id] = offset;
    seq[id] = n;
    placed.add(id);
  }

  let maxBytes = 0;
  for (let i = 0; i < count; i++) maxBytes = Math.max(maxBytes, offsets[i]! + buffers[i]!.size);
  return { offsets, maxBytes };
}

/**
 * Orders ids by offset, ties by placement order: an insertion sort, in place and allocating nothing (the lists are
 * the few buffers live beside one buffer), falling back to Array.prototype.sort for a long list.
 */
function sortByOffset(ids: Int32Array, count: number, offsets: readonly number[], seq: Int32Array): void {
  const before = (a: number, b: number): boolean => offsets[a]! < offsets[b]! || (offsets[a] === offsets[b] && seq[a]! < seq[b]!);
  if (count > 32) {
    ids.subarray(0, count).sort((a, b) => offsets[a]! - offsets[b]! || seq[a]! - seq[b]!);
    return;
  }
  for (let i = 1; i < count; i++) {
    const id = ids[i]!;
    let j = i - 1;
    while (j >= 0 && before(id, ids[j]!)) {
      ids[j + 1] = ids[j]!;
      j--;
    }
    ids[j + 1] = id;
  }
}

/**
 * ReverseSortInPlace's order: a bubble sort that swaps only when a strictly smaller size comes first, i.e. a stable
 * sort by size, largest first. Array.prototype.sort is stable, and O(n log n) where the bubble sort is O(n^2).
 */
function stableSortBySizeDescending(ids: number[], buffers: readonly PlannerBuffer[]): void {
  ids.sort((a, b) => buffers[b]!.size - buffers[a]!.size);
}

/**
 * Placed buffers indexed by their first step (a segment tree over the distinct first steps, each node holding the
 * latest last step below it): the buffers whose lifetime overlaps [first, last] are those with a first step <= last
 * and a last step >= first, found in O((k + 1) log n) for k of them.
 */
class PlacedByLifetime {
  private readonly firsts: number[];
  private readonly leaves: number;
  private readonly maxLast: Float64Array;
  private readonly atLeaf: number[][];
  /** The search's stack (node, first leaf, leaf count per entry), reused by every query. */
  private stack = new Int32Array(192);
  /** The last query's answer (its first `count` entries), reused by every query. */
  found = new Int32Array(16);

  constructor(private readonly buffers: readonly PlannerBuffer[]) {
    this.firsts = [...new Set(buffers.map((b) => b.first))].sort((a, b) => a - b);
    let leaves = 1;
    while (leaves < this.firsts.length) leaves *= 2;
    this.leaves = leaves;
    this.maxLast = new Float64Array(2 * leaves).fill(-Infinity);
    this.atLeaf = Array.from({ length: this.firsts.length }, () => []);
  }

  add(id: number): void {
    const b = this.buffers[id]!;
    const leaf = this.countAtMost(b.first) - 1;
    this.atLeaf[leaf]!.push(id);
    for (let node = leaf + this.leaves; node >= 1 && this.maxLast[node]! < b.last; node >>= 1) this.maxLast[node] = b.last;
  }

  /**
   * How many placed buffers have first <= last and last >= first; they are the first entries of `found` (in no
   * particular order), until the next query.
   */
  overlapping(first: number, last: number): number {
    let count = 0;
    const upTo = this.countAtMost(last) - 1; // leaves 0..upTo hold buffers starting no later than `last`
    if (upTo < 0) return count;
    let stack = this.stack;
    let top = 0;
    stack[top++] = 1;
    stack[top++] = 0;
    stack[top++] = this.leaves;
    while (top > 0) {
      const span = stack[--top]!;
      const low = stack[--top]!;
      const node = stack[--top]!;
      if (low > upTo || this.maxLast[node]! < first) continue;
      if (span === 1) {
        for (const id of this.atLeaf[low]!) {
          if (this.buffers[id]!.last < first) continue;
          if (count === this.found.length) {
            const grown = new Int32Array(count * 2);
            grown.set(this.found);
            this.found = grown;
          }
          this.found[count++] = id;
        }
        continue;
      }
      const half = span / 2;
      if (top + 6 > stack.length) {
        const grown = new Int32Array(stack.length * 2);
        grown.set(stack);
        this.stack = stack = grown;
      }
      // Pushed as before (left child, then right), so the right child is searched first, as the arrays did.
      stack[top++] = 2 * node;
      stack[top++] = low;
      stack[top++] = half;
      stack[top++] = 2 * node + 1;
      stack[top++] = low + half;
      stack[top++] = half;
    }
    return count;
  }

  /** How many distinct first steps are <= `step`. */
  private countAtMost(step: number): number {
    let lo = 0;
    let hi = this.firsts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.firsts[mid]! <= step) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
