/**
 * Theme colours for what is drawn on a canvas (the rest of the page uses CSS variables directly, so it follows a theme
 * change by itself). VS Code swaps the body's class and variables on a theme change: observers redraw then.
 */

/** A VS Code theme colour by CSS variable, with a fallback for a variable the theme leaves unset. */
export function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** The editor font, for canvas text. */
export function themeFont(): string {
  const s = getComputedStyle(document.body);
  return `${s.getPropertyValue('--vscode-editor-font-size').trim() || '12px'} ${s.getPropertyValue('--vscode-font-family').trim() || 'sans-serif'}`;
}

/** Calls `redraw` whenever the theme changes (body class or style attribute). */
export function onThemeChange(redraw: () => void): void {
  new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-id'] });
}
