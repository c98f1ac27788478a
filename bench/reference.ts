/**
 * The reference cluster every benchmark uses: the shipped kube-starrocks values with the DR override
 * (the input of `dr run` and `npm run demo`), and helpers to run recoveries of it on a simulator.
 */
import { performance } from 'node:perf_hooks';
import { planRecovery } from '../lib/dr/plan';
import type { RecoveryPlan } from '../lib/dr/executor';
import { BUILTIN_EXAMPLE_DR_OVERRIDE, BUILTIN_EXAMPLE_VALUES, loadValuesFiles } from '../lib/model/values';
import type { StarRocksClusterSpec } from '../lib/model/types';
import type { Simulator } from '../sim';

export function referenceSpec(): StarRocksClusterSpec {
  return loadValuesFiles([BUILTIN_EXAMPLE_VALUES, BUILTIN_EXAMPLE_DR_OVERRIDE]).spec;
}

/** A recovery plan of the reference cluster in `namespace`, created in the simulator first. */
export function planIn(sim: Simulator, spec: StarRocksClusterSpec, namespace: string): RecoveryPlan {
  sim.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }]);
  return planRecovery(spec, namespace).plan;
}

export function isPodReady(pod: { status?: { conditions?: { type: string; status: string }[] } } | undefined): boolean {
  return (pod?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Resolves with the `performance.now()` of the store write that made the pod Ready: the simulator re-checks the
 * predicate synchronously on every store change, so this is the moment the status was written, to the microsecond.
 */
export function readyAt(sim: Simulator, namespace: string, pod: string, timeoutMs: number): Promise<number> {
  let at = NaN;
  return sim
    .waitFor(() => {
      if (!Number.isNaN(at)) return true;
      if (isPodReady(sim.get('Pod', namespace, pod))) at = performance.now();
      return !Number.isNaN(at);
    }, timeoutMs)
    .then(() => at);
}
