/**
 * The DisasterRecovery provider's methods, called directly (as the host would after deserializing them) against the
 * Kubernetes simulator: create, diff, update, read, delete, a timeout, check. The simulator runs on virtual time, and
 * so does the provider's client (the operations connect through `sim.connect`: fixtures.ts `providerOn`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { disasterRecoveryProvider as provider } from '../../lib/pulumi/disaster-recovery-provider';
import type { DrOutputs } from '../../lib/pulumi/dr-operations';
import { startSimulator, type Simulator } from '../../sim';
import { drInputs, providerOn, simSeconds, restoreEnv } from './fixtures';
import { referenceDrSpec } from '../fixtures';

const RECORD = 'kube-starrocks-disaster-recovery';

describe('DisasterRecovery provider on the simulator', () => {
  let sim: Simulator;
  /** create/update/read/delete as the provider delegates them, on the simulator's clock and transport (fixtures.ts). */
  const onSim = () => providerOn(sim.connect);
  let gen1: DrOutputs;
  before(async () => {
    sim = await startSimulator({ virtualTime: true, feRestoreSeconds: 10 });
  });
  after(async () => sim.stop());

  it('create for generation 1 restores the FE and records done, leaving the full form to Pulumi', async () => {
    const before = simSeconds(sim);
    const { id, outs } = await onSim().create(drInputs(sim.kubeConfigYaml(), 1));
    const afterwards = simSeconds(sim);
    gen1 = outs as DrOutputs;
    assert.equal(id, 'default/kube-starrocks');
    assert.equal(gen1.phase, 'done');
    assert.equal(gen1.reason, 'disaster recovery is done');
    assert.equal(gen1.observedGeneration, 1);
    assert.ok(gen1.startTimestamp >= before && gen1.startTimestamp <= afterwards, `start ${gen1.startTimestamp} in [${before}, ${afterwards}]`);
    assert.ok(gen1.endTimestamp! >= gen1.startTimestamp && gen1.endTimestamp! <= afterwards);
    // The record in the cluster says the same.
    const cm = sim.get('ConfigMap', 'default', RECORD);
    assert.equal(cm.data.phase, 'done');
    assert.equal(Number(cm.data.startTimestamp), gen1.startTimestamp);
    // Stopped at done: the FE still runs the restore form (1 replica, restore env); no CN yet.
    const sts = sim.get('StatefulSet', 'default', 'kube-starrocks-fe');
    assert.equal(sts.spec.replicas, 1);
    assert.deepEqual(restoreEnv(sts).map((e) => `${e.name}=${e.value}`), ['RESTORE_CLUSTER_GENERATION=1', 'RESTORE_CLUSTER_SNAPSHOT=true']);
    assert.equal(sim.get('StatefulSet', 'default', 'kube-starrocks-cn'), undefined);
  });

  it('diff: the same generation is no change, a higher one is', async () => {
    const same = await provider.diff!('default/kube-starrocks', gen1, drInputs(sim.kubeConfigYaml(), 1));
    assert.equal(same.changes, false);
    assert.deepEqual(same.replaces, []);
    const higher = await provider.diff!('default/kube-starrocks', gen1, drInputs(sim.kubeConfigYaml(), 2));
    assert.equal(higher.changes, true);
    assert.deepEqual(higher.replaces, []);
    // An unfinished run of the same generation (a partial create) is a change: the next up resumes it.
    const partial = await provider.diff!('default/kube-starrocks', { ...gen1, phase: 'doing' }, drInputs(sim.kubeConfigYaml(), 1));
    assert.equal(partial.changes, true);
  });

  it('read reports the recorded status', async () => {
    const { id, props } = await onSim().read('default/kube-starrocks', gen1);
    assert.equal(id, 'default/kube-starrocks');
    assert.equal(props.phase, 'done');
    assert.equal(props.startTimestamp, gen1.startTimestamp);
    assert.equal(props.endTimestamp, gen1.endTimestamp);
  });

  it('update to generation 2 runs a new recovery', async () => {
    const { outs } = await onSim().update('default/kube-starrocks', gen1, drInputs(sim.kubeConfigYaml(), 2));
    assert.equal(outs.phase, 'done');
    assert.equal(outs.observedGeneration, 2);
    assert.ok(outs.startTimestamp >= gen1.endTimestamp!, 'a new startTimestamp');
    const sts = sim.get('StatefulSet', 'default', 'kube-starrocks-fe');
    assert.equal(restoreEnv(sts).find((e) => e.name === 'RESTORE_CLUSTER_GENERATION')?.value, '2');
    const pod = sim.get('Pod', 'default', 'kube-starrocks-fe-0');
    const fe = (pod.spec.containers as Array<{ name: string; env?: Array<{ name: string; value?: string }> }>).find((c) => c.name === 'fe')!;
    assert.equal(fe.env!.find((e) => e.name === 'RESTORE_CLUSTER_GENERATION')?.value, '2');
  });

  it('a kubeconfig or context change is an in-place update that reconnects, never a replace or a new recovery', async () => {
    const gen2 = (await onSim().read('default/kube-starrocks', gen1)).props as DrOutputs;
    // Rotated credentials: the same cluster through a kubeconfig file instead of its text.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'srdr-kc-')), 'config');
    fs.writeFileSync(file, sim.kubeConfigYaml());
    const rotated = drInputs(file, 2);
    const diff = await provider.diff!('default/kube-starrocks', gen2, rotated);
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, []);
    const context = await provider.diff!('default/kube-starrocks', gen2, drInputs(sim.kubeConfigYaml(), 2, { context: 'other' }));
    assert.equal(context.changes, true);
    assert.deepEqual(context.replaces, []);

    const stsGeneration = sim.get('StatefulSet', 'default', 'kube-starrocks-fe').metadata.generation;
    const { outs } = await onSim().update('default/kube-starrocks', gen2, rotated);
    assert.equal(outs.kubeconfig, file, 'later refresh and destroy use the new connection');
    assert.equal(outs.phase, 'done');
    assert.equal(outs.startTimestamp, gen2.startTimestamp, 'no new recovery');
    assert.equal(sim.get('StatefulSet', 'default', 'kube-starrocks-fe').metadata.generation, stsGeneration, 'nothing applied');
  });

  it('delete keeps the status record, the cluster and its PVCs, and says so', async () => {
    const status = (await onSim().read('default/kube-starrocks', gen1)).props as DrOutputs;
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => void lines.push(line);
    try {
      await onSim().delete('default/kube-starrocks', status);
    } finally {
      console.log = log;
    }
    assert.equal(sim.get('ConfigMap', 'default', RECORD).data.phase, 'done');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^warning: .*ConfigMap\/kube-starrocks-disaster-recovery in default is KEPT \(generation 2, phase done\)/);
    assert.ok(sim.get('StatefulSet', 'default', 'kube-starrocks-fe'));
    assert.ok(sim.list('PersistentVolumeClaim', 'default').length > 0);
  });

  it('after a destroy, a new create of the finished generation restores nothing over the live cluster', async () => {
    const before = sim.get('StatefulSet', 'default', 'kube-starrocks-fe');
    const recorded = sim.get('ConfigMap', 'default', RECORD).data;
    const { outs } = await onSim().create(drInputs(sim.kubeConfigYaml(), 2));
    assert.equal(outs.phase, 'done');
    assert.equal(outs.startTimestamp, Number(recorded.startTimestamp), 'the recorded run, not a new one');
    assert.equal(sim.get('StatefulSet', 'default', 'kube-starrocks-fe').metadata.generation, before.metadata.generation, 'no restore form applied');
  });
});

describe('DisasterRecovery provider: timeout', () => {
  let sim: Simulator;
  /** create/update/read/delete as the provider delegates them, on the simulator's clock and transport (fixtures.ts). */
  const onSim = () => providerOn(sim.connect);
  before(async () => {
    // The FE needs 1000 simulated seconds to restore; the provider waits 1 s.
    sim = await startSimulator({ virtualTime: true, feRestoreSeconds: 1000 });
  });
  after(async () => sim.stop());

  it('leaves phase doing and fails with an error that says how to resume', async () => {
    const err = await onSim().create(drInputs(sim.kubeConfigYaml(), 1, { timeoutSeconds: 1 })).then(
      () => assert.fail('create should time out'),
      (e: Error & { id?: string; properties?: DrOutputs }) => e,
    );
    assert.match(err.message, /recorded as phase doing \(generation 1/);
    assert.match(err.message, /run pulumi up again to resume/);
    // id + properties: the engine keeps a partially created resource, so the next up updates it.
    assert.equal(err.id, 'default/kube-starrocks');
    assert.equal(err.properties?.phase, 'doing');
    assert.equal(sim.get('ConfigMap', 'default', RECORD).data.phase, 'doing');
  });
});

describe('DisasterRecovery provider: check', () => {
  it('accepts the reference cluster and defaults the timeout', async () => {
    const { inputs, failures } = await provider.check!({}, { ...drInputs('unused', 1), timeoutSeconds: undefined });
    assert.deepEqual(failures, []);
    assert.equal(inputs.timeoutSeconds, 1800);
  });

  it('refuses a lower generation than the last one, saying which values to use', async () => {
    const { failures } = await provider.check!(drInputs('unused', 3), drInputs('unused', 2));
    assert.equal(failures!.length, 1);
    assert.equal(failures![0].property, 'generation');
    assert.match(failures![0].reason, /drGeneration: generation 2 is lower than generation 3, recorded in this stack's last run/);
    assert.match(failures![0].reason, /drGeneration to 3 .* or to 4 to run a new one/);
  });

  it('refuses a cluster that is not shared-data, with the engine preflight message', async () => {
    const spec = referenceDrSpec();
    const notShared = { ...spec, starRocksFeSpec: { ...spec.starRocksFeSpec, config: spec.starRocksFeSpec.config!.replace(/run_mode = shared_data/, 'run_mode = shared_nothing') } };
    const { failures } = await provider.check!({}, drInputs('unused', 1, { spec: notShared }));
    // No property: the engine would print the whole spec beside a named one (test/cluster/pulumi.test.ts).
    assert.equal(failures![0].property, '');
    assert.match(failures![0].reason, /run_mode = shared_data/);
  });

  it('refuses a generation that is not a positive whole number', async () => {
    for (const generation of [0, -1, 1.5]) {
      const { failures } = await provider.check!({}, drInputs('unused', generation));
      assert.equal(failures![0].property, 'generation', String(generation));
    }
  });
});

describe('DisasterRecovery provider: a record left on a cluster whose data is gone', () => {
  let sim: Simulator;
  /** create/update/read/delete as the provider delegates them, on the simulator's clock and transport (fixtures.ts). */
  const onSim = () => providerOn(sim.connect);
  before(async () => {
    sim = await startSimulator({ virtualTime: true, feRestoreSeconds: 10 });
  });
  after(async () => sim.stop());

  it('refuses to skip the restore, stays a partial resource through refresh and update, and restores with forceRestore', async () => {
    const first = (await onSim().create(drInputs(sim.kubeConfigYaml(), 1))).outs as DrOutputs;
    assert.equal(first.phase, 'done');
    // pulumi destroy (the record stays), then the StatefulSet and the PVCs are deleted by hand.
    await onSim().delete('default/kube-starrocks', first);
    const kc = sim.kubeConfig();
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.delete({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'kube-starrocks-fe', namespace: 'default' } });
    await sim.waitFor(() => sim.list('Pod', 'default').every((p) => !p.metadata.name.startsWith('kube-starrocks-fe-')), 30_000);
    for (const pvc of sim.list('PersistentVolumeClaim', 'default')) {
      await objects.delete({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: pvc.metadata.name, namespace: 'default' } });
    }
    await sim.waitFor(() => sim.list('PersistentVolumeClaim', 'default').length === 0, 30_000);

    // A new `drGeneration 1` stack: create is refused by the engine's guard, loudly, and kept as partial.
    const refused = await onSim().create(drInputs(sim.kubeConfigYaml(), 1)).then(
      () => assert.fail('the restore must not be skipped silently'),
      (e: Error & { id?: string; properties?: DrOutputs }) => e,
    );
    assert.match(refused.message, /no longer exist/);
    // A refusal is not a run to resume: rerunning unchanged is refused again.
    assert.match(refused.message, /nothing was applied\. Follow the Fix above, then run pulumi up again\.$/);
    assert.doesNotMatch(refused.message, /resume/);
    assert.equal(refused.id, 'default/kube-starrocks');
    assert.equal(refused.properties?.incomplete, true);
    assert.equal(sim.get('StatefulSet', 'default', 'kube-starrocks-fe'), undefined, 'nothing applied');

    // The engine's next steps on a partial resource: refresh keeps it partial, diff and update run the guard again.
    const refreshed = (await onSim().read('default/kube-starrocks', refused.properties!)).props as DrOutputs;
    assert.equal(refreshed.incomplete, true);
    assert.equal((await provider.diff!('default/kube-starrocks', refreshed, drInputs(sim.kubeConfigYaml(), 1))).changes, true);
    await assert.rejects(onSim().update('default/kube-starrocks', refreshed, drInputs(sim.kubeConfigYaml(), 1)), /no longer exist/);

    // `pulumi config set forceRestore true && pulumi up`: the restore runs, and the resource is whole again.
    const { outs } = await onSim().update('default/kube-starrocks', refreshed, drInputs(sim.kubeConfigYaml(), 1, { force: true }));
    assert.equal(outs.phase, 'done');
    assert.equal(outs.incomplete, undefined);
    assert.equal(restoreEnv(sim.get('StatefulSet', 'default', 'kube-starrocks-fe')).length, 2, 'restored again');
  });
});
