/**
 * Parity, environment (order too). Sources: chart starrockscluster.yaml (feEnvVars / cnEnvVars start with TZ, then
 * the user's vars), pkg/k8sutils/templates/pod/spec.go Envs (user vars first, then POD_NAME, POD_IP, HOST_IP,
 * POD_NAMESPACE, HOST_TYPE, COMPONENT_NAME, FE_SERVICE_NAME[, FE_QUERY_PORT], each only when the name is free),
 * fe_pod.go / cn_pod.go (CONFIGMAP_MOUNT_PATH appended last).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCluster } from '../../lib/render/cluster';
import { referenceSpec } from './fixtures';
import { find, mainContainer } from './support';

const field = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
const downward = [
  field('POD_NAME', 'metadata.name'),
  field('POD_IP', 'status.podIP'),
  field('HOST_IP', 'status.hostIP'),
  field('POD_NAMESPACE', 'metadata.namespace'),
  { name: 'HOST_TYPE', value: 'FQDN' },
];

test('FE env: TZ, the user LOG_CONSOLE, downward API, HOST_TYPE, COMPONENT_NAME, FE_SERVICE_NAME.<ns>, CONFIGMAP_MOUNT_PATH', () => {
  const fe = mainContainer(find(renderCluster(referenceSpec()), 'StatefulSet', 'kube-starrocks-fe'));
  assert.deepEqual(fe.env, [
    { name: 'TZ', value: 'Asia/Shanghai' },
    { name: 'LOG_CONSOLE', value: '1' },
    ...downward,
    { name: 'COMPONENT_NAME', value: 'fe' },
    { name: 'FE_SERVICE_NAME', value: 'kube-starrocks-fe-service.default' },
    { name: 'CONFIGMAP_MOUNT_PATH', value: '/etc/starrocks/fe/conf' },
  ]);
});

test('CN env: FE_SERVICE_NAME without namespace and FE_QUERY_PORT from the FE config', () => {
  const cn = mainContainer(find(renderCluster(referenceSpec()), 'StatefulSet', 'kube-starrocks-cn'));
  assert.deepEqual(cn.env, [
    { name: 'TZ', value: 'Asia/Shanghai' },
    ...downward,
    { name: 'COMPONENT_NAME', value: 'cn' },
    { name: 'FE_SERVICE_NAME', value: 'kube-starrocks-fe-service' },
    { name: 'FE_QUERY_PORT', value: '9030' },
    { name: 'CONFIGMAP_MOUNT_PATH', value: '/etc/starrocks/cn/conf' },
  ]);
});

test('a name the user set is not added again, and the user value stays where the user put it', () => {
  const spec = referenceSpec();
  const custom = {
    ...spec,
    timeZone: 'UTC',
    starRocksFeSpec: { ...spec.starRocksFeSpec, envVars: [{ name: 'HOST_TYPE', value: 'IP' }, { name: 'TZ', value: 'Europe/Paris' }] },
  };
  const env = mainContainer(find(renderCluster(custom), 'StatefulSet', 'kube-starrocks-fe')).env as Array<{ name: string; value?: string }>;
  assert.deepEqual(env.slice(0, 2), [{ name: 'HOST_TYPE', value: 'IP' }, { name: 'TZ', value: 'Europe/Paris' }]);
  assert.equal(env.filter((e) => e.name === 'HOST_TYPE').length, 1);
  assert.equal(env.filter((e) => e.name === 'TZ').length, 1, 'no duplicate TZ (documented difference)');
  const cn = mainContainer(find(renderCluster(custom), 'StatefulSet', 'kube-starrocks-cn'));
  assert.deepEqual(cn.env[0], { name: 'TZ', value: 'UTC' });
});

test('STARROCKS_ROOT moves entrypoint, prestop, default volume paths and sets workingDir (GetStarRocksRootPath)', () => {
  const spec = referenceSpec();
  const moved = {
    ...spec,
    starRocksFeSpec: { ...spec.starRocksFeSpec, storageVolumes: [], envVars: [{ name: 'STARROCKS_ROOT', value: '/srv/sr' }] },
  };
  const fe = mainContainer(find(renderCluster(moved), 'StatefulSet', 'kube-starrocks-fe'));
  assert.deepEqual(fe.command, ['/srv/sr/fe_entrypoint.sh']);
  // v1.11.5 pkg/k8sutils/templates/pod/spec.go:388 (stop_fe.sh under the root); v1.10.2 GetPreStopScriptPath.
  assert.deepEqual(fe.lifecycle, { preStop: { exec: { command: ['/bin/bash', '-c', '/srv/sr/fe/bin/stop_fe.sh -g'] } } });
  const fe110 = mainContainer(find(renderCluster({ ...moved, operatorVersion: '1.10' }), 'StatefulSet', 'kube-starrocks-fe'));
  assert.deepEqual(fe110.lifecycle, { preStop: { exec: { command: ['/srv/sr/fe_prestop.sh'] } } });
  assert.equal(fe.workingDir, '/srv/sr');
  assert.deepEqual(
    fe.volumeMounts.map((m: { mountPath: string }) => m.mountPath),
    ['/srv/sr/fe/meta', '/srv/sr/fe/log', '/etc/starrocks/fe/conf'],
  );
});
