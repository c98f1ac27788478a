/**
 * Schema: every synthesized object validates against the Kubernetes OpenAPI schema of its kind (kubernetes-models
 * 4.5, offline: types, required fields, enum values). Field names are checked at compile time instead
 * (typed-output.test.ts): kubernetes-models' schemas allow additional properties.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Testing } from 'cdk8s';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { StarRocksClusterChart } from '../../lib/constructs';
import { renderCluster } from '../../lib/render/cluster';
import { movedPortsSpec, referenceSpec } from './fixtures';
import type { Any } from './support';

const MODELS: Record<string, new (data: Any) => { validate(): void }> = { StatefulSet, Service, ConfigMap, Secret };

function richSpec() {
  const spec = referenceSpec();
  return {
    ...spec,
    configMaps: [{ name: 'snapshot', data: { 'cluster_snapshot.yaml': 'x: 1\n' } }],
    secrets: [{ name: 's3', data: { key: 'v' } }],
    starRocksFeSpec: {
      ...spec.starRocksFeSpec,
      configMaps: [{ name: 'snapshot', mountPath: '/opt/starrocks/fe/conf/cluster_snapshot.yaml', subPath: 'cluster_snapshot.yaml' }],
      secrets: [{ name: 's3', mountPath: '/etc/s3' }],
      runAsNonRoot: true,
      maxUnavailablePods: 1,
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
    },
    starRocksBeSpec: { image: 'starrocks/be-ubuntu:3.4.1', storageVolumes: [{ name: 'be-data', storageSize: '5Gi', mountPath: '/opt/starrocks/be/storage' }] },
  };
}

function synth(spec: Any): Any[] {
  const app = Testing.app();
  return Testing.synth(new StarRocksClusterChart(app, 'c', { spec, namespace: 'sr' }));
}

test('GIVEN synthesized charts WHEN validated with kubernetes-models THEN every object is valid for its kind', () => {
  let count = 0;
  for (const spec of [referenceSpec(), movedPortsSpec(), richSpec()]) {
    for (const obj of synth(spec)) {
      const Model = MODELS[obj.kind];
      assert.ok(Model, `no model for ${obj.kind}`);
      assert.doesNotThrow(() => new Model(obj).validate(), `${obj.kind}/${obj.metadata.name}`);
      count++;
    }
  }
  assert.ok(count >= 8 + 8 + 14);
});

test('a wrong type is caught by kubernetes-models, a misspelt field is not (the compiler catches those)', () => {
  const svc = structuredClone(renderCluster(referenceSpec()).find((o) => o.kind === 'Service')) as Any;
  svc.spec.ports[0].prot = 80;
  assert.doesNotThrow(() => new Service(svc).validate(), 'the hole: ajv schemas allow additional properties');
  svc.spec.ports[0].port = 'not-a-number';
  assert.throws(() => new Service(svc).validate());
});
