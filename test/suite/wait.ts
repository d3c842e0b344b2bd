/** Waiting on conditions, never on fixed sleeps: poll a predicate until it yields a value or the deadline passes. */

/** Resolves to the first truthy value of `probe`; rejects with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Thenable<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    // The polling interval: how often the condition is re-read, not a wait for something to happen.
    await new Promise((r) => setTimeout(r, 50));
  }
}
