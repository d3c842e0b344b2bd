/** Entry point of the `tinyml-lens` command (bundled as dist/cli.js). */
import { main } from './main.js';

// A reader that stops early (`tinyml-lens fit m.tflite | head`) closes the pipe: stop quietly, as Unix tools do,
// instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

void Promise.resolve(main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`))).then((code) => {
  process.exitCode = code;
});
