/**
 * Which keys a kube-starrocks values file may hold and what type each has: the chart's values.yaml (v1.11.5, a
 * superset of v1.10.2's) plus the keys it documents but leaves unset (`feEnvVars`, `starrocksCnSpec.replicas`).
 * `test/model/values-chart-files.test.ts` checks that both releases' own values.yaml pass. Checked one file at a
 * time, before merging, so an error can name the file and the line. `null` is allowed everywhere: in Helm it
 * removes a default.
 */
import { describeValue, isMountPath, isPlainObject, isQuantity, looksLikeKey, suggestKey } from '../checks';
import type { ValuesNode } from './chart-defaults';

export type Segment = string | number;

export type Schema =
  | { readonly kind: 'map'; readonly fields: Readonly<Record<string, Schema>> }
  | { readonly kind: 'dict'; readonly of: Schema }
  | { readonly kind: 'list'; readonly of: Schema }
  | { readonly kind: 'string' | 'bool' | 'object' | 'any' | 'scalar' | 'quantity' | 'limit' | 'envVars' | 'path' }
  | { readonly kind: 'int'; readonly min: number; readonly max?: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'intOrPercent' | 'seconds' };

const str: Schema = { kind: 'string' };
const bool: Schema = { kind: 'bool' };
const obj: Schema = { kind: 'object' };
const any: Schema = { kind: 'any' };
const path: Schema = { kind: 'path' };
const quantity: Schema = { kind: 'quantity' };
const int = (min: number, max?: number): Schema => ({ kind: 'int', min, max });
const map = (fields: Record<string, Schema>): Schema => ({ kind: 'map', fields });
const dict = (of: Schema): Schema => ({ kind: 'dict', of });
const list = (of: Schema): Schema => ({ kind: 'list', of });
const strings = dict(str);

const service = map({
  type: { kind: 'enum', values: ['ClusterIP', 'NodePort', 'LoadBalancer'] },
  loadbalancerIP: str,
  annotations: strings,
  labels: strings,
  ports: list(map({ name: str, port: int(1, 65535), containerPort: int(1, 65535), nodePort: int(30000, 32767) })),
  loadBalancerSourceRanges: list(str),
});

const mount = list(map({ name: str, mountPath: path, subPath: str }));
const retention: Schema = { kind: 'enum', values: ['Retain', 'Delete'] };

const common = {
  replicas: int(0),
  image: map({ repository: str, tag: { kind: 'scalar' } }),
  imagePullPolicy: { kind: 'enum', values: ['Always', 'IfNotPresent', 'Never'] },
  entrypoint: map({ script: str }),
  annotations: strings,
  runAsNonRoot: bool,
  readOnlyRootFilesystem: bool,
  capabilities: map({ add: list(str), drop: list(str) }),
  sysctls: list(map({ name: str, value: { kind: 'scalar' } })),
  service,
  imagePullSecrets: list(map({ name: str })),
  serviceAccount: str,
  nodeSelector: strings,
  podLabels: strings,
  hostAliases: list(obj),
  schedulerName: str,
  affinity: obj,
  tolerations: list(obj),
  topologySpreadConstraints: list(obj),
  resources: map({ requests: dict(quantity), limits: dict({ kind: 'limit' }) }),
  emptyDirs: list(map({ name: str, mountPath: path })),
  hostPaths: list(map({ name: str, mountPath: path, hostPath: map({ path: str, type: str }) })),
  config: str,
  configyaml: dict({ kind: 'scalar' }),
  secrets: mount,
  configMaps: mount,
  terminationGracePeriodSeconds: int(0),
  startupProbeFailureSeconds: { kind: 'seconds' },
  livenessProbeFailureSeconds: { kind: 'seconds' },
  readinessProbeFailureSeconds: { kind: 'seconds' },
  lifecycle: obj,
  sidecars: list(obj),
  sidecarsMap: dict(obj),
  initContainers: list(obj),
  maxUnavailablePods: { kind: 'intOrPercent' },
  shareProcessNamespace: bool,
  // chart v1.11: StatefulSet settings
  minReadySeconds: int(0),
  podManagementPolicy: { kind: 'enum', values: ['OrderedReady', 'Parallel'] },
  persistentVolumeClaimRetentionPolicy: map({ whenDeleted: retention, whenScaled: retention }),
} satisfies Record<string, Schema>;

const backendStorage = map({
  name: str,
  storageClassName: str,
  storageSize: quantity,
  storageCount: int(1),
  storageMountPath: path,
  logStorageClassName: str,
  logStorageSize: quantity,
  logMountPath: path,
  spillStorageClassName: str,
  spillStorageSize: quantity,
  spillMountPath: path,
});

/** The `starrocks` subchart's values. */
export const CHART_SCHEMA: Schema = map({
  nameOverride: str,
  initPassword: map({
    enabled: bool,
    isInstall: bool,
    password: str,
    passwordSecret: str,
    image: str,
    annotations: strings,
    podAnnotations: strings,
    resources: obj,
  }),
  timeZone: str,
  datadog: map({
    log: map({ enabled: bool, logConfig: str, enableMultilineLogParsing: bool }),
    metrics: map({ enabled: bool }),
    profiling: map({ fe: bool, be: bool, cn: bool, env: str, configMode: str }),
  }),
  metrics: map({
    serviceMonitor: map({
      enabled: bool,
      labels: strings,
      interval: str,
      basicAuth: map({ enabled: bool, usernameSecretName: str, usernameSecretKey: str, passwordSecretName: str, passwordSecretKey: str }),
      endpointParam: map({ enabled: bool, params: obj }),
    }),
  }),
  starrocksCluster: map({
    name: str,
    namespace: str,
    annotations: strings,
    enabledBe: bool,
    enabledCn: bool,
    waitForFullRollout: bool,
    disasterRecovery: map({ enabled: bool, generation: int(0) }),
    componentValues: map({
      image: map({ tag: { kind: 'scalar' } }),
      hostAliases: list(obj),
      runAsNonRoot: bool,
      schedulerName: str,
      serviceAccount: str,
      imagePullSecrets: list(map({ name: str })),
      tolerations: list(obj),
      topologySpreadConstraints: list(obj),
      nodeSelector: strings,
      affinity: obj,
      podLabels: strings,
    }),
  }),
  starrocksFESpec: map({
    ...common,
    replicas: int(1),
    feEnvVars: { kind: 'envVars' },
    storageSpec: map({
      name: str,
      storageClassName: str,
      storageSize: quantity,
      storageMountPath: path,
      logStorageClassName: str,
      logStorageSize: quantity,
      logMountPath: path,
    }),
  }),
  starrocksCnSpec: map({ ...common, cnEnvVars: { kind: 'envVars' }, autoScalingPolicy: obj, storageSpec: backendStorage }),
  starrocksBeSpec: map({ ...common, beEnvVars: { kind: 'envVars' }, storageSpec: backendStorage }),
  secrets: list(map({ name: str, data: dict({ kind: 'scalar' }) })),
  configMaps: list(map({ name: str, data: dict({ kind: 'scalar' }) })),
  resources: list(obj),
  starrocksFeProxySpec: map({
    enabled: bool,
    replicas: int(0),
    imagePullPolicy: { kind: 'enum', values: ['Always', 'IfNotPresent', 'Never'] },
    image: map({ repository: str, tag: { kind: 'scalar' } }),
    resources: map({ requests: dict(quantity), limits: dict({ kind: 'limit' }) }),
    resolver: str,
    service,
    imagePullSecrets: list(map({ name: str })),
    nodeSelector: strings,
    affinity: obj,
    tolerations: list(obj),
    livenessProbeFailureSeconds: { kind: 'seconds' },
    readinessProbeFailureSeconds: { kind: 'seconds' },
    emptyDirs: list(map({ name: str, mountPath: path })),
    podLabels: strings,
  }),
  global: any,
});

/** One thing wrong with a file's values: where, what, and how to fix it. */
export interface SchemaIssue {
  readonly path: readonly Segment[];
  readonly problem: string;
  readonly fix: string;
}

/** The first place where `value` does not fit `schema`, or undefined. */
export function firstIssue(value: ValuesNode | undefined, schema: Schema, at: readonly Segment[] = []): SchemaIssue | undefined {
  if (value === null || value === undefined) return undefined;
  const key = String(at[at.length - 1] ?? 'value');
  const wrong = (expected: string, fix?: string): SchemaIssue => ({
    path: at,
    problem: `expected ${expected}, got ${describeValue(value)}`,
    fix: fix ?? `set \`${key}\` to ${expected}`,
  });
  switch (schema.kind) {
    case 'any':
      return undefined;
    case 'map': {
      if (!isPlainObject(value)) return wrong('a map');
      const known = Object.keys(schema.fields);
      for (const [k, v] of Object.entries(value)) {
        const child = Object.hasOwn(schema.fields, k) ? schema.fields[k] : undefined; // not `constructor` from the prototype
        if (!child) return unknownKey([...at, k], known);
        const issue = firstIssue(v, child, [...at, k]);
        if (issue) return issue;
      }
      return undefined;
    }
    case 'dict': {
      if (!isPlainObject(value)) return wrong('a map');
      for (const [k, v] of Object.entries(value)) {
        const issue = firstIssue(v, schema.of, [...at, k]);
        if (issue) return issue;
      }
      return undefined;
    }
    case 'list': {
      if (!Array.isArray(value)) return wrong('a list');
      for (const [i, v] of value.entries()) {
        if (v === null) return { path: [...at, i], problem: 'empty list item', fix: 'remove the empty `-` item' };
        const issue = firstIssue(v, schema.of, [...at, i]);
        if (issue) return issue;
      }
      return undefined;
    }
    case 'object':
      return isPlainObject(value) ? undefined : wrong('a map');
    case 'string':
      return typeof value === 'string' ? undefined : wrong('a string', `quote the value of \`${key}\` or correct it`);
    case 'path':
      if (typeof value !== 'string') return wrong('an absolute path (a string)');
      return value === '' || isMountPath(value)
        ? undefined
        : { path: at, problem: `\`${value}\` is not an absolute path`, fix: `set \`${key}\` to a path starting with / and without ..` };
    case 'bool':
      return typeof value === 'boolean' ? undefined : wrong('true or false');
    case 'scalar':
      return ['string', 'number', 'boolean'].includes(typeof value) ? undefined : wrong('a string');
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrong('a whole number');
      if (value < schema.min || (schema.max !== undefined && value > schema.max)) {
        const range = schema.max === undefined ? `${schema.min} or more` : `between ${schema.min} and ${schema.max}`;
        return { path: at, problem: `${value} is out of range: it must be ${range}`, fix: `set \`${key}\` to a number ${range}` };
      }
      return undefined;
    case 'enum':
      return typeof value === 'string' && schema.values.includes(value)
        ? undefined
        : wrong(`one of ${schema.values.join(', ')}`, `set \`${key}\` to one of ${schema.values.join(', ')}`);
    case 'quantity':
    case 'limit': {
      const text = typeof value === 'number' ? String(value) : value;
      if (typeof text !== 'string') return wrong('a quantity such as 4Gi or 500m');
      if (schema.kind === 'limit' && text === 'unlimited') return undefined;
      return isQuantity(text)
        ? undefined
        : {
            path: at,
            problem: `\`${text}\` is not a Kubernetes quantity`,
            fix: `write \`${key}\` like 8, 500m, 4Gi or 10Gi${schema.kind === 'limit' ? ' (or "unlimited" to drop the limit)' : ''}`,
          };
    }
    case 'seconds':
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return undefined;
      if (typeof value === 'string' && /^\d+$/.test(value)) return undefined;
      return wrong('a whole number of seconds (0 or more)');
    case 'intOrPercent':
      if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return undefined;
      if (typeof value === 'string' && /^([1-9]\d?|100)%$/.test(value)) return undefined;
      return wrong('a whole number of pods (1 or more) or a percentage such as 25%');
    case 'envVars':
      return envVarsIssue(value, at);
  }
}

/** An unknown key: the nearest valid key when it looks like a typo, else the list of valid keys. */
export function unknownKey(path: readonly Segment[], known: readonly string[]): SchemaIssue {
  const k = String(path[path.length - 1]);
  if (!looksLikeKey(k)) {
    return { path, problem: 'a key here is not a values key (it does not even look like one: is this a values file?)', fix: 'check that -f names a kube-starrocks values file, and remove that line' };
  }
  const hint = suggestKey(k, known);
  const best = /`(.*)`/.exec(hint)?.[1];
  return {
    path,
    problem: `unknown key \`${k}\`${hint}`,
    fix: best ? `rename \`${k}\` to \`${best}\`` : `remove \`${k}\`; valid keys here: ${known.join(', ')}`,
  };
}

const ENV_VAR_KEYS = ['name', 'value', 'valueFrom'];

function envVarsIssue(value: ValuesNode, at: readonly Segment[]): SchemaIssue | undefined {
  const key = String(at[at.length - 1]);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      if (!isPlainObject(item)) {
        return { path: [...at, i], problem: `expected an environment variable ({name, value}), got ${describeValue(item)}`, fix: 'write each item as `- name: X` with `value: "..."`' };
      }
      for (const k of Object.keys(item)) {
        if (!ENV_VAR_KEYS.includes(k)) {
          return unknownKey([...at, i, k], ENV_VAR_KEYS);
        }
      }
      if (typeof item.name !== 'string' || item.name === '') {
        return { path: [...at, i, 'name'], problem: 'an environment variable needs a name', fix: 'add `name:` to the item' };
      }
      if (item.value !== undefined && item.value !== null && typeof item.value !== 'string') {
        return { path: [...at, i, 'value'], problem: `expected a string, got ${describeValue(item.value)}`, fix: 'put the value in double quotes exactly as you meant it (YAML read it as a number or true/false, which may not be what you wrote)' };
      }
      if (item.valueFrom !== undefined && item.valueFrom !== null && !isPlainObject(item.valueFrom)) {
        return { path: [...at, i, 'valueFrom'], problem: `expected a map, got ${describeValue(item.valueFrom)}`, fix: 'write valueFrom as a map, e.g. secretKeyRef: {name, key}' };
      }
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const [name, v] of Object.entries(value)) {
      if (v === null || typeof v === 'string') continue;
      if (!isPlainObject(v)) {
        return { path: [...at, name], problem: `expected a string or a map such as {valueFrom: ...}, got ${describeValue(v)}`, fix: `put the value of ${name} in double quotes exactly as you meant it (YAML read it as a number or true/false)` };
      }
      for (const k of Object.keys(v)) {
        if (!['value', 'valueFrom'].includes(k)) {
          return unknownKey([...at, name, k], ['value', 'valueFrom']);
        }
      }
    }
    return undefined;
  }
  return { path: at, problem: `expected a list or a map of environment variables, got ${describeValue(value)}`, fix: `write \`${key}\` as a list of {name, value} or a map NAME: value` };
}
