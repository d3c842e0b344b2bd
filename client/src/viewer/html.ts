/** The model viewer's page: the extension's strict CSP (shared with the cost profile), the bundled script and style. */
import type * as vscode from 'vscode';
import { contentSecurityPolicy } from '../cost-profile/html.js';

/** The HTML of the page; `script` and `style` are webview URIs under the extension's localResourceRoots. */
export function viewerHtml(webview: vscode.Webview, script: vscode.Uri, style: vscode.Uri, n: string, title: string): string {
  const safeTitle = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style}">
<title>${safeTitle}</title>
</head>
<body>
<main id="app" aria-busy="true"><p id="status" role="status">Analysing the model…</p></main>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
}
