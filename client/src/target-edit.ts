/** Where Select Target writes in a manifest's text. Pure (no editor API), so it is unit-tested on its own. */

/** A replacement of `[start, end)` in the text by `text`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * The edit that makes the manifest's top-level `target:` the catalog id `id`: it replaces a scalar, a flow mapping
 * (`{sram: ..}`) or a block mapping (the indented lines below `target:`), keeps a trailing comment, and adds the key
 * after `model:` (or at the top) when there is none.
 */
export function targetEdit(text: string, id: string): TextEdit {
  if (/^\s*\{/.test(text)) return jsonTargetEdit(text, id);
  const line = /^target:[ \t]*(.*)$/m.exec(text);
  if (!line) {
    const model = /^model:.*$/m.exec(text);
    if (model) return { start: model.index + model[0].length, end: model.index + model[0].length, text: `\ntarget: ${id}` };
    return { start: 0, end: 0, text: `target: ${id}\n` };
  }
  const valueStart = line.index + line[0].length - line[1]!.length;
  const rest = line[1]!;
  if (rest === '' || rest.startsWith('#')) {
    // A block mapping: drop the indented lines that belong to it (comments and blank lines between them included).
    const after = line.index + line[0].length;
    const block = /^(?:\n(?:[ \t]+.*|[ \t]*))*/.exec(text.slice(after))![0].replace(/(\n[ \t]*)+$/, '');
    return { start: line.index + 'target:'.length, end: after + block.length, text: ` ${id}${rest ? ` ${rest}` : ''}` };
  }
  const flow = rest.startsWith('{') ? /^\{[^}]*\}/.exec(rest)?.[0] : undefined;
  const scalar = flow ?? /^[^#]*?(?=[ \t]*(#|$))/.exec(rest)![0];
  return { start: valueStart, end: valueStart + scalar.length, text: id };
}

/** The same for a `*.tinyml.json` manifest: replace the `"target"` value, or add it as the first member. */
function jsonTargetEdit(text: string, id: string): TextEdit {
  const m = /"target"\s*:\s*("(?:[^"\\]|\\.)*"|\{[^}]*\})/.exec(text);
  if (m) {
    const start = m.index + m[0].length - m[1]!.length;
    return { start, end: start + m[1]!.length, text: JSON.stringify(id) };
  }
  const open = text.indexOf('{') + 1;
  const empty = /^\s*\}/.test(text.slice(open));
  return { start: open, end: open, text: `\n  "target": ${JSON.stringify(id)}${empty ? '\n' : ','}` };
}
