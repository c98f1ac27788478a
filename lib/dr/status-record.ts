/**
 * Where the status lives: one ConfigMap per cluster, `<cluster>-disaster-recovery`, so that any tool
 * (`kubectl get cm -o yaml`, Argo CD, a rerun of this CLI) can read it and a rerun resumes from it. There is no
 * StarRocksCluster custom resource in this route to carry a `status`.
 * The keys mirror the operator's `disasterRecoveryStatus` fields; numbers are decimal strings, conditions JSON.
 */
import { StarRocksDrError } from '../errors';
import type { KObject, KubeClient } from '../kube/client';
import { isConflict } from '../kube/errors';
import { pinnedSnapshotPath } from './guard';
import { DR_PHASES, type DisasterRecoveryStatus, type DrCondition, type DrPhase } from './status';

export const STATUS_FIELD_MANAGER = 'starrocks-dr-status';

export function statusRecordName(cluster: string): string {
  return `${cluster}-disaster-recovery`;
}

/**
 * What the record is about, so that it cannot be taken for another cluster's: the uids of the FE metadata PVCs (they
 * survive a StatefulSet re-created, and a cluster re-created from scratch gets new ones) and the snapshot restored.
 */
export interface RecordIdentity {
  /** uid of each FE metadata PVC, by PVC name; empty until the restore form has created them. */
  readonly feMetaPvcUids: Readonly<Record<string, string>>;
  /** `cluster_snapshot_path` of the snapshot restored, when it was known. */
  readonly snapshotPath?: string;
}

export const NO_IDENTITY: RecordIdentity = { feMetaPvcUids: {} };

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
  if (Object.keys(identity.feMetaPvcUids).length > 0) data.feMetaPvcUids = JSON.stringify(identity.feMetaPvcUids);
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

/** Read a recorded status; a damaged record is an error (never silently restarted). */
export function statusFromConfigMap(cm: KObject): DisasterRecoveryStatus {
  const data = (cm.data ?? {}) as Record<string, string>;
  const where = `ConfigMap/${cm.metadata?.name}`;
  const bad = (key: string, what: string): never => {
    throw new StarRocksDrError('ApiError', `the recorded status has an invalid ${key} (${what})`, {
      field: `${where} data.${key}`,
      fix: `repair the key (kubectl edit configmap ${cm.metadata?.name}); do not delete it: it is what keeps a finished recovery from running again`,
    });
  };
  const int = (key: string, required: boolean): number | undefined => {
    const raw = data[key];
    if (raw === undefined || raw === '') return required ? bad(key, 'missing') : undefined;
    return /^\d+$/.test(raw) ? Number(raw) : bad(key, JSON.stringify(raw));
  };
  const phase = data.phase as DrPhase;
  if (!DR_PHASES.includes(phase)) bad('phase', JSON.stringify(data.phase));
  let conditions: DrCondition[] = [];
  try {
    conditions = data.conditions ? (JSON.parse(data.conditions) as DrCondition[]) : [];
  } catch {
    bad('conditions', 'not JSON');
  }
  return {
    phase,
    reason: data.reason ?? '',
    observedGeneration: int('observedGeneration', true)!,
    startTimestamp: int('startTimestamp', true)!,
    endTimestamp: int('endTimestamp', false),
    conditions,
  };
}

/** The identity a record carries; a record written before identities existed has none (an empty map). */
export function identityFromConfigMap(cm: KObject): RecordIdentity {
  const data = (cm.data ?? {}) as Record<string, string>;
  let uids: Record<string, string> = {};
  if (data.feMetaPvcUids) {
    try {
      const parsed = JSON.parse(data.feMetaPvcUids) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) uids = parsed as Record<string, string>;
    } catch {
      throw new StarRocksDrError('ApiError', 'the recorded status has an invalid feMetaPvcUids (not JSON)', {
        field: `ConfigMap/${cm.metadata?.name} data.feMetaPvcUids`,
        fix: 'repair the key (a JSON map of PVC name to uid) or remove it; the next run records it again',
      });
    }
  }
  return { feMetaPvcUids: uids, ...(data.snapshotPath ? { snapshotPath: data.snapshotPath } : {}) };
}

/** The record of `cluster`, or undefined when none was ever written. */
export async function readRecord(client: KubeClient, cluster: string, namespace: string): Promise<RecoveryRecord | undefined> {
  const cm = await client.get('ConfigMap', namespace, statusRecordName(cluster));
  if (!cm) return undefined;
  return { status: statusFromConfigMap(cm), identity: identityFromConfigMap(cm), resourceVersion: cm.metadata?.resourceVersion ?? '' };
}

/**
 * The snapshot path pinned for `generation` in the cluster's record (guard.ts `pinnedSnapshotPath`), or undefined
 * when that generation's recovery has not started. Read only.
 */
export async function readPinnedSnapshotPath(client: KubeClient, cluster: string, namespace: string, generation: number | undefined): Promise<string | undefined> {
  return pinnedSnapshotPath(await readRecord(client, cluster, namespace), generation);
}

/** A write lost a race: the record changed since it was read. Re-read and decide again. */
export class RecordConflict extends Error {
  constructor() {
    super('the status record changed since it was read');
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
  try {
    const written = previous
      ? await client.replace({ ...cm, metadata: { ...cm.metadata, resourceVersion: previous.resourceVersion } }, STATUS_FIELD_MANAGER)
      : await client.create(cm, STATUS_FIELD_MANAGER);
    return { status, identity, resourceVersion: written.metadata?.resourceVersion ?? '' };
  } catch (err) {
    if (isConflict(err)) throw new RecordConflict();
    throw err;
  }
}
