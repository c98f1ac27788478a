/**
 * `renderCluster`: the whole cluster as plain Kubernetes objects, in a fixed order:
 * 1. the user's ConfigMaps, then Secrets (spec order);
 * 2. for FE, then CN, then BE (when present): config ConfigMap, Service, search Service, StatefulSet.
 * Pure and deterministic: same spec, deep-equal output; nothing is read from outside the arguments.
 */
import type { ComponentKind, StarRocksClusterSpec } from '../model/types';
import { componentContext } from './component-context';
import { buildUserConfigMaps, buildUserSecrets, configConfigMapFromContext } from './config-maps';
import type { RenderedObject } from './kube-object';
import { COMPONENT_KINDS } from './names';
import { externalServiceFromContext, searchServiceFromContext } from './service';
import { statefulSetFromContext } from './stateful-set';

export interface RenderOptions {
  /** Namespace of every object. @default - `spec.namespace`, else 'default' */
  readonly namespace?: string;
}

export const DEFAULT_NAMESPACE = 'default';

/** The namespace the objects of `spec` go to. */
export function resolveNamespace(spec: StarRocksClusterSpec, opts?: RenderOptions): string {
  return opts?.namespace ?? spec.namespace ?? DEFAULT_NAMESPACE;
}

/** The objects of one component in render order, or [] when the cluster has no such component. */
export function renderComponent(spec: StarRocksClusterSpec, kind: ComponentKind, namespace: string): RenderedObject[] {
  const ctx = componentContext(spec, kind, namespace);
  if (ctx === undefined) return [];
  return [
    configConfigMapFromContext(ctx),
    externalServiceFromContext(ctx),
    searchServiceFromContext(ctx),
    statefulSetFromContext(ctx),
  ];
}

/** FE's objects: `<c>-fe-cm`, `<c>-fe-service`, `<c>-fe-search`, `<c>-fe`. */
export function renderFe(spec: StarRocksClusterSpec, namespace: string): RenderedObject[] {
  return renderComponent(spec, 'fe', namespace);
}

export function renderCluster(spec: StarRocksClusterSpec, opts?: RenderOptions): RenderedObject[] {
  const namespace = resolveNamespace(spec, opts);
  return [
    ...buildUserConfigMaps(spec, namespace),
    ...buildUserSecrets(spec, namespace),
    ...COMPONENT_KINDS.flatMap((kind) => renderComponent(spec, kind, namespace)),
  ];
}
