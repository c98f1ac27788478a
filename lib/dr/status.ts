/**
 * The disaster-recovery status: the operator's `DisasterRecoveryStatus` (phase, reason, observedGeneration,
 * startTimestamp, endTimestamp in unix seconds) plus conditions in the Kubernetes style, which say what the
 * recovery is waiting for when it is stuck.
 *
 * Phases and reasons are stable tokens copied from the operator's behaviour
 * (`pkg/subcontrollers/fe/fe_disaster_recovery.go`), so tools that read the operator's status read ours.
 */

export type DrPhase = 'todo' | 'doing' | 'done';

export const DR_PHASES: readonly DrPhase[] = ['todo', 'doing', 'done'];

/** The operator's reason texts, plus one for a `todo` that waits for its restore form (the operator leaves it empty). */
export const DrReason = {
  SNAPSHOT_NOT_MOUNTED: 'cluster_snapshot.yaml is not mounted',
  WAITING_FOR_RESTORE_FORM: 'waiting for the restore form to be applied',
  POD_TEMPLATE_CHANGED: 'has changed to pod template for disaster recovery',
  IN_PROGRESS: 'disaster recovery is in progress',
  DONE: 'disaster recovery is done',
} as const;

export type DrReason = (typeof DrReason)[keyof typeof DrReason];

/** Condition types, in the order they become true. */
export const DrConditionType = {
  /** The restore form of the FE StatefulSet has been applied. */
  RESTORE_APPLIED: 'RestoreApplied',
  /** The FE of this generation is Ready: the snapshot has been restored. */
  FE_RESTORED: 'FeRestored',
  /** The full topology (all FE replicas, CN/BE, normal probes) has been applied. */
  FULL_TOPOLOGY_APPLIED: 'FullTopologyApplied',
  /** The database says the restore finished (verification.ts): what was checked and each result. */
  VERIFIED: 'Verified',
} as const;

export type DrConditionType = (typeof DrConditionType)[keyof typeof DrConditionType];

export interface DrCondition {
  readonly type: DrConditionType;
  readonly status: 'True' | 'False' | 'Unknown';
  /** A CamelCase token, e.g. `Waiting`, `CrashLoopBackOff`, `Applied`. */
  readonly reason: string;
  /** Prose for people: what was observed. */
  readonly message: string;
  /** RFC 3339, set when `status` changes. */
  readonly lastTransitionTime: string;
}

export interface DisasterRecoveryStatus {
  readonly phase: DrPhase;
  readonly reason: string;
  readonly observedGeneration: number;
  /** Unix seconds. */
  readonly startTimestamp: number;
  /** Unix seconds; set when the phase becomes `done`. */
  readonly endTimestamp?: number;
  /** Unix seconds; when the database last confirmed the restore (the `Verified` condition turned True). */
  readonly verifiedTimestamp?: number;
  readonly conditions: readonly DrCondition[];
}

/** The operator's `NewDisasterRecoveryStatus`: a new generation starts in `todo`. */
export function newStatus(generation: number, nowSeconds: number): DisasterRecoveryStatus {
  return { phase: 'todo', reason: '', observedGeneration: generation, startTimestamp: nowSeconds, conditions: [] };
}

/**
 * Set a condition, keeping `lastTransitionTime` when the status does not change (the Kubernetes convention:
 * the time records transitions, not observations).
 */
export function setCondition(
  status: DisasterRecoveryStatus,
  condition: Omit<DrCondition, 'lastTransitionTime'>,
  now: Date,
): DisasterRecoveryStatus {
  const previous = status.conditions.find((c) => c.type === condition.type);
  const lastTransitionTime =
    previous && previous.status === condition.status ? previous.lastTransitionTime : now.toISOString();
  const next: DrCondition = { ...condition, lastTransitionTime };
  const others = status.conditions.filter((c) => c.type !== condition.type);
  const order = Object.values(DrConditionType);
  const conditions = [...others, next].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  return { ...status, conditions };
}

export function conditionOf(status: DisasterRecoveryStatus | undefined, type: DrConditionType): DrCondition | undefined {
  return status?.conditions.find((c) => c.type === type);
}
