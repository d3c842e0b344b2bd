/** The cost-profile webview's page: a strict CSP with a per-load nonce, only the bundled script and stylesheet. */
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
export function contentSecurityPolicy(webview: vscode.Webview, n: string): string {
  return [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
}

/** The HTML of the page; `script` and `style` are webview URIs under the extension's localResourceRoots. */
export function pageHtml(webview: vscode.Webview, script: vscode.Uri, style: vscode.Uri, n: string): string {
  const csp = contentSecurityPolicy(webview, n);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style}">
<title>Cost profile</title>
</head>
<body>
<main id="app" aria-live="polite"><p id="status">Waiting for the language server…</p></main>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
}
