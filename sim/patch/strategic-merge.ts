/**
 * Strategic merge patch for the kinds the simulator serves: map-lists merge by their patch merge key
 * (containers/env/volumes by name, ports by containerPort, ...), other lists replace. Directives:
 * `$patch: replace|delete` on maps and list items, `$deleteFromPrimitiveList/<field>`, and the ordering
 * hints `$setElementOrder/<field>` and `$retainKeys` (honoured by dropping keys not retained).
 */
import { badRequest } from '../http/status';
import { clone, deepEqual, isPlainObject } from '../json';
import { listType } from '../apply/list-types';

/** Strategic merge keys are a single field (the first list-map key). */
function mergeKey(kind: string, names: string[]): string | undefined {
  const lt = listType(kind, names);
  if (lt.type === 'map') return lt.keys[0];
  if (names[names.length - 1] === 'finalizers') return undefined;
  return undefined;
}

export function strategicMergePatch(kind: string, target: any, patch: any): any {
  return mergeMap(kind, target, patch, []);
}

function mergeMap(kind: string, target: any, patch: any, names: string[]): any {
  if (!isPlainObject(patch)) throw badRequest('strategic merge patch must be an object');
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return clone(rest);
  }
  let out: Record<string, any> = isPlainObject(target) ? { ...target } : {};
  const retain: string[] | undefined = patch.$retainKeys;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys' || k.startsWith('$setElementOrder/') || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[f])) out[f] = out[f].filter((x: any) => !(v as any[]).some((d) => deepEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const n = [...names, k];
    if (Array.isArray(v)) out[k] = mergeList(kind, out[k], v, n);
    else if (isPlainObject(v)) {
      const m = mergeMap(kind, out[k], v, n);
      if (m === undefined) delete out[k];
      else out[k] = m;
    } else out[k] = v;
  }
  if (retain) out = Object.fromEntries(Object.entries(out).filter(([k]) => retain.includes(k)));
  return out;
}

function mergeList(kind: string, target: any, patch: any[], names: string[]): any[] {
  const key = mergeKey(kind, names);
  const last = names[names.length - 1];
  if (last === 'finalizers' && Array.isArray(target)) {
    return [...target, ...patch.filter((p) => !target.includes(p))];
  }
  if (!key || !Array.isArray(target)) {
    if (patch.some((p) => isPlainObject(p) && p.$patch === 'replace')) return patch.filter((p) => !(isPlainObject(p) && p.$patch));
    return clone(patch).filter((p: any) => !(isPlainObject(p) && p.$patch === 'delete'));
  }
  if (patch.some((p) => isPlainObject(p) && p.$patch === 'replace')) {
    return clone(patch.filter((p) => !(isPlainObject(p) && p.$patch === 'replace')));
  }
  const out = [...target];
  for (const p of patch) {
    if (!isPlainObject(p)) continue;
    const idx = out.findIndex((t) => isPlainObject(t) && t[key] === p[key]);
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = mergeMap(kind, out[idx], p, names);
    else out.push(mergeMap(kind, {}, p, names));
  }
  return out;
}
