/**
 * Parity, volumes, mounts and claim templates. Sources: pkg/k8sutils/templates/pod/mount.go (MountStorageVolumes,
 * MountConfigMapInfo, MountConfigMaps, MountSecrets, getVolumeName with --volume-name-with-hash=true),
 * templates/statefulset/spec.go (PVCList), fe_pod.go / cn_pod.go (default emptyDirs, config mount path). Claim
 * templates carry apiVersion/kind as the API server returns them (deliberate difference, argo-cd#11143).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCluster } from '../../lib/render/cluster';
import { referenceSpec } from './fixtures';
import { find, fnv32aRef, mainContainer } from './support';

const objects = renderCluster(referenceSpec());
const feSts = find(objects, 'StatefulSet', 'kube-starrocks-fe');
const cnSts = find(objects, 'StatefulSet', 'kube-starrocks-cn');

test('FE: meta and log claims, the config ConfigMap mounted at /etc/starrocks/fe/conf', () => {
  assert.deepEqual(feSts.spec.template.spec.volumes, [
    { name: 'fe-storage-meta', persistentVolumeClaim: { claimName: 'fe-storage-meta' } },
    { name: 'fe-storage-log', persistentVolumeClaim: { claimName: 'fe-storage-log' } },
    { name: 'kube-starrocks-fe-cm', configMap: { name: 'kube-starrocks-fe-cm' } },
  ]);
  assert.deepEqual(mainContainer(feSts).volumeMounts, [
    { name: 'fe-storage-meta', mountPath: '/opt/starrocks/fe/meta' },
    { name: 'fe-storage-log', mountPath: '/opt/starrocks/fe/log' },
    { name: 'kube-starrocks-fe-cm', mountPath: '/etc/starrocks/fe/conf' },
  ]);
  assert.deepEqual(feSts.spec.volumeClaimTemplates, [
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'fe-storage-meta' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'fe-storage-log' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
  ]);
});

test('CN: data and log claims; the 0Gi spill volume is skipped everywhere', () => {
  assert.deepEqual(cnSts.spec.template.spec.volumes.map((v: { name: string }) => v.name), ['cn-data', 'cn-log', 'kube-starrocks-cn-cm']);
  assert.deepEqual(mainContainer(cnSts).volumeMounts, [
    { name: 'cn-data', mountPath: '/opt/starrocks/cn/storage' },
    { name: 'cn-log', mountPath: '/opt/starrocks/cn/log' },
    { name: 'kube-starrocks-cn-cm', mountPath: '/etc/starrocks/cn/conf' },
  ]);
  assert.deepEqual(cnSts.spec.volumeClaimTemplates.map((c: { metadata: { name: string } }) => c.metadata.name), ['cn-data', 'cn-log']);
});

test('without storage volumes FE gets emptyDir fe-meta and fe-log, CN gets cn-log, and there are no claim templates', () => {
  const spec = referenceSpec();
  const bare = {
    ...spec,
    starRocksFeSpec: { ...spec.starRocksFeSpec, storageVolumes: undefined },
    starRocksCnSpec: { ...spec.starRocksCnSpec!, storageVolumes: undefined },
  };
  const out = renderCluster(bare);
  const fe = find(out, 'StatefulSet', 'kube-starrocks-fe');
  assert.deepEqual(fe.spec.template.spec.volumes.slice(0, 2), [
    { name: 'fe-meta', emptyDir: {} },
    { name: 'fe-log', emptyDir: {} },
  ]);
  assert.equal(fe.spec.volumeClaimTemplates, undefined);
  const cn = find(out, 'StatefulSet', 'kube-starrocks-cn');
  assert.deepEqual(cn.spec.template.spec.volumes[0], { name: 'cn-log', emptyDir: {} });
  assert.deepEqual(mainContainer(cn).volumeMounts[0], { name: 'cn-log', mountPath: '/opt/starrocks/cn/log' });
});

test('user ConfigMaps / Secrets mount under <name>-<4 hash digits>; 0755 only with a command and a subPath', () => {
  const spec = referenceSpec();
  const withMounts = {
    ...spec,
    starRocksFeSpec: {
      ...spec.starRocksFeSpec,
      configMaps: [{ name: 'snapshot', mountPath: '/opt/starrocks/fe/conf/cluster_snapshot.yaml', subPath: 'cluster_snapshot.yaml' }],
      secrets: [{ name: 's3-keys', mountPath: '/etc/keys' }],
    },
  };
  const sts = find(renderCluster(withMounts), 'StatefulSet', 'kube-starrocks-fe');
  // spew %#v of v1.MountInfo, hashed with FNV-32a (pkg/common/hash/hash.go), first 4 decimal digits
  const cmHash = String(fnv32aRef('(v1.MountInfo){Name:(string)snapshot MountPath:(string)/opt/starrocks/fe/conf/cluster_snapshot.yaml SubPath:(string)cluster_snapshot.yaml}')).slice(0, 4);
  const secHash = String(fnv32aRef('(v1.MountInfo){Name:(string)s3-keys MountPath:(string)/etc/keys SubPath:(string)}')).slice(0, 4);
  assert.deepEqual(sts.spec.template.spec.volumes.slice(3), [
    { name: `snapshot-${cmHash}`, configMap: { name: 'snapshot' } },
    { name: `s3-keys-${secHash}`, secret: { secretName: 's3-keys' } },
  ]);
  assert.deepEqual(mainContainer(sts).volumeMounts.slice(3), [
    { name: `snapshot-${cmHash}`, mountPath: '/opt/starrocks/fe/conf/cluster_snapshot.yaml', subPath: 'cluster_snapshot.yaml' },
    { name: `s3-keys-${secHash}`, mountPath: '/etc/keys' },
  ]);
  const scripted = { ...withMounts, starRocksFeSpec: { ...withMounts.starRocksFeSpec, command: ['bash', '-c'] } };
  const vol = find(renderCluster(scripted), 'StatefulSet', 'kube-starrocks-fe').spec.template.spec.volumes[3];
  assert.equal(vol.configMap.defaultMode, 0o755);
});

test('storage class and emptyDir / hostPath storage volumes', () => {
  const spec = referenceSpec();
  const classes = {
    ...spec,
    starRocksFeSpec: {
      ...spec.starRocksFeSpec,
      storageVolumes: [
        { name: 'fe-storage-meta', storageClassName: 'fast', storageSize: '10Gi', mountPath: '/opt/starrocks/fe/meta' },
        { name: 'scratch', storageClassName: 'EmptyDir', mountPath: '/tmp/x' },
        { name: 'host', hostPath: { path: '/data/fe' }, mountPath: '/opt/starrocks/fe/log' },
      ],
    },
  };
  const sts = find(renderCluster(classes), 'StatefulSet', 'kube-starrocks-fe');
  assert.deepEqual(sts.spec.volumeClaimTemplates, [
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'fe-storage-meta' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
  ]);
  assert.deepEqual(sts.spec.template.spec.volumes.slice(1, 3), [
    { name: 'scratch', emptyDir: {} },
    { name: 'host', hostPath: { path: '/data/fe' } },
  ]);
});
