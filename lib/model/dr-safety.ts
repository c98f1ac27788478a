/**
 * DR safety rules about the model alone (no cluster needed), for the preflight and the loader to report.
 *
 * `persistentVolumeClaimRetentionPolicy.whenDeleted: Delete` on the FE (operator v1.11+) means that deleting the FE
 * StatefulSet - `kubectl delete sts`, a GitOps prune, a Pulumi replace of an immutable field such as
 * `podManagementPolicy` - deletes the FE metadata PVCs with it. A recovery restores the metadata onto those PVCs and
 * every later FE start reads it from them, so losing them after a recovery starts an empty cluster, as FE metadata on
 * emptyDir would (which the preflight refuses). We warn rather than refuse: the policy is a legitimate choice for
 * throw-away clusters, and no step of the recovery deletes a StatefulSet.
 */
import { specOperatorVersion } from './operator-version';
import type { StarRocksClusterSpec } from './types';

export interface ModelWarning {
  /** Stable token for the rule. */
  readonly code: 'FeMetadataDeletedWithStatefulSet';
  /** Path in the typed spec. */
  readonly field: string;
  readonly message: string;
  readonly fix: string;
}

/** Storage classes the CRD treats as "not a claim". */
const NOT_A_CLAIM = ['emptydir', 'hostpath'];

/**
 * The warning when the FE's PVC retention policy deletes its metadata PVCs with the StatefulSet, else undefined.
 * Only for operator lines that render the policy (v1.11+) and FEs that have claims at all.
 */
export function feMetadataRetentionWarning(spec: StarRocksClusterSpec): ModelWarning | undefined {
  const fe = spec.starRocksFeSpec;
  if (fe.persistentVolumeClaimRetentionPolicy?.whenDeleted !== 'Delete') return undefined;
  if (specOperatorVersion(spec) === '1.10') return undefined;
  const claims = (fe.storageVolumes ?? []).filter(
    (v) => v.hostPath === undefined && !NOT_A_CLAIM.includes((v.storageClassName ?? '').toLowerCase()) && !(v.storageSize ?? '').startsWith('0'),
  );
  if (claims.length === 0) return undefined;
  return {
    code: 'FeMetadataDeletedWithStatefulSet',
    field: 'starRocksFeSpec.persistentVolumeClaimRetentionPolicy.whenDeleted',
    message: `whenDeleted: Delete deletes the FE metadata PVCs (${claims.map((c) => c.name).join(', ')}) whenever the FE StatefulSet is deleted; after a recovery they hold the restored metadata, and an FE started without them is an empty cluster.`,
    fix: 'set whenDeleted: Retain (or remove the policy) on the FE while the cluster may need a recovery',
  };
}
