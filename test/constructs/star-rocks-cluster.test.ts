/** The cdk8s constructs: GIVEN / WHEN / THEN over Testing.synth(chart). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { StarRocksCluster, StarRocksClusterChart } from '../../lib/constructs';
import { renderCluster } from '../../lib/render/cluster';
import { referenceSpec } from '../render/fixtures';

test('GIVEN the reference spec WHEN the chart is synthesized THEN the output equals renderCluster', () => {
  const chart = new StarRocksClusterChart(Testing.app(), 'starrocks', { spec: referenceSpec(), namespace: 'sr' });
  const out = Testing.synth(chart);
  assert.deepStrictEqual(out, renderCluster(referenceSpec(), { namespace: 'sr' }));
  assert.equal(out.length, 8);
});

test('GIVEN a construct in a chart with a namespace WHEN no namespace is given THEN the chart namespace is used', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'from-chart' });
  const cluster = new StarRocksCluster(chart, 'sr', { spec: referenceSpec() });
  assert.equal(cluster.namespace, 'from-chart');
  assert.ok(Testing.synth(chart).every((o) => o.metadata.namespace === 'from-chart'));
});

test('GIVEN the construct WHEN reading accessors THEN each returns the matching ApiObject', () => {
  const chart = new Chart(Testing.app(), 'c');
  const cluster = new StarRocksCluster(chart, 'sr', { spec: referenceSpec(), namespace: 'sr' });
  assert.ok(cluster.feStatefulSet instanceof ApiObject);
  assert.equal(cluster.feStatefulSet.name, 'kube-starrocks-fe');
  assert.equal(cluster.feStatefulSet.kind, 'StatefulSet');
  assert.equal(cluster.feService.name, 'kube-starrocks-fe-service');
  assert.equal(cluster.cnStatefulSet?.name, 'kube-starrocks-cn');
  assert.equal(cluster.beStatefulSet, undefined);
  assert.equal(cluster.searchService('cn')?.name, 'kube-starrocks-cn-search');
  assert.equal(cluster.configMap('fe')?.name, 'kube-starrocks-fe-cm');
  assert.equal(cluster.objects.length, 8);
  assert.equal(cluster.rendered.length, 8);
});

test('GIVEN the escape hatch WHEN a JSON patch is added to the FE StatefulSet THEN synth carries it and nothing else changes', () => {
  const chart = new Chart(Testing.app(), 'c');
  const cluster = new StarRocksCluster(chart, 'sr', { spec: referenceSpec() });
  cluster.feStatefulSet.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'critical'));
  const out = Testing.synth(chart);
  const expected = renderCluster(referenceSpec());
  (expected[3] as unknown as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec.priorityClassName = 'critical';
  assert.deepStrictEqual(out, expected);
  assert.deepStrictEqual(cluster.rendered, renderCluster(referenceSpec()), 'the plain objects are untouched');
});

test('GIVEN a BE cluster WHEN synthesized THEN BE objects follow FE and CN', () => {
  const spec = { ...referenceSpec(), starRocksBeSpec: { image: 'starrocks/be-ubuntu:3.4.1' } };
  const out = Testing.synth(new StarRocksClusterChart(Testing.app(), 'c', { spec }));
  assert.deepEqual(out.slice(8).map((o) => `${o.kind}/${o.metadata.name}`), [
    'ConfigMap/kube-starrocks-be-cm',
    'Service/kube-starrocks-be-service',
    'Service/kube-starrocks-be-search',
    'StatefulSet/kube-starrocks-be',
  ]);
});
