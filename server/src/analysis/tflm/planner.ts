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

  // Placed buffers as a list sorted by offset (ties: later insertions after earlier ones at the same offset).
  const placed: number[] = [];
  for (let n = 0; n < order.length; n++) {
    const id = order[n]!;
    const wanted = buffers[id]!;
    let offset = 0;
    if (n === 0) {
      offset = wanted.offlineOffset === -1 ? 0 : wanted.offlineOffset;
    } else if (wanted.offlineOffset !== -1) {
      offset = wanted.offlineOffset;
    } else {
      for (const other of placed) {
        const b = buffers[other]!;
        if (b.first > wanted.last || wanted.first > b.last) continue;
        const gap = offsets[other]! - offset;
        if (gap >= wanted.size) break;
        offset = Math.max(offset, offsets[other]! + b.size);
      }
    }
    offsets[id] = offset;
    insertByOffset(placed, id, offset, offsets, n === 0);
  }

  let maxBytes = 0;
  for (let i = 0; i < count; i++) maxBytes = Math.max(maxBytes, offsets[i]! + buffers[i]!.size);
  return { offsets, maxBytes };
}

/**
 * ReverseSortInPlace's order: a bubble sort that swaps only when a strictly smaller size comes first, i.e. a stable
 * sort by size, largest first. Array.prototype.sort is stable, and O(n log n) where the bubble sort is O(n^2).
 */
function stableSortBySizeDescending(ids: number[], buffers: readonly PlannerBuffer[]): void {
  ids.sort((a, b) => buffers[b]!.size - buffers[a]!.size);
}

/**
 * Insert into the offset-sorted list the way the planner's linked list does: before the head only when strictly
 * lower than the head's offset, otherwise after the last entry whose offset is not greater.
 */
function insertByOffset(placed: number[], id: number, offset: number, offsets: number[], first: boolean): void {
  if (first || placed.length === 0) {
    placed.push(id);
    return;
  }
  if (offsets[placed[0]!]! > offset) {
    placed.unshift(id);
    return;
  }
  let i = 0;
  while (i + 1 < placed.length && offsets[placed[i + 1]!]! <= offset) i++;
  placed.splice(i + 1, 0, id);
}
