/**
 * A storage volume bucket as StarRocks lays it out (the seed document's paths), for the discovery tests:
 *
 * - `s3://sr-volume/data/<CLUSTER_A>/meta/image/`: three recent finished snapshots, one newer unfinished one (an
 *   upload cut short), OLD_SNAPSHOTS older finished ones (so the folder holds more than 1,000 keys and the listing
 *   must page), and stray objects (a file directly in meta/image, a folder of another name); data files of the
 *   cluster under `db<id>/...` next to it.
 * - `s3://sr-volume/two/`: snapshots of CLUSTER_A and CLUSTER_B (the two-cluster-id case).
 * - `s3://sr-volume/empty/`: data files only, no snapshot (the none-found case).
 * - `s3://sr-volume/partial/<CLUSTER_C>/`: only an unfinished snapshot.
 */
import { finishedSnapshotFiles, unfinishedSnapshotFiles, type TestS3 } from './s3-server';

export const BUCKET = 'sr-volume';
export const CLUSTER_A = '7351ce6a-f4a4-4937-a876-cb8801085aea';
export const CLUSTER_B = '0c1f9a52-5d7e-4a11-9b3e-2f6a8d4c7e10';
export const CLUSTER_C = 'e2d4b6a8-1c3e-4f5a-8b7c-9d0e1f2a3b4c';

/** Finished snapshots of CLUSTER_A under data/, oldest to newest (times from the seed document). */
export const FINISHED = [1739858235830, 1739864377140, 1739864488333].map((ms) => `automated_cluster_snapshot_${ms}`);
/** Newer than every finished one, and never finished. */
export const UNFINISHED = 'automated_cluster_snapshot_1739864548333';
export const OLD_SNAPSHOTS = 210;
export const NEWEST_FINISHED = FINISHED[FINISHED.length - 1];

export const image = (loc: string, cluster: string) => `${loc}/${cluster}/meta/image`;

export function volumeKeys(): string[] {
  const a = image('data', CLUSTER_A);
  const keys: string[] = [];
  for (const name of FINISHED) keys.push(...finishedSnapshotFiles(`${a}/${name}`));
  keys.push(...unfinishedSnapshotFiles(`${a}/${UNFINISHED}`));
  for (let i = 1; i <= OLD_SNAPSHOTS; i++) keys.push(...finishedSnapshotFiles(`${a}/automated_cluster_snapshot_${1739858235830 - i * 60_000}`, 1000 + i, 100 + i));
  keys.push(`${a}/image.ckpt`, `${a}/notes/readme.txt`, `${a}/v2/image.1776`);
  for (let db = 0; db < 3; db++) for (let f = 0; f < 20; f++) keys.push(`data/${CLUSTER_A}/db1000${db}/10020/10021/data/0000000000${f}_seg.dat`);
  keys.push(...finishedSnapshotFiles(`${image('two', CLUSTER_A)}/${FINISHED[0]}`));
  keys.push(...finishedSnapshotFiles(`${image('two', CLUSTER_B)}/automated_cluster_snapshot_1739870000000`));
  keys.push('empty/other-tool/backup.tar', `empty/${CLUSTER_A}/db10001/10020/data/1_seg.dat`);
  keys.push(...unfinishedSnapshotFiles(`${image('partial', CLUSTER_C)}/automated_cluster_snapshot_1739870000000`));
  return keys;
}

/** Keys directly under CLUSTER_A's meta/image/ (what the listing must page through). */
export function imageKeyCount(): number {
  const prefix = `${image('data', CLUSTER_A)}/`;
  return volumeKeys().filter((k) => k.startsWith(prefix)).length;
}

export async function seedVolume(s3: TestS3): Promise<void> {
  await s3.put(BUCKET, volumeKeys());
}
