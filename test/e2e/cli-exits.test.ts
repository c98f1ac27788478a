/**
 * Every `dr` command ends: as a separate process (the shipped bin, compiled JavaScript) against the simulator, on each
 * path - a rerun of a finished generation, `dr wait` and `dr status` on a done cluster, an error, Ctrl-C, a run paused
 * (SIGSTOP) while another finishes. Each must exit by itself within seconds with the documented code; an open watch
 * or timer that kept the process alive is exactly the bug these tests exist for.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from '../../sim';
import { BUILTIN_EXAMPLE_VALUES } from '../../lib/model/values';
import { startCli } from './bin';
import { assertFullTopology, CLUSTER, NS, recordedStatus, recover, recoverySpec, startSim, untilPhase } from './support';

const DR_OVERRIDE = join(__dirname, '../../examples/override.yaml');
/** A process that has not exited by then is hung (each path below needs well under a second of work). */
const HANG_MS = 20_000;
const cli = (args: string[]) => startCli(args, HANG_MS);

describe('dr commands exit on every path', () => {
  let sim: Simulator;
  let kubeconfig: string;
  let common: string[];
  beforeEach(async () => {
    sim = await startSim('real');
    const dir = mkdtempSync(join(tmpdir(), 'srdr-exit-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeConfigYaml());
    common = ['-f', BUILTIN_EXAMPLE_VALUES, '-f', DR_OVERRIDE, '--kubeconfig', kubeconfig];
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('a rerun of a finished generation, dr wait and dr status each exit 0 on their own', async () => {
    // recover() runs without database checks (the record says Verified Skipped): the first `dr run` verifies the
    // rollout it finds (it verifies by default), and nothing else of the recovery is rewritten by any command.
    await recover(sim, recoverySpec(1));
    const withoutVerified = (s: ReturnType<typeof recordedStatus>) => ({ ...s, verifiedTimestamp: undefined, conditions: s!.conditions.filter((c) => c.type !== 'Verified') });
    const before = recordedStatus(sim);
    let verified: ReturnType<typeof recordedStatus>;
    for (const cmd of [['dr', 'run'], ['dr', 'wait'], ['dr', 'status'], ['dr', 'run']]) {
      const exit = await cli([...cmd, ...common, '--timeout', '60s']).done;
      assert.equal(exit.code, 0, `${cmd.join(' ')}: ${exit.stderr}`);
      assert.match(exit.stdout, /phase:\s+done/);
      verified ??= recordedStatus(sim);
    }
    assert.deepEqual(withoutVerified(recordedStatus(sim)), withoutVerified(before), 'the recovery was not rewritten');
    assert.equal(recordedStatus(sim)!.conditions.find((c) => c.type === 'Verified')?.reason, 'AllChecksPassed');
    assert.deepEqual(recordedStatus(sim), verified, 'verified once: later commands rewrote nothing');
  });

  it('dr status shows who holds the lease; a free lease after every run', async () => {
    await recover(sim, recoverySpec(1));
    const exit = await cli(['dr', 'status', ...common, '-o', 'json']).done;
    assert.equal(exit.code, 0);
    assert.equal(JSON.parse(exit.stdout).cluster.leaseHeldBy, null);
  });

  it('an error path (a generation that went down) exits 2 at once', async () => {
    await recover(sim, recoverySpec(2));
    const exit = await cli(['dr', 'run', ...common, '--generation', '1']).done;
    assert.equal(exit.code, 2, exit.stderr);
    assert.match(exit.stderr, /generation 1 is lower than generation 2, recorded in the status record/);
    assert.doesNotMatch(exit.stderr, /\n\s+at /, 'no stack trace');
  });

  it('Ctrl-C (SIGINT) mid-wait exits 130, hands the lease back, and a rerun resumes', async () => {
    const run = cli(['dr', 'run', ...common]);
    await untilPhase(sim, 'doing', HANG_MS);
    run.child.kill('SIGINT');
    const exit = await run.done;
    assert.equal(exit.code, 130, exit.stderr);
    assert.match(exit.stderr, /interrupted/);
    assert.equal(sim.get('Lease', NS, `${CLUSTER}-starrocks-dr`).spec.holderIdentity, undefined, 'the lease was handed back');
    const start = recordedStatus(sim)!.startTimestamp;
    const again = await cli(['dr', 'run', ...common]).done;
    assert.equal(again.code, 0, again.stderr);
    assert.equal(recordedStatus(sim)!.startTimestamp, start);
    assertFullTopology(sim);
  });

  it('a run paused (SIGSTOP) while another takes over and finishes stops acting when it wakes: exit 5, record untouched', async () => {
    const paused = cli(['dr', 'run', ...common, '--lease-duration', '2s']);
    await untilPhase(sim, 'doing', HANG_MS);
    paused.child.kill('SIGSTOP');
    // The other run waits out the paused holder's lease (2 s, on its own clock), then recovers.
    const other = await cli(['dr', 'run', ...common, '--lease-duration', '2s', '-o', 'json']).done;
    assert.equal(other.code, 0, other.stderr);
    assert.match(other.stderr, /lease, held by dr run@/);
    const finished = recordedStatus(sim)!;
    const fe = sim.get('StatefulSet', NS, `${CLUSTER}-fe`);
    paused.child.kill('SIGCONT');
    const woke = await paused.done;
    assert.equal(woke.code, 5, woke.stderr);
    assert.match(woke.stderr, /lost the cluster's lease/);
    assert.deepEqual(recordedStatus(sim), finished, 'the finished record was not rewritten');
    assert.equal(sim.get('StatefulSet', NS, `${CLUSTER}-fe`).metadata.generation, fe.metadata.generation, 'no restore form applied again');
    assertFullTopology(sim);
  });
});

describe('dr status checks its input before it asks the cluster', () => {
  it('a bad -n is exit 2 naming the flag, with no kubeconfig needed', async () => {
    const exit = await cli(['dr', 'status', '-n', 'Bad_Namespace', '--kubeconfig', join(tmpdir(), 'no-such-kubeconfig')]).done;
    assert.equal(exit.code, 2, exit.stderr);
    assert.match(exit.stderr, /-n\/--namespace/);
  });
});
