/**
 * Parity, ConfigMaps and Secrets the chart writes. Sources: chart templates feconfigmap.yaml / cnconfigmap.yaml
 * (`<c>-<component>-cm`, labels cluster/app, key `<component>.conf` as a `|` block), configmaps.yaml and
 * secrets.yaml (sorted keys, empty values dropped, Secret values base64, type Opaque).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCluster } from '../../lib/render/cluster';
import { REFERENCE_CN_CONF, REFERENCE_FE_CONF, referenceSpec } from './fixtures';
import { find } from './support';

test('component config ConfigMaps hold the config text with one trailing newline', () => {
  const objects = renderCluster(referenceSpec());
  assert.deepEqual(find(objects, 'ConfigMap', 'kube-starrocks-fe-cm'), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-starrocks-fe-cm', namespace: 'default', labels: { cluster: 'kube-starrocks', app: 'fe' } },
    data: { 'fe.conf': REFERENCE_FE_CONF },
  });
  assert.deepEqual(find(objects, 'ConfigMap', 'kube-starrocks-cn-cm').data, { 'cn.conf': REFERENCE_CN_CONF });
  const spec = referenceSpec();
  const trailing = { ...spec, starRocksFeSpec: { ...spec.starRocksFeSpec, config: 'a = 1\n\n\n' } };
  assert.deepEqual(find(renderCluster(trailing), 'ConfigMap', 'kube-starrocks-fe-cm').data, { 'fe.conf': 'a = 1\n' });
});

test("without a config the chart's default config is used", () => {
  const spec = referenceSpec();
  const bare = { ...spec, starRocksCnSpec: { ...spec.starRocksCnSpec!, config: undefined } };
  const data = find(renderCluster(bare), 'ConfigMap', 'kube-starrocks-cn-cm').data;
  // values.yaml starrocksCnSpec.config
  assert.equal(data['cn.conf'], 'sys_log_level = INFO\n# ports for admin, web, heartbeat service\nthrift_port = 9060\nwebserver_port = 8040\nheartbeat_service_port = 9050\nbrpc_port = 8060\n');
});

test("the user's ConfigMaps and Secrets come first, keys sorted, empty values dropped", () => {
  const spec = {
    ...referenceSpec(),
    configMaps: [{ name: 'snapshot', data: { 'z.txt': 'z', 'cluster_snapshot.yaml': 'a: 1\n\n', empty: '' } }],
    secrets: [{ name: 's3-keys', data: { secret_key: 'sk', access_key: 'ak' } }],
  };
  const objects = renderCluster(spec);
  assert.deepEqual(objects.slice(0, 2), [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'snapshot', namespace: 'default' },
      data: { 'cluster_snapshot.yaml': 'a: 1\n', 'z.txt': 'z\n' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's3-keys', namespace: 'default' },
      type: 'Opaque',
      data: { access_key: 'YWs=', secret_key: 'c2s=' },
    },
  ]);
  assert.deepEqual(Object.keys((objects[0] as unknown as { data: object }).data), ['cluster_snapshot.yaml', 'z.txt']);
});
