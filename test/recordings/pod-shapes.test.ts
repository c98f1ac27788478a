/**
 * The simulator's pods against pods recorded from real clusters, in the same states, field by field: every status
 * field a real cluster wrote is there with the same JSON type, enumerations (phase, conditions, waiting reasons,
 * ready, QoS class) agree. The simulator writes the Kubernetes 1.28+ shapes the 2019 recordings predate
 * (podIPs/hostIPs lists, the PodReadyToStartContainers condition, containerStatuses[].started); those are the only
 * extra fields allowed. Each simulated pod is created from the recorded pod's containers (name, image, resources).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { NS, until, withSimulator } from '../sim/helpers';
import { loadState, loadWorkflows } from './replay';
import { compareStatus } from './shape';

/** Kubernetes 1.28+ status fields: hostIPs (1.28), podIPs (1.16), PodReadyToStartContainers (1.29), started (1.16). */
const CURRENT_FIELDS = [/^status\.hostIPs\[\d+\]\.ip$/, /^status\.podIPs\[\d+\]\.ip$/, /^status\.conditions\[type=PodReadyToStartContainers\]\./, /^status\.containerStatuses\[name=[^\]]+\]\.started$/];
/** The simulator is single-stack; a dual-stack recording has a second IP. */
const DUAL_STACK = [/^status\.(hostIPs|podIPs)\[1\]\.ip$/];

interface ShapeCase {
  readonly state: string;
  readonly recorded: () => V1Pod;
  /** Pod spec additions that put the simulated pod into the state. */
  readonly spec?: Record<string, unknown>;
  readonly fault?: 'CrashLoopBackOff' | 'ImagePullBackOff';
  /** When the simulated pod has reached the state. */
  readonly reached: (status: any) => boolean;
  /** Take the create response (the state before the scheduler saw the pod). */
  readonly atCreate?: boolean;
}

const waitingReason = (s: any) => s?.containerStatuses?.[0]?.state?.waiting?.reason;

describe('recordings: simulated pods have the shape of recorded ones', () => {
  const c = withSimulator({ timeScale: 0.01 });
  const workflows = loadWorkflows();
  const CASES: ShapeCase[] = [
    { state: 'states/uninitialized', recorded: () => loadState('uninitialized'), atCreate: true, reached: () => true },
    { state: 'states/unscheduled', recorded: () => loadState('unscheduled'), spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'no-such-claim' } }] }, reached: (s) => s?.conditions?.some((c: any) => c.reason === 'Unschedulable') },
    { state: 'states/initialized', recorded: () => loadState('initialized'), spec: { volumes: [{ name: 'conf', configMap: { name: 'no-such-configmap' } }] }, reached: (s) => waitingReason(s) === 'ContainerCreating' },
    { state: 'states/ready', recorded: () => loadState('ready'), reached: (s) => s?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') },
    { state: 'workflows/crashLoopBackoff[0]', recorded: () => workflows.get('crashLoopBackoff')![0], fault: 'CrashLoopBackOff', reached: (s) => waitingReason(s) === 'CrashLoopBackOff' },
    { state: 'workflows/imagePullError[last]', recorded: () => workflows.get('imagePullError')!.at(-1)!, fault: 'ImagePullBackOff', reached: (s) => waitingReason(s) === 'ImagePullBackOff' },
    { state: 'workflows/imagePullError[3]', recorded: () => workflows.get('imagePullError')![3], fault: 'ImagePullBackOff', reached: (s) => waitingReason(s) === 'ErrImagePull' },
  ];

  CASES.forEach((t, i) => {
    it(`${t.state}: the simulator writes the recorded fields with the recorded types and values`, async () => {
      const rec = t.recorded();
      const name = `shape-${i}`;
      if (t.fault) c.sim.pods.inject(name, t.fault);
      const containers = rec.spec!.containers.map((c) => ({ name: c.name, image: c.image, ...(c.resources ? { resources: c.resources } : {}) }));
      const created = await c.core.createNamespacedPod({ namespace: NS, body: { metadata: { name }, spec: { containers, ...(t.spec ?? {}) } } });
      let status: any = created.status;
      if (!t.atCreate) {
        await until(() => t.reached(c.sim.get('Pod', NS, name)?.status), 10_000, `${t.state} reached`);
        status = c.sim.get('Pod', NS, name).status;
      }
      const d = compareStatus(rec.status, status);
      assert.deepEqual(d.missing.filter((p) => !DUAL_STACK.some((r) => r.test(p))), [], 'recorded fields the simulator does not write');
      assert.deepEqual(d.extra.filter((p) => !CURRENT_FIELDS.some((r) => r.test(p))), [], 'simulated fields that are neither recorded nor 1.28+ API');
      assert.deepEqual(d.typeDiffers, []);
      assert.deepEqual(d.valueDiffers, []);
    });
  });
});
