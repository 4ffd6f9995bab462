export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Nearest-rank percentiles in milliseconds, rounded to the microsecond. */
export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const at = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))] ?? NaN;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: n, p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(sorted[n - 1] ?? NaN), mean: round(sum / n) };
}

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes on one host. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
