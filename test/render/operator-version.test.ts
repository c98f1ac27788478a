/** `operatorVersion`: parsing the version given on each route, and the construct prop rendering that line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Testing } from 'cdk8s';
import { StarRocksClusterChart } from '../../lib/constructs';
import { StarRocksDrError } from '../../lib/errors';
import { DEFAULT_OPERATOR_VERSION, operatorVersionOf, parseOperatorVersion } from '../../lib/model/operator-version';
import { validateSpec } from '../../lib/model/validate';
import { referenceSpec } from './fixtures';

test('releases and lines of 1.10 and 1.11 are accepted, anything else is not', () => {
  for (const [text, line] of [['1.10', '1.10'], ['1.10.2', '1.10'], ['v1.10.0', '1.10'], ['1.11', '1.11'], ['v1.11.5', '1.11'], [' 1.11.9 ', '1.11']] as const) {
    assert.equal(operatorVersionOf(text), line, text);
  }
  for (const text of ['1.9.10', '1.12.0', '2', 'latest', '', '1.11.5-rc1']) assert.equal(operatorVersionOf(text), undefined, text);
  assert.equal(DEFAULT_OPERATOR_VERSION, '1.11');
  assert.throws(() => parseOperatorVersion('1.9.10', 'operatorVersion (Pulumi config)'), (e: unknown) => {
    assert.ok(e instanceof StarRocksDrError);
    assert.equal(e.field, 'operatorVersion (Pulumi config)');
    assert.match(e.fix ?? '', /1\.10 \(e\.g\. 1\.10\.2\), 1\.11 \(e\.g\. 1\.11\.5\)/);
    return true;
  });
});

test('the typed spec: operatorVersion and the v1.11 fields are validated, and refused for 1.10 where they would not render', () => {
  const spec = referenceSpec();
  assert.doesNotThrow(() => validateSpec({ ...spec, operatorVersion: '1.10' }));
  assert.throws(() => validateSpec({ ...spec, operatorVersion: '1.12' as never }), /operatorVersion|not one starrocks-dr renders/);
  assert.throws(() => validateSpec({ ...spec, operatorVersion: '1.10', waitForFullRollout: true }), /needs operator v1\.11/);
  const ordered = { ...spec, starRocksFeSpec: { ...spec.starRocksFeSpec, podManagementPolicy: 'OrderedReady' as const } };
  assert.doesNotThrow(() => validateSpec(ordered));
  assert.throws(() => validateSpec({ ...ordered, operatorVersion: '1.10' }), /needs operator v1\.11/);
  assert.throws(() => validateSpec({ ...spec, starRocksFeSpec: { ...spec.starRocksFeSpec, minReadySeconds: -1 } }), /minReadySeconds/);
});

test('the construct prop renders the given line (preStop of the FE as the witness)', () => {
  const preStop = (operatorVersion?: '1.10' | '1.11') => {
    const chart = new StarRocksClusterChart(Testing.app(), 'c', { spec: referenceSpec(), operatorVersion });
    const sts = Testing.synth(chart).find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'kube-starrocks-fe');
    return sts.spec.template.spec.containers[0].lifecycle.preStop.exec.command;
  };
  assert.deepEqual(preStop('1.10'), ['/opt/starrocks/fe_prestop.sh']);
  assert.deepEqual(preStop('1.11'), ['/bin/bash', '-c', '/opt/starrocks/fe/bin/stop_fe.sh -g']);
  assert.deepEqual(preStop(), preStop('1.11'), 'the newest by default');
});
