/**
 * Where the simulated FE writes its cluster snapshots: the S3 store of the storage volume (in tests, s3rver on
 * loopback), with the volume's own properties (endpoint, region, keys, path style). Only endpoints on this machine
 * are written to: the simulator never sends traffic elsewhere, whatever the values say (a job then fails with why).
 *
 * The files are those a finished snapshot holds (lib/snapshot/layout.ts has the StarRocks sources): `v2/image.<fe
 * journal>`, `ROLE`, then `v2/checksum.<fe journal>`, `VERSION` and `starmgr/image.<starmgr journal>`; written in
 * that order, so a folder cut short looks unfinished, as a real upload cut short does.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { endpointUrl } from '../../lib/snapshot/s3';
import { parseS3Location, keyPrefix } from '../../lib/snapshot/location';
import type { VolumeEntry } from './meta';

export function snapshotFiles(feJournalId: number, starMgrJournalId: number, clusterId: number): [string, string][] {
  return [
    [`v2/image.${feJournalId}`, 'simulated FE image'],
    ['ROLE', 'role=LEADER\n'],
    [`v2/checksum.${feJournalId}`, '0'],
    ['VERSION', `clusterId=${clusterId}\nrunMode=shared_data\n`],
    [`starmgr/image.${starMgrJournalId}`, 'simulated StarMgr image'],
  ];
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** A client for the volume, or why not. */
function clientFor(volume: VolumeEntry): { client: S3Client } | { problem: string } {
  const p = volume.params;
  const endpoint = p['aws.s3.endpoint'];
  if (!endpoint) return { problem: 'the storage volume has no aws.s3.endpoint (the simulator writes only to an S3 store on this machine)' };
  const url = endpointUrl(endpoint, (p['aws.s3.enable_ssl'] ?? 'true').toLowerCase() !== 'false');
  if (!isLoopback(url)) return { problem: `the simulator writes snapshots only to an S3 endpoint on 127.0.0.1, not ${endpoint}` };
  const { S3Client: Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const keys = p['aws.s3.access_key'] && p['aws.s3.secret_key'] ? { accessKeyId: p['aws.s3.access_key'], secretAccessKey: p['aws.s3.secret_key'] } : undefined;
  return {
    client: new Client({
      endpoint: url,
      region: p['aws.s3.region'] || 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 2,
      ...(keys ? { credentials: keys } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  };
}

/** Uploads one snapshot folder; rejects with the cause (as ClusterSnapshotJob reports it). */
export async function uploadSnapshot(volume: VolumeEntry, clusterUuid: string, name: string, files: [string, string][]): Promise<void> {
  const c = clientFor(volume);
  if ('problem' in c) throw new Error(c.problem);
  const { PutObjectCommand } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const loc = parseS3Location(volume.location, 'location');
  try {
    for (const [rel, body] of files) {
      await c.client.send(new PutObjectCommand({ Bucket: loc.bucket, Key: `${keyPrefix(loc.prefix)}${clusterUuid}/meta/image/${name}/${rel}`, Body: body }));
    }
  } finally {
    c.client.destroy();
  }
}

/** Deletes one snapshot folder (ClusterSnapshotUtils.clearClusterSnapshotFromRemote). */
export async function deleteSnapshot(volume: VolumeEntry, clusterUuid: string, name: string, files: [string, string][]): Promise<void> {
  const c = clientFor(volume);
  if ('problem' in c) throw new Error(c.problem);
  const { DeleteObjectCommand } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const loc = parseS3Location(volume.location, 'location');
  try {
    for (const [rel] of files) await c.client.send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: `${keyPrefix(loc.prefix)}${clusterUuid}/meta/image/${name}/${rel}` }));
  } finally {
    c.client.destroy();
  }
}
