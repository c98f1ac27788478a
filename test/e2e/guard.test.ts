/**
 * The record's identity guard on the simulator: nothing is restored over a live cluster without being asked, and a
 * record left from an earlier cluster does not make a needed restore a silent no-op (lib/dr/guard.ts).
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { Simulator } from '../../sim';
import { StarRocksDrError } from '../../lib/errors';
import { statusRecordName } from '../../lib/render/names';
import { validateForRoute } from '../../lib/dr/preflight';
import { assertFullTopology, clientFor, CLUSTER, NS, pvcUids, recordedStatus, recover, recoverySpec, startSim } from './support';

const refused = (pattern: RegExp) => (err: unknown) => err instanceof StarRocksDrError && err.code === 'Refused' && pattern.test(err.message);

describe('the record identity guard', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('records the FE metadata PVC uids and the snapshot path it restored', async () => {
    await recover(sim, recoverySpec(1));
    const cm = sim.get('ConfigMap', NS, statusRecordName(CLUSTER));
    const uids = JSON.parse(cm.data.feMetaPvcUids) as Record<string, string>;
    const live = pvcUids(sim);
    assert.ok(Object.keys(uids).length >= 1);
    for (const [name, uid] of Object.entries(uids)) {
      assert.match(name, /-meta-kube-starrocks-fe-\d+$/);
      assert.equal(live.get(name), uid);
    }
    assert.match(cm.data.snapshotPath, /^s3:\/\//);
  });

  it('record deleted after done: the rerun refuses to restore over the live cluster and changes nothing', async () => {
    await recover(sim, recoverySpec(1));
    const fe = sim.get('StatefulSet', NS, `${CLUSTER}-fe`);
    await sim.kubeConfig().makeApiClient(CoreV1Api).deleteNamespacedConfigMap({ name: statusRecordName(CLUSTER), namespace: NS });
    await assert.rejects(recover(sim, recoverySpec(1)), refused(/runs the full topology but no recovery is recorded/));
    const after = sim.get('StatefulSet', NS, `${CLUSTER}-fe`);
    assert.equal(after.metadata.generation, fe.metadata.generation, 'the FE StatefulSet was not touched');
    assert.equal(recordedStatus(sim), undefined, 'no record was invented');
  });

  it('the error says both ways forward, and --force-restore restores anyway', async () => {
    await recover(sim, recoverySpec(1));
    const pvcs = pvcUids(sim);
    await sim.kubeConfig().makeApiClient(CoreV1Api).deleteNamespacedConfigMap({ name: statusRecordName(CLUSTER), namespace: NS });
    await assert.rejects(recover(sim, recoverySpec(1)), (err: unknown) => {
      assert.ok(err instanceof StarRocksDrError);
      assert.match(err.fix, /deploy without disasterRecovery/);
      assert.match(err.fix, /--force-restore/);
      return true;
    });
    const forced = await recover(sim, recoverySpec(1), { force: true });
    assert.ok(forced.events.some((e) => e.type === 'warning' && /restoring over the running cluster/.test(e.message)));
    assert.equal(forced.events.filter((e) => e.type === 'apply' && e.form === 'restore').length, 1);
    assertFullTopology(sim, pvcs);
  });

  it('a record left from an earlier cluster (PVCs deleted) stops a same-generation run instead of skipping the restore', async () => {
    await recover(sim, recoverySpec(1));
    // The cluster is torn down and re-created: StatefulSets and PVCs go, the record stays behind.
    const apps = sim.kubeConfig().makeApiClient(AppsV1Api);
    const core = sim.kubeConfig().makeApiClient(CoreV1Api);
    for (const name of [`${CLUSTER}-fe`, `${CLUSTER}-cn`]) await apps.deleteNamespacedStatefulSet({ name, namespace: NS });
    await sim.waitFor(() => sim.list('Pod', NS).length === 0, 20_000);
    for (const pvc of sim.list('PersistentVolumeClaim', NS)) await core.deleteNamespacedPersistentVolumeClaim({ name: pvc.metadata.name, namespace: NS });
    await sim.waitFor(() => sim.list('PersistentVolumeClaim', NS).length === 0, 20_000);

    await assert.rejects(recover(sim, recoverySpec(1)), refused(/for another cluster: its FE metadata PVCs .* no longer exist/));
    assert.equal(sim.get('StatefulSet', NS, `${CLUSTER}-fe`), undefined, 'nothing was applied');
    // A higher generation is a new recovery, asked for by name.
    const two = await recover(sim, recoverySpec(2));
    assert.equal(two.status.observedGeneration, 2);
    assertFullTopology(sim);
  });

  it('a torn-down cluster whose record was deleted but whose FE metadata PVCs remain is not restored over unasked', async () => {
    await recover(sim, recoverySpec(1));
    const apps = sim.kubeConfig().makeApiClient(AppsV1Api);
    for (const name of [`${CLUSTER}-fe`, `${CLUSTER}-cn`]) await apps.deleteNamespacedStatefulSet({ name, namespace: NS });
    await sim.waitFor(() => sim.list('Pod', NS).length === 0, 20_000);
    await sim.kubeConfig().makeApiClient(CoreV1Api).deleteNamespacedConfigMap({ name: statusRecordName(CLUSTER), namespace: NS });
    const pvcs = pvcUids(sim);
    await assert.rejects(recover(sim, recoverySpec(1)), refused(/FE metadata PVCs .* exist but no recovery is recorded/));
    // synth --dr-phase auto reads the same claims (from the tree it would write) and refuses the same way.
    const { autoForm } = await import('../../lib/cli/synth-command');
    await assert.rejects(autoForm(validateForRoute(recoverySpec(1), { form: 'auto' }), { client: clientFor(sim) }), refused(/FE metadata PVCs .* exist but no recovery is recorded/));
    assert.equal(sim.get('StatefulSet', NS, `${CLUSTER}-fe`), undefined, 'nothing was applied');
    const forced = await recover(sim, recoverySpec(1), { force: true });
    assert.equal(forced.status.phase, 'done');
    assertFullTopology(sim, pvcs);
  });

  it('a mounted snapshot path that differs from the one being restored stops a resumed run', async () => {
    const spec = recoverySpec(1);
    const { runRecovery } = await import('../../lib/dr/executor');
    const { planRecovery } = await import('../../lib/dr/plan');
    const { plan } = planRecovery(spec);
    // Stop the first run once the restore form is applied (abort), then resume with another snapshot path.
    const abort = new AbortController();
    const first = runRecovery(plan, { client: clientFor(sim), signal: abort.signal, onProgress: (e) => (e.type === 'status' && e.status.phase === 'doing' ? abort.abort() : undefined) });
    await assert.rejects(first, (err: unknown) => err instanceof StarRocksDrError && err.code === 'Interrupted');
    await assert.rejects(
      runRecovery({ ...plan, snapshotPath: 's3://other-bucket/other/meta/image/automated_cluster_snapshot_1' }, { client: clientFor(sim) }),
      refused(/from another snapshot than the one now mounted/),
    );
    assert.equal(recordedStatus(sim)?.phase, 'doing');
  });
});
