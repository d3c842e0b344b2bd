/**
 * A FlexBuffers map of int32 entries, written the way the FlexBuffers builder lays it out with 32-bit widths (sorted
 * keys, a typed key vector, the map's values and type bytes, the root last), for custom options in test models.
 * It also returns the byte offsets of the map's size and key-width words, so tests can corrupt them.
 */
export function flexbufferIntMap(entries: Record<string, number>): { bytes: Uint8Array; sizeAt: number; keyWidthAt: number } {
  const out: number[] = [];
  const u32 = (v: number): void => { for (let i = 0; i < 4; i++) out.push((v >>> (8 * i)) & 0xff); };
  const align = (): void => { while (out.length % 4 !== 0) out.push(0); };
  const keys = Object.keys(entries).sort();
  const keyAt = keys.map((k) => {
    const at = out.length;
    for (const c of k) out.push(c.charCodeAt(0));
    out.push(0);
    return at;
  });
  align();
  u32(keys.length);
  const keyVector = out.length;
  keyAt.forEach((at) => u32(out.length - at));
  const keysField = out.length;
  u32(keysField - keyVector);
  const keyWidthAt = out.length;
  u32(4);
  const sizeAt = out.length;
  u32(keys.length);
  const values = out.length;
  for (const k of keys) u32(entries[k]! | 0);
  for (let i = 0; i < keys.length; i++) out.push((1 << 2) | 2); // INT, 32-bit
  const root = out.length;
  u32(root - values);
  out.push((9 << 2) | 2, 4); // MAP, 32-bit; root width 4
  return { bytes: Uint8Array.from(out), sizeAt, keyWidthAt };
}
