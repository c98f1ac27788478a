/**
 * Parity with operator v1.11.5 where it renders differently from v1.10.2, and `operatorVersion: '1.10'` keeping
 * the v1.10.2 output. Every expected value cites the v1.11.5 source (StarRocks/starrocks-kubernetes-operator, tag
 * v1.11.5, commit e9f3a7c9) by file and line:
 * - pkg/k8sutils/templates/pod/spec.go:382-406 GetPreStopCommand; pod/version_compare.go:15-81 (IsLowerThanAny,
 *   parseVersion, GetImageVersion); pod/version_compare_test.go:103-225 TestIsLowerThanAny's table;
 * - pkg/k8sutils/templates/statefulset/spec.go:84 (podManagementPolicy), :87-89 (minReadySeconds > 0),
 *   :97-114 (PVC retention: FE/BE whenDeleted only, CN all); apis/starrocks/v1/component_type.go:288-293
 *   (GetPodManagementPolicy: empty -> Parallel);
 * - pkg/common/resource_utils/service.go:155-160 (FE external arrow-flight), :110-117 (protocol TCP);
 *   subcontrollers/cn/cn_controller.go:640-647 and be/be_controller.go:206-213 (search Service arrow-flight);
 * - subcontrollers/cn/cn_pod.go:107-114 (CN template metadata without a name), fe/fe_pod.go:92-99 (FE keeps it);
 * - deploy/starrocks.com_starrocksclusters.yaml:3696 (CN replicas `default: 1`).
 */
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import type { ComponentSpec, StarRocksClusterSpec } from '../../lib/model/types';
import { renderCluster } from '../../lib/render/cluster';
import { gracefulStop, imageVersion, isLowerThanAny, preStopCommand } from '../../lib/render/pre-stop';
import { operatorRules } from '../../lib/render/operator-rules';
import { restoreForm } from '../../lib/render/restore';
import { referenceSpec } from './fixtures';
import { find, mainContainer } from './support';

const v110 = (spec: StarRocksClusterSpec): StarRocksClusterSpec => ({ ...spec, operatorVersion: '1.10' });
const withCn = (spec: StarRocksClusterSpec, cn: Partial<ComponentSpec>): StarRocksClusterSpec => ({ ...spec, starRocksCnSpec: { ...spec.starRocksCnSpec!, ...cn } });
const withFe = (spec: StarRocksClusterSpec, fe: Partial<ComponentSpec>): StarRocksClusterSpec => ({ ...spec, starRocksFeSpec: { ...spec.starRocksFeSpec, ...fe } });
const withBe = (spec: StarRocksClusterSpec, be: Partial<ComponentSpec>): StarRocksClusterSpec => ({
  ...spec,
  starRocksBeSpec: { image: 'starrocks/be-ubuntu:3.4.1', ...be },
});
const sts = (spec: StarRocksClusterSpec, kind: string) => find(renderCluster(spec), 'StatefulSet', `kube-starrocks-${kind}`);
const preStop = (spec: StarRocksClusterSpec, kind: string): string[] => mainContainer(sts(spec, kind)).lifecycle.preStop.exec.command;

describe('IsLowerThanAny: the operator table (version_compare_test.go:103-225, targets 3.3.17 / 3.4.6 / 3.5.2)', () => {
  // [checkVersion, expected, hasError] from the table; an error is `undefined` here.
  const table: Array<[string, boolean, boolean]> = [
    ['3.3.9', true, false], ['3.3.9-ee', true, false], ['3.3.16', true, false], ['3.3.16-ee', true, false],
    ['3.3-latest', false, false], ['3.3.17', false, false], ['3.3.17-ee', false, false], ['3.3.18', false, false],
    ['3.3.18-ee', false, false], ['3.4.5', true, false], ['3.5.1', true, false], ['3.5.10', false, false],
    ['4.0.0', false, true], ['3.2.20', false, true], ['3.6.1', false, true], ['4.3.16', false, true],
    ['3.3.16-rc1', true, false], ['3.3.17-beta', false, false], ['3.3.18-alpha', false, false], ['3.3', false, true],
  ];
  for (const [version, expected, hasError] of table) {
    it(`${version} -> ${hasError ? 'error' : expected}`, () => {
      assert.equal(isLowerThanAny(version, ['3.3.17', '3.4.6', '3.5.2']), hasError ? undefined : expected);
    });
  }
  it('the first target of the same major.minor decides (version_compare_test.go:291-296)', () => {
    assert.equal(isLowerThanAny('3.3.15', ['3.3.16', '3.3.17', '3.3.18']), true);
    assert.equal(isLowerThanAny('3.3.20', ['3.3.16', '3.3.17', '3.3.18']), false);
    assert.equal(isLowerThanAny('3.3.16', []), undefined, 'no targets is an error (version_compare_test.go:253-257)');
  });
  it('GetImageVersion is everything after the last colon (version_compare.go:78-81)', () => {
    assert.equal(imageVersion('registry:5000/starrocks/be-ubuntu:3.3.18'), '3.3.18');
    assert.equal(imageVersion('starrocks/be-ubuntu'), 'starrocks/be-ubuntu');
  });
});

describe('graceful-shutdown preStop (pod/spec.go:382-406)', () => {
  it('FE always runs stop_fe.sh -g under bash (spec.go:388)', () => {
    assert.deepEqual(preStop(withFe(referenceSpec(), { image: 'starrocks/fe-ubuntu:3.3.0' }), 'fe'), ['/bin/bash', '-c', '/opt/starrocks/fe/bin/stop_fe.sh -g']);
  });
  it('CN: no -g below 3.3.17 / 3.4.6 / 3.5.2 of its line; -g at or above, for *-latest, and when the comparison errs (spec.go:398-404)', () => {
    const cases: Array<[string, boolean]> = [
      ['3.3.16', false], ['3.3.17', true], ['3.4.5', false], ['3.4.6', true], ['3.5.1', false], ['3.5.2', true],
      ['3.5-latest', true], ['4.1-latest', true], ['3.2.9', true], ['4.0.1', true], ['3.4', true],
    ];
    for (const [tag, g] of cases) {
      const expected = ['/bin/bash', '-c', `/opt/starrocks/cn/bin/stop_cn.sh${g ? ' -g' : ''}`];
      assert.deepEqual(preStop(withCn(referenceSpec(), { image: `starrocks/cn-ubuntu:${tag}` }), 'cn'), expected, tag);
    }
  });
  it('BE: no -g below 3.3.19 / 3.4.8 / 3.5.6 (spec.go:390-396)', () => {
    const cases: Array<[string, boolean]> = [['3.3.18', false], ['3.3.19', true], ['3.4.7', false], ['3.4.8', true], ['3.5.5', false], ['3.5.6', true], ['3.3-latest', true]];
    for (const [tag, g] of cases) {
      const expected = ['/bin/bash', '-c', `/opt/starrocks/be/bin/stop_be.sh${g ? ' -g' : ''}`];
      assert.deepEqual(preStop(withBe(referenceSpec(), { image: `starrocks/be-ubuntu:${tag}` }), 'be'), expected, tag);
      assert.equal(gracefulStop('be', `starrocks/be-ubuntu:${tag}`), g);
    }
  });
  it('a custom STARROCKS_ROOT moves the script (GetStarRocksRootPath in spec.go:388/393/401)', () => {
    const spec = withCn(referenceSpec(), { image: 'starrocks/cn-ubuntu:3.5.2', envVars: [{ name: 'STARROCKS_ROOT', value: '/data/sr' }] });
    assert.deepEqual(preStop(spec, 'cn'), ['/bin/bash', '-c', '/data/sr/cn/bin/stop_cn.sh -g']);
  });
  it("a user's preStop still wins (pod/spec.go LifeCycle)", () => {
    const spec = withFe(referenceSpec(), { lifecycle: { preStop: { exec: { command: ['/bin/true'] } } } });
    assert.deepEqual(preStop(spec, 'fe'), ['/bin/true']);
  });
  it('operator 1.10 keeps <root>/<c>_prestop.sh', () => {
    assert.deepEqual(preStop(v110(referenceSpec()), 'cn'), ['/opt/starrocks/cn_prestop.sh']);
    assert.deepEqual(preStopCommand(operatorRules('1.10'), 'be', 'x:3.3.0', '/r'), ['/r/be_prestop.sh']);
  });
  it('the DR restore form carries the v1.11 preStop and otherwise the same rewrite', () => {
    const spec = referenceSpec();
    const restore = restoreForm(renderCluster(spec), spec, 2);
    const fe = mainContainer(find(restore, 'StatefulSet', 'kube-starrocks-fe'));
    assert.deepEqual(fe.lifecycle.preStop.exec.command, ['/bin/bash', '-c', '/opt/starrocks/fe/bin/stop_fe.sh -g']);
    assert.equal(fe.startupProbe, undefined);
    assert.deepEqual(fe.env.slice(-2), [{ name: 'RESTORE_CLUSTER_GENERATION', value: '2' }, { name: 'RESTORE_CLUSTER_SNAPSHOT', value: 'true' }]);
  });
});

describe('StatefulSet fields (statefulset/spec.go)', () => {
  test('podManagementPolicy: the spec value, else Parallel (spec.go:84, component_type.go:288-293); 1.10 always Parallel', () => {
    assert.equal(sts(referenceSpec(), 'fe').spec.podManagementPolicy, 'Parallel');
    const ordered = withFe(referenceSpec(), { podManagementPolicy: 'OrderedReady' });
    assert.equal(sts(ordered, 'fe').spec.podManagementPolicy, 'OrderedReady');
    assert.equal(sts(ordered, 'cn').spec.podManagementPolicy, 'Parallel');
  });
  test('minReadySeconds only when above 0 (spec.go:87-89)', () => {
    assert.equal('minReadySeconds' in sts(withCn(referenceSpec(), { minReadySeconds: 0 }), 'cn').spec, false);
    assert.equal(sts(withCn(referenceSpec(), { minReadySeconds: 30 }), 'cn').spec.minReadySeconds, 30);
  });
  test('persistentVolumeClaimRetentionPolicy: FE and BE keep whenDeleted only, CN keeps both (spec.go:97-114)', () => {
    const policy = { whenDeleted: 'Delete', whenScaled: 'Delete' } as const;
    let spec = withFe(referenceSpec(), { persistentVolumeClaimRetentionPolicy: policy });
    spec = withCn(spec, { persistentVolumeClaimRetentionPolicy: policy });
    spec = withBe(spec, { persistentVolumeClaimRetentionPolicy: policy });
    assert.deepEqual(sts(spec, 'fe').spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Delete' });
    assert.deepEqual(sts(spec, 'be').spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Delete' });
    assert.deepEqual(sts(spec, 'cn').spec.persistentVolumeClaimRetentionPolicy, policy);
    // FE with only whenScaled: the operator sets an empty policy (WhenScaled "", WhenDeleted "" are omitempty).
    assert.deepEqual(sts(withFe(referenceSpec(), { persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete' } }), 'fe').spec.persistentVolumeClaimRetentionPolicy, {});
    assert.equal('persistentVolumeClaimRetentionPolicy' in sts(referenceSpec(), 'fe').spec, false);
  });
  test('operator 1.10 renders none of them', () => {
    const spec = withCn(referenceSpec(), { podManagementPolicy: 'OrderedReady', minReadySeconds: 30, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } });
    const cn = sts(v110(spec), 'cn').spec;
    assert.equal(cn.podManagementPolicy, 'Parallel');
    assert.equal('minReadySeconds' in cn, false);
    assert.equal('persistentVolumeClaimRetentionPolicy' in cn, false);
  });
  test('CN replicas: the CRD default 1 under v1.11 (crd yaml:3696); left out under v1.10', () => {
    const spec = withCn(referenceSpec(), { replicas: undefined });
    assert.equal(sts(spec, 'cn').spec.replicas, 1);
    assert.equal('replicas' in sts(v110(spec), 'cn').spec, false);
  });
  test('CN pod template has no name under v1.11 (cn_pod.go:107-114); FE keeps `<c>-fe` (fe_pod.go:92-99); 1.10 names both', () => {
    assert.equal('name' in sts(referenceSpec(), 'cn').spec.template.metadata, false);
    assert.equal(sts(referenceSpec(), 'cn').spec.template.metadata.namespace, 'default');
    assert.equal(sts(referenceSpec(), 'fe').spec.template.metadata.name, 'kube-starrocks-fe');
    assert.equal(sts(v110(referenceSpec()), 'cn').spec.template.metadata.name, 'kube-starrocks-cn');
  });
});

describe('arrow_flight_port Service ports', () => {
  const arrowSpec = (): StarRocksClusterSpec => {
    let spec = referenceSpec();
    spec = withFe(spec, { config: `${spec.starRocksFeSpec.config}arrow_flight_port = 9408\n` });
    spec = withCn(spec, { config: `${spec.starRocksCnSpec!.config}arrow_flight_port = 9419\n` });
    return withBe(spec, { config: 'arrow_flight_port = 9418\n' });
  };
  const svc = (spec: StarRocksClusterSpec, name: string) => find(renderCluster(spec), 'Service', name).spec.ports;

  test('FE external Service gets arrow-flight, protocol TCP, after edit-log (service.go:110-117, 155-160)', () => {
    const ports = svc(arrowSpec(), 'kube-starrocks-fe-service');
    assert.deepEqual(ports.map((p: { name: string }) => p.name), ['http', 'rpc', 'query', 'edit-log', 'arrow-flight']);
    assert.deepEqual(ports[4], { name: 'arrow-flight', protocol: 'TCP', port: 9408, targetPort: 9408 });
  });
  test('a user Service port matched by name overrides port and nodePort (service.go mergePort)', () => {
    const spec = withFe(arrowSpec(), { service: { type: 'NodePort' as never, ports: [{ name: 'arrow-flight', nodePort: 30408 }] } });
    assert.deepEqual(svc(spec, 'kube-starrocks-fe-service')[4], { name: 'arrow-flight', protocol: 'TCP', port: 9408, targetPort: 9408, nodePort: 30408 });
  });
  test('CN and BE search Services get arrow-flight after heartbeat, no protocol (cn_controller.go:640-647, be_controller.go:206-213)', () => {
    assert.deepEqual(svc(arrowSpec(), 'kube-starrocks-cn-search'), [
      { name: 'heartbeat', port: 9050, targetPort: 9050 },
      { name: 'arrow-flight', port: 9419, targetPort: 9419 },
    ]);
    assert.deepEqual(svc(arrowSpec(), 'kube-starrocks-be-search')[1], { name: 'arrow-flight', port: 9418, targetPort: 9418 });
  });
  test('no other Service and no container gets one; none without the key, with 0, or under 1.10', () => {
    const spec = arrowSpec();
    assert.equal(svc(spec, 'kube-starrocks-fe-search').length, 1);
    assert.equal(svc(spec, 'kube-starrocks-cn-service').length, 4);
    assert.equal(svc(spec, 'kube-starrocks-be-service').length, 4);
    assert.ok(!mainContainer(sts(spec, 'fe')).ports.some((p: { containerPort: number }) => p.containerPort === 9408));
    assert.equal(svc(referenceSpec(), 'kube-starrocks-fe-service').length, 4);
    assert.equal(svc(withFe(referenceSpec(), { config: 'arrow_flight_port = 0\n' }), 'kube-starrocks-fe-service').length, 4);
    assert.equal(svc(v110(spec), 'kube-starrocks-fe-service').length, 4);
    assert.equal(svc(v110(spec), 'kube-starrocks-cn-search').length, 1);
  });
});

test('the FE default config of each line is its chart default (chart values.yaml:418 adds min_graceful_exit_time_second = 25)', () => {
  const noConfig = withFe(referenceSpec(), { config: undefined });
  const cm = (spec: StarRocksClusterSpec) => find(renderCluster(spec), 'ConfigMap', 'kube-starrocks-fe-cm').data['fe.conf'];
  assert.match(cm(noConfig), /^min_graceful_exit_time_second = 25$/m);
  assert.doesNotMatch(cm(v110(noConfig)), /min_graceful_exit_time_second/);
});
