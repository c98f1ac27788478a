/**
 * The component StatefulSet (`pkg/k8sutils/templates/statefulset/spec.go` MakeStatefulset).
 * Deliberate differences (README): no ownerReferences (there is no StarRocksCluster CR), no
 * `app.starrocks.components/hash` annotation (the operator adds it on a later reconcile, for its own change detection),
 * claim templates carry `apiVersion: v1` / `kind: PersistentVolumeClaim` (the API server returns them so; without
 * them GitOps tools show a permanent diff, argo-cd#11143).
 * Operator v1.11 adds `podManagementPolicy` from the spec, `minReadySeconds` (> 0 only) and the PVC retention policy.
 */
import type {
  V1PersistentVolumeClaim,
  V1PersistentVolumeClaimSpec,
  V1StatefulSetPersistentVolumeClaimRetentionPolicy,
  V1StatefulSetSpec,
  V1StatefulSetUpdateStrategy,
} from '@kubernetes/client-node';
import type { ComponentKind, StarRocksClusterSpec, StorageVolume } from '../model/types';
import { componentContext, type ComponentContext } from './component-context';
import type { RenderedStatefulSet } from './kube-object';
import { componentLabels, componentResourceName, componentSelector, searchServiceName } from './names';
import { buildPodTemplate, specialStorageClass } from './pod-template';
import { compact } from './plain';

/**
 * `PVCList`: one ReadWriteOnce claim template per storage volume that is not emptyDir / hostPath / size 0. Written
 * as the API server returns it (apps/v1 defaulting runs the PVC defaults on every template: `volumeMode: Filesystem`,
 * `status.phase: Pending`), because the list is atomic under server-side apply: any difference is a permanent diff
 * for GitOps tools and a conflict after a client-side `kubectl apply` (lib/render/README.md).
 */
export function volumeClaimTemplates(volumes: readonly StorageVolume[] | undefined): V1PersistentVolumeClaim[] {
  return (volumes ?? [])
    .filter((sv) => specialStorageClass(sv) === '' && !(sv.storageSize ?? '').startsWith('0'))
    .map((sv): V1PersistentVolumeClaim => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: sv.name },
      spec: compact<V1PersistentVolumeClaimSpec>({
        accessModes: ['ReadWriteOnce'],
        storageClassName: sv.storageClassName,
        resources: sv.storageSize ? { requests: { storage: sv.storageSize } } : {},
        volumeMode: 'Filesystem',
      }),
      status: { phase: 'Pending' },
    }));
}

/** `GetUpdateStrategy`: RollingUpdate from partition 0, or the chart's `maxUnavailablePods` as given. */
function updateStrategy(ctx: ComponentContext): V1StatefulSetUpdateStrategy {
  if (ctx.spec.maxUnavailablePods !== undefined) {
    return { rollingUpdate: { maxUnavailable: ctx.spec.maxUnavailablePods } };
  }
  return { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
}

/**
 * Replicas: the chart always writes FE/BE `replicas` (default 1) and omits CN's unless set, so an unset CN count
 * leaves the field out (Kubernetes then runs 1, and an autoscaler may own it).
 */
function replicas(ctx: ComponentContext): number | undefined {
  return ctx.spec.replicas ?? (ctx.kind === 'cn' ? ctx.rules.cnReplicasDefault : 1);
}

/** v1.11: the spec's policy, else Parallel (`GetPodManagementPolicy`); v1.10: always Parallel. */
function podManagementPolicy(ctx: ComponentContext): string {
  return (ctx.rules.podManagementPolicyFromSpec && ctx.spec.podManagementPolicy) || 'Parallel';
}

/** v1.11: written only when above 0. */
function minReadySeconds(ctx: ComponentContext): number | undefined {
  const value = ctx.spec.minReadySeconds;
  return ctx.rules.statefulSetPolicies && value !== undefined && value > 0 ? value : undefined;
}

/** v1.11: CN keeps the whole policy; FE and BE keep only `whenDeleted` (whenScaled is a CN feature). */
function pvcRetentionPolicy(ctx: ComponentContext): V1StatefulSetPersistentVolumeClaimRetentionPolicy | undefined {
  const policy = ctx.spec.persistentVolumeClaimRetentionPolicy;
  if (!ctx.rules.statefulSetPolicies || policy === undefined) return undefined;
  if (ctx.kind === 'cn') return compact<V1StatefulSetPersistentVolumeClaimRetentionPolicy>({ whenDeleted: policy.whenDeleted, whenScaled: policy.whenScaled });
  return compact<V1StatefulSetPersistentVolumeClaimRetentionPolicy>({ whenDeleted: policy.whenDeleted });
}

export function statefulSetFromContext(ctx: ComponentContext): RenderedStatefulSet {
  const claims = volumeClaimTemplates(ctx.spec.storageVolumes);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: componentResourceName(ctx.cluster, ctx.kind),
      namespace: ctx.namespace,
      labels: componentLabels(ctx.cluster, ctx.kind),
    },
    spec: compact<V1StatefulSetSpec>({
      replicas: replicas(ctx),
      selector: { matchLabels: componentSelector(ctx.cluster, ctx.kind) },
      template: buildPodTemplate(ctx),
      volumeClaimTemplates: claims.length > 0 ? claims : undefined,
      serviceName: searchServiceName(ctx.cluster, ctx.kind),
      podManagementPolicy: podManagementPolicy(ctx),
      updateStrategy: updateStrategy(ctx),
      minReadySeconds: minReadySeconds(ctx),
      persistentVolumeClaimRetentionPolicy: pvcRetentionPolicy(ctx),
    }),
  };
}

/** The StatefulSet of one component, or undefined when the cluster has no such component. */
export function buildStatefulSet(spec: StarRocksClusterSpec, kind: ComponentKind, namespace: string): RenderedStatefulSet | undefined {
  const ctx = componentContext(spec, kind, namespace);
  return ctx && statefulSetFromContext(ctx);
}
