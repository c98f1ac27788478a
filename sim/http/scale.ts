/**
 * The `scale` subresource of StatefulSets: an autoscaling/v1 `Scale` view (spec.replicas, status.replicas and
 * the selector as a string), read with GET and written with PUT or any patch type; a write changes only the
 * StatefulSet's spec.replicas (pkg/registry/apps/statefulset/storage/storage.go, ScaleREST).
 */
import { PatchType, Registry } from '../registry';
import { ResourceType } from '../resources';
import { jsonPatch } from '../patch/json-patch';
import { mergePatch } from '../patch/merge-patch';
import { badRequest, conflict, invalid } from './status';
import { isPlainObject } from '../json';

const SCALE = { kind: 'Scale', group: 'autoscaling', plural: 'scale' };

function selectorString(sel: any): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).sort();
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export function toScale(sts: any): any {
  const md = sts.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: md.name, namespace: md.namespace, uid: md.uid, resourceVersion: md.resourceVersion, creationTimestamp: md.creationTimestamp },
    spec: { replicas: sts.spec?.replicas ?? 0 },
    status: { replicas: sts.status?.replicas ?? 0, selector: selectorString(sts.spec?.selector) },
  };
}

/** Writes a new Scale (from PUT) or a patched one; returns the Scale of the stored StatefulSet. */
export function writeScale(
  registry: Registry,
  rt: ResourceType,
  ns: string | undefined,
  name: string,
  how: { put: any } | { patchType: PatchType; patch: any },
  opts: { fieldManager?: string; dryRun?: boolean },
): any {
  const sts = registry.get(rt, ns, name);
  const current = toScale(sts);
  let next: any;
  if ('put' in how) next = how.put;
  else if (how.patchType === 'json') next = jsonPatch(current, how.patch);
  else if (how.patchType === 'merge' || how.patchType === 'strategic') next = mergePatch(current, how.patch);
  else throw badRequest('apply is not supported on the scale subresource of this simulator');
  if (!isPlainObject(next)) throw badRequest('request body must be a JSON object');
  const rv = next.metadata?.resourceVersion;
  if (rv && rv !== sts.metadata.resourceVersion) throw conflict(rt, name, 'the object has been modified; please apply your changes to the latest version and try again');
  const replicas = next.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid(SCALE, name, [{ field: 'spec.replicas', type: 'Invalid', value: replicas ?? null, detail: 'must be greater than or equal to 0' }]);
  }
  const out = registry.patch(rt, ns, name, 'merge', { spec: { replicas } }, { fieldManager: opts.fieldManager, dryRun: opts.dryRun });
  return toScale(out);
}
