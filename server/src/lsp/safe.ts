/**
 * The server never dies on bad input: each feature runs inside `guarded`, which turns an exception into a logged
 * error and the feature's empty result, so one broken hover cannot take diagnostics down with it.
 */

/** Where failures are reported (the connection's console in the server; an array in tests). */
export type Logger = (message: string) => void;

/** Runs `fn`; on an exception logs `feature` and the error, and returns `empty`. */
export function guarded<T>(feature: string, log: Logger, empty: T, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const err = e as Error;
    log(`tinyml-lens: ${feature} failed: ${err?.stack ?? String(e)}`);
    return empty;
  }
}

/** `guarded` for a feature that answers asynchronously: a rejection is logged too and yields `empty`. */
export async function guardedAsync<T>(feature: string, log: Logger, empty: T, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e as Error;
    log(`tinyml-lens: ${feature} failed: ${err?.stack ?? String(e)}`);
    return empty;
  }
}
