/** Entry point of the `tinyml-lens` command (bundled as dist/cli.js). */
import { writeSync } from 'node:fs';
import { main } from './main.js';

// A reader that stops early (`tinyml-lens fit m.tflite | head`) closes the pipe: stop quietly, as Unix tools do,
// instead of dying on an unhandled EPIPE with a stack trace. Any other output error (`> /dev/full`: ENOSPC, EIO) is
// one line on stderr and exit code 2 (unusable), never a stack trace and exit 1 (which reads as "problems found").
for (const [name, stream] of [['standard output', process.stdout], ['standard error', process.stderr]] as const) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    try {
      if (stream !== process.stderr) writeSync(2, `tinyml-lens: cannot write to ${name}: ${e.code ?? e.message}\n`);
    } catch {
      // stderr is unusable too: the exit code says it
    }
    process.exit(2);
  });
}

void Promise.resolve(main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`), process.stderr)).then((code) => {
  process.exitCode = code;
});
