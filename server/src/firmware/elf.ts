/**
 * An ELF32 little-endian reader for firmware images (ARM, Xtensa, RISC-V): section headers, program headers and the
 * symbol table, as plain data. Every offset, count and string is checked against the buffer before it is read, so a
 * corrupt, truncated or foreign file ends in a FirmwareFormatError (code, byte offset, field) and nothing else.
 */
import { FirmwareFormatError } from './errors.js';

/** The machines a microcontroller firmware is built for (e_machine values from the ELF gABI registry). */
export const MACHINES: Readonly<Record<number, string>> = { 40: 'arm', 94: 'xtensa', 243: 'riscv' };

const SHT_NOBITS = 8;
const SHT_SYMTAB = 2;
const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
const PT_LOAD = 1;
/** Longest name read from a string table; a longer run without a NUL is a corrupt table. */
const MAX_NAME = 4096;

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  /** Run-time (virtual) address. */
  readonly addr: number;
  /** Load address: where the bytes sit in the image (flash for .data), from the LOAD segment holding the section. */
  readonly loadAddr: number;
  readonly offset: number;
  readonly size: number;
  /** Occupies memory on the target (SHF_ALLOC). */
  readonly alloc: boolean;
  readonly write: boolean;
  readonly exec: boolean;
  /** No bytes in the file (.bss). */
  readonly nobits: boolean;
}

export interface ElfSegment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly paddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly flags: number;
}

export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** STT_*: 1 object, 2 function. */
  readonly type: number;
  /** Section index (0 undefined, >= 0xff00 special). */
  readonly shndx: number;
}

export interface ElfImage {
  /** 'arm', 'xtensa' or 'riscv'. */
  readonly machine: string;
  readonly entry: number;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
  readonly symbols: readonly ElfSymbol[];
}

/** A bounds-checked little-endian view: every read names the field it is for. */
class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(offset: number, length: number, field: string): void {
    if (offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw new FirmwareFormatError('out-of-range', offset, field, `${field}: ${length} bytes at offset ${offset} run past the end of the ${this.bytes.length}-byte file`);
    }
  }
  u8(offset: number, field: string): number {
    this.need(offset, 1, field);
    return this.view.getUint8(offset);
  }
  u16(offset: number, field: string): number {
    this.need(offset, 2, field);
    return this.view.getUint16(offset, true);
  }
  u32(offset: number, field: string): number {
    this.need(offset, 4, field);
    return this.view.getUint32(offset, true);
  }
  /** The NUL-terminated string at `offset` inside the table [start, start + size). */
  str(start: number, size: number, offset: number, field: string): string {
    if (offset >= size) throw new FirmwareFormatError('out-of-range', start, field, `${field}: name offset ${offset} is outside its ${size}-byte string table`);
    const from = start + offset;
    const limit = Math.min(start + size, from + MAX_NAME);
    let end = from;
    while (end < limit && this.bytes[end] !== 0) end++;
    if (end === limit) throw new FirmwareFormatError('bad-string', from, field, `${field}: no terminating NUL within ${limit - from} bytes`);
    let s = '';
    for (let i = from; i < end; i++) s += String.fromCharCode(this.bytes[i]!);
    return s;
  }
}

/** Sniffs: true when the bytes start like an ELF file (any class or machine). */
export function looksLikeElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Reads an ELF32 little-endian image for ARM, Xtensa or RISC-V; throws FirmwareFormatError on anything else. */
export function readElf(bytes: Uint8Array): ElfImage {
  const r = new Reader(bytes);
  if (!looksLikeElf(bytes)) throw new FirmwareFormatError('not-elf', 0, 'e_ident', 'not an ELF file (no \\x7fELF magic)');
  const cls = r.u8(4, 'e_ident[EI_CLASS]');
  if (cls === 2) throw new FirmwareFormatError('foreign', 4, 'e_ident[EI_CLASS]', 'a 64-bit ELF: microcontroller firmware is ELF32 (is this a host build?)');
  if (cls !== 1) throw new FirmwareFormatError('bad-header', 4, 'e_ident[EI_CLASS]', `unknown ELF class ${cls}`);
  const data = r.u8(5, 'e_ident[EI_DATA]');
  if (data === 2) throw new FirmwareFormatError('foreign', 5, 'e_ident[EI_DATA]', 'a big-endian ELF: only little-endian ARM, Xtensa and RISC-V images are read');
  if (data !== 1) throw new FirmwareFormatError('bad-header', 5, 'e_ident[EI_DATA]', `unknown ELF data encoding ${data}`);
  r.need(0, 52, 'ELF header');
  const machineCode = r.u16(18, 'e_machine');
  const machine = MACHINES[machineCode];
  if (!machine) throw new FirmwareFormatError('foreign', 18, 'e_machine', `machine ${machineCode} is not ARM (40), Xtensa (94) or RISC-V (243)`);
  const entry = r.u32(24, 'e_entry');
  const phoff = r.u32(28, 'e_phoff');
  const shoff = r.u32(32, 'e_shoff');
  const phentsize = r.u16(42, 'e_phentsize');
  const phnum = r.u16(44, 'e_phnum');
  const shentsize = r.u16(46, 'e_shentsize');
  const shnum = r.u16(48, 'e_shnum');
  const shstrndx = r.u16(50, 'e_shstrndx');
  if (phnum > 0 && phentsize < 32) throw new FirmwareFormatError('bad-header', 42, 'e_phentsize', `program header entries of ${phentsize} bytes (ELF32 needs 32)`);
  if (shnum > 0 && shentsize < 40) throw new FirmwareFormatError('bad-header', 46, 'e_shentsize', `section header entries of ${shentsize} bytes (ELF32 needs 40)`);
  r.need(phoff, phnum * phentsize, 'program header table');
  r.need(shoff, shnum * shentsize, 'section header table');

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const f = `program header ${i}`;
    segments.push({
      type: r.u32(at, `${f}.p_type`), offset: r.u32(at + 4, `${f}.p_offset`), vaddr: r.u32(at + 8, `${f}.p_vaddr`),
      paddr: r.u32(at + 12, `${f}.p_paddr`), filesz: r.u32(at + 16, `${f}.p_filesz`), memsz: r.u32(at + 20, `${f}.p_memsz`),
      flags: r.u32(at + 24, `${f}.p_flags`),
    });
  }

  interface RawSection { name: number; type: number; flags: number; addr: number; offset: number; size: number; link: number; entsize: number; at: number }
  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    const f = `section header ${i}`;
    const s: RawSection = {
      name: r.u32(at, `${f}.sh_name`), type: r.u32(at + 4, `${f}.sh_type`), flags: r.u32(at + 8, `${f}.sh_flags`),
      addr: r.u32(at + 12, `${f}.sh_addr`), offset: r.u32(at + 16, `${f}.sh_offset`), size: r.u32(at + 20, `${f}.sh_size`),
      link: r.u32(at + 24, `${f}.sh_link`), entsize: r.u32(at + 36, `${f}.sh_entsize`), at,
    };
    if (s.type !== SHT_NOBITS && i > 0) r.need(s.offset, s.size, `${f} contents`);
    raw.push(s);
  }
  let names: RawSection | undefined;
  // e_shstrndx 0 (SHN_UNDEF): the file has no section names; the sections are still read, unnamed.
  if (shnum > 0 && shstrndx !== 0) {
    names = raw[shstrndx];
    if (!names) throw new FirmwareFormatError('bad-header', 50, 'e_shstrndx', `section name table index ${shstrndx} is past the ${shnum} sections`);
  }
  const sections: ElfSection[] = raw.map((s, index) => {
    const name = index === 0 || !names ? '' : r.str(names.offset, names.size, s.name, `section header ${index}.sh_name`);
    const alloc = (s.flags & SHF_ALLOC) !== 0;
    const nobits = s.type === SHT_NOBITS;
    // The load address is the segment's physical address plus the section's place in it (the linker's AT > FLASH).
    const seg = alloc && !nobits ? segments.find((p) => p.type === PT_LOAD && s.addr >= p.vaddr && s.addr + s.size <= p.vaddr + p.memsz) : undefined;
    const loadAddr = seg ? seg.paddr + (s.addr - seg.vaddr) : s.addr;
    return {
      index, name, type: s.type, flags: s.flags, addr: s.addr, loadAddr, offset: s.offset, size: s.size, alloc,
      write: (s.flags & SHF_WRITE) !== 0, exec: (s.flags & SHF_EXECINSTR) !== 0, nobits,
    };
  });

  const symbols: ElfSymbol[] = [];
  raw.forEach((s, index) => {
    if (s.type !== SHT_SYMTAB) return;
    const f = `section ${index} (symbol table)`;
    if (s.entsize !== 16) throw new FirmwareFormatError('bad-header', s.at + 36, `${f}.sh_entsize`, `symbol entries of ${s.entsize} bytes (ELF32 needs 16)`);
    const strtab = raw[s.link];
    if (!strtab || s.link === 0) throw new FirmwareFormatError('bad-header', s.at + 24, `${f}.sh_link`, `string table index ${s.link} is not a section`);
    const count = Math.floor(s.size / 16);
    for (let i = 1; i < count; i++) {
      const at = s.offset + i * 16;
      const g = `symbol ${i}`;
      const info = r.u8(at + 12, `${g}.st_info`);
      const name = r.str(strtab.offset, strtab.size, r.u32(at, `${g}.st_name`), `${g}.st_name`);
      symbols.push({ name, value: r.u32(at + 4, `${g}.st_value`), size: r.u32(at + 8, `${g}.st_size`), type: info & 0xf, shndx: r.u16(at + 14, `${g}.st_shndx`) });
    }
  });
  return { machine, entry, sections, segments, symbols };
}
