import { alignDown, alignUp } from './structs.js';

/** One allocation request, as TFLM's allocation log records it (kinds: P persistent, R resizable head, T temp). */
export interface ArenaEvent {
  kind: 'P' | 'R' | 'T';
  size: number;
  align: number;
  /** Persistent (tail) bytes in use after the request. */
  tailUsed: number;
  /** Non-persistent bytes in use after it: max(head, temp) from the arena start. */
  headUsed: number;
  ok: boolean;
  phase: string;
}

/** Thrown when an allocation does not fit: TFLM's AllocateTensors() would fail here. */
export class ArenaExhausted extends Error {
  constructor(readonly event: ArenaEvent) {
    super(`arena exhausted: ${event.kind} ${event.size} bytes during ${event.phase}`);
  }
}

/**
 * A byte-exact model of TFLM's SingleArenaBufferAllocator: the head (planned, non-persistent memory and the
 * resizable scratch-request buffer) grows up from the arena start, temporary allocations stack above the head and
 * are released together, and persistent allocations grow down from the end.
 *
 * Addresses are offsets from a 16-byte-aligned arena start, so alignment of an offset equals alignment of the real
 * pointer. Two quirks of the real allocator are kept on purpose because they decide the minimum arena size: a
 * persistent allocation is only checked against the head, not against live temporaries, and temporaries are only
 * reclaimed when the interpreter resets them after each node's Prepare.
 */
export class ArenaModel {
  readonly events: ArenaEvent[] = [];
  phase = '';
  private readonly start = 0;
  private head = 0;
  private temp = 0;
  private tail: number;
  private readonly end: number;

  constructor(readonly size: number, private readonly logEvents = false) {
    this.end = size;
    this.tail = size;
  }

  /** AllocatePersistentBuffer(size, alignment): from the tail. */
  persistent(size: number, align: number): number {
    const result = alignDown(this.tail - size, align);
    const ok = result >= this.head;
    if (ok) this.tail = result;
    this.record('P', size, align, ok);
    return result;
  }

  /** AllocateTemp(size, alignment): above the head, released by resetTemp(). */
  temporary(size: number, align: number): number {
    const result = alignUp(this.temp, align);
    const ok = this.tail - result >= size;
    if (ok) this.temp = result + size;
    this.record('T', size, align, ok);
    return result;
  }

  /** ResizeBuffer on the resizable head buffer (also AllocateResizableBuffer and ReserveNonPersistentOverlayMemory). */
  resizeHead(size: number, align: number): void {
    const result = alignUp(this.start, align);
    const ok = this.tail - result >= size;
    if (ok) {
      this.head = result + size;
      this.temp = this.head;
    }
    this.record('R', size, align, ok);
  }

  /** ResetTempAllocations(). */
  resetTemp(): void {
    this.temp = this.head;
  }

  /** GetAvailableMemory(alignment): what the planner may borrow. */
  available(align: number): number {
    return alignDown(this.tail, align) - alignUp(this.temp, align);
  }

  get tailUsed(): number {
    return this.end - this.tail;
  }

  get headUsed(): number {
    return Math.max(this.head, this.temp) - this.start;
  }

  /** A request that TFLM refuses for a reason of its own (the planner has no room for its bookkeeping). */
  refuse(kind: ArenaEvent['kind'], size: number, align: number): never {
    this.record(kind, size, align, false);
    throw new Error('unreachable');
  }

  private record(kind: ArenaEvent['kind'], size: number, align: number, ok: boolean): void {
    const event: ArenaEvent = {
      kind, size, align, tailUsed: this.tailUsed, headUsed: this.headUsed, ok, phase: this.phase,
    };
    if (this.logEvents) this.events.push(event);
    if (!ok) throw new ArenaExhausted(event);
  }
}
