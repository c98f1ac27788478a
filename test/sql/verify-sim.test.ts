/**
 * The restore checks (lib/sql/verify.ts) against the simulator's StarRocks, through a port-forward to the FE pod, on
 * virtual time. What the simulated FE does follows StarRocks fe-core (3.4/3.5 line):
 * - StarRocksFEServer.start opens the query port (`qeService.start()`) before RestoreClusterSnapshotMgr
 *   `finishRestoring()`, which runs `updateFrontends`, `updateComputeNodes`, `updateStorageVolumes` from
 *   cluster_snapshot.yaml (each skipped when its list is empty): so an FE can be Ready (TCP on 9030) and not restored.
 * - ClusterSnapshotMgr.setJobFinishedIfRestoredFromIt sets the restored snapshot's job FINISHED with detail
 *   "Finished time was reset after cluster restored", on the checkpoint scheduler's first run.
 * - FrontendsProcNode.TITLE_NAMES (Role, Alive), ComputeNodeProcDir.TITLE_NAMES_SHARED_DATA (IP, Alive),
 *   DescStorageVolumeStmt (Location), FeConstants.COMPUTE_NODE_NOT_FOUND_ERROR, ErrorCode.ERR_ACCESS_DENIED_ERROR.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { StarRocksDrError } from '../../lib/errors';
import { planRecovery } from '../../lib/dr/plan';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../sim';
import { sqlSession, type SqlSession } from '../../lib/sql/connection';
import { nodeExpectations, snapshotExpectations } from '../../lib/sql/expectations';
import { feSession } from '../../lib/sql/reach';
import { userChecks, verifyRestore, verifyRollout } from '../../lib/sql/verify';
import { clientFor, recover, recoverySpec, CLUSTER, NS } from '../e2e/support';

const podReady = (p: V1Pod | undefined) => (p?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function sim(starrocks: SimulatorOptions['starrocks'] = {}): Promise<Simulator> {
  return startSimulator({ virtualTime: true, feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2, starrocks });
}

/** Applies the restore form only and waits (virtual time) for the restoring FE to be Ready; returns when it was. */
async function restoreFormReady(s: Simulator): Promise<number> {
  const client = clientFor(s);
  for (const o of planRecovery(recoverySpec()).plan.restoreObjects) await client.apply(o, 'test');
  while (!podReady(s.get('Pod', NS, `${CLUSTER}-fe-0`))) await s.timers!.sleep(100);
  return s.timers!.now();
}

function session(s: Simulator, password?: string): SqlSession {
  return sqlSession({ target: { kind: 'pod', kubeConfig: s.kubeConfig(), namespace: NS, pod: `${CLUSTER}-fe-0`, port: 9030 }, password, timers: s.timers });
}

describe('verifyRestore on the simulator: Ready is not restored', () => {
  it('a cloned snapshot: right after Ready the volume still has the old location; the check waits until finishRestoring updates it', async () => {
    const s = await sim({ restoreFinishSeconds: 30, image: { volumeLocation: 's3://old-bucket/data' } });
    const db = session(s);
    try {
      const readyAt = await restoreFormReady(s);
      const expect = snapshotExpectations(recoverySpec());
      assert.deepEqual(expect.storageVolumes, [{ name: 'builtin_storage_volume', location: 's3://xxx/data' }]);
      const first = await verifyRestore(db, expect, { timers: s.timers! });
      assert.equal(first.passed, false, 'Ready but not finished');
      assert.deepEqual(first.checks.map((c) => [c.check, c.passed]), [['fe-answers', true], ['one-leader', true], ['storage-volume', false]]);
      assert.equal(first.checks[2].seen, 'Location s3://old-bucket/data');
      const waited = await verifyRestore(db, expect, { timers: s.timers!, timeoutMs: 5 * 60_000, pollMs: 2000 });
      assert.equal(waited.passed, true, JSON.stringify(waited.checks));
      assert.ok(waited.passes > 1);
      const readyToVerified = waited.finishedAt - readyAt;
      assert.ok(readyToVerified >= 20_000 && readyToVerified <= 40_000, `verified ${readyToVerified} ms after Ready (the restore finishes 30 s after the query port opens)`);
    } finally {
      await db.close();
      await s.stop();
    }
  });

  it('gives up at its deadline with the failed check, not an exception', async () => {
    const s = await sim({ restoreFinishSeconds: 600, image: { volumeLocation: 's3://old-bucket/data' } });
    const db = session(s);
    try {
      await restoreFormReady(s);
      const v = await verifyRestore(db, snapshotExpectations(recoverySpec()), { timers: s.timers!, timeoutMs: 60_000, pollMs: 5000 });
      assert.equal(v.passed, false);
      assert.ok(v.finishedAt - v.startedAt >= 60_000 && v.finishedAt - v.startedAt < 70_000);
      assert.equal(v.checks.find((c) => !c.passed)?.check, 'storage-volume');
    } finally {
      await db.close();
      await s.stop();
    }
  });

  it('reading information_schema before any compute node is up: the check fails with what "Compute node not found" means', async () => {
    const s = await sim();
    const db = session(s);
    try {
      await restoreFormReady(s);
      const v = await verifyRollout(db, { restoredSnapshot: 'automated_cluster_snapshot_1739858235830' }, { timers: s.timers! });
      assert.equal(v.passed, false);
      assert.match(v.checks[0].seen, /^Compute node not found .*none is alive/);
    } finally {
      await db.close();
      await s.stop();
    }
  });
});

describe('verifyRollout on the simulator: the full topology', () => {
  it('compute nodes on the current pods, entries left from the old cluster reported (and dropped only when asked), the restored job FINISHED, the user checks', async () => {
    // The source cluster had 3 CNs; the new one runs 1 (the reference values).
    const s = await sim({ image: { computeNodes: 3 } });
    const db = session(s);
    try {
      await recover(s, recoverySpec());
      const client = clientFor(s);
      const cnPods = (await client.list('Pod', NS, `app.kubernetes.io/component=cn`)).items as V1Pod[];
      const expect = {
        computeNodes: nodeExpectations(1, cnPods),
        restoredSnapshot: snapshotExpectations(recoverySpec()).restoredSnapshot,
        userChecks: userChecks(['SELECT COUNT(*) FROM quickstart.source_wiki_edit', 'SELECT COUNT(*) FROM quickstart.source_wiki_edit'], ['3', '4']),
      };
      const v = await verifyRollout(db, expect, { timers: s.timers! });
      assert.deepEqual(v.checks.map((c) => [c.check, c.passed]), [['compute-nodes', true], ['restored-snapshot-job', true], ['user-check', true], ['user-check', false]]);
      assert.equal(v.checks[1].seen, 'FINISHED (Finished time was reset after cluster restored)');
      assert.equal(v.checks[3].seen, '3');
      assert.deepEqual(v.staleNodes.map((n) => [n.host.split('.')[0], n.alive, n.dropped]), [['kube-starrocks-cn-1', false, false], ['kube-starrocks-cn-2', false, false]]);

      const dropped = await verifyRollout(db, { computeNodes: expect.computeNodes, dropStaleNodes: true }, { timers: s.timers! });
      assert.equal(dropped.passed, true);
      assert.deepEqual(dropped.staleNodes.map((n) => n.dropped), [true, true]);
      assert.equal((await db.query('SHOW COMPUTE NODES')).rows.length, 1);
    } finally {
      await db.close();
      await s.stop();
    }
  });

  it('a restored cluster has the old cluster\'s users: no password is refused with that said; the password from <cluster>-credential works', async () => {
    const s = await sim({ image: { rootPassword: 'old-root-pw' } });
    try {
      await recover(s, recoverySpec());
      await assert.rejects(session(s).query('SELECT 1'), (e: unknown) => e instanceof StarRocksDrError && e.code === 'InvalidInput' && /Access denied for user 'root@.*\(using password: NO\).*restored cluster has the users/.test(e.message));
      const client = clientFor(s);
      await client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${CLUSTER}-credential`, namespace: NS }, data: { password: Buffer.from('old-root-pw').toString('base64') } }, 'test');
      const db = await feSession(client, recoverySpec(), NS, { passwordSecret: `${CLUSTER}-credential` });
      try {
        assert.match(db.target, /^pod default\/kube-starrocks-fe-\d port 9030$/);
        assert.deepEqual((await db.query('SELECT 1')).rows, [['1']]);
      } finally {
        await db.close();
      }
    } finally {
      await s.stop();
    }
  });
});
