/**
 * The statements this tool sends, and the columns it reads from each, as StarRocks fe-core defines them:
 * - SHOW FRONTENDS: `FrontendsProcNode.TITLE_NAMES` (Name, IP, EditLogPort, HttpPort, QueryPort, RpcPort, Role,
 *   ClusterId, Join, Alive, ReplayedJournalId, LastHeartbeat, IsHelper, ErrMsg, StartTime, Version).
 * - SHOW COMPUTE NODES: `ComputeNodeProcDir.TITLE_NAMES` (+ `TITLE_NAMES_SHARED_DATA`: StarletPort, WorkerId,
 *   WarehouseName, TabletNum); SHOW BACKENDS: `BackendsProcDir.TITLE_NAMES`.
 * - DESC STORAGE VOLUME: `DescStorageVolumeStmt.META_DATA` / `ShowResultMetaFactory.visitDescStorageVolumeStatement`
 *   (Name, Type, IsDefault, Location, Params, Enabled, Comment).
 * - information_schema.cluster_snapshot_jobs: `ClusterSnapshotJobsTable` (SNAPSHOT_NAME, JOB_ID, CREATED_TIME,
 *   FINISHED_TIME, STATE, DETAIL_INFO, ERROR_MESSAGE; times are unix seconds, `ClusterSnapshotJob.getInfo`);
 *   information_schema.cluster_snapshots: `ClusterSnapshotsTable` (SNAPSHOT_NAME, SNAPSHOT_TYPE, CREATED_TIME,
 *   FE_JOURNAL_ID, STARMGR_JOURNAL_ID, PROPERTIES, STORAGE_VOLUME, STORAGE_PATH; `ClusterSnapshot.getInfo`).
 * - ADMIN SET AUTOMATED CLUSTER SNAPSHOT ON [STORAGE VOLUME <sv>] | OFF: `AdminSetAutomatedSnapshotOnStmt` /
 *   `...OffStmt`, checked by `ClusterSnapshotAnalyzer` ("Automated snapshot has been turn on", "... has not been turn
 *   on", "Unknown storage volume: %s").
 * - ADMIN SET / SHOW FRONTEND CONFIG: `AdminSetConfigStmt`, `AdminShowConfigStmt` (Key, AliasNames, Value, Type,
 *   IsMutable, Comment).
 */

export const SELECT_ONE = 'SELECT 1';
export const SHOW_FRONTENDS = 'SHOW FRONTENDS';
export const SHOW_COMPUTE_NODES = 'SHOW COMPUTE NODES';
export const SHOW_BACKENDS = 'SHOW BACKENDS';
export const SNAPSHOT_JOBS = 'SELECT * FROM information_schema.cluster_snapshot_jobs';
export const SNAPSHOTS = 'SELECT * FROM information_schema.cluster_snapshots';
export const INTERVAL_CONFIG = 'automated_cluster_snapshot_interval_seconds';

export const FRONTEND_COLUMNS = ['Name', 'IP', 'EditLogPort', 'Role', 'Alive'] as const;
export const NODE_COLUMNS = ['IP', 'HeartbeatPort', 'Alive', 'ErrMsg'] as const;
export const VOLUME_COLUMNS = ['Name', 'Location'] as const;
export const JOB_COLUMNS = ['SNAPSHOT_NAME', 'JOB_ID', 'CREATED_TIME', 'FINISHED_TIME', 'STATE', 'DETAIL_INFO', 'ERROR_MESSAGE'] as const;
export const SNAPSHOT_COLUMNS = ['SNAPSHOT_NAME', 'CREATED_TIME', 'STORAGE_VOLUME', 'STORAGE_PATH'] as const;
export const CONFIG_COLUMNS = ['Key', 'Value'] as const;

/** A name as an identifier: backquoted, with backquotes doubled (StarRocks' and MySQL's quoting). */
export function identifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A string literal, single-quoted, with quotes and backslashes escaped. */
export function literal(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export const descStorageVolume = (name: string) => `DESC STORAGE VOLUME ${identifier(name)}`;
export const snapshotOn = (storageVolume: string) => `ADMIN SET AUTOMATED CLUSTER SNAPSHOT ON STORAGE VOLUME ${identifier(storageVolume)}`;
export const SNAPSHOT_OFF = 'ADMIN SET AUTOMATED CLUSTER SNAPSHOT OFF';
export const setFrontendConfig = (key: string, value: string) => `ADMIN SET FRONTEND CONFIG (${JSON.stringify(key)} = ${JSON.stringify(value)})`;
export const showFrontendConfig = (key: string) => `ADMIN SHOW FRONTEND CONFIG LIKE ${literal(key)}`;
/** `ALTER SYSTEM DROP COMPUTE NODE "host:port"` / `DROP BACKEND` (SystemHandler; the heartbeat port). */
export const dropNode = (kind: 'COMPUTE NODE' | 'BACKEND', host: string, heartbeatPort: string) => `ALTER SYSTEM DROP ${kind} ${JSON.stringify(`${host}:${heartbeatPort}`)}`;
