/** Line lookups and fix application for the firmware lint's tests (sources as text, fixes as offset edits). */
import assert from 'node:assert/strict';
import type { FirmwareFix } from '../../../server/src/firmware/lint.js';

/** 1-based line of offset `at`. */
export const lineOf = (text: string, at: number): number => text.slice(0, at).split('\n').length;

/** 1-based line of the only occurrence of `needle`. */
export function lineWith(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0 && text.indexOf(needle, at + 1) < 0, `'${needle}' occurs once`);
  return lineOf(text, at);
}

/** `text` with the fix's edits applied, last first so earlier offsets stay valid. */
export function applyFix(text: string, fix: FirmwareFix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}
