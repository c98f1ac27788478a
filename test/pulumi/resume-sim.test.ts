/** An interrupted `pulumi up`: the provider's process is killed mid-recovery; the next create resumes the run. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { disasterRecoveryProvider as provider } from '../../lib/pulumi/disaster-recovery-provider';
import type { DrOutputs } from '../../lib/pulumi/dr-operations';
import { startSimulator, type Simulator } from '../../sim';
import { drInputs, PROJECT_ROOT } from './fixtures';

const RECORD = 'kube-starrocks-disaster-recovery';

describe('DisasterRecovery provider: kill and rerun', () => {
  let sim: Simulator;
  before(async () => {
    // 500 simulated seconds of restore at 0.02: 10 s real, time enough to kill the first run while it waits.
    sim = await startSimulator({ timeScale: 0.02, feRestoreSeconds: 500 });
  });
  after(async () => sim.stop());

  it('resumes with the same startTimestamp and reaches done', async () => {
    const inputs = drInputs(sim.kubeConfigYaml(), 1);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'run-create.ts'), JSON.stringify(inputs)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    try {
      // Kill it once the restore form is applied and the run is recorded as doing.
      await sim.waitFor(() => sim.get('ConfigMap', 'default', RECORD)?.data?.phase === 'doing', 60_000);
    } finally {
      child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL');
    const interrupted = sim.get('ConfigMap', 'default', RECORD).data;
    assert.equal(interrupted.phase, 'doing');

    const { outs } = await provider.create!(inputs);
    const done = outs as DrOutputs;
    assert.equal(done.phase, 'done');
    assert.equal(done.observedGeneration, 1);
    assert.equal(done.startTimestamp, Number(interrupted.startTimestamp));
    assert.ok(done.endTimestamp! >= done.startTimestamp);
  });
});
