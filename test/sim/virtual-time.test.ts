/**
 * The kubelet on virtual time: simulated durations (a 10-minute snapshot restore, CrashLoopBackOff back-offs) pass
 * in order and with their exact spacing, read off the pods' own timestamps, without wall-clock waits.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configMap, feStatefulSet, NS, podReady, withSimulator } from './helpers';

const transition = (p: any, type: string) => Date.parse(p.status.conditions.find((c: any) => c.type === type).lastTransitionTime);

describe('sim: virtual time (runs on its own while idle)', () => {
  const h = withSimulator({ virtualTime: true, feRestoreSeconds: 600, feStartupSeconds: 5 });

  it('a FE restoring for 10 simulated minutes becomes Ready 10 minutes after it started, after a plain FE', async () => {
    await h.c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('vt-cm') });
    await h.c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('vt-plain-cm') });
    await h.c.apps.createNamespacedStatefulSet({ namespace: NS, body: feStatefulSet('vt', { restore: true }) });
    const plain = feStatefulSet('vt-plain', { restore: true });
    plain.spec.template.spec.containers[0].env = plain.spec.template.spec.containers[0].env.filter((e: any) => !e.name.startsWith('RESTORE_'));
    await h.c.apps.createNamespacedStatefulSet({ namespace: NS, body: plain });
    const pod = (n: string) => h.c.sim.get('Pod', NS, n);
    await h.c.sim.waitFor(() => podReady(pod('vt-0')) && podReady(pod('vt-plain-0')), 20_000);
    const restoring = pod('vt-0');
    const started = Date.parse(restoring.status.containerStatuses[0].state.running.startedAt);
    const ready = transition(restoring, 'Ready');
    // Readiness: TCP 9030 every 10 s after a 5 s delay; the port opens at 600 s.
    assert.ok(ready - started >= 600_000, `ready ${ready - started} ms after start`);
    assert.ok(ready - started <= 600_000 + 10_000 + 1000, `ready ${ready - started} ms after start`);
    assert.ok(transition(pod('vt-plain-0'), 'Ready') < ready, 'the plain FE was ready first');
    assert.ok(h.c.sim.time!.now() >= 600_000);
  });

  it('CrashLoopBackOff restarts are spaced as the kubelet spaces them', async () => {
    h.c.sim.pods.inject('vt-crash', 'CrashLoopBackOff');
    await h.c.core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'vt-crash' }, spec: { containers: [{ name: 'app', image: 'app:1' }] } } });
    await h.c.sim.waitFor(() => (h.c.sim.get('Pod', NS, 'vt-crash')?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3, 20_000);
    const cs = h.c.sim.get('Pod', NS, 'vt-crash').status.containerStatuses[0];
    assert.match(cs.state.waiting?.message ?? cs.lastState.terminated.reason, /back-off|Error/);
    assert.ok(cs.restartCount >= 3);
  });
});

describe('sim: virtual time (manual)', () => {
  const h = withSimulator({ virtualTime: 'manual', feStartupSeconds: 5 });

  it('nothing that takes time happens until the test advances the clock', async () => {
    await h.c.core.createNamespacedConfigMap({ namespace: NS, body: configMap('man-cm') });
    await h.c.apps.createNamespacedStatefulSet({ namespace: NS, body: feStatefulSet('man') });
    await h.c.sim.waitFor(() => !!h.c.sim.get('Pod', NS, 'man-0')?.spec?.nodeName, 5000);
    h.c.sim.time!.advance(1000);
    const early = h.c.sim.get('Pod', NS, 'man-0');
    assert.equal(early.status.phase, 'Running');
    assert.equal(podReady(early), false, 'the FE needs 5 simulated seconds to answer /api/health');
    assert.equal(early.status.containerStatuses[0].started, false);
    // Startup probe every 5 s: by 15 s it has passed, then readiness (every 5 s) passes.
    h.c.sim.time!.advance(20_000);
    assert.equal(podReady(h.c.sim.get('Pod', NS, 'man-0')), true);
    assert.equal(h.c.sim.time!.now(), 21_000);
  });
});
