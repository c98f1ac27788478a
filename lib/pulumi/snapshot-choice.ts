/**
 * `clusterSnapshot.path: latest` (or a snapshot name) in stack config: the snapshot a recovery restores, resolved once
 * per generation and pinned, by the one pin rule every route runs (lib/dr/snapshot-pin.ts). The pin is the status record in the cluster (`snapshotPath`, written by the recovery's
 * first record write): while the record of the generation names a path, every `pulumi up` and `pulumi preview` uses
 * it, never a newer snapshot (they are taken every minute) - so the Secret holding cluster_snapshot.yaml does not
 * change under a running or finished recovery. Only a generation with no record yet lists the store.
 */
import type { KubeClient } from '../kube/client';
import { isExplicitSnapshotPath, pinnedSnapshotPath, snapshotPin } from '../dr/snapshot-pin';
import { readRecord } from '../dr/status-record';
import type { ClusterSnapshotConfig, S3Credentials } from './cluster-snapshot';

export interface SnapshotChoiceInput {
  readonly cfg: ClusterSnapshotConfig & { readonly clusterId?: string };
  readonly keys: S3Credentials;
  readonly cluster: string;
  readonly namespace: string;
  /** The generation the stack asks for (drGeneration, else the values' disasterRecovery.generation). */
  readonly generation?: number;
  /** A client to read the status record with (made only when the rule needs the pin); undefined without a cluster connection. */
  readonly client?: () => KubeClient;
}

export interface SnapshotChoice {
  readonly path: string;
  /** True when the path came from the status record of the generation. */
  readonly pinned: boolean;
  readonly warnings: readonly string[];
}

/** The pin rule (lib/dr/snapshot-pin.ts): an explicit path as given, `latest` or a name pinned or resolved now. */
export async function chooseStackSnapshot(input: SnapshotChoiceInput): Promise<SnapshotChoice> {
  const { cfg } = input;
  // An explicit path needs no record: the rule takes it as given (the DR resource's guard compares it with the pin).
  const record = !isExplicitSnapshotPath(cfg.path) && input.client ? await readRecord(input.client(), input.cluster, input.namespace) : undefined;
  const pin = snapshotPin(cfg.path, pinnedSnapshotPath(record, input.generation));
  if (pin.use === 'explicit') return { path: pin.path, pinned: false, warnings: [] };
  if (pin.use === 'pinned') return { path: pin.path, pinned: true, warnings: [] };
  // Loaded only here: the AWS SDK is not needed by stacks that name their snapshot path.
  const { resolveSnapshotChoice } = require('../snapshot') as typeof import('../snapshot');
  const chosen = await resolveSnapshotChoice({
    choice: pin.choice,
    clusterId: cfg.clusterId,
    location: cfg.location,
    credentials: { region: cfg.region, endpoint: cfg.endpoint, pathStyle: cfg.pathStyle, keys: input.keys, source: 'Pulumi config s3AccessKey/s3SecretKey' },
  });
  return { path: chosen.path, pinned: false, warnings: chosen.warnings };
}
