import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runtimePart, smallerKernelSet, type Predict } from '../../server/src/analysis/fit-parts.js';
import type { RuntimeFootprint } from '../../server/src/analysis/footprint/index.js';
import type { ElfImage, ElfSection } from '../../server/src/firmware/elf.js';
import { appPartOf, firmwareFit } from '../../server/src/firmware/fit.js';
import { firmwareUsage } from '../../server/src/firmware/usage.js';
import { wholeFit } from '../../server/src/targets/fit.js';

const KiB = 1024;

function section(index: number, name: string, addr: number, size: number, kind: 'text' | 'data' | 'bss'): ElfSection {
  return { index, name, type: kind === 'bss' ? 8 : 1, flags: 0, addr, loadAddr: addr, offset: 0, size, alloc: true, write: kind !== 'text', exec: kind === 'text', nobits: kind === 'bss' };
}

/** An application image: 20 KiB of code, 4 KiB of .bss, and optionally TFLM's interpreter among its symbols. */
function image(withTflm: boolean): ElfImage {
  const symbols = [{ name: 'main', value: 0x08000000, size: 64, type: 2, shndx: 1 }];
  if (withTflm) symbols.push({ name: '_ZN6tflite16MicroInterpreterC1EPKNS_5ModelE', value: 0x08000100, size: 400, type: 2, shndx: 1 });
  return { machine: 'arm', entry: 0x08000000, segments: [], symbols, sections: [section(1, '.text', 0x08000000, 20 * KiB, 'text'), section(2, '.bss', 0x20000000, 4 * KiB, 'bss')] };
}

/** A footprint table as analysis/footprint would give it: 30 KiB base, 4 KiB per kernel (CMSIS-NN: 9 KiB), 1 KiB RAM. */
const predict: Predict = (ops, core, kernels) => {
  if (!core.startsWith('cortex-m')) return undefined;
  const perKernel = kernels === 'tflm-cmsis-nn' || kernels === 'cmsis-nn' ? 9 : 4;
  const f: RuntimeFootprint = { flash: (30 + perKernel * ops.length) * KiB, ram: KiB, sections: { text: 0, rodata: 0, data: 0, bss: 0 }, build: `${core} ${kernels}`, basis: 'measured', tflm: '90b983c2' };
  return f;
};

test('an ELF without TFLM: the predicted runtime is added to the flash and RAM needs beside the application', () => {
  const usage = firmwareUsage(image(false));
  assert.equal(usage.linksTflm, false);
  const runtime = runtimePart(['CONV_2D', 'SOFTMAX'], 'cortex-m4f', 'tflm-reference', predict);
  assert.ok(runtime);
  assert.equal(runtime.basis, 'measured');
  const fit = firmwareFit(usage, { modelBytes: 100 * KiB, arenaBytes: 10 * KiB, runtime, target: { flashBytes: 128 * KiB, ramBytes: 64 * KiB } });
  assert.equal(fit.flash.runtime, 38 * KiB);
  assert.equal(fit.flash.need, 138 * KiB);
  assert.equal(fit.flash.left, 128 * KiB - 20 * KiB - 138 * KiB);
  assert.equal(fit.ram.runtime, KiB);
});

test('an ELF that links TFLM already carries the runtime: it is neither added to the firmware fit nor to the whole fit', () => {
  const usage = firmwareUsage(image(true));
  assert.equal(usage.linksTflm, true);
  const runtime = runtimePart(['CONV_2D'], 'cortex-m4f', 'tflm-reference', predict);
  const fit = firmwareFit(usage, { modelBytes: 100 * KiB, arenaBytes: 10 * KiB, runtime, target: { flashBytes: 128 * KiB, ramBytes: 64 * KiB } });
  assert.equal(fit.flash.runtime, 0);
  assert.equal(fit.flash.need, 100 * KiB);
  const app = appPartOf(usage, 'app.elf');
  assert.equal(app.basis, 'measured');
  const whole = wholeFit({ modelBytes: 100 * KiB, arenaBytes: 10 * KiB, arenaExact: true, runtime, app, flashBytes: 128 * KiB, sramBytes: 64 * KiB, regions: [] });
  assert.deepEqual(whole.flash.parts.map((p) => `${p.part}:${p.basis}`), ['model:exact', 'app:measured']);
  assert.equal(whole.flash.needBytes, 100 * KiB + usage.app.flash);
});

test('no prediction for a core (non-Arm, or none given): no runtime part, so the fit says it is not counted', () => {
  assert.equal(runtimePart(['CONV_2D'], 'esp32s3', 'tflm-reference', predict), null);
  assert.equal(runtimePart(['CONV_2D'], null, 'tflm-reference', predict), null);
});

test('the kernel-set fix is offered only when the other set is smaller for these ops, with the bytes saved', () => {
  const ops = ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'];
  assert.deepEqual(smallerKernelSet(ops, 'cortex-m4f', 'tflm-cmsis-nn', predict), { kernels: 'tflm-reference', savedBytes: 15 * KiB });
  assert.equal(smallerKernelSet(ops, 'cortex-m4f', 'tflm-reference', predict), null);
  assert.equal(smallerKernelSet(ops, 'esp32s3', 'tflm-cmsis-nn', predict), null);
  assert.equal(smallerKernelSet(ops, 'cortex-m4f', 'tflm-esp-nn', predict), null);
});

test('Select Target and the cost profile show each part of the whole firmware with how it is known', async () => {
  const { wholeText } = await import('../../client/src/fit-text.js');
  const { wholeSide } = await import('../../client/src/cost-profile/figures.js');
  const side = (need: number, capacity: number | null, parts: [string, number, string][], notCounted: string[] = []) =>
    ({ needBytes: need, capacityBytes: capacity, parts: parts.map(([part, bytes, basis]) => ({ part, bytes, basis })), notCounted });
  const whole = {
    flash: side(301 * KiB, 256 * KiB, [['model', 200 * KiB, 'exact'], ['runtime', 61 * KiB, 'measured'], ['app', 40 * KiB, 'user-given']]),
    ram: side(60 * KiB, 128 * KiB, [['arena', 60 * KiB, 'exact']], ['the application (no firmware ELF and no reserve.ram given)']),
    arenaRegion: 'SDRAM', arenaRegionBytes: 8192 * KiB, arenaExternal: true, problems: ['flash-overflow'],
  };
  const fit = { id: 'x', name: 'X', detail: '', runtime: 'tflm-cmsis-nn', fits: false, arenaBytes: 60 * KiB, ramBytes: 128 * KiB, flashBytes: 256 * KiB, modelBytes: 200 * KiB, latencyMs: null, unsupportedOps: 0, whole };
  assert.equal(wholeText(fit), 'firmware flash 301 KiB = model 200 KiB + TFLM 61 KiB measured + app 40 KiB user-given; arena in SDRAM (1 part not counted)');
  assert.equal(wholeText({ ...fit, whole: undefined }), null);
  const ok = { kind: 'ok', whole } as unknown as Parameters<typeof wholeSide>[0];
  assert.equal(wholeSide(ok, 'flash'), '301 KiB of 256 KiB = model 200 KiB (exact) + TFLM 61 KiB (measured) + app 40 KiB (user-given)');
  assert.match(wholeSide(ok, 'ram'), /^60 KiB of 128 KiB = arena 60 KiB \(exact\); arena in SDRAM \(8 MiB, external: slower\); not counted: the application/);
});
