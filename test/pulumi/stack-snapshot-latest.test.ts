/**
 * `pulumi config set --path clusterSnapshot.path latest`: the stack program (under mocks) resolves the newest
 * finished snapshot on a real S3-protocol server on loopback (moto) while the generation has no record, and uses
 * the path pinned in the status record once the recovery has started - never a newer snapshot. The resolved path
 * is a stack output; the keys stay secret.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { resolveOutput, setupPulumiMocks } from '../support/pulumi';
import { statusToConfigMap } from '../../lib/dr/status-record';
import { startSimulator, type Simulator } from '../../sim';
import { starRocksStack } from '../../stacks/starrocks';
import { finishedSnapshotFiles, startS3, TEST_KEYS, type TestS3 } from '../snapshot/s3-server';
import { PROJECT_ROOT, VALUES } from './fixtures';

const BUCKET = 'srdr-pulumi';
const CLUSTER_ID = '11111111-2222-3333-4444-555555555555';
const folder = (ms: number) => `data/${CLUSTER_ID}/meta/image/automated_cluster_snapshot_${ms}`;
const pathOf = (ms: number) => `s3://${BUCKET}/${folder(ms)}`;

describe('clusterSnapshot.path: latest in stack config', () => {
  let s3: TestS3;
  let sim: Simulator;
  let kubeconfig: string;
  const older = Date.now() - 2 * 3_600_000;
  const newer = Date.now() - 3_600_000;

  before(async () => {
    s3 = await startS3([BUCKET]);
    await s3.put(BUCKET, [...finishedSnapshotFiles(folder(older)), ...finishedSnapshotFiles(folder(newer))]);
    sim = await startSimulator({ timeScale: 0.02 });
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'srdr-pulumi-latest-')), 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeConfigYaml());
  });
  after(async () => {
    await sim?.stop();
    await s3?.stop();
  });

  async function runStack() {
    const mocks = await setupPulumiMocks({
      project: 'starrocks-dr',
      config: {
        valuesFiles: VALUES,
        drGeneration: '1',
        clusterSnapshot: JSON.stringify({ path: 'latest', location: `s3://${BUCKET}/data`, region: 'us-east-1', endpoint: s3.endpoint, pathStyle: true }),
        s3AccessKey: TEST_KEYS.accessKey,
        s3SecretKey: TEST_KEYS.secretKey,
        'kubernetes:kubeconfig': kubeconfig,
      },
      secretConfigKeys: ['s3AccessKey', 's3SecretKey'],
    });
    const outputs = starRocksStack(PROJECT_ROOT);
    const path = await resolveOutput(outputs.snapshotPath!);
    const file = await resolveOutput(outputs.clusterSnapshotFile!);
    await mocks.settled();
    return { path, file };
  }

  it('with no record of the generation, resolves the newest finished snapshot into the secret file and the outputs', async () => {
    const { path, file } = await runStack();
    assert.equal(path.value, pathOf(newer));
    assert.equal(path.secret, false, 'the path is a plain output');
    assert.equal(file.secret, true, 'the file (with the keys) stays secret');
    assert.equal(parse(file.value as string).cluster_snapshot.cluster_snapshot_path, pathOf(newer));
  });

  it('once the recovery of the generation recorded its snapshot, every later run uses that path', async () => {
    // The record as the DR resource leaves it after its first write (it pinned the older path).
    const record = statusToConfigMap('kube-starrocks', 'default', { phase: 'doing', reason: '', observedGeneration: 1, startTimestamp: 1, conditions: [] }, { feMetaPvcUids: {}, snapshotPath: pathOf(older) });
    sim.seed([record]);
    const { path, file } = await runStack();
    assert.equal(path.value, pathOf(older), 'the pinned path, not the newest');
    assert.equal(parse(file.value as string).cluster_snapshot.cluster_snapshot_path, pathOf(older));
  });
});
