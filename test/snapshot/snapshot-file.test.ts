/**
 * The pure halves of discovery: the storage volume from values / file / Secret / flags, the cluster_snapshot.yaml
 * written for a snapshot (what the FE needs: keys, or the IAM-role switch), the Secret manifest, the ConfigMap
 * warning, and withSnapshotPath on the reference values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { findSnapshotSource, parseClusterSnapshot, snapshotTextFromSpec } from '../../lib/dr/snapshot';
import { StarRocksDrError } from '../../lib/errors';
import { clusterSnapshotYaml, keysFromSecretData, resolveAccess, secretTargetFor, snapshotSecretManifest, withSnapshotPath, type S3Access } from '../../lib/snapshot';
import { referenceDrSpec, referenceSpec } from '../fixtures';

const PATH = 's3://xxx/data/7351ce6a-f4a4-4937-a876-cb8801085aea/meta/image/automated_cluster_snapshot_1739864488333';

const keyed: S3Access = { location: 's3://b/data', region: 'us-west-2', endpoint: 'minio.local:9000', pathStyle: true, keys: { accessKey: 'AK', secretKey: 'SK-secret' }, source: 'test' };

describe('withSnapshotPath', () => {
  it('points the reference override ConfigMap at the resolved path, keeping the rest of the file and its comments', () => {
    const before = referenceDrSpec();
    const after = withSnapshotPath(before, PATH);
    const source = findSnapshotSource(after)!;
    const text = snapshotTextFromSpec(after, source)!;
    assert.equal(parseClusterSnapshot(text, 'test').clusterSnapshotPath, PATH);
    assert.match(text, /# information about the cluster snapshot to be downloaded and restored/);
    const oldText = snapshotTextFromSpec(before, source)!;
    assert.deepEqual({ ...parse(text), cluster_snapshot: null }, { ...parse(oldText), cluster_snapshot: null });
    assert.notEqual(oldText, text, 'the input spec is not changed');
    assert.equal(snapshotTextFromSpec(before, source), oldText);
  });

  it('refuses a spec that mounts the file from an object it does not create', () => {
    const spec = referenceDrSpec();
    assert.throws(
      () => withSnapshotPath({ ...spec, configMaps: [] }, PATH),
      (e: unknown) => e instanceof StarRocksDrError && /ConfigMap cluster-snapshot is not created by the values/.test(e.message) && /snapshot file/.test(e.fix),
    );
  });
});

describe('the generated cluster_snapshot.yaml', () => {
  it('with keys: the path, the volume and the keys the user named, valid for dr run', () => {
    const text = clusterSnapshotYaml({ path: PATH, access: keyed, fe: 'keys' });
    const checked = parseClusterSnapshot(text, 'generated');
    assert.equal(checked.clusterSnapshotPath, PATH);
    assert.equal(checked.storageVolumeName, 'builtin_storage_volume');
    const props = Object.fromEntries(parse(text).storage_volumes[0].properties.map((p: { key: string; value: string }) => [p.key, p.value]));
    assert.deepEqual(props, {
      'aws.s3.region': 'us-west-2',
      'aws.s3.endpoint': 'minio.local:9000',
      'aws.s3.enable_path_style_access': 'true',
      'aws.s3.access_key': 'AK',
      'aws.s3.secret_key': 'SK-secret',
    });
  });

  it('for IAM-role clusters: no keys at all, StarRocks\' default-behaviour or instance-profile switch, the AWS endpoint of the region', () => {
    for (const fe of ['default-behavior', 'instance-profile'] as const) {
      const text = clusterSnapshotYaml({ path: PATH, access: { location: 's3://b/data', region: 'eu-west-1', source: 'flags' }, fe });
      parseClusterSnapshot(text, 'generated');
      assert.doesNotMatch(text, /access_key|secret_key/);
      assert.match(text, fe === 'instance-profile' ? /key: aws\.s3\.use_instance_profile\n\s+value: "true"/ : /key: aws\.s3\.use_aws_sdk_default_behavior\n\s+value: "true"/);
      assert.match(text, /key: aws\.s3\.endpoint\n\s+value: s3\.eu-west-1\.amazonaws\.com/);
    }
  });

  it('asks for keys or a region when they are missing, without quoting anything', () => {
    assert.throws(() => clusterSnapshotYaml({ path: PATH, access: { ...keyed, keys: undefined }, fe: 'keys' }), /--fe-credentials: the FE is to use S3 keys but no keys were given/);
    assert.throws(() => clusterSnapshotYaml({ path: PATH, access: { ...keyed, region: undefined }, fe: 'keys' }), /--region: the storage volume region is unknown/);
  });

  it('as a Secret manifest (stringData), with the mount warning when the values keep the file in a ConfigMap', () => {
    const { target, warnings } = secretTargetFor(referenceDrSpec(), undefined, 'starrocks');
    assert.deepEqual(target, { name: 'cluster-snapshot', key: 'cluster_snapshot.yaml', namespace: 'starrocks' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /mount cluster_snapshot\.yaml from ConfigMap cluster-snapshot \(starRocksFeSpec\.configMaps\[0\]\).*wrote Secret cluster-snapshot instead/);
    assert.match(warnings[0], /starrocksFESpec\.secrets: \[\{name: cluster-snapshot, mountPath: \/opt\/starrocks\/fe\/conf\/cluster_snapshot\.yaml, subPath: cluster_snapshot\.yaml\}\]/);
    const manifest = parse(snapshotSecretManifest('cluster_snapshot: {}\n', target));
    assert.equal(manifest.kind, 'Secret');
    assert.equal(manifest.metadata.namespace, 'starrocks');
    assert.deepEqual(manifest.stringData, { 'cluster_snapshot.yaml': 'cluster_snapshot: {}\n' });
  });

  it('keeps the Secret the values already mount the file from', () => {
    const spec = referenceDrSpec();
    const fe = spec.starRocksFeSpec;
    const mounted = { ...spec, starRocksFeSpec: { ...fe, configMaps: [], secrets: [{ name: 'dr-file', mountPath: '/opt/starrocks/fe/conf/cluster_snapshot.yaml', subPath: 'cluster_snapshot.yaml' }] } };
    assert.deepEqual(secretTargetFor(mounted), { target: { name: 'dr-file', key: 'cluster_snapshot.yaml', namespace: undefined }, warnings: [] });
  });
});

describe('where the storage volume and its keys come from', () => {
  it('the values\' cluster_snapshot.yaml, with flags overriding it', () => {
    const { access, fe, storageVolumeName } = resolveAccess({ spec: referenceDrSpec(), endpoint: 'http://127.0.0.1:9000' });
    assert.equal(access.location, 's3://xxx/data');
    assert.equal(access.endpoint, 'http://127.0.0.1:9000');
    assert.equal(access.region, 'xxx');
    assert.deepEqual(access.keys, { accessKey: 'xxx', secretKey: 'xxx' });
    assert.equal(fe, 'keys');
    assert.equal(storageVolumeName, 'builtin_storage_volume');
    assert.match(access.source, /ConfigMap\/cluster-snapshot key cluster_snapshot\.yaml \(storage volume builtin_storage_volume\)/);
  });

  it('day-1 values without a snapshot file: the builtin volume of fe.conf (aws_s3_path, aws_s3_*)', () => {
    const spec = referenceSpec();
    const fe = spec.starRocksFeSpec;
    const config = `${fe.config}\naws_s3_path = my-bucket/data\naws_s3_region = eu-central-1\n`;
    const { access, fe: feCredentials, storageVolumeName } = resolveAccess({ spec: { ...spec, starRocksFeSpec: { ...fe, config } } });
    assert.equal(access.location, 's3://my-bucket/data');
    assert.equal(access.region, 'eu-central-1');
    assert.equal(access.endpoint, 'xxx');
    assert.deepEqual(access.keys, { accessKey: 'xxx', secretKey: 'xxx' });
    assert.equal(feCredentials, 'keys');
    assert.equal(storageVolumeName, 'builtin_storage_volume');
    assert.match(access.source, /fe\.conf aws_s3_\*/);
  });

  it('a Kubernetes Secret\'s keys win over the file\'s', () => {
    const { access } = resolveAccess({ spec: referenceDrSpec(), secret: { name: 'ns/keys', data: { access_key: 'A2', secret_key: 'S2' } } });
    assert.deepEqual(access.keys, { accessKey: 'A2', secretKey: 'S2' });
    assert.equal(access.source, 'Secret ns/keys');
  });

  it('a volume with an IAM-role switch lists with the SDK default chain and gives the FE the same switch', () => {
    const text = 'cluster_snapshot:\n  storage_volume_name: v\nstorage_volumes:\n  - name: v\n    type: S3\n    location: s3://b/p\n    properties:\n      - key: aws.s3.region\n        value: us-east-1\n      - key: aws.s3.use_instance_profile\n        value: "true"\n';
    const { access, fe } = resolveAccess({ snapshotFile: { text, name: 'cs.yaml' } });
    assert.equal(access.keys, undefined);
    assert.equal(fe, 'instance-profile');
  });

  it('flags alone: no keys, the default chain, default-behaviour for the FE; no location is an error', () => {
    const { access, fe } = resolveAccess({ location: 's3://b/p', region: 'us-east-1' });
    assert.equal(access.keys, undefined);
    assert.equal(fe, 'default-behavior');
    assert.throws(() => resolveAccess({}), /--location: no storage volume location to look in/);
  });

  it('Secret data shapes: key pairs under the known names, or a whole cluster_snapshot.yaml; else the key names only', () => {
    assert.deepEqual(keysFromSecretData({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's' }, 'Secret x'), { accessKey: 'a', secretKey: 's' });
    assert.deepEqual(keysFromSecretData({ 'aws.s3.access_key': 'a', 'aws.s3.secret_key': 's' }, 'Secret x'), { accessKey: 'a', secretKey: 's' });
    const file = clusterSnapshotYaml({ path: PATH, access: keyed, fe: 'keys' });
    assert.deepEqual(keysFromSecretData({ 'cluster_snapshot.yaml': file }, 'Secret x'), keyed.keys);
    assert.throws(
      () => keysFromSecretData({ user: 'top-secret-value' }, 'Secret ns/x'),
      (e: unknown) => e instanceof StarRocksDrError && /Secret ns\/x: holds no S3 keys \(its keys: user\)/.test(e.message) && !e.message.includes('top-secret-value'),
    );
  });
});
