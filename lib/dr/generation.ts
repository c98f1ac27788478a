/**
 * The recovery generation, every rule once, for every route (`dr run|wait|status`, `synth --dr-phase auto`, the
 * Pulumi provider and program, the construct):
 *
 * - what a generation is: a positive whole number, parsed from a flag, a values file or a Pulumi config value. That
 *   part lives beside the spec (lib/model/generation.ts: the spec schema checks it) and is re-exported here;
 * - compare: the generation asked for against the one recorded: `first` (nothing recorded), `newer` (a new
 *   recovery), `same` (resume it, or leave it done), `lower`;
 * - lower is refused, always with the same error (`GenerationWentDown`, exit 2), naming where the generation came
 *   from and both ways forward (keep the recorded one, or the next);
 * - what comes next: the recorded generation plus one;
 * - for a driver that remembers its last run (the Pulumi provider's stored outputs): run again when the generation
 *   rose or the last run of this generation did not finish.
 */
import { StarRocksDrError } from '../errors';

export { GENERATION_RULE, generationTextProblem, isGeneration, parseGeneration } from '../model/generation';

/** How a requested generation relates to the recorded one. */
export type GenerationStep = 'first' | 'newer' | 'same' | 'lower';

export function compareGeneration(requested: number, recorded: number | undefined): GenerationStep {
  if (recorded === undefined) return 'first';
  if (requested > recorded) return 'newer';
  return requested === recorded ? 'same' : 'lower';
}

/** The generation of the next recovery after `recorded`. */
export function nextGeneration(recorded: number): number {
  return recorded + 1;
}

/** True when a recorded status (or a last run) is about `generation`. */
export function isOfGeneration(recorded: { readonly observedGeneration: number } | undefined, generation: number | undefined): boolean {
  return recorded !== undefined && generation !== undefined && recorded.observedGeneration === generation;
}

/**
 * The one error for a generation below the recorded one. `field` names the setting the route read the generation
 * from (`disasterRecovery.generation`, `drGeneration`); `where` what holds the recorded one.
 */
export function generationWentDown(requested: number, recorded: number, field: string, where = 'the status record'): StarRocksDrError {
  return new StarRocksDrError('GenerationWentDown', `generation ${requested} is lower than generation ${recorded}, recorded in ${where}: generations only go up`, {
    field,
    fix: `set ${field} to ${recorded} to keep the finished recovery, or to ${nextGeneration(recorded)} to run a new one`,
  });
}

/** Throws `generationWentDown` when `requested` is below `recorded`. */
export function refuseLower(requested: number, recorded: number | undefined, field: string, where?: string): void {
  if (compareGeneration(requested, recorded) === 'lower') throw generationWentDown(requested, recorded!, field, where);
}

/** What a driver remembers of its last run (Pulumi: the resource's stored outputs). */
export interface LastRun {
  /** The generation asked for last time (absent before the first run). */
  readonly generation?: number;
  /** The phase the last run ended in. */
  readonly phase?: string;
  /** The last run stopped before it finished (a timeout, an error, a refusal). */
  readonly incomplete?: boolean;
}

/** A run is needed when the generation rises, or the last run of this generation did not finish. */
export function needsRun(last: LastRun, generation: number): boolean {
  switch (compareGeneration(generation, last.generation)) {
    case 'first':
    case 'newer':
      return true;
    case 'same':
      return last.phase !== 'done' || last.incomplete === true;
    case 'lower':
      return false;
  }
}

/** A run of `generation` whose last run finished it: nothing to run again. */
export function finishedBefore(last: LastRun, generation: number): boolean {
  return !needsRun(last, generation) && compareGeneration(generation, last.generation) === 'same';
}
