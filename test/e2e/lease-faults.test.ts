/**
 * The cluster's Lease under the faults a real control plane has, injected the way they happen, on the simulator's
 * virtual time: a renewal whose write commits and whose answer is lost (an API server restart mid-request), a
 * renewal answered late (a slow server), the API server stopped, a lease that comes free at the end of --timeout.
 * The rules are client-go's leader election (k8s.io/client-go tools/leaderelection/leaderelection.go at 9a8caafa):
 * `tryAcquireOrRenew` reads the Lease (step 1, `Lock.Get`) and checks the holder (step 2) before each update, so a
 * refused write whose earlier attempt committed is seen to be ours; `renew` bounds each cycle of attempts with
 * `context.WithTimeout(ctx, RenewDeadline)` and stops leading the moment `timeoutCtx.Done()` fires, whatever the
 * request in flight does later.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Watch } from '@kubernetes/client-node';
import { startSimulator, type Simulator } from '../../sim';
import { StarRocksDrError } from '../../lib/errors';
import { CLIENT_GO_TIMINGS, renewalCutoffMs, renewalLostError } from '../../lib/dr/lease';
import { assertFullTopology, CLUSTER, NS, pvcUids, recordedStatus, recover, recoverySpec, untilPhase } from './support';

const LEASE = `${CLUSTER}-starrocks-dr`;

/** The reference cluster whose FE restores for 40 simulated seconds: long enough for many renewals. */
function startSlowRestore(): Promise<Simulator> {
  return startSimulator({ virtualTime: true, feRestoreSeconds: 40, feStartupSeconds: 2, backendStartupSeconds: 2 });
}

/** Every renewTime the Lease is written with (virtual unix ms), as the API server sends them. */
async function renewals(sim: Simulator): Promise<{ times: number[]; stop: () => void }> {
  const times: number[] = [];
  const controller = await new Watch(sim.kubeConfig()).watch(
    `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`,
    { fieldSelector: `metadata.name=${LEASE}` },
    (type, obj) => {
      if ((type === 'ADDED' || type === 'MODIFIED') && obj.spec?.holderIdentity) times.push(Date.parse(obj.spec.renewTime));
    },
    () => undefined,
  );
  return { times, stop: () => controller.abort() };
}

describe('the Lease under API faults', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSlowRestore();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('a renewal whose answer is lost (committed, then the connection dropped) is not taken for a takeover: the run goes on to done', async () => {
    const pvcs = pvcUids(sim);
    const run = recover(sim, recoverySpec(1), { holder: 'the-run' });
    await untilPhase(sim, 'doing');
    // The next lease update (a renewal) commits; its answer never comes. The client's retry then sends the same
    // resourceVersion again and gets 409.
    sim.faults.loseResponses(1, { verb: 'PUT', resource: 'leases' });
    const { status } = await run;
    assert.equal(sim.faults.unserved(), 0, 'the lost response was served');
    assert.equal(status.phase, 'done');
    assertFullTopology(sim, pvcs);
    assert.equal(sim.get('Lease', NS, LEASE).spec.holderIdentity, undefined, 'the lease was handed back, not left held by the run');
  });

  it('a renewal answered after the renew deadline does not count: the run stops acting when the deadline passes, with exit 4 (not contention)', async () => {
    const history = await renewals(sim);
    const run = recover(sim, recoverySpec(1), { holder: 'the-run' });
    await untilPhase(sim, 'doing');
    const applies = () => sim.requestCounts()['PATCH statefulsets'] ?? 0;
    // The API server holds the next lease update for 11 s: the cycle (retry 2 s + renew deadline 10 s) passes first.
    sim.faults.stall(11_000, { verb: 'PUT', resource: 'leases', n: 1 });
    const err = await run.then(
      () => assert.fail('the run must stop when its renewals pass the renew deadline'),
      (e: unknown) => e as StarRocksDrError,
    );
    const stoppedAt = sim.timers!.now();
    const appliedBefore = applies();
    history.stop();
    assert.equal(err.code, 'Unreachable', err.message);
    assert.match(err.message, /did not answer this run's lease renewals for 12s/);
    assert.doesNotMatch(err.message, /another run/);
    const last = Math.max(...history.times.filter((t) => t <= stoppedAt - 1));
    assert.ok(stoppedAt - last <= renewalCutoffMs(CLIENT_GO_TIMINGS), `stopped ${stoppedAt - last} ms after the last renewal began, within ${renewalCutoffMs(CLIENT_GO_TIMINGS)} ms`);
    assert.equal(recordedStatus(sim)!.phase, 'doing', 'the record says where it stopped');
    await sim.timers!.sleep(15_000);
    assert.equal(applies(), appliedBefore, 'nothing applied after it stopped, not even when the late answer came');
  });

  it('the API server stopped mid-run: exit 4 saying the server did not answer, not "another run took it over"', async () => {
    const run = recover(sim, recoverySpec(1), { holder: 'the-run' });
    await untilPhase(sim, 'doing');
    const restart = sim.restart({ downMs: 60_000 });
    const err = await run.then(
      () => assert.fail('the run cannot finish while the API server is down'),
      (e: unknown) => e as StarRocksDrError,
    );
    await restart;
    assert.equal(err.code, 'Unreachable', err.message);
    assert.match(err.message, /did not answer/);
    assert.match(err.message, /no other run took over/);
    assert.doesNotMatch(err.message, /another run is acting/);
  });
});

describe('the Lease at the end of --timeout', () => {
  it('a lease that comes free with less time left than one apply and one renewal need is handed back: nothing applied, exit 5 naming the holder', async () => {
    const sim = await startSlowRestore();
    try {
      // A run that died holding the Lease: nobody renews it; it is taken over 15 s after we first see it.
      sim.seed([{ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: LEASE, namespace: NS }, spec: { holderIdentity: 'dead-run', leaseDurationSeconds: 15 } }]);
      const err = await recover(sim, recoverySpec(1), { holder: 'late', timeoutMs: 15_500 }).then(
        () => assert.fail('no time left to act'),
        (e: unknown) => e as StarRocksDrError,
      );
      assert.equal(err.code, 'Contended', err.message);
      assert.match(err.message, /held by dead-run, came free with 0s of --timeout left/);
      assert.match(err.message, /nothing was applied/);
      assert.equal(sim.get('StatefulSet', NS, `${CLUSTER}-fe`), undefined, 'no restore form applied');
      assert.equal(recordedStatus(sim), undefined, 'no record written');
      assert.equal(sim.get('Lease', NS, LEASE).spec.holderIdentity, undefined, 'the lease was handed back');
    } finally {
      await sim.stop();
    }
  });
});

describe('why a lease was lost (renewalLostError)', () => {
  const where = `Lease/${LEASE}`;
  it('names the API server when renewals got no answer or a network error, the process when none was tried', () => {
    assert.equal(renewalLostError(where, 'https://k', CLIENT_GO_TIMINGS, { unanswered: true }).code, 'Unreachable');
    assert.equal(renewalLostError(where, 'https://k', CLIENT_GO_TIMINGS, { unanswered: false, lastErrorCode: 'Unreachable', lastErrorMessage: 'ECONNREFUSED' }).code, 'Unreachable');
    assert.equal(renewalLostError(where, 'https://k', CLIENT_GO_TIMINGS, { unanswered: false, lastErrorCode: 'ApiError', lastErrorMessage: 'HTTP 503' }).code, 'ApiError');
    // A renewal in flight when the process stopped: its answer waits unread; the deadline fired late. Paused, not unreachable.
    const stoppedMidRenewal = renewalLostError(where, 'https://k', CLIENT_GO_TIMINGS, { unanswered: true, lateMs: 5_000 });
    assert.equal(stoppedMidRenewal.code, 'Contended');
    assert.match(stoppedMidRenewal.message, /did not run for 5s: paused or starved/);
    assert.equal(renewalLostError(where, 'https://k', CLIENT_GO_TIMINGS, { unanswered: true, lateMs: 50 }).code, 'Unreachable', 'a timer a little late is no pause');
    const paused = renewalLostError(where, 'https://k', CLIENT_GO_TIMINGS, { unanswered: false });
    assert.equal(paused.code, 'Contended');
    assert.match(paused.message, /paused or starved/);
  });
});
