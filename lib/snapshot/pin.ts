/**
 * Which snapshot a recovery uses, for `dr run --snapshot` and `synth --snapshot`: the pin rule of lib/dr/snapshot-pin.ts
 * (one rule for every route), with the store listed when the rule says to resolve. `latest` or a name is resolved
 * once, when the recovery of a generation starts; afterwards the path pinned in the status record wins, so a resumed
 * run or a rerun never moves to a newer snapshot. An explicit path is taken as given, after checking in the store that
 * it is finished (unless it is the pinned path itself, checked when it was pinned).
 */
import { StarRocksDrError } from '../errors';
import { snapshotPin } from '../dr/snapshot-pin';
import type { StarRocksClusterSpec } from '../model/types';
import type { ResolvedSnapshot, WarningOptions } from './discover';
import { accessFromSpec, resolveSnapshotChoice, withSnapshotPath } from './resolve';
import type { ListingOptions, ObjectLister } from './s3';

export interface RecoverySnapshotArgs extends WarningOptions {
  /** `latest`, a snapshot name or a full s3:// path (the `--snapshot` flag). */
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
  /** Says the path is the pinned one, when `latest` or a name was asked for. */
  readonly notice?: string;
  /** What the store held, when it was asked. */
  readonly resolved?: ResolvedSnapshot;
  readonly warnings: readonly string[];
}

/** `spec` (whose values create cluster_snapshot.yaml) pointed at the snapshot of this recovery, by the pin rule. */
export async function snapshotForRecovery(spec: StarRocksClusterSpec, args: RecoverySnapshotArgs): Promise<RecoverySnapshot> {
  const pin = snapshotPin(args.choice, args.pinnedPath);
  if (pin.use === 'pinned' || (pin.use === 'explicit' && pin.isPinned)) {
    return { spec: withSnapshotPath(spec, pin.path), path: pin.path, pinned: true, ...(pin.use === 'pinned' ? { notice: pin.notice } : {}), warnings: [] };
  }
  const access = accessFromSpec(spec);
  if (!access) {
    throw new StarRocksDrError('InvalidInput', 'needs the values to create cluster_snapshot.yaml (a configMaps or secrets entry the FE mounts)', {
      field: '--snapshot',
      fix: 'add the snapshot file to the values as examples/override.yaml does, or write it with `starrocks-dr snapshot file` and apply it yourself',
    });
  }
  const { location, ...credentials } = access;
  const resolved = await resolveSnapshotChoice({ ...args, choice: pin.use === 'explicit' ? pin.path : pin.choice, location, credentials });
  return { spec: withSnapshotPath(spec, resolved.path), path: resolved.path, pinned: false, resolved, warnings: resolved.warnings };
}
