/**
 * The disaster-recovery state machine, as one pure function: what the cluster looks like now ─▶ the status to
 * record and the one action to take next. The executor (executor.ts) observes, calls `decide`, records, acts,
 * and observes again, so every step is derived from what is in the cluster and a killed run resumes where it
 * stopped.
 *
 *   (no status | generation > observed) ─▶ todo (startTimestamp = when the restore form's first FE pod was created,
 *                                           else now)
 *   todo  + snapshot not mounted         ─▶ todo, reason "cluster_snapshot.yaml is not mounted", error
 *   todo  + FE not yet in restore form   ─▶ todo, "waiting for the restore form to be applied"; apply it
 *   todo  + FE in restore form           ─▶ doing, "has changed to pod template for disaster recovery"
 *   doing + FE not in restore form       ─▶ apply the restore form again (as the operator re-rewrites it)
 *   doing + FE of this generation !Ready ─▶ doing, "disaster recovery is in progress", wait
 *   doing + FE of this generation Ready  ─▶ done, "disaster recovery is done", endTimestamp = now; verify the restore
 *                                           from the database (verification.ts), or, with verification off, record
 *                                           Verified Skipped and apply the full topology
 *   done  + FE in restore form, restore  ─▶ verify the restore (a failed check stopped an earlier run: check again)
 *           not verified yet
 *   done  + FE still in restore form     ─▶ apply the full topology
 *   done  + no FE StatefulSet            ─▶ apply the full topology (a StatefulSet deleted after the recovery; the
 *                                           guard has checked that its metadata PVCs are the recorded ones)
 *   done  + full form applied            ─▶ nothing (the executor waits for the rollout and runs the rollout checks)
 *   generation < observed                ─▶ error (the operator silently does nothing)
 */
import type { CoreV1Event, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { StarRocksDrError } from '../errors';
import { compareGeneration, generationWentDown } from './generation';
import { stagePassed, withVerificationSkipped } from './verification';
import { explainWithEvents, feReadiness, isRestoreForm, isRestoreFormOf, restoreStartedAt } from './readiness';
import {
  DrConditionType,
  DrReason,
  newStatus,
  setCondition,
  type DisasterRecoveryStatus,
} from './status';

export type DrAction = 'applyRestore' | 'wait' | 'verifyRestore' | 'applyFull' | 'none';

export interface DecideInput {
  /** The requested generation (`disasterRecovery.generation`). */
  readonly generation: number;
  /** Whether cluster_snapshot.yaml is mounted into the FE. */
  readonly snapshotMounted: boolean;
  /** The status recorded in the cluster, if any. */
  readonly recorded?: DisasterRecoveryStatus;
  /** The live FE StatefulSet and its pods. */
  readonly feStatefulSet?: V1StatefulSet;
  readonly fePods: readonly V1Pod[];
  /** Warning events of the FE pods, which say why a pod does not start (FailedMount, FailedScheduling, ...). */
  readonly feEvents?: readonly CoreV1Event[];
  /** The restore is verified from the database before the full topology (verification.ts). @default false: recorded as skipped */
  readonly verify?: boolean;
  readonly now: Date;
}

export interface Decision {
  /** The status to record (identical to `recorded` when nothing changed). */
  readonly status: DisasterRecoveryStatus;
  readonly action: DrAction;
  /** Set when the recovery cannot go on; the status is still recorded. */
  readonly error?: StarRocksDrError;
}

const unix = (d: Date) => Math.floor(d.getTime() / 1000);

export function decide(input: DecideInput): Decision {
  const { generation, recorded, now } = input;
  const step = compareGeneration(generation, recorded?.observedGeneration);
  if (step === 'lower') return { status: recorded!, action: 'none', error: generationWentDown(generation, recorded!.observedGeneration, 'disasterRecovery.generation') };
  const started = () => restoreStartedAt(input.feStatefulSet, input.fePods, generation) ?? unix(now);
  let status = step === 'first' || step === 'newer' ? newStatus(generation, started()) : recorded!;
  const inRestoreForm = isRestoreFormOf(input.feStatefulSet, generation);

  switch (status.phase) {
    case 'todo': {
      if (!input.snapshotMounted) {
        return {
          status: { ...status, reason: DrReason.SNAPSHOT_NOT_MOUNTED },
          action: 'none',
          error: new StarRocksDrError('InvalidSnapshot', DrReason.SNAPSHOT_NOT_MOUNTED, {
            field: 'starRocksFeSpec.configMaps',
            fix: 'mount cluster_snapshot.yaml with subPath: cluster_snapshot.yaml from a ConfigMap or Secret',
          }),
        };
      }
      if (!inRestoreForm) return { status: { ...status, reason: DrReason.WAITING_FOR_RESTORE_FORM }, action: 'applyRestore' };
      const doing = { ...status, phase: 'doing' as const, reason: DrReason.POD_TEMPLATE_CHANGED };
      return { status: restoreApplied(doing, now), action: 'wait' };
    }
    case 'doing': {
      if (!inRestoreForm) return { status, action: 'applyRestore' };
      const readiness = explainWithEvents(feReadiness(input.feStatefulSet, input.fePods, generation), input.feEvents ?? [], input.feStatefulSet?.metadata?.name);
      if (!readiness.ready) {
        const waiting = setCondition(
          { ...restoreApplied(status, now), reason: DrReason.IN_PROGRESS },
          { type: DrConditionType.FE_RESTORED, status: 'False', reason: readiness.reason, message: readiness.message },
          now,
        );
        return { status: waiting, action: 'wait' };
      }
      const done = setCondition(
        { ...status, phase: 'done', reason: DrReason.DONE, endTimestamp: unix(now) },
        { type: DrConditionType.FE_RESTORED, status: 'True', reason: readiness.reason, message: readiness.message },
        now,
      );
      return input.verify ? { status: done, action: 'verifyRestore' } : { status: withVerificationSkipped(done, now), action: 'applyFull' };
    }
    case 'done': {
      if (!input.verify) status = withVerificationSkipped(status, now);
      if (!input.feStatefulSet) {
        const pending = setCondition(
          status,
          { type: DrConditionType.FULL_TOPOLOGY_APPLIED, status: 'False', reason: 'Pending', message: 'the FE StatefulSet does not exist' },
          now,
        );
        return { status: pending, action: 'applyFull' };
      }
      if (isRestoreForm(input.feStatefulSet)) {
        if (input.verify && isRestoreFormOf(input.feStatefulSet, generation) && !stagePassed(status, 'restore')) return { status, action: 'verifyRestore' };
        const pending = setCondition(
          status,
          { type: DrConditionType.FULL_TOPOLOGY_APPLIED, status: 'False', reason: 'Pending', message: 'the FE StatefulSet is still in restore form' },
          now,
        );
        return { status: pending, action: 'applyFull' };
      }
      const applied = setCondition(
        status,
        { type: DrConditionType.FULL_TOPOLOGY_APPLIED, status: 'True', reason: 'Applied', message: 'the full topology is applied' },
        now,
      );
      return { status: applied, action: 'none' };
    }
  }
}

function restoreApplied(status: DisasterRecoveryStatus, now: Date): DisasterRecoveryStatus {
  return setCondition(
    status,
    { type: DrConditionType.RESTORE_APPLIED, status: 'True', reason: 'Applied', message: 'the FE StatefulSet runs the restore form' },
    now,
  );
}
