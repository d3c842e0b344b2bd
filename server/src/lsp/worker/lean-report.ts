/**
 * An analysis report crosses the thread boundary in two parts, so that the server's thread never spends long taking
 * one in. Diagnostics, hovers and lenses read the figures and the per-layer rows; only the listing reads the bulky
 * parts: every layer's live buffers and the memory model's buffers, nodes and layers (a 3,000-operator chain's report
 * is 2.4 MB as structured-clone data, ~80% of it in those parts, and deserialising it took 20-150 ms on the server's
 * thread under load). The worker serialises the bulky parts into one byte array, transferred without a copy; the
 * server deserialises them once, on first access, through getters on the report it rebuilds. The report keeps its
 * type: a consumer sees an ordinary `AnalysisReport`.
 */
import { deserialize, serialize } from 'node:v8';
import type { AnalysisReport, LayerReport, LiveBuffer } from '../../analysis/report.js';
import type { TflmMemoryReport } from '../../analysis/tflm/memory.js';

/** The report with its bulky parts taken out: what is structured-cloned. */
export interface LeanReport extends Omit<AnalysisReport, 'layers' | 'detail'> {
  readonly layers: readonly Omit<LayerReport, 'live'>[];
  readonly detail: Omit<TflmMemoryReport, BulkDetail>;
}

/** The memory model's parts that only the listing reads. */
type BulkDetail = 'buffers' | 'nodes' | 'layers';

interface Bulk {
  readonly live: readonly LiveBuffer[][];
  readonly detail: Pick<TflmMemoryReport, BulkDetail>;
}

/** In the worker: the lean report to clone, and the bulky parts serialised (transfer `bulk.buffer`). */
export function splitReport(report: AnalysisReport): { lean: LeanReport; bulk: Uint8Array } {
  const { buffers, nodes, layers, ...detail } = report.detail;
  const bulk: Bulk = { live: report.layers.map((l) => l.live), detail: { buffers, nodes, layers } };
  const lean: LeanReport = { ...report, layers: report.layers.map(({ live: _, ...rest }) => rest), detail };
  const bytes = serialize(bulk);
  // A small Buffer may be a view into Node's shared pool: transfer only a buffer of its own.
  const tight = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? new Uint8Array(bytes.buffer) : new Uint8Array(bytes);
  return { lean, bulk: tight };
}

/**
 * On the server's thread: the report again, its bulky parts read from `bulk` on first access (once, then kept).
 * `onMaterialise` is told when that happens (tests, stats).
 */
export function joinReport(lean: LeanReport, bulk: Uint8Array, onMaterialise?: () => void): AnalysisReport {
  let parts: Bulk | null = null;
  const materialise = (): Bulk => {
    if (!parts) {
      parts = deserialize(bulk) as Bulk;
      onMaterialise?.();
    }
    return parts;
  };
  const layers = lean.layers.map((layer, i) => lazy({ ...layer }, 'live', () => materialise().live[i] ?? [])) as LayerReport[];
  const detail = { ...lean.detail } as TflmMemoryReport;
  for (const key of ['buffers', 'nodes', 'layers'] as const) lazy(detail, key, () => materialise().detail[key]);
  return { ...lean, layers, detail } as AnalysisReport;
}

/** Defines `key` on `target` as an enumerable getter that reads `get()` once, then keeps the value as a plain property. */
function lazy<T extends object, K extends PropertyKey>(target: T, key: K, get: () => unknown): T {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = get();
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
  });
  return target;
}
