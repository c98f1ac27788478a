/**
 * The executor's rules, as pure functions beside `decide()`: when a form has been applied too often, when a wait for
 * the FE ends, when a StatefulSet has rolled out. The executor (executor.ts) only performs effects.
 */
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { StarRocksDrError } from '../errors';
import { feReadiness, isRestoreFormOf } from './readiness';

/** How often one run may apply the same form before it concludes that something else keeps undoing it. */
export const MAX_APPLIES_PER_FORM = 3;

/** The error for a form applied more than `MAX_APPLIES_PER_FORM` times in one run, or undefined while within it. */
export function applyLimitError(form: 'restore' | 'full', applies: number, feStatefulSet: string): StarRocksDrError | undefined {
  if (applies <= MAX_APPLIES_PER_FORM) return undefined;
  return new StarRocksDrError('Contended', `the ${form} form did not stick after ${MAX_APPLIES_PER_FORM} applies`, {
    field: `StatefulSet/${feStatefulSet}`,
    fix: 'something else is rewriting the FE StatefulSet (a GitOps auto-sync, the StarRocks operator, another tool): pause it, then run the same command again: it resumes',
  });
}

/**
 * The wait for the restoring FE ends when the FE of `generation` is Ready, or when the StatefulSet left the restore
 * form (someone applied another form: decide() re-applies it). A StatefulSet not seen (yet) ends nothing: its list
 * may still be retrying after an API restart.
 */
export function feWaitEnds(sts: V1StatefulSet | undefined, pods: readonly V1Pod[], generation: number): boolean {
  if (!sts) return false;
  return !isRestoreFormOf(sts, generation) || feReadiness(sts, pods as V1Pod[], generation).ready;
}

/** The `kubectl rollout status` rule for StatefulSets (kubectl/pkg/polymorphichelpers/rollout_status.go). */
export function rolledOut(sts: V1StatefulSet | undefined): boolean {
  if (!sts?.status) return false;
  const replicas = sts.spec?.replicas ?? 1;
  return (
    (sts.status.observedGeneration ?? 0) >= (sts.metadata?.generation ?? 0) &&
    (sts.status.readyReplicas ?? 0) >= replicas &&
    (sts.status.updatedReplicas ?? 0) >= replicas &&
    sts.status.updateRevision === sts.status.currentRevision
  );
}
