/**
 * Which keys a kube-starrocks values file may hold and what type each has, declared with the same schema library and
 * building blocks as the typed spec (`../schema-kit.ts`): the chart's values.yaml (v1.11.5, a superset of v1.10.2's)
 * plus the keys it documents but leaves unset (`feEnvVars`, `starrocksCnSpec.replicas`).
 * `test/model/values-chart-files.test.ts` checks that both releases' own values.yaml pass. Checked one file at a
 * time, before merging, so an error can name the file and the line. `null` is allowed everywhere: in Helm it
 * removes a default. Messages name the key as the file has it (`` set `replicas` to a whole number ``).
 */
import * as v from 'valibot';
import { describeValue, isMountPath, isPlainObject, isQuantity, looksLikeKey } from '../checks';
import { custom, expected, firstProblem, listOf, mapOf, say, strictMap, unknownKeyParts, type Problem } from '../schema-kit';
import type { ValuesNode } from './values-tree';

export type Segment = string | number;

const wrong = (what: string, fix = `set \`{key}\` to ${what}`) => (x: unknown) => say(expected(what, x), fix);

/** A map of these keys, each of which may be null (Helm's way to remove a default). */
function map<const E extends Record<string, v.GenericSchema>>(fields: E) {
  const entries = Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, v.nullish(s)])) as { [K in keyof E]: v.NullishSchema<E[K], undefined> };
  return strictMap(entries, { notMap: wrong('a map'), unknownKey, order: 'input' });
}
/** A map with any keys. */
const dict = <S extends v.GenericSchema>(of: S) => mapOf(v.nullish(of), wrong('a map'));
/** A list; an empty `-` item is an error of its own. */
const list = <S extends v.GenericSchema>(of: S) =>
  listOf(v.pipe(v.unknown(), v.check((x) => x !== null, () => say('empty list item', 'remove the empty `-` item')), of), wrong('a list'));
const str = custom<string>((x) => typeof x === 'string', wrong('a string', 'quote the value of `{key}` or correct it'));
const bool = custom<boolean>((x) => typeof x === 'boolean', wrong('true or false'));
const obj = custom<Record<string, unknown>>(isPlainObject, wrong('a map'));
const any = v.unknown();
const scalar = custom<string | number | boolean>((x) => ['string', 'number', 'boolean'].includes(typeof x), wrong('a string'));
const strings = dict(str);
const path = custom<string>(
  (x) => typeof x === 'string' && (x === '' || isMountPath(x)),
  (x) => (typeof x !== 'string' ? wrong('an absolute path (a string)')(x) : say(`\`${x}\` is not an absolute path`, 'set `{key}` to a path starting with / and without ..')),
);
function int(min: number, max?: number) {
  const range = max === undefined ? `${min} or more` : `between ${min} and ${max}`;
  return custom<number>(
    (x) => typeof x === 'number' && Number.isInteger(x) && x >= min && (max === undefined || x <= max),
    (x) => (typeof x !== 'number' || !Number.isInteger(x) ? wrong('a whole number')(x) : say(`${x} is out of range: it must be ${range}`, `set \`{key}\` to a number ${range}`)),
  );
}
const oneOf = (values: readonly string[]) => custom<string>((x) => typeof x === 'string' && values.includes(x), wrong(`one of ${values.join(', ')}`));
function quantityOf(limit: boolean) {
  const text = (x: unknown) => (typeof x === 'number' ? String(x) : x);
  return custom<string | number>(
    (x) => typeof text(x) === 'string' && ((limit && text(x) === 'unlimited') || isQuantity(text(x) as string)),
    (x) =>
      typeof text(x) !== 'string'
        ? wrong('a quantity such as 4Gi or 500m')(x)
        : say(`\`${text(x) as string}\` is not a Kubernetes quantity`, `write \`{key}\` like 8, 500m, 4Gi or 10Gi${limit ? ' (or "unlimited" to drop the limit)' : ''}`),
  );
}
const quantity = quantityOf(false);
const limit = quantityOf(true);
const seconds = custom<number | string>((x) => (typeof x === 'number' && Number.isInteger(x) && x >= 0) || (typeof x === 'string' && /^\d+$/.test(x)), wrong('a whole number of seconds (0 or more)'));
const intOrPercent = custom<number | string>(
  (x) => (typeof x === 'number' && Number.isInteger(x) && x >= 1) || (typeof x === 'string' && /^([1-9]\d?|100)%$/.test(x)),
  wrong('a whole number of pods (1 or more) or a percentage such as 25%'),
);
/** `feEnvVars` and friends: a list of `{name, value, valueFrom}` or a map `NAME: value`. */
const envVars = v.pipe(
  v.unknown(),
  v.rawCheck(({ dataset, addIssue }) => {
    const issue = envVarsIssue(dataset.value as ValuesNode, []);
    if (!issue) return;
    const path = issue.path.map((key): v.IssuePathItem => ({ type: 'object', origin: 'value', input: {}, key: key as string, value: undefined }));
    addIssue({ message: say(issue.problem, issue.fix), ...(path.length > 0 && { path: path as [v.IssuePathItem, ...v.IssuePathItem[]] }) });
  }),
);

const service = map({
  type: oneOf(['ClusterIP', 'NodePort', 'LoadBalancer']),
  loadbalancerIP: str,
  annotations: strings,
  labels: strings,
  ports: list(map({ name: str, port: int(1, 65535), containerPort: int(1, 65535), nodePort: int(30000, 32767) })),
  loadBalancerSourceRanges: list(str),
});

const mount = list(map({ name: str, mountPath: path, subPath: str }));
const retention = oneOf(['Retain', 'Delete']);

const common = {
  replicas: int(0),
  image: map({ repository: str, tag: scalar }),
  imagePullPolicy: oneOf(['Always', 'IfNotPresent', 'Never']),
  entrypoint: map({ script: str }),
  annotations: strings,
  runAsNonRoot: bool,
  readOnlyRootFilesystem: bool,
  capabilities: map({ add: list(str), drop: list(str) }),
  sysctls: list(map({ name: str, value: scalar })),
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
  resources: map({ requests: dict(quantity), limits: dict(limit) }),
  emptyDirs: list(map({ name: str, mountPath: path })),
  hostPaths: list(map({ name: str, mountPath: path, hostPath: map({ path: str, type: str }) })),
  config: str,
  configyaml: dict(scalar),
  secrets: mount,
  configMaps: mount,
  terminationGracePeriodSeconds: int(0),
  startupProbeFailureSeconds: seconds,
  livenessProbeFailureSeconds: seconds,
  readinessProbeFailureSeconds: seconds,
  lifecycle: obj,
  sidecars: list(obj),
  sidecarsMap: dict(obj),
  initContainers: list(obj),
  maxUnavailablePods: intOrPercent,
  shareProcessNamespace: bool,
  // chart v1.11: StatefulSet settings
  minReadySeconds: int(0),
  podManagementPolicy: oneOf(['OrderedReady', 'Parallel']),
  persistentVolumeClaimRetentionPolicy: map({ whenDeleted: retention, whenScaled: retention }),
};

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
export const CHART_SCHEMA = map({
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
      image: map({ tag: scalar }),
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
    feEnvVars: envVars,
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
  starrocksCnSpec: map({ ...common, cnEnvVars: envVars, autoScalingPolicy: obj, storageSpec: backendStorage }),
  starrocksBeSpec: map({ ...common, beEnvVars: envVars, storageSpec: backendStorage }),
  secrets: list(map({ name: str, data: dict(scalar) })),
  configMaps: list(map({ name: str, data: dict(scalar) })),
  resources: list(obj),
  starrocksFeProxySpec: map({
    enabled: bool,
    replicas: int(0),
    imagePullPolicy: oneOf(['Always', 'IfNotPresent', 'Never']),
    image: map({ repository: str, tag: scalar }),
    resources: map({ requests: dict(quantity), limits: dict(limit) }),
    resolver: str,
    service,
    imagePullSecrets: list(map({ name: str })),
    nodeSelector: strings,
    affinity: obj,
    tolerations: list(obj),
    livenessProbeFailureSeconds: seconds,
    readinessProbeFailureSeconds: seconds,
    emptyDirs: list(map({ name: str, mountPath: path })),
    podLabels: strings,
  }),
  global: any,
});

/** The first place where a file's chart values (`tree`) do not fit the chart's schema, or undefined. */
export function firstIssue(tree: ValuesNode | undefined): Problem | undefined {
  return tree === null || tree === undefined ? undefined : firstProblem(CHART_SCHEMA, tree);
}

/**
 * An unknown key: the nearest valid key when it looks like a typo, else the list of valid keys; a key that does not
 * even look like one (a line of a password file given with -f by mistake) is never echoed.
 */
function unknownKeyProblem(key: string, known: readonly string[]): { problem: string; fix: string } {
  if (!looksLikeKey(key)) {
    return { problem: 'a key here is not a values key (it does not even look like one: is this a values file?)', fix: 'check that -f names a kube-starrocks values file, and remove that line' };
  }
  return unknownKeyParts(key, known);
}

function unknownKey(key: string, known: readonly string[]): string {
  const p = unknownKeyProblem(key, known);
  return say(p.problem, p.fix);
}

const ENV_VAR_KEYS = ['name', 'value', 'valueFrom'];

function envVarsIssue(value: ValuesNode, at: readonly Segment[]): Problem | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      if (!isPlainObject(item)) {
        return { path: [...at, i], problem: `expected an environment variable ({name, value}), got ${describeValue(item)}`, fix: 'write each item as `- name: X` with `value: "..."`' };
      }
      for (const k of Object.keys(item)) {
        if (!ENV_VAR_KEYS.includes(k)) {
          return { path: [...at, i, k], ...unknownKeyProblem(k, ENV_VAR_KEYS) };
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
          return { path: [...at, name, k], ...unknownKeyProblem(k, ['value', 'valueFrom']) };
        }
      }
    }
    return undefined;
  }
  return { path: at, problem: `expected a list or a map of environment variables, got ${describeValue(value)}`, fix: 'write `{key}` as a list of {name, value} or a map NAME: value' };
}

