/** One line of the results table and of bench/results/latest.json. */
export interface Row {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The target in words (e.g. "<= 5 ms"); null for reference rows, which have no target. */
  readonly target: string | null;
  /** Whether the target is met; reference rows (target null) are always true. */
  readonly met: boolean;
  /** A comparison factor where the metric is a comparison (what it divides is said in the metric name). */
  readonly ratio?: number;
  /** How much the samples moved, e.g. `p25-p75 3.41-3.62` (the machine is shared: medians alone hide noise). */
  readonly spread?: string;
}

/** A row for a measurement with no target (a reference or a breakdown). */
export function info(metric: string, value: number, unit: string, ratio?: number): Row {
  return ratio === undefined ? { metric, value, unit, target: null, met: true } : { metric, value, unit, target: null, met: true, ratio };
}
