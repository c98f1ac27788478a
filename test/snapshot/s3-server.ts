/**
 * A real S3-protocol server on loopback for the S3 tests: moto's server (PyPI, pinned in tools/moto/requirements.txt,
 * installed by `node tools/moto/install.js`, which `npm test` runs) in a child process (moto-server.py), with IAM
 * authentication on, so unknown keys, wrong secrets and missing permissions are refused as S3 refuses them. Buckets
 * are laid out as StarRocks lays out a storage volume: `<prefix>/<cluster id>/meta/image/automated_cluster_snapshot_<ms>/...`
 * next to data files. Where moto differs from AWS S3 is in test/snapshot/README.md.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const moto = require('../../tools/moto/moto.js') as { motoPython(): string | undefined; motoDir(): string; motoVersion(): string };

export interface S3Keys {
  readonly accessKey: string;
  readonly secretKey: string;
}

let lastStarted: S3Keys | undefined;

/**
 * The keys of the server this process started last (moto's IAM makes them up: an `AKIA...` id and a 40-character
 * secret, distinctive enough to grep output for). Read them once startS3() has resolved.
 */
export const TEST_KEYS: S3Keys = {
  get accessKey() {
    return startedKeys().accessKey;
  },
  get secretKey() {
    return startedKeys().secretKey;
  },
};

function startedKeys(): S3Keys {
  if (!lastStarted) throw new Error('TEST_KEYS read before startS3() resolved: the keys are made by the server it starts');
  return lastStarted;
}

export interface TestS3 {
  readonly endpoint: string;
  readonly port: number;
  /** Keys of an IAM user that may list, read, write and delete objects in every bucket (what TEST_KEYS reads). */
  readonly keys: S3Keys;
  /** Keys of an IAM user that may read objects but not list a bucket (no s3:ListBucket). */
  readonly cannotListKeys: S3Keys;
  put(bucket: string, keys: readonly string[], concurrency?: number): Promise<void>;
  stop(): Promise<void>;
}

/** How long moto may take to come up (it imports Flask, boto3 and its S3 and IAM services: about 1.5 s). */
const START_TIMEOUT_MS = 60_000;

export async function startS3(buckets: readonly string[]): Promise<TestS3> {
  const python = moto.motoPython();
  if (!python) {
    throw new Error(`moto ${moto.motoVersion()} (the S3 tests' server) is not installed in ${moto.motoDir()}: run \`node tools/moto/install.js\` (npm test and .ci/run do)`);
  }
  // The developer's AWS settings and moto switches stay out: the server decides its own keys and authentication.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|MOTO_|INITIAL_NO_AUTH_ACTION_COUNT$)/.test(k)) env[k] = v;
  const child = spawn(python, [join(__dirname, 'moto-server.py'), ...buckets], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const ready = await new Promise<{ port: number; keys: S3Keys; cannotListKeys: S3Keys }>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(`did not come up within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`moto's S3 server (${python} test/snapshot/moto-server.py) ${why}${err ? `:\n${err.trim()}` : ''}`));
    }
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out));
      } catch {
        fail(`printed ${JSON.stringify(out)}, not its port and keys`);
      }
    });
    child.once('error', (e) => fail(`did not start (${e.message})`));
    child.once('exit', (code, signal) => fail(`exited with ${code ?? signal}`));
  });
  child.removeAllListeners('exit');
  child.stderr.removeAllListeners('data');
  child.stderr.pipe(process.stderr);
  lastStarted = ready.keys;

  const endpoint = `http://127.0.0.1:${ready.port}`;
  // As lib/snapshot/s3.ts: the pinned SDK supports Node 20; its notice about later releases is noise in test output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ready.keys.accessKey, secretAccessKey: ready.keys.secretKey },
  });
  return {
    endpoint,
    port: ready.port,
    keys: ready.keys,
    cannotListKeys: ready.cannotListKeys,
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
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
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
