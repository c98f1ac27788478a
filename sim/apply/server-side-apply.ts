/**
 * Server-side apply: merge an applied configuration into the live object, detect conflicts with other
 * managers, and remove fields the applier owned before and no longer applies (unless someone else owns them).
 */
import { ApiStatusError } from '../http/status';
import { clone, deepEqual, isPlainObject } from '../json';
import { describePath, FieldSet, fieldSetOf, isPrefixOf, lookup, SEP, keyElement } from './field-set';
import { itemKey, listType, sameKey } from './list-types';
import { ManagerEntry, readEntries, sameEntry, writeEntries } from './managed-fields';

export interface ApplyInput {
  readonly kind: string;
  readonly group: string;
  readonly plural: string;
  readonly apiVersion: string;
  /** The live object, or undefined when apply creates it. */
  readonly live: any | undefined;
  readonly applied: any;
  readonly manager: string;
  readonly force: boolean;
  readonly time: string;
  readonly subresource?: string;
}

/** Returns the merged object with its new `metadata.managedFields`; throws a 409 on conflicts. */
export function serverSideApply(input: ApplyInput): any {
  const { kind, live, applied, manager, subresource } = input;
  const dups = duplicateKeys(kind, applied, [], '');
  if (dups.length) throw duplicateKeysError(input, dups);
  const scope = subresource === 'status' ? 'status' : 'main';
  const base = live ? clone(live) : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: { name: applied.metadata?.name, namespace: applied.metadata?.namespace } };
  const entries = live ? readEntries(live) : [];
  const newSet = fieldSetOf(kind, applied, scope);
  const mineIdx = entries.findIndex((e) => sameEntry(e, manager, 'Apply', subresource));
  const oldSet: FieldSet = mineIdx >= 0 ? entries[mineIdx].fields : new Set();

  // Conflicts: another manager owns a leaf we set to a different value.
  const conflicts: { entry: ManagerEntry; path: string }[] = [];
  for (const p of newSet) {
    if (p.split(SEP).pop()!.startsWith('k:')) continue;
    const av = lookup(kind, applied, p).value;
    if (isPlainObject(av) && Object.keys(av).length > 0) continue; // a map node: its leaves are compared
    const l = lookup(kind, base, p);
    if (!l.found || deepEqual(l.value, lookup(kind, applied, p).value)) continue;
    for (const e of entries) if (e.manager !== manager && e.fields.has(p)) conflicts.push({ entry: e, path: p });
  }
  if (conflicts.length && !input.force && !takesOverClientSideApply(kind, live, manager, conflicts.map((c) => c.path))) throw conflictError(input, conflicts);
  for (const c of conflicts) c.entry.fields.delete(c.path);

  // Merge, then drop what we stopped applying and nobody else owns.
  let merged = mergeObject(kind, base, applied, [], scope);
  const others = entries.filter((e) => !sameEntry(e, manager, 'Apply', subresource));
  const ownedByOthers = (p: string) => others.some((e) => e.fields.has(p) || [...e.fields].some((q) => isPrefixOf(p, q)));
  // As the API server's prune does (structured-merge-diff `EnsureNamedFieldsAreMembers`), a map the applier set
  // before and sets no more is removed whole, with what the server defaulted inside it (a probe's scheme, ...).
  const newNodes = mapNodes(newSet);
  const goneNodes = [...mapNodes(oldSet)].filter((p) => !newNodes.has(p) && !newSet.has(p) && !ownedByOthers(p));
  const gone = [...[...oldSet].filter((p) => !newSet.has(p) && !ownedByOthers(p)), ...goneNodes];
  // Shallow first: a removed list item takes its fields with it (they no longer resolve afterwards).
  gone.sort((a, b) => a.split(SEP).length - b.split(SEP).length);
  for (const p of gone) merged = removePath(kind, merged, p, (q) => others.some((e) => e.fields.has(q)) || newSet.has(q));

  const mine: ManagerEntry = { manager, operation: 'Apply', apiVersion: input.apiVersion, time: input.time, subresource, fields: newSet };
  const nextEntries = mineIdx >= 0 ? entries.map((e, i) => (i === mineIdx ? mine : e)) : [...entries, mine];
  merged.metadata = merged.metadata ?? {};
  const mf = writeEntries(nextEntries);
  if (mf) merged.metadata.managedFields = mf;
  else delete merged.metadata.managedFields;
  return merged;
}

/** The map fields (`f:` elements below the top level) that the paths of `set` pass through. */
function mapNodes(set: FieldSet): Set<string> {
  const nodes = new Set<string>();
  for (const p of set) {
    const els = p.split(SEP);
    for (let i = 2; i < els.length; i++) if (els[i - 1].startsWith('f:')) nodes.add(els.slice(0, i).join(SEP));
  }
  return nodes;
}

function conflictError(input: ApplyInput, conflicts: { entry: ManagerEntry; path: string }[]): ApiStatusError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with "${c.entry.manager}"${c.entry.operation === 'Update' ? ` using ${c.entry.apiVersion}` : ''}`,
    field: describePath(c.path),
  }));
  const n = conflicts.length;
  const lines = causes.map((c) => `- ${c.message}: ${c.field}`).join('\n');
  // Details carry the causes only (errors.NewApplyConflict in structured-merge-diff's fieldmanager; seen on
  // kube-apiserver v1.36: no name, group or kind).
  return new ApiStatusError(409, 'Conflict', `Apply failed with ${n} conflict${n > 1 ? 's' : ''}: ${n === 1 ? `${causes[0].message}: ${causes[0].field}` : '\n' + lines}`, {
    causes,
  });
}

function mergeObject(kind: string, live: any, applied: any, names: string[], scope: 'main' | 'status'): any {
  const out: Record<string, any> = isPlainObject(live) ? { ...live } : {};
  for (const [k, v] of Object.entries(applied ?? {})) {
    if (names.length === 0 && (k === 'apiVersion' || k === 'kind')) continue;
    if (names.length === 0 && ((scope === 'main' && k === 'status') || (scope === 'status' && k !== 'status' && k !== 'metadata'))) continue;
    if (v === null || v === undefined) {
      delete out[k];
      continue;
    }
    out[k] = mergeValue(kind, out[k], v, [...names, k]);
  }
  return out;
}

function mergeValue(kind: string, live: any, applied: any, names: string[]): any {
  if (Array.isArray(applied)) {
    const lt = listType(kind, names);
    if (lt.type === 'map' && Array.isArray(live)) {
      const result = applied.map((a) => {
        const l = live.find((x) => sameKey(lt, x, a));
        return l === undefined ? clone(a) : mergeObject(kind, l, a, names, 'main');
      });
      for (const l of live) if (!applied.some((a) => sameKey(lt, l, a))) result.push(l);
      return result;
    }
    if (lt.type === 'set' && Array.isArray(live)) {
      // The applied order wins; what only others set follows (structured-merge-diff set_test.go apply_twice_reorder).
      return [...applied, ...live.filter((l) => !applied.some((a) => deepEqual(l, a)))];
    }
    return clone(applied);
  }
  if (isPlainObject(applied)) return mergeObject(kind, isPlainObject(live) ? live : {}, applied, names, 'main');
  return applied;
}

/** Removes one path; then prunes maps it left empty, unless `kept` says a path is still owned. */
function removePath(kind: string, obj: any, path: string, kept: (p: string) => boolean): any {
  const els = path.split(SEP);
  const parentPath = els.slice(0, -1).join(SEP);
  const parent = parentPath ? lookup(kind, obj, parentPath) : { found: true, value: obj };
  if (!parent.found) return obj;
  const last = els[els.length - 1];
  const container = parent.value;
  if (last.startsWith('f:') && isPlainObject(container)) delete container[last.slice(2)];
  else if (Array.isArray(container)) {
    const names = els.filter((e) => e.startsWith('f:')).map((e) => e.slice(2));
    const lt = listType(kind, names);
    const idx = last.startsWith('k:') && lt.type === 'map'
      ? container.findIndex((it) => keyElement(lt, it) === last)
      : container.findIndex((it) => deepEqual(it, JSON.parse(last.slice(2))));
    if (idx >= 0) container.splice(idx, 1);
  }
  // Prune parents that are now empty maps and owned by no one.
  if (parentPath && isPlainObject(container) && Object.keys(container).length === 0 && !kept(parentPath) && last.startsWith('f:')) {
    const pEls = parentPath.split(SEP);
    if (pEls[pEls.length - 1].startsWith('f:')) return removePath(kind, obj, parentPath, kept);
  }
  return obj;
}

/** A key as structured-merge-diff prints a PathElement: `[name="X"]`, keys sorted, strings quoted. */
function keyText(key: Record<string, unknown>): string {
  return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
}

/**
 * Map-list items with the same key in an applied configuration. The typed conversion of the patch refuses them
 * (structured-merge-diff v4.4.2 typed/validate.go line 145: "duplicate entries for key"), before any merge.
 */
function duplicateKeys(kind: string, value: any, names: string[], path: string): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) {
    const lt = listType(kind, names);
    if (lt.type !== 'map') return out;
    const seen = new Set<string>();
    for (const item of value) {
      const key = keyText(itemKey(lt, item));
      if (seen.has(key)) out.push(`${path}: duplicate entries for key ${key}`);
      seen.add(key);
      out.push(...duplicateKeys(kind, item, names, `${path}${key}`));
    }
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v && typeof v === 'object') out.push(...duplicateKeys(kind, v, [...names, k], `${path}.${k}`));
    }
  }
  return out;
}

/**
 * The API server returns the conversion error as is: not a Status error, so a 500 with no reason
 * (apimachinery v0.32.0 pkg/util/managedfields/internal/structuredmerge.go lines 145-148, objectGVKNN lines 79-88;
 * apiserver v0.32.0 pkg/endpoints/handlers/responsewriters/status.go lines 60-81).
 */
function duplicateKeysError(input: ApplyInput, dups: string[]): ApiStatusError {
  const md = input.applied?.metadata ?? {};
  const [group, version] = input.apiVersion.includes('/') ? input.apiVersion.split('/') : ['', input.apiVersion];
  const gvk = `${group ? `${group}/` : '/'}${version}, Kind=${input.kind}`;
  const detail = dups.length === 1 ? dups[0] : ['errors:', ...dups.map((d) => `  ${d}`)].join('\n');
  return new ApiStatusError(500, '', `failed to create typed patch object (${md.namespace ?? ''}/${md.name ?? ''}; ${gvk}): ${detail}`);
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * kubectl moving an object from client-side to server-side apply: conflicts on fields whose last-applied value
 * still equals the live one are forgiven, and the apply goes through as if forced (apimachinery v0.32.0
 * pkg/util/managedfields/internal/lastappliedmanager.go lines 59-89 and 91-152; manager `kubectl` only).
 */
function takesOverClientSideApply(kind: string, live: any, manager: string, paths: string[]): boolean {
  if (manager !== 'kubectl' || !live) return false;
  const raw = live.metadata?.annotations?.[LAST_APPLIED];
  if (!raw) return false;
  let last: any;
  try {
    last = JSON.parse(raw);
  } catch {
    return false;
  }
  if (last?.apiVersion !== live.apiVersion) return false;
  const lastSet = fieldSetOf(kind, last, 'main');
  return paths.every((p) => {
    if (!lastSet.has(p)) return false;
    const a = lookup(kind, last, p);
    const b = lookup(kind, live, p);
    return a.found && b.found && deepEqual(a.value, b.value);
  });
}
