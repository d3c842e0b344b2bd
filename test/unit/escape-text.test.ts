/**
 * The escaping functions of analysis/text.ts on seeded hostile strings: terminal text keeps no control character,
 * Markdown text and code spans render as exactly the (visible) text. Rendering goes through markdown-it where it is
 * installed (a dev dependency of @vscode/vsce), with raw HTML enabled so any HTML that got through would show;
 * the structural checks run either way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markdownCode, markdownText, visible, visibleBlock } from '../../server/src/analysis/text.js';
import { mulberry32 } from '../../server/src/model/builder/index.js';

type Renderer = { render(s: string): string };
let md: Renderer | null = null;
try {
  const MarkdownIt = require('markdown-it') as new (o: object) => Renderer;
  md = new MarkdownIt({ html: true });
} catch {
  md = null;
}
const noRenderer = md === null ? 'markdown-it is not installed: rendering checks skipped' : false;

/** Characters that mean something to a terminal, a Markdown renderer or a table, and a few letters. */
const ALPHABET = ['`', '``', '[', ']', '(', ')', '](', '![', '<', '>', '<img src=x>', '&amp;', '*', '_', '#', '|', '\\', '!', ':', ' ', '  ',
  '\n', '\r\n', '\t', '\u0000', '\u001b[31m', '\u001b]0;t\u0007', '\u007f', '\u009b', '\u2028', '\u2029', '\u202e', '\u2066', '\ufeff',
  'a', 'Z', '0', 'é', '模', '\ud83d\ude00', 'http://x.y', 'www.e.com', 'WWW.', 'a@b.co', '_', 'x_', '_x', '-', '+', '1.', '2)', '>', '~', '~~',
  '=', '#', '.', '/', ':'];

function hostileStrings(count: number, seed: number): string[] {
  const next = mulberry32(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const n = Math.floor(next() * 12);
    for (let j = 0; j < n; j++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
    out.push(s);
  }
  return out;
}
const STRINGS = hostileStrings(1500, 14);
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

test('visible: no control character survives, printable text is unchanged, ESC reads as \\x1b', () => {
  for (const s of STRINGS) {
    const v = visible(s);
    assert.doesNotMatch(v, CONTROLS, JSON.stringify(s));
    assert.equal(visible(v), v, 'idempotent on its own output');
  }
  assert.equal(visible('op\u001b[31m\n'), 'op\\x1b[31m\\x0a');
  assert.equal(visible('a\u202eb\u009bc\u007f'), 'a\\u202eb\\u009bc\\u007f');
  assert.equal(visible('CONV_2D model.tflite é'), 'CONV_2D model.tflite é');
});

test('visibleBlock: keeps lines and tabs, and a block of JSON stays JSON with the same data', () => {
  for (const s of STRINGS) {
    const json = JSON.stringify({ name: s, list: [s, 1] }, null, 2);
    const safe = visibleBlock(json);
    assert.doesNotMatch(safe.replace(/[\n\t]/g, ''), CONTROLS);
    assert.deepEqual(JSON.parse(safe), { name: s, list: [s, 1] }, JSON.stringify(s));
  }
  assert.equal(visibleBlock('a\n\tb\u001bc'), 'a\n\tb\\x1bc');
});

test('markdownText and markdownCode: one line, no unescaped link, image, HTML or backtick run that ends the span', () => {
  assert.equal(markdownText('DEPTHWISE_CONV_2D model.tflite CUSTOM:Foo'), 'DEPTHWISE_CONV_2D model.tflite CUSTOM:Foo');
  assert.equal(markdownText('_a_ *b* [c](d) <e> f|g www.h.io http://i a@b 1. #'), '\\_a\\_ \\*b\\* \\[c\\](d) \\<e\\> f\\|g www\\.h.io http\\://i a\\@b 1. #');
  assert.equal(markdownText('# x'), '\\# x');
  assert.equal(markdownText('12) x'), '12\\) x');
  for (const s of STRINGS) {
    const t = markdownText(s);
    assert.doesNotMatch(t, /[\n\r]/);
    // Outside backslash escapes: no character that makes inline syntax, no `_` at a word edge, no bare-URL or e-mail
    // autolink, no block marker at the start.
    const bare = t.replace(/\\[!-/:-@[-`{-~]/g, '\u0001');
    assert.doesNotMatch(bare, /[\\`*~[\]<>&|@]|(^|[^A-Za-z0-9])_|_([^A-Za-z0-9]|$)|:\/\/|www\.|^([#+=-]|\d+[.)])/i, JSON.stringify(t));
    const c = markdownCode(s);
    assert.doesNotMatch(c, /[\n\r]/);
    const fence = /^`+/.exec(c)![0];
    assert.ok(c.endsWith(fence), c);
    const inner = c.slice(fence.length, c.length - fence.length);
    assert.ok(!new RegExp(`(^|[^\`])${fence}([^\`]|$)`).test(inner), `a run of ${fence.length} backticks inside ${c}`);
  }
});

test('markdownText and markdownCode render as exactly the visible text (markdown-it)', { skip: noRenderer }, () => {
  for (const s of STRINGS) {
    const framed = `x${s}x`; // a paragraph trims its ends; the frame keeps them
    assert.equal(md!.render(markdownText(framed)).trim(), `<p>${html(visible(framed))}</p>`, JSON.stringify(s));
    // Unframed, at the start of a line: no heading, list, quote or rule either.
    const v = visible(s);
    if (v !== '' && v.trim() === v) assert.equal(md!.render(markdownText(s)).trim(), `<p>${html(v)}</p>`, JSON.stringify(s));
    if (visible(s).trim() !== '') assert.equal(md!.render(markdownCode(s)).trim(), `<p><code>${html(visible(s))}</code></p>`, JSON.stringify(s));
    // In a GFM table cell: one row, two cells, the text intact.
    const table = md!.render(`| a | b |\n| --- | --- |\n| ${markdownCode(framed, { table: true })} | ${markdownText(framed)} |\n`).replace(/\n/g, '');
    assert.equal(table, `<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td><code>${html(visible(framed))}</code></td><td>${html(visible(framed))}</td></tr></tbody></table>`, JSON.stringify(s));
  }
});
