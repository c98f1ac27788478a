/**
 * Is the restore finished, as the database itself says? Two passes, each a list of checks run in a fixed order
 * against one SQL session, each with what was expected, what was seen, and whether it passed:
 *
 * - `verifyRestore`, after the FE of the generation is Ready and before CN/BE are applied: the FE answers `SELECT 1`;
 *   `SHOW FRONTENDS` has exactly one `Role` LEADER whose `Alive` is true; every storage volume cluster_snapshot.yaml
 *   lists shows that `Location` in `DESC STORAGE VOLUME`. Why after Ready: StarRocksFEServer.start opens the query
 *   port (`qeService.start()`) before `RestoreClusterSnapshotMgr.finishRestoring()` updates frontends, compute nodes
 *   and storage volumes from cluster_snapshot.yaml (StarRocks 3.4/3.5 fe-core; each update is skipped when its list
 *   in the file is empty), so a Ready FE may not be restored yet.
 * - `verifyRollout`, after the full topology: `SHOW COMPUTE NODES` (and `SHOW BACKENDS`) has as many alive nodes as
 *   replicas, on the current pods' hosts, and reports entries left from the old cluster (dropping them only when
 *   asked); the restored snapshot's job is FINISHED in information_schema.cluster_snapshot_jobs (set so by
 *   `ClusterSnapshotMgr.setJobFinishedIfRestoredFromIt` on the first run of the checkpoint scheduler; the next
 *   automated snapshot expires it, so a newer FINISHED job also counts); then the user's own checks.
 *
 * Both wait: a pass that fails is run again every `pollMs` until all pass or `timeoutMs` is spent (0: one pass), on
 * the injected clock. A refused login or a bad check is thrown at once; a failed pass at the deadline is returned,
 * not thrown: the caller records it and picks the exit code.
 */
import { StarRocksDrError } from '../errors';
import type { Timers } from '../kube/timers';
import type { ResultSet, SqlSession } from './connection';
import { COMPUTE_NODE_NOT_FOUND, COMPUTE_NODE_NOT_FOUND_MEANING } from './errors';
import { readOnlyStatement } from './read-only';
import { isTrue, records } from './rows';
import * as S from './statements';

/** Stable tokens: what each check is, the same every run. */
export type CheckName = 'fe-answers' | 'one-leader' | 'storage-volume' | 'compute-nodes' | 'backends' | 'restored-snapshot-job' | 'user-check';

export interface CheckResult {
  readonly check: CheckName;
  /** What it is about, e.g. the storage volume's name or the user's statement. */
  readonly subject?: string;
  readonly statement: string;
  readonly expected: string;
  readonly seen: string;
  readonly passed: boolean;
}

export interface StaleNode {
  readonly kind: 'compute node' | 'backend';
  readonly host: string;
  readonly heartbeatPort: string;
  readonly alive: boolean;
  /** Dropped with ALTER SYSTEM DROP (only with `dropStaleNodes`). */
  readonly dropped: boolean;
}

export interface Verification {
  readonly passed: boolean;
  /** The last pass's checks, in order. */
  readonly checks: readonly CheckResult[];
  /** Passes run (1 when the first passed). */
  readonly passes: number;
  /** Unix ms, on the injected clock. */
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly staleNodes: readonly StaleNode[];
}

export interface WaitOptions {
  readonly timers: Timers;
  /** How long to keep trying; 0 runs one pass. @default 0 */
  readonly timeoutMs?: number;
  /** Between passes. @default 2000 */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** Called after each pass that did not pass (progress for the user). */
  readonly onPass?: (checks: readonly CheckResult[], pass: number) => void;
}

export interface ExpectedVolume {
  readonly name: string;
  readonly location: string;
}

export interface RestoreExpectations {
  /** cluster_snapshot.yaml `storage_volumes` (name, location); empty when it lists none. */
  readonly storageVolumes: readonly ExpectedVolume[];
}

export interface NodeExpectations {
  readonly replicas: number;
  /** Every name a current pod may have registered as: its FQDN, its hostname, its IP. One entry per pod. */
  readonly pods: readonly { readonly name: string; readonly hosts: readonly string[] }[];
}

export interface UserCheck {
  readonly sql: string;
  /** The first column of the first row, as text. */
  readonly expect: string;
}

export interface RolloutExpectations {
  readonly computeNodes?: NodeExpectations;
  readonly backends?: NodeExpectations;
  /** The snapshot the cluster was restored from (the last part of cluster_snapshot_path). */
  readonly restoredSnapshot?: string;
  /** Drop registered nodes that are not on a current pod's host (ALTER SYSTEM DROP). @default false */
  readonly dropStaleNodes?: boolean;
  readonly userChecks?: readonly UserCheck[];
}

/** Parses `--verify-sql` / `--expect` pairs; refuses anything but one read-only statement before anything runs. */
export function userChecks(sqls: readonly string[], expects: readonly string[]): UserCheck[] {
  if (sqls.length !== expects.length) {
    throw new StarRocksDrError('InvalidInput', `${sqls.length} --verify-sql but ${expects.length} --expect`, {
      field: '--verify-sql / --expect',
      fix: 'give each --verify-sql "SELECT ..." its own --expect <value>, in the same order',
    });
  }
  return sqls.map((sql, i) => {
    const verdict = readOnlyStatement(sql);
    if (!verdict.ok) {
      throw new StarRocksDrError('InvalidInput', `--verify-sql ${JSON.stringify(sql)} is refused: ${verdict.problem}`, {
        field: `--verify-sql[${i}]`,
        fix: 'pass one read-only statement (SELECT, WITH, SHOW, DESC or EXPLAIN) without comments, e.g. "SELECT COUNT(*) FROM quickstart.source_wiki_edit"',
      });
    }
    return { sql: verdict.statement, expect: expects[i] };
  });
}

/** A statement that failed: a failed check (with why) for answers worth waiting through, a throw for the rest. */
async function ask(session: SqlSession, sql: string): Promise<{ rs?: ResultSet; problem?: string }> {
  try {
    return { rs: await session.query(sql, { idempotent: true }) };
  } catch (err) {
    if (err instanceof StarRocksDrError && (err.code === 'InvalidInput' || err.code === 'Interrupted')) throw err;
    const text = err instanceof Error ? err.message : String(err);
    return { problem: text.includes(COMPUTE_NODE_NOT_FOUND) ? `${COMPUTE_NODE_NOT_FOUND} (${COMPUTE_NODE_NOT_FOUND_MEANING})` : text };
  }
}

const sameLocation = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

async function restorePass(session: SqlSession, expect: RestoreExpectations): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const one = await ask(session, S.SELECT_ONE);
  const value = one.rs?.rows[0]?.[0];
  out.push({ check: 'fe-answers', statement: S.SELECT_ONE, expected: '1', seen: one.problem ?? String(value), passed: value === '1' });
  if (!one.rs) return out;

  const fe = await ask(session, S.SHOW_FRONTENDS);
  if (fe.rs) {
    const rows = records(fe.rs, S.SHOW_FRONTENDS, S.FRONTEND_COLUMNS);
    const leaders = rows.filter((r) => r.Role === 'LEADER');
    const alive = leaders.filter((r) => isTrue(r.Alive));
    const seen = leaders.length === 0 ? `no LEADER among ${rows.length} frontends` : leaders.map((r) => `${r.IP} Alive ${r.Alive}`).join(', ');
    out.push({ check: 'one-leader', statement: S.SHOW_FRONTENDS, expected: 'exactly one Role LEADER, Alive true', seen, passed: leaders.length === 1 && alive.length === 1 });
  } else out.push({ check: 'one-leader', statement: S.SHOW_FRONTENDS, expected: 'exactly one Role LEADER, Alive true', seen: fe.problem!, passed: false });

  for (const v of expect.storageVolumes) {
    const sql = S.descStorageVolume(v.name);
    const r = await ask(session, sql);
    const row = r.rs ? records(r.rs, sql, S.VOLUME_COLUMNS)[0] : undefined;
    const seen = r.problem ?? (row ? `Location ${row.Location}` : 'no such storage volume');
    out.push({ check: 'storage-volume', subject: v.name, statement: sql, expected: `Location ${v.location}`, seen, passed: !!row && sameLocation(row.Location ?? '', v.location) });
  }
  return out;
}

/** Does a registered node's IP column name one of the pod's hosts (FQDN, hostname, IP)? */
function onHost(ip: string | null, hosts: readonly string[]): boolean {
  const h = (ip ?? '').toLowerCase().replace(/\.$/, '');
  // `<pod>.<service>.<namespace>.svc` matches under any cluster domain.
  return hosts.some((x) => x.toLowerCase() === h || (x.endsWith('.svc') && h.startsWith(`${x.toLowerCase()}.`)));
}

async function nodesCheck(session: SqlSession, kind: 'compute node' | 'backend', expect: NodeExpectations, drop: boolean, stale: StaleNode[]): Promise<CheckResult> {
  const sql = kind === 'compute node' ? S.SHOW_COMPUTE_NODES : S.SHOW_BACKENDS;
  const check: CheckName = kind === 'compute node' ? 'compute-nodes' : 'backends';
  const expected = `${expect.replicas} alive, one on each of ${expect.pods.map((p) => p.name).join(', ') || '(no pods)'}`;
  const r = await ask(session, sql);
  if (!r.rs) return { check, statement: sql, expected, seen: r.problem!, passed: false };
  const rows = records(r.rs, sql, S.NODE_COLUMNS);
  const missing: string[] = [];
  const down: string[] = [];
  for (const pod of expect.pods) {
    const mine = rows.filter((n) => onHost(n.IP, pod.hosts));
    if (mine.length === 0) missing.push(pod.name);
    else if (!mine.some((n) => isTrue(n.Alive))) down.push(`${pod.name} (${mine[0].ErrMsg || 'not alive'})`);
  }
  const onAPod = (ip: string | null) => expect.pods.some((p) => onHost(ip, p.hosts));
  for (const n of rows.filter((x) => !onAPod(x.IP))) {
    let dropped = false;
    if (drop) {
      await session.query(S.dropNode(kind === 'compute node' ? 'COMPUTE NODE' : 'BACKEND', n.IP ?? '', n.HeartbeatPort ?? ''));
      dropped = true;
    }
    stale.push({ kind, host: n.IP ?? '', heartbeatPort: n.HeartbeatPort ?? '', alive: isTrue(n.Alive), dropped });
  }
  const aliveOnPods = rows.filter((n) => isTrue(n.Alive) && onAPod(n.IP)).length;
  const parts = [`${aliveOnPods} alive on current pods`];
  if (missing.length) parts.push(`not registered: ${missing.join(', ')}`);
  if (down.length) parts.push(`not alive: ${down.join(', ')}`);
  const staleHere = stale.filter((s) => s.kind === kind);
  if (staleHere.length) parts.push(`${staleHere.length} left from the old cluster${drop ? ' (dropped)' : ''}: ${staleHere.map((s) => s.host).join(', ')}`);
  return { check, statement: sql, expected, seen: parts.join('; '), passed: missing.length === 0 && down.length === 0 && aliveOnPods === expect.replicas };
}

async function restoredJobCheck(session: SqlSession, name: string): Promise<CheckResult> {
  const base = { check: 'restored-snapshot-job' as const, subject: name, statement: S.SNAPSHOT_JOBS, expected: `${name} FINISHED (or a newer FINISHED job)` };
  const r = await ask(session, S.SNAPSHOT_JOBS);
  if (!r.rs) return { ...base, seen: r.problem!, passed: false };
  const jobs = records(r.rs, S.SNAPSHOT_JOBS, S.JOB_COLUMNS);
  const own = jobs.find((j) => j.SNAPSHOT_NAME === name);
  const newer = jobs.filter((j) => j.STATE === 'FINISHED' && (j.SNAPSHOT_NAME ?? '') > name);
  if (own?.STATE === 'FINISHED') return { ...base, seen: `FINISHED${own.DETAIL_INFO ? ` (${own.DETAIL_INFO})` : ''}`, passed: true };
  if (newer.length > 0) return { ...base, seen: `${own ? own.STATE : 'gone'}; newer FINISHED: ${newer.map((j) => j.SNAPSHOT_NAME).join(', ')}`, passed: true };
  return { ...base, seen: own ? `${own.STATE}${own.ERROR_MESSAGE ? `: ${own.ERROR_MESSAGE}` : ''}` : `not among ${jobs.length} jobs`, passed: false };
}

function sameValue(seen: string | null | undefined, expect: string): boolean {
  if (seen === null || seen === undefined) return expect.toUpperCase() === 'NULL';
  if (seen === expect) return true;
  const a = Number(seen);
  const b = Number(expect);
  return seen.trim() !== '' && expect.trim() !== '' && Number.isFinite(a) && Number.isFinite(b) && a === b;
}

async function rolloutPass(session: SqlSession, expect: RolloutExpectations, stale: StaleNode[]): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  stale.length = 0;
  if (expect.computeNodes) out.push(await nodesCheck(session, 'compute node', expect.computeNodes, !!expect.dropStaleNodes, stale));
  if (expect.backends) out.push(await nodesCheck(session, 'backend', expect.backends, !!expect.dropStaleNodes, stale));
  if (expect.restoredSnapshot) out.push(await restoredJobCheck(session, expect.restoredSnapshot));
  for (const c of expect.userChecks ?? []) {
    const r = await ask(session, c.sql);
    const value = r.rs?.rows[0]?.[0];
    out.push({ check: 'user-check', subject: c.sql, statement: c.sql, expected: c.expect, seen: r.problem ?? (r.rs && r.rs.rows.length === 0 ? 'no rows' : String(value)), passed: !!r.rs && r.rs.rows.length > 0 && sameValue(value, c.expect) });
  }
  return out;
}

async function untilPassed(pass: () => Promise<CheckResult[]>, opts: WaitOptions, stale: StaleNode[] = []): Promise<Verification> {
  const { timers } = opts;
  const startedAt = timers.now();
  const deadline = startedAt + (opts.timeoutMs ?? 0);
  for (let n = 1; ; n++) {
    const checks = await pass();
    const passed = checks.every((c) => c.passed);
    const done = passed || timers.now() >= deadline || opts.signal?.aborted;
    if (done) return { passed, checks, passes: n, startedAt, finishedAt: timers.now(), staleNodes: [...stale] };
    opts.onPass?.(checks, n);
    await timers.sleep(Math.min(opts.pollMs ?? 2000, Math.max(0, deadline - timers.now())), opts.signal);
  }
}

/** The FE-only checks (after the FE of the generation is Ready, before CN/BE). */
export function verifyRestore(session: SqlSession, expect: RestoreExpectations, opts: WaitOptions): Promise<Verification> {
  return untilPassed(() => restorePass(session, expect), opts);
}

/** The full-topology checks (after CN/BE are applied), the user's checks last. */
export function verifyRollout(session: SqlSession, expect: RolloutExpectations, opts: WaitOptions): Promise<Verification> {
  // Refused before anything is sent, whoever built the expectations.
  if (expect.userChecks?.length) userChecks(expect.userChecks.map((c) => c.sql), expect.userChecks.map((c) => c.expect));
  const stale: StaleNode[] = [];
  return untilPassed(() => rolloutPass(session, expect, stale), opts, stale);
}
