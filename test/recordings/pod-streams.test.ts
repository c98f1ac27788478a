/**
 * Real-cluster pod event streams (pulumi-kubernetes v4.32.0, provider/pkg/await/checker/internal/workflows/
 * kubernetes/pod/*.json, vendored with their license) replayed through lib/dr/readiness.ts: the waiting reason we
 * report for each snapshot. Three reasons were wrong when the recordings came in (an unschedulable pod and a
 * terminated container read as "starting", a pod whose Ready condition is False read as Ready): the last tests.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflows, reasonSequence, replay } from './replay';

/** The reasons we report, stream by stream (consecutive repeats folded), read off the recordings' container states. */
const EXPECTED: Record<string, string[]> = {
  added: ['Restoring'],
  containerTerminatedError: ['Restoring', 'ContainerCreating', 'RunContainerError'],
  containerTerminatedSuccess: ['Restoring', 'ContainerCreating', 'Completed', 'CrashLoopBackOff'],
  containerTerminatedSuccessRestartNever: ['Restoring', 'ContainerCreating', 'Completed'],
  crashLoopBackoff: ['CrashLoopBackOff'],
  crashLoopBackoffWithFallbackToLogsOnError: ['CrashLoopBackOff'],
  createSuccess: ['Restoring', 'ContainerCreating', 'Ready'],
  imagePullError: ['Restoring', 'ContainerCreating', 'ErrImagePull', 'ImagePullBackOff'],
  // The first pod is deleted (deletionTimestamp set) and a new one created: in between no live pod.
  imagePullErrorResolved: ['ImagePullBackOff', 'ErrImagePull', 'NoPods', 'Restoring', 'ContainerCreating', 'Ready'],
  scheduled: ['Restoring'],
  // The recording's status names container `app`, its spec `nginx`: no status for the container we look at.
  unavailable: ['Restoring'],
  unready: ['Restoring', 'ContainerCreating'],
  // The first snapshot has no conditions yet (the scheduler has not looked at it).
  unscheduled: ['Restoring', 'Unschedulable'],
};

describe('recordings: pod streams from real clusters through feReadiness', () => {
  const workflows = loadWorkflows();

  it('every vendored stream has an expectation', () => {
    assert.deepEqual([...workflows.keys()], Object.keys(EXPECTED).sort());
  });

  for (const [name, pods] of workflows) {
    it(`${name}: ${pods.length} snapshot(s) read as ${EXPECTED[name]?.join(' -> ')}`, (t) => {
      const readings = replay(pods);
      t.diagnostic(`${name}: ${readings.map((r) => r.reason).join(', ')}`);
      assert.deepEqual(reasonSequence(readings), EXPECTED[name]);
      pods.forEach((pod, i) => {
        const status = pod.status?.containerStatuses?.find((c) => c.name === pod.spec!.containers[0].name);
        const waiting = status?.state?.waiting?.reason;
        if (pod.metadata?.deletionTimestamp) assert.equal(readings[i].reason, 'NoPods', `snapshot ${i}: a deleted pod does not count`);
        else if (waiting) assert.equal(readings[i].reason, waiting, `snapshot ${i}: the recorded waiting reason is reported as is`);
        if (readings[i].ready) {
          assert.equal(status?.ready, true, `snapshot ${i}: Ready only with a ready container`);
          assert.ok(pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), `snapshot ${i}: Ready only when the pod is Ready`);
        }
      });
    });
  }

  it('unscheduled: reports why the pod cannot run (PodScheduled=False, Unschedulable)', () => {
    const readings = replay(workflows.get('unscheduled')!);
    assert.equal(readings[readings.length - 1].reason, 'Unschedulable');
  });

  it('containerTerminatedSuccessRestartNever: reports a terminated container by its reason (Completed)', () => {
    const readings = replay(workflows.get('containerTerminatedSuccessRestartNever')!);
    assert.equal(readings[readings.length - 1].reason, 'Completed');
  });

  it('unavailable: a pod whose Ready condition is False is not Ready even if its container is', () => {
    // The recording's one inconsistency put right: the spec names the container its status describes.
    const [pod] = workflows.get('unavailable')!;
    const aligned = { ...pod, spec: { ...pod.spec!, containers: [{ ...pod.spec!.containers[0], name: pod.status!.containerStatuses![0].name }] } };
    assert.equal(replay([aligned])[0].ready, false);
  });
});
