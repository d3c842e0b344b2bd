// Convert to .tflite as a user meets it: the packaged .vsix in code-server, the Explorer's menu offering the command
// on ONNX files (not on a .tflite), a conversion beside the source through the command's questions (float32, where)
// whose file is byte-equal to what the CLI writes, the Replace dialog declined (the old file untouched) and accepted,
// a model that does not convert: the converter's message naming the node, nothing written; and an int8 conversion
// cancelled from its progress notification while it calibrates in the server's worker: nothing written. The ONNX models are
// written by test/e2e/convert-models.ts (the project's own ONNX writer). Screenshots go to
// .artifacts/e2e/convert-*.png. Every wait is a DOM condition with a deadline; nothing sleeps.
//   run by test/e2e/run.sh (needs CODE_SERVER, E2E_DRIVER_MODULES, VSIX)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, ROOT, explorerMenu, explorerRow, openWorkbench, runCommand, until } from './lib.mjs';

const T = 60_000;
/** The first menu waits for the workbench to settle after the extension's activation. */
const FIRST = 180_000;
const port = Number(process.env.E2E_CONVERT_PORT ?? 18097);
const CONVERT = 'Convert to .tflite';
let wb, page;

before(async () => {
  wb = await openWorkbench({
    name: 'convert', port, firstRow: 'net.onnx', timeout: T,
    prepare: (run) => execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'e2e', 'convert-models.ts'), run.workspace], { cwd: ROOT }),
  });
  page = wb.page;
});

after(async () => {
  if (page) await shot('convert-final').catch(() => {});
  await wb?.browser.close();
  await wb?.server.stop();
});

const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const toast = (text) => page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
const inWorkspace = (name) => path.join(wb.run.workspace, name);
const quickPickRow = (text) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
const dialog = () => page.locator('.monaco-dialog-box').first();

/** Runs the Explorer's Convert to .tflite on `name`, as a user does (the pointer on the entry, then Enter). */
async function convertFromExplorer(name) {
  const entry = page.locator('.context-view .monaco-menu .action-label', { hasText: CONVERT }).first();
  // A right-click while a webview (the model viewer) has the focus may only move the focus: open the menu until it shows.
  const menu = page.locator('.context-view .monaco-menu').first();
  const shown = (what) => what.waitFor({ timeout: 5_000 }).then(() => true, () => false);
  await until(`the Explorer menu on ${name}`, T, async () => {
    await explorerRow(page, name).click({ button: 'right' });
    if (!(await shown(menu))) return false;
    if (await shown(entry)) return true;
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: T });
    return false;
  });
  // The menu acts on the item under the pointer when Enter is pressed (a synthetic click can land before it is armed).
  await page.locator('.context-view .monaco-menu .action-label', { hasText: CONVERT }).first().hover();
  await page.locator('.context-view .monaco-menu .action-item.focused', { hasText: CONVERT }).first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
}

/** Answers the command's two questions: float32, then beside the source. */
async function answerFloatBeside() {
  await quickPickRow('float32').click();
  await page.locator('.quick-input-widget', { hasText: 'Write the .tflite model' }).first().waitFor({ timeout: T });
  await quickPickRow('Beside the source').click();
}

/** What `tinyml-lens convert` writes for the same source (the project's CLI bundle). */
function cliBytes(source) {
  const out = path.join(wb.run.dir, `cli-${path.basename(source)}.tflite`);
  fs.rmSync(out, { force: true });
  execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'convert', source, '--out', out]);
  return fs.readFileSync(out);
}

test('the Explorer offers Convert to .tflite on ONNX files, not on a .tflite; Quantize to int8 and the listing on both', async () => {
  await until(`${CONVERT} on net.onnx`, FIRST, async () => (await explorerMenu(page, 'net.onnx', T)).includes(CONVERT));
  const onnx = await explorerMenu(page, 'net.onnx', T);
  for (const entry of ['Quantize to int8', 'Open Model Listing']) assert.ok(onnx.includes(entry), `${entry} on an .onnx: ${onnx.join(' | ')}`);
  const tflite = await explorerMenu(page, 'kws.tflite', T);
  assert.ok(tflite.includes('Open Model Listing'), `the .tflite's menu has the extension's entries: ${tflite.join(' | ')}`);
  assert.ok(!tflite.includes(CONVERT), 'a .tflite is not offered conversion');
});

test('an ONNX file open in an editor has Convert to .tflite in its title bar', async () => {
  await explorerRow(page, 'net.onnx').click();
  await page.locator('.tab', { hasText: 'net.onnx' }).first().waitFor({ timeout: T });
  await page.locator(`.editor-actions .action-label[aria-label^="${CONVERT}"]`).first().waitFor({ timeout: T });
  await shot('convert-editor-title');
  await runCommand(page, 'View: Close All Editors', T);
});

test('converting beside the source writes the bytes the CLI writes, and offers the viewer', async () => {
  await convertFromExplorer('net.onnx');
  await quickPickRow('float32').waitFor({ timeout: T });
  await shot('convert-ask-type');
  await answerFloatBeside();
  const done = toast('Wrote net.tflite');
  await done.waitFor({ timeout: T });
  await shot('convert-written');
  assert.match(await done.innerText(), /float32, [\d.]+ KiB\): CONV_2D, MEAN, RESHAPE, FULLY_CONNECTED; arena [\d.]+ KiB/);
  assert.ok(await done.locator('.monaco-button', { hasText: 'Open in Model Viewer' }).count() > 0, 'the next step is offered');
  assert.deepEqual(fs.readFileSync(inWorkspace('net.tflite')), cliBytes(inWorkspace('net.onnx')));
  await done.locator('.monaco-button', { hasText: 'Open in Model Viewer' }).first().click();
  await page.locator('.tab', { hasText: 'net.tflite' }).first().waitFor({ timeout: T });
  await shot('convert-viewer');
  await runCommand(page, 'View: Close All Editors', T);
});

test('an existing file: Replace is asked first; Cancel keeps it untouched and converts nothing', async () => {
  const before = fs.readFileSync(inWorkspace('net.tflite'));
  const stamp = fs.statSync(inWorkspace('net.tflite')).mtimeMs;
  await convertFromExplorer('net.onnx');
  await answerFloatBeside();
  await dialog().waitFor({ timeout: T });
  assert.match(await dialog().innerText(), /net\.tflite already exists\. Replace it\?/);
  await shot('convert-replace-dialog');
  await dialog().locator('.monaco-button', { hasText: 'Cancel' }).first().click();
  await dialog().waitFor({ state: 'hidden', timeout: T });
  assert.equal(await page.locator('.notifications-toasts .notification-toast', { hasText: 'Converting net.onnx' }).count(), 0, 'no conversion started');
  assert.deepEqual(fs.readFileSync(inWorkspace('net.tflite')), before);
  assert.equal(fs.statSync(inWorkspace('net.tflite')).mtimeMs, stamp, 'not rewritten');
});

test('Replace writes the model again, by temporary file and rename', async () => {
  fs.writeFileSync(inWorkspace('net.tflite'), 'an older model');
  await convertFromExplorer('net.onnx');
  await answerFloatBeside();
  await dialog().waitFor({ timeout: T });
  await dialog().locator('.monaco-button', { hasText: 'Replace' }).first().click();
  await until('net.tflite replaced', T, () => fs.readFileSync(inWorkspace('net.tflite')).length > 100);
  assert.deepEqual(fs.readFileSync(inWorkspace('net.tflite')), cliBytes(inWorkspace('net.onnx')));
  assert.deepEqual(fs.readdirSync(wb.run.workspace).filter((n) => n.includes('.tmp') || n.startsWith('.net')), [], 'no temporary file left');
});

test('a model that does not convert: the converter names the node, nothing is written', async () => {
  await convertFromExplorer('bad.onnx');
  await answerFloatBeside();
  const failed = toast('Cannot convert bad.onnx');
  await failed.waitFor({ timeout: T });
  await shot('convert-unsupported');
  assert.match(await failed.innerText(), /node 'swap_axes' \(Einsum\): no TFLite mapping for Einsum/);
  assert.equal(fs.existsSync(inWorkspace('bad.tflite')), false);
});

test('an int8 conversion cancelled from its progress notification writes nothing and says so', async () => {
  await convertFromExplorer('big.onnx');
  await quickPickRow('int8').click();
  // The calibration questions are Quantize to int8's own.
  await quickPickRow('Random data').click();
  await page.locator('.quick-input-widget', { hasText: 'Range of the random inputs' }).first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'Write the .tflite model' }).first().waitFor({ timeout: T });
  await quickPickRow('Beside the source').click();
  const progress = toast('Converting big.onnx to .tflite (int8)');
  // Cancelled once the notification shows the calibration running (the 200 sample runs are far from done by then).
  await toast(/Converting big\.onnx to \.tflite \(int8\): calibrating: \d+ of 200 sample runs/).waitFor({ timeout: T });
  await shot('convert-progress');
  await progress.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
  await toast('Conversion of big.onnx cancelled').waitFor({ timeout: T });
  assert.match(await toast('Conversion of big.onnx cancelled').innerText(), /nothing was written/);
  await progress.waitFor({ state: 'hidden', timeout: T });
  assert.deepEqual(fs.readdirSync(wb.run.workspace).filter((n) => n.startsWith('big') || n.startsWith('.big')), ['big.onnx'], 'no model and no temporary file');
});
