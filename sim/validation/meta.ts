/**
 * Object metadata, as apimachinery's ValidateObjectMetaAccessor (pkg/api/validation/objectmeta.go at
 * kubernetes/apimachinery v0.32.0): the name by the kind's rule, label keys and values
 * (pkg/apis/meta/v1/validation/validation.go lines 104-122), annotation keys and their 256 KiB total
 * (objectmeta.go lines 36, 44-67).
 */
import { FieldError } from '../http/status';
import { isPlainObject } from '../json';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names';

/**
 * Which rule each kind's name follows. Namespace: ValidateNamespaceName = NameIsDNSLabel (generic.go line 63);
 * Service: ValidateServiceName = NameIsDNS1035Label (pkg/apis/core/validation); StatefulSet: NameIsDNSLabel
 * (pkg/apis/apps/validation ValidateStatefulSetName: a subdomain "can't actually create pods"); every other kind
 * served here: NameIsDNSSubdomain.
 */
const NAME_RULE: Record<string, (v: string) => string[]> = {
  Namespace: isDNS1123Label,
  Service: isDNS1035Label,
  StatefulSet: isDNS1123Label,
};

export function nameRule(kind: string): (v: string) => string[] {
  return NAME_RULE[kind] ?? isDNS1123Subdomain;
}

/** ValidateLabels: each key a qualified name, each value a label value; errors sit on the map's path. */
export function validateLabels(labels: unknown, field: string, errs: FieldError[]): void {
  if (labels === undefined || labels === null) return;
  if (!isPlainObject(labels)) {
    errs.push({ field, type: 'Invalid', value: labels, detail: 'must be a map of strings' });
    return;
  }
  for (const [k, v] of Object.entries(labels)) {
    for (const m of isQualifiedName(k)) errs.push({ field, type: 'Invalid', value: k, detail: m });
    for (const m of isValidLabelValue(String(v ?? ''))) errs.push({ field, type: 'Invalid', value: String(v ?? ''), detail: m });
  }
}

const ANNOTATIONS_LIMIT = 256 * 1024;

export function validateAnnotations(annotations: unknown, field: string, errs: FieldError[]): void {
  if (!isPlainObject(annotations)) return;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push({ field, type: 'Invalid', value: k, detail: m });
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  }
  if (size > ANNOTATIONS_LIMIT) errs.push({ field, type: 'TooLong', detail: `may not be more than ${ANNOTATIONS_LIMIT} bytes` });
}

/** Name (or generateName), labels and annotations of `metadata`. */
export function validateObjectMeta(kind: string, md: any, errs: FieldError[]): void {
  const rule = nameRule(kind);
  if (md?.generateName) {
    // maskTrailingDash (generic.go lines 74-78): a generated prefix may end in '-'.
    const g = String(md.generateName);
    const masked = g.length > 1 && g.endsWith('-') ? g.slice(0, -2) + 'a' : g;
    for (const m of rule(masked)) errs.push({ field: 'metadata.generateName', type: 'Invalid', value: g, detail: m });
  }
  const name = md?.name;
  if (!name) errs.push({ field: 'metadata.name', type: 'Required', detail: 'name or generateName is required' });
  else for (const m of rule(String(name))) errs.push({ field: 'metadata.name', type: 'Invalid', value: String(name), detail: m });
  validateLabels(md?.labels, 'metadata.labels', errs);
  validateAnnotations(md?.annotations, 'metadata.annotations', errs);
}
