/**
 * TinyML: Select Target — every catalog board with its specs and whether the model fits (the server's targetFits
 * request; from a manifest its reserves, safety margin and latency budget count), the current board marked, then writes
 * the choice: into the active manifest's `target:` (an edit in the editor, saved by the user), or, without a
 * manifest, into the `tinymlLens.defaultTarget` setting. Without a model, a quick pick of the workspace's models.
 */
import * as vscode from 'vscode';
import { TargetFitsRequest, type TargetFit } from '../../../server/src/lsp/protocol.js';
import type { ExtensionState } from '../context.js';
import { isManifestDocument } from '../manifests.js';
import { formatBytes, formatMilliseconds } from '../format.js';
import { modelOrPick } from '../pick-model.js';
import { targetEdit } from '../target-edit.js';
import { wholeText } from '../fit-text.js';

type Item = vscode.QuickPickItem & { fit: TargetFit };

/**
 * One quick-pick row: "$(pass) nrf52840  Nordic nRF52840 · cortex-m4f, 64 MHz..." and the verdict below ("does not
 * fit: RAM +12 KiB · arena ... · ~42.5 ms"); the current board says so.
 */
export function targetItem(t: TargetFit, current?: string): Item {
  const icon = t.fits === true ? '$(pass)' : t.fits === false ? '$(error)' : '$(question)';
  const over = t.over && t.over.length > 0 ? `: ${t.over.join(', ')}` : '';
  const verdict = t.fits === true ? 'fits' : t.fits === false ? `does not fit${over}` : 'unknown';
  const ram = `arena ${formatBytes(t.arenaBytes)}${t.ramBytes !== null ? ` of ${formatBytes(t.ramBytes)} RAM` : ''}`;
  const flash = `model ${formatBytes(t.modelBytes)}${t.flashBytes !== null ? ` of ${formatBytes(t.flashBytes)} flash` : ''}`;
  const parts = [verdict, ram, flash, wholeText(t), t.latencyMs !== null ? `~${formatMilliseconds(t.latencyMs)}` : null, t.unsupportedOps && !over ? `${t.unsupportedOps} unsupported ops` : null, t.runtime];
  const mark = t.id === current ? '$(check) current · ' : '';
  return { label: `${icon} ${t.id}`, description: `${mark}${t.name} · ${t.detail}`, detail: parts.filter((p) => p !== null).join(' · '), fit: t };
}

/** The board in use: the active manifest's `target:` id, else the model folder's `tinymlLens.defaultTarget`. */
function currentTarget(model: vscode.Uri): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && isManifestDocument(doc)) return /^target:[ \t]*["']?([A-Za-z0-9._-]+)["']?[ \t]*(#.*)?$/m.exec(doc.getText())?.[1] ?? /"target"\s*:\s*"([^"]+)"/.exec(doc.getText())?.[1];
  return vscode.workspace.getConfiguration('tinymlLens', model).get<string>('defaultTarget') || undefined;
}

/** Shows the list; resolves to the chosen id (or undefined). `arg` may name the model; tests pass `{pick: id}`. */
export async function selectTarget(state: ExtensionState, arg: unknown): Promise<string | undefined> {
  const pickId = arg && typeof arg === 'object' && 'pick' in arg ? String((arg as { pick: unknown }).pick) : undefined;
  const model = await modelOrPick(pickId === undefined ? arg : undefined, 'choose a target for');
  if (!model) return undefined;
  // The settings of the model's workspace folder (a multi-root workspace may set another runtime per folder).
  const runtime = vscode.workspace.getConfiguration('tinymlLens', model).get<string>('defaultRuntime');
  const active = vscode.window.activeTextEditor?.document;
  const manifestUri = active && isManifestDocument(active) ? active.uri.toString() : undefined;
  const answer = await state.client.sendRequest(TargetFitsRequest.type, { modelUri: model.toString(), runtime, ...(manifestUri ? { manifestUri } : {}) });
  if (answer.error) {
    void vscode.window.showErrorMessage(`TinyML Lens: ${model.fsPath}: ${answer.error}`);
    return undefined;
  }
  const current = currentTarget(model);
  const items = answer.targets.map((t) => targetItem(t, current));
  const chosen = pickId !== undefined
    ? items.find((i) => i.fit.id === pickId)
    : await vscode.window.showQuickPick(items, { title: `Target for ${vscode.workspace.asRelativePath(model)}${manifestUri ? ' (with the manifest\'s reserves and budgets)' : ''}`, matchOnDescription: true, matchOnDetail: true, placeHolder: `Fitting boards first, smallest first${current ? `; now ${current}` : ''}` });
  if (!chosen) return undefined;
  await applyTarget(chosen.fit.id, model);
  return chosen.fit.id;
}

/**
 * Sets `target:` in the active manifest (replacing a scalar or inline board, or adding the key after `model:`); without
 * one, `tinymlLens.defaultTarget` of the model's workspace folder.
 */
async function applyTarget(id: string, model: vscode.Uri): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor && isManifestDocument(editor.document)) {
    const doc = editor.document;
    const change = targetEdit(doc.getText(), id);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.text);
    await vscode.workspace.applyEdit(edit);
    return;
  }
  // Settings are files too: in an untrusted workspace only the user's own settings change.
  const folder = vscode.workspace.getWorkspaceFolder(model);
  const scope = vscode.workspace.isTrusted && folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('tinymlLens', model).update('defaultTarget', id, scope);
  void vscode.window.showInformationMessage(`TinyML Lens: default target set to ${id}.`);
}
