/**
 * The statements the simulated FE answers, with StarRocks' column names and error texts (fe-core):
 * - `SELECT <n>` (constant queries run in the FE), `SELECT COUNT(*) | * FROM db.table`, `USE db`;
 * - `SHOW FRONTENDS` (FrontendsProcNode.TITLE_NAMES), `SHOW COMPUTE NODES` (ComputeNodeProcDir.TITLE_NAMES_SHARED_DATA),
 *   `SHOW BACKENDS` (BackendsProcDir.TITLE_NAMES, shared-data), `DESC STORAGE VOLUME <name>` (DescStorageVolumeStmt),
 *   `SHOW STORAGE VOLUMES`;
 * - `SELECT * FROM information_schema.cluster_snapshot_jobs | cluster_snapshots` (ClusterSnapshotJobsTable,
 *   ClusterSnapshotsTable; times in unix seconds as ClusterSnapshotJob.getInfo / ClusterSnapshot.getInfo give them);
 * - `ADMIN SET AUTOMATED CLUSTER SNAPSHOT ON [STORAGE VOLUME <sv>] | OFF` (ClusterSnapshotAnalyzer's errors),
 *   `ADMIN SET FRONTEND CONFIG ("k" = "v")`, `ADMIN SHOW FRONTEND CONFIG [LIKE 'k']` (AdminShowConfigStmt),
 *   `ALTER SYSTEM DROP COMPUTE NODE | BACKEND "host:port"`.
 * Reading tables and information_schema needs an alive compute node in shared-data mode: without one the answer is
 * FeConstants.COMPUTE_NODE_NOT_FOUND_ERROR. Anything else is a syntax error that says the simulator does not know it.
 */
import type { Meta, NodeEntry } from './meta';

export type Reply =
  | { readonly kind: 'rows'; readonly columns: readonly string[]; readonly rows: readonly (readonly (string | null)[])[] }
  | { readonly kind: 'ok'; readonly affectedRows?: number }
  | { readonly kind: 'error'; readonly code: number; readonly message: string };

export interface Liveness {
  readonly alive: boolean;
  readonly errMsg: string;
  readonly lastStartMs?: number;
}

export interface EngineContext {
  readonly meta: Meta;
  /** The FE answering. */
  readonly self: { readonly host: string; readonly httpPort: number; readonly queryPort: number; readonly rpcPort: number; readonly startMs: number };
  /** Unix ms. */
  readonly nowMs: number;
  frontend(host: string): Liveness;
  node(kind: 'cn' | 'be', n: NodeEntry): Liveness;
  /** fe.conf, then ADMIN SET FRONTEND CONFIG. */
  config(key: string): string | undefined;
  setConfig(key: string, value: string): void;
  snapshotsOn(volume: string): void;
  snapshotsOff(): void;
  /** USE <db>: the session's database. */
  database?: string;
}

export const VERSION = '3.4.1-sim';
export const COMPUTE_NODE_NOT_FOUND_ERROR = 'Compute node not found. Check if any compute node is down.';
const ER_UNKNOWN = 1064;

const error = (message: string, code = ER_UNKNOWN): Reply => ({ kind: 'error', code, message });
const analyzing = (detail: string): Reply => error(`Getting analyzing error. Detail message: ${detail}.`);
const rows = (columns: readonly string[], data: (readonly (string | null)[])[]): Reply => ({ kind: 'rows', columns, rows: data });
const datetime = (ms: number) => (ms > 0 ? new Date(ms).toISOString().slice(0, 19).replace('T', ' ') : 'NULL');
const unquote = (s: string) => s.replace(/^[`'"]|[`'"]$/g, '');

const FRONTEND_COLUMNS = ['Name', 'IP', 'EditLogPort', 'HttpPort', 'QueryPort', 'RpcPort', 'Role', 'ClusterId', 'Join', 'Alive', 'ReplayedJournalId', 'LastHeartbeat', 'IsHelper', 'ErrMsg', 'StartTime', 'Version'];
const CN_COLUMNS = ['ComputeNodeId', 'IP', 'HeartbeatPort', 'BePort', 'HttpPort', 'BrpcPort', 'LastStartTime', 'LastHeartbeat', 'Alive', 'SystemDecommissioned', 'ClusterDecommissioned', 'ErrMsg', 'Version', 'CpuCores', 'NumRunningQueries', 'MemUsedPct', 'CpuUsedPct', 'HasStoragePath', 'StarletPort', 'WorkerId', 'WarehouseName', 'TabletNum'];
const BE_COLUMNS = ['BackendId', 'IP', 'HeartbeatPort', 'BePort', 'HttpPort', 'BrpcPort', 'LastStartTime', 'LastHeartbeat', 'Alive', 'SystemDecommissioned', 'ClusterDecommissioned', 'TabletNum', 'DataUsedCapacity', 'AvailCapacity', 'TotalCapacity', 'UsedPct', 'MaxDiskUsedPct', 'ErrMsg', 'Version', 'Status', 'DataTotalCapacity', 'DataUsedPct', 'CpuCores', 'NumRunningQueries', 'MemUsedPct', 'CpuUsedPct', 'DataCacheMetrics', 'location', 'StarletPort', 'WorkerId'];
const VOLUME_COLUMNS = ['Name', 'Type', 'IsDefault', 'Location', 'Params', 'Enabled', 'Comment'];
const JOB_COLUMNS = ['SNAPSHOT_NAME', 'JOB_ID', 'CREATED_TIME', 'FINISHED_TIME', 'STATE', 'DETAIL_INFO', 'ERROR_MESSAGE'];
const SNAPSHOT_COLUMNS = ['SNAPSHOT_NAME', 'SNAPSHOT_TYPE', 'CREATED_TIME', 'FE_JOURNAL_ID', 'STARMGR_JOURNAL_ID', 'PROPERTIES', 'STORAGE_VOLUME', 'STORAGE_PATH'];
const CONFIG_COLUMNS = ['Key', 'AliasNames', 'Value', 'Type', 'IsMutable', 'Comment'];

/** Keys StarRocks prints masked in a volume's Params. */
const SECRET_PARAMS = /secret|access_key|password|token/i;

function anyComputeAlive(ctx: EngineContext): boolean {
  return ctx.meta.computeNodes.some((n) => ctx.node('cn', n).alive) || ctx.meta.backends.some((n) => ctx.node('be', n).alive);
}

function showFrontends(ctx: EngineContext): Reply {
  const m = ctx.meta;
  return rows(
    FRONTEND_COLUMNS,
    m.frontends.map((f) => {
      const self = f.host === ctx.self.host;
      const l = self ? { alive: true, errMsg: '', lastStartMs: ctx.self.startMs } : ctx.frontend(f.host);
      return [f.name, f.host, String(f.editLogPort), String(ctx.self.httpPort), String(ctx.self.queryPort), String(ctx.self.rpcPort), f.host === m.leaderHost ? 'LEADER' : f.role, String(m.clusterId), String(l.alive), String(l.alive), String(m.journalId), datetime(ctx.nowMs), 'false', l.errMsg, l.alive ? datetime(l.lastStartMs ?? 0) : 'NULL', VERSION];
    }),
  );
}

function showNodes(ctx: EngineContext, kind: 'cn' | 'be'): Reply {
  const list = kind === 'cn' ? ctx.meta.computeNodes : ctx.meta.backends;
  return rows(
    kind === 'cn' ? CN_COLUMNS : BE_COLUMNS,
    list.map((n) => {
      const l = ctx.node(kind, n);
      const base = [String(n.id), n.host, String(n.heartbeatPort), '9060', '8040', '8060', datetime(l.lastStartMs ?? 0), datetime(l.alive ? ctx.nowMs : 0), String(l.alive), 'false', 'false'];
      return kind === 'cn'
        ? [...base, l.errMsg, VERSION, '8', '0', '0.00 %', '0.0 %', 'true', '9070', String(n.id), 'default_warehouse', '0']
        : [...base, '0', '0.000 ', '1.000 TB', '1.000 TB', '0.00 %', '0.00 %', l.errMsg, VERSION, '{"lastSuccessReportTabletsTime":"N/A"}', '0.000 ', '0.00 %', '8', '0', '0.00 %', '0.0 %', '', '', '9070', String(n.id)];
    }),
  );
}

function descVolume(ctx: EngineContext, name: string): Reply {
  const v = ctx.meta.volumes.get(name);
  if (!v) return analyzing(`Unknown storage volume: ${name}`);
  const shown = Object.fromEntries(Object.entries(v.params).map(([k, val]) => [k, SECRET_PARAMS.test(k) ? '******' : val]));
  return rows(VOLUME_COLUMNS, [[v.name, v.type, String(name === 'builtin_storage_volume'), v.location, JSON.stringify(shown), 'true', v.comment]]);
}

function snapshotPathOf(ctx: EngineContext, volume: string, name: string): string {
  const v = ctx.meta.volumes.get(volume);
  return v ? `${v.location.replace(/\/+$/, '')}/${ctx.meta.clusterUuid}/meta/image/${name}` : '';
}

function infoSchema(ctx: EngineContext, table: string): Reply {
  if (!anyComputeAlive(ctx)) return error(COMPUTE_NODE_NOT_FOUND_ERROR, 1064);
  const m = ctx.meta;
  if (table === 'cluster_snapshot_jobs') {
    return rows(JOB_COLUMNS, m.jobs.map((j) => [j.name, String(j.id), String(Math.floor(j.createdMs / 1000)), String(Math.floor(j.finishedMs / 1000)), j.state, j.detail, j.error]));
  }
  // ClusterSnapshotMgr.getAllSnapshotsInfo: the last FINISHED automated snapshot, while automated snapshots are on.
  const last = [...m.jobs].reverse().find((j) => j.state === 'FINISHED');
  if (!m.automatedSnapshotVolume || !last) return rows(SNAPSHOT_COLUMNS, []);
  return rows(SNAPSHOT_COLUMNS, [[last.name, 'AUTOMATED', String(Math.floor(last.createdMs / 1000)), String(last.feJournalId), String(last.starMgrJournalId), '', last.storageVolume, snapshotPathOf(ctx, last.storageVolume, last.name)]]);
}

function selectTable(ctx: EngineContext, what: string, db: string | undefined, table: string): Reply {
  const database = db ?? ctx.database;
  if (!database) return error('No database selected', 1046);
  const t = ctx.meta.catalog.get(database)?.get(table);
  if (!ctx.meta.catalog.has(database)) return error(`Unknown database '${database}'`, 1049);
  if (!t) return analyzing(`Table ${table} is not found`);
  if (!anyComputeAlive(ctx)) return error(COMPUTE_NODE_NOT_FOUND_ERROR, 1064);
  if (/^count\(\s*\*\s*\)$/i.test(what)) return rows([what.toLowerCase().replace(/\s+/g, '')], [[String(t.rows.length)]]);
  if (what === '*') return rows(t.columns, t.rows.map((r) => [...r]));
  const cols = what.split(',').map((c) => unquote(c.trim()));
  const idx = cols.map((c) => t.columns.indexOf(c));
  const bad = cols.find((_, i) => idx[i] < 0);
  if (bad) return analyzing(`Column '${bad}' cannot be resolved`);
  return rows(cols, t.rows.map((r) => idx.map((i) => r[i])));
}

function dropNode(ctx: EngineContext, kind: 'cn' | 'be', hostPort: string): Reply {
  const m = /^(.*):(\d+)$/.exec(hostPort);
  const list = kind === 'cn' ? ctx.meta.computeNodes : ctx.meta.backends;
  const idx = m ? list.findIndex((n) => n.host === m[1] && n.heartbeatPort === Number(m[2])) : -1;
  if (idx < 0) return error(`${kind === 'cn' ? 'compute node' : 'backend'} does not exist[${hostPort}]`, 1064);
  if (kind === 'cn') ctx.meta.computeNodes = list.filter((_, i) => i !== idx);
  else ctx.meta.backends = list.filter((_, i) => i !== idx);
  return { kind: 'ok' };
}

export function execute(ctx: EngineContext, text: string): Reply {
  const sql = text.trim().replace(/;\s*$/, '').replace(/\s+/g, ' ');
  let m: RegExpExecArray | null;
  if ((m = /^select (-?\d+)$/i.exec(sql))) return rows([m[1]], [[m[1]]]);
  if (/^show frontends$/i.test(sql)) return showFrontends(ctx);
  if (/^show compute nodes$/i.test(sql)) return showNodes(ctx, 'cn');
  if (/^show backends$/i.test(sql)) return showNodes(ctx, 'be');
  if (/^show storage volumes$/i.test(sql)) return rows(['Storage Volume'], [...ctx.meta.volumes.keys()].map((k) => [k]));
  if ((m = /^desc(?:ribe)? storage volume (\S+)$/i.exec(sql))) return descVolume(ctx, unquote(m[1]));
  if ((m = /^select \* from information_schema\.(cluster_snapshot_jobs|cluster_snapshots)$/i.exec(sql))) return infoSchema(ctx, m[1].toLowerCase());
  if ((m = /^use (\S+)$/i.exec(sql))) {
    const db = unquote(m[1]);
    if (!ctx.meta.catalog.has(db)) return error(`Unknown database '${db}'`, 1049);
    ctx.database = db;
    return { kind: 'ok' };
  }
  if ((m = /^select (count\(\s*\*\s*\)|\*|[\w`, ]+) from (?:(`?\w+`?)\.)?(`?\w+`?)$/i.exec(sql))) return selectTable(ctx, m[1].trim(), m[2] && unquote(m[2]), unquote(m[3]));
  if ((m = /^admin set automated cluster snapshot on(?: storage volume (\S+))?$/i.exec(sql))) {
    if (ctx.meta.automatedSnapshotVolume) return analyzing('Automated snapshot has been turn on');
    const sv = m[1] ? unquote(m[1]) : 'builtin_storage_volume';
    if (!ctx.meta.volumes.has(sv)) return analyzing(`Unknown storage volume: ${sv}`);
    ctx.snapshotsOn(sv);
    return { kind: 'ok' };
  }
  if (/^admin set automated cluster snapshot off$/i.test(sql)) {
    if (!ctx.meta.automatedSnapshotVolume) return analyzing('Automated snapshot has not been turn on');
    ctx.snapshotsOff();
    return { kind: 'ok' };
  }
  if ((m = /^admin set frontend config \(\s*"([^"]+)"\s*=\s*"([^"]*)"\s*\)$/i.exec(sql))) {
    ctx.setConfig(m[1], m[2]);
    return { kind: 'ok' };
  }
  if ((m = /^admin show frontend config(?: like '([^']*)')?$/i.exec(sql))) {
    const key = m[1] ?? '';
    const value = ctx.config(key);
    return rows(CONFIG_COLUMNS, value === undefined ? [] : [[key, '[]', value, 'int', 'true', '']]);
  }
  if ((m = /^alter system drop (compute node|backend) "([^"]+)"$/i.exec(sql))) return dropNode(ctx, m[1].toLowerCase() === 'backend' ? 'be' : 'cn', m[2]);
  return error(`Getting syntax error at line 1, column 0. Detail message: the StarRocks simulator does not know this statement: ${text.slice(0, 200)}.`, ER_UNKNOWN);
}
