/**
 * The runtime footprint predictor (analysis/footprint/): union semantics on hand-made data (an op never reduces the
 * size, shared components count once), the core and kernel-set mapping, the data loader's located errors, and the
 * bundled measurements' own union check. Needs neither the toolchain nor ../shared.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  bundledFootprintData, footprintOfBuild, loadFootprintData, modelOps, opIncrement, predictRuntimeFootprint, type FootprintData, type FootprintKernels,
} from '../../server/src/analysis/footprint/index.js';
import measuredJson from '../../server/src/analysis/footprint/measured.json';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { SeededRandom } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { DataFileError } from '../../server/src/targets/schema.js';

const BASE = { text: 1000, rodata: 200, data: 8, bss: 100 };

/** Four ops: A and B share a component (say a common conv helper), C and D share one, D has one of its own. */
function handMade(builds = ['cortex-m4+fp cmsis_nn', 'cortex-m4+fp reference', 'cortex-m0plus reference']): FootprintData {
  const components = [
    { o: [0], s: [100, 10, 0, 0] },
    { o: [0, 1], s: [50, 5, 0, 0] },
    { o: [1], s: [30, 0, 4, 4] },
    { o: [2, 3], s: [7, 0, 0, 0] },
    { o: [3], s: [11, 1, 0, 0] },
  ];
  return loadFootprintData({
    ops: ['A', 'B', 'C', 'D'],
    builds: Object.fromEntries(builds.map((id) => [id, { base: BASE, resolverRamPerOp: 36, baseN: 1, failed: {}, components }])),
  });
}

const flashOf = (s: { text: number; rodata: number; data: number }): number => s.text + s.rodata + s.data;

test('hand-made components: an op set counts each component it meets once, shared ones once', () => {
  const data = handMade();
  const b = data.builds.get('cortex-m4+fp cmsis_nn')!;
  const f = (ops: string[]) => footprintOfBuild(data, b, ops).sections;
  assert.deepEqual(f([]), BASE);
  assert.equal(flashOf(f(['A'])), flashOf(BASE) + 110 + 55);
  assert.equal(flashOf(f(['B'])), flashOf(BASE) + 55 + 34);
  // A and B share {A,B}: 55 bytes counted once, not twice.
  assert.equal(flashOf(f(['A', 'B'])), flashOf(BASE) + 110 + 55 + 34);
  assert.equal(flashOf(f(['A', 'B'])), flashOf(f(['A'])) + flashOf(f(['B'])) - flashOf(BASE) - 55);
  assert.equal(flashOf(f(['C', 'D'])), flashOf(BASE) + 7 + 12);
  // The resolver's RAM grows with the registrations beyond the measured capacity (1): 36 bytes per op.
  assert.equal(f(['A', 'B']).bss, BASE.bss + 4 + 36);
  assert.equal(f(['A', 'B', 'C']).bss, BASE.bss + 4 + 72);
  // An op named twice, or as CUSTOM:name, is one registration.
  assert.deepEqual(f(['A', 'A']), f(['A']));
  assert.deepEqual(f(['CUSTOM:D']), f(['D']));
});

test('adding an op never reduces flash or RAM (bundled builds, seeded random op orders)', () => {
  const data = bundledFootprintData();
  assert.ok(data.builds.size >= 1);
  const rnd = new SeededRandom(10);
  for (const build of data.builds.values()) {
    for (let trial = 0; trial < 20; trial++) {
      const order = [...data.ops].sort(() => rnd.float() - 0.5);
      let prev = footprintOfBuild(data, build, []).sections;
      for (let k = 1; k <= 12; k++) {
        const cur = footprintOfBuild(data, build, order.slice(0, k)).sections;
        assert.ok(flashOf(cur) >= flashOf(prev), `${build.id}: ${order.slice(0, k).join(',')} flash fell`);
        assert.ok(cur.data + cur.bss >= prev.data + prev.bss, `${build.id}: ram fell`);
        prev = cur;
      }
    }
  }
});

test('a set costs at most the sum of its ops alone (shared kernels count once)', () => {
  const data = bundledFootprintData();
  for (const build of data.builds.values()) {
    const base = flashOf(build.base);
    const one = (op: string) => flashOf(footprintOfBuild(data, build, [op]).sections) - base;
    const set = ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'ADD', 'SOFTMAX', 'RESHAPE'];
    const together = flashOf(footprintOfBuild(data, build, set).sections) - base;
    const sum = set.map(one).reduce((a, b) => a + b, 0);
    assert.ok(together <= sum, `${build.id}: ${together} > ${sum}`);
    assert.ok(together >= Math.max(...set.map(one)), `${build.id}: less than its largest op`);
  }
});

test('cores: own build is measured, a near one is estimated with the reason, non-Arm and unknown cores undefined', () => {
  const data = handMade();
  const m4 = predictRuntimeFootprint(['A'], 'cortex-m4f', 'cmsis-nn', data)!;
  assert.equal(m4.basis, 'measured');
  assert.equal(m4.build, 'cortex-m4+fp cmsis_nn');
  assert.equal(m4.note, undefined);
  assert.equal(m4.flash, flashOf(m4.sections));
  assert.equal(m4.ram, m4.sections.data + m4.sections.bss);
  assert.equal(m4.tflm, '90b983c2');
  // Both spellings of a kernel set.
  assert.deepEqual(predictRuntimeFootprint(['A'], 'cortex-m4f', 'tflm-reference', data), predictRuntimeFootprint(['A'], 'cortex-m4f', 'reference', data));
  assert.equal(predictRuntimeFootprint(['A'], 'cortex-m4f', 'tflm-reference', data)!.build, 'cortex-m4+fp reference');
  const m7 = predictRuntimeFootprint(['A'], 'cortex-m7', 'cmsis-nn', data)!;
  assert.equal(m7.basis, 'estimated');
  assert.equal(m7.build, 'cortex-m4+fp cmsis_nn');
  assert.match(m7.note!, /cortex-m7/);
  assert.equal(predictRuntimeFootprint(['A'], 'cortex-m0plus', 'reference', data)!.basis, 'measured');
  // No M0+ CMSIS-NN build here: the same kernels on the nearest core that has them.
  assert.equal(predictRuntimeFootprint(['A'], 'cortex-m0plus', 'cmsis-nn', data)!.build, 'cortex-m4+fp cmsis_nn');
  for (const core of ['cortex-a53', '', 'esp8266']) assert.equal(predictRuntimeFootprint(['A'], core, 'reference', data), undefined, core);
  // Non-Arm catalog cores: the M4F reference build stands in for every kernel set, estimated, saying so.
  for (const core of ['esp32', 'esp32s3', 'rv32imc', 'arc-em9d']) {
    // The runtime an ESP32 report carries ("tflm-esp-nn") reaches the prediction as it is (fit-parts passes it on).
    for (const kernels of ['tflm-esp-nn' as FootprintKernels, 'cmsis-nn', 'reference'] as const) {
      const p = predictRuntimeFootprint(['A'], core, kernels, data)!;
      assert.equal(p.build, 'cortex-m4+fp reference', `${core} ${kernels}`);
      assert.equal(p.basis, 'estimated');
      assert.match(p.note!, /build measured: TFLM's reference kernels built for ARMv7E-M stand in/);
    }
  }
  assert.equal(predictRuntimeFootprint(['A'], 'esp32', 'reference', handMade(['cortex-m4+fp cmsis_nn'])), undefined);
  // The M85 falls back past the M55 (no reference build here) to the M4F.
  assert.equal(predictRuntimeFootprint(['A'], 'cortex-m85', 'reference', data)!.build, 'cortex-m4+fp reference');
  // A core whose near builds are all missing from the data.
  assert.equal(predictRuntimeFootprint(['A'], 'cortex-m85', 'reference', handMade(['cortex-m0plus reference'])), undefined);
});

test('ops the data does not know are named in the note and add no flash', () => {
  const data = handMade();
  const p = predictRuntimeFootprint(['A', 'NOT_AN_OP'], 'cortex-m4f', 'reference', data)!;
  assert.match(p.note!, /ops without measured kernels: NOT_AN_OP/);
  assert.equal(p.flash, predictRuntimeFootprint(['A'], 'cortex-m4f', 'reference', data)!.flash);
});

test('an op\'s increment is what it adds beyond the ops it shares kernels with', () => {
  const data = handMade();
  // B alone adds its own 34 and the 55 it shares with A; next to A only its own 34 (and one registration's RAM).
  assert.deepEqual(opIncrement('B', [], 'cortex-m4f', 'cmsis-nn', data), { flash: 89, ram: 8, build: 'cortex-m4+fp cmsis_nn', basis: 'measured' });
  assert.deepEqual(opIncrement('B', ['A'], 'cortex-m4f', 'cmsis-nn', data), { flash: 34, ram: 8 + 36, build: 'cortex-m4+fp cmsis_nn', basis: 'measured' });
  // Listing the op among the others changes nothing; an unknown core has no increment.
  assert.deepEqual(opIncrement('B', ['A', 'B'], 'cortex-m4f', 'cmsis-nn', data), opIncrement('B', ['A'], 'cortex-m4f', 'cmsis-nn', data));
  assert.equal(opIncrement('B', ['A'], 'esp8266', 'cmsis-nn', data), undefined);
});

test('a built model\'s ops: distinct, in first-use order, and all measured on the M4F builds', () => {
  const model = readTflite(buildKwsDsCnnInt8());
  const ops = modelOps(model);
  assert.equal(new Set(ops).size, ops.length);
  assert.ok(ops.includes('CONV_2D') && ops.includes('DEPTHWISE_CONV_2D'), ops.join(','));
  for (const k of ['cmsis-nn', 'reference'] as const) {
    const p = predictRuntimeFootprint(ops, 'cortex-m4f', k)!;
    assert.equal(p.basis, 'measured');
    assert.equal(p.note, undefined, p.note);
    assert.ok(p.flash > flashOf(bundledFootprintData().builds.get(p.build)!.base));
  }
});

test('typed registrations: CMSIS-NN\'s int8-only kernels cost less than the all-types registration', () => {
  const data = bundledFootprintData();
  const build = data.builds.get('cortex-m4+fp cmsis_nn')!;
  const flash = (ops: string[]) => flashOf(footprintOfBuild(data, build, ops).sections);
  for (const op of ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED']) {
    const typed = `${op}/INT8`;
    assert.ok(data.ops.includes(typed) && !build.failed.has(data.ops.indexOf(typed)), `${typed} measured`);
    assert.ok(flash([typed]) < flash([op]), `${typed} ${flash([typed])} vs ${op} ${flash([op])}`);
    // Registering both keeps the generic kernel: never less than the generic alone.
    assert.ok(flash([op, typed]) >= flash([op]));
  }
});

test('the data loader names the exact path of what is wrong', () => {
  const good = { ops: ['A'], builds: { b: { base: BASE, resolverRamPerOp: 36, baseN: 1, failed: {}, components: [{ o: [0], s: [1, 2, 3, 4] }] } } };
  assert.doesNotThrow(() => loadFootprintData(good));
  const bad: [unknown, RegExp][] = [
    [null, /\$: expected an object/],
    [{ ...good, ops: [1] }, /\$\.ops/],
    [{ ...good, builds: { b: { ...good.builds.b, components: [{ o: [5], s: [1, 2, 3, 4] }] } } }, /components\[0\]\.o\[0\]: op index 5/],
    [{ ...good, builds: { b: { ...good.builds.b, components: [{ o: [0], s: [1, 2, 3] }] } } }, /components\[0\]\.s/],
    [{ ...good, builds: { b: { ...good.builds.b, base: { ...BASE, bss: -1 } } } }, /base\.bss: expected a byte count/],
    [{ ...good, builds: { b: { ...good.builds.b, components: [{ o: [], s: [1, 2, 3, 4] }] } } }, /components\[0\]\.o: expected op indexes/],
  ];
  for (const [doc, re] of bad) {
    assert.throws(() => loadFootprintData(doc), (e: unknown) => e instanceof DataFileError && re.test(e.message));
  }
});

test('bundled data: each build\'s all-ops link equals base + every component within 1% (the union check)', () => {
  const doc = measuredJson as unknown as { builds: Record<string, { allOps: { measured: Record<string, number> } }> };
  const data = bundledFootprintData();
  for (const build of data.builds.values()) {
    const measured = doc.builds[build.id]!.allOps.measured;
    const mine = footprintOfBuild(data, build, data.ops.filter((_, i) => !build.failed.has(i))).sections;
    // The all-ops link had a resolver of capacity 1, like the single-op links.
    mine.bss -= (data.ops.length - build.failed.size - build.baseN) * build.resolverRamPerOp;
    const m = flashOf(measured as never);
    assert.ok(Math.abs(flashOf(mine) - m) / m < 0.01, `${build.id}: ${flashOf(mine)} vs ${m}`);
    assert.ok(Math.abs(mine.data + mine.bss - measured.data! - measured.bss!) <= 256, `${build.id}: ram`);
  }
});

test('bundled data stays small: under 100 KB per build', () => {
  const size = JSON.stringify(measuredJson).length;
  assert.ok(size < 100_000 * Math.max(1, bundledFootprintData().builds.size), `${size} bytes`);
});
