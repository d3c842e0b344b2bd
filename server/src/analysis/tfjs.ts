/**
 * The analysis of a TensorFlow.js model (read by model/tfjs/): which layers TFLM cannot run once the model is
 * converted to TFLite, and why; the RAM and flash a converted, int8-quantized model needs at least. TFLM has no memory
 * model for a model.json (the converter decides the final graph), so the figures are estimates: flash = int8 weights,
 * RAM = the largest layer's inputs + output activations in int8. Both are lower bounds; the exact arena needs the
 * .tflite. Whether TFLM runs an op is TFLM's op registry for the kernel set. The CLI and the language server share
 * these results.
 */
import type { TfjsLayer, TfjsModel } from '../model/tfjs/reader.js';
import { evalTypeFailure } from './tflm/invoke.js';
import { registeredOps } from './tflm/kernels/index.js';
import type { KernelSet } from './tflm/kernels/types.js';

const registries = new Map<KernelSet, ReadonlySet<string>>();

/** Why TFLM (with `kernels`) cannot run a layer once converted, or null when every op it becomes has a kernel. */
export function tfjsLayerProblem(layer: Pick<TfjsLayer, 'className' | 'tflite' | 'dtypes'>, kernels: KernelSet): string | null {
  if (layer.tflite === null) return `the TFLite converter has no builtin op for ${layer.className} (it would need Select TF ops or a custom op, which TFLM does not run)`;
  let ops = registries.get(kernels);
  if (!ops) {
    ops = new Set(registeredOps(kernels));
    registries.set(kernels, ops);
  }
  const missing = layer.tflite.filter((op) => !ops.has(op));
  if (missing.length > 0) return `${layer.className} becomes ${missing.join(', ')}, which TFLM has no kernel for`;
  // A graph node's types (a Cast from int64) decide whether the kernel's Eval runs it.
  const dtypes = layer.dtypes;
  if (!dtypes) return null;
  for (const op of layer.tflite) {
    const failure = evalTypeFailure(op, kernels, (tensor) => (tensor === 'output' ? dtypes.output : tensor === 0 ? dtypes.input : null));
    if (failure) return `${layer.className} becomes ${op}, which ${failure}`;
  }
  return null;
}

/** The layers of a model TFLM cannot run, with the reason. */
export function unsupportedLayers(model: TfjsModel, kernels: KernelSet): { layer: TfjsLayer; reason: string }[] {
  return model.layers.flatMap((layer) => {
    const reason = tfjsLayerProblem(layer, kernels);
    return reason ? [{ layer, reason }] : [];
  });
}

/** What the converter makes of a layer, in words: its TFLite ops, or why there are none. */
export function tfliteLowering(layer: TfjsLayer): string {
  return layer.tflite === null ? 'no builtin op' : layer.tflite.length === 0 ? 'removed or folded by the converter' : layer.tflite.join(', ');
}

/** What a deployment adds to the estimates: reserved bytes and the safety margin (percent of RAM). */
export interface TfjsAllowance {
  readonly reserveRamBytes: number;
  readonly reserveFlashBytes: number;
  readonly marginPercent: number;
}

/** RAM and flash needs: the int8 estimates plus the reserves, RAM with the safety margin on top. */
export function tfjsNeeds(model: TfjsModel, allowance: TfjsAllowance): { ram: number; flash: number } {
  const ramBase = model.peakActivationBytesInt8 + allowance.reserveRamBytes;
  return {
    ram: ramBase + Math.ceil((ramBase * allowance.marginPercent) / 100),
    flash: model.weightBytesInt8 + allowance.reserveFlashBytes,
  };
}

/** One layer in a TF.js report: the reader's figures without its JSON span, plus the verdict. */
export interface TfjsLayerReport extends Omit<TfjsLayer, 'span'> {
  /** Why TFLM cannot run it, or null. */
  readonly unsupported: string | null;
}

/** The whole analysis of a TF.js model for one kernel set: the reader's totals, the verdicts and the estimates. */
export interface TfjsReport extends Omit<TfjsModel, 'layers'> {
  readonly kernels: KernelSet;
  /** `unsupported` when a layer becomes an op TFLM cannot run. */
  readonly status: 'ok' | 'unsupported';
  readonly layers: readonly TfjsLayerReport[];
  readonly unsupportedLayers: readonly { readonly index: number; readonly name: string; readonly className: string; readonly tflite: readonly string[] | null; readonly reason: string }[];
  /** Lower bounds for the model converted to TFLite with int8 quantization. */
  readonly estimate: {
    readonly exact: false;
    /** The largest layer's inputs + output activations in int8: a lower bound of the tensor arena. */
    readonly ramBytes: number;
    /** The int8 weights (int32 biases): a lower bound of the .tflite's size in flash. */
    readonly flashBytes: number;
  };
}

/** Analyses a TF.js model for a TFLM kernel set. */
export function analyzeTfjs(model: TfjsModel, kernels: KernelSet): TfjsReport {
  const layers = model.layers.map(({ span: _span, ...layer }): TfjsLayerReport => ({ ...layer, unsupported: tfjsLayerProblem(layer, kernels) }));
  const unsupported = layers.flatMap((l) => (l.unsupported ? [{ index: l.index, name: l.name, className: l.className, tflite: l.tflite, reason: l.unsupported }] : []));
  const needs = tfjsNeeds(model, { reserveRamBytes: 0, reserveFlashBytes: 0, marginPercent: 0 });
  return {
    ...model,
    kernels,
    status: unsupported.length > 0 ? 'unsupported' : 'ok',
    layers,
    unsupportedLayers: unsupported,
    estimate: { exact: false, ramBytes: needs.ram, flashBytes: needs.flash },
    notes: [
      'RAM and flash are estimates for the model converted to TFLite with int8 quantization (lower bounds); convert to .tflite for the exact arena.',
      ...model.notes,
    ],
  };
}
