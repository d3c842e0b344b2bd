/**
 * The manifest's fields: one table read by the parser (what to accept), completion and hover (what to offer and
 * explain), and checked against schemas/tinyml-manifest.schema.json by a unit test so the two cannot drift.
 */
import type { QuantityKind } from './units.js';

/** How a field's value is read. */
export type FieldType =
  | { readonly type: 'path' }
  | { readonly type: 'string' }
  | { readonly type: 'integer' }
  /** A plain non-negative number (prices, powers, voltages: no unit is parsed). */
  | { readonly type: 'number' }
  | { readonly type: 'quantity'; readonly kind: QuantityKind }
  /** A catalog id (string) or an inline board (mapping of BOARD_FIELDS). */
  | { readonly type: 'target' }
  | { readonly type: 'section'; readonly fields: Readonly<Record<string, FieldSpec>> }
  /** Input name or position -> a list of positive dimensions (the shapes of dynamic inputs). */
  | { readonly type: 'shapes' };

/** One field: its type and a one-line description (shown in completion details and hovers). */
export interface FieldSpec {
  readonly value: FieldType;
  readonly doc: string;
  readonly required?: boolean;
}

/** The fields of an inline board given as `target: {sram, flash, core, clock}`. */
export const BOARD_FIELDS: Readonly<Record<string, FieldSpec>> = {
  sram: { value: { type: 'quantity', kind: 'bytes' }, doc: 'SRAM available to the application, e.g. 256KiB.', required: true },
  flash: { value: { type: 'quantity', kind: 'bytes' }, doc: 'Flash available for code and the model, e.g. 1MiB.', required: true },
  core: { value: { type: 'string' }, doc: 'CPU core, e.g. cortex-m4f (the f marks an FPU).' },
  clock: { value: { type: 'quantity', kind: 'frequency' }, doc: 'Core clock, e.g. 64MHz.' },
};

export const BUDGET_FIELDS: Readonly<Record<string, FieldSpec>> = {
  ram: { value: { type: 'quantity', kind: 'bytes' }, doc: 'RAM the model may use: tensor arena plus reserve.ram.' },
  flash: { value: { type: 'quantity', kind: 'bytes' }, doc: 'Flash the model may use: the .tflite bytes plus reserve.flash.' },
  latency: { value: { type: 'quantity', kind: 'time' }, doc: 'Longest acceptable time per inference, e.g. 50ms.' },
  energy: { value: { type: 'quantity', kind: 'energy' }, doc: 'Most energy one inference may take, e.g. 2mJ.' },
};

export const RESERVE_FIELDS: Readonly<Record<string, FieldSpec>> = {
  ram: { value: { type: 'quantity', kind: 'bytes' }, doc: 'RAM the application itself needs besides the arena (stacks, buffers, RTOS).' },
  flash: { value: { type: 'quantity', kind: 'bytes' }, doc: 'Flash the application itself needs besides the model (code, TFLM, data).' },
};

/** The application's own firmware (issue 10): its ELF and, optionally, the GNU ld map with the memory regions. */
export const FIRMWARE_FIELDS: Readonly<Record<string, FieldSpec>> = {
  elf: { value: { type: 'path' }, doc: "The application's ELF (built with or without the model), relative to this manifest; found in the usual build folders when left out." },
  map: { value: { type: 'path' }, doc: "The GNU ld map file of that build (-Wl,-Map=...), for the linker's memory regions." },
};

/** The cost profile's assumptions (analysis/cost/inputs.ts ASSUMPTIONS); each left out takes its sourced default. */
export const CLOUD_FIELDS: Readonly<Record<string, FieldSpec>> = {
  link: { value: { type: 'string' }, doc: 'Radio or network link used to reach the cloud, e.g. ble, wifi, lte-m.' },
  inferences_per_day: { value: { type: 'integer' }, doc: 'Inferences per device per day, for the cost profile.' },
  input_bytes: { value: { type: 'integer' }, doc: 'Bytes sent per inference if it ran in the cloud instead.' },
  output_bytes: { value: { type: 'integer' }, doc: 'Bytes received per cloud inference.' },
  reports_per_day: { value: { type: 'integer' }, doc: 'Results the TinyML device sends per day.' },
  fleet_size: { value: { type: 'integer' }, doc: 'Devices in the fleet.' },
  rtt: { value: { type: 'quantity', kind: 'time' }, doc: 'Network round trip to the cloud, e.g. 120ms.' },
  server_inference: { value: { type: 'quantity', kind: 'time' }, doc: 'Server inference time per request, e.g. 30ms.' },
  server_memory: { value: { type: 'quantity', kind: 'bytes' }, doc: 'Serverless memory size billed, e.g. 512MiB.' },
  price_gb_second: { value: { type: 'number' }, doc: 'Serverless compute price in USD per GB-second.' },
  price_per_million_requests: { value: { type: 'number' }, doc: 'Serverless request price in USD per million requests.' },
  uplink_bps: { value: { type: 'integer' }, doc: 'Effective uplink rate of the link in bit/s.' },
  message_energy: { value: { type: 'quantity', kind: 'energy' }, doc: 'Radio energy per message (wake, connect, send), e.g. 30uJ.' },
  message_bytes: { value: { type: 'integer' }, doc: 'Payload bytes covered by message_energy.' },
  tx_power_mw: { value: { type: 'number' }, doc: 'Radio power in mW while sending payload beyond message_bytes.' },
  connect_time: { value: { type: 'quantity', kind: 'time' }, doc: 'Time to connect before sending, e.g. 2s.' },
  max_payload: { value: { type: 'integer' }, doc: 'Largest payload per message in bytes.' },
  data_price_per_mb: { value: { type: 'number' }, doc: 'Data price in USD per MB.' },
  sim_fee_monthly: { value: { type: 'number' }, doc: 'SIM fee per device in USD per month.' },
  tinyml_nre: { value: { type: 'number' }, doc: 'One-time TinyML engineering cost in USD.' },
  amortization_months: { value: { type: 'integer' }, doc: 'Months the one-time cost is spread over.' },
  battery_mah: { value: { type: 'integer' }, doc: 'Battery capacity in mAh.' },
  battery_volts: { value: { type: 'number' }, doc: 'Battery voltage in V.' },
  sleep_uw: { value: { type: 'number' }, doc: 'Device sleep power between inferences in uW.' },
};

/** The top-level fields. */
export const MANIFEST_FIELDS: Readonly<Record<string, FieldSpec>> = {
  model: { value: { type: 'path' }, doc: 'The model file (.tflite, or a TensorFlow.js model.json with its weight shards beside it), relative to this manifest.', required: true },
  target: { value: { type: 'target' }, doc: 'The board: a catalog id, or an inline board {sram, flash, core, clock}.' },
  runtime: { value: { type: 'string' }, doc: 'The inference runtime, e.g. tflm-cmsis-nn.' },
  clock: { value: { type: 'quantity', kind: 'frequency' }, doc: "Core clock, overriding the target's, e.g. 64MHz." },
  arena_region: { value: { type: 'string' }, doc: "The RAM region that holds the tensor arena, as the target's catalog names it (e.g. AXI-SRAM, DTCM, SDRAM; external names the largest external RAM); default: the largest on-chip region." },
  input_shapes: { value: { type: 'shapes' }, doc: 'Shapes of inputs with a dynamic dimension, by input name or position, e.g. {image: [1, 96, 96, 3]}; analysed at these instead of the stored shapes.' },
  budgets: { value: { type: 'section', fields: BUDGET_FIELDS }, doc: 'Limits the deployment must stay within: ram, flash, latency, energy.' },
  reserve: { value: { type: 'section', fields: RESERVE_FIELDS }, doc: 'What the application itself needs: ram, flash.' },
  firmware: { value: { type: 'section', fields: FIRMWARE_FIELDS }, doc: "The application's firmware: elf (and map), so the fit counts what the application already uses per memory region." },
  cloud: { value: { type: 'section', fields: CLOUD_FIELDS }, doc: 'Assumptions of the cloud-vs-TinyML cost profile; each one left out takes its sourced default.' },
};

/** The fields allowed under a dotted path (`''` for the top level, `budgets`, `target`), or null for a leaf. */
export function fieldsAt(path: string): Readonly<Record<string, FieldSpec>> | null {
  if (path === '') return MANIFEST_FIELDS;
  if (path === 'target') return BOARD_FIELDS;
  const spec = MANIFEST_FIELDS[path];
  return spec?.value.type === 'section' ? spec.value.fields : null;
}

/** The spec of a dotted path such as `budgets.ram` or `target.sram`, or null when there is no such field. */
export function fieldAt(path: string): FieldSpec | null {
  const dot = path.lastIndexOf('.');
  const fields = fieldsAt(dot < 0 ? '' : path.slice(0, dot));
  return fields?.[path.slice(dot + 1)] ?? null;
}
