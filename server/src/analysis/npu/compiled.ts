/**
 * Models already compiled for an NPU: what can be read from their custom ops.
 *
 * - **Edge TPU** (`edgetpu-custom-op`, written by edgetpu_compiler): the custom options are a FlexBuffers map whose
 *   key "4" holds a DarwiNN package (a flatbuffer, identifier "DWN1": libedgetpu's executable/executable.fbs). The
 *   package's `serialized_multi_executable` holds one or more executables, each with its type (stand-alone, or a
 *   parameter-caching executable with an execution-only one), its parameter bytes, scratch bytes and the compiler's
 *   estimate of its run time in TPU cycles (`estimated_cycles_64bit`, else the older 32-bit `estimated_cycles`). Facts
 *   of the format from libedgetpu's tflite/custom_op_data.cc and executable/executable.fbs.
 * - **Ethos-U** (`ethos-u`, written by Vela): inputs are the command stream (constant), the weights Vela packed for the
 *   NPU (constant), the scratch and fast-scratch tensors (in the arena), then the original inputs (TFLM's
 *   kernels/ethos_u/ethosu.cc passes inputs 1.. to the driver as base addresses). Vela keeps no estimate of the NPU's
 *   time in the model, and not the original graph's MACs.
 *
 * Every read is bounded by the bytes it reads from (untrusted input): a malformed package is a reason, never a throw.
 */
import { constantData, type Model, type Operator, type Subgraph } from '../../model/ir.js';
import { flexbufferBytes, flexbufferMap } from '../tflm/kernels/flexbuffers.js';

export const EDGETPU_OP = 'CUSTOM:edgetpu-custom-op';
export const ETHOSU_OP = 'CUSTOM:ethos-u';

/** One Edge TPU executable of a compiled package. */
export interface EdgeTpuExecutable {
  /** stand-alone: parameters streamed with each run unless cached; parameter-caching/execution-only: a cached pair. */
  readonly type: 'stand-alone' | 'parameter-caching' | 'execution-only';
  /** The chip it was compiled for (e.g. "beagle"), when named. */
  readonly chip: string | null;
  /** Bytes of parameters (weights) the executable carries. */
  readonly parameterBytes: number;
  /** Scratch memory the TPU needs for one inference. */
  readonly scratchBytes: number;
  /** The compiler's estimate of one run, in TPU cycles; null when absent. */
  readonly estimatedCycles: number | null;
}

export type EdgeTpuPackage =
  | { readonly ok: true; readonly version: number | null; readonly compilerVersion: string | null; readonly packageBytes: number; readonly executables: readonly EdgeTpuExecutable[] }
  | { readonly ok: false; readonly reason: string };

/** What Vela's custom op holds. */
export interface VelaOp {
  readonly commandStreamBytes: number;
  /** Weights and biases Vela encoded for the NPU (in flash with the model). */
  readonly weightBytes: number;
  /** The scratch tensor (in the tensor arena) and the fast-scratch one (SRAM on Ethos-U65 systems), in bytes. */
  readonly scratchBytes: number;
  readonly fastScratchBytes: number;
}

/** Which compiler a model went through, from its custom ops: null when it is not compiled for an NPU. */
export function compiledFor(model: Model): 'vela' | 'edgetpu_compiler' | null {
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      if (op.opName === ETHOSU_OP) return 'vela';
      if (op.opName === EDGETPU_OP) return 'edgetpu_compiler';
    }
  }
  return null;
}

/** The Ethos-U op's command stream, weights and scratch sizes (0 where a tensor is absent). */
export function readVelaOp(model: Pick<Model, 'buffers'>, sg: Subgraph, op: Operator): VelaOp {
  const bytesOf = (k: number): number => {
    const t = sg.tensors[op.inputs[k] ?? -1];
    if (!t) return 0;
    return constantData(model, t)?.length ?? t.bytes;
  };
  return { commandStreamBytes: bytesOf(0), weightBytes: bytesOf(1), scratchBytes: bytesOf(2), fastScratchBytes: bytesOf(3) };
}

/** The Edge TPU op's package, read from its custom options. */
export function readEdgeTpuOp(op: Operator): EdgeTpuPackage {
  const options = op.customOptions;
  if (!options || options.length === 0) return { ok: false, reason: 'the custom op has no options (no compiled executable)' };
  const entries = flexbufferMap(options);
  const executable = flexbufferBytes(options, '4');
  if (!executable) return { ok: false, reason: 'the options hold no executable (FlexBuffers key "4")' };
  const pkg = readPackage(executable);
  if (!pkg.ok) return pkg;
  const version = entries.get('1');
  return { ...pkg, version: version ?? null };
}

/** A flatbuffer table reader over untrusted bytes: every offset checked, every failure a `FormatFault`. */
class FormatFault extends Error {}

class Flat {
  constructor(private readonly b: Uint8Array) {}
  private u32(at: number): number {
    if (at < 0 || at + 4 > this.b.length) throw new FormatFault(`offset ${at} is outside the ${this.b.length}-byte buffer`);
    return (this.b[at]! | (this.b[at + 1]! << 8) | (this.b[at + 2]! << 16)) + this.b[at + 3]! * 2 ** 24;
  }
  private i32(at: number): number {
    const u = this.u32(at);
    return u >= 2 ** 31 ? u - 2 ** 32 : u;
  }
  private u16(at: number): number {
    if (at < 0 || at + 2 > this.b.length) throw new FormatFault(`offset ${at} is outside the buffer`);
    return this.b[at]! | (this.b[at + 1]! << 8);
  }
  /** The root table's position. */
  root(): number {
    return this.u32(0);
  }
  /** The position of field `id`'s value in the table at `table`, or null when absent. */
  field(table: number, id: number): number | null {
    const vtable = table - this.i32(table);
    const size = this.u16(vtable);
    const slot = 4 + 2 * id;
    if (slot + 2 > size) return null;
    const at = this.u16(vtable + slot);
    return at === 0 ? null : table + at;
  }
  int(table: number, id: number): number | null {
    const at = this.field(table, id);
    return at === null ? null : this.i32(at);
  }
  short(table: number, id: number): number | null {
    const at = this.field(table, id);
    return at === null ? null : this.u16(at);
  }
  /** An int64 as a number (exact below 2^53; the cycle counts here are far below). */
  long(table: number, id: number): number | null {
    const at = this.field(table, id);
    return at === null ? null : this.u32(at) + this.i32(at + 4) * 2 ** 32;
  }
  /** A vector's (or string's) element position and length. */
  vector(table: number, id: number): { start: number; length: number } | null {
    const at = this.field(table, id);
    if (at === null) return null;
    const pos = at + this.u32(at);
    const length = this.u32(pos);
    if (pos + 4 + length > this.b.length) throw new FormatFault(`a vector of ${length} elements runs past the buffer`);
    return { start: pos + 4, length };
  }
  bytes(table: number, id: number): Uint8Array | null {
    const v = this.vector(table, id);
    return v ? this.b.subarray(v.start, v.start + v.length) : null;
  }
  string(table: number, id: number): string | null {
    const v = this.bytes(table, id);
    return v ? String.fromCharCode(...v.subarray(0, 64)).replace(/[^\x20-\x7e]/g, '?') : null;
  }
  /** The positions of the tables (or strings) a vector of offsets points to. */
  offsets(table: number, id: number): number[] {
    const v = this.vector(table, id);
    if (!v) return [];
    if (v.start + 4 * v.length > this.b.length) throw new FormatFault('an offset vector runs past the buffer');
    return Array.from({ length: v.length }, (_, k) => v.start + 4 * k + this.u32(v.start + 4 * k));
  }
  /** The bytes of a string at `pos` (as `offsets` gives it). */
  stringAt(pos: number): Uint8Array {
    const length = this.u32(pos);
    if (pos + 4 + length > this.b.length) throw new FormatFault(`a string of ${length} bytes runs past the buffer`);
    return this.b.subarray(pos + 4, pos + 4 + length);
  }
}

const EXECUTABLE_TYPES = ['stand-alone', 'parameter-caching', 'execution-only'] as const;

/** Executables beyond this are not read: a package of one model has one or two. */
const MAX_EXECUTABLES = 16;

function readPackage(bytes: Uint8Array): Omit<Extract<EdgeTpuPackage, { ok: true }>, 'version'> | Extract<EdgeTpuPackage, { ok: false }> {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(4, 8)) !== 'DWN1') {
    return { ok: false, reason: 'the executable is not a DarwiNN package (no "DWN1" identifier)' };
  }
  try {
    const pkg = new Flat(bytes);
    const root = pkg.root();
    // Package: min_runtime_version 0, serialized_multi_executable 1, signature 2, keypair_version 3,
    // compiler_version 4, virtual_chip_id 5, multi_chip_package 6, model_identifier 7.
    const compilerVersion = pkg.string(root, 4);
    const multi = pkg.bytes(root, 1);
    if (!multi) return { ok: false, reason: 'the package holds no executables' };
    const me = new Flat(multi);
    // MultiExecutable: serialized_executables 0 (strings, each an Executable flatbuffer).
    const serialized = me.offsets(me.root(), 0).slice(0, MAX_EXECUTABLES);
    const executables = serialized.map((pos) => readExecutable(me.stringAt(pos)));
    if (executables.length === 0) return { ok: false, reason: 'the package holds no executables' };
    return { ok: true, compilerVersion, packageBytes: bytes.length, executables };
  } catch (e) {
    if (e instanceof FormatFault) return { ok: false, reason: `the DarwiNN package is malformed: ${e.message}` };
    throw e;
  }
}

function readExecutable(bytes: Uint8Array): EdgeTpuExecutable {
  const x = new Flat(bytes);
  const t = x.root();
  // Executable: version 0, name 1, serialized_model 2, batch_size 3, scratch_size_bytes 4, instruction_bitstreams 5,
  // parameters 6, dma_hints 7, input_layers 8, output_layers 9, chip 10, estimated_cycles 11,
  // used_narrow_memory_bytes_per_tile 12, type 13, parameter_caching_token 14, use_tpu_dram_for_parameters 15,
  // estimated_cycles_64bit 16.
  const type = EXECUTABLE_TYPES[x.short(t, 13) ?? 0] ?? 'stand-alone';
  const cycles64 = x.long(t, 16);
  const cycles32 = x.int(t, 11);
  const estimatedCycles = cycles64 !== null && cycles64 > 0 ? cycles64 : cycles32 !== null && cycles32 > 0 ? cycles32 : null;
  return {
    type,
    chip: x.string(t, 10),
    parameterBytes: x.vector(t, 6)?.length ?? 0,
    scratchBytes: Math.max(0, x.int(t, 4) ?? 0),
    estimatedCycles,
  };
}
