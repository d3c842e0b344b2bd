/**
 * The string literals of merged-string input sections (SHF_MERGE|SHF_STRINGS, `.rodata...str1.4`), read from ELF32
 * objects and `ar` archives. ld keeps one copy of each string across all input sections, so the footprint counts
 * strings by content rather than whole sections (otherwise the "%s:%d %s was not true." of every kernel counts once
 * per kernel).
 */
import { readFileSync } from 'node:fs';

const SHF_MERGE = 0x10;
const SHF_STRINGS = 0x20;

export interface MergedString { key: string; size: number }

/** Strings of each merged-string section of one ELF32 little-endian object, by section name. */
function objectStrings(b: Buffer, into: Map<string, MergedString[]>): void {
  if (b.length < 52 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 1 || b[5] !== 1) return;
  const shoff = b.readUInt32LE(0x20), shentsize = b.readUInt16LE(0x2e), shnum = b.readUInt16LE(0x30), shstrndx = b.readUInt16LE(0x32);
  if (shoff + shnum * shentsize > b.length || shstrndx >= shnum) return;
  const sh = (i: number) => {
    const o = shoff + i * shentsize;
    return { name: b.readUInt32LE(o), flags: b.readUInt32LE(o + 8), offset: b.readUInt32LE(o + 16), size: b.readUInt32LE(o + 20), align: b.readUInt32LE(o + 32) };
  };
  const names = sh(shstrndx);
  const nameAt = (off: number): string => {
    const s = names.offset + off;
    return b.toString('latin1', s, b.indexOf(0, s));
  };
  for (let i = 1; i < shnum; i++) {
    const s = sh(i);
    if ((s.flags & (SHF_MERGE | SHF_STRINGS)) !== (SHF_MERGE | SHF_STRINGS) || s.offset + s.size > b.length) continue;
    const align = Math.max(1, s.align);
    const list: MergedString[] = [];
    for (let pos = 0; pos < s.size;) {
      if (pos % align) { pos++; continue; }
      let end = b.indexOf(0, s.offset + pos) - s.offset;
      if (end < 0 || end >= s.size) end = s.size - 1;
      const len = end - pos + 1;
      list.push({ key: `str${align}:${b.toString('latin1', s.offset + pos, s.offset + end)}`, size: Math.ceil(len / align) * align });
      pos = end + 1;
    }
    const name = nameAt(s.name);
    into.set(name, [...(into.get(name) ?? []), ...list]);
  }
}

/**
 * Merged strings per object: for an archive, per member name (members of the same name are pooled: the map file
 * names a member only by its name), for a plain object, under its own path. Keys: "member" -> section -> strings.
 */
export function readStrings(path: string): Map<string, Map<string, MergedString[]>> {
  const b = readFileSync(path);
  const out = new Map<string, Map<string, MergedString[]>>();
  const member = (name: string): Map<string, MergedString[]> => {
    let m = out.get(name);
    if (!m) out.set(name, (m = new Map()));
    return m;
  };
  if (b.toString('latin1', 0, 8) !== '!<arch>\n') {
    objectStrings(b, member(''));
    return out;
  }
  let longNames = '';
  for (let pos = 8; pos + 60 <= b.length;) {
    const rawName = b.toString('latin1', pos, pos + 16).trimEnd();
    const size = parseInt(b.toString('latin1', pos + 48, pos + 58).trim(), 10);
    const data = b.subarray(pos + 60, pos + 60 + size);
    if (rawName === '//') longNames = data.toString('latin1');
    else if (rawName !== '/' && rawName !== '/SYM64/') {
      const name = /^\/\d+$/.test(rawName)
        ? longNames.slice(Number(rawName.slice(1)), longNames.indexOf('/\n', Number(rawName.slice(1))))
        : rawName.replace(/\/$/, '');
      objectStrings(data, member(name));
    }
    pos += 60 + size + (size & 1);
  }
  return out;
}
