/**
 * `starrocks-dr snapshot enable|disable|jobs|status`: automated cluster snapshots of a live cluster, over SQL (the
 * reference document's statements), before a disaster. `status` answers "is this cluster recoverable now?" with a
 * non-zero exit (6) when it is not, so it can run as a CronJob or feed an alert.
 */
import { Command, Option } from 'commander';
import { StarRocksDrError } from '../errors';
import type { OperatorVersion, StarRocksClusterSpec } from '../model/types';
import type { SqlSession } from '../sql/connection';
import type { RecoverabilityStatus, SnapshotJob, StoreCheck } from '../sql/snapshot-status';
import { parseDuration } from './durations';
import { collect, parseOperatorVersionFlag } from './inputs';
import { kubeClientFor, openSqlSession, table, withReachOptions, type ReachCliFlags } from './sql-options';
import type { CliDeps } from './deps';

export interface SqlSnapshotFlags extends ReachCliFlags {
  values?: string[];
  namespace?: string;
  operatorVersion?: OperatorVersion;
  output: 'text' | 'json';
}

interface EnableFlags extends SqlSnapshotFlags {
  storageVolume: string;
  interval?: number;
}

interface StatusFlags extends SqlSnapshotFlags {
  maxAge?: number;
  storeCheck: boolean;
  s3Secret?: string;
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
}

function withClusterOptions(cmd: Command): Command {
  return withReachOptions(
    cmd
      .option('-f, --values <file>', 'kube-starrocks values file(s) naming the cluster (its name, namespace, FE query port); repeat like helm -f (default: the built-in reference example)', collect)
      .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', 'kubeconfig context (default: the current context)')
      .option('-n, --namespace <ns>', "namespace (default: the values' namespace, else default)")
      .option('--operator-version <version>', 'what the StarRocks operator release renders: 1.10.x or 1.11.x (default: 1.11)', parseOperatorVersionFlag)
      .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text')),
  );
}

async function withSession<T>(flags: SqlSnapshotFlags, deps: CliDeps, work: (session: SqlSession, spec: StarRocksClusterSpec, namespace: string) => Promise<T>): Promise<T> {
  const { loadInput } = require('./inputs') as typeof import('./inputs');
  const { namespaceOf } = require('../dr/plan') as typeof import('../dr/plan');
  const input = loadInput(flags.values, undefined, { operatorVersion: flags.operatorVersion });
  for (const n of input.notices) process.stderr.write(`notice: ${n}\n`);
  const namespace = namespaceOf(input.spec, flags.namespace);
  const session = await openSqlSession(kubeClientFor(flags, false, deps), input.spec, namespace, flags);
  try {
    return await work(session, input.spec, namespace);
  } finally {
    await session.close();
  }
}

/** `automated_cluster_snapshot_interval_seconds` as the FE reports it (ADMIN SHOW FRONTEND CONFIG, column Value). */
async function intervalSeconds(session: SqlSession): Promise<number | undefined> {
  const S = require('../sql/statements') as typeof import('../sql/statements');
  const { records } = require('../sql/rows') as typeof import('../sql/rows');
  const sql = S.showFrontendConfig(S.INTERVAL_CONFIG);
  const row = records(await session.query(sql, { idempotent: true }), sql, S.CONFIG_COLUMNS).find((r) => r.Key === S.INTERVAL_CONFIG);
  const n = Number(row?.Value ?? NaN);
  return Number.isFinite(n) ? n : undefined;
}

/** The server's answer when the statement changes nothing (ClusterSnapshotAnalyzer), else the error itself. */
async function admin(session: SqlSession, sql: string, alreadyText: string): Promise<boolean> {
  try {
    await session.query(sql);
    return false;
  } catch (err) {
    if (err instanceof Error && err.message.includes(alreadyText)) return true;
    throw err;
  }
}

export async function enableAction(flags: EnableFlags, deps: CliDeps = {}): Promise<void> {
  const S = require('../sql/statements') as typeof import('../sql/statements');
  let seconds: number | undefined;
  if (flags.interval !== undefined) {
    seconds = Math.round(flags.interval / 1000);
    if (seconds < 1) throw new StarRocksDrError('InvalidInput', 'must be at least 1s', { field: '--interval', fix: 'pass e.g. --interval 10m' });
  }
  await withSession(flags, deps, async (session) => {
    if (seconds !== undefined) await session.query(S.setFrontendConfig(S.INTERVAL_CONFIG, String(seconds)));
    const alreadyOn = await admin(session, S.snapshotOn(flags.storageVolume), 'has been turn on');
    const interval = await intervalSeconds(session);
    if (flags.output === 'json') {
      process.stdout.write(`${JSON.stringify({ enabled: true, alreadyOn, storageVolume: alreadyOn ? undefined : flags.storageVolume, intervalSeconds: interval, target: session.target })}\n`);
    } else {
      process.stdout.write(
        `${alreadyOn ? 'Automated cluster snapshots were already on (the storage volume is the one they were turned on with)' : `Automated cluster snapshots on, storage volume ${flags.storageVolume}`}; a snapshot every ${interval ?? '?'}s (${S.INTERVAL_CONFIG})\n`,
      );
    }
    if (seconds !== undefined) {
      process.stderr.write(`warning: --interval set ${S.INTERVAL_CONFIG} = ${seconds} on the FE it reached (${session.target}) until it restarts (ADMIN SET FRONTEND CONFIG is not persisted; the leader runs the snapshots): put "${S.INTERVAL_CONFIG} = ${seconds}" in starrocksFESpec.config to keep it\n`);
    }
  });
}

export async function disableAction(flags: SqlSnapshotFlags & { yes?: boolean }, deps: CliDeps = {}): Promise<void> {
  const S = require('../sql/statements') as typeof import('../sql/statements');
  if (!flags.yes) {
    throw new StarRocksDrError('Refused', 'ADMIN SET AUTOMATED CLUSTER SNAPSHOT OFF deletes every finished automated snapshot from the object store (ClusterSnapshotMgr.setAutomatedSnapshotOff), so the cluster is no longer recoverable from one', {
      field: 'snapshot disable',
      fix: 'copy the snapshot you want to keep out of the storage volume first, then pass --yes',
    });
  }
  await withSession(flags, deps, async (session) => {
    const alreadyOff = await admin(session, S.SNAPSHOT_OFF, 'has not been turn on');
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ enabled: false, alreadyOff, target: session.target })}\n`);
    else process.stdout.write(alreadyOff ? 'Automated cluster snapshots were already off\n' : 'Automated cluster snapshots off; StarRocks deletes the finished ones from the object store\n');
  });
}

const when = (ms?: number) => (ms === undefined ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z'));

function printJobs(jobs: readonly SnapshotJob[]): string {
  return table(
    ['NAME', 'JOB ID', 'CREATED', 'FINISHED', 'STATE', 'DETAIL', 'ERROR'],
    jobs.map((j) => [j.name, j.jobId, when(j.createdMs), when(j.finishedMs), j.state, j.detail || '-', j.error || '-']),
  );
}

export async function jobsAction(flags: SqlSnapshotFlags, deps: CliDeps = {}): Promise<void> {
  const S = require('../sql/statements') as typeof import('../sql/statements');
  const { parseJobs } = require('../sql/snapshot-status') as typeof import('../sql/snapshot-status');
  await withSession(flags, deps, async (session) => {
    const jobs = parseJobs(await session.query(S.SNAPSHOT_JOBS, { idempotent: true }));
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ jobs })}\n`);
    else process.stdout.write(`${jobs.length ? printJobs(jobs) : 'No cluster snapshot jobs (automated snapshots were never turned on, or the FE keeps none)'}\n`);
  });
}

/** Lists the store where information_schema says the newest snapshot is, with the values' (or flags') S3 access. */
async function storeCheck(flags: StatusFlags, deps: CliDeps, spec: StarRocksClusterSpec, namespace: string, storagePath: string | undefined): Promise<StoreCheck> {
  if (!flags.storeCheck) return { checked: false, why: '--no-store-check' };
  if (!storagePath) return { checked: false, why: 'information_schema.cluster_snapshots reports no STORAGE_PATH' };
  const s = require('../snapshot') as typeof import('../snapshot');
  const parsed = s.parseSnapshotPath(storagePath);
  if (!parsed) return { checked: false, why: `STORAGE_PATH ${storagePath} is not a snapshot path` };
  let secret: { data: Record<string, string>; name: string } | undefined;
  if (flags.s3Secret) {
    const { parseSecretRef } = require('../sql/reach') as typeof import('../sql/reach');
    const ref = parseSecretRef(flags.s3Secret, namespace);
    const obj = (await kubeClientFor(flags, true, deps)!.get('Secret', ref.namespace, ref.name)) as { data?: Record<string, string> } | undefined;
    if (!obj) throw new StarRocksDrError('InvalidInput', `Secret ${ref.namespace}/${ref.name} does not exist`, { field: '--s3-secret', fix: 'name an existing Secret with the S3 keys' });
    secret = { data: Object.fromEntries(Object.entries(obj.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])), name: `${ref.namespace}/${ref.name}` };
  }
  const resolved = s.resolveAccess({ spec, location: s.formatS3(parsed.volume), region: flags.region, endpoint: flags.endpoint, pathStyle: flags.pathStyle, secret });
  const lister = new s.S3Lister(resolved.access);
  try {
    const found = (await s.discoverSnapshots(lister, resolved.access.location, parsed.clusterId)).snapshots.find((x) => x.name === parsed.name && x.clusterId === parsed.clusterId);
    return { checked: true, path: storagePath, found: !!found, complete: !!found?.complete, missing: found?.missing ?? [] };
  } finally {
    lister.close();
  }
}

export async function statusAction(flags: StatusFlags, deps: CliDeps = {}): Promise<void> {
  const S = require('../sql/statements') as typeof import('../sql/statements');
  const st = require('../sql/snapshot-status') as typeof import('../sql/snapshot-status');
  const status = await withSession(flags, deps, async (session, spec, namespace) => {
    const assess = async () => {
      const jobs = st.parseJobs(await session.query(S.SNAPSHOT_JOBS, { idempotent: true }));
      const snapshots = st.parseSnapshots(await session.query(S.SNAPSHOTS, { idempotent: true }));
      const interval = await intervalSeconds(session);
      const store = await storeCheck(flags, deps, spec, namespace, snapshots[0]?.storagePath);
      return st.assessRecoverability({ jobs, snapshots, intervalMs: interval === undefined ? undefined : interval * 1000, maxAgeMs: flags.maxAge, now: Date.now(), store });
    };
    const first = await assess();
    // The next snapshot may have finished between reading the tables and listing the store: StarRocks then deletes
    // the one we read (ClusterSnapshotMgr.clearFinishedAutomatedClusterSnapshot). Read once more before saying no.
    if (first.store.checked && !first.store.found) {
      const again = st.parseSnapshots(await session.query(S.SNAPSHOTS, { idempotent: true }));
      if (again[0]?.storagePath !== first.reported?.storagePath) return assess();
    }
    return first;
  });
  printStatus(flags, status);
  if (!status.recoverable) {
    throw new StarRocksDrError('CheckFailed', `not recoverable now: ${status.reasons.join('; ')}`, {
      field: 'snapshot status',
      fix: 'turn automated snapshots on (`snapshot enable`), and look at `snapshot jobs` for failing jobs and their error',
    });
  }
}

function printStatus(flags: StatusFlags, s: RecoverabilityStatus): void {
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify(s)}\n`);
  } else {
    const lines = [`Recoverable now: ${s.recoverable ? 'yes' : 'NO'}`];
    if (s.newestFinished) lines.push(`  newest finished snapshot: ${s.newestFinished.name} (${when(s.newestFinished.createdMs)}, ${Math.round((s.ageMs ?? 0) / 1000)}s old; allowed ${Math.round(s.allowedAgeMs / 1000)}s)`);
    if (s.reported) lines.push(`  reported path: ${s.reported.storagePath}`);
    lines.push(`  object store: ${s.store.checked ? (s.store.found ? (s.store.complete ? 'the folder is there and finished' : `the folder is unfinished (missing ${s.store.missing.join(', ')})`) : 'no such folder') : `not checked (${s.store.why})`}`);
    for (const r of s.reasons) lines.push(`  why not: ${r}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  for (const w of s.warnings) process.stderr.write(`warning: ${w}\n`);
}

/** Adds enable, disable, jobs and status to the `snapshot` command. */
export function addSqlSnapshotCommands(cmd: Command, deps: CliDeps = {}): void {
  withClusterOptions(cmd.command('enable'))
    .description('turn automated cluster snapshots on (ADMIN SET AUTOMATED CLUSTER SNAPSHOT ON STORAGE VOLUME ...), optionally setting the interval')
    .option('--storage-volume <name>', 'the storage volume the snapshots go to', 'builtin_storage_volume')
    .addOption(new Option('--interval <duration>', 'automated_cluster_snapshot_interval_seconds, e.g. 10m (set until the FE restarts: keep it in the FE config too)').argParser(parseDuration))
    .action((flags: EnableFlags) => enableAction(flags, deps));
  withClusterOptions(cmd.command('disable'))
    .description('turn automated cluster snapshots off (StarRocks then deletes the finished ones from the store: needs --yes)')
    .option('--yes', 'turn them off although StarRocks deletes the finished snapshots')
    .action((flags: SqlSnapshotFlags & { yes?: boolean }) => disableAction(flags, deps));
  withClusterOptions(cmd.command('jobs'))
    .description('list information_schema.cluster_snapshot_jobs, newest first')
    .action((flags: SqlSnapshotFlags) => jobsAction(flags, deps));
  withClusterOptions(cmd.command('status'))
    .description('is the cluster recoverable now? the newest finished snapshot against the interval, failed jobs, and the object store (exit 6 when not)')
    .addOption(new Option('--max-age <duration>', 'the newest finished snapshot may be this old (default: twice automated_cluster_snapshot_interval_seconds)').argParser(parseDuration))
    .option('--no-store-check', 'do not list the object store for the reported snapshot')
    .option('--s3-secret <[namespace/]name>', "Kubernetes Secret with the S3 keys for the store check (default: the values' keys, else the AWS SDK default chain)")
    .option('--endpoint <endpoint>', 'aws.s3.endpoint for the store check (overrides the values)')
    .option('--region <region>', 'aws.s3.region for the store check (overrides the values)')
    .option('--path-style', 'path-style addressing for the store check')
    .action((flags: StatusFlags) => statusAction(flags, deps));
}
