/**
 * Writing cluster_snapshot.yaml for a resolved snapshot: the file itself, or a Kubernetes Secret that holds it (the
 * file may carry S3 keys, so it never goes into a ConfigMap). Pure.
 */
import { stringify } from '../yaml';
import { findSnapshotSource, SNAPSHOT_FILE } from '../dr/snapshot';
import type { StarRocksClusterSpec } from '../model/types';
import { feProperties, type FeCredentials, type S3Access } from './storage-volume';

/** Where the reference override mounts the file in the FE. */
export const FE_SNAPSHOT_MOUNT_PATH = '/opt/starrocks/fe/conf/cluster_snapshot.yaml';
export const DEFAULT_STORAGE_VOLUME = 'builtin_storage_volume';
export const DEFAULT_SECRET_NAME = 'cluster-snapshot';

export interface SnapshotFileArgs {
  readonly path: string;
  readonly access: S3Access;
  readonly fe: FeCredentials;
  /** @default 'builtin_storage_volume' */
  readonly storageVolumeName?: string;
  /** The volume's `comment`. @default - none */
  readonly comment?: string;
}

/** The file, in the reference override's layout (frontends / compute_nodes left empty for the operator to fill). */
export function clusterSnapshotYaml(args: SnapshotFileArgs): string {
  const volume = args.storageVolumeName ?? DEFAULT_STORAGE_VOLUME;
  const body = {
    cluster_snapshot: { cluster_snapshot_path: args.path, storage_volume_name: volume },
    frontends: null,
    compute_nodes: null,
    storage_volumes: [
      {
        name: volume,
        type: 'S3',
        location: args.access.location,
        ...(args.comment ? { comment: args.comment } : {}),
        properties: feProperties(args.access, args.fe),
      },
    ],
  };
  return `# written by starrocks-dr snapshot file for ${args.path}\n${stringify(body)}`;
}

export interface SecretTarget {
  readonly name: string;
  readonly key: string;
  readonly namespace?: string;
}

/** A Secret manifest holding the file under `target.key`. */
export function snapshotSecretManifest(text: string, target: SecretTarget): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'starrocks-dr' } },
    type: 'Opaque',
    stringData: { [target.key]: text },
  });
}

/**
 * Which Secret to write for the values' mount, and a warning when the values keep the file in a ConfigMap (as the
 * reference override does): the Secret is written, the values are not changed, and the warning says how to mount it.
 */
export function secretTargetFor(spec: StarRocksClusterSpec | undefined, name?: string, namespace?: string): { target: SecretTarget; warnings: string[] } {
  const source = spec ? findSnapshotSource(spec) : undefined;
  if (source?.kind === 'Secret') {
    return { target: { name: name ?? source.name, key: source.key, namespace }, warnings: [] };
  }
  const target = { name: name ?? DEFAULT_SECRET_NAME, key: SNAPSHOT_FILE, namespace };
  if (source?.kind !== 'ConfigMap') return { target, warnings: [] };
  const warning =
    `the values mount ${SNAPSHOT_FILE} from ConfigMap ${source.name} (${source.field}); it holds S3 keys, so this wrote Secret ${target.name} instead and left the values as they are. ` +
    `To use it, replace that starrocksFESpec.configMaps entry with starrocksFESpec.secrets: [{name: ${target.name}, mountPath: ${FE_SNAPSHOT_MOUNT_PATH}, subPath: ${SNAPSHOT_FILE}}] ` +
    `and drop the top-level configMaps entry ${source.name}`;
  return { target, warnings: [warning] };
}
