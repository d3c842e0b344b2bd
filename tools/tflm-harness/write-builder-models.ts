/**
 * Writes the project's own measured builder models (test/measured/models/index.ts) as NAME.tflite files into a
 * folder, for measure.ts:  node --import tsx tools/tflm-harness/write-builder-models.ts OUT_DIR
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { MEASURED_MODELS } from '../../test/measured/models/index.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: write-builder-models.ts OUT_DIR\n');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
let n = 0;
for (const [name, build] of Object.entries(MEASURED_MODELS)) {
  writeFileSync(join(out, `${name}.tflite`), build());
  n++;
}
process.stdout.write(`${n} models written to ${out}\n`);
