/**
 * The restore form of a cluster for disaster recovery (the operator's `rewriteStatefulSetForDisasterRecovery`,
 * `pkg/subcontrollers/fe/fe_disaster_recovery.go`), as a pure rewrite of the full form:
 * - the FE StatefulSet runs 1 replica; its `fe` container loses the startup and liveness probes, gets a TCP
 *   readiness probe on the query port (initialDelay 5, timeout 1, period 10, success 1, failure 3) and, after its
 *   normal env, `RESTORE_CLUSTER_GENERATION="<generation>"` then `RESTORE_CLUSTER_SNAPSHOT="true"`;
 * - CN and BE objects are left out (the operator pauses their reconcile; we neither create nor delete them);
 * - everything else (config ConfigMaps, the user's ConfigMaps/Secrets with the snapshot file, FE Services) is kept.
 * Fields that would force a StatefulSet replacement (serviceName, selector, podManagementPolicy,
 * volumeClaimTemplates, name) are untouched, so the restore and full forms are one object over time.
 */
import { parseConf } from '../model/conf';
import { fePorts } from '../model/ports';
import { specOperatorVersion } from '../model/operator-version';
import type { StarRocksClusterSpec } from '../model/types';
import { configTextOf } from './component-context';
import type { V1Probe } from '@kubernetes/client-node';
import type { RenderedObject, RenderedStatefulSet } from './kube-object';
import { componentResourceName, configMapName, containerName, searchServiceName, serviceName } from './names';

export const RESTORE_GENERATION_ENV = 'RESTORE_CLUSTER_GENERATION';
export const RESTORE_SNAPSHOT_ENV = 'RESTORE_CLUSTER_SNAPSHOT';

/** The operator's `PortReadyProbe`. */
export function portReadyProbe(port: number): V1Probe {
  return { tcpSocket: { port }, initialDelaySeconds: 5, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
}

/** Rewrite one FE StatefulSet (returns a new object; the input is not changed). */
export function rewriteFeForRestore(sts: RenderedStatefulSet, generation: number, queryPort: number): RenderedStatefulSet {
  const copy = structuredClone(sts);
  copy.spec.replicas = 1;
  const containers = copy.spec.template.spec!.containers;
  const fe = containers.find((c) => c.name === containerName('fe')) ?? containers[0]!;
  delete fe.startupProbe;
  delete fe.livenessProbe;
  fe.readinessProbe = portReadyProbe(queryPort);
  fe.env = [
    ...(fe.env ?? []).filter((e) => e.name !== RESTORE_GENERATION_ENV && e.name !== RESTORE_SNAPSHOT_ENV),
    { name: RESTORE_GENERATION_ENV, value: String(generation) },
    { name: RESTORE_SNAPSHOT_ENV, value: 'true' },
  ];
  return copy;
}

/** `Kind/name` of the objects that belong to CN and BE, which the restore form leaves out. */
function backendObjectKeys(cluster: string): Set<string> {
  const keys = new Set<string>();
  for (const kind of ['cn', 'be'] as const) {
    keys.add(`StatefulSet/${componentResourceName(cluster, kind)}`);
    keys.add(`Service/${serviceName(cluster, kind)}`);
    keys.add(`Service/${searchServiceName(cluster, kind)}`);
    keys.add(`ConfigMap/${configMapName(cluster, kind)}`);
  }
  return keys;
}

/** The restore topology, from the full one rendered for the same spec. */
export function restoreForm(full: readonly RenderedObject[], spec: StarRocksClusterSpec, generation: number): RenderedObject[] {
  const backend = backendObjectKeys(spec.name);
  const feName = componentResourceName(spec.name, 'fe');
  const queryPort = fePorts(parseConf(configTextOf(spec.starRocksFeSpec, 'fe', specOperatorVersion(spec)))).query;
  return full
    .filter((o) => !backend.has(`${o.kind}/${o.metadata.name}`))
    .map((o) => (o.kind === 'StatefulSet' && o.metadata.name === feName ? rewriteFeForRestore(o, generation, queryPort) : o));
}
