/**
 * The executor's state machine and its waits on recorded event streams, with no API server and no simulator
 * (test/recordings/playback.ts feeds `executeRecovery` the views a recording shows, as pulumi-kubernetes feeds its
 * awaiters recorded events: provider/pkg/await/statefulset_test.go, `awaiter.await(statefulsets, pods, timeout, ...)`):
 *
 * - pod streams recorded from real clusters by pulumi-kubernetes (v4.32.0, test/data/recordings/pulumi-kubernetes),
 *   dressed as the restoring FE pod: what the run records while it waits, when it records done, how it times out;
 * - StatefulSet, pod, event and PVC streams recorded from a real recovery on the real control plane
 *   (test/cluster/record-streams.ts, test/data/recordings/control-plane): the run played back decides what the real
 *   run decided, at the same points of the stream.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { executeRecovery, type RecoveryOptions } from '../../lib/dr/executor';
import { planRecovery } from '../../lib/dr/plan';
import { feReadiness, RESTORE_GENERATION_ENV, REVISION_LABEL } from '../../lib/dr/readiness';
import { feMetaPvcPrefix } from '../../lib/dr/record-identity';
import { StarRocksDrError } from '../../lib/errors';
import { referenceDrSpec } from '../fixtures';
import { loadWorkflows } from '../recordings/replay';
import { fold1, loadRecording, Playback, playbackClock, type RecordedEvent } from '../recordings/playback';

const NS = 'default';
const REVISION = 'recorded-1';

/** The reference cluster's recovery plan in `namespace`, and which form each object belongs to. */
function planIn(namespace: string) {
  const { plan } = planRecovery(referenceDrSpec(), namespace);
  const restore = new Set(plan.restoreObjects.map((o) => JSON.stringify(o)));
  return { plan, formOf: (obj: object) => (restore.has(JSON.stringify(obj)) ? ('restore' as const) : ('full' as const)) };
}

/** The rendered restore-form FE StatefulSet, as the API server reports it once its controller has seen it. */
function restoringFe(plan: ReturnType<typeof planIn>['plan']): V1StatefulSet {
  const fe = plan.restoreObjects.find((o) => o.kind === 'StatefulSet') as V1StatefulSet;
  return { ...fe, metadata: { ...fe.metadata, uid: 'sts-uid', generation: 1 }, status: { replicas: 1, observedGeneration: 1, currentRevision: REVISION, updateRevision: REVISION } };
}

/** A recorded pod dressed as the restoring FE pod: named kube-starrocks-fe-0, container `fe`, the generation env, the revision. */
function asFePod(pod: V1Pod): V1Pod {
  const copy: V1Pod = JSON.parse(JSON.stringify(pod));
  const original = copy.spec!.containers[0].name;
  copy.metadata = { ...copy.metadata, name: 'kube-starrocks-fe-0', labels: { ...(copy.metadata?.labels ?? {}), [REVISION_LABEL]: REVISION } };
  copy.spec!.containers[0] = { ...copy.spec!.containers[0], name: 'fe', env: [...(copy.spec!.containers[0].env ?? []), { name: RESTORE_GENERATION_ENV, value: '1' }] };
  for (const s of copy.status?.containerStatuses ?? []) if (s.name === original) s.name = 'fe';
  return copy;
}

/** A stream: the restore-form StatefulSet, its FE metadata PVC, then every snapshot of a recorded pod. */
function workflowEvents(plan: ReturnType<typeof planIn>['plan'], pods: readonly V1Pod[]): RecordedEvent[] {
  const fe = restoringFe(plan);
  const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `${feMetaPvcPrefix(fe)}0`, namespace: NS, uid: 'meta-pvc-uid' } };
  return [
    { atMs: 0, source: 'StatefulSet', type: 'ADDED', object: fe },
    { atMs: 1, source: 'PersistentVolumeClaim', type: 'ADDED', object: pvc },
    ...pods.map((p, i): RecordedEvent => ({ atMs: 2 + i, source: 'Pod', type: i === 0 ? 'ADDED' : 'MODIFIED', object: asFePod(p) })),
  ];
}

async function play(playback: Playback, formOf: (o: object) => 'restore' | 'full', plan: ReturnType<typeof planIn>['plan'], opts: RecoveryOptions = {}) {
  const progress: string[] = [];
  const run = executeRecovery(plan, playback.start(), { effects: playback.effects(formOf), watch: playback.watch(), timers: playbackClock() }, { timeoutMs: 600_000, onProgress: (e) => e.type === 'waiting' && progress.push(e.message), ...opts });
  return { run, progress };
}

const feRestored = (w: Playback['written'][number]) => w.status.conditions.find((c) => c.type === 'FeRestored');

describe('recorded pod streams (pulumi-kubernetes) as the restoring FE', () => {
  const workflows = loadWorkflows();

  it('createSuccess: the run records what the FE waits on, then done at the snapshot where the pod is Ready, with the PVC it restored into', async () => {
    const { plan, formOf } = planIn(NS);
    const pods = workflows.get('createSuccess')!;
    const playback = new Playback({ namespace: NS, cluster: plan.cluster, events: workflowEvents(plan, pods) });
    const { run } = await play(playback, formOf, plan, { stopAt: 'done' });
    const final = await run;
    assert.equal(final.phase, 'done');
    assert.deepEqual(fold1(playback.written.map((w) => w.status.phase)), ['todo', 'doing', 'done']);
    // done is written right after the first snapshot in which the pod is Ready, not later.
    const readyAt = playback.firstWhere((v) => v.feStatefulSet !== undefined && feReadiness(v.feStatefulSet, v.fePods, 1).ready);
    const done = playback.written.find((w) => w.status.phase === 'done')!;
    assert.equal(done.at, readyAt, 'done recorded at the Ready snapshot');
    assert.ok(readyAt > 3, `Ready only after the pod snapshots (${readyAt})`);
    assert.deepEqual(done.identity.feMetaPvcUids, { [`${feMetaPvcPrefix(restoringFe(plan))}0`]: 'meta-pvc-uid' });
    assert.deepEqual(fold1(playback.written.map((w) => feRestored(w)?.reason).filter(Boolean)), ['NoPods', 'Restoring', 'ContainerCreating', 'Ready'], JSON.stringify(playback.written.map((w) => [w.at, w.status.phase, feRestored(w)?.reason])));
    assert.deepEqual(playback.applied.map((a) => a.form), plan.restoreObjects.map(() => 'restore'), 'the restore form, and nothing else (stopped at done)');
  });

  const stuck: Array<[string, string]> = [
    ['crashLoopBackoff', 'CrashLoopBackOff'],
    ['imagePullError', 'ImagePullBackOff'],
    ['unscheduled', 'Unschedulable'],
  ];
  for (const [name, reason] of stuck) {
    it(`${name}: the record says ${reason} while the run waits; the run ends in a Timeout naming it, the record left doing`, async () => {
      const { plan, formOf } = planIn(NS);
      const playback = new Playback({ namespace: NS, cluster: plan.cluster, events: workflowEvents(plan, workflows.get(name)!) });
      const { run } = await play(playback, formOf, plan, { timeoutMs: 60_000 });
      await assert.rejects(run, (err: unknown) => err instanceof StarRocksDrError && err.code === 'Timeout' && err.message.includes(`waiting for the FE of generation 1 to become Ready; last seen: pod kube-starrocks-fe-0`) && err.message.includes(reason));
      const last = playback.written.at(-1)!;
      assert.equal(last.status.phase, 'doing');
      assert.equal(feRestored(last)?.status, 'False');
      assert.equal(feRestored(last)?.reason, reason);
    });
  }
});

describe('recorded on the real control plane (test/cluster/record-streams.ts, kube-apiserver v1.36 with kwok)', () => {
  const phases = (p: Playback) => fold1(p.written.map((w) => `${w.status.phase}: ${w.status.reason}`));
  const readyAt = (p: Playback) => p.firstWhere((v) => v.feStatefulSet !== undefined && feReadiness(v.feStatefulSet, v.fePods, 1).ready);

  for (const name of ['dr-run', 'dr-run-fe-pod-deleted']) {
    it(`${name}: played back, the run records what the real run recorded, done at the Ready event, then the full form, and ends once it rolled out`, async () => {
      const recording = loadRecording(name);
      const { plan, formOf } = planIn(recording.namespace);
      const playback = new Playback(recording);
      const { run } = await play(playback, formOf, plan);
      const final = await run;
      assert.equal(final.phase, 'done');
      assert.deepEqual(phases(playback), playback.recordedPhases(), 'the same phases and reasons as the real run');
      const done = playback.written.find((w) => w.status.phase === 'done')!;
      assert.equal(done.at, readyAt(playback), 'done recorded at the event in which the FE of generation 1 is Ready');
      const recordedDone = recording.events.find((e) => e.source === 'ConfigMap' && e.object.data.phase === 'done')!.object.data;
      assert.deepEqual(done.identity.feMetaPvcUids, JSON.parse(recordedDone.feMetaPvcUids), 'the PVC the real run named');
      assert.deepEqual([...new Set(playback.applied.map((a) => a.form))], ['restore', 'full']);
      assert.ok(playback.applied.filter((a) => a.form === 'full').every((a) => a.at >= done.at), 'the full form only after done');
      const rolledOutAt = recording.events.map((e) => e.source).lastIndexOf('StatefulSet') + 1;
      assert.equal(playback.cursor, rolledOutAt, 'the run ended at the last StatefulSet event: the rollout it waited for');
    });
  }

  it('dr-run as dr wait (observe mode): applies nothing, records the same phases, returns done at the Ready event', async () => {
    const recording = loadRecording('dr-run');
    const { plan, formOf } = planIn(recording.namespace);
    const playback = new Playback(recording);
    const { run } = await play(playback, formOf, plan, { mode: 'observe' });
    assert.equal((await run).phase, 'done');
    assert.deepEqual(playback.applied, []);
    assert.deepEqual(phases(playback), playback.recordedPhases());
    assert.equal(playback.cursor, readyAt(playback), 'it returned at the Ready event, leaving the full form to GitOps');
  });

  it('dr-run cut before the FE is Ready: the run waits, then times out on its clock naming what it saw, the record left doing', async () => {
    const recording = loadRecording('dr-run');
    const whole = new Playback(recording);
    const cut = new Playback({ ...recording, events: recording.events.slice(0, readyAt(whole) - 1) });
    const { plan, formOf } = planIn(recording.namespace);
    const clock = playbackClock();
    const run = executeRecovery(plan, cut.start(), { effects: cut.effects(formOf), watch: cut.watch(), timers: clock }, { timeoutMs: 300_000 });
    await assert.rejects(run, (err: unknown) => err instanceof StarRocksDrError && err.code === 'Timeout' && /timed out after \d+s waiting for the FE of generation 1 to become Ready; last seen: pod kube-starrocks-fe-0 container fe is running, not ready yet/.test(err.message));
    assert.equal(cut.written.at(-1)!.status.phase, 'doing');
    assert.ok(clock.advanced >= 300_000, 'the timeout came from the run\'s deadline on its clock');
  });
});
