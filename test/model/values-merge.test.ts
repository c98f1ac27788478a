import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHART_DEFAULTS, coalesceOverDefaults, loadValuesTexts, mergeUserValues } from '../../lib/model';

const load = (...texts: string[]) => loadValuesTexts(texts.map((text, i) => ({ file: `v${i + 1}.yaml`, text })));

describe('Helm merge of several files', () => {
  it('deep-merges maps, later files win per key', () => {
    const { spec } = load(
      'starrocks:\n  starrocksFESpec:\n    replicas: 3\n    podLabels: {team: a, tier: db}\n',
      'starrocks:\n  starrocksFESpec:\n    podLabels: {team: b}\n',
    );
    assert.equal(spec.starRocksFeSpec.replicas, 3);
    assert.deepEqual(spec.starRocksFeSpec.podLabels, { team: 'b', tier: 'db' });
  });

  it('replaces lists instead of merging them', () => {
    const { spec } = load(
      'starrocks:\n  starrocksFESpec:\n    feEnvVars:\n      - {name: A, value: "1"}\n      - {name: B, value: "2"}\n',
      'starrocks:\n  starrocksFESpec:\n    feEnvVars:\n      - {name: C, value: "3"}\n',
    );
    assert.deepEqual(spec.starRocksFeSpec.envVars, [{ name: 'C', value: '3' }]);
  });

  it('an explicit null deletes a chart default', () => {
    const { spec } = load('starrocks:\n  starrocksFESpec:\n    resources:\n      limits: null\n');
    assert.deepEqual(spec.starRocksFeSpec.resources, { requests: { cpu: '4', memory: '4Gi' } });
  });

  it('a null in a later file deletes what an earlier file set', () => {
    const { spec } = load(
      'starrocks:\n  starrocksFESpec:\n    nodeSelector: {disk: ssd}\n    annotations: {a: "1"}\n',
      'starrocks:\n  starrocksFESpec:\n    nodeSelector: null\n',
    );
    assert.equal(spec.starRocksFeSpec.nodeSelector, undefined);
    assert.deepEqual(spec.starRocksFeSpec.annotations, { a: '1' });
  });

  it('mergeUserValues keeps nulls; coalesceOverDefaults removes them', () => {
    const merged = mergeUserValues([{ a: { b: 1, c: [1, 2] } }, { a: { c: [3], d: null } }]);
    assert.deepEqual(merged, { a: { b: 1, c: [3], d: null } });
    const out = coalesceOverDefaults({ a: { d: null }, x: null }, { a: { d: 5, e: 6 }, x: 1, y: 2 });
    assert.deepEqual(out, { a: { e: 6 }, y: 2 });
  });
});

describe('chart defaults', () => {
  const { spec } = load('');

  it('an empty file gives the chart default cluster: FE and BE, no CN', () => {
    assert.equal(spec.name, 'kube-starrocks');
    assert.equal(spec.starRocksFeSpec.image, 'starrocks/fe-ubuntu:4.1-latest'); // chart v1.11.5 values.yaml:139
    assert.equal(spec.starRocksFeSpec.replicas, 1);
    assert.deepEqual(spec.starRocksFeSpec.resources, { requests: { cpu: '4', memory: '4Gi' }, limits: { cpu: '8', memory: '8Gi' } });
    assert.equal(spec.starRocksFeSpec.storageVolumes, undefined, 'no storageSpec.name means emptyDir');
    assert.equal(spec.starRocksFeSpec.config, CHART_DEFAULTS.starrocksFESpec && (CHART_DEFAULTS.starrocksFESpec as { config: string }).config);
    assert.match(spec.starRocksFeSpec.config ?? '', /^query_port = 9030$/m);
    assert.equal(spec.starRocksBeSpec?.image, 'starrocks/be-ubuntu:4.1-latest');
    assert.deepEqual(spec.starRocksBeSpec?.resources, { requests: { cpu: '4', memory: '4Gi' }, limits: { cpu: '8', memory: '8Gi' } });
    assert.equal(spec.starRocksCnSpec, undefined);
    assert.equal(spec.disasterRecovery, undefined);
  });

  it('starrocksCluster.name overrides nameOverride, which overrides the default', () => {
    assert.equal(load('starrocks:\n  nameOverride: sr\n').spec.name, 'sr');
    assert.equal(load('starrocks:\n  nameOverride: sr\n  starrocksCluster: {name: prod, namespace: db}\n').spec.name, 'prod');
    assert.equal(load('starrocks:\n  starrocksCluster: {namespace: db}\n').spec.namespace, 'db');
  });

  it('CN has no replicas unless set (the chart renders it only with hasKey)', () => {
    const { spec: s } = load('starrocks:\n  starrocksCluster: {enabledCn: true, enabledBe: false}\n');
    assert.equal(s.starRocksCnSpec?.replicas, undefined);
    assert.deepEqual(s.starRocksCnSpec?.resources, { requests: { cpu: '4', memory: '8Gi' }, limits: { cpu: '8', memory: '8Gi' } });
  });
});

describe('layouts', () => {
  it('the subchart layout gives the same spec as the umbrella layout', () => {
    const body = 'starrocksFESpec:\n  replicas: 2\n  image: {repository: my/fe, tag: "3.4.1"}\nstarrocksCluster:\n  enabledCn: true\n';
    const umbrella = load('starrocks:\n' + body.replace(/^/gm, '  '));
    const subchart = load(body);
    assert.deepEqual(subchart.spec, umbrella.spec);
    assert.equal(subchart.spec.starRocksFeSpec.image, 'my/fe:3.4.1');
  });

  it('subchart error paths have no starrocks. prefix', () => {
    assert.throws(() => load('starrocksFESpec:\n  replicas: -1\n'), (e: Error & { field: string }) => e.field === 'starrocksFESpec.replicas');
  });
});

describe('chart-to-CRD mapping', () => {
  it('env vars in map form are sorted by name; strings become value, maps the rest', () => {
    const { spec } = load(
      'starrocks:\n  starrocksFESpec:\n    feEnvVars:\n      ZED: "z"\n      ALPHA: "a"\n      PWD:\n        valueFrom:\n          secretKeyRef: {name: s, key: k}\n',
      'starrocks:\n  starrocksFESpec:\n    feEnvVars:\n      ALPHA: null\n      BETA: "b"\n',
    );
    assert.deepEqual(spec.starRocksFeSpec.envVars, [
      { name: 'BETA', value: 'b' },
      { name: 'PWD', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'ZED', value: 'z' },
    ]);
  });

  it('component values replace componentValues, never merge with them', () => {
    const { spec } = load(
      'starrocks:\n  starrocksCluster:\n    enabledCn: true\n    componentValues:\n      image: {tag: "3.4.2"}\n      nodeSelector: {pool: shared}\n      tolerations: [{key: a, operator: Exists}]\n      schedulerName: volcano\n      runAsNonRoot: true\n  starrocksCnSpec:\n    image: {tag: "3.4.0"}\n    nodeSelector: {pool: cn}\n',
    );
    assert.equal(spec.starRocksFeSpec.image, 'starrocks/fe-ubuntu:3.4.2');
    assert.deepEqual(spec.starRocksFeSpec.nodeSelector, { pool: 'shared' });
    assert.equal(spec.starRocksCnSpec?.image, 'starrocks/cn-ubuntu:3.4.0');
    assert.deepEqual(spec.starRocksCnSpec?.nodeSelector, { pool: 'cn' });
    assert.deepEqual(spec.starRocksCnSpec?.tolerations, [{ key: 'a', operator: 'Exists' }]);
    assert.equal(spec.starRocksBeSpec?.schedulerName, 'volcano');
    assert.equal(spec.starRocksBeSpec?.runAsNonRoot, true);
  });

  it('storage: class names, custom mount paths, 0Gi log means no log volume, storageCount and spill', () => {
    const { spec } = load(
      'starrocks:\n  starrocksCluster: {enabledCn: true, enabledBe: true}\n  starrocksFESpec:\n    storageSpec: {name: fe, storageClassName: fast, logStorageSize: 0Gi, storageMountPath: /data/meta}\n  starrocksCnSpec:\n    storageSpec: {name: cn, storageClassName: fast, logStorageClassName: slow, spillStorageSize: 20Gi}\n  starrocksBeSpec:\n    storageSpec: {name: be, storageCount: 2, storageSize: 100Gi}\n',
    );
    assert.deepEqual(spec.starRocksFeSpec.storageVolumes, [{ name: 'fe-meta', storageClassName: 'fast', storageSize: '10Gi', mountPath: '/data/meta' }]);
    assert.deepEqual(spec.starRocksCnSpec?.storageVolumes, [
      { name: 'cn-data', storageClassName: 'fast', storageSize: '1Ti', mountPath: '/opt/starrocks/cn/storage' },
      { name: 'cn-log', storageClassName: 'slow', storageSize: '20Gi', mountPath: '/opt/starrocks/cn/log' },
      { name: 'cn-spill', storageClassName: 'fast', storageSize: '20Gi', mountPath: '/opt/starrocks/cn/spill' },
    ]);
    assert.deepEqual(spec.starRocksBeSpec?.storageVolumes, [
      { name: 'be0-data', storageSize: '100Gi', mountPath: '/opt/starrocks/be/storage0' },
      { name: 'be1-data', storageSize: '100Gi', mountPath: '/opt/starrocks/be/storage1' },
      { name: 'be-log', storageSize: '20Gi', mountPath: '/opt/starrocks/be/log' },
    ]);
  });

  it('emptyDirs and hostPaths become the CRD special storage classes', () => {
    const { spec } = load('starrocks:\n  starrocksFESpec:\n    emptyDirs: [{name: tmp, mountPath: /tmp}]\n    hostPaths: [{name: h, mountPath: /h, hostPath: {path: /var/h, type: Directory}}]\n');
    assert.deepEqual(spec.starRocksFeSpec.storageVolumes, [
      { name: 'tmp', mountPath: '/tmp', storageClassName: 'emptyDir' },
      { name: 'h', mountPath: '/h', storageClassName: 'hostPath', hostPath: { path: '/var/h', type: 'Directory' } },
    ]);
  });

  it('service: loadbalancerIP and source ranges only for LoadBalancer', () => {
    const svc = 'service: {type: TYPE, loadbalancerIP: 1.2.3.4, loadBalancerSourceRanges: [10.0.0.0/8], ports: [{containerPort: 9030, nodePort: 30930}], annotations: {a: b}, labels: {l: v}}';
    const lb = load(`starrocks:\n  starrocksFESpec:\n    ${svc.replace('TYPE', 'LoadBalancer')}\n`).spec.starRocksFeSpec.service;
    assert.deepEqual(lb, {
      type: 'LoadBalancer',
      loadBalancerIP: '1.2.3.4',
      loadBalancerSourceRanges: ['10.0.0.0/8'],
      ports: [{ containerPort: 9030, nodePort: 30930 }],
      annotations: { a: 'b' },
      labels: { l: 'v' },
    });
    const np = load(`starrocks:\n  starrocksFESpec:\n    ${svc.replace('TYPE', 'NodePort')}\n`).spec.starRocksFeSpec.service;
    assert.equal(np?.loadBalancerIP, undefined);
    assert.equal(np?.loadBalancerSourceRanges, undefined);
    assert.equal(np?.type, 'NodePort');
  });

  it('"unlimited" limits are dropped; probes, sidecarsMap, configyaml, secrets', () => {
    const { spec, notices } = load(
      'starrocks:\n  starrocksFESpec:\n    resources: {limits: {cpu: unlimited, memory: 8Gi}}\n    startupProbeFailureSeconds: 600\n    livenessProbeFailureSeconds: 0\n    readinessProbeFailureSeconds: "0"\n    sidecarsMap:\n      zz: {image: busybox}\n      aa: {image: alpine}\n    configyaml: {query_port: 9031, http_port: "8030"}\n    maxUnavailablePods: 2\n  secrets:\n    - name: s3\n      data: {key: plain-text, empty: ""}\n',
    );
    const fe = spec.starRocksFeSpec;
    assert.deepEqual(fe.resources, { requests: { cpu: '4', memory: '4Gi' }, limits: { memory: '8Gi' } });
    assert.equal(fe.startupProbeFailureSeconds, 600);
    assert.equal(fe.livenessProbeFailureSeconds, undefined);
    assert.equal(fe.readinessProbeFailureSeconds, 0);
    assert.ok(notices.some((n) => n.includes('livenessProbeFailureSeconds')));
    assert.deepEqual(fe.sidecars, [{ name: 'aa', image: 'alpine' }, { name: 'zz', image: 'busybox' }]);
    assert.equal(fe.config, 'http_port = 8030\nquery_port = 9031\n');
    assert.equal(fe.maxUnavailablePods, 2);
    assert.deepEqual(spec.secrets, [{ name: 's3', data: { key: 'plain-text' } }]);
  });
});
