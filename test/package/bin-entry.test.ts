/** bin/starrocks-dr.js runs the build, says how to fix a missing one, and runs TypeScript only when asked. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'starrocks-dr.js');

describe('the starrocks-dr bin', () => {
  it('without a build, exits 2 naming the missing file and both fixes, and guesses nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srdr-bin-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.copyFileSync(BIN, path.join(dir, 'bin', 'starrocks-dr.js'));
      const env = { ...process.env };
      delete env.STARROCKS_DR_FROM_SOURCE;
      const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'starrocks-dr.js'), 'synth'], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /build\/lib\/cli\/main\.js is missing/);
      assert.match(r.stderr, /Fix: run `npm run build`.*STARROCKS_DR_FROM_SOURCE=1/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the same manifests from the build and, with STARROCKS_DR_FROM_SOURCE=1, from the TypeScript', () => {
    const outs = ['0', '1'].map((fromSource) => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'srdr-bin-out-'));
      const r = spawnSync(process.execPath, [BIN, 'synth', '-o', out], { cwd: ROOT, env: { ...process.env, STARROCKS_DR_FROM_SOURCE: fromSource }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const text = fs.readFileSync(path.join(out, 'kube-starrocks.k8s.yaml'), 'utf8');
      fs.rmSync(out, { recursive: true, force: true });
      return text;
    });
    assert.ok(outs[0].length > 1000);
    assert.equal(outs[0], outs[1]);
  });
});
