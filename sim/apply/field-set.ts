/**
 * Field sets: the set of field paths an object sets, in the path-element syntax of FieldsV1
 * (`f:<field>`, `k:{json keys}` for map-list items, `v:<json>` for set items). Encoded to and from the
 * nested FieldsV1 form (`.` marks a node that is itself a member), and used to look values up.
 */
import { deepEqual, isPlainObject } from '../json';
import { itemKey, listType, ListType } from './list-types';

/** A path is its elements joined by SEP (never part of a field name). */
export const SEP = '\u0001';
export type FieldSet = Set<string>;

const SERVER_METADATA = new Set([
  'name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields',
  'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds',
]);

export function keyElement(lt: Extract<ListType, { type: 'map' }>, item: any): string {
  return `k:${JSON.stringify(itemKey(lt, item))}`;
}

function collect(kind: string, value: Record<string, any>, path: string[], names: string[], out: FieldSet): void {
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === undefined) continue;
    const p = [...path, `f:${k}`];
    const n = [...names, k];
    if (Array.isArray(v)) {
      const lt = listType(kind, n);
      if (lt.type === 'map') {
        for (const item of v) {
          const ip = [...p, keyElement(lt, item)];
          out.add(ip.join(SEP));
          if (isPlainObject(item)) collect(kind, item, ip, n, out);
        }
      } else if (lt.type === 'set') {
        for (const item of v) out.add([...p, `v:${JSON.stringify(item)}`].join(SEP));
      } else out.add(p.join(SEP));
    } else if (isPlainObject(v) && Object.keys(v).length > 0) {
      collect(kind, v, p, n, out);
    } else out.add(p.join(SEP));
  }
}

/**
 * The fields an object sets. `scope` picks the part a write may own: the main resource (no status when the
 * kind has a status subresource) or the status subresource.
 */
export function fieldSetOf(kind: string, obj: any, scope: 'main' | 'status' | 'all' = 'all'): FieldSet {
  const out: FieldSet = new Set();
  if (!isPlainObject(obj)) return out;
  const top: Record<string, any> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (scope === 'main' && k === 'status') continue;
    if (scope === 'status' && k !== 'status') continue;
    if (k === 'metadata' && isPlainObject(v)) {
      const md: Record<string, any> = {};
      for (const [mk, mv] of Object.entries(v)) if (!SERVER_METADATA.has(mk)) md[mk] = mv;
      if (Object.keys(md).length) top.metadata = md;
      continue;
    }
    top[k] = v;
  }
  collect(kind, top, [], [], out);
  return out;
}

/** Looks up the value a path points at; `found` is false when any step is missing. */
export function lookup(kind: string, obj: any, path: string): { found: boolean; value?: any } {
  let cur = obj;
  const names: string[] = [];
  for (const el of path.split(SEP)) {
    if (el.startsWith('f:')) {
      const f = el.slice(2);
      if (!isPlainObject(cur) || !(f in cur) || cur[f] === undefined) return { found: false };
      cur = cur[f];
      names.push(f);
    } else if (el.startsWith('k:')) {
      const lt = listType(kind, names);
      if (!Array.isArray(cur) || lt.type !== 'map') return { found: false };
      const item = cur.find((it) => keyElement(lt, it) === el);
      if (item === undefined) return { found: false };
      cur = item;
    } else if (el.startsWith('v:')) {
      const want = JSON.parse(el.slice(2));
      if (!Array.isArray(cur) || !cur.some((x) => deepEqual(x, want))) return { found: false };
      cur = want;
    } else return { found: false };
  }
  return { found: true, value: cur };
}

/** Encodes a field set as FieldsV1 (nested objects, sorted keys, `.` for members that also have children). */
export function toFieldsV1(set: FieldSet): Record<string, any> {
  type Node = { member: boolean; children: Map<string, Node> };
  const root: Node = { member: false, children: new Map() };
  for (const p of set) {
    let n = root;
    for (const el of p.split(SEP)) {
      let c = n.children.get(el);
      if (!c) n.children.set(el, (c = { member: false, children: new Map() }));
      n = c;
    }
    n.member = true;
  }
  const enc = (n: Node): Record<string, any> => {
    const o: Record<string, any> = {};
    if (n.member && n.children.size) o['.'] = {};
    for (const k of [...n.children.keys()].sort()) o[k] = enc(n.children.get(k)!);
    return o;
  };
  return enc(root);
}

export function fromFieldsV1(f: Record<string, any> | undefined): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: Record<string, any>, path: string[]) => {
    const keys = Object.keys(node);
    if (path.length && (keys.length === 0 || keys.includes('.'))) out.add(path.join(SEP));
    for (const k of keys) if (k !== '.') walk(node[k] ?? {}, [...path, k]);
  };
  if (isPlainObject(f)) walk(f, []);
  return out;
}

/** `.spec.template.spec.containers[name="fe"].image`: how the API server names a path in conflict messages. */
export function describePath(path: string): string {
  return path
    .split(SEP)
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('k:')) {
        const k = JSON.parse(el.slice(2));
        return `[${Object.entries(k).map(([a, b]) => `${a}=${JSON.stringify(b)}`).join(',')}]`;
      }
      return `[${el.slice(2)}]`;
    })
    .join('');
}

export function isPrefixOf(prefix: string, path: string): boolean {
  return path.startsWith(prefix + SEP);
}
