/**
 * Every model the rig's builder, sweep and extra-sweep tables name, by name, built by the project's builder once per
 * test process (the measured-figure tests of each build read the same models).
 */
import { strict as assert } from 'node:assert';
import { EXTRA_SWEEP } from '../../scripts/sweep-instructions.js';
import { SWEEP_MODELS } from '../../tools/tflm-harness/sweep-models.js';
import { MEASURED_MODELS } from './models/index.js';

export const RIG_BUILDERS: Readonly<Record<string, () => Uint8Array>> = { ...MEASURED_MODELS, ...SWEEP_MODELS, ...EXTRA_SWEEP };

const built = new Map<string, Uint8Array>();

/** The bytes of the model the tables call `model` (built on first use); fails the test for a name with no builder. */
export function rigModelBytes(model: string): Uint8Array {
  let bytes = built.get(model);
  if (!bytes) {
    const build = RIG_BUILDERS[model];
    assert.ok(build, `no builder for ${model}`);
    bytes = build();
    built.set(model, bytes);
  }
  return bytes;
}
