/**
 * The GitOps walkthrough (examples/gitops/README.md, "Try it without an engine") run as written: its shell block,
 * line by line through bash, with `starrocks-dr` the shipped bin and `kubectl` the real one, against the simulator as
 * `~/.kube/config`. What a reader copies must work: `kubectl apply --server-side -k` on the synthesized tree (a `-f`
 * of the folder sends kustomization.yaml to the API server and fails), `dr wait` recording done, the full form rolling out.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../sim';
import { statusFromConfigMap } from '../../lib/dr/status-record';
import { isRestoreForm } from '../../lib/dr/readiness';
import { KUBECTL, SKIP_WITHOUT_KUBECTL, VALIDATE_FLAGS } from '../kubectl';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'starrocks-dr.js');

/** The shell block under the "Try it without an engine" heading, one command per line. */
function walkthroughCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'examples', 'gitops', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it without an engine'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'the walkthrough has its shell block');
  return block[1].split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

function bash(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  // `starrocks-dr` is the shipped bin; kubectl older than 1.27 validates against /openapi/v2, which the simulator
  // does not serve (sim/README.md): it gets VALIDATE_FLAGS on apply, and nothing else changes.
  const prelude = `starrocks-dr() { node ${JSON.stringify(BIN)} "$@"; }\nkubectl() { if [ "$1" = apply ]; then shift; ${JSON.stringify(KUBECTL)} apply ${VALIDATE_FLAGS.join(' ')} "$@"; else ${JSON.stringify(KUBECTL)} "$@"; fi; }\n`;
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', prelude + line], { cwd, env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('examples/gitops/README.md, as written, with kubectl and the simulator', { skip: SKIP_WITHOUT_KUBECTL }, () => {
  let sim: Simulator;
  let home: string;
  let work: string;
  before(async () => {
    sim = await startSimulator({ timeScale: 0.02, feRestoreSeconds: 10, feStartupSeconds: 2, backendStartupSeconds: 2 });
    home = mkdtempSync(join(tmpdir(), 'srdr-walk-home-'));
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), sim.kubeConfigYaml());
    // A clone of this repository as far as the commands read it: the example values.
    work = mkdtempSync(join(tmpdir(), 'srdr-walk-'));
    mkdirSync(join(work, 'examples'));
    for (const f of ['starrocks-values.yaml', 'override.yaml']) cpSync(join(ROOT, 'examples', f), join(work, 'examples', f));
  });
  after(async () => {
    await sim?.stop();
  });

  it('every command succeeds in order, and the cluster ends restored in its full topology', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.KUBECONFIG;
    const commands = walkthroughCommands();
    assert.ok(commands.some((c) => /kubectl apply --server-side -k /.test(c)), 'the tree is applied with -k');
    for (const command of commands) {
      const r = await bash(command, work, env);
      assert.equal(r.code, 0, `${command}\n${r.stderr}`);
    }
    const record = statusFromConfigMap(sim.get('ConfigMap', 'default', 'kube-starrocks-disaster-recovery'));
    assert.equal(record.phase, 'done');
    // dr wait returned only once the database confirmed the restore (the restore checks); dr verify then checked the rollout.
    assert.equal(record.conditions.find((c) => c.type === 'Verified')?.reason, 'RestoreChecksPassed');
    const fe = sim.get('StatefulSet', 'default', 'kube-starrocks-fe');
    assert.equal(isRestoreForm(fe), false, 'the full form removed the restore env (one field manager, kubectl, applied both)');
    assert.equal(fe.spec.replicas, 3);
  });

  it('`-f <dir>` on the same tree fails on kustomization.yaml: why the walkthrough says -k', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    const r = await bash('kubectl apply --server-side -f gitops/starrocks/kube-starrocks', work, env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /kustomization\.yaml/);
  });
});
