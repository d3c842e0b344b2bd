import { ModelBuilder } from '../../../server/src/model/builder/index.js';

/**
 * TFLM_DECODE models with a Huffman code of our own (decode-huffman.test.ts; the same models ran under QEMU in the
 * tflm-harness rig): a=0, b=10, d=110, e=111, decoded through a 4-entry first table (2 bits) and a 2-entry second one.
 */
export const SYMBOLS = { a: 1, b: -2, d: 5, e: -7 } as const;
const CODES: Record<keyof typeof SYMBOLS, string> = { a: '0', b: '10', d: '110', e: '111' };
export const SEQUENCE = 'abdeaabbddeeabdaebdaaeebbadde'.split('') as (keyof typeof SYMBOLS)[];

/** Table entry: symbol found (bit 15 / 31), bit count, value (the symbol, or the offset to the next table). */
function entry(bits: 16 | 32, found: boolean, count: number, value: number): number {
  return bits === 16
    ? (found ? 0x8000 : 0) | (count << 11) | (value & 0x7ff)
    : ((found ? 0x80000000 : 0) | (count << 27) | (value & 0x7ffffff)) >>> 0;
}

/** Header (type 1 Huffman, versions 1, initial table 2^2 entries) and the two tables; `pointer` is entry 3's offset. */
export function ancillary(bits: 16 | 32, pointer = 1): Uint8Array {
  const sym = (s: keyof typeof SYMBOLS): number => SYMBOLS[s] & (bits === 16 ? 0xff : 0xffff);
  const table = [
    entry(bits, true, 1, sym('a')), entry(bits, true, 1, sym('a')), entry(bits, true, 2, sym('b')),
    entry(bits, false, 0, pointer), entry(bits, true, 1, sym('d')), entry(bits, true, 1, sym('e')),
  ];
  const out = new Uint8Array(16 + table.length * (bits / 8));
  out.set([1, 1, 0, 0, 1, (1 << 4) | (bits === 32 ? 1 : 0)]);
  const view = new DataView(out.buffer);
  table.forEach((v, i) => (bits === 16 ? view.setUint16(16 + 2 * i, v, true) : view.setUint32(16 + 4 * i, v, true)));
  return out;
}

/** The sequence's codes, most significant bit first, in whole 32-bit words (the decoder reads them big-endian). */
export function encode(sequence: readonly (keyof typeof SYMBOLS)[]): Uint8Array {
  const bits = sequence.map((s) => CODES[s]).join('');
  const out = new Uint8Array(4 * Math.ceil(bits.length / 32));
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

/** x + TFLM_DECODE(encoded, ancillary): the decoded [1, n] tensor feeds an ADD. */
export function huffmanModel(encoded: Uint8Array, anc: Uint8Array, n: number, dtype: 'INT8' | 'INT16' = 'INT8'): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const quant = { scale: [0.05], zeroPoint: [0] };
  const x = g.input({ name: 'x', shape: [1, n], dtype, quant });
  const w = g.customOp('TFLM_DECODE', {
    inputs: [
      g.constant({ name: 'w/encoded', shape: [encoded.length], dtype: 'UINT8', raw: encoded }),
      g.constant({ name: 'w/ancillary', shape: [anc.length], dtype: 'UINT8', raw: anc }),
    ],
    output: { name: 'w', shape: [1, n], dtype, quant },
  });
  g.output(g.op('ADD', { inputs: [x, w], output: { name: 'y', shape: [1, n], dtype, quant }, options: { fusedActivationFunction: 'NONE' } }));
  return m.finish();
}

