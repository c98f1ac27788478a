/**
 * Checks made before a disaster recovery touches a cluster. The operator skips DR silently when `run_mode` is not
 * `shared_data` and only looks for a mount; we refuse with one error that says what to change.
 */
import { StarRocksDrError } from '../errors';
import { isSharedData, parseConf } from '../model/conf';
import type { StarRocksClusterSpec } from '../model/types';
import {
  carriesCredentials,
  findSnapshotSource,
  parseClusterSnapshot,
  snapshotTextFromSpec,
  type ClusterSnapshot,
  type SnapshotSource,
} from './snapshot';

/** The first StarRocks version that restores from a cluster snapshot. */
export const MIN_DR_VERSION = [3, 4, 1] as const;

export interface PreflightResult {
  readonly generation: number;
  readonly source: SnapshotSource;
  /** The checked snapshot file, when its text was available (in the spec, or read from the cluster). */
  readonly snapshot?: ClusterSnapshot;
  /** Things worth saying that do not stop the recovery. */
  readonly warnings: readonly string[];
}

function invalid(field: string, problem: string, fix: string): never {
  throw new StarRocksDrError('InvalidInput', problem, { field, fix });
}

/** The version in an image tag (`3.4.1`, `3.4.1-ubuntu`, `3.4-latest`), or undefined for `latest`, digests, ... */
export function imageVersion(image: string): number[] | undefined {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  if (colon < 0 || ref.slice(colon).includes('/')) return undefined;
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(ref.slice(colon + 1));
  return m ? [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])] : undefined;
}

function olderThan(version: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) {
    if (version[i] !== min[i]) return version[i] < min[i];
  }
  return false;
}

/**
 * Check that `spec` asks for a recovery this product can run.
 * `snapshotText` is the file's content when it comes from the cluster rather than the spec.
 */
export function preflight(spec: StarRocksClusterSpec, snapshotText?: string): PreflightResult {
  const dr = spec.disasterRecovery;
  if (!dr || !dr.enabled) {
    invalid('disasterRecovery.enabled', 'disaster recovery is not enabled', 'set disasterRecovery.enabled: true and a generation');
  }
  const generation = dr!.generation;
  if (!Number.isSafeInteger(generation) || generation < 1) {
    invalid('disasterRecovery.generation', `must be a positive integer, got ${JSON.stringify(generation)}`, 'set generation to 1 for the first recovery and raise it by one for each new one');
  }
  const fe = spec.starRocksFeSpec;
  if (!isSharedData(parseConf(fe.config))) {
    invalid(
      'starRocksFeSpec.config (run_mode)',
      'disaster recovery from a cluster snapshot needs a shared-data cluster, but fe.conf does not set run_mode = shared_data',
      'add `run_mode = shared_data` to the FE config (starrocksFESpec.config in values files)',
    );
  }
  const version = imageVersion(fe.image);
  const warnings: string[] = [];
  if (version === undefined) {
    warnings.push(`cannot read a version from FE image ${fe.image}; restoring from a cluster snapshot needs StarRocks ${MIN_DR_VERSION.join('.')} or later`);
  } else if (olderThan(version, MIN_DR_VERSION)) {
    invalid('starRocksFeSpec.image', `${fe.image} is older than StarRocks ${MIN_DR_VERSION.join('.')}, which cannot restore from a cluster snapshot`, `use an image tag of ${MIN_DR_VERSION.join('.')} or later`);
  }
  const meta = (fe.storageVolumes ?? []).find((v) => v.mountPath.replace(/\/+$/, '') === '/opt/starrocks/fe/meta');
  if (!meta || meta.hostPath) {
    // A restored FE that restarts without its metadata starts a new, empty cluster (operator PR #745).
    invalid(
      'starRocksFeSpec.storageVolumes (FE meta)',
      'FE metadata is not on a PersistentVolumeClaim, so a FE restart after the recovery would start an empty cluster',
      'set starrocksFESpec.storageSpec.name (values files) or a storage volume mounted at /opt/starrocks/fe/meta',
    );
  }
  const source = findSnapshotSource(spec);
  if (!source) {
    invalid(
      'starRocksFeSpec.configMaps',
      'cluster_snapshot.yaml is not mounted',
      'mount it: add {name: <ConfigMap or Secret>, mountPath: /opt/starrocks/fe/conf/cluster_snapshot.yaml, subPath: cluster_snapshot.yaml} to starrocksFESpec.configMaps or .secrets',
    );
  }
  const text = snapshotText ?? snapshotTextFromSpec(spec, source!);
  let snapshot: ClusterSnapshot | undefined;
  if (text !== undefined) {
    snapshot = parseClusterSnapshot(text, `${source!.kind}/${source!.name} key ${source!.key}`);
    if (source!.kind === 'ConfigMap' && carriesCredentials(snapshot)) {
      warnings.push(`${source!.kind}/${source!.name} holds S3 keys in plain text; mount cluster_snapshot.yaml from a Secret instead (starrocksFESpec.secrets)`);
    }
  }
  return { generation, source: source!, snapshot, warnings };
}
