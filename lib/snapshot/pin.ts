/**
 * Which snapshot a recovery uses, for `dr run --snapshot` and the Pulumi `clusterSnapshot.path: latest`: resolved
 * once, when the recovery of a generation starts; afterwards the path pinned in the status record wins, so a resumed
 * run, a rerun or a later `pulumi up` never moves to a newer snapshot (they are taken every minute).
 */
import { StarRocksDrError } from '../errors';
import type { StarRocksClusterSpec } from '../model/types';
import type { ResolvedSnapshot, WarningOptions } from './discover';
import { accessFromSpec, resolveSnapshotChoice, withSnapshotPath } from './resolve';
import type { ListingOptions, ObjectLister } from './s3';

export interface RecoverySnapshotArgs extends WarningOptions {
  /** `latest`, a snapshot name or a full s3:// path (the `--snapshot` flag / `clusterSnapshot.path`). */
  readonly choice: string;
  readonly clusterId?: string;
  /** `snapshotPath` of the status record of the generation being recovered, when one exists. */
  readonly pinnedPath?: string;
  readonly listing?: ListingOptions;
  readonly lister?: ObjectLister;
}

export interface RecoverySnapshot {
  /** The spec whose cluster_snapshot.yaml points at `path`. */
  readonly spec: StarRocksClusterSpec;
  /** The path to restore and to pin in the status record. */
  readonly path: string;
  /** True when `path` came from the record (nothing was listed). */
  readonly pinned: boolean;
  /** What the store held, when it was asked. */
  readonly resolved?: ResolvedSnapshot;
  readonly warnings: readonly string[];
}

/**
 * `spec` (whose values create cluster_snapshot.yaml) pointed at the snapshot of this recovery. A pinned path wins
 * over `latest` or a name; an explicit path is taken as given (the record guard compares it with the pinned one).
 */
export async function snapshotForRecovery(spec: StarRocksClusterSpec, args: RecoverySnapshotArgs): Promise<RecoverySnapshot> {
  const explicit = args.choice.startsWith('s3://');
  if (args.pinnedPath && !explicit) {
    return {
      spec: withSnapshotPath(spec, args.pinnedPath),
      path: args.pinnedPath,
      pinned: true,
      warnings: [`--snapshot ${args.choice}: using ${args.pinnedPath}, pinned in the status record when this generation's recovery started (raise the generation to restore a newer snapshot)`],
    };
  }
  const access = accessFromSpec(spec);
  if (!access) {
    throw new StarRocksDrError('InvalidInput', 'needs the values to create cluster_snapshot.yaml (a configMaps or secrets entry the FE mounts)', {
      field: '--snapshot',
      fix: 'add the snapshot file to the values as examples/override.yaml does, or write it with `starrocks-dr snapshot file` and apply it yourself',
    });
  }
  const { location, ...credentials } = access;
  const resolved = await resolveSnapshotChoice({ ...args, location, credentials });
  return { spec: withSnapshotPath(spec, resolved.path), path: resolved.path, pinned: false, resolved, warnings: resolved.warnings };
}
