// Quantize to int8 as a user meets it: the packaged .vsix in code-server, the Explorer's menu offering the command on
// float models only, an int8 model refused with its reason before anything is asked, and a quantization of a large
// float model (built by the project's builder into the run's workspace) cancelled from its progress notification:
// nothing written, a message saying so. Screenshots go to .artifacts/e2e/quantize-*.png. Every wait is a DOM
// condition with a deadline; nothing sleeps, and no timing decides the outcome.
//   run by test/e2e/run.sh (needs CODE_SERVER, E2E_DRIVER_MODULES, VSIX)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, ROOT, explorerMenu, explorerRow, openWorkbench, runCommand as runPaletteCommand, until } from './lib.mjs';

const T = 60_000;
/** The first menu waits for the extension to activate and the server to read the workspace's models. */
const FIRST = 180_000;
const port = Number(process.env.E2E_QUANTIZE_PORT ?? 18096);
const QUANTIZE = 'Quantize to int8';
let wb, page;

before(async () => {
  wb = await openWorkbench({
    name: 'quantize', port, firstRow: 'big.tflite', timeout: T,
    prepare: (run) => execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'e2e', 'float-model.ts'), path.join(run.workspace, 'big.tflite')], { cwd: ROOT }),
  });
  page = wb.page;
});

after(async () => {
  if (page) await shot('quantize-final').catch(() => {});
  await wb?.browser.close();
  await wb?.server.stop();
});

const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const toast = (text) => page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();

test('the Explorer offers Quantize to int8 on float models only', async () => {
  // The menu follows the server's verdicts, which arrive after activation: wait until a float model shows it.
  await until('Quantize to int8 on sine.tflite', FIRST, async () => (await explorerMenu(page, 'sine.tflite', T)).includes(QUANTIZE));
  assert.ok((await explorerMenu(page, 'big.tflite', T)).includes(QUANTIZE), 'the other float model has it too');
  const int8 = await explorerMenu(page, 'kws.tflite', T);
  assert.ok(int8.includes('Open Model Listing'), `the int8 model's menu has the extension's entries: ${int8.join(' | ')}`);
  assert.ok(!int8.includes(QUANTIZE), 'an int8 model is not offered quantization');
});

test('the command on an int8 model says why, before asking for calibration data', async () => {
  await explorerRow(page, 'kws.tflite').click();
  await page.locator('.tab', { hasText: 'kws.tflite' }).first().waitFor({ timeout: T });
  await runPaletteCommand(page, `TinyML: ${QUANTIZE}`, T);
  await toast('Cannot quantize kws.tflite').waitFor({ timeout: T });
  assert.match(await toast('Cannot quantize kws.tflite').innerText(), /is INT8: Quantize to int8 takes a float32/);
  assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'no calibration question was asked');
  await shot('quantize-int8-refused');
  await runPaletteCommand(page, 'Notifications: Clear All Notifications', T);
});

test('cancelling a quantization from its progress notification writes nothing and says so', async () => {
  await explorerRow(page, 'big.tflite').click({ button: 'right' });
  // The menu acts on the item under the pointer when Enter is pressed (a synthetic click can land before it is armed).
  await page.locator('.context-view .monaco-menu .action-label', { hasText: QUANTIZE }).first().hover();
  await page.locator('.context-view .monaco-menu .action-item.focused', { hasText: QUANTIZE }).first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Random data' }).first().click();
  await page.locator('.quick-input-widget', { hasText: 'Range of the random inputs' }).first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  // Cancelled as soon as the notification shows the calibration running in the server's worker (the 200 sample
  // runs of the command's 100 random samples are far from done by then), so Cancel has a worker to stop.
  const progress = toast('Quantizing big.tflite to int8');
  await progress.waitFor({ timeout: T });
  await toast(/Quantizing big\.tflite to int8: calibrating: \d+ of 200 sample runs/).waitFor({ timeout: T });
  await shot('quantize-progress');
  await progress.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
  await toast('Quantization of big.tflite cancelled').waitFor({ timeout: T });
  await shot('quantize-cancelled');
  assert.match(await toast('Quantization of big.tflite cancelled').innerText(), /nothing was written/);
  await progress.waitFor({ state: 'hidden', timeout: T });
  const written = fs.readdirSync(wb.run.workspace).filter((n) => /^big_int8/.test(n));
  assert.deepEqual(written, [], 'no int8 model was written');
});
