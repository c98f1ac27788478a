import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_EXAMPLE_DR_OVERRIDE, BUILTIN_EXAMPLE_VALUES, loadValuesFiles } from '../../lib/model';

describe('reference values (examples/starrocks-values.yaml)', () => {
  const { spec, notices } = loadValuesFiles([BUILTIN_EXAMPLE_VALUES]);

  it('names the cluster from the chart default nameOverride', () => {
    assert.equal(spec.name, 'kube-starrocks');
    assert.equal(spec.namespace, undefined);
    assert.equal(spec.timeZone, 'Asia/Shanghai');
  });

  it('maps the FE component', () => {
    const fe = spec.starRocksFeSpec;
    assert.equal(fe.image, 'starrocks/fe-ubuntu:3.4.1');
    assert.equal(fe.replicas, 3);
    assert.equal(fe.imagePullPolicy, 'IfNotPresent');
    assert.equal(fe.terminationGracePeriodSeconds, 120);
    assert.deepEqual(fe.envVars, [{ name: 'LOG_CONSOLE', value: '1' }]);
    assert.ok(!fe.envVars?.some((e) => e.name === 'TZ'), 'TZ is the renderer\'s job');
    assert.deepEqual(fe.resources, { requests: { cpu: '1m', memory: '20Mi' }, limits: { cpu: '2', memory: '4Gi' } });
    assert.deepEqual(fe.storageVolumes, [
      { name: 'fe-storage-meta', storageSize: '10Gi', mountPath: '/opt/starrocks/fe/meta' },
      { name: 'fe-storage-log', storageSize: '1Gi', mountPath: '/opt/starrocks/fe/log' },
    ]);
    assert.match(fe.config ?? '', /^run_mode = shared_data$/m);
    assert.match(fe.config ?? '', /^automated_cluster_snapshot_interval_seconds = 60$/m);
    assert.deepEqual(fe.service, { type: 'ClusterIP' });
    assert.equal(fe.configMaps, undefined);
  });

  it('enables CN and not BE', () => {
    const cn = spec.starRocksCnSpec;
    assert.ok(cn);
    assert.equal(cn.image, 'starrocks/cn-ubuntu:3.4.1');
    assert.equal(cn.replicas, 1);
    assert.deepEqual(cn.resources, { requests: { cpu: '1m', memory: '10Mi' }, limits: { cpu: '8', memory: '8Gi' } });
    assert.deepEqual(cn.storageVolumes, [
      { name: 'cn-data', storageSize: '10Gi', mountPath: '/opt/starrocks/cn/storage' },
      { name: 'cn-log', storageSize: '1Gi', mountPath: '/opt/starrocks/cn/log' },
    ]);
    assert.match(cn.config ?? '', /^thrift_port = 9060$/m);
    assert.equal(spec.starRocksBeSpec, undefined);
  });

  it('has no DR and says the operator values are ignored', () => {
    assert.equal(spec.disasterRecovery, undefined);
    assert.equal(spec.configMaps, undefined);
    assert.ok(notices.some((n) => /operator values are ignored/.test(n)), notices.join('\n'));
  });
});

describe('reference values plus examples/override.yaml', () => {
  const { spec, notices } = loadValuesFiles([BUILTIN_EXAMPLE_VALUES, BUILTIN_EXAMPLE_DR_OVERRIDE]);

  it('enables disaster recovery with generation 1', () => {
    assert.deepEqual(spec.disasterRecovery, { enabled: true, generation: 1 });
  });

  it('mounts the snapshot ConfigMap into FE only, as a single file', () => {
    assert.deepEqual(spec.starRocksFeSpec.configMaps, [
      { name: 'cluster-snapshot', mountPath: '/opt/starrocks/fe/conf/cluster_snapshot.yaml', subPath: 'cluster_snapshot.yaml' },
    ]);
    assert.equal(spec.starRocksCnSpec?.configMaps, undefined);
  });

  it('creates the cluster-snapshot ConfigMap with the snapshot text', () => {
    assert.equal(spec.configMaps?.length, 1);
    const cm = spec.configMaps![0]!;
    assert.equal(cm.name, 'cluster-snapshot');
    assert.deepEqual(Object.keys(cm.data), ['cluster_snapshot.yaml']);
    const text = cm.data['cluster_snapshot.yaml']!;
    assert.match(text, /^cluster_snapshot:$/m);
    assert.match(text, /cluster_snapshot_path: s3:\/\/xxx\/data\/7351ce6a-f4a4-4937-a876-cb8801085aea\/meta\/image\/automated_cluster_snapshot_1739858235830/);
    assert.match(text, /storage_volume_name: builtin_storage_volume/);
    assert.ok(text.endsWith('value: xxx\n'));
  });

  it('keeps everything from the first file (maps deep-merge)', () => {
    assert.equal(spec.starRocksFeSpec.image, 'starrocks/fe-ubuntu:3.4.1');
    assert.equal(spec.starRocksFeSpec.replicas, 3);
    assert.deepEqual(spec.starRocksFeSpec.envVars, [{ name: 'LOG_CONSOLE', value: '1' }]);
    assert.deepEqual(spec.starRocksFeSpec.storageVolumes?.map((v) => v.name), ['fe-storage-meta', 'fe-storage-log']);
    assert.ok(spec.starRocksCnSpec);
    assert.equal(spec.starRocksBeSpec, undefined);
    assert.ok(notices.some((n) => n.includes('operator values are ignored')));
  });
});
