/**
 * `s3://bucket/prefix` locations and snapshot paths, as StarRocks lays them out:
 * `<storage volume location>/<cluster id>/meta/image/automated_cluster_snapshot_<unix ms>`
 * (the seed document's STORAGE_PATH; StarRocks ClusterSnapshotUtils.java:24-26 joins the volume's first location,
 * the StarOS service id and `meta/image`, commit 2930cfebf5ee50609a271fe8cd9ad6d8daaba4d9).
 */
import { StarRocksDrError } from '../errors';

export interface S3Location {
  readonly bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket root. */
  readonly prefix: string;
}

/** Folder under a cluster id that holds its snapshots. */
export const IMAGE_DIR = 'meta/image';

/**
 * Automated snapshots are named `automated_cluster_snapshot_<createTime ms>` (StarRocks ClusterSnapshotMgr.java,
 * createNewAutomatedSnapshotJob: AUTOMATED_NAME_PREFIX + '_' + System.currentTimeMillis()).
 */
const SNAPSHOT_NAME_PREFIX = 'automated_cluster_snapshot_';

const NAME_RE = new RegExp(`^${SNAPSHOT_NAME_PREFIX}(\\d{1,16})$`);

/** The snapshot's creation time (unix ms) from its name, or undefined for a name that is not an automated snapshot. */
export function snapshotTimeMs(name: string): number | undefined {
  const m = NAME_RE.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function isSnapshotName(name: string): boolean {
  return snapshotTimeMs(name) !== undefined;
}

/** Parse `s3://bucket[/prefix]`. `field` names the flag or key in errors. */
export function parseS3Location(text: string, field: string): S3Location {
  const m = /^s3:\/\/([^/]+)(\/.*)?$/.exec(text.trim());
  if (!m) {
    throw new StarRocksDrError('InvalidInput', 'must be an s3:// location such as s3://my-bucket/data', {
      field,
      fix: 'pass the storage volume location, the `location` of the storage_volumes entry (s3://<bucket>/<prefix>)',
    });
  }
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '').replace(/\/{2,}/g, '/');
  return { bucket: m[1], prefix };
}

export function formatS3(loc: S3Location, ...parts: string[]): string {
  return `s3://${[loc.bucket, loc.prefix, ...parts].filter((p) => p !== '').join('/')}`;
}

/** `prefix/` with a trailing slash (or '' at the root), for listing. */
export function keyPrefix(prefix: string): string {
  return prefix === '' ? '' : `${prefix}/`;
}

/** The parts of a full snapshot path `s3://bucket/<volume prefix>/<cluster id>/meta/image/<name>`. */
export interface SnapshotPath {
  readonly volume: S3Location;
  readonly clusterId: string;
  readonly name: string;
  readonly path: string;
}

export function snapshotPath(volume: S3Location, clusterId: string, name: string): string {
  return formatS3(volume, clusterId, IMAGE_DIR, name);
}

/** Parse a full snapshot path; undefined when `text` is not one. */
export function parseSnapshotPath(text: string): SnapshotPath | undefined {
  const m = /^s3:\/\/([^/]+)\/(?:(.+)\/)?([^/]+)\/meta\/image\/([^/]+)\/*$/.exec(text.trim());
  if (!m || !isSnapshotName(m[4])) return undefined;
  const volume: S3Location = { bucket: m[1], prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') };
  return { volume, clusterId: m[3], name: m[4], path: snapshotPath(volume, m[3], m[4]) };
}

export function sameLocation(a: S3Location, b: S3Location): boolean {
  return a.bucket === b.bucket && a.prefix === b.prefix;
}
