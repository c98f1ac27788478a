/**
 * Finding the cluster snapshots under a storage volume location and choosing one. The store is reached through an
 * ObjectLister; time is injected, so the warnings are testable.
 *
 * Only `<location>/` (folders, one level) and each `<location>/<folder>/meta/image/` are listed, never the volume's
 * data files, so a volume with millions of objects costs a few requests.
 */
import { StarRocksDrError } from '../errors';
import { snapshotFolders, type SnapshotFolder } from './layout';
import { formatS3, IMAGE_DIR, keyPrefix, parseS3Location, parseSnapshotPath, sameLocation, snapshotPath, snapshotTimeMs, type S3Location } from './location';
import type { ObjectLister } from './s3';

export interface ClusterSnapshot {
  readonly name: string;
  readonly timeMs: number;
  /** ISO 8601 of `timeMs`. */
  readonly time: string;
  /** Full path, the `cluster_snapshot_path` the FE takes. */
  readonly path: string;
  readonly clusterId: string;
  /** False for a folder StarRocks has not finished writing (never chosen). */
  readonly complete: boolean;
  readonly missing: readonly string[];
  /** Newest LastModified of its objects (unix ms), when the store reported it. */
  readonly lastModifiedMs?: number;
}

export interface Discovery {
  readonly location: string;
  /** Every cluster id under the location that has snapshot folders, sorted. */
  readonly clusterIds: readonly string[];
  /** Snapshot folders of every cluster id, newest first. */
  readonly snapshots: readonly ClusterSnapshot[];
}

export interface WarningOptions {
  /** Now, unix ms. @default Date.now() */
  readonly now?: number;
  /** A snapshot younger than this may come from a cluster that is still running. @default 5 minutes */
  readonly freshMs?: number;
  /** A chosen snapshot older than this is a warning. @default 24 hours */
  readonly maxAgeMs?: number;
}

export const DEFAULT_FRESH_MS = 5 * 60_000;
export const DEFAULT_MAX_AGE_MS = 24 * 3_600_000;

function toSnapshot(volume: S3Location, clusterId: string, f: SnapshotFolder): ClusterSnapshot {
  return {
    name: f.name,
    timeMs: f.timeMs,
    time: new Date(f.timeMs).toISOString(),
    path: snapshotPath(volume, clusterId, f.name),
    clusterId,
    complete: f.complete,
    missing: f.missing,
    ...(f.lastModifiedMs === undefined ? {} : { lastModifiedMs: f.lastModifiedMs }),
  };
}

const newestFirst = (a: ClusterSnapshot, b: ClusterSnapshot) => b.timeMs - a.timeMs || (a.path < b.path ? 1 : -1);

/** Snapshot folders of one cluster id. */
async function clusterSnapshots(lister: ObjectLister, volume: S3Location, clusterId: string): Promise<ClusterSnapshot[]> {
  const objects = await lister.listObjects(volume.bucket, `${keyPrefix(volume.prefix)}${clusterId}/${IMAGE_DIR}/`);
  return snapshotFolders(objects).map((f) => toSnapshot(volume, clusterId, f));
}

/** All snapshot folders under `location` (an `s3://bucket/prefix` storage volume location), newest first. */
export async function discoverSnapshots(lister: ObjectLister, location: string, clusterId?: string): Promise<Discovery> {
  const volume = parseS3Location(location, '--location');
  const ids = clusterId ? [clusterId] : await lister.listFolders(volume.bucket, keyPrefix(volume.prefix));
  const found: ClusterSnapshot[] = [];
  for (const id of ids) found.push(...(await clusterSnapshots(lister, volume, id)));
  // A --cluster-id that has nothing here: look at the others, so the error can name them.
  if (clusterId && found.length === 0) return discoverSnapshots(lister, location);
  return {
    location: formatS3(volume),
    clusterIds: [...new Set(found.map((s) => s.clusterId))].sort(),
    snapshots: found.sort(newestFirst),
  };
}

/** Where discovery looked, for errors. */
function lookedAt(location: string, clusterId?: string): string {
  return `${location.replace(/\/+$/, '')}/${clusterId ?? '<cluster id>'}/${IMAGE_DIR}/automated_cluster_snapshot_<unix ms>/`;
}

/** The snapshots of one cluster: `clusterId`, else the only one under the location. Errors list the choices. */
export function ofOneCluster(d: Discovery, clusterId?: string): { clusterId: string; snapshots: ClusterSnapshot[] } {
  if (clusterId === undefined && d.clusterIds.length > 1) {
    const newest = (id: string) => d.snapshots.find((s) => s.clusterId === id)!;
    throw new StarRocksDrError('InvalidInput', `snapshots of ${d.clusterIds.length} clusters found: ${d.clusterIds.map((id) => `${id} (newest ${newest(id).name}, ${newest(id).time})`).join('; ')}`, {
      field: d.location,
      fix: 'pick the cluster to restore with --cluster-id <id> (the id in STORAGE_PATH of INFORMATION_SCHEMA.CLUSTER_SNAPSHOTS)',
    });
  }
  const id = clusterId ?? d.clusterIds[0];
  const snapshots = d.snapshots.filter((s) => s.clusterId === id);
  if (id === undefined || snapshots.length === 0) {
    throw new StarRocksDrError('InvalidInput', `no cluster snapshot found under ${lookedAt(d.location, clusterId)}`, {
      field: d.location,
      fix: clusterId
        ? `check --cluster-id (ids found here: ${d.clusterIds.join(', ') || 'none'}) and --location`
        : 'check --location: it is the storage volume location (s3://<bucket>/<prefix>, without the cluster id), and automated snapshots must be on (ADMIN SET AUTOMATED CLUSTER SNAPSHOT ON)',
    });
  }
  return { clusterId: id, snapshots };
}

/** Loud warnings about restoring `chosen`, given the other snapshots of its cluster. */
export function snapshotWarnings(chosen: ClusterSnapshot, all: readonly ClusterSnapshot[], opts: WarningOptions = {}): string[] {
  const now = opts.now ?? Date.now();
  const fresh = opts.freshMs ?? DEFAULT_FRESH_MS;
  const maxAge = opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const warnings: string[] = [];
  // The last write into a snapshot folder counts too: an upload can finish well after the name's creation time.
  const lastWrite = (s: ClusterSnapshot) => Math.max(s.timeMs, s.lastModifiedMs ?? 0);
  const newest = all.reduce<ClusterSnapshot | undefined>((n, s) => (n === undefined || lastWrite(s) > lastWrite(n) ? s : n), undefined);
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
  const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 10) / 10} h`;
  const span = (ms: number) => (ms < 3_600_000 ? minutes(ms) : hours(ms));
  const running = 'two clusters writing one storage volume corrupt it: stop the source cluster (or make sure it is gone) before restoring';
  if (newest && now - lastWrite(newest) < fresh) {
    warnings.push(`the newest snapshot of cluster ${chosen.clusterId} (${newest.name}) was written ${minutes(Math.max(0, now - lastWrite(newest)))} ago: the source cluster may still be running; ${running}`);
  }
  const unfinished = all.filter((s) => !s.complete && s.timeMs > chosen.timeMs);
  if (unfinished.length > 0) {
    warnings.push(`${unfinished.length} unfinished snapshot folder(s) newer than ${chosen.name} (newest ${unfinished[0].name}, missing ${unfinished[0].missing.join(', ')}): the source cluster was writing a snapshot and may still be running; ${running}`);
  }
  if (now - chosen.timeMs > maxAge) {
    warnings.push(`${chosen.name} is ${span(now - chosen.timeMs)} old (older than ${span(maxAge)}, --max-age): data written after ${chosen.time} is not in it`);
  }
  return warnings;
}

/** A choice: a full `s3://` path, a snapshot name, or the newest finished snapshot. */
export type SnapshotChoice = string | 'latest';

export interface ResolvedSnapshot {
  readonly path: string;
  readonly name: string;
  /** ISO 8601. */
  readonly time: string;
  readonly timeMs: number;
  readonly clusterId: string;
  readonly warnings: readonly string[];
}

/** Resolve `choice` against what the store holds. Never picks an unfinished snapshot. */
export async function chooseSnapshot(
  lister: ObjectLister,
  args: { readonly choice: SnapshotChoice; readonly clusterId?: string; readonly location: string } & WarningOptions,
): Promise<ResolvedSnapshot> {
  const { choice } = args;
  const volume = parseS3Location(args.location, '--location');
  const asPath = choice.startsWith('s3://') ? parseSnapshotPath(choice) : undefined;
  if (choice.startsWith('s3://') && !asPath) {
    throw new StarRocksDrError('InvalidInput', 'is not a snapshot path', {
      field: '--snapshot',
      fix: 'pass s3://<bucket>/<prefix>/<cluster id>/meta/image/automated_cluster_snapshot_<unix ms>, a snapshot name, or latest',
    });
  }
  if (choice !== 'latest' && !asPath && snapshotTimeMs(choice) === undefined) {
    throw new StarRocksDrError('InvalidInput', `${JSON.stringify(choice)} is not a snapshot name`, {
      field: '--snapshot',
      fix: 'pass latest, a name such as automated_cluster_snapshot_1739864488333, or a full s3:// snapshot path',
    });
  }
  if (asPath && args.clusterId && asPath.clusterId !== args.clusterId) {
    throw new StarRocksDrError('InvalidInput', `the path is of cluster ${asPath.clusterId}, not of --cluster-id ${args.clusterId}`, {
      field: '--snapshot',
      fix: 'drop --cluster-id or pass a path of that cluster',
    });
  }
  const warnings: string[] = [];
  let all: ClusterSnapshot[];
  let clusterId: string;
  if (asPath) {
    // A path names its own volume and cluster: list just that cluster's snapshots there.
    clusterId = asPath.clusterId;
    all = await clusterSnapshots(lister, asPath.volume, clusterId);
    if (!sameLocation(asPath.volume, volume)) {
      warnings.push(`${choice} is not under the storage volume location ${formatS3(volume)}: the FE reads it with that volume's credentials`);
    }
  } else {
    ({ clusterId, snapshots: all } = ofOneCluster(await discoverSnapshots(lister, args.location, args.clusterId), args.clusterId));
  }
  let chosen: ClusterSnapshot | undefined;
  if (choice === 'latest') {
    chosen = all.find((s) => s.complete);
    if (!chosen) {
      throw new StarRocksDrError('InvalidSnapshot', `cluster ${clusterId} has only unfinished snapshot folders (newest ${all[0].name}, missing ${all[0].missing.join(', ')})`, {
        field: lookedAt(formatS3(volume), clusterId),
        fix: 'wait for the running snapshot to finish, or restore from a snapshot of another location / cluster id',
      });
    }
  } else {
    const name = asPath ? asPath.name : choice;
    chosen = all.find((s) => s.name === name);
    if (!chosen) {
      throw new StarRocksDrError('InvalidInput', `no snapshot ${name} under ${lookedAt(asPath ? formatS3(asPath.volume) : formatS3(volume), clusterId)}`, {
        field: '--snapshot',
        fix: `pick one of: ${all.filter((s) => s.complete).slice(0, 5).map((s) => s.name).join(', ') || '(none finished)'}, or latest`,
      });
    }
    if (!chosen.complete) {
      throw new StarRocksDrError('InvalidSnapshot', `${name} is a snapshot StarRocks has not finished writing (missing ${chosen.missing.join(', ')})`, {
        field: '--snapshot',
        fix: `restore an earlier finished snapshot (${all.find((s) => s.complete)?.name ?? 'none found'}) or latest`,
      });
    }
  }
  warnings.push(...snapshotWarnings(chosen, all, args));
  return { path: chosen.path, name: chosen.name, time: chosen.time, timeMs: chosen.timeMs, clusterId, warnings };
}
