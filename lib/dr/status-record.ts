/**
 * Where the status lives: one ConfigMap per cluster, `<cluster>-disaster-recovery`, so that any tool
 * (`kubectl get cm -o yaml`, Argo CD, a rerun of this CLI) can read it and a rerun resumes from it. There is no
 * StarRocksCluster custom resource in this route to carry a `status`.
 * The keys mirror the operator's `disasterRecoveryStatus` fields; numbers are decimal strings, conditions JSON.
 */
import { StarRocksDrError } from '../errors';
import type { KObject } from '../kube/client';
import { DR_PHASES, type DisasterRecoveryStatus, type DrCondition, type DrPhase } from './status';

export const STATUS_FIELD_MANAGER = 'starrocks-dr-status';

export function statusRecordName(cluster: string): string {
  return `${cluster}-disaster-recovery`;
}

export function statusToConfigMap(cluster: string, namespace: string, status: DisasterRecoveryStatus): KObject {
  const data: Record<string, string> = {
    phase: status.phase,
    reason: status.reason,
    observedGeneration: String(status.observedGeneration),
    startTimestamp: String(status.startTimestamp),
    conditions: JSON.stringify(status.conditions),
  };
  if (status.endTimestamp !== undefined) data.endTimestamp = String(status.endTimestamp);
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
      fix: `repair the key, or delete ${where} to start the recovery over (its PVCs and data are untouched)`,
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
