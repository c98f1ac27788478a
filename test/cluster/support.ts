/**
 * What the cluster suites share: one real control plane per test file (restores finish on cue), the shipped CLI run
 * as a process with the least-privileged user's kubeconfig, and an independent view of the cluster through the
 * admin's client (never through the product's own client, so that a product bug cannot hide itself).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { AppsV1Api, CoreV1Api, type V1Pod, type V1StatefulSet } from '@kubernetes/client-node';
import { startCli, type Exit } from '../e2e/bin';
import { startControlPlane, type ControlPlane } from './control-plane';

export const ROOT = path.resolve(__dirname, '../..');
export const CLUSTER = 'kube-starrocks';
export const FE = `${CLUSTER}-fe`;
export const RECORD = `${CLUSTER}-disaster-recovery`;
export const VALUES = [path.join(ROOT, 'examples/starrocks-values.yaml'), path.join(ROOT, 'examples/override.yaml')];

export interface Cluster {
  readonly cp: ControlPlane;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
}

/** A control plane whose restoring FE pods become Ready only when a test says so (`finishRestore`). */
export async function startCluster(): Promise<Cluster> {
  const cp = await startControlPlane({ feRestoreMs: 'manual', log: (l) => process.stderr.write(`control plane: ${l}\n`) });
  return { cp, core: cp.admin.makeApiClient(CoreV1Api), apps: cp.admin.makeApiClient(AppsV1Api) };
}

const notFound = (e: unknown) => (e as { code?: number }).code === 404;

export async function readRecord(c: Cluster, ns: string): Promise<Record<string, string> | undefined> {
  try {
    return (await c.core.readNamespacedConfigMap({ name: RECORD, namespace: ns })).data ?? {};
  } catch (e) {
    if (notFound(e)) return undefined;
    throw e;
  }
}

export async function readStatefulSet(c: Cluster, ns: string, name = FE): Promise<V1StatefulSet | undefined> {
  try {
    return await c.apps.readNamespacedStatefulSet({ name, namespace: ns });
  } catch (e) {
    if (notFound(e)) return undefined;
    throw e;
  }
}

export async function pvcUids(c: Cluster, ns: string): Promise<Map<string, string>> {
  const list = await c.core.listNamespacedPersistentVolumeClaim({ namespace: ns });
  return new Map(list.items.map((p) => [p.metadata!.name!, p.metadata!.uid!]));
}

/** Polls `probe` (every 100 ms) until it returns a value; fails naming `what` after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const restoreEnv = (pod: V1Pod, name: string) => pod.spec?.containers.find((x) => x.name === 'fe')?.env?.find((e) => e.name === name)?.value;

/**
 * Waits until the FE pod `pod` runs in the restore form of `generation` (kwok holds it unready) and lets its restore
 * finish; returns the pod's uid.
 */
export async function finishRestore(c: Cluster, ns: string, generation = 1, pod = `${FE}-0`): Promise<string> {
  const restoring = await eventually(`pod ${pod} restoring generation ${generation}`, async () => {
    const p = await c.core.readNamespacedPod({ name: pod, namespace: ns }).catch((e) => (notFound(e) ? undefined : Promise.reject(e)));
    return p && !p.metadata?.deletionTimestamp && p.status?.phase === 'Running' && restoreEnv(p, 'RESTORE_CLUSTER_GENERATION') === String(generation) ? p : undefined;
  });
  await c.cp.finishRestore(ns, pod);
  return restoring.metadata!.uid!;
}

/** The CLI with the values files, in namespace `ns`, as the least-privileged user of `ns` unless `kubeconfig` says. */
export function drCli(args: readonly string[], ns: string, kubeconfig: string, hangMs = 120_000): { child: import('node:child_process').ChildProcess; done: Promise<Exit> } {
  // No StarRocks runs behind kwok's pods and kwok serves no port-forward (README.md): `dr run` and `dr wait` skip the
  // database checks, as a user without port-forward does (the checks run against the simulator's FE in npm test).
  const verify = args[0] === 'dr' && (args[1] === 'run' || args[1] === 'wait') && !args.includes('--verify') ? ['--verify', 'none'] : [];
  return startCli([...args, ...verify, ...VALUES.flatMap((f) => ['-f', f]), '-n', ns, '--kubeconfig', kubeconfig], hangMs);
}

export function assertExit(run: Exit, code: number, what: string): void {
  assert.equal(run.code, code, `${what}: exit ${run.code} (signal ${run.signal}), stderr:\n${run.stderr}\nstdout:\n${run.stdout}`);
}

type Env = { name: string; value?: string };

/** What must hold once a recovery has finished and the full topology rolled out. */
export async function assertRecovered(c: Cluster, ns: string, generation = 1): Promise<Record<string, string>> {
  const fe = (await readStatefulSet(c, ns))!;
  assert.equal(fe.spec?.replicas, 3, 'the FE StatefulSet is back to its full replica count');
  const container = fe.spec!.template.spec!.containers.find((x) => x.name === 'fe')!;
  const names = ((container.env ?? []) as Env[]).map((e) => e.name);
  assert.ok(!names.some((n) => n.startsWith('RESTORE_')), `no RESTORE_* env left, got ${names.join(',')}`);
  assert.equal(container.startupProbe?.httpGet?.path, '/api/health', 'startup probe is back');
  assert.equal(container.livenessProbe?.httpGet?.path, '/api/health', 'liveness probe is back');
  assert.equal(container.readinessProbe?.httpGet?.path, '/api/health', 'readiness is HTTP again');
  assert.ok(await readStatefulSet(c, ns, `${CLUSTER}-cn`), 'CN is created once the FE is restored');
  const record = (await readRecord(c, ns))!;
  assert.equal(record.phase, 'done');
  assert.equal(record.observedGeneration, String(generation));
  assert.ok(Number(record.endTimestamp) >= Number(record.startTimestamp), 'endTimestamp is not before startTimestamp');
  const uids = JSON.parse(record.feMetaPvcUids ?? '{}') as Record<string, string>;
  const live = await pvcUids(c, ns);
  assert.ok(Object.keys(uids).length > 0, 'done carries the identity: the FE metadata PVC uids');
  for (const [name, uid] of Object.entries(uids)) assert.equal(live.get(name), uid, `record names the live PVC ${name}`);
  return record;
}
