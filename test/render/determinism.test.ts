/** Determinism: the renderer is a pure function of its input, and cdk8s synth of it is byte-stable. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { StarRocksClusterChart } from '../../lib/constructs';
import { renderCluster } from '../../lib/render/cluster';
import { referenceSpec } from './fixtures';

test('two renders of equal specs are deep-equal and share no objects', () => {
  const a = renderCluster(referenceSpec());
  const b = renderCluster(referenceSpec());
  assert.deepStrictEqual(a, b);
  assert.notEqual(a[3], b[3]);
});

test('rendering does not change the spec, and changing the output does not change the next render', () => {
  const spec = referenceSpec();
  const before = JSON.stringify(spec);
  const first = renderCluster(spec);
  assert.equal(JSON.stringify(spec), before);
  (first[3] as unknown as { spec: { replicas: number } }).spec.replicas = 99;
  const envs = (first[3] as unknown as { spec: { template: { spec: { containers: Array<{ env: Array<{ value?: string }> }> } } } }).spec.template.spec.containers[0].env;
  envs[1].value = 'changed';
  assert.deepStrictEqual(renderCluster(spec), renderCluster(referenceSpec()));
  assert.equal(spec.starRocksFeSpec.envVars![0].value, '1');
});

test('cdk8s synth of two separate apps is byte-identical YAML', () => {
  const synthYaml = () => {
    const app = Testing.app();
    const chart = new StarRocksClusterChart(app, 'starrocks', { spec: referenceSpec(), namespace: 'sr' });
    return Testing.synth(chart).map((o) => stringify(o)).join('---\n');
  };
  const a = synthYaml();
  assert.ok(a.length > 1000);
  assert.equal(a, synthYaml());
});
