/**
 * The memory replay with 4-byte enums (`Abi` 'int-enum', chosen for non-Arm targets) against what TFLM itself
 * reported on the rig's Xtensa lx106 reference build (tools/tflm-harness, Xtensa section; Debian's xtensa-lx106-elf GCC
 * makes enums 4 bytes, as the RISC-V psABI does): the shared, builder and sweep models' arena figures (used, head,
 * tail, and the minimum where measured) and each node's Prepare. A second ISA where 'int-enum' must hold, measured
 * after that ABI was written; its rows must also differ from the Arm ones, so the check can tell the ABIs apart.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analysed, checkRows } from '../measured/enum-abi.js';
import { checkPrepRow, measuredTable, RIG_MODEL_COLUMNS, RIG_PREP_COLUMNS } from '../measured/table.js';

/** The RV32 rows' note (tflm-measured-rv32.test.ts): sine_float was measured as an earlier file. */
const NOT_REBUILT: ReadonlySet<string> = new Set(['sine_float']);

describe('TFLM measured figures with 4-byte enums (Xtensa lx106 reference build, TFLM 90b983c2b3f1)', () => {
  for (const kind of ['builder', 'sweep_models']) {
    const xt = `rig_xtensa_lx106_reference_${kind}.tsv`;
    it(`${xt}: rebuilt bytes, status and arena figures with 'int-enum'; they differ from 'arm-eabi'`, () => {
      const wide = checkRows(xt, 'xtensa-lx106', 'int-enum', NOT_REBUILT);
      assert.ok(wide.figures > 80, `rows with figures: ${wide.figures}`);
      let differ = 0;
      for (const { cells: c } of measuredTable(xt, RIG_MODEL_COLUMNS)) {
        if (NOT_REBUILT.has(c[0]!) || c[4] !== 'ok') continue;
        if (analysed(c[0]!, 'arm-eabi').report.memory.tailBytes !== Number(c[7])) differ++;
      }
      assert.ok(differ > 40, `rows whose tail 'arm-eabi' gets wrong: ${differ}`);
    });
  }
  for (const file of ['rig_xtensa_lx106_reference_builder_prep.tsv', 'rig_xtensa_lx106_reference_sweep_prep.tsv']) {
    it(`${file}: each node's scratch requests and Prepare persistent bytes with 'int-enum'`, () => {
      const rows = measuredTable(file, RIG_PREP_COLUMNS);
      assert.ok(rows.length > 100);
      for (const { cells: c, line } of rows) checkPrepRow(analysed(c[0]!, 'int-enum').report.detail.nodes, c, line);
    });
  }
});
