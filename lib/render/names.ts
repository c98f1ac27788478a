/**
 * Names and labels of everything the operator creates for a cluster `<c>` (operator v1.10.2, unchanged in v1.11.5):
 * `pkg/k8sutils/load/{load,metadata}.go`, `pkg/k8sutils/templates/service/spec.go`, the chart's `_helpers.tpl`.
 */
import type { ComponentKind } from '../model/types';

/** Label keys the operator uses (`pkg/apis/starrocks/v1/labels.go`). */
export const OWNER_REFERENCE_LABEL = 'app.starrocks.ownerreference/name';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** The components in render order. */
export const COMPONENT_KINDS: readonly ComponentKind[] = ['fe', 'cn', 'be'];

/** StatefulSet name, also the pod template name and the selector's owner value: `<c>-fe`. */
export function componentResourceName(cluster: string, kind: ComponentKind): string {
  return `${cluster}-${kind}`;
}

/** The external Service: `<c>-fe-service`. */
export function serviceName(cluster: string, kind: ComponentKind): string {
  return `${cluster}-${kind}-service`;
}

/** The headless Service the StatefulSet's `serviceName` points at: `<c>-fe-search`. */
export function searchServiceName(cluster: string, kind: ComponentKind): string {
  return `${cluster}-${kind}-search`;
}

/** The chart's config ConfigMap: `<c>-fe-cm`. */
export function configMapName(cluster: string, kind: ComponentKind): string {
  return `${cluster}-${kind}-cm`;
}

/** The key of the config file in that ConfigMap: `fe.conf`. */
export function configFileName(kind: ComponentKind): string {
  return `${kind}.conf`;
}

/** Where the config ConfigMap is mounted (fixed in the operator, not under STARROCKS_ROOT). */
export function configMountPath(kind: ComponentKind): string {
  return `/etc/starrocks/${kind}/conf`;
}

/** Name of the main container: `fe`, `cn` or `be`. */
export function containerName(kind: ComponentKind): string {
  return kind;
}

/** The PersistentVolumeClaim a StatefulSet creates from a claim template: `<template>-<sts>-<ordinal>`. */
export function pvcName(template: string, statefulSet: string, ordinal: number): string {
  return `${template}-${statefulSet}-${ordinal}`;
}

/** Labels on the StatefulSet and the Services: owner `<c>` and the component. */
export function componentLabels(cluster: string, kind: ComponentKind): Record<string, string> {
  return { [OWNER_REFERENCE_LABEL]: cluster, [COMPONENT_LABEL]: kind };
}

/** Selector (and base pod labels): owner `<c>-<component>` and the component. */
export function componentSelector(cluster: string, kind: ComponentKind): Record<string, string> {
  return { [OWNER_REFERENCE_LABEL]: componentResourceName(cluster, kind), [COMPONENT_LABEL]: kind };
}

/** The chart's pod annotation carrying the config hash: `app.starrocks.io/fe-config-hash`. */
export function configHashAnnotation(kind: ComponentKind): string {
  return `app.starrocks.io/${kind}-config-hash`;
}

/** The operator's change-detection annotation on external Services. */
export const RESOURCE_HASH_ANNOTATION = 'app.starrocks.components/hash';

/** A label selector as the API's `labelSelector` query parameter takes it: `k=v,k2=v2`. */
function selectorText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/** The pods of a component: `app.kubernetes.io/component=fe,app.starrocks.ownerreference/name=<c>-fe`. */
export function componentPodSelector(cluster: string, kind: ComponentKind): string {
  return selectorText({ [COMPONENT_LABEL]: kind, [OWNER_REFERENCE_LABEL]: componentResourceName(cluster, kind) });
}

/** Every StatefulSet and Service of a cluster: `app.starrocks.ownerreference/name=<c>`. */
export function clusterSelector(cluster: string): string {
  return selectorText({ [OWNER_REFERENCE_LABEL]: cluster });
}

/** The ConfigMap in which starrocks-dr records a cluster's recovery status: `<c>-disaster-recovery`. */
export function statusRecordName(cluster: string): string {
  return `${cluster}-disaster-recovery`;
}

/** The Lease a recovery holds so that one actor at a time acts on a cluster: `<c>-starrocks-dr`. */
export function leaseName(cluster: string): string {
  return `${cluster}-starrocks-dr`;
}
