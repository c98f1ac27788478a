/**
 * The restore verified from the database, as a step of every recovery (issue 20, "During a recovery"), end to end
 * through the shipped CLI (a process, as users run it) against the simulator (1 simulated second = 20 real ms):
 * the simulated StarRocks opens its query port (Ready, as the restore form's TCP probe sees it) `restoreFinishSeconds`
 * before `RestoreClusterSnapshotMgr.finishRestoring()` would have updated the storage volumes (StarRocks fe-core
 * `StarRocksFEServer.start`: `qeService.start()` first; sim/starrocks/world.ts). A recovery must wait for the
 * database, not for Ready, before it applies the full topology; a check that never passes ends the run with exit 6
 * and the record says done and Verified False; `--verify none` skips it and says so; a port-forward the Role refuses
 * is exit 2 naming the rule.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './bin';
import { planRecovery } from '../../lib/dr/plan';
import { statusFromConfigMap } from '../../lib/dr/status-record';
import type { DrCondition } from '../../lib/dr/status';
import { KubeClient } from '../../lib/kube/client';
import { statusRecordName } from '../../lib/render/names';
import { startSimulator, type Simulator } from '../../sim';
import { REFERENCE_DR_VALUES_FILES, referenceDrSpec } from '../fixtures';

const NS = 'default';
const CLUSTER = 'kube-starrocks';
const dir = mkdtempSync(join(tmpdir(), 'srdr-verify-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A simulator whose FE finishes restoring `restoreFinishSeconds` (simulated) after its query port opens. The snapshot
 * is a cloned one (the reference document's "used for restoring a cloned snapshot"): its image has the storage
 * volume at the old cluster's location, which `finishRestoring` updates to the `storage_volumes` of
 * cluster_snapshot.yaml. (Where the location does not change, `DESC STORAGE VOLUME` cannot tell a finished restore
 * from an unfinished one; the rollout stage's snapshot job check does.)
 */
async function simulator(restoreFinishSeconds: number): Promise<{ sim: Simulator; kubeconfig: string }> {
  const sim = await startSimulator({ timeScale: 0.02, feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2, starrocks: { restoreFinishSeconds, image: { volumeLocation: 's3://old-bucket/data' } } });
  const kubeconfig = join(dir, `${sim.port}.kubeconfig`);
  writeFileSync(kubeconfig, sim.kubeConfigYaml());
  return { sim, kubeconfig };
}

/** The shipped CLI with the reference values, to its end. */
async function cli(_sim: Simulator, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli([...args, ...REFERENCE_DR_VALUES_FILES.flatMap((f) => ['-f', f])], 120_000);
}

/** `later` is printed after `earlier` (stderr carries the progress in order). */
function printedInOrder(text: string, ...parts: RegExp[]): void {
  let from = 0;
  for (const p of parts) {
    const at = text.slice(from).search(p);
    assert.ok(at >= 0, `${p} after position ${from} in:\n${text}`);
    from += at + 1;
  }
}

const record = (sim: Simulator) => statusFromConfigMap(sim.get('ConfigMap', NS, statusRecordName(CLUSTER)));
const verified = (sim: Simulator): DrCondition | undefined => record(sim).conditions.find((c) => c.type === 'Verified');

describe('dr run verifies the restore from the database before the full topology', () => {
  it('a restore that is Ready but not finished: the run waits for the database, then applies CN and verifies the rollout', async () => {
    const { sim, kubeconfig } = await simulator(40);
    try {
      const run = await cli(sim, ['dr', 'run', '--kubeconfig', kubeconfig, '--timeout', '10m', '--verify-sql', 'SELECT COUNT(*) FROM quickstart.source_wiki_edit', '--expect', '3']);
      assert.equal(run.code, 0, run.stderr);
      const status = record(sim);
      assert.equal(status.phase, 'done');
      assert.equal(verified(sim)?.status, 'True');
      assert.equal(verified(sim)?.reason, 'AllChecksPassed');
      assert.match(verified(sim)!.message, /ok fe-answers.*ok one-leader.*ok storage-volume builtin_storage_volume.*ok compute-nodes.*ok restored-snapshot-job.*ok user-check SELECT COUNT\(\*\) FROM quickstart\.source_wiki_edit: 3/);
      // It waited: the storage volume check failed at first; the full form came only once the checks passed.
      printedInOrder(run.stderr, /done: disaster recovery is done/, /restore checks, pass 1: 2 of 3 passed \(waiting for storage-volume\)/, /the restore is verified from the database: ok fe-answers/, /applying the full form/, /the rollout is verified from the database/);
      assert.ok(status.verifiedTimestamp! >= status.endTimestamp!, 'verified once done');
      const shown = await cli(sim, ['dr', 'status', '--kubeconfig', kubeconfig]);
      assert.match(shown.stdout, /verifiedTimestamp:\s+\d+/);
      assert.match(shown.stdout, /Verified: True AllChecksPassed - every check passed/);
    } finally {
      await sim.stop();
    }
  });

  it('a restore that does not finish within --timeout: exit 6, the record says done and Verified False naming the check, CN/BE not applied', async () => {
    const { sim, kubeconfig } = await simulator(100_000);
    try {
      const run = await cli(sim, ['dr', 'run', '--kubeconfig', kubeconfig, '--timeout', '15s', '-o', 'json']);
      assert.equal(run.code, 6, run.stderr);
      const last = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
      assert.equal(last.error.code, 'CheckFailed');
      assert.match(last.error.message, /the restore is done, but the database does not confirm it: 1 of 3 restore checks failed: storage-volume builtin_storage_volume/);
      assert.match(last.error.fix, /the full topology was not applied/);
      assert.equal(record(sim).phase, 'done');
      assert.equal(record(sim).verifiedTimestamp, undefined);
      assert.deepEqual([verified(sim)?.status, verified(sim)?.reason], ['False', 'CheckFailed']);
      assert.match(verified(sim)!.message, /FAILED storage-volume builtin_storage_volume/);
      assert.equal(sim.get('StatefulSet', NS, `${CLUSTER}-cn`), undefined, 'CN was held back');
      assert.equal(sim.get('StatefulSet', NS, `${CLUSTER}-fe`).spec.replicas, 1, 'the FE still runs the restore form');
    } finally {
      await sim.stop();
    }
  });

  it('--verify none: no SQL, the record and dr status say it was skipped', async () => {
    const { sim, kubeconfig } = await simulator(5);
    try {
      sim.faults.failNext(1000, { status: 403, resource: 'pods/portforward' });
      const run = await cli(sim, ['dr', 'run', '--kubeconfig', kubeconfig, '--timeout', '10m', '--verify', 'none']);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual([verified(sim)?.status, verified(sim)?.reason], ['Unknown', 'Skipped']);
      assert.equal(sim.requestCounts()['GET pods/portforward'] ?? 0, 0, 'no port-forward was opened');
      const shown = await cli(sim, ['dr', 'status', '--kubeconfig', kubeconfig]);
      assert.match(shown.stdout, /Verified: Unknown Skipped - not verified from the database, as asked \(--verify none/);
    } finally {
      await sim.stop();
    }
  });

  it('a port-forward the Role refuses: exit 2 naming pods/portforward and --verify none; the record says done and where verification stopped', async () => {
    const { sim, kubeconfig } = await simulator(5);
    try {
      sim.faults.failNext(1000, { status: 403, resource: 'pods/portforward' });
      const run = await cli(sim, ['dr', 'run', '--kubeconfig', kubeconfig, '--timeout', '10m']);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /error: pods\/portforward: .*403.*may not open a port-forward\. Fix: grant `pods\/portforward` verbs get and create .*examples\/rbac\/role\.yaml.*--verify none/);
      assert.equal(record(sim).phase, 'done');
      assert.deepEqual([verified(sim)?.status, verified(sim)?.reason], ['False', 'FeNotAsked']);
      assert.equal(sim.get('StatefulSet', NS, `${CLUSTER}-cn`), undefined, 'nothing went on after the refusal');
    } finally {
      await sim.stop();
    }
  });

  it('a --verify-sql that is not one read-only statement is refused before anything runs (exit 2)', async () => {
    const { sim, kubeconfig } = await simulator(5);
    try {
      const run = await cli(sim, ['dr', 'run', '--kubeconfig', kubeconfig, '--verify-sql', 'DROP TABLE quickstart.source_wiki_edit', '--expect', '0']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--verify-sql\[0\]: --verify-sql "DROP TABLE quickstart\.source_wiki_edit" is refused/);
      assert.equal(sim.get('ConfigMap', NS, statusRecordName(CLUSTER)), undefined, 'nothing was recorded');
      assert.equal(sim.get('StatefulSet', NS, `${CLUSTER}-fe`), undefined, 'nothing was applied');
    } finally {
      await sim.stop();
    }
  });
});

describe('dr wait (GitOps) waits for the verification before it returns', () => {
  it('the engine applied the restore form; dr wait records done, waits for the database, and returns with the restore verified', async () => {
    // 300 simulated seconds (6 s real): the CLI's start under a loaded test run must not outlast the unfinished restore.
    const { sim, kubeconfig } = await simulator(300);
    try {
      const client = KubeClient.connect({ kubeConfig: sim.kubeConfig() });
      for (const obj of planRecovery(referenceDrSpec()).plan.restoreObjects) await client.apply(obj, 'argocd-controller');
      const run = await cli(sim, ['dr', 'wait', '--kubeconfig', kubeconfig, '--timeout', '10m']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(record(sim).phase, 'done');
      assert.deepEqual([verified(sim)?.status, verified(sim)?.reason], ['True', 'RestoreChecksPassed']);
      printedInOrder(run.stderr, /done: disaster recovery is done/, /restore checks, pass 1: 2 of 3 passed \(waiting for storage-volume\)/, /the restore is verified from the database/);
      assert.equal(sim.get('StatefulSet', NS, `${CLUSTER}-cn`), undefined, 'dr wait applies nothing');
    } finally {
      await sim.stop();
    }
  });
});
