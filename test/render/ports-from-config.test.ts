/**
 * Ports set in fe.conf / cn.conf flow everywhere the operator uses them (resource_utils/configmap.go GetPort;
 * cn_controller.go copies the FE query_port into the CN config for FE_QUERY_PORT).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCluster } from '../../lib/render/cluster';
import { movedPortsSpec } from './fixtures';
import { find, mainContainer } from './support';

const objects = renderCluster(movedPortsSpec()); // query_port 9035, http_port 8031, CN webserver 8041, heartbeat 9051

test('FE query_port = 9035 and http_port = 8031 reach container ports, probes and both Services', () => {
  const fe = mainContainer(find(objects, 'StatefulSet', 'kube-starrocks-fe'));
  assert.deepEqual(fe.ports.map((p: { containerPort: number }) => p.containerPort), [8031, 9020, 9035]);
  for (const probe of [fe.startupProbe, fe.livenessProbe, fe.readinessProbe]) assert.equal(probe.httpGet.port, 8031);
  const svc = find(objects, 'Service', 'kube-starrocks-fe-service');
  assert.deepEqual(svc.spec.ports.map((p: { port: number; targetPort: number }) => [p.port, p.targetPort]), [
    [8031, 8031], [9020, 9020], [9035, 9035], [9010, 9010],
  ]);
  assert.deepEqual(find(objects, 'Service', 'kube-starrocks-fe-search').spec.ports[0], {
    name: 'query-port', appProtocol: 'mysql', port: 9035, targetPort: 9035,
  });
});

test("CN reads FE_QUERY_PORT from the FE config and its own webserver / heartbeat ports from cn.conf", () => {
  const cn = mainContainer(find(objects, 'StatefulSet', 'kube-starrocks-cn'));
  assert.equal(cn.env.find((e: { name: string }) => e.name === 'FE_QUERY_PORT').value, '9035');
  assert.equal(cn.ports.find((p: { name: string }) => p.name === 'webserver-port').containerPort, 8041);
  for (const probe of [cn.startupProbe, cn.livenessProbe, cn.readinessProbe]) assert.equal(probe.httpGet.port, 8041);
  const svc = find(objects, 'Service', 'kube-starrocks-cn-service');
  assert.equal(svc.spec.ports.find((p: { name: string }) => p.name === 'webserver').port, 8041);
  assert.deepEqual(find(objects, 'Service', 'kube-starrocks-cn-search').spec.ports, [{ name: 'heartbeat', port: 9051, targetPort: 9051 }]);
});

test('CN falls back to be_port / be_http_port when thrift_port / webserver_port are absent', () => {
  const spec = movedPortsSpec();
  const newer = { ...spec, starRocksCnSpec: { ...spec.starRocksCnSpec!, config: 'be_port = 9070\nbe_http_port = 8050\n' } };
  const cn = mainContainer(find(renderCluster(newer), 'StatefulSet', 'kube-starrocks-cn'));
  assert.deepEqual(cn.ports.map((p: { containerPort: number }) => p.containerPort), [9070, 8050, 9050, 8060]);
});
