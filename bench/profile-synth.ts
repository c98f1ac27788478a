/**
 * What warm synth spends its time on: runs the warm synth of the reference cluster (or of many clusters in one App)
 * in a loop under V8's sampling profiler and prints where the time went (cpu-profile-summary.ts). Not part of
 * `npm run bench`; run it when the synth rows move.
 *
 *   npx tsx bench/profile-synth.ts [one|many] [repetitions]     # one: 1 cluster per App (default); many: 1000 in one App
 *
 * It re-runs itself with `--cpu-prof` into a temp folder, then summarises the profile: self time by package or lib
 * folder, the functions with the most self time, and the inclusive time of the steps of a synth.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { printProfileSummary } from './cpu-profile-summary';
import { referenceSpec } from './reference';
import { synthClusters } from './synth';

const [mode = 'one', repsArg] = process.argv.slice(2);
if (mode !== 'one' && mode !== 'many') throw new Error(`mode is one or many, got ${mode}`);
const reps = Number(repsArg ?? (mode === 'one' ? 3000 : 2));

/** The steps whose inclusive time the summary shows, by function name. */
const STEPS = [
  'synthClusters',
  'StarRocksCluster',
  'validateForRoute',
  'checkSpec',
  'preflight',
  'renderCluster',
  'restoreForm',
  'ApiObject',
  'synthYaml',
  '_synthChart',
  'resolveDependencies',
  'validate',
  'toJson',
  'stringify',
];

if (process.env.SR_PROFILE_CHILD === '1') {
  const spec = referenceSpec();
  const n = mode === 'one' ? 1 : 1000;
  for (let i = 0; i < (mode === 'one' ? 200 : 1); i++) synthClusters(spec, n, 'full'); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) synthClusters(spec, n, 'full');
  process.stdout.write(`${reps} x ${n} cluster(s): ${((performance.now() - t0) / reps / n).toFixed(3)} ms per cluster\n`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'sr-profile-'));
  try {
    const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', __filename, mode, String(reps)], {
      stdio: 'inherit',
      env: { ...process.env, SR_PROFILE_CHILD: '1' },
    });
    if (r.status !== 0) throw new Error(`profiled run exited ${r.status}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile written');
    printProfileSummary(join(dir, file), { top: 25, steps: STEPS, within: process.env.SR_PROFILE_WITHIN ?? 'synthClusters' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
