/**
 * TFLM's own flash and static RAM for a model's op set (issue 10, item 1): the interpreter, allocator and the kernels
 * an op resolver pulls in, predicted from measured links of a minimal application (tools/tflm-harness/footprint/).
 * Runtime = the base link + every measured component (input sections kept by exactly one set of ops) whose op set
 * meets the registered ops + the resolver's static RAM per op. Pure: the measured data is bundled JSON; no I/O.
 */
import type { Model } from '../../model/ir.js';
import type { KernelSet } from '../tflm/kernels/types.js';
import { bundledFootprintData, type BuildFootprint, type FootprintData, type SectionFigures } from './data.js';

export { loadFootprintData, bundledFootprintData, type FootprintData, type BuildFootprint } from './data.js';

/** The TFLM commit the footprints were measured at (tools/tflm-harness/README.md). */
export const FOOTPRINT_TFLM = '90b983c2';

export interface RuntimeFootprint {
  /** .text + .rodata + .data (bytes): what the runtime puts in flash. */
  flash: number;
  /** .data + .bss (static RAM, bytes; excludes the tensor arena). */
  ram: number;
  sections: { text: number; rodata: number; data: number; bss: number };
  /** The measured build this comes from, e.g. "cortex-m4+fp cmsis_nn". */
  build: string;
  /** "estimated" when the core has no measured build and a near one is used (`note` says which and why). */
  basis: 'measured' | 'estimated';
  /** E.g. "ops without measured kernels: X, Y". */
  note?: string;
  /** The TFLM commit, "90b983c2". */
  tflm: string;
}

/** Either spelling of a kernel set: the ("cmsis-nn") or the analysis's KernelSet ("tflm-cmsis-nn"). */
export type FootprintKernels = 'reference' | 'cmsis-nn' | KernelSet;

/** Why a non-Arm core's runtime is an estimate, and how rough. */
function nonArm(isa: string): string {
  return `no ${isa} build measured: TFLM's reference kernels built for ARMv7E-M stand in (the same sources; code density differs`
    + ' by instruction set, and vendor kernels such as ESP-NN or ARC MLI are not counted)';
}

/**
 * Rig builds (TFLM's TARGET_ARCH) that can stand for each catalog core, nearest first, with why a stand-in is near.
 * The first is the core's own build; the others make an "estimated" figure. A third element fixes the kernel set of
 * the stand-in: the non-Arm cores' own kernels (ESP-NN, ARC MLI) are not measured, so TFLM's reference kernels stand
 * in for every kernel set there.
 */
const NEAR: Record<string, readonly (readonly [string, string, ('reference' | 'cmsis_nn')?])[]> = {
  'cortex-m0plus': [['cortex-m0plus', ''], ['cortex-m4+fp', 'a Thumb-2 core: ARMv6-M code is larger']],
  'cortex-m3': [['cortex-m3', ''], ['cortex-m4+fp', 'ARMv7E-M, a superset of the ARMv7-M ISA']],
  'cortex-m4': [['cortex-m4', ''], ['cortex-m4+fp', 'the same core with an FPU (float kernels differ)']],
  'cortex-m4f': [['cortex-m4+fp', '']],
  'cortex-m7': [['cortex-m7+fp', ''], ['cortex-m4+fp', 'ARMv7E-M, the same ISA']],
  'cortex-m33': [['cortex-m33', ''], ['cortex-m4+fp', 'ARMv8-M Mainline with DSP is close to ARMv7E-M']],
  'cortex-m55': [['cortex-m55', ''], ['cortex-m4+fp', 'an ARMv7E-M build of the same sources, without the Helium code paths']],
  'cortex-m85': [['cortex-m85', ''], ['cortex-m55', 'ARMv8.1-M with Helium, the same ISA'],
    ['cortex-m4+fp', 'an ARMv7E-M build of the same sources, without the Helium code paths']],
  esp32: [['cortex-m4+fp', nonArm('Xtensa LX6'), 'reference']],
  esp32s3: [['cortex-m4+fp', nonArm('Xtensa LX7'), 'reference']],
  rv32imc: [['cortex-m4+fp', nonArm('RISC-V RV32IMC'), 'reference']],
  'arc-em9d': [['cortex-m4+fp', nonArm('ARC EM'), 'reference']],
};

const rigKernels = (k: FootprintKernels): 'reference' | 'cmsis_nn' => (k === 'reference' || k === 'tflm-reference' ? 'reference' : 'cmsis_nn');

/** "CUSTOM:name" and "name" are the same custom op; builtins as named. */
const opKey = (op: string): string => (op.startsWith('CUSTOM:') ? op.slice('CUSTOM:'.length) : op);

/**
 * The runtime footprint of one measured build for the given ops: base + components met + the resolver's RAM for
 * `ops.length` registrations (compile's resolver is MicroMutableOpResolver<number of ops>). Ops the data does not
 * know, or whose link failed on this build, add nothing and are listed in `unmeasured`.
 */
export function footprintOfBuild(data: FootprintData, build: BuildFootprint, ops: readonly string[]): { sections: SectionFigures; unmeasured: string[] } {
  const wanted = new Set<number>();
  const unmeasured: string[] = [];
  const names = [...new Set(ops.map(opKey))];
  for (const name of names) {
    const i = data.ops.indexOf(name);
    if (i < 0 || build.failed.has(i)) unmeasured.push(name);
    else wanted.add(i);
  }
  const s = { ...build.base };
  for (const c of build.components) {
    if (!c.ops.some((i) => wanted.has(i))) continue;
    s.text += c.sections.text;
    s.rodata += c.sections.rodata;
    s.data += c.sections.data;
    s.bss += c.sections.bss;
  }
  s.bss += Math.max(0, names.length - build.baseN) * build.resolverRamPerOp;
  return { sections: s, unmeasured };
}

/**
 * TFLM's runtime flash and static RAM for the given ops (TFLM op names as the support tables name them, e.g.
 * "CONV_2D", customs as "CUSTOM:name" or "name") on a catalog core ("cortex-m4f", "cortex-m7", "cortex-m0plus", ...).
 * An op registered with a typed registration is named "OP/TYPE" ("CONV_2D/INT8" for
 * `AddConv2D(Register_CONV_2D_INT8())`); `compile` registers the plain ops.
 * A core without its own measured build uses the nearest measured one, labelled "estimated" with the reason.
 * Non-Arm catalog cores (Xtensa, RISC-V, ARC) get the M4F reference build, "estimated" with the reason.
 * Undefined for a core no measured build can stand for (unknown ids, cores outside the catalog).
 */
export function predictRuntimeFootprint(ops: readonly string[], core: string, kernels: FootprintKernels,
  data: FootprintData = bundledFootprintData()): RuntimeFootprint | undefined {
  const k = rigKernels(kernels);
  const near = NEAR[core];
  if (!near) return undefined;
  for (const [rigCore, why, fixed] of near) {
    const build = data.builds.get(`${rigCore} ${fixed ?? k}`);
    if (!build) continue;
    const { sections, unmeasured } = footprintOfBuild(data, build, ops);
    const notes: string[] = [];
    if (why) notes.push(fixed ? why : `no measured ${core} build with the ${k} kernels: estimated from ${build.id} (${why})`);
    if (unmeasured.length) notes.push(`ops without measured kernels: ${unmeasured.join(', ')}`);
    return {
      flash: sections.text + sections.rodata + sections.data,
      ram: sections.data + sections.bss,
      sections,
      build: build.id,
      basis: why ? 'estimated' : 'measured',
      ...(notes.length ? { note: notes.join('; ') } : {}),
      tflm: FOOTPRINT_TFLM,
    };
  }
  return undefined;
}

/**
 * What one op adds to the runtime on top of the others (its kernels minus what they share with the rest): e.g. the
 * flash an `Add*()` call for an op the model never uses wastes. Undefined where predictRuntimeFootprint is.
 */
export function opIncrement(op: string, others: readonly string[], core: string, kernels: FootprintKernels,
  data: FootprintData = bundledFootprintData()): { flash: number; ram: number; build: string; basis: RuntimeFootprint['basis'] } | undefined {
  const rest = others.filter((o) => opKey(o) !== opKey(op));
  const without = predictRuntimeFootprint(rest, core, kernels, data);
  const withOp = predictRuntimeFootprint([...rest, op], core, kernels, data);
  if (!without || !withOp) return undefined;
  return { flash: withOp.flash - without.flash, ram: withOp.ram - without.ram, build: withOp.build, basis: withOp.basis };
}

/** The distinct ops a model registers, in first-use order (IR names: builtins, and customs as "CUSTOM:code"). */
export function modelOps(model: Model): string[] {
  return [...new Set(model.subgraphs.flatMap((sg) => sg.operators.map((op) => op.opName)))];
}
