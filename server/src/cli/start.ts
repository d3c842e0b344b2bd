/**
 * dist/cli.js, the `tinyml-lens` program: runs the bundled CLI (dist/cli-main.js, from bin.ts) from V8's code cache
 * (dist/cli-main.cache) when the cache belongs to that bundle, so a run compiles neither the 2 MB bundle nor the
 * functions `analyze` calls (issue 15: start-up). `npm run build` writes the cache by running the CLI once
 * (esbuild.mjs). Without a cache, with one from another build, or with one another Node's V8 rejects, the bundle
 * compiles as usual: the cache changes the speed only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

/**
 * V8 flags for a short-lived process: no inlining into TurboFan's compiles and no on-stack replacement of running
 * loops. Measured (issue 15, whole process CPU, medians): a 10,000-op `analyze` 426 -> 328 ms, 1,000 ops and
 * MobileNetV2 unchanged, 100,000 ops about 9 % more (1.27 -> 1.38 s): the compiles cost more than they save until a
 * run lasts over a second.
 */
const CLI_V8_FLAGS = ['--no-turbo-inlining', '--no-use-osr'];
const BUILD_LINE = /^\/\/ tinyml-lens build (\S+)\n/;
const CACHE_MAGIC = 'tinyml-lens-code-cache ';

// Set before the bundle is compiled, as at the build's own run that writes the code cache, whose flag hash must match.
for (const flag of CLI_V8_FLAGS) setFlagsFromString(flag);

const file = join(__dirname, 'cli-main.js');
const cacheFile = join(__dirname, 'cli-main.cache');
const source = readFileSync(file, 'utf8');
// V8 checks a cache against the source's length only: the build id ties the cache to this very bundle.
const build = BUILD_LINE.exec(source)?.[1] ?? null;
const cachedData = build === null ? undefined : cacheFor(build);
// The wrapper Node gives a CommonJS module; require resolves beside the bundle (./tfjs.js) and Node's built-ins.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
const cacheOut = process.env['TINYML_LENS_WRITE_CODE_CACHE'] === '1' && build !== null;
const main = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(main.exports, main.exports, createRequire(file), main, file, __dirname);
// At exit, after the command ran: the cache then holds the functions it compiled, not only the top level.
if (cacheOut) process.on('exit', () => writeFileSync(cacheFile, Buffer.concat([Buffer.from(`${CACHE_MAGIC}${build}\n`), script.createCachedData()])));

/** The cache's bytes when its header names `build`, else undefined (absent, unreadable, another build). */
function cacheFor(id: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const header = `${CACHE_MAGIC}${id}\n`;
  return bytes.subarray(0, header.length).toString('latin1') === header ? bytes.subarray(header.length) : undefined;
}
