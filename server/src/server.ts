/**
 * The TinyML Lens language server (run as `node dist/server.js --stdio`, or over IPC by the extension).
 * Features live one per file under lsp/; this file only wires them to the connection.
 */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
  },
  serverInfo: { name: 'tinyml-lens', version: '0.1.0' },
}));

documents.listen(connection);
connection.listen();
