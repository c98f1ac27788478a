/**
 * `starrocks-dr snapshot list|latest|file` as processes against the loopback S3 server: newest first across more
 * than 1,000 keys, credentials from each source (a Kubernetes Secret on the simulator, the SDK default chain from
 * the environment, a storage volume's properties in a cluster_snapshot.yaml or in the values), the generated
 * Secret, exit codes, and no S3 secret key in any output but the file written.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseClusterSnapshot } from '../../lib/dr/snapshot';
import { startSimulator, type Simulator } from '../../sim';
import { BUCKET, CLUSTER_A, CLUSTER_B, FINISHED, NEWEST_FINISHED, OLD_SNAPSHOTS, seedVolume, UNFINISHED } from './fixtures';
import { startS3, TEST_KEYS, type TestS3 } from './s3-server';

const ROOT = join(__dirname, '../..');
const BIN = join(ROOT, 'bin/starrocks-dr.js');
const dir = mkdtempSync(join(tmpdir(), 'srdr-snapshot-cli-'));
let s3: TestS3;
let sim: Simulator;
let kubeconfig: string;
/** cluster_snapshot.yaml files of the test volume (data/, two/, empty/) and the reference override pointed at it. */
const VOLUME = join(dir, 'volume.yaml');
const TWO = join(dir, 'two.yaml');
const EMPTY = join(dir, 'empty.yaml');
const OVERRIDE = join(dir, 'override.yaml');
/** Everything the commands printed, checked for the secret key at the end. */
const printed: string[] = [];

before(async () => {
  // Both started at once, each kept as it comes up, so that `after` stops the one that started when the other failed.
  const started = await Promise.allSettled([startS3([BUCKET]).then((s) => (s3 = s)), startSimulator().then((s) => (sim = s))]);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  await seedVolume(s3);
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sim.kubeConfigYaml());
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  sim.seed([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's3-keys', namespace: 'default' }, type: 'Opaque', data: { access_key: b64(TEST_KEYS.accessKey), secret_key: b64(TEST_KEYS.secretKey) } }]);
  writeFileSync(VOLUME, volumeFile());
  writeFileSync(TWO, volumeFile(`s3://${BUCKET}/two`));
  writeFileSync(EMPTY, volumeFile(`s3://${BUCKET}/empty`));
  writeFileSync(OVERRIDE, testOverride());
});
after(async () => {
  await Promise.all([s3?.stop(), sim?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** The environment without the developer's AWS settings, so only what a test passes is used. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  // The TypeScript under test, whether or not build/ was compiled since (npm test compiles it first).
  return { ...env, STARROCKS_DR_FROM_SOURCE: '1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), ...extra };
}

/** Runs the CLI without blocking (the simulator serves from this process). */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      printed.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

const at = () => ['--endpoint', s3.endpoint, '--region', 'us-east-1', '--path-style'];
const data = `s3://${BUCKET}/data`;
const pathOf = (loc: string, cluster: string, name: string) => `s3://${BUCKET}/${loc}/${cluster}/meta/image/${name}`;

/** A cluster_snapshot.yaml whose storage volume points at the test server with the test keys. */
function volumeFile(location = data): string {
  return [
    'cluster_snapshot:',
    '  cluster_snapshot_path: s3://placeholder/x',
    '  storage_volume_name: builtin_storage_volume',
    'storage_volumes:',
    '  - name: builtin_storage_volume',
    '    type: S3',
    `    location: ${location}`,
    '    properties:',
    '      - key: aws.s3.region',
    '        value: us-east-1',
    '      - key: aws.s3.endpoint',
    `        value: ${s3.endpoint}`,
    '      - key: aws.s3.enable_path_style_access',
    '        value: "true"',
    '      - key: aws.s3.access_key',
    `        value: ${TEST_KEYS.accessKey}`,
    '      - key: aws.s3.secret_key',
    `        value: ${TEST_KEYS.secretKey}`,
    '',
  ].join('\n');
}

/** The reference override.yaml with its storage volume pointed at the test server and keys. */
function testOverride(): string {
  const override = readFileSync(join(ROOT, 'examples/override.yaml'), 'utf8')
    .replace(/location: s3:\/\/xxx\/data/, `location: ${data}`)
    .replace(/key: aws\.s3\.region\n(\s+)value: xxx/, 'key: aws.s3.region\n$1value: us-east-1')
    .replace(/key: aws\.s3\.endpoint\n(\s+)value: xxx/, `key: aws.s3.endpoint\n$1value: ${s3.endpoint}`)
    .replace(/key: aws\.s3\.access_key\n(\s+)value: xxx/, `key: aws.s3.access_key\n$1value: ${TEST_KEYS.accessKey}`)
    .replace(/key: aws\.s3\.secret_key\n(\s+)value: xxx/, `key: aws.s3.secret_key\n$1value: ${TEST_KEYS.secretKey}`);
  assert.ok(override.includes(TEST_KEYS.secretKey));
  return override;
}

describe('snapshot list', { concurrency: true }, () => {
  it('keys from a Kubernetes Secret: every folder newest first (past 1,000 keys), unfinished marked, warnings on stderr', async () => {
    const r = await run(['snapshot', 'list', '--location', data, ...at(), '--s3-secret', 'default/s3-keys', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], `Cluster snapshots of cluster ${CLUSTER_A} under ${data}, newest first`);
    assert.match(lines[1], /^NAME\s+TIME\s+STATE\s+PATH$/);
    const rows = lines.slice(2);
    assert.equal(rows.length, FINISHED.length + 1 + OLD_SNAPSHOTS);
    assert.match(rows[0], new RegExp(`^${UNFINISHED}\\s+2025-02-18T07:42:28\\.333Z\\s+unfinished \\(missing VERSION, v2/checksum\\.1900, starmgr/image\\.<journal id>\\)\\s+${pathOf('data', CLUSTER_A, UNFINISHED)}$`));
    assert.match(rows[1], new RegExp(`^${NEWEST_FINISHED}\\s+2025-02-18T07:41:28\\.333Z\\s+finished\\s+${pathOf('data', CLUSTER_A, NEWEST_FINISHED)}$`));
    const times = rows.map((row) => Number(/_(\d+)\s/.exec(row)![1]));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.match(r.stderr, /warning: 1 unfinished snapshot folder\(s\) newer than/);
  });

  it('-o json, keys from the AWS SDK default chain (environment)', async () => {
    const r = await run(['snapshot', 'list', '--location', data, ...at(), '-o', 'json'], { AWS_ACCESS_KEY_ID: TEST_KEYS.accessKey, AWS_SECRET_ACCESS_KEY: TEST_KEYS.secretKey });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.clusterId, CLUSTER_A);
    assert.equal(out.snapshots.length, FINISHED.length + 1 + OLD_SNAPSHOTS);
    assert.deepEqual(Object.keys(out.snapshots[1]).sort(), ['clusterId', 'complete', 'lastModifiedMs', 'missing', 'name', 'path', 'time', 'timeMs']);
    assert.equal(out.snapshots[1].path, pathOf('data', CLUSTER_A, NEWEST_FINISHED));
  });

  it('the default chain really is used: an access key id the store does not know is refused (exit 2)', async () => {
    const r = await run(['snapshot', 'list', '--location', data, ...at()], { AWS_ACCESS_KEY_ID: 'AKIANOTKNOWN00000000', AWS_SECRET_ACCESS_KEY: 'whatever-secret-77' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: s3:\/\/sr-volume at endpoint http:\/\/127\.0\.0\.1:\d+ \(region us-east-1\): access denied \(InvalidAccessKeyId\) with the credentials from the AWS SDK default chain/);
    assert.doesNotMatch(r.stderr, /whatever-secret-77/);
  });

  it('two cluster ids under the location: exit 2 with both ids; --cluster-id picks one', async () => {
    const file = TWO;
    const r = await run(['snapshot', 'list', '--snapshot-file', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`snapshots of 2 clusters found: ${CLUSTER_B} .*; ${CLUSTER_A} .*Fix: pick the cluster to restore with --cluster-id`));
    const picked = await run(['snapshot', 'list', '--snapshot-file', file, '--cluster-id', CLUSTER_A, '-o', 'json']);
    assert.equal(picked.code, 0, picked.stderr);
    assert.deepEqual(JSON.parse(picked.stdout).snapshots.map((s: { name: string }) => s.name), [FINISHED[0]]);
  });

  it('nothing under the location: exit 2, saying where it looked', async () => {
    const file = EMPTY;
    const r = await run(['snapshot', 'list', '--snapshot-file', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no cluster snapshot found under s3:\/\/sr-volume\/empty\/<cluster id>\/meta\/image\/automated_cluster_snapshot_<unix ms>\//);
  });

  it('an endpoint nobody listens on: exit 4 with the fix', async () => {
    const file = VOLUME;
    const r = await run(['snapshot', 'list', '--snapshot-file', file, '--endpoint', 'http://127.0.0.1:9']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /cannot reach the S3 endpoint \(ECONNREFUSED\)\. Fix: check the endpoint/);
  });
});

describe('snapshot latest', { concurrency: true }, () => {
  it('keys from a storage volume\'s properties (a cluster_snapshot.yaml): prints the newest finished path alone', async () => {
    const file = VOLUME;
    const r = await run(['snapshot', 'latest', '--snapshot-file', file, '--max-age', '100000h']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${pathOf('data', CLUSTER_A, NEWEST_FINISHED)}\n`);
    assert.match(r.stderr, /unfinished snapshot folder\(s\) newer than/);
    assert.doesNotMatch(r.stderr, / h old/);
  });

  it('-o json gives path, name, time, cluster id and warnings (the snapshot is older than the default 24 h)', async () => {
    const file = VOLUME;
    const r = await run(['snapshot', 'latest', '--snapshot-file', file, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.path, pathOf('data', CLUSTER_A, NEWEST_FINISHED));
    assert.equal(out.name, NEWEST_FINISHED);
    assert.equal(out.clusterId, CLUSTER_A);
    assert.equal(out.time, '2025-02-18T07:41:28.333Z');
    assert.ok(out.warnings.some((w: string) => /h old \(older than 24 h, --max-age\)/.test(w)));
  });
});

describe('snapshot file', { concurrency: true }, () => {
  it('from values keeping the file in a ConfigMap: writes a Secret (0600) for the newest snapshot and says how to mount it', async () => {
    const values = OVERRIDE;
    const out = join(dir, 'cs.secret.yaml');
    const r = await run(['snapshot', 'file', '-f', join(ROOT, 'examples/starrocks-values.yaml'), '-f', values, '--out', out, '-n', 'starrocks']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${out}: Secret with cluster_snapshot.yaml for ${pathOf('data', CLUSTER_A, NEWEST_FINISHED)} (2025-02-18T07:41:28.333Z), holds S3 keys: keep it out of git\n`);
    assert.match(r.stderr, /warning: the values mount cluster_snapshot\.yaml from ConfigMap cluster-snapshot .*starrocksFESpec\.secrets: \[\{name: cluster-snapshot, mountPath: \/opt\/starrocks\/fe\/conf\/cluster_snapshot\.yaml, subPath: cluster_snapshot\.yaml\}\]/);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const manifest = parse(readFileSync(out, 'utf8'));
    assert.deepEqual([manifest.kind, manifest.metadata.name, manifest.metadata.namespace], ['Secret', 'cluster-snapshot', 'starrocks']);
    const file = manifest.stringData['cluster_snapshot.yaml'] as string;
    const checked = parseClusterSnapshot(file, 'written');
    assert.equal(checked.clusterSnapshotPath, pathOf('data', CLUSTER_A, NEWEST_FINISHED));
    assert.ok(file.includes(TEST_KEYS.secretKey), 'the FE gets the keys the values named');
  });

  it('--snapshot <name> --format plain --fe-credentials default-behavior --out -: the file on stdout, no keys in it', async () => {
    const file = VOLUME;
    const r = await run(['snapshot', 'file', '--snapshot-file', file, '--snapshot', FINISHED[0], '--format', 'plain', '--fe-credentials', 'default-behavior', '--out', '-']);
    assert.equal(r.code, 0, r.stderr);
    const checked = parseClusterSnapshot(r.stdout, 'stdout');
    assert.equal(checked.clusterSnapshotPath, pathOf('data', CLUSTER_A, FINISHED[0]));
    assert.ok(checked.storageVolumePropertyKeys.includes('aws.s3.use_aws_sdk_default_behavior'));
    assert.doesNotMatch(r.stdout, /access_key|secret_key/);
    assert.match(r.stderr, /^\(stdout\): cluster_snapshot\.yaml for /);
  });

  it('an unfinished snapshot is refused (exit 2) and nothing is written', async () => {
    const file = VOLUME;
    const out = join(dir, 'never.yaml');
    const r = await run(['snapshot', 'file', '--snapshot-file', file, '--snapshot', UNFINISHED, '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has not finished writing/);
    assert.throws(() => statSync(out));
  });
});

describe('synth --snapshot', { concurrency: true }, () => {
  it('--dr-phase restore --snapshot latest writes the newest finished path into the snapshot file and prints it', async () => {
    const out = join(dir, 'synth');
    const r = await run(['synth', '-f', join(ROOT, 'examples/starrocks-values.yaml'), '-f', OVERRIDE, '--dr-phase', 'restore', '--snapshot', 'latest', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const newest = pathOf('data', CLUSTER_A, NEWEST_FINISHED);
    assert.match(r.stderr, new RegExp(`notice: --snapshot latest: ${newest} \\(2025-02-18T07:41:28\\.333Z, cluster ${CLUSTER_A}\\); to reproduce this, pass --snapshot ${newest}`));
    const docs = readFileSync(join(out, 'kube-starrocks.k8s.yaml'), 'utf8').split(/^---$/m).map((d) => parse(d));
    const cm = docs.find((d) => d?.kind === 'ConfigMap' && d.metadata.name === 'cluster-snapshot');
    assert.equal(parseClusterSnapshot(cm.data['cluster_snapshot.yaml'], 'synth').clusterSnapshotPath, newest);
    assert.ok(docs.some((d) => d?.kind === 'StatefulSet' && JSON.stringify(d).includes('RESTORE_CLUSTER_SNAPSHOT')));
  });

  it('--snapshot <path> is taken as given (after checking it is finished), with no advice to pin', async () => {
    const chosen = pathOf('data', CLUSTER_A, FINISHED[1]);
    const r = await run(['synth', '-f', join(ROOT, 'examples/starrocks-values.yaml'), '-f', OVERRIDE, '--dr-phase', 'restore', '--snapshot', chosen, '-o', join(dir, 'synth2')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`notice: --snapshot ${chosen}: ${chosen} \\(`));
    assert.doesNotMatch(r.stderr, /to reproduce this/);
  });
});

describe('the CLI', () => {
  it('loads neither the AWS SDK nor the discovery code unless a snapshot command runs', () => {
    const probe = "require('./lib/cli/main'); const k = Object.keys(require.cache); console.log(JSON.stringify([k.some((f) => f.includes('@aws-sdk')), k.some((f) => f.includes('lib/snapshot'))]))";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [false, false]);
  });

  it('printed no S3 secret key anywhere (stdout, stderr, errors) in this file\'s runs', () => {
    assert.ok(printed.length >= 20);
    for (const text of printed) assert.ok(!text.includes(TEST_KEYS.secretKey), text);
  });
});
