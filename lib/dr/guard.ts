/**
 * The guard against restoring over a live cluster, as one pure function. A restore replaces the FE metadata with the
 * snapshot's: run over a cluster that is already serving, it throws away everything written since the snapshot. The
 * status record is what says "this generation is done here"; the guard makes sure the record and the cluster are the
 * same cluster, and that a missing record is not taken as "nothing was ever restored":
 *
 *   no record, FE StatefulSet live in its full form      ─▶ refuse (the record was lost, or this cluster was never
 *                                                           recovered: either way a restore would overwrite it)
 *   no record, no FE StatefulSet, FE metadata PVCs left  ─▶ refuse (a torn-down cluster's metadata: a restore would
 *                                                           replace it with the snapshot's)
 *   record of this generation, FE metadata PVCs differ    ─▶ refuse (the record is from an earlier cluster whose PVCs
 *                                                           were deleted: its `done` must not skip a needed restore)
 *   record of this generation, another snapshot path      ─▶ refuse while todo/doing; warn once done
 *   record of this generation done without PVC uids (an   ─▶ refuse when no FE StatefulSet runs: nothing tells
 *   older record), no FE StatefulSet                          that the record is about the cluster now there
 *   a higher generation                                   ─▶ go: a new recovery was asked for by name
 *   `force`                                               ─▶ go, starting the generation over
 */
import type { V1StatefulSet } from '@kubernetes/client-node';
import { StarRocksDrError } from '../errors';
import { componentResourceName, statusRecordName } from '../render/names';
import { compareGeneration, nextGeneration } from './generation';
import { isRestoreForm } from './readiness';
import { namesPvcs, pvcMismatch, type RecordIdentity } from './record-identity';
import type { RecoveryRecord } from './status-record';

/** How a user asks to restore anyway, per route (named in the errors). */
export const FORCE_HINT = '--force-restore (Pulumi: `pulumi config set forceRestore true`)';

export interface GuardInput {
  readonly cluster: string;
  readonly generation: number;
  readonly recorded?: RecoveryRecord;
  readonly feStatefulSet?: V1StatefulSet;
  /** The live identity (FE metadata PVC uids now, and the snapshot path this run would restore). */
  readonly live: RecordIdentity;
  readonly force: boolean;
}

export type GuardVerdict =
  /** Go on with the record as it is. */
  | { readonly go: 'resume'; readonly warnings: readonly string[] }
  /** Go on as if no record existed: a new status for this generation (forced). */
  | { readonly go: 'restart'; readonly warnings: readonly string[] };

export function guard(input: GuardInput): GuardVerdict {
  const { cluster, generation, recorded, live, force } = input;
  const recordName = `ConfigMap/${statusRecordName(cluster)}`;
  if (!recorded) {
    const sts = input.feStatefulSet;
    if (sts && !isRestoreForm(sts)) {
      if (force) return { go: 'restart', warnings: [`restoring over the running cluster ${cluster} as asked (${FORCE_HINT}): data written since the snapshot is lost`] };
      throw new StarRocksDrError('Refused', `StatefulSet/${componentResourceName(cluster, 'fe')} runs the full topology but no recovery is recorded (${recordName} is missing): restoring now would overwrite a live cluster with the snapshot`, {
        field: recordName,
        fix: `if this cluster was already recovered and its record was lost, do not restore: deploy without disasterRecovery (plain synth / drGeneration 0). To restore over it anyway, losing what was written since the snapshot, pass ${FORCE_HINT}`,
      });
    }
    const left = Object.keys(live.feMetaPvcUids);
    if (!sts && left.length > 0) {
      if (force) return { go: 'restart', warnings: [`restoring into the FE metadata PVCs ${left.join(', ')} as asked (${FORCE_HINT}): the metadata they hold is replaced by the snapshot's`] };
      throw new StarRocksDrError('Refused', `the FE metadata PVCs ${left.join(', ')} exist but no recovery is recorded (${recordName} is missing) and no FE StatefulSet runs: restoring would replace the metadata they hold with the snapshot's`, {
        field: recordName,
        fix: `if these PVCs hold the cluster you want, deploy without disasterRecovery (the FE starts on its metadata). To restore over them anyway, pass ${FORCE_HINT}`,
      });
    }
    return { go: 'resume', warnings: [] };
  }
  if (compareGeneration(generation, recorded.status.observedGeneration) !== 'same') return { go: 'resume', warnings: [] };

  if (recorded.status.phase === 'done' && !namesPvcs(recorded.identity) && !input.feStatefulSet) {
    if (force) return { go: 'restart', warnings: [`generation ${generation} runs again as asked (${FORCE_HINT}): its record names no FE metadata PVCs and no FE StatefulSet runs`] };
    throw new StarRocksDrError('Refused', `${recordName} records generation ${generation} as done but names no FE metadata PVCs (it predates record identities), and no FE StatefulSet runs: nothing shows that the record is about the cluster now in this namespace`, {
      field: recordName,
      fix: `to restore this cluster, raise the generation to ${nextGeneration(generation)}, or pass ${FORCE_HINT} to run generation ${generation} again; to deploy it without restoring, drop disasterRecovery`,
    });
  }
  const mismatch = pvcMismatch(recorded.identity, live);
  if (mismatch) {
    if (force) return { go: 'restart', warnings: [`generation ${generation} runs again as asked (${FORCE_HINT}): ${mismatch}`] };
    throw new StarRocksDrError('Refused', `${recordName} records generation ${generation} as ${recorded.status.phase} for another cluster: ${mismatch}`, {
      field: recordName,
      fix: `to restore this cluster, raise the generation to ${nextGeneration(generation)}, or pass ${FORCE_HINT} to run generation ${generation} again`,
    });
  }

  const was = recorded.identity.snapshotPath;
  const now = live.snapshotPath;
  if (was !== undefined && now !== undefined && was !== now) {
    if (recorded.status.phase === 'done') {
      return { go: 'resume', warnings: [`generation ${generation} was restored from another snapshot than the one now mounted; nothing is restored again (raise the generation to ${nextGeneration(generation)} to restore the new one)`] };
    }
    if (force) return { go: 'restart', warnings: [`generation ${generation} starts over from the snapshot now mounted, as asked (${FORCE_HINT})`] };
    throw new StarRocksDrError('Refused', `the recovery of generation ${generation} is ${recorded.status.phase} from another snapshot than the one now mounted`, {
      field: 'cluster_snapshot.yaml cluster_snapshot_path',
      fix: `put back the snapshot path this recovery started with (${recordName} data.snapshotPath), or raise the generation to ${nextGeneration(generation)} to restore the new snapshot`,
    });
  }
  return { go: 'resume', warnings: [] };
}
