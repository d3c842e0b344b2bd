/**
 * The ELF32 reader and the linker-map reader on real images built with arm-none-eabi-gcc, riscv64-unknown-elf-gcc and
 * xtensa-lx106-elf-gcc (test/fixtures/firmware, see its README), and on damaged ones: every truncation and seeded
 * mutations end in an image or a located FirmwareFormatError, never another exception.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readElf } from '../../server/src/firmware/elf';
import { FirmwareFormatError } from '../../server/src/firmware/errors';
import { readLinkerMap } from '../../server/src/firmware/map';
import { firmwareUsage } from '../../server/src/firmware/usage';
import { mulberry32 } from '../../server/src/model/builder/random.js';

const dir = path.join(__dirname, '..', 'fixtures', 'firmware');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(dir, name)));
const text = (name: string): string => readFileSync(path.join(dir, name), 'utf8');

function expectError(bytes: Uint8Array, code: string, field?: RegExp): FirmwareFormatError {
  try {
    readElf(bytes);
  } catch (e) {
    assert.ok(e instanceof FirmwareFormatError, `threw ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (field) assert.match(e.field, field);
    assert.ok(e.offset >= 0 && e.offset <= bytes.length + 2 ** 32);
    return e;
  }
  return assert.fail('read a damaged ELF without an error');
}

describe('ELF32 reader', () => {
  test('reads the sections, segments and symbols of a Cortex-M4 image', () => {
    const elf = readElf(fixture('app-cm4.elf'));
    assert.equal(elf.machine, 'arm');
    const byName = new Map(elf.sections.map((s) => [s.name, s]));
    assert.equal(byName.get('.rodata')?.size, 3000);
    assert.equal(byName.get('.bss')?.nobits, true);
    assert.equal(byName.get('.text')?.exec, true);
    // .data runs in RAM and loads from flash right after .rodata.
    const data = byName.get('.data')!;
    assert.equal(data.addr, 0x20000000);
    assert.ok(data.loadAddr >= 0x08000000 && data.loadAddr < 0x08040000);
    assert.equal(elf.symbols.find((s) => s.name === 'g_model')?.size, 3000);
    assert.equal(elf.symbols.find((s) => s.name === 'tensor_arena')?.size, 8192);
    assert.ok(elf.segments.length >= 2);
  });

  test('usage keeps the model array and the arena apart from the application, per linker region', () => {
    const elf = readElf(fixture('app-cm4.elf'));
    const regions = readLinkerMap(text('app-cm4.map'));
    assert.deepEqual(regions.map((r) => [r.name, r.origin, r.length]), [['FLASH', 0x08000000, 256 * 1024], ['RAM', 0x20000000, 64 * 1024]]);
    const u = firmwareUsage(elf, { regions, modelBytes: 3000 });
    assert.equal(u.model?.name, 'g_model');
    assert.equal(u.arena?.name, 'tensor_arena');
    assert.equal(u.flash, u.bytes.text + u.bytes.rodata + u.bytes.data);
    assert.equal(u.app.flash, u.flash - 3000);
    assert.equal(u.app.ram, u.ram - 8192);
    const flash = u.regions!.find((r) => r.region.name === 'FLASH')!;
    const ram = u.regions!.find((r) => r.region.name === 'RAM')!;
    assert.equal(flash.used, u.flash, 'flash holds code, constants and the load image of .data');
    assert.equal(ram.used, u.ram);
    assert.equal(flash.model, 3000);
    assert.equal(ram.arena, 8192);
    assert.equal(ram.left, 64 * 1024 - (u.ram - 8192));
  });

  test('finds the model array by size when its name says nothing', () => {
    const u = firmwareUsage(readElf(fixture('app-cm4.elf')), { modelBytes: 2990 });
    assert.equal(u.model?.name, 'g_model');
    assert.equal(u.model?.by, 'name');
  });

  test('an application built without the model has neither model nor arena', () => {
    const elf = readElf(fixture('app-m0plus-nomodel.elf'));
    const u = firmwareUsage(elf, { regions: readLinkerMap(text('app-m0plus-nomodel.map')) });
    assert.equal(u.model, undefined);
    assert.equal(u.arena, undefined);
    assert.deepEqual(u.app, { flash: u.flash, ram: u.ram });
  });

  test('reads a RISC-V (rv32imc) image of the same application', () => {
    const elf = readElf(fixture('app-rv32.elf'));
    assert.equal(elf.machine, 'riscv');
    const u = firmwareUsage(elf, { modelBytes: 3000 });
    assert.equal(u.model?.name, 'g_model');
    assert.equal(u.arena?.size, 8192);
    assert.equal(u.bytes.rodata, 3000 + (elf.sections.find((s) => s.name === '.isr_vector')?.size ?? 0));
  });

  test('reads an Xtensa (LX106) image of the same application', () => {
    const elf = readElf(fixture('app-xtensa.elf'));
    assert.equal(elf.machine, 'xtensa');
    const u = firmwareUsage(elf, { modelBytes: 3000 });
    assert.equal(u.model?.name, 'g_model');
    assert.equal(u.arena?.name, 'tensor_arena');
    assert.equal(u.arena?.size, 8192);
    assert.equal(u.app.flash, u.flash - 3000);
    assert.equal(u.linksTflm, false);
  });

  test('foreign ELFs are typed errors at their field', () => {
    const base = fixture('app-cm4.elf');
    const with64 = base.slice(); with64[4] = 2;
    expectError(with64, 'foreign', /CLASS/);
    const big = base.slice(); big[5] = 2;
    expectError(big, 'foreign', /DATA/);
    const x86 = base.slice(); x86[18] = 3; x86[19] = 0;
    assert.equal(expectError(x86, 'foreign', /e_machine/).offset, 18);
    expectError(new TextEncoder().encode('not an elf at all'), 'not-elf');
    // The same image relabelled as RISC-V (243) or Xtensa (94) reads: the layout does not depend on the machine.
    const rv = base.slice(); rv[18] = 243;
    assert.equal(readElf(rv).machine, 'riscv');
    const xt = base.slice(); xt[18] = 94;
    assert.equal(readElf(xt).machine, 'xtensa');
  });

  test('an image without section names (e_shstrndx 0) still reads, its sections unnamed', () => {
    const bytes = fixture('app-cm4.elf').slice();
    new DataView(bytes.buffer).setUint16(50, 0, true);
    const elf = readElf(bytes);
    assert.ok(elf.sections.every((s) => s.name === ''));
    assert.equal(firmwareUsage(elf).bytes.rodata, firmwareUsage(readElf(fixture('app-cm4.elf'))).bytes.rodata);
  });

  test('a section header offset beyond the file is located', () => {
    const bad = fixture('app-cm4.elf').slice();
    new DataView(bad.buffer).setUint32(32, 0xfffffff0, true);
    const e = expectError(bad, 'out-of-range', /section header table/);
    assert.equal(e.offset, 0xfffffff0);
  });

  test('every truncation and seeded mutations end in an image or a FirmwareFormatError', () => {
    const outcomes: Record<string, number> = {};
    const check = (bytes: Uint8Array, label: string): void => {
      try {
        const elf = readElf(bytes);
        firmwareUsage(elf, { modelBytes: 3000 });
        outcomes.image = (outcomes.image ?? 0) + 1;
      } catch (e) {
        if (!(e instanceof FirmwareFormatError)) assert.fail(`${label}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        outcomes[e.code] = (outcomes[e.code] ?? 0) + 1;
      }
    };
    for (const name of ['app-cm4.elf', 'app-m0plus-nomodel.elf', 'app-rv32.elf', 'app-xtensa.elf']) {
      const base = fixture(name);
      for (let cut = 0; cut < base.length; cut++) check(base.subarray(0, cut), `${name} cut at ${cut}`);
      const rand = mulberry32(0x5eed + base.length);
      for (let i = 0; i < 3000; i++) {
        const bytes = base.slice();
        const view = new DataView(bytes.buffer);
        // Hit the headers more often than the contents: that is where offsets and counts live.
        const at = (rand() < 0.5 ? Math.floor(rand() * 52) : Math.floor(rand() * bytes.length)) & ~3;
        if (rand() < 0.5) bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(rand() * 8));
        else if (at + 4 <= bytes.length) view.setUint32(at, [0, 0xffffffff, 0x7fffffff, bytes.length, Math.floor(rand() * 2 ** 32)][Math.floor(rand() * 5)]! >>> 0, true);
        check(bytes, `${name} mutation ${i}`);
      }
    }
    assert.ok((outcomes.image ?? 0) > 0, 'some mutations still read');
    assert.ok((outcomes['out-of-range'] ?? 0) > 0, 'truncations are out-of-range errors');
  });
});

describe('linker map reader', () => {
  test('a map without the table, or with a broken row, is located', () => {
    assert.throws(() => readLinkerMap('hello\n'), (e: unknown) => e instanceof FirmwareFormatError && e.code === 'bad-map' && e.offset === 1);
    const broken = 'Memory Configuration\n\nName             Origin             Length             Attributes\nFLASH 0x0800zz 0x100 xr\n';
    assert.throws(() => readLinkerMap(broken), (e: unknown) => e instanceof FirmwareFormatError && e.offset === 4);
    const huge = 'Memory Configuration\n\nName Origin Length Attributes\nX 0xfffff000 0x2000 rw\n';
    assert.throws(() => readLinkerMap(huge), (e: unknown) => e instanceof FirmwareFormatError && e.offset === 4);
  });
});
