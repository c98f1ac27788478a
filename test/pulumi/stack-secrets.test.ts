/**
 * S3 keys from `pulumi config set --secret`: cluster_snapshot.yaml is built into a Kubernetes Secret, mounted into
 * the FE, and the keys stay secret in every registered input and in the outputs.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { isSecret, resolveOutput, setupPulumiMocks, stripSecrets, type PulumiMocks } from '../support/pulumi';
import { starRocksStack, type StackOutputs } from '../../stacks/starrocks';
import { childName, DR_TYPE, PROJECT_ROOT, VALUES } from './fixtures';

const ACCESS = 'AKIATESTACCESSKEY';
const SECRET = 'test/secret+key';
const SNAPSHOT = {
  path: 's3://bucket/data/7351ce6a/meta/image/automated_cluster_snapshot_1739858235830',
  location: 's3://bucket/data',
  region: 'us-west-2',
  endpoint: 'https://s3.us-west-2.amazonaws.com',
};

/** Every place a string occurs in plain (non-secret) form inside `v`. */
function plainOccurrences(v: unknown, needle: string, path = ''): string[] {
  if (isSecret(v)) return [];
  if (typeof v === 'string') return v.includes(needle) || Buffer.from(v, 'base64').toString('utf8').includes(needle) ? [path] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => plainOccurrences(x, needle, `${path}[${i}]`));
  if (typeof v === 'object' && v !== null) return Object.entries(v).flatMap(([k, x]) => plainOccurrences(x, needle, `${path}.${k}`));
  return [];
}

describe('stack program with S3 keys in secret config', () => {
  let mocks: PulumiMocks;
  let outputs: StackOutputs;

  before(async () => {
    mocks = await setupPulumiMocks({
      project: 'starrocks-dr',
      config: { valuesFiles: VALUES, drGeneration: '1', clusterSnapshot: JSON.stringify(SNAPSHOT), s3AccessKey: ACCESS, s3SecretKey: SECRET },
      secretConfigKeys: ['s3AccessKey', 's3SecretKey'],
    });
    outputs = starRocksStack(PROJECT_ROOT);
    await resolveOutput(outputs.clusterSnapshotFile!);
    await mocks.settled();
  });

  it('builds cluster_snapshot.yaml into a Secret whose data is secret', () => {
    const secret = mocks.get(childName('kube-starrocks-cluster-snapshot'), 'kubernetes:core/v1:Secret');
    assert.ok(isSecret(secret.inputs.data));
    const data = stripSecrets(secret.inputs.data as unknown) as Record<string, string>;
    const file = parse(Buffer.from(data['cluster_snapshot.yaml'], 'base64').toString('utf8'));
    assert.equal(file.cluster_snapshot.cluster_snapshot_path, SNAPSHOT.path);
    const props = Object.fromEntries(file.storage_volumes[0].properties.map((p: { key: string; value: string }) => [p.key, p.value]));
    assert.equal(props['aws.s3.access_key'], ACCESS);
    assert.equal(props['aws.s3.secret_key'], SECRET);
  });

  it('mounts it into the FE from the Secret, not a ConfigMap', () => {
    const fe = mocks.get(childName('kube-starrocks-fe'), 'kubernetes:apps/v1:StatefulSet');
    const volumes = (fe.inputs.spec as any).template.spec.volumes as Array<{ name: string; secret?: { secretName: string }; configMap?: unknown }>;
    assert.ok(volumes.some((v) => v.secret?.secretName === 'kube-starrocks-cluster-snapshot'));
    const mounts = (fe.inputs.spec as any).template.spec.containers[0].volumeMounts as Array<{ mountPath: string; subPath?: string }>;
    assert.ok(mounts.some((m) => m.mountPath === '/opt/starrocks/fe/conf/cluster_snapshot.yaml' && m.subPath === 'cluster_snapshot.yaml'));
  });

  it('passes the spec to the DR resource as a secret, with the real file in it', () => {
    const dr = mocks.get(childName('dr'), DR_TYPE);
    assert.ok(isSecret(dr.inputs.spec));
    const spec = stripSecrets(dr.inputs.spec as unknown) as { secrets: Array<{ name: string; data: Record<string, string> }> };
    assert.match(spec.secrets.find((s) => s.name === 'kube-starrocks-cluster-snapshot')!.data['cluster_snapshot.yaml'], new RegExp(ACCESS));
  });

  it('never registers the keys in plain form', () => {
    for (const r of mocks.resources) {
      for (const needle of [ACCESS, SECRET]) assert.deepEqual(plainOccurrences(r.inputs, needle), [], `${r.type} ${r.name}`);
      if (r.outputs) assert.deepEqual(plainOccurrences(r.outputs, ACCESS), [], `${r.name} outputs`);
    }
  });

  it('exports the snapshot file as a secret output', async () => {
    const file = await resolveOutput(outputs.clusterSnapshotFile!);
    assert.equal(file.secret, true);
    assert.match(file.value!, new RegExp(ACCESS));
  });
});
