// Runs the mocha suite (dist/test/suite/index.js) inside code-server's Node extension host — the contract
// @vscode/test-electron uses: extensionDevelopmentPath + extensionTestsPath, passed to the web workbench as its
// `payload` URL parameter. code-server honours them only with --vscode-option enable-smoke-test-driver; the
// workbench reports the end through window.codeAutomationExit(code) and mocha's output as console messages.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { ARTIFACTS, ROOT, launchBrowser, prepareRun, startCodeServer } from './lib.mjs';

const port = Number(process.env.E2E_PORT ?? 18093);
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? 300_000);
const verbose = Boolean(process.env.VERBOSE);
const started = Date.now();

const run = prepareRun(process.env.E2E_UNTRUSTED === '1' ? 'exthost-untrusted' : 'exthost');
// The ONNX models Convert to .tflite converts, written by the project's own ONNX writer.
execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'e2e', 'convert-models.ts'), run.workspace], { cwd: ROOT });
const resultFile = path.join(run.dir, 'result.json');
const server = await startCodeServer(run, port, ['--vscode-option', 'enable-smoke-test-driver']);
const browser = await launchBrowser(run);
const page = browser.pages()[0] ?? (await browser.newPage());

let finish;
const exited = new Promise((resolve) => { finish = resolve; });
await page.exposeFunction('codeAutomationExit', (code) => finish(code));
await page.exposeFunction('codeAutomationLog', (type, args) => { if (verbose) console.log('[workbench]', type, args); });
const transcript = [];
page.on('console', async (m) => {
  let values;
  try { values = await Promise.all(m.args().map((a) => a.jsonValue())); } catch { values = [m.text()]; }
  let level = m.type();
  // The extension host's console arrives as ('%c INFO', 'color: ...', format, ...args).
  if (typeof values[0] === 'string' && values[0].startsWith('%c')) { level = values[0].slice(2).trim(); values = values.slice(2); }
  const line = util.format(...values);
  if (level === 'INFO' || verbose) { console.log(line); transcript.push(line); }
});
page.on('pageerror', (e) => console.error('[pageerror]', e.message));

const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
const payload = [
  ['extensionDevelopmentPath', remote(ROOT)],
  ['extensionTestsPath', remote(path.join(ROOT, 'dist', 'test', 'suite', 'index.js'))],
  ['skipWelcome', 'true'],
  ['extensionEnvironment', JSON.stringify({ TINYML_LENS_TEST_RESULT: resultFile })],
];
await page.goto(`${server.url}/?folder=${encodeURIComponent(run.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);

let timer;
const code = await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); })]);
clearTimeout(timer);
await browser.close();
await server.stop();
fs.writeFileSync(path.join(ARTIFACTS, `${path.basename(run.dir)}-transcript.txt`), transcript.join('\n') + '\n');
const result = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : null;
console.log(`extension-host suite${process.env.E2E_UNTRUSTED === '1' ? ' (untrusted workspace)' : ''}: exit ${code}, ${result ? `${result.passes} passed, ${result.failures} failed` : 'no result file'}, ` +
  `${Date.now() - started} ms (code-server healthy after ${server.startupMs} ms)`);
process.exit(code === 0 && result && result.failures === 0 ? 0 : 1);
