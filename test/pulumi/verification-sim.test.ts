/**
 * The Pulumi route verifies the restore from the database (issue 20): the DisasterRecovery provider returns `done`
 * only after the restore checks pass, so the full topology (its dependants) waits for them; RecoveryVerification
 * runs the rollout checks and the user's after the full topology; `verify: none` records Skipped. On the simulator,
 * whose StarRocks opens its query port before its restore finishes (sim/starrocks/world.ts, after StarRocks fe-core
 * `StarRocksFEServer.start`: `qeService.start()` before `RestoreClusterSnapshotMgr.finishRestoring()`), with a
 * cloned snapshot (the storage volume's location changes at `finishRestoring`).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../lib/kube/client';
import { checkDr, checkRolloutVerify, diffRolloutVerify, verifyRollout, type DrOutputs, type RolloutVerifyInputs } from '../../lib/pulumi/dr-operations';
import { startSimulator, type Simulator } from '../../sim';
import { drInputs, providerOn, pulumiApplyFullTopology, simSeconds } from './fixtures';
import { referenceDrSpec } from '../fixtures';

const sims: Simulator[] = [];
after(async () => Promise.all(sims.map((s) => s.stop())));

async function simulator(restoreFinishSeconds: number): Promise<Simulator> {
  const sim = await startSimulator({ virtualTime: true, feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2, starrocks: { restoreFinishSeconds, image: { volumeLocation: 's3://old-bucket/data' } } });
  sims.push(sim);
  return sim;
}

const rolloutInputs = (sim: Simulator, extra: Partial<RolloutVerifyInputs> = {}): RolloutVerifyInputs => ({ spec: referenceDrSpec(), generation: 1, namespace: 'default', kubeconfig: sim.kubeConfigYaml(), timeoutSeconds: 300, ...extra });

describe('DisasterRecovery on the simulator: the restore checks before done is returned', () => {
  it('a Ready FE whose restore is still finishing: create waits for the database, then returns done with the restore verified', async () => {
    const sim = await simulator(60);
    const { outs } = await providerOn(sim.connect).create(drInputs(sim.kubeConfigYaml(), 1, { timeoutSeconds: 600 }));
    const o = outs as DrOutputs;
    assert.equal(o.phase, 'done');
    assert.equal(o.verification?.status, 'True');
    assert.equal(o.verification?.reason, 'RestoreChecksPassed');
    assert.match(o.verification!.message, /ok storage-volume builtin_storage_volume: Location s3:\/\/xxx\/data/);
    // The FE was Ready (done) well before the restore finished: the verification came about 60 s after its port opened.
    assert.ok(o.verification!.verifiedTimestamp! - o.endTimestamp! >= 45, `verified ${o.verification!.verifiedTimestamp} vs done ${o.endTimestamp}`);
    assert.equal(sim.get('StatefulSet', 'default', 'kube-starrocks-cn'), undefined, 'the provider applies no CN: the program does, after it');
  });

  it('a restore that does not finish within the timeout: a partial resource, done and Verified False in its outputs, and what to do', async () => {
    const sim = await simulator(100_000);
    await assert.rejects(providerOn(sim.connect).create(drInputs(sim.kubeConfigYaml(), 1, { timeoutSeconds: 60 })), (e: Error & { properties?: DrOutputs }) => {
      assert.match(e.message, /the database does not confirm it: 1 of 3 restore checks failed: storage-volume builtin_storage_volume/);
      assert.match(e.message, /run pulumi up again to check again, or set verify none/);
      assert.equal(e.properties?.incomplete, true, 'the next pulumi up runs again');
      assert.equal(e.properties?.phase, 'done');
      assert.deepEqual([e.properties?.verification?.status, e.properties?.verification?.reason], ['False', 'CheckFailed']);
      return true;
    });
  });

  it('verify none: no port-forward, the outputs say it was skipped', async () => {
    const sim = await simulator(100_000);
    const { outs } = await providerOn(sim.connect).create(drInputs(sim.kubeConfigYaml(), 1, { verify: 'none' }));
    assert.equal((outs as DrOutputs).phase, 'done');
    assert.deepEqual([(outs as DrOutputs).verification?.status, (outs as DrOutputs).verification?.reason], ['Unknown', 'Skipped']);
    assert.equal(Object.keys(sim.requestCounts()).filter((k) => k.includes('portforward')).length, 0);
  });

  it('check refuses a verify that is neither checks nor none, and an feAddress that is not host:port, naming the property', () => {
    const { failures } = checkDr(undefined, drInputs('', 1, { verify: 'always' as never, feAddress: 'fe:port' }));
    assert.deepEqual(failures.map((f) => f.property), ['verify', 'feAddress']);
    assert.match(failures[0].reason, /pulumi config set verify none/);
  });
});

describe('RecoveryVerification on the simulator: the rollout checks after the full topology', () => {
  it("after the program's full topology: compute nodes, the restored snapshot's job and the user's check pass; recorded AllChecksPassed", async () => {
    const sim = await simulator(5);
    await providerOn(sim.connect).create(drInputs(sim.kubeConfigYaml(), 1, { timeoutSeconds: 600 }));
    await pulumiApplyFullTopology(sim.connect({ kubeConfig: sim.kubeConfig() }) as KubeClient, 1);
    const before = simSeconds(sim);
    const { outs } = await verifyRollout(rolloutInputs(sim, { userChecks: [{ sql: 'SELECT COUNT(*) FROM quickstart.source_wiki_edit', expect: '3' }] }), { connect: sim.connect, log: () => {} });
    assert.equal(outs.verification?.reason, 'AllChecksPassed');
    assert.match(outs.verification!.message, /ok compute-nodes.*ok restored-snapshot-job.*ok user-check SELECT COUNT\(\*\) FROM quickstart\.source_wiki_edit: 3/);
    assert.ok(outs.verification!.verifiedTimestamp! >= before);
    assert.equal(sim.get('ConfigMap', 'default', 'kube-starrocks-disaster-recovery').data.verifiedTimestamp, String(outs.verification!.verifiedTimestamp));
  });

  it("a user's check that does not hold: a partial resource with Verified False; diff checks again on the next up", async () => {
    const sim = await simulator(5);
    await providerOn(sim.connect).create(drInputs(sim.kubeConfigYaml(), 1, { timeoutSeconds: 600 }));
    await pulumiApplyFullTopology(sim.connect({ kubeConfig: sim.kubeConfig() }) as KubeClient, 1);
    const inputs = rolloutInputs(sim, { timeoutSeconds: 30, userChecks: [{ sql: 'SELECT COUNT(*) FROM quickstart.source_wiki_edit', expect: '4' }] });
    await assert.rejects(verifyRollout(inputs, { connect: sim.connect, log: () => {} }), (e: Error & { properties?: { incomplete?: boolean; verification?: { reason: string } } }) => {
      assert.match(e.message, /user-check SELECT COUNT\(\*\) FROM quickstart\.source_wiki_edit \(expected 4, seen 3\)/);
      assert.equal(e.properties?.incomplete, true);
      assert.equal(e.properties?.verification?.reason, 'CheckFailed');
      assert.equal(diffRolloutVerify(e.properties as never, inputs).changes, true, 'the next pulumi up checks again');
      return true;
    });
  });

  it("check refuses a user's statement that is not one read-only statement, before anything runs", () => {
    const { failures } = checkRolloutVerify({ spec: referenceDrSpec(), generation: 1, namespace: 'default', userChecks: [{ sql: 'DROP TABLE quickstart.source_wiki_edit', expect: '0' }] });
    assert.equal(failures[0]?.property, 'userChecks');
    assert.match(failures[0].reason, /refused/);
  });
});
