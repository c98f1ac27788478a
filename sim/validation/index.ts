/**
 * Validation of writes, with the API server's rules, field paths and words, for the kinds the simulator serves:
 * metadata (meta.ts), pod specs (pod.ts), StatefulSets (pkg/apis/apps/validation ValidateStatefulSetSpec and
 * ValidateStatefulSetUpdate), Services, PVCs, ConfigMaps and Secrets (pkg/apis/core/validation).
 *
 * As the real server, a StatefulSet's pod template is checked only for its labels and annotations
 * (ValidatePodTemplateSpecForStatefulSet keeps pod-spec validation as a TODO): a broken template is accepted and its
 * pods fail at creation, which the controller reports as `FailedCreate` events.
 */
import { FieldError } from '../http/status';
import { deepEqual, isPlainObject } from '../json';
import { labelSelectorFromObject } from '../selectors';
import { validateAnnotations, validateLabels, validateObjectMeta } from './meta';
import { isConfigMapKey, isDNS1123Label, isValidPortName, isValidPortNum } from './names';
import { validatePodSpec } from './pod';

export { podSpecWarnings } from './pod';

/** core.MaxSecretSize and core.MaxConfigMapSize: 1 MiB of data. */
export const MAX_DATA_BYTES = 1024 * 1024;

const quoteList = (xs: string[]) => xs.map((x) => JSON.stringify(x)).join(', ');

function nonNegative(v: unknown, field: string, errs: FieldError[]): void {
  if (typeof v === 'number' && v < 0) errs.push({ field, type: 'Invalid', value: v, detail: 'must be greater than or equal to 0' });
}

function validateStatefulSet(obj: any, old: any | undefined, errs: FieldError[]): void {
  const s = obj.spec;
  if (!isPlainObject(s)) {
    errs.push({ field: 'spec', type: 'Required' });
    return;
  }
  if (!s.podManagementPolicy) errs.push({ field: 'spec.podManagementPolicy', type: 'Required' });
  else if (!['OrderedReady', 'Parallel'].includes(s.podManagementPolicy)) errs.push({ field: 'spec.podManagementPolicy', type: 'Invalid', value: s.podManagementPolicy, detail: "must be 'OrderedReady' or 'Parallel'" });
  const us = s.updateStrategy ?? {};
  if (!us.type) errs.push({ field: 'spec.updateStrategy', type: 'Required' });
  else if (us.type === 'OnDelete' && us.rollingUpdate) errs.push({ field: 'spec.updateStrategy.rollingUpdate', type: 'Invalid', value: us.rollingUpdate, detail: "only allowed for updateStrategy 'RollingUpdate'" });
  else if (us.type === 'RollingUpdate') nonNegative(us.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition', errs);
  else if (us.type !== 'OnDelete') errs.push({ field: 'spec.updateStrategy', type: 'Invalid', value: us, detail: "must be 'RollingUpdate' or 'OnDelete'" });
  const retention = s.persistentVolumeClaimRetentionPolicy;
  if (isPlainObject(retention)) {
    for (const k of ['whenDeleted', 'whenScaled']) {
      if (!['Retain', 'Delete'].includes(retention[k])) errs.push({ field: `spec.persistentVolumeClaimRetentionPolicy.${k}`, type: 'NotSupported', value: retention[k] ?? '', detail: `supported values: ${quoteList(['Retain', 'Delete'])}` });
    }
  }
  if (typeof s.replicas !== 'number') errs.push({ field: 'spec.replicas', type: 'Invalid', value: s.replicas ?? null, detail: 'must be a number' });
  nonNegative(s.replicas, 'spec.replicas', errs);
  nonNegative(s.minReadySeconds, 'spec.minReadySeconds', errs);
  if (!isPlainObject(s.selector)) errs.push({ field: 'spec.selector', type: 'Required' });
  else {
    validateLabels(s.selector.matchLabels, 'spec.selector.matchLabels', errs);
    const empty = !Object.keys(s.selector.matchLabels ?? {}).length && !(s.selector.matchExpressions ?? []).length;
    if (empty) errs.push({ field: 'spec.selector', type: 'Invalid', value: s.selector, detail: 'empty selector is invalid for statefulset' });
    else {
      const labels = s.template?.metadata?.labels ?? {};
      if (!labelSelectorFromObject(s.selector)(labels)) errs.push({ field: 'spec.template.metadata.labels', type: 'Invalid', value: labels, detail: '`selector` does not match template `labels`' });
    }
  }
  // ValidatePodTemplateSpecForStatefulSet passes fldPath.Child("labels"): the real path has no `metadata`.
  validateLabels(s.template?.metadata?.labels, 'spec.template.labels', errs);
  validateAnnotations(s.template?.metadata?.annotations, 'spec.template.annotations', errs);
  const rp = s.template?.spec?.restartPolicy;
  if (rp !== undefined && rp !== 'Always') errs.push({ field: 'spec.template.spec.restartPolicy', type: 'NotSupported', value: rp, detail: `supported values: ${quoteList(['Always'])}` });
  if (s.template?.spec?.activeDeadlineSeconds !== undefined) errs.push({ field: 'spec.template.spec.activeDeadlineSeconds', type: 'Forbidden', detail: 'activeDeadlineSeconds in StatefulSet is not Supported' });
  (Array.isArray(s.volumeClaimTemplates) ? s.volumeClaimTemplates : []).forEach((t: any, i: number) => {
    if (!t?.metadata?.name) errs.push({ field: `spec.volumeClaimTemplates[${i}].metadata.name`, type: 'Required', detail: 'name or generateName is required' });
  });
  if (old) {
    const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
    const strip = (x: any) => Object.fromEntries(Object.entries(x ?? {}).filter(([k]) => !mutable.includes(k)));
    if (!deepEqual(strip(s), strip(old.spec))) {
      errs.push({ field: 'spec', type: 'Forbidden', detail: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" });
    }
  }
}

function validatePod(obj: any, old: any | undefined, errs: FieldError[]): void {
  validatePodSpec(obj.spec, 'spec', errs);
  if (old && isPlainObject(obj.spec) && isPlainObject(old.spec)) {
    const strip = (s: any) => ({ ...s, containers: (s.containers ?? []).map((c: any) => ({ ...c, image: undefined })), initContainers: (s.initContainers ?? []).map((c: any) => ({ ...c, image: undefined })), activeDeadlineSeconds: undefined, tolerations: undefined, terminationGracePeriodSeconds: undefined });
    if (!deepEqual(strip(obj.spec), strip(old.spec))) {
      errs.push({ field: 'spec', type: 'Forbidden', detail: 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)' });
    }
  }
}

function validateService(obj: any, old: any | undefined, errs: FieldError[]): void {
  const s = obj.spec ?? {};
  const ports: any[] = Array.isArray(s.ports) ? s.ports : [];
  if (s.clusterIP !== 'None' && !ports.length) errs.push({ field: 'spec.ports', type: 'Required' });
  const names = new Set<string>();
  ports.forEach((p: any, i: number) => {
    const f = `spec.ports[${i}]`;
    if (ports.length > 1 && !p?.name) errs.push({ field: `${f}.name`, type: 'Required' });
    if (p?.name) {
      for (const m of isDNS1123Label(String(p.name))) errs.push({ field: `${f}.name`, type: 'Invalid', value: p.name, detail: m });
      if (names.has(p.name)) errs.push({ field: `${f}.name`, type: 'Duplicate', value: p.name });
      names.add(p.name);
    }
    for (const m of isValidPortNum(p?.port)) errs.push({ field: `${f}.port`, type: 'Invalid', value: p?.port ?? 0, detail: m });
    if (typeof p?.targetPort === 'number') for (const m of isValidPortNum(p.targetPort)) errs.push({ field: `${f}.targetPort`, type: 'Invalid', value: p.targetPort, detail: m });
    if (typeof p?.targetPort === 'string') for (const m of isValidPortName(p.targetPort)) errs.push({ field: `${f}.targetPort`, type: 'Invalid', value: p.targetPort, detail: m });
  });
  validateLabels(s.selector, 'spec.selector', errs);
  if (old && old.spec?.clusterIP && s.clusterIP !== old.spec.clusterIP) {
    errs.push({ field: 'spec.clusterIPs[0]', type: 'Invalid', value: s.clusterIP, detail: 'may not change once set' });
  }
}

function validatePvc(obj: any, old: any | undefined, errs: FieldError[]): void {
  const s = obj.spec ?? {};
  if (!Array.isArray(s.accessModes) || !s.accessModes.length) errs.push({ field: 'spec.accessModes', type: 'Required', detail: 'at least 1 access mode is required' });
  if (!s.resources?.requests?.storage) errs.push({ field: 'spec.resources[storage]', type: 'Required' });
  if (old) {
    const strip = (x: any) => ({ ...x, resources: undefined, volumeName: undefined });
    if (!deepEqual(strip(s), strip(old.spec ?? {}))) errs.push({ field: 'spec', type: 'Forbidden', detail: 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' });
  }
}

/** ConfigMap and Secret data: keys (IsConfigMapKey), no key in both maps, at most 1 MiB in all. */
function validateData(kind: 'ConfigMap' | 'Secret', obj: any, errs: FieldError[]): void {
  let total = 0;
  const seen = new Set<string>();
  for (const mapName of ['data', 'binaryData']) {
    const m = obj[mapName];
    if (!isPlainObject(m)) continue;
    for (const [k, v] of Object.entries(m)) {
      const f = `${mapName}[${k}]`;
      for (const msg of isConfigMapKey(k)) errs.push({ field: f, type: 'Invalid', value: k, detail: msg });
      if (seen.has(k)) errs.push({ field: f, type: 'Invalid', value: k, detail: 'duplicate of key present in data' });
      seen.add(k);
      // Secret values and binaryData are base64 on the wire; their size is the decoded size.
      const text = String(v ?? '');
      total += kind === 'Secret' || mapName === 'binaryData' ? Buffer.from(text, 'base64').length : Buffer.byteLength(text);
    }
  }
  if (total > MAX_DATA_BYTES) {
    // ValidateConfigMap reports on the whole object (field.NewPath("")), ValidateSecret on `data`.
    errs.push({ field: kind === 'Secret' ? 'data' : '', type: 'TooLong', detail: `may not be more than ${MAX_DATA_BYTES} bytes` });
  }
}

/** Returns the field errors of a write; empty when valid. `old` is the live object on updates. */
export function validate(kind: string, obj: any, old: any | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (old) {
    // ValidateObjectMetaUpdate does not re-check the name (it cannot change); labels and annotations it does.
    validateLabels(obj.metadata?.labels, 'metadata.labels', errs);
    validateAnnotations(obj.metadata?.annotations, 'metadata.annotations', errs);
  } else validateObjectMeta(kind, obj.metadata, errs);
  switch (kind) {
    case 'Pod':
      validatePod(obj, old, errs);
      break;
    case 'StatefulSet':
      validateStatefulSet(obj, old, errs);
      break;
    case 'Service':
      validateService(obj, old, errs);
      break;
    case 'PersistentVolumeClaim':
      validatePvc(obj, old, errs);
      break;
    case 'ConfigMap':
    case 'Secret':
      validateData(kind, obj, errs);
      break;
  }
  return errs;
}
