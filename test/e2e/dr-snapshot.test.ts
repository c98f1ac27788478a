/**
 * `dr run --snapshot latest` against a real S3-protocol server on loopback (moto, test/snapshot/s3-server.ts) and
 * the simulator: the newest finished snapshot is resolved once, mounted, and pinned in the status record; a rerun
 * after a newer snapshot appeared keeps the pinned path (snapshots are taken every minute).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_EXAMPLE_VALUES } from '../../lib/model/values';
import { statusRecordName } from '../../lib/render/names';
import type { Simulator } from '../../sim';
import { finishedSnapshotFiles, startS3, TEST_KEYS, type TestS3 } from '../snapshot/s3-server';
import { runCli } from './bin';
import { CLUSTER, NS, startSim } from './support';

const BUCKET = 'srdr-dr';
const CLUSTER_ID = '7351ce6a-f4a4-4937-a876-cb8801085aea';
const folder = (ms: number) => `data/${CLUSTER_ID}/meta/image/automated_cluster_snapshot_${ms}`;
const pathOf = (ms: number) => `s3://${BUCKET}/${folder(ms)}`;

function override(endpoint: string): string {
  return `starrocks:
  starrocksCluster:
    disasterRecovery: {enabled: true, generation: 1}
  starrocksFESpec:
    configMaps:
      - {name: cluster-snapshot, mountPath: /opt/starrocks/fe/conf/cluster_snapshot.yaml, subPath: cluster_snapshot.yaml}
  configMaps:
    - name: cluster-snapshot
      data:
        cluster_snapshot.yaml: |
          cluster_snapshot:
              cluster_snapshot_path: s3://${BUCKET}/to-be-chosen
              storage_volume_name: builtin_storage_volume
          storage_volumes:
            - name: builtin_storage_volume
              type: S3
              location: s3://${BUCKET}/data
              properties:
                - {key: aws.s3.region, value: us-east-1}
                - {key: aws.s3.endpoint, value: "${endpoint}"}
                - {key: aws.s3.enable_path_style_access, value: "true"}
                - {key: aws.s3.access_key, value: ${TEST_KEYS.accessKey}}
                - {key: aws.s3.secret_key, value: ${TEST_KEYS.secretKey}}
`;
}

const cli = (args: string[]) => runCli(args);

describe('dr run --snapshot latest', () => {
  let s3: TestS3;
  let sim: Simulator;
  let args: string[];
  const now = Date.now();
  const older = now - 60 * 60_000;
  const newest = now - 30 * 60_000;

  before(async () => {
    s3 = await startS3([BUCKET]);
    await s3.put(BUCKET, [...finishedSnapshotFiles(folder(older)), ...finishedSnapshotFiles(folder(newest)), `data/${CLUSTER_ID}/db10001/data/0001.dat`]);
    sim = await startSim('real');
    const dir = mkdtempSync(join(tmpdir(), 'srdr-drsnap-'));
    writeFileSync(join(dir, 'override.yaml'), override(s3.endpoint));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeConfigYaml());
    args = ['dr', 'run', '-f', BUILTIN_EXAMPLE_VALUES, '-f', join(dir, 'override.yaml'), '--kubeconfig', join(dir, 'kubeconfig'), '--timeout', '60s', '--snapshot', 'latest'];
  });
  after(async () => {
    await sim?.stop();
    await s3?.stop();
  });

  it('restores the newest finished snapshot, mounts its path and pins it in the record', async () => {
    const run = await cli(args);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`--snapshot latest: ${pathOf(newest)}`));
    const record = sim.get('ConfigMap', NS, statusRecordName(CLUSTER));
    assert.equal(record.data.phase, 'done');
    assert.equal(record.data.snapshotPath, pathOf(newest));
    const mounted = parse(sim.get('ConfigMap', NS, 'cluster-snapshot').data['cluster_snapshot.yaml']);
    assert.equal(mounted.cluster_snapshot.cluster_snapshot_path, pathOf(newest));
    assert.ok(!(run.stdout + run.stderr).includes(TEST_KEYS.secretKey), 'the S3 secret key is never printed');
  });

  it('a rerun after a newer snapshot appeared keeps the pinned path and restores nothing again', async () => {
    const before = sim.get('ConfigMap', NS, statusRecordName(CLUSTER)).data;
    await s3.put(BUCKET, finishedSnapshotFiles(folder(now - 10 * 60_000)));
    const rerun = await cli(args);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stderr, new RegExp(`--snapshot latest: ${pathOf(newest)}, pinned in the status record when this generation's recovery started`));
    assert.deepEqual(sim.get('ConfigMap', NS, statusRecordName(CLUSTER)).data, before);
    const mounted = parse(sim.get('ConfigMap', NS, 'cluster-snapshot').data['cluster_snapshot.yaml']);
    assert.equal(mounted.cluster_snapshot.cluster_snapshot_path, pathOf(newest));
  });

  it('synth --dr-phase auto --snapshot latest writes the pinned path too (GitOps), not the newer snapshot', async () => {
    const out = mkdtempSync(join(tmpdir(), 'srdr-drsnap-out-'));
    const synth = await cli(['synth', ...args.slice(2, args.indexOf('--timeout')), '--dr-phase', 'auto', '--snapshot', 'latest', '-o', out, '--layout', 'objects']);
    assert.equal(synth.code, 0, synth.stderr);
    assert.match(synth.stderr, /pinned in the status record/);
    const file = parse(readFileSync(join(out, CLUSTER, 'ConfigMap.cluster-snapshot.k8s.yaml'), 'utf8'));
    assert.equal(parse(file.data['cluster_snapshot.yaml']).cluster_snapshot.cluster_snapshot_path, pathOf(newest));
  });
});
