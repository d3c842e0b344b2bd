/** Messages between the model viewer's webview and its host (the custom editor). Types only: both sides import them. */
import type { ViewerResult } from '../../../server/src/lsp/viewer-protocol.js';

/** One side of the view: the model, and the runtime and target it is shown on (target '' for none). */
export interface ViewSide {
  readonly result: ViewerResult;
  /** What the side is, for compare headings: the file name with its runtime and target. */
  readonly label: string;
}

/** Host -> webview. */
export type ToWebview =
  /** The view to draw; `compare` when compare mode is on. */
  | { readonly type: 'view'; readonly primary: ViewSide; readonly compare: ViewSide | null }
  /** A request is under way (the pickers changed, the file changed on disk). */
  | { readonly type: 'busy' };

/** The runtime and target a side is shown on. */
export interface SideOptions {
  readonly runtime: string;
  readonly target: string;
}

/** Webview -> host. */
export type FromWebview =
  | { readonly type: 'ready' }
  /** A picker changed: `side` 0 is the model, 1 the compared side. */
  | { readonly type: 'options'; readonly side: 0 | 1; readonly options: SideOptions }
  /** "Compare with…": pick another model file. */
  | { readonly type: 'compareModel' }
  /** Compare this model with itself on another runtime or target (the second pickers choose). */
  | { readonly type: 'compareRuntime' }
  | { readonly type: 'closeCompare' }
  /** Sent after each render: what is on the page (the host's state, for tests). */
  | { readonly type: 'rendered'; readonly state: RenderedState };

/** What the page shows, as counts and names (tests read it through the extension's API). */
export interface RenderedState {
  readonly kind: 'model' | 'error';
  readonly tab: string;
  readonly layers: number;
  readonly buffers: number;
  readonly graphNodes: number;
  readonly compareRows: number;
  readonly status: string;
}
