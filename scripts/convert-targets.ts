/**
 * Converts the shared fact tables (../shared/data/*.tsv) into the project's own data files under
 * server/src/targets/data/. Run by hand when the shared facts change:
 *
 *   node --import tsx scripts/convert-targets.ts [../shared/data]
 *
 * The MCU rows need judgement (free-text cells such as "1.4 MB (bosch sysdesc) / 1.19 MB (ST sysdesc)"), so the
 * numbers are curated here per row and checked against the row's text: a curated figure that does not appear in the
 * source row stops the conversion. Every output row keeps the source of the row it came from.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { factsTable } from './facts.ts';
import { MCU_CURATION } from './mcu-curation.ts';

const shared = resolve(process.argv[2] ?? join(__dirname, '../../shared/data'));
const out = resolve(__dirname, '../server/src/targets/data');

function tsv(name: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(shared, name), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const cols = head!.split('\t');
  return lines.map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(cols.map((c, i) => [c, (cells[i] ?? '').trim()]));
  });
}

function write(name: string, doc: unknown): void {
  writeFileSync(join(out, name), `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`wrote ${name}`);
}

// --- MCUs --------------------------------------------------------------------------------------------------------
const mcuRows = tsv('mcus.tsv');
const mcus = MCU_CURATION.map((c) => {
  const row = mcuRows.find((r) => r.name === c.name);
  if (!row) throw new Error(`mcus.tsv has no row '${c.name}'`);
  const text = Object.values(row).join(' ');
  for (const n of [c.clockMHz, c.sramKiB, c.largestSramKiB, c.flashKiB, c.activePowerMw?.low, c.activePowerMw?.high]) {
    // Some rows give MB where the catalog keeps KiB.
    if (n != null && !text.includes(String(n)) && !text.includes(`${n / 1024} MB`)) throw new Error(`${c.name}: curated figure ${n} not in the source row`);
  }
  return {
    ...c,
    name: undefined,
    displayName: c.name,
    vendor: row.vendor,
    boards: row.example_boards,
    notes: [row['sram_notes(largest contiguous/TCM)'], row.notes].filter((s) => s).join('; '),
    source: row.sources,
  };
});
// RAM regions (issue 10): the contiguous ranges a linker can give the arena, per part, from scripts/facts/ram-regions.tsv.
const regionRows = factsTable('ram-regions.tsv');
for (const r of regionRows) {
  if (!mcus.some((m) => m.id === r.target)) throw new Error(`ram-regions.tsv: '${r.target}' is not a catalog id`);
  if (!r.source || !(Number(r.kiB) > 0)) throw new Error(`ram-regions.tsv: incomplete row ${r.target} ${r.region}`);
}
const withRegions = mcus.map((m) => {
  const rows = regionRows.filter((r) => r.target === m.id);
  if (rows.length === 0) return m;
  return { ...m, ramRegions: rows.map((r) => ({ name: r.region, kiB: Number(r.kiB), kind: r.kind, banks: r.banks, board: r.board || null, source: r.source })) };
});
write('mcus.json', { from: 'shared/data/mcus.tsv, scripts/facts/ram-regions.tsv', mcus: withRegions });

// --- TFLM operator table --------------------------------------------------------------------------------------------
// The table names the Ethos-U op after its resolver method; models (Vela's output) carry the registration string.
const CUSTOM_CODES: Record<string, string> = { ETHOSU: 'ethos-u' };
const yes = (s: string | undefined): boolean | null => (s === 'yes' ? true : s === 'no' ? false : null);
write('ops-tflm.json', {
  from: 'shared/data/ops_tflm.tsv',
  ops: tsv('ops_tflm.tsv').map((r) => ({
    op: r.op_kind === 'custom' ? `CUSTOM:${CUSTOM_CODES[r.op_name!] ?? r.op_name}` : r.op_name,
    kind: r.op_kind,
    float32: yes(r.supports_float32),
    int8: yes(r.supports_int8),
    int16: yes(r.supports_int16x8_or_int16),
    types: r.types_detail,
    cmsisNn: r.cmsis_nn_optimized === 'yes',
    espNn: r.esp_nn_optimized === 'yes',
    vela: r['vela_3.10_npu_supported'] === 'yes',
    source: r.source,
  })),
});

// --- CMSIS-NN kernels per (op, activation type, weight type) ---------------------------------------------------------
// A kernel cell marked '(non-broadcast only ...)' is called only when the inputs' shapes match (TFLM asks
// reference_ops::ProcessBroadcastShapes and runs the reference BroadcastAdd4DSlow / BroadcastMul4DSlow otherwise):
// the row becomes optimized with the condition 'no-broadcast'. Corrections of the shared table, each with its source:
const TFLM_90B = 'tensorflow/tflite-micro@90b983c2b3f1480642e040bbd2ddb37b998f3424';
const CMSIS_CORRECTIONS: Record<string, { optimized: boolean; source: string }> = {
  // The shared row says 'no (reference)' though its own kernel cell names the function TFLM calls.
  'ADD|int8': {
    optimized: true,
    source: `${TFLM_90B}: tensorflow/lite/micro/kernels/cmsis_nn/add.cc EvalAddQuantizedInt8 calls arm_elementwise_add_s8 when ProcessBroadcastShapes finds no broadcast`,
  },
};
write('ops-cmsis-nn.json', {
  from: 'shared/data/ops_cmsisnn.tsv',
  kernels: tsv('ops_cmsisnn.tsv').flatMap((r) =>
    r.tflm_op!.split(' / ').map((op) => {
      const fix = CMSIS_CORRECTIONS[`${op}|${r.activation_type}`];
      const cell = r.kernel_called_in_tflm_cmsis_nn_dir!;
      const noBroadcast = cell.includes('(non-broadcast only');
      return {
        op,
        activation: r.activation_type,
        weights: r.weight_type,
        function: noBroadcast ? cell.split(' (')[0] : cell,
        optimized: fix?.optimized ?? r.optimized_in_tflm_build === 'yes',
        condition: noBroadcast ? 'no-broadcast' : null,
        helium: r['MVE_Helium(M55/M85)'] === 'Yes',
        source: [r.source_tflm, r.source_cmsis_nn_table, fix?.source].filter((s) => s).join('; '),
      };
    }),
  ),
});

// --- ESP-NN kernels ---------------------------------------------------------------------------------------------------
write('ops-esp-nn.json', {
  from: 'shared/data/ops_espnn.tsv',
  kernels: tsv('ops_espnn.tsv').map((r) => ({
    op: r.tflm_op,
    activation: r.activation_type,
    function: r.esp_nn_function,
    notes: r.notes,
    source: r.source,
  })),
});

// --- Vela (Ethos-U) ---------------------------------------------------------------------------------------------------
const vela = tsv('ops_vela.tsv');
const split = (s: string | undefined): string[] => (s ?? '').split(' ; ').map((x) => x.trim()).filter((x) => x);
const generic = vela.find((r) => r.op!.startsWith('GENERIC'));
if (!generic) throw new Error('ops_vela.tsv: no GENERIC row');
write('ops-vela.json', {
  from: 'shared/data/ops_vela.tsv',
  generic: { constraints: split(generic['specific_constraints (; separated)']), source: generic.source },
  ops: vela.filter((r) => r !== generic).map((r) => ({
    op: r.op,
    npu: r['npu_supported_vela_3.10.0'] === 'yes',
    constraints: split(r['specific_constraints (; separated)']),
    source: r.source,
  })),
});

// --- Measured latency and energy (the cost model's calibration and check) -----------------------------------------
// Only rows whose software is TFLM with one of the modelled kernel sets map onto a runtime here; vendor engines
// (X-CUBE-AI, Plumerai, HALE, ONNC, microTVM) and accelerators run other code and are left out.
const STACKS: Record<string, string> = {
  'TFLM v2.3.1 + CMSIS-NN (setup_example.sh TAGS=cmsis-nn)': 'tflm-cmsis-nn',
  'TFLM + CMSIS(-NN)': 'tflm-cmsis-nn',
  'TFLM 2.3.1': 'tflm-reference',
};
const BOARDS: Record<string, { target: string; core?: string }> = {
  'Nucleo-L4R5ZI': { target: 'stm32l4r5zi' },
  'EK-RA6M4': { target: 'ra6m4' },
  // Not in the catalog: a bare core at the row's clock. RV32IMAC with FPU; the closest modelled core is rv32imc.
  'PCL Scepu02': { target: 'rv32imc', core: 'rv32imc' },
};
const MODEL_FILES: Record<string, string> = {
  kws: 'mlc_kws_ref_model_int8.tflite',
  vww: 'mlc_vww_96_int8.tflite',
  ic: 'mlc_pretrainedResnet_quant.tflite',
  ad: 'mlc_ad01_int8.tflite',
};
const measured: object[] = [];
for (const r of tsv('mlperf_tiny.tsv')) {
  const runtime = STACKS[r.software_stack!];
  const board = BOARDS[r.board!];
  if (r.division !== 'closed' || !runtime || !board || r.accelerator) continue;
  const clock = Number(/([\d.]+)\s*MHz/i.exec(r.clock!)?.[1]);
  if (!Number.isFinite(clock)) throw new Error(`mlperf_tiny.tsv: unreadable clock '${r.clock}'`);
  measured.push({
    id: `mlperf-${r.round}-${r.submitter}-${r.board}-${r.benchmark}`.toLowerCase().replace(/[^a-z0-9.]+/g, '-'),
    model: MODEL_FILES[r.benchmark!],
    target: board.target,
    clockMHz: clock,
    runtime,
    latencyMs: Number(r.latency_ms),
    energyUj: r.energy_uJ_per_inf ? Number(r.energy_uJ_per_inf) : null,
    notes: `MLPerf Tiny v${r.round} ${r.submitter}, ${r.software_stack}`,
    source: r.source,
  });
}
// Model-level figures from kernel_perf.tsv (free text there, so transcribed here with the row's source).
const perf = tsv('kernel_perf.tsv');
const espRow = perf.find((r) => r.workload?.startsWith('person detection (VWW, int8)'));
if (!espRow || !espRow.value!.includes('S3 2300/54; ESP32 4084/380; C3 3355/426')) throw new Error('kernel_perf.tsv: ESP-NN row changed');
for (const [target, clockMHz, ref, opt] of [['esp32s3', 240, 2300, 54], ['esp32', 240, 4084, 380], ['esp32c3', 160, 3355, 426]] as const) {
  for (const [runtime, ms] of [['tflm-reference', ref], ['tflm-esp-nn', opt]] as const) {
    measured.push({
      id: `esp-nn-readme-${target}-${runtime}`,
      model: 'tflm_person_detect.tflite',
      target,
      clockMHz,
      runtime,
      latencyMs: ms,
      energyUj: null,
      notes: `esp-nn README person detection, TFLM ${runtime === 'tflm-esp-nn' ? 'with' : 'without'} ESP-NN (${espRow.notes})`,
      source: espRow.source,
    });
  }
}
const f767 = perf.find((r) => r.core_or_target?.startsWith('STM32F767ZI @216MHz'));
if (!f767 || !f767.value!.includes('393753 us (TFLM)')) throw new Error('kernel_perf.tsv: STM32F767 row changed');
measured.push({
  id: 'one-7598-stm32f767zi-person-detect', model: 'tflm_person_detect.tflite', target: 'stm32f767zi', clockMHz: 216,
  runtime: 'tflm-cmsis-nn', latencyMs: 393.753, energyUj: null,
  notes: 'user measurement, TFLM person_detection with CMSIS-NN; tensor arena in external SDRAM (slower than SRAM)',
  source: f767.source,
});
// Results collected for this project from public sources the shared tables do not cover (scripts/facts/, one source
// per row): MLPerf Tiny rounds after v1.1 with TFLM. Latency is 1000 / the median throughput the run logged.
for (const r of factsTable('measured-collected.tsv')) {
  const throughput = Number(r.throughputInfPerS);
  if (!(throughput > 0) || !r.source || !r.model || !r.target) throw new Error(`scripts/facts/measured-collected.tsv: incomplete row ${r.id}`);
  measured.push({
    id: r.id, model: r.model, target: r.target, clockMHz: Number(r.clockMHz), runtime: r.runtime,
    latencyMs: Number((1000 / throughput).toPrecision(6)), energyUj: null, notes: r.notes, source: r.source,
  });
}
// Relative core speed: the same vendor engine (same code generator, same round) on boards with different cores. The
// engines are not TFLM, but the ratio between cores running identical code is what the cost model's core factors need.
const ENGINES = new Set(['Bosch HALE (vendor code generator)', 'Plumerai Inference Engine (vendor)', 'ST X-CUBE-AI (vendor)']);
const CORE_OF_PROCESSOR: [RegExp, string][] = [[/M0\+/, 'cortex-m0plus'], [/M33/, 'cortex-m33'], [/M7/, 'cortex-m7'], [/M4/, 'cortex-m4f']];
const crossCore: object[] = [];
for (const r of tsv('mlperf_tiny.tsv')) {
  if (r.division !== 'closed' || !ENGINES.has(r.software_stack!) || r.accelerator) continue;
  const core = CORE_OF_PROCESSOR.find(([re]) => re.test(r.processor!))?.[1];
  const clock = Number(/([\d.]+)\s*MHz/i.exec(r.clock!)?.[1]);
  if (!core || !Number.isFinite(clock)) throw new Error(`mlperf_tiny.tsv: cannot place ${r.processor} / ${r.clock}`);
  crossCore.push({
    engine: r.software_stack, round: r.round, submitter: r.submitter, board: r.board, core, clockMHz: clock,
    benchmark: r.benchmark, latencyMs: Number(r.latency_ms), source: r.source,
  });
}
write('measured.json', { from: 'shared/data/mlperf_tiny.tsv, shared/data/kernel_perf.tsv, scripts/facts/measured-collected.tsv', rows: measured, crossCore });
