/**
 * A real S3-protocol server (s3rver) on loopback for the discovery tests, with a bucket laid out as StarRocks lays
 * out a storage volume: `<prefix>/<cluster id>/meta/image/automated_cluster_snapshot_<ms>/...` next to data files.
 * The server runs in a child process (s3rver-child.js). Objects are put through the AWS SDK (checksums only when required: s3rver predates the SDK's default CRCs).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** Keys the server accepts besides its built-in S3RVER/S3RVER pair; the secret is distinctive so tests can grep for it. */
export const TEST_KEYS = { accessKey: 'AKIADISCOVERYTEST01', secretKey: 'sr-dr-test-SECRET-9f3b7c1e5a' } as const;

export interface TestS3 {
  readonly endpoint: string;
  readonly port: number;
  put(bucket: string, keys: readonly string[], concurrency?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startS3(buckets: readonly string[]): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', join(__dirname, 's3rver-child.js'), directory, ...buckets], {
    env: { ...process.env, S3_TEST_KEYS: `${TEST_KEYS.accessKey}:${TEST_KEYS.secretKey}` },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: TEST_KEYS.accessKey, secretAccessKey: TEST_KEYS.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    port,
    async put(bucket, keys, concurrency = 16) {
      let next = 0;
      const worker = async () => {
        while (next < keys.length) {
          const key = keys[next++];
          await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key.endsWith('/VERSION') ? 'clusterId=1\nrunMode=shared_data\n' : 'x' }));
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    },
    async stop() {
      client.destroy();
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The files of a snapshot StarRocks finished writing (see lib/snapshot/layout.ts for the source). */
export function finishedSnapshotFiles(folder: string, feJournal = 1776, starMgrJournal = 126): string[] {
  return [`${folder}/v2/image.${feJournal}`, `${folder}/v2/checksum.${feJournal}`, `${folder}/ROLE`, `${folder}/VERSION`, `${folder}/starmgr/image.${starMgrJournal}`];
}

/** A snapshot cut short during upload: the FE image is there, its checksum, VERSION and the StarMgr image are not. */
export function unfinishedSnapshotFiles(folder: string, feJournal = 1900): string[] {
  return [`${folder}/v2/image.${feJournal}`, `${folder}/ROLE`];
}
