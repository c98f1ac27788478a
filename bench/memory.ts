/**
 * Memory and concurrency.
 * - One `dr run`: the CLI exactly as users run it (`npx tsx lib/cli/main.ts dr run --kubeconfig <file>`) against a
 *   simulator served by `starrocks-dr sim` in another process; peak RSS from `/usr/bin/time -f %M`, which reports
 *   the largest process of the tree (the node process running the CLI, not npx).
 * - 50 clusters at once: this file run as a child (`npx tsx bench/memory.ts many <kubeconfig> <n>`) starts n
 *   recoveries concurrently in one process against one simulator (again in another process, so the RSS is the
 *   recoveries' alone) and reports whether every one reached `done` with every status event seen in order.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { KubeClient } from '../lib/kube/client';
import { readStatus, runRecovery } from '../lib/dr/executor';
import { planRecovery } from '../lib/dr/plan';
import type { CompiledTree } from './compiled';
import { referenceSpec } from './reference';
import { info, type Row } from './row';

const ROOT = join(__dirname, '..');
const MB = 1024;

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `cmd args` under /usr/bin/time and returns its exit and the peak RSS in KiB. */
async function peakRss(cmd: string, args: readonly string[], dir: string): Promise<Exit & { rssKiB: number }> {
  const out = join(dir, `time-${Math.random().toString(36).slice(2)}.txt`);
  const exit = await run('/usr/bin/time', ['-f', '%M', '-o', out, cmd, ...args]);
  const rssKiB = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
  return { ...exit, rssKiB };
}

/** `starrocks-dr sim` in its own process; resolves once its kubeconfig is written. */
async function startSimProcess(dir: string, timeScale: number) {
  const kubeconfig = join(dir, `sim-${Math.random().toString(36).slice(2)}.kubeconfig`);
  const child = spawn('npx', ['tsx', 'lib/cli/main.ts', 'sim', '--port', '0', '--kubeconfig-out', kubeconfig, '--time-scale', String(timeScale), '--fe-restore-seconds', '10'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  child.stdout!.resume();
  const deadline = Date.now() + 60_000;
  while (!existsSync(kubeconfig)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the simulator process did not start');
    await delay(50);
  }
  return {
    kubeconfig,
    stop: async () => {
      const closed = new Promise((r) => child.once('close', r));
      // npx -> tsx -> node: signal the group this benchmark started, so no process is left behind.
      process.kill(-child.pid!, 'SIGTERM');
      await closed;
    },
  };
}

export interface ManyResult {
  readonly clusters: number;
  readonly done: number;
  /** Recoveries whose status events were not todo -> doing -> done in order, or whose record is not done. */
  readonly missed: string[];
  readonly wallMs: number;
}

/** The child's work: n recoveries of the reference cluster at once, one namespace each. */
export async function recoverMany(kubeconfig: string, n: number, deadlineMs = 3 * 60_000): Promise<ManyResult> {
  const spec = referenceSpec();
  const client = KubeClient.connect({ kubeconfig });
  const core = client.kubeConfig.makeApiClient(CoreV1Api);
  const namespaces = Array.from({ length: n }, (_, i) => `many-${String(i).padStart(3, '0')}`);
  for (const name of namespaces) await core.createNamespace({ body: { metadata: { name } } });
  const t0 = performance.now();
  const missed: string[] = [];
  const last = new Map<string, string>();
  let done = 0;
  const all = Promise.all(
    namespaces.map(async (ns) => {
      const plan = planRecovery(spec, ns).plan;
      const phases: string[] = [];
      try {
        const final = await runRecovery(plan, {
          client: KubeClient.connect({ kubeconfig }),
          timeoutMs: deadlineMs,
          onProgress: (e) => {
            last.set(ns, JSON.stringify(e).slice(0, 160));
            if (e.type === 'status' && phases[phases.length - 1] !== e.status.phase) phases.push(e.status.phase);
          },
        });
        const recorded = await readStatus(client, plan.cluster, ns);
        const ok = final.phase === 'done' && recorded?.phase === 'done' && phases.join(',') === 'todo,doing,done';
        if (ok) done++;
        else missed.push(`${ns}: events ${phases.join(',')}, recorded ${recorded?.phase}`);
      } catch (err) {
        missed.push(`${ns}: ${(err as Error).message}`);
      } finally {
        last.delete(ns);
      }
    }),
  );
  // A recovery that never returns (a lost event or a request with no answer) must not hang the benchmark.
  const timedOut = await Promise.race([all.then(() => false), delay(deadlineMs + 10_000, true, { ref: false })]);
  if (timedOut) for (const [ns, event] of last) missed.push(`${ns}: still running, last event ${event}`);
  return { clusters: n, done, missed, wallMs: performance.now() - t0 };
}

export interface MemoryOptions {
  /** @default 50 */
  readonly clusters?: number;
  /** @default 0.05 */
  readonly timeScale?: number;
  /** Also measure `dr run` compiled to JS under plain node (a what-if row). */
  readonly compiled?: CompiledTree;
  readonly log?: (line: string) => void;
}

/** `npm run build`: compiles lib/ to build/, which bin/starrocks-dr.js runs. */
function buildProject(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (exit ${code})`))));
  });
}

export async function benchMemory(opts: MemoryOptions = {}): Promise<Row[]> {
  const clusters = opts.clusters ?? 50;
  const timeScale = opts.timeScale ?? 0.05;
  const dir = mkdtempSync(join(tmpdir(), 'sr-bench-mem-'));
  const rows: Row[] = [];
  try {
    let sim = await startSimProcess(dir, timeScale);
    try {
      // The shipped entry (bin/starrocks-dr.js) runs build/, as `npm run build` leaves it.
      await buildProject();
      const one = await peakRss('node', ['bin/starrocks-dr.js', 'dr', 'run', '--kubeconfig', sim.kubeconfig, '-o', 'json'], dir);
      const last = one.stdout.trim().split('\n').pop() ?? '';
      if (one.code !== 0 || !last.includes('"phase":"done"')) throw new Error(`dr run failed (exit ${one.code}): ${one.stderr.slice(-500)}`);
      const mb = one.rssKiB / MB;
      opts.log?.(`  memory: one dr run peak RSS ${mb.toFixed(1)} MB`);
      rows.push({ metric: 'peak RSS, one `dr run` (node bin/starrocks-dr.js, built)', value: Math.round(mb * 10) / 10, unit: 'MB', target: '< 150 MB', met: mb < 150 });
      // The same from source through tsx (what a developer runs while editing lib/), in another namespace.
      await KubeClient.connect({ kubeconfig: sim.kubeconfig }).kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'from-source' } } });
      const src = await peakRss('npx', ['tsx', 'lib/cli/main.ts', 'dr', 'run', '--kubeconfig', sim.kubeconfig, '-n', 'from-source', '-o', 'json'], dir);
      if (src.code !== 0) throw new Error(`dr run from source failed (exit ${src.code}): ${src.stderr.slice(-500)}`);
      rows.push(info('peak RSS, one `dr run` from source (npx tsx lib/cli/main.ts)', Math.round((src.rssKiB / MB) * 10) / 10, 'MB'));
      if (opts.compiled) {
        // A second recovery in another namespace, so it is a whole run too, not a no-op on a finished generation.
        await KubeClient.connect({ kubeconfig: sim.kubeconfig }).kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'compiled' } } });
        const js = await peakRss('node', [opts.compiled.cli, 'dr', 'run', '--kubeconfig', sim.kubeconfig, ...opts.compiled.valuesArgs, '-n', 'compiled', '-o', 'json'], dir);
        const jsLast = js.stdout.trim().split('\n').pop() ?? '';
        if (js.code !== 0 || !jsLast.includes('"phase":"done"')) throw new Error(`compiled dr run failed (exit ${js.code}): ${js.stderr.slice(-500)}`);
        opts.log?.(`  memory: one dr run, compiled JS under node, peak RSS ${(js.rssKiB / MB).toFixed(1)} MB`);
        rows.push(info('peak RSS, one `dr run` compiled to JS under plain node (what-if)', Math.round((js.rssKiB / MB) * 10) / 10, 'MB'));
      }
    } finally {
      await sim.stop();
    }
    sim = await startSimProcess(dir, timeScale);
    try {
      const many = await peakRss('npx', ['tsx', 'bench/memory.ts', 'many', sim.kubeconfig, String(clusters)], dir);
      if (many.code !== 0) throw new Error(`${clusters} recoveries failed (exit ${many.code}): ${many.stderr.slice(-800)}`);
      const result = JSON.parse(many.stdout.trim().split('\n').pop()!) as ManyResult;
      const mb = many.rssKiB / MB;
      opts.log?.(`  memory: ${clusters} recoveries: ${result.done} done in ${Math.round(result.wallMs)} ms, peak RSS ${mb.toFixed(1)} MB${result.missed.length ? `; missed: ${result.missed.join('; ')}` : ''}`);
      rows.push({ metric: `peak RSS, ${clusters} recoveries at once in one process`, value: Math.round(mb * 10) / 10, unit: 'MB', target: '< 400 MB', met: mb < 400 });
      rows.push({ metric: `${clusters} concurrent recoveries reaching done, all events seen`, value: result.done, unit: `of ${clusters}`, target: `${clusters} of ${clusters}`, met: result.done === clusters && result.missed.length === 0 });
      rows.push({ metric: `${clusters} concurrent recoveries, wall time (timeScale ${timeScale})`, value: Math.round(result.wallMs), unit: 'ms', target: null, met: true });
    } finally {
      await sim.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) {
  const [mode, a, b] = process.argv.slice(2);
  if (mode === 'many') {
    void recoverMany(a, Number(b)).then(
      (r) => {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        // Recoveries still running (reported as missed) hold sockets open.
        process.exit(0);
      },
      (err) => {
        process.stderr.write(`${(err as Error).stack ?? err}\n`);
        process.exitCode = 1;
      },
    );
  } else {
    void benchMemory({ clusters: Number(a ?? 50), log: console.log }).then((rows) => console.table(rows));
  }
}
