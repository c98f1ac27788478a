/**
 * No drift on a real control plane: after a recovery, what `starrocks-dr synth` writes for the full topology is what
 * the cluster holds. `kubectl diff --server-side` (kubectl v1.36, as the field manager that applied it) prints nothing,
 * a second apply changes no object, and the field managers are the ones README names: `starrocks-dr` for both
 * forms applied by `dr run`, `starrocks-dr-status` for the record, the GitOps engine's own for what it applied.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from '../e2e/bin';
import { assertExit, CLUSTER, drCli, eventually, finishRestore, readStatefulSet, startCluster, VALUES, type Cluster } from './support';

let c: Cluster;
before(async () => {
  c = await startCluster();
});
after(async () => {
  await c?.cp.stop();
});

async function synthFull(ns: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'srdr-drift-'));
  const run = await startCli(['synth', ...VALUES.flatMap((f) => ['-f', f]), '-n', ns, '--dr-phase', 'full', '--layout', 'objects', '--kustomize', '-o', dir]).done;
  assertExit(run, 0, 'synth --dr-phase full');
  return join(dir, CLUSTER);
}

async function resourceVersions(ns: string): Promise<Record<string, string>> {
  const out = await c.cp.kubectl(['-n', ns, 'get', 'configmaps,services,statefulsets', '-o', 'json']);
  assert.equal(out.code, 0, out.stderr);
  const items = JSON.parse(out.stdout).items as { kind: string; metadata: { name: string; resourceVersion: string } }[];
  return Object.fromEntries(items.map((i) => [`${i.kind}/${i.metadata.name}`, i.metadata.resourceVersion]));
}

describe('no drift after a recovery, on a real control plane', () => {
  it('dr run: kubectl diff --server-side as starrocks-dr is empty and a second apply changes nothing', async () => {
    const ns = 'drift-run';
    const kubeconfig = await c.cp.leastPrivilegeUser(ns);
    const run = drCli(['dr', 'run', '--timeout', '90s'], ns, kubeconfig);
    await finishRestore(c, ns);
    assertExit(await run.done, 0, 'dr run');
    const tree = await synthFull(ns);
    const diff = await c.cp.kubectl(['diff', '--server-side', '--field-manager', 'starrocks-dr', '-k', tree]);
    assert.equal(diff.code, 0, `kubectl diff exits 0 when nothing differs; it printed:\n${diff.stdout}${diff.stderr}`);
    assert.equal(diff.stdout, '');
    const before = await resourceVersions(ns);
    const again = await c.cp.kubectl(['apply', '--server-side', '--field-manager', 'starrocks-dr', '-k', tree]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await resourceVersions(ns), before, 'a second apply of the same tree is a no-op on every object');
    for (const name of [`${CLUSTER}-fe`, `${CLUSTER}-cn`]) {
      const sts = (await readStatefulSet(c, ns, name))!;
      const managers = (sts.metadata?.managedFields ?? []).map((m) => `${m.manager} ${m.operation}${m.subresource ? ` ${m.subresource}` : ''}`).sort();
      assert.deepEqual(managers, ['kube-controller-manager Update status', 'starrocks-dr Apply'], `${name}: field managers`);
    }
  });

  it('GitOps: after kubectl applied the restore and the full tree, diff is empty and a second sync changes nothing', async () => {
    const ns = 'drift-gitops';
    const kubeconfig = await c.cp.leastPrivilegeUser(ns);
    const dir = mkdtempSync(join(tmpdir(), 'srdr-drift-restore-'));
    const restore = await startCli(['synth', ...VALUES.flatMap((f) => ['-f', f]), '-n', ns, '--dr-phase', 'restore', '--layout', 'objects', '--kustomize', '-o', dir]).done;
    assertExit(restore, 0, 'synth --dr-phase restore');
    const applied = await c.cp.kubectl(['apply', '--server-side', '-k', join(dir, CLUSTER)]);
    assert.equal(applied.code, 0, applied.stderr);
    const wait = drCli(['dr', 'wait', '--timeout', '90s'], ns, kubeconfig);
    await finishRestore(c, ns);
    assertExit(await wait.done, 0, 'dr wait');
    const tree = await synthFull(ns);
    const full = await c.cp.kubectl(['apply', '--server-side', '-k', tree]);
    assert.equal(full.code, 0, full.stderr);
    // Rolled out as kubectl rollout status means it, so no controller status write lands between the two reads below.
    for (const name of [`${CLUSTER}-fe`, `${CLUSTER}-cn`]) {
      await eventually(`${name} to roll out`, async () => {
        const s = await readStatefulSet(c, ns, name);
        const st = s?.status;
        return !!s && st?.observedGeneration === s.metadata?.generation && st?.readyReplicas === s.spec?.replicas && st?.updatedReplicas === s.spec?.replicas && st?.currentRevision === st?.updateRevision;
      });
    }
    await new Promise((r) => setTimeout(r, 1000));
    const diff = await c.cp.kubectl(['diff', '--server-side', '-k', tree]);
    assert.equal(diff.code, 0, `kubectl diff printed:\n${diff.stdout}${diff.stderr}`);
    const before = await resourceVersions(ns);
    const again = await c.cp.kubectl(['apply', '--server-side', '-k', tree]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await resourceVersions(ns), before);
    const fe = (await readStatefulSet(c, ns))!;
    const container = fe.spec!.template.spec!.containers.find((x) => x.name === 'fe')!;
    assert.ok(!(container.env ?? []).some((e) => e.name.startsWith('RESTORE_')), 'the restore-only env left with the restore form (one field manager applied both)');
    assert.equal(container.readinessProbe?.tcpSocket, undefined, 'the TCP readiness probe left too');
  });
});
