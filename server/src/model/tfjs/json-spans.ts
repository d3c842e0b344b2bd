/**
 * Where each value of a JSON text is: a small scanner that records the character span of every object member and
 * array element, so hovers and diagnostics can land on one layer's entry of a model.json. It assumes the text is
 * valid JSON (JSON.parse has accepted it); on anything else it stops and returns what it found so far.
 */

/** Character offsets into the text, end exclusive. */
export interface JsonSpan {
  readonly start: number;
  readonly end: number;
}

/** Spans of every value, keyed by its path: `modelTopology.config.layers.3` (array indices as numbers). */
export type SpanIndex = ReadonlyMap<string, JsonSpan>;

/** Indexes the spans of all values of `text` down to `maxDepth` levels (deeper values are skipped quickly). */
export function indexJsonSpans(text: string, maxDepth = 8): SpanIndex {
  const spans = new Map<string, JsonSpan>();
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string, depth: number): void => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      while (i < text.length && text[i] !== '}') {
        ws();
        const key = str();
        ws();
        i++; // colon
        value(path === '' ? key : `${path}.${key}`, depth + 1);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      ws();
      let n = 0;
      while (i < text.length && text[i] !== ']') {
        value(path === '' ? String(n) : `${path}.${n}`, depth + 1);
        n++;
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i] ?? '')) i++;
    }
    if (depth <= maxDepth) spans.set(path, { start, end: i });
  };
  try {
    value('', 0);
  } catch {
    // Invalid JSON: keep the spans found before the error.
  }
  return spans;
}
