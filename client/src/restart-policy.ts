/**
 * When to restart a crashed language server: a crash now and then is restarted, repeated crashes within a window
 * stop the restarts (a server that dies on every start would otherwise spin forever). Pure, so it is unit-testable.
 */

/** What to do after the server's connection closed. */
export type RestartDecision = { readonly restart: true } | { readonly restart: false; readonly message: string };

export class RestartPolicy {
  private readonly crashes: number[] = [];

  /**
   * @param maxCrashes restarts allowed within `windowMs` before giving up
   * @param windowMs the window crashes are counted in
   */
  constructor(
    private readonly maxCrashes = 4,
    private readonly windowMs = 3 * 60_000,
  ) {}

  /** Records a crash at `now` and decides. */
  onCrash(now = Date.now()): RestartDecision {
    this.crashes.push(now);
    while (this.crashes.length > 0 && now - this.crashes[0]! > this.windowMs) this.crashes.shift();
    if (this.crashes.length <= this.maxCrashes) return { restart: true };
    const minutes = Math.round(this.windowMs / 60_000);
    return {
      restart: false,
      message: `The TinyML Lens server crashed ${this.crashes.length} times in ${minutes} minutes and will not be restarted. ` +
        'See the "TinyML Lens" output for its log, then run "TinyML: Restart Language Server".',
    };
  }

  /** Forgets past crashes (after a manual restart). */
  reset(): void {
    this.crashes.length = 0;
  }
}
