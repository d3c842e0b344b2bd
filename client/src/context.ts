/** What every command factory gets: the client, the log, the panels, and what the user last looked at. */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { CostProfilePanel } from './cost-profile/panel.js';
import type { RestartPolicy } from './restart-policy.js';

export interface ExtensionState {
  readonly extension: vscode.ExtensionContext;
  readonly client: LanguageClient;
  readonly policy: RestartPolicy;
  readonly output: vscode.LogOutputChannel;
  readonly costProfile: CostProfilePanel;
  /** The manifest most recently active in an editor (commands fall back to it when a webview has the focus). */
  lastManifest: vscode.Uri | undefined;
}
