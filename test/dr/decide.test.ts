import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type DecideInput } from '../../lib/dr/decide';
import { DrReason, type DisasterRecoveryStatus } from '../../lib/dr/status';
import { fePod, feSts } from './fixtures';

const NOW = new Date('2026-11-26T10:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const status = (s: Partial<DisasterRecoveryStatus>): DisasterRecoveryStatus => ({
  phase: 'todo',
  reason: '',
  observedGeneration: 1,
  startTimestamp: 1_700_000_000,
  conditions: [],
  ...s,
});
const input = (i: Partial<DecideInput>): DecideInput => ({ generation: 1, snapshotMounted: true, fePods: [], now: NOW, ...i });

// The operator's ShouldEnterDisasterRecoveryMode / EnterDisasterRecoveryMode cases, then ours.
describe('decide', () => {
  it('operator: no status yet -> todo with startTimestamp now, restore form applied next', () => {
    const d = decide(input({ feStatefulSet: feSts() }));
    assert.equal(d.status.phase, 'todo');
    assert.equal(d.status.startTimestamp, NOW_S);
    assert.equal(d.status.observedGeneration, 1);
    assert.equal(d.action, 'applyRestore');
  });

  it('operator: generation above observedGeneration starts a new recovery', () => {
    const d = decide(input({ generation: 2, recorded: status({ phase: 'done', observedGeneration: 1, endTimestamp: 1_700_000_100 }), feStatefulSet: feSts() }));
    assert.deepEqual([d.status.phase, d.status.observedGeneration, d.status.startTimestamp, d.status.endTimestamp], ['todo', 2, NOW_S, undefined]);
    assert.equal(d.action, 'applyRestore');
  });

  it('operator: generation equal and phase done -> nothing to do (full form in place)', () => {
    const recorded = status({ phase: 'done', reason: DrReason.DONE, endTimestamp: 1_700_000_100 });
    const d = decide(input({ recorded, feStatefulSet: feSts() }));
    assert.equal(d.action, 'none');
    assert.equal(d.status.startTimestamp, recorded.startTimestamp);
    assert.equal(d.status.endTimestamp, recorded.endTimestamp);
  });

  it('operator: todo and snapshot not mounted -> stays todo with the operator reason and an error', () => {
    const d = decide(input({ snapshotMounted: false, feStatefulSet: undefined }));
    assert.equal(d.status.phase, 'todo');
    assert.equal(d.status.reason, 'cluster_snapshot.yaml is not mounted');
    assert.equal(d.action, 'none');
    assert.equal(d.error?.code, 'InvalidSnapshot');
  });

  it('operator: todo with the restore form applied -> doing, "has changed to pod template"', () => {
    const d = decide(input({ recorded: status({ phase: 'todo' }), feStatefulSet: feSts({ restoreGeneration: 1 }) }));
    assert.equal(d.status.phase, 'doing');
    assert.equal(d.status.reason, 'has changed to pod template for disaster recovery');
    assert.equal(d.action, 'wait');
  });

  it('operator: doing and FE not ready -> "disaster recovery is in progress"', () => {
    const d = decide(input({ recorded: status({ phase: 'doing' }), feStatefulSet: feSts({ restoreGeneration: 1 }), fePods: [fePod({ generationEnv: '1' })] }));
    assert.equal(d.status.phase, 'doing');
    assert.equal(d.status.reason, 'disaster recovery is in progress');
    assert.equal(d.action, 'wait');
  });

  it('operator: doing and FE ready -> done with endTimestamp now, then the full form', () => {
    const d = decide(input({ recorded: status({ phase: 'doing' }), feStatefulSet: feSts({ restoreGeneration: 1 }), fePods: [fePod({ generationEnv: '1', ready: true })] }));
    assert.deepEqual([d.status.phase, d.status.reason, d.status.endTimestamp], ['done', 'disaster recovery is done', NOW_S]);
    assert.equal(d.status.startTimestamp, 1_700_000_000);
    assert.equal(d.action, 'applyFull');
  });

  it('operator: doing but the restore form was replaced -> re-apply it (operator rewrites on every reconcile)', () => {
    const d = decide(input({ recorded: status({ phase: 'doing' }), feStatefulSet: feSts() }));
    assert.equal(d.action, 'applyRestore');
  });

  it('ours: a lower generation is refused with the fix, status unchanged', () => {
    const recorded = status({ phase: 'done', observedGeneration: 3 });
    const d = decide(input({ generation: 2, recorded, feStatefulSet: feSts() }));
    assert.equal(d.error?.code, 'GenerationWentDown');
    assert.match(d.error!.message, /disasterRecovery\.generation.*lower.*3.*Fix: set disasterRecovery\.generation to 3.*or to 4/);
    assert.equal(d.status, recorded);
  });

  it('ours: done but FE still in restore form (run killed before the full apply) -> apply the full form', () => {
    const d = decide(input({ recorded: status({ phase: 'done', endTimestamp: 1 }), feStatefulSet: feSts({ restoreGeneration: 1 }) }));
    assert.equal(d.action, 'applyFull');
    assert.equal(d.status.conditions.find((c) => c.type === 'FullTopologyApplied')?.status, 'False');
  });

  it('ours: restore form of an older generation does not count as applied', () => {
    const d = decide(input({ generation: 2, recorded: status({ phase: 'todo', observedGeneration: 2 }), feStatefulSet: feSts({ restoreGeneration: 1 }) }));
    assert.equal(d.action, 'applyRestore');
  });

  it('ours: an old-generation pod that is Ready keeps the recovery waiting', () => {
    const d = decide(input({ generation: 2, recorded: status({ phase: 'doing', observedGeneration: 2 }), feStatefulSet: feSts({ restoreGeneration: 2 }), fePods: [fePod({ generationEnv: '1', ready: true })] }));
    assert.equal(d.status.phase, 'doing');
    assert.equal(d.status.conditions.find((c) => c.type === 'FeRestored')?.reason, 'OldGeneration');
  });

  it('ours: the stuck cause is recorded as a condition, with a transition time that only moves on change', () => {
    const sts = feSts({ restoreGeneration: 1 });
    const first = decide(input({ recorded: status({ phase: 'doing' }), feStatefulSet: sts, fePods: [fePod({ generationEnv: '1', waitingReason: 'CrashLoopBackOff' })] }));
    const cond = first.status.conditions.find((c) => c.type === 'FeRestored')!;
    assert.deepEqual([cond.status, cond.reason], ['False', 'CrashLoopBackOff']);
    const later = new Date(NOW.getTime() + 60_000);
    const second = decide(input({ recorded: first.status, feStatefulSet: sts, fePods: [fePod({ generationEnv: '1' })], now: later }));
    assert.equal(second.status.conditions.find((c) => c.type === 'FeRestored')!.lastTransitionTime, cond.lastTransitionTime);
  });

  it('ours: a rerun of the same generation in todo keeps startTimestamp', () => {
    const recorded = status({ phase: 'todo', startTimestamp: 1_700_000_000 });
    const d = decide(input({ recorded, feStatefulSet: feSts() }));
    assert.equal(d.status.startTimestamp, 1_700_000_000);
  });
});
