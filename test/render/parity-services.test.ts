/**
 * Parity, Services. Sources: pkg/common/resource_utils/service.go (BuildExternalService, getFeServicePorts,
 * getCnServicePorts, mergePort, serviceHashObject), templates/service/spec.go (MakeSearchService),
 * fe_controller.go (FE search port query-port/mysql), cn_controller.go (CN search port heartbeat).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCluster } from '../../lib/render/cluster';
import { referenceSpec } from './fixtures';
import { find, fnv32aRef } from './support';

const objects = renderCluster(referenceSpec());
const ownerLabels = (kind: string) => ({ 'app.starrocks.ownerreference/name': 'kube-starrocks', 'app.kubernetes.io/component': kind });
const selector = (kind: string) => ({ 'app.starrocks.ownerreference/name': `kube-starrocks-${kind}`, 'app.kubernetes.io/component': kind });

/** The operator's spew text of hashService for a ClusterIP Service without user labels / annotations. */
function expectedHash(name: string, kind: string, ports: Array<[string, number, boolean]>): string {
  const p = ports
    .map(([n, port, mysql]) =>
      `{Name:(string)${n} Protocol:(v1.Protocol)TCP AppProtocol:(*string)${mysql ? 'mysql' : '<nil>'} Port:(int32)${port} ` +
      `TargetPort:(intstr.IntOrString){Type:(intstr.Type)0 IntVal:(int32)${port} StrVal:(string)} NodePort:(int32)0}`)
    .join(' ');
  const text =
    `(resource_utils.hashService){name:(string)${name} namespace:(string)default finalizers:([]string)<nil> ` +
    `ports:([]v1.ServicePort)[${p}] selector:(map[string]string)map[app.kubernetes.io/component:${kind} ` +
    `app.starrocks.ownerreference/name:kube-starrocks-${kind}] serviceType:(v1.ServiceType)ClusterIP ` +
    `labels:(map[string]string)map[app.kubernetes.io/component:${kind} app.starrocks.ownerreference/name:kube-starrocks] ` +
    `annotations:(map[string]string)map[] loadBalancerSourceRanges:([]string)<nil>}`;
  return String(fnv32aRef(text));
}

test('FE external Service: http, rpc, query (mysql), edit-log; ClusterIP; the operator hash annotation', () => {
  const svc = find(objects, 'Service', 'kube-starrocks-fe-service');
  assert.deepEqual(svc.metadata, {
    name: 'kube-starrocks-fe-service',
    namespace: 'default',
    labels: ownerLabels('fe'),
    annotations: {
      'app.starrocks.components/hash': expectedHash('kube-starrocks-fe-service', 'fe', [
        ['http', 8030, false], ['rpc', 9020, false], ['query', 9030, true], ['edit-log', 9010, false],
      ]),
    },
  });
  assert.deepEqual(svc.spec, {
    ports: [
      { name: 'http', protocol: 'TCP', port: 8030, targetPort: 8030 },
      { name: 'rpc', protocol: 'TCP', port: 9020, targetPort: 9020 },
      { name: 'query', protocol: 'TCP', appProtocol: 'mysql', port: 9030, targetPort: 9030 },
      { name: 'edit-log', protocol: 'TCP', port: 9010, targetPort: 9010 },
    ],
    selector: selector('fe'),
    type: 'ClusterIP',
  });
});

test('CN external Service: thrift, webserver, heartbeat, brpc', () => {
  const svc = find(objects, 'Service', 'kube-starrocks-cn-service');
  assert.equal(
    svc.metadata.annotations['app.starrocks.components/hash'],
    expectedHash('kube-starrocks-cn-service', 'cn', [['thrift', 9060, false], ['webserver', 8040, false], ['heartbeat', 9050, false], ['brpc', 8060, false]]),
  );
  assert.deepEqual(svc.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port]), [
    ['thrift', 9060], ['webserver', 8040], ['heartbeat', 9050], ['brpc', 8060],
  ]);
});

test('search Services: headless, not-ready addresses published, FE query-port (mysql), CN heartbeat, no annotations', () => {
  assert.deepEqual(find(objects, 'Service', 'kube-starrocks-fe-search'), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kube-starrocks-fe-search', namespace: 'default', labels: ownerLabels('fe') },
    spec: {
      ports: [{ name: 'query-port', appProtocol: 'mysql', port: 9030, targetPort: 9030 }],
      selector: selector('fe'),
      clusterIP: 'None',
      publishNotReadyAddresses: true,
    },
  });
  assert.deepEqual(find(objects, 'Service', 'kube-starrocks-cn-search').spec.ports, [{ name: 'heartbeat', port: 9050, targetPort: 9050 }]);
});

test('user Service settings: type, node port merged by name, labels and annotations on the external Service only', () => {
  const spec = referenceSpec();
  const lb = {
    ...spec,
    starRocksFeSpec: {
      ...spec.starRocksFeSpec,
      service: {
        type: 'LoadBalancer' as never,
        loadBalancerIP: '10.0.0.9',
        loadBalancerSourceRanges: ['10.0.0.0/8'],
        ports: [{ name: 'query', nodePort: 30930 }],
        labels: { exposed: 'yes' },
        annotations: { 'lb.example.com/internal': 'true' },
      },
    },
  };
  const out = renderCluster(lb);
  const svc = find(out, 'Service', 'kube-starrocks-fe-service');
  assert.equal(svc.spec.type, 'LoadBalancer');
  assert.equal(svc.spec.loadBalancerIP, '10.0.0.9');
  assert.deepEqual(svc.spec.loadBalancerSourceRanges, ['10.0.0.0/8']);
  assert.equal(svc.spec.ports[2].nodePort, 30930);
  assert.equal(svc.metadata.labels.exposed, 'yes');
  assert.equal(svc.metadata.annotations['lb.example.com/internal'], 'true');
  const search = find(out, 'Service', 'kube-starrocks-fe-search');
  assert.deepEqual(search.metadata.labels, ownerLabels('fe'));
  assert.equal(search.metadata.annotations, undefined);
});
