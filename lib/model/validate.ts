/**
 * Validation of a typed cluster spec (written in TypeScript or passed as JSON). Rejects what Kubernetes or
 * StarRocks would reject later, or what can never work, with an error that names the field in the CRD's words
 * (`starRocksFeSpec.replicas`) and the fix. Unknown keys are rejected with the nearest valid key, since JSON input
 * is not checked by the compiler.
 *
 * Disaster-recovery snapshot checks are not here: the DR engine owns them. Only the shape of `disasterRecovery`
 * is checked.
 */
import { StarRocksDrError } from '../errors';
import {
  describeValue,
  isDns1123Label,
  isDns1123Subdomain,
  isEnvVarName,
  isMountPath,
  isPlainObject,
  isPort,
  isQuantity,
  show,
  suggestKey,
} from './checks';
import { isGeneration } from './generation';
import { checkLimits, STATEFULSET_NAME_MAX } from './limits';
import { checkOperatorFields } from './operator-fields';
import { ImagePullPolicy, ServiceType, type ComponentKind, type StarRocksClusterSpec } from './types';

/** A path inside the spec: keys and list indices. */
export type SpecPath = readonly (string | number)[];

/** Reports one problem; never returns. */
export type FailFn = (path: SpecPath, problem: string, fix: string) => never;

/** `starRocksFeSpec.storageVolumes[0].name`. */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out || '(spec)';
}

const throwInvalid: FailFn = (path, problem, fix) => {
  throw new StarRocksDrError('InvalidInput', problem, { field: formatPath(path), fix });
};

/**
 * Checks a typed spec and returns it unchanged, or throws `StarRocksDrError` ('InvalidInput') for the first problem.
 */
export function validateSpec(spec: StarRocksClusterSpec): StarRocksClusterSpec {
  checkSpec(spec, throwInvalid);
  return spec;
}

/**
 * The longest cluster name: `<name>-fe` is a StatefulSet name, which must leave room for the controller's
 * `controller-revision-hash` label (limits.ts STATEFULSET_NAME_MAX, kubernetes#64023); Service names
 * (`<name>-fe-service`) then fit in 63 characters too.
 */
export const MAX_CLUSTER_NAME_LENGTH = STATEFULSET_NAME_MAX - '-fe'.length;

const SPEC_KEYS = [
  'name',
  'namespace',
  'timeZone',
  'annotations',
  'starRocksFeSpec',
  'starRocksCnSpec',
  'starRocksBeSpec',
  'disasterRecovery',
  'waitForFullRollout',
  'operatorVersion',
  'configMaps',
  'secrets',
] as const satisfies readonly (keyof StarRocksClusterSpec)[];

const COMPONENT_KEYS = [
  'image', 'replicas', 'imagePullPolicy', 'imagePullSecrets', 'resources', 'config', 'envVars', 'storageVolumes',
  'configMaps', 'secrets', 'service', 'annotations', 'podLabels', 'nodeSelector', 'tolerations', 'affinity',
  'topologySpreadConstraints', 'hostAliases', 'schedulerName', 'serviceAccount', 'terminationGracePeriodSeconds',
  'startupProbeFailureSeconds', 'livenessProbeFailureSeconds', 'readinessProbeFailureSeconds', 'lifecycle',
  'sidecars', 'initContainers', 'command', 'args', 'runAsNonRoot', 'readOnlyRootFilesystem', 'capabilities',
  'sysctls', 'shareProcessNamespace', 'maxUnavailablePods',
  'podManagementPolicy', 'minReadySeconds', 'persistentVolumeClaimRetentionPolicy', // checked in operator-fields.ts
] as const;

/** The same checks as `validateSpec`, reporting through `fail` (the values loader maps paths back to its keys). */
export function checkSpec(spec: unknown, fail: FailFn): void {
  const c = new Checker(fail);
  const s = c.object(spec, [], SPEC_KEYS);
  if (typeof s.name !== 'string' || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(s.name) || s.name.length > MAX_CLUSTER_NAME_LENGTH) {
    const tooLong = typeof s.name === 'string' && s.name.length > MAX_CLUSTER_NAME_LENGTH;
    fail(['name'], tooLong
      ? `cluster name has ${(s.name as string).length} characters: the StatefulSet <name>-fe would leave no room for the controller-revision-hash label (63 characters), and its pods would never be created`
      : `cluster name ${show(s.name)} is not valid: it prefixes Service and StatefulSet names`,
      `use lower-case letters, digits and '-', starting with a letter, at most ${MAX_CLUSTER_NAME_LENGTH} characters (e.g. kube-starrocks)`);
  }
  if (s.namespace !== undefined && (typeof s.namespace !== 'string' || !isDns1123Label(s.namespace))) {
    fail(['namespace'], `namespace ${show(s.namespace)} is not a valid namespace name`, "use lower-case letters, digits and '-' (at most 63)");
  }
  if (s.timeZone !== undefined && (typeof s.timeZone !== 'string' || s.timeZone.trim() === '')) {
    fail(['timeZone'], `time zone ${show(s.timeZone)} is not valid`, 'use a tz database name such as Asia/Shanghai or UTC');
  }
  c.stringMap(s.annotations, ['annotations']);
  if (s.starRocksFeSpec === undefined) fail(['starRocksFeSpec'], 'the FE component is required', 'add starRocksFeSpec with at least an image');
  c.component(s.starRocksFeSpec, 'fe');
  if (s.starRocksCnSpec !== undefined) c.component(s.starRocksCnSpec, 'cn');
  if (s.starRocksBeSpec !== undefined) c.component(s.starRocksBeSpec, 'be');
  if (s.disasterRecovery !== undefined) {
    const dr = c.object(s.disasterRecovery, ['disasterRecovery'], ['enabled', 'generation']);
    if (typeof dr.enabled !== 'boolean') fail(['disasterRecovery', 'enabled'], `expected true or false, got ${describeValue(dr.enabled)}`, 'set disasterRecovery.enabled to true or false');
    const g = dr.generation;
    const shown = typeof g === 'number' ? String(g) : describeValue(g);
    if (dr.enabled === true && !isGeneration(g)) {
      fail(['disasterRecovery', 'generation'], `generation must be a positive whole number, got ${shown}`, 'set disasterRecovery.generation to 1 for the first recovery and raise it by one for each new recovery');
    }
    if (dr.enabled !== true && g !== undefined && !(g === 0 || isGeneration(g))) {
      fail(['disasterRecovery', 'generation'], `generation must be a whole number, got ${shown}`, 'set disasterRecovery.generation to a whole number (0 or more)');
    }
  }
  c.extraObjects(s.configMaps, 'configMaps');
  c.extraObjects(s.secrets, 'secrets');
  checkOperatorFields(spec, fail);
  checkLimits(s as unknown as StarRocksClusterSpec, fail);
}

type Obj = Record<string, unknown>;

class Checker {
  constructor(private readonly fail: FailFn) {}

  object(value: unknown, path: SpecPath, keys: readonly string[]): Obj {
    if (!isPlainObject(value)) this.fail(path, `expected an object, got ${describeValue(value)}`, `write ${formatPath(path)} as an object`);
    for (const k of Object.keys(value)) {
      if (!keys.includes(k)) {
        const hint = suggestKey(k, keys);
        const best = /`(.*)`/.exec(hint)?.[1];
        this.fail([...path, k], `unknown key \`${k}\`${hint}`, best ? `rename \`${k}\` to \`${best}\`` : `remove \`${k}\`; valid keys here: ${keys.join(', ')}`);
      }
    }
    return value;
  }

  array(value: unknown, path: SpecPath): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected a list, got ${describeValue(value)}`, `write ${formatPath(path)} as a list`);
    return value;
  }

  objectList(value: unknown, path: SpecPath): void {
    if (value === undefined) return;
    this.array(value, path).forEach((item, i) => {
      if (!isPlainObject(item)) this.fail([...path, i], `expected an object, got ${describeValue(item)}`, 'write each item as an object');
    });
  }

  string(value: unknown, path: SpecPath, what = 'a string'): void {
    if (value !== undefined && typeof value !== 'string') this.fail(path, `expected ${what}, got ${describeValue(value)}`, `set ${formatPath(path)} to ${what}`);
  }

  bool(value: unknown, path: SpecPath): void {
    if (value !== undefined && typeof value !== 'boolean') this.fail(path, `expected true or false, got ${describeValue(value)}`, `set ${formatPath(path)} to true or false`);
  }

  int(value: unknown, path: SpecPath, min: number, max = Number.MAX_SAFE_INTEGER): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(path, `expected a whole number, got ${typeof value === 'number' ? String(value) : describeValue(value)}`, `set ${formatPath(path)} to a whole number`);
    if (value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `between ${min} and ${max}`;
      this.fail(path, `${value} is out of range: it must be ${range}`, `set ${formatPath(path)} to a number ${range}`);
    }
  }

  stringMap(value: unknown, path: SpecPath): void {
    if (value === undefined) return;
    if (!isPlainObject(value)) this.fail(path, `expected a map of strings, got ${describeValue(value)}`, `write ${formatPath(path)} as key: "value" pairs`);
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') this.fail([...path, k], `expected a string, got ${describeValue(v)}`, `quote the value of ${k}`);
    }
  }

  quantity(value: unknown, path: SpecPath): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !isQuantity(value)) {
      this.fail(path, `${show(value)} is not a Kubernetes quantity`, 'write it like 8, 500m, 4Gi or 10Gi');
    }
  }

  component(value: unknown, kind: ComponentKind): void {
    const root = kind === 'fe' ? 'starRocksFeSpec' : kind === 'cn' ? 'starRocksCnSpec' : 'starRocksBeSpec';
    const p = (...rest: (string | number)[]): SpecPath => [root, ...rest];
    const c = this.object(value, [root], COMPONENT_KEYS);
    if (typeof c.image !== 'string' || c.image === '' || c.image.startsWith(':') || /\s/.test(c.image)) {
      this.fail(p('image'), `image ${show(c.image)} is not a valid image reference`, 'set the image as repository:tag, e.g. starrocks/fe-ubuntu:3.4.1');
    }
    this.int(c.replicas, p('replicas'), kind === 'fe' ? 1 : 0);
    if (c.imagePullPolicy !== undefined && !Object.values(ImagePullPolicy).includes(c.imagePullPolicy as ImagePullPolicy)) {
      this.fail(p('imagePullPolicy'), `${show(c.imagePullPolicy)} is not an image pull policy`, `use one of ${Object.values(ImagePullPolicy).join(', ')}`);
    }
    if (c.imagePullSecrets !== undefined) {
      this.array(c.imagePullSecrets, p('imagePullSecrets')).forEach((s, i) => {
        const o = this.object(s, p('imagePullSecrets', i), ['name']);
        if (typeof o.name !== 'string' || !isDns1123Subdomain(o.name)) this.fail(p('imagePullSecrets', i, 'name'), `${show(o.name)} is not a Secret name`, 'name an existing docker-registry Secret');
      });
    }
    if (c.resources !== undefined) {
      const r = this.object(c.resources, p('resources'), ['requests', 'limits']);
      for (const which of ['requests', 'limits'] as const) {
        if (r[which] === undefined) continue;
        const m = this.object(r[which], p('resources', which), Object.keys(r[which] as object));
        for (const [k, v] of Object.entries(m)) this.quantity(v, p('resources', which, k));
      }
    }
    this.string(c.config, p('config'));
    if (c.envVars !== undefined) {
      this.array(c.envVars, p('envVars')).forEach((e, i) => {
        const o = this.object(e, p('envVars', i), ['name', 'value', 'valueFrom']);
        if (typeof o.name !== 'string' || !isEnvVarName(o.name)) this.fail(p('envVars', i, 'name'), `${show(o.name)} is not an environment variable name`, 'use letters, digits, _, - and ., not starting with a digit');
        this.string(o.value, p('envVars', i, 'value'));
        if (o.valueFrom !== undefined && !isPlainObject(o.valueFrom)) this.fail(p('envVars', i, 'valueFrom'), `expected an object, got ${describeValue(o.valueFrom)}`, 'write valueFrom as {secretKeyRef: {name, key}} or similar');
      });
    }
    const mountPaths = new Map<string, string>();
    const claimMount = (path: string, where: SpecPath): void => {
      const previous = mountPaths.get(path);
      if (previous !== undefined) this.fail(where, `mount path ${path} is already used by ${previous}`, 'give each volume, ConfigMap and Secret its own mountPath');
      mountPaths.set(path, formatPath(where));
    };
    const confDir = `/etc/starrocks/${kind}/conf`;
    mountPaths.set(confDir, `the ${kind}.conf ConfigMap`);
    if (c.storageVolumes !== undefined) {
      const names = new Set<string>();
      this.array(c.storageVolumes, p('storageVolumes')).forEach((v, i) => {
        const o = this.object(v, p('storageVolumes', i), ['name', 'storageClassName', 'storageSize', 'hostPath', 'mountPath', 'subPath']);
        if (typeof o.name !== 'string' || !isDns1123Subdomain(o.name)) this.fail(p('storageVolumes', i, 'name'), `${show(o.name)} is not a valid volume name`, "use lower-case letters, digits and '-'");
        if (names.has(o.name)) this.fail(p('storageVolumes', i, 'name'), `volume name ${o.name} is used twice`, 'give each storage volume its own name');
        names.add(o.name);
        this.string(o.storageClassName, p('storageVolumes', i, 'storageClassName'));
        this.quantity(o.storageSize, p('storageVolumes', i, 'storageSize'));
        if (o.hostPath !== undefined && (!isPlainObject(o.hostPath) || typeof o.hostPath.path !== 'string' || !isMountPath(o.hostPath.path))) {
          this.fail(p('storageVolumes', i, 'hostPath'), 'hostPath needs an absolute `path`', 'set hostPath: {path: /some/dir}');
        }
        if (o.storageClassName === 'hostPath' && o.hostPath === undefined) {
          this.fail(p('storageVolumes', i, 'hostPath'), 'storageClassName hostPath needs a hostPath', 'add hostPath: {path: /some/dir}');
        }
        this.mountPath(o.mountPath, p('storageVolumes', i, 'mountPath'));
        this.string(o.subPath, p('storageVolumes', i, 'subPath'));
        claimMount(String(o.mountPath), p('storageVolumes', i, 'mountPath'));
      });
    }
    for (const which of ['configMaps', 'secrets'] as const) {
      if (c[which] === undefined) continue;
      this.array(c[which], p(which)).forEach((m, i) => {
        const o = this.object(m, p(which, i), ['name', 'mountPath', 'subPath']);
        if (typeof o.name !== 'string' || !isDns1123Subdomain(o.name)) this.fail(p(which, i, 'name'), `${show(o.name)} is not a valid ${which === 'configMaps' ? 'ConfigMap' : 'Secret'} name`, "use lower-case letters, digits, '-' and '.'");
        this.mountPath(o.mountPath, p(which, i, 'mountPath'));
        this.string(o.subPath, p(which, i, 'subPath'));
        claimMount(String(o.mountPath), p(which, i, 'mountPath'));
      });
    }
    if (c.service !== undefined) this.service(c.service, p('service'));
    for (const k of ['annotations', 'podLabels', 'nodeSelector'] as const) this.stringMap(c[k], p(k));
    for (const k of ['tolerations', 'topologySpreadConstraints', 'hostAliases', 'sidecars', 'initContainers', 'sysctls'] as const) this.objectList(c[k], p(k));
    for (const k of ['affinity', 'lifecycle', 'capabilities'] as const) {
      if (c[k] !== undefined && !isPlainObject(c[k])) this.fail(p(k), `expected an object, got ${describeValue(c[k])}`, `write ${k} as an object`);
    }
    for (const k of ['sidecars', 'initContainers'] as const) {
      (c[k] as Obj[] | undefined)?.forEach((ctr, i) => {
        if (typeof ctr.name !== 'string' || !isDns1123Label(ctr.name)) this.fail(p(k, i, 'name'), `container name ${show(ctr.name)} is not valid`, "name the container with lower-case letters, digits and '-'");
      });
    }
    for (const k of ['command', 'args'] as const) {
      if (c[k] === undefined) continue;
      this.array(c[k], p(k)).forEach((a, i) => this.string(a, p(k, i)));
    }
    this.string(c.schedulerName, p('schedulerName'));
    this.string(c.serviceAccount, p('serviceAccount'));
    this.int(c.terminationGracePeriodSeconds, p('terminationGracePeriodSeconds'), 0);
    this.int(c.startupProbeFailureSeconds, p('startupProbeFailureSeconds'), 0);
    this.int(c.livenessProbeFailureSeconds, p('livenessProbeFailureSeconds'), 0);
    this.int(c.readinessProbeFailureSeconds, p('readinessProbeFailureSeconds'), 0);
    for (const k of ['runAsNonRoot', 'readOnlyRootFilesystem', 'shareProcessNamespace'] as const) this.bool(c[k], p(k));
    const mu = c.maxUnavailablePods;
    if (mu !== undefined && !(typeof mu === 'number' && Number.isInteger(mu) && mu >= 1) && !(typeof mu === 'string' && /^([1-9]\d?|100)%$/.test(mu))) {
      this.fail(p('maxUnavailablePods'), `${show(mu)} is not a pod count or percentage`, 'set a whole number of pods (1 or more) or a percentage such as 25%');
    }
  }

  mountPath(value: unknown, path: SpecPath): void {
    if (typeof value !== 'string' || !isMountPath(value)) {
      this.fail(path, `mount path ${show(value)} is not an absolute path`, 'set an absolute path such as /opt/starrocks/fe/meta');
    }
  }

  service(value: unknown, path: SpecPath): void {
    const s = this.object(value, path, ['type', 'loadBalancerIP', 'loadBalancerSourceRanges', 'ports', 'annotations', 'labels']);
    if (s.type !== undefined && !Object.values(ServiceType).includes(s.type as ServiceType)) {
      this.fail([...path, 'type'], `${show(s.type)} is not a supported Service type`, `use one of ${Object.values(ServiceType).join(', ')}`);
    }
    this.string(s.loadBalancerIP, [...path, 'loadBalancerIP']);
    if (s.loadBalancerSourceRanges !== undefined) this.array(s.loadBalancerSourceRanges, [...path, 'loadBalancerSourceRanges']).forEach((r, i) => this.string(r, [...path, 'loadBalancerSourceRanges', i], 'a CIDR string'));
    if (s.ports !== undefined) {
      this.array(s.ports, [...path, 'ports']).forEach((port, i) => {
        const o = this.object(port, [...path, 'ports', i], ['name', 'port', 'containerPort', 'nodePort']);
        this.string(o.name, [...path, 'ports', i, 'name']);
        for (const k of ['port', 'containerPort'] as const) {
          if (o[k] !== undefined && !isPort(o[k])) this.fail([...path, 'ports', i, k], `${show(o[k])} is not a port: ports are 1-65535`, `set ${k} between 1 and 65535`);
        }
        this.int(o.nodePort, [...path, 'ports', i, 'nodePort'], 30000, 32767);
      });
    }
    this.stringMap(s.annotations, [...path, 'annotations']);
    this.stringMap(s.labels, [...path, 'labels']);
  }

  extraObjects(value: unknown, key: 'configMaps' | 'secrets'): void {
    if (value === undefined) return;
    const names = new Set<string>();
    this.array(value, [key]).forEach((item, i) => {
      const o = this.object(item, [key, i], ['name', 'data', 'labels', 'annotations']);
      if (typeof o.name !== 'string' || !isDns1123Subdomain(o.name)) this.fail([key, i, 'name'], `${show(o.name)} is not a valid object name`, "use lower-case letters, digits, '-' and '.'");
      if (names.has(o.name)) this.fail([key, i, 'name'], `${o.name} is defined twice`, 'merge the two entries into one');
      names.add(o.name);
      this.stringMap(o.data, [key, i, 'data']);
      for (const k of Object.keys((o.data as Obj | undefined) ?? {})) {
        if (!/^[-._a-zA-Z0-9]+$/.test(k) || k.length > 253) this.fail([key, i, 'data', k], `\`${k}\` is not a valid data key`, "use letters, digits, '-', '_' and '.'");
      }
      this.stringMap(o.labels, [key, i, 'labels']);
      this.stringMap(o.annotations, [key, i, 'annotations']);
    });
  }
}
