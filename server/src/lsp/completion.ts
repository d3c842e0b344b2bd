/**
 * Completion for keys (per section), runtimes, target ids (ranked by the model's fit, the verdict beside each) and
 * inline boards, file paths for `model:` and `firmware:`, and units after a number. The context comes from the text
 * before the cursor rather than the YAML tree, because the line being typed is usually not valid YAML yet.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Position } from 'vscode-languageserver';
import { fieldAt, fieldsAt } from '../manifest/keys.js';
import { UNITS } from '../manifest/units.js';
import { pathItems, PATH_FILES } from './path-completion.js';
import type { Providers } from './providers.js';
import { rankTargets } from './target-rank.js';
import type { ManifestCheck } from './workspace.js';

type Context = { kind: 'key'; parent: string } | { kind: 'value'; path: string; typed: string };

/** Completion items at `position`. */
export function complete(check: ManifestCheck, position: Position, providers: Providers): CompletionItem[] {
  const lines = check.document.getText().split(/\r?\n/);
  const ctx = contextAt(lines, position);
  if (!ctx) return [];
  if (ctx.kind === 'key') return keyItems(check, ctx.parent);
  if (ctx.path in PATH_FILES) return pathItems(ctx.path, ctx.typed, check.modelBase.dir, position);
  return valueItems(check, ctx.path, ctx.typed, position, providers);
}

/** Where the cursor is: after which parent, typing a key or a value. Exported for unit tests. */
export function contextAt(lines: readonly string[], position: Position): Context | null {
  const prefix = (lines[position.line] ?? '').slice(0, position.character);
  // Inside a flow mapping on this line: `budgets: {ram: 180KiB, fl|`.
  const flow = /(?:^|[\s{,])([\w-]+):\s*\{([^{}]*)$/.exec(prefix);
  if (flow) {
    const outer = parentOf(lines, position.line, indentOf(prefix));
    const parent = join(outer, flow[1] ?? '');
    const segment = (flow[2] ?? '').split(',').pop() ?? '';
    const pair = /^\s*([\w-]+):\s*(\S*)$/.exec(segment);
    if (pair) return { kind: 'value', path: join(parent, pair[1] ?? ''), typed: pair[2] ?? '' };
    return /^\s*[\w-]*$/.test(segment) ? { kind: 'key', parent } : null;
  }
  const key = /^(\s*)(?:-\s+)?[\w-]*$/.exec(prefix);
  if (key) return { kind: 'key', parent: parentOf(lines, position.line, (key[1] ?? '').length) };
  const value = /^(\s*)([\w-]+):\s*(\S*|["'][^"']*)$/.exec(prefix);
  if (value) {
    const parent = parentOf(lines, position.line, (value[1] ?? '').length);
    return { kind: 'value', path: join(parent, value[2] ?? ''), typed: value[3] ?? '' };
  }
  return null;
}

/** The dotted path of the block mapping that a line at `indent` belongs to, from the less-indented `key:` lines above. */
function parentOf(lines: readonly string[], line: number, indent: number): string {
  const path: string[] = [];
  let limit = indent;
  for (let i = line - 1; i >= 0 && limit > 0; i--) {
    const text = lines[i] ?? '';
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    const ind = indentOf(text);
    if (ind >= limit) continue;
    const m = /^\s*([\w-]+):\s*(#.*)?$/.exec(text);
    if (!m) return path.join('.'); // a less-indented line that opens no mapping: we are not in a known section
    path.unshift(m[1] ?? '');
    limit = ind;
  }
  return path.join('.');
}

function indentOf(text: string): number {
  return /^\s*/.exec(text)?.[0].length ?? 0;
}

function join(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

function keyItems(check: ManifestCheck, parent: string): CompletionItem[] {
  const fields = fieldsAt(parent);
  if (!fields) return [];
  const present = new Set(check.parse.manifest.fields.map((f) => f.path));
  return Object.entries(fields)
    .filter(([name]) => !present.has(join(parent, name)))
    .map(([name, spec]) => ({
      label: name,
      kind: spec.value.type === 'section' ? CompletionItemKind.Module : CompletionItemKind.Property,
      detail: spec.doc,
      insertText: `${name}: `,
    }));
}

function valueItems(check: ManifestCheck, path: string, typed: string, position: Position, providers: Providers): CompletionItem[] {
  if (path === 'runtime') {
    return providers.runtimes.all().map((r) => ({ label: r.id, kind: CompletionItemKind.EnumMember, documentation: { kind: 'markdown', value: r.description } }));
  }
  if (path === 'target') {
    const board: CompletionItem = {
      label: '{sram, flash, core, clock}',
      kind: CompletionItemKind.Snippet,
      detail: 'Inline board',
      insertText: '{sram: ${1:256KiB}, flash: ${2:1MiB}, core: ${3:cortex-m4f}, clock: ${4:64MHz}}',
      insertTextFormat: InsertTextFormat.Snippet,
    };
    // Ranked by fit: the list keeps this order (sortText), the verdict shows beside each id.
    const ranked = rankTargets(check, providers).map((t, i): CompletionItem => ({
      label: t.entry.id,
      labelDetails: { description: t.verdict },
      kind: CompletionItemKind.Value,
      detail: t.entry.detail,
      sortText: String(i).padStart(5, '0'),
      ...(i === 0 && t.fits === true ? { preselect: true } : {}),
    }));
    return [...ranked, { ...board, sortText: '99999' }];
  }
  const spec = fieldAt(path);
  if (spec?.value.type !== 'quantity') return [];
  // A number typed so far (`180`, `1.5`, `180K`): offer it with each unit, replacing what was typed.
  const number = /^(\d+(?:\.\d*)?)[A-Za-z]*$/.exec(typed)?.[1] ?? (typed === '' ? '' : null);
  if (number === null) return [];
  const range = { start: { line: position.line, character: position.character - typed.length }, end: position };
  return Object.keys(UNITS[spec.value.kind]).map((unit, i) => {
    const text = `${number}${unit}`;
    return { label: number === '' ? unit : text, kind: CompletionItemKind.Unit, sortText: String(i), filterText: text, textEdit: { range, newText: text } };
  });
}
