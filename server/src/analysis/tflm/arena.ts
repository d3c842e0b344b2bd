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
  private phaseText = '';
  /** A node's phase, kept in parts until an event needs its text (most replays never do). */
  private phaseNode: { step: string; subgraph: number; node: number; opName: string } | null = null;
  private readonly start = 0;
  private head = 0;
  private temp = 0;
  private tail: number;
  private readonly end: number;

  /** `need`, when given, learns from this replay which other arena sizes would allocate (see SizeNeed). */
  constructor(readonly size: number, private readonly logEvents = false, private readonly need: SizeNeed | null = null) {
    this.end = size;
    this.tail = size;
  }

  /** What the allocator is doing, as events name it ('create', 'finish', `prepare 0/3:CONV_2D`, ...). */
  get phase(): string {
    const n = this.phaseNode;
    return n ? `${n.step} ${n.subgraph}/${n.node}:${n.opName}` : this.phaseText;
  }

  set phase(text: string) {
    this.phaseText = text;
    this.phaseNode = null;
  }

  /** Sets the phase to a node's step (`parse`, `init`, `prepare`) without building its text. */
  nodePhase(step: string, subgraph: number, node: number, opName: string): void {
    if (this.phaseNode) {
      this.phaseNode.step = step;
      this.phaseNode.subgraph = subgraph;
      this.phaseNode.node = node;
      this.phaseNode.opName = opName;
    } else {
      this.phaseNode = { step, subgraph, node, opName };
    }
  }

  /**
   * AllocatePersistentBuffer(size, alignment): from the tail. `filled`: the kernel writes the buffer while its
   * temporaries are live (CMSIS-NN's kernel sums), so an arena where it would overlap them is too small — TFLM's
   * check against the head alone lets it through, and the writes corrupt the temporaries.
   */
  persistent(size: number, align: number, filled = false): number {
    const result = alignDown(this.tail - size, align);
    const floor = filled ? this.temp : this.head;
    const ok = result >= floor;
    if (ok) this.tail = result;
    this.need?.persistent(size, align, floor);
    this.record('P', size, align, ok);
    return result;
  }

  /** AllocateTemp(size, alignment): above the head, released by resetTemp(). */
  temporary(size: number, align: number): number {
    return this.allocateTemp(size, align, true);
  }

  /**
   * GetAvailableMemory(alignment) followed by AllocateTemp of all of it, as the planner borrows its working memory:
   * the bytes borrowed. The borrowing always fits whatever the arena size; what a smaller arena may lack is the
   * `needed` bytes the caller then requires of it (the planner's per-buffer bookkeeping).
   */
  borrowRest(align: number, needed: number): number {
    const rest = this.available(align);
    this.need?.available(align, alignUp(this.temp, align) + needed);
    this.allocateTemp(rest, align, false);
    return rest;
  }

  private allocateTemp(size: number, align: number, track: boolean): number {
    const result = alignUp(this.temp, align);
    const ok = this.tail - result >= size;
    if (ok) this.temp = result + size;
    if (track) this.need?.below(result + size);
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
    this.need?.below(result + size);
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
    // Most replays log nothing: build the event only when it is kept or thrown.
    if (ok && !this.logEvents) return;
    const event: ArenaEvent = {
      kind, size, align, tailUsed: this.tailUsed, headUsed: this.headUsed, ok, phase: this.phase,
    };
    if (this.logEvents) this.events.push(event);
    if (!ok) throw new ArenaExhausted(event);
  }
}

/** Arena sizes that differ by a multiple of this have the same tail padding (every alignment divides it). */
const PERIOD = 16;

/**
 * Which arena sizes allocate, learnt from one replay. Whether a request fits depends on the arena size only through
 * the end address: the head side grows from the (aligned) start whatever the size, and the tail's padding depends on
 * the end address modulo the alignment. So for each residue r of the size modulo 16 this tracks the tail's bytes in
 * use and the largest size any request so far needed (head side + tail side); an arena of size s allocates exactly
 * when s >= need[s mod 16]. Exact as long as every alignment divides 16 (`exact` says so) and the replay's requests
 * do not depend on the size otherwise (the planner's borrowing of all available memory goes through borrowRest).
 */
export class SizeNeed {
  private readonly tail = new Float64Array(PERIOD);
  private readonly need = new Float64Array(PERIOD);
  /**
   * The highest head-side end since the tail last moved, not yet applied to `need`: between two tail requests every
   * head-side request adds the same tail to its end, so only the highest end matters (one comparison per request
   * instead of a pass over the 16 residues).
   */
  private top = -Infinity;
  exact = true;

  /** Applies the pending head-side end to every residue's need (before the tail moves, or an answer is read). */
  private flush(): void {
    if (this.top === -Infinity) return;
    const top = this.top;
    this.top = -Infinity;
    for (let r = 0; r < PERIOD; r++) this.need[r] = Math.max(this.need[r]!, top + this.tail[r]!);
  }

  /** A persistent request taken from the tail, checked against the head (`head`: its end). */
  persistent(size: number, align: number, head: number): void {
    if (PERIOD % align !== 0) this.exact = false;
    this.flush();
    for (let r = 0; r < PERIOD; r++) {
      // The end address is r modulo 16; relative to it, the request ends at alignDown(r - tail - size).
      this.tail[r] = r - alignDown(r - this.tail[r]! - size, align);
      this.need[r] = Math.max(this.need[r]!, head + this.tail[r]!);
    }
  }

  /** A head-side request (temporary or resized head) that must end at or below the tail: it ends at `top`. */
  below(top: number): void {
    if (top > this.top) this.top = top;
  }

  /** GetAvailableMemory(align) must be at least `top` minus the aligned temporary top (passed in `top`). */
  available(align: number, top: number): void {
    if (PERIOD % align !== 0) this.exact = false;
    this.flush();
    for (let r = 0; r < PERIOD; r++) {
      const tail = this.tail[r]!;
      const pad = (((r - tail) % align) + align) % align; // alignDown of the tail address
      this.need[r] = Math.max(this.need[r]!, top + tail + pad);
    }
  }

  /** True when AllocateTensors() succeeds in an arena of `size` bytes (the replay itself having succeeded). */
  fits(size: number): boolean {
    this.flush();
    return size >= this.need[size % PERIOD]!;
  }
}
