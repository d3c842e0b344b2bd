/** Which manifest field the cursor is on: shared by hover, definition and links. */
import type { FieldOccurrence, Manifest } from '../manifest/types.js';

export interface FieldHit {
  readonly field: FieldOccurrence;
  /** True on the key, false on the value. */
  readonly onKey: boolean;
}

/** The innermost field whose key or value contains `offset` (ends inclusive, so the cursor just after a word hits it). */
export function fieldAtOffset(manifest: Manifest, offset: number): FieldHit | null {
  let best: FieldHit | null = null;
  for (const field of manifest.fields) {
    const onKey = offset >= field.keySpan.start && offset <= field.keySpan.end;
    const onValue = offset >= field.valueSpan.start && offset <= field.valueSpan.end;
    if (!onKey && !onValue) continue;
    // Nested fields lie inside their parent's value span; the deeper path wins.
    if (!best || field.path.split('.').length > best.field.path.split('.').length) best = { field, onKey };
  }
  return best;
}
