import assert from 'node:assert/strict';
import { test } from 'node:test';
import mcusJson from '../../server/src/targets/data/mcus.json';
import edgetpuJson from '../../server/src/targets/data/edgetpu.json';
import tflmJson from '../../server/src/targets/data/ops-tflm.json';
import velaJson from '../../server/src/targets/data/ops-vela.json';
import { CATALOG, CORES, loadCatalog, resolveTarget, withUserTargets } from '../../server/src/targets/catalog.js';
import { MEASURED } from '../../server/src/targets/measured.js';
import { CMSIS_NN_KERNELS, EDGETPU, ESP_NN_KERNELS, loadEdgeTpu, loadTflmOps, loadVela, TFLM_OPS, VELA } from '../../server/src/targets/ops.js';
import { DataFileError } from '../../server/src/targets/schema.js';

/** A deep copy of a data document with one edit applied, to feed a loader a broken row. */
function broken<T>(doc: T, edit: (copy: any) => void): unknown {
  const copy = JSON.parse(JSON.stringify(doc));
  edit(copy);
  return copy;
}

function rejects(load: () => unknown, path: RegExp): void {
  assert.throws(load, (e: unknown) => e instanceof DataFileError && path.test(e.message), `expected a DataFileError matching ${path}`);
}

test('the catalog holds at least 30 real targets, each with a source and a known core', () => {
  assert.ok(CATALOG.length >= 30, `${CATALOG.length} targets`);
  for (const m of CATALOG) {
    assert.ok(m.source.length > 10, `${m.id} has no source`);
    assert.ok((CORES as readonly string[]).includes(m.core));
  }
  const ids = CATALOG.map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('targets resolve by stable id, board alias (any case) and bare core', () => {
  assert.equal(resolveTarget('nrf52840')?.mcu?.displayName, 'nRF52840');
  assert.equal(resolveTarget('Arduino-Nano-33-BLE-Sense')?.id, 'nrf52840');
  assert.equal(resolveTarget('stm32f746')?.core, 'cortex-m7');
  assert.equal(resolveTarget('rp2040')?.core, 'cortex-m0plus');
  const bare = resolveTarget('cortex-m55');
  assert.deepEqual(bare && { id: bare.id, mcu: bare.mcu }, { id: 'cortex-m55', mcu: null });
  // esp32 is both a catalog id and a core: the catalog row wins, since it has memory figures.
  assert.equal(resolveTarget('esp32')?.mcu?.id, 'esp32');
  assert.equal(resolveTarget('no-such-board'), null);
});

test('every bare core the CLI documents resolves', () => {
  for (const core of ['cortex-m0plus', 'cortex-m3', 'cortex-m4', 'cortex-m4f', 'cortex-m7', 'cortex-m33', 'cortex-m55', 'cortex-m85', 'esp32', 'esp32s3', 'rv32imc']) {
    assert.equal(resolveTarget(core)?.core, core, core);
  }
});

test('a broken catalog row fails at load time with the path of the bad field', () => {
  rejects(() => loadCatalog(broken(mcusJson, (d) => { d.mcus[2].clockMHz = '216 MHz'; })), /mcus\[2\]\.clockMHz/);
  rejects(() => loadCatalog(broken(mcusJson, (d) => { d.mcus[0].source = ''; })), /mcus\[0\]\.source/);
  rejects(() => loadCatalog(broken(mcusJson, (d) => { d.mcus[1].core = 'cortex-m99'; })), /mcus\[1\]\.core/);
  rejects(() => loadCatalog(broken(mcusJson, (d) => { d.mcus[3].largestSramKiB = 999999; })), /largestSramKiB/);
  rejects(() => loadCatalog(broken(mcusJson, (d) => { d.mcus[4].aliases.push('nrf52840'); })), /also used/);
  rejects(() => loadCatalog(broken(mcusJson, (d) => { d.mcus[5].aliases.push('cortex-m4'); })), /shadow/);
  rejects(() => loadCatalog(broken(mcusJson, (d) => { d.mcus[6].activePowerMw = { typical: 50, low: 60, high: 70, atMHz: 120 }; })), /activePowerMw/);
});

test('runtime op tables load, with sources, and broken rows fail', () => {
  assert.ok(TFLM_OPS.size >= 100);
  assert.equal(TFLM_OPS.get('CONV_2D')?.cmsisNn, true);
  assert.ok(TFLM_OPS.has('CUSTOM:ethos-u'), 'the Ethos-U op carries its registration name');
  assert.ok(CMSIS_NN_KERNELS.some((k) => k.op === 'CONV_2D' && k.activation === 'int8' && k.optimized));
  assert.ok(ESP_NN_KERNELS.some((k) => k.op === 'DEPTHWISE_CONV_2D'));
  assert.equal(VELA.ops.get('CONV_2D')?.npu, true);
  assert.ok(VELA.generic.length > 10);
  assert.ok(EDGETPU.ops.has('CONV_2D') && EDGETPU.sources.every((s) => s.includes('http')));
  rejects(() => loadTflmOps(broken(tflmJson, (d) => { d.ops[1].int8 = 'yes'; })), /ops\[1\]\.int8/);
  rejects(() => loadTflmOps(broken(tflmJson, (d) => { d.ops[2].op = d.ops[1].op; })), /duplicate/);
  rejects(() => loadVela(broken(velaJson, (d) => { delete d.ops[0].source; })), /ops\[0\]\.source/);
  rejects(() => loadEdgeTpu(broken(edgetpuJson, (d) => { d.partitioning.source = ''; })), /partitioning\.source/);
});

test('measured rows map onto catalog targets or bare cores', () => {
  assert.ok(MEASURED.rows.length >= 15);
  for (const r of MEASURED.rows) assert.ok(resolveTarget(r.target), `${r.id}: ${r.target}`);
  assert.ok(MEASURED.crossCore.length > 50);
});

test('a workspace catalog adds boards, checked like bundled rows, and cannot shadow one', () => {
  const row = {
    id: 'my-board', aliases: ['my-board-rev-b'], displayName: 'My board', vendor: 'Me', boards: 'rev B', core: 'cortex-m33',
    clockMHz: 100, sramKiB: 128, largestSramKiB: null, flashKiB: 512, fpu: 'sp', dsp: true, helium: false, npu: null,
    activePowerMw: null, notes: '', source: 'datasheet rev 3, table 5',
  };
  const merged = withUserTargets({ mcus: [row] }, 'tinyml-targets.json');
  assert.equal(resolveTarget('my-board-rev-b', merged)?.mcu?.clockMHz, 100);
  assert.equal(merged.length, CATALOG.length + 1);
  assert.throws(() => withUserTargets({ mcus: [{ ...row, aliases: ['nucleo-l4r5zi'] }] }, 'tinyml-targets.json'), /already the bundled target stm32l4r5zi/);
  assert.throws(() => withUserTargets({ mcus: [{ ...row, source: '' }] }, 'tinyml-targets.json'), /tinyml-targets\.json: \$\.mcus\[0\]\.source/);
});
