/** The model viewer's page: the extension's page (strict CSP, shared with the cost profile), the viewer's script and style. */
import type * as vscode from 'vscode';
import { webviewPage, type PageRoots } from '../cost-profile/html.js';

/** The HTML of the page, its files loaded from `roots` (the webview's localResourceRoots). */
export function viewerHtml(webview: vscode.Webview, roots: PageRoots, nonce: string, title: string): string {
  return webviewPage(webview, roots, { name: 'viewer', nonce, title, main: '<main id="app" aria-busy="true"><p id="status" role="status">Analysing the model…</p></main>' });
}
