import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NS, Recorder, until, withSimulator } from './helpers';

describe('sim: watch', () => {
  const c = withSimulator({ bookmarkIntervalMs: 50 });

  it('a client resuming from a recent resourceVersion misses no event', async () => {
    const first = await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'w-0', labels: { w: 'resume' } } } });
    const from = first.metadata!.resourceVersion!;
    // Changes made while no one watches...
    for (let i = 1; i <= 5; i++) await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: `w-${i}`, labels: { w: 'resume' } } } });
    await c.core.patchNamespacedConfigMap({ name: 'w-2', namespace: NS, body: [{ op: 'add', path: '/data', value: { k: 'v' } }] });
    await c.core.deleteNamespacedConfigMap({ name: 'w-3', namespace: NS });
    const rec = new Recorder();
    await rec.start(c.kc, `/api/v1/namespaces/${NS}/configmaps`, { resourceVersion: from, labelSelector: 'w=resume' });
    // ...and one made while it watches.
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'w-6', labels: { w: 'resume' } } } });
    await until(() => rec.events.some((e) => e.name === 'w-6'), 10000, 'w-6 event');
    rec.stop();
    assert.deepEqual(
      rec.events.map((e) => `${e.type} ${e.name}`),
      ['ADDED w-1', 'ADDED w-2', 'ADDED w-3', 'ADDED w-4', 'ADDED w-5', 'MODIFIED w-2', 'DELETED w-3', 'ADDED w-6'],
    );
    const rvs = rec.events.map((e) => Number(e.rv));
    assert.deepEqual([...rvs].sort((a, b) => a - b), rvs, 'events arrive in resourceVersion order');
  });

  it('a stale resourceVersion gets an in-stream 410 Expired error', async () => {
    const cm = await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'stale' } } });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'stale-2' } } });
    c.sim.faults.expireHistory();
    const rec = new Recorder();
    await rec.start(c.kc, `/api/v1/namespaces/${NS}/configmaps`, { resourceVersion: cm.metadata!.resourceVersion });
    await until(() => rec.closed, 10000, 'watch end');
    assert.equal(rec.events.length, 1);
    assert.equal(rec.events[0].type, 'ERROR');
    assert.equal(rec.events[0].obj.code, 410);
    assert.equal(rec.events[0].obj.reason, 'Expired');
    // A list gives a fresh resourceVersion that is watchable again.
    const list = await c.core.listNamespacedConfigMap({ namespace: NS });
    const again = new Recorder();
    await again.start(c.kc, `/api/v1/namespaces/${NS}/configmaps`, { resourceVersion: list.metadata!.resourceVersion });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'stale-3' } } });
    await until(() => again.events.some((e) => e.name === 'stale-3'), 10000, 'stale-3');
    again.stop();
    assert.ok(!again.events.some((e) => e.type === 'ERROR'));
  });

  it('without a resourceVersion starts with ADDED for the current state, filtered by field selector', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'only-me' } } });
    const rec = new Recorder();
    await rec.start(c.kc, `/api/v1/namespaces/${NS}/configmaps`, { fieldSelector: 'metadata.name=only-me' });
    await until(() => rec.events.length >= 1, 10000, 'initial event');
    await c.core.patchNamespacedConfigMap({ name: 'only-me', namespace: NS, body: [{ op: 'add', path: '/data', value: { a: 'b' } }] });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'not-me' } } });
    await until(() => rec.events.length >= 2, 10000, 'modified event');
    rec.stop();
    assert.deepEqual(rec.events.map((e) => `${e.type} ${e.name}`), ['ADDED only-me', 'MODIFIED only-me']);
  });

  it('an object leaving a label selector is sent as DELETED', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'leaver', labels: { keep: 'yes' } } } });
    const rec = new Recorder();
    await rec.start(c.kc, `/api/v1/namespaces/${NS}/configmaps`, { labelSelector: 'keep=yes' });
    await until(() => rec.events.length >= 1, 10000, 'initial');
    await c.core.patchNamespacedConfigMap({ name: 'leaver', namespace: NS, body: [{ op: 'replace', path: '/metadata/labels/keep', value: 'no' }] });
    await until(() => rec.events.length >= 2, 10000, 'leave');
    rec.stop();
    assert.deepEqual(rec.events.map((e) => e.type), ['ADDED', 'DELETED']);
  });

  it('sends bookmarks when allowed and ends the stream after timeoutSeconds', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: NS });
    const rec = new Recorder();
    await rec.start(c.kc, `/api/v1/namespaces/${NS}/configmaps`, { resourceVersion: list.metadata!.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 1 });
    await until(() => rec.closed, 15000, 'timeout close');
    assert.ok(rec.events.some((e) => e.type === 'BOOKMARK'));
    const bm = rec.events.find((e) => e.type === 'BOOKMARK')!;
    assert.ok(Number(bm.rv) >= Number(list.metadata!.resourceVersion));
    assert.equal(rec.done, null);
  });
});
