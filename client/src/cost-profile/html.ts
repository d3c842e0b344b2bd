/** The extension's webview pages (cost profile, model viewer): a strict CSP with a per-load nonce, only the bundled script and stylesheet. */
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** A fresh nonce for each page load (the CSP allows only scripts carrying it). */
export function nonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The policy of every page of the extension: nothing but the extension's own files, scripts only with the nonce, no
 * inline style attributes (scripts set style properties through the CSSOM instead).
 */
function contentSecurityPolicy(webview: vscode.Webview, n: string): string {
  return [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
}

/** A page of the extension (cost profile, model viewer): the CSP, one stylesheet, one script, and its first markup. */
export interface PageSpec {
  readonly script: vscode.Uri;
  readonly style: vscode.Uri;
  readonly nonce: string;
  /** Plain text (escaped here). */
  readonly title: string;
  /** The `<main>` element shown until the script renders (trusted markup, never model data). */
  readonly main: string;
}

/** The HTML of a page; `script` and `style` are webview URIs under the extension's localResourceRoots. */
export function webviewPage(webview: vscode.Webview, page: PageSpec): string {
  const title = page.title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview, page.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${page.style}">
<title>${title}</title>
</head>
<body>
${page.main}
<script nonce="${page.nonce}" src="${page.script}"></script>
</body>
</html>`;
}

/** The cost profile's page. */
export function pageHtml(webview: vscode.Webview, script: vscode.Uri, style: vscode.Uri, n: string): string {
  return webviewPage(webview, { script, style, nonce: n, title: 'Cost profile', main: '<main id="app" aria-live="polite"><p id="status">Waiting for the language server…</p></main>' });
}
