/**
 * The firmware lint in the editor: C/C++ documents (and Arduino sketches) that set up TFLM are linked to a model —
 * the manifest nearest the source (the one whose model name the source's `GetModel(...)` array names, when several),
 * or else a .tflite named by that array — and linted against it (firmware/lint.ts); each finding is a diagnostic with
 * quick fixes that write the right line. The model is analysed by the worker-backed ModelCache, never here.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeActionKind, DiagnosticSeverity, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { CodegenError, resolverMethods } from '../codegen/tflm.js';
import { FileError, readTextFile } from '../files/read.js';
import { findSetup } from '../firmware/setup.js';
import { lintFirmware, type FirmwareFinding, type ModelFacts } from '../firmware/lint.js';
import { parseManifest } from '../manifest/parse.js';
import { SOURCE } from './codes.js';
import type { ModelCache } from './models.js';
import type { Providers } from './providers.js';
import type { Settings } from './settings.js';

/** Diagnostic codes of the lint: `firmware-` and the core's code. */
export const FIRMWARE_CODE_PREFIX = 'firmware-';

const SOURCE_EXTENSIONS = /\.(c|cc|cpp|cxx|h|hh|hpp|hxx|ino)$/i;
const SKIP = new Set(['node_modules', '.git', '.pio', 'build', '.vscode', 'managed_components', 'dist']);
/** How deep and how much of a workspace is searched for manifests and models (a firmware tree can be large). */
const MAX_DEPTH = 4;
const MAX_ENTRIES = 5000;

/** True for C/C++ documents and Arduino sketches on disk. */
export function isFirmwareDocument(document: { readonly uri: string; readonly languageId: string }): boolean {
  if (!document.uri.startsWith('file:')) return false;
  return document.languageId === 'c' || document.languageId === 'cpp' || SOURCE_EXTENSIONS.test(document.uri.split(/[?#]/)[0] ?? '');
}

interface Candidate {
  /** The model file. */
  readonly model: string;
  /** The manifest naming it, if any. */
  readonly manifest: string | null;
  readonly runtime: string | null;
}

/** Manifests and .tflite files under a root, found once and kept until `invalidate`. */
function scan(root: string): Candidate[] {
  const manifests: Candidate[] = [];
  const models: Candidate[] = [];
  let seen = 0;
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) return;
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIP.has(e.name)) walk(path, depth + 1);
      } else if (e.isFile() && /(^|\.)tinyml\.(yaml|json)$/i.test(e.name)) {
        try {
          const m = parseManifest(readTextFile(path, { maxBytes: 1024 * 1024 })).manifest;
          if (m.model) manifests.push({ model: resolve(dir, m.model.value), manifest: path, runtime: m.runtime?.value ?? null });
        } catch (err) {
          if (!(err instanceof FileError)) throw err;
        }
      } else if (e.isFile() && /\.tflite$/i.test(e.name)) {
        models.push({ model: path, manifest: null, runtime: null });
      }
    }
  };
  walk(root, 0);
  return [...manifests, ...models];
}

/** Lower-case words of an identifier or a file name: `g_kws_model_data` -> kws, `KwsModel.tflite` -> kws. */
function words(name: string): string[] {
  return name.replace(/\.\w+$/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/)
    .filter((w) => w && !['g', 'model', 'data', 'tflite', 'k', 'len'].includes(w));
}

/**
 * The model a source runs: among the candidates, the one whose name the GetModel array names (`g_kws_model_data` ->
 * kws.tflite), else the nearest manifest's (same folder or above), else the only candidate; null when it is ambiguous.
 */
export function linkModel(sourcePath: string, arrays: readonly string[], candidates: readonly Candidate[]): Candidate | null {
  const arrayWords = new Set(arrays.flatMap(words));
  const named = candidates.filter((c) => words(basename(c.model)).some((w) => arrayWords.has(w)));
  if (named.length >= 1) return named.find((c) => c.manifest) ?? named[0]!;
  const manifests = candidates.filter((c) => c.manifest);
  for (let dir = dirname(sourcePath); ; dir = dirname(dir)) {
    const here = manifests.filter((c) => dirname(c.manifest!) === dir);
    if (here.length === 1) return here[0]!;
    if (here.length > 1 || dirname(dir) === dir) break;
  }
  return candidates.length === 1 ? candidates[0]! : null;
}

export class FirmwareLinter {
  private readonly roots = new Map<string, Candidate[]>();
  /** The facts each document was last linted with, for its code actions. */
  private readonly facts = new Map<string, ModelFacts>();

  constructor(
    private readonly models: ModelCache,
    private readonly providers: Providers,
    private readonly rootsOf: () => readonly string[],
    private readonly settingsFor: (uri: string) => Settings,
  ) {}

  /** Forget the manifests and models found (a file changed on disk). */
  invalidate(): void {
    this.roots.clear();
  }

  forget(uri: string): void {
    this.facts.delete(uri);
  }

  private candidates(path: string): Candidate[] {
    const root = this.rootsOf().find((r) => !relative(r, path).startsWith('..') && !relative(r, path).startsWith(sep)) ?? dirname(path);
    let found = this.roots.get(root);
    if (!found) {
      found = scan(root);
      this.roots.set(root, found);
    }
    return found;
  }

  /** The model facts for a source, waiting for the worker's analysis; null when no model is linked or it cannot run. */
  private async factsFor(document: TextDocument): Promise<ModelFacts | null> {
    const path = fileURLToPath(document.uri);
    const setup = findSetup(document.getText());
    if (setup.resolvers.length === 0 && !setup.arena) return null;
    const link = linkModel(path, setup.modelArrays, this.candidates(path));
    if (!link) return null;
    const load = await this.models.loaded(link.model);
    if (load.kind !== 'ok') return null;
    const settings = this.settingsFor(document.uri);
    const runtime = (link.runtime ? this.providers.runtimes.get(link.runtime) : null) ?? this.providers.runtimes.get(settings.defaultRuntime);
    if (!runtime) return null;
    const analysis = await this.models.analysed(load, runtime.kernels, runtime.support ?? null, { owner: document.uri });
    let methods: ModelFacts['methods'] = [];
    try {
      methods = resolverMethods(load.model);
    } catch (e) {
      // An op TFLM has no kernel for: the manifest reports it; the lint checks the arena only.
      if (!(e instanceof CodegenError)) throw e;
    }
    const exact = analysis.kind === 'done' && (runtime.kernels === 'tflm-reference' || runtime.kernels === 'tflm-cmsis-nn') && runtime.id === runtime.kernels;
    return {
      label: basename(link.model), methods,
      ...(analysis.kind === 'done' && exact ? { minArenaBytes: analysis.report.memory.minArenaBytes } : {}),
    };
  }

  /** The lint's diagnostics for a C/C++ document (none when it sets up no TFLM or links to no model). */
  async diagnostics(document: TextDocument): Promise<Diagnostic[]> {
    const facts = await this.factsFor(document);
    if (!facts) {
      this.facts.delete(document.uri);
      return [];
    }
    this.facts.set(document.uri, facts);
    return lintFirmware(document.getText(), facts).findings.map((f) => toDiagnostic(document, f));
  }

  /** Quick fixes for the lint's diagnostics in `diagnostics`, from the document's current text. */
  codeActions(document: TextDocument, diagnostics: readonly Diagnostic[]): CodeAction[] {
    const facts = this.facts.get(document.uri);
    const ours = diagnostics.filter((d) => typeof d.code === 'string' && d.code.startsWith(FIRMWARE_CODE_PREFIX));
    if (!facts || ours.length === 0) return [];
    const findings = lintFirmware(document.getText(), facts).findings;
    const actions: CodeAction[] = [];
    for (const d of ours) {
      const f = findings.find((x) => `${FIRMWARE_CODE_PREFIX}${x.code}` === d.code && document.offsetAt(d.range.start) === x.span.start && x.message === d.message);
      f?.fixes.forEach((fix, i) => actions.push({
        title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: i === 0,
        edit: { changes: { [document.uri]: fix.edits.map((e) => ({ range: { start: document.positionAt(e.span.start), end: document.positionAt(e.span.end) }, newText: e.newText })) } },
      }));
    }
    return actions;
  }
}

function toDiagnostic(document: TextDocument, f: FirmwareFinding): Diagnostic {
  const severity = f.severity === 'error' ? DiagnosticSeverity.Error : f.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
  return { range: { start: document.positionAt(f.span.start), end: document.positionAt(f.span.end) }, severity, source: SOURCE, code: `${FIRMWARE_CODE_PREFIX}${f.code}`, message: f.message };
}
