/** Small helpers to build plain, JSON-shaped data without `undefined` holes (cdk8s and deep-equal both care). */

/** A deep copy of JSON-shaped data with `undefined` members dropped, so rendered objects never alias the spec. */
export function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => plain(v)) as unknown as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = plain(v);
    }
    return out as T;
  }
  return value;
}

/**
 * An object literal with its `undefined` members removed (shallow; values are kept as they are). Call it with the
 * Kubernetes type as the type argument (`compact<V1Container>({...})`), so the literal is checked against it.
 */
export function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const k in obj) {
    const v = obj[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

/** `undefined` for an absent or empty list, like Go's `omitempty`. */
export function nonEmptyList<T>(list: readonly T[] | undefined): T[] | undefined {
  return list === undefined || list.length === 0 ? undefined : plain([...list]);
}

/** `undefined` for an absent or empty map, like Go's `omitempty`. */
export function nonEmptyMap<T>(map: Readonly<Record<string, T>> | undefined): Record<string, T> | undefined {
  return map === undefined || Object.keys(map).length === 0 ? undefined : plain({ ...map });
}
