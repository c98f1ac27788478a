/**
 * The reference cluster, written by hand: examples/starrocks-values.yaml after the kube-starrocks chart's mapping
 * (`charts/starrocks/templates/starrockscluster.yaml`): name kube-starrocks, FE x3, CN x1, no BE, chart defaults
 * (timeZone Asia/Shanghai, imagePullPolicy IfNotPresent, terminationGracePeriodSeconds 120, runAsNonRoot false).
 */
import { ImagePullPolicy, type StarRocksClusterSpec } from '../../lib/model/types';

/** `starrocksFESpec.config` of the reference values, as its `|` block holds it (one trailing newline). */
export const REFERENCE_FE_CONF = [
  'LOG_DIR = ${STARROCKS_HOME}/log',
  'DATE = "$(date +%Y%m%d-%H%M%S)"',
  'JAVA_OPTS="-Dlog4j2.formatMsgNoLookups=true -Xmx8192m -XX:+UseG1GC -Xlog:gc*:${LOG_DIR}/fe.gc.log.$DATE:time -XX:ErrorFile=${LOG_DIR}/hs_err_pid%p.log -Djava.security.policy=${STARROCKS_HOME}/conf/udf_security.policy"',
  'http_port = 8030',
  'rpc_port = 9020',
  'query_port = 9030',
  'edit_log_port = 9010',
  'mysql_service_nio_enabled = true',
  'sys_log_level = INFO',
  'run_mode = shared_data',
  'cloud_native_meta_port = 6090',
  'enable_load_volume_from_conf = true',
  'cloud_native_storage_type = S3',
  'aws_s3_path = xxx',
  'aws_s3_region = xxx',
  'aws_s3_endpoint = xxx',
  'aws_s3_access_key = xxx',
  'aws_s3_secret_key = xxx',
  '# we add this configuration because we want to get cluster snapshot quickly',
  'automated_cluster_snapshot_interval_seconds = 60',
  '',
].join('\n');

export const REFERENCE_CN_CONF = [
  'sys_log_level = INFO',
  '# ports for admin, web, heartbeat service',
  'thrift_port = 9060',
  'webserver_port = 8040',
  'heartbeat_service_port = 9050',
  'brpc_port = 8060',
  '',
].join('\n');

export function referenceSpec(): StarRocksClusterSpec {
  return {
    name: 'kube-starrocks',
    timeZone: 'Asia/Shanghai',
    starRocksFeSpec: {
      image: 'starrocks/fe-ubuntu:3.4.1',
      replicas: 3,
      imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
      envVars: [{ name: 'LOG_CONSOLE', value: '1' }],
      config: REFERENCE_FE_CONF,
      resources: { requests: { cpu: '1m', memory: '20Mi' }, limits: { cpu: '2', memory: '4Gi' } },
      storageVolumes: [
        { name: 'fe-storage-meta', storageSize: '10Gi', mountPath: '/opt/starrocks/fe/meta' },
        { name: 'fe-storage-log', storageSize: '1Gi', mountPath: '/opt/starrocks/fe/log' },
      ],
      terminationGracePeriodSeconds: 120,
      runAsNonRoot: false,
    },
    starRocksCnSpec: {
      image: 'starrocks/cn-ubuntu:3.4.1',
      replicas: 1,
      imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
      config: REFERENCE_CN_CONF,
      resources: { requests: { cpu: '1m', memory: '10Mi' }, limits: { cpu: '8', memory: '8Gi' } },
      storageVolumes: [
        { name: 'cn-data', storageSize: '10Gi', mountPath: '/opt/starrocks/cn/storage' },
        { name: 'cn-log', storageSize: '1Gi', mountPath: '/opt/starrocks/cn/log' },
        // the chart always adds the spill volume; its default size 0Gi makes the operator skip it
        { name: 'cn-spill', storageSize: '0Gi', mountPath: '/opt/starrocks/cn/spill' },
      ],
      terminationGracePeriodSeconds: 120,
      runAsNonRoot: false,
    },
  };
}

/** The reference cluster with ports moved in the config files. */
export function movedPortsSpec(): StarRocksClusterSpec {
  const ref = referenceSpec();
  return {
    ...ref,
    starRocksFeSpec: {
      ...ref.starRocksFeSpec,
      config: REFERENCE_FE_CONF.replace('query_port = 9030', 'query_port = 9035').replace('http_port = 8030', 'http_port = 8031'),
    },
    starRocksCnSpec: {
      ...ref.starRocksCnSpec!,
      config: REFERENCE_CN_CONF.replace('webserver_port = 8040', 'webserver_port = 8041').replace(
        'heartbeat_service_port = 9050',
        'heartbeat_service_port = 9051',
      ),
    },
  };
}
