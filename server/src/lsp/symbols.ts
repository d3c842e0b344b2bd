/**
 * Document symbols for a manifest (the Outline view, breadcrumbs, Go to Symbol): every key as written, sections with
 * their keys as children, scalar values as the detail. Built from the parse's field list, so a manifest with a syntax
 * error still gets the symbols of what parsed.
 */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { fieldAt } from '../manifest/keys.js';
import type { FieldOccurrence } from '../manifest/types.js';
import type { ManifestCheck } from './workspace.js';

/** Longest detail shown beside a symbol; a longer value is cut with an ellipsis. */
const DETAIL_CHARS = 60;

/** The manifest's keys as a tree, in document order. */
export function documentSymbols(check: Pick<ManifestCheck, 'document' | 'parse'>): DocumentSymbol[] {
  const doc = check.document;
  const text = doc.getText();
  const roots: DocumentSymbol[] = [];
  // Fields come in document order, each parent before its children: a stack of the open ancestors finds the parent.
  const open: { symbol: DocumentSymbol; end: number }[] = [];
  for (const field of check.parse.manifest.fields) {
    while (open.length > 0 && !(field.keySpan.start < open[open.length - 1]!.end)) open.pop();
    const end = Math.max(field.valueSpan.end, field.keySpan.end);
    const symbol: DocumentSymbol = {
      name: field.path.slice(field.path.lastIndexOf('.') + 1) || field.path,
      kind: kindOf(field, text),
      range: { start: doc.positionAt(field.keySpan.start), end: doc.positionAt(end) },
      selectionRange: { start: doc.positionAt(field.keySpan.start), end: doc.positionAt(field.keySpan.end) },
      children: [],
    };
    const detail = detailOf(text.slice(field.valueSpan.start, field.valueSpan.end));
    if (detail) symbol.detail = detail;
    const parent = open[open.length - 1];
    if (parent) parent.symbol.children!.push(symbol);
    else roots.push(symbol);
    open.push({ symbol, end });
  }
  return roots;
}

function kindOf(field: FieldOccurrence, text: string): SymbolKind {
  const spec = fieldAt(field.path);
  const value = text.slice(field.valueSpan.start, field.valueSpan.end).trim();
  if (spec?.value.type === 'section' || spec?.value.type === 'shapes' || (spec?.value.type === 'target' && isMapping(value))) return SymbolKind.Module;
  if (spec?.value.type === 'path') return SymbolKind.File;
  if (spec?.value.type === 'quantity' || spec?.value.type === 'integer' || spec?.value.type === 'number') return SymbolKind.Number;
  if (spec) return SymbolKind.String;
  return isMapping(value) ? SymbolKind.Module : SymbolKind.Property;
}

/** A block mapping's text starts on the next line (a key), a flow mapping with `{`. */
function isMapping(value: string): boolean {
  return value.startsWith('{') || /^[\w"'-]+\s*:/.test(value);
}

/** One line of a scalar value (quotes kept off); nothing for a mapping, which shows as children instead. */
function detailOf(raw: string): string | null {
  const value = raw.trim();
  if (value === '' || isMapping(value) || value.includes('\n')) return null;
  const plain = value.replace(/^(['"])(.*)\1$/, '$2');
  return plain.length > DETAIL_CHARS ? `${plain.slice(0, DETAIL_CHARS - 1)}…` : plain;
}
