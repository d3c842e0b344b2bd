/**
 * The instruction model: how many instructions one operator's Invoke executes on a TFLM build (core x kernel set),
 * as a linear formula in features that follow the kernel's own loops:
 *
 *   instructions = sum over features of coefficient x feature
 *
 * Each operator falls in one kernel class, the code path it takes in the kernel set (CMSIS-NN's 1x1 fast path, its
 * im2col convolution, the 3x3 depthwise kernel, ...); a class's coefficients are fitted on the rig's one-op sweep
 * (tools/tflm-harness, test/measured/instr_sweep.tsv) by scripts/fit-instructions.ts and kept as data in
 * instruction-coefficients.json. A class without coefficients for a build has no prediction (null): callers keep the
 * MAC model there. Pure.
 */
import type { Model, Operator, Subgraph, Tensor } from '../../model/ir.js';
import bundled from './instruction-coefficients.json';
import { seqClass, seqFacts, seqFeatures } from './instruction-seq.js';

/** The shape facts the kernels' loop counts depend on. Spatial figures are for NHWC tensors; n is the batch. */
export interface OpShape {
  op: string;
  dtype: string;
  n: number;
  inH: number; inW: number; cin: number;
  outH: number; outW: number; cout: number;
  kH: number; kW: number;
  strideH: number; strideW: number;
  /** Padding before the first row / column (TFLite's SAME rule; 0 for VALID). */
  padTop: number; padLeft: number;
  dilationH: number; dilationW: number;
  /** Elementwise ops: one input is smaller than the output (TFLM then takes its broadcast loop). */
  broadcast: boolean;
  /** Output elements (all ops). */
  elements: number;
  /** Softmax: rows and row length; FC: batches and the inner (dot product) length. */
  rows: number; depth: number;
  /** MEAN: input elements, rank and axes, and whether float's H,W loop runs (instruction-seq.ts); absent for other ops. */
  inElements?: number; inRank?: number; meanAxes?: number; meanHw?: boolean;
  /** SVDF: rank and memory size; SVDF and LSTM: the (cell) state's type. Absent for other ops. */
  svdfRank?: number; memory?: number; stateDtype?: string;
  /** LSTM: the steps of one sequence (time-major or not). */
  seqSteps?: number;
  /** QUANTIZE from int16: the output type (int8 and int32 take different loops). */
  outDtype?: string;
}

/** Builds, per build key `CORE:KERNELS`, per kernel class. */
export interface InstructionCoefficients {
  source: string;
  builds: Record<string, Record<string, ClassFit>>;
}

export interface ClassFit {
  /** Feature name -> instructions per unit. Features absent here count 0. */
  coefficients: Record<string, number>;
  points: number;
  /** In-sample fit quality on the sweep, in percent of the measured count. */
  medianAbsErrorPct: number;
  maxAbsErrorPct: number;
}

export function bundledInstructionCoefficients(): InstructionCoefficients {
  return bundled as InstructionCoefficients;
}

/**
 * The rig's builds that describe a catalog core, best first: its own build when measured, else a build of the same
 * ISA (a Cortex-M7 runs ARMv7E-M like the M4) or the closest measured one as a prior (ARMv8-M Mainline with DSP runs
 * the same CMSIS-NN DSP code paths as the M4). `rv32imc` (RV32IMC: the PCL SCEPU02, the ESP32-C3) has the rig's
 * RV32IMC build of the reference kernels (there is no CMSIS-NN for RISC-V). The ESP32 (Xtensa LX6) and ESP32-S3 (LX7)
 * take the rig's Xtensa lx106 build (the only Xtensa GCC Debian has; see PROXY_OF), else the RV32IMC counts. Cores not
 * listed (Cortex-M3 without DSP, ARC) have no build: the MAC model costs them.
 */
const BUILDS_OF: Readonly<Record<string, readonly string[]>> = {
  'cortex-m4': ['cortex-m4+fp'], 'cortex-m4f': ['cortex-m4+fp'],
  'cortex-m7': ['cortex-m7+fp', 'cortex-m4+fp'],
  'cortex-m33': ['cortex-m33', 'cortex-m4+fp'],
  'cortex-m55': ['cortex-m55'], 'cortex-m85': ['cortex-m55'],
  'cortex-m0plus': ['cortex-m0plus'],
  'rv32imc': ['rv32imc'],
  'esp32': ['xtensa-lx106', 'rv32imc'], 'esp32s3': ['xtensa-lx106', 'rv32imc'],
};

/** Cores whose first build is not their own core's: why it stands in. */
const PROXY_OF: Readonly<Record<string, string>> = {
  esp32: 'Xtensa lx106 counts stand in for the LX6 (same base ISA; no MUL32_HIGH or DIV32, call0 ABI, no zero-overhead loops; no FPU, so float ops are counted as soft float and come out too slow)',
  esp32s3: 'Xtensa lx106 counts stand in for the LX7 (same base ISA; no MUL32_HIGH or DIV32, call0 ABI, no zero-overhead loops; no FPU, so float ops are counted as soft float and come out too slow)',
};

const KERNELS_OF: Readonly<Record<string, string>> = { 'tflm-cmsis-nn': 'cmsis_nn', 'tflm-reference': 'reference' };

/** The build chosen for a core and runtime, and whether it is the core's own or a stand-in. */
export interface BuildChoice {
  build: string;
  /** null: the core's own build; otherwise why another core's counts stand in. */
  proxy: string | null;
}

/**
 * The measured build behind a core and runtime, or null when the bundled coefficients have none for it. In a CMSIS-NN
 * build the ops CMSIS-NN lacks run TFLM's reference kernels inside the same build, so the build follows the runtime,
 * not each op's path.
 */
export function instructionBuildChoice(core: string, runtime: string, k: InstructionCoefficients = bundledInstructionCoefficients()): BuildChoice | null {
  const kernels = KERNELS_OF[runtime];
  if (kernels === undefined) return null;
  const chain = BUILDS_OF[core] ?? [];
  for (const [i, isa] of chain.entries()) {
    const build = `${isa}:${kernels}`;
    if (k.builds[build] === undefined) continue;
    const own = chain[0]!;
    const proxy = i === 0 ? PROXY_OF[core] ?? null : core === 'cortex-m7'
      ? `${own} not measured: ${isa} counts (the same ARMv7E-M instruction set)`
      : `${own} not measured: ${isa} counts as a prior`;
    return { build, proxy };
  }
  return null;
}

/** The measured build behind a core and runtime (see instructionBuildChoice), or null. */
export function instructionBuild(core: string, runtime: string, k: InstructionCoefficients = bundledInstructionCoefficients()): string | null {
  return instructionBuildChoice(core, runtime, k)?.build ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes from the IR

const dims4 = (t: Tensor | undefined): [number, number, number, number] => {
  const s = t?.shape ?? [];
  if (s.length === 4) return [s[0]!, s[1]!, s[2]!, s[3]!];
  if (s.length === 3) return [1, s[0]!, s[1]!, s[2]!];
  if (s.length === 2) return [s[0]!, 1, 1, s[1]!];
  if (s.length === 1) return [1, 1, 1, s[0]!];
  return [1, 1, 1, 1];
};

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

/** TFLite's ComputePaddingHeightWidth: the padding before the first row for one axis. */
export function padBefore(padding: unknown, inSize: number, outSize: number, k: number, stride: number, dilation: number): number {
  if (padding !== 'SAME') return 0;
  const effK = (k - 1) * dilation + 1;
  return Math.floor(Math.max((outSize - 1) * stride + effK - inSize, 0) / 2);
}

/** The shape facts of one operator, from its tensors and options. */
export function opShape(sg: Subgraph, op: Operator): OpShape {
  const t = (i: number | undefined): Tensor | undefined => (i !== undefined && i >= 0 ? sg.tensors[i] : undefined);
  const x = t(op.inputs[0]);
  const w = t(op.inputs[1]);
  const y = t(op.outputs[0]);
  const [n, inH, inW, cin] = dims4(x);
  const [, outH, outW, cout] = dims4(y);
  const o = op.options;
  let kH = 1;
  let kW = 1;
  if (op.opName === 'CONV_2D' || op.opName === 'DEPTHWISE_CONV_2D') {
    const f = w?.shape ?? [];
    kH = f[1] ?? 1;
    kW = f[2] ?? 1;
  } else if (op.opName === 'AVERAGE_POOL_2D' || op.opName === 'MAX_POOL_2D') {
    kH = num(o.filterHeight, 1);
    kW = num(o.filterWidth, 1);
  }
  const strideH = num(o.strideH, 1);
  const strideW = num(o.strideW, 1);
  const dilationH = num(o.dilationHFactor, 1);
  const dilationW = num(o.dilationWFactor, 1);
  const elements = y?.elementCount ?? 0;
  const broadcast = op.inputs.some((i) => { const it = t(i); return it !== undefined && it.elementCount !== elements; });
  const last = y?.shape.length ? y.shape[y.shape.length - 1]! : 1;
  let rows = last > 0 ? Math.floor(elements / last) : 0;
  let depth = last;
  if (op.opName === 'FULLY_CONNECTED') {
    depth = w?.shape[w.shape.length - 1] ?? 0;
    rows = depth > 0 ? Math.floor((x?.elementCount ?? 0) / depth) : 0;
  }
  return {
    op: op.opName, dtype: x?.dtype ?? 'NONE', n, inH, inW, cin, outH, outW, cout, kH, kW, strideH, strideW,
    padTop: padBefore(o.padding, inH, outH, kH, strideH, dilationH),
    padLeft: padBefore(o.padding, inW, outW, kW, strideW, dilationW),
    dilationH, dilationW, broadcast, elements, rows, depth, ...seqFacts(sg, op),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Kernel classes and their features

/**
 * The kernel class of an op on a kernel set: which code path runs it. Named `OP/DTYPE` for ops without a
 * dedicated path here, so their rows are kept apart and a later fit can add them.
 */
export function kernelClass(s: OpShape, kernels: 'cmsis_nn' | 'reference', mve = false): string {
  const seq = seqClass(s);
  if (seq !== null) return seq;
  const int8 = s.dtype === 'INT8';
  if (!int8) return `${s.op}/${s.dtype}`;
  const unitDilation = s.dilationH === 1 && s.dilationW === 1;
  switch (s.op) {
    case 'CONV_2D':
      if (kernels === 'reference') return 'conv';
      // CMSIS-NN's wrapper: 1x1 without padding -> arm_convolve_1x1_s8_fast (stride 1) or _s8; 1xN; else im2col.
      if (s.kH === 1 && s.kW === 1 && s.padTop === 0 && s.padLeft === 0 && unitDilation) {
        return s.strideH === 1 && s.strideW === 1 ? 'conv1x1' : 'conv1x1-strided';
      }
      if (s.inH === 1 && s.kH === 1 && s.dilationW === 1 && (s.strideW * s.cin) % 4 === 0) return 'conv1xn';
      return 'conv';
    case 'DEPTHWISE_CONV_2D':
      // CMSIS-NN's wrapper has no 3x3 kernel on Helium (MVE): arm_depthwise_conv_s8_opt runs those too.
      if (kernels === 'cmsis_nn' && !mve && s.cout === s.cin && s.n === 1 && unitDilation && s.kH === 3 && s.kW === 3 && s.padTop <= 1 && s.padLeft <= 1) {
        return 'dwconv3x3';
      }
      // arm_depthwise_conv_s8_opt for a multiplier of 1, the generic arm_depthwise_conv_s8 otherwise
      // (and for multipliers of 4, 8, ... a loop over four multipliers at once).
      if (kernels === 'reference') return 'dwconv';
      if (s.cout === s.cin && s.n === 1 && unitDilation) return 'dwconv-opt';
      return s.cin > 0 && (s.cout / s.cin) % 4 === 0 && s.n === 1 && unitDilation ? 'dwconv-mult4' : 'dwconv';
    case 'FULLY_CONNECTED': return 'fc';
    case 'AVERAGE_POOL_2D': return 'avgpool';
    case 'MAX_POOL_2D': return 'maxpool';
    case 'ADD': return s.broadcast ? 'add-broadcast' : 'add';
    case 'MUL': return s.broadcast ? 'mul-broadcast' : 'mul';
    case 'SOFTMAX': return 'softmax';
    default: return `${s.op}/${s.dtype}`;
  }
}

/** The kernel class of an op on a build (`CORE:KERNELS`): Helium builds (Cortex-M55) take CMSIS-NN's MVE paths. */
export function buildClass(s: OpShape, build: string): string {
  return kernelClass(s, build.endsWith(':reference') ? 'reference' : 'cmsis_nn', build.startsWith('cortex-m55:'));
}

const FAMILY: Record<string, string> = {
  CONV_2D: 'conv', DEPTHWISE_CONV_2D: 'dwconv', FULLY_CONNECTED: 'fc', AVERAGE_POOL_2D: 'avgpool', MAX_POOL_2D: 'maxpool',
  PAD: 'pad', PADV2: 'pad',
};

/**
 * Kernel taps that land inside the input, summed over output positions, along one axis. Counted in closed form per
 * output position or per tap, whichever axis is shorter (a loop over both is output x kernel work: a hostile model
 * with a million outputs and a huge kernel kept the fuzzer's fit stage busy for minutes).
 */
export function validTaps(inSize: number, outSize: number, k: number, stride: number, pad: number, dilation: number): number {
  if (inSize <= 0 || outSize <= 0 || k <= 0) return 0;
  const s = Math.max(1, stride);
  const d = Math.max(1, dilation);
  // Integers a..b that lie in [lo, hi], clamped: the count of valid partners for one fixed index.
  const span = (lo: number, hi: number, min: number, max: number): number => Math.max(0, Math.min(hi, max) - Math.max(lo, min) + 1);
  let taps = 0;
  if (k <= outSize) {
    // For tap j: outputs o with 0 <= o*s - pad + j*d <= inSize - 1.
    for (let j = 0; j < k; j++) {
      const base = j * d - pad;
      taps += span(Math.ceil(-base / s), Math.floor((inSize - 1 - base) / s), 0, outSize - 1);
    }
  } else {
    // For output o: taps j with 0 <= o*s - pad + j*d <= inSize - 1.
    for (let o = 0; o < outSize; o++) {
      const base = o * s - pad;
      taps += span(Math.ceil(-base / d), Math.floor((inSize - 1 - base) / d), 0, k - 1);
    }
  }
  return taps;
}

/**
 * The features of one class: each is a loop's trip count in the kernel's code (per call, per output pixel, per
 * output value, per MAC, per leftover iteration of a 4-wide SIMD loop).
 */
export function instructionFeatures(s: OpShape, cls: string): Record<string, number> {
  const seq = seqFeatures(s, cls);
  if (seq !== null) return seq;
  const pix = s.n * s.outH * s.outW;
  const kArea = s.kH * s.kW;
  // Taps inside the input, over all output positions: what a padded window really reads.
  const taps = s.n * validTaps(s.inH, s.outH, s.kH, s.strideH, s.padTop, s.dilationH) * validTaps(s.inW, s.outW, s.kW, s.strideW, s.padLeft, s.dilationW);
  // Other types' kernels (float, int16: TFLM's reference code) walk the same loops as their int8 class.
  const family = cls.includes('/') ? FAMILY[s.op] ?? 'other' : cls;
  switch (family) {
    case 'conv1x1':
    case 'conv1x1-strided':
    case 'conv1xn':
    case 'conv': {
      const col = kArea * s.cin;
      if (cls !== family) {
        // TFLM's reference Conv: per output value a loop over the whole window (each tap checked against the
        // input's edges), and the channel loop for the taps inside
        return { call: 1, pixels: pix, outputs: pix * s.cout, outputWindow: pix * kArea * s.cout, outputTaps: taps * s.cout, validMacs: taps * s.cout * s.cin };
      }
      if (family !== 'conv') {
        // arm_nn_mat_mult_nt_t_s8 (DSP): per pair of filters a weight-sum loop over the column, then per pair of
        // pixels the dot products in steps of 16, then 4, then 1.
        return {
          call: 1, pixels: pix, outputs: pix * s.cout, weightSums: s.cout * col, macs: pix * s.cout * col,
          tail4: pix * s.cout * Math.floor((col % 16) / 4), tail1: pix * s.cout * (col % 4),
          // an odd last pixel and an odd last filter run single-row loops
          oddPixel: (pix % 2) * s.cout * col, oddFilter: (s.cout % 2) * pix * col,
        };
      }
      return {
        // CMSIS-NN's GEMM multiplies the zero-filled padded taps too; the reference loops skip them
        call: 1, pixels: pix, outputs: pix * s.cout, macs: pix * s.cout * col, validMacs: taps * s.cout * s.cin, outputTaps: taps * s.cout,
        // im2col copies (widening to 16 bits) each valid tap's channels and zero-fills the padded ones, one call per tap
        im2col: taps * s.cin, im2colPadded: (pix * kArea - taps) * s.cin, tapCalls: taps, padCalls: pix * kArea - taps,
        tail1: pix * s.cout * (col % 4),
      };
    }
    case 'dwconv3x3':
    case 'dwconv-opt':
    case 'dwconv-mult4':
    case 'dwconv': {
      // kernel rows inside the input, per output: the generic kernels' inner-loop setups
      const rows = s.n * validTaps(s.inH, s.outH, s.kH, s.strideH, s.padTop, s.dilationH) * s.outW * s.cout;
      return {
        call: 1, pixels: pix, outputs: pix * s.cout, macs: taps * s.cout, tapCalls: taps, outputRows: rows, leftover: pix * (s.cout % 4) * kArea,
        // the MACs of the 4-channel blocks alone: on a core without SIMD a block's word loads are split into bytes,
        // so its MACs cost more than the leftover channels' scalar loop
        blockMacs: taps * (s.cout - (s.cout % 4)),
        // TFLM's reference kernel checks every window tap against the input's edges, per output value
        outputWindow: pix * kArea * s.cout,
      };
    }
    case 'fc':
      return { call: 1, rows: s.rows, outputs: s.rows * s.cout, macs: s.rows * s.cout * s.depth, leftover: s.rows * s.cout * (s.depth % 4) };
    case 'avgpool':
    case 'maxpool':
      return { call: 1, pixels: pix, outputs: pix * s.cout, window: taps * s.cout, windowTaps: taps, leftover: taps * (s.cout % 4) };
    case 'pad':
      // TFLM's PadImpl: per output row a memset of the padding and one memcpy of the input row
      return { call: 1, rows: s.n * s.outH, elements: s.elements };
    case 'add':
    case 'mul':
      return { call: 1, elements: s.elements, leftover: s.elements % 4 };
    case 'add-broadcast':
    case 'mul-broadcast':
      return { call: 1, elements: s.elements, runs: s.rows };
    case 'softmax':
      return { call: 1, rows: s.rows, elements: s.rows * s.depth };
    default:
      return { call: 1, elements: s.elements };
  }
}

/** Predicted instructions for a shape on a build, or null when the build has no coefficients for its class. */
export function predictShape(s: OpShape, build: string, k: InstructionCoefficients = bundledInstructionCoefficients()): number | null {
  const cls = buildClass(s, build);
  const fit = k.builds[build]?.[cls];
  if (!fit) return null;
  const f = instructionFeatures(s, cls);
  let sum = 0;
  for (const [name, c] of Object.entries(fit.coefficients)) sum += c * (f[name] ?? 0);
  return sum;
}

export interface OpInstructions {
  subgraph: number;
  index: number;
  op: string;
  kernelClass: string;
  /** null: no coefficients for this class on this build. */
  instructions: number | null;
}

/** Per-operator predictions for every operator of every subgraph. */
export function predictModel(model: Model, build: string, k: InstructionCoefficients = bundledInstructionCoefficients()): OpInstructions[] {
  const out: OpInstructions[] = [];
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const s = opShape(sg, op);
      out.push({ subgraph: sg.index, index: op.index, op: op.opName, kernelClass: buildClass(s, build), instructions: predictShape(s, build, k) });
    }
  }
  return out;
}
