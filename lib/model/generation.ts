/**
 * The disaster-recovery generation, parsed in one place for every route: the `--generation` flag, values files,
 * typed specs and Pulumi config. A generation is a positive whole number the FE receives as the text of
 * RESTORE_CLUSTER_GENERATION; it only goes up.
 */
import { StarRocksDrError } from '../errors';

/** The rule, as error messages state it. */
export const GENERATION_RULE = 'a positive whole number (1 for the first recovery, raised by one for each new one)';

/** True for a usable generation: a safe integer of 1 or more. */
export function isGeneration(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/**
 * Why `text` (a flag or a config string) is not a generation, or undefined when it is. Accepts only plain decimal
 * digits without a leading zero: `1.5`, `01` (octal in YAML 1.1), `-1`, `1e3`, `abc` and numbers past 2^53 are refused.
 */
export function generationTextProblem(text: string): string | undefined {
  if (text.trim() === '') return 'is empty';
  if (!/^\d+$/.test(text)) return 'is not a whole number';
  if (text.length > 1 && text.startsWith('0')) return 'has a leading zero';
  const n = Number(text);
  if (n < 1) return 'is not 1 or more';
  if (!Number.isSafeInteger(n)) return `is larger than ${Number.MAX_SAFE_INTEGER}`;
  return undefined;
}

/**
 * A generation from a flag, a number in a values file or a Pulumi config value (string or number). Throws an
 * `InvalidInput` error naming `field` (the flag or key) otherwise; the error never quotes the value.
 */
export function parseGeneration(value: unknown, field: string): number {
  if (isGeneration(value)) return value;
  const problem = typeof value === 'string' ? generationTextProblem(value) : typeof value === 'number' ? (Number.isInteger(value) ? 'is not 1 or more, or too large' : 'is not a whole number') : `is ${value === undefined || value === null ? 'missing' : `a ${Array.isArray(value) ? 'list' : typeof value}`}`;
  if (problem === undefined) return Number(value);
  throw new StarRocksDrError('InvalidInput', `the recovery generation ${problem}: it must be ${GENERATION_RULE}`, {
    field,
    fix: `set ${field} to 1 for the first recovery, then 2, 3, ...`,
  });
}
