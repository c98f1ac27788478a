/**
 * Limits the API server, the StatefulSet controller and StarRocks enforce only after an apply (or never, leaving
 * pods that are not created or that restore forever), checked on the spec before anything is rendered or applied.
 * Each check reports through a `FailFn` so the values loader can name the file, key and line.
 * Error texts never quote a value that may be secret (env values, config text, ConfigMap/Secret data).
 */
import { isDns1123Label, isPlainObject, DNS1123_LABEL_MAX, STATEFULSET_NAME_MAX } from './checks';
import { parseConf } from './conf';
import { checkConfigPorts, type ComponentKind } from './ports';
import { COMPONENT_KEYS, type ComponentSpec, type StarRocksClusterSpec } from './spec-schema';
import type { FailFn, SpecPath } from './spec-path';

export { DNS1123_LABEL_MAX, STATEFULSET_NAME_MAX };
/** ConfigMap and Secret data, summed over the values: `ValidateConfigMap`/`ValidateSecret`, `core.MaxSecretSize`. */
export const OBJECT_DATA_MAX_BYTES = 1024 * 1024;
/** All annotations of one object, keys plus values: apimachinery objectmeta.go `TotalAnnotationSizeLimitB`. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/** Room kept for the annotations this tool adds itself (config hashes, GitOps annotations). */
const OWN_ANNOTATIONS_RESERVE = 1024;
/** Env names the DR engine sets on the FE restore form; a user's copy would make every FE pod restore forever. */
export const RESERVED_ENV_PREFIX = 'RESTORE_CLUSTER_';
/** The operator names a mounted ConfigMap/Secret volume `<name>-<4 digits>` (render/hashes.ts mountVolumeName). */
const MOUNT_VOLUME_SUFFIX = 5;

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Why `key` is not a label or annotation key (apimachinery IsQualifiedName), or undefined. */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !prefix.split('.').every((p) => isDns1123Label(p)))) {
    return 'its prefix (before /) must be a DNS subdomain: lower-case letters, digits, - and ., at most 253 characters';
  }
  if (name.length === 0 || name.length > DNS1123_LABEL_MAX) return `its name part must have 1 to ${DNS1123_LABEL_MAX} characters`;
  if (!LABEL_NAME.test(name)) return 'its name part must use letters, digits, -, _ and ., and start and end with a letter or digit';
  return undefined;
}

/** Why `value` is not a label value (apimachinery IsValidLabelValue), or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > DNS1123_LABEL_MAX) return `a label value has at most ${DNS1123_LABEL_MAX} characters`;
  if (value !== '' && !LABEL_NAME.test(value)) return 'a label value uses letters, digits, -, _ and ., and starts and ends with a letter or digit';
  return undefined;
}

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Checks the limits on a spec that already passed the shape checks (`checkSpec` calls this last). */
export function checkLimits(spec: StarRocksClusterSpec, fail: FailFn): void {
  labels(spec.annotations, ['annotations'], fail, 'annotation');
  annotationSize(spec.annotations, ['annotations'], fail);
  for (const kind of ['fe', 'cn', 'be'] as const) {
    const c = spec[COMPONENT_KEYS[kind]];
    if (c !== undefined) component(c, kind, fail);
  }
  for (const which of ['configMaps', 'secrets'] as const) {
    (spec[which] ?? []).forEach((o, i) => {
      labels(o.labels, [which, i, 'labels'], fail, 'label');
      labels(o.annotations, [which, i, 'annotations'], fail, 'annotation');
      annotationSize(o.annotations, [which, i, 'annotations'], fail);
      const size = Object.values(o.data ?? {}).reduce((n, v) => n + utf8(v), 0);
      if (size > OBJECT_DATA_MAX_BYTES) {
        fail([which, i, 'data'], `holds ${kib(size)} KiB of data; the API server refuses a ${which === 'configMaps' ? 'ConfigMap' : 'Secret'} over ${kib(OBJECT_DATA_MAX_BYTES)} KiB (1 MiB)`, `split the data over several ${which === 'configMaps' ? 'ConfigMaps' : 'Secrets'} of at most 1 MiB each`);
      }
    });
  }
}

function component(c: ComponentSpec, kind: ComponentKind, fail: FailFn): void {
  const root = COMPONENT_KEYS[kind];
  const p = (...rest: (string | number)[]): SpecPath => [root, ...rest];
  checkConfigPorts(parseConf(c.config), kind, p('config'), fail);
  const configBytes = utf8(c.config ?? '');
  if (configBytes > OBJECT_DATA_MAX_BYTES) {
    fail(p('config'), `${kind}.conf is ${kib(configBytes)} KiB; it goes into one ConfigMap, which the API server refuses over 1 MiB`, `keep ${kind}.conf under 1 MiB`);
  }
  envNames(c.envVars, p('envVars'), fail, true);
  for (const k of ['sidecars', 'initContainers'] as const) {
    (c[k] ?? []).forEach((ctr, i) => envNames(ctr.env, p(k, i, 'env'), fail, false));
  }
  (c.storageVolumes ?? []).forEach((v, i) => {
    if (!isDns1123Label(v.name)) {
      fail(p('storageVolumes', i, 'name'), `a storage volume name is also the pod's volume name and the claim template name, so it must be a DNS-1123 label (at most ${DNS1123_LABEL_MAX} characters, lower-case letters, digits and -, no dots)`, 'rename the volume, e.g. fe-meta');
    }
  });
  for (const which of ['configMaps', 'secrets'] as const) {
    (c[which] ?? []).forEach((ref, i) => {
      if (!isDns1123Label(ref.name, DNS1123_LABEL_MAX - MOUNT_VOLUME_SUFFIX)) {
        fail(p(which, i, 'name'), `a mounted ${which === 'configMaps' ? 'ConfigMap' : 'Secret'} becomes the pod volume \`<name>-NNNN\`, a DNS-1123 label, so its name must have at most ${DNS1123_LABEL_MAX - MOUNT_VOLUME_SUFFIX} characters and no dots`, `rename the ${which === 'configMaps' ? 'ConfigMap' : 'Secret'} to at most ${DNS1123_LABEL_MAX - MOUNT_VOLUME_SUFFIX} lower-case letters, digits and -`);
      }
    });
  }
  labels(c.podLabels, p('podLabels'), fail, 'label');
  labels(c.nodeSelector, p('nodeSelector'), fail, 'label');
  labels(c.annotations, p('annotations'), fail, 'annotation');
  annotationSize(c.annotations, p('annotations'), fail);
  if (c.service !== undefined) {
    labels(c.service.labels, p('service', 'labels'), fail, 'label');
    labels(c.service.annotations, p('service', 'annotations'), fail, 'annotation');
    annotationSize(c.service.annotations, p('service', 'annotations'), fail);
  }
}

/** No env name twice in one container (server-side apply rejects the list), none reserved for the DR engine. */
function envNames(env: readonly { name?: string }[] | undefined, at: SpecPath, fail: FailFn, main: boolean): void {
  if (!Array.isArray(env)) return;
  const seen = new Map<string, number>();
  env.forEach((e, i) => {
    if (!isPlainObject(e) || typeof e.name !== 'string') return;
    if (main && e.name.startsWith(RESERVED_ENV_PREFIX)) {
      fail([...at, i, 'name'], `${e.name} is reserved: the restore form sets it, and a FE pod that always has it restores from the snapshot on every start`, 'remove it; run a recovery with disasterRecovery (or --generation) instead');
    }
    const first = seen.get(e.name);
    if (first !== undefined) {
      fail([...at, i, 'name'], `${e.name} is set twice (also item ${first}); server-side apply rejects duplicate env names`, `keep one ${e.name} entry`);
    }
    seen.set(e.name, i);
  });
}

function labels(map: Readonly<Record<string, string>> | undefined, at: SpecPath, fail: FailFn, what: 'label' | 'annotation'): void {
  if (!isPlainObject(map)) return;
  for (const [k, v] of Object.entries(map)) {
    const keyProblem = qualifiedNameProblem(k);
    if (keyProblem) fail([...at, k], `\`${k}\` is not a valid ${what} key: ${keyProblem}`, `rename the ${what} key, e.g. example.com/team`);
    if (what === 'label' && typeof v === 'string') {
      const valueProblem = labelValueProblem(v);
      if (valueProblem) fail([...at, k], `the value of ${what} ${k} is not valid: ${valueProblem}`, 'shorten or change the value (put free text in an annotation instead)');
    }
  }
}

function annotationSize(map: Readonly<Record<string, string>> | undefined, at: SpecPath, fail: FailFn): void {
  if (!isPlainObject(map)) return;
  const size = Object.entries(map).reduce((n, [k, v]) => n + utf8(k) + (typeof v === 'string' ? utf8(v) : 0), 0);
  if (size > ANNOTATIONS_MAX_BYTES - OWN_ANNOTATIONS_RESERVE) {
    fail(at, `the annotations total ${kib(size)} KiB; the API server refuses more than ${kib(ANNOTATIONS_MAX_BYTES)} KiB of annotations on one object (this tool adds up to 1 KiB of its own)`, `keep these annotations under ${kib(ANNOTATIONS_MAX_BYTES - OWN_ANNOTATIONS_RESERVE)} KiB`);
  }
}

function kib(bytes: number): number {
  return Math.ceil(bytes / 1024);
}

/** A rendered object that a client-side `kubectl apply` cannot apply (a warning: server-side apply works). */
export function clientSideApplyWarning(obj: { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> } }): string | undefined {
  // Client-side apply stores the whole object in kubectl.kubernetes.io/last-applied-configuration.
  const size = utf8(JSON.stringify(obj)) + Object.entries(obj.metadata?.annotations ?? {}).reduce((n, [k, v]) => n + utf8(k) + utf8(v), 0);
  if (size <= ANNOTATIONS_MAX_BYTES) return undefined;
  return `${obj.kind}/${obj.metadata?.name} is ${kib(size)} KiB: a client-side \`kubectl apply\` (and Argo CD's default sync) copies it whole into the last-applied-configuration annotation, over the API server's ${kib(ANNOTATIONS_MAX_BYTES)} KiB annotation limit, and fails; apply it server-side (kubectl apply --server-side, Argo CD ServerSideApply=true; Flux and Pulumi already do)`;
}
