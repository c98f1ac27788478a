/**
 * The executor's rules, as pure functions beside `decide()`: when a form has been applied too often, when a wait for
 * the FE ends, when a StatefulSet has rolled out. The executor (executor.ts) only performs effects.
 */
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { StarRocksDrError } from '../errors';
import type { KObject } from '../kube/client';
import type { DisasterRecoveryStatus } from './status';
import { feReadiness, isRestoreFormOf, RESTORE_GENERATION_ENV, RESTORE_SNAPSHOT_ENV } from './readiness';

/** How often one run may apply the same form before it concludes that something else keeps undoing it. */
export const MAX_APPLIES_PER_FORM = 3;

/**
 * The field managers other than `ours` that own the restore-only env of the FE container (they applied a restore
 * form: a GitOps engine, kubectl). Server-side apply removes a field only when no manager owns it any more, so while
 * they do, the full form applied by starrocks-dr keeps the restore env: only they can drop it.
 */
export function restoreFieldOwners(sts: V1StatefulSet | undefined, ours: string): string[] {
  const owners = new Set<string>();
  for (const entry of sts?.metadata?.managedFields ?? []) {
    if (!entry.manager || entry.manager === ours) continue;
    const fe = (entry.fieldsV1 as Record<string, Record<string, Record<string, Record<string, Record<string, Record<string, unknown>>>>>> | undefined)?.['f:spec']?.['f:template']?.['f:spec']?.['f:containers']?.['k:{"name":"fe"}'];
    const env = (fe as Record<string, Record<string, unknown>> | undefined)?.['f:env'] ?? {};
    if (Object.keys(env).some((k) => k === `k:{"name":"${RESTORE_GENERATION_ENV}"}` || k === `k:{"name":"${RESTORE_SNAPSHOT_ENV}"}`)) owners.add(entry.manager);
  }
  return [...owners].sort();
}

/** The full form was applied but the FE keeps the restore env because `owners` own it: stop, and say who. */
export function fullFormOwnedError(owners: readonly string[], feStatefulSet: string): StarRocksDrError {
  return new StarRocksDrError('Contended', `the full form was applied, but the FE keeps the restore form: field manager ${owners.join(', ')} applied the restore form and still owns its fields (RESTORE_CLUSTER_GENERATION, the TCP readiness probe), which an apply by starrocks-dr cannot remove`, {
    field: `StatefulSet/${feStatefulSet}`,
    fix: `apply the full form the way the restore form was applied (GitOps: commit \`starrocks-dr synth --dr-phase full\` and let ${owners.join(', ')} sync it; then \`starrocks-dr dr wait\` records the rest), or have ${owners.join(', ')} stop managing the FE StatefulSet; the recovery is recorded done`,
  });
}

/** The error for a form applied more than `MAX_APPLIES_PER_FORM` times in one run, or undefined while within it. */
export function applyLimitError(form: 'restore' | 'full', applies: number, feStatefulSet: string): StarRocksDrError | undefined {
  if (applies <= MAX_APPLIES_PER_FORM) return undefined;
  return new StarRocksDrError('Contended', `the ${form} form did not stick after ${MAX_APPLIES_PER_FORM} applies`, {
    field: `StatefulSet/${feStatefulSet}`,
    fix: 'something else is rewriting the FE StatefulSet (a GitOps auto-sync, the StarRocks operator, another tool): pause it, then run the same command again: it resumes',
  });
}

/**
 * A run that resumes a recovery (the FE already in the restore form of its generation, still not Ready) applies the
 * restore form of the values it was given once before it waits: values fixed since the last run (a ConfigMap the FE
 * mounts, a resource request) take effect, where only waiting would wait for the old form forever. Same generation
 * and same pinned snapshot: the guard refuses another snapshot path while the recovery is in progress.
 */
export function applyBeforeWaiting(mode: 'apply' | 'observe', restoreAppliedThisRun: boolean): boolean {
  return mode === 'apply' && !restoreAppliedThisRun;
}

/** Errors that mean "bad input, refused": exit 2, which promises nothing was changed. */
const REFUSALS = new Set(['InvalidInput', 'InvalidSnapshot', 'GenerationWentDown', 'Refused']);

/**
 * An input-class error met after this run changed the cluster (applied a form, wrote the record) cannot say
 * "nothing was changed": the record was changed under the run (a hand edit, another tool). It becomes a contention
 * error that says what the run had done. Before the run acted, the error stays as it is.
 */
export function afterActing(err: unknown, acted: readonly string[]): unknown {
  if (!(err instanceof StarRocksDrError) || !REFUSALS.has(err.code) || acted.length === 0) return err;
  const problem = err.message.replace(/\. Fix: [\s\S]*$/, '');
  return new StarRocksDrError('Contended', `the status record changed while this run was acting (${problem}); this run stopped after it ${acted.join(', ')}`, {
    field: err.field,
    fix: `${err.fix}; then run the same command again`,
    cause: err,
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

/**
 * The FE StatefulSet to decide on: what the watch shows, unless this run applied a newer spec the watch has not
 * delivered yet (`metadata.generation` counts spec changes, so the higher one is the newer spec). An applied object
 * newer than the view still has the old status: readiness treats it as stale (observedGeneration < generation).
 */
export function newerStatefulSet(seen: V1StatefulSet | undefined, applied: V1StatefulSet | undefined): V1StatefulSet | undefined {
  if (!applied) return seen;
  if (!seen) return applied;
  return (applied.metadata?.generation ?? 0) > (seen.metadata?.generation ?? 0) ? applied : seen;
}

/**
 * Whether a status seen during a wait is worth writing: a new phase, reason or generation, or a condition whose
 * status or reason token changed. A message that only counts on (restarts, pods ready) is progress, not a record
 * change: the record is written when the cause changes, not on every event.
 */
export function worthRecording(recorded: DisasterRecoveryStatus | undefined, next: DisasterRecoveryStatus): boolean {
  if (!recorded) return true;
  if (recorded.phase !== next.phase || recorded.reason !== next.reason || recorded.observedGeneration !== next.observedGeneration) return true;
  if (recorded.startTimestamp !== next.startTimestamp || recorded.endTimestamp !== next.endTimestamp) return true;
  const key = (s: DisasterRecoveryStatus) => s.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`).join(',');
  return key(recorded) !== key(next);
}

/** A CN/BE StatefulSet of the full form: what `waitForFullRollout` holds back until the FE has rolled out. */
export function heldForFeRollout(obj: KObject, feName: string): boolean {
  return obj.kind === 'StatefulSet' && obj.metadata?.name !== feName;
}

/**
 * Whether to send an object of the full form: StatefulSets always; other objects (ConfigMaps, Secrets, Services)
 * only when this run's restore form did not apply them unchanged (`sentBody`: what it sent, as JSON). Fewer requests,
 * same result.
 */
export function needsSending(obj: KObject, body: string, sentBody: string | undefined): boolean {
  return obj.kind === 'StatefulSet' || sentBody !== body;
}

/** The StatefulSets `names` that have not rolled out yet among `all` (`rolledOut`). */
export function notRolledOut(all: readonly V1StatefulSet[], names: readonly string[]): string[] {
  return names.filter((n) => !rolledOut(all.find((s) => s.metadata?.name === n)));
}
