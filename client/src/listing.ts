/**
 * The `tinyml-listing:` documents: read-only text the server renders for a model (its listing request). The provider
 * re-fires when the model file changes on disk so an open listing follows the model.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LISTING_SCHEME, ListingRequest } from '../../server/src/lsp/protocol.js';
import { listingModel } from './manifests.js';

export class ListingProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Set<string>();
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*.{tflite,json}', true, false, true);

  constructor(private readonly client: LanguageClient) {
    this.watcher.onDidChange((file) => {
      for (const key of this.open) {
        const uri = vscode.Uri.parse(key);
        if (listingModel(uri).fsPath === file.fsPath) this.changed.fire(uri);
      }
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.open.add(uri.toString());
    try {
      const result = await this.client.sendRequest(ListingRequest.type, { uri: uri.toString() });
      return result.text;
    } catch (e) {
      return `The server could not render this listing: ${(e as Error).message}\n`;
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.watcher.dispose();
  }
}

/** Registers the provider for the listing scheme. */
export function registerListing(client: LanguageClient): vscode.Disposable[] {
  const provider = new ListingProvider(client);
  return [provider, vscode.workspace.registerTextDocumentContentProvider(LISTING_SCHEME, provider)];
}
