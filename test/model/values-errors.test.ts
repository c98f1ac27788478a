import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { StarRocksDrError } from '../../lib/errors';
import { BUILTIN_EXAMPLE_VALUES, loadValuesFiles, loadValuesTexts, type LoadResult } from '../../lib/model';

interface Expect {
  readonly file: string;
  readonly field: string;
  readonly message: RegExp;
}

/** Loads, expects exactly one clear error, and checks that nothing was returned. */
function expectError(load: () => LoadResult, want: Expect): void {
  let result: LoadResult | undefined;
  let caught: unknown;
  try {
    result = load();
  } catch (e) {
    caught = e;
  }
  assert.equal(result, undefined, 'no partial result');
  assert.ok(caught instanceof StarRocksDrError, `expected StarRocksDrError, got ${String(caught)}`);
  assert.equal(caught.code, 'InvalidInput');
  assert.equal(caught.file, want.file);
  assert.equal(caught.field, want.field);
  assert.match(caught.message, want.message);
  assert.ok(caught.message.startsWith(`${want.file}: ${want.field}: `), caught.message);
  assert.ok(caught.fix.length > 0);
}

const texts = (...t: string[]) => () => loadValuesTexts(t.map((text, i) => ({ file: `f${i + 1}.yaml`, text })));

interface Case {
  readonly name: string;
  readonly load: () => LoadResult;
  readonly want: Expect;
}

const missing = path.join(tmpdir(), 'no-such-dir-starrocks-dr', 'values.yaml');

/** Each case: the values that are wrong, and the one error that names them. */
const BAD_VALUES: readonly Case[] = [
  {
    name: 'typo in a component key suggests the nearest key, with the line',
    load: texts('starrocks:\n  starrocksFESpec:\n    replica: 3\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.replica', message: /line 3: unknown key `replica` \(did you mean `replicas`\?\)\. Fix: rename `replica` to `replicas`$/ },
  },
  {
    name: 'typo in a section name suggests the section',
    load: texts('starrocks:\n  starrocksFeSpec:\n    replicas: 3\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFeSpec', message: /did you mean `starrocksFESpec`/ },
  },
  {
    name: 'wrong type',
    load: texts('starrocks:\n  starrocksFESpec:\n    replicas: three\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.replicas', message: /expected a whole number, got a string\. / },
  },
  {
    name: 'negative replicas',
    load: texts('starrocks:\n  starrocksCnSpec:\n    replicas: -1\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksCnSpec.replicas', message: /-1 is out of range/ },
  },
  {
    name: 'zero FE replicas',
    load: texts('starrocks:\n  starrocksFESpec:\n    replicas: 0\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.replicas', message: /1 or more/ },
  },
  {
    name: 'non-integer replicas',
    load: texts('starrocks:\n  starrocksFESpec:\n    replicas: 2.5\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.replicas', message: /whole number/ },
  },
  {
    name: 'unparseable YAML names the line',
    load: texts('starrocks:\n  starrocksFESpec:\n    replicas: 3\n   image: [\n'),
    want: { file: 'f1.yaml', field: 'line 4', message: /^f1\.yaml: line 4: not valid YAML: All mapping items must start at the same column\./ },
  },
  {
    name: 'missing file names the path',
    load: () => loadValuesFiles([BUILTIN_EXAMPLE_VALUES, missing]),
    want: { file: missing, field: 'values file', message: /file not found/ },
  },
  {
    name: 'bad quantity',
    load: texts('starrocks:\n  starrocksFESpec:\n    resources:\n      limits: {memory: 4GB}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.resources.limits.memory', message: /`4GB` is not a Kubernetes quantity/ },
  },
  {
    name: 'bad storage size that the operator would silently skip',
    load: texts('starrocks:\n  starrocksFESpec:\n    storageSpec: {name: fe, storageSize: 0.5Gi}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.storageSpec.storageSize', message: /starts with 0/ },
  },
  {
    name: 'bad service type',
    load: texts('starrocks:\n  starrocksFESpec:\n    service: {type: Ingress}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.service.type', message: /one of ClusterIP, NodePort, LoadBalancer/ },
  },
  {
    name: 'port out of range',
    load: texts('starrocks:\n  starrocksFESpec:\n    service:\n      ports:\n        - {containerPort: 70000}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.service.ports[0].containerPort', message: /line 5: 70000 is out of range/ },
  },
  {
    name: 'mixed layouts across files names the second file',
    load: texts('starrocks:\n  starrocksFESpec: {replicas: 3}\n', 'starrocksFESpec:\n  replicas: 1\n'),
    want: { file: 'f2.yaml', field: 'starrocksFESpec', message: /subchart layout but f1.yaml uses the umbrella layout/ },
  },
  {
    name: 'mixed layouts inside one file',
    load: texts('starrocks: {}\nstarrocksFESpec:\n  replicas: 1\n'),
    want: { file: 'f1.yaml', field: 'starrocksFESpec', message: /mixes the umbrella layout/ },
  },
  {
    name: 'unsupported feature turned on: initPassword',
    load: texts('starrocks:\n  initPassword:\n    enabled: true\n    password: secret\n'),
    want: { file: 'f1.yaml', field: 'starrocks.initPassword.enabled', message: /not supported by starrocks-dr yet/ },
  },
  {
    name: 'unsupported feature turned on: entrypoint script, blamed on the file that set it',
    load: texts('starrocks:\n  starrocksFESpec: {replicas: 3}\n', 'starrocks:\n  starrocksFESpec:\n    entrypoint:\n      script: echo hi\n'),
    want: { file: 'f2.yaml', field: 'starrocks.starrocksFESpec.entrypoint', message: /line 3: a custom entrypoint script is not supported by starrocks-dr yet/ },
  },
  {
    name: 'unsupported feature turned on: FE proxy',
    load: texts('starrocks:\n  starrocksFeProxySpec: {enabled: true}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFeProxySpec.enabled', message: /FE proxy .* not supported by starrocks-dr yet/ },
  },
  {
    name: 'bad generation: DR enabled with generation 0',
    load: texts('starrocks:\n  starrocksCluster:\n    disasterRecovery: {enabled: true, generation: 0}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksCluster.disasterRecovery.generation', message: /line 3: generation must be a positive whole number, got 0\. / },
  },
  {
    name: 'DR enabled without a generation points at the disasterRecovery line',
    load: texts('starrocks:\n  starrocksCluster:\n    disasterRecovery:\n      enabled: true\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksCluster.disasterRecovery.generation', message: /line 3: disaster recovery is enabled but generation is not set/ },
  },
  {
    name: 'bad generation: not a number',
    load: texts('starrocks:\n  starrocksCluster:\n    disasterRecovery: {enabled: true, generation: "1"}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksCluster.disasterRecovery.generation', message: /expected a whole number/ },
  },
  {
    name: 'empty image repository',
    load: texts('starrocks:\n  starrocksFESpec:\n    image: {repository: "", tag: 3.4.1}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.image.repository', message: /image repository is empty/ },
  },
  {
    name: 'duplicate ConfigMap mount path',
    load: texts(
      'starrocks:\n  starrocksFESpec:\n    configMaps:\n      - {name: a, mountPath: /etc/x}\n',
      'starrocks:\n  starrocksFESpec:\n    configMaps:\n      - {name: a, mountPath: /etc/x}\n      - {name: b, mountPath: /etc/x}\n',
    ),
    want: { file: 'f2.yaml', field: 'starrocks.starrocksFESpec.configMaps[1].mountPath', message: /line 5: mount path \/etc\/x is already used by starRocksFeSpec.configMaps\[0\].mountPath/ },
  },
  {
    name: 'invalid cluster name',
    load: texts('starrocks:\n  starrocksCluster:\n    name: Kube_StarRocks\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksCluster.name', message: /line 3: cluster name "Kube_StarRocks" is not valid/ },
  },
  {
    name: 'env var value that is not a string',
    load: texts('starrocks:\n  starrocksFESpec:\n    feEnvVars:\n      - name: LOG_CONSOLE\n        value: 1\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.feEnvVars[0].value', message: /expected a string, got a whole number\. / },
  },
  {
    name: 'sidecars and sidecarsMap together',
    load: texts('starrocks:\n  starrocksFESpec:\n    sidecars: [{name: a, image: x}]\n    sidecarsMap: {b: {image: y}}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.sidecarsMap', message: /cannot be set at the same time/ },
  },
  {
    name: 'a label value that YAML reads as a boolean',
    load: texts('starrocks:\n  starrocksFESpec:\n    podLabels: {critical: yes}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.podLabels.critical', message: /expected a string, got the boolean true/ },
  },
  {
    name: 'a top level that is not a map',
    load: texts('- starrocks\n'),
    want: { file: 'f1.yaml', field: '(top level)', message: /map of values/ },
  },
];

describe('bad values give one clear error naming the file and the key path', () => {
  for (const c of BAD_VALUES) it(c.name, () => expectError(c.load, c.want));
});

describe('files on disk', () => {
  it('loads a real file and reports its path in errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'srdr-model-'));
    const good = path.join(dir, 'good.yaml');
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(good, 'starrocksFESpec:\n  replicas: 2\n');
    writeFileSync(bad, 'starrocksFESpec:\n  imagePullPolicy: Sometimes\n');
    assert.equal(loadValuesFiles([good]).spec.starRocksFeSpec.replicas, 2);
    expectError(() => loadValuesFiles([good, bad]), { file: bad, field: 'starrocksFESpec.imagePullPolicy', message: /line 2: expected one of Always, IfNotPresent, Never/ });
  });
});

describe('errors never quote a value from the file, and never re-print a number differently', () => {
  it('an env value YAML reads as a number: the fix does not turn 017 into 15', () => {
    expectError(texts('starrocks:\n  starrocksFESpec:\n    feEnvVars:\n      - name: PIN\n        value: 017\n'), {
      file: 'f1.yaml',
      field: 'starrocks.starrocksFESpec.feEnvVars[0].value',
      message: /expected a string, got a whole number\. Fix: put the value in double quotes exactly as you meant it/,
    });
    assert.throws(texts('starrocks:\n  starrocksFESpec:\n    feEnvVars:\n      - name: PIN\n        value: 017\n'), (e: unknown) => e instanceof Error && !/\b15\b|017/.test(e.message));
  });

  it('a configyaml number the chart prints in scientific notation: the value (maybe a key) is not quoted', () => {
    const load = texts('starrocks:\n  starrocksFESpec:\n    configyaml:\n      aws_s3_secret_key: 12345678901\n');
    expectError(load, { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.configyaml.aws_s3_secret_key', message: /scientific notation/ });
    assert.throws(load, (e: unknown) => e instanceof Error && !e.message.includes('12345678901'));
  });

  it('a values file over 4 MiB is refused by size, naming the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'srdr-big-'));
    const file = path.join(dir, 'big.yaml');
    writeFileSync(file, `starrocks:\n  x: "${'a'.repeat(4 * 1024 * 1024)}"\n`);
    expectError(() => loadValuesFiles([file]), { file, field: 'values file', message: /larger than 4 MiB/ });
  });
});

/** YAML that could crash a parser or poison an object: each is refused with one input error. */
const HOSTILE_YAML: readonly Case[] = [
  {
    name: 'a key written twice (found in one pass, resolved as Helm resolves keys: yes and true are one key)',
    load: texts('starrocks:\n  starrocksFESpec:\n    podLabels:\n      yes: a\n      true: b\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.podLabels.true', message: /line 5: not valid YAML: Map keys must be unique/ },
  },
  {
    name: '`__proto__` as a key',
    load: texts('starrocks:\n  __proto__:\n    starrocksFESpec: {replicas: 9}\n'),
    want: { file: 'f1.yaml', field: 'starrocks.__proto__', message: /`__proto__` is not a values key/ },
  },
  {
    name: '`constructor` as a key is unknown, not a match with Object.prototype',
    load: texts('starrocks:\n  starrocksFESpec:\n    constructor: 1\n'),
    want: { file: 'f1.yaml', field: 'starrocks.starrocksFESpec.constructor', message: /unknown key `constructor`/ },
  },
];

describe('hostile YAML is an input error, never a crash or a silent pass', () => {
  for (const c of HOSTILE_YAML) it(c.name, () => expectError(c.load, c.want));
  it('nesting deep enough to overflow the parser stack', () => {
    assert.throws(texts(`a: ${'['.repeat(100000)}${']'.repeat(100000)}\n`), (e: unknown) => e instanceof StarRocksDrError && e.code === 'InvalidInput' && e.file === 'f1.yaml');
  });
});

describe('a file that is not a values file', () => {
  it('a password-file line read as a key is not echoed (neither in the message nor in the key path)', () => {
    assert.throws(texts('root:S3cr3tHash:20228:0:99999:7:::\n'), (e: unknown) => e instanceof StarRocksDrError && e.code === 'InvalidInput' && /line 1: .*is this a values file/.test(e.message) && !e.message.includes('S3cr3tHash'));
  });
});

