/**
 * The generation rules a long-lived driver (the Pulumi provider) applies between one run and the next, as pure
 * functions beside decide(): the generation only goes up, and a generation runs again only while it is unfinished.
 */
import { StarRocksDrError } from '../errors';

/** What the driver remembers of its last run (Pulumi: the resource's stored outputs). */
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
  const previous = last.generation ?? 0;
  return generation > previous || (generation === previous && (last.phase !== 'done' || last.incomplete === true));
}

/** The error for a generation below the one already run (`field` names the setting), or undefined. */
export function generationWentDown(last: LastRun, generation: number, field: string): StarRocksDrError | undefined {
  if (last.generation === undefined || generation >= last.generation) return undefined;
  return new StarRocksDrError('GenerationWentDown', `${generation} is lower than generation ${last.generation}, which already ran`, {
    field,
    fix: `set ${field} to ${last.generation} to keep the finished recovery, or to ${last.generation + 1} to run a new one`,
  });
}
