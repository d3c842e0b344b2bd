/** File watchers for TF.js weight shards whose names the client's `*.bin` watcher does not cover. */
import { basename } from 'node:path';

/** Registers one watcher per shard name (`**\/NAME`), once per name; names with glob characters are left out. */
export class ShardWatchers {
  private readonly watched = new Set<string>();

  constructor(private readonly register: (globs: string[]) => void) {}

  watch(shardPaths: readonly string[]): void {
    const names = [...new Set(shardPaths.map((p) => basename(p)))]
      .filter((n) => !/\.bin$/i.test(n) && !/[*?[\]{}]/.test(n) && !this.watched.has(n));
    if (names.length === 0) return;
    for (const n of names) this.watched.add(n);
    this.register(names.map((n) => `**/${n}`));
  }
}
