/**
 * Parity, ports and probes. Sources: pkg/k8sutils/templates/pod/spec.go (Ports), pod/probe.go (StartupProbe,
 * LivenessProbe, ReadinessProbe, completeProbe), pkg/subcontrollers/{fe/fe_pod.go,cn/cn_pod.go} (probe ports).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCluster } from '../../lib/render/cluster';
import { referenceSpec } from './fixtures';
import { find, mainContainer } from './support';

const objects = renderCluster(referenceSpec());
const fe = mainContainer(find(objects, 'StatefulSet', 'kube-starrocks-fe'));
const cn = mainContainer(find(objects, 'StatefulSet', 'kube-starrocks-cn'));

test('FE container ports: http-port 8030, rpc-port 9020, query-port 9030, all TCP', () => {
  assert.deepEqual(fe.ports, [
    { name: 'http-port', containerPort: 8030, protocol: 'TCP' },
    { name: 'rpc-port', containerPort: 9020, protocol: 'TCP' },
    { name: 'query-port', containerPort: 9030, protocol: 'TCP' },
  ]);
});

test('CN container ports: thrift 9060, webserver 8040, heartbeat 9050, brpc 8060', () => {
  assert.deepEqual(cn.ports, [
    { name: 'thrift-port', containerPort: 9060, protocol: 'TCP' },
    { name: 'webserver-port', containerPort: 8040, protocol: 'TCP' },
    { name: 'heartbeat-port', containerPort: 9050, protocol: 'TCP' },
    { name: 'brpc-port', containerPort: 8060, protocol: 'TCP' },
  ]);
});

test('probes: HTTP /api/health, startup 60 x 5 s, liveness and readiness 3 x 5 s; FE on 8030, CN on 8040', () => {
  for (const [c, port] of [[fe, 8030], [cn, 8040]] as const) {
    const http = { path: '/api/health', port };
    assert.deepEqual(c.startupProbe, { failureThreshold: 60, httpGet: http, periodSeconds: 5 });
    assert.deepEqual(c.livenessProbe, { failureThreshold: 3, httpGet: http, periodSeconds: 5 });
    assert.deepEqual(c.readinessProbe, { failureThreshold: 3, httpGet: http, periodSeconds: 5 });
  }
});

test('probe failure seconds become ceil(seconds / 5) failures; 0 switches a probe off (completeProbe)', () => {
  const spec = referenceSpec();
  const tuned = {
    ...spec,
    starRocksFeSpec: { ...spec.starRocksFeSpec, startupProbeFailureSeconds: 1200, livenessProbeFailureSeconds: 16, readinessProbeFailureSeconds: 0 },
  };
  const c = mainContainer(find(renderCluster(tuned), 'StatefulSet', 'kube-starrocks-fe'));
  assert.equal(c.startupProbe.failureThreshold, 240);
  assert.equal(c.livenessProbe.failureThreshold, 4);
  assert.equal(c.readinessProbe, undefined);
});

test('BE: be-port without protocol (as in the operator), probes on the webserver port', () => {
  const spec = { ...referenceSpec(), starRocksBeSpec: { image: 'starrocks/be-ubuntu:3.4.1' } };
  const be = mainContainer(find(renderCluster(spec), 'StatefulSet', 'kube-starrocks-be'));
  assert.deepEqual(be.ports, [
    { name: 'be-port', containerPort: 9060 },
    { name: 'webserver-port', containerPort: 8040, protocol: 'TCP' },
    { name: 'heartbeat-port', containerPort: 9050, protocol: 'TCP' },
    { name: 'brpc-port', containerPort: 8060, protocol: 'TCP' },
  ]);
  assert.equal(be.readinessProbe.httpGet.port, 8040);
});
