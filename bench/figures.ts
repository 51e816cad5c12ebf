// Order statistics every benchmark prints: one home, so a "p99" means the same in each report.

/** The value at `p` percent (0–100) of the sorted values: nearest rank, never interpolated. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
