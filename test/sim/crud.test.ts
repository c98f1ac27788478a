import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { configMap, failure, mergePatch, NS, strategicPatch, withSimulator } from './helpers';

describe('sim: discovery and CRUD through client-node', () => {
  const c = withSimulator();

  it('serves /version with minor 32 and discovery for core and apps', async () => {
    const v = await c.kc.makeApiClient(k8s.VersionApi).getCode();
    assert.equal(v.minor, '32');
    const core = await c.core.getAPIResources();
    const names = core.resources.map((r) => r.name);
    for (const r of ['namespaces', 'configmaps', 'secrets', 'services', 'endpoints', 'persistentvolumeclaims', 'pods', 'pods/status', 'events']) assert.ok(names.includes(r), r);
    const apps = await c.apps.getAPIResources();
    assert.deepEqual(apps.resources.map((r) => r.name).sort(), ['controllerrevisions', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']);
    const groups = await c.kc.makeApiClient(k8s.ApisApi).getAPIVersions();
    assert.ok(groups.groups.some((g) => g.name === 'apps'));
  });

  it('creates with uid, resourceVersion and creationTimestamp; reads and lists', async () => {
    const created = await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('crud-a') });
    assert.match(created.metadata!.uid!, /^[0-9a-f-]{36}$/);
    assert.ok(Number(created.metadata!.resourceVersion) > 0);
    assert.ok(created.metadata!.creationTimestamp instanceof Date);
    const read = await c.core.readNamespacedConfigMap({ name: 'crud-a', namespace: NS });
    assert.equal(read.metadata!.uid, created.metadata!.uid);
    const list = await c.core.listNamespacedConfigMap({ namespace: NS });
    assert.ok(Number(list.metadata!.resourceVersion) >= Number(created.metadata!.resourceVersion));
    assert.ok(list.items.some((i) => i.metadata!.name === 'crud-a'));
  });

  it('answers Kubernetes-shaped errors: 404 NotFound, 409 AlreadyExists, 409 Conflict, 422 Invalid with causes', async () => {
    const nf = await failure(c.core.readNamespacedConfigMap({ name: 'nope', namespace: NS }));
    assert.equal(nf.code, 404);
    assert.equal(nf.body.kind, 'Status');
    assert.equal(nf.body.reason, 'NotFound');
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('crud-dup') });
    const dup = await failure(c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('crud-dup') }));
    assert.equal(dup.code, 409);
    assert.equal(dup.body.reason, 'AlreadyExists');
    const cur = await c.core.readNamespacedConfigMap({ name: 'crud-dup', namespace: NS });
    await c.core.replaceNamespacedConfigMap({ name: 'crud-dup', namespace: NS, body: { ...cur, data: { a: '1' } } });
    const stale = await failure(c.core.replaceNamespacedConfigMap({ name: 'crud-dup', namespace: NS, body: { ...cur, data: { a: '2' } } }));
    assert.equal(stale.code, 409);
    assert.equal(stale.body.reason, 'Conflict');
    const bad = await failure(c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'Bad_Name' } } }));
    assert.equal(bad.code, 422);
    assert.equal(bad.body.reason, 'Invalid');
    assert.equal(bad.body.details.causes[0].field, 'metadata.name');
    const sts = await failure(c.apps.createNamespacedStatefulSet({ namespace: NS, body: { metadata: { name: 'x' }, spec: { selector: { matchLabels: { a: 'b' } }, serviceName: 'x', template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } } }));
    assert.equal(sts.code, 422);
    assert.ok(sts.body.details.causes.some((x: any) => x.field === 'spec.template.metadata.labels'));
  });

  it('refuses objects in a namespace that does not exist, and serves new namespaces', async () => {
    const r = await failure(c.core.createNamespacedConfigMap({ namespace: 'ghost', body: { metadata: { name: 'a' } } }));
    assert.equal(r.code, 404);
    await c.core.createNamespace({ body: { metadata: { name: 'ghost' } } });
    const cm = await c.core.createNamespacedConfigMap({ namespace: 'ghost', body: { metadata: { name: 'a' } } });
    assert.equal(cm.metadata!.namespace, 'ghost');
    await c.core.deleteNamespace({ name: 'ghost' });
    assert.equal((await failure(c.core.readNamespacedConfigMap({ name: 'a', namespace: 'ghost' }))).code, 404);
  });

  it('filters lists by label selector and by metadata.name / metadata.namespace field selectors', async () => {
    for (const [n, tier] of [['sel-a', 'fe'], ['sel-b', 'cn'], ['sel-c', 'fe']]) {
      await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: n, labels: { tier, sel: 'yes' } } } });
    }
    const fe = await c.core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'sel=yes,tier=fe' });
    assert.deepEqual(fe.items.map((i) => i.metadata!.name), ['sel-a', 'sel-c']);
    const notFe = await c.core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'sel,tier notin (fe)' });
    assert.deepEqual(notFe.items.map((i) => i.metadata!.name), ['sel-b']);
    const byName = await c.core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.name=sel-b,metadata.namespace=${NS}` });
    assert.deepEqual(byName.items.map((i) => i.metadata!.name), ['sel-b']);
  });

  it('bumps generation on spec changes only (not on labels or status)', async () => {
    const body = { metadata: { name: 'gen' }, spec: { replicas: 0, serviceName: 'gen', selector: { matchLabels: { app: 'gen' } }, template: { metadata: { labels: { app: 'gen' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } } } };
    const s = await c.apps.createNamespacedStatefulSet({ namespace: NS, body });
    assert.equal(s.metadata!.generation, 1);
    const l = await c.apps.patchNamespacedStatefulSet({ name: 'gen', namespace: NS, body: { metadata: { labels: { x: 'y' } } } }, mergePatch());
    assert.equal(l.metadata!.generation, 1);
    const r = await c.apps.patchNamespacedStatefulSet({ name: 'gen', namespace: NS, body: { spec: { replicas: 0, template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } } }, strategicPatch());
    assert.equal(r.metadata!.generation, 2);
    assert.equal(r.spec!.template.spec!.containers[0].image, 'busybox:2');
    await c.sim.waitFor(() => c.sim.get('StatefulSet', NS, 'gen')?.status?.observedGeneration === 2, 10000);
    const st = c.sim.get('StatefulSet', NS, 'gen');
    assert.equal(st.metadata.generation, 2);
  });

  it('keeps status out of main-resource writes and spec out of /status writes', async () => {
    const body = { metadata: { name: 'stat' }, spec: { replicas: 0, serviceName: 'stat', selector: { matchLabels: { app: 'stat' } }, template: { metadata: { labels: { app: 'stat' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } } } };
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body });
    await c.sim.waitFor(() => c.sim.get('StatefulSet', NS, 'stat')?.status?.observedGeneration === 1, 10000);
    const p = await c.apps.patchNamespacedStatefulSet({ name: 'stat', namespace: NS, body: { status: { replicas: 42 } } }, mergePatch());
    assert.notEqual(p.status!.replicas, 42);
    const s = await c.apps.patchNamespacedStatefulSetStatus({ name: 'stat', namespace: NS, body: { spec: { replicas: 5 }, status: { observedGeneration: 1, replicas: 0, availableReplicas: 0 } } }, mergePatch());
    assert.equal(s.spec!.replicas, 0);
  });

  it('applies JSON patch (client-node default), merge patch and strategic merge patch with merge keys', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'jp' }, data: { a: '1' } } });
    const j = await c.core.patchNamespacedConfigMap({ name: 'jp', namespace: NS, body: [{ op: 'add', path: '/data/b', value: '2' }, { op: 'remove', path: '/data/a' }] });
    assert.deepEqual(j.data, { b: '2' });
    const m = await c.core.patchNamespacedConfigMap({ name: 'jp', namespace: NS, body: { data: { b: null, c: '3' } } }, mergePatch());
    assert.deepEqual(m.data, { c: '3' });
    const pod = { metadata: { name: 'smp' }, spec: { containers: [{ name: 'a', image: 'img:1', env: [{ name: 'X', value: '1' }] }, { name: 'b', image: 'img:1' }] } };
    await c.core.createNamespacedPod({ namespace: NS, body: pod });
    const s = await c.core.patchNamespacedPod({ name: 'smp', namespace: NS, body: { spec: { containers: [{ name: 'b', image: 'img:2' }] } } }, strategicPatch());
    assert.deepEqual(s.spec!.containers.map((x) => `${x.name}=${x.image}`), ['a=img:1', 'b=img:2']);
    assert.equal(s.spec!.containers[0].env![0].value, '1');
    const forbidden = await failure(c.core.patchNamespacedPod({ name: 'smp', namespace: NS, body: { spec: { containers: [{ name: 'b', command: ['x'] }] } } }, strategicPatch()));
    assert.equal(forbidden.code, 422);
  });

  it('forbids changes to immutable StatefulSet fields', async () => {
    const body = { metadata: { name: 'imm' }, spec: { replicas: 0, serviceName: 'imm', selector: { matchLabels: { app: 'imm' } }, template: { metadata: { labels: { app: 'imm' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } } } };
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body });
    const r = await failure(c.apps.patchNamespacedStatefulSet({ name: 'imm', namespace: NS, body: { spec: { serviceName: 'other' } } }, mergePatch()));
    assert.equal(r.code, 422);
    assert.match(r.body.message, /Forbidden: updates to statefulset spec for fields other than/);
  });

  it('deletes with a Status for ConfigMaps and the object for Pods (graceful, then gone)', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'del' } } });
    const st = await c.core.deleteNamespacedConfigMap({ name: 'del', namespace: NS });
    assert.equal(st.status, 'Success');
    assert.equal((await failure(c.core.readNamespacedConfigMap({ name: 'del', namespace: NS }))).code, 404);
  });

  it('serves Services with a cluster IP and Secrets with stringData folded into data', async () => {
    const svc = await c.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'svc' }, spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 'http-port' as any }] } } });
    assert.match(svc.spec!.clusterIP!, /^10\.96\./);
    assert.equal(svc.spec!.ports![0].protocol, 'TCP');
    const sec = await c.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'sec' }, stringData: { k: 'v' } } });
    assert.equal(Buffer.from(sec.data!.k, 'base64').toString(), 'v');
    assert.equal(sec.stringData, undefined);
  });
});
