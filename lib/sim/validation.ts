/**
 * Validation of writes, with the API server's wording, for the rules the product could trip over:
 * names, selectors that must match templates, immutable StatefulSet/Service/Pod/PVC fields.
 */
import { FieldError } from './http/status';
import { deepEqual, isPlainObject } from './json';
import { labelSelectorFromObject } from './selectors';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAMES = new Set(['Namespace', 'Service']);

function validateContainers(list: any, field: string, errs: FieldError[], required: boolean): void {
  if (!Array.isArray(list) || list.length === 0) {
    if (required) errs.push({ field, type: 'Required', message: '' });
    return;
  }
  const seen = new Set<string>();
  list.forEach((c: any, i: number) => {
    if (!c?.name) errs.push({ field: `${field}[${i}].name`, type: 'Required', message: '' });
    else if (seen.has(c.name)) errs.push({ field: `${field}[${i}].name`, type: 'Duplicate', message: JSON.stringify(c.name) });
    else seen.add(c.name);
    if (!c?.image) errs.push({ field: `${field}[${i}].image`, type: 'Required', message: '' });
  });
}

function validatePodSpec(spec: any, field: string, errs: FieldError[]): void {
  if (!isPlainObject(spec)) {
    errs.push({ field, type: 'Required', message: '' });
    return;
  }
  validateContainers(spec.containers, `${field}.containers`, errs, true);
  validateContainers(spec.initContainers, `${field}.initContainers`, errs, false);
}

/** Returns the field errors of a write; empty when valid. `old` is the live object on updates. */
export function validate(kind: string, obj: any, old: any | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata?.name;
  if (!name) errs.push({ field: 'metadata.name', type: 'Required', message: 'name or generateName is required' });
  else {
    const ok = LABEL_NAMES.has(kind) ? DNS1123_LABEL.test(name) && name.length <= 63 : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
    if (!ok) {
      errs.push({ field: 'metadata.name', type: 'Invalid', message: `${JSON.stringify(name)}: a lowercase RFC 1123 ${LABEL_NAMES.has(kind) ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character` });
    }
  }
  switch (kind) {
    case 'Pod':
      validatePodSpec(obj.spec, 'spec', errs);
      if (old && isPlainObject(obj.spec) && isPlainObject(old.spec)) {
        const strip = (s: any) => ({ ...s, containers: (s.containers ?? []).map((c: any) => ({ ...c, image: undefined })), initContainers: (s.initContainers ?? []).map((c: any) => ({ ...c, image: undefined })), activeDeadlineSeconds: undefined, tolerations: undefined, terminationGracePeriodSeconds: undefined });
        if (!deepEqual(strip(obj.spec), strip(old.spec))) {
          errs.push({ field: 'spec', type: 'Forbidden', message: 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)' });
        }
      }
      break;
    case 'StatefulSet': {
      const s = obj.spec;
      if (!isPlainObject(s)) {
        errs.push({ field: 'spec', type: 'Required', message: '' });
        break;
      }
      if (!isPlainObject(s.selector)) errs.push({ field: 'spec.selector', type: 'Required', message: '' });
      else {
        const labels = s.template?.metadata?.labels ?? {};
        const empty = !Object.keys(s.selector.matchLabels ?? {}).length && !(s.selector.matchExpressions ?? []).length;
        if (empty) errs.push({ field: 'spec.selector', type: 'Invalid', message: `${JSON.stringify(s.selector)}: empty selector is invalid for statefulset` });
        else if (!labelSelectorFromObject(s.selector)(labels)) {
          errs.push({ field: 'spec.template.metadata.labels', type: 'Invalid', message: `${JSON.stringify(labels)}: \`selector\` does not match template \`labels\`` });
        }
      }
      if (typeof s.replicas !== 'number' || s.replicas < 0) errs.push({ field: 'spec.replicas', type: 'Invalid', message: `${s.replicas}: must be greater than or equal to 0` });
      if (!['OrderedReady', 'Parallel'].includes(s.podManagementPolicy)) errs.push({ field: 'spec.podManagementPolicy', type: 'NotSupported', message: `${JSON.stringify(s.podManagementPolicy)}: supported values: "OrderedReady", "Parallel"` });
      if (!['RollingUpdate', 'OnDelete'].includes(s.updateStrategy?.type)) errs.push({ field: 'spec.updateStrategy.type', type: 'NotSupported', message: `${JSON.stringify(s.updateStrategy?.type)}: supported values: "OnDelete", "RollingUpdate"` });
      validatePodSpec(s.template?.spec, 'spec.template.spec', errs);
      if (s.template?.spec?.restartPolicy && s.template.spec.restartPolicy !== 'Always') {
        errs.push({ field: 'spec.template.spec.restartPolicy', type: 'NotSupported', message: `${JSON.stringify(s.template.spec.restartPolicy)}: supported values: "Always"` });
      }
      if (old) {
        const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
        const strip = (x: any) => Object.fromEntries(Object.entries(x ?? {}).filter(([k]) => !mutable.includes(k)));
        if (!deepEqual(strip(s), strip(old.spec))) {
          errs.push({ field: 'spec', type: 'Forbidden', message: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" });
        }
      }
      break;
    }
    case 'Service': {
      const s = obj.spec ?? {};
      if (s.clusterIP !== 'None' && (!Array.isArray(s.ports) || !s.ports.length)) errs.push({ field: 'spec.ports', type: 'Required', message: '' });
      (s.ports ?? []).forEach((p: any, i: number) => {
        if (typeof p?.port !== 'number' || p.port < 1 || p.port > 65535) errs.push({ field: `spec.ports[${i}].port`, type: 'Invalid', message: `${p?.port}: must be between 1 and 65535, inclusive` });
        if ((s.ports.length > 1) && !p?.name) errs.push({ field: `spec.ports[${i}].name`, type: 'Required', message: '' });
      });
      if (old && old.spec?.clusterIP && s.clusterIP !== old.spec.clusterIP) {
        errs.push({ field: 'spec.clusterIPs[0]', type: 'Invalid', message: `${JSON.stringify(s.clusterIP)}: may not change once set` });
      }
      break;
    }
    case 'PersistentVolumeClaim': {
      const s = obj.spec ?? {};
      if (!Array.isArray(s.accessModes) || !s.accessModes.length) errs.push({ field: 'spec.accessModes', type: 'Required', message: '' });
      if (!s.resources?.requests?.storage) errs.push({ field: 'spec.resources[storage]', type: 'Required', message: '' });
      if (old) {
        const strip = (x: any) => ({ ...x, resources: undefined, volumeName: undefined });
        if (!deepEqual(strip(s), strip(old.spec ?? {}))) errs.push({ field: 'spec', type: 'Forbidden', message: 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' });
      }
      break;
    }
  }
  return errs;
}
