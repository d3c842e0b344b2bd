/**
 * The extension's webview pages (cost profile, model viewer): a strict CSP with a per-load nonce, only the bundled
 * script and the extension's stylesheets (media/base.css, shared by every page, then the page's own).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

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

/** A page of the extension (cost profile, model viewer): the CSP, the stylesheets, one script, and its first markup. */
export interface PageSpec {
  /** The page's name: its script is `dist/webview/<name>.js`, its own stylesheet `media/<name>.css`. */
  readonly name: 'cost-profile' | 'viewer';
  readonly nonce: string;
  /** Plain text (escaped here). */
  readonly title: string;
  /** The `<main>` element shown until the script renders (trusted markup, never model data). */
  readonly main: string;
}

/** Where a page's files are: the webview's localResourceRoots. */
export interface PageRoots {
  readonly media: vscode.Uri;
  readonly bundle: vscode.Uri;
}

/** The folders every page loads from (give them to the webview as its localResourceRoots). */
export function pageRoots(extensionUri: vscode.Uri): PageRoots {
  return { media: vscode.Uri.joinPath(extensionUri, 'media'), bundle: vscode.Uri.joinPath(extensionUri, 'dist', 'webview') };
}

/** The HTML of a page, its files loaded from `roots` (the webview's localResourceRoots). */
export function webviewPage(webview: vscode.Webview, roots: PageRoots, page: PageSpec): string {
  const uri = (root: vscode.Uri, file: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(root, file));
  const styles = ['base.css', `${page.name}.css`].map((f) => `<link rel="stylesheet" href="${uri(roots.media, f)}">`).join('\n');
  const title = page.title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview, page.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${styles}
<title>${title}</title>
</head>
<body>
${page.main}
<script nonce="${page.nonce}" src="${uri(roots.bundle, `${page.name}.js`)}"></script>
</body>
</html>`;
}

/** The cost profile's page. */
export function pageHtml(webview: vscode.Webview, roots: PageRoots, n: string): string {
  return webviewPage(webview, roots, { name: 'cost-profile', nonce: n, title: 'Cost profile', main: '<main id="app" aria-live="polite"><p id="status">Waiting for the language server…</p></main>' });
}
