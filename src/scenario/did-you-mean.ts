/**
 * The closest known name to a misspelt one (`durtion` -> `duration`), or undefined when nothing
 * is close enough to be a plausible typo. Distance is Levenshtein on lower-cased names.
 */
export function didYouMean(unknown: string, known: readonly string[]): string | undefined {
  const wanted = unknown.toLowerCase();
  // A third of the name (at least 2 edits) catches typos without suggesting unrelated fields.
  const maxDistance = Math.max(2, Math.floor(wanted.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = levenshtein(wanted, name.toLowerCase());
    if (distance <= maxDistance && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
