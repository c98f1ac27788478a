/**
 * Two actors at once on one cluster (two engineers, a CI job and a laptop, Pulumi and `dr run`), on the simulator
 * through the real client: the Lease lets one act at a time, the record is written as a compare-and-swap, and every
 * case ends with one consistent record whose timestamps were written once per generation, and no extra restore.
 * The lease timings are client-go's (15 s lease, 2 s retry; lib/dr/lease.ts): the runs are on virtual time.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Watch } from '@kubernetes/client-node';
import type { Simulator } from '../../sim';
import { StarRocksDrError } from '../../lib/errors';
import { CLIENT_GO_TIMINGS } from '../../lib/dr/lease';
import { statusFromConfigMap } from '../../lib/dr/status-record';
import { statusRecordName } from '../../lib/render/names';
import type { DisasterRecoveryStatus } from '../../lib/dr/status';
import { assertFullTopology, CLUSTER, NS, pvcUids, recordedStatus, recover, recoverySpec, startSim, untilPhase } from './support';

/** Every version of the status record the API server sends on a watch, in order. */
async function recordHistory(sim: Simulator): Promise<{ versions: DisasterRecoveryStatus[]; stop: () => void }> {
  const versions: DisasterRecoveryStatus[] = [];
  const controller = await new Watch(sim.kubeConfig()).watch(
    `/api/v1/namespaces/${NS}/configmaps`,
    { fieldSelector: `metadata.name=${statusRecordName(CLUSTER)}` },
    (type, obj) => {
      if (type === 'ADDED' || type === 'MODIFIED') versions.push(statusFromConfigMap(obj));
    },
    () => undefined,
  );
  return { versions, stop: () => controller.abort() };
}

/** Timestamps are written once per generation: every version of generation g carries the same start (and end, once set). */
function assertTimestampsWrittenOnce(versions: readonly DisasterRecoveryStatus[]): void {
  const byGeneration = new Map<number, DisasterRecoveryStatus[]>();
  for (const v of versions) byGeneration.set(v.observedGeneration, [...(byGeneration.get(v.observedGeneration) ?? []), v]);
  for (const [generation, vs] of byGeneration) {
    assert.equal(new Set(vs.map((v) => v.startTimestamp)).size, 1, `generation ${generation}: startTimestamp written once`);
    const ends = new Set(vs.filter((v) => v.endTimestamp !== undefined).map((v) => v.endTimestamp));
    assert.ok(ends.size <= 1, `generation ${generation}: endTimestamp written once, got ${[...ends].join(', ')}`);
  }
  const generations = versions.map((v) => v.observedGeneration);
  assert.deepEqual(generations, [...generations].sort((a, b) => a - b), `the recorded generation never goes back: ${generations.join(' -> ')}`);
}

const restoreApplies = (events: { type: string; form?: string }[]) => events.filter((e) => e.type === 'apply' && e.form === 'restore').length;

describe('two recoveries at once', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('two runs of one generation: one restores, the other waits for the lease and finds it done', async () => {
    const history = await recordHistory(sim);
    const [a, b] = await Promise.all([
      recover(sim, recoverySpec(1), { holder: 'run-a' }),
      recover(sim, recoverySpec(1), { holder: 'run-b' }),
    ]);
    history.stop();
    assert.equal(restoreApplies(a.events) + restoreApplies(b.events), 1, 'the restore form was applied once in all');
    const waited = [a, b].find((r) => restoreApplies(r.events) === 0)!;
    assert.ok(
      waited.events.some((e) => e.type === 'waiting' && /lease, held by run-[ab]/.test(e.message)),
      'the run that waited said who held the lease',
    );
    assert.deepEqual(a.status, b.status, 'both runs report the same final status');
    assertTimestampsWrittenOnce(history.versions);
    assertFullTopology(sim);
    const lease = sim.get('Lease', NS, `${CLUSTER}-starrocks-dr`);
    assert.equal(lease.spec.holderIdentity, undefined, 'the last run handed the lease back');
  });

  it('generation 2 started while generation 1 is doing waits, then runs after it: no tug of war', async () => {
    const history = await recordHistory(sim);
    const one = recover(sim, recoverySpec(1), { holder: 'gen-1' });
    await untilPhase(sim, 'doing');
    const two = recover(sim, recoverySpec(2), { holder: 'gen-2' });
    const [r1, r2] = await Promise.all([one, two]);
    history.stop();
    assert.equal(r1.status.observedGeneration, 1);
    assert.equal(r2.status.observedGeneration, 2);
    assert.equal(restoreApplies(r1.events), 1);
    assert.equal(restoreApplies(r2.events), 1);
    assert.deepEqual(
      [...new Set(history.versions.map((v) => `${v.observedGeneration}:${v.phase}`))],
      ['1:todo', '1:doing', '1:done', '2:todo', '2:doing', '2:done'],
    );
    assertTimestampsWrittenOnce(history.versions);
    assertFullTopology(sim);
  });

  it('a second run that cannot get the lease within its timeout fails as contended, naming the holder, and changes nothing', async () => {
    const first = recover(sim, recoverySpec(1), { holder: 'long-run' });
    await untilPhase(sim, 'doing');
    const before = recordedStatus(sim);
    await assert.rejects(
      recover(sim, recoverySpec(1), { holder: 'impatient', timeoutMs: 300 }),
      (err: unknown) => err instanceof StarRocksDrError && err.code === 'Contended' && /long-run/.test(err.message),
    );
    assert.deepEqual(recordedStatus(sim)?.startTimestamp, before?.startTimestamp);
    await first;
    assertFullTopology(sim);
  });

  it('a holder that died is taken over once its lease expires', async () => {
    const pvcsBefore = pvcUids(sim);
    // A Lease left by a run that was killed: nobody renews it.
    sim.seed([
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: `${CLUSTER}-starrocks-dr`, namespace: NS },
        spec: { holderIdentity: 'dead-run', leaseDurationSeconds: 2, renewTime: new Date(sim.timers!.now()).toISOString() },
      },
    ]);
    const started = sim.timers!.now();
    const run = await recover(sim, recoverySpec(1), { holder: 'survivor' });
    assert.ok(sim.timers!.now() - started >= CLIENT_GO_TIMINGS.durationMs, 'it waited a whole lease duration first');
    assert.ok(run.events.some((e) => e.type === 'waiting' && /dead-run/.test(e.message)));
    assert.equal(sim.get('Lease', NS, `${CLUSTER}-starrocks-dr`).spec.leaseTransitions, 1);
    assertFullTopology(sim, pvcsBefore);
  });
});
