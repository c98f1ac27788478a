/**
 * What a finished restore should look like, from the spec and the live pods: the storage volumes cluster_snapshot.yaml
 * lists (their locations), the snapshot it restores, and the hosts the current CN/BE pods register as. Pure.
 *
 * Hosts: the operator's pods run with `HOST_TYPE=FQDN`, so a CN registers as `<pod>.<service>.<namespace>.svc.<domain>`
 * (its StatefulSet's headless Service is the pod's subdomain); its IP and hostname are accepted too.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { parseDocument } from '../yaml';
import { findSnapshotSource, parseClusterSnapshot, snapshotTextFromSpec } from '../dr/snapshot';
import type { StarRocksClusterSpec } from '../model/types';
import type { ExpectedVolume, NodeExpectations, RestoreExpectations } from './verify';

export interface SnapshotExpectations extends RestoreExpectations {
  /** The snapshot's name (the last part of cluster_snapshot_path), when the values hold the file. */
  readonly restoredSnapshot?: string;
  /** Why there is nothing to compare with (the file lives in the cluster, not in the values). */
  readonly unknown?: string;
}

/** Every `storage_volumes` entry (name, location) of a cluster_snapshot.yaml text; [] when it lists none. */
export function volumesOf(text: string): ExpectedVolume[] {
  const root = (parseDocument(text).toJS() ?? {}) as { storage_volumes?: unknown };
  const list = Array.isArray(root.storage_volumes) ? (root.storage_volumes as Array<Record<string, unknown>>) : [];
  return list.filter((v) => v && typeof v.name === 'string' && typeof v.location === 'string').map((v) => ({ name: v.name as string, location: v.location as string }));
}

/** The snapshot name in a cluster_snapshot_path (`.../meta/image/<name>`). */
export function snapshotNameOf(path: string): string {
  return path.replace(/\/+$/, '').split('/').pop() ?? path;
}

/** What the restore should show, from the values' cluster_snapshot.yaml, or its text as read from the cluster. */
export function snapshotExpectations(spec: StarRocksClusterSpec, textFromCluster?: string): SnapshotExpectations {
  const source = findSnapshotSource(spec);
  const text = textFromCluster ?? (source && snapshotTextFromSpec(spec, source));
  if (!source || text === undefined) {
    return { storageVolumes: [], unknown: source ? `${source.kind} ${source.name} is not in the values` : 'cluster_snapshot.yaml is not mounted' };
  }
  const where = `${source.kind}/${source.name} key ${source.key}`;
  const parsed = parseClusterSnapshot(text, where);
  return { storageVolumes: volumesOf(text), restoredSnapshot: snapshotNameOf(parsed.clusterSnapshotPath) };
}

/** The names a pod may be registered under. */
export function podHosts(pod: V1Pod): { name: string; hosts: string[] } {
  const name = pod.metadata?.name ?? '';
  const ns = pod.metadata?.namespace ?? 'default';
  const hostname = pod.spec?.hostname ?? name;
  const hosts = [hostname];
  if (pod.spec?.subdomain) hosts.push(`${hostname}.${pod.spec.subdomain}.${ns}.svc.cluster.local`, `${hostname}.${pod.spec.subdomain}.${ns}.svc`);
  for (const ip of pod.status?.podIPs ?? (pod.status?.podIP ? [{ ip: pod.status.podIP }] : [])) if (ip.ip) hosts.push(ip.ip);
  return { name, hosts };
}

/** CN or BE expectations from the StatefulSet's replicas and its current pods (terminating ones left out). */
export function nodeExpectations(replicas: number, pods: readonly V1Pod[]): NodeExpectations {
  return { replicas, pods: pods.filter((p) => !p.metadata?.deletionTimestamp).map(podHosts) };
}
