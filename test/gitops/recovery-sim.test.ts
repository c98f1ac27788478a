/**
 * The GitOps recovery on the simulator, end to end, against the `dr run` route:
 * day 1 the full tree is synced; then the restore tree is committed and synced (with prune, as Argo CD / Flux do),
 * `dr wait` records the status until `done`, `--dr-phase auto` turns to the full form, the full tree is synced.
 * The result must equal what `dr run` leaves on a second simulator: same objects, same FE containers, no restore
 * env, PVCs kept (same uids across the recovery), CN never deleted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../lib/cli/main';
import { autoForm, synthToDir } from '../../lib/cli/synth-command';
import { FIELD_MANAGER, readStatus, runRecovery } from '../../lib/dr/executor';
import { rolledOut } from '../../lib/dr/policy';
import { validateForRoute } from '../../lib/dr/preflight';
import { planRecovery } from '../../lib/dr/plan';
import type { GitOpsEngine } from '../../lib/gitops';
import { KubeClient } from '../../lib/kube/client';
import { REFERENCE_DR_VALUES_FILES, referenceDrSpec } from '../fixtures';
import { startSimulator, type Simulator } from '../../sim';
import { FakeGitOpsEngine } from './engine';

const VALUES = REFERENCE_DR_VALUES_FILES;
/** Real time, for the test's own waits on the simulator's store. */
const TIMEOUT = 120_000;
/** Virtual time: the library calls and the CLI (given `sim.connect`) run on the simulator's clock. */
const RECOVERY_TIMEOUT = 30 * 60_000;
const SIM = { virtualTime: true, feRestoreSeconds: 10 };
const spec = referenceDrSpec;
/** What `synth --dr-phase auto` validated before it asks the cluster. */
const checkedAuto = () => validateForRoute(spec(), { form: 'auto' });
const NS = 'default';

const root = mkdtempSync(join(tmpdir(), 'gitops-sim-'));
const sims: Simulator[] = [];
after(async () => {
  for (const s of sims) await s.stop();
  rmSync(root, { recursive: true, force: true });
});

async function newSim(): Promise<{ sim: Simulator; client: KubeClient }> {
  const sim = await startSimulator(SIM);
  sims.push(sim);
  return { sim, client: KubeClient.connect({ kubeConfig: sim.kubeConfig(), timers: sim.timers }) };
}

/** Resolves once every StatefulSet in the namespace has rolled out and `names` are all there. */
async function waitRolledOut(sim: Simulator, names: readonly string[]): Promise<void> {
  await sim.waitFor(() => {
    const all = sim.list('StatefulSet', NS);
    return names.every((n) => all.some((s) => s.metadata.name === n)) && all.every((s) => rolledOut(s));
  }, TIMEOUT);
}

const STS = ['kube-starrocks-fe', 'kube-starrocks-cn'];

function pvcUids(sim: Simulator): Record<string, string> {
  return Object.fromEntries(sim.list('PersistentVolumeClaim', NS).map((p) => [p.metadata.name, p.metadata.uid]));
}

function names(sim: Simulator, kind: string): string[] {
  return sim.list(kind, NS).map((o) => o.metadata.name).sort();
}

type Container = { name: string; env?: Array<{ name: string; value?: string }> };
function containers(obj: { spec: { template?: { spec: { containers: Container[] } }; containers?: Container[] } }): Container[] {
  return obj.spec.template ? obj.spec.template.spec.containers : obj.spec.containers!;
}

/** The `dr run` route, once, for comparison. */
let reference: { sim: Simulator; pvcsBefore: Record<string, string> };
before(async () => {
  const { sim, client } = await newSim();
  const { plan } = planRecovery(spec());
  for (const obj of plan.fullObjects) await client.apply(obj, FIELD_MANAGER); // day 1
  await waitRolledOut(sim, STS);
  const pvcsBefore = pvcUids(sim);
  // The cluster runs without any recovery recorded: restoring over it must be asked for (guard.ts).
  const final = await runRecovery(plan, { client, mode: 'apply', timeoutMs: RECOVERY_TIMEOUT, force: true });
  assert.equal(final.phase, 'done');
  reference = { sim, pvcsBefore };
});

function assertSameEndState(sim: Simulator, pvcsBefore: Record<string, string>): void {
  const ref = reference.sim;
  for (const kind of ['StatefulSet', 'Service', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'Pod']) {
    assert.deepEqual(names(sim, kind), names(ref, kind), `${kind} names differ from the dr run route`);
  }
  const fe = sim.get('StatefulSet', NS, 'kube-starrocks-fe');
  const refFe = ref.get('StatefulSet', NS, 'kube-starrocks-fe');
  assert.deepEqual(containers(fe), containers(refFe), 'FE containers differ from the dr run route');
  assert.equal(fe.spec.replicas, refFe.spec.replicas);
  assert.deepEqual(containers(sim.get('StatefulSet', NS, 'kube-starrocks-cn')), containers(ref.get('StatefulSet', NS, 'kube-starrocks-cn')));
  for (const obj of [...sim.list('StatefulSet', NS), ...sim.list('Pod', NS)]) {
    for (const c of containers(obj)) {
      assert.ok(!(c.env ?? []).some((e) => e.name.startsWith('RESTORE_')), `${obj.kind}/${obj.metadata.name} still has a RESTORE_* env`);
    }
  }
  assert.deepEqual(pvcUids(sim), pvcsBefore, 'PVCs must survive the recovery with the same uids');
  assert.deepEqual(pvcUids(ref), reference.pvcsBefore);
  assert.ok(Object.keys(pvcsBefore).some((n) => n.includes('cn-data')), 'the CN data PVC exists');
}

async function gitopsRoute(engineName: GitOpsEngine, useCli: boolean): Promise<void> {
  const { sim, client } = await newSim();
  const kubeconfig = join(root, `${engineName}.kubeconfig`);
  writeFileSync(kubeconfig, sim.kubeConfigYaml());
  const out = join(root, engineName);
  const tree = join(out, 'kube-starrocks');
  const engine = new FakeGitOpsEngine(client, engineName === 'argocd' ? 'argocd-controller' : 'kustomize-controller');
  const synth = async (form: 'full' | 'restore' | 'auto'): Promise<void> => {
    if (useCli) {
      const force = form === 'auto' ? ['--force-restore'] : [];
      const code = await main(['synth', ...VALUES.flatMap((f) => ['-f', f]), '-o', out, '--layout', 'objects', '--kustomize', '--gitops', engineName, '--dr-phase', form, '--kubeconfig', kubeconfig, ...force], { connect: sim.connect });
      assert.equal(code, 0, `synth --dr-phase ${form} failed`);
    } else {
      const chosen = form === 'auto' ? (await autoForm(checkedAuto(), { client, forceRestore: true })).form : form;
      synthToDir(spec(), { outdir: out, layout: 'objects', kustomize: true, gitops: [engineName], form: chosen });
    }
  };

  // Day 1: the full tree, committed and synced.
  await synth('full');
  await engine.sync(tree);
  await waitRolledOut(sim, STS);
  const pvcsBefore = pvcUids(sim);
  const cnUid = sim.get('StatefulSet', NS, 'kube-starrocks-cn').metadata.uid;

  // Disaster day: nothing is recorded and the cluster runs: auto refuses to write the restore form unless asked.
  await assert.rejects(autoForm(checkedAuto(), { client }), (err: unknown) => (err as { code?: string }).code === 'Refused');
  assert.equal((await autoForm(checkedAuto(), { client, forceRestore: true })).form, 'restore');
  await synth('auto');
  const restoreSync = await engine.sync(tree);
  assert.deepEqual(restoreSync.pruned, [], 'nothing may be pruned by the restore commit');
  assert.ok(restoreSync.keptFromPrune.includes('StatefulSet/kube-starrocks-cn'), 'the CN StatefulSet is held back by its annotation');
  assert.equal(sim.get('StatefulSet', NS, 'kube-starrocks-cn')?.metadata.uid, cnUid, 'the CN StatefulSet was not deleted');
  const restoring = sim.get('StatefulSet', NS, 'kube-starrocks-fe');
  assert.equal(restoring.spec.replicas, 1, 'the restore form runs one FE');
  assert.deepEqual(
    containers(restoring)[0].env?.filter((e) => e.name.startsWith('RESTORE_')),
    [{ name: 'RESTORE_CLUSTER_GENERATION', value: '1' }, { name: 'RESTORE_CLUSTER_SNAPSHOT', value: 'true' }],
  );

  // `dr wait`: records the status as the cluster moves and returns once the FE of generation 1 is restored.
  if (useCli) {
    const code = await main(['dr', 'wait', ...VALUES.flatMap((f) => ['-f', f]), '--kubeconfig', kubeconfig, '--timeout', '2m', '-o', 'json'], { connect: sim.connect });
    assert.equal(code, 0, 'dr wait failed');
  } else {
    const { plan } = planRecovery(spec());
    const status = await runRecovery(plan, { client, mode: 'observe', timeoutMs: RECOVERY_TIMEOUT });
    assert.equal(status.phase, 'done');
  }
  const recorded = await readStatus(client, 'kube-starrocks', NS);
  assert.equal(recorded?.phase, 'done');
  assert.equal(recorded?.observedGeneration, 1);

  // auto now picks the full form; commit it and sync.
  assert.equal((await autoForm(checkedAuto(), { client })).form, 'full');
  await synth('auto');
  const fullSync = await engine.sync(tree);
  assert.deepEqual(fullSync.pruned, []);
  await waitRolledOut(sim, STS);
  assert.equal(sim.get('StatefulSet', NS, 'kube-starrocks-cn')?.metadata.uid, cnUid, 'the CN StatefulSet is the same object');
  // a finished generation stays finished: auto keeps the full form
  assert.equal((await autoForm(checkedAuto(), { client })).form, 'full');

  assertSameEndState(sim, pvcsBefore);
}

test('Argo CD route (library calls, dr wait = runRecovery observe) ends where dr run ends', { timeout: 4 * TIMEOUT }, async () => {
  await gitopsRoute('argocd', false);
});

test('Flux route (the CLI: synth --dr-phase auto, dr wait) ends where dr run ends', { timeout: 4 * TIMEOUT }, async () => {
  await gitopsRoute('flux', true);
});

test('without the GitOps annotations a pruning engine deletes the CN StatefulSet (why --gitops exists)', { timeout: 2 * TIMEOUT }, async () => {
  const { sim, client } = await newSim();
  const out = join(root, 'plain');
  const engine = new FakeGitOpsEngine(client, 'argocd-controller');
  synthToDir(spec(), { outdir: out, layout: 'objects', kustomize: true });
  await engine.sync(join(out, 'kube-starrocks'));
  await waitRolledOut(sim, STS);
  synthToDir(spec(), { outdir: out, layout: 'objects', kustomize: true, form: 'restore' });
  const result = await engine.sync(join(out, 'kube-starrocks'));
  assert.ok(result.pruned.includes('StatefulSet/kube-starrocks-cn'));
  assert.equal(sim.get('StatefulSet', NS, 'kube-starrocks-cn'), undefined);
});
