/**
 * The status bar item for the active manifest: "$(circuit-board) nrf52840 · RAM 79%", red when RAM or flash is over
 * budget or over the board; a click opens the cost profile. The figures come from the server's cost-profile request,
 * re-asked whenever the server re-publishes the manifest's diagnostics (after an edit, or the model changed on disk).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CostProfileRequest, type CostProfileResult } from '../../server/src/lsp/protocol.js';
import { formatPercent } from './format.js';
import { isManifestDocument } from './manifests.js';

/** The status text for a profile result ("nrf52840 · RAM 79%"), or null when there is nothing to show. */
export function statusText(r: CostProfileResult): string | null {
  if (r.kind !== 'ok') return null;
  const target = r.target?.id ?? r.target?.name ?? 'no target';
  const base = r.ramShare === null ? target : `${target} · RAM ${formatPercent(r.ramShare)}`;
  // The whole firmware (model + TFLM + application, the arena's region) may not fit though the model's own share does.
  const problems = r.whole?.problems ?? [];
  return problems.length === 0 ? base : `${base} · ${problems.includes('flash-overflow') ? 'flash overflows' : problems.includes('ram-overflow') ? 'RAM overflows' : 'arena region too small'}`;
}

export class ManifestStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tinymlLens.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Counts requests so a slow answer for an older editor never overwrites a newer one. */
  private generation = 0;
  /** The last text shown (tests read it through `tinymlLens._status`). */
  text: string | null = null;

  constructor(private readonly client: LanguageClient, showCommand: string) {
    this.item.name = 'TinyML Lens';
    this.item.command = showCommand;
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) void this.refresh();
      }),
    );
  }

  /** Re-asks the server for the active editor's manifest. */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !isManifestDocument(doc)) {
      // A webview or the output panel taking the focus is not a reason to hide what the user was looking at.
      if (vscode.window.activeTextEditor) this.hide();
      return;
    }
    let result: CostProfileResult;
    try {
      result = await this.client.sendRequest(CostProfileRequest.type, { uri: doc.uri.toString() });
    } catch {
      return;
    }
    if (generation !== this.generation) return;
    const text = statusText(result);
    if (text === null || result.kind !== 'ok') return this.hide();
    this.text = text;
    this.item.text = `$(circuit-board) ${text}`;
    this.item.tooltip = new vscode.MarkdownString(`**TinyML Lens** — ${result.overBudget ? 'over budget' : 'within budget'}\n\nModel \`${vscode.workspace.asRelativePath(result.modelPath)}\` with ${result.runtime}. Click for the cloud-vs-TinyML cost profile.`);
    this.item.backgroundColor = result.overBudget ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  private hide(): void {
    this.text = null;
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
