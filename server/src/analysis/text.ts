/**
 * Showing untrusted text: names and strings from a model (op names, tensor names, signature names, metadata) or from
 * the file system (a model's file name) reach terminals, Markdown hovers and generated C++. Each output has one
 * escaping function here (C++ has its own in codegen/cpp.ts); adapters call them where such a string is inserted.
 * Pure: no I/O.
 */

/**
 * Characters a terminal or an editor may act on rather than show: C0 controls, DEL, C1 controls (U+009B is a CSI on
 * some terminals), the line and paragraph separators, and the bidirectional controls that reorder what follows
 * (U+202E right-to-left override and friends, the Unicode "Trojan Source" set), plus the BOM.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** The same set without newline and tab, for whole blocks of output whose own line structure is wanted. */
const CONTROL_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * A control character spelled out: `\x1b` for C0 (as terminals and C write it), `\u009b`-style above (also a valid
 * JSON escape, so a block of JSON output stays valid JSON after `visibleBlock`: JSON.stringify already escapes C0).
 */
function spell(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * One untrusted string for a line of terminal or plain-text output: every control character (newline and tab too)
 * spelled out, so the string can neither move the cursor, recolour, retitle or reorder the terminal, nor start a line.
 */
export function visible(s: string): string {
  return s.replace(CONTROL, spell);
}

/**
 * A whole block of output about to be written (text, JSON or SARIF): newlines and tabs kept, every other control
 * character spelled out. The last line of defence at the CLI's writer, behind `visible` on each inserted string.
 */
export function visibleBlock(s: string): string {
  return s.replace(CONTROL_IN_BLOCK, spell);
}

/**
 * The characters that can give untrusted text meaning in CommonMark + GFM (as VS Code renders hovers): backslash,
 * backtick, emphasis and strikethrough markers, link and image brackets, HTML and autolink angle brackets, entities,
 * table pipes, e-mail autolinks; `_` unless between letters or digits (where it emphasizes nothing, so `CONV_2D` stays
 * as written); the `:` of `scheme://` and the `.` of `www.` (GFM's bare-URL autolinks).
 */
const MD_SPECIAL = /[\\`*~[\]<>&|@]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|:(?=\/\/)|(?<=www)\./gi;
/**
 * Untrusted text inside Markdown (a hover, a tooltip), shown literally: controls spelled out (no newline can start a
 * block, a heading or a table row), then every character that could make emphasis, a link, an image, an autolink, HTML,
 * an entity or a table cell boundary backslash-escaped, and a block marker at its start too (callers may put it at the
 * start of a line or a list item). Plain names (`DEPTHWISE_CONV_2D`, `model.tflite`) come out unchanged. Valid in GFM
 * table cells too.
 */
export function markdownText(s: string): string {
  // Then a block marker at the start: `#`, `+`, `=`, `-` (`>` is escaped already), and the `.` or `)` of `1.` / `1)`.
  return visible(s).replace(MD_SPECIAL, '\\$&').replace(/^[#+=-]/, '\\$&').replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * Untrusted text as a Markdown code span, shown literally. Backslash escapes do not work inside code spans, so the
 * fence is one backtick longer than the longest backtick run in the text, with a space inside when the text starts
 * or ends with a backtick (CommonMark strips one such space). Controls are spelled out first (a newline would let the
 * next line start a block). `table`: the span sits in a GFM table cell, where a `|` ends the cell even inside a code
 * span; GFM turns `\|` back into `|` there, so pipes are escaped.
 */
export function markdownCode(s: string, opts: { table?: boolean } = {}): string {
  let text = visible(s);
  if (opts.table) text = text.replace(/\|/g, '\\|');
  if (text === '') return '` `';
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^ *$/.test(text) ? '' : text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
