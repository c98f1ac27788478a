/**
 * The pure parts of lib/sql: the read-only guard for `--verify-sql`, reading result sets by column name, and the
 * "recoverable now?" judgement of `snapshot status` (times as ClusterSnapshotJob.getInfo gives them: unix seconds,
 * CREATED_TIME = createdTimeMs / 1000; names `automated_cluster_snapshot_<ms>` from
 * ClusterSnapshotMgr.createAutomatedSnapshotJob). Plus the demo, which ends with the verification.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { StarRocksDrError } from '../../lib/errors';
import { readOnlyStatement } from '../../lib/sql/read-only';
import { records } from '../../lib/sql/rows';
import { assessRecoverability, parseJobs, timeOf, type SnapshotJob } from '../../lib/sql/snapshot-status';
import { userChecks } from '../../lib/sql/verify';
import { runDemo } from '../../lib/cli/demo-command';

describe('--verify-sql: one read-only statement, decided before anything is sent', () => {
  it('accepts reads', () => {
    for (const sql of ['SELECT COUNT(*) FROM quickstart.source_wiki_edit', 'select 1;', "SELECT user FROM t WHERE channel = 'a;b'", 'WITH x AS (SELECT 1) SELECT * FROM x', 'SHOW DATABASES', 'DESC quickstart.source_wiki_edit', 'EXPLAIN SELECT 1', 'SELECT `deleted`, is_deleted FROM t']) {
      assert.deepEqual(readOnlyStatement(sql).ok, true, sql);
    }
  });

  it('refuses writes, a second statement, comments and what a SELECT can do besides reading', () => {
    const cases: [string, RegExp][] = [
      ['DELETE FROM t', /starts with DELETE/],
      ['SELECT 1; DROP DATABASE quickstart', /more than one statement/],
      ["SELECT * FROM t INTO OUTFILE 's3://bucket/x'", /contains INTO/],
      ['SELECT * FROM t FOR UPDATE', /contains UPDATE/],
      ['SELECT 1 /*+ SET_VAR(x=1) */', /a comment/],
      ['SELECT 1 -- tail', /a comment/],
      ["SELECT 'unterminated", /unterminated string/],
      ['  ', /empty statement/],
      ['ADMIN SET AUTOMATED CLUSTER SNAPSHOT OFF', /starts with ADMIN/],
    ];
    for (const [sql, why] of cases) {
      const v = readOnlyStatement(sql);
      assert.equal(v.ok, false, sql);
      assert.match((v as { problem: string }).problem, why, sql);
    }
  });

  it('pairs each --verify-sql with its --expect, and names the refused one', () => {
    assert.throws(() => userChecks(['SELECT 1', 'SELECT 2'], ['1']), (e: unknown) => e instanceof StarRocksDrError && e.code === 'InvalidInput' && /2 --verify-sql but 1 --expect/.test(e.message));
    assert.throws(() => userChecks(['SELECT 1', 'DROP TABLE t'], ['1', '1']), (e: unknown) => e instanceof StarRocksDrError && e.field === '--verify-sql[1]');
    assert.deepEqual(userChecks(['SELECT 1;'], ['1']), [{ sql: 'SELECT 1', expect: '1' }]);
  });
});

describe('result sets by column name', () => {
  it('finds columns in any position and in either case; a missing one is one error naming it', () => {
    const rs = { columns: ['Version', 'alive', 'IP'], rows: [['3.4.1', 'true', 'h1']] };
    assert.deepEqual(records(rs, 'SHOW COMPUTE NODES', ['IP', 'Alive'])[0], { IP: 'h1', Alive: 'true', Version: '3.4.1', alive: 'true' });
    assert.throws(() => records(rs, 'SHOW COMPUTE NODES', ['IP', 'HeartbeatPort']), /SHOW COMPUTE NODES answered without column\(s\) HeartbeatPort/);
  });
});

describe('snapshot status: recoverable now?', () => {
  const NOW = Date.parse('2025-02-18T15:45:00Z');
  const job = (ms: number, state: string, error = ''): SnapshotJob => ({ name: `automated_cluster_snapshot_${ms}`, jobId: String(ms % 100000), state, createdMs: ms, detail: '', error });
  const finishedAt = NOW - 90_000;
  const reported = [{ name: `automated_cluster_snapshot_${finishedAt}`, createdMs: finishedAt, storageVolume: 'builtin_storage_volume', storagePath: `s3://b/data/u/meta/image/automated_cluster_snapshot_${finishedAt}` }];
  const store = { checked: true as const, path: reported[0].storagePath, found: true, complete: true, missing: [] };

  it('reads CLUSTER_SNAPSHOT_JOBS newest first, times from the name, else unix seconds', () => {
    const jobs = parseJobs({
      columns: ['SNAPSHOT_NAME', 'JOB_ID', 'CREATED_TIME', 'FINISHED_TIME', 'STATE', 'DETAIL_INFO', 'ERROR_MESSAGE'],
      rows: [
        ['automated_cluster_snapshot_1739864377140', '13018', '1739864377', '1739864427', 'FINISHED', '', ''],
        ['automated_cluster_snapshot_1739864488333', '13019', '1739864488', '0', 'ERROR', '', 'upload image failed'],
      ],
    });
    assert.deepEqual(jobs.map((j) => [j.jobId, j.createdMs, j.finishedMs, j.state]), [['13019', 1739864488333, undefined, 'ERROR'], ['13018', 1739864377140, 1739864427000, 'FINISHED']]);
    assert.equal(timeOf('2025-02-18 15:40:27'), Date.parse('2025-02-18T15:40:27Z'), 'the datetime form of the docs, read as UTC');
  });

  it('yes: a fresh finished snapshot the store has', () => {
    const s = assessRecoverability({ jobs: [job(finishedAt, 'FINISHED')], snapshots: reported, intervalMs: 60_000, now: NOW, store });
    assert.deepEqual([s.recoverable, s.reasons, s.allowedAgeMs, s.ageMs], [true, [], 120_000, 90_000]);
  });

  it('no: too old for twice the interval (or --max-age), none finished, or the store disagrees; failed jobs are warned about', () => {
    assert.match(assessRecoverability({ jobs: [job(finishedAt, 'FINISHED')], snapshots: reported, intervalMs: 30_000, now: NOW, store }).reasons[0], /is 2m old, more than 1m/);
    assert.equal(assessRecoverability({ jobs: [job(finishedAt, 'FINISHED')], snapshots: reported, intervalMs: 30_000, maxAgeMs: 3_600_000, now: NOW, store }).recoverable, true);
    assert.match(assessRecoverability({ jobs: [job(finishedAt, 'ERROR', 'upload image failed')], snapshots: [], now: NOW, store: { checked: false, why: 'x' } }).reasons[0], /no cluster snapshot job has FINISHED/);
    assert.match(assessRecoverability({ jobs: [job(finishedAt, 'FINISHED')], snapshots: reported, now: NOW, store: { ...store, found: false } }).reasons[0], /object store has no folder/);
    assert.match(assessRecoverability({ jobs: [job(finishedAt, 'FINISHED')], snapshots: reported, now: NOW, store: { ...store, complete: false, missing: ['VERSION'] } }).reasons[0], /unfinished \(missing VERSION\)/);
    const warned = assessRecoverability({ jobs: [job(NOW - 10_000, 'ERROR', 'upload image failed'), job(finishedAt, 'FINISHED')], snapshots: reported, intervalMs: 60_000, now: NOW, store });
    assert.equal(warned.recoverable, true);
    assert.match(warned.warnings[0], /1 snapshot job\(s\) failed since the newest finished one: .*upload image failed/);
  });
});

describe('npm run demo', () => {
  it('ends with the restore verified from the database and the reference table read back', async () => {
    let text = '';
    const out = new Writable({
      write(chunk, _e, done) {
        text += chunk.toString();
        done();
      },
    });
    await runDemo({ timeScale: 0.02, feRestoreSeconds: 10 }, out);
    assert.match(text, /^Verification from the database \(dr verify\), through pod default\/kube-starrocks-fe-0 port 9030:$/m);
    for (const check of ['fe-answers', 'one-leader', 'storage-volume builtin_storage_volume', 'compute-nodes', 'restored-snapshot-job', 'user-check']) assert.match(text, new RegExp(`^  ok     ${check}`, 'm'));
    assert.match(text, /^  2015-09-12 08:00:00 \| #ca\.wikipedia \| helloSR/m);
    assert.match(text, /^Restore verified$/m);
  });
});
