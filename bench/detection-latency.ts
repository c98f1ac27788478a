/**
 * Detection latency: from the store write that makes the restoring FE pod Ready to the executor emitting the
 * `done` status, over many recoveries on one simulator (one namespace each, run one after another).
 *
 * Side by side, on the same recoveries, two naive reference loops that list the FE pods every 5 s and stop at the
 * first Ready one: one with the interval scaled by the simulator's timeScale (what the sim's compressed time makes
 * comparable), one with the real 5 s. Each starts at a random phase, as a poller would relative to a pod event.
 * The unscaled pollers run in the background while the next recoveries go on, so they add no wall time.
 *
 * The simulator shares this process's event loop with the executor and the pollers: the loop's delay (how late a
 * timer fires, `monitorEventLoopDelay`) is reported beside the latencies, since it bounds what any of them can do.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { KubeClient } from '../lib/kube/client';
import { runRecovery } from '../lib/dr/executor';
import { componentPodSelector, componentResourceName } from '../lib/render/names';
import { startSimulator } from '../sim';
import { isPodReady, planIn, readyAt, referenceSpec } from './reference';
import { info, type Row } from './row';
import { median, p99, round } from './stats';

export interface DetectionOptions {
  /** @default 200 */
  readonly runs?: number;
  /** @default 0.01 */
  readonly timeScale?: number;
  /** Simulated FE restore time. @default 10 */
  readonly feRestoreSeconds?: number;
  /** The naive loop's interval before scaling. @default 5000 */
  readonly pollIntervalMs?: number;
  readonly log?: (line: string) => void;
}

export interface DetectionSamples {
  readonly executorMs: number[];
  readonly pollScaledMs: number[];
  readonly pollUnscaledMs: number[];
  /** The event loop's delay over the measured runs: p99 and max, ms. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

/** Lists the FE pods every `intervalMs` (first poll at a random phase) until one is Ready; resolves with when it saw it. */
async function naivePoll(client: KubeClient, namespace: string, cluster: string, intervalMs: number, deadline: number): Promise<number> {
  await delay(Math.random() * intervalMs);
  for (;;) {
    const { items } = await client.list('Pod', namespace, componentPodSelector(cluster, 'fe'));
    if (items.some((p) => isPodReady(p as never))) return performance.now();
    if (performance.now() > deadline) throw new Error(`naive poll in ${namespace}: FE never Ready`);
    await delay(intervalMs);
  }
}

export async function measureDetection(opts: DetectionOptions = {}): Promise<DetectionSamples> {
  const runs = opts.runs ?? 200;
  const timeScale = opts.timeScale ?? 0.01;
  const interval = opts.pollIntervalMs ?? 5000;
  const log = opts.log ?? (() => undefined);
  const sim = await startSimulator({ timeScale, feRestoreSeconds: opts.feRestoreSeconds ?? 10 });
  const spec = referenceSpec();
  const samples = { executorMs: [] as number[], pollScaledMs: [] as number[], pollUnscaledMs: [] as number[], loopDelayP99Ms: 0, loopDelayMaxMs: 0 };
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const background: Promise<void>[] = [];
  try {
    const client = KubeClient.connect({ kubeConfig: sim.kubeConfig() });
    const pollClient = KubeClient.connect({ kubeConfig: sim.kubeConfig() });
    // Run -1 warms up (JIT, HTTP keep-alive, discovery cache) and is not counted.
    for (let i = -1; i < runs; i++) {
      const plan = planIn(sim, spec, i < 0 ? 'latency-warmup' : `latency-${String(i).padStart(3, '0')}`);
      const ready = readyAt(sim, plan.namespace, `${plan.cluster}-fe-0`, 120_000);
      const deadline = performance.now() + 120_000;
      const scaled = naivePoll(pollClient, plan.namespace, plan.cluster, interval * timeScale, deadline);
      const unscaled = naivePoll(pollClient, plan.namespace, plan.cluster, interval, deadline);
      let doneAt = NaN;
      await runRecovery(plan, {
        client,
        timeoutMs: 120_000,
        stopAt: 'done',
        onProgress: (e) => {
          if (e.type === 'status' && e.status.phase === 'done' && Number.isNaN(doneAt)) doneAt = performance.now();
        },
      });
      const readyTime = await ready;
      if (Number.isNaN(doneAt)) throw new Error(`run ${i}: no done status event`);
      if (i < 0) {
        background.push(Promise.all([scaled, unscaled]).then(() => undefined));
        loop.enable();
        continue;
      }
      samples.executorMs.push(doneAt - readyTime);
      samples.pollScaledMs.push((await scaled) - readyTime);
      // Once the last poller has seen it, stop this run's FE: otherwise every finished run leaves a pod probing
      // every few (scaled) milliseconds in this same process, and later samples measure that load, not the executor.
      background.push(
        unscaled.then(async (t) => {
          samples.pollUnscaledMs.push(t - readyTime);
          await client.delete('StatefulSet', plan.namespace, componentResourceName(plan.cluster, 'fe'));
        }),
      );
      if ((i + 1) % 10 === 0) log(`  detection: ${i + 1}/${runs} recoveries`);
    }
    await Promise.all(background);
    loop.disable();
    samples.loopDelayP99Ms = loop.percentile(99) / 1e6;
    samples.loopDelayMaxMs = loop.max / 1e6;
  } finally {
    await sim.stop();
  }
  return samples;
}

export async function benchDetection(opts: DetectionOptions = {}): Promise<Row[]> {
  const timeScale = opts.timeScale ?? 0.01;
  const interval = opts.pollIntervalMs ?? 5000;
  const s = await measureDetection(opts);
  const n = s.executorMs.length;
  const exMed = median(s.executorMs);
  const exP99 = p99(s.executorMs);
  const scaledMs = round(interval * timeScale);
  return [
    { metric: `detection latency, executor, median (${n} runs)`, value: round(exMed), unit: 'ms', target: null, met: true },
    { metric: `detection latency, executor, p99 (${n} runs)`, value: round(exP99), unit: 'ms', target: '< 20 ms', met: exP99 < 20 },
    info(`detection latency, naive ${scaledMs} ms poll (5 s x timeScale), median; ratio = poll / executor`, round(median(s.pollScaledMs)), 'ms', round(median(s.pollScaledMs) / exMed)),
    info(`detection latency, naive ${scaledMs} ms poll (5 s x timeScale), p99; ratio = poll / executor`, round(p99(s.pollScaledMs)), 'ms', round(p99(s.pollScaledMs) / exP99)),
    info('detection latency, naive 5 s poll (unscaled), median; ratio = poll / executor', round(median(s.pollUnscaledMs)), 'ms', round(median(s.pollUnscaledMs) / exMed)),
    info('detection latency, naive 5 s poll (unscaled), p99; ratio = poll / executor', round(p99(s.pollUnscaledMs)), 'ms', round(p99(s.pollUnscaledMs) / exP99)),
    info('(context) event-loop delay of the process (simulator, executor and pollers), p99 over the measured runs', round(s.loopDelayP99Ms), 'ms'),
    info('(context) event-loop delay of the process, max', round(s.loopDelayMaxMs), 'ms'),
  ];
}

if (require.main === module) {
  void benchDetection({ runs: Number(process.argv[2] ?? 200), log: console.log }).then((rows) => console.table(rows));
}
