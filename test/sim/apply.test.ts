import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { failure, NS, withSimulator } from './helpers';

const SSA = k8s.PatchStrategy.ServerSideApply;

function cm(name: string, data: Record<string, string>, labels?: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, ...(labels ? { labels } : {}) }, data };
}

function sts(name: string, env: { name: string; value: string }[], replicas = 0): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'fe', image: 'fe:1', env, ports: [{ name: 'query-port', containerPort: 9030 }] }] } },
    },
  };
}

describe('sim: server-side apply', () => {
  const c = withSimulator();
  const apply = (obj: any, manager: string, force = false) => c.objects.patch(obj, undefined, undefined, manager, force, SSA);

  it('creates a missing object (201) and records managedFields in FieldsV1', async () => {
    const out: any = await apply(cm('ssa-new', { a: '1' }, { team: 'x' }), 'alice');
    assert.equal(out.data.a, '1');
    const mf = out.metadata.managedFields;
    assert.equal(mf.length, 1);
    assert.equal(mf[0].manager, 'alice');
    assert.equal(mf[0].operation, 'Apply');
    assert.equal(mf[0].fieldsType, 'FieldsV1');
    assert.deepEqual(mf[0].fieldsV1, { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:team': {} } } });
  });

  it('accepts a YAML body', async () => {
    const res = await fetch(`${c.sim.url}/api/v1/namespaces/${NS}/configmaps/ssa-yaml?fieldManager=yaml-user`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-yaml\ndata:\n  k: "v"\n',
    });
    assert.equal(res.status, 201);
    assert.equal(c.sim.get('ConfigMap', NS, 'ssa-yaml').data.k, 'v');
  });

  it('removes a field its manager stops applying; keeps one another manager also applies', async () => {
    await apply(cm('ssa-rm', { a: '1', shared: 's', b: '2' }), 'A');
    await apply(cm('ssa-rm', { shared: 's' }), 'B');
    const out: any = await apply(cm('ssa-rm', { b: '2' }), 'A');
    assert.deepEqual(out.data, { shared: 's', b: '2' });
    const b = out.metadata.managedFields.find((e: any) => e.manager === 'B');
    assert.deepEqual(b.fieldsV1, { 'f:data': { 'f:shared': {} } });
  });

  it('removes list-map items (env by name) a manager stops applying, as the DR restore env must go', async () => {
    await apply(sts('ssa-env', [{ name: 'TZ', value: 'UTC' }, { name: 'RESTORE_CLUSTER_GENERATION', value: '1' }, { name: 'RESTORE_CLUSTER_SNAPSHOT', value: 'true' }]), 'restore');
    const live = c.sim.get('StatefulSet', NS, 'ssa-env');
    const mf = live.metadata.managedFields.find((e: any) => e.manager === 'restore');
    const fe = mf.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"fe"}'];
    assert.ok(fe['.']);
    assert.ok(fe['f:env']['k:{"name":"RESTORE_CLUSTER_SNAPSHOT"}']);
    assert.ok(fe['f:ports']['k:{"containerPort":9030,"protocol":"TCP"}'], 'ports keyed by containerPort + defaulted protocol');
    const out: any = await apply(sts('ssa-env', [{ name: 'TZ', value: 'UTC' }]), 'restore');
    assert.deepEqual(JSON.parse(JSON.stringify(out.spec.template.spec.containers[0].env)), [{ name: 'TZ', value: 'UTC' }]);
    assert.equal(out.metadata.generation, 2);
  });

  it('removes a map (a probe) a manager stops applying whole, with the fields the server defaulted inside it', async () => {
    const withProbe = sts('ssa-probe', [{ name: 'TZ', value: 'UTC' }]);
    withProbe.spec.template.spec.containers[0].livenessProbe = { httpGet: { path: '/api/health', port: 8030 }, periodSeconds: 5 };
    await apply(withProbe, 'dr');
    const defaulted = c.sim.get('StatefulSet', NS, 'ssa-probe').spec.template.spec.containers[0].livenessProbe;
    assert.equal(defaulted.httpGet.path, '/api/health');
    const out: any = await apply(sts('ssa-probe', [{ name: 'TZ', value: 'UTC' }]), 'dr');
    assert.equal(out.spec.template.spec.containers[0].livenessProbe, undefined);
  });

  it('a conflicting apply without force is a 409 naming the manager; with force ownership moves', async () => {
    await apply(cm('ssa-conf', { owner: 'a-value' }), 'A');
    const r = await failure(apply(cm('ssa-conf', { owner: 'b-value' }), 'B'));
    assert.equal(r.code, 409);
    assert.equal(r.body.reason, 'Conflict');
    assert.match(r.body.message, /conflict with "A"/);
    const cause = r.body.details.causes[0];
    assert.equal(cause.reason, 'FieldManagerConflict'); // StatusCause.Type's wire name is `reason`
    assert.equal(cause.type, undefined, 'no `type` on the wire (kube-apiserver v1.36)');
    assert.equal(cause.field, '.data.owner');
    assert.equal(c.sim.get('ConfigMap', NS, 'ssa-conf').data.owner, 'a-value');
    const forced: any = await apply(cm('ssa-conf', { owner: 'b-value' }), 'B', true);
    assert.equal(forced.data.owner, 'b-value');
    const managers = Object.fromEntries(forced.metadata.managedFields.map((e: any) => [e.manager, e.fieldsV1]));
    assert.deepEqual(managers.B, { 'f:data': { 'f:owner': {} } });
    assert.equal(managers.A, undefined, 'A lost its only field, so its entry is gone');
    // A now stops applying owner: the field stays because B owns it.
    const after: any = await apply(cm('ssa-conf', {}), 'A');
    assert.equal(after.data.owner, 'b-value');
  });

  it('applying the same value as another manager shares ownership without conflict', async () => {
    await apply(cm('ssa-share', { k: 'same' }), 'A');
    const out: any = await apply(cm('ssa-share', { k: 'same' }), 'B');
    assert.deepEqual(out.metadata.managedFields.map((e: any) => e.manager).sort(), ['A', 'B']);
  });

  it('an update (merge patch) by another manager takes ownership, so the applier no longer removes the field', async () => {
    await apply(cm('ssa-upd', { x: '1' }), 'A');
    await c.core.patchNamespacedConfigMap({ name: 'ssa-upd', namespace: NS, body: { data: { x: '2' } }, fieldManager: 'editor' }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const out: any = await apply(cm('ssa-upd', {}), 'A');
    assert.deepEqual(out.data, { x: '2' });
    const conflict = await failure(apply(cm('ssa-upd', { x: '3' }), 'A'));
    assert.equal(conflict.code, 409);
    assert.match(conflict.body.details.causes[0].message, /conflict with "editor"/);
  });

  it('requires fieldManager and matching kind', async () => {
    const res = await fetch(`${c.sim.url}/api/v1/namespaces/${NS}/configmaps/x`, { method: 'PATCH', headers: { 'Content-Type': 'application/apply-patch+yaml' }, body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}' });
    // PatchOptions validation: 422 Invalid naming fieldManager, as kube-apiserver v1.36 answers (test/cluster/sim-vs-real.test.ts).
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { message: string }).message, /fieldManager: Required value: is required for apply patch/);
    const wrongKind = await fetch(`${c.sim.url}/api/v1/namespaces/${NS}/configmaps/x?fieldManager=m`, { method: 'PATCH', headers: { 'Content-Type': 'application/apply-patch+yaml' }, body: '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}' });
    assert.equal(wrongKind.status, 400);
  });
});
