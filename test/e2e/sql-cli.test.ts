/**
 * The SQL commands of the shipped CLI against the simulator's StarRocks, as a user runs them (separate processes, so
 * the simulator runs on scaled wall-clock time): `dr verify` after a recovery, with the user's checks, and the
 * refusal of a statement that is not read-only before anything is sent; `snapshot status|enable|jobs|disable` with
 * snapshots written into a real S3 server (s3rver), checked with our S3 listing (lib/snapshot).
 * Statements and answers follow StarRocks fe-core: ClusterSnapshotAnalyzer ("Automated snapshot has been turn on"),
 * ClusterSnapshotMgr.setAutomatedSnapshotOff (clears the finished snapshots), ClusterSnapshotJobsTable.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KObject } from '../../lib/kube/client';
import { BUILTIN_EXAMPLE_DR_OVERRIDE, BUILTIN_EXAMPLE_VALUES, loadValuesFiles } from '../../lib/model/values';
import { renderCluster } from '../../lib/render/cluster';
import type { Simulator } from '../../sim';
import { S3Lister, discoverSnapshots } from '../../lib/snapshot';
import { startS3, TEST_KEYS, type TestS3 } from '../snapshot/s3-server';
import { runCli } from './bin';
import { clientFor, NS, startSim } from './support';

const ready = (p: any) => (p?.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');

async function kubeconfigFile(sim: Simulator): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'srdr-sqlcli-'));
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeConfigYaml());
  return join(dir, 'kubeconfig');
}

describe('dr verify (CLI) after a recovery on the simulator', () => {
  let sim: Simulator;
  let kubeconfig: string;
  before(async () => {
    sim = await startSim('real');
    kubeconfig = await kubeconfigFile(sim);
    const run = await runCli(['dr', 'run', '-f', BUILTIN_EXAMPLE_VALUES, '-f', BUILTIN_EXAMPLE_DR_OVERRIDE, '--kubeconfig', kubeconfig, '--timeout', '60s']);
    assert.equal(run.code, 0, run.stderr);
  });
  after(async () => {
    await sim?.stop();
  });

  it('every check passes, in a table and as JSON, with the user\'s check', async () => {
    const text = await runCli(['dr', 'verify', '--kubeconfig', kubeconfig, '--verify-sql', 'SELECT COUNT(*) FROM quickstart.source_wiki_edit', '--expect', '3']);
    assert.equal(text.code, 0, text.stderr);
    for (const check of ['fe-answers', 'one-leader', 'storage-volume', 'compute-nodes', 'restored-snapshot-job', 'user-check']) assert.match(text.stdout, new RegExp(`^${check} .* ok$`, 'm'));
    assert.match(text.stdout, /^verified$/m);
    const json = await runCli(['dr', 'verify', '--kubeconfig', kubeconfig, '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.passed, true);
    assert.equal(report.target, `pod ${NS}/kube-starrocks-fe-0 port 9030`);
  });

  it('a check that fails exits 6 with the table and one error line', async () => {
    const r = await runCli(['dr', 'verify', '--kubeconfig', kubeconfig, '--verify-sql', 'SELECT COUNT(*) FROM quickstart.source_wiki_edit', '--expect', '4']);
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stdout, /^user-check .* 4 +3 +FAILED$/m);
    assert.match(r.stderr, /^error: cluster kube-starrocks in default: 1 of 6 checks failed: user-check SELECT COUNT\(\*\) FROM quickstart\.source_wiki_edit \(3\)\. Fix: /);
  });

  it("an FE that cannot be reached is exit 4 (unreachable, README's table), not a failed check: the API server's 500 on port-forward, as a real kube-apiserver answers when the node's kubelet serves none (test/cluster/port-forward-rbac.test.ts)", async () => {
    sim.faults.failNext(1000, { status: 500, resource: 'pods/portforward' });
    try {
      const r = await runCli(['dr', 'verify', '--kubeconfig', kubeconfig]);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /^error: FE pod default\/kube-starrocks-fe-0 port 9030: the FE did not answer: .*answered 500: the API server could not open the forward through the kubelet of the pod's node/m);
    } finally {
      sim.faults.clear();
    }
  });

  it('a --verify-sql that is not one read-only statement is refused (exit 2) before any request', async () => {
    sim.resetRequestCounts();
    for (const sql of ['DELETE FROM quickstart.source_wiki_edit', 'SELECT 1; DROP DATABASE quickstart', "SELECT * FROM t INTO OUTFILE 's3://x'", 'SELECT 1 /* hidden */']) {
      const r = await runCli(['dr', 'verify', '--kubeconfig', kubeconfig, '--verify-sql', sql, '--expect', '1']);
      assert.equal(r.code, 2, `${sql}: ${r.stderr}`);
      assert.match(r.stderr, /--verify-sql\[0\]: --verify-sql ".*" is refused: /);
    }
    assert.deepEqual(sim.requestCounts(), {}, 'nothing was sent');
  });
});

describe('snapshot enable|jobs|status|disable (CLI) with snapshots in S3', () => {
  let sim: Simulator;
  let s3: TestS3;
  let dir: string;
  before(async () => {
    s3 = await startS3(['sr-volume']);
    sim = await startSim('real');
    dir = mkdtempSync(join(tmpdir(), 'srdr-snapcli-'));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeConfigYaml());
    // The reference values, with the builtin storage volume in the test S3 store.
    const values = readFileSync(BUILTIN_EXAMPLE_VALUES, 'utf8')
      .replace(/aws_s3_path = .*/, 'aws_s3_path = sr-volume/data')
      .replace(/aws_s3_region = .*/, 'aws_s3_region = us-east-1')
      .replace(/aws_s3_endpoint = .*/, `aws_s3_endpoint = ${s3.endpoint}`)
      .replace(/aws_s3_access_key = .*/, `aws_s3_access_key = ${TEST_KEYS.accessKey}`)
      .replace(/aws_s3_secret_key = .*/, `aws_s3_secret_key = ${TEST_KEYS.secretKey}`);
    writeFileSync(join(dir, 'values.yaml'), values);
    const { spec } = loadValuesFiles([join(dir, 'values.yaml')]);
    const client = clientFor(sim);
    for (const o of renderCluster(spec, { namespace: NS })) await client.apply(o as KObject, 'test');
    await sim.waitFor(() => ['kube-starrocks-fe-0', 'kube-starrocks-cn-0'].every((p) => ready(sim.get('Pod', NS, p))), 60_000);
  });
  after(async () => {
    await sim?.stop();
    await s3?.stop();
  });
  const cli = (...args: string[]) => runCli(['snapshot', ...args, '-f', join(dir, 'values.yaml'), '--kubeconfig', join(dir, 'kubeconfig')]);
  const folders = async () => {
    const lister = new S3Lister({ location: 's3://sr-volume/data', endpoint: s3.endpoint, region: 'us-east-1', pathStyle: true, keys: TEST_KEYS, source: 'test' });
    try {
      return (await discoverSnapshots(lister, 's3://sr-volume/data')).snapshots;
    } finally {
      lister.close();
    }
  };

  it('not recoverable before snapshots are on; enable writes finished snapshot folders; status agrees with the store; disable needs --yes and clears them', async () => {
    const before = await cli('status');
    assert.equal(before.code, 6, before.stderr);
    assert.match(before.stdout, /^Recoverable now: NO$/m);
    assert.match(before.stdout, /why not: no cluster snapshot job ran/);

    const on = await cli('enable', '--interval', '2m');
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /^Automated cluster snapshots on, storage volume builtin_storage_volume; a snapshot every 120s/m);
    assert.match(on.stderr, /not persisted/);
    const again = await cli('enable');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already on/);

    // The first job starts a simulated second after ON and takes two: well within a real second at time scale 0.02.
    let jobs: any[] = [];
    for (let i = 0; i < 40 && !jobs.some((j) => j.state === 'FINISHED'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      const out = await cli('jobs', '-o', 'json');
      assert.equal(out.code, 0, out.stderr);
      jobs = JSON.parse(out.stdout).jobs;
    }
    const finished = jobs.find((j) => j.state === 'FINISHED');
    assert.ok(finished, JSON.stringify(jobs));
    const inStore = (await folders()).find((f) => f.name === finished.name);
    assert.ok(inStore?.complete, 'the snapshot folder is in S3 and finished');

    const status = await cli('status', '-o', 'json');
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout);
    assert.equal(s.recoverable, true);
    assert.deepEqual({ checked: s.store.checked, found: s.store.found, complete: s.store.complete }, { checked: true, found: true, complete: true });
    assert.equal(s.allowedAgeMs, 240_000, 'twice the interval');

    const refused = await cli('disable');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /deletes every finished automated snapshot.*Fix: .*--yes/);
    const off = await cli('disable', '--yes');
    assert.equal(off.code, 0, off.stderr);
    let left = await folders();
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      left = await folders();
    }
    assert.deepEqual(left.map((f) => f.name), [], 'ADMIN SET AUTOMATED CLUSTER SNAPSHOT OFF cleared the finished snapshots');
  });
});
