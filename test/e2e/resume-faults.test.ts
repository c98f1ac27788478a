/**
 * Resuming, rerunning and hand-editing, the way users and faults do it, on the simulator's virtual time: a run that
 * times out and a rerun that finds the FE Ready, a rerun after the values were fixed, the record edited by hand
 * before and during a run, `dr wait` started after a GitOps engine applied the restore form.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubernetesObjectApi, Watch } from '@kubernetes/client-node';
import { startSimulator, type Simulator } from '../../sim';
import { StarRocksDrError } from '../../lib/errors';
import { planRecovery } from '../../lib/dr/plan';
import { runRecovery, FIELD_MANAGER } from '../../lib/dr/executor';
import { statusFromConfigMap } from '../../lib/dr/status-record';
import { statusRecordName } from '../../lib/render/names';
import type { DisasterRecoveryStatus } from '../../lib/dr/status';
import type { StarRocksClusterSpec } from '../../lib/model/types';
import { assertFullTopology, clientFor, CLUSTER, NS, recordedStatus, recover, recoverySpec, untilPhase } from './support';

const RECORD = statusRecordName(CLUSTER);

function startSim(feRestoreSeconds = 40): Promise<Simulator> {
  return startSimulator({ virtualTime: true, feRestoreSeconds, feStartupSeconds: 2, backendStartupSeconds: 2 });
}

async function failureOf(p: Promise<unknown>): Promise<StarRocksDrError> {
  return p.then(
    () => assert.fail('expected the run to fail'),
    (e: unknown) => e as StarRocksDrError,
  );
}

/**
 * A hand edit of the record, as `kubectl edit` sends it: a PUT of the whole object with some keys changed, on the
 * version read (kubectl edit says the object was modified and has the user edit again on a 409: so does this).
 */
export async function handEdit(sim: Simulator, edit: (data: Record<string, string>) => void): Promise<void> {
  const objects = KubernetesObjectApi.makeApiClient(sim.kubeConfig());
  for (;;) {
    const cm = (await objects.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: RECORD, namespace: NS } })) as { data: Record<string, string> };
    edit(cm.data);
    try {
      await objects.replace(cm as never, undefined, undefined, 'kubectl-edit');
      return;
    } catch (e) {
      if ((e as { code?: number }).code !== 409) throw e;
    }
  }
}

function rawRecord(sim: Simulator): Record<string, string> {
  return { ...sim.get('ConfigMap', NS, RECORD).data };
}

const fePodReady = (sim: Simulator) => sim.get('Pod', NS, `${CLUSTER}-fe-0`)?.status?.containerStatuses?.find((c: { name: string }) => c.name === 'fe')?.ready === true;

describe('a rerun that finds the FE already Ready records done with the identity', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('timed out, FE Ready meanwhile, rerun: done names the FE metadata PVCs, so a re-created cluster is refused, not skipped', async () => {
    const timedOut = await failureOf(recover(sim, recoverySpec(1), { timeoutMs: 5_000 }));
    assert.equal(timedOut.code, 'Timeout');
    await sim.waitFor(() => fePodReady(sim), 30_000);
    const { status } = await recover(sim, recoverySpec(1));
    assert.equal(status.phase, 'done');
    const uids = JSON.parse(rawRecord(sim).feMetaPvcUids ?? '{}') as Record<string, string>;
    assert.ok(Object.keys(uids).length > 0, `done carries feMetaPvcUids, got ${JSON.stringify(rawRecord(sim))}`);
    // The cluster is re-created: StatefulSets and PVCs deleted. The same generation must not be taken as done here.
    const objects = KubernetesObjectApi.makeApiClient(sim.kubeConfig());
    for (const sts of sim.list('StatefulSet', NS)) await objects.delete({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: sts.metadata.name, namespace: NS } });
    await sim.waitFor(() => sim.list('Pod', NS).length === 0, 30_000);
    for (const pvc of sim.list('PersistentVolumeClaim', NS)) await objects.delete({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: pvc.metadata.name, namespace: NS } });
    await sim.waitFor(() => sim.list('PersistentVolumeClaim', NS).length === 0, 30_000);
    const refused = await failureOf(recover(sim, recoverySpec(1), { timeoutMs: 60_000 }));
    assert.equal(refused.code, 'Refused', refused.message);
    assert.match(refused.message, /no longer exist/);
    assert.equal(sim.list('StatefulSet', NS).length, 0, 'nothing applied');
  });

  it('a run that takes the lease over from a paused holder and finds the FE Ready records done with the identity', async () => {
    // The holder applied the restore form and stopped renewing (paused) before the FE was Ready.
    const paused = new AbortController();
    const { plan } = planRecovery(recoverySpec(1));
    const first = runRecovery(plan, { client: clientFor(sim), holder: 'paused-run', timeoutMs: 600_000, signal: paused.signal });
    await untilPhase(sim, 'doing');
    const lease = sim.get('Lease', NS, `${CLUSTER}-starrocks-dr`);
    paused.abort();
    await first.catch(() => undefined);
    // Put the lease back as the paused holder left it: held, not renewed.
    sim.seed([{ ...lease, metadata: { ...lease.metadata, resourceVersion: undefined } }]);
    await sim.waitFor(() => fePodReady(sim), 60_000);
    const { status, events } = await recover(sim, recoverySpec(1), { holder: 'taker' });
    assert.ok(events.some((e) => e.type === 'waiting' && /held by paused-run/.test(e.message)), 'it waited for the paused holder');
    assert.equal(status.phase, 'done');
    assert.ok(Object.keys(JSON.parse(rawRecord(sim).feMetaPvcUids ?? '{}')).length > 0, 'done carries feMetaPvcUids');
  });
});

describe('a rerun after the values were fixed applies them', () => {
  it('FE mounts a ConfigMap that does not exist: the wait says FailedMount; Ctrl-C, fix the values, rerun: the fix is applied and the run ends done', async () => {
    const sim = await startSim(10);
    try {
      const base = recoverySpec(1);
      const broken: StarRocksClusterSpec = {
        ...base,
        starRocksFeSpec: { ...base.starRocksFeSpec, configMaps: [...(base.starRocksFeSpec.configMaps ?? []), { name: 'fe-extra', mountPath: '/opt/starrocks/fe/extra' }] },
      };
      const fixed: StarRocksClusterSpec = { ...broken, configMaps: [...(broken.configMaps ?? []), { name: 'fe-extra', data: { 'extra.conf': 'x = 1\n' } }] };
      const interrupt = new AbortController();
      const messages: string[] = [];
      const { plan } = planRecovery(broken);
      const first = runRecovery(plan, {
        client: clientFor(sim),
        timeoutMs: 600_000,
        signal: interrupt.signal,
        onProgress: (e) => {
          if (e.type === 'waiting') messages.push(e.message);
        },
      });
      await sim.waitFor(() => messages.some((m) => /FailedMount/.test(m)), 30_000);
      assert.ok(messages.some((m) => /FailedMount: MountVolume\.SetUp failed for volume .*configmap "fe-extra" not found/.test(m)), messages.join('\n'));
      await sim.waitFor(() => recordedStatus(sim)?.conditions.some((c) => c.type === 'FeRestored' && c.reason === 'FailedMount') === true, 30_000);
      interrupt.abort();
      assert.equal((await failureOf(first)).code, 'Interrupted');
      const start = recordedStatus(sim)!.startTimestamp;

      const { status, events } = await recover(sim, fixed, { timeoutMs: 600_000 });
      assert.equal(status.phase, 'done');
      assert.equal(status.startTimestamp, start, 'the same recovery, resumed');
      assert.ok(sim.get('ConfigMap', NS, 'fe-extra'), 'the fixed values were applied');
      assert.equal(events.filter((e) => e.type === 'apply' && e.form === 'restore').length, 1, 'the restore form was applied once, then waited on');
      assertFullTopology(sim);
    } finally {
      await sim.stop();
    }
  });
});

describe('a record edited by hand is checked, never silently rewritten', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('phase: done set by hand mid-run (no endTimestamp): the run stops with an error naming data.endTimestamp and leaves the edit as it is', async () => {
    const run = recover(sim, recoverySpec(1), { timeoutMs: 600_000 });
    await untilPhase(sim, 'doing');
    await handEdit(sim, (d) => void (d.phase = 'done'));
    const edited = rawRecord(sim);
    const err = await failureOf(run);
    assert.match(err.message, /data\.endTimestamp/);
    assert.match(err.message, /changed while this run was acting/);
    assert.notEqual(err.code, 'InvalidInput', 'not exit 2: this run had changed the cluster');
    assert.deepEqual(rawRecord(sim), edited, 'the record was not rewritten');
  });

  it('observedGeneration: 0 set by hand before a rerun: exit 2 naming the key, startTimestamp kept, nothing applied', async () => {
    const interrupt = new AbortController();
    const first = recover(sim, recoverySpec(1), { signal: interrupt.signal });
    await untilPhase(sim, 'doing');
    interrupt.abort();
    await first.catch(() => undefined);
    await handEdit(sim, (d) => void (d.observedGeneration = '0'));
    const edited = rawRecord(sim);
    sim.resetRequestCounts();
    const err = await failureOf(recover(sim, recoverySpec(1)));
    assert.equal(err.code, 'InvalidInput', err.message);
    assert.match(err.message, /data\.observedGeneration/);
    assert.deepEqual(rawRecord(sim), edited, 'startTimestamp and the rest are left as they are');
    assert.equal(sim.requestCounts()['PATCH statefulsets'] ?? 0, 0, 'nothing applied');
  });

  it('observedGeneration raised to 5 by hand mid-run: the error says what the run had done, not "nothing was changed" (not exit 2)', async () => {
    const run = recover(sim, recoverySpec(1), { timeoutMs: 600_000 });
    await untilPhase(sim, 'doing');
    await handEdit(sim, (d) => void (d.observedGeneration = '5'));
    const err = await failureOf(run);
    assert.equal(err.code, 'Contended', err.message);
    assert.match(err.message, /applied the restore form/);
    assert.equal(rawRecord(sim).observedGeneration, '5');
  });
});

describe('dr wait started after the GitOps engine applied the restore form', () => {
  it('records the start the cluster shows (the restore pod), says what it sees first, and never records NoPods for a pod that exists', async () => {
    const sim = await startSim(30);
    try {
      const versions: DisasterRecoveryStatus[] = [];
      const watch = await new Watch(sim.kubeConfig()).watch(`/api/v1/namespaces/${NS}/configmaps`, { fieldSelector: `metadata.name=${RECORD}` }, (type, obj) => {
        if (type === 'ADDED' || type === 'MODIFIED') versions.push(statusFromConfigMap(obj));
      }, () => undefined);
      // The GitOps engine (kubectl apply --server-side) applies the restore form; dr wait starts 7 s later.
      const client = clientFor(sim);
      const { plan } = planRecovery(recoverySpec(1));
      for (const obj of plan.restoreObjects) await client.apply(obj, 'argocd-controller');
      await sim.waitFor(() => !!sim.get('Pod', NS, `${CLUSTER}-fe-0`), 30_000);
      const podCreated = Math.floor(Date.parse(sim.get('Pod', NS, `${CLUSTER}-fe-0`).metadata.creationTimestamp) / 1000);
      await sim.timers!.sleep(7_000);
      const { status, events } = await recover(sim, recoverySpec(1), { mode: 'observe' });
      watch.abort();
      assert.equal(status.phase, 'done');
      assert.equal(status.startTimestamp, podCreated, 'the start is when the restore pod was created, not when dr wait started');
      const first = events.find((e) => e.type === 'waiting')!;
      assert.match(first.message, /restore form of generation 1; pod kube-starrocks-fe-0/);
      assert.doesNotMatch(first.message, /no FE pod/);
      const noPods = versions.filter((v) => v.conditions.some((c) => c.type === 'FeRestored' && c.reason === 'NoPods'));
      assert.deepEqual(noPods, [], 'FeRestored=False/NoPods was never recorded while the pod existed');
      assert.equal(FIELD_MANAGER, 'starrocks-dr');
    } finally {
      await sim.stop();
    }
  });

  it('a dr wait that times out in todo records why (the restore form is not applied) and points at the GitOps engine', async () => {
    const sim = await startSim(30);
    try {
      const err = await failureOf(recover(sim, recoverySpec(1), { mode: 'observe', timeoutMs: 10_000 }));
      assert.equal(err.code, 'Timeout');
      assert.match(err.message, /GitOps engine/);
      assert.doesNotMatch(err.message, /look at the FE pod/);
      const status = recordedStatus(sim)!;
      assert.equal(status.phase, 'todo');
      assert.equal(status.reason, 'waiting for the restore form to be applied');
    } finally {
      await sim.stop();
    }
  });
});
