import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StarRocksDrError } from '../../lib/errors';
import { ServiceType, validateSpec, type StarRocksClusterSpec } from '../../lib/model';
import { referenceDrSpec } from '../fixtures';

const base: StarRocksClusterSpec = {
  name: 'kube-starrocks',
  starRocksFeSpec: {
    image: 'starrocks/fe-ubuntu:3.4.1',
    replicas: 3,
    storageVolumes: [{ name: 'fe-meta', storageSize: '10Gi', mountPath: '/opt/starrocks/fe/meta' }],
  },
  starRocksCnSpec: { image: 'starrocks/cn-ubuntu:3.4.1', replicas: 1 },
  disasterRecovery: { enabled: true, generation: 1 },
};

/** Validates a JSON-ish object and returns the error it must throw. */
function rejects(spec: unknown): StarRocksDrError {
  let out: unknown;
  try {
    out = validateSpec(spec as StarRocksClusterSpec);
  } catch (e) {
    assert.ok(e instanceof StarRocksDrError, String(e));
    assert.equal(e.code, 'InvalidInput');
    assert.equal(e.file, undefined);
    return e;
  }
  assert.fail(`expected an error, got ${JSON.stringify(out)}`);
}

const withFe = (fe: object) => ({ ...base, starRocksFeSpec: { ...base.starRocksFeSpec, ...fe } });

describe('validateSpec (typed route)', () => {
  it('returns a valid spec unchanged, including what the loader produced from the reference files', () => {
    assert.equal(validateSpec(base), base);
    const loaded = referenceDrSpec();
    assert.equal(validateSpec(loaded), loaded);
  });

  it('unknown key in JSON input, with the nearest valid key', () => {
    const e = rejects(JSON.parse(JSON.stringify({ ...base, starRocksFeSpec: { ...base.starRocksFeSpec, replcias: 3 } })));
    assert.equal(e.field, 'starRocksFeSpec.replcias');
    assert.match(e.message, /did you mean `replicas`/);
    assert.equal(rejects({ ...base, disasterRecovry: {} }).field, 'disasterRecovry');
  });

  it('replicas: negative, fractional, zero FE', () => {
    assert.equal(rejects(withFe({ replicas: -1 })).field, 'starRocksFeSpec.replicas');
    assert.match(rejects(withFe({ replicas: 1.5 })).message, /whole number/);
    assert.match(rejects(withFe({ replicas: 0 })).message, /1 or more/);
    assert.match(rejects({ ...base, starRocksCnSpec: { image: 'x:1', replicas: -2 } }).message, /starRocksCnSpec.replicas: -2 is out of range/);
  });

  it('cluster and namespace names must be DNS labels that fit', () => {
    assert.equal(rejects({ ...base, name: 'My_Cluster' }).field, 'name');
    assert.equal(rejects({ ...base, name: 'a'.repeat(53) }).field, 'name');
    assert.equal(rejects({ ...base, name: '1abc' }).field, 'name');
    assert.equal(rejects({ ...base, namespace: 'Prod' }).field, 'namespace');
  });

  it('quantities for resources and storage sizes', () => {
    assert.equal(rejects(withFe({ resources: { limits: { memory: '4 GB' } } })).field, 'starRocksFeSpec.resources.limits.memory');
    assert.equal(rejects(withFe({ resources: { requests: { cpu: -1 } } })).field, 'starRocksFeSpec.resources.requests.cpu');
    assert.equal(rejects(withFe({ storageVolumes: [{ name: 'm', storageSize: '10GiB', mountPath: '/m' }] })).field, 'starRocksFeSpec.storageVolumes[0].storageSize');
    // A zero size is how the chart says "no such volume" (its CN spill default); the operator skips it, and so does render.
    assert.doesNotThrow(() => validateSpec(withFe({ storageVolumes: [{ name: 'm', storageSize: '0Gi', mountPath: '/m' }] })));
  });

  it('ports and service type', () => {
    assert.equal(rejects(withFe({ service: { ports: [{ port: 0 }] } })).field, 'starRocksFeSpec.service.ports[0].port');
    assert.equal(rejects(withFe({ service: { ports: [{ containerPort: 65536 }] } })).field, 'starRocksFeSpec.service.ports[0].containerPort');
    assert.equal(rejects(withFe({ service: { ports: [{ nodePort: 80 }] } })).field, 'starRocksFeSpec.service.ports[0].nodePort');
    assert.match(rejects(withFe({ service: { type: 'Ingress' } })).message, /not a supported Service type.*ClusterIP, NodePort, LoadBalancer/);
    assert.doesNotThrow(() => validateSpec(withFe({ service: { type: ServiceType.LOAD_BALANCER, ports: [{ containerPort: 9030, nodePort: 30930 }] } })));
  });

  it('mount names and paths: DNS names, absolute, no duplicates, not over the config directory', () => {
    assert.equal(rejects(withFe({ configMaps: [{ name: 'Snap', mountPath: '/x' }] })).field, 'starRocksFeSpec.configMaps[0].name');
    assert.equal(rejects(withFe({ secrets: [{ name: 's', mountPath: 'relative/x' }] })).field, 'starRocksFeSpec.secrets[0].mountPath');
    const dup = rejects(withFe({ configMaps: [{ name: 'a', mountPath: '/opt/starrocks/fe/meta' }] }));
    assert.equal(dup.field, 'starRocksFeSpec.configMaps[0].mountPath');
    assert.match(dup.message, /already used by starRocksFeSpec.storageVolumes\[0\].mountPath/);
    assert.match(rejects(withFe({ configMaps: [{ name: 'a', mountPath: '/etc/starrocks/fe/conf' }] })).message, /fe.conf ConfigMap/);
  });

  it('disaster recovery generation must be a positive integer when enabled', () => {
    assert.equal(rejects({ ...base, disasterRecovery: { enabled: true, generation: 0 } }).field, 'disasterRecovery.generation');
    assert.equal(rejects({ ...base, disasterRecovery: { enabled: true, generation: 1.5 } }).field, 'disasterRecovery.generation');
    assert.equal(rejects({ ...base, disasterRecovery: { enabled: 'yes', generation: 1 } }).field, 'disasterRecovery.enabled');
    assert.doesNotThrow(() => validateSpec({ ...base, disasterRecovery: { enabled: false, generation: 0 } }));
  });

  it('image, env vars, extra objects', () => {
    assert.equal(rejects(withFe({ image: ':3.4.1' })).field, 'starRocksFeSpec.image');
    assert.equal(rejects(withFe({ envVars: [{ name: 'A', value: 1 }] })).field, 'starRocksFeSpec.envVars[0].value');
    assert.equal(rejects({ ...base, configMaps: [{ name: 'a', data: {} }, { name: 'a', data: {} }] }).field, 'configMaps[1].name');
    assert.equal(rejects({ ...base, secrets: [{ name: 's', data: { 'bad key': 'v' } }] }).field, 'secrets[0].data.bad key');
    assert.equal(rejects({ ...base, starRocksFeSpec: undefined }).field, 'starRocksFeSpec');
  });
});

describe('one generation rule for flags, values and Pulumi config', () => {
  const { generationTextProblem, parseGeneration, isGeneration } = require('../../lib/model/generation') as typeof import('../../lib/model/generation');
  const refused: Array<[string, RegExp]> = [
    ['1.5', /not a whole number/],
    ['01', /leading zero/],
    ['-1', /not a whole number/],
    ['abc', /not a whole number/],
    ['1e3', /not a whole number/],
    ['0', /not 1 or more/],
    ['', /empty/],
    [' 1', /not a whole number/],
    ['9007199254740992', /larger than 9007199254740991/],
    ['99999999999999999999999', /larger than/],
  ];
  for (const [text, problem] of refused) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.match(generationTextProblem(text) ?? '', problem);
      assert.throws(() => parseGeneration(text, 'drGeneration'), (e: unknown) => e instanceof StarRocksDrError && e.field === 'drGeneration' && (text.trim().length < 3 || !e.message.includes(text)));
    });
  }
  it('accepts 1, 42 and 2^53-1 as text and as numbers; refuses 1.5, 0, NaN, true as numbers', () => {
    for (const text of ['1', '42', '9007199254740991']) {
      assert.equal(generationTextProblem(text), undefined);
      assert.equal(parseGeneration(text, 'x'), Number(text));
      assert.equal(parseGeneration(Number(text), 'x'), Number(text));
    }
    for (const v of [1.5, 0, -3, Number.NaN, true, null, undefined]) assert.equal(isGeneration(v), false, String(v));
    for (const v of [1.5, 0, Number.NaN, true]) assert.throws(() => parseGeneration(v, 'x'), StarRocksDrError);
  });
});

describe('label and annotation syntax (apimachinery IsQualifiedName, IsValidLabelValue)', () => {
  const { qualifiedNameProblem, labelValueProblem } = require('../../lib/model/limits') as typeof import('../../lib/model/limits');
  it('accepts what Kubernetes accepts', () => {
    for (const k of ['app', 'app.kubernetes.io/name', 'a', 'A_b.c-d', 'example.com/' + 'x'.repeat(63)]) assert.equal(qualifiedNameProblem(k), undefined, k);
    for (const v of ['', 'v1', 'a.b_c-d', 'x'.repeat(63)]) assert.equal(labelValueProblem(v), undefined, v);
  });
  it('refuses what Kubernetes refuses', () => {
    for (const k of ['', '-a', 'a-', 'a/b/c', 'Example.com/a', '/a', 'a/', 'x'.repeat(64), `${'p'.repeat(64)}.com/a`]) assert.ok(qualifiedNameProblem(k), k);
    for (const v of ['a b', '-a', 'a-', 'x'.repeat(64), 'ä']) assert.ok(labelValueProblem(v), v);
  });
});
