// Hand-edited files get typos; naming the closest known word saves a trip to the docs.

/** `; did you mean "command"?` when one of `choices` is close to `word`, else an empty string. */
export function didYouMean(word: string, choices: Iterable<string>): string {
  const lower = word.toLowerCase();
  const all = [...choices];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const choice of all) {
    const distance = editDistance(lower, choice.toLowerCase());
    if (distance < bestDistance) {
      best = choice;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3))) {
    return `; did you mean "${best}"?`;
  }
  // A shortened or lengthened key ("restart_delay" for "restart_delay_seconds") is a near miss too.
  const related = all.find((choice) => {
    const other = choice.toLowerCase();
    return lower.length >= 4 && other.length >= 4 && (other.startsWith(lower) || lower.startsWith(other));
  });
  return related === undefined ? '' : `; did you mean "${related}"?`;
}

/** Levenshtein distance, with swapped neighbours counting as one edit ("comamnd"). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 200 || b.length > 200) return Infinity;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2][j - 2] + 1);
      }
      rows[i].push(value);
    }
  }
  return rows[a.length][b.length];
}
