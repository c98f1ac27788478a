/**
 * `starrocks-dr dr ...` as a user runs it: a separate process against the simulator through a kubeconfig file.
 * Covers a run killed with SIGKILL and resumed, and that S3 keys given as a Secret never reach a ConfigMap,
 * the status record, stdout or stderr.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from '../../sim';
import { BUILTIN_EXAMPLE_VALUES } from '../../lib/model/values';
import { assertFullTopology, recordedStatus, startSim, untilPhase } from './support';

const BIN = join(__dirname, '../../bin/starrocks-dr.js');
const DR_OVERRIDE = join(__dirname, '../../examples/override.yaml');

interface Child {
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill(): void;
}

function cli(args: string[]): Child {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

describe('dr CLI against the simulator', () => {
  let sim: Simulator;
  let dir: string;
  let kubeconfig: string;
  beforeEach(async () => {
    sim = await startSim('real');
    dir = mkdtempSync(join(tmpdir(), 'srdr-cli-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeConfigYaml());
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('a run killed with SIGKILL mid-recovery resumes on rerun with the same startTimestamp', async () => {
    // A short lease: the killed run's lease expires 3 s after its last renewal, not client-go's 15 s.
    const first = cli(['dr', 'run', '-f', BUILTIN_EXAMPLE_VALUES, '-f', DR_OVERRIDE, '--kubeconfig', kubeconfig, '--lease-duration', '3s']);
    await untilPhase(sim, 'doing', 60_000);
    first.kill();
    const killed = await first.done;
    assert.equal(killed.signal, 'SIGKILL');
    const interrupted = recordedStatus(sim)!;
    assert.equal(interrupted.phase, 'doing');

    const second = cli(['dr', 'run', '-f', BUILTIN_EXAMPLE_VALUES, '-f', DR_OVERRIDE, '--kubeconfig', kubeconfig, '--lease-duration', '3s', '-o', 'json']);
    const result = await second.done;
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const final = lines[lines.length - 1];
    assert.equal(final.phase, 'done');
    assert.equal(final.startTimestamp, interrupted.startTimestamp);
    assertFullTopology(sim);

    const status = cli(['dr', 'status', '-f', BUILTIN_EXAMPLE_VALUES, '-f', DR_OVERRIDE, '--kubeconfig', kubeconfig, '-o', 'json']);
    const shown = JSON.parse((await status.done).stdout);
    assert.equal(shown.phase, 'done');
    assert.equal(shown.cluster.feStatefulSet.replicas, 3);
  });

  it('keeps S3 keys given as a Secret out of ConfigMaps, the status record and the output', async () => {
    const ACCESS = 'AKIAEXAMPLEACCESSKEY42';
    const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const snapshot = [
      'cluster_snapshot:',
      '  cluster_snapshot_path: s3://bucket/data/uuid/meta/image/automated_cluster_snapshot_1',
      '  storage_volume_name: builtin_storage_volume',
      'storage_volumes:',
      '  - name: builtin_storage_volume',
      '    type: S3',
      '    location: s3://bucket/data',
      '    properties:',
      '      - key: aws.s3.region',
      '        value: us-east-1',
      '      - key: aws.s3.endpoint',
      '        value: s3.amazonaws.com',
      '      - key: aws.s3.access_key',
      `        value: ${ACCESS}`,
      '      - key: aws.s3.secret_key',
      `        value: ${SECRET}`,
    ].join('\n');
    const values = {
      starrocks: {
        starrocksCluster: { disasterRecovery: { enabled: true, generation: 1 } },
        starrocksFESpec: { secrets: [{ name: 'cluster-snapshot', mountPath: '/opt/starrocks/fe/conf/cluster_snapshot.yaml', subPath: 'cluster_snapshot.yaml' }] },
        secrets: [{ name: 'cluster-snapshot', data: { 'cluster_snapshot.yaml': snapshot } }],
      },
    };
    const secretValues = join(dir, 'secret-override.yaml');
    writeFileSync(secretValues, JSON.stringify(values));
    const run = cli(['dr', 'run', '-f', BUILTIN_EXAMPLE_VALUES, '-f', secretValues, '--kubeconfig', kubeconfig]);
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    for (const text of [result.stdout, result.stderr]) {
      assert.ok(!text.includes(ACCESS) && !text.includes(SECRET), 'no key in the output');
    }
    for (const cm of sim.list('ConfigMap')) {
      const body = JSON.stringify(cm);
      assert.ok(!body.includes(ACCESS) && !body.includes(SECRET), `no key in ConfigMap ${cm.metadata.name}`);
    }
    const secret = sim.get('Secret', 'default', 'cluster-snapshot');
    assert.ok(Buffer.from(secret.data['cluster_snapshot.yaml'], 'base64').toString().includes(SECRET), 'the keys are in the Secret');
    assertFullTopology(sim);
  });

  it('exits 2 with one clear message on bad input, touching nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'starrocks:\n  starrocksFESpec:\n    replica: 3\n');
    const result = await cli(['dr', 'run', '-f', BUILTIN_EXAMPLE_VALUES, '-f', bad, '--kubeconfig', kubeconfig]).done;
    assert.equal(result.code, 2);
    assert.match(result.stderr, /bad\.yaml: starrocks\.starrocksFESpec\.replica.*did you mean `replicas`/);
    assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
    assert.equal(sim.list('StatefulSet').length, 0);
  });

  it('exits 4 naming the server when the cluster is unreachable', async () => {
    const port = sim.port;
    await sim.stop();
    // --timeout bounds the retries of a read-only command (default 15 s).
    const result = await cli(['dr', 'status', '-f', BUILTIN_EXAMPLE_VALUES, '-f', DR_OVERRIDE, '--kubeconfig', kubeconfig, '--timeout', '2s']).done;
    sim = await startSim('real');
    assert.equal(result.code, 4);
    assert.match(result.stderr, new RegExp(`cannot reach the Kubernetes API at http://127\\.0\\.0\\.1:${port}`));
  });
});
