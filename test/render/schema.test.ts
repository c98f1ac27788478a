/**
 * Schema: every synthesized object validates against the Kubernetes OpenAPI schema of its kind
 * (kubernetes-models 4.5, offline), and has no field that schema does not know (our unknown-field check closes the
 * hole that kubernetes-models' schemas allow additional properties).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Testing } from 'cdk8s';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { StarRocksClusterChart } from '../../lib/constructs';
import { renderCluster } from '../../lib/render/cluster';
import { kubeSchemaChecker } from '../../lib/render/schema-check';
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

test('GIVEN synthesized charts WHEN checked for unknown fields THEN none are found', () => {
  const checker = kubeSchemaChecker();
  for (const spec of [referenceSpec(), movedPortsSpec(), richSpec()]) {
    for (const obj of synth(spec)) assert.deepEqual(checker.unknownFields(obj), [], `${obj.kind}/${obj.metadata.name}`);
  }
});

test('GIVEN a misspelt field WHEN checked THEN kubernetes-models accepts it but the unknown-field check reports it', () => {
  const sts = structuredClone(renderCluster(referenceSpec()).find((o) => o.kind === 'StatefulSet')) as Any;
  sts.spec.template.spec.containers[0].imagePulPolicy = 'Always';
  sts.spec.volumeClaimTemplates[0].spec.acessModes = ['ReadWriteOnce'];
  sts.spec.template.spec.containers[0].env[2].valueFrom.fieldRef.fieldPat = 'x';
  assert.doesNotThrow(() => new StatefulSet(sts).validate(), 'the hole: ajv schemas allow additional properties');
  assert.deepEqual(kubeSchemaChecker().unknownFields(sts), [
    { kind: 'StatefulSet', name: 'kube-starrocks-fe', path: 'spec.template.spec.containers[0].env[2].valueFrom.fieldRef', field: 'fieldPat' },
    { kind: 'StatefulSet', name: 'kube-starrocks-fe', path: 'spec.template.spec.containers[0]', field: 'imagePulPolicy' },
    { kind: 'StatefulSet', name: 'kube-starrocks-fe', path: 'spec.volumeClaimTemplates[0].spec', field: 'acessModes' },
  ]);
});

test('map-valued fields accept any key, and a wrong type is still caught by kubernetes-models', () => {
  const svc = structuredClone(renderCluster(referenceSpec()).find((o) => o.kind === 'Service')) as Any;
  svc.metadata.labels['any.example.com/key'] = 'v';
  assert.deepEqual(kubeSchemaChecker().unknownFields(svc), []);
  svc.spec.ports[0].port = 'not-a-number';
  assert.throws(() => new Service(svc).validate());
});
