/** Shared setup for end-to-end recoveries on the simulator: the reference cluster, fast simulated time. */
import assert from 'node:assert/strict';
import { KubeClient } from '../../lib/kube/client';
import { runRecovery, type ExecutorOptions, type ProgressEvent } from '../../lib/dr/executor';
import { planRecovery } from '../../lib/dr/plan';
import { statusFromConfigMap } from '../../lib/dr/status-record';
import { statusRecordName } from '../../lib/render/names';
import type { DisasterRecoveryStatus } from '../../lib/dr/status';
import type { StarRocksClusterSpec } from '../../lib/model/types';
import { startSimulator, type Simulator } from '../../sim';
import { referenceDrSpec } from '../fixtures';

export const NS = 'default';
export const CLUSTER = 'kube-starrocks';

/**
 * The simulator with the FE restoring for 10 simulated seconds. In-process tests run it on virtual time (`clientFor`
 * puts the client on the same clock); a test whose client is another process (the CLI) asks for `'real'` time, where
 * 1 simulated second takes 20 ms.
 */
export async function startSim(time: 'virtual' | 'real' = 'virtual'): Promise<Simulator> {
  const durations = { feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2 };
  return time === 'virtual' ? startSimulator({ virtualTime: true, ...durations }) : startSimulator({ timeScale: 0.02, ...durations });
}

/** The reference cluster asking for recovery `generation` (disasterRecovery enabled). */
export function recoverySpec(generation = 1): StarRocksClusterSpec {
  return { ...referenceDrSpec(), disasterRecovery: { enabled: true, generation } };
}

export function clientFor(sim: Simulator): KubeClient {
  return KubeClient.connect({ kubeConfig: sim.kubeConfig(), retry: { deadlineMs: 20_000, initialDelayMs: 20, maxDelayMs: 500 }, timers: sim.timers });
}

export interface Run {
  readonly status: DisasterRecoveryStatus;
  readonly events: ProgressEvent[];
}

export async function recover(sim: Simulator, spec: StarRocksClusterSpec, opts: Partial<ExecutorOptions> = {}): Promise<Run> {
  const events: ProgressEvent[] = [];
  const { plan } = planRecovery(spec);
  const status = await runRecovery(plan, { client: clientFor(sim), timeoutMs: 10 * 60_000, ...opts, onProgress: (e) => events.push(e) });
  return { status, events };
}

export function recordedStatus(sim: Simulator): DisasterRecoveryStatus | undefined {
  const cm = sim.get('ConfigMap', NS, statusRecordName(CLUSTER));
  return cm ? statusFromConfigMap(cm) : undefined;
}

export function pvcUids(sim: Simulator): Map<string, string> {
  return new Map(sim.list('PersistentVolumeClaim', NS).map((p) => [p.metadata.name as string, p.metadata.uid as string]));
}

type Env = { name: string; value?: string };

/** What must hold after every finished recovery. */
export function assertFullTopology(sim: Simulator, pvcsBefore?: Map<string, string>): void {
  const fe = sim.get('StatefulSet', NS, `${CLUSTER}-fe`);
  assert.equal(fe.spec.replicas, 3, 'the FE StatefulSet is back to its full replica count');
  const container = fe.spec.template.spec.containers.find((c: { name: string }) => c.name === 'fe');
  const names = (container.env as Env[]).map((e) => e.name);
  assert.ok(!names.some((n) => n.startsWith('RESTORE_')), `no RESTORE_* env left, got ${names.join(',')}`);
  assert.equal(container.startupProbe?.httpGet?.path, '/api/health', 'startup probe is back');
  assert.equal(container.livenessProbe?.httpGet?.path, '/api/health', 'liveness probe is back');
  assert.equal(container.readinessProbe?.httpGet?.path, '/api/health', 'readiness is HTTP again');
  assert.ok(sim.get('StatefulSet', NS, `${CLUSTER}-cn`), 'CN is created once the FE is restored');
  const status = recordedStatus(sim)!;
  assert.equal(status.phase, 'done');
  assert.ok(status.endTimestamp! >= status.startTimestamp, 'endTimestamp is not before startTimestamp');
  if (pvcsBefore) {
    for (const [name, uid] of pvcsBefore) assert.equal(pvcUids(sim).get(name), uid, `PVC ${name} kept its uid`);
  }
}

/** Resolves once the recorded status has `phase`. */
export function untilPhase(sim: Simulator, phase: string, timeoutMs = 20_000): Promise<void> {
  return sim.waitFor(() => recordedStatus(sim)?.phase === phase, timeoutMs);
}
