// The model viewer as a user meets it: the packaged .vsix in code-server, a .tflite clicked in the Explorer opens the
// custom editor, and the webview's DOM is asserted (summary, layer table, arena plan, operator graph, pickers, compare
// mode, a corrupt model's located error, a live theme change). Screenshots go to .artifacts/e2e/viewer-*.png. Every
// wait is a DOM condition with a deadline; nothing sleeps.
//   run by test/e2e/run.sh (needs CODE_SERVER, E2E_DRIVER_MODULES, VSIX)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, explorerRow as explorerRowOf, installVsix, launchBrowser, prepareRun, runCommand as runPaletteCommand, startCodeServer, until } from './lib.mjs';

const T = 60_000;
/** The first viewer waits for the extension to activate and the language server to start (a loaded machine is slow). */
const FIRST = 180_000;
const port = Number(process.env.E2E_VIEWER_PORT ?? 18095);
let server, browser, page, run;
const consoleLines = [];

before(async () => {
  run = prepareRun('viewer');
  // A model cut short: the viewer must show where it breaks, never a blank page.
  const kws = fs.readFileSync(path.join(run.workspace, 'kws.tflite'));
  fs.writeFileSync(path.join(run.workspace, 'cut.tflite'), kws.subarray(0, 300));
  installVsix(run, process.env.VSIX ?? path.join(import.meta.dirname, '..', '..', 'tinyml-lens.vsix'));
  server = await startCodeServer(run, port);
  browser = await launchBrowser(run);
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(T);
  page.on('console', (m) => consoleLines.push(m.text()));
  await page.goto(`${server.url}/?folder=${encodeURIComponent(run.workspace)}`);
  await explorerRow('kws.tflite').waitFor({ timeout: T });
  // A file clicked before the workbench has read the extension's contributions opens in the text editor: wait until
  // the palette lists the viewer's command (the contributions are known). The palette computes its list when it
  // opens, so it is opened again until the command is there.
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'TinyML: Open in Model Viewer' }).first();
  await until('the viewer command in the palette', FIRST, async () => {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: T });
    await input.fill('>TinyML: Open in Model Viewer');
    const listed = await row.waitFor({ timeout: 2000 }).then(() => true, () => false);
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
    return listed;
  });
});

after(async () => {
  if (page) await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-final.png') }).catch(() => {});
  await browser?.close();
  await server?.stop();
});

const explorerRow = (name) => explorerRowOf(page, name);
/** The active custom editor's page (the webview's inner frame). */
const view = () => page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');

const runCommand = (title) => runPaletteCommand(page, title, T);

/** Preferences: Color Theme, then the theme by name (as a user switches themes while the viewer is open). */
async function pickTheme(theme) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: T });
  await input.fill('>Preferences: Color Theme');
  const command = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: /^Preferences: Color Theme/ }).first();
  await command.waitFor({ timeout: T });
  await command.click();
  try {
    // The picker lists themes by label ('Light Modern'; the setting's value is 'Default Light Modern').
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: theme }).first();
    await row.waitFor({ timeout: T });
    await row.click();
  } catch (e) {
    await shot('viewer-theme-picker-failed');
    throw e;
  }
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
}

async function openModel(name, deadline = T) {
  await runCommand('View: Close All Editors');
  await page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: T }).catch(() => {});
  await explorerRow(name).click();
  try {
    await page.locator('.tab', { hasText: name }).first().waitFor({ timeout: deadline });
    await page.locator('iframe.webview.ready').first().waitFor({ timeout: deadline });
  } catch (e) {
    await shot(`viewer-open-failed-${name}`);
    throw e;
  }
}

async function shot(name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

test('clicking a .tflite opens the viewer: summary to the byte, the layer table, keyboard selection', async () => {
  await openModel('kws.tflite', FIRST);
  const v = view();
  await v.locator('#summary-arena').waitFor({ timeout: FIRST });
  assert.match(await v.locator('#summary-arena').innerText(), /^[\d,]+ B \([\d.]+ KiB\)/);
  assert.match(await v.locator('#summary-macs').innerText(), /\d/);
  assert.equal(await v.locator('#layer-table [role="columnheader"]').first().innerText(), '# ▲');
  assert.ok(await v.locator('#layer-table-body [role="row"]').count() >= 10, 'one row per operator');
  assert.equal(await v.locator('#layer-table-body .grid-row.peak').count(), 1, 'the peak layer is marked');
  // Keyboard: the grid takes the focus, arrows move, Enter selects.
  await v.locator('#layer-table-body').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await until('the selected layer', T, async () => /layer 2 /.test(await v.locator('#selected-layer').innerText()));
  // Sorting by MACs puts the largest first.
  await v.locator('#layer-table [role="columnheader"] button', { hasText: 'MACs' }).click();
  assert.equal(await v.locator('#layer-table [aria-sort="descending"]').count(), 1);
  await shot('viewer-layers');
});

test('the arena plan: every buffer drawn, the peak step named, hover names a tensor', async () => {
  const v = view();
  await v.locator('#tab-plan').click();
  await v.locator('#plan-canvas').waitFor({ timeout: T });
  assert.match(await v.locator('#plan-caption').innerText(), /^\d+ planned buffers, .* the peak is at step \d+ \(/);
  const box = await v.locator('#plan-canvas').boundingBox();
  assert.ok(box && box.width > 300 && box.height > 200);
  // Hover the lowest row of the plan from left to right until a buffer answers (measured, not guessed).
  let tip = '';
  for (let x = 80; x < box.width && !tip; x += 20) {
    await page.mouse.move(box.x + x, box.y + box.height - 40);
    if (await v.locator('#plan-tooltip').isVisible()) tip = await v.locator('#plan-tooltip').innerText();
  }
  assert.match(tip, /: [\d.]+ (B|KiB) at offset [\d,]+, live from step \d+/);
  // Keyboard: focus the plan and step through buffers; the description is announced.
  await v.locator('#plan-canvas').focus();
  await page.keyboard.press('ArrowRight');
  assert.match(await v.locator('#plan-live').innerText(), /at offset/);
  await shot('viewer-plan');
});

test('the operator graph is laid out when its tab opens, with a node per operator', async () => {
  const v = view();
  assert.equal(await v.locator('#graph-box svg').count(), 0, 'nothing is laid out before the tab opens');
  await v.locator('#tab-graph').click();
  await v.locator('#graph-box svg g.node').first().waitFor({ timeout: T });
  const ops = await v.locator('#graph-box svg g.node.op').count();
  assert.ok(ops >= 10);
  assert.equal(await v.locator('#graph-box svg g.node.input').count(), 1);
  assert.ok(await v.locator('#graph-box svg path.edge').count() >= ops);
  await v.locator('#graph-box svg g.node.op').first().focus();
  await page.keyboard.press('Enter');
  await until('the graph selects a layer', T, async () => /Selected: layer \d+ CONV_2D/.test(await v.locator('#selected-layer').innerText()));
  await shot('viewer-graph');
  await v.locator('#tab-io').click();
  assert.match(await v.locator('#io-table').innerText(), /q = clamp\(round\(x \/ [\d.e-]+\) \+ \(?-?\d+\)?, -128, 127\)/);
  await shot('viewer-io');
});

test('the pickers re-render: a target adds the latency', async () => {
  const v = view();
  await v.locator('#tab-layers').click();
  await v.locator('#target').selectOption('nrf52840');
  await until('the latency on the target', T, async () => /\d+(\.\d+)? (ms|us|s)/.test(await v.locator('#summary-latency').innerText()));
  assert.match(await v.locator('#label-latency').innerText(), /nrf52840/i);
  const before = await v.locator('#summary-arena').innerText();
  await v.locator('#runtime').selectOption('tflm-reference');
  await until('the runtime picker applied', T, async () => (await v.locator('#runtime').inputValue()) === 'tflm-reference' && (await v.locator('#summary-arena').innerText()) !== before);
});

test('compare mode: two runtimes layer by layer, then another model whose graph differs', async () => {
  const v = view();
  await v.locator('#compare-runtime').click();
  await v.locator('#compare-table').waitFor({ timeout: T });
  assert.match(await v.locator('#compare-verdict').innerText(), /^Same graph: the \d+ layers match/);
  assert.equal(await v.locator('#tab-compare').getAttribute('aria-selected'), 'true');
  await shot('viewer-compare');
  await v.locator('#compare-model').click();
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'sine.tflite' }).first();
  await row.waitFor({ timeout: T });
  await row.click();
  await until('the second model', T, async () => /sine\.tflite/.test(await v.locator('#compare-title').innerText()));
  assert.match(await v.locator('#compare-verdict').innerText(), /^The graphs differ: \d+ of \d+ rows, first at layer 0/);
  await v.locator('#compare-close').click();
  await v.locator('#tab-compare').waitFor({ state: 'detached', timeout: T });
});

test('a theme change applies live: the page colours and the plan follow', async () => {
  const v = view();
  await v.locator('#tab-plan').click();
  await v.locator('#plan-canvas').waitFor({ timeout: T });
  const colour = () => v.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
  const pixels = () => v.locator('#plan-canvas').evaluate((c) => c.toDataURL());
  const [bg, plan] = [await colour(), await pixels()];
  await pickTheme('Light Modern');
  try {
    await until('the light theme in the webview', T, async () => (await colour()) !== bg);
    await until('the plan redrawn', T, async () => (await pixels()) !== plan);
    await shot('viewer-plan-light');
  } finally {
    await pickTheme('Dark Modern');
  }
  await until('the dark theme back', T, async () => (await colour()) === bg);
});

test('a truncated model shows its located error, and the page ran within its CSP', async () => {
  await openModel('cut.tflite');
  const v = view();
  await v.locator('#viewer-error').waitFor({ timeout: T });
  assert.match(await v.locator('#viewer-error h1').innerText(), /^Cannot show cut\.tflite$/);
  assert.match(await v.locator('#error-message').innerText(), /offset \d+/);
  assert.match(await v.locator('#error-offset').innerText(), /^[\d,]+$/);
  await shot('viewer-error');
  await v.locator('body').evaluate(() => console.log('tinyml-lens viewer console probe'));
  await until('the webview console probe', T, () => consoleLines.includes('tinyml-lens viewer console probe'));
  assert.deepEqual(consoleLines.filter((l) => /Content Security Policy|Refused to (load|apply|execute)/i.test(l)), [], 'the page runs within its CSP');
});
