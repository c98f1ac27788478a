/**
 * Recoveries on a real control plane (Kubernetes v1.36 kube-apiserver with RBAC, the real StatefulSet controller,
 * scheduler and PV binder; kwok in place of the kubelet), driven by the shipped CLI as the least-privileged user of
 * examples/rbac/role.yaml: the scenarios of the simulator's end-to-end suite (test/e2e), each in its own namespace.
 * Restores finish on cue (kwok holds a restoring FE unready until the test annotates it), so no scenario depends on
 * a race with a timer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from '../e2e/bin';
import { assertExit, assertRecovered, CLUSTER, drCli, eventually, FE, finishRestore, pvcUids, readRecord, readStatefulSet, RECORD, startCluster, VALUES, type Cluster } from './support';

let c: Cluster;
let namespaces = 0;
/** A fresh namespace with the Role bound to the user, and that user's kubeconfig. */
async function scenario(): Promise<{ ns: string; kubeconfig: string }> {
  const ns = `recovery-${++namespaces}`;
  return { ns, kubeconfig: await c.cp.leastPrivilegeUser(ns) };
}

const phase = async (ns: string) => (await readRecord(c, ns))?.phase;

before(async () => {
  c = await startCluster();
});
after(async () => {
  await c?.cp.stop();
});

describe('dr run on a real control plane, as the least-privileged user', () => {
  it('restores the FE, records done with its identity, applies the full topology and rolls it out', async () => {
    const { ns, kubeconfig } = await scenario();
    const run = drCli(['dr', 'run', '--timeout', '90s'], ns, kubeconfig);
    await eventually('phase doing', async () => (await phase(ns)) === 'doing');
    const restoring = await readStatefulSet(c, ns);
    assert.equal(restoring?.spec?.replicas, 1, 'the restore form runs one FE');
    assert.equal(await readStatefulSet(c, ns, `${CLUSTER}-cn`), undefined, 'CN is held back during the restore');
    const pvcsDuringRestore = await pvcUids(c, ns);
    await finishRestore(c, ns);
    const exit = await run.done;
    assertExit(exit, 0, 'dr run');
    const record = await assertRecovered(c, ns);
    const after = await pvcUids(c, ns);
    for (const [name, uid] of pvcsDuringRestore) assert.equal(after.get(name), uid, `PVC ${name} kept across the forms`);
    const fe = (await readStatefulSet(c, ns))!;
    assert.equal(fe.status?.readyReplicas, 3, 'the full FE rolled out');
    assert.equal(fe.status?.currentRevision, fe.status?.updateRevision);
    // Field managers: both forms applied by starrocks-dr; only the controller writes status.
    const managers = new Set((fe.metadata?.managedFields ?? []).map((m) => `${m.manager}/${m.operation}${m.subresource ? `/${m.subresource}` : ''}`));
    assert.deepEqual([...managers].sort(), ['kube-controller-manager/Update/status', 'starrocks-dr/Apply']);
    assert.deepEqual(
      (await c.core.readNamespacedConfigMap({ name: RECORD, namespace: ns })).metadata?.managedFields?.map((m) => m.manager),
      ['starrocks-dr-status'],
    );
    assert.ok(Number(record.startTimestamp) > 0);

    const status = await drCli(['dr', 'status'], ns, kubeconfig).done;
    assertExit(status, 0, 'dr status');
    assert.match(status.stdout, /phase:\s+done/);
  });

  it('a finished generation run again restores nothing and keeps its timestamps', async () => {
    const { ns, kubeconfig } = await scenario();
    const first = drCli(['dr', 'run', '--timeout', '90s'], ns, kubeconfig);
    await finishRestore(c, ns);
    assertExit(await first.done, 0, 'first dr run');
    const before = (await readRecord(c, ns))!;
    const feGeneration = (await readStatefulSet(c, ns))!.metadata!.generation;
    const again = await drCli(['dr', 'run', '--timeout', '60s'], ns, kubeconfig).done;
    assertExit(again, 0, 'dr run of the finished generation');
    const afterRun = (await readRecord(c, ns))!;
    assert.equal(afterRun.startTimestamp, before.startTimestamp);
    assert.equal(afterRun.endTimestamp, before.endTimestamp);
    assert.equal((await readStatefulSet(c, ns))!.metadata!.generation, feGeneration, 'the FE StatefulSet was not rewritten into the restore form');
  });

  it('a run killed with SIGKILL mid-restore resumes on rerun with the same startTimestamp', async () => {
    const { ns, kubeconfig } = await scenario();
    const first = drCli(['dr', 'run', '--timeout', '90s', '--lease-duration', '3s'], ns, kubeconfig);
    await eventually('phase doing', async () => (await phase(ns)) === 'doing');
    const started = (await readRecord(c, ns))!.startTimestamp;
    first.child.kill('SIGKILL');
    await first.done;
    const rerun = drCli(['dr', 'run', '--timeout', '90s', '--lease-duration', '3s'], ns, kubeconfig);
    await finishRestore(c, ns);
    assertExit(await rerun.done, 0, 'the rerun');
    const record = await assertRecovered(c, ns);
    assert.equal(record.startTimestamp, started, 'startTimestamp written once');
  });

  it('two runs at once: the second waits for the Lease, names its holder, and ends done without acting twice', async () => {
    const { ns, kubeconfig } = await scenario();
    const a = drCli(['dr', 'run', '--timeout', '90s', '-o', 'json'], ns, kubeconfig);
    await eventually('phase doing', async () => (await phase(ns)) === 'doing');
    const b = drCli(['dr', 'run', '--timeout', '90s'], ns, kubeconfig);
    // Give b time to find the Lease held, then let the restore finish.
    await new Promise((r) => setTimeout(r, 2000));
    await finishRestore(c, ns);
    const [ea, eb] = await Promise.all([a.done, b.done]);
    assertExit(ea, 0, 'first run');
    assertExit(eb, 0, 'second run');
    assert.match(eb.stdout + eb.stderr, /lease, held by dr run@/, 'the second run says who holds the Lease');
    await assertRecovered(c, ns);
  });

  it('the FE pod deleted mid-restore: the StatefulSet re-creates it and the recovery finishes on the new pod', async () => {
    const { ns, kubeconfig } = await scenario();
    const run = drCli(['dr', 'run', '--timeout', '90s'], ns, kubeconfig);
    const firstPod = await eventually('the restoring FE pod', async () => {
      const p = await c.core.readNamespacedPod({ name: `${FE}-0`, namespace: ns }).catch(() => undefined);
      return p?.status?.phase === 'Running' ? p.metadata!.uid! : undefined;
    });
    await c.core.deleteNamespacedPod({ name: `${FE}-0`, namespace: ns });
    const secondPod = await eventually('a new FE pod', async () => {
      const p = await c.core.readNamespacedPod({ name: `${FE}-0`, namespace: ns }).catch(() => undefined);
      return p && p.metadata!.uid !== firstPod && !p.metadata?.deletionTimestamp ? p.metadata!.uid! : undefined;
    });
    assert.notEqual(secondPod, firstPod);
    assert.equal(await phase(ns), 'doing', 'a deleted pod does not end the recovery');
    await finishRestore(c, ns);
    assertExit(await run.done, 0, 'dr run');
    await assertRecovered(c, ns);
  });

  it('the generation raised after a run that timed out mid-restore: a new recovery with its own startTimestamp', async () => {
    const { ns, kubeconfig } = await scenario();
    const first = await drCli(['dr', 'run', '--timeout', '4s'], ns, kubeconfig).done;
    assertExit(first, 3, 'dr run that times out while the FE restores');
    const gen1 = (await readRecord(c, ns))!;
    assert.equal(gen1.phase, 'doing');
    await new Promise((r) => setTimeout(r, 1100)); // unix seconds: a new start is distinguishable
    const second = drCli(['dr', 'run', '--timeout', '90s', '--generation', '2'], ns, kubeconfig);
    await finishRestore(c, ns, 2);
    assertExit(await second.done, 0, 'dr run --generation 2');
    const record = await assertRecovered(c, ns, 2);
    assert.ok(Number(record.startTimestamp) > Number(gen1.startTimestamp), 'generation 2 has its own startTimestamp');
  });

  it('the record deleted while the run waits: the run records it again with its startTimestamp and finishes', async () => {
    const { ns, kubeconfig } = await scenario();
    const run = drCli(['dr', 'run', '--timeout', '90s'], ns, kubeconfig);
    await eventually('phase doing', async () => (await phase(ns)) === 'doing');
    const started = (await readRecord(c, ns))!.startTimestamp;
    await c.core.deleteNamespacedConfigMap({ name: RECORD, namespace: ns });
    await finishRestore(c, ns);
    assertExit(await run.done, 0, 'dr run');
    const record = await assertRecovered(c, ns);
    assert.equal(record.startTimestamp, started, 'the record written again keeps the original startTimestamp');
  });
});

describe('the GitOps route on a real control plane: kubectl applies, dr wait records', () => {
  it('synth --dr-phase auto writes the restore form, kubectl apply --server-side -k, dr wait records done, then auto writes the full form', async () => {
    const { ns, kubeconfig } = await scenario();
    const dir = mkdtempSync(join(tmpdir(), 'srdr-gitops-'));
    const synth = (out: string) => startCli(['synth', ...VALUES.flatMap((f) => ['-f', f]), '-n', ns, '--dr-phase', 'auto', '--layout', 'objects', '--kustomize', '-o', out, '--kubeconfig', kubeconfig]).done;
    const restore = await synth(join(dir, 'restore'));
    assertExit(restore, 0, 'synth --dr-phase auto (no record yet)');
    const applied = await c.cp.kubectl(['apply', '--server-side', '-k', join(dir, 'restore', CLUSTER)]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((await readStatefulSet(c, ns))?.spec?.replicas, 1, 'the committed restore form runs one FE');
    const wait = drCli(['dr', 'wait', '--timeout', '90s'], ns, kubeconfig);
    await finishRestore(c, ns);
    assertExit(await wait.done, 0, 'dr wait');
    assert.equal((await readRecord(c, ns))?.phase, 'done');
    const full = await synth(join(dir, 'full'));
    assertExit(full, 0, 'synth --dr-phase auto (done)');
    const appliedFull = await c.cp.kubectl(['apply', '--server-side', '-k', join(dir, 'full', CLUSTER)]);
    assert.equal(appliedFull.code, 0, appliedFull.stderr);
    await eventually('the full FE to roll out', async () => (await readStatefulSet(c, ns))?.status?.readyReplicas === 3);
    await assertRecovered(c, ns);
  });
});
