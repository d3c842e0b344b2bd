/**
 * `tinymlLens/costProfile` and `tinymlLens/targetFits`: the figures behind the extension's cost-profile webview, its
 * status bar item and its Select Target list. The core computes (analysis/cost, analysis/latency); this file only
 * gathers a manifest's inputs and converts. Registered with one line in server.ts.
 */
import { fileURLToPath } from 'node:url';
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ASSUMPTIONS, costProfile, type AssumptionSpec, type DeviceInference, type Overrides } from '../analysis/cost/index.js';
import { analyzeForTarget, defaultRuntime, runtimeRunsOn, type TargetReport } from '../analysis/latency/target.js';
import { memoryKernelsFor, SUPPORT_RUNTIMES, type Runtime } from '../analysis/support/index.js';
import { isQuantityError, parseQuantity, formatBytes, formatHertz } from '../manifest/units.js';
import type { Model } from '../model/ir.js';
import { CATALOG, resolveTarget } from '../targets/catalog.js';
import { abiFor, codePathFor } from '../targets/code-path.js';
import type { ModelCache } from './models.js';
import { analysisLimit, notConvertedReason } from './messages.js';
import { wholeSummary } from './fit-messages.js';
import { CostProfileRequest, TargetFitsRequest, type CostProfileResult, type TargetFit } from './protocol.js';
import { guarded, guardedAsync, type Logger } from './safe.js';
import { isManifestDocument, type ManifestCheck, type Workspace } from './workspace.js';

/** What the handlers need from the server. */
export interface CostProfileDeps {
  readonly documents: TextDocuments<TextDocument>;
  readonly workspace: Workspace;
  readonly models: ModelCache;
  readonly log: Logger;
  /** Runs `fn` once the settings of the manifest's folder are read and its model is prepared. */
  readonly ready: <T>(fn: () => T, uri?: string) => Promise<T>;
}

/** Registers both requests on the connection. */
export function registerCostProfile(connection: Connection, deps: CostProfileDeps): void {
  connection.onRequest(CostProfileRequest.type, (p) => deps.ready(() => {
    const unavailable = (reason: string): CostProfileResult => ({ kind: 'unavailable', uri: p.uri, reason });
    const document = deps.documents.get(p.uri);
    if (!document || !isManifestDocument(document)) return unavailable('not an open deployment manifest');
    return guarded('cost profile', deps.log, unavailable('internal error (see the server log)'), () => profileOf(deps.workspace.check(document)));
  }, p.uri));
  connection.onRequest(TargetFitsRequest.type, (p) => {
    const document = p.manifestUri ? deps.documents.get(p.manifestUri) : undefined;
    const needs = document && isManifestDocument(document) ? manifestNeeds(deps.workspace.check(document)) : NO_NEEDS;
    return guardedAsync('target fits', deps.log, { model: p.modelUri, targets: [], error: 'internal error (see the server log)' }, () => targetFits(deps.models, p.modelUri, p.runtime, needs));
  });
}

function isRuntime(id: string): id is Runtime {
  return (SUPPORT_RUNTIMES as readonly string[]).includes(id);
}

/** Bytes of a subgraph's input or output tensors (what would be uploaded, what a result weighs). */
function ioBytes(model: Model, which: 'inputs' | 'outputs'): number {
  const sg = model.subgraphs[0];
  if (!sg) return 0;
  return sg[which].reduce((n, i) => n + (sg.tensors[i]?.bytes ?? 0), 0);
}

function profileOf(check: ManifestCheck): CostProfileResult {
  const unavailable = (reason: string): CostProfileResult => ({ kind: 'unavailable', uri: check.uri, reason });
  const load = check.load;
  if (!check.parse.manifest.model) return unavailable('the manifest names no model');
  if (!load || load.kind !== 'ok' || !check.report || !check.fit) return unavailable(`the model cannot be analysed (${load?.kind ?? 'no file'})`);
  const fit = check.fit;
  const spec = check.target?.kind === 'found' ? check.target.spec : null;
  const runtime = check.runtime?.id ?? 'tflm-cmsis-nn';
  const { overrides, notes } = cloudOverrides(check);
  const profile = costProfile({
    report: check.report,
    modelInputBytes: ioBytes(load.model, 'inputs'),
    modelOutputBytes: ioBytes(load.model, 'outputs'),
    inference: inferenceOf(check, runtime),
    ram: { needBytes: fit.ram.needBytes, budgetBytes: fit.ram.budget?.value.value ?? null, targetBytes: fit.ram.targetBytes },
    flash: { needBytes: fit.flash.needBytes, budgetBytes: fit.flash.budget?.value.value ?? null, targetBytes: fit.flash.targetBytes },
    overrides,
  });
  const over = (f: typeof fit.ram): boolean => (f.budget !== null && f.needBytes > f.budget.value.value) || (f.targetBytes !== null && f.needBytes > f.targetBytes);
  const ramLimit = fit.ram.budget?.value.value ?? fit.ram.targetBytes;
  return {
    kind: 'ok',
    uri: check.uri,
    version: check.version,
    modelPath: load.path,
    runtime,
    target: spec ? { id: spec.id, name: spec.name } : null,
    ramShare: ramLimit ? fit.ram.needBytes / ramLimit : null,
    overBudget: over(fit.ram) || over(fit.flash) || fit.whole.fits === false,
    profile: { ...profile, notes: [...notes, ...profile.notes] },
    whole: wholeSummary(fit.whole),
  };
}

/**
 * Latency and energy per inference: the latency model's range when the target is in the catalog (or a bare core with
 * a clock), else whatever the server's cost provider estimated for the diagnostics.
 */
function inferenceOf(check: ManifestCheck, runtime: string): DeviceInference {
  const ref = check.parse.manifest.target?.value;
  const resolved = ref?.kind === 'id' ? resolveTarget(ref.id) : null;
  const clockHz = check.parse.manifest.clock?.value.value ?? null;
  if (resolved && check.load?.kind === 'ok' && check.report && isRuntime(runtime)) {
    const tr = analyzeForTarget(check.load.model, runtime, resolved, clockHz === null ? null : clockHz / 1e6, check.report);
    const ms = (v: number | null | undefined): number | null => (v == null ? null : v / 1000);
    return { seconds: ms(tr.latency?.ms), lowSeconds: ms(tr.latency?.lowMs), highSeconds: ms(tr.latency?.highMs), joules: tr.energy ? tr.energy.uJ / 1e6 : null };
  }
  const cost = check.fit?.cost;
  return { seconds: cost?.seconds ?? null, lowSeconds: null, highSeconds: null, joules: cost?.joules ?? null };
}

/**
 * The manifest's `cloud:` values by assumption key. Keys the manifest parser types (link, inferences_per_day,
 * input_bytes, output_bytes) come from the parse; the others are read from their text with the assumption's kind, so
 * every assumption is editable even before the parser lists the key.
 */
function cloudOverrides(check: ManifestCheck): { overrides: Overrides; notes: string[] } {
  const out: Record<string, number | string> = {};
  const notes: string[] = [];
  const cloud = check.parse.manifest.cloud;
  for (const [key, located] of Object.entries(cloud)) if (located) out[key] = located.value;
  const text = check.document.getText();
  for (const field of check.parse.manifest.fields) {
    if (!field.path.startsWith('cloud.')) continue;
    const key = field.path.slice('cloud.'.length);
    const spec = ASSUMPTIONS.find((s) => s.key === key);
    if (!spec || key in out) continue;
    const raw = text.slice(field.valueSpan.start, field.valueSpan.end).trim().replace(/^(['"])(.*)\1$/, '$2');
    const value = readValue(raw, spec);
    if (value === null) notes.push(`cloud.${key}: '${raw}' is not a valid ${spec.kind}; the default is used.`);
    else out[key] = value;
  }
  return { overrides: out, notes };
}

function readValue(raw: string, spec: AssumptionSpec): number | string | null {
  switch (spec.kind) {
    case 'string':
      return raw === '' ? null : raw;
    case 'integer':
    case 'number': {
      const n = Number(raw);
      return raw !== '' && Number.isFinite(n) && n >= 0 && (spec.kind === 'number' || Number.isInteger(n)) ? n : null;
    }
    default: {
      const q = parseQuantity(raw, spec.kind);
      return isQuantityError(q) ? null : q.value;
    }
  }
}

/** What a manifest adds to the model's own needs when boards are compared for it. */
interface ManifestNeeds {
  readonly reserveRamBytes: number;
  readonly reserveFlashBytes: number;
  readonly marginPercent: number;
  readonly latencySeconds: number | null;
}
const NO_NEEDS: ManifestNeeds = { reserveRamBytes: 0, reserveFlashBytes: 0, marginPercent: 0, latencySeconds: null };

function manifestNeeds(check: ManifestCheck): ManifestNeeds {
  const m = check.parse.manifest;
  return { reserveRamBytes: m.reserve.ram?.value.value ?? 0, reserveFlashBytes: m.reserve.flash?.value.value ?? 0, marginPercent: check.margin, latencySeconds: m.budgets.latency?.value.value ?? null };
}

/** The verdict with the manifest's needs: RAM (arena + reserve + margin), flash (model + reserve), latency budget. */
function judgeWithNeeds(r: TargetReport, needs: ManifestNeeds): { fits: boolean | null; over: string[] } {
  const over: string[] = [];
  const ramBase = r.memory.memory.minArenaBytes + needs.reserveRamBytes;
  const ramNeed = ramBase + Math.ceil((ramBase * needs.marginPercent) / 100);
  const flashNeed = r.memory.flash.modelBytes + needs.reserveFlashBytes;
  if (r.fit.ramBudgetBytes !== null && ramNeed > r.fit.ramBudgetBytes) over.push(`RAM +${formatBytes(ramNeed - r.fit.ramBudgetBytes)}`);
  if (r.fit.flashBudgetBytes !== null && flashNeed > r.fit.flashBudgetBytes) over.push(`flash +${formatBytes(flashNeed - r.fit.flashBudgetBytes)}`);
  const ms = r.latency?.ms ?? null;
  if (needs.latencySeconds !== null && ms !== null && ms / 1000 > needs.latencySeconds) over.push(`latency ${formatMs(ms)} > ${formatMs(needs.latencySeconds * 1000)}`);
  if (!r.fit.ops) over.push(`${r.support.unsupported.length} unsupported op${r.support.unsupported.length === 1 ? '' : 's'}`);
  const fits = over.length > 0 ? false : r.fit.ramBudgetBytes === null || r.fit.flashBudgetBytes === null ? null : true;
  return { fits, over };
}

/** `850 us`, `42.5 ms`, `1.25 s`: never scientific notation. */
function formatMs(ms: number): string {
  if (ms < 1) return `${Number((ms * 1000).toPrecision(3))} us`;
  if (ms < 1000) return `${Number(ms.toPrecision(3))} ms`;
  return `${Number((ms / 1000).toPrecision(3))} s`;
}

async function targetFits(models: ModelCache, modelUri: string, runtime: string | undefined, needs: ManifestNeeds): Promise<{ model: string; targets: TargetFit[]; error?: string }> {
  const path = modelUri.startsWith('file:') ? fileURLToPath(modelUri) : modelUri;
  const name = path.split(/[\\/]/).pop() ?? path;
  const load = await models.loaded(path);
  if (load.kind !== 'ok') {
    const error = load.kind === 'malformed' ? load.error.message : load.kind === 'unconverted' ? notConvertedReason(load.error) : load.kind === 'missing' ? 'no such file' : load.kind === 'unreadable' ? load.reason
      : load.kind === 'failed' ? analysisLimit(name, load.failure) : 'the model is still being read';
    return { model: path, targets: [], error };
  }
  const rows: TargetReport[] = [];
  for (const mcu of CATALOG) {
    const rt = runtime && isRuntime(runtime) ? runtime : defaultRuntime(mcu.core, mcu);
    if (!runtimeRunsOn(rt, mcu.core, mcu)) continue;
    // The kernel sets and CMSIS-NN code paths are the only distinct analyses here; the rest of the boards are cached.
    const analysis = await models.analysed(load, memoryKernelsFor(rt), null, { codePath: codePathFor(mcu.core, mcu), abi: abiFor(mcu.core) });
    if (analysis.kind === 'failed') return { model: path, targets: [], error: analysisLimit(name, analysis.failure) };
    rows.push(analyzeForTarget(load.model, rt, { id: mcu.id, core: mcu.core, mcu }, null, analysis.report));
  }
  const verdicts = new Map(rows.map((r) => [r, judgeWithNeeds(r, needs)]));
  const rank = (r: TargetReport): number => { const f = verdicts.get(r)!.fits; return f === true ? 0 : f === null ? 1 : 2; };
  rows.sort((a, b) => rank(a) - rank(b) || (a.fit.ramBudgetBytes ?? Infinity) - (b.fit.ramBudgetBytes ?? Infinity) || a.target.id.localeCompare(b.target.id));
  return {
    model: path,
    targets: rows.map((r) => {
      const verdict = verdicts.get(r)!;
      const m = r.target.mcu;
      const specs = [r.target.core, m?.clockMHz ? formatHertz(m.clockMHz * 1e6) : null, r.fit.ramBudgetBytes !== null ? `${formatBytes(r.fit.ramBudgetBytes)} SRAM` : null, r.fit.flashBudgetBytes !== null ? `${formatBytes(r.fit.flashBudgetBytes)} flash` : null];
      return {
        id: r.target.id,
        name: m?.displayName ?? r.target.id,
        detail: specs.filter((s) => s !== null).join(', '),
        runtime: r.runtime,
        fits: verdict.fits,
        over: verdict.over,
        npu: m?.npu ?? null,
        arenaBytes: r.memory.memory.minArenaBytes,
        ramBytes: r.fit.ramBudgetBytes,
        flashBytes: r.fit.flashBudgetBytes,
        modelBytes: r.memory.flash.modelBytes,
        latencyMs: r.latency?.ms ?? null,
        unsupportedOps: r.support.unsupported.length,
        whole: wholeSummary(r.fit.parts),
      };
    }),
  };
}
