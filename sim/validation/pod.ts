/**
 * Pod spec validation, following pkg/apis/core/validation/validation.go (ValidatePodSpec and what it calls) for
 * the fields our manifests use: containers (name, image, ports, env, probes, volume mounts), volumes, restart
 * and DNS policies, hostname. Field paths and words as the API server writes them.
 */
import { FieldError } from '../http/status';
import { isPlainObject } from '../json';
import { isDNS1123Label, isRelaxedEnvVarName, isValidPortName, isValidPortNum } from './names';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
/** The volume sources a volume may carry; exactly one (validateVolumeSource: "may not specify more than 1 volume type"). */
const VOLUME_SOURCES = ['hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image'];
/** validateHandler checks the handler kinds in this order and reports every one after the first. */
const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

const quoteList = (xs: string[]) => xs.map((x) => JSON.stringify(x)).join(', ');

function validatePortNumOrName(port: unknown, field: string, errs: FieldError[]): void {
  if (typeof port === 'number') {
    for (const m of isValidPortNum(port)) errs.push({ field, type: 'Invalid', value: port, detail: m });
  } else if (typeof port === 'string') {
    for (const m of isValidPortName(port)) errs.push({ field, type: 'Invalid', value: port, detail: m });
  } else errs.push({ field, type: 'Required' });
}

/** validateProbe + validateHandler: one handler exactly; liveness and startup need successThreshold 1. */
function validateProbe(kind: 'livenessProbe' | 'readinessProbe' | 'startupProbe', p: any, field: string, errs: FieldError[]): void {
  if (p === undefined || p === null) return;
  const present = PROBE_HANDLERS.filter((h) => p[h] !== undefined && p[h] !== null);
  if (!present.length) errs.push({ field, type: 'Required', detail: 'must specify a handler type' });
  for (const extra of present.slice(1)) errs.push({ field: `${field}.${extra}`, type: 'Forbidden', detail: 'may not specify more than 1 handler type' });
  if (isPlainObject(p.httpGet)) {
    validatePortNumOrName(p.httpGet.port, `${field}.httpGet.port`, errs);
    if (p.httpGet.scheme !== undefined && !['HTTP', 'HTTPS'].includes(p.httpGet.scheme)) {
      errs.push({ field: `${field}.httpGet.scheme`, type: 'NotSupported', value: p.httpGet.scheme, detail: `supported values: ${quoteList(['HTTP', 'HTTPS'])}` });
    }
  }
  if (isPlainObject(p.tcpSocket)) validatePortNumOrName(p.tcpSocket.port, `${field}.tcpSocket.port`, errs);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    if (typeof p[k] === 'number' && p[k] < 0) errs.push({ field: `${field}.${k}`, type: 'Invalid', value: p[k], detail: 'must be greater than or equal to 0' });
  }
  if (kind !== 'readinessProbe' && typeof p.successThreshold === 'number' && p.successThreshold !== 1) {
    errs.push({ field: `${field}.successThreshold`, type: 'Invalid', value: p.successThreshold, detail: 'must be 1' });
  }
}

function validateContainer(c: any, field: string, volumes: Set<string>, errs: FieldError[], isInit: boolean): void {
  if (!c?.image) errs.push({ field: `${field}.image`, type: 'Required' });
  const portNames = new Set<string>();
  (Array.isArray(c?.ports) ? c.ports : []).forEach((p: any, i: number) => {
    const pf = `${field}.ports[${i}]`;
    if (p?.name !== undefined && p.name !== '') {
      for (const m of isValidPortName(String(p.name))) errs.push({ field: `${pf}.name`, type: 'Invalid', value: p.name, detail: m });
      if (portNames.has(p.name)) errs.push({ field: `${pf}.name`, type: 'Duplicate', value: p.name });
      portNames.add(p.name);
    }
    if (p?.containerPort === undefined) errs.push({ field: `${pf}.containerPort`, type: 'Required' });
    else for (const m of isValidPortNum(p.containerPort)) errs.push({ field: `${pf}.containerPort`, type: 'Invalid', value: p.containerPort, detail: m });
    if (p?.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push({ field: `${pf}.protocol`, type: 'NotSupported', value: p.protocol, detail: `supported values: ${quoteList(PROTOCOLS)}` });
  });
  (Array.isArray(c?.env) ? c.env : []).forEach((e: any, i: number) => {
    const ef = `${field}.env[${i}].name`;
    if (!e?.name) errs.push({ field: ef, type: 'Required' });
    else for (const m of isRelaxedEnvVarName(String(e.name))) errs.push({ field: ef, type: 'Invalid', value: e.name, detail: m });
  });
  const mountPaths = new Set<string>();
  (Array.isArray(c?.volumeMounts) ? c.volumeMounts : []).forEach((m: any, i: number) => {
    const mf = `${field}.volumeMounts[${i}]`;
    if (!m?.name) errs.push({ field: `${mf}.name`, type: 'Required' });
    else if (!volumes.has(m.name)) errs.push({ field: `${mf}.name`, type: 'NotFound', value: m.name });
    if (!m?.mountPath) errs.push({ field: `${mf}.mountPath`, type: 'Required' });
    else if (mountPaths.has(m.mountPath)) errs.push({ field: `${mf}.mountPath`, type: 'Invalid', value: m.mountPath, detail: 'must be unique' });
    else mountPaths.add(m.mountPath);
  });
  if (!isInit) for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) validateProbe(k, c?.[k], `${field}.${k}`, errs);
}

function validateContainerList(list: any, field: string, volumes: Set<string>, seen: Set<string>, errs: FieldError[], isInit: boolean): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    errs.push({ field, type: 'Invalid', value: list, detail: 'must be a list' });
    return;
  }
  list.forEach((c: any, i: number) => {
    const f = `${field}[${i}]`;
    if (!c?.name) errs.push({ field: `${f}.name`, type: 'Required' });
    else {
      for (const m of isDNS1123Label(String(c.name))) errs.push({ field: `${f}.name`, type: 'Invalid', value: c.name, detail: m });
      if (seen.has(c.name)) errs.push({ field: `${f}.name`, type: 'Duplicate', value: c.name });
      seen.add(c.name);
    }
    validateContainer(c, f, volumes, errs, isInit);
  });
}

/** `field` is where the spec sits (`spec`, or `spec.template.spec` when a controller's pod is checked by path). */
export function validatePodSpec(spec: any, field: string, errs: FieldError[]): void {
  if (!isPlainObject(spec)) {
    errs.push({ field, type: 'Required' });
    return;
  }
  const volumes = new Set<string>();
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v: any, i: number) => {
    const vf = `${field}.volumes[${i}]`;
    if (!v?.name) errs.push({ field: `${vf}.name`, type: 'Required' });
    else {
      for (const m of isDNS1123Label(String(v.name))) errs.push({ field: `${vf}.name`, type: 'Invalid', value: v.name, detail: m });
      if (volumes.has(v.name)) errs.push({ field: `${vf}.name`, type: 'Duplicate', value: v.name });
      volumes.add(v.name);
    }
    const sources = VOLUME_SOURCES.filter((s) => v?.[s] !== undefined && v[s] !== null);
    if (!sources.length) errs.push({ field: vf, type: 'Required', detail: 'must specify a volume type' });
    for (const s of sources.slice(1)) errs.push({ field: `${vf}.${s}`, type: 'Forbidden', detail: 'may not specify more than 1 volume type' });
  });
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) errs.push({ field: `${field}.containers`, type: 'Required' });
  const names = new Set<string>();
  validateContainerList(spec.containers, `${field}.containers`, volumes, names, errs, false);
  validateContainerList(spec.initContainers, `${field}.initContainers`, volumes, names, errs, true);
  if (spec.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy)) {
    errs.push({ field: `${field}.restartPolicy`, type: 'NotSupported', value: spec.restartPolicy, detail: `supported values: ${quoteList(['Always', 'OnFailure', 'Never'])}` });
  }
  if (spec.dnsPolicy !== undefined && !['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(spec.dnsPolicy)) {
    errs.push({ field: `${field}.dnsPolicy`, type: 'NotSupported', value: spec.dnsPolicy, detail: `supported values: ${quoteList(['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'])}` });
  }
  for (const k of ['hostname', 'subdomain']) {
    if (spec[k]) for (const m of isDNS1123Label(String(spec[k]))) errs.push({ field: `${field}.${k}`, type: 'Invalid', value: spec[k], detail: m });
  }
  if (typeof spec.terminationGracePeriodSeconds === 'number' && spec.terminationGracePeriodSeconds < 0) {
    errs.push({ field: `${field}.terminationGracePeriodSeconds`, type: 'Invalid', value: spec.terminationGracePeriodSeconds, detail: 'must be greater than or equal to 0' });
  }
}

/**
 * Duplicate env names and container ports are accepted on create and update, with a warning
 * (pkg/api/pod/warnings.go); only server-side apply refuses them. Returns the warnings' texts.
 */
export function podSpecWarnings(spec: any, field: string): string[] {
  const out: string[] = [];
  if (!isPlainObject(spec)) return out;
  const ports = new Map<string, { path: string; hostIP: string; hostPort: number }[]>();
  for (const list of ['initContainers', 'containers']) {
    (Array.isArray(spec[list]) ? spec[list] : []).forEach((c: any, ci: number) => {
      const seen = new Set<string>();
      (Array.isArray(c?.env) ? c.env : []).forEach((e: any, i: number) => {
        if (!e?.name) return;
        if (seen.has(e.name)) out.push(`${field}.${list}[${ci}].env[${i}]: hides previous definition of ${JSON.stringify(e.name)}, which may be dropped when using apply`);
        seen.add(e.name);
      });
      // The same containerPort/protocol in any two containers: a duplicate when the host side is equal too, an
      // overlap when one of them has no host port.
      (Array.isArray(c?.ports) ? c.ports : []).forEach((p: any, i: number) => {
        const path = `${field}.${list}[${ci}].ports[${i}]`;
        const key = `${p?.containerPort}/${p?.protocol ?? 'TCP'}`;
        const mine = { path, hostIP: String(p?.hostIP ?? ''), hostPort: Number(p?.hostPort ?? 0) };
        for (const other of ports.get(key) ?? []) {
          if (mine.hostIP === other.hostIP && mine.hostPort === other.hostPort) out.push(`${path}: duplicate port definition with ${other.path}`);
          else if (mine.hostPort === 0 || other.hostPort === 0) out.push(`${path}: overlapping port definition with ${other.path}`);
        }
        ports.set(key, [...(ports.get(key) ?? []), mine]);
      });
    });
  }
  return out;
}
