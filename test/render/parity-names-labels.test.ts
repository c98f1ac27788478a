/**
 * Parity, names and labels: the reference cluster against the operator v1.10.2 source.
 * Sources: pkg/k8sutils/load/{load,metadata}.go (Name, Labels, Selector), templates/service/spec.go
 * (SearchServiceName, ExternalServiceName), templates/statefulset/spec.go (MakeStatefulset), chart feconfigmap.yaml.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCluster } from '../../lib/render/cluster';
import { componentSelector, pvcName } from '../../lib/render/names';
import { referenceSpec } from './fixtures';
import { find } from './support';

const objects = renderCluster(referenceSpec());

test('GIVEN the reference cluster WHEN rendered THEN exactly the operator + chart objects exist, in the documented order', () => {
  assert.deepEqual(
    objects.map((o) => `${o.kind}/${o.metadata.name}`),
    [
      'ConfigMap/kube-starrocks-fe-cm',
      'Service/kube-starrocks-fe-service',
      'Service/kube-starrocks-fe-search',
      'StatefulSet/kube-starrocks-fe',
      'ConfigMap/kube-starrocks-cn-cm',
      'Service/kube-starrocks-cn-service',
      'Service/kube-starrocks-cn-search',
      'StatefulSet/kube-starrocks-cn',
    ],
  );
  assert.ok(objects.every((o) => o.metadata.namespace === 'default'));
});

test('StatefulSet and Service labels: owner <c> and component (load.Labels)', () => {
  for (const kind of ['fe', 'cn']) {
    const expected = { 'app.starrocks.ownerreference/name': 'kube-starrocks', 'app.kubernetes.io/component': kind };
    assert.deepEqual(find(objects, 'StatefulSet', `kube-starrocks-${kind}`).metadata.labels, expected);
    assert.deepEqual(find(objects, 'Service', `kube-starrocks-${kind}-service`).metadata.labels, expected);
    assert.deepEqual(find(objects, 'Service', `kube-starrocks-${kind}-search`).metadata.labels, expected);
  }
});

test('selectors and pod labels: owner <c>-<component> and component (load.Selector, pod.Labels)', () => {
  for (const kind of ['fe', 'cn'] as const) {
    const expected = { 'app.starrocks.ownerreference/name': `kube-starrocks-${kind}`, 'app.kubernetes.io/component': kind };
    const sts = find(objects, 'StatefulSet', `kube-starrocks-${kind}`);
    assert.deepEqual(sts.spec.selector, { matchLabels: expected });
    assert.deepEqual(sts.spec.template.metadata.labels, expected);
    assert.deepEqual(find(objects, 'Service', `kube-starrocks-${kind}-service`).spec.selector, expected);
    assert.deepEqual(find(objects, 'Service', `kube-starrocks-${kind}-search`).spec.selector, expected);
    assert.deepEqual(componentSelector('kube-starrocks', kind), expected);
  }
});

test('pod template metadata carries the operator name and namespace (fe_pod.go buildPodTemplate)', () => {
  const meta = find(objects, 'StatefulSet', 'kube-starrocks-fe').spec.template.metadata;
  assert.equal(meta.name, 'kube-starrocks-fe');
  assert.equal(meta.namespace, 'default');
});

test('no owner references (no StarRocksCluster CR exists: documented difference) and no StatefulSet annotations', () => {
  for (const o of objects) assert.equal(o.metadata.ownerReferences, undefined);
  assert.equal(find(objects, 'StatefulSet', 'kube-starrocks-fe').metadata.annotations, undefined);
});

test('PVC names follow <template>-<statefulset>-<ordinal>', () => {
  assert.equal(pvcName('fe-storage-meta', 'kube-starrocks-fe', 0), 'fe-storage-meta-kube-starrocks-fe-0');
  assert.equal(pvcName('cn-data', 'kube-starrocks-cn', 0), 'cn-data-kube-starrocks-cn-0');
});

test('a namespace given to the renderer wins over spec.namespace, which wins over default', () => {
  const spec = { ...referenceSpec(), namespace: 'from-spec' };
  assert.ok(renderCluster(spec).every((o) => o.metadata.namespace === 'from-spec'));
  assert.ok(renderCluster(spec, { namespace: 'sr' }).every((o) => o.metadata.namespace === 'sr'));
  const fe = find(renderCluster(spec, { namespace: 'sr' }), 'StatefulSet', 'kube-starrocks-fe');
  const env = fe.spec.template.spec.containers[0].env;
  assert.equal(env.find((e: { name: string }) => e.name === 'FE_SERVICE_NAME').value, 'kube-starrocks-fe-service.sr');
});
