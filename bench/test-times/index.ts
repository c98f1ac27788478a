/**
 * `npm run bench:tests`: how long the tests take, grouped by what they do: in-process (nothing but the test's own
 * process: the simulator, Pulumi mocks, synthesis), process (starts the CLI, kubectl, node), package install (runs
 * npm). The group is measured, not declared: each file first runs alone (one process, as `node --test` runs it) with a
 * preloaded probe (spawn-probe.cjs) that notes every child process it starts. Then each group runs as one suite, as
 * `npm test` runs it (files in parallel, one per CPU): that wall time is the group's time. Writes
 * bench/results/test-times.json (git-ignored).
 *
 *   tsx bench/test-times [file ...]     (with files: only the per-file times)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

type Group = 'in-process' | 'process' | 'package install';

interface FileTime {
  readonly file: string;
  readonly group: Group;
  readonly seconds: number;
  readonly tests: number;
  readonly failed: number;
  readonly spawned: readonly string[];
}

const root = join(__dirname, '..', '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? testFiles(path) : name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

function groupOf(spawned: readonly string[]): Group {
  if (spawned.some((c) => c === 'npm' || c === 'npm-cli.js')) return 'package install';
  return spawned.length > 0 ? 'process' : 'in-process';
}

/** A total from the TAP reporter's summary (`# tests 12`). */
function tapCount(tap: string, key: 'tests' | 'fail'): number {
  return Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
}

function timeFile(file: string, scratch: string): FileTime {
  const spawns = join(scratch, 'spawns.txt');
  rmSync(spawns, { force: true });
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--require', join(__dirname, 'spawn-probe.cjs'), '--import', 'tsx', '--test', '--test-reporter=tap', file], {
    cwd: root,
    env: { ...process.env, TEST_TIMES_SPAWNS: spawns },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  let spawned: string[] = [];
  try {
    spawned = [...new Set(readFileSync(spawns, 'utf8').split('\n').filter(Boolean))].sort();
  } catch {
    // no child process
  }
  return { file: relative(root, file), group: groupOf(spawned), seconds: Math.round(seconds * 10) / 10, tests: tapCount(run.stdout, 'tests'), failed: tapCount(run.stdout, 'fail'), spawned };
}

/** Wall time of `files` run as one `node --test`, as npm test runs them. */
function timeSuite(files: readonly string[], concurrency: number): { seconds: number; tests: number; failed: number } {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=tap', ...files], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { seconds: Math.round((performance.now() - started) / 100) / 10, tests: tapCount(run.stdout, 'tests'), failed: tapCount(run.stdout, 'fail') };
}

function main(): void {
  const args = process.argv.slice(2);
  const files = args.filter((a) => !a.startsWith('--'));
  const scratch = mkdtempSync(join(tmpdir(), 'test-times-'));
  const times: FileTime[] = [];
  try {
    for (const file of files.length > 0 ? files.map((f) => join(root, f)) : testFiles(join(root, 'test'))) {
      const t = timeFile(file, scratch);
      times.push(t);
      process.stderr.write(`${t.seconds.toFixed(1).padStart(6)} s  ${t.group.padEnd(15)} ${t.file}${t.failed ? `  (${t.failed} failed)` : ''}\n`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const concurrency = availableParallelism();
  const groups = (['in-process', 'process', 'package install'] as const).map((group) => {
    const of = times.filter((t) => t.group === group);
    const sumOfFiles = Math.round(of.reduce((n, t) => n + t.seconds, 0) * 10) / 10;
    const suite = files.length === 0 && of.length > 0 ? timeSuite(of.map((t) => t.file), concurrency) : undefined;
    return { group, files: of.length, tests: of.reduce((n, t) => n + t.tests, 0), sumOfFiles, suite };
  });
  const report = { machine: { nproc: cpus().length, node: process.version, concurrency }, groups, files: times };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'test-times.json'), JSON.stringify(report, null, 2) + '\n');
  for (const g of groups) {
    const suite = g.suite ? `, ${g.suite.seconds.toFixed(1)} s as one suite (${concurrency} files at a time${g.suite.failed ? `, ${g.suite.failed} failed` : ''})` : '';
    process.stdout.write(`${g.group.padEnd(16)} ${String(g.files).padStart(3)} files ${String(g.tests).padStart(4)} tests: ${g.sumOfFiles.toFixed(1)} s summed over files run alone${suite}\n`);
  }
  if (times.some((t) => t.failed > 0) || groups.some((g) => (g.suite?.failed ?? 0) > 0)) process.exitCode = 1;
}

main();
