/**
 * The synthesized reference cluster (issue 3's must-show): applied as a GitOps engine or kubectl would apply it
 * (server-side apply of every object), it reaches all pods Ready in the simulator; a broken probe port keeps the
 * FE unready.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderCluster } from '../../lib/render/cluster';
import { referenceSpec } from '../fixtures';
import type { KObject } from '../../lib/kube/client';
import type { Simulator } from '../../sim';
import { clientFor, NS, startSim } from './support';

const ready = (pod: { status?: { conditions?: Array<{ type: string; status: string }> } }) =>
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

describe('the synthesized reference cluster on the simulator', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('applies cleanly and reaches all pods Ready', async () => {
    const spec = referenceSpec();
    const objects = renderCluster(spec, { namespace: NS });
    const client = clientFor(sim);
    for (const obj of objects) await client.apply(obj as KObject, 'kubectl');
    const pods = () => sim.list('Pod', NS);
    const rolledOut = (name: string) => {
      const sts = sim.get('StatefulSet', NS, name);
      return sts?.status?.readyReplicas === sts?.spec.replicas && sts?.status?.observedGeneration === sts?.metadata.generation;
    };
    await sim.waitFor(() => pods().length === 4 && pods().every(ready) && rolledOut('kube-starrocks-fe') && rolledOut('kube-starrocks-cn'), 30_000);
    assert.deepEqual(pods().map((p) => p.metadata.name).sort(), ['kube-starrocks-cn-0', 'kube-starrocks-fe-0', 'kube-starrocks-fe-1', 'kube-starrocks-fe-2']);
    assert.equal(sim.get('StatefulSet', NS, 'kube-starrocks-fe').status.readyReplicas, 3);
    assert.equal(sim.get('StatefulSet', NS, 'kube-starrocks-cn').status.readyReplicas, 1);
    // The Endpoints controller follows the pods: the FE Service ends up routing to the three ready FE pods.
    await sim.waitFor(() => sim.get('Endpoints', NS, 'kube-starrocks-fe-service')?.subsets?.[0]?.addresses?.length === 3, 10_000);
  });

  it('keeps the FE unready when its readiness probe points at a port nothing listens on', async () => {
    const spec = referenceSpec();
    const objects = renderCluster({ ...spec, starRocksCnSpec: undefined }, { namespace: NS });
    const sts = objects.find((o) => o.kind === 'StatefulSet') as KObject & { spec: { replicas: number; template: { spec: { containers: Array<Record<string, any>> } } } };
    sts.spec.replicas = 1;
    const fe = sts.spec.template.spec.containers[0];
    delete fe.startupProbe;
    delete fe.livenessProbe;
    fe.readinessProbe = { ...fe.readinessProbe, httpGet: { path: '/api/health', port: 9999 } };
    const client = clientFor(sim);
    for (const obj of objects) await client.apply(obj as KObject, 'kubectl');
    // A healthy FE is Ready after its 2 simulated seconds of startup; give it 5 simulated minutes.
    await sim.waitFor(() => sim.list('Pod', NS).some((p) => p.status?.containerStatuses?.[0]?.state?.running), 30_000);
    await sim.timers!.sleep(5 * 60_000);
    assert.equal(sim.list('Pod', NS).some(ready), false, 'no FE pod became Ready');
    assert.equal(sim.get('StatefulSet', NS, 'kube-starrocks-fe').status.readyReplicas ?? 0, 0);
  });
});
