/** `feMetadataRetentionWarning`: FE PVCs deleted with the StatefulSet, where a recovery depends on them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feMetadataRetentionWarning } from '../../lib/model/dr-safety';
import type { ComponentSpec, StarRocksClusterSpec } from '../../lib/model/types';

const fe = (extra: Partial<ComponentSpec>): StarRocksClusterSpec => ({
  name: 'kube-starrocks',
  starRocksFeSpec: {
    image: 'starrocks/fe-ubuntu:3.4.1',
    storageVolumes: [
      { name: 'fe-storage-meta', storageSize: '10Gi', mountPath: '/opt/starrocks/fe/meta' },
      { name: 'fe-storage-log', storageSize: '1Gi', mountPath: '/opt/starrocks/fe/log' },
    ],
    ...extra,
  },
});

test('whenDeleted: Delete on FE claims is a warning naming the field, the PVCs and the fix', () => {
  const w = feMetadataRetentionWarning(fe({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } }));
  assert.ok(w);
  assert.equal(w.code, 'FeMetadataDeletedWithStatefulSet');
  assert.equal(w.field, 'starRocksFeSpec.persistentVolumeClaimRetentionPolicy.whenDeleted');
  assert.match(w.message, /fe-storage-meta, fe-storage-log/);
  assert.match(w.fix, /whenDeleted: Retain/);
});

test('no warning for Retain, whenScaled only, no claims (emptyDir / hostPath / size 0), or operator 1.10 (which does not render the policy)', () => {
  assert.equal(feMetadataRetentionWarning(fe({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain' } })), undefined);
  assert.equal(feMetadataRetentionWarning(fe({ persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete' } })), undefined);
  assert.equal(feMetadataRetentionWarning(fe({})), undefined);
  const noClaims = fe({
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' },
    storageVolumes: [
      { name: 'meta', storageClassName: 'emptyDir', mountPath: '/opt/starrocks/fe/meta' },
      { name: 'log', hostPath: { path: '/data' }, mountPath: '/opt/starrocks/fe/log' },
      { name: 'spill', storageSize: '0Gi', mountPath: '/x' },
    ],
  });
  assert.equal(feMetadataRetentionWarning(noClaims), undefined);
  const old = { ...fe({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } }), operatorVersion: '1.10' as const };
  assert.equal(feMetadataRetentionWarning(old), undefined);
});
