/** Turning the common flags (`-f`, `-n`, `--generation`) into a validated spec. */
import { InvalidArgumentError } from 'commander';
import { loadValuesFiles, BUILTIN_EXAMPLE_VALUES } from '../model/values';
import type { StarRocksClusterSpec } from '../model/types';

export interface LoadedInput {
  readonly spec: StarRocksClusterSpec;
  readonly notices: readonly string[];
  readonly files: readonly string[];
}

/** Load the values files, or `defaults` when none are given. */
export function loadInput(files: readonly string[] | undefined, defaults: readonly string[] = [BUILTIN_EXAMPLE_VALUES]): LoadedInput {
  const used = files && files.length > 0 ? files : defaults;
  const { spec, notices } = loadValuesFiles(used);
  return { spec, notices, files: used };
}

/** `--generation N` overrides the values files' `disasterRecovery.generation` (and turns DR on). */
export function withGeneration(spec: StarRocksClusterSpec, generation: number | undefined): StarRocksClusterSpec {
  if (generation === undefined) return spec;
  return { ...spec, disasterRecovery: { enabled: true, generation } };
}

export function parseGeneration(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new InvalidArgumentError('must be a positive integer (1 for the first recovery, raised by one for each new one)');
  }
  return Number(text);
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
