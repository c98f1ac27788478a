/** Turning the common flags (`-f`, `-n`, `--generation`) into a validated spec. */
import { InvalidArgumentError } from 'commander';
import { generationTextProblem, GENERATION_RULE } from '../dr/generation';
import { loadValuesFiles, BUILTIN_EXAMPLE_VALUES, type LoadOptions } from '../model/values';
import { operatorVersionOf, OPERATOR_RELEASE, OPERATOR_VERSIONS, type OperatorVersion } from '../model/operator-version';
import type { StarRocksClusterSpec } from '../model/types';
import type { FailFn } from '../model/validate';

export interface LoadedInput {
  readonly spec: StarRocksClusterSpec;
  readonly notices: readonly string[];
  readonly files: readonly string[];
  /** Reports a later check's problem at the values key, file and line (pass to validateForRoute). */
  readonly failAt: FailFn;
}

/** Load the values files, or `defaults` when none are given (`opts`: the loader's, e.g. the operator version). */
export function loadInput(files: readonly string[] | undefined, defaults: readonly string[] = [BUILTIN_EXAMPLE_VALUES], opts: LoadOptions = {}): LoadedInput {
  const used = files && files.length > 0 ? files : defaults;
  const { spec, notices, failAt } = loadValuesFiles(used, opts);
  return { spec, notices, files: used, failAt };
}

/** The `--generation` flag, with the one generation rule (lib/model/generation.ts). */
export function parseGeneration(text: string): number {
  const problem = generationTextProblem(text);
  if (problem !== undefined) throw new InvalidArgumentError(`The generation ${problem}; it must be ${GENERATION_RULE}.`);
  return Number(text);
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--operator-version`: a release or line starrocks-dr renders (`1.10.2`, `v1.11.5`, `1.11`). */
export function parseOperatorVersionFlag(text: string): OperatorVersion {
  const version = operatorVersionOf(text);
  if (version === undefined) {
    throw new InvalidArgumentError(`must be one of ${OPERATOR_VERSIONS.map((v) => `${v} (e.g. ${OPERATOR_RELEASE[v]})`).join(', ')}`);
  }
  return version;
}
