/**
 * Records what a recovery's watches see on the real control plane (kube-apiserver v1.36 with the real StatefulSet
 * controller, scheduler and PV binder, kwok in place of the kubelet: control-plane.ts), for the executor's tests that
 * run without any API server (test/dr/recorded-streams.test.ts). For each scenario it starts watches (as the
 * cluster's admin, independent of the product's client) on what the executor watches, runs the shipped CLI as the
 * least-privileged user, lets the restore finish on cue (`finishRestore`), and writes every event, in the order it
 * arrived and with its arrival time, to test/data/recordings/control-plane/<scenario>.json.
 *
 *   npm run build && node tools/components/build.js etcd kubernetes kwok && npx tsx test/cluster/record-streams.ts
 *
 * Not a test: recordings are data, committed with their source (test/data/recordings/control-plane/SOURCE.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { assertExit, CLUSTER, drCli, eventually, FE, finishRestore, readRecord, RECORD, ROOT, startCluster, type Cluster } from './support';

export const RECORDINGS = path.join(ROOT, 'test', 'data', 'recordings', 'control-plane');

/** One watch event as recorded. */
export interface RecordedEvent {
  /** Milliseconds since the recording started, when the event arrived. */
  readonly atMs: number;
  readonly source: 'StatefulSet' | 'Pod' | 'Event' | 'PersistentVolumeClaim' | 'ConfigMap';
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: Record<string, unknown>;
}

export interface Recording {
  readonly scenario: string;
  readonly description: string;
  readonly source: {
    readonly recordedWith: string;
    readonly controlPlane: string;
    readonly command: string;
    readonly recordedAt: string;
  };
  readonly namespace: string;
  readonly cluster: string;
  readonly events: readonly RecordedEvent[];
}

/** What the executor watches (lib/dr/watch.ts), plus the status record, each with the executor's selectors. */
const SOURCES: ReadonlyArray<{ source: RecordedEvent['source']; path: (ns: string) => string; params: Record<string, string> }> = [
  { source: 'StatefulSet', path: (ns) => `/apis/apps/v1/namespaces/${ns}/statefulsets`, params: {} },
  { source: 'Pod', path: (ns) => `/api/v1/namespaces/${ns}/pods`, params: { labelSelector: `app.kubernetes.io/component=fe,app.starrocks.ownerreference/name=${FE}` } },
  { source: 'Event', path: (ns) => `/api/v1/namespaces/${ns}/events`, params: { fieldSelector: 'type=Warning' } },
  { source: 'PersistentVolumeClaim', path: (ns) => `/api/v1/namespaces/${ns}/persistentvolumeclaims`, params: {} },
  { source: 'ConfigMap', path: (ns) => `/api/v1/namespaces/${ns}/configmaps`, params: { fieldSelector: `metadata.name=${RECORD}` } },
];

/** Fields no reader of a recording uses and that only make it large (managedFields are kept for StatefulSets). */
function trimmed(source: RecordedEvent['source'], obj: Record<string, unknown>): Record<string, unknown> {
  const metadata = { ...(obj.metadata as Record<string, unknown>) };
  if (source !== 'StatefulSet') delete metadata.managedFields;
  return { ...obj, metadata };
}

async function watchAll(kc: KubeConfig, ns: string, events: RecordedEvent[], started: number): Promise<() => void> {
  const controllers: AbortController[] = [];
  for (const s of SOURCES) {
    controllers.push(
      await new Watch(kc).watch(s.path(ns), s.params, (type, obj) => {
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') events.push({ atMs: Date.now() - started, source: s.source, type, object: trimmed(s.source, obj) });
      }, () => undefined),
    );
  }
  return () => controllers.forEach((c) => c.abort());
}

interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly args: readonly string[];
  /** What the test does while the CLI runs (let the restore finish, delete a pod, ...). */
  run(c: Cluster, ns: string): Promise<void>;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'dr-run',
    description: 'dr run of generation 1 into an empty namespace: restore form, the FE pod held unready until the restore is let finish, done, the full topology rolled out',
    args: ['dr', 'run', '--timeout', '120s', '--verify', 'none'],
    run: async (c, ns) => {
      await finishRestore(c, ns);
    },
  },
  {
    name: 'dr-run-fe-pod-deleted',
    description: 'dr run of generation 1 whose restoring FE pod is deleted mid-restore: the StatefulSet controller re-creates it, the restore finishes on the new pod',
    args: ['dr', 'run', '--timeout', '120s', '--verify', 'none'],
    run: async (c, ns) => {
      const first = await eventually('the restoring FE pod', async () => {
        const p = await c.core.readNamespacedPod({ name: `${FE}-0`, namespace: ns }).catch(() => undefined);
        return p?.status?.phase === 'Running' ? p.metadata!.uid! : undefined;
      });
      await c.core.deleteNamespacedPod({ name: `${FE}-0`, namespace: ns });
      await eventually('a new FE pod', async () => {
        const p = await c.core.readNamespacedPod({ name: `${FE}-0`, namespace: ns }).catch(() => undefined);
        return p && p.metadata!.uid !== first && !p.metadata?.deletionTimestamp ? true : undefined;
      });
      await finishRestore(c, ns);
    },
  },
];

async function record(c: Cluster, scenario: Scenario): Promise<Recording> {
  const ns = `record-${scenario.name}`;
  const kubeconfig = await c.cp.leastPrivilegeUser(ns);
  const events: RecordedEvent[] = [];
  const started = Date.now();
  const stop = await watchAll(c.cp.admin, ns, events, started);
  try {
    const cli = drCli(scenario.args, ns, kubeconfig);
    await scenario.run(c, ns);
    assertExit(await cli.done, 0, scenario.name);
    await eventually('the record done', async () => (await readRecord(c, ns))?.phase === 'done');
    // Let the last status updates of the rollout arrive.
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    stop();
  }
  return {
    scenario: scenario.name,
    description: scenario.description,
    source: {
      recordedWith: 'test/cluster/record-streams.ts',
      controlPlane: `kube-apiserver ${c.cp.kubernetesVersion} (etcd, kube-controller-manager, kube-scheduler, kwok: test/cluster/control-plane.ts)`,
      command: `starrocks-dr ${scenario.args.join(' ')} -f examples/starrocks-values.yaml -f examples/override.yaml -n ${ns} (as the user of examples/rbac/role.yaml)`,
      recordedAt: new Date(started).toISOString(),
    },
    namespace: ns,
    cluster: CLUSTER,
    events,
  };
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const c = await startCluster();
  try {
    fs.mkdirSync(RECORDINGS, { recursive: true });
    for (const s of SCENARIOS.filter((x) => only.length === 0 || only.includes(x.name))) {
      const r = await record(c, s);
      const file = path.join(RECORDINGS, `${s.name}.json`);
      fs.writeFileSync(file, `${JSON.stringify(r, null, 1)}\n`);
      process.stdout.write(`${path.relative(ROOT, file)}: ${r.events.length} events\n`);
    }
  } finally {
    await c.cp.stop();
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}

