/** `starrocks-dr synth` as a process: exit codes, one message, nothing written on bad input. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '../../bin/starrocks-dr.js');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('synth command', () => {
  it('writes the built-in reference cluster with no values given', () => {
    const out = mkdtempSync(join(tmpdir(), 'srdr-synth-'));
    const r = run(['synth', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const yaml = readFileSync(join(out, 'kube-starrocks.k8s.yaml'), 'utf8');
    assert.match(yaml, /name: kube-starrocks-fe\n/);
    assert.match(yaml, /name: kube-starrocks-cn\n/);
  });

  it('writes the restore form with --dr-phase restore', () => {
    const out = mkdtempSync(join(tmpdir(), 'srdr-synth-'));
    const r = run(['synth', '-f', join(__dirname, '../../examples/starrocks-values.yaml'), '-f', join(__dirname, '../../examples/override.yaml'), '--dr-phase', 'restore', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const yaml = readFileSync(join(out, 'kube-starrocks.k8s.yaml'), 'utf8');
    assert.match(yaml, /name: RESTORE_CLUSTER_GENERATION\n\s+value: "1"/);
    assert.doesNotMatch(yaml, /name: kube-starrocks-cn\n/);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['a typo', 'starrocks:\n  starrocksFESpec:\n    replica: 3\n', /starrocks\.starrocksFESpec\.replica.*did you mean `replicas`/],
    ['a wrong type', 'starrocks:\n  starrocksFESpec:\n    replicas: three\n', /starrocks\.starrocksFESpec\.replicas/],
    ['unparseable YAML', 'starrocks:\n  starrocksFESpec: [\n', /line \d+/],
  ];
  for (const [name, text, message] of bad) {
    it(`exits 2 with one line and writes nothing: ${name}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'srdr-bad-'));
      const values = join(dir, 'values.yaml');
      writeFileSync(values, text);
      const out = join(dir, 'out');
      const r = run(['synth', '-f', values, '-o', out]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /values\.yaml/);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one message');
      assert.ok(!existsSync(out) || readdirSync(out).length === 0, 'no partial output');
    });
  }

  it('exits 2 naming a missing values file', () => {
    const r = run(['synth', '-f', '/nonexistent/values.yaml', '-o', mkdtempSync(join(tmpdir(), 'srdr-'))]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\/nonexistent\/values\.yaml/);
  });

  it('prints help for every command and exits 0', () => {
    for (const args of [['--help'], ['synth', '--help'], ['dr', '--help'], ['dr', 'run', '--help'], ['dr', 'status', '--help'], ['dr', 'wait', '--help'], ['sim', '--help'], ['demo', '--help']]) {
      const r = run(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /Usage: starrocks-dr/);
    }
  });

  it('exits 2 on an unknown option, with usage help', () => {
    const r = run(['synth', '--nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--nope'/);
  });
});
