/**
 * The measured TFLM runtime footprints (measured.json, written by tools/tflm-harness/footprint/measure.ts), checked
 * once at load: per build, the base link's sections, the resolver's static RAM per registered op, and the components
 * (input sections grouped by the exact set of ops whose links keep them).
 */
import { DataFileError } from '../../targets/schema.js';
import measuredJson from './measured.json';

export type SectionFigures = { text: number; rodata: number; data: number; bss: number };

export interface FootprintComponent {
  /** Indexes into FootprintData.ops: any of them registered keeps this component. */
  ops: readonly number[];
  sections: SectionFigures;
}

export interface BuildFootprint {
  /** "cortex-m4+fp cmsis_nn": the rig's TARGET_ARCH and kernel set. */
  id: string;
  base: SectionFigures;
  resolverRamPerOp: number;
  /** The resolver capacity (MicroMutableOpResolver<N>) of the measured links. */
  baseN: number;
  /** Ops whose single-op link failed for this build (indexes into ops). */
  failed: ReadonlySet<number>;
  components: readonly FootprintComponent[];
}

export interface FootprintData {
  /** TFLM op names: builtins by name (CONV_2D), customs by custom code (TFLite_Detection_PostProcess). */
  ops: readonly string[];
  builds: ReadonlyMap<string, BuildFootprint>;
}

const FILE = 'footprint/measured.json';

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DataFileError(FILE, path, 'expected an object');
  return v as Record<string, unknown>;
}

function count(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new DataFileError(FILE, path, 'expected a byte count');
  return v;
}

function sections(v: unknown, path: string): SectionFigures {
  if (Array.isArray(v)) {
    if (v.length !== 4) throw new DataFileError(FILE, path, 'expected [text, rodata, data, bss]');
    return { text: count(v[0], `${path}[0]`), rodata: count(v[1], `${path}[1]`), data: count(v[2], `${path}[2]`), bss: count(v[3], `${path}[3]`) };
  }
  const o = obj(v, path);
  return { text: count(o.text, `${path}.text`), rodata: count(o.rodata, `${path}.rodata`), data: count(o.data, `${path}.data`), bss: count(o.bss, `${path}.bss`) };
}

/** Checks a measured.json document; throws DataFileError naming the exact path of anything wrong. */
export function loadFootprintData(doc: unknown): FootprintData {
  const root = obj(doc, '$');
  if (!Array.isArray(root.ops) || !root.ops.every((o) => typeof o === 'string')) throw new DataFileError(FILE, '$.ops', 'expected op names');
  const ops = root.ops as string[];
  const index = (v: unknown, path: string): number => {
    const i = count(v, path);
    if (i >= ops.length) throw new DataFileError(FILE, path, `op index ${i} beyond the ${ops.length} ops`);
    return i;
  };
  const builds = new Map<string, BuildFootprint>();
  for (const [id, raw] of Object.entries(obj(root.builds, '$.builds'))) {
    const p = `$.builds["${id}"]`;
    const b = obj(raw, p);
    if (!Array.isArray(b.components)) throw new DataFileError(FILE, `${p}.components`, 'expected a list');
    const components = b.components.map((c, k): FootprintComponent => {
      const o = obj(c, `${p}.components[${k}]`);
      if (!Array.isArray(o.o) || o.o.length === 0) throw new DataFileError(FILE, `${p}.components[${k}].o`, 'expected op indexes');
      return { ops: o.o.map((i, j) => index(i, `${p}.components[${k}].o[${j}]`)), sections: sections(o.s, `${p}.components[${k}].s`) };
    });
    const failed = new Set(Object.keys(obj(b.failed ?? {}, `${p}.failed`)).map((k) => index(Number(k), `${p}.failed`)));
    builds.set(id, {
      id, base: sections(b.base, `${p}.base`), resolverRamPerOp: count(b.resolverRamPerOp, `${p}.resolverRamPerOp`),
      baseN: count(b.baseN, `${p}.baseN`), failed, components,
    });
  }
  return { ops, builds };
}

let bundled: FootprintData | undefined;

/** The bundled measurements, checked on first use. */
export function bundledFootprintData(): FootprintData {
  return (bundled ??= loadFootprintData(measuredJson));
}
