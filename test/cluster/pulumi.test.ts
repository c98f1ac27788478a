/**
 * A real `pulumi up` (CLI 3.248 built from its Go module, local file backend, passphrase secrets; pulumi-cli.ts) of
 * the project at the repository root (Pulumi.yaml, stacks/) and of examples/pulumi-program packed and installed as a
 * user installs it, against the real control plane (control-plane.ts) with the restoring FE held unready until the
 * test lets it finish (`feRestoreMs: 'manual'`). `clusterSnapshot.path latest` resolves against the moto S3 server on loopback
 * (test/snapshot/s3-server.ts), with the S3 keys in secret config.
 *
 * What the real engine does that the mocks and the provider-host tests (test/pulumi, test/pulumi-harness) do not
 * show is asserted here and written down in lib/pulumi/README.md: the first Ctrl-C, the second, what a resumed
 * `pulumi up` leaves in the state, and the permissions the typed resources need beyond examples/rbac/role.yaml.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { startControlPlane, USER, type ControlPlane } from './control-plane';
import { createPulumiWorkspace, filesUnder, isAlive, processTree, type PulumiResult, type PulumiStack, type PulumiWorkspace, type RunningPulumi } from './pulumi-cli';
import { finishedSnapshotFiles, startS3, TEST_KEYS, type TestS3 } from '../snapshot/s3-server';
import { installExample, packPackage, ROOT } from '../package/install-example';

const CLUSTER = 'kube-starrocks';
const RECORD = `${CLUSTER}-disaster-recovery`;
const FE = `${CLUSTER}-fe`;
const CN = `${CLUSTER}-cn`;
const DR_TYPE = 'pulumi-nodejs:dynamic/starrocks:DisasterRecovery';
const BUCKET = 'srdr-cluster';
const CLUSTER_ID = '7351ce6a-f4a4-4937-a876-cb8801085aea';
const snapshotFolder = (ms: number) => `data/${CLUSTER_ID}/meta/image/automated_cluster_snapshot_${ms}`;

type Obj = { metadata: { name: string; resourceVersion?: string; annotations?: Record<string, string>; managedFields?: Array<{ manager: string; operation: string; subresource?: string }> }; data?: Record<string, string>; spec?: any; status?: any };

let cp: ControlPlane;
let s3: TestS3;
let ws: PulumiWorkspace;
let work: string;
const newerSnapshot = Date.now() - 3_600_000;
const newerPath = `s3://${BUCKET}/${snapshotFolder(newerSnapshot)}`;
const running = new Set<RunningPulumi>();

async function kget(kind: string, namespace: string, name: string, kubeconfig?: string): Promise<Obj | undefined> {
  const r = await cp.kubectl(['get', kind, name, '-n', namespace, '-o', 'json', '--show-managed-fields'], { kubeconfig });
  if (r.code !== 0) {
    if (/NotFound/.test(r.stderr)) return undefined;
    throw new Error(`kubectl get ${kind} ${name}: ${r.stderr}`);
  }
  return JSON.parse(r.stdout) as Obj;
}

async function klist(kinds: string, namespace?: string): Promise<Array<Obj & { kind: string }>> {
  const r = await cp.kubectl(['get', kinds, ...(namespace ? ['-n', namespace] : ['-A']), '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { items: Array<Obj & { kind: string }> }).items;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const recordOf = async (ns: string) => (await kget('configmap', ns, RECORD))?.data;
const restoreEnv = (sts: Obj) => ((sts.spec.template.spec.containers[0].env ?? []) as Array<{ name: string }>).map((e) => e.name).filter((n) => n.startsWith('RESTORE_'));

/** Every object of the cluster in `ns` (not Leases, Pods or Events), by kind/name, with its resourceVersion. */
async function objectVersions(ns: string): Promise<Record<string, string>> {
  const items = await klist('configmaps,secrets,services,statefulsets,persistentvolumeclaims', ns);
  return Object.fromEntries(items.filter((o) => o.metadata.name !== 'kube-root-ca.crt').map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion!]));
}

function start(stack: PulumiStack, args: readonly string[]): RunningPulumi {
  const p = stack.start(args);
  running.add(p);
  void p.done.finally(() => running.delete(p));
  return p;
}

/** Wait until the recovery in `ns` records `doing` and its FE pod runs, held unready by the kwok stage. */
async function restoringFe(ns: string, p: RunningPulumi): Promise<{ startTimestamp: string }> {
  return until(`the restoring FE in ${ns}`, async () => {
    if (p.child.exitCode !== null) throw new Error(`pulumi exited early:\n${p.output()}`);
    const rec = await recordOf(ns);
    const pod = await kget('pod', ns, `${FE}-0`);
    return rec?.phase === 'doing' && pod?.status?.phase === 'Running' ? { startTimestamp: rec.startTimestamp } : undefined;
  });
}

/** The DR resource in the stack's state. */
const drResource = async (stack: PulumiStack) => (await stack.state()).resources.find((r) => r.type === DR_TYPE);

/** Set the S3 snapshot config as lib/pulumi/README.md tells users to (`--path` keys, keys as secrets). */
async function configureSnapshot(stack: PulumiStack): Promise<void> {
  await stack.config('clusterSnapshot.path', 'latest', { path: true });
  await stack.config('clusterSnapshot.location', `s3://${BUCKET}/data`, { path: true });
  await stack.config('clusterSnapshot.region', 'us-east-1', { path: true });
  await stack.config('clusterSnapshot.endpoint', s3.endpoint, { path: true });
  await stack.config('clusterSnapshot.pathStyle', 'true', { path: true });
  await stack.config('s3AccessKey', TEST_KEYS.accessKey, { secret: true });
  await stack.config('s3SecretKey', TEST_KEYS.secretKey, { secret: true });
}

function ok(r: PulumiResult, what: string, t?: TestContext): void {
  t?.diagnostic(`${what}: ${(r.ms / 1000).toFixed(1)} s`);
  assert.equal(r.code, 0, `${what} failed:\n${r.output}`);
}

function took(r: PulumiResult, what: string, t: TestContext): PulumiResult {
  t.diagnostic(`${what}: ${(r.ms / 1000).toFixed(1)} s`);
  return r;
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'srdr-pulumi-cluster-'));
  cp = await startControlPlane({ feRestoreMs: 'manual' });
  s3 = await startS3([BUCKET]);
  await s3.put(BUCKET, [...finishedSnapshotFiles(snapshotFolder(newerSnapshot - 3_600_000)), ...finishedSnapshotFiles(snapshotFolder(newerSnapshot))]);
  ws = await createPulumiWorkspace({ kubeconfig: cp.adminKubeconfig, projectDir: ROOT });
});

after(async () => {
  // A test that failed mid-run: two SIGINTs make the CLI stop its plugins (cancellation_scope.go); anything of its
  // tree still alive after that is killed.
  for (const p of running) {
    const tree = processTree(p.child.pid!);
    p.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 500));
    p.child.kill('SIGINT');
    await Promise.race([p.done, new Promise((r) => setTimeout(r, 10_000))]);
    for (const pid of tree) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  await cp?.stop();
  await s3?.stop();
  ws?.remove();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('pulumi up of stacks/ (Pulumi.yaml at the repository root)', () => {
  describe('a plain deployment, then drGeneration set over it', () => {
    const ns = 'live';
    let stack: PulumiStack;
    before(async () => {
      stack = await ws.stack('live', ROOT);
      await stack.config('valuesFiles[0]', 'examples/starrocks-values.yaml', { path: true });
      await stack.config('namespace', ns);
    });

    it('deploys the full topology with no DisasterRecovery resource and no status record', async (t) => {
      const r = await stack.up();
      ok(r, 'pulumi up', t);
      // Compromise 2 (pulumi-cli.ts): the provider built from the served pseudo-version, installed as 4.34.x.
      assert.match(r.output, new RegExp(`resource plugin kubernetes is expected to have version >=${ws.kubernetesPluginVersion.replace(/\./g, '\\.')}, but has 4\\.24\\.0-dev`));
      assert.equal((await kget('statefulset', ns, FE))?.spec.replicas, 3);
      assert.ok(await kget('statefulset', ns, CN));
      assert.equal(await kget('configmap', ns, RECORD), undefined);
      assert.equal(await drResource(stack), undefined);
      const outputs = await stack.outputs();
      assert.equal(outputs.namespace, ns);
      assert.equal(outputs.disasterRecovery, undefined);
    });

    it('refuses drGeneration 1 over the live cluster: the guard stops before any change, and the error does not offer a resume', async (t) => {
      await stack.config('drGeneration', '1');
      await configureSnapshot(stack);
      const before = await objectVersions(ns);
      const r = took(await stack.up(), 'pulumi up (refused)', t);
      assert.notEqual(r.code, 0, r.output);
      assert.match(r.output, /StatefulSet\/kube-starrocks-fe runs the full topology but no recovery is recorded/);
      assert.match(r.output, /pulumi config set forceRestore true/);
      // The provider's tail (lib/pulumi/dr-operations.ts nextStep): said "run pulumi up again to resume it" before.
      assert.match(r.output, /No recovery was recorded in ConfigMap\/kube-starrocks-disaster-recovery in live; nothing was applied\. Follow the Fix above, then run pulumi up again\./);
      assert.doesNotMatch(r.output, /resume/);
      assert.deepEqual(await objectVersions(ns), before, 'no object created, changed or deleted (the snapshot Secret waits on the DR resource too)');
      assert.equal(await kget('configmap', ns, RECORD), undefined, 'no record');
      // What the run leaves: the cluster's Lease, handed back (no holder). Not a change to the cluster's objects.
      const lease = await kget('lease', ns, `${CLUSTER}-starrocks-dr`);
      assert.ok(lease, 'the Lease the run took');
      assert.equal(lease.spec.holderIdentity, undefined);
      // The engine keeps a partial DisasterRecovery resource marked incomplete, so the next up asks the guard again.
      assert.equal((await drResource(stack))?.outputs?.incomplete, true);
      // ... and the stack's outputs of the last good update (the CLI shows them as removed, the state keeps them).
      assert.equal((await stack.outputs()).namespace, ns);
    });

    it('a preflight failure in check is one message naming the values key and the fix, not a dump of the spec', async (t) => {
      // Beside a named property the engine prints that property's whole value (pulumi v3.248.0
      // pkg/resource/deploy/step_generator.go:2825-2827): for `spec`, the cluster as a Go map. The provider names none.
      const oldFe = path.join(work, 'fe-3.3.yaml');
      fs.writeFileSync(oldFe, 'starrocks:\n  starrocksFESpec:\n    image:\n      tag: 3.3.0\n');
      await stack.config('valuesFiles[1]', oldFe, { path: true });
      const r = took(await stack.run(['preview']), 'pulumi preview (check fails)', t);
      assert.notEqual(r.code, 0);
      assert.match(r.output, /DisasterRecovery resource 'kube-starrocks\/live\/dr' has a problem: starRocksFeSpec\.image: starrocks\/fe-ubuntu:3\.3\.0 is older than StarRocks 3\.4\.1, which cannot restore from a cluster snapshot\. Fix: use an image tag of 3\.4\.1 or later/);
      assert.doesNotMatch(r.output, /property spec value/);
      assert.doesNotMatch(r.output, /run_mode = shared_data/, 'no spec in the message');
    });
  });

  describe('disaster day: drGeneration 1 on a new namespace, Ctrl-C during the wait, resume, preview, refresh, destroy', () => {
    const ns = 'restore1';
    let stack: PulumiStack;
    let startTimestamp: string;
    before(async () => {
      stack = await ws.stack('restore1', ROOT);
      await stack.config('valuesFiles[0]', 'examples/starrocks-values.yaml', { path: true });
      await stack.config('namespace', ns);
      await stack.config('drGeneration', '1');
      await configureSnapshot(stack);
    });

    it('Ctrl-C during the FE wait: the engine waits for the recovery (the provider host ignores Cancel), then cancels before the full topology', async (t) => {
      const up = start(stack, ['up', '--yes', '--skip-preview']);
      startTimestamp = (await restoringFe(ns, up)).startTimestamp;
      const fe = (await kget('statefulset', ns, FE))!;
      assert.deepEqual(restoreEnv(fe).sort(), ['RESTORE_CLUSTER_GENERATION', 'RESTORE_CLUSTER_SNAPSHOT']);
      assert.equal(fe.spec.replicas, 1);

      up.child.kill('SIGINT');
      // The first ^C asks the engine to cancel (pulumi v3.248.0 pkg/backend/cancellation_scope.go:88) and it waits for
      // the operations in flight; the Node.js dynamic-provider host answers Cancel with nothing
      // (node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js:93), so the recovery keeps waiting for the FE.
      await until('the CLI to say it is cancelling', async () => (/\^C received; cancelling/.test(up.output()) ? true : undefined), 10_000);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(up.child.exitCode, null, 'pulumi still waits for the recovery in flight');
      assert.equal((await recordOf(ns))?.phase, 'doing');

      await cp.finishRestore(ns, `${FE}-0`);
      const r = took(await up.done, 'pulumi up (interrupted once)', t);
      assert.notEqual(r.code, 0);
      assert.match(r.output, /error: update canceled/);
      assert.match(r.output, /disaster recovery generation 1: phase done/);
      // What it waited for, as diagnostics (lib/pulumi/dr-operations.ts logs the engine's `waiting` events).
      assert.match(r.output, /pod kube-starrocks-fe-0 container \S+ is running, not ready yet \(restoring the snapshot\)/);
      const rec = (await recordOf(ns))!;
      assert.equal(rec.phase, 'done');
      assert.equal(rec.startTimestamp, startTimestamp);
      // The snapshot `latest` resolved to, pinned in the record by the first write.
      assert.equal(rec.snapshotPath, newerPath);
      // The DR resource finished and is in the state as done; nothing after it ran.
      assert.equal((await drResource(stack))?.outputs?.phase, 'done');
      assert.equal(await kget('statefulset', ns, CN), undefined, 'no CN: the full topology was not applied');
      assert.equal(restoreEnv((await kget('statefulset', ns, FE))!).length, 2, 'the FE is still in the restore form');
    });

    it('a second pulumi up applies the full topology; the outputs carry the phase, the timestamps and the snapshot path', async (t) => {
      const r = await stack.up();
      ok(r, 'pulumi up', t);
      const outputs = await stack.outputs();
      const dr = outputs.disasterRecovery as Record<string, unknown>;
      assert.equal(dr.phase, 'done');
      assert.equal(dr.observedGeneration, 1);
      assert.equal(dr.startTimestamp, Number(startTimestamp), 'the same recovery');
      assert.ok(typeof dr.endTimestamp === 'number' && dr.endTimestamp >= Number(startTimestamp));
      assert.equal(outputs.snapshotPath, newerPath);
      assert.equal(outputs.clusterSnapshotFile, '[secret]');

      const fe = (await kget('statefulset', ns, FE))!;
      assert.equal(fe.spec.replicas, 3);
      assert.deepEqual(restoreEnv(fe), [], 'the restore-only env is gone: both forms applied by one field manager');
      assert.equal(fe.metadata.annotations?.['starrocks.com/dr-generation'], '1');
      assert.deepEqual(fe.metadata.managedFields!.map((m) => `${m.manager}/${m.operation}${m.subresource ? `/${m.subresource}` : ''}`).sort(), ['kube-controller-manager/Update/status', 'starrocks-dr/Apply']);
      assert.ok(await kget('statefulset', ns, CN));
      await until('the FE to roll out', async () => ((await kget('statefulset', ns, FE))?.status?.readyReplicas === 3 ? true : undefined));
      const secret = (await kget('secret', ns, `${CLUSTER}-cluster-snapshot`))!;
      const file = parse(Buffer.from(secret.data!['cluster_snapshot.yaml'], 'base64').toString('utf8'));
      assert.equal(file.cluster_snapshot.cluster_snapshot_path, newerPath);
    });

    it('pulumi preview --expect-no-changes: the recovered stack is in step with its config', async (t) => {
      ok(await stack.run(['preview', '--expect-no-changes', '--diff']), 'pulumi preview --expect-no-changes', t);
    });

    it('pulumi refresh --expect-no-changes keeps the recovery done, complete, same startTimestamp', async (t) => {
      ok(await stack.run(['refresh', '--yes', '--skip-preview', '--expect-no-changes']), 'pulumi refresh', t);
      const dr = (await drResource(stack))!.outputs!;
      assert.equal(dr.phase, 'done');
      assert.equal(dr.incomplete, undefined);
      assert.equal(dr.startTimestamp, Number(startTimestamp));
    });

    it('S3 keys given as secrets appear in plain text nowhere: state, history, backups, stack config, CLI output, ConfigMaps', async () => {
      const needles = [TEST_KEYS.accessKey, TEST_KEYS.secretKey];
      const leaks = (text: string, where: string) => needles.filter((n) => text.includes(n)).map((n) => `${n.slice(0, 6)}... in ${where}`);
      const found: string[] = [];
      for (const file of filesUnder(ws.backend)) found.push(...leaks(fs.readFileSync(file, 'utf8'), path.relative(ws.backend, file)));
      found.push(...leaks(fs.readFileSync(stack.configFile, 'utf8'), 'the stack config file'));
      found.push(...leaks(ws.transcript.join('\n'), 'the output of the pulumi commands'));
      for (const cm of await klist('configmaps')) found.push(...leaks(JSON.stringify(cm), `ConfigMap/${cm.metadata.name}`));
      assert.deepEqual(found, []);
      // The check can see them: the keys are in the Secret the FE mounts, and the DR resource's spec is an encrypted
      // secret value in the state (the engine's secret signature, sdk/go/common/resource/sig).
      const secret = (await kget('secret', ns, `${CLUSTER}-cluster-snapshot`))!;
      assert.ok(needles.every((n) => Buffer.from(secret.data!['cluster_snapshot.yaml'], 'base64').toString('utf8').includes(n)));
      const spec = (await drResource(stack))!.inputs!.spec as Record<string, unknown>;
      assert.equal(spec['4dabf18193072939515e22adb298388d'], '1b47061264138c4ac30d75fd1eb44270');
      assert.equal(typeof spec.ciphertext, 'string');
    });

    it('pulumi destroy deletes the cluster objects and keeps the PVCs, the Namespace and the status record', async (t) => {
      const pvcs = (await klist('persistentvolumeclaims', ns)).map((p) => p.metadata.name).sort();
      assert.equal(pvcs.length, 8, '3 FE × (meta, log) + CN × (data, log)');
      const r = await stack.run(['destroy', '--yes', '--skip-preview']);
      ok(r, 'pulumi destroy', t);
      assert.match(r.output, /status record ConfigMap\/kube-starrocks-disaster-recovery in restore1 is KEPT \(generation 1, phase done\)/);
      assert.equal(await kget('statefulset', ns, FE), undefined);
      assert.equal(await kget('statefulset', ns, CN), undefined);
      assert.equal(await kget('secret', ns, `${CLUSTER}-cluster-snapshot`), undefined);
      assert.deepEqual((await klist('persistentvolumeclaims', ns)).map((p) => p.metadata.name).sort(), pvcs);
      const namespace = (await cp.kubectl(['get', 'namespace', ns, '-o', 'json'])).stdout;
      assert.equal(JSON.parse(namespace).status.phase, 'Active');
      const rec = (await recordOf(ns))!;
      assert.equal(rec.phase, 'done');
      assert.equal(rec.startTimestamp, startTimestamp);
    });
  });
});

/**
 * What the Pulumi route needs beyond examples/rbac/role.yaml (the DR engine's Role), found on this control plane:
 * - the stack's Namespace resource is cluster-scoped: `get` and `patch` on namespaces (pulumi-kubernetes applies it
 *   server-side; `create` too where the namespace does not exist yet);
 * - pulumi-kubernetes awaits a Service by informers on services and endpoints (provider/v4 pkg/await/service.go:136
 *   and :146, and `List` of endpoints in its read, :184): `get`, `list`, `watch` on both. Without them the Service
 *   creates hang until their timeout, saying nothing;
 * - `pulumi destroy` deletes every typed object: `delete` on configmaps, secrets, services, statefulsets (not
 *   granted here: this suite destroys as admin above).
 */
function pulumiRouteRbac(ns: string): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: starrocks-dr-pulumi-namespaces}
rules:
- {apiGroups: [""], resources: [namespaces], verbs: [get, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: starrocks-dr-pulumi-namespaces}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: starrocks-dr-pulumi-namespaces}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: ${USER}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: starrocks-dr-pulumi, namespace: ${ns}}
rules:
- {apiGroups: [""], resources: [services, endpoints], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: starrocks-dr-pulumi, namespace: ${ns}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: starrocks-dr-pulumi}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: ${USER}}]
`;
}

describe('pulumi up of examples/pulumi-program, packed and installed, as the least-privileged user', () => {
  const ns = 'lp';
  let stack: PulumiStack;
  let userKubeconfig: string;
  let token: string;
  let startTimestamp: string;
  before(async () => {
    const program = installExample(work, packPackage(work), 'pulumi-program', ['@pulumi/pulumi', '@pulumi/kubernetes']);
    userKubeconfig = await cp.leastPrivilegeUser(ns);
    const text = fs.readFileSync(userKubeconfig, 'utf8');
    token = /token: (\S+)/.exec(text)![1];
    // No admin anywhere: the user's kubeconfig is the stack's (secret) and the CLI's default.
    stack = await ws.stack('example', program, { KUBECONFIG: userKubeconfig });
    await stack.config('namespace', ns);
    // Recovery only when asked (issue 21): the values with the snapshot mount (the installed package's copies of the
    // reference files), and the generation.
    const shipped = path.join(program, 'node_modules', 'starrocks-dr', 'examples');
    await stack.config('valuesFiles[0]', path.join(shipped, 'starrocks-values.yaml'), { path: true });
    await stack.config('valuesFiles[1]', path.join(shipped, 'override.yaml'), { path: true });
    await stack.config('drGeneration', '1');
    await stack.config('kubernetes:kubeconfig', text, { secret: true });
  });

  it('with only examples/rbac/role.yaml, stops at the Namespace (cluster-scoped) before the recovery starts', async (t) => {
    const r = took(await stack.up(), 'pulumi up (forbidden)', t);
    assert.notEqual(r.code, 0);
    assert.match(r.output, new RegExp(`namespaces "${ns}" is forbidden: User "${USER}" cannot patch resource "namespaces"`));
    assert.equal(await recordOf(ns), undefined, 'the DisasterRecovery resource never ran (it depends on the Namespace)');
  });

  it('with the Pulumi route\'s additions, a second Ctrl-C stops pulumi at once: the record stays doing, no process is left', async (t) => {
    const applied = await cp.kubectl(['apply', '-f', '-'], { input: pulumiRouteRbac(ns) });
    assert.equal(applied.code, 0, applied.stderr);
    const up = start(stack, ['up', '--yes', '--skip-preview']);
    startTimestamp = (await restoringFe(ns, up)).startTimestamp;
    const tree = processTree(up.child.pid!);
    assert.ok(tree.length >= 4, `the CLI, the language host, the program, the providers: ${tree.join(' ')}`);
    up.child.kill('SIGINT');
    await until('the CLI to say it is cancelling', async () => (/\^C received; cancelling/.test(up.output()) ? true : undefined), 10_000);
    up.child.kill('SIGINT'); // cancellation_scope.go: the second signal terminates
    const r = took(await up.done, 'pulumi up (interrupted twice)', t);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /\^C received; terminating/);
    await until('every child of the CLI to exit', async () => (tree.every((p) => !isAlive(p)) ? true : undefined), 10_000);
    assert.equal((await recordOf(ns))?.phase, 'doing');
    // The killed run could not hand the cluster's Lease back: it stays held until it expires (15 s after its last renewal).
    assert.match((await kget('lease', ns, `${CLUSTER}-starrocks-dr`))?.spec.holderIdentity ?? '', /^pulumi up@/);
    const state = await stack.state();
    assert.deepEqual(state.pending_operations?.map((o) => `${o.type} ${o.resource.type}`), [`creating ${DR_TYPE}`]);
    assert.equal(state.resources.find((x) => x.type === DR_TYPE), undefined, 'the DR resource is only a pending create');
  });

  it('the next pulumi up resumes the same run to done and the full topology; the stale pending create stays until refresh --clear-pending-creates', async (t) => {
    await cp.finishRestore(ns, `${FE}-0`);
    const r = await stack.up();
    ok(r, 'pulumi up', t);
    const waited = /waiting for the cluster's lease, held by (pulumi up@\S+)/.exec(r.output);
    t.diagnostic(waited ? `the resumed run waited for the killed run's lease (${waited[1]})` : "the killed run's lease had expired when the resumed run started");
    // The engine warns about the pending create and goes on (no refresh needed first).
    assert.match(r.output, /Attempting to deploy or update resources with 1 pending operations from previous deployment/);
    const outputs = await stack.outputs();
    const dr = outputs.disasterRecovery as Record<string, unknown>;
    assert.equal(dr.phase, 'done');
    assert.equal(dr.startTimestamp, Number(startTimestamp), 'the same recovery, resumed');
    assert.equal((await kget('statefulset', ns, FE))?.spec.replicas, 3);
    assert.ok(await kget('statefulset', ns, CN));
    // The successful up does not clear the pending create of the killed one ...
    assert.equal((await stack.state()).pending_operations?.length, 1);
    // ... a refresh does, non-interactively with --clear-pending-creates (pulumi refresh --help, v3.248.0).
    ok(await stack.run(['refresh', '--yes', '--skip-preview', '--clear-pending-creates']), 'pulumi refresh --clear-pending-creates', t);
    const state = await stack.state();
    assert.equal(state.pending_operations?.length ?? 0, 0);
    assert.equal(state.resources.find((x) => x.type === DR_TYPE)?.outputs?.phase, 'done');
    ok(await stack.run(['preview', '--expect-no-changes', '--diff']), 'pulumi preview --expect-no-changes', t);
  });

  it('the user\'s token, given in secret kubeconfig config, is nowhere in plain text in the state', () => {
    const found = filesUnder(ws.backend).filter((f) => fs.readFileSync(f, 'utf8').includes(token));
    assert.deepEqual(found, []);
  });
});
