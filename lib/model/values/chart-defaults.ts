/**
 * The defaults of the kube-starrocks `starrocks` subchart (chart version 1.10.2), as data. Values files are merged
 * over these exactly as Helm merges `-f` files over a chart's `values.yaml`. Written from the chart's documented
 * defaults; only keys that exist in the chart appear here, and the loader treats any other key as a typo.
 *
 * Keys the chart documents but leaves unset (`feEnvVars`, `starrocksCnSpec.replicas`, `resource`) are not here:
 * the schema (`schema.ts`) knows them.
 */

/** A parsed values tree: what YAML gives for a values file. */
export type ValuesNode = string | number | boolean | null | readonly ValuesNode[] | ValuesTree;
export interface ValuesTree {
  readonly [key: string]: ValuesNode;
}

/** The FE config the chart ships. */
export const DEFAULT_FE_CONFIG = [
  'LOG_DIR = ${STARROCKS_HOME}/log',
  'DATE = "$(date +%Y%m%d-%H%M%S)"',
  'JAVA_OPTS="-Dlog4j2.formatMsgNoLookups=true -Xmx8192m -XX:+UseG1GC -Xlog:gc*:${LOG_DIR}/fe.gc.log.$DATE:time"',
  'http_port = 8030',
  'rpc_port = 9020',
  'query_port = 9030',
  'edit_log_port = 9010',
  'mysql_service_nio_enabled = true',
  'sys_log_level = INFO',
  '',
].join('\n');

/** The CN config the chart ships. */
export const DEFAULT_CN_CONFIG = [
  'sys_log_level = INFO',
  '# ports for admin, web, heartbeat service',
  'thrift_port = 9060',
  'webserver_port = 8040',
  'heartbeat_service_port = 9050',
  'brpc_port = 8060',
  '',
].join('\n');

/** The BE config the chart ships. */
export const DEFAULT_BE_CONFIG = [
  'be_port = 9060',
  'webserver_port = 8040',
  'heartbeat_service_port = 9050',
  'brpc_port = 8060',
  'sys_log_level = INFO',
  'default_rowset_type = beta',
  '',
].join('\n');

const service = (): ValuesTree => ({
  type: 'ClusterIP',
  loadbalancerIP: '',
  annotations: {},
  labels: {},
  ports: [],
  loadBalancerSourceRanges: [],
});

/** Keys every component (FE, CN, BE) has with the same default. */
const componentCommon = (): ValuesTree => ({
  imagePullPolicy: 'IfNotPresent',
  entrypoint: {},
  annotations: {},
  runAsNonRoot: false,
  readOnlyRootFilesystem: false,
  capabilities: {},
  sysctls: [],
  service: service(),
  imagePullSecrets: [],
  serviceAccount: '',
  nodeSelector: {},
  podLabels: {},
  hostAliases: [],
  schedulerName: '',
  affinity: {},
  tolerations: [],
  topologySpreadConstraints: [],
  emptyDirs: [],
  hostPaths: [],
  configyaml: {},
  secrets: [],
  configMaps: [],
  terminationGracePeriodSeconds: 120,
  startupProbeFailureSeconds: null,
  livenessProbeFailureSeconds: null,
  readinessProbeFailureSeconds: null,
  lifecycle: {},
  sidecars: [],
  sidecarsMap: {},
  initContainers: [],
  maxUnavailablePods: null,
  shareProcessNamespace: null,
});

const backendStorage = (): ValuesTree => ({
  name: '',
  storageClassName: '',
  storageSize: '1Ti',
  storageCount: 1,
  storageMountPath: '',
  logStorageClassName: '',
  logStorageSize: '20Gi',
  logMountPath: '',
  spillStorageClassName: '',
  spillStorageSize: '0Gi',
  spillMountPath: '',
});

/** The `starrocks` subchart's values.yaml, as data (the umbrella chart nests the same tree under `starrocks:`). */
export const CHART_DEFAULTS: ValuesTree = {
  nameOverride: 'kube-starrocks',
  initPassword: {
    enabled: false,
    isInstall: true,
    password: '',
    passwordSecret: '',
    image: '',
    annotations: {},
    resources: {},
  },
  timeZone: 'Asia/Shanghai',
  datadog: {
    log: { enabled: false, logConfig: '{}' },
    metrics: { enabled: false },
    profiling: { fe: false, be: false, cn: false, env: 'starrocks-default', configMode: 'service' },
  },
  metrics: { serviceMonitor: { enabled: false, labels: {}, interval: '15s' } },
  starrocksCluster: {
    name: '',
    namespace: '',
    annotations: {},
    enabledBe: true,
    enabledCn: false,
    disasterRecovery: null,
    componentValues: {
      image: { tag: '3.3-latest' },
      hostAliases: [],
      runAsNonRoot: false,
      schedulerName: '',
      serviceAccount: '',
      imagePullSecrets: [],
      tolerations: [],
      topologySpreadConstraints: [],
      nodeSelector: {},
      affinity: {},
      podLabels: {},
    },
  },
  starrocksFESpec: {
    ...componentCommon(),
    replicas: 1,
    image: { repository: 'starrocks/fe-ubuntu', tag: '' },
    resources: { requests: { cpu: 4, memory: '4Gi' }, limits: { cpu: 8, memory: '8Gi' } },
    storageSpec: {
      name: '',
      storageClassName: '',
      storageSize: '10Gi',
      storageMountPath: '',
      logStorageClassName: '',
      logStorageSize: '5Gi',
      logMountPath: '',
    },
    config: DEFAULT_FE_CONFIG,
  },
  starrocksCnSpec: {
    ...componentCommon(),
    image: { repository: 'starrocks/cn-ubuntu', tag: '' },
    autoScalingPolicy: {},
    resources: { requests: { cpu: 4, memory: '8Gi' }, limits: { cpu: 8, memory: '8Gi' } },
    storageSpec: backendStorage(),
    config: DEFAULT_CN_CONFIG,
  },
  starrocksBeSpec: {
    ...componentCommon(),
    replicas: 1,
    image: { repository: 'starrocks/be-ubuntu', tag: '' },
    resources: { requests: { cpu: 4, memory: '4Gi' }, limits: { cpu: 8, memory: '8Gi' } },
    storageSpec: backendStorage(),
    config: DEFAULT_BE_CONFIG,
  },
  secrets: [],
  configMaps: [],
  resources: [],
  starrocksFeProxySpec: {
    enabled: false,
    replicas: 1,
    imagePullPolicy: 'IfNotPresent',
    image: { repository: '', tag: '' },
    resources: { requests: { cpu: 1, memory: '2Gi' }, limits: { cpu: 1, memory: '2Gi' } },
    resolver: '',
    service: service(),
    imagePullSecrets: [],
    nodeSelector: {},
    affinity: {},
    tolerations: [],
    livenessProbeFailureSeconds: null,
    readinessProbeFailureSeconds: null,
    emptyDirs: [],
  },
};
