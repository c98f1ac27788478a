import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { StarRocksDrError } from '../../lib/errors';
import { imageVersion, preflight, validateForRoute } from '../../lib/dr/preflight';
import { parseClusterSnapshot } from '../../lib/dr/snapshot';
import type { StarRocksClusterSpec } from '../../lib/model/types';

// The snapshot file of the reference override.yaml, read from the example itself.
const override = parseDocument(readFileSync(join(__dirname, '../../examples/override.yaml'), 'utf8')).toJS();
const SNAPSHOT: string = override.starrocks.configMaps[0].data['cluster_snapshot.yaml'];

const FE_CONF = 'run_mode = shared_data\nquery_port = 9030\n';
function spec(overrides: Partial<StarRocksClusterSpec['starRocksFeSpec']> = {}, top: Partial<StarRocksClusterSpec> = {}): StarRocksClusterSpec {
  return {
    name: 'kube-starrocks',
    disasterRecovery: { enabled: true, generation: 1 },
    starRocksFeSpec: {
      image: 'starrocks/fe-ubuntu:3.4.1',
      config: FE_CONF,
      storageVolumes: [{ name: 'fe-storage-meta', mountPath: '/opt/starrocks/fe/meta', storageSize: '10Gi' }],
      configMaps: [{ name: 'cluster-snapshot', mountPath: '/opt/starrocks/fe/conf/cluster_snapshot.yaml', subPath: 'cluster_snapshot.yaml' }],
      ...overrides,
    },
    configMaps: [{ name: 'cluster-snapshot', data: { 'cluster_snapshot.yaml': SNAPSHOT } }],
    ...top,
  };
}

function rejects(fn: () => unknown, field: RegExp, fix: RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StarRocksDrError, `expected StarRocksDrError, got ${String(err)}`);
    assert.match(err.field, field);
    assert.match(err.message, fix);
    return true;
  });
}

describe('preflight', () => {
  it('accepts the reference recovery and warns that S3 keys sit in a ConfigMap', () => {
    const r = preflight(spec());
    assert.equal(r.generation, 1);
    assert.deepEqual([r.source.kind, r.source.name, r.source.key], ['ConfigMap', 'cluster-snapshot', 'cluster_snapshot.yaml']);
    assert.equal(r.snapshot?.storageVolumeName, 'builtin_storage_volume');
    assert.ok(r.warnings.some((w) => /S3 keys.*Secret/.test(w)));
  });

  it('accepts the snapshot from a Secret, without the ConfigMap warning', () => {
    const s = spec(
      { configMaps: [], secrets: [{ name: 'snap', mountPath: '/opt/starrocks/fe/conf/cluster_snapshot.yaml', subPath: 'cluster_snapshot.yaml' }] },
      { configMaps: [], secrets: [{ name: 'snap', data: { 'cluster_snapshot.yaml': SNAPSHOT } }] },
    );
    const r = preflight(s);
    assert.equal(r.source.kind, 'Secret');
    assert.deepEqual(r.warnings, []);
  });

  it('refuses run_mode other than shared_data', () => {
    rejects(() => preflight(spec({ config: 'run_mode = shared_nothing\n' })), /^starRocksFeSpec\.config$/, /run_mode = shared_data/);
  });
  it('refuses a missing snapshot mount', () => {
    rejects(() => preflight(spec({ configMaps: [] })), /configMaps/, /cluster_snapshot\.yaml is not mounted.*Fix: mount it/);
  });
  it('refuses a non-positive or fractional generation', () => {
    rejects(() => preflight(spec({}, { disasterRecovery: { enabled: true, generation: 0 } })), /generation/, /positive whole number/);
    rejects(() => preflight(spec({}, { disasterRecovery: { enabled: true, generation: 1.5 } })), /generation/, /positive whole number/);
  });
  it('refuses an image older than 3.4.1', () => {
    rejects(() => preflight(spec({ image: 'starrocks/fe-ubuntu:3.3.9' })), /image/, /older than StarRocks 3\.4\.1/);
    rejects(() => preflight(spec({ image: 'starrocks/fe-ubuntu:3.3-latest' })), /image/, /older/);
  });
  it('refuses FE meta that is not persistent (a restart would start an empty cluster)', () => {
    rejects(() => preflight(spec({ storageVolumes: [] })), /^starRocksFeSpec\.storageVolumes$/, /PersistentVolumeClaim/);
  });
  it('refuses DR that is not enabled', () => {
    rejects(() => preflight(spec({}, { disasterRecovery: { enabled: false, generation: 1 } })), /enabled/, /not enabled/);
  });
});

describe('cluster_snapshot.yaml checks', () => {
  const where = 'ConfigMap/cluster-snapshot key cluster_snapshot.yaml';
  const edit = (from: string | RegExp, to: string) => SNAPSHOT.replace(from, to);
  it('reads the reference file', () => {
    const s = parseClusterSnapshot(SNAPSHOT, where);
    assert.match(s.clusterSnapshotPath, /^s3:\/\/xxx\/data\/.*automated_cluster_snapshot_1739858235830$/);
  });
  const bad: Array<[string, string, RegExp]> = [
    ['unparseable YAML', 'cluster_snapshot: [\n', /not valid YAML/],
    ['path not s3://', edit('cluster_snapshot_path: s3://', 'cluster_snapshot_path: http://'), /cluster_snapshot_path.*s3:\/\//],
    ['storage_volume_name not defined', edit('storage_volume_name: builtin_storage_volume', 'storage_volume_name: other_volume'), /storage_volumes.*other_volume/],
    ['missing S3 secret key', edit(/\n\s*- key: aws\.s3\.secret_key\n\s+value: xxx/, ''), /lacks aws\.s3\.secret_key/],
    ['missing region', edit(/\n\s*- key: aws\.s3\.region\n\s+value: xxx/, ''), /lacks aws\.s3\.region/],
    // Checked whole: a second, unused volume is read by StarRocks too.
    ['a second volume without a location', `${SNAPSHOT}  - name: other\n    type: S3\n`, /storage_volumes\[1\]\.location: is missing/],
    ['a volume name twice', `${SNAPSHOT}  - name: builtin_storage_volume\n    type: S3\n    location: s3://y/z\n`, /storage_volumes\[1\]\.name: .*defined twice/],
    ['an unknown section (a typo StarRocks would ignore)', `${SNAPSHOT}\nclustr_snapshot: {}\n`, /clustr_snapshot: is not a section/],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n`, /aliases more than 100 times/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses: ${name}`, () => {
      assert.throws(() => parseClusterSnapshot(text, where), (err: unknown) => err instanceof StarRocksDrError && message.test(err.message) && err.message.includes(where));
    });
  }
  it('never quotes property values in errors', () => {
    const secretish = SNAPSHOT.replace(/(aws\.s3\.access_key\n\s+value: )xxx/, '$1AKIASECRETVALUE').replace(/\n\s*- key: aws\.s3\.region\n\s+value: xxx/, '');
    assert.throws(() => parseClusterSnapshot(secretish, where), (err: unknown) => err instanceof Error && !err.message.includes('AKIASECRETVALUE'));
  });
});

describe('imageVersion', () => {
  it('reads tags the way users write them', () => {
    assert.deepEqual(imageVersion('starrocks/fe-ubuntu:3.4.1'), [3, 4, 1]);
    assert.deepEqual(imageVersion('registry:5000/starrocks/fe-ubuntu:3.5-latest'), [3, 5, 0]);
    assert.equal(imageVersion('registry:5000/starrocks/fe-ubuntu'), undefined);
    assert.equal(imageVersion('starrocks/fe-ubuntu:latest'), undefined);
  });
});

describe('with a cluster: what only the cluster holds', () => {
  it('a snapshot file in an existing Secret is checked by synth --dr-phase auto and by dr run planning', async () => {
    const { startSimulator } = await import('../../sim');
    const { KubeClient } = await import('../../lib/kube/client');
    const { autoForm } = await import('../../lib/cli/synth-command');
    const { planRecoveryLive } = await import('../../lib/dr/plan');
    const { referenceDrSpec } = await import('../fixtures');
    const loaded = referenceDrSpec();
    const mount = { name: 'snap', mountPath: '/opt/starrocks/fe/conf/cluster_snapshot.yaml', subPath: 'cluster_snapshot.yaml' };
    const s: StarRocksClusterSpec = { ...loaded, configMaps: [], starRocksFeSpec: { ...loaded.starRocksFeSpec, configMaps: [], secrets: [mount] } };
    const sim = await startSimulator({ timeScale: 0.02 });
    try {
      const client = KubeClient.connect({ kubeConfig: sim.kubeConfig() });
      const bad = SNAPSHOT.replace('cluster_snapshot_path: s3://', 'cluster_snapshot_path: http://');
      await client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'snap', namespace: 'default' }, data: { 'cluster_snapshot.yaml': Buffer.from(bad).toString('base64') } }, 'test');
      const invalidSnapshot = (err: unknown) => err instanceof StarRocksDrError && err.code === 'InvalidSnapshot' && /Secret\/snap.*cluster_snapshot_path/.test(err.message) && !err.message.includes('http://');
      const checked = validateForRoute(s, { form: 'auto' });
      await assert.rejects(autoForm(checked, { client }), invalidSnapshot);
      await assert.rejects(planRecoveryLive(client, validateForRoute(s, { form: 'restore' })), invalidSnapshot);
      // The same file made right passes both.
      await client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'snap', namespace: 'default' }, data: { 'cluster_snapshot.yaml': Buffer.from(SNAPSHOT).toString('base64') } }, 'test');
      assert.equal((await autoForm(checked, { client })).form, 'restore');
      assert.equal((await planRecoveryLive(client, validateForRoute(s, { form: 'restore' }))).preflight.source.kind, 'Secret');
    } finally {
      await sim.stop();
    }
  });
});

describe('a snapshot file mounted from an object that is not there is refused before anything is applied', () => {
  const mount = { name: 'snap', mountPath: '/opt/starrocks/fe/conf/cluster_snapshot.yaml', subPath: 'cluster_snapshot.yaml' };
  const withSecretMount = async (): Promise<StarRocksClusterSpec> => {
    const { referenceDrSpec } = await import('../fixtures');
    const loaded = referenceDrSpec();
    return { ...loaded, configMaps: [], starRocksFeSpec: { ...loaded.starRocksFeSpec, configMaps: [], secrets: [mount] } };
  };

  it('dr run planning: a Secret neither the values define nor the cluster has, then one without the key: exit 2 naming the mount, nothing applied', async () => {
    const { startSimulator } = await import('../../sim');
    const { KubeClient } = await import('../../lib/kube/client');
    const { planRecoveryLive } = await import('../../lib/dr/plan');
    const s = await withSecretMount();
    const sim = await startSimulator({ timeScale: 0.02 });
    try {
      const client = KubeClient.connect({ kubeConfig: sim.kubeConfig() });
      const refused = (what: RegExp) => (err: unknown) => err instanceof StarRocksDrError && err.code === 'InvalidSnapshot' && err.field === 'starRocksFeSpec.secrets[0]' && what.test(err.message) && /nothing was applied/.test(err.message);
      const checked = validateForRoute(s, { form: 'restore', namespace: 'default' });
      await assert.rejects(planRecoveryLive(client, checked, { requireSnapshotObject: true }), refused(/Secret\/snap, which neither the values define nor namespace default has/));
      await client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'snap', namespace: 'default' }, data: { other: Buffer.from('x').toString('base64') } }, 'test');
      await assert.rejects(planRecoveryLive(client, checked, { requireSnapshotObject: true }), refused(/which namespace default has, but without the key cluster_snapshot\.yaml/));
      // GitOps (dr wait, synth --dr-phase auto): the engine may apply the Secret along with the form.
      assert.equal((await planRecoveryLive(client, checked)).preflight.source.name, 'snap');
      assert.deepEqual(sim.list('StatefulSet', 'default'), [], 'nothing applied');
    } finally {
      await sim.stop();
    }
  });

  it('offline: a ConfigMap the values define without the mounted key is an error naming the mount', async () => {
    const { referenceDrSpec } = await import('../fixtures');
    const { preflight } = await import('../../lib/dr/preflight');
    const spec = referenceDrSpec();
    const broken = { ...spec, configMaps: (spec.configMaps ?? []).map((c) => (c.name === 'cluster-snapshot' ? { ...c, data: { 'other.yaml': 'x' } } : c)) };
    assert.throws(() => preflight(broken), (err: unknown) => err instanceof StarRocksDrError && /starRocksFeSpec\.configMaps\[0\]/.test(err.message) && /without the key cluster_snapshot\.yaml/.test(err.message));
  });
});

describe('preflight warns where the restored FE metadata could be deleted', () => {
  it('a FE persistentVolumeClaimRetentionPolicy whenDeleted: Delete is a warning naming the field', async () => {
    const { referenceDrSpec } = await import('../fixtures');
    const { preflight } = await import('../../lib/dr/preflight');
    const spec = referenceDrSpec();
    const risky = { ...spec, starRocksFeSpec: { ...spec.starRocksFeSpec, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' as const, whenScaled: 'Retain' as const } } };
    assert.ok(preflight(risky).warnings.some((w) => /persistentVolumeClaimRetentionPolicy/.test(w) && /Fix:/.test(w)));
    assert.ok(!preflight(spec).warnings.some((w) => /persistentVolumeClaimRetentionPolicy/.test(w)));
  });
});
