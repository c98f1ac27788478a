/**
 * `npm run bench`: every benchmark, one after another in one run, printed as one table and written as JSON rows to
 * bench/results/latest.json (git-ignored). Benchmarks are measurements, not tests: a missed target is reported
 * (`met: false`), never turned into a failure, and the exit code is 0 unless a benchmark could not run.
 *
 * Flags:
 *   --quick          fewer repetitions (cold synth 3 pairs, warm synth 100 rounds, no compiled-JS what-if rows)
 *   --only=a,b       run only some of: synth, cold, detection, requests, memory, verify
 *   --no-compiled    skip the memory what-if rows that need a `tsc` build into a temp dir (~15 s)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchApiRequests } from './api-requests';
import { compileProject, type CompiledTree } from './compiled';
import { benchDetection } from './detection-latency';
import { benchMemory } from './memory';
import type { Row } from './row';
import { benchCold, benchWarm } from './synth';
import { benchVerification } from './verification';

const ALL = ['synth', 'cold', 'detection', 'requests', 'memory', 'verify'] as const;
type Bench = (typeof ALL)[number];

function parseArgs(argv: readonly string[]): { quick: boolean; compiled: boolean; only: Set<Bench> } {
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--only='));
  const chosen = only ? only.slice('--only='.length).split(',') : [...ALL];
  for (const c of chosen) if (!(ALL as readonly string[]).includes(c)) throw new Error(`unknown benchmark "${c}"; use ${ALL.join(', ')}`);
  return { quick, compiled: !quick && !argv.includes('--no-compiled'), only: new Set(chosen as Bench[]) };
}

function machine(): Record<string, string | number> {
  return { nproc: cpus().length, node: process.version, cpu: cpus()[0]?.model ?? 'unknown', platform: `${process.platform} ${process.arch}` };
}

function printTable(rows: readonly Row[]): void {
  const cells = rows.map((r) => [r.metric, String(r.value), r.unit, r.target ?? '-', r.target === null ? '' : r.met ? 'yes' : 'NO', r.ratio === undefined ? '' : String(r.ratio), r.spread ?? '']);
  const head = ['metric', 'value', 'unit', 'target', 'met', 'ratio', 'spread'];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 1 || i === 5 ? x.padStart(width[i]) : x.padEnd(width[i]))).join(' | ');
  process.stdout.write(`${line(head)}\n${width.map((w) => '-'.repeat(w)).join('-|-')}\n${cells.map(line).join('\n')}\n`);
}

async function main(): Promise<void> {
  const { quick, compiled: wantCompiled, only } = parseArgs(process.argv.slice(2));
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const started = performance.now();
  const rows: Row[] = [];
  const m = machine();
  log(`starrocks-dr benchmarks${quick ? ' (quick)' : ''} on ${m.cpu}, ${m.nproc} CPUs, node ${m.node}`);
  let compiled: CompiledTree | undefined;
  try {
    if (wantCompiled && only.has('memory')) {
      log('compiling the project to JS for the what-if rows ...');
      compiled = await compileProject();
    }
    if (only.has('synth')) {
      log('synth (warm, in-process) ...');
      rows.push(...benchWarm({ warmRuns: quick ? 100 : 200, log }));
    }
    if (only.has('cold')) {
      log('synth (cold processes) ...');
      rows.push(...(await benchCold({ coldRuns: quick ? 3 : 11, log })));
    }
    if (only.has('detection')) {
      log('detection latency ...');
      rows.push(...(await benchDetection({ runs: quick ? 50 : 200, log })));
    }
    if (only.has('requests')) {
      log('API requests per recovery ...');
      rows.push(...(await benchApiRequests({ timeScale: quick ? 0.02 : 0.05, log })));
    }
    if (only.has('verify')) {
      log('verifying a restore from the database ...');
      rows.push(...(await benchVerification({ log })));
    }
    if (only.has('memory')) {
      log('memory and concurrency ...');
      rows.push(...(await benchMemory({ clusters: 50, compiled, log })));
    }
  } finally {
    compiled?.remove();
  }
  process.stdout.write('\n');
  printTable(rows);
  const targeted = rows.filter((r) => r.target !== null);
  const missed = targeted.filter((r) => !r.met);
  process.stdout.write(`\n${targeted.length - missed.length}/${targeted.length} targets met; missed:\n${missed.map((r) => `  - ${r.metric}`).join('\n') || '  none'}\n`);
  process.stdout.write(`finished in ${Math.round((performance.now() - started) / 1000)} s\n`);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(rows, null, 2)}\n`);
  writeFileSync(join(dir, 'machine.json'), `${JSON.stringify({ ...m, quick, date: new Date().toISOString() }, null, 2)}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
