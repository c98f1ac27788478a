import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../lib/kube/client';
import { startSimulator } from '../../sim';
import { failure, NS, Recorder, until, withSimulator } from './helpers';

describe('sim: fault injection', () => {
  const c = withSimulator();

  it('429 with Retry-After and 5xx bursts reach the client, filtered by verb and resource, then stop', async () => {
    c.sim.faults.failNext(1, { status: 429, retryAfterSeconds: 7, verb: 'GET', resource: 'configmaps' });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'f-a' } } });
    const r = await failure(c.core.readNamespacedConfigMap({ name: 'f-a', namespace: NS }));
    assert.equal(r.code, 429);
    assert.equal(r.body.reason, 'TooManyRequests');
    assert.equal(r.headers['retry-after'], '7');
    c.sim.faults.failNext(2, { status: 503 });
    assert.equal((await failure(c.core.listNamespacedPod({ namespace: NS }))).code, 503);
    assert.equal((await failure(c.apps.listNamespacedStatefulSet({ namespace: NS }))).code, 503);
    await c.core.readNamespacedConfigMap({ name: 'f-a', namespace: NS });
    c.sim.faults.failNext(1, { status: 500, verb: 'PATCH', resource: 'configmaps' });
    await c.core.readNamespacedConfigMap({ name: 'f-a', namespace: NS });
    const p = await failure(c.core.patchNamespacedConfigMap({ name: 'f-a', namespace: NS, body: [{ op: 'add', path: '/data', value: {} }] }));
    assert.equal(p.code, 500);
    await c.core.patchNamespacedConfigMap({ name: 'f-a', namespace: NS, body: [{ op: 'add', path: '/data', value: {} }] });
  });

  it('counts requests by verb and resource', async () => {
    c.sim.resetRequestCounts();
    await c.core.listNamespacedConfigMap({ namespace: NS });
    await c.core.readNamespacedConfigMap({ name: 'f-a', namespace: NS });
    await c.core.patchNamespacedConfigMap({ name: 'f-a', namespace: NS, body: [{ op: 'add', path: '/data/x', value: '1' }] });
    assert.deepEqual(c.sim.requestCounts(), { 'LIST configmaps': 1, 'GET configmaps': 1, 'PATCH configmaps': 1 });
  });

  it('dropped watches end on the client, which can resume without losing events', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: NS });
    const rec = new Recorder();
    await rec.start(c.kc, `/api/v1/namespaces/${NS}/configmaps`, { resourceVersion: list.metadata!.resourceVersion });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'drop-1' } } });
    await until(() => rec.events.length === 1, 10000, 'first event');
    c.sim.faults.dropWatches();
    await until(() => rec.closed, 10000, 'watch closed');
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'drop-2' } } });
    const resumed = new Recorder();
    await resumed.start(c.kc, `/api/v1/namespaces/${NS}/configmaps`, { resourceVersion: rec.events[0].rv });
    await until(() => resumed.events.length === 1, 10000, 'resumed event');
    resumed.stop();
    assert.deepEqual(resumed.events.map((e) => `${e.type} ${e.name}`), ['ADDED drop-2']);
  });

  it('an API server restart closes connections, keeps objects (same uids) and clients reconnect', async () => {
    const before = await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'survivor' }, data: { k: 'v' } } });
    const rec = new Recorder();
    await rec.start(c.kc, `/api/v1/namespaces/${NS}/configmaps`, { resourceVersion: before.metadata!.resourceVersion });
    await c.sim.restart({ downMs: 50 });
    await until(() => rec.closed, 10000, 'watch closed by restart');
    const after = await c.core.readNamespacedConfigMap({ name: 'survivor', namespace: NS });
    assert.equal(after.metadata!.uid, before.metadata!.uid);
    assert.equal(after.metadata!.resourceVersion, before.metadata!.resourceVersion);
    assert.equal(c.sim.url, `http://127.0.0.1:${c.sim.port}`);
  });

  it('requests wait out the injected latency and still succeed', async () => {
    c.sim.faults.latency(30);
    const cm = await c.core.readNamespacedConfigMap({ name: 'survivor', namespace: NS });
    assert.equal(cm.data!.k, 'v');
    c.sim.faults.clear();
  });
});

describe('sim: a lost response and a stalled answer', () => {
  it('a lost response: the write is committed, the connection drops before the answer, a retry with the old resourceVersion gets 409', async () => {
    // What a client sees when the API server dies after storage committed its write and before it answered: a reset.
    const c = await (await import('./helpers')).start();
    try {
      const created = await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'lost' }, data: { n: '1' } } });
      c.sim.faults.loseResponses(1, { verb: 'PUT', resource: 'configmaps' });
      const body = { metadata: { name: 'lost', resourceVersion: created.metadata!.resourceVersion }, data: { n: '2' } };
      const err = await c.core.replaceNamespacedConfigMap({ name: 'lost', namespace: NS, body }).then(
        () => assert.fail('the answer was lost'),
        (e: Error & { code?: unknown }) => e,
      );
      assert.equal(typeof (err as { code?: unknown }).code === 'number', false, `a network error, not a Status: ${err.message}`);
      assert.equal(c.sim.faults.unserved(), 0);
      assert.equal(c.sim.get('ConfigMap', NS, 'lost').data.n, '2', 'the write was committed');
      assert.equal((await failure(c.core.replaceNamespacedConfigMap({ name: 'lost', namespace: NS, body }))).code, 409, 'the retry is stale');
    } finally {
      await c.sim.stop();
    }
  });

  it('a stall aimed at one client (by its bearer token) delays its requests on virtual time and no one else\'s', async () => {
    const sim = await startSimulator({ virtualTime: true });
    try {
      const slow = KubeClient.connect({ kubeConfig: sim.kubeConfig({ token: 'slow' }), timers: sim.timers });
      const fast = KubeClient.connect({ kubeConfig: sim.kubeConfig({ token: 'fast' }), timers: sim.timers });
      sim.faults.stall(7_000, { token: 'slow', verb: 'GET', resource: 'namespaces', n: 1 });
      const t0 = sim.timers!.now();
      const [a, b] = await Promise.all([
        slow.get('ConfigMap', NS, 'none').then(() => sim.timers!.now() - t0),
        fast.get('ConfigMap', NS, 'none').then(() => sim.timers!.now() - t0),
      ]);
      assert.equal(a, 0, 'another resource is not stalled');
      assert.equal(b, 0);
      sim.faults.stall(7_000, { token: 'slow', resource: 'configmaps', n: 1 });
      const t1 = sim.timers!.now();
      const [s, f] = await Promise.all([
        slow.get('ConfigMap', NS, 'none').then(() => sim.timers!.now() - t1),
        fast.get('ConfigMap', NS, 'none').then(() => sim.timers!.now() - t1),
      ]);
      assert.equal(f, 0, 'the other client is answered at once');
      assert.equal(s, 7_000, 'the slow client waited 7 virtual seconds, and the clock moved while it waited');
    } finally {
      await sim.stop();
    }
  });
});
