/**
 * `synth --target operator`: the StarRocksCluster resource from the same model. Field names and types are checked
 * against the v1.11.5 CRD schema (deploy/starrocks.com_starrocksclusters.yaml, a verbatim copy under test/data).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { renderOperatorResources, OPERATOR_KIND } from '../../lib/gitops';
import { renderCluster } from '../../lib/render/cluster';
import type { StarRocksClusterSpec } from '../../lib/model/types';
import { referenceDrSpec } from '../fixtures';

const CRD = path.join(__dirname, '..', 'data', 'chart-v1.11.5', 'starrocks.com_starrocksclusters.yaml');

/** A spec that uses most component fields, so the schema check covers them. */
function wideSpec(): StarRocksClusterSpec {
  const base = referenceDrSpec();
  return {
    ...base,
    annotations: { team: 'data' },
    timeZone: 'UTC',
    starRocksFeSpec: {
      ...base.starRocksFeSpec,
      maxUnavailablePods: 1,
      secrets: [{ name: 's3-keys', mountPath: '/opt/keys' }],
      nodeSelector: { pool: 'db' },
      tolerations: [{ key: 'db', operator: 'Exists' }],
      podLabels: { tier: 'fe' },
      annotations: { 'example.com/a': 'b' },
      serviceAccount: 'starrocks',
      startupProbeFailureSeconds: 600,
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['s3.local'] }],
      sidecars: [{ name: 'log', image: 'busybox' }],
      imagePullSecrets: [{ name: 'regcred' }],
      runAsNonRoot: true,
      podManagementPolicy: 'OrderedReady',
      minReadySeconds: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain' },
    },
    starRocksCnSpec: { ...base.starRocksCnSpec!, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } },
    waitForFullRollout: true,
  };
}

interface Schema { type?: string; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: Schema | boolean; 'x-kubernetes-preserve-unknown-fields'?: boolean; 'x-kubernetes-int-or-string'?: boolean }

/** Every key of `value` must be a property of the schema (where the schema lists properties), types must match. */
function checkAgainst(schema: Schema, value: unknown, path: string, problems: string[]): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] || schema['x-kubernetes-int-or-string']) return;
  const t = schema.type;
  if (t === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problems.push(`${path}: expected an object`);
    for (const [k, v] of Object.entries(value)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (!sub) problems.push(`${path}.${k}: not in the CRD`);
      else checkAgainst(sub, v, `${path}.${k}`, problems);
    }
  } else if (t === 'array') {
    if (!Array.isArray(value)) return void problems.push(`${path}: expected an array`);
    value.forEach((v, i) => checkAgainst(schema.items ?? {}, v, `${path}[${i}]`, problems));
  } else if (t === 'integer' && !Number.isInteger(value)) problems.push(`${path}: expected an integer`);
  else if (t === 'string' && typeof value !== 'string') problems.push(`${path}: expected a string`);
  else if (t === 'boolean' && typeof value !== 'boolean') problems.push(`${path}: expected a boolean`);
}

test('the StarRocksCluster spec only uses fields of the v1.11.5 CRD, with their types (new fields included)', () => {
  const crd = parse(readFileSync(CRD, 'utf8'));
  const version = crd.spec.versions.find((v: { name: string }) => v.name === 'v1');
  const specSchema: Schema = version.schema.openAPIV3Schema.properties.spec;
  for (const s of [referenceDrSpec(), wideSpec()]) {
    const cr = renderOperatorResources(s).find((o) => o.kind === OPERATOR_KIND)!;
    const problems: string[] = [];
    checkAgainst(specSchema, cr.spec, 'spec', problems);
    assert.deepEqual(problems, []);
  }
  // the check is real: a misspelt field and a wrong type are caught
  const bad: string[] = [];
  checkAgainst(specSchema, { starRocksFeSpec: { image: 'x', replica: 3, replicas: '3' } }, 'spec', bad);
  assert.deepEqual(bad, ['spec.starRocksFeSpec.replica: not in the CRD', 'spec.starRocksFeSpec.replicas: expected an integer']);
});

test('the resource carries the model: images, replicas, env with the chart TZ first, DR, config hash', () => {
  const s = wideSpec();
  const objects = renderOperatorResources(s, { namespace: 'sr' });
  const cr = objects.at(-1)! as any;
  assert.equal(cr.apiVersion, 'starrocks.com/v1');
  assert.equal(cr.kind, 'StarRocksCluster');
  assert.equal(cr.metadata.name, s.name);
  assert.equal(cr.metadata.namespace, 'sr');
  assert.deepEqual(cr.metadata.annotations, { team: 'data' });
  assert.deepEqual(cr.spec.disasterRecovery, s.disasterRecovery);
  const fe = cr.spec.starRocksFeSpec;
  assert.equal(fe.image, s.starRocksFeSpec.image);
  assert.equal(fe.replicas, s.starRocksFeSpec.replicas);
  assert.deepEqual(fe.feEnvVars, [{ name: 'TZ', value: 'UTC' }, ...(s.starRocksFeSpec.envVars ?? [])]);
  assert.deepEqual(fe.updateStrategy, { rollingUpdate: { maxUnavailable: 1 } });
  assert.deepEqual(fe.configMaps, s.starRocksFeSpec.configMaps);
  assert.deepEqual(fe.storageVolumes, s.starRocksFeSpec.storageVolumes);
  // v1.11.5 CRD fields: crd yaml:7238 waitForFullRollout; per component minReadySeconds, podManagementPolicy,
  // persistentVolumeClaimRetentionPolicy (the chart's starrockscluster.yaml:14-16, 203-204, 282-285).
  assert.equal(cr.spec.waitForFullRollout, true);
  assert.equal(fe.podManagementPolicy, 'OrderedReady');
  assert.equal(fe.minReadySeconds, 10);
  assert.deepEqual(fe.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain' });
  assert.deepEqual(cr.spec.starRocksCnSpec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Delete', whenScaled: 'Delete' });
  assert.equal('waitForFullRollout' in (renderOperatorResources(referenceDrSpec()).at(-1) as any).spec, false, 'written only when set');
  const cn = cr.spec.starRocksCnSpec;
  assert.equal(cn.cnEnvVars[0].name, 'TZ');
  assert.equal(cr.spec.starRocksBeSpec, undefined);
  // the config hash the chart writes, the one the rendered pod template carries
  const rendered = renderCluster(s, { namespace: 'sr' });
  const feSts = rendered.find((o) => o.kind === 'StatefulSet' && o.metadata.name === `${s.name}-fe`) as any;
  const hashKey = Object.keys(fe.annotations).find((k) => k.endsWith('fe-config-hash'))!;
  assert.equal(fe.annotations[hashKey], feSts.spec.template.metadata.annotations[hashKey]);
  assert.equal(fe.annotations['example.com/a'], 'b');
});

test('configMapInfo points at a ConfigMap in the output that holds the resolve key; user ConfigMaps come along', () => {
  const s = referenceDrSpec();
  const objects = renderOperatorResources(s);
  const cr = objects.at(-1)! as any;
  for (const key of ['starRocksFeSpec', 'starRocksCnSpec']) {
    const info = cr.spec[key].configMapInfo;
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === info.configMapName) as any;
    assert.ok(cm, `${info.configMapName} is written`);
    assert.equal(typeof cm.data[info.resolveKey], 'string');
  }
  assert.ok(objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cluster-snapshot'));
  assert.ok(!objects.some((o) => o.kind === 'StatefulSet' || o.kind === 'Service'), 'the operator renders those itself');
  assert.deepEqual(renderOperatorResources(s), objects, 'pure: same spec, same objects');
});
