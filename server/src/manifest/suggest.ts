/** "Did you mean" for keys, runtimes and target ids. */

/** Levenshtein distance (insert, delete, substitute; case-insensitive, since `Ram` for `ram` is a typo too). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[t.length] ?? 0;
}

/**
 * Candidates close to `word`, best first: within a third of the word's length (at least 2 edits), or sharing a
 * prefix of 4+ characters (`tflm` -> `tflm-cmsis-nn`). Empty when nothing is plausibly meant.
 */
export function suggest(word: string, candidates: readonly string[], limit = 3): string[] {
  const budget = Math.max(2, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  return candidates
    .map((c) => ({ c, d: editDistance(word, c) }))
    .filter(({ c, d }) => d <= budget || (lower.length >= 4 && c.toLowerCase().startsWith(lower)))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map(({ c }) => c);
}

/** `" (did you mean 'x'?)"` for the closest candidates of `word`, or '' when none is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const close = suggest(word, [...new Set(candidates)]);
  return close.length ? ` (did you mean ${close.map((c) => `'${c}'`).join(' or ')}?)` : '';
}
