/**
 * Snapshot discovery against a real S3-protocol server on loopback (moto, with IAM enforced: s3-server.ts), with a
 * bucket laid out as StarRocks lays out a storage volume (fixtures.ts): newest first, paging past 1,000 keys, folders
 * at every depth, unfinished folders skipped, the two-cluster-id and none-found errors, the warnings, and the S3
 * errors with their exit codes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { StarRocksDrError } from '../../lib/errors';
import { exitCodeFor } from '../../lib/cli/exit-codes';
import { findSnapshotSource, parseClusterSnapshot, snapshotTextFromSpec } from '../../lib/dr/snapshot';
import { BUILTIN_EXAMPLE_VALUES, loadValuesFiles } from '../../lib/model/values';
import type { StarRocksClusterSpec } from '../../lib/model/types';
import { chooseSnapshot, discoverSnapshots, ofOneCluster, resolveSnapshotChoice, s3Error, S3Lister, snapshotForRecovery, type S3Access } from '../../lib/snapshot';
import { BUCKET, CLUSTER_A, CLUSTER_B, FINISHED, imageKeyCount, image, NEWEST_FINISHED, OLD_SNAPSHOTS, seedVolume, UNFINISHED } from './fixtures';
import { startS3, TEST_KEYS, type TestS3 } from './s3-server';

let s3: TestS3;
before(async () => {
  s3 = await startS3([BUCKET]);
  await seedVolume(s3);
});
after(async () => {
  await s3?.stop();
});

const access = (over: Partial<S3Access> = {}): S3Access => ({
  location: `s3://${BUCKET}/data`,
  endpoint: s3.endpoint,
  region: 'us-east-1',
  pathStyle: true,
  keys: TEST_KEYS,
  source: 'test keys',
  ...over,
});

async function withLister<T>(a: S3Access, fn: (l: S3Lister) => Promise<T>, opts = {}): Promise<T> {
  const lister = new S3Lister(a, opts);
  try {
    return await fn(lister);
  } finally {
    lister.close();
  }
}

function timeOf(name: string): number {
  return Number(name.slice(name.lastIndexOf('_') + 1));
}

/** Rejects with a StarRocksDrError; returns it. */
async function failure(p: Promise<unknown>): Promise<StarRocksDrError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof StarRocksDrError, `expected a StarRocksDrError, got ${String(err)}`);
  return err;
}

describe('listing a storage volume', () => {
  it('pages past 1,000 keys: every object under meta/image comes back, with 1,000-key and 100-key pages alike', async () => {
    const prefix = `${image('data', CLUSTER_A)}/`;
    const full = await withLister(access(), (l) => l.listObjects(BUCKET, prefix));
    assert.ok(imageKeyCount() > 1000);
    assert.equal(full.length, imageKeyCount());
    const small = await withLister(access(), (l) => l.listObjects(BUCKET, prefix), { pageSize: 100 });
    assert.deepEqual(small.map((o) => o.key).sort(), full.map((o) => o.key).sort());
  });

  // ListObjectsV2 with a delimiter rolls up every key that holds the delimiter after the prefix into one
  // CommonPrefixes entry, however deep the key sits; an entry counts as one item against MaxKeys, and results come in
  // ascending key order (AWS S3 API reference, ListObjectsV2: Delimiter, CommonPrefixes, MaxKeys). StarRocks' data
  // files sit several folders below the cluster id, with no object directly under it.
  it('folders are the common prefixes at every depth, in key order, paged like keys', async () => {
    const folders = (prefix: string, pageSize = 1000) => withLister(access(), (l) => l.listFolders(BUCKET, prefix), { pageSize });
    assert.deepEqual(await folders(''), ['data', 'empty', 'partial', 'two']);
    assert.deepEqual(await folders('data/'), [CLUSTER_A]);
    assert.deepEqual(await folders(`data/${CLUSTER_A}/`), ['db10000', 'db10001', 'db10002', 'meta']);
    const snapshotFolders = await folders(`${image('data', CLUSTER_A)}/`);
    assert.equal(snapshotFolders.length, FINISHED.length + 1 + OLD_SNAPSHOTS + 2, 'the snapshot folders and the stray notes/ and v2/');
    assert.deepEqual(snapshotFolders, [...snapshotFolders].sort());
    assert.deepEqual(await folders(`${image('data', CLUSTER_A)}/`, 10), snapshotFolders, '22 pages of 10 folders give the same list');
  });

  it('lists every snapshot folder of the cluster newest first, unfinished ones marked, stray objects ignored', async () => {
    const d = await withLister(access(), (l) => discoverSnapshots(l, access().location));
    assert.deepEqual(d.clusterIds, [CLUSTER_A]);
    assert.equal(d.snapshots.length, FINISHED.length + 1 + OLD_SNAPSHOTS);
    const times = d.snapshots.map((s) => s.timeMs);
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.equal(d.snapshots[0].name, UNFINISHED);
    assert.equal(d.snapshots[0].complete, false);
    assert.deepEqual(d.snapshots[0].missing, ['VERSION', 'v2/checksum.1900', 'starmgr/image.<journal id>']);
    assert.equal(d.snapshots[1].name, NEWEST_FINISHED);
    assert.equal(d.snapshots[1].path, `s3://${BUCKET}/data/${CLUSTER_A}/meta/image/${NEWEST_FINISHED}`);
    assert.equal(d.snapshots[1].time, new Date(timeOf(NEWEST_FINISHED)).toISOString());
    assert.equal(d.snapshots[1].clusterId, CLUSTER_A);
    assert.equal(d.snapshots.filter((s) => !s.complete).length, 1);
  });
});

describe('resolveSnapshotChoice', () => {
  const resolve = (choice: string, over: Partial<S3Access> = {}, extra: { clusterId?: string; now?: number; maxAgeMs?: number } = {}) => {
    const { location, ...credentials } = access(over);
    return resolveSnapshotChoice({ choice, location, credentials, ...extra });
  };

  // The bucket was written when this file started: its objects' LastModified is now, its names are of Feb 2025.
  const HOUR = 3_600_000;
  const NO_AGE_LIMIT = 100_000 * HOUR;

  it('latest is the newest finished snapshot, never the newer unfinished folder, which is a loud warning', async () => {
    const r = await resolve('latest', {}, { now: Date.now() + HOUR, maxAgeMs: NO_AGE_LIMIT });
    assert.equal(r.name, NEWEST_FINISHED);
    assert.equal(r.path, `s3://${BUCKET}/data/${CLUSTER_A}/meta/image/${NEWEST_FINISHED}`);
    assert.equal(r.clusterId, CLUSTER_A);
    assert.equal(r.time, new Date(timeOf(NEWEST_FINISHED)).toISOString());
    assert.equal(r.warnings.length, 1, r.warnings.join('\n'));
    assert.match(r.warnings[0], new RegExp(`unfinished snapshot folder\\(s\\) newer than ${NEWEST_FINISHED}.*may still be running.*corrupt`));
  });

  it('snapshot objects written minutes ago mean the source cluster may still be running', async () => {
    const r = await resolve('latest', {}, { now: Date.now() + 2 * 60_000, maxAgeMs: NO_AGE_LIMIT });
    assert.ok(r.warnings.some((w) => /was written [23] min ago: the source cluster may still be running; two clusters writing one storage volume corrupt it/.test(w)), r.warnings.join('\n'));
  });

  it('warns when the chosen snapshot is older than the threshold the user set', async () => {
    const now = Date.now() + HOUR;
    const ageHours = (now - timeOf(NEWEST_FINISHED)) / HOUR;
    const strict = await resolve('latest', {}, { now, maxAgeMs: Math.floor(ageHours - 1) * HOUR });
    assert.ok(strict.warnings.some((w) => new RegExp(`is ${Math.round(ageHours * 10) / 10} h old \\(older than ${Math.floor(ageHours - 1)} h, --max-age\\)`).test(w)), strict.warnings.join('\n'));
    const lax = await resolve('latest', {}, { now, maxAgeMs: Math.ceil(ageHours + 1) * HOUR });
    assert.ok(!lax.warnings.some((w) => / h old/.test(w)));
  });

  it('takes a snapshot by name or by full path, and refuses an unfinished or unknown one', async () => {
    const byName = await resolve(FINISHED[0]);
    assert.equal(byName.path, `s3://${BUCKET}/data/${CLUSTER_A}/meta/image/${FINISHED[0]}`);
    const byPath = await resolve(`${byName.path}/`);
    assert.equal(byPath.name, FINISHED[0]);
    assert.equal(byPath.clusterId, CLUSTER_A);
    const unfinished = await failure(resolve(UNFINISHED));
    assert.equal(unfinished.code, 'InvalidSnapshot');
    assert.match(unfinished.message, /has not finished writing \(missing VERSION, v2\/checksum\.1900, starmgr\/image\.<journal id>\)/);
    const unknown = await failure(resolve('automated_cluster_snapshot_1600000000000'));
    assert.match(unknown.message, new RegExp(`no snapshot automated_cluster_snapshot_1600000000000 under s3://${BUCKET}/data/${CLUSTER_A}/meta/image/`));
    assert.match(unknown.message, new RegExp(`pick one of: ${NEWEST_FINISHED}`));
    const otherCluster = await failure(resolve(byName.path, {}, { clusterId: CLUSTER_B }));
    assert.match(otherCluster.message, new RegExp(`the path is of cluster ${CLUSTER_A}, not of --cluster-id ${CLUSTER_B}`));
  });

  it('more than one cluster id under the location is an error that lists them; --cluster-id picks one', async () => {
    const err = await failure(resolve('latest', { location: `s3://${BUCKET}/two` }));
    assert.equal(exitCodeFor(err), 2);
    assert.match(err.message, new RegExp(`snapshots of 2 clusters found: ${CLUSTER_B} \\(newest automated_cluster_snapshot_1739870000000, .*\\); ${CLUSTER_A} \\(newest ${FINISHED[0]}`));
    assert.match(err.message, /--cluster-id/);
    const picked = await resolve('latest', { location: `s3://${BUCKET}/two` }, { clusterId: CLUSTER_B });
    assert.equal(picked.path, `s3://${BUCKET}/two/${CLUSTER_B}/meta/image/automated_cluster_snapshot_1739870000000`);
  });

  it('no snapshot under the location is an error that says where it looked', async () => {
    const err = await failure(resolve('latest', { location: `s3://${BUCKET}/empty/` }));
    assert.equal(exitCodeFor(err), 2);
    assert.match(err.message, new RegExp(`no cluster snapshot found under s3://${BUCKET}/empty/<cluster id>/meta/image/automated_cluster_snapshot_<unix ms>/`));
    const none = await failure(resolve('latest', { location: `s3://${BUCKET}/data` }, { clusterId: CLUSTER_B }));
    assert.match(none.message, new RegExp(`under s3://${BUCKET}/data/${CLUSTER_B}/meta/image/.*ids found here: ${CLUSTER_A}`));
  });

  it('a cluster with only unfinished folders has no latest', async () => {
    const err = await failure(resolve('latest', { location: `s3://${BUCKET}/partial` }));
    assert.equal(err.code, 'InvalidSnapshot');
    assert.match(err.message, /has only unfinished snapshot folders/);
  });
});

describe('S3 errors', () => {
  const resolveWith = (over: Partial<S3Access>) => {
    const { location, ...credentials } = access(over);
    return resolveSnapshotChoice({ choice: 'latest', location, credentials, listing: { maxAttempts: 1, connectTimeoutMs: 1000 } });
  };
  const httpStatus = (err: StarRocksDrError) => (err.cause as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const quotesNoKey = (err: StarRocksDrError, keys: { accessKey: string; secretKey: string }) => !err.message.includes(keys.secretKey) && !err.message.includes(keys.accessKey);

  // The refusals come from the server (moto with IAM enforced), with the codes and statuses AWS S3 documents for them
  // (AWS S3 API reference, Error responses: InvalidAccessKeyId 403, SignatureDoesNotMatch 403, AccessDenied 403,
  // NoSuchBucket 404).
  it('keys the store does not know are access denied (exit 2), naming their source and never a key', async () => {
    const keys = { accessKey: 'AKIAUNKNOWN000000000', secretKey: 'not-the-right-secret-4d1c' };
    const err = await failure(resolveWith({ keys, source: 'Secret default/s3-keys' }));
    assert.equal(exitCodeFor(err), 2);
    assert.equal(httpStatus(err), 403);
    assert.match(err.message, /access denied \(InvalidAccessKeyId\) with the credentials from Secret default\/s3-keys/);
    assert.match(err.message, /Fix: check the access\/secret key pair and that it may s3:ListBucket/);
    assert.ok(quotesNoKey(err, keys));
  });

  it('a known key id with the wrong secret is a bad signature (exit 2), never quoting either key', async () => {
    const keys = { accessKey: TEST_KEYS.accessKey, secretKey: 'not-the-right-secret-4d1c' };
    const err = await failure(resolveWith({ keys, source: 'Secret default/s3-keys' }));
    assert.equal(exitCodeFor(err), 2);
    assert.equal(httpStatus(err), 403);
    assert.match(err.message, /access denied \(SignatureDoesNotMatch\) with the credentials from Secret default\/s3-keys\. Fix: check the access\/secret key pair/);
    assert.ok(quotesNoKey(err, keys));
  });

  it('keys that may read objects but not list the bucket are access denied (exit 2), naming the permission', async () => {
    const err = await failure(resolveWith({ keys: s3.cannotListKeys, source: 'Secret default/reader-keys' }));
    assert.equal(exitCodeFor(err), 2);
    assert.equal(httpStatus(err), 403);
    assert.match(err.message, /access denied \(AccessDenied\) with the credentials from Secret default\/reader-keys\. Fix: .*may s3:ListBucket on the bucket/);
    assert.ok(quotesNoKey(err, s3.cannotListKeys));
  });

  it('maps what no server sends: the SDK finding no credentials, and a refusal with the default chain at AWS', () => {
    const a = access({ keys: undefined, endpoint: undefined, region: 'eu-west-1' });
    const denied = s3Error(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), a, 'b');
    assert.equal(exitCodeFor(denied), 2);
    assert.match(denied.message, /^s3:\/\/b at AWS S3 \(region eu-west-1\): access denied \(AccessDenied\) with the credentials from the AWS SDK default chain\. Fix: give credentials that may s3:ListBucket/);
    const noCredentials = s3Error(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), a, 'b');
    assert.match(noCredentials.message, /no S3 credentials found in the AWS SDK default chain\. Fix: set AWS_PROFILE/);
  });

  it('a bucket that does not exist is named, with the fix', async () => {
    const err = await failure(resolveWith({ location: 's3://no-such-volume/data' }));
    assert.equal(exitCodeFor(err), 2);
    assert.equal(httpStatus(err), 404);
    assert.match(err.message, /s3:\/\/no-such-volume at endpoint http:\/\/127\.0\.0\.1:\d+ \(region us-east-1\): no such bucket\. Fix: check the bucket in --location/);
  });

  it('an endpoint nobody listens on is unreachable: exit 4', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const err = await failure(resolveWith({ endpoint: `http://127.0.0.1:${port}` }));
    assert.equal(err.code, 'Unreachable');
    assert.equal(exitCodeFor(err), 4);
    assert.match(err.message, /cannot reach the S3 endpoint \(ECONNREFUSED\)/);
  });
});

describe('choosing with an injected lister', () => {
  it('lists only the location folders and meta/image, never the data files', async () => {
    const prefixes: string[] = [];
    await withLister(access(), async (real) => {
      const counting = {
        listObjects: (b: string, p: string) => (prefixes.push(p), real.listObjects(b, p)),
        listFolders: (b: string, p: string) => (prefixes.push(`${p}(folders)`), real.listFolders(b, p)),
      };
      const r = await chooseSnapshot(counting, { choice: 'latest', location: `s3://${BUCKET}/data` });
      assert.equal(r.name, NEWEST_FINISHED);
      assert.deepEqual(ofOneCluster(await discoverSnapshots(counting, `s3://${BUCKET}/data`)).clusterId, CLUSTER_A);
    });
    assert.deepEqual([...new Set(prefixes)], ['data/(folders)', `data/${CLUSTER_A}/meta/image/`]);
  });
});

describe('snapshotForRecovery (dr run --snapshot, Pulumi clusterSnapshot.path: latest)', () => {
  /** The reference values with the override's storage volume pointed at the test server. */
  function recoverySpec(): StarRocksClusterSpec {
    const dir = mkdtempSync(join(tmpdir(), 'srdr-pin-'));
    try {
      const override = readFileSync(join(__dirname, '../../examples/override.yaml'), 'utf8')
        .replace(/location: s3:\/\/xxx\/data/, `location: s3://${BUCKET}/data`)
        .replace(/key: aws\.s3\.region\n(\s+)value: xxx/, 'key: aws.s3.region\n$1value: us-east-1')
        .replace(/key: aws\.s3\.endpoint\n(\s+)value: xxx/, `key: aws.s3.endpoint\n$1value: ${s3.endpoint}`)
        .replace(/key: aws\.s3\.access_key\n(\s+)value: xxx/, `key: aws.s3.access_key\n$1value: ${TEST_KEYS.accessKey}`)
        .replace(/key: aws\.s3\.secret_key\n(\s+)value: xxx/, `key: aws.s3.secret_key\n$1value: ${TEST_KEYS.secretKey}`);
      writeFileSync(join(dir, 'override.yaml'), override);
      return loadValuesFiles([BUILTIN_EXAMPLE_VALUES, join(dir, 'override.yaml')]).spec;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const pathIn = (spec: StarRocksClusterSpec) => parseClusterSnapshot(snapshotTextFromSpec(spec, findSnapshotSource(spec)!)!, 'spec').clusterSnapshotPath;
  const refusing = { listObjects: () => Promise.reject(new Error('listed')), listFolders: () => Promise.reject(new Error('listed')) };

  it('first run of a generation: lists the values\' storage volume and points the spec at the newest finished snapshot', async () => {
    const r = await snapshotForRecovery(recoverySpec(), { choice: 'latest' });
    assert.equal(r.path, `s3://${BUCKET}/data/${CLUSTER_A}/meta/image/${NEWEST_FINISHED}`);
    assert.equal(r.pinned, false);
    assert.equal(pathIn(r.spec), r.path);
  });

  it('a resumed run or a later pulumi up: the pinned path wins over latest, nothing is listed', async () => {
    const pinned = `s3://${BUCKET}/data/${CLUSTER_A}/meta/image/${FINISHED[0]}`;
    const r = await snapshotForRecovery(recoverySpec(), { choice: 'latest', pinnedPath: pinned, lister: refusing });
    assert.deepEqual([r.path, r.pinned, pathIn(r.spec)], [pinned, true, pinned]);
    assert.match(r.notice!, /pinned in the status record/);
    assert.deepEqual(r.warnings, []);
  });

  it('an explicit path is checked and taken even when another one is pinned (the record guard decides)', async () => {
    const chosen = `s3://${BUCKET}/data/${CLUSTER_A}/meta/image/${FINISHED[1]}`;
    const r = await snapshotForRecovery(recoverySpec(), { choice: chosen, pinnedPath: `s3://${BUCKET}/data/${CLUSTER_A}/meta/image/${FINISHED[0]}` });
    assert.deepEqual([r.path, r.pinned, pathIn(r.spec)], [chosen, false, chosen]);
  });
});
