/**
 * Is this cluster recoverable now? Read from information_schema.cluster_snapshot_jobs / cluster_snapshots and
 * judged here, purely (time injected):
 *
 * - the newest FINISHED job's snapshot is younger than the allowed age (`--max-age`, else twice the snapshot
 *   interval, FE config `automated_cluster_snapshot_interval_seconds`: one missed snapshot is tolerated);
 * - the object store agrees: the STORAGE_PATH cluster_snapshots reports is there and finished (our S3 listing,
 *   lib/snapshot), when the store could be listed;
 * - jobs that failed (ERROR) since the newest FINISHED one are reported, with their message.
 *
 * Times: a job's creation time is the millisecond suffix of its name (`ClusterSnapshotMgr.createAutomatedSnapshotJob`
 * names it `automated_cluster_snapshot_<ms>`); CREATED_TIME / FINISHED_TIME are unix seconds
 * (`ClusterSnapshotJob.getInfo` divides the ms by 1000; the 3.4 docs show them as datetimes, read as UTC).
 */
import { snapshotTimeMs } from '../snapshot/location';
import type { ResultSet } from './connection';
import { records } from './rows';
import * as S from './statements';

export type JobState = 'INITIALIZING' | 'SNAPSHOTING' | 'UPLOADING' | 'FINISHED' | 'EXPIRED' | 'DELETED' | 'ERROR' | string;

export interface SnapshotJob {
  readonly name: string;
  readonly jobId: string;
  readonly state: JobState;
  /** Unix ms, when known. */
  readonly createdMs?: number;
  readonly finishedMs?: number;
  readonly detail: string;
  readonly error: string;
}

export interface ReportedSnapshot {
  readonly name: string;
  readonly createdMs?: number;
  readonly storageVolume: string;
  readonly storagePath: string;
}

/** A time column: unix seconds (3.4/3.5 fe-core), or a datetime text; 0 and empty are "not yet". */
export function timeOf(value: string | null | undefined): number | undefined {
  const v = (value ?? '').trim();
  if (v === '' || v === '0' || v === '-1' || v.toUpperCase() === 'NULL') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * (v.length >= 13 ? 1 : 1000);
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
  return Number.isFinite(t) ? t : undefined;
}

/** The jobs, newest first (by creation, then job id). */
export function parseJobs(rs: ResultSet): SnapshotJob[] {
  return records(rs, S.SNAPSHOT_JOBS, S.JOB_COLUMNS)
    .map((r) => {
      const name = r.SNAPSHOT_NAME ?? '';
      return {
        name,
        jobId: r.JOB_ID ?? '',
        state: r.STATE ?? '',
        createdMs: snapshotTimeMs(name) ?? timeOf(r.CREATED_TIME),
        finishedMs: timeOf(r.FINISHED_TIME),
        detail: r.DETAIL_INFO ?? '',
        error: r.ERROR_MESSAGE ?? '',
      };
    })
    .sort((a, b) => (b.createdMs ?? 0) - (a.createdMs ?? 0) || Number(b.jobId) - Number(a.jobId));
}

export function parseSnapshots(rs: ResultSet): ReportedSnapshot[] {
  return records(rs, S.SNAPSHOTS, S.SNAPSHOT_COLUMNS).map((r) => ({
    name: r.SNAPSHOT_NAME ?? '',
    createdMs: snapshotTimeMs(r.SNAPSHOT_NAME ?? '') ?? timeOf(r.CREATED_TIME),
    storageVolume: r.STORAGE_VOLUME ?? '',
    storagePath: r.STORAGE_PATH ?? '',
  }));
}

/** What the object store said about the reported STORAGE_PATH. */
export type StoreCheck =
  | { readonly checked: false; readonly why: string }
  | { readonly checked: true; readonly path: string; readonly found: boolean; readonly complete: boolean; readonly missing: readonly string[] };

export interface StatusInput {
  readonly jobs: readonly SnapshotJob[];
  readonly snapshots: readonly ReportedSnapshot[];
  /** `automated_cluster_snapshot_interval_seconds`, in ms, when the FE reported it. */
  readonly intervalMs?: number;
  /** `--max-age`; wins over twice the interval. */
  readonly maxAgeMs?: number;
  readonly now: number;
  readonly store: StoreCheck;
}

export interface RecoverabilityStatus {
  readonly recoverable: boolean;
  /** Why not (empty when recoverable). */
  readonly reasons: readonly string[];
  readonly warnings: readonly string[];
  readonly newestFinished?: SnapshotJob;
  readonly ageMs?: number;
  readonly allowedAgeMs: number;
  /** ERROR jobs newer than the newest FINISHED one. */
  readonly failedSince: readonly SnapshotJob[];
  readonly reported?: ReportedSnapshot;
  readonly store: StoreCheck;
}

/** StarRocks' default interval (Config.automated_cluster_snapshot_interval_seconds = 600). */
export const DEFAULT_INTERVAL_MS = 600_000;

const human = (ms: number) => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)}h` : ms >= 60_000 ? `${Math.round(ms / 60_000)}m` : `${Math.round(ms / 1000)}s`);

export function assessRecoverability(input: StatusInput): RecoverabilityStatus {
  const allowedAgeMs = input.maxAgeMs ?? 2 * (input.intervalMs ?? DEFAULT_INTERVAL_MS);
  const reasons: string[] = [];
  const warnings: string[] = [];
  const newestFinished = input.jobs.find((j) => j.state === 'FINISHED');
  const failedSince = input.jobs.filter((j) => j.state === 'ERROR' && (!newestFinished || (j.createdMs ?? 0) > (newestFinished.createdMs ?? 0)));
  const ageMs = newestFinished?.createdMs === undefined ? undefined : Math.max(0, input.now - newestFinished.createdMs);
  const reported = input.snapshots[0];
  if (!newestFinished) reasons.push(input.jobs.length === 0 ? 'no cluster snapshot job ran (are automated snapshots on? `snapshot enable`)' : 'no cluster snapshot job has FINISHED');
  else if (ageMs !== undefined && ageMs > allowedAgeMs) reasons.push(`the newest finished snapshot ${newestFinished.name} is ${human(ageMs)} old, more than ${human(allowedAgeMs)}`);
  if (newestFinished && !reported) reasons.push('information_schema.cluster_snapshots lists no snapshot (automated snapshots are off, or none finished since they were turned on)');
  if (failedSince.length > 0) warnings.push(`${failedSince.length} snapshot job(s) failed since the newest finished one: ${failedSince.map((j) => `${j.name}: ${j.error || 'no message'}`).join('; ')}`);
  const store = input.store;
  if (store.checked) {
    if (!store.found) reasons.push(`the object store has no folder at ${store.path}`);
    else if (!store.complete) reasons.push(`the object store's folder ${store.path} is unfinished (missing ${store.missing.join(', ')})`);
  } else warnings.push(`the object store was not checked: ${store.why}`);
  return { recoverable: reasons.length === 0, reasons, warnings, newestFinished, ageMs, allowedAgeMs, failedSince, reported, store };
}
