/**
 * The assumptions behind the cloud-vs-TinyML cost profile: one table of keys (each editable in a manifest's `cloud:`
 * section under the same name), their defaults and sources from `data/cost-inputs.json`, and the resolution of a
 * manifest's overrides against them. Pure: the data file is imported, never read at run time.
 */
import costJson from './data/cost-inputs.json';

/** How an assumption's value is written in a manifest. */
export type AssumptionKind = 'string' | 'integer' | 'number' | 'time' | 'bytes' | 'energy';

/** One key of the `cloud:` section. */
export interface AssumptionSpec {
  readonly key: string;
  readonly label: string;
  readonly kind: AssumptionKind;
  /** Unit of the value after parsing (the base unit for quantities: s, B, J). */
  readonly unit: string;
  /** Whether the default depends on the link (read from `links.<link>.values`). */
  readonly perLink: boolean;
}

/**
 * Every assumption, in display order. The manifest schema's `cloud:` keys are these (the manifest parser and the
 * JSON Schema list them: keep them in step).
 */
export const ASSUMPTIONS: readonly AssumptionSpec[] = [
  { key: 'link', label: 'Radio link to the cloud', kind: 'string', unit: '', perLink: false },
  { key: 'inferences_per_day', label: 'Inferences per device per day', kind: 'integer', unit: '/day', perLink: false },
  { key: 'input_bytes', label: 'Bytes uploaded per cloud inference', kind: 'integer', unit: 'B', perLink: false },
  { key: 'output_bytes', label: 'Bytes of one result', kind: 'integer', unit: 'B', perLink: false },
  { key: 'reports_per_day', label: 'Results the TinyML device sends per day', kind: 'integer', unit: '/day', perLink: false },
  { key: 'fleet_size', label: 'Devices in the fleet', kind: 'integer', unit: 'devices', perLink: false },
  { key: 'rtt', label: 'Network round trip to the cloud', kind: 'time', unit: 's', perLink: false },
  { key: 'server_inference', label: 'Server inference time per request', kind: 'time', unit: 's', perLink: false },
  { key: 'server_memory', label: 'Serverless memory size (billed)', kind: 'bytes', unit: 'B', perLink: false },
  { key: 'price_gb_second', label: 'Serverless compute price', kind: 'number', unit: 'USD/GB-s', perLink: false },
  { key: 'price_per_million_requests', label: 'Serverless request price', kind: 'number', unit: 'USD/1M requests', perLink: false },
  { key: 'uplink_bps', label: 'Effective uplink rate', kind: 'integer', unit: 'bit/s', perLink: true },
  { key: 'message_energy', label: 'Radio energy per message (wake, connect, send)', kind: 'energy', unit: 'J', perLink: true },
  { key: 'message_bytes', label: 'Payload covered by the message energy', kind: 'integer', unit: 'B', perLink: true },
  { key: 'tx_power_mw', label: 'Radio power while sending more payload', kind: 'number', unit: 'mW', perLink: true },
  { key: 'connect_time', label: 'Time to connect before sending', kind: 'time', unit: 's', perLink: true },
  { key: 'max_payload', label: 'Largest payload per message', kind: 'integer', unit: 'B', perLink: true },
  { key: 'data_price_per_mb', label: 'Data price', kind: 'number', unit: 'USD/MB', perLink: true },
  { key: 'sim_fee_monthly', label: 'SIM fee per device', kind: 'number', unit: 'USD/month', perLink: true },
  { key: 'tinyml_nre', label: 'One-time TinyML engineering cost', kind: 'number', unit: 'USD', perLink: false },
  { key: 'amortization_months', label: 'Months the one-time cost is spread over', kind: 'integer', unit: 'months', perLink: false },
  { key: 'battery_mah', label: 'Battery capacity', kind: 'integer', unit: 'mAh', perLink: false },
  { key: 'battery_volts', label: 'Battery voltage', kind: 'number', unit: 'V', perLink: false },
  { key: 'sleep_uw', label: 'Device sleep power between inferences', kind: 'number', unit: 'uW', perLink: false },
];

/** The links with radio data, in the data file's order. */
export const LINKS: readonly string[] = Object.keys(costJson.links);

/** A default and where it comes from. */
export interface SourcedValue {
  readonly value: number | string | null;
  readonly source: string;
}

/** One assumption as used: its value, whether the manifest set it, and the source of the default. */
export interface Assumption extends AssumptionSpec {
  /** Null when neither the manifest nor the data has a value (e.g. `max_payload` of a link without a limit). */
  readonly value: number | string | null;
  /** True when the manifest's `cloud:` section set it. */
  readonly fromManifest: boolean;
  readonly source: string;
}

/** Values a manifest gives, by key, already converted to the spec's unit (quantities in base units). */
export type Overrides = Readonly<Record<string, number | string>>;

/** Raised when the bundled data file does not match the assumption table (a build-time mistake, never user input). */
export class CostDataError extends Error {}

type RawValue = { value: unknown; source: unknown };
type RawValues = Readonly<Record<string, RawValue>>;
const VALUES = costJson.values as unknown as RawValues;
const LINK_VALUES = Object.fromEntries(Object.entries(costJson.links).map(([id, l]) => [id, l.values as unknown as RawValues]));
const LINK_LABELS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(costJson.links).map(([id, l]) => [id, l.label]));

/** The display name of a link id (`lte-m` -> `LTE-M`), or the id itself when unknown. */
export function linkLabel(id: string): string {
  return LINK_LABELS[id] ?? id;
}

function checked(raw: RawValue | undefined, where: string, spec: AssumptionSpec): SourcedValue | null {
  if (!raw) return null;
  const ok = raw.value === null || (spec.kind === 'string' ? typeof raw.value === 'string' : typeof raw.value === 'number' && Number.isFinite(raw.value) && raw.value >= 0);
  if (!ok || typeof raw.source !== 'string' || raw.source === '') throw new CostDataError(`cost-inputs.json ${where}.${spec.key}: bad value or missing source`);
  return { value: raw.value as number | string | null, source: raw.source };
}

/** The bundled default of `spec` for `link`; perLink keys come from the link's table. */
export function defaultOf(spec: AssumptionSpec, link: string): SourcedValue | null {
  if (!spec.perLink) return checked(VALUES[spec.key], 'values', spec);
  const table = LINK_VALUES[link];
  return table ? checked(table[spec.key], `links.${link}`, spec) : null;
}

/**
 * Resolves every assumption: the manifest's value when given, else the bundled default. `derived` supplies defaults
 * that come from the model itself (input and output tensor bytes), with their own source text.
 */
export function resolveAssumptions(overrides: Overrides, derived: Readonly<Record<string, SourcedValue>>): Assumption[] {
  const linkOverride = overrides['link'];
  const link = typeof linkOverride === 'string' ? linkOverride : String(defaultOf(ASSUMPTIONS[0]!, '')?.value ?? 'ble');
  return ASSUMPTIONS.map((spec) => {
    const given = overrides[spec.key];
    const fallback = derived[spec.key] ?? defaultOf(spec, link);
    if (given !== undefined) return { ...spec, value: given, fromManifest: true, source: 'set in the manifest' + (fallback ? `; default: ${fallback.source}` : '') };
    return { ...spec, value: fallback?.value ?? null, fromManifest: false, source: fallback?.source ?? 'no value' };
  });
}

/** Checks the whole data file against the table (run by the unit tests): every link has every per-link key. */
export function checkCostData(): void {
  for (const spec of ASSUMPTIONS) {
    if (!spec.perLink) {
      if (!['input_bytes', 'output_bytes'].includes(spec.key) && !defaultOf(spec, '')) throw new CostDataError(`cost-inputs.json values: no ${spec.key}`);
      continue;
    }
    for (const link of LINKS) {
      if (!defaultOf(spec, link) && spec.key !== 'max_payload') throw new CostDataError(`cost-inputs.json links.${link}: no ${spec.key}`);
    }
  }
}
