/**
 * How each list is merged, following the Kubernetes OpenAPI extensions (`x-kubernetes-list-type`,
 * `x-kubernetes-list-map-keys`, `x-kubernetes-patch-merge-key`) for the kinds the simulator serves.
 * Server-side apply and strategic merge patch both read this table.
 */
export type ListType =
  | { readonly type: 'map'; readonly keys: readonly string[]; readonly defaults?: Readonly<Record<string, unknown>> }
  | { readonly type: 'set' }
  | { readonly type: 'atomic' };

const ATOMIC: ListType = { type: 'atomic' };
const byName: ListType = { type: 'map', keys: ['name'] };

/**
 * @param kind the top-level object's kind
 * @param fieldNames field names from the root to the list field (list keys left out), e.g.
 *   `['spec','template','spec','containers','ports']`
 */
export function listType(kind: string, fieldNames: readonly string[]): ListType {
  const last = fieldNames[fieldNames.length - 1];
  const inContainer = fieldNames.some((n) => n === 'containers' || n === 'initContainers' || n === 'ephemeralContainers');
  switch (last) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'imagePullSecrets':
    case 'env':
    case 'resourceClaims':
      return byName;
    case 'ports':
      if (inContainer) return { type: 'map', keys: ['containerPort', 'protocol'], defaults: { protocol: 'TCP' } };
      if (kind === 'Service' && fieldNames.length === 2 && fieldNames[0] === 'spec') {
        return { type: 'map', keys: ['port', 'protocol'], defaults: { protocol: 'TCP' } };
      }
      return ATOMIC;
    case 'volumeMounts':
      return { type: 'map', keys: ['mountPath'] };
    case 'volumeDevices':
      return { type: 'map', keys: ['devicePath'] };
    case 'conditions':
      return { type: 'map', keys: ['type'] };
    case 'ownerReferences':
      return { type: 'map', keys: ['uid'] };
    case 'topologySpreadConstraints':
      return { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] };
    case 'hostAliases':
      return { type: 'map', keys: ['ip'] };
    case 'finalizers':
      return { type: 'set' };
    default:
      return ATOMIC;
  }
}

/** The key of a map-list item with defaults filled, as an object with sorted keys. */
export function itemKey(lt: Extract<ListType, { type: 'map' }>, item: any): Record<string, unknown> {
  const k: Record<string, unknown> = {};
  for (const name of [...lt.keys].sort()) {
    const v = item?.[name] ?? lt.defaults?.[name];
    if (v !== undefined) k[name] = v;
  }
  return k;
}

export function sameKey(lt: Extract<ListType, { type: 'map' }>, a: any, b: any): boolean {
  return lt.keys.every((name) => (a?.[name] ?? lt.defaults?.[name]) === (b?.[name] ?? lt.defaults?.[name]));
}
