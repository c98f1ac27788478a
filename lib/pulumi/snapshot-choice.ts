/**
 * `clusterSnapshot.path: latest` (or a snapshot name) in stack config: the snapshot a recovery restores, resolved once
 * per generation and pinned. The pin is the status record in the cluster (`snapshotPath`, written by the recovery's
 * first record write): while the record of the generation names a path, every `pulumi up` and `pulumi preview` uses
 * it, never a newer snapshot (they are taken every minute) - so the Secret holding cluster_snapshot.yaml does not
 * change under a running or finished recovery. Only a generation with no record yet lists the store.
 */
import type { KubeClient } from '../kube/client';
import { pinnedSnapshotPath } from '../dr/guard';
import { readRecord } from '../dr/status-record';
import type { ClusterSnapshotConfig, S3Credentials } from './cluster-snapshot';

export interface SnapshotChoiceInput {
  readonly cfg: ClusterSnapshotConfig & { readonly clusterId?: string };
  readonly keys: S3Credentials;
  readonly cluster: string;
  readonly namespace: string;
  /** The generation the stack asks for (drGeneration, else the values' disasterRecovery.generation). */
  readonly generation?: number;
  /** Reads the status record; undefined when the stack has no cluster connection to read it with. */
  readonly client?: KubeClient;
}

export interface SnapshotChoice {
  readonly path: string;
  /** True when the path came from the status record of the generation. */
  readonly pinned: boolean;
  readonly warnings: readonly string[];
}

/** A full `s3://` path is taken as given; `latest` or a name is pinned or resolved. */
export function needsResolving(path: string): boolean {
  return !path.startsWith('s3://');
}

export async function chooseStackSnapshot(input: SnapshotChoiceInput): Promise<SnapshotChoice> {
  const { cfg } = input;
  if (!needsResolving(cfg.path)) return { path: cfg.path, pinned: false, warnings: [] };
  const record = input.client ? await readRecord(input.client, input.cluster, input.namespace) : undefined;
  const pinned = pinnedSnapshotPath(record, input.generation);
  if (pinned !== undefined) return { path: pinned, pinned: true, warnings: [] };
  // Loaded only here: the AWS SDK is not needed by stacks that name their snapshot path.
  const { resolveSnapshotChoice } = require('../snapshot') as typeof import('../snapshot');
  const chosen = await resolveSnapshotChoice({
    choice: cfg.path,
    clusterId: cfg.clusterId,
    location: cfg.location,
    credentials: { region: cfg.region, endpoint: cfg.endpoint, pathStyle: cfg.pathStyle, keys: input.keys, source: 'Pulumi config s3AccessKey/s3SecretKey' },
  });
  return { path: chosen.path, pinned: false, warnings: chosen.warnings };
}
