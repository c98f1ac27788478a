/**
 * The kubelet on virtual time: simulated durations (a 10-minute snapshot restore, CrashLoopBackOff back-offs) pass
 * in order and with their exact spacing, read off the pods' own timestamps, without wall-clock waits.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configMap, feStatefulSet, NS, podReady, withSimulator } from './helpers';

const transition = (p: any, type: string) => Date.parse(p.status.conditions.find((c: any) => c.type === type).lastTransitionTime);

describe('sim: virtual time (runs on its own while idle)', () => {
  const c = withSimulator({ virtualTime: true, feRestoreSeconds: 600, feStartupSeconds: 5 });

  it('a FE restoring for 10 simulated minutes becomes Ready 10 minutes after it started, after a plain FE', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('vt-cm') });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('vt-plain-cm') });
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: feStatefulSet('vt', { restore: true }) });
    const plain = feStatefulSet('vt-plain', { restore: true });
    plain.spec.template.spec.containers[0].env = plain.spec.template.spec.containers[0].env.filter((e: any) => !e.name.startsWith('RESTORE_'));
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: plain });
    const pod = (n: string) => c.sim.get('Pod', NS, n);
    await c.sim.waitFor(() => podReady(pod('vt-0')) && podReady(pod('vt-plain-0')), 20_000);
    const restoring = pod('vt-0');
    const started = Date.parse(restoring.status.containerStatuses[0].state.running.startedAt);
    const ready = transition(restoring, 'Ready');
    // Readiness: TCP 9030 every 10 s after a 5 s delay; the port opens at 600 s.
    assert.ok(ready - started >= 600_000, `ready ${ready - started} ms after start`);
    assert.ok(ready - started <= 600_000 + 10_000 + 1000, `ready ${ready - started} ms after start`);
    assert.ok(transition(pod('vt-plain-0'), 'Ready') < ready, 'the plain FE was ready first');
    assert.ok(c.sim.time!.now() >= 600_000);
  });

  it('CrashLoopBackOff restarts are spaced as the kubelet spaces them: 10 s back-off, doubling', async () => {
    // The injected process runs 1 s, then exits; each restart waits the back-off.
    c.sim.pods.inject('vt-crash', 'CrashLoopBackOff');
    const ends: number[] = [];
    await c.core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'vt-crash' }, spec: { containers: [{ name: 'app', image: 'app:1' }] } } });
    // Re-checked on every store change: each status write with a new lastState is one restart.
    await c.sim.waitFor(() => {
      const t = c.sim.get('Pod', NS, 'vt-crash')?.status?.containerStatuses?.[0]?.lastState?.terminated;
      if (t?.finishedAt && !ends.includes(Date.parse(t.finishedAt))) ends.push(Date.parse(t.finishedAt));
      return ends.length >= 4;
    }, 20_000);
    const gaps = ends.slice(1).map((t, i) => (t - ends[i]) / 1000);
    // Timestamps have whole seconds; each gap is the back-off plus the 1 s run.
    [11, 21, 41].forEach((want, i) => assert.ok(Math.abs(gaps[i] - want) <= 1.5, `restart ${i + 1} after ${gaps[i]} s, want ${want} s`));
    const cs = c.sim.get('Pod', NS, 'vt-crash').status.containerStatuses[0];
    assert.ok(cs.restartCount >= 4);
  });
});

describe('sim: virtual time (manual)', () => {
  const c = withSimulator({ virtualTime: 'manual', feStartupSeconds: 5 });

  it('nothing that takes time happens until the test advances the clock', async () => {
    await c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('man-cm') });
    await c.apps.createNamespacedStatefulSet({ namespace: NS, body: feStatefulSet('man') });
    await c.sim.waitFor(() => !!c.sim.get('Pod', NS, 'man-0')?.spec?.nodeName, 5000);
    c.sim.time!.advance(1000);
    const early = c.sim.get('Pod', NS, 'man-0');
    assert.equal(early.status.phase, 'Running');
    assert.equal(podReady(early), false, 'the FE needs 5 simulated seconds to answer /api/health');
    assert.equal(early.status.containerStatuses[0].started, false);
    // Startup probe every 5 s: by 15 s it has passed, then readiness (every 5 s) passes.
    c.sim.time!.advance(20_000);
    assert.equal(podReady(c.sim.get('Pod', NS, 'man-0')), true);
    assert.equal(c.sim.time!.now(), 21_000);
  });
});
