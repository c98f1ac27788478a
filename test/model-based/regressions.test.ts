/**
 * Sequences the model-based test (recovery-model.ts) shrank to, kept as they failed: each runs through the same
 * model and its invariants, and checks the outcome that was wrong.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StarRocksDrError } from '../../lib/errors';
import { Advance, GitOpsApply, Pause, setup, settle, StartRun, type Real } from './recovery-model';

async function replay(cmds: fc.AsyncCommand<{ generation: number; started: number }, Real>[]): Promise<Real> {
  const real = await setup();
  try {
    await fc.asyncModelRun(() => ({ model: { generation: 1, started: 0 }, real }), cmds);
    await settle(real);
    return real;
  } finally {
    real.stopWatching();
    await real.sim.stop();
  }
}

describe('model-based test: shrunk counterexamples', () => {
  it('[GitOpsApply(restore), Advance(20s), StartRun(apply, 16s)]: the full form cannot remove fields the GitOps engine owns; the error names it, not a phantom rewriter', async () => {
    // Seed 7, path 153. Before: "the full form did not stick after 3 applies ... something else is rewriting the FE
    // StatefulSet" (exit 5 with no one rewriting): argocd-controller owned the restore env it had applied, and
    // server-side apply keeps a field while any manager owns it.
    const real = await replay([new GitOpsApply('restore'), new Advance(20), new StartRun('apply', 0, 16)]);
    assert.deepEqual(real.violations, []);
    const result = real.runs[0].result!;
    assert.ok('error' in result);
    const err = result.error as StarRocksDrError;
    assert.equal(err.code, 'Contended');
    assert.match(err.message, /field manager argocd-controller applied the restore form and still owns its fields/);
    assert.doesNotMatch(err.message, /did not stick/);
  });

  it('[StartRun(apply, 15s), Pause(run#0, 19s), StartRun(apply, 20s)]: the run that takes the lease over and finds the FE Ready records done with its identity', async () => {
    // Found with the defect-1 fix reverted (seed 7): I1 "record version N is done without feMetaPvcUids".
    const real = await replay([new StartRun('apply', 0, 15), new Pause(0, 19), new StartRun('apply', 0, 20)]);
    assert.deepEqual(real.violations, []);
    const done = real.versions.filter((v) => v.data.phase === 'done');
    assert.ok(done.length > 0, 'the second run recorded done');
    for (const v of done) assert.ok(Object.keys(JSON.parse(v.data.feMetaPvcUids ?? '{}')).length > 0, `version ${v.rv} names its PVCs`);
  });
});
