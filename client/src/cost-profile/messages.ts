/** Messages between the cost-profile webview and its host (the extension). Types only: both sides import them. */
import type { CostProfileResult } from '../../../server/src/lsp/protocol.js';

/** Host -> webview. */
export type ToWebview = { readonly type: 'profile'; readonly result: CostProfileResult; readonly trusted: boolean };

/** Webview -> host. */
export type FromWebview =
  | { readonly type: 'ready' }
  /** Sent after each render: the headline figures as displayed (tests and the host's state read them). */
  | { readonly type: 'rendered'; readonly figures: Readonly<Record<string, string>>; readonly charts: number }
  | { readonly type: 'edit'; readonly key: string }
  | { readonly type: 'export'; readonly format: 'markdown' | 'json' };
