/** The model viewer's page: the extension's page (strict CSP, shared with the cost profile), the viewer's script and style. */
import type * as vscode from 'vscode';
import { webviewPage } from '../cost-profile/html.js';

/** The HTML of the page; `script` and `style` are webview URIs under the extension's localResourceRoots. */
export function viewerHtml(webview: vscode.Webview, script: vscode.Uri, style: vscode.Uri, nonce: string, title: string): string {
  return webviewPage(webview, { script, style, nonce, title, main: '<main id="app" aria-busy="true"><p id="status" role="status">Analysing the model…</p></main>' });
}
