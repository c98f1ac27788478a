/**
 * KubeClient knows where the kinds it uses live, so a fresh client sends no discovery request (client-node 1.4
 * dist/object.js `resource` would GET /api/v1, /apis/apps/v1 and /apis/coordination.k8s.io/v1 first). The paths
 * themselves are checked against a real kube-apiserver by the cluster suites, which apply these kinds through it.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { KubeClient, type KObject } from '../../lib/kube/client';
import { startSimulator, type Simulator } from '../../sim';

let sim: Simulator;
before(async () => {
  sim = await startSimulator();
});
after(async () => sim.stop());

it('a fresh client applies, reads, lists and deletes the kinds it knows without a discovery request', async () => {
  const client = KubeClient.connect({ kubeConfig: sim.kubeConfig() });
  sim.resetRequestCounts();
  const objects: KObject[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { a: '1' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'default' }, spec: { ports: [{ port: 9030 }], selector: { app: 'x' } } },
    { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lease', namespace: 'default' }, spec: { holderIdentity: 'me' } },
  ];
  for (const obj of objects) await client.apply(obj, 'starrocks-dr');
  for (const obj of objects) assert.equal((await client.get(obj.kind as 'ConfigMap', 'default', obj.metadata!.name!))?.metadata?.name, obj.metadata!.name);
  assert.equal((await client.list('StatefulSet', 'default')).items.length, 0);
  await client.delete('ConfigMap', 'default', 'cm');
  assert.equal(await client.get('ConfigMap', 'default', 'cm'), undefined);
  const counts = sim.requestCounts();
  const verbs = Object.keys(counts).sort();
  assert.ok(verbs.length >= 4, verbs.join(', '));
  assert.deepEqual(verbs.filter((k) => !/^(APPLY|PATCH|GET|LIST|DELETE) (configmaps|services|leases|statefulsets)\b/.test(k)), [], 'only the objects were asked for');
});
