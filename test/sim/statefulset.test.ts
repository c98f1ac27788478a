import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configMap, feStatefulSet, NS, podReady, Recorder, withSimulator } from './helpers';

describe('sim: StatefulSet controller and pod lifecycle', () => {
  const c = withSimulator({ virtualTime: true, feRestoreSeconds: 30, feStartupSeconds: 2, backendStartupSeconds: 2 });

  const sts = (name: string) => c.sim.get('StatefulSet', NS, name);
  const pod = (name: string) => c.sim.get('Pod', NS, name);
  const rolledOut = (name: string) => {
    const s = sts(name);
    return !!s && s.status?.observedGeneration >= s.metadata.generation && (s.status?.readyReplicas ?? 0) >= s.spec.replicas && s.status?.updatedReplicas === s.spec.replicas && s.status?.currentRevision === s.status?.updateRevision;
  };

  it('an operator-shaped FE StatefulSet (httpGet /api/health probes, downward-API env, configMap + PVC volumes) reaches Ready', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('op-fe-cm') });
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: feStatefulSet('op-fe', { replicas: 3 }) });
    await c.sim.waitFor(() => rolledOut('op-fe'), 20000);
    const s = sts('op-fe');
    assert.equal(s.status.replicas, 3);
    assert.equal(s.status.readyReplicas, 3);
    assert.equal(s.status.observedGeneration, 1);
    for (let i = 0; i < 3; i++) {
      const p = pod(`op-fe-${i}`);
      assert.ok(podReady(p));
      assert.equal(p.status.phase, 'Running');
      assert.equal(p.metadata.labels['controller-revision-hash'], s.status.updateRevision);
      assert.equal(p.spec.hostname, `op-fe-${i}`);
      assert.equal(p.spec.subdomain, 'op-fe-search');
      assert.deepEqual(p.spec.volumes.find((v: any) => v.name === 'fe-storage-meta').persistentVolumeClaim, { claimName: `fe-storage-meta-op-fe-${i}` });
      const cs = p.status.containerStatuses[0];
      assert.equal(cs.ready, true);
      assert.equal(cs.started, true);
      assert.ok(cs.state.running);
      assert.ok(p.status.podIP && p.status.hostIP && p.status.startTime);
      assert.equal(c.sim.get('PersistentVolumeClaim', NS, `fe-storage-meta-op-fe-${i}`).status.phase, 'Bound');
    }
    const revs = c.sim.list('ControllerRevision', NS).filter((r) => r.metadata.ownerReferences?.[0]?.uid === s.metadata.uid);
    assert.deepEqual(revs.map((r) => r.metadata.name), [s.status.updateRevision]);
  });

  it('a readiness probe on a port the process does not open keeps the pod unready', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('good-cm') });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('broken-cm') });
    const good = feStatefulSet('good');
    const broken = feStatefulSet('broken');
    broken.spec.template.spec.containers[0].readinessProbe.httpGet.port = 8031;
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: broken });
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: good });
    await c.sim.waitFor(() => podReady(pod('good-0')), 20000);
    // Started together with the same timings: the good one has passed as many probes as the broken one ran.
    await c.sim.waitFor(() => pod('broken-0')?.status?.containerStatuses?.[0]?.started === true, 20000);
    const b = pod('broken-0');
    assert.equal(podReady(b), false);
    assert.equal(b.status.containerStatuses[0].ready, false);
    assert.equal(b.status.phase, 'Running');
    assert.equal(sts('broken').status.readyReplicas, undefined);
  });

  it('a restoring FE (RESTORE_CLUSTER_SNAPSHOT=true, TCP readiness on 9030) becomes Ready only after its restore', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('rst-cm') });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('plain-cm') });
    const restoring = feStatefulSet('rst', { restore: true });
    restoring.spec.template.spec.containers[0].env.find((e: any) => e.name === 'RESTORE_CLUSTER_SNAPSHOT').value = 'TRUE';
    const plain = feStatefulSet('plain', { restore: true });
    plain.spec.template.spec.containers[0].env = plain.spec.template.spec.containers[0].env.filter((e: any) => !e.name.startsWith('RESTORE_'));
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: restoring });
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: plain });
    await c.sim.waitFor(() => podReady(pod('plain-0')), 20000);
    const r = pod('rst-0');
    assert.equal(podReady(r), false, 'still restoring when a normal FE with the same probe is ready');
    assert.ok(r.status.containerStatuses[0].state.running);
    await c.sim.waitFor(() => podReady(pod('rst-0')), 20000);
  });

  it('keeps PVCs across scale-down and across delete-and-recreate of the StatefulSet (same uid); pods are collected', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('keep-cm') });
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: feStatefulSet('keep', { replicas: 2 }) });
    await c.sim.waitFor(() => rolledOut('keep'), 20000);
    const uids = [0, 1].map((i) => c.sim.get('PersistentVolumeClaim', NS, `fe-storage-meta-keep-${i}`).metadata.uid);
    await c.apps.patchNamespacedStatefulSet({ name: 'keep', namespace: NS, body: [{ op: 'replace', path: '/spec/replicas', value: 1 }] });
    await c.sim.waitFor(() => !pod('keep-1') && sts('keep')?.status?.replicas === 1, 20000);
    assert.equal(c.sim.get('PersistentVolumeClaim', NS, 'fe-storage-meta-keep-1').metadata.uid, uids[1]);
    await c.apps.deleteNamespacedStatefulSet({ name: 'keep', namespace: NS, propagationPolicy: 'Background' });
    await c.sim.waitFor(() => !pod('keep-0'), 20000);
    assert.ok(c.sim.get('PersistentVolumeClaim', NS, 'fe-storage-meta-keep-0'));
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: feStatefulSet('keep', { replicas: 2 }) });
    await c.sim.waitFor(() => rolledOut('keep'), 20000);
    assert.deepEqual([0, 1].map((i) => c.sim.get('PersistentVolumeClaim', NS, `fe-storage-meta-keep-${i}`).metadata.uid), uids);
    assert.equal(c.sim.list('PersistentVolumeClaim', NS).filter((p) => p.metadata.name.startsWith('fe-storage-meta-keep-')).length, 2);
  });

  it('rolls updates from the highest ordinal down, one pod at a time, each after the previous is Ready', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('roll-cm') });
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: feStatefulSet('roll', { replicas: 3 }) });
    await c.sim.waitFor(() => rolledOut('roll'), 20000);
    const oldRev = sts('roll').status.updateRevision;
    const rec = new Recorder();
    await rec.start(c.kc, `/api/v1/namespaces/${NS}/pods`, { labelSelector: 'app.starrocks.ownerreference/name=roll', resourceVersion: sts('roll').metadata.resourceVersion });
    await c.apps.patchNamespacedStatefulSet({ name: 'roll', namespace: NS, body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'starrocks/fe-ubuntu:3.3.6' }] });
    await c.sim.waitFor(() => rolledOut('roll') && sts('roll').status.updateRevision !== oldRev, 30000);
    rec.stop();
    const s = sts('roll');
    assert.notEqual(s.status.updateRevision, oldRev);
    assert.equal(s.status.currentRevision, s.status.updateRevision);
    assert.equal(s.metadata.generation, 2);
    const deletions = rec.events.filter((e) => e.type === 'DELETED').map((e) => e.name);
    assert.deepEqual(deletions, ['roll-2', 'roll-1', 'roll-0']);
    // Each deletion after the first happens only once the replacement of the previous is Ready.
    for (const [prev, next] of [['roll-2', 'roll-1'], ['roll-1', 'roll-0']]) {
      const delNext = rec.events.findIndex((e) => e.type === 'MODIFIED' && e.name === next && e.obj.metadata.deletionTimestamp);
      const readyPrev = rec.events.findIndex((e) => e.name === prev && e.obj.metadata.labels['controller-revision-hash'] !== oldRev && podReady(e.obj));
      assert.ok(readyPrev >= 0 && readyPrev < delNext, `${prev} replaced and Ready before ${next} is deleted`);
    }
    for (let i = 0; i < 3; i++) assert.equal(pod(`roll-${i}`).spec.containers[0].image, 'starrocks/fe-ubuntu:3.3.6');
  });

  it('honours the RollingUpdate partition', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('part-cm') });
    const body = feStatefulSet('part', { replicas: 2 });
    body.spec.updateStrategy.rollingUpdate.partition = 1;
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body });
    await c.sim.waitFor(() => rolledOut('part'), 20000);
    await c.apps.patchNamespacedStatefulSet({ name: 'part', namespace: NS, body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'fe:new' }] });
    await c.sim.waitFor(() => pod('part-1')?.spec.containers[0].image === 'fe:new' && podReady(pod('part-1')) && sts('part').status.updatedReplicas === 1 && sts('part').status.observedGeneration === 2, 20000);
    assert.notEqual(pod('part-0').spec.containers[0].image, 'fe:new');
    assert.notEqual(sts('part').status.currentRevision, sts('part').status.updateRevision);
  });

  it('OrderedReady creates pod i+1 only after pod i is Running and Ready', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('ord-cm') });
    const rec = new Recorder();
    await rec.start(c.kc, `/api/v1/namespaces/${NS}/pods`, { labelSelector: 'app.starrocks.ownerreference/name=ord' });
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: feStatefulSet('ord', { replicas: 3, policy: 'OrderedReady' }) });
    await c.sim.waitFor(() => rolledOut('ord'), 30000);
    rec.stop();
    for (let i = 1; i < 3; i++) {
      const added = rec.events.findIndex((e) => e.type === 'ADDED' && e.name === `ord-${i}`);
      const prevReady = rec.events.findIndex((e) => e.name === `ord-${i - 1}` && podReady(e.obj));
      assert.ok(prevReady >= 0 && prevReady < added, `ord-${i - 1} Ready before ord-${i} is created`);
    }
  });

  /** Each injected fault, the pod status the kubelet reports for it, and what else must hold. */
  const FAULTS: { fault: 'CrashLoopBackOff' | 'ImagePullBackOff' | 'NeverReady'; reached: (s: any) => boolean; check: (s: any) => void }[] = [
    {
      fault: 'CrashLoopBackOff',
      reached: (s) => (s?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 && s.containerStatuses[0].state?.waiting?.reason === 'CrashLoopBackOff',
      check: (s) => {
        assert.equal(s.containerStatuses[0].lastState.terminated.reason, 'Error');
        assert.match(s.containerStatuses[0].state.waiting.message, /^back-off \d+s restarting failed container=app pod=inj-crashloopbackoff_default\(/);
      },
    },
    {
      fault: 'ImagePullBackOff',
      reached: (s) => s?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff',
      check: (s) => {
        assert.equal(s.phase, 'Pending');
        assert.equal(s.containerStatuses[0].restartCount, 0);
      },
    },
    {
      fault: 'NeverReady',
      reached: (s) => s?.containerStatuses?.[0]?.started === true,
      check: (s) => {
        assert.equal(s.phase, 'Running');
        assert.equal(podReady({ status: s }), false);
      },
    },
  ];

  for (const t of FAULTS) {
    it(`injected ${t.fault} shows as the kubelet reports it`, async () => {
      const name = `inj-${t.fault.toLowerCase()}`;
      c.sim.pods.inject(name, t.fault);
      await c.core.createNamespacedPod({ namespace: NS, body: { metadata: { name }, spec: { containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 80 }] }] } } });
      await c.sim.waitFor(() => t.reached(pod(name)?.status), 30000);
      t.check(pod(name).status);
      c.sim.pods.clear(name);
    });
  }

  it('a pod whose claim does not exist is Unschedulable, with the scheduler\'s FailedScheduling event', async () => {
    await c.core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'no-claim' }, spec: { containers: [{ name: 'app', image: 'app:1' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'missing-claim' } }] } } });
    await c.sim.waitFor(() => (pod('no-claim')?.status?.conditions ?? []).some((x: any) => x.reason === 'Unschedulable'), 10000);
    const ev = c.sim.list('Event', NS).filter((e) => e.involvedObject.name === 'no-claim' && e.reason === 'FailedScheduling');
    assert.equal(ev.length, 1);
    assert.equal(ev[0].type, 'Warning');
    assert.equal(ev[0].message, '0/1 nodes are available: persistentvolumeclaim "missing-claim" not found.');
  });

  it('a failing liveness probe restarts the container; a startup probe gates readiness', async () => {
    const probe = (port: number) => ({ httpGet: { path: '/api/health', port }, periodSeconds: 1, failureThreshold: 2 });
    await c.core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'live-bad' }, spec: { containers: [{ name: 'cn', image: 'cn:1', ports: [{ name: 'webserver-port', containerPort: 8040 }], livenessProbe: probe(8041), readinessProbe: probe(8040) }] } } });
    await c.sim.waitFor(() => (pod('live-bad')?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2, 30000);
    await c.core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'start-bad' }, spec: { containers: [{ name: 'cn', image: 'cn:1', ports: [{ name: 'webserver-port', containerPort: 8040 }], startupProbe: { ...probe(9999), failureThreshold: 1000 }, readinessProbe: probe(8040) }] } } });
    await c.core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'start-ok' }, spec: { containers: [{ name: 'cn', image: 'cn:1', ports: [{ name: 'webserver-port', containerPort: 8040 }], startupProbe: { ...probe(8040), failureThreshold: 1000 }, readinessProbe: probe(8040) }] } } });
    await c.sim.waitFor(() => podReady(pod('start-ok')), 20000);
    const sb = pod('start-bad');
    assert.equal(sb.status.containerStatuses[0].started, false);
    assert.equal(podReady(sb), false);
  });

  it('the Endpoints controller lists ready and not-ready addresses, and all with publishNotReadyAddresses', async () => {
    c.sim.pods.inject('ep-1', 'NeverReady');
    const labels = { ep: 'yes' };
    const spec = { containers: [{ name: 'app', image: 'app:1', ports: [{ name: 'web', containerPort: 8080 }] }] };
    for (const n of ['ep-0', 'ep-1']) await c.core.createNamespacedPod({ namespace: NS, body: { metadata: { name: n, labels }, spec } });
    await c.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'ep-svc' }, spec: { selector: labels, ports: [{ name: 'web', port: 80, targetPort: 'web' as any }] } } });
    await c.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'ep-headless' }, spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: labels, ports: [{ name: 'web', port: 8080 }] } } });
    const ep = (n: string) => c.sim.get('Endpoints', NS, n);
    await c.sim.waitFor(() => ep('ep-svc')?.subsets?.[0]?.addresses?.length === 1 && ep('ep-svc')?.subsets?.[0]?.notReadyAddresses?.length === 1, 20000);
    const s = ep('ep-svc').subsets[0];
    assert.equal(s.addresses[0].targetRef.name, 'ep-0');
    assert.equal(s.notReadyAddresses[0].targetRef.name, 'ep-1');
    assert.deepEqual(s.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    await c.sim.waitFor(() => ep('ep-headless')?.subsets?.[0]?.addresses?.length === 2, 20000);
    assert.equal(ep('ep-headless').subsets[0].notReadyAddresses, undefined);
    c.sim.pods.clear();
  });
});
