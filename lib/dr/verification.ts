/**
 * Verifying the restore from the database, as a step of the state machine (issue 20): a Ready FE is not a restored
 * one (StarRocks opens its query port before `RestoreClusterSnapshotMgr.finishRestoring()` updates frontends,
 * compute nodes and storage volumes), so a recovery asks the database itself, in two stages:
 *
 * - `restore`: after the FE of the generation is Ready and `done` is recorded, before CN/BE are applied (the FE
 *   answers, one alive LEADER, the storage volumes at their locations);
 * - `rollout`: after the full topology has rolled out (compute nodes / backends on the current pods, the restored
 *   snapshot's job, the user's own checks).
 *
 * The record's `Verified` condition says where verification stands, with every check and its result in its message;
 * `verifiedTimestamp` when it last turned True. Pure: the checks themselves run behind `RecoveryChecks` (lib/sql
 * implements them over the MySQL protocol); this module decides which stage comes next and what to record.
 */
import { StarRocksDrError } from '../errors';
import { conditionOf, DrConditionType, setCondition, type DisasterRecoveryStatus } from './status';

export type VerifyStage = 'restore' | 'rollout';

/** One check and what it saw (lib/sql/verify.ts `CheckResult`). */
export interface CheckOutcome {
  readonly check: string;
  readonly subject?: string;
  readonly expected: string;
  readonly seen: string;
  readonly passed: boolean;
}

/** The result of one stage (lib/sql/verify.ts `Verification`). */
export interface StageOutcome {
  readonly passed: boolean;
  readonly checks: readonly CheckOutcome[];
  /** Passes run before it passed or time ran out. */
  readonly passes: number;
  /** Unix ms. */
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** The checks a recovery runs, behind one interface (lib/sql `recoveryChecks` runs them against the FE). */
export interface RecoveryChecks {
  /**
   * Run the checks of `stage`, re-running failed ones until they pass or `timeoutMs` is spent. Throws a
   * `StarRocksDrError` when the FE cannot be asked at all (port-forward refused, no answer, login refused).
   */
  run(stage: VerifyStage, opts: { readonly timeoutMs: number; readonly signal?: AbortSignal; readonly onProgress?: (message: string) => void }): Promise<StageOutcome>;
}

/** Reason tokens of the `Verified` condition. */
export const VerifyReason = {
  /** The restore checks passed; the rollout checks come after the full topology (or, on a GitOps route, `dr verify`). */
  RESTORE_CHECKS_PASSED: 'RestoreChecksPassed',
  ALL_CHECKS_PASSED: 'AllChecksPassed',
  CHECK_FAILED: 'CheckFailed',
  /** The FE could not be asked: no port-forward permission, no answer, a refused login. */
  NOT_ASKED: 'FeNotAsked',
  /** `--verify none` (Pulumi `verify: none`). */
  SKIPPED: 'Skipped',
} as const;

/** Whether the stage `stage` of the checks has passed for the recorded status. */
export function stagePassed(status: DisasterRecoveryStatus | undefined, stage: VerifyStage): boolean {
  const c = conditionOf(status, DrConditionType.VERIFIED);
  if (c?.status !== 'True') return false;
  return stage === 'restore' ? c.reason === VerifyReason.RESTORE_CHECKS_PASSED || c.reason === VerifyReason.ALL_CHECKS_PASSED : c.reason === VerifyReason.ALL_CHECKS_PASSED;
}

/** How the restore stage's message starts (the rollout stage takes its checks from there). */
const RESTORE_PASSED = 'the restore checks passed (the rollout checks follow the full topology): ';

/** One line per check, for the condition's message and logs. */
export function describeChecks(checks: readonly CheckOutcome[]): string {
  return checks.map((c) => `${c.passed ? 'ok' : 'FAILED'} ${c.check}${c.subject ? ` ${c.subject}` : ''}: ${c.seen}${c.passed ? '' : ` (expected ${c.expected})`}`).join('; ');
}

/** The status with a stage's outcome recorded: `Verified` True (and `verifiedTimestamp`) or False, every check in the message. */
export function withStageOutcome(status: DisasterRecoveryStatus, stage: VerifyStage, outcome: StageOutcome, now: Date): DisasterRecoveryStatus {
  const seconds = Math.floor(now.getTime() / 1000);
  if (outcome.passed) {
    const reason = stage === 'restore' ? VerifyReason.RESTORE_CHECKS_PASSED : VerifyReason.ALL_CHECKS_PASSED;
    // The rollout's message keeps what the restore stage checked: the condition says everything that was checked.
    const previous = conditionOf(status, DrConditionType.VERIFIED);
    const restoreChecks = stage === 'rollout' && previous?.reason === VerifyReason.RESTORE_CHECKS_PASSED ? previous.message.slice(previous.message.indexOf(RESTORE_PASSED) + RESTORE_PASSED.length) : undefined;
    const message = stage === 'restore' ? `${RESTORE_PASSED}${describeChecks(outcome.checks)}` : `every check passed: ${restoreChecks ? `${restoreChecks}; ` : ''}${describeChecks(outcome.checks)}`;
    const next = setCondition(status, { type: DrConditionType.VERIFIED, status: 'True', reason, message }, now);
    return { ...next, verifiedTimestamp: Math.max(seconds, status.endTimestamp ?? 0) };
  }
  const failed = outcome.checks.filter((c) => !c.passed).map((c) => c.check);
  const message = `the ${stage} checks failed (${failed.join(', ')}) after ${outcome.passes} pass${outcome.passes === 1 ? '' : 'es'}: ${describeChecks(outcome.checks)}`;
  return withoutTimestamp(setCondition(status, { type: DrConditionType.VERIFIED, status: 'False', reason: VerifyReason.CHECK_FAILED, message }, now));
}

/** The status when the FE could not be asked (the error says why and what to do). */
export function withStageError(status: DisasterRecoveryStatus, stage: VerifyStage, err: StarRocksDrError, now: Date): DisasterRecoveryStatus {
  const message = `the ${stage} checks could not run: ${err.message}`;
  return withoutTimestamp(setCondition(status, { type: DrConditionType.VERIFIED, status: 'False', reason: VerifyReason.NOT_ASKED, message }, now));
}

/** The status of a recovery asked not to verify: the record says so. */
export function withVerificationSkipped(status: DisasterRecoveryStatus, now: Date): DisasterRecoveryStatus {
  if (conditionOf(status, DrConditionType.VERIFIED)?.reason === VerifyReason.SKIPPED) return status;
  return setCondition(status, { type: DrConditionType.VERIFIED, status: 'Unknown', reason: VerifyReason.SKIPPED, message: 'not verified from the database, as asked (--verify none; Pulumi: verify none)' }, now);
}

function withoutTimestamp(status: DisasterRecoveryStatus): DisasterRecoveryStatus {
  const { verifiedTimestamp: _dropped, ...rest } = status;
  return rest;
}

/** A stage that did not pass: exit 6, the failed checks named; the record says done and Verified False. */
export function verificationFailed(stage: VerifyStage, outcome: StageOutcome, cluster: string, namespace: string): StarRocksDrError {
  const failed = outcome.checks.filter((c) => !c.passed);
  return new StarRocksDrError('CheckFailed', `the restore is done, but the database does not confirm it: ${failed.length} of ${outcome.checks.length} ${stage} checks failed: ${failed.map((c) => `${c.check}${c.subject ? ` ${c.subject}` : ''} (expected ${c.expected}, seen ${c.seen})`).join('; ')}`, {
    field: `cluster ${cluster} in ${namespace}`,
    fix: stage === 'restore'
      ? 'read the FE log (kubectl logs <fe pod>): a restore still finishing passes on a rerun of the same command (it resumes and checks again before applying the full topology); the full topology was not applied'
      : 'a compute node still registering passes on a rerun of the same command; `starrocks-dr dr verify` shows the checks at any time',
  });
}
