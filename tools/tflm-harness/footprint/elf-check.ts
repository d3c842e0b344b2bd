/**
 * Checks the firmware ELF reader (server/src/firmware) on real TFLM firmware: every example ELF
 * scripts/footprint-check.ts linked ($TFLM_RIG/footprint/check/MODEL_KERNELS/CORE/example.elf) is read with readElf
 * and firmwareUsage and compared with binutils: flash (text + rodata + data) against `arm-none-eabi-size -A` with the
 * rig's classes (map.ts), RAM the same up to the writable .init_array / .fini_array (the reader counts writable
 * sections as RAM; the rig counts them as read-only data), the model array and the arena found by name with the
 * sizes `arm-none-eabi-nm -S` gives, and TFLM recognised as linked. Prints one line per mismatch and a summary.
 *
 *   node --import tsx tools/tflm-harness/footprint/elf-check.ts [CHECK_DIR]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readElf } from '../../../server/src/firmware/elf.js';
import { firmwareUsage } from '../../../server/src/firmware/usage.js';
import { parseSizeA } from './map.js';
import { RIG, sh } from './rig.js';

/** Size of the one symbol whose (mangled) name matches, from `nm -S`; 0 when none. */
function nmSize(file: string, re: RegExp): number {
  for (const line of sh(`arm-none-eabi-nm -S "${file}"`).split('\n')) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) \S (\S+)$/.exec(line);
    if (m && re.test(m[2]!)) return parseInt(m[1]!, 16);
  }
  return 0;
}

function elves(dir: string): string[] {
  const out: string[] = [];
  for (const project of readdirSync(dir).sort()) {
    const p = join(dir, project);
    if (!existsSync(join(p, 'm_model_data.cc'))) continue;
    for (const core of readdirSync(p).sort()) {
      const elf = join(p, core, 'example.elf');
      if (existsSync(elf)) out.push(elf);
    }
  }
  return out;
}

function main(): void {
  const dir = process.argv[2] ?? join(RIG, 'footprint', 'check');
  const files = elves(dir);
  let ok = 0;
  const bad: string[] = [];
  const machines = new Map<string, number>();
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file));
    const elf = readElf(bytes);
    const size = parseSizeA(sh(`arm-none-eabi-size -A "${file}"`));
    const sym = { g_m_model_data: nmSize(file, /^g_m_model_data$/), g_tensor_arena: nmSize(file, /g_tensor_arena/) };
    const arrays = elf.sections.filter((s) => s.alloc && s.write && !s.nobits && /^\.(init|fini|preinit)_array$/.test(s.name)).reduce((n, s) => n + s.size, 0);
    const u = firmwareUsage(elf, { modelBytes: sym.g_m_model_data });
    const problems: string[] = [];
    const flash = size.text + size.rodata + size.data;
    if (u.flash !== flash) problems.push(`flash ${u.flash} vs size -A ${flash}`);
    if (u.ram !== size.data + size.bss + arrays) problems.push(`ram ${u.ram} vs size -A ${size.data + size.bss} + arrays ${arrays}`);
    if (u.model?.name !== 'g_m_model_data' || u.model.size !== sym.g_m_model_data) problems.push(`model ${u.model?.name}:${u.model?.size} vs ${sym.g_m_model_data}`);
    if (u.arena?.size !== sym.g_tensor_arena || !/g_tensor_arena/.test(u.arena.name)) problems.push(`arena ${u.arena?.name}:${u.arena?.size} vs ${sym.g_tensor_arena}`);
    if (!u.linksTflm) problems.push('TFLM not recognised');
    machines.set(elf.machine, (machines.get(elf.machine) ?? 0) + 1);
    if (problems.length) bad.push(`${file}: ${problems.join('; ')}`);
    else ok++;
  }
  for (const b of bad) console.log(b);
  console.log(`${files.length} ELFs (${[...machines].map(([m, n]) => `${n} ${m}`).join(', ')}): ${ok} agree with binutils, ${bad.length} differ`);
  if (bad.length || !files.length) process.exitCode = 1;
}

main();
