import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import type { LspClient } from './lsp-client.ts';
import type { TestWorkspace } from './workspace.ts';

/** Opens manifest `name` with `text` and returns the Markdown of the hover on its first line's model path. */
export async function modelHover(client: LspClient, ws: TestWorkspace, name: string, text: string): Promise<string> {
  const uri = ws.uri(name);
  await client.open(uri, text);
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 10 } });
  return (h?.contents as MarkupContent | undefined)?.value ?? '';
}
