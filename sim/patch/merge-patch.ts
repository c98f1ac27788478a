/** JSON merge patch (RFC 7386): maps merge, `null` deletes, everything else replaces. */
import { clone, isPlainObject } from '../json';

export function mergePatch(target: any, patch: any): any {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, any> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
