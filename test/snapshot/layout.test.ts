/** Which snapshot folders are finished (both shapes StarRocks leaves), names, paths and locations. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StarRocksDrError } from '../../lib/errors';
import { missingFiles, parseS3Location, parseSnapshotPath, snapshotFolders, snapshotTimeMs, snapshotWarnings, type ClusterSnapshot } from '../../lib/snapshot';
import { finishedSnapshotFiles, unfinishedSnapshotFiles } from './s3-server';

const files = (keys: string[], folder: string) => new Set(keys.map((k) => k.slice(folder.length + 1)));

describe('a finished snapshot folder', () => {
  it('has VERSION, the FE image with its checksum and the StarMgr image (as the uploader writes them)', () => {
    assert.deepEqual(missingFiles(files(finishedSnapshotFiles('s'), 's')), []);
  });

  it('an upload cut short lacks VERSION, the checksum of its image and the StarMgr image', () => {
    assert.deepEqual(missingFiles(files(unfinishedSnapshotFiles('s', 42), 's')), ['VERSION', 'v2/checksum.42', 'starmgr/image.<journal id>']);
  });

  it('the checksum must be of the newest v2 image (the one the FE loads)', () => {
    const f = new Set(['VERSION', 'v2/image.10', 'v2/checksum.10', 'v2/image.20', 'starmgr/image.5']);
    assert.deepEqual(missingFiles(f), ['v2/checksum.20']);
  });

  it('a v1 image at the top (older FE image format) counts; image.ckpt (still being written) does not', () => {
    assert.deepEqual(missingFiles(new Set(['VERSION', 'image.100', 'starmgr/image.7'])), []);
    assert.deepEqual(missingFiles(new Set(['VERSION', 'image.ckpt', 'starmgr/image.7'])), ['v2/image.<journal id>']);
    assert.deepEqual(missingFiles(new Set(['VERSION', 'v2/image.100', 'v2/checksum.100', 'starmgr/image.ckpt'])), ['starmgr/image.<journal id>']);
  });

  it('an empty folder marker lacks everything', () => {
    const [folder] = snapshotFolders([{ key: 'automated_cluster_snapshot_1/' }]);
    assert.equal(folder.complete, false);
    assert.equal(folder.missing.length, 3);
  });
});

describe('snapshot folders of a listing', () => {
  it('groups by folder, newest first by the millisecond suffix, ignoring other names', () => {
    const keys = [
      ...finishedSnapshotFiles('automated_cluster_snapshot_1739858235830'),
      ...unfinishedSnapshotFiles('automated_cluster_snapshot_1739864548333'),
      ...finishedSnapshotFiles('automated_cluster_snapshot_1739864488333'),
      ...finishedSnapshotFiles('manual_backup_1'),
      'image.ckpt',
      'v2/image.5',
    ].map((key) => ({ key, lastModifiedMs: 1 }));
    const folders = snapshotFolders(keys);
    assert.deepEqual(
      folders.map((f) => [f.name, f.timeMs, f.complete]),
      [
        ['automated_cluster_snapshot_1739864548333', 1739864548333, false],
        ['automated_cluster_snapshot_1739864488333', 1739864488333, true],
        ['automated_cluster_snapshot_1739858235830', 1739858235830, true],
      ],
    );
  });
});

describe('names, paths, locations', () => {
  it('reads the time from the automated snapshot name only', () => {
    assert.equal(snapshotTimeMs('automated_cluster_snapshot_1739864488333'), 1739864488333);
    assert.equal(snapshotTimeMs('automated_cluster_snapshot_'), undefined);
    assert.equal(snapshotTimeMs('automated_cluster_snapshot_17x'), undefined);
    assert.equal(snapshotTimeMs('my_snapshot'), undefined);
  });

  it('splits a STORAGE_PATH into volume location, cluster id and name', () => {
    const p = parseSnapshotPath('s3://xxx/data/7351ce6a-f4a4-4937-a876-cb8801085aea/meta/image/automated_cluster_snapshot_1739864488333/');
    assert.deepEqual(p, {
      volume: { bucket: 'xxx', prefix: 'data' },
      clusterId: '7351ce6a-f4a4-4937-a876-cb8801085aea',
      name: 'automated_cluster_snapshot_1739864488333',
      path: 's3://xxx/data/7351ce6a-f4a4-4937-a876-cb8801085aea/meta/image/automated_cluster_snapshot_1739864488333',
    });
    assert.equal(parseSnapshotPath('s3://xxx/c1/meta/image/automated_cluster_snapshot_1')?.volume.prefix, '');
    assert.equal(parseSnapshotPath('s3://xxx/data/c1/meta/image/other'), undefined);
  });

  it('takes s3://bucket[/prefix] locations and names the flag when given something else', () => {
    assert.deepEqual(parseS3Location('s3://b/data/', '--location'), { bucket: 'b', prefix: 'data' });
    assert.deepEqual(parseS3Location('s3://b', '--location'), { bucket: 'b', prefix: '' });
    assert.throws(() => parseS3Location('https://b/data', '--location'), (e: unknown) => e instanceof StarRocksDrError && /^--location: must be an s3:\/\/ location/.test(e.message));
  });
});

describe('warnings', () => {
  const snap = (timeMs: number, complete = true): ClusterSnapshot => ({
    name: `automated_cluster_snapshot_${timeMs}`,
    timeMs,
    time: new Date(timeMs).toISOString(),
    path: `s3://b/d/c/meta/image/automated_cluster_snapshot_${timeMs}`,
    clusterId: 'c',
    complete,
    missing: complete ? [] : ['VERSION'],
  });
  const t = 1_700_000_000_000;

  it('none for a finished snapshot of a stopped cluster, within the age threshold', () => {
    assert.deepEqual(snapshotWarnings(snap(t), [snap(t)], { now: t + 30 * 60_000 }), []);
  });

  it('a snapshot within the fresh window means the source cluster may still be running', () => {
    const [w] = snapshotWarnings(snap(t), [snap(t)], { now: t + 60_000, freshMs: 5 * 60_000 });
    assert.match(w, /written 1 min ago: the source cluster may still be running; two clusters writing one storage volume corrupt it/);
  });

  it('an old name whose folder was written recently (a long upload) is fresh too', () => {
    const late = { ...snap(t), lastModifiedMs: t + 20 * 60_000 };
    assert.equal(snapshotWarnings(late, [late], { now: t + 22 * 60_000 }).length, 1);
    assert.equal(snapshotWarnings(snap(t), [snap(t)], { now: t + 22 * 60_000 }).length, 0);
  });

  it('older than the threshold', () => {
    const [w] = snapshotWarnings(snap(t), [snap(t)], { now: t + 30 * 3_600_000, maxAgeMs: 24 * 3_600_000 });
    assert.match(w, /is 30 h old \(older than 24 h, --max-age\)/);
  });
});
