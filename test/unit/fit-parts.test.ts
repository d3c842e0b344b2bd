import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { CATALOG, parseUserCatalog, resolveTarget } from '../../server/src/targets/catalog.js';
import { wholeFit, type WholeFitInputs } from '../../server/src/targets/fit.js';
import { defaultArenaRegion, findRegion, ramRegionsOf, type RamRegion } from '../../server/src/targets/regions.js';
import { cli } from './helpers/cli.js';

const KiB = 1024;
const kws = join(resolve(__dirname, '../..'), 'examples/kws_dscnn_int8.tflite');

const region = (name: string, kiB: number, kind: RamRegion['kind'] = 'sram'): RamRegion => ({ name, kiB, kind, banks: '', board: null, source: 'test' });

function inputs(over: Partial<WholeFitInputs> = {}): WholeFitInputs {
  return {
    modelBytes: 200 * KiB, arenaBytes: 50 * KiB, arenaExact: true,
    runtime: { flash: 61 * KiB, ram: 3 * KiB, basis: 'measured', from: 'test build' },
    app: { flash: 40 * KiB, ram: 10 * KiB, basis: 'user-given', from: { flash: 'reserve.flash', ram: 'reserve.ram' } },
    flashBytes: 256 * KiB, sramBytes: null, regions: [region('SRAM', 128)], ...over,
  };
}

test('flash need is model + TFLM runtime + application, each part labelled, and the overflow is their sum minus the flash', () => {
  const f = wholeFit(inputs());
  assert.deepEqual(f.flash.parts.map((p) => [p.part, p.bytes, p.basis]), [['model', 200 * KiB, 'exact'], ['runtime', 61 * KiB, 'measured'], ['app', 40 * KiB, 'user-given']]);
  assert.equal(f.flash.needBytes, 301 * KiB);
  assert.equal(f.flash.overBytes, 45 * KiB);
  assert.equal(f.flash.fits, false);
  assert.deepEqual(f.problems, ['flash-overflow']);
  assert.equal(f.fits, false);
  // The same model alone (the old verdict) would have fitted: the runtime and the application make the difference.
  assert.equal(wholeFit(inputs({ runtime: null, app: null })).flash.fits, true);
});

test('RAM need is arena + TFLM static RAM + application RAM, in the arena region when it fits there', () => {
  const f = wholeFit(inputs({ flashBytes: 1024 * KiB }));
  assert.deepEqual(f.ram.parts.map((p) => p.part), ['arena', 'runtime', 'app']);
  assert.equal(f.ram.needBytes, 63 * KiB);
  assert.equal(f.arena.region, 'SRAM');
  assert.equal(f.arena.sharedBytes, 13 * KiB);
  assert.equal(f.fits, true);
});

test('a part not known is listed as not counted, never taken silently as zero', () => {
  const f = wholeFit(inputs({ runtime: null, app: null }));
  assert.equal(f.flash.parts.length, 1);
  assert.equal(f.flash.notCounted.length, 2);
  assert.match(f.flash.notCounted.join(' '), /TFLM runtime/);
  assert.match(f.ram.notCounted.join(' '), /application/);
});

test('an application ELF that already links TFLM is not charged the runtime twice', () => {
  const f = wholeFit(inputs({ app: { flash: 120 * KiB, ram: 10 * KiB, basis: 'measured', from: { flash: 'app.elf', ram: 'app.elf' }, includesRuntime: true } }));
  assert.deepEqual(f.flash.parts.map((p) => p.part), ['model', 'app']);
  assert.equal(f.flash.notCounted.length, 0);
});

test('the arena must fit one region: total SRAM enough but no single bank is its own verdict', () => {
  const regions = [region('A', 64), region('B', 64), region('C', 32)];
  const f = wholeFit(inputs({ arenaBytes: 100 * KiB, runtime: null, app: null, regions, flashBytes: 1024 * KiB }));
  assert.equal(f.ram.fits, true, 'the total holds it');
  assert.equal(f.arena.fits, false);
  assert.deepEqual(f.problems, ['no-single-region']);
  // More than the whole SRAM is a plain overflow.
  assert.deepEqual(wholeFit(inputs({ arenaBytes: 200 * KiB, runtime: null, app: null, regions, flashBytes: 1024 * KiB })).problems, ['ram-overflow']);
});

test('STM32H743: a 600 KiB arena fits the 1 MiB of SRAM but none of its banks', () => {
  const h7 = resolveTarget('stm32h743zi')!.mcu!;
  const f = wholeFit(inputs({ arenaBytes: 600 * KiB, runtime: null, app: null, flashBytes: 2048 * KiB, regions: ramRegionsOf(h7) }));
  assert.equal(f.arena.region, 'AXI-SRAM');
  assert.deepEqual(f.problems, ['no-single-region']);
});

test('arena_region places the arena; a region too small names the ones that hold it, an unknown name is its own problem', () => {
  const h7 = ramRegionsOf(resolveTarget('stm32h743zi')!.mcu!);
  const small = wholeFit(inputs({ arenaBytes: 200 * KiB, flashBytes: 2048 * KiB, regions: h7, arenaRegion: 'dtcm' }));
  assert.equal(small.arena.region, 'DTCM');
  assert.equal(small.arena.by, 'manifest');
  assert.deepEqual(small.problems, ['arena-region-too-small']);
  assert.deepEqual(small.arena.alternatives, ['AXI-SRAM', 'SRAM1-3']);
  const unknown = wholeFit(inputs({ flashBytes: 2048 * KiB, regions: h7, arenaRegion: 'SRAM9' }));
  assert.deepEqual(unknown.problems, ['unknown-region']);
  assert.equal(unknown.arena.unknownRegion, 'SRAM9');
});

test('external RAM holds an arena no on-chip region can, is marked external, and adds to the RAM capacity', () => {
  const portenta = ramRegionsOf(resolveTarget('arduino-portenta-h7')!.mcu!);
  const f = wholeFit(inputs({ arenaBytes: 2048 * KiB, flashBytes: 2048 * KiB, regions: portenta, arenaRegion: 'SDRAM' }));
  assert.equal(f.arena.external, true);
  assert.equal(f.arena.fits, true);
  assert.equal(f.arena.sharedBytes, 0, "the runtime's and the application's RAM stay on-chip");
  assert.equal(f.fits, true);
  assert.equal(findRegion(portenta, 'external')?.name, 'SDRAM');
});

test('the default arena region is the largest on-chip one, never external RAM', () => {
  const regions = [region('TCM', 128, 'tcm'), region('SRAM', 256), region('PSRAM', 8192, 'external')];
  assert.equal(defaultArenaRegion(regions)?.name, 'SRAM');
  assert.equal(defaultArenaRegion([region('PSRAM', 8192, 'external')]), null);
});

test('the catalog has sourced RAM regions for the STM32, nRF52/53, RP2040, ESP32-S3 and i.MX RT parts', () => {
  for (const id of ['stm32f446re', 'stm32f746', 'stm32f767zi', 'stm32h743zi', 'stm32h7a3zi', 'stm32h747xi', 'stm32l4r5zi', 'stm32u575zi', 'stm32u585ai', 'nrf52840', 'nrf52832', 'nrf5340', 'rp2040', 'esp32s3', 'imxrt1062', 'imxrt1176']) {
    const mcu = CATALOG.find((m) => m.id === id);
    assert.ok(mcu?.ramRegions && mcu.ramRegions.length > 0, `${id} has regions`);
    for (const r of mcu.ramRegions) {
      assert.ok(r.source.length > 10, `${id} ${r.name} has a source`);
      assert.equal(r.kind === 'external', r.board !== null, `${id} ${r.name}: external RAM names its board, on-chip RAM none`);
    }
  }
  // The catalog's largest contiguous figure is the largest on-chip region where both are known.
  for (const m of CATALOG) {
    if (!m.ramRegions || m.largestSramKiB === null) continue;
    const largest = defaultArenaRegion(m.ramRegions)!.kiB;
    assert.ok(Math.abs(largest - m.largestSramKiB) <= 1.5, `${m.id}: region ${largest} KiB vs largestSramKiB ${m.largestSramKiB}`);
  }
});

test('a workspace catalog row may carry regions; a bad kind or a repeated name is a located error', () => {
  const row = (regions: unknown): string => JSON.stringify({ mcus: [{ id: 'my-board', aliases: [], displayName: 'Mine', vendor: 'me', boards: '', core: 'cortex-m4f', clockMHz: 64, sramKiB: 128, largestSramKiB: null, flashKiB: 512, fpu: 'sp', dsp: true, helium: false, npu: null, activePowerMw: null, notes: '', source: 'my datasheet', ramRegions: regions }] });
  const ok = parseUserCatalog(row([{ name: 'SRAM', kiB: 128, kind: 'sram', source: 'my datasheet' }]), 'mine.json');
  assert.equal(ok.find((m) => m.id === 'my-board')?.ramRegions?.[0]?.name, 'SRAM');
  assert.throws(() => parseUserCatalog(row([{ name: 'X', kiB: 8, kind: 'flash', source: 's' }]), 'mine.json'), /ramRegions\[0\]\.kind/);
  assert.throws(() => parseUserCatalog(row([{ name: 'X', kiB: 8, kind: 'sram', source: 's' }, { name: 'x', kiB: 8, kind: 'tcm', source: 's' }]), 'mine.json'), /two regions named/);
  assert.throws(() => parseUserCatalog(row([{ name: 'X', kiB: 8, kind: 'sram' }]), 'mine.json'), /source/);
});

test('analyze --target: the JSON gains the parts, --reserve-flash counts as user-given, --arena-region places the arena', () => {
  const r = cli('analyze', kws, '--target', 'nucleo-h743zi', '--reserve-flash', '40KiB', '--arena-region', 'DTCM', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.equal(doc.fit.fits, true);
  const parts = doc.fit.parts;
  type Part = { part: string; basis: string; bytes: number };
  const labels = parts.flash.parts.map((p: Part) => `${p.part}:${p.basis}`);
  // TFLM's runtime is there when analysis/footprint predicts it for a Cortex-M7 (measured or from the nearest build).
  const runtime = (parts.flash.parts as Part[]).find((p) => p.part === 'runtime');
  assert.deepEqual(labels, runtime ? ['model:exact', `runtime:${runtime.basis}`, 'app:user-given'] : ['model:exact', 'app:user-given']);
  if (runtime) assert.ok(runtime.basis === 'measured' || runtime.basis === 'estimated');
  else assert.ok(parts.flash.notCounted.some((n: string) => /TFLM/.test(n)));
  assert.equal(parts.flash.needBytes, doc.flash.modelBytes + (runtime?.bytes ?? 0) + 40 * KiB);
  assert.equal(parts.arena.region, 'DTCM');
  assert.equal(doc.fit.ramBudgetBytes, 128 * KiB);
  const text = cli('analyze', kws, '--target', 'nucleo-h743zi', '--reserve-flash', '2MiB');
  assert.match(text.out, /fits +NO .*flash overflows by/);
  assert.match(text.out, /flash need .*app 2048\.0 KiB \(user-given\)/);
  assert.match(text.out, /TFLM runtime \+ kernels [\d.]+ KiB \((measured|estimated)\)|not counted: the TFLM runtime/);
});

test('the CLI rejects a bad reserve size and --arena-region on fit, naming the option', () => {
  assert.match(cli('analyze', kws, '--target', 'nrf52840', '--reserve-ram', 'lots').err, /--reserve-ram needs a size/);
  assert.match(cli('fit', kws, '--arena-region', 'DTCM').err, /--arena-region/);
  const unknown = cli('analyze', kws, '--target', 'nrf52840', '--arena-region', 'SDRAM');
  assert.match(unknown.out, /'SDRAM' is not a RAM region of this part/);
});
