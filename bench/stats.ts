/**
 * Small statistics for the benchmarks: nearest-rank percentiles over a copy of the samples (never sorts in place).
 */

/** The p-th percentile (0 < p <= 100) by the nearest-rank method; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The median: the mean of the two middle samples when the count is even. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `p25-p75 a-b`: the middle half of the samples, rounded like `round`. */
export function iqr(samples: readonly number[]): string {
  return `p25-p75 ${round(percentile(samples, 25))}-${round(percentile(samples, 75))}`;
}

export function p99(samples: readonly number[]): number {
  return percentile(samples, 99);
}

export function max(samples: readonly number[]): number {
  return samples.length === 0 ? NaN : Math.max(...samples);
}

/** Rounds for display and JSON: 3 significant decimals below 10, 1 decimal below 1000, integers above. */
export function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  const a = Math.abs(n);
  const digits = a < 10 ? 3 : a < 1000 ? 1 : 0;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
