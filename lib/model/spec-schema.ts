/**
 * The typed model of a StarRocks shared-data cluster, declared once: this valibot schema is where the TypeScript
 * types come from (`types.ts` re-exports them), what `validateSpec` checks a spec against (with the error and fix of
 * each field), and the vocabulary the values-file schema (`values/values-schema.ts`) reuses.
 *
 * Field names follow the StarRocksCluster custom resource (`starrocks.com/v1`, operator v1.11.x; `operatorVersion`
 * picks the operator line whose output is rendered): `starRocksFeSpec`, `starRocksCnSpec`, `starRocksBeSpec`,
 * `disasterRecovery`, and inside a component the operator's `StarRocksComponentSpec` names (`replicas`, `image`,
 * `storageVolumes`, `configMaps`, ...).
 *
 * Two deliberate differences from the CRD, because there is no Helm chart in this route:
 * - a component carries its config file text (`config`, the chart's `starrocksFESpec.config`) instead of a
 *   `configMapInfo` reference; the renderer writes the `<cluster>-fe-cm` ConfigMap the chart would write.
 * - the chart's top-level `configMaps` / `secrets` (objects the chart creates) live on the cluster as
 *   `configMaps` / `secrets`, and the chart's `timeZone` as `timeZone`.
 *
 * Everything is plain data (no classes), so a spec can be written by hand, loaded from Helm values files,
 * serialized into Pulumi state and compared with `===` after `JSON.stringify`. Keys are declared in the order
 * error messages list them; checks run in that order and the first problem is the error.
 */
import type {
  V1Affinity,
  V1Capabilities,
  V1Container,
  V1EnvVarSource,
  V1HostAlias,
  V1HostPathVolumeSource,
  V1Lifecycle,
  V1Sysctl,
  V1Toleration,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
import * as v from 'valibot';
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
  STATEFULSET_NAME_MAX,
} from './checks';
import { isGeneration } from './generation';
import { OPERATOR_RELEASE, OPERATOR_VERSIONS, type OperatorVersion } from './operator-version';
import type { ComponentKind } from './ports';
import { custom, expected, listOf, mapOf, say, strictMap, unknownKeyMessage } from './schema-kit';
import { formatPath } from './spec-path';

/** Service types the operator supports. */
export enum ServiceType {
  CLUSTER_IP = 'ClusterIP',
  NODE_PORT = 'NodePort',
  LOAD_BALANCER = 'LoadBalancer',
}

/** Image pull policies (the Kubernetes strings). */
export enum ImagePullPolicy {
  ALWAYS = 'Always',
  IF_NOT_PRESENT = 'IfNotPresent',
  NEVER = 'Never',
}

/**
 * The longest cluster name: `<name>-fe` is a StatefulSet name, which must leave room for the controller's
 * `controller-revision-hash` label (checks.ts STATEFULSET_NAME_MAX, kubernetes#64023); Service names
 * (`<name>-fe-service`) then fit in 63 characters too.
 */
export const MAX_CLUSTER_NAME_LENGTH = STATEFULSET_NAME_MAX - '-fe'.length;

// ---- the words of the typed route: `{path}` is the spec path, `{key}` its last key -------------------------------

const map = <const E extends v.ObjectEntries>(entries: E, missing?: Record<string, string>) =>
  strictMap(entries, { notMap: (x) => say(expected('an object', x), 'write {path} as an object'), unknownKey: unknownKeyMessage, missing });
const optional = <S extends v.GenericSchema>(schema: S) => v.optional(schema);
const list = <S extends v.GenericSchema>(item: S) => listOf(item, (x) => say(expected('a list', x), 'write {path} as a list'));
const str = (what = 'a string') => custom<string>((x) => typeof x === 'string', (x) => say(expected(what, x), `set {path} to ${what}`));
const bool = () => custom<boolean>((x) => typeof x === 'boolean', (x) => say(expected('true or false', x), 'set {path} to true or false'));
const stringMap = () =>
  mapOf(custom<string>((x) => typeof x === 'string', (x) => say(expected('a string', x), 'quote the value of {key}')), (x) => say(expected('a map of strings', x), 'write {path} as key: "value" pairs'));
/** Any map, for Kubernetes objects passed through as they are (affinity, lifecycle, ...). */
const object = <T>() => custom<T>(isPlainObject, (x) => say(expected('an object', x), 'write {key} as an object'));
/** A list of maps passed through as they are (tolerations, sidecars, ...). */
const objects = <T>() => list(custom<T>(isPlainObject, (x) => say(expected('an object', x), 'write each item as an object')));

function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `between ${min} and ${max}`;
  return custom<number>(
    (x) => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max,
    (x) =>
      typeof x !== 'number' || !Number.isInteger(x)
        ? say(`expected a whole number, got ${typeof x === 'number' ? String(x) : describeValue(x)}`, 'set {path} to a whole number')
        : say(`${x} is out of range: it must be ${range}`, `set {path} to a number ${range}`),
  );
}

const quantity = () => custom<string>((x) => typeof x === 'string' && isQuantity(x), (x) => say(`${show(x)} is not a Kubernetes quantity`, 'write it like 8, 500m, 4Gi or 10Gi'));
const mountPath = () => custom<string>((x) => typeof x === 'string' && isMountPath(x), (x) => say(`mount path ${show(x)} is not an absolute path`, 'set an absolute path such as /opt/starrocks/fe/meta'));
const port = () => custom<number>(isPort, (x) => say(`${show(x)} is not a port: ports are 1-65535`, 'set {key} between 1 and 65535'));

// ---- the spec ----------------------------------------------------------------------------------------------------

/** CPU / memory requests and limits, as Kubernetes quantities (`"2"`, `"4Gi"`, `"1m"`). */
export const ResourceRequirementsSchema = map({
  requests: optional(mapOf(quantity(), (x) => say(expected('an object', x), 'write {path} as an object'))),
  limits: optional(mapOf(quantity(), (x) => say(expected('an object', x), 'write {path} as an object'))),
});

/** One environment variable of the component's container. */
export const EnvVarSchema = map({
  name: custom<string>((x) => typeof x === 'string' && isEnvVarName(x), (x) => say(`${show(x)} is not an environment variable name`, 'use letters, digits, _, - and ., not starting with a digit')),
  value: optional(str()),
  valueFrom: optional(custom<V1EnvVarSource>(isPlainObject, (x) => say(expected('an object', x), 'write valueFrom as {secretKeyRef: {name, key}} or similar'))),
});

/** A ConfigMap or Secret mounted into a component (the CRD's `ConfigMapReference` / `SecretReference`). */
const mountReference = (what: 'ConfigMap' | 'Secret') =>
  map({
    /** Name of the ConfigMap or Secret. */
    name: custom<string>((x) => typeof x === 'string' && isDns1123Subdomain(x), (x) => say(`${show(x)} is not a valid ${what} name`, "use lower-case letters, digits, '-' and '.'")),
    /** Where it is mounted in the container. */
    mountPath: mountPath(),
    /**
     * Mount one key as a single file at `mountPath`.
     * @default - the whole object is mounted as a directory
     */
    subPath: optional(str()),
  });
export const MountReferenceSchema = mountReference('ConfigMap');

/** One persistent (or host path) volume of a component: the CRD's `StorageVolume`. */
export const StorageVolumeSchema = v.pipe(
  map({
    /** Volume name; also the PVC template name, so PVCs are `<name>-<cluster>-<component>-<ordinal>`. */
    name: custom<string>((x) => typeof x === 'string' && isDns1123Subdomain(x), (x) => say(`${show(x)} is not a valid volume name`, "use lower-case letters, digits and '-'")),
    /** @default - the cluster's default StorageClass */
    storageClassName: optional(str()),
    /** Size of the claim, e.g. `10Gi`. */
    storageSize: optional(quantity()),
    /** Use a host path instead of a claim. */
    hostPath: optional(
      custom<V1HostPathVolumeSource>(
        (x) => isPlainObject(x) && typeof x.path === 'string' && isMountPath(x.path),
        () => say('hostPath needs an absolute `path`', 'set hostPath: {path: /some/dir}'),
      ),
    ),
    /** Where the volume is mounted. */
    mountPath: mountPath(),
    subPath: optional(str()),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (dataset.typed && dataset.value.storageClassName === 'hostPath' && dataset.value.hostPath === undefined) {
      addIssue({ message: say('storageClassName hostPath needs a hostPath', 'add hostPath: {path: /some/dir}'), path: [pathItem(dataset.value, 'hostPath')] });
    }
  }),
);

/** One port of a component's Service (the CRD's `StarRocksServicePort`). */
export const ServicePortSchema = map({
  /** Port name; matched with the container port of the same name when `containerPort` is not given. */
  name: optional(str()),
  /** @default - the container port */
  port: optional(port()),
  /** The container port this Service port targets. */
  containerPort: optional(port()),
  /** Fixed node port (30000-32767) for `NodePort` / `LoadBalancer` Services. */
  nodePort: optional(int(30000, 32767)),
});

const SERVICE_TYPES = Object.values(ServiceType) as string[];

/** The component's external Service. */
export const ServiceSpecSchema = map({
  /** @default ServiceType.CLUSTER_IP */
  type: optional(custom<ServiceType>((x) => SERVICE_TYPES.includes(x as string), (x) => say(`${show(x)} is not a supported Service type`, `use one of ${SERVICE_TYPES.join(', ')}`))),
  loadBalancerIP: optional(str()),
  loadBalancerSourceRanges: optional(list(str('a CIDR string'))),
  ports: optional(list(ServicePortSchema)),
  annotations: optional(stringMap()),
  labels: optional(stringMap()),
});

const PULL_POLICIES = Object.values(ImagePullPolicy) as string[];

/** StatefulSet `podManagementPolicy` values (the Kubernetes strings). */
export type PodManagementPolicy = 'OrderedReady' | 'Parallel';
/** What happens to a StatefulSet's PVCs (the Kubernetes strings). */
export type PvcRetention = 'Retain' | 'Delete';

const retention = () =>
  custom<PvcRetention>((x) => x === 'Retain' || x === 'Delete', (x) => say(`${describeValue(x)} is not a retention`, 'set {key} to Retain or Delete'));

/** The StatefulSet's `persistentVolumeClaimRetentionPolicy` (operator v1.11+). */
export const PvcRetentionPolicySchema = strictMap(
  {
    /**
     * Delete the PVCs when the StatefulSet is deleted. On the FE this deletes the cluster metadata with it.
     * @default 'Retain' (the API server's default)
     */
    whenDeleted: optional(retention()),
    /**
     * Delete the PVCs of pods removed by a scale-down. The operator keeps it for CN only (FE/BE drop it).
     * @default 'Retain'
     */
    whenScaled: optional(retention()),
  },
  {
    notMap: (x) => say(expected('a map', x), 'write it as {whenDeleted: Retain|Delete, whenScaled: Retain|Delete}'),
    unknownKey: (key) => say(`unknown key \`${key}\``, 'keep only whenDeleted and whenScaled'),
    order: 'input',
  },
);

const CONTAINER_NAME = custom<V1Container>(
  (x) => isPlainObject(x),
  (x) => say(expected('an object', x), 'write each item as an object'),
);
const PodManagementPolicySchema = custom<PodManagementPolicy>(
  (x) => x === 'OrderedReady' || x === 'Parallel',
  (x) => say(`${describeValue(x)} is not a pod management policy`, 'set podManagementPolicy to OrderedReady or Parallel'),
);
const MinReadySecondsSchema = custom<number>(
  (x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 2147483647,
  (x) => say(`minReadySeconds must be a whole number of seconds (0 or more), got ${describeValue(x)}`, 'set minReadySeconds to 0 or more'),
);
const WaitForFullRolloutSchema = bool();
const OperatorVersionSchema = custom<OperatorVersion>(
  (x) => (OPERATOR_VERSIONS as readonly unknown[]).includes(x),
  (x) => say(`operator version ${describeValue(x)} is not one starrocks-dr renders`, `set operatorVersion to one of ${OPERATOR_VERSIONS.map((o) => `'${o}'`).join(', ')}, or leave it out for the newest`),
);

/**
 * The operator-line fields (`operatorVersion`, `waitForFullRollout` and the v1.11 StatefulSet settings) are checked
 * after every other field, with the "needs operator v1.11" rule (`operatorFields`); in their place in the map they
 * only carry their type.
 */
const later = <S extends v.GenericSchema>(schema: S) => v.optional(v.custom<v.InferOutput<S>>(() => true));

/** Sidecars and init containers: maps passed through, whose `name` must be a container name. */
const containers = () =>
  v.pipe(
    list(CONTAINER_NAME),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const bad = dataset.value.findIndex((c) => typeof c.name !== 'string' || !isDns1123Label(c.name));
      if (bad >= 0) {
        const c = dataset.value[bad]!;
        addIssue({
          message: say(`container name ${show(c.name)} is not valid`, "name the container with lower-case letters, digits and '-'"),
          path: [pathItem(dataset.value, bad), pathItem(c, 'name')],
        });
      }
    }),
  );

/**
 * What FE, CN and BE share: the operator's `StarRocksComponentSpec` plus the config text. Built once for the three
 * (FE needs at least one replica: `component`).
 */
const COMPONENT_FIELDS = {
  /** Full image reference, `repository:tag`. */
  image: custom<string>(
    (x) => typeof x === 'string' && x !== '' && !x.startsWith(':') && !/\s/.test(x),
    (x) => say(`image ${show(x)} is not a valid image reference`, 'set the image as repository:tag, e.g. starrocks/fe-ubuntu:3.4.1'),
  ),
  /**
   * @default 1 (operator v1.11: the CRD defaults every component to 1; operator v1.10: FE/BE 1, CN left to
   * Kubernetes, which also runs 1)
   */
  replicas: optional(int(0)),
  /** @default ImagePullPolicy.IF_NOT_PRESENT */
  imagePullPolicy: optional(custom<ImagePullPolicy>((x) => PULL_POLICIES.includes(x as string), (x) => say(`${show(x)} is not an image pull policy`, `use one of ${PULL_POLICIES.join(', ')}`))),
  imagePullSecrets: optional(
    list(map({ name: custom<string>((x) => typeof x === 'string' && isDns1123Subdomain(x), (x) => say(`${show(x)} is not a Secret name`, 'name an existing docker-registry Secret')) })),
  ),
  resources: optional(ResourceRequirementsSchema),
  /**
   * The component's config file (fe.conf, cn.conf or be.conf) as text. Ports and `run_mode` in it change
   * what is rendered.
   * @default - the chart's default config for the component
   */
  config: optional(str()),
  /** Environment variables: after the chart's `TZ` and before the ones the operator adds (`pod/spec.go` copies the spec's env first). */
  envVars: optional(list(EnvVarSchema)),
  /** Persistent volumes (meta/data and log) and host paths. */
  storageVolumes: optional(uniqueNames(list(StorageVolumeSchema), (name) => say(`volume name ${name} is used twice`, 'give each storage volume its own name'))),
  /** ConfigMaps mounted into the component, e.g. `cluster_snapshot.yaml` for disaster recovery. */
  configMaps: optional(list(mountReference('ConfigMap'))),
  /** Secrets mounted into the component. */
  secrets: optional(list(mountReference('Secret'))),
  service: optional(ServiceSpecSchema),
  /** Pod annotations. */
  annotations: optional(stringMap()),
  /** Extra pod labels. */
  podLabels: optional(stringMap()),
  nodeSelector: optional(stringMap()),
  tolerations: optional(objects<V1Toleration>()),
  affinity: optional(object<V1Affinity>()),
  topologySpreadConstraints: optional(objects<V1TopologySpreadConstraint>()),
  hostAliases: optional(objects<V1HostAlias>()),
  schedulerName: optional(str()),
  serviceAccount: optional(str()),
  /** @default 120 */
  terminationGracePeriodSeconds: optional(int(0)),
  /** Seconds the startup probe may fail before the container is restarted. @default 300 */
  startupProbeFailureSeconds: optional(int(0)),
  /** @default 15 */
  livenessProbeFailureSeconds: optional(int(0)),
  /** @default 15 */
  readinessProbeFailureSeconds: optional(int(0)),
  lifecycle: optional(object<V1Lifecycle>()),
  sidecars: optional(containers()),
  initContainers: optional(containers()),
  /** Replaces the image's entrypoint command. */
  command: optional(list(str())),
  args: optional(list(str())),
  /** @default false */
  runAsNonRoot: optional(bool()),
  readOnlyRootFilesystem: optional(bool()),
  capabilities: optional(object<V1Capabilities>()),
  sysctls: optional(objects<V1Sysctl>()),
  shareProcessNamespace: optional(bool()),
  /** `updateStrategy.rollingUpdate.maxUnavailable` of the StatefulSet. */
  maxUnavailablePods: optional(
    custom<number | string>(
      (x) => (typeof x === 'number' && Number.isInteger(x) && x >= 1) || (typeof x === 'string' && /^([1-9]\d?|100)%$/.test(x)),
      (x) => say(`${show(x)} is not a pod count or percentage`, 'set a whole number of pods (1 or more) or a percentage such as 25%'),
    ),
  ),
  /**
   * The StatefulSet's `podManagementPolicy` (operator v1.11+). Kubernetes does not allow changing it on an existing
   * StatefulSet: the StatefulSet has to be deleted (orphaning its pods) and applied again.
   * @default 'Parallel'
   */
  podManagementPolicy: later(PodManagementPolicySchema),
  /**
   * The StatefulSet's `minReadySeconds`, written only when above 0 (operator v1.11+). Takes effect on rollouts
   * with `podManagementPolicy: OrderedReady`.
   * @default 0
   */
  minReadySeconds: later(MinReadySecondsSchema),
  /** The StatefulSet's PVC retention policy (operator v1.11+). @default - none (Kubernetes retains the PVCs) */
  persistentVolumeClaimRetentionPolicy: later(PvcRetentionPolicySchema),
};

const component = (kind: ComponentKind) => map(kind === 'fe' ? { ...COMPONENT_FIELDS, replicas: optional(int(1)) } : COMPONENT_FIELDS);

/** Each storage volume, ConfigMap and Secret has a mount path of its own, not the config directory's. */
type Mounts = { readonly storageVolumes?: readonly { mountPath: string }[]; readonly configMaps?: readonly { mountPath: string }[]; readonly secrets?: readonly { mountPath: string }[] };

/** `component` where each storage volume, ConfigMap and Secret has a mount path of its own, not the config directory's. */
function uniqueMountPaths<S extends v.GenericSchema<unknown, Mounts>>(kind: ComponentKind, component: S) {
  return v.pipe(
    component,
    v.rawCheck<v.InferOutput<S>>(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const value: Mounts = dataset.value;
      const root = COMPONENT_KEYS[kind];
      const claimed = new Map<string, string>([[`/etc/starrocks/${kind}/conf`, `the ${kind}.conf ConfigMap`]]);
      for (const which of ['storageVolumes', 'configMaps', 'secrets'] as const) {
        const items = value[which] ?? [];
        for (let i = 0; i < items.length; i++) {
          const mount = items[i]!.mountPath;
          const previous = claimed.get(mount);
          if (previous !== undefined) {
            addIssue({
              message: say(`mount path ${mount} is already used by ${previous}`, 'give each volume, ConfigMap and Secret its own mountPath'),
              path: [pathItem(value, which), pathItem(items, i), pathItem(items[i], 'mountPath')],
            });
            return;
          }
          claimed.set(mount, formatPath([root, which, i, 'mountPath']));
        }
      }
    }),
  );
}

export const COMPONENT_KEYS = { fe: 'starRocksFeSpec', cn: 'starRocksCnSpec', be: 'starRocksBeSpec' } as const satisfies Record<ComponentKind, string>;

const componentSchema = (kind: ComponentKind) => uniqueMountPaths(kind, component(kind));
const FE = componentSchema('fe');
export const ComponentSpecSchema = componentSchema('cn');
const BE = componentSchema('be');

/** Disaster recovery request: the CRD's `spec.disasterRecovery`. */
export const DisasterRecoverySpecSchema = v.pipe(
  v.unknown(),
  // The generation rule depends on `enabled`; it reads the input as written (a missing generation is fine when off).
  v.rawCheck(({ dataset, addIssue }) => {
    const dr = dataset.value;
    // Unknown keys and `enabled` first (the map below reports them).
    if (!isPlainObject(dr) || typeof dr.enabled !== 'boolean' || Object.keys(dr).some((k) => k !== 'enabled' && k !== 'generation')) return;
    const g = dr.generation;
    const shown = typeof g === 'number' ? String(g) : describeValue(g);
    const at = [pathItem(dr, 'generation')] as const;
    if (dr.enabled && !isGeneration(g)) {
      addIssue({ message: say(`generation must be a positive whole number, got ${shown}`, 'set disasterRecovery.generation to 1 for the first recovery and raise it by one for each new recovery'), path: [...at] });
    } else if (!dr.enabled && g !== undefined && !(g === 0 || isGeneration(g))) {
      addIssue({ message: say(`generation must be a whole number, got ${shown}`, 'set disasterRecovery.generation to a whole number (0 or more)'), path: [...at] });
    }
  }),
  map({
    enabled: custom<boolean>((x) => typeof x === 'boolean', (x) => say(expected('true or false', x), 'set disasterRecovery.enabled to true or false')),
    /** Monotonically increasing; raise it to run a new recovery. */
    generation: v.optional(custom<number>(() => true, () => ''), 0),
  }),
);

/** A ConfigMap or Secret the cluster creates (the chart's top-level `configMaps` / `secrets`). */
export const ExtraObjectSchema = map({
  name: custom<string>((x) => typeof x === 'string' && isDns1123Subdomain(x), (x) => say(`${show(x)} is not a valid object name`, "use lower-case letters, digits, '-' and '.'")),
  /** Keys and their text values. For Secrets these are plain text; the renderer base64-encodes them. */
  data: v.pipe(
    stringMap(),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const bad = Object.keys(dataset.value).find((k) => !/^[-._a-zA-Z0-9]+$/.test(k) || k.length > 253);
      if (bad !== undefined) addIssue({ message: say(`\`${bad}\` is not a valid data key`, "use letters, digits, '-', '_' and '.'"), path: [pathItem(dataset.value, bad)] });
    }),
  ),
  labels: optional(stringMap()),
  annotations: optional(stringMap()),
});

const extraObjects = () => uniqueNames(list(ExtraObjectSchema), (name) => say(`${name} is defined twice`, 'merge the two entries into one'));

/** The whole cluster. */
export const StarRocksClusterSpecSchema = v.pipe(
  map(
    {
      /** Cluster name; prefixes every object (`<name>-fe`, ...). @default 'kube-starrocks' */
      name: custom<string>(
        (x) => typeof x === 'string' && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(x) && x.length <= MAX_CLUSTER_NAME_LENGTH,
        (x) =>
          say(
            typeof x === 'string' && x.length > MAX_CLUSTER_NAME_LENGTH
              ? `cluster name has ${x.length} characters: the StatefulSet <name>-fe would leave no room for the controller-revision-hash label (63 characters), and its pods would never be created`
              : `cluster name ${show(x)} is not valid: it prefixes Service and StatefulSet names`,
            `use lower-case letters, digits and '-', starting with a letter, at most ${MAX_CLUSTER_NAME_LENGTH} characters (e.g. kube-starrocks)`,
          ),
      ),
      /** @default - the namespace given to the renderer ('default' when none) */
      namespace: optional(custom<string>((x) => typeof x === 'string' && isDns1123Label(x), (x) => say(`namespace ${show(x)} is not a valid namespace name`, "use lower-case letters, digits and '-' (at most 63)"))),
      /** `TZ` of every container (the chart's `timeZone`). @default 'Asia/Shanghai' */
      timeZone: optional(custom<string>((x) => typeof x === 'string' && x.trim() !== '', (x) => say(`time zone ${show(x)} is not valid`, 'use a tz database name such as Asia/Shanghai or UTC'))),
      /** Annotations of the cluster (kept on the status record and the operator CR). */
      annotations: optional(stringMap()),
      starRocksFeSpec: FE,
      /** @default - no CN */
      starRocksCnSpec: optional(ComponentSpecSchema),
      /** @default - no BE (shared-data clusters use CN) */
      starRocksBeSpec: optional(BE),
      disasterRecovery: optional(DisasterRecoverySpecSchema),
      /**
       * The CRD's `spec.waitForFullRollout` (operator v1.11+): CN and BE are updated only once the FE StatefulSet is fully
       * rolled out (all replicas ready, current revision = update revision). Every route keeps that order: `dr run`'s
       * full apply, the Pulumi component (CN/BE depend on the FE StatefulSet), Argo CD sync waves, Flux `dependsOn`.
       * @default false (CN/BE go ahead once any FE pod is ready)
       */
      waitForFullRollout: later(WaitForFullRolloutSchema),
      /**
       * The StarRocks operator line whose output is rendered (`'1.10'` or `'1.11'`), so a team on an older operator can
       * move without every pod restarting on day one. See lib/render/README.md for what differs.
       * @default '1.11' (the newest)
       */
      operatorVersion: later(OperatorVersionSchema),
      configMaps: optional(extraObjects()),
      secrets: optional(extraObjects()),
    },
    { starRocksFeSpec: say('the FE component is required', 'add starRocksFeSpec with at least an image') },
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const found = operatorFields(dataset.value);
    if (found) addIssue({ message: found.message, path: found.path.map((key) => pathItem(undefined, key)) as [v.IssuePathItem, ...v.IssuePathItem[]] });
  }),
);

interface OperatorFields {
  readonly operatorVersion?: unknown;
  readonly waitForFullRollout?: unknown;
  readonly starRocksFeSpec: ComponentOperatorFields;
  readonly starRocksCnSpec?: ComponentOperatorFields;
  readonly starRocksBeSpec?: ComponentOperatorFields;
}
interface ComponentOperatorFields {
  readonly podManagementPolicy?: unknown;
  readonly minReadySeconds?: unknown;
  readonly persistentVolumeClaimRetentionPolicy?: unknown;
}

/**
 * The first problem of the operator-line fields, in this order: `operatorVersion`, `waitForFullRollout`, then per
 * component its policy, minReadySeconds and PVC retention, each followed by "needs operator v1.11" when the target is
 * v1.10 (values files refuse the same settings earlier, in the chart's words: values/to-spec.ts).
 */
function operatorFields(spec: OperatorFields): { message: string; path: readonly (string | number)[] } | undefined {
  const check = (schema: v.GenericSchema, value: unknown, path: readonly string[]) => {
    if (value === undefined) return undefined;
    const result = v.safeParse(schema, value, { abortEarly: true });
    return result.success ? undefined : { message: result.issues[0].message, path: [...path, ...(result.issues[0].path ?? []).map((p) => p.key as string)] };
  };
  const old = spec.operatorVersion === '1.10';
  const tooNew = (path: readonly string[], what: string) => ({
    message: say(`${what} needs operator v1.11 or later; operator ${OPERATOR_RELEASE['1.10']} does not render it`, "remove it, or set operatorVersion to '1.11'"),
    path,
  });
  const first =
    check(OperatorVersionSchema, spec.operatorVersion, ['operatorVersion']) ??
    check(WaitForFullRolloutSchema, spec.waitForFullRollout, ['waitForFullRollout']) ??
    (old && spec.waitForFullRollout === true ? tooNew(['waitForFullRollout'], 'waitForFullRollout') : undefined);
  if (first) return first;
  for (const key of Object.values(COMPONENT_KEYS)) {
    const c = spec[key];
    if (c === undefined) continue;
    const found =
      check(PodManagementPolicySchema, c.podManagementPolicy, [key, 'podManagementPolicy']) ??
      (old && c.podManagementPolicy === 'OrderedReady' ? tooNew([key, 'podManagementPolicy'], 'podManagementPolicy OrderedReady') : undefined) ??
      check(MinReadySecondsSchema, c.minReadySeconds, [key, 'minReadySeconds']) ??
      (old && typeof c.minReadySeconds === 'number' && c.minReadySeconds > 0 ? tooNew([key, 'minReadySeconds'], 'minReadySeconds') : undefined) ??
      check(PvcRetentionPolicySchema, c.persistentVolumeClaimRetentionPolicy, [key, 'persistentVolumeClaimRetentionPolicy']) ??
      (old && c.persistentVolumeClaimRetentionPolicy !== undefined ? tooNew([key, 'persistentVolumeClaimRetentionPolicy'], 'persistentVolumeClaimRetentionPolicy') : undefined);
    if (found) return found;
  }
  return undefined;
}

/** `list` where the second item with the same name is an error at its `name`. */
function uniqueNames<S extends v.GenericSchema<unknown, readonly { readonly name: string }[]>>(list: S, message: (name: string) => string) {
  return v.pipe(
    list,
    v.rawCheck<v.InferOutput<S>>(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const items: readonly { readonly name: string }[] = dataset.value;
      const seen = new Set<string>();
      for (let i = 0; i < items.length; i++) {
        const name = items[i]!.name;
        if (seen.has(name)) {
          addIssue({ message: message(name), path: [pathItem(items, i), pathItem(items[i], 'name')] });
          return;
        }
        seen.add(name);
      }
    }),
  );
}

/** A step of an issue path that a rawCheck reports (only `key` is read: `schema-kit.ts` firstProblem). */
function pathItem(input: unknown, key: string | number): v.IssuePathItem {
  return { type: 'object', origin: 'value', input: input as Record<string, unknown>, key: key as string, value: undefined };
}

// ---- the types ---------------------------------------------------------------------------------------------------

export type ResourceRequirements = v.InferOutput<typeof ResourceRequirementsSchema>;
export type MountReference = v.InferOutput<typeof MountReferenceSchema>;
export type StorageVolume = v.InferOutput<typeof StorageVolumeSchema>;
export type ServicePort = v.InferOutput<typeof ServicePortSchema>;
export type ServiceSpec = v.InferOutput<typeof ServiceSpecSchema>;
export type PvcRetentionPolicy = v.InferOutput<typeof PvcRetentionPolicySchema>;
export type ComponentSpec = v.InferOutput<typeof ComponentSpecSchema>;
export type DisasterRecoverySpec = v.InferOutput<typeof DisasterRecoverySpecSchema>;
export type ExtraObject = v.InferOutput<typeof ExtraObjectSchema>;
export type StarRocksClusterSpec = v.InferOutput<typeof StarRocksClusterSpecSchema>;
