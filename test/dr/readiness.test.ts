import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feReadiness, isRestoreForm } from '../../lib/dr/readiness';
import { fePod, feSts } from './fixtures';

// Cases of the operator's TestCheckFEReadyInDisasterRecovery (fe_disaster_recovery_test.go), then ours.
describe('feReadiness', () => {
  const sts = feSts({ restoreGeneration: 1 });
  const table: Array<{ name: string; pods: ReturnType<typeof fePod>[]; ready: boolean; reason: string }> = [
    { name: 'operator: there is no fe instance', pods: [], ready: false, reason: 'NoPods' },
    { name: 'operator: there is no container status', pods: [fePod({ generationEnv: '1', noStatus: true })], ready: false, reason: 'Restoring' },
    { name: 'operator: container is not ready', pods: [fePod({ generationEnv: '1', ready: false })], ready: false, reason: 'Restoring' },
    { name: 'operator: RESTORE_CLUSTER_GENERATION differs from the generation', pods: [fePod({ generationEnv: '2', ready: true })], ready: false, reason: 'OldGeneration' },
    { name: 'operator: generation matches and container ready', pods: [fePod({ generationEnv: '1', ready: true })], ready: true, reason: 'Ready' },
    {
      name: 'ours: another env whose VALUE equals the generation does not count (operator bug)',
      pods: [fePod({ extraEnv: [{ name: 'LOG_CONSOLE', value: '1' }], ready: true })],
      ready: false,
      reason: 'OldGeneration',
    },
    { name: 'ours: a pod of the previous revision is not taken as ready', pods: [fePod({ generationEnv: '1', ready: true, revision: 'kube-starrocks-fe-rev1' })], ready: false, reason: 'OldRevision' },
    { name: 'ours: the waiting reason is surfaced', pods: [fePod({ generationEnv: '1', waitingReason: 'CrashLoopBackOff', restartCount: 4 })], ready: false, reason: 'CrashLoopBackOff' },
    { name: 'ours: a terminating pod is ignored', pods: [fePod({ generationEnv: '1', ready: true, terminating: true })], ready: false, reason: 'NoPods' },
  ];
  for (const row of table) {
    it(row.name, () => {
      const r = feReadiness(sts, row.pods, 1);
      assert.equal(r.ready, row.ready);
      assert.equal(r.reason, row.reason);
    });
  }

  it('ours: a stale StatefulSet status (observedGeneration < generation) is never ready', () => {
    const stale = feSts({ restoreGeneration: 1, generation: 3, observedGeneration: 2 });
    const r = feReadiness(stale, [fePod({ generationEnv: '1', ready: true })], 1);
    assert.deepEqual([r.ready, r.reason], [false, 'StaleStatus']);
  });

  it('ours: the crashloop message names the pod, the reason and the restarts', () => {
    const r = feReadiness(sts, [fePod({ generationEnv: '1', waitingReason: 'CrashLoopBackOff', restartCount: 4 })], 1);
    assert.match(r.message, /kube-starrocks-fe-0.*CrashLoopBackOff.*4 restarts/);
  });

  it('isRestoreForm looks for the restore env by name', () => {
    assert.equal(isRestoreForm(feSts({ restoreGeneration: 1 })), true);
    assert.equal(isRestoreForm(feSts({ extraEnv: [{ name: 'LOG_CONSOLE', value: '1' }] })), false);
    assert.equal(isRestoreForm(undefined), false);
  });
});
