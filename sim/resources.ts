/**
 * The resource types the simulator serves: one table, read by the router, discovery, OpenAPI and the store.
 * Flags follow the real API server (which kinds have a status subresource, which bump metadata.generation).
 */
export interface ResourceType {
  /** API group; '' is the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Lower-case plural used in URLs, e.g. `statefulsets`. */
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /** Main-resource writes keep the live status; status is written through `/status`. */
  readonly hasStatus: boolean;
  /** `metadata.generation` is bumped when anything but metadata and status changes. */
  readonly hasGeneration: boolean;
  /** Serves the autoscaling/v1 `scale` subresource. @default false */
  readonly hasScale?: boolean;
  readonly categories?: readonly string[];
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], hasStatus: true, hasGeneration: false },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'], hasStatus: false, hasGeneration: false },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, shortNames: [], hasStatus: false, hasGeneration: false },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], hasStatus: true, hasGeneration: false, categories: ['all'] },
  { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'], hasStatus: false, hasGeneration: false },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', namespaced: true, shortNames: ['pvc'], hasStatus: true, hasGeneration: false },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], hasStatus: true, hasGeneration: false, categories: ['all'] },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'], hasStatus: false, hasGeneration: false },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true, shortNames: ['sts'], hasStatus: true, hasGeneration: true, hasScale: true, categories: ['all'] },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', singular: 'lease', namespaced: true, shortNames: [], hasStatus: false, hasGeneration: false },
  { group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', singular: 'controllerrevision', namespaced: true, shortNames: [], hasStatus: false, hasGeneration: false },
];

export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** Finds a type by kind (`StatefulSet`), plural (`statefulsets`), singular or short name, case-insensitive. */
export function resourceType(kindOrPlural: string): ResourceType | undefined {
  const k = kindOrPlural.toLowerCase();
  return RESOURCE_TYPES.find(
    (r) => r.kind.toLowerCase() === k || r.plural === k || r.singular === k || r.shortNames.includes(k),
  );
}

export function resourceByPath(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** Pretty group-qualified name used in error messages: `statefulsets.apps`, `pods`. */
export function qualifiedName(rt: ResourceType): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}
