/**
 * Synth cost.
 * - Warm, in-process: one cdk8s App holding the reference cluster's `StarRocksClusterChart` (the compiled build/, as
 *   users run it), synthesized to YAML in memory (`app.synthYaml()`, no file I/O), full and restore forms; median
 *   over many repetitions after a warm-up.
 *   Beside it, in the same rounds (interleaved, the order rotating): the anchor, cdk8s writing the same objects
 *   (one Chart of `ApiObject`s holding our rendered JSON: what cdk8s itself costs for them), and the plain
 *   cdk8s-plus-28 app (same object count). Target: ours within 1.2x of the anchor.
 * - Scaling: 1, 10, 100, 1000 clusters (named sr-0001, ...) in one App, total time / clusters.
 * - Linearity: our growth in per-cluster cost from 10 to 1000 clusters (one chart each) in one App, against the
 *   same growth of the plain cdk8s-plus-28 app with 10 and 1000 charts in one App (cdk8s re-resolves the whole App
 *   per chart, so neither can be flat); target: ours within 1.1x of that app's growth.
 * - Cold: the shipped entry `node bin/starrocks-dr.js synth -o <tmp>` (compiled build/, as `npm run synth` runs it)
 *   against the plain cdk8s-plus-28 app compiled the same way (`node <tmp>/cdk8s-plus-app.js <tmp>`, the same object
 *   count), alternating, median wall time of each. `npm run bench` builds first.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApiObject, App, Chart } from 'cdk8s';
import type * as Constructs from '../lib/constructs';
import type { DrPhaseForm, StarRocksClusterSpec } from '../lib/model/types';
import { PlainChart } from './cdk8s-plus-app';
import { compilePlainApp } from './plain-app-compiled';
import { referenceSpec } from './reference';
import { info, type Row } from './row';
import type * as Render from '../lib/render/cluster';
import { iqr, median, round } from './stats';

const ROOT = join(__dirname, '..');

// The package as users run it: the compiled JavaScript under build/ (`npm run bench` builds first), like cdk8s's own.
// Through tsx every cross-module access is a getter and the construct costs about 20% more.
const { StarRocksCluster, StarRocksClusterChart } = require(join(ROOT, 'build', 'lib', 'constructs')) as typeof Constructs;
const { renderCluster } = require(join(ROOT, 'build', 'lib', 'render', 'cluster')) as typeof Render;

export function clusterName(i: number): string {
  return `sr-${String(i).padStart(4, '0')}`;
}

/** Builds an App with `n` copies of the cluster and synthesizes it to YAML in memory; returns ms and objects. */
export function synthClusters(spec: StarRocksClusterSpec, n: number, form: DrPhaseForm): { ms: number; objects: number } {
  const t0 = performance.now();
  const app = new App();
  for (let i = 1; i <= n; i++) {
    const name = clusterName(i);
    new StarRocksClusterChart(app, name, { spec: { ...spec, name }, namespace: 'starrocks', form });
  }
  const yaml = app.synthYaml();
  const ms = performance.now() - t0;
  return { ms, objects: countDocuments(yaml) };
}

/** The same, but `n` StarRocksCluster constructs inside one Chart (cdk8s then synthesizes one chart, once). */
export function synthConstructs(spec: StarRocksClusterSpec, n: number): number {
  const t0 = performance.now();
  const app = new App();
  const chart = new Chart(app, 'clusters');
  for (let i = 1; i <= n; i++) {
    const name = clusterName(i);
    new StarRocksCluster(chart, name, { spec: { ...spec, name }, namespace: 'starrocks' });
  }
  app.synthYaml();
  return performance.now() - t0;
}

function countDocuments(yaml: string): number {
  return yaml.split(/^kind: /m).length - 1;
}

export interface SynthOptions {
  /** Repetitions for the one-cluster warm median. @default 200 */
  readonly warmRuns?: number;
  /** Repetitions of each cold process. @default 5 */
  readonly coldRuns?: number;
  /** Cluster counts for the scaling run. @default [1, 10, 100, 1000] */
  readonly scale?: readonly number[];
  readonly log?: (line: string) => void;
}

/** The anchor: cdk8s writing exactly our objects (one Chart of ApiObjects holding the rendered JSON), in ms. */
export function synthAnchor(objects: readonly { kind: string; metadata: { name: string } }[]): number {
  const t0 = performance.now();
  const app = new App();
  const chart = new Chart(app, clusterName(1), { namespace: 'starrocks' });
  for (const obj of objects) new ApiObject(chart, `${obj.kind}-${obj.metadata.name}`, obj as never);
  app.synthYaml();
  return performance.now() - t0;
}

/** The plain cdk8s-plus-28 app, one chart, in ms. */
export function synthPlain(): number {
  const t0 = performance.now();
  const app = new App();
  new PlainChart(app, 'plain');
  app.synthYaml();
  return performance.now() - t0;
}

/**
 * Ours, the anchor and the plain app in the same rounds, the order rotating each round (the machine is shared: a
 * slow moment hits all three alike). Medians, spreads, and the median of the per-round ratios.
 */
export function benchWarmAnchored(spec: StarRocksClusterSpec, runs: number, log?: (line: string) => void): Row[] {
  const objects = renderCluster({ ...spec, name: clusterName(1) }, { namespace: 'starrocks' });
  const runs3 = [() => synthClusters(spec, 1, 'full').ms, () => synthAnchor(objects), () => synthPlain()];
  const samples: number[][] = [[], [], []];
  for (let r = -50; r < runs; r++) {
    for (let k = 0; k < 3; k++) {
      const which = (r + 50 + k) % 3;
      const ms = runs3[which]!();
      if (r >= 0) samples[which]!.push(ms);
    }
  }
  const [ours, anchor, plain] = samples as [number[], number[], number[]];
  const perRound = ours.map((o, i) => o / anchor[i]!);
  const ratio = median(ours) / median(anchor);
  log?.(`  synth warm full: ours ${median(ours).toFixed(3)} ms (${iqr(ours)}), cdk8s writing the same objects ${median(anchor).toFixed(3)} ms (${iqr(anchor)}), plain cdk8s-plus app ${median(plain).toFixed(3)} ms; ratio ${ratio.toFixed(3)} (per round: median ${median(perRound).toFixed(3)}, ${iqr(perRound)})`);
  return [
    {
      metric: `synth warm, one cluster, full form (${objects.length} objects), median of ${runs} interleaved rounds; ratio = ours / cdk8s writing the same objects (median of per-round ratios ${round(median(perRound))}, ${iqr(perRound)})`,
      value: round(median(ours)),
      unit: 'ms',
      target: '<= 1.2x the anchor',
      met: ratio <= 1.2,
      ratio: round(ratio),
      spread: iqr(ours),
    },
    { metric: `(anchor) cdk8s writing the same ${objects.length} objects: one Chart of ApiObjects holding our rendered JSON, same rounds`, value: round(median(anchor)), unit: 'ms', target: null, met: true, spread: iqr(anchor) },
    { metric: '(plain app) cdk8s-plus-28 app, one chart (same object count), same rounds; ratio = ours / plain', value: round(median(plain)), unit: 'ms', target: null, met: true, ratio: round(median(ours) / median(plain)), spread: iqr(plain) },
  ];
}

export function benchWarm(opts: SynthOptions = {}): Row[] {
  const spec = referenceSpec();
  const runs = opts.warmRuns ?? 200;
  const rows: Row[] = [...benchWarmAnchored(spec, runs, opts.log)];
  for (const form of ['restore'] as const) {
    for (let i = 0; i < 50; i++) synthClusters(spec, 1, form);
    const samples: number[] = [];
    let objects = 0;
    for (let i = 0; i < runs; i++) {
      const r = synthClusters(spec, 1, form);
      samples.push(r.ms);
      objects = r.objects;
    }
    const m = median(samples);
    opts.log?.(`  synth warm ${form}: median ${m.toFixed(3)} ms (${objects} objects, ${runs} runs)`);
    rows.push({ metric: `synth warm, one cluster, ${form} form (${objects} objects), median of ${runs}`, value: round(m), unit: 'ms', target: '<= 5 ms', met: m <= 5, spread: iqr(samples) });
  }

  const perCluster = new Map<number, number>();
  for (const n of opts.scale ?? [1, 10, 100, 1000]) {
    const reps = Math.max(3, Math.min(30, Math.round(2000 / n)));
    synthClusters(spec, n, 'full');
    const samples: number[] = [];
    for (let i = 0; i < reps; i++) samples.push(synthClusters(spec, n, 'full').ms / n);
    const m = median(samples);
    perCluster.set(n, m);
    opts.log?.(`  synth ${n} clusters in one app: ${m.toFixed(3)} ms per cluster (median of ${reps})`);
    rows.push({ metric: `synth warm, ${n} cluster(s) in one app, per cluster (median of ${reps})`, value: round(m), unit: 'ms', target: '<= 5 ms', met: m <= 5, spread: iqr(samples) });
  }
  const ten = perCluster.get(10);
  const thousand = perCluster.get(1000);
  if (ten !== undefined && thousand !== undefined) {
    const ratio = thousand / ten;
    rows.push(info('synth growth alone: per-cluster cost at 1000 / at 10 (see the row against cdk8s-plus)', round(ratio), 'x', round(ratio)));
    // What-if: the same 1000 clusters, one App each (cdk8s's App-level passes then see one cluster at a time).
    const apart: number[] = [];
    for (let r = 0; r < 3; r++) {
      let total = 0;
      for (let i = 0; i < 1000; i++) total += synthClusters(spec, 1, 'full').ms;
      apart.push(total / 1000);
    }
    rows.push(info('synth warm, 1000 clusters, one App each, per cluster (what-if); ratio = vs 10 in one app', round(median(apart)), 'ms', round(median(apart) / ten)));
    // What-if: 10 and 1000 StarRocksCluster constructs in one Chart of one App. cdk8s's Chart.toJson() re-runs the
    // App-wide dependency and validation passes for every chart (App._synthChart), which is what makes N charts in
    // one App grow faster than N; one chart avoids it.
    const inOneChart = (n: number, reps: number) => {
      synthConstructs(spec, n);
      return median(Array.from({ length: reps }, () => synthConstructs(spec, n) / n));
    };
    const c10 = inOneChart(10, 30);
    const c1000 = inOneChart(1000, 3);
    rows.push(info('synth warm, 10 clusters as constructs in one chart, per cluster (what-if)', round(c10), 'ms'));
    rows.push(info('synth warm, 1000 clusters as constructs in one chart, per cluster (what-if); ratio = vs 10', round(c1000), 'ms', round(c1000 / c10)));
  }
  // The plain cdk8s-plus-28 app with the same numbers of charts in one App: the growth cdk8s itself adds.
  const plainPer = (n: number) => {
    const t0 = performance.now();
    const app = new App();
    for (let i = 0; i < n; i++) new PlainChart(app, `plain-${i}`);
    app.synthYaml();
    return (performance.now() - t0) / n;
  };
  plainPer(10);
  const p10 = median([plainPer(10), plainPer(10), plainPer(10)]);
  const p1000 = plainPer(1000); // about a minute on 2 cores: one sample
  const plainGrowth = p1000 / p10;
  rows.push(info('cdk8s-plus-28 app, warm, per chart at 10 in one app', round(p10), 'ms'));
  rows.push(info('cdk8s-plus-28 app, warm, per chart at 1000 in one app; ratio = vs 10 (its growth)', round(p1000), 'ms', round(plainGrowth)));
  if (ten !== undefined && thousand !== undefined) {
    const ours = thousand / ten;
    const relative = ours / plainGrowth;
    opts.log?.(`  linearity: ours ${ours.toFixed(2)}x from 10 to 1000, cdk8s-plus app ${plainGrowth.toFixed(2)}x`);
    rows.push({ metric: 'synth linearity vs cdk8s-plus: (our per-cluster cost 1000 / 10) / (plain app per-chart 1000 / 10)', value: round(relative), unit: 'x', target: '<= 1.1x', met: relative <= 1.1, ratio: round(relative) });
  }
  return rows;
}

function timeProcess(cmd: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

function objectsIn(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .reduce((n, f) => n + countDocuments(readFileSync(join(dir, f), 'utf8')), 0);
}

export async function benchCold(opts: SynthOptions = {}): Promise<Row[]> {
  const runs = opts.coldRuns ?? 11;
  const dir = mkdtempSync(join(tmpdir(), 'sr-bench-synth-'));
  const plainApp = await compilePlainApp();
  try {
    const ours: number[] = [];
    const plain: number[] = [];
    // Alternate so both see the same machine load; the first pair warms the disk cache.
    for (let i = -1; i < runs; i++) {
      const a = await timeProcess(process.execPath, [join(ROOT, 'bin', 'starrocks-dr.js'), 'synth', '-o', join(dir, 'ours')]);
      const b = await timeProcess(process.execPath, [plainApp.app, join(dir, 'plain')]);
      if (i < 0) continue;
      ours.push(a);
      plain.push(b);
    }
    const nOurs = objectsIn(join(dir, 'ours'));
    const nPlain = objectsIn(join(dir, 'plain'));
    if (nOurs !== nPlain) throw new Error(`object counts differ: starrocks-dr synth wrote ${nOurs}, the cdk8s-plus app ${nPlain}`);
    const mo = median(ours);
    const mp = median(plain);
    const perPair = ours.map((o, i) => o / plain[i]!);
    opts.log?.(`  cold synth (compiled): ours ${ours.map((x) => Math.round(x)).join(', ')} ms; cdk8s-plus ${plain.map((x) => Math.round(x)).join(', ')} ms`);
    const ratio = mo / mp;
    return [
      {
        metric: `cold \`synth\` process (node bin/starrocks-dr.js synth, compiled, ${nOurs} objects), median of ${runs} pairs; ratio = ours / cdk8s-plus app (median of per-pair ratios ${round(median(perPair))}, ${iqr(perPair)})`,
        value: Math.round(mo),
        unit: 'ms',
        target: '<= 1.0x cdk8s-plus',
        met: ratio <= 1.0,
        ratio: round(ratio),
        spread: iqr(ours),
      },
      { metric: `cold cdk8s-plus-28 app process (compiled, node cdk8s-plus-app.js, ${nPlain} objects), median of ${runs}, same pairs`, value: Math.round(mp), unit: 'ms', target: null, met: true, spread: iqr(plain) },
    ];
  } finally {
    plainApp.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const log = console.log;
  const rows = benchWarm({ log });
  void benchCold({ coldRuns: Number(process.argv[2] ?? 3), log }).then((cold) => console.table([...rows, ...cold]));
}
