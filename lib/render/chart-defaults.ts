/**
 * Defaults of the kube-starrocks chart (`charts/starrocks/values.yaml`, chart of operator v1.10.2) that the renderer
 * applies when the spec leaves a field out, so the output equals `helm install` with default values.
 */
import type { ComponentKind } from '../model/types';

/** `timeZone`. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** `starrocks<Component>Spec.config`, exactly as the values file holds it (block scalar, so one trailing newline). */
export const DEFAULT_CONFIG: Readonly<Record<ComponentKind, string>> = {
  fe: [
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
  ].join('\n'),
  cn: [
    'sys_log_level = INFO',
    '# ports for admin, web, heartbeat service',
    'thrift_port = 9060',
    'webserver_port = 8040',
    'heartbeat_service_port = 9050',
    'brpc_port = 8060',
    '',
  ].join('\n'),
  be: [
    'be_port = 9060',
    'webserver_port = 8040',
    'heartbeat_service_port = 9050',
    'brpc_port = 8060',
    'sys_log_level = INFO',
    'default_rowset_type = beta',
    '',
  ].join('\n'),
};

/** `terminationGracePeriodSeconds` (chart and operator agree). */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 120;
