/** Builders for FE StatefulSets and pods as the API server reports them, for the pure DR tests. */
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';

export interface StsShape {
  readonly restoreGeneration?: number;
  readonly replicas?: number;
  readonly generation?: number;
  readonly observedGeneration?: number;
  readonly updateRevision?: string;
  readonly extraEnv?: Array<{ name: string; value: string }>;
}

export function feSts(shape: StsShape = {}): V1StatefulSet {
  const env = [{ name: 'TZ', value: 'Asia/Shanghai' }, ...(shape.extraEnv ?? [])];
  if (shape.restoreGeneration !== undefined) {
    env.push({ name: 'RESTORE_CLUSTER_GENERATION', value: String(shape.restoreGeneration) }, { name: 'RESTORE_CLUSTER_SNAPSHOT', value: 'true' });
  }
  return {
    metadata: { name: 'kube-starrocks-fe', namespace: 'default', generation: shape.generation ?? 2 },
    spec: {
      replicas: shape.replicas ?? (shape.restoreGeneration !== undefined ? 1 : 3),
      serviceName: 'kube-starrocks-fe-search',
      selector: { matchLabels: { 'app.kubernetes.io/component': 'fe' } },
      template: { spec: { containers: [{ name: 'fe', image: 'starrocks/fe-ubuntu:3.4.1', env }] } },
    },
    status: {
      replicas: 1,
      observedGeneration: shape.observedGeneration ?? shape.generation ?? 2,
      updateRevision: shape.updateRevision ?? 'kube-starrocks-fe-rev2',
      currentRevision: shape.updateRevision ?? 'kube-starrocks-fe-rev2',
    },
  };
}

export interface PodShape {
  readonly name?: string;
  readonly generationEnv?: string;
  readonly revision?: string;
  readonly ready?: boolean;
  readonly waitingReason?: string;
  readonly restartCount?: number;
  readonly noStatus?: boolean;
  readonly terminating?: boolean;
  readonly extraEnv?: Array<{ name: string; value: string }>;
}

export function fePod(shape: PodShape = {}): V1Pod {
  const env = [...(shape.extraEnv ?? [])];
  if (shape.generationEnv !== undefined) env.push({ name: 'RESTORE_CLUSTER_GENERATION', value: shape.generationEnv });
  return {
    metadata: {
      name: shape.name ?? 'kube-starrocks-fe-0',
      namespace: 'default',
      labels: { 'controller-revision-hash': shape.revision ?? 'kube-starrocks-fe-rev2' },
      deletionTimestamp: shape.terminating ? new Date(0) : undefined,
    },
    spec: { containers: [{ name: 'fe', env }] },
    status: shape.noStatus
      ? {}
      : {
          containerStatuses: [
            {
              name: 'fe',
              image: 'starrocks/fe-ubuntu:3.4.1',
              imageID: '',
              ready: shape.ready ?? false,
              restartCount: shape.restartCount ?? 0,
              state: shape.waitingReason ? { waiting: { reason: shape.waitingReason } } : { running: { startedAt: new Date(0) } },
            },
          ],
        },
  };
}
