import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explainWithEvents, feReadiness, isRestoreForm, restoreStartedAt } from '../../lib/dr/readiness';
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

describe('explainWithEvents: why the FE pod does not start', () => {
  const sts = feSts({ restoreGeneration: 1 });
  const warning = (kind: string, name: string, reason: string, message: string, uid?: string, at = '2026-01-01T00:00:10Z') => ({
    type: 'Warning',
    reason,
    message,
    involvedObject: { kind, name, ...(uid ? { uid } : {}) },
    lastTimestamp: at as unknown as Date,
  });
  it('a pod waiting in ContainerCreating gets the newest FailedMount of that pod as its reason; events of an earlier pod of the name do not count', () => {
    const base = fePod({ generationEnv: '1', waitingReason: 'ContainerCreating' });
    const uid = 'the-pod-now';
    const pod = { ...base, metadata: { ...base.metadata, uid } };
    const events = [
      warning('Pod', 'kube-starrocks-fe-0', 'FailedMount', 'configmap "old" not found', 'an-earlier-pod'),
      warning('Pod', 'kube-starrocks-fe-0', 'FailedMount', 'MountVolume.SetUp failed for volume "x" : configmap "fe-extra" not found', uid),
      warning('Pod', 'kube-starrocks-fe-0', 'Unhealthy', 'Readiness probe failed', uid, '2026-01-01T00:00:20Z'),
    ];
    const r = explainWithEvents(feReadiness(sts, [pod], 1), events as never);
    assert.equal(r.reason, 'FailedMount');
    assert.match(r.message, /ContainerCreating; FailedMount: .*configmap "fe-extra" not found/);
    assert.doesNotMatch(r.message, /"old"|Readiness probe/);
  });
  it('no pod at all: the StatefulSet\'s FailedCreate says why (a template the API server refuses)', () => {
    const events = [warning('StatefulSet', 'kube-starrocks-fe', 'FailedCreate', 'Pod "kube-starrocks-fe-0" is invalid: spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type')];
    const r = explainWithEvents(feReadiness(sts, [], 1), events as never, 'kube-starrocks-fe');
    assert.equal(r.reason, 'FailedCreate');
    assert.match(r.message, /no FE pod .* exists yet; FailedCreate: .*more than 1 handler type/);
  });
});

describe('restoreStartedAt: when the restore began, as the cluster shows it', () => {
  it('the earliest live FE pod of the generation\'s restore form, in unix seconds; none without the restore form', () => {
    const sts = feSts({ restoreGeneration: 1, replicas: 1 });
    const a = fePod({ generationEnv: '1' });
    const pods = [{ ...a, metadata: { ...a.metadata, creationTimestamp: '2026-01-01T00:00:07Z' as unknown as Date } }];
    assert.equal(restoreStartedAt(sts, pods, 1), Date.parse('2026-01-01T00:00:07Z') / 1000);
    assert.equal(restoreStartedAt(sts, pods, 2), undefined, 'another generation');
    assert.equal(restoreStartedAt(feSts({}), pods, 1), undefined, 'not the restore form');
  });
});
