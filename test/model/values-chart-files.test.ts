/**
 * The kube-starrocks chart's own values files (verbatim copies under test/data, see its README) load and render, and
 * the chart defaults the loader uses are generated from them. Expected values cite the chart file and line at v1.11.5
 * (helm-charts/charts/kube-starrocks/charts/starrocks/values.yaml, "values.yaml:N" below).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { StarRocksDrError } from '../../lib/errors';
import { loadValuesTexts, type LoadOptions } from '../../lib/model/values';
import { chartDefaultConfig, chartDefaults } from '../../lib/model/values/chart-defaults';
import { CHART_VALUES_RELEASES } from '../../lib/model/values/chart-values.generated';
import { renderCluster } from '../../lib/render/cluster';
import { generatedText, OUTPUT_FILE, RELEASES } from '../../scripts/generate-chart-defaults';

const DATA = path.join(__dirname, '..', 'data');
const read = (f: string): string => readFileSync(path.join(DATA, f), 'utf8');
const indent = (text: string): string => text.split('\n').map((l) => (l === '' ? l : `  ${l}`)).join('\n');
const load = (text: string, opts?: LoadOptions) => loadValuesTexts([{ file: 'values.yaml', text }], opts);
const sub = (yaml: string) => load(yaml);

function invalid(fn: () => unknown, field: RegExp, problem: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StarRocksDrError, String(e));
    assert.match(e.field ?? '', field);
    assert.match(e.message, problem);
    return true;
  });
}

test('chart-values.generated.ts is what scripts/generate-chart-defaults.ts writes from the chart files today', () => {
  assert.equal(readFileSync(OUTPUT_FILE, 'utf8'), generatedText());
  assert.deepEqual(CHART_VALUES_RELEASES.map((r) => r.version), RELEASES.map((r) => r.version));
  for (const r of CHART_VALUES_RELEASES) assert.equal(r.sourcePath, 'helm-charts/charts/kube-starrocks/charts/starrocks/values.yaml');
});

for (const [version, operatorVersion] of [['1.11.5', '1.11'], ['1.10.2', '1.10']] as const) {
  const subchart = read(`chart-v${version}/starrocks-values.yaml`);
  const umbrella = read(`chart-v${version}/kube-starrocks-values.yaml`);
  const cases: Array<[string, string, number]> = [
    ['subchart layout', subchart, 0],
    ['subchart values wrapped in the umbrella layout', `starrocks:\n${indent(subchart)}`, 0],
    ["the umbrella chart's own values.yaml", umbrella, 1], // the one notice: operator values are ignored
  ];
  for (const [what, text, noticeCount] of cases) {
    test(`chart v${version}: its own values.yaml (${what}) loads without a wall of notices and renders`, () => {
      const { spec, notices } = load(text, { operatorVersion });
      assert.equal(notices.length, noticeCount, notices.join('\n'));
      const kinds = renderCluster(spec).map((o) => `${o.kind}/${o.metadata.name}`);
      // values.yaml: enabledBe true, enabledCn false
      assert.deepEqual(kinds, [
        'ConfigMap/kube-starrocks-fe-cm', 'Service/kube-starrocks-fe-service', 'Service/kube-starrocks-fe-search', 'StatefulSet/kube-starrocks-fe',
        'ConfigMap/kube-starrocks-be-cm', 'Service/kube-starrocks-be-service', 'Service/kube-starrocks-be-search', 'StatefulSet/kube-starrocks-be',
      ]);
    });
  }

  test(`chart v${version}: loading its own values.yaml gives the same spec as loading no values (the defaults are that file)`, () => {
    assert.deepEqual(load(subchart, { operatorVersion }).spec, load('', { operatorVersion }).spec);
  });
}

test('chart v1.11.5 defaults: image tag 4.1-latest, FE config with min_graceful_exit_time_second = 25', () => {
  const { spec } = sub('');
  // values.yaml:139 componentValues.image.tag "4.1-latest"; values.yaml:418 min_graceful_exit_time_second = 25
  assert.equal(spec.starRocksFeSpec.image, 'starrocks/fe-ubuntu:4.1-latest');
  assert.equal(spec.starRocksBeSpec?.image, 'starrocks/be-ubuntu:4.1-latest');
  assert.match(spec.starRocksFeSpec.config ?? '', /^min_graceful_exit_time_second = 25$/m);
  assert.equal(chartDefaultConfig('fe', '1.11'), spec.starRocksFeSpec.config);
  // v1.10.2: tag 3.3-latest and no graceful-exit setting
  const old = load('', { operatorVersion: '1.10' }).spec;
  assert.equal(old.starRocksFeSpec.image, 'starrocks/fe-ubuntu:3.3-latest');
  assert.doesNotMatch(old.starRocksFeSpec.config ?? '', /min_graceful_exit_time_second/);
  assert.equal(old.operatorVersion, '1.10');
  assert.equal(sub('').spec.operatorVersion, undefined, 'the default line is not written into the spec');
});

test('new component keys map to the spec: podManagementPolicy, minReadySeconds (> 0), persistentVolumeClaimRetentionPolicy', () => {
  const { spec } = sub([
    'starrocksCluster: {enabledCn: true, waitForFullRollout: true}',
    'starrocksFESpec: {podManagementPolicy: OrderedReady, minReadySeconds: 10, persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain}}',
    'starrocksCnSpec: {persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Delete}}',
    'starrocksBeSpec: {minReadySeconds: 0}',
  ].join('\n'));
  assert.equal(spec.waitForFullRollout, true);
  assert.equal(spec.starRocksFeSpec.podManagementPolicy, 'OrderedReady');
  assert.equal(spec.starRocksFeSpec.minReadySeconds, 10);
  assert.deepEqual(spec.starRocksFeSpec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain' });
  assert.deepEqual(spec.starRocksCnSpec?.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Delete', whenScaled: 'Delete' });
  // values.yaml:462 minReadySeconds 0 and :469 Parallel are the defaults: nothing is recorded for them.
  assert.equal(spec.starRocksBeSpec?.minReadySeconds, undefined);
  assert.equal(spec.starRocksBeSpec?.podManagementPolicy, undefined);
  assert.equal(spec.starRocksCnSpec?.podManagementPolicy, undefined);
});

test('new keys are type-checked with the chart key in the error', () => {
  invalid(() => sub('starrocksFESpec: {podManagementPolicy: Ordered}'), /starrocksFESpec\.podManagementPolicy/, /OrderedReady, Parallel/);
  invalid(() => sub('starrocksBeSpec: {minReadySeconds: -1}'), /starrocksBeSpec\.minReadySeconds/, /out of range/);
  invalid(() => sub('starrocksFESpec: {persistentVolumeClaimRetentionPolicy: {whenDeleted: Remove}}'), /whenDeleted/, /Retain, Delete/);
  invalid(() => sub('starrocksCluster: {waitForFullRollout: "yes please"}'), /waitForFullRollout/, /true or false/);
});

test('keys of features starrocks-dr does not render: silent at the chart defaults, an error naming the feature when set', () => {
  const cases: Array<[string, RegExp, RegExp]> = [
    ['initPassword: {podAnnotations: {a: b}}', /initPassword\.podAnnotations/, /init-password job/],
    ['datadog: {log: {enableMultilineLogParsing: true}}', /datadog\.log\.enableMultilineLogParsing/, /Datadog multi-line log parsing/],
    ['metrics: {serviceMonitor: {basicAuth: {enabled: true}}}', /metrics\.serviceMonitor\.basicAuth\.enabled/, /ServiceMonitor basic auth/],
    ['metrics: {serviceMonitor: {endpointParam: {enabled: true, params: {a: [b]}}}}', /metrics\.serviceMonitor\.endpointParam\.enabled/, /ServiceMonitor endpoint params/],
    ['starrocksFeProxySpec: {podLabels: {a: b}}', /starrocksFeProxySpec\.podLabels/, /FE proxy/],
  ];
  for (const [yaml, field, problem] of cases) invalid(() => sub(yaml), field, problem);
  const defaults = sub('initPassword: {podAnnotations: {}}\ndatadog: {log: {enableMultilineLogParsing: false}}\nmetrics: {serviceMonitor: {basicAuth: {enabled: false}, endpointParam: {enabled: false, params: {}}}}\nstarrocksFeProxySpec: {podLabels: {}}');
  assert.deepEqual(defaults.notices, []);
});

test('--operator-version 1.10: settings only v1.11 renders are refused, naming the key and the fix', () => {
  const old: LoadOptions = { operatorVersion: '1.10' };
  invalid(() => load('starrocksCluster: {waitForFullRollout: true}', old), /starrocksCluster\.waitForFullRollout/, /needs operator v1\.11/);
  invalid(() => load('starrocksFESpec: {minReadySeconds: 5}', old), /starrocksFESpec\.minReadySeconds/, /needs operator v1\.11/);
  invalid(() => load('starrocksBeSpec: {podManagementPolicy: OrderedReady}', old), /starrocksBeSpec\.podManagementPolicy/, /needs operator v1\.11/);
  invalid(() => load('starrocksFESpec: {persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain}}', old), /persistentVolumeClaimRetentionPolicy/, /needs operator v1\.11/);
  // at their defaults they load
  assert.equal(load('starrocksFESpec: {minReadySeconds: 0, podManagementPolicy: Parallel}', old).spec.operatorVersion, '1.10');
});

test('FE whenDeleted: Delete with disaster recovery enabled is a notice naming the metadata PVCs', () => {
  const { notices } = sub([
    'starrocksCluster: {disasterRecovery: {enabled: true, generation: 1}}',
    'starrocksFESpec: {storageSpec: {name: fe-storage}, persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}}',
  ].join('\n'));
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /fe-storage-meta/);
  assert.match(notices[0]!, /whenDeleted: Retain/);
});

test('the generated defaults are the chart file, not a subset: every top-level key of values.yaml is there', () => {
  for (const [v, line] of [['1.11', '1.11.5'], ['1.10', '1.10.2']] as const) {
    const file = read(`chart-v${line}/starrocks-values.yaml`);
    const topLevel = [...file.matchAll(/^([A-Za-z]\w*):/gm)].map((m) => m[1]);
    assert.deepEqual(Object.keys(chartDefaults(v)), topLevel);
  }
});
