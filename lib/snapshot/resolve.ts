/**
 * The entry points the other routes call: resolve `--snapshot <path|name|latest>` against the store once, and put
 * the resolved path into the spec's cluster_snapshot.yaml. Callers pin the returned `path` (the status record, the
 * Pulumi state) and pass that path on later runs, never `latest` again.
 */
import { parseDocument } from '../yaml';
import { StarRocksDrError } from '../errors';
import { findSnapshotSource, SNAPSHOT_FILE, snapshotTextFromSpec } from '../dr/snapshot';
import type { StarRocksClusterSpec } from '../model/types';
import { chooseSnapshot, type ResolvedSnapshot, type SnapshotChoice, type WarningOptions } from './discover';
import { S3Lister, type ListingOptions, type ObjectLister } from './s3';
import { accessFromProperties, volumeFromSnapshotFile, type S3Access, type StorageVolumeEntry } from './storage-volume';

/** How to reach the store (`S3Access` without its location). */
export type S3Credentials = Omit<S3Access, 'location'>;

export interface SnapshotChoiceArgs extends WarningOptions {
  /** `latest`, a name (`automated_cluster_snapshot_<ms>`) or a full `s3://` snapshot path. */
  readonly choice: SnapshotChoice;
  /** Which cluster's snapshots, when the location holds several. @default - the only one */
  readonly clusterId?: string;
  /** The storage volume location, `s3://bucket/prefix`. */
  readonly location: string;
  readonly credentials: S3Credentials;
  readonly listing?: ListingOptions;
  /** For tests and callers that already hold a lister. @default - an S3Lister for `credentials` */
  readonly lister?: ObjectLister;
}

/**
 * Resolve a snapshot choice to one finished snapshot: `{path, name, time, timeMs, clusterId, warnings}`.
 * Errors are StarRocksDrError (exit 2 for input, 4 for an unreachable endpoint); warnings are sentences to print.
 */
export async function resolveSnapshotChoice(args: SnapshotChoiceArgs): Promise<ResolvedSnapshot> {
  const own = args.lister ? undefined : new S3Lister({ ...args.credentials, location: args.location }, args.listing);
  try {
    return await chooseSnapshot(args.lister ?? own!, args);
  } finally {
    own?.close();
  }
}

/** `cluster_snapshot.yaml` text with its `cluster_snapshot.cluster_snapshot_path` set to `path` (comments kept). */
export function withSnapshotPathText(text: string, path: string, where = SNAPSHOT_FILE): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !doc.has('cluster_snapshot')) {
    throw new StarRocksDrError('InvalidSnapshot', 'has no cluster_snapshot section to put the snapshot path in', {
      field: where,
      fix: 'add cluster_snapshot: with storage_volume_name (see examples/override.yaml)',
    });
  }
  doc.setIn(['cluster_snapshot', 'cluster_snapshot_path'], path);
  return doc.toString();
}

/**
 * `spec` with the cluster_snapshot.yaml it creates (in a ConfigMap or Secret of the values) pointing at `path`.
 * Pure. Fails when the spec mounts the file from an object it does not create (that object lives in the cluster).
 */
export function withSnapshotPath(spec: StarRocksClusterSpec, path: string): StarRocksClusterSpec {
  const source = findSnapshotSource(spec);
  const text = source && snapshotTextFromSpec(spec, source);
  if (!source || text === undefined) {
    throw new StarRocksDrError('InvalidSnapshot', source ? `${source.kind} ${source.name} is not created by the values, so its ${SNAPSHOT_FILE} cannot be changed here` : `${SNAPSHOT_FILE} is not mounted`, {
      field: source ? source.field : 'starRocksFeSpec.configMaps',
      fix: source
        ? `write the file with \`starrocks-dr snapshot file\` and apply it, or add the ${source.kind} to the values (configMaps/secrets) so --snapshot can fill it`
        : 'mount cluster_snapshot.yaml into the FE (see examples/override.yaml)',
    });
  }
  const where = `${source.kind}/${source.name} key ${source.key}`;
  const replace = <T extends { name: string; data: Readonly<Record<string, string>> }>(objects: readonly T[] | undefined): T[] | undefined =>
    objects?.map((o) => (o.name === source.name ? { ...o, data: { ...o.data, [source.key]: withSnapshotPathText(text, path, where) } } : o));
  return source.kind === 'ConfigMap' ? { ...spec, configMaps: replace(spec.configMaps) } : { ...spec, secrets: replace(spec.secrets) };
}

/** The storage volume the spec's cluster_snapshot.yaml names, when the spec creates the file; `where` names it. */
export function snapshotVolumeOfSpec(spec: StarRocksClusterSpec, storageVolume?: string): { entry: StorageVolumeEntry; where: string } | undefined {
  const source = findSnapshotSource(spec);
  const text = source && snapshotTextFromSpec(spec, source);
  if (!source || text === undefined) return undefined;
  const where = `${source.kind}/${source.name} key ${source.key}`;
  return { entry: volumeFromSnapshotFile(text, where, storageVolume), where };
}

/** Location and S3 access of the storage volume in the spec's cluster_snapshot.yaml (undefined when not in the spec). */
export function accessFromSpec(spec: StarRocksClusterSpec, storageVolume?: string): S3Access | undefined {
  const v = snapshotVolumeOfSpec(spec, storageVolume);
  return v && accessFromProperties(v.entry.location, v.entry.properties, `${v.where} (storage volume ${v.entry.name})`);
}
