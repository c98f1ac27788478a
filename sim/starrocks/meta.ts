/**
 * The metadata of a simulated StarRocks cluster, what its FE image holds (fe-core `GlobalStateMgr`): frontends,
 * compute nodes and backends (`NodeMgr`, `SystemInfoService`), storage volumes (`StorageVolumeMgr`), users, the
 * catalog, and the automated snapshot jobs (`ClusterSnapshotMgr`). A snapshot is a copy of it; a restore loads one.
 */
import { randomUUID } from 'node:crypto';
import { parseDocument } from 'yaml';
import { formatS3, parseSnapshotPath, snapshotTimeMs } from '../../lib/snapshot/location';
import { volumeFromFeConf } from '../../lib/snapshot/storage-volume';
import { referenceCatalog, type Catalog } from './catalog';

export interface FrontendEntry {
  readonly host: string;
  readonly editLogPort: number;
  readonly role: 'FOLLOWER' | 'OBSERVER';
  /** `<host>_<edit log port>_<ms>`, as NodeMgr names a frontend. */
  readonly name: string;
}

export interface NodeEntry {
  readonly id: number;
  readonly host: string;
  readonly heartbeatPort: number;
}

export interface VolumeEntry {
  readonly name: string;
  readonly type: string;
  readonly location: string;
  readonly params: Readonly<Record<string, string>>;
  readonly comment: string;
}

/** ClusterSnapshotJob.ClusterSnapshotJobState. */
export type JobState = 'INITIALIZING' | 'SNAPSHOTING' | 'UPLOADING' | 'FINISHED' | 'EXPIRED' | 'DELETED' | 'ERROR';

export interface SnapshotJob {
  readonly id: number;
  readonly name: string;
  readonly storageVolume: string;
  /** Unix ms. */
  readonly createdMs: number;
  finishedMs: number;
  state: JobState;
  detail: string;
  error: string;
  feJournalId: number;
  starMgrJournalId: number;
}

export interface Meta {
  /** The StarOS service id: the `<uuid>` folder of the storage volume (`<location>/<uuid>/meta/image/...`). */
  readonly clusterUuid: string;
  /** `ClusterId` of SHOW FRONTENDS. */
  readonly clusterId: number;
  leaderHost: string;
  frontends: FrontendEntry[];
  computeNodes: NodeEntry[];
  backends: NodeEntry[];
  volumes: Map<string, VolumeEntry>;
  readonly users: Map<string, string>;
  readonly catalog: Catalog;
  /** The storage volume automated snapshots go to; undefined while they are off. */
  automatedSnapshotVolume?: string;
  jobs: SnapshotJob[];
  nextId: number;
  journalId: number;
  /** ADMIN SET FRONTEND CONFIG values (not persisted by StarRocks either). */
  readonly config: Map<string, string>;
}

/** What a snapshot held that the simulator did not write itself (the restore of a path it never saw). */
export interface ImageOptions {
  /** Frontends of the source cluster, named like the current FE pods (ordinals 0..n-1). @default 3 (the reference cluster) */
  readonly frontends?: number;
  /** Compute nodes of the source cluster, named like the current CN pods. @default 1 (the reference cluster) */
  readonly computeNodes?: number;
  /** The source cluster's storage volume location, when it was not where cluster_snapshot.yaml points (a cloned snapshot). @default the location in the snapshot path */
  readonly volumeLocation?: string;
  /** root's password in the source cluster. @default '' */
  readonly rootPassword?: string;
  /** @default the reference document's quickstart.source_wiki_edit */
  readonly catalog?: Catalog;
}

export function cloneMeta(m: Meta): Meta {
  return {
    ...m,
    frontends: [...m.frontends],
    computeNodes: [...m.computeNodes],
    backends: [...m.backends],
    volumes: new Map(m.volumes),
    users: new Map(m.users),
    jobs: m.jobs.map((j) => ({ ...j })),
    config: new Map(m.config),
  };
}

export const frontendName = (host: string, editLogPort: number, ms: number) => `${host}_${editLogPort}_${ms}`;

/** Properties of a storage volume from the `key: value` list of cluster_snapshot.yaml or fe.conf. */
function params(list: readonly { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(list.map((p) => [p.key, p.value]));
}

/** A cluster that starts without an image: the first FE creates it (builtin_storage_volume from fe.conf). */
export function freshMeta(self: { host: string; editLogPort: number }, feConf: string | undefined, nowMs: number, opts: { rootPassword?: string; catalog?: Catalog }): Meta {
  const volumes = new Map<string, VolumeEntry>();
  const builtin = volumeFromFeConf(feConf);
  if (builtin) volumes.set(builtin.name, { name: builtin.name, type: 'S3', location: builtin.location, params: params(builtin.properties), comment: '' });
  return {
    clusterUuid: randomUUID(),
    clusterId: 1_000_000 + Math.floor(Math.random() * 1_000_000_000),
    leaderHost: self.host,
    frontends: [{ host: self.host, editLogPort: self.editLogPort, role: 'FOLLOWER', name: frontendName(self.host, self.editLogPort, nowMs) }],
    computeNodes: [],
    backends: [],
    volumes,
    users: new Map([['root', opts.rootPassword ?? '']]),
    catalog: opts.catalog ?? referenceCatalog(),
    jobs: [],
    nextId: 10_000,
    journalId: 1000,
    config: new Map(),
  };
}

export interface SnapshotFile {
  readonly path: string;
  readonly storageVolumeName: string;
  /** null: the section is empty (`frontends:`), and RestoreClusterSnapshotMgr skips it. */
  readonly frontends: readonly { host: string; editLogPort: number; follower: boolean }[] | null;
  readonly computeNodes: readonly { host: string; heartbeatPort: number }[] | null;
  readonly storageVolumes: readonly VolumeEntry[] | null;
}

/** cluster_snapshot.yaml as ClusterSnapshotConfig reads it (an empty section is null, and skipped at restore). */
export function parseSnapshotFile(text: string): SnapshotFile | undefined {
  const root = parseDocument(text).toJS() as Record<string, any> | null;
  const path = root?.cluster_snapshot?.cluster_snapshot_path;
  if (typeof path !== 'string') return undefined;
  const list = (v: unknown) => (Array.isArray(v) ? (v as Record<string, any>[]) : null);
  return {
    path,
    storageVolumeName: String(root?.cluster_snapshot?.storage_volume_name ?? ''),
    frontends: list(root?.frontends)?.map((f) => ({ host: String(f.host), editLogPort: Number(f.edit_log_port ?? 9010), follower: String(f.type ?? 'follower').toLowerCase() !== 'observer' })) ?? null,
    computeNodes: list(root?.compute_nodes)?.map((c) => ({ host: String(c.host), heartbeatPort: Number(c.heartbeat_service_port ?? 9050) })) ?? null,
    storageVolumes:
      list(root?.storage_volumes)?.map((v) => ({
        name: String(v.name),
        type: String(v.type ?? 'S3'),
        location: String(v.location),
        params: params(((v.properties as { key: string; value: unknown }[]) ?? []).map((p) => ({ key: String(p.key), value: String(p.value ?? '') }))),
        comment: String(v.comment ?? ''),
      })) ?? null,
  };
}

/**
 * The image of a snapshot the simulator did not take: the source cluster as the reference document built it (3 FEs,
 * 1 CN, named like the current pods), its builtin volume where the snapshot path says, automated snapshots on, and
 * the snapshot's own job still INITIALIZING (the image is written while the job runs; `setJobFinishedIfRestoredFromIt`
 * finishes it after the restore).
 */
export function imageOf(file: SnapshotFile, names: { fe: (i: number) => string; cn: (i: number) => string }, nowMs: number, opts: ImageOptions): Meta {
  const parsed = parseSnapshotPath(file.path);
  const snapshotName = file.path.replace(/\/+$/, '').split('/').pop() ?? 'automated_cluster_snapshot_0';
  const location = opts.volumeLocation ?? (parsed ? formatS3(parsed.volume) : file.storageVolumes?.[0]?.location ?? 's3://unknown');
  const yamlVolume = file.storageVolumes?.find((v) => v.name === file.storageVolumeName);
  const volumeName = file.storageVolumeName || 'builtin_storage_volume';
  const created = snapshotTimeMs(snapshotName) ?? nowMs;
  const fes = Array.from({ length: opts.frontends ?? 3 }, (_, i) => names.fe(i));
  return {
    clusterUuid: parsed?.clusterId ?? randomUUID(),
    clusterId: 1_000_000 + Math.floor(Math.random() * 1_000_000_000),
    leaderHost: fes[0] ?? '',
    frontends: fes.map((host) => ({ host, editLogPort: 9010, role: 'FOLLOWER' as const, name: frontendName(host, 9010, created - 86_400_000) })),
    computeNodes: Array.from({ length: opts.computeNodes ?? 1 }, (_, i) => ({ id: 10_001 + i, host: names.cn(i), heartbeatPort: 9050 })),
    backends: [],
    volumes: new Map([[volumeName, { name: volumeName, type: 'S3', location, params: yamlVolume?.params ?? {}, comment: yamlVolume?.comment ?? '' }]]),
    users: new Map([['root', opts.rootPassword ?? '']]),
    catalog: opts.catalog ?? referenceCatalog(),
    automatedSnapshotVolume: volumeName,
    jobs: [{ id: 13_018, name: snapshotName, storageVolume: volumeName, createdMs: created, finishedMs: -1, state: 'INITIALIZING', detail: '', error: '', feJournalId: 0, starMgrJournalId: 0 }],
    nextId: 20_000,
    journalId: 1776,
    config: new Map(),
  };
}
