/**
 * The command line shared by the sweep scripts: `SCRIPT OUT_DIR` writes each model as OUT_DIR/NAME.tflite.
 * Runs only when `script` is the file node was started with, so the model tables stay importable.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeModelsMain(script: string, models: Readonly<Record<string, () => Uint8Array>>, what = 'models'): void {
  if (!process.argv[1]?.endsWith(script)) return;
  const out = process.argv[2];
  if (!out) {
    process.stderr.write(`usage: ${script} OUT_DIR\n`);
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });
  for (const [name, build] of Object.entries(models)) writeFileSync(join(out, `${name}.tflite`), build());
  process.stdout.write(`${Object.keys(models).length} ${what} written to ${out}\n`);
}
