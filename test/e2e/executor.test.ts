/**
 * The DR executor against the simulator, through the real @kubernetes/client-node: the cases issue 4 asks for.
 * Every case ends with the same invariants: PVC uids unchanged, no RESTORE_* env once done, status consistent.
 */
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator } from '../../sim';
import { StarRocksDrError } from '../../lib/errors';
import { assertFullTopology, clientFor, NS, CLUSTER, pvcUids, recordedStatus, recover, recoverySpec, startSim, untilPhase } from './support';
import { planRecovery } from '../../lib/dr/plan';
import { runRecovery } from '../../lib/dr/executor';
import { AppsV1Api } from '@kubernetes/client-node';

describe('dr run on the simulator', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(async () => {
    await sim.stop();
  });
  after(() => undefined);

  it('restores a fresh cluster: todo -> doing -> done, then the full topology', async () => {
    const { status, events } = await recover(sim, recoverySpec(1));
    const phases = events.filter((e) => e.type === 'status').map((e) => (e.type === 'status' ? e.status.phase : ''));
    assert.deepEqual([...new Set(phases)], ['todo', 'doing', 'done']);
    assert.equal(status.observedGeneration, 1);
    assert.equal(status.reason, 'disaster recovery is done');
    assertFullTopology(sim);
    // The restore ran with one FE before CN existed: the first apply was the restore form.
    const applies = events.filter((e) => e.type === 'apply').map((e) => (e.type === 'apply' ? e.form : ''));
    assert.deepEqual(applies, ['restore', 'full']);
    assert.equal(sim.list('PersistentVolumeClaim', NS).length, 3 * 2 + 2, 'FE meta+log x3, CN data+log x1');
  });

  it('re-runs for generation 2 on a running cluster, keeping every PVC', async () => {
    const first = await recover(sim, recoverySpec(1));
    const pvcs = pvcUids(sim);
    const second = await recover(sim, recoverySpec(2));
    assert.equal(second.status.observedGeneration, 2);
    assert.ok(second.status.startTimestamp >= first.status.endTimestamp!);
    assertFullTopology(sim, pvcs);
  });

  it('does not run a finished generation again', async () => {
    await recover(sim, recoverySpec(1));
    const before = recordedStatus(sim);
    const again = await recover(sim, recoverySpec(1));
    assert.deepEqual(again.events.filter((e) => e.type === 'apply'), []);
    assert.equal(again.status.startTimestamp, before!.startTimestamp);
  });

  it('refuses a generation that goes down, changing nothing', async () => {
    await recover(sim, recoverySpec(2));
    const before = recordedStatus(sim);
    await assert.rejects(recover(sim, recoverySpec(1)), (err: unknown) => err instanceof StarRocksDrError && err.code === 'GenerationWentDown');
    assert.deepEqual(recordedStatus(sim), before);
  });

  it('surfaces a crashlooping FE and times out with status left at doing', async () => {
    sim.pods.inject(/^kube-starrocks-fe-0$/, 'CrashLoopBackOff');
    await assert.rejects(recover(sim, recoverySpec(1), { timeoutMs: 2 * 60_000 }), (err: unknown) => {
      assert.ok(err instanceof StarRocksDrError);
      assert.equal(err.code, 'Timeout');
      assert.match(err.message, /CrashLoopBackOff/);
      assert.match(err.message, /StatefulSet\/kube-starrocks-fe/);
      return true;
    });
    const status = recordedStatus(sim)!;
    assert.equal(status.phase, 'doing');
    assert.equal(status.conditions.find((c) => c.type === 'FeRestored')?.reason, 'CrashLoopBackOff');
    // Fix the cause and rerun: it resumes with the same startTimestamp.
    sim.pods.clear();
    const pods = sim.list('Pod', NS).filter((p) => p.metadata.name.startsWith(`${CLUSTER}-fe`));
    assert.ok(pods.length > 0);
    const resumed = await recover(sim, recoverySpec(1));
    assert.equal(resumed.status.startTimestamp, status.startTimestamp);
    assertFullTopology(sim);
  });

  it('survives dropped watches and an expired watch history mid-wait', async () => {
    const run = recover(sim, recoverySpec(1));
    await untilPhase(sim, 'doing');
    const before = sim.requestCounts();
    sim.faults.dropWatches();
    sim.faults.expireHistory();
    sim.faults.dropWatches();
    const { status } = await run;
    assert.equal(status.phase, 'done');
    assertFullTopology(sim);
    // The faults hit: the pod watch was opened again, and the expired version made the client list again (410 -> relist).
    const after = sim.requestCounts();
    assert.ok((after['WATCH pods'] ?? 0) > (before['WATCH pods'] ?? 0), 'the pod watch was re-opened');
    assert.ok((after['LIST pods'] ?? 0) > (before['LIST pods'] ?? 0), 'the pods were listed again after 410 Expired');
  });

  it('rides through 429 and 5xx bursts on apply', async () => {
    sim.faults.failNext(3, { status: 429, retryAfterSeconds: 1, verb: 'PATCH' });
    sim.faults.failNext(2, { status: 503, verb: 'PATCH' });
    const { status } = await recover(sim, recoverySpec(1));
    assert.equal(status.phase, 'done');
    assert.equal(sim.faults.unserved(), 0, 'all five injected failures were answered');
    assertFullTopology(sim);
  });

  it('survives an API server restart mid-wait', async () => {
    const run = recover(sim, recoverySpec(1));
    await untilPhase(sim, 'doing');
    const pvcs = pvcUids(sim);
    const before = sim.requestCounts();
    await sim.restart({ downMs: 300 });
    const { status } = await run;
    assert.equal(status.phase, 'done');
    assertFullTopology(sim, pvcs);
    // The restart hit the wait: its watches were cut and opened again on the restarted server.
    const after = sim.requestCounts();
    assert.ok((after['WATCH pods'] ?? 0) > (before['WATCH pods'] ?? 0), 'the pod watch was re-opened after the restart');
  });

  it('resumes an interrupted run (aborted mid-wait) with the same startTimestamp', async () => {
    const abort = new AbortController();
    const { plan } = planRecovery(recoverySpec(1));
    const run = runRecovery(plan, { client: clientFor(sim), timeoutMs: 30_000, signal: abort.signal });
    await untilPhase(sim, 'doing');
    abort.abort();
    await assert.rejects(run);
    const interrupted = recordedStatus(sim)!;
    assert.equal(interrupted.phase, 'doing');
    const { status } = await recover(sim, recoverySpec(1));
    assert.equal(status.startTimestamp, interrupted.startTimestamp);
    assertFullTopology(sim);
  });

  it('the record deleted while the run waits: written again with its startTimestamp, and the run finishes (issue 19)', async () => {
    const events: { type: string; message?: string }[] = [];
    const { plan } = planRecovery(recoverySpec(1));
    // The FE stays unready until the record is gone, so the deletion lands while the run waits (not after it).
    sim.pods.inject(`${CLUSTER}-fe-0`, 'NeverReady');
    const run = runRecovery(plan, { client: clientFor(sim), timeoutMs: 10 * 60_000, onProgress: (e) => events.push(e) });
    await untilPhase(sim, 'doing');
    const started = recordedStatus(sim)!.startTimestamp;
    const kc = sim.kubeConfig();
    const { CoreV1Api } = await import('@kubernetes/client-node');
    await kc.makeApiClient(CoreV1Api).deleteNamespacedConfigMap({ name: `${CLUSTER}-disaster-recovery`, namespace: NS });
    sim.pods.clear(`${CLUSTER}-fe-0`);
    const status = await run;
    assert.equal(status.phase, 'done');
    assert.equal(recordedStatus(sim)!.startTimestamp, started, 'the record written again keeps the original startTimestamp');
    assert.ok(events.some((e) => e.type === 'warning' && /was deleted while this run worked/.test(e.message ?? '')), 'the run says the record was deleted');
    assertFullTopology(sim);
  });
});

describe('dr run against a controller that keeps rewriting the FE StatefulSet', () => {
  it('stops with an error that names the StatefulSet and says what to pause, status left recorded', async () => {
    const sim = await startSim();
    try {
      const { plan } = planRecovery(recoverySpec(1));
      const full = plan.fullObjects.find((o) => o.kind === 'StatefulSet' && o.metadata?.name === `${CLUSTER}-fe`)!;
      const apps = sim.kubeConfig().makeApiClient(AppsV1Api);
      let stop = false;
      // A stand-in for an auto-syncing GitOps engine: whenever the restore env shows up, put the full form back.
      const fighter = (async () => {
        while (!stop) {
          await sim.waitFor(() => stop || JSON.stringify(sim.get('StatefulSet', NS, `${CLUSTER}-fe`) ?? {}).includes('RESTORE_CLUSTER_GENERATION'), 30_000).catch(() => undefined);
          if (stop) break;
          const live = sim.get('StatefulSet', NS, `${CLUSTER}-fe`);
          await apps.replaceNamespacedStatefulSet({ name: live.metadata.name, namespace: NS, body: { ...full, metadata: { ...full.metadata, resourceVersion: live.metadata.resourceVersion } } as never }).catch(() => undefined);
        }
      })();
      await assert.rejects(runRecovery(plan, { client: clientFor(sim), timeoutMs: 20_000 }), (err: unknown) => {
        assert.ok(err instanceof StarRocksDrError);
        assert.match(err.message, /StatefulSet\/kube-starrocks-fe: the restore form did not stick.*Fix: something else is rewriting/);
        return true;
      });
      stop = true;
      await fighter;
      assert.ok(recordedStatus(sim), 'where it stopped is recorded');
    } finally {
      await sim.stop();
    }
  });
});

describe('dr run with waitForFullRollout (operator v1.11)', () => {
  it('applies the CN StatefulSet only once the FE StatefulSet has rolled out', async () => {
    const sim = await startSim();
    try {
      const { rolledOut } = await import('../../lib/dr/policy');
      // Seen from the API server: the FE's state at the moment the CN StatefulSet first exists.
      let feWhenCnAppeared: unknown;
      const watcher = sim.waitFor(() => {
        if (sim.get('StatefulSet', NS, `${CLUSTER}-cn`) && feWhenCnAppeared === undefined) feWhenCnAppeared = structuredClone(sim.get('StatefulSet', NS, `${CLUSTER}-fe`));
        return feWhenCnAppeared !== undefined;
      }, 60_000);
      await recover(sim, { ...recoverySpec(1), waitForFullRollout: true });
      await watcher;
      const fe = feWhenCnAppeared as { spec: { replicas: number } };
      assert.equal(fe.spec.replicas, 3, 'the FE was already in its full form');
      assert.ok(rolledOut(fe as never), 'and rolled out, when the CN StatefulSet was created');
      assertFullTopology(sim);
    } finally {
      await sim.stop();
    }
  });
});
