/**
 * Custom operators with FlexBuffers options: the signal library's ops, TFLite_Detection_PostProcess and the other
 * customs TFLM registers, plus unknown customs with hostile names. Options are ordinary, at the limits (negative,
 * 2^31-1, floats where ints are read, strings), or the encoded map with a byte changed.
 */
import { builder as flexbuffer } from 'flatbuffers/js/flexbuffers.js';
import type { DType } from '../../../server/src/model/ir.js';
import { activation, type Act } from './ops.js';
import { shapeOf, type Parts, type SubgraphParts } from './parts.js';
import type { Rng } from './rng.js';

interface CustomSpec {
  /** Input types after the activation (which is input 0). */
  readonly extra: readonly DType[];
  readonly outputs: readonly DType[];
  /** Option keys with ordinary values. */
  readonly keys: Readonly<Record<string, Value>>;
}

type Value = (r: Rng) => number;
const pow2 = (lo: number, hi: number): Value => (r) => 2 ** r.int(lo, hi);
const small = (hi: number): Value => (r) => r.int(Math.min(1, hi), hi);
const fixed = (v: number): Value => () => v;

/** The custom ops the memory model has kernels for, with the option keys their Init/Prepare read. */
export const CUSTOM_SPECS: Readonly<Record<string, CustomSpec>> = {
  SignalRfft: { extra: [], outputs: ['INT32'], keys: { fft_length: pow2(5, 9), T: fixed(7) } },
  SignalIrfft: { extra: [], outputs: ['INT16'], keys: { fft_length: pow2(5, 9), T: fixed(7) } },
  SignalFilterBank: { extra: ['INT16', 'INT16', 'INT16', 'INT16', 'INT16'], outputs: ['UINT64'], keys: { num_channels: small(32) } },
  SignalFilterBankSpectralSubtraction: { extra: [], outputs: ['UINT32', 'UINT32'], keys: { num_channels: small(32) } },
  SignalDelay: { extra: [], outputs: ['INT16'], keys: { delay_length: small(8) } },
  SignalFramer: { extra: [], outputs: ['INT16', 'BOOL'], keys: { frame_size: small(16), frame_step: small(8) } },
  SignalStacker: { extra: [], outputs: ['INT16', 'BOOL'], keys: { num_channels: small(8), stacker_left_context: small(2), stacker_right_context: small(1) } },
  SignalOverlapAdd: { extra: [], outputs: ['INT16'], keys: { T: fixed(7), frame_step: small(8) } },
  SignalWindow: { extra: ['INT16'], outputs: ['INT16'], keys: { shift: small(8) } },
  SignalEnergy: { extra: [], outputs: ['UINT32'], keys: { start_index: small(0), end_index: small(8) } },
  SignalFftAutoScale: { extra: [], outputs: ['INT16', 'INT32'], keys: {} },
  SignalPCAN: { extra: ['UINT32', 'INT16'], outputs: ['UINT32'], keys: { snr_shift: small(6) } },
  SignalFilterBankLog: { extra: [], outputs: ['INT16'], keys: { input_correction_bits: small(3), output_scale: small(1600) } },
  SignalFilterBankSquareRoot: { extra: ['INT32'], outputs: ['UINT32'], keys: {} },
  TFLite_Detection_PostProcess: { extra: ['FLOAT32', 'FLOAT32'], outputs: ['FLOAT32', 'FLOAT32', 'FLOAT32', 'FLOAT32'],
    keys: { max_detections: small(10), max_classes_per_detection: small(1), detections_per_class: small(100), num_classes: small(3), use_regular_nms: fixed(0) } },
  CIRCULAR_BUFFER: { extra: [], outputs: ['INT8'], keys: { cycles_max: small(1) } },
  TFLM_DECODE: { extra: ['UINT8'], outputs: ['INT8'], keys: {} },
};

const HOSTILE_NAMES = ['\u001b]8;;http://evil.example\u0007click\u001b]8;;\u0007', '\u001b[2J\u001b[31mRED', 'a\nb', '*/ #error INJECTED /*',
  '??=define', 'back\\\nslash', '`x` [l](http://e)', '', 'x'.repeat(5000), 'Conv2D\u0000nul'];

/** A FlexBuffers map of `keys`; each value ordinary or hostile (negative, huge, float, string, nested). */
export function flexOptions(p: Parts, keys: Readonly<Record<string, Value>>, signal: boolean): Uint8Array {
  const r = p.rng;
  const b = flexbuffer();
  b.startMap();
  const names = Object.keys(keys).sort();
  if (p.hostile(0.2)) names.push(r.pick(['fft_length', 'num_channels', 'zzz', 'T', 'max_detections']));
  for (const key of [...new Set(names)].sort()) {
    b.addKey(key);
    const ordinary = keys[key]?.(r) ?? 1;
    if (p.hostile(0.25)) {
      const v = r.pick([-1, -(2 ** 31), 2 ** 31 - 1, 2 ** 40, -ordinary - 1, 0, 1.5, NaN]);
      if (typeof v === 'number' && v < 0) p.tags.add(signal ? 'signal-negative' : 'custom-negative');
      if (typeof v === 'number' && v >= 2 ** 31 - 1) p.tags.add(signal ? 'signal-huge' : 'custom-huge');
      if (Number.isInteger(v)) b.addInt(v);
      else b.addFloat(v);
    } else if (p.hostile(0.05)) {
      b.add(r.pick(['str', true, null]));
    } else {
      b.addInt(ordinary);
    }
  }
  b.end();
  const bytes = b.finish();
  if (p.hostile(0.1) && bytes.length > 0) {
    p.tags.add('flex-mutated');
    const at = r.int(0, bytes.length - 1);
    bytes[at] = r.pick([0xff, 0x7f, 0, (bytes[at] ?? 0) ^ (1 << r.int(0, 7))]);
  }
  return bytes;
}

/** Appends one custom op on `x`; returns its first output. */
export function customOp(p: Parts, g: SubgraphParts, x: Act): Act {
  const r = p.rng;
  if (p.hostile(0.1)) {
    p.tags.add('hostile-name');
    const y = activation(p, g, r.pick(HOSTILE_NAMES), [...x.shape], x.dtype);
    p.op(g, { custom: r.pick(HOSTILE_NAMES), inputs: [x.index], outputs: [y.index], customOptions: flexOptions(p, { a: fixed(1) }, false) });
    return y;
  }
  const name = r.pick(Object.keys(CUSTOM_SPECS));
  const spec = CUSTOM_SPECS[name]!;
  const signal = name.startsWith('Signal');
  const inputs = [x.index, ...spec.extra.map((t, i) => (name === 'TFLite_Detection_PostProcess' && i === 1
    ? p.constant(g, { name: 'anchors', shape: [x.shape[1] ?? 4, 4], dtype: 'FLOAT32' }, () => r.float())
    : p.tensor(g, { name: `in${i + 1}`, shape: shapeOf(p, r.int(1, 3), 1, 8), dtype: t })))];
  const outs = spec.outputs.map((t, i) => activation(p, g, `${name}_out${i}`, shapeOf(p, r.int(1, 3), 1, 12), t));
  p.op(g, { custom: name, inputs, outputs: outs.map((o) => o.index), customOptions: r.chance(0.95) ? flexOptions(p, spec.keys, signal) : undefined,
    version: r.pick([1, 1, 2]) });
  return outs[0]!;
}
