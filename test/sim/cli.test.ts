import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { simCommand } from '../../lib/cli/sim-command';

describe('sim: CLI command', () => {
  it('declares its options', () => {
    const cmd = simCommand();
    assert.equal(cmd.name(), 'sim');
    assert.deepEqual(cmd.options.map((o) => o.long).sort(), ['--fe-restore-seconds', '--kubeconfig-out', '--port', '--time-scale']);
  });

  it('serves until SIGTERM and writes a kubeconfig that client-node can use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const out = join(dir, 'kubeconfig');
    const script = `require(${JSON.stringify(resolve(__dirname, '../../lib/cli/sim-command.ts'))}).simCommand().parseAsync(['--port','0','--kubeconfig-out',${JSON.stringify(out)},'--time-scale','0.01'],{from:'user'})`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const end = Date.now() + 60000;
      while (!/kubeconfig written/.test(stdout)) {
        if (Date.now() > end) throw new Error(`no kubeconfig: ${stdout}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(existsSync(out));
      const kc = new k8s.KubeConfig();
      kc.loadFromString(readFileSync(out, 'utf8'));
      assert.equal(kc.getCurrentContext(), 'starrocks-sim');
      const ns = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
      assert.ok(ns.items.some((n) => n.metadata!.name === 'default'));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(stdout, /stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
