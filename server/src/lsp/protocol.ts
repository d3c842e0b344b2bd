/** Custom messages of the TinyML Lens server, declared once (the client may import them too). */
import { RequestType0 } from 'vscode-languageserver';
import type { CacheStats } from './models.js';

/** `tinymlLens/stats`: model cache counters, so tests and benchmarks can see that an edit re-read nothing. */
export namespace StatsRequest {
  export const method = 'tinymlLens/stats';
  export const type = new RequestType0<CacheStats, void>(method);
}
