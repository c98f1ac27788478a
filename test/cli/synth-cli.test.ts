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

/** Errors a user can cause on the command line: exit 2, one line naming what to change, no stack trace, nothing written. */
describe('synth command: input and output errors', () => {
  const reference = join(__dirname, '../../examples/starrocks-values.yaml');
  function expectInputError(args: string[], message: RegExp): void {
    const r = run(args);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('notice: '));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '');
  }

  it('-o pointing at a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'srdr-o-')), 'a-file');
    writeFileSync(file, 'keep me');
    expectInputError(['synth', '-o', file], /-o\/--out: is a file, or lies under a file, not a folder/);
    assert.equal(readFileSync(file, 'utf8'), 'keep me');
  });

  it('-o under a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'srdr-o-')), 'a-file');
    writeFileSync(file, '');
    expectInputError(['synth', '-o', join(file, 'sub')], /-o\/--out: is a file, or lies under a file/);
  });

  it('-o where no folder can be created', { skip: process.platform !== 'linux' }, () => {
    expectInputError(['synth', '-o', '/proc/starrocks-dr-out'], /\/proc\/starrocks-dr-out: -o\/--out: cannot be written/);
  });

  it('-o with a name longer than the file system allows', () => {
    const long = join(mkdtempSync(join(tmpdir(), 'srdr-o-')), 'd'.repeat(300));
    expectInputError(['synth', '-o', long], /-o\/--out: is a path longer than the file system allows/);
  });

  it('-f with a name longer than the file system allows', () => {
    expectInputError(['synth', '-f', join(tmpdir(), 'v'.repeat(300) + '.yaml'), '-o', mkdtempSync(join(tmpdir(), 'srdr-'))], /: values file: has a name longer than the file system allows/);
  });

  it('--layout objects with an object whose file name would exceed 255 bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'srdr-long-'));
    const name = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(60)].join('.');
    writeFileSync(join(dir, 'v.yaml'), `starrocks:\n  configMaps:\n    - name: ${name}\n      data: {k: v}\n`);
    const out = join(dir, 'out');
    expectInputError(['synth', '-f', reference, '-f', join(dir, 'v.yaml'), '--layout', 'objects', '-o', out], /--layout objects: the file name for ConfigMap\/a+\..* would exceed the 255 bytes/);
    assert.ok(!existsSync(out), 'nothing written');
  });

  it('-f /dev/zero stops at the 4 MiB cap', { skip: !existsSync('/dev/zero') }, () => {
    expectInputError(['synth', '-f', '/dev/zero', '-o', mkdtempSync(join(tmpdir(), 'srdr-'))], /\/dev\/zero: values file: is larger than 4 MiB/);
  });

  it('a YAML alias bomb', () => {
    const dir = mkdtempSync(join(tmpdir(), 'srdr-bomb-'));
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [i, k] of [...'bcdefghi'].entries()) lines.push(`${k}: &${k} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`);
    writeFileSync(join(dir, 'bomb.yaml'), lines.join('\n') + '\n');
    expectInputError(['synth', '-f', join(dir, 'bomb.yaml'), '-o', join(dir, 'out')], /bomb\.yaml: \(YAML aliases\): expands YAML aliases more than 1000 times/);
    assert.ok(!existsSync(join(dir, 'out')));
  });

  it('a secret value in a wrongly typed key is not echoed, and the fix does not change the number it names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'srdr-secret-'));
    writeFileSync(join(dir, 'v.yaml'), 'starrocks:\n  starrocksFESpec:\n    config: |\n      run_mode = shared_data\n      query_port = 70000\n      aws_s3_secret_key = Zm9vYmFyc2VjcmV0\n');
    const r = run(['synth', '-f', reference, '-f', join(dir, 'v.yaml'), '-o', join(dir, 'out')]);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /Zm9vYmFyc2VjcmV0/);
    assert.match(r.stderr, /sets query_port to 70000, outside the port range 1-65535/);
    // The only numbers: the one the user wrote, the range, and the default to fall back to.
    const numbers = new Set([...r.stderr.replaceAll(dir, '').matchAll(/\b\d{4,}\b/g)].map((m) => m[0]));
    assert.deepEqual([...numbers].sort(), ['65535', '70000', '9030']);
  });
});
