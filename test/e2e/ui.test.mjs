// The extension as a user sees it: the packaged .vsix installed into code-server, the workbench driven through
// headless Chromium. Asserts on the DOM (Problems panel rows, hover text, status bar, the webview's figures) and saves
// screenshots to .artifacts/e2e/. Every wait is a DOM condition with a deadline; nothing sleeps.
//   run by test/e2e/run.sh (needs CODE_SERVER, E2E_DRIVER_MODULES, VSIX)
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, explorerRow as explorerRowOf, installVsix, launchBrowser, prepareRun, runCommand as runPaletteCommand, startCodeServer, until } from './lib.mjs';

const T = 60_000;
const port = Number(process.env.E2E_UI_PORT ?? 18094);
let server, browser, page;
const timings = {};
/** Console lines of every frame (the webview's included), for the CSP check. */
const consoleLines = [];

before(async () => {
  const run = prepareRun('ui');
  installVsix(run, process.env.VSIX ?? path.join(import.meta.dirname, '..', '..', 'tinyml-lens.vsix'));
  server = await startCodeServer(run, port);
  browser = await launchBrowser(run);
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('console', (m) => consoleLines.push(m.text()));
  const t0 = Date.now();
  await page.goto(`${server.url}/?folder=${encodeURIComponent(run.workspace)}`);
  await explorerRow('kws.tinyml.yaml').waitFor({ timeout: T });
  timings.workbenchMs = Date.now() - t0;
});

after(async () => {
  if (page) await page.screenshot({ path: path.join(ARTIFACTS, 'final.png') }).catch(() => {});
  await browser?.close();
  await server?.stop();
  console.log(`TIMINGS ${JSON.stringify(timings)}`);
});

const explorerRow = (name) => explorerRowOf(page, name);
const hoverWidget = () => page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();

async function openFile(name, firstLine) {
  await explorerRow(name).click();
  await page.locator('.monaco-editor .view-lines', { hasText: firstLine }).first().waitFor({ timeout: T });
}

/** Where `needle` is on screen, inside the editor line containing `line` (measured in the page, not guessed). */
async function pointOf(line, needle) {
  await page.locator('.monaco-editor .view-line', { hasText: line }).first().waitFor({ timeout: T });
  return page.evaluate(([lineText, word]) => {
    for (const el of document.querySelectorAll('.monaco-editor .view-line')) {
      if (!el.textContent.replace(/\u00a0/g, ' ').includes(lineText)) continue;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.textContent.replace(/\u00a0/g, ' ').indexOf(word);
        if (i < 0) continue;
        const r = document.createRange();
        r.setStart(n, i + 1);
        r.setEnd(n, i + 2);
        const b = r.getBoundingClientRect();
        return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      }
    }
    return null;
  }, [line, needle]);
}

/**
 * Hovers `needle` until the hover widget shows. Lenses and inlay hints arriving after the mouse moved shift the text
 * under it, so the position is re-measured and the move repeated until the widget appears (or the deadline passes).
 */
async function hoverOn(line, needle) {
  const end = Date.now() + T;
  for (;;) {
    const point = await pointOf(line, needle);
    assert.ok(point, `'${needle}' on the line '${line}' is visible`);
    await page.mouse.move(point.x, point.y);
    const shown = await hoverWidget().waitFor({ timeout: 5000 }).then(() => true, () => false);
    if (shown) return;
    if (Date.now() > end) throw new Error(`no hover over '${needle}'`);
    await page.mouse.move(2, 300);
  }
}

async function closeHover() {
  await page.mouse.move(2, 300);
  await page.keyboard.press('Escape');
  await page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first().waitFor({ state: 'hidden', timeout: T }).catch(() => {});
}

const runCommand = (title) => runPaletteCommand(page, title, T);

test('an over-budget manifest: squiggle, Problems panel entry with its code, red status bar item', async () => {
  const t0 = Date.now();
  await openFile('over-budget.tinyml.yaml', 'budgets');
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: T });
  timings.firstDiagnosticMs = Date.now() - t0;
  await page.locator('[id="status.problems"]').click();
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'ram-over-budget' }).first();
  await row.waitFor({ timeout: T });
  assert.match(await row.innerText(), /tinyml-lens/);
  assert.match(await row.locator('.marker-message').innerText(), /KiB/);
  const status = page.locator('.statusbar-item', { hasText: 'nrf52840 · RAM' }).first();
  await status.waitFor({ timeout: T });
  assert.match(await status.innerText(), /nrf52840 · RAM \d+%/);
  const red = await status.evaluate((e) => e.classList.contains('error-kind') || getComputedStyle(e).backgroundColor !== 'rgba(0, 0, 0, 0)');
  assert.ok(red, 'the status bar item is red when over budget');
  await page.screenshot({ path: path.join(ARTIFACTS, 'problems.png') });
  await page.keyboard.press('Control+Shift+M'); // close the panel again
});

test('hover on a budget shows the need against the budget', async () => {
  await openFile('kws.tinyml.yaml', 'budgets');
  // The summary lens above model: comes with the analysis; once it is there the lines stop moving.
  await page.locator('.monaco-editor .codelens-decoration', { hasText: 'RAM' }).first().waitFor({ timeout: T });
  await hoverOn('ram: 64KiB', '64KiB');
  const hover = hoverWidget();
  await page.locator('.monaco-hover-content', { hasText: 'RAM' }).first().waitFor({ timeout: T });
  assert.match(await hover.innerText(), /KiB/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'hover.png') });
  await closeHover();
});

test('Open Model Listing shows the layers; a row has a hover', async () => {
  await runCommand('TinyML: Open Model Listing');
  await page.locator('.monaco-editor .view-lines', { hasText: 'DEPTHWISE_CONV_2D' }).first().waitFor({ timeout: T });
  await page.locator('.tab', { hasText: '.listing' }).first().waitFor({ timeout: T });
  await page.screenshot({ path: path.join(ARTIFACTS, 'listing.png') });
  await hoverOn('DEPTHWISE_CONV_2D', 'DEPTHWISE_CONV_2D');
  assert.ok((await hoverWidget().innerText()).trim().length > 0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'listing-hover.png') });
  await closeHover();
});

test('Show Cost Profile renders the figures and three charts in the webview', async () => {
  await openFile('kws.tinyml.yaml', 'budgets');
  await runCommand('TinyML: Show Cost Profile');
  await page.locator('.tab', { hasText: 'Cost Profile' }).first().waitFor({ timeout: T });
  const outer = page.locator('iframe.webview.ready').first();
  await outer.waitFor({ timeout: T });
  const view = page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
  await view.locator('#cloud-latency').waitFor({ timeout: T });
  assert.match(await view.locator('#tinyml-latency').innerText(), /\d+(\.\d+)? (ms|us|s)$/);
  assert.match(await view.locator('#cloud-latency').innerText(), /\d/);
  assert.match(await view.locator('#cloud-monthly').innerText(), /^\$/);
  assert.match(await view.locator('#crossover').innerText(), /^Crossover: /);
  assert.equal(await view.locator('canvas').count(), 3);
  assert.ok(await view.locator('#assumption-table tbody tr').count() >= 20, 'every assumption is listed');
  // The webview's console reaches consoleLines (so a CSP violation would too): prove it, then check there was none.
  await view.locator('body').evaluate(() => console.log('tinyml-lens console probe'));
  await until('the webview console probe', T, () => consoleLines.includes('tinyml-lens console probe'));
  assert.deepEqual(consoleLines.filter((l) => /Content Security Policy|Refused to (load|apply|execute)/i.test(l)), [], 'the page runs within its CSP');
  await outer.screenshot({ path: path.join(ARTIFACTS, 'cost-profile-webview.png') });
  await page.screenshot({ path: path.join(ARTIFACTS, 'cost-profile.png') });
  await view.locator('#chart-fleet').scrollIntoViewIfNeeded();
  await outer.screenshot({ path: path.join(ARTIFACTS, 'cost-profile-charts.png') });
  await view.locator('h1').scrollIntoViewIfNeeded();

  // "Edit" on an assumption adds it to the manifest's cloud: section; the page follows the unsaved edit.
  const rtt = view.locator('#assumption-table tr:has(code:text-is("rtt"))');
  await rtt.locator('button').click();
  await page.locator('.monaco-editor .view-line', { hasText: 'rtt: 150ms' }).first().waitFor({ timeout: T });
  await rtt.locator('.set').waitFor({ timeout: T });
  await runCommand('File: Revert File');
});

test('Select Target lists the catalog boards with specs and a fit verdict', async () => {
  await openFile('kws.tinyml.yaml', 'budgets');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: T });
  await input.fill('>TinyML: Select Target');
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'TinyML: Select Target' }).first().waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'efr32mg24' }).first();
  await row.waitFor({ timeout: T });
  assert.match(await row.innerText(), /fits/);
  assert.match(await row.innerText(), /KiB/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'select-target.png') });
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
});

/**
 * The colour of `token` on the editor line containing `line`: the span whose text it is, else the span containing it
 * (the editor merges neighbouring tokens of one colour into one span: `64KiB`, a whole comment).
 */
async function tokenColour(line, token) {
  await page.locator('.monaco-editor .view-line', { hasText: line }).first().waitFor({ timeout: T });
  return page.evaluate(([lineText, word]) => {
    for (const el of document.querySelectorAll('.monaco-editor .view-line')) {
      if (!el.textContent.replace(/\u00a0/g, ' ').includes(lineText)) continue;
      const spans = [...el.querySelectorAll('span span')];
      const text = (s) => s.textContent.replace(/\u00a0/g, ' ');
      const span = spans.find((s) => text(s).trim() === word) ?? spans.find((s) => text(s).includes(word));
      if (span) return getComputedStyle(span).color;
    }
    return null;
  }, [line, token]);
}

test('a manifest is highlighted: keys, values, numbers and units, comments in the theme colours', async () => {
  await openFile('kws.tinyml.yaml', 'budgets');
  const colours = {
    comment: await tokenColour('# Fixture', '#'),
    key: await tokenColour('model: kws.tflite', 'model'),
    value: await tokenColour('model: kws.tflite', 'kws.tflite'),
    number: await tokenColour('ram: 64KiB', '64'),
    unit: await tokenColour('ram: 64KiB', 'KiB'),
    integer: await tokenColour('inferences_per_day: 1440', '1440'),
  };
  for (const [what, colour] of Object.entries(colours)) assert.ok(colour, `a ${what} token is on screen`);
  // Each kind has its own colour, unlike plain text.
  assert.equal(new Set([colours.comment, colours.key, colours.value, colours.number]).size, 4, JSON.stringify(colours));
  assert.equal(colours.integer, colours.number);
  if ((process.env.E2E_THEME ?? 'Default Dark Modern') === 'Default Dark Modern') {
    // The YAML scope names take the theme's YAML colours (Dark Modern: comment, tag, string, number).
    assert.deepEqual(colours, {
      comment: 'rgb(106, 153, 85)', key: 'rgb(86, 156, 214)', value: 'rgb(206, 145, 120)',
      number: 'rgb(181, 206, 168)', unit: 'rgb(181, 206, 168)', integer: 'rgb(181, 206, 168)',
    });
  }
  await page.screenshot({ path: path.join(ARTIFACTS, 'manifest-highlighting.png') });
});

test('Ctrl+/ comments a manifest line out and back in; breadcrumbs follow the cursor into a section', async () => {
  await openFile('kws.tinyml.yaml', 'budgets');
  const point = await pointOf('runtime: tflm-cmsis-nn', 'tflm');
  await page.mouse.click(point.x, point.y);
  await page.keyboard.press('Control+/');
  await page.locator('.monaco-editor .view-line', { hasText: '# runtime: tflm-cmsis-nn' }).first().waitFor({ timeout: T });
  await page.keyboard.press('Control+/');
  await page.locator('.monaco-editor .view-line', { hasText: '# runtime: tflm-cmsis-nn' }).first().waitFor({ state: 'detached', timeout: T });
  const ram = await pointOf('ram: 64KiB', '64KiB');
  await page.mouse.click(ram.x, ram.y);
  const crumbs = page.locator('.monaco-breadcrumbs', { hasText: 'budgets' }).first();
  await crumbs.waitFor({ timeout: T });
  assert.match(await crumbs.innerText(), /budgets[\s\S]*ram/);
  await runCommand('File: Revert File');
});
