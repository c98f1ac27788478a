/**
 * cluster_snapshot.yaml from stack config, kept in a Kubernetes Secret: the S3 keys come from secret config and
 * never appear in a ConfigMap, in plain state or in outputs. Pure functions; the Output plumbing is the caller's.
 */
import { stringify } from '../yaml';
import { SNAPSHOT_FILE } from '../dr/snapshot';
import type { MountReference, StarRocksClusterSpec } from '../model/types';

/** Where the FE reads the snapshot file (the reference override's mount). */
export const SNAPSHOT_MOUNT_PATH = '/opt/starrocks/fe/conf/cluster_snapshot.yaml';

/** The non-secret half of the snapshot file, from `pulumi config set --path clusterSnapshot.<key>`. */
export interface ClusterSnapshotConfig {
  /** `STORAGE_PATH` of the snapshot (INFORMATION_SCHEMA.CLUSTER_SNAPSHOTS), `s3://...`. */
  readonly path: string;
  /** @default 'builtin_storage_volume' */
  readonly storageVolumeName?: string;
  /** The `s3://` location the cluster stored its data in. */
  readonly location: string;
  readonly region: string;
  readonly endpoint: string;
  /** `aws.s3.enable_path_style_access` for S3-compatible stores (MinIO, ...). @default false */
  readonly pathStyle?: boolean;
  /** With `path: latest` or a name: which cluster's snapshots, when the location holds several. */
  readonly clusterId?: string;
  /** Name of the Secret to create. @default '<cluster>-cluster-snapshot' */
  readonly secretName?: string;
}

export interface S3Credentials {
  readonly accessKey: string;
  readonly secretKey: string;
}

/** The file's text, in the layout of the reference override (frontends / compute_nodes left empty). */
export function clusterSnapshotText(cfg: ClusterSnapshotConfig, keys: S3Credentials): string {
  const volume = cfg.storageVolumeName ?? 'builtin_storage_volume';
  return stringify({
    cluster_snapshot: { cluster_snapshot_path: cfg.path, storage_volume_name: volume },
    frontends: null,
    compute_nodes: null,
    storage_volumes: [
      {
        name: volume,
        type: 'S3',
        location: cfg.location,
        properties: [
          { key: 'aws.s3.region', value: cfg.region },
          { key: 'aws.s3.endpoint', value: cfg.endpoint },
          ...(cfg.pathStyle ? [{ key: 'aws.s3.enable_path_style_access', value: 'true' }] : []),
          { key: 'aws.s3.access_key', value: keys.accessKey },
          { key: 'aws.s3.secret_key', value: keys.secretKey },
        ],
      },
    ],
  });
}

export function snapshotSecretName(cluster: string, cfg?: Pick<ClusterSnapshotConfig, 'secretName'>): string {
  return cfg?.secretName ?? `${cluster}-cluster-snapshot`;
}

function mountsSnapshotFile(m: MountReference): boolean {
  return (m.subPath ?? '').includes(SNAPSHOT_FILE) || m.mountPath.replace(/\/+$/, '').endsWith(`/${SNAPSHOT_FILE}`);
}

/**
 * The spec with cluster_snapshot.yaml mounted into the FE from Secret `secretName` (replacing any other mount of
 * the file, such as the reference override's ConfigMap). With `create`, the spec also creates the Secret, with
 * `placeholder` as the file's text: the caller supplies the real text as secret data.
 */
export function withSnapshotSecret(
  spec: StarRocksClusterSpec,
  secretName: string,
  create?: { readonly placeholder: string },
): StarRocksClusterSpec {
  const fe = spec.starRocksFeSpec;
  const mount: MountReference = { name: secretName, mountPath: SNAPSHOT_MOUNT_PATH, subPath: SNAPSHOT_FILE };
  const next: StarRocksClusterSpec = {
    ...spec,
    starRocksFeSpec: {
      ...fe,
      configMaps: (fe.configMaps ?? []).filter((m) => !mountsSnapshotFile(m)),
      secrets: [...(fe.secrets ?? []).filter((m) => !mountsSnapshotFile(m) && m.name !== secretName), mount],
    },
  };
  if (!create) return next;
  return {
    ...next,
    secrets: [...(spec.secrets ?? []).filter((s) => s.name !== secretName), { name: secretName, data: { [SNAPSHOT_FILE]: create.placeholder } }],
  };
}

/** `spec` with the data of its Secrets replaced from `secretData` (by Secret name, then key). */
export function withSecretData(
  spec: StarRocksClusterSpec,
  secretData: Readonly<Record<string, Readonly<Record<string, string>>>>,
): StarRocksClusterSpec {
  if (!spec.secrets) return spec;
  return { ...spec, secrets: spec.secrets.map((s) => (secretData[s.name] ? { ...s, data: { ...s.data, ...secretData[s.name] } } : s)) };
}
