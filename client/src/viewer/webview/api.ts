/** The page's one handle on its host (acquireVsCodeApi may be called once), and the state kept across reloads. */
import type { FromWebview } from '../messages.js';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

/** Sends a message to the host. */
export function post(message: FromWebview): void {
  api.postMessage(message);
}

/** What the page remembers when it is hidden and shown again (the host re-posts the figures). */
export interface PageState {
  tab: string;
  filter: string;
  sort: { column: string; descending: boolean };
  subgraph: number;
}

const DEFAULT_STATE: PageState = { tab: 'layers', filter: '', sort: { column: 'index', descending: false }, subgraph: 0 };

export function pageState(): PageState {
  const s = api.getState() as Partial<PageState> | undefined;
  return { ...DEFAULT_STATE, ...(s ?? {}) };
}

export function savePageState(patch: Partial<PageState>): void {
  api.setState({ ...pageState(), ...patch });
}
