/**
 * Turns merged chart values into the CRD-shaped spec, the way the chart's `templates/starrockscluster.yaml` and
 * `_helpers.tpl` do: Helm truthiness (`""`, `0`, `false`, empty map or list count as unset), component values that
 * REPLACE `starrocksCluster.componentValues` (never merged with them), `repository:tag` images, storage volumes named
 * `<storageSpec.name>-meta` / `-data` / `-log` / `-spill`. Chart features this product does not implement are refused
 * here, once the final values are known.
 *
 * Pure: values in, spec and notices out. Problems are reported through `fail` with a path inside the chart's values.
 */
import { isDeepStrictEqual } from 'node:util';
import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import { isPlainObject, isZeroQuantity } from '../checks';
import type {
  ComponentKind,
  ComponentSpec,
  ExtraObject,
  MountReference,
  ResourceRequirements,
  ServicePort,
  ServiceSpec,
  StarRocksClusterSpec,
  StorageVolume,
} from '../types';
import type { ServiceType, ImagePullPolicy } from '../types';
import { OPERATOR_RELEASE, specOperatorVersion, type OperatorVersion } from '../operator-version';
import { feMetadataRetentionWarning } from '../dr-safety';
import { chartDefaults, type ValuesNode, type ValuesTree } from './chart-defaults';
import type { Segment } from './values-schema';

export interface MapContext {
  /** Reports a problem at a path inside the chart's values; never returns. */
  readonly fail: (path: readonly Segment[], problem: string, fix: string) => never;
  /** Records something the user should know but that is not an error. */
  readonly notice: (message: string) => void;
  /** The keys the user's files set (merged, before defaults), to tell user choices from chart defaults. */
  readonly user: ValuesTree;
  /**
   * The operator line to render for; settings only a newer line renders are refused for an older one.
   * @default - the newest, and the spec does not record it
   */
  readonly operatorVersion?: OperatorVersion;
}

/** The values key, env key and paths of each component, as the chart names them. */
export const COMPONENTS = {
  fe: { values: 'starrocksFESpec', env: 'feEnvVars', spec: 'starRocksFeSpec' },
  cn: { values: 'starrocksCnSpec', env: 'cnEnvVars', spec: 'starRocksCnSpec' },
  be: { values: 'starrocksBeSpec', env: 'beEnvVars', spec: 'starRocksBeSpec' },
} as const;

const UNSUPPORTED = 'not supported by starrocks-dr yet';

/** Go template truthiness: false, 0, "", nil and empty collections are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

type Tree = Record<string, ValuesNode>;
const sub = (v: ValuesNode | undefined): Tree => (isPlainObject(v) ? (v as Tree) : {});
const text = (v: ValuesNode | undefined): string => (v === null || v === undefined ? '' : String(v));
/** Copies plain data so the spec never shares objects with the parsed files. */
const clone = <T>(v: unknown): T => JSON.parse(JSON.stringify(v)) as T;
const sortedKeys = (o: object): string[] => Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export function valuesToSpec(values: ValuesTree, ctx: MapContext): StarRocksClusterSpec {
  refuseUnsupported(values, ctx);
  refuseNewerThan(values, ctx);
  const cluster = sub(values.starrocksCluster);
  const name = truthy(cluster.name) ? text(cluster.name) : truthy(values.nameOverride) ? text(values.nameOverride) : 'starrocks';
  const enabledCn = truthy(cluster.enabledCn);
  const enabledBe = truthy(cluster.enabledBe);
  for (const [kind, enabled, flag] of [['cn', enabledCn, 'enabledCn'], ['be', enabledBe, 'enabledBe']] as const) {
    const own = ctx.user[COMPONENTS[kind].values];
    // A copy of the chart's own values.yaml holds every component at its defaults: nothing to say about those.
    if (!enabled && truthy(own) && !isDeepStrictEqual(own, chartDefaults(ctx.operatorVersion)[COMPONENTS[kind].values])) {
      ctx.notice(`${COMPONENTS[kind].values} is ignored because starrocksCluster.${flag} is false`);
    }
  }
  const dr = sub(cluster.disasterRecovery);
  if (dr.enabled === true && typeof dr.generation !== 'number') {
    ctx.fail(['starrocksCluster', 'disasterRecovery', 'generation'], 'disaster recovery is enabled but generation is not set', 'add generation: 1 under starrocksCluster.disasterRecovery (raise it by one for each new recovery)');
  }
  const spec: StarRocksClusterSpec = {
    name,
    ...(truthy(cluster.namespace) && { namespace: text(cluster.namespace) }),
    ...(truthy(values.timeZone) && { timeZone: text(values.timeZone) }),
    ...(truthy(cluster.annotations) && { annotations: clone(cluster.annotations) }),
    starRocksFeSpec: component(values, 'fe', ctx),
    ...(enabledCn && { starRocksCnSpec: component(values, 'cn', ctx) }),
    ...(enabledBe && { starRocksBeSpec: component(values, 'be', ctx) }),
    ...(truthy(cluster.disasterRecovery) && {
      disasterRecovery: { enabled: dr.enabled === true, generation: typeof dr.generation === 'number' ? dr.generation : 0 },
    }),
    ...(truthy(cluster.waitForFullRollout) && { waitForFullRollout: true }),
    ...(ctx.operatorVersion !== undefined && { operatorVersion: ctx.operatorVersion }),
    ...(truthy(values.configMaps) && { configMaps: extraObjects(values.configMaps, 'configMaps') }),
    ...(truthy(values.secrets) && { secrets: extraObjects(values.secrets, 'secrets') }),
  };
  const retention = feMetadataRetentionWarning(spec);
  if (retention && spec.disasterRecovery?.enabled) ctx.notice(`starrocksFESpec.persistentVolumeClaimRetentionPolicy: ${retention.message} Fix: ${retention.fix}`);
  return spec;
}

function refuseUnsupported(values: ValuesTree, ctx: MapContext): void {
  const on = (path: Segment[], what: string, fix: string): void => {
    let v: unknown = values;
    for (const seg of path) v = isPlainObject(v) ? v[seg as string] : undefined;
    if (truthy(v)) ctx.fail(path, `${what} is ${UNSUPPORTED}`, fix);
  };
  on(['initPassword', 'enabled'], 'setting the root password (initPassword)', 'set initPassword.enabled to false and set the password with SQL after the cluster is up');
  on(['starrocksFeProxySpec', 'enabled'], 'the FE proxy (starrocksFeProxySpec)', 'set starrocksFeProxySpec.enabled to false');
  on(['datadog', 'log', 'enabled'], 'the Datadog log integration', 'set datadog.log.enabled to false');
  on(['datadog', 'metrics', 'enabled'], 'the Datadog metrics integration', 'set datadog.metrics.enabled to false; add prometheus.io annotations to service.annotations instead');
  for (const c of ['fe', 'be', 'cn']) on(['datadog', 'profiling', c], 'Datadog profiling', `set datadog.profiling.${c} to false`);
  on(['metrics', 'serviceMonitor', 'enabled'], 'a Prometheus ServiceMonitor', 'set metrics.serviceMonitor.enabled to false and create the ServiceMonitor yourself');
  // chart v1.11 keys of features we do not render: silent at the chart's defaults, an error when set.
  on(['metrics', 'serviceMonitor', 'basicAuth', 'enabled'], 'ServiceMonitor basic auth (metrics.serviceMonitor.basicAuth)', 'set metrics.serviceMonitor.basicAuth.enabled to false and configure the ServiceMonitor yourself');
  on(['metrics', 'serviceMonitor', 'endpointParam', 'enabled'], 'ServiceMonitor endpoint params (metrics.serviceMonitor.endpointParam)', 'set metrics.serviceMonitor.endpointParam.enabled to false and configure the ServiceMonitor yourself');
  on(['datadog', 'log', 'enableMultilineLogParsing'], 'Datadog multi-line log parsing', 'set datadog.log.enableMultilineLogParsing to false');
  on(['initPassword', 'podAnnotations'], 'pod annotations of the init-password job (initPassword.podAnnotations)', 'remove initPassword.podAnnotations (there is no init-password job in starrocks-dr)');
  on(['starrocksFeProxySpec', 'podLabels'], 'pod labels of the FE proxy (starrocksFeProxySpec.podLabels)', 'remove starrocksFeProxySpec.podLabels (there is no FE proxy in starrocks-dr)');
  on(['resources'], 'the top-level `resources` list (extra raw manifests)', 'remove `resources` and apply those objects separately');
  const cluster = sub(values.starrocksCluster);
  const kinds: ComponentKind[] = ['fe', ...(truthy(cluster.enabledCn) ? ['cn' as const] : []), ...(truthy(cluster.enabledBe) ? ['be' as const] : [])];
  for (const kind of kinds) {
    const key = COMPONENTS[kind].values;
    on([key, 'entrypoint'], 'a custom entrypoint script', `remove ${key}.entrypoint; use initContainers or lifecycle.postStart instead`);
  }
  if (kinds.includes('cn')) on(['starrocksCnSpec', 'autoScalingPolicy'], 'CN autoscaling (autoScalingPolicy)', 'remove starrocksCnSpec.autoScalingPolicy and set starrocksCnSpec.replicas');
  if (truthy(values.global)) ctx.notice('`global` values are ignored: the starrocks chart does not read them');
}

/** Settings only operator v1.11+ renders, refused when an older line is targeted (at their defaults they are fine). */
function refuseNewerThan(values: ValuesTree, ctx: MapContext): void {
  const version = specOperatorVersion({ operatorVersion: ctx.operatorVersion });
  if (version !== '1.10') return;
  const fix = (key: string): string => `remove ${key}, or render for operator 1.11 (--operator-version ${OPERATOR_RELEASE['1.11']})`;
  const needs = `needs operator v1.11 or later; operator ${OPERATOR_RELEASE['1.10']} does not render it`;
  if (truthy(sub(values.starrocksCluster).waitForFullRollout)) ctx.fail(['starrocksCluster', 'waitForFullRollout'], `waitForFullRollout ${needs}`, fix('starrocksCluster.waitForFullRollout'));
  for (const kind of ['fe', 'cn', 'be'] as const) {
    const key = COMPONENTS[kind].values;
    const v = sub(values[key]);
    if (truthy(v.minReadySeconds)) ctx.fail([key, 'minReadySeconds'], `minReadySeconds ${needs}`, fix(`${key}.minReadySeconds`));
    if (truthy(v.podManagementPolicy) && v.podManagementPolicy !== 'Parallel') ctx.fail([key, 'podManagementPolicy'], `podManagementPolicy other than Parallel ${needs}`, fix(`${key}.podManagementPolicy`));
    if (truthy(v.persistentVolumeClaimRetentionPolicy)) ctx.fail([key, 'persistentVolumeClaimRetentionPolicy'], `persistentVolumeClaimRetentionPolicy ${needs}`, fix(`${key}.persistentVolumeClaimRetentionPolicy`));
  }
}

function component(values: ValuesTree, kind: ComponentKind, ctx: MapContext): ComponentSpec {
  const key = COMPONENTS[kind].values;
  const v = sub(values[key]);
  const cv = sub(sub(values.starrocksCluster).componentValues);
  const at = (...rest: Segment[]): Segment[] => [key, ...rest];
  /** The component's value when set, else componentValues' (the chart's replace-not-merge fallback). */
  const pick = (k: string): ValuesNode | undefined => (truthy(v[k]) ? v[k] : truthy(cv[k]) ? cv[k] : undefined);

  const image = sub(v.image);
  if (!truthy(image.repository)) ctx.fail(at('image', 'repository'), 'the image repository is empty', `set ${key}.image.repository, e.g. starrocks/${kind}-ubuntu`);
  const tag = truthy(image.tag) ? image.tag : sub(cv.image).tag;
  if (!truthy(tag)) ctx.fail(at('image', 'tag'), 'the image has no tag', `set ${key}.image.tag or starrocksCluster.componentValues.image.tag, e.g. 3.4.1`);

  const replicas = kind === 'cn' ? ('replicas' in v ? v.replicas : undefined) : v.replicas;

  const out: Record<string, unknown> = {
    image: `${text(image.repository)}:${text(tag)}`,
    ...(replicas !== undefined && replicas !== null && { replicas }),
    ...(truthy(v.imagePullPolicy) && { imagePullPolicy: v.imagePullPolicy as ImagePullPolicy }),
    ...(truthy(pick('imagePullSecrets')) && { imagePullSecrets: clone(pick('imagePullSecrets')) }),
    ...(truthy(v.resources) && resources(v.resources)),
    config: configText(v, at, ctx),
    ...envVars(v[COMPONENTS[kind].env], at(COMPONENTS[kind].env), ctx),
    ...storage(v, kind, at, ctx),
    ...(truthy(v.configMaps) && { configMaps: mounts(v.configMaps) }),
    ...(truthy(v.secrets) && { secrets: mounts(v.secrets) }),
    ...(truthy(sub(v.service).type) && { service: service(sub(v.service)) }),
    ...(truthy(v.annotations) && { annotations: clone(v.annotations) }),
    ...(truthy(pick('podLabels')) && { podLabels: clone(pick('podLabels')) }),
    ...(truthy(pick('nodeSelector')) && { nodeSelector: clone(pick('nodeSelector')) }),
    ...(truthy(pick('tolerations')) && { tolerations: clone(pick('tolerations')) }),
    ...(truthy(pick('affinity')) && { affinity: clone(pick('affinity')) }),
    ...(truthy(pick('topologySpreadConstraints')) && { topologySpreadConstraints: clone(pick('topologySpreadConstraints')) }),
    ...(truthy(pick('hostAliases')) && { hostAliases: clone(pick('hostAliases')) }),
    ...(truthy(pick('schedulerName')) && { schedulerName: text(pick('schedulerName')) }),
    ...(truthy(pick('serviceAccount')) && { serviceAccount: text(pick('serviceAccount')) }),
    ...(typeof v.terminationGracePeriodSeconds === 'number' && { terminationGracePeriodSeconds: v.terminationGracePeriodSeconds }),
    ...probe(v, 'startupProbeFailureSeconds', at, ctx),
    ...probe(v, 'livenessProbeFailureSeconds', at, ctx),
    ...probe(v, 'readinessProbeFailureSeconds', at, ctx),
    ...(truthy(v.lifecycle) && { lifecycle: clone(v.lifecycle) }),
    ...sidecars(v, at, ctx),
    ...(truthy(v.initContainers) && { initContainers: clone(v.initContainers) }),
    ...(truthy(pick('runAsNonRoot')) && { runAsNonRoot: true }),
    ...(truthy(v.readOnlyRootFilesystem) && { readOnlyRootFilesystem: true }),
    ...(truthy(v.capabilities) && { capabilities: clone(v.capabilities) }),
    ...(truthy(v.sysctls) && {
      sysctls: (v.sysctls as Tree[]).map((s) => ({ name: text(s.name), value: text(s.value) })),
    }),
    ...(truthy(v.shareProcessNamespace) && { shareProcessNamespace: true }),
    ...(truthy(v.maxUnavailablePods) && { maxUnavailablePods: v.maxUnavailablePods as number | string }),
    // The chart always writes these two into the CR; the operator writes minReadySeconds only when > 0 and
    // defaults an empty podManagementPolicy to Parallel, so unset and default mean the same.
    ...(truthy(v.podManagementPolicy) && v.podManagementPolicy !== 'Parallel' && { podManagementPolicy: v.podManagementPolicy }),
    ...(truthy(v.minReadySeconds) && { minReadySeconds: v.minReadySeconds }),
    ...(truthy(v.persistentVolumeClaimRetentionPolicy) && { persistentVolumeClaimRetentionPolicy: retentionPolicy(sub(v.persistentVolumeClaimRetentionPolicy)) }),
  };
  return out as unknown as ComponentSpec;
}

/** `persistentVolumeClaimRetentionPolicy` as the chart's `toYaml` passes it (empty entries left out). */
function retentionPolicy(p: Tree): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['whenDeleted', 'whenScaled'] as const) if (truthy(p[k])) out[k] = text(p[k]);
  return out;
}

/** Requests as written; limits without the chart's `"unlimited"` entries. Numbers become quantity strings. */
function resources(value: ValuesNode): { resources: ResourceRequirements } {
  const r = sub(value);
  const toMap = (m: ValuesNode | undefined, dropUnlimited: boolean): Record<string, string> | undefined => {
    if (!truthy(m)) return undefined;
    const out: Record<string, string> = {};
    for (const k of sortedKeys(m as object)) {
      const q = (m as Tree)[k];
      if (q === null || (dropUnlimited && text(q) === 'unlimited')) continue;
      out[k] = text(q);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const requests = toMap(r.requests, false);
  const limits = toMap(r.limits, true);
  return { resources: { ...(requests && { requests }), ...(limits && { limits }) } };
}

/** `configyaml` (a map) wins over `config` (text), rendered `key = value` in key order as the chart's range does. */
function configText(v: Tree, at: (...rest: Segment[]) => Segment[], ctx: MapContext): string {
  if (!truthy(v.configyaml)) return typeof v.config === 'string' ? v.config : '';
  const lines: string[] = [];
  for (const k of sortedKeys(v.configyaml as object)) {
    const value = (v.configyaml as Tree)[k];
    // Helm prints numbers as floats: 10737418240 becomes 1.073741824e+10, which StarRocks cannot read.
    if (typeof value === 'number' && (Math.abs(value) >= 1e6 || !Number.isInteger(value))) {
      ctx.fail(at('configyaml', k), 'is a number the chart would print in scientific notation (1e+06 and up, or a fraction), which StarRocks cannot read', `put the value of ${k} in double quotes with the digits exactly as StarRocks should read them`);
    }
    lines.push(`${k} = ${text(value)}`);
  }
  return lines.join('\n') + '\n';
}

/** The list form as written; the map form sorted by name, strings as `value`, maps as the rest of the EnvVar. */
function envVars(value: ValuesNode | undefined, at: Segment[], ctx: MapContext): { envVars?: V1EnvVar[] } {
  if (!truthy(value)) return {};
  if (Array.isArray(value)) return { envVars: clone<V1EnvVar[]>(value) };
  const m = value as Tree;
  const out: V1EnvVar[] = [];
  for (const name of sortedKeys(m)) {
    const item = m[name];
    if (item === null || item === undefined) continue;
    if (typeof item === 'string') out.push({ name, value: item });
    else if (isPlainObject(item)) out.push({ name, ...clone<Omit<V1EnvVar, 'name'>>(item) });
    else ctx.fail([...at, name], 'expected a string or a map', `put the value of ${name} in double quotes exactly as you meant it`);
  }
  return out.length > 0 ? { envVars: out } : {};
}

const STORAGE_PATHS = {
  fe: { data: '/opt/starrocks/fe/meta', log: '/opt/starrocks/fe/log', spill: '' },
  cn: { data: '/opt/starrocks/cn/storage', log: '/opt/starrocks/cn/log', spill: '/opt/starrocks/cn/spill' },
  be: { data: '/opt/starrocks/be/storage', log: '/opt/starrocks/be/log', spill: '/opt/starrocks/be/spill' },
} as const;

/**
 * `storageSpec` as the chart's helpers name it, plus `emptyDirs` / `hostPaths` as the CRD's special storage classes.
 * A volume whose size starts with "0" is left out, as the operator skips it (`0Gi` log storage = no log volume).
 */
function storage(v: Tree, kind: ComponentKind, at: (...rest: Segment[]) => Segment[], ctx: MapContext): { storageVolumes?: StorageVolume[] } {
  const ss = sub(v.storageSpec);
  const volumes: StorageVolume[] = [];
  const add = (name: string, className: ValuesNode | undefined, size: ValuesNode | undefined, mountPath: string, sizeKey: string): void => {
    const s = text(size);
    if (s.startsWith('0')) {
      if (!isZeroQuantity(s)) ctx.fail(at('storageSpec', sizeKey), `the operator skips any volume whose size starts with 0, so ${s} would create no volume`, `write the size without a leading 0, e.g. 512Mi instead of 0.5Gi`);
      return;
    }
    volumes.push({ name, ...(truthy(className) && { storageClassName: text(className) }), ...(s !== '' && { storageSize: s }), mountPath });
  };
  const n = text(ss.name);
  const paths = STORAGE_PATHS[kind];
  if (n !== '') {
    const dataPath = truthy(ss.storageMountPath) ? text(ss.storageMountPath) : paths.data;
    const count = kind === 'fe' ? 1 : typeof ss.storageCount === 'number' ? ss.storageCount : 1;
    if (kind === 'fe') add(`${n}-meta`, ss.storageClassName, ss.storageSize, dataPath, 'storageSize');
    else if (count > 1) for (let i = 0; i < count; i++) add(`${n}${i}-data`, ss.storageClassName, ss.storageSize, `${dataPath}${i}`, 'storageSize');
    else add(`${n}-data`, ss.storageClassName, ss.storageSize, dataPath, 'storageSize');
    const logClass = truthy(ss.logStorageClassName) ? ss.logStorageClassName : ss.storageClassName;
    add(`${n}-log`, logClass, ss.logStorageSize, truthy(ss.logMountPath) ? text(ss.logMountPath) : paths.log, 'logStorageSize');
    if (kind !== 'fe') {
      const spillClass = truthy(ss.spillStorageClassName) ? ss.spillStorageClassName : ss.storageClassName;
      add(`${n}-spill`, spillClass, ss.spillStorageSize, truthy(ss.spillMountPath) ? text(ss.spillMountPath) : paths.spill, 'spillStorageSize');
    }
  } else if (truthy(ss.storageClassName) || truthy(ss.storageMountPath)) {
    ctx.notice(`${at('storageSpec').join('.')}: storageClassName/storageMountPath are ignored because storageSpec.name is empty; the ${kind.toUpperCase()} uses emptyDir (data is lost when a pod restarts)`);
  }
  for (const e of (truthy(v.emptyDirs) ? v.emptyDirs : []) as Tree[]) {
    volumes.push({ name: text(e.name), mountPath: text(e.mountPath), storageClassName: 'emptyDir' });
  }
  for (const h of (truthy(v.hostPaths) ? v.hostPaths : []) as Tree[]) {
    volumes.push({ name: text(h.name), mountPath: text(h.mountPath), storageClassName: 'hostPath', hostPath: clone(h.hostPath) });
  }
  return volumes.length > 0 ? { storageVolumes: volumes } : {};
}

function mounts(value: ValuesNode): MountReference[] {
  return (value as Tree[]).map((m) => ({
    name: text(m.name),
    mountPath: text(m.mountPath),
    ...(truthy(m.subPath) && { subPath: text(m.subPath) }),
  }));
}

/** The chart writes `loadBalancerIP` and source ranges only for LoadBalancer Services. */
function service(s: Tree): ServiceSpec {
  const lb = s.type === 'LoadBalancer';
  return {
    type: s.type as ServiceType,
    ...(lb && truthy(s.loadbalancerIP) && { loadBalancerIP: text(s.loadbalancerIP) }),
    ...(lb && truthy(s.loadBalancerSourceRanges) && { loadBalancerSourceRanges: clone(s.loadBalancerSourceRanges) }),
    ...(truthy(s.ports) && {
      ports: (s.ports as Tree[]).map((p): ServicePort => {
        const out: Record<string, unknown> = {};
        for (const k of ['name', 'port', 'containerPort', 'nodePort'] as const) if (p[k] !== undefined && p[k] !== null) out[k] = p[k];
        return out as ServicePort;
      }),
    }),
    ...(truthy(s.annotations) && { annotations: clone(s.annotations) }),
    ...(truthy(s.labels) && { labels: clone(s.labels) }),
  };
}

/** Probe seconds are written only when truthy, so a numeric 0 means "operator default", while "0" disables. */
function probe(v: Tree, key: string, at: (...rest: Segment[]) => Segment[], ctx: MapContext): Record<string, number> {
  const value = v[key];
  if (value === 0) ctx.notice(`${at(key).join('.')}: 0 is treated as unset by the chart (the operator default applies); write "0" to disable the probe`);
  return truthy(value) ? { [key]: Number(value) } : {};
}

function sidecars(v: Tree, at: (...rest: Segment[]) => Segment[], ctx: MapContext): { sidecars?: V1Container[] } {
  if (truthy(v.sidecarsMap) && truthy(v.sidecars)) ctx.fail(at('sidecarsMap'), 'sidecarsMap and sidecars cannot be set at the same time', 'keep one of them (sidecarsMap wins in the chart, so move the sidecars into it)');
  if (truthy(v.sidecarsMap)) {
    const m = v.sidecarsMap as Tree;
    return {
      sidecars: sortedKeys(m).map((name) => {
        if ('name' in sub(m[name])) ctx.fail(at('sidecarsMap', name, 'name'), 'a sidecarsMap entry takes its name from its key', `remove name: from ${name}`);
        return { name, ...clone<Omit<V1Container, 'name'>>(m[name]) };
      }),
    };
  }
  return truthy(v.sidecars) ? { sidecars: clone(v.sidecars) } : {};
}

/**
 * The chart's top-level `configMaps` / `secrets`. Keys with empty values are left out as the chart does;
 * ConfigMap values end with exactly one newline (the chart writes them as YAML `|` blocks). Secret values stay
 * plain text: the chart base64-encodes them (`b64enc`), and so does our renderer.
 */
function extraObjects(value: ValuesNode, key: 'configMaps' | 'secrets'): ExtraObject[] {
  return (value as Tree[]).map((o) => {
    const data: Record<string, string> = {};
    const d = sub(o.data);
    for (const k of Object.keys(d)) {
      if (!truthy(d[k])) continue;
      const s = text(d[k]);
      data[k] = key === 'configMaps' ? s.replace(/(\n[ \t]*)+$/, '') + '\n' : s;
    }
    return { name: text(o.name), data };
  });
}
