/**
 * API requests per recovery: the simulator's request counter from just before `runRecovery` to just after, for a
 * whole `dr run`-style recovery (restore form, wait, done, full form, rollout) of the reference cluster, once with a
 * 10 s and once with a 10 min simulated FE restore. A watch counts as one request (the sim counts `WATCH <resource>`).
 * Each restore length gets its own simulator so the counts cannot mix.
 */
import { performance } from 'node:perf_hooks';
import { KubeClient } from '../lib/kube/client';
import { runRecovery } from '../lib/dr/executor';
import { startSimulator } from '../sim';
import { planIn, referenceSpec } from './reference';
import { info, type Row } from './row';
import { round } from './stats';

export interface RequestCount {
  readonly restoreSeconds: number;
  readonly total: number;
  /**
   * Requests for the cluster's Lease (take, renew every 2 s, release): time-based by design, as client-go leader
   * election renews; counted apart so the per-recovery target measures the recovery's own requests.
   */
  readonly lease: number;
  /** By verb (GET, LIST, WATCH, PATCH, ...). */
  readonly byVerb: Record<string, number>;
  /** As the simulator keys them, `${VERB} ${resource}`. */
  readonly byRequest: Record<string, number>;
  readonly wallMs: number;
}

export async function countRequests(restoreSeconds: number, timeScale: number): Promise<RequestCount> {
  const sim = await startSimulator({ timeScale, feRestoreSeconds: restoreSeconds });
  try {
    const plan = planIn(sim, referenceSpec(), `requests-${restoreSeconds}s`);
    const client = KubeClient.connect({ kubeConfig: sim.kubeConfig() });
    const t0 = performance.now();
    sim.resetRequestCounts();
    const final = await runRecovery(plan, { client, timeoutMs: 10 * 60_000 });
    const byRequest = { ...sim.requestCounts() };
    if (final.phase !== 'done') throw new Error(`recovery with a ${restoreSeconds}s restore ended in phase ${final.phase}`);
    const byVerb: Record<string, number> = {};
    for (const [key, n] of Object.entries(byRequest)) {
      const verb = key.split(' ')[0];
      byVerb[verb] = (byVerb[verb] ?? 0) + n;
    }
    const all = Object.values(byRequest).reduce((a, b) => a + b, 0);
    const lease = Object.entries(byRequest).filter(([k]) => k.endsWith(' leases')).reduce((a, [, n]) => a + n, 0);
    return { restoreSeconds, total: all - lease, lease, byVerb, byRequest, wallMs: performance.now() - t0 };
  } finally {
    await sim.stop();
  }
}

function label(seconds: number): string {
  return seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`;
}

export interface RequestOptions {
  /** @default 0.05 (a 10 min restore takes 30 s of wall time) */
  readonly timeScale?: number;
  readonly log?: (line: string) => void;
}

export async function benchApiRequests(opts: RequestOptions = {}): Promise<Row[]> {
  const timeScale = opts.timeScale ?? 0.05;
  const rows: Row[] = [];
  const results: RequestCount[] = [];
  for (const seconds of [10, 600]) {
    const r = await countRequests(seconds, timeScale);
    results.push(r);
    opts.log?.(`  api requests, ${label(seconds)} restore: ${r.total} in ${Math.round(r.wallMs)} ms wall (${JSON.stringify(r.byRequest)})`);
    rows.push({ metric: `API requests per recovery, ${label(seconds)} restore (simulated, timeScale ${timeScale}), lease apart`, value: r.total, unit: 'requests', target: '< 30', met: r.total < 30 });
    rows.push(info(`  ${label(seconds)} restore: Lease requests (take, renew every 2 s of wall time, release)`, r.lease, 'requests'));
    for (const verb of Object.keys(r.byVerb).sort()) rows.push(info(`  ${label(seconds)} restore: ${verb}`, r.byVerb[verb], 'requests'));
  }
  const [short, long] = results;
  rows.push({
    metric: 'API requests, 10 min restore vs 10 s restore; ratio = long / short',
    value: long.total - short.total,
    unit: 'requests more',
    target: 'independent of restore length (0 more)',
    met: long.total === short.total,
    ratio: round(long.total / short.total),
  });
  return rows;
}

if (require.main === module) {
  void benchApiRequests({ timeScale: Number(process.argv[2] ?? 0.05), log: console.log }).then((rows) => console.table(rows));
}
