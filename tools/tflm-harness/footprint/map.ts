/**
 * GNU ld map files (`-Wl,-Map`) and ELF section sizes for the footprint measurement: which input sections a link
 * kept, their sizes, and the output section each went to, grouped as the four figures RuntimeFootprint reports.
 */

export type SectionClass = 'text' | 'rodata' | 'data' | 'bss';

/**
 * Output sections of the toolchain's default linker script, by the figure they count in: code, read-only data
 * (constants, unwind tables, constructor lists), initialised data (in flash and RAM) and zeroed RAM.
 * Debug, comment and attribute sections are in neither flash nor RAM.
 */
const OUTPUT_CLASS: Record<string, SectionClass> = {
  '.init': 'text', '.text': 'text', '.fini': 'text',
  '.rodata': 'rodata', '.ARM.extab': 'rodata', '.ARM.exidx': 'rodata', '.eh_frame': 'rodata',
  '.preinit_array': 'rodata', '.init_array': 'rodata', '.fini_array': 'rodata',
  '.data': 'data', '.tdata': 'data', '.persistent': 'data',
  '.bss': 'bss', '.tbss': 'bss', '.noinit': 'bss',
};

export function classOf(outputSection: string): SectionClass | undefined {
  return OUTPUT_CLASS[outputSection];
}

export interface InputSection {
  /** Identity across links: the section name, plus the file when the name alone may not be unique. */
  key: string;
  /** The input section's name and the file the map names (`path/lib.a(member.o)` or an object's path). */
  name: string;
  file: string;
  cls: SectionClass;
  size: number;
}

const baseName = (file: string): string => file.replace(/^.*\/([^/]+\.a\()/, '$1').replace(/^.*\//, '');

/**
 * A kept section's identity. Sections of external C++ names (`._Z...`, not `_ZL` internal, not in an anonymous
 * namespace) are one definition program-wide (ODR; COMDAT for inline and template code), whichever object the linker
 * took it from; anything else (C statics, anonymous-namespace functions, `.rodata.str1.1` literal pools, `.bss`)
 * is only unique with its object file.
 */
export function sectionKey(name: string, file: string): string {
  const external = /\._Z(?!L)/.test(name) && !name.includes('_GLOBAL__N_');
  return external ? name : `${name}@${baseName(file)}`;
}

/** The input sections a link kept (non-empty, in a flash or RAM output section), from its GNU ld map file. */
export function parseMap(text: string): InputSection[] {
  const start = text.indexOf('\nLinker script and memory map');
  if (start < 0) throw new Error('not a GNU ld map file (no "Linker script and memory map")');
  const lines = text.slice(start).split('\n');
  const out: InputSection[] = [];
  let cls: SectionClass | undefined;
  let pending: string | undefined; // an input section name whose address and size are on the next line
  const row = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/;
  for (const line of lines) {
    const outSec = /^(\.[^\s]+)(\s|$)/.exec(line);
    if (outSec) {
      cls = classOf(outSec[1]!);
      pending = undefined;
      continue;
    }
    if (pending !== undefined) {
      const m = row.exec(line);
      if (m && cls) add(out, pending, cls, parseInt(m[2]!, 16), m[3]!);
      pending = undefined;
      continue;
    }
    const one = /^ (\.[^\s]+|COMMON)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    if (one) {
      if (cls) add(out, one[1]!, cls, parseInt(one[3]!, 16), one[4]!);
      continue;
    }
    const alone = /^ (\.[^\s]+|COMMON)$/.exec(line);
    if (alone) pending = alone[1]!;
  }
  return out;
}

function add(out: InputSection[], name: string, cls: SectionClass, size: number, file: string): void {
  if (size > 0) out.push({ key: sectionKey(name, file.trim()), name, file: file.trim(), cls, size });
}

export type Sections = Record<SectionClass, number>;

export const zeroSections = (): Sections => ({ text: 0, rodata: 0, data: 0, bss: 0 });

/** Output section sizes of an ELF by class, from `arm-none-eabi-size -A` output. */
export function parseSizeA(text: string): Sections {
  const s = zeroSections();
  for (const line of text.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+\s*$/.exec(line);
    const cls = m ? classOf(m[1]!) : undefined;
    if (m && cls) s[cls] += Number(m[2]);
  }
  return s;
}
