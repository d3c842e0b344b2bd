/** Byte-level damage to a built model: bit flips, overwritten words (offsets, lengths), truncation, splices. */
import type { Rng } from './rng.js';

/** Applies one to three mutations to a copy of `base`; `other` is a second model to splice from. */
export function mutateBytes(rng: Rng, base: Uint8Array, other: Uint8Array): Uint8Array {
  let bytes = base.slice();
  const rounds = rng.int(1, 3);
  for (let k = 0; k < rounds && bytes.length > 0; k++) {
    const at = (): number => rng.int(0, bytes.length - 1);
    switch (rng.weighted([[4, 'flip'], [4, 'word'], [1, 'truncate'], [1, 'splice'], [1, 'run']] as const)) {
      case 'flip': {
        const p = at();
        bytes[p] = (bytes[p] ?? 0) ^ (1 << rng.int(0, 7));
        break;
      }
      case 'word': {
        const p = at() & ~3;
        const v = rng.pick([0, 0xffffffff, 0x7fffffff, 0x80000000, 4, 8, bytes.length, bytes.length - 4, rng.int(0, 2 ** 32 - 1)]);
        if (p + 4 <= bytes.length) new DataView(bytes.buffer, bytes.byteOffset).setUint32(p, v >>> 0, true);
        break;
      }
      case 'truncate':
        bytes = bytes.slice(0, at());
        break;
      case 'splice': {
        // A run of another model's bytes over this one: valid-looking tables in the wrong place.
        const from = rng.int(0, Math.max(0, other.length - 1));
        const to = at();
        bytes.set(other.subarray(from, from + rng.int(1, 256)).subarray(0, bytes.length - to), to);
        break;
      }
      case 'run': {
        const p = at();
        bytes.fill(rng.pick([0, 0xff, 0x7f]), p, p + rng.int(1, 32));
        break;
      }
    }
  }
  return bytes;
}
