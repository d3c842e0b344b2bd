// The code-server harness: a fresh run folder, code-server in its own process group, headless Debian Chromium through
// playwright-core (installed with the tools, outside the repo). Used by run-exthost.mjs and ui.test.mjs.
// Environment (printed by setup-tools.sh): CODE_SERVER, E2E_DRIVER_MODULES; optional CHROMIUM.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** Screenshots and logs of the run (git-ignored). */
export const ARTIFACTS = path.resolve(process.env.E2E_ARTIFACTS ?? path.join(ROOT, '.artifacts', 'e2e'));
/** The fixture workspace shared with the mocha suite. */
export const FIXTURE = path.join(ROOT, 'test', 'suite', 'workspace');

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run test/e2e/run.sh (it installs the tools and sets it)`);
  return v;
}

/** playwright-core from the tools folder (not a project dependency: only this harness uses it). */
export function playwright() {
  return createRequire(path.join(need('E2E_DRIVER_MODULES'), 'index.js'))('playwright-core');
}

const UNTRUSTED = process.env.E2E_UNTRUSTED === '1';

// User settings for a quiet, deterministic workbench offline.
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.colorTheme': process.env.E2E_THEME ?? 'Default Dark Modern',
  // E2E_UNTRUSTED=1 opens the workspace in Restricted Mode (trust enabled, never asked, so never granted).
  'security.workspace.trust.enabled': UNTRUSTED,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'editor.hover.delay': 150,
  'editor.minimap.enabled': false,
  'window.restoreWindows': 'none',
  // The run folder sits inside this repository: keep the Git extension from offering to open it.
  'git.openRepositoryInParentFolders': 'never',
};

/** A fresh run folder: user data with SETTINGS, an extensions folder, a config file, a copy of the fixture workspace. */
export function prepareRun(name) {
  const dir = path.join(process.env.E2E_RUN_ROOT ?? path.join(ROOT, '.artifacts', 'runs'), name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'user-data', 'User'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'extensions'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'user-data', 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
  fs.writeFileSync(path.join(dir, 'config.yaml'), 'auth: none\ncert: false\n');
  const workspace = path.join(dir, 'workspace');
  fs.cpSync(FIXTURE, workspace, { recursive: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return { dir, workspace };
}

/** Installs a .vsix into the run's extensions folder with code-server's own CLI. */
export function installVsix(run, vsix) {
  const out = execFileSync(need('CODE_SERVER'), ['--config', path.join(run.dir, 'config.yaml'), '--user-data-dir', path.join(run.dir, 'user-data'),
    '--extensions-dir', path.join(run.dir, 'extensions'), '--install-extension', vsix], { encoding: 'utf8' });
  if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed:\n${out}`);
}

/** Starts code-server on 127.0.0.1:port in its own process group; resolves once /healthz answers. */
export async function startCodeServer(run, port, extraArgs = []) {
  const logFile = path.join(run.dir, 'code-server.log');
  const log = fs.openSync(logFile, 'w');
  const args = ['--config', path.join(run.dir, 'config.yaml'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', path.join(run.dir, 'user-data'), '--extensions-dir', path.join(run.dir, 'extensions'),
    '--disable-telemetry', '--disable-update-check', ...(UNTRUSTED ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    '--ignore-last-opened', ...extraArgs, run.workspace];
  const started = Date.now();
  const child = spawn(need('CODE_SERVER'), args, { detached: true, stdio: ['ignore', log, log] });
  // Whatever happens to this process, take the server's whole group (extension host, language server) with it.
  const killGroup = (signal) => { try { process.kill(-child.pid, signal); } catch { /* gone */ } };
  process.once('exit', () => killGroup('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  await until('code-server /healthz', 60_000, async () => {
    if (child.exitCode !== null) throw new Error(`code-server exited:\n${fs.readFileSync(logFile, 'utf8')}`);
    try { return (await fetch(`${url}/healthz`)).ok; } catch { return false; }
  });
  return {
    url, logFile, startupMs: Date.now() - started,
    async stop() {
      killGroup('SIGTERM');
      const exited = await until('code-server to exit', 10_000, () => { try { process.kill(-child.pid, 0); return false; } catch { return true; } }).catch(() => false);
      if (!exited) killGroup('SIGKILL');
    },
  };
}

/** Headless Debian Chromium with a fresh profile. */
export async function launchBrowser(run) {
  const profile = path.join(run.dir, 'chromium-profile');
  return playwright().chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Polls `probe` (a condition, not a timer) until it is truthy or `timeoutMs` passes. */
export async function until(what, timeoutMs, probe) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100)); // polling interval
  }
}

/** Runs a command from the palette (F1) by its title, as a user does. */
export async function runCommand(page, title, timeout = 60_000) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  // F1 again while the palette has not opened: a key pressed while a webview (the model viewer) is still taking the
  // focus can be lost on its way to the workbench.
  await until(`the command palette for '${title}'`, timeout, async () => {
    await page.keyboard.press('F1');
    return input.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
  });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
}

/**
 * A workbench on a fresh run: `prepare(run)` may add files to the workspace copy, then the .vsix is installed,
 * code-server started and the folder opened in headless Chromium; resolves once the Explorer lists `firstRow`.
 * Console lines of every frame (webviews included) go to `consoleLines`.
 */
export async function openWorkbench({ name, port, firstRow, prepare = () => {}, timeout = 60_000 }) {
  const run = prepareRun(name);
  await prepare(run);
  installVsix(run, process.env.VSIX ?? path.join(ROOT, 'tinyml-lens.vsix'));
  const server = await startCodeServer(run, port);
  const browser = await launchBrowser(run);
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(timeout);
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  await page.goto(`${server.url}/?folder=${encodeURIComponent(run.workspace)}`);
  await explorerRow(page, firstRow).waitFor({ timeout });
  return { run, server, browser, page, consoleLines };
}

/** The Explorer's row of the file `name`. */
export function explorerRow(page, name) {
  return page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
}

/** The labels of the Explorer's context menu on `name` (the menu is closed again). */
export async function explorerMenu(page, name, timeout = 60_000) {
  await explorerRow(page, name).click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu').first();
  await menu.waitFor({ timeout });
  const labels = (await menu.locator('.action-label').allInnerTexts()).map((l) => l.trim()).filter((l) => l !== '');
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden', timeout });
  return labels;
}
