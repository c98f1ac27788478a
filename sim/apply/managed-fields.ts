/**
 * `metadata.managedFields` bookkeeping: decoding entries into field sets, recording who changed what on
 * ordinary writes (operation `Update`), and writing entries back in FieldsV1.
 */
import { deepEqual } from '../json';
import { FieldSet, fieldSetOf, fromFieldsV1, lookup, toFieldsV1 } from './field-set';

export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  fields: FieldSet;
}

export function readEntries(obj: any): ManagerEntry[] {
  const mf = obj?.metadata?.managedFields;
  if (!Array.isArray(mf)) return [];
  return mf.map((e: any) => ({
    manager: String(e.manager ?? ''),
    operation: e.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: String(e.apiVersion ?? ''),
    time: String(e.time ?? ''),
    subresource: e.subresource || undefined,
    fields: fromFieldsV1(e.fieldsV1),
  }));
}

export function writeEntries(entries: ManagerEntry[]): any[] | undefined {
  const kept = entries.filter((e) => e.fields.size > 0);
  if (!kept.length) return undefined;
  return kept.map((e) => {
    const o: Record<string, unknown> = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, time: e.time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(e.fields) };
    if (e.subresource) o.subresource = e.subresource;
    return o;
  });
}

export function sameEntry(e: ManagerEntry, manager: string, operation: string, subresource?: string): boolean {
  return e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? '');
}

/**
 * Ownership after a non-apply write by `manager`: fields it added or changed become its own and leave every
 * other manager (updates never conflict); fields that disappeared leave everyone.
 */
export function recordUpdate(
  kind: string,
  old: any | undefined,
  next: any,
  manager: string,
  apiVersion: string,
  time: string,
  subresource?: string,
): any[] | undefined {
  const scope = subresource === 'status' ? 'status' : 'all';
  const entries = old ? readEntries(old) : [];
  const newSet = fieldSetOf(kind, next, scope);
  const oldSet = old ? fieldSetOf(kind, old, scope) : new Set<string>();
  const changed = new Set<string>();
  for (const p of newSet) {
    if (!oldSet.has(p)) changed.add(p);
    else if (!deepEqual(lookup(kind, old, p).value, lookup(kind, next, p).value)) changed.add(p);
  }
  const removed = [...oldSet].filter((p) => !newSet.has(p));
  for (const e of entries) {
    for (const p of changed) e.fields.delete(p);
    for (const p of removed) e.fields.delete(p);
  }
  if (changed.size) {
    let mine = entries.find((e) => sameEntry(e, manager, 'Update', subresource));
    if (!mine) entries.push((mine = { manager, operation: 'Update', apiVersion, time, subresource, fields: new Set() }));
    for (const p of changed) mine.fields.add(p);
    mine.time = time;
    mine.apiVersion = apiVersion;
  }
  return writeEntries(entries);
}
