/**
 * Parity, pod settings. Sources: pkg/k8sutils/templates/pod/spec.go (ContainerCommand, ContainerArgs, LifeCycle,
 * Spec, PodSecurityContext, ContainerSecurityContext), templates/statefulset/spec.go (MakeStatefulset),
 * apis/starrocks/v1/component_type.go (GetUpdateStrategy, GetTerminationGracePeriodSeconds, GetRunAsNonRoot),
 * chart starrockscluster.yaml (annotations app.starrocks.io/<c>-config-hash, resources, imagePullPolicy).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { renderCluster } from '../../lib/render/cluster';
import { REFERENCE_CN_CONF, REFERENCE_FE_CONF, referenceSpec } from './fixtures';
import { find, mainContainer } from './support';

const objects = renderCluster(referenceSpec());
const feSts = find(objects, 'StatefulSet', 'kube-starrocks-fe');
const cnSts = find(objects, 'StatefulSet', 'kube-starrocks-cn');

const objects110 = renderCluster({ ...referenceSpec(), operatorVersion: '1.10' });

test('command, args and preStop are the image scripts; image and pull policy as given', () => {
  // preStop: v1.11.5 pod/spec.go:382-403 GetPreStopCommand (FE always -g; CN 3.4.1 < 3.4.6 has no -g);
  // v1.10.2 pod/spec.go GetPreStopScriptPath (<root>/<c>_prestop.sh).
  const preStop11: Record<string, string[]> = {
    fe: ['/bin/bash', '-c', '/opt/starrocks/fe/bin/stop_fe.sh -g'],
    cn: ['/bin/bash', '-c', '/opt/starrocks/cn/bin/stop_cn.sh'],
  };
  for (const kind of ['fe', 'cn']) {
    const c = mainContainer(find(objects110, 'StatefulSet', `kube-starrocks-${kind}`));
    assert.deepEqual(c.lifecycle, { preStop: { exec: { command: [`/opt/starrocks/${kind}_prestop.sh`] } } });
  }
  for (const [sts, kind, image] of [[feSts, 'fe', 'starrocks/fe-ubuntu:3.4.1'], [cnSts, 'cn', 'starrocks/cn-ubuntu:3.4.1']]) {
    const c = mainContainer(sts);
    assert.equal(c.name, kind);
    assert.equal(c.image, image);
    assert.equal(c.imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(c.command, [`/opt/starrocks/${kind}_entrypoint.sh`]);
    assert.deepEqual(c.args, ['$(FE_SERVICE_NAME)']);
    assert.deepEqual(c.lifecycle, { preStop: { exec: { command: preStop11[kind] } } });
    assert.deepEqual(c.securityContext, { readOnlyRootFilesystem: false, allowPrivilegeEscalation: false });
    assert.equal(c.workingDir, undefined);
  }
});

test('resources as the values give them', () => {
  assert.deepEqual(mainContainer(feSts).resources, { limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '1m', memory: '20Mi' } });
  assert.deepEqual(mainContainer(cnSts).resources, { limits: { cpu: '8', memory: '8Gi' }, requests: { cpu: '1m', memory: '10Mi' } });
});

test('pod spec: grace 120 s, no service account token, OnRootMismatch, one container', () => {
  for (const sts of [feSts, cnSts]) {
    const pod = sts.spec.template.spec;
    assert.equal(pod.terminationGracePeriodSeconds, 120);
    assert.equal(pod.automountServiceAccountToken, false);
    assert.deepEqual(pod.securityContext, { fsGroupChangePolicy: 'OnRootMismatch' });
    assert.equal(pod.containers.length, 1);
    for (const absent of ['serviceAccountName', 'nodeSelector', 'tolerations', 'affinity', 'initContainers', 'schedulerName']) {
      assert.equal(pod[absent], undefined, absent);
    }
  }
});

test('StatefulSet spec: replicas, Parallel, RollingUpdate from partition 0, serviceName is the search Service', () => {
  assert.equal(feSts.spec.replicas, 3);
  assert.equal(cnSts.spec.replicas, 1);
  for (const [sts, kind] of [[feSts, 'fe'], [cnSts, 'cn']]) {
    assert.equal(sts.spec.podManagementPolicy, 'Parallel');
    assert.deepEqual(sts.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.equal(sts.spec.serviceName, `kube-starrocks-${kind}-search`);
  }
});

test('pod annotation app.starrocks.io/<c>-config-hash = sha256(toJson(config))[:8] (chart _helpers.tpl)', () => {
  // Go's JSON encoding of these texts equals JSON.stringify: they hold no <, >, & or U+2028/2029.
  const hash = (text: string) => createHash('sha256').update(JSON.stringify(text)).digest('hex').slice(0, 8);
  assert.deepEqual(feSts.spec.template.metadata.annotations, { 'app.starrocks.io/fe-config-hash': hash(REFERENCE_FE_CONF) });
  assert.deepEqual(cnSts.spec.template.metadata.annotations, { 'app.starrocks.io/cn-config-hash': hash(REFERENCE_CN_CONF) });
});

test('runAsNonRoot runs as 1000:1000 with fsGroup 1000; maxUnavailablePods becomes the rolling update', () => {
  const spec = referenceSpec();
  const nonRoot = { ...spec, starRocksFeSpec: { ...spec.starRocksFeSpec, runAsNonRoot: true, maxUnavailablePods: 1 } };
  const sts = find(renderCluster(nonRoot), 'StatefulSet', 'kube-starrocks-fe');
  assert.deepEqual(mainContainer(sts).securityContext, {
    runAsUser: 1000,
    runAsGroup: 1000,
    runAsNonRoot: true,
    readOnlyRootFilesystem: false,
    allowPrivilegeEscalation: false,
  });
  assert.deepEqual(sts.spec.template.spec.securityContext, { fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch' });
  assert.deepEqual(sts.spec.updateStrategy, { rollingUpdate: { maxUnavailable: 1 } });
});

test('an unset CN replica count: left out under v1.10 (the chart leaves it out), 1 under v1.11 (the CRD default)', () => {
  const spec = referenceSpec();
  const noCount = { ...spec, starRocksCnSpec: { ...spec.starRocksCnSpec!, replicas: undefined } };
  assert.equal('replicas' in find(renderCluster({ ...noCount, operatorVersion: '1.10' }), 'StatefulSet', 'kube-starrocks-cn').spec, false);
  // v1.11.5 deploy/starrocks.com_starrocksclusters.yaml:3696 (`default: 1` under starRocksCnSpec.replicas).
  assert.equal(find(renderCluster(noCount), 'StatefulSet', 'kube-starrocks-cn').spec.replicas, 1);
});

test('user pod settings pass through: labels, annotations, sidecars, tolerations, service account, lifecycle postStart', () => {
  const spec = referenceSpec();
  const custom = {
    ...spec,
    starRocksFeSpec: {
      ...spec.starRocksFeSpec,
      podLabels: { team: 'data' },
      annotations: { 'example.com/a': 'b' },
      sidecars: [{ name: 'shipper', image: 'busybox' }],
      tolerations: [{ key: 'dedicated', operator: 'Exists' }],
      serviceAccount: 'starrocks',
      lifecycle: { postStart: { exec: { command: ['/bin/true'] } } },
    },
  };
  const sts = find(renderCluster(custom), 'StatefulSet', 'kube-starrocks-fe');
  assert.equal(sts.spec.template.metadata.labels.team, 'data');
  assert.deepEqual(sts.spec.selector.matchLabels, {
    'app.starrocks.ownerreference/name': 'kube-starrocks-fe',
    'app.kubernetes.io/component': 'fe',
  });
  assert.equal(sts.spec.template.metadata.annotations['example.com/a'], 'b');
  assert.deepEqual(sts.spec.template.spec.containers[1], { name: 'shipper', image: 'busybox' });
  assert.deepEqual(sts.spec.template.spec.tolerations, [{ key: 'dedicated', operator: 'Exists' }]);
  assert.equal(sts.spec.template.spec.serviceAccountName, 'starrocks');
  assert.deepEqual(mainContainer(sts).lifecycle, {
    postStart: { exec: { command: ['/bin/true'] } },
    preStop: { exec: { command: ['/bin/bash', '-c', '/opt/starrocks/fe/bin/stop_fe.sh -g'] } },
  });
});
