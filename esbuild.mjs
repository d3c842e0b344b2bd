// One build for every bundle: the extension client, the language server and the CLI (all Node, CommonJS).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

// TF.js is needed only for a model.json: the CLI and the analysis worker load it from a bundle of its own,
// dist/tfjs.js, on first use (model/tfjs/reader.ts imports it dynamically), so starting them never compiles it.
// That bundle is @tensorflow/tfjs without its browser backend (WebGL) and tf.data, which a Node process never uses.
const emptyModule = (filter) => ({
  name: 'empty-module',
  setup(build) {
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'empty-module' }));
    build.onLoad({ filter: /.*/, namespace: 'empty-module' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
});
const tfjsChunk = {
  ...common,
  stdin: { contents: "module.exports = require('@tensorflow/tfjs');", resolveDir: '.', sourcefile: 'tfjs-chunk.js' },
  outfile: 'dist/tfjs.js',
  sourcemap: false,
  minify: true,
  plugins: [emptyModule(/^@tensorflow\/tfjs-(backend-webgl|data)$/)],
};
/** `@tensorflow/tfjs` becomes a require of ./tfjs.js (beside the bundle), evaluated on the dynamic import only. */
const tfjsExternal = {
  name: 'tfjs-chunk',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs$/ }, () => ({ path: 'tfjs', namespace: 'tfjs-chunk' }));
    build.onLoad({ filter: /.*/, namespace: 'tfjs-chunk' }, () => ({ contents: "module.exports = require('./tfjs.js');", loader: 'js' }));
    build.onResolve({ filter: /^\.\/tfjs\.js$/, namespace: 'tfjs-chunk' }, () => ({ path: './tfjs.js', external: true }));
  },
};

const builds = [
  tfjsChunk,
  // The client imports the shared protocol module; alias the server library to the protocol package the client
  // already bundles, so the server's Node connection code does not ride along into the extension host.
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'], alias: { 'vscode-languageserver': 'vscode-languageserver-protocol' } },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', plugins: [tfjsExternal] },
  // The analysis worker the server starts with worker_threads; it must sit beside dist/server.js.
  { ...common, entryPoints: ['server/src/lsp/worker/analysis-worker.ts'], outfile: 'dist/analysis-worker.js', plugins: [tfjsExternal] },
  // The CLI: dist/cli.js (start.ts) runs dist/cli-main.js from V8's code cache, which a run of the CLI writes below;
  // the build id in the bundle's first line ties the cache to it (a watch build has none, so no cache is used).
  { ...common, entryPoints: ['server/src/cli/start.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['server/src/cli/bin.ts'], outfile: 'dist/cli-main.js', plugins: [tfjsExternal], ...(watch ? {} : { banner: { js: `// tinyml-lens build ${randomUUID()}` } }) },
  // The cost-profile webview: browser code with chart.js bundled in (webviews load nothing from the network).
  {
    ...common, platform: 'browser', format: 'iife', target: 'es2022',
    entryPoints: ['client/src/cost-profile/webview/main.ts'], outfile: 'dist/webview/cost-profile.js',
  },
  // The model viewer's webview, with @dagrejs/dagre (the operator graph's layout) bundled in.
  {
    ...common, platform: 'browser', format: 'iife', target: 'es2022',
    entryPoints: ['client/src/viewer/webview/main.ts'], outfile: 'dist/webview/viewer.js',
  },
  // The VS Code test suite (mocha bundled in: the extension host loads it with no node_modules lookup), run by
  // @vscode/test-electron and by the code-server e2e harness alike.
  {
    ...common, entryPoints: { 'suite/index': 'test/suite/index.ts' }, outdir: 'dist/test',
    // mocha's parallel mode resolves these files at run time; the suite runs serially and never loads them.
    external: ['vscode', './reporters/parallel-buffered.cjs', './worker.cjs'],
    alias: { 'vscode-languageserver': 'vscode-languageserver-protocol' },
  },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  // The code cache: what `analyze` of a small real model compiles (the reader, the TFLM replay, the report).
  const r = spawnSync(process.execPath, ['dist/cli.js', 'analyze', 'examples/kws_dscnn_int8.tflite'], {
    stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, TINYML_LENS_WRITE_CODE_CACHE: '1' },
  });
  if (r.status !== 0) console.warn(`esbuild.mjs: no code cache for dist/cli.js (exit ${r.status}): ${r.stderr}`);
}
