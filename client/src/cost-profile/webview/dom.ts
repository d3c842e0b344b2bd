/** Tiny DOM helpers for the webview: elements from data, never from HTML strings (no injection from model names). */

type Child = Node | string;

/** `el('p', {class: 'x'}, 'text', child)`. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A table with a header row; cells may be text or elements. */
export function table(id: string, header: readonly string[], rows: readonly (readonly Child[])[]): HTMLTableElement {
  return el('table', { id },
    el('thead', {}, el('tr', {}, ...header.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c)))))));
}
