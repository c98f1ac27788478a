/**
 * Kubernetes' watch conformance scenarios, ported to the simulator through @kubernetes/client-node.
 * Source: kubernetes/kubernetes test/e2e/apimachinery/watch.go (stored commit 95f08499; each case names its
 * `framework.ConformanceIt` title), plus what client-go's reflector relies on: 410 Expired then relist, bookmarks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { NS, Recorder, until, withSimulator } from '../sim/helpers';

const CM_PATH = `/api/v1/namespaces/${NS}/configmaps`;
const LABEL = 'watch-this-configmap';

describe('conformance: watch (test/e2e/apimachinery/watch.go)', () => {
  const c = withSimulator({ bookmarkIntervalMs: 30 });
  const cm = (name: string, label: string, data?: Record<string, string>) => ({ metadata: { name, labels: { [LABEL]: label } }, ...(data ? { data } : {}) });
  const mutate = (name: string, value: string) => c.core.patchNamespacedConfigMap({ name, namespace: NS, body: [{ op: 'add', path: '/data', value: { mutation: value } }] });
  const watch = async (params: Record<string, string | number | boolean | undefined>) => {
    const r = new Recorder();
    await r.start(c.kc, CM_PATH, params);
    return r;
  };
  const seen = (r: Recorder) => r.events.map((e) => `${e.type} ${e.name}${e.obj?.data?.mutation ? ` ${e.obj.data.mutation}` : ''}`);

  it('ConformanceIt "should observe add, update, and delete watch notifications on configmaps"', async () => {
    const a = await watch({ labelSelector: `${LABEL}=multiple-watchers-A` });
    const b = await watch({ labelSelector: `${LABEL}=multiple-watchers-B` });
    const ab = await watch({ labelSelector: `${LABEL} in (multiple-watchers-A,multiple-watchers-B)` });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: cm('e2e-watch-test-configmap-a', 'multiple-watchers-A') });
    await mutate('e2e-watch-test-configmap-a', '1');
    await mutate('e2e-watch-test-configmap-a', '2');
    await c.core.deleteNamespacedConfigMap({ name: 'e2e-watch-test-configmap-a', namespace: NS });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: cm('e2e-watch-test-configmap-b', 'multiple-watchers-B') });
    await c.core.deleteNamespacedConfigMap({ name: 'e2e-watch-test-configmap-b', namespace: NS });
    await until(() => ab.events.length >= 6 && a.events.length >= 4 && b.events.length >= 2, 5000, 'all notifications');
    for (const r of [a, b, ab]) r.stop();
    const A = ['ADDED e2e-watch-test-configmap-a', 'MODIFIED e2e-watch-test-configmap-a 1', 'MODIFIED e2e-watch-test-configmap-a 2', 'DELETED e2e-watch-test-configmap-a 2'];
    const B = ['ADDED e2e-watch-test-configmap-b', 'DELETED e2e-watch-test-configmap-b'];
    assert.deepEqual(seen(a), A);
    assert.deepEqual(seen(b), B);
    assert.deepEqual(seen(ab), [...A, ...B]);
  });

  it('ConformanceIt "should be able to start watching from a specific resource version"', async () => {
    const name = 'e2e-watch-test-resource-version';
    await c.core.createNamespacedConfigMap({ namespace: NS, body: cm(name, 'from-resource-version') });
    const first = await mutate(name, '1');
    await mutate(name, '2');
    await c.core.deleteNamespacedConfigMap({ name, namespace: NS });
    const r = await watch({ labelSelector: `${LABEL}=from-resource-version`, resourceVersion: first.metadata!.resourceVersion });
    await until(() => r.events.length >= 2, 5000, 'the two later notifications');
    r.stop();
    assert.deepEqual(seen(r), [`MODIFIED ${name} 2`, `DELETED ${name} 2`]);
  });

  it('ConformanceIt "should be able to restart watching from the last resource version observed by the previous watch"', async () => {
    const name = 'e2e-watch-test-watch-closed';
    const first = await watch({ labelSelector: `${LABEL}=watch-closed-and-restarted` });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: cm(name, 'watch-closed-and-restarted') });
    await mutate(name, '1');
    await until(() => first.events.length >= 2, 5000, 'ADDED and the first MODIFIED');
    first.stop();
    const lastRv = first.events[first.events.length - 1].rv;
    await mutate(name, '2');
    await c.core.deleteNamespacedConfigMap({ name, namespace: NS });
    const second = await watch({ labelSelector: `${LABEL}=watch-closed-and-restarted`, resourceVersion: lastRv });
    await until(() => second.events.length >= 2, 5000, 'the notifications after the first watch closed');
    second.stop();
    assert.deepEqual(seen(first), [`ADDED ${name}`, `MODIFIED ${name} 1`]);
    assert.deepEqual(seen(second), [`MODIFIED ${name} 2`, `DELETED ${name} 2`]);
  });

  it('ConformanceIt "should observe an object deletion if it stops meeting the requirements of the selector"', async () => {
    const name = 'e2e-watch-test-label-changed';
    const r = await watch({ labelSelector: `${LABEL}=label-changed-and-restored` });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: cm(name, 'label-changed-and-restored') });
    await mutate(name, '1');
    await c.core.patchNamespacedConfigMap({ name, namespace: NS, body: [{ op: 'replace', path: `/metadata/labels/${LABEL}`, value: 'wrong-value' }] });
    await mutate(name, '2');
    await c.core.patchNamespacedConfigMap({ name, namespace: NS, body: [{ op: 'replace', path: `/metadata/labels/${LABEL}`, value: 'label-changed-and-restored' }] });
    await mutate(name, '3');
    await c.core.deleteNamespacedConfigMap({ name, namespace: NS });
    await until(() => r.events.length >= 6, 5000, 'six notifications');
    r.stop();
    assert.deepEqual(seen(r), [`ADDED ${name}`, `MODIFIED ${name} 1`, `DELETED ${name} 1`, `ADDED ${name} 2`, `MODIFIED ${name} 3`, `DELETED ${name} 3`]);
  });

  it('ConformanceIt "should receive events on concurrent watches in same order"', async () => {
    const label = 'concurrent';
    const rvs: string[] = [];
    for (let i = 0; i < 10; i++) {
      const created = await c.core.createNamespacedConfigMap({ namespace: NS, body: cm(`concurrent-${i}`, label) });
      rvs.push(created.metadata!.resourceVersion!);
      if (i % 3 === 2) await c.core.deleteNamespacedConfigMap({ name: `concurrent-${i - 1}`, namespace: NS });
    }
    const watchers = await Promise.all(rvs.map((rv) => watch({ labelSelector: `${LABEL}=${label}`, resourceVersion: rv })));
    await until(() => watchers[0].events.length >= 12, 5000, 'the first watcher catches up');
    for (const w of watchers) w.stop();
    const all = watchers[0].events.map((e) => `${e.type} ${e.name} ${e.rv}`);
    for (const w of watchers.slice(1)) {
      const mine = w.events.map((e) => `${e.type} ${e.name} ${e.rv}`);
      assert.deepEqual(mine, all.slice(all.length - mine.length), 'a later watcher sees a suffix of the same sequence');
    }
  });

  it('410 Expired, then a relist: an informer keeps its cache right across compaction and a dropped watch', async () => {
    const label = 'informer';
    const path = CM_PATH;
    const listFn = () => c.core.listNamespacedConfigMap({ namespace: NS, labelSelector: `${LABEL}=${label}` });
    const informer = k8s.makeInformer(c.kc, path, listFn, `${LABEL}=${label}`);
    let restarts = 0;
    let stopped = false;
    let mayRestart: () => void = () => {};
    const historyExpired = new Promise<void>((r) => (mayRestart = r));
    informer.on(k8s.ERROR, () => {
      // client-node leaves restarting to the caller after a connection error, as its docs show. It restarts from
      // the resourceVersion it last saw, which is expired by then: only a 410 can make it list again.
      if (stopped) return;
      restarts++;
      void historyExpired.then(async () => {
        if (!stopped) await informer.start();
      });
    });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: cm('informer-1', label) });
    await informer.start();
    await until(() => informer.list(NS).some((o) => o.metadata?.name === 'informer-1'), 5000, 'the first object');
    c.sim.resetRequestCounts();
    // Changes while the watch is down, then an expired history: the resumed watch gets 410 and must relist.
    c.sim.faults.dropWatches();
    await c.core.createNamespacedConfigMap({ namespace: NS, body: cm('informer-2', label) });
    await c.core.deleteNamespacedConfigMap({ name: 'informer-1', namespace: NS });
    c.sim.faults.expireHistory();
    await until(() => restarts >= 1, 5000, 'the dropped watch reaches the client');
    mayRestart();
    await until(() => {
      const names = informer.list(NS).map((o) => o.metadata?.name);
      return names.includes('informer-2') && !names.includes('informer-1');
    }, 10_000, 'the cache after the relist');
    stopped = true;
    await informer.stop();
    // The fault hit: the client listed again, which it does only after a 410.
    assert.ok((c.sim.requestCounts()['LIST configmaps'] ?? 0) >= 1, JSON.stringify(c.sim.requestCounts()));
  });

  it('bookmarks: sent when allowed, never when not, and a watch resumed from a bookmark misses nothing', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: NS });
    const withMarks = await watch({ labelSelector: `${LABEL}=bookmarked`, allowWatchBookmarks: true, resourceVersion: list.metadata!.resourceVersion });
    const without = await watch({ labelSelector: `${LABEL}=bookmarked`, resourceVersion: list.metadata!.resourceVersion });
    await until(() => withMarks.events.some((e) => e.type === 'BOOKMARK'), 5000, 'a bookmark');
    const mark = withMarks.events.find((e) => e.type === 'BOOKMARK')!;
    assert.ok(Number(mark.rv) >= Number(list.metadata!.resourceVersion));
    assert.deepEqual(Object.keys(mark.obj.metadata), ['resourceVersion'], 'a bookmark carries only the resourceVersion');
    withMarks.stop();
    await c.core.createNamespacedConfigMap({ namespace: NS, body: cm('after-bookmark', 'bookmarked') });
    const resumed = await watch({ labelSelector: `${LABEL}=bookmarked`, resourceVersion: mark.rv });
    await until(() => resumed.events.some((e) => e.name === 'after-bookmark') && without.events.some((e) => e.name === 'after-bookmark'), 5000, 'the event after the bookmark');
    resumed.stop();
    without.stop();
    assert.ok(!without.events.some((e) => e.type === 'BOOKMARK'));
  });
});
