/** `npx cdk8s synth` (cdk8s.yaml ─▶ main.ts) and `starrocks-dr synth` write the same bytes for the reference cluster. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

it('npx cdk8s synth and starrocks-dr synth write byte-identical manifests', () => {
  const viaCdk8s = mkdtempSync(join(tmpdir(), 'srdr-cdk8s-'));
  const viaCli = mkdtempSync(join(tmpdir(), 'srdr-cli-'));
  // cdk8s-cli looks for a newer version of itself on the network; offline that prints an error and goes on.
  const cdk8s = spawnSync('npx', ['cdk8s', 'synth', '--output', viaCdk8s], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.equal(cdk8s.status, 0, cdk8s.stderr);
  const cli = spawnSync(process.execPath, [join(ROOT, 'bin/starrocks-dr.js'), 'synth', '-o', viaCli], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const a = readFileSync(join(viaCdk8s, 'kube-starrocks.k8s.yaml'));
  const b = readFileSync(join(viaCli, 'kube-starrocks.k8s.yaml'));
  assert.ok(a.length > 1000);
  assert.ok(a.equals(b), 'same bytes');
});
