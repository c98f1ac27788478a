/**
 * Where the status lives: one ConfigMap per cluster, `<cluster>-disaster-recovery`, so that any tool
 * (`kubectl get cm -o yaml`, Argo CD, a rerun of this CLI) can read it and a rerun resumes from it. There is no
 * StarRocksCluster custom resource in this route to carry a `status`.
 * The keys mirror the operator's `disasterRecoveryStatus` fields; numbers are decimal strings, conditions JSON.
 */
import { StarRocksDrError } from '../errors';
import type { KObject, KubeClient } from '../kube/client';
import { isConflict, isNotFound } from '../kube/errors';
import { statusRecordName } from '../render/names';
import { GENERATION_RULE, isGeneration } from './generation';
import { NO_IDENTITY, namesPvcs, type RecordIdentity } from './record-identity';
import { DR_PHASES, DrConditionType, type DisasterRecoveryStatus, type DrCondition, type DrPhase } from './status';

export const STATUS_FIELD_MANAGER = 'starrocks-dr-status';

/** The record as read: status, identity and the resourceVersion every write is conditioned on. */
export interface RecoveryRecord {
  readonly status: DisasterRecoveryStatus;
  readonly identity: RecordIdentity;
  readonly resourceVersion: string;
}

export function statusToConfigMap(cluster: string, namespace: string, status: DisasterRecoveryStatus, identity: RecordIdentity = NO_IDENTITY): KObject {
  const data: Record<string, string> = {
    phase: status.phase,
    reason: status.reason,
    observedGeneration: String(status.observedGeneration),
    startTimestamp: String(status.startTimestamp),
    conditions: JSON.stringify(status.conditions),
  };
  if (status.endTimestamp !== undefined) data.endTimestamp = String(status.endTimestamp);
  if (status.verifiedTimestamp !== undefined) data.verifiedTimestamp = String(status.verifiedTimestamp);
  if (namesPvcs(identity)) data.feMetaPvcUids = JSON.stringify(identity.feMetaPvcUids);
  if (identity.snapshotPath !== undefined) data.snapshotPath = identity.snapshotPath;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: statusRecordName(cluster),
      namespace,
      labels: {
        'app.starrocks.ownerreference/name': cluster,
        'app.kubernetes.io/managed-by': 'starrocks-dr',
        'app.kubernetes.io/component': 'disaster-recovery-status',
      },
    },
    data,
  };
}

/** A key of the record that does not hold together, and how to repair it. */
export interface RecordProblem {
  readonly key: string;
  readonly problem: string;
}

/**
 * The one validation of a record's data, on read and on write: each key well-formed, and the keys consistent with
 * each other (the phase `done` and only it has an `endTimestamp`, not before the start; a `done` record's FE is
 * restored). `writing` adds what this program always writes: `done` carries its identity (`feMetaPvcUids`); records
 * written before identities existed may lack it on read. Pure: the first problem in key order, or undefined.
 */
export function recordProblem(data: Readonly<Record<string, string>>, opts: { readonly writing?: boolean } = {}): RecordProblem | undefined {
  const int = (raw: string | undefined) => (raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined);
  const phase = data.phase as DrPhase;
  if (!DR_PHASES.includes(phase)) return { key: 'phase', problem: `is ${JSON.stringify(data.phase ?? null)}; it must be one of ${DR_PHASES.join(', ')}` };
  if (!isGeneration(int(data.observedGeneration))) return { key: 'observedGeneration', problem: `is ${JSON.stringify(data.observedGeneration ?? null)}; it must be ${GENERATION_RULE}` };
  const start = int(data.startTimestamp);
  if (start === undefined || start < 1) return { key: 'startTimestamp', problem: `is ${JSON.stringify(data.startTimestamp ?? null)}; it must be unix seconds` };
  const hasEnd = data.endTimestamp !== undefined && data.endTimestamp !== '';
  const end = int(data.endTimestamp);
  if (hasEnd && end === undefined) return { key: 'endTimestamp', problem: `is ${JSON.stringify(data.endTimestamp)}; it must be unix seconds` };
  if (phase === 'done' && !hasEnd) return { key: 'endTimestamp', problem: 'is missing although phase is done (a finished recovery records when it ended)' };
  if (phase !== 'done' && hasEnd) return { key: 'endTimestamp', problem: `is set although phase is ${phase} (only a finished recovery has an end)` };
  if (end !== undefined && end < start) return { key: 'endTimestamp', problem: 'is before startTimestamp' };
  const hasVerified = data.verifiedTimestamp !== undefined && data.verifiedTimestamp !== '';
  const verified = int(data.verifiedTimestamp);
  if (hasVerified && verified === undefined) return { key: 'verifiedTimestamp', problem: `is ${JSON.stringify(data.verifiedTimestamp)}; it must be unix seconds` };
  if (hasVerified && phase !== 'done') return { key: 'verifiedTimestamp', problem: `is set although phase is ${phase} (a restore is verified once it is done)` };
  if (verified !== undefined && end !== undefined && verified < end) return { key: 'verifiedTimestamp', problem: 'is before endTimestamp' };
  let conditions: unknown = [];
  try {
    conditions = data.conditions ? JSON.parse(data.conditions) : [];
  } catch {
    return { key: 'conditions', problem: 'is not JSON' };
  }
  if (!Array.isArray(conditions) || !conditions.every((c) => c && typeof c === 'object' && typeof c.type === 'string' && typeof c.status === 'string')) {
    return { key: 'conditions', problem: 'is not a JSON list of conditions ({type, status, reason, message, lastTransitionTime})' };
  }
  const feRestored = (conditions as DrCondition[]).find((c) => c.type === DrConditionType.FE_RESTORED);
  if (phase === 'done' && feRestored && feRestored.status !== 'True') return { key: 'conditions', problem: `says ${DrConditionType.FE_RESTORED} is ${feRestored.status} although phase is done` };
  if (phase !== 'done' && feRestored?.status === 'True') return { key: 'conditions', problem: `says ${DrConditionType.FE_RESTORED} is True although phase is ${phase}` };
  if (data.feMetaPvcUids) {
    let uids: unknown;
    try {
      uids = JSON.parse(data.feMetaPvcUids);
    } catch {
      return { key: 'feMetaPvcUids', problem: 'is not JSON' };
    }
    if (!uids || typeof uids !== 'object' || Array.isArray(uids) || !Object.values(uids).every((u) => typeof u === 'string')) {
      return { key: 'feMetaPvcUids', problem: 'is not a JSON map of PVC name to uid' };
    }
  }
  if (opts.writing && phase === 'done' && !data.feMetaPvcUids) return { key: 'feMetaPvcUids', problem: 'is missing: a done record must name the FE metadata PVCs it was restored into' };
  return undefined;
}

/** The error for a record that fails `recordProblem`: the key, what is wrong, how to repair it. Input, so exit 2. */
export function damagedRecordError(name: string, problem: RecordProblem): StarRocksDrError {
  return new StarRocksDrError('InvalidInput', `the recorded status has an inconsistent ${problem.key}: it ${problem.problem}`, {
    field: `ConfigMap/${name} data.${problem.key}`,
    fix: `repair the key (kubectl edit configmap ${name}) to what the recovery really did, or ask for a new recovery with a higher generation; do not delete the record: it is what keeps a finished recovery from running again`,
  });
}

/** Read a recorded status through `recordProblem`; a damaged record is an error naming the key (never silently rewritten). */
export function statusFromConfigMap(cm: KObject): DisasterRecoveryStatus {
  const data = (cm.data ?? {}) as Record<string, string>;
  const problem = recordProblem(data);
  if (problem) throw damagedRecordError(cm.metadata?.name ?? '?', problem);
  return {
    phase: data.phase as DrPhase,
    reason: data.reason ?? '',
    observedGeneration: Number(data.observedGeneration),
    startTimestamp: Number(data.startTimestamp),
    ...(data.endTimestamp ? { endTimestamp: Number(data.endTimestamp) } : {}),
    ...(data.verifiedTimestamp ? { verifiedTimestamp: Number(data.verifiedTimestamp) } : {}),
    conditions: data.conditions ? (JSON.parse(data.conditions) as DrCondition[]) : [],
  };
}

/** The identity a record carries (checked by `statusFromConfigMap`); a record written before identities existed has none. */
export function identityFromConfigMap(cm: KObject): RecordIdentity {
  const data = (cm.data ?? {}) as Record<string, string>;
  const uids = data.feMetaPvcUids ? (JSON.parse(data.feMetaPvcUids) as Record<string, string>) : {};
  return { feMetaPvcUids: uids, ...(data.snapshotPath ? { snapshotPath: data.snapshotPath } : {}) };
}

/** The record of `cluster`, or undefined when none was ever written. */
export async function readRecord(client: KubeClient, cluster: string, namespace: string): Promise<RecoveryRecord | undefined> {
  const cm = await client.get('ConfigMap', namespace, statusRecordName(cluster));
  if (!cm) return undefined;
  const status = statusFromConfigMap(cm);
  return { status, identity: identityFromConfigMap(cm), resourceVersion: cm.metadata?.resourceVersion ?? '' };
}

/** A write lost a race: the record changed since it was read. Re-read and decide again. */
export class RecordConflict extends Error {
  constructor() {
    super('the status record changed since it was read');
  }
}

/** A write found the record deleted since it was read (someone removed the ConfigMap while a run held the lease). */
export class RecordGone extends Error {
  constructor() {
    super('the status record was deleted since it was read');
  }
}

/**
 * Write the record as a compare-and-swap on the version read (`previous`): create it when there was none, replace
 * it with `metadata.resourceVersion` otherwise. Either fails with `RecordConflict` when someone else wrote first,
 * so a run acting on a stale view never overwrites a newer record (two runs at once, a run resumed after a pause).
 */
export async function writeRecord(
  client: KubeClient,
  cluster: string,
  namespace: string,
  status: DisasterRecoveryStatus,
  identity: RecordIdentity,
  previous: RecoveryRecord | undefined,
): Promise<RecoveryRecord> {
  const cm = statusToConfigMap(cluster, namespace, status, identity);
  // What is written passes the same validation as what is read, and more: a `done` always carries its identity.
  const problem = recordProblem(cm.data as Record<string, string>, { writing: true });
  if (problem) throw new Error(`bug: refusing to write an inconsistent status record: ${problem.key} ${problem.problem}`);
  try {
    const written = previous
      ? await client.replace({ ...cm, metadata: { ...cm.metadata, resourceVersion: previous.resourceVersion } }, STATUS_FIELD_MANAGER)
      : await client.create(cm, STATUS_FIELD_MANAGER);
    return { status, identity, resourceVersion: written.metadata?.resourceVersion ?? '' };
  } catch (err) {
    if (isConflict(err)) throw new RecordConflict();
    if (previous && isNotFound(err)) throw new RecordGone();
    throw err;
  }
}
