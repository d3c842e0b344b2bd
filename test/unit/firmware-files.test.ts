/** Finding the application's ELF in the usual build layouts, reading it through files/read.ts, and the fit beside it. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { findFirmwareElf, mapBeside, readFirmwareElf, readFirmwareMap } from '../../server/src/files/firmware.js';
import { FileError } from '../../server/src/files/read.js';
import { FirmwareFormatError } from '../../server/src/firmware/errors.js';
import { firmwareFit } from '../../server/src/firmware/fit.js';
import { firmwareUsage } from '../../server/src/firmware/usage.js';

const fixtures = path.join(__dirname, '..', 'fixtures', 'firmware');
const root = mkdtempSync(path.join(tmpdir(), 'lens-fw-'));
after(() => rmSync(root, { recursive: true, force: true }));

function place(rel: string, from = 'app-cm4.elf'): string {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  copyFileSync(path.join(fixtures, from), p);
  return p;
}

describe('finding the firmware ELF', () => {
  test('each usual layout, and PlatformIO before the others', () => {
    const layouts: [string, string][] = [
      ['esp/build/hello.elf', 'ESP-IDF'],
      ['ard/build/arduino.mbed.nano33ble/kws.ino.elf', 'Arduino CLI'],
      ['zep/build/zephyr/zephyr.elf', 'Zephyr'],
      ['pio/.pio/build/nano33ble/firmware.elf', 'PlatformIO'],
    ];
    for (const [rel, layout] of layouts) {
      const p = place(rel);
      const top = path.join(root, rel.split('/')[0]!);
      assert.deepEqual(findFirmwareElf(top), { path: p, layout });
    }
    place('pio/build/zephyr/zephyr.elf');
    assert.equal(findFirmwareElf(path.join(root, 'pio'))?.layout, 'PlatformIO');
    assert.equal(findFirmwareElf(path.join(root, 'nothing-here')), null);
  });

  test('the newest PlatformIO environment wins', () => {
    const old = place('multi/.pio/build/old/firmware.elf');
    const fresh = place('multi/.pio/build/fresh/firmware.elf');
    utimesSync(old, new Date(2020, 1, 1), new Date(2020, 1, 1));
    utimesSync(fresh, new Date(2024, 1, 1), new Date(2024, 1, 1));
    assert.equal(findFirmwareElf(path.join(root, 'multi'))?.path, fresh);
  });

  test('the map beside the ELF, and typed errors for what cannot be read', () => {
    const elf = place('m/app.elf');
    assert.equal(mapBeside(elf), null);
    copyFileSync(path.join(fixtures, 'app-cm4.map'), path.join(root, 'm', 'app.map'));
    assert.equal(mapBeside(elf), path.join(root, 'm', 'app.map'));
    assert.equal(readFirmwareMap(mapBeside(elf)!).length, 2);
    assert.throws(() => readFirmwareElf(path.join(root, 'm')), (e: unknown) => e instanceof FileError && e.code === 'not-a-file');
    writeFileSync(path.join(root, 'm', 'bad.elf'), 'hello');
    assert.throws(() => readFirmwareElf(path.join(root, 'm', 'bad.elf')), (e: unknown) => e instanceof FirmwareFormatError && e.code === 'not-elf');
  });
});

describe('fit beside the application', () => {
  test('per region: the model and the arena found in the ELF are not counted twice', () => {
    const elf = readFirmwareElf(path.join(fixtures, 'app-cm4.elf'));
    const usage = firmwareUsage(elf, { regions: readFirmwareMap(path.join(fixtures, 'app-cm4.map')), modelBytes: 3000 });
    const fit = firmwareFit(usage, { modelBytes: 3000, arenaBytes: 8192 });
    assert.equal(fit.flash.region, 'FLASH');
    assert.equal(fit.ram.region, 'RAM');
    assert.equal(fit.flash.left, 256 * 1024 - usage.flash, 'the model already in the ELF is the model needed');
    assert.equal(fit.ram.left, 64 * 1024 - usage.ram);
    const bigger = firmwareFit(usage, { modelBytes: 300 * 1024, arenaBytes: 8192 });
    assert.ok(bigger.flash.left! < 0, 'a 300 KiB model overflows the 256 KiB FLASH region');
  });

  test('without a map, against the target totals', () => {
    const usage = firmwareUsage(readFirmwareElf(path.join(fixtures, 'app-m0plus-nomodel.elf')));
    const fit = firmwareFit(usage, { modelBytes: 1000, arenaBytes: 2000, target: { flashBytes: 32 * 1024, ramBytes: 4096 } });
    assert.equal(fit.flash.region, null);
    assert.equal(fit.flash.left, 32 * 1024 - usage.app.flash - 1000);
    assert.equal(fit.ram.left, 4096 - usage.app.ram - 2000);
    assert.equal(firmwareFit(usage, { modelBytes: 1, arenaBytes: 1 }).ram.left, null);
  });
});
