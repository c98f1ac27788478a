/**
 * What a new user meets on the command line, as a separate process (the shipped bin) against the simulator: no
 * kubeconfig, a namespace that does not exist, a rerun of a finished generation, a resumed run's clock, `dr status`
 * after the recovery, `-o json` errors, `--version`, a second Ctrl-C while a renewal is in flight.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../sim';
import { BUILTIN_EXAMPLE_VALUES } from '../../lib/model/values';
import { runCli, startCli } from './bin';
import { CLUSTER, NS, recordedStatus, recover, recoverySpec, startSim, untilPhase } from './support';

const DR_OVERRIDE = join(__dirname, '../../examples/override.yaml');
const HANG_MS = 30_000;

describe('without a kubeconfig', () => {
  const bare = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'srdr-home-')), ...extra };
    delete env.KUBERNETES_SERVICE_HOST;
    if (!('KUBECONFIG' in extra)) delete env.KUBECONFIG;
    return env;
  };

  it('none anywhere: exit 2 at once, naming where it looked (not retries against localhost:8080)', async () => {
    const r = await runCli(['dr', 'status'], HANG_MS, bare());
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no kubeconfig found \(looked at --kubeconfig, \$KUBECONFIG, ~\/\.kube\/config\)/);
    assert.doesNotMatch(r.stderr, /localhost:8080|HTTP protocol/);
    assert.ok(r.ms < 5_000, `answered in ${r.ms} ms`);
  });

  it('$KUBECONFIG naming a missing file: the error names $KUBECONFIG and the file', async () => {
    const r = await runCli(['dr', 'run'], HANG_MS, bare({ KUBECONFIG: '/nonexistent/kubeconfig' }));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\$KUBECONFIG: \$KUBECONFIG names \/nonexistent\/kubeconfig, which does not exist/);
    assert.doesNotMatch(r.stderr, /--kubeconfig \(default\)/);
  });
});

describe('starrocks-dr --version', () => {
  it('prints the package version', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), (require('../../package.json') as { version: string }).version);
  });
});

describe('dr commands against the simulator: what a new user reads', () => {
  let sim: Simulator;
  let common: string[];
  beforeEach(async (t) => {
    // Runs that are interrupted need a restore that lasts: 600 simulated seconds are 12 s at this scale.
    sim = /Ctrl-C|resumed/.test(t.name) ? await startSimulator({ timeScale: 0.02, feRestoreSeconds: 600, feStartupSeconds: 2, backendStartupSeconds: 2 }) : await startSim('real');
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'srdr-friction-')), 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeConfigYaml());
    common = ['-f', BUILTIN_EXAMPLE_VALUES, '-f', DR_OVERRIDE, '--kubeconfig', kubeconfig];
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('a namespace that does not exist: exit 2 saying `kubectl create namespace`; dr status names the namespace', async () => {
    const run = await runCli(['dr', 'run', ...common, '-n', 'nosuch', '--timeout', '60s'], HANG_MS);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /namespace nosuch does not exist.*kubectl create namespace nosuch/);
    const status = await runCli(['dr', 'status', ...common, '-n', 'nosuch'], HANG_MS);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /none recorded in namespace nosuch/);
  });

  it('after done: a rerun says nothing is restored again; dr status describes the running cluster', async () => {
    await recover(sim, recoverySpec(1));
    const rerun = await runCli(['dr', 'run', ...common, '--timeout', '60s'], HANG_MS);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stderr, /notice: generation 1 was restored at .*: nothing is restored again/);
    // The values' operator section is a notice here as in synth, not a warning.
    assert.match(rerun.stderr, /notice: .*operator values are ignored/);
    assert.doesNotMatch(rerun.stderr, /warning: .*operator values are ignored/);
    const status = await runCli(['dr', 'status', ...common], HANG_MS);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`${CLUSTER}-fe: 3/3 ready`));
    assert.match(status.stdout, new RegExp(`${CLUSTER}-cn: \\d+/\\d+ ready`));
    assert.match(status.stdout, /restored from: s3:\/\//);
    assert.match(status.stdout, /lease: free/);
    assert.doesNotMatch(status.stdout, /carries no restore generation/);
  });

  it('-o json: NDJSON on stdout, and an error is the last JSON object, with its exit code', async () => {
    await recover(sim, recoverySpec(2));
    const r = await runCli(['dr', 'run', ...common, '--generation', '1', '-o', 'json'], HANG_MS);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = lines.at(-1) as { error: { code: string; exitCode: number; field: string; fix: string } };
    assert.equal(last.error.code, 'GenerationWentDown');
    assert.equal(last.error.exitCode, 2);
    assert.equal(last.error.field, 'disasterRecovery.generation');
    assert.match(last.error.fix, /generation/);
  });

  it('a resumed run counts the recovery from the recorded start, not from 0', async () => {
    const first = startCli(['dr', 'run', ...common], HANG_MS);
    await untilPhase(sim, 'doing', HANG_MS);
    await new Promise((r) => setTimeout(r, 2_500));
    first.child.kill('SIGINT');
    assert.equal((await first.done).code, 130);
    const again = await runCli(['dr', 'run', ...common], HANG_MS);
    assert.equal(again.code, 0, again.stderr);
    const counter = /\[doing (\d+)s\] doing:/.exec(again.stderr);
    assert.ok(counter, again.stderr);
    assert.ok(Number(counter[1]) >= 2, `the counter goes on from the record: ${counter[0]}`);
  });

  it('a second Ctrl-C while a renewal is in flight says so, hands the lease back within its bound and exits 130', async () => {
    const run = startCli(['dr', 'run', ...common], HANG_MS);
    await untilPhase(sim, 'doing', HANG_MS);
    // The next lease renewal gets no answer for 20 s (a slow API server): it is in flight at the two interrupts.
    sim.faults.stall(20_000, { verb: 'PUT', resource: 'leases', n: 1 });
    await new Promise((r) => setTimeout(r, 2_500));
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    run.child.kill('SIGINT');
    const exit = await run.done;
    assert.equal(exit.code, 130, exit.stderr);
    assert.match(exit.stderr, /interrupted again: exiting now, handing the cluster's lease back first \(at most 2s\)/);
    assert.ok(exit.ms < 15_000, `exited in ${exit.ms} ms, not after the stalled renewal`);
    assert.equal(sim.get('Lease', NS, `${CLUSTER}-starrocks-dr`).spec.holderIdentity, undefined, 'the lease was handed back');
    assert.equal(recordedStatus(sim)!.phase, 'doing');
  });
});
