/**
 * The typed model of a StarRocks shared-data cluster.
 *
 * Field names follow the StarRocksCluster custom resource (`starrocks.com/v1`, operator v1.11.x; `operatorVersion`
 * picks the operator line whose output is rendered):
 * `starRocksFeSpec`, `starRocksCnSpec`, `starRocksBeSpec`, `disasterRecovery`, and inside a component the
 * operator's `StarRocksComponentSpec` names (`replicas`, `image`, `storageVolumes`, `configMaps`, ...).
 *
 * Two deliberate differences from the CRD, because there is no Helm chart in this route:
 * - a component carries its config file text (`config`, the chart's `starrocksFESpec.config`) instead of a
 *   `configMapInfo` reference; the renderer writes the `<cluster>-fe-cm` ConfigMap the chart would write.
 * - the chart's top-level `configMaps` / `secrets` (objects the chart creates) live on the cluster as
 *   `configMaps` / `secrets`, and the chart's `timeZone` as `timeZone`.
 *
 * Everything is plain data (no classes), so a spec can be written by hand, loaded from Helm values files,
 * serialized into Pulumi state and compared with `===` after `JSON.stringify`.
 */
import type {
  V1Affinity,
  V1Capabilities,
  V1Container,
  V1EnvVar,
  V1HostAlias,
  V1HostPathVolumeSource,
  V1Lifecycle,
  V1LocalObjectReference,
  V1Sysctl,
  V1Toleration,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
import type { OperatorVersion } from './operator-version';

export type { OperatorVersion } from './operator-version';

/** The three StarRocks components this product renders. */
export type ComponentKind = 'fe' | 'cn' | 'be';

/** CPU / memory requests and limits, as Kubernetes quantities (`"2"`, `"4Gi"`, `"1m"`). */
export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

/** A ConfigMap or Secret mounted into a component (the CRD's `ConfigMapReference` / `SecretReference`). */
export interface MountReference {
  /** Name of the ConfigMap or Secret. */
  readonly name: string;
  /** Where it is mounted in the container. */
  readonly mountPath: string;
  /**
   * Mount one key as a single file at `mountPath`.
   * @default - the whole object is mounted as a directory
   */
  readonly subPath?: string;
}

/** One persistent (or host path) volume of a component: the CRD's `StorageVolume`. */
export interface StorageVolume {
  /** Volume name; also the PVC template name, so PVCs are `<name>-<cluster>-<component>-<ordinal>`. */
  readonly name: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Size of the claim, e.g. `10Gi`. */
  readonly storageSize?: string;
  /** Use a host path instead of a claim. */
  readonly hostPath?: V1HostPathVolumeSource;
  /** Where the volume is mounted. */
  readonly mountPath: string;
  readonly subPath?: string;
}

/** One port of a component's Service (the CRD's `StarRocksServicePort`). */
export interface ServicePort {
  /** Port name; matched with the container port of the same name when `containerPort` is not given. */
  readonly name?: string;
  /** @default - the container port */
  readonly port?: number;
  /** The container port this Service port targets. */
  readonly containerPort?: number;
  /** Fixed node port (30000-32767) for `NodePort` / `LoadBalancer` Services. */
  readonly nodePort?: number;
}

/** The component's external Service. */
export interface ServiceSpec {
  /** @default ServiceType.CLUSTER_IP */
  readonly type?: ServiceType;
  readonly loadBalancerIP?: string;
  readonly loadBalancerSourceRanges?: readonly string[];
  readonly ports?: readonly ServicePort[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

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

/** StatefulSet `podManagementPolicy` values (the Kubernetes strings). */
export type PodManagementPolicy = 'OrderedReady' | 'Parallel';

/** What happens to a StatefulSet's PVCs (the Kubernetes strings). */
export type PvcRetention = 'Retain' | 'Delete';

/** The StatefulSet's `persistentVolumeClaimRetentionPolicy` (operator v1.11+). */
export interface PvcRetentionPolicy {
  /**
   * Delete the PVCs when the StatefulSet is deleted. On the FE this deletes the cluster metadata with it.
   * @default 'Retain' (the API server's default)
   */
  readonly whenDeleted?: PvcRetention;
  /**
   * Delete the PVCs of pods removed by a scale-down. The operator keeps it for CN only (FE/BE drop it).
   * @default 'Retain'
   */
  readonly whenScaled?: PvcRetention;
}

/** What FE, CN and BE share: the operator's `StarRocksComponentSpec` plus the config text. */
export interface ComponentSpec {
  /** Full image reference, `repository:tag`. */
  readonly image: string;
  /**
   * @default 1 (operator v1.11: the CRD defaults every component to 1; operator v1.10: FE/BE 1, CN left to
   * Kubernetes, which also runs 1)
   */
  readonly replicas?: number;
  /** @default ImagePullPolicy.IF_NOT_PRESENT */
  readonly imagePullPolicy?: ImagePullPolicy;
  readonly imagePullSecrets?: readonly V1LocalObjectReference[];
  readonly resources?: ResourceRequirements;
  /**
   * The component's config file (fe.conf, cn.conf or be.conf) as text. Ports and `run_mode` in it change
   * what is rendered.
   * @default - the chart's default config for the component
   */
  readonly config?: string;
  /** Environment variables: after the chart's `TZ` and before the ones the operator adds (`pod/spec.go` copies the spec's env first). */
  readonly envVars?: readonly V1EnvVar[];
  /** Persistent volumes (meta/data and log) and host paths. */
  readonly storageVolumes?: readonly StorageVolume[];
  /** ConfigMaps mounted into the component, e.g. `cluster_snapshot.yaml` for disaster recovery. */
  readonly configMaps?: readonly MountReference[];
  /** Secrets mounted into the component. */
  readonly secrets?: readonly MountReference[];
  readonly service?: ServiceSpec;
  /** Pod annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Extra pod labels. */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly V1Toleration[];
  readonly affinity?: V1Affinity;
  readonly topologySpreadConstraints?: readonly V1TopologySpreadConstraint[];
  readonly hostAliases?: readonly V1HostAlias[];
  readonly schedulerName?: string;
  readonly serviceAccount?: string;
  /** @default 120 */
  readonly terminationGracePeriodSeconds?: number;
  /** Seconds the startup probe may fail before the container is restarted. @default 300 */
  readonly startupProbeFailureSeconds?: number;
  /** @default 15 */
  readonly livenessProbeFailureSeconds?: number;
  /** @default 15 */
  readonly readinessProbeFailureSeconds?: number;
  readonly lifecycle?: V1Lifecycle;
  readonly sidecars?: readonly V1Container[];
  readonly initContainers?: readonly V1Container[];
  /** Replaces the image's entrypoint command. */
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /** @default false */
  readonly runAsNonRoot?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly capabilities?: V1Capabilities;
  readonly sysctls?: readonly V1Sysctl[];
  readonly shareProcessNamespace?: boolean;
  /** `updateStrategy.rollingUpdate.maxUnavailable` of the StatefulSet. */
  readonly maxUnavailablePods?: number | string;
  /**
   * The StatefulSet's `podManagementPolicy` (operator v1.11+). Kubernetes does not allow changing it on an existing
   * StatefulSet: the StatefulSet has to be deleted (orphaning its pods) and applied again.
   * @default 'Parallel'
   */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * The StatefulSet's `minReadySeconds`, written only when above 0 (operator v1.11+). Takes effect on rollouts
   * with `podManagementPolicy: OrderedReady`.
   * @default 0
   */
  readonly minReadySeconds?: number;
  /** The StatefulSet's PVC retention policy (operator v1.11+). @default - none (Kubernetes retains the PVCs) */
  readonly persistentVolumeClaimRetentionPolicy?: PvcRetentionPolicy;
}

/** Disaster recovery request: the CRD's `spec.disasterRecovery`. */
export interface DisasterRecoverySpec {
  readonly enabled: boolean;
  /** Monotonically increasing; raise it to run a new recovery. */
  readonly generation: number;
}

/** A ConfigMap or Secret the cluster creates (the chart's top-level `configMaps` / `secrets`). */
export interface ExtraObject {
  readonly name: string;
  /** Keys and their text values. For Secrets these are plain text; the renderer base64-encodes them. */
  readonly data: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The whole cluster. */
export interface StarRocksClusterSpec {
  /** Cluster name; prefixes every object (`<name>-fe`, ...). @default 'kube-starrocks' */
  readonly name: string;
  /** @default - the namespace given to the renderer ('default' when none) */
  readonly namespace?: string;
  /** `TZ` of every container (the chart's `timeZone`). @default 'Asia/Shanghai' */
  readonly timeZone?: string;
  /** Annotations of the cluster (kept on the status record and the operator CR). */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly starRocksFeSpec: ComponentSpec;
  /** @default - no CN */
  readonly starRocksCnSpec?: ComponentSpec;
  /** @default - no BE (shared-data clusters use CN) */
  readonly starRocksBeSpec?: ComponentSpec;
  readonly disasterRecovery?: DisasterRecoverySpec;
  /**
   * The CRD's `spec.waitForFullRollout` (operator v1.11+): CN and BE are updated only once the FE StatefulSet is fully
   * rolled out (all replicas ready, current revision = update revision). Every route keeps that order: `dr run`'s
   * full apply, the Pulumi component (CN/BE depend on the FE StatefulSet), Argo CD sync waves, Flux `dependsOn`.
   * @default false (CN/BE go ahead once any FE pod is ready)
   */
  readonly waitForFullRollout?: boolean;
  /**
   * The StarRocks operator line whose output is rendered (`'1.10'` or `'1.11'`), so a team on an older operator can
   * move without every pod restarting on day one. See lib/render/README.md for what differs.
   * @default '1.11' (the newest)
   */
  readonly operatorVersion?: OperatorVersion;
  readonly configMaps?: readonly ExtraObject[];
  readonly secrets?: readonly ExtraObject[];
}

/** Which form of the cluster to render. */
export type DrPhaseForm = 'full' | 'restore';
