/**
 * Label and field selectors, parsed from the query-string syntax the API server accepts
 * (`a=b,c!=d,e in (x,y),!f,g`), plus LabelSelector objects (`matchLabels` / `matchExpressions`).
 */
import { badRequest } from './http/status';

type Requirement =
  | { op: '=' | '!='; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | '!exists'; key: string };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function parseLabelRequirements(s: string): Requirement[] {
  return splitTopLevel(s).map((part): Requirement => {
    let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) return { op: m[2] as 'in' | 'notin', key: m[1], values: m[3].split(',').map((v) => v.trim()) };
    m = /^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m) return { op: m[2] === '!=' ? '!=' : '=', key: m[1], value: m[3] };
    m = /^!\s*([^\s!=]+)$/.exec(part);
    if (m) return { op: '!exists', key: m[1] };
    if (/^[^\s!=(),]+$/.test(part)) return { op: 'exists', key: part };
    throw badRequest(`unable to parse requirement: ${part}`);
  });
}

function matches(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case '=':
        return has && l[r.key] === r.value;
      case '!=':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case '!exists':
        return !has;
    }
  });
}

/** Parses `?labelSelector=`. An empty or absent selector matches everything. */
export function parseLabelSelector(s: string | undefined | null): Selector {
  if (!s) return () => true;
  const reqs = parseLabelRequirements(s);
  return (labels) => matches(reqs, labels);
}

/** A LabelSelector object as used by StatefulSet.spec.selector. An empty selector matches everything. */
export function labelSelectorFromObject(sel: { matchLabels?: Record<string, string>; matchExpressions?: any[] } | undefined): Selector {
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) reqs.push({ op: '=', key: k, value: String(v) });
  for (const e of sel?.matchExpressions ?? []) {
    const op = String(e.operator);
    if (op === 'In') reqs.push({ op: 'in', key: e.key, values: e.values ?? [] });
    else if (op === 'NotIn') reqs.push({ op: 'notin', key: e.key, values: e.values ?? [] });
    else if (op === 'Exists') reqs.push({ op: 'exists', key: e.key });
    else if (op === 'DoesNotExist') reqs.push({ op: '!exists', key: e.key });
  }
  return (labels) => matches(reqs, labels);
}

/** Reads a dotted field path (`metadata.name`, `status.phase`, `spec.nodeName`) from an object. */
function fieldValue(obj: any, path: string): string {
  let cur = obj;
  for (const p of path.split('.')) cur = cur?.[p];
  return cur === undefined || cur === null ? '' : String(cur);
}

const FIELD_LABELS = /^(metadata\.name|metadata\.namespace|status\.phase|spec\.nodeName|spec\.restartPolicy|spec\.schedulerName|spec\.serviceAccountName|status\.podIP|type|involvedObject\.(kind|name|namespace|uid|resourceVersion|fieldPath|apiVersion)|reason|source)$/;

/** Parses `?fieldSelector=`: `=`, `==` and `!=` on the fields the real server indexes for our kinds. */
export function parseFieldSelector(s: string | undefined | null): (obj: any) => boolean {
  if (!s) return () => true;
  const reqs = splitTopLevel(s).map((part) => {
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    if (!FIELD_LABELS.test(m[1])) throw badRequest(`field label not supported: ${m[1]}`);
    return { field: m[1], neg: m[2] === '!=', value: m[3] };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.neg);
}
